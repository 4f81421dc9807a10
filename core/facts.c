/* parvande — a person's facts for the rules: what the file says (person,
 * household, case file, assessments), what a caseworker recorded
 * (person_fact), and earlier enrollments of the same service. */
#include <stdlib.h>
#include <string.h>

#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "parvande/text.h"
#include "parvande/validate.h"
#include "svc_internal.h"

/* A mutual-aid group and an agency's confirmation are records now
 * (include/parvande/groups.h), no longer facts to tick. */
static const pv_fact_key fact_keys[] = {
    {"request", N_("asked for the service")},
    {"group_willing", N_("willing to join a mutual-aid group")},
    {"marginal_area", N_("lives in a marginal area or an area of common social harm")},
    {"local_facilitator", N_("local facilitator")},
    {"self_help_member", N_("member of a self-help group")},
    {"ngo_member", N_("member of a non-governmental organisation")},
    {"named_by_agency", N_("facilitator named by another agency")},
    {"facilitator_role", N_("the facilitator's role named by another agency (dehyar, behvarz…)")},
    {"doc.identity", N_("identity documents presented")},
    {"doc.ngo_membership", N_("proof of NGO membership presented")},
};

const pv_fact_key *pv_fact_keys(size_t *n)
{
    *n = sizeof fact_keys / sizeof *fact_keys;
    return fact_keys;
}

static bool valid_fact_key(const char *k)
{
    if (strncmp(k, "doc.", 4) == 0)
        k += 4;
    if (!(*k >= 'a' && *k <= 'z') || strlen(k) > 50)
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
            return false;
    return true;
}

/* The person's id and branch by national ID (ASCII or Persian digits). */
static pv_status find_person(pv_ctx *ctx, const char *national_id, pv_id *id, int64_t *branch,
                             char nid[PV_NATID_SZ], pv_error *err)
{
    if (!national_id || !pv_digits_ascii(national_id, true, nid, PV_NATID_SZ)
        || strlen(nid) != 10)
        return pv_error_field(err, "national_id", _("ten digits are needed"));
    sqlite3_stmt *st;
    bool found;
    if (pv_query(ctx, "SELECT id, branch_code FROM person WHERE national_id = ?1", &st, err, "t",
                 nid) != PV_OK ||
        pv_step(ctx, st, &found, err) != PV_OK)
        return PV_EFAIL;
    if (!found && !pv_natid_valid(nid)) { /* a typo, not a missing person */
        char checked[PV_NATID_SZ];
        return pv_natid_parse(nid, "national_id", checked, err);
    }
    if (!found)
        return pv_error_set(err, PV_ENOTFOUND, "national_id", _("%s: no such person"), nid);
    *id = sqlite3_column_int64(st, 0);
    *branch = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    /* another branch's person is not there, as far as the actor knows */
    if (pv_authz_hidden(ctx, PV_ACT_FILE_READ, *branch))
        return pv_error_set(err, PV_ENOTFOUND, "national_id", _("%s: no such person"), nid);
    return PV_OK;
}

/* find_person, then whether the actor may `act` on that person's branch:
 * every entry point here asks both, in this order. */
static pv_status find_person_for(pv_ctx *ctx, const char *national_id, pv_action act, pv_id *id,
                                 int64_t *branch, char nid[PV_NATID_SZ], pv_error *err)
{
    pv_status st = find_person(ctx, national_id, id, branch, nid, err);
    if (st != PV_OK)
        return st;
    return pv_authz_check(ctx, act, *branch, err) == PV_OK ? PV_OK : PV_EDENIED;
}

