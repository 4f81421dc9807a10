/* parvande — the import's fast way: a row that adds a new person to a new
 * household (or to the one the row before it made) is queued for the bulk
 * inserter (core/bulk.c), which writes a chunk's rows with a few multi-row
 * INSERTs. */
#include <stdio.h>
#include <string.h>

#include "import_internal.h"

/* The household of a row on the fast way: *hh the current one (this
 * import's last, with no change to its case file), or 0 with *file the case
 * file of a new one. False when the row must go the slow way: a household
 * already recorded, met again after other households, or a case file the
 * row changes or closes without the right to. */
static bool fast_household(importer *im, const prow *r, pv_id *hh, pv_casefile *file)
{
    bool given = r->cf_given[0] || r->cf_given[1];
    *hh = 0;
    if (r->key[0] && im->cur_hh && strcmp(im->cur_key, r->key) == 0) {
        bool changed = false;
        if (given) {
            if (!im->cf_valid || im->cf.household_id != im->cur_hh)
                return false; /* its case file is not at hand: the slow way reads it */
            imp_casefile_next(&im->cf, &r->cf, r->cf_given, file, &changed);
        }
        *hh = im->cur_hh;
        return !changed;
    }
    /* a new household: a key's first row (by pass 1) that the database
     * does not hold, or a row without a key */
    if (r->key[0] &&
        (r->first != im->row || imp_bloom_maybe(&im->known_keys, imp_key_hash64(r->key))))
        return false;
    pv_casefile fresh = {.status = PV_FILE_ACTIVE, .covered = false};
    bool changed = false;
    *file = fresh;
    if (given)
        imp_casefile_next(&fresh, &r->cf, r->cf_given, file, &changed);
    if (pv_ctx_actor(im->ctx)->role == PV_ROLE_CASEWORKER)
        snprintf(file->caseworker, sizeof file->caseworker, "%s", pv_ctx_actor(im->ctx)->name);
    return file->status != PV_FILE_CLOSED || im->may_close;
}

/* Queues a row that adds a new person, when it can go the fast way;
 * false (nothing done) when it cannot. */
bool imp_queue_row(importer *im, prow *r)
{
    if (!im->bulk || !im->may_write || !r->usable || r->key_rc != PV_OK ||
        r->natid_rc != PV_OK || r->parse_rc != PV_OK || imp_ids_line(&im->ids, r->p.national_id) ||
        imp_bloom_maybe(&im->known, imp_natid_body(r->p.national_id)))
        return false;
    pv_id hh;
    pv_casefile file;
    if (!fast_household(im, r, &hh, &file))
        return false;
    pv_error err = PV_ERROR_INIT;
    if (!hh) {
        if (pv_bulk_add_household(im->bulk, r->key, &file, &hh, &err) != PV_OK) {
            pv_error_clear(&err);
            return false; /* the slow way names the fault */
        }
        if (r->key[0]) {
            snprintf(im->cur_key, sizeof im->cur_key, "%s", r->key);
            im->cur_hh = hh;
        }
        im->cf = file;
        im->cf_valid = true;
    }
    /* r->p itself stays as the reader parsed it: a refused flush hands the
     * row to the slow way, which starts from it */
    if (pv_bulk_add_person(im->bulk, &r->p, hh, &err) != PV_OK) {
        pv_error_clear(&err);
        return false;
    }
    imp_ids_add(&im->ids, r->p.national_id, r->line);
    im->queued[im->n_queued++] = r;
    return true;
}

/* Writes the queued rows. When the database refuses one of them (recorded
 * meanwhile by another program), none is written and each is handled
 * again the slow way, which imports or rejects it on its own. */
pv_status imp_flush_queued(importer *im, pv_error *err)
{
    size_t n = im->n_queued;
    if (n == 0)
        return PV_OK;
    im->n_queued = 0;
    pv_error ferr = PV_ERROR_INIT;
    pv_status rc = pv_bulk_flush(im->bulk, &ferr);
    if (rc == PV_OK) {
        im->st.imported += n;
        return PV_OK;
    }
    if (imp_fatal(rc)) {
        *err = ferr;
        return rc;
    }
    pv_error_clear(&ferr);
    imp_forget_household(im);
    for (size_t i = 0; i < n; i++)
        imp_ids_forget(&im->ids, im->queued[i]->p.national_id);
    rc = PV_OK;
    for (size_t i = 0; rc == PV_OK && i < n; i++)
        rc = imp_import_row(im, im->queued[i], false, err);
    return rc;
}
