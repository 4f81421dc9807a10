/* parvande — one beneficiary's file on one screen: the person, the household
 * with each member's relation, the case file with its dated assessments,
 * the enrollments with their current step, the recorded facts, and the
 * eligibility panel (every service with ✓ / ✗ and the reasons).
 *
 * The screen is one list of rows (the list widget): the core's results are
 * turned into rows when the file is loaded; Enter acts on the row. */
#include <stdlib.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/records.h"
#include "parvande/services.h"
#include "parvande/text.h"
#include "widget.h"

enum {
    A_ENTER = PV_A_SCREEN, A_EDIT, A_MEMBER, A_ASSESS, A_ENROLL, A_CASEFILE, A_NEXT_SEC,
    A_PREV_SEC,
};

static const pv_binding file_own[] = {
    {'\r', A_ENTER, NULL, N_("Act on the selected row: edit a field, open a member's file or an "
                            "enrollment, enroll in a service, record a fact")},
    {PV_KEY(KEY_ENTER), A_ENTER, NULL, NULL},
    {PV_KEY(KEY_F(4)), A_EDIT, N_("Edit"), N_("Edit the person's details")},
    {PV_KEY(KEY_F(5)), A_MEMBER, N_("Member"), N_("Add a member to the household")},
    {PV_KEY(KEY_F(6)), A_ASSESS, N_("Assess"), N_("Write an assessment on the case file")},
    {PV_KEY(KEY_F(7)), A_ENROLL, N_("Enroll"), N_("Enroll in the selected service (press twice); elsewhere, go to the first service the person is eligible for")},
    {PV_KEY(KEY_F(8)), A_CASEFILE, N_("Case"), N_("Edit the case file: covered, status, caseworker")},
    {'\t', A_NEXT_SEC, NULL, N_("Next section: household, case file, enrollments, eligibility...")},
    {PV_KEY(KEY_BTAB), A_PREV_SEC, NULL, N_("Previous section")},
    {0, 0, NULL, NULL},
};
static pv_keymap file_keys = {file_own, pv_keys_list, NULL};

typedef enum row_kind {
    R_HEAD, R_FIELD, R_CASE, R_MEMBER, R_TEXT, R_ENROLL, R_FACT, R_ELIG, R_REASON, R_NOTE
} row_kind;

typedef struct row {
    row_kind kind;
    size_t idx;        /* into members / enrollments / facts / eligibility */
    const char *field; /* R_FIELD: the person field's machine name */
    char *label;       /* owned, translated (may be NULL) */
    char *value;       /* owned (may be NULL) */
    unsigned flags;    /* PV_T_* of the value */
    bool mark, ok;     /* R_FACT, R_ELIG: draw ✓ (ok) or ✗ / blank */
} row;

typedef struct file {
    char natid[PV_NATID_SZ];
    pv_file_view *v;
    pv_enrollment *enr;
    size_t n_enr;
    pv_eligibility *elig;
    size_t n_elig;
    pv_fact *facts;
    size_t n_facts;
    const pv_fact_key *fact_keys;
    size_t n_fact_keys;
    row *rows;
    size_t n_rows, cap_rows;
    int built_cols;   /* rows are wrapped for this width */
    pv_list list;
    long pending_enroll; /* eligibility row index asked once, -1 none */
} file;

/* ---- rows ---------------------------------------------------------------- */

static void rows_free(file *f)
{
    for (size_t i = 0; i < f->n_rows; i++) {
        free(f->rows[i].label);
        free(f->rows[i].value);
    }
    f->n_rows = 0;
}

