/* parvande — curses set-up and the terminal's restoration on every exit path. */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "parvande/i18n.h"
#include "term.h"

/* RTL.md: explicit mode (the program reorders), LTR presentation, and VTE's
 * arrow keys unswapped; then the terminal's defaults on the way out. */
#define BIDI_ENTER "\033[8l\033[1 k\033[?1243l"
#define BIDI_LEAVE "\033[8h\033[0 k\033[?1243h"

/* --- the state signal handlers need (see term.h) ------------------------ */
static volatile sig_atomic_t term_active;      /* the screen is ours */
static volatile sig_atomic_t term_stop_sig;    /* SIGINT/SIGTERM/SIGHUP seen */
static struct termios term_saved;              /* modes before curses */
static bool term_saved_ok;
static char term_restore[256];                 /* leave bidi, rmcup, cnorm, sgr0 */
static size_t term_restore_len;

static const int crash_signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

const char *pv_term_bidi_warning(const char *konsole_version, const char *mlterm)
{
    if (konsole_version && *konsole_version)
        return N_("Konsole reorders right-to-left text itself, so Persian would come out "
                  "backwards. Switch it off: Settings > Edit Current Profile > Advanced > "
                  "uncheck \"Bi-Directional text rendering\", then restart parvande.");
    if (mlterm && *mlterm)
        return N_("mlterm reorders right-to-left text itself, so Persian would come out "
                  "backwards. Start it with --bi=false (or put use_bidi = false in "
                  "~/.mlterm/main), then restart parvande.");
    return NULL;
}

/* Async-signal-safe: only write(2) and tcsetattr(3). */
static void restore_raw(void)
{
    if (!term_active)
        return;
    term_active = 0;
    ssize_t w = write(STDOUT_FILENO, term_restore, term_restore_len);
    (void)w;
    if (term_saved_ok)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &term_saved);
}

static void on_crash(int sig)
{
    restore_raw();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The first stop signal asks the main loop to leave cleanly (closing the
 * database); a second one, if the loop is stuck, restores and dies. */
static void on_stop(int sig)
{
    if (term_stop_sig) {
        restore_raw();
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    term_stop_sig = sig;
}

int pv_term_stop_signal(void)
{
    return term_stop_sig;
}

static void append_cap(const char *cap)
{
    char *s = tigetstr((char *)cap);
    if (!s || s == (char *)-1)
        return;
    size_t n = strlen(s);
    if (term_restore_len + n < sizeof term_restore) {
        memcpy(term_restore + term_restore_len, s, n);
        term_restore_len += n;
    }
}

static void build_restore(void)
{
    term_restore_len = 0;
    memcpy(term_restore, BIDI_LEAVE, sizeof BIDI_LEAVE - 1);
    term_restore_len = sizeof BIDI_LEAVE - 1;
    append_cap("sgr0");
    append_cap("cnorm");
    append_cap("rmkx");
    append_cap("rmcup");
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (size_t i = 0; i < sizeof crash_signals / sizeof *crash_signals; i++)
        sigaction(crash_signals[i], &sa, NULL);
    /* No SA_RESTART: a stop signal interrupts the wait for a key. */
    sa.sa_handler = on_stop;
    sa.sa_flags = 0;
    for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++)
        sigaction(stop_signals[i], &sa, NULL);
}

static void remove_handlers(void)
{
    for (size_t i = 0; i < sizeof crash_signals / sizeof *crash_signals; i++)
        signal(crash_signals[i], SIG_DFL);
    for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++)
        signal(stop_signals[i], SIG_DFL);
}

static void setup_colors(pv_term *t)
{
    const char *no_color = getenv("NO_COLOR");
    t->color = has_colors() && !(no_color && *no_color);
    if (!t->color)
        return;
    start_color();
    use_default_colors();
    /* Pairs are fixed by number; draw.c names them (PV_PAIR_*). */
    init_pair(1, COLOR_BLACK, COLOR_CYAN);   /* title and key bar labels */
    init_pair(2, COLOR_WHITE, COLOR_BLUE);   /* selection */
    init_pair(3, COLOR_RED, -1);             /* errors, ✗ */
    init_pair(4, COLOR_GREEN, -1);           /* success, ✓ */
    init_pair(5, COLOR_YELLOW, -1);          /* labels, headings */
    init_pair(6, COLOR_BLACK, COLOR_WHITE);  /* focused field */
}

void pv_term_repaint(void)
{
    /* Clear the real screen and redraw every cell, so every row is written
     * again after the explicit-mode switch. */
    clearok(curscr, TRUE);
}

int pv_term_start(pv_term *t)
{
    memset(t, 0, sizeof *t);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return -1;
    term_saved_ok = tcgetattr(STDIN_FILENO, &term_saved) == 0;
    term_stop_sig = 0;
    /* Our handlers first: initscr leaves alone a signal that is not SIG_DFL. */
    install_handlers();
    set_escdelay(25);
    if (!initscr()) {
        remove_handlers();
        return -1;
    }
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    setup_colors(t);
    build_restore();
    /* After the first clear of the alternate screen: explicit mode, flushed
     * through stdio like curses' own output, then a full repaint. */
    erase();
    refresh();
    fputs(BIDI_ENTER, stdout);
    fflush(stdout);
    term_active = 1;
    pv_term_repaint();
    t->warning = pv_term_bidi_warning(getenv("KONSOLE_VERSION"), getenv("MLTERM"));
    t->started = true;
    return 0;
}

void pv_term_stop(pv_term *t)
{
    if (!t->started)
        return;
    t->started = false;
    term_active = 0;
    fputs(BIDI_LEAVE, stdout);
    fflush(stdout);
    endwin();
    remove_handlers();
}

/* After a lone ESC: the rest of a sequence curses did not know, if any
 * arrives at once. Recognises Shift+Space (CSI 32;2u and CSI 27;2;32~). */
static int read_escape(bool *alt)
{
    wint_t wc;
    timeout(0);
    int r = get_wch(&wc);
    if (r == ERR)
        return PV_KEY_ESC;
    if (r == KEY_CODE_YES) {
        ungetch((int)wc); /* Esc, then a function key: both count */
        return PV_KEY_ESC;
    }
    if (wc != '[' && wc != 'O') {
        if (alt) {
            *alt = true;
            return (int)wc;
        }
        unget_wch(wc);
        return PV_KEY_ESC;
    }
    char seq[32];
    size_t n = 0;
    while (n + 1 < sizeof seq) {
        r = get_wch(&wc);
        if (r != OK)
            break;
        seq[n++] = (char)wc;
        if (wc >= 0x40 && wc <= 0x7e)
            break; /* the final byte */
    }
    seq[n] = '\0';
    if (strcmp(seq, "32;2u") == 0 || strcmp(seq, "27;2;32~") == 0)
        return PV_KEY_SHIFT_SPACE;
    return PV_KEY_NONE; /* an unknown sequence: ignored, not typed */
}

bool pv_term_pending(void)
{
    wint_t wc;
    timeout(0);
    int r = get_wch(&wc);
    if (r == ERR)
        return false;
    if (r == KEY_CODE_YES)
        ungetch((int)wc);
    else
        unget_wch((wchar_t)wc);
    return true;
}

int pv_term_read(int timeout_ms, bool *alt)
{
    if (alt)
        *alt = false;
    timeout(timeout_ms);
    wint_t wc;
    int r = get_wch(&wc);
    if (r == ERR)
        return PV_KEY_NONE;
    if (r == KEY_CODE_YES)
        return PV_KEY((int)wc);
    if (wc == PV_KEY_ESC)
        return read_escape(alt);
    return (int)wc;
}
