/* parvande — binding the gettext catalogs and choosing the language. */
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parvande/i18n.h"

#ifndef PV_LOCALEDIR
#define PV_LOCALEDIR "/usr/local/share/locale"
#endif

/* glibc caches translations; bumping this after changing LANGUAGE is the
 * documented way to make gettext look again. */
extern int _nl_msg_cat_cntr;

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

void pv_i18n_init(void)
{
    /* gettext ignores LANGUAGE in the plain C locale, and ncursesw needs a
     * UTF-8 codeset: fall back to C.UTF-8 when the environment gives less. */
    const char *loc = setlocale(LC_ALL, "");
    if (!loc || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        if (!setlocale(LC_ALL, "C.UTF-8"))
            setlocale(LC_ALL, "C.utf8");

    char dir[PATH_MAX];
    const char *env = getenv("PARVANDE_LOCALEDIR");
    if (env && *env)
        bindtextdomain(PV_DOMAIN, env);
    else if (exe_relative_dir("locale", dir, sizeof dir))
        bindtextdomain(PV_DOMAIN, dir);
    else if (exe_relative_dir("../share/locale/fa/LC_MESSAGES", dir, sizeof dir) &&
             exe_relative_dir("../share/locale", dir, sizeof dir))
        bindtextdomain(PV_DOMAIN, dir);
    else
        bindtextdomain(PV_DOMAIN, PV_LOCALEDIR);
    bind_textdomain_codeset(PV_DOMAIN, "UTF-8");
}

void pv_i18n_set_lang(const char *code)
{
    setenv("LANGUAGE", code, 1);
    ++_nl_msg_cat_cntr;
}
