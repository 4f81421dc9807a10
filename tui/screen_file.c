/* parvande — one beneficiary's file: the caseworker's desk.
 *
 * The top answers at a glance, without scrolling at 80x24: who (name,
 * national ID, age, gender, guardianship), notices, the household (each
 * member's relation, age and national ID), the case file in one line, the
 * open enrollments with their current step, and one line per service
 * (✓ eligible, ✗ not, ● already enrolled with its state). Below come the
 * details: why each ineligible service is refused (every failed criterion,
 * wrapped, never cut), every person field, the assessments, the recorded
 * facts, the earlier enrollments.
 *
 * From 120 columns the file is two panes side by side (mirrored in
 * Persian): the person side (who, household, case file, fields,
 * assessments) and the services side (enrollments, services, reasons,
 * facts). The rows are built once (pv_rows); a pane is a list of indexes
 * into them. */
#include <stdlib.h>
#include <string.h>

#include "file_notices.h"
#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/records.h"
#include "parvande/services.h"
#include "parvande/text.h"
#include "widget.h"
#include "screen_referral.h" /* referrals: F3, the open ones at the top */

enum {
    A_ENTER = PV_A_SCREEN, A_EDIT, A_MEMBER, A_ASSESS, A_ENROLL, A_CASEFILE, A_NEXT_SEC,
    A_PREV_SEC, A_PANE_LEFT, A_PANE_RIGHT,
};
enum { A_REFER = PV_A_SCREEN + 60 }; /* referrals */

static const pv_binding file_own[] = {
    {'\r', A_ENTER, NULL, N_("Act on the selected row: edit a field, open a member's file or an "
                            "enrollment, enroll in a service, show why a service is refused, "
                            "record a fact")},
    {PV_KEY(KEY_ENTER), A_ENTER, NULL, NULL},
    {PV_KEY(KEY_F(3)), A_REFER, N_("Refer"), N_("Refer the person to a centre")},
    {PV_KEY(KEY_F(4)), A_EDIT, N_("Edit"), N_("Edit the person's details")},
    {PV_KEY(KEY_F(5)), A_MEMBER, N_("Member"), N_("Add a member to the household")},
    {PV_KEY(KEY_F(6)), A_ASSESS, N_("Assess"), N_("Write an assessment on the case file")},
    {PV_KEY(KEY_F(7)), A_ENROLL, N_("Enroll"),
     N_("Enroll in the selected service (a box asks to confirm; a supervisor may override an "
        "ineligible one with a justification); elsewhere, the first service the person is "
        "eligible for")},
    {PV_KEY(KEY_F(8)), A_CASEFILE, N_("Case"), N_("Edit the case file: covered, status, caseworker")},
    {'\t', A_NEXT_SEC, NULL, N_("Next section: household, case file, enrollments, services, "
                                "reasons, details...")},
    {PV_KEY(KEY_BTAB), A_PREV_SEC, NULL, N_("Previous section")},
    {PV_KEY(KEY_LEFT), A_PANE_LEFT, NULL, N_("In two panes (a wide window): the pane on the left")},
    {PV_KEY(KEY_RIGHT), A_PANE_RIGHT, NULL, N_("In two panes: the pane on the right")},
    {0, 0, NULL, NULL},
};
static pv_keymap file_keys = {file_own, pv_keys_list, NULL};

/* Sections, in the order of the one-column file. */
typedef enum section {
    S_WHO, S_NOTICES, S_HOUSEHOLD, S_CASE, S_ENROLL, S_SERVICES, S_REASONS, S_PERSON, S_ASSESS,
    S_FACTS, S_PAST, S__COUNT
} section;

/* The pane of a section in two panes: 0 the person, 1 the services. */
static const int section_pane[S__COUNT] = {
    [S_WHO] = 0, [S_NOTICES] = 0, [S_HOUSEHOLD] = 0, [S_CASE] = 0, [S_PERSON] = 0,
    [S_ASSESS] = 0, [S_ENROLL] = 1, [S_SERVICES] = 1, [S_REASONS] = 1, [S_FACTS] = 1,
    [S_PAST] = 1,
};

typedef enum row_kind {
    R_HEAD, R_WHO, R_LINE, R_NOTICE, R_FIELD, R_CASE, R_MEMBER, R_TEXT, R_ENROLL, R_FACT,
    R_ELIG, R_WHY_HEAD, R_WHY_TITLE, R_REASON, R_NOTE
} row_kind;

/* Marks of R_ELIG / R_WHY_HEAD / R_FACT rows. */
enum { M_NONE = 0, M_OK, M_NO, M_ENROLLED, M_FACT_SET, M_FACT_UNSET };

#define WIDE_COLS 120

typedef struct file file;

typedef struct pane {
    file *f;
    size_t *idx;        /* into f->rows */
    size_t n, cap;
    pv_list list;
} pane;

struct file {
    char natid[PV_NATID_SZ];
    pv_file_view *v;
    pv_enrollment *enr;
    size_t n_enr;
    pv_eligibility *elig;
    size_t n_elig;
    long *elig_enr;      /* per service: its live enrollment (index into enr), -1 none */
    pv_fact *facts;
    size_t n_facts;
    const pv_fact_key *fact_keys;
    size_t n_fact_keys;
    pv_rows rows;
    int built_cols;      /* rows are laid out for this width */
    pane panes[2];
    int n_panes;         /* 1, or 2 from WIDE_COLS */
    int focus;           /* the pane keys go to */
    size_t dialog_svc;   /* the service the open dialog is about */
    char today[11];
};

