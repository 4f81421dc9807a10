/* parvande — key bindings as data. Each screen has ONE table of bindings,
 * each with its help text beside it; the function-key bar and the help
 * screen are generated from the tables, so they cannot disagree with what
 * the keys do. Texts are msgids, translated when drawn. */
#ifndef PARVANDE_TUI_KEYS_H
#define PARVANDE_TUI_KEYS_H

#include <stdbool.h>
#include <curses.h>
#include <stddef.h>

#include "draw.h"
#include "term.h"

typedef struct pv_binding {
    int key;             /* pv key code (term.h); 0 ends a table */
    int action;          /* what the screen does (its own enum); > 0 */
    const char *bar;     /* msgid: short label in the function-key bar, or NULL */
    const char *help;    /* msgid: what the key does, for the help screen */
} pv_binding;

/* Actions every screen shares (screens number theirs from PV_A_SCREEN). */
enum {
    PV_A_NONE = 0,
    PV_A_HELP,       /* F1 */
    PV_A_LANG,       /* F9: Persian <-> English */
    PV_A_QUIT,       /* F10 */
    PV_A_BACK,       /* Esc */
    PV_A_REDRAW,     /* Ctrl-L */
    /* the list widget (widget_list.c) */
    PV_A_UP = 20, PV_A_DOWN, PV_A_PGUP, PV_A_PGDN, PV_A_FIRST, PV_A_LAST,
    /* the form widget and its text editing (widget_form.c) */
    PV_A_NEXT_FIELD = 40, PV_A_PREV_FIELD, PV_A_LEFT, PV_A_RIGHT, PV_A_BOL, PV_A_EOL,
    PV_A_BACKSPACE, PV_A_DELETE, PV_A_ZWNJ, PV_A_CLEAR, PV_A_CHOICE_NEXT, PV_A_NEWLINE,
    PV_A_SCREEN = 100
};

/* A screen's key map: its own table first, then the shared tables of the
 * widgets it uses, NULL-terminated. The global table comes after all of
 * them, and the first binding of a key wins. */
typedef const pv_binding *const pv_keymap[];

/* The bindings every screen has. */
extern const pv_binding pv_keys_global[];
/* The list widget's keys (arrows, pages, first and last row). */
extern const pv_binding pv_keys_list[];
/* Text editing in a field (the search box uses them too). */
extern const pv_binding pv_keys_edit[];
/* Moving between a form's fields, and choice fields. */
extern const pv_binding pv_keys_form[];

/* The binding of `key` in a key map, else in the global table; NULL when
 * the key is not bound (then it is typed text or ignored). */
const pv_binding *pv_keys_lookup(const pv_binding *const *map, int key);

/* The binding that owns function key n (1..12); NULL if none. */
const pv_binding *pv_keys_fkey(const pv_binding *const *map, int n);

/* A key's name for the help screen and the bar ("F2", "Enter", "Ctrl-N",
 * "Shift-Tab"), translated where a language names keys differently. */
void pv_keys_name(int key, char *out, size_t size);

/* Draws the function-key bar on row y, starting from the interface's start
 * side (the right in Persian): the F-keys with a label, less those the
 * screen hid for this map (pv_keys_hide). */
void pv_keys_draw_bar(const pv_draw *d, int y, const pv_binding *const *map);

/* A screen hides F-keys its user's role cannot use (bit n: Fn) from the
 * bar of its key map; set in its draw, it applies only to that map. */
void pv_keys_hide(pv_draw *d, const pv_binding *const *map, unsigned fkeys);

/* Every binding a key map answers to that has help text, in table order,
 * skipping keys an earlier table already took, then the global ones, for
 * the help screen. Writes up to max pointers into out; returns the count. */
size_t pv_keys_collect(const pv_binding *const *map, const pv_binding **out, size_t max);

#endif
