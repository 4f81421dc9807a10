/* parvande — the batch eligibility list (`parvande eligible CODE`): every
 * beneficiary of the database checked against one service.
 *
 * No query per person: case files are read once into a hash map by
 * household; household facts (size, female head) are counted in one
 * sequential pass only when a rule reads them; recorded facts, assessment
 * counts and earlier enrollments are read once, only when the rules use
 * them; then persons are streamed in table order and the compiled rules
 * evaluated in C — on two threads, each reading half of the table on its
 * own connection. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "svc_internal.h"

/* ---- an int64 -> uint32 open-addressing map ---- */

typedef struct idmap {
    int64_t *keys;
    uint32_t *vals;
    size_t cap; /* power of two; 0 = empty map */
} idmap;

static size_t hash_id(int64_t k, size_t cap)
{
    uint64_t x = (uint64_t)k * 0x9E3779B97F4A7C15ULL;
    return (size_t)(x >> 17) & (cap - 1);
}

static bool idmap_init(idmap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < n * 2)
        m->cap *= 2;
    m->keys = malloc(m->cap * sizeof *m->keys);
    m->vals = malloc(m->cap * sizeof *m->vals);
    if (!m->keys || !m->vals)
        return false;
    for (size_t i = 0; i < m->cap; i++)
        m->keys[i] = INT64_MIN;
    return true;
}

static void idmap_put(idmap *m, int64_t k, uint32_t v)
{
    size_t i = hash_id(k, m->cap);
    while (m->keys[i] != INT64_MIN && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    m->keys[i] = k;
    m->vals[i] = v;
}

static bool idmap_get(const idmap *m, int64_t k, uint32_t *v)
{
    if (!m->cap)
        return false;
    size_t i = hash_id(k, m->cap);
    while (m->keys[i] != INT64_MIN) {
        if (m->keys[i] == k) {
            *v = m->vals[i];
            return true;
        }
        i = (i + 1) & (m->cap - 1);
    }
    return false;
}

static void idmap_free(idmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---- preloaded tables ---- */

typedef struct fact_row {
    int64_t person;
    char *key, *value; /* owned */
} fact_row;

typedef struct enr_count {
    int ever, year, season, month;
} enr_count;

typedef struct batch {
    pv_ctx *ctx;
    svc_service *s;
    char date[PV_DATE_SZ];
    int64_t branch; /* 0 = all */
    fact_row *facts;
    size_t n_facts;
    idmap fact_at;    /* person -> first fact row */
    int *assess;      /* counts */
    idmap assess_at;  /* file id -> index */
    enr_count *enr;
    idmap enr_at;     /* person -> index */
    idmap ref_at;     /* person -> number of open referrals */
} batch;

/* The slice of facts of one person, for svc-style lookups. */
typedef struct fact_slice {
    const fact_row *rows;
    size_t n;
} fact_slice;

static const char *slice_lookup(void *user, const char *key)
{
    const fact_slice *sl = user;
    for (size_t i = 0; i < sl->n; i++)
        if (strcmp(sl->rows[i].key, key) == 0)
            return sl->rows[i].value;
    return NULL;
}

static pv_status oom(pv_error *err)
{
    return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
}

static pv_status load_facts(batch *b, pv_error *err)
{
    /* Only the keys the rules read; json_each keeps it one statement. */
    sqlite3_stmt *q;
    if (pv_stmt(b->ctx,
                "SELECT person_id, key, value FROM rule_fact WHERE key IN "
                "(SELECT value FROM json_each(?1)) ORDER BY person_id",
                &q, err) != PV_OK)
        return PV_EFAIL;
    size_t len = 3;
    for (size_t i = 0; i < b->s->n_keys; i++)
        len += strlen(b->s->keys[i]) + 3;
    char *json = malloc(len);
    if (!json)
        return oom(err);
    strcpy(json, "[");
    for (size_t i = 0; i < b->s->n_keys; i++) {
        if (i)
            strcat(json, ",");
        strcat(json, "\"");
        strcat(json, b->s->keys[i]); /* keys are [a-z0-9_.]: nothing to escape */
        strcat(json, "\"");
    }
    strcat(json, "]");
    sqlite3_bind_text(q, 1, json, -1, SQLITE_TRANSIENT);
    free(json);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        fact_row *g = svc_grow(b->facts, b->n_facts, &cap, sizeof *g, 256);
        if (!g) {
            rc = SQLITE_NOMEM;
            break;
        }
        b->facts = g;
        fact_row *r = &b->facts[b->n_facts];
        r->person = sqlite3_column_int64(q, 0);
        r->key = strdup((const char *)sqlite3_column_text(q, 1));
        r->value = strdup((const char *)sqlite3_column_text(q, 2));
        b->n_facts++;
        if (!r->key || !r->value) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_NOMEM ? oom(err) : pv_db_error(b->ctx, err);
    if (!idmap_init(&b->fact_at, b->n_facts))
        return oom(err);
    for (size_t i = b->n_facts; i-- > 0;) /* the first row of each person wins */
        idmap_put(&b->fact_at, b->facts[i].person, (uint32_t)i);
    return PV_OK;
}

static pv_status load_assessments(batch *b, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(b->ctx, "SELECT file_id, count(*) FROM assessment GROUP BY file_id", &q, err)
        != PV_OK)
        return PV_EFAIL;
    size_t n = 0, cap = 0;
    int rc;
    int64_t *ids = NULL;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            int64_t *gi = realloc(ids, cap * sizeof *gi);
            int *gc = gi ? realloc(b->assess, cap * sizeof *gc) : NULL;
            if (gi)
                ids = gi;
            if (!gc) {
                rc = SQLITE_NOMEM;
                break;
            }
            b->assess = gc;
        }
        ids[n] = sqlite3_column_int64(q, 0);
        b->assess[n++] = sqlite3_column_int(q, 1);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE || !idmap_init(&b->assess_at, n)) {
        free(ids);
        return rc == SQLITE_DONE || rc == SQLITE_NOMEM ? oom(err) : pv_db_error(b->ctx, err);
    }
    for (size_t i = 0; i < n; i++)
        idmap_put(&b->assess_at, ids[i], (uint32_t)i);
    free(ids);
    return PV_OK;
}

