/* parvande — reading the loaded catalog: services, steps, documents,
 * criteria, and a service compiled for checking. */
#include <stdlib.h>
#include <string.h>

#include "svc_internal.h"

#define SERVICE_COLS                                                                  \
    "code, local_code, title_fa, title_en, provider_fa, provider_en, approval, "      \
    "frequency, freq_count, per_capita, group_cap, group_fact, edited, "              \
    "(SELECT count(*) FROM service_criterion c WHERE c.code = s.code), "              \
    "(SELECT count(*) FROM service_step t WHERE t.code = s.code), "                   \
    "(SELECT count(*) FROM service_document d WHERE d.code = s.code)"

static const char *col(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static void read_info(pv_ctx *ctx, sqlite3_stmt *st, pv_service_info *o)
{
    pv_lang lang = pv_ctx_lang(ctx);
    memset(o, 0, sizeof *o);
    svc_copy(o->code, sizeof o->code, col(st, 0));
    o->local_code = sqlite3_column_int(st, 1);
    svc_copy(o->title_fa, sizeof o->title_fa, col(st, 2));
    svc_copy(o->title_en, sizeof o->title_en, col(st, 3));
    svc_copy(o->title, sizeof o->title, svc_pick(lang, o->title_fa, o->title_en));
    svc_copy(o->provider, sizeof o->provider, svc_pick(lang, col(st, 4), col(st, 5)));
    o->approval = sqlite3_column_int(st, 6);
    const char *f = col(st, 7);
    o->frequency = strcmp(f, "once") == 0     ? PV_FREQ_ONCE
                   : strcmp(f, "month") == 0  ? PV_FREQ_MONTH
                   : strcmp(f, "season") == 0 ? PV_FREQ_SEASON
                   : strcmp(f, "year") == 0   ? PV_FREQ_YEAR
                                              : PV_FREQ_NONE;
    o->freq_count = sqlite3_column_int(st, 8);
    o->per_capita = sqlite3_column_int64(st, 9);
    o->group_cap = sqlite3_column_int64(st, 10);
    svc_copy(o->group_fact, sizeof o->group_fact, col(st, 11));
    o->edited = sqlite3_column_int(st, 12);
    o->n_criteria = (size_t)sqlite3_column_int(st, 13);
    o->n_steps = (size_t)sqlite3_column_int(st, 14);
    o->n_documents = (size_t)sqlite3_column_int(st, 15);
}

pv_status pv_service_list(pv_ctx *ctx, pv_service_info **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT " SERVICE_COLS " FROM service s ORDER BY code", &st, err) != PV_OK)
        return PV_EFAIL;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pv_service_info *grown = pv_grow(*out, *n, &cap, sizeof *grown, 8);
        if (!grown) {
            sqlite3_reset(st);
            free(*out);
            *out = NULL;
            *n = 0;
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        }
        *out = grown;
        read_info(ctx, st, &(*out)[(*n)++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return pv_db_error(ctx, err);
    }
    return PV_OK;
}

pv_status svc_info_load(pv_ctx *ctx, const char *code, pv_service_info *out, pv_error *err)
{
    char c[PV_CODE_SZ];
    if (!svc_code_norm(code, c))
        return pv_error_field(err, "service", _("not a service code"));
    sqlite3_stmt *st;
    bool found;
    if (pv_query(ctx, "SELECT " SERVICE_COLS " FROM service s WHERE code = ?1", &st, err, "t",
                 c) != PV_OK ||
        pv_step(ctx, st, &found, err) != PV_OK)
        return PV_EFAIL;
    if (!found)
        return pv_error_set(err, PV_ENOTFOUND, "service", _("%s: no such service in the catalog"),
                            c);
    read_info(ctx, st, out);
    sqlite3_reset(st);
    return PV_OK;
}

pv_status pv_service_get(pv_ctx *ctx, const char *code, pv_service_info *out, pv_error *err)
{
    return svc_info_load(ctx, code, out, err);
}

/* Runs a per-service query and hands each row to `fill` into a growing array. */
static pv_status rows_of(pv_ctx *ctx, const char *sql, const char *code, size_t elem,
                         void (*fill)(pv_ctx *, sqlite3_stmt *, void *, size_t), void **out,
                         size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    pv_service_info info;
    if (svc_info_load(ctx, code, &info, err) != PV_OK)
        return err ? err->status : PV_ENOTFOUND;
    sqlite3_stmt *st;
    if (pv_stmt(ctx, sql, &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, info.code, -1, SQLITE_TRANSIENT);
    size_t cap = 0;
    int rc;
    char *arr = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char *grown = pv_grow(arr, *n, &cap, elem, 8);
        if (!grown) {
            rc = SQLITE_NOMEM;
            break;
        }
        arr = grown;
        memset(arr + *n * elem, 0, elem);
        fill(ctx, st, arr + *n * elem, *n);
        (*n)++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(arr);
        *n = 0;
        return rc == SQLITE_NOMEM ? pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"))
                                  : pv_db_error(ctx, err);
    }
    *out = arr;
    return PV_OK;
}

static void fill_step(pv_ctx *ctx, sqlite3_stmt *st, void *p, size_t i)
{
    pv_step_info *s = p;
    s->number = (int)i + 1;
    svc_copy(s->title, sizeof s->title, svc_pick(pv_ctx_lang(ctx), col(st, 0), col(st, 1)));
}

static void fill_doc(pv_ctx *ctx, sqlite3_stmt *st, void *p, size_t i)
{
    (void)i;
    pv_document_info *d = p;
    svc_copy(d->key, sizeof d->key, col(st, 0));
    svc_copy(d->label, sizeof d->label, svc_pick(pv_ctx_lang(ctx), col(st, 1), col(st, 2)));
}

static void fill_crit(pv_ctx *ctx, sqlite3_stmt *st, void *p, size_t i)
{
    (void)i;
    pv_criterion_info *c = p;
    pv_lang lang = pv_ctx_lang(ctx);
    svc_copy(c->key, sizeof c->key, col(st, 0));
    svc_copy(c->label, sizeof c->label, svc_pick(lang, col(st, 1), col(st, 2)));
    svc_copy(c->reason, sizeof c->reason, svc_pick(lang, col(st, 3), col(st, 4)));
    svc_copy(c->rule, sizeof c->rule, col(st, 5));
}

pv_status pv_service_steps(pv_ctx *ctx, const char *code, pv_step_info **out, size_t *n,
                           pv_error *err)
{
    return rows_of(ctx, "SELECT title_fa, title_en FROM service_step WHERE code = ?1 ORDER BY seq",
                   code, sizeof **out, fill_step, (void **)out, n, err);
}

pv_status pv_service_documents(pv_ctx *ctx, const char *code, pv_document_info **out,
                               size_t *n, pv_error *err)
{
    return rows_of(ctx,
                   "SELECT key, label_fa, label_en FROM service_document WHERE code = ?1 "
                   "ORDER BY seq",
                   code, sizeof **out, fill_doc, (void **)out, n, err);
}

pv_status pv_service_criteria(pv_ctx *ctx, const char *code, pv_criterion_info **out,
                              size_t *n, pv_error *err)
{
    return rows_of(ctx,
                   "SELECT key, label_fa, label_en, reason_fa, reason_en, rule "
                   "FROM service_criterion WHERE code = ?1 ORDER BY seq",
                   code, sizeof **out, fill_crit, (void **)out, n, err);
}

/* ---- a service compiled for checking ---- */

void svc_service_free(svc_service *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_crit; i++) {
        free(s->crit[i].label_fa);
        free(s->crit[i].label_en);
        free(s->crit[i].reason_fa);
        free(s->crit[i].reason_en);
        pv_rule_free(s->crit[i].rule);
    }
    free(s->crit);
    free(s);
}

static void add_keys(svc_service *s, const pv_rule *r)
{
    const char *keys[32];
    size_t n = pv_rule_fact_keys(r, keys, 32);
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < s->n_keys; j++)
            seen |= strcmp(s->keys[j], keys[i]) == 0;
        if (!seen && s->n_keys < sizeof s->keys / sizeof *s->keys)
            s->keys[s->n_keys++] = keys[i];
    }
}

