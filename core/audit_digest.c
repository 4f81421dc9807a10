/* parvande — the values of records as the audit trail vouches for them.
 *
 * A per-row entry holds a record's new values as JSON. A bulk import's
 * batch entry lists only the ids it touched; so that records imported in
 * bulk can be checked too, each batch also stores, per table, an 8-byte
 * hash (BLAKE2b) of every record it inserted or updated as it stood at the
 * commit, in the order its runs list them (table audit_digest), and the
 * batch entry itself carries the SHA-256 of that list: the list is in the
 * chain like the entry.
 *
 * What is compared of a record (its "shape"): the columns the triggers
 * record, less the ones a save bumps without a change (updated_at,
 * updated_by), and, for a table with a *_history table, only those the
 * history keeps too, so that a version in the history compares with the
 * same values. The shape's column list is stored with each digest. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "security.h"

void pv_rec_shape_free(pv_rec_shape *sh)
{
    sqlite3_free(sh->cols);
    sqlite3_free(sh->list);
    sqlite3_free(sh->json);
    sqlite3_free(sh->proj);
    memset(sh, 0, sizeof *sh);
}

static bool has_col(pv_ctx *ctx, const char *table, const char *col)
{
    sqlite3_stmt *st = NULL;
    bool yes = false;
    if (sqlite3_prepare_v2(ctx->db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
        yes = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return yes;
}

static bool table_exists(pv_ctx *ctx, const char *table)
{
    sqlite3_stmt *st = NULL;
    bool yes = false;
    if (sqlite3_prepare_v2(ctx->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        yes = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return yes;
}

bool pv_rec_column_compared(const char *col)
{
    return strcmp(col, "pwhash") != 0 && strncmp(col, "fold_", 5) != 0 &&
           strcmp(col, "updated_at") != 0 && strcmp(col, "updated_by") != 0;
}

/* The SQL expressions of a shape from its comma-separated columns. */
static pv_status shape_exprs(pv_rec_shape *sh, pv_error *err)
{
    sqlite3_str *j = sqlite3_str_new(NULL), *p = sqlite3_str_new(NULL), *l = sqlite3_str_new(NULL);
    sh->ncols = 0;
    sqlite3_str_appendall(j, "json_object(");
    sqlite3_str_appendall(p, "json_object(");
    const char *c = sh->cols;
    bool first = true;
    while (*c) {
        size_t n = strcspn(c, ",");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), c);
        sqlite3_str_appendf(j, "%s'%q', \"%w\"", first ? "" : ", ", name, name);
        sqlite3_str_appendf(p, "%s'%q', json_extract(v, '$.\"%w\"')", first ? "" : ", ", name,
                            name);
        sqlite3_str_appendf(l, "%s\"%w\"", first ? "" : ", ", name);
        sh->ncols++;
        first = false;
        c += n + (c[n] == ',');
    }
    sqlite3_str_appendall(j, ")");
    sqlite3_str_appendall(p, ")");
    if (first)
        sqlite3_str_appendall(l, "NULL");
    sh->json = sqlite3_str_finish(j);
    sh->proj = sqlite3_str_finish(p);
    sh->list = sqlite3_str_finish(l);
    return sh->json && sh->proj && sh->list ? PV_OK
                                : pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
}