/* Open referrals per person (rule name open_referrals). */
static pv_status load_referrals(batch *b, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(b->ctx,
                "SELECT person_id, count(*) FROM referral WHERE status IN ('sent', 'received') "
                "GROUP BY person_id",
                &q, err) != PV_OK)
        return PV_EFAIL;
    size_t n = 0, cap = 0;
    int rc;
    int64_t *rows = NULL; /* pairs: person, count */
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            int64_t *g = realloc(rows, 2 * cap * sizeof *g);
            if (!g) {
                rc = SQLITE_NOMEM;
                break;
            }
            rows = g;
        }
        rows[2 * n] = sqlite3_column_int64(q, 0);
        rows[2 * n + 1] = sqlite3_column_int64(q, 1);
        n++;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE || !idmap_init(&b->ref_at, n)) {
        free(rows);
        return rc == SQLITE_DONE || rc == SQLITE_NOMEM ? oom(err) : pv_db_error(b->ctx, err);
    }
    for (size_t i = 0; i < n; i++)
        idmap_put(&b->ref_at, rows[2 * i], (uint32_t)rows[2 * i + 1]);
    free(rows);
    return PV_OK;
}

static pv_status load_enrollments(batch *b, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(b->ctx,
                "SELECT person_id, count(*), sum(jyear = ?2), sum(jseason = ?3), "
                "sum(jmonth = ?4) FROM enrollment WHERE code = ?1 AND status NOT IN "
                "('rejected', 'withdrawn') GROUP BY person_id",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(q, 1, b->s->info.code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, pv_jalali_period_key(b->date, PV_PERIOD_YEAR));
    sqlite3_bind_int64(q, 3, pv_jalali_period_key(b->date, PV_PERIOD_SEASON));
    sqlite3_bind_int64(q, 4, pv_jalali_period_key(b->date, PV_PERIOD_MONTH));
    size_t n = 0, cap = 0;
    int64_t *ids = NULL;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            int64_t *gi = realloc(ids, cap * sizeof *gi);
            enr_count *ge = gi ? realloc(b->enr, cap * sizeof *ge) : NULL;
            if (gi)
                ids = gi;
            if (!ge) {
                rc = SQLITE_NOMEM;
                break;
            }
            b->enr = ge;
        }
        ids[n] = sqlite3_column_int64(q, 0);
        b->enr[n] = (enr_count){sqlite3_column_int(q, 1), sqlite3_column_int(q, 2),
                                sqlite3_column_int(q, 3), sqlite3_column_int(q, 4)};
        n++;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE || !idmap_init(&b->enr_at, n)) {
        free(ids);
        return rc == SQLITE_DONE || rc == SQLITE_NOMEM ? oom(err) : pv_db_error(b->ctx, err);
    }
    for (size_t i = 0; i < n; i++)
        idmap_put(&b->enr_at, ids[i], (uint32_t)i);
    free(ids);
    return PV_OK;
}

