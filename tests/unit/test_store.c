/* Storage: the database file, migrations, ids, saving with history,
 * households and case files, the whole file, derived facts, duplicates and
 * branch confinement. Each test has its own temporary database. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/authz.h"
#include "parvande/branch.h"
#include "parvande/i18n.h"
#include "parvande/records.h"

static pv_error err;
static pv_ctx *ctx;

static void init(void)
{
    pv_i18n_init();
    setenv("PARVANDE_TODAY", "2025-03-21", 1);
    ctx = pv_test_db();
}

static void fini(void)
{
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

TestSuite(store, .init = init, .fini = fini);

#define OK(call) cr_assert_eq((call), PV_OK, "%s: %s", #call, err.message ? err.message : "?")

static int64_t sql_int(pv_ctx *c, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(c->db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static pv_id new_household(const char *key)
{
    pv_id hh = 0;
    OK(pv_household_create(ctx, key, &hh, &err));
    return hh;
}

static pv_person save_member(unsigned long n, const char *first, const char *last, pv_gender g,
                             pv_relation rel, pv_id hh, const char *birth)
{
    pv_person p = pv_test_person(n, first, last, "حسن", g);
    p.relation = rel;
    p.household_id = hh;
    if (birth)
        strcpy(p.birth_date, birth);
    OK(pv_person_save(ctx, &p, &err));
    return p;
}

Test(store, file_is_private_wal_and_versioned)
{
    struct stat st;
    cr_assert_eq(stat(pv_test_db_path(), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "mode %o", st.st_mode & 0777);
    save_member(1, "زهرا", "احمدی", PV_GENDER_FEMALE, PV_REL_HEAD, 0, NULL);
    char wal[700];
    snprintf(wal, sizeof wal, "%s-wal", pv_test_db_path());
    cr_assert_eq(stat(wal, &st), 0, "WAL file exists");
    cr_assert_eq(st.st_mode & 0777, 0600, "WAL mode %o", st.st_mode & 0777);
    cr_assert_eq(sql_int(ctx, "PRAGMA user_version"),
                 pv_migrations[pv_migrations_count - 1].version);
    cr_assert_eq(sql_int(ctx, "PRAGMA foreign_keys"), 1);
    cr_assert_eq(sql_int(ctx, "PRAGMA busy_timeout"), 5000);
    cr_assert_eq(sql_int(ctx, "PRAGMA synchronous"), 1, "NORMAL");
}

Test(store, reopening_is_idempotent)
{
    pv_person p = save_member(2, "علی", "کریمی", PV_GENDER_MALE, PV_REL_HEAD, 0, NULL);
    int64_t version = sql_int(ctx, "PRAGMA user_version");
    for (int i = 0; i < 2; i++) {
        pv_ctx *again = NULL;
        OK(pv_ctx_open(pv_test_db_path(), PV_LANG_EN, &again, &err));
        cr_assert_eq(sql_int(again, "PRAGMA user_version"), version);
        cr_assert_eq(sql_int(again, "SELECT count(*) FROM person"), 1);
        cr_assert_eq(sql_int(again, "SELECT count(*) FROM branch"), 1);
        pv_person q;
        OK(pv_person_find(again, p.national_id, &q, &err));
        cr_assert_eq(q.id, p.id);
        pv_ctx_close(again);
    }
}

Test(store, default_path_is_created_private)
{
    char dir[700];
    snprintf(dir, sizeof dir, "%s.home", pv_test_db_path());
    setenv("XDG_DATA_HOME", dir, 1);
    unsetenv("PARVANDE_DB");
    char *path = pv_default_db_path();
    char want[800];
    snprintf(want, sizeof want, "%s/parvande/parvande.db", dir);
    cr_assert_str_eq(path, want);
    pv_ctx *c = NULL;
    OK(pv_ctx_open(NULL, PV_LANG_EN, &c, &err));
    pv_ctx_close(c);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    setenv("PARVANDE_DB", "/elsewhere/x.db", 1);
    char *env = pv_default_db_path();
    cr_assert_str_eq(env, "/elsewhere/x.db");
    free(env);
    char f[900];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(f, sizeof f, "%s%s", path, suffix[i]);
        unlink(f);
    }
    snprintf(f, sizeof f, "%s/parvande", dir);
    rmdir(f);
    rmdir(dir);
    free(path);
}

Test(store, ids_are_in_the_branch_range)
{
    pv_person a = save_member(3, "مریم", "رضایی", PV_GENDER_FEMALE, PV_REL_HEAD, 0, NULL);
    cr_assert_eq(a.id >> 40, 1, "default branch 1");
    cr_assert_eq(a.id & ((1LL << 40) - 1), 1);
    /* a fresh database may take its real branch code */
    pv_test_db_close(ctx);
    ctx = pv_test_db();
    pv_branch b = {.code = 4321};
    strcpy(b.province, "خراسان رضوی");
    strcpy(b.county, "مشهد");
    strcpy(b.office, "شعبه ۳");
    OK(pv_branch_set(ctx, &b, &err));
    cr_assert_eq(pv_ctx_branch(ctx), 4321);
    pv_branch got;
    OK(pv_branch_get(ctx, &got, &err));
    cr_assert_eq(got.code, 4321);
    cr_assert_str_eq(got.county, "مشهد");
    pv_id hh = new_household("K1");
    cr_assert_eq(hh >> 40, 4321);
    pv_person p = save_member(4, "سارا", "نوری", PV_GENDER_FEMALE, PV_REL_HEAD, hh, NULL);
    pv_person q = save_member(5, "نیما", "نوری", PV_GENDER_MALE, PV_REL_CHILD, hh, "2010-05-05");
    cr_assert_eq(p.id >> 40, 4321);
    cr_assert_eq(q.id, p.id + 1);
    /* once records exist, the code is fixed */
    b.code = 9;
    cr_assert_eq(pv_branch_set(ctx, &b, &err), PV_ECONFLICT);
    b.code = 0;
    cr_assert_eq(pv_branch_set(ctx, &b, &err), PV_EINVAL);
    pv_test_actor(ctx, "cw", PV_ROLE_CASEWORKER, 4321);
    b.code = 4321;
    cr_assert_eq(pv_branch_set(ctx, &b, &err), PV_EDENIED);
}

