/* parvande — one mutual-aid group: what it is, its members (F3 adds one by
 * national ID, F8 ends the selected membership), its service's steps (F5
 * enrolls the group, F6 records the next step), its payments against the
 * card's cap as a bar (F7 pays), its legal ID (F4). Guarded actions ask
 * for a second press; a value is typed on the prompt line, Enter records
 * it, Esc cancels. */
#include <stdlib.h>
#include <string.h>

#include "parvande/groups.h"
#include "parvande/i18n.h"
#include "parvande/text.h"
#include "screen_groups_form.h"
#include "widget.h"

enum { A_ENTER = PV_A_SCREEN, A_ADD, A_REGISTER, A_ENROLL, A_ADVANCE, A_PAY, A_REMOVE,
       A_INQUIRY };

static const pv_binding grp_own[] = {
    {'\r', A_ENTER, NULL, N_("Record what the prompt line asks for")},
    {PV_KEY(KEY_ENTER), A_ENTER, NULL, NULL},
    {PV_KEY(KEY_F(2)), A_INQUIRY, N_("Inquiry"), N_("A new inquiry about the group to an agency")},
    {PV_KEY(KEY_F(3)), A_ADD, N_("Member"), N_("Add a member by her national ID")},
    {PV_KEY(KEY_F(4)), A_REGISTER, N_("Legal ID"), N_("Record the registration: legal-entity national ID")},
    {PV_KEY(KEY_F(5)), A_ENROLL, N_("Enroll"), N_("Enroll the group in a service (its code)")},
    {PV_KEY(KEY_F(6)), A_ADVANCE, N_("Step"), N_("Record the next step as done (press twice)")},
    {PV_KEY(KEY_F(7)), A_PAY, N_("Pay"), N_("Record a payment to the group (rials)")},
    {PV_KEY(KEY_F(8)), A_REMOVE, N_("Remove"), N_("End the selected member's membership (press twice)")},
    {0, 0, NULL, NULL},
};
static pv_keymap grp_keys = {grp_own, pv_keys_list, pv_keys_edit, NULL};

typedef enum { R_HEAD, R_PAIR, R_MEMBER, R_STEP, R_BAR, R_PAYMENT, R_INQUIRY } row_kind;

typedef struct grow_ {
    row_kind kind;
    size_t idx;
    const char *label;   /* translated, static */
    char value[PV_LABEL_SZ * 2];
    unsigned flags;
} grow_;

typedef struct gpage {
    pv_id id;
    pv_group_detail *d;
    pv_inquiry *inquiries; /* about the group, oldest sent first */
    size_t n_inquiries;
    grow_ *rows;
    size_t n, cap;
    pv_list list;
    int pending;         /* a guarded action waiting for its second press */
    int prompt;          /* the action the prompt line is for, 0 none */
    pv_form input;       /* the prompt line's one field */
} gpage;

static grow_ *add(gpage *g, row_kind kind, const char *label, const char *value, unsigned flags)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 32;
        grow_ *grown = realloc(g->rows, cap * sizeof *grown);
        if (!grown)
            return NULL;
        g->rows = grown;
        g->cap = cap;
    }
    grow_ *r = &g->rows[g->n++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->label = label;
    r->flags = flags;
    snprintf(r->value, sizeof r->value, "%s", value ? value : "");
    return r;
}

static void build_summary(pv_ui *ui, gpage *p)
{
    const pv_group *g = &p->d->g;
    char buf[PV_LABEL_SZ], date[16];
    add(p, R_HEAD, _("Group"), NULL, 0);
    add(p, R_PAIR, _("Name"), g->name, PV_T_DATA);
    add(p, R_PAIR, _("Activity"), g->activity[0] ? g->activity : "-", PV_T_DATA);
    pv_draw_date(g->founded_on, date, sizeof date);
    add(p, R_PAIR, _("Founded"), date, PV_T_LTR);
    add(p, R_PAIR, _("Facilitator"), g->facilitator, PV_T_DATA);
    if (g->legal_id[0]) {
        pv_draw_date(g->registered_on, date, sizeof date);
        snprintf(buf, sizeof buf, "%s  %s", g->legal_id, date);
        add(p, R_PAIR, _("Legal ID"), buf, PV_T_LTR);
    } else {
        add(p, R_PAIR, _("Legal ID"), _("not registered"), 0);
    }
    (void)ui;
}

