/* parvande — opening the database and logging in (tui/session.c), for
 * the commands (cli.c's dispatch, `init --admin` in cmd_files.c, the user
 * commands) and the interface (app.c). It depends on the command line's
 * output helpers only, so no module that opens a session is needed by it.
 * pv_cli_open, which opens and authenticates, is declared in cli.h. */
#ifndef PARVANDE_SESSION_H
#define PARVANDE_SESSION_H

#include <stddef.h>
#include "cli.h"
#include "parvande/users.h"

/* A buffer that holds any accepted password, its line end and a NUL. */
#define PV_CLI_PASSWORD_BUF (PV_PASSWORD_MAX + 2)

/* After the database is open: when it has users, logs in cli->user with
 * the password read from cli->password_fd, or from the terminal with echo
 * off when stdin is one. While it has none (set-up mode) the command runs
 * as the system actor. Returns 0, or the exit status after printing why
 * (PV_EXIT_DENIED for a missing user or password, a wrong password or a
 * locked account). */
int pv_cli_authenticate(pv_cli *cli);

/* `init --admin NAME`: creates the first administrator with the password
 * read from `password_fd` (>= 0), or asked twice on the terminal (-1).
 * Call after pv_cli_open. Returns 0 or the exit status after printing why. */
int pv_cli_init_admin(pv_cli *cli, const char *name, int password_fd);

/* `init --level L [--parent CODE] [--passphrase-fd N]`: makes this
 * office's keys (tui/cmd_exchange.c) when it has none, the passphrase
 * asked twice on the terminal; `defer` (--no-office-keys) leaves them for
 * `office init`. Without either, a database whose office has no keys gets
 * a notice saying how to make them. Returns 0 or the exit status. */
int pv_cli_init_office(pv_cli *cli, const char *level, const char *parent, const char *pass_fd,
                       bool defer);

/* Reads one line (the password) from `fd` into buf without the line end;
 * fd -1 means the terminal, prompting with `prompt` on stderr and echo
 * off (only when stdin is a terminal). Returns 0, or -1 with nothing read
 * (no terminal, read error, empty input, or a line longer than size - 1).
 * The caller wipes buf with sodium_memzero. */
int pv_cli_read_password(int fd, const char *prompt, char *buf, size_t size);

/* A new password: one line from fd (>= 0), or typed twice on the terminal
 * (-1), which must agree. Returns 0, or the exit status after printing why.
 * The caller wipes buf with sodium_memzero. */
int pv_cli_read_new_password(int fd, char *buf, size_t size);

/* `audit verify`'s second half, shared with `check`: compares the records
 * and their history with the audit trail, printing each finding; returns
 * an exit status (PV_EXIT_FAIL when something differs). */
int pv_cli_verify_records(pv_cli *cli);

/* `check` without a person: integrity, foreign keys, the audit chain and
 * the records against it, in one report; an exit status. */
int pv_cli_check_database(pv_cli *cli);

#endif
