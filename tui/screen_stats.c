/* parvande — the statistics screen (home, F8): recipients of one service or
 * of every service per period, with a breakdown chosen from the keyboard;
 * the table with a bar of each row's started recipients (numbers always
 * beside the bars) and a sparkline of the last 12 months. The bars and the
 * sparkline are mirrored in Persian (tui/chart.c). Everything shown is
 * counted by the core (parvande/stats.h). */
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/services.h"
#include "parvande/stats.h"
#include "parvande/text.h"
#include "widget.h"

enum { A_SERVICE = PV_A_SCREEN, A_PERIOD, A_BY, A_VIEW };

static const pv_binding stats_own[] = {
    {PV_KEY(KEY_F(3)), A_SERVICE, N_("Service"), N_("Next service (or every service)")},
    {PV_KEY(KEY_F(4)), A_PERIOD, N_("Period"), N_("Next period: day, month, season, year")},
    {PV_KEY(KEY_F(5)), A_BY, N_("Breakdown"),
     N_("Next breakdown: none, province, county, gender, age, area, disability, caseworker")},
    {PV_KEY(KEY_F(6)), A_VIEW, N_("Figures"),
     N_("Next figures: recipients, groups, courses, insurance, referrals and inquiries")},
    {0, 0, NULL, NULL},
};
static pv_keymap stats_keys = {stats_own, pv_keys_list, NULL};

/* The breakdowns offered, in the order F5 goes through them. */
static const pv_stats_by bys[] = {PV_BY_NONE, PV_BY_PROVINCE, PV_BY_COUNTY, PV_BY_GENDER,
                                  PV_BY_AGE, PV_BY_AREA, PV_BY_DISABILITY, PV_BY_CASEWORKER};
#define N_BYS (sizeof bys / sizeof *bys)
/* How many periods back the table goes, per period kind. */
static const int periods_back[] = {[PV_STATS_DAY] = 31, [PV_STATS_MONTH] = 12,
                                   [PV_STATS_SEASON] = 8, [PV_STATS_YEAR] = 3};
static const char *const period_msgids[] = {N_("day"), N_("month"), N_("season"), N_("year")};

/* What the screen shows: the recipients' table, or one of the lists over
 * the services' own records (one row each: a label and up to five numbers). */
typedef enum view { V_RECIPIENTS = 0, V_GROUPS, V_COURSES, V_INSURANCE, V_WORK, V__COUNT } view;
static const char *const view_msgids[V__COUNT] = {
    N_("recipients"), N_("mutual-aid groups"), N_("courses"), N_("insurance"),
    N_("referrals and inquiries"),
};
#define FIG_MAX 5
enum { FIG_W = 11 }; /* a number's column: five of them and a label fit 80 */
typedef struct fig_row {
    char label[2 * PV_STATS_GROUP_SZ];
    int64_t v[FIG_MAX];
} fig_row;

typedef struct stats_screen {
    pv_service_info *svc;
    size_t n_svc;
    int service;           /* index into svc, -1: every service */
    pv_stats_period period;
    size_t by;             /* index into bys */
    pv_stats_table t;
    int64_t months[12];
    int64_t max_started;
    view view;
    fig_row *fig;          /* the rows of the other views */
    size_t n_fig;
    int n_vals;            /* numbers a row of the view has */
    int num_w[3];          /* the number columns' widths, set by heads() */
    pv_list list;
} stats_screen;

/* Width of the columns, logical (from the start side). */
enum { W_PERIOD = 16, W_SERVICE = 14, W_GROUP = 10, W_NUM = 10, W_NUM_MIN = 7 };

static const char *const num_heads[3] = {N_("started"), N_("active"), N_("completed")};

/* The three number columns: W_NUM wide on a wide terminal; below 100
 * columns each as wide as its heading, at least W_NUM_MIN (9,999,999),
 * so that a row with a breakdown and every service keeps a bar at 80. */
static void num_widths(const pv_draw *d, int w[3])
{
    for (int k = 0; k < 3; k++) {
        w[k] = W_NUM;
        if (d->cols < 100) {
            int h = pv_draw_width(d, _(num_heads[k]), 0);
            w[k] = h > W_NUM_MIN ? h : W_NUM_MIN;
        }
    }
}

/* The service column: wider on a wide terminal, the bars keep the rest. */
static int service_w(const pv_draw *d)
{
    return d->cols >= 110 ? 34 : W_SERVICE;
}

