/* parvande — the audit trail (see include/parvande/audit.h): appending
 * chained entries, the SQL functions and triggers that record every change
 * of a data table, refused attempts that outlive a rollback, verifying the
 * chain and showing a file's history.
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
#include "parvande/authz.h"
#include "parvande/users.h"
#include "parvande/validate.h"
#include "audit_internal.h"
#include "security.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define N_FIELDS 12
#define APPEND_BUSY_TRIES 12 /* times the connection's busy timeout (5 s) */

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

pv_status pv_security_set_clock(pv_ctx *ctx, int64_t (*now)(void *arg), void *arg,
                                pv_error *err)
{
    struct pv_security *s = pv_sec(ctx);
    if (!s)
        return pv_error_set(err, PV_EFAIL, NULL, "pv_security_set_clock: audit not installed");
    s->now = now;
    s->now_arg = arg;
    return PV_OK;
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

typedef struct entry_fields {
    const char *v[N_FIELDS]; /* NULL for SQL NULL */
    size_t len[N_FIELDS];
} entry_fields;

static void hash_entry(const entry_fields *e, char hex[65])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    static const char magic[] = "parvande-audit-1\n";
    crypto_hash_sha256_update(&st, (const unsigned char *)magic, sizeof magic - 1);
    for (int i = 0; i < N_FIELDS; i++) {
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

static void set_field(entry_fields *e, int i, const char *s)
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
    snprintf(prev, 65, "%s", GENESIS);
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
    entry_fields e;
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
    hash_entry(&e, hash);

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
    /* Another program may hold the lock for a whole import batch, longer
     * than the busy timeout on a slow machine: a login waits up to a minute
     * rather than fail. */
    pv_status rc;
    for (int tries = 0;; tries++) {
        rc = pv_exec(ctx, "BEGIN IMMEDIATE", err);
        if (rc == PV_OK || tries >= APPEND_BUSY_TRIES ||
            (sqlite3_errcode(ctx->db) & 0xff) != SQLITE_BUSY)
            break;
        pv_error_clear(err);
    }
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

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

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
    *p = (pv_sec_pending){dup_or_null(actor_name(ctx)), dup_or_null(action), dup_or_null(detail),
                          dup_or_null(reason ? reason : "refused"), dup_or_null(at)};
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

static const char *value_text(sqlite3_value *v)
{
    return sqlite3_value_type(v) == SQLITE_NULL ? NULL : (const char *)sqlite3_value_text(v);
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
        .action = value_text(argv[0]) ? value_text(argv[0]) : "?",
        .table = value_text(argv[1]),
        .record_id = sqlite3_value_int64(argv[2]),
        .has_household = sqlite3_value_type(argv[3]) != SQLITE_NULL,
        .household_id = sqlite3_value_int64(argv[3]),
    };
    /* argv stays valid during the call: the statements append_entry
     * runs do not touch the calling statement's values. */
    n.old_values = value_text(argv[4]);
    n.new_values = value_text(argv[5]);
    pv_error err = PV_ERROR_INIT;
    if (append_locked(ctx, &n, &err) != PV_OK) /* the trigger's statement holds the lock */
        sqlite3_result_error(c, err.message ? err.message : "audit append failed", -1);
    else
        sqlite3_result_null(c);
    pv_error_clear(&err);
}

/* ---- bulk mode ---- */

static pv_bulk_set *bulk_set(struct pv_security *s, const char *table, const char *op)
{
    for (size_t i = s->n_sets; i-- > 0;)
        if (strcmp(s->sets[i].op, op) == 0 && strcmp(s->sets[i].table, table) == 0)
            return &s->sets[i];
    if (s->n_sets == s->cap_sets) {
        size_t cap = s->cap_sets ? s->cap_sets * 2 : 8;
        pv_bulk_set *v = realloc(s->sets, cap * sizeof *v);
        if (!v)
            return NULL;
        s->sets = v;
        s->cap_sets = cap;
    }
    pv_bulk_set *set = &s->sets[s->n_sets++];
    memset(set, 0, sizeof *set);
    snprintf(set->table, sizeof set->table, "%s", table);
    snprintf(set->op, sizeof set->op, "%s", op);
    return set;
}

/* Notes that `op` touched record `id` of `table`: extends the last run
 * when the id follows it (inserts hand out consecutive ids). */
static void bulk_note(struct pv_security *s, const char *table, const char *op, int64_t id)
{
    pv_bulk_set *set = bulk_set(s, table, op);
    if (!set) {
        s->bulk_oom = true;
        return;
    }
    set->count++;
    if (set->n_runs > 0) {
        pv_bulk_run *last = &set->runs[set->n_runs - 1];
        if (id == last->hi + 1) {
            last->hi = id;
            return;
        }
        if (id >= last->lo && id <= last->hi)
            return;
    }
    if (set->n_runs == set->cap_runs) {
        size_t cap = set->cap_runs ? set->cap_runs * 2 : 16;
        pv_bulk_run *v = realloc(set->runs, cap * sizeof *v);
        if (!v) {
            s->bulk_oom = true;
            return;
        }
        set->runs = v;
        set->cap_runs = cap;
    }
    set->runs[set->n_runs++] = (pv_bulk_run){id, id};
}

/* pv_audit_pass(op, tbl, id): the WHEN clause of every audit trigger. 1 =
 * record this change as an entry of its own; in bulk mode it notes the
 * record for the batch entry and returns 0, so the row costs no JSON, no
 * hash and no insert. */
static void fn_audit_pass(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct pv_security *s = sqlite3_user_data(c);
    if (!s->bulk) {
        sqlite3_result_int(c, 1);
        return;
    }
    const char *op = value_text(argv[0]), *table = value_text(argv[1]);
    bulk_note(s, table ? table : "", op ? op : "", sqlite3_value_int64(argv[2]));
    sqlite3_result_int(c, 0);
}

static void bulk_clear(struct pv_security *s)
{
    for (size_t i = 0; i < s->n_sets; i++)
        free(s->sets[i].runs);
    s->n_sets = 0;
    s->bulk_oom = false;
}

pv_status pv_audit_bulk_begin(pv_ctx *ctx, const char *source, const char *sha256,
                              pv_error *err)
{
    pv_status rc = pv_audit_register(ctx, err);
    if (rc != PV_OK)
        return rc;
    struct pv_security *s = ctx->sec;
    bulk_clear(s);
    free(s->bulk_source);
    free(s->bulk_sha256);
    s->bulk_source = dup_or_null(source);
    s->bulk_sha256 = dup_or_null(sha256);
    if ((source && !s->bulk_source) || (sha256 && !s->bulk_sha256))
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    s->bulk = true;
    return PV_OK;
}

static void json_string(sqlite3_str *j, const char *v)
{
    if (!v) {
        sqlite3_str_appendall(j, "null");
        return;
    }
    sqlite3_str_appendchar(j, 1, '"');
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\')
            sqlite3_str_appendf(j, "\\%c", *p);
        else if (*p < 0x20)
            sqlite3_str_appendf(j, "\\u%04x", *p);
        else
            sqlite3_str_appendchar(j, 1, (char)*p);
    }
    sqlite3_str_appendchar(j, 1, '"');
}

