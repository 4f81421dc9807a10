/* parvande — the forms of groups, courses and inquiries: a new course (the
 * services offered are those whose card gives workshop days), a new inquiry
 * (the agencies offered are the chosen service's [link] blocks), the answer
 * of an inquiry (confirmed or refused, the answer's reference number, the
 * date answered) and a course's evaluation (date, score, note). Dates are
 * typed Jalali (or Gregorian), empty is today. F2 saves all of it or
 * nothing; the core names any refused field and the cursor goes to it. */
#include <stdlib.h>
#include <string.h>

#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/text.h"
#include "screen_groups_form.h"
#include "widget.h"

enum { A_SAVE = PV_A_SCREEN };

static const pv_binding gf_own[] = {
    {PV_KEY(KEY_F(2)), A_SAVE, N_("Save"), N_("Save the form (all of it or nothing)")},
    {0, 0, NULL, NULL},
};
static pv_keymap gf_keys = {gf_own, pv_keys_form, pv_keys_edit, NULL};

typedef struct gform {
    pv_gform_request req;
    char subject[PV_LABEL_SZ];
    char code[PV_CODE_SZ];       /* the service offered first, "" none */
    char about[PV_LABEL_SZ * 3]; /* what the form is about (stored text quoted) */
    pv_ctx *ctx;                 /* for the agencies of the chosen service */
    bool refused;                /* the answer chosen (its label follows the language) */
    int how, by;                 /* the inquiry's way and who makes it: indexes below */
    pv_service_info *services;
    size_t n_services;
    pv_form form;
} gform;

/* ---- choices ---- */

/* How an inquiry is made and who makes it: the card's words, shown by the
 * catalog's labels for them (the card's first is offered first). */
static const char *const hows[] = {"online", "batch", "manual"};
static const char *const how_labels[] = {N_("electronic, online"), N_("electronic, batch"),
                                         N_("not electronic")};
static const char *const bys[] = {"agency", "visitor"};
static const char *const by_labels[] = {N_("by the agency"), N_("by the visitor")};
enum { N_HOWS = 3, N_BYS = 2 };

/* The value after `cur` among n strings (dir +1 or -1); the first when cur is none. */
static const char *next_of(const char *const *values, size_t n, const char *cur, int dir)
{
    size_t at = n;
    for (size_t i = 0; i < n; i++)
        if (strcmp(values[i], cur) == 0)
            at = i;
    if (at == n)
        return values[0];
    return values[(at + n + (size_t)(dir > 0 ? 1 : n - 1)) % n];
}

static bool cycle_service(gform *f, const char *cur, int dir, char *out, size_t size)
{
    if (!f->n_services)
        return false;
    const char **codes = malloc(f->n_services * sizeof *codes);
    if (!codes)
        return false;
    for (size_t i = 0; i < f->n_services; i++)
        codes[i] = f->services[i].code;
    snprintf(out, size, "%s", next_of(codes, f->n_services, cur, dir));
    free(codes);
    return true;
}

/* The agency after `cur` among the service's (the first when cur is not one). */
static bool cycle_agency(gform *f, const char *code, const char *cur, int dir, char *out,
                         size_t size)
{
    pv_inquiry_agency *a = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    bool ok = pv_inquiry_agencies(f->ctx, code, &a, &n, &err) == PV_OK && n > 0;
    pv_error_clear(&err);
    if (ok) {
        const char **names = malloc(n * sizeof *names);
        ok = names != NULL;
        for (size_t i = 0; ok && i < n; i++)
            names[i] = a[i].name;
        if (ok)
            snprintf(out, size, "%s", next_of(names, n, cur, dir));
        free(names);
    }
    free(a);
    return ok;
}

static long field_index(const pv_form *fm, const char *name)
{
    for (size_t i = 0; i < fm->n; i++)
        if (strcmp(fm->fields[i].name, name) == 0)
            return (long)i;
    return -1;
}

