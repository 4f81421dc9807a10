/* parvande — the full-screen interface: the screen stack, the main loop and
 * the one place that redraws. */
#include <curses.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parvande/i18n.h"
#include "parvande/users.h"
#include "ui.h"

/* ---- the screen stack ------------------------------------------------------ */

unsigned pv_ui_push(pv_ui *ui, const pv_screen *s, const void *arg)
{
    /* The last slot is kept for the idle lock. */
    if (ui->depth >= PV_UI_DEPTH - (s == &pv_screen_login ? 0 : 1)) {
        pv_ui_status(ui, PV_MSG_ERROR, "%s", _("Too many screens are open; go back first."));
        return PV_CH_DRAW;
    }
    void *st = s->open(ui, arg);
    if (!st)
        return PV_CH_DRAW; /* the screen said why on the status line */
    ui->stack[ui->depth].s = s;
    ui->stack[ui->depth].st = st;
    ui->depth++;
    return PV_CH_DRAW;
}

unsigned pv_ui_pop(pv_ui *ui)
{
    if (ui->depth <= 1)
        return PV_CH_NONE;
    ui->depth--;
    ui->stack[ui->depth].s->close(ui, ui->stack[ui->depth].st);
    const pv_screen *below = ui->stack[ui->depth - 1].s;
    if (below->reload)
        below->reload(ui, ui->stack[ui->depth - 1].st);
    return PV_CH_DRAW;
}

static void close_all(pv_ui *ui)
{
    while (ui->depth > 0) {
        ui->depth--;
        ui->stack[ui->depth].s->close(ui, ui->stack[ui->depth].st);
    }
}

/* ---- login and the idle lock ---------------------------------------------- */

unsigned pv_ui_logged_in(pv_ui *ui, bool unlock)
{
    ui->last_key = time(NULL);
    if (unlock) {
        ui->locked = false;
        return pv_ui_pop(ui) | PV_CH_FULL;
    }
    close_all(ui);
    ui->status[0] = '\0';
    return pv_ui_push(ui, &pv_screen_home, NULL) | PV_CH_FULL;
}

unsigned pv_ui_logout(pv_ui *ui)
{
    pv_logout(ui->ctx);
    close_all(ui);
    ui->locked = false;
    static const pv_login_mode normal = PV_LOGIN_NORMAL;
    return pv_ui_push(ui, &pv_screen_login, &normal) | PV_CH_FULL;
}

/* Locks the screen when a logged-in user has been idle long enough. */
static unsigned idle_check(pv_ui *ui)
{
    const pv_actor *a = pv_ctx_actor(ui->ctx);
    if (ui->locked || ui->idle_lock_s <= 0 || !a || a->user_id == 0 ||
        a->role == PV_ROLE_NONE || time(NULL) - ui->last_key < ui->idle_lock_s)
        return PV_CH_NONE;
    static const pv_login_mode lock = PV_LOGIN_LOCK;
    ui->warning = NULL;
    unsigned ch = pv_ui_push(ui, &pv_screen_login, &lock);
    ui->locked = ui->stack[ui->depth - 1].s == &pv_screen_login;
    if (ui->locked)
        pv_ui_status(ui, PV_MSG_INFO, "%s", _("Locked after being idle."));
    return ch | PV_CH_FULL;
}

/* ---- small services for screens ------------------------------------------ */

void pv_ui_status(pv_ui *ui, pv_msg_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->status, sizeof ui->status, fmt, ap);
    va_end(ap);
    ui->status_kind = kind;
}

void pv_ui_error(pv_ui *ui, pv_error *err)
{
    pv_ui_status(ui, PV_MSG_ERROR, "%s", err->message ? err->message : _("unknown error"));
    pv_error_clear(err);
}

void pv_ui_cursor(pv_ui *ui, int y, int x)
{
    ui->cur_y = y;
    ui->cur_x = x;
}

unsigned pv_ui_set_lang(pv_ui *ui, pv_lang lang)
{
    pv_i18n_set_lang(lang == PV_LANG_EN ? "en" : "fa");
    pv_ctx_set_lang(ui->ctx, lang);
    ui->cli->lang = lang;
    ui->draw.rtl = lang == PV_LANG_FA;
    ui->status[0] = '\0';
    for (int i = 0; i < ui->depth; i++)
        if (ui->stack[i].s->reload)
            ui->stack[i].s->reload(ui, ui->stack[i].st);
    return PV_CH_DRAW | PV_CH_FULL;
}

