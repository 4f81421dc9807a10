/* parvande — what the audit trail's files share (private to the core). */
#ifndef PARVANDE_AUDIT_INTERNAL_H
#define PARVANDE_AUDIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "internal.h"
#include "parvande/audit.h"

/* ---- the chain's entries (core/audit.c) ---- */

#define PV_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define PV_AUDIT_FIELDS 12

/* An entry's fields in the canonical order (see core/audit.c). */
typedef struct pv_audit_fields {
    const char *v[PV_AUDIT_FIELDS]; /* NULL for SQL NULL */
    size_t len[PV_AUDIT_FIELDS];
} pv_audit_fields;

/* The SHA-256 of an entry's canonical form, as 64 hex digits. */
void pv_audit_hash_entry(const pv_audit_fields *e, char hex[65]);

/* pv_audit_pass(op, tbl, id), the WHEN clause of every audit trigger
 * (core/audit_bulk.c); pv_audit_register registers it. */
void pv_audit_fn_pass(sqlite3_context *c, int argc, sqlite3_value **argv);

/* An SQL function argument's text, NULL for NULL. */
static inline const char *pv_audit_value_text(sqlite3_value *v)
{
    return sqlite3_value_type(v) == SQLITE_NULL ? NULL : (const char *)sqlite3_value_text(v);
}

/* strdup, NULL staying NULL (also when out of memory: callers check). */
static inline char *pv_audit_dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Whether a table has no audit triggers: the trail and its head and
 * digests, login bookkeeping, *_history, SQLite's own, virtual tables
 * (their names in `virtuals`) and their shadow tables. */
bool pv_audit_table_skipped(const char *name, const char *sql, char **virtuals, size_t n_virt);

/* The head stored in the database (audit_head): its id, seq and hash. */
pv_status pv_audit_db_head(pv_ctx *ctx, char db_id[40], int64_t *seq, char hash[65],
                           pv_error *err);

/* The copy of the head beside the database (core/audit_head.c): stores
 * seq/hash unless the file holds a higher one; loads it when it is this
 * database's (false when there is none). */
void pv_audit_side_store(pv_ctx *ctx, int64_t seq, const char *hash);
bool pv_audit_side_load(pv_ctx *ctx, const char *db_id, int64_t *seq, char hash[65]);

/* Sets rep's problem when the walked chain does not reach entry `seq`
 * with `hash` (NULL: any hash). No-op on a report already not intact. */
void pv_audit_check_head(pv_ctx *ctx, int64_t seq, const char *hash, pv_audit_report *rep);

/* ---- what the trail vouches for of a record (core/audit_digest.c) ---- */

/* How a table's records are compared with the trail. */
typedef struct pv_rec_shape {
    char table[48];
    char key[8];    /* "id" or "rowid"; "" when records have no key to check by */
    bool history;   /* the table has a *_history table keyed by id */
    char *cols;     /* the compared columns, comma-separated (sqlite3_free) */
    char *json;     /* json_object('c', "c", ...) over them */
    char *proj;     /* json_object('c', json_extract(v, '$."c"'), ...): an entry's
                     * values (a JSON text in column v) projected on them */
    char *list;     /* "c1", "c2", ...: the columns to select for pv_rec_hash */
    int ncols;
} pv_rec_shape;

/* The shape of `table`: its compared columns from the schema (cols NULL)
 * or as stored with a digest. */
pv_status pv_rec_shape_from(pv_ctx *ctx, const char *table, const char *cols, pv_rec_shape *sh,
                            pv_error *err);
void pv_rec_shape_free(pv_rec_shape *sh);
bool pv_rec_column_compared(const char *col);

/* The 8-byte hash of a record's values: columns first..first+n-1 of the
 * statement's current row (the shape's `list`). */
uint64_t pv_rec_hash(sqlite3_stmt *st, int first, int n);

/* One table's digest in a batch: a big-endian 8-byte hash per record
 * listed (insert and update runs, in order), and their SHA-256. */
typedef struct pv_digest {
    char table[48];
    char *cols;              /* sqlite3_free */
    unsigned char *hashes;   /* n * 8 bytes, free */
    size_t n, cap;
    char sha[65];
} pv_digest;

struct pv_security;
/* The digests of the batch noted in s (records as they are now, inside the
 * batch's transaction). */
pv_status pv_digests_make(pv_ctx *ctx, const struct pv_security *s, pv_digest **out, size_t *n,
                          pv_error *err);
/* Stores them under the batch entry's seq. */
pv_status pv_digests_store(pv_ctx *ctx, int64_t seq, const pv_digest *d, size_t n, pv_error *err);
void pv_digests_free(pv_digest *d, size_t n);

/* Re-creates the triggers of the migrations up to version `upto` (INT_MAX:
 * every one; history keepers and the like) that are missing or differ from
 * what the migrations made; *restored says how many (core/audit_guard.c).
 * Inside the caller's transaction or savepoint. A migration that made a
 * table again passes its own version: a later one's triggers are its own
 * to make. */
pv_status pv_audit_restore_triggers(pv_ctx *ctx, int upto, int *restored, pv_error *err);

/* SQL: is the row of table T an import batch's entry whose id ranges
 * name household HH (an SQL expression), a member of it or its case
 * file? For another office's entries (audit_remote), which a moved file
 * takes along (core/exchange_transfer.c) and a file's history reads. */
#define PV_AUDIT_IMPORT_TOUCHES(T, HH)                                                      \
    "(" T ".action = 'import' AND json_valid(" T ".new_values) AND EXISTS (SELECT 1"       \
    " FROM json_each(" T ".new_values, '$.changes') t, json_each(t.value) o,"             \
    " json_each(o.value) r WHERE (t.key = 'household' AND " HH                           \
    " BETWEEN r.value ->> 0 AND r.value ->> 1) OR (t.key = 'person' AND EXISTS (SELECT 1" \
    " FROM main.person p WHERE p.household_id = " HH                                     \
    " AND p.id BETWEEN r.value ->> 0 AND r.value ->> 1)) OR (t.key = 'casefile' AND"     \
    " EXISTS (SELECT 1 FROM main.casefile c WHERE c.household_id = " HH                  \
    " AND c.id BETWEEN r.value ->> 0 AND r.value ->> 1))))"

#endif
