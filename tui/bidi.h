/* parvande — the bidi/layout layer: every string the interface draws goes
 * through here (RTL.md). It turns UTF-8 text into terminal cells in VISUAL
 * order (left to right on the screen), already shaped (Arabic presentation
 * forms) and mirrored, wrapped in logical order, with the cursor of an
 * editor mapped through the reorder map. It does not draw: no curses here.
 *
 * Pipeline of pv_layout_text, per paragraph (hard line break):
 *   sanitise -> fribidi_get_bidi_types -> fribidi_get_bracket_types ->
 *   fribidi_get_par_embedding_levels_ex -> fribidi_join_arabic ->
 *   fribidi_shape(MIRRORING | ARAB_PRES, no lam-alef ligature) ->
 *   wrap in logical order at spaces (wcwidth) ->
 *   per line fribidi_reorder_line(REORDER_NSM) -> cells in map order.
 *
 * Positions ("logical", "pos") are CODE-POINT indices into the UTF-8 input
 * (a malformed byte counts as one code point and is shown as U+FFFD).
 * Column widths come from wcwidth() in a UTF-8 locale (C.UTF-8 is used for
 * the measure when the process locale is not UTF-8).
 *
 * Typical drawing code (ncursesw), for a field at screen (y, x), W wide:
 *     pv_layout *l = pv_layout_text(s, PV_DIR_AUTO, W);
 *     for (size_t i = 0; i < l->n_lines; i++) {
 *         const pv_line *ln = &l->lines[i];
 *         int cx = x + pv_line_offset(l, ln, W, rtl_ui);
 *         for (size_t c = 0; c < ln->n_cells; c++) {
 *             cchar_t cc; setcchar(&cc, ln->cells[c].wc, attr, 0, NULL);
 *             mvadd_wch(y + (int)i, cx, &cc); cx += ln->cells[c].width;
 *         }
 *     }
 *     pv_layout_free(l);
 * Digits: convert ASCII digits to Persian ones (pv_digits_persian, in
 * parvande/text.h) BEFORE layout in the Persian interface; both kinds are
 * European numbers for the bidi algorithm, so the order is the same. */
#ifndef PARVANDE_TUI_BIDI_H
#define PARVANDE_TUI_BIDI_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* Paragraph direction. AUTO: from the first strong character; RTL when
 * there is none (FRIBIDI_PAR_WRTL). Names, addresses, notes: AUTO.
 * National IDs, phones, dates, money, e-mail: LTR. */
typedef enum pv_dir { PV_DIR_AUTO, PV_DIR_LTR, PV_DIR_RTL } pv_dir;

/* Characters per cell: base + up to 4 combining marks + NUL (marks beyond
 * the fourth are dropped from the cell, never from the text). */
#define PV_CELL_WC 6

/* One terminal cell (or two columns for a wide character). */
typedef struct pv_cell {
    wchar_t wc[PV_CELL_WC]; /* base then its combining marks (harakat),
                               NUL-terminated: ready for setcchar() */
    int width;              /* columns: 1 or 2 */
    size_t logical;         /* code-point index of the base character in
                               the input (for pv_layout_fit's ellipsis:
                               the index where the text was cut) */
} pv_cell;

/* One screen line; cells are in visual order, cells[0] is leftmost. */
typedef struct pv_line {
    pv_cell *cells;  /* owned by the layout */
    size_t n_cells;
    int width;       /* sum of the cells' widths */
    size_t start;    /* logical range [start, end) of code points on this
                        line, including the spaces it was broken at and
                        its hard line break, which draw no cell */
    size_t end;
} pv_line;

/* A laid-out text. Read the public fields; the rest is private. */
typedef struct pv_layout {
    pv_line *lines;  /* at least one line, even for "" (0 cells) */
    size_t n_lines;
    bool rtl;        /* resolved paragraph direction */
    bool neutral;    /* no strong character at all (digits, punctuation,
                        ""): pv_line_offset aligns it by the interface */
    size_t length;   /* code points of the text laid out */
    int width;       /* widest line */
    /* private: the cursor map (positions 0..length) and the cell block */
    int *cur_line;
    int *cur_col;
    pv_cell *cell_block;
} pv_layout;

