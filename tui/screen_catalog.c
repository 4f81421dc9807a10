/* parvande — the catalog browser: every service, and any service's card
 * read section by section (§1-§11, as the core lays the card out). */
#include <stdlib.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/services.h"
#include "parvande/text.h"
#include "widget.h"

enum { A_OPEN = PV_A_SCREEN, A_NEXT_SECTION, A_PREV_SECTION };

/* ---- the list of services ------------------------------------------------ */

static const pv_binding catalog_own[] = {
    {'\r', A_OPEN, NULL, N_("Read the selected service's card")},
    {PV_KEY(KEY_ENTER), A_OPEN, NULL, NULL},
    {0, 0, NULL, NULL},
};
static pv_keymap catalog_keys = {catalog_own, pv_keys_list, NULL};

typedef struct catalog {
    pv_service_info *s;
    size_t n;
    pv_list list;
} catalog;

static void service_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    catalog *c = user;
    const pv_service_info *s = &c->s[i];
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    int cols = ui->draw.cols, code_w = 13;
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    pv_draw_text(&ui->draw, y, 1, code_w, s->code, PV_T_DATA | PV_T_LTR, st);
    pv_draw_text(&ui->draw, y, code_w + 2, cols - code_w - 3, s->title, PV_T_DATA, st);
}

static bool catalog_load(pv_ui *ui, catalog *c)
{
    pv_error err = PV_ERROR_INIT;
    free(c->s);
    c->s = NULL;
    c->n = 0;
    if (pv_service_list(ui->ctx, &c->s, &c->n, &err) != PV_OK) {
        c->s = NULL;
        c->n = 0;
        pv_ui_error(ui, &err);
        return false;
    }
    pv_list_set_count(&c->list, c->n);
    return true;
}

static unsigned catalog_reload(pv_ui *ui, void *st)
{
    catalog_load(ui, st);
    return PV_CH_DRAW;
}

static void *catalog_open(pv_ui *ui, const void *arg)
{
    (void)arg;
    catalog *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->list.draw_row = service_row;
    c->list.user = c;
    if (!catalog_load(ui, c)) {
        free(c);
        return NULL;
    }
    return c;
}

static void catalog_close(pv_ui *ui, void *st)
{
    (void)ui;
    catalog *c = st;
    free(c->s);
    free(c);
}

static void catalog_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    catalog *c = st;
    snprintf(out, size, _("Catalog of services (%zu)"), c->n);
}

static void catalog_draw(pv_ui *ui, void *st, int top, int rows)
{
    catalog *c = st;
    pv_draw_fill(&ui->draw, top, 0, ui->draw.cols, PV_ST_HEADING);
    pv_draw_text(&ui->draw, top, 1, 13, _("Code"), 0, PV_ST_HEADING);
    pv_draw_text(&ui->draw, top, 15, ui->draw.cols - 16, _("Service"), 0, PV_ST_HEADING);
    pv_list_draw(ui, &c->list, top + 1, rows - 1, _("The catalog is empty."));
}

static unsigned catalog_action(pv_ui *ui, void *st, int action)
{
    catalog *c = st;
    if (action == A_OPEN)
        return pv_list_has_sel(&c->list)
                   ? pv_ui_push(ui, &pv_screen_card, c->s[c->list.sel].code)
                   : PV_CH_NONE;
    return pv_list_action_or_pass(&c->list, action);
}

const pv_screen pv_screen_catalog = {
    .name = "catalog",
    .keys = catalog_keys,
    .open = catalog_open,
    .close = catalog_close,
    .title = catalog_title,
    .draw = catalog_draw,
    .action = catalog_action,
    .input = NULL,
    .reload = catalog_reload,
};

/* ---- one card ------------------------------------------------------------ */

