/* parvande — the terminal under the interface: curses set-up, the explicit
 * bidi mode of RTL.md, colours or monochrome, keys, and restoring the
 * terminal on every way out (normal exit, SIGINT/SIGTERM/SIGHUP, and crash
 * signals, whose handler restores and then re-raises).
 *
 * Process-wide state: a signal handler cannot be handed a context, so the
 * little it needs (is the screen ours, the terminal modes to put back, the
 * restore sequences, which signal asked us to stop) lives in term.c, set by
 * pv_term_start and cleared by pv_term_stop. Everything else travels in
 * pv_term, which the interface's context holds. */
#ifndef PARVANDE_TUI_TERM_H
#define PARVANDE_TUI_TERM_H

#include <stdbool.h>

/* Keys as one int: a character is its code point; a curses function key
 * (KEY_F(1), KEY_UP, KEY_RESIZE...) is PV_KEY_FN | its code, so the two
 * ranges never collide (curses codes overlap Latin Extended-A). */
#define PV_KEY_FN 0x1000000
#define PV_KEY(code) (PV_KEY_FN | (code))
#define PV_KEY_CTRL(c) ((c) & 0x1f)
#define PV_KEY_NONE (-1)     /* nothing arrived before the timeout */
#define PV_KEY_ESC 27
/* Shift+Space, as some terminals send it (CSI 32;2u with the kitty or
 * fixterms protocols, or xterm's modifyOtherKeys "CSI 27;2;32~"). */
#define PV_KEY_SHIFT_SPACE (PV_KEY_FN | 0xfff0)

typedef struct pv_term {
    bool started;
    bool color;          /* colours in use: the terminal has them and NO_COLOR is unset */
    const char *warning; /* msgid of the one-time warning (Konsole, mlterm), or NULL */
} pv_term;

/* Which warning a terminal deserves, from its environment ($KONSOLE_VERSION,
 * $MLTERM): a msgid, or NULL. Pure, for tests. */
const char *pv_term_bidi_warning(const char *konsole_version, const char *mlterm);

/* Takes the terminal: curses in raw mode, keypad, no echo; the explicit
 * bidi mode; handlers for stop and crash signals. Returns 0, or -1 when
 * stdin/stdout is not a terminal (nothing changed then). */
int pv_term_start(pv_term *t);

/* Gives the terminal back: bidi modes restored, then endwin(). Safe to
 * call twice. */
void pv_term_stop(pv_term *t);

/* Marks every row for repainting (after a resize, a language switch, or
 * Ctrl-L): the terminal may have lost the explicit mode for some rows. */
void pv_term_repaint(void);

/* Waits up to timeout_ms (-1: for ever) for a key; returns a pv key code,
 * PV_KEY_NONE on timeout or interruption. KEY_RESIZE arrives as
 * PV_KEY(KEY_RESIZE). ESC followed at once by a character is returned as
 * the character with *alt set (alt may be NULL: then ESC comes alone). */
int pv_term_read(int timeout_ms, bool *alt);

/* True when a key is already waiting (typed ahead, or pasted): the main
 * loop then handles it before redrawing, so a burst of keys costs one
 * redraw and one search, not one per key. */
bool pv_term_pending(void);

/* The signal (SIGINT, SIGTERM, SIGHUP) that asked the program to stop, or 0. */
int pv_term_stop_signal(void);

#endif
