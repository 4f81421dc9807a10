/* parvande — what the four parts of the service-card code share
 * (catalog_parse.c, catalog_check.c, catalog_store.c, catalog_sync.c). */
#ifndef PARVANDE_CATALOG_INTERNAL_H
#define PARVANDE_CATALOG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "svc_internal.h"

/* catalog_parse.c: the card text split into blocks (text is changed in
 * place); PV_EINVAL names origin and line. */
pv_status svc_card_split(char *text, const char *origin, svc_card *c, pv_error *err);
/* An error at a line of a card: PV_EINVAL, naming origin, line and the
 * service code (when known). */
pv_status svc_card_fail(pv_error *err, const char *origin, int line, const char *code,
                        const char *msg);
/* s without its leading and trailing blanks (changed in place). */
char *svc_trim(char *s);
/* A block or fact name: a-z, 0-9 and _. */
bool svc_valid_name(const char *s);

/* catalog_check.c: an amount of rials (any digits, with separators), and a
 * frequency ("none", "once", "N/month", "N/season", "N/year"); false when
 * the text is not one. */
bool svc_parse_money(const char *s, int64_t *out);
bool svc_parse_frequency(const char *s, pv_frequency *f, int *count);

/* catalog_store.c: the card's hash (FNV-1a, hex), and the card stored
 * (inside the caller's transaction); `edited` marks an administrator's. */
void svc_card_hash(const char *text, char out[17]);
pv_status svc_card_store(pv_ctx *ctx, const svc_card *c, const char *text, const char *hash,
                         const char *origin, bool edited, pv_error *err);

#endif
