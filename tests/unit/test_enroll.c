/* Enrollment: refusals with reasons, override, maker-checker, steps in
 * order, documents, frequency across a Jalali year boundary, credits,
 * the money cap per group, and two terminals at once. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "svc_helpers.h"

#define S000 "19072703102"
#define S001 "19071059100"
#define S002 "19041060106"
#define S004 "L-004"

static pv_status enroll(pv_ctx *ctx, const char *nid, const char *code, const char *date,
                        const char *justification, int64_t amount, pv_id *id, pv_error *err)
{
    pv_enroll_request req = PV_ENROLL_REQUEST_INIT;
    req.national_id = nid;
    req.code = code;
    req.date = date;
    req.justification = justification;
    req.amount = amount;
    req.note = "آغاز";
    return pv_enroll(ctx, &req, id, NULL, err);
}

static pv_enrollment_detail *get(pv_ctx *ctx, pv_id id)
{
    pv_error err = PV_ERROR_INIT;
    pv_enrollment_detail *d;
    cr_assert_eq(pv_enroll_get(ctx, id, &d, &err), PV_OK, "%s", err.message ? err.message : "");
    return d;
}

static pv_person covered_head(pv_ctx *ctx, unsigned long n, pv_id *hh_out)
{
    pv_id hh = svc_household(ctx, true, true);
    if (hh_out)
        *hh_out = hh;
    return svc_person(ctx, hh, n, PV_REL_HEAD, PV_GENDER_MALE, "1970-01-01");
}

static pv_person child(pv_ctx *ctx, unsigned long n)
{
    pv_id hh = svc_household(ctx, true, true);
    svc_person(ctx, hh, n, PV_REL_HEAD, PV_GENDER_FEMALE, "1960-01-01");
    pv_person c = svc_person(ctx, hh, n + 1, PV_REL_CHILD, PV_GENDER_MALE, "2012-01-01");
    c.guardianship = PV_GUARD_ORPHAN;
    c.judicial_order = true;
    svc_save(ctx, &c);
    return c;
}

Test(svc_enroll, refused_with_the_failed_criteria)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh;
    pv_person p = covered_head(ctx, 1, &hh);
    svc_file(ctx, hh, false, false);
    pv_error err = PV_ERROR_INIT;
    pv_enroll_request req = PV_ENROLL_REQUEST_INIT;
    req.national_id = p.national_id;
    req.code = S000;
    pv_eligibility *why = NULL;
    pv_id id = 0;
    cr_assert_eq(pv_enroll(ctx, &req, &id, &why, &err), PV_EINELIGIBLE);
    cr_assert_not_null(strstr(err.message, "the case file is not active"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "the household is not covered"), "%s", err.message);
    cr_assert_not_null(why);
    cr_assert_not(why->eligible);
    pv_eligibility_free(why);
    pv_error_clear(&err);
    pv_enrollment *list;
    size_t n;
    cr_assert_eq(pv_enroll_list(ctx, p.national_id, NULL, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 0);
    free(list);
    pv_ctx_set_lang(ctx, PV_LANG_FA);
    cr_assert_eq(pv_enroll(ctx, &req, &id, NULL, &err), PV_EINELIGIBLE);
    cr_assert_not_null(strstr(err.message, "پرونده فعال نیست"), "%s", err.message);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(svc_enroll, supervisor_override_is_kept_and_shown)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh;
    pv_person p = covered_head(ctx, 1, &hh);
    svc_file(ctx, hh, true, false);
    pv_error err = PV_ERROR_INIT;
    pv_id id;
    const char *why = "خانوار در حال بررسی برای پوشش است و کمک فوری لازم دارد";
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(enroll(ctx, p.national_id, S000, NULL, why, -1, &id, &err), PV_EDENIED);
    pv_error_clear(&err);
    pv_test_actor(ctx, "reza", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(enroll(ctx, p.national_id, S000, NULL, "ok", -1, &id, &err), PV_EINVAL,
                 "a two-letter justification is not one");
    pv_error_clear(&err);
    cr_assert_eq(enroll(ctx, p.national_id, S000, NULL, why, -1, &id, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    pv_enrollment_detail *d = get(ctx, id);
    cr_assert(d->e.overridden);
    cr_assert_str_eq(d->e.override_by, "reza");
    cr_assert_str_eq(d->e.justification, why);
    cr_assert_str_eq(d->events[1].kind, "override");
    cr_assert_str_eq(d->events[1].note, why);
    pv_enrollment_detail_free(d);
    pv_enrollment *list;
    size_t n;
    cr_assert_eq(pv_enroll_list(ctx, NULL, S000, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(list[0].justification, why);
    pv_enrollments_free(list, n);
    /* The override carries through the steps' rechecks. */
    for (int i = 0; i < 3; i++)
        cr_assert_eq(pv_enroll_advance(ctx, id, NULL, NULL, &err), PV_OK, "%s",
                     err.message ? err.message : "");
    d = get(ctx, id);
    cr_assert_eq(d->e.status, PV_ENR_COMPLETED);
    pv_enrollment_detail_free(d);
    pv_test_db_close(ctx);
}

