/* parvande — streaming RFC 4180 CSV reader (see include/parvande/csv.h).
 *
 * Each record is read in two passes over one buffer: scan() finds where
 * the record and its fields end, refilling the buffer (and starting the
 * scan again) when the record runs past what has been read; finish() then
 * removes the quotes in place and NUL-terminates every field. Quoted text
 * only ever shrinks, so no copy is needed. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/csv.h"
#include "parvande/i18n.h"

#define CSV_FIRST_CAP (256u * 1024u)

typedef struct csv_field {
    size_t off, end;   /* raw extent in buf (end: the delimiter's position) */
    bool quoted;
    char *s;           /* after finish(): the value, NUL-terminated */
    size_t len;
} csv_field;

struct pv_csv {
    FILE *f;
    char *buf;
    size_t cap, len;   /* buf holds len bytes; one spare byte always kept */
    size_t pos;        /* where the next record starts */
    bool eof, bom_done;
    long line;         /* physical line at pos */
    long rec_line;     /* where the current record started */
    csv_field *fields;
    size_t nf, fcap;
    const char *rec_err;
};

enum scan_result { SCAN_RECORD, SCAN_MORE, SCAN_END, SCAN_TOO_MANY };
enum scan_state { ST_START, ST_PLAIN, ST_QUOTED, ST_AFTER_QUOTE };

pv_csv *pv_csv_new(FILE *f)
{
    pv_csv *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->f = f;
    r->cap = CSV_FIRST_CAP;
    r->buf = malloc(r->cap);
    r->fcap = 32;
    r->fields = malloc(r->fcap * sizeof *r->fields);
    r->line = 1;
    if (!r->buf || !r->fields) {
        pv_csv_free(r);
        return NULL;
    }
    return r;
}

void pv_csv_free(pv_csv *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->fields);
    free(r);
}

/* Moves the unread part to the front and reads more. -1 with err filled
 * when reading fails or a record would grow past the limit. */
static int refill(pv_csv *r, pv_error *err)
{
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->len > PV_CSV_MAX_RECORD) { /* the unfinished record alone is this long */
        pv_error_set(err, PV_EINVAL, "csv", _("line %ld: a record is longer than %u bytes"),
                     r->line, PV_CSV_MAX_RECORD);
        return -1;
    }
    if (r->len + 1 >= r->cap) {
        char *nb = realloc(r->buf, r->cap * 2);
        if (!nb) {
            pv_error_set(err, PV_EFAIL, "csv", "%s", _("out of memory"));
            return -1;
        }
        r->buf = nb;
        r->cap *= 2;
    }
    size_t got = fread(r->buf + r->len, 1, r->cap - r->len - 1, r->f);
    r->len += got;
    if (got == 0) {
        if (ferror(r->f)) {
            pv_error_set(err, PV_EFAIL, "csv", "%s", _("the CSV file could not be read"));
            return -1;
        }
        r->eof = true;
    }
    return 0;
}

static bool add_field(pv_csv *r, size_t off, size_t end, bool quoted)
{
    if (r->nf == r->fcap) {
        if (r->fcap >= PV_CSV_MAX_FIELDS)
            return false;
        size_t ncap = r->fcap * 2;
        csv_field *nf = realloc(r->fields, ncap * sizeof *nf);
        if (!nf)
            return false;
        r->fields = nf;
        r->fcap = ncap;
    }
    r->fields[r->nf++] = (csv_field){.off = off, .end = end, .quoted = quoted};
    return true;
}

/* Skips blank lines before a record (updating pos and line). False when
 * more data is needed to decide. */
static bool skip_blank(pv_csv *r)
{
    while (r->pos < r->len) {
        char c = r->buf[r->pos];
        if (c == '\n') {
            r->pos++;
            r->line++;
        } else if (c == '\r') {
            if (r->pos + 1 >= r->len && !r->eof)
                return false;
            r->pos += (r->pos + 1 < r->len && r->buf[r->pos + 1] == '\n') ? 2 : 1;
            r->line++;
        } else {
            return true;
        }
    }
    return r->eof;
}

/* Consumes the line break at *i (CR, LF or CRLF). False when a CR is the
 * last byte read and we cannot yet tell whether LF follows. */
static bool eat_newline(const pv_csv *r, size_t *i)
{
    if (r->buf[*i] == '\r') {
        if (*i + 1 >= r->len && !r->eof)
            return false;
        *i += (*i + 1 < r->len && r->buf[*i + 1] == '\n') ? 2 : 1;
    } else {
        (*i)++;
    }
    return true;
}

static inline bool plain_byte(char c)
{
    return c != ',' && c != '\n' && c != '\r' && c != '"' && c != '\0';
}

/* Finds the extent of the record at pos. On SCAN_RECORD, *next is where
 * the following record starts and *line_after the line there. */
