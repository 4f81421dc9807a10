/* parvande — the branch row: this database's office (see
 * include/parvande/branch.h). */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "parvande/authz.h"
#include "parvande/branch.h"
#include "parvande/text.h"

pv_status pv_branch_get(pv_ctx *ctx, pv_branch *out, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT code, province, county, office FROM branch WHERE id = 1", &st,
                err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? pv_error_set(err, PV_ENOTFOUND, "branch", "%s",
                                                _("This database has no branch."))
                                 : pv_db_error(ctx, err);
    }
    memset(out, 0, sizeof *out);
    out->code = sqlite3_column_int64(st, 0);
    snprintf(out->province, sizeof out->province, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(out->county, sizeof out->county, "%s", (const char *)sqlite3_column_text(st, 2));
    snprintf(out->office, sizeof out->office, "%s", (const char *)sqlite3_column_text(st, 3));
    sqlite3_reset(st);
    return PV_OK;
}

/* True when some record still carries a branch code other than `code`. */
static pv_status records_elsewhere(pv_ctx *ctx, int64_t code, bool *yes, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT EXISTS (SELECT 1 FROM household WHERE branch_code <> ?1)"
                " OR EXISTS (SELECT 1 FROM person WHERE branch_code <> ?1)",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_int64(st, 1, code);
    int rc = sqlite3_step(st);
    *yes = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_branch_set(pv_ctx *ctx, const pv_branch *b, pv_error *err)
{
    /* Only an administrator (or the program at init) configures the office. */
    pv_status ok = pv_authz_check(ctx, PV_ACT_USER_ADMIN, ctx->branch_code, err);
    if (ok != PV_OK)
        return ok;
    if (b->code < 1 || b->code > PV_BRANCH_CODE_MAX)
        return pv_error_field(err, "branch", _("the branch code must be a number from 1 to 8388607"));
    pv_branch n = {.code = b->code};
    if (pv_text_normalize(b->province, PV_TEXT_LINE, "province", n.province, sizeof n.province, err) != PV_OK ||
        pv_text_normalize(b->county, PV_TEXT_LINE, "county", n.county, sizeof n.county, err) != PV_OK ||
        pv_text_normalize(b->office, PV_TEXT_LINE, "branch", n.office, sizeof n.office, err) != PV_OK)
        return PV_EINVAL;
    bool busy = false;
    if (b->code != ctx->branch_code) {
        pv_status rc = records_elsewhere(ctx, b->code, &busy, err);
        if (rc != PV_OK)
            return rc;
        if (busy)
            return pv_error_set(err, PV_ECONFLICT, "branch", "%s",
                                _("The branch code cannot change once files are recorded under it."));
    }
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "UPDATE branch SET code = ?1, province = ?2, county = ?3, office = ?4,"
                " updated_at = " PV_NOW " WHERE id = 1",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_int64(st, 1, n.code);
    sqlite3_bind_text(st, 2, n.province, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, n.county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, n.office, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if (ctx->actor.branch_code == ctx->branch_code && ctx->actor.role == PV_ROLE_SYSTEM)
        ctx->actor.branch_code = n.code;
    ctx->branch_code = n.code;
    ctx->n_ids = 0;
    return PV_OK;
}
