/* bench-lookup — times national-ID lookups and name searches through the
 * core API on an imported database.
 *
 *   bench-lookup DB CSV [N]
 *
 * Samples N (default 5000) beneficiaries spread through CSV (the file that
 * was imported into DB), then times, for each, pv_person_find by national
 * ID, and pv_search by name (in turn "first last", "last first-prefix",
 * "last" alone, a three-letter prefix of the last name, a two-letter prefix
 * of the first or last name and a three-letter prefix of the first name,
 * limit 20), in a random order, then the same persons typed otherwise
 * ("last first", the first name split in two words before the last, the
 * last name then the split first name's beginning); the one-word prefixes are also reported
 * apart, since common short prefixes match the most people. Prints the median and the 99th percentile of each, in wall
 * time and in the thread's own CPU time (on a busy shared machine the wall
 * tail includes time the process was not scheduled; the CPU tail does not,
 * but misses time spent waiting for the disk). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parvande/context.h"
#include "parvande/csv.h"
#include "parvande/records.h"
#include "parvande/text.h"

typedef struct sample {
    char natid[16];
    char query[200];
    char spelled[200]; /* the same person typed otherwise: split, reordered */
} sample;

static double clock_ms(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double now_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

static double cpu_ms(void)
{
    return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_double);
    size_t p99 = (size_t)((double)n * 0.99);
    if (p99 >= n)
        p99 = n - 1;
    printf("%-36s median %.3f ms, p99 %.3f ms, max %.3f ms (%zu queries)\n", what, t[n / 2],
           t[p99], t[n - 1], n);
}

/* The first `chars` UTF-8 characters of s. */
static void prefix(const char *s, int chars, char *out, size_t size)
{
    size_t i = 0;
    for (int c = 0; s[i] && c < chars; c++) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    snprintf(out, size, "%.*s", (int)i, s);
}

static int column(const pv_csv *r, const char *name)
{
    for (size_t i = 0; i < pv_csv_count(r); i++)
        if (strcmp(pv_csv_field(r, i), name) == 0)
            return (int)i;
    return -1;
}

