/* parvande — the form widget: labelled fields, Tab/Shift-Tab between them,
 * each field checked when left, and the text editing of a field with the
 * cursor kept as a logical position at grapheme boundaries. */
#include <stdlib.h>
#include <string.h>

#include "bidi.h"
#include "parvande/i18n.h"
#include "parvande/text.h"
#include "widget.h"

#define NOTE_ROWS 5
#define ZWNJ "\xe2\x80\x8c"

/* ---- text editing ---------------------------------------------------------- */

/* Byte offset of code point `pos` (a malformed byte counts as one code
 * point, as in the bidi layer); the string's length when pos is past it. */
size_t pv_edit_byte_at(const char *s, size_t pos)
{
    size_t b = 0, n = strlen(s);
    for (size_t i = 0; i < pos && b < n; i++) {
        uint32_t cp;
        size_t len = pv_utf8_decode(s + b, n - b, &cp);
        b += len ? len : 1;
    }
    return b;
}

static size_t cp_length(const char *s)
{
    size_t count = 0, b = 0, n = strlen(s);
    while (b < n) {
        uint32_t cp;
        size_t len = pv_utf8_decode(s + b, n - b, &cp);
        b += len ? len : 1;
        count++;
    }
    return count;
}

bool pv_edit_insert(char **s, size_t *cursor, const char *text)
{
    size_t at = pv_edit_byte_at(*s, *cursor), old = strlen(*s), add = strlen(text);
    char *grown = realloc(*s, old + add + 1);
    if (!grown)
        return false;
    memmove(grown + at + add, grown + at, old - at + 1);
    memcpy(grown + at, text, add);
    *s = grown;
    *cursor += cp_length(text);
    return true;
}

void pv_edit_delete(char *s, size_t *cursor, bool backward)
{
    size_t from, to;
    if (backward) {
        if (*cursor == 0)
            return;
        /* A trailing mark or ZWNJ just typed goes alone, so a haraka or a
         * half-space can be corrected without retyping the letter. */
        size_t at = pv_edit_byte_at(s, *cursor - 1);
        uint32_t cp = 0;
        pv_utf8_decode(s + at, strlen(s + at), &cp);
        bool lone = (cp >= 0x064B && cp <= 0x0652) || cp == 0x0670 || cp == 0x200C ||
                    cp == 0x200D;
        from = lone ? *cursor - 1 : pv_grapheme_prev(s, *cursor);
        to = *cursor;
    } else {
        from = *cursor;
        to = pv_grapheme_next(s, *cursor);
        if (to == from)
            return;
    }
    size_t bf = pv_edit_byte_at(s, from), bt = pv_edit_byte_at(s, to);
    memmove(s + bf, s + bt, strlen(s + bt) + 1);
    *cursor = from;
}

/* ---- fields -------------------------------------------------------------- */

void pv_form_init(pv_form *f, const pv_form_ops *ops, void *user)
{
    memset(f, 0, sizeof *f);
    f->ops = ops;
    f->user = user;
}

bool pv_form_init_one(pv_form *f, void *user, const char *name, const char *label,
                      bool required)
{
    pv_form_init(f, NULL, user);
    if (pv_form_add(f, name, label, required, false, PV_FK_TEXT, "") >= 0)
        return true;
    pv_form_free(f);
    return false;
}

void pv_form_free(pv_form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->fields[i].value);
        free(f->fields[i].error);
    }
    free(f->fields);
    memset(f, 0, sizeof *f);
}

int pv_form_add(pv_form *f, const char *name, const char *label, bool required, bool ltr,
                pv_field_kind kind, const char *value)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        pv_form_field *grown = realloc(f->fields, cap * sizeof *grown);
        if (!grown)
            return -1;
        f->fields = grown;
        f->cap = cap;
    }
    pv_form_field *fl = &f->fields[f->n];
    memset(fl, 0, sizeof *fl);
    fl->value = strdup(value ? value : "");
    if (!fl->value)
        return -1;
    fl->name = name;
    fl->label = label;
    fl->required = required;
    fl->ltr = ltr;
    fl->kind = kind;
    fl->cursor = cp_length(fl->value);
    return (int)f->n++;
}

const char *pv_form_value(const pv_form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return f->fields[i].value;
    return NULL;
}

