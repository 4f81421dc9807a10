/* parvande — drawing text into the curses screen, mirrored for Persian.
 *
 * Every string goes through the bidi layer (bidi.h) and is drawn cell by
 * cell with setcchar/mvadd_wch. Positions are LOGICAL: x counts from the
 * interface's start edge (the right edge in Persian, the left in English),
 * so a screen written once comes out mirrored in Persian: labels on the
 * right with their fields to the left, lists read right to left.
 * In the Persian interface ASCII digits become Persian digits before
 * layout; text from the database (PV_T_DATA) is sanitised first. */
#ifndef PARVANDE_TUI_DRAW_H
#define PARVANDE_TUI_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bidi.h"

typedef enum pv_style {
    PV_ST_TEXT = 0,
    PV_ST_TITLE,     /* the top line */
    PV_ST_SELECTED,  /* the selected row of a list */
    PV_ST_LABEL,     /* a field's label */
    PV_ST_HEADING,   /* a section's heading */
    PV_ST_FIELD,     /* an input field */
    PV_ST_FOCUS,     /* the input field being edited */
    PV_ST_ERROR,     /* ✗, failures, the status line's errors */
    PV_ST_OK,        /* ✓ */
    PV_ST_BARKEY,    /* the number in the function-key bar */
    PV_ST_BARLABEL,  /* the label in the function-key bar */
    PV_ST_DIM,       /* secondary text */
    PV_ST__COUNT
} pv_style;

/* How to draw: the interface's direction and the terminal's abilities.
 * Plain values, held by the interface's context. */
typedef struct pv_draw {
    bool rtl;            /* Persian interface: mirrored, Persian digits */
    bool color;          /* colour pairs set up by pv_term_start */
    int cols, rows;      /* the screen's size */
    const void *hide_map;   /* the key map hide_fkeys is for (pv_keys_hide) */
    unsigned hide_fkeys;    /* F-keys (bit n: Fn) not shown in that map's bar */
} pv_draw;

/* Flags for text. */
enum {
    PV_T_DATA = 1u << 0,   /* from the database: sanitise (no controls, no overrides) */
    PV_T_LTR = 1u << 1,    /* paragraph LTR (IDs, phones, dates, money) */
    PV_T_RTL = 1u << 2,    /* paragraph RTL; neither: from the first strong character */
    PV_T_END = 1u << 3,    /* align to the interface's end side */
    PV_T_CENTER = 1u << 4,
    PV_T_ASCII = 1u << 5,  /* keep ASCII digits (key names such as F1) */
    PV_T_UI = 1u << 6,     /* paragraph in the interface's direction (numbering "1.") */
};

/* Screen column of a logical box [x, x+w). */
int pv_draw_col(const pv_draw *d, int x, int w);

/* curses attributes (with the colour pair) of a style. */
unsigned long pv_draw_attr(const pv_draw *d, pv_style s);

/* Fills a logical box on row y with blanks in a style. */
void pv_draw_fill(const pv_draw *d, int y, int x, int w, pv_style s);

/* Text as the interface shows it: sanitised if PV_T_DATA, Persian digits
 * in the Persian interface unless PV_T_ASCII. Newly allocated (caller
 * frees), NULL when out of memory. */
char *pv_draw_prepare(const pv_draw *d, const char *text, unsigned flags);

/* The columns text takes on one line as pv_draw_text would show it
 * (prepared with flags, shaped, uncut); strlen(text) when out of memory. */
int pv_draw_width(const pv_draw *d, const char *text, unsigned flags);

/* Draws text on one line in the logical box [x, x+w) of row y, cut in
 * logical order with an ellipsis when it does not fit; the rest of the box
 * is filled with the style. Returns the columns the text took. */
int pv_draw_text(const pv_draw *d, int y, int x, int w, const char *text, unsigned flags,
                 pv_style s);

/* Draws text wrapped (in logical order) into at most max_rows rows from y.
 * Returns the rows used. rows_needed (may be NULL) receives how many the
 * whole text would take. */
int pv_draw_wrapped(const pv_draw *d, int y, int x, int w, int max_rows, const char *text,
                    unsigned flags, pv_style s, int *rows_needed);

/* Rows a text would take when wrapped into w columns. */
int pv_draw_wrapped_rows(const pv_draw *d, int w, const char *text, unsigned flags);

/* Draws an edited one-line field with the cursor at logical code-point
 * position `cursor`, scrolled so the cursor shows. *cur_y / *cur_x receive
 * the screen position for the terminal's cursor. `mask` (non-zero)
 * replaces every character by it (passwords). */
void pv_draw_edit(const pv_draw *d, int y, int x, int w, const char *text, size_t cursor,
                  unsigned flags, pv_style s, wchar_t mask, int *cur_y, int *cur_x);

/* The same for a text of several lines wrapped into `rows` rows (a note),
 * scrolled so the cursor's line shows. */
void pv_draw_edit_wrapped(const pv_draw *d, int y, int x, int w, int rows, const char *text,
                          size_t cursor, unsigned flags, pv_style s, int *cur_y, int *cur_x);

/* Money in rials with a thousands separator ("12,500,000"; Persian digits
 * and the Arabic thousands separator in the Persian interface). */
void pv_draw_money(const pv_draw *d, int64_t rials, char *out, size_t size);

/* An ISO date as the interface shows it: Jalali "1403/07/15"; "" for "". */
void pv_draw_date(const char *iso, char *out, size_t size);

/* A frame around a logical box (rows y..y+h-1), with a title at its top. */
void pv_draw_box(const pv_draw *d, int y, int x, int h, int w, const char *title);

#endif
