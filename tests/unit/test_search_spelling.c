/* Search: a name found however it is typed. Compound names split by a
 * space, by a ZWNJ or joined, in any query, in any order of the names,
 * each name's last word a prefix; the Arabic letters Persian users mix
 * up; and a generated property test over random recorded names. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search_fixture.h"
#include "parvande/i18n.h"
#include "parvande/records.h"
#include "parvande/text.h"

#define ZWNJ "\xE2\x80\x8C"

static pv_person add(unsigned long id, const char *first, const char *last, const char *father)
{
    return add_as(id, first, last, father, PV_GENDER_FEMALE);
}

TestSuite(search_spelling, .init = search_init, .fini = search_fini);

/* The place of p among the hits, or -1. */
static int rank_of(const pv_person *p)
{
    for (size_t i = 0; i < n; i++)
        if (hits[i].person.id == p->id)
            return (int)i;
    return -1;
}

Test(search_spelling, compound_first_name_split_in_a_full_name)
{
    pv_person mr = add(1, "محمدرضا", "کریمی", NULL);
    pv_person other = add(2, "محمد", "کریمیان", "رضا");
    add(3, "رضا", "محمدی", NULL);
    const char *queries[] = {"محمد رضا کریمی", "کریمی محمد رضا", "محمدرضا کریمی",
                             "محمد" ZWNJ "رضا کریمی", "کریمی محمدرضا", "محمد رضا کری"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        search(queries[i], 10);
        cr_assert_eq(rank_of(&mr), 0, "«%s» finds محمدرضا کریمی first (%zu hits)", queries[i],
                     n);
    }
    search("کری محمد ر", 10); /* محمد کریمیان, father رضا, fits these better */
    cr_assert_geq(rank_of(&mr), 0, "each name's last word a prefix");
    /* the same words also fall on محمد کریمیان, father رضا, but as three
     * names: the whole full name ranks first */
    search("محمد رضا کریمی", 10);
    cr_assert_eq(n, 2);
    cr_assert_eq(rank_of(&other), 1);
    cr_assert(hits[0].score > hits[1].score);
    /* a run keeps the order of its name: رضا محمد is no compound */
    search("رضا محمد کریمی", 10);
    cr_assert_eq(rank_of(&mr), -1, "no name begins with رضامحمد and the first name is taken");
    cr_assert_eq(rank_of(&other), 0);
}

Test(search_spelling, compound_last_name_split)
{
    pv_person zm = add(10, "زهرا", "ملک" ZWNJ "زاده", NULL);
    pv_person zs = add(11, "زهرا", "ملک زاده", NULL);
    add(12, "زهرا", "ملکی", NULL);
    add(13, "سارا", "ملک" ZWNJ "زاده", NULL);
    const char *queries[] = {"زهرا ملک زاده", "ملک زاده زهرا", "زهرا ملکزاده", "زهرا ملک" ZWNJ "زاده",
                             "ملک زا زه"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        search(queries[i], 10);
        cr_assert_eq(n, 2, "«%s»: %zu hits", queries[i], n);
        cr_assert(rank_of(&zm) >= 0 && rank_of(&zs) >= 0, "«%s»", queries[i]);
    }
    search("زهرا ملک", 10);
    cr_assert_eq(n, 3, "ملک: a prefix of ملکزاده and of ملکی");
}

Test(search_spelling, three_word_compound_and_father)
{
    pv_person p = add(20, "سید محمد" ZWNJ "حسین", "نیک" ZWNJ "بخت", "علی اکبر");
    add(21, "سید", "محمدی", "حسین");
    const char *queries[] = {"سید محمد حسین نیک بخت", "نیکبخت سیدمحمدحسین",
                             "سید محمد حسین علی اکبر", "علی اکبر نیک بخت سید",
                             "سیدمحمد حسین نیک"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        search(queries[i], 10);
        cr_assert_eq(rank_of(&p), 0, "«%s»", queries[i]);
    }
    search("سید محمد حسین نیک بخت", 10);
    cr_assert_eq(n, 1, "سید محمدی حسین has no name beginning نیک");
}

