/* parvande — the role table (see include/parvande/authz.h). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "parvande/authz.h"

#define CW (1u << PV_ROLE_CASEWORKER)
#define SV (1u << PV_ROLE_SUPERVISOR)
#define AD (1u << PV_ROLE_ADMIN)

static const struct {
    unsigned roles;    /* which roles may */
    const char *label; /* msgid */
    const char *code;  /* the audit trail's name of the action */
} action_table[PV_ACT__COUNT] = {
    [PV_ACT_FILE_READ] = {CW | SV | AD, N_("read a file"), "file-read"},
    [PV_ACT_FILE_WRITE] = {CW | SV, N_("create or edit a file"), "file-write"},
    [PV_ACT_FILE_CLOSE] = {SV, N_("close a file"), "file-close"},
    [PV_ACT_IMPORT] = {SV, N_("import files"), "import"},
    [PV_ACT_ENROLL_REQUEST] = {CW | SV, N_("request an enrollment"), "enroll-request"},
    [PV_ACT_ENROLL_ADVANCE] = {CW | SV, N_("advance an enrollment"), "enroll-advance"},
    [PV_ACT_ENROLL_APPROVE] = {SV, N_("approve an enrollment"), "enroll-approve"},
    [PV_ACT_ENROLL_OVERRIDE] = {SV, N_("override an eligibility refusal"), "enroll-override"},
    [PV_ACT_CATALOG_ADMIN] = {AD, N_("change the service catalog"), "catalog-admin"},
    [PV_ACT_CREDIT_ADMIN] = {AD, N_("set a credit"), "credit-admin"},
    [PV_ACT_USER_ADMIN] = {AD, N_("manage users"), "user-admin"},
    [PV_ACT_AUDIT_READ] = {SV | AD, N_("read the audit trail"), "audit-read"},
    [PV_ACT_BACKUP] = {AD, N_("back up the database"), "backup"},
};

/* Role names as stored and typed (see pv_role_parse). */
static const char *const role_codes[] = {
    [PV_ROLE_NONE] = "", [PV_ROLE_CASEWORKER] = "caseworker", [PV_ROLE_SUPERVISOR] = "supervisor",
    [PV_ROLE_ADMIN] = "admin", [PV_ROLE_SYSTEM] = "system",
};

pv_role pv_role_parse(const char *s)
{
    if (!s)
        return PV_ROLE_NONE;
    if (strcmp(s, "administrator") == 0)
        return PV_ROLE_ADMIN;
    for (int r = PV_ROLE_CASEWORKER; r <= PV_ROLE_ADMIN; r++)
        if (strcmp(s, role_codes[r]) == 0)
            return (pv_role)r;
    return PV_ROLE_NONE;
}

const char *pv_role_code(pv_role r)
{
    return r >= PV_ROLE_NONE && r <= PV_ROLE_SYSTEM ? role_codes[r] : "";
}

const char *pv_role_label(pv_role r)
{
    switch (r) {
    case PV_ROLE_CASEWORKER: return _("caseworker");
    case PV_ROLE_SUPERVISOR: return _("supervisor");
    case PV_ROLE_ADMIN: return _("administrator");
    case PV_ROLE_SYSTEM: return _("system");
    default: return "";
    }
}

/* Every refusal goes to the audit trail, even when the transaction it
 * happened in is rolled back (pv_audit_refused, the hook core/open.c sets,
 * holds it until then). The reason is stored in English, so the trail
 * reads the same whatever the language of the session. */
static void record_refusal(pv_ctx *ctx, pv_action act, int64_t branch_code, const char *why)
{
    char detail[96];
    snprintf(detail, sizeof detail, "{\"branch\":%lld,\"role\":\"%s\"}", (long long)branch_code,
             pv_role_code(ctx->actor.role));
    pv_ctx_refused(ctx, action_table[act].code, detail, why);
}

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

bool pv_authz_hidden(pv_ctx *ctx, pv_action act, int64_t branch_code)
{
    if (act < 0 || act >= PV_ACT__COUNT || pv_authz_all_branches(ctx) || branch_code == 0 ||
        branch_code == ctx->actor.branch_code)
        return false;
    pv_ctx_settled(ctx);
    record_refusal(ctx, act, branch_code, "record of another branch");
    return true;
}

pv_status pv_authz_check(pv_ctx *ctx, pv_action act, int64_t branch_code, pv_error *err)
{
    const pv_actor *a = &ctx->actor;
    if (act < 0 || act >= PV_ACT__COUNT)
        return pv_error_set(err, PV_EUSAGE, NULL, "%s", _("unknown action"));
    pv_ctx_settled(ctx); /* refusals held by a transaction now over */
    if (a->role == PV_ROLE_SYSTEM)
        return PV_OK;
    if (!(action_table[act].roles & (1u << a->role))) {
        record_refusal(ctx, act, branch_code, "not permitted for this role");
        return pv_error_set(err, PV_EDENIED, NULL, _("Not permitted: your role may not %s."),
                            pv_action_label(act));
    }
    if (branch_code != 0 && branch_code != a->branch_code) {
        record_refusal(ctx, act, branch_code, "record of another branch");
        return pv_error_set(err, PV_EDENIED, NULL,
                            _("Not permitted: this record belongs to another branch (%s)."),
                            pv_action_label(act));
    }
    return PV_OK;
}

bool pv_authz_role_may(const pv_ctx *ctx, pv_action act)
{
    const pv_actor *a = &ctx->actor;
    if (act < 0 || act >= PV_ACT__COUNT)
        return false;
    return a->role == PV_ROLE_SYSTEM || (action_table[act].roles & (1u << a->role)) != 0;
}