pv_status pv_rec_shape_from(pv_ctx *ctx, const char *table, const char *cols, pv_rec_shape *sh,
                            pv_error *err)
{
    memset(sh, 0, sizeof *sh);
    snprintf(sh->table, sizeof sh->table, "%s", table);
    char hist[80];
    snprintf(hist, sizeof hist, "%s_history", table);
    sh->history = table_exists(ctx, hist) && has_col(ctx, hist, "id") && has_col(ctx, table, "id");
    if (has_col(ctx, table, "id"))
        snprintf(sh->key, sizeof sh->key, "id");
    else {
        sqlite3_stmt *st = NULL;
        char *q = sqlite3_mprintf("SELECT rowid FROM \"%w\" LIMIT 0", table);
        bool rowid = q && sqlite3_prepare_v2(ctx->db, q, -1, &st, NULL) == SQLITE_OK;
        sqlite3_finalize(st);
        sqlite3_free(q);
        if (rowid)
            snprintf(sh->key, sizeof sh->key, "rowid");
    }
    if (cols) {
        sh->cols = sqlite3_mprintf("%s", cols);
        if (!sh->cols)
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        return shape_exprs(sh, err);
    }
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &st,
                           NULL) != SQLITE_OK) {
        sqlite3_free(sqlite3_str_finish(s));
        return pv_db_error(ctx, err);
    }
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    bool first = true;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        if (!c || !pv_rec_column_compared(c) || (sh->history && !has_col(ctx, hist, c)))
            continue;
        sqlite3_str_appendf(s, "%s%s", first ? "" : ",", c);
        first = false;
    }
    sqlite3_finalize(st);
    sh->cols = sqlite3_str_finish(s);
    if (!sh->cols)
        sh->cols = sqlite3_mprintf("");
    if (!sh->cols)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    return shape_exprs(sh, err);
}

/* Each value as its type, its length and its bytes: no JSON to build,
 * which a bulk import would pay for on every row. */
uint64_t pv_rec_hash(sqlite3_stmt *st, int first, int n)
{
    crypto_generichash_state g;
    crypto_generichash_init(&g, NULL, 0, 16);
    for (int i = first; i < first + n; i++) {
        unsigned char head[5];
        int type = sqlite3_column_type(st, i);
        const unsigned char *v = NULL;
        char num[32];
        size_t len = 0;
        if (type == SQLITE_INTEGER) {
            len = (size_t)snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_int64(st, i));
            v = (const unsigned char *)num;
        } else if (type == SQLITE_FLOAT) {
            len = (size_t)snprintf(num, sizeof num, "%.17g", sqlite3_column_double(st, i));
            v = (const unsigned char *)num;
        } else if (type != SQLITE_NULL) {
            v = type == SQLITE_BLOB ? sqlite3_column_blob(st, i) : sqlite3_column_text(st, i);
            len = (size_t)sqlite3_column_bytes(st, i);
        }
        head[0] = (unsigned char)type;
        for (int k = 0; k < 4; k++)
            head[1 + k] = (unsigned char)(len >> (24 - 8 * k));
        crypto_generichash_update(&g, head, sizeof head);
        if (len)
            crypto_generichash_update(&g, v, len);
    }
    unsigned char out[16];
    crypto_generichash_final(&g, out, sizeof out);
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = h << 8 | out[i];
    return h;
}

/* ---- a batch's digests (called by pv_audit_bulk_commit) ---- */

void pv_digests_free(pv_digest *d, size_t n)
{
    for (size_t i = 0; d && i < n; i++) {
        free(d[i].hashes);
        sqlite3_free(d[i].cols);
    }
    free(d);
}

static pv_status push_hash(pv_digest *d, uint64_t h, pv_error *err)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 1024;
        unsigned char *v = realloc(d->hashes, cap * 8);
        if (!v)
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        d->hashes = v;
        d->cap = cap;
    }
    for (int i = 0; i < 8; i++)
        d->hashes[d->n * 8 + (size_t)i] = (unsigned char)(h >> (56 - 8 * i));
    d->n++;
    return PV_OK;
}

/* Hashes of the records lo..hi of the shape's table, 0 for an id that is
 * not there (a row undone by a savepoint). */
