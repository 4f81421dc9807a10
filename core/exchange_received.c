/* parvande — the digests of the sections exchanged (core/sql_exchange3.c):
 * how an office tells a section it applied from another one its sender
 * made under the same number after going back to a backup. */
#include <string.h>

#include "exchange_internal.h"

void pv_xdigest(const void *cs, size_t n, unsigned char d[32])
{
    crypto_generichash(d, 32, cs, n, NULL, 0);
}

/* Runs `sql` with ?1 `peer`, ?2 `seq` and ?3 the digest `d`; *row: it
 * gave a row, *v: that row's first column. */
static pv_status run3(pv_ctx *ctx, const char *sql, int64_t peer, int64_t seq,
                      const unsigned char d[32], bool *row, int *v, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, sql, &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_blob(st, 3, d, 32, SQLITE_STATIC);
    int s = sqlite3_step(st);
    *row = s == SQLITE_ROW;
    *v = *row ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_xreceived(pv_ctx *ctx, int64_t peer, int64_t seq, const unsigned char d[32],
                       bool *found, bool *same, pv_error *err)
{
    int v = 0;
    pv_status rc = run3(ctx, seq ? "SELECT digest = ?3 FROM exchange_received"
                                   " WHERE peer = ?1 AND seq = ?2"
                                 : "SELECT 1 FROM exchange_received WHERE peer = ?1"
                                   " AND digest = ?3 AND ?2 = 0 LIMIT 1",
                        peer, seq, d, found, &v, err);
    *same = *found && v;
    return rc;
}

pv_status pv_xreceived_note(pv_ctx *ctx, int64_t peer, int64_t seq, const unsigned char d[32],
                            pv_error *err)
{
    bool row;
    int v;
    return run3(ctx, "INSERT OR REPLACE INTO exchange_received (peer, seq, digest)"
                     " VALUES (?1, ?2, ?3)", peer, seq, d, &row, &v, err);
}

/* One 32-byte digest read by `sql` (?1 peer, ?2 seq; the changeset
 * itself, digested here, when `of_changeset`). */
static pv_status one_digest(pv_ctx *ctx, const char *sql, bool of_changeset, int64_t peer,
                            int64_t seq, unsigned char d[32], bool *found, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, sql, &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer);
    sqlite3_bind_int64(st, 2, seq);
    int s = sqlite3_step(st);
    *found = false;
    if (s == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (of_changeset)
            pv_xdigest(b ? b : "", n, d);
        else if (n == 32)
            memcpy(d, b, 32);
        *found = of_changeset || n == 32;
    }
    sqlite3_reset(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_xreceived_digest(pv_ctx *ctx, int64_t peer, int64_t seq, unsigned char d[32],
                              bool *found, pv_error *err)
{
    return one_digest(ctx, "SELECT digest FROM exchange_received WHERE peer = ?1 AND seq = ?2",
                      false, peer, seq, d, found, err);
}

pv_status pv_xsent_digest(pv_ctx *ctx, int64_t peer, int64_t seq, unsigned char d[32],
                          bool *found, pv_error *err)
{
    return one_digest(ctx, "SELECT changeset FROM exchange_sent WHERE peer = ?1 AND seq = ?2",
                      true, peer, seq, d, found, err);
}
