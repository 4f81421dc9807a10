/* parvande — the role table (see include/parvande/authz.h). */
#include <stddef.h>

#include "internal.h"
#include "parvande/authz.h"

#define CW (1u << PV_ROLE_CASEWORKER)
#define SV (1u << PV_ROLE_SUPERVISOR)
#define AD (1u << PV_ROLE_ADMIN)

static const struct {
    unsigned roles;    /* which roles may */
    const char *label; /* msgid */
} action_table[PV_ACT__COUNT] = {
    [PV_ACT_FILE_READ] = {CW | SV | AD, N_("read a file")},
    [PV_ACT_FILE_WRITE] = {CW | SV, N_("create or edit a file")},
    [PV_ACT_FILE_CLOSE] = {SV, N_("close a file")},
    [PV_ACT_IMPORT] = {SV | AD, N_("import files")},
    [PV_ACT_ENROLL_REQUEST] = {CW | SV, N_("request an enrollment")},
    [PV_ACT_ENROLL_ADVANCE] = {CW | SV, N_("advance an enrollment")},
    [PV_ACT_ENROLL_APPROVE] = {SV, N_("approve an enrollment")},
    [PV_ACT_ENROLL_OVERRIDE] = {SV, N_("override an eligibility refusal")},
    [PV_ACT_CATALOG_ADMIN] = {AD, N_("change the service catalog")},
    [PV_ACT_CREDIT_ADMIN] = {AD, N_("set a credit")},
    [PV_ACT_USER_ADMIN] = {AD, N_("manage users")},
    [PV_ACT_AUDIT_READ] = {SV | AD, N_("read the audit trail")},
};

const char *pv_action_label(pv_action act)
{
    if (act < 0 || act >= PV_ACT__COUNT)
        return "?";
    return _(action_table[act].label);
}

bool pv_authz_all_branches(const pv_ctx *ctx)
{
    return ctx->actor.role == PV_ROLE_SYSTEM;
}

pv_status pv_authz_check(pv_ctx *ctx, pv_action act, int64_t branch_code, pv_error *err)
{
    const pv_actor *a = &ctx->actor;
    if (act < 0 || act >= PV_ACT__COUNT)
        return pv_error_set(err, PV_EUSAGE, NULL, "%s", _("unknown action"));
    if (a->role == PV_ROLE_SYSTEM)
        return PV_OK;
    if (!(action_table[act].roles & (1u << a->role)))
        return pv_error_set(err, PV_EDENIED, NULL, _("Not permitted: your role may not %s."),
                            pv_action_label(act));
    if (branch_code != 0 && branch_code != a->branch_code)
        return pv_error_set(err, PV_EDENIED, NULL,
                            _("Not permitted: this record belongs to another branch (%s)."),
                            pv_action_label(act));
    return PV_OK;
}
