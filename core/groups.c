/* parvande — mutual-aid groups (card 001): the group, its members (a woman
 * is in at most one active group), its enrollment in a service as a whole
 * and its walk through the card's steps, the dated events a step writes on
 * the members' files, and its payments against the card's group_cap,
 * refused inside the payment's own IMMEDIATE transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grp_internal.h"
#include "parvande/authz.h"
#include "parvande/text.h"
#include "parvande/validate.h"

#define NOTE_SZ 1300 /* a one-line note of PV_ADDR_CHARS characters */

/* ---- helpers shared with courses.c and inquiries.c ---- */

const char *grp_col(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

pv_status pv_record_parse_id(const char *text, const char *field, pv_id *out, pv_error *err)
{
    char digits[24];
    if (!text || !pv_digits_ascii(text, false, digits, sizeof digits) || !*digits
        || strlen(digits) > 18)
        return pv_error_field(err, field, _("a record number is digits only"));
    *out = strtoll(digits, NULL, 10);
    return PV_OK;
}

pv_status grp_person(pv_ctx *ctx, const char *national_id, pv_id *id, int64_t *branch,
                     char nid[PV_NATID_SZ], pv_error *err)
{
    if (!national_id || !pv_digits_ascii(national_id, true, nid, PV_NATID_SZ)
        || strlen(nid) != 10)
        return pv_error_field(err, "national_id", _("ten digits are needed"));
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT id, branch_code FROM person WHERE national_id = ?1", &st, err)
        != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, nid, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *branch = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "national_id", _("%s: no such person"), nid);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status grp_text(const char *in, pv_text_kind kind, const char *field, char *out,
                   size_t size, pv_error *err)
{
    out[0] = '\0';
    if (!in || !*in)
        return PV_OK;
    return pv_text_normalize(in, kind, field, out, size, err);
}

pv_status grp_required(const char *in, const char *field, char *out, size_t size,
                       pv_error *err)
{
    pv_status st = grp_text(in, PV_TEXT_LINE, field, out, size, err);
    if (st == PV_OK && !*out)
        return pv_error_field(err, field, _("this field is required"));
    return st;
}

pv_status grp_card_load(pv_ctx *ctx, const char *code, svc_card *out, pv_error *err)
{
    char c[PV_CODE_SZ];
    if (!svc_code_norm(code, c))
        return pv_error_field(err, "service", _("not a service code"));
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT card FROM service WHERE code = ?1", &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, c, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    char *text = rc == SQLITE_ROW ? strdup(grp_col(st, 0)) : NULL;
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "service", _("%s: no such service"), c);
    if (rc != SQLITE_ROW)
        return pv_db_error(ctx, err);
    if (!text)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    pv_status s = svc_card_parse(text, c, out, err);
    free(text);
    return s;
}

