/* parvande — error values (see include/parvande/error.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/error.h"
#include "parvande/i18n.h"

void pv_error_clear(pv_error *err)
{
    if (!err)
        return;
    free(err->field);
    free(err->message);
    err->field = NULL;
    err->message = NULL;
    err->status = PV_OK;
}

pv_status pv_error_setv(pv_error *err, pv_status status, const char *field,
                        const char *fmt, va_list ap)
{
    if (!err)
        return status;
    pv_error_clear(err);
    err->status = status;
    err->field = field ? strdup(field) : NULL;
    if (vasprintf(&err->message, fmt, ap) < 0)
        err->message = NULL;
    return status;
}

pv_status pv_error_set(pv_error *err, pv_status status, const char *field,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pv_status st = pv_error_setv(err, status, field, fmt, ap);
    va_end(ap);
    return st;
}

pv_status pv_error_field(pv_error *err, const char *field, const char *reason)
{
    /* TRANSLATORS: a field's label, a colon, and why its value was refused. */
    return pv_error_set(err, PV_EINVAL, field, _("%s: %s"), pv_field_label(field), reason);
}