static int word_at(const char *const *words, int n, const char *w)
{
    for (int i = 0; i < n; i++)
        if (strcmp(words[i], w) == 0)
            return i;
    return 0;
}

/* The how and by fields show the chosen words' labels (in the language of now). */
static void show_way(gform *f)
{
    long how = field_index(&f->form, "how"), by = field_index(&f->form, "by");
    if (how >= 0)
        pv_form_set(&f->form, (size_t)how, _(how_labels[f->how]));
    if (by >= 0)
        pv_form_set(&f->form, (size_t)by, _(by_labels[f->by]));
}

/* The way the card gives for this service's agency (named as offered). */
static void way_of_agency(gform *f, const char *code, const char *agency)
{
    pv_inquiry_agency *a = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    if (pv_inquiry_agencies(f->ctx, code, &a, &n, &err) == PV_OK)
        for (size_t i = 0; i < n; i++)
            if (strcmp(a[i].name, agency) == 0) {
                f->how = word_at(hows, N_HOWS, a[i].how);
                f->by = word_at(bys, N_BYS, a[i].by);
            }
    pv_error_clear(&err);
    free(a);
    show_way(f);
}

static bool gf_cycle(void *user, const char *field, const char *cur, int dir, char *out,
                     size_t size)
{
    gform *f = user;
    if (strcmp(field, "service") == 0) {
        if (!cycle_service(f, cur, dir, out, size))
            return false;
        long ag = field_index(&f->form, "agency"); /* another service: its first agency */
        char name[PV_LABEL_SZ];
        if (ag >= 0 && cycle_agency(f, out, "", 1, name, sizeof name)) {
            pv_form_set(&f->form, (size_t)ag, name);
            way_of_agency(f, out, name);
        }
        return true;
    }
    if (strcmp(field, "agency") == 0) {
        const char *code = pv_form_value(&f->form, "service");
        if (!cycle_agency(f, code, cur, dir, out, size))
            return false;
        way_of_agency(f, code, out);
        return true;
    }
    if (strcmp(field, "how") == 0 || strcmp(field, "by") == 0) {
        bool how = field[0] == 'h';
        int *at = how ? &f->how : &f->by, n = how ? N_HOWS : N_BYS;
        *at = (*at + n + (dir > 0 ? 1 : -1)) % n;
        snprintf(out, size, "%s", _(how ? how_labels[*at] : by_labels[*at]));
        return true;
    }
    if (strcmp(field, "answer") == 0) { /* two values: either direction is the other */
        (void)cur;
        f->refused = !f->refused;
        snprintf(out, size, "%s",
                 pv_inquiry_status_label(f->refused ? PV_INQ_REFUSED : PV_INQ_CONFIRMED));
        return true;
    }
    return false;
}

/* ---- checks, as each field is left ---- */

static pv_status whole_number(const char *field, const char *text, long lo, long hi,
                              long *out, pv_error *err)
{
    char digits[32], why[128];
    if (!pv_digits_ascii(text, true, digits, sizeof digits) || !*digits || strlen(digits) > 9
        || atol(digits) < lo || atol(digits) > hi) {
        snprintf(why, sizeof why, _("a whole number from %ld to %ld"), lo, hi);
        return pv_error_field(err, field, why);
    }
    *out = atol(digits);
    return PV_OK;
}

static pv_status gf_validate(void *user, const char *field, const char *text, char *norm,
                             size_t size, pv_error *err)
{
    (void)user;
    (void)norm;
    (void)size;
    long n;
    if (strcmp(field, "start_date") == 0 || strcmp(field, "sent_on") == 0
        || strcmp(field, "answered_on") == 0 || strcmp(field, "date") == 0) {
        char iso[16];
        return pv_date_parse(text, field, iso, err);
    }
    if (strcmp(field, "capacity") == 0)
        return whole_number(field, text, 1, 1000, &n, err);
    if (strcmp(field, "score") == 0)
        return whole_number(field, text, 0, 100, &n, err);
    return PV_OK;
}

