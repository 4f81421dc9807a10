/* parvande — what a large import does differently: the national IDs and
 * household keys already recorded loaded into filters, the name indexes
 * dropped before pass 2 and built again, sorted, at its end, and the WAL's
 * checkpoints spaced. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import_internal.h"
#include "parvande/audit.h"

#define IMPORT_REBUILD_DEFAULT 50000 /* rows from which the name indexes are rebuilt */
#define IMPORT_CHECKPOINT_PAGES 16384 /* 64 MB of 4 KB pages */
#define BLOOM_MIN_ROWS 1000 /* rows from which recorded IDs are loaded into a filter */
#define BLOOM_MAX_BITS ((uint64_t)1 << 25) /* 4 MB */

static pv_status count_persons(pv_ctx *ctx, unsigned long *n, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT count(*) FROM person", &st, err) != PV_OK)
        return err->status;
    int s = sqlite3_step(st);
    *n = s == SQLITE_ROW ? (unsigned long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return s == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

/* One filter of recorded values (id_bloom): `count_sql` counts them and
 * `read_sql` lists them, both with the branch as ?1 where they need it.
 * Loaded only when the file is large beside them: reading them costs a
 * scan of their index, which a few lookups per recorded value repay. */
typedef struct filter_spec {
    const char *count_sql, *read_sql;
    bool natid; /* the values are national IDs (else household keys) */
} filter_spec;

static pv_status filter_count(importer *im, const filter_spec *fs, unsigned long *n,
                              pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(im->ctx, fs->count_sql, &st, err) != PV_OK)
        return err->status;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, pv_ctx_branch(im->ctx));
    int s = sqlite3_step(st);
    *n = s == SQLITE_ROW ? (unsigned long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return s == SQLITE_ROW ? PV_OK : pv_db_error(im->ctx, err);
}

static pv_status filter_load(importer *im, const filter_spec *fs, id_bloom *b, pv_error *err)
{
    unsigned long n = 0;
    if (im->st.total < BLOOM_MIN_ROWS)
        return PV_OK;
    pv_status rc = filter_count(im, fs, &n, err);
    if (rc != PV_OK || n / 8 > im->st.total)
        return rc;
    uint64_t nbits = 1 << 16;
    while (nbits < (uint64_t)n * 16 && nbits < BLOOM_MAX_BITS)
        nbits <<= 1;
    b->bits = calloc(nbits / 64, sizeof *b->bits);
    if (!b->bits)
        return PV_OK; /* no filter: every value is looked up */
    b->mask = nbits - 1;
    sqlite3_stmt *st;
    if (pv_stmt(im->ctx, fs->read_sql, &st, err) != PV_OK)
        return err->status;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, pv_ctx_branch(im->ctx));
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (v && fs->natid && sqlite3_column_bytes(st, 0) == 10)
            imp_bloom_add(b, imp_natid_body(v));
        else if (v && !fs->natid)
            imp_bloom_add(b, imp_key_hash64(v));
    }
    sqlite3_reset(st);
    if (s == SQLITE_DONE)
        return PV_OK;
    free(b->bits);
    *b = (id_bloom){0};
    return pv_db_error(im->ctx, err);
}

/* The filters of recorded national IDs (a row whose ID it does not hold is
 * inserted without a lookup) and of this branch's household keys (a key
 * it does not hold makes a new household without one). */
pv_status imp_bloom_load(importer *im, pv_error *err)
{
    static const filter_spec ids = {"SELECT count(*) FROM person",
                                    "SELECT national_id FROM person", true};
    static const filter_spec keys = {
        "SELECT count(*) FROM household WHERE branch_code = ?1 AND external_key IS NOT NULL",
        "SELECT external_key FROM household WHERE branch_code = ?1"
        " AND external_key IS NOT NULL",
        false};
    pv_status rc = filter_load(im, &ids, &im->known, err);
    return rc == PV_OK ? filter_load(im, &keys, &im->known_keys, err) : rc;
}

/* ---- the national ID's index, dropped for a first import ----
 *
 * Into an empty person table a large import also drops the national ID's
 * unique index (migration 13) and builds it once, sorted, at its end:
 * inserting a million IDs into it at random places was the largest single
 * cost of such an import. The file's own duplicates are found in pass 1;
 * another program must not record a person meanwhile, since nothing would
 * then see its national ID: guard triggers refuse, for every connection
 * but the import's, a new person or a changed national ID, with a message
 * pv_db_error turns into a sentence (PV_IMPORT_GUARD). Reading is never held
 * up. Killed, the import leaves the guard and the missing index to the
 * next open, which builds the index and drops the guard (heal_name_indexes
 * in core/context.c). */
