/* parvande — a family that moves: its file becomes another branch's,
 * through their province (see doc/exchange.md).
 *
 * At the province: the case file's branch changes (the casefile_move
 * trigger takes the household and its members along), a file_transfer row
 * records it, and the whole file — every row of the up-going tables that
 * belongs to the household — is queued as a section for the new branch,
 * which has never had it. The rows are found by a session recording their
 * copy into an in-memory database attached to the same connection, so the
 * section is written in the same transaction as the move.
 * At the old branch, the file_transfer row (it travels down like a
 * decision) moves the file there too: its records then belong to the new
 * branch, and the old branch's users can no longer change them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange_internal.h" /* first: it asks for the session API */
#include "audit_internal.h"
#include "exchange_base.h"
#include "parvande/audit.h"
#include "parvande/records.h"

/* Which rows of `table` belong to household ?1: by the first column it
 * has of these (a new table that refers to a person, a case file or an
 * enrollment is covered without a line here). */
static const char *belongs_where(pv_ctx *ctx, const char *table)
{
    static const struct {
        const char *col, *where;
    } rules[] = {
        {"household_id", "household_id = ?1"},
        {"file_id", "file_id IN (SELECT id FROM casefile WHERE household_id = ?1)"},
        {"person_id", "person_id IN (SELECT id FROM person WHERE household_id = ?1)"},
        {"enrollment_id", "enrollment_id IN (SELECT e.id FROM enrollment e JOIN person p"
                          " ON p.id = e.person_id WHERE p.household_id = ?1)"},
    };
    if (strcmp(table, "household") == 0)
        return "id = ?1";
    /* the file's past at the branches it was at: their entries about it,
     * the import batches that wrote it among them */
    if (strcmp(table, "audit_remote") == 0)
        return "household_id = ?1 OR " PV_AUDIT_IMPORT_TOUCHES("audit_remote", "?1");
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        sqlite3_stmt *st;
        char *q = sqlite3_mprintf("SELECT 1 FROM pragma_table_info(%Q) WHERE name = %Q", table,
                                  rules[i].col);
        bool has = false;
        if (q && sqlite3_prepare_v2(ctx->db, q, -1, &st, NULL) == SQLITE_OK) {
            has = sqlite3_step(st) == SQLITE_ROW;
            sqlite3_finalize(st);
        }
        sqlite3_free(q);
        if (has)
            return rules[i].where;
    }
    return NULL;
}

/* The in-memory copy's tables, made before the transaction (ATTACH cannot
 * be inside one). */
static pv_status make_copy_tables(pv_ctx *ctx, pv_error *err)
{
    pv_status rc = pv_exec(ctx, "ATTACH ':memory:' AS pv_move", err);
    for (const pv_xtable *t = pv_exchange_tables; rc == PV_OK && t->name; t++) {
        if (!(t->dir & PV_XUP) || t->dir == PV_XBOTH || !belongs_where(ctx, t->name))
            continue;
        char *sql = pv_xbase_create_sql(ctx->db, "pv_move", t->name);
        if (sql && sqlite3_exec(ctx->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            rc = pv_db_error(ctx, err);
        sqlite3_free(sql);
    }
    return rc;
}

/* The whole file as a changeset of inserts (sqlite3_free). */
static pv_status file_changeset(pv_ctx *ctx, pv_id household, void **cs, int *n, pv_error *err)
{
    sqlite3_session *s = NULL;
    int rc = sqlite3session_create(ctx->db, "pv_move", &s);
    for (const pv_xtable *t = pv_exchange_tables; rc == SQLITE_OK && t->name; t++) {
        const char *where = (t->dir & PV_XUP) && t->dir != PV_XBOTH
                                ? belongs_where(ctx, t->name) : NULL;
        if (!where)
            continue;
        if ((rc = sqlite3session_attach(s, t->name)) != SQLITE_OK)
            break;
        char *q = sqlite3_mprintf("INSERT INTO pv_move.\"%w\" SELECT * FROM main.\"%w\" WHERE %s",
                                  t->name, t->name, where);
        sqlite3_stmt *st = NULL;
        rc = q ? sqlite3_prepare_v2(ctx->db, q, -1, &st, NULL) : SQLITE_NOMEM;
        sqlite3_free(q);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, household);
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        }
        sqlite3_finalize(st);
    }
    *cs = NULL;
    *n = 0;
    if (rc == SQLITE_OK)
        rc = sqlite3session_changeset(s, n, cs);
    if (s)
        sqlite3session_delete(s);
    return rc == SQLITE_OK ? PV_OK : pv_db_error(ctx, err);
}

