/* parvande — the audit triggers of the data tables (see pv_audit_install in
 * include/parvande/audit.h): which columns are recorded, the triggers made
 * from the schema, and the protection of the trail itself. Which tables
 * have triggers is pv_audit_table_skipped's answer (core/audit.c). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"
#include "parvande/audit.h"
#include "security.h"

/* ---- the triggers of the data tables ---- */

/* Columns left out of the recorded values: the password hash (a secret,
 * whose change is its own entry) and search keys derived from the names. */
static bool column_recorded(const char *col)
{
    return strcmp(col, "pwhash") != 0 && strncmp(col, "fold_", 5) != 0;
}

/* Columns whose change alone is not worth an entry (a save that changed
 * nothing still bumps them). */
static bool column_meaningful(const char *col)
{
    return column_recorded(col) && strcmp(col, "updated_at") != 0 &&
           strcmp(col, "updated_by") != 0;
}

typedef struct str_list {
    char **v;
    size_t n, cap;
} str_list;

static int list_push(str_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

static bool list_has(const str_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

static void list_free(str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    *l = (str_list){0};
}

static pv_status query_list(pv_ctx *ctx, const char *sql, const char *arg, str_list *out,
                            pv_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        if (list_push(out, s ? s : "") != 0) {
            sqlite3_finalize(st);
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* json_object('col', X."col", ...) of the recorded columns. */
static void append_json(sqlite3_str *s, const str_list *cols, const char *x)
{
    sqlite3_str_appendall(s, "json_object(");
    bool first = true;
    for (size_t i = 0; i < cols->n; i++) {
        if (!column_recorded(cols->v[i]))
            continue;
        sqlite3_str_appendf(s, "%s'%q', %s.\"%w\"", first ? "" : ", ", cols->v[i], x, cols->v[i]);
        first = false;
    }
    sqlite3_str_appendall(s, ")");
}

/* The expression giving the file (household) a row of `table` belongs to,
 * as stored in audit.household_id; "NULL" when it has none. */
static void append_household(sqlite3_str *s, const char *table, const str_list *cols,
                             const str_list *tables, const char *x)
{
    if (strcmp(table, "household") == 0)
        sqlite3_str_appendf(s, "%s.id", x);
    else if (strcmp(table, "person") == 0)
        sqlite3_str_appendf(s, "coalesce(%s.household_id, -%s.id)", x, x);
    else if (list_has(cols, "household_id"))
        sqlite3_str_appendf(s, "%s.household_id", x);
    else if (list_has(cols, "file_id") && list_has(tables, "casefile"))
        sqlite3_str_appendf(s, "(SELECT household_id FROM casefile WHERE id = %s.file_id)", x);
    else if (list_has(cols, "casefile_id") && list_has(tables, "casefile"))
        sqlite3_str_appendf(s, "(SELECT household_id FROM casefile WHERE id = %s.casefile_id)", x);
    else if (list_has(cols, "person_id") && list_has(tables, "person"))
        sqlite3_str_appendf(s, "(SELECT coalesce(household_id, -id) FROM person WHERE id = %s.person_id)",
                            x);
    else
        sqlite3_str_appendall(s, "NULL");
}

static void append_key(sqlite3_str *s, const str_list *cols, bool rowid, const char *x)
{
    if (list_has(cols, "id"))
        sqlite3_str_appendf(s, "%s.id", x);
    else if (rowid)
        sqlite3_str_appendf(s, "%s.rowid", x);
    else
        sqlite3_str_appendall(s, "0");
}

/* The three CREATE TRIGGER statements of one table, in out[0..2]
 * (sqlite3_free each). */
static pv_status table_triggers(pv_ctx *ctx, const char *table, bool rowid,
                                const str_list *tables, char *out[3], pv_error *err)
{
    str_list cols = {0};
    char *pragma = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q)", table);
    pv_status rc = pragma ? query_list(ctx, pragma, NULL, &cols, err)
                          : pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    sqlite3_free(pragma);
    if (rc != PV_OK) {
        list_free(&cols);
        return rc;
    }
    static const char *const ops[3] = {"insert", "update", "delete"};
    for (int k = 0; k < 3; k++) {
        const char *x = k == 2 ? "OLD" : "NEW";
        sqlite3_str *s = sqlite3_str_new(ctx->db);
        sqlite3_str_appendf(s, "CREATE TRIGGER \"pv_audit_%w_%s\" AFTER %s ON \"%w\"", table,
                            ops[k], k == 0 ? "INSERT" : k == 1 ? "UPDATE" : "DELETE", table);
        sqlite3_str_appendall(s, " WHEN ");
        if (k == 1) { /* an update that changed something (checked first) */
            bool first = true;
            for (size_t i = 0; i < cols.n; i++) {
                if (!column_meaningful(cols.v[i]))
                    continue;
                sqlite3_str_appendf(s, "%sOLD.\"%w\" IS NOT NEW.\"%w\"", first ? "(" : " OR ",
                                    cols.v[i], cols.v[i]);
                first = false;
            }
            if (!first)
                sqlite3_str_appendall(s, ") AND ");
        }
        sqlite3_str_appendf(s, "pv_audit_pass('%s', '%q', ", ops[k], table);
        append_key(s, &cols, rowid, x);
        sqlite3_str_appendf(s, ") BEGIN SELECT pv_audit_log('%s', '%q', ", ops[k], table);
        append_key(s, &cols, rowid, x);
        sqlite3_str_appendall(s, ", ");
        append_household(s, table, &cols, tables, x);
        sqlite3_str_appendall(s, ", ");
        if (k == 0)
            sqlite3_str_appendall(s, "NULL");
        else
            append_json(s, &cols, "OLD");
        sqlite3_str_appendall(s, ", ");
        if (k == 2)
            sqlite3_str_appendall(s, "NULL");
        else
            append_json(s, &cols, "NEW");
        sqlite3_str_appendall(s, "); END");
        out[k] = sqlite3_str_finish(s);
        if (!out[k]) {
            for (int j = 0; j < k; j++)
                sqlite3_free(out[j]);
            list_free(&cols);
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        }
    }
    list_free(&cols);
    return PV_OK;
}

static const char protect_sql[] =
    "CREATE TRIGGER IF NOT EXISTS audit_digest_no_update BEFORE UPDATE ON audit_digest BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_digest_no_delete BEFORE DELETE ON audit_digest BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_head_forward BEFORE UPDATE ON audit_head\n"
    "  WHEN NEW.seq < OLD.seq OR NEW.db_id IS NOT OLD.db_id OR NEW.id IS NOT OLD.id BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit head only moves forward');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_head BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit head only moves forward');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN\n"
    "  SELECT RAISE(ABORT, 'the audit trail cannot be changed');\n"
    "END;\n";

/* The statements (DROP and CREATE) that bring the triggers to what the
 * tables need now; empty when they already are. */
static pv_status plan_triggers(pv_ctx *ctx, str_list *plan, pv_error *err)
{
    str_list names = {0}, sqls = {0}, virt = {0}, wanted = {0}, have = {0};
    pv_status rc = query_list(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
                              NULL, &names, err);
    if (rc == PV_OK)
        rc = query_list(ctx, "SELECT coalesce(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY name",
                        NULL, &sqls, err);
    for (size_t i = 0; rc == PV_OK && i < names.n; i++)
        if (sqlite3_strnicmp(sqls.v[i], "CREATE VIRTUAL", 14) == 0 && list_push(&virt, names.v[i]))
            rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    for (size_t i = 0; rc == PV_OK && i < names.n && i < sqls.n; i++) {
        if (pv_audit_table_skipped(names.v[i], sqls.v[i], virt.v, virt.n))
            continue;
        bool rowid = sqlite3_strlike("%WITHOUT ROWID%", sqls.v[i], 0) != 0;
        char *trig[3];
        rc = table_triggers(ctx, names.v[i], rowid, &names, trig, err);
        for (int k = 0; rc == PV_OK && k < 3; k++) {
            /* the trigger's name is between the first pair of quotes */
            char *name = strndup(trig[k] + 16, strcspn(trig[k] + 16, "\""));
            str_list cur = {0};
            if (!name || list_push(&wanted, name) != 0)
                rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
            if (rc == PV_OK)
                rc = query_list(ctx, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                                name, &cur, err);
            if (rc == PV_OK && (cur.n != 1 || strcmp(cur.v[0], trig[k]) != 0)) {
                char *drop = sqlite3_mprintf("DROP TRIGGER IF EXISTS \"%w\"", name);
                if (!drop || list_push(plan, drop) != 0 || list_push(plan, trig[k]) != 0)
                    rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
                sqlite3_free(drop);
            }
            list_free(&cur);
            free(name);
        }
        for (int k = 0; k < 3; k++)
            sqlite3_free(trig[k]);
    }
    /* triggers of tables that are no longer audited */
    if (rc == PV_OK)
        rc = query_list(ctx, "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                             " AND name GLOB 'pv_audit_*'", NULL, &have, err);
    for (size_t i = 0; rc == PV_OK && i < have.n; i++) {
        if (list_has(&wanted, have.v[i]))
            continue;
        char *drop = sqlite3_mprintf("DROP TRIGGER IF EXISTS \"%w\"", have.v[i]);
        if (!drop || list_push(plan, drop) != 0)
            rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        sqlite3_free(drop);
    }
    list_free(&names);
    list_free(&sqls);
    list_free(&virt);
    list_free(&wanted);
    list_free(&have);
    return rc;
}

static pv_status run_plan(pv_ctx *ctx, const str_list *plan, pv_error *err)
{
    for (size_t i = 0; i < plan->n; i++) {
        char *msg = NULL;
        if (sqlite3_exec(ctx->db, plan->v[i], NULL, NULL, &msg) != SQLITE_OK) {
            pv_status st = pv_db_error(ctx, err);
            sqlite3_free(msg);
            return st;
        }
    }
    return PV_OK;
}

static pv_status protection_missing(pv_ctx *ctx, bool *missing, pv_error *err)
{
    str_list l = {0};
    pv_status rc = query_list(ctx, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND"
                                   " name IN ('audit_no_update', 'audit_no_delete',"
                                   " 'audit_head_forward', 'audit_head_no_delete',"
                                   " 'audit_digest_no_update', 'audit_digest_no_delete')",
                              NULL, &l, err);
    *missing = l.n != 6;
    list_free(&l);
    return rc;
}

/* The history keepers and the other triggers of the migrations, in a
 * savepoint of their own; one audit entry says what was re-created, since
 * someone dropped it. */
static pv_status restore_schema_triggers(pv_ctx *ctx, pv_error *err)
{
    pv_status rc = pv_exec(ctx, "SAVEPOINT pv_audit_guard", err);
    if (rc != PV_OK)
        return rc;
    int restored = 0;
    rc = pv_audit_restore_triggers(ctx, INT_MAX, &restored, err);
    if (rc == PV_OK && restored > 0) {
        char detail[64];
        snprintf(detail, sizeof detail, "{\"triggers\":%d}", restored);
        rc = pv_audit_append_as(ctx, "system", "triggers-restored", NULL, 0, detail, NULL, err);
    }
    if (rc != PV_OK)
        pv_exec(ctx, "ROLLBACK TO pv_audit_guard", NULL);
    pv_exec(ctx, "RELEASE pv_audit_guard", NULL);
    return rc;
}

pv_status pv_audit_install(pv_ctx *ctx, pv_error *err)
{
    pv_status rc = pv_audit_register(ctx, err);
    if (rc != PV_OK || pv_ctx_readonly(ctx))
        return rc; /* read-only media: nothing can be written, nor changed behind us */
    str_list plan = {0};
    bool missing = false;
    rc = plan_triggers(ctx, &plan, err);
    if (rc == PV_OK)
        rc = protection_missing(ctx, &missing, err);
    if (rc == PV_OK && missing && list_push(&plan, protect_sql) != 0)
        rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    if (rc == PV_OK && plan.n > 0) {
        /* A schema change: only when something differs, so opening an
         * up-to-date database writes nothing. */
        rc = pv_exec(ctx, "SAVEPOINT pv_audit_install", err);
        if (rc == PV_OK) {
            rc = run_plan(ctx, &plan, err);
            if (rc != PV_OK)
                pv_exec(ctx, "ROLLBACK TO pv_audit_install", NULL);
            pv_exec(ctx, "RELEASE pv_audit_install", rc == PV_OK ? err : NULL);
        }
    }
    list_free(&plan);
    if (rc == PV_OK)
        rc = restore_schema_triggers(ctx, err);
    if (rc == PV_OK)
        rc = pv_audit_flush(ctx, err);
    return rc;
}

pv_status pv_audit_drop_triggers(pv_ctx *ctx, pv_error *err)
{
    str_list have = {0}, plan = {0};
    pv_status rc = query_list(ctx, "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                   " AND name GLOB 'pv_audit_*'", NULL, &have, err);
    for (size_t i = 0; rc == PV_OK && i < have.n; i++) {
        char *drop = sqlite3_mprintf("DROP TRIGGER IF EXISTS \"%w\"", have.v[i]);
        if (!drop || list_push(&plan, drop) != 0)
            rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        sqlite3_free(drop);
    }
    if (rc == PV_OK)
        rc = run_plan(ctx, &plan, err);
    list_free(&have);
    list_free(&plan);
    return rc;
}
