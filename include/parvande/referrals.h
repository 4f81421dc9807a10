/* parvande — referrals (ارجاع): a person sent on to a centre of the
 * branch's list (card 003's county crisis-intervention centre, or the
 * target of any card's [referral] block), followed up until it is closed.
 *
 * A referral has an urgency (routine, urgent, emergency: emergency means the
 * same day); its follow-up date is the date sent plus the branch's days for
 * that urgency (pv_referral_days, defaults 14 / 3 / 0), and can be moved
 * with a reason. Its status goes sent -> received -> closed, or sent or
 * received -> returned (the centre sent the person back); closed and
 * returned are final. A referral is open while sent or received; an open
 * referral whose follow-up date has passed is overdue. Rules read the open
 * ones (rule name `open_referrals`, include/parvande/rules.h).
 *
 * Conventions as in services.h: pv_status and a translated `err`; dates ISO
 * "YYYY-MM-DD" in and out (NULL or "" = today, so $PARVANDE_TODAY fixes it;
 * Jalali "YYYY/MM/DD" is accepted on input); text from the database must be
 * sanitised before a terminal; lists are the actor's branch only (unless
 * pv_authz_all_branches) and are freed with free(). Reading needs
 * PV_ACT_FILE_READ, making and changing referrals PV_ACT_FILE_WRITE, the
 * centres and the branch's days PV_ACT_CATALOG_ADMIN.
 */
#ifndef PARVANDE_REFERRALS_H
#define PARVANDE_REFERRALS_H

#include <stdbool.h>
#include <stddef.h>
#include "parvande/context.h"
#include "parvande/records.h"
#include "parvande/services.h"

#define PV_REF_TEXT_SZ 1280 /* reason, answer, outcome: one line of free text */

typedef enum pv_urgency { PV_URG_ROUTINE = 0, PV_URG_URGENT, PV_URG_EMERGENCY, PV_URG__COUNT }
    pv_urgency;

typedef enum pv_ref_status {
    PV_REF_SENT = 0, PV_REF_RECEIVED, PV_REF_CLOSED, PV_REF_RETURNED, PV_REF__COUNT
} pv_ref_status;

/* Machine codes ("routine", "sent") and translated labels. */
const char *pv_urgency_code(pv_urgency u);
const char *pv_urgency_label(pv_urgency u);
const char *pv_ref_status_code(pv_ref_status s);
const char *pv_ref_status_label(pv_ref_status s);
/* A typed urgency: the code, the English or the Persian word. False if none. */
bool pv_urgency_parse(const char *in, pv_urgency *out);

/* ---- centres ---- */

typedef struct pv_centre {
    pv_id id;
    char name[PV_NAME_SZ];
    char county[PV_NAME_SZ];
    char phone[PV_PHONE_SZ];
} pv_centre;

/* Adds a centre to the branch's list. PV_EINVAL naming the field for an
 * empty name or a bad phone; PV_ECONFLICT when the name is taken. */
pv_status pv_centre_add(pv_ctx *ctx, const char *name, const char *county, const char *phone,
                        pv_id *out, pv_error *err);
/* The branch's centres, by name. */
pv_status pv_centre_list(pv_ctx *ctx, pv_centre **out, size_t *n, pv_error *err);
/* A centre by its id (decimal text) or exact name. PV_ENOTFOUND naming "centre". */
pv_status pv_centre_find(pv_ctx *ctx, const char *id_or_name, pv_centre *out, pv_error *err);

/* ---- the branch's follow-up days per urgency ---- */

/* days[PV_URG__COUNT]: the branch's setting, else 14, 3, 0. */
pv_status pv_referral_days(pv_ctx *ctx, int days[PV_URG__COUNT], pv_error *err);
/* Sets one urgency's days (0-365; PV_EINVAL otherwise). */
pv_status pv_referral_days_set(pv_ctx *ctx, pv_urgency u, int days, pv_error *err);

/* ---- referrals ---- */

