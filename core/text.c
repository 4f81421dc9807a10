/* parvande — Persian text: UTF-8, normalisation for storage, search folding,
 * digits and display sanitising (see include/parvande/text.h).
 * No locale dependence: every character class here is decided by tables
 * in this file, so results are the same under any setlocale(). */
#include <stdio.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/text.h"
#include "text_internal.h"

#define CP_ZWNJ 0x200C
#define CP_FFFD 0xFFFD

/* ---- UTF-8 --------------------------------------------------------------- */

size_t pv_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    unsigned char c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0; /* continuation byte, overlong lead (C0/C1) or > U+10FFFF */
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0; /* overlong, out of range, or a UTF-16 surrogate */
    *cp = v;
    return len;
}

size_t pv_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = CP_FFFD;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

long pv_utf8_length(const char *s)
{
    if (!s)
        return -1;
    size_t n = strlen(s);
    long count = 0;
    while (n > 0) {
        uint32_t cp;
        size_t len = pv_utf8_decode(s, n, &cp);
        if (len == 0)
            return -1;
        s += len, n -= len, count++;
    }
    return count;
}

/* ---- character classes ----------------------------------------------------- */

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* Invisible controls that reorder or mark direction: a stored U+202E
 * reverses everything after it on every screen. */
static bool is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Dropped silently from stored text: bidi controls, the BOM, direction
 * marks and other invisible format characters that only break searching. */
static bool is_strippable(uint32_t cp)
{
    return is_bidi_control(cp) || cp == 0xFEFF || cp == 0x200E || cp == 0x200F ||
           cp == 0x061C || cp == 0x200B || cp == 0x2060 || (cp >= 0x206A && cp <= 0x206F);
}

/* Spaces other than newline; NBSP and the typographic spaces count too. */
static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

int pv_digit_value(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 0x06F0 && cp <= 0x06F9) /* Persian */
        return (int)(cp - 0x06F0);
    if (cp >= 0x0660 && cp <= 0x0669) /* Arabic-Indic */
        return (int)(cp - 0x0660);
    return -1;
}

bool pv_is_number_mark(uint32_t cp)
{
    return cp == ' ' || cp == 0xA0 || cp == CP_ZWNJ || cp == 0x200E || cp == 0x200F ||
           cp == 0x061C || cp == 0xFEFF || is_bidi_control(cp);
}

/* Ranges that are not letters (nor marks on letters), checked for names.
 * Without a Unicode database this is an approximation by blocks: symbols,
 * punctuation, digits of the scripts people type here, emoji, private use. */
static const struct {
    uint32_t lo, hi;
} non_letters[] = {
    {0x00A0, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7}, {0x02C2, 0x02C5},
    {0x02D2, 0x02DF}, {0x0374, 0x0375}, {0x037E, 0x037E}, {0x0384, 0x0385},
    {0x0387, 0x0387}, {0x0589, 0x058A}, {0x0600, 0x060F}, {0x061B, 0x061F},
    {0x0660, 0x066D}, {0x06D4, 0x06D4}, {0x06DD, 0x06DE}, {0x06E9, 0x06E9},
    {0x06F0, 0x06F9}, {0x06FD, 0x06FE}, {0x0964, 0x096F}, {0x2000, 0x2BFF},
    {0x2E00, 0x2E7F}, {0x3000, 0x303F}, {0xD800, 0xF8FF}, {0xFD3E, 0xFD3F},
    {0xFDFC, 0xFDFD}, {0xFE00, 0xFE6F}, {0xFF00, 0xFF20}, {0xFF3B, 0xFF40},
    {0xFF5B, 0xFF65}, {0xFFF0, 0xFFFF}, {0x1D7CE, 0x1D7FF}, {0x1F000, 0x1FAFF},
    {0xE0000, 0x10FFFF},
};

static bool is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
    if ((cp >= 0x0620 && cp <= 0x065F) || (cp >= 0x066E && cp <= 0x06D3))
        return true; /* Arabic-script letters and harakat: the common case */
    if (cp < 0xC0 && cp != 0xAA && cp != 0xB5 && cp != 0xBA)
        return false;
    for (size_t i = 0; i < sizeof non_letters / sizeof *non_letters; i++)
        if (cp >= non_letters[i].lo && cp <= non_letters[i].hi)
            return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
    return true;
}

