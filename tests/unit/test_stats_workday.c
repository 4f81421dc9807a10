/* The work figures' summary (core/sql_stats5.c) against the enrollments and
 * their events: on random enrollments with approvals and rejections,
 * changed at random (request date, branch, requester, an event's date or
 * kind, deleted events and enrollments), the enrollments requested,
 * approved and rejected per caseworker and branch read from the summary
 * are those counted directly, as core/stats_work.c once counted them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parvande/calendar.h"
#include "parvande/stats.h"
#include "svc_helpers.h"

#define N_ENR 200

static void exec_sql(pv_ctx *ctx, const char *s)
{
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(ctx->db, s, NULL, NULL, &msg), SQLITE_OK, "%s: %s", s,
                 msg ? msg : "");
}

static unsigned long long seed = 20261206;
static unsigned rnd(unsigned n)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((seed >> 33) % n);
}

static void day_plus(long days, char out[11])
{
    pv_iso_format(pv_gregorian_from_days(pv_days_from_gregorian((pv_date){2022, 3, 21}) + days),
                  out);
}

static const char *const users[] = {"sara", "reza", "maryam"};

/* Enrollments over three years in two branches, about half approved and a
 * quarter rejected, each once at most (as core/enroll.c allows). */
static void random_work(pv_ctx *ctx, pv_id person, int64_t br)
{
    exec_sql(ctx, "BEGIN");
    for (int i = 0; i < N_ENR; i++) {
        char date[11], q[1024];
        day_plus(rnd(1100), date);
        snprintf(q, sizeof q,
                 "INSERT INTO enrollment (id, person_id, code, branch_code, status, date, jyear, "
                 "jseason, jmonth, requested_by) VALUES (%d, %lld, '19041060106', %lld, "
                 "'requested', '%s', 0, 0, 0, '%s')",
                 7000 + i, (long long)person, (long long)(br + rnd(2)), date, users[rnd(3)]);
        exec_sql(ctx, q);
        static const char *const kinds[] = {"approve", "reject", "step", "approve"};
        for (int k = 0; k < 4; k++) {
            if (rnd(2))
                continue;
            snprintf(q, sizeof q,
                     "INSERT INTO enrollment_event (enrollment_id, date, user, kind) "
                     "SELECT %d, date(date, '+%u days'), 'boss', '%s' FROM enrollment "
                     "WHERE id = %d AND NOT EXISTS (SELECT 1 FROM enrollment_event "
                     "WHERE enrollment_id = %d AND kind = '%s')",
                     7000 + i, rnd(90), kinds[k], 7000 + i, 7000 + i, kinds[k]);
            exec_sql(ctx, q);
        }
    }
    exec_sql(ctx, "COMMIT");
}

/* Random changes, each its own statement (so each fires the triggers). */
static void random_changes(pv_ctx *ctx, int64_t br)
{
    for (int i = 0; i < 150; i++) {
        int id = 7000 + (int)rnd(N_ENR);
        char q[512], day[11];
        day_plus(rnd(1100), day);
        switch (rnd(7)) {
        case 0:
            snprintf(q, sizeof q, "UPDATE enrollment SET date = '%s' WHERE id = %d", day, id);
            break;
        case 1:
            snprintf(q, sizeof q, "UPDATE enrollment SET branch_code = %lld WHERE id = %d",
                     (long long)(br + rnd(2)), id);
            break;
        case 2:
            snprintf(q, sizeof q, "UPDATE enrollment SET requested_by = '%s' WHERE id = %d",
                     users[rnd(3)], id);
            break;
        case 3:
            snprintf(q, sizeof q, "UPDATE enrollment_event SET date = '%s' WHERE id IN "
                     "(SELECT min(id) FROM enrollment_event WHERE enrollment_id = %d)", day, id);
            break;
        case 4: /* an approval made a step, or a step an approval where none is */
            snprintf(q, sizeof q, "UPDATE enrollment_event SET kind = CASE kind WHEN 'approve' "
                     "THEN 'step' ELSE 'approve' END WHERE enrollment_id = %d AND kind IN "
                     "('approve', 'step') AND (kind = 'approve' OR NOT EXISTS (SELECT 1 FROM "
                     "enrollment_event WHERE enrollment_id = %d AND kind = 'approve'))",
                     id, id);
            break;
        case 5:
            snprintf(q, sizeof q, "DELETE FROM enrollment_event WHERE id IN (SELECT max(id) "
                     "FROM enrollment_event WHERE enrollment_id = %d)", id);
            break;
        default:
            snprintf(q, sizeof q, "DELETE FROM enrollment_event WHERE enrollment_id = %d; "
                     "DELETE FROM enrollment WHERE id = %d", id, id);
        }
        exec_sql(ctx, q);
    }
}

