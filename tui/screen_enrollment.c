/* parvande — one enrollment: its service, status and current step, the
 * card's steps, the documents to tick, and its history. Advancing a step,
 * approving, rejecting, withdrawing and unticking a document ask in a box
 * (F2 confirms), with an optional note (a rejection's reason is required).
 * The key bar shows only what the user's role can do to this enrollment in
 * its state; the data is read again on every key, so a change made on
 * another terminal shows at the latest with the next key. */
#include <stdlib.h>
#include <string.h>

#include "parvande/authz.h"
#include "parvande/i18n.h"
#include "parvande/services.h"
#include "parvande/text.h"
#include "screen_groups_form.h" /* F2: an inquiry about the person */
#include "widget.h"

enum { A_TICK = PV_A_SCREEN, A_ADVANCE, A_APPROVE, A_WITHDRAW, A_REJECT, A_NEXT_SEC, A_PREV_SEC };
enum { A_INQUIRY = PV_A_SCREEN + 70 }; /* inquiries to other agencies */

static const pv_binding enr_own[] = {
    {'\r', A_TICK, NULL, N_("Tick the selected document as presented; on a ticked one, untick it "
                            "(asks first)")},
    {PV_KEY(KEY_ENTER), A_TICK, NULL, NULL},
    {' ', A_TICK, NULL, NULL},
    {PV_KEY(KEY_F(2)), A_INQUIRY, N_("Inquiry"),
     N_("A new inquiry about the person to an agency of this service's card (or another's)")},
    {PV_KEY(KEY_F(5)), A_REJECT, N_("Reject"),
     N_("Reject a requested or running enrollment, with the reason (supervisors)")},
    {PV_KEY(KEY_F(6)), A_ADVANCE, N_("Step done"),
     N_("Record the current step as done, with an optional note")},
    {PV_KEY(KEY_F(7)), A_APPROVE, N_("Approve"),
     N_("Approve a requested enrollment, with an optional note (supervisors)")},
    {PV_KEY(KEY_F(8)), A_WITHDRAW, N_("Withdraw"), N_("Record the beneficiary's withdrawal")},
    {'\t', A_NEXT_SEC, NULL, N_("Next section: steps, documents, history")},
    {PV_KEY(KEY_BTAB), A_PREV_SEC, NULL, N_("Previous section")},
    {0, 0, NULL, NULL},
};
static pv_keymap enr_keys = {enr_own, pv_keys_list, NULL};

typedef enum { E_HEAD, E_PAIR, E_STEP, E_DOC, E_EVENT } erow_kind;

/* Marks of steps and documents. */
enum { MK_NONE = 0, MK_DONE, MK_CURRENT, MK_EMPTY };

typedef struct enr {
    pv_id id;
    pv_enrollment_detail *d;
    pv_rows rows;
    pv_list list;
    size_t dialog_doc;   /* the document the open box is about */
    int built_cols;      /* the history is wrapped for this width */
} enr;

static void pair(enr *e, const char *label, const char *value, unsigned flags)
{
    pv_row *r = pv_rows_add(&e->rows, E_PAIR, label, value);
    if (r)
        r->flags = flags;
}

