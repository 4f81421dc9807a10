/* parvande — the audit trail's state of a connection, which the trail's files
 * and users.c (logins, the clock) share (private to the core). */
#ifndef PARVANDE_SECURITY_H
#define PARVANDE_SECURITY_H

#include <stdbool.h>
#include <stdint.h>
#include "internal.h"

/* A refused attempt waiting for its transaction to end (pv_audit_refused). */
typedef struct pv_sec_pending {
    char *actor, *action, *detail, *reason, *at;
} pv_sec_pending;

/* Bulk mode (pv_audit_bulk_begin): the records one batch touched, per
 * table and operation, as runs of consecutive ids. */
typedef struct pv_bulk_run {
    int64_t lo, hi;
} pv_bulk_run;

typedef struct pv_bulk_set {
    char table[32];
    char op[8];          /* insert, update, delete */
    pv_bulk_run *runs;
    size_t n_runs, cap_runs;
    int64_t count;
} pv_bulk_set;

/* Per-connection state of the security module. Created by
 * pv_audit_register, owned by the connection: SQLite frees it (through the
 * destructor of the pv_actor() function) when the connection closes. */
struct pv_security {
    pv_ctx *ctx;
    int64_t (*now)(void *arg); /* NULL: the real clock */
    void *now_arg;
    pv_sec_pending *pending;   /* refused attempts held during a transaction */
    size_t n_pending, cap_pending;
    bool bulk;                 /* one entry per batch instead of per row */
    char *bulk_source;         /* the import's file name and SHA-256 */
    char *bulk_sha256;
    pv_bulk_set *sets;
    size_t n_sets, cap_sets;
    bool bulk_oom;             /* a note was lost: the batch entry says so */
    bool appended;             /* this connection appended an entry (see audit_head.c) */
};

/* The security state of ctx, NULL before pv_audit_register. */
struct pv_security *pv_sec(pv_ctx *ctx);

/* Seconds since the epoch by the context's clock. */
int64_t pv_sec_now(pv_ctx *ctx);

/* UTC "YYYY-MM-DDTHH:MM:SSZ" of `t` into out (at least 21 bytes). */
void pv_sec_format_time(int64_t t, char *out, size_t size);

/* pv_audit_append with an explicit actor name (logins, where the actor is
 * the person trying to log in, not yet the context's actor). */
pv_status pv_audit_append_as(pv_ctx *ctx, const char *actor, const char *action,
                             const char *table, pv_id record_id, const char *detail,
                             const char *reason, pv_error *err);

#endif
