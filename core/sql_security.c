/* parvande — schema of users and the audit trail. (Filled by the security module.) */
#include "internal.h"

const char pv_sql_security[] = "";