static enum scan_result scan(pv_csv *r, size_t *next, long *line_after)
{
    if (!skip_blank(r))
        return SCAN_MORE;
    const char *b = r->buf;
    size_t n = r->len, i = r->pos, fstart = i;
    long line = r->line;
    enum scan_state st = ST_START;
    r->nf = 0;
    r->rec_err = NULL;
    r->rec_line = line;
    if (i >= n)
        return r->eof ? SCAN_END : SCAN_MORE;
    for (;;) {
        if (i >= n) {
            if (!r->eof)
                return SCAN_MORE;
            if (st == ST_QUOTED)
                r->rec_err = N_("a quoted field is not closed before the end of the file");
            if (!add_field(r, fstart, i, st == ST_QUOTED || st == ST_AFTER_QUOTE))
                return SCAN_TOO_MANY;
            *next = i;
            *line_after = line;
            return SCAN_RECORD;
        }
        char c = b[i];
        if (st == ST_START) {
            if (c == '"') {
                st = ST_QUOTED;
                i++;
                continue;
            }
            st = ST_PLAIN;
        }
        if (st == ST_QUOTED) {
            while (i < n && b[i] != '"' && b[i] != '\0') {
                line += b[i] == '\n';
                i++;
            }
            if (i >= n)
                continue;
            if (b[i] == '\0') {
                r->rec_err = N_("the record contains a NUL byte");
                i++;
                continue;
            }
            if (i + 1 >= n && !r->eof)
                return SCAN_MORE;
            if (i + 1 < n && b[i + 1] == '"') {
                i += 2;
            } else {
                st = ST_AFTER_QUOTE;
                i++;
            }
            continue;
        }
        if (st == ST_PLAIN) {
            while (i < n && plain_byte(b[i]))
                i++;
            if (i >= n)
                continue;
            c = b[i];
        }
        if (c == ',') {
            if (!add_field(r, fstart, i, st == ST_AFTER_QUOTE))
                return SCAN_TOO_MANY;
            i++;
            fstart = i;
            st = ST_START;
        } else if (c == '\n' || c == '\r') {
            size_t end = i;
            if (!eat_newline(r, &i))
                return SCAN_MORE;
            if (!add_field(r, fstart, end, st == ST_AFTER_QUOTE))
                return SCAN_TOO_MANY;
            *next = i;
            *line_after = line + 1;
            return SCAN_RECORD;
        } else {
            if (!r->rec_err)
                r->rec_err = c == '\0' ? N_("the record contains a NUL byte")
                           : st == ST_AFTER_QUOTE ? N_("text follows a closing quote")
                                                  : N_("a quote inside an unquoted field");
            i++;
        }
    }
}

/* Removes quotes in place and NUL-terminates each field. */
static void finish(pv_csv *r)
{
    char *b = r->buf;
    for (size_t k = 0; k < r->nf; k++) {
        csv_field *f = &r->fields[k];
        size_t w = f->off;
        if (f->quoted) {
            size_t s = f->off + 1;
            while (s < f->end) {
                if (b[s] != '"') {
                    b[w++] = b[s++];
                } else if (s + 1 < f->end && b[s + 1] == '"') {
                    b[w++] = '"';
                    s += 2;
                } else {
                    s++; /* the closing quote; anything after it was flagged */
                    while (s < f->end)
                        b[w++] = b[s++];
                }
            }
        } else {
            w = f->end;
        }
        b[w] = '\0';
        f->s = b + f->off;
        f->len = w - f->off;
    }
}

int pv_csv_next(pv_csv *r, pv_error *err)
{
    r->nf = 0;
    while (!r->bom_done) {
        if (r->len - r->pos >= 3 || r->eof) {
            if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0)
                r->pos += 3;
            r->bom_done = true;
        } else if (refill(r, err) != 0) {
            return -1;
        }
    }
    for (;;) {
        size_t next = 0;
        long line_after = 0;
        switch (scan(r, &next, &line_after)) {
        case SCAN_RECORD:
            finish(r);
            r->pos = next;
            r->line = line_after;
            return 1;
        case SCAN_END:
            r->nf = 0;
            return 0;
        case SCAN_TOO_MANY:
            r->nf = 0;
            pv_error_set(err, PV_EINVAL, "csv", _("line %ld: more than %d fields in a record"),
                         r->rec_line, PV_CSV_MAX_FIELDS);
            return -1;
        case SCAN_MORE:
            if (refill(r, err) != 0) {
                r->nf = 0;
                return -1;
            }
            break;
        }
    }
}

size_t pv_csv_count(const pv_csv *r)
{
    return r->nf;
}

const char *pv_csv_field(const pv_csv *r, size_t i)
{
    return i < r->nf ? r->fields[i].s : "";
}

size_t pv_csv_field_len(const pv_csv *r, size_t i)
{
    return i < r->nf ? r->fields[i].len : 0;
}

long pv_csv_line(const pv_csv *r)
{
    return r->rec_line;
}

const char *pv_csv_record_error(const pv_csv *r)
{
    return r->rec_err;
}

static bool needs_quotes(const char *s)
{
    if (!*s)
        return false;
    if (*s == ' ' || s[strlen(s) - 1] == ' ')
        return true;
    return strpbrk(s, ",\"\r\n") != NULL;
}

int pv_csv_write_row(FILE *f, const char *const *values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = values[i] ? values[i] : "";
        if (i > 0)
            putc(',', f);
        if (!needs_quotes(s)) {
            fputs(s, f);
            continue;
        }
        putc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                putc('"', f);
            putc(*s, f);
        }
        putc('"', f);
    }
    putc('\n', f);
    return ferror(f) ? -1 : 0;
}
