/* parvande — the tables exchange packages carry, and which way.
 *
 * Up (branch → province → headquarters): the beneficiaries' files and
 * what was done for them. Down: the catalog, the credits and the users.
 * Decisions on conflicts travel both ways. A table not listed here stays
 * in its office (history tables are filled by triggers where the change
 * is applied, the audit trail is each office's own chain, login state is
 * local). A module that adds a table adds one line here; its table needs
 * a PRIMARY KEY whose values are unique across branches (ids made by
 * pv_next_id are).
 *
 * A line can name a scope column: rows go down only to the office whose
 * code they hold there (a branch gets its own users, no other's).
 *
 * The event tables (enrollment_event, person_event, referral_event,
 * insurance_claim) travel since migration 12 gave them branch ids.
 * referral_setting (a branch's own deadlines, keyed by its code) stays in
 * its office. */
#include <stdlib.h>
#include <string.h>

#include "exchange_internal.h"
#include "parvande/text.h"

const pv_xtable pv_exchange_tables[] = {
    {"household", PV_XUP, NULL, NULL, NULL},
    {"person", PV_XUP, NULL,
     "fold_first:first_name fold_last:last_name fold_father:father_name", NULL},
    {"casefile", PV_XUP, NULL, NULL, NULL},
    {"assessment", PV_XUP, NULL, NULL, NULL},
    {"person_fact", PV_XUP, NULL, NULL, NULL},
    {"person_event", PV_XUP, NULL, NULL, NULL},
    {"enrollment", PV_XUP, NULL, NULL, NULL},
    {"enrollment_event", PV_XUP, NULL, NULL, NULL},
    {"enrollment_document", PV_XUP, NULL, NULL, NULL},
    /* groups, courses, inquiries: the branch's work (ids by pv_next_id,
     * or keys made of such ids) */
    {"aid_group", PV_XUP, NULL, NULL, NULL},
    {"group_member", PV_XUP, NULL, NULL, NULL},
    {"group_step", PV_XUP, NULL, NULL, NULL},
    {"group_payment", PV_XUP, NULL, NULL, NULL},
    {"course", PV_XUP, NULL, NULL, NULL},
    {"course_trainee", PV_XUP, NULL, NULL, NULL},
    {"course_attendance", PV_XUP, NULL, NULL, NULL},
    {"course_evaluation", PV_XUP, NULL, NULL, NULL},
    {"inquiry", PV_XUP, NULL, NULL, NULL},
    /* a branch's centres go up before the referrals that name them */
    {"referral_centre", PV_XUP, NULL, NULL, NULL},
    {"referral", PV_XUP, NULL, NULL, NULL},
    {"referral_event", PV_XUP, NULL, NULL, NULL},
    /* the insurance list a branch made for its province's year */
    {"insurance_year", PV_XUP, NULL, NULL, NULL},
    {"insurance_member", PV_XUP, NULL, NULL, NULL},
    {"insurance_claim", PV_XUP, NULL, NULL, NULL},
    /* the trails of the offices below, forwarded up (this office's own
     * entries are added to each package up, core/exchange_audit.c) */
    {"audit_remote", PV_XUP, NULL, NULL, NULL},
    {"service", PV_XDOWN, NULL, NULL, NULL},
    {"service_criterion", PV_XDOWN, NULL, NULL, NULL},
    {"service_step", PV_XDOWN, NULL, NULL, NULL},
    {"service_document", PV_XDOWN, NULL, NULL, NULL},
    /* the money a branch committed is its own bookkeeping */
    {"credit", PV_XDOWN, "committed", NULL, NULL},
    /* a password changed at the branch stays the branch's; a branch
     * receives its own users only */
    {"user", PV_XDOWN, "pwhash", NULL, "branch_code"},
    {"exchange_decision", PV_XBOTH, NULL, NULL, NULL},
    {"file_transfer", PV_XBOTH, NULL, NULL, NULL},
    {NULL, 0, NULL, NULL, NULL},
};

