/* parvande — the rows a screen's list shows (file, enrollment, catalog):
 * built once from the core's results, drawn by the screen's draw_row. */
#include <stdlib.h>
#include <string.h>

#include "widget.h"

pv_row *pv_rows_add(pv_rows *r, int kind, const char *label, const char *value)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        pv_row *grown = realloc(r->v, cap * sizeof *grown);
        if (!grown)
            return NULL;
        r->v = grown;
        r->cap = cap;
    }
    pv_row *row = &r->v[r->n];
    memset(row, 0, sizeof *row);
    row->kind = kind;
    row->label = label ? strdup(label) : NULL;
    row->value = value ? strdup(value) : NULL;
    if ((label && !row->label) || (value && !row->value)) {
        free(row->label);
        free(row->value);
        return NULL;
    }
    r->n++;
    return row;
}

size_t pv_rows_add_wrapped(pv_rows *r, int kind, const char *text, int width, unsigned flags)
{
    if (width < 8)
        width = 8;
    pv_layout *l = pv_layout_text(text ? text : "", PV_DIR_AUTO, width);
    if (!l)
        return 0;
    size_t added = 0;
    for (size_t i = 0; i < l->n_lines; i++) {
        size_t a = pv_edit_byte_at(text, l->lines[i].start);
        size_t b = pv_edit_byte_at(text, l->lines[i].end);
        char *line = strndup(text + a, b - a);
        if (!line)
            break;
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '))
            line[--n] = '\0';
        pv_row *row = pv_rows_add(r, kind, NULL, line);
        free(line);
        if (!row)
            break;
        /* each line keeps the paragraph's direction */
        row->flags = flags | (l->rtl ? PV_T_RTL : PV_T_LTR);
        added++;
    }
    pv_layout_free(l);
    return added;
}

void pv_rows_clear(pv_rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].label);
        free(r->v[i].value);
    }
    r->n = 0;
}

void pv_rows_free(pv_rows *r)
{
    pv_rows_clear(r);
    free(r->v);
    r->v = NULL;
    r->cap = 0;
}

void pv_rows_draw_pair(pv_ui *ui, int y, int x, int w, int label_w, const pv_row *r,
                       bool selected)
{
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    if (label_w > w / 2)
        label_w = w / 2;
    pv_draw_text(&ui->draw, y, x, label_w, r->label ? r->label : "", 0,
                 selected ? st : PV_ST_LABEL);
    pv_draw_text(&ui->draw, y, x + label_w + 1, w - label_w - 1, r->value ? r->value : "",
                 r->flags, st);
}
