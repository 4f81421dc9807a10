/* parvande — user and audit commands (filled by the security module). */
#include "cli.h"

const pv_command pv_cmds_security[] = {
    {NULL, NULL, NULL, NULL},
};
