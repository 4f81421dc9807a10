/* parvande — the audit trail: who changed which record when, with the old
 * and new values, and every refused attempt.
 *
 * The trail is one append-only table, `audit`. Each entry carries
 * prev_hash (the hash of the entry before it) and hash = SHA-256 of the
 * entry's canonical form including prev_hash, so an entry changed,
 * removed or reordered with another tool breaks the chain, and
 * pv_audit_verify finds the first place where it breaks.
 *
 * Changes are recorded by SQLite triggers that pv_audit_install creates on
 * every data table (so no module can forget), calling SQL functions that
 * pv_audit_install registers on the connection: pv_actor() (the acting
 * user's name) and the function that appends a chained entry. Other tools
 * (the sqlite3 shell) cannot change data tables while the triggers are in
 * place, because those functions do not exist there; nothing in the program
 * edits or deletes audit entries, and triggers on `audit` refuse it.
 *
 * Errors as in error.h: PV_EDENIED when the actor may not read the trail,
 * PV_ENOTFOUND for an unknown national ID, PV_EFAIL for the database.
 */
#ifndef PARVANDE_AUDIT_H
#define PARVANDE_AUDIT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "parvande/context.h"

/* ---- installation (called by pv_ctx_open) ---- */

/* Registers the audit SQL functions on the context's connection (once per
 * context) and (re)creates, idempotently, the audit triggers of every data
 * table: every table except audit, login_state, *_history (filled by
 * triggers of audited tables), sqlite_* and virtual tables with their
 * shadow tables. Each trigger records the row's columns as JSON (without
 * pwhash and the fold_* search keys); an update that changed nothing but
 * updated_at/updated_by records nothing. Must run after the migrations, on
 * every open: a table added or altered by a migration gets its triggers
 * then. Writes only when a trigger is missing or differs (in a savepoint). */
pv_status pv_audit_install(pv_ctx *ctx, pv_error *err);

/* Registers only the SQL functions (needed before migrations that write to
 * tables which already have audit triggers). Idempotent. */
pv_status pv_audit_register(pv_ctx *ctx, pv_error *err);

/* Drops the audit triggers of the data tables (not the protection of the
 * audit table), e.g. before a migration that drops a column; the next
 * pv_audit_install recreates them. */
pv_status pv_audit_drop_triggers(pv_ctx *ctx, pv_error *err);

/* ---- appending (for the core's modules) ---- */

/* Appends one entry done by the current actor: `action` a short code
 * ("login", "login-failed", "locked", "user-add", "import"...), `table` and
 * `record_id` the record concerned (NULL/0 when none), `detail` a JSON
 * object text or NULL, `reason` NULL for an action done, else why it was
 * refused (the entry's outcome is then "refused"). Inside an open
 * transaction the entry is appended there (and rolled back with it). */
pv_status pv_audit_append(pv_ctx *ctx, const char *action, const char *table, pv_id record_id,
                          const char *detail, const char *reason, pv_error *err);

/* Records a refused attempt by the current actor: `action` what was tried
 * ("file-write", "user-admin"...), `detail` a JSON object text or NULL,
 * `reason` why it was refused (English, stored as is). It must survive a
 * rollback of the transaction it happened in: outside a transaction it is
 * appended at once; inside one it is held in the context and appended by
 * pv_audit_flush, which the transaction helpers call after COMMIT and after
 * ROLLBACK (and pv_ctx_close before closing; pv_authz_check and the login
 * functions also flush). Never fails the caller: a problem writing the
 * entry leaves it held for the next flush. pv_authz_check calls this for
 * every refusal. */
void pv_audit_refused(pv_ctx *ctx, const char *action, const char *detail, const char *reason);

/* Appends the refused attempts held by pv_audit_refused. A no-op inside a
 * transaction or when none is held. */
pv_status pv_audit_flush(pv_ctx *ctx, pv_error *err);

