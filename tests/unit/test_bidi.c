/* Unit tests of the bidi/layout layer (tui/bidi.h), without a terminal.
 *
 * Every expected cell was worked out by hand from the Unicode Bidirectional
 * Algorithm (UAX #9) and the Arabic presentation-form tables (U+FB50-FDFF,
 * U+FE70-FEFF; e.g. SEEN isolated/final/initial/medial = FEB1/FEB2/FEB3/FEB4),
 * never copied from the code's output. Cells are listed left to right as on
 * the screen; "@n" is the logical (code-point) index of the cell's base. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "bidi.h"

typedef struct want {
    const wchar_t *wc;
    size_t logical;
} want;

static const char *cell_str(const pv_cell *c, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < PV_CELL_WC && c->wc[k] && o + 8 < size; k++)
        o += (size_t)snprintf(buf + o, size - o, "%sU+%04X", k ? "+" : "", (unsigned)c->wc[k]);
    return buf;
}

static void expect_line(const pv_layout *l, size_t line, const want *w, size_t n)
{
    cr_assert_lt(line, l->n_lines, "line %zu missing (%zu lines)", line, l->n_lines);
    const pv_line *ln = &l->lines[line];
    cr_assert_eq(ln->n_cells, n, "line %zu: %zu cells, expected %zu", line, ln->n_cells, n);
    int width = 0;
    for (size_t i = 0; i < n; i++) {
        char got[64];
        cr_assert(wcscmp(ln->cells[i].wc, w[i].wc) == 0, "line %zu cell %zu: got %s, expected U+%04X...",
                  line, i, cell_str(&ln->cells[i], got, sizeof got), (unsigned)w[i].wc[0]);
        cr_assert_eq(ln->cells[i].logical, w[i].logical, "line %zu cell %zu: logical %zu, expected %zu",
                     line, i, ln->cells[i].logical, w[i].logical);
        width += ln->cells[i].width;
    }
    cr_assert_eq(ln->width, width, "line %zu: width %d, cells add up to %d", line, ln->width, width);
}

#define EXPECT_LINE(l, line, ...)                                      \
    do {                                                               \
        const want w_[] = {__VA_ARGS__};                               \
        expect_line((l), (line), w_, sizeof w_ / sizeof *w_);          \
    } while (0)

/* Cursor columns for positions 0..length of a one-line layout. */
static void expect_cols(const pv_layout *l, const int *cols, size_t n)
{
    cr_assert_eq(n, l->length + 1, "%zu columns given for %zu positions", n, l->length + 1);
    for (size_t p = 0; p < n; p++) {
        int line = -9, col = -9;
        pv_layout_cursor(l, p, &line, &col);
        cr_assert_eq(line, 0, "pos %zu: line %d", p, line);
        cr_assert_eq(col, cols[p], "pos %zu: column %d, expected %d", p, col, cols[p]);
    }
}

#define EXPECT_COLS(l, ...)                                            \
    do {                                                               \
        const int c_[] = {__VA_ARGS__};                                \
        expect_cols((l), c_, sizeof c_ / sizeof *c_);                  \
    } while (0)

static pv_layout *lay(const char *s, pv_dir dir, int width)
{
    pv_layout *l = pv_layout_text(s, dir, width);
    cr_assert_not_null(l);
    return l;
}

/* No code point of any cell may be one of these. */
static void expect_no_cp(const pv_layout *l, unsigned lo, unsigned hi)
{
    for (size_t i = 0; i < l->n_lines; i++)
        for (size_t c = 0; c < l->lines[i].n_cells; c++)
            for (size_t k = 0; k < PV_CELL_WC && l->lines[i].cells[c].wc[k]; k++) {
                unsigned cp = (unsigned)l->lines[i].cells[c].wc[k];
                cr_assert(cp < lo || cp > hi, "U+%04X drawn in line %zu cell %zu", cp, i, c);
            }
}

/* سلام: seen initial, lam medial, alef final, meem isolated (alef does not
 * join to the left); reversed on screen. */