Test(store, bulk_insert_in_one_transaction)
{
    OK(pv_tx_begin(ctx, &err));
    pv_id first = 0, last = 0;
    for (unsigned long i = 0; i < 2000; i++) {
        pv_person p = pv_test_person(1000 + i, "رضا", "محمدی", NULL, PV_GENDER_MALE);
        OK(pv_person_save(ctx, &p, &err));
        if (i == 0)
            first = p.id;
        last = p.id;
    }
    OK(pv_tx_commit(ctx, &err));
    cr_assert_eq(last - first, 1999, "consecutive ids");
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM person"), 2000);
    /* a rolled-back batch leaves nothing, and later ids do not collide */
    OK(pv_tx_begin(ctx, &err));
    pv_person p = pv_test_person(9000, "رضا", "محمدی", NULL, PV_GENDER_MALE);
    OK(pv_person_save(ctx, &p, &err));
    pv_tx_rollback(ctx);
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM person"), 2000);
    p.id = 0;
    OK(pv_person_save(ctx, &p, &err));
    cr_assert_eq(p.id, last + 1);
}

Test(store, save_and_update_keep_history)
{
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    pv_person p = save_member(10, "فاطمه", "حسینی", PV_GENDER_FEMALE, PV_REL_HEAD, 0, NULL);
    pv_test_actor(ctx, "reza", PV_ROLE_CASEWORKER, 1);
    OK(pv_person_set_field(&p, "last_name", "حسینی‌نژاد", &err));
    OK(pv_person_set_field(&p, "phone", "09121234567", &err));
    OK(pv_person_save(ctx, &p, &err));
    OK(pv_person_save(ctx, &p, &err)); /* unchanged: no version */
    OK(pv_person_set_field(&p, "disability", "mild", &err));
    OK(pv_person_save(ctx, &p, &err));

    pv_person_version *v = NULL;
    size_t n = 0;
    OK(pv_person_history(ctx, p.national_id, &v, &n, &err));
    cr_assert_eq(n, 3, "created, renamed, disability: %zu versions", n);
    cr_assert_str_eq(v[0].person.last_name, "حسینی");
    cr_assert_str_eq(v[0].changed_by, "maryam");
    cr_assert(!v[0].current);
    cr_assert_str_eq(v[1].person.last_name, "حسینی‌نژاد");
    cr_assert_str_eq(v[1].person.phone, "09121234567");
    cr_assert_eq(v[1].person.disability, PV_DIS_NONE);
    cr_assert_str_eq(v[1].changed_by, "reza");
    cr_assert(v[2].current);
    cr_assert_eq(v[2].person.disability, PV_DIS_MILD);
    cr_assert(strcmp(v[0].changed_at, v[2].changed_at) <= 0);
    free(v);
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM person_history"), 2);
    /* stored as readable codes */
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM person WHERE disability = 'mild'"
                              " AND gender = 'female' AND relation = 'head'"), 1);
}

