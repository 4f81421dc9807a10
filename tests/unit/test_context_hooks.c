/* Tests of the hooks through which the context and the role table tell the
 * audit trail what it must hear of (core/open.c wires them): a refusal
 * held during a transaction is in the trail as soon as the transaction is
 * over, before anything else, whether it was committed or rolled back; and
 * a context opened without hooks still works, recording nothing. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/authz.h"
#include "parvande/records.h"

/* Rows the query counts, read by a connection of its own: what another
 * program would see of the trail. */
static int count_elsewhere(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_open_v2(pv_test_db_path(), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static const char refused_sql[] =
    "SELECT count(*) FROM audit WHERE outcome = 'refused' AND actor = 'sara'"
    " AND action = 'user-admin'";

/* A caseworker tries to manage users inside a transaction: refused, and
 * held until the transaction is over. */
static void refused_in_transaction(pv_ctx *ctx)
{
    pv_error err = PV_ERROR_INIT;
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(pv_ctx_begin(ctx, &err), PV_OK);
    cr_assert_eq(pv_authz_check(ctx, PV_ACT_USER_ADMIN, 1, &err), PV_EDENIED);
    pv_error_clear(&err);
}

Test(context_hooks, a_refusal_held_by_a_rolled_back_transaction_is_in_the_trail_at_once)
{
    pv_ctx *ctx = pv_test_db();
    refused_in_transaction(ctx);
    pv_ctx_rollback(ctx);
    cr_assert_eq(count_elsewhere(refused_sql), 1);
    pv_test_db_close(ctx);
}

Test(context_hooks, a_refusal_held_by_a_committed_transaction_is_in_the_trail_at_once)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    refused_in_transaction(ctx);
    cr_assert_eq(pv_ctx_commit(ctx, &err), PV_OK);
    cr_assert_eq(count_elsewhere(refused_sql), 1);
    pv_test_db_close(ctx);
}

Test(context_hooks, a_held_refusal_comes_before_what_follows_its_transaction)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    refused_in_transaction(ctx);
    pv_ctx_rollback(ctx);
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    pv_person p = pv_test_person(77, "Sara", "Karimi", "", PV_GENDER_FEMALE);
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message ? err.message : "");
    cr_assert_eq(count_elsewhere("SELECT (SELECT max(seq) FROM audit WHERE outcome = 'refused')"
                                 " < (SELECT min(seq) FROM audit WHERE action = 'insert'"
                                 " AND tbl = 'person')"),
                 1);
    pv_test_db_close(ctx);
}

Test(context_hooks, a_context_without_hooks_works_and_records_nothing)
{
    pv_ctx *setup = pv_test_db(); /* a scratch directory for the file */
    char path[4096];
    snprintf(path, sizeof path, "%s-bare", pv_test_db_path());
    pv_error err = PV_ERROR_INIT;
    pv_ctx *ctx = NULL;
    cr_assert_eq(pv_ctx_connect(path, PV_LANG_EN, NULL, &ctx, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    refused_in_transaction(ctx);
    pv_ctx_rollback(ctx);
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, "SELECT count(*) FROM audit", -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    pv_ctx_close(ctx);
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char f[4200];
        snprintf(f, sizeof f, "%s%s", path, suffixes[i]);
        remove(f);
    }
    pv_test_db_close(setup);
}
