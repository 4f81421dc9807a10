/* Eligibility: each of the five services' rules, eligible and each reason
 * for not, in both languages; every service at once; the batch list. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/groups.h"
#include "svc_helpers.h"
#include "parvande/referrals.h"

#define S000 "19072703102"
#define S001 "19071059100"
#define S002 "19041060106"
#define S003 "19071053115"
#define S004 "L-004"
#define DAY "2025-01-01"

static size_t n_failed(const pv_eligibility *e)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n_criteria; i++)
        n += !e->criteria[i].passed;
    return n;
}

Test(svc_eligibility, s000_justice_shares)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh = svc_household(ctx, true, true);
    pv_person p = svc_person(ctx, hh, 1, PV_REL_HEAD, PV_GENDER_MALE, "1970-01-01");
    pv_eligibility *e = svc_check(ctx, p.national_id, S000, DAY);
    cr_assert(e->eligible);
    cr_assert_eq(n_failed(e), 0);
    cr_assert_str_eq(e->criteria[0].reason, "");
    pv_eligibility_free(e);
    svc_file(ctx, hh, true, false);
    e = svc_check(ctx, p.national_id, S000, DAY);
    cr_assert_not(e->eligible);
    cr_assert(svc_failed(e, "covered"));
    cr_assert_not(svc_failed(e, "active_file"));
    cr_assert_str_eq(e->criteria[1].reason, "the household is not covered");
    pv_eligibility_free(e);
    svc_file(ctx, hh, false, true);
    e = svc_check(ctx, p.national_id, S000, DAY);
    cr_assert(svc_failed(e, "active_file"));
    cr_assert_str_eq(e->criteria[0].reason, "the case file is not active");
    char *why = pv_eligibility_failures(e);
    cr_assert_str_eq(why, "the case file is not active");
    free(why);
    pv_eligibility_free(e);
    /* The reason in the user's language. */
    pv_ctx_set_lang(ctx, PV_LANG_FA);
    e = svc_check(ctx, p.national_id, S000, DAY);
    cr_assert_str_eq(e->criteria[0].reason, "پرونده فعال نیست");
    cr_assert_str_eq(e->title, "ارائه حمایت‌های اجتماعی به مددجویان (زیرخدمت: ارائه خدمات سهام عدالت به مددجویان تحت پوشش)");
    pv_eligibility_free(e);
    pv_test_db_close(ctx);
}

/* A female head with everything 001 asks for. */
static pv_person s001_ready(pv_ctx *ctx, pv_id *hh_out, unsigned long n)
{
    pv_id hh = svc_household(ctx, true, true);
    pv_person p = svc_person(ctx, hh, n, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
    svc_person(ctx, hh, n + 1, PV_REL_CHILD, PV_GENDER_MALE, "2010-01-01");
    svc_fact(ctx, p.national_id, "request", NULL);
    svc_fact(ctx, p.national_id, "group_willing", NULL);
    svc_assess(ctx, hh);
    *hh_out = hh;
    return p;
}

Test(svc_eligibility, s001_eligible_audiences)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh;
    pv_person head = s001_ready(ctx, &hh, 10);
    pv_eligibility *e = svc_check(ctx, head.national_id, S001, DAY);
    cr_assert(e->eligible, "female head");
    pv_eligibility_free(e);
    /* A daughter of a female head. */
    pv_person d = svc_person(ctx, hh, 12, PV_REL_CHILD, PV_GENDER_FEMALE, "2000-01-01");
    svc_fact(ctx, d.national_id, "request", NULL);
    svc_fact(ctx, d.national_id, "group_willing", NULL);
    e = svc_check(ctx, d.national_id, S001, DAY);
    cr_assert(e->eligible, "daughter of a female head");
    pv_eligibility_free(e);
    /* A self-supporting girl: a woman heading a one-person household. */
    pv_id h2 = svc_household(ctx, true, true);
    pv_person g = svc_person(ctx, h2, 20, PV_REL_HEAD, PV_GENDER_FEMALE, "2003-01-01");
    svc_fact(ctx, g.national_id, "request", NULL);
    svc_fact(ctx, g.national_id, "group_willing", NULL);
    svc_assess(ctx, h2);
    e = svc_check(ctx, g.national_id, S001, DAY);
    cr_assert(e->eligible, "self-supporting girl");
    pv_eligibility_free(e);
    pv_test_db_close(ctx);
}

