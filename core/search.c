/* parvande — finding a beneficiary by national ID or by name.
 *
 * Names are compared in their folded form (pv_text_fold: Arabic letters
 * folded to Persian ones, harakat, tatweel, ZWNJ and spaces gone), so a
 * compound name is one word however it was recorded or typed. A person
 * matches when the query's words, in runs of consecutive words run
 * together, fall on distinct names: each run the whole or a prefix of the
 * folded first, last or father's name. "محمد رضا کریمی", "کریمی محمد رضا"
 * and "محمدرضا کری" all find محمدرضا کریمی; the runs may come in any
 * order, the words inside a run in the order of the name.
 *
 * Speed on a million persons: one word drives the index (the longest, the
 * most selective): every run that holds it begins at it or at an earlier
 * word, so a covering index range per name column (fold_X >= P AND fold_X
 * < P || U+10FFFF) for P = that word and P = each earlier word run together
 * up to it finds every match; the other words are checked in C on the
 * folded names the index already holds, and only the best `limit`
 * candidates are kept and read in full. Ties are
 * ordered by last name, then first name, in Persian alphabetical order
 * (other characters, Latin letters and digits, by code point, before the
 * Persian letters), then id: the order of the person_sort index
 * (core/search_key.h), through which a one-word query's prefix tier reads
 * its best rows first and stops, so that "م" or "مح" costs what "محمد"
 * does. Without that index (an old database, a large import running) the
 * same hits come from the name indexes, more slowly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parvande/authz.h"
#include "parvande/records.h"
#include "parvande/text.h"
#include "search_key.h"

#define MAX_WORDS 8
#define DEFAULT_LIMIT 20
#define MAX_LIMIT 1000
#define PREFIX_END "\xF4\x8F\xBF\xBF" /* U+10FFFF: sorts after any character */

/* Scores, per run of words: a whole name beats a prefix, a first or last
 * name counts more than the father's name, each times the words in the
 * run; the first and the last name both whole (the full name) beat any
 * other match. */
enum { SCORE_FULL = 1000, SCORE_EXACT = 100, SCORE_EXACT_FATHER = 50, SCORE_PREFIX = 10,
       SCORE_PREFIX_FATHER = 5, SCORE_NATID_EXACT = 1000, SCORE_NATID_PREFIX = 500 };

/* Candidates by one prefix, each name column through its own covering
 * index; a row found by an earlier column is not repeated by a later one.
 * Every query comes twice: forced onto the name indexes, and plain for the
 * minutes a large import runs without them (see core/import.c), when a
 * search still answers, by reading the whole table. */
#define NAME_COLS "SELECT id, fold_first, fold_last, fold_father FROM person "
#define IN_BRANCH " AND (?3 = 0 OR branch_code = ?3)"
#define BY_FIRST "INDEXED BY person_fold_first "
#define BY_LAST "INDEXED BY person_fold_last "
#define BY_FATHER "INDEXED BY person_fold_father "
#define Q_BY_PREFIX(F, L, P)                                                   \
    NAME_COLS F "WHERE fold_first >= ?1 AND fold_first < ?2" IN_BRANCH          \
    " UNION ALL " NAME_COLS L "WHERE fold_last >= ?1 AND fold_last < ?2" IN_BRANCH \
    " AND NOT (fold_first >= ?1 AND fold_first < ?2)"                           \
    " UNION ALL " NAME_COLS P "WHERE fold_father >= ?1 AND fold_father < ?2" IN_BRANCH \
    " AND NOT (fold_first >= ?1 AND fold_first < ?2)"                           \
    " AND NOT (fold_last >= ?1 AND fold_last < ?2)"

/* A one-word query reads its candidates tier by tier, best score first,
 * and stops as soon as the kept hits all beat the next tier: "محمد" then
 * reads the few thousand people called exactly that, not the tens of
 * thousands whose names merely begin with it. Rows of a better tier that a
 * later query returns again are skipped by their score. */