/* ---- bulk import ----
 *
 * A full entry per row (old and new values as JSON, hashed) costs more than
 * the import of the row itself, so an importer switches to bulk mode: the
 * triggers then only note which records each statement inserted, updated
 * or deleted, and the importer appends ONE entry per committed batch
 * (action "import") naming the source file and its SHA-256, who imported
 * it, and every record the batch touched, per table and operation, as runs
 * of ids: {"source":..,"sha256":..,"records":N,"changes":{"person":
 * {"insert":[[lo,hi],..],"update":[[lo,hi],..]},..}}. The batch entry is in
 * the hash chain like any other; the values themselves are the rows (and
 * the *_history tables for what an update replaced), and the file they
 * came from is pinned by its hash. `audit show` lists the batch entries
 * that touched a file.
 *
 * Use: pv_audit_bulk_begin once; for each batch, pv_audit_bulk_commit just
 * before COMMIT (inside the transaction) or pv_audit_bulk_rollback after a
 * ROLLBACK; pv_audit_bulk_end at the end (also on errors). A row undone by
 * ROLLBACK TO a savepoint inside a batch may still be listed. */

/* Enters bulk mode. `source` (a file name, may be NULL) and `sha256` (its
 * hex SHA-256 from pv_audit_file_sha256, may be NULL) go into each batch
 * entry. */
pv_status pv_audit_bulk_begin(pv_ctx *ctx, const char *source, const char *sha256,
                              pv_error *err);

/* Appends the batch entry for the records noted since the last commit (none
 * when nothing was noted) and starts a new batch. Call inside the batch's
 * transaction, before COMMIT, so the entry and the rows commit together. */
pv_status pv_audit_bulk_commit(pv_ctx *ctx, pv_error *err);

/* Forgets the records noted since the last commit (their transaction was
 * rolled back). */
void pv_audit_bulk_rollback(pv_ctx *ctx);

/* Leaves bulk mode, forgetting anything not committed. */
void pv_audit_bulk_end(pv_ctx *ctx);

/* The SHA-256 of a file's content as 64 hex digits into out. PV_EFAIL when
 * it cannot be read. */
pv_status pv_audit_file_sha256(const char *path, char out[65], pv_error *err);

/* The same, giving up (PV_EFAIL) as soon as *stop is true: another thread
 * that no longer needs the hash (an import refused at its first line) sets
 * it instead of waiting for a large file to be read to its end. */
pv_status pv_audit_file_sha256_until(const char *path, char out[65], const atomic_bool *stop,
                                     pv_error *err);

/* ---- reading ---- */

typedef struct pv_audit_entry {
    int64_t seq;          /* 1, 2, 3... in order of appending */
    char at[32];          /* UTC "YYYY-MM-DDTHH:MM:SS.sssZ" (before schema 5: no .sss) */
    char actor[64];       /* login name, "system" for the program */
    char action[24];      /* "insert", "update", "delete", "refused", "login"... */
    char table[48];       /* "" when not about a table */
    pv_id record_id;      /* 0 when none */
    char *old_values;     /* JSON object text, NULL when none; owned by the array */
    char *new_values;     /* JSON object text (or the detail), NULL when none */
    bool refused;         /* outcome: false "done", true "refused" */
    char *reason;         /* why it was refused, NULL when done */
    int64_t origin;       /* 0: an entry of this office's trail; else the office whose
                           * trail it is (a file that moved here brings its past, entries
                           * of the branch it was at, as the province holds them) */
} pv_audit_entry;

/* The history of one beneficiary's file: every entry about the person with
 * this national ID, their household, its members, its case file, its
 * assessments and enrollments, oldest first: first those of the offices
 * the file was at before it moved here (origin set), then this office's. Needs PV_ACT_AUDIT_READ on the
 * file's branch. Caller frees with pv_audit_entries_free. */
pv_status pv_audit_show(pv_ctx *ctx, const char *national_id, pv_audit_entry **out, size_t *n,
                        pv_error *err);

void pv_audit_entries_free(pv_audit_entry *entries, size_t n);

/* ---- verifying ---- */

typedef enum pv_audit_problem {
    PV_AUDIT_INTACT = 0,
    PV_AUDIT_CHANGED,     /* an entry's content no longer matches its hash */
    PV_AUDIT_REMOVED,     /* an entry is missing (a gap, or the end cut off) */
    PV_AUDIT_REORDERED,   /* an entry is not where it was written */
    PV_AUDIT_BROKEN_LINK, /* an entry does not follow the one before it (that one
                           * was changed and re-hashed, or one was removed and the
                           * rest renumbered) */
    PV_AUDIT_HEAD_MISSING /* the head expected (pv_audit_expect) is not in the trail */
} pv_audit_problem;

typedef struct pv_audit_report {
    int64_t entries;          /* entries read */
    pv_audit_problem problem; /* the first problem found, PV_AUDIT_INTACT if none */
    int64_t seq;              /* the entry where it was found (0 when intact) */
    int64_t last_seq;         /* the last entry's seq */
    char head_hash[65];       /* hex hash of the last entry: write it down
                               * somewhere else to detect the end cut off or
                               * the whole chain rewritten later */
} pv_audit_report;

