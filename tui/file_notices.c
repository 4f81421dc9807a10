/* parvande — the sources of a file's notices (file_notices.h). Add a line
 * per source, in the order they should show. */
#include "file_notices.h"

const pv_file_notice_fn pv_file_notice_sources[] = {
    NULL,
};
