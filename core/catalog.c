/* parvande — service card files: parsing and validating the line format
 * (data/services/README.md), and loading them into the database without
 * ever overwriting a service an administrator edited. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parvande/authz.h"
#include "parvande/text.h"
#include "svc_internal.h"

#ifndef PV_DATADIR
#define PV_DATADIR "/usr/local/share/parvande"
#endif

/* ---- the vocabulary of enumerated keys --------------------------------- */

typedef struct vocab {
    const char *word;
    const char *label; /* msgid */
} vocab;

static const vocab v_type[] = {
    {"G2C", N_("to citizens (G2C)")}, {"G2B", N_("to businesses (G2B)")},
    {"G2G", N_("to other agencies (G2G)")}, {NULL, NULL}};
static const vocab v_nature[] = {
    {"sovereign", N_("sovereign")}, {"administrative", N_("administrative")}, {NULL, NULL}};
static const vocab v_level[] = {
    {"national", N_("national")}, {"regional", N_("regional")},
    {"provincial", N_("provincial")}, {"city", N_("city")}, {"rural", N_("rural")},
    {NULL, NULL}};
static const vocab v_event[] = {
    {"birth", N_("birth")}, {"education", N_("education")}, {"health", N_("health")},
    {"employment", N_("employment")}, {"tax", N_("tax")},
    {"social_security", N_("social security")},
    {"property", N_("property registration")}, {"utilities", N_("urban utilities")},
    {"insurance", N_("insurance")}, {"marriage", N_("marriage")},
    {"retirement", N_("retirement")}, {"certificates", N_("documents and certificates")},
    {"death", N_("death")}, {"other", N_("other")}, {NULL, NULL}};
static const vocab v_start[] = {
    {"request", N_("the recipient's request")}, {"time", N_("a set time")},
    {"event", N_("a specific event")}, {"other", N_("other")}, {NULL, NULL}};
static const vocab v_media[] = {
    {"web", N_("web site")}, {"mobile_app", N_("mobile application")},
    {"email", N_("e-mail")}, {"post", N_("post")}, {"sms", N_("SMS")},
    {"ivr", N_("telephone line or call centre")}, {"counter", N_("counter offices")},
    {"intranet", N_("intranet")}, {"in_person", N_("in person")}, {"other", N_("other")},
    {NULL, NULL}};
static const vocab v_in_person[] = {
    {"identity", N_("to verify the person's identity")},
    {"documents", N_("to verify documents")},
    {"infrastructure", N_("no suitable communication infrastructure")},
    {"other", N_("other")}, {NULL, NULL}};
static const vocab v_office[] = {
    {"national", N_("national")}, {"provincial", N_("provincial")},
    {"county", N_("county")}, {NULL, NULL}};
static const vocab v_inquiry[] = {
    {"online", N_("electronic, online")}, {"batch", N_("electronic, batch")},
    {"manual", N_("not electronic")}, {NULL, NULL}};
static const vocab v_by[] = {
    {"agency", N_("by the agency")}, {"visitor", N_("by the visitor")}, {NULL, NULL}};
static const vocab v_yesno[] = {{"yes", N_("yes")}, {"no", N_("no")}, {NULL, NULL}};
static const vocab v_stage[] = {
    {"information", N_("information")}, {"request", N_("request")},
    {"production", N_("production")}, {"delivery", N_("delivery")},
    {"follow_up", N_("follow-up")}, {NULL, NULL}};

/* What may appear in each kind of block. `multi`: the key may repeat (a
 * list); `words`: the value is one or more comma-separated vocabulary
 * words. */
typedef struct key_def {
    const char *key;
    bool multi;
    const vocab *words;
} key_def;

