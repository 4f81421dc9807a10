/* parvande — the sources of a file's notices (file_notices.h). Add a line
 * per source, in the order they should show. */
#include <stdlib.h>

#include "file_notices.h"
#include "screen_referral.h"

/* The person's open referrals (card 003 and any card that refers). */
static void referral_notices(pv_ui *ui, const char *national_id, pv_rows *out)
{
    char *lines[8];
    size_t n = pv_ui_open_referral_lines(ui, national_id, lines, 8);
    for (size_t i = 0; i < n; i++) {
        pv_row *r = pv_rows_add(out, 0, NULL, lines[i]);
        if (r)
            r->flags = PV_T_DATA | PV_T_UI;
        free(lines[i]);
    }
}

const pv_file_notice_fn pv_file_notice_sources[] = {
    referral_notices,
    NULL,
};
