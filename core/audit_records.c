/* parvande — the records and their history against the audit trail: what
 * pv_audit_verify_records reports (see include/parvande/audit.h).
 *
 * Per audited table: every entry about a record (per-row entries, and the
 * id runs of bulk batches) is read into one array, sorted by record and
 * seq; the table is then read once in key order beside it. A record's last
 * entry says what it must be: a per-row entry's new values (projected on
 * the compared columns), or the batch's hash of it (core/audit_digest.c).
 * The history table is read the same way: its k-th version of a record
 * must be what the entry before the record's k-th update or delete made
 * it. Memory: 24 bytes per entry about a record of the table being read,
 * plus the batches' hash lists of that table (8 bytes a record). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "parvande/audit.h"
#include "parvande/authz.h"

enum ev_kind { EV_ROW = 1, EV_ROW_DEL, EV_BATCH, EV_BATCH_DEL };

typedef struct ev {
    int64_t id, seq;
    int32_t idx;  /* the record's place in its batch's hash list, -1 none */
    uint8_t kind; /* enum ev_kind */
    uint8_t replaces; /* an update or delete: a version went to the history */
} ev;

typedef struct ev_list {
    ev *v;
    size_t n, cap;
} ev_list;

typedef struct batch_hashes {
    int64_t seq;
    unsigned char *h; /* n * 8 bytes */
    size_t n;
    bool usable;      /* hashed with the columns compared today */
} batch_hashes;

typedef struct checker {
    pv_ctx *ctx;
    pv_rec_shape sh;
    ev_list evs;
    batch_hashes *b;
    size_t nb;
    sqlite3_stmt *entry;  /* an entry's new values, projected */
    sqlite3_stmt *row;    /* a record's JSON by key (?1), read only when needed */
    sqlite3_stmt *hrow;   /* a history version's JSON by hist_id (?1) */
    void (*found)(void *arg, const pv_audit_finding *f);
    void *arg;
    pv_audit_records_report *rep;
} checker;

static int push_ev(ev_list *l, ev e)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4096;
        ev *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = e;
    return 0;
}

static int ev_cmp(const void *a, const void *b)
{
    const ev *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void report(checker *c, pv_audit_finding_kind kind, int64_t id, int64_t seq)
{
    pv_audit_finding f = {.kind = kind, .record_id = id, .seq = seq};
    snprintf(f.table, sizeof f.table, "%s", c->sh.table);
    c->rep->findings++;
    if (c->found)
        c->found(c->arg, &f);
}

static pv_status oom(pv_error *err)
{
    return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
}

/* ---- reading the trail ---- */

/* Runs `sql` with ?1 bound to the table being checked, handing each row
 * to `row` (with `arg`) until one fails. */
static pv_status each_row(checker *c, const char *sql,
                          pv_status (*row)(checker *c, sqlite3_stmt *st, void *arg, pv_error *err),
                          void *arg, pv_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        return pv_db_error(c->ctx, err);
    sqlite3_bind_text(st, 1, c->sh.table, -1, SQLITE_STATIC);
    pv_status rc = PV_OK;
    int s = SQLITE_DONE;
    while (rc == PV_OK && (s = sqlite3_step(st)) == SQLITE_ROW)
        rc = row(c, st, arg, err);
    if (rc == PV_OK && s != SQLITE_DONE)
        rc = pv_db_error(c->ctx, err);
    sqlite3_finalize(st);
    return rc;
}

/* A per-row entry: record_id, seq, action. */
static pv_status row_entry(checker *c, sqlite3_stmt *st, void *arg, pv_error *err)
{
    (void)arg;
    const char *a = (const char *)sqlite3_column_text(st, 2);
    bool del = a && strcmp(a, "delete") == 0;
    ev e = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), -1,
            del ? EV_ROW_DEL : EV_ROW, (uint8_t)(a && strcmp(a, "insert") != 0)};
    return push_ev(&c->evs, e) != 0 ? oom(err) : PV_OK;
}

