/* parvande — the help screen, generated from the key map of the screen it
 * was opened from (and the global keys), so it always says what the keys
 * do. */
#include <stdlib.h>

#include "parvande/i18n.h"
#include "widget.h"

static const pv_binding help_own[] = {{0, 0, NULL, NULL}};
static pv_keymap help_keys = {help_own, pv_keys_list, NULL};

#define HELP_MAX 64

typedef struct help {
    const pv_screen *of;
    const pv_binding *b[HELP_MAX];
    size_t n;
    pv_list list;
} help;

static void help_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    help *h = user;
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    int cols = ui->draw.cols, key_w = 14;
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    if (i == h->n) {
        pv_draw_text(&ui->draw, y, 1, cols - 2,
                     _("Persian letters join and read right to left on any terminal; in "
                       "Konsole or mlterm switch their own bidi off."),
                     0, selected ? st : PV_ST_DIM);
        return;
    }
    char name[32];
    pv_keys_name(h->b[i]->key, name, sizeof name);
    pv_draw_text(&ui->draw, y, 2, key_w, name, PV_T_ASCII | PV_T_LTR,
                 selected ? st : PV_ST_LABEL);
    pv_draw_text(&ui->draw, y, key_w + 3, cols - key_w - 4, _(h->b[i]->help), 0, st);
}

static void *help_open(pv_ui *ui, const void *arg)
{
    (void)ui;
    help *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->of = arg;
    h->n = pv_keys_collect(h->of->keys, h->b, HELP_MAX);
    h->list.draw_row = help_row;
    h->list.user = h;
    pv_list_set_count(&h->list, h->n + 1);
    return h;
}

static void help_close(pv_ui *ui, void *st)
{
    (void)ui;
    free(st);
}

static void help_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    (void)st;
    snprintf(out, size, "%s", _("Help: the keys of this screen"));
}

static void help_draw(pv_ui *ui, void *st, int top, int rows)
{
    help *h = st;
    pv_list_draw(ui, &h->list, top, rows, NULL);
}

static unsigned help_action(pv_ui *ui, void *st, int action)
{
    help *h = st;
    (void)ui;
    if (action == PV_A_HELP)
        return pv_ui_pop(ui);
    unsigned ch = pv_list_action(&h->list, action);
    return ch != PV_CH_NONE || action >= PV_A_UP ? ch : PV_CH_PASS;
}

const pv_screen pv_screen_help = {
    .name = "help",
    .keys = help_keys,
    .open = help_open,
    .close = help_close,
    .title = help_title,
    .draw = help_draw,
    .action = help_action,
    .input = NULL,
    .reload = NULL,
};
