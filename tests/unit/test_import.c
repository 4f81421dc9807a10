/* Tests of the CSV import contract: header checks, bad rows rejected with
 * line and field, good rows imported, updates instead of duplicates,
 * duplicates within a file, households by key (also when their rows are
 * not adjacent), case-file values, the rejects file, commit points that
 * never split a household, and the name indexes a large import drops and
 * builds again (healed on the next open when the import was killed). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/context.h"
#include "parvande/import.h"
#include "parvande/records.h"

static char dir[64];
static pv_ctx *ctx;

typedef struct rejection {
    long line;
    char field[32];
    char message[256];
} rejection;

typedef struct captured {
    rejection r[32];
    size_t n;
} captured;

static void on_reject(void *arg, long line, const char *field, const char *message)
{
    captured *c = arg;
    if (c->n >= 32)
        return;
    rejection *r = &c->r[c->n++];
    r->line = line;
    snprintf(r->field, sizeof r->field, "%s", field ? field : "");
    snprintf(r->message, sizeof r->message, "%s", message);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/pv-import-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", dir);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &ctx, &err), PV_OK, "%s", err.message);
}

static void teardown(void)
{
    pv_ctx_close(ctx);
    ctx = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

static const char *write_csv(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static pv_status run_import(const char *text, captured *c, pv_import_stats *st,
                            unsigned long batch, pv_error *err)
{
    const char *path = write_csv("in.csv", text);
    pv_import_opts o = {.on_reject = on_reject, .arg = c, .batch_rows = batch};
    return pv_import_csv(ctx, path, &o, st, err);
}

static pv_file_view *load(const char *natid)
{
    pv_file_view *v = NULL;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_file_load(ctx, natid, &v, &err), PV_OK, "%s: %s", natid, err.message);
    return v;
}

/* Valid national IDs (check digits computed by hand). */
#define ID_A "0499370899"
#define ID_B "0790419904"
#define ID_C "0084575948"
#define ID_D "0067749828"
#define ID_E "1111111111" /* all the same digit: refused */

#define HEADER "national_id,first_name,last_name,gender,birth_date,household,relation,covered,file_status\n"

TestSuite(import_csv, .init = setup, .fini = teardown);

Test(import_csv, households_and_case_files)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    const char *csv = HEADER
        ID_A ",علی,محمدی,M,1360/01/15,H1,head,yes,active\n"
        ID_B ",فاطمه,محمدی,F,1365/05/20,H1,spouse,yes,active\n"
        ID_C ",زهرا,رضایی,زن,۱۳۸۰/۰۲/۱۰,H2,سرپرست,خیر,closed\n";
    cr_assert_eq(run_import(csv, &c, &st, 0, &err), PV_OK, "%s", err.message);
    cr_assert_eq(st.total, 3);
    cr_assert_eq(st.imported, 3);
    cr_assert_eq(st.updated, 0);
    cr_assert_eq(st.rejected, 0, "first rejection: line %ld %s", c.r[0].line, c.r[0].message);

    pv_file_view *v = load(ID_B);
    cr_assert_eq(v->n_members, 2);
    cr_assert_str_eq(v->household_key, "H1");
    cr_assert(v->has_file);
    cr_assert(v->file.covered);
    cr_assert_eq(v->file.status, PV_FILE_ACTIVE);
    cr_assert_eq(v->person.relation, PV_REL_SPOUSE);
    cr_assert_str_eq(v->person.birth_date, "1986-08-11");
    pv_file_view_free(v);

    v = load(ID_C);
    cr_assert_eq(v->n_members, 1);
    cr_assert_eq(v->person.gender, PV_GENDER_FEMALE);
    cr_assert_str_eq(v->person.birth_date, "2001-04-30");
    cr_assert_not(v->file.covered);
    cr_assert_eq(v->file.status, PV_FILE_CLOSED);
    cr_assert(pv_person_is_female_head(v, &v->person));
    pv_file_view_free(v);
}