long grp_card_number(const svc_card *c, const char *key)
{
    const char *v = svc_get(&c->blocks[0], key);
    if (!v || !*v || strlen(v) > 9)
        return -1;
    for (const char *p = v; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    return strtol(v, NULL, 10);
}

pv_status grp_finish(pv_ctx *ctx, pv_status st, pv_error *err)
{
    if (st == PV_OK)
        st = pv_tx_commit(ctx, err);
    if (st != PV_OK)
        pv_tx_rollback(ctx);
    return st;
}

pv_status grp_finish_new(pv_ctx *ctx, pv_status st, pv_id id, pv_id *id_out, pv_error *err)
{
    st = grp_finish(ctx, st, err);
    if (st == PV_OK && id_out)
        *id_out = id;
    return st;
}

pv_status grp_credit_charge(pv_ctx *ctx, const char *code, const char *province_key,
                            const char *province, int year, int64_t amount, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "SELECT amount - committed FROM credit WHERE code = ?1 AND province_key = ?2 "
                "AND year = ?3",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, province_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, year);
    int rc = sqlite3_step(st);
    int64_t left = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ECONFLICT, "credit",
                            _("Refused by the credit rule: no credit is set for %s in %s for "
                              "%d."),
                            code, province, year);
    if (rc != SQLITE_ROW)
        return pv_db_error(ctx, err);
    if (left < amount)
        return pv_error_set(err, PV_ECONFLICT, "credit",
                            _("Refused by the credit rule: the %d credit of %s in %s has %lld "
                              "rials left and %lld are needed."),
                            year, code, province, (long long)left, (long long)amount);
    if (pv_stmt(ctx,
                "UPDATE credit SET committed = committed + ?4 WHERE code = ?1 AND "
                "province_key = ?2 AND year = ?3",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, province_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, year);
    sqlite3_bind_int64(st, 4, amount);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status grp_credit_release(pv_ctx *ctx, const char *code, const char *province_key,
                             int year, int64_t amount, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "UPDATE credit SET committed = max(0, committed - ?4) WHERE code = ?1 AND "
                "province_key = ?2 AND year = ?3",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, province_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, year);
    sqlite3_bind_int64(st, 4, amount);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* ---- reading groups ---- */

#define GROUP_COLS                                                                         \
    "g.id, g.name, g.activity, coalesce(g.founded_on, ''), g.facilitator, "               \
    "coalesce(g.legal_id, ''), coalesce(g.registered_on, ''), g.status = 'active', g.code, " \
    "coalesce(g.enrolled_on, ''), g.step, g.n_steps, g.paid, "                             \
    "coalesce((SELECT s.group_cap FROM service s WHERE s.code = g.code), 0), "             \
    "(SELECT count(*) FROM group_member m WHERE m.group_id = g.id AND m.left_on IS NULL), " \
    "g.branch_code"

static void group_from(sqlite3_stmt *st, pv_group *g)
{
    memset(g, 0, sizeof *g);
    g->id = sqlite3_column_int64(st, 0);
    svc_copy(g->name, sizeof g->name, grp_col(st, 1));
    svc_copy(g->activity, sizeof g->activity, grp_col(st, 2));
    svc_copy(g->founded_on, sizeof g->founded_on, grp_col(st, 3));
    svc_copy(g->facilitator, sizeof g->facilitator, grp_col(st, 4));
    svc_copy(g->legal_id, sizeof g->legal_id, grp_col(st, 5));
    svc_copy(g->registered_on, sizeof g->registered_on, grp_col(st, 6));
    g->active = sqlite3_column_int(st, 7) != 0;
    svc_copy(g->code, sizeof g->code, grp_col(st, 8));
    svc_copy(g->enrolled_on, sizeof g->enrolled_on, grp_col(st, 9));
    g->step = sqlite3_column_int(st, 10);
    g->n_steps = sqlite3_column_int(st, 11);
    g->paid = sqlite3_column_int64(st, 12);
    g->cap = sqlite3_column_int64(st, 13);
    g->n_members = sqlite3_column_int(st, 14);
    g->branch_code = sqlite3_column_int64(st, 15);
}

static pv_status load_group(pv_ctx *ctx, pv_id id, pv_group *g, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT " GROUP_COLS " FROM aid_group g WHERE g.id = ?1", &st, err)
        != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        group_from(st, g);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "group", _("%lld: no such group"),
                            (long long)id);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_group_find(pv_ctx *ctx, const char *ref, pv_id *id_out, pv_error *err)
{
    if (!ref || !*ref)
        return pv_error_field(err, "group", _("a group's number or name is needed"));
    char digits[24];
    if (pv_digits_ascii(ref, false, digits, sizeof digits) && *digits && strlen(digits) <= 18) {
        pv_group g;
        if (load_group(ctx, strtoll(digits, NULL, 10), &g, NULL) == PV_OK) {
            *id_out = g.id;
            return PV_OK;
        }
    }
    char key[PV_LABEL_SZ];
    pv_text_fold(ref, key, sizeof key);
    sqlite3_stmt *st;
    /* name_key is the folded name; a group made by migration 6 from old
     * facts has only lower(trim(name)) (SQL cannot fold), hence the second test. */
    if (pv_stmt(ctx,
                "SELECT id FROM aid_group WHERE name_key = ?1 OR name_key = lower(trim(?3)) "
                "ORDER BY branch_code = ?2 DESC, name_key = ?1 DESC",
                &st, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, ctx->branch_code);
    sqlite3_bind_text(st, 3, ref, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id_out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "group", _("%s: no such group"), ref);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

static bool group_row(sqlite3_stmt *st, void *elem, void *user)
{
    (void)user;
    group_from(st, elem);
    return true;
}

static const pv_row_reader group_rows = {sizeof(pv_group), 8, group_row, NULL};

pv_status pv_group_list(pv_ctx *ctx, const char *query, pv_group **out, size_t *n,
                        pv_error *err)
{
    *out = NULL;
    *n = 0;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, ctx->branch_code, err) != PV_OK)
        return PV_EDENIED;
    char fold[PV_LABEL_SZ] = "", digits[PV_LABEL_SZ] = "";
    if (query && *query) {
        pv_text_fold(query, fold, sizeof fold);
        if (!pv_digits_ascii(query, true, digits, sizeof digits))
            digits[0] = '\0';
    }
    sqlite3_stmt *st;
    if (pv_query(ctx,
                 "SELECT " GROUP_COLS " FROM aid_group g WHERE (?3 OR g.branch_code = ?4) AND "
                 "(?1 = '' OR instr(g.name_key, ?1) > 0 OR (?2 <> '' AND g.legal_id = ?2) OR "
                 "EXISTS (SELECT 1 FROM group_member m JOIN person p ON p.id = m.person_id "
                 "WHERE m.group_id = g.id AND m.left_on IS NULL AND ((?2 <> '' AND "
                 "p.national_id = ?2) OR instr(p.fold_first || ' ' || p.fold_last, ?1) > 0))) "
                 "ORDER BY g.status = 'active' DESC, g.name_key",
                 &st, err, "ttni", fold, digits, pv_authz_all_branches(ctx), ctx->branch_code)
        != PV_OK)
        return PV_EFAIL;
    pv_status s;
    *out = pv_read_rows(ctx, st, &group_rows, NULL, n, &s, err);
    return s;
}

void pv_group_detail_free(pv_group_detail *d)
{
    if (!d)
        return;
    free(d->members);
    free(d->steps);
    free(d->payments);
    free(d);
}

static bool member_row(sqlite3_stmt *st, void *elem, void *user)
{
    (void)user;
    pv_group_member *m = elem;
    svc_copy(m->national_id, sizeof m->national_id, grp_col(st, 0));
    svc_copy(m->name, sizeof m->name, grp_col(st, 1));
    svc_copy(m->joined_on, sizeof m->joined_on, grp_col(st, 2));
    svc_copy(m->left_on, sizeof m->left_on, grp_col(st, 3));
    return true;
}

static const pv_row_reader member_rows = {sizeof(pv_group_member), 8, member_row, NULL};

static pv_status load_members(pv_ctx *ctx, pv_group_detail *d, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_query(ctx,
                 "SELECT p.national_id, p.first_name || ' ' || p.last_name, m.joined_on, "
                 "coalesce(m.left_on, '') FROM group_member m JOIN person p ON p.id = m.person_id "
                 "WHERE m.group_id = ?1 ORDER BY m.left_on IS NOT NULL, p.fold_last, p.fold_first",
                 &st, err, "i", d->g.id) != PV_OK)
        return PV_EFAIL;
    pv_status s;
    d->members = pv_read_rows(ctx, st, &member_rows, NULL, &d->n_members, &s, err);
    return s;
}

