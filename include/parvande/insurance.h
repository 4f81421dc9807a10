/* parvande — the yearly insurance cycle of a service with a per-capita
 * cost (card 002, the insurance of orphaned and poorly-supervised
 * children), per Jalali year and province:
 *
 *  1. the list: the service's eligible children of the province (the batch
 *     eligibility), frozen by a supervisor as the year's list — a snapshot
 *     of the fields the insurer needs, which later edits of files do not
 *     change; a child is added to or removed from it with a reason;
 *  2. the credit: the province's credit for the service and year (`credit`)
 *     against listed children x the card's per-capita cost: the shortfall;
 *  3. the contract: insurer, contract number, start and end, premium;
 *  4. the export for the insurer: CSV (UTF-8 with a byte-order mark) or TSV;
 *  5. the policies back: the insurer's reply (national ID, policy number,
 *     start, end) applied to the listed children, all or nothing, every
 *     mismatch reported with its line; or, when asked, the matching rows
 *     applied and the others written to a rejects file; importing the same
 *     reply again changes nothing;
 *  6. follow-up: claims noted per child (dated), counts per province, and
 *     the year against the last.
 *
 * Conventions as in services.h (pv_status, translated err, ISO dates in and
 * out, Jalali accepted on input, the actor's branch only). Freezing and
 * changing the list need PV_ACT_ENROLL_APPROVE (supervisors), the contract
 * PV_ACT_CREDIT_ADMIN (administrators), importing policies PV_ACT_IMPORT,
 * a claim PV_ACT_FILE_WRITE, reading and exporting PV_ACT_FILE_READ.
 */
#ifndef PARVANDE_INSURANCE_H
#define PARVANDE_INSURANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "parvande/context.h"
#include "parvande/records.h"
#include "parvande/services.h"

/* The insurance year of (service, Jalali year, province), with its numbers. */
typedef struct pv_ins_year {
    char code[PV_CODE_SZ];
    int year;
    char province[PV_NAME_SZ];
    bool frozen;
    char frozen_on[PV_DATE_SZ], frozen_by[PV_USER_SZ];
    int listed;         /* on the list now */
    int removed;        /* taken off with a reason */
    int added;          /* added after freezing, with a reason */
    int insured;        /* listed with a policy */
    int claims;         /* claims noted */
    int64_t per_capita; /* the card's cost per child */
    int64_t needed;     /* listed x per_capita */
    bool has_credit;
    int64_t credit;     /* the province's credit for the year */
    int64_t shortfall;  /* needed - credit when positive, else 0 */
    char insurer[PV_NAME_SZ], contract_no[PV_NAME_SZ];
    char contract_start[PV_DATE_SZ], contract_end[PV_DATE_SZ];
    int64_t premium;    /* per child, rials */
    char exported_on[PV_DATE_SZ], policies_on[PV_DATE_SZ];
} pv_ins_year;

/* One child of a frozen list: the snapshot, and what came back. */
typedef struct pv_ins_member {
    pv_id id, person_id;
    char national_id[PV_NATID_SZ];
    char first_name[PV_NAME_SZ], last_name[PV_NAME_SZ], father_name[PV_NAME_SZ];
    char birth_date[PV_DATE_SZ];
    char gender[16], guardianship[24];  /* codes */
    char province[PV_NAME_SZ], county[PV_NAME_SZ];
    bool listed, late;
    char change_reason[PV_NAME_SZ];
    char policy_no[64], policy_start[PV_DATE_SZ], policy_end[PV_DATE_SZ];
    int claims;
} pv_ins_member;

/* Freezes the year's list: every person eligible for `code` on `date`
 * (NULL = today) whose province is `province`. PV_ECONFLICT when the list
 * is already frozen; *listed (may be NULL) gets its size. */
pv_status pv_ins_freeze(pv_ctx *ctx, const char *code, int year, const char *province,
                        const char *date, size_t *listed, pv_error *err);
/* Adds a child to, or takes one off, a frozen list; the reason is required.
 * Adding needs the person to be of the province. */
pv_status pv_ins_add(pv_ctx *ctx, const char *code, int year, const char *province,
                     const char *national_id, const char *reason, pv_error *err);
pv_status pv_ins_remove(pv_ctx *ctx, const char *code, int year, const char *province,
                        const char *national_id, const char *reason, pv_error *err);
