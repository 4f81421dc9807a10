/* parvande — service commands: the catalog, eligibility (one person, or
 * the whole database for one service), enrollments through their steps,
 * credits and the facts the rules read. Human output follows the language
 * (Persian digits, Jalali dates); --tsv is for scripts: ASCII digits, ISO
 * dates, machine names, fixed leading columns (README, "Services and
 * eligibility"). Database text always goes through pv_cli_put. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "session.h"
#include "parvande/i18n.h"
#include "parvande/services.h"
#include "parvande/text.h"

/* ---- arguments ---- */

typedef struct opts {
    const char *pos[4]; /* positional arguments after the command */
    int n_pos;
    bool tsv, clear, force;
    const char *date, *note, *override, *service, *amount;
} opts;

/* Reads the options, and checks that between min_pos and max_pos
 * positional words came: 0, or the usage exit status. */
static int parse_checked(pv_cli *cli, opts *o, int min_pos, int max_pos)
{
    *o = (opts){0};
    const pv_cli_opt table[] = {
        PV_CLI_FLAG("--tsv", &o->tsv),           PV_CLI_FLAG("--clear", &o->clear),
        PV_CLI_VALUE("--date", &o->date),        PV_CLI_VALUE("--note", &o->note),
        PV_CLI_VALUE("--override", &o->override), PV_CLI_VALUE("--service", &o->service),
        PV_CLI_VALUE("--amount", &o->amount),    PV_CLI_FLAG("--force", &o->force),
        PV_CLI_END,
    };
    o->n_pos = pv_cli_parse_between(cli, 1, table, o->pos, 4, min_pos, max_pos);
    if (o->n_pos < 0)
        return pv_cli_usage_self(cli);
    return 0;
}

/* The catalog is loaded at init (pv_catalog_sync); a database made before
 * that gets it the first time a service command runs. */
