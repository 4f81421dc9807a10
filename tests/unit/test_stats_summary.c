/* The statistics' summary (core/sql_stats2.c, core/sql_stats4.c) against the
 * enrollments: the calendar it counts with, the triggers' reading of one
 * person through the index, and on random enrollments changed at random
 * (status, end, person, service, deleted, completed by an event, the
 * requester and province) the same figures read from the summary and counted
 * directly, for every period kind and breakdown, both branch scopes, one
 * service and every service. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parvande/calendar.h"
#include "parvande/stats.h"
#include "stats_internal.h"
#include "svc_helpers.h"

#define S000 "19072703102"
#define S002 "19041060106"

static void exec_sql(pv_ctx *ctx, const char *s)
{
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(ctx->db, s, NULL, NULL, &msg), SQLITE_OK, "%s: %s", s,
                 msg ? msg : "");
}

/* A statement of the test's own; asserts it is valid. */
static sqlite3_stmt *prepare(pv_ctx *ctx, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(ctx->db));
    return st;
}

/* The triggers count a changed person again from stats_contrib filtered by
 * person and service: every enrollment read must come through an index (a
 * scan would be every enrollment at every change). */
Test(stats_summary, a_person_is_read_through_the_index)
{
    pv_ctx *ctx = pv_test_db();
    sqlite3_stmt *st = prepare(ctx, "EXPLAIN QUERY PLAN SELECT * FROM stats_contrib "
                                    "WHERE person_id IN (1, 2) AND code IN ('a', 'b')");
    int searches = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        cr_expect(strncmp(d, "SCAN e", 6) != 0 && !strstr(d, "SCAN enrollment"),
                  "a scan of the enrollments: %s", d);
        searches += strncmp(d, "SEARCH e USING", 14) == 0;
    }
    sqlite3_finalize(st);
    cr_expect_geq(searches, 3, "the points, pairs and spans each search the enrollments");
    pv_test_db_close(ctx);
}

Test(stats_summary, the_calendar_is_the_programs)
{
    pv_ctx *ctx = pv_test_db();
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, "SELECT first, mkey FROM stats_month ORDER BY first",
                                    -1, &st, NULL),
                 SQLITE_OK);
    long n = 0, prev = -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *first = (const char *)sqlite3_column_text(st, 0);
        pv_date g;
        cr_assert(pv_iso_parse(first, &g), "%s", first);
        pv_date j = pv_gregorian_to_jalali(g);
        cr_assert_eq(j.d, 1, "%s is not a month's first day", first);
        if (sqlite3_column_type(st, 1) == SQLITE_NULL) { /* the end: 1500/01/01 */
            cr_expect_eq(j.y, 1500);
            break;
        }
        cr_assert_eq(sqlite3_column_int64(st, 1), pv_jalali_period_key(first, PV_PERIOD_MONTH),
                     "%s", first);
        cr_assert(prev < 0 || sqlite3_column_int64(st, 1) == prev + 1, "%s: a month missed",
                  first);
        prev = (long)sqlite3_column_int64(st, 1);
        n++;
    }
    sqlite3_finalize(st);
    cr_expect_eq(n, 221 * 12); /* 1279/01 .. 1499/12 */
    pv_test_db_close(ctx);
}

static unsigned long long seed = 20251203;
static unsigned rnd(unsigned n)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((seed >> 33) % n);
}

static void day_plus(const char *iso, long days, char out[11])
{
    pv_date g;
    pv_iso_parse(iso, &g);
    pv_iso_format(pv_gregorian_from_days(pv_days_from_gregorian(g) + days), out);
}

#define N_PERSONS 12
#define N_ENR 160
static pv_id persons[N_PERSONS];

/* Random enrollments from 1401/01/01 over three and a half years: every
 * status, ended or running, in two branches and two services. */
static void random_enrollments(pv_ctx *ctx, int64_t br)
{
    static const char *const statuses[] = {"requested", "in_progress", "completed", "rejected",
                                           "withdrawn"};
    char first[11];
    pv_iso_format(pv_jalali_to_gregorian((pv_date){1401, 1, 1}), first);
    exec_sql(ctx, "BEGIN");
    for (int i = 0; i < N_ENR; i++) {
        char date[11], end[11] = "", q[1024];
        day_plus(first, rnd(1280), date);
        const char *status = statuses[rnd(5)];
        if (strcmp(status, "requested") != 0 && (strcmp(status, "in_progress") != 0 || rnd(4) == 0))
            day_plus(date, rnd(200), end);
        snprintf(q, sizeof q,
                 "INSERT INTO enrollment (id, person_id, code, branch_code, status, date, jyear, "
                 "jseason, jmonth, requested_by, province, ended_on) VALUES (%d, %lld, '%s', "
                 "%lld, '%s', '%s', 0, 0, 0, '%s', '%s', '%s')",
                 5000 + i, (long long)persons[rnd(N_PERSONS)], rnd(2) ? S002 : S000,
                 (long long)(br + rnd(2)), status, date, rnd(3) ? "sara" : "reza",
                 rnd(2) ? "tehran" : "qom", end);
        exec_sql(ctx, q);
    }
    exec_sql(ctx, "COMMIT");
}

