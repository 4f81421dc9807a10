/* parvande — schema of users, login state and the audit trail (migration 3).
 *
 * user: one row per account; the password only as an Argon2id string
 * (libsodium crypto_pwhash_str), never in clear. Users are disabled, never
 * deleted, because the audit trail names them.
 *
 * login_state: wrong passwords in a row and the lockout, per login name as
 * typed (existing or not, so the lockout does not reveal which names
 * exist). Bookkeeping, not audited row by row: logins are audit entries of
 * their own.
 *
 * audit: the append-only trail. seq 1, 2, 3... (AUTOINCREMENT, so
 * sqlite_sequence remembers the highest seq ever written and a cut-off end
 * shows); hash = SHA-256 of the entry's canonical form including prev_hash
 * (see core/audit.c). household_id is the case file the entry belongs to
 * (the household's id; for a person not in a household, minus the person's
 * id), so `audit show` finds a file's history through one index; a bulk
 * import's batch entries (action 'import', see audit.h) list the records
 * they touched in new_values and have their own small index. The
 * program never updates or deletes an entry and the triggers below refuse
 * it; the audit triggers of the data tables are made by pv_audit_install. */
#include "internal.h"

const char pv_sql_security[] =
    "CREATE TABLE user (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 2 AND 32\n"
    "    AND name GLOB '[a-z]*' AND name NOT GLOB '*[^a-z0-9._-]*'),\n"
    "  role TEXT NOT NULL CHECK (role IN ('caseworker','supervisor','admin')),\n"
    "  branch_code INTEGER NOT NULL CHECK (branch_code BETWEEN 1 AND 8388607),\n"
    "  pwhash TEXT NOT NULL CHECK (pwhash GLOB '$argon2id$*'),\n"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),\n"
    "  created_at TEXT NOT NULL,\n"
    "  created_by TEXT NOT NULL DEFAULT ''\n"
    ");\n"
    "CREATE INDEX user_branch ON user (branch_code, name);\n"

    "CREATE TABLE login_state (\n"
    "  name TEXT PRIMARY KEY,\n"
    "  failures INTEGER NOT NULL DEFAULT 0,\n"
    "  locked_until INTEGER NOT NULL DEFAULT 0, -- seconds since 1970 (UTC)\n"
    "  last_login TEXT NOT NULL DEFAULT ''\n"
    ") WITHOUT ROWID;\n"

    "CREATE TABLE audit (\n"
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  at TEXT NOT NULL,              -- UTC YYYY-MM-DDTHH:MM:SSZ\n"
    "  actor TEXT NOT NULL,           -- login name, 'system' for the program\n"
    "  action TEXT NOT NULL,          -- insert, update, delete, login, refused action...\n"
    "  tbl TEXT NOT NULL DEFAULT '',  -- the table changed, '' if none\n"
    "  record_id INTEGER NOT NULL DEFAULT 0,\n"
    "  household_id INTEGER,          -- the file concerned (see above), NULL if none\n"
    "  old_values TEXT,               -- JSON object, NULL for an insert\n"
    "  new_values TEXT,               -- JSON object, NULL for a delete\n"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('done','refused')),\n"
    "  reason TEXT,                   -- why it was refused\n"
    "  prev_hash TEXT NOT NULL,\n"
    "  hash TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX audit_household ON audit (household_id) WHERE household_id IS NOT NULL;\n"
    "CREATE INDEX audit_import ON audit (seq) WHERE action = 'import';\n"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n";
