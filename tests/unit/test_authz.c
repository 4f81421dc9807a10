/* Tests of roles and branch scoping: the role table action by action, and
 * the real core functions refusing or filtering for caseworkers,
 * supervisors and administrators of two branches — a caseworker never sees
 * another branch's file in a lookup, a search or a list. Every refusal is
 * in the audit trail. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/audit.h"
#include "parvande/authz.h"
#include "parvande/records.h"
#include "parvande/users.h"

#define CW (1u << PV_ROLE_CASEWORKER)
#define SV (1u << PV_ROLE_SUPERVISOR)
#define AD (1u << PV_ROLE_ADMIN)

/* What the issue says each role may do. */
static const unsigned expected[PV_ACT__COUNT] = {
    [PV_ACT_FILE_READ] = CW | SV | AD,    [PV_ACT_FILE_WRITE] = CW | SV,
    [PV_ACT_FILE_CLOSE] = SV,             [PV_ACT_IMPORT] = SV,     
    [PV_ACT_ENROLL_REQUEST] = CW | SV,    [PV_ACT_ENROLL_ADVANCE] = CW | SV,
    [PV_ACT_ENROLL_APPROVE] = SV,         [PV_ACT_ENROLL_OVERRIDE] = SV,
    [PV_ACT_CATALOG_ADMIN] = AD,          [PV_ACT_CREDIT_ADMIN] = AD,
    [PV_ACT_USER_ADMIN] = AD,             [PV_ACT_AUDIT_READ] = SV | AD,
    [PV_ACT_BACKUP] = AD,
};

static int64_t count_where(pv_ctx *ctx, const char *sql)
{
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

Test(security_authz, each_role_may_do_exactly_its_actions_in_its_own_branch_only)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    const pv_role roles[] = {PV_ROLE_CASEWORKER, PV_ROLE_SUPERVISOR, PV_ROLE_ADMIN};
    int refusals = 0;
    for (size_t r = 0; r < 3; r++) {
        pv_test_actor(ctx, "someone", roles[r], 1);
        for (int a = 0; a < PV_ACT__COUNT; a++) {
            bool may = expected[a] & (1u << roles[r]);
            pv_status own = pv_authz_check(ctx, (pv_action)a, 1, &err);
            cr_assert_eq(own, may ? PV_OK : PV_EDENIED, "role %s action %s: %d",
                         pv_role_code(roles[r]), pv_action_label((pv_action)a), own);
            refusals += !may;
            pv_error_clear(&err);
            cr_assert_eq(pv_authz_check(ctx, (pv_action)a, 0, &err), may ? PV_OK : PV_EDENIED);
            refusals += !may;
            pv_error_clear(&err);
            cr_assert_eq(pv_authz_check(ctx, (pv_action)a, 2, &err), PV_EDENIED,
                         "never another branch's record");
            refusals++;
            pv_error_clear(&err);
        }
    }
    /* nobody logged in may do nothing; the system actor everything */
    pv_logout(ctx);
    for (int a = 0; a < PV_ACT__COUNT; a++, refusals++) {
        cr_assert_eq(pv_authz_check(ctx, (pv_action)a, 0, &err), PV_EDENIED);
        pv_error_clear(&err);
    }
    pv_test_actor(ctx, "system", PV_ROLE_SYSTEM, 1);
    for (int a = 0; a < PV_ACT__COUNT; a++)
        cr_assert_eq(pv_authz_check(ctx, (pv_action)a, 2, &err), PV_OK);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE outcome = 'refused'"), refusals,
                 "every refusal is in the audit trail");
    pv_test_db_close(ctx);
}

/* Two branches: household "A" with Zahra Ahmadi at branch 1, household
 * "B" with Zahra Ahmadi (another national ID) moved to branch 2. */
typedef struct two_branches {
    pv_ctx *ctx;
    char nid1[11], nid2[11];
    pv_id hh1, hh2;
} two_branches;

static pv_id add_member(pv_ctx *ctx, unsigned long n, pv_id hh, char nid[11])
{
    pv_person p = pv_test_person(n, "Zahra", "Ahmadi", "Ali", PV_GENDER_FEMALE);
    p.household_id = hh;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message ? err.message : "");
    snprintf(nid, 11, "%s", p.national_id);
    return p.id;
}

