/* parvande — a command's arguments: its options and positional words, and
 * the usage line printed when they are wrong. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int pv_cli_parse_fd(const char *s)
{
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : -1;
    if (!s || !*s || *end || errno || v < 0 || v > 65535)
        return -1;
    return (int)v;
}

int pv_cli_usage(const pv_command *cmd)
{
    fprintf(stderr, "%s parvande %s %s\n", _("usage:"), cmd->name, _(cmd->usage));
    return PV_EXIT_USAGE;
}

int pv_cli_help(const pv_command *cmd)
{
    printf("%s parvande %s %s\n      %s\n", _("usage:"), cmd->name, _(cmd->usage), _(cmd->summary));
    printf("%s\n", _("The manual page (man parvande) describes every command in full."));
    return PV_EXIT_OK;
}

int pv_cli_usage_self(const pv_cli *cli)
{
    return cli->cmd ? pv_cli_usage(cli->cmd) : PV_EXIT_USAGE;
}

static const pv_cli_opt *find_opt(const pv_cli_opt *opts, const char *word)
{
    for (; opts->name; opts++)
        if (strcmp(opts->name, word) == 0)
            return opts;
    return NULL;
}

int pv_cli_parse(const pv_cli *cli, int from, const pv_cli_opt *opts, const char **pos,
                 int max_pos)
{
    int n = 0;
    for (int i = from; i < cli->argc; i++) {
        const char *a = cli->argv[i];
        const pv_cli_opt *o = find_opt(opts, a);
        /* Each refusal says which word and why; the caller adds the usage. */
        if (o && o->flag) {
            *o->flag = true;
        } else if (o) {
            if (i + 1 >= cli->argc) {
                fprintf(stderr, "parvande: %s: %s\n", a, _("a value is needed after it"));
                return -1;
            }
            if (o->valid && !o->valid(cli->argv[i + 1]))
                return -1; /* the check said why */
            *o->value = cli->argv[++i];
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "parvande: %s: %s\n", _("unknown option"), a);
            return -1;
        } else if (n >= max_pos) {
            fputs("parvande: ", stderr);
            fprintf(stderr, "%s: ", _("one argument too many"));
            pv_cli_put(stderr, a);
            fputc('\n', stderr);
            return -1;
        } else {
            pos[n++] = a;
        }
    }
    return n;
}

int pv_cli_parse_between(const pv_cli *cli, int from, const pv_cli_opt *opts, const char **pos,
                         int room, int min_pos, int max_pos)
{
    int n = pv_cli_parse(cli, from, opts, pos, room);
    return n < min_pos || n > max_pos ? -1 : n;
}