static const key_def k_header[] = {
    {"code", false, NULL}, {"local", false, v_yesno},
    {"title.fa", false, NULL}, {"title.en", false, NULL},
    {"provider.fa", false, NULL}, {"provider.en", false, NULL},
    {"parent.fa", false, NULL}, {"parent.en", false, NULL},
    {"description.fa", false, NULL}, {"description.en", false, NULL},
    {"type", false, v_type}, {"audience.fa", false, NULL}, {"audience.en", false, NULL},
    {"nature", false, v_nature}, {"level", false, v_level}, {"event", false, v_event},
    {"start", false, v_start}, {"start_note.fa", false, NULL}, {"start_note.en", false, NULL},
    {"requirement.fa", true, NULL}, {"requirement.en", true, NULL},
    {"regulation.fa", true, NULL}, {"regulation.en", true, NULL},
    {"figures.fa", false, NULL}, {"figures.en", false, NULL},
    {"duration.fa", false, NULL}, {"duration.en", false, NULL},
    {"frequency", false, NULL}, {"visits.fa", false, NULL}, {"visits.en", false, NULL},
    {"cost", false, NULL}, {"cost_note.fa", false, NULL}, {"cost_note.en", false, NULL},
    {"per_capita", false, NULL}, {"group_cap", false, NULL}, {"group_fact", false, NULL},
    {"approval", false, v_yesno}, {"website", false, NULL},
    {"system.fa", false, NULL}, {"system.en", false, NULL},
    {"flowchart.fa", true, NULL}, {"flowchart.en", true, NULL},
    {"filled_by.fa", false, NULL}, {"filled_by.en", false, NULL},
    {"note.fa", true, NULL}, {"note.en", true, NULL}, {"source", true, NULL},
    /* workshops (card 004, core/courses.c) */
    {"course_days", false, NULL}, {"course_min_days", false, NULL},
    {"courses_per_year", false, NULL},
    {NULL, false, NULL}};
static const key_def k_channel[] = {
    {"electronic", false, v_yesno}, {"media", false, v_media},
    {"in_person", false, v_in_person}, {"in_person_note.fa", false, NULL},
    {"in_person_note.en", false, NULL}, {"office", false, v_office},
    {"note.fa", true, NULL}, {"note.en", true, NULL}, {NULL, false, NULL}};
static const key_def k_link[] = {
    {"agency.fa", false, NULL}, {"agency.en", false, NULL},
    {"system.fa", false, NULL}, {"system.en", false, NULL},
    {"fields.fa", false, NULL}, {"fields.en", false, NULL},
    {"inquiry", false, v_inquiry}, {"by", false, v_by}, {"amount", false, NULL},
    {"key", false, NULL}, /* the agency's machine name, for inquiries (core/inquiries.c) */
    {NULL, false, NULL}};
static const key_def k_referral[] = {
    {"to.fa", false, NULL}, {"to.en", false, NULL},
    {"when.fa", false, NULL}, {"when.en", false, NULL}, {NULL, false, NULL}};
static const key_def k_document[] = {{"fa", false, NULL}, {"en", false, NULL},
                                     {NULL, false, NULL}};
static const key_def k_step[] = {{"fa", false, NULL}, {"en", false, NULL},
                                 {"event", false, NULL}, /* written on members' files */
                                 {NULL, false, NULL}};
static const key_def k_criterion[] = {
    {"label.fa", false, NULL}, {"label.en", false, NULL},
    {"reason.fa", false, NULL}, {"reason.en", false, NULL},
    {"rule", false, NULL}, {NULL, false, NULL}};
/* [gate NAME]: a step that needs a rule to hold (a confirmed inquiry), core/inquiries.c */
static const key_def k_gate[] = {
    {"step", false, NULL}, {"rule", false, NULL},
    {"reason.fa", false, NULL}, {"reason.en", false, NULL}, {NULL, false, NULL}};

static const struct block_def {
    const char *type;
    const key_def *keys;
    bool named; /* needs a name after the type */
} block_defs[] = {
    {"", k_header, false},          {"channel", k_channel, true},
    {"link", k_link, false},        {"referral", k_referral, false},
    {"document", k_document, true}, {"step", k_step, false},
    {"criterion", k_criterion, true}, {"gate", k_gate, true}, {NULL, NULL, false}};

/* The translated label of a vocabulary word of `key` ("type", "media"...),
 * or the word itself when unknown. */
const char *svc_vocab_label(const char *key, const char *word);
const char *svc_vocab_label(const char *key, const char *word)
{
    static const struct { const char *key; const vocab *v; } map[] = {
        {"type", v_type}, {"nature", v_nature}, {"level", v_level}, {"event", v_event},
        {"start", v_start}, {"media", v_media}, {"in_person", v_in_person},
        {"office", v_office}, {"inquiry", v_inquiry}, {"by", v_by},
        {"electronic", v_yesno}, {"approval", v_yesno}, {"local", v_yesno},
        {"stage", v_stage}, {NULL, NULL}};
    for (size_t i = 0; map[i].key; i++)
        if (strcmp(map[i].key, key) == 0)
            for (const vocab *v = map[i].v; v->word; v++)
                if (strcmp(v->word, word) == 0)
                    return _(v->label);
    return word;
}

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

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* ---- parsing ----------------------------------------------------------- */

