/* parvande — the service catalog, eligibility with reasons, and enrollment
 * through each service's steps.
 *
 * A service is described by a card file (a *.card file in data/services, see
 * data/services/README.md): the national "service identity card" sections
 * §1-§11, the limits (frequency, per-capita cost, money cap per group,
 * approval), the documents to tick, the process steps, and the eligibility
 * criteria — each with a Persian and an English label, a Persian and an
 * English failure reason, and a rule in a small expression language over a
 * fixed whitelist of the beneficiary's facts (include/parvande/rules.h).
 * Card files are loaded into the database (pv_catalog_sync); no service is
 * hard-coded in the program.
 *
 * Conventions, as everywhere in the core:
 *  - every function returns pv_status and fills `err` (may be NULL) with a
 *    translated message; a refusal names the rule that refused;
 *  - text in results is in the context's language (pv_ctx_lang): Persian,
 *    or English where the card has it (falling back to Persian). Text from
 *    the database must still go through pv_text_sanitize before a terminal;
 *  - what a function allocates is freed with the matching *_free function;
 *    structures made only of fixed buffers are plain values;
 *  - dates are ISO Gregorian "YYYY-MM-DD" in and out; NULL or "" for a date
 *    argument means today (pv_today, so $PARVANDE_TODAY fixes it);
 *  - money is int64 rials; a Jalali year is an int such as 1403;
 *  - authorization is checked inside (pv_authz_check) and gives PV_EDENIED;
 *    lists show only the actor's branch unless pv_authz_all_branches().
 */
#ifndef PARVANDE_SERVICES_H
#define PARVANDE_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "parvande/context.h"
#include "parvande/records.h"

#define PV_CODE_SZ 32        /* service code: [A-Za-z0-9-], 1-31 bytes */
#define PV_KEY_SZ 64         /* machine names: criteria, documents, facts */
#define PV_LABEL_SZ 512      /* one label or title, UTF-8 */
#define PV_FACT_VALUE_SZ 256 /* a recorded fact's value */
#define PV_USER_SZ 64        /* a login name */

/* ======================================================================
 * Catalog
 * ====================================================================== */

typedef enum pv_frequency {
    PV_FREQ_NONE = 0, /* no limit */
    PV_FREQ_ONCE,     /* once for ever */
    PV_FREQ_MONTH,    /* at most freq_count per Jalali month */
    PV_FREQ_SEASON,   /* ... per Jalali season (3 months from Farvardin) */
    PV_FREQ_YEAR      /* ... per Jalali year */
} pv_frequency;

/* One service, as a plain value. */
typedef struct pv_service_info {
    char code[PV_CODE_SZ];      /* the 11-digit national code, or a local code */
    bool local_code;            /* the card had no national code (004): code is local */
    char title[PV_LABEL_SZ];    /* in the context's language */
    char title_fa[PV_LABEL_SZ];
    char title_en[PV_LABEL_SZ];
    char provider[PV_LABEL_SZ]; /* provider agency, in the context's language */
    bool approval;              /* a supervisor must approve before it starts */
    pv_frequency frequency;
    int freq_count;             /* N for MONTH/SEASON/YEAR; 1 for ONCE; 0 for NONE */
    int64_t per_capita;         /* rials charged to the yearly credit; 0 = none */
    int64_t group_cap;          /* rials at most per group; 0 = no cap */
    char group_fact[PV_KEY_SZ]; /* the fact holding a person's group key ("group") */
    size_t n_criteria, n_steps, n_documents;
    bool edited;                /* changed by an administrator: sync leaves it alone */
} pv_service_info;

/* The whole catalog, ordered by code. Caller frees *out with free(). */
pv_status pv_service_list(pv_ctx *ctx, pv_service_info **out, size_t *n, pv_error *err);

/* One service by code (ASCII or Persian digits accepted). PV_ENOTFOUND
 * names the field "service". */
pv_status pv_service_get(pv_ctx *ctx, const char *code, pv_service_info *out, pv_error *err);

/* A card, section by section, for display (`parvande service CODE`, the
 * catalog screen). Section titles and row labels are translated with the
 * module's catalog; values come from the card in the context's language.
 * A row with several values (lists: documents, regulations, steps...) has
 * one row per value, the label repeated. */
typedef struct pv_card_row {
    char *label; /* owned by the card; translated */
    char *value; /* owned by the card */
} pv_card_row;