Test(import_csv, bad_rows_rejected_with_line_and_field)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    const char *csv = HEADER
        ID_A ",علی,محمدی,M,1360/01/15,H1,head,,\n"    /* line 2: good */
        "0499370898,رضا,کریمی,M,1360/01/15,,,,\n"     /* 3: check digit */
        ID_E ",رضا,کریمی,M,1360/01/15,,,,\n"          /* 4: all same */
        ID_B ",مریم,کریمی,X,1360/01/15,,,,\n"          /* 5: gender */
        ID_C ",مریم,کریمی,F,1403/07/31,,,,\n"          /* 6: impossible date */
        ID_D ",مریم,,F,1370/07/30,,,,\n"               /* 7: last name required */
        ID_D ",مریم,کریمی,F,1370/07/30,,,maybe,\n"    /* 8: covered */
        ID_D ",مریم,کریمی,F,1370/07/30\n"              /* 9: field count */
        ID_D ",\"مریم\"x,کریمی,F,1370/07/30,,,,\n"     /* 10: broken quoting */
        ID_D ",مریم,کریمی,F,1370/07/30,,,,\n";         /* 11: good */
    cr_assert_eq(run_import(csv, &c, &st, 0, &err), PV_OK, "%s", err.message);
    cr_assert_eq(st.imported, 2);
    cr_assert_eq(st.rejected, 8);
    static const struct { long line; const char *field; } want[] = {
        {3, "national_id"}, {4, "national_id"}, {5, "gender"}, {6, "birth_date"},
        {7, "last_name"}, {8, "covered"}, {9, "csv"}, {10, "csv"},
    };
    cr_assert_eq(c.n, 8);
    for (size_t i = 0; i < 8; i++) {
        cr_assert_eq(c.r[i].line, want[i].line, "rejection %zu at line %ld", i, c.r[i].line);
        cr_assert_str_eq(c.r[i].field, want[i].field, "line %ld", c.r[i].line);
        cr_assert(c.r[i].message[0]);
    }
    /* every good row is in */
    pv_file_view *v = load(ID_D);
    cr_assert_str_eq(v->person.last_name, "کریمی");
    pv_file_view_free(v);
}

Test(import_csv, same_national_id_twice_in_a_file)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    const char *csv = HEADER
        ID_A ",علی,محمدی,M,1360/01/15,,,,\n"
        ID_B ",فاطمه,محمدی,F,1365/05/20,,,,\n"
        "۰۴۹۹۳۷۰۸۹۹,علی,حسینی,M,1361/01/15,,,,\n"; /* ID_A in Persian digits */
    cr_assert_eq(run_import(csv, &c, &st, 0, &err), PV_OK);
    cr_assert_eq(st.imported, 2);
    cr_assert_eq(st.rejected, 1);
    cr_assert_eq(c.r[0].line, 4);
    cr_assert_str_eq(c.r[0].field, "national_id");
    cr_assert(strstr(c.r[0].message, "line 2"), "%s", c.r[0].message);
    pv_file_view *v = load(ID_A);
    cr_assert_str_eq(v->person.last_name, "محمدی"); /* the first row stands */
    pv_file_view_free(v);
}

Test(import_csv, existing_national_id_is_updated_not_duplicated)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    const char *first = "national_id,first_name,last_name,gender,birth_date,phone\n"
                        ID_A ",علی,محمدی,M,1360/01/15,09121234567\n";
    cr_assert_eq(run_import(first, &c, &st, 0, &err), PV_OK);
    cr_assert_eq(st.imported, 1);
    /* no phone column now: the stored phone stays */
    const char *second = "last_name,national_id,first_name,gender,birth_date\n"
                         "محمدی‌نژاد," ID_A ",علی,M,1360/01/15\n";
    cr_assert_eq(run_import(second, &c, &st, 0, &err), PV_OK);
    cr_assert_eq(st.imported, 0);
    cr_assert_eq(st.updated, 1);
    cr_assert_eq(st.rejected, 0);
    pv_file_view *v = load(ID_A);
    cr_assert_str_eq(v->person.last_name, "محمدی‌نژاد");
    cr_assert_str_eq(v->person.phone, "09121234567");
    cr_assert_eq(v->n_members, 1, "still one person in one household");
    pv_file_view_free(v);
    pv_person_version *h = NULL;
    size_t n = 0;
    cr_assert_eq(pv_person_history(ctx, ID_A, &h, &n, &err), PV_OK);
    cr_assert_eq(n, 2, "the old version is kept");
    cr_assert_str_eq(h[0].person.last_name, "محمدی");
    free(h);
}

Test(import_csv, header_errors_name_the_column)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(run_import("national_id,first_name,last_name,gender,birth_date,shoe_size\n"
                            ID_A ",علی,محمدی,M,1360/01/15,42\n", &c, &st, 0, &err), PV_EINVAL);
    cr_assert(strstr(err.message, "shoe_size"), "%s", err.message);
    pv_error_clear(&err);
    cr_assert_eq(run_import("national_id,first_name,gender,birth_date\n", &c, &st, 0, &err),
                 PV_EINVAL);
    cr_assert(strstr(err.message, "last_name"), "%s", err.message);
    pv_error_clear(&err);
    cr_assert_eq(run_import("national_id,first_name,last_name,gender,birth_date,Gender\n", &c,
                            &st, 0, &err), PV_EINVAL);
    cr_assert(strstr(err.message, "gender"), "%s", err.message);
    pv_error_clear(&err);
    cr_assert_eq(run_import("", &c, &st, 0, &err), PV_EINVAL);
    pv_error_clear(&err);
    /* nothing was written */
    pv_person p;
    cr_assert_eq(pv_person_find(ctx, ID_A, &p, &err), PV_ENOTFOUND);
    pv_error_clear(&err);
}