/* user: the context, for the title in its language */
static bool step_row(sqlite3_stmt *st, void *elem, void *user)
{
    pv_group_step *s = elem;
    svc_copy(s->title, sizeof s->title,
             svc_pick(pv_ctx_lang(user), grp_col(st, 1), grp_col(st, 2)));
    svc_copy(s->date, sizeof s->date, grp_col(st, 3));
    svc_copy(s->user, sizeof s->user, grp_col(st, 4));
    svc_copy(s->note, sizeof s->note, grp_col(st, 5));
    return true;
}

static const pv_row_reader step_rows = {sizeof(pv_group_step), 8, step_row, NULL};

static pv_status load_steps(pv_ctx *ctx, pv_group_detail *d, pv_error *err)
{
    if (!d->g.code[0])
        return PV_OK;
    sqlite3_stmt *st;
    if (pv_query(ctx,
                 "SELECT s.seq, s.title_fa, s.title_en, coalesce(gs.date, ''), "
                 "coalesce(gs.user, ''), coalesce(gs.note, '') FROM service_step s "
                 "LEFT JOIN group_step gs ON gs.group_id = ?1 AND gs.step = s.seq "
                 "WHERE s.code = ?2 ORDER BY s.seq",
                 &st, err, "it", d->g.id, d->g.code) != PV_OK)
        return PV_EFAIL;
    pv_status s;
    d->steps = pv_read_rows(ctx, st, &step_rows, ctx, &d->n_steps, &s, err);
    for (size_t i = 0; i < d->n_steps; i++)
        d->steps[i].number = (int)i + 1;
    return s;
}