static row *add_row(file *f, row_kind kind, const char *label, const char *value)
{
    if (f->n_rows == f->cap_rows) {
        size_t cap = f->cap_rows ? f->cap_rows * 2 : 64;
        row *grown = realloc(f->rows, cap * sizeof *grown);
        if (!grown)
            return NULL;
        f->rows = grown;
        f->cap_rows = cap;
    }
    row *r = &f->rows[f->n_rows++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->label = label ? strdup(label) : NULL;
    r->value = value ? strdup(value) : NULL;
    return r;
}

/* Adds `text` wrapped to `width` as R_TEXT rows (each line its own row). */
static void add_wrapped(file *f, const char *text, int width)
{
    pv_layout *l = pv_layout_text(text, PV_DIR_AUTO, width);
    if (!l)
        return;
    for (size_t i = 0; i < l->n_lines; i++) {
        size_t a = pv_edit_byte_at(text, l->lines[i].start);
        size_t b = pv_edit_byte_at(text, l->lines[i].end);
        char *line = strndup(text + a, b - a);
        if (!line)
            break;
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '))
            line[--n] = '\0';
        row *r = add_row(f, R_TEXT, NULL, line);
        if (r) /* each line keeps the paragraph's direction */
            r->flags = PV_T_DATA | (l->rtl ? PV_T_RTL : PV_T_LTR);
        free(line);
    }
    pv_layout_free(l);
}

static void build_person(file *f)
{
    size_t n;
    const pv_field_info *fi = pv_person_fields(&n);
    add_row(f, R_HEAD, _("Person"), NULL);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(fi[i].name, "relation") == 0 && f->v->household_id == 0)
            continue;
        char value[PV_ADDR_SZ];
        pv_person_get_field(&f->v->person, fi[i].name, value, sizeof value);
        row *r = add_row(f, R_FIELD, _(fi[i].label), value);
        if (r) {
            r->field = fi[i].name;
            r->flags = PV_T_DATA | (fi[i].ltr ? PV_T_LTR : 0);
        }
    }
}

static void build_household(file *f)
{
    add_row(f, R_HEAD, _("Household"), NULL);
    if (f->v->n_members == 0)
        add_row(f, R_NOTE, NULL, _("Not in a household."));
    for (size_t i = 0; i < f->v->n_members; i++) {
        const pv_person *m = &f->v->members[i];
        char rel[128], name[2 * PV_NAME_SZ + 2];
        pv_person_get_field(m, "relation", rel, sizeof rel);
        snprintf(name, sizeof name, "%s %s", m->first_name, m->last_name);
        row *r = add_row(f, R_MEMBER, rel, name);
        if (r) {
            r->idx = i;
            r->flags = PV_T_DATA;
        }
    }
}

static void build_casefile(file *f, int width)
{
    add_row(f, R_HEAD, _("Case file"), NULL);
    if (!f->v->has_file) {
        add_row(f, R_NOTE, NULL, _("No case file."));
        return;
    }
    const pv_casefile *c = &f->v->file;
    char date[16];
    add_row(f, R_CASE, _("File status"),
            c->status == PV_FILE_ACTIVE ? _("active") : _("closed"));
    add_row(f, R_CASE, _("Covered"), c->covered ? _("yes") : _("no"));
    row *r = add_row(f, R_CASE, _("Caseworker"), c->caseworker[0] ? c->caseworker : "—");
    if (r)
        r->flags = PV_T_DATA;
    pv_draw_date(c->opened_on, date, sizeof date);
    r = add_row(f, R_CASE, _("Opened on"), date);
    if (r)
        r->flags = PV_T_LTR;
    add_row(f, R_HEAD, _("Assessments"), NULL);
    if (f->v->n_assessments == 0)
        add_row(f, R_NOTE, NULL, _("No assessment yet."));
    for (size_t i = 0; i < f->v->n_assessments; i++) {
        const pv_assessment *a = &f->v->assessments[i];
        char head[128];
        pv_draw_date(a->date, date, sizeof date);
        snprintf(head, sizeof head, "%s  %s", date, a->author);
        r = add_row(f, R_TEXT, NULL, head);
        if (r)
            r->flags = PV_T_DATA | PV_T_LTR;
        add_wrapped(f, a->text ? a->text : "", width);
    }
}