static const pv_form_ops gf_ops = {gf_validate, gf_cycle};

/* ---- building ---- */

static bool add(gform *f, const char *name, const char *label, bool required, bool ltr,
                pv_field_kind kind, const char *value)
{
    return pv_form_add(&f->form, name, label, required, ltr, kind, value) >= 0;
}

/* The services offered, or a status line saying there are none. */
static bool load_services(pv_ui *ui, gform *f, bool courses)
{
    pv_error err = PV_ERROR_INIT;
    pv_status st = courses ? pv_course_services(ui->ctx, &f->services, &f->n_services, &err)
                           : pv_inquiry_services(ui->ctx, &f->services, &f->n_services, &err);
    if (st != PV_OK) {
        pv_ui_error(ui, &err);
        return false;
    }
    if (!f->n_services)
        pv_ui_status(ui, PV_MSG_ERROR, "%s",
                     courses ? _("No card of the catalog gives workshop days (course_days).")
                             : _("No card of the catalog names an agency to inquire of."));
    return f->n_services > 0;
}

static bool build_inquiry(pv_ui *ui, gform *f)
{
    if (!load_services(ui, f, false))
        return false;
    const char *code = f->services[0].code; /* the caller's service when it names agencies */
    for (size_t i = 0; i < f->n_services; i++)
        if (strcmp(f->services[i].code, f->code) == 0)
            code = f->services[i].code;
    char agency[PV_LABEL_SZ] = "";
    if (!cycle_agency(f, code, "", 1, agency, sizeof agency))
        return false;
    bool ok = add(f, "subject", N_("Person or group"), true, false, PV_FK_TEXT, f->subject)
              && add(f, "service", N_("Service (code)"), true, true, PV_FK_CHOICE, code)
              && add(f, "agency", N_("Agency"), true, false, PV_FK_CHOICE, agency)
              && add(f, "how", N_("How it is asked"), true, false, PV_FK_CHOICE, "")
              && add(f, "by", N_("Made by"), true, false, PV_FK_CHOICE, "");
    if (ok)
        way_of_agency(f, code, agency);
    return ok
           && add(f, "asked", N_("What is asked"), false, false, PV_FK_TEXT, "")
           && add(f, "sent_on", N_("Date sent"), false, true, PV_FK_TEXT, "")
           && add(f, "note", N_("Note"), false, false, PV_FK_TEXT, "");
}

static bool build(pv_ui *ui, gform *f)
{
    pv_form_init(&f->form, &gf_ops, f);
    switch (f->req.kind) {
    case PV_GFORM_COURSE:
        return load_services(ui, f, true)
               && add(f, "service", N_("Service (code)"), true, true, PV_FK_CHOICE,
                      f->services[0].code)
               && add(f, "title", N_("Title"), true, false, PV_FK_TEXT, "")
               && add(f, "start_date", N_("Start date"), false, true, PV_FK_TEXT, "")
               && add(f, "capacity", N_("Capacity"), true, true, PV_FK_TEXT, "")
               && add(f, "place", N_("Place"), false, false, PV_FK_TEXT, "")
               && add(f, "trainer", N_("Trainer"), false, false, PV_FK_TEXT, "");
    case PV_GFORM_INQUIRY:
        return build_inquiry(ui, f);
    case PV_GFORM_ANSWER:
        return add(f, "answer", N_("Answer"), true, false, PV_FK_CHOICE,
                   pv_inquiry_status_label(PV_INQ_CONFIRMED))
               && add(f, "reference", N_("Reference number"), false, true, PV_FK_TEXT, "")
               && add(f, "answered_on", N_("Date answered"), false, true, PV_FK_TEXT, "")
               && add(f, "note", N_("Note"), false, false, PV_FK_TEXT, "");
    case PV_GFORM_EVALUATION:
        return add(f, "score", N_("Score (0 to 100)"), true, true, PV_FK_TEXT, "")
               && add(f, "date", N_("Date"), false, true, PV_FK_TEXT, "")
               && add(f, "note", N_("Note"), false, false, PV_FK_TEXT, "");
    }
    return false;
}

