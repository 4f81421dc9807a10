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
 * indexes, which are built again at the end. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "parvande/audit.h"
#include "parvande/authz.h"
#include "parvande/csv.h"
#include "parvande/import.h"
#include "parvande/records.h"
#include "parvande/text.h"

#define IMPORT_BATCH_DEFAULT 10000
#define IMPORT_REBUILD_DEFAULT 50000 /* rows from which the name indexes are rebuilt */
#define IMPORT_CHECKPOINT_PAGES 16384 /* 64 MB of 4 KB pages */
#define PROGRESS_EVERY 1000
#define PIPE_CHUNK 128            /* rows handed from the reader to the writer at once */
#define PIPE_CHUNKS 4             /* chunks in flight */
#define PIPE_CHUNK_BYTES (1 << 20) /* a chunk is handed over early past this much text */
#define SLOT_KEEP_BYTES (64 << 10) /* a row buffer larger than this is not kept */
#define BLOOM_MIN_ROWS 1000 /* rows from which recorded IDs are loaded into a filter */
#define BLOOM_MAX_BITS ((uint64_t)1 << 25) /* 4 MB */
#define KEY_SZ 64
#define ROW_NEVER UINT32_MAX

static const char *const required_columns[] = {
    "national_id", "first_name", "last_name", "gender", "birth_date",
};

typedef enum col_kind { COL_PERSON, COL_HOUSEHOLD, COL_CASEFILE } col_kind;

typedef struct layout {
    size_t ncols;
    col_kind kind[PV_CSV_MAX_FIELDS];
    const char *field[PV_CSV_MAX_FIELDS]; /* machine name (static strings) */
    char *names[PV_CSV_MAX_FIELDS];       /* the header as written, for --rejects */
    int natid, household;                 /* column indexes; household -1 if absent */
} layout;

/* ---- hash tables: open addressing, no per-entry allocation ---- */

/* Household key -> indexes of its first and last rows, 16 bytes a key.
 * Keys are kept as 64-bit hashes: two keys sharing a hash would merge
 * their rows, which delays a commit but never splits a household, and may
 * send a row the slow way (see fast_household) but never the wrong one.
 * (With 32-bit hashes a million-row file of 313,000 households had 16
 * such pairs, one spanning rows 1,054 to 595,874 and another 196,732 to
 * 975,156: no batch could be committed between them, so the whole import
 * was one transaction and its WAL grew to 430 MB. With 64 bits a pair is
 * expected once in about 10^8 such files.) */
typedef struct hh_slot {
    uint64_t hash; /* 0: empty */
    uint32_t first, last;
} hh_slot;
typedef struct hh_map {
    hh_slot *s;
    size_t cap, n;
} hh_map;

/* National IDs imported from this file: the nine digits before the check
 * digit (which they determine) -> the line of the row that imported it. A
 * row rejected for another reason does not count, so its corrected copy
 * later in the file is still taken. 0 is never a valid
 * body (0000000000 is refused), so it marks an empty slot. */
typedef struct id_slot {
    uint32_t body;
    uint32_t line;
} id_slot;
typedef struct id_set {
    id_slot *s;
    size_t cap;
} id_set;

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a, then a finalizer for the low bits */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static bool hh_grow(hh_map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 4096;
    hh_slot *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->s[i].hash)
            continue;
        size_t j = m->s[i].hash & (ncap - 1);
        while (ns[j].hash)
            j = (j + 1) & (ncap - 1);
        ns[j] = m->s[i];
    }
    free(m->s);
    m->s = ns;
    m->cap = ncap;
    return true;
}

static bool hh_put(hh_map *m, uint64_t h, uint32_t row)
{
    if ((m->n + 1) * 10 > m->cap * 7 && !hh_grow(m))
        return false;
    size_t j = h & (m->cap - 1);
    while (m->s[j].hash && m->s[j].hash != h)
        j = (j + 1) & (m->cap - 1);
    if (!m->s[j].hash) {
        m->n++;
        m->s[j] = (hh_slot){h, row, row};
    }
    m->s[j].last = row;
    return true;
}

/* The slot of a key's hash; NULL when pass 1 did not see it (the file
 * changed between the passes: then no commit happens inside it, and its
 * rows go the slow way). */
static const hh_slot *hh_find(const hh_map *m, uint64_t h)
{
    if (!m->cap)
        return NULL;
    for (size_t j = h & (m->cap - 1); m->s[j].hash; j = (j + 1) & (m->cap - 1))
        if (m->s[j].hash == h)
            return &m->s[j];
    return NULL;
}

