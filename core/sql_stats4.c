/* parvande — the statistics' summary as points, pairs and runs (migration
 * 16).
 *
 * Why: migrations 11 and 14 kept, for each person, one row per period they
 * were active in (figure 1), so the summary answered one period at a time:
 * the distinct recipients of a range of several periods (the totals of a
 * three-year table) were counted again from the enrollments (1.2-1.3 s of
 * CPU on the bench's 300,000 enrollments), and a three-year enrollment cost
 * its person some 1,000 rows of counts, rewritten at every change (8-29 ms
 * of triggers a change, 714 s to count the summary once).
 *
 * What a person (per service, branch scope, breakdown and value, kind)
 * counts for now, so that the distinct persons of any range of whole
 * periods [a, b] are sums:
 * - 0, 2: the periods they started in / completed in, once each (points);
 * - 4, 5: each pair (p, q) of consecutive such points, key p * 65536 + q.
 *   The points of one person inside [a, b] are a run of consecutive
 *   points, so (points in [a, b]) - (pairs with p >= a and q <= b) is 1
 *   for a person with a point there and 0 for anyone else;
 * - 6, 7: the runs of periods they were active in (their enrollments'
 *   spans merged, a running one to the end of time): 6 at the run's first
 *   period, 7 at the period after its last (none while it runs). Active in
 *   period k: (6 at or before k) - (7 at or before k);
 * - 8: each gap between consecutive runs (e, s): key e * 65536 + s. Active
 *   some time in [a, b]: (6 at or before b) - (7 at or before a) - (gaps
 *   with e >= a and s <= b), by the same reasoning as the pairs.
 * A key of every kind is below 65536 (month keys of 1499 are 17,999).
 * Figures 1 and 3 of migrations 11 and 14 are gone, and with them the
 * first-running-start columns (osk) they needed.
 *
 * The triggers of migration 11 read the view stats_contrib (one row per
 * thing counted) and stay as they are. Its window functions are each
 * partitioned by the person and the service first, with no aggregate
 * between them and the triggers' filter on those two, so the filter reaches
 * the enrollments' index (SQLite pushes a WHERE term on partition columns
 * into a window's subquery, but not through a GROUP BY above one: the
 * triggers would scan every enrollment, and the build take hours). */
#include "internal.h"
#include "sql_stats_summary.h"

/* Each counted enrollment with the month keys of its start (smk) and end
 * (emk, NULL while it runs) and the values of the breakdowns. */
#define X4_SQL                                                                               \
    "SELECT * FROM (SELECT e.person_id AS person_id, e.code AS code,\n"                      \
    "  e.branch_code AS branch_code, e.status AS status, +e.ended_on AS ended_on,\n"          \
    "  " MONTH_OF("e.date") " AS smk,\n"                                                     \
    "  CASE WHEN e.ended_on = '' THEN NULL ELSE " MONTH_OF("e.ended_on") " END AS emk,\n"    \
    "  e.province AS province, e.county AS county, e.gender AS gender, e.area AS area,\n"     \
    "  e.disability AS disability, e.requested_by AS requested_by,\n"                        \
    "  " AGE_OF("e") " AS age\n"                                                             \
    "FROM enrollment e WHERE e.status IN ('in_progress', 'completed'))\n"                    \
    "WHERE smk IS NOT NULL"

/* Those of X4_SQL (the rows of `x`) once per kind, branch scope (0: every
 * branch) and breakdown, with the kind's keys: sk start, ek end. */
#define SRC4_SQL(x)                                                                           \
    "SELECT x.person_id AS person_id, x.code AS code, k.kind AS kind,\n"                     \
    "  CASE WHEN s.scope = 0 THEN 0 ELSE x.branch_code END AS branch, d.dim AS dim,\n"       \
    "  " GRP_OF("d.dim", "x", "x.age") " AS grp, x.status AS status,\n"                      \
    "  x.ended_on AS ended_on, " KEY_OF("x.smk") " AS sk, " KEY_OF("x.emk") " AS ek\n"      \
    "FROM " x " x JOIN stats_dim d JOIN (SELECT 0 AS scope UNION ALL SELECT 1) s\n"        \
    "JOIN (SELECT 1 AS kind UNION ALL SELECT 2 UNION ALL SELECT 3) k"

/* The end of time: the last period of a run still running (and of an end
 * date past the calendar). */
#define FOREVER "1000000000"
#define G "person_id, code, kind, branch, dim, grp"

/* Points: the periods a person started in (0) and completed in (2), from the
 * rows of SRC4_SQL in `src`. */
