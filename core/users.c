/* parvande — users, passwords, login and lockout (see include/parvande/users.h).
 *
 * Passwords: Argon2id through libsodium's crypto_pwhash_str_alg, 4 passes
 * over 32 MiB (about 0.1 s here, as libsodium's "interactive" 2 passes over
 * 64 MiB were, so that every command stays within 64 MB; doc/security.md):
 * slow for someone guessing against a copied database, quick enough for a
 * login. A hash made with other limits still verifies (they are written in
 * it) and is made again with these at the next successful login.
 * Copies of a password and its hash are wiped with sodium_memzero. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/audit.h"
#include "parvande/authz.h"
#include "parvande/branch.h"
#include "parvande/users.h"
#include "security.h"

/* Checked instead of a real hash when the name is unknown, so that a wrong
 * name costs the same time as a wrong password. No password matches it
 * that anyone knows, and it is never accepted anyway. */
static const char dummy_hash[] =
    "$argon2id$v=19$m=32768,t=4,p=1$thIes8mZUerqfWuj1UtkTg$"
    "o18QXsGT6/OihMr3uhOVmn0rx1hjKLLiombxKttOMgY";

#define PW_OPSLIMIT 4ULL
#define PW_MEMLIMIT ((size_t)32 << 20)

/* ---- names (role names are with the role table, core/authz.c) ---- */

/* Folds upper case to lower case into out; false when not a valid name. */
static bool fold_name(const char *in, char out[PV_USER_NAME_SZ])
{
    size_t n = in ? strlen(in) : 0;
    out[0] = '\0';
    if (n < 2 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        bool ok = (c >= 'a' && c <= 'z') || (i > 0 && ((c >= '0' && c <= '9') || c == '.' ||
                                                        c == '_' || c == '-'));
        if (!ok) {
            out[0] = '\0';
            return false;
        }
        out[i] = c;
    }
    out[n] = '\0';
    return true;
}

bool pv_user_name_valid(const char *name)
{
    char buf[PV_USER_NAME_SZ];
    return fold_name(name, buf);
}

static pv_status name_arg(const char *name, char out[PV_USER_NAME_SZ], pv_error *err)
{
    if (fold_name(name, out))
        return PV_OK;
    return pv_error_field(err, "user",
                          _("2 to 32 Latin letters, digits, '.', '_' or '-', starting with a letter"));
}

/* Length in characters, C0 controls and DEL refused (a password is one
 * line, typed or read from a file descriptor). */
static pv_status password_arg(const char *pw, pv_error *err)
{
    size_t chars = 0, bytes = pw ? strlen(pw) : 0;
    for (size_t i = 0; i < bytes; i++) {
        unsigned char c = (unsigned char)pw[i];
        if (c < 0x20 || c == 0x7f)
            return pv_error_field(err, "password", _("it may not contain control characters"));
        if ((c & 0xc0) != 0x80)
            chars++;
    }
    if (chars < PV_PASSWORD_MIN)
        return pv_error_field(err, "password", _("at least 8 characters"));
    if (bytes > PV_PASSWORD_MAX)
        return pv_error_field(err, "password", _("at most 128 bytes"));
    return PV_OK;
}

static pv_status hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], pv_error *err)
{
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return pv_error_set(err, PV_EFAIL, NULL, "%s",
                            _("Not enough memory to hash the password."));
    return PV_OK;
}

/* ---- transactions that nest in a caller's ---- */

/* At the top level a change of the user tables is a write transaction of
 * its own (*own), begun IMMEDIATE so that it waits for another program's
 * lock (pv_tx_begin) instead of failing when its first write finds the lock
 * taken; inside a caller's transaction it is a savepoint. */
static pv_status tx_start(pv_ctx *ctx, bool *own, pv_error *err)
{
    *own = sqlite3_get_autocommit(ctx->db);
    return *own ? pv_tx_begin(ctx, err) : pv_exec(ctx, "SAVEPOINT pv_users", err);
}