Test(search_spelling, arabic_letters_folded)
{
    pv_person a = add(30, "آیدا", "کریمی", "یاسر");
    pv_person b = add(31, "فاطمه", "اسدی", NULL);
    pv_person c = add(32, "مرتضی", "حمزه", NULL);
    struct {
        const char *query;
        const pv_person *who;
    } cases[] = {
        {"كريمي", &a},          /* Arabic kaf U+0643 and yeh U+064A */
        {"کریمى", &a},          /* alef maksura U+0649 */
        {"ايدا", &a},           /* آ typed as ا */
        {"آیدا كريمى", &a},
        {"ياسر", &a},
        {"فاطمة", &b},          /* teh marbuta U+0629 */
        {"فاطمۀ", &b},          /* heh with yeh U+06C0 */
        {"أسدي", &b},           /* alef with hamza above U+0623 */
        {"إسدی", &b},           /* alef with hamza below U+0625 */
        {"مرتضي حمزه", &c},
        {"مُرتَضی", &c},        /* harakat */
        {"مرتـــضی", &c},       /* tatweel */
        {"حمزة مرتضى", &c},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        search(cases[i].query, 10);
        cr_assert_eq(n, 1, "«%s»: %zu hits", cases[i].query, n);
        cr_assert_eq(hits[0].person.id, cases[i].who->id, "«%s»", cases[i].query);
    }
}

Test(search_spelling, every_word_must_be_placed)
{
    add(40, "علی", "رضایی", "حسن");
    search("علی رضایی حسن", 10);
    cr_assert_eq(n, 1);
    search("علی رضایی حسن محمد", 10);
    cr_assert_eq(n, 0, "a fourth name is on nobody");
    search("علی رضایی نوری", 10);
    cr_assert_eq(n, 0);
    search("علی علی", 10);
    cr_assert_eq(n, 0, "one first name is not two names");
}

/* ---- the generated property test -------------------------------------------
 * Random persons with compound names recorded in one of three ways; for each,
 * random spellings of a random choice of its names, in a random order, each
 * compound typed in one or several words, the last word of a name cut to a
 * prefix, Arabic letters in place of Persian ones, harakat and tatweel. Every
 * spelling must find the person. The generator is seeded: a failure names the
 * seed, the person and the query. */

static uint64_t rng_state;

static uint32_t rnd(uint32_t below)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % below);
}

static const char *const first_parts[] = {"محمد", "رضا", "علی", "حسین", "امیر", "مهدی", "زهرا",
                                          "فاطمه", "سیده", "مریم", "حمید", "یاسمن", "کیانا",
                                          "آرش", "نرگس", "اکبر", "سکینه", "مصطفی"};
static const char *const last_parts[] = {"کریمی", "ملک", "زاده", "احمدی", "پور", "حسینی", "قلی",
                                         "نیک", "بخت", "آقایی", "اسماعیلی", "موسوی", "کاظم",
                                         "یگانه", "طاهری", "رحمت"};
static const char *const joiners[] = {"", " ", ZWNJ};

typedef struct rec_name {
    const char *part[3];
    size_t n;
} rec_name;

static rec_name random_name(const char *const *pool, size_t pool_n, size_t max_parts)
{
    rec_name r = {.n = 1 + rnd((uint32_t)max_parts)};
    for (size_t i = 0; i < r.n; i++)
        r.part[i] = pool[rnd((uint32_t)pool_n)];
    return r;
}

/* The parts joined by `joiner` (recorded) into out. */
static void join(const rec_name *r, const char *joiner, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            strncat(out, joiner, size - strlen(out) - 1);
        strncat(out, r->part[i], size - strlen(out) - 1);
    }
}

/* Appends one character of a typed name, maybe in an Arabic form, maybe
 * with a haraka or a tatweel after it. `last`: the name's last character. */
static void type_char(uint32_t cp, const char *utf8, size_t len, bool last, char *out,
                      size_t size)
{
    const char *alt = NULL;
    if (rnd(3) == 0) {
        switch (cp) {
        case 0x06CC: alt = rnd(2) ? "\xD9\x8A" : "\xD9\x89"; break; /* ي ى */
        case 0x06A9: alt = "\xD9\x83"; break;                       /* ك */
        case 0x0647: alt = rnd(2) ? "\xD8\xA9" : "\xDB\x80"; break; /* ة ۀ */
        case 0x0627: alt = rnd(2) ? "\xD8\xA3" : "\xD8\xA5"; break; /* أ إ */
        case 0x0622: alt = "\xD8\xA7"; break;                       /* آ typed as ا */
        default: break;
        }
    }
    size_t at = strlen(out);
    if (alt)
        snprintf(out + at, size - at, "%s", alt);
    else
        snprintf(out + at, size - at, "%.*s", (int)len, utf8);
    if (rnd(8) == 0)
        strncat(out, "\xD9\x8E", size - strlen(out) - 1); /* fatha */
    if (!last && rnd(8) == 0)
        strncat(out, "\xD9\x80", size - strlen(out) - 1); /* tatweel */
}

