/* parvande — bulk import of beneficiaries from CSV (see
 * include/parvande/import.h for the contract and the atomicity argument).
 *
 * Pass 1 reads the header (refusing unknown, repeated or missing columns
 * before anything is written), counts the rows and records, for every
 * household key, the indexes of its first and last rows, while another
 * thread hashes the file for the audit trail. In pass 2 a reader thread
 * reads and validates each row through the shared field table, a few
 * hundred rows ahead, while the calling thread writes them. A row that
 * adds a new person to a new household (or to the one the row before it
 * made) goes the fast way: queued for the bulk inserter (core/bulk.c),
 * which writes a chunk's rows with a few multi-row INSERTs. Any other row
 * goes the slow way, after the queue is written: through the store, a row
 * that makes several writes inside a savepoint, so a row that the store
 * refuses leaves nothing behind. Batches are committed only where no
 * household is half-written. A large file is imported without the name
 * indexes, which are built again at the end.
 *
 * The parts are in core/import_*.c (see core/import_internal.h); this file
 * has the entry point, pass 2's loop, the slow way and the commits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import_internal.h"
#include "parvande/audit.h"
#include "parvande/authz.h"

#define IMPORT_BATCH_DEFAULT 10000
#define PROGRESS_EVERY 1000

const char *imp_row_field(const prow *r, size_t i)
{
    return i < r->n ? r->text + r->off[i] : "";
}

void imp_forget_household(importer *im)
{
    im->cur_key[0] = '\0';
    im->cur_hh = 0;
    im->cf_valid = false;
}

static void reject(importer *im, const prow *r, pv_error *rerr)
{
    const char *msg = rerr->message ? rerr->message : _("rejected");
    im->st.rejected++;
    if (im->o.on_reject)
        im->o.on_reject(im->o.arg, r->line, rerr->field, msg);
    if (im->o.rejects) {
        for (size_t i = 0; i < r->n; i++)
            im->vals[i] = imp_row_field(r, i);
        im->vals[r->n] = msg;
        pv_csv_write_row(im->o.rejects, im->vals, r->n + 1);
    }
    pv_error_clear(rerr);
}

/* What a row will write. Most rows make one write (the person), which
 * SQLite applies whole; a row that also creates a household or changes a
 * case file makes several and runs inside a savepoint, so a refusal half
 * way leaves nothing behind. */
typedef struct row_plan {
    pv_id hh;          /* the household, 0 when it is to be created */
    bool create;       /* create a household (with key, or none) */
    pv_casefile next;  /* the case file after this row, when cf_write */
    bool cf_write;
} row_plan;

/* Finds the household of a keyed row: this import's previous one, or one
 * already in the database; *out is 0 when none exists yet. */
static pv_status keyed_household(importer *im, const char *key, pv_id *out, pv_error *err)
{
    if (im->cur_hh && strcmp(im->cur_key, key) == 0) {
        *out = im->cur_hh;
        return PV_OK;
    }
    pv_status rc = pv_household_find(im->ctx, key, out, err);
    if (rc == PV_ENOTFOUND) {
        pv_error_clear(err);
        *out = 0;
        return PV_OK;
    }
    if (rc == PV_OK) {
        snprintf(im->cur_key, sizeof im->cur_key, "%s", key);
        im->cur_hh = *out;
        im->cf_valid = false;
    }
    return rc;
}

/* The case file as the row leaves it; *changed when it must be written. */
void imp_casefile_next(const pv_casefile *cur, const pv_casefile *given,
                       const bool cf_given[2], pv_casefile *next, bool *changed)
{
    *next = *cur;
    if (cf_given[0])
        next->covered = given->covered;
    if (cf_given[1] && given->status != next->status) {
        next->status = given->status;
        if (next->status == PV_FILE_CLOSED)
            pv_today(next->closed_on);
        else
            next->closed_on[0] = '\0';
    }
    *changed = next->covered != cur->covered || next->status != cur->status;
}

