/* parvande — figures over the services' own records: money per mutual-aid
 * group against its cap (aid_group, group_payment; 001), trainees and money
 * per course (course, course_trainee; 004), and the insurance list, its
 * policies and claims per province and year (insurance_*; 003). Each list
 * is one aggregation; a row is read by a `fill` function of its own. */
#include <stdlib.h>
#include <string.h>

#include "parvande/authz.h"
#include "stats_internal.h"
#include "svc_internal.h"

/* Steps st (bound by the caller) into a new array through pv_read_rows
 * (core/stmt.c); on error *out is NULL and *n 0. */
static pv_status read_list(pv_ctx *ctx, sqlite3_stmt *st, const pv_row_reader *r, void **out,
                           size_t *n, pv_error *err)
{
    pv_status s;
    *out = pv_read_rows(ctx, st, r, NULL, n, &s, err);
    return s;
}

/* Checks the right to read and the code typed; prepares `sql` bound with
 * ?1 code ('' any), ?2 branch (0 any). */
static pv_status prepare(pv_ctx *ctx, const char *code_in, const char *sql, sqlite3_stmt **st,
                         pv_error *err)
{
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err) != PV_OK)
        return PV_EDENIED;
    char code[32];
    if (stats_code(code_in, code, err) != PV_OK)
        return PV_EINVAL;
    if (pv_stmt(ctx, sql, st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(*st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(*st, 2, stats_branch(ctx));
    return PV_OK;
}

static pv_status check_year(int jyear, pv_error *err)
{
    if (jyear != 0 && (jyear < 1300 || jyear > 1500))
        return pv_error_field(err, "year", _("a Jalali year from 1300 to 1500 is needed"));
    return PV_OK;
}

/* ---- groups ---- */

static const char group_sql[] =
    "SELECT g.code, g.name, "
    "(SELECT count(*) FROM group_member m WHERE m.group_id = g.id AND m.left_on IS NULL), "
    "(SELECT coalesce(sum(p.amount), 0) FROM group_payment p WHERE p.group_id = g.id), "
    "coalesce(s.group_cap, 0) FROM aid_group g LEFT JOIN service s ON s.code = g.code "
    "WHERE g.code <> '' AND (?1 = '' OR g.code = ?1) AND (?2 = 0 OR g.branch_code = ?2) "
    "ORDER BY g.code, g.name_key, g.id";

static bool group_fill(sqlite3_stmt *st, void *row, void *user)
{
    (void)user;
    pv_stats_group *r = row;
    stats_copy_col(st, 0, r->code, sizeof r->code);
    stats_copy_col(st, 1, r->group, sizeof r->group);
    r->members = sqlite3_column_int64(st, 2);
    r->used = sqlite3_column_int64(st, 3);
    r->cap = sqlite3_column_int64(st, 4);
    r->left = r->cap > 0 ? r->cap - r->used : 0;
    return true;
}
static const pv_row_reader group_rows = {sizeof(pv_stats_group), 16, group_fill, NULL};

pv_status pv_stats_group_list(pv_ctx *ctx, const char *code, pv_stats_group **out, size_t *n,
                              pv_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    pv_status s = prepare(ctx, code, group_sql, &st, err);
    if (s != PV_OK)
        return s;
    return read_list(ctx, st, &group_rows, (void **)out, n, err);
}

/* ---- courses ---- */

static const char course_sql[] =
    "SELECT c.code, c.title, c.start_date, "
    "coalesce(sum(t.status = 'admitted'), 0), coalesce(sum(t.status = 'withdrawn'), 0), "
    "c.capacity, coalesce(sum(CASE WHEN t.status = 'admitted' THEN t.amount END), 0) "
    "FROM course c LEFT JOIN course_trainee t ON t.course_id = c.id "
    "WHERE (?1 = '' OR c.code = ?1) AND (?2 = 0 OR c.branch_code = ?2) "
    "AND (?3 = 0 OR c.jyear = ?3) GROUP BY c.id ORDER BY c.code, c.start_date, c.title, c.id";

static bool course_fill(sqlite3_stmt *st, void *row, void *user)
{
    (void)user;
    pv_stats_course *r = row;
    stats_copy_col(st, 0, r->code, sizeof r->code);
    stats_copy_col(st, 1, r->title, sizeof r->title);
    stats_copy_col(st, 2, r->start, sizeof r->start);
    r->trainees = sqlite3_column_int64(st, 3);
    r->withdrawn = sqlite3_column_int64(st, 4);
    r->capacity = sqlite3_column_int64(st, 5);
    r->money = sqlite3_column_int64(st, 6);
    return true;
}
static const pv_row_reader course_rows = {sizeof(pv_stats_course), 16, course_fill, NULL};

pv_status pv_stats_course_list(pv_ctx *ctx, const char *code, int jyear, pv_stats_course **out,
                               size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    if (check_year(jyear, err) != PV_OK)
        return PV_EINVAL;
    sqlite3_stmt *st;
    pv_status s = prepare(ctx, code, course_sql, &st, err);
    if (s != PV_OK)
        return s;
    sqlite3_bind_int(st, 3, jyear);
    return read_list(ctx, st, &course_rows, (void **)out, n, err);
}

/* ---- insurance ---- */

/* The branch is the insurance year's (the members carry none). */
static const char insurance_sql[] =
    "SELECT y.code, y.year, y.province, "
    "(SELECT count(*) FROM insurance_member m WHERE m.code = y.code AND m.year = y.year "
    " AND m.province_key = y.province_key AND m.listed = 1), "
    "(SELECT count(*) FROM insurance_member m WHERE m.code = y.code AND m.year = y.year "
    " AND m.province_key = y.province_key AND m.listed = 1 AND m.policy_no <> ''), "
    "(SELECT count(*) FROM insurance_claim c JOIN insurance_member m ON m.id = c.member_id "
    " WHERE m.code = y.code AND m.year = y.year AND m.province_key = y.province_key) "
    "FROM insurance_year y WHERE (?1 = '' OR y.code = ?1) AND (?2 = 0 OR y.branch_code = ?2) "
    "AND (?3 = 0 OR y.year = ?3) ORDER BY y.code, y.year, y.province_key";

static bool insurance_fill(sqlite3_stmt *st, void *row, void *user)
{
    (void)user;
    pv_stats_insurance *r = row;
    stats_copy_col(st, 0, r->code, sizeof r->code);
    r->year = sqlite3_column_int(st, 1);
    stats_copy_col(st, 2, r->province, sizeof r->province);
    r->listed = sqlite3_column_int64(st, 3);
    r->insured = sqlite3_column_int64(st, 4);
    r->claims = sqlite3_column_int64(st, 5);
    return true;
}
static const pv_row_reader insurance_rows = {sizeof(pv_stats_insurance), 16, insurance_fill, NULL};

pv_status pv_stats_insurance_list(pv_ctx *ctx, const char *code, int jyear,
                                  pv_stats_insurance **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    if (check_year(jyear, err) != PV_OK)
        return PV_EINVAL;
    sqlite3_stmt *st;
    pv_status s = prepare(ctx, code, insurance_sql, &st, err);
    if (s != PV_OK)
        return s;
    sqlite3_bind_int(st, 3, jyear);
    return read_list(ctx, st, &insurance_rows, (void **)out, n, err);
}
