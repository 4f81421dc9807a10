/* parvande — the branch's limit after which a pending inquiry is overdue
 * (table inquiry_setting, migration 10): read by the home screen's count,
 * the inquiries list and `inquiry list --overdue`. */
#include "grp_internal.h"
#include "parvande/authz.h"

static int64_t actor_branch(pv_ctx *ctx)
{
    const pv_actor *a = pv_ctx_actor(ctx);
    return a->branch_code ? a->branch_code : pv_ctx_branch(ctx);
}

pv_status pv_inquiry_overdue_days(pv_ctx *ctx, int *days, pv_error *err)
{
    *days = PV_INQUIRY_OVERDUE_DAYS;
    sqlite3_stmt *q;
    if (pv_stmt(ctx, "SELECT overdue_days FROM inquiry_setting WHERE branch_code = ?1", &q, err)
        != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, actor_branch(ctx));
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *days = sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_inquiry_overdue_days_set(pv_ctx *ctx, int days, pv_error *err)
{
    if (pv_authz_check(ctx, PV_ACT_CATALOG_ADMIN, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    if (days < 1 || days > 365)
        return pv_error_field(err, "days", _("between 1 and 365"));
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "INSERT INTO inquiry_setting (branch_code, overdue_days) VALUES (?1, ?2) "
                "ON CONFLICT (branch_code) DO UPDATE SET overdue_days = ?2",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, actor_branch(ctx));
    sqlite3_bind_int(q, 2, days);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}
