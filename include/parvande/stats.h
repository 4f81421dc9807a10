/* parvande — statistics: the figures every service card's §5 asks for
 * (recipients per Jalali day / month / season / year), money per service and
 * province, and work per caseworker. Everything is counted by SQL
 * aggregation in the database (core/stats*.c); nothing here loops over rows.
 *
 * Scope: like every list, the figures of a caseworker, supervisor or
 * administrator count only their own branch's records (the system actor
 * counts every branch). Reading them needs PV_ACT_FILE_READ.
 *
 * Dates are ISO Gregorian "YYYY-MM-DD"; periods are Jalali: a season is
 * three months from Farvardin and never spans two years; Esfand 30 of a
 * leap year is in that year's winter. */
#ifndef PARVANDE_STATS_H
#define PARVANDE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parvande/context.h"
#include "parvande/error.h"

typedef enum pv_stats_period {
    PV_STATS_DAY = 0, PV_STATS_MONTH, PV_STATS_SEASON, PV_STATS_YEAR
} pv_stats_period;

/* A breakdown of the recipients (the --by of `parvande stats`). */
typedef enum pv_stats_by {
    PV_BY_NONE = 0,
    PV_BY_PROVINCE,   /* the enrollment's province (where its money was charged) */
    PV_BY_COUNTY,     /* the person's county */
    PV_BY_BRANCH,     /* the enrollment's branch code */
    PV_BY_GENDER,     /* female, male, unknown */
    PV_BY_AGE,        /* on the enrollment's date: 0-5, 6-11, 12-17, 18-29, 30-59, 60+ */
    PV_BY_AREA,       /* urban, rural, informal, unknown */
    PV_BY_DISABILITY, /* none, mild, moderate, severe, very_severe */
    PV_BY_CASEWORKER, /* the login name that requested the enrollment */
    PV_BY__COUNT
} pv_stats_by;

/* Names as typed on the command line ("month", "age"...); false / NULL
 * when unknown. */
bool pv_stats_period_parse(const char *word, pv_stats_period *out);
bool pv_stats_by_parse(const char *word, pv_stats_by *out);
const char *pv_stats_period_name(pv_stats_period p);
const char *pv_stats_by_name(pv_stats_by b);
/* The translated heading of a breakdown ("Gender", "Age"). */
const char *pv_stats_by_label(pv_stats_by b);

/* ---- periods ----
 * A period is identified by a key: the days since 1970-01-01 of the day for
 * PV_STATS_DAY, else pv_jalali_period_key (year*12+month-1, year*4+season,
 * year). */
typedef struct pv_stats_span {
    long key;
    char first[11], last[11]; /* its first and last day, ISO */
} pv_stats_span;

/* The period of `kind` containing the ISO date; false if the date is invalid. */
bool pv_stats_span_of(pv_stats_period kind, const char *iso, pv_stats_span *out);
/* The period after `s` (kind must be the one it was made with). */
void pv_stats_span_next(pv_stats_period kind, pv_stats_span *s);
/* The period's name in the context's language, ASCII digits: "فروردین 1404",
 * "بهار 1404", "1404", "1404/01/05" (Persian); "Farvardin 1404", "spring 1404"
 * (English). Convert the digits for display (pv_digits_persian). */
void pv_stats_span_label(pv_lang lang, pv_stats_period kind, const pv_stats_span *s, char *out,
                         size_t size);
/* The Jalali month name (1..12) and season name (0..3), translated. */
const char *pv_stats_month_name(int month);
const char *pv_stats_season_name(int season);

/* ---- recipients ----
 * A recipient is a person with an enrollment in progress or completed
 * (requested, rejected and withdrawn enrollments are not counted). Per
 * period: `started` — persons with such an enrollment dated in the period;
 * `active` — persons with one started on or before its last day and not
 * ended before its first day; `completed` — persons whose enrollment was
 * completed in it. A person is counted once per row however many
 * enrollments they have in it. */
typedef struct pv_stats_query {
    const char *code;   /* a service code; NULL or "" for every service, each its own rows */
    pv_stats_period period;
    pv_stats_by by;
    const char *from;   /* first day, ISO or Jalali as typed; NULL/"": the first enrollment */
    const char *to;     /* last day; NULL/"": today */
} pv_stats_query;

#define PV_STATS_GROUP_SZ 128

typedef struct pv_stats_row {
    pv_stats_span span;              /* the period */
    char code[32];                   /* the service */
    char group[PV_STATS_GROUP_SZ];   /* the breakdown's stored value ("" for PV_BY_NONE):
                                      * a code (female, 18-29, very_severe), a province,
                                      * a login name; show it with pv_stats_group_label */
    int64_t started, active, completed;
} pv_stats_row;

/* A table of recipients: one row per (period, service, group) that has a
 * non-zero figure, ordered by period, service, group; and per service the
 * totals over the whole range (distinct persons, so not the sum of the
 * rows), in `totals` (span.key = -1, group ""), ordered by service.
 * PV_EINVAL names "from"/"to"/"service" for bad input; PV_EDENIED; PV_EFAIL.
 * The caller frees *rows and *totals with free(). */
typedef struct pv_stats_table {
    pv_stats_row *rows;
    size_t n_rows;
    pv_stats_row *totals;
    size_t n_totals;
    char from[11], to[11]; /* the range counted, ISO */
} pv_stats_table;