static void batch_free(batch *b)
{
    for (size_t i = 0; i < b->n_facts; i++) {
        free(b->facts[i].key);
        free(b->facts[i].value);
    }
    free(b->facts);
    free(b->assess);
    free(b->enr);
    idmap_free(&b->fact_at);
    idmap_free(&b->assess_at);
    idmap_free(&b->enr_at);
    idmap_free(&b->ref_at);
    svc_service_free(b->s);
}

/* ---- the scan ---- */

/* A household's case file and, when the rules need them, its facts. */
typedef struct hh_info {
    pv_id file_id;   /* 0: no case file (in this branch) */
    bool active, covered;
    int size;        /* members, when counted */
    bool female_head;
} hh_info;

typedef struct scan {
    batch *b;
    pv_eligible_cb cb;
    void *user;
    size_t count;
    bool stop;
    hh_info *hh;
    size_t n_hh, cap_hh;
    idmap hh_at;     /* household id -> hh index */
} scan;

static const char *txt(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static hh_info *hh_add(scan *sc)
{
    if (sc->n_hh == sc->cap_hh) {
        size_t cap = sc->cap_hh ? sc->cap_hh * 2 : 1024;
        hh_info *g = realloc(sc->hh, cap * sizeof *g);
        if (!g)
            return NULL;
        sc->hh = g;
        sc->cap_hh = cap;
    }
    hh_info *x = &sc->hh[sc->n_hh];
    memset(x, 0, sizeof *x);
    return x;
}

/* Case files by household: one pass over the (small) casefile table. */
static pv_status load_files(scan *sc, pv_error *err)
{
    batch *b = sc->b;
    sqlite3_stmt *q;
    if (pv_stmt(b->ctx,
                "SELECT household_id, id, status = 'active', covered FROM casefile "
                "WHERE (?1 = 0 OR branch_code = ?1)",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, b->branch);
    int rc;
    int64_t *ids = NULL;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        hh_info *x = hh_add(sc);
        int64_t *g = x ? realloc(ids, sc->cap_hh * sizeof *ids) : NULL;
        if (!g) {
            rc = SQLITE_NOMEM;
            break;
        }
        ids = g;
        ids[sc->n_hh] = sqlite3_column_int64(q, 0);
        x->file_id = sqlite3_column_int64(q, 1);
        x->active = sqlite3_column_int(q, 2) != 0;
        x->covered = sqlite3_column_int(q, 3) != 0;
        sc->n_hh++;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE || !idmap_init(&sc->hh_at, sc->n_hh)) { /* at most half full */
        free(ids);
        return rc == SQLITE_DONE || rc == SQLITE_NOMEM ? oom(err) : pv_db_error(b->ctx, err);
    }
    for (size_t i = 0; i < sc->n_hh; i++)
        idmap_put(&sc->hh_at, ids[i], (uint32_t)i);
    free(ids);
    return PV_OK;
}

/* Household size and female head, only when a rule reads them: one
 * sequential pass over the members' household, relation and gender. */
static pv_status load_households(scan *sc, pv_error *err)
{
    batch *b = sc->b;
    sqlite3_stmt *q;
    if (pv_stmt(b->ctx,
                "SELECT household_id, relation = 'head' AND gender = 'female' FROM person "
                "WHERE household_id IS NOT NULL AND (?1 = 0 OR branch_code = ?1)",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, b->branch);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        pv_id h = sqlite3_column_int64(q, 0);
        uint32_t k;
        if (!idmap_get(&sc->hh_at, h, &k)) {
            /* A household without a case file here: counted all the same. */
            if (sc->n_hh * 2 >= sc->hh_at.cap) {
                idmap bigger; /* keep the map at most half full */
                if (!idmap_init(&bigger, sc->hh_at.cap)) {
                    rc = SQLITE_NOMEM;
                    break;
                }
                for (size_t i = 0; i < sc->hh_at.cap; i++)
                    if (sc->hh_at.keys[i] != INT64_MIN)
                        idmap_put(&bigger, sc->hh_at.keys[i], sc->hh_at.vals[i]);
                idmap_free(&sc->hh_at);
                sc->hh_at = bigger;
            }
            if (!hh_add(sc)) {
                rc = SQLITE_NOMEM;
                break;
            }
            k = (uint32_t)sc->n_hh++;
            idmap_put(&sc->hh_at, h, k);
        }
        sc->hh[k].size++;
        sc->hh[k].female_head |= sqlite3_column_int(q, 1) != 0;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_NOMEM ? oom(err) : pv_db_error(b->ctx, err);
    return PV_OK;
}

/* The persons of one range of ids (a half of the table, see run_scan). */
#define PERSON_SQL                                                                        \
    "SELECT id, household_id, relation, gender, area, disability, guardianship, "        \
    "judicial_order, national_id, first_name, last_name, birth_date, province, county "  \
    "FROM person WHERE (?1 = 0 OR branch_code = ?1) AND id BETWEEN ?2 AND ?3"

/* One thread's walk over persons: the shared tables (read-only while the
 * threads run) and the last household looked up (members come together). */
typedef struct cursor {
    const scan *sc;
    pv_id last_h;
    const hh_info *last_x;
} cursor;

/* True when the person on the current row meets every criterion. */
static bool row_eligible(cursor *cu, sqlite3_stmt *st)
{
    const batch *b = cu->sc->b;
    pv_rule_facts f = {0};
    pv_id id = sqlite3_column_int64(st, 0);
    pv_id h = sqlite3_column_int64(st, 1); /* NULL reads as 0: no household */
    uint32_t k;
    if (h != cu->last_h) {
        cu->last_h = h;
        cu->last_x = h && idmap_get(&cu->sc->hh_at, h, &k) ? &cu->sc->hh[k] : NULL;
    }
    const hh_info *x = cu->last_x;
    if (b->s->uses & PV_RULE_USES_AGE) {
        const char *birth = txt(st, 11);
        f.age = birth[0] ? pv_age_on(birth, b->date) : -1;
    }
    f.relation = (pv_relation)pv_enum_from_code(PV_ENUM_RELATION, txt(st, 2));
    f.gender = (pv_gender)pv_enum_from_code(PV_ENUM_GENDER, txt(st, 3));
    f.area = (pv_area)pv_enum_from_code(PV_ENUM_AREA, txt(st, 4));
    f.disability = (pv_disability)pv_enum_from_code(PV_ENUM_DISABILITY, txt(st, 5));
    f.guardianship = (pv_guardianship)pv_enum_from_code(PV_ENUM_GUARDIANSHIP, txt(st, 6));
    f.judicial_order = sqlite3_column_int(st, 7) != 0;
    f.province = txt(st, 12);
    f.county = txt(st, 13);
    f.has_household = h != 0;
    f.household_size = x ? x->size : 0;
    f.is_female_head = h && f.relation == PV_REL_HEAD && f.gender == PV_GENDER_FEMALE;
    f.is_daughter_of_female_head = x && x->female_head && f.relation == PV_REL_CHILD
                                   && f.gender == PV_GENDER_FEMALE;
    f.has_file = x && x->file_id;
    f.file_active = f.has_file && x->active;
    f.covered = f.has_file && x->covered;
    if (f.has_file && idmap_get(&b->assess_at, x->file_id, &k))
        f.assessments = b->assess[k];
    if (idmap_get(&b->enr_at, id, &k))
        f.enrolled_ever = b->enr[k].ever, f.enrolled_year = b->enr[k].year,
        f.enrolled_season = b->enr[k].season, f.enrolled_month = b->enr[k].month;
    if (idmap_get(&b->ref_at, id, &k))
        f.open_referrals = (int)k;
    fact_slice sl = {NULL, 0};
    if (idmap_get(&b->fact_at, id, &k)) {
        sl.rows = &b->facts[k];
        while (k + sl.n < b->n_facts && b->facts[k + sl.n].person == id)
            sl.n++;
    }
    f.fact = slice_lookup;
    f.fact_user = &sl;
    for (size_t c = 0; c < b->s->n_crit; c++)
        if (!pv_rule_eval(b->s->crit[c].rule, &f))
            return false;
    return true;
}

/* ---- the second thread: the upper half of the table ---- */

/* Eligible rows kept in order until the main thread reports them: the id,
 * then national ID, first, last, birth date, province, each NUL-ended.
 * At most OUT_MEM_MAX bytes stay in memory: past that the buffer is
 * written to a temporary file as one block (its length first) and reused,
 * so the upper half of a million persons, most of them eligible (card 000:
 * 730,000 rows, 45 MB kept in memory, doubled by the last realloc), costs a
 * few megabytes of memory instead of ninety. */
#define OUT_MEM_MAX ((size_t)4 << 20)

/* $PARVANDE_BATCH_MEM_MAX changes it (the tests set a few bytes to write
 * blocks out on a small database). */
static size_t out_mem_max(void)
{
    const char *env = getenv("PARVANDE_BATCH_MEM_MAX");
    long long v = env && *env ? strtoll(env, NULL, 10) : 0;
    return v > 0 ? (size_t)v : OUT_MEM_MAX;
}

typedef struct outbuf {
    char *data;
    size_t len, cap, n;
    size_t mem_max;  /* out_mem_max() */
    FILE *spill;     /* the blocks written out, in order; NULL: none yet */
    bool oom;        /* out of memory */
    bool io;         /* the temporary file could not be written */
} outbuf;

/* Writes the buffer out as one block. Without a temporary file the buffer
 * only grows; a failed write sets o->io. */
static void out_spill(outbuf *o)
{
    if (!o->spill && !(o->spill = tmpfile()))
        return;
    if (fwrite(&o->len, sizeof o->len, 1, o->spill) != 1 ||
        fwrite(o->data, 1, o->len, o->spill) != o->len)
        o->io = true;
    o->len = 0;
}

static void out_add(outbuf *o, sqlite3_stmt *st)
{
    const char *s[5] = {txt(st, 8), txt(st, 9), txt(st, 10), txt(st, 11), txt(st, 12)};
    size_t need = sizeof(pv_id);
    for (int i = 0; i < 5; i++)
        need += strlen(s[i]) + 1;
    if (o->len + need > o->cap && o->len > 0 && o->cap >= o->mem_max)
        out_spill(o);
    if (o->io)
        return;
    if (o->len + need > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : o->mem_max < (1 << 20) ? o->mem_max : 1 << 20;
        while (cap < o->len + need)
            cap *= 2;
        char *g = realloc(o->data, cap);
        if (!g) {
            o->oom = true;
            return;
        }
        o->data = g;
        o->cap = cap;
    }
    pv_id id = sqlite3_column_int64(st, 0);
    memcpy(o->data + o->len, &id, sizeof id);
    o->len += sizeof id;
    for (int i = 0; i < 5; i++) {
        size_t n = strlen(s[i]) + 1;
        memcpy(o->data + o->len, s[i], n);
        o->len += n;
    }
    o->n++;
}

typedef struct worker {
    const scan *sc;
    const char *path;   /* the database file */
    int64_t lo, hi;     /* person ids, inclusive */
    outbuf out;
    int rc;             /* SQLITE_DONE when the range was read */
    char msg[256];
} worker;

/* Reads its range on a connection of its own (WAL lets readers run side by
 * side), keeping the eligible rows for the main thread. */
static void *worker_run(void *arg)
{
    worker *w = arg;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    w->rc = sqlite3_open_v2(w->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (w->rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        w->rc = sqlite3_prepare_v2(db, PERSON_SQL, -1, &st, NULL);
    }
    if (w->rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, w->sc->b->branch);
        sqlite3_bind_int64(st, 2, w->lo);
        sqlite3_bind_int64(st, 3, w->hi);
        cursor cu = {w->sc, -1, NULL};
        while ((w->rc = sqlite3_step(st)) == SQLITE_ROW && !w->out.oom && !w->out.io)
            if (row_eligible(&cu, st))
                out_add(&w->out, st);
    }
    if (w->rc != SQLITE_DONE)
        snprintf(w->msg, sizeof w->msg, "%s", db ? sqlite3_errmsg(db) : "sqlite3_open");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return NULL;
}

/* Reports the rows of one block, in order. */
static void replay_block(scan *sc, const char *p, const char *end)
{
    while (p < end && !sc->stop) {
        pv_eligible_row row;
        memcpy(&row.person_id, p, sizeof row.person_id);
        p += sizeof row.person_id;
        const char **f[5] = {&row.national_id, &row.first_name, &row.last_name,
                             &row.birth_date, &row.province};
        for (int j = 0; j < 5; j++) {
            *f[j] = p;
            p += strlen(p) + 1;
        }
        sc->count++;
        if (sc->cb && sc->cb(sc->user, &row) != 0)
            sc->stop = true;
    }
}

/* Reports the worker's rows, in order, after the main thread's own: the
 * blocks written out, read back one at a time into a buffer of their own,
 * then what is still in memory. False when a block cannot be read back. */
static bool replay(scan *sc, outbuf *o)
{
    bool ok = true;
    if (o->spill) {
        char *block = NULL;
        size_t len, cap = 0;
        rewind(o->spill);
        while (ok && !sc->stop && fread(&len, sizeof len, 1, o->spill) == 1) {
            if (len > cap) {
                char *g = realloc(block, len);
                if (!g) {
                    ok = false;
                    break;
                }
                block = g;
                cap = len;
            }
            ok = fread(block, 1, len, o->spill) == len;
            if (ok)
                replay_block(sc, block, block + len);
        }
        free(block);
        fclose(o->spill);
        o->spill = NULL;
    }
    if (ok)
        replay_block(sc, o->data, o->data + o->len);
    return ok;
}

/* ---- the main thread ---- */

/* The smallest and largest person id. */
static pv_status id_range(scan *sc, int64_t *lo, int64_t *hi, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(sc->b->ctx, "SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM person", &q,
                err) != PV_OK)
        return PV_EFAIL;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *lo = sqlite3_column_int64(q, 0);
        *hi = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(sc->b->ctx, err);
}

/* Below this many ids a second thread costs more than it saves.
 * $PARVANDE_BATCH_SPLIT_MIN changes it (the tests set 1 to exercise the
 * two-thread path on a small database). */
#define SPLIT_MIN 200000

static int64_t split_min(void)
{
    const char *env = getenv("PARVANDE_BATCH_SPLIT_MIN");
    return env && *env ? strtoll(env, NULL, 10) : SPLIT_MIN;
}

static pv_status scan_range(scan *sc, int64_t lo, int64_t hi, pv_error *err)
{
    batch *b = sc->b;
    sqlite3_stmt *st;
    if (pv_stmt(b->ctx, PERSON_SQL, &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(st, 1, b->branch);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    cursor cu = {sc, -1, NULL};
    int rc;
    while (!sc->stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!row_eligible(&cu, st))
            continue;
        pv_eligible_row row = {sqlite3_column_int64(st, 0), txt(st, 8), txt(st, 9),
                               txt(st, 10), txt(st, 11), txt(st, 12)};
        sc->count++;
        if (sc->cb && sc->cb(sc->user, &row) != 0)
            sc->stop = true;
    }
    pv_status s = PV_OK;
    if (!sc->stop && rc != SQLITE_DONE)
        s = pv_db_error(b->ctx, err);
    sqlite3_reset(st);
    return s;
}

/* Two cores: the upper half of the ids is read by a second thread on its
 * own connection while this one reads the lower half and reports it; the
 * upper half's eligible rows are reported after, so the order is the
 * table's either way. */
static pv_status run_scan(scan *sc, pv_error *err)
{
    batch *b = sc->b;
    int64_t lo = 0, hi = -1;
    pv_status st = load_files(sc, err);
    if (st == PV_OK && (b->s->uses & PV_RULE_USES_HOUSEHOLD))
        st = load_households(sc, err);
    if (st == PV_OK)
        st = id_range(sc, &lo, &hi, err);
    const char *path = sqlite3_db_filename(b->ctx->db, "main");
    worker w = {.sc = sc, .path = path, .out.mem_max = out_mem_max()};
    pthread_t tid;
    bool split = st == PV_OK && path && *path && hi > lo && hi - lo >= split_min();
    int64_t mid = lo + (hi - lo) / 2;
    if (split) {
        w.lo = mid + 1;
        w.hi = hi;
        split = pthread_create(&tid, NULL, worker_run, &w) == 0;
    }
    if (st == PV_OK)
        st = scan_range(sc, lo, split ? mid : hi, err);
    if (split) {
        pthread_join(tid, NULL);
        if (st == PV_OK && w.out.oom)
            st = oom(err);
        else if (st == PV_OK && w.out.io)
            st = pv_error_set(err, PV_EFAIL, NULL, "%s",
                              _("a temporary file could not be written"));
        else if (st == PV_OK && w.rc != SQLITE_DONE)
            st = pv_error_set(err, PV_EFAIL, NULL, "%s", w.msg);
        if (st == PV_OK && !replay(sc, &w.out))
            st = pv_error_set(err, PV_EFAIL, NULL, "%s", _("a temporary file could not be read"));
        if (w.out.spill)
            fclose(w.out.spill);
        free(w.out.data);
    }
    free(sc->hh);
    idmap_free(&sc->hh_at);
    return st;
}

/* The page cache while the persons are read, in KiB (as PRAGMA cache_size
 * takes it, negative). */
#define SCAN_CACHE_KB (-2048)

/* The connection's PRAGMA cache_size, 0 when it cannot be read. */
static int cache_size(pv_ctx *ctx)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx, "PRAGMA cache_size", &q, NULL) != PV_OK)
        return 0;
    int v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    sqlite3_reset(q);
    return v;
}

