/* parvande — what the core's modules share and the outside does not see. */
#ifndef PARVANDE_INTERNAL_H
#define PARVANDE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "parvande/context.h"
#include "parvande/i18n.h"

/* The one timestamp format of the database, as SQL: UTC ISO 8601 with
 * milliseconds, "YYYY-MM-DDTHH:MM:SS.sssZ" (what pv_now_stamp writes in C).
 * Migration 5 (core/sql_timestamps.c) brought every older form to it. */
#define PV_NOW "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

/* Prepared statements kept for the life of a context (see pv_stmt). */
typedef struct pv_stmt_slot {
    const char *sql;     /* the key: a string with static storage */
    sqlite3_stmt *stmt;
} pv_stmt_slot;

/* Next free id sequence per table, valid inside one write transaction
 * (cleared by commit and rollback hooks, see pv_next_id). */
typedef struct pv_id_slot {
    char table[32];
    int64_t next;
} pv_id_slot;

struct pv_ctx {
    sqlite3 *db;
    pv_lang lang;
    pv_actor actor;
    int64_t branch_code; /* this database's branch */
    pv_stmt_slot *stmts; /* owned; n_stmts used of cap_stmts */
    size_t n_stmts, cap_stmts;
    pv_id_slot ids[8];
    size_t n_ids;
    pv_id hh_cache_id;       /* last household looked up by the store, 0 if none */
    int64_t hh_cache_branch; /* its branch code */
    struct pv_security *sec; /* users and audit state (core/security.h); owned by the
                              * connection, freed when it closes */
    bool readonly;           /* opened read-only: the media or permissions allow no
                              * writing (core/storage.c) */
};

/* A schema migration: applied in order, each in its own transaction, when
 * PRAGMA user_version is below `version`. Each module owns its SQL. */
typedef struct pv_migration {
    int version;
    const char *name;
    const char *sql;
} pv_migration;

/* Module schemas, in the order they are applied (core/schema.c lists them). */
extern const char pv_sql_files[];    /* persons, households, case files, history */
extern const char pv_sql_services[]; /* catalog, rules, enrollments, credits */
extern const char pv_sql_security[]; /* users, audit trail */
extern const char pv_sql_audit_head[]; /* the audit trail's head (migration 4) */
extern const char pv_sql_timestamps[]; /* one timestamp format (migration 5) */
extern const char pv_sql_groups[];   /* groups, courses, inquiries, person events */
extern const char pv_sql_referrals[]; /* referrals, the insurance year (migration 7) */
extern const char pv_sql_stats[];    /* statistics: enrollment end dates, indexes */
extern const char pv_sql_exchange[]; /* offices, packages, conflicts (core/sql_exchange.c) */
extern const char pv_sql_stats2[];   /* statistics: the summary of recipients (core/sql_stats2.c) */
extern const char pv_sql_stats2_rebuild[]; /* the summary counted again from the enrollments */

/* The person table's name indexes (core/sql_files.c): their CREATE INDEX
 * IF NOT EXISTS statements and names. A large import drops them and builds
 * them again at its end; pv_ctx_open re-creates missing ones unless the
 * import that dropped them is still running (table bulk_import). */
#define PV_NAME_INDEXES 4
extern const char *const pv_sql_name_indexes[PV_NAME_INDEXES];
extern const char *const pv_name_index_names[PV_NAME_INDEXES];

/* Builds the missing name indexes, each in its own transaction, with a
 * small page cache so the sort stays within the memory an import may use;
 * forgets the bulk_import row when `pid` is its owner (0: any). */
pv_status pv_name_indexes_build(pv_ctx *ctx, long pid, pv_error *err);

extern const pv_migration pv_migrations[];
extern const int pv_migrations_count;

/* ---- read-only media and storage errors (core/storage.c) ---- */

/* Whether the file and its directory (for the -wal and -shm files) can be
 * written. */
bool pv_path_writable(const char *path);
/* Opens `path` read-only (mode=ro, else immutable when no WAL holds
 * anything); an SQLite result code. */
int pv_open_readonly(const char *path, sqlite3 **db);
/* A storage failure (disk full, read-only, I/O, cannot open, not a
 * database) as a message saying what to do, PV_EFAIL; PV_OK (nothing set)
 * when `code` is not one. */