#define POINTS_SQL(src)                                                                         \
    "SELECT " G ", 0 AS measure, sk AS key FROM " src " GROUP BY " G ", sk\n"              \
    "UNION ALL SELECT " G ", 2, ek FROM " src "\n"                                         \
    "  WHERE status = 'completed' AND ended_on <> '' AND ek IS NOT NULL GROUP BY " G ", ek"
/* Pairs of consecutive points (4 of starts, 5 of completions) of `point`. */
#define PAIRS_SQL(point)                                                                          \
    "SELECT " G ", 4 + measure / 2 AS measure, key * 65536 + nxt AS key FROM (\n"            \
    "  SELECT " G ", measure, key,\n"                                                        \
    "    lead(key) OVER (PARTITION BY " G ", measure ORDER BY key) AS nxt\n"                 \
    "  FROM " point ") WHERE nxt IS NOT NULL"
/* Spans: each enrollment's periods (sk..e, a running one to the end of
 * time; one ending before it starts is none), in order, with the last
 * period reached before it (pm) and with it (cm), and the next span's
 * start (nsk). A span starts a run where it begins after every earlier one
 * (pm + 1); a run ends at cm where the next span begins after cm + 1. Only
 * window functions of one partition, no aggregate: SQLite pushes the
 * triggers' filter on the person and the service into such a subquery, not
 * through a GROUP BY above a window. */
#define SPANS_SQL(src)                                                                          \
    "SELECT " G ", sk, e,\n"                                                                 \
    "  max(e) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pm,\n"            \
    "  max(e) OVER (w ROWS UNBOUNDED PRECEDING) AS cm, lead(sk) OVER w AS nsk\n"             \
    "FROM (SELECT " G ", sk, CASE WHEN ended_on = '' OR ek IS NULL THEN " FOREVER "\n"       \
    "    ELSE ek END AS e FROM " src ") WHERE e >= sk\n"                                  \
    "WINDOW w AS (PARTITION BY " G " ORDER BY sk, e)"
/* Everything a person counts for, a row each: runs start (6) and end (7,
 * the period after) and the gaps between them (8). */
#define CONTRIB4_SQL(point, span)                                                                       \
    "SELECT " G ", measure, key FROM " point "\n"                                          \
    "UNION ALL " PAIRS_SQL(point) "\n"                                                              \
    "UNION ALL SELECT " G ", 6, sk FROM " span " WHERE pm IS NULL OR sk > pm + 1\n"       \
    "UNION ALL SELECT " G ", 7, cm + 1 FROM " span "\n"                                    \
    "  WHERE (nsk IS NULL OR nsk > cm + 1) AND cm < " FOREVER "\n"                           \
    "UNION ALL SELECT " G ", 8, cm * 65536 + nsk FROM " span " WHERE nsk > cm + 1"

const char pv_sql_stats4[] =
    "DROP VIEW stats_contrib;\n"
    "DROP VIEW stats_src;\n"
    "DROP VIEW stats_x;\n"
    "CREATE VIEW stats_x AS " X4_SQL ";\n"
    "CREATE VIEW stats_src AS " SRC4_SQL("stats_x") ";\n"
    "CREATE VIEW stats_point AS " POINTS_SQL("stats_src") ";\n"
    "CREATE VIEW stats_span AS " SPANS_SQL("stats_src") ";\n"
    "CREATE VIEW stats_contrib AS " CONTRIB4_SQL("stats_point", "stats_span") ";\n"
    "DELETE FROM stats_count;\n";

/* What the persons with ids ?1 to ?2 count for, added to stats_count
 * (core/stats_build.c): the views' statement over the batch's enrollments,
 * each step worked out once. Read through the views, as the triggers read
 * them for one person, every counted enrollment's months and age band were
 * worked out again for each step that reads stats_src, some hundred times:
 * 4.8 ms a person and service, 1,200 s for the bench's 300,000
 * enrollments. */
const char pv_sql_stats_build_batch[] =
    "WITH build_x AS MATERIALIZED (SELECT * FROM stats_x WHERE person_id BETWEEN ?1 AND ?2),\n"
    "build_src AS MATERIALIZED (" SRC4_SQL("build_x") "),\n"
    "build_point AS MATERIALIZED (" POINTS_SQL("build_src") "),\n"
    "build_span AS MATERIALIZED (" SPANS_SQL("build_src") ")\n"
    "INSERT INTO stats_count (kind, branch, dim, measure, code, grp, key, n)\n"
    "  SELECT kind, branch, dim, measure, code, grp, key, count(*)\n"
    "  FROM (" CONTRIB4_SQL("build_point", "build_span") ")\n"
    "  GROUP BY kind, branch, dim, measure, code, grp, key\n"
    "  ON CONFLICT DO UPDATE SET n = n + excluded.n";
