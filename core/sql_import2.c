/* parvande — migration 13: the national ID's uniqueness as an index of its
 * own instead of inline in the person table.
 *
 * Why: an inline UNIQUE is an index SQLite keeps with the table and no
 * statement can drop, so a first import into a new database paid for
 * inserting a million national IDs at random places in it (the largest
 * single cost measured, doc/speed.md). As the index person_national_id it
 * can be dropped before such an import and built once, sorted, at its end,
 * as the name indexes are (core/import_index.c). The table is otherwise the
 * same: same columns in the same order, the same primary key (the exchange's
 * change sets name rows by it), the same checks.
 *
 * SQLite cannot drop a column constraint, so the table is made again: copied
 * into person_new, the old one dropped, the new one renamed. The program
 * runs this with foreign keys off (the drop would otherwise delete every
 * referenced person first) and checks them before the commit. The rename
 * is the legacy one: the triggers of other tables that name person (a file
 * moving, the statistics' copies) stay as they are and find the new table.
 * Dropping the table dropped its own triggers and indexes: the household
 * index is made here, the history and statistics triggers right after this
 * SQL from the migrations' own text (pv_migration_rebuilt), the audit
 * triggers by every open (core/audit.c), the name indexes too
 * (pv_name_indexes_build). */
#include "audit_internal.h"
#include "internal.h"
#include "sql_person.h"

const char pv_sql_import2[] =
    PV_SQL_FOREIGN_KEYS_OFF
    PV_SQL_PERSON_TABLE("person_new", "")
    "INSERT INTO person_new SELECT * FROM person;\n"
    "DROP TABLE person;\n"
    "PRAGMA legacy_alter_table = ON;\n"
    "ALTER TABLE person_new RENAME TO person;\n"
    "PRAGMA legacy_alter_table = OFF;\n"
    "CREATE UNIQUE INDEX person_national_id ON person (national_id);\n"
    "CREATE INDEX person_household ON person (household_id);\n";

/* Migration 13 runs with foreign keys off; this is its check before the
 * commit that every reference still finds its record. */
pv_status pv_foreign_keys_hold(pv_ctx *ctx, pv_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    int rc = sqlite3_step(st);
    pv_status out = PV_OK;
    if (rc == SQLITE_ROW)
        out = pv_error_set(err, PV_EFAIL, NULL,
                           _("The schema could not be brought up to date: a record of %s "
                             "refers to one that is not there."),
                           (const char *)sqlite3_column_text(st, 0));
    else if (rc != SQLITE_DONE)
        out = pv_db_error(ctx, err);
    sqlite3_finalize(st);
    return out;
}

pv_status pv_migration_rebuilt(pv_ctx *ctx, int version, pv_error *err)
{
    int restored = 0;
    pv_status rc = pv_audit_restore_triggers(ctx, version, &restored, err);
    return rc == PV_OK ? pv_foreign_keys_hold(ctx, err) : rc;
}
