/* parvande — inquiries to other agencies (استعلام): made about a person or
 * a group to an agency named by a [link] block of a service's card, then
 * answered (confirmed or refused) with a date and a reference; lists of the
 * overdue ones. A card's [gate] block makes an enrollment's step wait for
 * a rule over the person's facts — in practice a confirmed inquiry, read
 * as inquiry.KEY through the view rule_fact. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grp_internal.h"
#include "parvande/authz.h"
#include "parvande/text.h"

#define NOTE_SZ 1300

/* ---- card checks (called by the catalog's validation) ---- */

static bool machine_name(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z') || strlen(s) > 50)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static size_t count_steps(const svc_card *c)
{
    size_t n = 0;
    for (size_t i = 1; i < c->n; i++)
        n += strcmp(c->blocks[i].type, "step") == 0;
    return n;
}

static const char *check_header_numbers(const svc_block *h)
{
    static const char *const keys[] = {"course_days", "course_min_days", "courses_per_year",
                                       NULL};
    for (int i = 0; keys[i]; i++) {
        const char *v = svc_get(h, keys[i]);
        if (!v)
            continue;
        size_t len = strlen(v);
        bool ok = len > 0 && len <= 3 && strspn(v, "0123456789") == len && atoi(v) > 0;
        if (!ok)
            return _("course_days, course_min_days and courses_per_year are whole numbers "
                     "from 1 to 999");
    }
    const char *d = svc_get(h, "course_days"), *m = svc_get(h, "course_min_days");
    if (m && (!d || atoi(m) > atoi(d)))
        return _("course_min_days needs course_days and cannot be more");
    return NULL;
}

const char *svc_groups_check_block(const svc_card *c, size_t i)
{
    const svc_block *b = &c->blocks[i];
    if (i == 0)
        return check_header_numbers(b);
    if (strcmp(b->type, "link") == 0) {
        const char *k = svc_get(b, "key");
        return k && !machine_name(k) ? _("a link's key is lowercase letters, digits and _")
                                     : NULL;
    }
    const char *step = svc_get(b, "step"), *rule = svc_get(b, "rule");
    if (!step || !rule || !svc_get(b, "reason.fa"))
        return _("a gate needs step, rule and reason.fa");
    size_t len = strlen(step);
    if (len == 0 || len > 3 || strspn(step, "0123456789") != len || atoi(step) < 1
        || (size_t)atoi(step) > count_steps(c))
        return _("a gate's step is the number of one of the card's steps");
    pv_rule *r = NULL;
    pv_error rerr = PV_ERROR_INIT;
    pv_status st = pv_rule_compile(rule, &r, &rerr);
    pv_rule_free(r);
    pv_error_clear(&rerr);
    return st == PV_OK ? NULL : _("the rule of this gate is refused");
}

/* ---- gates ---- */

/* Evaluates one [gate]; *passed false fills `reason`. */
static pv_status eval_gate(const svc_block *b, svc_facts *sf, pv_lang lang,
                           bool *passed, char *reason, size_t size, pv_error *err)
{
    pv_rule *r = NULL;
    if (pv_rule_compile(svc_get(b, "rule"), &r, err) != PV_OK)
        return PV_EINVAL;
    *passed = pv_rule_eval(r, &sf->f);
    pv_rule_free(r);
    if (!*passed)
        svc_copy(reason, size, svc_get_lang(b, "reason", lang));
    return PV_OK;
}

pv_status svc_gate_check(pv_ctx *ctx, const char *code, int step, const char *national_id,
                         const char *date, pv_error *err)
{
    svc_card c;
    pv_status st = grp_card_load(ctx, code, &c, err);
    if (st != PV_OK)
        return st;
    bool any = false;
    for (size_t i = 1; i < c.n && !any; i++)
        any = strcmp(c.blocks[i].type, "gate") == 0 && atoi(svc_get(&c.blocks[i], "step")) == step;
    if (!any) {
        svc_card_free(&c);
        return PV_OK;
    }
    svc_facts sf;
    if ((st = svc_facts_load(ctx, national_id, &sf, err)) != PV_OK) {
        svc_card_free(&c);
        return st;
    }
    st = svc_facts_for(ctx, &sf, code, date, 0, err);
    for (size_t i = 1; st == PV_OK && i < c.n; i++) {
        const svc_block *b = &c.blocks[i];
        if (strcmp(b->type, "gate") != 0 || atoi(svc_get(b, "step")) != step)
            continue;
        bool passed;
        char reason[PV_LABEL_SZ];
        st = eval_gate(b, &sf, pv_ctx_lang(ctx), &passed, reason, sizeof reason, err);
        if (st == PV_OK && !passed)
            /* TRANSLATORS: the step's number, then the card's reason (the missing inquiry). */
            st = pv_error_set(err, PV_ECONFLICT, "step",
                              _("Refused by the gate of step %d: %s"), step, reason);
    }
    svc_facts_free(&sf);
    svc_card_free(&c);
    return st;
}

/* ---- statuses ---- */

static const char *const status_names[] = {"pending", "confirmed", "refused"};
static const char *const status_labels[] = {N_("pending"), N_("confirmed"), N_("refused")};

const char *pv_inquiry_status_name(pv_inquiry_status s)
{
    return (unsigned)s < 3 ? status_names[s] : "?";
}

const char *pv_inquiry_status_label(pv_inquiry_status s)
{
    return (unsigned)s < 3 ? _(status_labels[s]) : "?";
}

static pv_inquiry_status status_from(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(status_names[i], s) == 0)
            return (pv_inquiry_status)i;
    return PV_INQ_PENDING;
}