Test(svc_eligibility, s001_each_reason)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh;
    pv_person head = s001_ready(ctx, &hh, 30);
    /* Not covered. */
    svc_file(ctx, hh, true, false);
    pv_eligibility *e = svc_check(ctx, head.national_id, S001, DAY);
    cr_assert(svc_failed(e, "covered"));
    cr_assert_eq(n_failed(e), 1);
    pv_eligibility_free(e);
    svc_file(ctx, hh, true, true);
    /* No request, no willingness. */
    svc_fact(ctx, head.national_id, "request", "no");
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_fact_set(ctx, head.national_id, "group_willing", NULL, &err), PV_OK);
    e = svc_check(ctx, head.national_id, S001, DAY);
    cr_assert(svc_failed(e, "request"));
    cr_assert(svc_failed(e, "group_willing"));
    cr_assert_eq(n_failed(e), 2);
    cr_assert_str_eq(e->criteria[2].reason, "no request from the recipient is recorded");
    pv_eligibility_free(e);
    /* A man is not in the audience; the son of a female head neither. */
    pv_id h2 = svc_household(ctx, true, true);
    pv_person man = svc_person(ctx, h2, 40, PV_REL_HEAD, PV_GENDER_MALE, "1980-01-01");
    pv_person wife = svc_person(ctx, h2, 41, PV_REL_SPOUSE, PV_GENDER_FEMALE, "1982-01-01");
    e = svc_check(ctx, man.national_id, S001, DAY);
    cr_assert(svc_failed(e, "audience"));
    pv_eligibility_free(e);
    e = svc_check(ctx, wife.national_id, S001, DAY);
    cr_assert(svc_failed(e, "audience"), "a wife in a male-headed household");
    /* No assessment on that file either. */
    cr_assert(svc_failed(e, "assessment"));
    cr_assert_str_eq(e->criteria[3].reason, "no caseworker assessment is recorded on the file");
    pv_eligibility_free(e);
    pv_test_db_close(ctx);
}

/* An orphaned child with a judicial order in a covered household. */
static pv_person s002_child(pv_ctx *ctx, pv_id *hh_out, unsigned long n)
{
    pv_id hh = svc_household(ctx, true, true);
    svc_person(ctx, hh, n, PV_REL_HEAD, PV_GENDER_FEMALE, "1960-01-01");
    pv_person c = svc_person(ctx, hh, n + 1, PV_REL_CHILD, PV_GENDER_MALE, "2010-05-01");
    c.guardianship = PV_GUARD_ORPHAN;
    c.judicial_order = true;
    svc_save(ctx, &c);
    if (hh_out)
        *hh_out = hh;
    return c;
}

Test(svc_eligibility, s002_each_reason)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh;
    pv_person c = s002_child(ctx, &hh, 50);
    pv_eligibility *e = svc_check(ctx, c.national_id, S002, DAY);
    cr_assert(e->eligible);
    pv_eligibility_free(e);
    /* 18 on the date of the check: born 1389/02/11, 18 from 1407/02/11 (2028-04-30);
     * ages are counted in the Jalali calendar. */
    e = svc_check(ctx, c.national_id, S002, "2028-04-30");
    cr_assert(svc_failed(e, "under_18"));
    cr_assert_eq(n_failed(e), 1);
    pv_eligibility_free(e);
    e = svc_check(ctx, c.national_id, S002, "2028-04-29");
    cr_assert(e->eligible, "one day before the 18th birthday");
    pv_eligibility_free(e);
    c.guardianship = PV_GUARD_POOR;
    svc_save(ctx, &c);
    e = svc_check(ctx, c.national_id, S002, DAY);
    cr_assert(e->eligible, "poorly supervised");
    pv_eligibility_free(e);
    c.guardianship = PV_GUARD_NONE;
    c.judicial_order = false;
    svc_save(ctx, &c);
    svc_file(ctx, hh, true, false);
    e = svc_check(ctx, c.national_id, S002, DAY);
    cr_assert(svc_failed(e, "guardianship"));
    cr_assert(svc_failed(e, "judicial_order"));
    cr_assert(svc_failed(e, "covered"));
    cr_assert_not(svc_failed(e, "not_insured_this_year"));
    pv_eligibility_free(e);
    pv_test_db_close(ctx);
}

