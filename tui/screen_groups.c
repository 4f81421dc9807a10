/* parvande — the office work of groups, workshops and inquiries (F5 on the
 * home screen): three lists on one screen, Tab moves between them. Groups
 * are searched as one types (name, a member's name or national ID, the
 * legal ID) and F3 writes a new group; Enter opens a group's page or a
 * course's attendance grid. The inquiries list shows the overdue ones
 * first. */
#include <stdlib.h>
#include <string.h>

#include "parvande/groups.h"
#include "parvande/i18n.h"
#include "parvande/services.h"
#include "parvande/text.h"
#include "screen_groups_form.h"
#include "widget.h"

enum { A_OPEN = PV_A_SCREEN, A_TAB, A_BTAB, A_NEW, A_SAVE, A_CONFIRM, A_REFUSE };
enum { V_GROUPS = 0, V_COURSES, V_INQUIRIES, V__COUNT };

static const pv_binding hub_own[] = {
    {'\r', A_OPEN, NULL, N_("Open the selected group or course; record the selected inquiry's answer (its reference number, the date)")},
    {PV_KEY(KEY_ENTER), A_OPEN, NULL, NULL},
    {'\t', A_TAB, NULL, N_("Next list: groups, courses, inquiries (in a form: next field)")},
    {PV_KEY(KEY_BTAB), A_BTAB, NULL, N_("Previous list (in a form: previous field)")},
    {PV_KEY(KEY_F(2)), A_SAVE, N_("Save"), N_("Save the new group")},
    {PV_KEY(KEY_F(3)), A_NEW, N_("New"), N_("Write a new mutual-aid group, course or inquiry (the list's)")},
    {PV_KEY(KEY_F(6)), A_CONFIRM, N_("Confirmed"), N_("The selected inquiry was answered: confirmed (press twice)")},
    {PV_KEY(KEY_F(8)), A_REFUSE, N_("Refused"), N_("The selected inquiry was answered: refused (press twice)")},
    {0, 0, NULL, NULL},
};
static pv_keymap hub_keys = {hub_own, pv_keys_list, pv_keys_edit, NULL};

typedef struct hub {
    int view;
    pv_form box;          /* the groups' search box */
    char last_query[512];
    pv_form form;         /* a new group, while `creating` */
    bool creating;
    pv_group *groups;
    size_t n_groups;
    pv_course *courses;
    size_t n_courses;
    pv_inquiry *inq;
    size_t n_inq;
    size_t n_overdue;     /* the first n_overdue of inq are overdue */
    int overdue_days;     /* the branch's limit */
    pv_list list;
    int pending;          /* an answer waiting for its second press, 0 none */
} hub;

static const char *view_name(int v)
{
    static const char *const names[] = {N_("Groups"), N_("Courses"), N_("Inquiries")};
    return _(names[v]);
}

static size_t view_count(const hub *h)
{
    return h->view == V_GROUPS ? h->n_groups : h->view == V_COURSES ? h->n_courses : h->n_inq;
}

/* ---- loading ---- */

static void load_groups(pv_ui *ui, hub *h)
{
    pv_error err = PV_ERROR_INIT;
    free(h->groups);
    h->groups = NULL;
    h->n_groups = 0;
    snprintf(h->last_query, sizeof h->last_query, "%s", h->box.fields[0].value);
    if (pv_group_list(ui->ctx, h->last_query, &h->groups, &h->n_groups, &err) != PV_OK)
        pv_ui_error(ui, &err);
}

