/* parvande — service card files, part 1: the line format
 * (data/services/README.md) split into blocks of keys and values, and the
 * small helpers every part uses. The meaning is checked by
 * catalog_check.c, stored by catalog_store.c, synced from the data
 * directory by catalog_sync.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "parvande/text.h"

/* ---- small helpers ----------------------------------------------------- */

void svc_copy(char *dst, size_t size, const char *src)
{
    if (!size)
        return;
    if (!src)
        src = "";
    size_t n = strlen(src);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--; /* do not cut a character in two */
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

const char *svc_pick(pv_lang lang, const char *fa, const char *en)
{
    if (lang == PV_LANG_EN && en && *en)
        return en;
    return fa ? fa : "";
}

const char *svc_get(const svc_block *b, const char *key)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->kv[i].key, key) == 0)
            return b->kv[i].value;
    return NULL;
}

const char *svc_get_lang(const svc_block *b, const char *base, pv_lang lang)
{
    char k[64];
    snprintf(k, sizeof k, "%s.fa", base);
    const char *fa = svc_get(b, k);
    snprintf(k, sizeof k, "%s.en", base);
    const char *en = svc_get(b, k);
    return svc_pick(lang, fa, en);
}

bool svc_code_norm(const char *in, char out[PV_CODE_SZ])
{
    char buf[PV_CODE_SZ * 4];
    size_t n = 0;
    out[0] = '\0';
    if (!in)
        return false;
    while (*in == ' ')
        in++;
    for (const char *p = in; *p && *p != ' ';) {
        uint32_t cp;
        size_t len = pv_utf8_decode(p, strlen(p), &cp);
        if (!len || n + 1 >= sizeof buf)
            return false;
        if (cp >= 0x6F0 && cp <= 0x6F9)
            cp = '0' + (cp - 0x6F0);
        else if (cp >= 0x660 && cp <= 0x669)
            cp = '0' + (cp - 0x660);
        bool ok = (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z')
                  || (cp >= 'A' && cp <= 'Z') || cp == '-';
        if (!ok)
            return false;
        buf[n++] = (char)cp;
        p += len;
    }
    buf[n] = '\0';
    size_t used = 0;
    while (in[used] && in[used] != ' ')
        used++;
    while (in[used] == ' ')
        used++;
    if (in[used] || n == 0 || n >= PV_CODE_SZ)
        return false; /* "9000 0001": a code is one word */
    memcpy(out, buf, n + 1);
    return true;
}

char *svc_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* ---- parsing ----------------------------------------------------------- */

pv_status svc_card_fail(pv_error *err, const char *origin, int line, const char *code,
                        const char *msg)
{
    const char *o = origin && *origin ? origin : _("card");
    if (code && *code)
        /* TRANSLATORS: file, line, service code, what is wrong. */
        return pv_error_set(err, PV_EINVAL, "service", _("%s, line %d (service %s): %s"), o,
                            line, code, msg);
    return pv_error_set(err, PV_EINVAL, "service", _("%s, line %d: %s"), o, line, msg);
}

static svc_block *add_block(svc_card *c, const char *type, const char *name, int line)
{
    svc_block *nb = pv_grow(c->blocks, c->n, &c->cap, sizeof *nb, 16);
    if (!nb)
        return NULL;
    c->blocks = nb;
    svc_block *b = &c->blocks[c->n];
    memset(b, 0, sizeof *b);
    b->type = strdup(type);
    b->name = strdup(name);
    b->line = line;
    if (!b->type || !b->name) {
        free(b->type);
        free(b->name);
        return NULL;
    }
    c->n++;
    return b;
}

static svc_kv *add_kv(svc_block *b, const char *key, const char *value, int line)
{
    svc_kv *nk = pv_grow(b->kv, b->n, &b->cap, sizeof *nk, 8);
    if (!nk)
        return NULL;
    b->kv = nk;
    svc_kv *kv = &b->kv[b->n];
    kv->key = strdup(key);
    kv->value = strdup(value);
    kv->line = line;
    if (!kv->key || !kv->value) {
        free(kv->key);
        free(kv->value);
        return NULL;
    }
    b->n++;
    return kv;
}

static bool append_value(svc_kv *kv, const char *more)
{
    size_t a = strlen(kv->value), m = strlen(more);
    char *nv = realloc(kv->value, a + m + 2);
    if (!nv)
        return false;
    if (a)
        nv[a++] = ' ';
    memcpy(nv + a, more, m + 1);
    kv->value = nv;
    return true;
}

void svc_card_free(svc_card *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        svc_block *b = &c->blocks[i];
        for (size_t j = 0; j < b->n; j++) {
            free(b->kv[j].key);
            free(b->kv[j].value);
        }
        free(b->kv);
        free(b->type);
        free(b->name);
    }
    free(c->blocks);
    memset(c, 0, sizeof *c);
}

static bool valid_key_word(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
            return false;
    return true;
}

bool svc_valid_name(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return strlen(s) < PV_KEY_SZ;
}

/* Splits lines into blocks of key/value pairs; no meaning checked yet. */
pv_status svc_card_split(char *text, const char *origin, svc_card *c, pv_error *err)
{
    if (!add_block(c, "", "", 1))
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    svc_kv *last = NULL;
    int line = 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        char *raw = p;
        p = nl ? nl + 1 : NULL;
        bool cont = (raw[0] == ' ' || raw[0] == '\t');
        char *s = svc_trim(raw);
        if (!*s || *s == '#') {
            if (!*s)
                last = NULL; /* a blank line ends a continued value */
            continue;
        }
        if (cont && last) {
            if (!append_value(last, s))
                return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
            continue;
        }
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (!end || end[1])
                return svc_card_fail(err, origin, line, NULL, _("a block header is written [type name]"));
            *end = '\0';
            char *type = svc_trim(s + 1), *name = type;
            while (*name && *name != ' ')
                name++;
            if (*name)
                *name++ = '\0';
            name = svc_trim(name);
            if (!add_block(c, type, name, line))
                return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
            last = NULL;
            continue;
        }
        char *colon = strchr(s, ':');
        if (!colon)
            return svc_card_fail(err, origin, line, NULL, _("expected “key: value”"));
        *colon = '\0';
        char *key = svc_trim(s), *value = svc_trim(colon + 1);
        if (!valid_key_word(key))
            return svc_card_fail(err, origin, line, NULL, _("a key is lowercase letters, digits, _ and ."));
        last = add_kv(&c->blocks[c->n - 1], key, value, line);
        if (!last)
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    }
    return PV_OK;
}
