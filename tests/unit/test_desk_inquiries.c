/* Inquiries, migration 10: the old agency_confirmation facts become
 * confirmed inquiries (the agency from the fact's value, else from the
 * person's facilitator_role and the card's gate, else "unknown"), and the
 * branch's overdue limit is a setting. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parvande/groups.h"
#include "parvande/stats.h"
#include "svc_helpers.h"

#define S004 "L-004"

static const char *msg(const pv_error *e) { return e->message ? e->message : ""; }

static pv_person facilitator(pv_ctx *ctx, unsigned long n)
{
    pv_id hh = svc_household(ctx, true, true);
    pv_person p = svc_person(ctx, hh, n, PV_REL_HEAD, PV_GENDER_MALE, "1985-01-01");
    svc_fact(ctx, p.national_id, "local_facilitator", NULL);
    return p;
}

/* The fact as an older program stored it, in the rewound database. */
static void old_fact(sqlite3 *db, const char *nid, const char *value)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO person_fact (person_id, key, value, set_on, set_by) "
        "SELECT id, 'agency_confirmation', %Q, '2024-05-01T08:00:00.000Z', 'reza' "
        "FROM person WHERE national_id = %Q",
        value, nid);
    char *e = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &e), SQLITE_OK, "%s", e ? e : "");
    sqlite3_free(sql);
}

static const pv_inquiry *about(const pv_inquiry *list, size_t n, const char *nid)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].national_id, nid) == 0)
            return &list[i];
    return NULL;
}

