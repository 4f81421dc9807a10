/* parvande — identifiers: person and legal-entity national IDs, phones
 * (see include/parvande/validate.h). */
#include <stdio.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/text.h"
#include "parvande/validate.h"
#include "text_internal.h"

/* What a typed number turned out to be: its ASCII digits (as many as fit),
 * how many digits there were, and whether anything else appeared. */
typedef struct digit_scan {
    char digits[32];
    size_t count;
    bool other;
} digit_scan;

/* Separators people type inside numbers, and the invisible direction marks
 * a Persian keyboard or a copied cell slips in around them. */
static bool is_number_sep(uint32_t cp)
{
    return cp == '-' || cp == '\t' || pv_is_number_mark(cp);
}

static void scan_digits(const char *in, bool (*sep)(uint32_t), digit_scan *sc)
{
    memset(sc, 0, sizeof *sc);
    size_t n = in ? strlen(in) : 0;
    while (n > 0) {
        uint32_t cp;
        size_t len = pv_utf8_decode(in, n, &cp);
        if (len == 0) {
            sc->other = true;
            return;
        }
        in += len, n -= len;
        int d = pv_digit_value(cp);
        if (d >= 0) {
            if (sc->count < sizeof sc->digits - 1)
                sc->digits[sc->count] = (char)('0' + d);
            sc->count++;
        } else if (!sep(cp)) {
            sc->other = true;
        }
    }
    sc->digits[sc->count < sizeof sc->digits ? sc->count : sizeof sc->digits - 1] = '\0';
}

static bool all_digits(const char *s, size_t len)
{
    if (!s || strlen(s) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool all_same(const char *s)
{
    for (size_t i = 1; s[i]; i++)
        if (s[i] != s[0])
            return false;
    return true;
}

/* ---- an identifier with a check digit ------------------------------------ */

/* The national ID of a person and the legal ID of an entity: `len` digits,
 * not all the same, the last one computed from the others. */
typedef struct checked_id {
    size_t len;
    const char *wrong_length; /* msgid, translated when shown */
    int (*check_digit)(const char *digits);
} checked_id;

static bool checked_id_valid(const checked_id *k, const char *s)
{
    return all_digits(s, k->len) && !all_same(s) && k->check_digit(s) == s[k->len - 1] - '0';
}

/* out has room for k->len digits and the terminating NUL. */
static pv_status checked_id_parse(const checked_id *k, const char *in, const char *field,
                                  char *out, pv_error *err)
{
    digit_scan sc;
    out[0] = '\0';
    scan_digits(in, is_number_sep, &sc);
    if (sc.other)
        return pv_error_field(err, field, _("may contain only digits"));
    if (sc.count != k->len)
        return pv_error_field(err, field, _(k->wrong_length));
    if (all_same(sc.digits))
        return pv_error_field(err, field, _("cannot be all the same digit"));
    if (k->check_digit(sc.digits) != sc.digits[k->len - 1] - '0')
        return pv_error_field(err, field, _("check digit is wrong"));
    memcpy(out, sc.digits, k->len + 1);
    return PV_OK;
}

/* ---- person ------------------------------------------------------------- */

static int natid_check_digit(const char *s)
{
    int sum = 0;
    for (int i = 0; i < 9; i++)
        sum += (s[i] - '0') * (10 - i);
    int r = sum % 11;
    return r < 2 ? r : 11 - r;
}

static const checked_id natid = {10, N_("must have 10 digits"), natid_check_digit};

bool pv_natid_valid(const char *s)
{
    return checked_id_valid(&natid, s);
}

pv_status pv_natid_parse(const char *in, const char *field, char out[11], pv_error *err)
{
    return checked_id_parse(&natid, in, field, out, err);
}

/* ---- legal entity --------------------------------------------------------- */

/* شناسه ملی: the tenth digit plus two is added to each of the first ten
 * digits, weighted 29, 27, 23, 19, 17 repeating; the sum mod 11 (10 -> 0)
 * is the eleventh digit. */
static int legal_check_digit(const char *s)
{
    static const int w[5] = {29, 27, 23, 19, 17};
    int add = (s[9] - '0') + 2, sum = 0;
    for (int i = 0; i < 10; i++)
        sum += ((s[i] - '0') + add) * w[i % 5];
    int r = sum % 11;
    return r == 10 ? 0 : r;
}

static const checked_id legal_id = {11, N_("must have 11 digits"), legal_check_digit};

bool pv_legal_id_valid(const char *s)
{
    return checked_id_valid(&legal_id, s);
}

pv_status pv_legal_id_parse(const char *in, const char *field, char out[12], pv_error *err)
{
    return checked_id_parse(&legal_id, in, field, out, err);
}

/* ---- phone ---------------------------------------------------------------- */

static bool is_phone_sep(uint32_t cp)
{
    return is_number_sep(cp) || cp == '(' || cp == ')' || cp == '.' || cp == '/';
}

/* Skips leading separators; true (and moves past it) when a '+' comes first. */
static bool take_plus(const char **in)
{
    const char *s = *in;
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        size_t len = pv_utf8_decode(s, n, &cp);
        if (len == 0 || !(is_phone_sep(cp) || cp == '+'))
            return false;
        s += len, n -= len;
        if (cp == '+') {
            *in = s;
            return true;
        }
    }
    return false;
}

pv_status pv_phone_parse(const char *in, const char *field, char out[16], pv_error *err)
{
    digit_scan sc;
    out[0] = '\0';
    if (!in)
        in = "";
    bool plus = take_plus(&in);
    scan_digits(in, is_phone_sep, &sc);
    if (sc.other)
        return pv_error_field(err, field, _("may contain only digits"));
    const char *d = sc.digits;
    size_t count = sc.count;
    /* The country code, written either way, becomes the trunk prefix 0. */
    if (plus) {
        if (count < 2 || strncmp(d, "98", 2) != 0)
            return pv_error_field(err, field, _("must be an Iranian number (+98)"));
        d += 1, count -= 1; /* "98..." -> "8..." then the 8 becomes 0 below */
    } else if (count > 4 && strncmp(d, "0098", 4) == 0) {
        d += 3, count -= 3;
    }
    char num[32];
    if (count >= sizeof num - 1)
        return pv_error_field(err, field, _("must have 8 to 11 digits"));
    memcpy(num, d, count);
    num[count] = '\0';
    if (d != sc.digits)
        num[0] = '0';
    /* A mobile or area-coded number whose leading 0 was lost (spreadsheets
     * drop it): ten digits starting 1-9 get it back. */
    if (count == 10 && num[0] != '0') {
        memmove(num + 1, num, count + 1);
        num[0] = '0';
        count++;
    }
    if (count < 8 || count > 11)
        return pv_error_field(err, field, _("must have 8 to 11 digits"));
    if (strncmp(num, "09", 2) == 0 && count != 11)
        return pv_error_field(err, field, _("a mobile number must have 11 digits"));
    if (num[0] == '0' && count != 11)
        return pv_error_field(err, field, _("a number with its area code must have 11 digits"));
    if (num[0] != '0' && count != 8)
        return pv_error_field(err, field, _("a local number must have 8 digits"));
    memcpy(out, num, count + 1);
    return PV_OK;
}
