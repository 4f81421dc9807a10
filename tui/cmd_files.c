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
#include "cmd_security.h"
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
    {"init", N_("[--branch CODE --province P --county C --office O] [--admin NAME [--password-fd N]]"),
     N_("create or migrate the database (safe to run again); set this office's branch"),
     cmd_init},
    {"import", N_("FILE.csv [--rejects OUT.csv]"),
     N_("import beneficiaries from CSV; rejected rows to stderr (and to OUT.csv)"), cmd_import},
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

static const pv_command *self(const char *name)
{
    for (const pv_command *c = pv_cmds_files; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static int usage_of(pv_cli *cli)
{
    return pv_cli_usage(self(cli->argv[0]));
}

/* Writes ASCII text, with Persian digits when the language is Persian. */
static void put_digits(pv_cli *cli, FILE *f, const char *ascii)
{
    if (cli->lang != PV_LANG_FA) {
        pv_cli_put(f, ascii);
        return;
    }
    char buf[256];
    pv_digits_persian(ascii, buf, sizeof buf);
    pv_cli_put(f, buf);
}

static void put_ulong(pv_cli *cli, FILE *f, unsigned long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lu", v);
    put_digits(cli, f, buf);
}

/* An ISO date on screen: Jalali, digits in the language; "-" when unknown. */
static void put_date(pv_cli *cli, FILE *f, const char *iso)
{
    char j[PV_DATE_SZ];
    if (!iso[0] || !pv_date_to_jalali_text(iso, j)) {
        fputs("-", f);
        return;
    }
    put_digits(cli, f, j);
}

/* One TSV cell: neutralised (pv_cli_put turns tabs and newlines into spaces). */
static void tsv(FILE *f, const char *s, bool last)
{
    pv_cli_put(f, s);
    fputc(last ? '\n' : '\t', f);
}

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
    put_ulong(cli, stdout, (unsigned long)rep.added);
    printf(" %s%s", _("added"), comma);
    put_ulong(cli, stdout, (unsigned long)rep.updated);
    printf(" %s%s", _("updated"), comma);
    put_ulong(cli, stdout, (unsigned long)rep.kept);
    printf(" %s\n", _("unchanged"));
    return 0;
}

static int cmd_init(pv_cli *cli)
{
    const char *code = NULL, *prov = NULL, *county = NULL, *office = NULL;
    const char *admin = NULL, *pw_fd = NULL; /* the first administrator (cmd_security.c) */
    for (int i = 1; i < cli->argc; i++) {
        const char **slot = strcmp(cli->argv[i], "--branch") == 0     ? &code
                            : strcmp(cli->argv[i], "--province") == 0 ? &prov
                            : strcmp(cli->argv[i], "--county") == 0   ? &county
                            : strcmp(cli->argv[i], "--office") == 0   ? &office
                            : strcmp(cli->argv[i], "--admin") == 0    ? &admin
                            : strcmp(cli->argv[i], "--password-fd") == 0 ? &pw_fd
                                                                      : NULL;
        if (!slot || i + 1 >= cli->argc)
            return usage_of(cli);
        *slot = cli->argv[++i];
    }
    if (pw_fd && (!admin || pv_cli_parse_fd(pw_fd) < 0))
        return usage_of(cli);
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
    pv_error err = PV_ERROR_INIT;
    pv_branch b;
    if (pv_branch_get(cli->ctx, &b, &err) != PV_OK)
        return pv_cli_fail(&err);
    char *path = cli->db_path ? NULL : pv_default_db_path();
    printf("%s ", _("Database ready:"));
    pv_cli_put(stdout, cli->db_path ? cli->db_path : path ? path : "?");
    free(path);
    printf("\n%s ", _("Branch:"));
    put_ulong(cli, stdout, (unsigned long)b.code);
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
    char num[32];
    snprintf(num, sizeof num, "%ld", line);
    if (p->tty)
        fputs("\r\033[K", stderr); /* over the progress line */
    fprintf(stderr, "parvande: %s ", _("line"));
    put_digits(p->cli, stderr, num);
    fputs(": ", stderr);
    pv_cli_put(stderr, message);
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
    put_digits(p->cli, stderr, buf);
    fflush(stderr);
}

static int cmd_import(pv_cli *cli)
{
    const char *file = NULL, *rejects_path = NULL;
    for (int i = 1; i < cli->argc; i++) {
        if (strcmp(cli->argv[i], "--rejects") == 0 && i + 1 < cli->argc)
            rejects_path = cli->argv[++i];
        else if (cli->argv[i][0] == '-' && cli->argv[i][1])
            return usage_of(cli);
        else if (!file)
            file = cli->argv[i];
        else
            return usage_of(cli);
    }
    if (!file)
        return usage_of(cli);
    int rc = pv_cli_open(cli);
    if (rc != 0)
        return rc;
    FILE *rej = NULL;
    if (rejects_path && !(rej = fopen(rejects_path, "w"))) {
        fputs("parvande: ", stderr);
        fprintf(stderr, _("cannot write %s: %s"), rejects_path, strerror(errno));
        fputc('\n', stderr);
        return PV_EXIT_FAIL;
    }
    progress p = {.cli = cli, .tty = isatty(STDERR_FILENO) == 1};
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    p.last = p.start;
    pv_import_opts o = {.rejects = rej, .on_reject = on_reject, .on_progress = on_progress,
                        .arg = &p};
    pv_import_stats st = {0};
    pv_error err = PV_ERROR_INIT;
    pv_status s = pv_import_csv(cli->ctx, file, &o, &st, &err);
    if (p.tty)
        fputs("\r\033[K", stderr);
    if (rej && fclose(rej) != 0 && s == PV_OK) {
        fputs("parvande: ", stderr);
        fprintf(stderr, _("cannot write %s: %s"), rejects_path, strerror(errno));
        fputc('\n', stderr);
        return PV_EXIT_FAIL;
    }
    if (s != PV_OK)
        return pv_cli_fail(&err);
    char buf[160];
    snprintf(buf, sizeof buf, _("imported %lu, updated %lu, rejected %lu"), st.imported,
             st.updated, st.rejected);
    put_digits(cli, stdout, buf);
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

static int parse_args(pv_cli *cli, bool allow_limit, args *a)
{
    a->word[0] = '\0';
    a->tsv = false;
    a->limit = SEARCH_LIMIT_DEFAULT;
    size_t used = 0;
    for (int i = 1; i < cli->argc; i++) {
        const char *s = cli->argv[i];
        if (strcmp(s, "--tsv") == 0) {
            a->tsv = true;
        } else if (allow_limit && strcmp(s, "--limit") == 0 && i + 1 < cli->argc) {
            char digits[24], *end = NULL;
            if (!pv_digits_ascii(cli->argv[++i], false, digits, sizeof digits) || !digits[0])
                return -1;
            a->limit = strtol(digits, &end, 10);
            if (*end || a->limit < 1 || a->limit > SEARCH_LIMIT_MAX)
                return -1;
        } else if (s[0] == '-' && s[1] == '-') {
            return -1;
        } else {
            size_t n = strlen(s);
            if (used + n + 2 > sizeof a->word)
                return -1;
            if (used)
                a->word[used++] = ' ';
            memcpy(a->word + used, s, n + 1);
            used += n;
        }
    }
    return a->word[0] ? 0 : -1;
}

static void show_line(pv_cli *cli, const char *label, const char *value, bool digits)
{
    printf("  %s: ", label);
    if (!value[0])
        fputs("-", stdout);
    else if (digits)
        put_digits(cli, stdout, value);
    else
        pv_cli_put(stdout, value);
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
        put_digits(cli, stdout, m->national_id);
        fputs("  ", stdout);
        pv_cli_put(stdout, m->first_name);
        fputc(' ', stdout);
        pv_cli_put(stdout, m->last_name);
        printf("  %s  ", rel);
        put_date(cli, stdout, m->birth_date);
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
    put_date(cli, stdout, f->opened_on);
    if (f->status == PV_FILE_CLOSED) {
        printf("\n  %s: ", _("Closed"));
        put_date(cli, stdout, f->closed_on);
    }
    printf("\n  %s: ", _("Caseworker"));
    pv_cli_put(stdout, f->caseworker[0] ? f->caseworker : "-");
    printf("\n\n%s:\n", _("Assessments"));
    if (!v->n_assessments)
        printf("  %s\n", _("none"));
    for (size_t i = 0; i < v->n_assessments; i++) {
        const pv_assessment *a = &v->assessments[i];
        fputs("  ", stdout);
        put_date(cli, stdout, a->date);
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
    tsv(stdout, "person", false);
    const char *cols[] = {p->national_id, p->first_name, p->last_name, p->father_name,
                          pv_gender_code(p->gender), p->birth_date, p->phone, p->province,
                          p->county, p->address, pv_area_code(p->area),
                          pv_disability_code(p->disability),
                          pv_guardianship_code(p->guardianship), p->judicial_order ? "1" : "0",
                          pv_relation_code(p->relation), v->household_key};
    size_t nc = sizeof cols / sizeof *cols;
    for (size_t i = 0; i < nc; i++)
        tsv(stdout, cols[i], i + 1 == nc);
    for (size_t i = 0; i < v->n_members; i++) {
        const pv_person *m = &v->members[i];
        const char *mc[] = {"member", m->national_id, m->first_name, m->last_name,
                            pv_relation_code(m->relation), pv_gender_code(m->gender),
                            m->birth_date};
        for (size_t k = 0; k < 7; k++)
            tsv(stdout, mc[k], k == 6);
    }
    if (v->has_file) {
        const pv_casefile *f = &v->file;
        const char *fc[] = {"file", pv_file_status_code(f->status), f->covered ? "1" : "0",
                            f->opened_on, f->closed_on, f->caseworker};
        for (size_t k = 0; k < 6; k++)
            tsv(stdout, fc[k], k == 5);
    }
    for (size_t i = 0; i < v->n_assessments; i++) {
        const pv_assessment *a = &v->assessments[i];
        const char *ac[] = {"assessment", a->date, a->author, a->text ? a->text : ""};
        for (size_t k = 0; k < 4; k++)
            tsv(stdout, ac[k], k == 3);
    }
}

static int cmd_show(pv_cli *cli)
{
    args a;
    if (parse_args(cli, false, &a) != 0 || strchr(a.word, ' '))
        return usage_of(cli);
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

/* TSV of search: NATIONAL_ID FIRST LAST FATHER BIRTH(ISO) GENDER FILE_STATUS
 * (FILE_STATUS "" when the person has no case file). */
static void search_tsv(const pv_search_hit *h)
{
    const pv_person *p = &h->person;
    const char *c[] = {p->national_id, p->first_name, p->last_name, p->father_name,
                       p->birth_date, pv_gender_code(p->gender),
                       h->has_file ? pv_file_status_code(h->file_status) : ""};
    for (size_t k = 0; k < 7; k++)
        tsv(stdout, c[k], k == 6);
}

static void search_line(pv_cli *cli, const pv_search_hit *h)
{
    const pv_person *p = &h->person;
    put_digits(cli, stdout, p->national_id);
    fputs("  ", stdout);
    pv_cli_put(stdout, p->first_name);
    fputc(' ', stdout);
    pv_cli_put(stdout, p->last_name);
    if (p->father_name[0]) {
        printf("  %s ", _("father:"));
        pv_cli_put(stdout, p->father_name);
    }
    fputs("  ", stdout);
    put_date(cli, stdout, p->birth_date);
    if (h->has_file)
        printf("  %s", h->file_status == PV_FILE_ACTIVE ? _("active") : _("closed"));
    fputc('\n', stdout);
}

static int cmd_search(pv_cli *cli)
{
    args a;
    if (parse_args(cli, true, &a) != 0)
        return usage_of(cli);
    int rc = pv_cli_open(cli);
    if (rc != 0)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_search_hit *hits = NULL;
    size_t n = 0;
    if (pv_search(cli->ctx, a.word, (size_t)a.limit, &hits, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        if (a.tsv)
            search_tsv(&hits[i]);
        else
            search_line(cli, &hits[i]);
    }
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
        return usage_of(cli);
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
