/* parvande — fuzz target: the national-ID, legal-ID, phone and date
 * parsers. Whatever they accept must be well formed (the output a valid
 * ID, a date that converts back to itself); what they refuse must come with
 * a message naming the field. */
#include <stdio.h>

#include "fuzz.h"
#include "parvande/calendar.h"
#include "parvande/error.h"
#include "parvande/validate.h"

static void expect_message(pv_status rc, pv_error *err)
{
    if (rc != PV_OK && (!err->message || !*err->message))
        abort(); /* a refusal must say why */
    pv_error_clear(err);
}

static void natid(const char *s)
{
    char out[11];
    pv_error err = PV_ERROR_INIT;
    pv_status rc = pv_natid_parse(s, "national_id", out, &err);
    if (rc == PV_OK && !pv_natid_valid(out))
        abort(); /* accepted an ID that is not valid */
    expect_message(rc, &err);
}

static void legal_id(const char *s)
{
    char out[12];
    pv_error err = PV_ERROR_INIT;
    pv_status rc = pv_legal_id_parse(s, "legal_id", out, &err);
    if (rc == PV_OK && !pv_legal_id_valid(out))
        abort();
    expect_message(rc, &err);
}

static void date(const char *s)
{
    char iso[11], jal[11], back[11];
    pv_error err = PV_ERROR_INIT;
    pv_status rc = pv_date_parse(s, "birth_date", iso, &err);
    if (rc == PV_OK) {
        /* A stored date shows as Jalali and reads back as the same day. */
        if (!pv_date_to_jalali_text(iso, jal))
            abort();
        pv_error e2 = PV_ERROR_INIT;
        if (pv_date_parse(jal, "birth_date", back, &e2) != PV_OK || strcmp(back, iso) != 0)
            abort();
        pv_error_clear(&e2);
    }
    expect_message(rc, &err);
}

static void phone(const char *s)
{
    char out[16];
    pv_error err = PV_ERROR_INIT;
    expect_message(pv_phone_parse(s, "phone", out, &err), &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    if (!s)
        return 0;
    natid(s);
    legal_id(s);
    date(s);
    phone(s);
    free(s);
    return 0;
}