#define Q_EXACT_FIRST_LAST(F, L)                                                \
    NAME_COLS F "WHERE fold_first = ?1" IN_BRANCH                               \
    " UNION ALL " NAME_COLS L "WHERE fold_last = ?1 AND fold_first <> ?1" IN_BRANCH
#define Q_EXACT_FATHER(P) NAME_COLS P "WHERE fold_father = ?1" IN_BRANCH
#define Q_PREFIX_FIRST_LAST(F, L)                                               \
    NAME_COLS F "WHERE fold_first > ?1 AND fold_first < ?2" IN_BRANCH           \
    " UNION ALL " NAME_COLS L "WHERE fold_last > ?1 AND fold_last < ?2" IN_BRANCH \
    " AND NOT (fold_first > ?1 AND fold_first < ?2)"
#define Q_PREFIX_FATHER(P) NAME_COLS P "WHERE fold_father > ?1 AND fold_father < ?2" IN_BRANCH

/* A short, common prefix ("مح") begins the names of tens of thousands:
 * the prefix tier then walks the persons in tie order (last name, first
 * name, id: the person_sort index) and stops at the first row that ranks
 * below every kept hit. First names: a walk from the start, which meets a
 * hit every few rows when many first names begin so (more than
 * WALK_FIRST_MIN); fewer are read straight from their index range. Last
 * names: the walk over the prefix's own key range. */
#define WALK_FIRST_MIN 4000
#define SORT_COLS "SELECT id, fold_first, fold_last, fold_father FROM person INDEXED BY " \
    PV_SORT_INDEX_NAME " "
#define SORT_ORDER " ORDER BY " PV_SORT_KEY("fold_last") ", " PV_SORT_KEY("fold_first") ", id"
static const char SQL_WALK_ALL[] = SORT_COLS "WHERE (?3 = 0 OR branch_code = ?3)" SORT_ORDER;
static const char SQL_WALK_LAST[] =
    SORT_COLS "WHERE " PV_SORT_KEY("fold_last") " >= " PV_SORT_KEY("?1") " AND " PV_SORT_KEY(
        "fold_last") " < " PV_SORT_KEY("?1") "||" PV_KEY_END IN_BRANCH SORT_ORDER;
static const char SQL_COUNT_FIRST[] =
    "SELECT count(*) FROM (SELECT 1 FROM person " BY_FIRST
    "WHERE fold_first > ?1 AND fold_first < ?2 LIMIT ?3)";
#define Q_PREFIX_FIRST(F) NAME_COLS F "WHERE fold_first > ?1 AND fold_first < ?2" IN_BRANCH
static const char SQL_PREFIX_FIRST[] = Q_PREFIX_FIRST(BY_FIRST);
static const char SQL_PREFIX_FIRST_PLAIN[] = Q_PREFIX_FIRST("");

typedef struct name_sql {
    const char *indexed, *plain;
} name_sql;

static const char SQL_BY_PREFIX[] = Q_BY_PREFIX(BY_FIRST, BY_LAST, BY_FATHER);
static const char SQL_BY_PREFIX_PLAIN[] = Q_BY_PREFIX("", "", "");
static const char SQL_EXACT_FIRST_LAST[] = Q_EXACT_FIRST_LAST(BY_FIRST, BY_LAST);
static const char SQL_EXACT_FIRST_LAST_PLAIN[] = Q_EXACT_FIRST_LAST("", "");
static const char SQL_EXACT_FATHER[] = Q_EXACT_FATHER(BY_FATHER);
static const char SQL_EXACT_FATHER_PLAIN[] = Q_EXACT_FATHER("");
static const char SQL_PREFIX_FIRST_LAST[] = Q_PREFIX_FIRST_LAST(BY_FIRST, BY_LAST);
static const char SQL_PREFIX_FIRST_LAST_PLAIN[] = Q_PREFIX_FIRST_LAST("", "");
static const char SQL_PREFIX_FATHER[] = Q_PREFIX_FATHER(BY_FATHER);
static const char SQL_PREFIX_FATHER_PLAIN[] = Q_PREFIX_FATHER("");

