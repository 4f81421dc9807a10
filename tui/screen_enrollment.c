/* parvande — one enrollment: its service, status and current step, the
 * card's steps, the documents to tick, and its history. Advancing a step,
 * approving and withdrawing ask for a second key press. */
#include <stdlib.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/services.h"
#include "parvande/text.h"
#include "widget.h"

enum { A_TICK = PV_A_SCREEN, A_ADVANCE, A_APPROVE, A_WITHDRAW };

static const pv_binding enr_own[] = {
    {'\r', A_TICK, NULL, N_("Tick the selected document as presented")},
    {PV_KEY(KEY_ENTER), A_TICK, NULL, NULL},
    {' ', A_TICK, NULL, NULL},
    {PV_KEY(KEY_F(6)), A_ADVANCE, N_("Advance"), N_("Record the current step as done (press twice)")},
    {PV_KEY(KEY_F(7)), A_APPROVE, N_("Approve"), N_("Approve a requested enrollment (supervisors; press twice)")},
    {PV_KEY(KEY_F(8)), A_WITHDRAW, N_("Withdraw"), N_("Record the beneficiary's withdrawal (press twice)")},
    {0, 0, NULL, NULL},
};
static pv_keymap enr_keys = {enr_own, pv_keys_list, NULL};

typedef enum { E_HEAD, E_PAIR, E_STEP, E_DOC, E_EVENT } erow_kind;

typedef struct erow {
    erow_kind kind;
    size_t idx;
    char *label, *value; /* owned */
    unsigned flags;
    int mark;            /* 0 none, 1 ✓, 2 current ▸, 3 empty box */
} erow;

typedef struct enr {
    pv_id id;
    pv_enrollment_detail *d;
    erow *rows;
    size_t n, cap;
    pv_list list;
    int pending;         /* the action waiting for its second press, 0 none */
} enr;

static void erows_free(enr *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->rows[i].label);
        free(e->rows[i].value);
    }
    e->n = 0;
}

static erow *eadd(enr *e, erow_kind kind, const char *label, const char *value)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 32;
        erow *grown = realloc(e->rows, cap * sizeof *grown);
        if (!grown)
            return NULL;
        e->rows = grown;
        e->cap = cap;
    }
    erow *r = &e->rows[e->n++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->label = label ? strdup(label) : NULL;
    r->value = value ? strdup(value) : NULL;
    return r;
}

static void build_summary(pv_ui *ui, enr *e)
{
    const pv_enrollment *x = &e->d->e;
    char buf[PV_LABEL_SZ * 3 + 64], date[16];
    eadd(e, E_HEAD, _("Enrollment"), NULL);
    erow *r = eadd(e, E_PAIR, _("Service"), x->service_title);
    if (r)
        r->flags = PV_T_DATA;
    /* The name sanitised here, the ID in an isolate: it keeps its place
     * after the name whatever the name's script. */
    char name[PV_LABEL_SZ * 3];
    pv_text_sanitize(x->person_name, false, name, sizeof name);
    char *id = pv_bidi_isolate(x->national_id);
    snprintf(buf, sizeof buf, "%s %s", name, id ? id : x->national_id);
    free(id);
    if ((r = eadd(e, E_PAIR, _("Beneficiary"), buf)))
        r->flags = PV_T_UI; /* reads in the interface's direction */
    if (x->status == PV_ENR_IN_PROGRESS)
        snprintf(buf, sizeof buf, _("%s, step %d of %d"), pv_enroll_status_label(x->status),
                 x->step, x->n_steps);
    else
        snprintf(buf, sizeof buf, "%s", pv_enroll_status_label(x->status));
    eadd(e, E_PAIR, _("Status"), buf);
    pv_draw_date(x->date, date, sizeof date);
    if ((r = eadd(e, E_PAIR, _("Date"), date)))
        r->flags = PV_T_LTR;
    if ((r = eadd(e, E_PAIR, _("Requested by"), x->requested_by)))
        r->flags = PV_T_DATA;
    if (x->approved_by[0] && (r = eadd(e, E_PAIR, _("Approved by"), x->approved_by)))
        r->flags = PV_T_DATA;
    if (x->amount > 0) {
        pv_draw_money(&ui->draw, x->amount, buf, sizeof buf);
        char with_unit[128];
        snprintf(with_unit, sizeof with_unit, _("%s rials"), buf);
        eadd(e, E_PAIR, _("Amount"), with_unit);
    }
    if (x->overridden && (r = eadd(e, E_PAIR, _("Override"), x->justification
                                                                  ? x->justification : "")))
        r->flags = PV_T_DATA;
    if (x->note && (r = eadd(e, E_PAIR, _("Note"), x->note)))
        r->flags = PV_T_DATA;
}