static void build_summary(pv_ui *ui, enr *e)
{
    const pv_enrollment *x = &e->d->e;
    char buf[PV_LABEL_SZ * 3 + 64], date[16];
    pv_rows_add(&e->rows, E_HEAD, _("Enrollment"), NULL);
    pair(e, _("Service"), x->service_title, PV_T_DATA);
    /* The name sanitised here, the ID in an isolate: it keeps its place
     * after the name whatever the name's script. */
    char name[PV_LABEL_SZ * 3];
    pv_text_sanitize(x->person_name, false, name, sizeof name);
    char *id = pv_bidi_isolate(x->national_id);
    snprintf(buf, sizeof buf, "%s %s", name, id ? id : x->national_id);
    free(id);
    pair(e, _("Beneficiary"), buf, PV_T_UI); /* reads in the interface's direction */
    if (x->status == PV_ENR_IN_PROGRESS)
        snprintf(buf, sizeof buf, _("%s, step %d of %d: %s"), pv_enroll_status_label(x->status),
                 x->step, x->n_steps, x->step_title);
    else if (x->status == PV_ENR_REQUESTED)
        snprintf(buf, sizeof buf, "%s", _("requested, waits for a supervisor's approval"));
    else
        snprintf(buf, sizeof buf, "%s", pv_enroll_status_label(x->status));
    pair(e, _("Status"), buf, PV_T_DATA);
    pv_draw_date(x->date, date, sizeof date);
    pair(e, _("Date"), date, PV_T_LTR);
    pair(e, _("Requested by"), x->requested_by, PV_T_DATA);
    if (x->approved_by[0])
        pair(e, _("Approved by"), x->approved_by, PV_T_DATA);
    if (x->amount > 0) {
        pv_draw_money(&ui->draw, x->amount, buf, sizeof buf);
        char with_unit[128];
        snprintf(with_unit, sizeof with_unit, _("%s rials"), buf);
        pair(e, _("Amount"), with_unit, 0);
    }
    if (x->overridden)
        pair(e, _("Override"), x->justification ? x->justification : "", PV_T_DATA);
    if (x->note)
        pair(e, _("Note"), x->note, PV_T_DATA);
}

static const char *step_title(const enr *e, int number)
{
    for (int i = 0; i < e->d->e.n_steps; i++)
        if (e->d->steps[i].number == number)
            return e->d->steps[i].title;
    return "";
}

static const char *document_label(const enr *e, const char *key)
{
    for (size_t i = 0; key && i < e->d->n_documents; i++)
        if (strcmp(e->d->documents[i].key, key) == 0)
            return e->d->documents[i].label;
    return key ? key : "";
}

/* "1403/10/26  step 2 done: home visit  sara  note": the step or the
 * document by its title, the kind by its label, never a code. Stored text
 * goes in sanitised and isolated (pv_dialog_quote), so a name or a note in
 * the other script keeps its place; the line reads in the interface's
 * direction. Newly allocated, NULL when out of memory. */
static char *event_line(const enr *e, const pv_enroll_event *ev)
{
    char date[16], what[3 * PV_LABEL_SZ + 128];
    pv_draw_date(ev->date, date, sizeof date);
    const char *note = ev->note;
    char *q = NULL;
    if (strcmp(ev->kind, "step") == 0) {
        q = pv_dialog_quote(step_title(e, ev->step));
        snprintf(what, sizeof what, _("step %d done: %s"), ev->step, q ? q : "");
    } else if (strcmp(ev->kind, "document") == 0 || strcmp(ev->kind, "untick") == 0) {
        q = pv_dialog_quote(document_label(e, ev->note));
        snprintf(what, sizeof what, "%s: %s", pv_enroll_event_label(ev->kind), q ? q : "");
        note = NULL; /* the note is the document's key */
    } else {
        snprintf(what, sizeof what, "%s", pv_enroll_event_label(ev->kind));
    }
    free(q);
    char *user = pv_dialog_quote(ev->user), *n = note ? pv_dialog_quote(note) : NULL;
    size_t size = strlen(what) + (user ? strlen(user) : 0) + (n ? strlen(n) : 0) + 32;
    char *line = malloc(size);
    if (line)
        snprintf(line, size, "%s  %s  %s%s%s", date, what, user ? user : "", n ? "  " : "",
                 n ? n : "");
    free(user);
    free(n);
    return line;
}