/* Types a part (or its first `keep` characters, all when 0). */
static void type_part(const char *part, size_t keep, char *out, size_t size)
{
    size_t len = strlen(part), chars = 0, i = 0;
    while (i < len && (keep == 0 || chars < keep)) {
        uint32_t cp;
        size_t clen = pv_utf8_decode(part + i, len - i, &cp);
        cr_assert_gt(clen, 0);
        type_char(cp, part + i, clen, i + clen == len, out, size);
        i += clen, chars++;
    }
}

/* Types a name: its parts each separated by a space, a ZWNJ or nothing;
 * with `cut`, the last part cut to a prefix of at least one character. */
static void type_name(const rec_name *r, bool cut, char *out, size_t size)
{
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            strncat(out, joiners[rnd(3)], size - strlen(out) - 1);
        size_t keep = 0;
        if (cut && i == r->n - 1)
            keep = 1 + rnd((uint32_t)pv_utf8_length(r->part[i]));
        type_part(r->part[i], keep, out, size);
    }
}

#define PERSONS 120
#define SPELLINGS 25

Test(search_spelling, every_spelling_finds_the_person, .timeout = 120)
{
    uint64_t seed = (uint64_t)strtoull(getenv("PV_SEARCH_SEED") ? getenv("PV_SEARCH_SEED")
                                                                : "20261203", NULL, 10);
    rng_state = seed ? seed : 1;
    static rec_name names[PERSONS][3];
    static pv_person persons[PERSONS];
    for (size_t i = 0; i < PERSONS; i++) {
        names[i][0] = random_name(first_parts, sizeof first_parts / sizeof *first_parts, 3);
        names[i][1] = random_name(last_parts, sizeof last_parts / sizeof *last_parts, 2);
        names[i][2] = random_name(first_parts, sizeof first_parts / sizeof *first_parts, 2);
        char rec[3][256];
        for (int k = 0; k < 3; k++)
            join(&names[i][k], joiners[rnd(3)], rec[k], sizeof rec[k]);
        persons[i] = add(1000 + i, rec[0], rec[1], rnd(4) ? rec[2] : NULL);
        if (!persons[i].father_name[0])
            names[i][2].n = 0;
    }
    size_t tried = 0;
    for (size_t i = 0; i < PERSONS; i++) {
        for (int s = 0; s < SPELLINGS; s++) {
            /* a random non-empty choice of the names, in a random order */
            int order[3] = {0, 1, 2}, chosen = 0;
            for (int k = 2; k > 0; k--) {
                int j = (int)rnd((uint32_t)k + 1), t = order[k];
                order[k] = order[j];
                order[j] = t;
            }
            char q[512] = "";
            for (int k = 0; k < 3; k++) {
                const rec_name *r = &names[i][order[k]];
                if (r->n == 0 || rnd(3) == 0)
                    continue;
                if (chosen++)
                    strncat(q, rnd(4) ? " " : "  ", sizeof q - strlen(q) - 1);
                type_name(r, rnd(3) == 0, q, sizeof q);
            }
            if (!chosen)
                type_name(&names[i][0], rnd(2), q, sizeof q);
            search(q, 1000);
            cr_assert(rank_of(&persons[i]) >= 0,
                      "seed %llu: «%s» does not find «%s» «%s» «%s» (%zu hits)",
                      (unsigned long long)seed, q, persons[i].first_name, persons[i].last_name,
                      persons[i].father_name, n);
            tried++;
        }
    }
    cr_assert_eq(tried, PERSONS * SPELLINGS);
}

/* The full name typed exactly ranks the person with the best. */
Test(search_spelling, a_full_name_ranks_first, .timeout = 60)
{
    rng_state = 7;
    static pv_person persons[60];
    for (size_t i = 0; i < 60; i++) {
        rec_name f = random_name(first_parts, sizeof first_parts / sizeof *first_parts, 2);
        rec_name l = random_name(last_parts, sizeof last_parts / sizeof *last_parts, 2);
        char first[256], last[256];
        join(&f, joiners[rnd(3)], first, sizeof first);
        join(&l, joiners[rnd(3)], last, sizeof last);
        persons[i] = add(2000 + i, first, last, NULL);
        char q[600];
        snprintf(q, sizeof q, rnd(2) ? "%s %s" : "%2$s %1$s", first, last);
        search(q, 1000);
        int r = rank_of(&persons[i]);
        cr_assert(r >= 0, "«%s»", q);
        cr_assert_eq(hits[r].score, hits[0].score, "«%s»: ranked %d, below «%s %s»", q, r,
                     hits[0].person.first_name, hits[0].person.last_name);
    }
}