/* Overdue ones first (oldest first), then the others. */
static void load_inquiries(pv_ui *ui, hub *h)
{
    pv_error err = PV_ERROR_INIT;
    free(h->inq);
    h->inq = NULL;
    h->n_inq = h->n_overdue = 0;
    pv_inquiry *all = NULL;
    size_t n = 0;
    pv_inquiry_filter f = PV_INQUIRY_FILTER_INIT;
    if (pv_inquiry_overdue_days(ui->ctx, &h->overdue_days, &err) != PV_OK
        || pv_inquiry_list(ui->ctx, &f, &all, &n, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return;
    }
    h->inq = malloc((n ? n : 1) * sizeof *h->inq);
    if (!h->inq) {
        free(all);
        return;
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            bool overdue = all[i].status == PV_INQ_PENDING
                           && all[i].age_days > h->overdue_days;
            if (overdue == (pass == 0)) {
                h->inq[h->n_inq++] = all[i];
                h->n_overdue += overdue;
            }
        }
    free(all);
}

static void load_all(pv_ui *ui, hub *h)
{
    pv_error err = PV_ERROR_INIT;
    load_groups(ui, h);
    free(h->courses);
    h->courses = NULL;
    h->n_courses = 0;
    if (pv_course_list(ui->ctx, &h->courses, &h->n_courses, &err) != PV_OK)
        pv_ui_error(ui, &err);
    load_inquiries(ui, h);
    pv_list_set_count(&h->list, view_count(h));
}

/* ---- rows ---- */

static void group_row(pv_ui *ui, const pv_group *g, int y, pv_style st)
{
    int cols = ui->draw.cols;
    char num[64], step[64], paid[64];
    snprintf(num, sizeof num, _("%d members"), g->n_members);
    if (g->code[0])
        snprintf(step, sizeof step, _("step %d of %d"), g->step, g->n_steps);
    else
        snprintf(step, sizeof step, "%s", _("not enrolled"));
    pv_draw_money(&ui->draw, g->paid, paid, sizeof paid);
    int w_name = cols - 2 - 12 - 12 - 16 - 14 - 4;
    int x = 1;
    pv_draw_text(&ui->draw, y, x, w_name, g->name, PV_T_DATA, st);
    x += w_name + 1;
    pv_draw_text(&ui->draw, y, x, 12, num, 0, st);
    x += 13;
    pv_draw_text(&ui->draw, y, x, 12, g->legal_id[0] ? g->legal_id : "-", PV_T_LTR, st);
    x += 13;
    pv_draw_text(&ui->draw, y, x, 16, step, 0, st);
    x += 17;
    pv_draw_text(&ui->draw, y, x, 14, paid, PV_T_LTR | PV_T_END, st);
}

static void course_row(pv_ui *ui, const pv_course *c, int y, pv_style st)
{
    int cols = ui->draw.cols;
    char date[16], seats[64];
    pv_draw_date(c->start_date, date, sizeof date);
    snprintf(seats, sizeof seats, _("%d of %d trainees"), c->n_trainees, c->capacity);
    int w_title = cols - 2 - 11 - 20 - 2;
    pv_draw_text(&ui->draw, y, 1, w_title, c->title, PV_T_DATA, st);
    pv_draw_text(&ui->draw, y, w_title + 2, 11, date, PV_T_LTR, st);
    pv_draw_text(&ui->draw, y, w_title + 14, 20, seats, 0, st);
}

static void inquiry_row(pv_ui *ui, const hub *h, size_t i, int y, pv_style st)
{
    const pv_inquiry *q = &h->inq[i];
    int cols = ui->draw.cols;
    char date[16], age[192];
    pv_draw_date(q->sent_on, date, sizeof date);
    if (q->status == PV_INQ_PENDING)
        snprintf(age, sizeof age, _("%d days"), q->age_days);
    else if (q->reference[0])
        snprintf(age, sizeof age, "%s %s", pv_inquiry_status_label(q->status), q->reference);
    else
        snprintf(age, sizeof age, "%s", pv_inquiry_status_label(q->status));
    int age_w = cols >= 100 ? 26 : 14; /* room for the answer's reference */
    int w = (cols - 2 - 11 - age_w - 3) / 2;
    pv_style s2 = i < h->n_overdue && st != PV_ST_SELECTED ? PV_ST_ERROR : st;
    pv_draw_text(&ui->draw, y, 1, w, q->subject, PV_T_DATA, st);
    pv_draw_text(&ui->draw, y, w + 2, w, q->agency, PV_T_DATA, st);
    pv_draw_text(&ui->draw, y, 2 * w + 3, 11, date, PV_T_LTR, st);
    pv_draw_text(&ui->draw, y, 2 * w + 15, age_w, age, PV_T_DATA, s2);
}

static void hub_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    hub *h = user;
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    pv_draw_fill(&ui->draw, y, 0, ui->draw.cols, st);
    if (h->view == V_GROUPS)
        group_row(ui, &h->groups[i], y, st);
    else if (h->view == V_COURSES)
        course_row(ui, &h->courses[i], y, st);
    else
        inquiry_row(ui, h, i, y, st);
}

