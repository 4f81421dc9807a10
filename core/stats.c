/* parvande — statistics: periods, the names of periods and breakdowns, and
 * what the statistics queries share (core/stats_internal.h). The queries
 * themselves are in stats_recipients.c, stats_money.c and stats_work.c. */
#include <stdio.h>
#include <string.h>

#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "stats_internal.h"
#include "svc_internal.h"

static const char *const period_names[] = {"day", "month", "season", "year"};

static const struct {
    const char *name;
    const char *label; /* msgid */
} by_names[PV_BY__COUNT] = {
    [PV_BY_NONE] = {"none", N_("All")},
    [PV_BY_PROVINCE] = {"province", N_("Province")},
    [PV_BY_COUNTY] = {"county", N_("County")},
    [PV_BY_BRANCH] = {"branch", N_("Branch")},
    [PV_BY_GENDER] = {"gender", N_("Gender")},
    [PV_BY_AGE] = {"age", N_("Age")},
    [PV_BY_AREA] = {"area", N_("Area")},
    [PV_BY_DISABILITY] = {"disability", N_("Disability")},
    [PV_BY_CASEWORKER] = {"caseworker", N_("Caseworker")},
};

bool pv_stats_period_parse(const char *word, pv_stats_period *out)
{
    for (int i = 0; word && i < 4; i++)
        if (strcmp(word, period_names[i]) == 0) {
            *out = (pv_stats_period)i;
            return true;
        }
    return false;
}

bool pv_stats_by_parse(const char *word, pv_stats_by *out)
{
    for (int i = 0; word && i < PV_BY__COUNT; i++)
        if (strcmp(word, by_names[i].name) == 0) {
            *out = (pv_stats_by)i;
            return true;
        }
    return false;
}

const char *pv_stats_period_name(pv_stats_period p)
{
    return (unsigned)p < 4 ? period_names[p] : NULL;
}

const char *pv_stats_by_name(pv_stats_by b)
{
    return (unsigned)b < PV_BY__COUNT ? by_names[b].name : NULL;
}

const char *pv_stats_by_label(pv_stats_by b)
{
    return (unsigned)b < PV_BY__COUNT ? _(by_names[b].label) : "";
}

/* ---- periods ---- */

static void iso_of_jalali(int y, int m, int d, char out[11])
{
    pv_iso_format(pv_jalali_to_gregorian((pv_date){y, m, d}), out);
}

bool pv_stats_span_of(pv_stats_period kind, const char *iso, pv_stats_span *out)
{
    pv_date g;
    if (!pv_iso_parse(iso, &g))
        return false;
    pv_date j = pv_gregorian_to_jalali(g);
    int m0 = 1, m1 = 12;
    switch (kind) {
    case PV_STATS_DAY:
        out->key = pv_days_from_gregorian(g);
        pv_iso_format(g, out->first);
        memcpy(out->last, out->first, sizeof out->last);
        return true;
    case PV_STATS_MONTH:
        out->key = (long)j.y * 12 + j.m - 1;
        m0 = m1 = j.m;
        break;
    case PV_STATS_SEASON:
        out->key = (long)j.y * 4 + (j.m - 1) / 3;
        m0 = (j.m - 1) / 3 * 3 + 1;
        m1 = m0 + 2;
        break;
    case PV_STATS_YEAR:
        out->key = j.y;
        break;
    default:
        return false;
    }
    iso_of_jalali(j.y, m0, 1, out->first);
    iso_of_jalali(j.y, m1, pv_jalali_month_days(j.y, m1), out->last);
    return true;
}

void pv_stats_span_next(pv_stats_period kind, pv_stats_span *s)
{
    pv_date g;
    if (!pv_iso_parse(s->last, &g))
        return;
    char next[11];
    pv_iso_format(pv_gregorian_from_days(pv_days_from_gregorian(g) + 1), next);
    pv_stats_span_of(kind, next, s);
}

static const char *const month_msgids[12] = {
    N_("Farvardin"), N_("Ordibehesht"), N_("Khordad"), N_("Tir"), N_("Mordad"),
    N_("Shahrivar"), N_("Mehr"), N_("Aban"), N_("Azar"), N_("Dey"), N_("Bahman"),
    N_("Esfand"),
};
static const char *const season_msgids[4] = {N_("spring"), N_("summer"), N_("autumn"),
                                             N_("winter")};

const char *pv_stats_month_name(int month)
{
    return month >= 1 && month <= 12 ? _(month_msgids[month - 1]) : "";
}

const char *pv_stats_season_name(int season)
{
    return season >= 0 && season <= 3 ? _(season_msgids[season]) : "";
}

