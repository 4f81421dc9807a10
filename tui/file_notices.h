/* parvande — the notices at the top of a file: short lines other parts of
 * the interface want a caseworker to see first (a person's open referrals,
 * the group they belong to, ...). Each part adds one source to the table
 * in file_notices.c; the file screen shows every line a source gives. */
#ifndef PARVANDE_TUI_FILE_NOTICES_H
#define PARVANDE_TUI_FILE_NOTICES_H

#include "widget.h"

/* Adds the notices of the person with this national ID to `out`, one row
 * each (pv_rows_add(out, 0, NULL, text); set PV_T_DATA in the row's flags
 * when the text quotes stored data). Nothing to say: add nothing. A failure
 * adds nothing (or one line saying so); it never stops the file opening. */
typedef void (*pv_file_notice_fn)(pv_ui *ui, const char *national_id, pv_rows *out);

/* NULL-terminated. */
extern const pv_file_notice_fn pv_file_notice_sources[];

#endif
