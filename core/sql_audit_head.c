/* parvande — the audit trail's head (migration 4).
 *
 * audit_head: one row, the seq and hash of the last entry ever appended,
 * and a random id of this database. The program moves it forward in the
 * same transaction as every entry it appends, and numbers a new entry from
 * it, not from the highest entry left: entries deleted at the tail leave a
 * gap the next entry cannot fill, and the verifier compares the chain's end
 * with it. Its triggers refuse moving it back or deleting it. db_id names
 * the database in the copy of the head kept outside it (core/audit_head.c),
 * so that a new database at the same path is not taken for a cut-off one.
 *
 * audit_digest: per batch entry of a bulk import and table, an 8-byte hash
 * of each record the batch wrote, as it stood at the commit (see
 * core/audit_digest.c); the batch entry holds the SHA-256 of `hashes`, so
 * the list is chained like the entry. Append-only like the trail. */
#include "internal.h"

const char pv_sql_audit_head[] =
    "CREATE TABLE audit_head (\n"
    "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  seq INTEGER NOT NULL,\n"
    "  hash TEXT NOT NULL,\n"
    "  db_id TEXT NOT NULL\n"
    ");\n"
    "INSERT INTO audit_head (id, seq, hash, db_id)\n"
    "  SELECT 1, coalesce(max(seq), 0),\n"
    "    coalesce((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1),\n"
    "             '0000000000000000000000000000000000000000000000000000000000000000'),\n"
    "    lower(hex(randomblob(16))) FROM audit;\n"
    "CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head\n"
    "  WHEN NEW.seq < OLD.seq OR NEW.db_id IS NOT OLD.db_id OR NEW.id IS NOT OLD.id BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit head only moves forward');\n"
    "END;\n"
    "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit head only moves forward');\n"
    "END;\n"
    "CREATE TABLE audit_digest (\n"
    "  seq INTEGER NOT NULL,       -- the batch entry\n"
    "  tbl TEXT NOT NULL,\n"
    "  cols TEXT NOT NULL,         -- the columns hashed, comma-separated\n"
    "  hashes BLOB NOT NULL,       -- 8 bytes per record listed by the entry\n"
    "  PRIMARY KEY (seq, tbl)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TRIGGER audit_digest_no_update BEFORE UPDATE ON audit_digest BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n"
    "CREATE TRIGGER audit_digest_no_delete BEFORE DELETE ON audit_digest BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n";
