/* parvande — what groups.c, courses.c and inquiries.c share: small helpers
 * over the services module's internals. Not part of the public API. */
#ifndef PARVANDE_GRP_INTERNAL_H
#define PARVANDE_GRP_INTERNAL_H

#include "parvande/groups.h"
#include "parvande/text.h"
#include "svc_internal.h"

/* A column's text, "" for NULL. */
const char *grp_col(sqlite3_stmt *st, int i);

/* The person with this national ID (ASCII or Persian digits): id, branch,
 * normalised ID. PV_EINVAL / PV_ENOTFOUND name "national_id". */
pv_status grp_person(pv_ctx *ctx, const char *national_id, pv_id *id, int64_t *branch,
                     char nid[PV_NATID_SZ], pv_error *err);

/* Optional text normalised into out ("" stays ""); PV_EINVAL names field. */
pv_status grp_text(const char *in, pv_text_kind kind, const char *field, char *out,
                   size_t size, pv_error *err);

/* A required one-line text (a name, a title). */
pv_status grp_required(const char *in, const char *field, char *out, size_t size,
                       pv_error *err);

/* The stored card text of a service, parsed. PV_ENOTFOUND names "service". */
pv_status grp_card_load(pv_ctx *ctx, const char *code, svc_card *out, pv_error *err);

/* A header value of a card as a whole number >= 0; -1 when absent or bad. */
long grp_card_number(const svc_card *c, const char *key);

/* Commits when st is PV_OK, else rolls back; returns the final status. */
pv_status grp_finish(pv_ctx *ctx, pv_status st, pv_error *err);
/* grp_finish for a transaction that made a record: once committed, its
 * new id is given to *id_out (when not NULL). */
pv_status grp_finish_new(pv_ctx *ctx, pv_status st, pv_id id, pv_id *id_out, pv_error *err);

/* The credit of (code, province key, Jalali year): charges `amount`
 * (refused naming the credit rule when it would overspend) or releases it. */
pv_status grp_credit_charge(pv_ctx *ctx, const char *code, const char *province_key,
                            const char *province, int year, int64_t amount, pv_error *err);
pv_status grp_credit_release(pv_ctx *ctx, const char *code, const char *province_key,
                             int year, int64_t amount, pv_error *err);

#endif
