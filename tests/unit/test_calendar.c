/* The Jalali calendar: conversions, day numbers, parsing, ages, periods, today. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/calendar.h"
#include "parvande/context.h"

static pv_error err;
static char iso[11];

static void fini(void)
{
    pv_error_clear(&err);
}

TestSuite(calendar, .fini = fini);

static void assert_pair(int jy, int jm, int jd, int gy, int gm, int gd)
{
    pv_date j = {jy, jm, jd}, g = {gy, gm, gd};
    cr_assert(pv_jalali_valid(j), "%d/%d/%d invalid", jy, jm, jd);
    pv_date got = pv_jalali_to_gregorian(j);
    cr_assert(got.y == gy && got.m == gm && got.d == gd, "%d/%02d/%02d -> %d-%02d-%02d, want %d-%02d-%02d",
              jy, jm, jd, got.y, got.m, got.d, gy, gm, gd);
    got = pv_gregorian_to_jalali(g);
    cr_assert(got.y == jy && got.m == jm && got.d == jd, "%d-%02d-%02d -> %d/%02d/%02d", gy, gm, gd,
              got.y, got.m, got.d);
}

/* Published dates: the anchors (Iranian Calendar Center), the
 * Nowruz of 1395 and the end of that leap year (timeanddate.com), and
 * historical days every Iranian calendar prints with both dates. */
Test(calendar, anchors)
{
    assert_pair(1403, 1, 1, 2024, 3, 20);
    assert_pair(1403, 12, 30, 2025, 3, 20);
    assert_pair(1404, 1, 1, 2025, 3, 21);
    assert_pair(1399, 12, 30, 2021, 3, 20);
    assert_pair(1400, 1, 1, 2021, 3, 21);
    assert_pair(1400, 12, 29, 2022, 3, 20);
    assert_pair(1300, 1, 1, 1921, 3, 21);
    assert_pair(1354, 1, 1, 1975, 3, 21);
    assert_pair(1375, 12, 30, 1997, 3, 20);
    assert_pair(1395, 1, 1, 2016, 3, 20);
    assert_pair(1395, 12, 30, 2017, 3, 20);
    assert_pair(1396, 1, 1, 2017, 3, 21);
    assert_pair(1332, 5, 28, 1953, 8, 19);  /* 28 Mordad */
    assert_pair(1357, 11, 22, 1979, 2, 11); /* 22 Bahman */
    assert_pair(1358, 1, 12, 1979, 4, 1);   /* 12 Farvardin */
    assert_pair(1359, 6, 31, 1980, 9, 22);  /* start of the war */
    assert_pair(1348, 10, 11, 1970, 1, 1);  /* the Unix epoch */
}

Test(calendar, leap_years)
{
    const int leaps[] = {1370, 1375, 1379, 1383, 1387, 1391, 1395, 1399, 1403,
                         1408, 1412, 1416, 1420, 1424, 1428, 1432, 1436, 1441};
    size_t k = 0;
    for (int y = 1370; y <= 1441; y++) {
        bool want = k < sizeof leaps / sizeof *leaps && leaps[k] == y;
        cr_assert_eq(pv_jalali_is_leap(y), want, "%d", y);
        k += want;
    }
    cr_assert(pv_jalali_valid((pv_date){1420, 12, 30}));
    cr_assert(!pv_jalali_valid((pv_date){1404, 12, 30}));
    cr_assert(!pv_jalali_valid((pv_date){1400, 12, 30}));
    cr_assert(!pv_jalali_valid((pv_date){1403, 7, 31}));
    cr_assert(!pv_jalali_valid((pv_date){1403, 13, 1}));
    cr_assert(!pv_jalali_valid((pv_date){1403, 0, 1}));
    cr_assert(!pv_jalali_valid((pv_date){1403, 1, 0}));
    cr_assert_eq(pv_jalali_month_days(1403, 6), 31);
    cr_assert_eq(pv_jalali_month_days(1403, 7), 30);
    cr_assert_eq(pv_jalali_month_days(1403, 12), 30);
    cr_assert_eq(pv_jalali_month_days(1404, 12), 29);
    cr_assert_eq(pv_jalali_month_days(1404, 13), 0);
}

/* Every day of 1300-1450: Jalali -> Gregorian -> Jalali is the identity,
 * consecutive Jalali days are consecutive day numbers, and each year has
 * 366 days exactly when it is a leap year. */