Test(desk_inquiries, old_agency_confirmations_become_inquiries)
{
    pv_ctx *ctx = svc_test_db();
    pv_person a = facilitator(ctx, 10), b = facilitator(ctx, 20), c = facilitator(ctx, 30),
              d = facilitator(ctx, 40);
    svc_fact(ctx, b.national_id, "facilitator_role", "behvarz");
    char path[4096];
    snprintf(path, sizeof path, "%s", pv_test_db_path());
    pv_ctx_close(ctx);
    pv_test_rewind(path, 9);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    old_fact(db, a.national_id, " Village_Admin ");  /* names the link's key */
    old_fact(db, b.national_id, "yes");              /* the role's gate tells */
    old_fact(db, c.national_id, "تأیید بخشداری");     /* cannot be told */
    old_fact(db, d.national_id, "no");               /* was no confirmation */
    sqlite3_close(db);

    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &ctx, &err), PV_OK, "%s", msg(&err));
    pv_inquiry *list;
    size_t n;
    cr_assert_eq(pv_inquiry_list(ctx, NULL, &list, &n, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(n, 3);
    const pv_inquiry *qa = about(list, n, a.national_id), *qb = about(list, n, b.national_id),
                     *qc = about(list, n, c.national_id);
    cr_assert(qa && qb && qc);
    cr_assert_null(about(list, n, d.national_id));
    cr_assert_str_eq(qa->agency_key, "village_admin");
    cr_assert_str_eq(qa->agency, "Organization of Village Administrations and Municipalities");
    cr_assert_str_eq(qa->code, S004);
    cr_assert_eq(qa->status, PV_INQ_CONFIRMED);
    cr_assert_str_eq(qa->sent_on, "2024-05-01");
    cr_assert_str_eq(qa->answered_on, "2024-05-01");
    cr_assert_str_eq(qa->caseworker, "reza");
    cr_assert_not_null(strstr(qa->note, "migration 10"), "%s", qa->note);
    cr_assert_str_eq(qb->agency_key, "health_network");
    cr_assert_str_eq(qb->agency, "the primary health care network");
    cr_assert_str_eq(qc->agency_key, "unknown");
    cr_assert_str_eq(qc->agency, "تأیید بخشداری");
    cr_assert_str_eq(qc->code, "");
    cr_assert_eq(qc->status, PV_INQ_CONFIRMED);
    cr_assert_eq(qa->id >> 40, 1); /* the branch-unique id scheme */
    free(list);

    /* the facts are gone; the rules read the inquiry instead */
    pv_fact *f;
    cr_assert_eq(pv_fact_list(ctx, a.national_id, &f, &n, &err), PV_OK);
    bool old = false, inquiry = false;
    for (size_t k = 0; k < n; k++) {
        old |= strcmp(f[k].key, "agency_confirmation") == 0;
        inquiry |= strcmp(f[k].key, "inquiry.village_admin") == 0
                   && strcmp(f[k].value, "confirmed") == 0;
    }
    free(f);
    cr_assert_not(old);
    cr_assert(inquiry);
    cr_assert_eq(pv_fact_list(ctx, d.national_id, &f, &n, &err), PV_OK);
    for (size_t k = 0; k < n; k++)
        cr_assert_str_neq(f[k].key, "agency_confirmation");
    free(f);

    /* a new inquiry gets the next id */
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    pv_inquiry_new q = {d.national_id, NULL, S004, "village_admin", NULL, NULL, NULL,
                        "2024-09-01", NULL};
    pv_id id;
    cr_assert_eq(pv_inquiry_add(ctx, &q, &id, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(id & 0xffffffffffLL, 4);
    pv_ctx_close(ctx);
}

Test(desk_inquiries, the_overdue_limit_is_the_branchs)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    int days = 0;
    cr_assert_eq(pv_inquiry_overdue_days(ctx, &days, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(days, PV_INQUIRY_OVERDUE_DAYS);
    cr_assert_eq(pv_inquiry_overdue_days_set(ctx, 30, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(pv_inquiry_overdue_days(ctx, &days, &err), PV_OK);
    cr_assert_eq(days, 30);
    cr_assert_eq(pv_inquiry_overdue_days_set(ctx, 0, &err), PV_EINVAL);
    cr_assert_not_null(strstr(msg(&err), "Days"), "%s", msg(&err));
    pv_error_clear(&err);
    cr_assert_eq(pv_inquiry_overdue_days_set(ctx, 366, &err), PV_EINVAL);
    pv_error_clear(&err);
    /* another branch keeps the default */
    pv_test_actor(ctx, "other", PV_ROLE_ADMIN, pv_ctx_branch(ctx) + 1);
    cr_assert_eq(pv_inquiry_overdue_days(ctx, &days, &err), PV_OK);
    cr_assert_eq(days, PV_INQUIRY_OVERDUE_DAYS);
    /* a caseworker reads it but does not set it */
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    cr_assert_eq(pv_inquiry_overdue_days(ctx, &days, &err), PV_OK);
    cr_assert_eq(days, 30);
    cr_assert_eq(pv_inquiry_overdue_days_set(ctx, 7, &err), PV_EDENIED);
    pv_error_clear(&err);
    cr_assert_eq(pv_inquiry_overdue_days(ctx, &days, &err), PV_OK);
    cr_assert_eq(days, 30);
    pv_test_db_close(ctx);
}

Test(desk_inquiries, the_forms_offer_what_the_cards_say)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_service_info *s;
    size_t n;
    cr_assert_eq(pv_course_services(ctx, &s, &n, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(n, 1); /* only 004 gives course_days */
    cr_assert_str_eq(s[0].code, S004);
    free(s);
    cr_assert_eq(pv_inquiry_services(ctx, &s, &n, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(n, 2); /* 001 and 004 name agencies with a key */
    cr_assert_str_eq(s[0].code, "19071059100");
    cr_assert_str_eq(s[1].code, S004);
    free(s);
    pv_inquiry_agency *a;
    cr_assert_eq(pv_inquiry_agencies(ctx, S004, &a, &n, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(n, 2);
    cr_assert_str_eq(a[0].key, "village_admin");
    cr_assert_str_eq(a[0].name, "Organization of Village Administrations and Municipalities");
    cr_assert_str_eq(a[1].key, "health_network");
    free(a);
    cr_assert_eq(pv_inquiry_agencies(ctx, "19072703102", &a, &n, &err), PV_OK);
    cr_assert_eq(n, 0); /* 000 names none */
    free(a);
    cr_assert_eq(pv_inquiry_agencies(ctx, "X-1", &a, &n, &err), PV_ENOTFOUND);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

/* The work per caseworker counts overdue inquiries by each branch's limit
 * (judged on the range's last day, 2025-04-20: sent 2025-03-22 is 29 days). */
Test(desk_inquiries, statistics_count_overdue_by_the_branchs_limit)
{
    pv_ctx *ctx = svc_test_db();
    pv_person p = facilitator(ctx, 10);
    char *sql = sqlite3_mprintf(
        "INSERT INTO inquiry (id, branch_code, person_id, code, agency_key, sent_on, status, "
        "caseworker) SELECT 1, %lld, id, 'L-004', 'village_admin', '2025-03-22', 'pending', "
        "'reza' FROM person WHERE national_id = %Q",
        (long long)pv_ctx_branch(ctx), p.national_id);
    char *e = NULL;
    cr_assert_eq(sqlite3_exec(ctx->db, sql, NULL, NULL, &e), SQLITE_OK, "%s", e ? e : "");
    sqlite3_free(sql);
    pv_error err = PV_ERROR_INIT;
    int want[] = {1, 0, 1}; /* the default 14 days, then 30, then 20 */
    int days[] = {0, 30, 20};
    for (int k = 0; k < 3; k++) {
        if (days[k])
            cr_assert_eq(pv_inquiry_overdue_days_set(ctx, days[k], &err), PV_OK, "%s", msg(&err));
        pv_stats_work *w;
        size_t n;
        cr_assert_eq(pv_stats_work_list(ctx, "1404/01/01", "1404/01/31", &w, &n, &err), PV_OK,
                     "%s", msg(&err));
        cr_assert_eq(n, 1);
        cr_expect_eq(w[0].n[PV_WORK_INQ_PENDING], 1);
        cr_expect_eq(w[0].n[PV_WORK_INQ_OVERDUE], want[k], "limit %d", days[k]);
        free(w);
    }
    pv_test_db_close(ctx);
}