static const char *service_title(const stats_screen *s, const char *code)
{
    for (size_t i = 0; i < s->n_svc; i++)
        if (strcmp(s->svc[i].code, code) == 0)
            return s->svc[i].title;
    return code;
}

/* The first day `k - 1` periods before today's one. */
static void range_start(pv_stats_period kind, int k, char from[11])
{
    char today[11];
    pv_today(today);
    pv_stats_span s;
    pv_stats_span_of(kind, today, &s);
    for (int i = 1; i < k; i++) {
        pv_date g;
        pv_iso_parse(s.first, &g);
        char before[11];
        pv_iso_format(pv_gregorian_from_days(pv_days_from_gregorian(g) - 1), before);
        pv_stats_span_of(kind, before, &s);
    }
    memcpy(from, s.first, 11);
}

/* ---- the other views: lists over the services' own records ---- */

/* The numbers' headings of each view, and its label column's. */
static const char *const fig_heads[V__COUNT][FIG_MAX] = {
    [V_GROUPS] = {N_("members"), N_("paid"), N_("cap"), N_("left")},
    [V_COURSES] = {N_("in course"), N_("withdrawn"), N_("capacity"), N_("money")},
    [V_INSURANCE] = {N_("listed"), N_("insured"), N_("claims")},
    [V_WORK] = {N_("ref. sent"), N_("ref. closed"), N_("ref. late"), N_("inq. open"),
                N_("inq. late")},
};
static const char *const fig_label_head[V__COUNT] = {
    [V_GROUPS] = N_("group"), [V_COURSES] = N_("course"), [V_INSURANCE] = N_("province"),
    [V_WORK] = N_("caseworker"),
};

/* Room for the view's n rows; false (the error shown) when the list failed
 * (`st`, called before: n is its count). */
static bool fig_begin(pv_ui *ui, stats_screen *s, pv_status st, pv_error *err, size_t n,
                      int n_vals)
{
    free(s->fig);
    s->fig = NULL;
    s->n_fig = 0;
    s->n_vals = n_vals;
    if (st != PV_OK) {
        pv_ui_error(ui, err);
        return false;
    }
    if (n && !(s->fig = calloc(n, sizeof *s->fig)))
        return false;
    s->n_fig = n;
    return true;
}

static void fig_set(fig_row *r, const char *a, const char *b, const int64_t *v, int n)
{
    snprintf(r->label, sizeof r->label, "%s%s%s", a, b[0] ? "  " : "", b);
    memcpy(r->v, v, (size_t)n * sizeof *v);
}

static void load_groups(pv_ui *ui, stats_screen *s, const char *code)
{
    pv_stats_group *g = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_stats_group_list(ui->ctx, code, &g, &n, &err);
    if (fig_begin(ui, s, st, &err, n, 4))
        for (size_t i = 0; i < n; i++)
            fig_set(&s->fig[i], g[i].group, "",
                    (int64_t[]){g[i].members, g[i].used, g[i].cap, g[i].left}, 4);
    free(g);
}

static void load_courses(pv_ui *ui, stats_screen *s, const char *code)
{
    pv_stats_course *c = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_stats_course_list(ui->ctx, code, 0, &c, &n, &err);
    if (fig_begin(ui, s, st, &err, n, 4))
        for (size_t i = 0; i < n; i++) {
            char start[16];
            pv_draw_date(c[i].start, start, sizeof start);
            fig_set(&s->fig[i], start, c[i].title,
                    (int64_t[]){c[i].trainees, c[i].withdrawn, c[i].capacity, c[i].money}, 4);
        }
    free(c);
}

static void load_insurance(pv_ui *ui, stats_screen *s, const char *code)
{
    pv_stats_insurance *r = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_stats_insurance_list(ui->ctx, code, 0, &r, &n, &err);
    if (fig_begin(ui, s, st, &err, n, 3))
        for (size_t i = 0; i < n; i++) {
            char year[16];
            snprintf(year, sizeof year, "%d", r[i].year);
            fig_set(&s->fig[i], year, r[i].province,
                    (int64_t[]){r[i].listed, r[i].insured, r[i].claims}, 3);
        }
    free(r);
}