typedef struct pv_referral_new {
    const char *national_id;
    const char *centre;   /* a centre's id or name (pv_centre_find); required */
    const char *service;  /* the service it comes from (must have a [referral] block), or NULL */
    const char *assessment; /* or the file's assessment of this date (NULL/"": none) */
    pv_urgency urgency;
    const char *reason;   /* required */
    const char *date;     /* sent on; NULL = today */
    const char *follow_up;        /* NULL = from the urgency; else needs follow_up_reason */
    const char *follow_up_reason;
} pv_referral_new;

typedef struct pv_referral {
    pv_id id;
    pv_id person_id;
    char national_id[PV_NATID_SZ];
    char first_name[PV_NAME_SZ], last_name[PV_NAME_SZ], father_name[PV_NAME_SZ];
    pv_id centre_id;             /* 0 for a referral migrated from the fact */
    char centre[PV_NAME_SZ], centre_county[PV_NAME_SZ], centre_phone[PV_PHONE_SZ];
    char service[PV_CODE_SZ];    /* "" when none */
    char target[PV_LABEL_SZ];    /* the service card's [referral] "to", in the language */
    pv_id assessment_id;         /* the assessment it comes from, 0 when none */
    char assessment_date[PV_DATE_SZ];
    pv_urgency urgency;
    pv_ref_status status;
    char reason[PV_REF_TEXT_SZ];
    char referred_by[PV_USER_SZ];
    char sent_on[PV_DATE_SZ], received_on[PV_DATE_SZ], follow_up[PV_DATE_SZ],
        closed_on[PV_DATE_SZ];
    char answer[PV_REF_TEXT_SZ], outcome[PV_REF_TEXT_SZ], follow_up_reason[PV_REF_TEXT_SZ];
    bool migrated;               /* made from a referral_open fact */
} pv_referral;

/* Makes a referral (status sent). PV_EINVAL naming the field (urgency,
 * reason, date, follow_up, service without a [referral] block, assessment:
 * no assessment of the person's case file on that date),
 * PV_ENOTFOUND for the person or the centre. */
pv_status pv_referral_create(pv_ctx *ctx, const pv_referral_new *r, pv_id *out, pv_error *err);

pv_status pv_referral_get(pv_ctx *ctx, pv_id id, pv_referral *out, pv_error *err);

/* Status changes, each with its date (NULL = today, not before the date
 * sent) and text (the centre's answer; the outcome, required to close).
 * A transition the status does not allow is PV_ECONFLICT ("a closed
 * referral cannot be received"). */
pv_status pv_referral_receive(pv_ctx *ctx, pv_id id, const char *date, const char *answer,
                              pv_error *err);
pv_status pv_referral_close(pv_ctx *ctx, pv_id id, const char *date, const char *outcome,
                            pv_error *err);
pv_status pv_referral_return(pv_ctx *ctx, pv_id id, const char *date, const char *answer,
                             pv_error *err);
/* Moves the follow-up date of an open referral; the reason is required. */
pv_status pv_referral_set_follow_up(pv_ctx *ctx, pv_id id, const char *date,
                                    const char *reason, pv_error *err);

typedef struct pv_referral_filter {
    const char *national_id; /* one person's, or NULL */
    const char *referred_by; /* one caseworker's, or NULL */
    pv_id centre_id;         /* one centre's, or 0 */
    bool open_only;          /* sent or received */
    const char *overdue_on;  /* open with follow-up before this date (implies open_only) */
} pv_referral_filter;

/* Referrals matching the filter, by follow-up date then id. */
pv_status pv_referral_list(pv_ctx *ctx, const pv_referral_filter *f, pv_referral **out,
                           size_t *n, pv_error *err);
/* How many referrals of `user` (NULL: everyone's) are overdue on `date`
 * (NULL = today). */
pv_status pv_referral_overdue_count(pv_ctx *ctx, const char *user, const char *date, int *out,
                                    pv_error *err);
/* True when the referral is open and its follow-up date is before `date`. */
bool pv_referral_is_overdue(const pv_referral *r, const char *date);

/* Parses a referral id (ASCII or Persian digits). PV_EINVAL naming "referral". */
pv_status pv_referral_parse_id(const char *text, pv_id *out, pv_error *err);

#endif