Test(store, national_id_is_unique)
{
    pv_person a = save_member(20, "علی", "اکبری", PV_GENDER_MALE, PV_REL_HEAD, 0, NULL);
    pv_person b = pv_test_person(20, "حسن", "اکبری", NULL, PV_GENDER_MALE);
    cr_assert_eq(pv_person_save(ctx, &b, &err), PV_ECONFLICT);
    cr_assert_str_eq(err.field, "national_id");
    cr_assert_eq(b.id, 0);
    pv_person found;
    OK(pv_person_find(ctx, a.national_id, &found, &err));
    cr_assert_str_eq(found.first_name, "علی");
    cr_assert_eq(pv_person_find(ctx, "0000000000", &found, &err), PV_ENOTFOUND);
    cr_assert_eq(pv_person_find(ctx, "12", &found, &err), PV_EINVAL);
}

Test(store, find_with_persian_digits)
{
    pv_person a = save_member(21, "نرگس", "صالحی", PV_GENDER_FEMALE, PV_REL_HEAD, 0, NULL);
    static const char *fa[] = {"۰", "۱", "۲", "۳", "۴", "۵", "۶", "۷", "۸", "۹"};
    char typed[64] = "";
    for (int i = 0; i < 10; i++)
        strcat(typed, fa[a.national_id[i] - '0']);
    pv_person found;
    OK(pv_person_find(ctx, typed, &found, &err));
    cr_assert_eq(found.id, a.id);
}

Test(store, invalid_person_is_not_saved)
{
    pv_person p = pv_test_person(22, "امید", "نادری", NULL, PV_GENDER_MALE);
    strcpy(p.birth_date, "2030-01-01");
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "birth_date");
    p = pv_test_person(22, "امید", "نادری", NULL, PV_GENDER_MALE);
    p.household_id = ((pv_id)1 << 40) | 999;
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "household");
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM person"), 0);
}

Test(store, whole_file_head_first_assessments_oldest_first)
{
    pv_id hh = new_household("H-7");
    pv_person son = save_member(31, "امیر", "کاظمی", PV_GENDER_MALE, PV_REL_CHILD, hh, "2012-01-01");
    save_member(32, "لیلا", "کاظمی", PV_GENDER_FEMALE, PV_REL_HEAD, hh, "1980-01-01");
    save_member(33, "سمانه", "کاظمی", PV_GENDER_FEMALE, PV_REL_CHILD, hh, "2008-01-01");
    pv_casefile f;
    OK(pv_casefile_find(ctx, hh, &f, &err));
    cr_assert_eq(f.status, PV_FILE_ACTIVE);
    cr_assert_str_eq(f.opened_on, "2025-03-21");
    OK(pv_assessment_add(ctx, f.id, "2025-03-01", "دومین بازدید", &err));
    OK(pv_assessment_add(ctx, f.id, "2024-12-01", "نخستین بازدید\nخانواده سه نفره", &err));
    cr_assert_eq(pv_assessment_add(ctx, f.id, "2026-01-01", "آینده", &err), PV_EINVAL);
    cr_assert_eq(pv_assessment_add(ctx, f.id, "2025-01-01", "   ", &err), PV_EINVAL);

    pv_file_view *v = NULL;
    OK(pv_file_load(ctx, son.national_id, &v, &err));
    cr_assert_str_eq(v->person.first_name, "امیر");
    cr_assert_eq(v->household_id, hh);
    cr_assert_str_eq(v->household_key, "H-7");
    cr_assert_eq(v->n_members, 3);
    cr_assert_str_eq(v->members[0].first_name, "لیلا", "the head first");
    cr_assert_eq(v->members[0].relation, PV_REL_HEAD);
    cr_assert(v->has_file);
    cr_assert_eq(v->file.id, f.id);
    cr_assert_eq(v->n_assessments, 2);
    cr_assert_str_eq(v->assessments[0].date, "2024-12-01");
    cr_assert_str_eq(v->assessments[0].text, "نخستین بازدید\nخانواده سه نفره");
    cr_assert_str_eq(v->assessments[0].author, "system");
    cr_assert_str_eq(v->assessments[1].date, "2025-03-01");
    pv_file_view_free(v);
}

