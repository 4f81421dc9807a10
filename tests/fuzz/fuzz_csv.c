/* parvande — fuzz target: the CSV reader over arbitrary bytes. Every record
 * is read to the end; each field must be within the reported count and
 * length, and a record error must be a message, never a crash. */
#include <stdio.h>

#include "fuzz.h"
#include "parvande/csv.h"
#include "parvande/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fmemopen((void *)data, size ? size : 1, "rb");
    if (!f)
        return 0;
    if (size == 0)
        fgetc(f); /* an empty stream: fmemopen refuses size 0 */
    pv_csv *r = pv_csv_new(f);
    pv_error err = PV_ERROR_INIT;
    int rc;
    while (r && (rc = pv_csv_next(r, &err)) > 0) {
        size_t n = pv_csv_count(r);
        for (size_t i = 0; i <= n; i++) {
            const char *v = pv_csv_field(r, i);
            if (strlen(v) > pv_csv_field_len(r, i))
                abort(); /* a field longer than its own length */
        }
        (void)pv_csv_line(r);
        (void)pv_csv_record_error(r);
    }
    pv_error_clear(&err);
    pv_csv_free(r);
    fclose(f);
    return 0;
}
