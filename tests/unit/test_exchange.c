/* Exchange packages between three offices: two branches (11, 12) and
 * their province (100), each in its own temporary database, driven
 * through days of work with packages carried by hand between them. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "exchange_internal.h"
#include "parvande/audit.h"
#include "parvande/branch.h"
#include "parvande/exchange.h"
#include "parvande/groups.h"
#include "parvande/i18n.h"
#include "parvande/insurance.h"
#include "parvande/records.h"
#include "parvande/referrals.h"
#include "parvande/services.h"
#include "parvande/users.h"

#define PASS "office passphrase"
#define OK(call) cr_assert_eq((call), PV_OK, "%s: %s", #call, err.message ? err.message : "?")

static pv_error err;
static char dir[256];
static pv_ctx *A, *B, *P;

typedef struct pkg {
    unsigned char *b;
    size_t n;
} pkg;

static pv_ctx *office(const char *name, int64_t code, pv_office_level level, int64_t parent)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s.db", dir, name);
    pv_ctx *c = NULL;
    OK(pv_ctx_open(path, PV_LANG_EN, &c, &err));
    pv_branch b = {.code = code};
    OK(pv_branch_set(c, &b, &err));
    OK(pv_office_init(c, level, parent, PASS, &err));
    return c;
}

static void trust(pv_ctx *who, pv_ctx *whom)
{
    char *text = NULL;
    OK(pv_office_public(whom, &text, &err));
    pv_office o;
    OK(pv_office_trust(who, text, NULL, &o, &err));
    free(text);
}

static void init(void)
{
    pv_i18n_init();
    setenv("PARVANDE_TODAY", "2025-03-21", 1);
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/pv-exchange-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    cr_assert(mkdtemp(dir));
    A = office("a", 11, PV_OFFICE_BRANCH, 100);
    B = office("b", 12, PV_OFFICE_BRANCH, 100);
    P = office("p", 100, PV_OFFICE_PROVINCE, 0 + 1000);
    trust(A, P);
    trust(B, P);
    trust(P, A);
    trust(P, B);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void fini(void)
{
    pv_error_clear(&err);
    pv_ctx_close(A);
    pv_ctx_close(B);
    pv_ctx_close(P);
    nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(exchange, .init = init, .fini = fini, .timeout = 120);

static int64_t sql_int(pv_ctx *c, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(c->db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void sql_text(pv_ctx *c, const char *sql, char *out, size_t size)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(c->db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static void sql_exec(pv_ctx *c, const char *sql)
{
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(c->db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", sql, msg);
}

static pkg export_to(pv_ctx *from, int64_t to)
{
    pkg p = {0};
    pv_exchange_report rep;
    OK(pv_exchange_export(from, to, PASS, &p.b, &p.n, &rep, &err));
    return p;
}

static void print_finding(void *arg, const pv_audit_finding *f)
{
    char msg[320];
    pv_audit_finding_text(f, msg, sizeof msg);
    cr_log_error("%s: %s", (const char *)arg, msg);
}

/* The trail's chain, and every record and history version against it. */
static int64_t audit_findings(pv_ctx *c)
{
    pv_audit_records_report rr;
    char where[32];
    snprintf(where, sizeof where, "office %lld", (long long)c->branch_code);
    OK(pv_audit_verify_records(c, print_finding, where, &rr, &err));
    return rr.findings;
}

static void audit_intact(pv_ctx *c)
{
    pv_audit_report rep;
    OK(pv_audit_verify(c, &rep, &err));
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT, "audit problem at %lld", (long long)rep.seq);
    cr_assert_eq(audit_findings(c), 0, "records differ from the audit trail at office %lld",
                 (long long)c->branch_code);
}

/* Every package applied leaves the receiving office's trail verifying. */
static pv_status import(pv_ctx *to, pkg p, pv_exchange_report *rep)
{
    pv_exchange_report r;
    pv_error_clear(&err);
    pv_status rc = pv_exchange_import(to, p.b, p.n, PASS, rep ? rep : &r, &err);
    if (rc == PV_OK)
        audit_intact(to);
    return rc;
}

static pv_person add_family(pv_ctx *c, unsigned long n, const char *first, const char *last)
{
    pv_id hh = 0;
    OK(pv_household_create(c, NULL, &hh, &err));
    pv_person p = pv_test_person(n, first, last, "حسن", PV_GENDER_FEMALE);
    p.household_id = hh;
    OK(pv_person_save(c, &p, &err));
    return p;
}

static int64_t persons(pv_ctx *c)
{
    return sql_int(c, "SELECT count(*) FROM person");
}


Test(exchange, secret_keys_sealed_and_passphrase_checked)
{
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM office_secret"), 1);
    cr_assert_eq(sql_int(A, "SELECT length(sealed) FROM office_secret"), 64 + 32 + 16);
    pv_exchange_report rep;
    unsigned char *b = NULL;
    size_t n = 0;
    cr_assert_eq(pv_exchange_export(A, 100, "wrong passphrase", &b, &n, &rep, &err), PV_EINVAL);
    cr_assert(strstr(err.message, "passphrase"));
    cr_assert_null(b);
    cr_assert_eq(pv_office_init(A, PV_OFFICE_BRANCH, 100, PASS, &err), PV_ECONFLICT);
}

Test(exchange, fingerprint_must_match)
{
    pv_office self;
    OK(pv_office_self(P, &self, &err));
    cr_assert_eq(strlen(self.fingerprint), 39);
    /* a fourth office checks the fingerprint read on the phone */
    pv_ctx *C = office("c", 13, PV_OFFICE_BRANCH, 100);
    char *text = NULL;
    OK(pv_office_public(P, &text, &err));
    pv_office o;
    cr_assert_eq(pv_office_trust(C, text, "0000 1111 2222 3333 4444 5555 6666 7777", &o, &err),
                 PV_EINVAL);
    cr_assert_eq(sql_int(C, "SELECT count(*) FROM office"), 1);
    OK(pv_office_trust(C, text, self.fingerprint, &o, &err));
    cr_assert_eq(o.code, 100);
    free(text);
    pv_ctx_close(C);
}

