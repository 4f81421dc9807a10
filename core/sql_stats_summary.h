/* parvande — what the statistics' summary (migrations 11, 14, 16) writes and
 * reads in common: the period keys, the month of a date and what a person
 * counts for. The migrations' texts are made of these macros, so a change
 * here changes a released migration: add a new one instead. */
#ifndef PARVANDE_SQL_STATS_SUMMARY_H
#define PARVANDE_SQL_STATS_SUMMARY_H

/* The period key of a kind from a month key (y*12 + m-1): as
 * pv_jalali_period_key. */
#define KEY_OF(mk) "CASE k.kind WHEN 1 THEN (" mk ") WHEN 2 THEN (" mk ") / 12 * 4 + (" mk ") % 12 / 3 " \
                   "ELSE (" mk ") / 12 END"
#define GROUP_COLS "person_id, code, kind, branch, dim, grp"

/* The month key of an ISO date (NULL outside the calendar). */
#define MONTH_OF(d) "(SELECT mkey FROM stats_month WHERE first <= " d " ORDER BY first DESC LIMIT 1)"
/* The month keys of an enrollment `e`: of its start (smk), its end (emk,
 * NULL while it runs) and of the first start of the person's running
 * enrollments of the service (omk_all, and in its branch: omk_branch). */
#define X_MONTHS                                                                             \
    "  " MONTH_OF("e.date") " AS smk,\n"                                                     \
    "  CASE WHEN e.ended_on = '' THEN NULL ELSE " MONTH_OF("e.ended_on") " END AS emk,\n"    \
    "  (SELECT min(" MONTH_OF("o.date") ") FROM enrollment o\n"                              \
    "    WHERE o.person_id = e.person_id AND o.code = e.code\n"                               \
    "      AND o.status IN ('in_progress', 'completed') AND +o.ended_on = '') AS omk_all,\n"   \
    "  (SELECT min(" MONTH_OF("o.date") ") FROM enrollment o\n"                              \
    "    WHERE o.person_id = e.person_id AND o.code = e.code\n"                               \
    "      AND o.status IN ('in_progress', 'completed') AND +o.ended_on = ''\n"                \
    "      AND o.branch_code = e.branch_code) AS omk_branch"

/* What each person counts for, once per figure (core/sql_stats2.c), from
 * `src`: rows of (GROUP_COLS, status, ended_on, sk, ek, osk). */
#define CONTRIB_SQL(src)                                                                     \
    "SELECT " GROUP_COLS ", 0 AS measure, sk AS key FROM " src "\n"                          \
    "  GROUP BY " GROUP_COLS ", sk\n"                                                        \
    "UNION ALL SELECT " GROUP_COLS ", 2, ek FROM " src "\n"                                  \
    "  WHERE status = 'completed' AND ek IS NOT NULL GROUP BY " GROUP_COLS ", ek\n"          \
    "UNION ALL SELECT " GROUP_COLS ", 3, min(sk) FROM " src " WHERE ended_on = ''\n"         \
    "  GROUP BY " GROUP_COLS "\n"                                                            \
    "UNION ALL SELECT c.person_id, c.code, c.kind, c.branch, c.dim, c.grp, 1, p.key\n"       \
    "  FROM " src " c JOIN stats_period p ON p.kind = c.kind AND p.key BETWEEN c.sk AND c.ek\n" \
    "  WHERE c.ended_on <> '' AND p.key < coalesce(c.osk, 9223372036854775807)\n"            \
    "  GROUP BY c.person_id, c.code, c.kind, c.branch, c.dim, c.grp, p.key"

/* Adds (sign "") or subtracts (sign "-") what the persons `pids` count for in
 * the services `codes` (see stats_contrib), as the table is now. */
#define CONTRIB(sign, pids, codes)                                                          \
    "  INSERT INTO stats_count (kind, branch, dim, measure, code, grp, key, n)\n"            \
    "    SELECT kind, branch, dim, measure, code, grp, key, " sign "count(*)\n"              \
    "    FROM stats_contrib WHERE person_id IN (" pids ") AND code IN (" codes ")\n"        \
    "    GROUP BY kind, branch, dim, measure, code, grp, key\n"                             \
    "    ON CONFLICT DO UPDATE SET n = n + excluded.n;\n"

/* A date's position in the calendar: its month key * 32 + its day of the
 * month (0-30); a full year is 384 of them (core/sql_stats3.c). NULL
 * outside the calendar. */
#define POS_OF(d)                                                                            \
    "(SELECT mkey * 32 + CAST(julianday(" d ") - julianday(first) AS INTEGER) FROM stats_month " \
    "WHERE first <= " d " ORDER BY first DESC LIMIT 1)"
/* The age band of an enrollment row `r` on its date ('' without a birth
 * date, or born after it). */
#define AGE_OF(r)                                                                            \
    "CASE WHEN julianday(" r ".birth_date) IS NULL OR " r ".birth_date > " r ".date THEN ''\n" \
    "  ELSE (SELECT b.code FROM stats_age_band b WHERE b.lo <= (" POS_OF(r ".date") " -\n"     \
    "    coalesce(" POS_OF(r ".birth_date") ", -1000000)) / 384 ORDER BY b.lo DESC LIMIT 1) END"
/* The value of breakdown `dim` for a row `r` of stats_x (age: its column). */
#define GRP_OF(dim, r, age)                                                                  \
    "CASE " dim " WHEN 0 THEN '' WHEN 1 THEN " r ".province WHEN 2 THEN " r ".county\n"       \
    "  WHEN 3 THEN CAST(" r ".branch_code AS TEXT) WHEN 4 THEN " r ".gender\n"                 \
    "  WHEN 5 THEN " age " WHEN 6 THEN " r ".area WHEN 7 THEN " r ".disability\n"             \
    "  ELSE " r ".requested_by END"

#endif
