/* Helpers for unit tests that need a database (see helpers.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/i18n.h"

static char db_dir[512];
static char db_path[600];

pv_ctx *pv_test_db(void)
{
    pv_i18n_init(); /* as the program: a UTF-8 locale and the catalogs bound */
    const char *tmp = getenv("TMPDIR");
    snprintf(db_dir, sizeof db_dir, "%s/pv-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    cr_assert_not_null(mkdtemp(db_dir), "mkdtemp failed");
    snprintf(db_path, sizeof db_path, "%s/test.db", db_dir);
    pv_ctx *ctx = NULL;
    pv_error err = PV_ERROR_INIT;
    pv_status rc = pv_ctx_open(db_path, PV_LANG_EN, &ctx, &err);
    cr_assert_eq(rc, PV_OK, "pv_ctx_open: %s", err.message ? err.message : "?");
    pv_error_clear(&err);
    return ctx;
}

const char *pv_test_db_path(void)
{
    return db_path;
}

void pv_test_db_close(pv_ctx *ctx)
{
    pv_ctx_close(ctx);
    const char *suffix[] = {"", "-wal", "-shm", "-journal", ".audit-head"};
    char p[640];
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
        unlink(p);
    }
    rmdir(db_dir);
}

void pv_test_natid(unsigned long n, char out[11])
{
    unsigned long base = 100000000UL + n % 800000000UL;
    if (base % 111111111UL == 0) /* ddddddddd gives the refused dddddddddd */
        base++;
    snprintf(out, 11, "%09lu", base);
    int sum = 0;
    for (int i = 0; i < 9; i++)
        sum += (out[i] - '0') * (10 - i);
    int r = sum % 11;
    out[9] = (char)('0' + (r < 2 ? r : 11 - r));
    out[10] = '\0';
}

pv_person pv_test_person(unsigned long n, const char *first, const char *last,
                         const char *father, pv_gender gender)
{
    pv_person p;
    memset(&p, 0, sizeof p);
    pv_error err = PV_ERROR_INIT;
    char id[11];
    pv_test_natid(n, id);
    cr_assert_eq(pv_person_set_field(&p, "national_id", id, &err), PV_OK, "natid %s: %s", id,
                 err.message ? err.message : "");
    cr_assert_eq(pv_person_set_field(&p, "first_name", first, &err), PV_OK, "%s", first);
    cr_assert_eq(pv_person_set_field(&p, "last_name", last, &err), PV_OK, "%s", last);
    cr_assert_eq(pv_person_set_field(&p, "father_name", father ? father : "", &err), PV_OK);
    p.gender = gender;
    snprintf(p.birth_date, sizeof p.birth_date, "1990-01-01");
    pv_error_clear(&err);
    return p;
}

void pv_test_actor(pv_ctx *ctx, const char *name, pv_role role, int64_t branch)
{
    pv_actor a;
    memset(&a, 0, sizeof a);
    snprintf(a.name, sizeof a.name, "%s", name);
    a.role = role;
    a.branch_code = branch;
    a.user_id = 1;
    pv_ctx_set_actor(ctx, &a);
}

/* ---- taking a database back to an older schema version ------------------ */

static void rw_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    cr_assert_eq(rc, SQLITE_OK, "%s\n-- in: %.200s", msg ? msg : "?", sql);
    sqlite3_free(msg);
}

/* "type name" lines of every schema object, and "table.column" of every
 * column, of a database: what a version of the schema consists of. */
static char *schema_items(sqlite3 *db)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db,
        "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        " UNION ALL SELECT 'column ' || m.name || '.' || c.name FROM sqlite_master m,"
        " pragma_table_info(m.name) c WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
        -1, &st, NULL), SQLITE_OK);
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    cr_assert_not_null(out);
    out[0] = '\n';
    len = 1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        size_t n = strlen(t);
        while (len + n + 2 >= cap)
            cr_assert_not_null(out = realloc(out, cap *= 2));
        memcpy(out + len, t, n);
        len += n;
        out[len++] = '\n';
    }
    out[len] = '\0';
    sqlite3_finalize(st);
    return out;
}

/* Drops from `db` the items of kind `kind` that `newer` has and `older` lacks. */
static void drop_newer(sqlite3 *db, const char *older, const char *newer, const char *kind)
{
    size_t kl = strlen(kind);
    for (const char *p = newer + 1; *p; p = strchr(p, '\n') + 1) {
        const char *end = strchr(p, '\n');
        char item[256];
        snprintf(item, sizeof item, "\n%.*s\n", (int)(end - p), p);
        if (strncmp(p, kind, kl) != 0 || p[kl] != ' ' || strstr(older, item))
            continue;
        char name[256], sql[600];
        snprintf(name, sizeof name, "%.*s", (int)(end - p - kl - 1), p + kl + 1);
        if (strcmp(kind, "column") == 0) {
            char *dot = strchr(name, '.'), table[300];
            *dot = '\0';
            snprintf(table, sizeof table, "\ntable %s\n", name);
            if (!strstr(older, table))
                continue; /* the whole table goes */
            snprintf(sql, sizeof sql, "ALTER TABLE \"%s\" DROP COLUMN \"%s\"", name, dot + 1);
        } else {
            snprintf(sql, sizeof sql, "DROP %s IF EXISTS \"%s\"", kind, name);
        }
        rw_exec(db, sql);
    }
}

void pv_test_rewind(const char *path, int version)
{
    sqlite3 *scratch;
    cr_assert_eq(sqlite3_open(":memory:", &scratch), SQLITE_OK);
    char *older = NULL;
    for (int i = 0; i < pv_migrations_count; i++) {
        if (pv_migrations[i].version > version && !older)
            older = schema_items(scratch);
        rw_exec(scratch, pv_migrations[i].sql);
    }
    char *newer = schema_items(scratch);
    sqlite3_close(scratch);
    cr_assert_not_null(older, "no migration is newer than %d", version);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    rw_exec(db, "PRAGMA foreign_keys = OFF; BEGIN");
    drop_newer(db, older, newer, "view");
    /* every trigger the older schema lacks, the program's own made at open
     * too (they may read a newer column; the next open makes them again) */
    char *here = schema_items(db);
    drop_newer(db, older, here, "trigger");
    free(here);
    drop_newer(db, older, newer, "index");
    drop_newer(db, older, newer, "column");
    drop_newer(db, older, newer, "table");
    char set[64];
    snprintf(set, sizeof set, "PRAGMA user_version = %d", version);
    rw_exec(db, set);
    rw_exec(db, "COMMIT");
    sqlite3_close(db);
    free(older);
    free(newer);
}
