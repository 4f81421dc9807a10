/* parvande — schema of the beneficiary files (migration 1): the branch,
 * households, persons, case files, assessments and the change history.
 *
 * Read by people with other tools too, so: enums are readable text codes
 * with CHECK constraints, dates ISO-8601 Gregorian text, timestamps UTC
 * "YYYY-MM-DDTHH:MM:SS.sssZ", ids are branch_code << 40 | sequence.
 * History: AFTER UPDATE/DELETE triggers copy the old row into *_history
 * with when and by whom it was replaced, so nothing is ever lost.
 * Enum CHECKs are OR chains, not IN lists: SQLite builds an ephemeral table
 * for an IN list on every row it checks, which costs a bulk import dearly. */
#include "internal.h"
#include "search_key.h"
#include "sql_person.h"

/* The three name indexes, kept apart because a large import drops them
 * and builds them again at its end (see core/import.c), and opening the
 * database re-creates any that an import killed half way left missing. */
#define NAME_INDEX_FIRST                                   \
    "CREATE INDEX IF NOT EXISTS person_fold_first"         \
    " ON person (fold_first, id, fold_last, fold_father, branch_code);\n"
#define NAME_INDEX_LAST                                    \
    "CREATE INDEX IF NOT EXISTS person_fold_last"          \
    " ON person (fold_last, id, fold_first, fold_father, branch_code);\n"
#define NAME_INDEX_FATHER                                  \
    "CREATE INDEX IF NOT EXISTS person_fold_father"        \
    " ON person (fold_father, id, fold_first, fold_last, branch_code);\n"

/* Persons in the order search ranks ties: last name, then first name, in
 * Persian alphabetical order (core/search_key.h), then id; covering, so a
 * short common prefix reads its best few rows in order and stops. One of
 * the name indexes: dropped and rebuilt with them by a large import. */
#define SORT_INDEX                                                                        \
    "CREATE INDEX IF NOT EXISTS " PV_SORT_INDEX_NAME " ON person (" PV_SORT_KEY("fold_last") \
    ", " PV_SORT_KEY("fold_first") ", id, fold_first, fold_last, fold_father, branch_code);\n"
const char pv_sql_sort_index[] = SORT_INDEX;

const char *const pv_sql_name_indexes[PV_NAME_INDEXES] = {
    NAME_INDEX_FIRST, NAME_INDEX_LAST, NAME_INDEX_FATHER, SORT_INDEX,
};
const char *const pv_name_index_names[PV_NAME_INDEXES] = {
    "person_fold_first", "person_fold_last", "person_fold_father", PV_SORT_INDEX_NAME,
};

const char pv_sql_files[] =
    /* This database's own branch: exactly one row. */
    "CREATE TABLE branch (\n"
    "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  code INTEGER NOT NULL CHECK (code BETWEEN 1 AND 8388607),\n"
    "  province TEXT NOT NULL DEFAULT '',\n"
    "  county TEXT NOT NULL DEFAULT '',\n"
    "  office TEXT NOT NULL DEFAULT '',\n"
    "  updated_at TEXT NOT NULL DEFAULT (" PV_NOW ")\n"
    ");\n"
    "INSERT INTO branch (id, code) VALUES (1, 1);\n"

    "CREATE TABLE household (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  branch_code INTEGER NOT NULL CHECK (branch_code BETWEEN 1 AND 8388607),\n"
    "  external_key TEXT CHECK (external_key IS NULL OR external_key <> ''),\n"
    "  created_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"
    "  created_by TEXT NOT NULL DEFAULT '',\n"
    "  UNIQUE (branch_code, external_key)\n"
    ");\n"

    PV_SQL_PERSON_TABLE("person", " UNIQUE")
    /* One covering index per name: a prefix range on any name reads the
     * other names and the branch without touching the table. The id comes
     * second so that new rows (ids only grow) land at the end of their
     * name's run instead of all over the index: twice the import speed on
     * a million persons. */
    NAME_INDEX_FIRST NAME_INDEX_LAST NAME_INDEX_FATHER
    "CREATE INDEX person_household ON person (household_id);\n"

    "CREATE TABLE casefile (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  household_id INTEGER NOT NULL UNIQUE REFERENCES household(id),\n"
    "  branch_code INTEGER NOT NULL CHECK (branch_code BETWEEN 1 AND 8388607),\n"
    "  status TEXT NOT NULL DEFAULT 'active' CHECK (status = 'active' OR status = 'closed'),\n"
    "  covered INTEGER NOT NULL DEFAULT 0 CHECK (covered = 0 OR covered = 1),\n"
    "  opened_on TEXT NOT NULL DEFAULT '',\n"
    "  closed_on TEXT NOT NULL DEFAULT '',\n"
    "  caseworker TEXT NOT NULL DEFAULT '',\n"
    "  created_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"
    "  created_by TEXT NOT NULL DEFAULT '',\n"
    "  updated_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"
    "  updated_by TEXT NOT NULL DEFAULT '',\n"
    "  CHECK (status = 'active' OR closed_on <> '')\n"
    ");\n"
    "CREATE INDEX casefile_branch ON casefile (branch_code, status);\n"

    "CREATE TABLE assessment (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  file_id INTEGER NOT NULL REFERENCES casefile(id),\n"
    "  date TEXT NOT NULL CHECK (date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),\n"
    "  author TEXT NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL DEFAULT (" PV_NOW ")\n"
    ");\n"
    "CREATE INDEX assessment_file ON assessment (file_id, date);\n"

    /* A large import in progress (at most one row): the process that
     * dropped the name indexes to build them again at its end. While it
     * lives, opening the database leaves the indexes to it; once it is gone
     * (killed), the next open re-creates them. */
    "CREATE TABLE bulk_import (\n"
    "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  pid INTEGER NOT NULL,\n"
    "  source TEXT NOT NULL DEFAULT '',\n"
    "  started_at TEXT NOT NULL DEFAULT (" PV_NOW ")\n"
    ");\n"

    /* History: each row is a version that was replaced (op 'update') or
     * removed (op 'delete'); valid from its own updated_at (by updated_by)
     * until replaced_at (by replaced_by). */
    "CREATE TABLE person_history (\n"
    "  hist_id INTEGER PRIMARY KEY,\n"
    "  op TEXT NOT NULL CHECK (op = 'update' OR op = 'delete'),\n"
    "  replaced_at TEXT NOT NULL,\n"
    "  replaced_by TEXT NOT NULL,\n"
    "  id INTEGER NOT NULL, household_id INTEGER, relation TEXT, national_id TEXT,\n"
    "  first_name TEXT, last_name TEXT, father_name TEXT, gender TEXT, birth_date TEXT,\n"
    "  phone TEXT, province TEXT, county TEXT, address TEXT, area TEXT, disability TEXT,\n"
    "  guardianship TEXT, judicial_order INTEGER, branch_code INTEGER,\n"
    "  created_at TEXT, created_by TEXT, updated_at TEXT, updated_by TEXT\n"
    ");\n"
    "CREATE INDEX person_history_id ON person_history (id, hist_id);\n"

    "CREATE TABLE casefile_history (\n"
    "  hist_id INTEGER PRIMARY KEY,\n"
    "  op TEXT NOT NULL CHECK (op = 'update' OR op = 'delete'),\n"
    "  replaced_at TEXT NOT NULL,\n"
    "  replaced_by TEXT NOT NULL,\n"
    "  id INTEGER NOT NULL, household_id INTEGER, branch_code INTEGER, status TEXT,\n"
    "  covered INTEGER, opened_on TEXT, closed_on TEXT, caseworker TEXT,\n"
    "  created_at TEXT, created_by TEXT, updated_at TEXT, updated_by TEXT\n"
    ");\n"
    "CREATE INDEX casefile_history_id ON casefile_history (id, hist_id);\n"

    "CREATE TABLE assessment_history (\n"
    "  hist_id INTEGER PRIMARY KEY,\n"
    "  op TEXT NOT NULL CHECK (op = 'update' OR op = 'delete'),\n"
    "  replaced_at TEXT NOT NULL,\n"
    "  id INTEGER NOT NULL, file_id INTEGER, date TEXT, author TEXT, text TEXT,\n"
    "  created_at TEXT\n"
    ");\n"

