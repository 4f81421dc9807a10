/* parvande — authentication of commands, and the user and audit commands:
 * user add|passwd|disable|enable|list, audit verify|show.
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
#include "cmd_security.h"
#include "parvande/audit.h"
#include "parvande/backup.h"
#include "parvande/i18n.h"
#include "parvande/text.h"
#include "parvande/users.h"

#define PW_BUF (PV_PASSWORD_MAX + 2)

/* ---- reading passwords ---- */

int pv_cli_parse_fd(const char *s)
{
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : -1;
    if (!s || !*s || *end || errno || v < 0 || v > 65535)
        return -1;
    return (int)v;
}

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

/* A new password: from fd, or typed twice on the terminal. */
static int read_new_password(int fd, char *buf, size_t size)
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
    int rc = read_new_password(password_fd, pw, sizeof pw);
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

/* ---- user ---- */

/* The password file descriptor, when one is given, is a number. */
static bool valid_fd(const char *text)
{
    return pv_cli_parse_fd(text) >= 0;
}

/* A user's or a file's name: a word that does not look like an option. */
static bool is_name(const char *word)
{
    return word[0] != '-';
}

static int user_add(pv_cli *cli)
{
    const char *name = NULL, *role_s = NULL, *branch_s = NULL, *fd_s = NULL;
    const pv_cli_opt opts[] = {PV_CLI_VALUE("--role", &role_s),
                               PV_CLI_VALUE("--branch", &branch_s),
                               {"--password-fd", NULL, &fd_s, valid_fd}, PV_CLI_END};
    if (pv_cli_parse(cli, 2, opts, &name, 1) != 1 || !is_name(name) || !role_s)
        return pv_cli_usage_self(cli);
    int fd = fd_s ? pv_cli_parse_fd(fd_s) : -1;
    pv_role role = pv_role_parse(role_s);
    long long branch = 0;
    if (branch_s) {
        char digits[32], *end;
        if (!pv_digits_ascii(branch_s, false, digits, sizeof digits) ||
            (branch = strtoll(digits, &end, 10), *end) || branch <= 0) {
            pv_error e = PV_ERROR_INIT;
            pv_error_field(&e, "branch", _("the branch code must be a number from 1 to 8388607"));
            return pv_cli_fail(&e);
        }
    }
    pv_error err = PV_ERROR_INIT;
    if (role == PV_ROLE_NONE) {
        pv_error_field(&err, "role", _("caseworker, supervisor or admin"));
        return pv_cli_fail(&err);
    }
    char pw[PW_BUF];
    int rc = read_new_password(fd, pw, sizeof pw);
    if (rc)
        return rc;
    pv_status st = pv_user_add(cli->ctx, name, pw, role, branch, &err);
    sodium_memzero(pw, sizeof pw);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    printf("%s ", _("User added:"));
    pv_cli_put(stdout, name);
    putchar('\n');
    return PV_EXIT_OK;
}

static int user_passwd(pv_cli *cli)
{
    const char *name = NULL, *fd_s = NULL;
    const pv_cli_opt opts[] = {{"--password-fd", NULL, &fd_s, valid_fd}, PV_CLI_END};
    if (pv_cli_parse(cli, 2, opts, &name, 1) != 1 || !is_name(name))
        return pv_cli_usage_self(cli);
    int fd = fd_s ? pv_cli_parse_fd(fd_s) : -1;
    char pw[PW_BUF];
    int rc = read_new_password(fd, pw, sizeof pw);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_user_passwd(cli->ctx, name, pw, &err);
    sodium_memzero(pw, sizeof pw);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    printf("%s\n", _("Password changed."));
    return PV_EXIT_OK;
}

static int user_switch(pv_cli *cli, bool disable)
{
    if (cli->argc != 3 || !is_name(cli->argv[2]))
        return pv_cli_usage_self(cli);
    pv_error err = PV_ERROR_INIT;
    pv_status st = disable ? pv_user_disable(cli->ctx, cli->argv[2], &err)
                           : pv_user_enable(cli->ctx, cli->argv[2], &err);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    printf("%s\n", disable ? _("Account disabled.") : _("Account enabled."));
    return PV_EXIT_OK;
}

