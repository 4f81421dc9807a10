/* parvande — what the services module's files share (catalog.c, facts.c,
 * eligibility.c, enroll.c). Not part of the public API. */
#ifndef PARVANDE_SVC_INTERNAL_H
#define PARVANDE_SVC_INTERNAL_H

#include <stdlib.h>

#include "internal.h"
#include "parvande/records.h"
#include "parvande/rules.h"
#include "parvande/services.h"

/* ---- a card file, parsed (catalog.c) ---- */

typedef struct svc_kv {
    char *key;   /* owned */
    char *value; /* owned */
    int line;
} svc_kv;

typedef struct svc_block {
    char *type;  /* owned: "" for the header, "criterion", "step", ... */
    char *name;  /* owned: the word after the type, "" if none */
    svc_kv *kv;  /* owned */
    size_t n, cap;
    int line;
} svc_block;

typedef struct svc_card {
    svc_block *blocks; /* blocks[0] is the header */
    size_t n, cap;
} svc_card;

/* Parses and fully validates card text: structure, known keys, values,
 * and compiles every rule. PV_EINVAL names origin, line, service and
 * criterion. */
pv_status svc_card_parse(const char *text, const char *origin, svc_card *out, pv_error *err);
void svc_card_free(svc_card *c);
/* The first value of `key` in a block, or NULL. */
const char *svc_get(const svc_block *b, const char *key);
/* The value of "key.fa"/"key.en" in the language (English falls back to Persian). */
const char *svc_get_lang(const svc_block *b, const char *base, pv_lang lang);

/* Picks the English text when the language is English and it is not
 * empty, else the Persian. */
const char *svc_pick(pv_lang lang, const char *fa, const char *en);

/* Copies with truncation at a UTF-8 character boundary. */
void svc_copy(char *dst, size_t size, const char *src);

/* The core's growth helper (core/internal.h), by its older name. */
#define svc_grow pv_grow

/* ---- a service ready to check (eligibility.c) ---- */

typedef struct svc_criterion {
    char key[PV_KEY_SZ];
    char *label_fa, *label_en, *reason_fa, *reason_en; /* owned */
    pv_rule *rule;                                     /* owned */
} svc_criterion;

typedef struct svc_service {
    pv_service_info info;
    svc_criterion *crit; /* owned */
    size_t n_crit;
    unsigned uses;       /* union of pv_rule_uses */
    const char *keys[64];/* fact keys the rules read (pointers into the rules) */
    size_t n_keys;
} svc_service;

/* Loads a service's row and compiles its criteria. PV_ENOTFOUND names
 * "service". */
pv_status svc_service_load(pv_ctx *ctx, const char *code, svc_service **out, pv_error *err);
void svc_service_free(svc_service *s);

/* Reads the service row into info (without the criteria). */
pv_status svc_info_load(pv_ctx *ctx, const char *code, pv_service_info *out, pv_error *err);

/* Normalises a typed service code (Persian digits to ASCII, trimmed).
 * False if it cannot be a code. */
bool svc_code_norm(const char *in, char out[PV_CODE_SZ]);

/* ---- one person's facts (facts.c) ---- */

typedef struct svc_facts {
    pv_rule_facts f;
    pv_file_view *view; /* owned */
    pv_id person_id;
    int64_t branch_code;
    pv_fact *facts;     /* owned; recorded facts, sorted by key */
    size_t n_facts;
} svc_facts;

/* Loads the person's file and recorded facts (PV_ACT_FILE_READ). */
pv_status svc_facts_load(pv_ctx *ctx, const char *national_id, svc_facts *out, pv_error *err);
/* Fills the date-dependent and service-dependent facts: age on `date`,
 * enrollments of `code` in the periods of `date`, not counting the
 * enrollment `exclude` (0: none; a recheck must not count itself). */
pv_status svc_facts_for(pv_ctx *ctx, svc_facts *sf, const char *code, const char *date,
                        pv_id exclude, pv_error *err);
void svc_facts_free(svc_facts *sf);
/* The fact lookup used by pv_rule_facts over a sorted pv_fact array. */
const char *svc_fact_lookup(void *user, const char *key);

/* ---- eligibility over loaded facts (eligibility.c) ---- */

/* Evaluates every criterion into a new pv_eligibility (caller frees). */
pv_status svc_evaluate(pv_ctx *ctx, const svc_service *s, const svc_facts *sf,
                       const char *date, pv_eligibility **out, pv_error *err);

/* ---- groups, courses, inquiries (core/inquiries.c) ---- */

/* What is wrong with block i of a card for the records of groups, courses
 * and inquiries (a [gate]'s step and rule, a [link]'s key, the header's
 * course figures), as a translated message; NULL when nothing is. */
const char *svc_groups_check_block(const svc_card *c, size_t i);

/* Refuses (PV_ECONFLICT naming the gate's reason) when a [gate] of the
 * service for `step` does not hold for the person on `date`. */
pv_status svc_gate_check(pv_ctx *ctx, const char *code, int step, const char *national_id,
                         const char *date, pv_error *err);

/* Resolves NULL/"" to today, or checks an ISO date. */
pv_status svc_date(const char *in, char out[PV_DATE_SZ], pv_error *err);

#endif