static void build_rows(pv_ui *ui, enr *e)
{
    pv_rows_clear(&e->rows);
    const pv_enrollment *x = &e->d->e;
    build_summary(ui, e);
    pv_rows_add(&e->rows, E_HEAD, _("Steps"), NULL);
    for (int i = 0; i < x->n_steps; i++) {
        char num[16];
        snprintf(num, sizeof num, "%d.", e->d->steps[i].number);
        pv_row *r = pv_rows_add(&e->rows, E_STEP, num, e->d->steps[i].title);
        if (!r)
            continue;
        r->flags = PV_T_DATA;
        int n = e->d->steps[i].number;
        bool done = x->status == PV_ENR_COMPLETED || (x->status == PV_ENR_IN_PROGRESS && n < x->step);
        r->mark = done ? MK_DONE : (x->status == PV_ENR_IN_PROGRESS && n == x->step) ? MK_CURRENT
                                                                                      : MK_NONE;
    }
    pv_rows_add(&e->rows, E_HEAD, _("Documents (Enter ticks or unticks)"), NULL);
    for (size_t i = 0; i < e->d->n_documents; i++) {
        const pv_enroll_document *doc = &e->d->documents[i];
        pv_row *r = pv_rows_add(&e->rows, E_DOC, NULL, doc->label);
        if (r) {
            r->idx = i;
            r->flags = PV_T_DATA;
            r->mark = doc->ticked ? MK_DONE : MK_EMPTY;
        }
    }
    pv_rows_add(&e->rows, E_HEAD, _("History"), NULL);
    for (size_t i = 0; i < e->d->n_events; i++) {
        char *line = event_line(e, &e->d->events[i]);
        if (line) /* each line in the interface's direction */
            pv_rows_add_wrapped(&e->rows, E_EVENT, line, ui->draw.cols - 4, PV_T_UI);
        free(line);
    }
    e->built_cols = ui->draw.cols;
    pv_list_set_count(&e->list, e->rows.n);
}

static bool enr_load(pv_ui *ui, enr *e)
{
    pv_error err = PV_ERROR_INIT;
    pv_enrollment_detail *d = NULL;
    if (pv_enroll_get(ui->ctx, e->id, &d, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return false;
    }
    pv_enrollment_detail_free(e->d);
    e->d = d;
    size_t sel = e->list.sel, top = e->list.top;
    build_rows(ui, e);
    e->list.sel = sel;
    e->list.top = top;
    pv_list_set_count(&e->list, e->rows.n);
    return true;
}

static void enr_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    enr *e = user;
    const pv_row *r = &e->rows.v[i];
    int cols = ui->draw.cols, lw = 20;
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    static const char *const marks[] = {"", "✓", "▸", "☐"};
    switch (r->kind) {
    case E_HEAD:
        pv_draw_text(&ui->draw, y, 1, cols - 2, r->label, 0, PV_ST_HEADING);
        break;
    case E_PAIR:
        pv_rows_draw_pair(ui, y, 3, cols - 4, lw, r, selected);
        break;
    case E_STEP:
    case E_DOC:
        pv_draw_text(&ui->draw, y, 3, 2, marks[r->mark], 0,
                     selected ? st : r->mark == MK_DONE ? PV_ST_OK : PV_ST_TEXT);
        pv_draw_text(&ui->draw, y, 6, 4, r->label ? r->label : "", PV_T_UI, st);
        pv_draw_text(&ui->draw, y, 10, cols - 11, r->value, r->flags, st);
        break;
    case E_EVENT: /* the interface's direction, not the line's own */
        pv_draw_text(&ui->draw, y, 3, cols - 4, r->value,
                     PV_T_UI | (r->flags & ~(unsigned)(PV_T_LTR | PV_T_RTL)), st);
        break;
    }
}

static bool enr_selectable(void *user, size_t i)
{
    const enr *e = user;
    return e->rows.v[i].kind != E_HEAD;
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
        pv_rows_free(&e->rows);
        free(e);
        return NULL;
    }
    return e;
}

