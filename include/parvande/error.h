/* parvande — errors: a status plus a message the caller owns.
 *
 * Every core function that can fail returns a pv_status and, when given a
 * non-NULL pv_error, fills it with a translated message naming the field and
 * the reason ("National ID: the check digit is wrong"). The caller owns the
 * strings inside and releases them with pv_error_clear(); a pv_error must be
 * zero-initialised (PV_ERROR_INIT) before first use and may be reused after
 * clearing. Library code never aborts and never returns static buffers.
 */
#ifndef PARVANDE_ERROR_H
#define PARVANDE_ERROR_H

#include <stdarg.h>

/* The numbers are the command line's exit statuses where one applies. */
typedef enum pv_status {
    PV_OK = 0,
    PV_EFAIL = 1,       /* anything else: database, memory, I/O */
    PV_EUSAGE = 2,      /* the caller asked wrongly */
    PV_EINVAL = 3,      /* input rejected by validation */
    PV_EINELIGIBLE = 4, /* a service's rule refused */
    PV_ENOTFOUND = 5,   /* no such record */
    PV_EDENIED = 6,     /* the acting user may not do this */
    PV_ECONFLICT = 7,   /* a limit or a concurrent change refused it */
    PV_ELOCKED = 8      /* an account is locked */
} pv_status;

typedef struct pv_error {
    pv_status status; /* PV_OK while no error is recorded */
    char *field;      /* owned; machine name of the field ("national_id"), or NULL */
    char *message;    /* owned; translated sentence for the user, or NULL */
} pv_error;

#define PV_ERROR_INIT {PV_OK, NULL, NULL}

/* Frees the strings and resets to PV_OK. NULL is allowed. */
void pv_error_clear(pv_error *err);

/* Records an error (replacing any earlier one) and returns `status`, so a
 * caller can write `return pv_error_set(err, PV_EINVAL, "phone", ...)`.
 * `fmt` is already translated by the caller. `err` may be NULL. */
pv_status pv_error_set(pv_error *err, pv_status status, const char *field,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
pv_status pv_error_setv(pv_error *err, pv_status status, const char *field,
                        const char *fmt, va_list ap);

/* Records "<translated field label>: <reason>" for a field rejection.
 * `reason` is already translated. Returns PV_EINVAL. */
pv_status pv_error_field(pv_error *err, const char *field, const char *reason);

/* Translated label of a field's machine name ("national_id" -> "کد ملی"). */
const char *pv_field_label(const char *field);

#endif
