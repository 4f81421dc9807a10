/* parvande — the import's reader thread: reads and parses the rows through
 * the shared field table a few chunks ahead of the writer, so a second
 * core does the CSV and the validation while SQLite writes on the first. */
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"

#define PIPE_CHUNK_BYTES (1 << 20) /* a chunk is handed over early past this much text */
#define SLOT_KEEP_BYTES (64 << 10) /* a row buffer larger than this is not kept */

/* Parses every cell of the row into p (starting from the stored person
 * when there is one) and the case-file values into cf. */
pv_status imp_parse_row(const layout *l, const prow *r, pv_person *p, pv_casefile *cf,
                        bool cf_given[2], pv_error *rerr)
{
    for (size_t i = 0; i < l->ncols; i++) {
        const char *cell = imp_row_field(r, i);
        if ((int)i == l->natid || l->kind[i] == COL_HOUSEHOLD || imp_is_blank(cell))
            continue;
        pv_status rc;
        if (l->kind[i] == COL_PERSON) {
            rc = pv_person_set_field(p, l->field[i], cell, rerr);
        } else {
            rc = pv_casefile_set_field(cf, l->field[i], cell, rerr);
            cf_given[strcmp(l->field[i], "covered") == 0 ? 0 : 1] = true;
        }
        if (rc != PV_OK)
            return rc;
    }
    return pv_person_validate(p, rerr);
}

static void prow_clear(prow *r)
{
    pv_error_clear(&r->key_err);
    pv_error_clear(&r->natid_err);
    pv_error_clear(&r->parse_err);
}

/* Copies the reader's current record into r; false when out of memory. */
static bool prow_copy(prow *r, const pv_csv *csv)
{
    size_t n = pv_csv_count(csv), need = 0;
    if (n > PV_CSV_MAX_FIELDS)
        n = PV_CSV_MAX_FIELDS;
    for (size_t i = 0; i < n; i++)
        need += pv_csv_field_len(csv, i) + 1;
    if (r->cap > SLOT_KEEP_BYTES && need <= SLOT_KEEP_BYTES) {
        free(r->text);
        r->text = NULL;
        r->cap = 0;
    }
    if (need > r->cap) {
        size_t cap = need < 512 ? 512 : need;
        char *t = realloc(r->text, cap);
        if (!t)
            return false;
        r->text = t;
        r->cap = cap;
    }
    r->len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = pv_csv_field_len(csv, i);
        r->off[i] = (uint32_t)r->len;
        memcpy(r->text + r->len, pv_csv_field(csv, i), l);
        r->text[r->len + l] = '\0';
        r->len += l + 1;
    }
    r->n = n;
    r->line = pv_csv_line(csv);
    r->record_error = pv_csv_record_error(csv);
    return true;
}

/* Everything about the row that needs no database (see prow). */
static void prow_parse(const importer *im, prow *r)
{
    r->key_rc = r->natid_rc = r->parse_rc = PV_OK;
    r->key[0] = '\0';
    r->has_last = false;
    if (im->lay.household >= 0) { /* the commit horizon counts even a rejected row */
        r->key_rc = imp_household_key(imp_row_field(r, (size_t)im->lay.household), r->key,
                                      &r->key_err);
        if (r->key_rc == PV_OK && r->key[0]) {
            const hh_slot *slot = imp_hh_find(&im->hh, imp_hash_key(r->key));
            r->first = slot ? slot->first : ROW_NEVER;
            r->last = slot ? slot->last : ROW_NEVER;
            r->has_last = true;
        }
    }
    r->usable = !r->record_error && r->n == im->lay.ncols;
    if (!r->usable || r->key_rc != PV_OK)
        return;
    memset(&r->p, 0, sizeof r->p);
    r->natid_rc = pv_person_set_field(&r->p, "national_id", imp_row_field(r, (size_t)im->lay.natid),
                                      &r->natid_err);
    if (r->natid_rc != PV_OK)
        return;
    memset(&r->cf, 0, sizeof r->cf);
    r->cf_given[0] = r->cf_given[1] = false;
    r->parse_rc = imp_parse_row(&im->lay, r, &r->p, &r->cf, r->cf_given, &r->parse_err);
}

static void *reader_main(void *arg)
{
    importer *im = arg;
    pipe_state *q = &im->pipe;
    for (size_t at = 0;; at = (at + 1) % PIPE_CHUNKS) {
        chunk *c = &q->chunks[at];
        pthread_mutex_lock(&q->mu);
        while (c->full && !q->stop)
            pthread_cond_wait(&q->cv, &q->mu);
        bool stop = q->stop;
        pthread_mutex_unlock(&q->mu);
        if (stop)
            return NULL;
        c->n = 0;
        c->end = false;
        c->rc = PV_OK;
        size_t bytes = 0;
        while (c->n < PIPE_CHUNK && bytes < PIPE_CHUNK_BYTES) {
            int got = pv_csv_next(q->csv, &c->err);
            if (got <= 0) {
                c->end = true;
                c->rc = got < 0 ? c->err.status : PV_OK;
                break;
            }
            prow *r = &c->rows[c->n];
            if (!prow_copy(r, q->csv)) {
                c->end = true;
                c->rc = pv_error_set(&c->err, PV_EFAIL, NULL, "%s", _("out of memory"));
                break;
            }
            prow_parse(im, r);
            bytes += r->len;
            c->n++;
        }
        pthread_mutex_lock(&q->mu);
        c->full = true;
        pthread_cond_broadcast(&q->cv);
        pthread_mutex_unlock(&q->mu);
        if (c->end)
            return NULL;
    }
}

pv_status imp_pipe_start(importer *im, pv_error *err)
{
    pipe_state *q = &im->pipe;
    q->chunks = calloc(PIPE_CHUNKS, sizeof *q->chunks);
    if (!q->chunks)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    if (pthread_create(&q->thread, NULL, reader_main, im) != 0)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    q->started = true;
    return PV_OK;
}

/* Stops the reader (if it still runs) and frees the chunks. */
void imp_pipe_end(importer *im)
{
    pipe_state *q = &im->pipe;
    if (!q->chunks)
        return;
    if (q->started) {
        pthread_mutex_lock(&q->mu);
        q->stop = true;
        pthread_cond_broadcast(&q->cv);
        pthread_mutex_unlock(&q->mu);
        pthread_join(q->thread, NULL);
        q->started = false;
    }
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    for (size_t k = 0; k < PIPE_CHUNKS; k++) {
        for (size_t i = 0; i < PIPE_CHUNK; i++) {
            prow_clear(&q->chunks[k].rows[i]);
            free(q->chunks[k].rows[i].text);
        }
        pv_error_clear(&q->chunks[k].err);
    }
    free(q->chunks);
    q->chunks = NULL;
}

/* The next chunk from the reader, waiting for it. */
chunk *imp_pipe_take(importer *im, size_t at)
{
    pipe_state *q = &im->pipe;
    chunk *c = &q->chunks[at];
    pthread_mutex_lock(&q->mu);
    while (!c->full)
        pthread_cond_wait(&q->cv, &q->mu);
    pthread_mutex_unlock(&q->mu);
    return c;
}

void imp_pipe_give_back(importer *im, chunk *c)
{
    pipe_state *q = &im->pipe;
    for (size_t i = 0; i < c->n; i++)
        prow_clear(&c->rows[i]);
    pthread_mutex_lock(&q->mu);
    c->full = false;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}
