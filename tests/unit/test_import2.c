/* Tests of the national ID's own unique index (migration 13) and of the
 * first import into an empty person table, which drops it and builds it
 * once at its end: the uniqueness still holds, the file's duplicates are
 * refused, nobody else records a person while the index is missing (and
 * reading goes on), and an import killed meanwhile is healed by the next
 * open. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "import_internal.h"
#include "parvande/import.h"

static pv_ctx *ctx;

static void setup(void)
{
    ctx = pv_test_db();
}

static void teardown(void)
{
    pv_test_db_close(ctx);
    ctx = NULL;
}

TestSuite(import_natid, .init = setup, .fini = teardown);

static int64_t sql_int(pv_ctx *c, const char *sql)
{
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(c->db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int64_t natid_index(pv_ctx *c)
{
    return sql_int(c, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                      " AND name = '" PV_NATID_INDEX "'");
}

static int64_t guards(pv_ctx *c)
{
    return sql_int(c, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                      " AND name LIKE 'person_import_guard_%'");
}

static pv_status save(pv_ctx *c, unsigned long n, pv_error *err)
{
    pv_person p = pv_test_person(n, "مریم", "رضایی", NULL, PV_GENDER_FEMALE);
    pv_error_clear(err);
    return pv_person_save(c, &p, err);
}

Test(import_natid, the_national_id_is_unique_through_its_own_index)
{
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'person'"
                              " AND sql LIKE '%UNIQUE%'"), 0, "no inline UNIQUE left");
    cr_assert_eq(natid_index(ctx), 1);
    cr_assert_eq(sql_int(ctx, "SELECT \"unique\" FROM pragma_index_list('person')"
                              " WHERE name = '" PV_NATID_INDEX "'"), 1);
    cr_assert_eq(save(ctx, 41, &err), PV_OK, "%s", err.message);
    pv_person twin = pv_test_person(41, "زهرا", "کریمی", NULL, PV_GENDER_FEMALE);
    cr_assert_eq(pv_person_save(ctx, &twin, &err), PV_ECONFLICT);
    cr_assert_str_eq(err.field, "national_id");
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM person"), 1);
    pv_error_clear(&err);
}

typedef struct seen {
    int64_t index, guards, calls;
} seen;

/* Called on a rejected row, in the middle of the import's second pass. */
static void look(void *arg, long line, const char *field, const char *message)
{
    (void)line, (void)field, (void)message;
    seen *s = arg;
    s->index = natid_index(ctx);
    s->guards = guards(ctx);
    s->calls++;
}

static const char *people_file(unsigned long from, int n, bool twice)
{
    static char path[600];
    snprintf(path, sizeof path, "%s.csv", pv_test_db_path());
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("national_id,first_name,last_name,gender,birth_date,household\n", f);
    for (int i = 0; i < n; i++) {
        char id[11];
        pv_test_natid(from + (unsigned long)i, id);
        fprintf(f, "%s,رضا,کاظمی,M,1360/01/01,H%lu\n", id, (from + (unsigned long)i) / 3);
        if (twice && i == n / 2)
            fprintf(f, "%s,علی,کاظمی,M,1361/01/01,H%lu\n", id, (from + (unsigned long)i) / 3);
    }
    fclose(f);
    return path;
}

Test(import_natid, a_first_import_builds_the_index_once_at_its_end)
{
    pv_error err = PV_ERROR_INIT;
    pv_import_stats st;
    seen s = {-1, -1, 0};
    pv_import_opts o = {.on_reject = look, .arg = &s, .rebuild_min_rows = 10};
    cr_assert_eq(pv_import_csv(ctx, people_file(100, 30, true), &o, &st, &err), PV_OK, "%s",
                 err.message);
    cr_assert_eq(st.imported, 30);
    cr_assert_eq(st.rejected, 1, "the file's own duplicate, found without the index");
    cr_assert_eq(s.calls, 1);
    cr_assert_eq(s.index, 0, "dropped during the import into the empty table");
    cr_assert_eq(s.guards, 2);
    cr_assert_eq(natid_index(ctx), 1, "built at the end");
    cr_assert_eq(guards(ctx), 0);
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM bulk_import"), 0);
    cr_assert_eq(sql_int(ctx, "SELECT count(DISTINCT national_id) FROM person"), 30);
    cr_assert_not(ctx->bulk_writer);
    cr_assert_eq(save(ctx, 105, &err), PV_ECONFLICT, "unique again");

    /* into a table that holds persons the index stays: rows are looked up */
    s = (seen){-1, -1, 0};
    cr_assert_eq(pv_import_csv(ctx, people_file(120, 30, true), &o, &st, &err), PV_OK, "%s",
                 err.message);
    cr_assert_eq(st.updated, 10);
    cr_assert_eq(st.imported, 20);
    cr_assert_eq(s.index, 1, "kept while persons were recorded");
    cr_assert_eq(s.guards, 0);
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM person"), 50);
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM pragma_integrity_check"
                              " WHERE integrity_check <> 'ok'"), 0);
    unlink(people_file(0, 0, false));
    pv_error_clear(&err);
}

