/* parvande — the public face of transactions (see context.h): a caller
 * groups several core calls into one all-or-nothing change. */
#include "internal.h"

pv_status pv_ctx_begin(pv_ctx *ctx, pv_error *err)
{
    if (!sqlite3_get_autocommit(ctx->db))
        return pv_error_set(err, PV_EUSAGE, NULL, "%s",
                            _("a change is already in progress on this connection"));
    return pv_tx_begin(ctx, err);
}

pv_status pv_ctx_commit(pv_ctx *ctx, pv_error *err)
{
    return pv_tx_commit(ctx, err);
}

void pv_ctx_rollback(pv_ctx *ctx)
{
    pv_tx_rollback(ctx);
}
