/* parvande — a file's history from the audit trail (pv_audit_show): every
 * entry about a person's household, its members and its case file,
 * including the import batches that touched them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "parvande/audit.h"
#include "parvande/authz.h"
#include "parvande/validate.h"

/* ---- a file's history ---- */

void pv_audit_entries_free(pv_audit_entry *entries, size_t n)
{
    for (size_t i = 0; entries && i < n; i++) {
        free(entries[i].old_values);
        free(entries[i].new_values);
        free(entries[i].reason);
    }
    free(entries);
}

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t size)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    snprintf(out, size, "%s", s ? s : "");
}

static int dup_col(sqlite3_stmt *st, int i, char **out)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    *out = NULL;
    if (!s)
        return 0;
    return (*out = strdup(s)) ? 0 : -1;
}

static pv_status read_entries(pv_ctx *ctx, sqlite3_stmt *st, pv_audit_entry **out, size_t *n,
                              pv_error *err)
{
    size_t cap = *n; /* a second statement appends to the first one's */
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            pv_audit_entry *v = realloc(*out, cap * sizeof *v);
            if (!v)
                return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
            *out = v;
        }
        pv_audit_entry *e = &(*out)[*n];
        memset(e, 0, sizeof *e);
        (*n)++;
        e->seq = sqlite3_column_int64(st, 0);
        copy_col(st, 1, e->at, sizeof e->at);
        copy_col(st, 2, e->actor, sizeof e->actor);
        copy_col(st, 3, e->action, sizeof e->action);
        copy_col(st, 4, e->table, sizeof e->table);
        e->record_id = sqlite3_column_int64(st, 5);
        const char *outcome = (const char *)sqlite3_column_text(st, 8);
        e->refused = outcome && strcmp(outcome, "refused") == 0;
        e->origin = sqlite3_column_int64(st, 10);
        if (dup_col(st, 6, &e->old_values) || dup_col(st, 7, &e->new_values) ||
            dup_col(st, 9, &e->reason))
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    }
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* The entries of the offices the file was at before it moved here: the
 * transfer brought them (audit_remote rows, core/exchange_transfer.c),
 * with their numbers and hashes there. */
static pv_status earlier_offices(pv_ctx *ctx, pv_id household, pv_audit_entry **out, size_t *n,
                                 pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT seq, at, actor, action, tbl, record_id, old_values, new_values,"
                     " outcome, reason, origin FROM audit_remote WHERE origin <> ?2 AND"
                     " (household_id = ?1 OR " PV_AUDIT_IMPORT_TOUCHES("audit_remote", "?1") ")"
                     " ORDER BY at, origin, seq",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_int64(st, 1, household);
    sqlite3_bind_int64(st, 2, ctx->branch_code);
    pv_status r = read_entries(ctx, st, out, n, err);
    sqlite3_reset(st);
    return r;
}

pv_status pv_audit_show(pv_ctx *ctx, const char *national_id, pv_audit_entry **out, size_t *n,
                        pv_error *err)
{
    *out = NULL;
    *n = 0;
    char nid[11];
    if (pv_natid_parse(national_id, "national_id", nid, err) != PV_OK)
        return PV_EINVAL;
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT id, household_id, branch_code FROM person WHERE national_id = ?1",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_text(st, 1, nid, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        /* the same answer for another branch's file as for no file, below */
        return rc == SQLITE_DONE ? pv_error_set(err, PV_ENOTFOUND, "national_id", "%s",
                                                _("No file with this national ID."))
                                 : pv_db_error(ctx, err);
    }
    pv_id person = sqlite3_column_int64(st, 0);
    bool has_hh = sqlite3_column_type(st, 1) != SQLITE_NULL;
    pv_id household = sqlite3_column_int64(st, 1);
    int64_t branch = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    pv_status ok = pv_authz_check(ctx, PV_ACT_AUDIT_READ, branch, err);
    if (ok != PV_OK)
        return ok;
    if (pv_stmt(ctx,
                "SELECT seq, at, actor, action, tbl, record_id, old_values, new_values, outcome,"
                " reason, 0 FROM audit WHERE household_id = ?1 OR household_id = ?2"
                " OR seq IN (SELECT a.seq FROM audit a, json_each(a.new_values, '$.changes') t,"
                "  json_each(t.value) o, json_each(o.value) r"
                "  WHERE a.action = 'import' AND json_valid(a.new_values) AND ("
                "  (t.key = 'household' AND ?1 BETWEEN r.value ->> 0 AND r.value ->> 1)"
                "  OR (t.key = 'person' AND EXISTS (SELECT 1 FROM person p"
                "   WHERE (p.household_id = ?1 OR p.id = -?2)"
                "   AND p.id BETWEEN r.value ->> 0 AND r.value ->> 1))"
                "  OR (t.key = 'casefile' AND EXISTS (SELECT 1 FROM casefile c"
                "   WHERE c.household_id = ?1 AND c.id BETWEEN r.value ->> 0 AND r.value ->> 1))))"
                " ORDER BY seq",
                &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    if (has_hh)
        sqlite3_bind_int64(st, 1, household);
    sqlite3_bind_int64(st, 2, -person);
    pv_status r = has_hh ? earlier_offices(ctx, household, out, n, err) : PV_OK;
    if (r == PV_OK)
        r = read_entries(ctx, st, out, n, err);
    sqlite3_reset(st);
    if (r != PV_OK) {
        pv_audit_entries_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return r;
}
