/* parvande — commands for mutual-aid groups, workshops and inquiries:
 * `group`, `course` and `inquiry`, each with its subcommands. Human output
 * follows the language (Persian digits, Jalali dates); --tsv is for
 * scripts (ASCII digits, ISO dates, machine names; README and
 * doc/groups.md list the columns). Database text goes through pv_cli_put. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parvande/groups.h"
#include "parvande/i18n.h"
#include "parvande/text.h"

/* ---- arguments ---- */

typedef struct gopts {
    const char *pos[4];
    int n_pos;
    bool tsv, remove, absent, overdue;
    const char *date, *note, *activity, *facilitator, *place, *trainer, *capacity;
    const char *group, *asked, *how, *by, *ref, *days, *agency, *caseworker, *person;
} gopts;

/* The subcommand is argv[1]; its words and options follow. */
static int parse_sub(pv_cli *cli, gopts *o, int min_pos, int max_pos, const char *usage)
{
    *o = (gopts){0};
    const pv_cli_opt table[] = {
        PV_CLI_FLAG("--tsv", &o->tsv),          PV_CLI_FLAG("--remove", &o->remove),
        PV_CLI_FLAG("--absent", &o->absent),    PV_CLI_FLAG("--overdue", &o->overdue),
        PV_CLI_VALUE("--date", &o->date),       PV_CLI_VALUE("--note", &o->note),
        PV_CLI_VALUE("--activity", &o->activity), PV_CLI_VALUE("--facilitator", &o->facilitator),
        PV_CLI_VALUE("--place", &o->place),     PV_CLI_VALUE("--trainer", &o->trainer),
        PV_CLI_VALUE("--capacity", &o->capacity), PV_CLI_VALUE("--group", &o->group),
        PV_CLI_VALUE("--asked", &o->asked),     PV_CLI_VALUE("--how", &o->how),
        PV_CLI_VALUE("--by", &o->by),           PV_CLI_VALUE("--ref", &o->ref),
        PV_CLI_VALUE("--days", &o->days),       PV_CLI_VALUE("--agency", &o->agency),
        PV_CLI_VALUE("--caseworker", &o->caseworker), PV_CLI_VALUE("--person", &o->person),
        PV_CLI_END,
    };
    o->n_pos = pv_cli_parse_between(cli, 2, table, o->pos, 4, min_pos, max_pos);
    if (o->n_pos < 0) {
        fprintf(stderr, "%s parvande %s %s %s\n", _("usage:"), cli->argv[0], cli->argv[1],
                _(usage));
        return PV_EXIT_USAGE;
    }
    return 0;
}

/* The database, with the catalog loaded (as the service commands do). */
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
    if (n == 0 && pv_catalog_sync(cli->ctx, NULL, NULL, &err) != PV_OK)
        return pv_cli_fail(&err);
    return 0;
}

static int number_arg(const char *text, const char *field, long long max, long long *out)
{
    char digits[32];
    if (!text || !pv_digits_ascii(text, true, digits, sizeof digits) || !*digits
        || strlen(digits) > 16 || strtoll(digits, NULL, 10) > max) {
        pv_error err = PV_ERROR_INIT;
        pv_error_set(&err, PV_EINVAL, field, _("%s: a whole number is needed"), field);
        return pv_cli_fail(&err);
    }
    *out = strtoll(digits, NULL, 10);
    return 0;
}

static int group_arg(pv_cli *cli, const char *ref, pv_id *id)
{
    pv_error err = PV_ERROR_INIT;
    return pv_group_find(cli->ctx, ref, id, &err) == PV_OK ? 0 : pv_cli_fail(&err);
}

static int record_arg(const char *text, const char *field, pv_id *id)
{
    pv_error err = PV_ERROR_INIT;
    return pv_record_parse_id(text, field, id, &err) == PV_OK ? 0 : pv_cli_fail(&err);
}

static int done(pv_status st, pv_error *err, const pv_cli *cli, const char *what, pv_id id)
{
    if (st != PV_OK)
        return pv_cli_fail(err);
    if (what) {
        fputs(what, stdout);
        if (id) {
            putchar(' ');
            pv_cli_put_num(cli, stdout, (long long)id);
        }
        putchar('\n');
    }
    return PV_EXIT_OK;
}