/* ---- rows ---------------------------------------------------------------- */

static pv_row *add(file *f, section s, row_kind kind, const char *label, const char *value)
{
    pv_row *r = pv_rows_add(&f->rows, kind, label, value);
    if (r)
        r->section = s;
    return r;
}

static void add_wrapped(file *f, section s, row_kind kind, const char *text, int width,
                        size_t idx)
{
    size_t first = f->rows.n;
    pv_rows_add_wrapped(&f->rows, kind, text, width, PV_T_DATA);
    for (size_t i = first; i < f->rows.n; i++) {
        f->rows.v[i].section = s;
        f->rows.v[i].idx = idx;
    }
}

static int age_of(const file *f, const pv_person *p)
{
    return p->birth_date[0] ? pv_age_on(p->birth_date, f->today) : -1;
}

static void build_who(file *f)
{
    const pv_person *p = &f->v->person;
    char name[2 * PV_NAME_SZ + 2], line[1024], gender[64], guard[128];
    snprintf(name, sizeof name, "%s %s", p->first_name, p->last_name);
    pv_row *r = add(f, S_WHO, R_WHO, NULL, name);
    if (r)
        r->flags = PV_T_DATA;
    pv_person_get_field(p, "gender", gender, sizeof gender);
    pv_person_get_field(p, "guardianship", guard, sizeof guard);
    int age = age_of(f, p);
    if (age >= 0)
        snprintf(line, sizeof line, _("%d years old, %s, guardianship: %s"), age, gender, guard);
    else
        snprintf(line, sizeof line, _("age unknown, %s, guardianship: %s"), gender, guard);
    if (p->judicial_order) {
        size_t n = strlen(line);
        snprintf(line + n, sizeof line - n, _(", judicial order"));
    }
    add(f, S_WHO, R_LINE, NULL, line);
}

static void build_notices(pv_ui *ui, file *f)
{
    pv_rows got = {0};
    for (const pv_file_notice_fn *src = pv_file_notice_sources; *src; src++)
        (*src)(ui, f->natid, &got);
    if (got.n > 0)
        add(f, S_NOTICES, R_HEAD, _("Notices"), NULL);
    for (size_t i = 0; i < got.n; i++) {
        pv_row *r = add(f, S_NOTICES, R_NOTICE, NULL, got.v[i].value);
        if (r)
            r->flags = got.v[i].flags;
    }
    pv_rows_free(&got);
}

static void build_household(file *f)
{
    char head[128];
    snprintf(head, sizeof head, _("Household (%zu)"), f->v->n_members);
    add(f, S_HOUSEHOLD, R_HEAD, head, NULL);
    if (f->v->n_members == 0)
        add(f, S_HOUSEHOLD, R_NOTE, NULL, _("Not in a household."));
    for (size_t i = 0; i < f->v->n_members; i++) {
        const pv_person *m = &f->v->members[i];
        char rel[128], name[2 * PV_NAME_SZ + 2];
        pv_person_get_field(m, "relation", rel, sizeof rel);
        snprintf(name, sizeof name, "%s %s", m->first_name, m->last_name);
        pv_row *r = add(f, S_HOUSEHOLD, R_MEMBER, rel, name);
        if (r) {
            r->idx = i;
            r->flags = PV_T_DATA;
        }
    }
}

static void build_casefile(file *f)
{
    if (!f->v->has_file) {
        add(f, S_CASE, R_NOTE, NULL, _("No case file."));
        return;
    }
    const pv_casefile *c = &f->v->file;
    char line[512], date[16];
    pv_draw_date(c->opened_on, date, sizeof date);
    snprintf(line, sizeof line, _("%s, %s, caseworker %s, opened %s"),
             c->status == PV_FILE_ACTIVE ? _("active") : _("closed"),
             c->covered ? _("covered") : _("not covered"), c->caseworker[0] ? c->caseworker : "—",
             date);
    pv_row *r = add(f, S_CASE, R_CASE, _("Case file"), line);
    if (r)
        r->flags = PV_T_DATA;
}

static bool is_open(const pv_enrollment *e)
{
    return e->status == PV_ENR_REQUESTED || e->status == PV_ENR_IN_PROGRESS;
}

/* The enrollment's state in a few words: its step, or that it waits. */
static void enroll_state(const pv_enrollment *e, char *out, size_t size)
{
    if (e->status == PV_ENR_IN_PROGRESS)
        snprintf(out, size, _("%s, step %d of %d: %s"), pv_enroll_status_label(e->status),
                 e->step, e->n_steps, e->step_title);
    else if (e->status == PV_ENR_REQUESTED)
        snprintf(out, size, "%s", _("requested, waits for a supervisor's approval"));
    else
        snprintf(out, size, "%s", pv_enroll_status_label(e->status));
}