Test(import_csv, bom_crlf_quotes_and_persian_words)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    const char *csv =
        "\xEF\xBB\xBF" "first_name,national_id,last_name,gender,birth_date,address,guardianship,"
        "judicial_order,area,disability\r\n"
        "علي," ID_A ",\"کريمی\",مرد,1400-02-03,\"تهران، خیابان \"\"آزادی\"\", پلاک ۳\","
        "بی‌سرپرست,بله,informal,شدید\r\n"                                  /* line 2 */
        "سارا," ID_B ",رضایی,F,1399/12/30,\"line one\nline two\",,,,\r\n" /* 3-4: newline */
        "نرگس," ID_C ",رضایی,F,1399/12/31,,,,,\r\n";                      /* 5: no such day */
    cr_assert_eq(run_import(csv, &c, &st, 0, &err), PV_OK, "%s", err.message);
    cr_assert_eq(st.imported, 1);
    cr_assert_eq(st.rejected, 2);
    cr_assert_eq(c.r[0].line, 3);
    cr_assert_str_eq(c.r[0].field, "address");
    cr_assert_eq(c.r[1].line, 5, "the line count goes on after a multi-line record");
    cr_assert_str_eq(c.r[1].field, "birth_date");
    pv_file_view *v = load(ID_A);
    cr_assert_str_eq(v->person.first_name, "علی", "Arabic yeh stored as Persian");
    cr_assert_str_eq(v->person.last_name, "کریمی");
    cr_assert(strstr(v->person.address, "\"آزادی\", پلاک"), "%s", v->person.address);
    cr_assert_eq(v->person.gender, PV_GENDER_MALE);
    cr_assert_str_eq(v->person.birth_date, "2021-04-23");
    cr_assert_eq(v->person.guardianship, PV_GUARD_ORPHAN);
    cr_assert(v->person.judicial_order);
    cr_assert_eq(v->person.area, PV_AREA_INFORMAL);
    cr_assert_eq(v->person.disability, PV_DIS_SEVERE);
    cr_assert_eq(v->n_members, 1, "a person without a key gets a household of their own");
    pv_file_view_free(v);
}

Test(import_csv, rejects_file_has_the_rows_and_an_error_column)
{
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    const char *path = write_csv("in.csv", "national_id,first_name,last_name,gender,birth_date\n"
                                           ID_A ",علی,محمدی,M,1360/01/15\n"
                                           "0499370898,\"رضا, پسر\",کریمی,M,1360/01/15\n");
    char rpath[160];
    snprintf(rpath, sizeof rpath, "%s/rejects.csv", dir);
    FILE *rf = fopen(rpath, "w");
    cr_assert_not_null(rf);
    pv_import_opts o = {.rejects = rf};
    cr_assert_eq(pv_import_csv(ctx, path, &o, &st, &err), PV_OK);
    fclose(rf);
    cr_assert_eq(st.rejected, 1);
    rf = fopen(rpath, "r");
    char buf[1024] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, rf);
    fclose(rf);
    buf[n] = '\0';
    const char *want_start = "national_id,first_name,last_name,gender,birth_date,error\n"
                             "0499370898,\"رضا, پسر\",کریمی,M,1360/01/15,";
    cr_assert(strncmp(buf, want_start, strlen(want_start)) == 0, "%s", buf);
    cr_assert(strstr(buf, "National ID"), "the reason names the field: %s", buf);
}

/* Commit points: with one row a batch, a commit may only fall where every
 * household seen so far is complete. */
Test(import_csv, commits_never_split_a_household)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    const char *hdr = "national_id,first_name,last_name,gender,birth_date,household\n";
    char csv[1024];
    /* H1 H2 H1 H3 H3: safe after rows 2 and 4 only, plus the final commit */
    snprintf(csv, sizeof csv, "%s%s%s%s%s%s", hdr,
             "0499370899,a,b,M,1360/01/01,H1\n", "0790419904,a,b,M,1360/01/01,H2\n",
             "0084575948,a,b,M,1360/01/01,H1\n", "0067749828,a,b,M,1360/01/01,H3\n",
             "1234567891,a,b,M,1360/01/01,H3\n");
    cr_assert_eq(run_import(csv, &c, &st, 1, &err), PV_OK, "%s", err.message);
    cr_assert_eq(st.imported, 5);
    cr_assert_eq(st.commits, 3);
    pv_file_view *v = load("0499370899");
    cr_assert_eq(v->n_members, 2, "rows apart in the file, one household");
    pv_file_view_free(v);
    /* adjacent households: a commit after each one */
    snprintf(csv, sizeof csv, "%s%s%s%s%s%s", hdr,
             "9876543210,a,b,M,1360/01/01,K1\n", "5554443338,a,b,M,1360/01/01,K1\n",
             "3141592659,a,b,M,1360/01/01,K2\n", "2718281820,a,b,M,1360/01/01,K3\n",
             "1618033980,a,b,M,1360/01/01,K3\n");
    cr_assert_eq(run_import(csv, &c, &st, 1, &err), PV_OK, "%s", err.message);
    cr_assert_eq(st.imported, 5);
    cr_assert_eq(st.commits, 4);
}

