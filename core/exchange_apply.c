/* parvande — applying another office's changeset, field by field.
 *
 * sqlite3changeset_apply_v2 applies every change whose old values still
 * match; a change that meets something else calls the conflict handler
 * below, which never overwrites: it notes what to do (take a field changed
 * only there, queue a field changed on both sides) and omits the change.
 * The notes are carried out after the apply, in the same transaction,
 * because the handler must not write to the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange_internal.h"

/* Column names of the exchanged tables, read before the apply. */
typedef struct xcols {
    const pv_xtable *xt;
    int ncol;
    char **names;
} xcols;

/* Tables with more columns are not exchanged (load_cols leaves them out). */
#define PV_XMAXCOL 64

typedef enum { ACT_MERGE, ACT_CONFLICT } act_kind;

typedef struct pending {
    act_kind act;
    pv_conflict_kind kind;
    const xcols *tab;
    sqlite3_value **pk; /* one per column, NULL where not a key column */
    int col;            /* -1: the whole row */
    sqlite3_value *local, *remote;
    char *remote_row;   /* whole-row conflicts: the other side's values, JSON */
    char remote_by[64], remote_at[32];
} pending;

typedef struct apply_state {
    xcols *tabs;
    size_t ntabs;
    unsigned dir;
    pending *p;
    size_t n, cap;
    bool oom;
} apply_state;

long pv_changeset_count(const void *cs, int n)
{
    sqlite3_changeset_iter *it;
    long count = 0;
    if (sqlite3changeset_start(&it, n, (void *)cs) != SQLITE_OK)
        return 0;
    while (sqlite3changeset_next(it) == SQLITE_ROW) {
        const char *table = NULL;
        int ncol = 0, op = 0;
        /* the trail's entries that travel with the changes are not changes */
        if (sqlite3changeset_op(it, &table, &ncol, &op, NULL) == SQLITE_OK && table &&
            strcmp(table, "audit_remote") == 0)
            continue;
        count++;
    }
    sqlite3changeset_finalize(it);
    return count;
}

static void free_cols(xcols *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (int j = 0; j < abs(t[i].ncol); j++)
            free(t[i].names[j]);
        free(t[i].names);
    }
    free(t);
}

static pv_status load_cols(pv_ctx *ctx, xcols **out, size_t *n, pv_error *err)
{
    size_t count = 0;
    while (pv_exchange_tables[count].name)
        count++;
    xcols *t = calloc(count, sizeof *t);
    if (!t)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", &st, err);
    for (size_t i = 0; rc == PV_OK && i < count; i++) {
        t[i].xt = &pv_exchange_tables[i];
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, t[i].xt->name, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            char **m = realloc(t[i].names, (size_t)(t[i].ncol + 1) * sizeof *m);
            if (!m || !(m[t[i].ncol] = strdup((const char *)sqlite3_column_text(st, 0)))) {
                if (m)
                    t[i].names = m;
                rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
                break;
            }
            t[i].names = m;
            t[i].ncol++;
        }
    }
    sqlite3_reset(st);
    for (size_t i = 0; i < count; i++)
        if (t[i].ncol > PV_XMAXCOL)
            t[i].ncol = -t[i].ncol; /* never matches a changeset's count */
    if (rc != PV_OK) {
        free_cols(t, count);
        return rc;
    }
    *out = t;
    *n = count;
    return PV_OK;
}

static const xcols *find_cols(const apply_state *s, const char *table)
{
    for (size_t i = 0; i < s->ntabs; i++)
        if (strcmp(s->tabs[i].xt->name, table) == 0)
            return &s->tabs[i];
    return NULL;
}

static int col_index(const xcols *t, const char *name)
{
    for (int j = 0; j < t->ncol; j++)
        if (strcmp(t->names[j], name) == 0)
            return j;
    return -1;
}

