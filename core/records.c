/* parvande — the person's fields: one table shared by every input path
 * (CSV, forms, command line). Parsing accepts English and Persian words
 * and any digits; the stored values are normalised text and enum codes. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "parvande/calendar.h"
#include "parvande/records.h"
#include "parvande/text.h"
#include "parvande/validate.h"

/* ---- the field table ---- */

static const pv_field_info person_fields[] = {
    {"national_id", N_("National ID"), true, true},
    {"first_name", N_("First name"), true, false},
    {"last_name", N_("Last name"), true, false},
    {"father_name", N_("Father's name"), false, false},
    {"gender", N_("Gender"), true, false},
    {"birth_date", N_("Birth date"), true, true},
    {"phone", N_("Phone"), false, true},
    {"province", N_("Province"), false, false},
    {"county", N_("County"), false, false},
    {"address", N_("Address"), false, false},
    {"area", N_("Area type"), false, false},
    {"disability", N_("Disability"), false, false},
    {"guardianship", N_("Guardianship"), false, false},
    {"judicial_order", N_("Judicial order"), false, false},
    {"relation", N_("Relation to the head"), false, false},
};

const pv_field_info *pv_person_fields(size_t *n)
{
    *n = sizeof person_fields / sizeof *person_fields;
    return person_fields;
}

/* ---- enums: stored code, display label (msgid), words accepted ---- */

typedef struct enum_def {
    const char *field;
    int n;                     /* values 0..n-1 */
    const char *codes[6];      /* stored in the database */
    const char *labels[6];     /* msgids shown; "" shows nothing */
    const char *hint;          /* msgid: the reason of a rejection */
    const char *words[48];     /* "value:word" pairs, any language; NULL-terminated */
} enum_def;

static const enum_def enums[] = {
    [PV_ENUM_GENDER] = {"gender", 3, {"unknown", "female", "male"},
        {"", N_("female"), N_("male")},
        N_("not recognised; use female or male"),
        {"1:f", "1:woman", "1:زن", "1:خانم", "1:مونث", "1:مؤنث", "1:زنانه",
         "2:m", "2:man", "2:مرد", "2:آقا", "2:مذکر", "2:مردانه", NULL}},
    [PV_ENUM_AREA] = {"area", 4, {"unknown", "urban", "rural", "informal"},
        {"", N_("urban"), N_("rural"), N_("informal settlement")},
        N_("not recognised; use urban, rural or informal"),
        {"1:city", "1:شهری", "1:شهر", "2:village", "2:روستایی", "2:روستا",
         "3:informal settlement", "3:marginal", "3:حاشیه", "3:حاشیه نشین",
         "3:حاشیه‌نشینی", "3:غیررسمی", "3:سکونتگاه غیررسمی", "3:اسکان غیررسمی", NULL}},
    [PV_ENUM_DISABILITY] = {"disability", 5,
        {"none", "mild", "moderate", "severe", "very_severe"},
        {N_("none"), N_("mild"), N_("moderate"), N_("severe"), N_("very severe")},
        N_("not recognised; use none, mild, moderate, severe or very severe"),
        {"0:no", "0:0", "0:ندارد", "0:بدون", "0:بدون معلولیت", "0:هیچ", "0:سالم",
         "1:خفیف", "2:متوسط", "3:شدید", "4:very_severe", "4:خیلی شدید", "4:بسیار شدید",
         "4:شدید ویژه", NULL}},
    [PV_ENUM_GUARDIANSHIP] = {"guardianship", 3, {"none", "orphan", "poorly_supervised"},
        {N_("none"), N_("orphan"), N_("poorly supervised")},
        N_("not recognised; use none, orphan or poorly supervised"),
        {"0:no", "0:0", "0:ندارد", "0:دارای سرپرست", "0:با سرپرست",
         "1:بی‌سرپرست", "1:without guardian", "1:یتیم",
         "2:poor", "2:poorly_supervised", "2:بدسرپرست", NULL}},
    [PV_ENUM_RELATION] = {"relation", 6,
        {"head", "spouse", "child", "parent", "sibling", "other"},
        {N_("head"), N_("spouse"), N_("child"), N_("parent"), N_("sibling"), N_("other")},
        N_("not recognised; use head, spouse, child, parent, sibling or other"),
        {"0:سرپرست", "0:سرپرست خانوار", "0:head of household", "0:self", "0:خود",
         "1:همسر", "1:wife", "1:husband", "1:زوجه", "1:زوج",
         "2:فرزند", "2:son", "2:daughter", "2:پسر", "2:دختر",
         "3:والد", "3:والدین", "3:father", "3:mother", "3:پدر", "3:مادر",
         "4:brother", "4:sister", "4:برادر", "4:خواهر", "4:خواهر یا برادر",
         "5:سایر", "5:دیگر", "5:غیره", NULL}},
    [PV_ENUM_FILE_STATUS] = {"file_status", 2, {"active", "closed"},
        {N_("active"), N_("closed")},
        N_("not recognised; use active or closed"),
        {"0:open", "0:فعال", "0:باز", "1:close", "1:بسته", "1:مختومه", NULL}},
};

