/* parvande — identifiers: national IDs of persons and of legal entities,
 * and phone numbers. */
#ifndef PARVANDE_VALIDATE_H
#define PARVANDE_VALIDATE_H

#include <stdbool.h>
#include "parvande/error.h"

/* True when `s` is ten ASCII digits, not all the same, with a correct check
 * digit (weights 10..2, mod 11; remainder < 2 is the digit, else 11 - r). */
bool pv_natid_valid(const char *s);

/* Parses a person's national ID typed in ASCII, Persian or Arabic-Indic
 * digits (spaces and dashes allowed) into ten ASCII digits in out.
 * PV_EINVAL names `field` and says why: wrong length, not digits, all the
 * same digit, or a wrong check digit. */
pv_status pv_natid_parse(const char *in, const char *field, char out[11], pv_error *err);

/* The legal-entity national ID (شناسه ملی): eleven digits with its own check digit. */
bool pv_legal_id_valid(const char *s);
pv_status pv_legal_id_parse(const char *in, const char *field, char out[12], pv_error *err);

/* Iranian phone: landline or mobile, 8-11 digits after normalising digits
 * and dropping separators, "+98"/"0098" turned into "0". */
pv_status pv_phone_parse(const char *in, const char *field, char out[16], pv_error *err);

#endif