Test(exchange, files_go_up_once_and_replays_are_refused)
{
    add_family(A, 1, "مریم", "کریمی");
    add_family(A, 2, "زهرا", "احمدی");
    add_family(B, 3, "سارا", "رضایی");
    pkg a1 = export_to(A, 100), b1 = export_to(B, 100);
    pv_exchange_report rep;
    OK(import(P, a1, &rep));
    cr_assert_eq(rep.applied_sections, 1);
    cr_assert_eq(rep.conflicts, 0);
    OK(import(P, b1, NULL));
    cr_assert_eq(persons(P), 3);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM person WHERE branch_code = 11"), 2);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM casefile"), 3);
    /* the same package again changes nothing */
    int64_t audit_before = sql_int(P, "SELECT count(*) FROM audit");
    cr_assert_eq(import(P, a1, NULL), PV_ECONFLICT);
    cr_assert(strstr(err.message, "already applied"), "%s", err.message);
    cr_assert_eq(persons(P), 3);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM audit"), audit_before);
    /* nothing new: a package with an empty section, still applied in order */
    pkg a2 = export_to(A, 100);
    OK(import(P, a2, &rep));
    cr_assert_eq(rep.changes, 0);
    cr_assert_eq(persons(P), 3);
    audit_intact(A);
    audit_intact(B);
    audit_intact(P);
    free(a1.b);
    free(a2.b);
    free(b1.b);
}

/* Records that came in a package are vouched for by the trail like any
 * other: one changed afterwards behind the program's back is caught. */
Test(exchange, a_record_changed_after_an_import_is_caught)
{
    add_family(A, 1, "مریم", "کریمی");
    pkg a1 = export_to(A, 100);
    OK(import(P, a1, NULL));
    cr_assert_eq(audit_findings(P), 0);
    sql_exec(P, "DROP TRIGGER pv_audit_person_update; DROP TRIGGER person_keep_update;"
                "UPDATE person SET first_name = 'Forged' WHERE branch_code = 11");
    char name[32];
    sql_text(P, "SELECT first_name FROM person WHERE branch_code = 11", name, sizeof name);
    cr_assert_str_eq(name, "Forged");
    pv_audit_records_report rr;
    OK(pv_audit_verify_records(P, NULL, NULL, &rr, &err));
    cr_assert_eq(rr.findings, 1, "a forged record after an import goes unnoticed");
    free(a1.b);
}

Test(exchange, lost_package_resent_and_late_one_refused)
{
    add_family(A, 1, "مریم", "کریمی");
    pkg lost = export_to(A, 100);
    add_family(A, 2, "زهرا", "احمدی");
    pkg next = export_to(A, 100);
    pv_exchange_report rep;
    OK(import(P, next, &rep));
    cr_assert_eq(rep.first_seq, 1);
    cr_assert_eq(rep.seq, 2);
    cr_assert_eq(rep.applied_sections, 2);
    cr_assert_eq(persons(P), 2);
    /* the "lost" one turns up after all: its changes came already */
    cr_assert_eq(import(P, lost, NULL), PV_ECONFLICT);
    cr_assert_eq(persons(P), 2);
    /* the acknowledgement comes down: A stops re-sending */
    pkg down = export_to(P, 11);
    OK(import(A, down, &rep));
    cr_assert_eq(rep.ack, 2);
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM exchange_sent"), 0);
    add_family(A, 3, "سارا", "رضایی");
    pkg third = export_to(A, 100);
    OK(import(P, third, &rep));
    cr_assert_eq(rep.first_seq, 3);
    cr_assert_eq(rep.applied_sections, 1);
    cr_assert_eq(rep.changes, 3); /* household, case file, person */
    cr_assert_eq(persons(P), 3);
    free(lost.b);
    free(next.b);
    free(down.b);
    free(third.b);
}

Test(exchange, altered_truncated_misaddressed_foreign_refused)
{
    add_family(A, 1, "مریم", "کریمی");
    pkg p = export_to(A, 100);
    int64_t audit_before = sql_int(P, "SELECT count(*) FROM audit");
    /* one byte changed, anywhere */
    size_t where[] = {10, p.n / 2, p.n - 1};
    for (size_t i = 0; i < 3; i++) {
        p.b[where[i]] ^= 0x01;
        pv_status rc = import(P, p, NULL);
        cr_assert(rc == PV_EDENIED || rc == PV_EINVAL, "byte %zu: %d", where[i], rc);
        p.b[where[i]] ^= 0x01;
    }
    /* cut short */
    pkg cut = {p.b, p.n - 100};
    cr_assert_eq(import(P, cut, NULL), PV_EINVAL);
    cr_assert(strstr(err.message, "incomplete"), "%s", err.message);
    cr_assert_eq(persons(P), 0);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM audit"), audit_before);
    /* meant for another office: P's package to A, taken to B */
    pkg down = export_to(P, 11);
    cr_assert_eq(import(B, down, NULL), PV_EINVAL);
    cr_assert(strstr(err.message, "meant for office 11"), "%s", err.message);
    /* an office P does not trust, though it claims P as its parent */
    pv_ctx *C = office("c", 13, PV_OFFICE_BRANCH, 100);
    trust(C, P);
    add_family(C, 5, "نرگس", "موسوی");
    pkg foreign = export_to(C, 100);
    cr_assert_eq(import(P, foreign, NULL), PV_EDENIED);
    cr_assert(strstr(err.message, "does not trust"), "%s", err.message);
    /* and one signed by C but claiming to be A: the header is A's, the key C's */
    cr_assert_eq(persons(P), 0);
    OK(import(P, p, NULL));
    cr_assert_eq(persons(P), 1);
    pv_ctx_close(C);
    free(p.b);
    free(down.b);
    free(foreign.b);
}