Test(bidi, persian_word)
{
    pv_layout *l = lay("سلام", PV_DIR_AUTO, 0);
    cr_assert(l->rtl);
    cr_assert_not(l->neutral);
    cr_assert_eq(l->length, 4);
    cr_assert_eq(l->n_lines, 1);
    EXPECT_LINE(l, 0, {L"\uFEE1", 3}, {L"\uFE8E", 2}, {L"\uFEE0", 1}, {L"\uFEB3", 0});
    EXPECT_COLS(l, 3, 2, 1, 0, -1);
    pv_layout_free(l);
}

/* Latin inside an RTL paragraph stays left to right, placed to the left of
 * the Persian word that precedes it logically. نام: noon initial, alef
 * final, meem isolated. */
Test(bidi, latin_in_rtl)
{
    pv_layout *l = lay("نام John", PV_DIR_AUTO, 0);
    cr_assert(l->rtl);
    EXPECT_LINE(l, 0, {L"J", 4}, {L"o", 5}, {L"h", 6}, {L"n", 7}, {L" ", 3},
                {L"\uFEE1", 2}, {L"\uFE8E", 1}, {L"\uFEE7", 0});
    EXPECT_COLS(l, 7, 6, 5, 4, 0, 1, 2, 3, -1);
    pv_layout_free(l);
}

/* A Persian word inside an LTR paragraph: علی = ain initial, lam medial,
 * farsi yeh final, reversed in place. */
Test(bidi, persian_in_ltr)
{
    pv_layout *l = lay("Ali علی", PV_DIR_AUTO, 0);
    cr_assert_not(l->rtl);
    EXPECT_LINE(l, 0, {L"A", 0}, {L"l", 1}, {L"i", 2}, {L" ", 3},
                {L"\uFBFD", 6}, {L"\uFEE0", 5}, {L"\uFECB", 4});
    EXPECT_COLS(l, 0, 1, 2, 3, 6, 5, 4, 7);
    pv_layout_free(l);
}

/* Persian digits are European numbers: ۱۴۰۳ reads left to right, to the
 * left of سال (seen initial, alef final, lam isolated). */
Test(bidi, digits_in_persian)
{
    pv_layout *l = lay("سال ۱۴۰۳", PV_DIR_AUTO, 0);
    cr_assert(l->rtl);
    EXPECT_LINE(l, 0, {L"\u06F1", 4}, {L"\u06F4", 5}, {L"\u06F0", 6}, {L"\u06F3", 7}, {L" ", 3},
                {L"\uFEDD", 2}, {L"\uFE8E", 1}, {L"\uFEB3", 0});
    EXPECT_COLS(l, 7, 6, 5, 4, 0, 1, 2, 3, -1);
    pv_layout_free(l);
}

/* ZWNJ draws no cell; the letter before it takes its final form (yeh joins
 * meem before it, not khah after it) and the one after its initial form. */
Test(bidi, zwnj)
{
    const char *s = "می\u200cخواهم";
    pv_layout *l = lay(s, PV_DIR_AUTO, 0);
    cr_assert_eq(l->length, 8);
    EXPECT_LINE(l, 0, {L"\uFEE2", 7}, {L"\uFEEB", 6}, {L"\uFE8D", 5}, {L"\uFEEE", 4},
                {L"\uFEA7", 3}, {L"\uFBFD", 1}, {L"\uFEE3", 0});
    expect_no_cp(l, 0x200C, 0x200D);
    /* ZWNJ (pos 2) extends yeh: the cursor there is on yeh's cell */
    EXPECT_COLS(l, 6, 5, 5, 4, 3, 2, 1, 0, -1);
    cr_assert_eq(pv_grapheme_next(s, 1), 3);
    cr_assert_eq(pv_grapheme_prev(s, 3), 1);
    cr_assert_eq(pv_grapheme_prev(s, 2), 1);
    pv_layout_free(l);
}

/* ZWJ causes joining: a lone beh followed by ZWJ takes its initial form. */
Test(bidi, zwj)
{
    pv_layout *l = lay("ب\u200d", PV_DIR_AUTO, 0);
    EXPECT_LINE(l, 0, {L"\uFE91", 0});
    EXPECT_COLS(l, 0, 0, -1);
    pv_layout_free(l);
}

/* Harakat ride in their letter's cell (after it, as setcchar wants), and
 * the cursor never stops between a letter and its marks. بِسم: beh initial
 * + kasra, seen medial, meem final. */