/* {"source":..,"sha256":..,"records":N,"changes":{"person":{"insert":[[lo,hi],..]}}} */
static char *bulk_json(pv_ctx *ctx, struct pv_security *s, const pv_digest *dg, size_t n_dg)
{
    sqlite3_str *j = sqlite3_str_new(ctx->db);
    int64_t records = 0;
    for (size_t i = 0; i < s->n_sets; i++)
        records += s->sets[i].count;
    sqlite3_str_appendall(j, "{\"source\":");
    json_string(j, s->bulk_source);
    sqlite3_str_appendall(j, ",\"sha256\":");
    json_string(j, s->bulk_sha256);
    sqlite3_str_appendf(j, ",\"records\":%lld", (long long)records);
    if (s->bulk_oom)
        sqlite3_str_appendall(j, ",\"incomplete\":true");
    sqlite3_str_appendall(j, ",\"digests\":{");
    for (size_t i = 0; i < n_dg; i++) {
        json_string(j, dg[i].table);
        sqlite3_str_appendf(j, ":\"%s\"%s", dg[i].sha, i + 1 < n_dg ? "," : "");
    }
    sqlite3_str_appendall(j, "}");
    sqlite3_str_appendall(j, ",\"changes\":{");
    bool first_table = true;
    for (size_t i = 0; i < s->n_sets; i++) {
        bool seen = false; /* each table once, its operations together */
        for (size_t k = 0; k < i; k++)
            seen |= strcmp(s->sets[k].table, s->sets[i].table) == 0;
        if (seen)
            continue;
        if (!first_table)
            sqlite3_str_appendchar(j, 1, ',');
        json_string(j, s->sets[i].table);
        sqlite3_str_appendall(j, ":{");
        first_table = false;
        bool first_op = true;
        for (size_t k = i; k < s->n_sets; k++) {
            const pv_bulk_set *set = &s->sets[k];
            if (strcmp(set->table, s->sets[i].table) != 0)
                continue;
            sqlite3_str_appendf(j, "%s\"%s\":[", first_op ? "" : ",", set->op);
            first_op = false;
            for (size_t r = 0; r < set->n_runs; r++)
                sqlite3_str_appendf(j, "%s[%lld,%lld]", r ? "," : "", (long long)set->runs[r].lo,
                                    (long long)set->runs[r].hi);
            sqlite3_str_appendchar(j, 1, ']');
        }
        sqlite3_str_appendchar(j, 1, '}');
    }
    sqlite3_str_appendall(j, "}}");
    return sqlite3_str_finish(j);
}

