/* parvande — the baselines of what was sent to each office
 * (core/exchange_base.c). */
#ifndef PARVANDE_EXCHANGE_BASE_H
#define PARVANDE_EXCHANGE_BASE_H

#include "exchange_internal.h"

/* The baseline file for `peer` (sqlite3_free), NULL for a database
 * without a file (in memory). */
char *pv_xbase_path(pv_ctx *ctx, int64_t peer);
/* The CREATE TABLE statement of a copy of main's `table` (columns, types,
 * primary key; no constraints), in `schema` (NULL: unqualified), or NULL
 * when the table is missing or has no primary key. sqlite3_free it. */
char *pv_xbase_create_sql(sqlite3 *db, const char *schema, const char *table);
/* Creates the baseline file and the tables of direction `dir` that it
 * lacks, or adds the columns a table gained. */
pv_status pv_xbase_prepare(pv_ctx *ctx, const char *path, unsigned dir, pv_error *err);
/* The changes of the `dir` tables since the baseline attached as
 * "pv_base", as a changeset (*cs sqlite3_free'd by the caller), for
 * office `peer` (rows of a scoped table that are not its own and were not
 * its own when last sent are left out). */
pv_status pv_xbase_diff(pv_ctx *ctx, unsigned dir, int64_t peer, void **cs, int *n,
                        pv_error *err);
/* Moves the baseline forward by the changeset. */
pv_status pv_xbase_advance(const char *path, const void *cs, int n, pv_error *err);

#endif
