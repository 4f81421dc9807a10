/* The statement helpers (prepare, bind, step, reset in one call) and the
 * growth helper of the core (core/stmt.c, core/internal.h). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"

static pv_ctx *ctx;
static pv_error err;

static void init(void)
{
    ctx = pv_test_db();
}

static void fini(void)
{
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

TestSuite(stmt, .init = init, .fini = fini);

Test(stmt, run_binds_every_type_and_query_reads_back)
{
    cr_assert_eq(pv_exec(ctx, "CREATE TEMP TABLE t (a INTEGER, b INTEGER, c TEXT, d TEXT, e TEXT)",
                         &err), PV_OK);
    char copied[] = "copied";
    cr_assert_eq(pv_run(ctx, "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)", &err, "intst",
                        (int64_t)1 << 40, 7, copied, "static", (const char *)NULL),
                 PV_OK, "%s", err.message);
    strcpy(copied, "xxxxxx"); /* 't' was copied at the bind */
    sqlite3_stmt *st;
    bool row = false;
    cr_assert_eq(pv_query(ctx, "SELECT a, b, c, d, e IS NULL FROM t WHERE b = ?1", &st, &err, "n",
                          7), PV_OK);
    cr_assert_eq(pv_step(ctx, st, &row, &err), PV_OK);
    cr_assert(row);
    cr_assert_eq(sqlite3_column_int64(st, 0), (int64_t)1 << 40);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 2), "copied");
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 3), "static");
    cr_assert_eq(sqlite3_column_int(st, 4), 1);
    cr_assert_eq(pv_step(ctx, st, &row, &err), PV_OK);
    cr_assert(!row, "one row, then the end");
}

Test(stmt, errors_are_reported_not_swallowed)
{
    cr_assert_eq(pv_exec(ctx, "CREATE TEMP TABLE u (a INTEGER NOT NULL)", &err), PV_OK);
    cr_assert_neq(pv_run(ctx, "INSERT INTO u VALUES (?1)", &err, "t", (const char *)NULL), PV_OK);
    cr_assert_not_null(err.message);
    pv_error_clear(&err);
    sqlite3_stmt *st;
    cr_assert_neq(pv_query(ctx, "SELECT * FROM no_such_table", &st, &err, ""), PV_OK);
    cr_assert_not_null(err.message);
}

Test(stmt, grow_doubles_from_first)
{
    int *a = NULL;
    size_t cap = 0;
    for (size_t n = 0; n < 100; n++) {
        int *g = pv_grow(a, n, &cap, sizeof *g, 4);
        cr_assert_not_null(g);
        a = g;
        a[n] = (int)n;
        cr_assert_geq(cap, n + 1);
    }
    cr_assert_eq(cap, 128, "4, 8, 16, 32, 64, 128");
    for (int i = 0; i < 100; i++)
        cr_assert_eq(a[i], i);
    free(a);
    size_t huge = SIZE_MAX / 4 + 1; /* doubled, times 2 bytes: past SIZE_MAX */
    char *one = malloc(1);
    cr_assert_not_null(one);
    cr_assert_null(pv_grow(one, huge, &huge, 2, 1), "an overflowing size is refused");
    cr_assert_eq(huge, SIZE_MAX / 4 + 1, "the capacity unchanged");
    free(one);
}
