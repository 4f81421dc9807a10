/* parvande — work per caseworker: a table of figures, each one query that
 * counts, per login name, what was done between two dates: files,
 * assessments, enrollments, referrals sent / closed / overdue and inquiries
 * pending / overdue. A new figure is one more entry in `figures` and in
 * pv_work_figure. */
#include <stdlib.h>
#include <string.h>

#include "parvande/authz.h"
#include "parvande/groups.h"
#include "stats_internal.h"
#include "svc_internal.h"

/* Every query: ?1 first day, ?2 last day, ?3 branch (0 any), ?4 the day
 * overdue is judged on (the last day, or today if earlier), ?5 the days an
 * inquiry may wait; returns (user, count) rows. */
#define IN_BRANCH(col) " AND (?3 = 0 OR " col " = ?3) GROUP BY 1"
/* Rows of `table` whose `date` is in the range (and `cond`), per `who`. */
#define DATED(who, table, cond, date)                                                       \
    "SELECT " who ", count(*) FROM " table " WHERE " cond date " BETWEEN ?1 AND ?2"          \
    IN_BRANCH("branch_code")
/* Enrollments requested, approved or rejected in the range, per requester:
 * the counts per day of migration 17 (core/sql_stats5.c) summed. Counted
 * from the enrollments and their events, they were 130 of the table's
 * 180 ms on the bench's 300,000 enrollments. */
#define SUMMED(figure)                                                                      \
    "SELECT user, sum(n) FROM stats_work_day WHERE figure = '" figure "' "                  \
    "AND day BETWEEN ?1 AND ?2" IN_BRANCH("branch") " HAVING sum(n) <> 0"
#define PENDING "status = 'pending' AND "

static const struct {
    const char *name;
    const char *label; /* msgid */
    const char *sql;
} figures[PV_WORK__COUNT] = {
    [PV_WORK_NEW_FILES] = {"new_files", N_("New files"),
                           DATED("caseworker", "casefile", "", "opened_on")},
    [PV_WORK_CLOSED_FILES] = {"closed_files", N_("Closed files"),
                              DATED("caseworker", "casefile", "closed_on <> '' AND ",
                                    "closed_on")},
    [PV_WORK_ASSESSMENTS] = {"assessments", N_("Assessments"),
        "SELECT a.author, count(*) FROM assessment a JOIN casefile f ON f.id = a.file_id "
        "WHERE a.date BETWEEN ?1 AND ?2" IN_BRANCH("f.branch_code")},
    [PV_WORK_REQUESTED] = {"requested", N_("Requested"),
                           SUMMED("requested")},
    [PV_WORK_APPROVED] = {"approved", N_("Approved"), SUMMED("approved")},
    [PV_WORK_REJECTED] = {"rejected", N_("Rejected"), SUMMED("rejected")},
    [PV_WORK_REF_SENT] = {"referrals_sent", N_("Referrals sent"),
                          DATED("referred_by", "referral", "", "sent_on")},
    [PV_WORK_REF_CLOSED] = {"referrals_closed", N_("Referrals closed"),
                            DATED("referred_by", "referral", "closed_on <> '' AND ",
                                  "closed_on")},
    [PV_WORK_REF_OVERDUE] = {"referrals_overdue", N_("Referrals overdue"),
        "SELECT referred_by, count(*) FROM referral WHERE status IN ('sent', 'received') "
        "AND follow_up < ?4" IN_BRANCH("branch_code")},
    [PV_WORK_INQ_PENDING] = {"inquiries_pending", N_("Inquiries pending"),
                             DATED("caseworker", "inquiry", PENDING, "sent_on")},
    [PV_WORK_INQ_OVERDUE] = {"inquiries_overdue", N_("Inquiries overdue"),
                             DATED("caseworker", "inquiry",
                                   PENDING "julianday(?4) - julianday(sent_on) > "
                                   "coalesce((SELECT s.overdue_days FROM inquiry_setting s "
                                   "WHERE s.branch_code = inquiry.branch_code), ?5) AND ",
                                   "sent_on")},
};

const char *pv_work_figure_name(pv_work_figure f)
{
    return (unsigned)f < PV_WORK__COUNT ? figures[f].name : "";
}

const char *pv_work_figure_label(pv_work_figure f)
{
    return (unsigned)f < PV_WORK__COUNT ? _(figures[f].label) : "";
}

/* The row of `user`, added in name order if missing; NULL when out of memory. */
static pv_stats_work *row_of(pv_stats_work **list, size_t *n, size_t *cap, const char *user)
{
    size_t i = 0;
    while (i < *n && strcmp((*list)[i].user, user) < 0)
        i++;
    if (i < *n && strcmp((*list)[i].user, user) == 0)
        return &(*list)[i];
    pv_stats_work *g = svc_grow(*list, *n, cap, sizeof *g, 16);
    if (!g)
        return NULL;
    *list = g;
    memmove(&g[i + 1], &g[i], (*n - i) * sizeof *g);
    (*n)++;
    memset(&g[i], 0, sizeof g[i]);
    svc_copy(g[i].user, sizeof g[i].user, user);
    return &g[i];
}

static pv_status one_figure(pv_ctx *ctx, pv_work_figure f, const char *from, const char *to,
                            const char *on, pv_stats_work **out, size_t *n, size_t *cap, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, figures[f].sql, &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, stats_branch(ctx));
    /* not every figure reads ?4 and ?5: SQLITE_RANGE there is expected */
    sqlite3_bind_text(st, 4, on, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, PV_INQUIRY_OVERDUE_DAYS); /* a branch's own limit comes first */
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char user[64];
        stats_copy_col(st, 0, user, sizeof user);
        pv_stats_work *w = row_of(out, n, cap, user);
        if (!w) {
            sqlite3_reset(st);
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        }
        w->n[f] += sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_stats_work_list(pv_ctx *ctx, const char *from_in, const char *to_in,
                             pv_stats_work **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err) != PV_OK)
        return PV_EDENIED;
    char from[11], to[11];
    if (stats_date(from_in, "from", "0000-00-00", from, err) != PV_OK ||
        stats_date(to_in, "to", "9999-99-99", to, err) != PV_OK)
        return PV_EINVAL;
    if (pv_exec(ctx, "SAVEPOINT stats_work", err) != PV_OK)
        return PV_EFAIL;
    char on[11];
    pv_today(on);
    if (strcmp(to, on) < 0)
        memcpy(on, to, sizeof on);
    size_t cap = 0;
    pv_status s = PV_OK;
    for (int f = 0; f < PV_WORK__COUNT && s == PV_OK; f++)
        s = one_figure(ctx, (pv_work_figure)f, from, to, on, out, n, &cap, err);
    pv_exec(ctx, "RELEASE stats_work", NULL);
    if (s != PV_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return s;
}