Test(bidi, harakat)
{
    const char *s = "بِسم";
    pv_layout *l = lay(s, PV_DIR_AUTO, 0);
    EXPECT_LINE(l, 0, {L"\uFEE2", 3}, {L"\uFEB4", 2}, {L"\uFE91\u0650", 0});
    EXPECT_COLS(l, 2, 2, 1, 0, -1);
    cr_assert_eq(pv_grapheme_next(s, 0), 2);
    cr_assert_eq(pv_grapheme_prev(s, 2), 0);
    pv_layout_free(l);

    /* two marks (fatha, shadda) on an isolated beh: one cell */
    l = lay("بَّ", PV_DIR_AUTO, 0);
    EXPECT_LINE(l, 0, {L"\uFE8F\u064E\u0651", 0});
    EXPECT_COLS(l, 0, 0, 0, -1);
    pv_layout_free(l);

    /* a mark with no letter before it gets a dotted circle */
    l = lay("\u064Eabc", PV_DIR_LTR, 0);
    EXPECT_LINE(l, 0, {L"\u25CC\u064E", 0}, {L"a", 1}, {L"b", 2}, {L"c", 3});
    pv_layout_free(l);
}

/* Brackets are mirrored in RTL runs: the logical "(" at the right is drawn
 * as ")" and the whole stays enclosed on screen. الف: alef isolated, lam
 * initial, feh final. */
Test(bidi, brackets)
{
    pv_layout *l = lay("(الف)", PV_DIR_AUTO, 0);
    cr_assert(l->rtl);
    EXPECT_LINE(l, 0, {L"(", 4}, {L"\uFED2", 3}, {L"\uFEDF", 2}, {L"\uFE8D", 1}, {L")", 0});
    EXPECT_COLS(l, 4, 3, 2, 1, 0, -1);
    pv_layout_free(l);

    /* Latin in brackets after a Persian word: the pair resolves RTL (N0) */
    l = lay("نام (John)", PV_DIR_AUTO, 0);
    EXPECT_LINE(l, 0, {L"(", 9}, {L"J", 5}, {L"o", 6}, {L"h", 7}, {L"n", 8}, {L")", 4},
                {L" ", 3}, {L"\uFEE1", 2}, {L"\uFE8E", 1}, {L"\uFEE7", 0});
    pv_layout_free(l);

    /* in an LTR paragraph nothing is mirrored */
    l = lay("(abc)", PV_DIR_AUTO, 0);
    EXPECT_LINE(l, 0, {L"(", 0}, {L"a", 1}, {L"b", 2}, {L"c", 3}, {L")", 4});
    pv_layout_free(l);
}

/* Wrap first, then reorder: the first logical words are on the first line.
 * دنیا: dal isolated, noon initial, yeh medial, alef final; خوب: khah
 * initial, waw final, beh isolated. The space at the break hangs. */
Test(bidi, wrapping_rtl)
{
    pv_layout *l = lay("سلام دنیا خوب", PV_DIR_AUTO, 9);
    cr_assert_eq(l->n_lines, 2);
    EXPECT_LINE(l, 0, {L"\uFE8E", 8}, {L"\uFBFF", 7}, {L"\uFEE7", 6}, {L"\uFEA9", 5}, {L" ", 4},
                {L"\uFEE1", 3}, {L"\uFE8E", 2}, {L"\uFEE0", 1}, {L"\uFEB3", 0});
    EXPECT_LINE(l, 1, {L"\uFE8F", 12}, {L"\uFEEE", 11}, {L"\uFEA7", 10});
    cr_assert_eq(l->lines[0].start, 0);
    cr_assert_eq(l->lines[0].end, 10);
    cr_assert_eq(l->lines[1].start, 10);
    cr_assert_eq(l->lines[1].end, 13);
    cr_assert_eq(l->width, 9);
    int line, col;
    pv_layout_cursor(l, 9, &line, &col); /* the hanging space */
    cr_assert(line == 0 && col == -1, "space at the break: %d/%d", line, col);
    pv_layout_cursor(l, 10, &line, &col);
    cr_assert(line == 1 && col == 2, "start of line 2: %d/%d", line, col);
    pv_layout_cursor(l, 13, &line, &col);
    cr_assert(line == 1 && col == -1, "end: %d/%d", line, col);
    /* right-aligned in a 10-column field */
    cr_assert_eq(pv_line_offset(l, &l->lines[0], 10, true), 1);
    cr_assert_eq(pv_line_offset(l, &l->lines[1], 10, true), 7);
    cr_assert_eq(pv_line_offset(l, &l->lines[1], 10, false), 7);
    pv_layout_free(l);
}

