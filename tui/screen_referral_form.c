/* parvande — the referral form: a new referral from a file (centre from the
 * branch's list, urgency, reason, the service it comes from, the date), or
 * one change of a referral (received, closed, returned, a new follow-up
 * date). F2 saves all of it or nothing; the core names any refused field. */
#include <stdlib.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/referrals.h"
#include "screen_referral.h"
#include "widget.h"

enum { A_SAVE = PV_A_SCREEN };

static const pv_binding rf_own[] = {
    {PV_KEY(KEY_F(2)), A_SAVE, N_("Save"), N_("Save the referral (all of it or nothing)")},
    {0, 0, NULL, NULL},
};
static pv_keymap rf_keys = {rf_own, pv_keys_form, pv_keys_edit, NULL};

typedef struct rform {
    pv_form form; /* first: pv_form_screen_input reads it */
    pv_ref_form_request req;
    char natid[PV_NATID_SZ];
    pv_centre *centres;
    size_t n_centres;
} rform;

static bool rf_cycle(void *user, const char *field, const char *cur, int dir, char *out,
                     size_t size)
{
    rform *f = user;
    if (strcmp(field, "urgency") == 0) {
        pv_urgency u = PV_URG_ROUTINE;
        pv_urgency_parse(cur, &u);
        int next = ((int)u + dir + PV_URG__COUNT) % PV_URG__COUNT;
        snprintf(out, size, "%s", pv_urgency_label((pv_urgency)next));
        return true;
    }
    if (strcmp(field, "centre") == 0 && f->n_centres) {
        size_t at = 0;
        for (size_t i = 0; i < f->n_centres; i++)
            if (strcmp(cur, f->centres[i].name) == 0)
                at = i;
        at = (at + f->n_centres + (size_t)(dir > 0 ? 1 : f->n_centres - 1)) % f->n_centres;
        snprintf(out, size, "%s", f->centres[at].name);
        return true;
    }
    return false;
}

static const pv_form_ops rf_ops = {NULL, rf_cycle};

static bool add(rform *f, const char *name, const char *label, bool required, bool ltr,
                pv_field_kind kind, const char *value)
{
    return pv_form_add(&f->form, name, label, required, ltr, kind, value) >= 0;
}

static bool build(pv_ui *ui, rform *f)
{
    pv_form_init(&f->form, &rf_ops, f);
    switch (f->req.kind) {
    case PV_REF_FORM_NEW: {
        pv_error err = PV_ERROR_INIT;
        if (pv_centre_list(ui->ctx, &f->centres, &f->n_centres, &err) != PV_OK) {
            pv_ui_error(ui, &err);
            return false;
        }
        if (!f->n_centres) {
            pv_ui_status(ui, PV_MSG_ERROR, "%s",
                         _("The branch has no referral centre yet: an administrator adds them "
                           "(parvande centre-add)."));
            return false;
        }
        return add(f, "centre", N_("Centre"), true, false, PV_FK_CHOICE, f->centres[0].name)
               && add(f, "urgency", N_("Urgency"), true, false, PV_FK_CHOICE,
                      pv_urgency_label(PV_URG_ROUTINE))
               && add(f, "reason", N_("Reason"), true, false, PV_FK_TEXT, "")
               && add(f, "service", N_("From the service (code)"), false, true, PV_FK_TEXT, "")
               && add(f, "assessment", N_("Or the assessment of (date)"), false, true,
                      PV_FK_TEXT, "")
               && add(f, "date", N_("Date sent"), false, true, PV_FK_TEXT, "");
    }
    case PV_REF_FORM_RECEIVE:
    case PV_REF_FORM_RETURN:
        return add(f, "date", N_("Date"), false, true, PV_FK_TEXT, "")
               && add(f, "answer", N_("The centre's answer"), false, false, PV_FK_TEXT, "");
    case PV_REF_FORM_CLOSE:
        return add(f, "date", N_("Date"), false, true, PV_FK_TEXT, "")
               && add(f, "outcome", N_("Outcome"), true, false, PV_FK_TEXT, "");
    case PV_REF_FORM_FOLLOW_UP:
        return add(f, "follow_up", N_("Follow-up date"), true, true, PV_FK_TEXT, "")
               && add(f, "reason", N_("Reason"), true, false, PV_FK_TEXT, "");
    }
    return false;
}

