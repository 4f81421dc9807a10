/* Tests of the records against the audit trail: with the protective
 * triggers dropped, another tool changes, deletes or adds records and
 * history versions; pv_audit_verify_records names each by table, record
 * and entry, for records saved one by one and for records imported in bulk
 * (whose batch keeps a hash of each). And the migrations' own triggers
 * (the history keepers) are back after a DROP TRIGGER, at the next open. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/audit.h"
#include "parvande/import.h"
#include "parvande/records.h"

static int other_tool(const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(pv_test_db_path(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        cr_log_info("other tool: %s", msg ? msg : "?");
    sqlite3_free(msg);
    sqlite3_close(db);
    return rc;
}

static int64_t one(pv_ctx *ctx, const char *sql)
{
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

#define MAX_FOUND 32
typedef struct found {
    pv_audit_finding f[MAX_FOUND];
    size_t n;
} found;

static void collect(void *arg, const pv_audit_finding *f)
{
    found *o = arg;
    if (o->n < MAX_FOUND)
        o->f[o->n++] = *f;
}

static found check(pv_ctx *ctx, pv_audit_records_report *rep)
{
    found o = {0};
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_verify_records(ctx, collect, &o, rep, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    return o;
}

static bool has(const found *o, pv_audit_finding_kind kind, const char *table, pv_id id)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->f[i].kind == kind && strcmp(o->f[i].table, table) == 0 &&
            (id == 0 || o->f[i].record_id == id))
            return true;
    return false;
}

static void dump(const found *o)
{
    char msg[320];
    for (size_t i = 0; i < o->n; i++) {
        pv_audit_finding_text(&o->f[i], msg, sizeof msg);
        cr_log_info("%s", msg);
    }
}

static pv_id save(pv_ctx *ctx, unsigned long n, const char *first)
{
    pv_person p = pv_test_person(n, first, "Ahmadi", "Ali", PV_GENDER_FEMALE);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message ? err.message : "");
    return p.id;
}

static void edit_phone(pv_ctx *ctx, unsigned long n, const char *phone)
{
    char nid[11];
    pv_test_natid(n, nid);
    pv_person p;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_find(ctx, nid, &p, &err), PV_OK);
    snprintf(p.phone, sizeof p.phone, "%s", phone);
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message ? err.message : "");
}

#define NO_TRIGGERS "DROP TRIGGER pv_audit_person_update; DROP TRIGGER pv_audit_person_delete;" \
                    "DROP TRIGGER pv_audit_person_insert; DROP TRIGGER person_keep_update;"

Test(audit_records, normal_work_leaves_nothing_to_report)
{
    pv_ctx *ctx = pv_test_db();
    for (unsigned long i = 1; i <= 5; i++)
        save(ctx, i, "Zahra");
    edit_phone(ctx, 2, "09120000002");
    edit_phone(ctx, 2, "09120000003");
    pv_audit_records_report rep;
    found o = check(ctx, &rep);
    dump(&o);
    cr_assert_eq(rep.findings, 0);
    cr_assert_geq(rep.records, 5, "the persons at least");
    cr_assert_eq(rep.history_rows, 2);
    pv_test_db_close(ctx);
}

Test(audit_records, another_tool_changing_records_and_history_is_named)
{
    pv_ctx *ctx = pv_test_db();
    pv_id a = save(ctx, 1, "Zahra"), b = save(ctx, 2, "Maryam"), c = save(ctx, 3, "Sara");
    edit_phone(ctx, 2, "09120000002");
    edit_phone(ctx, 2, "09120000003");
    char sql[1024];
    snprintf(sql, sizeof sql,
             NO_TRIGGERS
             "UPDATE person SET first_name = 'X', address = 'elsewhere' WHERE id = %lld;"
             "DELETE FROM person WHERE id = %lld;"
             "UPDATE person_history SET phone = '0000' WHERE hist_id = (SELECT min(hist_id) FROM"
             " person_history WHERE id = %lld);",
             (long long)a, (long long)c, (long long)b);
    cr_assert_eq(other_tool(sql), SQLITE_OK);
    pv_audit_records_report rep;
    found o = check(ctx, &rep);
    dump(&o);
    cr_assert(has(&o, PV_FIND_CHANGED, "person", a), "the changed name");
    cr_assert(has(&o, PV_FIND_VANISHED, "person", c), "the deleted person");
    cr_assert(has(&o, PV_FIND_HISTORY_CHANGED, "person", b), "the changed history version");
    cr_assert_not(has(&o, PV_FIND_CHANGED, "person", b), "b itself is as the trail says");
    pv_test_db_close(ctx);
}

Test(audit_records, a_record_added_behind_the_program_and_history_removed)
{
    pv_ctx *ctx = pv_test_db();
    save(ctx, 1, "Zahra");
    pv_id b = save(ctx, 2, "Maryam");
    edit_phone(ctx, 2, "09120000002");
    char sql[2048];
    snprintf(sql, sizeof sql,
             NO_TRIGGERS
             "INSERT INTO person (id, household_id, relation, national_id, first_name, last_name,"
             " father_name, gender, birth_date, branch_code, fold_first, fold_last, fold_father,"
             " created_by, updated_by, created_at, updated_at) SELECT id + 1000, household_id,"
             " relation, '0499370899', 'Ghost', last_name, father_name, gender, birth_date,"
             " branch_code, fold_first, fold_last, fold_father, created_by, updated_by,"
             " created_at, updated_at FROM person WHERE id = %lld;"
             "DELETE FROM person_history WHERE id = %lld;",
             (long long)b, (long long)b);
    cr_assert_eq(other_tool(sql), SQLITE_OK);
    pv_audit_records_report rep;
    found o = check(ctx, &rep);
    dump(&o);
    cr_assert(has(&o, PV_FIND_NO_ENTRY, "person", b + 1000));
    cr_assert(has(&o, PV_FIND_HISTORY_MISSING, "person", b));
    pv_test_db_close(ctx);
}

static const char csv[] =
    "national_id,first_name,last_name,gender,birth_date,household,relation\n"
    "0499370899,Ali,Mohammadi,M,1360/01/15,H1,head\n"
    "0790419904,Fatemeh,Mohammadi,F,1365/05/20,H1,spouse\n"
    "0084575948,Zahra,Rezaei,F,1370/01/01,H2,head\n";

static void import(pv_ctx *ctx, const char *text)
{
    char path[700];
    snprintf(path, sizeof path, "%s.in.csv", pv_test_db_path());
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_import_csv(ctx, path, NULL, &st, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    cr_assert_eq(st.rejected, 0);
    remove(path);
}

Test(audit_records, records_imported_in_bulk_are_checked_by_their_batch_hashes)
{
    pv_ctx *ctx = pv_test_db();
    import(ctx, csv);
    cr_assert_gt(one(ctx, "SELECT count(*) FROM audit_digest"), 0, "the batch keeps hashes");
    pv_audit_records_report rep;
    found o = check(ctx, &rep);
    dump(&o);
    cr_assert_eq(rep.findings, 0);
    /* a re-import updating one of them: its old version in the history */
    import(ctx, "national_id,first_name,last_name,gender,birth_date\n"
                "0790419904,Fatemeh,Ahmadi,F,1365/05/20\n");
    o = check(ctx, &rep);
    dump(&o);
    cr_assert_eq(rep.findings, 0);
    cr_assert_eq(rep.history_rows, 1);
    int64_t zahra = one(ctx, "SELECT id FROM person WHERE national_id = '0084575948'");
    int64_t fatemeh = one(ctx, "SELECT id FROM person WHERE national_id = '0790419904'");
    char sql[512];
    snprintf(sql, sizeof sql,
             NO_TRIGGERS "UPDATE person SET last_name = 'Tampered' WHERE id = %lld;"
             "UPDATE person_history SET last_name = 'Tampered' WHERE id = %lld;",
             (long long)zahra, (long long)fatemeh);
    cr_assert_eq(other_tool(sql), SQLITE_OK);
    o = check(ctx, &rep);
    dump(&o);
    cr_assert(has(&o, PV_FIND_CHANGED, "person", zahra), "a bulk-imported record changed");
    cr_assert(has(&o, PV_FIND_HISTORY_CHANGED, "person", fatemeh), "its old version changed");
    cr_assert_eq(rep.findings, 2);
    pv_test_db_close(ctx);
}