static bool values_equal(sqlite3_value *a, sqlite3_value *b)
{
    int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
    if (ta != tb)
        return false;
    switch (ta) {
    case SQLITE_NULL:
        return true;
    case SQLITE_INTEGER:
        return sqlite3_value_int64(a) == sqlite3_value_int64(b);
    case SQLITE_FLOAT:
        return sqlite3_value_double(a) == sqlite3_value_double(b);
    default: {
        int na = sqlite3_value_bytes(a), nb = sqlite3_value_bytes(b);
        const void *pa = ta == SQLITE_TEXT ? (const void *)sqlite3_value_text(a)
                                           : sqlite3_value_blob(a);
        const void *pb = ta == SQLITE_TEXT ? (const void *)sqlite3_value_text(b)
                                           : sqlite3_value_blob(b);
        return na == nb && (na == 0 || memcmp(pa, pb, (size_t)na) == 0);
    }
    }
}

/* A value of the change: the new one where there is one, else the old. */
static sqlite3_value *change_value(sqlite3_changeset_iter *it, int op, int j)
{
    sqlite3_value *v = NULL;
    if (op != SQLITE_DELETE)
        sqlite3changeset_new(it, j, &v);
    if (!v && op != SQLITE_INSERT)
        sqlite3changeset_old(it, j, &v);
    return v;
}

static void copy_text(sqlite3_value *v, char *out, size_t size)
{
    const unsigned char *t = v ? sqlite3_value_text(v) : NULL;
    snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* Who changed the row there and when, from its bookkeeping columns. */
static void remote_who(const xcols *t, sqlite3_changeset_iter *it, int op, pending *p)
{
    static const char *const by[] = {"updated_by", "set_by", "ticked_by", "created_by", NULL};
    static const char *const at[] = {"updated_at", "set_on", "ticked_on", "created_at", NULL};
    for (int k = 0; by[k]; k++) {
        int jb = col_index(t, by[k]), ja = col_index(t, at[k]);
        if (jb < 0 && ja < 0)
            continue;
        if (jb >= 0)
            copy_text(change_value(it, op, jb), p->remote_by, sizeof p->remote_by);
        if (ja >= 0)
            copy_text(change_value(it, op, ja), p->remote_at, sizeof p->remote_at);
        return;
    }
}

/* The change's values as a JSON object (what the other side has). */
static void json_value(sqlite3_str *q, sqlite3_value *v)
{
    switch (v ? sqlite3_value_type(v) : SQLITE_NULL) {
    case SQLITE_NULL:
        sqlite3_str_appendall(q, "null");
        return;
    case SQLITE_INTEGER:
        sqlite3_str_appendf(q, "%lld", (long long)sqlite3_value_int64(v));
        return;
    case SQLITE_FLOAT:
        sqlite3_str_appendf(q, "%!.17g", sqlite3_value_double(v));
        return;
    case SQLITE_BLOB: {
        const unsigned char *b = sqlite3_value_blob(v);
        sqlite3_str_appendchar(q, 1, '"');
        for (int i = 0; i < sqlite3_value_bytes(v); i++)
            sqlite3_str_appendf(q, "%02x", b[i]);
        sqlite3_str_appendchar(q, 1, '"');
        return;
    }
    default: {
        const unsigned char *t = sqlite3_value_text(v);
        sqlite3_str_appendchar(q, 1, '"');
        for (; t && *t; t++) {
            if (*t == '"' || *t == '\\')
                sqlite3_str_appendf(q, "\\%c", *t);
            else if (*t < 0x20)
                sqlite3_str_appendf(q, "\\u%04x", *t);
            else
                sqlite3_str_appendchar(q, 1, (char)*t);
        }
        sqlite3_str_appendchar(q, 1, '"');
    }
    }
}

static char *row_json(const xcols *t, sqlite3_changeset_iter *it, int op)
{
    sqlite3_str *q = sqlite3_str_new(NULL);
    sqlite3_str_appendchar(q, 1, '{');
    int k = 0;
    for (int j = 0; j < t->ncol; j++) {
        sqlite3_value *v = change_value(it, op, j);
        if (!v)
            continue;
        sqlite3_str_appendf(q, "%s\"%s\":", k++ ? "," : "", t->names[j]);
        json_value(q, v);
    }
    sqlite3_str_appendchar(q, 1, '}');
    return sqlite3_str_finish(q);
}

static pending *add_pending(apply_state *s, act_kind act, pv_conflict_kind kind, const xcols *t,
                            sqlite3_changeset_iter *it, int op, int col)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        pending *m = realloc(s->p, cap * sizeof *m);
        if (!m) {
            s->oom = true;
            return NULL;
        }
        s->p = m;
        s->cap = cap;
    }
    pending *p = &s->p[s->n];
    memset(p, 0, sizeof *p);
    p->pk = calloc((size_t)t->ncol, sizeof *p->pk);
    if (!p->pk) {
        s->oom = true;
        return NULL;
    }
    unsigned char *is_pk;
    int n;
    sqlite3changeset_pk(it, &is_pk, &n);
    for (int j = 0; j < n && j < t->ncol; j++) {
        sqlite3_value *v = NULL;
        if (!is_pk[j])
            continue;
        if (op == SQLITE_INSERT)
            sqlite3changeset_new(it, j, &v);
        else
            sqlite3changeset_old(it, j, &v);
        if (v && !(p->pk[j] = sqlite3_value_dup(v)))
            s->oom = true;
    }
    if (col < 0)
        p->remote_row = row_json(t, it, op);
    p->act = act;
    p->kind = kind;
    p->tab = t;
    p->col = col;
    remote_who(t, it, op, p);
    s->n++;
    return p;
}

