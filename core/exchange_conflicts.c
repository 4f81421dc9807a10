/* parvande — the review queue of conflicts and a supervisor's decisions
 * (see include/parvande/exchange.h and doc/exchange.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange_internal.h"
#include "parvande/audit.h"

static const char *const kind_codes[] = {"field", "delete_edit", "edit_delete", "duplicate",
                                         "overspent"};

const char *pv_conflict_kind_code(pv_conflict_kind kind)
{
    return (unsigned)kind < 5 ? kind_codes[kind] : "?";
}

static pv_conflict_kind kind_of(const char *code)
{
    for (int i = 0; i < 5; i++)
        if (code && strcmp(code, kind_codes[i]) == 0)
            return (pv_conflict_kind)i;
    return PV_CONFLICT_FIELD;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? strdup((const char *)t) : NULL;
}

static void text_col(sqlite3_stmt *st, int i, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, size, "%s", t ? (const char *)t : "");
}

#define CONFLICT_COLS "id, kind, peer, tbl, pk, col, local_value, remote_value, local_by, " \
                      "local_at, remote_by, remote_at, found_at, status, resolution, "     \
                      "resolved_by, resolved_at"

static void conflict_from_row(sqlite3_stmt *st, pv_conflict *c)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->kind = kind_of((const char *)sqlite3_column_text(st, 1));
    c->peer = sqlite3_column_int64(st, 2);
    text_col(st, 3, c->table, sizeof c->table);
    text_col(st, 4, c->key, sizeof c->key);
    text_col(st, 5, c->column, sizeof c->column);
    c->local_value = dup_col(st, 6);
    c->remote_value = dup_col(st, 7);
    text_col(st, 8, c->local_by, sizeof c->local_by);
    text_col(st, 9, c->local_at, sizeof c->local_at);
    text_col(st, 10, c->remote_by, sizeof c->remote_by);
    text_col(st, 11, c->remote_at, sizeof c->remote_at);
    text_col(st, 12, c->found_at, sizeof c->found_at);
    c->open = strcmp((const char *)sqlite3_column_text(st, 13), "open") == 0;
    c->resolution = dup_col(st, 14);
    text_col(st, 15, c->resolved_by, sizeof c->resolved_by);
    text_col(st, 16, c->resolved_at, sizeof c->resolved_at);
}

void pv_conflicts_free(pv_conflict *list, size_t n)
{
    for (size_t i = 0; list && i < n; i++) {
        free(list[i].local_value);
        free(list[i].remote_value);
        free(list[i].resolution);
    }
    free(list);
}

pv_status pv_conflict_list(pv_ctx *ctx, bool open_only, pv_conflict **out, size_t *n,
                           pv_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "SELECT " CONFLICT_COLS " FROM exchange_conflict"
                                " WHERE ?1 = 0 OR status = 'open' ORDER BY id", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int(st, 1, open_only);
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            pv_conflict *m = realloc(*out, cap * sizeof *m);
            if (!m)
                break;
            *out = m;
        }
        conflict_from_row(st, &(*out)[(*n)++]);
    }
    sqlite3_reset(st);
    if (s != SQLITE_DONE) {
        pv_conflicts_free(*out, *n);
        *out = NULL;
        *n = 0;
        return s == SQLITE_ROW ? pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"))
                               : pv_db_error(ctx, err);
    }
    return PV_OK;
}

/* Runs `head` followed by the WHERE of the conflict's row (its key in
 * parameter `key_param`); `value`, when not NULL, is bound to ?1. */
static int run_on_row(pv_ctx *ctx, const pv_conflict *c, const char *head, int key_param,
                      const char *value, const char *tail)
{
    char *where = pv_xkey_where(ctx, c->table, key_param);
    char *sql = where && head ? sqlite3_mprintf("%s%s%s", head, where, tail ? tail : "") : NULL;
    sqlite3_free(where);
    sqlite3_stmt *st = NULL;
    int rc = sql ? sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) : SQLITE_ERROR;
    sqlite3_free(sql);
    if (rc == SQLITE_OK) {
        if (value)
            sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, key_param, c->key, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The row's column gets the value (NULL: SQL NULL); its CHECKs decide. */
static pv_status set_value(pv_ctx *ctx, const pv_conflict *c, const char *value, pv_error *err)
{
    if (!pv_xtable_find(c->table))
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("The conflict names an unknown table."));
    sqlite3_str *q = sqlite3_str_new(ctx->db);
    sqlite3_str_appendf(q, "UPDATE \"%w\" SET \"%w\" = ?1", c->table, c->column);
    pv_xtable_derived_sets(ctx, pv_xtable_find(c->table), c->column, 1, q);
    char *head = sqlite3_str_finish(q);
    /* a row that already holds the value is left alone: an update that
     * changes nothing would still put a version in its history */
    char *tail = sqlite3_mprintf(" AND \"%w\" IS NOT ?1", c->column);
    int rc = head && tail ? run_on_row(ctx, c, head, 2, value, tail) : SQLITE_NOMEM;
    sqlite3_free(tail);
    sqlite3_free(head);
    if (rc == SQLITE_DONE)
        return PV_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return pv_error_set(err, PV_EINVAL, c->column, _("%s: the value does not fit this field"),
                            pv_field_label(c->column));
    return pv_db_error(ctx, err);
}