/* ---- adding ---- */

typedef struct link_pick {
    char key[PV_KEY_SZ];
    char fa[PV_LABEL_SZ], en[PV_LABEL_SZ], system[PV_LABEL_SZ], fields[PV_LABEL_SZ];
    char how[8], by[8];
} link_pick;

/* The [link] of the card named by its key or either of its names. */
static pv_status find_link(pv_ctx *ctx, const char *code, const char *agency, link_pick *out,
                           pv_error *err)
{
    svc_card c;
    pv_status st = grp_card_load(ctx, code, &c, err);
    if (st != PV_OK)
        return st;
    char want[PV_LABEL_SZ], have[PV_LABEL_SZ];
    pv_text_fold(agency ? agency : "", want, sizeof want);
    bool found = false;
    for (size_t i = 1; i < c.n && !found; i++) {
        const svc_block *b = &c.blocks[i];
        if (strcmp(b->type, "link") != 0 || !svc_get(b, "key"))
            continue;
        const char *names[] = {svc_get(b, "key"), svc_get(b, "agency.fa"), svc_get(b, "agency.en")};
        for (int k = 0; k < 3 && !found; k++) {
            pv_text_fold(names[k] ? names[k] : "", have, sizeof have);
            found = *have && strcmp(have, want) == 0;
        }
        if (!found)
            continue;
        memset(out, 0, sizeof *out);
        svc_copy(out->key, sizeof out->key, names[0]);
        svc_copy(out->fa, sizeof out->fa, names[1] ? names[1] : "");
        svc_copy(out->en, sizeof out->en, names[2] ? names[2] : "");
        svc_copy(out->system, sizeof out->system, svc_get_lang(b, "system", PV_LANG_FA));
        svc_copy(out->fields, sizeof out->fields, svc_get_lang(b, "fields", pv_ctx_lang(ctx)));
        const char *how = svc_get(b, "inquiry"), *by = svc_get(b, "by");
        svc_copy(out->how, sizeof out->how, how ? how : "manual");
        snprintf(out->by, sizeof out->by, "%s", by && strncmp(by, "visitor", 7) == 0 ? "visitor"
                                                                                    : "agency");
    }
    svc_card_free(&c);
    if (!found)
        return pv_error_set(err, PV_EINVAL, "agency",
                            _("the card of %s names no agency “%s” to inquire of (its [link] "
                              "blocks with a key)"),
                            code, agency ? agency : "");
    return PV_OK;
}

