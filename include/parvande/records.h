/* parvande — the beneficiary file: persons, households, case files and
 * caseworker assessments, with their change history.
 *
 * Structures are plain values with fixed-size, NUL-terminated UTF-8
 * buffers, so they can be copied and compared freely; what a function
 * allocates (arrays, views) is said where it is returned. Dates are ISO-8601
 * Gregorian "YYYY-MM-DD" ("" when unknown); national IDs are ten ASCII digits.
 */
#ifndef PARVANDE_RECORDS_H
#define PARVANDE_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include "parvande/context.h"
#include "parvande/text.h" /* PV_NAME_CHARS, PV_ADDR_CHARS, PV_NOTE_CHARS */

#define PV_NAME_SZ 256        /* bytes, with the NUL */
#define PV_ADDR_SZ 1280
#define PV_DATE_SZ 11
#define PV_NATID_SZ 11
#define PV_PHONE_SZ 16

typedef enum pv_gender { PV_GENDER_UNKNOWN = 0, PV_GENDER_FEMALE, PV_GENDER_MALE } pv_gender;
typedef enum pv_area { PV_AREA_UNKNOWN = 0, PV_AREA_URBAN, PV_AREA_RURAL, PV_AREA_INFORMAL } pv_area;
typedef enum pv_disability {
    PV_DIS_NONE = 0, PV_DIS_MILD, PV_DIS_MODERATE, PV_DIS_SEVERE, PV_DIS_VERY_SEVERE
} pv_disability;
typedef enum pv_guardianship {
    PV_GUARD_NONE = 0, PV_GUARD_ORPHAN /* بی‌سرپرست */, PV_GUARD_POOR /* بدسرپرست */
} pv_guardianship;
typedef enum pv_relation {
    PV_REL_HEAD = 0, PV_REL_SPOUSE, PV_REL_CHILD, PV_REL_PARENT, PV_REL_SIBLING, PV_REL_OTHER
} pv_relation;
typedef enum pv_file_status { PV_FILE_ACTIVE = 0, PV_FILE_CLOSED } pv_file_status;

typedef struct pv_person {
    pv_id id;            /* 0 until saved */
    pv_id household_id;  /* 0 when not in a household yet */
    pv_relation relation;
    char national_id[PV_NATID_SZ];
    char first_name[PV_NAME_SZ];
    char last_name[PV_NAME_SZ];
    char father_name[PV_NAME_SZ];
    pv_gender gender;
    char birth_date[PV_DATE_SZ];
    char phone[PV_PHONE_SZ];
    char province[PV_NAME_SZ];
    char county[PV_NAME_SZ];
    char address[PV_ADDR_SZ];
    pv_area area;
    pv_disability disability;
    pv_guardianship guardianship;
    bool judicial_order;
} pv_person;

typedef struct pv_casefile {
    pv_id id;            /* 0 until saved */
    pv_id household_id;
    int64_t branch_code; /* the office holding the file */
    pv_file_status status;
    bool covered;        /* تحت پوشش */
    char opened_on[PV_DATE_SZ];
    char closed_on[PV_DATE_SZ];
    char caseworker[64]; /* login name of the assigned caseworker, "" if none */
} pv_casefile;

typedef struct pv_assessment {
    pv_id id;
    pv_id file_id;
    char date[PV_DATE_SZ];
    char author[64];
    char *text;          /* owned by the array it is in (see pv_file_view_free) */
} pv_assessment;

/* Everything on one beneficiary's file. Returned by pv_file_load(); the
 * caller frees it with pv_file_view_free(). */
typedef struct pv_file_view {
    pv_person person;          /* the person asked for */
    pv_id household_id;        /* 0 when the person has no household */
    char household_key[64];    /* external key from import, may be "" */
    pv_person *members;        /* all members, the head first; n_members */
    size_t n_members;
    bool has_file;
    pv_casefile file;          /* valid when has_file */
    pv_assessment *assessments;/* oldest first */
    size_t n_assessments;
} pv_file_view;

/* ---- fields: one table shared by every input path (CSV, forms, CLI) ---- */

/* Field names: "national_id", "first_name", "last_name", "father_name",
 * "gender", "birth_date", "phone", "province", "county", "address", "area",
 * "disability", "guardianship", "judicial_order", "relation".
 * Case-file fields: "covered", "file_status". */
typedef struct pv_field_info {
    const char *name;    /* machine name, also the CSV column */
    const char *label;   /* English label, a msgid: translate with _() */
    bool required;
    bool ltr;            /* shown left-to-right (IDs, dates, phones) */
} pv_field_info;

/* The person's fields in form order; *n receives the count. Static table. */
const pv_field_info *pv_person_fields(size_t *n);

/* Parses user text for one field into `p`: normalises Persian text, accepts
 * Persian/Arabic-Indic digits, Jalali dates, English or Persian enum words.
 * Returns PV_OK, PV_EINVAL with a message naming the field and the reason
 * (p is unchanged then), or PV_EUSAGE for an unknown field name. */
pv_status pv_person_set_field(pv_person *p, const char *field, const char *text,
                              pv_error *err);

