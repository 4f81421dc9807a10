/* parvande — exchange, second part (migration 12).
 *
 * exchange_held: a package that arrived before one it follows (its first
 * section is beyond the next one expected from its sender), kept as it
 * came — signed and sealed — and applied, in order, by the import that
 * fills the gap.
 *
 * The event tables (enrollment_event, person_event, referral_event,
 * insurance_claim) had plain per-database ids, which two branches would
 * both use: their rows could not travel. They get the ids the other
 * records have (the office's branch code in the high bits, core/context.c
 * pv_next_id). No other table points at an event's id, so the rows are
 * copied to their new ids and the old ones deleted, in the order they
 * were written; the tables themselves, their indexes and the triggers on
 * them (enrollment_ended; the audit triggers) stay as they are, and in a
 * database that already has its audit triggers the copy and the delete
 * are entries of the trail like any other change. A row already in the
 * office's range keeps its id.
 *
 * audit_remote: the trails of other offices, entry by entry as they were
 * written there (hashes included), keyed by the office they come from and
 * their number there: a branch's entries reach its province, which can
 * walk them as that branch's own chain (core/exchange_audit.c), and go on
 * up with the province's. office.audit_sent: this office's last entry
 * sent to that office. */
#include "internal.h"

/* Renumbers the rows of table T (columns C besides id). */
#define RENUMBER(T, C)                                                                      \
    "CREATE TEMP TABLE pv_renum (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);\n"         \
    "INSERT INTO pv_renum (old, new) SELECT x.id, (b.code << 40) + coalesce((SELECT\n"      \
    "  max(y.id) & 1099511627775 FROM " T " y WHERE y.id >> 40 = b.code), 0)\n"             \
    "  + row_number() OVER (ORDER BY x.id)\n"                                               \
    "  FROM " T " x JOIN branch b ON b.id = 1 WHERE x.id >> 40 <> b.code;\n"                \
    "INSERT INTO " T " (id, " C ") SELECT r.new, " C " FROM " T " x\n"                      \
    "  JOIN pv_renum r ON r.old = x.id ORDER BY r.new;\n"                                   \
    "DELETE FROM " T " WHERE id IN (SELECT old FROM pv_renum);\n"                           \
    "DROP TABLE temp.pv_renum;\n"

#define EVENT_IDS                                                                           \
    RENUMBER("enrollment_event", "enrollment_id, at, date, user, kind, step, note")        \
    RENUMBER("person_event", "person_id, kind, date, source, note, user, at")               \
    RENUMBER("referral_event", "referral_id, date, user, kind, note")                       \
    RENUMBER("insurance_claim", "member_id, date, note, noted_by")

const char pv_sql_exchange2[] =
    "CREATE TABLE exchange_held (\n"
    "  peer INTEGER NOT NULL REFERENCES office(code),\n"
    "  seq INTEGER NOT NULL,\n"
    "  first INTEGER NOT NULL,\n"
    "  package BLOB NOT NULL,\n"
    "  held_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"
    "  PRIMARY KEY (peer, seq)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE audit_remote (\n"
    "  origin INTEGER NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"
    "  at TEXT NOT NULL,\n"
    "  actor TEXT NOT NULL,\n"
    "  action TEXT NOT NULL,\n"
    "  tbl TEXT NOT NULL,\n"
    "  record_id INTEGER NOT NULL,\n"
    "  household_id INTEGER,\n"
    "  old_values TEXT,\n"
    "  new_values TEXT,\n"
    "  outcome TEXT NOT NULL,\n"
    "  reason TEXT,\n"
    "  prev_hash TEXT NOT NULL,\n"
    "  hash TEXT NOT NULL,\n"
    "  PRIMARY KEY (origin, seq)\n"
    ") WITHOUT ROWID;\n"
    "ALTER TABLE office ADD COLUMN audit_sent INTEGER NOT NULL DEFAULT 0;\n"
    EVENT_IDS;

/* The renumbering alone, for the tests (a database whose events were
 * written with plain ids). */
const char pv_sql_event_ids[] = EVENT_IDS;