static bool ids_init(id_set *s, unsigned long rows)
{
    size_t cap = 1024;
    while (cap < rows * 2)
        cap *= 2;
    s->s = calloc(cap, sizeof *s->s);
    s->cap = cap;
    return s->s != NULL;
}

/* The slot of a national ID: where it is, or the empty slot where it goes. */
static id_slot *ids_slot(const id_set *s, const char *natid)
{
    uint32_t body = 0;
    for (int i = 0; i < 9; i++)
        body = body * 10 + (uint32_t)(natid[i] - '0');
    size_t j = (body * 2654435761u) & (s->cap - 1);
    while (s->s[j].body && s->s[j].body != body)
        j = (j + 1) & (s->cap - 1);
    return &s->s[j];
}

/* The line of the row that imported this national ID, or 0. */
static long ids_line(const id_set *s, const char *natid)
{
    const id_slot *slot = ids_slot(s, natid);
    return slot->body ? (long)slot->line : 0;
}

static void ids_add(id_set *s, const char *natid, long line)
{
    id_slot *slot = ids_slot(s, natid);
    if (slot->body && slot->line)
        return;
    uint32_t body = 0;
    for (int i = 0; i < 9; i++)
        body = body * 10 + (uint32_t)(natid[i] - '0');
    *slot = (id_slot){body, (uint32_t)line};
}

/* Takes back ids_add (the row was not imported after all): the slot stays
 * occupied, for the probing of other IDs, with no line. */
static void ids_forget(id_set *s, const char *natid)
{
    id_slot *slot = ids_slot(s, natid);
    if (slot->body)
        slot->line = 0;
}

/* The national IDs already in the database when a large import starts, as
 * a Bloom filter (16 bits an ID, three probes: about 0.2% false positives;
 * 2 MB for a million persons). An ID it does not hold was not recorded
 * then, so the row is inserted without looking it up first (the lookup was
 * a sixth of the writing thread's time). A person another program records
 * between two batches is caught by the national ID's UNIQUE constraint,
 * and the row is then handled again with the lookup (see import_row). */
typedef struct id_bloom {
    uint64_t *bits;
    uint64_t mask; /* bits - 1; no filter when bits is NULL */
} id_bloom;

static uint64_t natid_body(const char *natid)
{
    uint64_t body = 0;
    for (int i = 0; i < 9; i++)
        body = body * 10 + (uint64_t)(natid[i] - '0');
    return body;
}

static uint64_t bloom_probe(uint64_t h, int k)
{
    h ^= (uint64_t)k * 0x9E3779B97F4A7C15ULL;
    h *= 0xBF58476D1CE4E5B9ULL; /* splitmix64 finaliser */
    h ^= h >> 31;
    h *= 0x94D049BB133111EBULL;
    return h ^ (h >> 29);
}

/* A household key's 64 bits for the filter of recorded keys. */
static uint64_t key_hash64(const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *key; key++) {
        h ^= (unsigned char)*key;
        h *= 1099511628211ULL;
    }
    return h;
}

static void bloom_add(id_bloom *b, uint64_t body)
{
    for (int k = 0; k < 3; k++) {
        uint64_t bit = bloom_probe(body, k) & b->mask;
        b->bits[bit >> 6] |= 1ULL << (bit & 63);
    }
}

/* Whether the ID (or key) may have been recorded; true without a filter. */
static bool bloom_maybe(const id_bloom *b, uint64_t body)
{
    if (!b->bits)
        return true;
    for (int k = 0; k < 3; k++) {
        uint64_t bit = bloom_probe(body, k) & b->mask;
        if (!(b->bits[bit >> 6] & (1ULL << (bit & 63))))
            return false;
    }
    return true;
}

/* ---- the header ---- */

static void layout_free(layout *l)
{
    for (size_t i = 0; i < l->ncols; i++)
        free(l->names[i]);
    l->ncols = 0;
}

/* The machine name of a header cell: trimmed, ASCII lowercased. */
static void column_name(const char *in, char *out, size_t size)
{
    while (*in == ' ' || *in == '\t')
        in++;
    size_t n = 0;
    for (; *in && n + 1 < size; in++)
        out[n++] = (*in >= 'A' && *in <= 'Z') ? (char)(*in - 'A' + 'a') : *in;
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
}

