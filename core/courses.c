/* parvande — workshops (card 004): a course of the card's number of days,
 * at most the card's number of courses per Jalali year in a branch; its
 * trainees, each admitted (eligible, room left, the card's per-capita cost
 * charged to the province's credit — one transaction) and released from
 * the credit if they withdraw before the first day; daily attendance and
 * the completion rule of the card (days attended); an evaluation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grp_internal.h"
#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "parvande/text.h"

#define NOTE_SZ 1300

/* ---- reading ---- */

#define COURSE_COLS                                                                        \
    "c.id, c.code, c.title, c.start_date, c.jyear, c.days, c.min_days, c.place, c.capacity, " \
    "c.trainer, (SELECT count(*) FROM course_trainee t WHERE t.course_id = c.id AND "      \
    "t.status = 'admitted'), c.branch_code"

static void course_from(sqlite3_stmt *st, pv_course *c)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    svc_copy(c->code, sizeof c->code, grp_col(st, 1));
    svc_copy(c->title, sizeof c->title, grp_col(st, 2));
    svc_copy(c->start_date, sizeof c->start_date, grp_col(st, 3));
    c->jyear = sqlite3_column_int(st, 4);
    c->days = sqlite3_column_int(st, 5);
    c->min_days = sqlite3_column_int(st, 6);
    svc_copy(c->place, sizeof c->place, grp_col(st, 7));
    c->capacity = sqlite3_column_int(st, 8);
    svc_copy(c->trainer, sizeof c->trainer, grp_col(st, 9));
    c->n_trainees = sqlite3_column_int(st, 10);
    c->branch_code = sqlite3_column_int64(st, 11);
}

static pv_status load_course(pv_ctx *ctx, pv_id id, pv_course *c, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT " COURSE_COLS " FROM course c WHERE c.id = ?1", &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        course_from(st, c);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "course", _("%lld: no such course"),
                            (long long)id);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

static bool course_row(sqlite3_stmt *st, void *elem, void *user)
{
    (void)user;
    course_from(st, elem);
    return true;
}

static const pv_row_reader course_rows = {sizeof(pv_course), 8, course_row, NULL};

pv_status pv_course_list(pv_ctx *ctx, pv_course **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, ctx->branch_code, err) != PV_OK)
        return PV_EDENIED;
    sqlite3_stmt *st;
    if (pv_query(ctx,
                 "SELECT " COURSE_COLS " FROM course c WHERE ?1 OR c.branch_code = ?2 "
                 "ORDER BY c.start_date DESC, c.id DESC",
                 &st, err, "ni", pv_authz_all_branches(ctx), ctx->branch_code)
        != PV_OK)
        return PV_EFAIL;
    pv_status s;
    *out = pv_read_rows(ctx, st, &course_rows, NULL, n, &s, err);
    return s;
}

void pv_course_detail_free(pv_course_detail *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_trainees; i++)
        free(d->trainees[i].present);
    free(d->trainees);
    free(d->evaluations);
    free(d);
}

static pv_status load_attendance(pv_ctx *ctx, pv_course_detail *d, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT p.national_id, a.day FROM course_attendance a JOIN person p ON "
                "p.id = a.person_id WHERE a.course_id = ?1",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(st, 1, d->c.id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int day = sqlite3_column_int(st, 1);
        for (size_t i = 0; i < d->n_trainees; i++) {
            pv_trainee *t = &d->trainees[i];
            if (day >= 1 && day <= d->c.days && strcmp(t->national_id, grp_col(st, 0)) == 0
                && !t->present[day - 1]) {
                t->present[day - 1] = 1;
                t->attended++;
            }
        }
    }
    sqlite3_reset(st);
    for (size_t i = 0; i < d->n_trainees; i++)
        d->trainees[i].completed = !d->trainees[i].withdrawn
                                   && d->trainees[i].attended >= d->c.min_days;
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* user: the course, whose days size the attendance grid */
static bool trainee_from_row(sqlite3_stmt *st, void *elem, void *user)
{
    const pv_course *c = user;
    pv_trainee *t = elem;
    t->present = calloc((size_t)c->days, 1);
    svc_copy(t->national_id, sizeof t->national_id, grp_col(st, 0));
    svc_copy(t->name, sizeof t->name, grp_col(st, 1));
    t->withdrawn = strcmp(grp_col(st, 2), "withdrawn") == 0;
    svc_copy(t->admitted_on, sizeof t->admitted_on, grp_col(st, 3));
    t->amount = sqlite3_column_int64(st, 4);
    return t->present != NULL;
}

static void trainee_drop(void *elem)
{
    free(((pv_trainee *)elem)->present);
}

static const pv_row_reader trainee_rows = {sizeof(pv_trainee), 8, trainee_from_row, trainee_drop};

static pv_status load_trainees(pv_ctx *ctx, pv_course_detail *d, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_query(ctx,
                 "SELECT p.national_id, p.first_name || ' ' || p.last_name, t.status, "
                 "t.admitted_on, t.amount FROM course_trainee t JOIN person p ON p.id = "
                 "t.person_id WHERE t.course_id = ?1 ORDER BY t.status, p.fold_last, p.fold_first",
                 &st, err, "i", d->c.id)
        != PV_OK)
        return PV_EFAIL;
    pv_status s;
    d->trainees = pv_read_rows(ctx, st, &trainee_rows, &d->c, &d->n_trainees, &s, err);
    return s != PV_OK ? s : load_attendance(ctx, d, err);
}

