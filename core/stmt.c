/* parvande — prepare, bind, step and reset in one call, and a list's rows
 * read into a growing array (see internal.h): the sequences every query of
 * the core repeats, written once. */
#include <stdarg.h>
#include <string.h>

#include "internal.h"

static void bind_args(sqlite3_stmt *st, const char *types, va_list ap)
{
    for (int i = 1; types && *types; types++, i++) {
        switch (*types) {
        case 'i': sqlite3_bind_int64(st, i, va_arg(ap, int64_t)); break;
        case 'n': sqlite3_bind_int(st, i, va_arg(ap, int)); break;
        case 's': sqlite3_bind_text(st, i, va_arg(ap, const char *), -1, SQLITE_STATIC); break;
        default: sqlite3_bind_text(st, i, va_arg(ap, const char *), -1, SQLITE_TRANSIENT); break;
        }
    }
}

pv_status pv_query(pv_ctx *ctx, const char *sql, sqlite3_stmt **st, pv_error *err,
                   const char *types, ...)
{
    if (pv_stmt(ctx, sql, st, err) != PV_OK)
        return err && err->status ? err->status : PV_EFAIL;
    va_list ap;
    va_start(ap, types);
    bind_args(*st, types, ap);
    va_end(ap);
    return PV_OK;
}

pv_status pv_run(pv_ctx *ctx, const char *sql, pv_error *err, const char *types, ...)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, sql, &st, err) != PV_OK)
        return err && err->status ? err->status : PV_EFAIL;
    va_list ap;
    va_start(ap, types);
    bind_args(st, types, ap);
    va_end(ap);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_step(pv_ctx *ctx, sqlite3_stmt *st, bool *row, pv_error *err)
{
    int rc = sqlite3_step(st);
    *row = rc == SQLITE_ROW;
    if (*row)
        return PV_OK;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return PV_OK;
    }
    pv_status s = pv_db_error(ctx, err);
    sqlite3_reset(st);
    return s;
}

static void drop_rows(const pv_row_reader *r, char *arr, size_t n)
{
    for (size_t i = 0; r->drop && i < n; i++)
        r->drop(arr + i * r->elem);
    free(arr);
}

void *pv_read_rows(pv_ctx *ctx, sqlite3_stmt *st, const pv_row_reader *r, void *user,
                   size_t *n, pv_status *status, pv_error *err)
{
    char *arr = NULL;
    size_t cap = 0, got = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char *grown = pv_grow(arr, got, &cap, r->elem, r->first);
        if (!grown) {
            rc = SQLITE_NOMEM;
            break;
        }
        arr = grown;
        char *elem = arr + got * r->elem;
        memset(elem, 0, r->elem);
        got++; /* counted even when fill fails half-way: drop frees what it did */
        if (!r->fill(st, elem, user)) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    *status = rc == SQLITE_DONE ? PV_OK
              : rc == SQLITE_NOMEM ? pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"))
                                   : pv_db_error(ctx, err);
    sqlite3_reset(st);
    *n = *status == PV_OK ? got : 0;
    if (*status == PV_OK)
        return arr;
    drop_rows(r, arr, got);
    return NULL;
}