/* Mixed: "John Smith" would be one LTR run if the paragraph were reordered
 * before wrapping, putting "Smith" on the first row. */
Test(bidi, wrapping_mixed)
{
    pv_layout *l = lay("سلام John Smith", PV_DIR_AUTO, 10);
    cr_assert_eq(l->n_lines, 2);
    EXPECT_LINE(l, 0, {L"J", 5}, {L"o", 6}, {L"h", 7}, {L"n", 8}, {L" ", 4},
                {L"\uFEE1", 3}, {L"\uFE8E", 2}, {L"\uFEE0", 1}, {L"\uFEB3", 0});
    EXPECT_LINE(l, 1, {L"S", 10}, {L"m", 11}, {L"i", 12}, {L"t", 13}, {L"h", 14});
    pv_layout_free(l);
}

Test(bidi, wrapping_ltr)
{
    pv_layout *l = lay("hello world foo", PV_DIR_AUTO, 11);
    cr_assert_eq(l->n_lines, 2);
    cr_assert_eq(l->lines[0].n_cells, 11);
    cr_assert_eq(l->lines[0].end, 12);
    EXPECT_LINE(l, 1, {L"f", 12}, {L"o", 13}, {L"o", 14});
    int line, col;
    pv_layout_cursor(l, 11, &line, &col);
    cr_assert(line == 0 && col == 11, "hanging space, LTR: %d/%d", line, col);
    pv_layout_free(l);

    /* a word longer than the line is broken between characters */
    l = lay("abcdefgh", PV_DIR_LTR, 3);
    cr_assert_eq(l->n_lines, 3);
    EXPECT_LINE(l, 0, {L"a", 0}, {L"b", 1}, {L"c", 2});
    EXPECT_LINE(l, 1, {L"d", 3}, {L"e", 4}, {L"f", 5});
    EXPECT_LINE(l, 2, {L"g", 6}, {L"h", 7});
    pv_layout_free(l);

    /* wide characters take two columns and do not split */
    l = lay("漢字", PV_DIR_AUTO, 3);
    cr_assert_eq(l->n_lines, 2);
    EXPECT_LINE(l, 0, {L"\u6F22", 0});
    EXPECT_LINE(l, 1, {L"\u5B57", 1});
    cr_assert_eq(l->lines[0].cells[0].width, 2);
    cr_assert_eq(l->lines[0].width, 2);
    pv_layout_free(l);
}

/* '\n' is a hard break when wrapping (the direction is the whole text's);
 * on one line it is a space. سطر: seen initial, tah medial, reh final. */
Test(bidi, hard_breaks)
{
    pv_layout *l = lay("سطر\nline", PV_DIR_AUTO, 20);
    cr_assert(l->rtl);
    cr_assert_eq(l->n_lines, 2);
    EXPECT_LINE(l, 0, {L"\uFEAE", 2}, {L"\uFEC4", 1}, {L"\uFEB3", 0});
    EXPECT_LINE(l, 1, {L"l", 4}, {L"i", 5}, {L"n", 6}, {L"e", 7});
    cr_assert_eq(l->lines[0].end, 4);
    int line, col;
    pv_layout_cursor(l, 3, &line, &col);
    cr_assert(line == 0 && col == -1, "the break: %d/%d", line, col);
    pv_layout_cursor(l, 8, &line, &col);
    cr_assert(line == 1 && col == -1, "end: %d/%d", line, col);
    cr_assert_eq(pv_line_offset(l, &l->lines[1], 20, false), 16);
    pv_layout_free(l);

    l = lay("a\nb", PV_DIR_AUTO, 0);
    cr_assert_eq(l->n_lines, 1);
    EXPECT_LINE(l, 0, {L"a", 0}, {L" ", 1}, {L"b", 2});
    pv_layout_free(l);

    l = lay("a\n", PV_DIR_AUTO, 5);
    cr_assert_eq(l->n_lines, 2);
    cr_assert_eq(l->lines[1].n_cells, 0);
    pv_layout_cursor(l, 2, &line, &col);
    cr_assert(line == 1 && col == 0, "after a final break: %d/%d", line, col);
    pv_layout_free(l);
}

