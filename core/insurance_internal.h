/* parvande — what insurance.c and insurance_import.c share. */
#ifndef PARVANDE_INSURANCE_INTERNAL_H
#define PARVANDE_INSURANCE_INTERNAL_H

#include <stdbool.h>
#include "parvande/error.h"

/* A typed date (Jalali or ISO) into out; on failure the error names the
 * field by `label` as the user knows it ("Policy start: ...") rather than
 * by its machine name `field`. */
bool ins_date(const char *in, const char *field, const char *label, char out[11],
              pv_error *err);

#endif
