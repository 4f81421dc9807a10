/* bench-tui — the interface through a pseudo-terminal, as a caseworker
 * meets it: start-up to a usable screen, and the search list refreshed after
 * each keystroke, on an imported database (make bench, step 5).
 *
 *   bench-tui PARVANDE DB CSV USER PASSWORD [RUNS]
 *
 * Start-up: RUNS times (default 10), the time from fork to the moment the
 * Persian login screen's function-key bar (its last row) has been written.
 * Keystrokes: one session logs in (Argon2id, timed apart), then types
 * national IDs in Persian digits and last names from CSV one character at a
 * time; each keystroke's time runs from writing it to the last byte of the
 * screen update it caused (the output then stays quiet for QUIET_MS, which
 * is not counted). Then opens files from the list (Enter), timed the same
 * way. Prints medians, 95th percentiles and maxima. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bidi.h"
#include "parvande/i18n.h"
#include "parvande/text.h"

#define QUIET_MS 80
#define MAX_SAMPLES 4096

typedef struct term {
    int fd;
    pid_t pid;
    char buf[1 << 16]; /* the latest output, for markers */
    size_t len;
} term;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, size_t n)
{
    if (n == 0) {
        printf("%s: no samples\n", what);
        return;
    }
    qsort(t, n, sizeof *t, cmp_double);
    printf("%s: median %.2f ms, p95 %.2f ms, max %.2f ms (%zu samples)\n", what, t[n / 2],
           t[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1], t[n - 1], n);
}

/* What the screen shows for a translated interface string: its cells in
 * visual order, as UTF-8 (the program writes a label's cells in one run). */
static char *visual(const char *msgid)
{
    pv_layout *l = pv_layout_text(_(msgid), PV_DIR_AUTO, 0);
    if (!l)
        return NULL;
    char *out = malloc(l->lines[0].n_cells * 4 * PV_CELL_WC + 1), *p = out;
    for (size_t c = 0; out && c < l->lines[0].n_cells; c++)
        for (size_t k = 0; k < PV_CELL_WC && l->lines[0].cells[c].wc[k]; k++)
            p += pv_utf8_encode((uint32_t)l->lines[0].cells[c].wc[k], p);
    if (out)
        *p = '\0';
    pv_layout_free(l);
    return out;
}

static int term_spawn(term *t, const char *prog, const char *db)
{
    struct winsize ws = {.ws_row = 30, .ws_col = 100};
    t->len = 0;
    t->pid = forkpty(&t->fd, NULL, NULL, &ws);
    if (t->pid < 0)
        return -1;
    if (t->pid == 0) {
        setenv("TERM", "xterm-256color", 1);
        unsetenv("KONSOLE_VERSION");
        unsetenv("MLTERM");
        execl(prog, prog, "--db", db, "--lang", "fa", (char *)NULL);
        _exit(127);
    }
    return 0;
}