static pv_status read_row_entries(checker *c, pv_error *err)
{
    return each_row(c,
                    "SELECT record_id, seq, action FROM audit WHERE tbl = ?1 AND"
                    " outcome = 'done' AND action IN ('insert', 'update', 'delete')",
                    row_entry, NULL, err);
}

/* Where the batch runs are: the batch being read and the place of its next
 * record in the batch's hash list. */
typedef struct batch_pos {
    int64_t seq;
    int32_t idx;
} batch_pos;

/* One run of a batch: seq, operation, lo, hi. */
static pv_status batch_run(checker *c, sqlite3_stmt *st, void *arg, pv_error *err)
{
    batch_pos *pos = arg;
    int64_t at = sqlite3_column_int64(st, 0);
    if (at != pos->seq) {
        pos->seq = at;
        pos->idx = 0;
    }
    const char *op = (const char *)sqlite3_column_text(st, 1);
    bool del = op && strcmp(op, "delete") == 0, ins = op && strcmp(op, "insert") == 0;
    int64_t lo = sqlite3_column_int64(st, 2), hi = sqlite3_column_int64(st, 3);
    for (int64_t id = lo; id <= hi && hi - lo < ((int64_t)1 << 32); id++) {
        ev e = {id, at, del ? -1 : pos->idx++, del ? EV_BATCH_DEL : EV_BATCH, (uint8_t)!ins};
        if (push_ev(&c->evs, e) != 0)
            return oom(err);
    }
    return PV_OK;
}

static pv_status read_batch_runs(checker *c, pv_error *err)
{
    batch_pos pos = {0, 0};
    return each_row(c,
                    "SELECT a.seq, o.key, r.value ->> 0, r.value ->> 1 FROM audit a,"
                    " json_each(a.new_values, '$.changes') t, json_each(t.value) o,"
                    " json_each(o.value) r WHERE a.action = 'import' AND"
                    " a.outcome = 'done' AND json_valid(a.new_values) AND t.key = ?1"
                    " ORDER BY a.seq, o.id, r.id",
                    batch_run, &pos, err);
}

/* One batch's hash list of this table (seq, cols, hashes, the SHA-256 its
 * entry claims), kept when the SHA-256 matches, else reported. */
static pv_status batch_digest(checker *c, sqlite3_stmt *st, void *arg, pv_error *err)
{
    size_t *cap = arg;
    int64_t seq = sqlite3_column_int64(st, 0);
    const char *cols = (const char *)sqlite3_column_text(st, 1);
    const unsigned char *h = sqlite3_column_blob(st, 2);
    size_t bytes = (size_t)sqlite3_column_bytes(st, 2);
    const char *claim = (const char *)sqlite3_column_text(st, 3);
    unsigned char d[crypto_hash_sha256_BYTES];
    char hex[65];
    crypto_hash_sha256(d, h ? h : (const unsigned char *)"", bytes);
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    if (!cols || bytes % 8 || !claim || strcmp(hex, claim) != 0) {
        report(c, PV_FIND_DIGEST, 0, seq);
        return PV_OK;
    }
    batch_hashes *v = pv_grow(c->b, c->nb, cap, sizeof *v, 64);
    if (!v)
        return oom(err);
    c->b = v;
    batch_hashes *b = &c->b[c->nb];
    *b = (batch_hashes){.seq = seq, .n = bytes / 8, .usable = strcmp(cols, c->sh.cols) == 0};
    if (!(b->h = malloc(bytes ? bytes : 1)))
        return oom(err);
    memcpy(b->h, h ? h : (const unsigned char *)"", bytes);
    c->nb++;
    return PV_OK;
}

/* The batches' hash lists of this table, each checked against the SHA-256
 * its entry carries; a batch that claims one the table lacks is reported. */
