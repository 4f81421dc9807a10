/* parvande — a course's attendance grid: one row per trainee, one column per
 * workshop day (the card's number), the days attended and whether that
 * completes the course (the card's course_min_days). Arrows move — in the
 * Persian interface day 1 is on the right and Left goes to the next day —
 * Space toggles the day; each toggle is written at once. */
#include <stdlib.h>
#include <string.h>

#include "parvande/groups.h"
#include "parvande/i18n.h"
#include "parvande/text.h"
#include "screen_groups_form.h"
#include "widget.h"

enum { A_TOGGLE = PV_A_SCREEN, G_UP, G_DOWN, G_LEFT, G_RIGHT, G_FIRST, G_LAST, A_ADMIT,
       A_WITHDRAW, A_EVALUATE };

static const pv_binding grid_own[] = {
    {' ', A_TOGGLE, NULL, N_("Mark the day present or absent")},
    {'\r', A_TOGGLE, NULL, NULL},
    {PV_KEY(KEY_UP), G_UP, NULL, N_("Previous trainee")},
    {PV_KEY(KEY_DOWN), G_DOWN, NULL, N_("Next trainee")},
    {PV_KEY(KEY_LEFT), G_LEFT, NULL, N_("The day to the left")},
    {PV_KEY(KEY_RIGHT), G_RIGHT, NULL, N_("The day to the right")},
    {PV_KEY(KEY_HOME), G_FIRST, NULL, N_("The first day")},
    {PV_KEY(KEY_END), G_LAST, NULL, N_("The last day")},
    {PV_KEY(KEY_F(3)), A_ADMIT, N_("Admit"), N_("Admit a trainee by national ID (the credit is charged)")},
    {PV_KEY(KEY_F(7)), A_EVALUATE, N_("Evaluate"), N_("Record the course's evaluation: date, score, note")},
    {PV_KEY(KEY_F(8)), A_WITHDRAW, N_("Withdraw"), N_("The selected trainee withdraws (press twice)")},
    {0, 0, NULL, NULL},
};
static pv_keymap grid_keys = {grid_own, pv_keys_edit, NULL};

#define NAME_W 22
#define CELL_W 3

typedef struct grid {
    pv_id id;
    pv_course_detail *d;
    size_t row;  /* selected trainee */
    int day;     /* selected day, 1..days */
    size_t top;  /* first trainee shown */
    bool prompt; /* the national ID of a trainee to admit is being typed */
    pv_form input;
    int pending; /* a withdrawal waiting for its second press */
} grid;

static bool load(pv_ui *ui, grid *g)
{
    pv_error err = PV_ERROR_INIT;
    pv_course_detail *d;
    if (pv_course_get(ui->ctx, g->id, &d, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return false;
    }
    pv_course_detail_free(g->d);
    g->d = d;
    if (g->row >= d->n_trainees)
        g->row = d->n_trainees ? d->n_trainees - 1 : 0;
    if (g->day < 1 || g->day > d->c.days)
        g->day = 1;
    return true;
}

static void *grid_open(pv_ui *ui, const void *arg)
{
    grid *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->id = *(const pv_id *)arg;
    g->day = 1;
    pv_form_init(&g->input, NULL, g);
    if (!load(ui, g)) {
        free(g);
        return NULL;
    }
    return g;
}

static void grid_close(pv_ui *ui, void *st)
{
    (void)ui;
    grid *g = st;
    pv_course_detail_free(g->d);
    pv_form_free(&g->input);
    free(g);
}

static void grid_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    grid *g = st;
    char title[PV_LABEL_SZ * 3];
    pv_text_sanitize(g->d->c.title, false, title, sizeof title);
    snprintf(out, size, "%s — %s", _("Attendance"), title);
}

/* The latest evaluation, after the course's figures. */
static void draw_evaluation(pv_ui *ui, const pv_course_detail *d, int y)
{
    if (!d->n_evaluations)
        return;
    const pv_course_evaluation *e = &d->evaluations[d->n_evaluations - 1];
    char date[16], line[PV_LABEL_SZ * 2];
    pv_draw_date(e->date, date, sizeof date);
    snprintf(line, sizeof line, _("Evaluation %s: score %d"), date, e->score);
    if (e->note[0]) {
        size_t len = strlen(line);
        snprintf(line + len, sizeof line - len, " — %s", e->note);
    }
    pv_draw_text(&ui->draw, y, 1, ui->draw.cols - 2, line, PV_T_DATA, PV_ST_LABEL);
}