static const char *known_column(const char *name, col_kind *kind)
{
    size_t n;
    const pv_field_info *fi = pv_person_fields(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(fi[i].name, name) == 0) {
            *kind = COL_PERSON;
            return fi[i].name;
        }
    }
    static const char *const casefile[] = {"covered", "file_status"};
    for (size_t i = 0; i < 2; i++) {
        if (strcmp(casefile[i], name) == 0) {
            *kind = COL_CASEFILE;
            return casefile[i];
        }
    }
    if (strcmp(name, "household") == 0) {
        *kind = COL_HOUSEHOLD;
        return "household";
    }
    return NULL;
}

static pv_status header_error(const pv_csv *r, pv_error *err, const char *fmt, const char *col)
{
    char *msg = NULL;
    if (asprintf(&msg, fmt, col) < 0)
        msg = NULL;
    /* TRANSLATORS: "line 1: unknown column "foo"" — where and what. */
    pv_error_set(err, PV_EINVAL, "csv", _("line %ld: %s"), pv_csv_line(r), msg ? msg : col);
    free(msg);
    return PV_EINVAL;
}

static pv_status read_header(pv_csv *r, layout *l, pv_error *err)
{
    int got = pv_csv_next(r, err);
    if (got < 0)
        return err->status;
    if (got == 0)
        return pv_error_set(err, PV_EINVAL, "csv", "%s",
                            _("the file is empty: a header row naming the columns is expected"));
    if (pv_csv_record_error(r))
        return header_error(r, err, "%s", _(pv_csv_record_error(r)));
    l->natid = l->household = -1;
    for (size_t i = 0; i < pv_csv_count(r); i++) {
        char name[64];
        column_name(pv_csv_field(r, i), name, sizeof name);
        col_kind kind;
        const char *known = known_column(name, &kind);
        if (!known)
            return header_error(r, err, _("unknown column \"%s\""), pv_csv_field(r, i));
        for (size_t j = 0; j < i; j++)
            if (l->field[j] == known)
                return header_error(r, err, _("the column \"%s\" appears twice"), known);
        l->field[i] = known;
        l->kind[i] = kind;
        l->names[i] = strdup(pv_csv_field(r, i));
        l->ncols = i + 1;
        if (!l->names[i])
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        if (strcmp(known, "national_id") == 0)
            l->natid = (int)i;
        if (kind == COL_HOUSEHOLD)
            l->household = (int)i;
    }
    for (size_t k = 0; k < sizeof required_columns / sizeof *required_columns; k++) {
        bool found = false;
        for (size_t i = 0; i < l->ncols; i++)
            found |= strcmp(l->field[i], required_columns[k]) == 0;
        if (!found)
            return header_error(r, err, _("the required column \"%s\" is missing"),
                                required_columns[k]);
    }
    return PV_OK;
}

static bool is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return false;
    return true;
}

/* The household key of a cell: normalised like any line of text. */
static pv_status household_key(const char *cell, char out[KEY_SZ], pv_error *err)
{
    out[0] = '\0';
    if (is_blank(cell))
        return PV_OK;
    return pv_text_normalize(cell, PV_TEXT_LINE, "household", out, KEY_SZ, err);
}

/* ---- the importer ---- */

/* A data row as the reader thread hands it to the writer: its cells, and
 * what can be worked out without the database — the household key and the
 * last row of that household, the national ID, and the person the row
 * makes when nobody has that national ID yet. */
typedef struct prow {
    long line;
    const char *record_error; /* the CSV reader's msgid, or NULL */
    size_t n;                 /* cells */
    uint32_t off[PV_CSV_MAX_FIELDS];
    char *text;               /* the cells, each NUL-terminated */
    size_t len, cap;
    bool usable;              /* no record error and as many cells as the header */
    pv_status key_rc, natid_rc, parse_rc;
    pv_error key_err, natid_err, parse_err;
    char key[KEY_SZ];
    uint32_t first, last; /* first and last rows of its household (ROW_NEVER unknown) */
    bool has_last;        /* the row has a household key */
    pv_person p;     /* natid_rc == PV_OK: national ID; then parse_rc: the new person */
    pv_casefile cf;
    bool cf_given[2];
} prow;

typedef struct chunk {
    prow rows[PIPE_CHUNK];
    size_t n;
    bool full;       /* handed to the writer, not yet given back */
    bool end;        /* the last chunk: the file's end or a read error */
    pv_status rc;    /* with end: PV_OK at the end of the file */
    pv_error err;
} chunk;

/* Reading and parsing run on a thread of their own, a few chunks ahead of
 * the writer, so a second core does the CSV and the field table while
 * SQLite writes on the first. */
typedef struct pipe_state {
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;       /* the writer gave up: the reader ends */
    chunk *chunks;   /* PIPE_CHUNKS of them */
    pv_csv *csv;
} pipe_state;

