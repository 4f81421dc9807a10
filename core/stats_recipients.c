/* parvande — recipients per service and period, with a breakdown: one SQL
 * statement of three aggregations (started, active, completed) over the
 * enrollments that touch the range, and one for the totals. The periods an
 * enrollment is active in are a range of period keys joined with a small
 * temporary table of the range's keys, so no query walks the rows in C. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "stats_internal.h"
#include "svc_internal.h"

/* More periods than this in one table (daily figures over 13 years) is
 * surely a mistyped range. */
#define MAX_PERIODS 5000

/* The SQL of each breakdown: the value of an enrollment `e` (the person's
 * values are copied onto it, see core/sql_stats.c). A new breakdown is one
 * more entry. */
static const char *const by_sql[PV_BY__COUNT] = {
    [PV_BY_NONE] = "''",
    [PV_BY_PROVINCE] = "e.province",
    [PV_BY_COUNTY] = "e.county",
    [PV_BY_BRANCH] = "CAST(e.branch_code AS TEXT)",
    [PV_BY_GENDER] = "e.gender",
    [PV_BY_AGE] = "pv_stats_age_band(e.birth_date, e.date)",
    [PV_BY_AREA] = "e.area",
    [PV_BY_DISABILITY] = "e.disability",
    [PV_BY_CASEWORKER] = "e.requested_by",
};

/* The enrollments that count (in progress or completed) and touch the range
 * [?1, ?2], of service ?3 ('' any) and branch ?4 (0 any): started in it, or
 * started before it and ended in or after it or still running. Each part is
 * a range of a covering index (core/sql_stats.c). */
#define X_COLS                                                                              \
    "SELECT e.person_id AS pid, e.code AS code, e.date AS d, e.ended_on AS ended, "          \
    "e.status AS status, %1$s AS grp FROM enrollment e "
#define X_SCOPE                                                                             \
    "e.status IN ('in_progress', 'completed') AND (?3 = '' OR e.code = ?3) "                \
    "AND (?4 = 0 OR e.branch_code = ?4) "
#define X_CTE                                                                               \
    "WITH x AS MATERIALIZED ("                                                              \
    X_COLS "INDEXED BY enrollment_stats WHERE " X_SCOPE "AND e.date BETWEEN ?1 AND ?2 "      \
    "UNION ALL " X_COLS "INDEXED BY enrollment_stats_end WHERE " X_SCOPE                    \
    "AND e.ended_on >= ?1 AND e.date < ?1 "                                                  \
    "UNION ALL " X_COLS "INDEXED BY enrollment_stats_end WHERE " X_SCOPE                    \
    "AND e.ended_on = '' AND e.date < ?1) "

static const char rows_sql[] =
    X_CTE
    "SELECT k, code, grp, sum(CASE m WHEN 0 THEN n ELSE 0 END), "
    "sum(CASE m WHEN 1 THEN n ELSE 0 END), sum(CASE m WHEN 2 THEN n ELSE 0 END) FROM ("
    "SELECT pv_stats_key(?5, d) AS k, code, grp, 0 AS m, count(DISTINCT pid) AS n FROM x "
    "WHERE d >= ?1 GROUP BY 1, 2, 3 "
    "UNION ALL SELECT b.key, code, grp, 1, count(DISTINCT pid) FROM x "
    "JOIN temp.stats_bucket b ON b.key BETWEEN pv_stats_key(?5, max(d, ?1)) "
    "AND pv_stats_key(?5, CASE WHEN ended = '' OR ended > ?2 THEN ?2 ELSE ended END) "
    "GROUP BY 1, 2, 3 "
    "UNION ALL SELECT pv_stats_key(?5, ended), code, grp, 2, count(DISTINCT pid) FROM x "
    "WHERE status = 'completed' AND ended <> '' AND ended <= ?2 GROUP BY 1, 2, 3) "
    "GROUP BY k, code, grp ORDER BY k, code, grp";

static const char totals_sql[] =
    X_CTE
    "SELECT -1, code, grp, count(DISTINCT CASE WHEN d >= ?1 THEN pid END), count(DISTINCT pid), "
    "count(DISTINCT CASE WHEN status = 'completed' AND ended BETWEEN '1' AND ?2 THEN pid END) "
    "FROM x "
    "GROUP BY code, grp ORDER BY code, grp";

/* The same figures read from the summary (core/sql_stats4.c) for the month,
 * season and year kinds: ?1 kind, ?2 branch (0 every branch), ?3 breakdown,
 * ?4..?5 the range's first and last period keys, ?6 service ('' any). */
#define S_FROM                                                                              \
    "FROM stats_count WHERE kind = ?1 AND branch = ?2 AND dim = ?3 AND n <> 0 "             \
    "AND (?6 = '' OR code = ?6) AND "
