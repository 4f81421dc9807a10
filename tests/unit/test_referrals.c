/* Referrals: follow-up dates from the urgency, overdue on a given date,
 * status transitions, the rules reading open referrals (one person and the
 * batch), the migration of referral_open facts. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/referrals.h"
#include "svc_helpers.h"

#define S003 "19071053115"
#define S000 "19072703102"
#define CENTRE "مرکز مداخله در بحران ری"

static pv_ctx *setup(pv_person *p)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh = svc_household(ctx, true, true);
    *p = svc_person(ctx, hh, 70, PV_REL_HEAD, PV_GENDER_FEMALE, "1985-01-01");
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_centre_add(ctx, CENTRE, "ری", "02133334444", NULL, &err), PV_OK, "%s",
                 err.message);
    return ctx;
}

static pv_id refer(pv_ctx *ctx, const char *nid, pv_urgency u, const char *date)
{
    pv_referral_new rn = {.national_id = nid, .centre = CENTRE, .urgency = u,
                          .reason = "بحران حاد خانوادگی", .date = date};
    pv_error err = PV_ERROR_INIT;
    pv_id id = 0;
    cr_assert_eq(pv_referral_create(ctx, &rn, &id, &err), PV_OK, "%s", err.message);
    return id;
}

static pv_referral get(pv_ctx *ctx, pv_id id)
{
    pv_referral r;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_referral_get(ctx, id, &r, &err), PV_OK, "%s", err.message);
    return r;
}

Test(referrals, follow_up_from_urgency_and_branch_days)
{
    pv_person p;
    pv_ctx *ctx = setup(&p);
    pv_referral r = get(ctx, refer(ctx, p.national_id, PV_URG_ROUTINE, "2025-03-01"));
    cr_assert_str_eq(r.follow_up, "2025-03-15");
    cr_assert_str_eq(r.sent_on, "2025-03-01");
    cr_assert_str_eq(r.centre, CENTRE);
    cr_assert_eq(r.status, PV_REF_SENT);
    r = get(ctx, refer(ctx, p.national_id, PV_URG_URGENT, "2025-03-01"));
    cr_assert_str_eq(r.follow_up, "2025-03-04");
    r = get(ctx, refer(ctx, p.national_id, PV_URG_EMERGENCY, "2025-03-01"));
    cr_assert_str_eq(r.follow_up, "2025-03-01", "emergency is the same day");
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_referral_days_set(ctx, PV_URG_URGENT, 5, &err), PV_OK);
    r = get(ctx, refer(ctx, p.national_id, PV_URG_URGENT, "1403/12/28")); /* Jalali typed */
    cr_assert_str_eq(r.sent_on, "2025-03-18");
    cr_assert_str_eq(r.follow_up, "2025-03-23", "the branch's setting");
    cr_assert_eq(pv_referral_days_set(ctx, PV_URG_URGENT, 400, &err), PV_EINVAL);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(referrals, follow_up_moved_with_a_reason)
{
    pv_person p;
    pv_ctx *ctx = setup(&p);
    pv_id id = refer(ctx, p.national_id, PV_URG_ROUTINE, "2025-03-01");
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_referral_set_follow_up(ctx, id, "2025-04-01", "", &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "reason");
    pv_error_clear(&err);
    cr_assert_eq(pv_referral_set_follow_up(ctx, id, "2025-02-01", "x", &err), PV_EINVAL,
                 "before the date sent");
    pv_error_clear(&err);
    cr_assert_eq(pv_referral_set_follow_up(ctx, id, "2025-04-01", "centre closed for Nowruz",
                                           &err),
                 PV_OK);
    pv_referral r = get(ctx, id);
    cr_assert_str_eq(r.follow_up, "2025-04-01");
    cr_assert_str_eq(r.follow_up_reason, "centre closed for Nowruz");
    pv_test_db_close(ctx);
}