/* ---- the screen ---- */

static unsigned hub_reload(pv_ui *ui, void *st);

static void *hub_open(pv_ui *ui, const void *arg)
{
    hub *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->view = arg ? *(const int *)arg : V_GROUPS;
    pv_form_init(&h->box, NULL, h);
    pv_form_init(&h->form, NULL, h);
    if (pv_form_add(&h->box, "query", N_("Search"), false, false, PV_FK_TEXT, "") < 0) {
        pv_form_free(&h->box);
        free(h);
        return NULL;
    }
    h->list.draw_row = hub_row;
    h->list.user = h;
    load_all(ui, h);
    return h;
}

static void hub_close(pv_ui *ui, void *st)
{
    (void)ui;
    hub *h = st;
    pv_form_free(&h->box);
    pv_form_free(&h->form);
    free(h->groups);
    free(h->courses);
    free(h->inq);
    free(h);
}

static void hub_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    hub *h = st;
    snprintf(out, size, "%s — %s", _("Groups, courses and inquiries"),
             h->creating ? _("New group") : view_name(h->view));
}

static void draw_tabs(pv_ui *ui, hub *h, int y)
{
    int x = 1;
    for (int v = 0; v < V__COUNT; v++) {
        char label[128];
        size_t n = v == V_GROUPS ? h->n_groups : v == V_COURSES ? h->n_courses : h->n_inq;
        snprintf(label, sizeof label, " %s (%zu) ", view_name(v), n);
        int w = pv_draw_text(&ui->draw, y, x, 30, label, 0,
                             v == h->view ? PV_ST_SELECTED : PV_ST_LABEL);
        x += w + 2;
    }
    if (h->n_overdue) {
        char over[128];
        snprintf(over, sizeof over, _("%zu overdue (over %d days)"), h->n_overdue,
                 h->overdue_days);
        pv_draw_text(&ui->draw, y, x + 2, ui->draw.cols - x - 3, over, 0, PV_ST_ERROR);
    }
}

static void hub_draw(pv_ui *ui, void *st, int top, int rows)
{
    hub *h = st;
    if (h->creating) {
        pv_draw_text(&ui->draw, top, 1, ui->draw.cols - 2,
                     _("A new mutual-aid group: F2 saves, Esc cancels."), 0, PV_ST_HEADING);
        pv_form_draw(ui, &h->form, top + 2, rows - 2, 22);
        return;
    }
    draw_tabs(ui, h, top);
    int first = top + 1;
    if (h->view == V_GROUPS) {
        if (strcmp(h->box.fields[0].value, h->last_query) != 0) {
            load_groups(ui, h);
            pv_list_set_count(&h->list, h->n_groups);
        }
        pv_form_draw(ui, &h->box, top + 1, 1, 12);
        first = top + 3;
    }
    const char *empty = h->view == V_GROUPS ? _("No group matches. F3 writes a new one.")
                        : h->view == V_COURSES ? _("No course yet. F3 writes a new one.")
                                               : _("No inquiry yet. F3 writes a new one.");
    pv_list_draw(ui, &h->list, first, rows - (first - top), empty);
}

static void start_form(hub *h)
{
    pv_form_free(&h->form);
    pv_form_init(&h->form, NULL, h);
    pv_form_add(&h->form, "name", N_("Name"), true, false, PV_FK_TEXT, "");
    pv_form_add(&h->form, "activity", N_("Activity"), false, false, PV_FK_TEXT, "");
    pv_form_add(&h->form, "founded", N_("Founded (Jalali date)"), false, true, PV_FK_TEXT, "");
    h->creating = true;
}

