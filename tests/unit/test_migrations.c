/* Migrations: a database of every earlier schema version opens, is brought
 * to the newest, and keeps and serves what it held.
 *
 * A database of version V is made as the program of that version made it:
 * the migrations up to V applied by SQLite alone (an old migration is never
 * edited, so its SQL is the SQL that ran then), with records written between
 * them by plain SQL as that version stored them (its timestamp forms too).
 * Then the program opens it. Every version in pv_migrations is tried, so a
 * new migration is covered without a change here. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/audit.h"
#include "parvande/i18n.h"
#include "parvande/records.h"

#define NATID "0012345679"
#define HH_ID "1099511627777"     /* branch 1 << 40 | 1 */
#define PERSON_ID "1099511627777"
#define ONE_FORMAT "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z"

static char dir[512], path[600];
static pv_error err;

#define OK(call) cr_assert_eq((call), PV_OK, "%s: %s", #call, err.message ? err.message : "?")

static void init(void)
{
    pv_i18n_init();
    setenv("PARVANDE_TODAY", "2025-03-21", 1);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/pv-migrate-XXXXXX", tmp);
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/old.db", dir);
}

static void fini(void)
{
    char f[700];
    const char *const tails[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(f, sizeof f, "%s%s", path, tails[i]);
        unlink(f);
    }
    rmdir(dir);
    pv_error_clear(&err);
}

TestSuite(migrations, .init = init, .fini = fini);

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    cr_assert_eq(rc, SQLITE_OK, "%s\n-- in: %.300s", msg ? msg : "?", sql);
    sqlite3_free(msg);
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* What a database of that version held, written as it stored it. */
static void write_records_of(sqlite3 *db, int version)
{
    switch (version) {
    case 1:
        exec(db, "INSERT INTO household (id, branch_code, external_key) VALUES (" HH_ID ", 1, 'H1');"
                 "INSERT INTO person (id, household_id, national_id, first_name, last_name,"
                 " father_name, gender, birth_date, branch_code, fold_first, fold_last,"
                 " fold_father, created_at, updated_at) VALUES (" PERSON_ID ", " HH_ID ", '" NATID
                 "', 'محمدرضا', 'کریمی', 'علی', 'male', '1980-01-01', 1, 'محمدرضا', 'کریمی',"
                 " 'علی', '2024-05-01T10:00:00.123Z', '2024-05-01T10:00:00.123Z');"
                 "INSERT INTO casefile (id, household_id, branch_code, status, opened_on)"
                 " VALUES (" HH_ID ", " HH_ID ", 1, 'active', '2024-05-01');");
        break;
    case 2: /* an enrollment event stamped by its column's DEFAULT of then */
        exec(db, "INSERT INTO service (code, title_fa, card, card_hash) VALUES ('S1', 'خدمت', '', '');"
                 "INSERT INTO enrollment (id, person_id, code, branch_code, status, date, jyear,"
                 " jseason, jmonth, requested_by) VALUES (1, " PERSON_ID ", 'S1', 1, 'requested',"
                 " '2024-05-02', 1403, 1, 2, 'sara');"
                 "INSERT INTO enrollment_event (enrollment_id, date, user, kind)"
                 " VALUES (1, '2024-05-02', 'sara', 'request');"
                 /* one the statistics count: started in Ordibehesht 1403 */
                 "INSERT INTO enrollment (id, person_id, code, branch_code, status, date, jyear,"
                 " jseason, jmonth, requested_by) VALUES (2, " PERSON_ID ", 'S1', 1, 'in_progress',"
                 " '2024-05-03', 1403, 1, 2, 'sara');");
        break;
    case 3: /* a user and a login stamped without milliseconds */
        exec(db, "INSERT INTO user (id, name, role, branch_code, pwhash, created_at, created_by)"
                 " VALUES (1, 'sara', 'caseworker', 1, '$argon2id$v=19$m=65536,t=2,p=1$x$y',"
                 " '2024-05-03T04:05:06Z', 'system');"
                 "INSERT INTO login_state (name, failures, locked_until, last_login)"
                 " VALUES ('sara', 0, 0, '2024-05-04T05:06:07Z');");
        break;
    default:
        break;
    }
}

/* A database of schema version pv_migrations[upto].version. */
static int make_old_database(int upto)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    for (int i = 0; i <= upto; i++) {
        exec(db, "BEGIN");
        exec(db, pv_migrations[i].sql);
        write_records_of(db, pv_migrations[i].version);
        char set[64];
        snprintf(set, sizeof set, "PRAGMA user_version = %d", pv_migrations[i].version);
        exec(db, set);
        exec(db, "COMMIT");
    }
    int version = (int)scalar(db, "PRAGMA user_version");
    sqlite3_close(db);
    return version;
}

/* Every stored timestamp but the audit trail's old entries (hashed as
 * written) is in the one format: columns named at, *_at and last_login. */
static void assert_one_timestamp_format(sqlite3 *db, int from_version)
{
    sqlite3_stmt *cols;
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT m.name, c.name FROM sqlite_master m,"
                                    " pragma_table_info(m.name) c WHERE m.type = 'table'"
                                    " AND m.name <> 'audit' AND (c.name = 'at' OR c.name LIKE"
                                    " '%\\_at' ESCAPE '\\' OR c.name = 'last_login')",
                                    -1, &cols, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    int checked = 0;
    while (sqlite3_step(cols) == SQLITE_ROW) {
        char *q = sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE \"%w\" <> '' AND \"%w\""
                                  " NOT GLOB '" ONE_FORMAT "'",
                                  (const char *)sqlite3_column_text(cols, 0),
                                  (const char *)sqlite3_column_text(cols, 1),
                                  (const char *)sqlite3_column_text(cols, 1));
        int64_t bad = scalar(db, q);
        cr_assert_eq(bad, 0, "from schema %d: %lld values of %s.%s in another form", from_version,
                     (long long)bad, sqlite3_column_text(cols, 0), sqlite3_column_text(cols, 1));
        sqlite3_free(q);
        checked++;
    }
    sqlite3_finalize(cols);
    cr_assert_gt(checked, 10, "the timestamp columns were found");
}

