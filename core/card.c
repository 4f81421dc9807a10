/* parvande — a service card for display, section by section (§1-§11 and
 * the eligibility criteria), rebuilt from the card text kept in the
 * database, labels translated, values in the context's language. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/text.h"
#include "svc_internal.h"

const char *svc_vocab_label(const char *key, const char *word);

typedef struct builder {
    pv_card *card;
    pv_lang lang;
    bool failed;
} builder;

static void section(builder *b, const char *title)
{
    pv_card *c = b->card;
    pv_card_section *g = realloc(c->sections, (c->n_sections + 1) * sizeof *g);
    if (!g) {
        b->failed = true;
        return;
    }
    c->sections = g;
    pv_card_section *s = &g[c->n_sections++];
    memset(s, 0, sizeof *s);
    if (!(s->title = strdup(title)))
        b->failed = true;
}

static void row(builder *b, const char *label, const char *value)
{
    if (!value || !*value || !b->card->n_sections)
        return;
    pv_card_section *s = &b->card->sections[b->card->n_sections - 1];
    pv_card_row *g = realloc(s->rows, (s->n_rows + 1) * sizeof *g);
    if (!g) {
        b->failed = true;
        return;
    }
    s->rows = g;
    pv_card_row *r = &g[s->n_rows++];
    r->label = strdup(label);
    r->value = strdup(value);
    if (!r->label || !r->value)
        b->failed = true;
}

/* A field in the context's language ("title" -> title.fa / title.en). */
static void row_lang(builder *b, const svc_block *blk, const char *label, const char *base)
{
    row(b, label, svc_get_lang(blk, base, b->lang));
}

/* Every value of a repeated key, in the context's language. */
static void rows_multi(builder *b, const svc_block *blk, const char *label, const char *base)
{
    char fa[64], en[64];
    snprintf(fa, sizeof fa, "%s.fa", base);
    snprintf(en, sizeof en, "%s.en", base);
    bool has_en = false;
    for (size_t i = 0; i < blk->n; i++)
        has_en |= strcmp(blk->kv[i].key, en) == 0;
    const char *want = b->lang == PV_LANG_EN && has_en ? en : fa;
    for (size_t i = 0; i < blk->n; i++)
        if (strcmp(blk->kv[i].key, want) == 0)
            row(b, label, blk->kv[i].value);
}

/* Vocabulary words ("G2C, G2B") turned into translated labels. */
static void row_words(builder *b, const svc_block *blk, const char *label, const char *key)
{
    const char *v = svc_get(blk, key);
    if (!v)
        return;
    char out[1024] = "";
    char *copy = strdup(v);
    if (!copy) {
        b->failed = true;
        return;
    }
    for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        while (*w == ' ')
            w++;
        size_t len = strlen(w);
        while (len && w[len - 1] == ' ')
            w[--len] = '\0';
        if (*out)
            strncat(out, _(", "), sizeof out - strlen(out) - 1);
        strncat(out, svc_vocab_label(key, w), sizeof out - strlen(out) - 1);
    }
    free(copy);
    row(b, label, out);
}

/* A row whose value the program wrote: Persian digits in Persian. */
static void row_digits(builder *b, const char *label, const char *value)
{
    char fa[512];
    if (b->lang == PV_LANG_FA) {
        pv_digits_persian(value, fa, sizeof fa);
        value = fa;
    }
    row(b, label, value);
}

static void money_row(builder *b, const char *label, int64_t v)
{
    if (v <= 0)
        return;
    char money[64], buf[128];
    pv_money_format(v, b->lang == PV_LANG_FA, money, sizeof money);
    snprintf(buf, sizeof buf, _("%s rials"), money);
    row(b, label, buf);
}

static void frequency_row(builder *b, const pv_service_info *i)
{
    char buf[128];
    switch (i->frequency) {
    case PV_FREQ_NONE: snprintf(buf, sizeof buf, "%s", _("no limit")); break;
    case PV_FREQ_ONCE: snprintf(buf, sizeof buf, "%s", _("once for ever")); break;
    case PV_FREQ_MONTH: snprintf(buf, sizeof buf, _("%d per Jalali month"), i->freq_count); break;
    case PV_FREQ_SEASON: snprintf(buf, sizeof buf, _("%d per Jalali season"), i->freq_count); break;
    case PV_FREQ_YEAR: snprintf(buf, sizeof buf, _("%d per Jalali year"), i->freq_count); break;
    }
    row_digits(b, _("Frequency"), buf);
}

