/* The caseworker's desk: the core's one table of history labels, unticking
 * a document (history and audit), asking a role without recording a
 * refusal, and the interface's rows (wrapping, sections). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parvande/authz.h"
#include "svc_helpers.h"
#include "widget.h"

#define S003 "19071053115"

Test(desk, event_labels_come_from_one_table)
{
    pv_ctx *ctx = svc_test_db(); /* English */
    cr_assert_str_eq(pv_enroll_event_label("override"), "overridden by a supervisor");
    cr_assert_str_eq(pv_enroll_event_label("untick"), "document unticked");
    cr_assert_str_eq(pv_enroll_event_label("step"), "step done");
    cr_assert_str_eq(pv_enroll_event_label("no-such-kind"), "no-such-kind");
    pv_test_db_close(ctx);
}

static long long count(pv_ctx *ctx, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

Test(desk, untick_is_recorded_and_audited)
{
    pv_ctx *ctx = svc_test_db();
    pv_id hh = svc_household(ctx, true, true);
    pv_person p = svc_person(ctx, hh, 40, PV_REL_HEAD, PV_GENDER_FEMALE, "1980-01-01");
    p.area = PV_AREA_INFORMAL;
    svc_save(ctx, &p);
    svc_fact(ctx, p.national_id, "doc.identity", "yes");
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    pv_error err = PV_ERROR_INIT;
    pv_enroll_request req = PV_ENROLL_REQUEST_INIT;
    req.national_id = p.national_id;
    req.code = S003;
    pv_id id;
    cr_assert_eq(pv_enroll(ctx, &req, &id, NULL, &err), PV_OK, "%s", err.message ? err.message : "");
    cr_assert_eq(pv_enroll_untick(ctx, id, "identity", &err), PV_OK); /* not ticked: fine */
    cr_assert_eq(pv_enroll_tick(ctx, id, "identity", &err), PV_OK);
    cr_assert_eq(pv_enroll_untick(ctx, id, "no-such-document", &err), PV_EINVAL);
    pv_error_clear(&err);
    long long audited = count(ctx, "SELECT count(*) FROM audit WHERE tbl = 'enrollment_document'"
                                   " AND action = 'delete'");
    cr_assert_eq(pv_enroll_untick(ctx, id, "identity", &err), PV_OK);
    pv_enrollment_detail *d;
    cr_assert_eq(pv_enroll_get(ctx, id, &d, &err), PV_OK);
    cr_assert_not(d->documents[0].ticked);
    cr_assert_str_eq(d->events[d->n_events - 1].kind, "untick");
    cr_assert_str_eq(d->events[d->n_events - 1].user, "sara");
    cr_assert_str_eq(d->events[d->n_events - 2].kind, "document");
    pv_enrollment_detail_free(d);
    cr_assert_eq(count(ctx, "SELECT count(*) FROM audit WHERE tbl = 'enrollment_document'"
                            " AND action = 'delete' AND actor = 'sara'"), audited + 1);
    /* an ended enrollment's documents stay as they were */
    cr_assert_eq(pv_enroll_withdraw(ctx, id, NULL, &err), PV_OK);
    cr_assert_eq(pv_enroll_untick(ctx, id, "identity", &err), PV_ECONFLICT);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(desk, role_may_records_nothing)
{
    pv_ctx *ctx = svc_test_db();
    pv_test_actor(ctx, "sara", PV_ROLE_CASEWORKER, 1);
    long long before = count(ctx, "SELECT count(*) FROM audit");
    cr_assert_not(pv_authz_role_may(ctx, PV_ACT_ENROLL_APPROVE));
    cr_assert_not(pv_authz_role_may(ctx, PV_ACT_ENROLL_OVERRIDE));
    cr_assert(pv_authz_role_may(ctx, PV_ACT_ENROLL_REQUEST));
    cr_assert_eq(count(ctx, "SELECT count(*) FROM audit"), before);
    pv_test_actor(ctx, "boss", PV_ROLE_SUPERVISOR, 1);
    cr_assert(pv_authz_role_may(ctx, PV_ACT_ENROLL_APPROVE));
    cr_assert(pv_authz_role_may(ctx, PV_ACT_ENROLL_OVERRIDE));
    cr_assert_not(pv_authz_role_may(ctx, PV_ACT__COUNT));
    pv_test_db_close(ctx);
}

Test(desk_rows, wrapped_lines_keep_every_word)
{
    pv_rows r = {0};
    const char *text = "the recipient's request is recorded: no request from the recipient is "
                       "recorded";
    size_t n = pv_rows_add_wrapped(&r, 7, text, 30, PV_T_DATA);
    cr_assert_geq(n, 3);
    char joined[256] = "";
    for (size_t i = 0; i < r.n; i++) {
        cr_assert_eq(r.v[i].kind, 7);
        cr_assert(r.v[i].flags & PV_T_DATA);
        cr_assert(r.v[i].flags & PV_T_LTR); /* the paragraph's direction on every line */
        cr_assert_leq(strlen(r.v[i].value), 30);
        if (i)
            strcat(joined, " ");
        strcat(joined, r.v[i].value);
    }
    cr_assert_str_eq(joined, text);
    pv_rows_clear(&r);
    cr_assert_eq(r.n, 0);
    n = pv_rows_add_wrapped(&r, 1, "زیر ۱۸ سال در تاریخ بررسی: در تاریخ بررسی ۱۸ سال یا بیشتر دارد", 20, 0);
    cr_assert_geq(n, 2);
    cr_assert(r.v[1].flags & PV_T_RTL);
    pv_rows_free(&r);
}

static bool not_heading(void *user, size_t i)
{
    const pv_rows *r = user;
    return r->v[i].kind != 0;
}

Test(desk_rows, tab_jumps_to_the_next_section)
{
    pv_rows r = {0};
    int kinds[] = {0, 1, 1, 0, 1, 1, 1, 0, 1}; /* headings at 0, 3 and 7 */
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        cr_assert_not_null(pv_rows_add(&r, kinds[i], NULL, "x"));
    pv_list l = {0};
    l.selectable = not_heading;
    l.user = &r;
    pv_list_set_count(&l, r.n);
    cr_assert_eq(l.sel, 1);
    cr_assert_eq(pv_list_jump(&l, +1), PV_CH_DRAW);
    cr_assert_eq(l.sel, 4);
    cr_assert_eq(l.top, 3); /* its heading on top */
    cr_assert_eq(pv_list_jump(&l, +1), PV_CH_DRAW);
    cr_assert_eq(l.sel, 8);
    cr_assert_eq(pv_list_jump(&l, +1), PV_CH_NONE); /* the last section */
    cr_assert_eq(pv_list_jump(&l, -1), PV_CH_DRAW);
    cr_assert_eq(l.sel, 4);
    cr_assert_eq(pv_list_jump(&l, -1), PV_CH_DRAW);
    cr_assert_eq(l.sel, 1);
    pv_rows_free(&r);
}