static pv_status read_digests(checker *c, pv_error *err)
{
    size_t cap = 0;
    return each_row(c,
                    "SELECT a.seq, d.cols, d.hashes, json_extract(a.new_values,"
                    " '$.digests.\"' || ?1 || '\"') FROM audit a LEFT JOIN audit_digest d"
                    " ON d.seq = a.seq AND d.tbl = ?1 WHERE a.action = 'import' AND"
                    " json_valid(a.new_values) AND json_extract(a.new_values,"
                    " '$.digests.\"' || ?1 || '\"') IS NOT NULL ORDER BY a.seq",
                    batch_digest, &cap, err);
}

static const batch_hashes *batch_of(const checker *c, int64_t seq)
{
    size_t lo = 0, hi = c->nb;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->b[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nb && c->b[lo].seq == seq ? &c->b[lo] : NULL;
}

/* ---- comparing one version ---- */

enum { SAME, DIFFERENT, UNKNOWN };

/* Whether a row or history version (`key` read by `look`, whose values
 * hash to `hash`) is the version entry `e` made: its new values (the row's
 * JSON is read only then, as few records have per-row entries after a bulk
 * import), or its batch's hash. */
static int same_as_made_by(checker *c, const ev *e, sqlite3_stmt *look, int64_t key,
                           uint64_t hash, pv_error *err, pv_status *rc)
{
    if (e->kind == EV_BATCH) {
        const batch_hashes *b = batch_of(c, e->seq);
        if (!b || !b->usable || e->idx < 0 || (size_t)e->idx >= b->n)
            return UNKNOWN;
        uint64_t want = 0;
        for (int i = 0; i < 8; i++)
            want = want << 8 | b->h[(size_t)e->idx * 8 + (size_t)i];
        return want == hash ? SAME : DIFFERENT;
    }
    if (e->kind != EV_ROW)
        return UNKNOWN;
    sqlite3_stmt *st = c->entry;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, e->seq);
    int s = sqlite3_step(st);
    if (s != SQLITE_ROW) {
        if (s != SQLITE_DONE)
            *rc = pv_db_error(c->ctx, err);
        sqlite3_reset(st);
        return UNKNOWN;
    }
    const char *want = (const char *)sqlite3_column_text(st, 0);
    sqlite3_reset(look);
    sqlite3_bind_int64(look, 1, key);
    int r = UNKNOWN;
    if (sqlite3_step(look) == SQLITE_ROW) {
        const char *have = (const char *)sqlite3_column_text(look, 0);
        r = want && have && strcmp(want, have) == 0 ? SAME : DIFFERENT;
    }
    sqlite3_reset(look);
    sqlite3_reset(st);
    return r;
}

/* ---- the table ---- */

/* The id events[i..] are about ends at *end. */
static size_t group_end(const ev_list *l, size_t i)
{
    size_t j = i;
    while (j < l->n && l->v[j].id == l->v[i].id)
        j++;
    return j;
}

static void check_gone(checker *c, size_t from, size_t to)
{
    const ev *last = &c->evs.v[to - 1];
    if (last->kind == EV_ROW || last->kind == EV_BATCH)
        report(c, PV_FIND_VANISHED, last->id, last->seq);
    (void)from;
}

