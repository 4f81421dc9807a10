/* parvande — the audit trail in bulk mode (see include/parvande/audit.h):
 * the records an import's batch touched, noted by the triggers' WHEN
 * clause (pv_audit_pass), and the one entry per batch that lists them with
 * the hashes of the records (core/audit_digest.c); the SHA-256 of the
 * imported file. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "parvande/audit.h"
#include "security.h"

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
void pv_audit_fn_pass(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct pv_security *s = sqlite3_user_data(c);
    if (!s->bulk) {
        sqlite3_result_int(c, 1);
        return;
    }
    const char *op = pv_audit_value_text(argv[0]), *table = pv_audit_value_text(argv[1]);
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
    s->bulk_source = pv_audit_dup(source);
    s->bulk_sha256 = pv_audit_dup(sha256);
    if ((source && !s->bulk_source) || (sha256 && !s->bulk_sha256))
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    s->bulk = true;
    return PV_OK;
}

/* {"source":..,"sha256":..,"records":N,"changes":{"person":{"insert":[[lo,hi],..]}}} */
static char *bulk_json(pv_ctx *ctx, struct pv_security *s, const pv_digest *dg, size_t n_dg)
{
    sqlite3_str *j = sqlite3_str_new(ctx->db);
    int64_t records = 0;
    for (size_t i = 0; i < s->n_sets; i++)
        records += s->sets[i].count;
    sqlite3_str_appendall(j, "{\"source\":");
    pv_json_string(j, s->bulk_source);
    sqlite3_str_appendall(j, ",\"sha256\":");
    pv_json_string(j, s->bulk_sha256);
    sqlite3_str_appendf(j, ",\"records\":%lld", (long long)records);
    if (s->bulk_oom)
        sqlite3_str_appendall(j, ",\"incomplete\":true");
    sqlite3_str_appendall(j, ",\"digests\":{");
    for (size_t i = 0; i < n_dg; i++) {
        pv_json_string(j, dg[i].table);
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
        pv_json_string(j, s->sets[i].table);
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