static const name_sql BY_PREFIX = {SQL_BY_PREFIX, SQL_BY_PREFIX_PLAIN};

static const char SQL_BY_NATID[] =
    "SELECT id FROM person WHERE national_id >= ?1 AND national_id < ?2"
    " AND (?3 = 0 OR branch_code = ?3) ORDER BY national_id LIMIT ?4";
static const char SQL_HIT[] =
    "SELECT p.id, p.household_id, p.relation, p.national_id, p.first_name, p.last_name,"
    " p.father_name, p.gender, p.birth_date, p.phone, p.province, p.county, p.address,"
    " p.area, p.disability, p.guardianship, p.judicial_order, p.branch_code, f.status"
    " FROM person p LEFT JOIN casefile f ON f.household_id = p.household_id WHERE p.id = ?1";

typedef struct query {
    char words[MAX_WORDS][PV_NAME_SZ]; /* folded */
    size_t len[MAX_WORDS];             /* their lengths in bytes */
    size_t n;
    size_t driver;                     /* index of the word that drives the index */
} query;

typedef struct cand {
    pv_id id;
    int score;
    char last[PV_NAME_SZ], first[PV_NAME_SZ]; /* folded */
} cand;

/* The best candidates so far, best first, at most cap. */
typedef struct topk {
    cand *c;
    size_t n, cap;
} topk;

static bool prefix_of(const char *p, const char *s)
{
    return strncmp(s, p, strlen(p)) == 0;
}

enum { NM_FIRST, NM_LAST, NM_FATHER, N_NAMES };
#define FULL_NAME (1u << NM_FIRST | 1u << NM_LAST)

/* One way of placing the words from `from` on: best score so far of the
 * words before it in `sum` (of which `father` on the father's name), the
 * names taken in `used`, those matched whole in `whole`. */
typedef struct placing {
    unsigned used, whole;
    int sum, father;
} placing;

static int run_score(int name, bool whole, size_t words)
{
    int base = name == NM_FATHER ? (whole ? SCORE_EXACT_FATHER : SCORE_PREFIX_FATHER)
                                   : (whole ? SCORE_EXACT : SCORE_PREFIX);
    return base * (int)words;
}

/* The best score of placing words[from..] on the names not yet used; 0
 * when they cannot all be placed. A run of words from `from` on goes on
 * one name while it is a prefix of it; at most three runs, so few ways. */
static int place(const query *q, size_t from, const char *const names[N_NAMES], placing p)
{
    if (from == q->n)
        return (p.whole & FULL_NAME) == FULL_NAME ? SCORE_FULL + p.father : p.sum;
    int best = 0;
    for (int c = 0; c < N_NAMES; c++) {
        if (p.used & 1u << c)
            continue;
        const char *name = names[c];
        size_t off = 0;
        for (size_t k = from; k < q->n && strncmp(name + off, q->words[k], q->len[k]) == 0;
             k++) {
            off += q->len[k];
            bool whole = name[off] == '\0';
            int s = run_score(c, whole, k - from + 1);
            placing next = {p.used | 1u << c, p.whole | (whole ? 1u << c : 0), p.sum + s,
                            p.father + (c == NM_FATHER ? s : 0)};
            int total = place(q, k + 1, names, next);
            if (total > best)
                best = total;
        }
    }
    return best;
}

/* 0 when the row does not match the query. */
static int row_score(const query *q, const char *ff, const char *fl, const char *fp)
{
    const char *const names[N_NAMES] = {ff, fl, fp};
    return place(q, 0, names, (placing){0, 0, 0, 0});
}

