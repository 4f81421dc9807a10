/* Search: national IDs in any digits, names with Persian folding (ZWNJ,
 * space or nothing; yeh/kaf variants; harakat and tatweel), several words,
 * ranking, limits and branch confinement. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "search_key.h"
#include "search_fixture.h"
#include "parvande/i18n.h"
#include "parvande/records.h"
#include "parvande/text.h"

static pv_person add(unsigned long id, const char *first, const char *last, const char *father)
{
    return add_as(id, first, last, father, PV_GENDER_MALE);
}

TestSuite(search, .init = search_init, .fini = search_fini);

/* The national IDs of the hits, sorted, joined with spaces. */
static void hit_ids(char *out, size_t size)
{
    char ids[64][11];
    size_t k = n < 64 ? n : 64;
    for (size_t i = 0; i < k; i++)
        strcpy(ids[i], hits[i].person.national_id);
    qsort(ids, k, sizeof ids[0], (int (*)(const void *, const void *))strcmp);
    out[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        strncat(out, ids[i], size - strlen(out) - 1);
        strncat(out, " ", size - strlen(out) - 1);
    }
}

static bool has(const pv_person *p)
{
    for (size_t i = 0; i < n; i++)
        if (hits[i].person.id == p->id)
            return true;
    return false;
}

Test(search, mohammadreza_written_three_ways)
{
    pv_person joined = add(1, "محمدرضا", "احمدی", NULL);
    pv_person spaced = add(2, "محمد رضا", "کریمی", NULL);
    pv_person zwnj = add(3, "محمد‌رضا", "رحیمی", NULL);
    add(4, "حمید", "رضایی", NULL);
    const char *queries[] = {"محمدرضا", "محمد رضا", "محمد‌رضا", "  محمد   رضا "};
    char first[256] = "", now[256];
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        search(queries[i], 10);
        cr_assert_eq(n, 3, "«%s»: %zu hits", queries[i], n);
        cr_assert(has(&joined) && has(&spaced) && has(&zwnj), "«%s»", queries[i]);
        hit_ids(now, sizeof now);
        if (i == 0)
            strcpy(first, now);
        cr_assert_str_eq(now, first, "«%s» finds the same persons", queries[i]);
    }
}

Test(search, arabic_yeh_and_kaf_harakat_and_tatweel)
{
    pv_person ali = add(10, "علی", "کریمی", NULL);
    pv_person mohammad = add(11, "محمد", "یکتا", NULL);
    add(12, "حسن", "نوری", NULL);
    search("علي", 10); /* Arabic yeh U+064A */
    cr_assert_eq(n, 1);
    cr_assert(has(&ali));
    search("كريمي", 10); /* Arabic kaf and yeh */
    cr_assert_eq(n, 1);
    cr_assert(has(&ali));
    search("مُحَمَّد", 10); /* harakat */
    cr_assert_eq(n, 1);
    cr_assert(has(&mohammad));
    search("محـــمد", 10); /* tatweel */
    cr_assert_eq(n, 1);
    cr_assert(has(&mohammad));
    search("يكتا", 10);
    cr_assert_eq(n, 1);
    cr_assert(has(&mohammad));
}

Test(search, prefixes_of_first_last_and_father_names)
{
    pv_person a = add(20, "فاطمه", "صادقی", "ابراهیم");
    pv_person b = add(21, "فرزانه", "ابراهیمی", "علی");
    pv_person c = add(22, "زینب", "موسوی", "رحمان");
    search("ابراه", 10);
    cr_assert_eq(n, 2, "father's name and last name prefixes");
    cr_assert(has(&a) && has(&b));
    search("صاد", 10);
    cr_assert_eq(n, 1);
    cr_assert(has(&a));
    search("زی", 10);
    cr_assert_eq(n, 1);
    cr_assert(has(&c));
    search("اکبر", 10);
    cr_assert_eq(n, 0);
}