pv_status pv_stats_recipients(pv_ctx *ctx, const pv_stats_query *q, pv_stats_table *out,
                              pv_error *err);
void pv_stats_table_free(pv_stats_table *t); /* frees the arrays; NULL is fine */

/* A group's value as shown: translated codes ("زن", "۱۸–۲۹" stays ASCII
 * "18-29"), a province or a name as stored, "—" for empty. Returns `buf`. */
const char *pv_stats_group_label(pv_stats_by by, const char *group, char *buf, size_t size);

/* Started recipients of one service (or "" / NULL: any service, distinct
 * persons) in each of the `n` months ending with the month of `to` (ISO;
 * NULL: today), oldest first, into out[0..n). For the sparkline. */
pv_status pv_stats_months(pv_ctx *ctx, const char *code, const char *to, int64_t *out, size_t n,
                          pv_error *err);

/* ---- money ----
 * Per service and province for one Jalali year: the credit allotted, the
 * money committed to enrollments still requested or in progress, the money
 * of completed enrollments (paid), and what is left of the credit
 * (credit - everything the credit row has committed, the province's whole
 * figure). committed and paid count the caller's branch's enrollments. */
typedef struct pv_stats_money {
    char code[32];
    char province[PV_STATS_GROUP_SZ];
    int64_t credit, committed, paid, left;
} pv_stats_money;

/* Rows ordered by service then province; code NULL/"": every service.
 * The caller frees *out with free(). */
pv_status pv_stats_money_list(pv_ctx *ctx, const char *code, int jyear, pv_stats_money **out,
                              size_t *n, pv_error *err);

/* Per mutual-aid group (table aid_group) of a service with a cap per group
 * (the card's group_cap): its active members, the money paid to it (the sum
 * of its group_payment rows), the cap and what is left of it. Groups of
 * services without a cap have cap 0 and left 0. Ordered by service then
 * group name; code NULL/"": every service. The caller frees *out with free(). */
typedef struct pv_stats_group {
    char code[32];
    char group[PV_STATS_GROUP_SZ];  /* the group's name */
    int64_t members, used, cap, left;
} pv_stats_group;

pv_status pv_stats_group_list(pv_ctx *ctx, const char *code, pv_stats_group **out, size_t *n,
                              pv_error *err);

/* ---- courses (004) ----
 * Per course started in a Jalali year (0: every year): the trainees admitted
 * and still in it, those withdrawn, the capacity, and the money of its
 * admitted trainees (course_trainee.amount). Ordered by service, start date,
 * title. The caller frees *out with free(). */
typedef struct pv_stats_course {
    char code[32];
    char title[PV_STATS_GROUP_SZ];
    char start[11];                 /* ISO */
    int64_t trainees, withdrawn, capacity, money;
} pv_stats_course;

pv_status pv_stats_course_list(pv_ctx *ctx, const char *code, int jyear, pv_stats_course **out,
                               size_t *n, pv_error *err);

/* ---- insurance (003) ----
 * Per service, Jalali year (0: every year) and province: the persons on the
 * insurance list (listed = 1), those with a policy number (insured), and the
 * claims noted against the year's members. Ordered by service, year,
 * province. The caller frees *out with free(). */
typedef struct pv_stats_insurance {
    char code[32];
    int year;
    char province[PV_STATS_GROUP_SZ];
    int64_t listed, insured, claims;
} pv_stats_insurance;

pv_status pv_stats_insurance_list(pv_ctx *ctx, const char *code, int jyear,
                                  pv_stats_insurance **out, size_t *n, pv_error *err);

/* ---- work per caseworker ----
 * Each figure is one entry of a table of queries (core/stats_work.c); a
 * figure over a new table is one more entry there. */
typedef enum pv_work_figure {
    PV_WORK_NEW_FILES = 0,  /* case files opened, by their caseworker */
    PV_WORK_CLOSED_FILES,   /* case files closed, by their caseworker */
    PV_WORK_ASSESSMENTS,    /* assessments written, by their author */
    PV_WORK_REQUESTED,      /* enrollments requested, by the requester */
    PV_WORK_APPROVED,       /* enrollments approved, by the requester */
    PV_WORK_REJECTED,       /* enrollments rejected, by the requester */
    PV_WORK_REF_SENT,       /* referrals sent in the range, by the sender */
    PV_WORK_REF_CLOSED,     /* referrals closed in the range, by the sender */
    PV_WORK_REF_OVERDUE,    /* referrals still open whose follow-up date is before
                             * the range's last day (or today, if earlier) */
    PV_WORK_INQ_PENDING,    /* inquiries sent in the range still unanswered */
    PV_WORK_INQ_OVERDUE,    /* of those, sent more than 30 days before the range's
                             * last day (or today, if earlier) */
    PV_WORK__COUNT
} pv_work_figure;

const char *pv_work_figure_name(pv_work_figure f);  /* "new_files" ... (CSV/TSV headers) */
const char *pv_work_figure_label(pv_work_figure f); /* translated column heading */

typedef struct pv_stats_work {
    char user[64];                 /* login name; "" when none was recorded */
    int64_t n[PV_WORK__COUNT];
} pv_stats_work;

/* Work done between from and to (ISO or Jalali, inclusive; NULL/"" open),
 * one row per user, ordered by name. The caller frees *out with free(). */
pv_status pv_stats_work_list(pv_ctx *ctx, const char *from, const char *to, pv_stats_work **out,
                             size_t *n, pv_error *err);

#endif