static bool evaluation_row(sqlite3_stmt *st, void *elem, void *user)
{
    (void)user;
    pv_course_evaluation *e = elem;
    svc_copy(e->date, sizeof e->date, grp_col(st, 0));
    e->score = sqlite3_column_int(st, 1);
    svc_copy(e->user, sizeof e->user, grp_col(st, 2));
    svc_copy(e->note, sizeof e->note, grp_col(st, 3));
    return true;
}

static const pv_row_reader evaluation_rows = {sizeof(pv_course_evaluation), 4, evaluation_row,
                                              NULL};

static pv_status load_evaluations(pv_ctx *ctx, pv_course_detail *d, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_query(ctx,
                 "SELECT date, score, user, coalesce(note, '') FROM course_evaluation "
                 "WHERE course_id = ?1 ORDER BY date, id",
                 &st, err, "i", d->c.id)
        != PV_OK)
        return PV_EFAIL;
    pv_status s;
    d->evaluations = pv_read_rows(ctx, st, &evaluation_rows, NULL, &d->n_evaluations, &s, err);
    return s;
}

pv_status pv_course_get(pv_ctx *ctx, pv_id id, pv_course_detail **out, pv_error *err)
{
    *out = NULL;
    pv_course_detail *d = calloc(1, sizeof *d);
    if (!d)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    pv_status st = load_course(ctx, id, &d->c, err);
    if (st == PV_OK)
        st = pv_authz_check(ctx, PV_ACT_FILE_READ, d->c.branch_code, err);
    if (st == PV_OK)
        st = load_trainees(ctx, d, err);
    if (st == PV_OK)
        st = load_evaluations(ctx, d, err);
    if (st != PV_OK) {
        pv_course_detail_free(d);
        return st;
    }
    *out = d;
    return PV_OK;
}

/* ---- a new course ---- */

typedef struct course_job {
    const pv_course_new *req;
    char code[PV_CODE_SZ], title[NOTE_SZ], place[NOTE_SZ], trainer[NOTE_SZ];
    char start[PV_DATE_SZ];
    int jyear;
    long days, min_days, per_year;
} course_job;

static pv_status course_prepare(pv_ctx *ctx, course_job *j, pv_error *err)
{
    const pv_course_new *r = j->req;
    pv_status st = grp_required(r->title, "title", j->title, sizeof j->title, err);
    if (st == PV_OK)
        st = grp_text(r->place, PV_TEXT_LINE, "place", j->place, sizeof j->place, err);
    if (st == PV_OK)
        st = grp_text(r->trainer, PV_TEXT_LINE, "trainer", j->trainer, sizeof j->trainer, err);
    if (st == PV_OK)
        st = svc_date(r->start_date, j->start, err);
    if (st != PV_OK)
        return st;
    if (r->capacity < 1 || r->capacity > 1000)
        return pv_error_field(err, "capacity", _("a capacity is a number from 1 to 1000"));
    if (!svc_code_norm(r->code, j->code))
        return pv_error_field(err, "service", _("not a service code"));
    svc_card c;
    if ((st = grp_card_load(ctx, j->code, &c, err)) != PV_OK)
        return st;
    j->days = grp_card_number(&c, "course_days");
    j->min_days = grp_card_number(&c, "course_min_days");
    j->per_year = grp_card_number(&c, "courses_per_year");
    svc_card_free(&c);
    if (j->days < 1)
        return pv_error_set(err, PV_EINVAL, "service",
                            _("the card of %s gives no course_days: it has no workshops"),
                            j->code);
    if (j->min_days < 0)
        j->min_days = j->days;
    j->jyear = (int)pv_jalali_period_key(j->start, PV_PERIOD_YEAR);
    return PV_OK;
}