void pv_stats_span_label(pv_lang lang, pv_stats_period kind, const pv_stats_span *s, char *out,
                         size_t size)
{
    (void)lang; /* gettext follows the context's language (pv_ctx_set_lang) */
    pv_date g;
    if (!pv_iso_parse(s->first, &g)) {
        snprintf(out, size, "-");
        return;
    }
    pv_date j = pv_gregorian_to_jalali(g);
    switch (kind) {
    case PV_STATS_DAY: snprintf(out, size, "%04d/%02d/%02d", j.y, j.m, j.d); break;
    case PV_STATS_MONTH: snprintf(out, size, "%s %d", pv_stats_month_name(j.m), j.y); break;
    case PV_STATS_SEASON:
        snprintf(out, size, "%s %d", pv_stats_season_name((j.m - 1) / 3), j.y);
        break;
    default: snprintf(out, size, "%d", j.y); break;
    }
}

/* ---- breakdown values ---- */

const char *pv_stats_group_label(pv_stats_by by, const char *group, char *buf, size_t size)
{
    static const char *const codes[] = {"female", "male", "urban", "rural", "informal",
                                        "none", "mild", "moderate", "severe", "very_severe"};
    static const char *const labels[] = {N_("female"), N_("male"), N_("urban"), N_("rural"),
                                         N_("informal settlement"), N_("none"), N_("mild"),
                                         N_("moderate"), N_("severe"), N_("very severe")};
    if (!group || !group[0] || strcmp(group, "unknown") == 0) {
        snprintf(buf, size, "%s", by == PV_BY_NONE ? "" : _("unknown"));
        return buf;
    }
    if (by == PV_BY_AGE) { /* stored "00-05" so that the bands sort; shown "0-5" */
        int lo, hi;
        if (sscanf(group, "%d-%d", &lo, &hi) == 2)
            snprintf(buf, size, "%d-%d", lo, hi);
        else
            snprintf(buf, size, "%s", group);
        return buf;
    }
    if (by == PV_BY_GENDER || by == PV_BY_AREA || by == PV_BY_DISABILITY)
        for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
            if (strcmp(group, codes[i]) == 0) {
                snprintf(buf, size, "%s", _(labels[i]));
                return buf;
            }
    snprintf(buf, size, "%s", group);
    return buf;
}

/* ---- shared by the queries ---- */

static void fn_key(sqlite3_context *c, int argc, sqlite3_value **v)
{
    (void)argc;
    const char *iso = (const char *)sqlite3_value_text(v[1]);
    pv_stats_span s;
    if (iso && pv_stats_span_of((pv_stats_period)sqlite3_value_int(v[0]), iso, &s))
        sqlite3_result_int64(c, s.key);
    else
        sqlite3_result_null(c);
}

/* The age band of the breakdown, as a code that sorts in order. */
static void fn_age_band(sqlite3_context *c, int argc, sqlite3_value **v)
{
    (void)argc;
    static const struct { int below; const char *code; } bands[] = {
        {6, "00-05"}, {12, "06-11"}, {18, "12-17"}, {30, "18-29"}, {60, "30-59"},
    };
    const char *b = (const char *)sqlite3_value_text(v[0]);
    const char *on = (const char *)sqlite3_value_text(v[1]);
    int age = b && on ? pv_age_on(b, on) : -1;
    const char *code = age < 0 ? "" : "60+";
    for (size_t i = 0; age >= 0 && i < sizeof bands / sizeof *bands; i++)
        if (age < bands[i].below) {
            code = bands[i].code;
            break;
        }
    sqlite3_result_text(c, code, -1, SQLITE_STATIC);
}

pv_status stats_sql_functions(pv_ctx *ctx, pv_error *err)
{
    sqlite3_stmt *probe = NULL;
    /* Registering again would expire every prepared statement: look first. */
    if (sqlite3_prepare_v2(ctx->db, "SELECT pv_stats_key(0, ''), pv_stats_age_band('', '')", -1,
                           &probe, NULL) == SQLITE_OK) {
        sqlite3_finalize(probe);
        return PV_OK;
    }
    sqlite3_finalize(probe);
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (sqlite3_create_function(ctx->db, "pv_stats_key", 2, flags, NULL, fn_key, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_create_function(ctx->db, "pv_stats_age_band", 2, flags, NULL, fn_age_band, NULL,
                                NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    return PV_OK;
}

int64_t stats_branch(pv_ctx *ctx)
{
    return pv_authz_all_branches(ctx) ? 0 : pv_ctx_actor(ctx)->branch_code;
}

pv_status stats_date(const char *in, const char *field, const char *dflt, char iso[11],
                     pv_error *err)
{
    if (!in || !in[0]) {
        snprintf(iso, 11, "%s", dflt);
        return PV_OK;
    }
    return pv_date_parse(in, field, iso, err);
}

pv_status stats_code(const char *in, char out[32], pv_error *err)
{
    out[0] = '\0';
    if (!in || !in[0] || strcmp(in, "all") == 0)
        return PV_OK;
    if (!svc_code_norm(in, out))
        return pv_error_field(err, "service", _("not a service code"));
    return PV_OK;
}

void stats_copy_col(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    svc_copy(out, size, s ? s : "");
}
