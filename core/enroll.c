/* parvande — enrollments: request (with a supervisor's override), approval
 * by someone else than the requester, the card's steps in order, documents,
 * and the limits (frequency, credit, money cap per group) checked and
 * charged inside one IMMEDIATE transaction, so two terminals can never
 * overspend a credit or break a frequency limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "parvande/text.h"
#include "svc_internal.h"

#define MIN_JUSTIFICATION 10 /* characters: "ok" is not a justification */

static const char *const status_names[] = {"requested", "in_progress", "completed", "rejected",
                                           "withdrawn"};
static const char *const status_labels[] = {N_("requested"), N_("in progress"),
                                            N_("completed"), N_("rejected"), N_("withdrawn")};

const char *pv_enroll_status_name(pv_enroll_status s)
{
    return (unsigned)s < 5 ? status_names[s] : "?";
}

const char *pv_enroll_status_label(pv_enroll_status s)
{
    return (unsigned)s < 5 ? _(status_labels[s]) : "?";
}

/* The history's event kinds and their labels: the one table both the
 * interface and the command line show. "untick" is stored as a "document"
 * event with step -1 (the kinds' CHECK predates it; see pv_enroll_get). */
static const struct { const char *kind, *label; } event_labels[] = {
    {"request", N_("requested")},        {"override", N_("overridden by a supervisor")},
    {"approve", N_("approved")},         {"step", N_("step done")},
    {"complete", N_("completed")},       {"reject", N_("rejected")},
    {"withdraw", N_("withdrawn")},       {"document", N_("document ticked")},
    {"untick", N_("document unticked")},
};

const char *pv_enroll_event_label(const char *kind)
{
    for (size_t i = 0; i < sizeof event_labels / sizeof *event_labels; i++)
        if (strcmp(event_labels[i].kind, kind) == 0)
            return _(event_labels[i].label);
    return kind;
}

static pv_enroll_status status_from(const char *s)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(status_names[i], s) == 0)
            return (pv_enroll_status)i;
    return PV_ENR_REQUESTED;
}

static pv_status oom(pv_error *err)
{
    return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
}