static void set_cache_size(pv_ctx *ctx, int v)
{
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", v);
    sqlite3_exec(ctx->db, sql, NULL, NULL, NULL);
}

pv_status pv_eligible_scan(pv_ctx *ctx, const char *code, const char *date,
                           pv_eligible_cb cb, void *user, size_t *count, pv_error *err)
{
    if (count)
        *count = 0;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err) != PV_OK)
        return PV_EDENIED;
    batch b = {.ctx = ctx};
    pv_status st = svc_date(date, b.date, err);
    if (st != PV_OK)
        return st;
    if ((st = svc_service_load(ctx, code, &b.s, err)) != PV_OK)
        return st;
    b.branch = pv_authz_all_branches(ctx) ? 0 : pv_ctx_actor(ctx)->branch_code;
    /* One read transaction: every table seen at the same moment (unless the
     * caller already holds one). */
    bool own_tx = sqlite3_get_autocommit(ctx->db) != 0;
    if (own_tx && (st = pv_exec(ctx, "BEGIN", err)) != PV_OK) {
        batch_free(&b);
        return st;
    }
    if (b.s->n_keys)
        st = load_facts(&b, err);
    if (st == PV_OK && (b.s->uses & PV_RULE_USES_ASSESSMENTS))
        st = load_assessments(&b, err);
    if (st == PV_OK && (b.s->uses & PV_RULE_USES_ENROLLMENTS))
        st = load_enrollments(&b, err);
    if (st == PV_OK && (b.s->uses & PV_RULE_USES_REFERRALS))
        st = load_referrals(&b, err);
    scan sc = {.b = &b, .cb = cb, .user = user};
    /* The persons are read once, in table order: a page cache does not
     * help, and the connection's 24 MB would fill with pages read once
     * (a third of a million-person scan's memory). */
    int cache = cache_size(ctx);
    if (st == PV_OK && cache != 0)
        set_cache_size(ctx, SCAN_CACHE_KB);
    if (st == PV_OK)
        st = run_scan(&sc, err);
    if (cache != 0)
        set_cache_size(ctx, cache);
    if (own_tx)
        pv_exec(ctx, "COMMIT", NULL);
    if (count)
        *count = sc.count;
    batch_free(&b);
    return st;
}