static void build_enrollments(file *f, section s, bool open)
{
    size_t shown = 0;
    for (size_t i = 0; i < f->n_enr; i++) {
        const pv_enrollment *e = &f->enr[i];
        if (is_open(e) != open)
            continue;
        if (shown++ == 0)
            add(f, s, R_HEAD, open ? _("Open enrollments") : _("Earlier enrollments"), NULL);
        char state[PV_LABEL_SZ + 256];
        enroll_state(e, state, sizeof state);
        pv_row *r = add(f, s, R_ENROLL, e->service_title, state);
        if (r) {
            r->idx = i;
            r->flags = PV_T_DATA;
        }
    }
    if (open && shown == 0) {
        add(f, s, R_HEAD, _("Open enrollments"), NULL);
        add(f, s, R_NOTE, NULL, _("No open enrollment."));
    }
}

/* A service counts as enrolled when the person has an open enrollment of
 * it, or one completed in this Jalali year: the file then says so with the
 * enrollment's state, not the frequency rule's refusal. */
static void match_enrollments(file *f)
{
    long year = pv_jalali_period_key(f->today, PV_PERIOD_YEAR);
    for (size_t s = 0; s < f->n_elig; s++) {
        f->elig_enr[s] = -1;
        for (size_t i = 0; i < f->n_enr; i++) {
            const pv_enrollment *e = &f->enr[i];
            if (strcmp(e->code, f->elig[s].code) != 0)
                continue;
            if (is_open(e) || (e->status == PV_ENR_COMPLETED &&
                               pv_jalali_period_key(e->date, PV_PERIOD_YEAR) == year)) {
                f->elig_enr[s] = (long)i;
                break;
            }
        }
    }
}

static void build_services(file *f)
{
    add(f, S_SERVICES, R_HEAD, _("Services (F7 enrolls, Enter on ✗ shows why)"), NULL);
    if (f->n_elig == 0)
        add(f, S_SERVICES, R_NOTE, NULL, _("The catalog has no service."));
    for (size_t i = 0; i < f->n_elig; i++) {
        const pv_eligibility *e = &f->elig[i];
        char value[PV_LABEL_SZ + 512];
        if (f->elig_enr[i] >= 0) {
            const pv_enrollment *x = &f->enr[f->elig_enr[i]];
            char state[128];
            if (x->status == PV_ENR_IN_PROGRESS)
                snprintf(state, sizeof state, _("step %d of %d"), x->step, x->n_steps);
            else
                snprintf(state, sizeof state, "%s", pv_enroll_status_label(x->status));
            snprintf(value, sizeof value, _("[enrolled: %s] %s"), state, e->title);
        } else {
            snprintf(value, sizeof value, "%s", e->title);
        }
        pv_row *r = add(f, S_SERVICES, R_ELIG, e->code, value);
        if (!r)
            continue;
        r->idx = i;
        r->flags = PV_T_DATA;
        r->mark = f->elig_enr[i] >= 0 ? M_ENROLLED : e->eligible ? M_OK : M_NO;
    }
}

/* Every failed criterion of every refused service, wrapped to `width`. */
static void build_reasons(file *f, int width)
{
    bool any = false;
    for (size_t i = 0; i < f->n_elig; i++) {
        const pv_eligibility *e = &f->elig[i];
        if (e->eligible || f->elig_enr[i] >= 0)
            continue;
        if (!any)
            add(f, S_REASONS, R_HEAD, _("Why not eligible"), NULL);
        any = true;
        /* the service's title whole too: its first line beside the code */
        int cw = strlen(e->code) > 6 ? 12 : 6;
        size_t first = f->rows.n;
        add_wrapped(f, S_REASONS, R_WHY_TITLE, e->title, width + 6 - cw - 4, i);
        if (first < f->rows.n) {
            pv_row *r = &f->rows.v[first];
            r->kind = R_WHY_HEAD;
            r->label = strdup(e->code);
            r->mark = M_NO;
        }
        for (size_t c = 0; c < e->n_criteria; c++) {
            if (e->criteria[c].passed)
                continue;
            char why[2 * PV_LABEL_SZ + 4];
            snprintf(why, sizeof why, "%s: %s", e->criteria[c].label, e->criteria[c].reason);
            add_wrapped(f, S_REASONS, R_REASON, why, width, i);
        }
    }
}

static void build_person(file *f)
{
    size_t n;
    const pv_field_info *fi = pv_person_fields(&n);
    add(f, S_PERSON, R_HEAD, _("Person (Enter edits a field)"), NULL);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(fi[i].name, "relation") == 0 && f->v->household_id == 0)
            continue;
        char value[PV_ADDR_SZ];
        pv_person_get_field(&f->v->person, fi[i].name, value, sizeof value);
        pv_row *r = add(f, S_PERSON, R_FIELD, _(fi[i].label), value);
        if (r) {
            r->field = fi[i].name;
            r->flags = PV_T_DATA | (fi[i].ltr ? PV_T_LTR : 0);
        }
    }
}