static bool payment_row(sqlite3_stmt *st, void *elem, void *user)
{
    (void)user;
    pv_group_payment *p = elem;
    p->id = sqlite3_column_int64(st, 0);
    svc_copy(p->date, sizeof p->date, grp_col(st, 1));
    p->amount = sqlite3_column_int64(st, 2);
    svc_copy(p->user, sizeof p->user, grp_col(st, 3));
    svc_copy(p->note, sizeof p->note, grp_col(st, 4));
    return true;
}

static const pv_row_reader payment_rows = {sizeof(pv_group_payment), 8, payment_row, NULL};

static pv_status load_payments(pv_ctx *ctx, pv_group_detail *d, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_query(ctx,
                 "SELECT id, date, amount, user, coalesce(note, '') FROM group_payment "
                 "WHERE group_id = ?1 ORDER BY date, id",
                 &st, err, "i", d->g.id) != PV_OK)
        return PV_EFAIL;
    pv_status s;
    d->payments = pv_read_rows(ctx, st, &payment_rows, NULL, &d->n_payments, &s, err);
    return s;
}

pv_status pv_group_get(pv_ctx *ctx, pv_id id, pv_group_detail **out, pv_error *err)
{
    *out = NULL;
    pv_group_detail *d = calloc(1, sizeof *d);
    if (!d)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    pv_status st = load_group(ctx, id, &d->g, err);
    if (st == PV_OK)
        st = pv_authz_check(ctx, PV_ACT_FILE_READ, d->g.branch_code, err);
    if (st == PV_OK)
        st = load_members(ctx, d, err);
    if (st == PV_OK)
        st = load_steps(ctx, d, err);
    if (st == PV_OK)
        st = load_payments(ctx, d, err);
    if (st != PV_OK) {
        pv_group_detail_free(d);
        return st;
    }
    *out = d;
    return PV_OK;
}

/* ---- changing groups ---- */

