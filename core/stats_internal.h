/* parvande — what the statistics files share (core/stats*.c). */
#ifndef PARVANDE_STATS_INTERNAL_H
#define PARVANDE_STATS_INTERNAL_H

#include "internal.h"
#include "parvande/stats.h"

/* Registers, once per connection, the SQL functions the statistics use:
 * pv_stats_key(kind, iso) -> the period key of the date (NULL if invalid)
 * and pv_stats_age_band(birth, on) -> the age band on that date, counted as
 * pv_age_on does: "00-05", "06-11", "12-17", "18-29", "30-59", "60+", or ""
 * when unknown. */
pv_status stats_sql_functions(pv_ctx *ctx, pv_error *err);

/* The branch the actor's figures are confined to; 0 for every branch. */
int64_t stats_branch(pv_ctx *ctx);

/* A date typed for `field` (ISO or Jalali, any digits) into iso; NULL or ""
 * leaves iso as `dflt`. PV_EINVAL names the field. */
pv_status stats_date(const char *in, const char *field, const char *dflt, char iso[11],
                     pv_error *err);

/* A service code typed (ASCII or Persian digits) into out (32 bytes);
 * NULL, "" or "all" gives "". PV_EINVAL names "service" when malformed. */
pv_status stats_code(const char *in, char out[32], pv_error *err);

/* Copies a column's text (NULL as ""), cut at a UTF-8 boundary. */
void stats_copy_col(sqlite3_stmt *st, int col, char *out, size_t size);

/* When true, every recipients' figure is counted from the enrollments, not
 * read from the summary (core/sql_stats2.c): for the tests that compare the
 * two. False unless a test sets it. */
extern bool stats_summary_off;

#endif