static void build_assessments(file *f, int width)
{
    add(f, S_ASSESS, R_HEAD, _("Assessments"), NULL);
    if (!f->v->has_file || f->v->n_assessments == 0)
        add(f, S_ASSESS, R_NOTE, NULL, _("No assessment yet."));
    for (size_t i = 0; f->v->has_file && i < f->v->n_assessments; i++) {
        const pv_assessment *a = &f->v->assessments[i];
        char head[128], date[16];
        pv_draw_date(a->date, date, sizeof date);
        snprintf(head, sizeof head, "%s  %s", date, a->author);
        pv_row *r = add(f, S_ASSESS, R_TEXT, NULL, head);
        if (r)
            r->flags = PV_T_DATA | PV_T_LTR;
        add_wrapped(f, S_ASSESS, R_TEXT, a->text ? a->text : "", width, i);
    }
}

static bool fact_recorded(const file *f, const char *key)
{
    for (size_t i = 0; i < f->n_facts; i++)
        if (strcmp(f->facts[i].key, key) == 0)
            return true;
    return false;
}

static void build_facts(file *f)
{
    add(f, S_FACTS, R_HEAD, _("Recorded facts (Enter records or clears)"), NULL);
    for (size_t i = 0; i < f->n_fact_keys; i++) {
        pv_row *r = add(f, S_FACTS, R_FACT, _(f->fact_keys[i].label), NULL);
        if (r) {
            r->idx = i;
            r->mark = fact_recorded(f, f->fact_keys[i].key) ? M_FACT_SET : M_FACT_UNSET;
        }
    }
}

static bool row_selectable(void *user, size_t i);

/* The panes' indexes: all rows in one pane, or each row in its section's. */
static void build_panes(file *f)
{
    for (int p = 0; p < 2; p++)
        f->panes[p].n = 0;
    for (size_t i = 0; i < f->rows.n; i++) {
        pane *p = &f->panes[f->n_panes == 2 ? section_pane[f->rows.v[i].section] : 0];
        if (p->n == p->cap) {
            size_t cap = p->cap ? p->cap * 2 : 64;
            size_t *grown = realloc(p->idx, cap * sizeof *grown);
            if (!grown)
                continue;
            p->idx = grown;
            p->cap = cap;
        }
        p->idx[p->n++] = i;
    }
    for (int p = 0; p < 2; p++)
        pv_list_set_count(&f->panes[p].list, f->panes[p].n);
    if (f->focus >= f->n_panes)
        f->focus = 0;
}

/* The pane boxes: the person side on the interface's start side. */
static void place_panes(pv_ui *ui, file *f)
{
    int cols = ui->draw.cols;
    if (f->n_panes == 1) {
        f->panes[0].list.x = 0;
        f->panes[0].list.w = cols;
        return;
    }
    int a = (cols - 1) / 2;
    f->panes[0].list.x = 0;
    f->panes[0].list.w = a;
    f->panes[1].list.x = a + 1;
    f->panes[1].list.w = cols - a - 1;
}

static void build_rows(pv_ui *ui, file *f)
{
    pv_rows_clear(&f->rows);
    f->built_cols = ui->draw.cols;
    f->n_panes = ui->draw.cols >= WIDE_COLS ? 2 : 1;
    place_panes(ui, f);
    int side = f->n_panes == 2 ? (ui->draw.cols - 1) / 2 : ui->draw.cols;
    match_enrollments(f);
    build_who(f);
    build_notices(ui, f);
    build_household(f);
    build_casefile(f);
    build_enrollments(f, S_ENROLL, true);
    build_services(f);
    build_reasons(f, side - 8);
    build_person(f);
    build_assessments(f, side - 6);
    build_facts(f);
    build_enrollments(f, S_PAST, false);
    build_panes(f);
}

/* ---- loading ------------------------------------------------------------- */

static void unload(file *f)
{
    pv_file_view_free(f->v);
    f->v = NULL;
    pv_enrollments_free(f->enr, f->n_enr);
    f->enr = NULL;
    f->n_enr = 0;
    pv_eligibility_free_all(f->elig, f->n_elig);
    f->elig = NULL;
    f->n_elig = 0;
    free(f->elig_enr);
    f->elig_enr = NULL;
    free(f->facts);
    f->facts = NULL;
    f->n_facts = 0;
}

/* Loads everything; a part that fails (say the catalog) leaves its section
 * empty and says why on the status line, the rest still shows. */
static pv_status load(pv_ui *ui, file *f)
{
    pv_error err = PV_ERROR_INIT;
    unload(f);
    pv_today(f->today);
    if (pv_file_load(ui->ctx, f->natid, &f->v, &err) != PV_OK) {
        f->v = NULL;
        pv_ui_error(ui, &err);
        pv_rows_clear(&f->rows); /* no row may point into what was unloaded */
        build_panes(f);
        return PV_ENOTFOUND;
    }
    if (pv_enroll_list(ui->ctx, f->natid, NULL, &f->enr, &f->n_enr, &err) != PV_OK) {
        f->enr = NULL;
        f->n_enr = 0;
        pv_ui_error(ui, &err);
    }
    if (pv_eligibility_check_all(ui->ctx, f->natid, NULL, &f->elig, &f->n_elig, &err) !=
        PV_OK) {
        f->elig = NULL;
        f->n_elig = 0;
        pv_ui_error(ui, &err);
    }
    f->elig_enr = calloc(f->n_elig ? f->n_elig : 1, sizeof *f->elig_enr);
    if (!f->elig_enr) {
        pv_eligibility_free_all(f->elig, f->n_elig);
        f->elig = NULL;
        f->n_elig = 0;
    }
    if (pv_fact_list(ui->ctx, f->natid, &f->facts, &f->n_facts, &err) != PV_OK) {
        f->facts = NULL;
        f->n_facts = 0;
        pv_ui_error(ui, &err);
    }
    f->fact_keys = pv_fact_keys(&f->n_fact_keys);
    build_rows(ui, f);
    return PV_OK;
}