static const pv_binding card_own[] = {
    {'\t', A_NEXT_SECTION, NULL, N_("Next section of the card")},
    {PV_KEY(KEY_BTAB), A_PREV_SECTION, NULL, N_("Previous section of the card")},
    {PV_KEY(KEY_F(5)), A_NEXT_SECTION, N_("Next§"), NULL},
    {PV_KEY(KEY_F(6)), A_PREV_SECTION, N_("Prev§"), NULL},
    {0, 0, NULL, NULL},
};
static pv_keymap card_keys = {card_own, pv_keys_list, NULL};

/* Row kinds of a card: a section's heading, a value (wrapped, the label on
 * its first line), a criterion's rule (code: Latin digits, left to right). */
enum { C_HEAD, C_VALUE, C_RULE };

typedef struct card {
    char code[PV_CODE_SZ];
    pv_card *c;
    pv_criterion_info *crit;  /* the criteria, read as labels, rules and reasons */
    size_t n_crit;
    pv_rows rows;
    int built_cols;
    pv_list list;
} card;

/* `text` wrapped to the value column: one row per line, the label on the
 * first; each line keeps the whole value's direction (or `flags`'s). */
static void card_add_value(card *k, size_t section, int kind, const char *label,
                           const char *value, int width, unsigned flags)
{
    size_t first = k->rows.n;
    pv_rows_add_wrapped(&k->rows, kind, value ? value : "", width, flags);
    for (size_t i = first; i < k->rows.n; i++)
        k->rows.v[i].section = (int)section;
    if (first < k->rows.n && label)
        k->rows.v[first].label = strdup(label);
}

static const pv_criterion_info *criterion_of(const card *k, const char *key)
{
    for (size_t i = 0; key && i < k->n_crit; i++)
        if (strcmp(k->crit[i].key, key) == 0)
            return &k->crit[i];
    return NULL;
}

static int card_label_w(const pv_ui *ui)
{
    return ui->draw.cols >= 100 ? 28 : 22;
}

/* A criterion as a caseworker reads it: its label, then the rule's code
 * as written (never "under_۱۸" or a mirrored ">"), then why it fails. */
static void card_add_criterion(card *k, size_t s, const pv_criterion_info *c, int vw)
{
    char line[2 * PV_LABEL_SZ + 64];
    card_add_value(k, s, C_VALUE, _("Criterion"), c->label, vw, PV_T_DATA);
    card_add_value(k, s, C_RULE, NULL, c->rule, vw, PV_T_DATA | PV_T_LTR | PV_T_ASCII);
    snprintf(line, sizeof line, _("if not: %s"), c->reason);
    card_add_value(k, s, C_VALUE, NULL, line, vw, PV_T_DATA);
}

static void card_build(pv_ui *ui, card *k)
{
    pv_rows_clear(&k->rows);
    k->built_cols = ui->draw.cols;
    int vw = ui->draw.cols - card_label_w(ui) - 5;
    for (size_t s = 0; s < k->c->n_sections; s++) {
        const pv_card_section *sec = &k->c->sections[s];
        pv_row *h = pv_rows_add(&k->rows, C_HEAD, NULL, sec->title);
        if (h)
            h->section = (int)s;
        for (size_t r = 0; r < sec->n_rows; r++) {
            const pv_criterion_info *c = criterion_of(k, sec->rows[r].label);
            if (c)
                card_add_criterion(k, s, c, vw);
            else
                card_add_value(k, s, C_VALUE, sec->rows[r].label, sec->rows[r].value, vw,
                               PV_T_DATA);
        }
    }
    pv_list_set_count(&k->list, k->rows.n);
}

static void card_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    card *k = user;
    const pv_row *r = &k->rows.v[i];
    int cols = ui->draw.cols, lw = card_label_w(ui);
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    pv_draw_fill(&ui->draw, y, 0, cols, r->kind == C_HEAD ? PV_ST_TEXT : st);
    if (r->kind == C_HEAD) {
        pv_draw_text(&ui->draw, y, 1, cols - 2, r->value, PV_T_DATA, PV_ST_HEADING);
        return;
    }
    if (r->label)
        pv_draw_text(&ui->draw, y, 2, lw, r->label, PV_T_DATA, selected ? st : PV_ST_LABEL);
    pv_draw_text(&ui->draw, y, lw + 3, cols - lw - 4, r->value, r->flags,
                 r->kind == C_RULE && !selected ? PV_ST_DIM : st);
}