static pv_status digest_run(pv_ctx *ctx, sqlite3_stmt *st, pv_digest *d, int64_t lo, int64_t hi,
                            pv_error *err)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    int64_t next = lo;
    pv_status rc = PV_OK;
    int s;
    while (rc == PV_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        for (; rc == PV_OK && next < id; next++)
            rc = push_hash(d, 0, err);
        if (rc == PV_OK)
            rc = push_hash(d, pv_rec_hash(st, 1, sqlite3_column_count(st) - 1), err);
        next = id + 1;
    }
    if (rc == PV_OK && s != SQLITE_DONE)
        rc = pv_db_error(ctx, err);
    for (; rc == PV_OK && next <= hi; next++)
        rc = push_hash(d, 0, err);
    return rc;
}

static pv_status digest_table(pv_ctx *ctx, const struct pv_security *s, const char *table,
                              pv_digest *d, pv_error *err)
{
    pv_rec_shape sh;
    pv_status rc = pv_rec_shape_from(ctx, table, NULL, &sh, err);
    if (rc != PV_OK || !sh.key[0]) {
        pv_rec_shape_free(&sh);
        return rc;
    }
    snprintf(d->table, sizeof d->table, "%s", table);
    char *q = sqlite3_mprintf("SELECT %s, %s FROM \"%w\" WHERE %s BETWEEN ?1 AND ?2 ORDER BY %s",
                              sh.key, sh.list, table, sh.key, sh.key);
    sqlite3_stmt *st = NULL;
    if (!q || sqlite3_prepare_v2(ctx->db, q, -1, &st, NULL) != SQLITE_OK)
        rc = q ? pv_db_error(ctx, err) : pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    sqlite3_free(q);
    for (size_t i = 0; rc == PV_OK && i < s->n_sets; i++) {
        const pv_bulk_set *set = &s->sets[i];
        if (strcmp(set->table, table) != 0 || strcmp(set->op, "delete") == 0)
            continue;
        for (size_t r = 0; rc == PV_OK && r < set->n_runs; r++)
            rc = digest_run(ctx, st, d, set->runs[r].lo, set->runs[r].hi, err);
    }
    sqlite3_finalize(st);
    d->cols = sh.cols;
    sh.cols = NULL;
    pv_rec_shape_free(&sh);
    unsigned char sha[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(sha, d->hashes ? d->hashes : (const unsigned char *)"", d->n * 8);
    sodium_bin2hex(d->sha, sizeof d->sha, sha, sizeof sha);
    return rc;
}

pv_status pv_digests_make(pv_ctx *ctx, const struct pv_security *s, pv_digest **out, size_t *n,
                          pv_error *err)
{
    *out = NULL;
    *n = 0;
    pv_digest *v = calloc(s->n_sets ? s->n_sets : 1, sizeof *v);
    if (!v)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    pv_status rc = PV_OK;
    for (size_t i = 0; rc == PV_OK && i < s->n_sets; i++) {
        bool seen = strcmp(s->sets[i].op, "delete") == 0;
        for (size_t k = 0; k < *n && !seen; k++)
            seen = strcmp(v[k].table, s->sets[i].table) == 0;
        if (seen)
            continue;
        rc = digest_table(ctx, s, s->sets[i].table, &v[*n], err);
        if (rc == PV_OK && v[*n].table[0])
            (*n)++;
        else {
            free(v[*n].hashes);
            sqlite3_free(v[*n].cols);
            memset(&v[*n], 0, sizeof v[*n]);
        }
    }
    if (rc != PV_OK) {
        pv_digests_free(v, *n);
        *n = 0;
        return rc;
    }
    *out = v;
    return PV_OK;
}

pv_status pv_digests_store(pv_ctx *ctx, int64_t seq, const pv_digest *d, size_t n, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "INSERT INTO audit_digest (seq, tbl, cols, hashes) VALUES (?1, ?2, ?3, ?4)",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, seq);
        sqlite3_bind_text(st, 2, d[i].table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, d[i].cols, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 4, d[i].hashes ? (const void *)d[i].hashes : "", (int)(d[i].n * 8),
                          SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            pv_status rc = pv_db_error(ctx, err);
            sqlite3_reset(st);
            return rc;
        }
    }
    sqlite3_reset(st);
    return PV_OK;
}
