/* parvande — referrals in the interface: the branch's open referrals (the
 * overdue ones marked, the logged-in user's first), one referral with its
 * history of answers, and the lines the home and file screens show. */
#include <stdlib.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/referrals.h"
#include "parvande/text.h"
#include "screen_referral.h"
#include "widget.h"

/* ---- shared with the home and file screens ---- */

int pv_ui_overdue_count(pv_ui *ui)
{
    pv_error err = PV_ERROR_INIT;
    int n = 0;
    if (pv_referral_overdue_count(ui->ctx, pv_ctx_actor(ui->ctx)->name, NULL, &n, &err)
        != PV_OK) {
        pv_error_clear(&err);
        return -1;
    }
    return n;
}

/* "1403/10/29", with " — OVERDUE" when it is. */
static void follow_text(const pv_referral *r, char *out, size_t size)
{
    char date[16];
    pv_draw_date(r->follow_up, date, sizeof date);
    bool late = pv_referral_is_overdue(r, NULL);
    snprintf(out, size, "%s%s%s", date, late ? " — " : "", late ? _("OVERDUE") : "");
}

size_t pv_ui_open_referral_lines(pv_ui *ui, const char *national_id, char **lines, size_t max)
{
    pv_referral *list;
    size_t n, k = 0;
    pv_error err = PV_ERROR_INIT;
    pv_referral_filter f = {.national_id = national_id, .open_only = true};
    if (pv_referral_list(ui->ctx, &f, &list, &n, &err) != PV_OK) {
        pv_error_clear(&err);
        return 0;
    }
    for (size_t i = 0; i < n && k < max; i++) {
        char follow[128], line[PV_NAME_SZ * 3 + 256];
        follow_text(&list[i], follow, sizeof follow);
        snprintf(line, sizeof line, _("%s · %s · %s · follow-up %s"),
                 list[i].centre_id ? list[i].centre : _("(centre not named)"),
                 pv_urgency_label(list[i].urgency), pv_ref_status_label(list[i].status), follow);
        if ((lines[k] = strdup(line)))
            k++;
    }
    free(list);
    return k;
}

/* ---- the list ---- */

enum { A_OPEN = PV_A_SCREEN, A_MINE, A_ORDER };

static const pv_binding list_own[] = {
    {'\r', A_OPEN, NULL, N_("Open the selected referral")},
    {PV_KEY(KEY_ENTER), A_OPEN, NULL, NULL},
    {PV_KEY(KEY_F(3)), A_MINE, N_("Mine"),
     N_("Show only my referrals, or every open referral of the branch")},
    {PV_KEY(KEY_F(4)), A_ORDER, N_("Order"),
     N_("Order by follow-up date, by centre, or by caseworker")},
    {0, 0, NULL, NULL},
};
static pv_keymap list_keys = {list_own, pv_keys_list, NULL};

typedef struct rlist {
    pv_referral *refs;
    size_t n;
    bool mine;
    int order; /* 0 follow-up date (the core's order), 1 centre, 2 caseworker */
    int overdue;
    pv_list list;
} rlist;

static void ref_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    rlist *l = user;
    const pv_referral *r = &l->refs[i];
    bool late = pv_referral_is_overdue(r, NULL);
    pv_style st = selected ? PV_ST_SELECTED : late ? PV_ST_ERROR : PV_ST_TEXT;
    int cols = ui->draw.cols;
    int w_date = 11, w_id = 11, w_urg = 10, w_late = 9;
    int w_rest = cols - 2 - w_date - w_id - w_urg - w_late - 5;
    int w_name = w_rest / 2, w_centre = w_rest - w_name;
    char date[16], name[2 * PV_NAME_SZ + 2];
    pv_draw_date(r->follow_up, date, sizeof date);
    snprintf(name, sizeof name, "%s %s", r->first_name, r->last_name);
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    int x = 1;
    pv_draw_text(&ui->draw, y, x, w_date, date, PV_T_LTR, st);
    x += w_date + 1;
    pv_draw_text(&ui->draw, y, x, w_name, name, PV_T_DATA, st);
    x += w_name + 1;
    pv_draw_text(&ui->draw, y, x, w_id, r->national_id, PV_T_DATA | PV_T_LTR, st);
    x += w_id + 1;
    pv_draw_text(&ui->draw, y, x, w_centre, r->centre_id ? r->centre : "-", PV_T_DATA, st);
    x += w_centre + 1;
    pv_draw_text(&ui->draw, y, x, w_urg, pv_urgency_label(r->urgency), 0, st);
    x += w_urg + 1;
    pv_draw_text(&ui->draw, y, x, w_late, late ? _("OVERDUE") : "", 0, st);
}