static void header_sections(builder *b, const svc_block *h, const pv_service_info *info)
{
    section(b, _("§1 Title"));
    row(b, _("Title"), info->title);
    row(b, _("Persian title"), b->lang == PV_LANG_EN ? info->title_fa : NULL);
    row(b, _("English title"), b->lang == PV_LANG_FA ? info->title_en : NULL);
    section(b, _("§2 Service code"));
    row(b, _("Code"), info->code);
    row(b, _("Kind of code"), info->local_code ? _("local code (the card has no national code)")
                                               : _("national code"));
    section(b, _("§3 Provider"));
    row_lang(b, h, _("Agency"), "provider");
    row_lang(b, h, _("Parent agency"), "parent");
    section(b, _("§4 Characteristics"));
    row_lang(b, h, _("Description"), "description");
    row_words(b, h, _("Type"), "type");
    row_lang(b, h, _("Audience"), "audience");
    row_words(b, h, _("Nature"), "nature");
    row_words(b, h, _("Level"), "level");
    row_words(b, h, _("Related life events"), "event");
    row_words(b, h, _("How it starts"), "start");
    row_lang(b, h, _("How it starts, note"), "start_note");
    rows_multi(b, h, _("Required documents and conditions"), "requirement");
    rows_multi(b, h, _("Laws and regulations"), "regulation");
    section(b, _("§5 Details"));
    row_lang(b, h, _("Number of recipients"), "figures");
    row_lang(b, h, _("Time to deliver"), "duration");
    frequency_row(b, info);
    row_lang(b, h, _("In-person visits"), "visits");
    const char *cost = svc_get(h, "cost");
    if (cost) {
        char buf[64];
        snprintf(buf, sizeof buf, _("%s rials"), cost);
        row_digits(b, _("Cost to the recipient"), buf);
    }
    row_lang(b, h, _("Cost, note"), "cost_note");
    money_row(b, _("Per-capita cost (charged to the yearly credit)"), info->per_capita);
    money_row(b, _("Money cap per group"), info->group_cap);
    row(b, _("Approval"), info->approval ? _("a supervisor approves before it starts")
                                         : _("not needed"));
    rows_multi(b, h, _("Note"), "note");
}

static void channel_rows(builder *b, const svc_block *blk)
{
    char label[256];
    snprintf(label, sizeof label, _("Stage: %s"), svc_vocab_label("stage", blk->name));
    const char *el = svc_get(blk, "electronic");
    if (el)
        row(b, label, strcmp(el, "yes") == 0 ? _("electronic") : _("not electronic"));
    row_words(b, blk, label, "media");
    const char *ip = svc_get(blk, "in_person");
    if (ip) {
        char l2[300];
        snprintf(l2, sizeof l2, _("%s — in person"), label);
        row_words(b, blk, l2, "in_person");
    }
    row_lang(b, blk, label, "in_person_note");
    row_words(b, blk, label, "office");
    rows_multi(b, blk, label, "note");
}

static void link_rows(builder *b, const svc_block *blk)
{
    char buf[1024];
    const char *agency = svc_get_lang(blk, "agency", b->lang);
    const char *system = svc_get_lang(blk, "system", b->lang);
    const char *fields = svc_get_lang(blk, "fields", b->lang);
    const char *inq = svc_get(blk, "inquiry"), *by = svc_get(blk, "by");
    snprintf(buf, sizeof buf, "%s%s%s%s%s%s%s%s%s", agency, *system ? " — " : "", system,
             *fields ? " — " : "", fields, inq ? " — " : "",
             inq ? svc_vocab_label("inquiry", inq) : "", by ? " — " : "",
             by ? svc_vocab_label("by", by) : "");
    row(b, _("Link to another agency or system (inquiry)"), buf);
}