Test(svc_eligibility, s002_not_twice_in_a_jalali_year)
{
    pv_ctx *ctx = svc_test_db();
    pv_person c = s002_child(ctx, NULL, 60);
    pv_error err = PV_ERROR_INIT;
    pv_enroll_request req = PV_ENROLL_REQUEST_INIT;
    req.national_id = c.national_id;
    req.code = S002;
    req.date = "2025-03-19"; /* 1403/12/29 */
    req.amount = 0;          /* no credit involved here */
    pv_id id;
    cr_assert_eq(pv_enroll(ctx, &req, &id, NULL, &err), PV_OK, "%s", err.message ? err.message : "");
    pv_eligibility *e = svc_check(ctx, c.national_id, S002, "2025-03-20"); /* 1403/12/30 */
    cr_assert(svc_failed(e, "not_insured_this_year"));
    cr_assert_str_eq(e->criteria[4].reason, "already insured in this Jalali year");
    pv_eligibility_free(e);
    e = svc_check(ctx, c.national_id, S002, "2025-03-21"); /* 1404/01/01 */
    cr_assert(e->eligible);
    pv_eligibility_free(e);
    /* A withdrawn enrollment does not count. */
    cr_assert_eq(pv_enroll_withdraw(ctx, id, NULL, &err), PV_OK);
    e = svc_check(ctx, c.national_id, S002, "2025-03-20");
    cr_assert(e->eligible);
    pv_eligibility_free(e);
    pv_test_db_close(ctx);
}

Test(svc_eligibility, s003_each_reason)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh = svc_household(ctx, true, false);
    pv_person p = svc_person(ctx, hh, 70, PV_REL_HEAD, PV_GENDER_MALE, "1985-01-01");
    pv_eligibility *e = svc_check(ctx, p.national_id, S003, DAY);
    cr_assert(svc_failed(e, "area"));
    cr_assert(svc_failed(e, "identity"));
    cr_assert_str_eq(e->criteria[1].reason, "identity documents have not been presented");
    pv_eligibility_free(e);
    svc_fact(ctx, p.national_id, "doc.identity", NULL);
    p.area = PV_AREA_INFORMAL;
    svc_save(ctx, &p);
    e = svc_check(ctx, p.national_id, S003, DAY);
    cr_assert(e->eligible, "informal settlement");
    pv_eligibility_free(e);
    p.area = PV_AREA_URBAN;
    svc_save(ctx, &p);
    /* an open referral (a referral now, no longer the fact referral_open) */
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_centre_add(ctx, "مرکز مداخله در بحران ری", "ری", NULL, NULL, &err), PV_OK);
    pv_referral_new rn = {.national_id = p.national_id, .centre = "مرکز مداخله در بحران ری",
                          .urgency = PV_URG_URGENT, .reason = "acute", .date = DAY};
    pv_id ref;
    cr_assert_eq(pv_referral_create(ctx, &rn, &ref, &err), PV_OK, "%s", err.message);
    e = svc_check(ctx, p.national_id, S003, DAY);
    cr_assert(e->eligible, "open referral");
    pv_eligibility_free(e);
    cr_assert_eq(pv_referral_close(ctx, ref, DAY, "seen", &err), PV_OK);
    e = svc_check(ctx, p.national_id, S003, DAY);
    cr_assert(!e->eligible, "a closed referral is not open");
    pv_eligibility_free(e);
    svc_fact(ctx, p.national_id, "marginal_area", NULL);
    e = svc_check(ctx, p.national_id, S003, DAY);
    cr_assert(e->eligible, "marginal area");
    pv_eligibility_free(e);
    pv_test_db_close(ctx);
}

