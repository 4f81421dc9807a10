/* pv_ctx_begin/commit/rollback: several core calls as one change. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>

#include "helpers.h"
#include "parvande/records.h"

static long count_rows(const char *table)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(pv_test_db_path(), &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* A new household whose head cannot be saved leaves nothing behind. */
Test(transaction, rollback_undoes_every_call)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_person first = pv_test_person(7, "مریم", "احمدی", "علی", PV_GENDER_FEMALE);
    pv_id hid;
    cr_assert_eq(pv_household_create(ctx, NULL, &hid, &err), PV_OK);
    first.household_id = hid;
    cr_assert_eq(pv_person_save(ctx, &first, &err), PV_OK);
    long households = count_rows("household"), files = count_rows("casefile");

    cr_assert_eq(pv_ctx_begin(ctx, &err), PV_OK);
    pv_id hid2;
    cr_assert_eq(pv_household_create(ctx, NULL, &hid2, &err), PV_OK);
    pv_person again = pv_test_person(7, "زهرا", "کریمی", "حسن", PV_GENDER_FEMALE);
    again.household_id = hid2;
    cr_assert_neq(pv_person_save(ctx, &again, &err), PV_OK, "the same national ID twice");
    pv_ctx_rollback(ctx);
    pv_error_clear(&err);

    cr_expect_eq(count_rows("household"), households);
    cr_expect_eq(count_rows("casefile"), files);
    cr_expect_eq(count_rows("person"), 1);
    pv_test_db_close(ctx);
}

Test(transaction, commit_keeps_every_call_and_nesting_is_refused)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ctx_begin(ctx, &err), PV_OK);
    cr_expect_eq(pv_ctx_begin(ctx, &err), PV_EUSAGE, "a second begin is refused");
    pv_error_clear(&err);
    pv_id hid;
    cr_assert_eq(pv_household_create(ctx, NULL, &hid, &err), PV_OK);
    pv_person p = pv_test_person(11, "رضا", "محمدی", "حسین", PV_GENDER_MALE);
    p.household_id = hid;
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK);
    cr_assert_eq(pv_ctx_commit(ctx, &err), PV_OK);
    cr_expect_eq(count_rows("person"), 1);
    cr_expect_eq(count_rows("household"), 1);
    pv_ctx_rollback(ctx); /* nothing open: harmless */
    cr_expect_eq(count_rows("person"), 1);
    pv_test_db_close(ctx);
}
