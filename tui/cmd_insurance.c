/* parvande — the yearly insurance cycle commands (placeholder table until
 * the commands land). */
#include "cli.h"

const pv_command pv_cmds_insurance[] = {
    {NULL, NULL, NULL, NULL},
};