/* ---- drawing: the one place ------------------------------------------------ */

static void draw_title(pv_ui *ui, const pv_screen *s, void *st)
{
    char title[512], left[256];
    s->title(ui, st, title, sizeof title);
    pv_draw_fill(&ui->draw, 0, 0, ui->draw.cols, PV_ST_TITLE);
    int w = ui->draw.cols;
    const pv_actor *a = pv_ctx_actor(ui->ctx);
    char today[11], jtoday[16];
    pv_today(today);
    pv_draw_date(today, jtoday, sizeof jtoday);
    if (a && a->user_id != 0)
        snprintf(left, sizeof left, "%s  %s", a->name, jtoday);
    else
        snprintf(left, sizeof left, "%s", jtoday);
    int lw = w / 3;
    pv_draw_text(&ui->draw, 0, 1, w - lw - 2, title, 0, PV_ST_TITLE);
    pv_draw_text(&ui->draw, 0, w - lw - 1, lw, left, PV_T_END | PV_T_DATA, PV_ST_TITLE);
}

static void draw_status(pv_ui *ui, int y)
{
    static const pv_style of_kind[] = {
        [PV_MSG_INFO] = PV_ST_TEXT, [PV_MSG_OK] = PV_ST_OK, [PV_MSG_ERROR] = PV_ST_ERROR,
    };
    /* Messages can quote stored text (a name, a title): sanitised. */
    pv_draw_text(&ui->draw, y, 1, ui->draw.cols - 2, ui->status, PV_T_DATA,
                 of_kind[ui->status_kind]);
}

static void draw_warning(pv_ui *ui)
{
    int w = ui->draw.cols - 8, h = 8;
    if (w < 20 || ui->draw.rows < h + 4)
        return;
    int y = (ui->draw.rows - h) / 2;
    for (int r = 0; r < h; r++)
        pv_draw_fill(&ui->draw, y + r, 4, w, PV_ST_TEXT);
    pv_draw_box(&ui->draw, y, 4, h, w, _("Warning"));
    pv_draw_wrapped(&ui->draw, y + 1, 6, w - 4, h - 3, _(ui->warning), 0, PV_ST_ERROR, NULL);
    pv_draw_text(&ui->draw, y + h - 2, 6, w - 4, _("Press any key to continue."), 0,
                 PV_ST_DIM);
}

static void redraw(pv_ui *ui, bool full)
{
    ui->draw.cols = COLS;
    ui->draw.rows = LINES;
    if (full)
        pv_term_repaint();
    erase();
    ui->cur_y = ui->cur_x = -1;
    const pv_screen *s = ui->stack[ui->depth - 1].s;
    void *st = ui->stack[ui->depth - 1].st;
    int rows = ui->draw.rows;
    if (rows < 6 || ui->draw.cols < 30) {
        pv_draw_wrapped(&ui->draw, 0, 0, ui->draw.cols, rows, _("The window is too small."), 0,
                        PV_ST_TEXT, NULL);
        curs_set(0);
        refresh();
        return;
    }
    draw_title(ui, s, st);
    s->draw(ui, st, 1, rows - 3);
    draw_status(ui, rows - 2);
    pv_keys_draw_bar(&ui->draw, rows - 1, s->keys);
    if (ui->warning)
        draw_warning(ui);
    if (ui->cur_y >= 0 && !ui->warning) {
        curs_set(1);
        move(ui->cur_y, ui->cur_x);
    } else {
        curs_set(0);
    }
    refresh();
}

/* ---- keys ---------------------------------------------------------------- */

static unsigned default_action(pv_ui *ui, int action)
{
    const pv_screen *s = ui->stack[ui->depth - 1].s;
    switch (action) {
    case PV_A_HELP:
        return pv_ui_push(ui, &pv_screen_help, s);
    case PV_A_LANG:
        return pv_ui_set_lang(ui, ui->draw.rtl ? PV_LANG_EN : PV_LANG_FA);
    case PV_A_QUIT:
        return PV_CH_QUIT;
    case PV_A_BACK:
        return pv_ui_pop(ui);
    case PV_A_REDRAW:
        return PV_CH_DRAW | PV_CH_FULL;
    default:
        return PV_CH_NONE;
    }
}