static void *rf_open(pv_ui *ui, const void *arg)
{
    rform *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->req = *(const pv_ref_form_request *)arg;
    if (f->req.national_id)
        snprintf(f->natid, sizeof f->natid, "%s", f->req.national_id);
    f->req.national_id = f->natid;
    if (!build(ui, f)) {
        pv_form_free(&f->form);
        free(f->centres);
        free(f);
        return NULL;
    }
    return f;
}

static void rf_close(pv_ui *ui, void *st)
{
    (void)ui;
    rform *f = st;
    pv_form_free(&f->form);
    free(f->centres);
    free(f);
}

static void rf_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    rform *f = st;
    static const char *const titles[] = {N_("New referral"), N_("Referral received"),
                                         N_("Close the referral"), N_("Referral returned"),
                                         N_("New follow-up date")};
    snprintf(out, size, "%s", _(titles[f->req.kind]));
}

static void rf_draw(pv_ui *ui, void *st, int top, int rows)
{
    rform *f = st;
    if (f->req.kind == PV_REF_FORM_NEW) {
        char line[128];
        snprintf(line, sizeof line, "%s: %s", _("National ID"), f->natid);
        pv_draw_text(&ui->draw, top + 1, 1, ui->draw.cols - 2, line, PV_T_UI, PV_ST_DIM);
    }
    pv_form_draw(ui, &f->form, top + 3, rows - 3, ui->draw.cols >= 100 ? 28 : 24);
}

static pv_status save(pv_ui *ui, rform *f, pv_error *err)
{
    const pv_form *fm = &f->form;
    const char *date = pv_form_value(fm, "date");
    switch (f->req.kind) {
    case PV_REF_FORM_NEW: {
        pv_urgency u = PV_URG_ROUTINE;
        if (!pv_urgency_parse(pv_form_value(fm, "urgency"), &u))
            return pv_error_set(err, PV_EINVAL, "urgency", _("%s: %s"), _("Urgency"),
                                _("routine, urgent or emergency"));
        const char *svc = pv_form_value(fm, "service");
        pv_referral_new n = {.national_id = f->natid, .centre = pv_form_value(fm, "centre"),
                             .service = svc && *svc ? svc : NULL, .urgency = u,
                             .assessment = pv_form_value(fm, "assessment"),
                             .reason = pv_form_value(fm, "reason"), .date = date};
        pv_id id;
        return pv_referral_create(ui->ctx, &n, &id, err);
    }
    case PV_REF_FORM_RECEIVE:
        return pv_referral_receive(ui->ctx, f->req.referral, date, pv_form_value(fm, "answer"),
                                   err);
    case PV_REF_FORM_RETURN:
        return pv_referral_return(ui->ctx, f->req.referral, date, pv_form_value(fm, "answer"),
                                  err);
    case PV_REF_FORM_CLOSE:
        return pv_referral_close(ui->ctx, f->req.referral, date, pv_form_value(fm, "outcome"),
                                 err);
    case PV_REF_FORM_FOLLOW_UP:
        return pv_referral_set_follow_up(ui->ctx, f->req.referral,
                                         pv_form_value(fm, "follow_up"),
                                         pv_form_value(fm, "reason"), err);
    }
    return PV_EUSAGE;
}

static unsigned rf_action(pv_ui *ui, void *st, int action)
{
    rform *f = st;
    if (action == A_SAVE) {
        if (!pv_form_check_all(ui, &f->form))
            return PV_CH_DRAW;
        pv_error err = PV_ERROR_INIT;
        if (save(ui, f, &err) != PV_OK) {
            /* the follow-up's reason is the form's "reason" field */
            bool follow = err.field && strcmp(err.field, "follow_up_reason") == 0;
            pv_form_focus_named(&f->form, follow ? "reason" : err.field);
            pv_ui_error(ui, &err);
            return PV_CH_DRAW;
        }
        unsigned ch = pv_ui_pop(ui);
        pv_ui_status(ui, PV_MSG_OK, "%s", _("Saved."));
        return ch | PV_CH_DRAW;
    }
    return pv_form_action_or_pass(ui, &f->form, action);
}

const pv_screen pv_screen_referral_form = {
    .name = "referral-form",
    .keys = rf_keys,
    .open = rf_open,
    .close = rf_close,
    .title = rf_title,
    .draw = rf_draw,
    .action = rf_action,
    .input = pv_form_screen_input,
    .reload = pv_form_screen_reload,
};