Test(import_csv, existing_household_key_gets_new_members)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(run_import("national_id,first_name,last_name,gender,birth_date,household\n"
                            ID_A ",علی,محمدی,M,1360/01/15,H9\n", &c, &st, 0, &err), PV_OK);
    cr_assert_eq(run_import("national_id,first_name,last_name,gender,birth_date,household,relation\n"
                            ID_B ",سارا,محمدی,F,1390/01/15,H9,child\n", &c, &st, 0, &err), PV_OK);
    pv_file_view *v = load(ID_A);
    cr_assert_eq(v->n_members, 2);
    pv_file_view_free(v);
}

Test(import_csv, missing_file_and_not_a_file)
{
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_import_csv(ctx, "/nonexistent/x.csv", NULL, &st, &err), PV_EFAIL);
    pv_error_clear(&err);
    cr_assert_eq(pv_import_csv(ctx, "/tmp", NULL, &st, &err), PV_EUSAGE);
    pv_error_clear(&err);
}

static int64_t sql_int(const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int name_indexes(void)
{
    return (int)sql_int("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN"
                        " ('person_fold_first', 'person_fold_last', 'person_fold_father')");
}

/* n rows "natid,first,last,M,1360/01/01,Hn" from pv_test_natid(base + i) */
static void people_csv(char *buf, size_t size, unsigned long base, int n, const char *last)
{
    size_t len = (size_t)snprintf(buf, size, "national_id,first_name,last_name,gender,birth_date,household\n");
    for (int i = 0; i < n; i++) {
        char id[11];
        pv_test_natid(base + (unsigned long)i, id);
        len += (size_t)snprintf(buf + len, size - len, "%s,رضا,%s,M,1360/01/01,G%lu\n", id, last,
                                base + (unsigned long)i / 2);
    }
}

static size_t search_count(const char *q)
{
    pv_search_hit *hits = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_search(ctx, q, 100, &hits, &n, &err), PV_OK, "%s: %s", q, err.message);
    free(hits);
    return n;
}

Test(import_csv, large_import_rebuilds_the_name_indexes)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    char csv[4096];
    people_csv(csv, sizeof csv, 100, 12, "کاظمی");
    const char *path = write_csv("big.csv", csv);
    pv_import_opts o = {.on_reject = on_reject, .arg = &c, .rebuild_min_rows = 10};
    cr_assert_eq(pv_import_csv(ctx, path, &o, &st, &err), PV_OK, "%s", err.message);
    cr_assert_eq(st.imported, 12);
    cr_assert_eq(name_indexes(), 3, "built again");
    cr_assert_eq(sql_int("SELECT count(*) FROM bulk_import"), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit WHERE tbl = 'bulk_import'"), 2,
                 "dropping and rebuilding is on the audit trail");
    cr_assert_eq(sql_int("SELECT count(*) FROM audit WHERE action = 'import'"), 1,
                 "the batch's bulk entry");
    cr_assert_eq(search_count("کاظمی"), 12);
    cr_assert_eq(search_count("رضا کاظ"), 12);

    /* again, 10 of the same people renamed and 2 new: updated, history kept */
    people_csv(csv, sizeof csv, 102, 12, "کاظم‌زاده");
    path = write_csv("big2.csv", csv);
    cr_assert_eq(pv_import_csv(ctx, path, &o, &st, &err), PV_OK, "%s", err.message);
    cr_assert_eq(st.updated, 10);
    cr_assert_eq(st.imported, 2);
    cr_assert_eq(name_indexes(), 3);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit WHERE tbl = 'bulk_import'"), 4);
    cr_assert_eq(sql_int("SELECT count(*) FROM person_history"), 10);
    cr_assert_eq(search_count("کاظمی"), 2);
    cr_assert_eq(search_count("کاظم زاده"), 12);
    cr_assert_eq(sql_int("SELECT count(*) FROM pragma_integrity_check"
                         " WHERE integrity_check <> 'ok'"), 0);

    /* a file small beside the table (under a quarter) keeps its indexes */
    people_csv(csv, sizeof csv, 500, 3, "نوری"); /* 3 rows, 14 persons */
    path = write_csv("small.csv", csv);
    o.rebuild_min_rows = 2;
    cr_assert_eq(pv_import_csv(ctx, path, &o, &st, &err), PV_OK, "%s", err.message);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit WHERE tbl = 'bulk_import'"), 6,
                 "3 rows are not under a quarter of 14: dropped again");
    people_csv(csv, sizeof csv, 600, 3, "نوری"); /* 3 rows, 17 persons */
    path = write_csv("small2.csv", csv);
    cr_assert_eq(pv_import_csv(ctx, path, &o, &st, &err), PV_OK, "%s", err.message);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit WHERE tbl = 'bulk_import'"), 6,
                 "3 rows are under a quarter of 17: no new drop");
    cr_assert_eq(search_count("نوری"), 6);
}