/* A phone number isolated inside Persian keeps its groups in order. تلفن:
 * teh initial, lam medial, feh medial, noon final. */
Test(bidi, phone_isolated)
{
    char *iso = pv_bidi_isolate("0912-345-6789");
    cr_assert_not_null(iso);
    cr_assert_str_eq(iso, "\u2066" "0912-345-6789" "\u2069");
    char text[64];
    snprintf(text, sizeof text, "تلفن %s", iso);
    free(iso);
    pv_layout *l = lay(text, PV_DIR_AUTO, 0);
    cr_assert(l->rtl);
    cr_assert_eq(l->length, 20);
    EXPECT_LINE(l, 0, {L"0", 6}, {L"9", 7}, {L"1", 8}, {L"2", 9}, {L"-", 10},
                {L"3", 11}, {L"4", 12}, {L"5", 13}, {L"-", 14},
                {L"6", 15}, {L"7", 16}, {L"8", 17}, {L"9", 18}, {L" ", 4},
                {L"\uFEE6", 3}, {L"\uFED4", 2}, {L"\uFEE0", 1}, {L"\uFE97", 0});
    expect_no_cp(l, 0x2066, 0x2069);
    pv_layout_free(l);

    /* why: without the isolate the digits after an Arabic letter are Arabic
     * numbers (W2), the hyphens stay neutral and the groups swap */
    l = lay("تلفن 0912-345-6789", PV_DIR_AUTO, 0);
    cr_assert_eq(l->lines[0].cells[0].wc[0], L'6');
    cr_assert_eq(l->lines[0].cells[0].logical, 14);
    pv_layout_free(l);
}

/* لا stays two cells (lam initial, alef final): no ligature (U+FEF5-FEFC)
 * and no filler (U+FEFF). */
Test(bidi, lam_alef)
{
    pv_layout *l = lay("لا", PV_DIR_AUTO, 0);
    EXPECT_LINE(l, 0, {L"\uFE8E", 1}, {L"\uFEDF", 0});
    EXPECT_COLS(l, 1, 0, -1);
    expect_no_cp(l, 0xFEF5, 0xFEFF);
    pv_layout_free(l);

    l = lay("سلا", PV_DIR_AUTO, 0); /* lam medial before alef */
    EXPECT_LINE(l, 0, {L"\uFE8E", 2}, {L"\uFEE0", 1}, {L"\uFEB3", 0});
    expect_no_cp(l, 0xFEF5, 0xFEFF);
    pv_layout_free(l);
}

/* Every logical position of a mixed string. Digits after Latin are left to
 * right with it (W7), so "abc ۱۲" is one LTR run left of کد (keheh initial,
 * dal final). */
Test(bidi, cursor_mixed)
{
    const char *s = "کد abc ۱۲";
    pv_layout *l = lay(s, PV_DIR_AUTO, 0);
    cr_assert(l->rtl);
    EXPECT_LINE(l, 0, {L"a", 3}, {L"b", 4}, {L"c", 5}, {L" ", 6}, {L"\u06F1", 7}, {L"\u06F2", 8},
                {L" ", 2}, {L"\uFEAA", 1}, {L"\uFB90", 0});
    EXPECT_COLS(l, 8, 7, 6, 0, 1, 2, 3, 4, 5, -1);
    /* positions past the end clamp to the end */
    int line, col;
    pv_layout_cursor(l, 99, &line, &col);
    cr_assert(line == 0 && col == -1);
    /* a cursor walk by graphemes visits every position here */
    size_t p = 0, steps = 0;
    while (p < l->length) {
        size_t q = pv_grapheme_next(s, p);
        cr_assert_eq(q, p + 1);
        cr_assert_eq(pv_grapheme_prev(s, q), p);
        p = q;
        steps++;
    }
    cr_assert_eq(steps, 9);
    cr_assert_eq(pv_grapheme_next(s, 9), 9);
    cr_assert_eq(pv_grapheme_prev(s, 0), 0);
    pv_layout_free(l);

    /* LTR base: the Persian word's cursor runs right to left */
    l = lay("id: علی", PV_DIR_LTR, 0);
    EXPECT_COLS(l, 0, 1, 2, 3, 6, 5, 4, 7);
    pv_layout_free(l);
}

