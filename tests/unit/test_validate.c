/* Identifiers: national IDs of persons and legal entities, phone numbers. */
#include <criterion/criterion.h>
#include <string.h>

#include "parvande/validate.h"

static pv_error err;
static char id[16];

static void fini(void)
{
    pv_error_clear(&err);
}

TestSuite(validate, .fini = fini);

static pv_status natid(const char *in)
{
    pv_error_clear(&err);
    return pv_natid_parse(in, "national_id", id, &err);
}

static void natid_rejects(const char *in, const char *reason)
{
    cr_assert_eq(natid(in), PV_EINVAL, "accepted %s", in);
    cr_assert_str_eq(id, "");
    cr_assert_str_eq(err.field, "national_id");
    cr_assert(strstr(err.message, reason), "%s: message %s lacks %s", in, err.message, reason);
}

/* Check digits worked out by hand: 0499370899 is the example every Iranian
 * validator cites; the others were computed for this test (sum of d_i *
 * (10 - i) mod 11, r < 2 -> r, else 11 - r). */
Test(validate, natid_valid)
{
    const char *good[] = {"0499370899", "0013542419", "1234567891", "4987654326",
                          "2770101013", "3810000000", "0000000019", "1111111121"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        cr_assert(pv_natid_valid(good[i]), "%s", good[i]);
        cr_assert_eq(natid(good[i]), PV_OK, "%s: %s", good[i], err.message);
        cr_assert_str_eq(id, good[i]);
    }
}

Test(validate, natid_wrong_check_digit)
{
    for (char c = '0'; c <= '9'; c++) {
        char s[11] = "049937089";
        s[9] = c;
        s[10] = '\0';
        cr_assert_eq(pv_natid_valid(s), c == '9', "%s", s);
    }
    natid_rejects("0499370898", "check digit is wrong");
    natid_rejects("1234567890", "check digit is wrong");
    natid_rejects("0499370989", "check digit is wrong"); /* two digits swapped */
}

Test(validate, natid_all_same_digit)
{
    /* 0000000000 and 5555555555 pass the check digit: only this rule stops them */
    natid_rejects("0000000000", "cannot be all the same digit");
    natid_rejects("5555555555", "cannot be all the same digit");
    natid_rejects("۱۱۱۱۱۱۱۱۱۱", "cannot be all the same digit");
    cr_assert(!pv_natid_valid("0000000000"));
    cr_assert(!pv_natid_valid("5555555555"));
}

Test(validate, natid_wrong_length)
{
    natid_rejects("499370899", "must have 10 digits"); /* leading zero lost */
    natid_rejects("04993708990", "must have 10 digits");
    natid_rejects("", "must have 10 digits");
    natid_rejects("   ", "must have 10 digits");
    cr_assert(!pv_natid_valid("499370899"));
    cr_assert(!pv_natid_valid("04993708990"));
    cr_assert(!pv_natid_valid(NULL));
}

Test(validate, natid_not_digits)
{
    natid_rejects("04993708a9", "may contain only digits");
    natid_rejects("0499.370.899", "may contain only digits");
    natid_rejects("0499370899\x1b", "may contain only digits");
    natid_rejects("\xff" "0499370899", "may contain only digits");
    cr_assert(!pv_natid_valid("049937089x"));
    cr_assert(!pv_natid_valid("۰۴۹۹۳۷۰۸۹۹")); /* the predicate wants ASCII */
}

Test(validate, natid_persian_and_arabic_digits_and_separators)
{
    cr_assert_eq(natid("۰۴۹۹۳۷۰۸۹۹"), PV_OK);
    cr_assert_str_eq(id, "0499370899");
    cr_assert_eq(natid("٠٤٩٩٣٧٠٨٩٩"), PV_OK);
    cr_assert_str_eq(id, "0499370899");
    cr_assert_eq(natid(" 049-937089-9 "), PV_OK);
    cr_assert_str_eq(id, "0499370899");
    cr_assert_eq(natid("\u200e۰۴۹ ۹۳۷ ۰۸۹۹\u200f"), PV_OK);
    cr_assert_str_eq(id, "0499370899");
    cr_assert_eq(natid("۰۴۹9370٨٩٩"), PV_OK); /* mixed scripts */
    cr_assert_str_eq(id, "0499370899");
}

/* ---- legal entities ------------------------------------------------------- */

