/* Statistics on a small hand-made data set whose answers are written here:
 * a Jalali year boundary (Esfand 30 of the leap year 1403, then 1 Farvardin
 * 1404), a person enrolled twice, enrollments that do not count (requested,
 * rejected), another branch's enrollment that only the system actor sees,
 * breakdowns, money and work per caseworker. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "parvande/calendar.h"
#include "parvande/stats.h"
#include "svc_helpers.h"

#define S000 "19072703102"
#define S002 "19041060106"

/* An enrollment written as the data set needs it (the enrollment API would
 * check eligibility and dates against today). */
static pv_id enr(pv_ctx *ctx, pv_id person, const char *code, const char *date,
                 const char *status, const char *ended, int64_t branch, const char *by,
                 int64_t amount)
{
    static pv_id next = 1000;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db,
                                    "INSERT INTO enrollment (id, person_id, code, branch_code, "
                                    "status, date, jyear, jseason, jmonth, province, "
                                    "province_key, amount, charged_credit, requested_by, "
                                    "ended_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                    "'تهران', 'تهران', ?10, ?11, ?12, ?13)",
                                    -1, &st, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(ctx->db));
    pv_id id = ++next;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, person);
    sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, branch);
    sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, date, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, pv_jalali_period_key(date, PV_PERIOD_YEAR));
    sqlite3_bind_int64(st, 8, pv_jalali_period_key(date, PV_PERIOD_SEASON));
    sqlite3_bind_int64(st, 9, pv_jalali_period_key(date, PV_PERIOD_MONTH));
    sqlite3_bind_int64(st, 10, amount);
    sqlite3_bind_int(st, 11, amount > 0);
    sqlite3_bind_text(st, 12, by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, ended, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(ctx->db));
    sqlite3_finalize(st);
    return id;
}

static void sql(pv_ctx *ctx, const char *s)
{
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(ctx->db, s, NULL, NULL, &msg), SQLITE_OK, "%s: %s", s,
                 msg ? msg : "");
}

/* The data set. A: a girl born 2012 (enrolled twice in 002, across the year
 * boundary); B: a man born 1970; C: rejected in 002 and only requested in
 * 000; D: enrolled at branch 2. */