static void draw_head(pv_ui *ui, const pv_course *c, int y)
{
    char date[16], line[256];
    pv_draw_date(c->start_date, date, sizeof date);
    snprintf(line, sizeof line, _("from %s, %d days; %d days attended complete the course"), date,
             c->days, c->min_days);
    pv_draw_text(&ui->draw, y, 1, ui->draw.cols - 2, line, 0, PV_ST_DIM);
    pv_draw_fill(&ui->draw, y + 1, 0, ui->draw.cols, PV_ST_HEADING);
    pv_draw_text(&ui->draw, y + 1, 1, NAME_W, _("Trainee"), 0, PV_ST_HEADING);
    for (int d = 1; d <= c->days; d++) {
        char num[16];
        snprintf(num, sizeof num, "%d", d);
        pv_draw_text(&ui->draw, y + 1, NAME_W + 2 + (d - 1) * CELL_W, CELL_W, num,
                     PV_T_CENTER, PV_ST_HEADING);
    }
    pv_draw_text(&ui->draw, y + 1, NAME_W + 3 + c->days * CELL_W, 12, _("Days"), 0,
                 PV_ST_HEADING);
}

static void draw_trainee(pv_ui *ui, const grid *g, size_t i, int y)
{
    const pv_course *c = &g->d->c;
    const pv_trainee *t = &g->d->trainees[i];
    bool sel_row = i == g->row;
    pv_style st = t->withdrawn ? PV_ST_DIM : PV_ST_TEXT;
    pv_draw_fill(&ui->draw, y, 0, ui->draw.cols, st);
    pv_draw_text(&ui->draw, y, 1, NAME_W, t->name, PV_T_DATA, sel_row ? PV_ST_LABEL : st);
    for (int d = 1; d <= c->days; d++) {
        bool here = t->present[d - 1];
        pv_style cs = sel_row && d == g->day ? PV_ST_SELECTED : here ? PV_ST_OK : st;
        pv_draw_text(&ui->draw, y, NAME_W + 2 + (d - 1) * CELL_W, CELL_W, here ? "■" : "·",
                     PV_T_CENTER, cs);
    }
    char count[64];
    if (t->withdrawn)
        snprintf(count, sizeof count, "%s", _("withdrawn"));
    else
        snprintf(count, sizeof count, t->completed ? _("%d ✓") : "%d", t->attended);
    pv_draw_text(&ui->draw, y, NAME_W + 3 + c->days * CELL_W, 12, count, PV_T_UI,
                 t->completed ? PV_ST_OK : st);
}

static void grid_draw(pv_ui *ui, void *st, int top, int rows)
{
    grid *g = st;
    draw_head(ui, &g->d->c, top);
    if (g->prompt) {
        pv_form_draw(ui, &g->input, top + rows - 1, 1, 18);
        rows -= 2;
    }
    int body = rows - 3;
    draw_evaluation(ui, g->d, top + rows - 1);
    if (g->d->n_trainees == 0) {
        pv_draw_text(&ui->draw, top + 3, 1, ui->draw.cols - 2,
                     _("No trainee yet. F3 admits one by national ID."), 0, PV_ST_DIM);
        return;
    }
    if (body < 1)
        body = 1;
    if (g->row < g->top)
        g->top = g->row;
    if (g->row >= g->top + (size_t)body)
        g->top = g->row - (size_t)body + 1;
    for (int r = 0; r < body && g->top + (size_t)r < g->d->n_trainees; r++)
        draw_trainee(ui, g, g->top + (size_t)r, top + 2 + r);
    if (g->prompt)
        return; /* the cursor stays in the prompt */
    /* the cursor on the selected cell, so a screen reader follows it */
    int x = pv_draw_col(&ui->draw, NAME_W + 2 + (g->day - 1) * CELL_W + 1, 1);
    pv_ui_cursor(ui, top + 2 + (int)(g->row - g->top), x);
}

static unsigned toggle(pv_ui *ui, grid *g)
{
    if (g->d->n_trainees == 0)
        return PV_CH_NONE;
    const pv_trainee *t = &g->d->trainees[g->row];
    char nid[PV_NATID_SZ];
    snprintf(nid, sizeof nid, "%s", t->national_id);
    bool present = !t->present[g->day - 1];
    pv_error err = PV_ERROR_INIT;
    if (pv_course_attend(ui->ctx, g->id, nid, g->day, present, &err) != PV_OK)
        pv_ui_error(ui, &err);
    else
        pv_ui_status(ui, PV_MSG_OK, present ? _("Day %d: present.") : _("Day %d: absent."),
                     g->day);
    load(ui, g);
    return PV_CH_DRAW;
}

