/* parvande — records of their own for the office work of cards 001 and
 * 004: mutual-aid groups (گروه همیار) with members, the group's walk through
 * its service's steps and its dated payments against the card's group_cap;
 * workshops (کارگاه) with trainees, daily attendance and an evaluation;
 * and inquiries (استعلام) to the agencies of a card's [link] blocks.
 *
 * The rules read these records as facts (the view rule_fact, see
 * data/services/README.md): group.member, group.registered, group.step,
 * event.KIND (a dated event on the person's file, e.g. step 5 of 001),
 * inquiry.AGENCY ('confirmed' | 'pending' | 'refused'), course.admitted.
 * A card's [gate] block makes a step of an enrollment wait for a rule,
 * typically a confirmed inquiry.
 *
 * Conventions as in services.h: pv_status and a translated `err` (a
 * refusal names the rule and the field), dates ISO in and out (NULL or ""
 * = today), money int64 rials, every read-modify-write one IMMEDIATE
 * transaction, authorization checked inside (creating and changing: the
 * enrollment actions of a caseworker; lists: reading files). Plain-value
 * structs are the caller's; *_free functions free what is marked owned.
 * Text from the database must still go through pv_text_sanitize. */
#ifndef PARVANDE_GROUPS_H
#define PARVANDE_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "parvande/context.h"
#include "parvande/services.h"

/* Parses a record number typed by a person (decimal, Persian digits
 * allowed). PV_EINVAL names `field`. */
pv_status pv_record_parse_id(const char *text, const char *field, pv_id *out, pv_error *err);

/* ======================================================================
 * Mutual-aid groups
 * ====================================================================== */

typedef struct pv_group {
    pv_id id;
    char name[PV_LABEL_SZ];
    char activity[PV_LABEL_SZ];   /* what it produces or sells */
    char founded_on[PV_DATE_SZ];
    char facilitator[PV_USER_SZ]; /* the facilitating caseworker's login name */
    char legal_id[12];            /* شناسه ملی once registered, else "" */
    char registered_on[PV_DATE_SZ];
    bool active;
    char code[PV_CODE_SZ];        /* the service it is enrolled in, "" if none */
    char enrolled_on[PV_DATE_SZ];
    int step, n_steps;            /* steps done of the service's steps */
    int64_t paid;                 /* sum of its payments */
    int64_t cap;                  /* the service's group_cap, 0 = none */
    int n_members;                /* active members */
    int64_t branch_code;
} pv_group;

typedef struct pv_group_member {
    char national_id[PV_NATID_SZ];
    char name[PV_LABEL_SZ];       /* first and last */
    char joined_on[PV_DATE_SZ];
    char left_on[PV_DATE_SZ];     /* "" while a member */
} pv_group_member;

typedef struct pv_group_step {
    int number;
    char title[PV_LABEL_SZ];      /* the card's, in the context's language */
    char date[PV_DATE_SZ];        /* "" when not done */
    char user[PV_USER_SZ];
    char note[PV_LABEL_SZ];
} pv_group_step;

typedef struct pv_group_payment {
    pv_id id;
    char date[PV_DATE_SZ];
    int64_t amount;
    char user[PV_USER_SZ];
    char note[PV_LABEL_SZ];
} pv_group_payment;

typedef struct pv_group_detail {
    pv_group g;
    pv_group_member *members;   /* owned; active ones first, then former */
    size_t n_members;
    pv_group_step *steps;       /* owned; the service's steps (0 when not enrolled) */
    size_t n_steps;
    pv_group_payment *payments; /* owned; oldest first */
    size_t n_payments;
} pv_group_detail;

typedef struct pv_group_new {
    const char *name;        /* required, unique in the branch */
    const char *activity;    /* may be NULL */
    const char *founded_on;  /* NULL = today */
    const char *facilitator; /* a login name; NULL = the actor */
} pv_group_new;

/* A new group in the actor's branch. PV_ECONFLICT when the name is taken. */
pv_status pv_group_add(pv_ctx *ctx, const pv_group_new *g, pv_id *id_out, pv_error *err);

/* A group by its number or its exact name. PV_ENOTFOUND names "group". */
pv_status pv_group_find(pv_ctx *ctx, const char *ref, pv_id *id_out, pv_error *err);

/* Groups whose name contains `query`, or that have a member with that
 * national ID or name, or that legal ID (NULL/"": all), by name. Caller
 * frees *out with free(). */
pv_status pv_group_list(pv_ctx *ctx, const char *query, pv_group **out, size_t *n,
                        pv_error *err);

/* One group in full. Free with pv_group_detail_free. */
pv_status pv_group_get(pv_ctx *ctx, pv_id id, pv_group_detail **out, pv_error *err);
void pv_group_detail_free(pv_group_detail *d);

/* Adds a beneficiary of the group's branch (PV_ECONFLICT when she is in
 * another active group, naming it), or ends a membership on `date`. */
pv_status pv_group_member_add(pv_ctx *ctx, pv_id group, const char *national_id,
                              const char *date, pv_error *err);
