/* parvande — offices, exchange packages and the review of conflicts on the
 * command line: office init|show|key|trust|list, exchange export|import,
 * conflicts list|resolve (see doc/exchange.md).
 *
 * The office passphrase is read like a password: from --passphrase-fd N
 * (one line) or the terminal with echo off, never from the arguments or
 * the environment; its buffer is wiped after use. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "session.h"
#include "parvande/audit.h"
#include "parvande/exchange.h"
#include "parvande/i18n.h"

#define PASS_BUF 514

typedef struct xopts {
    const char *pos[3];
    int n_pos;
    bool tsv, all;
    const char *level, *parent, *pass_fd, *out, *to, *fingerprint, *value;
} xopts;

/* Reads the options after the subcommand (argv[2...]). */
static int parse(pv_cli *cli, xopts *o, int min_pos, int max_pos)
{
    *o = (xopts){0};
    const pv_cli_opt table[] = {
        PV_CLI_FLAG("--tsv", &o->tsv),         PV_CLI_FLAG("--all", &o->all),
        PV_CLI_VALUE("--level", &o->level),    PV_CLI_VALUE("--parent", &o->parent),
        PV_CLI_VALUE("--passphrase-fd", &o->pass_fd), PV_CLI_VALUE("--out", &o->out),
        PV_CLI_VALUE("--to", &o->to),          PV_CLI_VALUE("--fingerprint", &o->fingerprint),
        PV_CLI_VALUE("--value", &o->value),    PV_CLI_END,
    };
    o->n_pos = pv_cli_parse_between(cli, 2, table, o->pos, 3, min_pos, max_pos);
    if (o->n_pos < 0)
        return pv_cli_usage_self(cli);
    if (o->pass_fd && pv_cli_parse_fd(o->pass_fd) < 0) {
        fprintf(stderr, "parvande: %s\n", _("--passphrase-fd takes a file descriptor number"));
        return PV_EXIT_USAGE;
    }
    return pv_cli_open(cli);
}

static bool parse_code(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : -1;
    if (!s || !*s || *end || errno || v < 1 || v > 8388607)
        return false;
    *out = v;
    return true;
}

static int bad_office(const char *what)
{
    fprintf(stderr, "parvande: %s: %s\n", what, _("an office code is a number from 1 to 8388607"));
    return PV_EXIT_USAGE;
}

static int read_passphrase(const xopts *o, bool twice, char buf[PASS_BUF])
{
    int fd = o->pass_fd ? pv_cli_parse_fd(o->pass_fd) : -1;
    if (pv_cli_read_password(fd, _("Office passphrase:"), buf, PASS_BUF) != 0) {
        fprintf(stderr, "parvande: %s\n",
                _("The office passphrase is needed: type it on the terminal, or give "
                  "--passphrase-fd N (one line on that file descriptor)."));
        return PV_EXIT_DENIED;
    }
    if (twice && fd < 0) {
        char again[PASS_BUF];
        int bad = pv_cli_read_password(-1, _("The passphrase again:"), again, sizeof again) != 0 ||
                  strcmp(buf, again) != 0;
        sodium_memzero(again, sizeof again);
        if (bad) {
            sodium_memzero(buf, PASS_BUF);
            fprintf(stderr, "parvande: %s\n", _("The two passphrases differ."));
            return PV_EXIT_REJECTED;
        }
    }
    return 0;
}

/* ---- files ---- */

static int read_file(const char *path, unsigned char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "parvande: %s: %s\n", path, strerror(errno));
        return PV_EXIT_FAIL;
    }
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            unsigned char *m = realloc(buf, cap + 1);
            if (!m) {
                free(buf);
                fclose(f);
                fprintf(stderr, "parvande: %s\n", _("out of memory"));
                return PV_EXIT_FAIL;
            }
            buf = m;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        fprintf(stderr, "parvande: %s: %s\n", path, _("cannot be read"));
        return PV_EXIT_FAIL;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

/* Written whole or not at all: a temporary file renamed over `path`. */
static int write_file(const char *path, const void *data, size_t len)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.part", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    bool ok = fd >= 0;
    for (size_t done = 0; ok && done < len;) {
        ssize_t w = write(fd, (const char *)data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        done += w > 0 ? (size_t)w : 0;
    }
    if (fd >= 0 && (fsync(fd) != 0 || close(fd) != 0))
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "parvande: %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return PV_EXIT_FAIL;
    }
    return 0;
}

