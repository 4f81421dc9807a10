/* Tests of the audit trail: every change recorded by the triggers with its
 * old and new values and who made it; refused attempts recorded even when
 * their transaction is rolled back; the chain detecting an entry edited,
 * deleted, swapped or cut off behind the program's back (with the sqlite3
 * library, after dropping the protection triggers as an attacker would);
 * a file's history. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/audit.h"
#include "parvande/authz.h"
#include "parvande/records.h"
#include "parvande/users.h"

static pv_ctx *open_audited(void)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK, "install: %s", err.message ? err.message : "");
    return ctx;
}

/* Runs SQL on the database file through a separate connection: another
 * tool, without the program's functions. Returns SQLite's result code. */
static int other_tool(const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(pv_test_db_path(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static int64_t count_where(pv_ctx *ctx, const char *sql)
{
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(ctx->db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static pv_id save_person(pv_ctx *ctx, unsigned long n, const char *first, pv_id household)
{
    pv_person p = pv_test_person(n, first, "Ahmadi", "Ali", PV_GENDER_FEMALE);
    p.household_id = household;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "save: %s", err.message ? err.message : "");
    return p.id;
}

/* Ten entries: people saved by the system actor, some updated. */
static void fill(pv_ctx *ctx)
{
    for (unsigned long i = 1; i <= 6; i++)
        save_person(ctx, i, "Zahra", 0);
    pv_error err = PV_ERROR_INIT;
    char nid[11];
    for (unsigned long i = 1; i <= 4; i++) {
        pv_person p;
        pv_test_natid(i, nid);
        cr_assert_eq(pv_person_find(ctx, nid, &p, &err), PV_OK);
        snprintf(p.phone, sizeof p.phone, "0912000000%lu", i);
        cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message ? err.message : "");
    }
}

static pv_audit_report verify(pv_ctx *ctx)
{
    pv_audit_report rep;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_verify(ctx, &rep, &err), PV_OK, "verify: %s",
                 err.message ? err.message : "");
    return rep;
}

Test(security_audit, install_is_idempotent_and_writes_nothing_the_second_time)
{
    pv_ctx *ctx = open_audited();
    int64_t before = count_where(ctx, "PRAGMA schema_version");
    int64_t triggers = count_where(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                                        " AND name GLOB 'pv_audit_*'");
    cr_assert_geq(triggers, 3 * 4, "triggers on person, household, casefile, assessment at least");
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    cr_assert_eq(count_where(ctx, "PRAGMA schema_version"), before);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                                  " AND name GLOB 'pv_audit_*_history*'"), 0);
    pv_test_db_close(ctx);
}

Test(security_audit, a_change_is_recorded_with_old_and_new_values_and_the_actor)
{
    pv_ctx *ctx = open_audited();
    pv_id id = save_person(ctx, 7, "Maryam", 0);
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    pv_error err = PV_ERROR_INIT;
    pv_person p;
    char nid[11];
    pv_test_natid(7, nid);
    cr_assert_eq(pv_person_find(ctx, nid, &p, &err), PV_OK);
    snprintf(p.address, sizeof p.address, "Tehran, Azadi street");
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message ? err.message : "");

    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db,
                                    "SELECT actor, action, tbl, record_id, old_values, new_values,"
                                    " outcome FROM audit WHERE tbl = 'person' ORDER BY seq",
                                    -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "system");
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 1), "insert");
    cr_assert_eq(sqlite3_column_int64(st, 3), id);
    cr_assert_eq(sqlite3_column_type(st, 4), SQLITE_NULL);
    cr_assert_not_null(strstr((const char *)sqlite3_column_text(st, 5), nid));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "sara");
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 1), "update");
    cr_assert_null(strstr((const char *)sqlite3_column_text(st, 4), "Azadi"));
    cr_assert_not_null(strstr((const char *)sqlite3_column_text(st, 5), "Azadi"));
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 6), "done");
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "a save that changed nothing leaves no entry");
    sqlite3_finalize(st);
    /* saving again unchanged adds nothing */
    int64_t n = count_where(ctx, "SELECT count(*) FROM audit");
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit"), n);
    pv_test_actor(ctx, "mina", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(verify(ctx).problem, PV_AUDIT_INTACT);
    pv_test_db_close(ctx);
}

