/* parvande — what the audit trail's files share (private to the core). */
#ifndef PARVANDE_AUDIT_INTERNAL_H
#define PARVANDE_AUDIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "internal.h"
#include "parvande/audit.h"

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

#endif
