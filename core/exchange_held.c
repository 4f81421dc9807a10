/* parvande — packages held until the one before them arrives.
 *
 * A package whose first section is beyond the next one expected from its
 * sender cannot be applied yet (its changes may build on the missing
 * ones). It is kept as it came, still signed and sealed, and the import
 * that fills the gap applies it after its own, in order (core/exchange.c).
 * These are the table's few statements; every one runs inside the
 * caller's transaction. */
#include <stdlib.h>
#include <string.h>

#include "exchange_internal.h"

pv_status pv_xheld_find(pv_ctx *ctx, int64_t peer, int64_t seq, bool *found, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "SELECT 1 FROM exchange_held WHERE peer = ?1 AND seq = ?2", &st,
                           err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer);
    sqlite3_bind_int64(st, 2, seq);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    *found = s == SQLITE_ROW;
    return PV_OK;
}

pv_status pv_xheld_store(pv_ctx *ctx, int64_t peer, int64_t seq, int64_t first,
                         const unsigned char *pkg, size_t len, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "INSERT INTO exchange_held (peer, seq, first, package)"
                                " VALUES (?1, ?2, ?3, ?4)", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_int64(st, 3, first);
    sqlite3_bind_blob64(st, 4, pkg, len, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_xheld_next(pv_ctx *ctx, int64_t peer, int64_t at, unsigned char **pkg, size_t *len,
                        pv_error *err)
{
    sqlite3_stmt *st;
    *pkg = NULL;
    *len = 0;
    pv_status rc = pv_stmt(ctx, "SELECT package FROM exchange_held WHERE peer = ?1"
                                " AND first <= ?2 + 1 AND seq > ?2 ORDER BY seq LIMIT 1", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer);
    sqlite3_bind_int64(st, 2, at);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        unsigned char *b = malloc(n ? n : 1);
        if (b) {
            memcpy(b, sqlite3_column_blob(st, 0), n);
            *pkg = b;
            *len = n;
        } else {
            rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        }
    } else if (s == SQLITE_DONE) {
        rc = PV_ENOTFOUND;
    } else {
        rc = pv_db_error(ctx, err);
    }
    sqlite3_reset(st);
    return rc;
}

pv_status pv_xheld_drop(pv_ctx *ctx, int64_t peer, int64_t at, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "DELETE FROM exchange_held WHERE peer = ?1 AND seq <= ?2", &st,
                           err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer);
    sqlite3_bind_int64(st, 2, at);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_xheld_count(pv_ctx *ctx, int64_t peer, long *n, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "SELECT count(*) FROM exchange_held WHERE peer = ?1", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer);
    int s = sqlite3_step(st);
    *n = s == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return s == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}
