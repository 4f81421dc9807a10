/* parvande — the review queue (home F11): every open conflict of the
 * exchange; for the selected one, the value here and the other office's
 * side by side, who changed each and when. A supervisor keeps one (F2,
 * F3) or types a third value and saves it (F4). The core decides who may
 * (pv_conflict_resolve), audits it and queues it for the other office. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/calendar.h"
#include "parvande/exchange.h"
#include "parvande/i18n.h"
#include "widget.h"

enum { A_LOCAL = PV_A_SCREEN, A_REMOTE, A_VALUE };

static const pv_binding conflicts_own[] = {
    {PV_KEY(KEY_F(2)), A_LOCAL, N_("Ours"), N_("Keep the value of this office")},
    {PV_KEY(KEY_F(3)), A_REMOTE, N_("Theirs"), N_("Take the other office's value")},
    {PV_KEY(KEY_F(4)), A_VALUE, N_("Typed"), N_("Save the value typed in the box instead")},
    {'\r', A_VALUE, NULL, NULL},
    {0, 0, NULL, NULL},
};
static pv_keymap conflicts_keys = {conflicts_own, pv_keys_list, pv_keys_edit, NULL};

typedef struct review {
    pv_form box; /* a third value; first: pv_form_screen_input reads it */
    pv_conflict *items;
    size_t n;
    pv_list list;
} review;

static const char *kind_text(pv_conflict_kind k)
{
    static const char *const t[] = {
        N_("the same field changed on both sides"), N_("deleted there, changed here"),
        N_("changed there, deleted here"), N_("a different record with the same key"),
        N_("credit overspent"),
    };
    return (unsigned)k < 5 ? _(t[k]) : "?";
}

static void item_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    review *r = user;
    const pv_conflict *c = &r->items[i];
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    int cols = ui->draw.cols;
    char id[32], what[256];
    snprintf(id, sizeof id, "#%lld", (long long)c->id);
    snprintf(what, sizeof what, "%s %s%s%s", c->table, c->key, c->column[0] ? " " : "",
             c->column);
    int w_id = 8, w_kind = (cols - 12) / 2, w_what = cols - w_id - w_kind - 4;
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    pv_draw_text(&ui->draw, y, 1, w_id, id, PV_T_LTR, st);
    pv_draw_text(&ui->draw, y, 2 + w_id, w_kind, kind_text(c->kind), 0, st);
    pv_draw_text(&ui->draw, y, 3 + w_id + w_kind, w_what, what, PV_T_DATA | PV_T_LTR, st);
}

static unsigned conflicts_reload(pv_ui *ui, void *st)
{
    review *r = st;
    pv_conflicts_free(r->items, r->n);
    r->items = NULL;
    r->n = 0;
    pv_error err = PV_ERROR_INIT;
    if (pv_conflict_list(ui->ctx, true, &r->items, &r->n, &err) != PV_OK)
        pv_ui_error(ui, &err);
    pv_list_set_count(&r->list, r->n);
    return PV_CH_DRAW;
}

static void *conflicts_open(pv_ui *ui, const void *arg)
{
    (void)arg;
    review *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (!pv_form_init_one(&r->box, r, "value", N_("Another value"), false)) {
        free(r);
        return NULL;
    }
    r->list.draw_row = item_row;
    r->list.user = r;
    conflicts_reload(ui, r);
    return r;
}

static void conflicts_close(pv_ui *ui, void *st)
{
    (void)ui;
    review *r = st;
    pv_conflicts_free(r->items, r->n);
    pv_form_free(&r->box);
    free(r);
}

static void conflicts_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    review *r = st;
    snprintf(out, size, "%s — %s (%zu)", _("parvande"), _("Conflicts to review"), r->n);
}

/* One side: its heading, the value, who and when. */
static void draw_side(pv_ui *ui, int y, int x, int w, const char *head, const char *value,
                      const char *by, const char *at)
{
    pv_draw_text(&ui->draw, y, x, w, head, 0, PV_ST_LABEL);
    pv_draw_text(&ui->draw, y + 1, x, w, value ? value : "-", PV_T_DATA, PV_ST_FIELD);
    char when[64] = "", who[160];
    if (at && strlen(at) >= 10) {
        char iso[11];
        memcpy(iso, at, 10);
        iso[10] = '\0';
        pv_draw_date(iso, when, sizeof when);
    }
    snprintf(who, sizeof who, "%s %s", by ? by : "", when);
    pv_draw_text(&ui->draw, y + 2, x, w, who, PV_T_DATA, PV_ST_DIM);
}

static void conflicts_draw(pv_ui *ui, void *st, int top, int rows)
{
    review *r = st;
    int cols = ui->draw.cols;
    int detail = 7, list_rows = rows - detail - 1;
    pv_list_draw(ui, &r->list, top, list_rows, _("No conflicts to review."));
    int y = top + list_rows + 1;
    if (!pv_list_has_sel(&r->list))
        return;
    const pv_conflict *c = &r->items[r->list.sel];
    pv_draw_fill(&ui->draw, y - 1, 0, cols, PV_ST_HEADING);
    pv_draw_text(&ui->draw, y - 1, 1, cols - 2, kind_text(c->kind), 0, PV_ST_HEADING);
    int half = (cols - 3) / 2;
    char theirs[96];
    snprintf(theirs, sizeof theirs, _("Office %lld"), (long long)c->peer);
    draw_side(ui, y, 1, half, _("Here"), c->local_value, c->local_by, c->local_at);
    draw_side(ui, y, 2 + half, half, theirs, c->remote_value, c->remote_by, c->remote_at);
    pv_form_draw(ui, &r->box, y + 4, 1, 16);
}

static unsigned decide(pv_ui *ui, review *r, pv_conflict_choice choice)
{
    if (!pv_list_has_sel(&r->list))
        return PV_CH_NONE;
    const char *value = pv_form_value(&r->box, "value");
    if (choice == PV_CHOOSE_VALUE && (!value || !*value)) {
        pv_ui_status(ui, PV_MSG_ERROR, "%s", _("Type the value in the box first."));
        return PV_CH_DRAW;
    }
    pv_error err = PV_ERROR_INIT;
    int64_t id = r->items[r->list.sel].id;
    if (pv_conflict_resolve(ui->ctx, id, choice, value, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return PV_CH_DRAW;
    }
    pv_ui_status(ui, PV_MSG_OK, _("Conflict %lld decided; the decision goes to the other office "
                                  "with the next package."), (long long)id);
    pv_form_set(&r->box, 0, "");
    return conflicts_reload(ui, r);
}

static unsigned conflicts_action(pv_ui *ui, void *st, int action)
{
    review *r = st;
    switch (action) {
    case A_LOCAL:
        return decide(ui, r, PV_CHOOSE_LOCAL);
    case A_REMOTE:
        return decide(ui, r, PV_CHOOSE_REMOTE);
    case A_VALUE:
        return decide(ui, r, PV_CHOOSE_VALUE);
    default:
        break;
    }
    unsigned ch = pv_list_action(&r->list, action);
    if (ch != PV_CH_NONE)
        return ch;
    ch = pv_form_action(ui, &r->box, action, NULL);
    if (ch == PV_CH_NONE && action < PV_A_SCREEN && action != PV_A_CLEAR)
        return PV_CH_PASS;
    return ch;
}

const pv_screen pv_screen_conflicts = {
    .name = "conflicts",
    .keys = conflicts_keys,
    .open = conflicts_open,
    .close = conflicts_close,
    .title = conflicts_title,
    .draw = conflicts_draw,
    .action = conflicts_action,
    .input = pv_form_screen_input,
    .reload = conflicts_reload,
};