/* A record made: its number alone for --tsv, else the line of done. */
static int made(pv_status st, pv_error *err, const pv_cli *cli, bool tsv, const char *what,
                pv_id id)
{
    if (st == PV_OK && tsv) {
        printf("%lld\n", (long long)id);
        return PV_EXIT_OK;
    }
    return done(st, err, cli, what, id);
}

/* ---- group ---- */

static void put_label(const char *label)
{
    fputs("  ", stdout);
    fputs(label, stdout);
    fputs(": ", stdout);
}

static void print_group_line(const pv_cli *cli, const pv_group *g)
{
    pv_cli_put_num(cli, stdout, (long long)g->id);
    fputs("  ", stdout);
    pv_cli_put(stdout, g->name);
    printf("  %s ", _("members"));
    pv_cli_put_num(cli, stdout, g->n_members);
    if (g->legal_id[0]) {
        printf("  %s ", _("legal ID"));
        pv_cli_put_digits(cli, stdout, g->legal_id);
    }
    if (!g->active)
        printf("  [%s]", _("closed"));
    putchar('\n');
}

static void tsv_group(const pv_group *g)
{
    /* ID NAME ACTIVITY FOUNDED FACILITATOR LEGAL_ID REGISTERED ACTIVE CODE STEP N_STEPS PAID CAP MEMBERS */
    printf("%lld\t", (long long)g->id);
    pv_cli_tsv(stdout, g->name, false);
    pv_cli_tsv(stdout, g->activity, false);
    pv_cli_tsv(stdout, g->founded_on, false);
    pv_cli_tsv(stdout, g->facilitator, false);
    pv_cli_tsv(stdout, g->legal_id, false);
    pv_cli_tsv(stdout, g->registered_on, false);
    printf("%d\t", g->active);
    pv_cli_tsv(stdout, g->code, false);
    printf("%d\t%d\t%lld\t%lld\t%d\n", g->step, g->n_steps, (long long)g->paid,
           (long long)g->cap, g->n_members);
}

static int group_add(pv_cli *cli)
{
    gopts o;
    int rc = parse_sub(cli, &o, 1, 1, N_("NAME [--activity T] [--date D] [--facilitator USER]"));
    if (rc || (rc = open_db(cli)))
        return rc;
    pv_group_new g = {o.pos[0], o.activity, o.date, o.facilitator};
    pv_error err = PV_ERROR_INIT;
    pv_id id = 0;
    pv_status st = pv_group_add(cli->ctx, &g, &id, &err);
    return made(st, &err, cli, o.tsv, _("Group"), id);
}

