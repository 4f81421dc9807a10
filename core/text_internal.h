/* parvande — character classes that core's text, identifier and date
 * parsing share (text.c, validate.c, calendar.c), so that a number typed
 * on a Persian keyboard reads the same everywhere. Not part of the public
 * API. */
#ifndef PARVANDE_TEXT_INTERNAL_H
#define PARVANDE_TEXT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

/* The value of an ASCII, Persian (U+06F0..) or Arabic-Indic (U+0660..)
 * digit, else -1. */
int pv_digit_value(uint32_t cp);

/* What may stand around and inside a typed number without meaning
 * anything: spaces (also no-break), ZWNJ, and the invisible direction
 * marks and bidi controls a Persian keyboard or a copied cell slips in. */
bool pv_is_number_mark(uint32_t cp);

#endif
