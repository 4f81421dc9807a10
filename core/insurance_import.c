/* parvande — the insurer's reply (pv_ins_import): every row checked against
 * the frozen list first, every mismatch reported with its line, and then
 * the whole reply applied in one transaction, or none of it; or, when the
 * user asks, the matching rows applied and the others kept in a rejects
 * file. Applying a policy already recorded the same way changes nothing,
 * so importing the same reply twice is harmless. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "parvande/csv.h"
#include "parvande/insurance.h"
#include "parvande/text.h"
#include "parvande/validate.h"
#include "insurance_internal.h"
#include "svc_internal.h"

enum { C_NID, C_POLICY, C_START, C_END, C__COUNT };
static const char *const col_names[C__COUNT] = {"national_id", "policy_number", "start", "end"};

/* A child of the list, as the reply is checked against it. */
typedef struct entry {
    pv_id id, person_id;
    char nid[PV_NATID_SZ];
    char first[PV_NAME_SZ], last[PV_NAME_SZ];
    char policy[64], start[PV_DATE_SZ], end[PV_DATE_SZ];
    long seen_line; /* 0 while the reply has not named it */
} entry;

/* A row that matched: the policy to record on entry `e`. */
typedef struct apply_row {
    size_t e;
    char policy[64], start[PV_DATE_SZ], end[PV_DATE_SZ];
} apply_row;

/* A rejected row, kept as it was for the rejects file. */
typedef struct reject_row {
    char **fields;
    size_t n;
    char *error;
} reject_row;

typedef struct reply {
    pv_ctx *ctx;
    char code[PV_CODE_SZ];
    int year;
    char province[PV_NAME_SZ], pkey[PV_NAME_SZ];
    entry *list;
    size_t n_list;
    apply_row *apply;
    size_t n_apply, cap_apply;
    reject_row *rejects;
    size_t n_rejects, cap_rejects;
    char **header;
    size_t n_header;
    size_t cap_items;
    pv_ins_report *rep;
    bool oom;
} reply;

static pv_status oom(pv_error *err)
{
    return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
}

void pv_ins_report_free(pv_ins_report *rep)
{
    if (!rep)
        return;
    free(rep->items);
    memset(rep, 0, sizeof *rep);
}

static const char *col(sqlite3_stmt *q, int i)
{
    const char *s = (const char *)sqlite3_column_text(q, i);
    return s ? s : "";
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->nid, ((const entry *)b)->nid);
}

static entry *find_entry(reply *r, const char *nid)
{
    entry key;
    snprintf(key.nid, sizeof key.nid, "%s", nid);
    return bsearch(&key, r->list, r->n_list, sizeof *r->list, entry_cmp);
}

