/* parvande — the batch eligibility list (`parvande eligible CODE`): every
 * beneficiary of the database checked against one service in one pass.
 *
 * Persons are read in household order beside the case files in the same
 * order (a merge, no query per person); a household's members are buffered
 * so the household facts (size, female head) are known before its members
 * are evaluated. Recorded facts, assessment counts and earlier enrollments
 * are read once, only when the service's rules use them, into hash maps. */
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
                "SELECT person_id, key, value FROM person_fact WHERE key IN "
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
        if (b->n_facts == cap) {
            cap = cap ? cap * 2 : 256;
            fact_row *g = realloc(b->facts, cap * sizeof *g);
            if (!g) {
                rc = SQLITE_NOMEM;
                break;
            }
            b->facts = g;
        }
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
    svc_service_free(b->s);
}

/* ---- the scan ---- */

/* One member as read; strings copied because the statement moves on. */
typedef struct member {
    pv_id id;
    pv_relation relation;
    pv_gender gender;
    pv_area area;
    pv_disability disability;
    pv_guardianship guardianship;
    bool judicial;
    char nid[PV_NATID_SZ];
    char first[PV_NAME_SZ], last[PV_NAME_SZ];
    char birth[PV_DATE_SZ];
    char province[PV_NAME_SZ], county[PV_NAME_SZ];
} member;

typedef struct file_row {
    pv_id household, id;
    bool active, covered;
} file_row;

typedef struct scan {
    batch *b;
    pv_eligible_cb cb;
    void *user;
    size_t count;
    bool stop;
    member *m;
    size_t n, cap;
    pv_id household; /* of the buffered members (0: none) */
    sqlite3_stmt *files;
    bool files_done;
    file_row file;   /* the case file cursor */
} scan;