/* A pair (p, q) of periods inside the range: p >= ?4, q <= ?5 (q > p). */
#define S_PAIR "key BETWEEN ?4 * 65536 AND ?5 * 65536 + 65535 AND key % 65536 <= ?5"
/* Per period: the starts and completions there; active, the runs begun at
 * or before it less those ended before it (the deltas before the range
 * summed into its first period, so the join is of the range's periods). */
static const char summary_sql[] =
    "SELECT k, code, grp, sum(s), sum(a), sum(c) FROM ("
    "SELECT key AS k, code, grp, n AS s, 0 AS a, 0 AS c " S_FROM
    "measure = 0 AND key BETWEEN ?4 AND ?5 "
    "UNION ALL SELECT key, code, grp, 0, 0, n " S_FROM "measure = 2 AND key BETWEEN ?4 AND ?5 "
    "UNION ALL SELECT p.key, d.code, d.grp, 0, sum(d.n), 0 FROM stats_period p JOIN ("
    "SELECT max(key, ?4) AS dk, code, grp, sum(CASE measure WHEN 6 THEN n ELSE -n END) AS n "
    S_FROM "measure IN (6, 7) AND key <= ?5 GROUP BY 1, 2, 3) d ON p.key >= d.dk "
    "WHERE p.kind = ?1 AND p.key BETWEEN ?4 AND ?5 GROUP BY 1, 2, 3) "
    "GROUP BY k, code, grp HAVING sum(s) <> 0 OR sum(a) <> 0 OR sum(c) <> 0 "
    "ORDER BY k, code, grp";
/* The distinct persons of the whole range: a person's points in it less
 * their pairs in it is one (started, completed); their runs begun by its
 * end, less those ended before it, less their gaps inside it, is one
 * (active). */
static const char summary_totals_sql[] =
    "SELECT -1, code, grp, sum(s), sum(a), sum(c) FROM ("
    "SELECT code, grp, n AS s, 0 AS a, 0 AS c " S_FROM "measure = 0 AND key BETWEEN ?4 AND ?5 "
    "UNION ALL SELECT code, grp, -n, 0, 0 " S_FROM "measure = 4 AND " S_PAIR " "
    "UNION ALL SELECT code, grp, 0, 0, n " S_FROM "measure = 2 AND key BETWEEN ?4 AND ?5 "
    "UNION ALL SELECT code, grp, 0, 0, -n " S_FROM "measure = 5 AND " S_PAIR " "
    "UNION ALL SELECT code, grp, 0, n, 0 " S_FROM "measure = 6 AND key <= ?5 "
    "UNION ALL SELECT code, grp, 0, -n, 0 " S_FROM "measure = 7 AND key <= ?4 "
    "UNION ALL SELECT code, grp, 0, -n, 0 " S_FROM "measure = 8 AND " S_PAIR ") "
    "GROUP BY code, grp HAVING sum(s) <> 0 OR sum(a) <> 0 OR sum(c) <> 0 "
    "ORDER BY code, grp";

void pv_stats_table_free(pv_stats_table *t)
{
    if (!t)
        return;
    free(t->rows);
    free(t->totals);
    t->rows = t->totals = NULL;
    t->n_rows = t->n_totals = 0;
}

/* The period of a key (the inverse of pv_stats_span_of's key). */
static void span_of_key(pv_stats_period kind, long key, pv_stats_span *s)
{
    char iso[11];
    pv_date j = {0, 1, 1};
    switch (kind) {
    case PV_STATS_DAY: pv_iso_format(pv_gregorian_from_days(key), iso); break;
    case PV_STATS_MONTH: j.y = (int)(key / 12), j.m = (int)(key % 12) + 1; break;
    case PV_STATS_SEASON: j.y = (int)(key / 4), j.m = (int)(key % 4) * 3 + 1; break;
    case PV_STATS_YEAR: j.y = (int)key; break;
    }
    if (kind != PV_STATS_DAY)
        pv_iso_format(pv_jalali_to_gregorian(j), iso);
    pv_stats_span_of(kind, iso, s);
}

