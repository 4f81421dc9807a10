/* parvande — the Jalali (Solar Hijri) calendar (see include/parvande/calendar.h).
 *
 * Leap years follow the 33-year cycle that matches the astronomical
 * (vernal-equinox) calendar between the cycle breaks of 1210 and 1635 AP:
 * counting n = year - 1209, a year is leap when n mod 33 is one of
 * 1, 5, 9, ..., 29 — eight leaps in 33 years, and the gaps of five years
 * (1403 -> 1408) fall where the cycle restarts. Outside 1210-1634 the same
 * rule is extended (proleptic), which is accurate to a day at most; the
 * parser accepts only years where it is exact.
 *
 * Every conversion goes through a day number (days since 1970-01-01), so
 * both calendars share one arithmetic core. */
#include <stdio.h>
#include <string.h>

#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/text.h"
#include "text_internal.h"

#define CYCLE_BASE 1209 /* the year before the 1210 break */
#define JALALI_MIN 1210 /* years the parser accepts as Jalali */
#define JALALI_MAX 1634
#define GREG_MIN 1831   /* Gregorian years of the same span */
#define GREG_MAX 2255

static long floor_div(long a, long b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static long floor_mod(long a, long b)
{
    return a - floor_div(a, b) * b;
}

/* ---- Gregorian ------------------------------------------------------------ */

static bool greg_leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int greg_month_days(long y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && greg_leap(y) ? 29 : days[m - 1];
}

bool pv_gregorian_valid(pv_date g)
{
    return g.y >= 1 && g.y <= 9999 && g.d >= 1 && g.d <= greg_month_days(g.y, g.m);
}

/* Counting years from March makes February the last month, so the leap day
 * sits at the end of the counted year and the month lengths before any
 * date follow the fixed 153-days-per-5-months pattern. */
long pv_days_from_gregorian(pv_date g)
{
    long y = g.y - (g.m <= 2);
    long era = floor_div(y, 400);
    long yoe = y - era * 400;                                  /* 0..399 */
    long mp = (g.m + 9) % 12;                                  /* March = 0 */
    long doy = (153 * mp + 2) / 5 + g.d - 1;                   /* 0..365 */
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* 0..146096 */
    return era * 146097 + doe - 719468;                        /* 0000-03-01 -> 1970-01-01 */
}

pv_date pv_gregorian_from_days(long days)
{
    long z = days + 719468;
    long era = floor_div(z, 146097);
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    pv_date g;
    g.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    g.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    g.y = (int)(yoe + era * 400 + (g.m <= 2));
    return g;
}

/* ---- Jalali ---------------------------------------------------------------- */

bool pv_jalali_is_leap(int jy)
{
    long r = floor_mod((long)jy - CYCLE_BASE, 33);
    return r % 4 == 1 && r <= 29;
}

int pv_jalali_month_days(int jy, int jm)
{
    if (jm < 1 || jm > 12)
        return 0;
    if (jm <= 6)
        return 31;
    if (jm <= 11)
        return 30;
    return pv_jalali_is_leap(jy) ? 30 : 29;
}

bool pv_jalali_valid(pv_date j)
{
    return j.y >= 1 && j.y <= 9999 - 621 && j.d >= 1 && j.d <= pv_jalali_month_days(j.y, j.m);
}

/* Leap years among CYCLE_BASE+1 .. CYCLE_BASE+k (k may be negative). */
static long leaps_through(long k)
{
    long cycles = floor_div(k, 33), rest = floor_mod(k, 33);
    return cycles * 8 + (rest + 3) / 4;
}

/* Day number of 1 Farvardin of jy, anchored on 1 Farvardin 1403 being
 * 2024-03-20 (the Nowruz the Iranian Calendar Center published). */
static long nowruz_days(long jy)
{
    static const pv_date anchor_g = {2024, 3, 20};
    const long anchor_j = 1403;
    long k = jy - 1 - CYCLE_BASE, ka = anchor_j - 1 - CYCLE_BASE;
    return pv_days_from_gregorian(anchor_g) + 365 * (jy - anchor_j) +
           (leaps_through(k) - leaps_through(ka));
}

static long jalali_to_days(pv_date j)
{
    long doy = j.m <= 7 ? 31L * (j.m - 1) : 186 + 30L * (j.m - 7);
    return nowruz_days(j.y) + doy + j.d - 1;
}

static pv_date jalali_from_days(long days)
{
    pv_date g = pv_gregorian_from_days(days);
    long jy = g.y - 621;
    if (days < nowruz_days(jy))
        jy--;
    long doy = days - nowruz_days(jy);
    pv_date j;
    j.y = (int)jy;
    if (doy < 186) {
        j.m = (int)(doy / 31) + 1;
        j.d = (int)(doy % 31) + 1;
    } else {
        doy -= 186;
        j.m = (int)(doy / 30) + 7;
        j.d = (int)(doy % 30) + 1;
    }
    return j;
}

pv_date pv_jalali_to_gregorian(pv_date j)
{
    return pv_gregorian_from_days(jalali_to_days(j));
}

pv_date pv_gregorian_to_jalali(pv_date g)
{
    return jalali_from_days(pv_days_from_gregorian(g));
}

/* ---- ISO text ---------------------------------------------------------------- */

static bool parse_fixed(const char *s, int len, int *v)
{
    *v = 0;
    for (int i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

bool pv_iso_parse(const char *iso, pv_date *g)
{
    pv_date d;
    if (!iso || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-' ||
        !parse_fixed(iso, 4, &d.y) || !parse_fixed(iso + 5, 2, &d.m) ||
        !parse_fixed(iso + 8, 2, &d.d) || !pv_gregorian_valid(d))
        return false;
    if (g)
        *g = d;
    return true;
}

static void put_digits(char *out, int v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        out[i] = (char)('0' + v % 10);
}

/* Fixed-width writer: no snprintf, so no truncation warnings and no locale. */
static void format_date(pv_date d, char sep, char out[11])
{
    int y = d.y < 0 ? 0 : d.y > 9999 ? 9999 : d.y;
    int m = d.m < 0 ? 0 : d.m > 99 ? 99 : d.m;
    int dd = d.d < 0 ? 0 : d.d > 99 ? 99 : d.d;
    put_digits(out, y, 4);
    out[4] = sep;
    put_digits(out + 5, m, 2);
    out[7] = sep;
    put_digits(out + 8, dd, 2);
    out[10] = '\0';
}

void pv_iso_format(pv_date g, char out[11])
{
    format_date(g, '-', out);
}

bool pv_date_to_jalali_text(const char *iso, char out[11])
{
    pv_date g;
    out[0] = '\0';
    if (!pv_iso_parse(iso, &g))
        return false;
    format_date(pv_gregorian_to_jalali(g), '/', out);
    return true;
}

/* ---- typed dates ----------------------------------------------------------- */

/* Three numbers separated by '/' or '-': the year of exactly four digits,
 * month and day of one or two. */
static bool split_date(const char *in, int part[3])
{
    int len[3] = {0, 0, 0}, idx = 0;
    part[0] = part[1] = part[2] = 0;
    size_t left = strlen(in);
    while (left > 0) {
        uint32_t cp;
        size_t n = pv_utf8_decode(in, left, &cp);
        if (n == 0)
            return false;
        in += n, left -= n;
        int d = pv_digit_value(cp);
        if (d >= 0) {
            if (++len[idx] > (idx == 0 ? 4 : 2))
                return false;
            part[idx] = part[idx] * 10 + d;
        } else if (cp == '/' || cp == '-') {
            if (idx == 2 || len[idx] == 0)
                return false;
            idx++;
        } else if (!pv_is_number_mark(cp)) { /* typed or copied around a date */
            return false;
        }
    }
    return idx == 2 && len[0] == 4 && len[2] > 0;
}

pv_status pv_date_parse(const char *in, const char *field, char iso_out[11], pv_error *err)
{
    int p[3];
    char reason[160];
    iso_out[0] = '\0';
    if (!in || !split_date(in, p))
        return pv_error_field(err, field, _("is not a date (expected YYYY/MM/DD)"));
    pv_date d = {p[0], p[1], p[2]};
    bool jalali = d.y < 1700;
    if ((jalali && (d.y < JALALI_MIN || d.y > JALALI_MAX)) ||
        (!jalali && (d.y < GREG_MIN || d.y > GREG_MAX))) {
        snprintf(reason, sizeof reason, _("year %d is out of range"), d.y);
        return pv_error_field(err, field, reason);
    }
    if (d.m < 1 || d.m > 12)
        return pv_error_field(err, field, _("month must be 1 to 12"));
    int mdays = jalali ? pv_jalali_month_days(d.y, d.m) : greg_month_days(d.y, d.m);
    if (d.d < 1 || d.d > mdays) {
        snprintf(reason, sizeof reason, _("day %d does not exist in month %d of %d"), d.d, d.m,
                 d.y);
        return pv_error_field(err, field, reason);
    }
    pv_iso_format(jalali ? pv_jalali_to_gregorian(d) : d, iso_out);
    return PV_OK;
}

/* ---- derived ----------------------------------------------------------------- */

/* Counted on the Jalali calendar, the one Iranian law and the agencies'
 * age rules use: a birthday is the same Jalali month and day. Someone born
 * on 30 Esfand has their birthday on 1 Farvardin in common years. */
int pv_age_on(const char *birth_iso, const char *on_iso)
{
    pv_date b, o;
    if (!pv_iso_parse(birth_iso, &b) || !pv_iso_parse(on_iso, &o))
        return -1;
    if (pv_days_from_gregorian(o) < pv_days_from_gregorian(b))
        return -1;
    pv_date jb = pv_gregorian_to_jalali(b), jo = pv_gregorian_to_jalali(o);
    int age = jo.y - jb.y;
    if (jo.m < jb.m || (jo.m == jb.m && jo.d < jb.d))
        age--;
    return age;
}

long pv_jalali_period_key(const char *iso, pv_period period)
{
    pv_date g;
    if (!pv_iso_parse(iso, &g))
        return -1;
    pv_date j = pv_gregorian_to_jalali(g);
    switch (period) {
    case PV_PERIOD_MONTH: return (long)j.y * 12 + j.m - 1;
    case PV_PERIOD_SEASON: return (long)j.y * 4 + (j.m - 1) / 3;
    case PV_PERIOD_YEAR: return j.y;
    }
    return -1;
}