static unsigned prompt_action(pv_ui *ui, grid *g, int action)
{
    pv_error err = PV_ERROR_INIT;
    switch (action) {
    case A_TOGGLE: { /* Enter (and Space) record the typed national ID */
        char nid[64];
        snprintf(nid, sizeof nid, "%s", g->input.fields[0].value);
        g->prompt = false;
        if (pv_course_admit(ui->ctx, g->id, nid, NULL, &err) != PV_OK)
            pv_ui_error(ui, &err);
        else
            pv_ui_status(ui, PV_MSG_OK, "%s", _("Trainee admitted."));
        load(ui, g);
        return PV_CH_DRAW;
    }
    case PV_A_BACK: g->prompt = false; return PV_CH_DRAW;
    case G_LEFT: action = PV_A_LEFT; break;
    case G_RIGHT: action = PV_A_RIGHT; break;
    default: break;
    }
    unsigned ch = pv_form_action(ui, &g->input, action, NULL);
    return ch == PV_CH_NONE && action < PV_A_UP ? PV_CH_PASS : ch | PV_CH_DRAW;
}

static unsigned withdraw(pv_ui *ui, grid *g)
{
    if (g->d->n_trainees == 0 || g->d->trainees[g->row].withdrawn)
        return PV_CH_NONE;
    if (g->pending != A_WITHDRAW) {
        g->pending = A_WITHDRAW;
        pv_ui_status(ui, PV_MSG_INFO, "%s", _("Record this trainee's withdrawal? Press F8 again."));
        return PV_CH_DRAW;
    }
    g->pending = 0;
    char nid[PV_NATID_SZ];
    snprintf(nid, sizeof nid, "%s", g->d->trainees[g->row].national_id);
    pv_error err = PV_ERROR_INIT;
    if (pv_course_withdraw(ui->ctx, g->id, nid, NULL, &err) != PV_OK)
        pv_ui_error(ui, &err);
    else
        pv_ui_status(ui, PV_MSG_OK, "%s", _("Trainee withdrawn."));
    load(ui, g);
    return PV_CH_DRAW;
}

static unsigned grid_action(pv_ui *ui, void *st, int action)
{
    grid *g = st;
    if (g->prompt)
        return prompt_action(ui, g, action);
    if (action != g->pending)
        g->pending = 0;
    /* Left and Right are seen on the screen: in Persian day 1 is on the right. */
    bool rtl = ui->draw.rtl;
    int days = g->d->c.days;
    switch (action) {
    case A_TOGGLE: return toggle(ui, g);
    case A_ADMIT:
        pv_form_free(&g->input);
        pv_form_init(&g->input, NULL, g);
        pv_form_add(&g->input, "national_id", N_("National ID"), true, true, PV_FK_TEXT, "");
        g->prompt = true;
        return PV_CH_DRAW;
    case A_WITHDRAW: return withdraw(ui, g);
    case A_EVALUATE: {
        char *about = pv_dialog_quote(g->d->c.title);
        pv_gform_request r = {PV_GFORM_EVALUATION, NULL, g->id, about, NULL};
        unsigned ch = pv_ui_push(ui, &pv_screen_groups_form, &r);
        free(about);
        return ch;
    }
    case G_UP:
        if (g->row > 0)
            g->row--;
        return PV_CH_DRAW;
    case G_DOWN:
        if (g->row + 1 < g->d->n_trainees)
            g->row++;
        return PV_CH_DRAW;
    case G_FIRST:
        g->day = 1;
        return PV_CH_DRAW;
    case G_LAST:
        g->day = days;
        return PV_CH_DRAW;
    case G_LEFT:
    case G_RIGHT: {
        int step = (action == G_RIGHT) != rtl ? 1 : -1;
        int day = g->day + step;
        if (day >= 1 && day <= days)
            g->day = day;
        return PV_CH_DRAW;
    }
    default: return action < PV_A_UP ? PV_CH_PASS : PV_CH_NONE;
    }
}

static unsigned grid_input(pv_ui *ui, void *st, int key)
{
    grid *g = st;
    return g->prompt ? pv_form_input(ui, &g->input, key, NULL) : PV_CH_NONE;
}

static unsigned grid_reload(pv_ui *ui, void *st)
{
    load(ui, st);
    return PV_CH_DRAW;
}

const pv_screen pv_screen_course = {
    .name = "course",
    .keys = grid_keys,
    .open = grid_open,
    .close = grid_close,
    .title = grid_title,
    .draw = grid_draw,
    .action = grid_action,
    .input = grid_input,
    .reload = grid_reload,
};