static pv_status plan_row(importer *im, const pv_person *p, bool exists, const char *key,
                          const pv_casefile *cf, const bool cf_given[2], row_plan *plan,
                          pv_error *err)
{
    memset(plan, 0, sizeof *plan);
    plan->hh = p->household_id;
    if (key[0]) {
        pv_status rc = keyed_household(im, key, &plan->hh, err);
        if (rc != PV_OK)
            return rc;
    } else if (exists && p->household_id) {
        plan->hh = p->household_id;
    } else {
        plan->hh = 0;
    }
    plan->create = plan->hh == 0;
    if (!cf_given[0] && !cf_given[1])
        return PV_OK;
    if (plan->create) { /* a new household's case file starts active, not covered */
        pv_casefile fresh = {.status = PV_FILE_ACTIVE, .covered = false};
        imp_casefile_next(&fresh, cf, cf_given, &plan->next, &plan->cf_write);
        return PV_OK;
    }
    if (!im->cf_valid || im->cf.household_id != plan->hh) {
        pv_status rc = pv_casefile_find(im->ctx, plan->hh, &im->cf, err);
        if (rc != PV_OK)
            return rc;
        im->cf_valid = true;
    }
    imp_casefile_next(&im->cf, cf, cf_given, &plan->next, &plan->cf_write);
    return PV_OK;
}

/* A failure of the database itself ends the import; anything else
 * (validation, a conflict, a refusal) rejects the row. */
bool imp_fatal(pv_status rc)
{
    return rc == PV_EFAIL || rc == PV_EUSAGE;
}

static pv_status run_plan(importer *im, pv_person *p, const char *key, row_plan *plan,
                          pv_error *err)
{
    pv_status rc = PV_OK;
    if (plan->create) {
        /* The case file is born with the row's covered/status: written
         * once, with no update and no history version behind it. */
        pv_casefile file = plan->cf_write ? plan->next
                                          : (pv_casefile){.status = PV_FILE_ACTIVE};
        if (pv_ctx_actor(im->ctx)->role == PV_ROLE_CASEWORKER)
            snprintf(file.caseworker, sizeof file.caseworker, "%s",
                     pv_ctx_actor(im->ctx)->name);
        rc = pv_household_create_with_file(im->ctx, key[0] ? key : NULL, &file, &plan->hh,
                                           err);
        if (rc != PV_OK)
            return rc;
        if (key[0]) {
            snprintf(im->cur_key, sizeof im->cur_key, "%s", key);
            im->cur_hh = plan->hh;
        }
        im->cf = file;
        im->cf_valid = true;
    }
    p->household_id = plan->hh;
    rc = pv_person_save(im->ctx, p, err);
    if (rc != PV_OK || !plan->cf_write || plan->create)
        return rc;
    rc = pv_casefile_save(im->ctx, &plan->next, err);
    if (rc == PV_OK) {
        im->cf = plan->next;
        im->cf_valid = true;
    }
    return rc;
}

/* Writes a validated row; see row_plan. */
static pv_status write_row(importer *im, pv_person *p, bool exists, const char *key,
                           const pv_casefile *cf, const bool cf_given[2], pv_error *rerr)
{
    row_plan plan;
    pv_status rc = plan_row(im, p, exists, key, cf, cf_given, &plan, rerr);
    if (rc != PV_OK)
        return rc;
    bool several = plan.create || plan.cf_write;
    if (several && (rc = pv_exec(im->ctx, "SAVEPOINT import_row", rerr)) != PV_OK)
        return rc;
    rc = run_plan(im, p, key, &plan, rerr);
    if (!several)
        return rc;
    if (rc != PV_OK) {
        pv_exec(im->ctx, "ROLLBACK TO import_row", NULL);
        imp_forget_household(im);
    }
    pv_status rel = pv_exec(im->ctx, "RELEASE import_row", rc == PV_OK ? rerr : NULL);
    return rc != PV_OK ? rc : rel;
}

/* Writes a row the reader parsed: over the stored person when there is
 * one (looked up only when `lookup`; otherwise the ID is known to be new),
 * else as a new person. */
static pv_status row_write(importer *im, prow *r, bool lookup, pv_person *p, bool *exists,
                           pv_error *rerr)
{
    memset(p, 0, sizeof *p);
    memcpy(p->national_id, r->p.national_id, sizeof p->national_id);
    pv_status rc = lookup ? pv_person_find(im->ctx, p->national_id, p, rerr) : PV_ENOTFOUND;
    *exists = rc == PV_OK;
    pv_casefile cf = {0};
    bool cf_given[2] = {false, false};
    if (*exists) {
        rc = imp_parse_row(&im->lay, r, p, &cf, cf_given, rerr);
    } else if (rc == PV_ENOTFOUND) {
        pv_error_clear(rerr);
        *p = r->p;
        cf = r->cf;
        memcpy(cf_given, r->cf_given, sizeof cf_given);
        rc = r->parse_rc;
        if (rc != PV_OK) {
            *rerr = r->parse_err;
            r->parse_err = (pv_error)PV_ERROR_INIT;
        }
    }
    if (rc == PV_OK)
        rc = write_row(im, p, *exists, r->key, &cf, cf_given, rerr);
    return rc;
}