static void open_and_check(int version)
{
    pv_ctx *ctx = NULL;
    OK(pv_ctx_open(path, PV_LANG_EN, &ctx, &err));
    int newest = pv_migrations[pv_migrations_count - 1].version;
    cr_assert_eq(scalar(ctx->db, "PRAGMA user_version"), newest, "from schema %d", version);

    /* the records of then are there and found */
    pv_person p;
    OK(pv_person_find(ctx, NATID, &p, &err));
    cr_assert_str_eq(p.first_name, "محمدرضا");
    pv_search_hit *hits = NULL;
    size_t n = 0;
    OK(pv_search(ctx, "کریمی محمد رضا", 10, &hits, &n, &err));
    cr_assert_eq(n, 1, "from schema %d: search through the name indexes", version);
    free(hits);
    cr_assert_eq(scalar(ctx->db, "SELECT count(*) FROM casefile"), 1);
    if (version >= 2)
        cr_assert_eq(scalar(ctx->db, "SELECT count(*) FROM enrollment_event"), 1);
    if (version >= 3)
        cr_assert_eq(scalar(ctx->db, "SELECT count(*) FROM user WHERE name = 'sara'"), 1);
    if (version >= 2 && version < 5)
        cr_assert_eq(scalar(ctx->db, "SELECT count(*) FROM enrollment_event WHERE at GLOB"
                                     " '" ONE_FORMAT "' AND at LIKE '%.000Z'"),
                     1, "the old event stamp rewritten, its seconds kept");
    if (version == 3)
        cr_assert_eq(scalar(ctx->db, "SELECT count(*) FROM user WHERE created_at ="
                                     " '2024-05-03T04:05:06.000Z'"),
                     1);
    assert_one_timestamp_format(ctx->db, version);
    /* the summary counted once, after the last migration that changes it
     * (a file of that schema or later is made here without the step) */
    int counted_by = 0;
    for (int i = 0; i < pv_migrations_count; i++)
        if (pv_migrations[i].then == pv_stats_summary_build)
            counted_by = pv_migrations[i].version;
    if (version >= 2 && version < counted_by)
        cr_assert_eq(scalar(ctx->db, "SELECT n FROM stats_count WHERE kind = 1 AND branch = 0"
                                     " AND dim = 0 AND measure = 0 AND code = 'S1'"
                                     " AND key = 1403 * 12 + 1"),
                     1, "from schema %d: the enrollment of then is not counted", version);
    if (version >= 2) /* and the work of then: two enrollments requested */
        cr_assert_eq(scalar(ctx->db, "SELECT sum(n) FROM stats_work_day WHERE figure = 'requested'"
                                     " AND user = 'sara'"),
                     2, "from schema %d", version);

    /* and the program works on it: a change is saved, stamped and audited */
    pv_person q = pv_test_person(77, "زهرا", "ملک‌زاده", NULL, PV_GENDER_FEMALE);
    OK(pv_person_save(ctx, &q, &err));
    OK(pv_search(ctx, "زهرا ملک زاده", 10, &hits, &n, &err));
    cr_assert_eq(n, 1);
    free(hits);
    cr_assert_eq(scalar(ctx->db, "SELECT count(*) FROM audit WHERE tbl = 'person' AND"
                                 " action = 'insert'"),
                 1, "from schema %d: the new person is in the audit trail", version);
    pv_audit_report rep;
    OK(pv_audit_verify(ctx, &rep, &err));
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT, "from schema %d: the chain breaks at %lld", version,
                 (long long)rep.seq);
    assert_one_timestamp_format(ctx->db, version);
    pv_ctx_close(ctx);

    /* opening again changes nothing */
    OK(pv_ctx_open(path, PV_LANG_EN, &ctx, &err));
    cr_assert_eq(scalar(ctx->db, "SELECT count(*) FROM person"), 2);
    pv_ctx_close(ctx);
}

Test(migrations, every_earlier_schema_version_opens, .timeout = 60)
{
    cr_assert_geq(pv_migrations_count, 3);
    for (int i = 0; i < pv_migrations_count; i++) {
        fini();
        init();
        int version = make_old_database(i);
        cr_assert_eq(version, pv_migrations[i].version);
        open_and_check(version);
    }
}

Test(migrations, versions_ascend)
{
    for (int i = 1; i < pv_migrations_count; i++)
        cr_assert_gt(pv_migrations[i].version, pv_migrations[i - 1].version,
                     "the migrations are applied in the array's order");
}

Test(migrations, a_newer_database_is_refused)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char set[64];
    snprintf(set, sizeof set, "PRAGMA user_version = %d",
             pv_migrations[pv_migrations_count - 1].version + 1);
    exec(db, set);
    sqlite3_close(db);
    pv_ctx *ctx = NULL;
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &ctx, &err), PV_EFAIL);
    cr_assert_null(ctx);
    cr_assert(strstr(err.message, "newer") != NULL, "%s", err.message);
}