void pv_form_set(pv_form *f, size_t i, const char *text)
{
    if (i >= f->n)
        return;
    char *copy = strdup(text ? text : "");
    if (!copy)
        return;
    free(f->fields[i].value);
    f->fields[i].value = copy;
    f->fields[i].cursor = cp_length(copy);
}

static int field_rows(const pv_form_field *fl)
{
    return fl->kind == PV_FK_NOTE ? NOTE_ROWS : 1;
}

int pv_form_rows(const pv_form *f)
{
    int r = 0;
    for (size_t i = 0; i < f->n; i++)
        r += field_rows(&f->fields[i]);
    return r;
}

/* ---- checking -------------------------------------------------------------- */

/* Marks field i refused with this reason (NULL: accepted). */
static void set_error(pv_form_field *fl, const char *why)
{
    free(fl->error);
    fl->error = why ? strdup(why) : NULL;
    fl->invalid = why != NULL;
}

/* Checks field i; on refusal shows the reason (naming the field) and marks it. */
static bool check_field(pv_ui *ui, pv_form *f, size_t i, bool for_save)
{
    pv_form_field *fl = &f->fields[i];
    set_error(fl, NULL);
    if (!fl->value[0]) {
        if (fl->required && for_save) {
            char why[256];
            snprintf(why, sizeof why, "%s: %s", _(fl->label), _("this field is required"));
            set_error(fl, why);
            pv_ui_status(ui, PV_MSG_ERROR, "%s", why);
            return false;
        }
        return true; /* an empty optional field keeps its default */
    }
    if (!f->ops || !f->ops->validate)
        return true;
    size_t size = strlen(fl->value) * 3 + 1024;
    char *norm = calloc(1, size);
    if (!norm)
        return false;
    pv_error err = PV_ERROR_INIT;
    bool ok = f->ops->validate(f->user, fl->name, fl->value, norm, size, &err) == PV_OK;
    if (!ok) {
        set_error(fl, err.message ? err.message : _("unknown error"));
        pv_ui_error(ui, &err);
    } else if (norm[0] && strcmp(norm, fl->value) != 0) {
        pv_form_set(f, i, norm);
    }
    pv_error_clear(&err);
    free(norm);
    return ok;
}

bool pv_form_check_all(pv_ui *ui, pv_form *f)
{
    long first = -1;
    char others[512] = "";
    size_t n_others = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (check_field(ui, f, i, true))
            continue;
        if (first < 0) {
            first = (long)i;
            continue;
        }
        size_t len = strlen(others);
        snprintf(others + len, sizeof others - len, "%s%s", n_others++ ? _(", ") : "",
                 _(f->fields[i].label));
    }
    if (first < 0)
        return true;
    f->focus = (size_t)first;
    const char *why = f->fields[first].error ? f->fields[first].error : "";
    if (n_others)
        pv_ui_status(ui, PV_MSG_ERROR, _("%s — also to correct: %s"), why, others);
    else
        pv_ui_status(ui, PV_MSG_ERROR, "%s", why);
    return false;
}

static unsigned move_focus(pv_ui *ui, pv_form *f, int dir)
{
    if (f->n == 0)
        return PV_CH_NONE;
    if (check_field(ui, f, f->focus, false) && ui->status_kind == PV_MSG_ERROR)
        ui->status[0] = '\0'; /* the refusal was about this field, now fixed */
    f->focus = (f->focus + f->n + (size_t)(dir > 0 ? 1 : f->n - 1)) % f->n;
    if (f->fields[f->focus].error) /* back on a field still wrong: say why again */
        pv_ui_status(ui, PV_MSG_ERROR, "%s", f->fields[f->focus].error);
    return PV_CH_DRAW;
}

/* ---- keys -------------------------------------------------------------- */

static bool field_rtl(const pv_form_field *fl)
{
    if (fl->ltr)
        return false;
    pv_layout *l = pv_layout_text(fl->value, PV_DIR_AUTO, 0);
    bool rtl = l ? l->rtl : true;
    pv_layout_free(l);
    return rtl;
}

static unsigned cycle_choice(pv_form *f, pv_form_field *fl, int dir, bool *changed)
{
    char next[256];
    if (!f->ops || !f->ops->cycle || !f->ops->cycle(f->user, fl->name, fl->value, dir, next,
                                                    sizeof next))
        return PV_CH_NONE;
    pv_form_set(f, f->focus, next);
    set_error(fl, NULL); /* a value of the list is never wrong */
    f->changed = true;
    if (changed)
        *changed = true;
    return PV_CH_DRAW;
}

