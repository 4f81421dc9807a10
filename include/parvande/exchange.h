/* parvande — offices and exchange packages between them (see doc/exchange.md).
 *
 * An office (a branch, a province, the headquarters) has a code (its
 * database's branch code), a level, a parent, and two key pairs: Ed25519
 * to sign the packages it sends, X25519 to open the packages sent to it.
 * The secret keys are kept in the database only sealed with a passphrase
 * (Argon2id + XSalsa20-Poly1305); the passphrase is asked for every export
 * and import and never stored.
 *
 * A package carries the changes of the exchanged tables (SQLite's session
 * extension: a changeset per export) in numbered sections, encrypted to
 * the recipient and signed by the sender. Changes that meet a different
 * local value become conflicts in a review queue (pv_conflict_*).
 *
 * Every function returns PV_OK or an error status with a message in the
 * context's language; on error nothing was changed. Strings and arrays
 * returned through out-parameters are owned by the caller, who frees them
 * with the matching *_free function (or free() where it says so).
 */
#ifndef PARVANDE_EXCHANGE_H
#define PARVANDE_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "parvande/context.h"
#include "parvande/error.h"

typedef enum pv_office_level {
    PV_OFFICE_BRANCH = 0, PV_OFFICE_PROVINCE = 1, PV_OFFICE_HQ = 2
} pv_office_level;

/* "branch", "province", "hq"; parsing accepts the same words. */
const char *pv_office_level_code(pv_office_level level);
bool pv_office_level_parse(const char *s, pv_office_level *out);

/* Fingerprint of an office's public keys: 8 groups of 4 hexadecimal
 * digits separated by spaces (BLAKE2b of both keys), read aloud on the
 * phone by the two administrators. */
#define PV_FINGERPRINT_SZ 40

typedef struct pv_office {
    int64_t code;
    pv_office_level level;
    int64_t parent;       /* 0 when none (the headquarters) */
    bool self;            /* this database's own office */
    char fingerprint[PV_FINGERPRINT_SZ];
    char trusted_at[32];  /* UTC stamp, "" for self */
    char trusted_by[64];
    int64_t out_seq;      /* last package this office sent to it */
    int64_t out_acked;    /* highest of those it has acknowledged */
    int64_t in_seq;       /* highest of its packages applied here */
} pv_office;

/* Makes this database's office identity: code = the database's branch
 * code, `parent` 0 for none. Creates both key pairs and seals the secret
 * keys with `passphrase` (at least 8 characters). Administrators only.
 * PV_ECONFLICT if the office already has its keys, PV_EINVAL for a bad
 * passphrase or parent. */
pv_status pv_office_init(pv_ctx *ctx, pv_office_level level, int64_t parent,
                         const char *passphrase, pv_error *err);

/* This office (PV_ENOTFOUND before pv_office_init). */
pv_status pv_office_self(pv_ctx *ctx, pv_office *out, pv_error *err);

/* This office's public identity as text (a few "key value" lines) for
 * the other office's `office trust`. *out is malloc'ed; free() it. */
pv_status pv_office_public(pv_ctx *ctx, char **out, pv_error *err);

/* Reads another office's public identity text, checks it, and trusts it
 * (a new office, or the same keys again). `expect_fp`, when not NULL,
 * must equal its fingerprint (spaces and case ignored), else PV_EINVAL
 * and nothing is stored. Different keys for an office already trusted are
 * refused (PV_ECONFLICT). Administrators only. *out describes it. */
pv_status pv_office_trust(pv_ctx *ctx, const char *text, const char *expect_fp,
                          pv_office *out, pv_error *err);

/* Every office known here, this one first. Free *out with free(). */
pv_status pv_office_list(pv_ctx *ctx, pv_office **out, size_t *n, pv_error *err);

/* ---- packages ---- */

typedef struct pv_exchange_report {
    int64_t from, to;
    int64_t first_seq, seq; /* the sections it carries: first_seq..seq */
    int64_t ack;            /* the highest of the recipient's packages the sender had applied */
    long changes;           /* row changes in the sections (export: all; import: applied) */
    long applied_sections;  /* import: sections applied now */
    long skipped_sections;  /* import: sections already applied before */
    long merged;            /* import: fields taken from the other side without asking */
    long conflicts;         /* import: new entries in the review queue */
    size_t bytes;           /* size of the package */
    int64_t waiting_for;    /* import: 0 when applied; else the package was held, waiting
                               for this one of its sender's, and is applied when it comes */
    long released;          /* import: held packages applied after this one, in order */
    long still_held;        /* import: packages of the sender still held after it */
    int64_t renumbered_past; /* import: 0; else the other office had applied this office's
                                packages up to this one, which this office no longer has (it
                                went back to a backup): its packages not acknowledged are
                                numbered again after it and sent with the next export */
    long renumbered;         /* import: how many packages were so numbered again */
} pv_exchange_report;