/* The file's SHA-256 for the audit trail, worked out on a thread of its
 * own while pass 1 reads the file (half a second for 200 MB that the
 * writing thread no longer waits for). */
typedef struct file_hash {
    pthread_t thread;
    bool started;
    const char *path;
    char sha[65];
    pv_status rc;
    pv_error err;
} file_hash;

static void *hash_main(void *arg)
{
    file_hash *h = arg;
    h->rc = pv_audit_file_sha256(h->path, h->sha, &h->err);
    return NULL;
}

static void hash_start(file_hash *h, const char *path)
{
    h->path = path;
    h->err = (pv_error)PV_ERROR_INIT;
    h->started = pthread_create(&h->thread, NULL, hash_main, h) == 0;
}

/* The hash (waiting for it); computed here when the thread could not start. */
static pv_status hash_finish(file_hash *h, pv_error *err)
{
    if (h->started)
        pthread_join(h->thread, NULL);
    else
        hash_main(h);
    h->started = false;
    if (h->rc != PV_OK) {
        *err = h->err;
        h->err = (pv_error)PV_ERROR_INIT;
    }
    return h->rc;
}

typedef struct importer {
    pv_ctx *ctx;
    pv_import_opts o;
    pv_import_stats st;
    pv_csv *csv;
    layout lay;
    hh_map hh;
    id_set ids;
    id_bloom known;    /* national IDs recorded before the import began */
    id_bloom known_keys; /* household keys of this branch recorded before it began */
    pv_bulk *bulk;     /* new records waiting for a multi-row insert; NULL: none */
    bool may_write, may_close; /* the actor's rights in this branch, asked once */
    prow *queued[PIPE_CHUNK]; /* the rows behind the bulk inserter's records */
    size_t n_queued;
    uint32_t row;      /* index of the data row being handled */
    uint32_t horizon;  /* the last row of every household seen so far */
    unsigned long in_batch;
    char cur_key[KEY_SZ]; /* the household of the previous row, cached */
    pv_id cur_hh;
    pv_casefile cf;       /* its case file, when cf_valid */
    bool cf_valid;
    const char *vals[PV_CSV_MAX_FIELDS + 1];
    pipe_state pipe;
    file_hash hash;
} importer;

static const char *row_field(const prow *r, size_t i)
{
    return i < r->n ? r->text + r->off[i] : "";
}

static void forget_household(importer *im)
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
            im->vals[i] = row_field(r, i);
        im->vals[r->n] = msg;
        pv_csv_write_row(im->o.rejects, im->vals, r->n + 1);
    }
    pv_error_clear(rerr);
}

static pv_status first_pass(importer *im, FILE *f, pv_error *err)
{
    pv_csv *r = pv_csv_new(f);
    if (!r)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    pv_status rc = read_header(r, &im->lay, err);
    int got;
    uint32_t row = 0;
    while (rc == PV_OK && (got = pv_csv_next(r, err)) > 0) {
        if (im->lay.household >= 0) {
            char key[KEY_SZ];
            if (household_key(pv_csv_field(r, (size_t)im->lay.household), key, NULL) == PV_OK &&
                key[0] && !hh_put(&im->hh, hash_key(key), row))
                rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        }
        row++;
    }
    if (rc == PV_OK && got < 0)
        rc = err->status;
    im->st.total = row;
    pv_csv_free(r);
    return rc;
}

/* Parses every cell of the row into p (starting from the stored person
 * when there is one) and the case-file values into cf. */