static const char *const bool_words[] = {
    "1:1", "1:yes", "1:y", "1:true", "1:بله", "1:بلی", "1:آری", "1:دارد", "1:هست",
    "0:0", "0:no", "0:n", "0:false", "0:خیر", "0:نه", "0:ندارد", "0:نیست", NULL};

/* The search-folded form of a word typed for an enum: underscores count as
 * spaces, and spaces, ZWNJ, case and letter variants do not matter. */
static void fold_word(const char *in, char *out, size_t size)
{
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", in);
    for (char *c = tmp; *c; c++)
        if (*c == '_')
            *c = ' ';
    pv_text_fold(tmp, out, size);
}

/* Every accepted word of every enum, folded once (the words are constants,
 * so this is a table computed on first use, not state): an importer parses
 * several enum fields a row and must not fold dozens of words for each. */
#define BOOL_KIND (PV_ENUM_FILE_STATUS + 1)
typedef struct folded_word {
    int value;
    char text[48];
} folded_word;
static struct {
    folded_word w[64];
    size_t n;
} folded[BOOL_KIND + 1];
static pthread_once_t folded_once = PTHREAD_ONCE_INIT;

static void fold_add(int kind, int value, const char *word)
{
    if (!*word || folded[kind].n == sizeof folded[kind].w / sizeof *folded[kind].w)
        return;
    folded_word *f = &folded[kind].w[folded[kind].n];
    fold_word(word, f->text, sizeof f->text);
    f->value = value;
    if (f->text[0])
        folded[kind].n++;
}

static void fold_pairs(int kind, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        fold_add(kind, words[i][0] - '0', strchr(words[i], ':') + 1);
}

static void fold_tables(void)
{
    for (int k = 0; k <= PV_ENUM_FILE_STATUS; k++) {
        for (int v = 0; v < enums[k].n; v++) {
            fold_add(k, v, enums[k].codes[v]);
            fold_add(k, v, enums[k].labels[v]);
        }
        fold_pairs(k, enums[k].words);
    }
    fold_pairs(BOOL_KIND, bool_words);
}

/* The value of folded input among a kind's words, else -1. */
static int folded_lookup(int kind, const char *in)
{
    pthread_once(&folded_once, fold_tables);
    for (size_t i = 0; i < folded[kind].n; i++)
        if (strcmp(folded[kind].w[i].text, in) == 0)
            return folded[kind].w[i].value;
    return -1;
}

/* The value of typed text for an enum: its code, its English label, a
 * listed synonym in either language, or its label in the current language.
 * -1 if none. */
static int enum_parse(pv_enum_kind kind, const char *text)
{
    const enum_def *e = &enums[kind];
    char in[256], w[256];
    fold_word(text, in, sizeof in);
    if (!*in)
        return -1;
    int v = folded_lookup((int)kind, in);
    for (int i = 0; v < 0 && i < e->n; i++) { /* a translation of another language */
        if (!*e->labels[i])
            continue;
        fold_word(_(e->labels[i]), w, sizeof w);
        if (strcmp(w, in) == 0)
            v = i;
    }
    return v;
}

