/* parvande — users, passwords, login and lockout.
 *
 * Each user has a login name, a role (caseworker, supervisor, administrator;
 * see authz.h for what each may do) and a branch. Passwords are hashed with
 * Argon2id (libsodium crypto_pwhash_str, "interactive" limits) and never
 * stored, logged or kept in memory longer than the call: every function
 * that takes a password reads it and wipes its own copies; the caller wipes
 * its buffer (sodium_memzero) once the call returns.
 *
 * Lockout: PV_LOCKOUT_ATTEMPTS wrong passwords in a row for one login name
 * lock that name for PV_LOCKOUT_MINUTES. The count lives in the database,
 * so it survives restarts, and it is kept for any name typed — existing or
 * not — so a caller cannot learn which names exist. A correct password
 * while not locked clears the count.
 *
 * Every login, failed login, lockout and user change is appended to the
 * audit trail (audit.h).
 *
 * Errors (pv_error filled, caller clears it): PV_EDENIED when the acting
 * user may not do this, or for a wrong name or password; PV_ELOCKED for a
 * locked account (the message says how many minutes are left); PV_EINVAL
 * for a bad name, password, role or branch (field "user", "password",
 * "role" or "branch"); PV_ENOTFOUND for an unknown user in the admin
 * functions; PV_ECONFLICT for a name already taken; PV_EFAIL for database
 * or libsodium failures.
 */
#ifndef PARVANDE_USERS_H
#define PARVANDE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "parvande/authz.h"
#include "parvande/context.h"

#define PV_USER_NAME_SZ 64    /* bytes with the NUL, same as pv_actor.name */
#define PV_PASSWORD_MIN 8     /* characters (bytes of UTF-8) at least */
#define PV_PASSWORD_MAX 128   /* bytes at most */
#define PV_LOCKOUT_ATTEMPTS 5 /* wrong passwords in a row that lock a name */
#define PV_LOCKOUT_MINUTES 15
#define PV_IDLE_LOCK_SECONDS 600 /* the interface locks itself after this long idle */

/* One user as listed (no password hash ever leaves the core). */
typedef struct pv_user {
    pv_id id;
    char name[PV_USER_NAME_SZ];
    pv_role role;          /* PV_ROLE_CASEWORKER, _SUPERVISOR or _ADMIN */
    int64_t branch_code;
    bool disabled;
    int failures;          /* wrong passwords in a row since the last good login */
    int locked_minutes;    /* minutes of lockout left, 0 when not locked */
    char created_at[32];   /* UTC "YYYY-MM-DDTHH:MM:SS.sssZ" */
    char last_login[32];   /* UTC, "" when never */
} pv_user;

/* The role names (pv_role_parse, pv_role_code, pv_role_label) are in
 * authz.h, with what each role may do. */

/* Login names: 2..32 bytes of lower-case ASCII letters, digits, '.', '_'
 * and '-', starting with a letter (unambiguous on any terminal, in either
 * direction). Upper case is folded to lower case on input. */
bool pv_user_name_valid(const char *name);

/* ---- set-up and login ---- */

/* *out = true when the database has at least one user (enabled or not).
 * While it has none the program is in set-up mode and runs as the system
 * actor; the command line and the interface then ask for a first
 * administrator. Returns PV_OK or PV_EFAIL (callers must treat a failure
 * as "users exist": never fall back to set-up mode on an error). */
pv_status pv_users_exist(pv_ctx *ctx, bool *out, pv_error *err);

/* Creates the first administrator when the database has no user yet
 * (PV_ECONFLICT otherwise). `branch_code` 0 means this database's branch
 * (pv_ctx_branch). On success the context's actor becomes that
 * administrator. Name and password rules as in pv_user_add. */
pv_status pv_first_admin(pv_ctx *ctx, const char *name, const char *password,
                         int64_t branch_code, pv_error *err);

/* Checks the password of `name` and, on success, makes that user the
 * context's actor (pv_ctx_actor). A wrong password and an unknown name give
 * the same PV_EDENIED message and take the same time; a locked name gives
 * PV_ELOCKED with the minutes left, without checking the password; a
 * disabled account gives PV_EDENIED ("disabled") only after a correct
 * password. Each wrong password counts towards the lockout. */
pv_status pv_login(pv_ctx *ctx, const char *name, const char *password, pv_error *err);

/* Checks the password of the context's current actor again (the idle lock
 * of the interface). The actor is not changed. PV_OK when right;
 * PV_EDENIED when wrong (it counts towards the lockout); PV_ELOCKED once
 * the account is locked — the interface should then log out; PV_EUSAGE
 * when the actor is not a user (system or nobody). */
pv_status pv_user_verify_password(pv_ctx *ctx, const char *password, pv_error *err);

/* The actor becomes nobody (PV_ROLE_NONE): every authorization check then
 * refuses until the next pv_login. */
void pv_logout(pv_ctx *ctx);

/* ---- administration (administrators of the user's branch; the system
 * actor in set-up mode) ---- */

/* Adds a user. `role` caseworker, supervisor or admin; `branch_code` 0
 * means the acting administrator's branch. PV_ECONFLICT when the name is
 * taken (also by a disabled user). */
pv_status pv_user_add(pv_ctx *ctx, const char *name, const char *password, pv_role role,
                      int64_t branch_code, pv_error *err);

/* Sets a new password and clears the lockout of `name`. Allowed to an
 * administrator of the user's branch, and to the user themself. */
pv_status pv_user_passwd(pv_ctx *ctx, const char *name, const char *password, pv_error *err);

/* Disables / re-enables an account (a disabled user cannot log in; users
 * are never deleted, because the audit trail names them). An administrator
 * cannot disable themself (PV_ECONFLICT), so some administrator remains. */
pv_status pv_user_disable(pv_ctx *ctx, const char *name, pv_error *err);
pv_status pv_user_enable(pv_ctx *ctx, const char *name, pv_error *err);

/* The users of the acting administrator's branch (every user for the
 * system actor), by name. Caller frees *out with free(); *n may be 0 with
 * *out NULL. */
pv_status pv_user_list(pv_ctx *ctx, pv_user **out, size_t *n, pv_error *err);

/* ---- clock (tests) ---- */

/* Replaces the clock used for lockouts and audit times: `now(arg)` returns
 * seconds since the epoch (UTC). NULL restores the real clock. The clock
 * belongs to this context only. Needs pv_audit_install to have run on the
 * context (PV_EFAIL otherwise). */
pv_status pv_security_set_clock(pv_ctx *ctx, int64_t (*now)(void *arg), void *arg,
                                pv_error *err);

#endif
