/* parvande — one timestamp format in the database (migration 5).
 *
 * Every timestamp is UTC ISO 8601 with milliseconds,
 * "YYYY-MM-DDTHH:MM:SS.sssZ" (PV_NOW in SQL, pv_now_stamp in C). Before
 * this, enrollment events were stamped "YYYY-MM-DD HH:MM:SS" (their
 * column's DEFAULT from migration 2, which stays in the table's definition:
 * the program now writes `at` itself) and users, logins and the audit trail
 * "YYYY-MM-DDTHH:MM:SSZ". Those are rewritten here, all but the audit
 * trail: its entries are hashed as they were written, chained, and can be
 * neither changed nor deleted, so the entries from before this migration
 * keep the form without milliseconds. Both forms read the same up to the
 * seconds, which is all that shows or compares them. A user row rewritten
 * here is recorded in the trail like any other change, as the system's. */
#include "internal.h"

#define HMS "[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
#define YMD "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"

const char pv_sql_timestamps[] =
    "UPDATE enrollment_event SET at = replace(at, ' ', 'T') || '.000Z'\n"
    "  WHERE at GLOB '" YMD " " HMS "';\n"
    "UPDATE user SET created_at = substr(created_at, 1, 19) || '.000Z'\n"
    "  WHERE created_at GLOB '" YMD "T" HMS "Z';\n"
    "UPDATE login_state SET last_login = substr(last_login, 1, 19) || '.000Z'\n"
    "  WHERE last_login GLOB '" YMD "T" HMS "Z';\n";