static pv_status fail(pv_error *err, const char *origin, int line, const char *code,
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

static bool valid_name(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return strlen(s) < PV_KEY_SZ;
}

/* Splits lines into blocks of key/value pairs; no meaning checked yet. */
static pv_status split_card(char *text, const char *origin, svc_card *c, pv_error *err)
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
        char *s = trim(raw);
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
                return fail(err, origin, line, NULL, _("a block header is written [type name]"));
            *end = '\0';
            char *type = trim(s + 1), *name = type;
            while (*name && *name != ' ')
                name++;
            if (*name)
                *name++ = '\0';
            name = trim(name);
            if (!add_block(c, type, name, line))
                return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
            last = NULL;
            continue;
        }
        char *colon = strchr(s, ':');
        if (!colon)
            return fail(err, origin, line, NULL, _("expected “key: value”"));
        *colon = '\0';
        char *key = trim(s), *value = trim(colon + 1);
        if (!valid_key_word(key))
            return fail(err, origin, line, NULL, _("a key is lowercase letters, digits, _ and ."));
        last = add_kv(&c->blocks[c->n - 1], key, value, line);
        if (!last)
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    }
    return PV_OK;
}

/* ---- checking the meaning ---------------------------------------------- */

static bool words_ok(const vocab *v, const char *value, char *bad, size_t bad_size)
{
    char *copy = strdup(value);
    if (!copy)
        return false;
    bool ok = true;
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        w = trim(w);
        bool found = false;
        for (const vocab *x = v; x->word; x++)
            found |= strcmp(x->word, w) == 0;
        if (!found) {
            snprintf(bad, bad_size, "%s", w);
            ok = false;
            break;
        }
    }
    free(copy);
    return ok;
}

static char *word_list(const vocab *v)
{
    size_t len = 1;
    for (const vocab *x = v; x->word; x++)
        len += strlen(x->word) + 2;
    char *s = calloc(1, len);
    if (s)
        for (const vocab *x = v; x->word; x++) {
            if (x != v)
                strcat(s, ", ");
            strcat(s, x->word);
        }
    return s;
}

static pv_status check_keys(const svc_block *b, const struct block_def *def,
                            const char *origin, const char *code, pv_error *err)
{
    for (size_t i = 0; i < b->n; i++) {
        const svc_kv *kv = &b->kv[i];
        const key_def *k = def->keys;
        while (k->key && strcmp(k->key, kv->key) != 0)
            k++;
        char *msg = NULL;
        pv_status st = PV_OK;
        if (!k->key) {
            if (asprintf(&msg, _("unknown key “%s” in this block"), kv->key) < 0)
                msg = NULL;
        } else if (!k->multi && svc_get(b, kv->key) != kv->value) {
            if (asprintf(&msg, _("“%s” is given twice"), kv->key) < 0)
                msg = NULL;
        } else if (k->words) {
            char bad[64];
            if (!words_ok(k->words, kv->value, bad, sizeof bad)) {
                char *list = word_list(k->words);
                if (asprintf(&msg, _("“%s” is not a value of %s (one or more of: %s)"), bad,
                             kv->key, list ? list : "") < 0)
                    msg = NULL;
                free(list);
            }
        } else if (pv_utf8_length(kv->value) < 0) {
            msg = strdup(_("the text is not valid UTF-8"));
        }
        if (msg || (k->key == NULL)) {
            st = fail(err, origin, kv->line, code, msg ? msg : "?");
            free(msg);
            return st;
        }
    }
    return PV_OK;
}

static bool parse_money(const char *s, int64_t *out)
{
    char digits[32];
    if (!s || !pv_digits_ascii(s, true, digits, sizeof digits) || !*digits
        || strlen(digits) > 15)
        return false;
    *out = strtoll(digits, NULL, 10);
    return true;
}

/* "none", "once", "N/month", "N/season", "N/year". */
static bool parse_frequency(const char *s, pv_frequency *f, int *count)
{
    if (!s || strcmp(s, "none") == 0) {
        *f = PV_FREQ_NONE;
        *count = 0;
        return true;
    }
    if (strcmp(s, "once") == 0) {
        *f = PV_FREQ_ONCE;
        *count = 1;
        return true;
    }
    char unit[16];
    int n;
    if (sscanf(s, "%d/%15s", &n, unit) != 2 || n < 1 || n > 1000)
        return false;
    *count = n;
    if (strcmp(unit, "month") == 0) *f = PV_FREQ_MONTH;
    else if (strcmp(unit, "season") == 0) *f = PV_FREQ_SEASON;
    else if (strcmp(unit, "year") == 0) *f = PV_FREQ_YEAR;
    else return false;
    return true;
}

