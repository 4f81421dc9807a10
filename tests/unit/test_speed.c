/* The bounds of the large commands: the batch eligibility list reads the
 * upper half of the table on a second thread and writes what it keeps to a
 * temporary file past a few megabytes (the list is the same, in the same
 * order); an import commits its batches even when two household keys
 * shared a 32-bit hash (which once made a whole million-row file one
 * transaction, and its WAL 430 MB). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parvande/import.h"
#include "svc_helpers.h"

#define S000 "19072703102"
#define DAY "2025-01-01"

typedef struct listing {
    char ids[64][16];
    char names[64][64];
    size_t n;
} listing;

static int collect(void *user, const pv_eligible_row *r)
{
    listing *l = user;
    if (l->n < 64) {
        snprintf(l->ids[l->n], sizeof l->ids[0], "%s", r->national_id);
        snprintf(l->names[l->n], sizeof l->names[0], "%s %s", r->first_name, r->last_name);
    }
    l->n++;
    return 0;
}

static void scan(pv_ctx *ctx, const char *split, const char *mem, listing *out)
{
    if (split)
        setenv("PARVANDE_BATCH_SPLIT_MIN", split, 1);
    else
        unsetenv("PARVANDE_BATCH_SPLIT_MIN");
    if (mem)
        setenv("PARVANDE_BATCH_MEM_MAX", mem, 1);
    else
        unsetenv("PARVANDE_BATCH_MEM_MAX");
    pv_error err = PV_ERROR_INIT;
    size_t count = 0;
    memset(out, 0, sizeof *out);
    cr_assert_eq(pv_eligible_scan(ctx, S000, DAY, collect, out, &count, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    cr_assert_eq(count, out->n);
    unsetenv("PARVANDE_BATCH_SPLIT_MIN");
    unsetenv("PARVANDE_BATCH_MEM_MAX");
}

Test(speed, batch_list_written_out_in_blocks_is_the_same)
{
    pv_ctx *ctx = svc_test_db();
    for (int k = 0; k < 30; k++) {
        pv_id hh = svc_household(ctx, true, k % 5 != 4); /* every fifth not covered */
        svc_person(ctx, hh, 500 + 2 * (unsigned long)k, PV_REL_HEAD, PV_GENDER_MALE,
                   "1970-01-01");
        svc_person(ctx, hh, 501 + 2 * (unsigned long)k, PV_REL_SPOUSE, PV_GENDER_FEMALE,
                   "1975-01-01");
    }
    listing one, two, spilled;
    scan(ctx, NULL, NULL, &one);
    cr_assert_eq(one.n, 48, "24 covered households of two: %zu", one.n);
    scan(ctx, "1", NULL, &two);
    /* 64 bytes: a block of one row or two, most of the upper half on disk */
    scan(ctx, "1", "64", &spilled);
    cr_assert_eq(two.n, one.n);
    cr_assert_eq(spilled.n, one.n);
    for (size_t i = 0; i < one.n; i++) {
        cr_assert_str_eq(two.ids[i], one.ids[i], "row %zu", i);
        cr_assert_str_eq(spilled.ids[i], one.ids[i], "row %zu", i);
        cr_assert_str_eq(spilled.names[i], one.names[i], "row %zu", i);
    }
    pv_test_db_close(ctx);
}

Test(speed, import_commits_between_keys_that_shared_a_32_bit_hash)
{
    pv_ctx *ctx = pv_test_db();
    char path[512], id[11];
    snprintf(path, sizeof path, "%s.csv", pv_test_db_path());
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("national_id,first_name,last_name,gender,birth_date,household\n", f);
    /* H0025473 and H0085523: the same 32-bit FNV-1a hash (folded) */
    pv_test_natid(1001, id);
    fprintf(f, "%s,a,b,M,1360/01/01,H0025473\n", id);
    for (unsigned long k = 0; k < 20; k++) {
        pv_test_natid(2000 + k, id);
        fprintf(f, "%s,a,b,M,1360/01/01,K%02lu\n", id, k);
    }
    pv_test_natid(1002, id);
    fprintf(f, "%s,a,b,M,1360/01/01,H0085523\n", id);
    fclose(f);
    pv_import_opts o = {.batch_rows = 1};
    pv_import_stats st;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_import_csv(ctx, path, &o, &st, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    cr_assert_eq(st.imported, 22);
    cr_assert_geq(st.commits, 20, "a commit after each household: %lu", st.commits);
    remove(path);
    pv_test_db_close(ctx);
}

/* The stored row's column as text, "" when NULL. */
static void column_of(pv_ctx *ctx, pv_id id, const char *col, char *out, size_t size)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT %s FROM person WHERE id = ?1", col);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    snprintf(out, size, "%s", t ? (const char *)t : "");
    sqlite3_finalize(st);
}

static long versions_of(pv_ctx *ctx, pv_id id)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, "SELECT count(*) FROM person_history WHERE id = ?1",
                                    -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* An update that keeps the indexed columns sets only the others (no index
 * entry rewritten); one that changes a name, or finds a folded name stored
 * differently, rewrites the whole row. Either way a version is kept. */
Test(speed, person_update_without_index_columns_and_with)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_person p = pv_test_person(7001, "محمدرضا", "کریمی", "علی", PV_GENDER_MALE);
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message);
    char buf[256];
    snprintf(p.address, sizeof p.address, "%s", "تهران، خیابان آزادی");
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message);
    column_of(ctx, p.id, "address", buf, sizeof buf);
    cr_assert_str_eq(buf, "تهران، خیابان آزادی");
    cr_assert_eq(versions_of(ctx, p.id), 1);
    /* a name change: the folded name follows */
    snprintf(p.last_name, sizeof p.last_name, "%s", "کریمی‌نژاد");
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message);
    column_of(ctx, p.id, "last_name", buf, sizeof buf);
    cr_assert_str_eq(buf, "کریمی‌نژاد");
    char fold[256];
    column_of(ctx, p.id, "fold_last", fold, sizeof fold);
    cr_assert_str_neq(fold, "");
    cr_assert_eq(versions_of(ctx, p.id), 2);
    pv_search_hit *hits = NULL;
    size_t n = 0;
    cr_assert_eq(pv_search(ctx, "کریمی‌نژاد", 10, &hits, &n, &err), PV_OK);
    cr_assert_eq(n, 1, "found by the new name through the name indexes");
    free(hits);
    /* a folded name stored otherwise (an older fold): an address change
     * rewrites the whole row and the fold is made again */
    cr_assert_eq(sqlite3_exec(ctx->db, "UPDATE person SET fold_last = 'stale'", NULL, NULL, NULL),
                 SQLITE_OK);
    snprintf(p.address, sizeof p.address, "%s", "تهران، میدان انقلاب");
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message);
    column_of(ctx, p.id, "fold_last", buf, sizeof buf);
    cr_assert_str_eq(buf, fold);
    column_of(ctx, p.id, "address", buf, sizeof buf);
    cr_assert_str_eq(buf, "تهران، میدان انقلاب");
    pv_test_db_close(ctx);
}
