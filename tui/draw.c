/* parvande — text into curses cells, through the bidi layer, mirrored in Persian. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "parvande/calendar.h"
#include "parvande/text.h"

int pv_draw_col(const pv_draw *d, int x, int w)
{
    return d->rtl ? d->cols - x - w : x;
}

unsigned long pv_draw_attr(const pv_draw *d, pv_style s)
{
    /* Colour: a pair (set up in term.c) per style. Monochrome and NO_COLOR:
     * only reverse, bold, underline and dim, which every terminal has.
     * Text on the terminal's own background keeps its own foreground
     * (pair 0) with bold or underline: a fixed colour such as yellow is
     * unreadable on a white background; colour stays an accent (✓ ✗,
     * errors, the title and the selection, which bring their background). */
    static const struct { short pair; unsigned long color_extra, mono; } map[PV_ST__COUNT] = {
        [PV_ST_TEXT] = {0, 0, A_NORMAL},
        [PV_ST_TITLE] = {1, 0, A_REVERSE | A_BOLD}, /* bold black is grey on many terminals */
        [PV_ST_SELECTED] = {2, A_BOLD, A_REVERSE},
        [PV_ST_LABEL] = {0, A_BOLD, A_BOLD},
        [PV_ST_HEADING] = {0, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
        [PV_ST_FIELD] = {0, A_UNDERLINE, A_UNDERLINE},
        [PV_ST_FOCUS] = {0, A_REVERSE, A_REVERSE},
        [PV_ST_ERROR] = {3, A_BOLD, A_BOLD},
        [PV_ST_OK] = {4, A_BOLD, A_NORMAL},
        [PV_ST_BARKEY] = {0, A_BOLD, A_BOLD},
        [PV_ST_BARLABEL] = {1, 0, A_REVERSE},
        [PV_ST_DIM] = {0, A_DIM, A_DIM},
    };
    if (s < 0 || s >= PV_ST__COUNT)
        s = PV_ST_TEXT;
    if (!d->color)
        return map[s].mono;
    return (unsigned long)COLOR_PAIR(map[s].pair) | map[s].color_extra;
}

static void put_cell(int y, int sx, const wchar_t *wc, attr_t attr, short pair)
{
    cchar_t cc;
    if (setcchar(&cc, wc, attr, pair, NULL) == OK)
        mvadd_wch(y, sx, &cc);
}

static void style_split(const pv_draw *d, pv_style s, attr_t *attr, short *pair)
{
    unsigned long a = pv_draw_attr(d, s);
    *pair = (short)PAIR_NUMBER(a);
    *attr = (attr_t)(a & ~A_COLOR);
}

void pv_draw_fill(const pv_draw *d, int y, int x, int w, pv_style s)
{
    if (y < 0 || y >= d->rows || w <= 0)
        return;
    attr_t attr;
    short pair;
    style_split(d, s, &attr, &pair);
    int sx = pv_draw_col(d, x, w);
    static const wchar_t blank[] = L" ";
    for (int i = 0; i < w; i++)
        if (sx + i >= 0 && sx + i < d->cols)
            put_cell(y, sx + i, blank, attr, pair);
}

/* Persian digits (pv_digits_persian), except in the names of function keys
 * ("F7", "F10"), which stay as the keyboard prints them. */
static void persian_digits_keep_keys(const char *in, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    while (*in && o + 1 < size) {
        /* the next function-key name, or the end */
        const char *k = in;
        while (*k && !(k[0] == 'F' && k[1] >= '0' && k[1] <= '9' &&
                       (k == in ? true : !((k[-1] >= 'A' && k[-1] <= 'Z') ||
                                           (k[-1] >= 'a' && k[-1] <= 'z')))))
            k++;
        size_t seg = (size_t)(k - in);
        char *tmp = malloc(seg + 1);
        if (!tmp)
            return;
        memcpy(tmp, in, seg);
        tmp[seg] = '\0';
        pv_digits_persian(tmp, out + o, size - o);
        free(tmp);
        o += strlen(out + o);
        in = k;
        if (*in) { /* copy "F" and its digits as they are */
            size_t n = 1;
            while (in[n] >= '0' && in[n] <= '9')
                n++;
            if (o + n + 1 > size)
                break;
            memcpy(out + o, in, n);
            o += n;
            out[o] = '\0';
            in += n;
        }
    }
}

char *pv_draw_prepare(const pv_draw *d, const char *text, unsigned flags)
{
    if (!text)
        text = "";
    size_t n = strlen(text);
    size_t size = n * 3 + 4; /* sanitising: 1 byte -> U+FFFD (3); digits: 1 -> 2 */
    char *a = malloc(size), *b = malloc(size);
    if (!a || !b) {
        free(a);
        free(b);
        return NULL;
    }
    if (flags & PV_T_DATA)
        pv_text_sanitize(text, false, a, size);
    else
        memcpy(a, text, n + 1);
    if (d->rtl && !(flags & PV_T_ASCII)) {
        persian_digits_keep_keys(a, b, size);
        free(a);
        return b;
    }
    free(b);
    return a;
}