/* Writes the field's value for display/editing into buf (Jalali dates with
 * ASCII digits, enum words in the current language). */
void pv_person_get_field(const pv_person *p, const char *field, char *buf, size_t size);

/* Whole-record checks after the fields are set (required fields present,
 * birth date not in the future, judicial order only with guardianship...). */
pv_status pv_person_validate(const pv_person *p, pv_error *err);

/* ---- storage ---- */

/* Inserts (p->id == 0) or updates a person, keeping the old row in history.
 * Sets p->id on insert. A national ID already used by another person is
 * PV_ECONFLICT. */
pv_status pv_person_save(pv_ctx *ctx, pv_person *p, pv_error *err);

/* Finds a person by national ID (Persian or ASCII digits). PV_ENOTFOUND if none. */
pv_status pv_person_find(pv_ctx *ctx, const char *national_id, pv_person *out, pv_error *err);

/* Creates a household at the context's branch, with an optional external
 * key (NULL or ""), and its case file (active, opened today). */
pv_status pv_household_create(pv_ctx *ctx, const char *external_key, pv_id *out,
                              pv_error *err);

pv_status pv_casefile_save(pv_ctx *ctx, pv_casefile *f, pv_error *err);
pv_status pv_assessment_add(pv_ctx *ctx, pv_id file_id, const char *date_iso,
                            const char *text, pv_error *err);

/* Loads the whole file of the person with this national ID. */
pv_status pv_file_load(pv_ctx *ctx, const char *national_id, pv_file_view **out,
                       pv_error *err);
void pv_file_view_free(pv_file_view *v);

/* Derived facts. */
bool pv_person_is_female_head(const pv_file_view *v, const pv_person *p);
bool pv_person_is_daughter_of_female_head(const pv_file_view *v, const pv_person *p);

/* Likely duplicates of a person about to be saved: same national ID, or the
 * same folded first+last name, father's name and birth date. Caller frees
 * *out with free(). */
pv_status pv_person_duplicates(pv_ctx *ctx, const pv_person *p, pv_person **out,
                               size_t *n, pv_error *err);

/* ---- search ---- */

typedef struct pv_search_hit {
    pv_person person;
    bool has_file;
    pv_file_status file_status;
    int score;           /* higher first */
} pv_search_hit;

/* By national ID exactly (Persian or ASCII digits), or by names: each word
 * a folded prefix of the first, last or father's name, every word must
 * match. At most `limit` hits, best first. Caller frees *hits with free(). */
pv_status pv_search(pv_ctx *ctx, const char *query, size_t limit, pv_search_hit **hits,
                    size_t *n, pv_error *err);

/* ---- additions by the storage module ---- */

/* Parses user text for a case-file field ("covered", "file_status",
 * "caseworker", "opened_on", "closed_on") into `f`, like
 * pv_person_set_field: PV_OK, PV_EINVAL naming the field, or PV_EUSAGE. */
pv_status pv_casefile_set_field(pv_casefile *f, const char *field, const char *text,
                                pv_error *err);

/* Like pv_household_create, but the case file starts with the values in
 * *file (status, covered, opened_on, closed_on, caseworker; its id,
 * household_id and branch_code are ignored and filled in), so an importer
 * writes the file once instead of creating it and updating it. A closed
 * file needs PV_ACT_FILE_CLOSE. On success *file is the saved file. */
pv_status pv_household_create_with_file(pv_ctx *ctx, const char *external_key,
                                        pv_casefile *file, pv_id *out, pv_error *err);

/* The household with this external key at the context's branch.
 * PV_ENOTFOUND if none. */
pv_status pv_household_find(pv_ctx *ctx, const char *external_key, pv_id *out,
                            pv_error *err);

/* The case file of a household. PV_ENOTFOUND if it has none (or it is in
 * another branch and the actor may not see every branch). */
pv_status pv_casefile_find(pv_ctx *ctx, pv_id household_id, pv_casefile *out,
                           pv_error *err);

/* One version of a person's record. */
typedef struct pv_person_version {
    pv_person person;    /* the values of this version */
    char changed_at[32]; /* when this version was written, UTC "YYYY-MM-DDTHH:MM:SS.sssZ" */
    char changed_by[64]; /* login name of who wrote it ("system" for the program) */
    bool current;        /* true for the version in force now (the last one) */
} pv_person_version;

/* Every version of the person with this national ID, oldest first, the
 * current row last. Updates that changed nothing leave no version. Caller
 * frees *out with free(). PV_ENOTFOUND when there is no such person (or
 * it is in another branch and the actor may not see every branch). */
pv_status pv_person_history(pv_ctx *ctx, const char *national_id, pv_person_version **out,
                            size_t *n, pv_error *err);

/* Enum values as the text codes stored in the database ("female",
 * "informal", "very_severe", "poorly_supervised", "head", "active"...),
 * for reports and for other modules' SQL. */
const char *pv_gender_code(pv_gender g);
const char *pv_area_code(pv_area a);
const char *pv_disability_code(pv_disability d);
const char *pv_guardianship_code(pv_guardianship g);
const char *pv_relation_code(pv_relation r);
const char *pv_file_status_code(pv_file_status s);

#endif