/* An import killed after dropping the name indexes leaves them missing and
 * its row in bulk_import. Searches still answer; the next open builds the
 * indexes, unless the importing process is still alive. */
Test(import_csv, killed_import_heals_on_the_next_open)
{
    char csv[4096], path[128];
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    people_csv(csv, sizeof csv, 300, 6, "صالحی");
    cr_assert_eq(run_import(csv, &c, &st, 0, &err), PV_OK, "%s", err.message);
    cr_assert_eq(sqlite3_exec(ctx->db, "DROP INDEX person_fold_first; DROP INDEX person_fold_last;"
                              " DROP INDEX person_fold_father;", NULL, NULL, NULL), SQLITE_OK);
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO bulk_import (id, pid) VALUES (1, %ld)", (long)getppid());
    cr_assert_eq(sqlite3_exec(ctx->db, sql, NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(search_count("صالحی"), 6, "found without the indexes");
    cr_assert_eq(search_count("رضا صال"), 6);

    /* the importer (here: our parent) is alive: left to it */
    snprintf(path, sizeof path, "%s/t.db", dir);
    pv_ctx_close(ctx);
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &ctx, &err), PV_OK, "%s", err.message);
    cr_assert_eq(name_indexes(), 0);

    /* killed: a process that has ended */
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0)
        _exit(0);
    cr_assert_eq(waitpid(child, NULL, 0), child);
    snprintf(sql, sizeof sql, "UPDATE bulk_import SET pid = %ld", (long)child);
    cr_assert_eq(sqlite3_exec(ctx->db, sql, NULL, NULL, NULL), SQLITE_OK);
    /* while another program holds the write lock the open still succeeds
     * (after the busy timeout), leaving the indexes for later */
    cr_assert_eq(sqlite3_exec(ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    pv_ctx *second = NULL;
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &second, &err), PV_OK, "%s", err.message);
    cr_assert_eq(name_indexes(), 0);
    pv_ctx_close(second);
    cr_assert_eq(sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    pv_ctx_close(ctx);
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &ctx, &err), PV_OK, "%s", err.message);
    cr_assert_eq(name_indexes(), 3, "healed on open");
    cr_assert_eq(sql_int("SELECT count(*) FROM bulk_import"), 0);
    cr_assert_eq(search_count("صالحی"), 6);
    /* opening again changes nothing */
    pv_ctx_close(ctx);
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &ctx, &err), PV_OK, "%s", err.message);
    cr_assert_eq(name_indexes(), 3);
}

static void save_during_import(void *arg, long line, const char *field, const char *message)
{
    (void)line, (void)field, (void)message;
    pv_person p = pv_test_person(777, "مریم", "قدیمی", NULL, PV_GENDER_FEMALE);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message);
    *(int *)arg += 1;
}

/* A person recorded while the import runs (after it noted which national
 * IDs existed) is still updated by a later row, not refused as taken. */
Test(import_csv, person_recorded_during_the_import_is_updated)
{
    char id[11], csv[512];
    pv_test_natid(777, id);
    snprintf(csv, sizeof csv,
             "national_id,first_name,last_name,gender,birth_date\n"
             "%s,x,y,Q,1360/01/01\n"   /* rejected: the callback records 777 */
             "%s,مریم,جدیدی,F,1360/01/01\n", ID_A, id);
    int calls = 0;
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    pv_import_opts o = {.on_reject = save_during_import, .arg = &calls};
    cr_assert_eq(pv_import_csv(ctx, write_csv("during.csv", csv), &o, &st, &err), PV_OK, "%s",
                 err.message);
    cr_assert_eq(calls, 1);
    cr_assert_eq(st.rejected, 1);
    cr_assert_eq(st.updated, 1);
    cr_assert_eq(st.imported, 0);
    pv_file_view *v = load(id);
    cr_assert_str_eq(v->person.last_name, "جدیدی");
    pv_file_view_free(v);
    cr_assert_eq(sql_int("SELECT count(*) FROM person_history"), 1, "the old version kept");
}

typedef struct line_log {
    long lines[64];
    size_t n;
} line_log;

static void log_line(void *arg, long line, const char *field, const char *message)
{
    (void)field, (void)message;
    line_log *l = arg;
    if (l->n < 64)
        l->lines[l->n++] = line;
}

/* Far more rows than the reader thread hands over at once, some with cells
 * of 20,000 bytes (handed over early): every row is handled once, in file
 * order, rejections with their own lines. */