typedef struct pv_card_section {
    char *title;       /* owned; translated, e.g. "§5 Details of the service" */
    pv_card_row *rows; /* owned */
    size_t n_rows;
} pv_card_section;

typedef struct pv_card {
    pv_service_info info;
    pv_card_section *sections; /* owned */
    size_t n_sections;
} pv_card;

/* Builds the card of `code`. Caller frees with pv_card_free(). */
pv_status pv_service_card(pv_ctx *ctx, const char *code, pv_card **out, pv_error *err);
void pv_card_free(pv_card *card); /* NULL is allowed */

/* Process steps (§10), documents to tick and criteria of a service, in card
 * order. Labels in the context's language. Caller frees arrays with free(). */
typedef struct pv_step_info {
    int number;               /* 1..n */
    char title[PV_LABEL_SZ];
} pv_step_info;
typedef struct pv_document_info {
    char key[PV_KEY_SZ];      /* machine name, used by pv_enroll_tick */
    char label[PV_LABEL_SZ];
} pv_document_info;
typedef struct pv_criterion_info {
    char key[PV_KEY_SZ];
    char label[PV_LABEL_SZ];
    char reason[PV_LABEL_SZ]; /* shown when it fails */
    char rule[PV_LABEL_SZ];   /* the rule's source text */
} pv_criterion_info;

pv_status pv_service_steps(pv_ctx *ctx, const char *code, pv_step_info **out, size_t *n,
                           pv_error *err);
pv_status pv_service_documents(pv_ctx *ctx, const char *code, pv_document_info **out,
                               size_t *n, pv_error *err);
pv_status pv_service_criteria(pv_ctx *ctx, const char *code, pv_criterion_info **out,
                              size_t *n, pv_error *err);

/* Where card files are read from: $PARVANDE_DATADIR/services, else
 * <program dir>/../data/services when it exists (a build tree), else
 * <program dir>/../share/parvande/services (an installed tree), else
 * PV_DATADIR/services. Newly allocated; caller frees. NULL on failure. */
char *pv_catalog_default_dir(void);

/* What a sync did. */
typedef struct pv_catalog_report {
    int added;    /* new services */
    int updated;  /* card text changed, service not edited: replaced */
    int kept;     /* unchanged, or edited by an administrator (left alone) */
    int edited_skipped; /* of `kept`: edited services whose card file differs */
} pv_catalog_report;

/* Loads every *.card file of `dir` (NULL: pv_catalog_default_dir()) into
 * the database, in one transaction: new services are added, services whose
 * card text changed since it was loaded are replaced — unless an
 * administrator edited the service (pv_catalog_load_card), which is never
 * overwritten. Enrollments are kept. Called by `init` and on upgrade; the
 * system actor or an administrator (PV_ACT_CATALOG_ADMIN) only.
 * A malformed card or rule refuses the whole sync (nothing changes) with
 * PV_EINVAL naming the file, the service, the criterion and the reason.
 * `report` may be NULL. */
pv_status pv_catalog_sync(pv_ctx *ctx, const char *dir, pv_catalog_report *report,
                          pv_error *err);

/* An administrator's change to the catalog: parses the card text (the
 * file format of data/services/README.md) and adds or replaces that
 * service, marking it edited so that later syncs leave it alone. Same
 * refusals as pv_catalog_sync. PV_ACT_CATALOG_ADMIN. `origin` (a file
 * name, may be NULL) only appears in messages. */
pv_status pv_catalog_load_card(pv_ctx *ctx, const char *text, const char *origin,
                               pv_error *err);

/* Checks card text without touching the database (for editors): PV_OK, or
 * PV_EINVAL with the same message a load would give. If `code_out` is not
 * NULL it receives the card's code. */
pv_status pv_catalog_validate_card(const char *text, const char *origin,
                                   char code_out[PV_CODE_SZ], pv_error *err);

/* ======================================================================
 * Recorded facts about a person (used by rules as fact.KEY and doc.KEY):
 * a request for a service, willingness to join a group, group or NGO
 * membership, a proof presented, an agency's confirmation, an open
 * referral... Keys are [a-z][a-z0-9_]* optionally prefixed "doc." for a
 * document the person presented ("doc.identity"). Any key of that shape may
 * be recorded; pv_fact_keys() lists the ones the shipped cards use.
 * ====================================================================== */

typedef struct pv_fact {
    char key[PV_KEY_SZ];
    char value[PV_FACT_VALUE_SZ]; /* "yes" for a plain flag */
    char set_on[PV_DATE_SZ];
    char set_by[PV_USER_SZ];
} pv_fact;

