/* parvande — the store's rows and the bulk inserter (core/store.c,
 * core/bulk.c), shared with the import. Private to the core. */
#ifndef PARVANDE_STORE_INTERNAL_H
#define PARVANDE_STORE_INTERNAL_H

#include "internal.h"
#include "parvande/records.h"

/* ---- the store's rows, shared with the bulk inserter (core/store.c) ----
 * The INSERT statements of a person, a household and a case file, and the
 * binding of one row's values to their parameters shifted by `base` (so
 * that row r of a multi-row INSERT binds at base = r * parameters). Every
 * string is bound without a copy: the record, the folds, `actor` and
 * `stamp` must stay unchanged until the statement has been stepped. */
extern const char *const pv_sql_person_insert;
extern const char *const pv_sql_household_insert;
extern const char *const pv_sql_casefile_insert;

typedef struct pv_person_folds {
    char first[PV_NAME_SZ], last[PV_NAME_SZ], father[PV_NAME_SZ];
} pv_person_folds;
void pv_person_folds_of(const pv_person *p, pv_person_folds *out);
void pv_person_bind(sqlite3_stmt *st, int base, const pv_person *p, const pv_person_folds *f,
                    int64_t branch, const char *actor, const char *stamp);
void pv_household_bind(sqlite3_stmt *st, int base, pv_id id, int64_t branch, const char *key,
                       const char *actor, const char *stamp);
void pv_casefile_bind(sqlite3_stmt *st, int base, const pv_casefile *f, const char *actor,
                      const char *stamp);
/* Fills a new case file's defaults (opened today; closed today when
 * closed) and checks its dates: PV_OK, or PV_EINVAL naming the field. */
pv_status pv_casefile_check(pv_casefile *f, pv_error *err);
/* The status of a failed write (an extended SQLite code): a used national
 * ID or household key is PV_ECONFLICT naming the field, a missing
 * household PV_ENOTFOUND, anything else the database's error. */
pv_status pv_store_write_error(pv_ctx *ctx, int rc, pv_error *err);

/* ---- the bulk inserter (core/bulk.c) ----
 * New households (each with its case file) and new persons of an import,
 * numbered when added and written together by pv_bulk_flush with
 * multi-row INSERTs, inside the caller's transaction. The caller has
 * validated the records and checked the actor may write them (nothing here
 * asks pv_authz_check), and flushes before anything else reads or writes
 * those tables, and before committing. */
typedef struct pv_bulk pv_bulk;
pv_bulk *pv_bulk_new(pv_ctx *ctx);   /* NULL when out of memory; free with pv_bulk_free */
void pv_bulk_free(pv_bulk *b);       /* NULL is fine; pending rows are dropped */
/* A household with the case file `file` (its defaults filled and its ids
 * set on return); *out is the household's id. PV_EINVAL for a bad date. */
pv_status pv_bulk_add_household(pv_bulk *b, const char *key, pv_casefile *file, pv_id *out,
                                pv_error *err);
/* A copy of the person `p`, in `household` (in the database or already
 * added), numbered with a new id. */
pv_status pv_bulk_add_person(pv_bulk *b, const pv_person *p, pv_id household, pv_error *err);
bool pv_bulk_full(const pv_bulk *b);      /* flush before adding more */
/* Writes every pending row, all or nothing: on failure (PV_ECONFLICT for a
 * national ID or household key recorded meanwhile, or the database's
 * error) nothing of them stays in the database, and the rows are dropped
 * either way. */
pv_status pv_bulk_flush(pv_bulk *b, pv_error *err);
void pv_bulk_discard(pv_bulk *b);         /* drops the pending rows unwritten */

#endif