/* Per centre or per caseworker, each group by follow-up date (the sort is
 * stable over the core's order by follow-up date, then id). */
static int by_centre(const void *a, const void *b)
{
    const pv_referral *x = a, *y = b;
    int c = strcmp(x->centre, y->centre);
    return c ? c : strcmp(x->follow_up, y->follow_up) ? strcmp(x->follow_up, y->follow_up)
                                                      : (x->id > y->id) - (x->id < y->id);
}

static int by_caseworker(const void *a, const void *b)
{
    const pv_referral *x = a, *y = b;
    int c = strcmp(x->referred_by, y->referred_by);
    return c ? c : strcmp(x->follow_up, y->follow_up) ? strcmp(x->follow_up, y->follow_up)
                                                      : (x->id > y->id) - (x->id < y->id);
}

static void list_load(pv_ui *ui, rlist *l)
{
    free(l->refs);
    l->refs = NULL;
    l->n = 0;
    pv_error err = PV_ERROR_INIT;
    pv_referral_filter f = {.open_only = true,
                            .referred_by = l->mine ? pv_ctx_actor(ui->ctx)->name : NULL};
    if (pv_referral_list(ui->ctx, &f, &l->refs, &l->n, &err) != PV_OK)
        pv_ui_error(ui, &err);
    l->overdue = pv_ui_overdue_count(ui);
    if (l->order && l->n)
        qsort(l->refs, l->n, sizeof *l->refs, l->order == 1 ? by_centre : by_caseworker);
    pv_list_set_count(&l->list, l->n);
}

static unsigned list_reload(pv_ui *ui, void *st)
{
    list_load(ui, st);
    return PV_CH_DRAW;
}

/* Loaded again in a new order or filter, from the first row. */
static unsigned list_relist(pv_ui *ui, rlist *l)
{
    l->list.sel = l->list.top = 0;
    return list_reload(ui, l);
}

static void *list_open(pv_ui *ui, const void *arg)
{
    (void)arg;
    rlist *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->list.draw_row = ref_row;
    l->list.user = l;
    list_load(ui, l);
    return l;
}

static void list_close(pv_ui *ui, void *st)
{
    (void)ui;
    rlist *l = st;
    free(l->refs);
    free(l);
}

static void list_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    rlist *l = st;
    static const char *const orders[] = {N_("by follow-up date"), N_("by centre"),
                                         N_("by caseworker")};
    snprintf(out, size, "%s — %s, %s", _("Referrals"),
             l->mine ? _("mine, open") : _("all open"), _(orders[l->order]));
}