Test(svc_eligibility, s004_each_reason)
{
    pv_ctx *ctx = svc_test_db();
    pv_person p = svc_person(ctx, 0, 80, PV_REL_HEAD, PV_GENDER_FEMALE, "1985-01-01");
    pv_eligibility *e = svc_check(ctx, p.national_id, S004, DAY);
    cr_assert(svc_failed(e, "role"));
    cr_assert_eq(n_failed(e), 1);
    pv_eligibility_free(e);
    svc_fact(ctx, p.national_id, "local_facilitator", NULL);
    e = svc_check(ctx, p.national_id, S004, DAY);
    cr_assert(e->eligible, "a local facilitator, not a household member of anyone");
    pv_eligibility_free(e);
    svc_fact(ctx, p.national_id, "named_by_agency", "دهیاری");
    e = svc_check(ctx, p.national_id, S004, DAY);
    cr_assert(svc_failed(e, "agency_confirmation"));
    pv_eligibility_free(e);
    /* the agency's confirmation is a confirmed inquiry (a record), not a fact */
    pv_error ierr = PV_ERROR_INIT;
    pv_inquiry_new iq = {p.national_id, NULL, S004, "village_admin", NULL, NULL, NULL, DAY, NULL};
    pv_id inq;
    cr_assert_eq(pv_inquiry_add(ctx, &iq, &inq, &ierr), PV_OK, "%s", ierr.message);
    e = svc_check(ctx, p.national_id, S004, DAY);
    cr_assert(svc_failed(e, "agency_confirmation"), "a pending inquiry is no confirmation");
    pv_eligibility_free(e);
    cr_assert_eq(pv_inquiry_answer(ctx, inq, true, DAY, "1", NULL, &ierr), PV_OK);
    pv_person q = svc_person(ctx, 0, 82, PV_REL_HEAD, PV_GENDER_MALE, "1985-01-01");
    svc_fact(ctx, q.national_id, "ngo_member", NULL);
    e = svc_check(ctx, q.national_id, S004, DAY);
    cr_assert_not(svc_failed(e, "role"));
    cr_assert(svc_failed(e, "ngo_proof"));
    cr_assert_str_eq(e->criteria[1].reason, "no proof of NGO membership has been presented");
    pv_eligibility_free(e);
    svc_fact(ctx, q.national_id, "doc.ngo_membership", NULL);
    e = svc_check(ctx, q.national_id, S004, DAY);
    cr_assert(e->eligible);
    pv_eligibility_free(e);
    e = svc_check(ctx, p.national_id, S004, DAY);
    cr_assert(e->eligible);
    pv_eligibility_free(e);
    pv_test_db_close(ctx);
}

