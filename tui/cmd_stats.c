/* parvande — the statistics commands: `stats` (recipients per service and
 * period with a breakdown, money per service and province, work per
 * caseworker) and `report month` (the monthly report for the province, one
 * page per service). Everything is counted by the core (parvande/stats.h);
 * this file only prints, in the user's language, as TSV or as CSV. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/services.h"
#include "parvande/stats.h"
#include "parvande/text.h"

typedef enum { OUT_TEXT, OUT_TSV, OUT_CSV } out_kind;

/* ---- output helpers ---- */

/* A CSV cell (RFC 4180: quoted when it holds a comma, quote or line end),
 * neutralised like every other output. */
static void csv_cell(const char *s, bool last)
{
    s = s ? s : "";
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote) {
        size_t len = strlen(s), o = 0;
        char *q = malloc(len * 2 + 3); /* every byte a doubled quote, at worst */
        if (!q)
            return;
        q[o++] = '"';
        for (const char *c = s; *c; c++) {
            if (*c == '"')
                q[o++] = '"';
            q[o++] = *c == '\r' || *c == '\n' ? ' ' : *c;
        }
        q[o++] = '"';
        q[o] = '\0';
        pv_cli_put(stdout, q); /* whole, so a character is never cut */
        free(q);
    } else {
        pv_cli_put(stdout, s);
    }
    putchar(last ? '\n' : ',');
}

static void csv_num(long long v, bool last)
{
    printf("%lld%c", v, last ? '\n' : ',');
}

static void cell(out_kind k, const char *s, bool last)
{
    if (k == OUT_CSV)
        csv_cell(s, last);
    else
        pv_cli_tsv(stdout, s, last);
}

static void cell_num(out_kind k, long long v, bool last)
{
    if (k == OUT_CSV)
        csv_num(v, last);
    else
        pv_cli_tsv_num(stdout, v, last);
}

/* One TSV/CSV row: the text cells, then the numbers. */
static void put_cells(out_kind k, const char *const *texts, size_t nt, const long long *nums,
                      size_t nn)
{
    for (size_t i = 0; i < nt; i++)
        cell(k, texts[i], nn == 0 && i + 1 == nt);
    for (size_t i = 0; i < nn; i++)
        cell_num(k, nums[i], i + 1 == nn);
}

/* "  label number" for each figure of a text line. */
static void put_labelled(const pv_cli *cli, const char *const *labels, const int64_t *v,
                         size_t n)
{
    for (size_t j = 0; j < n; j++) {
        printf("  %s ", labels[j]);
        pv_cli_put_num(cli, stdout, v[j]);
    }
}


/* Text padded with spaces to `width` characters (code points), for the
 * human tables; longer text is cut (at a character) to leave one space. */
static void put_padded(const pv_cli *cli, const char *text, int width, bool digits)
{
    char cut[512];
    size_t o = 0;
    int len = 0;
    for (const char *c = text; *c && o + 1 < sizeof cut; c++) {
        bool starts = ((unsigned char)*c & 0xC0) != 0x80;
        if (starts && len >= width - 1)
            break;
        len += starts;
        cut[o++] = *c;
    }
    cut[o] = '\0';
    if (digits)
        pv_cli_put_digits(cli, stdout, cut);
    else
        pv_cli_put(stdout, cut);
    for (; len < width; len++)
        putchar(' ');
}

static const char *service_title(const pv_service_info *list, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].code, code) == 0)
            return list[i].title;
    return code;
}

/* ---- stats SERVICE|all ---- */

static bool valid_period(const char *s)
{
    pv_stats_period p;
    return pv_stats_period_parse(s, &p);
}

static bool valid_by(const char *s)
{
    pv_stats_by b;
    return pv_stats_by_parse(s, &b);
}

static void print_row(const pv_cli *cli, out_kind k, const pv_stats_query *q,
                      const pv_stats_row *r, const char *title)
{
    char label[64], group[PV_STATS_GROUP_SZ];
    if (r->span.key < 0)
        snprintf(label, sizeof label, "%s", k == OUT_TEXT ? _("total") : "total");
    else
        pv_stats_span_label(cli->lang, q->period, &r->span, label, sizeof label);
    pv_stats_group_label(q->by, r->group, group, sizeof group);
    if (k != OUT_TEXT) {
        /* CODE PERIOD_FIRST PERIOD_LAST GROUP STARTED ACTIVE COMPLETED */
        cell(k, r->code, false);
        cell(k, r->span.key < 0 ? "total" : r->span.first, false);
        cell(k, r->span.key < 0 ? "" : r->span.last, false);
        cell(k, q->by == PV_BY_AGE ? group : r->group, false);
        cell_num(k, r->started, false);
        cell_num(k, r->active, false);
        cell_num(k, r->completed, true);
        return;
    }
    put_padded(cli, label, 16, true);
    put_padded(cli, title, 28, false);
    if (q->by != PV_BY_NONE)
        put_padded(cli, group, 18, true);
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)r->started);
    put_padded(cli, num, 10, true);
    snprintf(num, sizeof num, "%lld", (long long)r->active);
    put_padded(cli, num, 10, true);
    pv_cli_put_num(cli, stdout, r->completed);
    putchar('\n');
}