static pv_status load_list(reply *r, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(r->ctx,
                "SELECT id, person_id, national_id, first_name, last_name, policy_no, "
                "policy_start, policy_end FROM insurance_member WHERE code = ?1 AND year = ?2 "
                "AND province_key = ?3 AND listed",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(q, 1, r->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 2, r->year);
    sqlite3_bind_text(q, 3, r->pkey, -1, SQLITE_TRANSIENT);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        entry *grown = svc_grow(r->list, r->n_list, &cap, sizeof *grown, 64);
        if (!grown) {
            rc = SQLITE_NOMEM;
            break;
        }
        r->list = grown;
        entry *e = &r->list[r->n_list++];
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(q, 0);
        e->person_id = sqlite3_column_int64(q, 1);
        svc_copy(e->nid, sizeof e->nid, col(q, 2));
        svc_copy(e->first, sizeof e->first, col(q, 3));
        svc_copy(e->last, sizeof e->last, col(q, 4));
        svc_copy(e->policy, sizeof e->policy, col(q, 5));
        svc_copy(e->start, sizeof e->start, col(q, 6));
        svc_copy(e->end, sizeof e->end, col(q, 7));
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_NOMEM ? oom(err) : pv_db_error(r->ctx, err);
    if (r->n_list > 1)
        qsort(r->list, r->n_list, sizeof *r->list, entry_cmp);
    return PV_OK;
}

/* The province of a national ID elsewhere: on another province's list of
 * the year, else the person's own; "" when neither. */
static void other_province(reply *r, const char *nid, char *out, size_t size)
{
    out[0] = '\0';
    sqlite3_stmt *q;
    if (pv_stmt(r->ctx,
                "SELECT province FROM insurance_member WHERE code = ?1 AND year = ?2 AND "
                "national_id = ?3 AND province_key <> ?4 AND listed "
                "UNION ALL SELECT province FROM person WHERE national_id = ?3 LIMIT 1",
                &q, NULL) != PV_OK)
        return;
    sqlite3_bind_text(q, 1, r->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 2, r->year);
    sqlite3_bind_text(q, 3, nid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, r->pkey, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(q) == SQLITE_ROW) {
        char key[PV_NAME_SZ];
        pv_text_fold(col(q, 0), key, sizeof key);
        if (strcmp(key, r->pkey) != 0)
            svc_copy(out, size, col(q, 0));
    }
    sqlite3_reset(q);
}

/* ---- the report ---- */

static void add_item(reply *r, long line, pv_ins_problem kind, const char *nid,
                     const char *message)
{
    pv_ins_report *rep = r->rep;
    pv_ins_mismatch *grown = svc_grow(rep->items, rep->n_items, &r->cap_items, sizeof *grown, 16);
    if (!grown) {
        r->oom = true;
        return;
    }
    rep->items = grown;
    pv_ins_mismatch *m = &rep->items[rep->n_items++];
    memset(m, 0, sizeof *m);
    m->line = line;
    m->kind = kind;
    svc_copy(m->national_id, sizeof m->national_id, nid ? nid : "");
    svc_copy(m->message, sizeof m->message, message);
}

static char *dup_or_null(reply *r, const char *s)
{
    char *d = strdup(s);
    if (!d)
        r->oom = true;
    return d;
}

/* Keeps the current row, as read, for the rejects file. */
static void keep_reject(reply *r, const pv_csv *csv, const char *message)
{
    reject_row *grown = svc_grow(r->rejects, r->n_rejects, &r->cap_rejects, sizeof *grown, 16);
    if (!grown) {
        r->oom = true;
        return;
    }
    r->rejects = grown;
    reject_row *rr = &r->rejects[r->n_rejects++];
    rr->n = pv_csv_count(csv);
    rr->fields = calloc(rr->n ? rr->n : 1, sizeof *rr->fields);
    rr->error = dup_or_null(r, message);
    if (!rr->fields) {
        r->oom = true;
        rr->n = 0;
    }
    for (size_t i = 0; i < rr->n; i++)
        rr->fields[i] = dup_or_null(r, pv_csv_field(csv, i));
}

static void reject(reply *r, const pv_csv *csv, pv_ins_problem kind, const char *nid,
                   const char *message)
{
    add_item(r, pv_csv_line(csv), kind, nid, message);
    keep_reject(r, csv, message);
    r->rep->rejected++;
}

/* ---- reading the reply ---- */

static pv_status read_header(reply *r, pv_csv *csv, int idx[C__COUNT], pv_error *err)
{
    for (int c = 0; c < C__COUNT; c++)
        idx[c] = -1;
    int got = pv_csv_next(csv, err);
    if (got <= 0)
        return got < 0 ? PV_EINVAL
                       : pv_error_set(err, PV_EINVAL, "csv", "%s", _("the reply file is empty"));
    r->n_header = pv_csv_count(csv);
    r->header = calloc(r->n_header + 1, sizeof *r->header);
    if (!r->header)
        return oom(err);
    for (size_t i = 0; i < r->n_header; i++) {
        char name[64];
        const char *f = pv_csv_field(csv, i);
        while (*f == ' ')
            f++;
        svc_copy(name, sizeof name, f);
        for (size_t k = strlen(name); k > 0 && name[k - 1] == ' '; k--)
            name[k - 1] = '\0';
        if (!(r->header[i] = strdup(pv_csv_field(csv, i))))
            return oom(err);
        for (int c = 0; c < C__COUNT; c++)
            if (strcasecmp(name, col_names[c]) == 0
                || (c == C_POLICY && strcasecmp(name, "policy_no") == 0))
                idx[c] = (int)i;
    }
    for (int c = 0; c < C__COUNT; c++)
        if (idx[c] < 0)
            return pv_error_set(err, PV_EINVAL, "csv",
                                _("the reply has no column “%s” (it needs national_id, "
                                  "policy_number, start, end)"),
                                col_names[c]);
    return PV_OK;
}

/* Checks one data row; a good one is queued to apply, a bad one reported. */
static void check_row(reply *r, const pv_csv *csv, const int idx[C__COUNT])
{
    char msg[512];
    const char *bad = pv_csv_record_error(csv);
    const char *nid_in = pv_csv_field(csv, (size_t)idx[C_NID]);
    if (bad) {
        reject(r, csv, PV_INS_MALFORMED, nid_in, _(bad));
        return;
    }
    pv_error e = PV_ERROR_INIT;
    char nid[PV_NATID_SZ], policy[64] = "", start[PV_DATE_SZ], end[PV_DATE_SZ];
    bool ok = pv_natid_parse(nid_in, "national_id", nid, &e) == PV_OK;
    if (ok && pv_text_normalize(pv_csv_field(csv, (size_t)idx[C_POLICY]), PV_TEXT_LINE,
                                "policy", policy, sizeof policy, &e) != PV_OK)
        ok = false;
    if (ok && !policy[0]) {
        pv_error_set(&e, PV_EINVAL, "policy", _("%s: %s"), _("Policy number"),
                     _("it is required"));
        ok = false;
    }
    ok = ok && ins_date(pv_csv_field(csv, (size_t)idx[C_START]), "start", _("Policy start"),
                          start, &e);
    ok = ok && ins_date(pv_csv_field(csv, (size_t)idx[C_END]), "end", _("Policy end"), end, &e);
    if (ok && strcmp(end, start) < 0) {
        pv_error_set(&e, PV_EINVAL, "end", _("%s: %s"), _("Policy end"),
                     _("it is before the start"));
        ok = false;
    }
    if (!ok) {
        reject(r, csv, PV_INS_MALFORMED, nid_in, e.message ? e.message : "");
        pv_error_clear(&e);
        return;
    }
    entry *en = find_entry(r, nid);
    if (!en) {
        char prov[PV_NAME_SZ];
        other_province(r, nid, prov, sizeof prov);
        if (prov[0])
            snprintf(msg, sizeof msg, _("%s is a child of another province (%s)"), nid, prov);
        else
            snprintf(msg, sizeof msg, _("%s is not on the list of %d for %s"), nid, r->year,
                     r->province);
        reject(r, csv, prov[0] ? PV_INS_OTHER_PROVINCE : PV_INS_NOT_LISTED, nid, msg);
        return;
    }
    if (en->seen_line) {
        snprintf(msg, sizeof msg, _("%s appears twice in the reply (first on line %ld)"), nid,
                 en->seen_line);
        reject(r, csv, PV_INS_DUPLICATE, nid, msg);
        return;
    }
    en->seen_line = pv_csv_line(csv);
    apply_row *grown = svc_grow(r->apply, r->n_apply, &r->cap_apply, sizeof *grown, 64);
    if (!grown) {
        r->oom = true;
        return;
    }
    r->apply = grown;
    apply_row *a = &r->apply[r->n_apply++];
    a->e = (size_t)(en - r->list);
    svc_copy(a->policy, sizeof a->policy, policy);
    svc_copy(a->start, sizeof a->start, start);
    svc_copy(a->end, sizeof a->end, end);
}

static pv_status read_reply(reply *r, const char *path, pv_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return pv_error_set(err, PV_EFAIL, "csv", _("cannot open %s"), path);
    pv_csv *csv = pv_csv_new(f);
    pv_status st = csv ? PV_OK : oom(err);
    int idx[C__COUNT];
    if (st == PV_OK)
        st = read_header(r, csv, idx, err);
    int got;
    while (st == PV_OK && !r->oom && (got = pv_csv_next(csv, err)) != 0) {
        if (got < 0) {
            st = PV_EINVAL;
            break;
        }
        r->rep->rows++;
        check_row(r, csv, idx);
    }
    pv_csv_free(csv);
    fclose(f);
    return st == PV_OK && r->oom ? oom(err) : st;
}

/* Every listed child the reply did not name. */
static void report_missing(reply *r)
{
    char msg[768];
    for (size_t i = 0; i < r->n_list; i++) {
        const entry *e = &r->list[i];
        if (e->seen_line)
            continue;
        snprintf(msg, sizeof msg, _("%s %s (%s) is on the list but the reply has no policy"),
                 e->first, e->last, e->nid);
        add_item(r, 0, PV_INS_NO_POLICY, e->nid, msg);
    }
}

/* ---- applying ---- */

static pv_status apply_one(reply *r, const apply_row *a, pv_error *err)
{
    const entry *e = &r->list[a->e];
    if (strcmp(e->policy, a->policy) == 0 && strcmp(e->start, a->start) == 0
        && strcmp(e->end, a->end) == 0) {
        r->rep->unchanged++;
        return PV_OK;
    }
    sqlite3_stmt *q;
    if (pv_stmt(r->ctx,
                "UPDATE insurance_member SET policy_no = ?2, policy_start = ?3, policy_end = ?4, "
                "enrollment_id = (SELECT id FROM enrollment WHERE person_id = ?5 AND code = ?6 "
                "AND jyear = ?7 AND status NOT IN ('rejected', 'withdrawn') "
                "ORDER BY id DESC LIMIT 1) WHERE id = ?1",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_int64(q, 1, e->id);
    sqlite3_bind_text(q, 2, a->policy, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 3, a->start, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, a->end, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 5, e->person_id);
    sqlite3_bind_text(q, 6, r->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 7, r->year);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return pv_db_error(r->ctx, err);
    r->rep->applied++;
    return PV_OK;
}

static pv_status mark_applied(reply *r, pv_error *err)
{
    char today[PV_DATE_SZ];
    pv_today(today);
    sqlite3_stmt *q;
    if (pv_stmt(r->ctx,
                "UPDATE insurance_year SET policies_on = ?4 WHERE code = ?1 AND year = ?2 AND "
                "province_key = ?3",
                &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(q, 1, r->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 2, r->year);
    sqlite3_bind_text(q, 3, r->pkey, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 4, today, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(r->ctx, err);
}

static pv_status write_rejects(reply *r, const char *path, pv_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return pv_error_set(err, PV_EFAIL, "rejects", _("cannot write %s"), path);
    const char **v = calloc(r->n_header + 1, sizeof *v);
    int bad = !v;
    for (size_t i = 0; v && i < r->n_header; i++)
        v[i] = r->header[i];
    if (v) {
        v[r->n_header] = "error";
        bad |= pv_csv_write_row(f, v, r->n_header + 1);
    }
    free(v);
    for (size_t i = 0; !bad && i < r->n_rejects; i++) {
        const reject_row *rr = &r->rejects[i];
        const char **row = calloc(rr->n + 1, sizeof *row);
        if (!row) {
            bad = 1;
            break;
        }
        for (size_t j = 0; j < rr->n; j++)
            row[j] = rr->fields[j] ? rr->fields[j] : "";
        row[rr->n] = rr->error ? rr->error : "";
        bad |= pv_csv_write_row(f, row, rr->n + 1);
        free(row);
    }
    bad |= fclose(f) != 0;
    return bad ? pv_error_set(err, PV_EFAIL, "rejects", _("cannot write %s"), path) : PV_OK;
}

static void reply_free(reply *r)
{
    free(r->list);
    free(r->apply);
    for (size_t i = 0; i < r->n_rejects; i++) {
        for (size_t j = 0; j < r->rejects[i].n; j++)
            free(r->rejects[i].fields[j]);
        free(r->rejects[i].fields);
        free(r->rejects[i].error);
    }
    free(r->rejects);
    for (size_t i = 0; r->header && i < r->n_header; i++)
        free(r->header[i]);
    free(r->header);
}

static pv_status apply_all(reply *r, const char *rejects_path, pv_error *err)
{
    pv_status st = PV_OK;
    for (size_t i = 0; st == PV_OK && i < r->n_apply; i++)
        st = apply_one(r, &r->apply[i], err);
    if (st == PV_OK && r->n_apply)
        st = mark_applied(r, err);
    if (st == PV_OK && rejects_path && r->n_rejects)
        st = write_rejects(r, rejects_path, err);
    return st;
}

pv_status pv_ins_import(pv_ctx *ctx, const char *code, int year, const char *province,
                        const char *path, bool apply_matching, const char *rejects_path,
                        pv_ins_report *rep, pv_error *err)
{
    memset(rep, 0, sizeof *rep);
    reply r = {.ctx = ctx, .year = year, .rep = rep};
    pv_ins_year y;
    pv_status st = pv_ins_get(ctx, code, year, province, &y, err);
    if (st != PV_OK)
        return st;
    if (pv_authz_check(ctx, PV_ACT_IMPORT, pv_ctx_actor(ctx)->branch_code, err) != PV_OK)
        return PV_EDENIED;
    if (!y.frozen)
        return pv_error_set(err, PV_ECONFLICT, "list",
                            _("the list of %d for %s is not frozen yet"), y.year, y.province);
    svc_copy(r.code, sizeof r.code, y.code);
    svc_copy(r.province, sizeof r.province, y.province);
    pv_text_fold(y.province, r.pkey, sizeof r.pkey);
    if ((st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    st = load_list(&r, err);
    if (st == PV_OK)
        st = read_reply(&r, path, err);
    if (st == PV_OK) {
        report_missing(&r);
        st = r.oom ? oom(err) : PV_OK;
    }
    if (st == PV_OK && rep->n_items && !apply_matching) {
        rep->rejected = rep->rows;
        st = pv_error_set(err, PV_EINVAL, "csv",
                          _("the reply was not applied: %zu mismatches (nothing changed)"),
                          rep->n_items);
    } else if (st == PV_OK) {
        st = apply_all(&r, rejects_path, err);
    }
    if (st == PV_OK)
        st = pv_tx_commit(ctx, err);
    if (st != PV_OK) {
        pv_tx_rollback(ctx);
        rep->applied = rep->unchanged = 0;
    }
    reply_free(&r);
    return st;
}