static unsigned handle_key(pv_ui *ui, int key, bool alt)
{
    if (key == PV_KEY(KEY_RESIZE))
        return PV_CH_DRAW | PV_CH_FULL;
    if (ui->warning) {
        ui->warning = NULL; /* shown once: any key dismisses it */
        return PV_CH_DRAW;
    }
    /* Alt+key (Esc then a key at once): no command uses it, and with the
     * Persian layout it would type a letter by accident; ignored. */
    if (alt)
        return PV_CH_NONE;
    const pv_screen *s = ui->stack[ui->depth - 1].s;
    void *st = ui->stack[ui->depth - 1].st;
    const pv_binding *b = pv_keys_lookup(s->keys, key);
    /* A message stays while the caseworker types or edits (a refusal names
     * the field being corrected); any other key clears it. */
    bool editing = !b || (b->action >= PV_A_LEFT && b->action <= PV_A_NEWLINE);
    if (!editing || ui->status_kind != PV_MSG_ERROR)
        ui->status[0] = '\0';
    if (!b)
        return s->input ? s->input(ui, st, key) : PV_CH_NONE;
    unsigned ch = s->action(ui, st, b->action);
    if (ch & PV_CH_PASS)
        ch = (ch & ~PV_CH_PASS) | default_action(ui, b->action);
    return ch;
}

static int run_loop(pv_ui *ui)
{
    unsigned ch = PV_CH_DRAW | PV_CH_FULL, pending = PV_CH_NONE;
    for (;;) {
        if (ch & PV_CH_QUIT)
            return PV_EXIT_OK;
        /* Keys typed ahead are handled first: one redraw for the burst. */
        if ((ch & (PV_CH_DRAW | PV_CH_FULL)) && pv_term_pending()) {
            pending |= ch;
            ch = PV_CH_NONE;
        } else {
            ch |= pending;
            pending = PV_CH_NONE;
        }
        if (ch & (PV_CH_DRAW | PV_CH_FULL))
            redraw(ui, (ch & PV_CH_FULL) != 0);
        int sig = pv_term_stop_signal();
        if (sig)
            return 128 + sig;
        bool alt = false;
        int key = pv_term_read(1000, &alt);
        if (key == PV_KEY_NONE) {
            ch = idle_check(ui);
            continue;
        }
        ui->last_key = time(NULL);
        ch = handle_key(ui, key, alt);
    }
}

/* $PARVANDE_IDLE_LOCK (seconds) may shorten the idle lock (tests, stricter
 * offices) but never lengthen or disable it: the lock protects the files
 * on an unattended terminal, whoever set the environment. */
static int idle_seconds(void)
{
    const char *env = getenv("PARVANDE_IDLE_LOCK");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v >= 1 && v < PV_IDLE_LOCK_SECONDS)
            return (int)v;
    }
    return PV_IDLE_LOCK_SECONDS;
}

/* The login (or the first administrator's set-up when there is no user). */
static void start_screen(pv_ui *ui)
{
    bool exist = true; /* on a failure, never fall back to set-up mode */
    pv_error err = PV_ERROR_INIT;
    if (pv_users_exist(ui->ctx, &exist, &err) != PV_OK) {
        exist = true;
        pv_ui_error(ui, &err);
    }
    pv_login_mode mode = exist ? PV_LOGIN_NORMAL : PV_LOGIN_SETUP;
    pv_ui_push(ui, &pv_screen_login, &mode);
}

int pv_tui_run(pv_cli *cli)
{
    int rc = pv_cli_open(cli);
    if (rc)
        return rc;
    pv_ui ui;
    memset(&ui, 0, sizeof ui);
    ui.cli = cli;
    ui.ctx = cli->ctx;
    ui.draw.rtl = cli->lang == PV_LANG_FA;
    pv_ctx_set_lang(ui.ctx, cli->lang);
    if (pv_term_start(&ui.term) != 0) {
        fprintf(stderr, "parvande: %s\n",
                _("the interface needs a terminal; for scripts use the commands (see --help)"));
        return PV_EXIT_USAGE;
    }
    ui.draw.color = ui.term.color;
    ui.draw.cols = COLS;
    ui.draw.rows = LINES;
    ui.warning = ui.term.warning;
    ui.last_key = time(NULL);
    ui.idle_lock_s = idle_seconds();
    start_screen(&ui);
    rc = ui.depth > 0 ? run_loop(&ui) : PV_EXIT_FAIL;
    close_all(&ui);
    pv_term_stop(&ui.term);
    return rc;
}