static void body_sections(builder *b, const svc_card *c)
{
    const svc_block *h = &c->blocks[0];
    section(b, _("§6 Access"));
    row(b, _("Web site"), svc_get(h, "website"));
    row_lang(b, h, _("Electronic system"), "system");
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->blocks[i].type, "channel") == 0)
            channel_rows(b, &c->blocks[i]);
    section(b, _("§7–9 Links to other systems and agencies"));
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->blocks[i].type, "link") == 0)
            link_rows(b, &c->blocks[i]);
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->blocks[i].type, "referral") == 0) {
            char buf[1024];
            const char *when = svc_get_lang(&c->blocks[i], "when", b->lang);
            snprintf(buf, sizeof buf, "%s%s%s", svc_get_lang(&c->blocks[i], "to", b->lang),
                     *when ? " — " : "", when);
            row(b, _("Referral"), buf);
        }
    section(b, _("§10 Process steps"));
    int n = 0;
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->blocks[i].type, "step") == 0) {
            char num[16], label[64];
            snprintf(num, sizeof num, "%d", ++n);
            if (b->lang == PV_LANG_FA)
                pv_digits_persian(num, label, sizeof label);
            else
                snprintf(label, sizeof label, "%s", num);
            row(b, label, svc_pick(b->lang, svc_get(&c->blocks[i], "fa"),
                                   svc_get(&c->blocks[i], "en")));
        }
    section(b, _("§11 Flowchart and form"));
    rows_multi(b, h, _("Flowchart"), "flowchart");
    row_lang(b, h, _("Form filled in by"), "filled_by");
    rows_multi(b, h, _("Source"), "source");
    section(b, _("Documents to tick for each enrollment"));
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->blocks[i].type, "document") == 0)
            row(b, c->blocks[i].name, svc_pick(b->lang, svc_get(&c->blocks[i], "fa"),
                                               svc_get(&c->blocks[i], "en")));
    section(b, _("Eligibility criteria"));
    for (size_t i = 1; i < c->n; i++)
        if (strcmp(c->blocks[i].type, "criterion") == 0) {
            const svc_block *k = &c->blocks[i];
            char buf[2048];
            snprintf(buf, sizeof buf, _("%s — rule: %s — if not: %s"),
                     svc_get_lang(k, "label", b->lang), svc_get(k, "rule"),
                     svc_get_lang(k, "reason", b->lang));
            row(b, k->name, buf);
        }
}

void pv_card_free(pv_card *card)
{
    if (!card)
        return;
    for (size_t i = 0; i < card->n_sections; i++) {
        pv_card_section *s = &card->sections[i];
        for (size_t j = 0; j < s->n_rows; j++) {
            free(s->rows[j].label);
            free(s->rows[j].value);
        }
        free(s->rows);
        free(s->title);
    }
    free(card->sections);
    free(card);
}

pv_status pv_service_card(pv_ctx *ctx, const char *code, pv_card **out, pv_error *err)
{
    *out = NULL;
    pv_card *card = calloc(1, sizeof *card);
    if (!card)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    pv_status st = svc_info_load(ctx, code, &card->info, err);
    if (st != PV_OK) {
        free(card);
        return st;
    }
    sqlite3_stmt *q;
    if (pv_stmt(ctx, "SELECT card, origin FROM service WHERE code = ?1", &q, err) != PV_OK) {
        free(card);
        return PV_EFAIL;
    }
    sqlite3_bind_text(q, 1, card->info.code, -1, SQLITE_TRANSIENT);
    char *text = NULL, *origin = NULL;
    if (sqlite3_step(q) == SQLITE_ROW) {
        text = strdup((const char *)sqlite3_column_text(q, 0));
        origin = strdup((const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_reset(q);
    svc_card c;
    st = text ? svc_card_parse(text, origin, &c, err)
              : pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    free(text);
    free(origin);
    if (st != PV_OK) {
        free(card);
        return st;
    }
    builder b = {card, pv_ctx_lang(ctx), false};
    header_sections(&b, &c.blocks[0], &card->info);
    body_sections(&b, &c);
    svc_card_free(&c);
    if (b.failed) {
        pv_card_free(card);
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    }
    *out = card;
    return PV_OK;
}
