/* parvande — the beneficiary-file commands: init, import, show, search,
 * date. Human output follows the language (Persian digits and Jalali
 * dates in Persian); --tsv output is for scripts: ASCII digits, ISO dates,
 * enum codes, one record a line, no header (columns in the README and
 * parvande(1)). Database text always goes through pv_cli_put. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "session.h"
#include "cli_rejects.h"
#include "parvande/branch.h"
#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/import.h"
#include "parvande/records.h"
#include "parvande/services.h"
#include "parvande/text.h"
#include "parvande/validate.h"

#define SEARCH_LIMIT_DEFAULT 20
#define SEARCH_LIMIT_MAX 10000

static int cmd_init(pv_cli *cli);
static int cmd_import(pv_cli *cli);
static int cmd_show(pv_cli *cli);
static int cmd_search(pv_cli *cli);
static int cmd_date(pv_cli *cli);

const pv_command pv_cmds_files[] = {
    {"init", N_("[--branch CODE --province P --county C --office O] [--admin NAME [--password-fd N]]\n"
                "      [--level branch|province|hq [--parent CODE] [--passphrase-fd N] | --no-office-keys]"),
     N_("create or migrate the database (safe to run again); set this office's branch;\n"
        "      with --level, make the office's exchange keys (--no-office-keys: later)"),
     cmd_init},
    {"import", N_("FILE.csv [--rejects OUT.csv [--force]]"),
     N_("import beneficiaries from CSV (supervisors); rejected rows to stderr (and to OUT.csv)"),
     cmd_import},
    {"show", N_("NATIONAL_ID [--tsv]"),
     N_("show a beneficiary's whole file: person, household, case file, assessments\n"
        "      --tsv, one line per record, its kind first:\n"
        "        person NATIONAL_ID FIRST LAST FATHER GENDER BIRTH PHONE PROVINCE COUNTY\n"
        "               ADDRESS AREA DISABILITY GUARDIANSHIP JUDICIAL_ORDER RELATION HOUSEHOLD\n"
        "        member NATIONAL_ID FIRST LAST RELATION GENDER BIRTH\n"
        "        file STATUS COVERED OPENED CLOSED CASEWORKER\n"
        "        assessment DATE AUTHOR TEXT\n"
        "      (ASCII digits, ISO dates, codes such as female, active, 0/1)"),
     cmd_show},
    {"search", N_("QUERY [--limit N] [--tsv]"),
     N_("find beneficiaries by national ID (Persian or ASCII digits) or by name\n"
        "      --tsv columns: NATIONAL_ID FIRST LAST FATHER BIRTH GENDER FILE_STATUS"),
     cmd_search},
    {"date", N_("DATE"),
     N_("convert a date: Jalali 1403/12/30 to 2025-03-20, Gregorian 2025-03-21 to 1404/01/01"),
     cmd_date},
    {NULL, NULL, NULL, NULL},
};

/* ---- small helpers ---- */

/* ---- init ---- */