static int bool_parse(const char *text)
{
    char in[256], w[256];
    fold_word(text, in, sizeof in);
    if (!*in)
        return -1;
    int v = folded_lookup(BOOL_KIND, in);
    for (int i = 0; v < 0 && i <= 1; i++) { /* the words shown in the current language */
        fold_word(i ? _("yes") : _("no"), w, sizeof w);
        if (strcmp(w, in) == 0)
            v = i;
    }
    return v;
}

static const char *enum_code(pv_enum_kind kind, int v)
{
    const enum_def *e = &enums[kind];
    return v >= 0 && v < e->n ? e->codes[v] : e->codes[0];
}

static const char *enum_label(pv_enum_kind kind, int v)
{
    const enum_def *e = &enums[kind];
    if (v < 0 || v >= e->n || !*e->labels[v])
        return "";
    return _(e->labels[v]);
}

int pv_enum_from_code(pv_enum_kind kind, const char *code)
{
    const enum_def *e = &enums[kind];
    for (int v = 0; code && v < e->n; v++)
        if (strcmp(e->codes[v], code) == 0)
            return v;
    return 0;
}

const char *pv_gender_code(pv_gender g) { return enum_code(PV_ENUM_GENDER, (int)g); }
const char *pv_area_code(pv_area a) { return enum_code(PV_ENUM_AREA, (int)a); }
const char *pv_disability_code(pv_disability d) { return enum_code(PV_ENUM_DISABILITY, (int)d); }
const char *pv_guardianship_code(pv_guardianship g) { return enum_code(PV_ENUM_GUARDIANSHIP, (int)g); }
const char *pv_relation_code(pv_relation r) { return enum_code(PV_ENUM_RELATION, (int)r); }
const char *pv_file_status_code(pv_file_status s) { return enum_code(PV_ENUM_FILE_STATUS, (int)s); }

/* ---- today, once a second ---- */

/* pv_today for the per-field checks: an import asks for every birth date
 * and every person, and pv_today reads the environment and converts the
 * clock to local time each time. The answer is kept for the rest of the
 * same second (per thread) and for the same PARVANDE_TODAY, so it is never
 * older than the clock and tests that change the variable see the change. */
static void today_cached(char out[PV_DATE_SZ])
{
    static _Thread_local struct {
        time_t sec;
        char env[16]; /* PARVANDE_TODAY as it was ("" when unset) */
        char day[PV_DATE_SZ];
    } c;
    time_t now = time(NULL);
    const char *env = getenv("PARVANDE_TODAY");
    if (!env)
        env = "";
    if (strlen(env) >= sizeof c.env) { /* too long to remember: not cached */
        pv_today(out);
        return;
    }
    if (!c.day[0] || c.sec != now || strcmp(c.env, env) != 0) {
        pv_today(c.day);
        c.sec = now;
        snprintf(c.env, sizeof c.env, "%s", env);
    }
    memcpy(out, c.day, PV_DATE_SZ);
}

/* ---- parsing one field ---- */

/* Blank input (spaces only) clears an optional field. */
static bool is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return false;
    return true;
}

static pv_status parse_enum_field(pv_enum_kind kind, const char *field, const char *text,
                                  int *out, pv_error *err)
{
    if (is_blank(text)) {
        *out = 0;
        return PV_OK;
    }
    int v = enum_parse(kind, text);
    if (v < 0)
        return pv_error_field(err, field, _(enums[kind].hint));
    *out = v;
    return PV_OK;
}

static pv_status parse_bool_field(const char *field, const char *text, bool *out, pv_error *err)
{
    if (is_blank(text)) {
        *out = false;
        return PV_OK;
    }
    int v = bool_parse(text);
    if (v < 0)
        return pv_error_field(err, field, _("not recognised; use yes or no"));
    *out = v == 1;
    return PV_OK;
}

/* A date typed in Jalali or ISO; `past` refuses dates after today. */
static pv_status parse_date_field(const char *field, const char *text, bool past,
                                  char out[PV_DATE_SZ], pv_error *err)
{
    if (is_blank(text)) {
        out[0] = '\0';
        return PV_OK;
    }
    char iso[PV_DATE_SZ], today[PV_DATE_SZ];
    pv_status rc = pv_date_parse(text, field, iso, err);
    if (rc != PV_OK)
        return rc;
    today_cached(today);
    if (past && strcmp(iso, today) > 0)
        return pv_error_field(err, field, _("is in the future"));
    memcpy(out, iso, PV_DATE_SZ);
    return PV_OK;
}

