/* parvande — schema of offices and exchange packages (migration 9).
 *
 * office: this office (is_self = 1, made by `office init`) and the offices
 * it trusts, with their public keys and the sequence numbers of the
 * packages between them. office_secret: this office's secret keys, sealed
 * with a key derived from a passphrase (never in clear).
 * exchange_sent: the changeset of each package sent and not yet
 * acknowledged, so the next package to that office carries it again.
 * exchange_conflict: the review queue; values are kept with their SQLite
 * type (columns without a declared type have no affinity).
 * exchange_decision: supervisors' decisions, exchanged like data so that
 * the other office applies them too. */
#include "internal.h"


const char pv_sql_exchange[] =
    "CREATE TABLE office (\n"
    "  code INTEGER PRIMARY KEY CHECK (code BETWEEN 1 AND 8388607),\n"
    "  level TEXT NOT NULL CHECK (level IN ('branch','province','hq')),\n"
    "  parent INTEGER NOT NULL DEFAULT 0,\n"
    "  sign_pk TEXT NOT NULL CHECK (length(sign_pk) = 64),  -- hexadecimal\n"
    "  box_pk TEXT NOT NULL CHECK (length(box_pk) = 64),\n"
    "  is_self INTEGER NOT NULL DEFAULT 0 CHECK (is_self IN (0, 1)),\n"
    "  trusted_at TEXT NOT NULL DEFAULT '',\n"
    "  trusted_by TEXT NOT NULL DEFAULT '',\n"
    "  out_seq INTEGER NOT NULL DEFAULT 0,\n"
    "  out_acked INTEGER NOT NULL DEFAULT 0,\n"
    "  in_seq INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE UNIQUE INDEX office_one_self ON office (is_self) WHERE is_self = 1;\n"
    "CREATE TABLE office_secret (\n"
    "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  salt BLOB NOT NULL,\n"
    "  nonce BLOB NOT NULL,\n"
    "  sealed BLOB NOT NULL,\n"
    "  opslimit INTEGER NOT NULL,\n"
    "  memlimit INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE exchange_sent (\n"
    "  peer INTEGER NOT NULL REFERENCES office(code),\n"
    "  seq INTEGER NOT NULL,\n"
    "  changes INTEGER NOT NULL,\n"
    "  changeset BLOB NOT NULL,\n"
    "  created_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"
    "  PRIMARY KEY (peer, seq)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE exchange_conflict (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('field','delete_edit','edit_delete','duplicate',\n"
    "                                     'overspent')),\n"
    "  peer INTEGER NOT NULL,\n"
    "  tbl TEXT NOT NULL,\n"
    "  pk TEXT NOT NULL,\n"
    "  col TEXT NOT NULL DEFAULT '',\n"
    "  local_value,\n"
    "  remote_value,\n"
    "  local_by TEXT NOT NULL DEFAULT '', local_at TEXT NOT NULL DEFAULT '',\n"
    "  remote_by TEXT NOT NULL DEFAULT '', remote_at TEXT NOT NULL DEFAULT '',\n"
    "  found_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved')),\n"
    "  resolution,\n"
    "  resolved_by TEXT NOT NULL DEFAULT '', resolved_at TEXT NOT NULL DEFAULT ''\n"
    ");\n"
    "CREATE INDEX exchange_conflict_open ON exchange_conflict (tbl, pk, col) WHERE status = 'open';\n"
    "CREATE TABLE exchange_decision (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  tbl TEXT NOT NULL,\n"
    "  pk TEXT NOT NULL,\n"
    "  col TEXT NOT NULL,\n"
    "  value,\n"
    "  decided_by TEXT NOT NULL,\n"
    "  decided_at TEXT NOT NULL,\n"
    "  office INTEGER NOT NULL\n"
    ");\n"
    /* A file moved from one branch to another (through their province):
     * kept at every office, so the old branch knows where and when. */
    "CREATE TABLE file_transfer (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  household_id INTEGER NOT NULL,\n"
    "  national_id TEXT NOT NULL,\n"
    "  from_branch INTEGER NOT NULL,\n"
    "  to_branch INTEGER NOT NULL,\n"
    "  moved_at TEXT NOT NULL,\n"
    "  moved_by TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX file_transfer_household ON file_transfer (household_id);\n";