pv_status pv_group_member_remove(pv_ctx *ctx, pv_id group, const char *national_id,
                                 const char *date, pv_error *err);

/* Records the registration with the Companies Registration Office: the
 * legal-entity national ID (11 digits, check digit verified; PV_EINVAL
 * names "legal_id") and its date. */
pv_status pv_group_register(pv_ctx *ctx, pv_id group, const char *legal_id, const char *date,
                            pv_error *err);

/* Enrolls the group as a whole in a service (once; the card's steps start). */
pv_status pv_group_enroll(pv_ctx *ctx, pv_id group, const char *code, const char *date,
                          pv_error *err);

/* The next step of the group's service is done on `date`. A step whose
 * card block names an `event` writes that event, dated, on the file of
 * every active member (001's step 5: exit_direct_support). */
pv_status pv_group_advance(pv_ctx *ctx, pv_id group, const char *date, const char *note,
                           pv_error *err);

/* A dated payment to the group. Refused (PV_ECONFLICT, "the group cap
 * rule") in the same transaction when the group's payments would pass the
 * service's group_cap; the group must be enrolled. */
pv_status pv_group_pay(pv_ctx *ctx, pv_id group, int64_t amount, const char *date,
                       const char *note, pv_id *id_out, pv_error *err);

/* ======================================================================
 * Workshops
 * ====================================================================== */

typedef struct pv_course {
    pv_id id;
    char code[PV_CODE_SZ];
    char title[PV_LABEL_SZ];
    char start_date[PV_DATE_SZ];
    int jyear;
    int days;        /* workshop days: the card's course_days */
    int min_days;    /* days attended to complete: the card's course_min_days */
    char place[PV_LABEL_SZ];
    int capacity;
    char trainer[PV_LABEL_SZ];
    int n_trainees;  /* admitted (not withdrawn) */
    int64_t branch_code;
} pv_course;

typedef struct pv_trainee {
    char national_id[PV_NATID_SZ];
    char name[PV_LABEL_SZ];
    bool withdrawn;
    char admitted_on[PV_DATE_SZ];
    int64_t amount;          /* charged to the credit (0 once released) */
    unsigned char *present;  /* owned by the detail; present[d - 1] for day d of `days` */
    int attended;            /* days present */
    bool completed;          /* attended >= min_days */
} pv_trainee;

typedef struct pv_course_evaluation {
    char date[PV_DATE_SZ];
    int score;               /* 0..100 */
    char user[PV_USER_SZ];
    char note[PV_LABEL_SZ];
} pv_course_evaluation;

typedef struct pv_course_detail {
    pv_course c;
    pv_trainee *trainees;    /* owned, admitted ones first, by name */
    size_t n_trainees;
    pv_course_evaluation *evaluations; /* owned, oldest first */
    size_t n_evaluations;
} pv_course_detail;

typedef struct pv_course_new {
    const char *code;       /* the service (a card with course_days); required */
    const char *title;      /* required */
    const char *start_date; /* NULL = today */
    const char *place, *trainer; /* may be NULL */
    int capacity;           /* 1..1000 */
} pv_course_new;

/* A new course in the actor's branch. Refused (PV_ECONFLICT, "the yearly
 * courses rule") past the card's courses_per_year in the Jalali year of
 * the start date. */
pv_status pv_course_add(pv_ctx *ctx, const pv_course_new *c, pv_id *id_out, pv_error *err);

/* The catalog's services a course can be made for (their card gives
 * course_days), by code. Caller frees *out with free(). */
pv_status pv_course_services(pv_ctx *ctx, pv_service_info **out, size_t *n, pv_error *err);

/* Courses of the branch, newest start first. Caller frees *out with free(). */
pv_status pv_course_list(pv_ctx *ctx, pv_course **out, size_t *n, pv_error *err);

pv_status pv_course_get(pv_ctx *ctx, pv_id id, pv_course_detail **out, pv_error *err);
void pv_course_detail_free(pv_course_detail *d);

/* Admits a trainee: eligible for the course's service (PV_EINELIGIBLE with
 * the failed criteria), room on the course (PV_ECONFLICT "capacity"), and
 * the card's per_capita charged to the service's credit of the person's
 * province in the Jalali year of the start date (refused if it would
 * overspend), all in one transaction. */
pv_status pv_course_admit(pv_ctx *ctx, pv_id course, const char *national_id, const char *date,
                          pv_error *err);

/* A trainee withdraws on `date`: before the first day the money is
 * released to the credit; from the first day on it stays spent. */
pv_status pv_course_withdraw(pv_ctx *ctx, pv_id course, const char *national_id,
                             const char *date, pv_error *err);

/* Marks day `day` (1..days) of a trainee present or absent. */
pv_status pv_course_attend(pv_ctx *ctx, pv_id course, const char *national_id, int day,
                           bool present, pv_error *err);

