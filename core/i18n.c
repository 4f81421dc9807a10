/* parvande — the message catalogs and the language of messages.
 *
 * English is the msgid language; Persian comes from the compiled catalog
 * <localedir>/fa/LC_MESSAGES/parvande.mo (made by msgfmt from
 * locale/fa/<module>.po), read here once and searched by binary search. Reading
 * it ourselves rather than through gettext lets the language be chosen
 * per thread without touching the environment: gettext only follows
 * $LANGUAGE or the locale, both process-wide, and noticing a change of
 * either needs a counter private to glibc.
 *
 * The language of a context (pv_ctx_set_lang) becomes the language of the
 * messages of the thread that set it, and the default of threads that set
 * none (the core's worker threads). */
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parvande/i18n.h"

#ifndef PV_LOCALEDIR
#define PV_LOCALEDIR "/usr/local/share/locale"
#endif

enum { LANG_UNSET = -1, LANG_EN = 0, LANG_FA = 1 };

static _Atomic int process_lang = LANG_UNSET;
static _Thread_local int thread_lang = LANG_UNSET;

/* The Persian catalog: the .mo file's bytes, its string count and tables. */
typedef struct catalog {
    unsigned char *data;
    size_t size;
    uint32_t n, originals, translations;
    bool swapped;
} catalog;

static catalog fa;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char locale_dir[PATH_MAX];

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* <directory of the running program>/<rel>, when it exists: "locale" in a
 * build tree, "../share/locale" in an installed tree (so an install under
 * any PREFIX finds its catalogs without rebuilding). */
static int exe_relative_dir(const char *rel, char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    if ((size_t)snprintf(out, size, "%s/%s", exe, rel) >= size)
        return 0;
    return is_dir(out);
}

static void find_locale_dir(void)
{
    char dir[PATH_MAX];
    const char *env = getenv("PARVANDE_LOCALEDIR");
    if (env && *env)
        snprintf(locale_dir, sizeof locale_dir, "%s", env);
    else if (exe_relative_dir("locale", dir, sizeof dir))
        snprintf(locale_dir, sizeof locale_dir, "%s", dir);
    else if (exe_relative_dir("../share/locale/fa/LC_MESSAGES", dir, sizeof dir) &&
             exe_relative_dir("../share/locale", dir, sizeof dir))
        snprintf(locale_dir, sizeof locale_dir, "%s", dir);
    else
        snprintf(locale_dir, sizeof locale_dir, "%s", PV_LOCALEDIR);
}

static uint32_t word(const catalog *c, uint32_t at)
{
    uint32_t v;
    memcpy(&v, c->data + at, 4);
    if (c->swapped)
        v = (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
    return v;
}

/* String i of a table (originals or translations), NULL when the file
 * does not hold it whole. */
static const char *entry(const catalog *c, uint32_t table, uint32_t i)
{
    uint64_t at = (uint64_t)table + 8u * i;
    if (at + 8 > c->size)
        return NULL;
    uint32_t len = word(c, (uint32_t)at), off = word(c, (uint32_t)at + 4);
    if ((uint64_t)off + len >= c->size || c->data[off + len] != '\0')
        return NULL;
    return (const char *)c->data + off;
}

/* Reads the catalog; without one (not built, not installed) Persian
 * messages stay in English. */
static void load_catalogs(void)
{
    find_locale_dir();
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/fa/LC_MESSAGES/%s.mo", locale_dir, PV_DOMAIN);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    catalog c = {0};
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        rewind(f);
        if (size >= 28 && (c.data = malloc((size_t)size)) &&
            fread(c.data, 1, (size_t)size, f) == (size_t)size)
            c.size = (size_t)size;
    }
    fclose(f);
    uint32_t magic = c.size ? word(&c, 0) : 0;
    c.swapped = magic == 0xDE120495u;
    if (c.size && (magic == 0x950412DEu || c.swapped)) {
        c.n = word(&c, 8);
        c.originals = word(&c, 12);
        c.translations = word(&c, 16);
        fa = c;
        return;
    }
    free(c.data);
}

void pv_i18n_init(void)
{
    /* ncursesw and the wide-character functions need a UTF-8 codeset:
     * fall back to C.UTF-8 when the environment gives less. */
    const char *loc = setlocale(LC_ALL, "");
    if (!loc || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        if (!setlocale(LC_ALL, "C.UTF-8"))
            setlocale(LC_ALL, "C.utf8");
    pthread_once(&load_once, load_catalogs);
}

void pv_i18n_set_lang(const char *code)
{
    int lang = code && strcmp(code, "en") == 0 ? LANG_EN : LANG_FA;
    thread_lang = lang;
    atomic_store(&process_lang, lang);
}

static const char *lookup(const catalog *c, const char *msgid)
{
    uint32_t lo = 0, hi = c->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *o = entry(c, c->originals, mid);
        if (!o)
            return msgid;
        int r = strcmp(msgid, o);
        if (r == 0) {
            const char *t = entry(c, c->translations, mid);
            return t && *t ? t : msgid;
        }
        if (r < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return msgid;
}

const char *pv_tr(const char *msgid)
{
    int lang = thread_lang != LANG_UNSET ? thread_lang : atomic_load(&process_lang);
    if (lang != LANG_FA || !msgid || !*msgid)
        return msgid;
    pthread_once(&load_once, load_catalogs);
    return fa.data ? lookup(&fa, msgid) : msgid;
}