pv_status pv_fact_set(pv_ctx *ctx, const char *national_id, const char *key,
                      const char *value, pv_error *err)
{
    pv_id pid;
    int64_t branch;
    char nid[PV_NATID_SZ];
    pv_status st = find_person_for(ctx, national_id, PV_ACT_FILE_WRITE, &pid, &branch, nid, err);
    if (st != PV_OK)
        return st;
    if (!key || !valid_fact_key(key))
        return pv_error_field(err, "fact",
                              _("a fact's name is lowercase letters, digits and _ "
                                "(doc. before it for a document)"));
    /* referrals: an open referral is a referral now (migration 7), not a fact */
    if (strcmp(key, "referral_open") == 0)
        return pv_error_field(err, "fact",
                              _("an open referral is recorded as a referral "
                                "(parvande referral new), no longer as a fact"));
    char clean[PV_FACT_VALUE_SZ];
    if (value) {
        if (!*value)
            value = "yes";
        if (pv_text_normalize(value, PV_TEXT_LINE, "fact", clean, sizeof clean, err) != PV_OK)
            return PV_EINVAL;
        if (!*clean)
            strcpy(clean, "yes");
    }
    char today[PV_DATE_SZ];
    pv_today(today);
    sqlite3_stmt *q;
    const char *sql = value ? "INSERT INTO person_fact (person_id, key, value, set_on, set_by) "
                              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (person_id, key) DO "
                              "UPDATE SET value = ?3, set_on = ?4, set_by = ?5 "
                              "WHERE value <> ?3"
                            : "DELETE FROM person_fact WHERE person_id = ?1 AND key = ?2";
    if (pv_stmt(ctx, sql, &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, pid);
    sqlite3_bind_text(q, 2, key, -1, SQLITE_TRANSIENT);
    if (value) {
        sqlite3_bind_text(q, 3, clean, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 4, today, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 5, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    }
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status load_facts(pv_ctx *ctx, pv_id pid, pv_fact **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT key, value, set_on, set_by FROM rule_fact WHERE person_id = ?1 "
                "ORDER BY key",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, pid);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        pv_fact *grown = pv_grow(*out, *n, &cap, sizeof *grown, 8);
        if (!grown) {
            rc = SQLITE_NOMEM;
            break;
        }
        *out = grown;
        pv_fact *f = &(*out)[(*n)++];
        svc_copy(f->key, sizeof f->key, (const char *)sqlite3_column_text(q, 0));
        svc_copy(f->value, sizeof f->value, (const char *)sqlite3_column_text(q, 1));
        svc_copy(f->set_on, sizeof f->set_on, (const char *)sqlite3_column_text(q, 2));
        svc_copy(f->set_by, sizeof f->set_by, (const char *)sqlite3_column_text(q, 3));
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc == SQLITE_NOMEM ? pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"))
                                  : pv_db_error(ctx, err);
    }
    return PV_OK;
}

pv_status pv_fact_list(pv_ctx *ctx, const char *national_id, pv_fact **out, size_t *n,
                       pv_error *err)
{
    *out = NULL;
    *n = 0;
    pv_id pid;
    int64_t branch;
    char nid[PV_NATID_SZ];
    pv_status st = find_person_for(ctx, national_id, PV_ACT_FILE_READ, &pid, &branch, nid, err);
    return st == PV_OK ? load_facts(ctx, pid, out, n, err) : st;
}

const char *svc_fact_lookup(void *user, const char *key)
{
    const svc_facts *sf = user;
    size_t lo = 0, hi = sf->n_facts;
    while (lo < hi) { /* sorted by key (SQL ORDER BY uses the same byte order) */
        size_t mid = (lo + hi) / 2;
        int c = strcmp(sf->facts[mid].key, key);
        if (c == 0)
            return sf->facts[mid].value;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void svc_facts_free(svc_facts *sf)
{
    if (!sf)
        return;
    pv_file_view_free(sf->view);
    free(sf->facts);
    memset(sf, 0, sizeof *sf);
}

/* referrals: the person's open referrals, for the rule name open_referrals. */
static pv_status count_open_referrals(pv_ctx *ctx, pv_id pid, int *out, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT count(*) FROM referral WHERE person_id = ?1 "
                "AND status IN ('sent', 'received')",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, pid);
    int rc = sqlite3_step(q);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status svc_facts_load(pv_ctx *ctx, const char *national_id, svc_facts *out, pv_error *err)
{
    memset(out, 0, sizeof *out);
    char nid[PV_NATID_SZ];
    pv_status st = find_person_for(ctx, national_id, PV_ACT_FILE_READ, &out->person_id,
                                   &out->branch_code, nid, err);
    if (st != PV_OK)
        return st;
    if ((st = pv_file_load(ctx, nid, &out->view, err)) != PV_OK)
        return st;
    if ((st = load_facts(ctx, out->person_id, &out->facts, &out->n_facts, err)) != PV_OK) {
        svc_facts_free(out);
        return st;
    }
    const pv_file_view *v = out->view;
    const pv_person *p = &v->person;
    pv_rule_facts *f = &out->f;
    f->age = -1;
    f->gender = p->gender;
    f->relation = p->relation;
    f->area = p->area;
    f->disability = p->disability;
    f->guardianship = p->guardianship;
    f->judicial_order = p->judicial_order;
    f->province = p->province;
    f->county = p->county;
    f->has_household = v->household_id != 0;
    f->household_size = (int)v->n_members;
    f->is_female_head = f->has_household && pv_person_is_female_head(v, p);
    f->is_daughter_of_female_head = f->has_household && pv_person_is_daughter_of_female_head(v, p);
    f->has_file = v->has_file;
    f->file_active = v->has_file && v->file.status == PV_FILE_ACTIVE;
    f->covered = v->has_file && v->file.covered;
    f->assessments = (int)v->n_assessments;
    if ((st = count_open_referrals(ctx, out->person_id, &f->open_referrals, err)) != PV_OK) {
        svc_facts_free(out);
        return st;
    }
    f->fact = svc_fact_lookup;
    f->fact_user = out;
    return PV_OK;
}

pv_status svc_facts_for(pv_ctx *ctx, svc_facts *sf, const char *code, const char *date,
                        pv_id exclude, pv_error *err)
{
    sf->f.age = sf->view->person.birth_date[0] ? pv_age_on(sf->view->person.birth_date, date)
                                               : -1;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT count(*), coalesce(sum(jyear = ?3), 0), coalesce(sum(jseason = ?4), 0), "
                "coalesce(sum(jmonth = ?5), 0) FROM enrollment WHERE person_id = ?1 AND "
                "code = ?2 AND id <> ?6 AND status NOT IN ('rejected', 'withdrawn')",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, sf->person_id);
    sqlite3_bind_text(q, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 3, pv_jalali_period_key(date, PV_PERIOD_YEAR));
    sqlite3_bind_int64(q, 4, pv_jalali_period_key(date, PV_PERIOD_SEASON));
    sqlite3_bind_int64(q, 5, pv_jalali_period_key(date, PV_PERIOD_MONTH));
    sqlite3_bind_int64(q, 6, exclude);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        sf->f.enrolled_ever = sqlite3_column_int(q, 0);
        sf->f.enrolled_year = sqlite3_column_int(q, 1);
        sf->f.enrolled_season = sqlite3_column_int(q, 2);
        sf->f.enrolled_month = sqlite3_column_int(q, 3);
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}
