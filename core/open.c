/* parvande — opening a context with the audit trail wired in. The context
 * (core/context.c) and the role table (core/authz.c) know nothing of the
 * trail, which is above them (it checks who may read it); they tell it
 * what it must hear of through these hooks. */
#include "internal.h"
#include "parvande/audit.h"

static pv_status install_triggers(pv_ctx *ctx, pv_error *err)
{
    return ctx->readonly ? PV_OK : pv_audit_install(ctx, err);
}

static void flush_refusals(pv_ctx *ctx)
{
    pv_audit_flush(ctx, NULL);
}

static void keep_trail(pv_ctx *ctx)
{
    pv_audit_flush(ctx, NULL);
    pv_audit_keep_head(ctx);
}

static const pv_ctx_hooks audit_hooks = {
    .connected = pv_audit_register,
    .migrated = install_triggers,
    .settled = flush_refusals,
    .refused = pv_audit_refused,
    .closing = keep_trail,
};

pv_status pv_ctx_open(const char *path, pv_lang lang, pv_ctx **out, pv_error *err)
{
    return pv_ctx_connect(path, lang, &audit_hooks, out, err);
}