Test(exchange, same_field_conflicts_other_fields_merge)
{
    pv_person x = add_family(A, 1, "مریم", "کریمی");
    pkg p1 = export_to(A, 100);
    OK(import(P, p1, NULL));
    /* the province corrects the first name; the branch changes it too, and the phone */
    sql_exec(P, "UPDATE person SET first_name = 'مریم‌السادات', updated_by = 'prov' WHERE national_id IN (SELECT national_id FROM person)");
    pv_person here;
    OK(pv_person_find(A, x.national_id, &here, &err));
    strcpy(here.first_name, "ماریا");
    strcpy(here.phone, "09121234567");
    OK(pv_person_save(A, &here, &err));
    pkg p2 = export_to(A, 100);
    pv_exchange_report rep;
    OK(import(P, p2, &rep));
    cr_assert_eq(rep.conflicts, 1);
    cr_assert_geq(rep.merged, 1);
    char v[128];
    sql_text(P, "SELECT phone FROM person", v, sizeof v);
    cr_assert_str_eq(v, "09121234567");
    sql_text(P, "SELECT first_name FROM person", v, sizeof v);
    cr_assert_str_eq(v, "مریم‌السادات"); /* not overwritten */
    pv_conflict *list;
    size_t n;
    OK(pv_conflict_list(P, true, &list, &n, &err));
    cr_assert_eq(n, 1);
    cr_assert_eq(list[0].kind, PV_CONFLICT_FIELD);
    cr_assert_str_eq(list[0].column, "first_name");
    cr_assert_str_eq(list[0].local_value, "مریم‌السادات");
    cr_assert_str_eq(list[0].remote_value, "ماریا");
    cr_assert_str_eq(list[0].local_by, "prov");
    cr_assert_eq(list[0].peer, 11);
    int64_t id = list[0].id;
    pv_conflicts_free(list, n);
    /* a third value; it travels down and the branch takes it */
    OK(pv_conflict_resolve(P, id, PV_CHOOSE_VALUE, "مریم", &err));
    cr_assert_eq(pv_conflict_resolve(P, id, PV_CHOOSE_LOCAL, NULL, &err), PV_ENOTFOUND);
    sql_text(P, "SELECT first_name FROM person", v, sizeof v);
    cr_assert_str_eq(v, "مریم");
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM audit WHERE action = 'conflict-resolve'"), 1);
    pkg down = export_to(P, 11);
    OK(import(A, down, NULL));
    OK(pv_person_find(A, x.national_id, &here, &err));
    cr_assert_str_eq(here.first_name, "مریم");
    cr_assert_str_eq(here.phone, "09121234567");
    /* and back up: no new conflict */
    pkg p3 = export_to(A, 100);
    OK(import(P, p3, &rep));
    cr_assert_eq(rep.conflicts, 0);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM exchange_conflict WHERE status = 'open'"), 0);
    audit_intact(A);
    audit_intact(P);
    free(p1.b);
    free(p2.b);
    free(p3.b);
    free(down.b);
}

Test(exchange, duplicate_national_id_across_branches)
{
    add_family(A, 7, "مریم", "کریمی");
    add_family(B, 7, "مرجان", "کریمی"); /* the same national ID, another person */
    pkg a = export_to(A, 100), b = export_to(B, 100);
    OK(import(P, a, NULL));
    pv_exchange_report rep;
    OK(import(P, b, &rep));
    cr_assert_eq(rep.conflicts, 1);
    cr_assert_eq(persons(P), 1);
    char v[64];
    sql_text(P, "SELECT kind FROM exchange_conflict", v, sizeof v);
    cr_assert_str_eq(v, "duplicate");
    sql_text(P, "SELECT json_extract(remote_value, '$.first_name') FROM exchange_conflict", v,
             sizeof v);
    cr_assert_str_eq(v, "مرجان");
    int64_t id = sql_int(P, "SELECT id FROM exchange_conflict");
    cr_assert_eq(pv_conflict_resolve(P, id, PV_CHOOSE_REMOTE, NULL, &err), PV_EINVAL);
    OK(pv_conflict_resolve(P, id, PV_CHOOSE_LOCAL, NULL, &err));
    free(a.b);
    free(b.b);
}

Test(exchange, deleted_there_edited_here_is_kept)
{
    pv_person x = add_family(A, 1, "مریم", "کریمی");
    (void)x;
    int64_t file = sql_int(A, "SELECT id FROM casefile");
    OK(pv_assessment_add(A, file, "2025-03-01", "first visit", &err));
    pkg p1 = export_to(A, 100);
    OK(import(P, p1, NULL));
    sql_exec(P, "UPDATE assessment SET text = 'first visit, checked by the province'");
    sql_exec(A, "DELETE FROM assessment");
    pkg p2 = export_to(A, 100);
    pv_exchange_report rep;
    OK(import(P, p2, &rep));
    cr_assert_eq(rep.conflicts, 1);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM assessment"), 1);
    char v[64];
    sql_text(P, "SELECT kind FROM exchange_conflict", v, sizeof v);
    cr_assert_str_eq(v, "delete_edit");
    int64_t id = sql_int(P, "SELECT id FROM exchange_conflict");
    OK(pv_conflict_resolve(P, id, PV_CHOOSE_REMOTE, NULL, &err));
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM assessment"), 0);
    free(p1.b);
    free(p2.b);
}

Test(exchange, only_supervisors_resolve_only_admins_exchange)
{
    pv_test_actor(P, "reza", PV_ROLE_CASEWORKER, 100);
    cr_assert_eq(pv_conflict_resolve(P, 1, PV_CHOOSE_LOCAL, NULL, &err), PV_EDENIED);
    unsigned char *b = NULL;
    size_t n = 0;
    pv_exchange_report rep;
    cr_assert_eq(pv_exchange_export(P, 11, PASS, &b, &n, &rep, &err), PV_EDENIED);
    pv_test_actor(P, "sara", PV_ROLE_SUPERVISOR, 100);
    cr_assert_eq(pv_conflict_resolve(P, 1, PV_CHOOSE_LOCAL, NULL, &err), PV_ENOTFOUND);
}