/* An update that met other values here: field by field. */
static void update_fields(apply_state *s, const xcols *t, sqlite3_changeset_iter *it)
{
    unsigned char *is_pk;
    int n;
    sqlite3changeset_pk(it, &is_pk, &n);
    for (int j = 0; j < n && j < t->ncol; j++) {
        sqlite3_value *nv = NULL, *ov = NULL, *cv = NULL;
        sqlite3changeset_new(it, j, &nv);
        if (!nv || is_pk[j] || pv_xtable_local_col(t->xt, t->names[j]))
            continue;
        sqlite3changeset_old(it, j, &ov);
        sqlite3changeset_conflict(it, j, &cv);
        if (!cv || values_equal(cv, nv))
            continue; /* already so here */
        bool here_unchanged = ov && values_equal(cv, ov);
        /* who-and-when and derived columns follow the fields they stand for */
        if (pv_xtable_derived_col(t->xt, t->names[j]) ||
            (!here_unchanged && pv_xcol_bookkeeping(t->names[j])))
            continue;
        pending *p = add_pending(s, here_unchanged ? ACT_MERGE : ACT_CONFLICT, PV_CONFLICT_FIELD,
                                 t, it, SQLITE_UPDATE, j);
        if (!p)
            return;
        p->remote = sqlite3_value_dup(nv);
        if (!here_unchanged)
            p->local = sqlite3_value_dup(cv);
    }
}

/* An insert whose key is taken here: the same row again (a section
 * applied twice by another way) or a different one. */
static void insert_clash(apply_state *s, const xcols *t, sqlite3_changeset_iter *it)
{
    for (int j = 0; j < t->ncol; j++) {
        sqlite3_value *nv = NULL, *cv = NULL;
        sqlite3changeset_new(it, j, &nv);
        sqlite3changeset_conflict(it, j, &cv);
        if (nv && cv && !values_equal(nv, cv) && !pv_xtable_local_col(t->xt, t->names[j]) &&
            !pv_xcol_bookkeeping(t->names[j]) &&
            !pv_xtable_derived_col(t->xt, t->names[j])) {
            add_pending(s, ACT_CONFLICT, PV_CONFLICT_DUPLICATE, t, it, SQLITE_INSERT, -1);
            return;
        }
    }
}

static int on_conflict(void *arg, int why, sqlite3_changeset_iter *it)
{
    apply_state *s = arg;
    const char *table;
    int ncol, op;
    sqlite3changeset_op(it, &table, &ncol, &op, NULL);
    const xcols *t = find_cols(s, table);
    if (!t || t->ncol != ncol)
        return SQLITE_CHANGESET_OMIT;
    if (why == SQLITE_CHANGESET_DATA && op == SQLITE_UPDATE)
        update_fields(s, t, it);
    else if (why == SQLITE_CHANGESET_DATA && op == SQLITE_DELETE)
        add_pending(s, ACT_CONFLICT, PV_CONFLICT_DELETE_EDIT, t, it, op, -1);
    else if (why == SQLITE_CHANGESET_NOTFOUND && op == SQLITE_UPDATE)
        add_pending(s, ACT_CONFLICT, PV_CONFLICT_EDIT_DELETE, t, it, op, -1);
    else if (why == SQLITE_CHANGESET_CONFLICT && op == SQLITE_INSERT)
        insert_clash(s, t, it);
    else if (why == SQLITE_CHANGESET_CONSTRAINT && op != SQLITE_DELETE)
        add_pending(s, ACT_CONFLICT, PV_CONFLICT_DUPLICATE, t, it, op, -1);
    /* NOTFOUND for a delete: already gone. FOREIGN_KEY: OMIT keeps the rest. */
    if (why == SQLITE_CHANGESET_CONSTRAINT || why == SQLITE_CHANGESET_DATA ||
        why == SQLITE_CHANGESET_NOTFOUND || why == SQLITE_CHANGESET_CONFLICT ||
        why == SQLITE_CHANGESET_FOREIGN_KEY)
        return SQLITE_CHANGESET_OMIT;
    return SQLITE_CHANGESET_ABORT;
}

