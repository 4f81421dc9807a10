/* parvande — the statistics' summary counted from scratch, in batches of
 * persons (the step after migrations 11, 14 and 16, and the bench's
 * generator's last step).
 *
 * Why batches: the triggers count one person and service at a time
 * through the views, and counting every person that way took 1,200 s for
 * the bench's 300,000 enrollments; one aggregation over every enrollment
 * sorts tens of millions of rows (past 5 GB of memory when migration 14
 * tried it). A batch of a few thousand enrollments, each step of the views
 * worked out once for it (pv_sql_stats_build_batch), keeps both small. */
#include "internal.h"

/* Enrollments a batch reads, about: the persons of this many rows of
 * enrollment_person (a person's rows are never split). */
#define BATCH_ROWS 2000

/* The last person id of the batch that begins at `lo`: the id `rows`
 * rows on in enrollment_person, or the largest id when fewer are left.
 * *more is false when no enrollment is at or after lo. */
static pv_status batch_end(pv_ctx *ctx, sqlite3_stmt *next, int64_t lo, int rows, int64_t *hi,
                           bool *more, pv_error *err)
{
    sqlite3_reset(next);
    sqlite3_bind_int64(next, 1, lo);
    sqlite3_bind_int(next, 2, rows);
    int rc = sqlite3_step(next);
    if (rc != SQLITE_ROW)
        return pv_db_error(ctx, err);
    *more = sqlite3_column_type(next, 0) != SQLITE_NULL;
    *hi = sqlite3_column_type(next, 1) != SQLITE_NULL ? sqlite3_column_int64(next, 1)
                                                       : sqlite3_column_int64(next, 2);
    return PV_OK;
}

static pv_status count_batch(pv_ctx *ctx, sqlite3_stmt *add, int64_t lo, int64_t hi,
                             pv_error *err)
{
    sqlite3_reset(add);
    sqlite3_bind_int64(add, 1, lo);
    sqlite3_bind_int64(add, 2, hi);
    return sqlite3_step(add) == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_stats_summary_build_in(pv_ctx *ctx, int rows, pv_error *err)
{
    /* the first id at or after ?1, the id ?2 rows on, the last id */
    static const char next_sql[] =
        "SELECT (SELECT min(person_id) FROM enrollment WHERE person_id >= ?1),\n"
        "  (SELECT person_id FROM enrollment WHERE person_id >= ?1 ORDER BY person_id\n"
        "    LIMIT 1 OFFSET ?2),\n"
        "  (SELECT max(person_id) FROM enrollment)";
    if (pv_exec(ctx, "DELETE FROM stats_count", err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_stmt *next = NULL, *add = NULL;
    pv_status rc = PV_OK;
    if (sqlite3_prepare_v2(ctx->db, next_sql, -1, &next, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(ctx->db, pv_sql_stats_build_batch, -1, &add, NULL) != SQLITE_OK)
        rc = pv_db_error(ctx, err);
    int64_t lo = INT64_MIN, hi = 0;
    bool more = false;
    while (rc == PV_OK) {
        rc = batch_end(ctx, next, lo, rows, &hi, &more, err);
        if (rc != PV_OK || !more)
            break;
        rc = count_batch(ctx, add, lo, hi, err);
        if (hi == INT64_MAX)
            break;
        lo = hi + 1;
    }
    sqlite3_finalize(next);
    sqlite3_finalize(add);
    return rc;
}

pv_status pv_stats_summary_build(pv_ctx *ctx, pv_error *err)
{
    return pv_stats_summary_build_in(ctx, BATCH_ROWS, err);
}