static pv_status parse_row(const layout *l, const prow *r, pv_person *p, pv_casefile *cf,
                           bool cf_given[2], pv_error *rerr)
{
    for (size_t i = 0; i < l->ncols; i++) {
        const char *cell = row_field(r, i);
        if ((int)i == l->natid || l->kind[i] == COL_HOUSEHOLD || is_blank(cell))
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
static void casefile_next(const pv_casefile *cur, const pv_casefile *given,
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
        casefile_next(&fresh, cf, cf_given, &plan->next, &plan->cf_write);
        return PV_OK;
    }
    if (!im->cf_valid || im->cf.household_id != plan->hh) {
        pv_status rc = pv_casefile_find(im->ctx, plan->hh, &im->cf, err);
        if (rc != PV_OK)
            return rc;
        im->cf_valid = true;
    }
    casefile_next(&im->cf, cf, cf_given, &plan->next, &plan->cf_write);
    return PV_OK;
}

/* A failure of the database itself ends the import; anything else
 * (validation, a conflict, a refusal) rejects the row. */
static bool fatal(pv_status rc)
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
        forget_household(im);
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
        rc = parse_row(&im->lay, r, p, &cf, cf_given, rerr);
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

/* ---- the fast way: new persons through the bulk inserter ---- */

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
            casefile_next(&im->cf, &r->cf, r->cf_given, file, &changed);
        }
        *hh = im->cur_hh;
        return !changed;
    }
    /* a new household: a key's first row (by pass 1) that the database
     * does not hold, or a row without a key */
    if (r->key[0] && (r->first != im->row || bloom_maybe(&im->known_keys, key_hash64(r->key))))
        return false;
    pv_casefile fresh = {.status = PV_FILE_ACTIVE, .covered = false};
    bool changed = false;
    *file = fresh;
    if (given)
        casefile_next(&fresh, &r->cf, r->cf_given, file, &changed);
    if (pv_ctx_actor(im->ctx)->role == PV_ROLE_CASEWORKER)
        snprintf(file->caseworker, sizeof file->caseworker, "%s", pv_ctx_actor(im->ctx)->name);
    return file->status != PV_FILE_CLOSED || im->may_close;
}

/* Queues a row that adds a new person, when it can go the fast way;
 * false (nothing done) when it cannot. */
static bool queue_row(importer *im, prow *r)
{
    if (!im->bulk || !im->may_write || !r->usable || r->key_rc != PV_OK ||
        r->natid_rc != PV_OK || r->parse_rc != PV_OK || ids_line(&im->ids, r->p.national_id) ||
        bloom_maybe(&im->known, natid_body(r->p.national_id)))
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
    ids_add(&im->ids, r->p.national_id, r->line);
    im->queued[im->n_queued++] = r;
    return true;
}

static pv_status import_row(importer *im, prow *r, bool fast, pv_error *err);

/* Writes the queued rows. When the database refuses one of them (recorded
 * meanwhile by another program), none is written and each is handled
 * again the slow way, which imports or rejects it on its own. */
static pv_status flush_queued(importer *im, pv_error *err)
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
    if (fatal(rc)) {
        *err = ferr;
        return rc;
    }
    pv_error_clear(&ferr);
    forget_household(im);
    for (size_t i = 0; i < n; i++)
        ids_forget(&im->ids, im->queued[i]->p.national_id);
    rc = PV_OK;
    for (size_t i = 0; rc == PV_OK && i < n; i++)
        rc = import_row(im, im->queued[i], false, err);
    return rc;
}

/* Handles one row the reader prepared: queues it for the bulk inserter
 * (when `fast` allows), rejects it, or writes it. The reader parsed the row
 * as a new person; a person already recorded is parsed again here, over
 * the stored values. */