static void list_draw(pv_ui *ui, void *st, int top, int rows)
{
    rlist *l = st;
    char line[256];
    if (l->overdue >= 0)
        snprintf(line, sizeof line, _("Your overdue referrals: %d"), l->overdue);
    else
        line[0] = '\0';
    pv_draw_text(&ui->draw, top + 1, 1, ui->draw.cols - 2, line, 0,
                 l->overdue > 0 ? PV_ST_ERROR : PV_ST_DIM);
    int cols = ui->draw.cols, y = top + 2;
    int w_date = 11, w_id = 11, w_urg = 10, w_late = 9;
    int w_rest = cols - 2 - w_date - w_id - w_urg - w_late - 5;
    int w_name = w_rest / 2, w_centre = w_rest - w_name, x = 1;
    pv_draw_fill(&ui->draw, y, 0, cols, PV_ST_HEADING);
    pv_draw_text(&ui->draw, y, x, w_date, _("Follow-up"), 0, PV_ST_HEADING);
    x += w_date + 1;
    pv_draw_text(&ui->draw, y, x, w_name, _("Name"), 0, PV_ST_HEADING);
    x += w_name + 1;
    pv_draw_text(&ui->draw, y, x, w_id, _("National ID"), 0, PV_ST_HEADING);
    x += w_id + 1;
    pv_draw_text(&ui->draw, y, x, w_centre, _("Centre"), 0, PV_ST_HEADING);
    x += w_centre + 1;
    pv_draw_text(&ui->draw, y, x, w_urg + w_late, _("Urgency"), 0, PV_ST_HEADING);
    pv_list_draw(ui, &l->list, top + 3, rows - 3, _("No open referral."));
}

static unsigned list_action(pv_ui *ui, void *st, int action)
{
    rlist *l = st;
    switch (action) {
    case A_OPEN:
        if (!pv_list_has_sel(&l->list))
            return PV_CH_NONE;
        return pv_ui_push(ui, &pv_screen_referral, &l->refs[l->list.sel].id);
    case A_ORDER:
        l->order = (l->order + 1) % 3;
        return list_relist(ui, l);
    case A_MINE:
        l->mine = !l->mine;
        return list_relist(ui, l);
    default:
        return pv_list_action_or_pass(&l->list, action);
    }
}

const pv_screen pv_screen_referrals = {
    .name = "referrals",
    .keys = list_keys,
    .open = list_open,
    .close = list_close,
    .title = list_title,
    .draw = list_draw,
    .action = list_action,
    .input = NULL,
    .reload = list_reload,
};

/* ---- one referral ---- */

enum { A_RECEIVE = PV_A_SCREEN, A_CLOSE, A_RETURN, A_FOLLOW };

static const pv_binding one_own[] = {
    {PV_KEY(KEY_F(3)), A_RECEIVE, N_("Receive"), N_("Record that the centre received the person")},
    {PV_KEY(KEY_F(4)), A_CLOSE, N_("Close"), N_("Close the referral with its outcome")},
    {PV_KEY(KEY_F(5)), A_RETURN, N_("Return"), N_("Record that the centre sent the person back")},
    {PV_KEY(KEY_F(6)), A_FOLLOW, N_("Follow"), N_("Move the follow-up date, with a reason")},
    {0, 0, NULL, NULL},
};
static pv_keymap one_keys = {one_own, pv_keys_list, NULL};

typedef struct rone {
    pv_id id;
    pv_referral r;
    char *labels[24], *values[24];
    unsigned flags[24];
    size_t n;
    pv_list list;
} rone;

static void one_free_rows(rone *o)
{
    for (size_t i = 0; i < o->n; i++) {
        free(o->labels[i]);
        free(o->values[i]);
    }
    o->n = 0;
}

static void pair(rone *o, const char *label, const char *value, unsigned flags)
{
    if (o->n == sizeof o->labels / sizeof *o->labels || !value || !value[0])
        return;
    o->labels[o->n] = strdup(label);
    o->values[o->n] = strdup(value);
    o->flags[o->n++] = flags;
}

