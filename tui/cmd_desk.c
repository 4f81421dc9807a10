/* parvande — the command line's share of the caseworker's desk: writing an
 * assessment (what the interface's F6 does), so a script (the demo
 * database, an office's own tools) can give a file its first assessment. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/records.h"
#include "parvande/validate.h"

static int cmd_assess(pv_cli *cli);

const pv_command pv_cmds_desk[] = {
    {"assess", N_("NATIONAL_ID TEXT [--date D]"),
     N_("write a caseworker's assessment on the person's case file"), cmd_assess},
    {NULL, NULL, NULL, NULL},
};

static int cmd_assess(pv_cli *cli)
{
    const char *date = NULL, *pos[2];
    int n = 0;
    for (int i = 1; i < cli->argc; i++) {
        if (strcmp(cli->argv[i], "--date") == 0 && i + 1 < cli->argc)
            date = cli->argv[++i];
        else if (cli->argv[i][0] == '-' && cli->argv[i][1] == '-')
            return pv_cli_usage_self(cli);
        else if (n < 2)
            pos[n++] = cli->argv[i];
        else
            return pv_cli_usage_self(cli);
    }
    if (n != 2)
        return pv_cli_usage_self(cli);
    int rc = pv_cli_open(cli);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    char iso[11] = "";
    if (date && pv_date_parse(date, "date", iso, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (!date)
        pv_today(iso);
    pv_file_view *v = NULL;
    char id[PV_NATID_SZ];
    if (pv_natid_parse(pos[0], "national_id", id, &err) != PV_OK ||
        pv_file_load(cli->ctx, id, &v, &err) != PV_OK)
        return pv_cli_fail(&err);
    pv_status s = PV_OK;
    if (!v->has_file)
        s = pv_error_set(&err, PV_ENOTFOUND, "national_id", "%s",
                         _("This person's household has no case file."));
    else
        s = pv_assessment_add(cli->ctx, v->file.id, iso, pos[1], &err);
    pv_file_view_free(v);
    return s == PV_OK ? PV_EXIT_OK : pv_cli_fail(&err);
}