static void print_head(const pv_stats_query *q)
{
    const char *heads[] = {_("period"), _("service"), pv_stats_by_label(q->by), _("started"),
                           _("active"), _("completed")};
    const int widths[] = {16, 28, 18, 10, 10, 0};
    for (int i = 0; i < 6; i++) {
        if (i == 2 && q->by == PV_BY_NONE)
            continue;
        pv_cli_put(stdout, heads[i]);
        int len = 0;
        for (const unsigned char *c = (const unsigned char *)heads[i]; *c; c++)
            len += (*c & 0xC0) != 0x80;
        for (; len < widths[i]; len++)
            putchar(' ');
    }
    putchar('\n');
}

static int stats_money(pv_cli *cli, out_kind k, const char *code, const char *year_s);
static int stats_work(pv_cli *cli, out_kind k, const char *from, const char *to);
static int stats_groups(pv_cli *cli, out_kind k, const char *code);
static void put_course_line(const pv_cli *cli, const pv_stats_course *c)
{
    pv_cli_put(stdout, c->code);
    fputs("  ", stdout);
    pv_cli_put(stdout, c->title);
    fputs("  ", stdout);
    pv_cli_put_date(cli, stdout, c->start);
    const char *labels[] = {_("trainees"), _("withdrawn"), _("capacity")};
    const int64_t v[] = {c->trainees, c->withdrawn, c->capacity};
    put_labelled(cli, labels, v, 3);
    printf("  %s ", _("money"));
    pv_cli_put_money(cli, stdout, c->money);
    putchar('\n');
}

static int stats_courses(pv_cli *cli, out_kind k, const char *code, const char *year_s);
static int stats_insurance(pv_cli *cli, out_kind k, const char *code, const char *year_s);

static int cmd_stats(pv_cli *cli)
{
    bool tsv = false, csv = false;
    const char *period = "month", *by = "none", *from = NULL, *to = NULL, *year = NULL;
    const pv_cli_opt opts[] = {
        PV_CLI_FLAG("--tsv", &tsv), PV_CLI_FLAG("--csv", &csv),
        {"--period", NULL, &period, valid_period}, {"--by", NULL, &by, valid_by},
        PV_CLI_VALUE("--from", &from), PV_CLI_VALUE("--to", &to),
        PV_CLI_VALUE("--year", &year), PV_CLI_END,
    };
    const char *pos[2] = {NULL, NULL};
    int n = pv_cli_parse(cli, 1, opts, pos, 2);
    if (n < 1 || (tsv && csv))
        return pv_cli_usage_self(cli);
    out_kind k = csv ? OUT_CSV : tsv ? OUT_TSV : OUT_TEXT;
    int rc = pv_cli_open(cli);
    if (rc)
        return rc;
    if (strcmp(pos[0], "money") == 0)
        return stats_money(cli, k, pos[1], year);
    if (strcmp(pos[0], "groups") == 0)
        return stats_groups(cli, k, pos[1]);
    if (strcmp(pos[0], "courses") == 0)
        return stats_courses(cli, k, pos[1], year);
    if (strcmp(pos[0], "insurance") == 0)
        return stats_insurance(cli, k, pos[1], year);
    if (strcmp(pos[0], "work") == 0)
        return n == 1 ? stats_work(cli, k, from, to) : pv_cli_usage_self(cli);
    if (n != 1)
        return pv_cli_usage_self(cli);
    pv_stats_query q = {pos[0], PV_STATS_MONTH, PV_BY_NONE, from, to};
    pv_stats_period_parse(period, &q.period);
    pv_stats_by_parse(by, &q.by);
    pv_error err = PV_ERROR_INIT;
    pv_stats_table t;
    if (pv_stats_recipients(cli->ctx, &q, &t, &err) != PV_OK)
        return pv_cli_fail(&err);
    pv_service_info *svc = NULL;
    size_t n_svc = 0;
    if (pv_service_list(cli->ctx, &svc, &n_svc, &err) != PV_OK)
        pv_error_clear(&err); /* titles only: the codes still say which */
    if (k == OUT_CSV)
        printf("service,period_first,period_last,group,started,active,completed\n");
    if (k == OUT_TEXT)
        print_head(&q);
    for (size_t i = 0; i < t.n_rows; i++)
        print_row(cli, k, &q, &t.rows[i], service_title(svc, n_svc, t.rows[i].code));
    for (size_t i = 0; i < t.n_totals; i++)
        print_row(cli, k, &q, &t.totals[i], service_title(svc, n_svc, t.totals[i].code));
    if (k == OUT_TEXT && t.n_rows == 0)
        printf("%s\n", _("No recipient in this range."));
    pv_stats_table_free(&t);
    free(svc);
    return PV_EXIT_OK;
}