int pv_draw_width(const pv_draw *d, const char *text, unsigned flags)
{
    char *t = pv_draw_prepare(d, text, flags);
    pv_layout *l = t ? pv_layout_fit(t, PV_DIR_AUTO, 0) : NULL;
    free(t);
    int w = l ? l->width : (int)strlen(text ? text : "");
    pv_layout_free(l);
    return w;
}

static pv_dir dir_of(const pv_draw *d, unsigned flags)
{
    if (flags & PV_T_UI)
        return d->rtl ? PV_DIR_RTL : PV_DIR_LTR;
    if (flags & PV_T_LTR)
        return PV_DIR_LTR;
    if (flags & PV_T_RTL)
        return PV_DIR_RTL;
    return PV_DIR_AUTO;
}

/* Draws one laid-out line whose cells[0] goes to field column `off` of the
 * box at screen column sx, w wide; cells outside the box are clipped. */
static void draw_line(const pv_draw *d, int y, int sx, int w, const pv_line *ln, int off,
                      pv_style s)
{
    attr_t attr;
    short pair;
    style_split(d, s, &attr, &pair);
    int col = off;
    for (size_t c = 0; c < ln->n_cells; c++) {
        const pv_cell *cell = &ln->cells[c];
        if (col >= 0 && col + cell->width <= w && sx + col >= 0 && sx + col < d->cols)
            put_cell(y, sx + col, cell->wc, attr, pair);
        col += cell->width;
    }
}

/* Where a line's first cell goes in a box w wide. One-line text aligns to
 * the interface's start side (the right in Persian), so values line up
 * under their labels whatever their script; the lines of a wrapped text
 * align to their paragraph's start side. */
static int align_offset(const pv_draw *d, const pv_layout *l, const pv_line *ln, int w,
                        unsigned flags)
{
    if (flags & PV_T_CENTER)
        return (w - ln->width) / 2;
    bool right = l->n_lines > 1 ? l->rtl : d->rtl;
    if (flags & PV_T_END)
        right = !right;
    return right ? w - ln->width : 0;
}

/* The same for an edited line: the end-of-text cursor needs one cell past
 * the text on the paragraph's end side (bidi.h, pv_layout_cursor). */
static int edit_offset(const pv_draw *d, const pv_layout *l, const pv_line *ln, int w)
{
    if (l->n_lines > 1)
        return l->rtl ? w - ln->width : 0;
    if (d->rtl)
        return w - ln->width - (l->rtl ? 0 : 1);
    return l->rtl ? 1 : 0;
}

int pv_draw_text(const pv_draw *d, int y, int x, int w, const char *text, unsigned flags,
                 pv_style s)
{
    if (w <= 0 || y < 0 || y >= d->rows)
        return 0;
    pv_draw_fill(d, y, x, w, s);
    char *t = pv_draw_prepare(d, text, flags);
    pv_layout *l = t ? pv_layout_fit(t, dir_of(d, flags), w) : NULL;
    free(t);
    if (!l)
        return 0;
    const pv_line *ln = &l->lines[0];
    draw_line(d, y, pv_draw_col(d, x, w), w, ln, align_offset(d, l, ln, w, flags), s);
    int used = ln->width;
    pv_layout_free(l);
    return used;
}

/* pv_draw_prepare for text of several lines: with PV_T_DATA it is
 * sanitised keeping its line breaks (a note's). */
static char *wrapped_prepare(const pv_draw *d, const char *text, unsigned flags)
{
    if (!(flags & PV_T_DATA))
        return pv_draw_prepare(d, text, flags);
    if (!text)
        text = "";
    size_t size = strlen(text) * 3 + 4;
    char *clean = malloc(size);
    if (!clean)
        return NULL;
    pv_text_sanitize(text, true, clean, size);
    char *t = pv_draw_prepare(d, clean, flags & ~PV_T_DATA);
    free(clean);
    return t;
}

/* The text in lines of at most w columns; NULL when out of memory. */
static pv_layout *wrapped_layout(const pv_draw *d, const char *text, unsigned flags, int w)
{
    char *t = wrapped_prepare(d, text, flags);
    pv_layout *l = t ? pv_layout_text(t, dir_of(d, flags), w) : NULL;
    free(t);
    return l;
}

int pv_draw_wrapped(const pv_draw *d, int y, int x, int w, int max_rows, const char *text,
                    unsigned flags, pv_style s, int *rows_needed)
{
    if (rows_needed)
        *rows_needed = 0;
    if (w <= 0)
        return 0;
    pv_layout *l = wrapped_layout(d, text, flags, w);
    if (!l)
        return 0;
    if (rows_needed)
        *rows_needed = (int)l->n_lines;
    int sx = pv_draw_col(d, x, w);
    int rows = 0;
    for (size_t i = 0; i < l->n_lines && rows < max_rows; i++, rows++) {
        if (y + rows >= d->rows)
            break;
        pv_draw_fill(d, y + rows, x, w, s);
        const pv_line *ln = &l->lines[i];
        draw_line(d, y + rows, sx, w, ln, align_offset(d, l, ln, w, flags), s);
    }
    pv_layout_free(l);
    return rows;
}