const pv_xtable *pv_xtable_find(const char *name)
{
    for (const pv_xtable *t = pv_exchange_tables; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

bool pv_xtable_local_col(const pv_xtable *t, const char *col)
{
    if (!t || !t->local_cols)
        return false;
    size_t n = strlen(col);
    for (const char *p = t->local_cols; *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, col, n) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

/* The source of a derived column in "column:source ..." (copied into
 * out), or false. */
static bool derived_source(const pv_xtable *t, const char *col, char *out, size_t size)
{
    if (!t || !t->derived)
        return false;
    size_t n = strlen(col);
    for (const char *p = t->derived; *p;) {
        const char *colon = strchr(p, ':');
        if (!colon)
            break;
        const char *end = strchr(colon, ' ');
        size_t sl = end ? (size_t)(end - colon - 1) : strlen(colon + 1);
        if ((size_t)(colon - p) == n && strncmp(p, col, n) == 0) {
            if (out)
                snprintf(out, size, "%.*s", (int)sl, colon + 1);
            return true;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

bool pv_xtable_derived_col(const pv_xtable *t, const char *col)
{
    return derived_source(t, col, NULL, 0);
}

bool pv_xcol_bookkeeping(const char *col)
{
    size_t n = strlen(col);
    return n > 3 && (strcmp(col + n - 3, "_at") == 0 || strcmp(col + n - 3, "_by") == 0);
}

char *pv_xkey_where(pv_ctx *ctx, const char *table, int param)
{
    sqlite3_str *q = sqlite3_str_new(ctx->db);
    sqlite3_stmt *st = NULL;
    char *sql = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) WHERE pk > 0 ORDER BY cid",
                                table);
    int k = 0;
    if (sql && sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW) {
            sqlite3_str_appendf(q, "%s\"%w\" = json_extract(?%d, '$[%d]')",
                                k ? " AND " : " WHERE ", (const char *)sqlite3_column_text(st, 0),
                                param, k);
            k++;
        }
    sqlite3_finalize(st);
    sqlite3_free(sql);
    char *out = sqlite3_str_finish(q);
    if (k == 0) {
        sqlite3_free(out);
        return NULL;
    }
    return out;
}

/* pv_xfold(text): the search key of a name, as the store writes it. */
static void fn_fold(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *in = (const char *)sqlite3_value_text(argv[0]);
    size_t size = in ? strlen(in) * 3 + 4 : 4;
    char *out = malloc(size);
    if (!out) {
        sqlite3_result_error_nomem(c);
        return;
    }
    pv_text_fold(in ? in : "", out, size);
    sqlite3_result_text(c, out, -1, free);
}

void pv_xtable_derived_sets(pv_ctx *ctx, const pv_xtable *t, const char *col, int param,
                            sqlite3_str *q)
{
    if (!t || !t->derived)
        return;
    sqlite3_create_function_v2(ctx->db, "pv_xfold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                               fn_fold, NULL, NULL, NULL);
    size_t n = strlen(col);
    for (const char *p = t->derived; *p;) {
        const char *colon = strchr(p, ':'), *end = strchr(p, ' ');
        if (!colon)
            break;
        size_t sl = end ? (size_t)(end - colon - 1) : strlen(colon + 1);
        if (sl == n && strncmp(colon + 1, col, n) == 0)
            sqlite3_str_appendf(q, ", \"%.*w\" = pv_xfold(?%d)", (int)(colon - p), p, param);
        if (!end)
            break;
        p = end + 1;
    }
}

pv_status pv_xtable_refresh(pv_ctx *ctx, const pv_xtable *t, const char *key, pv_error *err)
{
    if (!t || !t->derived)
        return PV_OK;
    sqlite3_create_function_v2(ctx->db, "pv_xfold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                               fn_fold, NULL, NULL, NULL);
    sqlite3_str *q = sqlite3_str_new(ctx->db);
    sqlite3_str_appendf(q, "UPDATE \"%w\" SET ", t->name);
    int k = 0;
    for (const char *p = t->derived; *p;) {
        const char *colon = strchr(p, ':'), *end = strchr(p, ' ');
        if (!colon)
            break;
        size_t sl = end ? (size_t)(end - colon - 1) : strlen(colon + 1);
        sqlite3_str_appendf(q, "%s\"%.*w\" = pv_xfold(\"%.*w\")", k++ ? ", " : "",
                            (int)(colon - p), p, (int)sl, colon + 1);
        if (!end)
            break;
        p = end + 1;
    }
    char *where = pv_xkey_where(ctx, t->name, 1);
    if (where)
        sqlite3_str_appendall(q, where);
    sqlite3_free(where);
    char *sql = sqlite3_str_finish(q);
    sqlite3_stmt *st = NULL;
    int rc = sql && where ? sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) : SQLITE_ERROR;
    sqlite3_free(sql);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}