/* Controls, escapes, malformed bytes, overrides: never reach the screen. */
Test(bidi, controls_neutralised)
{
    pv_layout *l = lay("a\x1b[31mb\x7f\xc2\x9b\xff\tc", PV_DIR_AUTO, 0);
    cr_assert_not(l->rtl);
    EXPECT_LINE(l, 0, {L"a", 0}, {L"\uFFFD", 1}, {L"[", 2}, {L"3", 3}, {L"1", 4}, {L"m", 5},
                {L"b", 6}, {L"\uFFFD", 7}, {L"\uFFFD", 8}, {L"\uFFFD", 9}, {L" ", 10}, {L"c", 11});
    pv_layout_free(l);

    /* a stored RIGHT-TO-LEFT OVERRIDE has no effect and no cell */
    l = lay("x\u202Eabc", PV_DIR_AUTO, 0);
    EXPECT_LINE(l, 0, {L"x", 0}, {L"a", 2}, {L"b", 3}, {L"c", 4});
    pv_layout_free(l);

    /* LRM, RLM, BOM, ZWSP draw nothing */
    l = lay("\uFEFFa\u200Eb\u200Fc\u200Bd", PV_DIR_LTR, 0);
    EXPECT_LINE(l, 0, {L"a", 1}, {L"b", 3}, {L"c", 5}, {L"d", 7});
    EXPECT_COLS(l, 0, 0, 0, 1, 1, 2, 2, 3, 4);
    pv_layout_free(l);
}

Test(bidi, empty)
{
    pv_layout *l = lay("", PV_DIR_AUTO, 0);
    cr_assert_eq(l->length, 0);
    cr_assert_eq(l->n_lines, 1);
    cr_assert_eq(l->lines[0].n_cells, 0);
    cr_assert(l->rtl, "no strong character: RTL");
    cr_assert(l->neutral);
    EXPECT_COLS(l, -1);
    /* Persian interface: the cursor at the right edge of a 10-column field */
    cr_assert_eq(pv_line_offset(l, &l->lines[0], 10, true) - 1, 9);
    /* English interface: at the left edge */
    cr_assert_eq(pv_line_offset(l, &l->lines[0], 10, false) - 1, 0);
    pv_layout_free(l);

    l = lay(NULL, PV_DIR_LTR, 5);
    cr_assert_eq(l->length, 0);
    cr_assert_not(l->rtl);
    EXPECT_COLS(l, 0);
    pv_layout_free(l);
    cr_assert_eq(pv_grapheme_next("", 0), 0);
    cr_assert_eq(pv_grapheme_prev("", 0), 0);
}

/* Truncated in logical order, ellipsis at the logical end; the letter
 * before it takes its final form (lam final FEDE). */
Test(bidi, fit)
{
    pv_layout *l = pv_layout_fit("سلام", PV_DIR_AUTO, 3);
    cr_assert_not_null(l);
    EXPECT_LINE(l, 0, {L"\u2026", 2}, {L"\uFEDE", 1}, {L"\uFEB3", 0});
    pv_layout_free(l);

    /* the space before the cut is dropped */
    l = pv_layout_fit("سلام دنیا", PV_DIR_AUTO, 6);
    EXPECT_LINE(l, 0, {L"\u2026", 4}, {L"\uFEE1", 3}, {L"\uFE8E", 2}, {L"\uFEE0", 1},
                {L"\uFEB3", 0});
    pv_layout_free(l);

    l = pv_layout_fit("abcdef", PV_DIR_AUTO, 4);
    EXPECT_LINE(l, 0, {L"a", 0}, {L"b", 1}, {L"c", 2}, {L"\u2026", 3});
    pv_layout_free(l);

    /* it fits: untouched */
    l = pv_layout_fit("abc", PV_DIR_AUTO, 3);
    EXPECT_LINE(l, 0, {L"a", 0}, {L"b", 1}, {L"c", 2});
    pv_layout_free(l);

    /* the direction comes from the whole text, not from what is kept */
    l = pv_layout_fit("123 456 abc", PV_DIR_AUTO, 6);
    cr_assert_not(l->rtl);
    cr_assert_not(l->neutral);
    EXPECT_LINE(l, 0, {L"1", 0}, {L"2", 1}, {L"3", 2}, {L" ", 3}, {L"4", 4}, {L"\u2026", 5});
    pv_layout_free(l);

    /* harakat are never split from their letter; newlines are spaces */
    l = pv_layout_fit("بِسم\nabc", PV_DIR_AUTO, 3);
    EXPECT_LINE(l, 0, {L"\u2026", 3}, {L"\uFEB2", 2}, {L"\uFE91\u0650", 0});
    pv_layout_free(l);

    l = pv_layout_fit("漢字", PV_DIR_AUTO, 2);
    EXPECT_LINE(l, 0, {L"\u2026", 0});
    pv_layout_free(l);
}

