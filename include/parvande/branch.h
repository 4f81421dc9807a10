/* parvande — this database's own branch office: its code (the high bits of
 * every record id it hands out, see pv_id), province, county and office.
 * One row, created by the first migration with code 1 until `init` sets it. */
#ifndef PARVANDE_BRANCH_H
#define PARVANDE_BRANCH_H

#include "parvande/context.h"
#include "parvande/records.h"

#define PV_BRANCH_CODE_MAX 8388607 /* 2^23 - 1: code << 40 must fit a pv_id */

typedef struct pv_branch {
    int64_t code;              /* 1..PV_BRANCH_CODE_MAX */
    char province[PV_NAME_SZ];
    char county[PV_NAME_SZ];
    char office[PV_NAME_SZ];
} pv_branch;

/* Reads the branch row. Anyone may. */
pv_status pv_branch_get(pv_ctx *ctx, pv_branch *out, pv_error *err);

/* Sets the branch (system or administrator actor only: PV_EDENIED else).
 * Text fields are normalised (PV_EINVAL naming "branch" on bad text or a
 * code out of range). The code can change only while no household or
 * person is recorded at the old code (PV_ECONFLICT otherwise), because
 * records keep their branch. Updates the context's branch code. */
pv_status pv_branch_set(pv_ctx *ctx, const pv_branch *b, pv_error *err);

#endif