/* Writes a package for the trusted office `to` (this office's parent or
 * child): every change of the tables going that way since the last
 * export, plus the sections it has not acknowledged yet, and the
 * acknowledgement of its own packages. Administrators only.
 * *pkg (malloc'ed, free()) holds *len bytes. */
pv_status pv_exchange_export(pv_ctx *ctx, int64_t to, const char *passphrase,
                             unsigned char **pkg, size_t *len, pv_exchange_report *rep,
                             pv_error *err);

/* Checks and applies a package in one transaction. Refused, with nothing
 * changed: not a package or incomplete (PV_EINVAL), from an office not
 * trusted here or altered or signed by another key (PV_EDENIED), meant for
 * another office (PV_EINVAL), already applied or already held
 * (PV_ECONFLICT), made by a newer schema or of an older format
 * (PV_EINVAL). A package that comes before one it follows is HELD: kept,
 * PV_OK with rep->waiting_for set, and applied by the import that fills
 * the gap, after that package and in order (rep->released). Administrators
 * only. */
pv_status pv_exchange_import(pv_ctx *ctx, const unsigned char *pkg, size_t len,
                             const char *passphrase, pv_exchange_report *rep, pv_error *err);

/* ---- the trails of the offices below ---- */

struct pv_audit_report;
/* Walks the audit entries that came from office `origin` (its own, or
 * forwarded by an office between) as that office's chain: numbered from 1
 * without a gap, each linked to the one before, each still what its hash
 * says. At a branch, the entries are those a file moved there brought
 * (parts of the chain): each is checked against its own hash, and linked
 * to the one before where that one is there too. rep as
 * pv_audit_verify's (problem, seq, entries, last_seq,
 * head_hash). Needs the right to read the trail. PV_ENOTFOUND when none
 * of its entries has arrived. */
pv_status pv_exchange_verify_trail(pv_ctx *ctx, int64_t origin, struct pv_audit_report *rep,
                                   pv_error *err);

/* ---- the review queue ---- */

typedef enum pv_conflict_kind {
    PV_CONFLICT_FIELD = 0,   /* the same field changed differently on both sides */
    PV_CONFLICT_DELETE_EDIT, /* deleted there, changed here: the row is kept */
    PV_CONFLICT_EDIT_DELETE, /* changed there, deleted here: not brought back */
    PV_CONFLICT_DUPLICATE,   /* a row that clashes with a different one here (a national ID) */
    PV_CONFLICT_OVERSPENT    /* a credit's enrollments exceed its amount */
} pv_conflict_kind;
const char *pv_conflict_kind_code(pv_conflict_kind kind); /* "field", "delete_edit"... */

typedef struct pv_conflict {
    int64_t id;
    pv_conflict_kind kind;
    int64_t peer;          /* the office the other value came from */
    char table[48];
    char key[128];         /* the row's primary key, a JSON array */
    char column[48];       /* "" when the whole row is concerned */
    char *local_value;     /* as text, NULL for SQL NULL or none */
    char *remote_value;
    char local_by[64], local_at[32], remote_by[64], remote_at[32];
    char found_at[32];
    bool open;
    char *resolution;      /* the value chosen, NULL while open */
    char resolved_by[64], resolved_at[32];
} pv_conflict;

/* The queue, oldest first; only the open ones when `open_only`. Release
 * with pv_conflicts_free. */
pv_status pv_conflict_list(pv_ctx *ctx, bool open_only, pv_conflict **out, size_t *n,
                           pv_error *err);
void pv_conflicts_free(pv_conflict *list, size_t n);

typedef enum pv_conflict_choice {
    PV_CHOOSE_LOCAL = 0, PV_CHOOSE_REMOTE, PV_CHOOSE_VALUE
} pv_conflict_choice;

/* A supervisor decides: keep this side's value, take the other side's, or
 * a third `value`. The row is updated, the decision audited and queued to
 * travel to the other office, which applies it too. PV_ENOTFOUND for no
 * open conflict `id`, PV_EINVAL when the value does not fit the column. */
pv_status pv_conflict_resolve(pv_ctx *ctx, int64_t id, pv_conflict_choice choice,
                              const char *value, pv_error *err);

/* ---- a family that moves ---- */

/* At a province: the file (case file, household, members and everything
 * that belongs to them) of `national_id` becomes branch `to`'s, a child
 * of this office. The next package to `to` carries the whole file; the
 * next one to the old branch carries the move, after which the old
 * branch keeps the records read-only (they are another branch's) and a
 * file_transfer row saying where and when they went. Administrators
 * only. PV_ENOTFOUND for no such file, PV_EINVAL for a `to` that is not
 * a branch of this office or already the file's. */
pv_status pv_file_transfer(pv_ctx *ctx, const char *national_id, int64_t to, pv_error *err);

#endif
