/* Helpers for the services tests: a database with the catalog loaded, and
 * households with case files and members built in one call. */
#ifndef PARVANDE_SVC_HELPERS_H
#define PARVANDE_SVC_HELPERS_H

#include "helpers.h"
#include "parvande/services.h"

/* pv_test_db() with the data/services catalog synced (tests run from the
 * repository root, PARVANDE_DATADIR=data). */
pv_ctx *svc_test_db(void);

/* A household at the context's branch with its case file: active or
 * closed, covered or not. */
pv_id svc_household(pv_ctx *ctx, bool active, bool covered);

/* Saves person n in household hh (0: none) with the relation, gender and
 * birth date given, province "تهران"; the saved person is returned (its
 * national_id is in .national_id). */
pv_person svc_person(pv_ctx *ctx, pv_id hh, unsigned long n, pv_relation rel, pv_gender g,
                     const char *birth);

/* Re-saves a changed person; fails the test on error. */
void svc_save(pv_ctx *ctx, pv_person *p);

/* Records a fact (value NULL: "yes"); fails the test on error. */
void svc_fact(pv_ctx *ctx, const char *nid, const char *key, const char *value);

/* Adds an assessment to the household's case file. */
void svc_assess(pv_ctx *ctx, pv_id hh);

/* Sets the household's case file status/coverage. */
void svc_file(pv_ctx *ctx, pv_id hh, bool active, bool covered);

/* Eligibility of nid for code on date: asserts the call succeeds; returns
 * the result (caller frees). */
pv_eligibility *svc_check(pv_ctx *ctx, const char *nid, const char *code, const char *date);

/* True when criterion `key` failed in e. */
bool svc_failed(const pv_eligibility *e, const char *key);

/* The national IDs an eligibility scan listed (the first 64): svc_collect
 * is the scan's callback, svc_saw asks whether one was listed. */
typedef struct svc_seen {
    char ids[64][11];
    size_t n;
} svc_seen;
int svc_collect(void *user, const pv_eligible_row *row);
bool svc_saw(const svc_seen *s, const char *nid);

/* Writes `text` to dir/name. */
void svc_write(const char *dir, const char *name, const char *text);

#endif
