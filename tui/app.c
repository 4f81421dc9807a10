/* parvande — the full-screen interface (being built; see the interface issue). */
#include <stdio.h>

#include "cli.h"
#include "parvande/i18n.h"

int pv_tui_run(pv_cli *cli)
{
    (void)cli;
    fprintf(stderr, "parvande: %s\n", _("the full-screen interface is not built yet; see --help"));
    return PV_EXIT_FAIL;
}