/* Alignment: by the paragraph's direction; neutral text by the interface,
 * keeping a column for the end-of-text cursor. */
Test(bidi, line_offset)
{
    pv_layout *l = lay("abc", PV_DIR_AUTO, 0);
    cr_assert_eq(pv_line_offset(l, &l->lines[0], 10, true), 0);
    cr_assert_eq(pv_line_offset(l, &l->lines[0], 10, false), 0);
    pv_layout_free(l);

    l = lay("سلام", PV_DIR_AUTO, 0);
    cr_assert_eq(pv_line_offset(l, &l->lines[0], 10, false), 6);
    pv_layout_free(l);

    /* an ID in an LTR field: right-aligned in Persian with the cursor cell
     * right of it, left-aligned in English */
    l = lay("۱۲۳", PV_DIR_LTR, 0);
    cr_assert(l->neutral);
    cr_assert_eq(pv_line_offset(l, &l->lines[0], 10, true), 6);
    cr_assert_eq(pv_line_offset(l, &l->lines[0], 10, false), 0);
    int col;
    pv_layout_cursor(l, 3, NULL, &col);
    cr_assert_eq(6 + col, 9);
    /* a full field has no room to spare */
    cr_assert_eq(pv_line_offset(l, &l->lines[0], 3, true), 0);
    pv_layout_free(l);
}

Test(bidi, line_utf8)
{
    pv_layout *l = lay("بِسم abc", PV_DIR_AUTO, 0);
    char buf[64];
    size_t n = pv_line_utf8(&l->lines[0], buf, sizeof buf);
    /* abc, space, meem final, seen medial, beh initial + kasra */
    cr_assert_str_eq(buf, "abc \uFEE2\uFEB4\uFE91\u0650");
    cr_assert_eq(n, strlen(buf));
    /* truncated at a cell boundary: beh and its kasra go together */
    n = pv_line_utf8(&l->lines[0], buf, 11);
    cr_assert_str_eq(buf, "abc \uFEE2\uFEB4");
    cr_assert_eq(n, 10);
    pv_layout_free(l);
}

Test(bidi, isolate)
{
    char *s = pv_bidi_isolate_dir("علی", PV_DIR_AUTO);
    cr_assert_str_eq(s, "\u2068علی\u2069");
    free(s);
    s = pv_bidi_isolate_dir("x", PV_DIR_RTL);
    cr_assert_str_eq(s, "\u2067x\u2069");
    free(s);
    /* controls inside cannot break out of the isolate */
    s = pv_bidi_isolate("a\u202Eb\u2069c\u2066");
    cr_assert_str_eq(s, "\u2066abc\u2069");
    free(s);
    s = pv_bidi_isolate(NULL);
    cr_assert_str_eq(s, "\u2066\u2069");
    free(s);

    /* an isolate at the start does not decide the paragraph direction (P2) */
    pv_layout *l = lay("\u2066abc\u2069 سلام", PV_DIR_AUTO, 0);
    cr_assert(l->rtl);
    EXPECT_LINE(l, 0, {L"\uFEE1", 9}, {L"\uFE8E", 8}, {L"\uFEE0", 7}, {L"\uFEB3", 6}, {L" ", 5},
                {L"a", 1}, {L"b", 2}, {L"c", 3});
    pv_layout_free(l);
}