static pv_status check_courses_per_year(pv_ctx *ctx, const course_job *j, pv_error *err)
{
    if (j->per_year < 1)
        return PV_OK;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT count(*) FROM course WHERE branch_code = ?1 AND code = ?2 AND jyear = ?3",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, ctx->branch_code);
    sqlite3_bind_text(q, 2, j->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 3, j->jyear);
    int rc = sqlite3_step(q);
    long have = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    sqlite3_reset(q);
    if (rc != SQLITE_ROW)
        return pv_db_error(ctx, err);
    if (have >= j->per_year)
        return pv_error_set(err, PV_ECONFLICT, "start_date",
                            _("Refused by the yearly courses rule: %s allows %ld course(s) a "
                              "Jalali year in a branch, and %d already has %ld."),
                            j->code, j->per_year, j->jyear, have);
    return PV_OK;
}

static pv_status course_insert(pv_ctx *ctx, const course_job *j, pv_id id, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "INSERT INTO course (id, branch_code, code, title, start_date, jyear, days, "
                "min_days, place, capacity, trainer, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                "?7, ?8, ?9, ?10, ?11, ?12)",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, ctx->branch_code);
    sqlite3_bind_text(q, 3, j->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, j->title, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 5, j->start, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 6, j->jyear);
    sqlite3_bind_int(q, 7, (int)j->days);
    sqlite3_bind_int(q, 8, (int)j->min_days);
    sqlite3_bind_text(q, 9, j->place, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 10, j->req->capacity);
    sqlite3_bind_text(q, 11, j->trainer, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 12, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_course_add(pv_ctx *ctx, const pv_course_new *c, pv_id *id_out, pv_error *err)
{
    if (!c)
        return pv_error_set(err, PV_EUSAGE, NULL, "%s", _("a course is needed"));
    course_job j = {.req = c};
    pv_status st = course_prepare(ctx, &j, err);
    if (st != PV_OK || (st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    pv_id id = 0;
    st = pv_authz_check(ctx, PV_ACT_ENROLL_REQUEST, ctx->branch_code, err);
    if (st == PV_OK)
        st = check_courses_per_year(ctx, &j, err);
    if (st == PV_OK)
        st = pv_next_id(ctx, "course", &id, err);
    if (st == PV_OK)
        st = course_insert(ctx, &j, id, err);
    return grp_finish_new(ctx, st, id, id_out, err);
}

/* ---- trainees ---- */

/* Begins the transaction, loads the course, checks the actor may change it. */
static pv_status begin_course(pv_ctx *ctx, pv_id id, pv_course *c, pv_error *err)
{
    pv_status st = pv_tx_begin(ctx, err);
    if (st != PV_OK)
        return st;
    st = load_course(ctx, id, c, err);
    if (st == PV_OK)
        st = pv_authz_check(ctx, PV_ACT_ENROLL_ADVANCE, c->branch_code, err);
    if (st != PV_OK)
        pv_tx_rollback(ctx);
    return st;
}

/* The trainee's row: status and the money charged for her. */
typedef struct trainee_row {
    bool found, withdrawn, charged;
    int64_t amount;
    char province_key[PV_LABEL_SZ];
    int year;
} trainee_row;

static pv_status load_trainee(pv_ctx *ctx, pv_id course, pv_id pid, trainee_row *t,
                              pv_error *err)
{
    memset(t, 0, sizeof *t);
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT status, charged, amount, province_key, credit_year FROM course_trainee "
                "WHERE course_id = ?1 AND person_id = ?2",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, course);
    sqlite3_bind_int64(q, 2, pid);
    int rc = sqlite3_step(q);
    if ((t->found = rc == SQLITE_ROW)) {
        t->withdrawn = strcmp(grp_col(q, 0), "withdrawn") == 0;
        t->charged = sqlite3_column_int(q, 1) != 0;
        t->amount = sqlite3_column_int64(q, 2);
        svc_copy(t->province_key, sizeof t->province_key, grp_col(q, 3));
        t->year = sqlite3_column_int(q, 4);
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* Eligibility for the course's service on the start date. */
static pv_status check_eligible(pv_ctx *ctx, const pv_course *c, svc_facts *sf, pv_error *err)
{
    svc_service *s = NULL;
    pv_eligibility *e = NULL;
    pv_status st = svc_service_load(ctx, c->code, &s, err);
    if (st == PV_OK)
        st = svc_facts_for(ctx, sf, c->code, c->start_date, 0, err);
    if (st == PV_OK)
        st = svc_evaluate(ctx, s, sf, c->start_date, &e, err);
    if (st == PV_OK && !e->eligible) {
        char *why = pv_eligibility_failures(e);
        st = pv_error_set(err, PV_EINELIGIBLE, "national_id", _("Not eligible for %s: %s"),
                          c->code, why ? why : "");
        free(why);
    }
    pv_eligibility_free(e);
    svc_service_free(s);
    return st;
}

static pv_status insert_trainee(pv_ctx *ctx, const pv_course *c, pv_id pid, const char *date,
                                int64_t amount, const char *pkey, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "INSERT INTO course_trainee (course_id, person_id, status, admitted_on, "
                "withdrawn_on, amount, charged, province_key, credit_year, added_by) VALUES "
                "(?1, ?2, 'admitted', ?3, NULL, ?4, ?4 > 0, ?5, ?6, ?7) ON CONFLICT DO UPDATE SET "
                "status = 'admitted', admitted_on = ?3, withdrawn_on = NULL, amount = ?4, "
                "charged = ?4 > 0, province_key = ?5, credit_year = ?6, added_by = ?7",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, c->id);
    sqlite3_bind_int64(q, 2, pid);
    sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 4, amount);
    sqlite3_bind_text(q, 5, pkey, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 6, c->jyear);
    sqlite3_bind_text(q, 7, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status admit_in_tx(pv_ctx *ctx, const pv_course *c, const char *nid,
                             const char *date, pv_error *err)
{
    svc_facts sf;
    pv_status st = svc_facts_load(ctx, nid, &sf, err);
    if (st != PV_OK)
        return st;
    trainee_row t;
    pv_service_info info;
    char pkey[PV_LABEL_SZ];
    const char *province = sf.view->person.province;
    pv_text_fold(province, pkey, sizeof pkey);
    st = load_trainee(ctx, c->id, sf.person_id, &t, err);
    if (st == PV_OK && t.found && !t.withdrawn)
        st = pv_error_set(err, PV_ECONFLICT, "national_id", _("%s is already on this course"),
                          nid);
    if (st == PV_OK && c->n_trainees >= c->capacity)
        st = pv_error_set(err, PV_ECONFLICT, "capacity",
                          _("Refused by the capacity rule: the course %s is full (%d of %d)."),
                          c->title, c->n_trainees, c->capacity);
    if (st == PV_OK)
        st = check_eligible(ctx, c, &sf, err);
    if (st == PV_OK)
        st = svc_info_load(ctx, c->code, &info, err);
    if (st == PV_OK && info.per_capita > 0) {
        if (!*pkey)
            st = pv_error_set(err, PV_ECONFLICT, "province",
                              _("Refused by the credit rule: the beneficiary's province is "
                                "not recorded."));
        else
            st = grp_credit_charge(ctx, c->code, pkey, province, c->jyear, info.per_capita,
                                   err);
    }
    if (st == PV_OK)
        st = insert_trainee(ctx, c, sf.person_id, date, info.per_capita, pkey, err);
    svc_facts_free(&sf);
    return st;
}

pv_status pv_course_admit(pv_ctx *ctx, pv_id course, const char *national_id,
                          const char *date_in, pv_error *err)
{
    char date[PV_DATE_SZ];
    pv_course c;
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK && (st = begin_course(ctx, course, &c, err)) == PV_OK)
        st = grp_finish(ctx, admit_in_tx(ctx, &c, national_id, date, err), err);
    return st;
}

static pv_status withdraw_in_tx(pv_ctx *ctx, const pv_course *c, const char *national_id,
                                const char *date, pv_error *err)
{
    pv_id pid;
    int64_t branch;
    char nid[PV_NATID_SZ];
    trainee_row t;
    pv_status st = grp_person(ctx, national_id, &pid, &branch, nid, err);
    if (st == PV_OK)
        st = load_trainee(ctx, c->id, pid, &t, err);
    if (st != PV_OK)
        return st;
    if (!t.found || t.withdrawn)
        return pv_error_set(err, PV_ENOTFOUND, "national_id", _("%s is not on this course"),
                            nid);
    /* Before the first day the place is given back with its money. */
    bool release = strcmp(date, c->start_date) < 0 && t.charged && t.amount > 0;
    if (release
        && (st = grp_credit_release(ctx, c->code, t.province_key, t.year, t.amount, err))
               != PV_OK)
        return st;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "UPDATE course_trainee SET status = 'withdrawn', withdrawn_on = ?3, "
                "amount = CASE WHEN ?4 THEN 0 ELSE amount END, "
                "charged = CASE WHEN ?4 THEN 0 ELSE charged END "
                "WHERE course_id = ?1 AND person_id = ?2",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, c->id);
    sqlite3_bind_int64(q, 2, pid);
    sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 4, release);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_course_withdraw(pv_ctx *ctx, pv_id course, const char *national_id,
                             const char *date_in, pv_error *err)
{
    char date[PV_DATE_SZ];
    pv_course c;
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK && (st = begin_course(ctx, course, &c, err)) == PV_OK)
        st = grp_finish(ctx, withdraw_in_tx(ctx, &c, national_id, date, err), err);
    return st;
}

static pv_status attend_in_tx(pv_ctx *ctx, const pv_course *c, const char *national_id,
                              int day, bool present, pv_error *err)
{
    pv_id pid;
    int64_t branch;
    char nid[PV_NATID_SZ];
    trainee_row t;
    pv_status st = grp_person(ctx, national_id, &pid, &branch, nid, err);
    if (st == PV_OK)
        st = load_trainee(ctx, c->id, pid, &t, err);
    if (st != PV_OK)
        return st;
    if (!t.found || t.withdrawn)
        return pv_error_set(err, PV_ENOTFOUND, "national_id", _("%s is not on this course"),
                            nid);
    if (day < 1 || day > c->days)
        return pv_error_set(err, PV_EINVAL, "day", _("a day of this course is 1 to %d"),
                            c->days);
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                present ? "INSERT OR IGNORE INTO course_attendance (course_id, person_id, day, "
                          "user) VALUES (?1, ?2, ?3, ?4)"
                        : "DELETE FROM course_attendance WHERE course_id = ?1 AND "
                          "person_id = ?2 AND day = ?3 AND ?4 IS NOT NULL",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, c->id);
    sqlite3_bind_int64(q, 2, pid);
    sqlite3_bind_int(q, 3, day);
    sqlite3_bind_text(q, 4, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_course_attend(pv_ctx *ctx, pv_id course, const char *national_id, int day,
                           bool present, pv_error *err)
{
    pv_course c;
    pv_status st = begin_course(ctx, course, &c, err);
    if (st == PV_OK)
        st = grp_finish(ctx, attend_in_tx(ctx, &c, national_id, day, present, err), err);
    return st;
}

pv_status pv_course_evaluate(pv_ctx *ctx, pv_id course, const char *date_in, int score,
                             const char *note_in, pv_error *err)
{
    char date[PV_DATE_SZ], note[NOTE_SZ];
    pv_course c;
    if (score < 0 || score > 100)
        return pv_error_field(err, "score", _("a score is a number from 0 to 100"));
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK)
        st = grp_text(note_in, PV_TEXT_LINE, "note", note, sizeof note, err);
    if (st != PV_OK || (st = begin_course(ctx, course, &c, err)) != PV_OK)
        return st;
    sqlite3_stmt *q;
    pv_id id = 0;
    st = pv_next_id(ctx, "course_evaluation", &id, err);
    if (st == PV_OK
        && (st = pv_stmt(ctx,
                         "INSERT INTO course_evaluation (id, course_id, date, score, note, user) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         &q, err)) == PV_OK) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, c.id);
        sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(q, 4, score);
        if (*note)
            sqlite3_bind_text(q, 5, note, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 6, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            st = pv_db_error(ctx, err);
    }
    return grp_finish(ctx, st, err);
}
