/* parvande — today's date (see pv_today in include/parvande/context.h).
 * Kept apart from the calendar so the calendar stays pure. */
#include <stdlib.h>
#include <time.h>

#include "parvande/calendar.h"
#include "parvande/context.h"

/* $PARVANDE_TODAY (a valid ISO date) fixes "today" for tests and for
 * replaying a day's work; otherwise the local date, which is the date a
 * caseworker in Iran sees on the office wall. */
void pv_today(char out[11])
{
    const char *env = getenv("PARVANDE_TODAY");
    pv_date g;
    if (env && pv_iso_parse(env, &g)) {
        pv_iso_format(g, out);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm) && !gmtime_r(&now, &tm)) {
        pv_iso_format((pv_date){1970, 1, 1}, out);
        return;
    }
    pv_iso_format((pv_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday}, out);
}