static unsigned save_group(pv_ui *ui, hub *h)
{
    pv_error err = PV_ERROR_INIT;
    pv_group_new g = {pv_form_value(&h->form, "name"), pv_form_value(&h->form, "activity"),
                      pv_form_value(&h->form, "founded"), NULL};
    pv_id id;
    if (pv_group_add(ui->ctx, &g, &id, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return PV_CH_DRAW;
    }
    h->creating = false;
    load_all(ui, h);
    pv_ui_status(ui, PV_MSG_OK, "%s", _("Group saved."));
    return pv_ui_push(ui, &pv_screen_group, &id);
}

static unsigned form_action(pv_ui *ui, hub *h, int action)
{
    switch (action) {
    case A_SAVE: return save_group(ui, h);
    case PV_A_BACK: h->creating = false; return PV_CH_DRAW;
    case A_TAB: case A_OPEN: action = PV_A_NEXT_FIELD; break;
    case A_BTAB: action = PV_A_PREV_FIELD; break;
    case PV_A_UP: action = PV_A_PREV_FIELD; break;
    case PV_A_DOWN: action = PV_A_NEXT_FIELD; break;
    default: break;
    }
    unsigned ch = pv_form_action(ui, &h->form, action, NULL);
    return ch == PV_CH_NONE && action < PV_A_UP ? PV_CH_PASS : ch | PV_CH_DRAW;
}

static unsigned open_selected(pv_ui *ui, hub *h)
{
    if (!pv_list_has_sel(&h->list))
        return PV_CH_NONE;
    if (h->view == V_GROUPS)
        return pv_ui_push(ui, &pv_screen_group, &h->groups[h->list.sel].id);
    if (h->view == V_COURSES)
        return pv_ui_push(ui, &pv_screen_course, &h->courses[h->list.sel].id);
    const pv_inquiry *q = &h->inq[h->list.sel];
    if (q->status != PV_INQ_PENDING) {
        pv_ui_status(ui, PV_MSG_INFO, "%s", _("This inquiry is answered already."));
        return PV_CH_DRAW;
    }
    char date[16], about[PV_LABEL_SZ * 3];
    pv_draw_date(q->sent_on, date, sizeof date);
    char *who = pv_dialog_quote(q->subject), *agency = pv_dialog_quote(q->agency);
    /* TRANSLATORS: the date sent, the person or group, the agency. */
    snprintf(about, sizeof about, _("sent %s: %s — %s"), date, who ? who : "",
             agency ? agency : "");
    free(who);
    free(agency);
    pv_gform_request r = {PV_GFORM_ANSWER, NULL, q->id, about, NULL};
    return pv_ui_push(ui, &pv_screen_groups_form, &r);
}

/* F3: a new record of the list shown. */
static unsigned new_record(pv_ui *ui, hub *h)
{
    if (h->view == V_GROUPS) {
        start_form(h);
        return PV_CH_DRAW;
    }
    pv_gform_request r = {h->view == V_COURSES ? PV_GFORM_COURSE : PV_GFORM_INQUIRY, NULL, 0,
                          NULL, NULL};
    return pv_ui_push(ui, &pv_screen_groups_form, &r);
}

/* F6 / F8 on a pending inquiry: the agency's answer, today (the command
 * line records a reference number and another date). */
static unsigned answer(pv_ui *ui, hub *h, int action)
{
    if (h->view != V_INQUIRIES || !pv_list_has_sel(&h->list))
        return PV_CH_NONE;
    const pv_inquiry *q = &h->inq[h->list.sel];
    if (q->status != PV_INQ_PENDING) {
        pv_ui_status(ui, PV_MSG_INFO, "%s", _("This inquiry is answered already."));
        return PV_CH_DRAW;
    }
    if (h->pending != action) {
        h->pending = action;
        pv_ui_status(ui, PV_MSG_INFO, "%s",
                     action == A_CONFIRM ? _("Record the answer: confirmed? Press F6 again.")
                                         : _("Record the answer: refused? Press F8 again."));
        return PV_CH_DRAW;
    }
    h->pending = 0;
    pv_error err = PV_ERROR_INIT;
    if (pv_inquiry_answer(ui->ctx, q->id, action == A_CONFIRM, NULL, NULL, NULL, &err) != PV_OK)
        pv_ui_error(ui, &err);
    else
        pv_ui_status(ui, PV_MSG_OK, "%s", _("Answer recorded."));
    return hub_reload(ui, h);
}

static unsigned hub_action(pv_ui *ui, void *st, int action)
{
    hub *h = st;
    if (h->creating)
        return form_action(ui, h, action);
    if (action != h->pending)
        h->pending = 0;
    switch (action) {
    case A_CONFIRM:
    case A_REFUSE: return answer(ui, h, action);
    case A_OPEN: return open_selected(ui, h);
    case A_TAB:
    case A_BTAB:
        h->view = (h->view + (action == A_TAB ? 1 : V__COUNT - 1)) % V__COUNT;
        h->list.sel = h->list.top = 0;
        pv_list_set_count(&h->list, view_count(h));
        return PV_CH_DRAW;
    case A_NEW: return new_record(ui, h);
    case A_SAVE: return PV_CH_NONE;
    case PV_A_BACK:
        if (h->view != V_GROUPS || h->box.fields[0].value[0] == '\0')
            return PV_CH_PASS;
        action = PV_A_CLEAR;
        break;
    default: break;
    }
    unsigned ch = pv_list_action(&h->list, action);
    if (ch != PV_CH_NONE)
        return ch;
    if (h->view == V_GROUPS)
        ch = pv_form_action(ui, &h->box, action, NULL);
    if (ch == PV_CH_NONE && action < PV_A_SCREEN && action != PV_A_CLEAR)
        return PV_CH_PASS;
    return ch | PV_CH_DRAW;
}

static unsigned hub_input(pv_ui *ui, void *st, int key)
{
    hub *h = st;
    if (h->creating)
        return pv_form_input(ui, &h->form, key, NULL);
    if (h->view != V_GROUPS)
        return PV_CH_NONE;
    return pv_form_input(ui, &h->box, key, NULL);
}

static unsigned hub_reload(pv_ui *ui, void *st)
{
    hub *h = st;
    size_t sel = h->list.sel;
    load_all(ui, h);
    h->list.sel = sel;
    pv_list_set_count(&h->list, view_count(h));
    return PV_CH_DRAW;
}

bool pv_groups_fact_line(const pv_fact *f, char *out, size_t size)
{
    static const struct { const char *key, *label; } labels[] = {
        {"group.member", N_("Mutual-aid group")},
        {"group.registered", N_("Group's legal ID")},
        {"group.step", N_("Group's steps done")},
        {"event.exit_direct_support", N_("Exit from direct support")},
        {"course.admitted", N_("Courses admitted to")},
    };
    const char *dot = strchr(f->key, '.');
    if (!dot || strncmp(f->key, "doc.", 4) == 0)
        return false;
    const char *label = NULL;
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
        if (strcmp(labels[i].key, f->key) == 0)
            label = _(labels[i].label);
    char value[PV_FACT_VALUE_SZ + 16];
    if (strncmp(f->key, "event.", 6) == 0)
        pv_draw_date(f->value, value, sizeof value);
    else if (strncmp(f->key, "inquiry.", 8) == 0)
        snprintf(value, sizeof value, "%s", _(f->value)); /* pending, confirmed, refused */
    else
        snprintf(value, sizeof value, "%s", f->value);
    if (label)
        snprintf(out, size, "%s: %s", label, value);
    else if (strncmp(f->key, "inquiry.", 8) == 0)
        snprintf(out, size, _("Inquiry to %s: %s"), dot + 1, value);
    else
        snprintf(out, size, "%s: %s", f->key, value);
    return true;
}

const pv_screen pv_screen_groups = {
    .name = "groups",
    .keys = hub_keys,
    .open = hub_open,
    .close = hub_close,
    .title = hub_title,
    .draw = hub_draw,
    .action = hub_action,
    .input = hub_input,
    .reload = hub_reload,
};