/* From a child, only what goes up; from the parent, any exchanged table
 * (the files of a family that moved to this branch come down). */
static int table_filter(void *arg, const char *table)
{
    const apply_state *s = arg;
    const pv_xtable *xt = pv_xtable_find(table);
    return xt && (s->dir == PV_XDOWN || (xt->dir & s->dir)) && find_cols(s, table) &&
           find_cols(s, table)->ncol > 0;
}

static void pending_keys(const pending *p, bool keys[PV_XMAXCOL])
{
    for (int j = 0; j < PV_XMAXCOL; j++)
        keys[j] = j < p->tab->ncol && p->pk[j] != NULL;
}

/* "WHERE k1 = json_extract(?N,'$[0]') AND ..." for the key columns. */
static void where_key(sqlite3_str *q, const xcols *t, const bool *is_key, int param)
{
    int k = 0;
    for (int j = 0; j < t->ncol; j++)
        if (is_key[j]) {
            sqlite3_str_appendf(q, "%s\"%w\" = json_extract(?%d, '$[%d]')", k ? " AND " : " WHERE ",
                                t->names[j], param, k);
            k++;
        }
}

static char *key_json(pv_ctx *ctx, const xcols *t, sqlite3_value **pk)
{
    sqlite3_str *q = sqlite3_str_new(ctx->db);
    sqlite3_str_appendall(q, "SELECT json_array(");
    int k = 0;
    for (int j = 0; j < t->ncol; j++)
        if (pk[j]) {
            sqlite3_str_appendf(q, "%s?%d", k ? "," : "", k + 1);
            k++;
        }
    sqlite3_str_appendall(q, ")");
    char *sql = sqlite3_str_finish(q);
    char *out = NULL;
    sqlite3_stmt *st = NULL;
    if (sql && sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) == SQLITE_OK) {
        k = 0;
        for (int j = 0; j < t->ncol; j++)
            if (pk[j])
                sqlite3_bind_value(st, ++k, pk[j]);
        if (sqlite3_step(st) == SQLITE_ROW)
            out = strdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return out;
}

/* The merges p[0..n-1], all of one row, in ONE update: each statement on
 * a row puts a version into its history, and the audit trail vouches
 * for a version only where an update changed a compared column. A row
 * where only who-and-when columns would change is left as it is. */