static pv_status check_header(const svc_block *h, const char *origin, const char *code,
                              pv_error *err)
{
    int64_t money;
    pv_frequency f;
    int cnt;
    static const char *money_keys[] = {"cost", "per_capita", "group_cap", NULL};
    if (!svc_get(h, "title.fa") || !*svc_get(h, "title.fa"))
        return fail(err, origin, h->line, code, _("the card has no title.fa"));
    for (int i = 0; money_keys[i]; i++) {
        const char *v = svc_get(h, money_keys[i]);
        if (v && !parse_money(v, &money)) {
            char *msg = NULL;
            if (asprintf(&msg, _("%s must be a whole number of rials"), money_keys[i]) < 0)
                msg = NULL;
            pv_status st = fail(err, origin, h->line, code, msg ? msg : "?");
            free(msg);
            return st;
        }
    }
    if (!parse_frequency(svc_get(h, "frequency"), &f, &cnt))
        return fail(err, origin, h->line, code,
                    _("frequency is none, once, or N/month, N/season, N/year"));
    const char *gf = svc_get(h, "group_fact");
    if (gf && !valid_name(gf))
        return fail(err, origin, h->line, code, _("group_fact must name a fact (a-z, 0-9, _)"));
    const char *gc = svc_get(h, "group_cap");
    if (gc && parse_money(gc, &money) && money > 0 && !gf)
        return fail(err, origin, h->line, code, _("a group_cap needs a group_fact"));
    return PV_OK;
}

static pv_status check_criterion(const svc_block *b, const char *origin, const char *code,
                                 pv_error *err)
{
    const char *need[] = {"label.fa", "reason.fa", "rule", NULL};
    for (int i = 0; need[i]; i++)
        if (!svc_get(b, need[i]) || !*svc_get(b, need[i])) {
            char *msg = NULL;
            if (asprintf(&msg, _("criterion %s has no %s"), b->name, need[i]) < 0)
                msg = NULL;
            pv_status st = fail(err, origin, b->line, code, msg ? msg : "?");
            free(msg);
            return st;
        }
    pv_rule *r = NULL;
    pv_error rerr = PV_ERROR_INIT;
    if (pv_rule_compile(svc_get(b, "rule"), &r, &rerr) != PV_OK) {
        char *msg = NULL;
        /* TRANSLATORS: criterion name, then what is wrong with its rule. */
        if (asprintf(&msg, _("the rule of criterion %s is refused: %s"), b->name,
                     rerr.message ? rerr.message : "?") < 0)
            msg = NULL;
        int line = b->line;
        for (size_t i = 0; i < b->n; i++)
            if (strcmp(b->kv[i].key, "rule") == 0)
                line = b->kv[i].line;
        pv_status st = fail(err, origin, line, code, msg ? msg : "?");
        free(msg);
        pv_error_clear(&rerr);
        return st;
    }
    pv_rule_free(r);
    return PV_OK;
}

static pv_status check_block(const svc_card *c, size_t i, const char *origin, const char *code,
                             pv_error *err)
{
    const svc_block *b = &c->blocks[i];
    const struct block_def *def = block_defs;
    while (def->type && strcmp(def->type, b->type) != 0)
        def++;
    if (!def->type) {
        char *msg = NULL;
        if (asprintf(&msg, _("unknown block [%s]"), b->type) < 0)
            msg = NULL;
        pv_status st = fail(err, origin, b->line, code, msg ? msg : "?");
        free(msg);
        return st;
    }
    if (def->named && !valid_name(b->name))
        return fail(err, origin, b->line, code,
                    _("this block needs a name: lowercase letters, digits and _"));
    if (!def->named && *b->name && i > 0)
        return fail(err, origin, b->line, code, _("this block takes no name"));
    if (strcmp(b->type, "channel") == 0) {
        char bad[64];
        if (!words_ok(v_stage, b->name, bad, sizeof bad))
            return fail(err, origin, b->line, code,
                        _("a channel is one of information, request, production, delivery, "
                          "follow_up"));
    }
    pv_status st = check_keys(b, def, origin, code, err);
    if (st != PV_OK)
        return st;
    if ((strcmp(b->type, "step") == 0 || strcmp(b->type, "document") == 0)
        && (!svc_get(b, "fa") || !*svc_get(b, "fa")))
        return fail(err, origin, b->line, code, _("this block needs fa: (its Persian title)"));
    for (size_t j = 1; j < i; j++) /* names unique within their type */
        if (strcmp(c->blocks[j].type, b->type) == 0 && *b->name
            && strcmp(c->blocks[j].name, b->name) == 0)
            return fail(err, origin, b->line, code, _("this name is used twice"));
    if (strcmp(b->type, "criterion") == 0)
        return check_criterion(b, origin, code, err);
    if (strcmp(b->type, "gate") == 0 || strcmp(b->type, "link") == 0 || i == 0) {
        const char *msg = svc_groups_check_block(c, i);
        if (msg)
            return fail(err, origin, b->line, code, msg);
    }
    return PV_OK;
}