static two_branches setup_two_branches(void)
{
    two_branches t;
    t.ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_install(t.ctx, &err), PV_OK);
    cr_assert_eq(pv_household_create(t.ctx, "A", &t.hh1, &err), PV_OK);
    cr_assert_eq(pv_household_create(t.ctx, "B", &t.hh2, &err), PV_OK);
    add_member(t.ctx, 101, t.hh1, t.nid1);
    add_member(t.ctx, 202, t.hh2, t.nid2);
    pv_casefile f;
    cr_assert_eq(pv_casefile_find(t.ctx, t.hh2, &f, &err), PV_OK);
    f.branch_code = 2;
    cr_assert_eq(pv_casefile_save(t.ctx, &f, &err), PV_OK, "%s", err.message ? err.message : "");
    return t;
}

static size_t search_count(pv_ctx *ctx, const char *q)
{
    pv_search_hit *hits = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_search(ctx, q, 50, &hits, &n, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    free(hits);
    return n;
}

Test(security_authz, a_caseworker_never_sees_another_branchs_file)
{
    two_branches t = setup_two_branches();
    pv_ctx *ctx = t.ctx;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(search_count(ctx, "Zahra"), 2, "the system actor sees both branches");

    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(search_count(ctx, "Zahra"), 1, "search: own branch only");
    cr_assert_eq(search_count(ctx, t.nid2), 0, "search by national ID: not even a count");
    cr_assert_eq(search_count(ctx, t.nid1), 1);
    pv_person p;
    cr_assert_eq(pv_person_find(ctx, t.nid1, &p, &err), PV_OK);
    pv_status st = pv_person_find(ctx, t.nid2, &p, &err);
    cr_assert(st == PV_ENOTFOUND || st == PV_EDENIED, "lookup of another branch: %d", st);
    pv_error_clear(&err);
    pv_file_view *v = NULL;
    st = pv_file_load(ctx, t.nid2, &v, &err);
    cr_assert(st == PV_ENOTFOUND || st == PV_EDENIED, "file of another branch: %d", st);
    cr_assert_null(v);
    pv_error_clear(&err);
    pv_person_version *hist = NULL;
    size_t n = 0;
    st = pv_person_history(ctx, t.nid2, &hist, &n, &err);
    cr_assert(st == PV_ENOTFOUND || st == PV_EDENIED, "history of another branch: %d", st);
    pv_error_clear(&err);
    pv_casefile f;
    st = pv_casefile_find(ctx, t.hh2, &f, &err);
    cr_assert(st == PV_ENOTFOUND || st == PV_EDENIED);
    pv_error_clear(&err);

    /* nor change it: an edit of a member of household B is refused */
    pv_person intruder = pv_test_person(303, "Nima", "Rad", "", PV_GENDER_MALE);
    intruder.household_id = t.hh2;
    cr_assert_eq(pv_person_save(ctx, &intruder, &err), PV_EDENIED);
    pv_error_clear(&err);

    /* the caseworker of branch 2 sees exactly the other one */
    pv_test_actor(ctx, "babak", PV_ROLE_CASEWORKER, 2);
    cr_assert_eq(search_count(ctx, "Zahra"), 1);
    cr_assert_eq(pv_file_load(ctx, t.nid2, &v, &err), PV_OK, "%s", err.message ? err.message : "");
    pv_file_view_free(v);
    pv_test_db_close(ctx);
}

Test(security_authz, caseworkers_write_supervisors_close_admins_do_not_touch_files)
{
    two_branches t = setup_two_branches();
    pv_ctx *ctx = t.ctx;
    pv_error err = PV_ERROR_INIT;
    pv_casefile f;
    cr_assert_eq(pv_casefile_find(ctx, t.hh1, &f, &err), PV_OK);

    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(pv_assessment_add(ctx, f.id, "2024-06-01", "Home visit.", &err), PV_OK, "%s",
                 err.message ? err.message : "");
    pv_casefile closing = f;
    closing.status = PV_FILE_CLOSED;
    closing.closed_on[0] = '\0'; /* today */
    cr_assert_eq(pv_casefile_save(ctx, &closing, &err), PV_EDENIED, "a caseworker may not close");
    pv_error_clear(&err);

    pv_test_actor(ctx, "amin", PV_ROLE_ADMIN, 1);
    pv_person p;
    cr_assert_eq(pv_person_find(ctx, t.nid1, &p, &err), PV_OK, "an admin may read");
    snprintf(p.phone, sizeof p.phone, "09120000000");
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_EDENIED, "an admin may not edit a file");
    pv_error_clear(&err);
    cr_assert_eq(pv_assessment_add(ctx, f.id, "2024-06-01", "x", &err), PV_EDENIED);
    pv_error_clear(&err);

    pv_test_actor(ctx, "mina", PV_ROLE_SUPERVISOR, 1);
    cr_assert_eq(pv_casefile_save(ctx, &closing, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    pv_test_actor(ctx, "other", PV_ROLE_SUPERVISOR, 2);
    closing.status = PV_FILE_ACTIVE;
    closing.closed_on[0] = '\0';
    cr_assert_eq(pv_casefile_save(ctx, &closing, &err), PV_EDENIED, "not another branch's");
    pv_error_clear(&err);

    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE outcome = 'refused'"
                                  " AND actor IN ('sara', 'amin', 'other')"), 4);
    pv_test_db_close(ctx);
}

