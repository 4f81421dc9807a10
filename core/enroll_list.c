/* parvande — reading enrollments: lists (by person, by service) and one
 * enrollment in full with its steps, history and documents. */
#include <stdlib.h>
#include <string.h>

#include "parvande/authz.h"
#include "parvande/text.h"
#include "svc_internal.h"

static const char *col(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static pv_enroll_status status_of(const char *s)
{
    for (int i = 0; i <= PV_ENR_WITHDRAWN; i++)
        if (strcmp(pv_enroll_status_name((pv_enroll_status)i), s) == 0)
            return (pv_enroll_status)i;
    return PV_ENR_REQUESTED;
}

#define ENR_SELECT                                                                          \
    "SELECT e.id, e.person_id, p.national_id, p.first_name || ' ' || p.last_name, e.code, " \
    "s.title_fa, s.title_en, e.status, e.step, e.n_steps, "                                 \
    "(SELECT title_fa FROM service_step t WHERE t.code = e.code AND t.seq = e.step), "      \
    "(SELECT title_en FROM service_step t WHERE t.code = e.code AND t.seq = e.step), "      \
    "e.date, e.requested_by, e.approved_by, e.province, e.jyear, e.amount, e.group_key, "   \
    "e.override_by, e.justification, e.note, e.branch_code "                                \
    "FROM enrollment e JOIN person p ON p.id = e.person_id "                                \
    "JOIN service s ON s.code = e.code "

static pv_status read_enrollment(pv_ctx *ctx, sqlite3_stmt *st, pv_enrollment *e)
{
    pv_lang lang = pv_ctx_lang(ctx);
    memset(e, 0, sizeof *e);
    e->id = sqlite3_column_int64(st, 0);
    e->person_id = sqlite3_column_int64(st, 1);
    svc_copy(e->national_id, sizeof e->national_id, col(st, 2));
    svc_copy(e->person_name, sizeof e->person_name, col(st, 3));
    svc_copy(e->code, sizeof e->code, col(st, 4));
    svc_copy(e->service_title, sizeof e->service_title, svc_pick(lang, col(st, 5), col(st, 6)));
    e->status = status_of(col(st, 7));
    e->step = sqlite3_column_int(st, 8);
    e->n_steps = sqlite3_column_int(st, 9);
    svc_copy(e->step_title, sizeof e->step_title, svc_pick(lang, col(st, 10), col(st, 11)));
    svc_copy(e->date, sizeof e->date, col(st, 12));
    svc_copy(e->requested_by, sizeof e->requested_by, col(st, 13));
    svc_copy(e->approved_by, sizeof e->approved_by, col(st, 14));
    svc_copy(e->province, sizeof e->province, col(st, 15));
    e->credit_year = sqlite3_column_int(st, 16);
    e->amount = sqlite3_column_int64(st, 17);
    svc_copy(e->group_key, sizeof e->group_key, col(st, 18));
    svc_copy(e->override_by, sizeof e->override_by, col(st, 19));
    e->overridden = e->override_by[0] != '\0';
    if (sqlite3_column_type(st, 20) != SQLITE_NULL && !(e->justification = strdup(col(st, 20))))
        return PV_EFAIL;
    if (sqlite3_column_type(st, 21) != SQLITE_NULL && !(e->note = strdup(col(st, 21))))
        return PV_EFAIL;
    e->branch_code = sqlite3_column_int64(st, 22);
    return PV_OK;
}

static void enrollment_drop(void *elem)
{
    pv_enrollment *e = elem;
    free(e->justification);
    free(e->note);
}

void pv_enrollments_free(pv_enrollment *arr, size_t n)
{
    if (!arr)
        return;
    for (size_t i = 0; i < n; i++)
        enrollment_drop(&arr[i]);
    free(arr);
}

/* user: the context, for the titles in its language */
static bool enrollment_row(sqlite3_stmt *st, void *elem, void *user)
{
    return read_enrollment(user, st, elem) == PV_OK;
}

static const pv_row_reader enrollment_rows = {sizeof(pv_enrollment), 16, enrollment_row,
                                              enrollment_drop};

pv_status pv_enroll_list(pv_ctx *ctx, const char *national_id, const char *code,
                         pv_enrollment **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    if (pv_authz_check(ctx, PV_ACT_FILE_READ, 0, err) != PV_OK)
        return PV_EDENIED;
    char nid[PV_NATID_SZ] = "", c[PV_CODE_SZ] = "";
    if (national_id && (!pv_digits_ascii(national_id, true, nid, sizeof nid) || strlen(nid) != 10))
        return pv_error_field(err, "national_id", _("ten digits are needed"));
    if (code && !svc_code_norm(code, c))
        return pv_error_field(err, "service", _("not a service code"));
    int64_t branch = pv_authz_all_branches(ctx) ? 0 : pv_ctx_actor(ctx)->branch_code;
    sqlite3_stmt *st;
    if (pv_query(ctx,
                 ENR_SELECT "WHERE (?1 = '' OR p.national_id = ?1) AND (?2 = '' OR e.code = ?2) "
                            "AND (?3 = 0 OR e.branch_code = ?3) ORDER BY e.date DESC, e.id DESC",
                 &st, err, "tti", nid, c, branch)
        != PV_OK)
        return PV_EFAIL;
    pv_status s;
    *out = pv_read_rows(ctx, st, &enrollment_rows, ctx, n, &s, err);
    return s;
}

void pv_enrollment_detail_free(pv_enrollment_detail *d)
{
    if (!d)
        return;
    free(d->e.justification);
    free(d->e.note);
    free(d->steps);
    for (size_t i = 0; i < d->n_events; i++)
        free(d->events[i].note);
    free(d->events);
    free(d->documents);
    free(d);
}

static bool event_row(sqlite3_stmt *st, void *elem, void *user)
{
    (void)user;
    pv_enroll_event *ev = elem;
    svc_copy(ev->at, sizeof ev->at, col(st, 0));
    svc_copy(ev->date, sizeof ev->date, col(st, 1));
    svc_copy(ev->user, sizeof ev->user, col(st, 2));
    svc_copy(ev->kind, sizeof ev->kind, col(st, 3));
    ev->step = sqlite3_column_int(st, 4);
    if (strcmp(ev->kind, "document") == 0 && ev->step < 0) { /* pv_enroll_untick */
        svc_copy(ev->kind, sizeof ev->kind, "untick");
        ev->step = 0;
    }
    return sqlite3_column_type(st, 5) == SQLITE_NULL || (ev->note = strdup(col(st, 5)));
}

static void event_drop(void *elem)
{
    free(((pv_enroll_event *)elem)->note);
}

static const pv_row_reader event_rows = {sizeof(pv_enroll_event), 8, event_row, event_drop};

static pv_status load_events(pv_ctx *ctx, pv_enrollment_detail *d, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_query(ctx,
                 "SELECT at, date, user, kind, step, note FROM enrollment_event "
                 "WHERE enrollment_id = ?1 ORDER BY id",
                 &st, err, "i", d->e.id)
        != PV_OK)
        return PV_EFAIL;
    pv_status s;
    d->events = pv_read_rows(ctx, st, &event_rows, NULL, &d->n_events, &s, err);
    return s;
}

