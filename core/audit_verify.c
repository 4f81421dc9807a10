/* parvande — verifying the audit trail's chain (pv_audit_verify): the
 * walk over every entry in order, recomputing each hash and link, and what
 * a problem found is called. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "parvande/audit.h"
#include "parvande/authz.h"

/* ---- verifying ---- */

static const char verify_sql[] =
    "SELECT seq, at, actor, action, tbl, record_id, household_id, old_values, new_values,"
    " outcome, reason, prev_hash, hash FROM audit ORDER BY seq";

/* The seq of the entry whose hash is `hash`, 0 if none (a full scan, done
 * once, when the chain is already known to be broken). */
static int64_t seq_of_hash(pv_ctx *ctx, const char *hash)
{
    sqlite3_stmt *st = NULL;
    int64_t seq = 0;
    if (sqlite3_prepare_v2(ctx->db, "SELECT seq FROM audit WHERE hash = ?1 LIMIT 1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            seq = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return seq;
}

/* The highest seq ever handed out (sqlite_sequence), 0 if unknown. */
static int64_t highest_seq(pv_ctx *ctx)
{
    sqlite3_stmt *st = NULL;
    int64_t seq = 0;
    if (sqlite3_prepare_v2(ctx->db, "SELECT seq FROM sqlite_sequence WHERE name = 'audit'", -1,
                           &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        seq = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return seq;
}

/* Classifies a broken link or content at entry `seq`. */
static pv_audit_problem classify(pv_ctx *ctx, int64_t seq, bool self_ok, bool link_ok,
                                 const char *prev_hash)
{
    if (link_ok)
        return PV_AUDIT_CHANGED; /* only the content disagrees with its hash */
    int64_t follows = seq_of_hash(ctx, prev_hash);
    if (follows != 0 && follows != seq - 1)
        return PV_AUDIT_REORDERED; /* it was written after another entry */
    return self_ok ? PV_AUDIT_BROKEN_LINK : PV_AUDIT_CHANGED;
}

static pv_status verify_walk(pv_ctx *ctx, sqlite3_stmt *st, pv_audit_report *rep)
{
    char prev[65] = PV_AUDIT_GENESIS;
    int64_t expect = 1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pv_audit_fields e;
        for (int i = 0; i < PV_AUDIT_FIELDS; i++) {
            bool null = sqlite3_column_type(st, i) == SQLITE_NULL;
            e.v[i] = null ? NULL : (const char *)sqlite3_column_text(st, i);
            e.len[i] = null ? 0 : (size_t)sqlite3_column_bytes(st, i);
            if (!null && !e.v[i])
                return PV_EFAIL;
        }
        const char *stored = (const char *)sqlite3_column_text(st, 12);
        int64_t seq = sqlite3_column_int64(st, 0);
        rep->entries++;
        rep->last_seq = seq;
        if (seq != expect) {
            rep->problem = PV_AUDIT_REMOVED;
            rep->seq = expect;
            return PV_OK;
        }
        char hash[65];
        pv_audit_hash_entry(&e, hash);
        bool self_ok = stored && strcmp(hash, stored) == 0;
        bool link_ok = e.v[11] && strcmp(e.v[11], prev) == 0;
        if (!self_ok || !link_ok) {
            char *prev_hash = strdup(e.v[11] ? e.v[11] : "");
            sqlite3_reset(st);
            rep->problem = classify(ctx, seq, self_ok, link_ok, prev_hash ? prev_hash : "");
            rep->seq = seq;
            free(prev_hash);
            return PV_OK;
        }
        snprintf(prev, sizeof prev, "%s", stored);
        snprintf(rep->head_hash, sizeof rep->head_hash, "%s", stored);
        expect++;
    }
    if (rc != SQLITE_DONE)
        return PV_EFAIL;
    int64_t high = highest_seq(ctx);
    if (high > rep->last_seq) { /* the end was cut off */
        rep->problem = PV_AUDIT_REMOVED;
        rep->seq = rep->last_seq + 1;
    }
    return PV_OK;
}

/* The end of the walked chain against the heads kept in audit_head and
 * beside the database; an intact trail moves the second forward. */
static void verify_heads(pv_ctx *ctx, pv_audit_report *rep)
{
    char db_id[40], hash[65];
    int64_t seq;
    if (pv_audit_db_head(ctx, db_id, &seq, hash, NULL) != PV_OK)
        return;
    pv_audit_check_head(ctx, seq, hash, rep);
    if (db_id[0] && pv_audit_side_load(ctx, db_id, &seq, hash))
        pv_audit_check_head(ctx, seq, hash, rep);
    if (rep->problem == PV_AUDIT_INTACT && rep->last_seq > 0)
        pv_audit_side_store(ctx, rep->last_seq, rep->head_hash);
}

pv_status pv_audit_verify(pv_ctx *ctx, pv_audit_report *rep, pv_error *err)
{
    memset(rep, 0, sizeof *rep);
    snprintf(rep->head_hash, sizeof rep->head_hash, "%s", PV_AUDIT_GENESIS);
    pv_status rc = pv_authz_check(ctx, PV_ACT_AUDIT_READ, 0, err);
    if (rc != PV_OK)
        return rc;
    /* One read transaction: the walk sees one state of the trail even
     * while others append. */
    bool own_tx = sqlite3_get_autocommit(ctx->db);
    if (own_tx && pv_exec(ctx, "BEGIN", err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, verify_sql, -1, &st, NULL) != SQLITE_OK) {
        rc = pv_db_error(ctx, err);
    } else {
        rc = verify_walk(ctx, st, rep);
        if (rc != PV_OK)
            rc = pv_db_error(ctx, err);
    }
    sqlite3_finalize(st);
    if (rc == PV_OK)
        verify_heads(ctx, rep);
    if (own_tx)
        pv_exec(ctx, "COMMIT", NULL);
    return rc;
}

void pv_audit_problem_text(const pv_audit_report *rep, char *buf, size_t size)
{
    long long seq = (long long)rep->seq;
    switch (rep->problem) {
    case PV_AUDIT_INTACT:
        snprintf(buf, size, _("The audit trail is intact: %lld entries."),
                 (long long)rep->entries);
        break;
    case PV_AUDIT_CHANGED:
        snprintf(buf, size, _("Audit entry %lld was changed after it was written."), seq);
        break;
    case PV_AUDIT_REMOVED:
        snprintf(buf, size, _("Audit entry %lld was removed."), seq);
        break;
    case PV_AUDIT_REORDERED:
        snprintf(buf, size, _("Audit entry %lld is out of order: it was moved."), seq);
        break;
    case PV_AUDIT_HEAD_MISSING:
        snprintf(buf, size, "%s",
                 _("The audit trail does not contain the expected last entry: it was cut off or "
                   "rewritten."));
        break;
    case PV_AUDIT_BROKEN_LINK:
        snprintf(buf, size,
                 _("Audit entry %lld does not follow the one before it: an earlier entry was "
                   "changed or removed."), seq);
        break;
    }
}
