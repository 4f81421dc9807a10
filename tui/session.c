/* parvande — opening the database and logging in, for the commands and
 * for the interface: the one place that decides who acts.
 *
 * Passwords come from a file descriptor (--password-fd N, one line) or the
 * terminal with echo off, never from the arguments or the environment,
 * which other users of the machine can read (/proc/PID/cmdline). Every
 * buffer that held one is wiped with sodium_memzero. */
#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "session.h"
#include "parvande/audit.h"
#include "parvande/users.h"

#define PW_BUF PV_CLI_PASSWORD_BUF

/* ---- reading passwords ---- */

/* One line from fd, read a byte at a time so that several passwords can
 * follow each other on one descriptor. */
static int read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    bool too_long = false;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || c == '\n')
            break;
        if (n + 1 < size)
            buf[n++] = c;
        else
            too_long = true;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    if (too_long || n == 0) {
        sodium_memzero(buf, size);
        return -1;
    }
    return 0;
}

int pv_cli_read_password(int fd, const char *prompt, char *buf, size_t size)
{
    if (fd >= 0)
        return read_line(fd, buf, size);
    if (!isatty(STDIN_FILENO))
        return -1;
    struct termios old, quiet;
    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return -1;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    /* Echo off before the prompt shows, so nothing typed after it is
     * echoed (what was typed before it is discarded). */
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
        return -1;
    fprintf(stderr, "%s ", prompt);
    fflush(stderr);
    int rc = read_line(STDIN_FILENO, buf, size);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    fputc('\n', stderr);
    return rc;
}

static int no_password(void)
{
    fprintf(stderr, "parvande: %s\n",
            _("A password is needed: type it on the terminal, or give --password-fd N "
              "(one line on that file descriptor)."));
    return PV_EXIT_DENIED;
}

int pv_cli_read_new_password(int fd, char *buf, size_t size)
{
    if (fd >= 0)
        return pv_cli_read_password(fd, NULL, buf, size) == 0 ? 0 : no_password();
    char again[PW_BUF];
    if (pv_cli_read_password(-1, _("New password:"), buf, size) != 0)
        return no_password();
    int rc = 0;
    if (pv_cli_read_password(-1, _("The new password again:"), again, sizeof again) != 0) {
        rc = no_password();
    } else if (strcmp(buf, again) != 0) {
        fprintf(stderr, "parvande: %s\n", _("The two passwords differ."));
        rc = PV_EXIT_REJECTED;
    }
    sodium_memzero(again, sizeof again);
    if (rc)
        sodium_memzero(buf, size);
    return rc;
}

/* ---- authentication of every command ---- */

/* Read-only media: say so once, before anything is read. */
static void readonly_notice(pv_cli *cli)
{
    if (!pv_ctx_readonly(cli->ctx))
        return;
    char *side = pv_unrecorded_audit_path();
    fputs("parvande: ", stderr);
    fprintf(stderr, _("The database is read-only: it can be read, not changed. This session's "
                      "audit entries are kept in %s until it can be written again."),
            side ? side : "?");
    fputc('\n', stderr);
    free(side);
}

int pv_cli_authenticate(pv_cli *cli)
{
    pv_error err = PV_ERROR_INIT;
    bool exist = true;
    readonly_notice(cli);
    if (pv_users_exist(cli->ctx, &exist, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (!exist)
        return 0; /* set-up mode: the system actor */
    if (!cli->user) {
        fprintf(stderr, "parvande: %s\n",
                _("This database has users: give --user NAME (the password is read from the "
                  "terminal, or from --password-fd N)."));
        return PV_EXIT_DENIED;
    }
    char pw[PW_BUF];
    if (pv_cli_read_password(cli->password_fd, _("Password:"), pw, sizeof pw) != 0)
        return no_password();
    pv_status st = pv_login(cli->ctx, cli->user, pw, &err);
    sodium_memzero(pw, sizeof pw);
    return st == PV_OK ? 0 : pv_cli_fail(&err);
}

int pv_cli_init_admin(pv_cli *cli, const char *name, int password_fd)
{
    char pw[PW_BUF];
    int rc = pv_cli_read_new_password(password_fd, pw, sizeof pw);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_first_admin(cli->ctx, name, pw, 0, &err);
    sodium_memzero(pw, sizeof pw);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    printf("%s ", _("Administrator created:"));
    pv_cli_put(stdout, pv_ctx_actor(cli->ctx)->name);
    putchar('\n');
    return PV_EXIT_OK;
}

/* ---- opening ---- */

int pv_cli_open(pv_cli *cli)
{
    if (cli->ctx)
        return 0;
    pv_error err = PV_ERROR_INIT;
    if (pv_ctx_open(cli->db_path, cli->lang, &cli->ctx, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (pv_audit_install(cli->ctx, &err) != PV_OK) /* idempotent; also done on open */
        return pv_cli_fail(&err);
    return cli->argc > 0 ? pv_cli_authenticate(cli) : 0;
}