static pv_status run_merges(pv_ctx *ctx, const pending *p, size_t n, const char *key,
                            pv_error *err)
{
    bool real = false;
    for (size_t i = 0; i < n; i++)
        real = real || !pv_xcol_bookkeeping(p[i].tab->names[p[i].col]);
    if (!real)
        return PV_OK;
    sqlite3_str *q = sqlite3_str_new(ctx->db);
    sqlite3_str_appendf(q, "UPDATE \"%w\" SET ", p->tab->xt->name);
    for (size_t i = 0; i < n; i++) {
        const char *col = p[i].tab->names[p[i].col];
        sqlite3_str_appendf(q, "%s\"%w\" = ?%d", i ? ", " : "", col, (int)i + 1);
        pv_xtable_derived_sets(ctx, p->tab->xt, col, (int)i + 1, q);
    }
    bool keys[PV_XMAXCOL];
    pending_keys(p, keys);
    where_key(q, p->tab, keys, (int)n + 1);
    char *sql = sqlite3_str_finish(q);
    sqlite3_stmt *st = NULL;
    int rc = sql ? sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
    if (rc == SQLITE_OK) {
        for (size_t i = 0; i < n; i++)
            sqlite3_bind_value(st, (int)i + 1, p[i].remote);
        sqlite3_bind_text(st, (int)n + 1, key, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* How many merges from p[0] on are of the same row (its key `key`). */
static size_t same_row_merges(pv_ctx *ctx, const pending *p, size_t left, const char *key)
{
    size_t n = 1;
    while (n < left && p[n].act == ACT_MERGE && p[n].tab == p->tab) {
        char *k = key_json(ctx, p[n].tab, p[n].pk);
        bool same = k && strcmp(k, key) == 0;
        free(k);
        if (!same)
            break;
        n++;
    }
    return n;
}

/* Who last changed the row here, and when. */
static void local_who(pv_ctx *ctx, const pending *p, const char *key, char by[64], char at[32])
{
    by[0] = at[0] = '\0';
    static const char *const bys[] = {"updated_by", "set_by", "ticked_by", "created_by", NULL};
    static const char *const ats[] = {"updated_at", "set_on", "ticked_on", "created_at", NULL};
    for (int k = 0; bys[k]; k++) {
        if (col_index(p->tab, bys[k]) < 0 || col_index(p->tab, ats[k]) < 0)
            continue;
        sqlite3_str *q = sqlite3_str_new(ctx->db);
        sqlite3_str_appendf(q, "SELECT \"%w\", \"%w\" FROM \"%w\"", bys[k], ats[k],
                            p->tab->xt->name);
        bool keys[PV_XMAXCOL];
        pending_keys(p, keys);
        where_key(q, p->tab, keys, 1);
        char *sql = sqlite3_str_finish(q);
        sqlite3_stmt *st = NULL;
        if (sql && sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW) {
                snprintf(by, 64, "%s", (const char *)sqlite3_column_text(st, 0));
                snprintf(at, 32, "%s", (const char *)sqlite3_column_text(st, 1));
            }
        }
        sqlite3_finalize(st);
        sqlite3_free(sql);
        return;
    }
}

static void bind_remote(sqlite3_stmt *st, int i, const pending *p)
{
    if (p->remote)
        sqlite3_bind_value(st, i, p->remote);
    else if (p->remote_row)
        sqlite3_bind_text(st, i, p->remote_row, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static pv_status queue_conflict(pv_ctx *ctx, int64_t peer, const pending *p, const char *key,
                                long *conflicts, pv_error *err)
{
    const char *col = p->col >= 0 ? p->tab->names[p->col] : "";
    char lby[64], lat[32];
    local_who(ctx, p, key, lby, lat);
    sqlite3_stmt *st;
    /* Still open from an earlier package: the other side's newer value. */
    pv_status rc = pv_stmt(ctx, "UPDATE exchange_conflict SET remote_value = ?4, remote_by = ?5,"
                                " remote_at = ?6 WHERE status = 'open' AND tbl = ?1 AND pk = ?2"
                                " AND col = ?3 AND kind = ?7", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_text(st, 1, p->tab->xt->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, col, -1, SQLITE_STATIC);
    bind_remote(st, 4, p);
    sqlite3_bind_text(st, 5, p->remote_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, p->remote_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, pv_conflict_kind_code(p->kind), -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if (sqlite3_changes(ctx->db) > 0)
        return PV_OK;
    if ((rc = pv_stmt(ctx, "INSERT INTO exchange_conflict (kind, peer, tbl, pk, col, local_value,"
                           " remote_value, local_by, local_at, remote_by, remote_at)"
                           " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)", &st, err)) != PV_OK)
        return rc;
    sqlite3_bind_text(st, 1, pv_conflict_kind_code(p->kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, peer);
    sqlite3_bind_text(st, 3, p->tab->xt->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, col, -1, SQLITE_STATIC);
    p->local ? sqlite3_bind_value(st, 6, p->local) : sqlite3_bind_null(st, 6);
    bind_remote(st, 7, p);
    sqlite3_bind_text(st, 8, lby, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, lat, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, p->remote_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, p->remote_at, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    (*conflicts)++;
    return PV_OK;
}

static void free_pending(apply_state *s)
{
    for (size_t i = 0; i < s->n; i++) {
        pending *p = &s->p[i];
        for (int j = 0; p->pk && j < p->tab->ncol; j++)
            sqlite3_value_free(p->pk[j]);
        free(p->pk);
        sqlite3_value_free(p->local);
        sqlite3_value_free(p->remote);
        sqlite3_free(p->remote_row);
    }
    free(s->p);
}

/* A supervisor's decision made at the other office, applied here too. */
static pv_status apply_decision(pv_ctx *ctx, const apply_state *s, sqlite3_changeset_iter *it,
                                const xcols *dt, pv_error *err)
{
    int jt = col_index(dt, "tbl"), jk = col_index(dt, "pk"), jc = col_index(dt, "col"),
        jv = col_index(dt, "value"), jb = col_index(dt, "decided_by"),
        jo = col_index(dt, "office");
    if (jt < 0 || jk < 0 || jc < 0 || jv < 0 || jb < 0 || jo < 0)
        return PV_OK;
    sqlite3_value *vt, *vk, *vc, *vv, *vb, *vo;
    sqlite3changeset_new(it, jt, &vt);
    sqlite3changeset_new(it, jk, &vk);
    sqlite3changeset_new(it, jc, &vc);
    sqlite3changeset_new(it, jv, &vv);
    sqlite3changeset_new(it, jb, &vb);
    sqlite3changeset_new(it, jo, &vo);
    const char *table = (const char *)sqlite3_value_text(vt);
    const char *col = (const char *)sqlite3_value_text(vc);
    const xcols *t = table ? find_cols(s, table) : NULL;
    /* a child's decisions reach only what children send up */
    if (!t || !col || t->xt->dir == PV_XBOTH || (s->dir != PV_XDOWN && !(t->xt->dir & PV_XUP)))
        return PV_OK;
    int rc = SQLITE_DONE;
    if (*col && col_index(t, col) >= 0) {
        sqlite3_str *q = sqlite3_str_new(ctx->db);
        sqlite3_str_appendf(q, "UPDATE \"%w\" SET \"%w\" = ?1", table, col);
        pv_xtable_derived_sets(ctx, t->xt, col, 1, q);
        bool is_pk[PV_XMAXCOL] = {0};
        sqlite3_stmt *pi = NULL;
        char *pks = sqlite3_mprintf("SELECT pk FROM pragma_table_info(%Q) ORDER BY cid", table);
        if (pks && sqlite3_prepare_v2(ctx->db, pks, -1, &pi, NULL) == SQLITE_OK)
            for (int j = 0; j < PV_XMAXCOL && sqlite3_step(pi) == SQLITE_ROW; j++)
                is_pk[j] = sqlite3_column_int(pi, 0) != 0;
        sqlite3_finalize(pi);
        sqlite3_free(pks);
        where_key(q, t, is_pk, 2);
        /* a row that already holds the value is left alone: an update
         * that changes nothing would still put a version in its history */
        sqlite3_str_appendf(q, " AND \"%w\" IS NOT ?1", col);
        char *sql = sqlite3_str_finish(q);
        sqlite3_stmt *st = NULL;
        rc = sql ? sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) : SQLITE_NOMEM;
        sqlite3_free(sql);
        if (rc == SQLITE_OK) {
            sqlite3_bind_value(st, 1, vv);
            sqlite3_bind_value(st, 2, vk);
            rc = sqlite3_step(st);
        }
        sqlite3_finalize(st);
    }
    if (rc != SQLITE_DONE)
        return pv_db_error(ctx, err);
    sqlite3_stmt *st;
    pv_status r = pv_stmt(ctx, "UPDATE exchange_conflict SET status = 'resolved', resolution = ?4,"
                               " resolved_by = ?5 || ' (' || ?6 || ')',"
                               " resolved_at = " PV_NOW
                               " WHERE status = 'open' AND tbl = ?1 AND pk = ?2 AND col = ?3",
                          &st, err);
    if (r != PV_OK)
        return r;
    sqlite3_bind_value(st, 1, vt);
    sqlite3_bind_value(st, 2, vk);
    sqlite3_bind_value(st, 3, vc);
    sqlite3_bind_value(st, 4, vv);
    sqlite3_bind_value(st, 5, vb);
    sqlite3_bind_value(st, 6, vo);
    int s2 = sqlite3_step(st);
    sqlite3_reset(st);
    return s2 == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status apply_decisions(pv_ctx *ctx, const apply_state *s, const void *cs, int n,
                                 pv_error *err)
{
    const xcols *dt = find_cols(s, "exchange_decision");
    sqlite3_changeset_iter *it;
    if (!dt || sqlite3changeset_start(&it, n, (void *)cs) != SQLITE_OK)
        return PV_OK;
    pv_status rc = PV_OK;
    while (rc == PV_OK && sqlite3changeset_next(it) == SQLITE_ROW) {
        const char *table;
        int ncol, op;
        sqlite3changeset_op(it, &table, &ncol, &op, NULL);
        if (op == SQLITE_INSERT && strcmp(table, "exchange_decision") == 0 && ncol == dt->ncol)
            rc = apply_decision(ctx, s, it, dt, err);
    }
    sqlite3changeset_finalize(it);
    return rc;
}

pv_status pv_exchange_apply(pv_ctx *ctx, int64_t peer, unsigned dir, const void *cs, int n,
                            long *changes, long *merged, long *conflicts, pv_error *err)
{
    apply_state s = {.dir = dir};
    pv_status rc = load_cols(ctx, &s.tabs, &s.ntabs, err);
    if (rc != PV_OK)
        return rc;
    *changes += pv_changeset_count(cs, n);
    /* No savepoint of its own: the caller's transaction is rolled back
     * whole on any failure, and a savepoint held open over the whole
     * apply makes every statement's journal grow with everything written
     * before it (10,000 updates: 25 s of CPU instead of about 1). */
    int r = sqlite3changeset_apply_v2(ctx->db, n, (void *)cs, table_filter, on_conflict, &s,
                                      NULL, NULL, SQLITE_CHANGESETAPPLY_NOSAVEPOINT);
    if (r != SQLITE_OK || s.oom)
        rc = s.oom ? pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"))
                   : pv_db_error(ctx, err);
    for (size_t i = 0; rc == PV_OK && i < s.n;) {
        const pending *p = &s.p[i];
        char *key = key_json(ctx, p->tab, p->pk);
        size_t step = 1;
        if (!key)
            rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        else if (p->act == ACT_MERGE) {
            step = same_row_merges(ctx, p, s.n - i, key);
            rc = run_merges(ctx, p, step, key, err);
            for (size_t k = 0; rc == PV_OK && k < step; k++)
                (*merged) += !pv_xcol_bookkeeping(p[k].tab->names[p[k].col]);
        } else
            rc = queue_conflict(ctx, peer, p, key, conflicts, err);
        free(key);
        i += step;
    }
    if (rc == PV_OK)
        rc = apply_decisions(ctx, &s, cs, n, err);
    if (rc == PV_OK && dir == PV_XDOWN) /* only the parent moves files */
        rc = pv_exchange_apply_transfers(ctx, cs, n, err);
    free_pending(&s);
    free_cols(s.tabs, s.ntabs);
    return rc;
}

pv_status pv_exchange_check_credits(pv_ctx *ctx, int64_t peer, long *conflicts, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(
        ctx,
        "INSERT INTO exchange_conflict (kind, peer, tbl, pk, col, local_value, remote_value,"
        " local_by, local_at, remote_by)"
        " SELECT 'overspent', ?1, 'credit', json_array(c.code, c.province_key, c.year), 'amount',"
        "   c.amount, s.spent, c.updated_by, c.updated_at, ''"
        " FROM credit c JOIN (SELECT code, province_key, jyear, SUM(amount) AS spent"
        "   FROM enrollment WHERE charged_credit = 1 GROUP BY code, province_key, jyear) s"
        "   ON s.code = c.code AND s.province_key = c.province_key AND s.jyear = c.year"
        " WHERE s.spent > c.amount AND NOT EXISTS (SELECT 1 FROM exchange_conflict x"
        "   WHERE x.status = 'open' AND x.kind = 'overspent' AND x.tbl = 'credit'"
        "   AND x.pk = json_array(c.code, c.province_key, c.year))",
        &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    *conflicts += sqlite3_changes(ctx->db);
    return PV_OK;
}
