/* parvande — schema of the statistics (migration 8): when an enrollment
 * ended, kept on its row, and the indexes the aggregations read.
 *
 * `ended_on` is the date of the enrollment's complete, reject or withdraw
 * event ('' while it runs), written by a trigger on enrollment_event so no
 * writer has to remember it; "active in a period" and "completed in a
 * period" are then range conditions on one row instead of a join with the
 * events. The indexes cover the columns the queries of core/stats*.c read,
 * so a count over a period is a range scan of one index. */
#include "internal.h"

const char pv_sql_stats[] =
    "ALTER TABLE enrollment ADD COLUMN ended_on TEXT NOT NULL DEFAULT '';\n"
    "UPDATE enrollment SET ended_on = coalesce((SELECT max(v.date) FROM enrollment_event v\n"
    "  WHERE v.enrollment_id = enrollment.id\n"
    "    AND v.kind IN ('complete', 'reject', 'withdraw')), '')\n"
    "  WHERE status IN ('completed', 'rejected', 'withdrawn');\n"
    "CREATE TRIGGER enrollment_ended AFTER INSERT ON enrollment_event\n"
    "  WHEN NEW.kind IN ('complete', 'reject', 'withdraw') BEGIN\n"
    "  UPDATE enrollment SET ended_on = NEW.date WHERE id = NEW.enrollment_id;\n"
    "END;\n"
    "CREATE INDEX enrollment_stats_date ON enrollment (date, code, status, person_id);\n"
    "CREATE INDEX enrollment_stats_end ON enrollment (ended_on, code, status, person_id)\n"
    "  WHERE ended_on <> '';\n"
    "CREATE INDEX enrollment_stats_year ON enrollment (jyear, code, province_key);\n"
    "CREATE INDEX enrollment_event_kind ON enrollment_event (kind, date);\n"
    "CREATE INDEX casefile_opened ON casefile (opened_on);\n"
    "CREATE INDEX casefile_closed ON casefile (closed_on) WHERE closed_on <> '';\n"
    "CREATE INDEX assessment_date ON assessment (date);\n";
