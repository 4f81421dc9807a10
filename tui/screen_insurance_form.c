/* parvande — the insurance year's two small forms, opened from its screen:
 * the contract (insurer, number, start, end, premium; F2 saves), and one
 * child of the frozen list (national ID and a reason or note; F2 adds the
 * child, F3 takes the child off, F4 notes a claim). Each saves all of it
 * or nothing; the core names any refused field. */
#include <stdlib.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/insurance.h"
#include "parvande/text.h"
#include "screen_referral.h"
#include "widget.h"

enum { A_SAVE = PV_A_SCREEN, A_REMOVE, A_CLAIM };

static const pv_binding contract_own[] = {
    {PV_KEY(KEY_F(2)), A_SAVE, N_("Save"), N_("Save the contract")},
    {0, 0, NULL, NULL},
};
static pv_keymap contract_keys = {contract_own, pv_keys_form, pv_keys_edit, NULL};

static const pv_binding child_own[] = {
    {PV_KEY(KEY_F(2)), A_SAVE, N_("Add"), N_("Add the child to the frozen list, with the reason")},
    {PV_KEY(KEY_F(3)), A_REMOVE, N_("Remove"),
     N_("Take the child off the frozen list, with the reason")},
    {PV_KEY(KEY_F(4)), A_CLAIM, N_("Claim"), N_("Note a claim for the child (the note, dated today)")},
    {0, 0, NULL, NULL},
};
static pv_keymap child_keys = {child_own, pv_keys_form, pv_keys_edit, NULL};

typedef struct iform {
    pv_form form; /* first: pv_form_screen_input reads it */
    pv_ins_form_request req;
    char code[PV_CODE_SZ], province[PV_NAME_SZ];
} iform;

static bool build(iform *f)
{
    pv_form_init(&f->form, NULL, f);
    if (f->req.kind == PV_INS_FORM_CHILD)
        return pv_form_add(&f->form, "national_id", N_("National ID"), true, true, PV_FK_TEXT,
                           "") >= 0
               && pv_form_add(&f->form, "reason", N_("Reason or claim note"), true, false,
                              PV_FK_TEXT, "") >= 0;
    return pv_form_add(&f->form, "insurer", N_("Insurer"), true, false, PV_FK_TEXT, "") >= 0
           && pv_form_add(&f->form, "contract", N_("Contract number"), true, true, PV_FK_TEXT,
                          "") >= 0
           && pv_form_add(&f->form, "start", N_("Start date"), true, true, PV_FK_TEXT, "") >= 0
           && pv_form_add(&f->form, "end", N_("End date"), true, true, PV_FK_TEXT, "") >= 0
           && pv_form_add(&f->form, "premium", N_("Premium per child (rials)"), false, true,
                          PV_FK_TEXT, "") >= 0;
}

static void *if_open(pv_ui *ui, const void *arg)
{
    (void)ui;
    iform *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->req = *(const pv_ins_form_request *)arg;
    snprintf(f->code, sizeof f->code, "%s", f->req.code);
    snprintf(f->province, sizeof f->province, "%s", f->req.province);
    f->req.code = f->code;
    f->req.province = f->province;
    if (!build(f)) {
        pv_form_free(&f->form);
        free(f);
        return NULL;
    }
    return f;
}

static void if_close(pv_ui *ui, void *st)
{
    (void)ui;
    iform *f = st;
    pv_form_free(&f->form);
    free(f);
}

static void if_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    iform *f = st;
    char clean[PV_NAME_SZ * 3];
    pv_text_sanitize(f->province, false, clean, sizeof clean);
    snprintf(out, size, "%s — %s %d",
             f->req.kind == PV_INS_FORM_CHILD ? _("A child of the list") : _("The contract"),
             clean, f->req.year);
}

static void if_draw(pv_ui *ui, void *st, int top, int rows)
{
    iform *f = st;
    pv_form_draw(ui, &f->form, top + 2, rows - 2, ui->draw.cols >= 100 ? 30 : 26);
}

static pv_status save_contract(pv_ui *ui, iform *f, pv_error *err)
{
    const char *premium = pv_form_value(&f->form, "premium");
    char digits[24] = "0";
    if (premium[0] && (!pv_digits_ascii(premium, true, digits, sizeof digits) || !digits[0]))
        return pv_error_set(err, PV_EINVAL, "premium", _("%s: %s"), _("Premium"),
                            _("rials, digits only"));
    return pv_ins_contract(ui->ctx, f->code, f->req.year, f->province,
                           pv_form_value(&f->form, "insurer"),
                           pv_form_value(&f->form, "contract"), pv_form_value(&f->form, "start"),
                           pv_form_value(&f->form, "end"), strtoll(digits, NULL, 10), err);
}

static pv_status save_child(pv_ui *ui, iform *f, int action, pv_error *err)
{
    const char *nid = pv_form_value(&f->form, "national_id");
    const char *reason = pv_form_value(&f->form, "reason");
    if (action == A_CLAIM)
        return pv_ins_claim(ui->ctx, f->code, f->req.year, nid, NULL, reason, err);
    if (action == A_REMOVE)
        return pv_ins_remove(ui->ctx, f->code, f->req.year, f->province, nid, reason, err);
    return pv_ins_add(ui->ctx, f->code, f->req.year, f->province, nid, reason, err);
}

static unsigned if_action(pv_ui *ui, void *st, int action)
{
    iform *f = st;
    bool child = f->req.kind == PV_INS_FORM_CHILD;
    if (action == A_SAVE || (child && (action == A_REMOVE || action == A_CLAIM))) {
        if (!pv_form_check_all(ui, &f->form))
            return PV_CH_DRAW;
        pv_error err = PV_ERROR_INIT;
        pv_status rc = child ? save_child(ui, f, action, &err) : save_contract(ui, f, &err);
        if (rc != PV_OK) {
            pv_form_focus_named(&f->form, err.field);
            pv_ui_error(ui, &err);
            return PV_CH_DRAW;
        }
        unsigned ch = pv_ui_pop(ui);
        pv_ui_status(ui, PV_MSG_OK, "%s",
                     !child                ? _("Contract saved.")
                     : action == A_REMOVE ? _("Taken off the list.")
                     : action == A_CLAIM  ? _("Claim noted.")
                                          : _("Added to the list."));
        return ch | PV_CH_DRAW;
    }
    return pv_form_action_or_pass(ui, &f->form, action);
}

const pv_screen pv_screen_ins_contract = {
    .name = "insurance-contract",
    .keys = contract_keys,
    .open = if_open,
    .close = if_close,
    .title = if_title,
    .draw = if_draw,
    .action = if_action,
    .input = pv_form_screen_input,
    .reload = pv_form_screen_reload,
};

const pv_screen pv_screen_ins_child = {
    .name = "insurance-child",
    .keys = child_keys,
    .open = if_open,
    .close = if_close,
    .title = if_title,
    .draw = if_draw,
    .action = if_action,
    .input = pv_form_screen_input,
    .reload = pv_form_screen_reload,
};
