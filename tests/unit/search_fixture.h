/* The fixture of the search tests (test_search.c, test_search_spelling.c):
 * a new database a test with today fixed, people added under a gender the
 * file picks, and the hits of the last search. Each file that includes it
 * has its own copy of this state. */
#ifndef PARVANDE_TEST_SEARCH_FIXTURE_H
#define PARVANDE_TEST_SEARCH_FIXTURE_H

#include <criterion/criterion.h>
#include <stdlib.h>

#include "helpers.h"
#include "parvande/i18n.h"
#include "parvande/records.h"

static pv_error err;
static pv_ctx *ctx;
static pv_search_hit *hits;
static size_t n;

#define OK(call) cr_assert_eq((call), PV_OK, "%s: %s", #call, err.message ? err.message : "?")

static pv_person add_as(unsigned long id, const char *first, const char *last, const char *father,
                        pv_gender gender)
{
    pv_person p = pv_test_person(id, first, last, father, gender);
    OK(pv_person_save(ctx, &p, &err));
    return p;
}

static void search_init(void)
{
    pv_i18n_init();
    setenv("PARVANDE_TODAY", "2025-03-21", 1);
    ctx = pv_test_db();
    hits = NULL;
    n = 0;
}

static void search_fini(void)
{
    free(hits);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

static void search(const char *q, size_t limit)
{
    free(hits);
    hits = NULL;
    n = 0;
    OK(pv_search(ctx, q, limit, &hits, &n, &err));
}

#endif