Test(calendar, every_day_1300_to_1450)
{
    long prev = pv_days_from_gregorian(pv_jalali_to_gregorian((pv_date){1299, 12, 29}));
    long days_checked = 0;
    for (int y = 1300; y <= 1450; y++) {
        long year_start = prev + 1;
        for (int m = 1; m <= 12; m++) {
            int n = pv_jalali_month_days(y, m);
            for (int d = 1; d <= n; d++) {
                pv_date j = {y, m, d};
                pv_date g = pv_jalali_to_gregorian(j);
                cr_assert(pv_gregorian_valid(g), "%d/%d/%d", y, m, d);
                long dn = pv_days_from_gregorian(g);
                cr_assert_eq(dn, prev + 1, "%d/%d/%d is not the day after the one before", y, m, d);
                pv_date g2 = pv_gregorian_from_days(dn);
                cr_assert(g2.y == g.y && g2.m == g.m && g2.d == g.d);
                pv_date back = pv_gregorian_to_jalali(g);
                cr_assert(back.y == y && back.m == m && back.d == d, "%d/%d/%d -> %d/%d/%d", y, m,
                          d, back.y, back.m, back.d);
                prev = dn;
                days_checked++;
            }
        }
        cr_assert_eq(prev - year_start + 1, pv_jalali_is_leap(y) ? 366 : 365, "year %d", y);
        pv_date first = pv_jalali_to_gregorian((pv_date){y, 1, 1});
        cr_assert(first.m == 3 && (first.d == 20 || first.d == 21 || first.d == 22),
                  "Nowruz %d on %d-%02d-%02d", y, first.y, first.m, first.d);
    }
    cr_assert_gt(days_checked, 151 * 365);
}

Test(calendar, gregorian_day_numbers)
{
    cr_assert_eq(pv_days_from_gregorian((pv_date){1970, 1, 1}), 0);
    cr_assert_eq(pv_days_from_gregorian((pv_date){1969, 12, 31}), -1);
    cr_assert_eq(pv_days_from_gregorian((pv_date){2000, 3, 1}), 11017);
    cr_assert_eq(pv_days_from_gregorian((pv_date){2024, 3, 20}), 19802);
    for (long n = -80000; n <= 80000; n += 7) {
        pv_date g = pv_gregorian_from_days(n);
        cr_assert(pv_gregorian_valid(g));
        cr_assert_eq(pv_days_from_gregorian(g), n);
    }
    cr_assert(pv_gregorian_valid((pv_date){2024, 2, 29}));
    cr_assert(!pv_gregorian_valid((pv_date){2023, 2, 29}));
    cr_assert(!pv_gregorian_valid((pv_date){1900, 2, 29}));
    cr_assert(pv_gregorian_valid((pv_date){2000, 2, 29}));
    cr_assert(!pv_gregorian_valid((pv_date){2024, 4, 31}));
}

/* ---- parsing ----------------------------------------------------------------- */

static pv_status parse(const char *in)
{
    pv_error_clear(&err);
    return pv_date_parse(in, "birth_date", iso, &err);
}

#define PARSES(in, want)                                                                \
    do {                                                                               \
        cr_assert_eq(parse(in), PV_OK, "%s: %s", in, err.message ? err.message : "");  \
        cr_assert_str_eq(iso, want);                                                   \
    } while (0)

#define REFUSES(in, reason)                                                             \
    do {                                                                               \
        cr_assert_eq(parse(in), PV_EINVAL, "accepted %s as %s", in, iso);             \
        cr_assert_str_eq(iso, "");                                                     \
        cr_assert_str_eq(err.field, "birth_date");                                     \
        cr_assert(strstr(err.message, reason), "%s: %s lacks %s", in, err.message, reason); \
    } while (0)

Test(calendar, parse_jalali_and_gregorian)
{
    PARSES("1403/12/30", "2025-03-20");
    PARSES("1403-12-30", "2025-03-20");
    PARSES("1404/01/01", "2025-03-21");
    PARSES("1403/1/5", "2024-03-24");
    PARSES("۱۴۰۳/۱۲/۳۰", "2025-03-20");
    PARSES("١٤٠٣/١٢/٣٠", "2025-03-20");
    PARSES(" 1403/12/30\u200f ", "2025-03-20");
    PARSES("2025-03-21", "2025-03-21");
    PARSES("2024/02/29", "2024-02-29");
    PARSES("۲۰۲۴-۰۲-۲۹", "2024-02-29");
}

Test(calendar, parse_refusals_are_specific)
{
    REFUSES("", "is not a date (expected YYYY/MM/DD)");
    REFUSES("abc", "is not a date");
    REFUSES("1403/12", "is not a date");
    REFUSES("03/12/30", "is not a date");
    REFUSES("30/12/1403", "is not a date");
    REFUSES("1403/012/30", "is not a date");
    REFUSES("1403/12/30/1", "is not a date");
    REFUSES("1403//30", "is not a date");
    REFUSES("1403.12.30", "is not a date");
    REFUSES("14031230", "is not a date");
    REFUSES("1403/13/01", "month must be 1 to 12");
    REFUSES("1403/00/01", "month must be 1 to 12");
    REFUSES("1403/07/31", "day 31 does not exist in month 7 of 1403");
    REFUSES("۱۴۰۴/۱۲/۳۰", "day 30 does not exist in month 12 of 1404");
    REFUSES("1403/01/00", "day 0 does not exist in month 1 of 1403");
    REFUSES("2023-02-29", "day 29 does not exist in month 2 of 2023");
    REFUSES("0403/01/01", "year 403 is out of range");
}

