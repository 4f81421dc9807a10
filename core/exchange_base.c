/* parvande — what was last sent to an office: the baseline.
 *
 * Each office this one sends to has a baseline database beside the main
 * one ("<db>-exchange-<code>"), holding the exchanged tables of that
 * direction as they were when the last package to it was made. An export
 * is sqlite3session_diff of the main tables against it — every change made
 * since, whatever part of the program made it, with no trigger or hook on
 * the writes — and then moves the baseline forward by that changeset.
 *
 * The baseline is moved only after the main database has committed the
 * package's section: killed in between, the next export finds the same
 * changes again and sends them in a new section, which the other office
 * applies as a no-op (each change meets what it would write). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exchange_internal.h"
#include "exchange_base.h"

char *pv_xbase_path(pv_ctx *ctx, int64_t peer)
{
    const char *main_path = sqlite3_db_filename(ctx->db, "main");
    if (!main_path || !*main_path)
        return NULL;
    return sqlite3_mprintf("%s-exchange-%lld", main_path, (long long)peer);
}

static pv_status base_error(sqlite3 *base, pv_error *err)
{
    (void)base;
    return pv_error_set(err, PV_EFAIL, NULL, "%s",
                        _("The record of what was sent to that office cannot be written "
                          "(the file beside the database)."));
}

char *pv_xbase_create_sql(sqlite3 *db, const char *schema, const char *table)
{
    sqlite3_stmt *st;
    char *q = sqlite3_mprintf("SELECT name, type, pk FROM pragma_table_info(%Q) ORDER BY cid",
                              table);
    if (!q || sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
        sqlite3_free(q);
        return NULL;
    }
    sqlite3_free(q);
    sqlite3_str *s = sqlite3_str_new(db);
    char *pkcols[16] = {0};
    int ncol = 0, npk = 0;
    if (schema)
        sqlite3_str_appendf(s, "CREATE TABLE \"%w\".\"%w\" (", schema, table);
    else
        sqlite3_str_appendf(s, "CREATE TABLE \"%w\" (", table);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        sqlite3_str_appendf(s, "%s\"%w\" %s", ncol++ ? ", " : "", name,
                            (const char *)sqlite3_column_text(st, 1));
        int pk = sqlite3_column_int(st, 2);
        if (pk > 0 && pk <= 16) {
            pkcols[pk - 1] = sqlite3_mprintf("\"%w\"", name);
            npk = pk > npk ? pk : npk;
        }
    }
    sqlite3_finalize(st);
    sqlite3_str_appendall(s, ", PRIMARY KEY (");
    bool whole = npk > 0;
    for (int i = 0; i < npk; i++) {
        if (!pkcols[i])
            whole = false;
        else
            sqlite3_str_appendf(s, "%s%s", i ? ", " : "", pkcols[i]);
        sqlite3_free(pkcols[i]);
    }
    sqlite3_str_appendall(s, "))");
    char *sql = sqlite3_str_finish(s);
    if (ncol == 0 || !whole) {
        sqlite3_free(sql);
        return NULL;
    }
    return sql;
}

static int count_cols(sqlite3 *db, const char *table)
{
    sqlite3_stmt *st;
    char *q = sqlite3_mprintf("SELECT count(*) FROM pragma_table_info(%Q)", table);
    int n = 0;
    if (q && sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_free(q);
    return n;
}

/* Columns added to the main table since the baseline was made (a newer
 * migration) are added to the baseline too, so the two still compare. */
static int add_missing_cols(sqlite3 *main_db, sqlite3 *base, const char *table)
{
    sqlite3_stmt *st;
    char *q = sqlite3_mprintf("SELECT name, type FROM pragma_table_info(%Q) ORDER BY cid"
                              " LIMIT -1 OFFSET %d", table, count_cols(base, table));
    int rc = q ? sqlite3_prepare_v2(main_db, q, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(q);
    if (rc != SQLITE_OK)
        return rc;
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        char *alter = sqlite3_mprintf("ALTER TABLE \"%w\" ADD COLUMN \"%w\" %s", table,
                                      (const char *)sqlite3_column_text(st, 0),
                                      (const char *)sqlite3_column_text(st, 1));
        rc = alter ? sqlite3_exec(base, alter, NULL, NULL, NULL) : SQLITE_NOMEM;
        sqlite3_free(alter);
    }
    sqlite3_finalize(st);
    return rc;
}