/* ---- drawing ------------------------------------------------------------- */

static pv_row *prow(const pane *p, size_t i)
{
    return &p->f->rows.v[p->idx[i]];
}

static bool row_selectable(void *user, size_t i)
{
    const pane *p = user;
    int k = prow(p, i)->kind;
    return k != R_HEAD && k != R_LINE;
}

static void draw_mark(pv_ui *ui, int y, int x, const pv_row *r, bool selected)
{
    static const struct { const char *glyph; pv_style st; } marks[] = {
        [M_NONE] = {"", PV_ST_TEXT},     [M_OK] = {"✓", PV_ST_OK},
        [M_NO] = {"✗", PV_ST_ERROR},     [M_ENROLLED] = {"●", PV_ST_LABEL},
        [M_FACT_SET] = {"✓", PV_ST_OK},  [M_FACT_UNSET] = {"·", PV_ST_DIM},
    };
    pv_draw_text(&ui->draw, y, x, 2, marks[r->mark].glyph, 0,
                 selected ? PV_ST_SELECTED : marks[r->mark].st);
}

/* A member: relation, name, age and national ID; ▸ marks this file's person. */
static void draw_member(pv_ui *ui, file *f, const pv_row *r, int y, int x, int w, bool selected)
{
    const pv_person *m = &f->v->members[r->idx];
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    bool self = strcmp(m->national_id, f->natid) == 0;
    pv_draw_text(&ui->draw, y, x + 1, 1, self ? "▸" : "", 0, st);
    int rel_w = 10, id_w = 10, age_w = 4;
    int name_w = w - 3 - rel_w - age_w - id_w - 3;
    char age[16] = "";
    int a = age_of(f, m);
    if (a >= 0)
        snprintf(age, sizeof age, "%d", a);
    pv_draw_text(&ui->draw, y, x + 3, rel_w, r->label, 0, selected ? st : PV_ST_LABEL);
    pv_draw_text(&ui->draw, y, x + 4 + rel_w, name_w, r->value, PV_T_DATA, st);
    pv_draw_text(&ui->draw, y, x + 5 + rel_w + name_w, age_w, age, PV_T_END, st);
    pv_draw_text(&ui->draw, y, x + 6 + rel_w + name_w + age_w, id_w, m->national_id,
                 PV_T_DATA | PV_T_LTR, st);
}

static void file_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    pane *p = user;
    file *f = p->f;
    const pv_row *r = prow(p, i);
    selected = selected && p == &f->panes[f->focus]; /* one selection on screen */
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    int x = pv_list_x(&p->list), w = pv_list_w(&p->list, ui);
    int label_w = w >= 100 ? 24 : w >= 60 ? 22 : 14;
    pv_draw_fill(&ui->draw, y, x, w, st);
    switch (r->kind) {
    case R_HEAD:
        pv_draw_text(&ui->draw, y, x + 1, w - 2, r->label, 0, PV_ST_HEADING);
        break;
    case R_WHO: {
        char *iso = pv_bidi_isolate(f->natid);
        char name[PV_LABEL_SZ * 3], line[PV_LABEL_SZ * 3 + 64];
        pv_text_sanitize(r->value, false, name, sizeof name);
        snprintf(line, sizeof line, "%s   %s", name, iso ? iso : f->natid);
        free(iso);
        pv_draw_text(&ui->draw, y, x + 1, w - 2, line, PV_T_UI,
                     selected ? st : PV_ST_LABEL);
        break;
    }
    case R_LINE:
    case R_NOTICE:
        pv_draw_text(&ui->draw, y, x + 1, w - 2, r->value, r->flags, st);
        break;
    case R_FIELD:
        pv_rows_draw_pair(ui, y, x + 3, w - 4, label_w, r, selected);
        break;
    case R_CASE:
        pv_rows_draw_pair(ui, y, x + 1, w - 2, 10, r, selected);
        break;
    case R_MEMBER:
        draw_member(ui, f, r, y, x, w, selected);
        break;
    case R_ENROLL: {
        int tw = (w - 4) * 2 / 5;
        pv_draw_text(&ui->draw, y, x + 3, tw, r->label, PV_T_DATA, st);
        pv_draw_text(&ui->draw, y, x + 4 + tw, w - tw - 5, r->value, PV_T_DATA, st);
        break;
    }
    case R_FACT:
        draw_mark(ui, y, x + 3, r, selected);
        pv_draw_text(&ui->draw, y, x + 6, w - 7, r->label, 0, st);
        break;
    case R_ELIG:
    case R_WHY_HEAD: {
        int cw = (int)strlen(r->label) > 6 ? 12 : 6;
        draw_mark(ui, y, x + 1, r, selected);
        pv_draw_text(&ui->draw, y, x + 3, cw, r->label, PV_T_DATA | PV_T_LTR, st);
        pv_draw_text(&ui->draw, y, x + 4 + cw, w - cw - 5, r->value, r->flags | PV_T_DATA,
                     r->kind == R_WHY_HEAD && !selected ? PV_ST_LABEL : st);
        break;
    }
    case R_REASON:
        pv_draw_text(&ui->draw, y, x + 6, w - 7, r->value, r->flags, st);
        break;
    case R_WHY_TITLE: { /* under the title's first line */
        int cw = f->elig && strlen(f->elig[r->idx].code) > 6 ? 12 : 6;
        pv_draw_text(&ui->draw, y, x + 4 + cw, w - cw - 5, r->value, r->flags,
                     selected ? st : PV_ST_LABEL);
        break;
    }
    case R_TEXT:
        pv_draw_text(&ui->draw, y, x + 3, w - 4, r->value, r->flags, st);
        break;
    case R_NOTE:
        pv_draw_text(&ui->draw, y, x + 3, w - 4, r->value, 0, selected ? st : PV_ST_DIM);
        break;
    }
}

