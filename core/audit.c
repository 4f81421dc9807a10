/* parvande — the audit trail's chain (see include/parvande/audit.h): the
 * security state of a connection, appending chained entries, refused
 * attempts that outlive a rollback, the SQL functions the triggers call,
 * and which tables the trail covers. The other parts of the trail have files of their own: bulk mode
 * (audit_bulk.c), the triggers (audit_triggers.c), verifying the chain
 * (audit_verify.c), a file's history (audit_history.c), the head
 * (audit_head.c), the records against the trail (audit_records.c,
 * audit_digest.c) and the migrations' own triggers (audit_guard.c).
 *
 * Canonical form of an entry, hashed with SHA-256 (hex in `hash`):
 *   "parvande-audit-1\n" then, for each of seq, at, actor, action, tbl,
 *   record_id, household_id, old_values, new_values, outcome, reason,
 *   prev_hash in that order: "<byte length>:<bytes>\n", or "-\n" for NULL.
 * Integers are written in decimal. The first entry's prev_hash is 64 '0'. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parvande/audit.h"
#include "audit_internal.h"
#include "security.h"

/* ---- state and clock ---- */

struct pv_security *pv_sec(pv_ctx *ctx)
{
    return ctx ? ctx->sec : NULL;
}

int64_t pv_sec_now(pv_ctx *ctx)
{
    struct pv_security *s = pv_sec(ctx);
    if (s && s->now)
        return s->now(s->now_arg);
    return (int64_t)time(NULL);
}

void pv_sec_format_time(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(out, size, "%Y-%m-%dT%H:%M:%S.000Z", &tm) == 0)
        snprintf(out, size, "?");
}

static void pending_free_one(pv_sec_pending *p)
{
    free(p->actor);
    free(p->action);
    free(p->detail);
    free(p->reason);
    free(p->at);
}

static void sec_destroy(void *arg)
{
    struct pv_security *s = arg;
    for (size_t i = 0; i < s->n_pending; i++)
        pending_free_one(&s->pending[i]);
    free(s->pending);
    for (size_t i = 0; i < s->n_sets; i++)
        free(s->sets[i].runs);
    free(s->sets);
    free(s->bulk_source);
    free(s->bulk_sha256);
    if (s->ctx && s->ctx->sec == s)
        s->ctx->sec = NULL;
    free(s);
}

/* ---- hashing ---- */

void pv_audit_hash_entry(const pv_audit_fields *e, char hex[65])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    static const char magic[] = "parvande-audit-1\n";
    crypto_hash_sha256_update(&st, (const unsigned char *)magic, sizeof magic - 1);
    for (int i = 0; i < PV_AUDIT_FIELDS; i++) {
        char head[32];
        int n = e->v[i] ? snprintf(head, sizeof head, "%zu:", e->len[i])
                        : snprintf(head, sizeof head, "-");
        crypto_hash_sha256_update(&st, (const unsigned char *)head, (unsigned long long)n);
        if (e->v[i])
            crypto_hash_sha256_update(&st, (const unsigned char *)e->v[i], e->len[i]);
        crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    }
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, out);
    sodium_bin2hex(hex, 65, out, sizeof out);
}

static void set_field(pv_audit_fields *e, int i, const char *s)
{
    e->v[i] = s;
    e->len[i] = s ? strlen(s) : 0;
}

/* ---- appending ---- */

typedef struct new_entry {
    const char *at, *actor, *action, *table;
    pv_id record_id;
    bool has_household;
    int64_t household_id;
    const char *old_values, *new_values;
    const char *reason; /* NULL: done */
} new_entry;

/* The head the next entry follows: audit_head (which never moves back), or
 * the highest entry when that is further on (a database the head does not
 * know yet). Must run under the write lock that the insert takes. */