static const char natid_guard_sql[] =
    "CREATE TRIGGER IF NOT EXISTS person_import_guard_insert BEFORE INSERT ON person\n"
    "  WHEN NOT pv_bulk_writer() BEGIN\n"
    "  SELECT RAISE(ABORT, '" PV_IMPORT_GUARD "');\n"
    "END;\n"
    "CREATE TRIGGER IF NOT EXISTS person_import_guard_update BEFORE UPDATE OF national_id\n"
    "  ON person WHEN NOT pv_bulk_writer() AND NEW.national_id IS NOT OLD.national_id BEGIN\n"
    "  SELECT RAISE(ABORT, '" PV_IMPORT_GUARD "');\n"
    "END;\n"
    "DROP INDEX IF EXISTS " PV_NATID_INDEX ";\n";

/* Several statements (pv_exec runs one). */
static pv_status exec_all(pv_ctx *ctx, const char *sql, pv_error *err)
{
    return sqlite3_exec(ctx->db, sql, NULL, NULL, NULL) == SQLITE_OK ? PV_OK
                                                                      : pv_db_error(ctx, err);
}

pv_status imp_natid_guard(pv_ctx *ctx, pv_error *err)
{
    return exec_all(ctx, natid_guard_sql, err);
}

static void fn_bulk_writer(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    const pv_ctx *ctx = sqlite3_user_data(c);
    sqlite3_result_int(c, ctx->bulk_writer);
}

pv_status pv_import_register(pv_ctx *ctx, pv_error *err)
{
    if (sqlite3_create_function_v2(ctx->db, "pv_bulk_writer", 0, SQLITE_UTF8, ctx,
                                   fn_bulk_writer, NULL, NULL, NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    return PV_OK;
}

pv_status pv_natid_index_build(pv_ctx *ctx, pv_error *err)
{
    pv_status rc = pv_tx_begin(ctx, err);
    if (rc == PV_OK)
        rc = exec_all(ctx, "CREATE UNIQUE INDEX IF NOT EXISTS " PV_NATID_INDEX
                          " ON person (national_id);"
                          "DROP TRIGGER IF EXISTS person_import_guard_insert;"
                          "DROP TRIGGER IF EXISTS person_import_guard_update;", err);
    if (rc == PV_OK)
        rc = pv_tx_commit(ctx, err);
    else
        pv_tx_rollback(ctx);
    if (rc == PV_OK)
        ctx->bulk_writer = false;
    return rc;
}

/* Records this import in bulk_import and drops the name indexes, in one
 * transaction (and the national ID's, guarded, when `natid`). *dropped is false when another import is already doing so
 * (then this one simply writes through the indexes it finds). */
static pv_status drop_name_indexes(importer *im, const char *path, bool natid, bool *dropped,
                                   pv_error *err)
{
    *dropped = false;
    pv_status rc = pv_tx_begin(im->ctx, err);
    sqlite3_stmt *st;
    if (rc == PV_OK && (rc = pv_stmt(im->ctx, "INSERT OR IGNORE INTO bulk_import (id, pid, source)"
                                              " VALUES (1, ?1, ?2)", &st, err)) == PV_OK) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)getpid());
        sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        sqlite3_reset(st);
        if (s != SQLITE_DONE)
            rc = pv_db_error(im->ctx, err);
        *dropped = s == SQLITE_DONE && sqlite3_changes(im->ctx->db) == 1;
    }
    for (int i = 0; rc == PV_OK && *dropped && i < PV_NAME_INDEXES; i++) {
        char sql[80];
        snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", pv_name_index_names[i]);
        if (sqlite3_exec(im->ctx->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            rc = pv_db_error(im->ctx, err);
    }
    if (rc == PV_OK && *dropped && natid)
        rc = imp_natid_guard(im->ctx, err);
    if (rc == PV_OK && (rc = pv_tx_commit(im->ctx, err)) == PV_OK) {
        im->ctx->bulk_writer = *dropped && natid;
        return PV_OK;
    }
    pv_tx_rollback(im->ctx);
    *dropped = false;
    return rc;
}

/* Whether this file is large enough, beside the persons already there, for
 * dropping and rebuilding the name indexes to beat inserting into them:
 * building them over a million persons takes about 4 s, inserting a
 * million rows into them about 20 s. */
static pv_status rebuild_wanted(importer *im, bool *yes, bool *natid, pv_error *err)
{
    unsigned long min = im->o.rebuild_min_rows ? im->o.rebuild_min_rows : IMPORT_REBUILD_DEFAULT;
    unsigned long persons = 0;
    *yes = *natid = false;
    if (im->st.total < min)
        return PV_OK;
    pv_status rc = count_persons(im->ctx, &persons, err);
    *yes = rc == PV_OK && im->st.total >= persons / 4;
    if (!*yes)
        return rc;
    *natid = persons == 0; /* nothing recorded: no national ID to look up */
    /* a database made before bulk_import was added to the schema: the
     * indexes stay (nothing could name this import to the next open) */
    sqlite3_stmt *st;
    if (pv_stmt(im->ctx, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                         " AND name = 'bulk_import'", &st, err) != PV_OK)
        return err->status;
    *yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return PV_OK;
}

/* The connection's WAL auto-checkpoint threshold in pages (-1 unknown). */
static int wal_autocheckpoint(pv_ctx *ctx)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "PRAGMA wal_autocheckpoint", &st, NULL) != PV_OK)
        return -1;
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