Test(store, person_without_household)
{
    pv_person p = save_member(34, "یوسف", "رحمانی", PV_GENDER_MALE, PV_REL_HEAD, 0, NULL);
    pv_file_view *v = NULL;
    OK(pv_file_load(ctx, p.national_id, &v, &err));
    cr_assert_eq(v->household_id, 0);
    cr_assert(!v->has_file);
    cr_assert_eq(v->n_members, 0);
    pv_file_view_free(v);
    cr_assert_eq(pv_file_load(ctx, "1234567891", &v, &err), PV_ENOTFOUND);
    cr_assert_null(v);
}

Test(store, household_keys_are_unique_per_branch)
{
    pv_id hh = new_household("A1");
    pv_id found = 0;
    OK(pv_household_find(ctx, "A1", &found, &err));
    cr_assert_eq(found, hh);
    pv_id again = 0;
    cr_assert_eq(pv_household_create(ctx, "A1", &again, &err), PV_ECONFLICT);
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM household"), 1, "nothing half-made");
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM casefile"), 1);
    cr_assert_eq(pv_household_find(ctx, "B2", &found, &err), PV_ENOTFOUND);
    pv_id anon1 = 0, anon2 = 0;
    OK(pv_household_create(ctx, NULL, &anon1, &err));
    OK(pv_household_create(ctx, "", &anon2, &err));
    cr_assert_neq(anon1, anon2);
}

Test(store, derived_female_head_and_daughter)
{
    pv_id hh = new_household("F");
    pv_person mother = save_member(41, "معصومه", "یزدانی", PV_GENDER_FEMALE, PV_REL_HEAD, hh, "1975-01-01");
    pv_person girl = save_member(42, "نازنین", "یزدانی", PV_GENDER_FEMALE, PV_REL_CHILD, hh, "2009-01-01");
    pv_person boy = save_member(43, "محسن", "یزدانی", PV_GENDER_MALE, PV_REL_CHILD, hh, "2011-01-01");
    pv_id hh2 = new_household("M");
    pv_person father = save_member(44, "کریم", "جعفری", PV_GENDER_MALE, PV_REL_HEAD, hh2, "1970-01-01");
    pv_person girl2 = save_member(45, "الهام", "جعفری", PV_GENDER_FEMALE, PV_REL_CHILD, hh2, "2010-01-01");

    pv_file_view *v = NULL;
    OK(pv_file_load(ctx, girl.national_id, &v, &err));
    cr_assert(pv_person_is_female_head(v, &mother));
    cr_assert(!pv_person_is_female_head(v, &girl));
    cr_assert(pv_person_is_daughter_of_female_head(v, &girl));
    cr_assert(!pv_person_is_daughter_of_female_head(v, &boy));
    cr_assert(!pv_person_is_daughter_of_female_head(v, &mother));
    pv_file_view_free(v);
    OK(pv_file_load(ctx, girl2.national_id, &v, &err));
    cr_assert(!pv_person_is_female_head(v, &father));
    cr_assert(!pv_person_is_daughter_of_female_head(v, &girl2));
    pv_file_view_free(v);
}

