/* parvande — referrals (include/parvande/referrals.h): centres, the
 * branch's follow-up days, referrals through their statuses, overdue
 * lists. Every read-modify-write is one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "parvande/referrals.h"
#include "parvande/text.h"
#include "parvande/validate.h"
#include "svc_internal.h"

static const char *const urgency_codes[PV_URG__COUNT] = {"routine", "urgent", "emergency"};
static const char *const urgency_labels[PV_URG__COUNT] = {N_("routine"), N_("urgent"),
                                                          N_("emergency")};
static const char *const urgency_fa[PV_URG__COUNT] = {"عادی", "فوری", "اضطراری"};
static const int urgency_default_days[PV_URG__COUNT] = {14, 3, 0};
static const char *const status_codes[PV_REF__COUNT] = {"sent", "received", "closed",
                                                        "returned"};
static const char *const status_labels[PV_REF__COUNT] = {N_("sent"), N_("received"),
                                                         N_("closed"), N_("returned")};

const char *pv_urgency_code(pv_urgency u) { return urgency_codes[u % PV_URG__COUNT]; }
const char *pv_urgency_label(pv_urgency u) { return _(urgency_labels[u % PV_URG__COUNT]); }
const char *pv_ref_status_code(pv_ref_status s) { return status_codes[s % PV_REF__COUNT]; }
const char *pv_ref_status_label(pv_ref_status s) { return _(status_labels[s % PV_REF__COUNT]); }

bool pv_urgency_parse(const char *in, pv_urgency *out)
{
    if (!in)
        return false;
    for (int i = 0; i < PV_URG__COUNT; i++)
        if (strcmp(in, urgency_codes[i]) == 0 || strcmp(in, urgency_fa[i]) == 0
            || strcmp(in, _(urgency_labels[i])) == 0) {
            *out = (pv_urgency)i;
            return true;
        }
    return false;
}

static int code_index(const char *code, const char *const *codes, int n)
{
    for (int i = 0; code && i < n; i++)
        if (strcmp(code, codes[i]) == 0)
            return i;
    return 0;
}

static const char *col(sqlite3_stmt *q, int i)
{
    const char *s = (const char *)sqlite3_column_text(q, i);
    return s ? s : "";
}

static pv_status oom(pv_error *err)
{
    return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
}

/* A field refused: "<label>: <reason>" with our own label. */
static pv_status refuse(pv_error *err, const char *field, const char *label, const char *reason)
{
    return pv_error_set(err, PV_EINVAL, field, _("%s: %s"), label, reason);
}

/* Normalised one-line text into out; empty allowed unless `required`. */
static pv_status clean_line(const char *in, const char *field, const char *label, bool required,
                            char *out, size_t size, pv_error *err)
{
    out[0] = '\0';
    if (in && *in) {
        pv_error e = PV_ERROR_INIT;
        if (pv_text_normalize(in, PV_TEXT_LINE, field, out, size, &e) != PV_OK) {
            pv_error_clear(err);
            *err = e;
            return PV_EINVAL;
        }
    }
    if (required && !*out)
        return refuse(err, field, label, _("it is required"));
    return PV_OK;
}

/* A date typed (ISO or Jalali), or today when empty. */
static pv_status date_or_today(const char *in, const char *field, char out[PV_DATE_SZ],
                               pv_error *err)
{
    if (!in || !*in) {
        pv_today(out);
        return PV_OK;
    }
    return pv_date_parse(in, field, out, err);
}

static void add_days(const char *iso, int days, char out[PV_DATE_SZ])
{
    pv_date g;
    if (!pv_iso_parse(iso, &g)) {
        snprintf(out, PV_DATE_SZ, "%s", iso);
        return;
    }
    pv_iso_format(pv_gregorian_from_days(pv_days_from_gregorian(g) + days), out);
}