Test(security_audit, the_program_cannot_edit_or_delete_entries_and_other_tools_cannot_write_files)
{
    pv_ctx *ctx = open_audited();
    fill(ctx);
    cr_assert_neq(sqlite3_exec(ctx->db, "UPDATE audit SET actor = 'x' WHERE seq = 1", NULL, NULL,
                               NULL), SQLITE_OK);
    cr_assert_neq(sqlite3_exec(ctx->db, "DELETE FROM audit WHERE seq = 1", NULL, NULL, NULL),
                  SQLITE_OK);
    cr_assert_neq(other_tool("UPDATE audit SET actor = 'x' WHERE seq = 1"), SQLITE_OK);
    /* without the program's functions, the audited tables refuse changes */
    cr_assert_neq(other_tool("UPDATE person SET first_name = 'X'"), SQLITE_OK);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM person WHERE first_name = 'X'"), 0);
    cr_assert_eq(verify(ctx).problem, PV_AUDIT_INTACT);
    pv_test_db_close(ctx);
}

#define DROP_PROTECTION "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"

Test(security_audit, verify_detects_an_edited_entry)
{
    pv_ctx *ctx = open_audited();
    fill(ctx);
    pv_audit_report rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT);
    cr_assert_eq(rep.entries, 10);
    cr_assert_eq(other_tool(DROP_PROTECTION "UPDATE audit SET actor = 'nobody' WHERE seq = 4"),
                 SQLITE_OK);
    rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_CHANGED, "problem %d", rep.problem);
    cr_assert_eq(rep.seq, 4);
    pv_test_db_close(ctx);
}

Test(security_audit, verify_detects_an_edited_value_even_with_its_hash_recomputed_elsewhere)
{
    pv_ctx *ctx = open_audited();
    fill(ctx);
    /* the attacker edits entry 3 and writes some other hash into it: the
     * next entry no longer follows */
    cr_assert_eq(other_tool(DROP_PROTECTION "UPDATE audit SET new_values = '{}', hash ="
                                            " 'ab' || substr(hash, 3) WHERE seq = 3"),
                 SQLITE_OK);
    pv_audit_report rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_CHANGED);
    cr_assert_eq(rep.seq, 3);
    pv_test_db_close(ctx);
}

Test(security_audit, verify_detects_a_deleted_entry)
{
    pv_ctx *ctx = open_audited();
    fill(ctx);
    cr_assert_eq(other_tool(DROP_PROTECTION "DELETE FROM audit WHERE seq = 5"), SQLITE_OK);
    pv_audit_report rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_REMOVED);
    cr_assert_eq(rep.seq, 5);
    pv_test_db_close(ctx);
}

Test(security_audit, verify_detects_deleted_entries_renumbered)
{
    pv_ctx *ctx = open_audited();
    fill(ctx);
    cr_assert_eq(other_tool(DROP_PROTECTION "DELETE FROM audit WHERE seq = 5;"
                                            "UPDATE audit SET seq = seq - 1 WHERE seq > 5;"),
                 SQLITE_OK);
    pv_audit_report rep = verify(ctx);
    cr_assert_neq(rep.problem, PV_AUDIT_INTACT);
    cr_assert_eq(rep.seq, 5);
    pv_test_db_close(ctx);
}

Test(security_audit, verify_detects_the_end_cut_off)
{
    pv_ctx *ctx = open_audited();
    fill(ctx);
    cr_assert_eq(other_tool(DROP_PROTECTION "DELETE FROM audit WHERE seq >= 9"), SQLITE_OK);
    pv_audit_report rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_REMOVED);
    cr_assert_eq(rep.seq, 9);
    pv_test_db_close(ctx);
}

Test(security_audit, verify_detects_two_swapped_entries)
{
    pv_ctx *ctx = open_audited();
    fill(ctx);
    cr_assert_eq(other_tool(DROP_PROTECTION "UPDATE audit SET seq = -1 WHERE seq = 3;"
                                            "UPDATE audit SET seq = 3 WHERE seq = 6;"
                                            "UPDATE audit SET seq = 6 WHERE seq = -1;"),
                 SQLITE_OK);
    pv_audit_report rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_REORDERED, "problem %d", rep.problem);
    cr_assert_eq(rep.seq, 3);
    pv_test_db_close(ctx);
}

Test(security_audit, verify_detects_swapped_contents)
{
    pv_ctx *ctx = open_audited();
    fill(ctx);
    /* the same swap done by exchanging every column but seq */
    cr_assert_eq(other_tool(DROP_PROTECTION
                            "CREATE TEMP TABLE a AS SELECT * FROM audit WHERE seq IN (2, 3);"
                            "UPDATE audit SET (at, actor, action, tbl, record_id, household_id,"
                            " old_values, new_values, outcome, reason, prev_hash, hash) ="
                            " (SELECT at, actor, action, tbl, record_id, household_id, old_values,"
                            " new_values, outcome, reason, prev_hash, hash FROM a"
                            " WHERE a.seq = 5 - audit.seq) WHERE seq IN (2, 3);"),
                 SQLITE_OK);
    pv_audit_report rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_REORDERED, "problem %d", rep.problem);
    cr_assert_eq(rep.seq, 2);
    pv_test_db_close(ctx);
}

