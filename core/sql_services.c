/* parvande — schema of the service catalog, eligibility rules, enrollments
 * and credits. (Filled by the services module.) */
#include "internal.h"

const char pv_sql_services[] = "";