pv_status pv_xbase_prepare(pv_ctx *ctx, const char *path, unsigned dir, pv_error *err)
{
    sqlite3 *base = NULL;
    mode_t old = umask(077);
    int rc = sqlite3_open_v2(path, &base, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    umask(old);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(base, 5000);
        rc = sqlite3_exec(base, "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE", NULL, NULL, NULL);
    }
    for (const pv_xtable *t = pv_exchange_tables; rc == SQLITE_OK && t->name; t++) {
        if (!(t->dir & dir))
            continue;
        if (count_cols(base, t->name) > 0) {
            rc = add_missing_cols(ctx->db, base, t->name);
            continue;
        }
        char *sql = pv_xbase_create_sql(ctx->db, NULL, t->name);
        if (sql)
            rc = sqlite3_exec(base, sql, NULL, NULL, NULL);
        sqlite3_free(sql);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(base, "COMMIT", NULL, NULL, NULL);
    pv_status out = rc == SQLITE_OK ? PV_OK : base_error(base, err);
    sqlite3_close(base);
    return out;
}

/* A scoped table going down (keyed by its rowid, an INTEGER PRIMARY KEY):
 * the rows that are not the recipient's, now or when last sent, are made
 * the same in the baseline as here, so the diff does not see them; one
 * that has become the recipient's leaves the baseline, so it goes as a
 * new row. A row that leaves the recipient (a user moved to another
 * branch) still goes, once, so the recipient learns it. */
static int scope_out(pv_ctx *ctx, const pv_xtable *t, int64_t peer)
{
    char *q = sqlite3_mprintf(
        "INSERT OR REPLACE INTO pv_base.\"%w\" SELECT * FROM main.\"%w\" m"
        " WHERE m.\"%w\" IS NOT %lld AND NOT EXISTS (SELECT 1 FROM pv_base.\"%w\" b"
        " WHERE b.rowid = m.rowid AND b.\"%w\" IS %lld);"
        "DELETE FROM pv_base.\"%w\" WHERE \"%w\" IS NOT %lld"
        " AND rowid NOT IN (SELECT rowid FROM main.\"%w\" WHERE \"%w\" IS NOT %lld)",
        t->name, t->name, t->scope, (long long)peer, t->name, t->scope, (long long)peer,
        t->name, t->scope, (long long)peer, t->name, t->scope, (long long)peer);
    int rc = q ? sqlite3_exec(ctx->db, q, NULL, NULL, NULL) : SQLITE_NOMEM;
    sqlite3_free(q);
    return rc;
}

pv_status pv_xbase_diff(pv_ctx *ctx, unsigned dir, int64_t peer, void **cs, int *n,
                        pv_error *err)
{
    sqlite3_session *s = NULL;
    int rc = sqlite3session_create(ctx->db, "main", &s);
    for (const pv_xtable *t = pv_exchange_tables; rc == SQLITE_OK && t->name; t++) {
        if (!(t->dir & dir))
            continue;
        sqlite3_stmt *st;
        char *q = sqlite3_mprintf("SELECT 1 FROM pv_base.sqlite_master WHERE type = 'table'"
                                  " AND name = %Q", t->name);
        bool in_base = false;
        if (q && sqlite3_prepare_v2(ctx->db, q, -1, &st, NULL) == SQLITE_OK) {
            in_base = sqlite3_step(st) == SQLITE_ROW;
            sqlite3_finalize(st);
        }
        sqlite3_free(q);
        if (!in_base)
            continue;
        if (t->scope && dir == PV_XDOWN && (rc = scope_out(ctx, t, peer)) != SQLITE_OK)
            break;
        char *msg = NULL;
        rc = sqlite3session_attach(s, t->name);
        if (rc == SQLITE_OK)
            rc = sqlite3session_diff(s, "pv_base", t->name, &msg);
        sqlite3_free(msg);
    }
    *cs = NULL;
    *n = 0;
    if (rc == SQLITE_OK)
        rc = sqlite3session_changeset(s, n, cs);
    if (s)
        sqlite3session_delete(s);
    if (rc != SQLITE_OK)
        return pv_db_error(ctx, err);
    return PV_OK;
}

/* The baseline takes whatever the changeset says. */
static int force(void *arg, int why, sqlite3_changeset_iter *it)
{
    (void)arg;
    (void)it;
    return why == SQLITE_CHANGESET_DATA || why == SQLITE_CHANGESET_CONFLICT
               ? SQLITE_CHANGESET_REPLACE
               : SQLITE_CHANGESET_OMIT;
}

pv_status pv_xbase_advance(const char *path, const void *cs, int n, pv_error *err)
{
    if (n == 0)
        return PV_OK;
    sqlite3 *base = NULL;
    int rc = sqlite3_open_v2(path, &base, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(base, 5000);
        rc = sqlite3changeset_apply(base, n, (void *)cs, NULL, force, NULL);
    }
    pv_status out = rc == SQLITE_OK ? PV_OK : base_error(base, err);
    sqlite3_close(base);
    return out;
}