static void enr_close(pv_ui *ui, void *st)
{
    (void)ui;
    enr *e = st;
    pv_rows_free(&e->rows);
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

/* What this user may do to this enrollment now: the other keys leave the bar. */
static unsigned hidden_keys(pv_ui *ui, const enr *e)
{
    pv_enroll_status s = e->d->e.status;
    bool open = s == PV_ENR_REQUESTED || s == PV_ENR_IN_PROGRESS;
    bool decide = pv_authz_role_may(ui->ctx, PV_ACT_ENROLL_APPROVE);
    bool advance = pv_authz_role_may(ui->ctx, PV_ACT_ENROLL_ADVANCE);
    unsigned hide = 0;
    if (!advance)
        hide |= 1u << 2;
    if (!decide || !open)
        hide |= 1u << 5;
    if (!advance || s != PV_ENR_IN_PROGRESS)
        hide |= 1u << 6;
    if (!decide || s != PV_ENR_REQUESTED)
        hide |= 1u << 7;
    if (!advance || !open)
        hide |= 1u << 8;
    return hide;
}

static void enr_draw(pv_ui *ui, void *st, int top, int rows)
{
    enr *e = st;
    pv_keys_hide(&ui->draw, enr_keys, hidden_keys(ui, e));
    if (e->built_cols != ui->draw.cols) {
        size_t sel = e->list.sel;
        build_rows(ui, e);
        e->list.sel = sel;
        pv_list_set_count(&e->list, e->rows.n);
    }
    pv_list_draw(ui, &e->list, top, rows, NULL);
}

/* ---- the actions, each confirmed in a box --------------------------------- */

static pv_status done(pv_ui *ui, enr *e, pv_status s, pv_error *err, const char *ok)
{
    if (s != PV_OK) {
        pv_ui_error(ui, err);
        return s;
    }
    enr_load(ui, e);
    pv_ui_status(ui, PV_MSG_OK, "%s", ok);
    return PV_OK;
}

static const char *note_or_null(const char *text)
{
    return text && text[0] ? text : NULL;
}

static pv_status do_advance(pv_ui *ui, void *user, const char *text)
{
    enr *e = user;
    pv_error err = PV_ERROR_INIT;
    bool last = e->d->e.step >= e->d->e.n_steps;
    pv_status s = pv_enroll_advance(ui->ctx, e->id, NULL, note_or_null(text), &err);
    return done(ui, e, s, &err, last ? _("Done: the last step is recorded; the enrollment is completed.")
                                     : _("Done: the step is recorded."));
}

static pv_status do_approve(pv_ui *ui, void *user, const char *text)
{
    enr *e = user;
    pv_error err = PV_ERROR_INIT;
    pv_status s = pv_enroll_approve(ui->ctx, e->id, note_or_null(text), &err);
    return done(ui, e, s, &err, _("Done: approved; the enrollment is at its first step."));
}

static pv_status do_reject(pv_ui *ui, void *user, const char *text)
{
    enr *e = user;
    pv_error err = PV_ERROR_INIT;
    pv_status s = pv_enroll_reject(ui->ctx, e->id, note_or_null(text), &err);
    return done(ui, e, s, &err, _("Done: rejected; its money is released."));
}

static pv_status do_withdraw(pv_ui *ui, void *user, const char *text)
{
    enr *e = user;
    pv_error err = PV_ERROR_INIT;
    pv_status s = pv_enroll_withdraw(ui->ctx, e->id, note_or_null(text), &err);
    return done(ui, e, s, &err, _("Done: the withdrawal is recorded."));
}

static pv_status do_untick(pv_ui *ui, void *user, const char *text)
{
    (void)text;
    enr *e = user;
    pv_error err = PV_ERROR_INIT;
    char key[PV_KEY_SZ];
    snprintf(key, sizeof key, "%s", e->d->documents[e->dialog_doc].key);
    pv_status s = pv_enroll_untick(ui->ctx, e->id, key, &err);
    return done(ui, e, s, &err, _("Done: the document is unticked."));
}

static unsigned ask(pv_ui *ui, enr *e, const char *title, const char *body,
                    const char *field, bool required, const char *ok,
                    pv_status (*fn)(pv_ui *, void *, const char *))
{
    return pv_dialog_open(ui, &(pv_dialog_request){.title = title, .body = body,
                                                   .field_label = field,
                                                   .field_required = required, .ok_label = ok,
                                                   .on_ok = fn, .user = e});
}

static unsigned tick_row(pv_ui *ui, enr *e)
{
    if (!pv_list_has_sel(&e->list) || e->rows.v[e->list.sel].kind != E_DOC)
        return PV_CH_NONE;
    size_t i = e->rows.v[e->list.sel].idx;
    if (i >= e->d->n_documents)
        return PV_CH_DRAW;
    const pv_enroll_document *doc = &e->d->documents[i];
    if (doc->ticked) {
        e->dialog_doc = i;
        char *label = pv_dialog_quote(doc->label);
        char body[3 * PV_LABEL_SZ];
        snprintf(body, sizeof body, _("Untick «%s»? It is recorded in the history."),
                 label ? label : "");
        free(label);
        return ask(ui, e, _("Untick a document"), body, NULL, false, N_("Untick"), do_untick);
    }
    char key[PV_KEY_SZ];
    snprintf(key, sizeof key, "%s", doc->key);
    pv_error err = PV_ERROR_INIT;
    done(ui, e, pv_enroll_tick(ui->ctx, e->id, key, &err), &err, _("Done: the document is ticked."));
    return PV_CH_DRAW;
}

/* The box of an action on the whole enrollment: its question names the
 * person and the service. */
static unsigned ask_action(pv_ui *ui, enr *e, int action)
{
    const pv_enrollment *x = &e->d->e;
    char *name = pv_dialog_quote(x->person_name), *svc = pv_dialog_quote(x->service_title);
    char *step = pv_dialog_quote(x->step_title);
    char body[4 * PV_LABEL_SZ];
    unsigned ch = PV_CH_DRAW;
    if (!name || !svc || !step) {
        /* out of memory: nothing asked, nothing done */
    } else if (action == A_ADVANCE) {
        snprintf(body, sizeof body, _("Record step %d of %d, «%s», as done?"), x->step,
                 x->n_steps, step);
        ch = ask(ui, e, _("Step done"), body, N_("Note (optional)"), false, N_("Step done"),
                 do_advance);
    } else if (action == A_APPROVE) {
        snprintf(body, sizeof body, _("Approve the enrollment of %s in «%s»?"), name, svc);
        ch = ask(ui, e, _("Approve"), body, N_("Note (optional)"), false, N_("Approve"),
                 do_approve);
    } else if (action == A_REJECT) {
        snprintf(body, sizeof body, _("Reject the enrollment of %s in «%s»? Its money is "
                                      "released."), name, svc);
        ch = ask(ui, e, _("Reject"), body, N_("Reason"), true, N_("Reject"), do_reject);
    } else {
        snprintf(body, sizeof body, _("Record that %s withdraws from «%s»?"), name, svc);
        ch = ask(ui, e, _("Withdraw"), body, N_("Note (optional)"), false, N_("Withdraw"),
                 do_withdraw);
    }
    free(name);
    free(svc);
    free(step);
    return ch;
}

static unsigned enr_action(pv_ui *ui, void *st, int action)
{
    enr *e = st;
    enr_load(ui, e); /* another terminal may have changed it */
    switch (action) {
    case A_TICK:
        return tick_row(ui, e);
    case A_NEXT_SEC:
    case A_PREV_SEC:
        return pv_list_jump(&e->list, action == A_NEXT_SEC ? 1 : -1) | PV_CH_DRAW;
    case A_INQUIRY: {
        pv_gform_request r = {PV_GFORM_INQUIRY, e->d->e.national_id, 0, NULL, e->d->e.code};
        return pv_ui_push(ui, &pv_screen_groups_form, &r);
    }
    case A_ADVANCE:
    case A_APPROVE:
    case A_REJECT:
    case A_WITHDRAW: {
        static const int fkey[] = {[A_ADVANCE - A_TICK] = 6, [A_APPROVE - A_TICK] = 7,
                                   [A_WITHDRAW - A_TICK] = 8, [A_REJECT - A_TICK] = 5};
        if (hidden_keys(ui, e) & (1u << fkey[action - A_TICK])) {
            pv_ui_status(ui, PV_MSG_ERROR, "%s",
                         _("Not available here: your role or the enrollment's state does not "
                           "allow it."));
            return PV_CH_DRAW;
        }
        return ask_action(ui, e, action);
    }
    default: {
        unsigned ch = pv_list_action(&e->list, action);
        return ch != PV_CH_NONE || action >= PV_A_UP ? ch | PV_CH_DRAW : PV_CH_PASS;
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