/* Arabic yeh/kaf typed with Shift on the Persian layout -> Persian letters. */
static uint32_t persian_letter(uint32_t cp)
{
    if (cp == 0x064A || cp == 0x0649)
        return 0x06CC;
    if (cp == 0x0643)
        return 0x06A9;
    return cp;
}

/* ---- normalisation for storage -------------------------------------------- */

typedef struct norm_out {
    char *buf;
    size_t size, len; /* bytes written (always < size) */
    long chars;       /* characters produced, written or not */
    bool overflow;
} norm_out;

static void norm_put(norm_out *o, uint32_t cp)
{
    char tmp[4];
    size_t n = pv_utf8_encode(cp, tmp);
    o->chars++;
    if (o->overflow || o->len + n >= o->size) {
        o->overflow = true;
        return;
    }
    memcpy(o->buf + o->len, tmp, n);
    o->len += n;
}

/* A rejection leaves no half-normalised text behind in out. */
static pv_status reject(pv_error *err, const char *field, const char *reason, char *out)
{
    out[0] = '\0';
    return pv_error_field(err, field, reason);
}

static long kind_limit(pv_text_kind kind)
{
    switch (kind) {
    case PV_TEXT_NAME: return PV_NAME_CHARS;
    case PV_TEXT_LINE: return PV_ADDR_CHARS;
    case PV_TEXT_NOTE: return PV_NOTE_CHARS;
    }
    return PV_ADDR_CHARS;
}

/* Separators seen since the last visible character; written only when a
 * visible character follows, which trims both ends and collapses runs.
 * A ZWNJ survives only between two visible characters. */
typedef struct pending {
    int newlines;
    bool space, zwnj;
} pending;

static void flush_pending(norm_out *o, pending *p)
{
    if (o->chars > 0) {
        if (p->newlines > 0)
            for (int i = 0; i < (p->newlines > 2 ? 2 : p->newlines); i++)
                norm_put(o, '\n');
        else if (p->space)
            norm_put(o, ' ');
        else if (p->zwnj)
            norm_put(o, CP_ZWNJ);
    }
    p->newlines = 0, p->space = false, p->zwnj = false;
}

pv_status pv_text_normalize(const char *in, pv_text_kind kind, const char *field,
                            char *out, size_t size, pv_error *err)
{
    if (!out || size == 0)
        return pv_error_set(err, PV_EUSAGE, field, "pv_text_normalize: no output buffer");
    out[0] = '\0';
    if (!in)
        return PV_OK;
    size_t n = strlen(in);
    if (pv_utf8_length(in) < 0)
        return reject(err, field, _("is not valid UTF-8"), out);

    norm_out o = {out, size, 0, 0, false};
    pending p = {0, false, false};
    bool has_letter = false;
    long limit = kind_limit(kind);
    while (n > 0) {
        uint32_t cp;
        size_t len = pv_utf8_decode(in, n, &cp);
        in += len, n -= len;
        if (cp == '\r' && kind == PV_TEXT_NOTE && n > 0 && *in == '\n')
            continue; /* CRLF line ends from Windows files become LF */
        if (cp == '\n' && kind == PV_TEXT_NOTE) {
            p.newlines++, p.space = false, p.zwnj = false;
            continue;
        }
        if ((cp == '\n' || cp == '\r') && kind != PV_TEXT_NOTE)
            return reject(err, field, _("must be a single line"), out);
        if (is_control(cp))
            return reject(err, field, _("contains a control character"), out);
        if (is_strippable(cp))
            continue;
        if (is_space(cp)) {
            p.space = true, p.zwnj = false;
            continue;
        }
        if (cp == CP_ZWNJ) {
            if (!p.space && p.newlines == 0)
                p.zwnj = true;
            continue;
        }
        cp = persian_letter(cp);
        if (kind == PV_TEXT_NAME) {
            if (is_letter(cp))
                has_letter = true;
            else if (cp != '.' && cp != '-' && cp != '\'')
                return reject(err, field, _("may contain only letters, spaces and . - '"), out);
        } else if (pv_digit_value(cp) >= 0) {
            cp = (uint32_t)('0' + pv_digit_value(cp)); /* digits are stored ASCII */
        }
        flush_pending(&o, &p);
        norm_put(&o, cp);
        if (o.chars > limit)
            break; /* already too long: no need to read megabytes more */
    }
    o.buf[o.len] = '\0';

    char reason[160];
    if (o.chars > limit) {
        snprintf(reason, sizeof reason, _("is longer than %ld characters"), limit);
        return reject(err, field, reason, out);
    }
    if (o.overflow) {
        snprintf(reason, sizeof reason, _("is too long (at most %zu bytes)"), size - 1);
        return reject(err, field, reason, out);
    }
    if (kind == PV_TEXT_NAME && o.chars > 0 && !has_letter) {
        return reject(err, field, _("must contain a letter"), out);
    }
    return PV_OK;
}