/* Random changes, each its own statement (so each fires the triggers). */
static void random_changes(pv_ctx *ctx)
{
    static const char *const statuses[] = {"requested", "in_progress", "completed", "rejected",
                                           "withdrawn"};
    for (int i = 0; i < 120; i++) {
        int id = 5000 + (int)rnd(N_ENR);
        char q[512], end[11];
        day_plus("2023-01-01", rnd(900), end);
        switch (rnd(7)) {
        case 6: /* the breakdowns' values of the enrollment */
            snprintf(q, sizeof q, "UPDATE enrollment SET requested_by = '%s', province = '%s' "
                     "WHERE id = %d", rnd(2) ? "sara" : "reza", rnd(2) ? "tehran" : "", id);
            break;
        case 0:
            snprintf(q, sizeof q, "UPDATE enrollment SET status = '%s' WHERE id = %d",
                     statuses[rnd(5)], id);
            break;
        case 1:
            /* never before its start: such a row touches no range it
             * could be counted in directly */
            snprintf(q, sizeof q, "UPDATE enrollment SET ended_on = '%s' WHERE id = %d "
                     "AND date <= '%s'", rnd(3) ? end : "", id, end);
            break;
        case 2:
            snprintf(q, sizeof q, "UPDATE enrollment SET person_id = %lld, code = '%s' "
                     "WHERE id = %d", (long long)persons[rnd(N_PERSONS)], rnd(2) ? S002 : S000,
                     id);
            break;
        case 3:
            snprintf(q, sizeof q, "DELETE FROM enrollment_event WHERE enrollment_id = %d; "
                     "DELETE FROM enrollment WHERE id = %d", id, id);
            break;
        case 4:
            snprintf(q, sizeof q, "UPDATE enrollment SET date = '%s' WHERE id = %d AND "
                     "(ended_on = '' OR ended_on >= '%s')", end, id, end);
            break;
        default:
            snprintf(q, sizeof q,
                     "UPDATE enrollment SET status = 'completed' WHERE id = %d; "
                     "INSERT INTO enrollment_event (enrollment_id, date, user, kind) "
                     "SELECT id, max(date, '%s'), 'sara', 'complete' FROM enrollment "
                     "WHERE id = %d", id, end, id);
        }
        exec_sql(ctx, q);
    }
}

static pv_stats_table table(pv_ctx *ctx, const char *code, pv_stats_period p, pv_stats_by by,
                            const char *from, const char *to, bool direct)
{
    pv_stats_query q = {code, p, by, from, to};
    pv_stats_table t;
    pv_error err = PV_ERROR_INIT;
    stats_summary_off = direct;
    pv_status s = pv_stats_recipients(ctx, &q, &t, &err);
    stats_summary_off = false;
    cr_assert_eq(s, PV_OK, "%s", err.message ? err.message : "");
    return t;
}

static void same_rows(const pv_stats_row *a, size_t na, const pv_stats_row *b, size_t nb,
                      const char *what)
{
    if (na != nb && getenv("DEBUG_STATS"))
        for (size_t i = 0; i < (na > nb ? na : nb); i++)
            fprintf(stderr, "%ld %s %lld/%lld/%lld | %ld %s %lld/%lld/%lld\n",
                    i < na ? a[i].span.key : 0, i < na ? a[i].code : "",
                    i < na ? (long long)a[i].started : 0, i < na ? (long long)a[i].active : 0,
                    i < na ? (long long)a[i].completed : 0, i < nb ? b[i].span.key : 0,
                    i < nb ? b[i].code : "", i < nb ? (long long)b[i].started : 0,
                    i < nb ? (long long)b[i].active : 0, i < nb ? (long long)b[i].completed : 0);
    cr_assert_eq(na, nb, "%s: %zu rows from the summary, %zu counted", what, na, nb);
    for (size_t i = 0; i < na; i++) {
        cr_assert_eq(a[i].span.key, b[i].span.key, "%s row %zu", what, i);
        cr_assert_str_eq(a[i].code, b[i].code, "%s row %zu", what, i);
        cr_assert_str_eq(a[i].group, b[i].group, "%s row %zu", what, i);
        cr_assert_eq(a[i].started, b[i].started, "%s row %zu (%ld %s) started", what, i,
                     a[i].span.key, a[i].code);
        cr_assert_eq(a[i].active, b[i].active, "%s row %zu (%ld %s) active", what, i,
                     a[i].span.key, a[i].code);
        cr_assert_eq(a[i].completed, b[i].completed, "%s row %zu (%ld %s) completed", what, i,
                     a[i].span.key, a[i].code);
    }
}