static void free_form(gform *f)
{
    pv_form_free(&f->form);
    free(f->services);
    free(f);
}

static void *gf_open(pv_ui *ui, const void *arg)
{
    gform *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    const pv_gform_request *r = arg;
    f->req = *r;
    f->ctx = ui->ctx;
    pv_text_sanitize(r->subject ? r->subject : "", false, f->subject, sizeof f->subject);
    snprintf(f->about, sizeof f->about, "%s", r->about ? r->about : "");
    snprintf(f->code, sizeof f->code, "%s", r->code ? r->code : "");
    f->req.subject = f->req.about = f->req.code = NULL; /* the caller's; copied above */
    if (!build(ui, f)) {
        free_form(f);
        return NULL;
    }
    return f;
}

static void gf_close(pv_ui *ui, void *st)
{
    (void)ui;
    free_form(st);
}

static void gf_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    gform *f = st;
    static const char *const titles[] = {N_("New course"), N_("New inquiry"),
                                         N_("The inquiry's answer"), N_("Course evaluation")};
    snprintf(out, size, "%s", _(titles[f->req.kind]));
}

/* The help line, what the form is about (or the chosen service's title), the fields. */
static void gf_draw(pv_ui *ui, void *st, int top, int rows)
{
    gform *f = st;
    int cols = ui->draw.cols;
    pv_draw_text(&ui->draw, top, 1, cols - 2,
                 _("Dates are Jalali (1403/10/26); left empty, today. F2 saves, Esc cancels."),
                 0, PV_ST_DIM);
    if (f->about[0])
        pv_draw_text(&ui->draw, top + 1, 1, cols - 2, f->about, PV_T_UI, PV_ST_LABEL);
    const char *code = pv_form_value(&f->form, "service");
    for (size_t i = 0; code && !f->about[0] && i < f->n_services; i++)
        if (strcmp(f->services[i].code, code) == 0)
            pv_draw_text(&ui->draw, top + 1, 1, cols - 2, f->services[i].title, PV_T_DATA,
                         PV_ST_LABEL);
    pv_form_draw(ui, &f->form, top + 3, rows - 3, cols >= 100 ? 30 : 26);
}

/* ---- saving ---- */

static const char *opt(const pv_form *fm, const char *name)
{
    const char *v = pv_form_value(fm, name);
    return v && *v ? v : NULL;
}

static pv_status save_course(pv_ui *ui, const pv_form *fm, pv_error *err)
{
    long cap = 0;
    pv_status st = whole_number("capacity", pv_form_value(fm, "capacity"), 1, 1000, &cap, err);
    if (st != PV_OK)
        return st;
    pv_course_new c = {pv_form_value(fm, "service"), pv_form_value(fm, "title"),
                       opt(fm, "start_date"), opt(fm, "place"), opt(fm, "trainer"), (int)cap};
    pv_id id;
    return pv_course_add(ui->ctx, &c, &id, err);
}

static pv_status save_inquiry(pv_ui *ui, const gform *f, pv_error *err)
{
    const pv_form *fm = &f->form;
    const char *subject = pv_form_value(fm, "subject");
    char digits[32];
    bool person = pv_digits_ascii(subject, true, digits, sizeof digits) && strlen(digits) == 10;
    pv_inquiry_new q = {person ? subject : NULL, person ? NULL : subject,
                        pv_form_value(fm, "service"), pv_form_value(fm, "agency"),
                        opt(fm, "asked"), hows[f->how], bys[f->by], opt(fm, "sent_on"),
                        opt(fm, "note")};
    pv_id id;
    return pv_inquiry_add(ui->ctx, &q, &id, err);
}