/* The rows of a query "user, branch, count" as one string. */
static char *rows_text(pv_ctx *ctx, const char *sql, const char *from, const char *to)
{
    char *q = sqlite3_mprintf("SELECT group_concat(r, ';') FROM (SELECT u || ',' || b || '=' || "
                              "n AS r FROM (%s) ORDER BY u, b)", sql);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, q, -1, &st, NULL), SQLITE_OK, "%s: %s", q,
                 sqlite3_errmsg(ctx->db));
    sqlite3_free(q);
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    const char *t = (const char *)sqlite3_column_text(st, 0);
    char *out = strdup(t ? t : "");
    sqlite3_finalize(st);
    return out;
}

#define SUMMED(f)                                                                           \
    "SELECT user AS u, branch AS b, sum(n) AS n FROM stats_work_day WHERE figure = '" f "' " \
    "AND day BETWEEN ?1 AND ?2 GROUP BY 1, 2 HAVING sum(n) <> 0"
/* as core/stats_work.c counted before the summary */
#define DIRECT_EVENT(kind)                                                                  \
    "SELECT e.requested_by AS u, e.branch_code AS b, count(*) AS n FROM enrollment e "      \
    "WHERE e.id IN (SELECT v.enrollment_id FROM enrollment_event v WHERE v.kind = '" kind   \
    "' AND v.date BETWEEN ?1 AND ?2) GROUP BY 1, 2"

static void compare(pv_ctx *ctx, const char *when)
{
    static const char *const sql[][2] = {
        {SUMMED("requested"), "SELECT requested_by AS u, branch_code AS b, count(*) AS n "
                              "FROM enrollment WHERE date BETWEEN ?1 AND ?2 GROUP BY 1, 2"},
        {SUMMED("approved"), DIRECT_EVENT("approve")},
        {SUMMED("rejected"), DIRECT_EVENT("reject")}};
    static const char *const ranges[][2] = {{"2022-03-21", "2025-12-31"},
                                            {"2023-03-21", "2024-03-19"},
                                            {"2024-05-07", "2024-05-07"},
                                            {"2022-11-02", "2023-02-14"}};
    for (size_t f = 0; f < 3; f++)
        for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++) {
            char *s = rows_text(ctx, sql[f][0], ranges[r][0], ranges[r][1]);
            char *d = rows_text(ctx, sql[f][1], ranges[r][0], ranges[r][1]);
            cr_expect_str_eq(s, d, "%s: figure %zu, %s..%s", when, f, ranges[r][0],
                             ranges[r][1]);
            cr_assert(r != 0 || strlen(d) > 10, "%s: nothing counted: %s", when, d);
            free(s);
            free(d);
        }
}

/* every count of the table (?1 <= ?2 binds the range rows_text gives) */
#define ALL_COUNTS                                                                          \
    "SELECT figure || day || user AS u, branch AS b, n FROM stats_work_day "                \
    "WHERE n <> 0 AND ?1 <= ?2"

Test(stats_workday, the_summary_follows_every_change)
{
    pv_ctx *ctx = svc_test_db();
    int64_t br = pv_ctx_branch(ctx);
    pv_id hh = svc_household(ctx, true, true);
    pv_id person = svc_person(ctx, hh, 61, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01").id;
    random_work(ctx, person, br);
    compare(ctx, "written");
    random_changes(ctx, br);
    compare(ctx, "changed");
    /* counted from scratch (migration 17's own statement), the same */
    char *before = rows_text(ctx, ALL_COUNTS, "a", "b");
    exec_sql(ctx, "DELETE FROM stats_work_day; INSERT INTO stats_work_day "
                  "SELECT figure, day, branch, user, count(*) FROM stats_work_src "
                  "GROUP BY figure, day, branch, user");
    char *after = rows_text(ctx, ALL_COUNTS, "a", "b");
    cr_expect_str_eq(before, after);
    free(before);
    free(after);
    pv_test_db_close(ctx);
}