/* Handles one row the reader prepared: queues it for the bulk inserter
 * (when `fast` allows), rejects it, or writes it. The reader parsed the row
 * as a new person; a person already recorded is parsed again here, over
 * the stored values. */
pv_status imp_import_row(importer *im, prow *r, bool fast, pv_error *err)
{
    if (fast && imp_queue_row(im, r))
        return pv_bulk_full(im->bulk) ? imp_flush_queued(im, err) : PV_OK;
    pv_status frc = imp_flush_queued(im, err); /* the slow way reads what came before */
    if (frc != PV_OK)
        return frc;
    pv_error rerr = PV_ERROR_INIT;
    if (r->record_error) {
        pv_error_set(&rerr, PV_EINVAL, "csv", "%s", _(r->record_error));
        reject(im, r, &rerr);
        return PV_OK;
    }
    if (r->n != im->lay.ncols) {
        pv_error_set(&rerr, PV_EINVAL, "csv", _("the row has %zu fields but the header has %zu"),
                     r->n, im->lay.ncols);
        reject(im, r, &rerr);
        return PV_OK;
    }
    if (r->key_rc != PV_OK) {
        reject(im, r, &r->key_err);
        return PV_OK;
    }
    if (r->natid_rc != PV_OK) {
        reject(im, r, &r->natid_err);
        return PV_OK;
    }
    long first = imp_ids_line(&im->ids, r->p.national_id);
    if (first) {
        char reason[160];
        snprintf(reason, sizeof reason, _("appears again in this file (first on line %ld)"),
                 first);
        pv_error_field(&rerr, "national_id", reason);
        reject(im, r, &rerr);
        return PV_OK;
    }
    bool exists = false, lookup = imp_bloom_maybe(&im->known, imp_natid_body(r->p.national_id));
    pv_person p;
    pv_status rc = row_write(im, r, lookup, &p, &exists, &rerr);
    if (rc == PV_ECONFLICT && !lookup && rerr.field && strcmp(rerr.field, "national_id") == 0) {
        /* recorded by another program since the filter was loaded */
        pv_error_clear(&rerr);
        rc = row_write(im, r, true, &p, &exists, &rerr);
    }
    if (rc == PV_OK) {
        imp_ids_add(&im->ids, p.national_id, r->line);
        if (exists)
            im->st.updated++;
        else
            im->st.imported++;
        return PV_OK;
    }
    if (!imp_fatal(rc)) {
        reject(im, r, &rerr);
        return PV_OK;
    }
    *err = rerr;
    return rc;
}

/* Commits when enough rows are in and no household is open. */
static pv_status maybe_commit(importer *im, bool last, pv_error *err)
{
    im->in_batch++;
    if (!last && (im->in_batch < im->o.batch_rows || im->horizon > im->row))
        return PV_OK;
    pv_status rc = imp_flush_queued(im, err);
    if (rc == PV_OK)
        rc = pv_audit_bulk_commit(im->ctx, err); /* one audit entry per batch */
    if (rc == PV_OK)
        rc = pv_tx_commit(im->ctx, err);
    if (rc != PV_OK)
        return rc;
    im->st.commits++;
    im->in_batch = 0;
    return last ? PV_OK : pv_tx_begin(im->ctx, err);
}

/* The rows of one chunk, in order; *end at the end of the file. */
static pv_status import_chunk(importer *im, chunk *c, pv_error *err)
{
    pv_status rc = PV_OK;
    for (size_t i = 0; rc == PV_OK && i < c->n; i++) {
        prow *r = &c->rows[i];
        if (r->has_last && (r->last > im->horizon || r->last == ROW_NEVER))
            im->horizon = r->last;
        rc = imp_import_row(im, r, true, err);
        im->st.rows++;
        if (rc == PV_OK)
            rc = maybe_commit(im, false, err);
        im->row++;
        if (im->o.on_progress && im->st.rows % PROGRESS_EVERY == 0)
            im->o.on_progress(im->o.arg, &im->st);
    }
    if (rc == PV_OK)
        rc = imp_flush_queued(im, err); /* the queued rows live in the chunk */
    if (rc == PV_OK && c->end && c->rc != PV_OK) {
        *err = c->err;
        c->err = (pv_error)PV_ERROR_INIT;
        rc = err->status;
    }
    return rc;
}