pv_status svc_card_parse(const char *text, const char *origin, svc_card *out, pv_error *err)
{
    memset(out, 0, sizeof *out);
    if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3; /* a byte-order mark left by an editor */
    if (pv_utf8_length(text) < 0)
        return fail(err, origin, 1, NULL, _("the text is not valid UTF-8"));
    char *copy = strdup(text);
    if (!copy)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    pv_status st = split_card(copy, origin, out, err);
    free(copy);
    if (st != PV_OK) {
        svc_card_free(out);
        return st;
    }
    const svc_block *h = &out->blocks[0];
    char code[PV_CODE_SZ];
    if (!svc_code_norm(svc_get(h, "code"), code)) {
        svc_card_free(out);
        return fail(err, origin, 1, NULL,
                    _("the card needs a code: letters, digits and -, at most 31"));
    }
    st = check_header(h, origin, code, err);
    for (size_t i = 0; st == PV_OK && i < out->n; i++)
        st = check_block(out, i, origin, code, err);
    if (st == PV_OK) {
        size_t steps = 0;
        for (size_t i = 1; i < out->n; i++)
            steps += strcmp(out->blocks[i].type, "step") == 0;
        if (!steps)
            st = fail(err, origin, 1, code, _("the card has no [step]"));
    }
    if (st != PV_OK)
        svc_card_free(out);
    return st;
}

pv_status pv_catalog_validate_card(const char *text, const char *origin,
                                   char code_out[PV_CODE_SZ], pv_error *err)
{
    svc_card c;
    pv_status st = svc_card_parse(text ? text : "", origin, &c, err);
    if (st == PV_OK && code_out)
        svc_code_norm(svc_get(&c.blocks[0], "code"), code_out);
    svc_card_free(&c);
    return st;
}

/* ---- storing ------------------------------------------------------------ */

static void hash_text(const char *text, char out[17])
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a: enough to notice a changed file */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static const char *frequency_code(pv_frequency f)
{
    static const char *codes[] = {"none", "once", "month", "season", "year"};
    return codes[f];
}

static pv_status exec_bind(pv_ctx *ctx, const char *sql, const char *code, pv_error *err)
{
    return pv_run(ctx, sql, err, "t", code);
}

static pv_status store_children(pv_ctx *ctx, const svc_card *c, const char *code,
                                pv_error *err)
{
    static const char *dels[] = {"DELETE FROM service_criterion WHERE code = ?1",
                                 "DELETE FROM service_step WHERE code = ?1",
                                 "DELETE FROM service_document WHERE code = ?1"};
    for (int i = 0; i < 3; i++)
        if (exec_bind(ctx, dels[i], code, err) != PV_OK)
            return PV_EFAIL;
    int seq_c = 0, seq_s = 0, seq_d = 0;
    for (size_t i = 1; i < c->n; i++) {
        const svc_block *b = &c->blocks[i];
        sqlite3_stmt *st;
        const char *sql;
        int seq;
        if (strcmp(b->type, "criterion") == 0) {
            sql = "INSERT INTO service_criterion (code, seq, key, label_fa, label_en, "
                  "reason_fa, reason_en, rule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
            seq = ++seq_c;
        } else if (strcmp(b->type, "step") == 0) {
            sql = "INSERT INTO service_step (code, seq, title_fa, title_en) "
                  "VALUES (?1, ?2, ?4, ?5)";
            seq = ++seq_s;
        } else if (strcmp(b->type, "document") == 0) {
            sql = "INSERT INTO service_document (code, seq, key, label_fa, label_en) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)";
            seq = ++seq_d;
        } else {
            continue;
        }
        if (pv_stmt(ctx, sql, &st, err) != PV_OK)
            return PV_EFAIL;
        bool crit = strcmp(b->type, "criterion") == 0;
        const char *fa = svc_get(b, crit ? "label.fa" : "fa");
        const char *en = svc_get(b, crit ? "label.en" : "en");
        sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 2, seq);
        if (sqlite3_bind_parameter_index(st, "?3"))
            sqlite3_bind_text(st, 3, b->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, fa ? fa : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, en ? en : "", -1, SQLITE_TRANSIENT);
        if (crit) {
            const char *rf = svc_get(b, "reason.fa"), *re = svc_get(b, "reason.en");
            sqlite3_bind_text(st, 6, rf ? rf : "", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 7, re ? re : "", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 8, svc_get(b, "rule"), -1, SQLITE_TRANSIENT);
        }
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return pv_db_error(ctx, err);
    }
    return PV_OK;
}

