/* parvande — the form screen: a new household (its head), a new member, any
 * field of a person, an assessment, the case file. Every field is checked by
 * the core when it is left (pv_person_set_field and friends) and again on
 * Save; Save writes the whole record in one call or nothing. Before a new
 * person is saved, likely duplicates are shown field by field beside the
 * new entry. */
#include <stdlib.h>
#include <string.h>

#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/merge.h"
#include "parvande/records.h"
#include "parvande/text.h"
#include "widget.h"

enum { A_SAVE = PV_A_SCREEN, A_CANCEL };

static const pv_binding form_own[] = {
    {PV_KEY(KEY_F(2)), A_SAVE, N_("Save"),
     N_("Save (every field is checked; a new person's likely duplicates are shown first)")},
    {PV_KEY_ESC, A_CANCEL, N_("Cancel"), N_("Cancel: leave without saving anything")},
    {PV_KEY(KEY_F(3)), A_CANCEL, NULL, NULL},
    {0, 0, NULL, NULL},
};
static pv_keymap form_keys = {form_own, pv_keys_form, pv_keys_edit, NULL};

typedef struct fscreen {
    pv_form_request req;
    char natid[PV_NATID_SZ];
    pv_form form;
    pv_person person;       /* the person edited, or the new one's defaults */
    pv_id household_id;     /* a new member's household */
    pv_casefile casefile;
    bool has_casefile;
    bool confirm_cancel;    /* Esc once with changes: the next Esc discards */
    pv_person *dups;        /* likely duplicates shown before saving a new person */
    size_t n_dups;
    bool dups_shown;
} fscreen;

static bool is_person_form(const fscreen *s)
{
    return s->req.kind == PV_FORM_NEW_HOUSEHOLD || s->req.kind == PV_FORM_NEW_MEMBER ||
           s->req.kind == PV_FORM_EDIT_PERSON;
}

/* ---- enum fields: Space cycles through the words the core shows --------- */

static int *enum_slot(pv_person *p, const char *field, int *count)
{
    static const struct { const char *name; size_t off; int count; } slots[] = {
        {"gender", offsetof(pv_person, gender), 3},
        {"area", offsetof(pv_person, area), 4},
        {"disability", offsetof(pv_person, disability), 5},
        {"guardianship", offsetof(pv_person, guardianship), 3},
        {"relation", offsetof(pv_person, relation), 6},
    };
    for (size_t i = 0; i < sizeof slots / sizeof *slots; i++)
        if (strcmp(slots[i].name, field) == 0) {
            *count = slots[i].count;
            return (int *)(void *)((char *)p + slots[i].off);
        }
    return NULL;
}

static bool person_cycle(void *user, const char *field, const char *cur, int dir, char *out,
                         size_t size)
{
    (void)user;
    pv_person tmp;
    memset(&tmp, 0, sizeof tmp);
    if (strcmp(field, "judicial_order") == 0) {
        if (*cur)
            pv_person_set_field(&tmp, field, cur, NULL);
        tmp.judicial_order = !tmp.judicial_order;
        pv_person_get_field(&tmp, field, out, size);
        return true;
    }
    int count;
    int *slot = enum_slot(&tmp, field, &count);
    if (!slot)
        return false;
    int v = -1;
    if (*cur && pv_person_set_field(&tmp, field, cur, NULL) == PV_OK)
        v = *slot;
    for (int k = 0; k < count; k++) {
        v = ((v < 0 ? (dir > 0 ? -1 : 0) : v) + dir + count) % count;
        *slot = v;
        pv_person_get_field(&tmp, field, out, size);
        if (out[0])
            return true;
    }
    return false;
}

static pv_status person_validate(void *user, const char *field, const char *text, char *norm,
                                 size_t size, pv_error *err)
{
    fscreen *s = user;
    pv_person tmp = s->person;
    pv_status rc = pv_person_set_field(&tmp, field, text, err);
    if (rc == PV_OK)
        pv_person_get_field(&tmp, field, norm, size);
    return rc;
}

static const pv_form_ops person_ops = {person_validate, person_cycle};