Test(svc_eligibility, every_service_at_once)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh = svc_household(ctx, true, true);
    pv_person p = svc_person(ctx, hh, 90, PV_REL_HEAD, PV_GENDER_MALE, "1970-01-01");
    pv_error err = PV_ERROR_INIT;
    pv_eligibility *all;
    size_t n;
    cr_assert_eq(pv_eligibility_check_all(ctx, p.national_id, DAY, &all, &n, &err), PV_OK);
    cr_assert_eq(n, 5);
    cr_assert_str_eq(all[3].code, S000);
    cr_assert(all[3].eligible);
    cr_assert_not(all[0].eligible); /* 002: an adult */
    cr_assert_not(all[4].eligible); /* 004 */
    pv_eligibility_free_all(all, n);
    /* a valid ID nobody has; a wrong check digit is a typo, said as such */
    cr_assert_eq(pv_eligibility_check_all(ctx, "0000000019", DAY, &all, &n, &err), PV_ENOTFOUND);
    pv_error_clear(&err);
    cr_assert_eq(pv_eligibility_check_all(ctx, "0000000001", DAY, &all, &n, &err), PV_EINVAL);
    cr_assert(strstr(err.message, "check digit") != NULL);
    pv_error_clear(&err);
    cr_assert_eq(pv_eligibility_check(ctx, p.national_id, S000, "1403/13/01", &all, &err), PV_EINVAL);
    pv_error_clear(&err);
    /* A caseworker of another branch may not look: not even that the person exists. */
    pv_test_actor(ctx, "other", PV_ROLE_CASEWORKER, 2);
    cr_assert_eq(pv_eligibility_check(ctx, p.national_id, S000, DAY, &all, &err), PV_ENOTFOUND);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(svc_eligibility, batch_list_matches_single_checks)
{
    pv_ctx *ctx = svc_test_db();
    pv_person people[16];
    size_t np = 0;
    /* Households of every kind; the batch must agree with one-by-one checks. */
    for (int k = 0; k < 4; k++) {
        pv_id hh = svc_household(ctx, k != 1, k != 2);
        people[np++] = svc_person(ctx, hh, 100 + 10 * k, PV_REL_HEAD,
                                  k == 3 ? PV_GENDER_FEMALE : PV_GENDER_MALE, "1970-01-01");
        pv_person c = svc_person(ctx, hh, 101 + 10 * k, PV_REL_CHILD, PV_GENDER_FEMALE,
                                 k == 0 ? "2015-01-01" : "2000-01-01");
        c.guardianship = k == 0 ? PV_GUARD_ORPHAN : PV_GUARD_NONE;
        c.judicial_order = k == 0;
        svc_save(ctx, &c);
        people[np++] = c;
        if (k == 3) {
            svc_assess(ctx, hh);
            svc_fact(ctx, c.national_id, "request", NULL);
            svc_fact(ctx, c.national_id, "group_willing", NULL);
        }
    }
    people[np++] = svc_person(ctx, 0, 200, PV_REL_HEAD, PV_GENDER_MALE, "1970-01-01");
    svc_fact(ctx, people[np - 1].national_id, "self_help_member", NULL);
    const char *codes[] = {S000, S001, S002, S003, S004};
    pv_error err = PV_ERROR_INIT;
    for (int c = 0; c < 5; c++) {
        svc_seen s = {0};
        size_t count = 0;
        cr_assert_eq(pv_eligible_scan(ctx, codes[c], DAY, svc_collect, &s, &count, &err), PV_OK,
                     "%s", err.message ? err.message : "");
        cr_assert_eq(count, s.n);
        size_t expected = 0;
        for (size_t i = 0; i < np; i++) {
            pv_eligibility *e = svc_check(ctx, people[i].national_id, codes[c], DAY);
            cr_assert_eq(svc_saw(&s, people[i].national_id), e->eligible, "%s %s", codes[c],
                         people[i].national_id);
            expected += e->eligible;
            pv_eligibility_free(e);
        }
        cr_assert_eq(count, expected);
    }
    /* The same lists when the table is read by two threads, halves in order. */
    setenv("PARVANDE_BATCH_SPLIT_MIN", "1", 1);
    for (int c = 0; c < 5; c++) {
        svc_seen one = {0}, two = {0};
        unsetenv("PARVANDE_BATCH_SPLIT_MIN");
        cr_assert_eq(pv_eligible_scan(ctx, codes[c], DAY, svc_collect, &one, NULL, &err), PV_OK);
        setenv("PARVANDE_BATCH_SPLIT_MIN", "1", 1);
        cr_assert_eq(pv_eligible_scan(ctx, codes[c], DAY, svc_collect, &two, NULL, &err), PV_OK,
                     "%s", err.message ? err.message : "");
        cr_assert_eq(one.n, two.n, "%s", codes[c]);
        for (size_t i = 0; i < one.n; i++)
            cr_assert_str_eq(one.ids[i], two.ids[i], "%s row %zu", codes[c], i);
    }
    unsetenv("PARVANDE_BATCH_SPLIT_MIN");
    /* Specific expectations: 000 = both members of the two active covered households. */
    svc_seen s = {0};
    cr_assert_eq(pv_eligible_scan(ctx, S000, DAY, svc_collect, &s, NULL, &err), PV_OK);
    cr_assert_eq(s.n, 4);
    svc_seen s2 = {0};
    cr_assert_eq(pv_eligible_scan(ctx, S002, DAY, svc_collect, &s2, NULL, &err), PV_OK);
    cr_assert_eq(s2.n, 1);
    cr_assert_str_eq(s2.ids[0], people[1].national_id);
    svc_seen s1 = {0};
    cr_assert_eq(pv_eligible_scan(ctx, S001, DAY, svc_collect, &s1, NULL, &err), PV_OK);
    cr_assert_eq(s1.n, 1);
    cr_assert_str_eq(s1.ids[0], people[7].national_id); /* daughter of the female head */
    /* Another branch's caseworker sees none of this branch's people. */
    pv_test_actor(ctx, "other", PV_ROLE_CASEWORKER, 2);
    svc_seen s3 = {0};
    cr_assert_eq(pv_eligible_scan(ctx, S000, DAY, svc_collect, &s3, NULL, &err), PV_OK);
    cr_assert_eq(s3.n, 0);
    pv_test_actor(ctx, "mine", PV_ROLE_CASEWORKER, 1);
    svc_seen s4 = {0};
    cr_assert_eq(pv_eligible_scan(ctx, S000, DAY, svc_collect, &s4, NULL, &err), PV_OK);
    cr_assert_eq(s4.n, 4);
    pv_test_db_close(ctx);
}