static void enroll_raw(pv_ctx *c, int64_t branch, int64_t person, long amount)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO enrollment (id, person_id, code, branch_code, status, date, jyear, "
             "jseason, jmonth, province_key, amount, charged_credit, requested_by) VALUES "
             "(%lld, %lld, 'S-1', %lld, 'requested', '2025-01-01', 1403, 4, 10, 'tehran', %ld, 1, "
             "'x')", (long long)((branch << 40) + 1), (long long)person, (long long)branch,
             amount);
    sql_exec(c, sql);
}

Test(exchange, credit_overspent_by_two_offline_branches)
{
    sql_exec(P, "INSERT INTO service (code, title_fa, card, card_hash) VALUES ('S-1', 'خدمت', '', '')");
    sql_exec(P, "INSERT INTO credit (code, province_key, province, year, amount) "
                "VALUES ('S-1', 'tehran', 'تهران', 1403, 10000000)");
    pkg da = export_to(P, 11), db = export_to(P, 12);
    OK(import(A, da, NULL));
    OK(import(B, db, NULL));
    cr_assert_eq(sql_int(A, "SELECT amount FROM credit"), 10000000);
    pv_person x = add_family(A, 1, "مریم", "کریمی");
    pv_person y = add_family(B, 2, "زهرا", "احمدی");
    enroll_raw(A, 11, x.id, 6000000); /* each within the credit on its own */
    enroll_raw(B, 12, y.id, 6000000);
    pkg a = export_to(A, 100), b = export_to(B, 100);
    pv_exchange_report rep;
    OK(import(P, a, &rep));
    cr_assert_eq(rep.conflicts, 0);
    OK(import(P, b, &rep));
    cr_assert_eq(rep.conflicts, 1);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM enrollment"), 2); /* nothing rejected */
    char v[64];
    sql_text(P, "SELECT kind || ' ' || remote_value FROM exchange_conflict", v, sizeof v);
    cr_assert_str_eq(v, "overspent 12000000");
    int64_t id = sql_int(P, "SELECT id FROM exchange_conflict");
    OK(pv_conflict_resolve(P, id, PV_CHOOSE_REMOTE, NULL, &err));
    cr_assert_eq(sql_int(P, "SELECT amount FROM credit"), 12000000);
    /* the raised credit comes down */
    pkg d2 = export_to(P, 11);
    OK(import(A, d2, NULL));
    cr_assert_eq(sql_int(A, "SELECT amount FROM credit"), 12000000);
    free(da.b);
    free(db.b);
    free(a.b);
    free(b.b);
    free(d2.b);
}

/* At B, the moved file's history shows A's entries about it (labelled
 * with office 11), the kid's phone change with the value it replaced
 * among them, then B's own; and B's trail still verifies (they are not
 * B's entries). */
static void file_past_at_new_branch(const char *national_id, pv_id kid)
{
    cr_assert_gt(sql_int(B, "SELECT count(*) FROM audit_remote WHERE origin = 11"), 0);
    pv_audit_entry *e = NULL;
    size_t n = 0;
    OK(pv_audit_show(B, national_id, &e, &n, &err));
    size_t from_a = 0, phone_change = 0;
    bool own_after = true;
    for (size_t i = 0; i < n; i++) {
        if (e[i].origin == 11) {
            from_a++;
            own_after = own_after && (i == 0 || e[i - 1].origin == 11);
        }
        if (e[i].origin == 11 && e[i].record_id == kid && strcmp(e[i].action, "update") == 0 &&
            e[i].old_values && !strstr(e[i].old_values, "09125555555") && e[i].new_values &&
            strstr(e[i].new_values, "09125555555"))
            phone_change++;
        cr_assert(e[i].origin == 0 || e[i].origin == 11);
    }
    cr_assert_gt(from_a, 2, "A's entries about the file (%zu of %zu)", from_a, n);
    cr_assert_eq(phone_change, 1, "the version A replaced");
    cr_assert(own_after, "the earlier office's entries first");
    cr_assert_lt(from_a, n, "B's own entries too");
    pv_audit_entries_free(e, n);
    audit_intact(B);
    /* the entries are parts of A's chain: each still what its hash says */
    pv_audit_report rep;
    OK(pv_exchange_verify_trail(B, 11, &rep, &err));
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT, "at %lld", (long long)rep.seq);
    cr_assert_eq(rep.entries, from_a);
    sql_exec(B, "UPDATE audit_remote SET actor = 'x' WHERE origin = 11 AND seq ="
                " (SELECT max(seq) FROM audit_remote WHERE origin = 11)");
    OK(pv_exchange_verify_trail(B, 11, &rep, &err));
    cr_assert_eq(rep.problem, PV_AUDIT_CHANGED);
    sql_exec(B, "UPDATE audit_remote SET actor = 'system' WHERE origin = 11 AND actor = 'x'");
}

