/* parvande — the yearly insurance cycle (include/parvande/insurance.h):
 * the frozen list, the credit and contract, the export for the insurer,
 * the policies back (all or nothing), claims and the numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/authz.h"
#include "parvande/calendar.h"
#include "parvande/csv.h"
#include "parvande/insurance.h"
#include "parvande/text.h"
#include "parvande/validate.h"
#include "insurance_internal.h"
#include "svc_internal.h"

static const char *col(sqlite3_stmt *q, int i)
{
    const char *s = (const char *)sqlite3_column_text(q, i);
    return s ? s : "";
}

static pv_status oom(pv_error *err)
{
    return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
}

static int64_t actor_branch(pv_ctx *ctx)
{
    const pv_actor *a = pv_ctx_actor(ctx);
    return a->branch_code ? a->branch_code : pv_ctx_branch(ctx);
}

bool ins_date(const char *in, const char *field, const char *label, char out[11],
              pv_error *err)
{
    pv_error e = PV_ERROR_INIT;
    if (pv_date_parse(in, field, out, &e) == PV_OK)
        return true;
    const char *msg = e.message ? e.message : "";
    const char *reason = strstr(msg, ": ");
    pv_error_set(err, PV_EINVAL, field, _("%s: %s"), label, reason ? reason + 2 : msg);
    pv_error_clear(&e);
    return false;
}

pv_status pv_ins_parse_year(const char *text, int *out, pv_error *err)
{
    char digits[8];
    if (!text || !pv_digits_ascii(text, false, digits, sizeof digits) || strlen(digits) != 4
        || atoi(digits) < 1300 || atoi(digits) > 1500)
        return pv_error_set(err, PV_EINVAL, "year", _("%s: %s"), _("Year"),
                            _("a Jalali year such as 1404"));
    *out = atoi(digits);
    return PV_OK;
}

pv_status pv_ins_default_service(pv_ctx *ctx, char code[PV_CODE_SZ], pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT code FROM service WHERE frequency = 'year' AND freq_count = 1 "
                "AND per_capita > 0 ORDER BY code LIMIT 1",
                &q, err) != PV_OK)
        return PV_EFAIL;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        svc_copy(code, PV_CODE_SZ, col(q, 0));
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "service", "%s",
                            _("no service of the catalog is insured once a year with a "
                              "per-capita cost: name one with --service CODE"));
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

/* The key of one insurance year: the service code, year and province as
 * typed, normalised, and the province's folded key. */
typedef struct ins_key {
    char code[PV_CODE_SZ];
    int year;
    char province[PV_NAME_SZ], pkey[PV_NAME_SZ];
} ins_key;

static pv_status key_of(const char *code, int year, const char *province, ins_key *k,
                        pv_error *err)
{
    memset(k, 0, sizeof *k);
    if (!code || !svc_code_norm(code, k->code))
        return pv_error_set(err, PV_EINVAL, "service", _("%s: %s"), pv_field_label("service"),
                            _("not a service code"));
    if (year < 1300 || year > 1500)
        return pv_error_set(err, PV_EINVAL, "year", _("%s: %s"), _("Year"),
                            _("a Jalali year such as 1404"));
    k->year = year;
    if (!province
        || pv_text_normalize(province, PV_TEXT_LINE, "province", k->province, sizeof k->province,
                             err) != PV_OK)
        return PV_EINVAL;
    if (!k->province[0])
        return pv_error_field(err, "province", _("it is required"));
    pv_text_fold(k->province, k->pkey, sizeof k->pkey);
    return PV_OK;
}

static void bind_key(sqlite3_stmt *q, const ins_key *k)
{
    sqlite3_bind_text(q, 1, k->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 2, k->year);
    sqlite3_bind_text(q, 3, k->pkey, -1, SQLITE_TRANSIENT);
}

