/* parvande — key tables, the function-key bar and key names. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bidi.h"
#include "keys.h"
#include "parvande/i18n.h"
#include "term.h"

const pv_binding pv_keys_global[] = {
    {PV_KEY(KEY_F(1)), PV_A_HELP, N_("Help"), N_("Show the keys of this screen")},
    {PV_KEY(KEY_F(9)), PV_A_LANG, N_("Lang"), N_("Switch the interface between Persian and English")},
    {PV_KEY(KEY_F(10)), PV_A_QUIT, N_("Quit"), N_("Leave parvande")},
    {PV_KEY_ESC, PV_A_BACK, NULL, N_("Go back to the previous screen")},
    {PV_KEY_CTRL('l'), PV_A_REDRAW, NULL, N_("Redraw the whole screen")},
    /* raw mode: Ctrl-C is a key, and a full-screen program is expected to
     * leave on it; the same way as F10 (a form with changes asks first) */
    {PV_KEY_CTRL('c'), PV_A_QUIT, NULL, N_("Leave parvande, as F10")},
    {0, 0, NULL, NULL},
};

const pv_binding pv_keys_list[] = {
    {PV_KEY(KEY_UP), PV_A_UP, NULL, N_("Move up in the list")},
    {PV_KEY(KEY_DOWN), PV_A_DOWN, NULL, N_("Move down in the list")},
    {PV_KEY(KEY_PPAGE), PV_A_PGUP, NULL, N_("One page up")},
    {PV_KEY(KEY_NPAGE), PV_A_PGDN, NULL, N_("One page down")},
    {PV_KEY(KEY_HOME), PV_A_FIRST, NULL, N_("First row")},
    {PV_KEY(KEY_END), PV_A_LAST, NULL, N_("Last row")},
    {0, 0, NULL, NULL},
};

const pv_binding pv_keys_edit[] = {
    {PV_KEY(KEY_LEFT), PV_A_LEFT, NULL, N_("Move the cursor left")},
    {PV_KEY(KEY_RIGHT), PV_A_RIGHT, NULL, N_("Move the cursor right")},
    {PV_KEY(KEY_BACKSPACE), PV_A_BACKSPACE, NULL, N_("Delete the character before the cursor")},
    {127, PV_A_BACKSPACE, NULL, NULL},
    {PV_KEY_CTRL('h'), PV_A_BACKSPACE, NULL, NULL},
    {PV_KEY(KEY_DC), PV_A_DELETE, NULL, N_("Delete the character under the cursor")},
    {PV_KEY_CTRL('n'), PV_A_ZWNJ, NULL,
     N_("Type a zero-width non-joiner (half-space); works on every terminal")},
    {PV_KEY_SHIFT_SPACE, PV_A_ZWNJ, NULL,
     N_("Type a zero-width non-joiner, where the terminal sends Shift-Space")},
    {PV_KEY_CTRL('u'), PV_A_CLEAR, NULL, N_("Clear the field")},
    {PV_KEY_CTRL('a'), PV_A_BOL, NULL, N_("Cursor to the start of the field")},
    {PV_KEY_CTRL('e'), PV_A_EOL, NULL, N_("Cursor to the end of the field")},
    {0, 0, NULL, NULL},
};

const pv_binding pv_keys_form[] = {
    {'\t', PV_A_NEXT_FIELD, NULL, N_("Next field (the field is checked when left)")},
    {PV_KEY(KEY_BTAB), PV_A_PREV_FIELD, NULL, N_("Previous field")},
    {PV_KEY(KEY_DOWN), PV_A_NEXT_FIELD, NULL, NULL},
    {PV_KEY(KEY_UP), PV_A_PREV_FIELD, NULL, NULL},
    {'\r', PV_A_NEWLINE, NULL, N_("Next field; in a note, a new line")},
    {PV_KEY(KEY_ENTER), PV_A_NEWLINE, NULL, NULL},
    {' ', PV_A_CHOICE_NEXT, NULL, N_("Next value of a field with fixed choices")},
    {0, 0, NULL, NULL},
};

static const pv_binding *find(const pv_binding *t, int key)
{
    for (; t && t->key; t++)
        if (t->key == key)
            return t;
    return NULL;
}

static const pv_binding *find_map(const pv_binding *const *map, int key)
{
    for (; map && *map; map++) {
        const pv_binding *b = find(*map, key);
        if (b)
            return b;
    }
    return NULL;
}

const pv_binding *pv_keys_lookup(const pv_binding *const *map, int key)
{
    const pv_binding *b = find_map(map, key);
    return b ? b : find(pv_keys_global, key);
}

const pv_binding *pv_keys_fkey(const pv_binding *const *map, int n)
{
    return pv_keys_lookup(map, PV_KEY(KEY_F(n)));
}

