/* parvande — the statistics' summary for every breakdown (migration 14).
 *
 * Why: migration 11 kept the distinct recipients per period without a
 * breakdown only; a table by gender, age, county... over a year still
 * counted every enrollment of the year (1.0-1.5 s of CPU on the bench's
 * 300,000 enrollments, 2.8-3.0 s over three years). The same counts per
 * breakdown value make every month, season and year table a read of a few
 * thousand rows.
 *
 * What changes: each counted enrollment is taken once per breakdown (`dim`,
 * the value of pv_stats_by: 0 none, 1 province, ... 8 caseworker) with its
 * value (`grp`), exactly as the direct queries of core/stats_recipients.c
 * group them; a person is counted once per (period, value). The figure-1
 * rows of an ended enrollment stop at the first period of the person's
 * running enrollments *with the same value* (osk): worked out from the
 * enrollments table only for the rare ended enrollment whose person runs
 * another of the service. The triggers of migration 11 read the view
 * stats_contrib and stay as they are.
 *
 * The unary plus on ended_on: without it, the planner (no statistics) read
 * "ended_on = ''" through enrollment_stats_end, every running enrollment of
 * the branch, for each person a trigger recounts, instead of the person's
 * few rows through enrollment_person; the build became quadratic (over 20
 * minutes for 300,000 enrollments).
 *
 * The age band is on the enrollment's date, in Jalali years as
 * pv_age_on counts: a date's position is its month key * 32 + its day of the
 * month (0-30), and a full year is 384 of them; the bands are the rows of
 * stats_age_band, as fn_age_band's table in core/stats.c (a unit test
 * compares the two). A birth date before the calendar (1279) is over 120
 * years ago: 60+. */
#include "internal.h"
#include "sql_stats_summary.h"

/* Each counted enrollment with its month keys (as migration 11), the first
 * start of the person's running enrollments of the service (omk_all, and in
 * its branch: omk_branch) and the values of the breakdowns. */
#define X3_SQL                                                                               \
    "SELECT * FROM (SELECT e.person_id AS person_id, e.code AS code,\n"                      \
    "  e.branch_code AS branch_code, e.status AS status, +e.ended_on AS ended_on,\n"          \
    X_MONTHS ",\n"                                                                        \
    "  e.province AS province, e.county AS county, e.gender AS gender, e.area AS area,\n"     \
    "  e.disability AS disability, e.requested_by AS requested_by,\n"                        \
    "  " AGE_OF("e") " AS age\n"                                                             \
    "FROM enrollment e WHERE e.status IN ('in_progress', 'completed'))\n"                    \
    "WHERE smk IS NOT NULL"
/* The first start of the person's running enrollments of the service with
 * the same value of breakdown d.dim (in the scope s), for an ended one. */
#define OSK_DIM                                                                              \
    "(SELECT min(" MONTH_OF("o.date") ") FROM enrollment o\n"                                \
    "    WHERE o.person_id = x.person_id AND o.code = x.code\n"                               \
    "      AND o.status IN ('in_progress', 'completed') AND +o.ended_on = ''\n"                \
    "      AND (s.scope = 0 OR o.branch_code = x.branch_code)\n"                              \
    "      AND (" GRP_OF("d.dim", "o", AGE_OF("o")) ") = (" GRP_OF("d.dim", "x", "x.age") "))"
/* Those of X3_SQL once per branch scope (0: every branch), breakdown and
 * kind, with the kind's keys: sk start, ek end, osk the first running
 * start. */
#define SRC3_SQL(x)                                                                          \
    "SELECT y.person_id AS person_id, y.code AS code, k.kind AS kind, y.branch AS branch,\n" \
    "  y.dim AS dim, y.grp AS grp, y.status AS status, y.ended_on AS ended_on,\n"             \
    "  " KEY_OF("y.smk") " AS sk, " KEY_OF("y.emk") " AS ek, " KEY_OF("y.omk") " AS osk\n"   \
    "FROM (SELECT x.person_id AS person_id, x.code AS code, x.status AS status,\n"            \
    "    x.ended_on AS ended_on, x.smk AS smk, x.emk AS emk,\n"                               \
    "    CASE WHEN s.scope = 0 THEN 0 ELSE x.branch_code END AS branch, d.dim AS dim,\n"     \
    "    " GRP_OF("d.dim", "x", "x.age") " AS grp,\n"                                        \
    "    CASE WHEN d.dim = 0 OR x.ended_on = '' OR x.omk_all IS NULL\n"                      \
    "      THEN CASE WHEN s.scope = 0 THEN x.omk_all ELSE x.omk_branch END\n"                 \
    "      ELSE " OSK_DIM " END AS omk\n"                                                    \
    "  FROM " x " x JOIN stats_dim d JOIN (SELECT 0 AS scope UNION ALL SELECT 1) s) y\n"     \
    "JOIN (SELECT 1 AS kind UNION ALL SELECT 2 UNION ALL SELECT 3) k"

const char pv_sql_stats3[] =
    /* the breakdowns counted (pv_stats_by's values) */
    "CREATE TABLE stats_dim (dim INTEGER PRIMARY KEY);\n"
    "INSERT INTO stats_dim (dim) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8);\n"
    /* the age bands: from `lo` years to the next row's */
    "CREATE TABLE stats_age_band (lo INTEGER PRIMARY KEY, code TEXT NOT NULL);\n"
    "INSERT INTO stats_age_band (lo, code) VALUES (0, '00-05'), (6, '06-11'), (12, '12-17'),\n"
    "  (18, '18-29'), (30, '30-59'), (60, '60+');\n"
    "DROP VIEW stats_contrib;\n"
    "DROP VIEW stats_src;\n"
    "DROP VIEW stats_x;\n"
    "CREATE VIEW stats_x AS " X3_SQL ";\n"
    "CREATE VIEW stats_src AS " SRC3_SQL("stats_x") ";\n"
    "CREATE VIEW stats_contrib AS " CONTRIB_SQL("stats_src") ";\n"
    "DELETE FROM stats_count;\n";