pv_status pv_group_add(pv_ctx *ctx, const pv_group_new *g, pv_id *id_out, pv_error *err)
{
    char name[PV_LABEL_SZ], activity[NOTE_SZ], key[PV_LABEL_SZ], date[PV_DATE_SZ];
    if (!g)
        return pv_error_set(err, PV_EUSAGE, NULL, "%s", _("a group is needed"));
    pv_status st = grp_required(g->name, "name", name, sizeof name, err);
    if (st == PV_OK)
        st = grp_text(g->activity, PV_TEXT_LINE, "activity", activity, sizeof activity, err);
    if (st == PV_OK)
        st = svc_date(g->founded_on, date, err);
    if (st != PV_OK)
        return st;
    const char *facilitator = g->facilitator && *g->facilitator ? g->facilitator
                                                                : pv_ctx_actor(ctx)->name;
    pv_text_fold(name, key, sizeof key);
    if ((st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    pv_id id = 0;
    st = pv_authz_check(ctx, PV_ACT_ENROLL_REQUEST, ctx->branch_code, err);
    if (st == PV_OK)
        st = pv_next_id(ctx, "aid_group", &id, err);
    sqlite3_stmt *q = NULL;
    if (st == PV_OK)
        st = pv_stmt(ctx,
                     "INSERT INTO aid_group (id, branch_code, name, name_key, activity, "
                     "founded_on, facilitator, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                     &q, err);
    if (st == PV_OK) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int64(q, 2, ctx->branch_code);
        sqlite3_bind_text(q, 3, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 4, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 5, activity, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 6, date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 7, facilitator, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 8, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if (rc == SQLITE_CONSTRAINT_UNIQUE)
            st = pv_error_set(err, PV_ECONFLICT, "name", _("a group named %s already exists"),
                              name);
        else if (rc != SQLITE_DONE)
            st = pv_db_error(ctx, err);
    }
    return grp_finish_new(ctx, st, id, id_out, err);
}

/* Begins the transaction, loads the group and checks the actor may act on
 * its branch. On failure the transaction is already rolled back. */
static pv_status begin_group(pv_ctx *ctx, pv_id id, pv_group *g, pv_error *err)
{
    pv_status st = pv_tx_begin(ctx, err);
    if (st != PV_OK)
        return st;
    st = load_group(ctx, id, g, err);
    if (st == PV_OK)
        st = pv_authz_check(ctx, PV_ACT_ENROLL_ADVANCE, g->branch_code, err);
    if (st != PV_OK)
        pv_tx_rollback(ctx);
    return st;
}

static pv_status step_done(pv_ctx *ctx, sqlite3_stmt *q, pv_error *err)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* The active group of a person other than `except`, if any (name into out). */
static pv_status other_group(pv_ctx *ctx, pv_id pid, pv_id except, char *name, size_t size,
                             bool *found, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT g.name FROM group_member m JOIN aid_group g ON g.id = m.group_id "
                "WHERE m.person_id = ?1 AND m.left_on IS NULL AND m.group_id <> ?2",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, pid);
    sqlite3_bind_int64(q, 2, except);
    int rc = sqlite3_step(q);
    *found = rc == SQLITE_ROW;
    if (*found)
        svc_copy(name, size, grp_col(q, 0));
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status add_member(pv_ctx *ctx, const pv_group *g, const char *national_id,
                            const char *date, pv_error *err)
{
    pv_id pid;
    int64_t branch;
    char nid[PV_NATID_SZ], other[PV_LABEL_SZ];
    bool found;
    pv_status st = grp_person(ctx, national_id, &pid, &branch, nid, err);
    if (st != PV_OK)
        return st;
    if (!g->active)
        return pv_error_set(err, PV_ECONFLICT, "group", _("the group %s is closed"), g->name);
    if (branch != g->branch_code)
        return pv_error_set(err, PV_ECONFLICT, "national_id",
                            _("%s is a beneficiary of another branch than the group's"), nid);
    if ((st = other_group(ctx, pid, g->id, other, sizeof other, &found, err)) != PV_OK)
        return st;
    if (found)
        return pv_error_set(err, PV_ECONFLICT, "national_id",
                            _("Refused by the one-group rule: %s is already a member of the "
                              "group %s"),
                            nid, other);
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "INSERT INTO group_member (group_id, person_id, joined_on, added_by) "
                "SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM group_member WHERE "
                "group_id = ?1 AND person_id = ?2 AND left_on IS NULL)",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, g->id);
    sqlite3_bind_int64(q, 2, pid);
    sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) /* left and came back on the same day */
        return pv_error_set(err, PV_ECONFLICT, "date",
                            _("%s left this group on that day; give a later date"), nid);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_group_member_add(pv_ctx *ctx, pv_id group, const char *national_id,
                              const char *date_in, pv_error *err)
{
    char date[PV_DATE_SZ];
    pv_group g;
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK && (st = begin_group(ctx, group, &g, err)) == PV_OK)
        st = grp_finish(ctx, add_member(ctx, &g, national_id, date, err), err);
    return st;
}

static pv_status remove_member(pv_ctx *ctx, const pv_group *g, const char *national_id,
                               const char *date, pv_error *err)
{
    pv_id pid;
    int64_t branch;
    char nid[PV_NATID_SZ];
    pv_status st = grp_person(ctx, national_id, &pid, &branch, nid, err);
    if (st != PV_OK)
        return st;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "UPDATE group_member SET left_on = max(?3, joined_on) WHERE group_id = ?1 AND "
                "person_id = ?2 AND left_on IS NULL",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, g->id);
    sqlite3_bind_int64(q, 2, pid);
    sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
    if ((st = step_done(ctx, q, err)) != PV_OK)
        return st;
    if (sqlite3_changes(ctx->db) == 0)
        return pv_error_set(err, PV_ENOTFOUND, "national_id",
                            _("%s is not a member of the group %s"), nid, g->name);
    return PV_OK;
}

pv_status pv_group_member_remove(pv_ctx *ctx, pv_id group, const char *national_id,
                                 const char *date_in, pv_error *err)
{
    char date[PV_DATE_SZ];
    pv_group g;
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK && (st = begin_group(ctx, group, &g, err)) == PV_OK)
        st = grp_finish(ctx, remove_member(ctx, &g, national_id, date, err), err);
    return st;
}