static void user_line(pv_cli *cli, const pv_user *u)
{
    pv_cli_put(stdout, u->name);
    fputs("  ", stdout);
    pv_cli_put(stdout, pv_role_label(u->role));
    fputs("  ", stdout);
    printf("%s ", _("branch"));
    pv_cli_put_num(cli, stdout, (long long)u->branch_code);
    fputs("  ", stdout);
    if (u->disabled)
        fputs(_("disabled"), stdout);
    else if (u->locked_minutes > 0) {
        char locked[128];
        snprintf(locked, sizeof locked, _("locked for %d more minutes"), u->locked_minutes);
        pv_cli_put_digits(cli, stdout, locked);
    }
    else
        fputs(_("active"), stdout);
    fputs("  ", stdout);
    printf("%s ", _("last login:"));
    if (u->last_login[0])
        pv_cli_put_time(cli, stdout, u->last_login);
    else
        fputs(_("never"), stdout);
    putchar('\n');
}

static int user_list(pv_cli *cli)
{
    bool as_tsv = false;
    const pv_cli_opt opts[] = {PV_CLI_FLAG("--tsv", &as_tsv), PV_CLI_END};
    if (pv_cli_parse(cli, 2, opts, NULL, 0) != 0)
        return pv_cli_usage_self(cli);
    pv_user *users = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    if (pv_user_list(cli->ctx, &users, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        const pv_user *u = &users[i];
        if (!as_tsv) {
            user_line(cli, u);
            continue;
        }
        pv_cli_tsv(stdout, u->name, false);
        pv_cli_tsv(stdout, pv_role_code(u->role), false);
        pv_cli_tsv_num(stdout, (long long)u->branch_code, false);
        pv_cli_tsv(stdout, u->disabled ? "disabled" : u->locked_minutes > 0 ? "locked" : "active",
                   false);
        pv_cli_tsv_num(stdout, u->locked_minutes, false);
        pv_cli_tsv(stdout, u->last_login, false);
        pv_cli_tsv(stdout, u->created_at, true);
    }
    free(users);
    return PV_EXIT_OK;
}

static int cmd_user(pv_cli *cli)
{
    if (cli->argc < 2)
        return pv_cli_usage_self(cli);
    int rc = pv_cli_open(cli);
    if (rc)
        return rc;
    const char *sub = cli->argv[1];
    if (strcmp(sub, "add") == 0)
        return user_add(cli);
    if (strcmp(sub, "passwd") == 0)
        return user_passwd(cli);
    if (strcmp(sub, "disable") == 0)
        return user_switch(cli, true);
    if (strcmp(sub, "enable") == 0)
        return user_switch(cli, false);
    if (strcmp(sub, "list") == 0)
        return user_list(cli);
    return pv_cli_usage_self(cli);
}

/* ---- audit ---- */

#define FINDINGS_SHOWN 50

typedef struct findings_out {
    pv_cli *cli;
    int64_t shown;
} findings_out;

static void print_finding(void *arg, const pv_audit_finding *f)
{
    findings_out *o = arg;
    if (o->shown++ >= FINDINGS_SHOWN)
        return;
    char msg[320];
    pv_audit_finding_text(f, msg, sizeof msg);
    fputs("parvande: ", stderr);
    pv_cli_put_digits(o->cli, stderr, msg);
    fputc('\n', stderr);
}

/* The records and their history against the trail; 0 when all agree. */
int pv_cli_verify_records(pv_cli *cli)
{
    findings_out o = {.cli = cli};
    pv_audit_records_report rep;
    pv_error err = PV_ERROR_INIT;
    if (pv_audit_verify_records(cli->ctx, print_finding, &o, &rep, &err) != PV_OK)
        return pv_cli_fail(&err);
    char msg[256];
    if (rep.findings > FINDINGS_SHOWN) {
        snprintf(msg, sizeof msg, _("... and %lld more."), (long long)(rep.findings - FINDINGS_SHOWN));
        fputs("parvande: ", stderr);
        pv_cli_put_digits(cli, stderr, msg);
        fputc('\n', stderr);
    }
    FILE *f = rep.findings ? stderr : stdout;
    snprintf(msg, sizeof msg,
             _("Records checked against the audit trail: %lld in %lld tables, %lld history "
               "versions; %lld differ."),
             (long long)rep.records, (long long)rep.tables, (long long)rep.history_rows,
             (long long)rep.findings);
    if (f == stderr)
        fputs("parvande: ", f);
    pv_cli_put_digits(cli, f, msg);
    fputc('\n', f);
    return rep.findings ? PV_EXIT_FAIL : PV_EXIT_OK;
}

static int audit_verify(pv_cli *cli)
{
    const char *expect = NULL;
    const pv_cli_opt opts[] = {PV_CLI_VALUE("--expect", &expect), PV_CLI_END};
    if (pv_cli_parse(cli, 2, opts, NULL, 0) != 0)
        return pv_cli_usage_self(cli);
    pv_audit_report rep;
    pv_error err = PV_ERROR_INIT;
    if (pv_audit_verify(cli->ctx, &rep, &err) != PV_OK ||
        (expect && pv_audit_expect(cli->ctx, expect, &rep, &err) != PV_OK))
        return pv_cli_fail(&err);
    char msg[256];
    pv_audit_problem_text(&rep, msg, sizeof msg);
    FILE *f = rep.problem == PV_AUDIT_INTACT ? stdout : stderr;
    if (f == stderr)
        fputs("parvande: ", f);
    pv_cli_put(f, msg);
    fputc('\n', f);
    if (rep.problem != PV_AUDIT_INTACT)
        return PV_EXIT_FAIL;
    /* the head, to write down elsewhere: a later chain rewritten from the
     * start, or its end cut off, no longer reaches it */
    printf("%s ", _("Last entry:"));
    pv_cli_put_num(cli, stdout, (long long)rep.last_seq);
    printf("  %s %s\n", _("hash:"), rep.head_hash);
    return pv_cli_verify_records(cli);
}

static void entry_line(pv_cli *cli, const pv_audit_entry *e)
{
    pv_cli_put_num(cli, stdout, (long long)e->seq);
    fputs("  ", stdout);
    pv_cli_put_time(cli, stdout, e->at);
    fputs("  ", stdout);
    pv_cli_put(stdout, e->actor);
    fputs("  ", stdout);
    pv_cli_put(stdout, e->action);
    if (e->table[0]) {
        fputs(" ", stdout);
        pv_cli_put(stdout, e->table);
        printf(" %lld", (long long)e->record_id);
    }
    if (e->refused) {
        printf("  %s: ", _("refused"));
        pv_cli_put(stdout, e->reason ? e->reason : "");
    }
    putchar('\n');
    if (e->old_values) {
        printf("    %s ", _("before:"));
        pv_cli_put(stdout, e->old_values);
        putchar('\n');
    }
    if (e->new_values) {
        printf("    %s ", _("after:"));
        pv_cli_put(stdout, e->new_values);
        putchar('\n');
    }
}

static int audit_show(pv_cli *cli)
{
    const char *nid = NULL;
    bool as_tsv = false;
    const pv_cli_opt opts[] = {PV_CLI_FLAG("--tsv", &as_tsv), PV_CLI_END};
    if (pv_cli_parse(cli, 2, opts, &nid, 1) != 1 || !is_name(nid))
        return pv_cli_usage_self(cli);
    pv_audit_entry *e = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    if (pv_audit_show(cli->ctx, nid, &e, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        if (!as_tsv) {
            entry_line(cli, &e[i]);
            continue;
        }
        pv_cli_tsv_num(stdout, (long long)e[i].seq, false);
        pv_cli_tsv(stdout, e[i].at, false);
        pv_cli_tsv(stdout, e[i].actor, false);
        pv_cli_tsv(stdout, e[i].action, false);
        pv_cli_tsv(stdout, e[i].table, false);
        pv_cli_tsv_num(stdout, (long long)e[i].record_id, false);
        pv_cli_tsv(stdout, e[i].refused ? "refused" : "done", false);
        pv_cli_tsv(stdout, e[i].reason, false);
        pv_cli_tsv(stdout, e[i].old_values, false);
        pv_cli_tsv(stdout, e[i].new_values, true);
    }
    pv_audit_entries_free(e, n);
    return PV_EXIT_OK;
}

static int cmd_audit(pv_cli *cli)
{
    if (cli->argc < 2)
        return pv_cli_usage_self(cli);
    int rc = pv_cli_open(cli);
    if (rc)
        return rc;
    if (strcmp(cli->argv[1], "verify") == 0)
        return audit_verify(cli);
    if (strcmp(cli->argv[1], "show") == 0)
        return audit_show(cli);
    return pv_cli_usage_self(cli);
}

/* ---- backup and check ---- */

static int cmd_backup(pv_cli *cli)
{
    const char *file = NULL;
    bool force = false;
    const pv_cli_opt opts[] = {PV_CLI_FLAG("--force", &force), PV_CLI_END};
    if (pv_cli_parse(cli, 1, opts, &file, 1) != 1 || (file[0] == '-' && file[1]))
        return pv_cli_usage_self(cli);
    int rc = pv_cli_open(cli);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    int64_t pages = 0;
    if (pv_backup(cli->ctx, file, force, &pages, &err) != PV_OK)
        return pv_cli_fail(&err);
    printf("%s ", _("Backup written:"));
    pv_cli_put(stdout, file);
    putchar('\n');
    return PV_EXIT_OK;
}

/* One report: SQLite's integrity and foreign keys, the audit chain, the
 * records against it. 0 when everything holds. */
int pv_cli_check_database(pv_cli *cli)
{
    int rc = pv_cli_open(cli);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_db_health h;
    if (pv_db_health_check(cli->ctx, &h, &err) != PV_OK)
        return pv_cli_fail(&err);
    int bad = 0;
    char msg[400];
    if (strcmp(h.integrity, "ok") == 0)
        snprintf(msg, sizeof msg, "%s", _("Integrity: ok."));
    else {
        /* SQLite's own words here: they are the finding, for whoever repairs it */
        snprintf(msg, sizeof msg, _("Integrity: damaged (%s)."), h.integrity);
        bad = 1;
    }
    pv_cli_put(bad ? stderr : stdout, msg);
    fputc('\n', bad ? stderr : stdout);
    snprintf(msg, sizeof msg, _("Foreign keys: %lld broken."), (long long)h.fk_problems);
    pv_cli_put_digits(cli, h.fk_problems ? stderr : stdout, msg);
    fputc('\n', h.fk_problems ? stderr : stdout);
    bad |= h.fk_problems != 0;
    pv_audit_report rep;
    if (pv_audit_verify(cli->ctx, &rep, &err) != PV_OK)
        return pv_cli_fail(&err);
    pv_audit_problem_text(&rep, msg, sizeof msg);
    FILE *f = rep.problem == PV_AUDIT_INTACT ? stdout : stderr;
    pv_cli_put_digits(cli, f, msg);
    fputc('\n', f);
    bad |= rep.problem != PV_AUDIT_INTACT;
    bad |= pv_cli_verify_records(cli) != PV_EXIT_OK;
    return bad ? PV_EXIT_FAIL : PV_EXIT_OK;
}

const pv_command pv_cmds_security[] = {
    {"user",
     N_("add NAME --role caseworker|supervisor|admin [--branch CODE] [--password-fd N] | "
        "passwd NAME [--password-fd N] | disable NAME | enable NAME | list [--tsv]"),
     N_("manage users (administrators); new passwords are typed twice on the terminal or "
        "read from --password-fd"),
     cmd_user},
    {"audit", N_("verify [--expect SEQ|HASH] | show NATIONAL_ID [--tsv]"),
     N_("check the audit trail's hash chain and the records against it, or show the history "
        "of a file"), cmd_audit},
    {"backup", N_("FILE [--force]"),
     N_("a consistent copy of the database, even while others write (administrators)"),
     cmd_backup},
    {NULL, NULL, NULL, NULL},
};