static void set_wal_autocheckpoint(pv_ctx *ctx, int pages)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA wal_autocheckpoint = %d", pages);
    sqlite3_exec(ctx->db, sql, NULL, NULL, NULL);
}

/* Pass 2 in the audit trail's bulk mode: one chained entry per committed
 * batch naming the file (and its SHA-256) and the records it touched,
 * instead of a full entry per row. While it runs, the WAL is copied back
 * into the database every IMPORT_CHECKPOINT_PAGES instead of every 1,000
 * pages: the same index pages are dirtied by batch after batch, and each
 * checkpoint copies (and syncs) the latest version of each page once, so
 * fewer checkpoints write less. SQLite checkpoints on the commit of the
 * batch that crosses the threshold and then writes the WAL from its start
 * again, so the WAL file stays near the threshold plus one batch (a
 * million rows: under 100 MB; with a checkpoint every 256 MB, and the
 * whole file one transaction for want of a commit, see hh_slot, it grew
 * to 430 MB). The checkpoint is SQLite's passive one: it never waits for
 * the readers of another program. The setting is put back afterwards. */
static pv_status audited_pass(importer *im, FILE *f, const char *path, pv_error *err)
{
    pv_status rc = imp_hash_finish(&im->hash, err);
    if (rc == PV_OK)
        rc = pv_audit_bulk_begin(im->ctx, path, im->hash.sha, err);
    if (rc != PV_OK)
        return rc;
    int ckpt = wal_autocheckpoint(im->ctx);
    if (ckpt >= 0 && ckpt < IMPORT_CHECKPOINT_PAGES)
        set_wal_autocheckpoint(im->ctx, IMPORT_CHECKPOINT_PAGES);
    rc = imp_second_pass(im, f, err);
    if (ckpt >= 0 && ckpt < IMPORT_CHECKPOINT_PAGES)
        set_wal_autocheckpoint(im->ctx, ckpt);
    pv_audit_bulk_end(im->ctx);
    return rc;
}

/* The audited pass, without the name indexes when the file is large; they
 * are built again afterwards even when the pass failed (and if that fails
 * too, the next pv_ctx_open builds them). */
pv_status imp_import_pass(importer *im, FILE *f, const char *path, pv_error *err)
{
    bool rebuild = false, natid = false, dropped = false;
    pv_status rc = rebuild_wanted(im, &rebuild, &natid, err);
    if (rc == PV_OK && rebuild)
        rc = drop_name_indexes(im, path, natid, &dropped, err);
    if (rc != PV_OK)
        return rc;
    rc = audited_pass(im, f, path, err);
    if (!dropped)
        return rc;
    /* the importer's tables are no longer needed: give their memory back
     * before the sort */
    free(im->ids.s);
    im->ids = (id_set){0};
    free(im->known.bits);
    im->known = (id_bloom){0};
    free(im->known_keys.bits);
    im->known_keys = (id_bloom){0};
    free(im->hh.s);
    im->hh = (hh_map){0};
    pv_error ierr = PV_ERROR_INIT;
    pv_status irc = pv_name_indexes_build(im->ctx, (long)getpid(), &ierr);
    im->ctx->bulk_writer = false; /* the import is over, whether or not its index is built */
    if (rc == PV_OK && irc != PV_OK) {
        *err = ierr;
        return irc;
    }
    pv_error_clear(&ierr);
    return rc;
}