typedef struct pv_fact_key {
    const char *key;   /* "request" */
    const char *label; /* msgid: translate with _() */
} pv_fact_key;

/* The well-known keys, a static table; *n receives the count. */
const pv_fact_key *pv_fact_keys(size_t *n);

/* Records (value non-NULL; "" means "yes") or clears (value NULL) a fact of
 * the person with this national ID. PV_ACT_FILE_WRITE on the person's
 * branch. PV_EINVAL names "fact" for a malformed key or value. Clearing a
 * fact that is not there is PV_OK. */
pv_status pv_fact_set(pv_ctx *ctx, const char *national_id, const char *key,
                      const char *value, pv_error *err);

/* The person's facts, ordered by key. PV_ACT_FILE_READ. Caller frees *out
 * with free(). */
pv_status pv_fact_list(pv_ctx *ctx, const char *national_id, pv_fact **out, size_t *n,
                       pv_error *err);

/* ======================================================================
 * Eligibility
 * ====================================================================== */

typedef struct pv_criterion_result {
    char key[PV_KEY_SZ];
    char label[PV_LABEL_SZ];  /* in the context's language */
    bool passed;
    char reason[PV_LABEL_SZ]; /* translated failure reason; "" when passed */
} pv_criterion_result;

typedef struct pv_eligibility {
    char code[PV_CODE_SZ];
    char title[PV_LABEL_SZ];  /* the service's title, context's language */
    char date[PV_DATE_SZ];     /* the date of the check */
    bool eligible;            /* every criterion passed */
    pv_criterion_result *criteria; /* owned, card order */
    size_t n_criteria;
} pv_eligibility;

/* Checks one person (by national ID) against one service on `date`.
 * PV_ACT_FILE_READ on the person's branch. Not being eligible is not an
 * error: the call returns PV_OK with (*out)->eligible false. Caller frees
 * with pv_eligibility_free(). */
pv_status pv_eligibility_check(pv_ctx *ctx, const char *national_id, const char *code,
                               const char *date, pv_eligibility **out, pv_error *err);
void pv_eligibility_free(pv_eligibility *e); /* NULL is allowed */

/* Checks one person against every service of the catalog (code order).
 * *out is an array of *n results; free with pv_eligibility_free_all(). */
pv_status pv_eligibility_check_all(pv_ctx *ctx, const char *national_id, const char *date,
                                   pv_eligibility **out, size_t *n, pv_error *err);
void pv_eligibility_free_all(pv_eligibility *arr, size_t n);

/* One line of failed criteria ("label: reason; ..."), for messages; newly
 * allocated, caller frees. "" when eligible. */
char *pv_eligibility_failures(const pv_eligibility *e);

/* The batch: every eligible beneficiary of the database (actor's branch
 * unless all branches) for `code` on `date`. Calls `cb` once per eligible
 * person, in database order, always from the calling thread (the scan may
 * read half of the table on a second thread); the row's pointers are valid
 * only during the call. A non-zero return from `cb` stops the scan (the call still returns
 * PV_OK). *count (may be NULL) receives the number reported.
 * PV_ACT_FILE_READ. */
typedef struct pv_eligible_row {
    pv_id person_id;
    const char *national_id;
    const char *first_name;
    const char *last_name;
    const char *birth_date;
    const char *province;
} pv_eligible_row;
typedef int (*pv_eligible_cb)(void *user, const pv_eligible_row *row);

pv_status pv_eligible_scan(pv_ctx *ctx, const char *code, const char *date,
                           pv_eligible_cb cb, void *user, size_t *count, pv_error *err);

/* ======================================================================
 * Enrollment
 *
 * requested --approve--> in progress (step 1 of n) --advance...--> completed
 *     \                       \
 *      +--reject/withdraw-----+--> rejected / withdrawn
 *
 * A service without approval starts in progress at step 1. Each advance
 * records the completion of the current step (date, user, note); advancing
 * the last step completes the enrollment, which needs every document of the
 * card ticked and the eligibility to hold again. Eligibility is checked
 * when requesting, approving and completing; an enrollment made with a
 * supervisor's override keeps that override for its later checks (the
 * justification is shown wherever the enrollment is).
 *
 * Limits, checked with the enrollment inside one IMMEDIATE transaction so
 * two terminals can never overspend a credit or break a frequency limit:
 *  - frequency (the card's): enrollments of the same service by the same
 *    person in the same Jalali period of the enrollment date, counting all
 *    but rejected and withdrawn ones;
 *  - credit: the amount (the card's per-capita cost unless given) is
 *    committed to the credit of (service, person's province, Jalali year of
 *    the enrollment date) and refused if it would overspend it; released
 *    on reject or withdraw;
 *  - money cap per group: the amounts of the group's live enrollments
 *    (group = the person's fact named by the card's group_fact) may not
 *    exceed the cap.
 * Refusals: PV_EINELIGIBLE (criteria failed, message lists them),
 * PV_ECONFLICT (a limit, a wrong status, a missing document — the message
 * names the rule), PV_EDENIED, PV_ENOTFOUND, PV_EINVAL (bad input).
 * ====================================================================== */