static pv_status check_rows(checker *c, pv_error *err)
{
    char *q = sqlite3_mprintf("SELECT %s, %s FROM \"%w\" ORDER BY 1", c->sh.key, c->sh.list,
                              c->sh.table);
    sqlite3_stmt *st = NULL;
    if (!q)
        return oom(err);
    int prc = sqlite3_prepare_v2(c->ctx->db, q, -1, &st, NULL);
    sqlite3_free(q);
    if (prc != SQLITE_OK)
        return pv_db_error(c->ctx, err);
    pv_status rc = PV_OK;
    size_t i = 0;
    int s;
    while (rc == PV_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        uint64_t hash = pv_rec_hash(st, 1, c->sh.ncols);
        c->rep->records++;
        for (; i < c->evs.n && c->evs.v[i].id < id; i = group_end(&c->evs, i))
            check_gone(c, i, group_end(&c->evs, i));
        if (i >= c->evs.n || c->evs.v[i].id != id) {
            /* the office's own row, made by the schema before any trigger */
            if (!(strcmp(c->sh.table, "branch") == 0 && id == 1))
                report(c, PV_FIND_NO_ENTRY, id, 0);
            continue;
        }
        size_t end = group_end(&c->evs, i);
        const ev *last = &c->evs.v[end - 1];
        if (last->kind == EV_ROW_DEL || last->kind == EV_BATCH_DEL)
            report(c, PV_FIND_UNDELETED, id, last->seq);
        else {
            int r = same_as_made_by(c, last, c->row, id, hash, err, &rc);
            if (r == DIFFERENT)
                report(c, PV_FIND_CHANGED, id, last->seq);
            else if (r == UNKNOWN)
                c->rep->unchecked++;
        }
        i = end;
    }
    if (rc == PV_OK && s != SQLITE_DONE)
        rc = pv_db_error(c->ctx, err);
    for (; rc == PV_OK && i < c->evs.n; i = group_end(&c->evs, i))
        check_gone(c, i, group_end(&c->evs, i));
    sqlite3_finalize(st);
    return rc;
}

/* The k-th version of a record in its history must be what the entry
 * before its k-th update or delete made it. */
static void check_versions(checker *c, int64_t id, size_t i, size_t end, const int64_t *hist_id,
                           const uint64_t *hash, size_t n_hist, pv_error *err, pv_status *rc)
{
    size_t k = 0;
    for (size_t j = i; j < end && *rc == PV_OK; j++) {
        const ev *e = &c->evs.v[j];
        if (!e->replaces || j == i)
            continue; /* the first entry of a record replaces nothing kept */
        if (k >= n_hist) {
            report(c, PV_FIND_HISTORY_MISSING, id, e->seq);
            return;
        }
        int r = same_as_made_by(c, &c->evs.v[j - 1], c->hrow, hist_id[k], hash[k], err, rc);
        if (r == DIFFERENT)
            report(c, PV_FIND_HISTORY_CHANGED, id, e->seq);
        k++;
    }
    if (k < n_hist)
        report(c, PV_FIND_HISTORY_EXTRA, id, 0);
}

/* The versions of one record in its history, as read. */
typedef struct hist_buf {
    int64_t *hist_id;
    uint64_t *hash;
    size_t n, cap;
} hist_buf;

static int hist_push(hist_buf *h, int64_t hist_id, uint64_t hash)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 8;
        int64_t *v = realloc(h->hist_id, cap * sizeof *v);
        if (v)
            h->hist_id = v;
        uint64_t *x = v ? realloc(h->hash, cap * sizeof *x) : NULL;
        if (!x)
            return -1;
        h->hash = x;
        h->cap = cap;
    }
    h->hist_id[h->n] = hist_id;
    h->hash[h->n++] = hash;
    return 0;
}