Test(svc_enroll, steps_in_order_with_date_user_note)
{
    pv_ctx *ctx = svc_test_db();
    pv_person p = covered_head(ctx, 1, NULL);
    pv_error err = PV_ERROR_INIT;
    pv_id id;
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(enroll(ctx, p.national_id, S000, "2025-01-05", NULL, -1, &id, &err), PV_OK);
    pv_enrollment_detail *d = get(ctx, id);
    cr_assert_eq(d->e.status, PV_ENR_IN_PROGRESS); /* 000 needs no approval */
    cr_assert_eq(d->e.step, 1);
    cr_assert_eq(d->e.n_steps, 3);
    cr_assert_str_eq(d->e.step_title, "covered, with an active case file");
    cr_assert_str_eq(d->e.date, "2025-01-05");
    cr_assert_str_eq(d->e.requested_by, "maryam");
    pv_enrollment_detail_free(d);
    /* Approving what needs no approval is refused. */
    pv_test_actor(ctx, "reza", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(pv_enroll_approve(ctx, id, NULL, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(pv_enroll_advance(ctx, id, "2025-01-06", "پرونده بررسی شد", &err), PV_OK);
    d = get(ctx, id);
    cr_assert_eq(d->e.step, 2);
    cr_assert_str_eq(d->e.step_title, "review by the caseworker");
    pv_enrollment_detail_free(d);
    cr_assert_eq(pv_enroll_advance(ctx, id, "2025-01-07", NULL, &err), PV_OK);
    cr_assert_eq(pv_enroll_advance(ctx, id, "2025-01-08", "تحویل شد", &err), PV_OK);
    d = get(ctx, id);
    cr_assert_eq(d->e.status, PV_ENR_COMPLETED);
    cr_assert_eq(d->e.step, 3);
    /* request, step 1, 2, 3, complete */
    cr_assert_eq(d->n_events, 5);
    cr_assert_str_eq(d->events[1].kind, "step");
    cr_assert_eq(d->events[1].step, 1);
    cr_assert_str_eq(d->events[1].date, "2025-01-06");
    cr_assert_str_eq(d->events[1].user, "maryam");
    cr_assert_str_eq(d->events[1].note, "پرونده بررسی شد");
    cr_assert_eq(d->events[3].step, 3);
    cr_assert_str_eq(d->events[4].kind, "complete");
    pv_enrollment_detail_free(d);
    /* Nothing after completion. */
    cr_assert_eq(pv_enroll_advance(ctx, id, NULL, NULL, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    cr_assert_eq(pv_enroll_withdraw(ctx, id, NULL, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    cr_assert_eq(pv_enroll_advance(ctx, 999, NULL, NULL, &err), PV_ENOTFOUND);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(svc_enroll, maker_checker_and_recheck_at_approval)
{
    pv_ctx *ctx = svc_test_db();
    pv_person c = child(ctx, 10);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_credit_set(ctx, S002, "تهران", 1403, 100000000, &err), PV_OK);
    pv_id id;
    pv_test_actor(ctx, "reza", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(enroll(ctx, c.national_id, S002, "2025-01-01", NULL, -1, &id, &err), PV_OK,
                 "%s", err.message ? err.message : "");
    pv_enrollment_detail *d = get(ctx, id);
    cr_assert_eq(d->e.status, PV_ENR_REQUESTED);
    cr_assert_eq(d->e.step, 0);
    pv_enrollment_detail_free(d);
    /* Steps wait for the approval. */
    cr_assert_eq(pv_enroll_advance(ctx, id, NULL, NULL, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    /* The requester cannot approve, a caseworker cannot approve. */
    cr_assert_eq(pv_enroll_approve(ctx, id, NULL, &err), PV_EDENIED);
    cr_assert_not_null(strstr(err.message, "maker-checker"), "%s", err.message);
    pv_error_clear(&err);
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(pv_enroll_approve(ctx, id, NULL, &err), PV_EDENIED);
    pv_error_clear(&err);
    /* Eligibility again at approval: the judicial order was withdrawn meanwhile. */
    c.judicial_order = false;
    svc_save(ctx, &c);
    pv_test_actor(ctx, "sara", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(pv_enroll_approve(ctx, id, NULL, &err), PV_EINELIGIBLE);
    cr_assert_not_null(strstr(err.message, "no judicial order is recorded"), "%s", err.message);
    pv_error_clear(&err);
    c.judicial_order = true;
    svc_save(ctx, &c);
    cr_assert_eq(pv_enroll_approve(ctx, id, "تأیید شد", &err), PV_OK, "%s",
                 err.message ? err.message : "");
    d = get(ctx, id);
    cr_assert_eq(d->e.status, PV_ENR_IN_PROGRESS);
    cr_assert_eq(d->e.step, 1);
    cr_assert_str_eq(d->e.approved_by, "sara");
    pv_enrollment_detail_free(d);
    cr_assert_eq(pv_enroll_approve(ctx, id, NULL, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(svc_enroll, documents_before_completion)
{
    pv_ctx *ctx = svc_test_db();
    pv_person c = child(ctx, 10);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_credit_set(ctx, S002, "تهران", 1403, 100000000, &err), PV_OK);
    pv_id id;
    cr_assert_eq(enroll(ctx, c.national_id, S002, "2025-01-01", NULL, -1, &id, &err), PV_OK);
    pv_test_actor(ctx, "sara", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(pv_enroll_approve(ctx, id, NULL, &err), PV_OK);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(pv_enroll_advance(ctx, id, NULL, NULL, &err), PV_OK);
    cr_assert_eq(pv_enroll_advance(ctx, id, NULL, NULL, &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(err.message, "documents rule"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "copy of the judicial order"), "%s", err.message);
    pv_error_clear(&err);
    cr_assert_eq(pv_enroll_tick(ctx, id, "passport", &err), PV_EINVAL);
    pv_error_clear(&err);
    cr_assert_eq(pv_enroll_tick(ctx, id, "judicial_order", &err), PV_OK);
    cr_assert_eq(pv_enroll_tick(ctx, id, "judicial_order", &err), PV_OK); /* twice is fine */
    cr_assert_eq(pv_enroll_advance(ctx, id, NULL, NULL, &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(err.message, "birth certificate"), "%s", err.message);
    pv_error_clear(&err);
    cr_assert_eq(pv_enroll_tick(ctx, id, "تصویر شناسنامه کودک", &err), PV_OK); /* by its label */
    pv_enrollment_detail *d = get(ctx, id);
    cr_assert_eq(d->n_documents, 2);
    cr_assert(d->documents[0].ticked && d->documents[1].ticked);
    cr_assert_str_eq(d->documents[0].ticked_by, "sara");
    pv_enrollment_detail_free(d);
    /* The completion recheck does not count this very enrollment against
     * "not already insured this year". */
    cr_assert_eq(pv_enroll_advance(ctx, id, NULL, NULL, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    d = get(ctx, id);
    cr_assert_eq(d->e.status, PV_ENR_COMPLETED);
    pv_enrollment_detail_free(d);
    pv_test_db_close(ctx);
}

Test(svc_enroll, frequency_across_a_jalali_year_boundary)
{
    pv_ctx *ctx = svc_test_db();
    pv_person p = svc_person(ctx, 0, 30, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
    svc_fact(ctx, p.national_id, "local_facilitator", NULL);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_credit_set(ctx, S004, "تهران", 1403, 60000000, &err), PV_OK);
    cr_assert_eq(pv_credit_set(ctx, S004, "تهران", 1404, 60000000, &err), PV_OK);
    pv_id id;
    /* 004: twice a Jalali year. 1403/01/10 and 1403/12/30 are the same year. */
    cr_assert_eq(enroll(ctx, p.national_id, S004, "2024-03-29", NULL, -1, &id, &err), PV_OK,
                 "%s", err.message ? err.message : "");
    cr_assert_eq(enroll(ctx, p.national_id, S004, "2025-03-20", NULL, -1, &id, &err), PV_OK);
    cr_assert_eq(enroll(ctx, p.national_id, S004, "2025-03-20", NULL, -1, &id, &err),
                 PV_ECONFLICT);
    cr_assert_not_null(strstr(err.message, "frequency rule"), "%s", err.message);
    pv_error_clear(&err);
    /* The next day is 1404/01/01: a new year. */
    cr_assert_eq(enroll(ctx, p.national_id, S004, "2025-03-21", NULL, -1, &id, &err), PV_OK,
                 "%s", err.message ? err.message : "");
    /* Withdrawing frees the place in the period. */
    pv_id again;
    cr_assert_eq(enroll(ctx, p.national_id, S004, "2025-04-01", NULL, -1, &again, &err), PV_OK);
    cr_assert_eq(enroll(ctx, p.national_id, S004, "2025-04-01", NULL, -1, &again, &err),
                 PV_ECONFLICT);
    pv_error_clear(&err);
    cr_assert_eq(pv_enroll_withdraw(ctx, id, "نتوانست بیاید", &err), PV_OK);
    cr_assert_eq(enroll(ctx, p.national_id, S004, "2025-04-01", NULL, -1, &again, &err), PV_OK);
    pv_test_db_close(ctx);
}

Test(svc_enroll, credit_exhaustion_and_release)
{
    pv_ctx *ctx = svc_test_db();
    pv_person a = child(ctx, 10), b = child(ctx, 20), c = child(ctx, 30);
    pv_error err = PV_ERROR_INIT;
    pv_id ia, ib, ic;
    cr_assert_eq(enroll(ctx, a.national_id, S002, "2025-01-01", NULL, -1, &ia, &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(err.message, "no credit is set"), "%s", err.message);
    pv_error_clear(&err);
    /* Two children's worth: 2 x 3,600,000. */
    pv_test_actor(ctx, "reza", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(pv_credit_set(ctx, S002, "تهران", 1403, 7200000, &err), PV_EDENIED);
    pv_error_clear(&err);
    pv_test_actor(ctx, "admin", PV_ROLE_ADMIN, 1);
    cr_assert_eq(pv_credit_set(ctx, S002, "تهران", 1403, 7200000, &err), PV_OK);
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(enroll(ctx, a.national_id, S002, "2025-01-01", NULL, -1, &ia, &err), PV_OK);
    cr_assert_eq(enroll(ctx, b.national_id, S002, "2025-01-01", NULL, -1, &ib, &err), PV_OK);
    cr_assert_eq(enroll(ctx, c.national_id, S002, "2025-01-01", NULL, -1, &ic, &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(err.message, "credit rule"), "%s", err.message);
    pv_error_clear(&err);
    pv_credit *cr;
    size_t n;
    cr_assert_eq(pv_credit_list(ctx, S002, &cr, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(cr[0].committed, 7200000);
    free(cr);
    /* The credit cannot go below what is committed. */
    pv_test_actor(ctx, "admin", PV_ROLE_ADMIN, 1);
    cr_assert_eq(pv_credit_set(ctx, S002, "تهران", 1403, 3600000, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    /* A rejection releases the money (a caseworker may not reject). */
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(pv_enroll_reject(ctx, ib, NULL, &err), PV_EDENIED);
    pv_error_clear(&err);
    pv_test_actor(ctx, "sara", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(pv_enroll_reject(ctx, ib, "مدارک ناقص", &err), PV_OK);
    cr_assert_eq(pv_credit_list(ctx, S002, &cr, &n, &err), PV_OK);
    cr_assert_eq(cr[0].committed, 3600000);
    free(cr);
    cr_assert_eq(enroll(ctx, c.national_id, S002, "2025-01-01", NULL, -1, &ic, &err), PV_OK);
    /* Another year's credit is separate. */
    cr_assert_eq(enroll(ctx, b.national_id, S002, "2025-04-01", NULL, -1, &ib, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    /* A person without a province cannot be charged. */
    pv_person d = child(ctx, 40);
    d.province[0] = '\0';
    svc_save(ctx, &d);
    cr_assert_eq(enroll(ctx, d.national_id, S002, "2025-01-01", NULL, -1, &ic, &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(err.message, "province"), "%s", err.message);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(svc_enroll, money_cap_per_group)
{
    pv_ctx *ctx = svc_test_db();
    pv_person w[4];
    for (int i = 0; i < 4; i++) {
        pv_id hh = svc_household(ctx, true, true);
        w[i] = svc_person(ctx, hh, 50 + 2 * i, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
        svc_fact(ctx, w[i].national_id, "request", NULL);
        svc_fact(ctx, w[i].national_id, "group_willing", NULL);
        svc_assess(ctx, hh);
        if (i < 3)
            svc_fact(ctx, w[i].national_id, "group", "همیار-۷");
    }
    pv_error err = PV_ERROR_INIT;
    pv_id id;
    cr_assert_eq(enroll(ctx, w[0].national_id, S001, NULL, NULL, 200000000, &id, &err), PV_OK,
                 "%s", err.message ? err.message : "");
    cr_assert_eq(enroll(ctx, w[1].national_id, S001, NULL, NULL, 150000000, &id, &err),
                 PV_ECONFLICT);
    cr_assert_not_null(strstr(err.message, "group cap rule"), "%s", err.message);
    pv_error_clear(&err);
    cr_assert_eq(enroll(ctx, w[1].national_id, S001, NULL, NULL, 100000000, &id, &err), PV_OK);
    cr_assert_eq(enroll(ctx, w[2].national_id, S001, NULL, NULL, 1, &id, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    cr_assert_eq(enroll(ctx, w[3].national_id, S001, NULL, NULL, 1000, &id, &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(err.message, "in no mutual-aid group"), "%s", err.message);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(svc_enroll, lists_and_parse)
{
    pv_ctx *ctx = svc_test_db();
    pv_person p = covered_head(ctx, 1, NULL), q = covered_head(ctx, 3, NULL);
    pv_error err = PV_ERROR_INIT;
    pv_id a, b;
    cr_assert_eq(enroll(ctx, p.national_id, S000, "2025-01-01", NULL, -1, &a, &err), PV_OK);
    cr_assert_eq(enroll(ctx, q.national_id, S000, "2025-01-02", NULL, -1, &b, &err), PV_OK);
    pv_enrollment *list;
    size_t n;
    cr_assert_eq(pv_enroll_list(ctx, p.national_id, NULL, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(list[0].id, a);
    cr_assert_str_eq(list[0].national_id, p.national_id);
    cr_assert_str_eq(list[0].note, "آغاز");
    pv_enrollments_free(list, n);
    cr_assert_eq(pv_enroll_list(ctx, NULL, S000, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(list[0].id, b); /* newest first */
    pv_enrollments_free(list, n);
    pv_test_actor(ctx, "other", PV_ROLE_CASEWORKER, 2);
    cr_assert_eq(pv_enroll_list(ctx, NULL, NULL, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 0);
    free(list);
    cr_assert_eq(pv_enroll_advance(ctx, a, NULL, NULL, &err), PV_ENOTFOUND); /* not even seen */
    pv_error_clear(&err);
    pv_id id;
    cr_assert_eq(pv_enroll_parse_id("۱۲۳", &id, &err), PV_OK);
    cr_assert_eq(id, 123);
    cr_assert_eq(pv_enroll_parse_id("12a", &id, &err), PV_EINVAL);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

/* One terminal of several: its own context on the database, enrolling
 * one person in one service at the same moment as the others. */
typedef struct racer {
    const char *path;
    const char *code;
    char nid[11];
    pv_status st;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    pv_ctx *ctx = NULL;
    pv_error err = PV_ERROR_INIT;
    if (pv_ctx_open(r->path, PV_LANG_EN, &ctx, &err) != PV_OK) {
        r->st = PV_EFAIL;
        pv_error_clear(&err);
        return NULL;
    }
    pv_id id;
    r->st = enroll(ctx, r->nid, r->code, "2025-01-01", NULL, -1, &id, &err);
    pv_error_clear(&err);
    pv_ctx_close(ctx);
    return NULL;
}

/* Two terminals: two contexts on one database, enrolling at once against a
 * credit that holds exactly one more child. */

Test(svc_enroll, two_terminals_cannot_overspend)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    enum { N = 6 };
    racer r[N];
    for (int i = 0; i < N; i++) {
        pv_person c = child(ctx, 100 + 10 * i);
        r[i].path = pv_test_db_path();
        r[i].code = S002;
        memcpy(r[i].nid, c.national_id, 11);
    }
    cr_assert_eq(pv_credit_set(ctx, S002, "تهران", 1403, 3 * 3600000, &err), PV_OK);
    pthread_t t[N];
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], NULL, race, &r[i]);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    int ok = 0, refused = 0;
    for (int i = 0; i < N; i++) {
        ok += r[i].st == PV_OK;
        refused += r[i].st == PV_ECONFLICT;
    }
    cr_assert_eq(ok, 3);
    cr_assert_eq(refused, N - 3);
    pv_credit *cr;
    size_t n;
    cr_assert_eq(pv_credit_list(ctx, S002, &cr, &n, &err), PV_OK);
    cr_assert_eq(cr[0].committed, cr[0].amount);
    free(cr);
    pv_test_db_close(ctx);
}

Test(svc_enroll, facts_recorded_and_listed)
{
    pv_ctx *ctx = svc_test_db();
    pv_person p = covered_head(ctx, 1, NULL);
    pv_error err = PV_ERROR_INIT;
    svc_fact(ctx, p.national_id, "group", "همیار-۷");
    svc_fact(ctx, p.national_id, "doc.identity", NULL);
    cr_assert_eq(pv_fact_set(ctx, p.national_id, "Bad Key", "x", &err), PV_EINVAL);
    pv_error_clear(&err);
    cr_assert_eq(pv_fact_set(ctx, p.national_id, "doc.", "x", &err), PV_EINVAL);
    pv_error_clear(&err);
    pv_fact *f;
    size_t n;
    cr_assert_eq(pv_fact_list(ctx, p.national_id, &f, &n, &err), PV_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(f[0].key, "doc.identity");
    cr_assert_str_eq(f[0].value, "yes");
    cr_assert_str_eq(f[1].value, "همیار-7"); /* digits are stored ASCII */
    free(f);
    cr_assert_eq(pv_fact_set(ctx, p.national_id, "group", NULL, &err), PV_OK);
    cr_assert_eq(pv_fact_list(ctx, p.national_id, &f, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    free(f);
    size_t nk;
    cr_assert_gt(pv_fact_keys(&nk)[0].key[0], 0);
    cr_assert_gt(nk, 5);
    pv_test_actor(ctx, "other", PV_ROLE_CASEWORKER, 2);
    cr_assert_eq(pv_fact_set(ctx, p.national_id, "request", "yes", &err), PV_ENOTFOUND);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

/* Two terminals enrolling the same person at once cannot break the
 * frequency limit (004: twice a Jalali year). */
Test(svc_enroll, two_terminals_cannot_break_a_frequency_limit)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_person p = svc_person(ctx, 0, 70, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
    svc_fact(ctx, p.national_id, "local_facilitator", NULL);
    cr_assert_eq(pv_credit_set(ctx, S004, "تهران", 1403, 100000000, &err), PV_OK);
    enum { N = 5 };
    racer r[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        r[i].path = pv_test_db_path();
        r[i].code = S004;
        memcpy(r[i].nid, p.national_id, 11);
        pthread_create(&t[i], NULL, race, &r[i]);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    int ok = 0;
    for (int i = 0; i < N; i++) {
        ok += r[i].st == PV_OK;
        cr_assert(r[i].st == PV_OK || r[i].st == PV_ECONFLICT, "status %d", r[i].st);
    }
    cr_assert_eq(ok, 2);
    pv_credit *cr;
    size_t n;
    cr_assert_eq(pv_credit_list(ctx, S004, &cr, &n, &err), PV_OK);
    cr_assert_eq(cr[0].committed, 2 * 6000000);
    free(cr);
    pv_test_db_close(ctx);
}