static pv_status import_row(importer *im, prow *r, bool fast, pv_error *err)
{
    if (fast && queue_row(im, r))
        return pv_bulk_full(im->bulk) ? flush_queued(im, err) : PV_OK;
    pv_status frc = flush_queued(im, err); /* the slow way reads what came before */
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
    long first = ids_line(&im->ids, r->p.national_id);
    if (first) {
        char reason[160];
        snprintf(reason, sizeof reason, _("appears again in this file (first on line %ld)"),
                 first);
        pv_error_field(&rerr, "national_id", reason);
        reject(im, r, &rerr);
        return PV_OK;
    }
    bool exists = false, lookup = bloom_maybe(&im->known, natid_body(r->p.national_id));
    pv_person p;
    pv_status rc = row_write(im, r, lookup, &p, &exists, &rerr);
    if (rc == PV_ECONFLICT && !lookup && rerr.field && strcmp(rerr.field, "national_id") == 0) {
        /* recorded by another program since the filter was loaded */
        pv_error_clear(&rerr);
        rc = row_write(im, r, true, &p, &exists, &rerr);
    }
    if (rc == PV_OK) {
        ids_add(&im->ids, p.national_id, r->line);
        if (exists)
            im->st.updated++;
        else
            im->st.imported++;
        return PV_OK;
    }
    if (!fatal(rc)) {
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
    pv_status rc = flush_queued(im, err);
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

/* ---- the reader thread ---- */

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
        r->key_rc = household_key(row_field(r, (size_t)im->lay.household), r->key, &r->key_err);
        if (r->key_rc == PV_OK && r->key[0]) {
            const hh_slot *slot = hh_find(&im->hh, hash_key(r->key));
            r->first = slot ? slot->first : ROW_NEVER;
            r->last = slot ? slot->last : ROW_NEVER;
            r->has_last = true;
        }
    }
    r->usable = !r->record_error && r->n == im->lay.ncols;
    if (!r->usable || r->key_rc != PV_OK)
        return;
    memset(&r->p, 0, sizeof r->p);
    r->natid_rc = pv_person_set_field(&r->p, "national_id", row_field(r, (size_t)im->lay.natid),
                                      &r->natid_err);
    if (r->natid_rc != PV_OK)
        return;
    memset(&r->cf, 0, sizeof r->cf);
    r->cf_given[0] = r->cf_given[1] = false;
    r->parse_rc = parse_row(&im->lay, r, &r->p, &r->cf, r->cf_given, &r->parse_err);
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

static pv_status pipe_start(importer *im, pv_error *err)
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
static void pipe_end(importer *im)
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
static chunk *pipe_take(importer *im, size_t at)
{
    pipe_state *q = &im->pipe;
    chunk *c = &q->chunks[at];
    pthread_mutex_lock(&q->mu);
    while (!c->full)
        pthread_cond_wait(&q->cv, &q->mu);
    pthread_mutex_unlock(&q->mu);
    return c;
}

static void pipe_give_back(importer *im, chunk *c)
{
    pipe_state *q = &im->pipe;
    for (size_t i = 0; i < c->n; i++)
        prow_clear(&c->rows[i]);
    pthread_mutex_lock(&q->mu);
    c->full = false;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* The rows of one chunk, in order; *end at the end of the file. */
static pv_status import_chunk(importer *im, chunk *c, pv_error *err)
{
    pv_status rc = PV_OK;
    for (size_t i = 0; rc == PV_OK && i < c->n; i++) {
        prow *r = &c->rows[i];
        if (r->has_last && (r->last > im->horizon || r->last == ROW_NEVER))
            im->horizon = r->last;
        rc = import_row(im, r, true, err);
        im->st.rows++;
        if (rc == PV_OK)
            rc = maybe_commit(im, false, err);
        im->row++;
        if (im->o.on_progress && im->st.rows % PROGRESS_EVERY == 0)
            im->o.on_progress(im->o.arg, &im->st);
    }
    if (rc == PV_OK)
        rc = flush_queued(im, err); /* the queued rows live in the chunk */
    if (rc == PV_OK && c->end && c->rc != PV_OK) {
        *err = c->err;
        c->err = (pv_error)PV_ERROR_INIT;
        rc = err->status;
    }
    return rc;
}

static pv_status second_pass(importer *im, FILE *f, pv_error *err)
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
    pv_status rc = pipe_start(im, err);
    if (rc == PV_OK)
        rc = pv_tx_begin(im->ctx, err);
    bool end = false;
    for (size_t at = 0; rc == PV_OK && !end; at = (at + 1) % PIPE_CHUNKS) {
        chunk *c = pipe_take(im, at);
        rc = import_chunk(im, c, err);
        end = c->end;
        pipe_give_back(im, c);
    }
    if (rc != PV_OK) { /* rows queued from a chunk about to be freed */
        im->n_queued = 0;
        pv_bulk_discard(im->bulk);
    }
    pipe_end(im);
    if (rc == PV_OK)
        rc = maybe_commit(im, true, err);
    if (rc != PV_OK) {
        pv_tx_rollback(im->ctx);
        pv_audit_bulk_rollback(im->ctx);
    }
    return rc;
}

/* ---- the name indexes of a large import ---- */

static pv_status count_persons(pv_ctx *ctx, unsigned long *n, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT count(*) FROM person", &st, err) != PV_OK)
        return err->status;
    int s = sqlite3_step(st);
    *n = s == SQLITE_ROW ? (unsigned long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return s == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

/* One filter of recorded values (id_bloom): `count_sql` counts them and
 * `read_sql` lists them, both with the branch as ?1 where they need it.
 * Loaded only when the file is large beside them: reading them costs a
 * scan of their index, which a few lookups per recorded value repay. */
typedef struct filter_spec {
    const char *count_sql, *read_sql;
    bool natid; /* the values are national IDs (else household keys) */
} filter_spec;

static pv_status filter_count(importer *im, const filter_spec *fs, unsigned long *n,
                              pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(im->ctx, fs->count_sql, &st, err) != PV_OK)
        return err->status;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, pv_ctx_branch(im->ctx));
    int s = sqlite3_step(st);
    *n = s == SQLITE_ROW ? (unsigned long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return s == SQLITE_ROW ? PV_OK : pv_db_error(im->ctx, err);
}

static pv_status filter_load(importer *im, const filter_spec *fs, id_bloom *b, pv_error *err)
{
    unsigned long n = 0;
    if (im->st.total < BLOOM_MIN_ROWS)
        return PV_OK;
    pv_status rc = filter_count(im, fs, &n, err);
    if (rc != PV_OK || n / 8 > im->st.total)
        return rc;
    uint64_t nbits = 1 << 16;
    while (nbits < (uint64_t)n * 16 && nbits < BLOOM_MAX_BITS)
        nbits <<= 1;
    b->bits = calloc(nbits / 64, sizeof *b->bits);
    if (!b->bits)
        return PV_OK; /* no filter: every value is looked up */
    b->mask = nbits - 1;
    sqlite3_stmt *st;
    if (pv_stmt(im->ctx, fs->read_sql, &st, err) != PV_OK)
        return err->status;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, pv_ctx_branch(im->ctx));
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (v && fs->natid && sqlite3_column_bytes(st, 0) == 10)
            bloom_add(b, natid_body(v));
        else if (v && !fs->natid)
            bloom_add(b, key_hash64(v));
    }
    sqlite3_reset(st);
    if (s == SQLITE_DONE)
        return PV_OK;
    free(b->bits);
    *b = (id_bloom){0};
    return pv_db_error(im->ctx, err);
}