/* Referrals and inquiries per caseworker over the period's range. */
static void load_work(pv_ui *ui, stats_screen *s, const char *from)
{
    pv_stats_work *w = NULL;
    size_t n = 0;
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_stats_work_list(ui->ctx, from, NULL, &w, &n, &err);
    if (fig_begin(ui, s, st, &err, n, 5))
        for (size_t i = 0; i < n; i++)
            fig_set(&s->fig[i], w[i].user[0] ? w[i].user : "-", "",
                    (int64_t[]){w[i].n[PV_WORK_REF_SENT], w[i].n[PV_WORK_REF_CLOSED],
                                w[i].n[PV_WORK_REF_OVERDUE], w[i].n[PV_WORK_INQ_PENDING],
                                w[i].n[PV_WORK_INQ_OVERDUE]},
                    5);
    free(w);
}

static void fig_load(pv_ui *ui, stats_screen *s, const char *code, const char *from)
{
    const char *one = strcmp(code, "all") == 0 ? NULL : code;
    switch (s->view) {
    case V_GROUPS: load_groups(ui, s, one); break;
    case V_COURSES: load_courses(ui, s, one); break;
    case V_INSURANCE: load_insurance(ui, s, one); break;
    default: load_work(ui, s, from); break;
    }
    pv_list_set_count(&s->list, s->n_fig);
}

/* The label column's width: what the numbers leave. */
static int fig_label_w(const pv_draw *d, const stats_screen *s)
{
    int w = d->cols - 2 - s->n_vals * (FIG_W + 1);
    return w < 8 ? 8 : w > 60 ? 60 : w;
}

/* A figure as the rest of the interface writes numbers (300,000,000;
 * ۳۰۰٬۰۰۰٬۰۰۰), or its plain digits when the separators would not fit the
 * column: a number is never cut. */
static void fig_number(const pv_draw *d, int64_t v, char *out, size_t size)
{
    int n = snprintf(out, size, "%lld", (long long)v); /* drawn in Persian digits */
    int digits = n - (v < 0);
    if (n + (digits - 1) / 3 <= FIG_W)
        pv_draw_money(d, v, out, size);
}

static void fig_row_draw(const pv_draw *d, const stats_screen *s, size_t i, int y, bool selected)
{
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    pv_draw_fill(d, y, 0, d->cols, st);
    int x = 1, lw = fig_label_w(d, s);
    pv_draw_text(d, y, x, lw, s->fig[i].label, PV_T_DATA, st);
    x += lw + 1;
    for (int k = 0; k < s->n_vals; k++) {
        char num[64];
        fig_number(d, s->fig[i].v[k], num, sizeof num);
        pv_draw_text(d, y, x, FIG_W, num, PV_T_LTR | PV_T_END, st);
        x += FIG_W + 1;
    }
}

static void fig_heads_draw(const pv_draw *d, const stats_screen *s, int y)
{
    pv_draw_fill(d, y, 0, d->cols, PV_ST_HEADING);
    int x = 1, lw = fig_label_w(d, s);
    pv_draw_text(d, y, x, lw, _(fig_label_head[s->view]), 0, PV_ST_HEADING);
    x += lw + 1;
    for (int k = 0; k < s->n_vals; k++) {
        pv_draw_text(d, y, x, FIG_W, _(fig_heads[s->view][k]), PV_T_END, PV_ST_HEADING);
        x += FIG_W + 1;
    }
}

static void stats_load(pv_ui *ui, stats_screen *s)
{
    pv_stats_table_free(&s->t);
    char from[11];
    range_start(s->period, periods_back[s->period], from);
    const char *code = s->service < 0 ? "all" : s->svc[s->service].code;
    if (s->view != V_RECIPIENTS) {
        fig_load(ui, s, code, from);
        return;
    }
    pv_stats_query q = {code, s->period, bys[s->by], from, NULL};
    pv_error err = PV_ERROR_INIT;
    if (pv_stats_recipients(ui->ctx, &q, &s->t, &err) != PV_OK)
        pv_ui_error(ui, &err);
    if (pv_stats_months(ui->ctx, s->service < 0 ? NULL : code, NULL, s->months, 12, &err) !=
        PV_OK)
        pv_ui_error(ui, &err);
    s->max_started = 0;
    for (size_t i = 0; i < s->t.n_rows; i++)
        if (s->t.rows[i].started > s->max_started)
            s->max_started = s->t.rows[i].started;
    pv_list_set_count(&s->list, s->t.n_rows + s->t.n_totals);
}