Test(security_authz, refusals_inside_a_rolled_back_transaction_are_kept)
{
    two_branches t = setup_two_branches();
    pv_ctx *ctx = t.ctx;
    pv_error err = PV_ERROR_INIT;
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(pv_tx_begin(ctx, &err), PV_OK);
    pv_person intruder = pv_test_person(404, "Nima", "Rad", "", PV_GENDER_MALE);
    intruder.household_id = t.hh2;
    cr_assert_eq(pv_person_save(ctx, &intruder, &err), PV_EDENIED);
    pv_error_clear(&err);
    pv_tx_rollback(ctx);
    cr_assert_eq(pv_audit_flush(ctx, &err), PV_OK);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE outcome = 'refused'"
                                  " AND actor = 'sara' AND action = 'file-write'"), 1);
    pv_test_db_close(ctx);
}

/* ---- lists across files: the eligibility batch (an export of names) ---- */

#include "svc_helpers.h"

Test(security_authz, the_eligibility_batch_lists_only_the_actors_branch)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    pv_id hh1 = svc_household(ctx, true, true), hh2 = svc_household(ctx, true, true);
    pv_person a = svc_person(ctx, hh1, 501, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
    pv_person b = svc_person(ctx, hh2, 502, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
    pv_casefile f;
    cr_assert_eq(pv_casefile_find(ctx, hh2, &f, &err), PV_OK);
    f.branch_code = 2;
    cr_assert_eq(pv_casefile_save(ctx, &f, &err), PV_OK);

    pv_service_info *svc = NULL;
    size_t n_svc = 0;
    cr_assert_eq(pv_service_list(ctx, &svc, &n_svc, &err), PV_OK);
    cr_assert_gt(n_svc, 0);
    size_t both = 0;
    for (size_t i = 0; i < n_svc; i++) {
        svc_seen all = {.n = 0}, one = {.n = 0}, two = {.n = 0};
        pv_test_actor(ctx, "system", PV_ROLE_SYSTEM, 1);
        cr_assert_eq(pv_eligible_scan(ctx, svc[i].code, NULL, svc_collect, &all, NULL, &err), PV_OK,
                     "%s: %s", svc[i].code, err.message ? err.message : "");
        pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
        cr_assert_eq(pv_eligible_scan(ctx, svc[i].code, NULL, svc_collect, &one, NULL, &err), PV_OK);
        pv_test_actor(ctx, "babak", PV_ROLE_CASEWORKER, 2);
        cr_assert_eq(pv_eligible_scan(ctx, svc[i].code, NULL, svc_collect, &two, NULL, &err), PV_OK);
        cr_assert_not(svc_saw(&one, b.national_id), "%s: branch 1 sees branch 2's file", svc[i].code);
        cr_assert_not(svc_saw(&two, a.national_id), "%s: branch 2 sees branch 1's file", svc[i].code);
        cr_assert_eq(svc_saw(&one, a.national_id), svc_saw(&all, a.national_id), "%s", svc[i].code);
        cr_assert_eq(svc_saw(&two, b.national_id), svc_saw(&all, b.national_id), "%s", svc[i].code);
        both += svc_saw(&all, a.national_id) && svc_saw(&all, b.national_id);
    }
    cr_assert_gt(both, 0, "some service has both women eligible, so the filter is tested");
    free(svc);

    /* enrollment lists are scoped the same way */
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    pv_enrollment *en = NULL;
    size_t n_en = 0;
    pv_status st = pv_enroll_list(ctx, b.national_id, NULL, &en, &n_en, &err);
    cr_assert(st == PV_ENOTFOUND || st == PV_EDENIED || (st == PV_OK && n_en == 0),
              "enrollments of another branch's person: %d, %zu", st, n_en);
    pv_enrollments_free(en, n_en);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}