/* The first name cut in two words in its middle, into out. */
static void split_name(const char *name, char *out, size_t size)
{
    char half[64];
    long chars = 0;
    for (const char *c = name; *c; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80;
    prefix(name, (int)(chars / 2 > 0 ? chars / 2 : 1), half, sizeof half);
    snprintf(out, size, "%s %s", half, name + strlen(half));
}

static void split_spelling(const char *first, const char *last, size_t kind, char *out,
                           size_t size)
{
    char split[160], p[64];
    split_name(first, split, sizeof split);
    if (kind == 0) {
        snprintf(out, size, "%s %s", last, first);
    } else if (kind == 1) {
        snprintf(out, size, "%s %s", split, last);
    } else {
        prefix(split, (int)pv_utf8_length(split) - 1, p, sizeof p);
        snprintf(out, size, "%s %s", last, p);
    }
}

/* Reads every k-th row of the CSV into samples. */
static size_t load_samples(const char *path, sample *s, size_t want)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    long rows = -1;
    int ch;
    while ((ch = getc(f)) != EOF)
        rows += ch == '\n';
    rewind(f);
    pv_csv *r = pv_csv_new(f);
    pv_error err = PV_ERROR_INIT;
    size_t n = 0;
    if (pv_csv_next(r, &err) <= 0) {
        pv_csv_free(r);
        fclose(f);
        return 0;
    }
    int cn = column(r, "national_id"), cf = column(r, "first_name"), cl = column(r, "last_name");
    long step = rows / (long)want > 0 ? rows / (long)want : 1, row = 0;
    while (n < want && pv_csv_next(r, &err) > 0) {
        if (row++ % step != 0 || cn < 0 || cf < 0 || cl < 0)
            continue;
        snprintf(s[n].natid, sizeof s[n].natid, "%s", pv_csv_field(r, (size_t)cn));
        const char *first = pv_csv_field(r, (size_t)cf), *last = pv_csv_field(r, (size_t)cl);
        char p[64];
        switch (n % 6) {
        case 0:
            snprintf(s[n].query, sizeof s[n].query, "%s %s", first, last);
            break;
        case 1:
            prefix(first, 2, p, sizeof p);
            snprintf(s[n].query, sizeof s[n].query, "%s %s", last, p);
            break;
        case 2:
            snprintf(s[n].query, sizeof s[n].query, "%s", last);
            break;
        case 3:
            prefix(last, 3, p, sizeof p);
            snprintf(s[n].query, sizeof s[n].query, "%s", p);
            break;
        case 4: /* a short, common prefix: what the search box holds after two keystrokes */
            prefix(n % 12 == 4 ? first : last, 2, p, sizeof p);
            snprintf(s[n].query, sizeof s[n].query, "%s", p);
            break;
        default:
            prefix(first, 3, p, sizeof p);
            snprintf(s[n].query, sizeof s[n].query, "%s", p);
            break;
        }
        split_spelling(first, last, n % 3, s[n].spelled, sizeof s[n].spelled);
        n++;
    }
    pv_error_clear(&err);
    pv_csv_free(r);
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench-lookup DB CSV [N]\n");
        return 2;
    }
    size_t want = argc > 3 ? strtoul(argv[3], NULL, 10) : 5000;
    sample *s = calloc(want, sizeof *s);
    double *t = calloc(want, sizeof *t), *c = calloc(want, sizeof *c);
    size_t *order = calloc(want, sizeof *order);
    if (!s || !t || !c || !order)
        return 1;
    size_t n = load_samples(argv[2], s, want);
    if (n == 0) {
        fprintf(stderr, "bench-lookup: no rows in %s\n", argv[2]);
        return 1;
    }
    srand(7);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)rand() % (i + 1), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    pv_ctx *ctx = NULL;
    pv_error err = PV_ERROR_INIT;
    if (pv_ctx_open(argv[1], PV_LANG_EN, &ctx, &err) != PV_OK) {
        fprintf(stderr, "bench-lookup: %s\n", err.message);
        return 1;
    }
    size_t missing = 0;
    for (size_t k = 0; k < n; k++) {
        pv_person p;
        double t0 = now_ms(), c0 = cpu_ms();
        pv_status rc = pv_person_find(ctx, s[order[k]].natid, &p, &err);
        t[k] = now_ms() - t0;
        c[k] = cpu_ms() - c0;
        missing += rc != PV_OK;
        pv_error_clear(&err);
    }
    report("national-ID lookup:", t, n);
    report("national-ID lookup (CPU):", c, n);
    size_t empty = 0, np = 0;
    double *tp = malloc(n * sizeof *tp), *cp = malloc(n * sizeof *cp);
    for (size_t k = 0; k < n; k++) {
        pv_search_hit *hits = NULL;
        size_t nh = 0;
        double t0 = now_ms(), c0 = cpu_ms();
        pv_search(ctx, s[order[k]].query, 20, &hits, &nh, &err);
        t[k] = now_ms() - t0;
        c[k] = cpu_ms() - c0;
        if (tp && cp && order[k] % 6 >= 3) /* the one-word prefixes, also apart */
            tp[np] = t[k], cp[np] = c[k], np++;
        empty += nh == 0;
        free(hits);
        pv_error_clear(&err);
    }
    report("name search:", t, n);
    report("name search (CPU):", c, n);
    size_t unfound = 0;
    for (size_t k = 0; k < n; k++) {
        pv_search_hit *hits = NULL;
        size_t nh = 0;
        double t0 = now_ms(), c0 = cpu_ms();
        pv_search(ctx, s[order[k]].spelled, 20, &hits, &nh, &err);
        t[k] = now_ms() - t0;
        c[k] = cpu_ms() - c0;
        unfound += nh == 0;
        free(hits);
        pv_error_clear(&err);
    }
    report("name search, spelled otherwise:", t, n);
    report("name search, spelled otherwise (CPU):", c, n);
    if (unfound)
        printf("warning: %zu searches spelled otherwise found nothing\n", unfound);
    if (np) {
        report("name prefix, one word:", tp, np);
        report("name prefix, one word (CPU):", cp, np);
    }
    free(tp);
    free(cp);
    if (missing || empty)
        printf("warning: %zu IDs not found, %zu searches found nothing\n", missing, empty);
    pv_ctx_close(ctx);
    free(s);
    free(t);
    free(c);
    free(order);
    return missing || empty ? 1 : 0;
}
