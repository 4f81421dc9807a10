/* parvande — the bulk import's parts (core/import*.c), shared between its
 * files and nothing else. The import itself is described in core/import.c;
 * its contract in include/parvande/import.h.
 *
 *   import.c         the entry point, the second pass's loop, the slow way
 *                    (a row through the store, inside a savepoint), commits
 *   import_tables.c  pass 1's tables: household keys, national IDs, filters
 *   import_pass1.c   the header, pass 1, the file's SHA-256 on a thread
 *   import_reader.c  the reader thread: rows read and parsed ahead
 *   import_fast.c    the fast way: new persons through the bulk inserter
 *   import_index.c   a large import: recorded IDs, the name indexes dropped
 *                    and built again, the WAL's checkpoints */
#ifndef PARVANDE_IMPORT_INTERNAL_H
#define PARVANDE_IMPORT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store_internal.h"
#include "parvande/csv.h"
#include "parvande/import.h"
#include "parvande/records.h"

#define PIPE_CHUNK 128            /* rows handed from the reader to the writer at once */
#define PIPE_CHUNKS 4             /* chunks in flight */
#define KEY_SZ 64
#define ROW_NEVER UINT32_MAX

typedef enum col_kind { COL_PERSON, COL_HOUSEHOLD, COL_CASEFILE } col_kind;

typedef struct layout {
    size_t ncols;
    col_kind kind[PV_CSV_MAX_FIELDS];
    const char *field[PV_CSV_MAX_FIELDS]; /* machine name (static strings) */
    char *names[PV_CSV_MAX_FIELDS];       /* the header as written, for --rejects */
    int natid, household;                 /* column indexes; household -1 if absent */
} layout;

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
    atomic_bool stop; /* set when the hash is no longer wanted */
    char sha[65];
    pv_status rc;
    pv_error err;
} file_hash;

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


/* ---- import_tables.c: open addressing, no per-entry allocation ---- */

/* A household key's hash for pass 1's map (never 0). */
/* Drops the national ID's index and sets the guard that refuses new persons
 * to every connection but the one whose bulk_writer is set (inside the
 * caller's transaction; core/import_index.c). */
pv_status imp_natid_guard(pv_ctx *ctx, pv_error *err);
uint64_t imp_hash_key(const char *s);
/* Records `row` as the key's last (and, the first time, first) row; false
 * when out of memory. */
bool imp_hh_put(hh_map *m, uint64_t h, uint32_t row);
/* The slot of a key's hash; NULL when pass 1 did not see it. */
const hh_slot *imp_hh_find(const hh_map *m, uint64_t h);
/* A set for `rows` national IDs; false when out of memory. */
bool imp_ids_init(id_set *s, unsigned long rows);
/* The line of the row that imported this national ID, or 0. */
long imp_ids_line(const id_set *s, const char *natid);
void imp_ids_add(id_set *s, const char *natid, long line);
/* Takes back imp_ids_add (the row was not imported after all). */
void imp_ids_forget(id_set *s, const char *natid);
/* The nine digits before the check digit, as a number. */
uint64_t imp_natid_body(const char *natid);
/* A household key's 64 bits for the filter of recorded keys. */
uint64_t imp_key_hash64(const char *key);
void imp_bloom_add(id_bloom *b, uint64_t body);
/* Whether the ID (or key) may have been recorded; true without a filter. */
bool imp_bloom_maybe(const id_bloom *b, uint64_t body);

/* ---- import_pass1.c ---- */

/* Frees the header's names. */
void imp_layout_free(layout *l);
/* Whether a cell is empty or only blanks. */
bool imp_is_blank(const char *s);
/* The household key of a cell, trimmed ("" when blank). */
pv_status imp_household_key(const char *cell, char out[KEY_SZ], pv_error *err);
/* Starts hashing the file on a thread of its own; imp_hash_finish joins it
 * and hands over its error, if any. */
void imp_hash_start(file_hash *h, const char *path);
pv_status imp_hash_finish(file_hash *h, pv_error *err);
/* Pass 1: the header into im->lay, the rows counted, every household
 * key's first and last rows into im->hh. */
pv_status imp_first_pass(importer *im, FILE *f, pv_error *err);

/* ---- import_reader.c ---- */

/* Parses every cell of the row into p (starting from the stored person
 * when there is one) and the case-file values into cf. */
pv_status imp_parse_row(const layout *l, const prow *r, pv_person *p, pv_casefile *cf,
                        bool cf_given[2], pv_error *rerr);
/* Starts the reader thread over im->pipe.csv. */
pv_status imp_pipe_start(importer *im, pv_error *err);
/* Stops the reader (if it still runs) and frees the chunks. */
void imp_pipe_end(importer *im);
/* The next chunk from the reader, waiting for it; imp_pipe_give_back
 * hands it back to be filled again. */
chunk *imp_pipe_take(importer *im, size_t at);
void imp_pipe_give_back(importer *im, chunk *c);

/* ---- import_fast.c ---- */

/* Queues a row that adds a new person, when it can go the fast way;
 * false (nothing done) when it cannot. */
bool imp_queue_row(importer *im, prow *r);
/* Writes the queued rows; when the database refuses one, each is handled
 * again the slow way. */
pv_status imp_flush_queued(importer *im, pv_error *err);

/* ---- import_index.c ---- */

/* Loads the national IDs and household keys already recorded into filters
 * (a large file only). */
pv_status imp_bloom_load(importer *im, pv_error *err);
/* Pass 2 in the audit trail's bulk mode, without the name indexes when
 * the file is large (built again at the end). */
pv_status imp_import_pass(importer *im, FILE *f, const char *path, pv_error *err);

/* ---- import.c ---- */

/* A cell of the row ("" past its end). */
const char *imp_row_field(const prow *r, size_t i);
/* Forgets the household of the previous row. */
void imp_forget_household(importer *im);
/* The case file a row's values make of `cur`; *changed when it differs. */
void imp_casefile_next(const pv_casefile *cur, const pv_casefile *given,
                       const bool cf_given[2], pv_casefile *next, bool *changed);
/* Whether an error ends the import (not only the row). */
bool imp_fatal(pv_status rc);
/* Handles one row the reader prepared: queued, rejected or written. */
pv_status imp_import_row(importer *im, prow *r, bool fast, pv_error *err);
/* Pass 2: every row read, handled and committed in batches. */
pv_status imp_second_pass(importer *im, FILE *f, pv_error *err);

#endif