/* The history's event kinds, translated. */
static const char *event_label(const char *kind)
{
    static const struct { const char *kind, *label; } kinds[] = {
        {"request", N_("requested")}, {"override", N_("overridden")},
        {"approve", N_("approved")}, {"step", N_("step done")},
        {"complete", N_("completed")}, {"reject", N_("rejected")},
        {"withdraw", N_("withdrawn")}, {"document", N_("document ticked")},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return _(kinds[i].label);
    return kind;
}

static void build_rows(pv_ui *ui, enr *e)
{
    erows_free(e);
    const pv_enrollment *x = &e->d->e;
    build_summary(ui, e);
    eadd(e, E_HEAD, _("Steps"), NULL);
    for (int i = 0; i < x->n_steps; i++) {
        char num[16];
        snprintf(num, sizeof num, "%d.", e->d->steps[i].number);
        erow *r = eadd(e, E_STEP, num, e->d->steps[i].title);
        if (!r)
            continue;
        r->flags = PV_T_DATA;
        int n = e->d->steps[i].number;
        bool done = x->status == PV_ENR_COMPLETED || (x->status == PV_ENR_IN_PROGRESS && n < x->step);
        r->mark = done ? 1 : (x->status == PV_ENR_IN_PROGRESS && n == x->step) ? 2 : 0;
    }
    eadd(e, E_HEAD, _("Documents (Enter ticks)"), NULL);
    for (size_t i = 0; i < e->d->n_documents; i++) {
        const pv_enroll_document *doc = &e->d->documents[i];
        erow *r = eadd(e, E_DOC, NULL, doc->label);
        if (r) {
            r->idx = i;
            r->flags = PV_T_DATA;
            r->mark = doc->ticked ? 1 : 3;
        }
    }
    eadd(e, E_HEAD, _("History"), NULL);
    for (size_t i = 0; i < e->d->n_events; i++) {
        const pv_enroll_event *ev = &e->d->events[i];
        char date[16], line[PV_USER_SZ + 512];
        pv_draw_date(ev->date, date, sizeof date);
        snprintf(line, sizeof line, "%s  %s  %s%s%s", date, event_label(ev->kind), ev->user,
                 ev->note ? "  " : "", ev->note ? ev->note : "");
        erow *r = eadd(e, E_EVENT, NULL, line);
        if (r)
            r->flags = PV_T_DATA;
    }
    pv_list_set_count(&e->list, e->n);
}

static bool enr_load(pv_ui *ui, enr *e)
{
    pv_error err = PV_ERROR_INIT;
    pv_enrollment_detail_free(e->d);
    e->d = NULL;
    if (pv_enroll_get(ui->ctx, e->id, &e->d, &err) != PV_OK) {
        e->d = NULL;
        pv_ui_error(ui, &err);
        return false;
    }
    build_rows(ui, e);
    return true;
}

static void enr_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    enr *e = user;
    const erow *r = &e->rows[i];
    int cols = ui->draw.cols, lw = 20;
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    static const char *const marks[] = {"", "✓", "▸", "☐"};
    switch (r->kind) {
    case E_HEAD:
        pv_draw_text(&ui->draw, y, 1, cols - 2, r->label, 0, PV_ST_HEADING);
        break;
    case E_PAIR:
        pv_draw_text(&ui->draw, y, 3, lw, r->label, 0, selected ? st : PV_ST_LABEL);
        pv_draw_text(&ui->draw, y, lw + 4, cols - lw - 5, r->value, r->flags, st);
        break;
    case E_STEP:
    case E_DOC:
        pv_draw_text(&ui->draw, y, 3, 2, marks[r->mark], 0,
                     selected ? st : r->mark == 1 ? PV_ST_OK : PV_ST_TEXT);
        pv_draw_text(&ui->draw, y, 6, 4, r->label ? r->label : "", PV_T_UI, st);
        pv_draw_text(&ui->draw, y, 10, cols - 11, r->value, r->flags, st);
        break;
    case E_EVENT:
        pv_draw_text(&ui->draw, y, 3, cols - 4, r->value, r->flags, selected ? st : PV_ST_DIM);
        break;
    }
}