/* The course's evaluation (step 5 of 004): date, score 0..100, note. */
pv_status pv_course_evaluate(pv_ctx *ctx, pv_id course, const char *date, int score,
                             const char *note, pv_error *err);

/* ======================================================================
 * Inquiries to other agencies
 * ====================================================================== */

typedef enum pv_inquiry_status {
    PV_INQ_PENDING = 0, PV_INQ_CONFIRMED, PV_INQ_REFUSED
} pv_inquiry_status;
const char *pv_inquiry_status_name(pv_inquiry_status s);  /* "pending"... (TSV) */
const char *pv_inquiry_status_label(pv_inquiry_status s); /* translated */

typedef struct pv_inquiry {
    pv_id id;
    char national_id[PV_NATID_SZ]; /* the person it is about, or "" */
    pv_id group_id;                /* or the group, else 0 */
    char subject[PV_LABEL_SZ];     /* the person's or the group's name */
    char code[PV_CODE_SZ];
    char agency_key[PV_KEY_SZ];
    char agency[PV_LABEL_SZ];      /* in the context's language */
    char system[PV_LABEL_SZ];
    char asked[PV_LABEL_SZ];
    char how[8];                   /* online | batch | manual */
    char by[8];                    /* agency | visitor */
    pv_inquiry_status status;
    char sent_on[PV_DATE_SZ];
    char answered_on[PV_DATE_SZ];
    char reference[64];
    char note[PV_LABEL_SZ];
    char caseworker[PV_USER_SZ];
    int age_days;                  /* days since sent, on the list's date */
} pv_inquiry;

typedef struct pv_inquiry_new {
    const char *national_id; /* the person, or */
    const char *group;       /* the group (number or name) */
    const char *code;        /* the service whose [link] names the agency */
    const char *agency;      /* the link's key (or its Persian or English name) */
    const char *asked;       /* what is asked; NULL = the link's fields */
    const char *how;         /* online|batch|manual; NULL = the link's */
    const char *by;          /* agency|visitor; NULL = the link's (first) */
    const char *date;        /* sent on; NULL = today */
    const char *note;
} pv_inquiry_new;

pv_status pv_inquiry_add(pv_ctx *ctx, const pv_inquiry_new *q, pv_id *id_out, pv_error *err);

/* An agency a service's card names to inquire of (a [link] block with a key). */
typedef struct pv_inquiry_agency {
    char key[PV_KEY_SZ];
    char name[PV_LABEL_SZ]; /* in the context's language (the key when the card has none) */
    char how[8];            /* the card's way of asking (its first): online|batch|manual */
    char by[8];             /* who asks, as the card says first: agency|visitor */
} pv_inquiry_agency;
/* The services whose card names such agencies, by code (free with free()),
 * and the agencies of one service's card, in the card's order (free with
 * free(); PV_ENOTFOUND names "service"). */
pv_status pv_inquiry_services(pv_ctx *ctx, pv_service_info **out, size_t *n, pv_error *err);
pv_status pv_inquiry_agencies(pv_ctx *ctx, const char *code, pv_inquiry_agency **out,
                              size_t *n, pv_error *err);

/* The answer of a pending inquiry: confirmed or refused, its date, the
 * reference number of the answer, a note. */
pv_status pv_inquiry_answer(pv_ctx *ctx, pv_id id, bool confirmed, const char *date,
                            const char *reference, const char *note, pv_error *err);

typedef struct pv_inquiry_filter {
    int overdue_days;        /* >= 0: only pending ones sent more than this many days
                                before `date`; -1: all */
    const char *date;        /* the day the list is for; NULL = today */
    const char *agency;      /* a link key, or NULL */
    const char *caseworker;  /* a login name, or NULL */
    const char *national_id; /* about this person (or her group), or NULL */
    pv_id group_id;          /* about this group alone, or 0 */
} pv_inquiry_filter;
#define PV_INQUIRY_FILTER_INIT {-1, NULL, NULL, NULL, NULL, 0}
#define PV_INQUIRY_OVERDUE_DAYS 14 /* when the branch has set no limit of its own */

/* The days after which a pending inquiry of the actor's branch is overdue:
 * the branch's setting, else PV_INQUIRY_OVERDUE_DAYS. */
pv_status pv_inquiry_overdue_days(pv_ctx *ctx, int *days, pv_error *err);
/* Sets the branch's limit (1..365; PV_EINVAL names "days"); an
 * administrator's, like the referrals' follow-up days. */
pv_status pv_inquiry_overdue_days_set(pv_ctx *ctx, int days, pv_error *err);

/* Inquiries of the branch, oldest sent first. Caller frees with free(). */
pv_status pv_inquiry_list(pv_ctx *ctx, const pv_inquiry_filter *f, pv_inquiry **out,
                          size_t *n, pv_error *err);

/* How many pending inquiries the user made are overdue on `date` (the
 * home screen's count). */
pv_status pv_inquiry_overdue_count(pv_ctx *ctx, const char *caseworker, int days,
                                   const char *date, int *count, pv_error *err);

#endif