static pv_status legal(const char *in)
{
    pv_error_clear(&err);
    return pv_legal_id_parse(in, "legal_id", id, &err);
}

/* 10380284790 and 10320166911 are published examples of valid شناسه ملی
 * (persian-tools documentation); 10100123456 and 14100000004 were computed
 * with the rule for this test. */
Test(validate, legal_id_valid)
{
    const char *good[] = {"10380284790", "10320166911", "10100123456", "14100000004"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        cr_assert(pv_legal_id_valid(good[i]), "%s", good[i]);
        cr_assert_eq(legal(good[i]), PV_OK, "%s: %s", good[i], err.message);
        cr_assert_str_eq(id, good[i]);
    }
    cr_assert_eq(legal("۱۰۳۸۰۲۸۴۷۹۰"), PV_OK);
    cr_assert_str_eq(id, "10380284790");
}

Test(validate, legal_id_rejected)
{
    for (char c = '0'; c <= '9'; c++) {
        char s[12] = "1038028479";
        s[10] = c;
        s[11] = '\0';
        cr_assert_eq(pv_legal_id_valid(s), c == '0', "%s", s);
    }
    cr_assert_eq(legal("10380284791"), PV_EINVAL);
    cr_assert(strstr(err.message, "check digit is wrong"), "%s", err.message);
    cr_assert_eq(legal("1038028479"), PV_EINVAL);
    cr_assert(strstr(err.message, "must have 11 digits"), "%s", err.message);
    cr_assert_eq(legal("0499370899"), PV_EINVAL); /* a person's ID is not a legal ID */
    cr_assert_eq(legal("1038028479x"), PV_EINVAL);
    cr_assert(strstr(err.message, "may contain only digits"), "%s", err.message);
    cr_assert_eq(legal("11111111111"), PV_EINVAL);
    cr_assert(strstr(err.message, "cannot be all the same digit"), "%s", err.message);
    cr_assert_str_eq(err.field, "legal_id");
    cr_assert(!pv_legal_id_valid("1038028479"));
}

/* ---- phones ------------------------------------------------------------------ */

static pv_status phone(const char *in)
{
    pv_error_clear(&err);
    return pv_phone_parse(in, "phone", id, &err);
}

#define PHONE_OK(in, want)                                                              \
    do {                                                                               \
        cr_assert_eq(phone(in), PV_OK, "%s: %s", in, err.message ? err.message : "");  \
        cr_assert_str_eq(id, want);                                                    \
    } while (0)

#define PHONE_BAD(in, reason)                                                           \
    do {                                                                               \
        cr_assert_eq(phone(in), PV_EINVAL, "accepted %s as %s", in, id);              \
        cr_assert_str_eq(id, "");                                                      \
        cr_assert(strstr(err.message, reason), "%s: %s", in, err.message);             \
    } while (0)

Test(validate, phone_forms)
{
    PHONE_OK("09121234567", "09121234567");
    PHONE_OK("0912 123 4567", "09121234567");
    PHONE_OK("0912-123-4567", "09121234567");
    PHONE_OK("۰۹۱۲۱۲۳۴۵۶۷", "09121234567");
    PHONE_OK("٠٩١٢١٢٣٤٥٦٧", "09121234567");
    PHONE_OK("+98 912 123 4567", "09121234567");
    PHONE_OK("+989121234567", "09121234567");
    PHONE_OK("00989121234567", "09121234567");
    PHONE_OK("9121234567", "09121234567"); /* leading 0 lost by a spreadsheet */
    PHONE_OK("(021) 8877-6655", "02188776655");
    PHONE_OK("+98 21 8877 6655", "02188776655");
    PHONE_OK("88776655", "88776655");
}

Test(validate, phone_rejected)
{
    PHONE_BAD("12345", "must have 8 to 11 digits");
    PHONE_BAD("", "must have 8 to 11 digits");
    PHONE_BAD("0912123456789", "must have 8 to 11 digits");
    PHONE_BAD("0912a234567", "may contain only digits");
    PHONE_BAD("0912+1234567", "may contain only digits");
    PHONE_BAD("+1 212 555 0100", "Iranian number");
    PHONE_BAD("091212345", "mobile number must have 11 digits");
    PHONE_BAD("021887766", "area code must have 11 digits");
    PHONE_BAD("887766551", "local number must have 8 digits");
}
