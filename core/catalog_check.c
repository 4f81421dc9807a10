/* parvande — service card files, part 2: the meaning of a split card
 * checked (known blocks and keys, the vocabulary of enumerated values,
 * money, frequencies, and every rule compiled), giving svc_card_parse. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "parvande/text.h"

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

/* ---- checking the meaning ---------------------------------------------- */

static bool words_ok(const vocab *v, const char *value, char *bad, size_t bad_size)
{
    char *copy = strdup(value);
    if (!copy)
        return false;
    bool ok = true;
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        w = svc_trim(w);
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
            st = svc_card_fail(err, origin, kv->line, code, msg ? msg : "?");
            free(msg);
            return st;
        }
    }
    return PV_OK;
}

bool svc_parse_money(const char *s, int64_t *out)
{
    char digits[32];
    if (!s || !pv_digits_ascii(s, true, digits, sizeof digits) || !*digits
        || strlen(digits) > 15)
        return false;
    *out = strtoll(digits, NULL, 10);
    return true;
}

/* "none", "once", "N/month", "N/season", "N/year". */
bool svc_parse_frequency(const char *s, pv_frequency *f, int *count)
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
        return svc_card_fail(err, origin, h->line, code, _("the card has no title.fa"));
    for (int i = 0; money_keys[i]; i++) {
        const char *v = svc_get(h, money_keys[i]);
        if (v && !svc_parse_money(v, &money)) {
            char *msg = NULL;
            if (asprintf(&msg, _("%s must be a whole number of rials"), money_keys[i]) < 0)
                msg = NULL;
            pv_status st = svc_card_fail(err, origin, h->line, code, msg ? msg : "?");
            free(msg);
            return st;
        }
    }
    if (!svc_parse_frequency(svc_get(h, "frequency"), &f, &cnt))
        return svc_card_fail(err, origin, h->line, code,
                    _("frequency is none, once, or N/month, N/season, N/year"));
    const char *gf = svc_get(h, "group_fact");
    if (gf && !svc_valid_name(gf))
        return svc_card_fail(err, origin, h->line, code, _("group_fact must name a fact (a-z, 0-9, _)"));
    const char *gc = svc_get(h, "group_cap");
    if (gc && svc_parse_money(gc, &money) && money > 0 && !gf)
        return svc_card_fail(err, origin, h->line, code, _("a group_cap needs a group_fact"));
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
            pv_status st = svc_card_fail(err, origin, b->line, code, msg ? msg : "?");
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
        pv_status st = svc_card_fail(err, origin, line, code, msg ? msg : "?");
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
        pv_status st = svc_card_fail(err, origin, b->line, code, msg ? msg : "?");
        free(msg);
        return st;
    }
    if (def->named && !svc_valid_name(b->name))
        return svc_card_fail(err, origin, b->line, code,
                    _("this block needs a name: lowercase letters, digits and _"));
    if (!def->named && *b->name && i > 0)
        return svc_card_fail(err, origin, b->line, code, _("this block takes no name"));
    if (strcmp(b->type, "channel") == 0) {
        char bad[64];
        if (!words_ok(v_stage, b->name, bad, sizeof bad))
            return svc_card_fail(err, origin, b->line, code,
                        _("a channel is one of information, request, production, delivery, "
                          "follow_up"));
    }
    pv_status st = check_keys(b, def, origin, code, err);
    if (st != PV_OK)
        return st;
    if ((strcmp(b->type, "step") == 0 || strcmp(b->type, "document") == 0)
        && (!svc_get(b, "fa") || !*svc_get(b, "fa")))
        return svc_card_fail(err, origin, b->line, code, _("this block needs fa: (its Persian title)"));
    for (size_t j = 1; j < i; j++) /* names unique within their type */
        if (strcmp(c->blocks[j].type, b->type) == 0 && *b->name
            && strcmp(c->blocks[j].name, b->name) == 0)
            return svc_card_fail(err, origin, b->line, code, _("this name is used twice"));
    if (strcmp(b->type, "criterion") == 0)
        return check_criterion(b, origin, code, err);
    if (strcmp(b->type, "gate") == 0 || strcmp(b->type, "link") == 0 || i == 0) {
        const char *msg = svc_groups_check_block(c, i);
        if (msg)
            return svc_card_fail(err, origin, b->line, code, msg);
    }
    return PV_OK;
}

pv_status svc_card_parse(const char *text, const char *origin, svc_card *out, pv_error *err)
{
    memset(out, 0, sizeof *out);
    if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3; /* a byte-order mark left by an editor */
    if (pv_utf8_length(text) < 0)
        return svc_card_fail(err, origin, 1, NULL, _("the text is not valid UTF-8"));
    char *copy = strdup(text);
    if (!copy)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    pv_status st = svc_card_split(copy, origin, out, err);
    free(copy);
    if (st != PV_OK) {
        svc_card_free(out);
        return st;
    }
    const svc_block *h = &out->blocks[0];
    char code[PV_CODE_SZ];
    if (!svc_code_norm(svc_get(h, "code"), code)) {
        svc_card_free(out);
        return svc_card_fail(err, origin, 1, NULL,
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
            st = svc_card_fail(err, origin, 1, code, _("the card has no [step]"));
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