static char *person_text_slot(pv_person *p, const char *field, size_t *size, pv_text_kind *kind)
{
    struct { const char *name; size_t off, size; pv_text_kind kind; } slots[] = {
        {"first_name", offsetof(pv_person, first_name), PV_NAME_SZ, PV_TEXT_NAME},
        {"last_name", offsetof(pv_person, last_name), PV_NAME_SZ, PV_TEXT_NAME},
        {"father_name", offsetof(pv_person, father_name), PV_NAME_SZ, PV_TEXT_NAME},
        {"province", offsetof(pv_person, province), PV_NAME_SZ, PV_TEXT_LINE},
        {"county", offsetof(pv_person, county), PV_NAME_SZ, PV_TEXT_LINE},
        {"address", offsetof(pv_person, address), PV_ADDR_SZ, PV_TEXT_LINE},
    };
    for (size_t i = 0; i < sizeof slots / sizeof *slots; i++) {
        if (strcmp(slots[i].name, field) == 0) {
            *size = slots[i].size;
            *kind = slots[i].kind;
            return (char *)p + slots[i].off;
        }
    }
    return NULL;
}

static pv_status set_enum(pv_person *p, const char *field, const char *text, pv_error *err,
                          bool *handled)
{
    static const struct { const char *name; pv_enum_kind kind; size_t off; } slots[] = {
        {"gender", PV_ENUM_GENDER, offsetof(pv_person, gender)},
        {"area", PV_ENUM_AREA, offsetof(pv_person, area)},
        {"disability", PV_ENUM_DISABILITY, offsetof(pv_person, disability)},
        {"guardianship", PV_ENUM_GUARDIANSHIP, offsetof(pv_person, guardianship)},
        {"relation", PV_ENUM_RELATION, offsetof(pv_person, relation)},
    };
    for (size_t i = 0; i < sizeof slots / sizeof *slots; i++) {
        if (strcmp(slots[i].name, field) != 0)
            continue;
        *handled = true;
        int v;
        pv_status rc = parse_enum_field(slots[i].kind, field, text, &v, err);
        if (rc == PV_OK) {
            /* every one of these enums has the size of an int */
            int *dst = (int *)(void *)((char *)p + slots[i].off);
            *dst = v;
        }
        return rc;
    }
    *handled = false;
    return PV_OK;
}

pv_status pv_person_set_field(pv_person *p, const char *field, const char *text,
                              pv_error *err)
{
    if (!field || !text)
        return pv_error_set(err, PV_EUSAGE, field, "pv_person_set_field: NULL argument");
    size_t size;
    pv_text_kind kind;
    char *slot = person_text_slot(p, field, &size, &kind);
    if (slot) {
        char buf[PV_ADDR_SZ];
        pv_status rc = pv_text_normalize(text, kind, field, buf, size, err);
        if (rc == PV_OK)
            memcpy(slot, buf, strlen(buf) + 1);
        return rc;
    }
    bool handled;
    pv_status rc = set_enum(p, field, text, err, &handled);
    if (handled)
        return rc;
    if (strcmp(field, "national_id") == 0) {
        char id[PV_NATID_SZ];
        rc = pv_natid_parse(text, field, id, err);
        if (rc == PV_OK)
            memcpy(p->national_id, id, sizeof id);
        return rc;
    }
    if (strcmp(field, "phone") == 0) {
        char ph[PV_PHONE_SZ] = "";
        rc = is_blank(text) ? PV_OK : pv_phone_parse(text, field, ph, err);
        if (rc == PV_OK)
            memcpy(p->phone, ph, sizeof ph);
        return rc;
    }
    if (strcmp(field, "birth_date") == 0)
        return parse_date_field(field, text, true, p->birth_date, err);
    if (strcmp(field, "judicial_order") == 0)
        return parse_bool_field(field, text, &p->judicial_order, err);
    return pv_error_set(err, PV_EUSAGE, field, _("Unknown field: %s"), field);
}