/* Adds or replaces a parsed card's service (inside the caller's transaction). */
static pv_status store_card(pv_ctx *ctx, const svc_card *c, const char *text, const char *hash,
                            const char *origin, bool edited, pv_error *err)
{
    const svc_block *h = &c->blocks[0];
    char code[PV_CODE_SZ];
    svc_code_norm(svc_get(h, "code"), code);
    pv_frequency f;
    int cnt;
    int64_t per_capita = 0, group_cap = 0;
    parse_frequency(svc_get(h, "frequency"), &f, &cnt);
    if (svc_get(h, "per_capita"))
        parse_money(svc_get(h, "per_capita"), &per_capita);
    if (svc_get(h, "group_cap"))
        parse_money(svc_get(h, "group_cap"), &group_cap);
    const char *local = svc_get(h, "local"), *approval = svc_get(h, "approval");
    const char *gf = svc_get(h, "group_fact");
    sqlite3_stmt *st;
    if (pv_stmt(ctx,
                "INSERT INTO service (code, local_code, title_fa, title_en, provider_fa, "
                "provider_en, approval, frequency, freq_count, per_capita, group_cap, "
                "group_fact, card, card_hash, origin, edited, loaded_by) VALUES "
                "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17) "
                "ON CONFLICT (code) DO UPDATE SET local_code = ?2, title_fa = ?3, "
                "title_en = ?4, provider_fa = ?5, provider_en = ?6, approval = ?7, "
                "frequency = ?8, freq_count = ?9, per_capita = ?10, group_cap = ?11, "
                "group_fact = ?12, card = ?13, card_hash = ?14, origin = ?15, edited = ?16, "
                "loaded_by = ?17, loaded_at = " PV_NOW,
                &st, err) != PV_OK)
        return PV_EFAIL;
    const char *pf = svc_get(h, "provider.fa"), *pe = svc_get(h, "provider.en");
    const char *te = svc_get(h, "title.en");
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, local && strcmp(local, "yes") == 0);
    sqlite3_bind_text(st, 3, svc_get(h, "title.fa"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, te ? te : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, pf ? pf : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, pe ? pe : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 7, approval && strcmp(approval, "yes") == 0);
    sqlite3_bind_text(st, 8, frequency_code(f), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, cnt);
    sqlite3_bind_int64(st, 10, per_capita);
    sqlite3_bind_int64(st, 11, group_cap);
    sqlite3_bind_text(st, 12, gf ? gf : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 13, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 14, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 15, origin ? origin : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 16, edited);
    sqlite3_bind_text(st, 17, pv_ctx_actor(ctx)->name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return pv_db_error(ctx, err);
    return store_children(ctx, c, code, err);
}

pv_status pv_catalog_load_card(pv_ctx *ctx, const char *text, const char *origin,
                               pv_error *err)
{
    if (pv_authz_check(ctx, PV_ACT_CATALOG_ADMIN, 0, err) != PV_OK)
        return PV_EDENIED;
    svc_card c;
    pv_status st = svc_card_parse(text ? text : "", origin, &c, err);
    if (st != PV_OK)
        return st;
    char hash[17];
    hash_text(text, hash);
    st = pv_tx_begin(ctx, err);
    if (st == PV_OK) {
        st = store_card(ctx, &c, text, hash, origin, true, err);
        if (st == PV_OK)
            st = pv_tx_commit(ctx, err);
        else
            pv_tx_rollback(ctx);
    }
    svc_card_free(&c);
    return st;
}

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
    hash_text(text, hash);
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
    return store_card(ctx, c, text, hash, name, false, err);
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
