/* parvande — multi-row inserts of new households, case files and persons
 * for a bulk import (see core/internal.h, "the bulk inserter").
 *
 * Why: each INSERT statement costs SQLite a fixed price besides its row —
 * opening a cursor on the table and on every index, a statement journal
 * (the audit triggers make every insert one that may abort half way), and
 * closing them again. A million persons one statement each spent more on
 * that than on the rows. Here rows wait in memory, already numbered, and go
 * in as INSERT ... VALUES (...), (...) of up to BULK_MAX rows, households
 * first, so that the persons' foreign keys find them.
 *
 * A flush is all or nothing (a savepoint): when any row is refused (another
 * program recorded the same national ID or household key since the
 * importer looked), nothing of the flush stays and the caller handles those
 * rows again one by one, through the ordinary store, which names the
 * refused row and its reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

#define BULK_MAX 128  /* rows of the largest statement; a power of two */
#define BULK_SIZES 8  /* statements of 1, 2, 4 ... BULK_MAX rows */

enum { T_HOUSEHOLD, T_CASEFILE, T_PERSON, T_COUNT };

typedef struct bulk_household {
    pv_id id;
    char key[64];
} bulk_household;

typedef struct bulk_person {
    pv_person p;
    pv_person_folds folds;
} bulk_person;

struct pv_bulk {
    pv_ctx *ctx;
    sqlite3_stmt *stmts[T_COUNT][BULK_SIZES];
    int params[T_COUNT]; /* parameters of one row of each table */
    bulk_household hh[BULK_MAX];
    pv_casefile cf[BULK_MAX];
    size_t n_hh;
    bulk_person *persons; /* BULK_MAX of them */
    size_t n_persons;
    char stamp[32];
};

static const char *insert_sql(int table)
{
    return table == T_HOUSEHOLD  ? pv_sql_household_insert
           : table == T_CASEFILE ? pv_sql_casefile_insert
                                 : pv_sql_person_insert;
}

/* The parameters of one row of a table's INSERT: the largest ?N in it. */
static int params_of(int table)
{
    int most = 0;
    for (const char *t = strchr(insert_sql(table), '?'); t; t = strchr(t + 1, '?')) {
        int k = atoi(t + 1);
        most = k > most ? k : most;
    }
    return most;
}

/* The store's one-row INSERT made into one of `rows` rows: the VALUES
 * tuple repeated, each copy's ?N shifted by the parameters of the rows
 * before it. Malloc'd; NULL when out of memory. */
static char *multi_row_sql(const char *one, int nparams, int rows)
{
    const char *values = strstr(one, "VALUES");
    if (!values)
        return NULL;
    const char *tuple = values + strlen("VALUES");
    size_t head = (size_t)(tuple - one), tlen = strlen(tuple);
    size_t cap = head + (size_t)rows * (tlen * 2 + 2) + 1;
    char *sql = malloc(cap);
    if (!sql)
        return NULL;
    memcpy(sql, one, head);
    size_t n = head;
    for (int r = 0; r < rows; r++) {
        if (r)
            sql[n++] = ',';
        for (const char *t = tuple; *t;) {
            if (*t == '?') {
                char *end;
                long k = strtol(t + 1, &end, 10);
                n += (size_t)snprintf(sql + n, cap - n, "?%ld", k + (long)r * nparams);
                t = end;
            } else {
                sql[n++] = *t++;
            }
        }
    }
    sql[n] = '\0';
    return sql;
}

/* The statement inserting 2^size rows into `table`, prepared on first use. */
static pv_status bulk_stmt(pv_bulk *b, int table, int size, sqlite3_stmt **out, pv_error *err)
{
    sqlite3_stmt **slot = &b->stmts[table][size];
    if (!*slot) {
        char *sql = multi_row_sql(insert_sql(table), b->params[table], 1 << size);
        if (!sql)
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        int rc = sqlite3_prepare_v3(b->ctx->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL);
        free(sql);
        if (rc != SQLITE_OK)
            return pv_db_error(b->ctx, err);
    }
    sqlite3_reset(*slot);
    sqlite3_clear_bindings(*slot);
    *out = *slot;
    return PV_OK;
}

pv_bulk *pv_bulk_new(pv_ctx *ctx)
{
    pv_bulk *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->persons = calloc(BULK_MAX, sizeof *b->persons);
    if (!b->persons) {
        free(b);
        return NULL;
    }
    b->ctx = ctx;
    for (int t = 0; t < T_COUNT; t++)
        b->params[t] = params_of(t);
    return b;
}

void pv_bulk_free(pv_bulk *b)
{
    if (!b)
        return;
    for (int t = 0; t < T_COUNT; t++)
        for (int k = 0; k < BULK_SIZES; k++)
            sqlite3_finalize(b->stmts[t][k]);
    free(b->persons);
    free(b);
}