/* Cells drawn as they are, at screen column sx (no bidi: see chart.h). */
static void put_cells(const pv_draw *d, int y, int sx, const wchar_t *w, int n, pv_style st)
{
    unsigned long a = pv_draw_attr(d, st);
    for (int i = 0; i < n; i++) {
        if (sx + i < 0 || sx + i >= d->cols)
            continue;
        wchar_t one[2] = {w[i], L'\0'};
        cchar_t cc;
        if (setcchar(&cc, one, (attr_t)(a & ~A_COLOR), (short)PAIR_NUMBER(a), NULL) == OK)
            mvadd_wch(y, sx + i, &cc);
    }
}

static void stats_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    stats_screen *s = user;
    if (s->view != V_RECIPIENTS) {
        fig_row_draw(&ui->draw, s, i, y, selected);
        return;
    }
    bool total = i >= s->t.n_rows;
    const pv_stats_row *r = total ? &s->t.totals[i - s->t.n_rows] : &s->t.rows[i];
    pv_style st = selected ? PV_ST_SELECTED : total ? PV_ST_LABEL : PV_ST_TEXT;
    const pv_draw *d = &ui->draw;
    pv_draw_fill(d, y, 0, d->cols, st);
    char label[64], group[PV_STATS_GROUP_SZ], num[32];
    if (total)
        snprintf(label, sizeof label, "%s", _("total"));
    else
        pv_stats_span_label(pv_ctx_lang(ui->ctx), s->period, &r->span, label, sizeof label);
    int x = 1;
    pv_draw_text(d, y, x, W_PERIOD, label, 0, st);
    x += W_PERIOD + 1;
    if (s->service < 0) {
        pv_draw_text(d, y, x, service_w(d), service_title(s, r->code), PV_T_DATA, st);
        x += service_w(d) + 1;
    }
    if (bys[s->by] != PV_BY_NONE) {
        pv_stats_group_label(bys[s->by], r->group, group, sizeof group);
        pv_draw_text(d, y, x, W_GROUP, group, PV_T_DATA, st);
        x += W_GROUP + 1;
    }
    const int64_t v[3] = {r->started, r->active, r->completed};
    for (int k = 0; k < 3; k++) {
        snprintf(num, sizeof num, "%lld", (long long)v[k]);
        pv_draw_text(d, y, x, s->num_w[k], num, PV_T_LTR | PV_T_END, st);
        x += s->num_w[k] + 1;
    }
    int bar_w = d->cols - x - 1;
    if (total || bar_w < 4)
        return;
    wchar_t cells[512];
    if (bar_w > 512)
        bar_w = 512;
    pv_chart_bar(r->started, s->max_started, bar_w, d->rtl, cells);
    put_cells(d, y, pv_draw_col(d, x, bar_w), cells, bar_w, st);
}

static void *stats_open(pv_ui *ui, const void *arg)
{
    (void)arg;
    stats_screen *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pv_error err = PV_ERROR_INIT;
    if (pv_service_list(ui->ctx, &s->svc, &s->n_svc, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        free(s);
        return NULL;
    }
    s->service = -1;
    s->period = PV_STATS_MONTH;
    s->list.draw_row = stats_row;
    s->list.user = s;
    stats_load(ui, s);
    return s;
}

static void stats_close(pv_ui *ui, void *st)
{
    (void)ui;
    stats_screen *s = st;
    pv_stats_table_free(&s->t);
    free(s->fig);
    free(s->svc);
    free(s);
}

static void stats_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    (void)st;
    snprintf(out, size, "%s — %s", _("parvande"), _("Statistics"));
}

static void heads(pv_ui *ui, stats_screen *s, int y)
{
    const pv_draw *d = &ui->draw;
    pv_draw_fill(d, y, 0, d->cols, PV_ST_HEADING);
    int x = 1;
    pv_draw_text(d, y, x, W_PERIOD, _(period_msgids[s->period]), 0, PV_ST_HEADING);
    x += W_PERIOD + 1;
    if (s->service < 0) {
        pv_draw_text(d, y, x, service_w(d), _("service"), 0, PV_ST_HEADING);
        x += service_w(d) + 1;
    }
    if (bys[s->by] != PV_BY_NONE) {
        pv_draw_text(d, y, x, W_GROUP, pv_stats_by_label(bys[s->by]), 0, PV_ST_HEADING);
        x += W_GROUP + 1;
    }
    num_widths(d, s->num_w); /* once a frame, for the rows drawn after */
    for (int k = 0; k < 3; k++) {
        pv_draw_text(d, y, x, s->num_w[k], _(num_heads[k]), PV_T_END, PV_ST_HEADING);
        x += s->num_w[k] + 1;
    }
}

