/* parvande — what the exchange modules share (core/office.c,
 * core/exchange*.c); nothing outside them sees this. */
#ifndef PARVANDE_EXCHANGE_INTERNAL_H
#define PARVANDE_EXCHANGE_INTERNAL_H

/* The session extension's API is declared only with these. */
#ifndef SQLITE_ENABLE_SESSION
#define SQLITE_ENABLE_SESSION 1
#endif
#ifndef SQLITE_ENABLE_PREUPDATE_HOOK
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#endif
#include <sodium.h>

#include "internal.h"
#include "parvande/exchange.h"

/* ---- the exchanged tables (core/exchange_tables.c) ----
 * Which way each table travels: up (a branch to its province, a province
 * to the headquarters) or down. A module adds its table with one entry. */
enum { PV_XUP = 1, PV_XDOWN = 2, PV_XBOTH = 3 };
typedef struct pv_xtable {
    const char *name;
    unsigned dir;
    const char *local_cols; /* space-separated columns each office keeps its own, or NULL */
    const char *derived;    /* "column:source ..." search keys folded from a column, or NULL */
    const char *scope;      /* going down, only rows whose this column is the recipient's
                               code travel; NULL: every row */
} pv_xtable;
extern const pv_xtable pv_exchange_tables[]; /* ends with a NULL name */
const pv_xtable *pv_xtable_find(const char *name);
/* Is `col` one of the table's local columns? */
bool pv_xtable_local_col(const pv_xtable *t, const char *col);

/* Is `col` derived from another column (never a conflict of its own)? */
bool pv_xtable_derived_col(const pv_xtable *t, const char *col);
/* Who-and-when columns ("updated_at", "loaded_by"...): never a conflict
 * of their own either. */
bool pv_xcol_bookkeeping(const char *col);
/* " WHERE k1 = json_extract(?N, '$[0]') AND ..." for the table's primary
 * key, given as a JSON array in parameter N (sqlite3_free). */
char *pv_xkey_where(pv_ctx *ctx, const char *table, int param);
/* Folds the derived columns of one row again from their sources, after
 * a merge or a decision changed a source. */
pv_status pv_xtable_refresh(pv_ctx *ctx, const pv_xtable *t, const char *key, pv_error *err);
/* Appends ", "fold_x" = pv_xfold(?param)" to an UPDATE's SET list for
 * each derived column whose source is `col` (set from parameter `param`):
 * the source and its search key change in ONE statement, so that the
 * history and the audit trail see one update, not two. */
void pv_xtable_derived_sets(pv_ctx *ctx, const pv_xtable *t, const char *col, int param,
                            sqlite3_str *q);

/* ---- this office's keys (core/office.c) ---- */
typedef struct pv_office_keys {
    unsigned char sign_sk[crypto_sign_SECRETKEYBYTES];
    unsigned char sign_pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char box_sk[crypto_box_SECRETKEYBYTES];
    unsigned char box_pk[crypto_box_PUBLICKEYBYTES];
} pv_office_keys;

/* Opens the sealed secret keys with the passphrase (PV_EDENIED when it is
 * wrong). The caller wipes *keys with sodium_memzero when done. */
pv_status pv_office_unlock(pv_ctx *ctx, const char *passphrase, pv_office_keys *keys,
                           pv_error *err);
/* A trusted office (or self) with its public keys; PV_ENOTFOUND if unknown. */
pv_status pv_office_get(pv_ctx *ctx, int64_t code, pv_office *out,
                        unsigned char sign_pk[32], unsigned char box_pk[32], pv_error *err);
/* Only administrators (and the program itself) exchange packages and
 * manage offices; supervisors (and the program) resolve conflicts. A
 * refusal is audited. */
pv_status pv_exchange_require(pv_ctx *ctx, bool supervisor, const char *action, pv_error *err);

/* ---- conflicts (core/exchange_apply.c) ---- */
/* Applies one changeset from `peer` inside the caller's transaction: what
 * does not clash is applied, fields changed on one side only are merged,
 * the rest goes to the review queue. Adds to *merged and *conflicts. */
pv_status pv_exchange_apply(pv_ctx *ctx, int64_t peer, unsigned dir, const void *cs, int n,
                            long *changes, long *merged, long *conflicts, pv_error *err);