static pv_status tx_end(pv_ctx *ctx, bool own, pv_status rc, pv_error *err)
{
    if (own) {
        if (rc == PV_OK)
            return pv_tx_commit(ctx, err);
        pv_tx_rollback(ctx);
        return rc;
    }
    if (rc != PV_OK) {
        pv_exec(ctx, "ROLLBACK TO pv_users", NULL);
        pv_exec(ctx, "RELEASE pv_users", NULL);
        return rc;
    }
    return pv_exec(ctx, "RELEASE pv_users", err);
}

/* ---- the user table ---- */

typedef struct user_row {
    bool found;
    pv_id id;
    pv_role role;
    int64_t branch_code;
    bool disabled;
    char pwhash[crypto_pwhash_STRBYTES];
} user_row;

static pv_status user_get(pv_ctx *ctx, const char *name, user_row *u, pv_error *err)
{
    memset(u, 0, sizeof *u);
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT id, role, branch_code, disabled, pwhash FROM user WHERE name = ?1",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        u->found = true;
        u->id = sqlite3_column_int64(st, 0);
        u->role = pv_role_parse((const char *)sqlite3_column_text(st, 1));
        u->branch_code = sqlite3_column_int64(st, 2);
        u->disabled = sqlite3_column_int(st, 3) != 0;
        const char *h = (const char *)sqlite3_column_text(st, 4);
        snprintf(u->pwhash, sizeof u->pwhash, "%s", h ? h : "");
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status user_exists_or_fail(pv_ctx *ctx, const char *name, user_row *u, pv_error *err)
{
    pv_status rc = user_get(ctx, name, u, err);
    if (rc == PV_OK && !u->found)
        rc = pv_error_set(err, PV_ENOTFOUND, "user", _("No user named %s."), name);
    return rc;
}

pv_status pv_users_exist(pv_ctx *ctx, bool *out, pv_error *err)
{
    *out = true; /* on any failure: never fall back to set-up mode */
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT EXISTS (SELECT 1 FROM user)", &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

static pv_status user_insert(pv_ctx *ctx, const char *name, const char *pwhash, pv_role role,
                             int64_t branch, pv_error *err)
{
    pv_id id;
    pv_status rc = pv_next_id(ctx, "user", &id, err);
    if (rc != PV_OK)
        return rc;
    char at[32];
    pv_sec_format_time(pv_sec_now(ctx), at, sizeof at);
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "INSERT INTO user (id, name, role, branch_code, pwhash, created_at, created_by)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pv_role_code(role), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, branch);
    sqlite3_bind_text(st, 5, pwhash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, ctx->actor.name, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* the hash is about to be wiped */
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    /* a fresh account starts with a clean slate */
    if (pv_stmt(ctx, "DELETE FROM login_state WHERE name = ?1", &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* Validates and hashes the new account's password and inserts it. */
static pv_status add_user(pv_ctx *ctx, const char *name, const char *password, pv_role role,
                          int64_t branch, bool only_first, pv_error *err)
{
    char hash[crypto_pwhash_STRBYTES];
    pv_status rc = hash_password(password, hash, err);
    if (rc != PV_OK)
        return rc;
    bool own;
    rc = tx_start(ctx, &own, err);
    if (rc != PV_OK) {
        sodium_memzero(hash, sizeof hash);
        return rc;
    }
    user_row u;
    bool any = false;
    if (only_first)
        rc = pv_users_exist(ctx, &any, err);
    if (rc == PV_OK && any)
        rc = pv_error_set(err, PV_ECONFLICT, "user", "%s",
                          _("The database already has users; an administrator adds the others."));
    if (rc == PV_OK)
        rc = user_get(ctx, name, &u, err);
    if (rc == PV_OK && u.found)
        rc = pv_error_set(err, PV_ECONFLICT, "user", _("The user name %s is taken."), name);
    if (rc == PV_OK)
        rc = user_insert(ctx, name, hash, role, branch, err);
    sodium_memzero(hash, sizeof hash);
    return tx_end(ctx, own, rc, err);
}

static pv_status branch_arg(pv_ctx *ctx, int64_t branch, int64_t *out, pv_error *err)
{
    if (branch == 0)
        branch = ctx->actor.role == PV_ROLE_SYSTEM || ctx->actor.branch_code == 0
                     ? ctx->branch_code : ctx->actor.branch_code;
    if (branch < 1 || branch > PV_BRANCH_CODE_MAX)
        return pv_error_field(err, "branch", _("the branch code must be a number from 1 to 8388607"));
    *out = branch;
    return PV_OK;
}

pv_status pv_user_add(pv_ctx *ctx, const char *name, const char *password, pv_role role,
                      int64_t branch_code, pv_error *err)
{
    char nm[PV_USER_NAME_SZ];
    int64_t branch = 0;
    pv_status rc = pv_audit_register(ctx, err);
    if (rc == PV_OK)
        rc = branch_arg(ctx, branch_code, &branch, err);
    if (rc == PV_OK)
        rc = pv_authz_check(ctx, PV_ACT_USER_ADMIN, branch, err);
    if (rc != PV_OK)
        return rc;
    if (role != PV_ROLE_CASEWORKER && role != PV_ROLE_SUPERVISOR && role != PV_ROLE_ADMIN)
        return pv_error_field(err, "role", _("caseworker, supervisor or admin"));
    if ((rc = name_arg(name, nm, err)) != PV_OK || (rc = password_arg(password, err)) != PV_OK)
        return rc;
    return add_user(ctx, nm, password, role, branch, false, err);
}

pv_status pv_first_admin(pv_ctx *ctx, const char *name, const char *password,
                         int64_t branch_code, pv_error *err)
{
    char nm[PV_USER_NAME_SZ];
    int64_t branch = 0;
    pv_status rc = pv_audit_register(ctx, err);
    if (rc != PV_OK)
        return rc;
    bool any = true;
    if ((rc = pv_users_exist(ctx, &any, err)) != PV_OK)
        return rc;
    if (any)
        return pv_error_set(err, PV_ECONFLICT, "user", "%s",
                            _("The database already has users; an administrator adds the others."));
    if (ctx->actor.role != PV_ROLE_SYSTEM)
        return pv_error_set(err, PV_EDENIED, NULL, "%s",
                            _("Not permitted: only the set-up creates the first administrator."));
    if ((rc = branch_arg(ctx, branch_code, &branch, err)) != PV_OK ||
        (rc = name_arg(name, nm, err)) != PV_OK || (rc = password_arg(password, err)) != PV_OK)
        return rc;
    rc = add_user(ctx, nm, password, PV_ROLE_ADMIN, branch, true, err);
    if (rc != PV_OK)
        return rc;
    user_row u;
    rc = user_exists_or_fail(ctx, nm, &u, err);
    sodium_memzero(u.pwhash, sizeof u.pwhash);
    if (rc != PV_OK)
        return rc;
    pv_actor a = {.user_id = u.id, .role = PV_ROLE_ADMIN, .branch_code = branch};
    snprintf(a.name, sizeof a.name, "%s", nm);
    pv_ctx_set_actor(ctx, &a);
    return PV_OK;
}

/* ---- lockout ---- */

typedef struct login_state {
    int failures;
    int64_t locked_until;
} login_state;

static pv_status state_get(pv_ctx *ctx, const char *name, login_state *s, pv_error *err)
{
    memset(s, 0, sizeof *s);
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT failures, locked_until FROM login_state WHERE name = ?1", &st,
                err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s->failures = sqlite3_column_int(st, 0);
        s->locked_until = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* Runs `sql` with ?1 = name, ?2 = a, ?3 = text (parameters the statement
 * does not use are simply not bound). */
static pv_status state_exec(pv_ctx *ctx, const char *sql, const char *name, int64_t a,
                            const char *text, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, sql, &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, a);
    if (text)
        sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* Counts a wrong password; *locked when this one locked the name. */
static pv_status state_fail(pv_ctx *ctx, const char *name, int64_t now, bool *locked,
                            pv_error *err)
{
    *locked = false;
    if (pv_ctx_readonly(ctx))
        return PV_OK; /* nothing can be counted on read-only media; the entry says it */
    bool own;
    pv_status rc = tx_start(ctx, &own, err);
    if (rc != PV_OK)
        return rc;
    rc = state_exec(ctx,
                    "INSERT INTO login_state (name, failures) VALUES (?1, 1)"
                    " ON CONFLICT (name) DO UPDATE SET failures = failures + 1",
                    name, 0, NULL, err);
    login_state s;
    if (rc == PV_OK)
        rc = state_get(ctx, name, &s, err);
    if (rc == PV_OK && s.failures >= PV_LOCKOUT_ATTEMPTS) {
        *locked = true;
        rc = state_exec(ctx, "UPDATE login_state SET failures = 0, locked_until = ?2 WHERE name = ?1",
                        name, now + PV_LOCKOUT_MINUTES * 60, NULL, err);
    }
    return tx_end(ctx, own, rc, err);
}

static pv_status state_success(pv_ctx *ctx, const char *name, int64_t now, pv_error *err)
{
    if (pv_ctx_readonly(ctx))
        return PV_OK;
    char at[32];
    pv_sec_format_time(now, at, sizeof at);
    return state_exec(ctx,
                      "INSERT INTO login_state (name, failures, locked_until, last_login)"
                      " VALUES (?1, 0, 0, ?3) ON CONFLICT (name) DO UPDATE SET"
                      " failures = 0, locked_until = 0, last_login = ?3",
                      name, 0, at, err);
}

static int minutes_left(int64_t until, int64_t now)
{
    return (int)((until - now + 59) / 60);
}

static pv_status locked_error(pv_error *err, int minutes)
{
    return pv_error_set(err, PV_ELOCKED, "user",
                        _("This account is locked after too many wrong passwords; try again in "
                          "%d minutes."), minutes);
}

static pv_status denied_error(pv_error *err)
{
    return pv_error_set(err, PV_EDENIED, "password", "%s", _("Wrong user name or password."));
}

/* ---- authentication ---- */

/* Checks name and password; on success fills *out with the user. Every
 * outcome is in the audit trail under `action` ("login" or "unlock"); the
 * name typed is recorded only when it is a user's (a mistyped name may be
 * a password typed in the wrong field). */
/* A hash made with other limits, made again with these after the password
 * proved right. Best effort: when it cannot be written now, the old hash
 * still verifies and the next login tries again. */
static void rehash(pv_ctx *ctx, const char *nm, int64_t id, const char *pw)
{
    char hash[crypto_pwhash_STRBYTES];
    if (hash_password(pw, hash, NULL) == PV_OK)
        state_exec(ctx, "UPDATE user SET pwhash = ?3 WHERE id = ?2 AND name = ?1", nm, id, hash,
                   NULL);
    sodium_memzero(hash, sizeof hash);
}

static pv_status authenticate(pv_ctx *ctx, const char *name, const char *password,
                              const char *action, pv_actor *out, pv_error *err)
{
    pv_status rc = pv_audit_register(ctx, err);
    if (rc == PV_OK)
        rc = pv_audit_flush(ctx, err);
    if (rc != PV_OK)
        return rc;
    char nm[PV_USER_NAME_SZ];
    bool valid = fold_name(name, nm);
    int64_t now = pv_sec_now(ctx);
    user_row u = {0};
    login_state s = {0};
    if (valid && ((rc = state_get(ctx, nm, &s, err)) != PV_OK ||
                  (rc = user_get(ctx, nm, &u, err)) != PV_OK))
        return rc;
    const char *who = u.found ? nm : "?";
    if (s.locked_until > now) {
        sodium_memzero(u.pwhash, sizeof u.pwhash);
        pv_audit_append_as(ctx, who, action, "user", u.id, NULL, "account locked", NULL);
        return locked_error(err, minutes_left(s.locked_until, now));
    }
    const char *pw = password ? password : "";
    if (!u.found)
        snprintf(u.pwhash, sizeof u.pwhash, "%s", dummy_hash);
    bool right = crypto_pwhash_str_verify(u.pwhash, pw, strlen(pw)) == 0;
    bool stale = crypto_pwhash_str_needs_rehash(u.pwhash, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
    sodium_memzero(u.pwhash, sizeof u.pwhash);
    right = right && u.found;
    if (!right) {
        bool locked = false;
        if (valid && (rc = state_fail(ctx, nm, now, &locked, err)) != PV_OK)
            return rc;
        pv_audit_append_as(ctx, who, action, "user", u.id, NULL,
                           u.found ? (locked ? "wrong password; account locked" : "wrong password")
                                   : "unknown user name",
                           NULL);
        return locked ? locked_error(err, PV_LOCKOUT_MINUTES) : denied_error(err);
    }
    if (u.disabled) {
        pv_audit_append_as(ctx, nm, action, "user", u.id, NULL, "account disabled", NULL);
        return pv_error_set(err, PV_EDENIED, "user", "%s",
                            _("This account is disabled; ask an administrator."));
    }
    if ((rc = state_success(ctx, nm, now, err)) != PV_OK ||
        (rc = pv_audit_append_as(ctx, nm, action, "user", u.id, NULL, NULL, err)) != PV_OK)
        return rc;
    if (stale)
        rehash(ctx, nm, u.id, pw);
    *out = (pv_actor){.user_id = u.id, .role = u.role, .branch_code = u.branch_code};
    snprintf(out->name, sizeof out->name, "%s", nm);
    return PV_OK;
}

pv_status pv_login(pv_ctx *ctx, const char *name, const char *password, pv_error *err)
{
    pv_actor a;
    pv_status rc = authenticate(ctx, name, password, "login", &a, err);
    if (rc == PV_OK)
        pv_ctx_set_actor(ctx, &a);
    return rc;
}

static bool actor_is_user(const pv_ctx *ctx)
{
    pv_role r = ctx->actor.role;
    return ctx->actor.user_id != 0 &&
           (r == PV_ROLE_CASEWORKER || r == PV_ROLE_SUPERVISOR || r == PV_ROLE_ADMIN);
}

pv_status pv_user_verify_password(pv_ctx *ctx, const char *password, pv_error *err)
{
    if (!actor_is_user(ctx))
        return pv_error_set(err, PV_EUSAGE, NULL, "%s", _("Nobody is logged in."));
    char name[PV_USER_NAME_SZ];
    snprintf(name, sizeof name, "%s", ctx->actor.name);
    pv_actor a;
    pv_status rc = authenticate(ctx, name, password, "unlock", &a, err);
    if (rc == PV_OK && a.user_id != ctx->actor.user_id)
        rc = pv_error_set(err, PV_EDENIED, NULL, "%s", _("Wrong user name or password."));
    return rc;
}

void pv_logout(pv_ctx *ctx)
{
    pv_actor nobody = {.user_id = 0, .role = PV_ROLE_NONE, .branch_code = 0};
    pv_ctx_set_actor(ctx, &nobody);
}

/* ---- administration ---- */

/* Finds `name` and checks the actor may administer it: an administrator of
 * its branch, or (when `self_ok`) the user themself. The first check does
 * not depend on the user existing, so a caseworker learns nothing. */
static pv_status admin_target(pv_ctx *ctx, const char *name, bool self_ok, char nm[PV_USER_NAME_SZ],
                              user_row *u, bool *self, pv_error *err)
{
    pv_status rc = pv_audit_register(ctx, err);
    if (rc != PV_OK)
        return rc;
    *self = false;
    bool valid = fold_name(name, nm);
    bool is_me = valid && actor_is_user(ctx) && strcmp(nm, ctx->actor.name) == 0;
    if (!(self_ok && is_me) && (rc = pv_authz_check(ctx, PV_ACT_USER_ADMIN, 0, err)) != PV_OK)
        return rc;
    if ((rc = name_arg(name, nm, err)) != PV_OK || (rc = user_exists_or_fail(ctx, nm, u, err)) != PV_OK)
        return rc;
    sodium_memzero(u->pwhash, sizeof u->pwhash);
    *self = is_me && u->id == ctx->actor.user_id;
    if (!(self_ok && *self))
        rc = pv_authz_check(ctx, PV_ACT_USER_ADMIN, u->branch_code, err);
    return rc;
}

pv_status pv_user_passwd(pv_ctx *ctx, const char *name, const char *password, pv_error *err)
{
    char nm[PV_USER_NAME_SZ];
    user_row u;
    bool self;
    pv_status rc = admin_target(ctx, name, true, nm, &u, &self, err);
    if (rc == PV_OK)
        rc = password_arg(password, err);
    char hash[crypto_pwhash_STRBYTES];
    if (rc == PV_OK)
        rc = hash_password(password, hash, err);
    if (rc != PV_OK)
        return rc;
    bool own;
    rc = tx_start(ctx, &own, err);
    if (rc == PV_OK)
        rc = state_exec(ctx, "UPDATE user SET pwhash = ?3 WHERE id = ?2 AND name = ?1", nm, u.id,
                        hash, err);
    if (rc == PV_OK)
        rc = state_exec(ctx, "DELETE FROM login_state WHERE name = ?1", nm, 0, NULL,
                        err);
    if (rc == PV_OK)
        rc = pv_audit_append(ctx, "password-changed", "user", u.id, NULL, NULL, err);
    sodium_memzero(hash, sizeof hash);
    return tx_end(ctx, own, rc, err);
}

static pv_status set_disabled(pv_ctx *ctx, const char *name, int disabled, pv_error *err)
{
    char nm[PV_USER_NAME_SZ];
    user_row u;
    bool self;
    pv_status rc = admin_target(ctx, name, false, nm, &u, &self, err);
    if (rc != PV_OK)
        return rc;
    if (self && disabled)
        return pv_error_set(err, PV_ECONFLICT, "user", "%s",
                            _("You cannot disable your own account."));
    return state_exec(ctx, "UPDATE user SET disabled = ?2 WHERE name = ?1", nm, disabled, NULL, err);
}

pv_status pv_user_disable(pv_ctx *ctx, const char *name, pv_error *err)
{
    return set_disabled(ctx, name, 1, err);
}

pv_status pv_user_enable(pv_ctx *ctx, const char *name, pv_error *err)
{
    return set_disabled(ctx, name, 0, err);
}

pv_status pv_user_list(pv_ctx *ctx, pv_user **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    pv_status rc = pv_audit_register(ctx, err);
    if (rc == PV_OK)
        rc = pv_authz_check(ctx, PV_ACT_USER_ADMIN, 0, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT u.id, u.name, u.role, u.branch_code, u.disabled, u.created_at,"
                " coalesce(s.failures, 0), coalesce(s.locked_until, 0), coalesce(s.last_login, '')"
                " FROM user u LEFT JOIN login_state s ON s.name = u.name"
                " WHERE ?1 OR u.branch_code = ?2 ORDER BY u.name",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_int(st, 1, pv_authz_all_branches(ctx));
    sqlite3_bind_int64(st, 2, ctx->actor.branch_code);
    int64_t now = pv_sec_now(ctx);
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            pv_user *v = realloc(*out, cap * sizeof *v);
            if (!v) {
                rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
                break;
            }
            *out = v;
        }
        pv_user *u = &(*out)[(*n)++];
        memset(u, 0, sizeof *u);
        u->id = sqlite3_column_int64(st, 0);
        snprintf(u->name, sizeof u->name, "%s", (const char *)sqlite3_column_text(st, 1));
        u->role = pv_role_parse((const char *)sqlite3_column_text(st, 2));
        u->branch_code = sqlite3_column_int64(st, 3);
        u->disabled = sqlite3_column_int(st, 4) != 0;
        snprintf(u->created_at, sizeof u->created_at, "%s", (const char *)sqlite3_column_text(st, 5));
        u->failures = sqlite3_column_int(st, 6);
        int64_t until = sqlite3_column_int64(st, 7);
        u->locked_minutes = until > now ? minutes_left(until, now) : 0;
        snprintf(u->last_login, sizeof u->last_login, "%s", (const char *)sqlite3_column_text(st, 8));
    }
    sqlite3_reset(st);
    if (rc == PV_OK && s != SQLITE_DONE)
        rc = pv_db_error(ctx, err);
    if (rc != PV_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- clock (tests): the security state is the audit module's (security.h) ---- */

pv_status pv_security_set_clock(pv_ctx *ctx, int64_t (*now)(void *arg), void *arg,
                                pv_error *err)
{
    struct pv_security *s = pv_sec(ctx);
    if (!s)
        return pv_error_set(err, PV_EFAIL, NULL, "pv_security_set_clock: audit not installed");
    s->now = now;
    s->now_arg = arg;
    return PV_OK;
}