/* The filters of recorded national IDs (a row whose ID it does not hold is
 * inserted without a lookup) and of this branch's household keys (a key
 * it does not hold makes a new household without one). */
static pv_status bloom_load(importer *im, pv_error *err)
{
    static const filter_spec ids = {"SELECT count(*) FROM person",
                                    "SELECT national_id FROM person", true};
    static const filter_spec keys = {
        "SELECT count(*) FROM household WHERE branch_code = ?1 AND external_key IS NOT NULL",
        "SELECT external_key FROM household WHERE branch_code = ?1"
        " AND external_key IS NOT NULL",
        false};
    pv_status rc = filter_load(im, &ids, &im->known, err);
    return rc == PV_OK ? filter_load(im, &keys, &im->known_keys, err) : rc;
}

/* Records this import in bulk_import and drops the name indexes, in one
 * transaction. *dropped is false when another import is already doing so
 * (then this one simply writes through the indexes it finds). */
static pv_status drop_name_indexes(importer *im, const char *path, bool *dropped,
                                   pv_error *err)
{
    *dropped = false;
    pv_status rc = pv_tx_begin(im->ctx, err);
    sqlite3_stmt *st;
    if (rc == PV_OK && (rc = pv_stmt(im->ctx, "INSERT OR IGNORE INTO bulk_import (id, pid, source)"
                                              " VALUES (1, ?1, ?2)", &st, err)) == PV_OK) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)getpid());
        sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        sqlite3_reset(st);
        if (s != SQLITE_DONE)
            rc = pv_db_error(im->ctx, err);
        *dropped = s == SQLITE_DONE && sqlite3_changes(im->ctx->db) == 1;
    }
    for (int i = 0; rc == PV_OK && *dropped && i < PV_NAME_INDEXES; i++) {
        char sql[80];
        snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", pv_name_index_names[i]);
        if (sqlite3_exec(im->ctx->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            rc = pv_db_error(im->ctx, err);
    }
    if (rc == PV_OK)
        return pv_tx_commit(im->ctx, err);
    pv_tx_rollback(im->ctx);
    *dropped = false;
    return rc;
}

/* Whether this file is large enough, beside the persons already there, for
 * dropping and rebuilding the name indexes to beat inserting into them:
 * building them over a million persons takes about 4 s, inserting a
 * million rows into them about 20 s. */
static pv_status rebuild_wanted(importer *im, bool *yes, pv_error *err)
{
    unsigned long min = im->o.rebuild_min_rows ? im->o.rebuild_min_rows : IMPORT_REBUILD_DEFAULT;
    unsigned long persons = 0;
    *yes = false;
    if (im->st.total < min)
        return PV_OK;
    pv_status rc = count_persons(im->ctx, &persons, err);
    *yes = rc == PV_OK && im->st.total >= persons / 4;
    if (!*yes)
        return rc;
    /* a database made before bulk_import was added to the schema: the
     * indexes stay (nothing could name this import to the next open) */
    sqlite3_stmt *st;
    if (pv_stmt(im->ctx, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                         " AND name = 'bulk_import'", &st, err) != PV_OK)
        return err->status;
    *yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return PV_OK;
}

/* The connection's WAL auto-checkpoint threshold in pages (-1 unknown). */
static int wal_autocheckpoint(pv_ctx *ctx)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "PRAGMA wal_autocheckpoint", &st, NULL) != PV_OK)
        return -1;
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