/* After applying a child's package: credits whose enrollments exceed them
 * become conflicts (once each while open). */
pv_status pv_exchange_check_credits(pv_ctx *ctx, int64_t peer, long *conflicts, pv_error *err);

/* At the branch a file moved from: the transfers in the changeset move
 * the file here too (core/exchange_transfer.c). */
pv_status pv_exchange_apply_transfers(pv_ctx *ctx, const void *cs, int n, pv_error *err);

/* ---- packages held for a gap (core/exchange_held.c) ---- */
/* Is package `seq` of `peer` held here? */
pv_status pv_xheld_find(pv_ctx *ctx, int64_t peer, int64_t seq, bool *found, pv_error *err);
/* Keeps the package (signed and sealed as it came). */
pv_status pv_xheld_store(pv_ctx *ctx, int64_t peer, int64_t seq, int64_t first,
                         const unsigned char *pkg, size_t len, pv_error *err);
/* The lowest held package of `peer` that follows section `at` without a
 * gap (*pkg malloc'ed, free()); PV_ENOTFOUND, without a message, if none. */
pv_status pv_xheld_next(pv_ctx *ctx, int64_t peer, int64_t at, unsigned char **pkg, size_t *len,
                        pv_error *err);
/* Forgets the held packages of `peer` up to `at` (applied now). */
pv_status pv_xheld_drop(pv_ctx *ctx, int64_t peer, int64_t at, pv_error *err);
/* How many packages of `peer` are held. */
pv_status pv_xheld_count(pv_ctx *ctx, int64_t peer, long *n, pv_error *err);

/* ---- compression of a package's sections (core/exchange_pack.c) ---- */
/* *out (malloc'ed, free()) is `in` compressed, with its length in front. */
pv_status pv_xpack_deflate(const unsigned char *in, size_t n, unsigned char **out, size_t *len,
                           pv_error *err);
/* The reverse; PV_EINVAL (damaged) when the stream or its length is wrong. */
pv_status pv_xpack_inflate(const unsigned char *in, size_t n, unsigned char **out, size_t *len,
                           pv_error *err);
/* PV_EINVAL: not a package, or cut short or damaged. */
pv_status pv_xpack_damaged(pv_error *err);

/* ---- the audit trail going up (core/exchange_audit.c) ---- */
/* Attaches the in-memory copy of audit_remote (before the transaction). */
pv_status pv_xaudit_attach(pv_ctx *ctx, pv_error *err);
void pv_xaudit_detach(pv_ctx *ctx);
/* Inside the export's transaction: this office's (`self`) entries not yet
 * sent to `peer`, as a changeset of inserts into audit_remote
 * (sqlite3_free), and notes them as sent. */
pv_status pv_xaudit_changeset(pv_ctx *ctx, int64_t self, int64_t peer, void **cs, int *n,
                              pv_error *err);

/* ---- the digests of the sections (core/exchange_received.c) ---- */
/* BLAKE2b of a section's changeset. */
void pv_xdigest(const void *cs, size_t n, unsigned char d[32]);
/* *found: section `seq` of `peer` was applied here (`seq` 0: a section of
 * any number with digest `d`); *same: with digest `d`. */
pv_status pv_xreceived(pv_ctx *ctx, int64_t peer, int64_t seq, const unsigned char d[32],
                       bool *found, bool *same, pv_error *err);
/* Notes section `seq` of `peer` as applied here with digest `d`. */
pv_status pv_xreceived_note(pv_ctx *ctx, int64_t peer, int64_t seq, const unsigned char d[32],
                            pv_error *err);
/* The digest of section `seq` of `peer` as applied here, or of this
 * office's section `seq` to `peer` still kept; *found false if none. */
pv_status pv_xreceived_digest(pv_ctx *ctx, int64_t peer, int64_t seq, unsigned char d[32],
                              bool *found, pv_error *err);
pv_status pv_xsent_digest(pv_ctx *ctx, int64_t peer, int64_t seq, unsigned char d[32],
                          bool *found, pv_error *err);

/* Counts the row changes of a changeset (entries of a trail aside). */
long pv_changeset_count(const void *cs, int n);

#endif