pv_status svc_service_load(pv_ctx *ctx, const char *code, svc_service **out, pv_error *err)
{
    *out = NULL;
    svc_service *s = calloc(1, sizeof *s);
    if (!s)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    pv_status st = svc_info_load(ctx, code, &s->info, err);
    if (st != PV_OK) {
        free(s);
        return st;
    }
    s->crit = calloc(s->info.n_criteria ? s->info.n_criteria : 1, sizeof *s->crit);
    sqlite3_stmt *q;
    if (!s->crit || pv_stmt(ctx,
                            "SELECT key, label_fa, label_en, reason_fa, reason_en, rule "
                            "FROM service_criterion WHERE code = ?1 ORDER BY seq",
                            &q, err) != PV_OK) {
        svc_service_free(s);
        return err && err->status ? err->status : PV_EFAIL;
    }
    sqlite3_bind_text(q, 1, s->info.code, -1, SQLITE_TRANSIENT);
    int rc;
    while (st == PV_OK && (rc = sqlite3_step(q)) == SQLITE_ROW && s->n_crit < s->info.n_criteria) {
        svc_criterion *c = &s->crit[s->n_crit];
        svc_copy(c->key, sizeof c->key, col(q, 0));
        c->label_fa = strdup(col(q, 1));
        c->label_en = strdup(col(q, 2));
        c->reason_fa = strdup(col(q, 3));
        c->reason_en = strdup(col(q, 4));
        s->n_crit++;
        if (!c->label_fa || !c->label_en || !c->reason_fa || !c->reason_en)
            st = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        else if ((st = pv_rule_compile(col(q, 5), &c->rule, err)) == PV_OK) {
            s->uses |= pv_rule_uses(c->rule);
            add_keys(s, c->rule);
        }
    }
    sqlite3_reset(q);
    if (st != PV_OK) {
        svc_service_free(s);
        return st;
    }
    *out = s;
    return PV_OK;
}