Test(store, duplicates_by_id_or_by_names_and_birth)
{
    pv_person a = pv_test_person(51, "علي", "كريمي", "حسين", PV_GENDER_MALE);
    strcpy(a.birth_date, "1988-08-08");
    OK(pv_person_save(ctx, &a, &err));
    /* same national ID */
    pv_person b = pv_test_person(51, "حسن", "نوری", NULL, PV_GENDER_MALE);
    pv_person *d = NULL;
    size_t n = 0;
    OK(pv_person_duplicates(ctx, &b, &d, &n, &err));
    cr_assert_eq(n, 1);
    cr_assert_eq(d[0].id, a.id);
    free(d);
    /* another ID, the same person written differently */
    pv_person c = pv_test_person(52, "علی", "کریمی", "حسین", PV_GENDER_MALE);
    strcpy(c.birth_date, "1988-08-08");
    OK(pv_person_duplicates(ctx, &c, &d, &n, &err));
    cr_assert_eq(n, 1);
    cr_assert_eq(d[0].id, a.id);
    free(d);
    /* a different birth date is a different person */
    strcpy(c.birth_date, "1989-08-08");
    OK(pv_person_duplicates(ctx, &c, &d, &n, &err));
    cr_assert_eq(n, 0);
    free(d);
    /* a saved person is not its own duplicate */
    OK(pv_person_duplicates(ctx, &a, &d, &n, &err));
    cr_assert_eq(n, 0);
    free(d);
}

Test(store, caseworker_is_confined_to_the_branch)
{
    pv_id hh = new_household("X");
    pv_person p = save_member(61, "شیما", "اسدی", PV_GENDER_FEMALE, PV_REL_HEAD, hh, NULL);
    pv_casefile f;
    OK(pv_casefile_find(ctx, hh, &f, &err));

    pv_test_actor(ctx, "other", PV_ROLE_CASEWORKER, 2);
    pv_person q;
    cr_assert_eq(pv_person_find(ctx, p.national_id, &q, &err), PV_ENOTFOUND);
    pv_file_view *v = NULL;
    cr_assert_eq(pv_file_load(ctx, p.national_id, &v, &err), PV_ENOTFOUND);
    pv_casefile g;
    cr_assert_eq(pv_casefile_find(ctx, hh, &g, &err), PV_ENOTFOUND);
    pv_person_version *hist = NULL;
    size_t n = 0;
    cr_assert_eq(pv_person_history(ctx, p.national_id, &hist, &n, &err), PV_ENOTFOUND);
    p.phone[0] = '\0';
    strcpy(p.first_name, "تغییر");
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_EDENIED);
    cr_assert_eq(pv_assessment_add(ctx, f.id, NULL, "یادداشت", &err), PV_EDENIED);
    pv_person mine = pv_test_person(62, "آرش", "نیک", NULL, PV_GENDER_MALE);
    cr_assert_eq(pv_person_save(ctx, &mine, &err), PV_EDENIED, "this database is branch 1");
    pv_person dup = pv_test_person(63, "شیما", "اسدی", NULL, PV_GENDER_FEMALE);
    pv_person *d = NULL;
    OK(pv_person_duplicates(ctx, &dup, &d, &n, &err));
    cr_assert_eq(n, 0, "another branch's persons are not shown");
    free(d);

    pv_test_actor(ctx, "mine", PV_ROLE_CASEWORKER, 1);
    OK(pv_person_find(ctx, p.national_id, &q, &err));
    OK(pv_file_load(ctx, p.national_id, &v, &err));
    pv_file_view_free(v);
    OK(pv_assessment_add(ctx, f.id, NULL, "بازدید از منزل", &err));

    pv_test_actor(ctx, "admin", PV_ROLE_ADMIN, 1);
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_EDENIED, "administrators do not edit files");
}

Test(store, closing_a_file_needs_a_supervisor_and_keeps_history)
{
    pv_id hh = new_household("C");
    save_member(71, "پروین", "شریفی", PV_GENDER_FEMALE, PV_REL_HEAD, hh, NULL);
    pv_casefile f;
    OK(pv_casefile_find(ctx, hh, &f, &err));
    pv_test_actor(ctx, "cw", PV_ROLE_CASEWORKER, 1);
    f.covered = true;
    OK(pv_casefile_save(ctx, &f, &err));
    f.status = PV_FILE_CLOSED;
    cr_assert_eq(pv_casefile_save(ctx, &f, &err), PV_EDENIED);
    pv_test_actor(ctx, "sup", PV_ROLE_SUPERVISOR, 1);
    OK(pv_casefile_save(ctx, &f, &err));
    cr_assert_str_eq(f.closed_on, "2025-03-21");
    pv_casefile again;
    OK(pv_casefile_find(ctx, hh, &again, &err));
    cr_assert_eq(again.status, PV_FILE_CLOSED);
    cr_assert(again.covered);
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM casefile_history"), 2);
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM casefile_history WHERE status = 'active'"
                              " AND covered = 1 AND updated_by = 'cw'"), 1);
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM casefile WHERE updated_by = 'sup'"), 1);
}