/* Every kind and breakdown, one service and every service, several years,
 * one year, one season, one month; ranges of whole seasons and of whole
 * months across a year's end (the totals from the summary of each), and one
 * of neither (counted directly). */
static void compare_all(pv_ctx *ctx, const char *who)
{
    static const char *const ranges[][2] = {
        {"1401/01/01", "1404/12/29"}, {"1402/01/01", "1402/12/29"},
        {"1403/10/01", "1403/12/30"}, {"1404/02/01", "1404/02/31"},
        {"1401/04/01", "1403/06/31"}, {"1402/08/01", "1403/02/31"},
        {"1402/02/15", "1403/03/10"}};
    const char *codes[] = {"all", S002};
    for (int by = PV_BY_NONE; by < PV_BY__COUNT; by++)
        for (int k = PV_STATS_MONTH; k <= PV_STATS_YEAR; k++)
            for (size_t c = 0; c < 2; c++)
                for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++) {
                    pv_stats_table s = table(ctx, codes[c], (pv_stats_period)k,
                                             (pv_stats_by)by, ranges[r][0], ranges[r][1], false);
                    pv_stats_table d = table(ctx, codes[c], (pv_stats_period)k,
                                             (pv_stats_by)by, ranges[r][0], ranges[r][1], true);
                    char what[128];
                    snprintf(what, sizeof what, "%s by %d kind %d %s %s..%s", who, by, k,
                             codes[c], ranges[r][0], ranges[r][1]);
                    same_rows(s.rows, s.n_rows, d.rows, d.n_rows, what);
                    same_rows(s.totals, s.n_totals, d.totals, d.n_totals, what);
                    pv_stats_table_free(&s);
                    pv_stats_table_free(&d);
                }
}

/* The summary's rows as one string, to compare two states of it. */
static char *summary_text(pv_ctx *ctx)
{
    sqlite3_stmt *st = prepare(ctx, "SELECT group_concat(r, ';') FROM (SELECT kind || ',' || "
                                    "branch || ',' || measure || ',' || code || ',' || key || "
                                    "'=' || n AS r FROM stats_count WHERE n <> 0 "
                                    "ORDER BY kind, branch, dim, measure, code, grp, key)");
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    const char *t = (const char *)sqlite3_column_text(st, 0);
    char *out = strdup(t ? t : "");
    sqlite3_finalize(st);
    return out;
}

Test(stats_summary, random_enrollments_read_as_counted)
{
    pv_ctx *ctx = svc_test_db();
    int64_t br = pv_ctx_branch(ctx);
    pv_id hh = svc_household(ctx, true, true);
    /* every age band, birthdays inside the ranges (so a person's band
     * changes between enrollments), born on Esfand 30 of a leap year
     * (1399/12/30) and before the summary's calendar (1279) */
    static const char *const births[N_PERSONS] = {
        "1990-01-01", "2021-03-20", "2018-07-15", "2011-11-02", "2006-05-30", "1996-02-18",
        "1964-09-09", "1962-12-21", "1895-06-01", "1979-03-21", "2016-03-19", "2008-08-08"};
    for (int i = 0; i < N_PERSONS; i++)
        persons[i] = svc_person(ctx, hh, 31 + (unsigned long)i, i ? PV_REL_CHILD : PV_REL_HEAD,
                                i % 2 ? PV_GENDER_MALE : PV_GENDER_FEMALE, births[i])
                         .id;
    random_enrollments(ctx, br);
    random_changes(ctx);
    compare_all(ctx, "system");
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, br);
    compare_all(ctx, "branch");
    /* derived data: neither audited nor a record of the trail */
    sqlite3_stmt *st = prepare(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name GLOB 'stats_*' AND name GLOB 'pv_audit_*'");
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_expect_eq(sqlite3_column_int(st, 0), 0, "the summary's tables are audited");
    sqlite3_finalize(st);
    /* the triggers' counts are those counted again from scratch */
    char *kept = summary_text(ctx);
    cr_assert(strlen(kept) > 100, "the summary is empty: %s", kept);
    exec_sql(ctx, "BEGIN");
    cr_assert_eq(pv_stats_summary_build(ctx, NULL), PV_OK);
    exec_sql(ctx, "COMMIT");
    char *again = summary_text(ctx);
    cr_expect_str_eq(kept, again);
    free(again);
    /* in batches that end inside the persons' enrollments too */
    for (int rows = 1; rows <= 7; rows += 3) {
        exec_sql(ctx, "BEGIN");
        cr_assert_eq(pv_stats_summary_build_in(ctx, rows, NULL), PV_OK);
        exec_sql(ctx, "COMMIT");
        again = summary_text(ctx);
        cr_expect_str_eq(kept, again, "in batches of %d rows", rows);
        free(again);
    }
    free(kept);
    pv_test_db_close(ctx);
}
