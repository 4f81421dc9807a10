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

/* What the context tells the audit trail at the points of a connection's
 * life, without knowing it: core/open.c wires the trail in (pv_ctx_open),
 * so the context needs no module above it. Any hook may be NULL. */
typedef struct pv_ctx_hooks {
    /* The connection is set up, the migrations not run yet (the trail
     * registers the SQL functions its triggers call). */
    pv_status (*connected)(pv_ctx *ctx, pv_error *err);
    /* The migrations are done (the trail installs its triggers). */
    pv_status (*migrated)(pv_ctx *ctx, pv_error *err);
    /* A transaction is over (after each COMMIT and ROLLBACK of the
     * transaction helpers, and before an authorization check): the trail
     * appends the refusals it held during it. */
    void (*settled)(pv_ctx *ctx);
    /* An attempt was refused (core/authz.c): the action's code, a JSON
     * detail, the reason in English; it must outlive a rollback. */
    void (*refused)(pv_ctx *ctx, const char *action, const char *detail, const char *reason);
    /* The connection is about to close. */
    void (*closing)(pv_ctx *ctx);
} pv_ctx_hooks;

/* pv_ctx_open with the hooks given (static storage, may be NULL): what
 * core/open.c calls. */
pv_status pv_ctx_connect(const char *path, pv_lang lang, const pv_ctx_hooks *hooks, pv_ctx **out,
                         pv_error *err);

/* The hooks, through the context (no-ops when not set): see pv_ctx_hooks. */
void pv_ctx_settled(pv_ctx *ctx);
void pv_ctx_refused(pv_ctx *ctx, const char *action, const char *detail, const char *reason);

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
    const pv_ctx_hooks *hooks; /* static storage; NULL: none */
    struct pv_security *sec; /* users and audit state (core/security.h); owned by the
                              * connection, freed when it closes */
    bool readonly;           /* opened read-only: the media or permissions allow no
                              * writing (core/storage.c) */
    bool bulk_writer;        /* this connection is the first import that dropped the
                              * national-ID index (core/import_index.c) */
};

/* A schema migration: applied in order, each in its own transaction, when
 * PRAGMA user_version is below `version`. Each module owns its SQL. `then`
 * (NULL: none) works out derived data after the SQL, in the same
 * transaction; it is left to the last migration being applied that has the
 * same step, so an upgrade across several does it once. */
typedef struct pv_migration {
    int version;
    const char *name;
    const char *sql;
    pv_status (*then)(pv_ctx *ctx, pv_error *err);
} pv_migration;

/* The first line of a migration applied with foreign keys off and checked
 * before its commit (one that makes a referenced table again). */
#define PV_SQL_FOREIGN_KEYS_OFF "-- applied with foreign keys off\n"

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
extern const char pv_sql_exchange3[]; /* digests of applied sections (migration 15) */
extern const char pv_sql_desk[];     /* inquiries' overdue days, old confirmations (migration 10) */
extern const char pv_sql_exchange2[]; /* held packages, branch ids of events (migration 12) */
extern const char pv_sql_event_ids[]; /* migration 12's renumbering of the events alone */
extern const char pv_sql_import2[];  /* person: the national ID's own index (migration 13) */
extern const char pv_sql_stats2[];   /* statistics: the summary of recipients (core/sql_stats2.c) */
extern const char pv_sql_stats3[];   /* statistics: the summary by breakdown (core/sql_stats3.c) */
extern const char pv_sql_stats4[];   /* statistics: points, pairs and runs (core/sql_stats4.c) */
extern const char pv_sql_stats5[];   /* statistics: work per day (core/sql_stats5.c) */
extern const char pv_sql_stats_build_batch[]; /* a batch of persons' counts (core/stats_build.c) */

/* Counts the statistics' summary (stats_count) again from the enrollments,
 * in batches of persons: what the triggers would have counted. The caller
 * holds the write transaction; on an error (reported in err) it rolls back.
 * For the migrations that change what the summary counts, and for a writer
 * that filled enrollments with the summary's triggers dropped. */
pv_status pv_stats_summary_build(pv_ctx *ctx, pv_error *err);
/* The same in batches of about `rows` enrollments (the tests' small ones). */
pv_status pv_stats_summary_build_in(pv_ctx *ctx, int rows, pv_error *err);

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

/* The national ID's unique index (migration 13), which a first import into
 * an empty person table drops with the name indexes (core/import_index.c).
 * pv_import_register gives every connection the SQL function the import's
 * guard triggers ask (whether this connection is that import); it fails
 * only when SQLite refuses the function. pv_natid_index_build builds the
 * index if it is missing and drops the guard, in one transaction (called
 * by pv_name_indexes_build). pv_foreign_keys_hold fails, naming the table,
 * when a row refers to a record that is not there (PRAGMA foreign_key_check). */
#define PV_NATID_INDEX "person_national_id"
#define PV_IMPORT_GUARD "person.national_id: a first import is filling the person table"
pv_status pv_import_register(pv_ctx *ctx, pv_error *err);
pv_status pv_natid_index_build(pv_ctx *ctx, pv_error *err);
pv_status pv_foreign_keys_hold(pv_ctx *ctx, pv_error *err);
/* After migration `version` made a table again: the triggers the
 * migrations up to it made are made again (core/audit_guard.c: not a
 * restoration to report) and the foreign keys checked
 * (pv_foreign_keys_hold). */
pv_status pv_migration_rebuilt(pv_ctx *ctx, int version, pv_error *err);

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

/* ---- lists of rows (core/stmt.c) ----
 * How one kind of row is read into an array of elements: `fill` copies
 * the current row's columns into `elem` (zeroed before), false when out of
 * memory; `drop` frees what fill allocated inside an element (NULL: nothing),
 * also of an element fill left half-filled. */
typedef struct pv_row_reader {
    size_t elem;  /* the size of one element */
    size_t first; /* elements of room at the first growth */
    bool (*fill)(sqlite3_stmt *st, void *elem, void *user);
    void (*drop)(void *elem);
} pv_row_reader;

/* Steps a prepared and bound statement to its end (then resets it), one
 * element a row, the array growing through pv_grow. Returns the array
 * (malloc'd, the caller's to free, NULL when no row) with *n its elements
 * and *status PV_OK; on a database error or out of memory *status says
 * so, err is set, NULL and *n 0 come back and nothing is left allocated. */
void *pv_read_rows(pv_ctx *ctx, sqlite3_stmt *st, const pv_row_reader *r, void *user,
                   size_t *n, pv_status *status, pv_error *err);

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

/* Appends `v` to `s` as a JSON string ("null" for NULL): quotes and
 * backslashes escaped, control characters as \u00XX (core/json.c). */
void pv_json_string(sqlite3_str *s, const char *v);

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

/* The store's rows and the bulk inserter: core/store_internal.h. */

#endif