static int open_db(pv_cli *cli)
{
    int rc = pv_cli_open(cli);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_service_info *list = NULL;
    size_t n = 0;
    if (pv_service_list(cli->ctx, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    free(list);
    if (n == 0 && pv_catalog_sync(cli->ctx, NULL, NULL, &err) != PV_OK) {
        if (err.status == PV_EDENIED)
            pv_error_set(&err, PV_EDENIED, "service", "%s",
                         _("The service catalog is not loaded yet: an administrator runs "
                           "“parvande catalog-sync” (or “parvande init”)."));
        return pv_cli_fail(&err);
    }
    return 0;
}

/* The common start of a command: its options checked, then the database. */
static int parse_open(pv_cli *cli, opts *o, int min_pos, int max_pos)
{
    int rc = parse_checked(cli, o, min_pos, max_pos);
    return rc ? rc : open_db(cli);
}

/* ---- services, service ---- */

static const char *freq_text(const pv_service_info *s, char *buf, size_t size)
{
    static const char *names[] = {"none", "once", "month", "season", "year"};
    if (s->frequency == PV_FREQ_NONE || s->frequency == PV_FREQ_ONCE)
        snprintf(buf, size, "%s", names[s->frequency]);
    else
        snprintf(buf, size, "%d/%s", s->freq_count, names[s->frequency]);
    return buf;
}

static int cmd_services(pv_cli *cli)
{
    opts o;
    int rc = parse_open(cli, &o, 0, 0);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_service_info *list;
    size_t n;
    if (pv_service_list(cli->ctx, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        const pv_service_info *s = &list[i];
        char fb[32], local[64], edited[96];
        snprintf(local, sizeof local, "(%s)", _("local code"));
        snprintf(edited, sizeof edited, "[%s]", _("edited by an administrator"));
        /* CODE TITLE LOCAL APPROVAL FREQUENCY PER_CAPITA GROUP_CAP EDITED */
        const pv_cli_cell row[] = {
            {.value = s->code},
            {.shown = s->local_code ? local : "", .tight = true, .no_tsv = true},
            {.value = s->title},
            {.kind = PV_CELL_NUM, .num = s->local_code, .shown = ""},
            {.kind = PV_CELL_NUM, .num = s->approval, .shown = ""},
            {.value = freq_text(s, fb, sizeof fb), .shown = ""},
            {.kind = PV_CELL_NUM, .num = (long long)s->per_capita, .shown = ""},
            {.kind = PV_CELL_NUM, .num = (long long)s->group_cap, .shown = ""},
            {.kind = PV_CELL_NUM, .num = s->edited, .shown = s->edited ? edited : ""},
        };
        pv_cli_row(cli, o.tsv, row, sizeof row / sizeof *row);
    }
    free(list);
    return PV_EXIT_OK;
}

static int cmd_service(pv_cli *cli)
{
    opts o;
    int rc = parse_open(cli, &o, 1, 1);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_card *card;
    if (pv_service_card(cli->ctx, o.pos[0], &card, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < card->n_sections; i++) {
        const pv_card_section *s = &card->sections[i];
        if (!s->n_rows)
            continue;
        printf("%s\n", s->title);
        for (size_t j = 0; j < s->n_rows; j++) {
            fputs("  ", stdout);
            pv_cli_put(stdout, s->rows[j].label);
            fputs(": ", stdout);
            pv_cli_put(stdout, s->rows[j].value);
            putchar('\n');
        }
        putchar('\n');
    }
    pv_card_free(card);
    return PV_EXIT_OK;
}

/* ---- check, eligible ---- */

static void print_check(pv_cli *cli, const pv_eligibility *e, bool tsv)
{
    if (tsv) {
        /* CODE ELIGIBLE FAILED_KEYS REASONS */
        pv_cli_tsv(stdout, e->code, false);
        printf("%d\t", e->eligible);
        bool first = true;
        for (size_t i = 0; i < e->n_criteria; i++)
            if (!e->criteria[i].passed) {
                printf("%s%s", first ? "" : ",", e->criteria[i].key);
                first = false;
            }
        putchar('\t');
        char *why = pv_eligibility_failures(e);
        pv_cli_tsv(stdout, why, true);
        free(why);
        return;
    }
    pv_cli_put(stdout, e->code);
    fputs("  ", stdout);
    pv_cli_put(stdout, e->title);
    printf("\n  %s\n", e->eligible ? _("eligible") : _("not eligible"));
    for (size_t i = 0; i < e->n_criteria; i++) {
        const pv_criterion_result *c = &e->criteria[i];
        printf("    %s ", c->passed ? "[+]" : "[-]");
        pv_cli_put(stdout, c->label);
        if (!c->passed) {
            fputs(" — ", stdout);
            pv_cli_put(stdout, c->reason);
        }
        putchar('\n');
    }
    (void)cli;
}

static int cmd_check(pv_cli *cli)
{
    if (cli->argc == 1) /* no person: the database's own check (cmd_security.c) */
        return pv_cli_check_database(cli);
    opts o;
    int rc = parse_open(cli, &o, 1, 2);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    if (o.n_pos == 2) { /* one service */
        pv_eligibility *e;
        if (pv_eligibility_check(cli->ctx, o.pos[0], o.pos[1], o.date, &e, &err) != PV_OK)
            return pv_cli_fail(&err);
        print_check(cli, e, o.tsv);
        pv_eligibility_free(e);
        return PV_EXIT_OK;
    }
    pv_eligibility *all;
    size_t n;
    if (pv_eligibility_check_all(cli->ctx, o.pos[0], o.date, &all, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++)
        print_check(cli, &all[i], o.tsv);
    pv_eligibility_free_all(all, n);
    return PV_EXIT_OK;
}

typedef struct eligible_out {
    pv_cli *cli;
    bool tsv;
    char buf[4 * PV_NAME_SZ];
} eligible_out;

/* pv_cli_put into the scan's own buffer: no allocation for each field of
 * a million rows. Tabs and newlines become spaces, so also a TSV cell. */
static void put_clean(eligible_out *eo, const char *s)
{
    pv_text_sanitize(s, false, eo->buf, sizeof eo->buf);
    fputs(eo->buf, stdout);
}

static int on_eligible(void *user, const pv_eligible_row *r)
{
    eligible_out *eo = user;
    if (eo->tsv) {
        /* NATIONAL_ID FIRST_NAME LAST_NAME BIRTH_DATE PROVINCE */
        fputs(r->national_id, stdout);
        putchar('\t');
        put_clean(eo, r->first_name);
        putchar('\t');
        put_clean(eo, r->last_name);
        putchar('\t');
        fputs(r->birth_date, stdout);
        putchar('\t');
        put_clean(eo, r->province);
        putchar('\n');
        return 0;
    }
    pv_cli_put_digits(eo->cli, stdout, r->national_id);
    fputs("  ", stdout);
    put_clean(eo, r->first_name);
    putchar(' ');
    put_clean(eo, r->last_name);
    fputs("  ", stdout);
    pv_cli_put_date(eo->cli, stdout, r->birth_date);
    fputs("  ", stdout);
    put_clean(eo, r->province);
    putchar('\n');
    return 0;
}

static int cmd_eligible(pv_cli *cli)
{
    opts o;
    int rc = parse_open(cli, &o, 1, 1);
    if (rc)
        return rc;
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    eligible_out eo = {.cli = cli, .tsv = o.tsv};
    pv_error err = PV_ERROR_INIT;
    size_t count = 0;
    if (pv_eligible_scan(cli->ctx, o.pos[0], o.date, on_eligible, &eo, &count, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (!o.tsv) {
        printf("%s: ", _("eligible"));
        pv_cli_put_num(cli, stdout, (long long)count);
        putchar('\n');
    }
    fflush(stdout);
    return PV_EXIT_OK;
}

/* ---- enrollments ---- */

/* An amount in rials (ASCII or Persian digits, separators allowed): 0, or
 * the exit status after saying why. */
static int parse_rials(const char *text, int64_t *out)
{
    char digits[24];
    if (!pv_digits_ascii(text, true, digits, sizeof digits) || !*digits) {
        pv_error err = PV_ERROR_INIT;
        pv_error_field(&err, "amount", _("a whole number of rials is needed"));
        return pv_cli_fail(&err);
    }
    *out = strtoll(digits, NULL, 10);
    return 0;
}

static int parse_id(const char *text, pv_id *id)
{
    pv_error err = PV_ERROR_INIT;
    if (pv_enroll_parse_id(text, id, &err) != PV_OK)
        return pv_cli_fail(&err);
    return 0;
}

/* Commands on one enrollment: the options checked, the enrollment number
 * read (a mistyped one is refused before any password is asked), then the
 * database. */
static int parse_id_open(pv_cli *cli, opts *o, int n_pos, pv_id *id)
{
    int rc = parse_checked(cli, o, n_pos, n_pos);
    if (rc || (rc = parse_id(o->pos[0], id)))
        return rc;
    return open_db(cli);
}

static void print_failures(const pv_eligibility *e)
{
    for (size_t i = 0; i < e->n_criteria; i++)
        if (!e->criteria[i].passed) {
            fputs("  - ", stderr);
            pv_cli_put(stderr, e->criteria[i].label);
            fputs(": ", stderr);
            pv_cli_put(stderr, e->criteria[i].reason);
            fputc('\n', stderr);
        }
}

static int cmd_enroll(pv_cli *cli)
{
    opts o;
    int rc = parse_checked(cli, &o, 2, 2);
    if (rc)
        return rc;
    pv_enroll_request req = PV_ENROLL_REQUEST_INIT;
    req.national_id = o.pos[0];
    req.code = o.pos[1];
    req.date = o.date;
    req.note = o.note;
    req.justification = o.override;
    if (o.amount && (rc = parse_rials(o.amount, &req.amount)))
        return rc;
    if ((rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_eligibility *why = NULL;
    pv_id id;
    if (pv_enroll(cli->ctx, &req, &id, &why, &err) != PV_OK) {
        rc = pv_cli_fail(&err);
        if (why) {
            print_failures(why);
            pv_eligibility_free(why);
        }
        return rc;
    }
    pv_enrollment_detail *d;
    if (pv_enroll_get(cli->ctx, id, &d, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (o.tsv) {
        printf("%lld\t%s\n", (long long)id, pv_enroll_status_name(d->e.status));
    } else {
        printf("%s ", _("Enrollment"));
        pv_cli_put_num(cli, stdout, (long long)id);
        printf(": %s", pv_enroll_status_label(d->e.status));
        if (d->e.overridden)
            printf(" (%s)", _("eligibility overridden by a supervisor"));
        putchar('\n');
    }
    pv_enrollment_detail_free(d);
    return PV_EXIT_OK;
}

typedef pv_status (*id_action)(pv_ctx *, pv_id, const char *, pv_error *);

static int run_id_action(pv_cli *cli, id_action fn)
{
    opts o;
    pv_id id;
    int rc = parse_id_open(cli, &o, 1, &id);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    if (fn(cli->ctx, id, o.note, &err) != PV_OK)
        return pv_cli_fail(&err);
    return PV_EXIT_OK;
}

static int cmd_approve(pv_cli *cli) { return run_id_action(cli, pv_enroll_approve); }
static int cmd_reject(pv_cli *cli) { return run_id_action(cli, pv_enroll_reject); }
static int cmd_withdraw(pv_cli *cli) { return run_id_action(cli, pv_enroll_withdraw); }

/* "in progress (step 2 of 3: home visit)", or just the status. */
static void print_status(pv_cli *cli, const pv_enrollment *e)
{
    fputs(pv_enroll_status_label(e->status), stdout);
    if (e->status == PV_ENR_IN_PROGRESS) {
        printf(" (%s ", _("step"));
        pv_cli_put_num(cli, stdout, e->step);
        printf(" %s ", _("of"));
        pv_cli_put_num(cli, stdout, e->n_steps);
        fputs(": ", stdout);
        pv_cli_put(stdout, e->step_title);
        putchar(')');
    }
}

static int cmd_advance(pv_cli *cli)
{
    opts o;
    pv_id id;
    int rc = parse_id_open(cli, &o, 1, &id);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    if (pv_enroll_advance(cli->ctx, id, o.date, o.note, &err) != PV_OK)
        return pv_cli_fail(&err);
    pv_enrollment_detail *d;
    if (pv_enroll_get(cli->ctx, id, &d, &err) != PV_OK)
        return pv_cli_fail(&err);
    print_status(cli, &d->e);
    putchar('\n');
    pv_enrollment_detail_free(d);
    return PV_EXIT_OK;
}

static int cmd_document(pv_cli *cli)
{
    opts o;
    pv_id id;
    int rc = parse_id_open(cli, &o, 2, &id);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    if (pv_enroll_tick(cli->ctx, id, o.pos[1], &err) != PV_OK)
        return pv_cli_fail(&err);
    return PV_EXIT_OK;
}

static void print_enrollment(pv_cli *cli, const pv_enrollment *e, bool tsv)
{
    if (tsv) {
        /* ENROLLMENT NATIONAL_ID CODE STATUS STEP N_STEPS DATE AMOUNT REQUESTED_BY
           APPROVED_BY OVERRIDE_BY JUSTIFICATION */
        printf("%lld\t%s\t", (long long)e->id, e->national_id);
        pv_cli_tsv(stdout, e->code, false);
        printf("%s\t%d\t%d\t%s\t%lld\t", pv_enroll_status_name(e->status), e->step,
               e->n_steps, e->date, (long long)e->amount);
        pv_cli_tsv(stdout, e->requested_by, false);
        pv_cli_tsv(stdout, e->approved_by, false);
        pv_cli_tsv(stdout, e->override_by, false);
        pv_cli_tsv(stdout, e->justification, true);
        return;
    }
    pv_cli_put_num(cli, stdout, (long long)e->id);
    fputs("  ", stdout);
    pv_cli_put_digits(cli, stdout, e->national_id);
    fputs("  ", stdout);
    pv_cli_put(stdout, e->person_name);
    fputs("  ", stdout);
    pv_cli_put(stdout, e->code);
    fputs("  ", stdout);
    pv_cli_put_date(cli, stdout, e->date);
    fputs("  ", stdout);
    print_status(cli, e);
    putchar('\n');
    if (e->overridden) {
        printf("    %s ", _("Override by"));
        pv_cli_put(stdout, e->override_by);
        fputs(": ", stdout);
        pv_cli_put(stdout, e->justification ? e->justification : "");
        putchar('\n');
    }
}

static int cmd_enrollments(pv_cli *cli)
{
    opts o;
    int rc = parse_checked(cli, &o, 0, 1);
    if (rc)
        return rc;
    if (o.n_pos == 1 && o.service) /* a person's, or a service's */
        return pv_cli_usage_self(cli);
    if ((rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_enrollment *list;
    size_t n;
    if (pv_enroll_list(cli->ctx, o.n_pos ? o.pos[0] : NULL, o.service, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++)
        print_enrollment(cli, &list[i], o.tsv);
    pv_enrollments_free(list, n);
    return PV_EXIT_OK;
}

static const char *event_label(const char *kind)
{
    return pv_enroll_event_label(kind); /* the core's one table */
}

static int cmd_enrollment(pv_cli *cli)
{
    opts o;
    pv_id id;
    int rc = parse_id_open(cli, &o, 1, &id);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_enrollment_detail *d;
    if (pv_enroll_get(cli->ctx, id, &d, &err) != PV_OK)
        return pv_cli_fail(&err);
    print_enrollment(cli, &d->e, false);
    fputs("  ", stdout);
    pv_cli_put(stdout, d->e.service_title);
    putchar('\n');
    printf("  %s:\n", _("Steps"));
    for (int i = 0; i < d->e.n_steps; i++) {
        bool done = d->e.status == PV_ENR_COMPLETED || i + 1 < d->e.step;
        printf("    %s ", done ? "[x]" : (i + 1 == d->e.step ? "[>]" : "[ ]"));
        pv_cli_put_num(cli, stdout, i + 1);
        fputs(". ", stdout);
        pv_cli_put(stdout, d->steps[i].title);
        putchar('\n');
    }
    if (d->n_documents)
        printf("  %s:\n", _("Documents"));
    for (size_t i = 0; i < d->n_documents; i++) {
        printf("    %s ", d->documents[i].ticked ? "[x]" : "[ ]");
        pv_cli_put(stdout, d->documents[i].label);
        putchar('\n');
    }
    printf("  %s:\n", _("History"));
    for (size_t i = 0; i < d->n_events; i++) {
        const pv_enroll_event *ev = &d->events[i];
        fputs("    ", stdout);
        pv_cli_put_date(cli, stdout, ev->date);
        fputs("  ", stdout);
        pv_cli_put(stdout, ev->user);
        fputs("  ", stdout);
        fputs(event_label(ev->kind), stdout);
        if (strcmp(ev->kind, "step") == 0) {
            putchar(' ');
            pv_cli_put_num(cli, stdout, ev->step);
        }
        const char *note = ev->note;
        bool doc = strcmp(ev->kind, "document") == 0 || strcmp(ev->kind, "untick") == 0;
        for (size_t k = 0; doc && note && k < d->n_documents; k++)
            if (strcmp(d->documents[k].key, note) == 0)
                note = d->documents[k].label; /* the document by its label, not its key */
        if (note) {
            fputs(" — ", stdout);
            pv_cli_put(stdout, note);
        }
        putchar('\n');
    }
    pv_enrollment_detail_free(d);
    return PV_EXIT_OK;
}

/* ---- credits, facts, catalog ---- */

static int cmd_credit(pv_cli *cli)
{
    opts o;
    int rc = parse_checked(cli, &o, 4, 4);
    if (rc)
        return rc;
    char year[8];
    pv_error err = PV_ERROR_INIT;
    if (!pv_digits_ascii(o.pos[2], false, year, sizeof year) || !*year) {
        pv_error_field(&err, "year", _("a Jalali year such as 1403 is needed"));
        return pv_cli_fail(&err);
    }
    int64_t amount;
    if ((rc = parse_rials(o.pos[3], &amount)) || (rc = open_db(cli)))
        return rc;
    if (pv_credit_set(cli->ctx, o.pos[0], o.pos[1], atoi(year), amount, &err) != PV_OK)
        return pv_cli_fail(&err);
    return PV_EXIT_OK;
}

static int cmd_credits(pv_cli *cli)
{
    opts o;
    int rc = parse_open(cli, &o, 0, 1);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_credit *list;
    size_t n;
    if (pv_credit_list(cli->ctx, o.n_pos ? o.pos[0] : NULL, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (n == 0 && !o.tsv) /* say so, rather than print nothing */
        printf("%s\n", _("No credit is set."));
    for (size_t i = 0; i < n; i++) {
        const pv_credit *c = &list[i];
        if (o.tsv) {
            /* CODE PROVINCE YEAR AMOUNT COMMITTED */
            pv_cli_tsv(stdout, c->code, false);
            pv_cli_tsv(stdout, c->province, false);
            printf("%d\t%lld\t%lld\n", c->year, (long long)c->amount, (long long)c->committed);
            continue;
        }
        pv_cli_put(stdout, c->code);
        fputs("  ", stdout);
        pv_cli_put(stdout, c->province);
        fputs("  ", stdout);
        pv_cli_put_num(cli, stdout, c->year);
        printf("  %s ", _("credit"));
        pv_cli_put_money(cli, stdout, c->amount);
        printf("  %s ", _("committed"));
        pv_cli_put_money(cli, stdout, c->committed);
        putchar('\n');
    }
    free(list);
    return PV_EXIT_OK;
}

static int cmd_fact(pv_cli *cli)
{
    opts o;
    int rc = parse_checked(cli, &o, 2, 3);
    if (rc)
        return rc;
    if (o.clear && o.n_pos == 3) /* a value, or --clear */
        return pv_cli_usage_self(cli);
    if ((rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    const char *value = o.clear ? NULL : (o.n_pos == 3 ? o.pos[2] : "yes");
    if (!o.clear && !o.force && !pv_cli_fact_key_read(cli->ctx, o.pos[1])) {
        fputs("parvande: ", stderr);
        fprintf(stderr, _("Fact: no rule of the catalog reads «%s»; check its spelling, or give "
                          "--force to record it anyway."), o.pos[1]);
        fputc('\n', stderr);
        return PV_EXIT_REJECTED;
    }
    if (pv_fact_set(cli->ctx, o.pos[0], o.pos[1], value, &err) != PV_OK)
        return pv_cli_fail(&err);
    return PV_EXIT_OK;
}

static int cmd_facts(pv_cli *cli)
{
    opts o;
    int rc = parse_open(cli, &o, 1, 1);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_fact *list;
    size_t n;
    if (pv_fact_list(cli->ctx, o.pos[0], &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    size_t nk;
    const pv_fact_key *keys = pv_fact_keys(&nk);
    for (size_t i = 0; i < n; i++) {
        if (o.tsv) {
            /* KEY VALUE SET_ON SET_BY */
            pv_cli_tsv(stdout, list[i].key, false);
            pv_cli_tsv(stdout, list[i].value, false);
            printf("%s\t", list[i].set_on);
            pv_cli_tsv(stdout, list[i].set_by, true);
            continue;
        }
        pv_cli_put(stdout, list[i].key);
        for (size_t k = 0; k < nk; k++)
            if (strcmp(keys[k].key, list[i].key) == 0)
                printf(" (%s)", _(keys[k].label));
        fputs(": ", stdout);
        pv_cli_put(stdout, list[i].value);
        fputs("  ", stdout);
        pv_cli_put_date(cli, stdout, list[i].set_on);
        fputs("  ", stdout);
        pv_cli_put(stdout, list[i].set_by);
        putchar('\n');
    }
    free(list);
    return PV_EXIT_OK;
}

static int cmd_catalog_sync(pv_cli *cli)
{
    opts o;
    int rc = parse_checked(cli, &o, 0, 1);
    if (rc)
        return rc;
    if ((rc = pv_cli_open(cli))) /* not open_db: this is the loading itself */
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_catalog_report rep;
    if (pv_catalog_sync(cli->ctx, o.n_pos ? o.pos[0] : NULL, &rep, &err) != PV_OK)
        return pv_cli_fail(&err);
    printf("%s: ", _("added"));
    pv_cli_put_num(cli, stdout, rep.added);
    printf(", %s: ", _("updated"));
    pv_cli_put_num(cli, stdout, rep.updated);
    printf(", %s: ", _("unchanged"));
    pv_cli_put_num(cli, stdout, rep.kept);
    if (rep.edited_skipped) {
        printf(" (%s: ", _("edited by an administrator, left alone"));
        pv_cli_put_num(cli, stdout, rep.edited_skipped);
        putchar(')');
    }
    putchar('\n');
    return PV_EXIT_OK;
}

static int cmd_catalog_load(pv_cli *cli)
{
    opts o;
    int rc = parse_checked(cli, &o, 1, 1);
    if (rc)
        return rc;
    FILE *f = fopen(o.pos[0], "rb");
    pv_error err = PV_ERROR_INIT;
    if (!f) {
        pv_error_set(&err, PV_EFAIL, "service", _("%s: cannot read the card file"), o.pos[0]);
        return pv_cli_fail(&err);
    }
    char *text = calloc(1, 1 << 20);
    size_t n = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    (void)n;
    rc = text ? open_db(cli) : PV_EXIT_FAIL;
    if (!rc && pv_catalog_load_card(cli->ctx, text, o.pos[0], &err) != PV_OK)
        rc = pv_cli_fail(&err);
    free(text);
    return rc;
}

const pv_command pv_cmds_services[] = {
    {"services", N_("[--tsv]"), N_("list the service catalog"), cmd_services},
    {"service", N_("CODE"), N_("print a service's whole card, section by section"), cmd_service},
    {"check", N_("[NATIONAL_ID [CODE] [--date D] [--tsv]]"),
     N_("what is this person eligible for, and if not, why; without a person, the database's "
        "integrity, foreign keys and audit trail in one report"), cmd_check},
    {"eligible", N_("CODE [--date D] [--tsv]"),
     N_("every eligible beneficiary of the database for a service"), cmd_eligible},
    {"enroll", N_("NATIONAL_ID CODE [--date D] [--note T] [--override JUSTIFICATION] "
                  "[--amount RIALS] [--tsv]"),
     N_("enroll a person in a service (refused with the failed criteria unless overridden)"),
     cmd_enroll},
    {"approve", N_("ENROLLMENT [--note T]"),
     N_("approve a requested enrollment (not by its requester)"), cmd_approve},
    {"advance", N_("ENROLLMENT [--date D] [--note T]"),
     N_("record the current step as done; the last step completes the enrollment"),
     cmd_advance},
    {"reject", N_("ENROLLMENT [--note T]"), N_("reject an enrollment and release its money"),
     cmd_reject},
    {"withdraw", N_("ENROLLMENT [--note T]"),
     N_("record that the beneficiary withdrew, releasing the money"), cmd_withdraw},
    {"document", N_("ENROLLMENT NAME"), N_("tick a required document of an enrollment"),
     cmd_document},
    {"enrollments", N_("[NATIONAL_ID | --service CODE] [--tsv]"), N_("list enrollments"),
     cmd_enrollments},
    {"enrollment", N_("ENROLLMENT"), N_("one enrollment: steps, documents, history"),
     cmd_enrollment},
    {"credit", N_("CODE PROVINCE YEAR AMOUNT"),
     N_("set a service's yearly credit in a province (Jalali year, rials)"), cmd_credit},
    {"credits", N_("[CODE] [--tsv]"), N_("list credits and what is committed"), cmd_credits},
    {"fact", N_("NATIONAL_ID KEY [VALUE | --clear] [--force]"),
     N_("record a fact the rules read (request, group_willing, doc.identity...)"), cmd_fact},
    {"facts", N_("NATIONAL_ID [--tsv]"), N_("list a person's recorded facts"), cmd_facts},
    {"catalog-sync", N_("[DIR]"),
     N_("load the service cards into the database (never over an administrator's edit)"),
     cmd_catalog_sync},
    {"catalog-load", N_("FILE.card"),
     N_("an administrator's change to one service card (kept over later syncs)"),
     cmd_catalog_load},
    {NULL, NULL, NULL, NULL},
};