pv_status pv_group_register(pv_ctx *ctx, pv_id group, const char *legal_id, const char *date_in,
                            pv_error *err)
{
    char date[PV_DATE_SZ], lid[12];
    pv_group g;
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK)
        st = pv_legal_id_parse(legal_id, "legal_id", lid, err);
    if (st != PV_OK || (st = begin_group(ctx, group, &g, err)) != PV_OK)
        return st;
    sqlite3_stmt *q;
    st = pv_stmt(ctx, "UPDATE aid_group SET legal_id = ?2, registered_on = ?3 WHERE id = ?1",
                 &q, err);
    if (st == PV_OK) {
        sqlite3_bind_int64(q, 1, g.id);
        sqlite3_bind_text(q, 2, lid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if (rc == SQLITE_CONSTRAINT_UNIQUE)
            st = pv_error_set(err, PV_ECONFLICT, "legal_id",
                              _("the legal ID %s is another group's"), lid);
        else if (rc != SQLITE_DONE)
            st = pv_db_error(ctx, err);
    }
    return grp_finish(ctx, st, err);
}

pv_status pv_group_enroll(pv_ctx *ctx, pv_id group, const char *code, const char *date_in,
                          pv_error *err)
{
    char date[PV_DATE_SZ];
    pv_group g;
    pv_service_info info;
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK)
        st = svc_info_load(ctx, code, &info, err);
    if (st != PV_OK || (st = begin_group(ctx, group, &g, err)) != PV_OK)
        return st;
    if (g.code[0])
        st = pv_error_set(err, PV_ECONFLICT, "group", _("the group %s is already enrolled in %s"),
                          g.name, g.code);
    else if (!g.active)
        st = pv_error_set(err, PV_ECONFLICT, "group", _("the group %s is closed"), g.name);
    sqlite3_stmt *q;
    if (st == PV_OK
        && (st = pv_stmt(ctx,
                         "UPDATE aid_group SET code = ?2, enrolled_on = ?3, step = 0, n_steps = "
                         "(SELECT count(*) FROM service_step WHERE code = ?2) WHERE id = ?1",
                         &q, err)) == PV_OK) {
        sqlite3_bind_int64(q, 1, g.id);
        sqlite3_bind_text(q, 2, info.code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
        st = step_done(ctx, q, err);
    }
    return grp_finish(ctx, st, err);
}

/* The `event` a card's step writes on the members' files, "" if none. */
static pv_status step_event(pv_ctx *ctx, const char *code, int step, char *out, size_t size,
                            pv_error *err)
{
    out[0] = '\0';
    svc_card c;
    pv_status st = grp_card_load(ctx, code, &c, err);
    if (st != PV_OK)
        return st;
    int seen = 0;
    for (size_t i = 1; i < c.n; i++)
        if (strcmp(c.blocks[i].type, "step") == 0 && ++seen == step) {
            const char *ev = svc_get(&c.blocks[i], "event");
            svc_copy(out, size, ev ? ev : "");
            break;
        }
    svc_card_free(&c);
    return PV_OK;
}