static unsigned insert_text(pv_form *f, pv_form_field *fl, const char *text, bool *changed)
{
    if (!pv_edit_insert(&fl->value, &fl->cursor, text))
        return PV_CH_NONE;
    f->changed = true;
    if (changed)
        *changed = true;
    return PV_CH_DRAW;
}

unsigned pv_form_action(pv_ui *ui, pv_form *f, int action, bool *changed)
{
    if (changed)
        *changed = false;
    if (f->n == 0)
        return PV_CH_NONE;
    pv_form_field *fl = &f->fields[f->focus];
    size_t len = cp_length(fl->value);
    bool rtl = field_rtl(fl);
    switch (action) {
    case PV_A_NEXT_FIELD:
        return move_focus(ui, f, +1);
    case PV_A_PREV_FIELD:
        return move_focus(ui, f, -1);
    case PV_A_NEWLINE:
        if (fl->kind == PV_FK_NOTE)
            return insert_text(f, fl, "\n", changed);
        return move_focus(ui, f, +1);
    case PV_A_CHOICE_NEXT:
        if (fl->kind == PV_FK_CHOICE)
            return cycle_choice(f, fl, +1, changed);
        return insert_text(f, fl, " ", changed);
    case PV_A_LEFT:
    case PV_A_RIGHT:
        /* a choice: the arrow towards the line's end is the next value */
        if (fl->kind == PV_FK_CHOICE)
            return cycle_choice(f, fl, (action == PV_A_RIGHT) != ui->draw.rtl ? +1 : -1,
                                changed);
        /* In a right-to-left field Left goes forward in the text. */
        if ((action == PV_A_LEFT) == rtl)
            fl->cursor = pv_grapheme_next(fl->value, fl->cursor);
        else
            fl->cursor = pv_grapheme_prev(fl->value, fl->cursor);
        return PV_CH_DRAW;
    case PV_A_BOL:
        fl->cursor = 0;
        return PV_CH_DRAW;
    case PV_A_EOL:
        fl->cursor = len;
        return PV_CH_DRAW;
    case PV_A_BACKSPACE:
    case PV_A_DELETE:
        if (fl->kind == PV_FK_CHOICE) { /* a choice is one word: it goes whole */
            pv_form_set(f, f->focus, "");
            set_error(fl, NULL);
            f->changed = true;
            if (changed)
                *changed = true;
            return PV_CH_DRAW;
        }
        pv_edit_delete(fl->value, &fl->cursor, action == PV_A_BACKSPACE);
        f->changed = true;
        if (changed)
            *changed = true;
        return PV_CH_DRAW;
    case PV_A_CLEAR:
        pv_form_set(f, f->focus, "");
        f->changed = true;
        if (changed)
            *changed = true;
        return PV_CH_DRAW;
    case PV_A_ZWNJ:
        if (fl->ltr || fl->kind == PV_FK_CHOICE)
            return PV_CH_NONE;
        return insert_text(f, fl, ZWNJ, changed);
    default:
        return PV_CH_NONE;
    }
}

/* A letter typed in a choice: the next value starting with it (the same
 * letter again goes on to the one after). Nothing else can be typed. */
static unsigned choose_by_letter(pv_form *f, pv_form_field *fl, uint32_t key, bool *changed)
{
    if (!f->ops || !f->ops->cycle)
        return PV_CH_NONE;
    char cur[256], next[256];
    snprintf(cur, sizeof cur, "%s", fl->value);
    for (int step = 0; step < 32; step++) {
        if (!f->ops->cycle(f->user, fl->name, cur, +1, next, sizeof next))
            return PV_CH_NONE;
        uint32_t cp = 0;
        pv_utf8_decode(next, strlen(next), &cp);
        if (cp == key || (key < 128 && cp < 128 && (cp | 0x20) == (key | 0x20))) {
            pv_form_set(f, f->focus, next);
            set_error(fl, NULL);
            f->changed = true;
            if (changed)
                *changed = true;
            return PV_CH_DRAW;
        }
        if (strcmp(next, fl->value) == 0)
            break; /* round the whole list */
        snprintf(cur, sizeof cur, "%s", next);
    }
    return PV_CH_NONE;
}

