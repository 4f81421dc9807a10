/* parvande — a streaming RFC 4180 CSV reader.
 *
 * Reads one record at a time from a FILE* through one growing buffer: no
 * allocation per field or per record once the buffer has grown to the
 * longest record. Accepts a UTF-8 byte-order mark at the start, fields
 * quoted with '"' (containing commas, doubled quotes and line breaks), and
 * records ended by CRLF, LF, a lone CR or the end of the file. Blank lines
 * between records are skipped. Each record knows the physical line on which
 * it starts, so messages can point at the line a person sees in an editor.
 *
 * A record with broken quoting (text after a closing quote, a quote inside
 * an unquoted field, a quoted field still open at the end of the file) or a
 * NUL byte is still returned, with pv_csv_record_error() saying why, so an
 * importer can reject that one row and go on.
 */
#ifndef PARVANDE_CSV_H
#define PARVANDE_CSV_H

#include <stddef.h>
#include <stdio.h>
#include "parvande/error.h"

typedef struct pv_csv pv_csv;

/* The longest record accepted, in bytes; a longer one is an error of the
 * whole file (PV_EINVAL from pv_csv_next), so memory stays bounded. */
#define PV_CSV_MAX_RECORD (1u << 20)
/* The most fields a record may have. */
#define PV_CSV_MAX_FIELDS 256

/* Creates a reader of `f`, which stays owned by the caller and must stay
 * open until pv_csv_free(). Returns NULL when out of memory. */
pv_csv *pv_csv_new(FILE *f);

/* Frees the reader (not the FILE). NULL is allowed. */
void pv_csv_free(pv_csv *r);

/* Reads the next record. Returns 1 when a record was read, 0 at the end of
 * the file, or -1 on an error of the whole file (a read error, or a record
 * longer than PV_CSV_MAX_RECORD or with more than PV_CSV_MAX_FIELDS fields)
 * with `err` filled (field "csv"). Field strings stay valid until the next
 * call. */
int pv_csv_next(pv_csv *r, pv_error *err);

/* The current record's fields: NUL-terminated, quotes removed, owned by the
 * reader. pv_csv_field() returns "" for an index past the end. */
size_t pv_csv_count(const pv_csv *r);
const char *pv_csv_field(const pv_csv *r, size_t i);
size_t pv_csv_field_len(const pv_csv *r, size_t i);

/* The physical line (1-based) where the current record starts. */
long pv_csv_line(const pv_csv *r);

/* NULL when the current record is well formed, else an English reason
 * (a msgid: translate with _()). */
const char *pv_csv_record_error(const pv_csv *r);

/* Writes one record to `f`: the n values separated by commas, each quoted
 * (quotes doubled) when it holds a comma, a quote, a line break or leading
 * or trailing spaces, then "\n". Returns 0, or -1 on a write error. */
int pv_csv_write_row(FILE *f, const char *const *values, size_t n);

#endif