/* ---- case file and assessment fields ------------------------------------- */

static bool casefile_cycle(void *user, const char *field, const char *cur, int dir, char *out,
                           size_t size)
{
    (void)user;
    (void)dir;
    pv_casefile tmp;
    memset(&tmp, 0, sizeof tmp);
    if (*cur)
        pv_casefile_set_field(&tmp, field, cur, NULL);
    if (strcmp(field, "covered") == 0)
        snprintf(out, size, "%s", tmp.covered ? _("no") : _("yes"));
    else if (strcmp(field, "file_status") == 0)
        snprintf(out, size, "%s", tmp.status == PV_FILE_ACTIVE ? _("closed") : _("active"));
    else
        return false;
    return true;
}

static pv_status casefile_validate(void *user, const char *field, const char *text,
                                   char *norm, size_t size, pv_error *err)
{
    fscreen *s = user;
    pv_casefile tmp = s->casefile;
    (void)norm;
    (void)size;
    return pv_casefile_set_field(&tmp, field, text, err);
}

static const pv_form_ops casefile_ops = {casefile_validate, casefile_cycle};

static pv_status assessment_validate(void *user, const char *field, const char *text,
                                     char *norm, size_t size, pv_error *err)
{
    (void)user;
    if (strcmp(field, "date") == 0) {
        char iso[PV_DATE_SZ];
        pv_status rc = pv_date_parse(text, "date", iso, err);
        if (rc == PV_OK)
            pv_draw_date(iso, norm, size);
        return rc;
    }
    return pv_text_normalize(text, PV_TEXT_NOTE, "assessment", norm, size, err);
}

static const pv_form_ops assessment_ops = {assessment_validate, NULL};

/* ---- building the form ----------------------------------------------------- */

static bool is_choice(const char *field)
{
    static const char *const choices[] = {"gender", "area", "disability", "guardianship",
                                          "relation", "judicial_order"};
    for (size_t i = 0; i < sizeof choices / sizeof *choices; i++)
        if (strcmp(choices[i], field) == 0)
            return true;
    return false;
}

static bool build_person_form(pv_ui *ui, fscreen *s)
{
    pv_form_init(&s->form, &person_ops, s);
    size_t n;
    const pv_field_info *fi = pv_person_fields(&n);
    bool is_new = s->req.kind != PV_FORM_EDIT_PERSON;
    for (size_t i = 0; i < n; i++) {
        /* A new household's first person is its head; an unattached person has no relation. */
        if (strcmp(fi[i].name, "relation") == 0 &&
            (s->req.kind == PV_FORM_NEW_HOUSEHOLD ||
             (s->req.kind == PV_FORM_EDIT_PERSON && s->person.household_id == 0)))
            continue;
        char value[PV_ADDR_SZ] = "";
        if (!is_new || strcmp(fi[i].name, "province") == 0 ||
            strcmp(fi[i].name, "county") == 0 || strcmp(fi[i].name, "address") == 0 ||
            strcmp(fi[i].name, "area") == 0)
            pv_person_get_field(&s->person, fi[i].name, value, sizeof value);
        if (is_new && strcmp(fi[i].name, "relation") == 0)
            value[0] = '\0';
        bool req = fi[i].required || (strcmp(fi[i].name, "relation") == 0 && is_new);
        int at = pv_form_add(&s->form, fi[i].name, fi[i].label, req, fi[i].ltr,
                             is_choice(fi[i].name) ? PV_FK_CHOICE : PV_FK_TEXT, value);
        if (at < 0)
            return false;
        if (s->req.field && strcmp(s->req.field, fi[i].name) == 0)
            s->form.focus = (size_t)at;
    }
    (void)ui;
    return true;
}