/* ---- stats money / stats work ---- */

static int current_jyear(void)
{
    char today[11];
    pv_today(today);
    pv_date g;
    return pv_iso_parse(today, &g) ? pv_gregorian_to_jalali(g).y : 0;
}

/* The --year typed (any digits); the current Jalali year when absent, 0
 * (which the core refuses, naming the field) when malformed. */
static int typed_year(const char *year_s)
{
    char ascii[16] = "";
    if (!year_s)
        return current_jyear();
    if (!pv_digits_ascii(year_s, true, ascii, sizeof ascii) || !ascii[0])
        return -1;
    return atoi(ascii);
}

static int stats_money(pv_cli *cli, out_kind k, const char *code, const char *year_s)
{
    int year = typed_year(year_s);
    if (year < 0)
        year = 0;
    pv_error err = PV_ERROR_INIT;
    pv_stats_money *m;
    size_t n;
    if (pv_stats_money_list(cli->ctx, code, year, &m, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (k == OUT_CSV)
        printf("service,province,year,credit,committed,paid,left\n");
    for (size_t i = 0; i < n; i++) {
        if (k != OUT_TEXT) {
            /* CODE PROVINCE YEAR CREDIT COMMITTED PAID LEFT */
            cell(k, m[i].code, false);
            cell(k, m[i].province, false);
            cell_num(k, year, false);
            cell_num(k, m[i].credit, false);
            cell_num(k, m[i].committed, false);
            cell_num(k, m[i].paid, false);
            cell_num(k, m[i].left, true);
            continue;
        }
        pv_cli_put(stdout, m[i].code);
        fputs("  ", stdout);
        pv_cli_put(stdout, m[i].province[0] ? m[i].province : "-");
        fputs("  ", stdout);
        pv_cli_put_num(cli, stdout, year);
        const char *labels[] = {_("credit"), _("committed"), _("paid"), _("left")};
        const int64_t v[] = {m[i].credit, m[i].committed, m[i].paid, m[i].left};
        for (int j = 0; j < 4; j++) {
            printf("  %s ", labels[j]);
            pv_cli_put_money(cli, stdout, v[j]);
        }
        putchar('\n');
    }
    if (k == OUT_TEXT && n == 0)
        printf("%s\n", _("No credit or charged enrollment in this year."));
    free(m);
    return PV_EXIT_OK;
}

static int stats_groups(pv_cli *cli, out_kind k, const char *code)
{
    pv_error err = PV_ERROR_INIT;
    pv_stats_group *g;
    size_t n;
    if (pv_stats_group_list(cli->ctx, code, &g, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (k == OUT_CSV)
        printf("service,group,members,paid,cap,left\n");
    for (size_t i = 0; i < n; i++) {
        if (k != OUT_TEXT) {
            /* CODE GROUP MEMBERS PAID CAP LEFT */
            const char *t[] = {g[i].code, g[i].group};
            const long long v[] = {g[i].members, g[i].used, g[i].cap, g[i].left};
            put_cells(k, t, 2, v, 4);
            continue;
        }
        pv_cli_put(stdout, g[i].code);
        fputs("  ", stdout);
        pv_cli_put(stdout, g[i].group);
        printf("  %s ", _("members"));
        pv_cli_put_num(cli, stdout, g[i].members);
        const char *labels[] = {_("paid"), _("cap"), _("left")};
        const int64_t v[] = {g[i].used, g[i].cap, g[i].left};
        for (int j = 0; j < (g[i].cap > 0 ? 3 : 1); j++) {
            printf("  %s ", labels[j]);
            pv_cli_put_money(cli, stdout, v[j]);
        }
        putchar('\n');
    }
    if (k == OUT_TEXT && n == 0)
        printf("%s\n", _("No mutual-aid group is recorded."));
    free(g);
    return PV_EXIT_OK;
}

static int stats_courses(pv_cli *cli, out_kind k, const char *code, const char *year_s)
{
    int year = typed_year(year_s);
    pv_error err = PV_ERROR_INIT;
    pv_stats_course *c;
    size_t n;
    if (pv_stats_course_list(cli->ctx, code, year, &c, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (k == OUT_CSV)
        printf("service,course,start,trainees,withdrawn,capacity,money\n");
    for (size_t i = 0; i < n; i++) {
        if (k == OUT_TEXT) {
            put_course_line(cli, &c[i]);
            continue;
        }
        /* CODE TITLE START TRAINEES WITHDRAWN CAPACITY MONEY */
        const char *t[] = {c[i].code, c[i].title, c[i].start};
        const long long v[] = {c[i].trainees, c[i].withdrawn, c[i].capacity, c[i].money};
        put_cells(k, t, 3, v, 4);
    }
    if (k == OUT_TEXT && n == 0)
        printf("%s\n", _("No course in this year."));
    free(c);
    return PV_EXIT_OK;
}

/* CODE YEAR PROVINCE LISTED INSURED CLAIMS */
static void put_insurance_cells(out_kind k, const pv_stats_insurance *s)
{
    char ys[16];
    snprintf(ys, sizeof ys, "%d", s->year);
    const char *t[] = {s->code, ys, s->province};
    const long long v[] = {s->listed, s->insured, s->claims};
    put_cells(k, t, 3, v, 3);
}

static void put_insurance_line(const pv_cli *cli, const pv_stats_insurance *s)
{
    pv_cli_put(stdout, s->code);
    fputs("  ", stdout);
    pv_cli_put_num(cli, stdout, s->year);
    fputs("  ", stdout);
    pv_cli_put(stdout, s->province);
    const char *labels[] = {_("listed"), _("insured"), _("claims")};
    const int64_t v[] = {s->listed, s->insured, s->claims};
    put_labelled(cli, labels, v, 3);
    putchar('\n');
}

static int stats_insurance(pv_cli *cli, out_kind k, const char *code, const char *year_s)
{
    int year = typed_year(year_s);
    pv_error err = PV_ERROR_INIT;
    pv_stats_insurance *s;
    size_t n;
    if (pv_stats_insurance_list(cli->ctx, code, year, &s, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (k == OUT_CSV)
        printf("service,year,province,listed,insured,claims\n");
    for (size_t i = 0; i < n; i++)
        if (k == OUT_TEXT)
            put_insurance_line(cli, &s[i]);
        else
            put_insurance_cells(k, &s[i]);
    if (k == OUT_TEXT && n == 0)
        printf("%s\n", _("No insurance list in this year."));
    free(s);
    return PV_EXIT_OK;
}

/* One caseworker's figures as a block that fits 80 columns: the name, then
 * two figures a line, each label beside its number (a row of eleven
 * columns was 170 wide; TSV and CSV keep one row a caseworker). */
static void put_work_block(const pv_cli *cli, const pv_stats_work *w)
{
    pv_cli_put(stdout, w->user[0] ? w->user : "-");
    putchar('\n');
    for (int f = 0; f < PV_WORK__COUNT; f++) {
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)w->n[f]);
        bool ends = f % 2 == 1 || f == PV_WORK__COUNT - 1;
        fputs("  ", stdout);
        put_padded(cli, pv_work_figure_label((pv_work_figure)f), 26, false);
        if (ends) {
            pv_cli_put_digits(cli, stdout, num);
            putchar('\n');
        } else {
            put_padded(cli, num, 10, true);
        }
    }
}

static int stats_work(pv_cli *cli, out_kind k, const char *from, const char *to)
{
    pv_error err = PV_ERROR_INIT;
    pv_stats_work *w;
    size_t n;
    if (pv_stats_work_list(cli->ctx, from, to, &w, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (k == OUT_CSV) {
        printf("user");
        for (int f = 0; f < PV_WORK__COUNT; f++)
            printf(",%s", pv_work_figure_name((pv_work_figure)f));
        putchar('\n');
    }
    for (size_t i = 0; i < n; i++) {
        if (k != OUT_TEXT) {
            /* USER, then every figure in pv_work_figure order */
            cell(k, w[i].user, false);
            for (int f = 0; f < PV_WORK__COUNT; f++)
                cell_num(k, w[i].n[f], f == PV_WORK__COUNT - 1);
            continue;
        }
        put_work_block(cli, &w[i]);
    }
    if (k == OUT_TEXT && n == 0)
        printf("%s\n", _("No work is recorded in this range."));
    free(w);
    return PV_EXIT_OK;
}

/* ---- report month YYYY/MM ---- */

/* The breakdowns of a report page, in order. */
static const pv_stats_by report_bys[] = {PV_BY_NONE, PV_BY_GENDER, PV_BY_AGE, PV_BY_AREA,
                                         PV_BY_DISABILITY, PV_BY_PROVINCE};
#define N_BYS (sizeof report_bys / sizeof *report_bys)

typedef struct report {
    pv_stats_table month[N_BYS]; /* the month, by each breakdown */
    pv_stats_table year;         /* from 1 Farvardin to the month's end, no breakdown */
    pv_stats_money *money;
    size_t n_money;
    pv_stats_group *groups;         /* every group, its payments to date */
    size_t n_groups;
    pv_stats_course *courses;       /* the courses started in the year */
    size_t n_courses;
    pv_stats_insurance *insurance;  /* the year's insurance lists */
    size_t n_insurance;
    pv_stats_span span;
    int jyear;
} report;

static void report_free(report *r)
{
    for (size_t i = 0; i < N_BYS; i++)
        pv_stats_table_free(&r->month[i]);
    pv_stats_table_free(&r->year);
    free(r->money);
    free(r->groups);
    free(r->courses);
    free(r->insurance);
}

static pv_status report_load(pv_cli *cli, report *r, pv_error *err)
{
    for (size_t i = 0; i < N_BYS; i++) {
        pv_stats_query q = {"all", PV_STATS_MONTH, report_bys[i], r->span.first, r->span.last};
        if (pv_stats_recipients(cli->ctx, &q, &r->month[i], err) != PV_OK)
            return err->status;
    }
    pv_stats_span y;
    pv_stats_span_of(PV_STATS_YEAR, r->span.first, &y);
    pv_stats_query q = {"all", PV_STATS_YEAR, PV_BY_NONE, y.first, r->span.last};
    if (pv_stats_recipients(cli->ctx, &q, &r->year, err) != PV_OK)
        return err->status;
    if (pv_stats_money_list(cli->ctx, NULL, r->jyear, &r->money, &r->n_money, err) != PV_OK ||
        pv_stats_group_list(cli->ctx, NULL, &r->groups, &r->n_groups, err) != PV_OK ||
        pv_stats_course_list(cli->ctx, NULL, r->jyear, &r->courses, &r->n_courses, err) != PV_OK)
        return err->status;
    return pv_stats_insurance_list(cli->ctx, NULL, r->jyear, &r->insurance, &r->n_insurance,
                                   err);
}

/* One line of a page: a name, then labelled figures (money or counts). */
static void page_line(const pv_cli *cli, const char *name, const char *const *labels,
                      const int64_t *v, int n, int n_money)
{
    printf("  ");
    pv_cli_put(stdout, name[0] ? name : "-");
    for (int j = 0; j < n; j++) {
        printf("  %s ", labels[j]);
        if (j < n_money)
            pv_cli_put_money(cli, stdout, v[j]);
        else
            pv_cli_put_num(cli, stdout, v[j]);
    }
    putchar('\n');
}

/* The service's groups, courses and insurance lists, where it has any. */
static void page_records(const pv_cli *cli, const report *r, const char *code)
{
    bool any = false;
    for (size_t i = 0; i < r->n_groups; i++) {
        const pv_stats_group *g = &r->groups[i];
        if (strcmp(g->code, code) != 0)
            continue;
        if (!any)
            printf("\n%s (%s)\n", _("Mutual-aid groups"), _("rials"));
        any = true;
        const char *labels[] = {_("paid"), _("cap"), _("left"), _("members")};
        const int64_t v[] = {g->used, g->cap, g->left, g->members};
        page_line(cli, g->group, labels, v, 4, 3);
    }
    any = false;
    for (size_t i = 0; i < r->n_courses; i++) {
        const pv_stats_course *c = &r->courses[i];
        if (strcmp(c->code, code) != 0)
            continue;
        if (!any)
            printf("\n%s\n", _("Courses of the year"));
        any = true;
        const char *labels[] = {_("money"), _("trainees"), _("withdrawn"), _("capacity")};
        const int64_t v[] = {c->money, c->trainees, c->withdrawn, c->capacity};
        page_line(cli, c->title, labels, v, 4, 1);
    }
    any = false;
    for (size_t i = 0; i < r->n_insurance; i++) {
        const pv_stats_insurance *in = &r->insurance[i];
        if (strcmp(in->code, code) != 0)
            continue;
        if (!any)
            printf("\n%s\n", _("Insurance of the year"));
        any = true;
        const char *labels[] = {_("listed"), _("insured"), _("claims")};
        const int64_t v[] = {in->listed, in->insured, in->claims};
        page_line(cli, in->province, labels, v, 3, 0);
    }
}

/* CSV rows: code, period, figure, breakdown, group, value. */
static void csv_figure(const char *code, const char *period, const char *figure,
                       const char *by, const char *group, int64_t v)
{
    csv_cell(code, false);
    csv_cell(period, false);
    csv_cell(figure, false);
    csv_cell(by, false);
    csv_cell(group, false);
    csv_num(v, true);
}

static void csv_records(const report *r, const char *code, const char *period)
{
    for (size_t i = 0; i < r->n_groups; i++) {
        const pv_stats_group *g = &r->groups[i];
        if (strcmp(g->code, code) != 0)
            continue;
        csv_figure(code, period, "group_paid", "group", g->group, g->used);
        csv_figure(code, period, "group_cap", "group", g->group, g->cap);
        csv_figure(code, period, "group_left", "group", g->group, g->left);
        csv_figure(code, period, "group_members", "group", g->group, g->members);
    }
    for (size_t i = 0; i < r->n_courses; i++) {
        const pv_stats_course *c = &r->courses[i];
        if (strcmp(c->code, code) != 0)
            continue;
        csv_figure(code, period, "course_money", "course", c->title, c->money);
        csv_figure(code, period, "course_trainees", "course", c->title, c->trainees);
        csv_figure(code, period, "course_withdrawn", "course", c->title, c->withdrawn);
    }
    for (size_t i = 0; i < r->n_insurance; i++) {
        const pv_stats_insurance *in = &r->insurance[i];
        if (strcmp(in->code, code) != 0)
            continue;
        csv_figure(code, period, "insurance_listed", "province", in->province, in->listed);
        csv_figure(code, period, "insurance_insured", "province", in->province, in->insured);
        csv_figure(code, period, "insurance_claims", "province", in->province, in->claims);
    }
}

/* The service's totals in a table (zeros when it has none). */
static pv_stats_row total_of(const pv_stats_table *t, const char *code, const char *group)
{
    for (size_t i = 0; i < t->n_totals; i++)
        if (strcmp(t->totals[i].code, code) == 0 && strcmp(t->totals[i].group, group) == 0)
            return t->totals[i];
    return (pv_stats_row){.span.key = -1};
}

static void page_counts(const pv_cli *cli, const char *label, const pv_stats_row *r)
{
    printf("  ");
    pv_cli_put(stdout, label);
    const char *comma = cli->lang == PV_LANG_FA ? "\xd8\x8c" : ","; /* U+060C in Persian */
    printf(": %s ", _("started"));
    pv_cli_put_num(cli, stdout, r->started);
    printf("%s %s ", comma, _("active"));
    pv_cli_put_num(cli, stdout, r->active);
    printf("%s %s ", comma, _("completed"));
    pv_cli_put_num(cli, stdout, r->completed);
    putchar('\n');
}

/* The card's own §5 (its stated yearly figure, duration, frequency, cost),
 * as the card screen shows it, above the counted figures. */
static void print_card_details(const pv_cli *cli, const char *code)
{
    pv_card *card;
    pv_error err = PV_ERROR_INIT;
    if (pv_service_card(cli->ctx, code, &card, &err) != PV_OK) {
        pv_error_clear(&err);
        return;
    }
    for (size_t i = 0; i < card->n_sections; i++) {
        const char *t = card->sections[i].title;
        if (strcmp(t, _("§5 Details")) != 0) /* the card module's own title of §5 */
            continue;
        putchar('\n');
        pv_cli_put(stdout, t);
        putchar('\n');
        for (size_t r = 0; r < card->sections[i].n_rows; r++) {
            fputs("  ", stdout);
            pv_cli_put(stdout, card->sections[i].rows[r].label);
            fputs(": ", stdout);
            pv_cli_put(stdout, card->sections[i].rows[r].value);
            putchar('\n');
        }
    }
    pv_card_free(card);
}

static void report_page(const pv_cli *cli, const report *r, const pv_service_info *s,
                        const char *period)
{
    printf("%s — ", _("Monthly report"));
    pv_cli_put_digits(cli, stdout, period);
    putchar('\n');
    pv_cli_put(stdout, s->code);
    fputs("  ", stdout);
    pv_cli_put(stdout, s->title);
    putchar('\n');
    print_card_details(cli, s->code);
    printf("\n%s\n", _("Recipients (§5)"));
    pv_stats_row m = total_of(&r->month[0], s->code, "");
    pv_stats_row y = total_of(&r->year, s->code, "");
    page_counts(cli, _("this month"), &m);
    page_counts(cli, _("this year to the month's end"), &y);
    for (size_t b = 1; b < N_BYS; b++) {
        const pv_stats_table *t = &r->month[b];
        bool any = false;
        for (size_t i = 0; i < t->n_totals; i++) {
            if (strcmp(t->totals[i].code, s->code) != 0)
                continue;
            if (!any)
                printf("\n%s %s\n", _("By"), pv_stats_by_label(report_bys[b]));
            any = true;
            char g[PV_STATS_GROUP_SZ];
            pv_stats_group_label(report_bys[b], t->totals[i].group, g, sizeof g);
            char shown[PV_STATS_GROUP_SZ + 8];
            if (cli->lang == PV_LANG_FA)
                pv_digits_persian(g, shown, sizeof shown);
            else
                snprintf(shown, sizeof shown, "%s", g);
            page_counts(cli, shown, &t->totals[i]);
        }
    }
    printf("\n%s ", _("Money of the year"));
    pv_cli_put_num(cli, stdout, r->jyear);
    printf(" (%s)\n", _("rials"));
    bool any = false;
    for (size_t i = 0; i < r->n_money; i++) {
        const pv_stats_money *mo = &r->money[i];
        if (strcmp(mo->code, s->code) != 0)
            continue;
        any = true;
        printf("  ");
        pv_cli_put(stdout, mo->province[0] ? mo->province : "-");
        const char *labels[] = {_("credit"), _("committed"), _("paid"), _("left")};
        const int64_t v[] = {mo->credit, mo->committed, mo->paid, mo->left};
        for (int j = 0; j < 4; j++) {
            printf("  %s ", labels[j]);
            pv_cli_put_money(cli, stdout, v[j]);
        }
        putchar('\n');
    }
    if (!any)
        printf("  %s\n", _("no credit and no money charged"));
    page_records(cli, r, s->code);
}

static void report_csv(const report *r, const pv_service_info *s, const char *period)
{
    const char *names[] = {"started", "active", "completed"};
    for (size_t b = 0; b < N_BYS; b++) {
        const pv_stats_table *t = &r->month[b];
        for (size_t i = 0; i < t->n_totals; i++) {
            if (strcmp(t->totals[i].code, s->code) != 0)
                continue;
            char g[PV_STATS_GROUP_SZ];
            pv_stats_group_label(report_bys[b], t->totals[i].group, g, sizeof g);
            const int64_t v[] = {t->totals[i].started, t->totals[i].active,
                                 t->totals[i].completed};
            for (int j = 0; j < 3; j++) {
                csv_cell(s->code, false);
                csv_cell(period, false);
                csv_cell(names[j], false);
                csv_cell(pv_stats_by_name(report_bys[b]), false);
                csv_cell(report_bys[b] == PV_BY_AGE ? g : t->totals[i].group, false);
                csv_num(v[j], true);
            }
        }
    }
    pv_stats_row y = total_of(&r->year, s->code, "");
    const int64_t yv[] = {y.started, y.active, y.completed};
    for (int j = 0; j < 3; j++) {
        csv_cell(s->code, false);
        csv_cell(period, false);
        csv_cell(names[j], false);
        csv_cell("year_to_date", false);
        csv_cell("", false);
        csv_num(yv[j], true);
    }
    const char *money_names[] = {"credit", "committed", "paid", "left"};
    for (size_t i = 0; i < r->n_money; i++) {
        if (strcmp(r->money[i].code, s->code) != 0)
            continue;
        const int64_t v[] = {r->money[i].credit, r->money[i].committed, r->money[i].paid,
                             r->money[i].left};
        for (int j = 0; j < 4; j++) {
            csv_cell(s->code, false);
            csv_cell(period, false);
            csv_cell(money_names[j], false);
            csv_cell("province", false);
            csv_cell(r->money[i].province, false);
            csv_num(v[j], true);
        }
    }
    csv_records(r, s->code, period);
}

/* "1404/01" (any digits) -> the month's span. */
static bool parse_month(const char *text, pv_stats_span *out, pv_error *err)
{
    char ascii[32], day[40], iso[11];
    size_t o = 0; /* Persian and Arabic-Indic digits to ASCII, the rest kept */
    for (const unsigned char *c = (const unsigned char *)text; *c && o + 1 < sizeof ascii; c++) {
        if ((c[0] == 0xDB && c[1] >= 0xB0 && c[1] <= 0xB9) ||
            (c[0] == 0xD9 && c[1] >= 0xA0 && c[1] <= 0xA9)) {
            ascii[o++] = (char)('0' + (c[1] & 0x0F));
            c++;
        } else {
            ascii[o++] = (char)*c;
        }
    }
    ascii[o] = '\0';
    int y, m;
    char extra;
    if (sscanf(ascii, "%d/%d%c", &y, &m, &extra) != 2 || m < 1 || m > 12) {
        pv_error_field(err, "month", _("write the month as YYYY/MM (Jalali)"));
        return false;
    }
    snprintf(day, sizeof day, "%04d/%02d/01", y, m);
    if (pv_date_parse(day, "month", iso, err) != PV_OK)
        return false;
    return pv_stats_span_of(PV_STATS_MONTH, iso, out);
}

static int cmd_report(pv_cli *cli)
{
    bool csv = false;
    const pv_cli_opt opts[] = {PV_CLI_FLAG("--csv", &csv), PV_CLI_END};
    const char *pos[2];
    if (pv_cli_parse(cli, 1, opts, pos, 2) != 2 || strcmp(pos[0], "month") != 0)
        return pv_cli_usage_self(cli);
    pv_error err = PV_ERROR_INIT;
    report r;
    memset(&r, 0, sizeof r);
    if (!parse_month(pos[1], &r.span, &err))
        return pv_cli_fail(&err);
    r.jyear = (int)(r.span.key / 12);
    int rc = pv_cli_open(cli);
    if (rc)
        return rc;
    pv_service_info *svc = NULL;
    size_t n_svc = 0;
    if (pv_service_list(cli->ctx, &svc, &n_svc, &err) != PV_OK || report_load(cli, &r, &err) != PV_OK) {
        free(svc);
        report_free(&r);
        return pv_cli_fail(&err);
    }
    char period[48], label[64];
    snprintf(period, sizeof period, "%04ld/%02ld", r.span.key / 12, r.span.key % 12 + 1);
    pv_stats_span_label(cli->lang, PV_STATS_MONTH, &r.span, label, sizeof label);
    if (csv)
        printf("service,month,figure,breakdown,group,value\n");
    for (size_t i = 0; i < n_svc; i++) {
        if (csv) {
            report_csv(&r, &svc[i], period);
            continue;
        }
        if (i)
            fputs("\f\n", stdout); /* one page per service */
        report_page(cli, &r, &svc[i], label);
    }
    free(svc);
    report_free(&r);
    return PV_EXIT_OK;
}

/* `stats money` and `stats work` are run by `stats`; their entries give
 * --help their usage lines. */
static int cmd_stats_sub(pv_cli *cli)
{
    return pv_cli_usage_self(cli);
}

const pv_command pv_cmds_stats[] = {
    {"stats",
     N_("SERVICE|all [--period day|month|season|year] [--from DATE] [--to DATE] "
        "[--by province|county|branch|gender|age|area|disability|caseworker] [--tsv|--csv]"),
     N_("recipients per service and period, with totals"), cmd_stats},
    {"stats money", N_("[SERVICE] [--year YEAR] [--tsv|--csv]"),
     N_("credit, committed, paid and left per service and province"), cmd_stats_sub},
    {"stats groups", N_("[SERVICE] [--tsv|--csv]"),
     N_("money paid per mutual-aid group against the service's cap per group"), cmd_stats_sub},
    {"stats courses", N_("[SERVICE] [--year YEAR] [--tsv|--csv]"),
     N_("trainees and money per course started in the year"), cmd_stats_sub},
    {"stats insurance", N_("[SERVICE] [--year YEAR] [--tsv|--csv]"),
     N_("insurance: listed, insured and claims per province and year"), cmd_stats_sub},
    {"stats work", N_("[--from DATE] [--to DATE] [--tsv|--csv]"),
     N_("work per caseworker: files, assessments, enrollments, referrals, inquiries"),
     cmd_stats_sub},
    {"report", N_("month YYYY/MM [--csv]"),
     N_("the monthly report: one page per service with its figures"), cmd_report},
    {NULL, NULL, NULL, NULL},
};