static void term_end(term *t)
{
    kill(t->pid, SIGTERM);
    /* drain so the program is never blocked writing while it restores */
    char junk[4096];
    double until = now_ms() + 2000;
    while (now_ms() < until) {
        struct pollfd p = {t->fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            break;
        if (read(t->fd, junk, sizeof junk) <= 0)
            break;
    }
    waitpid(t->pid, NULL, 0);
    close(t->fd);
}

/* Reads what is available within `ms`; returns bytes read, 0 on timeout, -1 at the end. */
static ssize_t term_read(term *t, int ms, double *at)
{
    struct pollfd p = {t->fd, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0)
        return 0;
    char chunk[8192];
    ssize_t n = read(t->fd, chunk, sizeof chunk);
    if (n <= 0)
        return -1;
    if (at)
        *at = now_ms();
    if (t->len + (size_t)n > sizeof t->buf) { /* keep the tail */
        size_t keep = sizeof t->buf / 2;
        memmove(t->buf, t->buf + t->len - keep, keep);
        t->len = keep;
    }
    memcpy(t->buf + t->len, chunk, (size_t)n);
    t->len += (size_t)n;
    return n;
}

/* Waits for `marker` in the output; the time it arrived, or -1. */
static double term_wait(term *t, const char *marker, int timeout_ms)
{
    double end = now_ms() + timeout_ms, at = 0;
    size_t mlen = strlen(marker);
    while (now_ms() < end) {
        if (term_read(t, 50, &at) < 0)
            return -1;
        if (t->len >= mlen && memmem(t->buf, t->len, marker, mlen))
            return at;
    }
    return -1;
}

/* Writes a key, returns the time from the write to the last byte of the
 * answer (the output then quiet for QUIET_MS), or -1 if nothing came. */
static double term_key(term *t, const char *key)
{
    t->len = 0;
    double sent = now_ms(), last = -1, at;
    if (write(t->fd, key, strlen(key)) < 0)
        return -1;
    for (;;) {
        ssize_t n = term_read(t, last < 0 ? 2000 : QUIET_MS, &at);
        if (n <= 0)
            break;
        last = at;
    }
    return last < 0 ? -1 : last - sent;
}

/* Some national IDs and last names from the imported CSV. */
static size_t read_samples(const char *csv, char (*ids)[16], char (*names)[128], size_t max)
{
    FILE *f = fopen(csv, "r");
    if (!f)
        return 0;
    char line[4096];
    int c_id = -1, c_last = -1;
    size_t n = 0, row = 0;
    if (fgets(line, sizeof line, f)) {
        int col = 0;
        for (char *tok = strtok(line, ",\r\n"); tok; tok = strtok(NULL, ",\r\n"), col++) {
            if (strcmp(tok, "national_id") == 0)
                c_id = col;
            if (strcmp(tok, "last_name") == 0)
                c_last = col;
        }
    }
    while (n < max && c_id >= 0 && c_last >= 0 && fgets(line, sizeof line, f)) {
        if (row++ % 9973 != 0) /* spread through the file */
            continue;
        int col = 0;
        char *save = line;
        for (char *tok; (tok = strsep(&save, ",\r\n")) != NULL; col++) {
            if (col == c_id)
                snprintf(ids[n], sizeof ids[n], "%s", tok);
            if (col == c_last)
                snprintf(names[n], sizeof names[n], "%s", tok);
        }
        n++;
    }
    fclose(f);
    return n;
}

/* Types text one character (UTF-8 sequence) at a time, timing each. */
static void type_timed(term *t, const char *text, double *samples, size_t *n)
{
    bool verbose = getenv("BENCH_VERBOSE") != NULL;
    for (const char *p = text; *p && *n < MAX_SAMPLES;) {
        char key[8];
        size_t len = 1;
        while ((p[len] & 0xC0) == 0x80)
            len++;
        memcpy(key, p, len);
        key[len] = '\0';
        p += len;
        double ms = term_key(t, key);
        if (ms >= 0)
            samples[(*n)++] = ms;
        if (verbose)
            fprintf(stderr, "%8.2f ms  %.*s\n", ms, (int)(p - text), text);
    }
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: bench-tui PARVANDE DB CSV USER PASSWORD [RUNS]\n");
        return 2;
    }
    const char *prog = argv[1], *db = argv[2], *csv = argv[3], *user = argv[4], *pw = argv[5];
    int runs = argc > 6 ? atoi(argv[6]) : 10;
    pv_i18n_init();
    pv_i18n_set_lang("fa");
    char *bar = visual("Quit"), *home = visual("Find a file");
    if (!bar || !home)
        return 1;

    double start[64];
    size_t n_start = 0;
    for (int r = 0; r < runs && r < 64; r++) {
        term t;
        double t0 = now_ms();
        if (term_spawn(&t, prog, db) != 0)
            return 1;
        double at = term_wait(&t, bar, 10000);
        if (at < 0) {
            fprintf(stderr, "bench-tui: the login screen never came\n");
            term_end(&t);
            return 1;
        }
        start[n_start++] = at - t0;
        term_end(&t);
    }
    report("interface start-up to the login screen", start, n_start);

    static char ids[64][16], names[64][128];
    size_t n_q = read_samples(csv, ids, names, 20);
    term t;
    if (term_spawn(&t, prog, db) != 0 || term_wait(&t, bar, 10000) < 0)
        return 1;
    char login[512];
    snprintf(login, sizeof login, "%s\t%s\r", user, pw);
    double t0 = now_ms();
    if (write(t.fd, login, strlen(login)) < 0)
        return 1;
    t.len = 0;
    double at = term_wait(&t, home, 15000);
    if (at < 0) {
        fprintf(stderr, "bench-tui: login failed\n");
        term_end(&t);
        return 1;
    }
    double login_ms = at - t0;
    printf("login (Argon2id) to the search screen: %.0f ms\n", login_ms);
    while (term_read(&t, QUIET_MS, NULL) > 0) /* let the first screen settle */
        ;

    static double keys[MAX_SAMPLES];
    size_t n_keys = 0;
    for (size_t i = 0; i < n_q; i++) {
        char fa_id[64];
        pv_digits_persian(ids[i], fa_id, sizeof fa_id);
        type_timed(&t, fa_id, keys, &n_keys);
        term_key(&t, "\x15"); /* Ctrl-U clears the box */
        type_timed(&t, names[i], keys, &n_keys);
        term_key(&t, "\x15");
    }
    report("keystroke to refreshed search list", keys, n_keys);

    /* Opening a file (person, household, case file, enrollments and the
     * eligibility of every service) and coming back to the list. */
    static double opens[64];
    size_t n_open = 0;
    for (size_t i = 0; i < n_q && n_open < 64; i++) {
        char fa_id[64];
        pv_digits_persian(ids[i], fa_id, sizeof fa_id);
        term_key(&t, fa_id); /* typed at once: one search */
        double ms = term_key(&t, "\r");
        if (ms >= 0)
            opens[n_open++] = ms;
        term_key(&t, "\x1b");
        term_key(&t, "\x15");
    }
    report("Enter to an open file with its eligibility panel", opens, n_open);
    term_end(&t);
    free(bar);
    free(home);
    return 0;
}