static int init_branch(pv_cli *cli, const char *code, const char *prov, const char *county,
                       const char *office)
{
    pv_error err = PV_ERROR_INIT;
    pv_branch b;
    if (pv_branch_get(cli->ctx, &b, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (code) {
        char digits[24];
        char *end = NULL;
        long long v = 0;
        if (pv_digits_ascii(code, false, digits, sizeof digits) && digits[0])
            v = strtoll(digits, &end, 10);
        if (!end || *end || v < 1 || v > PV_BRANCH_CODE_MAX) {
            fprintf(stderr, "parvande: %s\n",
                    _("--branch takes a number from 1 to 8388607"));
            return PV_EXIT_USAGE;
        }
        b.code = v;
    }
    if (prov)
        snprintf(b.province, sizeof b.province, "%s", prov);
    if (county)
        snprintf(b.county, sizeof b.county, "%s", county);
    if (office)
        snprintf(b.office, sizeof b.office, "%s", office);
    if (pv_branch_set(cli->ctx, &b, &err) != PV_OK)
        return pv_cli_fail(&err);
    return PV_EXIT_OK;
}

/* Loads the service cards (new ones added, changed ones replaced unless an
 * administrator edited them), so init is also the upgrade step. */
static int init_catalog(pv_cli *cli)
{
    pv_error err = PV_ERROR_INIT;
    pv_catalog_report rep;
    if (pv_catalog_sync(cli->ctx, NULL, &rep, &err) != PV_OK)
        return pv_cli_fail(&err);
    const char *comma = cli->lang == PV_LANG_FA ? "، " : ", ";
    printf("%s ", _("Service catalog:"));
    pv_cli_put_num(cli, stdout, rep.added);
    printf(" %s%s", _("added"), comma);
    pv_cli_put_num(cli, stdout, rep.updated);
    printf(" %s%s", _("updated"), comma);
    pv_cli_put_num(cli, stdout, rep.kept);
    printf(" %s\n", _("unchanged"));
    return 0;
}

static int cmd_init(pv_cli *cli)
{
    const char *code = NULL, *prov = NULL, *county = NULL, *office = NULL;
    const char *admin = NULL, *pw_fd = NULL; /* the first administrator (cmd_security.c) */
    const char *level = NULL, *parent = NULL, *pass_fd = NULL; /* office keys (cmd_exchange.c) */
    bool no_keys = false;
    const pv_cli_opt opts[] = {
        PV_CLI_VALUE("--branch", &code), PV_CLI_VALUE("--province", &prov),
        PV_CLI_VALUE("--county", &county), PV_CLI_VALUE("--office", &office),
        PV_CLI_VALUE("--admin", &admin), PV_CLI_VALUE("--password-fd", &pw_fd),
        PV_CLI_VALUE("--level", &level), PV_CLI_VALUE("--parent", &parent),
        PV_CLI_VALUE("--passphrase-fd", &pass_fd), PV_CLI_FLAG("--no-office-keys", &no_keys),
        PV_CLI_END,
    };
    if (pv_cli_parse(cli, 1, opts, NULL, 0) != 0 ||
        (pw_fd && (!admin || pv_cli_parse_fd(pw_fd) < 0)))
        return pv_cli_usage_self(cli);
    int rc = pv_cli_open(cli);
    if (rc != 0)
        return rc;
    if (code || prov || county || office) {
        rc = init_branch(cli, code, prov, county, office);
        if (rc != 0)
            return rc;
    }
    if (admin && (rc = pv_cli_init_admin(cli, admin, pw_fd ? pv_cli_parse_fd(pw_fd) : -1)) != 0)
        return rc;
    if ((rc = init_catalog(cli)) != 0)
        return rc;
    if ((rc = pv_cli_init_office(cli, level, parent, pass_fd, no_keys)) != 0)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_branch b;
    if (pv_branch_get(cli->ctx, &b, &err) != PV_OK)
        return pv_cli_fail(&err);
    char *path = cli->db_path ? NULL : pv_default_db_path();
    printf("%s ", _("Database ready:"));
    pv_cli_put(stdout, cli->db_path ? cli->db_path : path ? path : "?");
    free(path);
    printf("\n%s ", _("Branch:"));
    pv_cli_put_num(cli, stdout, b.code);
    const char *parts[] = {b.province, b.county, b.office};
    for (size_t i = 0; i < 3; i++) {
        if (!parts[i][0])
            continue;
        fputs(cli->lang == PV_LANG_FA ? "، " : ", ", stdout);
        pv_cli_put(stdout, parts[i]);
    }
    fputc('\n', stdout);
    return PV_EXIT_OK;
}

/* ---- import ---- */

typedef struct progress {
    pv_cli *cli;
    struct timespec start, last; /* start: the first report of the writing pass */
    unsigned long start_rows;
    bool started, tty;
} progress;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void on_reject(void *arg, long line, const char *field, const char *message)
{
    progress *p = arg;
    (void)field;
    if (p->tty)
        fputs("\r\033[K", stderr); /* over the progress line */
    fprintf(stderr, "parvande: %s ", _("line"));
    pv_cli_put_num(p->cli, stderr, line);
    fputs(": ", stderr);
    pv_cli_put_message(stderr, message);
    fputc('\n', stderr);
}

/* "rows 120000 of 1000000, 104000 rows/s, 8 s left", four times a second. */
static void on_progress(void *arg, const pv_import_stats *s)
{
    progress *p = arg;
    if (!p->tty)
        return;
    if (!p->started) { /* the rate is that of the writing pass, not of the first reading */
        clock_gettime(CLOCK_MONOTONIC, &p->start);
        p->start_rows = s->rows;
        p->started = true;
    }
    double since_last = seconds_since(&p->last);
    if (since_last < 0.25 && s->rows < s->total)
        return;
    clock_gettime(CLOCK_MONOTONIC, &p->last);
    double elapsed = seconds_since(&p->start);
    double rate = elapsed > 0 ? (double)(s->rows - p->start_rows) / elapsed : 0;
    unsigned long left = rate > 0 ? (unsigned long)((double)(s->total - s->rows) / rate + 0.5) : 0;
    char buf[160];
    snprintf(buf, sizeof buf, _("%lu of %lu rows, %lu rows/s, %lu s left"), s->rows, s->total,
             (unsigned long)rate, left);
    fputs("\r\033[K", stderr);
    pv_cli_put_digits(p->cli, stderr, buf);
    fflush(stderr);
}

static int cmd_import(pv_cli *cli)
{
    const char *file = NULL, *rejects_path = NULL;
    bool force = false;
    const pv_cli_opt opts[] = {PV_CLI_VALUE("--rejects", &rejects_path),
                               PV_CLI_FLAG("--force", &force), PV_CLI_END};
    /* "-x" is a mistyped option, not a file; "-" alone is a file name */
    if (pv_cli_parse(cli, 1, opts, &file, 1) != 1 || (file[0] == '-' && file[1]))
        return pv_cli_usage_self(cli);
    int rc = pv_cli_open(cli);
    if (rc != 0)
        return rc;
    pv_rejects rej = {0};
    if (rejects_path && (rc = pv_rejects_open(&rej, rejects_path, file, force)) != 0)
        return rc;
    progress p = {.cli = cli, .tty = isatty(STDERR_FILENO) == 1};
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    p.last = p.start;
    pv_import_opts o = {.rejects = rej.f, .on_reject = on_reject, .on_progress = on_progress,
                        .arg = &p};
    pv_import_stats st = {0};
    pv_error err = PV_ERROR_INIT;
    pv_status s = pv_import_csv(cli->ctx, file, &o, &st, &err);
    if (p.tty)
        fputs("\r\033[K", stderr);
    if (pv_rejects_close(&rej, s == PV_OK) != 0 && s == PV_OK)
        return PV_EXIT_FAIL;
    if (s != PV_OK)
        return pv_cli_fail(&err);
    char buf[160];
    snprintf(buf, sizeof buf, _("imported %lu, updated %lu, rejected %lu"), st.imported,
             st.updated, st.rejected);
    pv_cli_put_digits(cli, stdout, buf);
    fputc('\n', stdout);
    return st.rejected ? PV_EXIT_REJECTED : PV_EXIT_OK;
}

/* ---- show ---- */

/* Parses "[ARG] [--tsv] [--limit N]" style arguments shared by show and
 * search: positional words are joined with spaces into `word`. */
typedef struct args {
    char word[1024];
    bool tsv;
    long limit;
} args;

/* The --limit value, or -1 when it is not a number from 1 to the maximum. */
static long limit_of(const char *text)
{
    char digits[24], *end = NULL;
    if (!pv_digits_ascii(text, false, digits, sizeof digits) || !digits[0])
        return -1;
    long v = strtol(digits, &end, 10);
    return *end || v < 1 || v > SEARCH_LIMIT_MAX ? -1 : v;
}

static bool valid_limit(const char *text)
{
    if (limit_of(text) > 0)
        return true;
    char why[256];
    snprintf(why, sizeof why, _("a whole number from 1 to %d is needed"), SEARCH_LIMIT_MAX);
    fputs("parvande: --limit: ", stderr);
    pv_cli_put_message(stderr, why);
    fputc('\n', stderr);
    return false;
}

/* The words joined with single spaces; -1 when they do not fit. */
static int join_words(const char **words, int n, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t len = strlen(words[i]);
        if (used + len + 2 > size)
            return -1;
        if (used)
            out[used++] = ' ';
        memcpy(out + used, words[i], len + 1);
        used += len;
    }
    return 0;
}

static int parse_args(pv_cli *cli, bool allow_limit, args *a)
{
    const char *limit = NULL;
    a->tsv = false;
    /* without allow_limit the table ends before --limit, which is then unknown */
    const pv_cli_opt opts[] = {PV_CLI_FLAG("--tsv", &a->tsv),
                               {allow_limit ? "--limit" : NULL, NULL, &limit, valid_limit},
                               PV_CLI_END};
    const char **words = malloc(sizeof *words * (size_t)cli->argc);
    int n = words ? pv_cli_parse(cli, 1, opts, words, cli->argc) : -1;
    int rc = n < 0 ? -1 : join_words(words, n, a->word, sizeof a->word);
    free(words);
    a->limit = limit ? limit_of(limit) : SEARCH_LIMIT_DEFAULT;
    return rc == 0 && a->word[0] ? 0 : -1;
}

static void show_line(pv_cli *cli, const char *label, const char *value, bool digits)
{
    printf("  %s: ", label);
    if (!value[0])
        fputs("-", stdout);
    else if (digits)
        pv_cli_put_digits(cli, stdout, value);
    else /* free text (an address): its numbers in Persian digits too */
        pv_cli_put_message(stdout, value);
    fputc('\n', stdout);
}

static void show_person(pv_cli *cli, const pv_person *p)
{
    size_t n;
    const pv_field_info *fi = pv_person_fields(&n);
    for (size_t i = 0; i < n; i++) {
        char value[PV_ADDR_SZ];
        pv_person_get_field(p, fi[i].name, value, sizeof value);
        show_line(cli, _(fi[i].label), value, fi[i].ltr);
    }
}

static void show_members(pv_cli *cli, const pv_file_view *v)
{
    printf("\n%s", _("Household"));
    if (v->household_key[0]) {
        fputs(" (", stdout);
        pv_cli_put(stdout, v->household_key);
        fputs(")", stdout);
    }
    fputs(":\n", stdout);
    for (size_t i = 0; i < v->n_members; i++) {
        const pv_person *m = &v->members[i];
        char rel[64];
        pv_person_get_field(m, "relation", rel, sizeof rel);
        fputs("  ", stdout);
        pv_cli_put_digits(cli, stdout, m->national_id);
        fputs("  ", stdout);
        pv_cli_put(stdout, m->first_name);
        fputc(' ', stdout);
        pv_cli_put(stdout, m->last_name);
        printf("  %s  ", rel);
        pv_cli_put_date(cli, stdout, m->birth_date);
        if (pv_person_is_female_head(v, m))
            printf("  (%s)", _("female head of household"));
        else if (pv_person_is_daughter_of_female_head(v, m))
            printf("  (%s)", _("daughter of a female head"));
        fputc('\n', stdout);
    }
}

static void show_casefile(pv_cli *cli, const pv_file_view *v)
{
    printf("\n%s:\n", _("Case file"));
    if (!v->has_file) {
        printf("  %s\n", _("none"));
        return;
    }
    const pv_casefile *f = &v->file;
    printf("  %s: %s\n", _("File status"), f->status == PV_FILE_ACTIVE ? _("active") : _("closed"));
    printf("  %s: %s\n", _("Covered"), f->covered ? _("yes") : _("no"));
    printf("  %s: ", _("Opened"));
    pv_cli_put_date(cli, stdout, f->opened_on);
    if (f->status == PV_FILE_CLOSED) {
        printf("\n  %s: ", _("Closed"));
        pv_cli_put_date(cli, stdout, f->closed_on);
    }
    printf("\n  %s: ", _("Caseworker"));
    pv_cli_put(stdout, f->caseworker[0] ? f->caseworker : "-");
    printf("\n\n%s:\n", _("Assessments"));
    if (!v->n_assessments)
        printf("  %s\n", _("none"));
    for (size_t i = 0; i < v->n_assessments; i++) {
        const pv_assessment *a = &v->assessments[i];
        fputs("  ", stdout);
        pv_cli_put_date(cli, stdout, a->date);
        fputs("  ", stdout);
        pv_cli_put(stdout, a->author);
        fputs(": ", stdout);
        pv_cli_put(stdout, a->text ? a->text : "");
        fputc('\n', stdout);
    }
}

/* TSV of show: one line per record, the first column says which:
 *   person NATIONAL_ID FIRST LAST FATHER GENDER BIRTH(ISO) PHONE PROVINCE
 *          COUNTY ADDRESS AREA DISABILITY GUARDIANSHIP JUDICIAL(0|1)
 *          RELATION HOUSEHOLD_KEY
 *   member NATIONAL_ID FIRST LAST RELATION GENDER BIRTH(ISO)
 *   file   STATUS COVERED(0|1) OPENED(ISO) CLOSED(ISO) CASEWORKER
 *   assessment DATE(ISO) AUTHOR TEXT */
static void show_tsv(const pv_file_view *v)
{
    const pv_person *p = &v->person;
    pv_cli_tsv(stdout, "person", false);
    const char *cols[] = {p->national_id, p->first_name, p->last_name, p->father_name,
                          pv_gender_code(p->gender), p->birth_date, p->phone, p->province,
                          p->county, p->address, pv_area_code(p->area),
                          pv_disability_code(p->disability),
                          pv_guardianship_code(p->guardianship), p->judicial_order ? "1" : "0",
                          pv_relation_code(p->relation), v->household_key};
    size_t nc = sizeof cols / sizeof *cols;
    for (size_t i = 0; i < nc; i++)
        pv_cli_tsv(stdout, cols[i], i + 1 == nc);
    for (size_t i = 0; i < v->n_members; i++) {
        const pv_person *m = &v->members[i];
        const char *mc[] = {"member", m->national_id, m->first_name, m->last_name,
                            pv_relation_code(m->relation), pv_gender_code(m->gender),
                            m->birth_date};
        for (size_t k = 0; k < 7; k++)
            pv_cli_tsv(stdout, mc[k], k == 6);
    }
    if (v->has_file) {
        const pv_casefile *f = &v->file;
        const char *fc[] = {"file", pv_file_status_code(f->status), f->covered ? "1" : "0",
                            f->opened_on, f->closed_on, f->caseworker};
        for (size_t k = 0; k < 6; k++)
            pv_cli_tsv(stdout, fc[k], k == 5);
    }
    for (size_t i = 0; i < v->n_assessments; i++) {
        const pv_assessment *a = &v->assessments[i];
        const char *ac[] = {"assessment", a->date, a->author, a->text ? a->text : ""};
        for (size_t k = 0; k < 4; k++)
            pv_cli_tsv(stdout, ac[k], k == 3);
    }
}

static int cmd_show(pv_cli *cli)
{
    args a;
    if (parse_args(cli, false, &a) != 0 || strchr(a.word, ' '))
        return pv_cli_usage_self(cli);
    int rc = pv_cli_open(cli);
    if (rc != 0)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_file_view *v = NULL;
    char id[PV_NATID_SZ];
    /* a mistyped ID is told apart from one that is not recorded */
    if (pv_natid_parse(a.word, "national_id", id, &err) != PV_OK ||
        pv_file_load(cli->ctx, id, &v, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (a.tsv) {
        show_tsv(v);
    } else {
        printf("%s:\n", _("Person"));
        show_person(cli, &v->person);
        if (v->household_id)
            show_members(cli, v);
        show_casefile(cli, v);
    }
    pv_file_view_free(v);
    return PV_EXIT_OK;
}

/* ---- search ---- */

/* A hit. TSV: NATIONAL_ID FIRST LAST FATHER BIRTH(ISO) GENDER FILE_STATUS
 * (FILE_STATUS "" when the person has no case file). */
static void search_row(const pv_cli *cli, bool tsv, const pv_search_hit *h)
{
    const pv_person *p = &h->person;
    const char *status = h->has_file ? pv_file_status_code(h->file_status) : "";
    const pv_cli_cell row[] = {
        {.kind = PV_CELL_DIGITS, .value = p->national_id},
        {.value = p->first_name},
        {.value = p->last_name, .tight = true},
        {.value = p->father_name, .label = _("father:")},
        {.kind = PV_CELL_DATE, .value = p->birth_date},
        {.value = pv_gender_code(p->gender), .shown = ""},
        {.value = status,
         .shown = !h->has_file ? "" : h->file_status == PV_FILE_ACTIVE ? _("active") : _("closed")},
    };
    pv_cli_row(cli, tsv, row, sizeof row / sizeof *row);
}

static int cmd_search(pv_cli *cli)
{
    args a;
    if (parse_args(cli, true, &a) != 0)
        return pv_cli_usage_self(cli);
    int rc = pv_cli_open(cli);
    if (rc != 0)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_search_hit *hits = NULL;
    size_t n = 0;
    if (pv_search(cli->ctx, a.word, (size_t)a.limit, &hits, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++)
        search_row(cli, a.tsv, &hits[i]);
    free(hits);
    if (n == 0) {
        fprintf(stderr, "parvande: %s\n", _("nothing found"));
        return PV_EXIT_NOTFOUND;
    }
    return PV_EXIT_OK;
}

/* ---- date ---- */

/* Jalali in, ISO out; Gregorian in, Jalali out. The year tells which: the
 * parser reads years below 1700 as Jalali. Output digits are ASCII in both
 * languages, so scripts can use it. */
static int cmd_date(pv_cli *cli)
{
    if (cli->argc != 2)
        return pv_cli_usage_self(cli);
    const char *in = cli->argv[1];
    char iso[PV_DATE_SZ], digits[32];
    pv_error err = PV_ERROR_INIT;
    if (pv_date_parse(in, "date", iso, &err) != PV_OK)
        return pv_cli_fail(&err);
    bool jalali_in = pv_digits_ascii(in, true, digits, sizeof digits) && strlen(digits) >= 4 &&
                     strncmp(digits, "1700", 4) < 0;
    if (jalali_in) {
        printf("%s\n", iso);
    } else {
        char j[PV_DATE_SZ];
        if (!pv_date_to_jalali_text(iso, j)) {
            pv_error_field(&err, "date", _("is outside the Jalali calendar's supported range"));
            return pv_cli_fail(&err);
        }
        printf("%s\n", j);
    }
    return PV_EXIT_OK;
}