Test(exchange, a_family_moves_through_the_province)
{
    pv_person x = add_family(A, 1, "مریم", "کریمی");
    pv_person kid = pv_test_person(2, "سارا", "کریمی", "علی", PV_GENDER_FEMALE);
    kid.household_id = x.household_id;
    kid.relation = PV_REL_CHILD;
    OK(pv_person_save(A, &kid, &err));
    int64_t file = sql_int(A, "SELECT id FROM casefile");
    OK(pv_assessment_add(A, file, "2025-03-01", "first visit", &err));
    strcpy(kid.phone, "09125555555"); /* a version of the file's past at A */
    OK(pv_person_save(A, &kid, &err));
    pkg up = export_to(A, 100);
    OK(import(P, up, NULL));
    cr_assert_eq(pv_file_transfer(P, x.national_id, 13, &err), PV_EINVAL); /* not its branch */
    OK(pv_file_transfer(P, x.national_id, 12, &err));
    cr_assert_eq(pv_file_transfer(P, x.national_id, 12, &err), PV_EINVAL); /* already there */
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM person WHERE branch_code = 12"), 2);
    /* the new branch gets the whole file */
    pkg to_b = export_to(P, 12);
    pv_exchange_report rep;
    OK(import(B, to_b, &rep));
    cr_assert_eq(sql_int(B, "SELECT count(*) FROM person WHERE branch_code = 12"), 2);
    cr_assert_eq(sql_int(B, "SELECT count(*) FROM casefile WHERE branch_code = 12"), 1);
    cr_assert_eq(sql_int(B, "SELECT count(*) FROM assessment"), 1);
    pv_person found;
    OK(pv_person_find(B, kid.national_id, &found, &err));
    file_past_at_new_branch(x.national_id, kid.id);
    /* the old branch learns where it went, and keeps the records */
    pkg to_a = export_to(P, 11);
    OK(import(A, to_a, NULL));
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM person WHERE branch_code = 12"), 2);
    cr_assert_eq(sql_int(A, "SELECT to_branch FROM file_transfer"), 12);
    /* read-only there now: the old branch's caseworker may not change it */
    pv_test_actor(A, "reza", PV_ROLE_CASEWORKER, 11);
    pv_person edit = kid;
    strcpy(edit.phone, "09120000000");
    cr_assert_eq(pv_person_save(A, &edit, &err), PV_EDENIED);
    pv_test_actor(A, "system", PV_ROLE_SYSTEM, 11);
    /* the new branch works on it; the province takes it without conflicts */
    OK(pv_person_find(B, kid.national_id, &edit, &err));
    strcpy(edit.phone, "09121111111");
    OK(pv_person_save(B, &edit, &err));
    pkg b_up = export_to(B, 100);
    OK(import(P, b_up, &rep));
    cr_assert_eq(rep.conflicts, 0);
    char v[32];
    sql_text(P, "SELECT phone FROM person WHERE relation = 'child'", v, sizeof v);
    cr_assert_str_eq(v, "09121111111");
    pkg a_up = export_to(A, 100);
    OK(import(P, a_up, &rep));
    cr_assert_eq(rep.conflicts, 0);
    audit_intact(A);
    audit_intact(B);
    audit_intact(P);
    free(up.b);
    free(to_b.b);
    free(to_a.b);
    free(b_up.b);
    free(a_up.b);
}

Test(exchange, a_branch_cannot_decide_for_the_province_catalog)
{
    sql_exec(P, "INSERT INTO service (code, title_fa, card, card_hash) VALUES ('S-1', 'خدمت', '', '')");
    sql_exec(A, "INSERT INTO exchange_decision (id, tbl, pk, col, value, decided_by, decided_at,"
                " office) VALUES ((11 << 40) + 1, 'service', '[\"S-1\"]', 'title_fa', 'changed',"
                " 'x', '2025-01-01', 11)");
    sql_exec(A, "INSERT INTO file_transfer (id, household_id, national_id, from_branch, to_branch,"
                " moved_at, moved_by) VALUES ((11 << 40) + 1, 1, '0000000000', 100, 11, '', 'x')");
    pkg a = export_to(A, 100);
    OK(import(P, a, NULL));
    char v[64];
    sql_text(P, "SELECT title_fa FROM service WHERE code = 'S-1'", v, sizeof v);
    cr_assert_str_eq(v, "خدمت");
    free(a.b);
}

/* The tables added after the first exchange go up too: a group with its
 * member and a payment, a referral to a centre of the branch, and the
 * insurance list the branch made for its province's year. */
Test(exchange, groups_referrals_and_insurance_lists_go_up)
{
    pv_person m = add_family(A, 1, "مریم", "کریمی");
    pv_group_new gn = {.name = "گروه مهر", .activity = "خیاطی", .founded_on = "2025-03-01"};
    pv_id group = 0, centre = 0, referral = 0;
    OK(pv_group_add(A, &gn, &group, &err));
    OK(pv_group_member_add(A, group, m.national_id, "2025-03-02", &err));
    char sql[600];
    snprintf(sql, sizeof sql,
             "INSERT INTO group_payment (id, group_id, date, amount, note, user)"
             " VALUES (%lld, %lld, '2025-03-10', 5000000, 'first', 'system')",
             (long long)((11LL << 40) + 1), (long long)group);
    sql_exec(A, sql);
    OK(pv_centre_add(A, "مرکز مشاوره امید", "ری", "02133334444", &centre, &err));
    pv_referral_new rn = {.national_id = m.national_id, .centre = "مرکز مشاوره امید",
                          .urgency = PV_URG_URGENT, .reason = "بحران خانوادگی",
                          .date = "2025-03-15"};
    OK(pv_referral_create(A, &rn, &referral, &err));
    sql_exec(A, "INSERT INTO insurance_year (code, year, province_key, province, branch_code)"
                " VALUES ('19071053115', 1404, 'tehran', 'تهران', 11)");
    snprintf(sql, sizeof sql,
             "INSERT INTO insurance_member (id, code, year, province_key, person_id, national_id,"
             " first_name, last_name, father_name, birth_date, gender, guardianship, province,"
             " county) SELECT %lld, '19071053115', 1404, 'tehran', id, national_id, first_name,"
             " last_name, father_name, birth_date, gender, guardianship, 'تهران', 'ری'"
             " FROM person WHERE id = %lld",
             (long long)((11LL << 40) + 1), (long long)m.id);
    sql_exec(A, sql);
    OK(pv_ins_claim(A, "19071053115", 1404, m.national_id, "2025-03-20", "بستری", &err));
    audit_intact(A);

    pkg a1 = export_to(A, 100);
    OK(import(P, a1, NULL)); /* and P's trail verifies */
    /* the events, with the branch's ids */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM referral_event WHERE referral_id = %lld"
             " AND id >> 40 = 11", (long long)referral);
    cr_assert_eq(sql_int(P, sql), 1, "the referral's event");
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM insurance_claim WHERE id >> 40 = 11"
                            " AND note = 'بستری'"), 1, "the claim");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM aid_group WHERE id = %lld AND branch_code = 11",
             (long long)group);
    cr_assert_eq(sql_int(P, sql), 1, "the group reached the province");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM group_member WHERE group_id = %lld"
             " AND person_id = %lld", (long long)group, (long long)m.id);
    cr_assert_eq(sql_int(P, sql), 1, "its member");
    cr_assert_eq(sql_int(P, "SELECT sum(amount) FROM group_payment"), 5000000, "its payment");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM referral WHERE id = %lld AND centre_id = %lld"
             " AND person_id = %lld", (long long)referral, (long long)centre, (long long)m.id);
    cr_assert_eq(sql_int(P, sql), 1, "the referral and its centre");
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM insurance_year WHERE year = 1404"
                            " AND branch_code = 11"), 1, "the insurance year");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM insurance_member WHERE person_id = %lld",
             (long long)m.id);
    cr_assert_eq(sql_int(P, sql), 1, "the insurance list");
    /* a second payment travels as a change of its own */
    snprintf(sql, sizeof sql,
             "INSERT INTO group_payment (id, group_id, date, amount, note, user)"
             " VALUES (%lld, %lld, '2025-04-10', 2000000, 'second', 'system')",
             (long long)((11LL << 40) + 2), (long long)group);
    sql_exec(A, sql);
    pkg a2 = export_to(A, 100);
    OK(import(P, a2, NULL));
    cr_assert_eq(sql_int(P, "SELECT sum(amount) FROM group_payment"), 7000000);
    free(a1.b);
    free(a2.b);
}