static pv_status check_history(checker *c, pv_error *err)
{
    char *q = sqlite3_mprintf("SELECT id, hist_id, %s FROM \"%w_history\" ORDER BY id, hist_id",
                              c->sh.list, c->sh.table);
    sqlite3_stmt *st = NULL;
    if (!q)
        return oom(err);
    int prc = sqlite3_prepare_v2(c->ctx->db, q, -1, &st, NULL);
    sqlite3_free(q);
    if (prc != SQLITE_OK)
        return pv_db_error(c->ctx, err);
    pv_status rc = PV_OK;
    hist_buf h = {0};
    int64_t cur = 0;
    size_t i = 0;
    bool more = true;
    while (rc == PV_OK && more) {
        int s = sqlite3_step(st);
        more = s == SQLITE_ROW;
        if (!more && s != SQLITE_DONE)
            rc = pv_db_error(c->ctx, err);
        int64_t id = more ? sqlite3_column_int64(st, 0) : INT64_MAX;
        if (h.n && id != cur) { /* the versions of `cur` are all read */
            for (; i < c->evs.n && c->evs.v[i].id < cur; i = group_end(&c->evs, i))
                check_versions(c, c->evs.v[i].id, i, group_end(&c->evs, i), NULL, NULL, 0, err, &rc);
            size_t end = i < c->evs.n && c->evs.v[i].id == cur ? group_end(&c->evs, i) : i;
            check_versions(c, cur, i, end, h.hist_id, h.hash, h.n, err, &rc);
            i = end;
            h.n = 0;
        }
        if (!more)
            break;
        cur = id;
        c->rep->history_rows++;
        if (hist_push(&h, sqlite3_column_int64(st, 1), pv_rec_hash(st, 2, c->sh.ncols)) != 0)
            rc = oom(err);
    }
    for (; rc == PV_OK && i < c->evs.n; i = group_end(&c->evs, i))
        check_versions(c, c->evs.v[i].id, i, group_end(&c->evs, i), NULL, NULL, 0, err, &rc);
    free(h.hist_id);
    free(h.hash);
    sqlite3_finalize(st);
    return rc;
}

static pv_status check_table(pv_ctx *ctx, const char *table, checker *c, pv_error *err)
{
    pv_status rc = pv_rec_shape_from(ctx, table, NULL, &c->sh, err);
    if (rc != PV_OK || !c->sh.key[0])
        return rc; /* no key to check records by (WITHOUT ROWID without id) */
    c->rep->tables++;
    /* an entry's new values projected on the compared columns */
    char *sql = sqlite3_mprintf("SELECT %s FROM (SELECT new_values AS v FROM audit WHERE seq = ?1)",
                                c->sh.proj);
    if (!sql)
        return oom(err);
    int prc = sqlite3_prepare_v2(ctx->db, sql, -1, &c->entry, NULL);
    sqlite3_free(sql);
    if (prc != SQLITE_OK)
        return pv_db_error(ctx, err);
    sql = sqlite3_mprintf("SELECT %s FROM \"%w\" WHERE %s = ?1", c->sh.json, table, c->sh.key);
    prc = sql ? sqlite3_prepare_v2(ctx->db, sql, -1, &c->row, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    if (prc == SQLITE_OK && c->sh.history) {
        sql = sqlite3_mprintf("SELECT %s FROM \"%w_history\" WHERE hist_id = ?1", c->sh.json,
                              table);
        prc = sql ? sqlite3_prepare_v2(ctx->db, sql, -1, &c->hrow, NULL) : SQLITE_NOMEM;
        sqlite3_free(sql);
    }
    if (prc != SQLITE_OK)
        return pv_db_error(ctx, err);
    if ((rc = read_row_entries(c, err)) == PV_OK && (rc = read_batch_runs(c, err)) == PV_OK &&
        (rc = read_digests(c, err)) == PV_OK) {
        if (c->evs.n) /* qsort wants an array, even of nothing */
            qsort(c->evs.v, c->evs.n, sizeof *c->evs.v, ev_cmp);
        rc = check_rows(c, err);
        if (rc == PV_OK && c->sh.history)
            rc = check_history(c, err);
    }
    return rc;
}

static void checker_reset(checker *c)
{
    pv_rec_shape_free(&c->sh);
    free(c->evs.v);
    c->evs = (ev_list){0};
    for (size_t i = 0; i < c->nb; i++)
        free(c->b[i].h);
    free(c->b);
    c->b = NULL;
    c->nb = 0;
    sqlite3_finalize(c->entry);
    sqlite3_finalize(c->row);
    sqlite3_finalize(c->hrow);
    c->entry = c->row = c->hrow = NULL;
}

pv_status pv_audit_verify_records(pv_ctx *ctx,
                                  void (*found)(void *arg, const pv_audit_finding *f), void *arg,
                                  pv_audit_records_report *rep, pv_error *err)
{
    memset(rep, 0, sizeof *rep);
    pv_status rc = pv_authz_check(ctx, PV_ACT_AUDIT_READ, 0, err);
    if (rc != PV_OK)
        return rc;
    bool own_tx = sqlite3_get_autocommit(ctx->db);
    if (own_tx && (rc = pv_exec(ctx, "BEGIN", err)) != PV_OK)
        return rc;
    /* the audited tables, by the schema (not by their triggers, which
     * whoever changed the records behind the program may have dropped) */
    char *virt[32];
    size_t n_virt = 0;
    sqlite3_stmt *t = NULL;
    if (rc == PV_OK &&
        sqlite3_prepare_v2(ctx->db, "SELECT name FROM sqlite_master WHERE type = 'table' AND"
                                    " sql LIKE 'CREATE VIRTUAL%'", -1, &t, NULL) == SQLITE_OK)
        while (n_virt < 32 && sqlite3_step(t) == SQLITE_ROW)
            if ((virt[n_virt] = strdup((const char *)sqlite3_column_text(t, 0))))
                n_virt++;
    sqlite3_finalize(t);
    t = NULL;
    if (rc == PV_OK && sqlite3_prepare_v2(ctx->db,
                                          "SELECT name, coalesce(sql, '') FROM sqlite_master"
                                          " WHERE type = 'table' ORDER BY name",
                                          -1, &t, NULL) != SQLITE_OK)
        rc = pv_db_error(ctx, err);
    checker c = {.ctx = ctx, .found = found, .arg = arg, .rep = rep};
    while (rc == PV_OK && t && sqlite3_step(t) == SQLITE_ROW) {
        char table[48];
        snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(t, 0));
        if (pv_audit_table_skipped(table, (const char *)sqlite3_column_text(t, 1), virt, n_virt))
            continue;
        rc = check_table(ctx, table, &c, err);
        checker_reset(&c);
    }
    sqlite3_finalize(t);
    for (size_t i = 0; i < n_virt; i++)
        free(virt[i]);
    if (own_tx)
        pv_exec(ctx, "COMMIT", NULL);
    return rc;
}