void pv_keys_name(int key, char *out, size_t size)
{
    static const struct { int key; const char *name; } names[] = {
        {PV_KEY(KEY_UP), N_("Up")}, {PV_KEY(KEY_DOWN), N_("Down")},
        {PV_KEY(KEY_LEFT), N_("Left")}, {PV_KEY(KEY_RIGHT), N_("Right")},
        {PV_KEY(KEY_PPAGE), N_("PgUp")}, {PV_KEY(KEY_NPAGE), N_("PgDn")},
        {PV_KEY(KEY_HOME), N_("Home")}, {PV_KEY(KEY_END), N_("End")},
        {PV_KEY(KEY_ENTER), N_("Enter")}, {'\r', N_("Enter")}, {'\n', N_("Enter")},
        {'\t', N_("Tab")}, {PV_KEY(KEY_BTAB), N_("Shift-Tab")},
        {PV_KEY_ESC, N_("Esc")}, {' ', N_("Space")},
        {PV_KEY(KEY_BACKSPACE), N_("Backspace")}, {PV_KEY(KEY_DC), N_("Delete")},
        {PV_KEY_SHIFT_SPACE, N_("Shift-Space")},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].key == key) {
            snprintf(out, size, "%s", _(names[i].name));
            return;
        }
    if (key >= PV_KEY(KEY_F(1)) && key <= PV_KEY(KEY_F(12)))
        snprintf(out, size, "F%d", key - PV_KEY(KEY_F(0)));
    else if (key > 0 && key < 32)
        snprintf(out, size, "Ctrl-%c", 'A' + key - 1);
    else if (key > 32 && key < 127)
        snprintf(out, size, "%c", key);
    else
        snprintf(out, size, "#%d", key);
}

void pv_keys_hide(pv_draw *d, const pv_binding *const *map, unsigned fkeys)
{
    d->hide_map = map;
    d->hide_fkeys = fkeys;
}

/* The label widths lw[] (each one's own at first) cut to fit n keys of
 * widths kw[] in cols: first the blank between keys goes (the labels'
 * reversed colours still part them), then the widest labels lose a column
 * each in turn, so that every label keeps as much of itself as it can.
 * Returns the blank to leave after each key: 1 or 0. */
static int fit_labels(int n, const int *kw, int *lw, int cols)
{
    int total = n - 1;
    for (int i = 0; i < n; i++)
        total += kw[i] + lw[i];
    if (total <= cols)
        return 1;
    total -= n - 1;
    while (total > cols) {
        int widest = 0;
        for (int i = 1; i < n; i++)
            if (lw[i] > lw[widest])
                widest = i;
        if (lw[widest] <= 2)
            break; /* a window this narrow shows what it can */
        lw[widest]--;
        total--;
    }
    return 0;
}

void pv_keys_draw_bar(const pv_draw *d, int y, const pv_binding *const *map)
{
    /* Only the keys that do something here. When every label fits an
     * equal slot (with a blank at its end), equal slots; else each key
     * takes its own label's width, the room left shared out, and labels
     * are cut only when even that does not fit. When there are more keys
     * than could ever fit, the first ones and F10 (F1 lists them all). */
    const pv_binding *shown[12];
    int keys[12], n = 0;
    for (int i = 1; i <= 12; i++) {
        const pv_binding *b = pv_keys_fkey(map, i);
        bool hidden = d->hide_map == (const void *)map && (d->hide_fkeys & (1u << i));
        if (b && b->bar && !hidden) {
            shown[n] = b;
            keys[n++] = i;
        }
    }
    pv_draw_fill(d, y, 0, d->cols, PV_ST_TEXT);
    if (n == 0)
        return;
    int fit = d->cols / 7 > 0 ? d->cols / 7 : 1;
    if (n > fit) { /* keep F10 (quit) as the last one shown */
        int last = n - 1;
        for (int i = 0; i < n; i++)
            if (keys[i] == 10)
                last = i;
        shown[fit - 1] = shown[last];
        keys[fit - 1] = keys[last];
        n = fit;
    }
    int slot = d->cols / n;
    if (slot > 14)
        slot = 14;
    int kw[12], lw[12];
    bool equal = true;
    for (int i = 0; i < n; i++) {
        kw[i] = keys[i] >= 10 ? 3 : 2;
        lw[i] = pv_draw_width(d, _(shown[i]->bar), 0);
        if (kw[i] + lw[i] + 1 > slot)
            equal = false;
    }
    int gap = 1, extra = 0;
    if (equal) {
        for (int i = 0; i < n; i++)
            lw[i] = slot - kw[i] - 1;
    } else {
        gap = fit_labels(n, kw, lw, d->cols);
        int used = 0;
        for (int i = 0; i < n; i++)
            used += kw[i] + lw[i] + gap;
        extra = used < d->cols ? (d->cols - used) / n : 0;
    }
    for (int i = 0, x = 0; i < n; i++) {
        char num[16];
        snprintf(num, sizeof num, "F%d", keys[i]);
        pv_draw_text(d, y, x, kw[i], num, PV_T_ASCII | PV_T_LTR, PV_ST_BARKEY);
        pv_draw_text(d, y, x + kw[i], lw[i], _(shown[i]->bar), 0, PV_ST_BARLABEL);
        x += kw[i] + lw[i] + gap + (equal ? 0 : extra);
    }
}

size_t pv_keys_collect(const pv_binding *const *map, const pv_binding **out, size_t max)
{
    size_t n = 0;
    for (const pv_binding *const *t = map; t && *t; t++)
        for (const pv_binding *b = *t; b->key && n < max; b++)
            if (b->help && pv_keys_lookup(map, b->key) == b)
                out[n++] = b;
    for (const pv_binding *b = pv_keys_global; b->key && n < max; b++)
        if (b->help && pv_keys_lookup(map, b->key) == b)
            out[n++] = b;
    return n;
}