Test(store, a_file_moving_branch_takes_its_household)
{
    pv_id hh = new_household("MV");
    pv_person p = save_member(81, "رضا", "امینی", PV_GENDER_MALE, PV_REL_HEAD, hh, NULL);
    pv_casefile f;
    OK(pv_casefile_find(ctx, hh, &f, &err));
    f.branch_code = 5;
    OK(pv_casefile_save(ctx, &f, &err));
    pv_test_actor(ctx, "cw5", PV_ROLE_CASEWORKER, 5);
    pv_person q;
    OK(pv_person_find(ctx, p.national_id, &q, &err));
    pv_test_actor(ctx, "cw1", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(pv_person_find(ctx, p.national_id, &q, &err), PV_ENOTFOUND);
}

Test(store, household_created_with_its_file_values)
{
    pv_casefile f;
    memset(&f, 0, sizeof f);
    f.covered = true;
    strcpy(f.opened_on, "2024-01-10");
    pv_id hh = 0;
    OK(pv_household_create_with_file(ctx, "W1", &f, &hh, &err));
    cr_assert_eq(f.household_id, hh);
    cr_assert_eq(f.id >> 40, 1);
    pv_casefile got;
    OK(pv_casefile_find(ctx, hh, &got, &err));
    cr_assert(got.covered);
    cr_assert_str_eq(got.opened_on, "2024-01-10");
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM casefile_history"), 0, "written once");
    /* a closed file from the start needs a supervisor */
    pv_test_actor(ctx, "cw", PV_ROLE_CASEWORKER, 1);
    memset(&f, 0, sizeof f);
    f.status = PV_FILE_CLOSED;
    cr_assert_eq(pv_household_create_with_file(ctx, "W2", &f, &hh, &err), PV_EDENIED);
    cr_assert_eq(sql_int(ctx, "SELECT count(*) FROM household"), 1);
    pv_test_actor(ctx, "sup", PV_ROLE_SUPERVISOR, 1);
    OK(pv_household_create_with_file(ctx, "W2", &f, &hh, &err));
    cr_assert_str_eq(f.closed_on, "2025-03-21");
    strcpy(f.opened_on, "2025-03-22");
    cr_assert_eq(pv_household_create_with_file(ctx, "W3", &f, &hh, &err), PV_EINVAL,
                 "closed before it opened");
}

Test(store, two_programs_on_one_file_never_share_an_id)
{
    pv_ctx *other = NULL;
    OK(pv_ctx_open(pv_test_db_path(), PV_LANG_EN, &other, &err));
    /* a batch here, a single save there, another batch here */
    OK(pv_tx_begin(ctx, &err));
    save_member(901, "الف", "یکم", PV_GENDER_MALE, PV_REL_HEAD, 0, NULL);
    OK(pv_tx_commit(ctx, &err));
    pv_person p = pv_test_person(902, "ب", "دوم", NULL, PV_GENDER_MALE);
    OK(pv_person_save(other, &p, &err));
    OK(pv_tx_begin(ctx, &err));
    pv_person q = save_member(903, "پ", "سوم", PV_GENDER_MALE, PV_REL_HEAD, 0, NULL);
    OK(pv_tx_commit(ctx, &err));
    cr_assert_eq(q.id, p.id + 1, "the cached sequence was dropped at commit");
    cr_assert_eq(sql_int(ctx, "SELECT count(DISTINCT id) FROM person"), 3);
    pv_ctx_close(other);
}

Test(store, a_busy_database_is_a_failure_not_a_rejection)
{
    pv_ctx *other = NULL;
    OK(pv_ctx_open(pv_test_db_path(), PV_LANG_EN, &other, &err));
    sqlite3_busy_timeout(other->db, 10); /* do not wait the 5 s */
    OK(pv_tx_begin(ctx, &err)); /* this program holds the write lock */
    pv_person p = pv_test_person(904, "ت", "چهارم", NULL, PV_GENDER_MALE);
    cr_assert_eq(pv_person_save(other, &p, &err), PV_EFAIL);
    cr_assert_str_eq(err.message,
                     "The database is busy: another program is writing to it; try again.");
    pv_tx_rollback(ctx);
    pv_ctx_close(other);
}
