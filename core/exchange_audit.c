/* parvande — the audit trail travels up.
 *
 * Each package to the parent carries this office's audit entries written
 * since the last package (office.audit_sent), exactly as they are, hashes
 * included, as inserts into the parent's audit_remote under this office's
 * code. They are made by a session on an in-memory copy of the table
 * attached to the connection, so they are an ordinary part of the
 * section's changeset: re-sent with it until acknowledged, applied with it
 * in its transaction. The parent walks each origin's entries as that
 * office's own chain (pv_exchange_verify_trail); the province's
 * audit_remote goes on up to the headquarters like any exchanged table. */
#include <stdio.h>
#include <string.h>

#include "exchange_internal.h"
#include "exchange_base.h"
#include "parvande/audit.h"
#include "parvande/authz.h"

#define TRAIL_COLS "seq, at, actor, action, tbl, record_id, household_id, old_values, " \
                   "new_values, outcome, reason, prev_hash, hash"
#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

pv_status pv_xaudit_attach(pv_ctx *ctx, pv_error *err)
{
    pv_status rc = pv_exec(ctx, "ATTACH ':memory:' AS pv_trail", err);
    char *sql = rc == PV_OK ? pv_xbase_create_sql(ctx->db, "pv_trail", "audit_remote") : NULL;
    if (rc == PV_OK && (!sql || sqlite3_exec(ctx->db, sql, NULL, NULL, NULL) != SQLITE_OK))
        rc = pv_db_error(ctx, err);
    sqlite3_free(sql);
    return rc;
}

void pv_xaudit_detach(pv_ctx *ctx)
{
    pv_exec(ctx, "DETACH pv_trail", NULL);
}

pv_status pv_xaudit_changeset(pv_ctx *ctx, int64_t self, int64_t peer, void **cs, int *n,
                              pv_error *err)
{
    *cs = NULL;
    *n = 0;
    sqlite3_session *s = NULL;
    int rc = sqlite3session_create(ctx->db, "pv_trail", &s);
    if (rc == SQLITE_OK)
        rc = sqlite3session_attach(s, "audit_remote");
    char *q = sqlite3_mprintf(
        "INSERT INTO pv_trail.audit_remote (origin, " TRAIL_COLS ") SELECT %lld, " TRAIL_COLS
        " FROM main.audit WHERE seq > (SELECT audit_sent FROM office WHERE code = %lld);"
        "UPDATE office SET audit_sent = coalesce((SELECT max(seq) FROM audit), 0)"
        " WHERE code = %lld;", (long long)self, (long long)peer, (long long)peer);
    if (rc == SQLITE_OK)
        rc = q ? sqlite3_exec(ctx->db, q, NULL, NULL, NULL) : SQLITE_NOMEM;
    sqlite3_free(q);
    if (rc == SQLITE_OK)
        rc = sqlite3session_changeset(s, n, cs);
    if (s)
        sqlite3session_delete(s);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(ctx->db, "DELETE FROM pv_trail.audit_remote", NULL, NULL, NULL);
    return rc == SQLITE_OK ? PV_OK : pv_db_error(ctx, err);
}

/* The SHA-256 an entry was written with (core/audit.c): a fixed line,
 * then each field as "length:value" or "-" for none, a line each. */
static void entry_hash(sqlite3_stmt *st, char hex[65])
{
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    static const char magic[] = "parvande-audit-1\n";
    crypto_hash_sha256_update(&h, (const unsigned char *)magic, sizeof magic - 1);
    for (int i = 0; i < 12; i++) { /* seq .. prev_hash */
        const unsigned char *v = sqlite3_column_text(st, i);
        size_t len = (size_t)sqlite3_column_bytes(st, i);
        char field_head[32];
        int fl = v ? snprintf(field_head, sizeof field_head, "%zu:", len)
                   : snprintf(field_head, sizeof field_head, "-");
        crypto_hash_sha256_update(&h, (const unsigned char *)field_head, (unsigned long long)fl);
        if (v)
            crypto_hash_sha256_update(&h, v, len);
        crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
    }
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, out);
    sodium_bin2hex(hex, 65, out, sizeof out);
}

/* One entry alone: its content still what its hash says. */
static pv_audit_problem check_hash(sqlite3_stmt *st)
{
    char hash[65];
    entry_hash(st, hash);
    const char *stored = (const char *)sqlite3_column_text(st, 12);
    return stored && strcmp(hash, stored) == 0 ? PV_AUDIT_INTACT : PV_AUDIT_CHANGED;
}

/* One entry against the one before it: numbered next, linked to it, and
 * its content still what its hash says. */
static pv_audit_problem check_entry(sqlite3_stmt *st, int64_t expect, const char *prev)
{
    if (sqlite3_column_int64(st, 0) != expect)
        return PV_AUDIT_REMOVED;
    const char *link = (const char *)sqlite3_column_text(st, 11);
    if (check_hash(st) != PV_AUDIT_INTACT)
        return PV_AUDIT_CHANGED;
    if (!link || strcmp(link, prev) != 0)
        return PV_AUDIT_BROKEN_LINK;
    return PV_AUDIT_INTACT;
}

pv_status pv_exchange_verify_trail(pv_ctx *ctx, int64_t origin, pv_audit_report *rep,
                                   pv_error *err)
{
    memset(rep, 0, sizeof *rep);
    snprintf(rep->head_hash, sizeof rep->head_hash, "%s", GENESIS_HASH);
    pv_status rc = pv_authz_check(ctx, PV_ACT_AUDIT_READ, 0, err);
    sqlite3_stmt *st = NULL;
    pv_office self = {.level = PV_OFFICE_PROVINCE};
    if (rc == PV_OK)
        rc = pv_office_self(ctx, &self, err);
    /* A branch has no office below: another office's entries there are
     * those a moved file brought, parts of that office's chain. */
    bool excerpts = self.level == PV_OFFICE_BRANCH;
    if (rc == PV_OK)
        rc = pv_stmt(ctx, "SELECT " TRAIL_COLS " FROM audit_remote WHERE origin = ?1"
                          " ORDER BY seq", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, origin);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        bool alone = excerpts && sqlite3_column_int64(st, 0) != rep->last_seq + 1;
        rep->problem = alone ? check_hash(st) : check_entry(st, rep->last_seq + 1, rep->head_hash);
        if (rep->problem != PV_AUDIT_INTACT) {
            rep->seq = rep->problem == PV_AUDIT_REMOVED ? rep->entries + 1
                                                        : sqlite3_column_int64(st, 0);
            break;
        }
        rep->entries++;
        rep->last_seq = sqlite3_column_int64(st, 0);
        snprintf(rep->head_hash, sizeof rep->head_hash, "%s",
                 (const char *)sqlite3_column_text(st, 12));
    }
    sqlite3_reset(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if (rep->entries == 0 && rep->problem == PV_AUDIT_INTACT)
        return pv_error_set(err, PV_ENOTFOUND, NULL,
                            _("No audit entries of office %lld have arrived here."),
                            (long long)origin);
    return PV_OK;
}