Test(audit_records, an_altered_list_of_hashes_is_found)
{
    pv_ctx *ctx = pv_test_db();
    import(ctx, csv);
    cr_assert_eq(other_tool("DROP TRIGGER audit_digest_no_update;"
                            "UPDATE audit_digest SET hashes = zeroblob(length(hashes))"
                            " WHERE tbl = 'person';"),
                 SQLITE_OK);
    pv_audit_records_report rep;
    found o = check(ctx, &rep);
    dump(&o);
    cr_assert(has(&o, PV_FIND_DIGEST, "person", 0));
    pv_test_db_close(ctx);
}

Test(audit_records, a_dropped_history_trigger_is_back_at_the_next_open)
{
    pv_ctx *ctx = pv_test_db();
    save(ctx, 1, "Zahra");
    cr_assert_eq(other_tool("DROP TRIGGER person_keep_update; DROP TRIGGER casefile_move;"),
                 SQLITE_OK);
    pv_ctx_close(ctx);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ctx_open(pv_test_db_path(), PV_LANG_EN, &ctx, &err), PV_OK);
    cr_assert_eq(one(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND"
                          " name IN ('person_keep_update', 'casefile_move')"), 2);
    cr_assert_eq(one(ctx, "SELECT count(*) FROM audit WHERE action = 'triggers-restored'"), 1);
    edit_phone(ctx, 1, "09120000009");
    cr_assert_eq(one(ctx, "SELECT count(*) FROM person_history"), 1, "history kept again");
    /* an up-to-date database: opening writes nothing */
    int64_t v = one(ctx, "PRAGMA schema_version");
    pv_ctx_close(ctx);
    cr_assert_eq(pv_ctx_open(pv_test_db_path(), PV_LANG_EN, &ctx, &err), PV_OK);
    cr_assert_eq(one(ctx, "PRAGMA schema_version"), v);
    pv_test_db_close(ctx);
}