/* The other views: what is shown and for which service (or period, for
 * the work per caseworker), the headings, the rows. */
static void fig_draw(pv_ui *ui, stats_screen *s, int top, int rows)
{
    const pv_draw *d = &ui->draw;
    char line[1024];
    if (s->view == V_WORK)
        snprintf(line, sizeof line, "%s: %s   %s: %s", _("Figures"), _(view_msgids[s->view]),
                 _("Period"), _(period_msgids[s->period]));
    else
        snprintf(line, sizeof line, "%s: %s   %s: %s", _("Figures"), _(view_msgids[s->view]),
                 _("Service"), s->service < 0 ? _("every service") : s->svc[s->service].title);
    pv_draw_text(d, top, 1, d->cols - 2, line, PV_T_DATA, PV_ST_LABEL);
    fig_heads_draw(d, s, top + 2);
    pv_list_draw(ui, &s->list, top + 3, rows - 3, _("Nothing is recorded."));
}

static void stats_draw(pv_ui *ui, void *st, int top, int rows)
{
    stats_screen *s = st;
    const pv_draw *d = &ui->draw;
    char line[1024];
    if (s->view != V_RECIPIENTS) {
        fig_draw(ui, s, top, rows);
        return;
    }
    snprintf(line, sizeof line, "%s: %s   %s: %s   %s: %s", _("Service"),
             s->service < 0 ? _("every service") : s->svc[s->service].title, _("Period"),
             _(period_msgids[s->period]), _("Breakdown"), pv_stats_by_label(bys[s->by]));
    pv_draw_text(d, top, 1, d->cols - 2, line, PV_T_DATA, PV_ST_LABEL);
    char from[16], to[16], range[128];
    pv_draw_date(s->t.from, from, sizeof from);
    pv_draw_date(s->t.to, to, sizeof to);
    snprintf(range, sizeof range, _("from %s to %s"), from, to);
    int used = pv_draw_text(d, top + 1, 1, d->cols / 2, range, 0, PV_ST_DIM);
    /* the sparkline, after the range on the start side */
    const char *spark_label = _("last 12 months (started):");
    int x = used + 4;
    int lw = pv_draw_text(d, top + 1, x, d->cols - x - 14, spark_label, 0, PV_ST_DIM);
    x += lw + 1;
    wchar_t cells[12];
    pv_chart_spark(s->months, 12, d->rtl, cells);
    if (x + 12 < d->cols)
        put_cells(d, top + 1, pv_draw_col(d, x, 12), cells, 12, PV_ST_TEXT);
    heads(ui, s, top + 2);
    pv_list_draw(ui, &s->list, top + 3, rows - 3, _("No recipient in this range."));
}

static unsigned stats_action(pv_ui *ui, void *st, int action)
{
    stats_screen *s = st;
    switch (action) {
    case A_SERVICE:
        s->service = s->service + 1 >= (int)s->n_svc ? -1 : s->service + 1;
        break;
    case A_PERIOD:
        s->period = (pv_stats_period)((s->period + 1) % 4);
        break;
    case A_BY:
        s->by = (s->by + 1) % N_BYS;
        break;
    case A_VIEW:
        s->view = (view)((s->view + 1) % V__COUNT);
        break;
    default: {
        unsigned ch = pv_list_action(&s->list, action);
        return ch != PV_CH_NONE || action >= PV_A_UP ? ch : PV_CH_PASS;
    }
    }
    s->list.sel = s->list.top = 0;
    stats_load(ui, s);
    return PV_CH_DRAW;
}

static unsigned stats_reload(pv_ui *ui, void *st)
{
    stats_screen *s = st;
    /* the titles follow the language (F9); the catalog may have changed */
    pv_service_info *svc;
    size_t n;
    pv_error err = PV_ERROR_INIT;
    if (pv_service_list(ui->ctx, &svc, &n, &err) == PV_OK) {
        free(s->svc);
        s->svc = svc;
        s->n_svc = n;
        if (s->service >= (int)n)
            s->service = -1;
    } else {
        pv_ui_error(ui, &err);
    }
    stats_load(ui, s);
    return PV_CH_DRAW;
}

const pv_screen pv_screen_stats = {
    .name = "stats",
    .keys = stats_keys,
    .open = stats_open,
    .close = stats_close,
    .title = stats_title,
    .draw = stats_draw,
    .action = stats_action,
    .input = NULL,
    .reload = stats_reload,
};