pv_status pv_audit_bulk_commit(pv_ctx *ctx, pv_error *err)
{
    struct pv_security *s = pv_sec(ctx);
    if (!s || !s->bulk || s->n_sets == 0)
        return PV_OK;
    pv_digest *dg = NULL;
    size_t n_dg = 0;
    pv_status rc = pv_digests_make(ctx, s, &dg, &n_dg, err);
    if (rc != PV_OK)
        return rc;
    char *detail = bulk_json(ctx, s, dg, n_dg);
    if (!detail) {
        pv_digests_free(dg, n_dg);
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    }
    rc = pv_audit_append(ctx, "import", NULL, 0, detail, NULL, err);
    sqlite3_free(detail);
    char db_id[40], hash[65];
    int64_t seq = 0;
    if (rc == PV_OK)
        rc = pv_audit_db_head(ctx, db_id, &seq, hash, err); /* the entry just appended */
    if (rc == PV_OK)
        rc = pv_digests_store(ctx, seq, dg, n_dg, err);
    pv_digests_free(dg, n_dg);
    if (rc == PV_OK)
        bulk_clear(s);
    return rc;
}

void pv_audit_bulk_rollback(pv_ctx *ctx)
{
    struct pv_security *s = pv_sec(ctx);
    if (s)
        bulk_clear(s);
}

void pv_audit_bulk_end(pv_ctx *ctx)
{
    struct pv_security *s = pv_sec(ctx);
    if (!s)
        return;
    bulk_clear(s);
    s->bulk = false;
}

pv_status pv_audit_file_sha256(const char *path, char out[65], pv_error *err)
{
    return pv_audit_file_sha256_until(path, out, NULL, err);
}

pv_status pv_audit_file_sha256_until(const char *path, char out[65], const atomic_bool *stop,
                                     pv_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return pv_error_set(err, PV_EFAIL, NULL, _("Cannot read %s."), path);
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[16384];
    size_t n;
    bool stopped = false;
    while (!(stopped = stop && atomic_load(stop)) && (n = fread(buf, 1, sizeof buf, f)) > 0)
        crypto_hash_sha256_update(&st, buf, n);
    bool bad = ferror(f) || stopped;
    fclose(f);
    if (bad)
        return pv_error_set(err, PV_EFAIL, NULL, _("Cannot read %s."), path);
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, d);
    sodium_bin2hex(out, 65, d, sizeof d);
    return PV_OK;
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
        sqlite3_create_function_v2(ctx->db, "pv_audit_pass", 3, SQLITE_UTF8, s, fn_audit_pass,
                                   NULL, NULL, NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    return PV_OK;
}

/* ---- the triggers of the data tables ---- */

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

/* Columns left out of the recorded values: the password hash (a secret,
 * whose change is its own entry) and search keys derived from the names. */
static bool column_recorded(const char *col)
{
    return strcmp(col, "pwhash") != 0 && strncmp(col, "fold_", 5) != 0;
}

/* Columns whose change alone is not worth an entry (a save that changed
 * nothing still bumps them). */