static int stop_after_one(void *user, const pv_eligible_row *r)
{
    (void)r;
    ++*(int *)user;
    return 1;
}

Test(svc_eligibility, batch_stops_when_asked)
{
    setenv("PARVANDE_BATCH_SPLIT_MIN", "1", 1); /* also when a second thread reads */
    pv_ctx *ctx = svc_test_db();
    for (int k = 0; k < 3; k++) {
        pv_id hh = svc_household(ctx, true, true);
        svc_person(ctx, hh, 300 + k, PV_REL_HEAD, PV_GENDER_MALE, "1970-01-01");
    }
    int calls = 0;
    size_t count;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_eligible_scan(ctx, S000, DAY, stop_after_one, &calls, &count, &err), PV_OK);
    cr_assert_eq(calls, 1);
    cr_assert_eq(pv_eligible_scan(ctx, "00000000000", DAY, stop_after_one, &calls, &count, &err),
                 PV_ENOTFOUND);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

/* Every failure joined, in both languages: the Persian separator «؛ » is
 * a byte longer than "; ", which once overflowed the buffer when four or
 * more criteria failed (the ASan run of this test catches it). */
static void expect_joined(const pv_eligibility *e, const char *sep)
{
    char want[4096] = "";
    for (size_t i = 0; i < e->n_criteria; i++) {
        if (e->criteria[i].passed)
            continue;
        if (want[0])
            strcat(want, sep);
        strcat(want, e->criteria[i].reason);
    }
    char *why = pv_eligibility_failures(e);
    cr_assert_str_eq(why, want);
    free(why);
}

Test(svc_eligibility, failures_joined_in_both_languages)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh = svc_household(ctx, false, false); /* closed and not covered */
    pv_person p = svc_person(ctx, hh, 1, PV_REL_HEAD, PV_GENDER_MALE, "1970-01-01");
    pv_eligibility *e = svc_check(ctx, p.national_id, S001, DAY);
    cr_assert_geq(n_failed(e), 4, "a man with nothing recorded fails most of 001");
    expect_joined(e, "; ");
    pv_eligibility_free(e);
    pv_ctx_set_lang(ctx, PV_LANG_FA);
    e = svc_check(ctx, p.national_id, S001, DAY);
    expect_joined(e, "؛ ");
    pv_eligibility_free(e);
    pv_test_db_close(ctx);
}