/* Re-signs a package with the sender's key after its header was edited,
 * as an older parvande would have signed it. */
static void resign(pv_ctx *sender, pkg p)
{
    pv_office_keys k;
    OK(pv_office_unlock(sender, PASS, &k, &err));
    crypto_sign_detached(p.b + p.n - crypto_sign_BYTES, NULL, p.b, p.n - crypto_sign_BYTES,
                         k.sign_sk);
    sodium_memzero(&k, sizeof k);
}

Test(exchange, sections_compressed_and_older_format_refused)
{
    for (unsigned long i = 1; i <= 40; i++)
        add_family(A, i, "مریم", "کریمی");
    pkg p = export_to(A, 100);
    /* the changeset as stored, against the package that carries it */
    int64_t raw = sql_int(A, "SELECT length(changeset) FROM exchange_sent");
    cr_assert_lt((int64_t)p.n, raw / 2, "package %zu bytes, changeset %lld", p.n, (long long)raw);
    char *f = memmem(p.b, p.n, "format 2\n", 9);
    cr_assert(f, "the header names format 2");
    f[7] = '1';
    resign(A, p);
    int64_t audit_before = sql_int(P, "SELECT count(*) FROM audit");
    cr_assert_eq(import(P, p, NULL), PV_EINVAL);
    cr_assert(strstr(err.message, "older version"), "%s", err.message);
    cr_assert_eq(persons(P), 0);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM audit"), audit_before);
    f[7] = '2';
    resign(A, p);
    OK(import(P, p, NULL));
    cr_assert_eq(persons(P), 40);
    free(p.b);
}

/* The sender is told by mistake that its packages up to `seq` arrived (as
 * when the recipient restored an older backup after acknowledging them):
 * its next package starts after them, leaving a gap at the recipient. */
static void sender_believes_acked(pv_ctx *sender, int64_t peer, int64_t seq)
{
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE office SET out_acked = %lld WHERE code = %lld;"
             "DELETE FROM exchange_sent WHERE peer = %lld AND seq <= %lld", (long long)seq,
             (long long)peer, (long long)peer, (long long)seq);
    sql_exec(sender, sql);
}

Test(exchange, a_package_after_a_gap_is_held_and_applied_in_order)
{
    add_family(A, 1, "مریم", "کریمی");
    pkg a1 = export_to(A, 100);
    sender_believes_acked(A, 100, 1);
    pv_person second = add_family(A, 2, "زهرا", "احمدی");
    pkg a2 = export_to(A, 100);
    sender_believes_acked(A, 100, 2);
    /* the third builds on the second: its change needs the second's row */
    strcpy(second.first_name, "زینب");
    OK(pv_person_save(A, &second, &err));
    pkg a3 = export_to(A, 100);
    pv_exchange_report rep;
    /* 3, then 2, arrive before 1: both held, nothing applied */
    OK(import(P, a3, &rep));
    cr_assert_eq(rep.waiting_for, 1);
    cr_assert_eq(rep.changes, 0);
    OK(import(P, a2, &rep));
    cr_assert_eq(rep.waiting_for, 1);
    cr_assert_eq(rep.still_held, 2);
    cr_assert_eq(persons(P), 0);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM exchange_held"), 2);
    /* held twice: refused, nothing changed */
    int64_t audit_before = sql_int(P, "SELECT count(*) FROM audit");
    cr_assert_eq(import(P, a2, NULL), PV_ECONFLICT);
    cr_assert(strstr(err.message, "already held"), "%s", err.message);
    cr_assert(strstr(err.message, "waiting for package 1"), "%s", err.message);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM audit"), audit_before);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM exchange_held"), 2);
    /* 1 fills the gap: 1, 2 and 3 are applied, in that order */
    OK(import(P, a1, &rep));
    cr_assert_eq(rep.waiting_for, 0);
    cr_assert_eq(rep.released, 2);
    cr_assert_eq(rep.still_held, 0);
    cr_assert_eq(rep.applied_sections, 3);
    cr_assert_eq(rep.conflicts, 0);
    cr_assert_eq(persons(P), 2);
    char sql[200], name[64];
    snprintf(sql, sizeof sql, "SELECT first_name FROM person WHERE id = %lld", (long long)second.id);
    sql_text(P, sql, name, sizeof name);
    cr_assert_str_eq(name, "زینب");
    cr_assert_eq(sql_int(P, "SELECT in_seq FROM office WHERE code = 11"), 3);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM exchange_held"), 0);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM exchange_conflict"), 0);
    /* and any of them again is a duplicate, refused without change */
    audit_before = sql_int(P, "SELECT count(*) FROM audit");
    cr_assert_eq(import(P, a3, NULL), PV_ECONFLICT);
    cr_assert(strstr(err.message, "already applied"), "%s", err.message);
    cr_assert_eq(import(P, a2, NULL), PV_ECONFLICT);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM audit"), audit_before);
    cr_assert_eq(persons(P), 2);
    audit_intact(P);
    free(a1.b);
    free(a2.b);
    free(a3.b);
}

