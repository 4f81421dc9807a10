/* parvande — service card files, part 4: the data directory, and syncing
 * its cards into the database without ever overwriting a service an
 * administrator edited. */
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "parvande/authz.h"

#ifndef PV_DATADIR
#define PV_DATADIR "/usr/local/share/parvande"
#endif

/* ---- the data directory and sync --------------------------------------- */

static bool is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

char *pv_catalog_default_dir(void)
{
    char *out = NULL;
    const char *env = getenv("PARVANDE_DATADIR");
    if (env && *env) {
        if (asprintf(&out, "%s/services", env) < 0)
            return NULL;
        return out;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            /* a build tree, then an installed tree under any PREFIX */
            static const char *const rel[] = {"../data/services", "../share/parvande/services"};
            for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
                if (asprintf(&out, "%s/%s", exe, rel[i]) < 0)
                    return NULL;
                if (is_dir(out))
                    return out;
                free(out);
                out = NULL;
            }
        }
    }
    if (asprintf(&out, "%s/services", PV_DATADIR) < 0)
        return NULL;
    return out;
}

static char *read_file(const char *path, pv_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        pv_error_set(err, PV_EFAIL, "service", _("%s: cannot read the card file"), path);
        return NULL;
    }
    size_t cap = 16384, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        if (cap > (1u << 22)) { /* 4 MiB: not a card */
            free(buf);
            buf = NULL;
            break;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    if (!buf) {
        pv_error_set(err, PV_EFAIL, "service", _("%s: cannot read the card file"), path);
        return NULL;
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        free(buf);
        pv_error_set(err, PV_EINVAL, "service", _("%s: not a text file"), path);
        return NULL;
    }
    return buf;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a > b && strcmp(s + a - b, suffix) == 0;
}

/* The *.card names of dir, sorted. */
static pv_status list_cards(const char *dir, char ***names, size_t *n, pv_error *err)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return pv_error_set(err, PV_EFAIL, "service", _("%s: cannot open the catalog directory"),
                            dir);
    size_t cap = 0;
    struct dirent *e;
    pv_status st = PV_OK;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".card"))
            continue;
        char **nn = pv_grow(*names, *n, &cap, sizeof *nn, 16);
        if (!nn) {
            st = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
            break;
        }
        *names = nn;
        if (!((*names)[*n] = strdup(e->d_name))) {
            st = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
            break;
        }
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(*names, *n, sizeof **names, cmp_names);
    return st;
}

/* Decides what to do with one parsed card file (inside the transaction). */
static pv_status sync_one(pv_ctx *ctx, const svc_card *c, const char *text, const char *name,
                          pv_catalog_report *rep, pv_error *err)
{
    char code[PV_CODE_SZ], hash[17];
    svc_code_norm(svc_get(&c->blocks[0], "code"), code);
    svc_card_hash(text, hash);
    sqlite3_stmt *st;
    bool exists = false, same = false, edited = false;
    if (pv_query(ctx, "SELECT card_hash, edited FROM service WHERE code = ?1", &st, err, "t",
                 code) != PV_OK ||
        pv_step(ctx, st, &exists, err) != PV_OK)
        return PV_EFAIL;
    if (exists) {
        same = strcmp((const char *)sqlite3_column_text(st, 0), hash) == 0;
        edited = sqlite3_column_int(st, 1) != 0;
        sqlite3_reset(st);
    }
    if (exists && (same || edited)) {
        rep->kept++;
        rep->edited_skipped += edited && !same;
        return PV_OK;
    }
    if (exists)
        rep->updated++;
    else
        rep->added++;
    return svc_card_store(ctx, c, text, hash, name, false, err);
}

pv_status pv_catalog_sync(pv_ctx *ctx, const char *dir, pv_catalog_report *report,
                          pv_error *err)
{
    pv_catalog_report rep = {0};
    if (pv_authz_check(ctx, PV_ACT_CATALOG_ADMIN, 0, err) != PV_OK)
        return PV_EDENIED;
    char *own = NULL;
    if (!dir) {
        own = pv_catalog_default_dir();
        if (!own)
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        dir = own;
    }
    char **names;
    size_t n;
    pv_status st = list_cards(dir, &names, &n, err);
    if (st == PV_OK)
        st = pv_tx_begin(ctx, err);
    bool in_tx = st == PV_OK;
    char (*codes)[PV_CODE_SZ] = n ? calloc(n, sizeof *codes) : NULL;
    if (n && !codes)
        st = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    for (size_t i = 0; st == PV_OK && i < n; i++) {
        char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
            st = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
            break;
        }
        char *text = read_file(path, err);
        svc_card c;
        if (!text)
            st = err ? err->status : PV_EFAIL;
        else if ((st = svc_card_parse(text, names[i], &c, err)) == PV_OK) {
            svc_code_norm(svc_get(&c.blocks[0], "code"), codes[i]);
            for (size_t j = 0; st == PV_OK && j < i; j++)
                if (strcmp(codes[j], codes[i]) == 0) /* one code, one card */
                    st = pv_error_set(err, PV_EINVAL, "service",
                                      _("%s and %s both describe service %s"), names[j],
                                      names[i], codes[i]);
            if (st == PV_OK)
                st = sync_one(ctx, &c, text, names[i], &rep, err);
            svc_card_free(&c);
        }
        free(text);
        free(path);
    }
    free(codes);
    if (in_tx) {
        if (st == PV_OK)
            st = pv_tx_commit(ctx, err);
        else
            pv_tx_rollback(ctx);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(own);
    if (st == PV_OK && report)
        *report = rep;
    return st;
}