static void build_enrollments(file *f)
{
    add_row(f, R_HEAD, _("Enrollments"), NULL);
    if (f->n_enr == 0)
        add_row(f, R_NOTE, NULL, _("No enrollment."));
    for (size_t i = 0; i < f->n_enr; i++) {
        const pv_enrollment *e = &f->enr[i];
        char state[PV_LABEL_SZ + 128];
        if (e->status == PV_ENR_IN_PROGRESS)
            snprintf(state, sizeof state, _("%s, step %d of %d: %s"),
                     pv_enroll_status_label(e->status), e->step, e->n_steps, e->step_title);
        else
            snprintf(state, sizeof state, "%s", pv_enroll_status_label(e->status));
        row *r = add_row(f, R_ENROLL, e->service_title, state);
        if (r)
            r->idx = i;
    }
    /* what the records say of the person: her group, its steps, dated events, inquiries */
    for (size_t i = 0; i < f->n_facts; i++) {
        char line[PV_LABEL_SZ];
        row *r;
        if (pv_groups_fact_line(&f->facts[i], line, sizeof line)
            && (r = add_row(f, R_TEXT, NULL, line)))
            r->flags = PV_T_DATA;
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
    add_row(f, R_HEAD, _("Recorded facts (Enter records or clears)"), NULL);
    for (size_t i = 0; i < f->n_fact_keys; i++) {
        row *r = add_row(f, R_FACT, _(f->fact_keys[i].label), NULL);
        if (r) {
            r->idx = i;
            r->ok = fact_recorded(f, f->fact_keys[i].key);
            r->mark = true;
        }
    }
}

static void build_eligibility(file *f)
{
    add_row(f, R_HEAD, _("Eligibility (Enter or F7 enrolls)"), NULL);
    for (size_t i = 0; i < f->n_elig; i++) {
        const pv_eligibility *e = &f->elig[i];
        row *r = add_row(f, R_ELIG, e->code, e->title);
        if (!r)
            continue;
        r->idx = i;
        r->mark = true;
        r->ok = e->eligible;
        for (size_t c = 0; c < e->n_criteria; c++) {
            if (e->criteria[c].passed)
                continue;
            char why[2 * PV_LABEL_SZ + 4];
            snprintf(why, sizeof why, "%s: %s", e->criteria[c].label, e->criteria[c].reason);
            row *w = add_row(f, R_REASON, NULL, why);
            if (w)
                w->idx = i;
        }
    }
}

static void build_rows(pv_ui *ui, file *f)
{
    rows_free(f);
    f->built_cols = ui->draw.cols;
    build_person(f);
    build_household(f);
    build_casefile(f, ui->draw.cols - 6);
    build_enrollments(f);
    build_eligibility(f);
    build_facts(f);
    pv_list_set_count(&f->list, f->n_rows);
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
    if (pv_file_load(ui->ctx, f->natid, &f->v, &err) != PV_OK) {
        pv_ui_error(ui, &err);
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

static bool row_selectable(void *user, size_t i)
{
    const file *f = user;
    return f->rows[i].kind != R_HEAD;
}

static void draw_mark(pv_ui *ui, int y, int x, const row *r, pv_style st)
{
    if (r->kind == R_FACT)
        pv_draw_text(&ui->draw, y, x, 2, r->ok ? "✓" : "·", 0,
                     st == PV_ST_SELECTED ? st : r->ok ? PV_ST_OK : PV_ST_DIM);
    else
        pv_draw_text(&ui->draw, y, x, 2, r->ok ? "✓" : "✗", 0,
                     st == PV_ST_SELECTED ? st : r->ok ? PV_ST_OK : PV_ST_ERROR);
}

static void file_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    file *f = user;
    const row *r = &f->rows[i];
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    int cols = ui->draw.cols, label_w = cols >= 100 ? 26 : 22;
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    switch (r->kind) {
    case R_HEAD:
        pv_draw_text(&ui->draw, y, 1, cols - 2, r->label, 0, PV_ST_HEADING);
        break;
    case R_FIELD:
    case R_CASE:
    case R_MEMBER:
        pv_draw_text(&ui->draw, y, 3, label_w, r->label, 0, selected ? st : PV_ST_LABEL);
        pv_draw_text(&ui->draw, y, 4 + label_w, cols - label_w - 5, r->value, r->flags, st);
        break;
    case R_ENROLL:
        pv_draw_text(&ui->draw, y, 3, cols / 2 - 3, r->label, PV_T_DATA, st);
        pv_draw_text(&ui->draw, y, cols / 2 + 1, cols / 2 - 2, r->value, PV_T_DATA, st);
        break;
    case R_FACT:
        draw_mark(ui, y, 3, r, st);
        pv_draw_text(&ui->draw, y, 6, cols - 7, r->label, 0, st);
        break;
    case R_ELIG:
        draw_mark(ui, y, 3, r, st);
        pv_draw_text(&ui->draw, y, 6, 12, r->label, PV_T_DATA | PV_T_LTR, st);
        pv_draw_text(&ui->draw, y, 19, cols - 20, r->value, PV_T_DATA, st);
        break;
    case R_REASON:
        pv_draw_text(&ui->draw, y, 8, cols - 9, r->value, PV_T_DATA,
                     selected ? st : PV_ST_DIM);
        break;
    case R_TEXT:
        pv_draw_text(&ui->draw, y, 3, cols - 4, r->value, r->flags, st);
        break;
    case R_NOTE:
        pv_draw_text(&ui->draw, y, 3, cols - 4, r->value, 0, selected ? st : PV_ST_DIM);
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
    f->list.draw_row = file_row;
    f->list.selectable = row_selectable;
    f->list.user = f;
    f->pending_enroll = -1;
    if (load(ui, f) != PV_OK) {
        unload(f);
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
    rows_free(f);
    free(f->rows);
    free(f);
}

static void file_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    file *f = st;
    char *iso = pv_bidi_isolate(f->natid);
    char *name = NULL;
    if (f->v) {
        size_t n = strlen(f->v->person.first_name) + strlen(f->v->person.last_name) + 2;
        char *raw = malloc(n);
        if (raw) {
            snprintf(raw, n, "%s %s", f->v->person.first_name, f->v->person.last_name);
            size_t cs = n * 3 + 4;
            name = malloc(cs);
            if (name)
                pv_text_sanitize(raw, false, name, cs);
            free(raw);
        }
    }
    snprintf(out, size, "%s — %s %s", _("File"), name ? name : "", iso ? iso : f->natid);
    free(iso);
    free(name);
}

static void file_draw(pv_ui *ui, void *st, int top, int rows)
{
    file *f = st;
    if (f->built_cols != ui->draw.cols) {
        size_t sel = f->list.sel;
        build_rows(ui, f);
        f->list.sel = sel;
        pv_list_set_count(&f->list, f->n_rows);
    }
    pv_list_draw(ui, &f->list, top, rows, NULL);
}

static unsigned reload_keep(pv_ui *ui, file *f)
{
    size_t sel = f->list.sel, top = f->list.top;
    if (load(ui, f) != PV_OK)
        return PV_CH_DRAW;
    f->list.sel = sel;
    f->list.top = top;
    pv_list_set_count(&f->list, f->n_rows);
    return PV_CH_DRAW;
}

static unsigned toggle_fact(pv_ui *ui, file *f, const row *r)
{
    const char *key = f->fact_keys[r->idx].key;
    pv_error err = PV_ERROR_INIT;
    if (pv_fact_set(ui->ctx, f->natid, key, r->ok ? NULL : "", &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return PV_CH_DRAW;
    }
    pv_ui_status(ui, PV_MSG_OK, "%s: %s", _(f->fact_keys[r->idx].label),
                 r->ok ? _("cleared") : _("recorded"));
    return reload_keep(ui, f);
}

static unsigned enroll(pv_ui *ui, file *f, size_t i)
{
    const pv_eligibility *e = &f->elig[i];
    if (!e->eligible) {
        char *why = pv_eligibility_failures(e);
        pv_ui_status(ui, PV_MSG_ERROR, "%s: %s", _("Not eligible"), why ? why : "");
        free(why);
        return PV_CH_DRAW;
    }
    if (f->pending_enroll != (long)i) {
        f->pending_enroll = (long)i;
        pv_ui_status(ui, PV_MSG_INFO, _("Enroll in «%s»? Press Enter or F7 again to confirm."), e->title);
        return PV_CH_DRAW;
    }
    f->pending_enroll = -1;
    pv_enroll_request req = PV_ENROLL_REQUEST_INIT;
    req.national_id = f->natid;
    req.code = e->code;
    pv_id id = 0;
    pv_error err = PV_ERROR_INIT;
    pv_eligibility *why = NULL;
    pv_status s = pv_enroll(ui->ctx, &req, &id, &why, &err);
    pv_eligibility_free(why);
    if (s != PV_OK) {
        pv_ui_error(ui, &err);
        return reload_keep(ui, f);
    }
    char title[PV_LABEL_SZ];
    snprintf(title, sizeof title, "%s", e->title);
    unsigned ch = reload_keep(ui, f);
    pv_ui_status(ui, PV_MSG_OK, _("Enrolled in «%s»."), title);
    return ch;
}

/* Tab / Shift-Tab: the first row of the next / previous section, its
 * heading on top. */
static unsigned jump_section(file *f, int dir)
{
    if (f->n_rows == 0)
        return PV_CH_NONE;
    size_t cur = f->list.sel; /* the heading of the selection's section */
    while (cur > 0 && f->rows[cur].kind != R_HEAD)
        cur--;
    size_t h = cur;
    if (dir > 0) {
        do
            h++;
        while (h < f->n_rows && f->rows[h].kind != R_HEAD);
    } else {
        if (h == 0)
            return PV_CH_NONE;
        do
            h--;
        while (h > 0 && f->rows[h].kind != R_HEAD);
    }
    if (h >= f->n_rows || h + 1 >= f->n_rows || f->rows[h].kind != R_HEAD)
        return PV_CH_NONE;
    f->list.top = h;
    f->list.sel = h + 1;
    pv_list_set_count(&f->list, f->n_rows);
    return PV_CH_DRAW;
}

/* F7 away from the eligibility panel: select its first service the person
 * is eligible for (else its first service) and ask to confirm. */
static unsigned jump_to_services(pv_ui *ui, file *f)
{
    long first = -1;
    for (size_t i = 0; i < f->n_rows; i++) {
        if (f->rows[i].kind != R_ELIG)
            continue;
        if (first < 0)
            first = (long)i;
        if (f->rows[i].ok) {
            first = (long)i;
            break;
        }
    }
    if (first < 0) {
        pv_ui_status(ui, PV_MSG_ERROR, "%s", _("The catalog has no service."));
        return PV_CH_DRAW;
    }
    f->list.sel = (size_t)first;
    return enroll(ui, f, f->rows[first].idx);
}

static unsigned enter_row(pv_ui *ui, file *f)
{
    if (!pv_list_has_sel(&f->list))
        return PV_CH_NONE;
    const row *r = &f->rows[f->list.sel];
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
    case R_REASON:
        f->pending_enroll = f->pending_enroll == (long)r->idx ? f->pending_enroll : -1;
        return enroll(ui, f, r->idx);
    default:
        return PV_CH_NONE;
    }
}

static unsigned file_action(pv_ui *ui, void *st, int action)
{
    file *f = st;
    if (action != A_ENROLL && action != A_ENTER)
        f->pending_enroll = -1;
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
    case A_NEXT_SEC:
    case A_PREV_SEC:
        return jump_section(f, action == A_NEXT_SEC ? 1 : -1);
    case A_ENROLL:
        if (pv_list_has_sel(&f->list) &&
            (f->rows[f->list.sel].kind == R_ELIG || f->rows[f->list.sel].kind == R_REASON))
            return enroll(ui, f, f->rows[f->list.sel].idx);
        return jump_to_services(ui, f);
    default: {
        unsigned ch = pv_list_action(&f->list, action);
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