static bool one_of(const char *v, const char *a, const char *b, const char *c)
{
    return strcmp(v, a) == 0 || strcmp(v, b) == 0 || (c && strcmp(v, c) == 0);
}

typedef struct inq_job {
    const pv_inquiry_new *q;
    link_pick link;
    char date[PV_DATE_SZ], asked[NOTE_SZ], note[NOTE_SZ], code[PV_CODE_SZ];
    pv_id person, group;
    int64_t branch;
} inq_job;

static pv_status inquiry_prepare(pv_ctx *ctx, inq_job *j, pv_error *err)
{
    const pv_inquiry_new *q = j->q;
    pv_status st = svc_date(q->date, j->date, err);
    if (st == PV_OK)
        st = grp_text(q->asked, PV_TEXT_LINE, "asked", j->asked, sizeof j->asked, err);
    if (st == PV_OK)
        st = grp_text(q->note, PV_TEXT_LINE, "note", j->note, sizeof j->note, err);
    if (st != PV_OK)
        return st;
    if (!svc_code_norm(q->code, j->code))
        return pv_error_field(err, "service", _("not a service code"));
    if ((st = find_link(ctx, j->code, q->agency, &j->link, err)) != PV_OK)
        return st;
    if (!*j->asked)
        svc_copy(j->asked, sizeof j->asked, j->link.fields);
    if (q->how && *q->how) {
        if (!one_of(q->how, "online", "batch", "manual"))
            return pv_error_field(err, "how", _("online, batch or manual"));
        svc_copy(j->link.how, sizeof j->link.how, q->how);
    }
    if (q->by && *q->by) {
        if (!one_of(q->by, "agency", "visitor", NULL))
            return pv_error_field(err, "by", _("agency or visitor"));
        svc_copy(j->link.by, sizeof j->link.by, q->by);
    }
    bool person = q->national_id && *q->national_id, group = q->group && *q->group;
    if (person == group)
        return pv_error_field(err, "national_id",
                              _("an inquiry is about one person or one group"));
    return PV_OK;
}

static pv_status inquiry_subject(pv_ctx *ctx, inq_job *j, pv_error *err)
{
    if (j->q->national_id && *j->q->national_id) {
        char nid[PV_NATID_SZ];
        return grp_person(ctx, j->q->national_id, &j->person, &j->branch, nid, err);
    }
    pv_status st = pv_group_find(ctx, j->q->group, &j->group, err);
    sqlite3_stmt *q;
    if (st == PV_OK
        && (st = pv_stmt(ctx, "SELECT branch_code FROM aid_group WHERE id = ?1", &q, err))
               == PV_OK) {
        sqlite3_bind_int64(q, 1, j->group);
        int rc = sqlite3_step(q);
        j->branch = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
        sqlite3_reset(q);
        if (rc != SQLITE_ROW)
            st = pv_db_error(ctx, err);
    }
    return st;
}