Test(import_csv, many_rows_through_the_reader_thread)
{
    static char big[21000];
    memset(big, 'a', 20000);
    big[20000] = '\0';
    const char *path = write_csv("many.csv", "");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("national_id,first_name,last_name,gender,birth_date,household,address\n", f);
    long want[64];
    size_t nwant = 0;
    for (int i = 0; i < 1500; i++) {
        char id[11];
        pv_test_natid(1000 + (unsigned long)i, id);
        bool bad_gender = i % 100 == 7, long_addr = i % 250 == 3;
        fprintf(f, "%s,رضا,نوری,%s,1360/01/01,K%d,%s\n", id, bad_gender ? "X" : "M", i / 3,
                long_addr ? big : "تهران");
        if (bad_gender || long_addr)
            want[nwant++] = i + 2;
    }
    fclose(f);
    line_log got = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    pv_import_opts o = {.on_reject = log_line, .arg = &got, .batch_rows = 100};
    cr_assert_eq(pv_import_csv(ctx, path, &o, &st, &err), PV_OK, "%s", err.message);
    cr_assert_eq(st.rows, 1500);
    cr_assert_eq(st.rejected, nwant);
    cr_assert_eq(st.imported, 1500 - nwant);
    cr_assert_eq(got.n, nwant);
    for (size_t i = 0; i < nwant; i++)
        cr_assert_eq(got.lines[i], want[i], "rejection %zu", i);
    cr_assert_eq(sql_int("SELECT count(*) FROM person"), (int64_t)(1500 - nwant));
    cr_assert_eq(sql_int("SELECT count(*) FROM household"), 500);
}

/* A file of 1,200 rows beside 300 recorded persons loads the recorded
 * national IDs into a filter and inserts the new ones without looking them
 * up: the recorded ones are still updated, not refused; and a person
 * recorded after the filter was loaded (by the reject callback, inside the
 * import) is updated by a later row, the row being handled again when the
 * national ID turns out to be taken. */
Test(import_csv, large_file_with_recorded_ids_updates_them)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    const char *path = write_csv("first.csv", "");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("national_id,first_name,last_name,gender,birth_date,household\n", f);
    for (int i = 0; i < 300; i++) {
        char id[11];
        pv_test_natid(5000 + (unsigned long)i, id);
        fprintf(f, "%s,رضا,نوری,M,1360/01/01,R%d\n", id, i / 3);
    }
    fclose(f);
    pv_import_opts o = {.on_reject = on_reject, .arg = &c};
    cr_assert_eq(pv_import_csv(ctx, path, &o, &st, &err), PV_OK, "%s", err.message);
    cr_assert_eq(st.imported, 300);

    path = write_csv("second.csv", "");
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("national_id,first_name,last_name,gender,birth_date,household\n", f);
    char late[11];
    pv_test_natid(777, late);
    fprintf(f, "%s,x,y,Q,1360/01/01,\n", ID_A); /* rejected: the callback records 777 */
    for (int i = 0; i < 1198; i++) {
        char id[11];
        bool old = i % 4 == 0; /* 300 recorded persons among 898 new ones */
        pv_test_natid(old ? 5000 + (unsigned long)i / 4 : 20000 + (unsigned long)i, id);
        fprintf(f, "%s,رضا,%s,M,1360/01/01,%s%d\n", id, old ? "کاظمی" : "نوری", old ? "R" : "N",
                old ? i / 12 : i / 3);
    }
    fprintf(f, "%s,مریم,جدیدی,F,1360/01/01,L1\n", late);
    fclose(f);
    int calls = 0;
    pv_import_opts o2 = {.on_reject = save_during_import, .arg = &calls, .batch_rows = 100};
    cr_assert_eq(pv_import_csv(ctx, path, &o2, &st, &err), PV_OK, "%s", err.message);
    cr_assert_eq(calls, 1);
    cr_assert_eq(st.rejected, 1);
    cr_assert_eq(st.updated, 301);
    cr_assert_eq(st.imported, 898);
    cr_assert_eq(sql_int("SELECT count(*) FROM person"), 300 + 898 + 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM person WHERE last_name = 'کاظمی'"), 300);
    cr_assert_eq(sql_int("SELECT count(*) FROM person_history"), 301, "the old versions kept");
    pv_file_view *v = load(late);
    cr_assert_str_eq(v->person.last_name, "جدیدی");
    pv_file_view_free(v);
    cr_assert_eq(sql_int("SELECT count(*) FROM household WHERE external_key = 'L1'"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM casefile c JOIN household h ON h.id ="
                         " c.household_id WHERE h.external_key = 'L1'"), 1);
}

/* What another program records while the import runs: a household key and
 * a national ID that rows later in the file use. */
static void record_key_and_id(void *arg, long line, const char *field, const char *message)
{
    (void)line, (void)field, (void)message;
    pv_id hh = 0;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_household_create(ctx, "K40", &hh, &err), PV_OK, "%s", err.message);
    pv_person p = pv_test_person(60000, "مریم", "قدیمی", NULL, PV_GENDER_FEMALE);
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message);
    *(int *)arg += 1;
}

/* New persons are written many rows to a statement; when the database
 * refuses such a write (a household key and a national ID recorded
 * meanwhile), none of its rows stays and each is handled again on its own:
 * the recorded household gets the rows of its key, the recorded person is
 * updated, every other row is imported once, and each household has one
 * case file. */