static int64_t actor_branch(pv_ctx *ctx)
{
    const pv_actor *a = pv_ctx_actor(ctx);
    return a->branch_code ? a->branch_code : pv_ctx_branch(ctx);
}

/* ---- centres ---- */

pv_status pv_centre_add(pv_ctx *ctx, const char *name, const char *county, const char *phone,
                        pv_id *out, pv_error *err)
{
    if (pv_authz_check(ctx, PV_ACT_CATALOG_ADMIN, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    char n[PV_NAME_SZ], c[PV_NAME_SZ], ph[PV_PHONE_SZ] = "";
    if (clean_line(name, "centre", _("Centre"), true, n, sizeof n, err) != PV_OK
        || clean_line(county, "county", pv_field_label("county"), false, c, sizeof c, err)
               != PV_OK)
        return PV_EINVAL;
    if (phone && *phone && pv_phone_parse(phone, "phone", ph, err) != PV_OK)
        return PV_EINVAL;
    pv_status st = pv_tx_begin(ctx, err);
    if (st != PV_OK)
        return st;
    pv_id id = 0;
    sqlite3_stmt *q;
    if ((st = pv_next_id(ctx, "referral_centre", &id, err)) == PV_OK
        && (st = pv_stmt(ctx,
                         "INSERT INTO referral_centre (id, branch_code, name, county, phone, "
                         "created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         &q, err)) == PV_OK) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, actor_branch(ctx));
        sqlite3_bind_text(q, 3, n, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 4, c, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 5, ph, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 6, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if ((rc & 0xff) == SQLITE_CONSTRAINT)
            st = pv_error_set(err, PV_ECONFLICT, "centre", _("Centre: “%s” is already on the list"),
                              n);
        else if (rc != SQLITE_DONE)
            st = pv_db_error(ctx, err);
    }
    if (st == PV_OK)
        st = pv_tx_commit(ctx, err);
    if (st != PV_OK)
        pv_tx_rollback(ctx);
    else if (out)
        *out = id;
    return st;
}

static void centre_from_row(sqlite3_stmt *q, pv_centre *c)
{
    c->id = sqlite3_column_int64(q, 0);
    svc_copy(c->name, sizeof c->name, col(q, 1));
    svc_copy(c->county, sizeof c->county, col(q, 2));
    svc_copy(c->phone, sizeof c->phone, col(q, 3));
}

static bool centre_row(sqlite3_stmt *st, void *elem, void *user)
{
    (void)user;
    centre_from_row(st, elem);
    return true;
}

static const pv_row_reader centre_rows = {sizeof(pv_centre), 8, centre_row, NULL};

pv_status pv_centre_list(pv_ctx *ctx, pv_centre **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    sqlite3_stmt *q;
    if (pv_query(ctx,
                 "SELECT id, name, county, phone FROM referral_centre WHERE branch_code = ?1 "
                 "ORDER BY name, id",
                 &q, err, "i", actor_branch(ctx))
        != PV_OK)
        return PV_EFAIL;
    pv_status s;
    *out = pv_read_rows(ctx, q, &centre_rows, NULL, n, &s, err);
    return s;
}

pv_status pv_centre_find(pv_ctx *ctx, const char *id_or_name, pv_centre *out, pv_error *err)
{
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    char digits[24] = "";
    pv_id id = 0;
    if (id_or_name && pv_digits_ascii(id_or_name, false, digits, sizeof digits) && *digits
        && strlen(digits) <= 18)
        id = strtoll(digits, NULL, 10);
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT id, name, county, phone FROM referral_centre WHERE branch_code = ?1 "
                "AND (id = ?2 OR name = ?3) ORDER BY id = ?2 DESC LIMIT 1",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, actor_branch(ctx));
    sqlite3_bind_int64(q, 2, id);
    char name[PV_NAME_SZ] = "";
    pv_error ignored = PV_ERROR_INIT;
    if (id_or_name)
        pv_text_normalize(id_or_name, PV_TEXT_LINE, "centre", name, sizeof name, &ignored);
    pv_error_clear(&ignored);
    sqlite3_bind_text(q, 3, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        centre_from_row(q, out);
    sqlite3_reset(q);
    if (rc == SQLITE_ROW)
        return PV_OK;
    if (rc != SQLITE_DONE)
        return pv_db_error(ctx, err);
    return pv_error_set(err, PV_ENOTFOUND, "centre",
                        _("Centre: “%s” is not on the branch's list of centres"),
                        id_or_name ? id_or_name : "");
}

/* ---- follow-up days ---- */

pv_status pv_referral_days(pv_ctx *ctx, int days[PV_URG__COUNT], pv_error *err)
{
    for (int i = 0; i < PV_URG__COUNT; i++)
        days[i] = urgency_default_days[i];
    sqlite3_stmt *q;
    if (pv_stmt(ctx, "SELECT urgency, days FROM referral_setting WHERE branch_code = ?1", &q,
                err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, actor_branch(ctx));
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        days[code_index(col(q, 0), urgency_codes, PV_URG__COUNT)] = sqlite3_column_int(q, 1);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_referral_days_set(pv_ctx *ctx, pv_urgency u, int days, pv_error *err)
{
    if (pv_authz_check(ctx, PV_ACT_CATALOG_ADMIN, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    if (u >= PV_URG__COUNT)
        return refuse(err, "urgency", _("Urgency"), _("routine, urgent or emergency"));
    if (days < 0 || days > 365)
        return refuse(err, "days", _("Days"), _("between 0 and 365"));
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "INSERT INTO referral_setting (branch_code, urgency, days) VALUES (?1, ?2, ?3) "
                "ON CONFLICT (branch_code, urgency) DO UPDATE SET days = ?3",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, actor_branch(ctx));
    sqlite3_bind_text(q, 2, urgency_codes[u], -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 3, days);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* ---- one referral ---- */

pv_status pv_referral_parse_id(const char *text, pv_id *out, pv_error *err)
{
    char digits[24];
    if (!text || !pv_digits_ascii(text, false, digits, sizeof digits) || !*digits
        || strlen(digits) > 18)
        return refuse(err, "referral", _("Referral"), _("a referral number is digits only"));
    *out = strtoll(digits, NULL, 10);
    return PV_OK;
}

#define REF_COLUMNS                                                                        \
    "r.id, r.person_id, p.national_id, p.first_name, p.last_name, p.father_name, "       \
    "coalesce(r.centre_id, 0), coalesce(c.name, ''), coalesce(c.county, ''), "           \
    "coalesce(c.phone, ''), r.code, r.urgency, r.status, r.reason, r.referred_by, "       \
    "r.sent_on, r.received_on, r.follow_up, r.closed_on, r.answer, r.outcome, "          \
    "r.follow_up_reason, r.migrated, r.branch_code, coalesce(r.assessment_id, 0), "      \
    "coalesce((SELECT date FROM assessment WHERE id = r.assessment_id), '') "             \
    "FROM referral r JOIN person p ON p.id = r.person_id "                                \
    "LEFT JOIN referral_centre c ON c.id = r.centre_id "

static int64_t ref_from_row(sqlite3_stmt *q, pv_referral *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(q, 0);
    r->person_id = sqlite3_column_int64(q, 1);
    svc_copy(r->national_id, sizeof r->national_id, col(q, 2));
    svc_copy(r->first_name, sizeof r->first_name, col(q, 3));
    svc_copy(r->last_name, sizeof r->last_name, col(q, 4));
    svc_copy(r->father_name, sizeof r->father_name, col(q, 5));
    r->centre_id = sqlite3_column_int64(q, 6);
    svc_copy(r->centre, sizeof r->centre, col(q, 7));
    svc_copy(r->centre_county, sizeof r->centre_county, col(q, 8));
    svc_copy(r->centre_phone, sizeof r->centre_phone, col(q, 9));
    svc_copy(r->service, sizeof r->service, col(q, 10));
    r->urgency = (pv_urgency)code_index(col(q, 11), urgency_codes, PV_URG__COUNT);
    r->status = (pv_ref_status)code_index(col(q, 12), status_codes, PV_REF__COUNT);
    svc_copy(r->reason, sizeof r->reason, col(q, 13));
    svc_copy(r->referred_by, sizeof r->referred_by, col(q, 14));
    svc_copy(r->sent_on, sizeof r->sent_on, col(q, 15));
    svc_copy(r->received_on, sizeof r->received_on, col(q, 16));
    svc_copy(r->follow_up, sizeof r->follow_up, col(q, 17));
    svc_copy(r->closed_on, sizeof r->closed_on, col(q, 18));
    svc_copy(r->answer, sizeof r->answer, col(q, 19));
    svc_copy(r->outcome, sizeof r->outcome, col(q, 20));
    svc_copy(r->follow_up_reason, sizeof r->follow_up_reason, col(q, 21));
    r->migrated = sqlite3_column_int(q, 22) != 0;
    r->assessment_id = sqlite3_column_int64(q, 24);
    svc_copy(r->assessment_date, sizeof r->assessment_date, col(q, 25));
    return sqlite3_column_int64(q, 23);
}

static bool referral_row(sqlite3_stmt *st, void *elem, void *user)
{
    (void)user;
    ref_from_row(st, elem);
    return true;
}

static const pv_row_reader referral_rows = {sizeof(pv_referral), 4, referral_row, NULL};

/* The card's [referral] "to" of a service in the language; *has false when
 * the service has no [referral] block. */
static pv_status service_target(pv_ctx *ctx, const char *code, char *out, size_t size,
                                bool *has, pv_error *err)
{
    *has = false;
    out[0] = '\0';
    sqlite3_stmt *q;
    if (pv_stmt(ctx, "SELECT card, origin FROM service WHERE code = ?1", &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
    char *text = NULL, *origin = NULL;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        text = strdup(col(q, 0));
        origin = strdup(col(q, 1));
    }
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "service", _("no service with the code %s"), code);
    pv_status st = PV_OK;
    svc_card c;
    if (rc != SQLITE_ROW)
        st = pv_db_error(ctx, err);
    else if (!text || !origin)
        st = oom(err);
    else if ((st = svc_card_parse(text, origin, &c, err)) == PV_OK) {
        for (size_t i = 0; i < c.n && !*has; i++)
            if (strcmp(c.blocks[i].type, "referral") == 0) {
                *has = true;
                const char *to = svc_get_lang(&c.blocks[i], "to", pv_ctx_lang(ctx));
                svc_copy(out, size, to ? to : "");
            }
        svc_card_free(&c);
    }
    free(text);
    free(origin);
    return st;
}

/* Reads a referral without asking who may (the callers do). *branch gets
 * its branch. */
static pv_status load_referral(pv_ctx *ctx, pv_id id, pv_referral *out, int64_t *branch,
                               pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx, "SELECT " REF_COLUMNS "WHERE r.id = ?1", &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *branch = ref_from_row(q, out);
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "referral", _("no referral with the number %lld"),
                            (long long)id);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_referral_get(pv_ctx *ctx, pv_id id, pv_referral *out, pv_error *err)
{
    int64_t branch = 0;
    pv_status st = load_referral(ctx, id, out, &branch, err);
    if (st == PV_OK && pv_authz_check(ctx, PV_ACT_FILE_READ, branch, err) != PV_OK)
        return PV_EDENIED;
    if (st == PV_OK && out->service[0]) {
        bool has;
        pv_error ignored = PV_ERROR_INIT; /* a card gone since: no target, not a failure */
        service_target(ctx, out->service, out->target, sizeof out->target, &has, &ignored);
        pv_error_clear(&ignored);
    }
    return st;
}

static pv_status add_event(pv_ctx *ctx, pv_id id, const char *date, const char *kind,
                           const char *note, pv_error *err)
{
    sqlite3_stmt *q;
    pv_id ev; /* branch-unique: events travel to the province */
    if (pv_next_id(ctx, "referral_event", &ev, err) != PV_OK)
        return PV_EFAIL;
    if (pv_stmt(ctx,
                "INSERT INTO referral_event (referral_id, date, user, kind, note, id) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 6, ev);
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 3, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, note ? note : "", -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* The person to refer, with write permission on their branch. */
static pv_status find_person(pv_ctx *ctx, const char *national_id, pv_id *id, pv_id *household,
                             int64_t *branch, pv_error *err)
{
    char nid[PV_NATID_SZ];
    if (!national_id || !pv_digits_ascii(national_id, true, nid, sizeof nid)
        || strlen(nid) != 10)
        return pv_error_field(err, "national_id", _("ten digits are needed"));
    sqlite3_stmt *q;
    if (pv_stmt(ctx, "SELECT id, coalesce(household_id, 0), branch_code FROM person "
                     "WHERE national_id = ?1",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(q, 1, nid, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        *household = sqlite3_column_int64(q, 1);
        *branch = sqlite3_column_int64(q, 2);
    }
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "national_id", _("%s: no such person"), nid);
    if (rc != SQLITE_ROW)
        return pv_db_error(ctx, err);
    return pv_authz_check(ctx, PV_ACT_FILE_WRITE, *branch, err) == PV_OK ? PV_OK : PV_EDENIED;
}

/* Checks what pv_referral_create is given, before anything is written. */
typedef struct ref_input {
    pv_id person, household;
    int64_t branch;
    pv_centre centre;
    pv_id assessment;
    char code[PV_CODE_SZ];
    char reason[PV_REF_TEXT_SZ], follow_reason[PV_REF_TEXT_SZ];
    char sent[PV_DATE_SZ], follow[PV_DATE_SZ];
} ref_input;

/* The assessment of the household's case file on the date typed (the
 * latest written that day). */
static pv_status find_assessment(pv_ctx *ctx, pv_id household, const char *date_in, pv_id *out,
                                 pv_error *err)
{
    char date[PV_DATE_SZ];
    if (pv_date_parse(date_in, "assessment", date, err) != PV_OK)
        return PV_EINVAL;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT a.id FROM assessment a JOIN casefile c ON c.id = a.file_id "
                "WHERE c.household_id = ?1 AND a.date = ?2 ORDER BY a.id DESC LIMIT 1",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, household);
    sqlite3_bind_text(q, 2, date, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return refuse(err, "assessment", _("Assessment"),
                      _("the person's case file has no assessment of that date"));
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

static pv_status check_new(pv_ctx *ctx, const pv_referral_new *r, ref_input *in, pv_error *err)
{
    pv_status st = find_person(ctx, r->national_id, &in->person, &in->household, &in->branch,
                               err);
    if (st != PV_OK)
        return st;
    if (r->urgency >= PV_URG__COUNT)
        return refuse(err, "urgency", _("Urgency"), _("routine, urgent or emergency"));
    if (!r->centre || !*r->centre)
        return refuse(err, "centre", _("Centre"), _("it is required"));
    if ((st = pv_centre_find(ctx, r->centre, &in->centre, err)) != PV_OK)
        return st;
    if (clean_line(r->reason, "reason", _("Reason"), true, in->reason, sizeof in->reason, err)
        != PV_OK)
        return PV_EINVAL;
    if (r->service && *r->service) {
        if (!svc_code_norm(r->service, in->code))
            return refuse(err, "service", pv_field_label("service"), _("not a service code"));
        char target[PV_LABEL_SZ];
        bool has;
        if ((st = service_target(ctx, in->code, target, sizeof target, &has, err)) != PV_OK)
            return st;
        if (!has)
            return refuse(err, "service", pv_field_label("service"),
                          _("this service's card refers nobody (it has no [referral] block)"));
    }
    if ((st = date_or_today(r->date, "date", in->sent, err)) != PV_OK)
        return st;
    if (r->assessment && *r->assessment
        && (st = find_assessment(ctx, in->household, r->assessment, &in->assessment, err))
               != PV_OK)
        return st;
    int days[PV_URG__COUNT];
    if ((st = pv_referral_days(ctx, days, err)) != PV_OK)
        return st;
    add_days(in->sent, days[r->urgency], in->follow);
    if (r->follow_up && *r->follow_up) {
        if ((st = pv_date_parse(r->follow_up, "follow_up", in->follow, err)) != PV_OK)
            return st;
        if (strcmp(in->follow, in->sent) < 0)
            return refuse(err, "follow_up", _("Follow-up date"), _("it is before the date sent"));
        if (clean_line(r->follow_up_reason, "follow_up_reason", _("Reason for the follow-up date"),
                       true, in->follow_reason, sizeof in->follow_reason, err) != PV_OK)
            return PV_EINVAL;
    }
    return PV_OK;
}

pv_status pv_referral_create(pv_ctx *ctx, const pv_referral_new *r, pv_id *out, pv_error *err)
{
    ref_input in;
    memset(&in, 0, sizeof in);
    pv_status st = check_new(ctx, r, &in, err);
    if (st != PV_OK)
        return st;
    if ((st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    pv_id id = 0;
    sqlite3_stmt *q;
    if ((st = pv_next_id(ctx, "referral", &id, err)) == PV_OK
        && (st = pv_stmt(ctx,
                         "INSERT INTO referral (id, branch_code, person_id, household_id, code, "
                         "centre_id, urgency, reason, referred_by, sent_on, follow_up, "
                         "follow_up_reason, assessment_id) VALUES (?1, ?2, ?3, nullif(?4, 0), "
                         "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, nullif(?13, 0))",
                         &q, err)) == PV_OK) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, in.branch);
        sqlite3_bind_int64(q, 3, in.person);
        sqlite3_bind_int64(q, 4, in.household);
        sqlite3_bind_text(q, 5, in.code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(q, 6, in.centre.id);
        sqlite3_bind_text(q, 7, urgency_codes[r->urgency], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 8, in.reason, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 9, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 10, in.sent, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 11, in.follow, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 12, in.follow_reason, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(q, 13, in.assessment);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            st = pv_db_error(ctx, err);
    }
    if (st == PV_OK)
        st = add_event(ctx, id, in.sent, "send", in.reason, err);
    if (st == PV_OK)
        st = pv_tx_commit(ctx, err);
    if (st != PV_OK)
        pv_tx_rollback(ctx);
    else if (out)
        *out = id;
    return st;
}

/* ---- status changes ---- */

typedef enum ref_change { CH_RECEIVE, CH_CLOSE, CH_RETURN, CH_FOLLOW_UP } ref_change;

static bool allowed(ref_change ch, pv_ref_status from)
{
    switch (ch) {
    case CH_RECEIVE: return from == PV_REF_SENT;
    case CH_CLOSE: return from == PV_REF_SENT || from == PV_REF_RECEIVED;
    case CH_RETURN: return from == PV_REF_SENT || from == PV_REF_RECEIVED;
    case CH_FOLLOW_UP: return from == PV_REF_SENT || from == PV_REF_RECEIVED;
    }
    return false;
}

static pv_status refused_change(ref_change ch, pv_ref_status from, pv_error *err)
{
    /* whole sentences, so that each language can say them its own way */
    static const char *const msg[PV_REF__COUNT][4] = {
        [PV_REF_RECEIVED] = {N_("the referral was already received"), "", "", ""},
        [PV_REF_CLOSED] = {N_("a closed referral cannot be received"),
                           N_("the referral is already closed"),
                           N_("a closed referral cannot be returned"),
                           N_("a closed referral needs no follow-up date")},
        [PV_REF_RETURNED] = {N_("a returned referral cannot be received"),
                             N_("a returned referral cannot be closed"),
                             N_("the referral was already returned"),
                             N_("a returned referral needs no follow-up date")},
    };
    const char *m = msg[from % PV_REF__COUNT][ch];
    return pv_error_set(err, PV_ECONFLICT, "status", "%s",
                        m && *m ? _(m) : _("the referral's status does not allow this"));
}

/* The UPDATE of each change: ?1 id, ?2 date, ?3 text. */
static const char *const change_sql[] = {
    [CH_RECEIVE] = "UPDATE referral SET status = 'received', received_on = ?2, answer = ?3, "
                   "updated_at = " PV_NOW " WHERE id = ?1",
    [CH_CLOSE] = "UPDATE referral SET status = 'closed', closed_on = ?2, outcome = ?3, "
                 "updated_at = " PV_NOW " WHERE id = ?1",
    [CH_RETURN] = "UPDATE referral SET status = 'returned', closed_on = ?2, "
                  "answer = CASE WHEN ?3 = '' THEN answer ELSE ?3 END, "
                  "updated_at = " PV_NOW " WHERE id = ?1",
    [CH_FOLLOW_UP] = "UPDATE referral SET follow_up = ?2, follow_up_reason = ?3, "
                     "updated_at = " PV_NOW " WHERE id = ?1",
};
static const char *const change_kind[] = {"receive", "close", "return", "follow_up"};

static pv_status check_change(pv_ctx *ctx, ref_change ch, const pv_referral *r, int64_t branch,
                              const char *date_in, const char *text_in, char date[PV_DATE_SZ],
                              char *text, size_t size, pv_error *err)
{
    if (pv_authz_check(ctx, PV_ACT_FILE_WRITE, branch, err) != PV_OK)
        return PV_EDENIED;
    if (!allowed(ch, r->status))
        return refused_change(ch, r->status, err);
    const char *field = ch == CH_FOLLOW_UP ? "follow_up" : "date";
    pv_status st;
    if (ch == CH_FOLLOW_UP && (!date_in || !*date_in))
        return refuse(err, field, _("Follow-up date"), _("it is required"));
    if ((st = date_or_today(date_in, field, date, err)) != PV_OK)
        return st;
    if (strcmp(date, r->sent_on) < 0)
        return refuse(err, field, ch == CH_FOLLOW_UP ? _("Follow-up date") : pv_field_label("date"),
                      _("it is before the date sent"));
    static const char *const text_field[] = {"answer", "outcome", "answer", "reason"};
    const char *label = ch == CH_RECEIVE || ch == CH_RETURN ? _("The centre's answer")
                        : ch == CH_CLOSE                   ? _("Outcome")
                                                           : _("Reason");
    return clean_line(text_in, text_field[ch], label, ch == CH_CLOSE || ch == CH_FOLLOW_UP, text,
                      size, err);
}

static pv_status change(pv_ctx *ctx, ref_change ch, pv_id id, const char *date_in,
                        const char *text_in, pv_error *err)
{
    pv_referral *r = malloc(sizeof *r);
    char *text = malloc(PV_REF_TEXT_SZ);
    if (!r || !text) {
        free(r);
        free(text);
        return oom(err);
    }
    char date[PV_DATE_SZ];
    int64_t branch = 0;
    pv_status st = pv_tx_begin(ctx, err);
    if (st == PV_OK)
        st = load_referral(ctx, id, r, &branch, err);
    if (st == PV_OK)
        st = check_change(ctx, ch, r, branch, date_in, text_in, date, text, PV_REF_TEXT_SZ, err);
    sqlite3_stmt *q;
    if (st == PV_OK && (st = pv_stmt(ctx, change_sql[ch], &q, err)) == PV_OK) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_text(q, 2, date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 3, text, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            st = pv_db_error(ctx, err);
    }
    if (st == PV_OK) {
        char today[PV_DATE_SZ];
        pv_today(today);
        st = add_event(ctx, id, ch == CH_FOLLOW_UP ? today : date, change_kind[ch], text, err);
    }
    if (st == PV_OK)
        st = pv_tx_commit(ctx, err);
    if (st != PV_OK)
        pv_tx_rollback(ctx);
    free(r);
    free(text);
    return st;
}

pv_status pv_referral_receive(pv_ctx *ctx, pv_id id, const char *date, const char *answer,
                              pv_error *err)
{
    return change(ctx, CH_RECEIVE, id, date, answer, err);
}

pv_status pv_referral_close(pv_ctx *ctx, pv_id id, const char *date, const char *outcome,
                            pv_error *err)
{
    return change(ctx, CH_CLOSE, id, date, outcome, err);
}

pv_status pv_referral_return(pv_ctx *ctx, pv_id id, const char *date, const char *answer,
                             pv_error *err)
{
    return change(ctx, CH_RETURN, id, date, answer, err);
}

pv_status pv_referral_set_follow_up(pv_ctx *ctx, pv_id id, const char *date, const char *reason,
                                    pv_error *err)
{
    return change(ctx, CH_FOLLOW_UP, id, date, reason, err);
}

/* ---- lists ---- */

bool pv_referral_is_overdue(const pv_referral *r, const char *date)
{
    char today[PV_DATE_SZ];
    if (!date || !*date) {
        pv_today(today);
        date = today;
    }
    return (r->status == PV_REF_SENT || r->status == PV_REF_RECEIVED)
           && strcmp(r->follow_up, date) < 0;
}

pv_status pv_referral_list(pv_ctx *ctx, const pv_referral_filter *f, pv_referral **out,
                           size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    char nid[PV_NATID_SZ] = "", on[PV_DATE_SZ] = "";
    if (f->national_id && (!pv_digits_ascii(f->national_id, true, nid, sizeof nid)
                           || strlen(nid) != 10))
        return pv_error_field(err, "national_id", _("ten digits are needed"));
    if (f->overdue_on && date_or_today(f->overdue_on, "date", on, err) != PV_OK)
        return PV_EINVAL;
    sqlite3_stmt *q;
    if (pv_query(ctx,
                 "SELECT " REF_COLUMNS
                 "WHERE (?1 OR r.branch_code = ?2) AND (?3 = '' OR p.national_id = ?3) "
                 "AND (?4 = '' OR r.referred_by = ?4) AND (?5 = 0 OR r.centre_id = ?5) "
                 "AND (NOT ?6 OR r.status IN ('sent', 'received')) "
                 "AND (?7 = '' OR (r.status IN ('sent', 'received') AND r.follow_up < ?7)) "
                 "ORDER BY r.follow_up, r.id",
                 &q, err, "nittint", pv_authz_all_branches(ctx), actor_branch(ctx), nid,
                 f->referred_by ? f->referred_by : "", f->centre_id, (int)f->open_only, on)
        != PV_OK)
        return PV_EFAIL;
    pv_status s;
    *out = pv_read_rows(ctx, q, &referral_rows, NULL, n, &s, err);
    return s;
}

pv_status pv_referral_overdue_count(pv_ctx *ctx, const char *user, const char *date, int *out,
                                    pv_error *err)
{
    *out = 0;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    char on[PV_DATE_SZ];
    if (date_or_today(date, "date", on, err) != PV_OK)
        return PV_EINVAL;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT count(*) FROM referral WHERE status IN ('sent', 'received') "
                "AND follow_up < ?1 AND (?2 = '' OR referred_by = ?2) "
                "AND (?3 OR branch_code = ?4)",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(q, 1, on, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, user ? user : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 3, pv_authz_all_branches(ctx));
    sqlite3_bind_int64(q, 4, actor_branch(ctx));
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}