Test(search, several_words_narrow)
{
    pv_person a = add(30, "علی", "احمدی", "حسن");
    pv_person b = add(31, "علی", "محمدی", "حسین");
    pv_person c = add(32, "رضا", "احمدی", "علی");
    search("علی", 10);
    cr_assert_eq(n, 3, "first names and a father's name");
    search("علی احمدی", 10);
    cr_assert_eq(n, 2);
    cr_assert(has(&a) && has(&c));
    search("علی احمدی حس", 10);
    cr_assert_eq(n, 1);
    cr_assert(has(&a));
    search("احمدی علی", 10);
    cr_assert_eq(n, 2, "word order does not matter");
    search("علی محم حسی", 10);
    cr_assert_eq(n, 1);
    cr_assert(has(&b));
    search("علی نوری", 10);
    cr_assert_eq(n, 0);
}

Test(search, ranking_full_name_then_exact_then_prefix)
{
    pv_person prefix = add(40, "علیرضا", "اکبری", NULL);
    pv_person father = add(41, "حسن", "باقری", "علی");
    pv_person exact_b = add(42, "علی", "توکلی", NULL);
    pv_person exact_a = add(43, "علی", "پاکزاد", NULL);
    pv_person full = add(44, "علی", "رضایی", NULL);
    pv_person longer = add(45, "علی", "رضاییان", NULL);
    search("علی", 10);
    cr_assert_eq(n, 6);
    /* exact first names, ties by last name (پاکزاد, توکلی, رضایی, رضاییان),
     * then the exact father's name, then the prefix */
    cr_assert_eq(hits[0].person.id, exact_a.id);
    cr_assert_eq(hits[1].person.id, exact_b.id);
    cr_assert_eq(hits[2].person.id, full.id);
    cr_assert_eq(hits[3].person.id, longer.id);
    cr_assert_eq(hits[4].person.id, father.id);
    cr_assert_eq(hits[5].person.id, prefix.id);
    for (size_t i = 1; i < n; i++)
        cr_assert(hits[i - 1].score >= hits[i].score);
    search("علی رضایی", 10);
    cr_assert_eq(n, 2);
    cr_assert_eq(hits[0].person.id, full.id, "the exact full name first");
    cr_assert_eq(hits[1].person.id, longer.id);
    cr_assert(hits[0].score > hits[1].score);
}

Test(search, limit_keeps_the_best)
{
    char first[64];
    for (unsigned long i = 0; i < 26; i++) {
        snprintf(first, sizeof first, "زهرا");
        char last[64];
        /* last names in reverse order of insertion */
        snprintf(last, sizeof last, "کاظمی%c", (char)('z' - (char)i));
        add(100 + i, first, last, NULL);
    }
    add(200, "زهره", "آذری", NULL);
    search("زهرا", 5);
    cr_assert_eq(n, 5);
    for (size_t i = 1; i < n; i++)
        cr_assert(strcmp(hits[i - 1].person.last_name, hits[i].person.last_name) < 0,
                  "ties ordered by last name");
    cr_assert_str_eq(hits[0].person.last_name, "کاظمیa");
    search("زهر", 0); /* 0: the default limit */
    cr_assert_eq(n, 20);
    search("زهر", 100);
    cr_assert_eq(n, 27);
}

