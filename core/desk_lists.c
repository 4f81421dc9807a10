/* parvande — what the interface's forms for courses and inquiries offer to
 * choose from, read from the cards (nothing of it is in the code): the
 * services a course can be made for (a card with course_days), the
 * services whose cards name agencies to inquire of, and those agencies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grp_internal.h"

/* Whether a card has a [link] block with a key. */
static bool has_link(const svc_card *c)
{
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->blocks[i].type, "link") == 0 && svc_get(&c->blocks[i], "key"))
            return true;
    return false;
}

static bool has_course_days(const svc_card *c)
{
    return grp_card_number(c, "course_days") > 0;
}

/* The catalog's services whose card passes `keep`, by code. */
static pv_status services_where(pv_ctx *ctx, bool (*keep)(const svc_card *),
                                pv_service_info **out, size_t *n, pv_error *err)
{
    pv_status st = pv_service_list(ctx, out, n, err);
    if (st != PV_OK)
        return st;
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        svc_card c;
        pv_error skip = PV_ERROR_INIT;
        if (grp_card_load(ctx, (*out)[i].code, &c, &skip) != PV_OK) {
            pv_error_clear(&skip); /* a card that does not load offers nothing */
            continue;
        }
        if (keep(&c))
            (*out)[kept++] = (*out)[i];
        svc_card_free(&c);
    }
    *n = kept;
    return PV_OK;
}

pv_status pv_course_services(pv_ctx *ctx, pv_service_info **out, size_t *n, pv_error *err)
{
    return services_where(ctx, has_course_days, out, n, err);
}

pv_status pv_inquiry_services(pv_ctx *ctx, pv_service_info **out, size_t *n, pv_error *err)
{
    return services_where(ctx, has_link, out, n, err);
}

/* The first of the link's `inquiry` words and of its `by` words (the
 * defaults the core's inquiry takes too: manual, by the agency). */
static void link_way(const svc_block *b, pv_inquiry_agency *a)
{
    const char *how = svc_get(b, "inquiry"), *by = svc_get(b, "by");
    size_t n = how ? strcspn(how, ", ") : 0;
    if (n == 0 || n >= sizeof a->how)
        snprintf(a->how, sizeof a->how, "manual");
    else
        snprintf(a->how, sizeof a->how, "%.*s", (int)n, how);
    snprintf(a->by, sizeof a->by, "%s", by && strncmp(by, "visitor", 7) == 0 ? "visitor" : "agency");
}

pv_status pv_inquiry_agencies(pv_ctx *ctx, const char *code, pv_inquiry_agency **out,
                              size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    svc_card c;
    pv_status st = grp_card_load(ctx, code, &c, err);
    if (st != PV_OK)
        return st;
    *out = calloc(c.n ? c.n : 1, sizeof **out);
    if (!*out) {
        svc_card_free(&c);
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    }
    for (size_t i = 1; i < c.n; i++) {
        const svc_block *b = &c.blocks[i];
        const char *key = svc_get(b, "key");
        if (strcmp(b->type, "link") != 0 || !key)
            continue;
        pv_inquiry_agency *a = &(*out)[(*n)++];
        svc_copy(a->key, sizeof a->key, key);
        const char *name = svc_get_lang(b, "agency", pv_ctx_lang(ctx));
        svc_copy(a->name, sizeof a->name, name && *name ? name : key);
        link_way(b, a);
    }
    svc_card_free(&c);
    return PV_OK;
}