static void build_rows(pv_ui *ui, gpage *p)
{
    p->n = 0;
    const pv_group_detail *d = p->d;
    build_summary(ui, p);
    char buf[PV_LABEL_SZ * 2];
    snprintf(buf, sizeof buf, _("Members (%d)"), d->g.n_members);
    add(p, R_HEAD, NULL, buf, 0);
    for (size_t i = 0; i < d->n_members; i++) {
        grow_ *r = add(p, R_MEMBER, NULL, NULL, PV_T_DATA);
        if (r)
            r->idx = i;
    }
    if (d->g.code[0])
        snprintf(buf, sizeof buf, _("Steps of %s: %d of %d done"), d->g.code, d->g.step,
                 d->g.n_steps);
    else
        snprintf(buf, sizeof buf, "%s", _("Steps: not enrolled in a service (F5)"));
    add(p, R_HEAD, NULL, buf, 0);
    for (size_t i = 0; i < d->n_steps; i++) {
        grow_ *r = add(p, R_STEP, NULL, d->steps[i].title, PV_T_DATA);
        if (r)
            r->idx = i;
    }
    add(p, R_HEAD, _("Payments"), NULL, 0);
    add(p, R_BAR, NULL, NULL, 0);
    for (size_t i = 0; i < d->n_payments; i++) {
        grow_ *r = add(p, R_PAYMENT, NULL, d->payments[i].note, PV_T_DATA);
        if (r)
            r->idx = i;
    }
    snprintf(buf, sizeof buf, _("Inquiries about the group (%zu)"), p->n_inquiries);
    add(p, R_HEAD, NULL, buf, 0);
    for (size_t i = 0; i < p->n_inquiries; i++) {
        grow_ *r = add(p, R_INQUIRY, NULL, p->inquiries[i].agency, PV_T_DATA);
        if (r)
            r->idx = i;
    }
    pv_list_set_count(&p->list, p->n);
}