/* A character's place in the order of the sort key (core/search_key.h):
 * the code point of the letter it is written as, then how many U+10FFFF
 * follow it. Comparing these places one character at a time, a shorter
 * name first, is comparing the keys: U+10FFFF sorts after any character
 * that can follow. */
static uint32_t key_rank(uint32_t cp)
{
    switch (cp) {
    case 0x067E: return 0x0628u << 2 | 1; /* پ after ب */
    case 0x0686: return 0x062Cu << 2 | 1; /* چ after ج */
    case 0x0698: return 0x0632u << 2 | 1; /* ژ after ز */
    case 0x06A9: return 0x0642u << 2 | 1; /* ک after ق */
    case 0x06AF: return 0x0642u << 2 | 2; /* گ after ک */
    case 0x0647: return 0x0648u << 2 | 1; /* ه after و */
    default: return cp << 2;
    }
}

/* Compares two folded names in the order of the person_sort index:
 * Persian alphabetical order (پاکزاد before توکلی although U+067E >
 * U+062A), other characters by code point. */
static int key_cmp(const char *a, const char *b)
{
    while (*a && *a == *b) /* the common part needs no decoding */
        a++, b++;
    while (((unsigned char)*a & 0xC0) == 0x80) /* back to the start of the character */
        a--, b--;
    size_t na = strlen(a), nb = strlen(b);
    while (na && nb) {
        uint32_t ca, cb;
        size_t la = pv_utf8_decode(a, na, &ca), lb = pv_utf8_decode(b, nb, &cb);
        if (!la || !lb) /* not expected in folded names: fall back to bytes */
            return strcmp(a, b);
        uint32_t ra = key_rank(ca), rb = key_rank(cb);
        if (ra != rb)
            return ra < rb ? -1 : 1;
        a += la, na -= la, b += lb, nb -= lb;
    }
    return na ? 1 : nb ? -1 : 0;
}

/* Negative when (score, last, first, id) ranks before candidate c. */
static int rank_cmp(int score, const char *last, const char *first, pv_id id, const cand *c)
{
    if (score != c->score)
        return c->score - score;
    int r = key_cmp(last, c->last);
    if (r)
        return r;
    if ((r = key_cmp(first, c->first)))
        return r;
    return id < c->id ? -1 : id > c->id;
}

/* Keeps the row if it is among the best so far; false when it is not
 * (then no row that ranks after it could be either). Most rows of a large
 * candidate set are turned away by one comparison with the worst kept. A
 * row offered again (several scans may read it) ranks equal to its kept
 * copy, or after the worst kept if it was turned away: it is kept once. */