pv_status pv_storage_error(pv_ctx *ctx, int code, pv_error *err);
/* The side file of audit entries a read-only session could not append
 * (malloc'd path, NULL without HOME), and appending one to it. */
char *pv_unrecorded_path(void);
pv_status pv_unrecorded_append(pv_ctx *ctx, const char *at, const char *actor, const char *action,
                               const char *table, pv_id record_id, const char *detail,
                               const char *reason, pv_error *err);

/* Records a database error as PV_EFAIL with sqlite's message. */
pv_status pv_db_error(pv_ctx *ctx, pv_error *err);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
pv_status pv_tx_begin(pv_ctx *ctx, pv_error *err);
pv_status pv_tx_commit(pv_ctx *ctx, pv_error *err);
void pv_tx_rollback(pv_ctx *ctx);

/* A prepared statement for `sql`, prepared on first use and kept in the
 * context; `sql` must have static storage (a string literal) because its
 * address is the cache key. The statement comes back reset with its
 * bindings cleared; the caller steps it and need not finalize it (call
 * sqlite3_reset when done early, so it does not hold a read lock). */
pv_status pv_stmt(pv_ctx *ctx, const char *sql, sqlite3_stmt **out, pv_error *err);

/* Runs a statement that needs no rows back: SAVEPOINT/RELEASE and the like. */
pv_status pv_exec(pv_ctx *ctx, const char *sql, pv_error *err);

/* ---- statements in one call (core/stmt.c) ----
 * The parameters ?1, ?2... are bound from the arguments, one letter of
 * `types` each: 'i' int64_t, 'n' int, 't' const char * (copied; NULL
 * binds NULL), 's' const char * bound without a copy (it must outlive the
 * statement's steps). */

/* pv_stmt, then the parameters bound: the caller steps it (pv_step). */
pv_status pv_query(pv_ctx *ctx, const char *sql, sqlite3_stmt **st, pv_error *err,
                   const char *types, ...);

/* A statement that returns no row (INSERT, UPDATE, DELETE): prepared,
 * bound, stepped once and reset. PV_OK, or the database error. */
pv_status pv_run(pv_ctx *ctx, const char *sql, pv_error *err, const char *types, ...);

/* Steps st: *row true with the row's columns readable until the next step
 * or reset; false at the end, st then reset. PV_OK either way, else the
 * database error, st reset. */
pv_status pv_step(pv_ctx *ctx, sqlite3_stmt *st, bool *row, pv_error *err);

/* ---- growing arrays ---- */

/* Room for element n of an array of `elem`-byte elements with *cap
 * allocated: the array itself while n < *cap, else the array reallocated
 * to twice the room (`first` at the start) and *cap updated. NULL when out
 * of memory, the array then untouched (still the caller's to free). */
static inline void *pv_grow(void *arr, size_t n, size_t *cap, size_t elem, size_t first)
{
    if (n < *cap)
        return arr;
    size_t want = *cap ? *cap * 2 : first;
    void *grown = want && want <= SIZE_MAX / elem ? realloc(arr, want * elem) : NULL;
    if (grown)
        *cap = want;
    return grown;
}

/* Now, UTC, as stored in created_at/updated_at: "YYYY-MM-DDTHH:MM:SS.sssZ". */
void pv_now_stamp(char out[32]);

/* Stored text codes back to enum values (core/records.c); an unknown code
 * gives the enum's 0 value. */
typedef enum pv_enum_kind {
    PV_ENUM_GENDER, PV_ENUM_AREA, PV_ENUM_DISABILITY, PV_ENUM_GUARDIANSHIP,
    PV_ENUM_RELATION, PV_ENUM_FILE_STATUS
} pv_enum_kind;
int pv_enum_from_code(pv_enum_kind kind, const char *code);

/* A fresh record id at this database's branch for `table`
 * (branch_code << 40 | next sequence of that table). */
pv_status pv_next_id(pv_ctx *ctx, const char *table, pv_id *out, pv_error *err);

/* ---- the store's rows, shared with the bulk inserter (core/store.c) ----
 * The INSERT statements of a person, a household and a case file, and the
 * binding of one row's values to their parameters shifted by `base` (so
 * that row r of a multi-row INSERT binds at base = r * parameters). Every
 * string is bound without a copy: the record, the folds, `actor` and
 * `stamp` must stay unchanged until the statement has been stepped. */
#include "parvande/records.h"
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
