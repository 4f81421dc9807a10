/* parvande — service commands (filled by the services module). */
#include "cli.h"

const pv_command pv_cmds_services[] = {
    {NULL, NULL, NULL, NULL},
};
