/* parvande — `parvande batch`: many commands after one login.
 *
 * Every command logs in with Argon2id, deliberately slow (about 0.1 s), so a
 * script that looks up a thousand people would spend most of its time
 * logging in. `batch` logs in once and then reads one command a line from
 * standard input, in the syntax of the command line (without "parvande" and
 * the global options), runs it with the same output and exit status it has
 * alone, and ends with a summary on stderr. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parvande/i18n.h"

/* A line longer than this is refused (a command line is short). */
#define BATCH_LINE_MAX 65536
/* At most this many words a line. */
#define BATCH_WORDS_MAX 64

static int cmd_batch(pv_cli *cli);

const pv_command pv_cmds_batch[] = {
    {"batch", N_("[--stop-on-error]"),
     N_("run commands read from stdin, one a line (as after \"parvande\"), after one login;\n"
        "      each prints what it prints alone; a summary on stderr; exit status 0, or the\n"
        "      first failed line's"),
     cmd_batch},
    {NULL, NULL, NULL, NULL},
};

/* Commands a batch does not run: a nested batch would read the same input,
 * and init creates or migrates the database the batch has open. */
static bool batch_refuses(const char *name)
{
    return strcmp(name, "batch") == 0 || strcmp(name, "init") == 0;
}

/* Splits `line` in place into words, as a shell would for plain words:
 * blanks separate, '…' keeps everything literally, "…" keeps everything
 * but \" and \\, and a backslash outside quotes takes the next byte as it
 * is. A '#' starting a word starts a comment. Returns the number of words,
 * -1 for an unclosed quote, -2 for too many words. */
static int split_words(char *line, char **words, int max)
{
    int n = 0;
    char *in = line, *out = line;
    for (;;) {
        while (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')
            in++;
        if (*in == '\0' || *in == '#')
            return n;
        if (n == max)
            return -2;
        words[n++] = out;
        while (*in && *in != ' ' && *in != '\t' && *in != '\r' && *in != '\n') {
            char q = *in;
            if (q == '\'' || q == '"') {
                in++;
                while (*in && *in != q) {
                    if (q == '"' && *in == '\\' && (in[1] == '"' || in[1] == '\\'))
                        in++;
                    *out++ = *in++;
                }
                if (*in != q)
                    return -1;
                in++;
            } else {
                if (q == '\\' && in[1])
                    in++;
                *out++ = *in++;
            }
        }
        bool more = *in != '\0';
        *out++ = '\0';
        if (more)
            in++;
    }
}

/* "parvande: line N: reason" on stderr, numbers in the user's digits. */
static void line_message(unsigned long line, const char *reason, const char *word)
{
    char text[512];
    snprintf(text, sizeof text, "%s %lu: %s%s%s", _("line"), line, reason, word ? ": " : "",
             word ? word : "");
    fputs("parvande: ", stderr);
    pv_cli_put_message(stderr, text);
    fputc('\n', stderr);
}

/* Runs one line's words as a command; returns its exit status. */
static int run_line(pv_cli *cli, unsigned long line, int argc, char **argv)
{
    const pv_command *cmd = pv_cli_find(argv[0]);
    if (!cmd) {
        line_message(line, _("unknown command"), argv[0]);
        return PV_EXIT_USAGE;
    }
    if (batch_refuses(cmd->name)) {
        line_message(line, _("this command does not run in a batch"), cmd->name);
        return PV_EXIT_USAGE;
    }
    pv_cli one = *cli;
    one.argc = argc;
    one.argv = argv;
    int rc = cmd->run(&one);
    cli->ctx = one.ctx;
    return rc;
}

static void summary(unsigned long ran, unsigned long failed, unsigned long first_failed)
{
    char text[256];
    if (failed)
        snprintf(text, sizeof text, _("batch: %lu commands, %lu succeeded, %lu failed (the first on line %lu)"),
                 ran, ran - failed, failed, first_failed);
    else
        snprintf(text, sizeof text, _("batch: %lu commands, all succeeded"), ran);
    pv_cli_put_message(stderr, text);
    fputc('\n', stderr);
}

/* Reads one line of at most BATCH_LINE_MAX bytes into *buf; returns its
 * length, -1 at the end of input, -2 for a longer line (then skipped). */
static long read_line(FILE *in, char **buf, size_t *cap)
{
    ssize_t len = getline(buf, cap, in);
    if (len < 0)
        return -1;
    return len > BATCH_LINE_MAX ? -2 : (long)len;
}

static int cmd_batch(pv_cli *cli)
{
    bool stop = false;
    const pv_cli_opt opts[] = {PV_CLI_FLAG("--stop-on-error", &stop), PV_CLI_END};
    if (pv_cli_parse(cli, 1, opts, NULL, 0) != 0)
        return pv_cli_usage_self(cli);
    int rc = pv_cli_open(cli); /* the one login */
    if (rc)
        return rc;
    char *buf = NULL, *words[BATCH_WORDS_MAX];
    size_t cap = 0;
    unsigned long line = 0, ran = 0, failed = 0, first_failed = 0;
    int first_rc = PV_EXIT_OK;
    long len;
    while ((len = read_line(stdin, &buf, &cap)) != -1) {
        line++;
        int n = len == -2 ? -3 : split_words(buf, words, BATCH_WORDS_MAX);
        if (n == 0)
            continue;
        if (n < 0) {
            line_message(line, n == -1 ? _("a quote is not closed")
                               : n == -2 ? _("too many words")
                                         : _("the line is too long"), NULL);
            rc = PV_EXIT_USAGE;
        } else {
            rc = run_line(cli, line, n, words);
        }
        fflush(stdout);
        ran++;
        if (rc != PV_EXIT_OK) {
            if (!failed++) {
                first_failed = line;
                first_rc = rc;
            }
            if (stop)
                break;
        }
    }
    free(buf);
    summary(ran, failed, first_failed);
    return first_rc;
}
