/* parvande — the command line's share of the caseworker's desk: writing an
 * assessment (what the interface's F6 does), so a script (the demo
 * database, an office's own tools) can give a file its first assessment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "draw.h"
#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/records.h"
#include "parvande/services.h"
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

/* "fact.KEY" as a whole name in a rule's text. */
static bool rule_reads(const char *rule, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = strstr(rule, "fact."); p; p = strstr(p + 1, "fact.")) {
        const char *k = p + 5;
        char after = k[n];
        bool word_end = !((after >= 'a' && after <= 'z') || (after >= '0' && after <= '9') ||
                          after == '_' || after == '.');
        if (strncmp(k, key, n) == 0 && word_end)
            return true;
    }
    return false;
}

bool pv_cli_fact_key_read(pv_ctx *ctx, const char *key)
{
    size_t nk;
    const pv_fact_key *keys = pv_fact_keys(&nk);
    for (size_t i = 0; i < nk; i++)
        if (strcmp(keys[i].key, key) == 0)
            return true;
    pv_error err = PV_ERROR_INIT;
    pv_service_info *svc = NULL;
    size_t n = 0;
    bool read = false;
    if (pv_service_list(ctx, &svc, &n, &err) != PV_OK) {
        pv_error_clear(&err);
        return true; /* cannot tell: the core's own checks still apply */
    }
    for (size_t i = 0; i < n && !read; i++) {
        if (strcmp(svc[i].group_fact, key) == 0) {
            read = true;
            break;
        }
        pv_criterion_info *c = NULL;
        size_t nc = 0;
        if (pv_service_criteria(ctx, svc[i].code, &c, &nc, &err) != PV_OK) {
            pv_error_clear(&err);
            continue;
        }
        for (size_t j = 0; j < nc && !read; j++)
            read = rule_reads(c[j].rule, key);
        free(c);
    }
    free(svc);
    return read;
}

void pv_cli_put_money(const pv_cli *cli, FILE *f, long long rials)
{
    pv_draw d = {.rtl = cli->lang == PV_LANG_FA}; /* the interface's own format */
    char buf[64];
    pv_draw_money(&d, rials, buf, sizeof buf);
    fputs(buf, f);
}
