/* parvande — the sources of a file's notices (file_notices.h). Add a line
 * per source, in the order they should show. */
#include <stdlib.h>

#include "file_notices.h"
#include "screen_referral.h"
#include "parvande/services.h"

/* What the records say of the person: her group, its steps, dated events,
 * inquiries (the facts the records imply, one line each). */
static void group_notices(pv_ui *ui, const char *national_id, pv_rows *out)
{
    pv_fact *facts = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    if (pv_fact_list(ui->ctx, national_id, &facts, &n, &err) != PV_OK) {
        pv_error_clear(&err);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char line[PV_LABEL_SZ];
        pv_row *r;
        if (pv_groups_fact_line(&facts[i], line, sizeof line) &&
            (r = pv_rows_add(out, 0, NULL, line)))
            r->flags = PV_T_DATA | PV_T_UI;
    }
    free(facts);
}

/* The person's open referrals (card 003 and any card that refers). */
static void referral_notices(pv_ui *ui, const char *national_id, pv_rows *out)
{
    char *lines[8];
    size_t n = pv_ui_open_referral_lines(ui, national_id, lines, 8);
    if (n > 0)
        pv_rows_add(out, 0, NULL, _("Open referrals"));
    for (size_t i = 0; i < n; i++) {
        pv_row *r = pv_rows_add(out, 0, NULL, lines[i]);
        if (r)
            r->flags = PV_T_DATA | PV_T_UI;
        free(lines[i]);
    }
}

const pv_file_notice_fn pv_file_notice_sources[] = {
    referral_notices,
    group_notices,
    NULL,
};
