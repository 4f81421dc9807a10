/* The row reader of the core (pv_read_rows, core/stmt.c): one element a
 * row, the array grown past its first room, and nothing left behind when a
 * row cannot be read. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"

static pv_ctx *ctx;
static pv_error err;

typedef struct item {
    int64_t n;
    char *label; /* owned */
} item;

static int drops;

/* user: the row number that fails (0: none) */
static bool item_fill(sqlite3_stmt *st, void *elem, void *user)
{
    item *it = elem;
    it->n = sqlite3_column_int64(st, 0);
    it->label = strdup((const char *)sqlite3_column_text(st, 1));
    return user == NULL || it->n != *(int64_t *)user;
}

static void item_drop(void *elem)
{
    drops++;
    free(((item *)elem)->label);
}

static const pv_row_reader items = {sizeof(item), 2, item_fill, item_drop};

static void init(void)
{
    ctx = pv_test_db();
    drops = 0;
    cr_assert_eq(pv_exec(ctx,
                         "CREATE TEMP TABLE t AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL "
                         "SELECT n + 1 FROM c WHERE n < 9) SELECT n, 'row ' || n AS label FROM c",
                         &err),
                 PV_OK, "%s", err.message);
}

static void fini(void)
{
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

TestSuite(rows, .init = init, .fini = fini);

static sqlite3_stmt *select_from(int64_t from)
{
    sqlite3_stmt *st;
    cr_assert_eq(pv_query(ctx, "SELECT n, label FROM t WHERE n >= ?1 ORDER BY n", &st, &err, "i",
                          from),
                 PV_OK);
    return st;
}

Test(rows, every_row_in_order_past_the_first_room)
{
    size_t n = 99;
    pv_status s = PV_EFAIL;
    item *arr = pv_read_rows(ctx, select_from(1), &items, NULL, &n, &s, &err);
    cr_assert_eq(s, PV_OK, "%s", err.message);
    cr_assert_eq(n, 9);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(arr[i].n, (int64_t)i + 1);
        char want[32];
        snprintf(want, sizeof want, "row %zu", i + 1);
        cr_assert_str_eq(arr[i].label, want);
        item_drop(&arr[i]);
    }
    free(arr);
}

Test(rows, no_row_is_an_empty_list)
{
    size_t n = 99;
    pv_status s = PV_EFAIL;
    void *arr = pv_read_rows(ctx, select_from(100), &items, NULL, &n, &s, &err);
    cr_assert_eq(s, PV_OK);
    cr_assert_null(arr);
    cr_assert_eq(n, 0);
}

Test(rows, a_row_that_fails_drops_every_element_read)
{
    size_t n = 99;
    pv_status s = PV_OK;
    int64_t failing = 5;
    void *arr = pv_read_rows(ctx, select_from(1), &items, &failing, &n, &s, &err);
    cr_assert_eq(s, PV_EFAIL);
    cr_assert_null(arr);
    cr_assert_eq(n, 0);
    cr_assert_eq(drops, 5, "the four rows read and the half-filled fifth");
    cr_assert_not_null(err.message);
    /* the statement was reset: it reads again from the start */
    arr = pv_read_rows(ctx, select_from(8), &items, NULL, &n, &s, &err);
    cr_assert_eq(s, PV_OK);
    cr_assert_eq(n, 2);
    item *it = arr;
    cr_assert_eq(it[0].n, 8);
    item_drop(&it[0]);
    item_drop(&it[1]);
    free(arr);
}

Test(rows, a_database_error_comes_back_as_status)
{
    cr_assert_eq(pv_exec(ctx, "CREATE TEMP TABLE big (x INTEGER)", &err), PV_OK);
    cr_assert_eq(pv_exec(ctx, "INSERT INTO big VALUES (1), (2)", &err), PV_OK);
    sqlite3_stmt *st;
    /* abs() of the smallest integer overflows at the second row */
    cr_assert_eq(pv_query(ctx,
                          "SELECT abs(CASE x WHEN 2 THEN -9223372036854775807 - 1 ELSE x END), "
                          "'x' FROM big",
                          &st, &err, ""),
                 PV_OK);
    size_t n = 99;
    pv_status s = PV_OK;
    void *arr = pv_read_rows(ctx, st, &items, NULL, &n, &s, &err);
    cr_assert_eq(s, PV_EFAIL);
    cr_assert_null(arr);
    cr_assert_eq(n, 0);
    cr_assert_eq(drops, 1);
    cr_assert_not_null(err.message);
}