static pv_status save(pv_ui *ui, gform *f, pv_error *err)
{
    const pv_form *fm = &f->form;
    switch (f->req.kind) {
    case PV_GFORM_COURSE: return save_course(ui, fm, err);
    case PV_GFORM_INQUIRY: return save_inquiry(ui, f, err);
    case PV_GFORM_ANSWER:
        return pv_inquiry_answer(ui->ctx, f->req.id, !f->refused, opt(fm, "answered_on"),
                                 opt(fm, "reference"), opt(fm, "note"), err);
    case PV_GFORM_EVALUATION: {
        long score = 0;
        pv_status st = whole_number("score", pv_form_value(fm, "score"), 0, 100, &score, err);
        return st != PV_OK ? st
                           : pv_course_evaluate(ui->ctx, f->req.id, opt(fm, "date"), (int)score,
                                                opt(fm, "note"), err);
    }
    }
    return PV_EUSAGE;
}

/* The form's field a core refusal names (its "date" is the form's date). */
static void focus_refused(gform *f, const char *field)
{
    static const char *const dates[] = {"start_date", "sent_on", "answered_on", "date"};
    static const char *const subject[] = {"national_id", "group"};
    long at = field_index(&f->form, field);
    for (size_t i = 0; at < 0 && strcmp(field, "date") == 0 && i < 4; i++)
        at = field_index(&f->form, dates[i]);
    for (size_t i = 0; at < 0 && i < 2; i++)
        if (strcmp(field, subject[i]) == 0)
            at = field_index(&f->form, "subject");
    if (at >= 0)
        f->form.focus = (size_t)at;
}

static const char *saved_message(pv_gform_kind k)
{
    switch (k) {
    case PV_GFORM_COURSE: return _("Course saved.");
    case PV_GFORM_INQUIRY: return _("Inquiry saved.");
    case PV_GFORM_ANSWER: return _("Answer recorded.");
    case PV_GFORM_EVALUATION: return _("Evaluation recorded.");
    }
    return "";
}

static unsigned gf_input(pv_ui *ui, void *st, int key)
{
    gform *f = st;
    return pv_form_input(ui, &f->form, key, NULL);
}

static unsigned gf_action(pv_ui *ui, void *st, int action)
{
    gform *f = st;
    if (action == A_SAVE) {
        if (!pv_form_check_all(ui, &f->form))
            return PV_CH_DRAW;
        pv_error err = PV_ERROR_INIT;
        if (save(ui, f, &err) != PV_OK) {
            if (err.field)
                focus_refused(f, err.field);
            pv_ui_error(ui, &err);
            return PV_CH_DRAW;
        }
        pv_gform_kind kind = f->req.kind;
        unsigned ch = pv_ui_pop(ui); /* frees f */
        pv_ui_status(ui, PV_MSG_OK, "%s", saved_message(kind));
        return ch | PV_CH_DRAW;
    }
    if (action < PV_A_UP)
        return PV_CH_PASS;
    return pv_form_action(ui, &f->form, action, NULL);
}

/* The language switched: the answer's label in the new one (the agency's
 * name may stay in the other: the core knows both). */
static unsigned gf_reload(pv_ui *ui, void *st)
{
    (void)ui;
    gform *f = st;
    long at = field_index(&f->form, "answer");
    if (at >= 0)
        pv_form_set(&f->form, (size_t)at,
                    pv_inquiry_status_label(f->refused ? PV_INQ_REFUSED : PV_INQ_CONFIRMED));
    show_way(f);
    return PV_CH_DRAW;
}

const pv_screen pv_screen_groups_form = {
    .name = "groups-form",
    .keys = gf_keys,
    .open = gf_open,
    .close = gf_close,
    .title = gf_title,
    .draw = gf_draw,
    .action = gf_action,
    .input = gf_input,
    .reload = gf_reload,
};