void pv_form_focus_named(pv_form *f, const char *name)
{
    for (size_t i = 0; name && i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            f->focus = i;
}

unsigned pv_form_action_or_pass(pv_ui *ui, pv_form *f, int action)
{
    return action < PV_A_UP ? PV_CH_PASS : pv_form_action(ui, f, action, NULL);
}

unsigned pv_form_screen_input(pv_ui *ui, void *st, int key)
{
    return pv_form_input(ui, (pv_form *)st, key, NULL);
}

unsigned pv_form_screen_reload(pv_ui *ui, void *st)
{
    (void)ui;
    (void)st;
    return PV_CH_DRAW;
}

unsigned pv_form_input(pv_ui *ui, pv_form *f, int key, bool *changed)
{
    if (changed)
        *changed = false;
    if (f->n == 0 || key < 32 || key >= PV_KEY_FN || key == 127)
        return PV_CH_NONE;
    if (key >= 0x80 && key < 0xa0)
        return PV_CH_NONE; /* C1 controls are never typed text */
    pv_form_field *fl = &f->fields[f->focus];
    if (fl->kind == PV_FK_CHOICE) {
        unsigned ch = choose_by_letter(f, fl, (uint32_t)key, changed);
        if (ch == PV_CH_NONE)
            pv_ui_status(ui, PV_MSG_INFO, "%s: %s", _(fl->label),
                         _("choose with Space or the arrows, or type a value's first letter"));
        return PV_CH_DRAW;
    }
    char utf8[5];
    size_t n = pv_utf8_encode((uint32_t)key, utf8);
    utf8[n] = '\0';
    return insert_text(f, fl, utf8, changed);
}

/* ---- drawing ------------------------------------------------------------- */

static void draw_label(pv_ui *ui, const pv_form_field *fl, int y, int label_w)
{
    char label[160];
    /* ✗ marks a refused field without colour too (NO_COLOR, monochrome) */
    snprintf(label, sizeof label, "%s%s%s", fl->invalid ? "✗ " : "", _(fl->label),
             fl->required ? " *" : "");
    pv_draw_text(&ui->draw, y, 1, label_w, label, 0,
                 fl->invalid ? PV_ST_ERROR : PV_ST_LABEL);
}

static void draw_field(pv_ui *ui, pv_form *f, size_t i, int y, int x, int w)
{
    pv_form_field *fl = &f->fields[i];
    bool focused = i == f->focus;
    pv_style st = focused ? PV_ST_FOCUS : PV_ST_FIELD;
    unsigned flags = fl->ltr ? PV_T_LTR : 0;
    int cy = -1, cx = -1;
    if (fl->kind == PV_FK_NOTE)
        pv_draw_edit_wrapped(&ui->draw, y, x, w, NOTE_ROWS, fl->value, fl->cursor, flags, st,
                             &cy, &cx);
    else
        pv_draw_edit(&ui->draw, y, x, w, fl->value, fl->cursor, flags, st,
                     fl->kind == PV_FK_SECRET ? L'•' : 0, &cy, &cx);
    if (focused && cy >= 0)
        pv_ui_cursor(ui, cy, cx);
}

void pv_form_draw(pv_ui *ui, pv_form *f, int top, int rows, int label_w)
{
    if (f->focus < f->top)
        f->top = f->focus;
    /* Scroll until the focused field fits. */
    for (;;) {
        int used = 0;
        for (size_t i = f->top; i <= f->focus && i < f->n; i++)
            used += field_rows(&f->fields[i]);
        if (used <= rows || f->top >= f->focus)
            break;
        f->top++;
    }
    if (f->focus < f->n && f->fields[f->focus].error && !ui->status[0])
        pv_ui_status(ui, PV_MSG_ERROR, "%s", f->fields[f->focus].error);
    int cols = ui->draw.cols;
    int x = label_w > 0 ? label_w + 2 : 1;
    int w = cols - x - 1;
    if (w > 60 && label_w > 0)
        w = 60;
    int y = top;
    for (size_t i = f->top; i < f->n && y + field_rows(&f->fields[i]) <= top + rows; i++) {
        if (label_w > 0)
            draw_label(ui, &f->fields[i], y, label_w);
        draw_field(ui, f, i, y, x, w);
        y += field_rows(&f->fields[i]);
    }
}