static int group_list(pv_cli *cli)
{
    gopts o;
    int rc = parse_sub(cli, &o, 0, 1, N_("[QUERY] [--tsv]"));
    if (rc || (rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_group *list;
    size_t n;
    if (pv_group_list(cli->ctx, o.n_pos ? o.pos[0] : NULL, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++)
        if (o.tsv)
            tsv_group(&list[i]);
        else
            print_group_line(cli, &list[i]);
    free(list);
    return n || !o.n_pos ? PV_EXIT_OK : PV_EXIT_NOTFOUND;
}

static void print_group_tsv(const pv_group_detail *d)
{
    fputs("group\t", stdout);
    tsv_group(&d->g);
    for (size_t i = 0; i < d->n_members; i++) {
        const pv_group_member *m = &d->members[i];
        fputs("member\t", stdout); /* NATIONAL_ID NAME JOINED LEFT */
        pv_cli_tsv(stdout, m->national_id, false);
        pv_cli_tsv(stdout, m->name, false);
        pv_cli_tsv(stdout, m->joined_on, false);
        pv_cli_tsv(stdout, m->left_on, true);
    }
    for (size_t i = 0; i < d->n_steps; i++) {
        const pv_group_step *s = &d->steps[i];
        printf("step\t%d\t", s->number); /* N TITLE DATE USER NOTE */
        pv_cli_tsv(stdout, s->title, false);
        pv_cli_tsv(stdout, s->date, false);
        pv_cli_tsv(stdout, s->user, false);
        pv_cli_tsv(stdout, s->note, true);
    }
    for (size_t i = 0; i < d->n_payments; i++) {
        const pv_group_payment *p = &d->payments[i];
        printf("payment\t%lld\t", (long long)p->id); /* ID DATE AMOUNT USER NOTE */
        pv_cli_tsv(stdout, p->date, false);
        printf("%lld\t", (long long)p->amount);
        pv_cli_tsv(stdout, p->user, false);
        pv_cli_tsv(stdout, p->note, true);
    }
}

static void print_group_human(const pv_cli *cli, const pv_group_detail *d)
{
    const pv_group *g = &d->g;
    printf("%s ", _("Group"));
    pv_cli_put_num(cli, stdout, (long long)g->id);
    fputs(": ", stdout);
    pv_cli_put(stdout, g->name);
    putchar('\n');
    put_label(_("Activity"));
    pv_cli_put(stdout, g->activity[0] ? g->activity : "-");
    putchar('\n');
    put_label(_("Founded"));
    pv_cli_put_date(cli, stdout, g->founded_on);
    putchar('\n');
    put_label(_("Facilitator"));
    pv_cli_put(stdout, g->facilitator);
    putchar('\n');
    put_label(_("Legal ID"));
    if (g->legal_id[0]) {
        pv_cli_put_digits(cli, stdout, g->legal_id);
        fputs("  ", stdout);
        pv_cli_put_date(cli, stdout, g->registered_on);
    } else {
        fputs(_("not registered"), stdout);
    }
    putchar('\n');
    put_label(_("Members"));
    pv_cli_put_num(cli, stdout, g->n_members);
    putchar('\n');
    for (size_t i = 0; i < d->n_members; i++) {
        const pv_group_member *m = &d->members[i];
        fputs("    ", stdout);
        pv_cli_put_digits(cli, stdout, m->national_id);
        fputs("  ", stdout);
        pv_cli_put(stdout, m->name);
        fputs("  ", stdout);
        pv_cli_put_date(cli, stdout, m->joined_on);
        if (m->left_on[0]) {
            printf(" %s ", _("left on"));
            pv_cli_put_date(cli, stdout, m->left_on);
        }
        putchar('\n');
    }
    put_label(_("Service"));
    if (g->code[0]) {
        pv_cli_put(stdout, g->code);
        printf("  %s ", _("step"));
        pv_cli_put_num(cli, stdout, g->step);
        fputs(" / ", stdout);
        pv_cli_put_num(cli, stdout, g->n_steps);
    } else {
        fputs(_("not enrolled"), stdout);
    }
    putchar('\n');
    for (size_t i = 0; i < d->n_steps; i++) {
        const pv_group_step *s = &d->steps[i];
        printf("    %s ", s->date[0] ? "✓" : "·");
        pv_cli_put_num(cli, stdout, s->number);
        fputs(". ", stdout);
        pv_cli_put(stdout, s->title);
        if (s->date[0]) {
            fputs("  ", stdout);
            pv_cli_put_date(cli, stdout, s->date);
            if (s->note[0]) {
                fputs("  ", stdout);
                pv_cli_put(stdout, s->note);
            }
        }
        putchar('\n');
    }
    put_label(_("Paid"));
    pv_cli_put_money(cli, stdout, g->paid);
    if (g->cap > 0) {
        printf(" %s ", _("of the cap"));
        pv_cli_put_money(cli, stdout, g->cap);
    }
    printf(" %s\n", _("rials"));
    for (size_t i = 0; i < d->n_payments; i++) {
        const pv_group_payment *p = &d->payments[i];
        fputs("    ", stdout);
        pv_cli_put_date(cli, stdout, p->date);
        fputs("  ", stdout);
        pv_cli_put_money(cli, stdout, p->amount);
        if (p->note[0]) {
            fputs("  ", stdout);
            pv_cli_put(stdout, p->note);
        }
        putchar('\n');
    }
}

static int group_show(pv_cli *cli)
{
    gopts o;
    int rc = parse_sub(cli, &o, 1, 1, N_("GROUP [--tsv]"));
    pv_id id;
    if (rc || (rc = open_db(cli)) || (rc = group_arg(cli, o.pos[0], &id)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_group_detail *d;
    if (pv_group_get(cli->ctx, id, &d, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (o.tsv)
        print_group_tsv(d);
    else
        print_group_human(cli, d);
    pv_group_detail_free(d);
    return PV_EXIT_OK;
}

static int group_member(pv_cli *cli)
{
    gopts o;
    int rc = parse_sub(cli, &o, 2, 2, N_("GROUP NATIONAL_ID [--remove] [--date D]"));
    pv_id id;
    if (rc || (rc = open_db(cli)) || (rc = group_arg(cli, o.pos[0], &id)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_status st = o.remove ? pv_group_member_remove(cli->ctx, id, o.pos[1], o.date, &err)
                            : pv_group_member_add(cli->ctx, id, o.pos[1], o.date, &err);
    return done(st, &err, cli, o.remove ? _("Membership ended") : _("Member added"), 0);
}

static int group_register(pv_cli *cli)
{
    gopts o;
    int rc = parse_sub(cli, &o, 2, 2, N_("GROUP LEGAL_ID [--date D]"));
    pv_id id;
    if (rc || (rc = open_db(cli)) || (rc = group_arg(cli, o.pos[0], &id)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    return done(pv_group_register(cli->ctx, id, o.pos[1], o.date, &err), &err, cli,
                _("Registration recorded"), 0);
}

static int group_enroll(pv_cli *cli)
{
    gopts o;
    int rc = parse_sub(cli, &o, 2, 2, N_("GROUP CODE [--date D]"));
    pv_id id;
    if (rc || (rc = open_db(cli)) || (rc = group_arg(cli, o.pos[0], &id)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    return done(pv_group_enroll(cli->ctx, id, o.pos[1], o.date, &err), &err, cli,
                _("Group enrolled"), 0);
}

static int group_advance(pv_cli *cli)
{
    gopts o;
    int rc = parse_sub(cli, &o, 1, 1, N_("GROUP [--date D] [--note T]"));
    pv_id id;
    if (rc || (rc = open_db(cli)) || (rc = group_arg(cli, o.pos[0], &id)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    return done(pv_group_advance(cli->ctx, id, o.date, o.note, &err), &err, cli,
                _("Step recorded"), 0);
}

static int group_pay(pv_cli *cli)
{
    gopts o;
    long long amount;
    int rc = parse_sub(cli, &o, 2, 2, N_("GROUP AMOUNT [--date D] [--note T]"));
    pv_id id, pay = 0;
    if (rc || (rc = number_arg(o.pos[1], "amount", (long long)1e15, &amount))
        || (rc = open_db(cli)) || (rc = group_arg(cli, o.pos[0], &id)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_group_pay(cli->ctx, id, amount, o.date, o.note, &pay, &err);
    return made(st, &err, cli, o.tsv, _("Payment"), pay);
}

/* ---- course ---- */

static void tsv_course(const pv_course *c)
{
    /* ID CODE TITLE START JYEAR DAYS MIN_DAYS PLACE CAPACITY TRAINER TRAINEES */
    printf("%lld\t", (long long)c->id);
    pv_cli_tsv(stdout, c->code, false);
    pv_cli_tsv(stdout, c->title, false);
    pv_cli_tsv(stdout, c->start_date, false);
    printf("%d\t%d\t%d\t", c->jyear, c->days, c->min_days);
    pv_cli_tsv(stdout, c->place, false);
    printf("%d\t", c->capacity);
    pv_cli_tsv(stdout, c->trainer, false);
    printf("%d\n", c->n_trainees);
}

static int course_add(pv_cli *cli)
{
    gopts o;
    long long cap = 0;
    int rc = parse_sub(cli, &o, 2, 2,
                       N_("CODE TITLE --capacity N [--date START] [--place P] [--trainer T]"));
    if (rc || (rc = number_arg(o.capacity ? o.capacity : "", "capacity", 100000, &cap))
        || (rc = open_db(cli)))
        return rc;
    pv_course_new c = {o.pos[0], o.pos[1], o.date, o.place, o.trainer, (int)cap};
    pv_error err = PV_ERROR_INIT;
    pv_id id = 0;
    pv_status st = pv_course_add(cli->ctx, &c, &id, &err);
    return made(st, &err, cli, o.tsv, _("Course"), id);
}

static int course_list(pv_cli *cli)
{
    gopts o;
    int rc = parse_sub(cli, &o, 0, 0, N_("[--tsv]"));
    if (rc || (rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_course *list;
    size_t n;
    if (pv_course_list(cli->ctx, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        const pv_course *c = &list[i];
        if (o.tsv) {
            tsv_course(c);
            continue;
        }
        pv_cli_put_num(cli, stdout, (long long)c->id);
        fputs("  ", stdout);
        pv_cli_put(stdout, c->title);
        fputs("  ", stdout);
        pv_cli_put_date(cli, stdout, c->start_date);
        printf("  %s ", _("trainees"));
        pv_cli_put_num(cli, stdout, c->n_trainees);
        fputs(" / ", stdout);
        pv_cli_put_num(cli, stdout, c->capacity);
        putchar('\n');
    }
    free(list);
    return PV_EXIT_OK;
}

static void print_course_human(const pv_cli *cli, const pv_course_detail *d)
{
    const pv_course *c = &d->c;
    printf("%s ", _("Course"));
    pv_cli_put_num(cli, stdout, (long long)c->id);
    fputs(": ", stdout);
    pv_cli_put(stdout, c->title);
    putchar('\n');
    put_label(_("Service"));
    pv_cli_put(stdout, c->code);
    putchar('\n');
    put_label(_("Starts"));
    pv_cli_put_date(cli, stdout, c->start_date);
    printf("  %s ", _("days"));
    pv_cli_put_num(cli, stdout, c->days);
    printf("  %s ", _("to complete"));
    pv_cli_put_num(cli, stdout, c->min_days);
    putchar('\n');
    put_label(_("Place"));
    pv_cli_put(stdout, c->place[0] ? c->place : "-");
    putchar('\n');
    put_label(_("Trainer"));
    pv_cli_put(stdout, c->trainer[0] ? c->trainer : "-");
    putchar('\n');
    put_label(_("Trainees"));
    pv_cli_put_num(cli, stdout, c->n_trainees);
    fputs(" / ", stdout);
    pv_cli_put_num(cli, stdout, c->capacity);
    putchar('\n');
    for (size_t i = 0; i < d->n_trainees; i++) {
        const pv_trainee *t = &d->trainees[i];
        fputs("    ", stdout);
        pv_cli_put_digits(cli, stdout, t->national_id);
        fputs("  ", stdout);
        pv_cli_put(stdout, t->name);
        fputs("  ", stdout);
        for (int day = 0; day < c->days; day++)
            fputs(t->present[day] ? "■" : "·", stdout);
        fputs("  ", stdout);
        pv_cli_put_num(cli, stdout, t->attended);
        if (t->withdrawn)
            printf("  [%s]", _("withdrawn"));
        else if (t->completed)
            printf("  [%s]", _("completed"));
        putchar('\n');
    }
    for (size_t i = 0; i < d->n_evaluations; i++) {
        const pv_course_evaluation *e = &d->evaluations[i];
        put_label(_("Evaluation"));
        pv_cli_put_date(cli, stdout, e->date);
        fputs("  ", stdout);
        pv_cli_put_num(cli, stdout, e->score);
        if (e->note[0]) {
            fputs("  ", stdout);
            pv_cli_put(stdout, e->note);
        }
        putchar('\n');
    }
}

static void print_course_tsv(const pv_course_detail *d)
{
    fputs("course\t", stdout);
    tsv_course(&d->c);
    for (size_t i = 0; i < d->n_trainees; i++) {
        const pv_trainee *t = &d->trainees[i];
        fputs("trainee\t", stdout); /* NATIONAL_ID NAME STATUS ADMITTED AMOUNT ATTENDED COMPLETED DAYS */
        pv_cli_tsv(stdout, t->national_id, false);
        pv_cli_tsv(stdout, t->name, false);
        pv_cli_tsv(stdout, t->withdrawn ? "withdrawn" : "admitted", false);
        pv_cli_tsv(stdout, t->admitted_on, false);
        printf("%lld\t%d\t%d\t", (long long)t->amount, t->attended, t->completed);
        for (int day = 0; day < d->c.days; day++)
            putchar(t->present[day] ? '1' : '0');
        putchar('\n');
    }
    for (size_t i = 0; i < d->n_evaluations; i++) {
        const pv_course_evaluation *e = &d->evaluations[i];
        fputs("evaluation\t", stdout); /* DATE SCORE USER NOTE */
        pv_cli_tsv(stdout, e->date, false);
        printf("%d\t", e->score);
        pv_cli_tsv(stdout, e->user, false);
        pv_cli_tsv(stdout, e->note, true);
    }
}

static int course_show(pv_cli *cli)
{
    gopts o;
    pv_id id;
    int rc = parse_sub(cli, &o, 1, 1, N_("COURSE [--tsv]"));
    if (rc || (rc = record_arg(o.pos[0], "course", &id)) || (rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_course_detail *d;
    if (pv_course_get(cli->ctx, id, &d, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (o.tsv)
        print_course_tsv(d);
    else
        print_course_human(cli, d);
    pv_course_detail_free(d);
    return PV_EXIT_OK;
}

static int course_trainee(pv_cli *cli, bool admit)
{
    gopts o;
    pv_id id;
    int rc = parse_sub(cli, &o, 2, 2, N_("COURSE NATIONAL_ID [--date D]"));
    if (rc || (rc = record_arg(o.pos[0], "course", &id)) || (rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_status st = admit ? pv_course_admit(cli->ctx, id, o.pos[1], o.date, &err)
                         : pv_course_withdraw(cli->ctx, id, o.pos[1], o.date, &err);
    return done(st, &err, cli, admit ? _("Trainee admitted") : _("Trainee withdrawn"), 0);
}

static int course_admit(pv_cli *cli) { return course_trainee(cli, true); }
static int course_withdraw(pv_cli *cli) { return course_trainee(cli, false); }

static int course_attend(pv_cli *cli)
{
    gopts o;
    pv_id id;
    long long day;
    int rc = parse_sub(cli, &o, 3, 3, N_("COURSE NATIONAL_ID DAY [--absent]"));
    if (rc || (rc = record_arg(o.pos[0], "course", &id))
        || (rc = number_arg(o.pos[2], "day", 1000, &day)) || (rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    return done(pv_course_attend(cli->ctx, id, o.pos[1], (int)day, !o.absent, &err), &err, cli,
                o.absent ? _("Marked absent") : _("Marked present"), 0);
}

static int course_evaluate(pv_cli *cli)
{
    gopts o;
    pv_id id;
    long long score;
    int rc = parse_sub(cli, &o, 2, 2, N_("COURSE SCORE [--date D] [--note T]"));
    if (rc || (rc = record_arg(o.pos[0], "course", &id))
        || (rc = number_arg(o.pos[1], "score", 1000, &score)) || (rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    return done(pv_course_evaluate(cli->ctx, id, o.date, (int)score, o.note, &err), &err, cli,
                _("Evaluation recorded"), 0);
}

/* ---- inquiry ---- */

static int inquiry_add(pv_cli *cli)
{
    gopts o;
    int rc = parse_sub(cli, &o, 2, 3,
                       N_("(NATIONAL_ID | --group GROUP) CODE AGENCY [--asked T] [--how "
                          "online|batch|manual] [--by agency|visitor] [--date D] [--note T]"));
    if (rc)
        return rc;
    if ((o.group != NULL) != (o.n_pos == 2)) {
        fprintf(stderr, "parvande: %s\n", _("an inquiry is about one person or one group"));
        return PV_EXIT_USAGE;
    }
    if ((rc = open_db(cli)))
        return rc;
    int k = o.group ? 0 : 1;
    pv_inquiry_new q = {o.group ? NULL : o.pos[0], o.group, o.pos[k], o.pos[k + 1],
                        o.asked, o.how, o.by, o.date, o.note};
    pv_error err = PV_ERROR_INIT;
    pv_id id = 0;
    pv_status st = pv_inquiry_add(cli->ctx, &q, &id, &err);
    return made(st, &err, cli, o.tsv, _("Inquiry"), id);
}

static int inquiry_answer(pv_cli *cli)
{
    gopts o;
    pv_id id;
    int rc = parse_sub(cli, &o, 2, 2,
                       N_("INQUIRY confirmed|refused [--ref NUMBER] [--date D] [--note T]"));
    if (rc)
        return rc;
    bool confirmed = strcmp(o.pos[1], "confirmed") == 0;
    if (!confirmed && strcmp(o.pos[1], "refused") != 0) {
        fprintf(stderr, "parvande: %s\n", _("the answer is confirmed or refused"));
        return PV_EXIT_USAGE;
    }
    if ((rc = record_arg(o.pos[0], "inquiry", &id)) || (rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    return done(pv_inquiry_answer(cli->ctx, id, confirmed, o.date, o.ref, o.note, &err), &err,
                cli, _("Answer recorded"), 0);
}

static void tsv_inquiry(const pv_inquiry *q)
{
    /* ID NATIONAL_ID GROUP CODE AGENCY_KEY STATUS SENT ANSWERED REFERENCE HOW BY CASEWORKER AGE_DAYS ASKED */
    printf("%lld\t", (long long)q->id);
    pv_cli_tsv(stdout, q->national_id, false);
    printf("%lld\t", (long long)q->group_id);
    pv_cli_tsv(stdout, q->code, false);
    pv_cli_tsv(stdout, q->agency_key, false);
    pv_cli_tsv(stdout, pv_inquiry_status_name(q->status), false);
    pv_cli_tsv(stdout, q->sent_on, false);
    pv_cli_tsv(stdout, q->answered_on, false);
    pv_cli_tsv(stdout, q->reference, false);
    pv_cli_tsv(stdout, q->how, false);
    pv_cli_tsv(stdout, q->by, false);
    pv_cli_tsv(stdout, q->caseworker, false);
    printf("%d\t", q->age_days);
    pv_cli_tsv(stdout, q->asked, true);
}

static void print_inquiry(const pv_cli *cli, const pv_inquiry *q)
{
    pv_cli_put_num(cli, stdout, (long long)q->id);
    fputs("  ", stdout);
    pv_cli_put(stdout, q->subject);
    if (q->national_id[0]) {
        fputs(" (", stdout);
        pv_cli_put_digits(cli, stdout, q->national_id);
        fputs(")", stdout);
    }
    fputs("  ", stdout);
    pv_cli_put(stdout, q->agency);
    fputs("  ", stdout);
    fputs(pv_inquiry_status_label(q->status), stdout);
    fputs("  ", stdout);
    pv_cli_put_date(cli, stdout, q->sent_on);
    if (q->status == PV_INQ_PENDING) {
        fputs("  ", stdout);
        pv_cli_put_num(cli, stdout, q->age_days);
        printf(" %s", _("days"));
    } else if (q->reference[0]) {
        printf("  %s ", _("ref."));
        pv_cli_put_digits(cli, stdout, q->reference);
    }
    fputs("  ", stdout);
    pv_cli_put(stdout, q->caseworker);
    putchar('\n');
}

/* --days, else the branch's limit. */
static int overdue_days_arg(pv_cli *cli, const char *text, long long *days)
{
    if (text)
        return number_arg(text, "days", 100000, days);
    pv_error err = PV_ERROR_INIT;
    int d;
    if (pv_inquiry_overdue_days(cli->ctx, &d, &err) != PV_OK)
        return pv_cli_fail(&err);
    *days = d;
    return 0;
}

static int inquiry_list(pv_cli *cli)
{
    gopts o;
    long long days = PV_INQUIRY_OVERDUE_DAYS;
    int rc = parse_sub(cli, &o, 0, 0,
                       N_("[--overdue [--days N]] [--agency KEY] [--caseworker USER] "
                          "[--person NATIONAL_ID] [--date D] [--tsv]"));
    if (rc || (rc = open_db(cli)) || (o.overdue && (rc = overdue_days_arg(cli, o.days, &days))))
        return rc;
    pv_inquiry_filter f = PV_INQUIRY_FILTER_INIT;
    f.overdue_days = o.overdue ? (int)days : -1;
    f.date = o.date;
    f.agency = o.agency;
    f.caseworker = o.caseworker;
    f.national_id = o.person;
    pv_error err = PV_ERROR_INIT;
    pv_inquiry *list;
    size_t n;
    if (pv_inquiry_list(cli->ctx, &f, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++)
        if (o.tsv)
            tsv_inquiry(&list[i]);
        else
            print_inquiry(cli, &list[i]);
    free(list);
    return PV_EXIT_OK;
}

/* The branch's overdue limit: shown, or set by an administrator. */
static int inquiry_days(pv_cli *cli)
{
    gopts o;
    long long days = 0;
    int rc = parse_sub(cli, &o, 0, 1, N_("[DAYS] [--tsv]"));
    if (rc || (o.n_pos && (rc = number_arg(o.pos[0], "days", 100000, &days)))
        || (rc = open_db(cli)))
        return rc;
    pv_error err = PV_ERROR_INIT;
    if (o.n_pos && pv_inquiry_overdue_days_set(cli->ctx, (int)days, &err) != PV_OK)
        return pv_cli_fail(&err);
    int d;
    if (pv_inquiry_overdue_days(cli->ctx, &d, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (o.tsv) {
        printf("%d\n", d);
        return PV_EXIT_OK;
    }
    fputs(_("A pending inquiry is overdue after (days):"), stdout);
    putchar(' ');
    pv_cli_put_num(cli, stdout, d);
    putchar('\n');
    return PV_EXIT_OK;
}

/* ---- dispatch ---- */

typedef struct sub {
    const char *name;
    int (*run)(pv_cli *cli);
} sub;

static int dispatch(pv_cli *cli, const sub *subs)
{
    if (cli->argc >= 2)
        for (const sub *s = subs; s->name; s++)
            if (strcmp(s->name, cli->argv[1]) == 0)
                return s->run(cli);
    return pv_cli_usage_self(cli);
}

static int cmd_group(pv_cli *cli)
{
    static const sub subs[] = {
        {"add", group_add},         {"list", group_list},     {"show", group_show},
        {"member", group_member},   {"register", group_register}, {"enroll", group_enroll},
        {"advance", group_advance}, {"pay", group_pay},       {NULL, NULL}};
    return dispatch(cli, subs);
}

static int cmd_course(pv_cli *cli)
{
    static const sub subs[] = {
        {"add", course_add},     {"list", course_list},       {"show", course_show},
        {"admit", course_admit}, {"withdraw", course_withdraw}, {"attend", course_attend},
        {"evaluate", course_evaluate}, {NULL, NULL}};
    return dispatch(cli, subs);
}

static int cmd_inquiry(pv_cli *cli)
{
    static const sub subs[] = {
        {"add", inquiry_add},   {"answer", inquiry_answer}, {"list", inquiry_list},
        {"days", inquiry_days}, {NULL, NULL}};
    return dispatch(cli, subs);
}

const pv_command pv_cmds_groups[] = {
    {"group", N_("add|list|show|member|register|enroll|advance|pay ... (see the man page)"),
     N_("mutual-aid groups: members, registration, the service's steps, payments under the cap"),
     cmd_group},
    {"course", N_("add|list|show|admit|withdraw|attend|evaluate ..."),
     N_("workshops: trainees, daily attendance, evaluation"), cmd_course},
    {"inquiry", N_("add|answer|list [--overdue]|days [N] ..."),
     N_("inquiries to other agencies: made, answered, overdue"), cmd_inquiry},
    {NULL, NULL, NULL, NULL},
};