Test(exchange, users_go_down_only_to_their_branch)
{
    OK(pv_user_add(P, "sara", "sara-password-1", PV_ROLE_CASEWORKER, 11, &err));
    OK(pv_user_add(P, "reza", "reza-password-1", PV_ROLE_SUPERVISOR, 12, &err));
    OK(pv_user_add(P, "mina", "mina-password-1", PV_ROLE_ADMIN, 100, &err));
    int64_t a_before = sql_int(A, "SELECT count(*) FROM user");
    pkg d1 = export_to(P, 11), e1 = export_to(P, 12);
    OK(import(A, d1, NULL));
    OK(import(B, e1, NULL));
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM user WHERE name = 'sara'"), 1);
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM user"), a_before + 1, "only branch 11's user");
    cr_assert_eq(sql_int(B, "SELECT count(*) FROM user WHERE name IN ('sara', 'mina')"), 0);
    cr_assert_eq(sql_int(B, "SELECT count(*) FROM user WHERE name = 'reza'"), 1);
    /* sara moves to branch 12: 11 learns she left, 12 receives her */
    sql_exec(P, "UPDATE user SET branch_code = 12 WHERE name = 'sara'");
    pkg d2 = export_to(P, 11), e2 = export_to(P, 12);
    OK(import(A, d2, NULL));
    OK(import(B, e2, NULL));
    cr_assert_eq(sql_int(A, "SELECT branch_code FROM user WHERE name = 'sara'"), 12);
    cr_assert_eq(sql_int(B, "SELECT count(*) FROM user WHERE name = 'sara'"), 1);
    /* a change to another branch's user no longer reaches 11 */
    sql_exec(P, "UPDATE user SET role = 'supervisor' WHERE name = 'sara'");
    pkg d3 = export_to(P, 11);
    pv_exchange_report rep;
    OK(import(A, d3, &rep));
    cr_assert_eq(rep.changes, 0);
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM user WHERE name = 'mina'"), 0);
    free(d1.b);
    free(e1.b);
    free(d2.b);
    free(e2.b);
    free(d3.b);
}

/* Enrollment events of two branches, each with its branch's ids, meet at
 * the province without clashing. */
Test(exchange, events_have_branch_ids_and_travel)
{
    const char *svc = "INSERT INTO service (code, title_fa, card, card_hash)"
                      " VALUES ('S-1', 'خدمت', '', '')";
    sql_exec(A, svc);
    sql_exec(B, svc);
    sql_exec(P, svc);
    pv_person x = add_family(A, 1, "مریم", "کریمی");
    pv_person y = add_family(B, 2, "زهرا", "احمدی");
    enroll_raw(A, 11, x.id, 0);
    enroll_raw(B, 12, y.id, 0);
    OK(pv_enroll_withdraw(A, (11LL << 40) + 1, "moved away", &err));
    OK(pv_enroll_withdraw(B, (12LL << 40) + 1, "moved away", &err));
    cr_assert_eq(sql_int(A, "SELECT id FROM enrollment_event"), (11LL << 40) + 1);
    cr_assert_eq(sql_int(B, "SELECT id FROM enrollment_event"), (12LL << 40) + 1);
    pkg a = export_to(A, 100), b = export_to(B, 100);
    OK(import(P, a, NULL));
    OK(import(P, b, NULL));
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM enrollment_event WHERE kind = 'withdraw'"
                            " AND note = 'moved away'"), 2);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM enrollment WHERE ended_on <> ''"), 2);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM exchange_conflict"), 0);
    free(a.b);
    free(b.b);
}

/* A database from before migration 12: its events' plain ids become the
 * office's, the rows and the trail intact, and they travel. */
Test(exchange, old_event_ids_renumbered_by_migration_12)
{
    pv_person x = add_family(A, 1, "مریم", "کریمی");
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO person_event (id, person_id, kind, date, source, user)"
             " VALUES (1, %lld, 'exit', '2025-03-01', 'group:7', 'sara'),"
             " (2, %lld, 'return', '2025-03-05', 'group:7', 'sara')",
             (long long)x.id, (long long)x.id);
    sql_exec(A, sql);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(A->db, pv_sql_event_ids, NULL, NULL, &msg), SQLITE_OK, "%s", msg);
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM person_event"), 2);
    cr_assert_eq(sql_int(A, "SELECT min(id) FROM person_event"), (11LL << 40) + 1);
    char v[64];
    sql_text(A, "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM person_event ORDER BY id)",
             v, sizeof v);
    cr_assert_str_eq(v, "exit return", "the order they were written in is kept");
    audit_intact(A); /* the copy and the delete are entries of the trail */
    /* renumbering again changes nothing */
    cr_assert_eq(sqlite3_exec(A->db, pv_sql_event_ids, NULL, NULL, &msg), SQLITE_OK, "%s", msg);
    cr_assert_eq(sql_int(A, "SELECT max(id) FROM person_event"), (11LL << 40) + 2);
    pkg a = export_to(A, 100);
    OK(import(P, a, NULL));
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM person_event WHERE id >> 40 = 11"), 2);
    free(a.b);
}

/* Each branch's audit entries reach the province, which walks them as
 * that branch's own chain; a change to one of them is found. */