/* Records the contract (dates ISO or Jalali; end not before start). */
pv_status pv_ins_contract(pv_ctx *ctx, const char *code, int year, const char *province,
                          const char *insurer, const char *number, const char *start,
                          const char *end, int64_t premium, pv_error *err);
/* The year with its numbers (a year never frozen: frozen false, zeros). */
pv_status pv_ins_get(pv_ctx *ctx, const char *code, int year, const char *province,
                     pv_ins_year *out, pv_error *err);
/* Every insurance year of `year` (all provinces), by province. free(). */
pv_status pv_ins_years(pv_ctx *ctx, const char *code, int year, pv_ins_year **out, size_t *n,
                       pv_error *err);
/* The list, by last and first name (taken-off children too, listed false). free(). */
pv_status pv_ins_members(pv_ctx *ctx, const char *code, int year, const char *province,
                         pv_ins_member **out, size_t *n, pv_error *err);

typedef enum pv_ins_format { PV_INS_CSV = 0, PV_INS_TSV } pv_ins_format;
/* Writes the listed children for the insurer to `f`, with a header row:
 * national_id, first_name, last_name, father_name, birth_date_jalali,
 * birth_date, gender, guardianship, province, county, contract_no. CSV
 * starts with a UTF-8 byte-order mark (for spreadsheets); TSV has none and
 * its cells never hold a tab or a line break. Needs a frozen list and a
 * contract (PV_ECONFLICT naming which is missing). *rows may be NULL. */
pv_status pv_ins_export(pv_ctx *ctx, const char *code, int year, const char *province,
                        pv_ins_format fmt, FILE *f, size_t *rows, pv_error *err);

/* ---- the insurer's reply ---- */

typedef enum pv_ins_problem {
    PV_INS_MALFORMED = 0, /* a row that cannot be read: ID, policy number, dates */
    PV_INS_NOT_LISTED,    /* a national ID that is not on the list */
    PV_INS_OTHER_PROVINCE,/* a policy for a child of another province */
    PV_INS_DUPLICATE,     /* the same national ID twice in the reply */
    PV_INS_NO_POLICY      /* a listed child the reply has no policy for (line 0) */
} pv_ins_problem;

typedef struct pv_ins_mismatch {
    long line;                    /* physical line in the file; 0 for NO_POLICY */
    pv_ins_problem kind;
    char national_id[PV_NATID_SZ + 16];
    char message[512];            /* translated, names the field and the reason */
} pv_ins_mismatch;

typedef struct pv_ins_report {
    size_t rows;       /* data rows read */
    size_t applied;    /* policies written (new or changed) */
    size_t unchanged;  /* policies already recorded exactly so */
    size_t rejected;   /* rows not applied */
    pv_ins_mismatch *items; /* owned: free with pv_ins_report_free */
    size_t n_items;
} pv_ins_report;
void pv_ins_report_free(pv_ins_report *rep);

/* Applies the reply at `path` (CSV, header national_id, policy_number,
 * start, end in any order; a byte-order mark allowed). With any mismatch
 * nothing is applied and PV_EINVAL is returned with the report filled,
 * unless `apply_matching`: then the matching rows are applied, and when
 * `rejects_path` is given the other rows are written there as they were,
 * under the header plus an "error" column (PV_OK either way). A header
 * without one of the four columns is PV_EINVAL before anything. */
pv_status pv_ins_import(pv_ctx *ctx, const char *code, int year, const char *province,
                        const char *path, bool apply_matching, const char *rejects_path,
                        pv_ins_report *rep, pv_error *err);

/* Notes a claim for a listed child (date NULL = today; the note required). */
pv_status pv_ins_claim(pv_ctx *ctx, const char *code, int year, const char *national_id,
                       const char *date, const char *note, pv_error *err);

/* The service whose yearly cycle this is when none is named: the catalog's
 * service limited to once per Jalali year with a per-capita cost (card
 * 002), the lowest code if several. PV_ENOTFOUND naming "service". */
pv_status pv_ins_default_service(pv_ctx *ctx, char code[PV_CODE_SZ], pv_error *err);

/* A Jalali year typed (Persian digits allowed), 1300-1500; PV_EINVAL naming "year". */
pv_status pv_ins_parse_year(const char *text, int *out, pv_error *err);

#endif