static pv_status write_events(pv_ctx *ctx, const pv_group *g, const char *kind,
                              const char *date, const char *note, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                /* ids in this office's range (?6 the branch code): events travel */
                "INSERT INTO person_event (id, person_id, kind, date, source, note, user) "
                "SELECT (SELECT coalesce(max(id), ?6 << 40) FROM person_event "
                "WHERE id >= ?6 << 40 AND id < (?6 + 1) << 40) "
                "+ row_number() OVER (ORDER BY m.person_id), "
                "m.person_id, ?2, ?3, 'group:' || ?1, ?4, ?5 FROM group_member m "
                "WHERE m.group_id = ?1 AND m.left_on IS NULL",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 6, ctx->branch_code);
    sqlite3_bind_int64(q, 1, g->id);
    sqlite3_bind_text(q, 2, kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
    if (note && *note)
        sqlite3_bind_text(q, 4, note, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 5, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    return step_done(ctx, q, err);
}

static pv_status advance_in_tx(pv_ctx *ctx, const pv_group *g, const char *date,
                               const char *note, pv_error *err)
{
    if (!g->code[0])
        return pv_error_set(err, PV_ECONFLICT, "group",
                            _("the group %s is not enrolled in a service"), g->name);
    if (g->step >= g->n_steps)
        return pv_error_set(err, PV_ECONFLICT, "group",
                            _("the group %s has done every step of %s"), g->name, g->code);
    int step = g->step + 1;
    char event[PV_KEY_SZ];
    sqlite3_stmt *q;
    pv_status st = step_event(ctx, g->code, step, event, sizeof event, err);
    if (st == PV_OK && *event)
        st = write_events(ctx, g, event, date, note, err);
    if (st == PV_OK
        && (st = pv_stmt(ctx,
                         "INSERT INTO group_step (group_id, step, date, note, user) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)",
                         &q, err)) == PV_OK) {
        sqlite3_bind_int64(q, 1, g->id);
        sqlite3_bind_int(q, 2, step);
        sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
        if (note && *note)
            sqlite3_bind_text(q, 4, note, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 5, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
        st = step_done(ctx, q, err);
    }
    if (st == PV_OK
        && (st = pv_stmt(ctx, "UPDATE aid_group SET step = ?2 WHERE id = ?1", &q, err)) == PV_OK) {
        sqlite3_bind_int64(q, 1, g->id);
        sqlite3_bind_int(q, 2, step);
        st = step_done(ctx, q, err);
    }
    return st;
}

pv_status pv_group_advance(pv_ctx *ctx, pv_id group, const char *date_in, const char *note_in,
                           pv_error *err)
{
    char date[PV_DATE_SZ], note[NOTE_SZ];
    pv_group g;
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK)
        st = grp_text(note_in, PV_TEXT_LINE, "note", note, sizeof note, err);
    if (st == PV_OK && (st = begin_group(ctx, group, &g, err)) == PV_OK)
        st = grp_finish(ctx, advance_in_tx(ctx, &g, date, note, err), err);
    return st;
}

/* The cap is checked against the sum read inside the same IMMEDIATE
 * transaction that inserts the payment: a second terminal waits for the
 * write lock and then sees this payment. */
static pv_status pay_in_tx(pv_ctx *ctx, const pv_group *g, int64_t amount, const char *date,
                           const char *note, pv_id *id, pv_error *err)
{
    if (!g->code[0])
        return pv_error_set(err, PV_ECONFLICT, "group",
                            _("the group %s is not enrolled in a service"), g->name);
    if (g->cap > 0 && g->paid + amount > g->cap)
        return pv_error_set(err, PV_ECONFLICT, "amount",
                            _("Refused by the group cap rule: group %s has %lld of its %lld "
                              "rials left and %lld were asked."),
                            g->name, (long long)(g->cap - g->paid), (long long)g->cap,
                            (long long)amount);
    sqlite3_stmt *q;
    pv_status st = pv_next_id(ctx, "group_payment", id, err);
    if (st == PV_OK
        && (st = pv_stmt(ctx,
                         "INSERT INTO group_payment (id, group_id, date, amount, note, user) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         &q, err)) == PV_OK) {
        sqlite3_bind_int64(q, 1, *id);
        sqlite3_bind_int64(q, 2, g->id);
        sqlite3_bind_text(q, 3, date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(q, 4, amount);
        if (note && *note)
            sqlite3_bind_text(q, 5, note, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 6, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
        st = step_done(ctx, q, err);
    }
    if (st == PV_OK
        && (st = pv_stmt(ctx, "UPDATE aid_group SET paid = paid + ?2 WHERE id = ?1", &q, err))
               == PV_OK) {
        sqlite3_bind_int64(q, 1, g->id);
        sqlite3_bind_int64(q, 2, amount);
        st = step_done(ctx, q, err);
    }
    return st;
}

pv_status pv_group_pay(pv_ctx *ctx, pv_id group, int64_t amount, const char *date_in,
                       const char *note_in, pv_id *id_out, pv_error *err)
{
    char date[PV_DATE_SZ], note[NOTE_SZ];
    pv_group g;
    pv_id id = 0;
    if (amount <= 0 || amount > (int64_t)1e15)
        return pv_error_field(err, "amount", _("an amount is a positive number of rials"));
    pv_status st = svc_date(date_in, date, err);
    if (st == PV_OK)
        st = grp_text(note_in, PV_TEXT_LINE, "note", note, sizeof note, err);
    if (st != PV_OK || (st = begin_group(ctx, group, &g, err)) != PV_OK)
        return st;
    st = pay_in_tx(ctx, &g, amount, date, note, &id, err); /* id set before it is given */
    return grp_finish_new(ctx, st, id, id_out, err);
}