/* ---- the screen ---------------------------------------------------------- */

static void *file_open(pv_ui *ui, const void *arg)
{
    file *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    snprintf(f->natid, sizeof f->natid, "%s", (const char *)arg);
    for (int p = 0; p < 2; p++) {
        f->panes[p].f = f;
        f->panes[p].list.draw_row = file_row;
        f->panes[p].list.selectable = row_selectable;
        f->panes[p].list.user = &f->panes[p];
    }
    if (load(ui, f) != PV_OK) {
        unload(f);
        pv_rows_free(&f->rows);
        free(f);
        return NULL;
    }
    return f;
}

static void file_close(pv_ui *ui, void *st)
{
    (void)ui;
    file *f = st;
    unload(f);
    pv_rows_free(&f->rows);
    for (int p = 0; p < 2; p++)
        free(f->panes[p].idx);
    free(f);
}

static void file_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    file *f = st;
    char *iso = pv_bidi_isolate(f->natid);
    char name[2 * PV_NAME_SZ * 3 + 8] = "";
    if (f->v) {
        char raw[2 * PV_NAME_SZ + 2];
        snprintf(raw, sizeof raw, "%s %s", f->v->person.first_name, f->v->person.last_name);
        pv_text_sanitize(raw, false, name, sizeof name);
    }
    snprintf(out, size, "%s — %s %s", _("File"), name, iso ? iso : f->natid);
    free(iso);
}

static void keep_selection(file *f, const size_t sel[2], const size_t top[2])
{
    for (int p = 0; p < 2; p++) {
        f->panes[p].list.sel = sel[p];
        f->panes[p].list.top = top[p];
        pv_list_set_count(&f->panes[p].list, f->panes[p].n);
    }
}

static void file_draw(pv_ui *ui, void *st, int top, int rows)
{
    file *f = st;
    if (f->built_cols != ui->draw.cols) {
        size_t sel[2] = {f->panes[0].list.sel, f->panes[1].list.sel}, tp[2] = {0, 0};
        build_rows(ui, f);
        keep_selection(f, sel, tp);
    }
    place_panes(ui, f);
    for (int p = 0; p < f->n_panes; p++)
        pv_list_draw(ui, &f->panes[p].list, top, rows, NULL);
    if (f->n_panes == 2) /* the line between the panes */
        for (int r = 0; r < rows; r++)
            pv_draw_text(&ui->draw, top + r, f->panes[0].list.w, 1, "│", 0, PV_ST_DIM);
}

static unsigned reload_keep(pv_ui *ui, file *f)
{
    size_t sel[2] = {f->panes[0].list.sel, f->panes[1].list.sel};
    size_t top[2] = {f->panes[0].list.top, f->panes[1].list.top};
    if (load(ui, f) != PV_OK)
        return PV_CH_DRAW;
    keep_selection(f, sel, top);
    return PV_CH_DRAW;
}

static pane *cur_pane(file *f)
{
    return &f->panes[f->focus];
}

static const pv_row *selected_row(file *f)
{
    pane *p = cur_pane(f);
    return pv_list_has_sel(&p->list) ? prow(p, p->list.sel) : NULL;
}

/* Selects the first row of `kind` about service `svc` (any service when
 * svc is -1), its section's heading on top when it fits. */
static bool select_row(file *f, int kind, long svc, bool top)
{
    for (int p = 0; p < f->n_panes; p++)
        for (size_t i = 0; i < f->panes[p].n; i++) {
            const pv_row *r = prow(&f->panes[p], i);
            if (r->kind != kind || (svc >= 0 && r->idx != (size_t)svc))
                continue;
            f->focus = p;
            f->panes[p].list.sel = i;
            if (top)
                f->panes[p].list.top = i > 0 ? i - 1 : 0;
            return true;
        }
    return false;
}