static bool enr_selectable(void *user, size_t i)
{
    const enr *e = user;
    return e->rows[i].kind != E_HEAD;
}

static void *enr_open(pv_ui *ui, const void *arg)
{
    enr *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->id = *(const pv_id *)arg;
    e->list.draw_row = enr_row;
    e->list.selectable = enr_selectable;
    e->list.user = e;
    if (!enr_load(ui, e)) {
        free(e);
        return NULL;
    }
    return e;
}

static void enr_close(pv_ui *ui, void *st)
{
    (void)ui;
    enr *e = st;
    erows_free(e);
    free(e->rows);
    pv_enrollment_detail_free(e->d);
    free(e);
}

static void enr_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    enr *e = st;
    char title[PV_LABEL_SZ * 3];
    pv_text_sanitize(e->d->e.service_title, false, title, sizeof title);
    snprintf(out, size, "%s — %s", _("Enrollment"), title);
}

static void enr_draw(pv_ui *ui, void *st, int top, int rows)
{
    enr *e = st;
    pv_list_draw(ui, &e->list, top, rows, NULL);
}

static unsigned after(pv_ui *ui, enr *e, pv_status s, pv_error *err, const char *ok)
{
    if (s != PV_OK)
        pv_ui_error(ui, err);
    size_t sel = e->list.sel;
    enr_load(ui, e);
    e->list.sel = sel;
    pv_list_set_count(&e->list, e->n);
    if (s == PV_OK)
        pv_ui_status(ui, PV_MSG_OK, "%s", ok);
    return PV_CH_DRAW;
}

/* The second press of a guarded key does it; the first asks. */
static bool confirmed(pv_ui *ui, enr *e, int action, const char *question)
{
    if (e->pending == action) {
        e->pending = 0;
        return true;
    }
    e->pending = action;
    pv_ui_status(ui, PV_MSG_INFO, "%s", question);
    return false;
}

static unsigned enr_action(pv_ui *ui, void *st, int action)
{
    enr *e = st;
    pv_error err = PV_ERROR_INIT;
    if (action != e->pending)
        e->pending = 0;
    switch (action) {
    case A_TICK: {
        if (!pv_list_has_sel(&e->list) || e->rows[e->list.sel].kind != E_DOC)
            return PV_CH_NONE;
        const pv_enroll_document *doc = &e->d->documents[e->rows[e->list.sel].idx];
        char key[PV_KEY_SZ];
        snprintf(key, sizeof key, "%s", doc->key);
        return after(ui, e, pv_enroll_tick(ui->ctx, e->id, key, &err), &err,
                     _("Document ticked."));
    }
    case A_ADVANCE:
        if (!confirmed(ui, e, action, _("Record the current step as done? Press F6 again.")))
            return PV_CH_DRAW;
        return after(ui, e, pv_enroll_advance(ui->ctx, e->id, NULL, NULL, &err), &err,
                     _("Step recorded."));
    case A_APPROVE:
        if (!confirmed(ui, e, action, _("Approve this enrollment? Press F7 again.")))
            return PV_CH_DRAW;
        return after(ui, e, pv_enroll_approve(ui->ctx, e->id, NULL, &err), &err,
                     _("Approved."));
    case A_WITHDRAW:
        if (!confirmed(ui, e, action, _("Record the withdrawal? Press F8 again.")))
            return PV_CH_DRAW;
        return after(ui, e, pv_enroll_withdraw(ui->ctx, e->id, NULL, &err), &err,
                     _("Withdrawal recorded."));
    default: {
        unsigned ch = pv_list_action(&e->list, action);
        return ch != PV_CH_NONE || action >= PV_A_UP ? ch : PV_CH_PASS;
    }
    }
}

static unsigned enr_reload(pv_ui *ui, void *st)
{
    enr *e = st;
    enr_load(ui, e);
    return PV_CH_DRAW;
}

const pv_screen pv_screen_enrollment = {
    .name = "enrollment",
    .keys = enr_keys,
    .open = enr_open,
    .close = enr_close,
    .title = enr_title,
    .draw = enr_draw,
    .action = enr_action,
    .input = NULL,
    .reload = enr_reload,
};