static pv_status queue_section(pv_ctx *ctx, const pv_office *peer, const void *cs, int n,
                               pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "INSERT INTO exchange_sent (peer, seq, changes, changeset)"
                                " VALUES (?1, ?2, ?3, ?4)", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer->code);
    sqlite3_bind_int64(st, 2, peer->out_seq + 1);
    sqlite3_bind_int64(st, 3, pv_changeset_count(cs, n));
    sqlite3_bind_blob(st, 4, n ? cs : "", n, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if ((rc = pv_stmt(ctx, "UPDATE office SET out_seq = out_seq + 1 WHERE code = ?1", &st,
                      err)) != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer->code);
    s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* Moves the case file and records it. */
static pv_status move_file(pv_ctx *ctx, const char *national_id, pv_id household, int64_t from,
                           int64_t to, pv_error *err)
{
    char stamp[32];
    pv_now_stamp(stamp);
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "UPDATE casefile SET branch_code = ?2, updated_at = ?3,"
                                " updated_by = ?4 WHERE household_id = ?1", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, household);
    sqlite3_bind_int64(st, 2, to);
    sqlite3_bind_text(st, 3, stamp, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, ctx->actor.name, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if ((rc = pv_stmt(ctx, "INSERT INTO file_transfer (id, household_id, national_id, from_branch,"
                           " to_branch, moved_at, moved_by) SELECT COALESCE(MAX(id), ?6 << 40) + 1,"
                           " ?1, ?2, ?3, ?4, ?5, ?7 FROM file_transfer"
                           " WHERE id BETWEEN ?6 << 40 AND ((?6 + 1) << 40) - 1", &st, err)) != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, household);
    sqlite3_bind_text(st, 2, national_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, from);
    sqlite3_bind_int64(st, 4, to);
    sqlite3_bind_text(st, 5, stamp, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, ctx->branch_code);
    sqlite3_bind_text(st, 7, ctx->actor.name, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    char detail[160];
    snprintf(detail, sizeof detail, "{\"national_id\":\"%s\",\"from\":%lld,\"to\":%lld}",
             national_id, (long long)from, (long long)to);
    return pv_audit_append(ctx, "file-transfer", "casefile", household, detail, NULL, err);
}

/* The household and branch of the file of `national_id`. */
static pv_status find_file(pv_ctx *ctx, const char *national_id, pv_id *household,
                           int64_t *branch, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "SELECT c.household_id, c.branch_code FROM person p JOIN casefile c"
                                " ON c.household_id = p.household_id WHERE p.national_id = ?1",
                           &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_text(st, 1, national_id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *household = sqlite3_column_int64(st, 0);
        *branch = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (s == SQLITE_ROW)
        return PV_OK;
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    return pv_error_set(err, PV_ENOTFOUND, "national_id",
                        _("No case file here for national ID %s."), national_id);
}

pv_status pv_file_transfer(pv_ctx *ctx, const char *national_id, int64_t to, pv_error *err)
{
    pv_status rc = pv_exchange_require(ctx, false, "file-transfer", err);
    pv_office self, peer;
    if (rc == PV_OK)
        rc = pv_office_self(ctx, &self, err);
    if (rc == PV_OK && (pv_office_get(ctx, to, &peer, NULL, NULL, NULL) != PV_OK ||
                        peer.self || peer.parent != self.code || peer.level != PV_OFFICE_BRANCH))
        rc = pv_error_set(err, PV_EINVAL, NULL,
                          _("Office %lld is not a branch of this office: a file moves through "
                            "the province of both branches."), (long long)to);
    if (rc != PV_OK)
        return rc;
    if ((rc = make_copy_tables(ctx, err)) != PV_OK) {
        pv_exec(ctx, "DETACH pv_move", NULL);
        return rc;
    }
    pv_id household = 0;
    int64_t from = 0;
    void *cs = NULL;
    int n = 0;
    if ((rc = pv_tx_begin(ctx, err)) == PV_OK &&
        (rc = find_file(ctx, national_id, &household, &from, err)) == PV_OK) {
        if (from == to)
            rc = pv_error_set(err, PV_EINVAL, NULL, _("The file is already branch %lld's."),
                              (long long)to);
        if (rc == PV_OK)
            rc = move_file(ctx, national_id, household, from, to, err);
        if (rc == PV_OK)
            rc = file_changeset(ctx, household, &cs, &n, err);
        if (rc == PV_OK)
            rc = queue_section(ctx, &peer, cs, n, err);
    }
    if (rc == PV_OK)
        rc = pv_tx_commit(ctx, err);
    if (rc != PV_OK)
        pv_tx_rollback(ctx);
    sqlite3_free(cs);
    pv_exec(ctx, "DETACH pv_move", NULL);
    return rc;
}

/* At the old branch: a transfer made by the province moves the file here
 * too. */
pv_status pv_exchange_apply_transfers(pv_ctx *ctx, const void *cs, int n, pv_error *err)
{
    sqlite3_changeset_iter *it;
    if (sqlite3changeset_start(&it, n, (void *)cs) != SQLITE_OK)
        return PV_OK;
    pv_status rc = PV_OK;
    while (rc == PV_OK && sqlite3changeset_next(it) == SQLITE_ROW) {
        const char *table;
        int ncol, op;
        sqlite3changeset_op(it, &table, &ncol, &op, NULL);
        if (op != SQLITE_INSERT || strcmp(table, "file_transfer") != 0 || ncol != 7)
            continue;
        sqlite3_value *hh, *from, *to, *at, *by;
        sqlite3changeset_new(it, 1, &hh);
        sqlite3changeset_new(it, 3, &from);
        sqlite3changeset_new(it, 4, &to);
        sqlite3changeset_new(it, 5, &at);
        sqlite3changeset_new(it, 6, &by);
        if (!hh || !from || !to || sqlite3_value_int64(from) != ctx->branch_code)
            continue;
        sqlite3_stmt *st;
        if ((rc = pv_stmt(ctx, "UPDATE casefile SET branch_code = ?2, updated_at = ?3,"
                               " updated_by = ?4 WHERE household_id = ?1 AND branch_code <> ?2",
                          &st, err)) != PV_OK)
            break;
        sqlite3_bind_value(st, 1, hh);
        sqlite3_bind_value(st, 2, to);
        sqlite3_bind_value(st, 3, at);
        sqlite3_bind_value(st, 4, by);
        int s = sqlite3_step(st);
        sqlite3_reset(st);
        if (s != SQLITE_DONE)
            rc = pv_db_error(ctx, err);
    }
    sqlite3changeset_finalize(it);
    return rc;
}
