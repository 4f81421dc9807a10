/* Mutual-aid groups, workshops and inquiries: the group cap under payments
 * from several terminals at once, one active group a woman, legal-ID check
 * digits, the exit event of step 5 read by a rule, the migration of the old
 * `group` facts, course capacity and the yearly number of courses across a
 * Jalali year boundary, attendance and completion, the credit charged and
 * released, an inquiry gating a step, and the overdue list on a date. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parvande/groups.h"
#include "parvande/rules.h"
#include "svc_helpers.h"

#define S001 "19071059100"
#define S004 "L-004"

static const char *msg(const pv_error *e) { return e->message ? e->message : ""; }

/* A female head of a covered household (001's audience). */
static pv_person woman(pv_ctx *ctx, unsigned long n)
{
    pv_id hh = svc_household(ctx, true, true);
    return svc_person(ctx, hh, n, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
}

static pv_id new_group(pv_ctx *ctx, const char *name)
{
    pv_error err = PV_ERROR_INIT;
    pv_group_new g = {name, "خیاطی", "2024-04-01", NULL};
    pv_id id = 0;
    cr_assert_eq(pv_group_add(ctx, &g, &id, &err), PV_OK, "%s", msg(&err));
    return id;
}

static pv_group_detail *group(pv_ctx *ctx, pv_id id)
{
    pv_error err = PV_ERROR_INIT;
    pv_group_detail *d;
    cr_assert_eq(pv_group_get(ctx, id, &d, &err), PV_OK, "%s", msg(&err));
    return d;
}

/* ---- groups ---- */

Test(groups, a_woman_in_two_groups_is_refused)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_person w = woman(ctx, 10);
    pv_id a = new_group(ctx, "همیار نور"), b = new_group(ctx, "همیار مهر");
    cr_assert_eq(pv_group_member_add(ctx, a, w.national_id, "2024-05-01", &err), PV_OK, "%s",
                 msg(&err));
    cr_assert_eq(pv_group_member_add(ctx, b, w.national_id, "2024-05-02", &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(msg(&err), "one-group rule"), "%s", msg(&err));
    cr_assert_not_null(strstr(msg(&err), "همیار نور"), "%s", msg(&err));
    pv_error_clear(&err);
    pv_group_detail *d = group(ctx, b);
    cr_assert_eq(d->n_members, 0);
    pv_group_detail_free(d);
    /* once she has left the first, she may join the second */
    cr_assert_eq(pv_group_member_remove(ctx, a, w.national_id, "2024-06-01", &err), PV_OK);
    cr_assert_eq(pv_group_member_add(ctx, b, w.national_id, "2024-06-02", &err), PV_OK, "%s",
                 msg(&err));
    d = group(ctx, a);
    cr_assert_eq(d->g.n_members, 0);
    cr_assert_eq(d->n_members, 1);
    cr_assert_str_eq(d->members[0].left_on, "2024-06-01");
    pv_group_detail_free(d);
    /* a second group of the same name in the branch is refused */
    pv_group_new g = {"همیار نور", NULL, NULL, NULL};
    cr_assert_eq(pv_group_add(ctx, &g, NULL, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(groups, legal_id_check_digit)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_id a = new_group(ctx, "همیار نور");
    cr_assert_eq(pv_group_register(ctx, a, "10380284791", "2024-07-01", &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "legal_id");
    pv_error_clear(&err);
    pv_group_detail *d = group(ctx, a);
    cr_assert_str_eq(d->g.legal_id, "");
    pv_group_detail_free(d);
    cr_assert_eq(pv_group_register(ctx, a, "۱۰۳۸۰۲۸۴۷۹۰", "2024-07-01", &err), PV_OK, "%s",
                 msg(&err));
    d = group(ctx, a);
    cr_assert_str_eq(d->g.legal_id, "10380284790");
    cr_assert_str_eq(d->g.registered_on, "2024-07-01");
    pv_group_detail_free(d);
    /* the same legal ID cannot be a second group's */
    pv_id b = new_group(ctx, "همیار مهر");
    cr_assert_eq(pv_group_register(ctx, b, "10380284790", NULL, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    /* found by its legal ID */
    pv_group *list;
    size_t n;
    cr_assert_eq(pv_group_list(ctx, "10380284790", &list, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(list[0].id, a);
    free(list);
    pv_test_db_close(ctx);
}

Test(groups, steps_and_the_exit_event_on_every_member)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_person w1 = woman(ctx, 10), w2 = woman(ctx, 20), w3 = woman(ctx, 30);
    pv_id a = new_group(ctx, "همیار نور");
    cr_assert_eq(pv_group_advance(ctx, a, NULL, NULL, &err), PV_ECONFLICT); /* not enrolled */
    pv_error_clear(&err);
    cr_assert_eq(pv_group_member_add(ctx, a, w1.national_id, NULL, &err), PV_OK);
    cr_assert_eq(pv_group_member_add(ctx, a, w2.national_id, NULL, &err), PV_OK);
    cr_assert_eq(pv_group_enroll(ctx, a, S001, "2024-04-02", &err), PV_OK, "%s", msg(&err));
    /* a later service can exclude those who left direct support */
    const char *card =
        "code: X-EXIT\ntitle.fa: آزمون\n[step]\nfa: یک\n"
        "[criterion not_exited]\nlabel.fa: ل\nreason.fa: از چرخه خارج شده است\n"
        "reason.en: has left direct support\nrule: not event.exit_direct_support\n";
    cr_assert_eq(pv_catalog_load_card(ctx, card, "test", &err), PV_OK, "%s", msg(&err));
    pv_eligibility *e = svc_check(ctx, w1.national_id, "X-EXIT", NULL);
    cr_assert(e->eligible);
    pv_eligibility_free(e);
    const char *dates[] = {"2024-05-01", "2024-06-01", "2024-07-01", "2024-08-01", "2024-09-01"};
    for (int i = 0; i < 5; i++)
        cr_assert_eq(pv_group_advance(ctx, a, dates[i], "گام", &err), PV_OK, "%s", msg(&err));
    pv_group_detail *d = group(ctx, a);
    cr_assert_eq(d->g.step, 5);
    cr_assert_eq(d->g.n_steps, 6);
    cr_assert_str_eq(d->steps[4].date, "2024-09-01");
    cr_assert_str_eq(d->steps[4].note, "گام");
    cr_assert_str_eq(d->steps[5].date, "");
    pv_group_detail_free(d);
    /* both members have the dated event; the woman outside the group not */
    const char *who[] = {w1.national_id, w2.national_id};
    for (int i = 0; i < 2; i++) {
        e = svc_check(ctx, who[i], "X-EXIT", NULL);
        cr_assert_not(e->eligible);
        cr_assert(svc_failed(e, "not_exited"));
        pv_eligibility_free(e);
        pv_fact *f;
        size_t n;
        cr_assert_eq(pv_fact_list(ctx, who[i], &f, &n, &err), PV_OK);
        bool found = false;
        for (size_t k = 0; k < n; k++)
            found |= strcmp(f[k].key, "event.exit_direct_support") == 0
                     && strcmp(f[k].value, "2024-09-01") == 0;
        free(f);
        cr_assert(found);
    }
    e = svc_check(ctx, w3.national_id, "X-EXIT", NULL);
    cr_assert(e->eligible);
    pv_eligibility_free(e);
    cr_assert_eq(pv_group_advance(ctx, a, NULL, NULL, &err), PV_OK);
    cr_assert_eq(pv_group_advance(ctx, a, NULL, NULL, &err), PV_ECONFLICT); /* all done */
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

/* Several terminals paying the same group at once: the cap holds. */
typedef struct payer {
    const char *path;
    pv_id group;
    pv_status st;
} payer;

static void *pay(void *arg)
{
    payer *p = arg;
    pv_ctx *ctx = NULL;
    pv_error err = PV_ERROR_INIT;
    if (pv_ctx_open(p->path, PV_LANG_EN, &ctx, &err) != PV_OK) {
        p->st = PV_EFAIL;
        return NULL;
    }
    p->st = pv_group_pay(ctx, p->group, 70000000, "2024-05-01", NULL, NULL, &err);
    pv_error_clear(&err);
    pv_ctx_close(ctx);
    return NULL;
}

Test(groups, the_cap_holds_under_concurrent_payments)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_id a = new_group(ctx, "همیار نور");
    cr_assert_eq(pv_group_pay(ctx, a, 1000, NULL, NULL, NULL, &err), PV_ECONFLICT);
    pv_error_clear(&err); /* not enrolled yet */
    cr_assert_eq(pv_group_enroll(ctx, a, S001, "2024-04-02", &err), PV_OK);
    cr_assert_eq(pv_group_pay(ctx, a, 20000000, "2024-04-10", "بذر", NULL, &err), PV_OK);
    enum { N = 8 };
    payer p[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        p[i] = (payer){pv_test_db_path(), a, PV_EFAIL};
        pthread_create(&t[i], NULL, pay, &p[i]);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    int ok = 0, refused = 0;
    for (int i = 0; i < N; i++) {
        ok += p[i].st == PV_OK;
        refused += p[i].st == PV_ECONFLICT;
    }
    /* 20M + 4 x 70M = 300M: exactly four fit under 300,000,000 */
    cr_assert_eq(ok, 4);
    cr_assert_eq(refused, N - 4);
    pv_group_detail *d = group(ctx, a);
    cr_assert_eq(d->g.paid, 300000000);
    cr_assert_eq(d->g.cap, 300000000);
    cr_assert_eq(d->n_payments, 5);
    int64_t sum = 0;
    for (size_t i = 0; i < d->n_payments; i++)
        sum += d->payments[i].amount;
    cr_assert_eq(sum, 300000000);
    pv_group_detail_free(d);
    cr_assert_eq(pv_group_pay(ctx, a, 1, NULL, NULL, NULL, &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(msg(&err), "group cap rule"), "%s", msg(&err));
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(groups, old_group_facts_become_memberships)
{
    pv_ctx *ctx = svc_test_db();
    pv_person w1 = woman(ctx, 10), w2 = woman(ctx, 20);
    svc_fact(ctx, w1.national_id, "group", "همیار-۷");
    svc_fact(ctx, w2.national_id, "group", "همیار-۷");
    /* back to a database before migration 6, with its facts */
    char path[4096];
    snprintf(path, sizeof path, "%s", pv_test_db_path());
    pv_ctx_close(ctx);
    pv_test_rewind(path, 5);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &ctx, &err), PV_OK, "%s", msg(&err));
    pv_group *list;
    size_t n;
    cr_assert_eq(pv_group_list(ctx, NULL, &list, &n, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(n, 1);
    cr_assert_str_eq(list[0].name, "همیار-7"); /* facts keep ASCII digits */
    cr_assert_eq(list[0].n_members, 2);
    cr_assert_eq(list[0].id >> 40, 1); /* the branch-unique id scheme */
    free(list);
    pv_fact *f;
    cr_assert_eq(pv_fact_list(ctx, w1.national_id, &f, &n, &err), PV_OK);
    bool fact = false, member = false;
    for (size_t k = 0; k < n; k++) {
        fact |= strcmp(f[k].key, "group") == 0;
        member |= strcmp(f[k].key, "group.member") == 0 && strcmp(f[k].value, "همیار-7") == 0;
    }
    free(f);
    cr_assert_not(fact);
    cr_assert(member);
    /* a new group gets the next id */
    pv_group_new g = {"همیار نو", NULL, NULL, NULL};
    pv_id id;
    cr_assert_eq(pv_group_add(ctx, &g, &id, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(id & 0xffffffffffLL, 2);
    pv_ctx_close(ctx);
}

/* ---- courses ---- */

static pv_person facilitator(pv_ctx *ctx, unsigned long n)
{
    pv_id hh = svc_household(ctx, true, true);
    pv_person p = svc_person(ctx, hh, n, PV_REL_HEAD, PV_GENDER_MALE, "1985-01-01");
    svc_fact(ctx, p.national_id, "local_facilitator", NULL);
    return p;
}

static pv_id new_course(pv_ctx *ctx, const char *start, int capacity, pv_status want)
{
    pv_error err = PV_ERROR_INIT;
    pv_course_new c = {S004, "کارگاه توانبخشی", start, "سالن شهرداری", "خانم رضایی", capacity};
    pv_id id = 0;
    cr_assert_eq(pv_course_add(ctx, &c, &id, &err), want, "%s", msg(&err));
    pv_error_clear(&err);
    return id;
}

static int64_t committed(pv_ctx *ctx)
{
    pv_error err = PV_ERROR_INIT;
    pv_credit *cr;
    size_t n;
    cr_assert_eq(pv_credit_list(ctx, S004, &cr, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    int64_t c = cr[0].committed;
    free(cr);
    return c;
}

Test(courses, the_yearly_number_across_the_jalali_new_year)
{
    pv_ctx *ctx = svc_test_db();
    /* 1403 is a leap year: Esfand 30 is 2025-03-20, Farvardin 1 1404 is 2025-03-21 */
    new_course(ctx, "2025-03-19", 10, PV_OK);  /* Esfand 29 */
    new_course(ctx, "2025-03-20", 10, PV_OK);  /* Esfand 30 */
    pv_error err = PV_ERROR_INIT;
    pv_course_new c = {S004, "سومی", "2025-03-20", NULL, NULL, 10};
    cr_assert_eq(pv_course_add(ctx, &c, NULL, &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(msg(&err), "yearly courses rule"), "%s", msg(&err));
    pv_error_clear(&err);
    new_course(ctx, "2025-03-21", 10, PV_OK);  /* Farvardin 1, 1404 */
    pv_course *list;
    size_t n;
    cr_assert_eq(pv_course_list(ctx, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(list[0].jyear, 1404);
    cr_assert_eq(list[1].jyear, 1403);
    cr_assert_eq(list[0].days, 12); /* the card's course_days */
    cr_assert_eq(list[0].min_days, 12);
    free(list);
    /* a service whose card has no course_days has no workshops */
    c.code = S001;
    cr_assert_eq(pv_course_add(ctx, &c, NULL, &err), PV_EINVAL);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(courses, capacity_credit_charged_and_released)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_credit_set(ctx, S004, "تهران", 1403, 100000000, &err), PV_OK);
    pv_id c = new_course(ctx, "2024-10-01", 2, PV_OK);
    pv_person a = facilitator(ctx, 10), b = facilitator(ctx, 20), x = facilitator(ctx, 30);
    pv_id hh = svc_household(ctx, true, true);
    pv_person nobody = svc_person(ctx, hh, 40, PV_REL_HEAD, PV_GENDER_MALE, "1985-01-01");
    cr_assert_eq(pv_course_admit(ctx, c, nobody.national_id, "2024-09-01", &err),
                 PV_EINELIGIBLE);
    pv_error_clear(&err);
    cr_assert_eq(pv_course_admit(ctx, c, a.national_id, "2024-09-01", &err), PV_OK, "%s",
                 msg(&err));
    cr_assert_eq(committed(ctx), 6000000);
    cr_assert_eq(pv_course_admit(ctx, c, a.national_id, "2024-09-01", &err), PV_ECONFLICT);
    pv_error_clear(&err);
    cr_assert_eq(pv_course_admit(ctx, c, b.national_id, "2024-09-02", &err), PV_OK);
    cr_assert_eq(pv_course_admit(ctx, c, x.national_id, "2024-09-03", &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(msg(&err), "capacity rule"), "%s", msg(&err));
    pv_error_clear(&err);
    cr_assert_eq(committed(ctx), 12000000);
    /* a withdrawal before the first day gives the money back and frees the place */
    cr_assert_eq(pv_course_withdraw(ctx, c, b.national_id, "2024-09-30", &err), PV_OK);
    cr_assert_eq(committed(ctx), 6000000);
    cr_assert_eq(pv_course_admit(ctx, c, x.national_id, "2024-09-30", &err), PV_OK, "%s",
                 msg(&err));
    cr_assert_eq(committed(ctx), 12000000);
    /* from the first day on, the money stays spent */
    cr_assert_eq(pv_course_withdraw(ctx, c, x.national_id, "2024-10-01", &err), PV_OK);
    cr_assert_eq(committed(ctx), 12000000);
    pv_test_db_close(ctx);
}

Test(courses, attendance_counts_and_completion)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_credit_set(ctx, S004, "تهران", 1403, 100000000, &err), PV_OK);
    pv_id c = new_course(ctx, "2024-10-01", 5, PV_OK);
    pv_person a = facilitator(ctx, 10), b = facilitator(ctx, 20);
    cr_assert_eq(pv_course_admit(ctx, c, a.national_id, NULL, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(pv_course_admit(ctx, c, b.national_id, NULL, &err), PV_OK);
    for (int day = 1; day <= 12; day++)
        cr_assert_eq(pv_course_attend(ctx, c, a.national_id, day, true, &err), PV_OK, "%s",
                     msg(&err));
    cr_assert_eq(pv_course_attend(ctx, c, a.national_id, 3, true, &err), PV_OK); /* twice */
    for (int day = 1; day <= 7; day++)
        cr_assert_eq(pv_course_attend(ctx, c, b.national_id, day, true, &err), PV_OK);
    cr_assert_eq(pv_course_attend(ctx, c, b.national_id, 7, false, &err), PV_OK);
    cr_assert_eq(pv_course_attend(ctx, c, b.national_id, 13, true, &err), PV_EINVAL);
    pv_error_clear(&err);
    cr_assert_eq(pv_course_evaluate(ctx, c, "2024-10-20", 85, "خوب", &err), PV_OK);
    cr_assert_eq(pv_course_evaluate(ctx, c, NULL, 101, NULL, &err), PV_EINVAL);
    pv_error_clear(&err);
    pv_course_detail *d;
    cr_assert_eq(pv_course_get(ctx, c, &d, &err), PV_OK);
    cr_assert_eq(d->n_trainees, 2);
    for (size_t i = 0; i < 2; i++) {
        const pv_trainee *t = &d->trainees[i];
        bool is_a = strcmp(t->national_id, a.national_id) == 0;
        cr_assert_eq(t->attended, is_a ? 12 : 6);
        cr_assert_eq(t->completed, is_a);
        cr_assert_eq(t->present[6], is_a);
        cr_assert_eq(t->present[5], 1);
    }
    cr_assert_eq(d->n_evaluations, 1);
    cr_assert_eq(d->evaluations[0].score, 85);
    pv_course_detail_free(d);
    pv_test_db_close(ctx);
}

/* ---- inquiries ---- */

static pv_id inquiry(pv_ctx *ctx, const char *nid, const char *agency, const char *date)
{
    pv_error err = PV_ERROR_INIT;
    pv_inquiry_new q = {nid, NULL, S004, agency, NULL, NULL, NULL, date, NULL};
    pv_id id = 0;
    cr_assert_eq(pv_inquiry_add(ctx, &q, &id, &err), PV_OK, "%s", msg(&err));
    return id;
}

Test(inquiries, a_missing_inquiry_gates_a_step)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_credit_set(ctx, S004, "تهران", 1403, 100000000, &err), PV_OK);
    pv_person p = facilitator(ctx, 10);
    svc_fact(ctx, p.national_id, "facilitator_role", "dehyar");
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    pv_enroll_request req = PV_ENROLL_REQUEST_INIT;
    req.national_id = p.national_id;
    req.code = S004;
    req.date = "2024-09-01";
    pv_id e;
    cr_assert_eq(pv_enroll(ctx, &req, &e, NULL, &err), PV_OK, "%s", msg(&err));
    pv_actor boss = {.user_id = 2, .role = PV_ROLE_SUPERVISOR, .branch_code = 1};
    snprintf(boss.name, sizeof boss.name, "reza");
    pv_ctx_set_actor(ctx, &boss);
    cr_assert_eq(pv_enroll_approve(ctx, e, NULL, &err), PV_OK, "%s", msg(&err));
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(pv_enroll_advance(ctx, e, "2024-09-02", NULL, &err), PV_OK, "%s", msg(&err));
    /* step 2 needs the village administrations' confirmed inquiry */
    cr_assert_eq(pv_enroll_advance(ctx, e, "2024-09-03", NULL, &err), PV_ECONFLICT);
    cr_assert_not_null(strstr(msg(&err), "Organization of Village Administrations"), "%s",
                       msg(&err));
    pv_error_clear(&err);
    pv_id q = inquiry(ctx, p.national_id, "village_admin", "2024-09-03");
    cr_assert_eq(pv_enroll_advance(ctx, e, "2024-09-04", NULL, &err), PV_ECONFLICT); /* pending */
    pv_error_clear(&err);
    /* another agency's confirmation does not do */
    pv_id h = inquiry(ctx, p.national_id, "health_network", "2024-09-03");
    cr_assert_eq(pv_inquiry_answer(ctx, h, true, "2024-09-05", "H-1", NULL, &err), PV_OK);
    cr_assert_eq(pv_enroll_advance(ctx, e, "2024-09-05", NULL, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    cr_assert_eq(pv_inquiry_answer(ctx, q, true, "2024-09-06", "۱۲۳/د", "تأیید شد", &err),
                 PV_OK, "%s", msg(&err));
    cr_assert_eq(pv_inquiry_answer(ctx, q, false, "2024-09-07", NULL, NULL, &err),
                 PV_ECONFLICT); /* answered already */
    pv_error_clear(&err);
    cr_assert_eq(pv_enroll_advance(ctx, e, "2024-09-07", NULL, &err), PV_OK, "%s", msg(&err));
    pv_enrollment_detail *d;
    cr_assert_eq(pv_enroll_get(ctx, e, &d, &err), PV_OK);
    cr_assert_eq(d->e.step, 3);
    pv_enrollment_detail_free(d);
    pv_test_db_close(ctx);
}

Test(inquiries, the_overdue_list_on_a_date)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_person a = facilitator(ctx, 10), b = facilitator(ctx, 20);
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    pv_id q1 = inquiry(ctx, a.national_id, "village_admin", "2024-09-01");
    inquiry(ctx, b.national_id, "health_network", "2024-09-10");
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    inquiry(ctx, b.national_id, "village_admin", "2024-09-01");
    /* a group's inquiry, by its name */
    pv_id g = new_group(ctx, "همیار نور");
    (void)g;
    pv_inquiry_new gq = {NULL, "همیار نور", S001, "companies_registration", NULL, NULL, NULL,
                         "2024-08-01", NULL};
    cr_assert_eq(pv_inquiry_add(ctx, &gq, NULL, &err), PV_OK, "%s", msg(&err));
    pv_inquiry_filter f = PV_INQUIRY_FILTER_INIT;
    f.overdue_days = 14;
    f.date = "2024-09-16";
    pv_inquiry *list;
    size_t n;
    cr_assert_eq(pv_inquiry_list(ctx, &f, &list, &n, &err), PV_OK, "%s", msg(&err));
    cr_assert_eq(n, 3); /* sent 09-01 (twice) and 08-01; 09-10 is 6 days old */
    cr_assert_eq(list[0].group_id, g);
    cr_assert_eq(list[1].age_days, 15);
    free(list);
    f.caseworker = "maryam";
    cr_assert_eq(pv_inquiry_list(ctx, &f, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(list[0].id, q1);
    free(list);
    f.caseworker = NULL;
    f.agency = "village_admin";
    cr_assert_eq(pv_inquiry_list(ctx, &f, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 2);
    free(list);
    int count;
    cr_assert_eq(pv_inquiry_overdue_count(ctx, "maryam", 14, "2024-09-16", &count, &err), PV_OK);
    cr_assert_eq(count, 1);
    cr_assert_eq(pv_inquiry_overdue_count(ctx, "maryam", 14, "2024-09-15", &count, &err), PV_OK);
    cr_assert_eq(count, 0); /* 14 days old is not yet overdue */
    cr_assert_eq(pv_inquiry_answer(ctx, q1, false, "2024-09-16", "R-9", NULL, &err), PV_OK);
    cr_assert_eq(pv_inquiry_overdue_count(ctx, "maryam", 14, "2024-09-30", &count, &err), PV_OK);
    cr_assert_eq(count, 1); /* the 09-10 one */
    /* an agency the card does not name is refused */
    pv_inquiry_new bad = {a.national_id, NULL, S004, "police", NULL, NULL, NULL, NULL, NULL};
    cr_assert_eq(pv_inquiry_add(ctx, &bad, NULL, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "agency");
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

/* ---- the rule names of the records ---- */

Test(groups, record_facts_in_rules_cannot_be_typed_in)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    const char *good[] = {"group.member", "not event.exit_direct_support",
                          "inquiry.village_admin = 'confirmed'", "course.admitted >= 1",
                          "group.step > 4 and group.registered"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        pv_rule *r = NULL;
        cr_assert_eq(pv_rule_compile(good[i], &r, &err), PV_OK, "%s: %s", good[i], msg(&err));
        cr_assert(pv_rule_uses(r) & PV_RULE_USES_FACTS);
        pv_rule_free(r);
    }
    pv_rule *r = NULL;
    cr_assert_eq(pv_rule_compile("inquiry.Village", &r, &err), PV_EINVAL);
    pv_error_clear(&err);
    cr_assert_eq(pv_rule_compile("groups.member", &r, &err), PV_EINVAL);
    pv_error_clear(&err);
    /* a record's fact is not a fact one records */
    pv_person w = woman(ctx, 10);
    cr_assert_eq(pv_fact_set(ctx, w.national_id, "group.member", "همیار نور", &err), PV_EINVAL);
    pv_error_clear(&err);
    cr_assert_eq(pv_fact_set(ctx, w.national_id, "event.exit_direct_support", NULL, &err),
                 PV_EINVAL);
    pv_error_clear(&err);
    /* a card naming an unknown agency key or a gate past its steps is refused */
    const char *bad_gate = "code: X-G\ntitle.fa: آزمون\n[step]\nfa: یک\n"
                           "[gate g]\nstep: 2\nrule: true\nreason.fa: نه\n";
    cr_assert_eq(pv_catalog_load_card(ctx, bad_gate, "test", &err), PV_EINVAL);
    cr_assert_not_null(strstr(msg(&err), "gate's step"), "%s", msg(&err));
    pv_error_clear(&err);
    const char *bad_days = "code: X-D\ntitle.fa: آزمون\ncourse_days: 0\n[step]\nfa: یک\n";
    cr_assert_eq(pv_catalog_load_card(ctx, bad_days, "test", &err), PV_EINVAL);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}