static pv_id e1, e2, e3, e4;
static pv_ctx *data_set(void)
{
    pv_ctx *ctx = svc_test_db();
    int64_t br = pv_ctx_branch(ctx);
    pv_id h1 = svc_household(ctx, true, true), h2 = svc_household(ctx, true, true);
    pv_person a = svc_person(ctx, h1, 11, PV_REL_CHILD, PV_GENDER_FEMALE, "2012-01-01");
    pv_person b = svc_person(ctx, h2, 12, PV_REL_HEAD, PV_GENDER_MALE, "1970-01-01");
    pv_person c = svc_person(ctx, h1, 13, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-05-05");
    pv_person d = svc_person(ctx, h2, 14, PV_REL_SPOUSE, PV_GENDER_FEMALE, "1975-01-01");
    e1 = enr(ctx, a.id, S002, "2025-03-20", "in_progress", "", br, "sara", 3600000); /* 1403/12/30 */
    e2 = enr(ctx, a.id, S002, "2025-03-21", "completed", "2025-04-10", br, "sara", 3600000);
    e3 = enr(ctx, b.id, S002, "2025-03-21", "completed", "2025-06-25", br, "reza", 3600000);
    e4 = enr(ctx, c.id, S002, "2025-04-05", "rejected", "2025-04-06", br, "sara", 0);
    enr(ctx, d.id, S002, "2025-03-25", "in_progress", "", br + 1, "nima", 3600000);
    enr(ctx, c.id, S000, "2024-12-01", "requested", "", br, "sara", 0);
    char q[1024];
    snprintf(q, sizeof q,
             "INSERT INTO enrollment_event (enrollment_id, date, user, kind) VALUES "
             "(%lld, '2025-03-22', 'boss', 'approve'), (%lld, '2025-04-06', 'boss', 'reject');"
             "INSERT INTO credit (code, province_key, province, year, amount, committed) "
             "VALUES ('" S002 "', 'تهران', 'تهران', 1404, 100000000, 10800000);"
             "UPDATE casefile SET opened_on = '2025-03-21', caseworker = 'sara' "
             "WHERE household_id = %lld;"
             "UPDATE casefile SET opened_on = '2025-01-01', caseworker = 'reza', "
             "status = 'closed', closed_on = '2025-04-01' WHERE household_id = %lld;",
             (long long)e2, (long long)e4, (long long)h1, (long long)h2);
    sql(ctx, q);
    return ctx;
}

static pv_stats_table table(pv_ctx *ctx, const char *code, pv_stats_period p, pv_stats_by by,
                            const char *from, const char *to)
{
    pv_stats_query q = {code, p, by, from, to};
    pv_stats_table t;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_stats_recipients(ctx, &q, &t, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    return t;
}

/* The row of the period starting on `first` (ISO) and group, or NULL. */
static const pv_stats_row *row(const pv_stats_table *t, const char *first, const char *group)
{
    for (size_t i = 0; i < t->n_rows; i++)
        if (strcmp(t->rows[i].span.first, first) == 0 && strcmp(t->rows[i].group, group) == 0)
            return &t->rows[i];
    return NULL;
}

static void expect(const pv_stats_table *t, const char *first, const char *group, int started,
                   int active, int completed)
{
    const pv_stats_row *r = row(t, first, group);
    cr_assert(r, "no row for %s %s", first, group);
    cr_expect_eq(r->started, started, "%s %s started %lld", first, group, (long long)r->started);
    cr_expect_eq(r->active, active, "%s %s active %lld", first, group, (long long)r->active);
    cr_expect_eq(r->completed, completed, "%s %s completed %lld", first, group,
                 (long long)r->completed);
}

Test(stats, periods_cross_the_jalali_year)
{
    pv_stats_span s;
    cr_assert(pv_stats_span_of(PV_STATS_SEASON, "2025-03-20", &s)); /* 1403/12/30, leap */
    cr_expect_eq(s.key, 1403 * 4 + 3);
    cr_expect_str_eq(s.first, "2024-12-21"); /* 1403/10/01 */
    cr_expect_str_eq(s.last, "2025-03-20");
    pv_stats_span_next(PV_STATS_SEASON, &s);
    cr_expect_eq(s.key, 1404 * 4);
    cr_expect_str_eq(s.first, "2025-03-21");
    cr_expect_str_eq(s.last, "2025-06-21"); /* 1404/03/31 */
    cr_assert(pv_stats_span_of(PV_STATS_MONTH, "2025-03-20", &s));
    cr_expect_str_eq(s.first, "2025-02-19"); /* 1403/12/01 */
    cr_assert(pv_stats_span_of(PV_STATS_YEAR, "2026-03-20", &s)); /* 1404/12/29, common */
    cr_expect_eq(s.key, 1404);
    cr_expect_str_eq(s.last, "2026-03-20");
    char label[64];
    pv_i18n_set_lang("en");
    pv_stats_span_label(PV_LANG_EN, PV_STATS_MONTH, &(pv_stats_span){0, "2025-03-21", ""}, label,
                        sizeof label);
    cr_expect_str_eq(label, "Farvardin 1404");
}

Test(stats, months_for_a_caseworker_of_the_branch)
{
    pv_ctx *ctx = data_set();
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    pv_stats_table t = table(ctx, S002, PV_STATS_MONTH, PV_BY_NONE, "1403/12/01", "1404/04/31");
    cr_expect_str_eq(t.from, "2025-02-19");
    cr_expect_str_eq(t.to, "2025-07-22");
    expect(&t, "2025-02-19", "", 1, 1, 0); /* Esfand 1403: A */
    expect(&t, "2025-03-21", "", 2, 2, 1); /* Farvardin: A again and B; A completed */
    expect(&t, "2025-04-21", "", 0, 2, 0); /* Ordibehesht: A still in 1403's, B */
    expect(&t, "2025-06-22", "", 0, 2, 1); /* Tir: B completed */
    cr_expect_eq(t.n_rows, 5); /* Esfand .. Tir */
    cr_assert_eq(t.n_totals, 1);
    cr_expect_eq(t.totals[0].started, 2);
    cr_expect_eq(t.totals[0].active, 2);
    cr_expect_eq(t.totals[0].completed, 2);
    pv_stats_table_free(&t);
    pv_test_db_close(ctx);
}

Test(stats, the_system_actor_counts_every_branch)
{
    pv_ctx *ctx = data_set();
    pv_stats_table t = table(ctx, S002, PV_STATS_MONTH, PV_BY_BRANCH, "1404/01/01", "1404/01/31");
    char b1[24], b2[24];
    snprintf(b1, sizeof b1, "%lld", (long long)pv_ctx_branch(ctx));
    snprintf(b2, sizeof b2, "%lld", (long long)pv_ctx_branch(ctx) + 1);
    expect(&t, "2025-03-21", b1, 2, 2, 1);
    expect(&t, "2025-03-21", b2, 1, 1, 0);
    pv_stats_table_free(&t);
    pv_test_db_close(ctx);
}

Test(stats, seasons_and_years)
{
    pv_ctx *ctx = data_set();
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    pv_stats_table t = table(ctx, S002, PV_STATS_SEASON, PV_BY_NONE, "1403/10/01", "1404/06/31");
    expect(&t, "2024-12-21", "", 1, 1, 0); /* winter 1403 holds Esfand 30 */
    expect(&t, "2025-03-21", "", 2, 2, 1);
    expect(&t, "2025-06-22", "", 0, 2, 1);
    pv_stats_table_free(&t);
    t = table(ctx, S002, PV_STATS_YEAR, PV_BY_NONE, "1403/01/01", "1404/12/29");
    expect(&t, "2024-03-20", "", 1, 1, 0);
    expect(&t, "2025-03-21", "", 2, 2, 2); /* A once, though enrolled twice */
    pv_stats_table_free(&t);
    t = table(ctx, S002, PV_STATS_DAY, PV_BY_NONE, "1403/12/30", "1404/01/01");
    expect(&t, "2025-03-20", "", 1, 1, 0);
    expect(&t, "2025-03-21", "", 2, 2, 0);
    pv_stats_table_free(&t);
    pv_test_db_close(ctx);
}

Test(stats, breakdowns)
{
    pv_ctx *ctx = data_set();
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    pv_stats_table t = table(ctx, S002, PV_STATS_MONTH, PV_BY_GENDER, "1404/01/01", "1404/01/31");
    expect(&t, "2025-03-21", "female", 1, 1, 1);
    expect(&t, "2025-03-21", "male", 1, 1, 0);
    pv_stats_table_free(&t);
    t = table(ctx, S002, PV_STATS_MONTH, PV_BY_AGE, "1404/01/01", "1404/01/31");
    expect(&t, "2025-03-21", "12-17", 1, 1, 1);
    expect(&t, "2025-03-21", "30-59", 1, 1, 0);
    pv_stats_table_free(&t);
    t = table(ctx, S002, PV_STATS_MONTH, PV_BY_CASEWORKER, "1404/01/01", "1404/01/31");
    expect(&t, "2025-03-21", "reza", 1, 1, 0);
    expect(&t, "2025-03-21", "sara", 1, 1, 1);
    pv_stats_table_free(&t);
    char buf[64];
    pv_i18n_set_lang("en");
    cr_expect_str_eq(pv_stats_group_label(PV_BY_AGE, "00-05", buf, sizeof buf), "0-5");
    cr_expect_str_eq(pv_stats_group_label(PV_BY_DISABILITY, "very_severe", buf, sizeof buf),
                     "very severe");
    pv_test_db_close(ctx);
}

Test(stats, every_service_and_the_sparkline)
{
    pv_ctx *ctx = data_set();
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    /* 000 has only a requested enrollment: no row of it */
    pv_stats_table t = table(ctx, "all", PV_STATS_YEAR, PV_BY_NONE, "1403/01/01", "1404/12/29");
    for (size_t i = 0; i < t.n_rows; i++)
        cr_expect_str_eq(t.rows[i].code, S002);
    pv_stats_table_free(&t);
    int64_t m[12];
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_stats_months(ctx, S002, "2025-05-01", m, 12, &err), PV_OK);
    /* the last month is Ordibehesht 1404, Farvardin before it, Esfand before that */
    cr_expect_eq(m[11], 0);
    cr_expect_eq(m[10], 2);
    cr_expect_eq(m[9], 1);
    cr_expect_eq(m[8], 0);
    pv_test_db_close(ctx);
}

Test(stats, bad_ranges_name_the_field)
{
    pv_ctx *ctx = data_set();
    pv_stats_query q = {S002, PV_STATS_MONTH, PV_BY_NONE, "1404/13/01", NULL};
    pv_stats_table t;
    pv_error err = PV_ERROR_INIT;
    cr_expect_eq(pv_stats_recipients(ctx, &q, &t, &err), PV_EINVAL);
    cr_expect_str_eq(err.field, "from");
    pv_error_clear(&err);
    q = (pv_stats_query){S002, PV_STATS_DAY, PV_BY_NONE, "1390/01/01", "1404/01/01"};
    cr_expect_eq(pv_stats_recipients(ctx, &q, &t, &err), PV_EINVAL);
    cr_expect_str_eq(err.field, "to");
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(stats, money_per_service_and_province)
{
    pv_ctx *ctx = data_set();
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    pv_stats_money *m;
    size_t n;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_stats_money_list(ctx, S002, 1404, &m, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(m[0].province, "تهران");
    cr_expect_eq(m[0].credit, 100000000);
    cr_expect_eq(m[0].committed, 0);     /* the branch's running one is of 1403 */
    cr_expect_eq(m[0].paid, 7200000);    /* e2 and e3 completed */
    cr_expect_eq(m[0].left, 89200000);   /* the province's credit less all it committed */
    free(m);
    cr_assert_eq(pv_stats_money_list(ctx, S002, 1403, &m, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_expect_eq(m[0].credit, 0);
    cr_expect_eq(m[0].committed, 3600000);
    free(m);
    pv_test_db_close(ctx);
}

Test(stats, work_per_caseworker)
{
    pv_ctx *ctx = data_set();
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    pv_stats_work *w;
    size_t n;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_stats_work_list(ctx, "1404/01/01", "1404/01/31", &w, &n, &err), PV_OK);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(w[0].user, "reza");
    cr_expect_eq(w[0].n[PV_WORK_CLOSED_FILES], 1); /* 2025-04-01 */
    cr_expect_eq(w[0].n[PV_WORK_NEW_FILES], 0);    /* opened in Dey 1403 */
    cr_expect_eq(w[0].n[PV_WORK_REQUESTED], 1);
    cr_expect_str_eq(w[1].user, "sara");
    cr_expect_eq(w[1].n[PV_WORK_NEW_FILES], 1);
    cr_expect_eq(w[1].n[PV_WORK_REQUESTED], 2);  /* e2 and e4; e1 is of Esfand */
    cr_expect_eq(w[1].n[PV_WORK_APPROVED], 1);
    cr_expect_eq(w[1].n[PV_WORK_REJECTED], 1);
    free(w);
    pv_test_db_close(ctx);
}

Test(stats, an_ending_event_dates_the_enrollment)
{
    pv_ctx *ctx = data_set();
    char q[256];
    snprintf(q, sizeof q,
             "INSERT INTO enrollment_event (enrollment_id, date, user, kind) VALUES "
             "(%lld, '2025-05-05', 'sara', 'withdraw')", (long long)e1);
    sql(ctx, q);
    sqlite3_stmt *st;
    snprintf(q, sizeof q, "SELECT ended_on FROM enrollment WHERE id = %lld", (long long)e1);
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, q, -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "2025-05-05");
    sqlite3_finalize(st);
    (void)e3;
    pv_test_db_close(ctx);
}

/* ---- the charts, at a known width, in both directions ---- */
#include "chart.h"

static void utf8_cells(const wchar_t *w, int n, char *out, size_t size)
{
    /* wctomb needs a UTF-8 locale; encode by hand instead */
    size_t o = 0;
    for (int i = 0; i < n && o + 4 < size; i++) {
        unsigned c = (unsigned)w[i];
        if (c < 0x80) {
            out[o++] = (char)c;
        } else {
            out[o++] = (char)(0xE0 | (c >> 12));
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[o] = '\0';
}

Test(stats_chart, bars_grow_from_the_start_side)
{
    wchar_t w[10];
    char s[64];
    cr_expect_eq(pv_chart_bar(5, 10, 10, false, w), 5);
    utf8_cells(w, 10, s, sizeof s);
    cr_expect_str_eq(s, "█████     ");
    cr_expect_eq(pv_chart_bar(5, 10, 10, true, w), 5);
    utf8_cells(w, 10, s, sizeof s);
    cr_expect_str_eq(s, "     █████");
    /* 0.3 of 10 cells = 3 cells: 24 eighths; 0.33 -> 26.4 -> 26 eighths: 3 full and 2/8 */
    pv_chart_bar(33, 100, 10, false, w);
    utf8_cells(w, 10, s, sizeof s);
    cr_expect_str_eq(s, "███▎      ");
    pv_chart_bar(33, 100, 10, true, w);
    utf8_cells(w, 10, s, sizeof s);
    cr_expect_str_eq(s, "      ▕███");
    /* 0.35 -> 28 eighths: 3 full and a half */
    pv_chart_bar(35, 100, 10, true, w);
    utf8_cells(w, 10, s, sizeof s);
    cr_expect_str_eq(s, "      ▐███");
    pv_chart_bar(35, 100, 10, false, w);
    utf8_cells(w, 10, s, sizeof s);
    cr_expect_str_eq(s, "███▌      ");
    /* a tiny value still shows; zero and a full bar */
    cr_expect_eq(pv_chart_bar(1, 1000, 10, false, w), 1);
    cr_expect_eq(w[0], 0x258F);
    cr_expect_eq(pv_chart_bar(0, 1000, 10, true, w), 0);
    cr_expect_eq(pv_chart_bar(1000, 1000, 10, true, w), 10);
}

Test(stats_chart, sparkline_runs_with_the_reading_direction)
{
    const int64_t v[5] = {0, 1, 4, 7, 7};
    wchar_t w[5];
    char s[32];
    pv_chart_spark(v, 5, false, w);
    utf8_cells(w, 5, s, sizeof s);
    cr_expect_str_eq(s, " ▂▅██");
    pv_chart_spark(v, 5, true, w);
    utf8_cells(w, 5, s, sizeof s);
    cr_expect_str_eq(s, "██▅▂ ");
}

/* ---- the screen's keys and the person copies ---- */
#include "ui.h"

Test(stats_screen, keys_are_on_the_help_screen_and_home_has_f8)
{
    const pv_binding *all[128];
    size_t n = pv_keys_collect(pv_screen_stats.keys, all, 128);
    for (int f = 3; f <= 5; f++) {
        const pv_binding *b = pv_keys_fkey(pv_screen_stats.keys, f);
        cr_assert(b && b->bar, "F%d has no label", f);
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found = found || all[i] == b;
        cr_expect(found, "F%d is not on the help screen", f);
    }
    const pv_binding *f8 = pv_keys_fkey(pv_screen_home.keys, 8);
    cr_assert(f8 && f8->bar);
    cr_expect_str_eq(f8->bar, "Stats");
}

Test(stats, a_corrected_person_moves_to_their_new_group)
{
    pv_ctx *ctx = data_set();
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    /* B (male) was recorded wrongly: a woman */
    sql(ctx, "UPDATE person SET gender = 'female', updated_by = 'sara' "
             "WHERE id = (SELECT person_id FROM enrollment WHERE requested_by = 'reza')");
    pv_stats_table t = table(ctx, S002, PV_STATS_MONTH, PV_BY_GENDER, "1404/01/01", "1404/01/31");
    expect(&t, "2025-03-21", "female", 2, 2, 1);
    cr_expect_null(row(&t, "2025-03-21", "male"));
    pv_stats_table_free(&t);
    pv_test_db_close(ctx);
}

/* Referrals and inquiries per caseworker, in Farvardin 1404 (2025-03-21 to
 * 2025-04-20; overdue is judged on 2025-04-20, earlier than today). */
Test(stats, referrals_and_inquiries_per_caseworker)
{
    pv_ctx *ctx = data_set();
    int64_t br = pv_ctx_branch(ctx);
    pv_person p = svc_person(ctx, svc_household(ctx, true, true), 31, PV_REL_HEAD,
                             PV_GENDER_FEMALE, "1980-01-01");
    char q[2048];
    snprintf(q, sizeof q,
             "INSERT INTO referral (branch_code, person_id, urgency, referred_by, sent_on, "
             "status, follow_up, closed_on) VALUES "
             /* sent in the range and overdue */
             "(%lld, %lld, 'routine', 'sara', '2025-03-25', 'sent', '2025-04-01', ''),"
             /* sent in the range, its follow-up after it */
             "(%lld, %lld, 'routine', 'sara', '2025-04-02', 'received', '2025-04-30', ''),"
             /* sent before, closed in the range */
             "(%lld, %lld, 'routine', 'sara', '2025-03-01', 'closed', '2025-03-10', '2025-04-05'),"
             /* another branch's: sara the caseworker does not see it */
             "(%lld, %lld, 'routine', 'sara', '2025-03-26', 'sent', '2025-03-27', '');"
             "INSERT INTO inquiry (branch_code, person_id, code, agency_key, sent_on, status, "
             "caseworker) VALUES "
             "(%lld, %lld, '" S002 "', 'x', '2025-03-22', 'pending', 'reza'),"   /* 29 days */
             "(%lld, %lld, '" S002 "', 'x', '2025-04-15', 'pending', 'reza'),"   /* 5 days */
             "(%lld, %lld, '" S002 "', 'x', '2025-03-23', 'confirmed', 'reza'),"
             "(%lld, %lld, '" S002 "', 'x', '2025-02-01', 'pending', 'reza');",  /* before */
             (long long)br, (long long)p.id, (long long)br, (long long)p.id, (long long)br,
             (long long)p.id, (long long)br + 1, (long long)p.id, (long long)br, (long long)p.id,
             (long long)br, (long long)p.id, (long long)br, (long long)p.id, (long long)br,
             (long long)p.id);
    sql(ctx, q);
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, br);
    pv_stats_work *w;
    size_t n;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_stats_work_list(ctx, "1404/01/01", "1404/01/31", &w, &n, &err), PV_OK);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(w[0].user, "reza");
    cr_expect_eq(w[0].n[PV_WORK_INQ_PENDING], 2);
    cr_expect_eq(w[0].n[PV_WORK_INQ_OVERDUE], 1);
    cr_expect_eq(w[0].n[PV_WORK_REF_SENT], 0);
    cr_expect_str_eq(w[1].user, "sara");
    cr_expect_eq(w[1].n[PV_WORK_REF_SENT], 2);
    cr_expect_eq(w[1].n[PV_WORK_REF_CLOSED], 1);
    cr_expect_eq(w[1].n[PV_WORK_REF_OVERDUE], 1);
    cr_expect_eq(w[1].n[PV_WORK_INQ_PENDING], 0);
    free(w);
    cr_expect_str_eq(pv_work_figure_name(PV_WORK_REF_OVERDUE), "referrals_overdue");
    pv_test_db_close(ctx);
}

/* Money per mutual-aid group from its payments, against 001's cap of
 * 300,000,000 a group; members are those who have not left. */
Test(stats, money_per_group_against_its_cap)
{
    pv_ctx *ctx = data_set();
    int64_t br = pv_ctx_branch(ctx);
    pv_id h = svc_household(ctx, true, true);
    pv_person m1 = svc_person(ctx, h, 41, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
    pv_person m2 = svc_person(ctx, h, 42, PV_REL_SPOUSE, PV_GENDER_FEMALE, "1981-01-01");
    pv_person m3 = svc_person(ctx, h, 43, PV_REL_CHILD, PV_GENDER_FEMALE, "2000-01-01");
    char q[2048];
    snprintf(q, sizeof q,
             "INSERT INTO aid_group (id, branch_code, name, name_key, code) VALUES "
             "(1, %lld, 'Sahar', 'sahar', '19071059100'), (2, %lld, 'Baran', 'baran', "
             "'19071059100'), (3, %lld, 'Other', 'other', '19071059100');"
             "INSERT INTO group_member (group_id, person_id, joined_on, left_on) VALUES "
             "(1, %lld, '2025-01-01', NULL), (1, %lld, '2025-01-01', NULL),"
             "(1, %lld, '2025-01-01', '2025-02-01');"
             "INSERT INTO group_payment (group_id, date, amount, user) VALUES "
             "(1, '2025-02-01', 100000000, 'sara'), (1, '2025-03-01', 50000000, 'sara'),"
             "(3, '2025-03-01', 7, 'nima');",
             (long long)br, (long long)br, (long long)br + 1, (long long)m1.id,
             (long long)m2.id, (long long)m3.id);
    sql(ctx, q);
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, br);
    pv_stats_group *g;
    size_t n;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_stats_group_list(ctx, NULL, &g, &n, &err), PV_OK);
    cr_assert_eq(n, 2); /* the other branch's group is not seen */
    cr_expect_str_eq(g[0].group, "Baran");
    cr_expect_eq(g[0].members, 0);
    cr_expect_eq(g[0].used, 0);
    cr_expect_eq(g[0].left, 300000000);
    cr_expect_str_eq(g[1].group, "Sahar");
    cr_expect_eq(g[1].members, 2);
    cr_expect_eq(g[1].used, 150000000);
    cr_expect_eq(g[1].cap, 300000000);
    cr_expect_eq(g[1].left, 150000000);
    free(g);
    pv_test_db_close(ctx);
}

/* Trainees and money per course of 1404; a course of 1403 is left out. */
Test(stats, trainees_and_money_per_course)
{
    pv_ctx *ctx = data_set();
    int64_t br = pv_ctx_branch(ctx);
    pv_id h = svc_household(ctx, true, true);
    pv_person a = svc_person(ctx, h, 51, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
    pv_person b = svc_person(ctx, h, 52, PV_REL_SPOUSE, PV_GENDER_FEMALE, "1981-01-01");
    pv_person c = svc_person(ctx, h, 53, PV_REL_CHILD, PV_GENDER_FEMALE, "2000-01-01");
    char q[2048];
    snprintf(q, sizeof q,
             "INSERT INTO course (id, branch_code, code, title, start_date, jyear, days, "
             "capacity) VALUES (1, %lld, 'L-004', 'Carpet', '2025-04-10', 1404, 10, 20),"
             "(2, %lld, 'L-004', 'Old', '2025-01-10', 1403, 10, 20),"
             "(3, %lld, 'L-004', 'Empty', '2025-05-01', 1404, 5, 8);"
             "INSERT INTO course_trainee (course_id, person_id, status, admitted_on, amount) "
             "VALUES (1, %lld, 'admitted', '2025-04-01', 5000000),"
             "(1, %lld, 'admitted', '2025-04-01', 5000000),"
             "(1, %lld, 'withdrawn', '2025-04-01', 5000000),"
             "(2, %lld, 'admitted', '2025-01-01', 9);",
             (long long)br, (long long)br, (long long)br, (long long)a.id, (long long)b.id,
             (long long)c.id, (long long)a.id);
    sql(ctx, q);
    pv_stats_course *s;
    size_t n;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_stats_course_list(ctx, NULL, 1404, &s, &n, &err), PV_OK);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(s[0].title, "Carpet");
    cr_expect_str_eq(s[0].start, "2025-04-10");
    cr_expect_eq(s[0].trainees, 2);
    cr_expect_eq(s[0].withdrawn, 1);
    cr_expect_eq(s[0].capacity, 20);
    cr_expect_eq(s[0].money, 10000000);
    cr_expect_str_eq(s[1].title, "Empty");
    cr_expect_eq(s[1].trainees, 0);
    cr_expect_eq(s[1].money, 0);
    free(s);
    cr_expect_eq(pv_stats_course_list(ctx, NULL, 99, &s, &n, &err), PV_EINVAL);
    cr_expect_str_eq(err.field, "year");
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

/* Listed, insured and claims per province and year. */
Test(stats, insurance_per_province_and_year)
{
    pv_ctx *ctx = data_set();
    int64_t br = pv_ctx_branch(ctx);
    pv_id h = svc_household(ctx, true, true);
    pv_person a = svc_person(ctx, h, 61, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
    pv_person b = svc_person(ctx, h, 62, PV_REL_SPOUSE, PV_GENDER_FEMALE, "1981-01-01");
    pv_person c = svc_person(ctx, h, 63, PV_REL_CHILD, PV_GENDER_FEMALE, "2000-01-01");
    char q[3072];
#define MEMBER(id, prov, person, listed, policy)                                          \
    "(" id ", '" S002 "', 1404, '" prov "', " person ", '0000000000', 'f', 'l', 'x', "      \
    "'1980-01-01', 'female', 'self', '" prov "', 'c', " listed ", '" policy "')"
    snprintf(q, sizeof q,
             "INSERT INTO insurance_year (code, year, province_key, province, branch_code) "
             "VALUES ('" S002 "', 1404, 'tehran', 'Tehran', %lld),"
             "('" S002 "', 1404, 'qom', 'Qom', %lld);"
             "INSERT INTO insurance_member (id, code, year, province_key, person_id, "
             "national_id, first_name, last_name, father_name, birth_date, gender, "
             "guardianship, province, county, listed, policy_no) VALUES "
             MEMBER("1", "tehran", "%lld", "1", "P1") ", " MEMBER("2", "tehran", "%lld", "1", "")
             ", " MEMBER("3", "tehran", "%lld", "0", "") ", " MEMBER("4", "qom", "%lld", "1", "P4")
             ";"
             "INSERT INTO insurance_claim (member_id, date, note, noted_by) VALUES "
             "(1, '2025-05-01', 'a', 'sara'), (1, '2025-06-01', 'b', 'sara'),"
             "(4, '2025-06-01', 'c', 'sara');",
             (long long)br, (long long)br, (long long)a.id, (long long)b.id, (long long)c.id,
             (long long)a.id);
#undef MEMBER
    sql(ctx, q);
    pv_stats_insurance *s;
    size_t n;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_stats_insurance_list(ctx, S002, 1404, &s, &n, &err), PV_OK);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(s[0].province, "Qom");
    cr_expect_eq(s[0].listed, 1);
    cr_expect_eq(s[0].insured, 1);
    cr_expect_eq(s[0].claims, 1);
    cr_expect_str_eq(s[1].province, "Tehran");
    cr_expect_eq(s[1].year, 1404);
    cr_expect_eq(s[1].listed, 2);
    cr_expect_eq(s[1].insured, 1);
    cr_expect_eq(s[1].claims, 2);
    free(s);
    cr_assert_eq(pv_stats_insurance_list(ctx, NULL, 1403, &s, &n, &err), PV_OK);
    cr_expect_eq(n, 0);
    free(s);
    pv_test_db_close(ctx);
}