Test(calendar, jalali_text_and_iso)
{
    char j[11];
    cr_assert(pv_date_to_jalali_text("2025-03-21", j));
    cr_assert_str_eq(j, "1404/01/01");
    cr_assert(pv_date_to_jalali_text("2025-03-20", j));
    cr_assert_str_eq(j, "1403/12/30");
    cr_assert(!pv_date_to_jalali_text("2025-02-30", j));
    cr_assert_str_eq(j, "");
    cr_assert(!pv_date_to_jalali_text("1403/12/30", j));

    pv_date g;
    cr_assert(pv_iso_parse("2024-02-29", &g));
    cr_assert(g.y == 2024 && g.m == 2 && g.d == 29);
    cr_assert(!pv_iso_parse("2024-2-29", &g));
    cr_assert(!pv_iso_parse("2024-02-29 ", &g));
    cr_assert(!pv_iso_parse("2024/02/29", &g));
    cr_assert(!pv_iso_parse(NULL, &g));
    char s[11];
    pv_iso_format((pv_date){987, 3, 4}, s);
    cr_assert_str_eq(s, "0987-03-04");
}

/* ---- derived ------------------------------------------------------------------ */

Test(calendar, age_in_whole_jalali_years)
{
    /* born 1379/01/01 (2000-03-20) */
    cr_assert_eq(pv_age_on("2000-03-20", "2000-03-20"), 0);
    cr_assert_eq(pv_age_on("2000-03-20", "2025-03-20"), 24); /* 1403/12/30: not yet */
    cr_assert_eq(pv_age_on("2000-03-20", "2025-03-21"), 25); /* 1404/01/01 */
    cr_assert_eq(pv_age_on("2007-05-10", "2025-05-09"), 17);
    cr_assert_eq(pv_age_on("2007-05-10", "2025-05-10"), 18);
    /* born 1399/12/30, a leap day: in common years the birthday is 1 Farvardin */
    cr_assert_eq(pv_age_on("2021-03-20", "2022-03-20"), 0); /* 1400/12/29 */
    cr_assert_eq(pv_age_on("2021-03-20", "2022-03-21"), 1); /* 1401/01/01 */
    cr_assert_eq(pv_age_on("2025-01-01", "2024-01-01"), -1);
    cr_assert_eq(pv_age_on("2025-02-30", "2026-01-01"), -1);
    cr_assert_eq(pv_age_on("2000-01-01", "garbage"), -1);
}

Test(calendar, period_keys)
{
    cr_assert_eq(pv_jalali_period_key("2025-03-20", PV_PERIOD_YEAR), 1403);
    cr_assert_eq(pv_jalali_period_key("2025-03-21", PV_PERIOD_YEAR), 1404);
    cr_assert_eq(pv_jalali_period_key("2025-03-20", PV_PERIOD_MONTH), 1403L * 12 + 11);
    cr_assert_eq(pv_jalali_period_key("2025-03-21", PV_PERIOD_MONTH), 1404L * 12);
    cr_assert_eq(pv_jalali_period_key("2024-06-20", PV_PERIOD_SEASON), 1403L * 4 + 0); /* 1403/03/31 */
    cr_assert_eq(pv_jalali_period_key("2024-06-21", PV_PERIOD_SEASON), 1403L * 4 + 1); /* 1403/04/01 */
    cr_assert_eq(pv_jalali_period_key("2025-03-20", PV_PERIOD_SEASON), 1403L * 4 + 3);
    cr_assert_eq(pv_jalali_period_key("2025-13-01", PV_PERIOD_YEAR), -1);
    /* keys of consecutive months are consecutive across the new year */
    cr_assert_eq(pv_jalali_period_key("2025-03-21", PV_PERIOD_MONTH) -
                     pv_jalali_period_key("2025-03-20", PV_PERIOD_MONTH),
                 1);
}

Test(calendar, today_honours_the_environment)
{
    char t[11];
    setenv("PARVANDE_TODAY", "2025-03-20", 1);
    pv_today(t);
    cr_assert_str_eq(t, "2025-03-20");
    setenv("PARVANDE_TODAY", "not-a-date", 1);
    pv_today(t);
    cr_assert(pv_iso_parse(t, NULL), "%s", t);
    cr_assert_str_neq(t, "2025-03-20");
    unsetenv("PARVANDE_TODAY");
    pv_today(t);
    cr_assert(pv_iso_parse(t, NULL), "%s", t);
}