Test(search, national_id_in_any_digits)
{
    pv_person a = add(300, "پریسا", "نادری", NULL);
    add(301, "پرستو", "نادری", NULL);
    search(a.national_id, 10);
    cr_assert_eq(n, 1);
    cr_assert(has(&a));
    char fa[64];
    pv_digits_persian(a.national_id, fa, sizeof fa);
    search(fa, 10);
    cr_assert_eq(n, 1);
    cr_assert(has(&a));
    /* a prefix of at least four digits */
    char prefix[8];
    memcpy(prefix, a.national_id, 7);
    prefix[7] = '\0';
    search(prefix, 10);
    cr_assert_eq(n, 2, "both IDs start 1000030");
    search("9999999999", 10);
    cr_assert_eq(n, 0);
    free(hits);
    hits = NULL;
    cr_assert_eq(pv_search(ctx, "12", 10, &hits, &n, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "query");
}

Test(search, hits_carry_the_file_status)
{
    pv_id hh;
    OK(pv_household_create(ctx, "S1", &hh, &err));
    pv_person p = pv_test_person(400, "کوثر", "ملکی", NULL, PV_GENDER_FEMALE);
    p.household_id = hh;
    OK(pv_person_save(ctx, &p, &err));
    add(401, "کوثر", "ملکان", NULL);
    search("کوثر ملکی", 10);
    cr_assert_eq(n, 1);
    cr_assert(hits[0].has_file);
    cr_assert_eq(hits[0].file_status, PV_FILE_ACTIVE);
    cr_assert_str_eq(hits[0].person.first_name, "کوثر");
    cr_assert_eq(hits[0].person.gender, PV_GENDER_FEMALE);
    search("ملکان", 10);
    cr_assert_eq(n, 1);
    cr_assert(!hits[0].has_file);
}

Test(search, empty_query_is_refused)
{
    cr_assert_eq(pv_search(ctx, "   ", 10, &hits, &n, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "query");
    cr_assert_eq(pv_search(ctx, "ـ", 10, &hits, &n, &err), PV_EINVAL, "a lone tatweel");
}

Test(search, caseworker_sees_only_the_branch)
{
    pv_person p = add(500, "سپیده", "قاسمی", NULL);
    pv_test_actor(ctx, "far", PV_ROLE_CASEWORKER, 2);
    search("سپیده", 10);
    cr_assert_eq(n, 0);
    search(p.national_id, 10);
    cr_assert_eq(n, 0);
    pv_test_actor(ctx, "near", PV_ROLE_CASEWORKER, 1);
    search("سپیده", 10);
    cr_assert_eq(n, 1);
    search(p.national_id, 10);
    cr_assert_eq(n, 1);
}

/* ---- short prefixes through the person_sort index -------------------------
 * A one-word prefix tier may be read in tie order from the person_sort
 * index (core/search_key.h) and stop early; it must give exactly what the
 * full scan without that index gives. */

static void sort_index(bool present)
{
    char *msg = NULL;
    int rc = sqlite3_exec(ctx->db, present ? pv_sql_sort_index : "DROP INDEX IF EXISTS "
                                   PV_SORT_INDEX_NAME, NULL, NULL, &msg);
    cr_assert_eq(rc, SQLITE_OK, "%s", msg ? msg : "?");
    sqlite3_free(msg);
}

/* Many persons at once, straight into the table (names already folded). */
static void populate(size_t count)
{
    static const char *const firsts[] = {
        "محمد", "محمود", "محسن", "محبوبه", "محدثه", "محمدرضا", "محمدعلی", "محیا",
        "محراب", "محتشم", "مریم", "علی", "زهرا", "کاوه", "گلناز", "هانیه",
    };
    static const char *const lasts[] = {
        "پاکزاد", "توکلی", "چمران", "جعفری", "ژیان", "زارعی", "کاظمی", "گودرزی",
        "قاسمی", "وحیدی", "هاشمی", "یزدانی", "محمدی", "محسنی", "مهدوی", "باقری",
        "عباسی", "ahmadi", "ک", "گ", "ه", "و", "محمدیان", "محمودی",
    };
    static const char *const fathers[] = {"حسن", "محمد", "کریم", "گودرز", "هادی", ""};
    size_t nf = sizeof firsts / sizeof *firsts, nl = sizeof lasts / sizeof *lasts;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_exec(ctx->db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(ctx->db,
                                    "INSERT INTO person (id, national_id, first_name, last_name,"
                                    " father_name, fold_first, fold_last, fold_father,"
                                    " branch_code) VALUES (?1, printf('%010d', ?1), ?2, ?3, ?4,"
                                    " ?2, ?3, ?4, 1)",
                                    -1, &st, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(ctx->db));
    for (size_t i = 0; i < count; i++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)(1000000 + i * 7919 % 1000003));
        sqlite3_bind_text(st, 2, firsts[i % nf], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, lasts[(i / nf + i) % nl], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, fathers[i % 6], -1, SQLITE_STATIC);
        cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "%s", sqlite3_errmsg(ctx->db));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    cr_assert_eq(sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
}

static const char *const short_queries[] = {
    "مح", "م", "محم", "محس", "محمد", "ک", "گ", "ه", "و", "پا", "ز", "a", "ah", "یز", "علی",
    "مه", "گو", "کا", "ها", "حس",
};
static const size_t limits[] = {1, 7, 20, 100};
#define N_RUNS (sizeof short_queries / sizeof *short_queries * sizeof limits / sizeof *limits)

/* The hits of every short query at every limit: ids and scores in order. */
static void run_short_queries(pv_id (*ids)[100], int (*scores)[100], size_t *counts)
{
    size_t r = 0;
    for (size_t q = 0; q < sizeof short_queries / sizeof *short_queries; q++)
        for (size_t l = 0; l < sizeof limits / sizeof *limits; l++, r++) {
            search(short_queries[q], limits[l]);
            counts[r] = n;
            for (size_t i = 0; i < n; i++)
                ids[r][i] = hits[i].person.id, scores[r][i] = hits[i].score;
        }
}

Test(search, sorted_walk_gives_what_the_full_scan_gives)
{
    populate(7000); /* 10 of 16 first names begin with مح: 4375, walked in tie order */
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db,
                                    "SELECT count(*) FROM person WHERE fold_first LIKE 'مح%'"
                                    " AND fold_first <> 'مح'",
                                    -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int many = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    static pv_id ids_scan[N_RUNS][100], ids_walk[N_RUNS][100];
    static int sc_scan[N_RUNS][100], sc_walk[N_RUNS][100];
    static size_t n_scan[N_RUNS], n_walk[N_RUNS];
    sort_index(false);
    run_short_queries(ids_scan, sc_scan, n_scan);
    /* with the index; then with it but without the first-name index (an
     * import that drops the name indexes alone), statements prepared before */
    for (int pass = 0; pass < 2; pass++) {
        sort_index(true);
        if (pass == 1)
            cr_assert_eq(sqlite3_exec(ctx->db, "DROP INDEX person_fold_first", NULL, NULL, NULL),
                         SQLITE_OK);
        run_short_queries(ids_walk, sc_walk, n_walk);
        for (size_t r = 0; r < N_RUNS; r++) {
            const char *q = short_queries[r / (sizeof limits / sizeof *limits)];
            cr_assert_eq(n_walk[r], n_scan[r], "pass %d, %s: %zu hits, not %zu", pass, q,
                         n_walk[r], n_scan[r]);
            for (size_t i = 0; i < n_scan[r]; i++) {
                cr_assert_eq(ids_walk[r][i], ids_scan[r][i], "pass %d, %s, hit %zu", pass, q, i);
                cr_assert_eq(sc_walk[r][i], sc_scan[r][i], "pass %d, %s, score %zu", pass, q, i);
            }
        }
    }
    cr_assert_gt(many, 4000, "enough first names for the walk from the start");
}

Test(search, prefix_ties_in_persian_alphabetical_order)
{
    /* last names given out of order; U+067E پ, U+0686 چ, U+0698 ژ, U+06A9 ک,
     * U+06AF گ come after the Arabic letters in Unicode, and ه before و */
    static const char *const lasts[] = {"ی", "ه", "و", "گل", "گ", "کاظمی", "ک", "لطفی", "قاسمی",
                                        "ژیان", "زارع", "سبحانی", "چمران", "جعفری", "حیدری",
                                        "تهرانی", "پاکزاد", "پ", "بابایی", "ahmadi"};
    static const char *const sorted[] = {"ahmadi", "بابایی", "پ", "پاکزاد", "تهرانی", "جعفری", "چمران",
                                         "حیدری", "زارع", "ژیان", "سبحانی", "قاسمی", "ک",
                                         "کاظمی", "گ", "گل", "لطفی", "و", "ه", "ی"};
    size_t k = sizeof lasts / sizeof *lasts;
    for (size_t i = 0; i < k; i++)
        add(600 + i, "ساراگل", lasts[i], NULL);
    for (int present = 0; present < 2; present++) {
        sort_index(present);
        search("سا", 100);
        cr_assert_eq(n, k);
        /* other characters by code point: Latin letters before the Persian ones */
        for (size_t i = 0; i < k; i++)
            cr_assert_str_eq(hits[i].person.last_name, sorted[i], "%s: hit %zu",
                             present ? "walk" : "scan", i);
        for (size_t lim = 1; lim <= k; lim++) { /* every limit stops at the right row */
            search("سا", lim);
            cr_assert_eq(n, lim);
            for (size_t i = 0; i < lim; i++)
                cr_assert_str_eq(hits[i].person.last_name, sorted[i], "limit %zu, hit %zu", lim,
                                 i);
        }
    }
}