/* ---- office ---- */

static void put_office(const pv_cli *cli, const pv_office *o, bool tsv)
{
    if (tsv) {
        /* CODE LEVEL PARENT SELF FINGERPRINT OUT_SEQ OUT_ACKED IN_SEQ TRUSTED_AT */
        printf("%lld\t%s\t%lld\t%d\t%s\t%lld\t%lld\t%lld\t", (long long)o->code,
               pv_office_level_code(o->level), (long long)o->parent, o->self, o->fingerprint,
               (long long)o->out_seq, (long long)o->out_acked, (long long)o->in_seq);
        pv_cli_tsv(stdout, o->trusted_at, true);
        return;
    }
    static const char *const levels[] = {N_("branch"), N_("province"), N_("headquarters")};
    printf("%s ", _("office"));
    pv_cli_put_num(cli, stdout, o->code);
    printf(" (%s", _(levels[o->level]));
    if (o->parent) {
        printf("%s%s ", _(", "), _("parent"));
        pv_cli_put_num(cli, stdout, o->parent);
    }
    printf(")%s\n  %s: %s\n", o->self ? _(" — this office") : "", _("fingerprint"),
           o->fingerprint);
    if (!o->self) {
        printf("  %s ", _("packages sent"));
        pv_cli_put_num(cli, stdout, o->out_seq);
        printf("%s%s ", _(", "), _("acknowledged"));
        pv_cli_put_num(cli, stdout, o->out_acked);
        printf("%s%s ", _(", "), _("received"));
        pv_cli_put_num(cli, stdout, o->in_seq);
        putchar('\n');
    }
}

