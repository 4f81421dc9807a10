/* parvande — the list widget: a selection in a scrolled window of rows.
 * It owns no data; its user draws each row. */
#include "widget.h"

static bool can_select(const pv_list *l, size_t i)
{
    return i < l->n && (!l->selectable || l->selectable(l->user, i));
}

/* The nearest selectable row from i in direction dir (+1/-1), or i itself
 * when none is found that way. */
static size_t seek(const pv_list *l, size_t i, int dir)
{
    size_t j = i;
    while (j < l->n) {
        if (can_select(l, j))
            return j;
        if (dir < 0 && j == 0)
            break;
        j = dir > 0 ? j + 1 : j - 1;
    }
    return i;
}

bool pv_list_has_sel(const pv_list *l)
{
    return l->n > 0 && can_select(l, l->sel);
}

void pv_list_set_count(pv_list *l, size_t n)
{
    l->n = n;
    if (n == 0) {
        l->sel = l->top = 0;
        return;
    }
    if (l->sel >= n)
        l->sel = n - 1;
    if (!can_select(l, l->sel)) {
        size_t fwd = seek(l, l->sel, +1);
        l->sel = can_select(l, fwd) ? fwd : seek(l, l->sel, -1);
    }
    if (l->top >= n)
        l->top = 0;
}

static void scroll_to_sel(pv_list *l, int rows)
{
    if (rows <= 0)
        return;
    if (l->sel < l->top)
        l->top = l->sel;
    else if (l->sel >= l->top + (size_t)rows)
        l->top = l->sel - (size_t)rows + 1;
    /* Keep a heading just above the selection in view when it fits. */
    if (l->top > 0 && l->top == l->sel && !can_select(l, l->top - 1))
        l->top--;
    if (l->n > (size_t)rows && l->top > l->n - (size_t)rows)
        l->top = l->n - (size_t)rows;
}

int pv_list_x(const pv_list *l)
{
    return l->w > 0 ? l->x : 0;
}

int pv_list_w(const pv_list *l, const pv_ui *ui)
{
    return l->w > 0 ? l->w : ui->draw.cols;
}

void pv_list_draw(pv_ui *ui, pv_list *l, int top, int rows, const char *empty)
{
    int x = pv_list_x(l), w = pv_list_w(l, ui);
    l->page = rows;
    for (int r = 0; r < rows; r++)
        pv_draw_fill(&ui->draw, top + r, x, w, PV_ST_TEXT);
    if (l->n == 0) {
        if (empty && rows > 0)
            pv_draw_text(&ui->draw, top, x + 1, w - 2, empty, 0, PV_ST_DIM);
        return;
    }
    scroll_to_sel(l, rows);
    for (int r = 0; r < rows && l->top + (size_t)r < l->n; r++) {
        size_t i = l->top + (size_t)r;
        l->draw_row(ui, l->user, i, top + r, i == l->sel && can_select(l, i));
    }
}

static unsigned list_move(pv_list *l, int action);

static unsigned move_to(pv_list *l, size_t target, int dir)
{
    size_t j = seek(l, target, dir);
    if (!can_select(l, j))
        j = seek(l, target, -dir);
    if (!can_select(l, j) || j == l->sel)
        return PV_CH_NONE;
    l->sel = j;
    return PV_CH_DRAW;
}

unsigned pv_list_action(pv_list *l, int action)
{
    if (l->n == 0)
        return PV_CH_NONE;
    unsigned ch = list_move(l, action);
    /* Nothing selectable above: still show the rows above (a file's top). */
    if (ch == PV_CH_NONE && l->top > 0 &&
        (action == PV_A_UP || action == PV_A_PGUP || action == PV_A_FIRST)) {
        l->top = 0;
        ch = PV_CH_DRAW;
    }
    return ch;
}

unsigned pv_list_action_or_pass(pv_list *l, int action)
{
    unsigned ch = pv_list_action(l, action);
    return ch != PV_CH_NONE || action >= PV_A_UP ? ch : PV_CH_PASS;
}

static unsigned list_move(pv_list *l, int action)
{
    size_t page = l->page > 1 ? (size_t)l->page - 1 : 1;
    switch (action) {
    case PV_A_UP:
        return l->sel > 0 ? move_to(l, l->sel - 1, -1) : PV_CH_NONE;
    case PV_A_DOWN:
        return l->sel + 1 < l->n ? move_to(l, l->sel + 1, +1) : PV_CH_NONE;
    case PV_A_PGUP:
        return move_to(l, l->sel > page ? l->sel - page : 0, -1);
    case PV_A_PGDN:
        return move_to(l, l->sel + page < l->n ? l->sel + page : l->n - 1, +1);
    case PV_A_FIRST:
        return move_to(l, 0, +1);
    case PV_A_LAST:
        return move_to(l, l->n - 1, -1);
    default:
        return PV_CH_NONE;
    }
}

/* The heading of row i's section: the nearest row at or above it that
 * cannot be selected, or 0. */
static size_t heading_of(const pv_list *l, size_t i)
{
    while (i > 0 && can_select(l, i))
        i--;
    return i;
}

unsigned pv_list_jump(pv_list *l, int dir)
{
    if (l->n == 0)
        return PV_CH_NONE;
    size_t h = heading_of(l, l->sel);
    if (dir > 0) {
        size_t i = l->sel + 1; /* the next heading below the selection */
        while (i < l->n && can_select(l, i))
            i++;
        h = i;
    } else {
        if (h == 0)
            return PV_CH_NONE;
        h = heading_of(l, h - 1);
    }
    size_t first = h;
    while (first < l->n && !can_select(l, first))
        first++;
    if (first >= l->n || first == l->sel)
        return PV_CH_NONE;
    l->sel = first;
    l->top = first > 0 && !can_select(l, first - 1) ? first - 1 : first;
    return PV_CH_DRAW;
}
