/* parvande — checking one person against a service: every criterion, with
 * the reason in the user's language for each that fails. */
#include <stdlib.h>
#include <string.h>

#include "parvande/calendar.h"
#include "svc_internal.h"

pv_status svc_date(const char *in, char out[PV_DATE_SZ], pv_error *err)
{
    if (!in || !*in) {
        pv_today(out);
        return PV_OK;
    }
    return pv_date_parse(in, "date", out, err);
}

pv_status svc_evaluate(pv_ctx *ctx, const svc_service *s, const svc_facts *sf,
                       const char *date, pv_eligibility **out, pv_error *err)
{
    pv_lang lang = pv_ctx_lang(ctx);
    pv_eligibility *e = calloc(1, sizeof *e);
    if (!e || !(e->criteria = calloc(s->n_crit ? s->n_crit : 1, sizeof *e->criteria))) {
        free(e);
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    }
    svc_copy(e->code, sizeof e->code, s->info.code);
    svc_copy(e->title, sizeof e->title, s->info.title);
    svc_copy(e->date, sizeof e->date, date);
    e->eligible = true;
    e->n_criteria = s->n_crit;
    for (size_t i = 0; i < s->n_crit; i++) {
        const svc_criterion *c = &s->crit[i];
        pv_criterion_result *r = &e->criteria[i];
        svc_copy(r->key, sizeof r->key, c->key);
        svc_copy(r->label, sizeof r->label, svc_pick(lang, c->label_fa, c->label_en));
        r->passed = pv_rule_eval(c->rule, &sf->f);
        if (!r->passed) {
            e->eligible = false;
            svc_copy(r->reason, sizeof r->reason, svc_pick(lang, c->reason_fa, c->reason_en));
        }
    }
    *out = e;
    return PV_OK;
}

void pv_eligibility_free(pv_eligibility *e)
{
    if (!e)
        return;
    free(e->criteria);
    free(e);
}

void pv_eligibility_free_all(pv_eligibility *arr, size_t n)
{
    if (!arr)
        return;
    for (size_t i = 0; i < n; i++)
        free(arr[i].criteria);
    free(arr);
}

char *pv_eligibility_failures(const pv_eligibility *e)
{
    const char *sep = _("; "); /* translated: «؛ » is three bytes, not two */
    size_t len = 1;
    for (size_t i = 0; i < e->n_criteria; i++)
        if (!e->criteria[i].passed)
            len += strlen(e->criteria[i].reason) + strlen(sep);
    char *s = calloc(1, len);
    if (!s)
        return NULL;
    bool first = true;
    for (size_t i = 0; i < e->n_criteria; i++) {
        if (e->criteria[i].passed)
            continue;
        if (!first)
            strcat(s, sep);
        strcat(s, e->criteria[i].reason);
        first = false;
    }
    return s;
}

pv_status pv_eligibility_check(pv_ctx *ctx, const char *national_id, const char *code,
                               const char *date, pv_eligibility **out, pv_error *err)
{
    *out = NULL;
    char day[PV_DATE_SZ];
    pv_status st = svc_date(date, day, err);
    if (st != PV_OK)
        return st;
    svc_service *s;
    if ((st = svc_service_load(ctx, code, &s, err)) != PV_OK)
        return st;
    svc_facts sf;
    st = svc_facts_load(ctx, national_id, &sf, err);
    if (st == PV_OK) {
        st = svc_facts_for(ctx, &sf, s->info.code, day, 0, err);
        if (st == PV_OK)
            st = svc_evaluate(ctx, s, &sf, day, out, err);
        svc_facts_free(&sf);
    }
    svc_service_free(s);
    return st;
}

pv_status pv_eligibility_check_all(pv_ctx *ctx, const char *national_id, const char *date,
                                   pv_eligibility **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    char day[PV_DATE_SZ];
    pv_status st = svc_date(date, day, err);
    if (st != PV_OK)
        return st;
    pv_service_info *list;
    size_t count;
    if ((st = pv_service_list(ctx, &list, &count, err)) != PV_OK)
        return st;
    svc_facts sf;
    if ((st = svc_facts_load(ctx, national_id, &sf, err)) != PV_OK) {
        free(list);
        return st;
    }
    pv_eligibility *arr = calloc(count ? count : 1, sizeof *arr);
    if (!arr)
        st = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    for (size_t i = 0; st == PV_OK && i < count; i++) {
        svc_service *s;
        pv_eligibility *one;
        if ((st = svc_service_load(ctx, list[i].code, &s, err)) != PV_OK)
            break;
        st = svc_facts_for(ctx, &sf, s->info.code, day, 0, err);
        if (st == PV_OK && (st = svc_evaluate(ctx, s, &sf, day, &one, err)) == PV_OK) {
            arr[(*n)++] = *one; /* the array takes over one's criteria */
            free(one);
        }
        svc_service_free(s);
    }
    svc_facts_free(&sf);
    free(list);
    if (st != PV_OK) {
        pv_eligibility_free_all(arr, *n);
        *n = 0;
        return st;
    }
    *out = arr;
    return PV_OK;
}