/* Fills temp.stats_bucket with the keys of the periods from `from` to `to`. */
static pv_status fill_buckets(pv_ctx *ctx, pv_stats_period kind, const char *from,
                              const char *to, pv_error *err)
{
    if (pv_exec(ctx, "CREATE TEMP TABLE IF NOT EXISTS stats_bucket (key INTEGER PRIMARY KEY)",
                err) != PV_OK ||
        pv_exec(ctx, "DELETE FROM temp.stats_bucket", err) != PV_OK)
        return PV_EFAIL;
    pv_stats_span s, end;
    if (!pv_stats_span_of(kind, from, &s) || !pv_stats_span_of(kind, to, &end))
        return pv_error_field(err, "from", _("not a date"));
    if (end.key - s.key >= MAX_PERIODS)
        return pv_error_field(err, "to", _("the range has too many periods; choose a longer "
                                           "period or a shorter range"));
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "INSERT INTO temp.stats_bucket (key) VALUES (?1)", &st, err) != PV_OK)
        return PV_EFAIL;
    for (long k = s.key; k <= end.key; k++) {
        sqlite3_bind_int64(st, 1, k);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return pv_db_error(ctx, err);
    }
    return PV_OK;
}

/* The first enrollment's date in scope, for an open `from`. */
static pv_status first_date(pv_ctx *ctx, const char *code, int64_t branch, char out[11],
                            pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT min(date) FROM enrollment WHERE status IN ('in_progress', 'completed') "
                "AND (?1 = '' OR code = ?1) AND (?2 = 0 OR branch_code = ?2)",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, branch);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        stats_copy_col(st, 0, out, 11);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

/* Steps a bound statement of (key, code, group, started, active, completed)
 * rows (no key when `totals`: span.key -1) into a list; finalizes it. */
static pv_status read_rows(pv_ctx *ctx, sqlite3_stmt *st, pv_stats_period kind, bool totals,
                           pv_stats_row **out, size_t *n, pv_error *err)
{
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pv_stats_row *g = svc_grow(*out, *n, &cap, sizeof *g, 32);
        if (!g) {
            sqlite3_finalize(st);
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        }
        *out = g;
        pv_stats_row *r = &g[(*n)++];
        memset(r, 0, sizeof *r);
        if (totals)
            r->span.key = -1;
        else
            span_of_key(kind, (long)sqlite3_column_int64(st, 0), &r->span);
        stats_copy_col(st, 1, r->code, sizeof r->code);
        stats_copy_col(st, 2, r->group, sizeof r->group);
        r->started = sqlite3_column_int64(st, 3);
        r->active = sqlite3_column_int64(st, 4);
        r->completed = sqlite3_column_int64(st, 5);
    }
    pv_status s = rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
    sqlite3_finalize(st);
    return s;
}

/* Runs one of the two direct statements (over the enrollments). */
static pv_status run(pv_ctx *ctx, const char *fmt, const pv_stats_query *q, const char *code,
                     const char *from, const char *to, bool totals, pv_stats_row **out,
                     size_t *n, pv_error *err)
{
    char sql[8192];
    snprintf(sql, sizeof sql, fmt, by_sql[q->by]); /* %1$s: the breakdown, in each part */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, stats_branch(ctx));
    if (!totals)
        sqlite3_bind_int(st, 5, (int)q->period);
    return read_rows(ctx, st, q->period, totals, out, n, err);
}

/* The same rows read from the summary, for the periods of `kind` from the
 * one containing `from` to the one containing `to`. */
static pv_status run_summary(pv_ctx *ctx, pv_stats_period kind, const pv_stats_query *q,
                             const char *code, const char *from, const char *to, bool totals,
                             pv_stats_row **out, size_t *n, pv_error *err)
{
    pv_stats_span a, b;
    if (!pv_stats_span_of(kind, from, &a) || !pv_stats_span_of(kind, to, &b))
        return pv_error_field(err, "from", _("not a date"));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ctx->db, totals ? summary_totals_sql : summary_sql, -1, &st, NULL) !=
        SQLITE_OK)
        return pv_db_error(ctx, err);
    sqlite3_bind_int(st, 1, (int)kind);
    sqlite3_bind_int64(st, 2, stats_branch(ctx));
    sqlite3_bind_int(st, 3, (int)q->by);
    sqlite3_bind_int64(st, 4, a.key);
    sqlite3_bind_int64(st, 5, b.key);
    sqlite3_bind_text(st, 6, code, -1, SQLITE_STATIC);
    return read_rows(ctx, st, kind, totals, out, n, err);
}

/* Whether the summary gives the range's figures for `kind`: the range starts
 * on the first day of a period (or is open: nothing is counted before the
 * first enrollment) and ends on the last day of one (or is open: nothing is
 * dated after today). Every breakdown is in it (migration 14). */
bool stats_summary_off = false;

static bool summary_fits(pv_stats_period kind, const pv_stats_query *q, const char *from,
                         const char *to)
{
    pv_stats_span a, b;
    if (stats_summary_off || kind == PV_STATS_DAY || !pv_stats_span_of(kind, from, &a) ||
        !pv_stats_span_of(kind, to, &b))
        return false;
    bool open_from = !q->from || !q->from[0], open_to = !q->to || !q->to[0];
    return (open_from || strcmp(a.first, from) == 0) && (open_to || strcmp(b.last, to) == 0);
}