static bool card_selectable(void *user, size_t i)
{
    const card *k = user;
    return k->rows.v[i].kind != C_HEAD;
}

static bool card_load(pv_ui *ui, card *k)
{
    pv_error err = PV_ERROR_INIT;
    pv_card_free(k->c);
    k->c = NULL;
    free(k->crit);
    k->crit = NULL;
    k->n_crit = 0;
    if (pv_service_card(ui->ctx, k->code, &k->c, &err) != PV_OK) {
        k->c = NULL;
        pv_ui_error(ui, &err);
        return false;
    }
    if (pv_service_criteria(ui->ctx, k->code, &k->crit, &k->n_crit, &err) != PV_OK) {
        k->crit = NULL; /* the card's own text of them is shown instead */
        k->n_crit = 0;
        pv_error_clear(&err);
    }
    card_build(ui, k);
    return true;
}

static unsigned card_reload(pv_ui *ui, void *st)
{
    card_load(ui, st);
    return PV_CH_DRAW;
}

static void card_close(pv_ui *ui, void *st)
{
    (void)ui;
    card *k = st;
    pv_rows_free(&k->rows);
    free(k->crit);
    pv_card_free(k->c);
    free(k);
}

static void *card_open(pv_ui *ui, const void *arg)
{
    card *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    snprintf(k->code, sizeof k->code, "%s", (const char *)arg);
    k->list.draw_row = card_row;
    k->list.selectable = card_selectable;
    k->list.user = k;
    if (!card_load(ui, k)) {
        card_close(ui, k);
        return NULL;
    }
    return k;
}

static void card_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    card *k = st;
    char *code = pv_bidi_isolate(k->code);
    char title[PV_LABEL_SZ * 3];
    pv_text_sanitize(k->c->info.title, false, title, sizeof title);
    snprintf(out, size, "%s %s — %s", _("Service"), code ? code : k->code, title);
    free(code);
}

static void card_draw(pv_ui *ui, void *st, int top, int rows)
{
    card *k = st;
    if (k->built_cols != ui->draw.cols) {
        card_build(ui, k);
        k->list.top = 0;
    }
    pv_list_draw(ui, &k->list, top, rows, NULL);
}

/* Moves the selection to the first row of the next/previous section and
 * shows the section's heading at the top. */
static unsigned card_section(card *k, int dir)
{
    if (k->rows.n == 0)
        return PV_CH_NONE;
    int cur = k->rows.v[k->list.sel].section;
    int want = dir > 0 ? cur + 1 : (cur > 0 ? cur - 1 : 0);
    for (size_t i = 0; i < k->rows.n; i++)
        if (k->rows.v[i].kind == C_HEAD && k->rows.v[i].section == want) {
            k->list.top = i;
            k->list.sel = i + 1 < k->rows.n ? i + 1 : i;
            pv_list_set_count(&k->list, k->rows.n);
            return PV_CH_DRAW;
        }
    return PV_CH_NONE;
}

static unsigned card_action(pv_ui *ui, void *st, int action)
{
    card *k = st;
    (void)ui;
    if (action == A_NEXT_SECTION || action == A_PREV_SECTION)
        return card_section(k, action == A_NEXT_SECTION ? 1 : -1);
    return pv_list_action_or_pass(&k->list, action);
}

const pv_screen pv_screen_card = {
    .name = "card",
    .keys = card_keys,
    .open = card_open,
    .close = card_close,
    .title = card_title,
    .draw = card_draw,
    .action = card_action,
    .input = NULL,
    .reload = card_reload,
};
