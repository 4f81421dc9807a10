/* parvande — field-by-field merge of an edit over the record as it is now
 * (see include/parvande/merge.h). Fields are compared as their display
 * text through the one field table every input path shares, so the merge
 * knows no field by name and a new field needs nothing here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parvande/merge.h"

typedef struct merge_state {
    pv_field_conflict *conf;
    size_t n, cap;
} merge_state;

static bool add_conflict(merge_state *m, const char *field, const char *b, const char *mine,
                         const char *theirs)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 4;
        pv_field_conflict *c = realloc(m->conf, cap * sizeof *c);
        if (!c)
            return false;
        m->conf = c;
        m->cap = cap;
    }
    pv_field_conflict *c = &m->conf[m->n++];
    c->field = field;
    snprintf(c->base, sizeof c->base, "%s", b);
    snprintf(c->mine, sizeof c->mine, "%s", mine);
    snprintf(c->theirs, sizeof c->theirs, "%s", theirs);
    return true;
}

/* Merges one field into `out` (a copy of theirs); false only when out of memory. */
static bool merge_field(const char *field, const pv_person *base, const pv_person *mine,
                        const pv_person *theirs, pv_person *out, merge_state *m)
{
    char b[PV_ADDR_SZ], my[PV_ADDR_SZ], th[PV_ADDR_SZ];
    pv_person_get_field(base, field, b, sizeof b);
    pv_person_get_field(mine, field, my, sizeof my);
    pv_person_get_field(theirs, field, th, sizeof th);
    if (strcmp(my, b) == 0 || strcmp(my, th) == 0)
        return true; /* not changed by this user, or changed alike */
    /* This user's value goes into the merged record either way (their text
     * came from the same table, so setting it cannot fail); both changed
     * it differently: a conflict too. */
    pv_person_set_field(out, field, my, NULL);
    return strcmp(th, b) == 0 || add_conflict(m, field, b, my, th);
}

static pv_status conflict_error(const merge_state *m, pv_error *err)
{
    /* Each field with the value the other user saved, so the user sees
     * what changed under them without leaving the form. */
    char names[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < m->n && used < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s «%s»",
                                 i ? "، " : "", pv_field_label(m->conf[i].field),
                                 m->conf[i].theirs);
    return pv_error_set(err, PV_ECONFLICT, m->conf[0].field,
                        _("Changed meanwhile by someone else: %s. Nothing was saved; saving "
                          "again keeps your values."),
                        names);
}

static pv_status merge_and_save(pv_ctx *ctx, pv_person *base, pv_person *mine,
                                merge_state *m, pv_error *err)
{
    pv_person theirs;
    pv_status rc = pv_person_find(ctx, base->national_id, &theirs, err);
    if (rc != PV_OK)
        return rc;
    if (theirs.id != base->id)
        return pv_error_set(err, PV_ENOTFOUND, "national_id", "%s",
                            _("This file is no longer in the database as it was opened."));
    pv_person out = theirs;
    size_t n;
    const pv_field_info *fi = pv_person_fields(&n);
    for (size_t i = 0; i < n; i++)
        if (!merge_field(fi[i].name, base, mine, &theirs, &out, m))
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    if (m->n > 0) {
        /* Nothing saved; the edit becomes theirs plus this user's changes,
         * so that saving it again changes only what this user changed. */
        *base = theirs;
        *mine = out;
        return conflict_error(m, err);
    }
    if ((rc = pv_person_validate(&out, err)) != PV_OK)
        return rc;
    if ((rc = pv_person_save(ctx, &out, err)) == PV_OK)
        *mine = out;
    return rc;
}

pv_status pv_person_save_merged(pv_ctx *ctx, pv_person *base, pv_person *mine,
                                pv_field_conflict **conf, size_t *n_conf, pv_error *err)
{
    merge_state m = {NULL, 0, 0};
    if (conf)
        *conf = NULL;
    if (n_conf)
        *n_conf = 0;
    bool own = sqlite3_get_autocommit(ctx->db);
    pv_status rc = own ? pv_tx_begin(ctx, err) : PV_OK;
    if (rc != PV_OK)
        return rc;
    pv_person b = *base;
    rc = merge_and_save(ctx, &b, mine, &m, err);
    if (own) {
        if (rc == PV_OK)
            rc = pv_tx_commit(ctx, err);
        else
            pv_tx_rollback(ctx);
    }
    if (rc == PV_OK || rc == PV_ECONFLICT)
        *base = rc == PV_OK ? *mine : b;
    if (rc == PV_ECONFLICT && conf && n_conf) {
        *conf = m.conf;
        *n_conf = m.n;
    } else {
        free(m.conf);
    }
    return rc;
}