Test(import_csv, rows_of_a_refused_bulk_write_are_handled_one_by_one)
{
    const char *path = write_csv("refused.csv", "");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("national_id,first_name,last_name,gender,birth_date,household\n", f);
    fprintf(f, "%s,x,y,Q,1360/01/01,\n", ID_A); /* rejected: the callback records */
    for (int i = 0; i < 1500; i++) {
        char id[11];
        pv_test_natid(i == 130 ? 60000 : 8000 + (unsigned long)i, id);
        fprintf(f, "%s,رضا,نوری,M,1360/01/01,K%d\n", id, i / 3);
    }
    fclose(f);
    int calls = 0;
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    pv_import_opts o = {.on_reject = record_key_and_id, .arg = &calls, .batch_rows = 100};
    cr_assert_eq(pv_import_csv(ctx, path, &o, &st, &err), PV_OK, "%s", err.message);
    cr_assert_eq(calls, 1);
    cr_assert_eq(st.rejected, 1);
    cr_assert_eq(st.updated, 1);
    cr_assert_eq(st.imported, 1499);
    cr_assert_eq(sql_int("SELECT count(*) FROM person"), 1500);
    cr_assert_eq(sql_int("SELECT count(*) FROM household"), 500);
    cr_assert_eq(sql_int("SELECT count(*) FROM casefile"), 500);
    cr_assert_eq(sql_int("SELECT count(*) FROM person p JOIN household h ON h.id ="
                         " p.household_id WHERE h.external_key = 'K40'"), 3);
    cr_assert_eq(sql_int("SELECT count(*) FROM person WHERE household_id IS NULL"), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM person WHERE last_name = 'قدیمی'"), 0,
                 "the recorded person updated by row 132");
}

/* A file of `tail` after 1,000 rows of one-person households (enough for
 * the importer to load its filters of recorded IDs and keys, so that new
 * persons take the fast way through the bulk inserter). */
static const char *write_padded(const char *name, const char *tail)
{
    const char *path = write_csv(name, "");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(HEADER, f);
    for (int i = 0; i < 1000; i++) {
        char id[11];
        pv_test_natid(30000 + (unsigned long)i, id);
        fprintf(f, "%s,رضا,نوری,M,1360/01/01,F%d,head,no,active\n", id, i);
    }
    fputs(tail, f);
    fclose(f);
    return path;
}

/* Rows of one household that disagree about its case file: the file is
 * born with the first row's values and changed by a later row (the last
 * one wins), with the version it replaced kept in the history. */
Test(import_csv, case_file_changed_by_a_later_row_of_its_household)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    char csv[1024];
    snprintf(csv, sizeof csv,
             "%s,علی,رضایی,M,1350/01/01,H1,head,yes,active\n"
             "%s,زهرا,رضایی,F,1355/01/01,H1,spouse,yes,active\n"
             "%s,مینا,رضایی,F,1380/01/01,H1,child,no,active\n"
             "%s,حسن,کریمی,M,1340/01/01,H2,head,no,closed\n",
             ID_A, ID_B, ID_C, ID_D);
    pv_import_opts o = {.on_reject = on_reject, .arg = &c};
    cr_assert_eq(pv_import_csv(ctx, write_padded("cf.csv", csv), &o, &st, &err), PV_OK, "%s",
                 err.message);
    cr_assert_eq(st.imported, 1004, "%s", c.n ? c.r[0].message : "");
    cr_assert_eq(sql_int("SELECT covered FROM casefile c JOIN household h ON h.id ="
                         " c.household_id WHERE h.external_key = 'H1'"), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM casefile_history"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM casefile c JOIN household h ON h.id ="
                         " c.household_id WHERE h.external_key = 'H2' AND c.status = 'closed'"
                         " AND c.closed_on <> ''"), 1);
}

/* A household's rows on either side of a row without a key (which makes a
 * household of its own): the later row's case-file values are weighed
 * against the household's own case file, not the keyless one's. */
Test(import_csv, case_file_of_a_household_interrupted_by_a_keyless_row)
{
    captured c = {0};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    char csv[1024];
    snprintf(csv, sizeof csv,
             "%s,علی,رضایی,M,1350/01/01,H1,head,no,active\n"
             "%s,حسن,کریمی,M,1340/01/01,,head,yes,active\n"
             "%s,مینا,رضایی,F,1380/01/01,H1,child,yes,active\n",
             ID_A, ID_B, ID_C);
    pv_import_opts o = {.on_reject = on_reject, .arg = &c};
    cr_assert_eq(pv_import_csv(ctx, write_padded("keyless.csv", csv), &o, &st, &err), PV_OK,
                 "%s", err.message);
    cr_assert_eq(st.imported, 1003, "%s", c.n ? c.r[0].message : "");
    cr_assert_eq(sql_int("SELECT covered FROM casefile c JOIN household h ON h.id ="
                         " c.household_id WHERE h.external_key = 'H1'"), 1,
                 "the last row of H1 covers it");
    cr_assert_eq(sql_int("SELECT count(*) FROM household"), 1002);
}