void pv_person_get_field(const pv_person *p, const char *field, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    buf[0] = '\0';
    size_t tsize;
    pv_text_kind kind;
    const char *text = person_text_slot((pv_person *)p, field, &tsize, &kind);
    if (!text) {
        char jal[PV_DATE_SZ];
        if (strcmp(field, "national_id") == 0)
            text = p->national_id;
        else if (strcmp(field, "phone") == 0)
            text = p->phone;
        else if (strcmp(field, "birth_date") == 0)
            text = pv_date_to_jalali_text(p->birth_date, jal) ? jal : "";
        else if (strcmp(field, "gender") == 0)
            text = enum_label(PV_ENUM_GENDER, (int)p->gender);
        else if (strcmp(field, "area") == 0)
            text = enum_label(PV_ENUM_AREA, (int)p->area);
        else if (strcmp(field, "disability") == 0)
            text = enum_label(PV_ENUM_DISABILITY, (int)p->disability);
        else if (strcmp(field, "guardianship") == 0)
            text = enum_label(PV_ENUM_GUARDIANSHIP, (int)p->guardianship);
        else if (strcmp(field, "relation") == 0)
            text = enum_label(PV_ENUM_RELATION, (int)p->relation);
        else if (strcmp(field, "judicial_order") == 0)
            text = p->judicial_order ? _("yes") : _("no");
        else
            text = "";
        snprintf(buf, size, "%s", text);
        return;
    }
    snprintf(buf, size, "%s", text);
}

pv_status pv_person_validate(const pv_person *p, pv_error *err)
{
    static const char *const required[] = {"national_id", "first_name", "last_name"};
    const char *values[] = {p->national_id, p->first_name, p->last_name};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!values[i][0])
            return pv_error_field(err, required[i], _("is required"));
    if (!pv_natid_valid(p->national_id))
        return pv_error_field(err, "national_id", _("is not a valid national ID"));
    if (p->gender != PV_GENDER_FEMALE && p->gender != PV_GENDER_MALE)
        return pv_error_field(err, "gender", _("is required"));
    if (!p->birth_date[0])
        return pv_error_field(err, "birth_date", _("is required"));
    pv_date d;
    char today[PV_DATE_SZ];
    today_cached(today);
    if (!pv_iso_parse(p->birth_date, &d))
        return pv_error_field(err, "birth_date", _("is not a valid date"));
    if (strcmp(p->birth_date, today) > 0)
        return pv_error_field(err, "birth_date", _("is in the future"));
    if (p->judicial_order && p->guardianship == PV_GUARD_NONE)
        return pv_error_field(err, "judicial_order",
                              _("applies only to an orphan or a poorly supervised person"));
    if ((unsigned)p->relation > PV_REL_OTHER || (unsigned)p->area > PV_AREA_INFORMAL ||
        (unsigned)p->disability > PV_DIS_VERY_SEVERE ||
        (unsigned)p->guardianship > PV_GUARD_POOR)
        return pv_error_set(err, PV_EUSAGE, NULL, "pv_person_validate: enum out of range");
    return PV_OK;
}

/* ---- case-file fields ---- */

pv_status pv_casefile_set_field(pv_casefile *f, const char *field, const char *text,
                                pv_error *err)
{
    if (!field || !text)
        return pv_error_set(err, PV_EUSAGE, field, "pv_casefile_set_field: NULL argument");
    if (strcmp(field, "covered") == 0)
        return parse_bool_field(field, text, &f->covered, err);
    if (strcmp(field, "file_status") == 0) {
        int v;
        pv_status rc = parse_enum_field(PV_ENUM_FILE_STATUS, field, text, &v, err);
        if (rc == PV_OK)
            f->status = (pv_file_status)v;
        return rc;
    }
    if (strcmp(field, "opened_on") == 0 || strcmp(field, "closed_on") == 0)
        return parse_date_field("date", text, true,
                                field[0] == 'o' ? f->opened_on : f->closed_on, err);
    if (strcmp(field, "caseworker") == 0) {
        char buf[sizeof f->caseworker];
        pv_status rc = pv_text_normalize(text, PV_TEXT_LINE, field, buf, sizeof buf, err);
        if (rc == PV_OK)
            memcpy(f->caseworker, buf, sizeof buf);
        return rc;
    }
    return pv_error_set(err, PV_EUSAGE, field, _("Unknown field: %s"), field);
}