/* Rows waiting. */
static size_t pending(const pv_bulk *b)
{
    return b->n_persons + b->n_hh;
}

bool pv_bulk_full(const pv_bulk *b)
{
    return b->n_persons == BULK_MAX || b->n_hh == BULK_MAX;
}

pv_status pv_bulk_add_household(pv_bulk *b, const char *key, pv_casefile *file, pv_id *out,
                                pv_error *err)
{
    if (b->n_hh == BULK_MAX)
        return pv_error_set(err, PV_EUSAGE, NULL, "pv_bulk_add_household: full");
    pv_casefile f = *file;
    f.branch_code = pv_ctx_branch(b->ctx);
    pv_status rc = pv_casefile_check(&f, err);
    bulk_household *h = &b->hh[b->n_hh];
    if (rc == PV_OK)
        rc = pv_next_id(b->ctx, "household", &h->id, err);
    if (rc == PV_OK)
        rc = pv_next_id(b->ctx, "casefile", &f.id, err);
    if (rc != PV_OK)
        return rc;
    snprintf(h->key, sizeof h->key, "%s", key);
    f.household_id = h->id;
    b->cf[b->n_hh++] = f;
    *file = f;
    *out = h->id;
    return PV_OK;
}

pv_status pv_bulk_add_person(pv_bulk *b, const pv_person *p, pv_id household, pv_error *err)
{
    if (b->n_persons == BULK_MAX)
        return pv_error_set(err, PV_EUSAGE, NULL, "pv_bulk_add_person: full");
    pv_id id;
    pv_status rc = pv_next_id(b->ctx, "person", &id, err);
    if (rc != PV_OK)
        return rc;
    bulk_person *q = &b->persons[b->n_persons++];
    q->p = *p;
    q->p.id = id;
    q->p.household_id = household;
    pv_person_folds_of(&q->p, &q->folds);
    return PV_OK;
}

static void bind_row(pv_bulk *b, int table, sqlite3_stmt *st, int base, size_t i)
{
    const char *actor = pv_ctx_actor(b->ctx)->name;
    if (table == T_HOUSEHOLD)
        pv_household_bind(st, base, b->hh[i].id, pv_ctx_branch(b->ctx), b->hh[i].key, actor,
                          b->stamp);
    else if (table == T_CASEFILE)
        pv_casefile_bind(st, base, &b->cf[i], actor, b->stamp);
    else
        pv_person_bind(st, base, &b->persons[i].p, &b->persons[i].folds, pv_ctx_branch(b->ctx),
                       actor, b->stamp);
}

/* Inserts the n pending rows of `table`, as few statements as the sizes
 * allow (a flush of 100 rows: 64 + 32 + 4). */
static pv_status insert_rows(pv_bulk *b, int table, size_t n, pv_error *err)
{
    size_t done = 0;
    for (int size = BULK_SIZES - 1; size >= 0; size--) {
        size_t rows = (size_t)1 << size;
        while (n - done >= rows) {
            sqlite3_stmt *st = NULL;
            pv_status rc = bulk_stmt(b, table, size, &st, err);
            if (rc != PV_OK)
                return rc;
            for (size_t r = 0; r < rows; r++)
                bind_row(b, table, st, (int)r * b->params[table], done + r);
            int s = sqlite3_step(st);
            if (s != SQLITE_DONE)
                s = sqlite3_extended_errcode(b->ctx->db);
            sqlite3_reset(st);
            if (s != SQLITE_DONE)
                return pv_store_write_error(b->ctx, s, err);
            done += rows;
        }
    }
    return PV_OK;
}

void pv_bulk_discard(pv_bulk *b)
{
    b->n_hh = b->n_persons = 0;
}

pv_status pv_bulk_flush(pv_bulk *b, pv_error *err)
{
    if (pending(b) == 0)
        return PV_OK;
    pv_now_stamp(b->stamp);
    pv_status rc = pv_exec(b->ctx, "SAVEPOINT bulk_flush", err);
    if (rc != PV_OK)
        return rc;
    rc = insert_rows(b, T_HOUSEHOLD, b->n_hh, err);
    if (rc == PV_OK)
        rc = insert_rows(b, T_CASEFILE, b->n_hh, err);
    if (rc == PV_OK)
        rc = insert_rows(b, T_PERSON, b->n_persons, err);
    if (rc != PV_OK) {
        pv_exec(b->ctx, "ROLLBACK TO bulk_flush", NULL);
        b->ctx->hh_cache_id = 0;
    }
    pv_status rel = pv_exec(b->ctx, "RELEASE bulk_flush", rc == PV_OK ? err : NULL);
    pv_bulk_discard(b);
    return rc != PV_OK ? rc : rel;
}