/* Whether the year's list is frozen. */
static pv_status is_frozen(pv_ctx *ctx, const ins_key *k, bool *frozen, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT frozen_on <> '' FROM insurance_year WHERE code = ?1 AND year = ?2 AND "
                "province_key = ?3",
                &q, err) != PV_OK)
        return PV_EFAIL;
    bind_key(q, k);
    int rc = sqlite3_step(q);
    *frozen = rc == SQLITE_ROW && sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status need_frozen(pv_ctx *ctx, const ins_key *k, pv_error *err)
{
    bool frozen;
    pv_status st = is_frozen(ctx, k, &frozen, err);
    if (st == PV_OK && !frozen)
        return pv_error_set(err, PV_ECONFLICT, "list",
                            _("the list of %d for %s is not frozen yet"), k->year, k->province);
    return st;
}

static pv_status step_done(pv_ctx *ctx, sqlite3_stmt *q, pv_error *err)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* Commits when st is PV_OK, else rolls back; returns the outcome. */
static pv_status finish(pv_ctx *ctx, pv_status st, pv_error *err)
{
    if (st == PV_OK)
        st = pv_tx_commit(ctx, err);
    if (st != PV_OK)
        pv_tx_rollback(ctx);
    return st;
}

/* ---- freezing the list ---- */

typedef struct id_list {
    pv_id *v;
    size_t n, cap;
    const char *pkey;
    bool oom;
} id_list;

static int collect(void *user, const pv_eligible_row *row)
{
    id_list *l = user;
    char key[PV_NAME_SZ];
    pv_text_fold(row->province, key, sizeof key);
    if (strcmp(key, l->pkey) != 0)
        return 0;
    pv_id *grown = svc_grow(l->v, l->n, &l->cap, sizeof *grown, 256);
    if (!grown) {
        l->oom = true;
        return 1;
    }
    l->v = grown;
    l->v[l->n++] = row->person_id;
    return 0;
}

/* Adds one person to the list as they are now (the snapshot). */
static pv_status snapshot(pv_ctx *ctx, const ins_key *k, pv_id person, bool late,
                          const char *reason, pv_error *err)
{
    pv_id id;
    pv_status st = pv_next_id(ctx, "insurance_member", &id, err);
    sqlite3_stmt *q;
    if (st != PV_OK
        || (st = pv_stmt(ctx,
                         "INSERT INTO insurance_member (id, code, year, province_key, person_id, "
                         "national_id, first_name, last_name, father_name, birth_date, gender, "
                         "guardianship, province, county, late, change_reason) "
                         "SELECT ?4, ?1, ?2, ?3, id, national_id, first_name, last_name, "
                         "father_name, birth_date, gender, guardianship, province, county, ?6, ?7 "
                         "FROM person WHERE id = ?5 "
                         "ON CONFLICT (code, year, province_key, person_id) DO UPDATE SET "
                         "listed = 1, change_reason = ?7",
                         &q, err)) != PV_OK)
        return st;
    bind_key(q, k);
    sqlite3_bind_int64(q, 4, id);
    sqlite3_bind_int64(q, 5, person);
    sqlite3_bind_int(q, 6, late);
    sqlite3_bind_text(q, 7, reason ? reason : "", -1, SQLITE_TRANSIENT);
    return step_done(ctx, q, err);
}

static pv_status mark_frozen(pv_ctx *ctx, const ins_key *k, const char *date, pv_error *err)
{
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "INSERT INTO insurance_year (code, year, province_key, province, branch_code, "
                "frozen_on, frozen_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                "ON CONFLICT (code, year, province_key) DO UPDATE SET frozen_on = ?6, "
                "frozen_by = ?7",
                &q, err) != PV_OK)
        return PV_EFAIL;
    bind_key(q, k);
    sqlite3_bind_text(q, 4, k->province, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 5, actor_branch(ctx));
    sqlite3_bind_text(q, 6, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 7, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    return step_done(ctx, q, err);
}

