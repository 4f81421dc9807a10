/* parvande — the bidi/layout layer (see bidi.h and RTL.md).
 *
 * The text is decoded to code points, each classified as a base character
 * (draws a cell), a combining mark (rides in the previous base's cell), an
 * invisible format character (no cell) or a hard line break. Clusters
 * (graphemes) group a base with what follows it; they are the unit of
 * wrapping, of cells and of cursor positions. FriBidi resolves levels and
 * shapes per paragraph; each wrapped line is reordered on its own. */
#include "bidi.h"

#include <fribidi.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#define CP_REPLACEMENT 0xFFFDu
#define CP_DOTTED_CIRCLE 0x25CCu
#define CP_ELLIPSIS 0x2026u
#define MAX_CPS ((size_t)1 << 28) /* beyond this, treat as out of memory */

enum { K_BASE, K_MARK, K_HIDDEN, K_BREAK };

/* ---- wcwidth in a UTF-8 locale, whatever the process locale is ---------- */

/* A C.UTF-8 locale object, made once and kept for the process's life: an
 * immutable resource (like a table), not state. Making it per call would
 * cost ~90 us a layout. */
static locale_t utf8_locale;
static once_flag utf8_once = ONCE_FLAG_INIT;

static void utf8_locale_init(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

typedef struct utf8_guard {
    locale_t saved;
    bool switched;
    bool ok; /* wcwidth() knows Unicode */
} utf8_guard;

static void guard_enter(utf8_guard *g)
{
    g->switched = false;
    g->ok = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    if (g->ok)
        return;
    call_once(&utf8_once, utf8_locale_init);
    if (utf8_locale == (locale_t)0)
        return; /* no C.UTF-8: every printable character is one column */
    g->saved = uselocale(utf8_locale);
    g->switched = g->ok = true;
}

static void guard_leave(const utf8_guard *g)
{
    if (g->switched)
        uselocale(g->saved);
}

/* ---- decoding and classification --------------------------------------- */

/* One UTF-8 character at s (n > 0 bytes left): its length, and the code
 * point or U+FFFD for a malformed byte (which then counts as one). */
static size_t utf8_step(const unsigned char *s, size_t n, FriBidiChar *cp)
{
    unsigned c = s[0];
    size_t len;
    FriBidiChar v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4; v = c & 0x07; min = 0x10000;
    } else {
        *cp = CP_REPLACEMENT;
        return 1;
    }
    if (len > n) {
        *cp = CP_REPLACEMENT;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = CP_REPLACEMENT;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = CP_REPLACEMENT;
        return 1;
    }
    *cp = v;
    return len;
}