static void set_wal_autocheckpoint(pv_ctx *ctx, int pages)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA wal_autocheckpoint = %d", pages);
    sqlite3_exec(ctx->db, sql, NULL, NULL, NULL);
}

/* Pass 2 in the audit trail's bulk mode: one chained entry per committed
 * batch naming the file (and its SHA-256) and the records it touched,
 * instead of a full entry per row. While it runs, the WAL is copied back
 * into the database every IMPORT_CHECKPOINT_PAGES instead of every 1,000
 * pages: the same index pages are dirtied by batch after batch, and each
 * checkpoint copies (and syncs) the latest version of each page once, so
 * fewer checkpoints write less. SQLite checkpoints on the commit of the
 * batch that crosses the threshold and then writes the WAL from its start
 * again, so the WAL file stays near the threshold plus one batch (a
 * million rows: under 100 MB; with a checkpoint every 256 MB, and the
 * whole file one transaction for want of a commit, see hh_slot, it grew
 * to 430 MB). The checkpoint is SQLite's passive one: it never waits for
 * the readers of another program. The setting is put back afterwards. */
static pv_status audited_pass(importer *im, FILE *f, const char *path, pv_error *err)
{
    pv_status rc = hash_finish(&im->hash, err);
    if (rc == PV_OK)
        rc = pv_audit_bulk_begin(im->ctx, path, im->hash.sha, err);
    if (rc != PV_OK)
        return rc;
    int ckpt = wal_autocheckpoint(im->ctx);
    if (ckpt >= 0 && ckpt < IMPORT_CHECKPOINT_PAGES)
        set_wal_autocheckpoint(im->ctx, IMPORT_CHECKPOINT_PAGES);
    rc = second_pass(im, f, err);
    if (ckpt >= 0 && ckpt < IMPORT_CHECKPOINT_PAGES)
        set_wal_autocheckpoint(im->ctx, ckpt);
    pv_audit_bulk_end(im->ctx);
    return rc;
}

/* The audited pass, without the name indexes when the file is large; they
 * are built again afterwards even when the pass failed (and if that fails
 * too, the next pv_ctx_open builds them). */
static pv_status import_pass(importer *im, FILE *f, const char *path, pv_error *err)
{
    bool rebuild = false, dropped = false;
    pv_status rc = rebuild_wanted(im, &rebuild, err);
    if (rc == PV_OK && rebuild)
        rc = drop_name_indexes(im, path, &dropped, err);
    if (rc != PV_OK)
        return rc;
    rc = audited_pass(im, f, path, err);
    if (!dropped)
        return rc;
    /* the importer's tables are no longer needed: give their memory back
     * before the sort */
    free(im->ids.s);
    im->ids = (id_set){0};
    free(im->known.bits);
    im->known = (id_bloom){0};
    free(im->known_keys.bits);
    im->known_keys = (id_bloom){0};
    free(im->hh.s);
    im->hh = (hh_map){0};
    pv_error ierr = PV_ERROR_INIT;
    pv_status irc = pv_name_indexes_build(im->ctx, (long)getpid(), &ierr);
    if (rc == PV_OK && irc != PV_OK) {
        *err = ierr;
        return irc;
    }
    pv_error_clear(&ierr);
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
        hash_start(&im->hash, path);
    rc = f ? first_pass(im, f, err) : err->status;
    if (rc == PV_OK && !ids_init(&im->ids, im->st.total))
        rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    if (rc == PV_OK && fseek(f, 0, SEEK_SET) != 0)
        rc = pv_error_set(err, PV_EFAIL, "csv", _("cannot read %s again: %s"), path,
                          strerror(errno));
    if (rc == PV_OK)
        rc = bloom_load(im, err);
    if (rc == PV_OK)
        rc = import_pass(im, f, path, err);
    if (im->o.on_progress && rc == PV_OK)
        im->o.on_progress(im->o.arg, &im->st);
    if (stats)
        *stats = im->st;
    if (im->hash.started) { /* an error before pass 2: the hash is not needed */
        pv_error herr = PV_ERROR_INIT;
        hash_finish(&im->hash, &herr);
        pv_error_clear(&herr);
    }
    pv_error_clear(&im->hash.err);
    if (f)
        fclose(f);
    pv_csv_free(im->csv);
    layout_free(&im->lay);
    free(im->hh.s);
    free(im->ids.s);
    free(im->known.bits);
    free(im->known_keys.bits);
    pv_bulk_free(im->bulk);
    free(im);
    return rc;
}