pv_status imp_second_pass(importer *im, FILE *f, pv_error *err)
{
    im->csv = pv_csv_new(f);
    if (!im->csv)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    int got = pv_csv_next(im->csv, err); /* the header, read in pass 1 */
    if (got <= 0)
        return got < 0 ? err->status
                       : pv_error_set(err, PV_EINVAL, "csv", "%s", _("the file changed while it was read"));
    if (im->o.rejects) {
        const char **hdr = im->vals;
        for (size_t i = 0; i < im->lay.ncols; i++)
            hdr[i] = im->lay.names[i];
        hdr[im->lay.ncols] = "error";
        pv_csv_write_row(im->o.rejects, hdr, im->lay.ncols + 1);
    }
    im->pipe.csv = im->csv;
    pv_error aerr = PV_ERROR_INIT; /* asked once: a refused row is told so by the slow way */
    im->may_write = pv_authz_check(im->ctx, PV_ACT_FILE_WRITE, pv_ctx_branch(im->ctx), &aerr) == PV_OK;
    pv_error_clear(&aerr);
    im->may_close = pv_authz_check(im->ctx, PV_ACT_FILE_CLOSE, pv_ctx_branch(im->ctx), &aerr) == PV_OK;
    pv_error_clear(&aerr);
    im->bulk = pv_bulk_new(im->ctx); /* NULL: every row the slow way */
    pv_status rc = imp_pipe_start(im, err);
    if (rc == PV_OK)
        rc = pv_tx_begin(im->ctx, err);
    bool end = false;
    for (size_t at = 0; rc == PV_OK && !end; at = (at + 1) % PIPE_CHUNKS) {
        chunk *c = imp_pipe_take(im, at);
        rc = import_chunk(im, c, err);
        end = c->end;
        imp_pipe_give_back(im, c);
    }
    if (rc != PV_OK) { /* rows queued from a chunk about to be freed */
        im->n_queued = 0;
        pv_bulk_discard(im->bulk);
    }
    imp_pipe_end(im);
    if (rc == PV_OK)
        rc = maybe_commit(im, true, err);
    if (rc != PV_OK) {
        pv_tx_rollback(im->ctx);
        pv_audit_bulk_rollback(im->ctx);
    }
    return rc;
}

static FILE *open_regular(const char *path, pv_error *err)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f) {
        pv_error_set(err, PV_EFAIL, "csv", _("cannot open %s: %s"), path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        pv_error_set(err, PV_EUSAGE, "csv", _("%s is not a regular file"), path);
        return NULL;
    }
    return f;
}

pv_status pv_import_csv(pv_ctx *ctx, const char *path, const pv_import_opts *opts,
                        pv_import_stats *stats, pv_error *err)
{
    pv_status rc = pv_authz_check(ctx, PV_ACT_IMPORT, pv_ctx_branch(ctx), err);
    if (rc != PV_OK)
        return rc;
    importer *im = calloc(1, sizeof *im);
    if (!im)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    im->ctx = ctx;
    if (opts)
        im->o = *opts;
    if (!im->o.batch_rows)
        im->o.batch_rows = IMPORT_BATCH_DEFAULT;
    FILE *f = open_regular(path, err);
    if (f)
        imp_hash_start(&im->hash, path);
    rc = f ? imp_first_pass(im, f, err) : err->status;
    if (rc == PV_OK && !imp_ids_init(&im->ids, im->st.total))
        rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    if (rc == PV_OK && fseek(f, 0, SEEK_SET) != 0)
        rc = pv_error_set(err, PV_EFAIL, "csv", _("cannot read %s again: %s"), path,
                          strerror(errno));
    if (rc == PV_OK)
        rc = imp_bloom_load(im, err);
    if (rc == PV_OK)
        rc = imp_import_pass(im, f, path, err);
    if (im->o.on_progress && rc == PV_OK)
        im->o.on_progress(im->o.arg, &im->st);
    if (stats)
        *stats = im->st;
    if (im->hash.started) { /* an error before pass 2: the hash is not needed */
        atomic_store(&im->hash.stop, true); /* nor the rest of a huge file read for it */
        pv_error herr = PV_ERROR_INIT;
        imp_hash_finish(&im->hash, &herr);
        pv_error_clear(&herr);
    }
    pv_error_clear(&im->hash.err);
    if (f)
        fclose(f);
    pv_csv_free(im->csv);
    imp_layout_free(&im->lay);
    free(im->hh.s);
    free(im->ids.s);
    free(im->known.bits);
    free(im->known_keys.bits);
    pv_bulk_free(im->bulk);
    free(im);
    return rc;
}
