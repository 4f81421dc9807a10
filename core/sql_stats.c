/* parvande — schema of the statistics (migration 8): what the counts read,
 * kept on the enrollment row, and the indexes the aggregations scan.
 *
 * `ended_on` is the date of the enrollment's complete, reject or withdraw
 * event ('' while it runs), written by a trigger on enrollment_event so no
 * writer has to remember it: "active in a period" and "completed in a
 * period" are then conditions on one row instead of a join with the events.
 *
 * The person's gender, birth date, area, disability and county are copied
 * onto the enrollment (by a trigger when it is inserted, and again by a
 * trigger whenever the person's record changes), so a breakdown reads no
 * person row: on a million beneficiaries a join with the person table is a
 * random lookup into 300 MB per enrollment, seconds for a year's figures.
 * The copies always equal the person's current values.
 *
 * enrollment_stats and enrollment_stats_end cover every column the
 * recipients' queries read, in the order of the start and of the end date:
 * the enrollments that touch a range are those started in it (a range of
 * the first) and those started before it that end in or after it, or run
 * still (ranges of the second), so a month's figures read that month's
 * enrollments, not every earlier one. */
#include "internal.h"

#define STATS_PERSON_COLS "gender, birth_date, area, disability, county"

const char pv_sql_stats[] =
    "ALTER TABLE enrollment ADD COLUMN ended_on TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE enrollment ADD COLUMN gender TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE enrollment ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE enrollment ADD COLUMN area TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE enrollment ADD COLUMN disability TEXT NOT NULL DEFAULT '';\n"
    "ALTER TABLE enrollment ADD COLUMN county TEXT NOT NULL DEFAULT '';\n"
    "UPDATE enrollment SET ended_on = coalesce((SELECT max(v.date) FROM enrollment_event v\n"
    "  WHERE v.enrollment_id = enrollment.id\n"
    "    AND v.kind IN ('complete', 'reject', 'withdraw')), '')\n"
    "  WHERE status IN ('completed', 'rejected', 'withdrawn');\n"
    "UPDATE enrollment SET (" STATS_PERSON_COLS ") = (SELECT " STATS_PERSON_COLS "\n"
    "  FROM person p WHERE p.id = enrollment.person_id);\n"
    "CREATE TRIGGER enrollment_ended AFTER INSERT ON enrollment_event\n"
    "  WHEN NEW.kind IN ('complete', 'reject', 'withdraw') BEGIN\n"
    "  UPDATE enrollment SET ended_on = NEW.date WHERE id = NEW.enrollment_id;\n"
    "END;\n"
    /* A writer that already knows the person's values (the benchmark's
     * generator) may write them itself; the program leaves them empty. */
    "CREATE TRIGGER enrollment_person_copy AFTER INSERT ON enrollment\n"
    "  WHEN NEW.birth_date = '' BEGIN\n"
    "  UPDATE enrollment SET (" STATS_PERSON_COLS ") = (SELECT " STATS_PERSON_COLS "\n"
    "    FROM person p WHERE p.id = NEW.person_id) WHERE id = NEW.id;\n"
    "END;\n"
    "CREATE TRIGGER enrollment_person_sync AFTER UPDATE OF " STATS_PERSON_COLS " ON person\n"
    "  BEGIN\n"
    "  UPDATE enrollment SET gender = NEW.gender, birth_date = NEW.birth_date,\n"
    "    area = NEW.area, disability = NEW.disability, county = NEW.county\n"
    "    WHERE person_id = NEW.id;\n"
    "END;\n"
    "CREATE INDEX enrollment_stats ON enrollment (date, ended_on, status, code, branch_code,\n"
    "  person_id, province, requested_by, " STATS_PERSON_COLS ");\n"
    "CREATE INDEX enrollment_stats_end ON enrollment (ended_on, date, status, code,\n"
    "  branch_code, person_id, province, requested_by, " STATS_PERSON_COLS ");\n"
    "CREATE INDEX enrollment_stats_year ON enrollment (jyear, code, province_key,\n"
    "  charged_credit, status, amount, branch_code, province);\n"
    "CREATE INDEX enrollment_event_kind ON enrollment_event (kind, date, enrollment_id);\n"
    "CREATE INDEX casefile_opened ON casefile (opened_on, branch_code, caseworker);\n"
    "CREATE INDEX casefile_closed ON casefile (closed_on, branch_code, caseworker)\n"
    "  WHERE closed_on <> '';\n"
    "CREATE INDEX assessment_date ON assessment (date, file_id, author);\n";