Test(security_audit, a_refusal_is_recorded_even_when_its_transaction_is_rolled_back)
{
    pv_ctx *ctx = open_audited();
    pv_test_actor(ctx, "reza", PV_ROLE_CASEWORKER, 1);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_tx_begin(ctx, &err), PV_OK);
    cr_assert_eq(pv_authz_check(ctx, PV_ACT_USER_ADMIN, 1, &err), PV_EDENIED);
    pv_error_clear(&err);
    pv_tx_rollback(ctx);
    cr_assert_eq(pv_audit_flush(ctx, &err), PV_OK); /* what the tx helpers do after ROLLBACK */
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE outcome = 'refused'"
                                  " AND actor = 'reza' AND action = 'user-admin'"), 1);
    /* outside a transaction it is written at once */
    cr_assert_eq(pv_authz_check(ctx, PV_ACT_FILE_READ, 2, &err), PV_EDENIED);
    pv_error_clear(&err);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE outcome = 'refused'"
                                  " AND reason = 'record of another branch'"), 1);
    pv_test_actor(ctx, "system", PV_ROLE_SYSTEM, 1);
    cr_assert_eq(verify(ctx).problem, PV_AUDIT_INTACT);
    pv_test_db_close(ctx);
}

Test(security_audit, show_gives_the_history_of_one_file_only)
{
    pv_ctx *ctx = open_audited();
    pv_error err = PV_ERROR_INIT;
    pv_id hh = 0, other_hh = 0;
    cr_assert_eq(pv_household_create(ctx, "H1", &hh, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    cr_assert_eq(pv_household_create(ctx, "H2", &other_hh, &err), PV_OK);
    save_person(ctx, 11, "Fatemeh", hh);
    save_person(ctx, 12, "Hasan", hh);
    save_person(ctx, 13, "Other", other_hh);
    pv_casefile f;
    cr_assert_eq(pv_casefile_find(ctx, hh, &f, &err), PV_OK);
    cr_assert_eq(pv_assessment_add(ctx, f.id, "2024-05-01", "Visited the family.", &err), PV_OK,
                 "%s", err.message ? err.message : "");
    char nid[11];
    pv_test_natid(11, nid);
    pv_audit_entry *e = NULL;
    size_t n = 0;
    cr_assert_eq(pv_audit_show(ctx, nid, &e, &n, &err), PV_OK, "%s", err.message ? err.message : "");
    bool saw_household = false, saw_casefile = false, saw_member = false, saw_assessment = false;
    for (size_t i = 0; i < n; i++) {
        cr_assert(i == 0 || e[i].seq > e[i - 1].seq, "oldest first");
        cr_assert(!e[i].new_values || !strstr(e[i].new_values, "Other"), "another file's entry");
        saw_household |= strcmp(e[i].table, "household") == 0;
        saw_casefile |= strcmp(e[i].table, "casefile") == 0;
        saw_assessment |= strcmp(e[i].table, "assessment") == 0;
        saw_member |= e[i].new_values && strstr(e[i].new_values, "Hasan") != NULL;
    }
    cr_assert(saw_household && saw_casefile && saw_member && saw_assessment,
              "household %d casefile %d member %d assessment %d", saw_household, saw_casefile,
              saw_member, saw_assessment);
    pv_audit_entries_free(e, n);

    /* a caseworker may not read the trail; a supervisor of another branch
     * may not read this file's */
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(pv_audit_show(ctx, nid, &e, &n, &err), PV_EDENIED);
    pv_error_clear(&err);
    pv_test_actor(ctx, "babak", PV_ROLE_SUPERVISOR, 2);
    cr_assert_eq(pv_audit_show(ctx, nid, &e, &n, &err), PV_EDENIED);
    pv_error_clear(&err);
    pv_test_actor(ctx, "mina", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(pv_audit_show(ctx, nid, &e, &n, &err), PV_OK);
    pv_audit_entries_free(e, n);
    cr_assert_eq(pv_audit_show(ctx, "1234567891", &e, &n, &err), PV_ENOTFOUND);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(security_audit, a_caseworker_may_not_verify)
{
    pv_ctx *ctx = open_audited();
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    pv_audit_report rep;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_verify(ctx, &rep, &err), PV_EDENIED);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(security_audit, bulk_mode_writes_one_entry_per_batch_that_show_finds)
{
    pv_ctx *ctx = open_audited();
    pv_error err = PV_ERROR_INIT;
    pv_id hh = 0;
    cr_assert_eq(pv_household_create(ctx, "B1", &hh, &err), PV_OK);
    int64_t before = count_where(ctx, "SELECT count(*) FROM audit");
    cr_assert_eq(pv_audit_bulk_begin(ctx, "people.csv", "ab12", &err), PV_OK);
    cr_assert_eq(pv_tx_begin(ctx, &err), PV_OK);
    pv_id first = save_person(ctx, 21, "Zahra", hh);
    save_person(ctx, 22, "Reza", hh);
    pv_id last = save_person(ctx, 23, "Sara", 0);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit"), before, "no entry per row");
    cr_assert_eq(pv_audit_bulk_commit(ctx, &err), PV_OK, "%s", err.message ? err.message : "");
    cr_assert_eq(pv_tx_commit(ctx, &err), PV_OK);
    /* a batch rolled back leaves nothing */
    cr_assert_eq(pv_tx_begin(ctx, &err), PV_OK);
    save_person(ctx, 24, "Gone", 0);
    pv_tx_rollback(ctx);
    pv_audit_bulk_rollback(ctx);
    cr_assert_eq(pv_audit_bulk_commit(ctx, &err), PV_OK);
    pv_audit_bulk_end(ctx);

    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE action = 'import'"), 1);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit WHERE action = 'import' AND actor = 'system'"
             " AND new_values ->> '$.source' = 'people.csv' AND new_values ->> '$.sha256' = 'ab12'"
             " AND new_values ->> '$.changes.person.insert[0][0]' = %lld"
             " AND new_values ->> '$.changes.person.insert[0][1]' = %lld",
             (long long)first, (long long)last);
    cr_assert_eq(count_where(ctx, sql), 1);
    cr_assert_eq(verify(ctx).problem, PV_AUDIT_INTACT);

    /* back to an entry per row */
    save_person(ctx, 25, "After", 0);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE action = 'insert'"
                                  " AND tbl = 'person'"), 1);

    char nid[11];
    pv_audit_entry *e = NULL;
    size_t n = 0;
    for (unsigned long k = 22; k <= 23; k++) { /* in a household, and alone */
        pv_test_natid(k, nid);
        cr_assert_eq(pv_audit_show(ctx, nid, &e, &n, &err), PV_OK);
        bool saw_import = false;
        for (size_t i = 0; i < n; i++)
            saw_import |= strcmp(e[i].action, "import") == 0;
        cr_assert(saw_import, "the batch entry is in the history of %s", nid);
        pv_audit_entries_free(e, n);
    }
    pv_test_natid(25, nid);
    cr_assert_eq(pv_audit_show(ctx, nid, &e, &n, &err), PV_OK);
    cr_assert_geq(n, 1);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_neq(e[i].action, "import", "a later person is not in the batch");
    cr_assert_str_eq(e[n - 1].action, "insert");
    pv_audit_entries_free(e, n);
    pv_test_db_close(ctx);
}

Test(security_audit, a_table_added_or_altered_later_gets_its_triggers_on_the_next_install)
{
    pv_ctx *ctx = open_audited();
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(sqlite3_exec(ctx->db, "CREATE TABLE extra (id INTEGER PRIMARY KEY, v TEXT)",
                              NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    cr_assert_eq(sqlite3_exec(ctx->db, "INSERT INTO extra VALUES (7, 'a')", NULL, NULL, NULL),
                 SQLITE_OK);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE tbl = 'extra'"
                                  " AND record_id = 7 AND new_values = '{\"id\":7,\"v\":\"a\"}'"), 1);
    cr_assert_eq(sqlite3_exec(ctx->db, "ALTER TABLE extra ADD COLUMN w TEXT", NULL, NULL, NULL),
                 SQLITE_OK);
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    cr_assert_eq(sqlite3_exec(ctx->db, "UPDATE extra SET w = 'b'", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE tbl = 'extra' AND action ="
                                  " 'update' AND new_values ->> '$.w' = 'b'"), 1);
    /* dropped (as before a migration that drops a column), then back */
    cr_assert_eq(pv_audit_drop_triggers(ctx, &err), PV_OK);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                                  " AND name GLOB 'pv_audit_*'"), 0);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                                  " AND name GLOB 'audit_no_*'"), 2, "the protection stays");
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    cr_assert_eq(sqlite3_exec(ctx->db, "DELETE FROM extra", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE tbl = 'extra' AND action ="
                                  " 'delete' AND old_values ->> '$.w' = 'b'"), 1);
    pv_test_actor(ctx, "mina", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(verify(ctx).problem, PV_AUDIT_INTACT);
    pv_test_db_close(ctx);
}
