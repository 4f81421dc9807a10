/* Tests of the password hash's limits (doc/security.md): new hashes are
 * Argon2id over 32 MiB in 4 passes; a hash of the old limits (64 MiB, 2
 * passes) still logs in and is made again with the new ones by that
 * login, and only by a right password. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/audit.h"
#include "parvande/users.h"

#define NEW_LIMITS "$argon2id$v=19$m=32768,t=4,p=1$"
#define OLD_LIMITS "$argon2id$v=19$m=65536,t=2,p=1$"

static void stored_hash(pv_ctx *ctx, const char *name, char out[crypto_pwhash_STRBYTES])
{
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, "SELECT pwhash FROM user WHERE name = ?1", -1, &st,
                                    NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, crypto_pwhash_STRBYTES, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

Test(password_limits, an_old_hash_logs_in_and_is_made_again)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    char hash[crypto_pwhash_STRBYTES];
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    cr_assert_eq(pv_first_admin(ctx, "admin", "correct horse", 0, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    stored_hash(ctx, "admin", hash);
    cr_assert_eq(strncmp(hash, NEW_LIMITS, strlen(NEW_LIMITS)), 0, "%s", hash);

    /* as an earlier parvande stored it */
    cr_assert_eq(crypto_pwhash_str_alg(hash, "correct horse", 13, 2, (size_t)64 << 20,
                                       crypto_pwhash_ALG_ARGON2ID13), 0);
    char *sql = sqlite3_mprintf("UPDATE user SET pwhash = %Q WHERE name = 'admin'", hash);
    cr_assert_eq(sqlite3_exec(ctx->db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);

    cr_assert_eq(pv_login(ctx, "admin", "wrong horse", &err), PV_EDENIED);
    stored_hash(ctx, "admin", hash);
    cr_assert_eq(strncmp(hash, OLD_LIMITS, strlen(OLD_LIMITS)), 0, "a wrong password changes nothing");

    pv_error_clear(&err);
    cr_assert_eq(pv_login(ctx, "admin", "correct horse", &err), PV_OK, "%s",
                 err.message ? err.message : "");
    stored_hash(ctx, "admin", hash);
    cr_assert_eq(strncmp(hash, NEW_LIMITS, strlen(NEW_LIMITS)), 0, "made again: %s", hash);
    cr_assert_eq(crypto_pwhash_str_verify(hash, "correct horse", 13), 0);
    pv_logout(ctx);
    cr_assert_eq(pv_login(ctx, "admin", "correct horse", &err), PV_OK, "and it logs in");
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}