/* Lays out UTF-8 text in a box `width` columns wide.
 * - width > 0: wraps in logical order at spaces (a word longer than the
 *   line is broken between characters); the spaces at a break hang (no
 *   cell); '\n' is a hard break (a new bidi paragraph, same direction).
 * - width <= 0: one line, no wrapping; '\n' is shown as a space.
 * Direction: resolved ONCE for the whole text (first strong character of
 * the whole text for AUTO), so every line of a note aligns the same way.
 * Sanitising: C0/C1 controls, DEL, malformed bytes and unprintable code
 * points become U+FFFD; a tab is a space. Embedding/override controls
 * (U+202A-E) are neutralised: they have no effect, so stored text can never
 * reverse what follows. Isolates (U+2066-9, see pv_bidi_isolate) DO work.
 * Invisible format characters draw no cell: ZWNJ, ZWJ, LRM, RLM, ALM,
 * U+202A-E, U+2066-9, U+FEFF and other boundary neutrals (ZWSP, WJ, SHY).
 * ZWNJ still breaks joining and ZWJ still causes it.
 * Shaping: Arabic letters become their presentation forms (one code point
 * per cell; lam-alef stays two cells, no ligature); brackets and other
 * mirrored characters are mirrored in right-to-left runs. Combining marks
 * (harakat) ride in their base letter's cell; a mark with no base gets
 * U+25CC (dotted circle) as its base.
 * Returns a layout the caller frees with pv_layout_free, or NULL only when
 * out of memory (or the text is 256 MiB or more). utf8 NULL is treated as
 * "". Thread-safe; about 5-10 us for a 40-character name. */
pv_layout *pv_layout_text(const char *utf8, pv_dir dir, int width);

/* Truncates in LOGICAL order to fit `width` columns on one line, ending with
 * an ellipsis (U+2026) when something was cut (trailing spaces before it are
 * dropped), then lays out (no wrap; the direction is resolved on the whole
 * text before cutting). For list cells and labels. width <= 0: no cut.
 * Same ownership and NULL return as pv_layout_text. */
pv_layout *pv_layout_fit(const char *utf8, pv_dir dir, int width);

/* Frees a layout (NULL is fine). */
void pv_layout_free(pv_layout *l);

/* Where an editor draws its cursor for logical position pos (0..length;
 * larger values mean length): *line is the line index, *col the column
 * counted from the LEFT of that line's own cells (add pv_line_offset to get
 * the field column). The cursor sits ON the cell of the grapheme that starts
 * at pos (pos is first snapped back to a grapheme boundary: ZWNJ, ZWJ and
 * harakat extend the previous character). At the end of the text, or on a
 * position that draws no cell (a hanging space, a hard line break), it sits
 * one cell past the end of the line in the paragraph's direction: col ==
 * line width in LTR, col == -1 (one cell LEFT of the text) in RTL. So an
 * editable field W wide should be laid out in W - 1 columns, leaving room
 * for that cell. Either pointer may be NULL. */
void pv_layout_cursor(const pv_layout *l, size_t pos, int *line, int *col);

/* Grapheme boundaries of UTF-8 text, in code points, for moving a logical
 * cursor. A grapheme is a base character with the combining marks and
 * invisible format characters (ZWNJ, ZWJ, marks, isolates...) that follow
 * it; leading invisible characters belong to the first grapheme; '\n' is a
 * grapheme of its own. next: the first boundary after pos (at most the
 * length). prev: the last boundary before pos (at least 0). */
size_t pv_grapheme_next(const char *utf8, size_t pos);
size_t pv_grapheme_prev(const char *utf8, size_t pos);

/* The column, within a field `field_width` wide, where `line`'s cells[0] is
 * drawn (negative when the line is wider than the field); the cursor's
 * field column is this offset + the col of pv_layout_cursor.
 * Alignment follows the PARAGRAPH's direction (as HTML dir=auto with
 * text-align:start): RTL text is right-aligned (offset field_width - line
 * width), LTR text left-aligned (offset 0). Text with no strong character
 * (l->neutral: numbers, IDs, dates, punctuation, "") aligns to the
 * INTERFACE's start side instead (rtl_interface: right). When a line is
 * aligned against its own direction (neutral text), one free column is kept,
 * if the field has room, on the side where the end-of-text cursor is drawn
 * (right of an LTR line, left of an RTL line), so the cursor stays inside
 * the field. */
int pv_line_offset(const pv_layout *l, const pv_line *line, int field_width,
                   bool rtl_interface);

/* The line's cells as UTF-8 in visual order (marks after their base), for
 * screen tests and logs. Writes into out (size bytes, NUL-terminated;
 * truncated at a cell boundary). Returns the bytes written. */
size_t pv_line_utf8(const pv_line *line, char *out, size_t size);

/* Wraps a fragment in Unicode isolates so it keeps its own order inside
 * text of the other direction: "تلفن " + pv_bidi_isolate("0912-345-6789").
 * pv_bidi_isolate: LRI (U+2066) ... PDI (U+2069), for IDs, phones, dates,
 * money, e-mail. pv_bidi_isolate_dir: LRI for LTR, RLI (U+2067) for RTL,
 * FSI (U+2068, direction from the content) for AUTO: a Persian name inside
 * an English sentence. Bidi controls already in text are removed first, so
 * the fragment cannot escape its isolate. Returns a malloc'd string the
 * caller frees, or NULL when out of memory (text NULL is treated as ""). */
char *pv_bidi_isolate(const char *ltr_text);
char *pv_bidi_isolate_dir(const char *text, pv_dir dir);

#endif