static void one_rows(rone *o)
{
    one_free_rows(o);
    const pv_referral *r = &o->r;
    char buf[2 * PV_NAME_SZ + 64], date[16];
    snprintf(buf, sizeof buf, "%s %s", r->first_name, r->last_name);
    pair(o, _("Person"), buf, PV_T_DATA);
    pair(o, _("National ID"), r->national_id, PV_T_DATA | PV_T_LTR);
    pair(o, _("Centre"), r->centre_id ? r->centre : _("(centre not named)"), PV_T_DATA);
    pair(o, _("County"), r->centre_county, PV_T_DATA);
    pair(o, _("Phone"), r->centre_phone, PV_T_DATA | PV_T_LTR);
    pair(o, _("Service"), r->target, PV_T_DATA);
    char adate[16];
    pv_draw_date(r->assessment_date, adate, sizeof adate);
    pair(o, _("From the assessment of"), adate, PV_T_LTR);
    pair(o, _("Urgency"), pv_urgency_label(r->urgency), 0);
    pair(o, _("Status"), pv_ref_status_label(r->status), 0);
    pair(o, _("Reason"), r->reason, PV_T_DATA);
    pair(o, _("Referred by"), r->referred_by, PV_T_DATA);
    pv_draw_date(r->sent_on, date, sizeof date);
    pair(o, _("Sent"), date, PV_T_LTR);
    follow_text(r, buf, sizeof buf);
    pair(o, _("Follow-up"), buf, 0);
    pair(o, _("Reason for the follow-up date"), r->follow_up_reason, PV_T_DATA);
    pv_draw_date(r->received_on, date, sizeof date);
    pair(o, _("Received"), date, PV_T_LTR);
    pair(o, _("The centre's answer"), r->answer, PV_T_DATA);
    pv_draw_date(r->closed_on, date, sizeof date);
    pair(o, r->status == PV_REF_RETURNED ? _("Returned") : _("Closed"), date, PV_T_LTR);
    pair(o, _("Outcome"), r->outcome, PV_T_DATA);
    pv_list_set_count(&o->list, o->n);
}

static void one_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    rone *o = user;
    int cols = ui->draw.cols, label_w = cols >= 100 ? 30 : 24;
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    pv_draw_text(&ui->draw, y, 2, label_w, o->labels[i], 0, selected ? st : PV_ST_LABEL);
    pv_draw_text(&ui->draw, y, 3 + label_w, cols - label_w - 4, o->values[i], o->flags[i], st);
}

static bool one_load(pv_ui *ui, rone *o)
{
    pv_error err = PV_ERROR_INIT;
    if (pv_referral_get(ui->ctx, o->id, &o->r, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return false;
    }
    one_rows(o);
    return true;
}

static unsigned one_reload(pv_ui *ui, void *st)
{
    one_load(ui, st);
    return PV_CH_DRAW;
}

static void one_close(pv_ui *ui, void *st)
{
    (void)ui;
    one_free_rows(st);
    free(st);
}

static void *one_open(pv_ui *ui, const void *arg)
{
    rone *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->id = *(const pv_id *)arg;
    o->list.draw_row = one_row;
    o->list.user = o;
    if (!one_load(ui, o)) {
        one_close(ui, o);
        return NULL;
    }
    return o;
}

static void one_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    rone *o = st;
    char name[2 * PV_NAME_SZ + 2], clean[6 * PV_NAME_SZ];
    snprintf(name, sizeof name, "%s %s", o->r.first_name, o->r.last_name);
    pv_text_sanitize(name, false, clean, sizeof clean);
    snprintf(out, size, "%s — %s", _("Referral"), clean);
}

static void one_draw(pv_ui *ui, void *st, int top, int rows)
{
    rone *o = st;
    pv_list_draw(ui, &o->list, top + 1, rows - 1, NULL);
}

static unsigned one_action(pv_ui *ui, void *st, int action)
{
    rone *o = st;
    pv_ref_form_request req = {.referral = o->id};
    switch (action) {
    case A_RECEIVE: req.kind = PV_REF_FORM_RECEIVE; break;
    case A_CLOSE: req.kind = PV_REF_FORM_CLOSE; break;
    case A_RETURN: req.kind = PV_REF_FORM_RETURN; break;
    case A_FOLLOW: req.kind = PV_REF_FORM_FOLLOW_UP; break;
    default:
        return pv_list_action_or_pass(&o->list, action);
    }
    return pv_ui_push(ui, &pv_screen_referral_form, &req);
}

const pv_screen pv_screen_referral = {
    .name = "referral",
    .keys = one_keys,
    .open = one_open,
    .close = one_close,
    .title = one_title,
    .draw = one_draw,
    .action = one_action,
    .input = NULL,
    .reload = one_reload,
};
