/* Helpers for the services tests (see svc_helpers.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "svc_helpers.h"

pv_ctx *svc_test_db(void)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_catalog_report rep;
    pv_status st = pv_catalog_sync(ctx, "data/services", &rep, &err);
    cr_assert_eq(st, PV_OK, "catalog sync: %s", err.message ? err.message : "?");
    cr_assert_eq(rep.added, 5);
    return ctx;
}

pv_id svc_household(pv_ctx *ctx, bool active, bool covered)
{
    pv_error err = PV_ERROR_INIT;
    pv_id hh;
    cr_assert_eq(pv_household_create(ctx, NULL, &hh, &err), PV_OK, "%s",
                 err.message ? err.message : "?");
    svc_file(ctx, hh, active, covered);
    return hh;
}

void svc_file(pv_ctx *ctx, pv_id hh, bool active, bool covered)
{
    pv_error err = PV_ERROR_INIT;
    pv_casefile f;
    cr_assert_eq(pv_casefile_find(ctx, hh, &f, &err), PV_OK, "%s", err.message ? err.message : "?");
    f.covered = covered;
    if (!active && f.status == PV_FILE_ACTIVE) {
        f.status = PV_FILE_CLOSED;
        snprintf(f.closed_on, sizeof f.closed_on, "%s", f.opened_on);
    } else if (active) {
        f.status = PV_FILE_ACTIVE;
        f.closed_on[0] = '\0';
    }
    cr_assert_eq(pv_casefile_save(ctx, &f, &err), PV_OK, "%s", err.message ? err.message : "?");
}

pv_person svc_person(pv_ctx *ctx, pv_id hh, unsigned long n, pv_relation rel, pv_gender g,
                     const char *birth)
{
    pv_person p = pv_test_person(n, "مریم", "احمدی", "علی", g);
    p.household_id = hh;
    p.relation = rel;
    snprintf(p.birth_date, sizeof p.birth_date, "%s", birth);
    snprintf(p.province, sizeof p.province, "تهران");
    svc_save(ctx, &p);
    return p;
}

void svc_save(pv_ctx *ctx, pv_person *p)
{
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_save(ctx, p, &err), PV_OK, "person save: %s",
                 err.message ? err.message : "?");
}

void svc_fact(pv_ctx *ctx, const char *nid, const char *key, const char *value)
{
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_fact_set(ctx, nid, key, value ? value : "yes", &err), PV_OK, "fact %s: %s",
                 key, err.message ? err.message : "?");
}

void svc_assess(pv_ctx *ctx, pv_id hh)
{
    pv_error err = PV_ERROR_INIT;
    pv_casefile f;
    cr_assert_eq(pv_casefile_find(ctx, hh, &f, &err), PV_OK);
    cr_assert_eq(pv_assessment_add(ctx, f.id, "2024-05-01", "بررسی مددکاری انجام شد", &err),
                 PV_OK, "%s", err.message ? err.message : "?");
}

pv_eligibility *svc_check(pv_ctx *ctx, const char *nid, const char *code, const char *date)
{
    pv_error err = PV_ERROR_INIT;
    pv_eligibility *e = NULL;
    pv_status st = pv_eligibility_check(ctx, nid, code, date, &e, &err);
    cr_assert_eq(st, PV_OK, "check %s %s: %s", nid, code, err.message ? err.message : "?");
    return e;
}

bool svc_failed(const pv_eligibility *e, const char *key)
{
    for (size_t i = 0; i < e->n_criteria; i++)
        if (strcmp(e->criteria[i].key, key) == 0)
            return !e->criteria[i].passed;
    cr_assert_fail("no criterion %s in %s", key, e->code);
    return false;
}

void svc_write(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

int svc_collect(void *user, const pv_eligible_row *row)
{
    svc_seen *s = user;
    if (s->n < 64)
        snprintf(s->ids[s->n++], 11, "%s", row->national_id);
    return 0;
}

bool svc_saw(const svc_seen *s, const char *nid)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->ids[i], nid) == 0)
            return true;
    return false;
}
