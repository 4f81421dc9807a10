/* parvande — who may do what. Enforced in the core: every core function
 * that reads or changes a beneficiary's file, an enrollment, a user, the
 * catalog or a credit asks pv_authz_check() first, so no interface can
 * bypass it.
 *
 * Roles: caseworker — read, create and edit files and request enrollments
 * in their own branch; supervisor — as a caseworker, plus approvals,
 * overrides, closing files and imports; administrator — users, the catalog
 * and its rules, credits, the audit trail, but no writing of beneficiaries'
 * files, by import or otherwise (separation of duties). Every role is confined to the user's
 * branch. The system actor (the program itself, before anyone logs in:
 * init, migrations) may do everything. */
#ifndef PARVANDE_AUTHZ_H
#define PARVANDE_AUTHZ_H

#include <stdbool.h>
#include "parvande/context.h"

typedef enum pv_action {
    PV_ACT_FILE_READ = 0,
    PV_ACT_FILE_WRITE,
    PV_ACT_FILE_CLOSE,
    PV_ACT_IMPORT,
    PV_ACT_ENROLL_REQUEST,
    PV_ACT_ENROLL_ADVANCE,
    PV_ACT_ENROLL_APPROVE,
    PV_ACT_ENROLL_OVERRIDE,
    PV_ACT_CATALOG_ADMIN,
    PV_ACT_CREDIT_ADMIN,
    PV_ACT_USER_ADMIN,
    PV_ACT_AUDIT_READ,
    PV_ACT_BACKUP,
    PV_ACT__COUNT
} pv_action;

/* PV_OK when the context's actor may do `act` on a record of
 * `branch_code` (0: not tied to a branch); else PV_EDENIED with a
 * translated message saying what was refused. */
pv_status pv_authz_check(pv_ctx *ctx, pv_action act, int64_t branch_code, pv_error *err);

/* True when a record of `branch_code` is another branch's, which the actor
 * may not even know exists: the caller then answers exactly as for a record
 * that is not there (the same status, PV_ENOTFOUND, and the same message),
 * never "not permitted". The attempt goes to the audit trail as a refusal
 * of `act`. False for the actor's own branch, for branch 0 and for the
 * system actor. */
bool pv_authz_hidden(pv_ctx *ctx, pv_action act, int64_t branch_code);

/* True when the actor may see every branch (only the system actor);
 * otherwise lists, searches, counts and exports must filter on
 * pv_ctx_actor(ctx)->branch_code. */
bool pv_authz_all_branches(const pv_ctx *ctx);

/* Role names as stored and typed: "caseworker", "supervisor", "admin"
 * (also "administrator"). pv_role_parse returns PV_ROLE_NONE for anything
 * else. pv_role_code returns a static string ("system" for PV_ROLE_SYSTEM,
 * "" for PV_ROLE_NONE); pv_role_label the translated name. */
pv_role pv_role_parse(const char *s);
const char *pv_role_code(pv_role r);
const char *pv_role_label(pv_role r);

/* Translated name of an action, for messages and the audit trail. */
const char *pv_action_label(pv_action act);

/* Whether the context's actor's role may do `act` at all (its branch not
 * considered). A question for showing only the keys a role can use: it
 * records nothing, and the core still checks when the action is done. */
bool pv_authz_role_may(const pv_ctx *ctx, pv_action act);

#endif