static bool load(pv_ui *ui, gpage *p)
{
    pv_error err = PV_ERROR_INIT;
    pv_group_detail *d;
    if (pv_group_get(ui->ctx, p->id, &d, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return false;
    }
    pv_inquiry_filter f = PV_INQUIRY_FILTER_INIT;
    f.group_id = p->id;
    pv_inquiry *inq;
    size_t n_inq;
    if (pv_inquiry_list(ui->ctx, &f, &inq, &n_inq, &err) != PV_OK) {
        pv_group_detail_free(d);
        pv_ui_error(ui, &err);
        return false;
    }
    pv_group_detail_free(p->d);
    free(p->inquiries);
    p->d = d;
    p->inquiries = inq;
    p->n_inquiries = n_inq;
    build_rows(ui, p);
    return true;
}

/* An inquiry about the group: sent, the agency, its status (with the answer's reference). */
static void inquiry_row(pv_ui *ui, const pv_inquiry *q, int y, pv_style st)
{
    int cols = ui->draw.cols;
    char date[16], status[PV_LABEL_SZ];
    pv_draw_date(q->sent_on, date, sizeof date);
    if (q->reference[0])
        snprintf(status, sizeof status, "%s %s", pv_inquiry_status_label(q->status), q->reference);
    else
        snprintf(status, sizeof status, "%s", pv_inquiry_status_label(q->status));
    pv_draw_text(&ui->draw, y, 3, 11, date, PV_T_LTR, st);
    pv_draw_text(&ui->draw, y, 15, cols - 40, q->agency, PV_T_DATA, st);
    pv_draw_text(&ui->draw, y, cols - 24, 23, status, PV_T_DATA,
                 q->status == PV_INQ_PENDING && st == PV_ST_TEXT ? PV_ST_DIM : st);
}

/* [████░░░░] paid / cap */
static void draw_bar(pv_ui *ui, const pv_group *g, int y, pv_style st)
{
    char paid[64], cap[64], text[192];
    int cols = ui->draw.cols, w = 30;
    pv_draw_money(&ui->draw, g->paid, paid, sizeof paid);
    if (g->cap > 0) {
        pv_draw_money(&ui->draw, g->cap, cap, sizeof cap);
        snprintf(text, sizeof text, _("%s of %s rials"), paid, cap);
        int filled = (int)(g->paid * w / g->cap);
        char bar[w * 3 + 8];
        size_t k = 0;
        for (int i = 0; i < w; i++) { /* it fills from the start side: the right in Persian */
            bool full = ui->draw.rtl ? i >= w - filled : i < filled;
            const char *c = full ? "█" : "░";
            memcpy(bar + k, c, 3);
            k += 3;
        }
        bar[k] = '\0';
        pv_draw_text(&ui->draw, y, 3, w, bar, PV_T_LTR, g->paid >= g->cap ? PV_ST_ERROR : PV_ST_OK);
        pv_draw_text(&ui->draw, y, w + 5, cols - w - 6, text, 0, st);
    } else {
        snprintf(text, sizeof text, _("%s rials, no cap"), paid);
        pv_draw_text(&ui->draw, y, 3, cols - 4, text, 0, st);
    }
}

static void page_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    gpage *p = user;
    const grow_ *r = &p->rows[i];
    const pv_group_detail *d = p->d;
    int cols = ui->draw.cols, lw = 16;
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    char date[16], money[64];
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    switch (r->kind) {
    case R_HEAD:
        pv_draw_text(&ui->draw, y, 1, cols - 2, r->label ? r->label : r->value, 0, PV_ST_HEADING);
        break;
    case R_PAIR:
        pv_draw_text(&ui->draw, y, 3, lw, r->label, 0, selected ? st : PV_ST_LABEL);
        pv_draw_text(&ui->draw, y, lw + 4, cols - lw - 5, r->value, r->flags, st);
        break;
    case R_MEMBER: {
        const pv_group_member *m = &d->members[r->idx];
        pv_style ms = m->left_on[0] && !selected ? PV_ST_DIM : st;
        pv_draw_text(&ui->draw, y, 3, 11, m->national_id, PV_T_LTR, ms);
        pv_draw_text(&ui->draw, y, 16, cols - 46, m->name, PV_T_DATA, ms);
        pv_draw_date(m->joined_on, date, sizeof date);
        pv_draw_text(&ui->draw, y, cols - 28, 11, date, PV_T_LTR, ms);
        if (m->left_on[0]) {
            char left[64];
            pv_draw_date(m->left_on, date, sizeof date);
            snprintf(left, sizeof left, _("left %s"), date);
            pv_draw_text(&ui->draw, y, cols - 16, 15, left, 0, ms);
        }
        break;
    }
    case R_STEP: {
        const pv_group_step *s = &d->steps[r->idx];
        bool done = s->date[0] != '\0', current = !done && (int)r->idx == d->g.step;
        char num[16];
        snprintf(num, sizeof num, "%d.", s->number);
        pv_draw_text(&ui->draw, y, 3, 2, done ? "✓" : current ? "▸" : "", 0,
                     selected ? st : done ? PV_ST_OK : PV_ST_TEXT);
        pv_draw_text(&ui->draw, y, 6, 4, num, PV_T_UI, st);
        pv_draw_text(&ui->draw, y, 10, cols - 24, s->title, PV_T_DATA, st);
        if (done) {
            pv_draw_date(s->date, date, sizeof date);
            pv_draw_text(&ui->draw, y, cols - 12, 11, date, PV_T_LTR, st);
        }
        break;
    }
    case R_BAR:
        draw_bar(ui, &d->g, y, st);
        break;
    case R_PAYMENT: {
        const pv_group_payment *pay = &d->payments[r->idx];
        pv_draw_date(pay->date, date, sizeof date);
        pv_draw_money(&ui->draw, pay->amount, money, sizeof money);
        pv_draw_text(&ui->draw, y, 3, 11, date, PV_T_LTR, st);
        pv_draw_text(&ui->draw, y, 15, 16, money, PV_T_LTR | PV_T_END, st);
        pv_draw_text(&ui->draw, y, 33, cols - 34, pay->note, PV_T_DATA, st);
        break;
    }
    case R_INQUIRY:
        inquiry_row(ui, &p->inquiries[r->idx], y, st);
        break;
    }
}