Test(referrals, refuses_bad_input_naming_the_field)
{
    pv_person p;
    pv_ctx *ctx = setup(&p);
    pv_error err = PV_ERROR_INIT;
    pv_referral_new rn = {.national_id = p.national_id, .centre = CENTRE, .reason = ""};
    cr_assert_eq(pv_referral_create(ctx, &rn, NULL, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "reason");
    pv_error_clear(&err);
    rn.reason = "r";
    rn.centre = "no such centre";
    cr_assert_eq(pv_referral_create(ctx, &rn, NULL, &err), PV_ENOTFOUND);
    cr_assert_str_eq(err.field, "centre");
    pv_error_clear(&err);
    rn.centre = CENTRE;
    rn.service = S000; /* card 000 has no [referral] block */
    cr_assert_eq(pv_referral_create(ctx, &rn, NULL, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "service");
    pv_error_clear(&err);
    rn.service = S003;
    pv_id id;
    cr_assert_eq(pv_referral_create(ctx, &rn, &id, &err), PV_OK, "%s", err.message);
    pv_referral r = get(ctx, id);
    cr_assert_str_eq(r.service, S003);
    cr_assert_str_eq(r.target, "the county crisis-intervention centre", "%s", r.target);
    /* from an assessment of the case file, by its date */
    rn.service = NULL;
    rn.assessment = "1403/02/12"; /* 2024-05-01: none yet */
    cr_assert_eq(pv_referral_create(ctx, &rn, NULL, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "assessment");
    pv_error_clear(&err);
    svc_assess(ctx, p.household_id);
    cr_assert_eq(pv_referral_create(ctx, &rn, &id, &err), PV_OK, "%s", err.message);
    r = get(ctx, id);
    cr_assert_neq(r.assessment_id, 0);
    cr_assert_str_eq(r.assessment_date, "2024-05-01");
    pv_test_db_close(ctx);
}

Test(referrals, status_transitions)
{
    pv_person p;
    pv_ctx *ctx = setup(&p);
    pv_id id = refer(ctx, p.national_id, PV_URG_URGENT, "2025-03-01");
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_referral_close(ctx, id, "2025-03-05", "", &err), PV_EINVAL,
                 "an outcome is needed");
    pv_error_clear(&err);
    cr_assert_eq(pv_referral_receive(ctx, id, "2025-02-27", "", &err), PV_EINVAL,
                 "before the date sent");
    pv_error_clear(&err);
    cr_assert_eq(pv_referral_receive(ctx, id, "2025-03-02", "seen by the psychologist", &err),
                 PV_OK);
    cr_assert_eq(get(ctx, id).status, PV_REF_RECEIVED);
    cr_assert_eq(pv_referral_receive(ctx, id, "2025-03-03", "", &err), PV_ECONFLICT,
                 "received twice");
    pv_error_clear(&err);
    cr_assert_eq(pv_referral_close(ctx, id, "2025-03-05", "family stabilised", &err), PV_OK);
    pv_referral r = get(ctx, id);
    cr_assert_eq(r.status, PV_REF_CLOSED);
    cr_assert_str_eq(r.closed_on, "2025-03-05");
    cr_assert_str_eq(r.outcome, "family stabilised");
    cr_assert_str_eq(r.answer, "seen by the psychologist");
    cr_assert_eq(pv_referral_receive(ctx, id, "2025-03-06", "", &err), PV_ECONFLICT);
    cr_assert_str_eq(err.message, "a closed referral cannot be received");
    pv_error_clear(&err);
    cr_assert_eq(pv_referral_return(ctx, id, NULL, "", &err), PV_ECONFLICT);
    pv_error_clear(&err);
    cr_assert_eq(pv_referral_set_follow_up(ctx, id, "2025-04-01", "x", &err), PV_ECONFLICT);
    pv_error_clear(&err);
    /* sent -> returned, then final */
    pv_id id2 = refer(ctx, p.national_id, PV_URG_ROUTINE, "2025-03-01");
    cr_assert_eq(pv_referral_return(ctx, id2, "2025-03-02", "not our catchment", &err), PV_OK);
    cr_assert_eq(get(ctx, id2).status, PV_REF_RETURNED);
    cr_assert_eq(pv_referral_close(ctx, id2, "2025-03-03", "x", &err), PV_ECONFLICT);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(referrals, overdue_on_a_date_per_caseworker_and_centre)
{
    pv_person p;
    pv_ctx *ctx = setup(&p);
    pv_test_actor(ctx, "reza", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    pv_id a = refer(ctx, p.national_id, PV_URG_URGENT, "2025-03-01");   /* due 03-04 */
    pv_id b = refer(ctx, p.national_id, PV_URG_ROUTINE, "2025-03-01");  /* due 03-15 */
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    refer(ctx, p.national_id, PV_URG_EMERGENCY, "2025-03-01");         /* due 03-01 */
    pv_error err = PV_ERROR_INIT;
    int n;
    cr_assert_eq(pv_referral_overdue_count(ctx, "reza", "2025-03-04", &n, &err), PV_OK);
    cr_assert_eq(n, 0, "due today is not yet overdue");
    cr_assert_eq(pv_referral_overdue_count(ctx, "reza", "2025-03-05", &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(pv_referral_overdue_count(ctx, NULL, "2025-03-16", &n, &err), PV_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(pv_referral_overdue_count(ctx, "sara", "2025-03-02", &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(pv_referral_close(ctx, a, "2025-03-05", "done", &err), PV_OK);
    cr_assert_eq(pv_referral_overdue_count(ctx, "reza", "2025-03-16", &n, &err), PV_OK);
    cr_assert_eq(n, 1, "a closed referral is never overdue");
    pv_referral *list;
    size_t k;
    pv_referral_filter f = {.referred_by = "reza", .overdue_on = "2025-03-16"};
    cr_assert_eq(pv_referral_list(ctx, &f, &list, &k, &err), PV_OK);
    cr_assert_eq(k, 1);
    cr_assert_eq(list[0].id, b);
    cr_assert(pv_referral_is_overdue(&list[0], "2025-03-16"));
    cr_assert(!pv_referral_is_overdue(&list[0], "2025-03-15"));
    free(list);
    pv_centre c;
    cr_assert_eq(pv_centre_find(ctx, CENTRE, &c, &err), PV_OK);
    pv_referral_filter g = {.centre_id = c.id, .open_only = true};
    cr_assert_eq(pv_referral_list(ctx, &g, &list, &k, &err), PV_OK);
    cr_assert_eq(k, 2, "open ones of the centre");
    free(list);
    pv_test_db_close(ctx);
}

Test(referrals, caseworker_may_refer_but_not_edit_centres)
{
    pv_person p;
    pv_ctx *ctx = setup(&p);
    pv_test_actor(ctx, "reza", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_centre_add(ctx, "another", "", NULL, NULL, &err), PV_EDENIED);
    pv_error_clear(&err);
    cr_assert_eq(pv_referral_days_set(ctx, PV_URG_ROUTINE, 7, &err), PV_EDENIED);
    pv_error_clear(&err);
    refer(ctx, p.national_id, PV_URG_ROUTINE, NULL);
    pv_test_actor(ctx, "other", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx) + 1);
    pv_referral_new rn = {.national_id = p.national_id, .centre = CENTRE, .reason = "x"};
    cr_assert_neq(pv_referral_create(ctx, &rn, NULL, &err), PV_OK, "another branch");
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

static int count_cb(void *user, const pv_eligible_row *row)
{
    (void)row;
    ++*(int *)user;
    return 0;
}

Test(referrals, rules_read_open_referrals_single_and_batch)
{
    pv_person p;
    pv_ctx *ctx = setup(&p);
    svc_fact(ctx, p.national_id, "doc.identity", NULL);
    p.area = PV_AREA_URBAN;
    svc_save(ctx, &p);
    pv_eligibility *e = svc_check(ctx, p.national_id, S003, "2025-03-01");
    cr_assert(!e->eligible);
    pv_eligibility_free(e);
    pv_error err = PV_ERROR_INIT;
    int n = 0;
    cr_assert_eq(pv_eligible_scan(ctx, S003, "2025-03-01", count_cb, &n, NULL, &err), PV_OK);
    cr_assert_eq(n, 0);
    pv_id id = refer(ctx, p.national_id, PV_URG_URGENT, "2025-03-01");
    e = svc_check(ctx, p.national_id, S003, "2025-03-01");
    cr_assert(e->eligible, "an open referral");
    pv_eligibility_free(e);
    n = 0;
    cr_assert_eq(pv_eligible_scan(ctx, S003, "2025-03-01", count_cb, &n, NULL, &err), PV_OK);
    cr_assert_eq(n, 1, "the batch reads referrals too");
    cr_assert_eq(pv_referral_return(ctx, id, NULL, "", &err), PV_OK);
    e = svc_check(ctx, p.national_id, S003, "2025-03-01");
    cr_assert(!e->eligible, "a returned referral is not open");
    pv_eligibility_free(e);
    cr_assert_eq(pv_fact_set(ctx, p.national_id, "referral_open", "yes", &err), PV_EINVAL,
                 "no longer a fact");
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

/* A database of schema version 6 with a referral_open fact, opened by
 * this version: the fact becomes an open referral. */
Test(referrals, migration_turns_facts_into_referrals)
{
    pv_person p;
    pv_ctx *ctx = setup(&p);
    char path[4096];
    snprintf(path, sizeof path, "%s", pv_test_db_path());
    pv_test_actor(ctx, "system", PV_ROLE_SYSTEM, pv_ctx_branch(ctx));
    pv_ctx_close(ctx);
    /* back to version 6 (before referrals), as an older program left it */
    pv_test_rewind(path, 6);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO person_fact (person_id, key, value, set_on, set_by) "
             "SELECT id, 'referral_open', 'sent to the crisis centre', '2024-05-01', 'reza' "
             "FROM person WHERE national_id = '%s';",
             p.national_id);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s", msg);
    sqlite3_close(db);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &ctx, &err), PV_OK, "%s", err.message);
    pv_referral *list;
    size_t n;
    pv_referral_filter f = {.national_id = p.national_id};
    cr_assert_eq(pv_referral_list(ctx, &f, &list, &n, &err), PV_OK, "%s", err.message);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(list[0].reason, "sent to the crisis centre");
    cr_assert_str_eq(list[0].sent_on, "2024-05-01");
    cr_assert_str_eq(list[0].referred_by, "reza");
    cr_assert_eq(list[0].status, PV_REF_SENT);
    cr_assert(list[0].migrated);
    free(list);
    pv_fact *facts;
    size_t nf;
    cr_assert_eq(pv_fact_list(ctx, p.national_id, &facts, &nf, &err), PV_OK);
    for (size_t i = 0; i < nf; i++)
        cr_assert_str_neq(facts[i].key, "referral_open", "the fact is gone");
    free(facts);
    pv_test_db_close(ctx);
}