pv_status pv_ins_freeze(pv_ctx *ctx, const char *code, int year, const char *province,
                        const char *date, size_t *listed, pv_error *err)
{
    if (listed)
        *listed = 0;
    ins_key k;
    pv_status st = key_of(code, year, province, &k, err);
    if (st != PV_OK)
        return st;
    if (pv_authz_check(ctx, PV_ACT_ENROLL_APPROVE, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    char on[PV_DATE_SZ];
    if (date && *date) {
        if ((st = pv_date_parse(date, "date", on, err)) != PV_OK)
            return st;
    } else {
        pv_today(on);
    }
    if ((st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    bool frozen = false;
    if ((st = is_frozen(ctx, &k, &frozen, err)) == PV_OK && frozen)
        st = pv_error_set(err, PV_ECONFLICT, "list", _("the list of %d for %s is already frozen"),
                          k.year, k.province);
    id_list l = {.pkey = k.pkey};
    if (st == PV_OK)
        st = pv_eligible_scan(ctx, k.code, on, collect, &l, NULL, err);
    if (st == PV_OK && l.oom)
        st = oom(err);
    for (size_t i = 0; st == PV_OK && i < l.n; i++)
        st = snapshot(ctx, &k, l.v[i], false, NULL, err);
    if (st == PV_OK)
        st = mark_frozen(ctx, &k, on, err);
    free(l.v);
    st = finish(ctx, st, err);
    if (st == PV_OK && listed)
        *listed = l.n;
    return st;
}

/* ---- changing a frozen list ---- */

static pv_status person_of(pv_ctx *ctx, const char *national_id, pv_id *id, char *pkey,
                           size_t size, pv_error *err)
{
    char nid[PV_NATID_SZ];
    pv_status st = pv_natid_parse(national_id, "national_id", nid, err);
    if (st != PV_OK)
        return st;
    sqlite3_stmt *q;
    if (pv_stmt(ctx, "SELECT id, province FROM person WHERE national_id = ?1", &q, err) != PV_OK)
        return PV_EFAIL;
    sqlite3_bind_text(q, 1, nid, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        pv_text_fold(col(q, 1), pkey, size);
    }
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return pv_error_set(err, PV_ENOTFOUND, "national_id", _("%s: no such person"), nid);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

static pv_status change_list(pv_ctx *ctx, const char *code, int year, const char *province,
                             const char *national_id, const char *reason_in, bool add,
                             pv_error *err)
{
    ins_key k;
    pv_status st = key_of(code, year, province, &k, err);
    if (st != PV_OK)
        return st;
    if (pv_authz_check(ctx, PV_ACT_ENROLL_APPROVE, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    char reason[PV_NAME_SZ] = "";
    if (reason_in
        && pv_text_normalize(reason_in, PV_TEXT_LINE, "reason", reason, sizeof reason, err)
               != PV_OK)
        return PV_EINVAL;
    if (!reason[0])
        return pv_error_set(err, PV_EINVAL, "reason", _("%s: %s"), _("Reason"),
                            _("a change to a frozen list needs a reason"));
    if ((st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    pv_id pid = 0;
    char pkey[PV_NAME_SZ] = "";
    st = need_frozen(ctx, &k, err);
    if (st == PV_OK)
        st = person_of(ctx, national_id, &pid, pkey, sizeof pkey, err);
    if (st == PV_OK && add && strcmp(pkey, k.pkey) != 0)
        st = pv_error_set(err, PV_EINVAL, "province", _("%s: %s"), pv_field_label("province"),
                          _("the child is of another province"));
    if (st == PV_OK && add) {
        st = snapshot(ctx, &k, pid, true, reason, err);
    } else if (st == PV_OK) {
        sqlite3_stmt *q;
        if ((st = pv_stmt(ctx,
                          "UPDATE insurance_member SET listed = 0, change_reason = ?5 "
                          "WHERE code = ?1 AND year = ?2 AND province_key = ?3 "
                          "AND person_id = ?4 AND listed = 1",
                          &q, err)) == PV_OK) {
            bind_key(q, &k);
            sqlite3_bind_int64(q, 4, pid);
            sqlite3_bind_text(q, 5, reason, -1, SQLITE_TRANSIENT);
            st = step_done(ctx, q, err);
        }
        if (st == PV_OK && sqlite3_changes(ctx->db) == 0)
            st = pv_error_set(err, PV_ENOTFOUND, "national_id",
                              _("%s is not on the list"), national_id);
    }
    return finish(ctx, st, err);
}

pv_status pv_ins_add(pv_ctx *ctx, const char *code, int year, const char *province,
                     const char *national_id, const char *reason, pv_error *err)
{
    return change_list(ctx, code, year, province, national_id, reason, true, err);
}

pv_status pv_ins_remove(pv_ctx *ctx, const char *code, int year, const char *province,
                        const char *national_id, const char *reason, pv_error *err)
{
    return change_list(ctx, code, year, province, national_id, reason, false, err);
}

/* ---- the contract ---- */

pv_status pv_ins_contract(pv_ctx *ctx, const char *code, int year, const char *province,
                          const char *insurer_in, const char *number_in, const char *start_in,
                          const char *end_in, int64_t premium, pv_error *err)
{
    ins_key k;
    pv_status st = key_of(code, year, province, &k, err);
    if (st != PV_OK)
        return st;
    if (pv_authz_check(ctx, PV_ACT_CREDIT_ADMIN, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    char insurer[PV_NAME_SZ] = "", number[PV_NAME_SZ] = "", start[PV_DATE_SZ], end[PV_DATE_SZ];
    if ((insurer_in && pv_text_normalize(insurer_in, PV_TEXT_LINE, "insurer", insurer,
                                         sizeof insurer, err) != PV_OK)
        || (number_in && pv_text_normalize(number_in, PV_TEXT_LINE, "contract", number,
                                           sizeof number, err) != PV_OK))
        return PV_EINVAL;
    if (!insurer[0])
        return pv_error_set(err, PV_EINVAL, "insurer", _("%s: %s"), _("Insurer"),
                            _("it is required"));
    if (!number[0])
        return pv_error_set(err, PV_EINVAL, "contract", _("%s: %s"), _("Contract number"),
                            _("it is required"));
    if (!ins_date(start_in, "start", _("Contract start"), start, err)
        || !ins_date(end_in, "end", _("Contract end"), end, err))
        return PV_EINVAL;
    if (strcmp(end, start) < 0)
        return pv_error_set(err, PV_EINVAL, "end", _("%s: %s"), _("Contract end"),
                            _("it is before the start"));
    if (premium < 0)
        return pv_error_set(err, PV_EINVAL, "premium", _("%s: %s"), _("Premium"),
                            _("it cannot be negative"));
    if ((st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    sqlite3_stmt *q;
    if ((st = pv_stmt(ctx,
                      "INSERT INTO insurance_year (code, year, province_key, province, "
                      "branch_code, insurer, contract_no, contract_start, contract_end, premium) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                      "ON CONFLICT (code, year, province_key) DO UPDATE SET insurer = ?6, "
                      "contract_no = ?7, contract_start = ?8, contract_end = ?9, premium = ?10",
                      &q, err)) == PV_OK) {
        bind_key(q, &k);
        sqlite3_bind_text(q, 4, k.province, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(q, 5, actor_branch(ctx));
        sqlite3_bind_text(q, 6, insurer, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 7, number, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 8, start, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 9, end, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(q, 10, premium);
        st = step_done(ctx, q, err);
    }
    return finish(ctx, st, err);
}

/* ---- reading ---- */

#define YEAR_COLUMNS                                                                        \
    "y.code, y.year, y.province, y.frozen_on, y.frozen_by, y.insurer, y.contract_no, "    \
    "y.contract_start, y.contract_end, y.premium, y.exported_on, y.policies_on, "          \
    "(SELECT count(*) FROM insurance_member m WHERE m.code = y.code AND m.year = y.year "  \
    "  AND m.province_key = y.province_key AND m.listed), "                               \
    "(SELECT count(*) FROM insurance_member m WHERE m.code = y.code AND m.year = y.year "  \
    "  AND m.province_key = y.province_key AND NOT m.listed), "                           \
    "(SELECT count(*) FROM insurance_member m WHERE m.code = y.code AND m.year = y.year "  \
    "  AND m.province_key = y.province_key AND m.listed AND m.late), "                    \
    "(SELECT count(*) FROM insurance_member m WHERE m.code = y.code AND m.year = y.year "  \
    "  AND m.province_key = y.province_key AND m.listed AND m.policy_no <> ''), "         \
    "(SELECT count(*) FROM insurance_claim c JOIN insurance_member m ON m.id = c.member_id " \
    "  WHERE m.code = y.code AND m.year = y.year AND m.province_key = y.province_key), "   \
    "(SELECT per_capita FROM service s WHERE s.code = y.code), "                           \
    "(SELECT amount FROM credit c WHERE c.code = y.code AND c.province_key = y.province_key " \
    "  AND c.year = y.year) "                                                              \
    "FROM insurance_year y "

static void year_from_row(sqlite3_stmt *q, pv_ins_year *y)
{
    memset(y, 0, sizeof *y);
    svc_copy(y->code, sizeof y->code, col(q, 0));
    y->year = sqlite3_column_int(q, 1);
    svc_copy(y->province, sizeof y->province, col(q, 2));
    svc_copy(y->frozen_on, sizeof y->frozen_on, col(q, 3));
    y->frozen = y->frozen_on[0] != '\0';
    svc_copy(y->frozen_by, sizeof y->frozen_by, col(q, 4));
    svc_copy(y->insurer, sizeof y->insurer, col(q, 5));
    svc_copy(y->contract_no, sizeof y->contract_no, col(q, 6));
    svc_copy(y->contract_start, sizeof y->contract_start, col(q, 7));
    svc_copy(y->contract_end, sizeof y->contract_end, col(q, 8));
    y->premium = sqlite3_column_int64(q, 9);
    svc_copy(y->exported_on, sizeof y->exported_on, col(q, 10));
    svc_copy(y->policies_on, sizeof y->policies_on, col(q, 11));
    y->listed = sqlite3_column_int(q, 12);
    y->removed = sqlite3_column_int(q, 13);
    y->added = sqlite3_column_int(q, 14);
    y->insured = sqlite3_column_int(q, 15);
    y->claims = sqlite3_column_int(q, 16);
    y->per_capita = sqlite3_column_int64(q, 17);
    y->has_credit = sqlite3_column_type(q, 18) != SQLITE_NULL;
    y->credit = sqlite3_column_int64(q, 18);
    y->needed = y->per_capita * y->listed;
    y->shortfall = y->needed > y->credit ? y->needed - y->credit : 0;
}

static bool year_row(sqlite3_stmt *st, void *elem, void *user)
{
    (void)user;
    year_from_row(st, elem);
    return true;
}

static const pv_row_reader year_rows = {sizeof(pv_ins_year), 4, year_row, NULL};

/* A year never frozen and without a contract: its credit alone. */
static pv_status credit_only(pv_ctx *ctx, const ins_key *k, pv_ins_year *y, pv_error *err)
{
    memset(y, 0, sizeof *y);
    svc_copy(y->code, sizeof y->code, k->code);
    y->year = k->year;
    svc_copy(y->province, sizeof y->province, k->province);
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT (SELECT per_capita FROM service WHERE code = ?1), (SELECT amount FROM "
                "credit WHERE code = ?1 AND province_key = ?3 AND year = ?2)",
                &q, err) != PV_OK)
        return PV_EFAIL;
    bind_key(q, k);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        y->per_capita = sqlite3_column_int64(q, 0);
        y->has_credit = sqlite3_column_type(q, 1) != SQLITE_NULL;
        y->credit = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_ins_get(pv_ctx *ctx, const char *code, int year, const char *province,
                     pv_ins_year *out, pv_error *err)
{
    ins_key k;
    pv_status st = key_of(code, year, province, &k, err);
    if (st != PV_OK)
        return st;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT " YEAR_COLUMNS
                "WHERE y.code = ?1 AND y.year = ?2 AND y.province_key = ?3",
                &q, err) != PV_OK)
        return PV_EFAIL;
    bind_key(q, &k);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        year_from_row(q, out);
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return credit_only(ctx, &k, out, err);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

pv_status pv_ins_years(pv_ctx *ctx, const char *code, int year, pv_ins_year **out, size_t *n,
                       pv_error *err)
{
    *out = NULL;
    *n = 0;
    char c[PV_CODE_SZ];
    if (!code || !svc_code_norm(code, c))
        return pv_error_set(err, PV_EINVAL, "service", _("%s: %s"), pv_field_label("service"),
                            _("not a service code"));
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    sqlite3_stmt *q;
    if (pv_query(ctx,
                 "SELECT " YEAR_COLUMNS "WHERE y.code = ?1 AND y.year = ?2 "
                 "AND (?3 OR y.branch_code = ?4) ORDER BY y.province_key",
                 &q, err, "tnni", c, year, pv_authz_all_branches(ctx), actor_branch(ctx))
        != PV_OK)
        return PV_EFAIL;
    pv_status s;
    *out = pv_read_rows(ctx, q, &year_rows, NULL, n, &s, err);
    return s;
}

static void member_from_row(sqlite3_stmt *q, pv_ins_member *m)
{
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(q, 0);
    m->person_id = sqlite3_column_int64(q, 1);
    svc_copy(m->national_id, sizeof m->national_id, col(q, 2));
    svc_copy(m->first_name, sizeof m->first_name, col(q, 3));
    svc_copy(m->last_name, sizeof m->last_name, col(q, 4));
    svc_copy(m->father_name, sizeof m->father_name, col(q, 5));
    svc_copy(m->birth_date, sizeof m->birth_date, col(q, 6));
    svc_copy(m->gender, sizeof m->gender, col(q, 7));
    svc_copy(m->guardianship, sizeof m->guardianship, col(q, 8));
    svc_copy(m->province, sizeof m->province, col(q, 9));
    svc_copy(m->county, sizeof m->county, col(q, 10));
    m->listed = sqlite3_column_int(q, 11) != 0;
    m->late = sqlite3_column_int(q, 12) != 0;
    svc_copy(m->change_reason, sizeof m->change_reason, col(q, 13));
    svc_copy(m->policy_no, sizeof m->policy_no, col(q, 14));
    svc_copy(m->policy_start, sizeof m->policy_start, col(q, 15));
    svc_copy(m->policy_end, sizeof m->policy_end, col(q, 16));
    m->claims = sqlite3_column_int(q, 17);
}

static bool member_row(sqlite3_stmt *st, void *elem, void *user)
{
    (void)user;
    member_from_row(st, elem);
    return true;
}

static const pv_row_reader member_rows = {sizeof(pv_ins_member), 16, member_row, NULL};

pv_status pv_ins_members(pv_ctx *ctx, const char *code, int year, const char *province,
                         pv_ins_member **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    ins_key k;
    pv_status st = key_of(code, year, province, &k, err);
    if (st != PV_OK)
        return st;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "SELECT id, person_id, national_id, first_name, last_name, father_name, "
                "birth_date, gender, guardianship, province, county, listed, late, "
                "change_reason, policy_no, policy_start, policy_end, "
                "(SELECT count(*) FROM insurance_claim c WHERE c.member_id = m.id) "
                "FROM insurance_member m WHERE code = ?1 AND year = ?2 AND province_key = ?3 "
                "ORDER BY listed DESC, last_name, first_name, id",
                &q, err) != PV_OK)
        return PV_EFAIL;
    bind_key(q, &k);
    pv_status s;
    *out = pv_read_rows(ctx, q, &member_rows, NULL, n, &s, err);
    return s;
}

/* ---- the export ---- */

/* One TSV cell: tabs and line breaks become spaces. */
static void tsv_cell(FILE *f, const char *s, bool last)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
    fputc(last ? '\n' : '\t', f);
}

static int write_row(FILE *f, pv_ins_format fmt, const char *const *v, size_t n)
{
    if (fmt == PV_INS_CSV)
        return pv_csv_write_row(f, v, n);
    for (size_t i = 0; i < n; i++)
        tsv_cell(f, v[i], i + 1 == n);
    return ferror(f) ? -1 : 0;
}

pv_status pv_ins_export(pv_ctx *ctx, const char *code, int year, const char *province,
                        pv_ins_format fmt, FILE *f, size_t *rows, pv_error *err)
{
    if (rows)
        *rows = 0;
    pv_ins_year y;
    pv_status st = pv_ins_get(ctx, code, year, province, &y, err);
    if (st != PV_OK)
        return st;
    if (!y.frozen)
        return pv_error_set(err, PV_ECONFLICT, "list",
                            _("the list of %d for %s is not frozen yet"), y.year, y.province);
    if (!y.contract_no[0])
        return pv_error_set(err, PV_ECONFLICT, "contract",
                            _("the contract of %d for %s is not recorded yet"), y.year,
                            y.province);
    pv_ins_member *m;
    size_t n;
    if ((st = pv_ins_members(ctx, code, year, province, &m, &n, err)) != PV_OK)
        return st;
    static const char *const header[] = {"national_id", "first_name", "last_name",
                                         "father_name", "birth_date_jalali", "birth_date",
                                         "gender", "guardianship", "province", "county",
                                         "contract_no"};
    int bad = fmt == PV_INS_CSV ? fputs("\xEF\xBB\xBF", f) < 0 : 0;
    bad |= write_row(f, fmt, header, 11);
    size_t count = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        if (!m[i].listed)
            continue;
        char jalali[PV_DATE_SZ] = "";
        pv_date_to_jalali_text(m[i].birth_date, jalali);
        const char *v[] = {m[i].national_id, m[i].first_name, m[i].last_name, m[i].father_name,
                           jalali, m[i].birth_date, m[i].gender, m[i].guardianship,
                           m[i].province, m[i].county, y.contract_no};
        bad |= write_row(f, fmt, v, 11);
        count++;
    }
    free(m);
    if (bad || fflush(f) != 0)
        return pv_error_set(err, PV_EFAIL, "export", "%s", _("the export could not be written"));
    char today[PV_DATE_SZ];
    pv_today(today);
    ins_key k;
    key_of(code, year, province, &k, NULL);
    sqlite3_stmt *q;
    if (pv_stmt(ctx,
                "UPDATE insurance_year SET exported_on = ?4 WHERE code = ?1 AND year = ?2 AND "
                "province_key = ?3",
                &q, err) != PV_OK)
        return PV_EFAIL;
    bind_key(q, &k);
    sqlite3_bind_text(q, 4, today, -1, SQLITE_TRANSIENT);
    if ((st = step_done(ctx, q, err)) == PV_OK && rows)
        *rows = count;
    return st;
}

/* ---- claims ---- */

pv_status pv_ins_claim(pv_ctx *ctx, const char *code, int year, const char *national_id,
                       const char *date, const char *note_in, pv_error *err)
{
    char c[PV_CODE_SZ], nid[PV_NATID_SZ], on[PV_DATE_SZ], note[PV_ADDR_SZ] = "";
    if (!code || !svc_code_norm(code, c))
        return pv_error_set(err, PV_EINVAL, "service", _("%s: %s"), pv_field_label("service"),
                            _("not a service code"));
    pv_status st = pv_natid_parse(national_id, "national_id", nid, err);
    if (st != PV_OK)
        return st;
    if (date && *date) {
        if ((st = pv_date_parse(date, "date", on, err)) != PV_OK)
            return st;
    } else {
        pv_today(on);
    }
    if (note_in && pv_text_normalize(note_in, PV_TEXT_LINE, "note", note, sizeof note, err)
                       != PV_OK)
        return PV_EINVAL;
    if (!note[0])
        return pv_error_set(err, PV_EINVAL, "note", _("%s: %s"), _("Claim"), _("it is required"));
    if (pv_authz_check(ctx, PV_ACT_FILE_WRITE, actor_branch(ctx), err) != PV_OK)
        return PV_EDENIED;
    if ((st = pv_tx_begin(ctx, err)) != PV_OK)
        return st;
    sqlite3_stmt *q;
    pv_id id; /* branch-unique: claims travel to the province */
    if ((st = pv_next_id(ctx, "insurance_claim", &id, err)) == PV_OK &&
        (st = pv_stmt(ctx,
                      "INSERT INTO insurance_claim (member_id, date, note, noted_by, id) "
                      "SELECT id, ?4, ?5, ?6, ?7 FROM insurance_member WHERE code = ?1 "
                      "AND year = ?2 AND national_id = ?3 AND listed LIMIT 1",
                      &q, err)) == PV_OK) {
        sqlite3_bind_int64(q, 7, id);
        sqlite3_bind_text(q, 1, c, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(q, 2, year);
        sqlite3_bind_text(q, 3, nid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 4, on, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 5, note, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(q, 6, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
        st = step_done(ctx, q, err);
    }
    if (st == PV_OK && sqlite3_changes(ctx->db) == 0)
        st = pv_error_set(err, PV_ENOTFOUND, "national_id", _("%s is not on the list of %d"), nid,
                          year);
    return finish(ctx, st, err);
}