int pv_draw_wrapped_rows(const pv_draw *d, int w, const char *text, unsigned flags)
{
    if (w <= 0)
        return 0;
    pv_layout *l = wrapped_layout(d, text, flags, w);
    if (!l)
        return 1;
    int n = (int)l->n_lines;
    pv_layout_free(l);
    return n;
}

/* A copy of text with every character but line breaks replaced by mask. */
static char *masked(const char *text, wchar_t mask)
{
    long n = pv_utf8_length(text);
    if (n < 0)
        n = (long)strlen(text);
    char *out = malloc((size_t)n * 4 + 1), *p = out;
    if (!out)
        return NULL;
    for (long i = 0; i < n; i++)
        p += pv_utf8_encode((uint32_t)mask, p);
    *p = '\0';
    return out;
}

void pv_draw_edit(const pv_draw *d, int y, int x, int w, const char *text, size_t cursor,
                  unsigned flags, pv_style s, wchar_t mask, int *cur_y, int *cur_x)
{
    if (w <= 1)
        return;
    pv_draw_fill(d, y, x, w, s);
    /* Edited text may come from the database: sanitised (one code point
     * for one, so the cursor's position still holds). */
    char *t = mask ? masked(text ? text : "", mask) : pv_draw_prepare(d, text, flags | PV_T_DATA);
    pv_layout *l = t ? pv_layout_text(t, dir_of(d, flags), 0) : NULL;
    free(t);
    if (!l)
        return;
    const pv_line *ln = &l->lines[0];
    int off = edit_offset(d, l, ln, w);
    int cl = 0, cc = 0;
    pv_layout_cursor(l, cursor, &cl, &cc);
    int ccol = off + cc;
    if (ccol < 0)
        off -= ccol, ccol = 0;
    else if (ccol >= w)
        off -= ccol - (w - 1), ccol = w - 1;
    int sx = pv_draw_col(d, x, w);
    draw_line(d, y, sx, w, ln, off, s);
    pv_layout_free(l);
    if (cur_y)
        *cur_y = y;
    if (cur_x)
        *cur_x = sx + ccol;
}

void pv_draw_edit_wrapped(const pv_draw *d, int y, int x, int w, int rows, const char *text,
                          size_t cursor, unsigned flags, pv_style s, int *cur_y, int *cur_x)
{
    if (w <= 1 || rows <= 0)
        return;
    for (int r = 0; r < rows; r++)
        pv_draw_fill(d, y + r, x, w, s);
    char *t = wrapped_prepare(d, text, flags | PV_T_DATA);
    pv_layout *l = t ? pv_layout_text(t, dir_of(d, flags), w - 1) : NULL;
    free(t);
    if (!l)
        return;
    int cl = 0, cc = 0;
    pv_layout_cursor(l, cursor, &cl, &cc);
    int first = cl >= rows ? cl - rows + 1 : 0;
    int sx = pv_draw_col(d, x, w);
    for (int r = 0; r < rows && (size_t)(first + r) < l->n_lines; r++) {
        const pv_line *ln = &l->lines[first + r];
        int off = edit_offset(d, l, ln, w);
        draw_line(d, y + r, sx, w, ln, off, s);
        if (first + r == cl) {
            if (cur_y)
                *cur_y = y + r;
            if (cur_x)
                *cur_x = sx + off + cc;
        }
    }
    pv_layout_free(l);
}

void pv_draw_money(const pv_draw *d, int64_t rials, char *out, size_t size)
{
    pv_money_format(rials, d->rtl, out, size);
}

void pv_draw_date(const char *iso, char *out, size_t size)
{
    char j[11];
    if (iso && *iso && pv_date_to_jalali_text(iso, j))
        snprintf(out, size, "%s", j);
    else
        snprintf(out, size, "%s", iso ? iso : "");
}

void pv_draw_box(const pv_draw *d, int y, int x, int h, int w, const char *title)
{
    if (h < 2 || w < 2)
        return;
    int sx = pv_draw_col(d, x, w);
    mvhline(y, sx + 1, ACS_HLINE, w - 2);
    mvhline(y + h - 1, sx + 1, ACS_HLINE, w - 2);
    mvvline(y + 1, sx, ACS_VLINE, h - 2);
    mvvline(y + 1, sx + w - 1, ACS_VLINE, h - 2);
    mvaddch(y, sx, ACS_ULCORNER);
    mvaddch(y, sx + w - 1, ACS_URCORNER);
    mvaddch(y + h - 1, sx, ACS_LLCORNER);
    mvaddch(y + h - 1, sx + w - 1, ACS_LRCORNER);
    if (title && *title && w > 6) {
        char *t = pv_draw_prepare(d, title, 0);
        pv_layout *l = t ? pv_layout_fit(t, PV_DIR_AUTO, w - 4) : NULL;
        free(t);
        if (l) {
            const pv_line *ln = &l->lines[0];
            int off = d->rtl ? w - 2 - ln->width : 2;
            draw_line(d, y, sx, w, ln, off, PV_ST_HEADING);
            pv_layout_free(l);
        }
    }
}
