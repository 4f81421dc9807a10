/* parvande — the user and audit commands: user add|passwd|disable|enable|
 * list, audit verify|show. Passwords are read as tui/session.c reads them;
 * every buffer that held one is wiped with sodium_memzero. */
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
#include "parvande/backup.h"
#include "parvande/i18n.h"
#include "parvande/text.h"
#include "parvande/users.h"

#define PW_BUF PV_CLI_PASSWORD_BUF


/* ---- user ---- */

/* The password file descriptor, when one is given, is a number. */
static bool valid_fd(const char *text)
{
    if (pv_cli_parse_fd(text) >= 0)
        return true;
    fprintf(stderr, "parvande: %s\n", _("--password-fd takes a file descriptor number"));
    return false;
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
    int rc = pv_cli_read_new_password(fd, pw, sizeof pw);
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
    int rc = pv_cli_read_new_password(fd, pw, sizeof pw);
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

/* A user. TSV: NAME ROLE BRANCH STATE LOCKED_MINUTES LAST_LOGIN CREATED_AT. */
static void user_row(const pv_cli *cli, bool tsv, const pv_user *u)
{
    char locked[128];
    snprintf(locked, sizeof locked, _("locked for %d more minutes"), u->locked_minutes);
    const char *state = u->disabled ? "disabled" : u->locked_minutes > 0 ? "locked" : "active";
    const char *state_shown = u->disabled ? _("disabled") : u->locked_minutes > 0 ? locked
                                                                                : _("active");
    const pv_cli_cell row[] = {
        {.value = u->name},
        {.value = pv_role_code(u->role), .shown = pv_role_label(u->role)},
        {.kind = PV_CELL_NUM, .num = (long long)u->branch_code, .label = _("branch")},
        {.kind = PV_CELL_DIGITS, .value = state, .shown = state_shown},
        {.kind = PV_CELL_NUM, .num = u->locked_minutes, .shown = ""},
        {.kind = PV_CELL_TIME, .value = u->last_login, .label = _("last login:"),
         .shown = u->last_login[0] ? NULL : _("never")},
        {.kind = PV_CELL_TIME, .value = u->created_at, .shown = ""},
    };
    pv_cli_row(cli, tsv, row, sizeof row / sizeof *row);
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
    for (size_t i = 0; i < n; i++)
        user_row(cli, as_tsv, &users[i]);
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
    if (e->origin) { /* the file's past at another office, before it moved here */
        printf("  (%s ", _("at office"));
        pv_cli_put_num(cli, stdout, (long long)e->origin);
        putchar(')');
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
        /* SEQ AT ACTOR ACTION TABLE RECORD OUTCOME REASON OLD NEW ORIGIN */
        const pv_cli_cell row[] = {
            {.kind = PV_CELL_NUM, .num = (long long)e[i].seq}, {.value = e[i].at},
            {.value = e[i].actor}, {.value = e[i].action}, {.value = e[i].table},
            {.kind = PV_CELL_NUM, .num = (long long)e[i].record_id},
            {.value = e[i].refused ? "refused" : "done"}, {.value = e[i].reason},
            {.value = e[i].old_values}, {.value = e[i].new_values},
            {.kind = PV_CELL_NUM, .num = (long long)e[i].origin},
        };
        pv_cli_row(cli, true, row, sizeof row / sizeof *row);
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
