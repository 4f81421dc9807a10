/* parvande — the help screen, generated from the key map of the screen it
 * was opened from (and the global keys), so it always says what the keys
 * do. */
#include <stdlib.h>
#include <string.h>

#include "parvande/i18n.h"
#include "widget.h"

static const pv_binding help_own[] = {{0, 0, NULL, NULL}};
static pv_keymap help_keys = {help_own, pv_keys_list, NULL};

#define HELP_MAX 64

#define KEY_W 14

typedef struct help {
    const pv_screen *of;
    const pv_binding *b[HELP_MAX];
    size_t n;
    pv_rows rows;        /* each key's text wrapped: never cut */
    int built_cols;
    bool built_rtl;
    pv_list list;
} help;

enum { H_KEY, H_MORE, H_NOTE };

/* One key's help wrapped to the width; its name on the first line. */
static void build(pv_ui *ui, help *h)
{
    pv_rows_clear(&h->rows);
    int w = ui->draw.cols - KEY_W - 4;
    for (size_t i = 0; i < h->n; i++) {
        size_t first = h->rows.n;
        pv_rows_add_wrapped(&h->rows, H_MORE, _(h->b[i]->help), w, 0);
        if (first < h->rows.n) {
            char name[32];
            pv_keys_name(h->b[i]->key, name, sizeof name);
            h->rows.v[first].kind = H_KEY;
            h->rows.v[first].label = strdup(name);
        }
    }
    pv_rows_add_wrapped(&h->rows, H_NOTE,
                        _("Persian letters join and read right to left on any terminal; in "
                          "Konsole or mlterm switch their own bidi off."),
                        ui->draw.cols - 2, 0);
    h->built_cols = ui->draw.cols;
    h->built_rtl = ui->draw.rtl;
    pv_list_set_count(&h->list, h->rows.n);
}

static void help_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    help *h = user;
    const pv_row *r = &h->rows.v[i];
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    int cols = ui->draw.cols;
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    /* each line keeps the interface's alignment (flags: its direction) */
    unsigned dir = r->flags & ~(unsigned)(PV_T_LTR | PV_T_RTL);
    if (r->kind == H_NOTE) {
        pv_draw_text(&ui->draw, y, 1, cols - 2, r->value, dir, selected ? st : PV_ST_DIM);
        return;
    }
    if (r->kind == H_KEY)
        pv_draw_text(&ui->draw, y, 2, KEY_W, r->label ? r->label : "", PV_T_ASCII | PV_T_LTR,
                     selected ? st : PV_ST_LABEL);
    pv_draw_text(&ui->draw, y, KEY_W + 3, cols - KEY_W - 4, r->value, dir, st);
}

static void *help_open(pv_ui *ui, const void *arg)
{
    help *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->of = arg;
    h->n = pv_keys_collect(h->of->keys, h->b, HELP_MAX);
    h->list.draw_row = help_row;
    h->list.user = h;
    build(ui, h);
    return h;
}

static void help_close(pv_ui *ui, void *st)
{
    (void)ui;
    help *h = st;
    pv_rows_free(&h->rows);
    free(h);
}

static void help_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    (void)st;
    snprintf(out, size, "%s", _("Help: the keys of this screen"));
}

static void help_draw(pv_ui *ui, void *st, int top, int rows)
{
    help *h = st;
    if (h->built_cols != ui->draw.cols || h->built_rtl != ui->draw.rtl)
        build(ui, h);
    pv_list_draw(ui, &h->list, top, rows, NULL);
}

static unsigned help_action(pv_ui *ui, void *st, int action)
{
    help *h = st;
    (void)ui;
    if (action == PV_A_HELP)
        return pv_ui_pop(ui);
    unsigned ch = pv_list_action(&h->list, action);
    return ch != PV_CH_NONE || action >= PV_A_UP ? ch : PV_CH_PASS;
}

const pv_screen pv_screen_help = {
    .name = "help",
    .keys = help_keys,
    .open = help_open,
    .close = help_close,
    .title = help_title,
    .draw = help_draw,
    .action = help_action,
    .input = NULL,
    .reload = NULL,
};
