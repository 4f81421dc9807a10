/* parvande — command-line dispatch, global options and shared helpers. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parvande/audit.h"
#include "parvande/i18n.h"
#include "parvande/text.h"

static const pv_command *const cmd_tables[] = {
    pv_cmds_files,
    pv_cmds_services,
    pv_cmds_security,
    pv_cmds_batch,
    pv_cmds_desk,
    pv_cmds_groups,
    pv_cmds_referrals,
    pv_cmds_insurance,
    pv_cmds_stats,
    pv_cmds_exchange,
    NULL,
};

static const pv_command *find_command(const char *name)
{
    for (size_t t = 0; cmd_tables[t]; t++)
        for (const pv_command *c = cmd_tables[t]; c->name; c++)
            if (strcmp(c->name, name) == 0)
                return c;
    return NULL;
}

const pv_command *pv_cli_find(const char *name)
{
    return find_command(name);
}

static void print_help(FILE *f)
{
    fprintf(f, "%s\n\n", _("parvande — case files of welfare beneficiaries"));
    fprintf(f, "%s\n", _("usage: parvande [--db PATH] [--lang fa|en] [--user NAME [--password-fd N]] [COMMAND [ARGS]]"));
    fprintf(f, "%s\n\n", _("Without a command, the full-screen interface opens."));
    fprintf(f, "%s\n", _("Commands:"));
    for (size_t t = 0; cmd_tables[t]; t++)
        for (const pv_command *c = cmd_tables[t]; c->name; c++)
            fprintf(f, "  %s %s\n      %s\n", c->name, _(c->usage), _(c->summary));
    fprintf(f, "\n%s\n", _("Options:"));
    fprintf(f, "  --db PATH      %s\n", _("database file (default: $PARVANDE_DB, else $XDG_DATA_HOME/parvande/parvande.db)"));
    fprintf(f, "  --lang fa|en   %s\n", _("language of messages (default: Persian)"));
    fprintf(f, "  --user NAME    %s\n", _("log in as NAME (needed once the database has users)"));
    fprintf(f, "  --password-fd N  %s\n", _("read the password from file descriptor N (else the terminal)"));
    fprintf(f, "  --tsv          %s\n", _("tab-separated output, one record a line, no header"));
    fprintf(f, "  --help, --version\n");
    fprintf(f, "\n%s\n", _("Exit status: 0 ok, 1 other failure, 2 usage, 3 input rejected, "
                           "4 not eligible, 5 not found, 6 not permitted."));
}

/* `parvande COMMAND ... --help` (or -h) as the last word: the command's
 * usage and summary, before any database is opened or password asked. */
static bool asks_help(const pv_cli *cli)
{
    const char *last = cli->argv[cli->argc - 1];
    return cli->argc > 1 && (strcmp(last, "--help") == 0 || strcmp(last, "-h") == 0);
}

/* One usage line and where the rest is, for a mistyped command or option:
 * the whole help would scroll the mistake off the screen. */
static int usage_line(void)
{
    fprintf(stderr, "%s\n", _("usage: parvande [--db PATH] [--lang fa|en] [--user NAME [--password-fd N]] [COMMAND [ARGS]]"));
    fprintf(stderr, "%s\n", _("parvande --help lists the commands."));
    return PV_EXIT_USAGE;
}

/* The interface language: --lang, else the locale's (fa unless it says en). */
static pv_lang default_lang(void)
{
    const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG", NULL};
    for (int i = 0; vars[i]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strncmp(v, "en", 2) == 0 ? PV_LANG_EN : PV_LANG_FA;
    }
    return PV_LANG_FA;
}

static int parse_lang(const char *s, pv_lang *out)
{
    if (strcmp(s, "fa") == 0)
        *out = PV_LANG_FA;
    else if (strcmp(s, "en") == 0)
        *out = PV_LANG_EN;
    else
        return -1;
    return 0;
}

int pv_main(int argc, char **argv)
{
    pv_i18n_init();
    pv_cli cli = {.lang = default_lang(), .password_fd = -1};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            cli.db_path = argv[++i];
        } else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc) {
            cli.user = argv[++i];
        } else if (strcmp(argv[i], "--password-fd") == 0 && i + 1 < argc) {
            if ((cli.password_fd = pv_cli_parse_fd(argv[++i])) < 0) {
                fprintf(stderr, "parvande: %s\n", _("--password-fd takes a file descriptor number"));
                return PV_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
            if (parse_lang(argv[++i], &cli.lang) != 0) {
                fprintf(stderr, "parvande: %s\n", _("--lang takes fa or en"));
                return PV_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("parvande %s\n", PV_VERSION);
            return PV_EXIT_OK;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            pv_i18n_set_lang(cli.lang == PV_LANG_EN ? "en" : "fa");
            print_help(stdout);
            return PV_EXIT_OK;
        } else {
            break;
        }
    }
    pv_i18n_set_lang(cli.lang == PV_LANG_EN ? "en" : "fa");
    pv_cli_set_message_lang(cli.lang);
    if (i < argc && argv[i][0] == '-') { /* an option none of the above */
        fprintf(stderr, "parvande: %s: %s\n", _("unknown option"), argv[i]);
        return usage_line();
    }
    cli.argc = argc - i;
    cli.argv = argv + i;
    int rc;
    if (cli.argc == 0) {
        rc = pv_tui_run(&cli);
    } else {
        const pv_command *cmd = find_command(cli.argv[0]);
        if (!cmd) {
            fprintf(stderr, "parvande: %s: %s\n", _("unknown command"), cli.argv[0]);
            return usage_line();
        }
        cli.cmd = cmd;
        rc = asks_help(&cli) ? pv_cli_help(cmd) : cmd->run(&cli);
    }
    pv_ctx_close(cli.ctx);
    return rc;
}