Test(import_natid, while_the_index_is_missing_only_the_import_records_persons)
{
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(save(ctx, 7, &err), PV_OK, "%s", err.message);
    cr_assert_eq(imp_natid_guard(ctx, &err), PV_OK, "%s", err.message);
    ctx->bulk_writer = true; /* ctx plays the import */
    /* a live import (our parent process) owns the window: opens leave it */
    char sql[96];
    snprintf(sql, sizeof sql, "INSERT INTO bulk_import (id, pid) VALUES (1, %ld)", (long)getppid());
    cr_assert_eq(sqlite3_exec(ctx->db, sql, NULL, NULL, NULL), SQLITE_OK);
    pv_ctx *other = NULL;
    cr_assert_eq(pv_ctx_open(pv_test_db_path(), PV_LANG_EN, &other, &err), PV_OK, "%s",
                 err.message);
    cr_assert_eq(natid_index(other), 0);

    cr_assert_eq(save(other, 8, &err), PV_ECONFLICT);
    cr_assert_str_eq(err.field, "national_id");
    cr_assert_not_null(strstr(err.message, "first import"), "%s", err.message);
    cr_assert_null(strstr(err.message, "constraint"), "no SQLite text: %s", err.message);
    pv_person p;
    char id[11];
    pv_test_natid(7, id);
    cr_assert_eq(pv_person_find(other, id, &p, &err), PV_OK, "reading goes on");
    p.phone[0] = '\0';
    snprintf(p.address, sizeof p.address, "%s", "خیابان آزادی");
    cr_assert_eq(pv_person_save(other, &p, &err), PV_OK, "other changes go on: %s", err.message);
    cr_assert_eq(save(ctx, 9, &err), PV_OK, "the import itself records: %s", err.message);

    /* the import killed: the next open builds the index and lifts the guard */
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0)
        _exit(0);
    cr_assert_eq(waitpid(child, NULL, 0), child);
    snprintf(sql, sizeof sql, "UPDATE bulk_import SET pid = %ld", (long)child);
    cr_assert_eq(sqlite3_exec(ctx->db, sql, NULL, NULL, NULL), SQLITE_OK);
    pv_ctx_close(other);
    cr_assert_eq(pv_ctx_open(pv_test_db_path(), PV_LANG_EN, &other, &err), PV_OK, "%s",
                 err.message);
    cr_assert_eq(natid_index(other), 1, "healed on open");
    cr_assert_eq(guards(other), 0);
    cr_assert_eq(sql_int(other, "SELECT count(*) FROM bulk_import"), 0);
    cr_assert_eq(save(other, 8, &err), PV_OK, "%s", err.message);
    cr_assert_eq(save(other, 9, &err), PV_ECONFLICT, "unique again");
    pv_ctx_close(other);
    pv_error_clear(&err);
}

/* The triggers and indexes of the person table, as one string. */
static void person_schema(pv_ctx *c, char *out, size_t size)
{
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(c->db, "SELECT group_concat(type || ' ' || name || ' ' ||"
                                           " ifnull(sql, ''), ';') FROM (SELECT * FROM"
                                           " sqlite_master WHERE tbl_name = 'person' AND type"
                                           " <> 'table' ORDER BY name)", -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* A database the program of schema 12 left, with a person referred to by
 * another table, made schema 13: the same records, triggers and indexes as
 * a new database, nothing reported as restored, history still kept. */
Test(import_natid, the_migration_keeps_what_the_person_table_had)
{
    static char fresh[16384], migrated[16384];
    person_schema(ctx, fresh, sizeof fresh);
    char path[600];
    snprintf(path, sizeof path, "%s.v12", pv_test_db_path());
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    for (int i = 0; i < pv_migrations_count && pv_migrations[i].version <= 12; i++)
        cr_assert_eq(sqlite3_exec(db, pv_migrations[i].sql, NULL, NULL, NULL), SQLITE_OK);
    char id[11];
    pv_test_natid(5, id);
    char *sql = sqlite3_mprintf(
        "PRAGMA user_version = 12;"
        "INSERT INTO household (id, branch_code) VALUES (1099511627777, 1);"
        "INSERT INTO person (id, household_id, national_id, first_name, last_name, gender,"
        " birth_date, branch_code, fold_first, fold_last) VALUES (1099511627777, 1099511627777,"
        " %Q, 'علی', 'رضایی', 'male', '1990-01-01', 1, 'علی', 'رضایی');"
        "INSERT INTO person_event (id, person_id, kind, date, user) VALUES"
        " (1, 1099511627777, 'request', '2024-01-01', 'sara');", id);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    sqlite3_close(db);
    cr_assert_eq(rc, SQLITE_OK);

    pv_ctx *old = NULL;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &old, &err), PV_OK, "%s", err.message);
    /* every migration after 13 too */
    cr_assert_eq(sql_int(old, "PRAGMA user_version"),
                 pv_migrations[pv_migrations_count - 1].version);
    person_schema(old, migrated, sizeof migrated);
    cr_assert_str_eq(migrated, fresh);
    cr_assert_eq(sql_int(old, "SELECT count(*) FROM person"), 1);
    cr_assert_eq(sql_int(old, "SELECT count(*) FROM person_event"), 1);
    cr_assert_eq(sql_int(old, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    cr_assert_eq(sql_int(old, "SELECT count(*) FROM audit WHERE action = 'triggers-restored'"), 0);
    pv_person p;
    cr_assert_eq(pv_person_find(old, id, &p, &err), PV_OK, "%s", err.message);
    snprintf(p.address, sizeof p.address, "%s", "خیابان آزادی");
    cr_assert_eq(pv_person_save(old, &p, &err), PV_OK, "%s", err.message);
    cr_assert_eq(sql_int(old, "SELECT count(*) FROM person_history"), 1, "history kept");
    cr_assert_eq(save(old, 5, &err), PV_ECONFLICT, "still unique");
    pv_ctx_close(old);
    pv_error_clear(&err);
    const char *const tails[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char f[620];
        snprintf(f, sizeof f, "%s%s", path, tails[i]);
        unlink(f);
    }
}