/* The longest kind whose whole periods make the range (the fewest keys to
 * read for its distinct totals), or PV_STATS_DAY when none does: the totals
 * are then counted from the enrollments. */
static pv_stats_period whole_periods(const pv_stats_query *q, const char *from, const char *to)
{
    for (int k = PV_STATS_YEAR; k >= PV_STATS_MONTH; k--)
        if (summary_fits((pv_stats_period)k, q, from, to))
            return (pv_stats_period)k;
    return PV_STATS_DAY;
}

static pv_status recipients(pv_ctx *ctx, const pv_stats_query *q, pv_stats_table *out,
                            pv_error *err)
{
    char code[32], today[11];
    pv_today(today);
    if (stats_code(q->code, code, err) != PV_OK)
        return PV_EINVAL;
    if ((unsigned)q->by >= PV_BY__COUNT || (unsigned)q->period > PV_STATS_YEAR)
        return pv_error_set(err, PV_EUSAGE, NULL, "%s", _("unknown period or breakdown"));
    if (stats_date(q->to, "to", today, out->to, err) != PV_OK)
        return PV_EINVAL;
    char first[11];
    snprintf(first, sizeof first, "%s", out->to);
    if ((!q->from || !q->from[0]) && first_date(ctx, code, stats_branch(ctx), first, err) != PV_OK)
        return PV_EFAIL;
    if (stats_date(q->from, "from", first, out->from, err) != PV_OK)
        return PV_EINVAL;
    if (strcmp(out->from, out->to) > 0)
        return pv_error_field(err, "to", _("the range ends before it starts"));
    pv_status s = stats_sql_functions(ctx, err);
    if (s == PV_OK)
        s = fill_buckets(ctx, q->period, out->from, out->to, err);
    /* Months, seasons and years come from the summary; days, and the
     * distinct totals of a range not made of whole months, from the
     * enrollments. */
    if (s == PV_OK && summary_fits(q->period, q, out->from, out->to))
        s = run_summary(ctx, q->period, q, code, out->from, out->to, false, &out->rows,
                        &out->n_rows, err);
    else if (s == PV_OK)
        s = run(ctx, rows_sql, q, code, out->from, out->to, false, &out->rows, &out->n_rows,
                err);
    pv_stats_period whole = whole_periods(q, out->from, out->to);
    if (s == PV_OK && whole != PV_STATS_DAY)
        s = run_summary(ctx, whole, q, code, out->from, out->to, true, &out->totals,
                        &out->n_totals, err);
    else if (s == PV_OK)
        s = run(ctx, totals_sql, q, code, out->from, out->to, true, &out->totals,
                &out->n_totals, err);
    return s;
}

pv_status pv_stats_recipients(pv_ctx *ctx, const pv_stats_query *q, pv_stats_table *out,
                              pv_error *err)
{
    memset(out, 0, sizeof *out);
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err) != PV_OK)
        return PV_EDENIED;
    /* One read snapshot for both statements (a savepoint joins an open
     * transaction, or begins a deferred one). */
    if (pv_exec(ctx, "SAVEPOINT stats", err) != PV_OK)
        return PV_EFAIL;
    pv_status s = recipients(ctx, q, out, err);
    pv_exec(ctx, "RELEASE stats", NULL);
    if (s != PV_OK)
        pv_stats_table_free(out);
    return s;
}

pv_status pv_stats_months(pv_ctx *ctx, const char *code_in, const char *to, int64_t *out,
                          size_t n, pv_error *err)
{
    memset(out, 0, n * sizeof *out);
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err) != PV_OK)
        return PV_EDENIED;
    char code[32], today[11], last[11];
    pv_today(today);
    if (stats_code(code_in, code, err) != PV_OK ||
        stats_date(to, "to", today, last, err) != PV_OK)
        return PV_EINVAL;
    pv_stats_span end, start;
    if (n == 0 || !pv_stats_span_of(PV_STATS_MONTH, last, &end))
        return PV_OK;
    span_of_key(PV_STATS_MONTH, end.key - (long)n + 1, &start);
    if (stats_sql_functions(ctx, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT pv_stats_key(1, date), count(DISTINCT person_id) FROM enrollment "
                "WHERE date BETWEEN ?1 AND ?2 AND status IN ('in_progress', 'completed') "
                "AND (?3 = '' OR code = ?3) AND (?4 = 0 OR branch_code = ?4) GROUP BY 1",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, start.first, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, end.last, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, stats_branch(ctx));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long k = (long)sqlite3_column_int64(st, 0) - start.key;
        if (k >= 0 && (size_t)k < n)
            out[k] = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}
