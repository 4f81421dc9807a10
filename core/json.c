/* parvande — JSON text written by hand: the details of audit entries (an
 * import batch's, core/audit_bulk.c) and of the entries a read-only
 * session keeps beside the database (core/storage.c). */
#include "internal.h"

void pv_json_string(sqlite3_str *s, const char *v)
{
    if (!v) {
        sqlite3_str_appendall(s, "null");
        return;
    }
    sqlite3_str_appendchar(s, 1, '"');
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\')
            sqlite3_str_appendf(s, "\\%c", *p);
        else if (*p < 0x20)
            sqlite3_str_appendf(s, "\\u%04x", *p);
        else
            sqlite3_str_appendchar(s, 1, (char)*p);
    }
    sqlite3_str_appendchar(s, 1, '"');
}