static pv_status inquiry_insert(pv_ctx *ctx, const inq_job *j, pv_id id, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "INSERT INTO inquiry (id, branch_code, person_id, group_id, code, agency_key, "
                "agency_fa, agency_en, system, asked, how, by_whom, sent_on, note, caseworker) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, j->branch);
    if (j->person)
        sqlite3_bind_int64(q, 3, j->person);
    if (j->group)
        sqlite3_bind_int64(q, 4, j->group);
    const char *text[] = {j->code, j->link.key, j->link.fa, j->link.en, j->link.system,
                          j->asked, j->link.how, j->link.by, j->date};
    for (int i = 0; i < 9; i++)
        sqlite3_bind_text(q, 5 + i, text[i], -1, SQLITE_TRANSIENT);
    if (*j->note)
        sqlite3_bind_text(q, 14, j->note, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 15, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_inquiry_add(pv_ctx *ctx, const pv_inquiry_new *q, pv_id *id_out, pv_error *err)
{
    if (!q)
        return pv_error_set(err, PV_EUSAGE, NULL, "%s", _("an inquiry is needed"));
    inq_job j = {.q = q};
    pv_status st = inquiry_prepare(ctx, &j, err);
    if (st != PV_OK || (st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    pv_id id = 0;
    st = inquiry_subject(ctx, &j, err);
    if (st == PV_OK)
        st = pv_authz_check(ctx, PV_ACT_ENROLL_ADVANCE, j.branch, err);
    if (st == PV_OK)
        st = pv_next_id(ctx, "inquiry", &id, err);
    if (st == PV_OK)
        st = inquiry_insert(ctx, &j, id, err);
    return grp_finish_new(ctx, st, id, id_out, err);
}

/* ---- answering ---- */

static pv_status answer_in_tx(pv_ctx *ctx, pv_id id, bool confirmed, const char *date,
                              const char *ref, const char *note, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx, "SELECT branch_code, status, sent_on FROM inquiry WHERE id = ?1", &q, err)
        != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    int64_t branch = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    pv_inquiry_status status = rc == SQLITE_ROW ? status_from(grp_col(q, 1)) : PV_INQ_PENDING;
    char sent[PV_DATE_SZ] = "";
    if (rc == SQLITE_ROW)
        svc_copy(sent, sizeof sent, grp_col(q, 2));
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "inquiry", _("%lld: no such inquiry"),
                            (long long)id);
    if (rc != SQLITE_ROW)
        return pv_db_error(ctx, err);
    if (pv_authz_check(ctx, PV_ACT_ENROLL_ADVANCE, branch, err) != PV_OK)
        return PV_EDENIED;
    if (status != PV_INQ_PENDING)
        return pv_error_set(err, PV_ECONFLICT, "inquiry", _("inquiry %lld is already %s"),
                            (long long)id, pv_inquiry_status_label(status));
    if (strcmp(date, sent) < 0)
        return pv_error_field(err, "answered_on",
                              _("an answer cannot come before the inquiry was sent"));
    if (pv_stmt(ctx,
                "UPDATE inquiry SET status = ?2, answered_on = ?3, reference = ?4, "
                "note = coalesce(?5, note) WHERE id = ?1",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, confirmed ? "confirmed" : "refused", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, ref, -1, SQLITE_TRANSIENT);
    if (*note)
        sqlite3_bind_text(q, 5, note, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_inquiry_answer(pv_ctx *ctx, pv_id id, bool confirmed, const char *date_in,
                            const char *reference, const char *note_in, pv_error *err)
{
    char date[PV_DATE_SZ], ref[256], note[NOTE_SZ];
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK)
        st = grp_text(reference, PV_TEXT_LINE, "reference", ref, 64, err);
    if (st == PV_OK)
        st = grp_text(note_in, PV_TEXT_LINE, "note", note, sizeof note, err);
    if (st != PV_OK || (st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    return grp_finish(ctx, answer_in_tx(ctx, id, confirmed, date, ref, note, err), err);
}

/* ---- lists ---- */

static void inquiry_from(pv_ctx *ctx, sqlite3_stmt *st, pv_inquiry *q)
{
    memset(q, 0, sizeof *q);
    q->id = sqlite3_column_int64(st, 0);
    svc_copy(q->national_id, sizeof q->national_id, grp_col(st, 1));
    q->group_id = sqlite3_column_int64(st, 2);
    svc_copy(q->subject, sizeof q->subject, grp_col(st, 3));
    svc_copy(q->code, sizeof q->code, grp_col(st, 4));
    svc_copy(q->agency_key, sizeof q->agency_key, grp_col(st, 5));
    svc_copy(q->agency, sizeof q->agency,
             svc_pick(pv_ctx_lang(ctx), grp_col(st, 6), grp_col(st, 7)));
    svc_copy(q->system, sizeof q->system, grp_col(st, 8));
    svc_copy(q->asked, sizeof q->asked, grp_col(st, 9));
    svc_copy(q->how, sizeof q->how, grp_col(st, 10));
    svc_copy(q->by, sizeof q->by, grp_col(st, 11));
    q->status = status_from(grp_col(st, 12));
    svc_copy(q->sent_on, sizeof q->sent_on, grp_col(st, 13));
    svc_copy(q->answered_on, sizeof q->answered_on, grp_col(st, 14));
    svc_copy(q->reference, sizeof q->reference, grp_col(st, 15));
    svc_copy(q->note, sizeof q->note, grp_col(st, 16));
    svc_copy(q->caseworker, sizeof q->caseworker, grp_col(st, 17));
    q->age_days = sqlite3_column_int(st, 18);
}

pv_status pv_inquiry_list(pv_ctx *ctx, const pv_inquiry_filter *f, pv_inquiry **out,
                          size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    pv_inquiry_filter none = PV_INQUIRY_FILTER_INIT;
    if (!f)
        f = &none;
    char date[PV_DATE_SZ], nid[PV_NATID_SZ] = "";
    pv_status st = svc_date(f->date, date, err);
    if (st != PV_OK)
        return st;
    if (f->national_id && *f->national_id
        && (!pv_digits_ascii(f->national_id, true, nid, sizeof nid) || strlen(nid) != 10))
        return pv_error_field(err, "national_id", _("ten digits are needed"));
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, ctx->branch_code, err) != PV_OK)
        return PV_EDENIED;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT i.id, coalesce(p.national_id, ''), coalesce(i.group_id, 0), "
                "coalesce(p.first_name || ' ' || p.last_name, g.name, ''), i.code, "
                "i.agency_key, i.agency_fa, i.agency_en, i.system, i.asked, i.how, i.by_whom, "
                "i.status, i.sent_on, coalesce(i.answered_on, ''), i.reference, "
                "coalesce(i.note, ''), i.caseworker, "
                "CAST(julianday(?1) - julianday(i.sent_on) AS INTEGER) AS age "
                "FROM inquiry i LEFT JOIN person p ON p.id = i.person_id "
                "LEFT JOIN aid_group g ON g.id = i.group_id "
                "WHERE (?6 OR i.branch_code = ?7) "
                "AND (?2 < 0 OR (i.status = 'pending' AND julianday(?1) - julianday(i.sent_on) > ?2)) "
                "AND (?3 = '' OR i.agency_key = ?3) AND (?4 = '' OR i.caseworker = ?4) "
                "AND (?5 = '' OR p.national_id = ?5 OR i.group_id IN (SELECT m.group_id FROM "
                "group_member m JOIN person pp ON pp.id = m.person_id WHERE pp.national_id = ?5)) "
                "AND (?8 = 0 OR i.group_id = ?8) "
                "ORDER BY i.sent_on, i.id",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(q, 1, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 2, f->overdue_days);
    sqlite3_bind_text(q, 3, f->agency ? f->agency : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, f->caseworker ? f->caseworker : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 5, nid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 6, pv_authz_all_branches(ctx));
    sqlite3_bind_int64(q, 7, ctx->branch_code);
    sqlite3_bind_int64(q, 8, f->group_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        pv_inquiry *grown = svc_grow(*out, *n, &cap, sizeof *grown, 8);
        if (!grown) {
            rc = SQLITE_NOMEM;
            break;
        }
        *out = grown;
        inquiry_from(ctx, q, &(*out)[(*n)++]);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return pv_db_error(ctx, err);
    }
    return PV_OK;
}

pv_status pv_inquiry_overdue_count(pv_ctx *ctx, const char *caseworker, int days,
                                   const char *date_in, int *count, pv_error *err)
{
    *count = 0;
    char date[PV_DATE_SZ];
    pv_status st = svc_date(date_in, date, err);
    if (st != PV_OK)
        return st;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT count(*) FROM inquiry WHERE status = 'pending' AND caseworker = ?1 AND "
                "julianday(?2) - julianday(sent_on) > ?3",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(q, 1, caseworker ? caseworker : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 3, days);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}