#define PERSON_OLD                                                                        \
    "OLD.id, OLD.household_id, OLD.relation, OLD.national_id, OLD.first_name, "          \
    "OLD.last_name, OLD.father_name, OLD.gender, OLD.birth_date, OLD.phone, OLD.province, " \
    "OLD.county, OLD.address, OLD.area, OLD.disability, OLD.guardianship, "              \
    "OLD.judicial_order, OLD.branch_code, OLD.created_at, OLD.created_by, OLD.updated_at, " \
    "OLD.updated_by"
#define CASEFILE_OLD                                                                    \
    "OLD.id, OLD.household_id, OLD.branch_code, OLD.status, OLD.covered, OLD.opened_on, " \
    "OLD.closed_on, OLD.caseworker, OLD.created_at, OLD.created_by, OLD.updated_at, "   \
    "OLD.updated_by"

    "CREATE TRIGGER person_keep_update AFTER UPDATE ON person BEGIN\n"
    "  INSERT INTO person_history VALUES (NULL, 'update', NEW.updated_at, NEW.updated_by, "
    PERSON_OLD ");\n"
    "END;\n"
    "CREATE TRIGGER person_keep_delete AFTER DELETE ON person BEGIN\n"
    "  INSERT INTO person_history VALUES (NULL, 'delete', " PV_NOW ", '', " PERSON_OLD ");\n"
    "END;\n"
    "CREATE TRIGGER casefile_keep_update AFTER UPDATE ON casefile BEGIN\n"
    "  INSERT INTO casefile_history VALUES (NULL, 'update', NEW.updated_at, NEW.updated_by, "
    CASEFILE_OLD ");\n"
    "END;\n"
    "CREATE TRIGGER casefile_keep_delete AFTER DELETE ON casefile BEGIN\n"
    "  INSERT INTO casefile_history VALUES (NULL, 'delete', " PV_NOW ", '', " CASEFILE_OLD ");\n"
    "END;\n"
    "CREATE TRIGGER assessment_keep_update AFTER UPDATE ON assessment BEGIN\n"
    "  INSERT INTO assessment_history VALUES (NULL, 'update', " PV_NOW ", OLD.id, OLD.file_id, "
    "OLD.date, OLD.author, OLD.text, OLD.created_at);\n"
    "END;\n"
    "CREATE TRIGGER assessment_keep_delete AFTER DELETE ON assessment BEGIN\n"
    "  INSERT INTO assessment_history VALUES (NULL, 'delete', " PV_NOW ", OLD.id, OLD.file_id, "
    "OLD.date, OLD.author, OLD.text, OLD.created_at);\n"
    "END;\n"
    /* A file moving to another office takes its household and members along. */
    "CREATE TRIGGER casefile_move AFTER UPDATE OF branch_code ON casefile\n"
    "  WHEN NEW.branch_code <> OLD.branch_code BEGIN\n"
    "  UPDATE household SET branch_code = NEW.branch_code WHERE id = NEW.household_id;\n"
    "  UPDATE person SET branch_code = NEW.branch_code, updated_at = NEW.updated_at,\n"
    "    updated_by = NEW.updated_by WHERE household_id = NEW.household_id;\n"
    "END;\n";

