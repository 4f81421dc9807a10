/* The yearly insurance cycle of card 002: a frozen list unchanged by later
 * edits, the credit shortfall, the export's columns and encoding, a reply
 * with every kind of mismatch (each with its line), all-or-nothing
 * application, a rejects file, and a second import of the same reply. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/insurance.h"
#include "svc_helpers.h"

#define S002 "19041060106"
#define YEAR 1404
#define DAY "2025-06-01" /* 1404/03/11 */
#define TEHRAN "تهران"

static pv_person child(pv_ctx *ctx, unsigned long n, const char *province)
{
    pv_id hh = svc_household(ctx, true, true);
    pv_person c = svc_person(ctx, hh, n, PV_REL_CHILD, PV_GENDER_FEMALE, "2015-04-01");
    c.guardianship = PV_GUARD_ORPHAN;
    c.judicial_order = true;
    snprintf(c.province, sizeof c.province, "%s", province);
    snprintf(c.county, sizeof c.county, "ری");
    svc_save(ctx, &c);
    return c;
}

typedef struct world {
    pv_ctx *ctx;
    pv_person a, b, c, isfahan, adult;
    char dir[256];
} world;

static void setup(world *w)
{
    w->ctx = svc_test_db();
    w->a = child(w->ctx, 10, TEHRAN);
    w->b = child(w->ctx, 11, TEHRAN);
    w->c = child(w->ctx, 12, TEHRAN);
    w->isfahan = child(w->ctx, 13, "اصفهان");
    w->adult = svc_person(w->ctx, 0, 14, PV_REL_HEAD, PV_GENDER_MALE, "1980-01-01");
    snprintf(w->dir, sizeof w->dir, "%s", pv_test_db_path());
    char *slash = strrchr(w->dir, '/');
    if (slash)
        *slash = '\0';
    pv_error err = PV_ERROR_INIT;
    size_t n = 0;
    cr_assert_eq(pv_ins_freeze(w->ctx, S002, YEAR, TEHRAN, DAY, &n, &err), PV_OK, "%s",
                 err.message);
    cr_assert_eq(n, 3, "the three Tehran children");
    cr_assert_eq(pv_ins_contract(w->ctx, S002, YEAR, TEHRAN, "بیمه ایران", "C-1404-7",
                                 "1404/01/01", "1404/12/29", 3600000, &err),
                 PV_OK, "%s", err.message);
}

static char *path_in(const world *w, const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", w->dir, name);
    return buf;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f);
    static char buf[65536];
    *len = fread(buf, 1, sizeof buf - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

Test(insurance, frozen_list_unchanged_by_later_edits)
{
    world w;
    setup(&w);
    pv_error err = PV_ERROR_INIT;
    size_t n;
    cr_assert_eq(pv_ins_freeze(w.ctx, S002, YEAR, TEHRAN, DAY, &n, &err), PV_ECONFLICT,
                 "frozen once");
    pv_error_clear(&err);
    pv_person_set_field(&w.a, "last_name", "تغییریافته", &err);
    w.a.guardianship = PV_GUARD_NONE; /* no longer eligible either */
    w.a.judicial_order = false;
    svc_save(w.ctx, &w.a);
    pv_ins_member *m;
    cr_assert_eq(pv_ins_members(w.ctx, S002, YEAR, TEHRAN, &m, &n, &err), PV_OK);
    cr_assert_eq(n, 3);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(m[i].last_name, "احمدی", "the snapshot, not the edit");
        cr_assert_str_eq(m[i].guardianship, "orphan");
        cr_assert(m[i].listed);
    }
    free(m);
    /* taking one off and adding one needs a reason */
    cr_assert_eq(pv_ins_remove(w.ctx, S002, YEAR, TEHRAN, w.b.national_id, "", &err),
                 PV_EINVAL);
    cr_assert_str_eq(err.field, "reason");
    pv_error_clear(&err);
    cr_assert_eq(pv_ins_remove(w.ctx, S002, YEAR, TEHRAN, w.b.national_id, "moved abroad",
                               &err),
                 PV_OK);
    cr_assert_eq(pv_ins_add(w.ctx, S002, YEAR, TEHRAN, w.isfahan.national_id, "x", &err),
                 PV_EINVAL, "a child of another province");
    pv_error_clear(&err);
    pv_ins_year y;
    cr_assert_eq(pv_ins_get(w.ctx, S002, YEAR, TEHRAN, &y, &err), PV_OK);
    cr_assert(y.frozen);
    cr_assert_eq(y.listed, 2);
    cr_assert_eq(y.removed, 1);
    pv_test_db_close(w.ctx);
}