static bool page_selectable(void *user, size_t i)
{
    const gpage *p = user;
    return p->rows[i].kind != R_HEAD;
}

static void *page_open(pv_ui *ui, const void *arg)
{
    gpage *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->id = *(const pv_id *)arg;
    p->list.draw_row = page_row;
    p->list.selectable = page_selectable;
    p->list.user = p;
    pv_form_init(&p->input, NULL, p);
    if (!load(ui, p)) {
        free(p->rows);
        free(p);
        return NULL;
    }
    return p;
}

static void page_close(pv_ui *ui, void *st)
{
    (void)ui;
    gpage *p = st;
    pv_group_detail_free(p->d);
    free(p->inquiries);
    pv_form_free(&p->input);
    free(p->rows);
    free(p);
}

static void page_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    gpage *p = st;
    char name[PV_LABEL_SZ * 3];
    pv_text_sanitize(p->d->g.name, false, name, sizeof name);
    snprintf(out, size, "%s — %s", _("Mutual-aid group"), name);
}

static const char *prompt_label(int action)
{
    switch (action) {
    case A_ADD: return N_("National ID");
    case A_REGISTER: return N_("Legal ID");
    case A_ENROLL: return N_("Service code");
    case A_PAY: return N_("Amount (rials)");
    default: return N_("Value");
    }
}

static void page_draw(pv_ui *ui, void *st, int top, int rows)
{
    gpage *p = st;
    if (p->prompt) {
        pv_list_draw(ui, &p->list, top, rows - 2, NULL);
        pv_draw_fill(&ui->draw, top + rows - 2, 0, ui->draw.cols, PV_ST_TEXT);
        pv_form_draw(ui, &p->input, top + rows - 1, 1, 18);
        return;
    }
    pv_list_draw(ui, &p->list, top, rows, NULL);
}

static void start_prompt(gpage *p, int action)
{
    pv_form_free(&p->input);
    pv_form_init(&p->input, NULL, p);
    pv_form_add(&p->input, "value", prompt_label(action), true, action != A_ENROLL,
                PV_FK_TEXT, "");
    p->prompt = action;
}

static unsigned after(pv_ui *ui, gpage *p, pv_status s, pv_error *err, const char *ok)
{
    if (s != PV_OK)
        pv_ui_error(ui, err);
    size_t sel = p->list.sel;
    load(ui, p);
    p->list.sel = sel;
    pv_list_set_count(&p->list, p->n);
    if (s == PV_OK)
        pv_ui_status(ui, PV_MSG_OK, "%s", ok);
    return PV_CH_DRAW;
}

static unsigned submit(pv_ui *ui, gpage *p)
{
    char value[256];
    snprintf(value, sizeof value, "%s", p->input.fields[0].value);
    int action = p->prompt;
    p->prompt = 0;
    pv_error err = PV_ERROR_INIT;
    switch (action) {
    case A_ADD:
        return after(ui, p, pv_group_member_add(ui->ctx, p->id, value, NULL, &err), &err,
                     _("Member added."));
    case A_REGISTER:
        return after(ui, p, pv_group_register(ui->ctx, p->id, value, NULL, &err), &err,
                     _("Registration recorded."));
    case A_ENROLL:
        return after(ui, p, pv_group_enroll(ui->ctx, p->id, value, NULL, &err), &err,
                     _("Group enrolled."));
    case A_PAY: {
        char digits[32];
        if (!pv_digits_ascii(value, true, digits, sizeof digits) || !*digits
            || strlen(digits) > 15) {
            pv_ui_status(ui, PV_MSG_ERROR, "%s", _("Amount: a whole number of rials is needed."));
            return PV_CH_DRAW;
        }
        return after(ui, p, pv_group_pay(ui->ctx, p->id, strtoll(digits, NULL, 10), NULL, NULL,
                                          NULL, &err),
                     &err, _("Payment recorded."));
    }
    default:
        return PV_CH_DRAW;
    }
}