static const char *txt(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static void files_next(scan *sc)
{
    if (sc->files_done)
        return;
    if (sqlite3_step(sc->files) != SQLITE_ROW) {
        sc->files_done = true;
        return;
    }
    sc->file.household = sqlite3_column_int64(sc->files, 0);
    sc->file.id = sqlite3_column_int64(sc->files, 1);
    sc->file.active = strcmp(txt(sc->files, 2), "active") == 0;
    sc->file.covered = sqlite3_column_int(sc->files, 3) != 0;
}

/* The case file of household `h`, advancing the merge cursor. */
static const file_row *file_of(scan *sc, pv_id h)
{
    while (!sc->files_done && sc->file.household < h)
        files_next(sc);
    return !sc->files_done && sc->file.household == h ? &sc->file : NULL;
}

static void eval_household(scan *sc)
{
    batch *b = sc->b;
    const file_row *fr = sc->household ? file_of(sc, sc->household) : NULL;
    bool female_head = false;
    for (size_t i = 0; i < sc->n; i++)
        female_head |= sc->m[i].relation == PV_REL_HEAD && sc->m[i].gender == PV_GENDER_FEMALE;
    uint32_t ai;
    int assessments = fr && idmap_get(&b->assess_at, fr->id, &ai) ? b->assess[ai] : 0;
    for (size_t i = 0; i < sc->n && !sc->stop; i++) {
        const member *m = &sc->m[i];
        pv_rule_facts f = {0};
        f.age = m->birth[0] ? pv_age_on(m->birth, b->date) : -1;
        f.gender = m->gender;
        f.relation = m->relation;
        f.area = m->area;
        f.disability = m->disability;
        f.guardianship = m->guardianship;
        f.judicial_order = m->judicial;
        f.province = m->province;
        f.county = m->county;
        f.has_household = sc->household != 0;
        f.household_size = sc->household ? (int)sc->n : 0;
        f.is_female_head = sc->household && m->relation == PV_REL_HEAD
                           && m->gender == PV_GENDER_FEMALE;
        f.is_daughter_of_female_head = sc->household && female_head
                                       && m->relation == PV_REL_CHILD
                                       && m->gender == PV_GENDER_FEMALE;
        f.has_file = fr != NULL;
        f.file_active = fr && fr->active;
        f.covered = fr && fr->covered;
        f.assessments = assessments;
        uint32_t k;
        if (idmap_get(&b->enr_at, m->id, &k))
            f.enrolled_ever = b->enr[k].ever, f.enrolled_year = b->enr[k].year,
            f.enrolled_season = b->enr[k].season, f.enrolled_month = b->enr[k].month;
        fact_slice sl = {NULL, 0};
        if (idmap_get(&b->fact_at, m->id, &k)) {
            sl.rows = &b->facts[k];
            while (k + sl.n < b->n_facts && b->facts[k + sl.n].person == m->id)
                sl.n++;
        }
        f.fact = slice_lookup;
        f.fact_user = &sl;
        bool ok = true;
        for (size_t c = 0; ok && c < b->s->n_crit; c++)
            ok = pv_rule_eval(b->s->crit[c].rule, &f);
        if (!ok)
            continue;
        pv_eligible_row row = {m->id, m->nid, m->first, m->last, m->birth, m->province};
        sc->count++;
        if (sc->cb && sc->cb(sc->user, &row) != 0)
            sc->stop = true;
    }
    sc->n = 0;
}

static bool buffer_member(scan *sc, sqlite3_stmt *st)
{
    if (sc->n == sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 16;
        member *g = realloc(sc->m, cap * sizeof *g);
        if (!g)
            return false;
        sc->m = g;
        sc->cap = cap;
    }
    member *m = &sc->m[sc->n++];
    m->id = sqlite3_column_int64(st, 0);
    m->relation = (pv_relation)pv_enum_from_code(PV_ENUM_RELATION, txt(st, 2));
    m->gender = (pv_gender)pv_enum_from_code(PV_ENUM_GENDER, txt(st, 3));
    m->area = (pv_area)pv_enum_from_code(PV_ENUM_AREA, txt(st, 4));
    m->disability = (pv_disability)pv_enum_from_code(PV_ENUM_DISABILITY, txt(st, 5));
    m->guardianship = (pv_guardianship)pv_enum_from_code(PV_ENUM_GUARDIANSHIP, txt(st, 6));
    m->judicial = sqlite3_column_int(st, 7) != 0;
    svc_copy(m->nid, sizeof m->nid, txt(st, 8));
    svc_copy(m->first, sizeof m->first, txt(st, 9));
    svc_copy(m->last, sizeof m->last, txt(st, 10));
    svc_copy(m->birth, sizeof m->birth, txt(st, 11));
    svc_copy(m->province, sizeof m->province, txt(st, 12));
    svc_copy(m->county, sizeof m->county, txt(st, 13));
    return true;
}

static pv_status run_scan(scan *sc, pv_error *err)
{
    batch *b = sc->b;
    sqlite3_stmt *persons;
    if (pv_stmt(b->ctx,
                "SELECT id, household_id, relation, gender, area, disability, guardianship, "
                "judicial_order, national_id, first_name, last_name, birth_date, province, "
                "county FROM person WHERE (?1 = 0 OR branch_code = ?1) "
                "ORDER BY household_id, id",
                &persons, err) != PV_OK)
        return PV_EFAIL;
    if (pv_stmt(b->ctx,
                "SELECT household_id, id, status, covered FROM casefile "
                "WHERE (?1 = 0 OR branch_code = ?1) ORDER BY household_id",
                &sc->files, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(persons, 1, b->branch);
    sqlite3_bind_int64(sc->files, 1, b->branch);
    files_next(sc);
    int rc;
    pv_status st = PV_OK;
    while (!sc->stop && (rc = sqlite3_step(persons)) == SQLITE_ROW) {
        pv_id h = sqlite3_column_int64(persons, 1); /* NULL reads as 0: no household */
        if (sc->n && (h != sc->household || h == 0))
            eval_household(sc);
        sc->household = h;
        if (!buffer_member(sc, persons)) {
            st = oom(err);
            break;
        }
    }
    if (st == PV_OK && !sc->stop && rc != SQLITE_DONE)
        st = pv_db_error(b->ctx, err);
    if (st == PV_OK && sc->n && !sc->stop)
        eval_household(sc);
    sqlite3_reset(persons);
    sqlite3_reset(sc->files);
    free(sc->m);
    return st;
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
    /* One read transaction: every table seen at the same moment. */
    if ((st = pv_exec(ctx, "BEGIN", err)) != PV_OK) {
        batch_free(&b);
        return st;
    }
    if (b.s->n_keys)
        st = load_facts(&b, err);
    if (st == PV_OK && (b.s->uses & PV_RULE_USES_ASSESSMENTS))
        st = load_assessments(&b, err);
    if (st == PV_OK && (b.s->uses & PV_RULE_USES_ENROLLMENTS))
        st = load_enrollments(&b, err);
    scan sc = {.b = &b, .cb = cb, .user = user};
    if (st == PV_OK)
        st = run_scan(&sc, err);
    pv_exec(ctx, "COMMIT", NULL);
    if (count)
        *count = sc.count;
    batch_free(&b);
    return st;
}
