/* parvande — money per service and province for a Jalali year: the credit
 * (table credit), what enrollments still running have committed and what
 * completed ones were paid (table enrollment), in one aggregation. Groups,
 * courses and insurance are in core/stats_records.c. */
#include <string.h>

#include "parvande/authz.h"
#include "stats_internal.h"
#include "svc_internal.h"

/* ?1 year, ?2 service ('' any), ?3 branch (0 any). The credit is the
 * province's; the enrollments' money is the branch's. */
static const char money_sql[] =
    "SELECT code, max(province), sum(credit), sum(committed), sum(paid), sum(left) FROM ("
    "SELECT code, province_key, province, amount AS credit, 0 AS committed, 0 AS paid, "
    "amount - committed AS left FROM credit WHERE year = ?1 AND (?2 = '' OR code = ?2) "
    "UNION ALL SELECT code, province_key, province, 0, "
    "sum(CASE WHEN status IN ('requested', 'in_progress') THEN amount ELSE 0 END), "
    "sum(CASE WHEN status = 'completed' THEN amount ELSE 0 END), 0 FROM enrollment "
    "WHERE jyear = ?1 AND charged_credit = 1 AND (?2 = '' OR code = ?2) "
    "AND (?3 = 0 OR branch_code = ?3) GROUP BY code, province_key) "
    "GROUP BY code, province_key ORDER BY code, province_key";

pv_status pv_stats_money_list(pv_ctx *ctx, const char *code_in, int jyear, pv_stats_money **out,
                              size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err) != PV_OK)
        return PV_EDENIED;
    char code[32];
    if (stats_code(code_in, code, err) != PV_OK)
        return PV_EINVAL;
    if (jyear < 1300 || jyear > 1500)
        return pv_error_field(err, "year", _("a Jalali year from 1300 to 1500 is needed"));
    sqlite3_stmt *st;
    if (pv_stmt(ctx, money_sql, &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int(st, 1, jyear);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, stats_branch(ctx));
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pv_stats_money *g = svc_grow(*out, *n, &cap, sizeof *g, 16);
        if (!g) {
            sqlite3_reset(st);
            free(*out);
            *out = NULL;
            *n = 0;
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        }
        *out = g;
        pv_stats_money *m = &g[(*n)++];
        memset(m, 0, sizeof *m);
        stats_copy_col(st, 0, m->code, sizeof m->code);
        stats_copy_col(st, 1, m->province, sizeof m->province);
        m->credit = sqlite3_column_int64(st, 2);
        m->committed = sqlite3_column_int64(st, 3);
        m->paid = sqlite3_column_int64(st, 4);
        m->left = sqlite3_column_int64(st, 5);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return pv_db_error(ctx, err);
    }
    return PV_OK;
}