/* user: the context, for the label in its language */
static bool document_row(sqlite3_stmt *st, void *elem, void *user)
{
    pv_enroll_document *doc = elem;
    svc_copy(doc->key, sizeof doc->key, col(st, 0));
    svc_copy(doc->label, sizeof doc->label, svc_pick(pv_ctx_lang(user), col(st, 1), col(st, 2)));
    doc->ticked = sqlite3_column_type(st, 3) != SQLITE_NULL;
    svc_copy(doc->ticked_on, sizeof doc->ticked_on, col(st, 3));
    svc_copy(doc->ticked_by, sizeof doc->ticked_by, col(st, 4));
    return true;
}

static const pv_row_reader document_rows = {sizeof(pv_enroll_document), 4, document_row, NULL};

static pv_status load_documents(pv_ctx *ctx, pv_enrollment_detail *d, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_query(ctx,
                 "SELECT d.key, d.label_fa, d.label_en, t.ticked_on, t.ticked_by "
                 "FROM service_document d LEFT JOIN enrollment_document t ON "
                 "t.enrollment_id = ?2 AND t.doc_key = d.key WHERE d.code = ?1 ORDER BY d.seq",
                 &st, err, "ti", d->e.code, d->e.id)
        != PV_OK)
        return PV_EFAIL;
    pv_status s;
    d->documents = pv_read_rows(ctx, st, &document_rows, ctx, &d->n_documents, &s, err);
    return s;
}

pv_status pv_enroll_get(pv_ctx *ctx, pv_id id, pv_enrollment_detail **out, pv_error *err)
{
    *out = NULL;
    pv_enrollment_detail *d = calloc(1, sizeof *d);
    if (!d)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    sqlite3_stmt *st;
    if (pv_stmt(ctx, ENR_SELECT "WHERE e.id = ?1", &st, err) != PV_OK) {
        free(d);
        return PV_EFAIL;
    }
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    pv_status s = PV_OK;
    if (rc == SQLITE_ROW)
        s = read_enrollment(ctx, st, &d->e);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE ||
        (s == PV_OK && rc == SQLITE_ROW && pv_authz_hidden(ctx, PV_ACT_FILE_READ, d->e.branch_code)))
        s = pv_error_set(err, PV_ENOTFOUND, "enrollment", _("%lld: no such enrollment"),
                         (long long)id);
    else if (rc != SQLITE_ROW)
        s = pv_db_error(ctx, err);
    if (s == PV_OK)
        s = pv_authz_check(ctx, PV_ACT_FILE_READ, d->e.branch_code, err);
    size_t n;
    if (s == PV_OK)
        s = pv_service_steps(ctx, d->e.code, &d->steps, &n, err);
    if (s == PV_OK)
        s = load_events(ctx, d, err);
    if (s == PV_OK)
        s = load_documents(ctx, d, err);
    if (s != PV_OK) {
        pv_enrollment_detail_free(d);
        return s;
    }
    *out = d;
    return PV_OK;
}
