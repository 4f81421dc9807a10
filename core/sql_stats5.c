/* parvande — the work figures' summary: enrollments requested, approved and
 * rejected per day, branch and caseworker (migration 17).
 *
 * Why: those three figures of the work table counted every enrollment of
 * the range, and every approval and rejection event with its enrollment
 * looked up for the requester (60,000 of each a year on the bench): 130
 * of the table's 180 ms warm, 300-370 ms on its first call. Read from a
 * table of counts per day they are a few thousand rows.
 *
 * What is counted (the view stats_work_src, a row each; the events alone:
 * stats_work_events): an enrollment on
 * its request date, as `requested`; each approve / reject event on its
 * date, as `approved` / `rejected`; all for the enrollment's branch and
 * requester, as the direct queries of core/stats_work.c counted. The direct
 * queries counted enrollments with such an event; the events are as many,
 * since an enrollment is approved only while requested and rejected only
 * while it runs, once each (core/enroll.c).
 *
 * The triggers take out what a row counted before a change and add what
 * it counts after: an enrollment's own row and its events' (its branch or
 * requester changed), an event's one row. The table is neither audited nor
 * exchanged (its name begins with stats_): every office counts its own
 * from the enrollments and events it holds. */
#include "internal.h"

/* The approvals and rejections, a row each, with their enrollment's branch
 * and requester. */
#define WORK_EVENTS_SQL                                                                      \
    "SELECT v.enrollment_id AS enrollment_id, v.id AS event_id,\n"                           \
    "  CASE v.kind WHEN 'approve' THEN 'approved' ELSE 'rejected' END AS figure,\n"          \
    "  v.date AS day, e.branch_code AS branch, e.requested_by AS user\n"                     \
    "FROM enrollment_event v JOIN enrollment e ON e.id = v.enrollment_id\n"                  \
    "WHERE v.kind IN ('approve', 'reject')"
/* Those and every enrollment on its request date. */
#define WORK_SRC_SQL                                                                         \
    "SELECT id AS enrollment_id, 0 AS event_id, 'requested' AS figure, date AS day,\n"       \
    "  branch_code AS branch, requested_by AS user FROM enrollment\n"                        \
    "UNION ALL SELECT * FROM stats_work_events"

/* Adds (sign "") or takes out (sign "-") what the rows `where` selects in
 * the view `src` count. */
#define WORK_ADD(sign, src, where)                                                          \
    "  INSERT INTO stats_work_day (figure, day, branch, user, n)\n"                          \
    "    SELECT figure, day, branch, user, " sign "count(*) FROM " src "\n"                  \
    "    WHERE " where " GROUP BY figure, day, branch, user\n"                               \
    "    ON CONFLICT DO UPDATE SET n = n + excluded.n;\n"
#define WORK_TRIGGER(name, when, what, table, cond, body)                                   \
    "CREATE TRIGGER " name " " when " " what " ON " table "\n  WHEN " cond " BEGIN\n" body   \
    "END;\n"
/* An enrollment's rows (its own and its events'), an event's one row. */
#define ENR_SRC "stats_work_src"
#define EVT_SRC "stats_work_events"
#define ENR_COLS "date, branch_code, requested_by"
#define ENR_CHANGED                                                                         \
    "(OLD.date IS NOT NEW.date OR OLD.branch_code IS NOT NEW.branch_code\n"                  \
    "  OR OLD.requested_by IS NOT NEW.requested_by)"
#define EVT_COLS "kind, date, enrollment_id"
#define WORKED(row) row ".kind IN ('approve', 'reject')"
#define EVT_CHANGED                                                                         \
    "(" WORKED("OLD") " OR " WORKED("NEW") ") AND (OLD.kind IS NOT NEW.kind\n"               \
    "  OR OLD.date IS NOT NEW.date OR OLD.enrollment_id IS NOT NEW.enrollment_id)"

const char pv_sql_stats5[] =
    "CREATE TABLE stats_work_day (figure TEXT NOT NULL, day TEXT NOT NULL,\n"
    "  branch INTEGER NOT NULL, user TEXT NOT NULL, n INTEGER NOT NULL,\n"
    "  PRIMARY KEY (figure, day, branch, user)) WITHOUT ROWID;\n"
    "CREATE VIEW stats_work_events AS " WORK_EVENTS_SQL ";\n"
    "CREATE VIEW stats_work_src AS " WORK_SRC_SQL ";\n"
    "INSERT INTO stats_work_day (figure, day, branch, user, n)\n"
    "  SELECT figure, day, branch, user, count(*) FROM stats_work_src\n"
    "  GROUP BY figure, day, branch, user;\n"
    WORK_TRIGGER("stats_work_enrollment_insert", "AFTER", "INSERT", "enrollment", "1",
                 WORK_ADD("", ENR_SRC, "enrollment_id = NEW.id"))
    WORK_TRIGGER("stats_work_enrollment_update_old", "BEFORE", "UPDATE OF " ENR_COLS,
                 "enrollment", ENR_CHANGED, WORK_ADD("-", ENR_SRC, "enrollment_id = OLD.id"))
    WORK_TRIGGER("stats_work_enrollment_update", "AFTER", "UPDATE OF " ENR_COLS, "enrollment",
                 ENR_CHANGED, WORK_ADD("", ENR_SRC, "enrollment_id = NEW.id"))
    WORK_TRIGGER("stats_work_enrollment_delete", "BEFORE", "DELETE", "enrollment", "1",
                 WORK_ADD("-", ENR_SRC, "enrollment_id = OLD.id"))
    WORK_TRIGGER("stats_work_event_insert", "AFTER", "INSERT", "enrollment_event",
                 WORKED("NEW"), WORK_ADD("", EVT_SRC, "event_id = NEW.id"))
    WORK_TRIGGER("stats_work_event_update_old", "BEFORE", "UPDATE OF " EVT_COLS,
                 "enrollment_event", EVT_CHANGED, WORK_ADD("-", EVT_SRC, "event_id = OLD.id"))
    WORK_TRIGGER("stats_work_event_update", "AFTER", "UPDATE OF " EVT_COLS,
                 "enrollment_event", EVT_CHANGED, WORK_ADD("", EVT_SRC, "event_id = NEW.id"))
    WORK_TRIGGER("stats_work_event_delete", "BEFORE", "DELETE", "enrollment_event",
                 WORKED("OLD"), WORK_ADD("-", EVT_SRC, "event_id = OLD.id"));