static bool load_person(pv_ui *ui, fscreen *s)
{
    pv_error err = PV_ERROR_INIT;
    memset(&s->person, 0, sizeof s->person);
    if (s->req.kind == PV_FORM_NEW_HOUSEHOLD)
        return true;
    pv_file_view *v = NULL;
    if (pv_file_load(ui->ctx, s->natid, &v, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return false;
    }
    if (s->req.kind == PV_FORM_EDIT_PERSON) {
        s->person = v->person;
    } else {
        /* A new member: the household's place by default (same address). */
        s->household_id = v->household_id;
        snprintf(s->person.province, sizeof s->person.province, "%s", v->person.province);
        snprintf(s->person.county, sizeof s->person.county, "%s", v->person.county);
        snprintf(s->person.address, sizeof s->person.address, "%s", v->person.address);
        s->person.area = v->person.area;
    }
    s->has_casefile = v->has_file;
    s->casefile = v->file;
    pv_file_view_free(v);
    if (s->req.kind == PV_FORM_NEW_MEMBER && s->household_id == 0) {
        pv_ui_status(ui, PV_MSG_ERROR, "%s", _("This person is not in a household."));
        return false;
    }
    return true;
}

static bool build_other_form(pv_ui *ui, fscreen *s)
{
    pv_error err = PV_ERROR_INIT;
    pv_file_view *v = NULL;
    if (pv_file_load(ui->ctx, s->natid, &v, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return false;
    }
    s->has_casefile = v->has_file;
    s->casefile = v->file;
    pv_file_view_free(v);
    if (!s->has_casefile) {
        pv_ui_status(ui, PV_MSG_ERROR, "%s", _("This person's household has no case file."));
        return false;
    }
    if (s->req.kind == PV_FORM_ASSESSMENT) {
        char today[PV_DATE_SZ], j[16];
        pv_today(today);
        pv_draw_date(today, j, sizeof j);
        pv_form_init(&s->form, &assessment_ops, s);
        return pv_form_add(&s->form, "date", N_("Date"), true, true, PV_FK_TEXT, j) >= 0 &&
               pv_form_add(&s->form, "assessment", N_("Assessment"), true, false, PV_FK_NOTE,
                           "") >= 0 &&
               ((s->form.focus = 1), true);
    }
    pv_form_init(&s->form, &casefile_ops, s);
    const pv_casefile *c = &s->casefile;
    return pv_form_add(&s->form, "covered", N_("Covered"), true, false, PV_FK_CHOICE,
                       c->covered ? _("yes") : _("no")) >= 0 &&
           pv_form_add(&s->form, "file_status", N_("File status"), true, false, PV_FK_CHOICE,
                       c->status == PV_FILE_ACTIVE ? _("active") : _("closed")) >= 0 &&
           pv_form_add(&s->form, "caseworker", N_("Caseworker"), false, true, PV_FK_TEXT,
                       c->caseworker) >= 0;
}

/* ---- the screen ------------------------------------------------------------ */

static void form_close(pv_ui *ui, void *st)
{
    (void)ui;
    fscreen *s = st;
    pv_form_free(&s->form);
    free(s->dups);
    free(s);
}

static void *form_open(pv_ui *ui, const void *arg)
{
    const pv_form_request *req = arg;
    fscreen *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->req = *req;
    snprintf(s->natid, sizeof s->natid, "%s", req->national_id ? req->national_id : "");
    s->req.national_id = s->natid;
    s->req.field = NULL;
    bool ok;
    if (is_person_form(s)) {
        ok = load_person(ui, s);
        s->req.field = req->field;
        ok = ok && build_person_form(ui, s);
        s->req.field = NULL;
    } else {
        ok = build_other_form(ui, s);
    }
    if (!ok) {
        form_close(ui, s);
        return NULL;
    }
    return s;
}

static void form_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    fscreen *s = st;
    static const char *const titles[] = {
        [PV_FORM_NEW_HOUSEHOLD] = N_("New household: its head"),
        [PV_FORM_NEW_MEMBER] = N_("New member of the household"),
        [PV_FORM_EDIT_PERSON] = N_("Edit the person"),
        [PV_FORM_ASSESSMENT] = N_("New assessment"),
        [PV_FORM_CASEFILE] = N_("Case file"),
    };
    if (s->dups_shown)
        snprintf(out, size, "%s", _("Likely duplicates of the new entry"));
    else
        snprintf(out, size, "%s", _(titles[s->req.kind]));
}

/* Field-by-field comparison: label | new entry | each duplicate. */
static void draw_dups(pv_ui *ui, fscreen *s, int top, int rows)
{
    int cols = ui->draw.cols, label_w = 18;
    size_t shown = s->n_dups < 2 ? s->n_dups : 2;
    int col_w = (cols - label_w - 3) / (int)(shown + 1);
    pv_draw_wrapped(&ui->draw, top, 1, cols - 2, 2,
                    _("These files look like the same person (the same national ID, or the "
                      "same name, father's name and birth date). F2 saves anyway; Esc goes back "
                      "to the form."), 0, PV_ST_ERROR, NULL);
    int y = top + 2;
    pv_draw_text(&ui->draw, y, label_w + 2, col_w - 1, _("New entry"), 0, PV_ST_HEADING);
    for (size_t d = 0; d < shown; d++) {
        char head[64];
        snprintf(head, sizeof head, _("Existing file %zu"), d + 1);
        pv_draw_text(&ui->draw, y, label_w + 2 + col_w * (int)(d + 1), col_w - 1, head, 0,
                     PV_ST_HEADING);
    }
    y++;
    size_t n;
    const pv_field_info *fi = pv_person_fields(&n);
    for (size_t i = 0; i < n && y < top + rows; i++, y++) {
        char mine[PV_ADDR_SZ], theirs[PV_ADDR_SZ];
        unsigned fl = PV_T_DATA | (fi[i].ltr ? PV_T_LTR : 0);
        pv_person_get_field(&s->person, fi[i].name, mine, sizeof mine);
        pv_draw_text(&ui->draw, y, 1, label_w, _(fi[i].label), 0, PV_ST_LABEL);
        pv_draw_text(&ui->draw, y, label_w + 2, col_w - 1, mine, fl, PV_ST_TEXT);
        for (size_t d = 0; d < shown; d++) {
            pv_person_get_field(&s->dups[d], fi[i].name, theirs, sizeof theirs);
            bool same = mine[0] && strcmp(mine, theirs) == 0;
            pv_draw_text(&ui->draw, y, label_w + 2 + col_w * (int)(d + 1), col_w - 1, theirs,
                         fl, same ? PV_ST_ERROR : PV_ST_TEXT);
        }
    }
    if (s->n_dups > shown && y < top + rows) {
        char more[128];
        snprintf(more, sizeof more, _("and %zu more"), s->n_dups - shown);
        pv_draw_text(&ui->draw, y, 1, cols - 2, more, 0, PV_ST_DIM);
    }
}

static void form_draw(pv_ui *ui, void *st, int top, int rows)
{
    fscreen *s = st;
    if (s->dups_shown) {
        draw_dups(ui, s, top, rows);
        return;
    }
    pv_draw_text(&ui->draw, top, 1, ui->draw.cols - 2,
                 _("* required. Tab moves between fields; F2 saves; Esc cancels."), 0,
                 PV_ST_DIM);
    pv_form_draw(ui, &s->form, top + 2, rows - 2, ui->draw.cols >= 100 ? 24 : 20);
}

/* Applies every field to a copy of the person; on a refusal focuses it. */
static bool person_from_form(pv_ui *ui, fscreen *s, pv_person *p)
{
    *p = s->person;
    pv_error err = PV_ERROR_INIT;
    for (size_t i = 0; i < s->form.n; i++) {
        const pv_form_field *fl = &s->form.fields[i];
        if (!fl->value[0] && fl->kind == PV_FK_CHOICE)
            continue; /* unknown stays unknown */
        if (pv_person_set_field(p, fl->name, fl->value, &err) != PV_OK) {
            s->form.focus = i;
            pv_ui_error(ui, &err);
            return false;
        }
    }
    if (s->req.kind == PV_FORM_NEW_HOUSEHOLD)
        p->relation = PV_REL_HEAD;
    if (pv_person_validate(p, &err) != PV_OK) {
        pv_form_focus_named(&s->form, err.field);
        pv_ui_error(ui, &err);
        return false;
    }
    return true;
}

static unsigned saved(pv_ui *ui, const char *open_natid)
{
    char id[PV_NATID_SZ];
    snprintf(id, sizeof id, "%s", open_natid ? open_natid : "");
    unsigned ch = pv_ui_pop(ui);
    if (open_natid)
        ch |= pv_ui_push(ui, &pv_screen_file, id);
    pv_ui_status(ui, PV_MSG_OK, "%s", _("Saved."));
    return ch | PV_CH_DRAW;
}

/* After another terminal saved the same person under this form: every
 * field shows the merged record (theirs, with this user's changes on it),
 * and each field both changed keeps this user's value, marked with what
 * the other saved, so nothing typed is lost and the next F2 is a conscious
 * overwrite of those fields only. */
static void show_conflicts(fscreen *s, const pv_person *merged, const pv_field_conflict *c,
                           size_t n)
{
    for (size_t i = 0; i < s->form.n; i++) {
        pv_form_field *fl = &s->form.fields[i];
        char value[PV_ADDR_SZ];
        pv_person_get_field(merged, fl->name, value, sizeof value);
        pv_form_set(&s->form, i, value);
        for (size_t k = 0; k < n; k++) {
            if (strcmp(c[k].field, fl->name) != 0)
                continue;
            char why[PV_ADDR_SZ + 128];
            snprintf(why, sizeof why, _("changed meanwhile by someone else to «%s»"), c[k].theirs);
            free(fl->error);
            fl->error = strdup(why);
            fl->invalid = true;
        }
    }
}

/* An edit saved field by field over what the database holds now
 * (pv_person_save_merged): fields someone else changed meanwhile are kept. */
static pv_status save_edit(fscreen *s, pv_ui *ui, pv_person *p, pv_error *err)
{
    pv_field_conflict *conf = NULL;
    size_t n = 0;
    pv_status rc = pv_person_save_merged(ui->ctx, &s->person, p, &conf, &n, err);
    if (rc == PV_ECONFLICT)
        show_conflicts(s, p, conf, n);
    free(conf);
    return rc;
}

/* A new household, its case file and its head are one change: if any part
 * fails, none of it is left in the database. */
static pv_status save_person_atomically(pv_ui *ui, fscreen *s, pv_person *p, pv_error *err)
{
    pv_id old_id = p->id;
    pv_status rc = pv_ctx_begin(ui->ctx, err);
    if (rc == PV_OK && s->req.kind == PV_FORM_NEW_HOUSEHOLD)
        rc = pv_household_create(ui->ctx, NULL, &p->household_id, err);
    else if (s->req.kind == PV_FORM_NEW_MEMBER)
        p->household_id = s->household_id;
    if (rc == PV_OK && s->req.kind == PV_FORM_EDIT_PERSON)
        rc = save_edit(s, ui, p, err);
    else if (rc == PV_OK)
        rc = pv_person_save(ui->ctx, p, err);
    if (rc == PV_OK)
        rc = pv_ctx_commit(ui->ctx, err);
    if (rc != PV_OK) {
        pv_ctx_rollback(ui->ctx);
        if (s->req.kind == PV_FORM_NEW_HOUSEHOLD)
            p->household_id = 0;
        p->id = old_id;
    }
    return rc;
}

static unsigned save_person(pv_ui *ui, fscreen *s)
{
    pv_person p;
    if (!person_from_form(ui, s, &p))
        return PV_CH_DRAW;
    pv_error err = PV_ERROR_INIT;
    bool is_new = s->req.kind != PV_FORM_EDIT_PERSON;
    if (is_new && !s->dups_shown) {
        free(s->dups);
        s->dups = NULL;
        s->n_dups = 0;
        if (pv_person_duplicates(ui->ctx, &p, &s->dups, &s->n_dups, &err) != PV_OK) {
            pv_ui_error(ui, &err);
            return PV_CH_DRAW;
        }
        if (s->n_dups > 0) {
            s->person = p; /* shown beside the duplicates */
            s->dups_shown = true;
            return PV_CH_DRAW;
        }
    }
    /* The same national ID is never saved twice: refused before anything
     * is written, so no empty household is left behind. */
    for (size_t i = 0; is_new && i < s->n_dups; i++)
        if (strcmp(s->dups[i].national_id, p.national_id) == 0) {
            pv_ui_status(ui, PV_MSG_ERROR, "%s: %s", pv_field_label("national_id"),
                         _("already recorded in another file; open that file instead"));
            return PV_CH_DRAW;
        }
    if (save_person_atomically(ui, s, &p, &err) != PV_OK) {
        s->dups_shown = false;
        pv_ui_error(ui, &err);
        return PV_CH_DRAW;
    }
    return saved(ui, s->req.kind == PV_FORM_NEW_HOUSEHOLD ? p.national_id : NULL);
}

static unsigned save_other(pv_ui *ui, fscreen *s)
{
    pv_error err = PV_ERROR_INIT;
    if (s->req.kind == PV_FORM_ASSESSMENT) {
        char iso[PV_DATE_SZ];
        if (pv_date_parse(pv_form_value(&s->form, "date"), "date", iso, &err) != PV_OK ||
            pv_assessment_add(ui->ctx, s->casefile.id, iso, pv_form_value(&s->form, "assessment"),
                              &err) != PV_OK) {
            pv_ui_error(ui, &err);
            return PV_CH_DRAW;
        }
        return saved(ui, NULL);
    }
    pv_casefile c = s->casefile;
    for (size_t i = 0; i < s->form.n; i++)
        if (pv_casefile_set_field(&c, s->form.fields[i].name, s->form.fields[i].value, &err) !=
            PV_OK) {
            s->form.focus = i;
            pv_ui_error(ui, &err);
            return PV_CH_DRAW;
        }
    if (pv_casefile_save(ui->ctx, &c, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return PV_CH_DRAW;
    }
    return saved(ui, NULL);
}

static unsigned form_save(pv_ui *ui, fscreen *s)
{
    if (!s->dups_shown && !pv_form_check_all(ui, &s->form))
        return PV_CH_DRAW;
    return is_person_form(s) ? save_person(ui, s) : save_other(ui, s);
}

static unsigned form_cancel(pv_ui *ui, fscreen *s, int action)
{
    if (s->dups_shown) {
        s->dups_shown = false;
        return PV_CH_DRAW;
    }
    if (s->form.changed && !s->confirm_cancel) {
        s->confirm_cancel = true;
        pv_ui_status(ui, PV_MSG_ERROR, "%s",
                     action == PV_A_QUIT
                         ? _("Nothing is saved yet: press F10 again to quit without saving.")
                         : _("Nothing is saved yet: press Esc again to leave without saving."));
        return PV_CH_DRAW;
    }
    if (action == PV_A_QUIT)
        return PV_CH_QUIT;
    pv_ui_status(ui, PV_MSG_INFO, "%s", _("Cancelled; nothing was saved."));
    return pv_ui_pop(ui);
}

static unsigned form_action(pv_ui *ui, void *st, int action)
{
    fscreen *s = st;
    if (action != A_CANCEL && action != PV_A_QUIT)
        s->confirm_cancel = false;
    switch (action) {
    case A_SAVE:
        return form_save(ui, s);
    case A_CANCEL:
    case PV_A_QUIT:
        return form_cancel(ui, s, action);
    default:
        if (s->dups_shown)
            return action < PV_A_UP ? PV_CH_PASS : PV_CH_NONE;
        return pv_form_action_or_pass(ui, &s->form, action);
    }
}

static unsigned form_input(pv_ui *ui, void *st, int key)
{
    fscreen *s = st;
    if (s->dups_shown)
        return PV_CH_NONE;
    s->confirm_cancel = false;
    return pv_form_input(ui, &s->form, key, NULL);
}

const pv_screen pv_screen_form = {
    .name = "form",
    .keys = form_keys,
    .open = form_open,
    .close = form_close,
    .title = form_title,
    .draw = form_draw,
    .action = form_action,
    .input = form_input,
    .reload = pv_form_screen_reload,
};
