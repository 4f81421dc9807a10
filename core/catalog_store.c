/* parvande — service card files, part 3: a checked card stored in the
 * catalog tables (the service row and its criteria, steps and documents),
 * and loading one card by hand. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "parvande/authz.h"

/* ---- storing ------------------------------------------------------------ */

void svc_card_hash(const char *text, char out[17])
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a: enough to notice a changed file */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static const char *frequency_code(pv_frequency f)
{
    static const char *codes[] = {"none", "once", "month", "season", "year"};
    return codes[f];
}

static pv_status exec_bind(pv_ctx *ctx, const char *sql, const char *code, pv_error *err)
{
    return pv_run(ctx, sql, err, "t", code);
}

static pv_status store_children(pv_ctx *ctx, const svc_card *c, const char *code,
                                pv_error *err)
{
    static const char *dels[] = {"DELETE FROM service_criterion WHERE code = ?1",
                                 "DELETE FROM service_step WHERE code = ?1",
                                 "DELETE FROM service_document WHERE code = ?1"};
    for (int i = 0; i < 3; i++)
        if (exec_bind(ctx, dels[i], code, err) != PV_OK)
            return PV_EFAIL;
    int seq_c = 0, seq_s = 0, seq_d = 0;
    for (size_t i = 1; i < c->n; i++) {
        const svc_block *b = &c->blocks[i];
        sqlite3_stmt *st;
        const char *sql;
        int seq;
        if (strcmp(b->type, "criterion") == 0) {
            sql = "INSERT INTO service_criterion (code, seq, key, label_fa, label_en, "
                  "reason_fa, reason_en, rule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
            seq = ++seq_c;
        } else if (strcmp(b->type, "step") == 0) {
            sql = "INSERT INTO service_step (code, seq, title_fa, title_en) "
                  "VALUES (?1, ?2, ?4, ?5)";
            seq = ++seq_s;
        } else if (strcmp(b->type, "document") == 0) {
            sql = "INSERT INTO service_document (code, seq, key, label_fa, label_en) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)";
            seq = ++seq_d;
        } else {
            continue;
        }
        if (pv_stmt(ctx, sql, &st, err) != PV_OK)
            return PV_EFAIL;
        bool crit = strcmp(b->type, "criterion") == 0;
        const char *fa = svc_get(b, crit ? "label.fa" : "fa");
        const char *en = svc_get(b, crit ? "label.en" : "en");
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, seq);
        if (sqlite3_bind_parameter_index(st, "?3"))
            sqlite3_bind_text(st, 3, b->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, fa ? fa : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, en ? en : "", -1, SQLITE_TRANSIENT);
        if (crit) {
            const char *rf = svc_get(b, "reason.fa"), *re = svc_get(b, "reason.en");
            sqlite3_bind_text(st, 6, rf ? rf : "", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 7, re ? re : "", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 8, svc_get(b, "rule"), -1, SQLITE_TRANSIENT);
        }
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return pv_db_error(ctx, err);
    }
    return PV_OK;
}

/* Adds or replaces a parsed card's service (inside the caller's transaction). */
pv_status svc_card_store(pv_ctx *ctx, const svc_card *c, const char *text, const char *hash,
                         const char *origin, bool edited, pv_error *err)
{
    const svc_block *h = &c->blocks[0];
    char code[PV_CODE_SZ];
    svc_code_norm(svc_get(h, "code"), code);
    pv_frequency f;
    int cnt;
    int64_t per_capita = 0, group_cap = 0;
    svc_parse_frequency(svc_get(h, "frequency"), &f, &cnt);
    if (svc_get(h, "per_capita"))
        svc_parse_money(svc_get(h, "per_capita"), &per_capita);
    if (svc_get(h, "group_cap"))
        svc_parse_money(svc_get(h, "group_cap"), &group_cap);
    const char *local = svc_get(h, "local"), *approval = svc_get(h, "approval");
    const char *gf = svc_get(h, "group_fact");
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "INSERT INTO service (code, local_code, title_fa, title_en, provider_fa, "
                "provider_en, approval, frequency, freq_count, per_capita, group_cap, "
                "group_fact, card, card_hash, origin, edited, loaded_by) VALUES "
                "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17) "
                "ON CONFLICT (code) DO UPDATE SET local_code = ?2, title_fa = ?3, "
                "title_en = ?4, provider_fa = ?5, provider_en = ?6, approval = ?7, "
                "frequency = ?8, freq_count = ?9, per_capita = ?10, group_cap = ?11, "
                "group_fact = ?12, card = ?13, card_hash = ?14, origin = ?15, edited = ?16, "
                "loaded_by = ?17, loaded_at = " PV_NOW,
                &st, err) != PV_OK)
        return PV_EFAIL;
    const char *pf = svc_get(h, "provider.fa"), *pe = svc_get(h, "provider.en");
    const char *te = svc_get(h, "title.en");
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, local && strcmp(local, "yes") == 0);
    sqlite3_bind_text(st, 3, svc_get(h, "title.fa"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, te ? te : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, pf ? pf : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, pe ? pe : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 7, approval && strcmp(approval, "yes") == 0);
    sqlite3_bind_text(st, 8, frequency_code(f), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, cnt);
    sqlite3_bind_int64(st, 10, per_capita);
    sqlite3_bind_int64(st, 11, group_cap);
    sqlite3_bind_text(st, 12, gf ? gf : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 13, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 14, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 15, origin ? origin : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 16, edited);
    sqlite3_bind_text(st, 17, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return pv_db_error(ctx, err);
    return store_children(ctx, c, code, err);
}

pv_status pv_catalog_load_card(pv_ctx *ctx, const char *text, const char *origin,
                               pv_error *err)
{
    if (pv_authz_check(ctx, PV_ACT_CATALOG_ADMIN, 0, err) != PV_OK)
        return PV_EDENIED;
    svc_card c;
    pv_status st = svc_card_parse(text ? text : "", origin, &c, err);
    if (st != PV_OK)
        return st;
    char hash[17];
    svc_card_hash(text, hash);
    st = pv_tx_begin(ctx, err);
    if (st == PV_OK) {
        st = svc_card_store(ctx, &c, text, hash, origin, true, err);
        if (st == PV_OK)
            st = pv_tx_commit(ctx, err);
        else
            pv_tx_rollback(ctx);
    }
    svc_card_free(&c);
    return st;
}