Test(insurance, credit_shortfall)
{
    world w;
    setup(&w);
    pv_error err = PV_ERROR_INIT;
    pv_ins_year y;
    cr_assert_eq(pv_ins_get(w.ctx, S002, YEAR, TEHRAN, &y, &err), PV_OK);
    cr_assert(!y.has_credit);
    cr_assert_eq(y.needed, 3 * 3600000LL);
    cr_assert_eq(y.shortfall, 3 * 3600000LL);
    cr_assert_eq(pv_credit_set(w.ctx, S002, TEHRAN, YEAR, 7200000, &err), PV_OK);
    cr_assert_eq(pv_ins_get(w.ctx, S002, YEAR, TEHRAN, &y, &err), PV_OK);
    cr_assert_eq(y.credit, 7200000);
    cr_assert_eq(y.shortfall, 3600000, "one child short");
    cr_assert_eq(pv_credit_set(w.ctx, S002, TEHRAN, YEAR, 20000000, &err), PV_OK);
    cr_assert_eq(pv_ins_get(w.ctx, S002, YEAR, TEHRAN, &y, &err), PV_OK);
    cr_assert_eq(y.shortfall, 0);
    pv_test_db_close(w.ctx);
}

Test(insurance, export_columns_and_encoding)
{
    world w;
    setup(&w);
    pv_error err = PV_ERROR_INIT;
    size_t rows, len;
    FILE *f = fopen(path_in(&w, "out.csv"), "wb");
    cr_assert_eq(pv_ins_export(w.ctx, S002, YEAR, TEHRAN, PV_INS_CSV, f, &rows, &err), PV_OK,
                 "%s", err.message);
    fclose(f);
    cr_assert_eq(rows, 3);
    char *csv = slurp(path_in(&w, "out.csv"), &len);
    cr_assert(memcmp(csv, "\xEF\xBB\xBF", 3) == 0, "UTF-8 byte-order mark for spreadsheets");
    const char *header = "national_id,first_name,last_name,father_name,birth_date_jalali,"
                         "birth_date,gender,guardianship,province,county,contract_no\n";
    cr_assert(strncmp(csv + 3, header, strlen(header)) == 0, "%s", csv);
    char row[512];
    snprintf(row, sizeof row, "%s,مریم,احمدی,علی,1394/01/12,2015-04-01,female,orphan,تهران,ری,"
                              "C-1404-7\n",
             w.a.national_id);
    cr_assert(strstr(csv, row), "%s", csv);
    cr_assert(!strstr(csv, w.isfahan.national_id));
    f = fopen(path_in(&w, "out.tsv"), "wb");
    cr_assert_eq(pv_ins_export(w.ctx, S002, YEAR, TEHRAN, PV_INS_TSV, f, &rows, &err), PV_OK);
    fclose(f);
    char *tsv = slurp(path_in(&w, "out.tsv"), &len);
    cr_assert(strncmp(tsv, "national_id\tfirst_name\t", 23) == 0, "no BOM in TSV");
    cr_assert(strstr(tsv, "\t1394/01/12\t2015-04-01\tfemale\torphan\t"));
    pv_test_db_close(w.ctx);
}

Test(insurance, export_needs_a_contract)
{
    pv_ctx *ctx = svc_test_db();
    child(ctx, 10, TEHRAN);
    pv_error err = PV_ERROR_INIT;
    FILE *f = tmpfile();
    cr_assert_eq(pv_ins_export(ctx, S002, YEAR, TEHRAN, PV_INS_CSV, f, NULL, &err),
                 PV_ECONFLICT, "not frozen");
    pv_error_clear(&err);
    cr_assert_eq(pv_ins_freeze(ctx, S002, YEAR, TEHRAN, DAY, NULL, &err), PV_OK);
    cr_assert_eq(pv_ins_export(ctx, S002, YEAR, TEHRAN, PV_INS_CSV, f, NULL, &err),
                 PV_ECONFLICT);
    cr_assert_str_eq(err.field, "contract");
    pv_error_clear(&err);
    fclose(f);
    pv_test_db_close(ctx);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

static const pv_ins_mismatch *item(const pv_ins_report *rep, pv_ins_problem kind)
{
    for (size_t i = 0; i < rep->n_items; i++)
        if (rep->items[i].kind == kind)
            return &rep->items[i];
    return NULL;
}

static int policies_recorded(world *w)
{
    pv_ins_member *m;
    size_t n;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ins_members(w->ctx, S002, YEAR, TEHRAN, &m, &n, &err), PV_OK);
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += m[i].policy_no[0] != '\0';
    free(m);
    return k;
}