typedef enum pv_enroll_status {
    PV_ENR_REQUESTED = 0, /* waiting for a supervisor's approval */
    PV_ENR_IN_PROGRESS,
    PV_ENR_COMPLETED,
    PV_ENR_REJECTED,
    PV_ENR_WITHDRAWN
} pv_enroll_status;

/* Machine name ("requested", "in_progress", "completed", "rejected",
 * "withdrawn"; the TSV column) and translated label of a status. */
const char *pv_enroll_status_name(pv_enroll_status s);
const char *pv_enroll_status_label(pv_enroll_status s);

typedef struct pv_enroll_request {
    const char *national_id;   /* required */
    const char *code;          /* required */
    const char *date;          /* ISO; NULL/"" = today. The period and credit year follow it. */
    const char *note;          /* may be NULL */
    const char *justification; /* non-NULL: a supervisor's override of failed criteria
                                  (PV_ACT_ENROLL_OVERRIDE), at least a few words */
    int64_t amount;            /* rials to charge; < 0 = the card's per-capita cost */
} pv_enroll_request;

#define PV_ENROLL_REQUEST_INIT {NULL, NULL, NULL, NULL, NULL, -1}

typedef struct pv_enrollment {
    pv_id id;
    pv_id person_id;
    char national_id[PV_NATID_SZ];
    char person_name[PV_LABEL_SZ];  /* first and last name */
    char code[PV_CODE_SZ];
    char service_title[PV_LABEL_SZ];/* context's language */
    pv_enroll_status status;
    int step;                       /* 0 while requested; the current step 1..n while in
                                       progress; n when completed; kept when it ends */
    int n_steps;
    char step_title[PV_LABEL_SZ];   /* the current step's title ("" if none) */
    char date[PV_DATE_SZ];           /* enrollment date (period, credit year) */
    char requested_by[PV_USER_SZ];
    char approved_by[PV_USER_SZ];   /* "" until approved (or when no approval needed) */
    char province[PV_LABEL_SZ];     /* the credit's province */
    int credit_year;                /* Jalali */
    int64_t amount;                 /* rials charged (released, not erased, when it ends) */
    char group_key[PV_FACT_VALUE_SZ];
    bool overridden;
    char override_by[PV_USER_SZ];
    char *justification;            /* owned; NULL unless overridden */
    char *note;                     /* owned; the request's note, NULL if none */
    int64_t branch_code;
} pv_enrollment;

/* A step, document tick or status change in an enrollment's history. */
typedef struct pv_enroll_event {
    char at[32];                 /* UTC "YYYY-MM-DDTHH:MM:SS.sssZ", when recorded */
    char date[PV_DATE_SZ];        /* the date it counts for */
    char user[PV_USER_SZ];
    char kind[16];               /* "request", "override", "approve", "step",
                                    "complete", "reject", "withdraw", "document",
                                    "untick" (label: pv_enroll_event_label) */
    int step;                    /* for "step": the step number completed */
    char *note;                  /* owned; may be NULL */
} pv_enroll_event;

typedef struct pv_enroll_document {
    char key[PV_KEY_SZ];
    char label[PV_LABEL_SZ];
    bool ticked;
    char ticked_on[PV_DATE_SZ];
    char ticked_by[PV_USER_SZ];
} pv_enroll_document;

/* An enrollment with its steps, history and documents. */
typedef struct pv_enrollment_detail {
    pv_enrollment e;
    pv_step_info *steps;          /* owned; n_steps */
    pv_enroll_event *events;      /* owned; oldest first */
    size_t n_events;
    pv_enroll_document *documents;/* owned */
    size_t n_documents;
} pv_enrollment_detail;