static pv_status read_head(pv_ctx *ctx, int64_t *seq, char prev[65], pv_error *err)
{
    sqlite3_stmt *st;
    *seq = 0;
    snprintf(prev, 65, "%s", PV_AUDIT_GENESIS);
    if (pv_stmt(ctx,
                "SELECT seq, hash FROM (SELECT seq, hash FROM audit_head WHERE id = 1"
                " UNION ALL SELECT * FROM (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1))"
                " ORDER BY seq DESC LIMIT 1",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        const char *h = (const char *)sqlite3_column_text(st, 1);
        snprintf(prev, 65, "%s", h ? h : "");
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status move_head(pv_ctx *ctx, int64_t seq, const char *hash, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1", &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* Appends one entry after the head. The caller holds the write lock: it is
 * inside a write transaction, or inside a statement that writes (a
 * trigger), so no other program can take the same number. */
static pv_status append_locked(pv_ctx *ctx, const new_entry *n, pv_error *err)
{
    sqlite3_stmt *ins;
    int64_t seq;
    char prev[65];
    pv_status hr = read_head(ctx, &seq, prev, err);
    if (hr != PV_OK)
        return hr;
    seq++;
    int rc;

    char seq_s[24], rid_s[24], hh_s[24];
    snprintf(seq_s, sizeof seq_s, "%" PRId64, seq);
    snprintf(rid_s, sizeof rid_s, "%" PRId64, (int64_t)n->record_id);
    snprintf(hh_s, sizeof hh_s, "%" PRId64, n->household_id);
    const char *table = n->table ? n->table : "";
    const char *outcome = n->reason ? "refused" : "done";
    pv_audit_fields e;
    set_field(&e, 0, seq_s);
    set_field(&e, 1, n->at);
    set_field(&e, 2, n->actor);
    set_field(&e, 3, n->action);
    set_field(&e, 4, table);
    set_field(&e, 5, rid_s);
    set_field(&e, 6, n->has_household ? hh_s : NULL);
    set_field(&e, 7, n->old_values);
    set_field(&e, 8, n->new_values);
    set_field(&e, 9, outcome);
    set_field(&e, 10, n->reason);
    set_field(&e, 11, prev);
    char hash[65];
    pv_audit_hash_entry(&e, hash);

    if (pv_stmt(ctx,
                "INSERT INTO audit (seq, at, actor, action, tbl, record_id, household_id,"
                " old_values, new_values, outcome, reason, prev_hash, hash)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                &ins, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_int64(ins, 1, seq);
    sqlite3_bind_text(ins, 2, n->at, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, n->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, n->action, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 5, table, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 6, n->record_id);
    if (n->has_household)
        sqlite3_bind_int64(ins, 7, n->household_id);
    if (n->old_values)
        sqlite3_bind_text(ins, 8, n->old_values, -1, SQLITE_STATIC);
    if (n->new_values)
        sqlite3_bind_text(ins, 9, n->new_values, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 10, outcome, -1, SQLITE_STATIC);
    if (n->reason)
        sqlite3_bind_text(ins, 11, n->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 12, prev, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 13, hash, -1, SQLITE_STATIC);
    rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    if (rc != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if (pv_sec(ctx))
        pv_sec(ctx)->appended = true;
    return move_head(ctx, seq, hash, err);
}

/* Appends one entry: at once when the caller is in a transaction, else in
 * a write transaction of its own, so that reading the head and inserting
 * after it are one step for every other program (BEGIN IMMEDIATE waits for
 * the lock through the busy timeout instead of failing). */
static pv_status append_entry(pv_ctx *ctx, const new_entry *n, pv_error *err)
{
    if (pv_ctx_readonly(ctx)) /* kept in the user's side file (core/storage.c) */
        return pv_unrecorded_append(ctx, n->at, n->actor, n->action, n->table, n->record_id,
                                    n->new_values, n->reason, err);
    if (!sqlite3_get_autocommit(ctx->db))
        return append_locked(ctx, n, err);
    pv_status rc = pv_tx_begin(ctx, err); /* waits out an import's batch */
    if (rc != PV_OK)
        return rc;
    rc = append_locked(ctx, n, err);
    if (rc == PV_OK)
        rc = pv_exec(ctx, "COMMIT", err);
    if (rc != PV_OK && !sqlite3_get_autocommit(ctx->db))
        pv_exec(ctx, "ROLLBACK", NULL);
    return rc;
}

static const char *actor_name(pv_ctx *ctx)
{
    return ctx->actor.name[0] ? ctx->actor.name : "-";
}

pv_status pv_audit_append_as(pv_ctx *ctx, const char *actor, const char *action,
                             const char *table, pv_id record_id, const char *detail,
                             const char *reason, pv_error *err)
{
    if (!pv_sec(ctx))
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("The audit trail is not set up."));
    char at[32];
    pv_sec_format_time(pv_sec_now(ctx), at, sizeof at);
    new_entry n = {.at = at, .actor = actor, .action = action, .table = table,
                   .record_id = record_id, .new_values = detail, .reason = reason};
    return append_entry(ctx, &n, err);
}

pv_status pv_audit_append(pv_ctx *ctx, const char *action, const char *table, pv_id record_id,
                          const char *detail, const char *reason, pv_error *err)
{
    return pv_audit_append_as(ctx, actor_name(ctx), action, table, record_id, detail, reason, err);
}

/* ---- refused attempts that must outlive a rollback ---- */

void pv_audit_refused(pv_ctx *ctx, const char *action, const char *detail, const char *reason)
{
    struct pv_security *s = pv_sec(ctx);
    if (!s)
        return;
    if (sqlite3_get_autocommit(ctx->db))
        pv_audit_flush(ctx, NULL); /* older ones first, to keep the order */
    if (sqlite3_get_autocommit(ctx->db) && s->n_pending == 0 &&
        pv_audit_append(ctx, action, NULL, 0, detail, reason ? reason : "refused", NULL) == PV_OK)
        return;
    /* Inside a transaction (or the write failed): hold it until the
     * transaction is over, whatever its outcome, then append. */
    if (s->n_pending == s->cap_pending) {
        size_t cap = s->cap_pending ? s->cap_pending * 2 : 4;
        pv_sec_pending *p = realloc(s->pending, cap * sizeof *p);
        if (!p)
            return;
        s->pending = p;
        s->cap_pending = cap;
    }
    char at[32];
    pv_sec_format_time(pv_sec_now(ctx), at, sizeof at);
    pv_sec_pending *p = &s->pending[s->n_pending];
    *p = (pv_sec_pending){pv_audit_dup(actor_name(ctx)), pv_audit_dup(action), pv_audit_dup(detail),
                          pv_audit_dup(reason ? reason : "refused"), pv_audit_dup(at)};
    if (!p->actor || !p->action || !p->reason || !p->at || (detail && !p->detail)) {
        pending_free_one(p);
        return;
    }
    s->n_pending++;
}

pv_status pv_audit_flush(pv_ctx *ctx, pv_error *err)
{
    struct pv_security *s = pv_sec(ctx);
    if (!s || s->n_pending == 0 || !sqlite3_get_autocommit(ctx->db))
        return PV_OK;
    if (pv_ctx_readonly(ctx)) {
        for (size_t i = 0; i < s->n_pending; i++) {
            pv_sec_pending *p = &s->pending[i];
            pv_unrecorded_append(ctx, p->at, p->actor, p->action, NULL, 0, p->detail, p->reason,
                                 NULL);
            pending_free_one(p);
        }
        s->n_pending = 0;
        return PV_OK;
    }
    pv_status rc = pv_exec(ctx, "BEGIN IMMEDIATE", err);
    size_t done = 0;
    for (; rc == PV_OK && done < s->n_pending; done++) {
        pv_sec_pending *p = &s->pending[done];
        new_entry n = {.at = p->at, .actor = p->actor, .action = p->action,
                       .new_values = p->detail, .reason = p->reason};
        rc = append_locked(ctx, &n, err);
    }
    if (rc == PV_OK)
        rc = pv_exec(ctx, "COMMIT", err);
    if (rc != PV_OK) {
        if (!sqlite3_get_autocommit(ctx->db))
            pv_exec(ctx, "ROLLBACK", NULL);
        return rc; /* kept: tried again at the next flush */
    }
    for (size_t i = 0; i < s->n_pending; i++)
        pending_free_one(&s->pending[i]);
    s->n_pending = 0;
    return PV_OK;
}

/* ---- SQL functions ---- */

/* pv_actor(): the acting user's login name. */
static void fn_actor(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    struct pv_security *s = sqlite3_user_data(c);
    sqlite3_result_text(c, actor_name(s->ctx), -1, SQLITE_TRANSIENT);
}

/* pv_audit_log(action, tbl, record_id, household_id, old_json, new_json):
 * appends a chained entry by the current actor. Called by the triggers. */
static void fn_audit_log(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct pv_security *s = sqlite3_user_data(c);
    pv_ctx *ctx = s->ctx;
    char at[32];
    pv_sec_format_time(pv_sec_now(ctx), at, sizeof at);
    new_entry n = {
        .at = at,
        .actor = actor_name(ctx),
        .action = pv_audit_value_text(argv[0]) ? pv_audit_value_text(argv[0]) : "?",
        .table = pv_audit_value_text(argv[1]),
        .record_id = sqlite3_value_int64(argv[2]),
        .has_household = sqlite3_value_type(argv[3]) != SQLITE_NULL,
        .household_id = sqlite3_value_int64(argv[3]),
    };
    /* argv stays valid during the call: the statements append_entry
     * runs do not touch the calling statement's values. */
    n.old_values = pv_audit_value_text(argv[4]);
    n.new_values = pv_audit_value_text(argv[5]);
    pv_error err = PV_ERROR_INIT;
    if (append_locked(ctx, &n, &err) != PV_OK) /* the trigger's statement holds the lock */
        sqlite3_result_error(c, err.message ? err.message : "audit append failed", -1);
    else
        sqlite3_result_null(c);
    pv_error_clear(&err);
}

pv_status pv_audit_register(pv_ctx *ctx, pv_error *err)
{
    if (ctx->sec)
        return PV_OK;
    if (sodium_init() < 0)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("The cryptography library failed to start."));
    struct pv_security *s = calloc(1, sizeof *s);
    if (!s)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    s->ctx = ctx;
    /* The connection owns s from here: sec_destroy runs when it closes
     * (or at once if registering fails). */
    if (sqlite3_create_function_v2(ctx->db, "pv_actor", 0, SQLITE_UTF8, s, fn_actor, NULL,
                                   NULL, sec_destroy) != SQLITE_OK)
        return pv_db_error(ctx, err);
    ctx->sec = s;
    if (sqlite3_create_function_v2(ctx->db, "pv_audit_log", 6, SQLITE_UTF8, s, fn_audit_log, NULL,
                                   NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function_v2(ctx->db, "pv_audit_pass", 3, SQLITE_UTF8, s, pv_audit_fn_pass,
                                   NULL, NULL, NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    return PV_OK;
}

/* ---- which tables the trail covers (the triggers, the guard, the records) ---- */

/* Tables without audit triggers: the trail itself, login bookkeeping, the
 * change history (written by triggers of tables that are audited), SQLite's
 * own and the shadow tables of virtual tables (full-text indexes). */
bool pv_audit_table_skipped(const char *name, const char *sql, char **virtuals, size_t n_virt)
{
    size_t len = strlen(name);
    if (strncmp(name, "sqlite_", 7) == 0 || strcmp(name, "audit") == 0 ||
        strcmp(name, "audit_head") == 0 || strcmp(name, "audit_digest") == 0 ||
        strcmp(name, "login_state") == 0)
        return true;
    /* an office's sealed keys and the copies of packages sent (exports
     * and imports are entries of their own, core/exchange.c) */
    if (strcmp(name, "office_secret") == 0 || strcmp(name, "exchange_sent") == 0)
        return true;
    /* packages held ("exchange-held" entries); other offices' trails, as
     * they came (the import is an entry); the digests of the sections
     * applied (written by the import, which is an entry) */
    if (strcmp(name, "exchange_held") == 0 || strcmp(name, "audit_remote") == 0 ||
        strcmp(name, "exchange_received") == 0)
        return true;
    if (len > 8 && strcmp(name + len - 8, "_history") == 0)
        return true;
    /* the statistics' summary and its calendar: counted from the
     * enrollments by triggers (core/sql_stats2.c), nothing of their own */
    if (strncmp(name, "stats_", 6) == 0)
        return true;
    if (sql && sqlite3_strnicmp(sql, "CREATE VIRTUAL", 14) == 0)
        return true;
    for (size_t i = 0; i < n_virt; i++) {
        size_t vl = strlen(virtuals[i]);
        if (strncmp(name, virtuals[i], vl) == 0 && name[vl] == '_')
            return true;
    }
    return false;
}