static bool column_meaningful(const char *col)
{
    return column_recorded(col) && strcmp(col, "updated_at") != 0 &&
           strcmp(col, "updated_by") != 0;
}

typedef struct str_list {
    char **v;
    size_t n, cap;
} str_list;

static int list_push(str_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

static bool list_has(const str_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

static void list_free(str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    *l = (str_list){0};
}

static pv_status query_list(pv_ctx *ctx, const char *sql, const char *arg, str_list *out,
                            pv_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        if (list_push(out, s ? s : "") != 0) {
            sqlite3_finalize(st);
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* json_object('col', X."col", ...) of the recorded columns. */
static void append_json(sqlite3_str *s, const str_list *cols, const char *x)
{
    sqlite3_str_appendall(s, "json_object(");
    bool first = true;
    for (size_t i = 0; i < cols->n; i++) {
        if (!column_recorded(cols->v[i]))
            continue;
        sqlite3_str_appendf(s, "%s'%q', %s.\"%w\"", first ? "" : ", ", cols->v[i], x, cols->v[i]);
        first = false;
    }
    sqlite3_str_appendall(s, ")");
}

/* The expression giving the file (household) a row of `table` belongs to,
 * as stored in audit.household_id; "NULL" when it has none. */
static void append_household(sqlite3_str *s, const char *table, const str_list *cols,
                             const str_list *tables, const char *x)
{
    if (strcmp(table, "household") == 0)
        sqlite3_str_appendf(s, "%s.id", x);
    else if (strcmp(table, "person") == 0)
        sqlite3_str_appendf(s, "coalesce(%s.household_id, -%s.id)", x, x);
    else if (list_has(cols, "household_id"))
        sqlite3_str_appendf(s, "%s.household_id", x);
    else if (list_has(cols, "file_id") && list_has(tables, "casefile"))
        sqlite3_str_appendf(s, "(SELECT household_id FROM casefile WHERE id = %s.file_id)", x);
    else if (list_has(cols, "casefile_id") && list_has(tables, "casefile"))
        sqlite3_str_appendf(s, "(SELECT household_id FROM casefile WHERE id = %s.casefile_id)", x);
    else if (list_has(cols, "person_id") && list_has(tables, "person"))
        sqlite3_str_appendf(s, "(SELECT coalesce(household_id, -id) FROM person WHERE id = %s.person_id)",
                            x);
    else
        sqlite3_str_appendall(s, "NULL");
}

static void append_key(sqlite3_str *s, const str_list *cols, bool rowid, const char *x)
{
    if (list_has(cols, "id"))
        sqlite3_str_appendf(s, "%s.id", x);
    else if (rowid)
        sqlite3_str_appendf(s, "%s.rowid", x);
    else
        sqlite3_str_appendall(s, "0");
}

/* The three CREATE TRIGGER statements of one table, in out[0..2]
 * (sqlite3_free each). */
static pv_status table_triggers(pv_ctx *ctx, const char *table, bool rowid,
                                const str_list *tables, char *out[3], pv_error *err)
{
    str_list cols = {0};
    char *pragma = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q)", table);
    pv_status rc = pragma ? query_list(ctx, pragma, NULL, &cols, err)
                          : pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    sqlite3_free(pragma);
    if (rc != PV_OK) {
        list_free(&cols);
        return rc;
    }
    static const char *const ops[3] = {"insert", "update", "delete"};
    for (int k = 0; k < 3; k++) {
        const char *x = k == 2 ? "OLD" : "NEW";
        sqlite3_str *s = sqlite3_str_new(ctx->db);
        sqlite3_str_appendf(s, "CREATE TRIGGER \"pv_audit_%w_%s\" AFTER %s ON \"%w\"", table,
                            ops[k], k == 0 ? "INSERT" : k == 1 ? "UPDATE" : "DELETE", table);
        sqlite3_str_appendall(s, " WHEN ");
        if (k == 1) { /* an update that changed something (checked first) */
            bool first = true;
            for (size_t i = 0; i < cols.n; i++) {
                if (!column_meaningful(cols.v[i]))
                    continue;
                sqlite3_str_appendf(s, "%sOLD.\"%w\" IS NOT NEW.\"%w\"", first ? "(" : " OR ",
                                    cols.v[i], cols.v[i]);
                first = false;
            }
            if (!first)
                sqlite3_str_appendall(s, ") AND ");
        }
        sqlite3_str_appendf(s, "pv_audit_pass('%s', '%q', ", ops[k], table);
        append_key(s, &cols, rowid, x);
        sqlite3_str_appendf(s, ") BEGIN SELECT pv_audit_log('%s', '%q', ", ops[k], table);
        append_key(s, &cols, rowid, x);
        sqlite3_str_appendall(s, ", ");
        append_household(s, table, &cols, tables, x);
        sqlite3_str_appendall(s, ", ");
        if (k == 0)
            sqlite3_str_appendall(s, "NULL");
        else
            append_json(s, &cols, "OLD");
        sqlite3_str_appendall(s, ", ");
        if (k == 2)
            sqlite3_str_appendall(s, "NULL");
        else
            append_json(s, &cols, "NEW");
        sqlite3_str_appendall(s, "); END");
        out[k] = sqlite3_str_finish(s);
        if (!out[k]) {
            for (int j = 0; j < k; j++)
                sqlite3_free(out[j]);
            list_free(&cols);
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        }
    }
    list_free(&cols);
    return PV_OK;
}

static const char protect_sql[] =
    "CREATE TRIGGER IF NOT EXISTS audit_digest_no_update BEFORE UPDATE ON audit_digest BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_digest_no_delete BEFORE DELETE ON audit_digest BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_head_forward BEFORE UPDATE ON audit_head\n"
    "  WHEN NEW.seq < OLD.seq OR NEW.db_id IS NOT OLD.db_id OR NEW.id IS NOT OLD.id BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit head only moves forward');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_head BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit head only moves forward');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n";

/* The statements (DROP and CREATE) that bring the triggers to what the
 * tables need now; empty when they already are. */
static pv_status plan_triggers(pv_ctx *ctx, str_list *plan, pv_error *err)
{
    str_list names = {0}, sqls = {0}, virt = {0}, wanted = {0}, have = {0};
    pv_status rc = query_list(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
                              NULL, &names, err);
    if (rc == PV_OK)
        rc = query_list(ctx, "SELECT coalesce(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY name",
                        NULL, &sqls, err);
    for (size_t i = 0; rc == PV_OK && i < names.n; i++)
        if (sqlite3_strnicmp(sqls.v[i], "CREATE VIRTUAL", 14) == 0 && list_push(&virt, names.v[i]))
            rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    for (size_t i = 0; rc == PV_OK && i < names.n && i < sqls.n; i++) {
        if (pv_audit_table_skipped(names.v[i], sqls.v[i], virt.v, virt.n))
            continue;
        bool rowid = sqlite3_strlike("%WITHOUT ROWID%", sqls.v[i], 0) != 0;
        char *trig[3];
        rc = table_triggers(ctx, names.v[i], rowid, &names, trig, err);
        for (int k = 0; rc == PV_OK && k < 3; k++) {
            /* the trigger's name is between the first pair of quotes */
            char *name = strndup(trig[k] + 16, strcspn(trig[k] + 16, "\""));
            str_list cur = {0};
            if (!name || list_push(&wanted, name) != 0)
                rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
            if (rc == PV_OK)
                rc = query_list(ctx, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                                name, &cur, err);
            if (rc == PV_OK && (cur.n != 1 || strcmp(cur.v[0], trig[k]) != 0)) {
                char *drop = sqlite3_mprintf("DROP TRIGGER IF EXISTS \"%w\"", name);
                if (!drop || list_push(plan, drop) != 0 || list_push(plan, trig[k]) != 0)
                    rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
                sqlite3_free(drop);
            }
            list_free(&cur);
            free(name);
        }
        for (int k = 0; k < 3; k++)
            sqlite3_free(trig[k]);
    }
    /* triggers of tables that are no longer audited */
    if (rc == PV_OK)
        rc = query_list(ctx, "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                             " AND name GLOB 'pv_audit_*'", NULL, &have, err);
    for (size_t i = 0; rc == PV_OK && i < have.n; i++) {
        if (list_has(&wanted, have.v[i]))
            continue;
        char *drop = sqlite3_mprintf("DROP TRIGGER IF EXISTS \"%w\"", have.v[i]);
        if (!drop || list_push(plan, drop) != 0)
            rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        sqlite3_free(drop);
    }
    list_free(&names);
    list_free(&sqls);
    list_free(&virt);
    list_free(&wanted);
    list_free(&have);
    return rc;
}

static pv_status run_plan(pv_ctx *ctx, const str_list *plan, pv_error *err)
{
    for (size_t i = 0; i < plan->n; i++) {
        char *msg = NULL;
        if (sqlite3_exec(ctx->db, plan->v[i], NULL, NULL, &msg) != SQLITE_OK) {
            pv_status st = pv_db_error(ctx, err);
            sqlite3_free(msg);
            return st;
        }
    }
    return PV_OK;
}

static pv_status protection_missing(pv_ctx *ctx, bool *missing, pv_error *err)
{
    str_list l = {0};
    pv_status rc = query_list(ctx, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND"
                                   " name IN ('audit_no_update', 'audit_no_delete',"
                                   " 'audit_head_forward', 'audit_head_no_delete',"
                                   " 'audit_digest_no_update', 'audit_digest_no_delete')",
                              NULL, &l, err);
    *missing = l.n != 6;
    list_free(&l);
    return rc;
}

/* The history keepers and the other triggers of the migrations, in a
 * savepoint of their own; one audit entry says what was re-created, since
 * someone dropped it. */
static pv_status restore_schema_triggers(pv_ctx *ctx, pv_error *err)
{
    pv_status rc = pv_exec(ctx, "SAVEPOINT pv_audit_guard", err);
    if (rc != PV_OK)
        return rc;
    int restored = 0;
    rc = pv_audit_restore_triggers(ctx, &restored, err);
    if (rc == PV_OK && restored > 0) {
        char detail[64];
        snprintf(detail, sizeof detail, "{\"triggers\":%d}", restored);
        rc = pv_audit_append_as(ctx, "system", "triggers-restored", NULL, 0, detail, NULL, err);
    }
    if (rc != PV_OK)
        pv_exec(ctx, "ROLLBACK TO pv_audit_guard", NULL);
    pv_exec(ctx, "RELEASE pv_audit_guard", NULL);
    return rc;
}

pv_status pv_audit_install(pv_ctx *ctx, pv_error *err)
{
    pv_status rc = pv_audit_register(ctx, err);
    if (rc != PV_OK || pv_ctx_readonly(ctx))
        return rc; /* read-only media: nothing can be written, nor changed behind us */
    str_list plan = {0};
    bool missing = false;
    rc = plan_triggers(ctx, &plan, err);
    if (rc == PV_OK)
        rc = protection_missing(ctx, &missing, err);
    if (rc == PV_OK && missing && list_push(&plan, protect_sql) != 0)
        rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    if (rc == PV_OK && plan.n > 0) {
        /* A schema change: only when something differs, so opening an
         * up-to-date database writes nothing. */
        rc = pv_exec(ctx, "SAVEPOINT pv_audit_install", err);
        if (rc == PV_OK) {
            rc = run_plan(ctx, &plan, err);
            if (rc != PV_OK)
                pv_exec(ctx, "ROLLBACK TO pv_audit_install", NULL);
            pv_exec(ctx, "RELEASE pv_audit_install", rc == PV_OK ? err : NULL);
        }
    }
    list_free(&plan);
    if (rc == PV_OK)
        rc = restore_schema_triggers(ctx, err);
    if (rc == PV_OK)
        rc = pv_audit_flush(ctx, err);
    return rc;
}

pv_status pv_audit_drop_triggers(pv_ctx *ctx, pv_error *err)
{
    str_list have = {0}, plan = {0};
    pv_status rc = query_list(ctx, "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                   " AND name GLOB 'pv_audit_*'", NULL, &have, err);
    for (size_t i = 0; rc == PV_OK && i < have.n; i++) {
        char *drop = sqlite3_mprintf("DROP TRIGGER IF EXISTS \"%w\"", have.v[i]);
        if (!drop || list_push(&plan, drop) != 0)
            rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        sqlite3_free(drop);
    }
    if (rc == PV_OK)
        rc = run_plan(ctx, &plan, err);
    list_free(&have);
    list_free(&plan);
    return rc;
}

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
    char prev[65] = GENESIS;
    int64_t expect = 1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        entry_fields e;
        for (int i = 0; i < N_FIELDS; i++) {
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
        hash_entry(&e, hash);
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
    snprintf(rep->head_hash, sizeof rep->head_hash, "%s", GENESIS);
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

/* ---- a file's history ---- */

void pv_audit_entries_free(pv_audit_entry *entries, size_t n)
{
    for (size_t i = 0; entries && i < n; i++) {
        free(entries[i].old_values);
        free(entries[i].new_values);
        free(entries[i].reason);
    }
    free(entries);
}

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t size)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    snprintf(out, size, "%s", s ? s : "");
}

static int dup_col(sqlite3_stmt *st, int i, char **out)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    *out = NULL;
    if (!s)
        return 0;
    return (*out = strdup(s)) ? 0 : -1;
}

static pv_status read_entries(pv_ctx *ctx, sqlite3_stmt *st, pv_audit_entry **out, size_t *n,
                              pv_error *err)
{
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            pv_audit_entry *v = realloc(*out, cap * sizeof *v);
            if (!v)
                return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
            *out = v;
        }
        pv_audit_entry *e = &(*out)[*n];
        memset(e, 0, sizeof *e);
        (*n)++;
        e->seq = sqlite3_column_int64(st, 0);
        copy_col(st, 1, e->at, sizeof e->at);
        copy_col(st, 2, e->actor, sizeof e->actor);
        copy_col(st, 3, e->action, sizeof e->action);
        copy_col(st, 4, e->table, sizeof e->table);
        e->record_id = sqlite3_column_int64(st, 5);
        const char *outcome = (const char *)sqlite3_column_text(st, 8);
        e->refused = outcome && strcmp(outcome, "refused") == 0;
        if (dup_col(st, 6, &e->old_values) || dup_col(st, 7, &e->new_values) ||
            dup_col(st, 9, &e->reason))
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    }
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_audit_show(pv_ctx *ctx, const char *national_id, pv_audit_entry **out, size_t *n,
                        pv_error *err)
{
    *out = NULL;
    *n = 0;
    char nid[11];
    if (pv_natid_parse(national_id, "national_id", nid, err) != PV_OK)
        return PV_EINVAL;
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT id, household_id, branch_code FROM person WHERE national_id = ?1",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_text(st, 1, nid, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        /* the same answer for another branch's file as for no file, below */
        return rc == SQLITE_DONE ? pv_error_set(err, PV_ENOTFOUND, "national_id", "%s",
                                                _("No file with this national ID."))
                                 : pv_db_error(ctx, err);
    }
    pv_id person = sqlite3_column_int64(st, 0);
    bool has_hh = sqlite3_column_type(st, 1) != SQLITE_NULL;
    pv_id household = sqlite3_column_int64(st, 1);
    int64_t branch = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    pv_status ok = pv_authz_check(ctx, PV_ACT_AUDIT_READ, branch, err);
    if (ok != PV_OK)
        return ok;
    if (pv_stmt(ctx,
                "SELECT seq, at, actor, action, tbl, record_id, old_values, new_values, outcome,"
                " reason FROM audit WHERE household_id = ?1 OR household_id = ?2"
                " OR seq IN (SELECT a.seq FROM audit a, json_each(a.new_values, '$.changes') t,"
                "  json_each(t.value) o, json_each(o.value) r"
                "  WHERE a.action = 'import' AND json_valid(a.new_values) AND ("
                "  (t.key = 'household' AND ?1 BETWEEN r.value ->> 0 AND r.value ->> 1)"
                "  OR (t.key = 'person' AND EXISTS (SELECT 1 FROM person p"
                "   WHERE (p.household_id = ?1 OR p.id = -?2)"
                "   AND p.id BETWEEN r.value ->> 0 AND r.value ->> 1))"
                "  OR (t.key = 'casefile' AND EXISTS (SELECT 1 FROM casefile c"
                "   WHERE c.household_id = ?1 AND c.id BETWEEN r.value ->> 0 AND r.value ->> 1))))"
                " ORDER BY seq",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    if (has_hh)
        sqlite3_bind_int64(st, 1, household);
    sqlite3_bind_int64(st, 2, -person);
    pv_status r = read_entries(ctx, st, out, n, err);
    sqlite3_reset(st);
    if (r != PV_OK) {
        pv_audit_entries_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return r;
}