/* ---- search folding ------------------------------------------------------ */

/* The folded form of one character, or 0 to drop it. Table-free switch on
 * the Arabic block keeps this branch-cheap on the hot path. */
static uint32_t fold_char(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z')
            return cp + 32;
        if (cp <= ' ' || cp == 0x7F || cp == '.' || cp == '-' || cp == '\'')
            return 0;
        return cp;
    }
    if (cp >= 0x0600 && cp <= 0x06FF) {
        if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640 ||
            (cp >= 0x06D6 && cp <= 0x06ED && cp != 0x06DE && cp != 0x06E9))
            return 0; /* harakat, superscript alef, tatweel, Quranic marks */
        switch (cp) {
        case 0x064A: case 0x0649: case 0x0626: return 0x06CC; /* ی */
        case 0x0643: case 0x06AA: return 0x06A9;             /* ک */
        case 0x0622: case 0x0623: case 0x0625: case 0x0671:
        case 0x0672: case 0x0673: return 0x0627;             /* ا */
        case 0x0629: case 0x06C0: case 0x06C1: case 0x06D5: return 0x0647; /* ه */
        case 0x0624: return 0x0648;                          /* و */
        case 0x061C: return 0;
        default: break;
        }
        if (cp >= 0x06F0 && cp <= 0x06F9)
            return '0' + (cp - 0x06F0);
        if (cp >= 0x0660 && cp <= 0x0669)
            return '0' + (cp - 0x0660);
        return cp;
    }
    if (cp <= 0x9F || is_space(cp) || is_strippable(cp) || cp == CP_ZWNJ || cp == 0x200D ||
        cp == 0x2019 || (cp >= 0x0300 && cp <= 0x036F))
        return 0;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 32; /* Latin-1 capitals */
    return cp;
}

void pv_text_fold(const char *in, char *out, size_t size)
{
    if (!out || size == 0)
        return;
    size_t len = 0;
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    while (*s) {
        uint32_t cp;
        size_t clen;
        if (*s < 0x80) {
            cp = *s, clen = 1;
        } else {
            clen = pv_utf8_decode((const char *)s, strnlen((const char *)s, 4), &cp);
            if (clen == 0) { /* a malformed byte carries no letter: skip it */
                s++;
                continue;
            }
        }
        s += clen;
        cp = fold_char(cp);
        if (cp == 0)
            continue;
        if (cp < 0x80) {
            if (len + 1 >= size)
                break;
            out[len++] = (char)cp;
        } else {
            char tmp[4];
            size_t n = pv_utf8_encode(cp, tmp);
            if (len + n >= size)
                break;
            memcpy(out + len, tmp, n);
            len += n;
        }
    }
    out[len] = '\0';
}

/* ---- digits -------------------------------------------------------------- */

