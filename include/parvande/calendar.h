/* parvande — the Jalali (Solar Hijri) calendar. Screens show Jalali dates;
 * the database stores ISO-8601 Gregorian "YYYY-MM-DD". Exact for at least
 * 1300-1450 AP. Pure functions. */
#ifndef PARVANDE_CALENDAR_H
#define PARVANDE_CALENDAR_H

#include <stdbool.h>
#include "parvande/error.h"

typedef struct pv_date { int y, m, d; } pv_date;

bool pv_jalali_is_leap(int jy);
int pv_jalali_month_days(int jy, int jm); /* 0 if jm out of range */
bool pv_jalali_valid(pv_date j);
bool pv_gregorian_valid(pv_date g);

/* Conversions; the input must be valid. */
pv_date pv_jalali_to_gregorian(pv_date j);
pv_date pv_gregorian_to_jalali(pv_date g);

/* Days since 1970-01-01 of a Gregorian date, and back. */
long pv_days_from_gregorian(pv_date g);
pv_date pv_gregorian_from_days(long days);

/* Parses a date typed by a person: Jalali "YYYY/MM/DD" or "YYYY-MM-DD"
 * (years below 1700), or Gregorian ISO (years 1700 and above); ASCII,
 * Persian or Arabic-Indic digits. Writes ISO Gregorian into iso_out.
 * PV_EINVAL names `field`: malformed, impossible (1403/07/31), etc. */
pv_status pv_date_parse(const char *in, const char *field, char iso_out[11], pv_error *err);

/* ISO Gregorian -> "YYYY/MM/DD" Jalali (ASCII digits). False if iso is not a valid date. */
bool pv_date_to_jalali_text(const char *iso, char out[11]);

/* Parses ISO "YYYY-MM-DD" strictly. */
bool pv_iso_parse(const char *iso, pv_date *g);
void pv_iso_format(pv_date g, char out[11]);

/* Whole years from birth to `on` (both ISO); -1 if either is invalid. */
int pv_age_on(const char *birth_iso, const char *on_iso);

/* The Jalali period containing an ISO date, as comparable keys:
 * year 1403; month 1403*12+m-1; season 1403*4+(m-1)/3. -1 if invalid. */
typedef enum pv_period { PV_PERIOD_MONTH, PV_PERIOD_SEASON, PV_PERIOD_YEAR } pv_period;
long pv_jalali_period_key(const char *iso, pv_period period);

#endif