/* Every household, case file and person as one text, by national ID and
 * household key (ids and times differ between two databases). */
static char *dump_files(pv_ctx *c)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(c->db,
        "SELECT group_concat(line, char(10)) FROM (SELECT p.national_id || '|' || p.first_name"
        " || '|' || p.relation || '|' || coalesce(h.external_key, '-') || '|' || f.status || '|'"
        " || f.covered || '|' || (f.closed_on <> '') || '|' || (SELECT count(*) FROM person q"
        " WHERE q.household_id = p.household_id) AS line FROM person p JOIN household h ON"
        " h.id = p.household_id JOIN casefile f ON f.household_id = h.id ORDER BY"
        " p.national_id)", -1, &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    char *text = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return text;
}

/* The fast way (new persons in a file of 1,000 rows or more, through the
 * bulk inserter) and the slow way (the store, row by row, for smaller
 * files) leave the same files: one file of 1,200 rows of households spread
 * through it, rows without a key, case files covered, uncovered and closed
 * row by row, persons and households recorded before, against the same
 * rows imported as two files of 600. */
Test(import_csv, fast_and_slow_ways_leave_the_same_files)
{
    char *rows[1200];
    unsigned long seed = 12345;
    for (int i = 0; i < 1200; i++) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        unsigned r = (unsigned)(seed >> 33);
        char id[11], key[16] = "";
        pv_test_natid(40000 + (unsigned long)i, id);
        if (r % 10 != 0) /* a tenth without a key; households near each other in the file */
            snprintf(key, sizeof key, "K%d", i / 4 + (int)(r % 3));
        static const char *const covered[] = {"yes", "no", ""};
        static const char *const status[] = {"active", "active", "", "closed"};
        static const char *const relation[] = {"head", "spouse", "child", "child"};
        cr_assert_gt(asprintf(&rows[i], "%s,رضا,نوری,M,1360/01/01,%s,%s,%s,%s\n", id, key,
                              relation[(r >> 4) % 4], covered[(r >> 8) % 3],
                              status[(r >> 12) % 4]), 0);
    }
    /* recorded before, in both databases: persons the file updates and
     * households it adds to */
    FILE *bf = fopen(write_csv("base.csv", ""), "w");
    cr_assert_not_null(bf);
    fputs(HEADER, bf);
    for (int i = 0; i < 300; i++) {
        char id[11];
        pv_test_natid(40000 + (unsigned long)i * 4, id);
        fprintf(bf, "%s,مریم,قدیمی,F,1350/01/01,K%d,head,no,active\n", id, i * 2);
    }
    fclose(bf);
    const char *parts[3] = {"all.csv", "first.csv", "second.csv"};
    int from[3] = {0, 0, 600}, to[3] = {1200, 600, 1200};
    for (int k = 0; k < 3; k++) {
        FILE *f = fopen(write_csv(parts[k], ""), "w");
        cr_assert_not_null(f);
        fputs(HEADER, f);
        for (int i = from[k]; i < to[k]; i++)
            fputs(rows[i], f);
        fclose(f);
    }
    for (int i = 0; i < 1200; i++)
        free(rows[i]);
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    char path[128], base[128];
    snprintf(base, sizeof base, "%s/base.csv", dir);
    cr_assert_eq(pv_import_csv(ctx, base, NULL, &st, &err), PV_OK, "%s", err.message);
    snprintf(path, sizeof path, "%s/all.csv", dir);
    cr_assert_eq(pv_import_csv(ctx, path, NULL, &st, &err), PV_OK, "%s", err.message);
    cr_assert_eq(st.imported + st.updated, 1200);
    cr_assert_eq(st.updated, 300);
    pv_ctx *slow = NULL;
    snprintf(path, sizeof path, "%s/slow.db", dir);
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &slow, &err), PV_OK, "%s", err.message);
    cr_assert_eq(pv_import_csv(slow, base, NULL, &st, &err), PV_OK, "%s", err.message);
    for (int k = 1; k < 3; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, parts[k]);
        cr_assert_eq(pv_import_csv(slow, path, NULL, &st, &err), PV_OK, "%s", err.message);
        cr_assert_eq(st.imported + st.updated, 600);
    }
    char *fast_files = dump_files(ctx), *slow_files = dump_files(slow);
    cr_assert_str_eq(fast_files, slow_files);
    free(fast_files);
    free(slow_files);
    int64_t hist_fast = sql_int("SELECT count(*) FROM casefile_history");
    pv_ctx *keep = ctx;
    ctx = slow; /* sql_int reads the suite's context */
    int64_t hist_slow = sql_int("SELECT count(*) FROM casefile_history");
    ctx = keep;
    cr_assert_eq(hist_fast, hist_slow, "the same case-file changes kept");
    pv_ctx_close(slow);
}