static bool confirmed(pv_ui *ui, gpage *p, int action, const char *question)
{
    if (p->pending == action) {
        p->pending = 0;
        return true;
    }
    p->pending = action;
    pv_ui_status(ui, PV_MSG_INFO, "%s", question);
    return false;
}

static unsigned prompt_action(pv_ui *ui, gpage *p, int action)
{
    if (action == A_ENTER)
        return submit(ui, p);
    if (action == PV_A_BACK) {
        p->prompt = 0;
        return PV_CH_DRAW;
    }
    unsigned ch = pv_form_action(ui, &p->input, action, NULL);
    return ch == PV_CH_NONE && action < PV_A_UP ? PV_CH_PASS : ch | PV_CH_DRAW;
}

static unsigned remove_selected(pv_ui *ui, gpage *p)
{
    if (!pv_list_has_sel(&p->list) || p->rows[p->list.sel].kind != R_MEMBER) {
        pv_ui_status(ui, PV_MSG_INFO, "%s", _("Select a member first."));
        return PV_CH_DRAW;
    }
    const pv_group_member *m = &p->d->members[p->rows[p->list.sel].idx];
    if (!confirmed(ui, p, A_REMOVE, _("End this membership? Press F8 again.")))
        return PV_CH_DRAW;
    char nid[PV_NATID_SZ];
    snprintf(nid, sizeof nid, "%s", m->national_id);
    pv_error err = PV_ERROR_INIT;
    return after(ui, p, pv_group_member_remove(ui->ctx, p->id, nid, NULL, &err), &err,
                 _("Membership ended."));
}

static unsigned page_action(pv_ui *ui, void *st, int action)
{
    gpage *p = st;
    if (p->prompt)
        return prompt_action(ui, p, action);
    if (action != p->pending)
        p->pending = 0;
    pv_error err = PV_ERROR_INIT;
    switch (action) {
    case A_ADD:
    case A_REGISTER:
    case A_ENROLL:
    case A_PAY:
        start_prompt(p, action);
        return PV_CH_DRAW;
    case A_ADVANCE:
        if (!confirmed(ui, p, action, _("Record the next step as done? Press F6 again.")))
            return PV_CH_DRAW;
        return after(ui, p, pv_group_advance(ui->ctx, p->id, NULL, NULL, &err), &err,
                     _("Step recorded."));
    case A_REMOVE:
        return remove_selected(ui, p);
    case A_INQUIRY: {
        pv_gform_request r = {PV_GFORM_INQUIRY, p->d->g.name, 0, NULL, p->d->g.code};
        return pv_ui_push(ui, &pv_screen_groups_form, &r);
    }
    case A_ENTER:
        return PV_CH_NONE;
    default: {
        unsigned ch = pv_list_action(&p->list, action);
        return ch != PV_CH_NONE || action >= PV_A_UP ? ch : PV_CH_PASS;
    }
    }
}

static unsigned page_input(pv_ui *ui, void *st, int key)
{
    gpage *p = st;
    if (!p->prompt)
        return PV_CH_NONE;
    return pv_form_input(ui, &p->input, key, NULL);
}

static unsigned page_reload(pv_ui *ui, void *st)
{
    gpage *p = st;
    load(ui, p);
    return PV_CH_DRAW;
}

const pv_screen pv_screen_group = {
    .name = "group",
    .keys = grp_keys,
    .open = page_open,
    .close = page_close,
    .title = page_title,
    .draw = page_draw,
    .action = page_action,
    .input = page_input,
    .reload = page_reload,
};