void pv_audit_finding_text(const pv_audit_finding *f, char *buf, size_t size)
{
    long long id = (long long)f->record_id, seq = (long long)f->seq;
    switch (f->kind) {
    case PV_FIND_CHANGED:
        snprintf(buf, size, _("%s %lld: its values differ from what audit entry %lld says."),
                 f->table, id, seq);
        break;
    case PV_FIND_NO_ENTRY:
        snprintf(buf, size, _("%s %lld: no audit entry records it."), f->table, id);
        break;
    case PV_FIND_VANISHED:
        snprintf(buf, size, _("%s %lld: removed without an audit entry (last entry %lld)."),
                 f->table, id, seq);
        break;
    case PV_FIND_UNDELETED:
        snprintf(buf, size, _("%s %lld: present although audit entry %lld deleted it."),
                 f->table, id, seq);
        break;
    case PV_FIND_HISTORY_CHANGED:
        snprintf(buf, size,
                 _("%s %lld: a version in its history differs from the audit trail (entry %lld)."),
                 f->table, id, seq);
        break;
    case PV_FIND_HISTORY_MISSING:
        snprintf(buf, size, _("%s %lld: a version replaced by audit entry %lld is missing from "
                              "its history."), f->table, id, seq);
        break;
    case PV_FIND_HISTORY_EXTRA:
        snprintf(buf, size, _("%s %lld: its history holds a version no audit entry replaced."),
                 f->table, id);
        break;
    case PV_FIND_DIGEST:
        snprintf(buf, size, _("%s: the record hashes of import entry %lld are missing or altered."),
                 f->table, seq);
        break;
    }
}