static unsigned toggle_fact(pv_ui *ui, file *f, const pv_row *r)
{
    const char *key = f->fact_keys[r->idx].key;
    bool set = r->mark == M_FACT_SET;
    pv_error err = PV_ERROR_INIT;
    if (pv_fact_set(ui->ctx, f->natid, key, set ? NULL : "", &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return PV_CH_DRAW;
    }
    const char *label = _(f->fact_keys[r->idx].label);
    unsigned ch = reload_keep(ui, f);
    pv_ui_status(ui, PV_MSG_OK, "%s: %s", label, set ? _("cleared") : _("recorded"));
    return ch;
}

/* ---- enrolling: a box asks, F2 does it ---------------------------------- */

static pv_status do_enroll(pv_ui *ui, void *user, const char *justification)
{
    file *f = user;
    const pv_eligibility *e = &f->elig[f->dialog_svc];
    pv_enroll_request req = PV_ENROLL_REQUEST_INIT;
    req.national_id = f->natid;
    req.code = e->code;
    if (justification && justification[0])
        req.justification = justification;
    pv_id id = 0;
    pv_error err = PV_ERROR_INIT;
    pv_eligibility *why = NULL;
    pv_status s = pv_enroll(ui->ctx, &req, &id, &why, &err);
    pv_eligibility_free(why);
    if (s != PV_OK) {
        pv_ui_error(ui, &err);
        return s;
    }
    char title[PV_LABEL_SZ];
    snprintf(title, sizeof title, "%s", e->title);
    reload_keep(ui, f);
    const char *state = "";
    for (size_t i = 0; i < f->n_enr; i++)
        if (f->enr[i].id == id)
            state = f->enr[i].status == PV_ENR_REQUESTED
                        ? _("requested; it waits for a supervisor's approval")
                        : pv_enroll_status_label(f->enr[i].status);
    pv_ui_status(ui, PV_MSG_OK, _("Done: enrolled (%s) in «%s»."), state, title);
    return PV_OK;
}

static unsigned ask_enroll(pv_ui *ui, file *f, size_t i)
{
    const pv_eligibility *e = &f->elig[i];
    f->dialog_svc = i;
    if (f->elig_enr[i] >= 0) {
        pv_ui_status(ui, PV_MSG_INFO, _("Already enrolled in «%s» this period; Enter opens it."),
                     e->title);
        return PV_CH_DRAW;
    }
    if (!e->eligible && !pv_authz_role_may(ui->ctx, PV_ACT_ENROLL_OVERRIDE)) {
        select_row(f, R_WHY_HEAD, (long)i, true);
        pv_ui_status(ui, PV_MSG_ERROR, _("Not eligible (the reasons are shown); a supervisor "
                                         "may override: «%s»."), e->title);
        return PV_CH_DRAW;
    }
    char raw[2 * PV_NAME_SZ + 2];
    snprintf(raw, sizeof raw, "%s %s", f->v->person.first_name, f->v->person.last_name);
    char *name = pv_dialog_quote(raw), *title = pv_dialog_quote(e->title);
    char *fails = e->eligible ? NULL : pv_eligibility_failures(e);
    char *why = fails ? pv_dialog_quote(fails) : NULL;
    free(fails);
    size_t size = 4 * PV_LABEL_SZ + (why ? strlen(why) : 0) + 512;
    char *body = malloc(size);
    unsigned ch = PV_CH_DRAW;
    if (name && title && body && e->eligible) {
        pv_service_info info;
        pv_error err = PV_ERROR_INIT;
        bool approval = pv_service_get(ui->ctx, e->code, &info, &err) == PV_OK && info.approval;
        pv_error_clear(&err);
        snprintf(body, size, _("Enroll %s in «%s»?%s"), name, title,
                 approval ? _(" The enrollment will wait for a supervisor's approval.") : "");
        ch = pv_dialog_open(ui, &(pv_dialog_request){
                                    .title = _("Enroll"), .body = body,
                                    .ok_label = N_("Enroll"), .on_ok = do_enroll, .user = f});
    } else if (name && title && body && why) {
        snprintf(body, size, _("%s is not eligible for «%s»: %s. Enroll anyway, as a "
                               "supervisor's override? It is recorded with your justification."),
                 name, title, why);
        ch = pv_dialog_open(ui, &(pv_dialog_request){
                                    .title = _("Override"), .body = body,
                                    .field_label = N_("Justification"), .field_required = true,
                                    .ok_label = N_("Override and enroll"), .on_ok = do_enroll,
                                    .user = f});
    }
    free(name);
    free(title);
    free(why);
    free(body);
    return ch;
}

/* F7 away from the services: the first one the person is eligible for. */
static unsigned enroll_first(pv_ui *ui, file *f)
{
    for (size_t i = 0; i < f->n_elig; i++)
        if (f->elig[i].eligible && f->elig_enr[i] < 0) {
            select_row(f, R_ELIG, (long)i, false);
            return ask_enroll(ui, f, i);
        }
    if (f->n_elig == 0) {
        pv_ui_status(ui, PV_MSG_ERROR, "%s", _("The catalog has no service."));
        return PV_CH_DRAW;
    }
    select_row(f, R_ELIG, -1, false);
    pv_ui_status(ui, PV_MSG_INFO, "%s",
                 _("Eligible for no service that is not already given; choose one to override."));
    return PV_CH_DRAW;
}

/* ---- keys ---------------------------------------------------------------- */

/* Tab / Shift-Tab: the first row of the next / previous section (through
 * both panes), its heading on top. */
static unsigned jump_section(file *f, int dir)
{
    const pv_row *cur = selected_row(f);
    int s = cur ? cur->section : 0;
    for (int step = 1; step < S__COUNT; step++) {
        int want = ((s + dir * step) % S__COUNT + S__COUNT) % S__COUNT;
        for (int p = 0; p < f->n_panes; p++)
            for (size_t i = 0; i < f->panes[p].n; i++) {
                const pv_row *r = prow(&f->panes[p], i);
                if (r->section != want || !row_selectable(&f->panes[p], i))
                    continue;
                f->focus = p;
                f->panes[p].list.sel = i;
                size_t h = i;
                while (h > 0 && prow(&f->panes[p], h - 1)->section == want)
                    h--;
                f->panes[p].list.top = h;
                return PV_CH_DRAW;
            }
    }
    return PV_CH_NONE;
}

static unsigned enter_row(pv_ui *ui, file *f)
{
    const pv_row *r = selected_row(f);
    if (!r)
        return PV_CH_NONE;
    switch (r->kind) {
    case R_FIELD:
        return pv_ui_push(ui, &pv_screen_form,
                          &(pv_form_request){PV_FORM_EDIT_PERSON, f->natid, r->field});
    case R_CASE:
        return pv_ui_push(ui, &pv_screen_form,
                          &(pv_form_request){PV_FORM_CASEFILE, f->natid, NULL});
    case R_MEMBER: {
        const char *id = f->v->members[r->idx].national_id;
        if (strcmp(id, f->natid) == 0)
            return PV_CH_NONE;
        return pv_ui_push(ui, &pv_screen_file, id);
    }
    case R_ENROLL:
        return pv_ui_push(ui, &pv_screen_enrollment, &f->enr[r->idx].id);
    case R_FACT:
        return toggle_fact(ui, f, r);
    case R_ELIG:
        if (f->elig_enr[r->idx] >= 0)
            return pv_ui_push(ui, &pv_screen_enrollment, &f->enr[f->elig_enr[r->idx]].id);
        if (!f->elig[r->idx].eligible) {
            select_row(f, R_WHY_HEAD, (long)r->idx, true);
            return PV_CH_DRAW;
        }
        return ask_enroll(ui, f, r->idx);
    case R_WHY_HEAD:
    case R_WHY_TITLE:
    case R_REASON:
        return ask_enroll(ui, f, r->idx);
    default:
        return PV_CH_NONE;
    }
}

/* Left / Right: the pane on that side of the screen (mirrored in Persian). */
static unsigned switch_pane(pv_ui *ui, file *f, bool left)
{
    if (f->n_panes < 2)
        return PV_CH_NONE;
    int want = (left == ui->draw.rtl) ? 1 : 0;
    if (f->focus == want)
        return PV_CH_NONE;
    f->focus = want;
    pv_list_set_count(&f->panes[want].list, f->panes[want].n);
    return PV_CH_DRAW;
}

static unsigned file_action(pv_ui *ui, void *st, int action)
{
    file *f = st;
    switch (action) {
    case A_ENTER:
        return enter_row(ui, f);
    case A_EDIT:
        return pv_ui_push(ui, &pv_screen_form,
                          &(pv_form_request){PV_FORM_EDIT_PERSON, f->natid, NULL});
    case A_MEMBER:
        return pv_ui_push(ui, &pv_screen_form,
                          &(pv_form_request){PV_FORM_NEW_MEMBER, f->natid, NULL});
    case A_ASSESS:
        return pv_ui_push(ui, &pv_screen_form,
                          &(pv_form_request){PV_FORM_ASSESSMENT, f->natid, NULL});
    case A_CASEFILE:
        return pv_ui_push(ui, &pv_screen_form,
                          &(pv_form_request){PV_FORM_CASEFILE, f->natid, NULL});
    case A_REFER:
        return pv_ui_push(ui, &pv_screen_referral_form,
                          &(pv_ref_form_request){PV_REF_FORM_NEW, f->natid, 0});
    case A_NEXT_SEC:
    case A_PREV_SEC:
        return jump_section(f, action == A_NEXT_SEC ? 1 : -1);
    case A_PANE_LEFT:
    case A_PANE_RIGHT:
        return switch_pane(ui, f, action == A_PANE_LEFT);
    case A_ENROLL: {
        const pv_row *r = selected_row(f);
        if (r && (r->kind == R_ELIG || r->kind == R_WHY_HEAD || r->kind == R_WHY_TITLE ||
                  r->kind == R_REASON))
            return ask_enroll(ui, f, r->idx);
        return enroll_first(ui, f);
    }
    default: {
        unsigned ch = pv_list_action(&cur_pane(f)->list, action);
        return ch != PV_CH_NONE || action >= PV_A_UP ? ch : PV_CH_PASS;
    }
    }
}

static unsigned file_reload(pv_ui *ui, void *st)
{
    return reload_keep(ui, st);
}

const pv_screen pv_screen_file = {
    .name = "file",
    .keys = file_keys,
    .open = file_open,
    .close = file_close,
    .title = file_title,
    .draw = file_draw,
    .action = file_action,
    .input = NULL,
    .reload = file_reload,
};
