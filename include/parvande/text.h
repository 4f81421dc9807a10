/* parvande — Persian text: validation, normalisation and search folding.
 * Pure functions, no database. */
#ifndef PARVANDE_TEXT_H
#define PARVANDE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "parvande/error.h"

/* The most characters each kind of text holds (the records' fields are
 * sized for them, see records.h). */
#define PV_NAME_CHARS 50      /* characters in a name */
#define PV_ADDR_CHARS 300
#define PV_NOTE_CHARS 4000

typedef enum pv_text_kind {
    PV_TEXT_NAME, /* one line, letters/spaces/ZWNJ/.-', at most PV_NAME_CHARS */
    PV_TEXT_LINE, /* one line of free text (address, place), at most PV_ADDR_CHARS */
    PV_TEXT_NOTE  /* several lines (assessments, notes), at most PV_NOTE_CHARS */
} pv_text_kind;

/* Normalises text for storage: rejects malformed UTF-8, C0/C1 controls
 * (a newline is allowed in PV_TEXT_NOTE only), ESC and DEL; strips bidi
 * embedding/override/isolate controls (U+202A-E, U+2066-9) and BOM; maps
 * Arabic yeh/kaf (U+064A, U+0649, U+0643) to Persian (U+06CC, U+06A9);
 * keeps ZWNJ; trims and collapses whitespace; checks the length.
 * Writes the result into out (size bytes). Returns PV_OK, or PV_EINVAL with
 * a message naming `field` and the reason. */
pv_status pv_text_normalize(const char *in, pv_text_kind kind, const char *field,
                            char *out, size_t size, pv_error *err);

/* The search key of a name: normalised, then yeh/kaf/alef/heh variants
 * folded, tatweel, harakat, ZWNJ and all spaces dropped, Latin lowercased,
 * digits ASCII. "محمد رضا", "محمد‌رضا" and "محمدرضا" fold alike.
 * Writes into out (size bytes; truncates at a character boundary). */
void pv_text_fold(const char *in, char *out, size_t size);

/* Copies `in` into out keeping only digits, Persian (U+06F0-9) and
 * Arabic-Indic (U+0660-9) ones turned ASCII. Returns false (out is "") if
 * anything but digits (and, when allow_sep, spaces, '-', '/' which are
 * dropped) appears, or the result would not fit. */
bool pv_digits_ascii(const char *in, bool allow_sep, char *out, size_t size);

/* ASCII digits to Persian digits (U+06F0-9); other characters copied. */
void pv_digits_persian(const char *in, char *out, size_t size);

/* Rials with thousands separators: "12,500,000", or in Persian (persian
 * true) Persian digits and the Arabic thousands separator U+066C
 * ("۱۲٬۵۰۰٬۰۰۰"). Writes into out (size bytes; at most 37 needed). */
void pv_money_format(int64_t rials, bool persian, char *out, size_t size);

/* For display: a copy of possibly hostile text with every control
 * character, ESC, DEL, C1 control, bidi override/isolate and malformed
 * byte replaced by U+FFFD (newlines and tabs become spaces unless
 * keep_newlines). Never fails; truncates at a character boundary. */
void pv_text_sanitize(const char *in, bool keep_newlines, char *out, size_t size);

/* Decodes one UTF-8 character at s (n bytes available). Returns its length
 * (1-4) and the code point in *cp, or 0 for malformed input. */
size_t pv_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (4 bytes); returns the length. */
size_t pv_utf8_encode(uint32_t cp, char *out);
/* Number of code points, or -1 if malformed. */
long pv_utf8_length(const char *s);

#endif