/* Walks the whole chain in order and reports the first problem: an entry
 * changed, removed, moved, and the end cut off, which shows against the
 * head the program keeps in audit_head (it never moves back, and new
 * entries are numbered after it, so deleted tail entries leave a gap) and
 * in a file beside the database (DB.audit-head, written when a program
 * that appended closes, and by a verification that found the trail
 * intact). Returns
 * PV_OK when the walk was done (whatever it found: see rep->problem),
 * PV_EDENIED when the actor may not read the trail, PV_EFAIL on a database
 * error. Reads in one read transaction, in constant memory. */
pv_status pv_audit_verify(pv_ctx *ctx, pv_audit_report *rep, pv_error *err);

/* Checks an intact report against a head written down elsewhere: `expect`
 * an entry number (the trail must reach it) or a 64-hex-digit hash (an
 * entry of the trail must have it). Sets rep->problem (PV_AUDIT_REMOVED,
 * PV_AUDIT_CHANGED or PV_AUDIT_HEAD_MISSING) when it does not. PV_EINVAL
 * naming the field "expect" when `expect` is neither. */
pv_status pv_audit_expect(pv_ctx *ctx, const char *expect, pv_audit_report *rep, pv_error *err);

/* Writes the trail's head to the file beside the database when this
 * context appended entries (called by pv_ctx_close; best effort). */
void pv_audit_keep_head(pv_ctx *ctx);

/* ---- the records against the trail ---- */

typedef enum pv_audit_finding_kind {
    PV_FIND_CHANGED,         /* a record's values differ from what its last entry made them */
    PV_FIND_NO_ENTRY,        /* a record no entry mentions (written behind the program) */
    PV_FIND_VANISHED,        /* an entry's record is gone, and no entry deleted it */
    PV_FIND_UNDELETED,       /* a record is there although its last entry deleted it */
    PV_FIND_HISTORY_CHANGED, /* a version in the *_history table differs from the trail */
    PV_FIND_HISTORY_MISSING, /* an update or delete whose old version the history lacks */
    PV_FIND_HISTORY_EXTRA,   /* a version in the history that no entry replaced */
    PV_FIND_DIGEST           /* an import batch's list of record hashes is missing or altered */
} pv_audit_finding_kind;

typedef struct pv_audit_finding {
    pv_audit_finding_kind kind;
    char table[48];
    pv_id record_id;  /* 0 for PV_FIND_DIGEST */
    int64_t seq;      /* the audit entry concerned, 0 when none */
} pv_audit_finding;

typedef struct pv_audit_records_report {
    int64_t tables;       /* audited tables read */
    int64_t records;      /* their records */
    int64_t history_rows; /* versions in their *_history tables */
    int64_t unchecked;    /* records whose last entry holds nothing to compare
                           * (an import from before record hashes) */
    int64_t findings;     /* what found was called for */
} pv_audit_records_report;

/* Compares every record of every audited table, and every version in the
 * *_history tables, with the audit trail: a record must be what its last
 * entry made it (a per-row entry's new values, or the hash an import batch
 * kept of it), every record must have an entry, every record an entry
 * inserted or updated must still be there unless an entry deleted it, and
 * the k-th version of a record in its history must be what the record was
 * before its k-th update or delete. Calls `found` (may be NULL) for each
 * finding, in table and record order. Tables whose records have no key
 * (WITHOUT ROWID and no id column) are not compared. One read
 * transaction; memory about 24 bytes per entry about a record of the
 * largest table, plus 8 bytes a record imported in bulk. Needs
 * PV_ACT_AUDIT_READ; PV_OK when the comparison was done, whatever it
 * found (rep->findings). */
pv_status pv_audit_verify_records(pv_ctx *ctx,
                                  void (*found)(void *arg, const pv_audit_finding *f), void *arg,
                                  pv_audit_records_report *rep, pv_error *err);

/* Translated sentence for a finding, naming the table, record and entry. */
void pv_audit_finding_text(const pv_audit_finding *f, char *buf, size_t size);

/* Translated sentence for a problem ("entry %lld was changed"...), written
 * into buf. */
void pv_audit_problem_text(const pv_audit_report *rep, char *buf, size_t size);

#endif