static pv_status delete_row(pv_ctx *ctx, const pv_conflict *c, pv_error *err)
{
    if (!pv_xtable_find(c->table))
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("The conflict names an unknown table."));
    char *head = sqlite3_mprintf("DELETE FROM \"%w\"", c->table);
    int rc = run_on_row(ctx, c, head, 1, NULL, NULL);
    sqlite3_free(head);
    if (rc == SQLITE_DONE)
        return PV_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return pv_error_set(err, PV_EINVAL, NULL, "%s",
                            _("The row cannot be deleted: other records still refer to it."));
    return pv_db_error(ctx, err);
}

static pv_status load_open(pv_ctx *ctx, int64_t id, pv_conflict *c, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "SELECT " CONFLICT_COLS " FROM exchange_conflict WHERE id = ?1"
                                " AND status = 'open'", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        conflict_from_row(st, c);
    sqlite3_reset(st);
    if (s == SQLITE_ROW)
        return PV_OK;
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    return pv_error_set(err, PV_ENOTFOUND, NULL, _("There is no open conflict %lld."),
                        (long long)id);
}

/* What the decision does to the row; *resolution is what is recorded. */
static pv_status carry_out(pv_ctx *ctx, const pv_conflict *c, pv_conflict_choice choice,
                           const char *value, const char **resolution, pv_error *err)
{
    switch (c->kind) {
    case PV_CONFLICT_FIELD:
    case PV_CONFLICT_OVERSPENT:
        *resolution = choice == PV_CHOOSE_LOCAL    ? c->local_value
                      : choice == PV_CHOOSE_REMOTE ? c->remote_value
                                                   : value;
        return set_value(ctx, c, *resolution, err);
    case PV_CONFLICT_DELETE_EDIT:
        if (choice == PV_CHOOSE_VALUE)
            break;
        *resolution = choice == PV_CHOOSE_LOCAL ? "keep" : "delete";
        return choice == PV_CHOOSE_LOCAL ? PV_OK : delete_row(ctx, c, err);
    default:
        if (choice != PV_CHOOSE_LOCAL)
            break;
        *resolution = "keep";
        return PV_OK;
    }
    return pv_error_set(err, PV_EINVAL, NULL, "%s",
                        c->kind == PV_CONFLICT_DELETE_EDIT
                            ? _("This conflict is decided by keeping the row (local) or deleting "
                                "it (remote).")
                            : _("This conflict can only be closed keeping what is here (local); "
                                "correct the records by hand first."));
}

/* The decision, as a row that travels to the other offices. */
static pv_status record_decision(pv_ctx *ctx, const pv_conflict *c, const char *resolution,
                                 const char *stamp, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(
        ctx,
        "INSERT INTO exchange_decision (id, tbl, pk, col, value, decided_by, decided_at, office)"
        " SELECT COALESCE(MAX(id), ?1 << 40) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?1"
        " FROM exchange_decision WHERE id BETWEEN ?1 << 40 AND ((?1 + 1) << 40) - 1",
        &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, ctx->branch_code);
    sqlite3_bind_text(st, 2, c->table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->kind == PV_CONFLICT_FIELD || c->kind == PV_CONFLICT_OVERSPENT
                                 ? c->column : "", -1, SQLITE_STATIC);
    if (resolution)
        sqlite3_bind_text(st, 5, resolution, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, ctx->actor.name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, stamp, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if ((rc = pv_stmt(ctx, "UPDATE exchange_conflict SET status = 'resolved', resolution = ?2,"
                           " resolved_by = ?3, resolved_at = ?4 WHERE id = ?1", &st, err)) != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, c->id);
    if (resolution)
        sqlite3_bind_text(st, 2, resolution, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ctx->actor.name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, stamp, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status audit_decision(pv_ctx *ctx, const pv_conflict *c, const char *resolution,
                                pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "SELECT json_object('conflict', ?1, 'kind', ?2, 'key', json(?3),"
                                " 'column', ?4, 'value', ?5), COALESCE(json_extract(?3, '$[0]'), 0)",
                           &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, c->id);
    sqlite3_bind_text(st, 2, pv_conflict_kind_code(c->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->column, -1, SQLITE_STATIC);
    if (resolution)
        sqlite3_bind_text(st, 5, resolution, -1, SQLITE_STATIC);
    char *detail = NULL;
    pv_id record = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        detail = strdup((const char *)sqlite3_column_text(st, 0));
        record = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (!detail)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    rc = pv_audit_append(ctx, "conflict-resolve", c->table, record, detail, NULL, err);
    free(detail);
    return rc;
}

pv_status pv_conflict_resolve(pv_ctx *ctx, int64_t id, pv_conflict_choice choice,
                              const char *value, pv_error *err)
{
    pv_status rc = pv_exchange_require(ctx, true, "conflict-resolve", err);
    if (rc != PV_OK)
        return rc;
    if (choice == PV_CHOOSE_VALUE && !value)
        return pv_error_set(err, PV_EUSAGE, "value", "%s", _("A value is needed."));
    if ((rc = pv_tx_begin(ctx, err)) != PV_OK)
        return rc;
    pv_conflict c;
    const char *resolution = NULL;
    char stamp[32];
    pv_now_stamp(stamp);
    bool loaded = (rc = load_open(ctx, id, &c, err)) == PV_OK;
    if (rc == PV_OK)
        rc = carry_out(ctx, &c, choice, value, &resolution, err);
    if (rc == PV_OK)
        rc = record_decision(ctx, &c, resolution, stamp, err);
    if (rc == PV_OK)
        rc = audit_decision(ctx, &c, resolution, err);
    if (rc == PV_OK)
        rc = pv_tx_commit(ctx, err);
    if (rc != PV_OK)
        pv_tx_rollback(ctx);
    if (loaded) {
        free(c.local_value);
        free(c.remote_value);
        free(c.resolution);
    }
    return rc;
}