static bool topk_offer(topk *t, pv_id id, int score, const char *fl, const char *ff)
{
    if (t->n == t->cap && rank_cmp(score, fl, ff, id, &t->c[t->n - 1]) >= 0)
        return false;
    size_t lo = 0, hi = t->n; /* the first kept row that ranks after it */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = rank_cmp(score, fl, ff, id, &t->c[mid]);
        if (r == 0)
            return true; /* already kept */
        if (r > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t keep = t->n < t->cap ? t->n++ : t->n - 1; /* drop the worst when full */
    memmove(&t->c[lo + 1], &t->c[lo], (keep - lo) * sizeof *t->c);
    cand *c = &t->c[lo];
    c->id = id;
    c->score = score;
    snprintf(c->last, sizeof c->last, "%s", fl);
    snprintf(c->first, sizeof c->first, "%s", ff);
    return true;
}

/* True when the last error was a name index missing (a large import is
 * running without them). */
static bool index_missing(pv_ctx *ctx)
{
    return strstr(sqlite3_errmsg(ctx->db), "no such index") != NULL;
}

/* Prepares `sql` with ?1 and ?2 bound to the range of folded names that
 * begin with `prefix`. The range's end goes into the caller's `hi`, bound
 * without a copy, so `hi` must outlive the statement's steps. *missing when
 * the statement could not be prepared for want of an index. */
typedef char range_end[PV_NAME_SZ + 8];
static pv_status prefix_range_stmt(pv_ctx *ctx, const char *sql, const char *prefix,
                                   range_end hi, sqlite3_stmt **st, bool *missing,
                                   pv_error *err)
{
    snprintf(hi, sizeof(range_end), "%s" PREFIX_END, prefix);
    *missing = false;
    if (pv_stmt(ctx, sql, st, err) != PV_OK) {
        *missing = index_missing(ctx);
        return err ? err->status : PV_EFAIL;
    }
    sqlite3_bind_text(*st, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(*st, 2, hi, -1, SQLITE_STATIC);
    return PV_OK;
}

/* Runs one candidate query for `prefix` and offers its matching rows.
 * With `skip`, rows where `skip` is a prefix of a name were seen in an
 * earlier scan; with `only` > 0, rows scoring otherwise belong to another
 * tier. *missing when the query needs an index that is not there (nothing
 * was offered then: the schema is checked before the first row). */
static pv_status scan_sql(pv_ctx *ctx, const char *sql, const query *q, const char *prefix,
                          const char *skip, int only, int64_t branch, topk *t, bool *missing,
                          pv_error *err)
{
    range_end hi;
    sqlite3_stmt *st;
    pv_status rc = prefix_range_stmt(ctx, sql, prefix, hi, &st, missing, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 3, branch);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *ff = (const char *)sqlite3_column_text(st, 1);
        const char *fl = (const char *)sqlite3_column_text(st, 2);
        const char *fp = (const char *)sqlite3_column_text(st, 3);
        if (!ff || !fl || !fp)
            continue;
        if (skip && (prefix_of(skip, ff) || prefix_of(skip, fl) || prefix_of(skip, fp)))
            continue;
        int score = row_score(q, ff, fl, fp);
        if (score && (only == 0 || score == only))
            topk_offer(t, sqlite3_column_int64(st, 0), score, fl, ff);
    }
    if (s != SQLITE_DONE)
        *missing = index_missing(ctx);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* scan_sql through the name indexes, or without them while they are
 * missing. */
static pv_status scan(pv_ctx *ctx, const name_sql *sql, const query *q, const char *prefix,
                      const char *skip, int only, int64_t branch, topk *t, pv_error *err)
{
    bool missing;
    pv_status rc = scan_sql(ctx, sql->indexed, q, prefix, skip, only, branch, t, &missing, err);
    if (rc == PV_OK || !missing)
        return rc;
    pv_error_clear(err);
    return scan_sql(ctx, sql->plain, q, prefix, skip, only, branch, t, &missing, err);
}

/* True when every kept hit already beats `score`. */
static bool topk_beats(const topk *t, int score)
{
    return t->n == t->cap && t->c[t->n - 1].score > score;
}

enum walk_mode { WALK_FIRST, WALK_LAST };

/* Walks persons in tie order (sql: SQL_WALK_ALL or SQL_WALK_LAST) and
 * offers the rows of the prefix tier whose first name (WALK_FIRST), or
 * last name but not first name (WALK_LAST), begins with the word, until
 * one ranks below every kept hit: the rows after it rank lower still. */
static pv_status walk(pv_ctx *ctx, const char *sql, const query *q, enum walk_mode mode,
                      int64_t branch, topk *t, bool *missing, pv_error *err)
{
    const char *w = q->words[0];
    sqlite3_stmt *st;
    *missing = false;
    if (pv_stmt(ctx, sql, &st, err) != PV_OK) {
        *missing = index_missing(ctx);
        return err ? err->status : PV_EFAIL;
    }
    sqlite3_bind_text(st, 1, w, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, branch);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *ff = (const char *)sqlite3_column_text(st, 1);
        const char *fl = (const char *)sqlite3_column_text(st, 2);
        const char *fp = (const char *)sqlite3_column_text(st, 3);
        if (!ff || !fl || !fp)
            continue;
        bool in_first = prefix_of(w, ff);
        if (mode == WALK_FIRST ? !in_first : in_first || !prefix_of(w, fl))
            continue;
        if (row_score(q, ff, fl, fp) != SCORE_PREFIX)
            continue;
        if (!topk_offer(t, sqlite3_column_int64(st, 0), SCORE_PREFIX, fl, ff))
            break;
    }
    if (s != SQLITE_DONE && s != SQLITE_ROW)
        *missing = index_missing(ctx);
    sqlite3_reset(st);
    return s == SQLITE_DONE || s == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

/* How many first names begin with the word, counting up to limit + 1. */
static pv_status count_first(pv_ctx *ctx, const char *w, int limit, int *count, bool *missing,
                             pv_error *err)
{
    range_end hi;
    sqlite3_stmt *st;
    pv_status rc = prefix_range_stmt(ctx, SQL_COUNT_FIRST, w, hi, &st, missing, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int(st, 3, limit + 1);
    int s = sqlite3_step(st);
    *count = s == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    if (s != SQLITE_ROW)
        *missing = index_missing(ctx);
    sqlite3_reset(st);
    return s == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

/* The prefix tier of a one-word query through the person_sort index;
 * *used false (nothing offered) when that index is missing. An index
 * missing is found before a statement returns its first row, so a walk
 * that fails so has offered nothing. */
static pv_status prefix_tier_sorted(pv_ctx *ctx, const query *q, int64_t branch, topk *t,
                                    bool *used, pv_error *err)
{
    static const name_sql first_range = {SQL_PREFIX_FIRST, SQL_PREFIX_FIRST_PLAIN};
    bool missing;
    *used = false;
    pv_status rc = walk(ctx, SQL_WALK_LAST, q, WALK_LAST, branch, t, &missing, err);
    if (rc != PV_OK) {
        if (!missing)
            return rc;
        pv_error_clear(err);
        return PV_OK;
    }
    *used = true;
    int count = 0;
    rc = count_first(ctx, q->words[0], WALK_FIRST_MIN, &count, &missing, err);
    if (rc != PV_OK) {
        if (!missing)
            return rc;
        pv_error_clear(err); /* read the range without the first-name index */
        count = 0;
    }
    if (count > WALK_FIRST_MIN) {
        rc = walk(ctx, SQL_WALK_ALL, q, WALK_FIRST, branch, t, &missing, err);
        if (rc == PV_OK || !missing)
            return rc;
        pv_error_clear(err);
    }
    return scan(ctx, &first_range, q, q->words[0], NULL, SCORE_PREFIX, branch, t, err);
}

static pv_status search_one_word(pv_ctx *ctx, const query *q, int64_t branch, topk *t,
                                 pv_error *err)
{
    static const struct {
        name_sql sql;
        int score;
    } tiers[] = {
        {{SQL_EXACT_FIRST_LAST, SQL_EXACT_FIRST_LAST_PLAIN}, SCORE_EXACT},
        {{SQL_EXACT_FATHER, SQL_EXACT_FATHER_PLAIN}, SCORE_EXACT_FATHER},
        {{SQL_PREFIX_FIRST_LAST, SQL_PREFIX_FIRST_LAST_PLAIN}, SCORE_PREFIX},
        {{SQL_PREFIX_FATHER, SQL_PREFIX_FATHER_PLAIN}, SCORE_PREFIX_FATHER},
    };
    for (size_t i = 0; i < sizeof tiers / sizeof *tiers; i++) {
        if (topk_beats(t, tiers[i].score))
            break;
        if (tiers[i].score == SCORE_PREFIX) {
            bool used;
            pv_status rc = prefix_tier_sorted(ctx, q, branch, t, &used, err);
            if (rc != PV_OK)
                return rc;
            if (used)
                continue;
        }
        pv_status rc = scan(ctx, &tiers[i].sql, q, q->words[0], NULL, tiers[i].score, branch,
                            t, err);
        if (rc != PV_OK)
            return rc;
    }
    return PV_OK;
}

/* Splits and folds the query; false when no word is left. The longest
 * word drives the index. */
static bool parse_names(const char *norm, query *q)
{
    memset(q, 0, sizeof *q);
    char buf[PV_NAME_SZ * 2];
    snprintf(buf, sizeof buf, "%s", norm);
    char *save = NULL;
    for (char *w = strtok_r(buf, " ", &save); w && q->n < MAX_WORDS;
         w = strtok_r(NULL, " ", &save)) {
        pv_text_fold(w, q->words[q->n], sizeof q->words[q->n]);
        q->len[q->n] = strlen(q->words[q->n]);
        if (q->len[q->n])
            q->n++;
    }
    for (size_t i = 1; i < q->n; i++)
        if (q->len[i] > q->len[q->driver])
            q->driver = i;
    return q->n > 0;
}

static pv_status read_hit(pv_ctx *ctx, pv_id id, int score, pv_search_hit *h, bool *found,
                          pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_query(ctx, SQL_HIT, &st, err, "i", id);
    if (rc == PV_OK)
        rc = pv_step(ctx, st, found, err);
    if (rc == PV_OK && *found) {
        memset(h, 0, sizeof *h);
        /* the first 18 columns are PERSON_COLS, as the store reads them */
        h->person.id = sqlite3_column_int64(st, 0);
        h->person.household_id = sqlite3_column_int64(st, 1);
        h->person.relation = (pv_relation)pv_enum_from_code(
            PV_ENUM_RELATION, (const char *)sqlite3_column_text(st, 2));
#define COPY(field, col)                                                        \
    snprintf(h->person.field, sizeof h->person.field, "%s",                     \
             sqlite3_column_text(st, col) ? (const char *)sqlite3_column_text(st, col) : "")
        COPY(national_id, 3);
        COPY(first_name, 4);
        COPY(last_name, 5);
        COPY(father_name, 6);
        COPY(birth_date, 8);
        COPY(phone, 9);
        COPY(province, 10);
        COPY(county, 11);
        COPY(address, 12);
#undef COPY
        h->person.gender = (pv_gender)pv_enum_from_code(
            PV_ENUM_GENDER, (const char *)sqlite3_column_text(st, 7));
        h->person.area = (pv_area)pv_enum_from_code(PV_ENUM_AREA,
                                                   (const char *)sqlite3_column_text(st, 13));
        h->person.disability = (pv_disability)pv_enum_from_code(
            PV_ENUM_DISABILITY, (const char *)sqlite3_column_text(st, 14));
        h->person.guardianship = (pv_guardianship)pv_enum_from_code(
            PV_ENUM_GUARDIANSHIP, (const char *)sqlite3_column_text(st, 15));
        h->person.judicial_order = sqlite3_column_int(st, 16) != 0;
        h->has_file = sqlite3_column_type(st, 18) != SQLITE_NULL;
        h->file_status = (pv_file_status)pv_enum_from_code(
            PV_ENUM_FILE_STATUS, (const char *)sqlite3_column_text(st, 18));
        h->score = score;
        sqlite3_reset(st);
    }
    return rc;
}

/* Reads the kept candidates in full into a new array. */
static pv_status collect(pv_ctx *ctx, const topk *t, pv_search_hit **hits, size_t *n,
                         pv_error *err)
{
    if (t->n == 0)
        return PV_OK;
    *hits = calloc(t->n, sizeof **hits);
    if (!*hits)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    for (size_t i = 0; i < t->n; i++) {
        bool found = false;
        pv_status rc = read_hit(ctx, t->c[i].id, t->c[i].score, &(*hits)[*n], &found, err);
        if (rc != PV_OK)
            return rc;
        if (found)
            (*n)++;
    }
    return PV_OK;
}

static pv_status search_natid(pv_ctx *ctx, const char *digits, int64_t branch, topk *t,
                              pv_error *err)
{
    char hi[PV_NATID_SZ + 1];
    size_t len = strnlen(digits, PV_NATID_SZ - 1);
    memcpy(hi, digits, len);
    hi[len] = ':'; /* ':' sorts right after '9' */
    hi[len + 1] = '\0';
    sqlite3_stmt *st = NULL; /* sqlite3_reset(NULL) does nothing */
    pv_status rc = pv_query(ctx, SQL_BY_NATID, &st, err, "ssii", digits, hi, branch,
                            (int64_t)t->cap);
    int score = strlen(digits) == 10 ? SCORE_NATID_EXACT : SCORE_NATID_PREFIX;
    bool row = true;
    while (rc == PV_OK && t->n < t->cap && (rc = pv_step(ctx, st, &row, err)) == PV_OK && row)
        t->c[t->n++] = (cand){.id = sqlite3_column_int64(st, 0), .score = score};
    if (row)
        sqlite3_reset(st); /* stopped early, or failed before the first step */
    return rc;
}

static pv_status search_names(pv_ctx *ctx, const char *text, int64_t branch, topk *t,
                              pv_error *err)
{
    char norm[PV_NAME_SZ * 2];
    query q;
    pv_status rc = pv_text_normalize(text, PV_TEXT_LINE, "query", norm, sizeof norm, err);
    if (rc != PV_OK)
        return rc;
    if (!parse_names(norm, &q))
        return pv_error_field(err, "query", _("type a name or a national ID"));
    if (q.n == 1)
        return search_one_word(ctx, &q, branch, t, err);
    /* several words: a run holding the driver begins at it or at an
     * earlier word, so the names that begin with the driver, or with an
     * earlier word and those after it up to the driver run together, hold
     * every match */
    char prefix[PV_NAME_SZ];
    for (size_t from = q.driver + 1; from-- > 0 && rc == PV_OK;) {
        size_t len = 0;
        bool fits = true;
        for (size_t k = from; k <= q.driver && fits; k++) {
            fits = len + q.len[k] < sizeof prefix;
            if (fits) {
                memcpy(prefix + len, q.words[k], q.len[k]);
                len += q.len[k];
            }
        }
        prefix[len] = '\0';
        if (fits) /* a longer prefix than a name can hold finds nobody */
            rc = scan(ctx, &BY_PREFIX, &q, prefix, NULL, 0, branch, t, err);
    }
    return rc;
}

pv_status pv_search(pv_ctx *ctx, const char *query_text, size_t limit, pv_search_hit **hits,
                    size_t *n, pv_error *err)
{
    *hits = NULL;
    *n = 0;
    pv_status rc = pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err);
    if (rc != PV_OK)
        return rc;
    if (!query_text)
        return pv_error_field(err, "query", _("type a name or a national ID"));
    topk t = {.cap = limit == 0 ? DEFAULT_LIMIT : limit > MAX_LIMIT ? MAX_LIMIT : limit};
    t.c = malloc(t.cap * sizeof *t.c);
    if (!t.c)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    int64_t branch = pv_authz_all_branches(ctx) ? 0 : pv_ctx_actor(ctx)->branch_code;
    char digits[32];
    if (pv_digits_ascii(query_text, true, digits, sizeof digits) && digits[0]) {
        if (strlen(digits) < 4 || strlen(digits) > 10)
            rc = pv_error_field(err, "query", _("type 4 to 10 digits of a national ID"));
        else
            rc = search_natid(ctx, digits, branch, &t, err);
    } else {
        rc = search_names(ctx, query_text, branch, &t, err);
    }
    if (rc == PV_OK)
        rc = collect(ctx, &t, hits, n, err);
    free(t.c);
    if (rc != PV_OK) {
        free(*hits);
        *hits = NULL;
        *n = 0;
    }
    return rc;
}