Test(insurance, reply_with_every_mismatch_applies_nothing)
{
    world w;
    setup(&w);
    char text[2048];
    /* line 2 good (a), 3 malformed date, 4 not listed (adult), 5 other province,
     * 6 a twice, 7 malformed ID; c gets no policy at all */
    snprintf(text, sizeof text,
             "national_id,policy_number,start,end\n"
             "%s,P-1,1404/01/01,1404/12/29\n"
             "%s,P-2,1404/13/01,1404/12/29\n"
             "%s,P-3,1404/01/01,1404/12/29\n"
             "%s,P-4,1404/01/01,1404/12/29\n"
             "%s,P-5,1404/01/01,1404/12/29\n"
             "12345,P-6,1404/01/01,1404/12/29\n",
             w.a.national_id, w.b.national_id, w.adult.national_id, w.isfahan.national_id,
             w.a.national_id);
    write_file(path_in(&w, "reply.csv"), text);
    pv_ins_report rep;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ins_import(w.ctx, S002, YEAR, TEHRAN, path_in(&w, "reply.csv"), false, NULL,
                               &rep, &err),
                 PV_EINVAL);
    pv_error_clear(&err);
    cr_assert_eq(rep.rows, 6);
    cr_assert_eq(rep.applied, 0);
    const pv_ins_mismatch *m;
    cr_assert((m = item(&rep, PV_INS_MALFORMED)) && m->line == 3, "bad date on line 3");
    cr_assert((m = item(&rep, PV_INS_NOT_LISTED)) && m->line == 4);
    cr_assert_str_eq(m->national_id, w.adult.national_id);
    cr_assert((m = item(&rep, PV_INS_OTHER_PROVINCE)) && m->line == 5);
    cr_assert(strstr(m->message, "اصفهان"), "%s", m->message);
    cr_assert((m = item(&rep, PV_INS_DUPLICATE)) && m->line == 6);
    cr_assert(strstr(m->message, "line 2"), "%s", m->message);
    bool line7 = false;
    for (size_t i = 0; i < rep.n_items; i++)
        line7 |= rep.items[i].line == 7 && rep.items[i].kind == PV_INS_MALFORMED;
    cr_assert(line7, "malformed ID on line 7");
    cr_assert((m = item(&rep, PV_INS_NO_POLICY)) && m->line == 0);
    /* b's row was malformed, so b and c have no policy: both listed */
    size_t no_policy = 0;
    for (size_t i = 0; i < rep.n_items; i++)
        no_policy += rep.items[i].kind == PV_INS_NO_POLICY;
    cr_assert_eq(no_policy, 2);
    cr_assert_eq(rep.n_items, 7);
    pv_ins_report_free(&rep);
    cr_assert_eq(policies_recorded(&w), 0, "all or nothing: nothing");
    /* the matching rows, the rest to a rejects file */
    char reply_path[512];
    snprintf(reply_path, sizeof reply_path, "%s", path_in(&w, "reply.csv"));
    cr_assert_eq(pv_ins_import(w.ctx, S002, YEAR, TEHRAN, reply_path, true,
                               path_in(&w, "rejects.csv"), &rep, &err),
                 PV_OK, "%s", err.message);
    cr_assert_eq(rep.applied, 1);
    cr_assert_eq(rep.rejected, 5);
    pv_ins_report_free(&rep);
    cr_assert_eq(policies_recorded(&w), 1);
    size_t len;
    char *rej = slurp(path_in(&w, "rejects.csv"), &len);
    cr_assert(strncmp(rej, "national_id,policy_number,start,end,error\n", 42) == 0, "%s", rej);
    cr_assert(strstr(rej, ",P-2,1404/13/01,1404/12/29,"), "%s", rej);
    cr_assert(!strstr(rej, ",P-1,"), "the applied row is not a reject");
    pv_test_db_close(w.ctx);
}