/* Encodes a code point (at most U+10FFFF) as UTF-8; returns the length. */
static size_t utf8_put(FriBidiChar c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Decodes and neutralises controls: tab -> space, '\n' kept (or a space
 * when one_line), other C0/C1 controls and DEL -> U+FFFD. */
static FriBidiChar *decode(const char *utf8, bool one_line, size_t *n_out)
{
    const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
    size_t bytes = strlen((const char *)s), n = 0;
    if (bytes >= MAX_CPS)
        return NULL;
    FriBidiChar *cp = malloc((bytes + 1) * sizeof *cp);
    if (!cp)
        return NULL;
    for (size_t i = 0; i < bytes;) {
        FriBidiChar c;
        i += utf8_step(s + i, bytes - i, &c);
        if (c == '\t' || (c == '\n' && one_line))
            c = ' ';
        else if (c == '\n')
            ;
        else if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
            c = CP_REPLACEMENT;
        cp[n++] = c;
    }
    *n_out = n;
    return cp;
}

static bool is_invisible(FriBidiChar c)
{
    if ((c >= 0x200B && c <= 0x200F) || c == 0x061C || (c >= 0x202A && c <= 0x202E) ||
        (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF)
        return true;
    return fribidi_get_bidi_type(c) == FRIBIDI_TYPE_BN;
}

/* Kind and column width of each code point; unprintable ones become
 * U+FFFD. */
static void classify(FriBidiChar *cp, size_t n, const utf8_guard *g, uint8_t *kind,
                     uint8_t *width)
{
    for (size_t i = 0; i < n; i++) {
        FriBidiChar c = cp[i];
        int w;
        width[i] = 0;
        if (c == '\n') {
            kind[i] = K_BREAK;
            continue;
        }
        if (is_invisible(c)) {
            kind[i] = K_HIDDEN;
            continue;
        }
        w = g->ok ? wcwidth((wchar_t)c) : 1;
        if (fribidi_get_bidi_type(c) == FRIBIDI_TYPE_NSM || w == 0) {
            kind[i] = K_MARK;
            continue;
        }
        if (w < 0 || w > 2) {
            cp[i] = CP_REPLACEMENT;
            w = 1;
        }
        kind[i] = K_BASE;
        width[i] = (uint8_t)w;
    }
}

/* ---- clusters ------------------------------------------------------------ */

typedef struct cluster {
    size_t start, end;  /* code points [start, end) */
    size_t anchor;      /* the base (or orphan mark) drawn; valid if has_cell */
    int width;          /* columns of the cell, 0 without one */
    bool has_cell;
    bool space;         /* a break opportunity follows it */
    bool brk;           /* a hard line break */
} cluster;

static bool breaks_after(FriBidiChar c)
{
    if (c == 0x00A0 || c == 0x2007 || c == 0x202F)
        return false; /* no-break spaces */
    return c == ' ' || fribidi_get_bidi_type(c) == FRIBIDI_TYPE_WS;
}

/* Groups code points into clusters: a base or a mark without a base starts
 * one; marks and invisible characters extend it; invisible characters at
 * the start of a paragraph join its first cluster; '\n' stands alone.
 * out has room for n clusters; returns how many. */
static size_t segment(const FriBidiChar *cp, const uint8_t *kind, const uint8_t *width,
                      size_t n, cluster *out)
{
    size_t nc = 0;
    bool open = false; /* out[nc - 1] accepts invisible characters/marks */
    for (size_t i = 0; i < n; i++) {
        cluster *cur = open ? &out[nc - 1] : NULL;
        uint8_t k = kind[i];
        bool starts = !cur || k == K_BREAK || (k == K_BASE && cur->has_cell);
        if (starts) {
            cur = &out[nc++];
            memset(cur, 0, sizeof *cur);
            cur->start = i;
            open = k != K_BREAK;
        }
        cur->end = i + 1;
        if (k == K_BREAK) {
            cur->brk = true;
        } else if ((k == K_BASE || k == K_MARK) && !cur->has_cell) {
            cur->has_cell = true;
            cur->anchor = i;
            cur->width = k == K_BASE ? width[i] : 1; /* dotted circle */
            cur->space = k == K_BASE && breaks_after(cp[i]);
        }
    }
    return nc;
}

/* ---- building a layout ----------------------------------------------------- */

typedef struct work {
    FriBidiChar *cp;
    size_t n;
    uint8_t *kind, *width;
    FriBidiCharType *types;
    FriBidiBracketType *btypes;
    FriBidiLevel *levels;
    FriBidiJoiningType *jtypes;
    FriBidiArabicProp *ar;
    FriBidiStrIndex *map;
    cluster *cl;
    size_t n_cl;
    int *cl_line, *cl_col; /* where each cluster's cell went */
    pv_layout *l;
    size_t cap_lines;
    size_t n_cells;
} work;

static void work_free(work *w)
{
    free(w->kind); free(w->width); free(w->types); free(w->btypes);
    free(w->levels); free(w->jtypes); free(w->ar); free(w->map);
    free(w->cl); free(w->cl_line); free(w->cl_col);
}

static bool work_alloc(work *w)
{
    size_t n = w->n + 1;
    w->kind = malloc(n);
    w->width = malloc(n);
    w->types = malloc(n * sizeof *w->types);
    w->btypes = malloc(n * sizeof *w->btypes);
    w->levels = malloc(n * sizeof *w->levels);
    w->jtypes = malloc(n * sizeof *w->jtypes);
    w->ar = malloc(n * sizeof *w->ar);
    w->map = malloc(n * sizeof *w->map);
    w->cl = malloc(n * sizeof *w->cl);
    w->cl_line = malloc(n * sizeof *w->cl_line);
    w->cl_col = malloc(n * sizeof *w->cl_col);
    return w->kind && w->width && w->types && w->btypes && w->levels && w->jtypes &&
           w->ar && w->map && w->cl && w->cl_line && w->cl_col;
}

/* Bidi types, with embeddings and overrides made inert (boundary
 * neutrals) so stored text cannot reverse what follows. */
static void bidi_types(work *w)
{
    fribidi_get_bidi_types(w->cp, (FriBidiStrIndex)w->n, w->types);
    for (size_t i = 0; i < w->n; i++)
        if (w->cp[i] >= 0x202A && w->cp[i] <= 0x202E)
            w->types[i] = FRIBIDI_TYPE_BN;
}

/* Direction of the first strong character of the whole text, skipping
 * what is inside isolates (rule P2; fribidi 1.0.8's own
 * fribidi_get_par_direction does not skip them). ON when there is none. */
static FriBidiParType first_strong(const work *w)
{
    size_t depth = 0;
    for (size_t i = 0; i < w->n; i++) {
        FriBidiCharType t = w->types[i];
        if (t == FRIBIDI_TYPE_BS)
            depth = 0; /* isolates end with their paragraph */
        else if (t == FRIBIDI_TYPE_PDI)
            depth -= depth > 0;
        else if (FRIBIDI_IS_ISOLATE(t))
            depth++;
        else if (depth == 0 && FRIBIDI_IS_LETTER(t))
            return FRIBIDI_IS_RTL(t) ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    }
    return FRIBIDI_PAR_ON;
}

/* Levels, joining and shaping of paragraph [ps, pe). */
static bool paragraph_shape(work *w, size_t ps, size_t pe, bool rtl)
{
    FriBidiStrIndex len = (FriBidiStrIndex)(pe - ps);
    FriBidiParType dir = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
    if (len == 0)
        return true;
    fribidi_get_bracket_types(w->cp + ps, len, w->types + ps, w->btypes + ps);
    if (!fribidi_get_par_embedding_levels_ex(w->types + ps, w->btypes + ps, len, &dir,
                                             w->levels + ps))
        return false;
    fribidi_get_joining_types(w->cp + ps, len, w->jtypes + ps);
    memcpy(w->ar + ps, w->jtypes + ps, (size_t)len * sizeof *w->ar);
    fribidi_join_arabic(w->types + ps, len, w->levels + ps, w->ar + ps);
    /* No FRIBIDI_FLAG_SHAPE_ARAB_LIGA: lam-alef stays two cells. */
    fribidi_shape(FRIBIDI_FLAG_SHAPE_MIRRORING | FRIBIDI_FLAG_SHAPE_ARAB_PRES,
                  w->levels + ps, len, w->ar + ps, w->cp + ps);
    return true;
}

static pv_line *line_add(work *w)
{
    pv_layout *l = w->l;
    if (l->n_lines == w->cap_lines) {
        size_t cap = w->cap_lines ? 2 * w->cap_lines : 4;
        pv_line *nl = realloc(l->lines, cap * sizeof *nl);
        if (!nl)
            return NULL;
        l->lines = nl;
        w->cap_lines = cap;
    }
    pv_line *ln = &l->lines[l->n_lines++];
    memset(ln, 0, sizeof *ln);
    return ln;
}

/* Fills a cell from cluster c. */
static void cell_fill(const work *w, const cluster *c, pv_cell *cell)
{
    size_t k = 0;
    if (w->kind[c->anchor] == K_MARK)
        cell->wc[k++] = (wchar_t)CP_DOTTED_CIRCLE;
    cell->wc[k++] = (wchar_t)w->cp[c->anchor];
    for (size_t i = c->anchor + 1; i < c->end && k < PV_CELL_WC - 1; i++)
        if (w->kind[i] == K_MARK)
            cell->wc[k++] = (wchar_t)w->cp[i];
    cell->wc[k] = L'\0';
    cell->width = c->width;
    cell->logical = c->anchor;
}

/* Emits one line: clusters [c0, c1) draw cells, the line covers code points
 * [ls, le) (le includes a hard break), reordered over [ls, re) within the
 * paragraph starting at ps. */
static bool line_emit(work *w, size_t ps, size_t c0, size_t c1, size_t ls, size_t re,
                      size_t le, bool rtl)
{
    pv_line *ln = line_add(w);
    if (!ln)
        return false;
    size_t idx = w->l->n_lines - 1;
    ln->start = ls;
    ln->end = le;
    ln->cells = w->l->cell_block + w->n_cells;
    for (size_t k = c0; k < c1; k++)
        w->cl_line[k] = (int)idx;
    if (re > ls) {
        FriBidiStrIndex off = (FriBidiStrIndex)(ls - ps), len = (FriBidiStrIndex)(re - ls);
        for (FriBidiStrIndex i = 0; i < len; i++)
            w->map[off + i] = off + i; /* identity before the call, as fribidi needs */
        if (!fribidi_reorder_line(FRIBIDI_FLAG_REORDER_NSM, w->types + ps, len, off,
                                  rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR, w->levels + ps,
                                  NULL, w->map))
            return false;
        int col = 0;
        for (FriBidiStrIndex v = off; v < off + len; v++) {
            size_t li = ps + (size_t)w->map[v];
            /* binary search for the cluster holding li among [c0, c1) */
            size_t lo = c0, hi = c1;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (w->cl[mid].end <= li)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            size_t k = lo;
            if (k >= c1 || !w->cl[k].has_cell || w->cl[k].anchor != li)
                continue;
            cell_fill(w, &w->cl[k], &ln->cells[ln->n_cells]);
            w->cl_col[k] = col;
            col += w->cl[k].width;
            ln->n_cells++;
        }
        ln->width = col;
        w->n_cells += ln->n_cells;
        if (col > w->l->width)
            w->l->width = col;
    }
    return true;
}

/* Where the line that starts at cluster `first` ends (greedy, logical
 * order; width <= 0: never): clusters [first, *c1) draw, [*c1, *next) hang
 * (the spaces it is broken at, which draw no cell) and the next line starts
 * at *next. A line breaks after a run of spaces, or inside a word longer
 * than the line; its first cluster is always taken, even if too wide. */
static void line_break(const cluster *cl, size_t first, size_t k1, int width, size_t *c1,
                       size_t *next)
{
    size_t fit_end = first, brk = 0, brk_sp = 0, run = first;
    int col = 0;
    bool full = false; /* something did not fit: nothing more goes on */
    for (size_t k = first; k < k1; k++) {
        const cluster *c = &cl[k];
        bool fits = !full && (width <= 0 || col + c->width <= width);
        if (c->space) {
            if (k == first || !cl[k - 1].space)
                run = k;
            if (fits) {
                col += c->width;
                fit_end = k + 1;
            }
            full = !fits;
            if (run > first && (k + 1 == k1 || !cl[k + 1].space)) {
                brk = k + 1; /* a break opportunity after the run */
                brk_sp = run;
            }
        } else if (fits || k == first) {
            col += c->width;
            fit_end = k + 1;
        } else if (brk > first) {
            *c1 = brk_sp;
            *next = brk;
            return;
        } else {
            *c1 = fit_end;
            *next = k;
            return;
        }
    }
    *c1 = fit_end; /* spaces at the very end that did not fit hang */
    *next = k1;
}

/* Wraps the clusters [k0, k1) of paragraph [ps, pe) and emits its lines;
 * brk_end is one past the hard break that ends the paragraph, or pe. */
static bool paragraph_wrap(work *w, size_t ps, size_t pe, size_t k0, size_t k1,
                           size_t brk_end, int width, bool rtl)
{
    if (k0 == k1)
        return line_emit(w, ps, k0, k0, ps, ps, brk_end, rtl);
    for (size_t first = k0, c1, next; first < k1; first = next) {
        line_break(w->cl, first, k1, width, &c1, &next);
        size_t ls = w->cl[first].start;
        size_t re = next == k1 ? pe : w->cl[next].start;
        if (!line_emit(w, ps, first, c1, ls, re, next == k1 ? brk_end : re, rtl))
            return false;
        for (size_t h = c1; h < next; h++) /* hanging clusters are on it too */
            w->cl_line[h] = (int)(w->l->n_lines - 1);
    }
    return true;
}

/* The cursor map: every position of a cluster with a cell sits on it; the
 * others (hanging spaces, hard breaks, the end) one cell past the line's
 * end in the paragraph's direction. */
static bool cursor_map(work *w)
{
    pv_layout *l = w->l;
    l->cur_line = malloc((w->n + 1) * sizeof *l->cur_line);
    l->cur_col = malloc((w->n + 1) * sizeof *l->cur_col);
    if (!l->cur_line || !l->cur_col)
        return false;
    for (size_t k = 0; k < w->n_cl; k++) {
        const cluster *c = &w->cl[k];
        int line = w->cl_line[k];
        int col = w->cl_col[k];
        if (col == INT_MIN)
            col = l->rtl ? -1 : l->lines[line].width;
        for (size_t i = c->start; i < c->end; i++) {
            l->cur_line[i] = line;
            l->cur_col[i] = col;
        }
    }
    int last = (int)l->n_lines - 1;
    l->cur_line[w->n] = last;
    l->cur_col[w->n] = l->rtl ? -1 : l->lines[last].width;
    return true;
}

static bool layout_build(work *w, int width, bool rtl)
{
    size_t k = 0;
    for (size_t i = 0; i < w->n_cl; i++) {
        w->cl_line[i] = 0;
        w->cl_col[i] = INT_MIN;
    }
    while (true) {
        size_t k0 = k;
        while (k < w->n_cl && !w->cl[k].brk)
            k++;
        size_t ps = k0 < w->n_cl ? w->cl[k0].start : w->n;
        size_t pe = k < w->n_cl ? w->cl[k].start : w->n;
        size_t brk_end = k < w->n_cl ? w->cl[k].end : w->n;
        if (!paragraph_shape(w, ps, pe, rtl) ||
            !paragraph_wrap(w, ps, pe, k0, k, brk_end, width, rtl))
            return false;
        if (k < w->n_cl)
            w->cl_line[k] = (int)(w->l->n_lines - 1); /* the break itself */
        if (k >= w->n_cl)
            break;
        k++; /* past the break: a new paragraph, possibly empty */
    }
    return cursor_map(w);
}

/* Lays out code points cp[0..n) (takes ownership of cp). dir_text: the
 * text whose first strong character decides AUTO (NULL: cp itself). */
static pv_layout *layout_cps(FriBidiChar *cp, size_t n, pv_dir dir, int width,
                             const bool *forced_rtl, const bool *forced_neutral)
{
    work w;
    memset(&w, 0, sizeof w);
    w.cp = cp;
    w.n = n;
    pv_layout *l = calloc(1, sizeof *l);
    utf8_guard g;
    guard_enter(&g);
    if (!l || !work_alloc(&w))
        goto fail;
    w.l = l;
    l->length = n;
    classify(cp, n, &g, w.kind, w.width);
    bidi_types(&w);
    FriBidiParType strong = first_strong(&w);
    l->neutral = forced_neutral ? *forced_neutral : strong == FRIBIDI_PAR_ON;
    if (forced_rtl)
        l->rtl = *forced_rtl;
    else
        l->rtl = dir == PV_DIR_RTL || (dir == PV_DIR_AUTO && strong != FRIBIDI_PAR_LTR);
    w.n_cl = segment(cp, w.kind, w.width, n, w.cl);
    l->cell_block = calloc(w.n_cl + 1, sizeof *l->cell_block);
    if (!l->cell_block || !layout_build(&w, width, l->rtl))
        goto fail;
    work_free(&w);
    free(cp);
    guard_leave(&g);
    return l;
fail:
    work_free(&w);
    free(cp);
    pv_layout_free(l);
    guard_leave(&g);
    return NULL;
}

pv_layout *pv_layout_text(const char *utf8, pv_dir dir, int width)
{
    size_t n;
    FriBidiChar *cp = decode(utf8, width <= 0, &n);
    if (!cp)
        return NULL;
    return layout_cps(cp, n, dir, width, NULL, NULL);
}

void pv_layout_free(pv_layout *l)
{
    if (!l)
        return;
    free(l->lines);
    free(l->cell_block);
    free(l->cur_line);
    free(l->cur_col);
    free(l);
}

/* ---- fitting a list cell ---------------------------------------------------- */

/* How many code points of cp (clusters cl[0..n_cl)) fit in width - 1
 * columns, trailing spaces dropped; or n when all fits in width. */
static size_t fit_cut(const cluster *cl, size_t n_cl, size_t n, int width)
{
    int total = 0;
    for (size_t k = 0; k < n_cl; k++)
        total += cl[k].width;
    if (total <= width)
        return n;
    int col = 0;
    size_t k = 0;
    while (k < n_cl && col + cl[k].width <= width - 1) {
        col += cl[k].width;
        k++;
    }
    while (k > 0 && cl[k - 1].space)
        k--;
    return k > 0 ? cl[k - 1].end : 0;
}

pv_layout *pv_layout_fit(const char *utf8, pv_dir dir, int width)
{
    size_t n;
    FriBidiChar *cp = decode(utf8, true, &n);
    if (!cp)
        return NULL;
    if (width <= 0)
        return layout_cps(cp, n, dir, 0, NULL, NULL);
    work w;
    memset(&w, 0, sizeof w);
    w.cp = cp;
    w.n = n;
    utf8_guard g;
    guard_enter(&g);
    if (!work_alloc(&w)) {
        work_free(&w);
        free(cp);
        guard_leave(&g);
        return NULL;
    }
    classify(cp, n, &g, w.kind, w.width);
    bidi_types(&w);
    FriBidiParType strong = first_strong(&w);
    bool neutral = strong == FRIBIDI_PAR_ON;
    bool rtl = dir == PV_DIR_RTL || (dir == PV_DIR_AUTO && strong != FRIBIDI_PAR_LTR);
    w.n_cl = segment(cp, w.kind, w.width, n, w.cl);
    size_t keep = fit_cut(w.cl, w.n_cl, n, width);
    work_free(&w);
    guard_leave(&g);
    if (keep < n) {
        /* cp was decoded from the original: reclassification in layout_cps
         * is idempotent, so the prefix can be laid out again as is */
        cp[keep] = CP_ELLIPSIS;
        n = keep + 1;
    }
    return layout_cps(cp, n, dir, 0, &rtl, &neutral);
}

/* ---- cursor, alignment ------------------------------------------------------- */

void pv_layout_cursor(const pv_layout *l, size_t pos, int *line, int *col)
{
    if (pos > l->length)
        pos = l->length;
    if (line)
        *line = l->cur_line[pos];
    if (col)
        *col = l->cur_col[pos];
}

int pv_line_offset(const pv_layout *l, const pv_line *line, int field_width,
                   bool rtl_interface)
{
    bool right = l->neutral ? rtl_interface : l->rtl;
    int room = field_width - line->width;
    if (right)
        return (!l->rtl && room > 0) ? room - 1 : room;
    return (l->rtl && room > 0) ? 1 : 0;
}

size_t pv_line_utf8(const pv_line *line, char *out, size_t size)
{
    size_t o = 0;
    if (size == 0)
        return 0;
    for (size_t c = 0; c < line->n_cells; c++) {
        char cell[PV_CELL_WC * 4];
        size_t n = 0;
        for (size_t k = 0; k < PV_CELL_WC && line->cells[c].wc[k]; k++)
            n += utf8_put((FriBidiChar)line->cells[c].wc[k], cell + n);
        if (o + n + 1 > size)
            break;
        memcpy(out + o, cell, n);
        o += n;
    }
    out[o] = '\0';
    return o;
}

/* ---- graphemes ----------------------------------------------------------------- */

/* Cluster starts of utf8 as flags over its code points (n + 1 entries,
 * flag[n] set). NULL when out of memory. */
static bool *grapheme_starts(const char *utf8, size_t *n_out)
{
    size_t n;
    FriBidiChar *cp = decode(utf8, false, &n);
    if (!cp)
        return NULL;
    uint8_t *kind = malloc(n + 1), *width = malloc(n + 1);
    cluster *cl = malloc((n + 1) * sizeof *cl);
    bool *flag = calloc(n + 1, sizeof *flag);
    if (kind && width && cl && flag) {
        utf8_guard g;
        guard_enter(&g);
        classify(cp, n, &g, kind, width);
        guard_leave(&g);
        size_t nc = segment(cp, kind, width, n, cl);
        for (size_t k = 0; k < nc; k++)
            flag[cl[k].start] = true;
        flag[n] = true;
        *n_out = n;
    } else {
        free(flag);
        flag = NULL;
    }
    free(cp);
    free(kind);
    free(width);
    free(cl);
    return flag;
}

size_t pv_grapheme_next(const char *utf8, size_t pos)
{
    size_t n;
    bool *flag = grapheme_starts(utf8, &n);
    if (!flag)
        return pos + 1;
    size_t i = pos >= n ? n : pos + 1;
    while (i < n && !flag[i])
        i++;
    free(flag);
    return i;
}

size_t pv_grapheme_prev(const char *utf8, size_t pos)
{
    size_t n;
    bool *flag = grapheme_starts(utf8, &n);
    if (!flag)
        return pos ? pos - 1 : 0;
    if (pos > n)
        pos = n;
    size_t i = pos ? pos - 1 : 0;
    while (i > 0 && !flag[i])
        i--;
    free(flag);
    return i;
}

/* ---- isolates ---------------------------------------------------------------------- */

char *pv_bidi_isolate_dir(const char *text, pv_dir dir)
{
    static const char *const open[] = {
        [PV_DIR_AUTO] = "\xE2\x81\xA8", /* FSI */
        [PV_DIR_LTR] = "\xE2\x81\xA6",  /* LRI */
        [PV_DIR_RTL] = "\xE2\x81\xA7",  /* RLI */
    };
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t len = strlen((const char *)s);
    char *out = malloc(len + 7);
    if (!out)
        return NULL;
    memcpy(out, open[dir <= PV_DIR_RTL ? dir : PV_DIR_LTR], 3);
    size_t o = 3;
    for (size_t i = 0; i < len; i++) {
        /* U+202A-E (E2 80 AA-AE) and U+2066-9 (E2 81 A6-A9): dropped */
        if (s[i] == 0xE2 && i + 2 < len &&
            ((s[i + 1] == 0x80 && s[i + 2] >= 0xAA && s[i + 2] <= 0xAE) ||
             (s[i + 1] == 0x81 && s[i + 2] >= 0xA6 && s[i + 2] <= 0xA9))) {
            i += 2;
            continue;
        }
        out[o++] = (char)s[i];
    }
    memcpy(out + o, "\xE2\x81\xA9", 4); /* PDI and the NUL */
    return out;
}

char *pv_bidi_isolate(const char *ltr_text)
{
    return pv_bidi_isolate_dir(ltr_text, PV_DIR_LTR);
}