static int office_init(pv_cli *cli)
{
    xopts o;
    int rc = parse(cli, &o, 0, 0);
    if (rc)
        return rc;
    pv_office_level level;
    int64_t parent = 0;
    if (!o.level || !pv_office_level_parse(o.level, &level)) {
        fprintf(stderr, "parvande: --level: %s\n", _("branch, province or hq"));
        return PV_EXIT_USAGE;
    }
    if (o.parent && !parse_code(o.parent, &parent))
        return bad_office("--parent");
    char pass[PASS_BUF];
    if ((rc = read_passphrase(&o, true, pass)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_office_init(cli->ctx, level, parent, pass, &err);
    sodium_memzero(pass, sizeof pass);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    pv_office self;
    if (pv_office_self(cli->ctx, &self, &err) != PV_OK)
        return pv_cli_fail(&err);
    put_office(cli, &self, false);
    return PV_EXIT_OK;
}

int pv_cli_init_office(pv_cli *cli, const char *level_s, const char *parent_s,
                       const char *pass_fd, bool defer)
{
    pv_error err = PV_ERROR_INIT;
    pv_office self;
    if (defer || pv_office_self(cli->ctx, &self, NULL) == PV_OK) /* made before: init again */
        return 0;
    if (!level_s) {
        printf("%s\n", _("Office keys not made yet (needed to exchange packages): init --level "
                         "branch|province|hq [--parent CODE], or office init."));
        return 0;
    }
    xopts o = {.pass_fd = pass_fd};
    pv_office_level level;
    int64_t parent = 0;
    if (!pv_office_level_parse(level_s, &level)) {
        fprintf(stderr, "parvande: --level: %s\n", _("branch, province or hq"));
        return PV_EXIT_USAGE;
    }
    if (parent_s && !parse_code(parent_s, &parent))
        return bad_office("--parent");
    if (pass_fd && pv_cli_parse_fd(pass_fd) < 0) {
        fprintf(stderr, "parvande: %s\n", _("--passphrase-fd takes a file descriptor number"));
        return PV_EXIT_USAGE;
    }
    char pass[PASS_BUF];
    int rc = read_passphrase(&o, true, pass);
    if (rc)
        return rc;
    pv_status st = pv_office_init(cli->ctx, level, parent, pass, &err);
    sodium_memzero(pass, sizeof pass);
    if (st != PV_OK || pv_office_self(cli->ctx, &self, &err) != PV_OK)
        return pv_cli_fail(&err);
    put_office(cli, &self, false);
    return 0;
}

/* `office trail CODE`: the entries of that office's trail that came up
 * here, walked as its chain. */
static int office_trail(pv_cli *cli)
{
    xopts o;
    int rc = parse(cli, &o, 1, 1);
    if (rc)
        return rc;
    int64_t code;
    if (!parse_code(o.pos[0], &code))
        return bad_office("CODE");
    pv_error err = PV_ERROR_INIT;
    pv_audit_report rep;
    if (pv_exchange_verify_trail(cli->ctx, code, &rep, &err) != PV_OK)
        return pv_cli_fail(&err);
    char msg[256];
    pv_audit_problem_text(&rep, msg, sizeof msg);
    FILE *f = rep.problem == PV_AUDIT_INTACT ? stdout : stderr;
    fprintf(f, "%s%s ", f == stderr ? "parvande: " : "", _("The trail of office"));
    pv_cli_put_num(cli, f, code);
    fputs(": ", f);
    pv_cli_put_digits(cli, f, msg);
    fputc('\n', f);
    if (rep.problem != PV_AUDIT_INTACT)
        return PV_EXIT_FAIL;
    /* to compare with that office's own `audit verify` */
    printf("%s ", _("Last entry:"));
    pv_cli_put_num(cli, stdout, (long long)rep.last_seq);
    printf("  %s %s\n", _("hash:"), rep.head_hash);
    return PV_EXIT_OK;
}

static int office_show(pv_cli *cli)
{
    xopts o;
    int rc = parse(cli, &o, 0, 0);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_office self;
    if (pv_office_self(cli->ctx, &self, &err) != PV_OK)
        return pv_cli_fail(&err);
    put_office(cli, &self, o.tsv);
    return PV_EXIT_OK;
}

static int office_key(pv_cli *cli)
{
    xopts o;
    int rc = parse(cli, &o, 0, 0);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    char *text = NULL;
    if (pv_office_public(cli->ctx, &text, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (o.out)
        rc = write_file(o.out, text, strlen(text));
    else
        fputs(text, stdout);
    free(text);
    return rc;
}

static int office_trust(pv_cli *cli)
{
    xopts o;
    int rc = parse(cli, &o, 1, 1);
    if (rc)
        return rc;
    unsigned char *text;
    size_t len;
    if ((rc = read_file(o.pos[0], &text, &len)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_office office;
    pv_status st = pv_office_trust(cli->ctx, (const char *)text, o.fingerprint, &office, &err);
    free(text);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    put_office(cli, &office, false);
    if (!o.fingerprint)
        printf("%s\n", _("Read the fingerprint to the other office's administrator on the "
                         "phone: it must be the one their `office show` prints."));
    return PV_EXIT_OK;
}

static int office_list(pv_cli *cli)
{
    xopts o;
    int rc = parse(cli, &o, 0, 0);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_office *list;
    size_t n;
    if (pv_office_list(cli->ctx, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++)
        put_office(cli, &list[i], o.tsv);
    free(list);
    return PV_EXIT_OK;
}

static int cmd_office(pv_cli *cli)
{
    const char *sub = cli->argc > 1 ? cli->argv[1] : "";
    if (strcmp(sub, "init") == 0)
        return office_init(cli);
    if (strcmp(sub, "show") == 0)
        return office_show(cli);
    if (strcmp(sub, "key") == 0)
        return office_key(cli);
    if (strcmp(sub, "trust") == 0)
        return office_trust(cli);
    if (strcmp(sub, "list") == 0)
        return office_list(cli);
    if (strcmp(sub, "trail") == 0)
        return office_trail(cli);
    return pv_cli_usage_self(cli);
}

/* ---- exchange ---- */

static void put_report_tsv(const pv_exchange_report *r, const char *file)
{
    /* FILE FROM TO FIRST SEQ ACK CHANGES MERGED CONFLICTS BYTES WAITING_FOR RELEASED */
    pv_cli_tsv(stdout, file, false);
    printf("%lld\t%lld\t%lld\t%lld\t%lld\t%ld\t%ld\t%ld\t%zu\t%lld\t%ld\n",
           (long long)r->from, (long long)r->to, (long long)r->first_seq, (long long)r->seq, (long long)r->ack,
           r->changes, r->merged, r->conflicts, r->bytes, (long long)r->waiting_for,
           r->released);
}

/* This office went back to a backup: the other office had applied its
 * packages up to r->renumbered_past, which it no longer has. */
static void put_renumbered(pv_cli *cli, const pv_exchange_report *r)
{
    printf("  %s ", _("This office went back to a backup: office"));
    pv_cli_put_num(cli, stdout, r->from);
    printf(" %s ", _("had applied its packages up to"));
    pv_cli_put_num(cli, stdout, r->renumbered_past);
    printf("\n  %s ", _("Its packages not acknowledged, numbered again after it:"));
    pv_cli_put_num(cli, stdout, r->renumbered);
    printf("\n  %s\n", _("Export to that office again: nothing is lost or applied twice."));
}

static int exchange_export(pv_cli *cli)
{
    xopts o;
    int rc = parse(cli, &o, 0, 0);
    if (rc)
        return rc;
    int64_t to;
    if (!parse_code(o.to, &to))
        return bad_office("--to");
    char pass[PASS_BUF];
    if ((rc = read_passphrase(&o, false, pass)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    unsigned char *pkg = NULL;
    size_t len = 0;
    pv_exchange_report r;
    pv_status st = pv_exchange_export(cli->ctx, to, pass, &pkg, &len, &r, &err);
    sodium_memzero(pass, sizeof pass);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    char name[128];
    snprintf(name, sizeof name, "parvande-%lld-to-%lld-%lld.pvx", (long long)r.from,
             (long long)r.to, (long long)r.seq);
    const char *path = o.out ? o.out : name;
    rc = write_file(path, pkg, len);
    free(pkg);
    if (rc) /* the section stays unacknowledged: the next export carries it */
        return rc;
    if (o.tsv) {
        put_report_tsv(&r, path);
        return PV_EXIT_OK;
    }
    printf("%s ", _("package"));
    pv_cli_put_num(cli, stdout, r.seq);
    printf(" %s ", _("for office"));
    pv_cli_put_num(cli, stdout, r.to);
    printf(": ");
    pv_cli_put(stdout, path);
    printf("\n  %s ", _("changes:"));
    pv_cli_put_num(cli, stdout, r.changes);
    printf("%s%s ", _(", "), _("sections"));
    pv_cli_put_num(cli, stdout, r.first_seq);
    printf("–");
    pv_cli_put_num(cli, stdout, r.seq);
    printf("%s%s ", _(", "), _("bytes:"));
    pv_cli_put_num(cli, stdout, (long long)r.bytes);
    putchar('\n');
    return PV_EXIT_OK;
}

/* A package that came before one it follows: kept, not applied yet. */
static int put_held(pv_cli *cli, const pv_exchange_report *r)
{
    printf("%s ", _("package"));
    pv_cli_put_num(cli, stdout, r->seq);
    printf(" %s ", _("from office"));
    pv_cli_put_num(cli, stdout, r->from);
    printf(" %s ", _("held: it waits for package"));
    pv_cli_put_num(cli, stdout, r->waiting_for);
    printf(" %s\n", _("of that office, and is applied when that one is imported."));
    return PV_EXIT_OK;
}

static int exchange_import(pv_cli *cli)
{
    xopts o;
    int rc = parse(cli, &o, 1, 1);
    if (rc)
        return rc;
    unsigned char *pkg;
    size_t len;
    if ((rc = read_file(o.pos[0], &pkg, &len)))
        return rc;
    char pass[PASS_BUF];
    if ((rc = read_passphrase(&o, false, pass))) {
        free(pkg);
        return rc;
    }
    pv_error err = PV_ERROR_INIT;
    pv_exchange_report r;
    pv_status st = pv_exchange_import(cli->ctx, pkg, len, pass, &r, &err);
    sodium_memzero(pass, sizeof pass);
    free(pkg);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    if (o.tsv) {
        put_report_tsv(&r, o.pos[0]);
        return PV_EXIT_OK;
    }
    if (r.waiting_for)
        return put_held(cli, &r);
    printf("%s ", _("package"));
    pv_cli_put_num(cli, stdout, r.seq);
    printf(" %s ", _("from office"));
    pv_cli_put_num(cli, stdout, r.from);
    printf(" %s\n  %s ", _("applied."), _("changes:"));
    pv_cli_put_num(cli, stdout, r.changes);
    printf("%s%s ", _(", "), _("fields merged:"));
    pv_cli_put_num(cli, stdout, r.merged);
    printf("%s%s ", _(", "), _("new conflicts:"));
    pv_cli_put_num(cli, stdout, r.conflicts);
    putchar('\n');
    if (r.skipped_sections) {
        printf("  %s ", _("sections already applied before, skipped:"));
        pv_cli_put_num(cli, stdout, r.skipped_sections);
        putchar('\n');
    }
    if (r.released) {
        printf("  %s ", _("packages held before, applied after it in order:"));
        pv_cli_put_num(cli, stdout, r.released);
        putchar('\n');
    }
    if (r.renumbered_past)
        put_renumbered(cli, &r);
    if (r.conflicts)
        printf("  %s\n", _("A supervisor reviews them: parvande conflicts list"));
    return PV_EXIT_OK;
}

static int cmd_exchange(pv_cli *cli)
{
    const char *sub = cli->argc > 1 ? cli->argv[1] : "";
    if (strcmp(sub, "export") == 0)
        return exchange_export(cli);
    if (strcmp(sub, "import") == 0)
        return exchange_import(cli);
    return pv_cli_usage_self(cli);
}

/* ---- conflicts ---- */

static const char *kind_label(pv_conflict_kind k)
{
    static const char *const labels[] = {
        N_("the same field changed on both sides"),
        N_("deleted there, changed here"),
        N_("changed there, deleted here"),
        N_("a different record with the same key"),
        N_("credit overspent"),
    };
    return (unsigned)k < 5 ? _(labels[k]) : "?";
}

/* A value, cut after about 160 bytes (at a character boundary): a whole
 * row can be long; --tsv gives it whole. */
static void put_value(const char *v)
{
    if (!v) {
        fputs("-", stdout);
        return;
    }
    size_t n = strlen(v);
    if (n <= 160) {
        pv_cli_put(stdout, v);
        return;
    }
    size_t cut = 160;
    while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
        cut--;
    char *head = strndup(v, cut);
    if (head)
        pv_cli_put(stdout, head);
    free(head);
    fputs("…", stdout);
}

static void put_who(const pv_cli *cli, const char *by, const char *at)
{
    if (!by[0] && !at[0])
        return;
    printf("  (");
    if (by[0])
        pv_cli_put(stdout, by);
    if (by[0] && at[0])
        putchar(' ');
    if (at[0])
        pv_cli_put_time(cli, stdout, at);
    putchar(')');
}

static void put_conflict(const pv_cli *cli, const pv_conflict *c)
{
    printf("#");
    pv_cli_put_num(cli, stdout, c->id);
    printf("  %s  ", kind_label(c->kind));
    pv_cli_put(stdout, c->table);
    putchar(' ');
    pv_cli_put(stdout, c->key);
    if (c->column[0]) {
        putchar(' ');
        pv_cli_put(stdout, c->column);
    }
    printf("\n  %s: ", _("here"));
    put_value(c->local_value);
    put_who(cli, c->local_by, c->local_at);
    printf("\n  %s ", _("office"));
    pv_cli_put_num(cli, stdout, c->peer);
    printf(": ");
    put_value(c->remote_value);
    put_who(cli, c->remote_by, c->remote_at);
    putchar('\n');
    if (!c->open) {
        printf("  %s: ", _("decided"));
        put_value(c->resolution);
        printf(" (");
        pv_cli_put(stdout, c->resolved_by);
        printf(")\n");
    }
}

static void put_conflict_tsv(const pv_conflict *c)
{
    /* ID KIND PEER TABLE KEY COLUMN LOCAL REMOTE LOCAL_BY LOCAL_AT REMOTE_BY REMOTE_AT STATUS
     * RESOLUTION RESOLVED_BY */
    printf("%lld\t%s\t%lld\t", (long long)c->id, pv_conflict_kind_code(c->kind),
           (long long)c->peer);
    pv_cli_tsv(stdout, c->table, false);
    pv_cli_tsv(stdout, c->key, false);
    pv_cli_tsv(stdout, c->column, false);
    pv_cli_tsv(stdout, c->local_value, false);
    pv_cli_tsv(stdout, c->remote_value, false);
    pv_cli_tsv(stdout, c->local_by, false);
    pv_cli_tsv(stdout, c->local_at, false);
    pv_cli_tsv(stdout, c->remote_by, false);
    pv_cli_tsv(stdout, c->remote_at, false);
    pv_cli_tsv(stdout, c->open ? "open" : "resolved", false);
    pv_cli_tsv(stdout, c->resolution, false);
    pv_cli_tsv(stdout, c->resolved_by, true);
}

static int conflicts_list(pv_cli *cli)
{
    xopts o;
    int rc = parse(cli, &o, 0, 0);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_conflict *list;
    size_t n;
    if (pv_conflict_list(cli->ctx, !o.all, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++)
        o.tsv ? put_conflict_tsv(&list[i]) : put_conflict(cli, &list[i]);
    if (n == 0 && !o.tsv)
        printf("%s\n", _("No conflicts to review."));
    pv_conflicts_free(list, n);
    return PV_EXIT_OK;
}

static int conflicts_resolve(pv_cli *cli)
{
    xopts o;
    int rc = parse(cli, &o, 1, 2);
    if (rc)
        return rc;
    char *end;
    long long id = strtoll(o.pos[0], &end, 10);
    pv_conflict_choice choice;
    if (*end || id <= 0)
        return pv_cli_usage_self(cli);
    if (o.value && o.n_pos == 1)
        choice = PV_CHOOSE_VALUE;
    else if (!o.value && o.n_pos == 2 && strcmp(o.pos[1], "local") == 0)
        choice = PV_CHOOSE_LOCAL;
    else if (!o.value && o.n_pos == 2 && strcmp(o.pos[1], "remote") == 0)
        choice = PV_CHOOSE_REMOTE;
    else
        return pv_cli_usage_self(cli);
    pv_error err = PV_ERROR_INIT;
    if (pv_conflict_resolve(cli->ctx, id, choice, o.value, &err) != PV_OK)
        return pv_cli_fail(&err);
    printf("%s #", _("decided:"));
    pv_cli_put_num(cli, stdout, id);
    putchar('\n');
    return PV_EXIT_OK;
}

static int cmd_conflicts(pv_cli *cli)
{
    const char *sub = cli->argc > 1 ? cli->argv[1] : "";
    if (strcmp(sub, "list") == 0)
        return conflicts_list(cli);
    if (strcmp(sub, "resolve") == 0)
        return conflicts_resolve(cli);
    return pv_cli_usage_self(cli);
}

/* ---- file transfer ---- */

static int cmd_file(pv_cli *cli)
{
    const char *sub = cli->argc > 1 ? cli->argv[1] : "";
    if (strcmp(sub, "transfer") != 0)
        return pv_cli_usage_self(cli);
    xopts o;
    int rc = parse(cli, &o, 1, 1);
    if (rc)
        return rc;
    int64_t to;
    if (!parse_code(o.to, &to))
        return bad_office("--to");
    pv_error err = PV_ERROR_INIT;
    if (pv_file_transfer(cli->ctx, o.pos[0], to, &err) != PV_OK)
        return pv_cli_fail(&err);
    printf("%s ", _("The file moves to branch"));
    pv_cli_put_num(cli, stdout, to);
    printf("%s\n", _("; it travels with the next package to each branch."));
    return PV_EXIT_OK;
}

const pv_command pv_cmds_exchange[] = {
    {"office",
     N_("init --level branch|province|hq [--parent CODE] [--passphrase-fd N] | show | "
        "key [--out FILE] | trust FILE [--fingerprint FP] | list [--tsv] | trail CODE"),
     N_("this office's identity and keys, the offices it trusts (administrators), and the\n"
        "      check of the audit trail an office below sent up (trail CODE)"),
     cmd_office},
    {"exchange", N_("export --to OFFICE [--out FILE] [--passphrase-fd N] | import FILE "
                    "[--passphrase-fd N]"),
     N_("write a signed, encrypted package of changes for an office, or apply one"),
     cmd_exchange},
    {"conflicts", N_("list [--all] [--tsv] | resolve ID local|remote | resolve ID --value TEXT"),
     N_("the changes that met different values here, and a supervisor's decision"),
     cmd_conflicts},
    {"file", N_("transfer NATIONAL_ID --to BRANCH"),
     N_("at a province: a family's file becomes another of its branches' (administrators)"),
     cmd_file},
    {NULL, NULL, NULL, NULL},
};