/* The same results whatever the process locale (the interface sets the
 * user's; tests start in "C"). */
Test(bidi, locale_independent)
{
    const char *samples[] = {"سلام", "می\u200cخواهم", "漢字 abc", "بِسم"};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        setlocale(LC_ALL, "C");
        pv_layout *a = lay(samples[i], PV_DIR_AUTO, 4);
        cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
        pv_layout *b = lay(samples[i], PV_DIR_AUTO, 4);
        cr_assert_eq(a->n_lines, b->n_lines);
        for (size_t k = 0; k < a->n_lines; k++) {
            cr_assert_eq(a->lines[k].n_cells, b->lines[k].n_cells);
            cr_assert_eq(a->lines[k].width, b->lines[k].width);
            for (size_t c = 0; c < a->lines[k].n_cells; c++)
                cr_assert(wcscmp(a->lines[k].cells[c].wc, b->lines[k].cells[c].wc) == 0);
        }
        pv_layout_free(a);
        pv_layout_free(b);
    }
    setlocale(LC_ALL, "C");
}

/* Invariants over many generated strings: lines partition the text, widths
 * add up and respect the box, no invisible or control character is drawn,
 * every cursor position is on its line, grapheme steps round-trip. */
Test(bidi, invariants)
{
    static const char *const atoms[] = {
        "a", "b", " ", "س", "ل", "ا", "م", "ی", "\u200c", "\u200d", "\u064e", "\u0651", "(",
        ")", "1", "۲", "-", "\n", "\t", "\x01", "\u202e", "\u2066", "\u2069", "\u200f", "漢",
        "\xff", "\xe2\x82", "ـ", "لا", "\u0301", "."};
    const size_t n_atoms = sizeof atoms / sizeof *atoms;
    unsigned seed = 12345;
    for (int it = 0; it < 3000; it++) {
        char buf[256] = "";
        seed = seed * 1103515245u + 12345u;
        int n = (int)(seed >> 16) % 16;
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            strcat(buf, atoms[(seed >> 16) % n_atoms]);
        }
        int width = (int)(seed >> 8) % 9; /* 0: no wrap */
        pv_dir dir = (pv_dir)((seed >> 4) % 3);
        pv_layout *l = lay(buf, dir, width);
        size_t end = 0;
        for (size_t i = 0; i < l->n_lines; i++) {
            const pv_line *ln = &l->lines[i];
            cr_assert_eq(ln->start, end, "[%s] line %zu starts at %zu", buf, i, ln->start);
            end = ln->end;
            int w = 0;
            for (size_t c = 0; c < ln->n_cells; c++) {
                const pv_cell *ce = &ln->cells[c];
                w += ce->width;
                cr_assert(ce->logical >= ln->start && ce->logical < ln->end);
                for (size_t k = 0; k < PV_CELL_WC && ce->wc[k]; k++) {
                    unsigned cp = (unsigned)ce->wc[k];
                    cr_assert(cp >= 0x20 && !(cp >= 0x7F && cp <= 0x9F) && cp != 0x200C &&
                                  cp != 0x200D && cp != 0x200F && !(cp >= 0x202A && cp <= 0x202E) &&
                                  !(cp >= 0x2066 && cp <= 0x2069),
                              "[%s] U+%04X drawn", buf, cp);
                }
            }
            cr_assert_eq(w, ln->width);
            if (width > 0 && ln->n_cells > 1)
                cr_assert_leq(w, width, "[%s] line %zu is %d wide in %d", buf, i, w, width);
        }
        cr_assert_eq(end, l->length);
        for (size_t p = 0; p <= l->length; p++) {
            int line, col;
            pv_layout_cursor(l, p, &line, &col);
            cr_assert(line >= 0 && (size_t)line < l->n_lines);
            cr_assert(col >= -1 && col <= l->lines[line].width);
        }
        size_t p = 0;
        while (p < l->length) {
            size_t q = pv_grapheme_next(buf, p);
            cr_assert_gt(q, p);
            cr_assert_eq(pv_grapheme_prev(buf, q), p);
            p = q;
        }
        pv_layout_free(l);
    }
}