/* Requests an enrollment (PV_ACT_ENROLL_REQUEST; with a justification also
 * PV_ACT_ENROLL_OVERRIDE). On PV_OK *id_out (may be NULL) receives the new
 * id. When criteria fail and there is no justification: PV_EINELIGIBLE and,
 * if `why` is not NULL, *why receives the check (caller frees with
 * pv_eligibility_free; NULL on other outcomes). */
pv_status pv_enroll(pv_ctx *ctx, const pv_enroll_request *req, pv_id *id_out,
                    pv_eligibility **why, pv_error *err);

/* A supervisor approves a requested enrollment (PV_ACT_ENROLL_APPROVE); the
 * user who requested it may not (maker-checker, PV_EDENIED). Eligibility is
 * checked again (unless overridden). `note` may be NULL. */
pv_status pv_enroll_approve(pv_ctx *ctx, pv_id id, const char *note, pv_error *err);

/* Completes the current step (PV_ACT_ENROLL_ADVANCE); the last step
 * completes the enrollment (documents ticked, eligibility again). `date`
 * NULL = today. */
pv_status pv_enroll_advance(pv_ctx *ctx, pv_id id, const char *date, const char *note,
                            pv_error *err);

/* Ends a requested or in-progress enrollment and releases its money.
 * Reject is a supervisor's decision (PV_ACT_ENROLL_APPROVE); withdraw
 * records the beneficiary's withdrawal (PV_ACT_ENROLL_ADVANCE). */
pv_status pv_enroll_reject(pv_ctx *ctx, pv_id id, const char *note, pv_error *err);
pv_status pv_enroll_withdraw(pv_ctx *ctx, pv_id id, const char *note, pv_error *err);

/* Ticks a required document of the enrollment (PV_ACT_ENROLL_ADVANCE).
 * `name` is the document's key or its Persian or English label. Ticking
 * twice is PV_OK. PV_EINVAL names "document" if the card has no such
 * document. */
pv_status pv_enroll_tick(pv_ctx *ctx, pv_id id, const char *name, pv_error *err);

/* Unticks a ticked document of a requested or in-progress enrollment
 * (PV_ACT_ENROLL_ADVANCE), recorded in its history ("untick") and the
 * audit trail. Unticking one that is not ticked is PV_OK. Errors as for
 * pv_enroll_tick. */
pv_status pv_enroll_untick(pv_ctx *ctx, pv_id id, const char *name, pv_error *err);

/* The translated label of a history event's kind ("approved", "document
 * unticked"); the kind itself when unknown. Static or catalog storage. */
const char *pv_enroll_event_label(const char *kind);

/* Lists enrollments, newest first: of one person (national_id non-NULL),
 * of one service (code non-NULL), or all (both NULL) — in the actor's
 * branch unless all branches. Caller frees with pv_enrollments_free(). */
pv_status pv_enroll_list(pv_ctx *ctx, const char *national_id, const char *code,
                         pv_enrollment **out, size_t *n, pv_error *err);
void pv_enrollments_free(pv_enrollment *arr, size_t n);

/* One enrollment in full. Caller frees with pv_enrollment_detail_free(). */
pv_status pv_enroll_get(pv_ctx *ctx, pv_id id, pv_enrollment_detail **out, pv_error *err);
void pv_enrollment_detail_free(pv_enrollment_detail *d); /* NULL is allowed */

/* Parses an enrollment id typed by a person (decimal, Persian digits
 * allowed). PV_EINVAL names "enrollment". */
pv_status pv_enroll_parse_id(const char *text, pv_id *out, pv_error *err);

/* ======================================================================
 * Credits: the yearly money of a service in a province.
 * ====================================================================== */

typedef struct pv_credit {
    char code[PV_CODE_SZ];
    char province[PV_LABEL_SZ];
    int year;          /* Jalali */
    int64_t amount;    /* allotted rials */
    int64_t committed; /* rials held by live enrollments */
} pv_credit;

/* Sets the credit (PV_ACT_CREDIT_ADMIN). Refused (PV_ECONFLICT) below what
 * is already committed; PV_EINVAL for a negative amount, an empty province,
 * a year outside 1300-1500. */
pv_status pv_credit_set(pv_ctx *ctx, const char *code, const char *province, int year,
                        int64_t amount, pv_error *err);

/* Credits of a service (code non-NULL) or all, ordered by code, year,
 * province. Caller frees with free(). */
pv_status pv_credit_list(pv_ctx *ctx, const char *code, pv_credit **out, size_t *n,
                         pv_error *err);

#endif