static const char *col(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

pv_status pv_enroll_parse_id(const char *text, pv_id *out, pv_error *err)
{
    char digits[24];
    if (!text || !pv_digits_ascii(text, false, digits, sizeof digits) || !*digits
        || strlen(digits) > 18)
        return pv_error_field(err, "enrollment", _("an enrollment number is digits only"));
    *out = strtoll(digits, NULL, 10);
    return PV_OK;
}

/* Normalised optional text (note, justification); "" stays "". */
static pv_status clean_text(const char *in, const char *field, char **out, pv_error *err)
{
    *out = NULL;
    if (!in || !*in)
        return PV_OK;
    size_t size = strlen(in) + 8;
    char *buf = malloc(size);
    if (!buf)
        return oom(err);
    if (pv_text_normalize(in, PV_TEXT_NOTE, field, buf, size, err) != PV_OK) {
        free(buf);
        return PV_EINVAL;
    }
    *out = buf;
    return PV_OK;
}

static pv_status add_event(pv_ctx *ctx, pv_id enr, const char *date, const char *kind, int step,
                           const char *note, pv_error *err)
{
    sqlite3_stmt *st;
    pv_id id; /* branch-unique: events travel to the province */
    if (pv_next_id(ctx, "enrollment_event", &id, err) != PV_OK)
        return PV_EFAIL;
    if (pv_stmt(ctx,
                "INSERT INTO enrollment_event (enrollment_id, date, user, kind, step, note, at, "
                "id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, " PV_NOW ", ?7)",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(st, 7, id);
    sqlite3_bind_int64(st, 1, enr);
    sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, step);
    if (note && *note)
        sqlite3_bind_text(st, 6, note, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* ---- limits ---- */

static const char *period_word(pv_frequency f)
{
    switch (f) {
    case PV_FREQ_MONTH: return _("Jalali month");
    case PV_FREQ_SEASON: return _("Jalali season");
    case PV_FREQ_YEAR: return _("Jalali year");
    default: return "";
    }
}

static pv_status check_frequency(const svc_service *s, const pv_rule_facts *f, pv_error *err)
{
    int have;
    switch (s->info.frequency) {
    case PV_FREQ_NONE: return PV_OK;
    case PV_FREQ_ONCE: have = f->enrolled_ever; break;
    case PV_FREQ_MONTH: have = f->enrolled_month; break;
    case PV_FREQ_SEASON: have = f->enrolled_season; break;
    case PV_FREQ_YEAR: have = f->enrolled_year; break;
    default: return PV_OK;
    }
    if (s->info.frequency == PV_FREQ_ONCE && have > 0)
        return pv_error_set(err, PV_ECONFLICT, "service",
                            _("Refused by the frequency rule: %s is given once for ever, and "
                              "this person already has it."),
                            s->info.code);
    if (have >= s->info.freq_count)
        return pv_error_set(err, PV_ECONFLICT, "service",
                            _("Refused by the frequency rule: %s is given at most %d time(s) "
                              "per %s, and this person already has %d in this period."),
                            s->info.code, s->info.freq_count, period_word(s->info.frequency),
                            have);
    return PV_OK;
}

/* Charges `amount` to the credit (inside the transaction). */
static pv_status charge_credit(pv_ctx *ctx, const svc_service *s, const char *province_key,
                               const char *province, int year, int64_t amount, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT amount, committed FROM credit WHERE code = ?1 AND province_key = ?2 "
                "AND year = ?3",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, s->info.code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, province_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, year);
    int rc = sqlite3_step(st);
    int64_t total = 0, committed = 0;
    if (rc == SQLITE_ROW) {
        total = sqlite3_column_int64(st, 0);
        committed = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ECONFLICT, "credit",
                            _("Refused by the credit rule: no credit is set for %s in %s for "
                              "%d."),
                            s->info.code, province, year);
    if (rc != SQLITE_ROW)
        return pv_db_error(ctx, err);
    if (total - committed < amount)
        return pv_error_set(err, PV_ECONFLICT, "credit",
                            _("Refused by the credit rule: the %d credit of %s in %s has %lld "
                              "rials left and %lld are needed."),
                            year, s->info.code, province, (long long)(total - committed),
                            (long long)amount);
    if (pv_stmt(ctx,
                "UPDATE credit SET committed = committed + ?4 WHERE code = ?1 AND "
                "province_key = ?2 AND year = ?3",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, s->info.code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, province_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, year);
    sqlite3_bind_int64(st, 4, amount);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status check_group_cap(pv_ctx *ctx, const svc_service *s, const char *group,
                                 int64_t amount, pv_error *err)
{
    if (!group || !*group)
        return pv_error_set(err, PV_ECONFLICT, "service",
                            _("Refused by the group cap rule: this person is in no mutual-aid "
                              "group (add her to one, or record the fact %s)."),
                            s->info.group_fact);
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT coalesce(sum(amount), 0) FROM enrollment WHERE code = ?1 AND "
                "group_key = ?2 AND status NOT IN ('rejected', 'withdrawn')",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, s->info.code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, group, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    int64_t used = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return pv_db_error(ctx, err);
    if (used + amount > s->info.group_cap)
        return pv_error_set(err, PV_ECONFLICT, "service",
                            _("Refused by the group cap rule: group %s has %lld of its %lld "
                              "rials left and %lld are asked."),
                            group, (long long)(s->info.group_cap - used),
                            (long long)s->info.group_cap, (long long)amount);
    return PV_OK;
}

static pv_status ineligible(const pv_eligibility *e, pv_error *err)
{
    char *why = pv_eligibility_failures(e);
    pv_status st = pv_error_set(err, PV_EINELIGIBLE, "service",
                                _("Not eligible for %s: %s"), e->code, why ? why : "");
    free(why);
    return st;
}

/* ---- request ---- */

typedef struct enroll_job {
    const pv_enroll_request *req;
    svc_service *s;
    svc_facts sf;
    char date[PV_DATE_SZ];
    char *note, *justification;
    int64_t amount;
    char province_key[PV_NAME_SZ];
    const char *group;
    bool charged;
} enroll_job;

static pv_status insert_enrollment(pv_ctx *ctx, enroll_job *j, bool overridden, pv_id *id,
                                   pv_error *err)
{
    if (pv_next_id(ctx, "enrollment", id, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "INSERT INTO enrollment (id, person_id, code, branch_code, status, step, "
                "n_steps, date, jyear, jseason, jmonth, province, province_key, amount, "
                "charged_credit, group_key, note, requested_by, requested_by_id, override_by, "
                "justification) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
                "?16,?17,?18,?19,?20,?21)",
                &st, err) != PV_OK)
        return PV_EFAIL;
    const pv_actor *a = pv_ctx_actor(ctx);
    bool approval = j->s->info.approval;
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_int64(st, 2, j->sf.person_id);
    sqlite3_bind_text(st, 3, j->s->info.code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, j->sf.branch_code);
    sqlite3_bind_text(st, 5, approval ? "requested" : "in_progress", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, approval ? 0 : 1);
    sqlite3_bind_int(st, 7, (int)j->s->info.n_steps);
    sqlite3_bind_text(st, 8, j->date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 9, pv_jalali_period_key(j->date, PV_PERIOD_YEAR));
    sqlite3_bind_int64(st, 10, pv_jalali_period_key(j->date, PV_PERIOD_SEASON));
    sqlite3_bind_int64(st, 11, pv_jalali_period_key(j->date, PV_PERIOD_MONTH));
    sqlite3_bind_text(st, 12, j->sf.view->person.province, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 13, j->province_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 14, j->amount);
    sqlite3_bind_int(st, 15, j->charged);
    sqlite3_bind_text(st, 16, j->group ? j->group : "", -1, SQLITE_TRANSIENT);
    if (j->note)
        sqlite3_bind_text(st, 17, j->note, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 18, a->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 19, a->user_id);
    sqlite3_bind_text(st, 20, overridden ? a->name : "", -1, SQLITE_TRANSIENT);
    if (overridden)
        sqlite3_bind_text(st, 21, j->justification, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return pv_db_error(ctx, err);
    pv_status s = add_event(ctx, *id, j->date, "request", 0, j->note, err);
    if (s == PV_OK && overridden)
        s = add_event(ctx, *id, j->date, "override", 0, j->justification, err);
    return s;
}

/* Everything after the transaction began: eligibility, limits, insert. */
static pv_status enroll_in_tx(pv_ctx *ctx, enroll_job *j, pv_id *id, pv_eligibility **why,
                              pv_error *err)
{
    const svc_service *s = j->s;
    pv_status st = svc_facts_for(ctx, &j->sf, s->info.code, j->date, 0, err);
    pv_eligibility *e = NULL;
    if (st == PV_OK)
        st = svc_evaluate(ctx, s, &j->sf, j->date, &e, err);
    if (st != PV_OK)
        return st;
    bool overridden = false;
    if (!e->eligible) {
        if (!j->justification) {
            st = ineligible(e, err);
            if (why)
                *why = e;
            else
                pv_eligibility_free(e);
            return st;
        }
        overridden = true;
    }
    pv_eligibility_free(e);
    if ((st = check_frequency(s, &j->sf.f, err)) != PV_OK)
        return st;
    int year = (int)pv_jalali_period_key(j->date, PV_PERIOD_YEAR);
    const char *province = j->sf.view->person.province;
    pv_text_fold(province, j->province_key, sizeof j->province_key);
    if (s->info.per_capita > 0 && j->amount > 0) {
        if (!*j->province_key)
            return pv_error_set(err, PV_ECONFLICT, "province",
                                _("Refused by the credit rule: the beneficiary's province is "
                                  "not recorded."));
        if ((st = charge_credit(ctx, s, j->province_key, province, year, j->amount, err))
            != PV_OK)
            return st;
        j->charged = true;
    }
    if (s->info.group_cap > 0) {
        j->group = svc_fact_lookup(&j->sf, "group.member"); /* the group record first */
        if (!j->group)
            j->group = svc_fact_lookup(&j->sf, s->info.group_fact);
        if ((st = check_group_cap(ctx, s, j->group, j->amount, err)) != PV_OK)
            return st;
    }
    return insert_enrollment(ctx, j, overridden, id, err);
}

static pv_status enroll_prepare(pv_ctx *ctx, enroll_job *j, pv_error *err)
{
    const pv_enroll_request *r = j->req;
    pv_status st = svc_date(r->date, j->date, err);
    if (st == PV_OK)
        st = clean_text(r->note, "note", &j->note, err);
    if (st == PV_OK)
        st = clean_text(r->justification, "justification", &j->justification, err);
    if (st != PV_OK)
        return st;
    if (r->justification && (!j->justification
                             || pv_utf8_length(j->justification) < MIN_JUSTIFICATION))
        return pv_error_field(err, "justification",
                              _("an override needs a written justification of at least a few "
                                "words"));
    if (r->amount > (int64_t)1e15)
        return pv_error_field(err, "amount", _("the amount is too large"));
    if ((st = svc_service_load(ctx, r->code, &j->s, err)) != PV_OK)
        return st;
    j->amount = r->amount >= 0 ? r->amount : j->s->info.per_capita;
    return PV_OK;
}

pv_status pv_enroll(pv_ctx *ctx, const pv_enroll_request *req, pv_id *id_out,
                    pv_eligibility **why, pv_error *err)
{
    if (why)
        *why = NULL;
    if (!req || !req->national_id || !req->code)
        return pv_error_set(err, PV_EUSAGE, NULL, "%s", _("a national ID and a service code are needed"));
    enroll_job j = {.req = req};
    pv_id id = 0;
    pv_status st = enroll_prepare(ctx, &j, err);
    bool loaded = false;
    /* The file is read inside the write transaction too: what is checked is
     * what is there when the enrollment is written. */
    if (st == PV_OK && (st = pv_tx_begin(ctx, err)) == PV_OK) {
        if ((st = svc_facts_load(ctx, req->national_id, &j.sf, err)) == PV_OK)
            loaded = true;
        if (st == PV_OK)
            st = pv_authz_check(ctx, PV_ACT_ENROLL_REQUEST, j.sf.branch_code, err);
        if (st == PV_OK && j.justification)
            st = pv_authz_check(ctx, PV_ACT_ENROLL_OVERRIDE, j.sf.branch_code, err);
        if (st == PV_OK)
            st = enroll_in_tx(ctx, &j, &id, why, err);
        if (st == PV_OK)
            st = pv_tx_commit(ctx, err);
        if (st != PV_OK)
            pv_tx_rollback(ctx);
    }
    if (loaded)
        svc_facts_free(&j.sf);
    svc_service_free(j.s);
    free(j.note);
    free(j.justification);
    if (st == PV_OK && id_out)
        *id_out = id;
    return st;
}

/* ---- the enrollment's row, for the later actions ---- */

typedef struct enr_row {
    pv_id id, person_id;
    char code[PV_CODE_SZ];
    int64_t branch;
    pv_enroll_status status;
    int step, n_steps;
    char requested_by[PV_USER_SZ];
    pv_id requested_by_id;
    bool overridden;
    char province_key[PV_NAME_SZ];
    int year;
    int64_t amount;
    bool charged;
    char nid[PV_NATID_SZ];
} enr_row;

static pv_status load_row(pv_ctx *ctx, pv_id id, enr_row *r, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT e.id, e.person_id, e.code, e.branch_code, e.status, e.step, e.n_steps, "
                "e.requested_by, e.requested_by_id, e.override_by <> '', e.province_key, "
                "e.jyear, e.amount, e.charged_credit, p.national_id FROM enrollment e "
                "JOIN person p ON p.id = e.person_id WHERE e.id = ?1",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        r->id = sqlite3_column_int64(st, 0);
        r->person_id = sqlite3_column_int64(st, 1);
        svc_copy(r->code, sizeof r->code, col(st, 2));
        r->branch = sqlite3_column_int64(st, 3);
        r->status = status_from(col(st, 4));
        r->step = sqlite3_column_int(st, 5);
        r->n_steps = sqlite3_column_int(st, 6);
        svc_copy(r->requested_by, sizeof r->requested_by, col(st, 7));
        r->requested_by_id = sqlite3_column_int64(st, 8);
        r->overridden = sqlite3_column_int(st, 9);
        svc_copy(r->province_key, sizeof r->province_key, col(st, 10));
        r->year = sqlite3_column_int(st, 11);
        r->amount = sqlite3_column_int64(st, 12);
        r->charged = sqlite3_column_int(st, 13);
        svc_copy(r->nid, sizeof r->nid, col(st, 14));
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE ||
        (rc == SQLITE_ROW && pv_authz_hidden(ctx, PV_ACT_ENROLL_ADVANCE, r->branch)))
        return pv_error_set(err, PV_ENOTFOUND, "enrollment", _("%lld: no such enrollment"),
                            (long long)id);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

/* `why` is a translated clause saying what the action needs. */
static pv_status wrong_status(const enr_row *r, const char *why, pv_error *err)
{
    /* TRANSLATORS: enrollment number, its status, then why the action is refused. */
    return pv_error_set(err, PV_ECONFLICT, "enrollment", _("Enrollment %lld is %s: %s"),
                        (long long)r->id, pv_enroll_status_label(r->status), why);
}

static pv_status set_state(pv_ctx *ctx, pv_id id, const char *status, int step,
                           const char *approved_by, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "UPDATE enrollment SET status = ?2, step = ?3, approved_by = "
                "coalesce(?4, approved_by), updated_at = " PV_NOW " "
                "WHERE id = ?1",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, step);
    if (approved_by)
        sqlite3_bind_text(st, 4, approved_by, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* Eligibility again (approval, completion) unless a supervisor overrode it. */
static pv_status recheck(pv_ctx *ctx, const enr_row *r, const char *date, pv_error *err)
{
    if (r->overridden)
        return PV_OK;
    svc_service *s;
    pv_status st = svc_service_load(ctx, r->code, &s, err);
    if (st != PV_OK)
        return st;
    svc_facts sf;
    if ((st = svc_facts_load(ctx, r->nid, &sf, err)) == PV_OK) {
        pv_eligibility *e = NULL;
        st = svc_facts_for(ctx, &sf, r->code, date, r->id, err);
        if (st == PV_OK)
            st = svc_evaluate(ctx, s, &sf, date, &e, err);
        if (st == PV_OK && !e->eligible)
            st = ineligible(e, err);
        pv_eligibility_free(e);
        svc_facts_free(&sf);
    }
    svc_service_free(s);
    return st;
}

/* Runs `fn` on the enrollment inside an IMMEDIATE transaction. */
typedef pv_status (*enr_action)(pv_ctx *, enr_row *, const char *date, const char *note,
                                void *arg, pv_error *);

static pv_status with_enrollment(pv_ctx *ctx, pv_id id, pv_action act, const char *date_in,
                                 const char *note_in, enr_action fn, void *arg, pv_error *err)
{
    char date[PV_DATE_SZ];
    char *note = NULL;
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK)
        st = clean_text(note_in, "note", &note, err);
    if (st != PV_OK)
        return st;
    if ((st = pv_tx_begin(ctx, err)) != PV_OK) {
        free(note);
        return st;
    }
    enr_row r;
    st = load_row(ctx, id, &r, err);
    if (st == PV_OK)
        st = pv_authz_check(ctx, act, r.branch, err);
    if (st == PV_OK)
        st = fn(ctx, &r, date, note, arg, err);
    if (st == PV_OK)
        st = pv_tx_commit(ctx, err);
    if (st != PV_OK)
        pv_tx_rollback(ctx);
    free(note);
    return st;
}

/* ---- approve, advance, reject, withdraw, tick ---- */

static pv_status do_approve(pv_ctx *ctx, enr_row *r, const char *date, const char *note,
                            void *arg, pv_error *err)
{
    (void)arg;
    const pv_actor *a = pv_ctx_actor(ctx);
    if (r->status != PV_ENR_REQUESTED)
        return wrong_status(r, _("only a requested enrollment can be approved."), err);
    if (a->user_id == r->requested_by_id && strcmp(a->name, r->requested_by) == 0)
        return pv_error_set(err, PV_EDENIED, "enrollment",
                            _("Refused by the maker-checker rule: %s requested this enrollment "
                              "and cannot also approve it."),
                            r->requested_by);
    pv_status st = recheck(ctx, r, date, err);
    if (st == PV_OK)
        st = set_state(ctx, r->id, "in_progress", 1, a->name, err);
    if (st == PV_OK)
        st = add_event(ctx, r->id, date, "approve", 0, note, err);
    return st;
}

pv_status pv_enroll_approve(pv_ctx *ctx, pv_id id, const char *note, pv_error *err)
{
    return with_enrollment(ctx, id, PV_ACT_ENROLL_APPROVE, NULL, note, do_approve, NULL, err);
}

/* The first document of the card not ticked on this enrollment, if any. */
static pv_status missing_document(pv_ctx *ctx, const enr_row *r, char *label, size_t size,
                                  bool *missing, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT d.label_fa, d.label_en FROM service_document d WHERE d.code = ?1 AND "
                "NOT EXISTS (SELECT 1 FROM enrollment_document t WHERE t.enrollment_id = ?2 "
                "AND t.doc_key = d.key) ORDER BY d.seq LIMIT 1",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, r->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, r->id);
    int rc = sqlite3_step(st);
    *missing = rc == SQLITE_ROW;
    if (*missing)
        svc_copy(label, size, svc_pick(pv_ctx_lang(ctx), col(st, 0), col(st, 1)));
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status do_advance(pv_ctx *ctx, enr_row *r, const char *date, const char *note,
                            void *arg, pv_error *err)
{
    (void)arg;
    if (r->status != PV_ENR_IN_PROGRESS)
        return wrong_status(r, _("only an enrollment in progress can move to its next step."), err);
    /* a [gate] of the card on this step: e.g. an agency's confirmed inquiry */
    pv_status st = svc_gate_check(ctx, r->code, r->step, r->nid, date, err);
    if (st != PV_OK)
        return st;
    if (r->step >= r->n_steps) { /* the last step: completion */
        char label[PV_LABEL_SZ];
        bool missing;
        if ((st = missing_document(ctx, r, label, sizeof label, &missing, err)) != PV_OK)
            return st;
        if (missing)
            return pv_error_set(err, PV_ECONFLICT, "document",
                                _("Refused by the documents rule: “%s” is not ticked, so the "
                                  "enrollment cannot complete."),
                                label);
        if ((st = recheck(ctx, r, date, err)) != PV_OK)
            return st;
        st = set_state(ctx, r->id, "completed", r->n_steps, NULL, err);
        if (st == PV_OK)
            st = add_event(ctx, r->id, date, "step", r->step, note, err);
        if (st == PV_OK)
            st = add_event(ctx, r->id, date, "complete", r->step, NULL, err);
        return st;
    }
    st = set_state(ctx, r->id, "in_progress", r->step + 1, NULL, err);
    if (st == PV_OK)
        st = add_event(ctx, r->id, date, "step", r->step, note, err);
    return st;
}

pv_status pv_enroll_advance(pv_ctx *ctx, pv_id id, const char *date, const char *note,
                            pv_error *err)
{
    return with_enrollment(ctx, id, PV_ACT_ENROLL_ADVANCE, date, note, do_advance, NULL, err);
}

static pv_status release_credit(pv_ctx *ctx, const enr_row *r, pv_error *err)
{
    if (!r->charged || r->amount <= 0)
        return PV_OK;
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "UPDATE credit SET committed = max(0, committed - ?4) WHERE code = ?1 AND "
                "province_key = ?2 AND year = ?3",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, r->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, r->province_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, r->year);
    sqlite3_bind_int64(st, 4, r->amount);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if (pv_stmt(ctx, "UPDATE enrollment SET charged_credit = 0 WHERE id = ?1", &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(st, 1, r->id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status do_end(pv_ctx *ctx, enr_row *r, const char *date, const char *note,
                        void *arg, pv_error *err)
{
    bool reject = arg != NULL;
    if (r->status != PV_ENR_REQUESTED && r->status != PV_ENR_IN_PROGRESS)
        return wrong_status(r, _("it has already ended."), err);
    pv_status st = release_credit(ctx, r, err);
    if (st == PV_OK)
        st = set_state(ctx, r->id, reject ? "rejected" : "withdrawn", r->step, NULL, err);
    if (st == PV_OK)
        st = add_event(ctx, r->id, date, reject ? "reject" : "withdraw", r->step, note, err);
    return st;
}

pv_status pv_enroll_reject(pv_ctx *ctx, pv_id id, const char *note, pv_error *err)
{
    static int yes;
    return with_enrollment(ctx, id, PV_ACT_ENROLL_APPROVE, NULL, note, do_end, &yes, err);
}

pv_status pv_enroll_withdraw(pv_ctx *ctx, pv_id id, const char *note, pv_error *err)
{
    return with_enrollment(ctx, id, PV_ACT_ENROLL_ADVANCE, NULL, note, do_end, NULL, err);
}

static pv_status do_tick(pv_ctx *ctx, enr_row *r, const char *date, const char *note,
                         void *arg, pv_error *err)
{
    (void)note;
    const char *name = arg;
    if (r->status != PV_ENR_REQUESTED && r->status != PV_ENR_IN_PROGRESS)
        return wrong_status(r, _("it has already ended."), err);
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT key FROM service_document WHERE code = ?1 AND (key = ?2 OR "
                "label_fa = ?2 OR lower(label_en) = lower(?2))",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, r->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    char key[PV_KEY_SZ] = "";
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        svc_copy(key, sizeof key, col(st, 0));
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_field(err, "document", _("the service's card asks for no such document"));
    if (rc != SQLITE_ROW)
        return pv_db_error(ctx, err);
    if (pv_stmt(ctx,
                "INSERT OR IGNORE INTO enrollment_document (enrollment_id, doc_key, ticked_on, "
                "ticked_by) VALUES (?1, ?2, ?3, ?4)",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if (sqlite3_changes(ctx->db) == 0)
        return PV_OK; /* already ticked */
    return add_event(ctx, r->id, date, "document", 0, key, err);
}

pv_status pv_enroll_tick(pv_ctx *ctx, pv_id id, const char *name, pv_error *err)
{
    char clean[PV_LABEL_SZ];
    if (!name || pv_text_normalize(name, PV_TEXT_LINE, "document", clean, sizeof clean, err)
                     != PV_OK)
        return name ? PV_EINVAL : pv_error_field(err, "document", _("a document is needed"));
    return with_enrollment(ctx, id, PV_ACT_ENROLL_ADVANCE, NULL, NULL, do_tick, clean, err);
}

/* The document's key on the enrollment's card, from its key or a label. */
static pv_status document_key(pv_ctx *ctx, const enr_row *r, const char *name, char *key,
                              size_t size, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT key FROM service_document WHERE code = ?1 AND (key = ?2 OR "
                "label_fa = ?2 OR lower(label_en) = lower(?2))",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, r->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        svc_copy(key, size, col(st, 0));
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_field(err, "document", _("the service's card asks for no such document"));
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

static pv_status do_untick(pv_ctx *ctx, enr_row *r, const char *date, const char *note,
                           void *arg, pv_error *err)
{
    (void)note;
    if (r->status != PV_ENR_REQUESTED && r->status != PV_ENR_IN_PROGRESS)
        return wrong_status(r, _("it has already ended."), err);
    char key[PV_KEY_SZ] = "";
    pv_status s = document_key(ctx, r, arg, key, sizeof key, err);
    if (s != PV_OK)
        return s;
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "DELETE FROM enrollment_document WHERE enrollment_id = ?1 AND doc_key = ?2",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if (sqlite3_changes(ctx->db) == 0)
        return PV_OK; /* not ticked */
    return add_event(ctx, r->id, date, "document", -1, key, err);
}

pv_status pv_enroll_untick(pv_ctx *ctx, pv_id id, const char *name, pv_error *err)
{
    char clean[PV_LABEL_SZ];
    if (!name || pv_text_normalize(name, PV_TEXT_LINE, "document", clean, sizeof clean, err)
                     != PV_OK)
        return name ? PV_EINVAL : pv_error_field(err, "document", _("a document is needed"));
    return with_enrollment(ctx, id, PV_ACT_ENROLL_ADVANCE, NULL, NULL, do_untick, clean, err);
}

/* ---- credits ---- */

pv_status pv_credit_set(pv_ctx *ctx, const char *code, const char *province, int year,
                        int64_t amount, pv_error *err)
{
    if (pv_authz_check(ctx, PV_ACT_CREDIT_ADMIN, 0, err) != PV_OK)
        return PV_EDENIED;
    pv_service_info info;
    pv_status st = svc_info_load(ctx, code, &info, err);
    if (st != PV_OK)
        return st;
    char prov[PV_NAME_SZ], key[PV_NAME_SZ];
    if (!province
        || pv_text_normalize(province, PV_TEXT_LINE, "province", prov, sizeof prov, err) != PV_OK)
        return province ? PV_EINVAL : pv_error_field(err, "province", _("a province is needed"));
    pv_text_fold(prov, key, sizeof key);
    if (!*key)
        return pv_error_field(err, "province", _("a province is needed"));
    if (year < 1300 || year > 1500)
        return pv_error_field(err, "year", _("a Jalali year such as 1403 is needed"));
    if (amount < 0)
        return pv_error_field(err, "amount", _("the amount cannot be negative"));
    if ((st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    sqlite3_stmt *q;
    int64_t committed = 0;
    if (pv_stmt(ctx, "SELECT committed FROM credit WHERE code = ?1 AND province_key = ?2 AND year = ?3",
                &q, err) != PV_OK)
        st = PV_EFAIL;
    if (st == PV_OK) {
        sqlite3_bind_text(q, 1, info.code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(q, 3, year);
        if (sqlite3_step(q) == SQLITE_ROW)
            committed = sqlite3_column_int64(q, 0);
        sqlite3_reset(q);
        if (amount < committed)
            st = pv_error_set(err, PV_ECONFLICT, "credit",
                              _("Refused by the credit rule: %lld rials are already committed; "
                                "the credit cannot be less."),
                              (long long)committed);
    }
    if (st == PV_OK && pv_stmt(ctx,
                               "INSERT INTO credit (code, province_key, province, year, amount, "
                               "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (code, "
                               "province_key, year) DO UPDATE SET amount = ?5, province = ?3, "
                               "updated_by = ?6, "
                               "updated_at = " PV_NOW,
                               &q, err) != PV_OK)
        st = PV_EFAIL;
    if (st == PV_OK) {
        sqlite3_bind_text(q, 1, info.code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 3, prov, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(q, 4, year);
        sqlite3_bind_int64(q, 5, amount);
        sqlite3_bind_text(q, 6, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            st = pv_db_error(ctx, err);
    }
    if (st == PV_OK)
        st = pv_tx_commit(ctx, err);
    if (st != PV_OK)
        pv_tx_rollback(ctx);
    return st;
}

pv_status pv_credit_list(pv_ctx *ctx, const char *code, pv_credit **out, size_t *n,
                         pv_error *err)
{
    *out = NULL;
    *n = 0;
    char c[PV_CODE_SZ] = "";
    if (code && !svc_code_norm(code, c))
        return pv_error_field(err, "service", _("not a service code"));
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT code, province, year, amount, committed FROM credit "
                "WHERE ?1 = '' OR code = ?1 ORDER BY code, year, province",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(q, 1, c, -1, SQLITE_TRANSIENT);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        pv_credit *g = svc_grow(*out, *n, &cap, sizeof *g, 8);
        if (!g) {
            rc = SQLITE_NOMEM;
            break;
        }
        *out = g;
        pv_credit *k = &(*out)[(*n)++];
        svc_copy(k->code, sizeof k->code, col(q, 0));
        svc_copy(k->province, sizeof k->province, col(q, 1));
        k->year = sqlite3_column_int(q, 2);
        k->amount = sqlite3_column_int64(q, 3);
        k->committed = sqlite3_column_int64(q, 4);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc == SQLITE_NOMEM ? oom(err) : pv_db_error(ctx, err);
    }
    return PV_OK;
}