Test(insurance, good_reply_all_applied_and_idempotent)
{
    world w;
    setup(&w);
    char text[1024];
    snprintf(text, sizeof text,
             "\xEF\xBB\xBFNational_ID , policy_number,start,end\r\n"
             "%s,P-1,1404/01/01,1404/12/29\r\n%s,P-2,2025-03-21,2026-03-20\r\n"
             "%s,P-3,1404/01/01,1404/12/29\r\n",
             w.a.national_id, w.b.national_id, w.c.national_id);
    write_file(path_in(&w, "reply.csv"), text);
    pv_ins_report rep;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ins_import(w.ctx, S002, YEAR, TEHRAN, path_in(&w, "reply.csv"), false, NULL,
                               &rep, &err),
                 PV_OK, "%s", err.message);
    cr_assert_eq(rep.applied, 3);
    cr_assert_eq(rep.n_items, 0);
    pv_ins_report_free(&rep);
    pv_ins_member *m;
    size_t n;
    cr_assert_eq(pv_ins_members(w.ctx, S002, YEAR, TEHRAN, &m, &n, &err), PV_OK);
    for (size_t i = 0; i < n; i++)
        if (strcmp(m[i].national_id, w.b.national_id) == 0) {
            cr_assert_str_eq(m[i].policy_no, "P-2");
            cr_assert_str_eq(m[i].policy_start, "2025-03-21");
            cr_assert_str_eq(m[i].policy_end, "2026-03-20");
        }
    free(m);
    /* the same reply again */
    cr_assert_eq(pv_ins_import(w.ctx, S002, YEAR, TEHRAN, path_in(&w, "reply.csv"), false, NULL,
                               &rep, &err),
                 PV_OK);
    cr_assert_eq(rep.applied, 0);
    cr_assert_eq(rep.unchanged, 3);
    pv_ins_report_free(&rep);
    pv_ins_year y;
    cr_assert_eq(pv_ins_get(w.ctx, S002, YEAR, TEHRAN, &y, &err), PV_OK);
    cr_assert_eq(y.insured, 3);
    /* a header without a needed column stops before anything */
    write_file(path_in(&w, "bad.csv"), "national_id,policy\n");
    cr_assert_eq(pv_ins_import(w.ctx, S002, YEAR, TEHRAN, path_in(&w, "bad.csv"), true, NULL,
                               &rep, &err),
                 PV_EINVAL);
    cr_assert(strstr(err.message, "policy_number"), "%s", err.message);
    pv_error_clear(&err);
    pv_ins_report_free(&rep);
    pv_test_db_close(w.ctx);
}

Test(insurance, claims_and_year_against_last)
{
    world w;
    setup(&w);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ins_claim(w.ctx, S002, YEAR, w.a.national_id, "1404/05/01", "", &err),
                 PV_EINVAL);
    pv_error_clear(&err);
    cr_assert_eq(pv_ins_claim(w.ctx, S002, YEAR, w.a.national_id, "1404/05/01",
                              "hospital stay, 3 days", &err),
                 PV_OK);
    cr_assert_eq(pv_ins_claim(w.ctx, S002, YEAR, w.adult.national_id, NULL, "x", &err),
                 PV_ENOTFOUND, "not on the list");
    pv_error_clear(&err);
    cr_assert_eq(pv_ins_freeze(w.ctx, S002, YEAR - 1, TEHRAN, "2024-06-01", NULL, &err), PV_OK);
    pv_ins_year *list;
    size_t n;
    cr_assert_eq(pv_ins_years(w.ctx, S002, YEAR, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(list[0].claims, 1);
    cr_assert_eq(list[0].listed, 3);
    free(list);
    cr_assert_eq(pv_ins_years(w.ctx, S002, YEAR - 1, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(list[0].claims, 0);
    free(list);
    pv_test_db_close(w.ctx);
}

Test(insurance, a_caseworker_cannot_freeze)
{
    pv_ctx *ctx = svc_test_db();
    pv_test_actor(ctx, "reza", PV_ROLE_CASEWORKER, pv_ctx_branch(ctx));
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ins_freeze(ctx, S002, YEAR, TEHRAN, DAY, NULL, &err), PV_EDENIED);
    pv_error_clear(&err);
    char code[PV_CODE_SZ];
    cr_assert_eq(pv_ins_default_service(ctx, code, &err), PV_OK);
    cr_assert_str_eq(code, S002, "the card limited to once a year with a per-capita cost");
    pv_test_db_close(ctx);
}