Test(exchange, a_branch_trail_travels_up_and_verifies_there)
{
    add_family(A, 1, "مریم", "کریمی");
    add_family(B, 2, "زهرا", "احمدی");
    /* every entry A has when it exports (the export's own come next time) */
    int64_t a_had = sql_int(A, "SELECT max(seq) FROM audit");
    pkg a1 = export_to(A, 100), b1 = export_to(B, 100);
    OK(import(P, a1, NULL));
    OK(import(P, b1, NULL));
    pv_audit_report rep;
    OK(pv_exchange_verify_trail(P, 11, &rep, &err));
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT, "at %lld", (long long)rep.seq);
    cr_assert_eq(rep.last_seq, a_had, "%lld vs %lld", (long long)rep.last_seq, (long long)a_had);
    cr_assert_eq(rep.entries, a_had);
    OK(pv_exchange_verify_trail(P, 12, &rep, &err));
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT);
    cr_assert_eq(pv_exchange_verify_trail(P, 13, &rep, &err), PV_ENOTFOUND);
    /* the next package goes on from there: one chain, no gap, no repeat */
    add_family(A, 3, "سارا", "رضایی");
    pkg a2 = export_to(A, 100);
    OK(import(P, a2, NULL));
    OK(pv_exchange_verify_trail(P, 11, &rep, &err));
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT);
    cr_assert_gt(rep.last_seq, a_had);
    char sql[200], here[65];
    snprintf(sql, sizeof sql, "SELECT hash FROM audit WHERE seq = %lld", (long long)rep.last_seq);
    sql_text(A, sql, here, sizeof here);
    cr_assert_str_eq(rep.head_hash, here, "the province holds the branch's very chain");
    /* an entry altered at the province, then one taken away */
    sql_exec(P, "UPDATE audit_remote SET actor = 'someone' WHERE origin = 11 AND seq = 2");
    OK(pv_exchange_verify_trail(P, 11, &rep, &err));
    cr_assert_eq(rep.problem, PV_AUDIT_CHANGED);
    cr_assert_eq(rep.seq, 2);
    sql_exec(P, "DELETE FROM audit_remote WHERE origin = 11 AND seq = 2");
    OK(pv_exchange_verify_trail(P, 11, &rep, &err));
    cr_assert_eq(rep.problem, PV_AUDIT_REMOVED);
    cr_assert_eq(rep.seq, 2);
    /* B's is untouched */
    OK(pv_exchange_verify_trail(P, 12, &rep, &err));
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT);
    free(a1.b);
    free(b1.b);
    free(a2.b);
}

/* The province's database and the files beside it (baselines, the
 * trail's head) copied aside, or put back in place of the current ones. */
static void province_files(bool restore)
{
    char cmd[1200], path[400];
    pv_ctx_close(P);
    if (restore)
        snprintf(cmd, sizeof cmd, "rm -f '%s'/p.db* && cp '%s'/backup/p.db* '%s'/", dir, dir,
                 dir);
    else
        snprintf(cmd, sizeof cmd, "mkdir -p '%s'/backup && cp '%s'/p.db* '%s'/backup/", dir,
                 dir, dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    snprintf(path, sizeof path, "%s/p.db", dir);
    P = NULL;
    OK(pv_ctx_open(path, PV_LANG_EN, &P, &err));
}

static void add_service(pv_ctx *c, const char *code)
{
    char sql[200];
    snprintf(sql, sizeof sql, "INSERT INTO service (code, title_fa, card, card_hash)"
             " VALUES ('%s', 'خدمت', '', '')", code);
    sql_exec(c, sql);
}

/* The province goes back to a backup after branch 11 applied its package
 * 2: its next packages reuse the numbers 2 and 3 with other changes. The
 * branch refuses them rather than skip what it has not seen; when the
 * province hears the branch's acknowledgement, it numbers its packages
 * past 2, and the next one brings S-3 and S-4, once each. */
Test(exchange, an_office_back_from_a_backup_numbers_its_packages_again)
{
    add_service(P, "S-1");
    pkg p1 = export_to(P, 11);
    OK(import(A, p1, NULL));
    province_files(false);
    add_service(P, "S-2");
    pkg p2 = export_to(P, 11);
    OK(import(A, p2, NULL));
    province_files(true);
    add_service(P, "S-3");
    pkg p2b = export_to(P, 11); /* number 2 again */
    cr_assert_eq(import(A, p2b, NULL), PV_ECONFLICT);
    cr_assert(strstr(err.message, "already applied"), "%s", err.message);
    add_service(P, "S-4");
    pkg p3b = export_to(P, 11); /* sections 1, 2 (S-3) and 3 (S-4) */
    int64_t audit_before = sql_int(A, "SELECT count(*) FROM audit");
    cr_assert_eq(import(A, p3b, NULL), PV_ECONFLICT);
    cr_assert(strstr(err.message, "went back to a backup"), "%s", err.message);
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM service WHERE code IN ('S-3', 'S-4')"), 0,
                 "nothing applied, S-3 not skipped");
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM audit"), audit_before);
    cr_assert_eq(sql_int(A, "SELECT in_seq FROM office WHERE code = 100"), 2);
    /* the branch's acknowledgement of 2 reaches the province */
    pkg a1 = export_to(A, 100);
    pv_exchange_report rep;
    OK(import(P, a1, &rep));
    cr_assert_eq(rep.renumbered_past, 2);
    cr_assert_eq(rep.renumbered, 3);
    cr_assert_eq(sql_int(P, "SELECT out_seq FROM office WHERE code = 11"), 5);
    cr_assert_eq(sql_int(P, "SELECT out_acked FROM office WHERE code = 11"), 2);
    cr_assert_eq(sql_int(P, "SELECT min(seq) FROM exchange_sent WHERE peer = 11"), 3);
    cr_assert_eq(sql_int(P, "SELECT count(*) FROM audit WHERE action = 'exchange-renumber'"), 1);
    /* 3 (S-1 again) is known by its digest and skipped; 4, 5 and 6 apply */
    pkg p6 = export_to(P, 11);
    OK(import(A, p6, &rep));
    cr_assert_eq(rep.first_seq, 3);
    cr_assert_eq(rep.seq, 6);
    cr_assert_eq(rep.skipped_sections, 1);
    cr_assert_eq(rep.applied_sections, 3);
    cr_assert_eq(rep.conflicts, 0);
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM service WHERE code LIKE 'S-_'"), 4);
    cr_assert_eq(sql_int(A, "SELECT in_seq FROM office WHERE code = 100"), 6);
    cr_assert_eq(sql_int(A, "SELECT count(*) FROM exchange_conflict"), 0);
    /* and the old packages stay refused */
    cr_assert_eq(import(A, p3b, NULL), PV_ECONFLICT);
    cr_assert_eq(import(A, p2b, NULL), PV_ECONFLICT);
    free(p1.b);
    free(p2.b);
    free(p2b.b);
    free(p3b.b);
    free(a1.b);
    free(p6.b);
}