bool pv_digits_ascii(const char *in, bool allow_sep, char *out, size_t size)
{
    if (!out || size == 0)
        return false;
    out[0] = '\0';
    if (!in)
        return true;
    size_t n = strlen(in), len = 0;
    while (n > 0) {
        uint32_t cp;
        size_t clen = pv_utf8_decode(in, n, &cp);
        if (clen == 0)
            goto fail;
        in += clen, n -= clen;
        int d = pv_digit_value(cp);
        if (d >= 0) {
            if (len + 1 >= size)
                goto fail;
            out[len++] = (char)('0' + d);
        } else if (!(allow_sep && (cp == '-' || cp == '/' || is_space(cp) ||
                                   is_strippable(cp)))) {
            goto fail;
        }
    }
    out[len] = '\0';
    return true;
fail:
    out[0] = '\0';
    return false;
}

/* Rewrites the character at `in` (n bytes left; decoded as cp, clen bytes,
 * clen 0 when malformed) into tmp: returns the bytes written, 0 to drop
 * it, and sets *used to the input bytes it stands for. */
typedef size_t (*char_map)(const char *in, size_t n, uint32_t cp, size_t clen, char tmp[4],
                           size_t *used, bool flag);

/* Copies `in` to out rewritten character by character; what does not fit
 * in size is cut at a character boundary. */
static void map_chars(const char *in, char *out, size_t size, char_map map, bool flag)
{
    if (!out || size == 0)
        return;
    size_t len = 0, n = in ? strlen(in) : 0;
    while (n > 0) {
        uint32_t cp;
        size_t clen = pv_utf8_decode(in, n, &cp), used;
        char tmp[4];
        size_t tlen = map(in, n, cp, clen, tmp, &used, flag);
        if (len + tlen >= size)
            break;
        memcpy(out + len, tmp, tlen);
        len += tlen, in += used, n -= used;
    }
    out[len] = '\0';
}

static size_t persian_digit(const char *in, size_t n, uint32_t cp, size_t clen, char tmp[4],
                            size_t *used, bool flag)
{
    (void)n, (void)flag;
    *used = clen ? clen : 1;
    if (clen == 0) { /* copied as it is: not ours to judge here */
        tmp[0] = in[0];
        return 1;
    }
    if (cp >= '0' && cp <= '9')
        return pv_utf8_encode(0x06F0 + (cp - '0'), tmp);
    memcpy(tmp, in, clen);
    return clen;
}

void pv_digits_persian(const char *in, char *out, size_t size)
{
    map_chars(in, out, size, persian_digit, false);
}

void pv_money_format(int64_t rials, bool persian, char *out, size_t size)
{
    char digits[32], grouped[64];
    bool neg = rials < 0;
    uint64_t v = neg ? (uint64_t)(-(rials + 1)) + 1 : (uint64_t)rials;
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    const char *sep = persian ? "\xd9\xac" : ","; /* U+066C ARABIC THOUSANDS SEPARATOR */
    size_t g = 0;
    if (neg)
        grouped[g++] = '-';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            for (const char *p = sep; *p; p++)
                grouped[g++] = *p;
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    if (persian)
        pv_digits_persian(grouped, out, size);
    else if (size)
        snprintf(out, size, "%s", grouped);
}

/* ---- display ------------------------------------------------------------- */

static size_t sanitized(const char *in, size_t n, uint32_t cp, size_t clen, char tmp[4],
                        size_t *used, bool keep_newlines)
{
    *used = clen ? clen : 1;
    if (clen == 0) {
        cp = CP_FFFD; /* one malformed byte, one replacement */
    } else if (cp == '\r' && n > clen && in[clen] == '\n') {
        return 0; /* CRLF: let the LF speak */
    } else if (cp == '\n' || cp == '\r' || cp == '\t') {
        cp = keep_newlines ? (cp == '\t' ? '\t' : '\n') : ' ';
    } else if (is_control(cp) || is_bidi_control(cp)) {
        cp = CP_FFFD;
    } else if (cp == 0x2028 || cp == 0x2029) {
        cp = keep_newlines ? '\n' : ' ';
    }
    if (cp == CP_FFFD || cp < 0x80)
        return pv_utf8_encode(cp, tmp);
    memcpy(tmp, in, clen);
    return clen;
}

void pv_text_sanitize(const char *in, bool keep_newlines, char *out, size_t size)
{
    map_chars(in, out, size, sanitized, keep_newlines);
}
