/* Persian text: normalisation for storage, search folding, digits, display. */
#include <criterion/criterion.h>
#include <string.h>

#include "parvande/records.h"
#include "parvande/text.h"

static char out[PV_NAME_SZ * 32];
static pv_error err;

static pv_status norm(const char *in, pv_text_kind kind)
{
    pv_error_clear(&err);
    return pv_text_normalize(in, kind, "first_name", out, sizeof out, &err);
}

static void fini(void)
{
    pv_error_clear(&err);
}

#define ACCEPTS(in, kind, want)                                                        \
    do {                                                                               \
        cr_assert_eq(norm(in, kind), PV_OK, "rejected %s: %s", in,                    \
                     err.message ? err.message : "");                                  \
        cr_assert_str_eq(out, want);                                                   \
    } while (0)

#define REJECTS(in, kind, reason)                                                      \
    do {                                                                               \
        cr_assert_eq(norm(in, kind), PV_EINVAL, "accepted %s as %s", in, out);        \
        cr_assert_str_eq(out, "");                                                     \
        cr_assert_str_eq(err.field, "first_name");                                     \
        cr_assert(strstr(err.message, reason), "message %s lacks %s", err.message,     \
                  reason);                                                             \
    } while (0)

TestSuite(text, .fini = fini);

Test(text, arabic_yeh_and_kaf_become_persian)
{
    ACCEPTS("علي", PV_TEXT_NAME, "علی");
    ACCEPTS("مصطفى", PV_TEXT_NAME, "مصطفی");
    ACCEPTS("كريمي", PV_TEXT_NAME, "کریمی");
    ACCEPTS("بانك ملي", PV_TEXT_LINE, "بانک ملی");
}

Test(text, digits_in_free_text_are_stored_ascii)
{
    ACCEPTS("پلاک ۱۲، واحد ٣", PV_TEXT_LINE, "پلاک 12، واحد 3");
    ACCEPTS("کوچه 7", PV_TEXT_LINE, "کوچه 7");
}

Test(text, zwnj_kept_but_tidied)
{
    ACCEPTS("محمد\u200cرضا", PV_TEXT_NAME, "محمد\u200cرضا");
    ACCEPTS("می\u200c\u200c\u200cروم", PV_TEXT_LINE, "می\u200cروم");   /* runs collapse */
    ACCEPTS("\u200cمحمد \u200cرضا\u200c", PV_TEXT_NAME, "محمد رضا"); /* ends, next to spaces */
    ACCEPTS("محمد\u200c رضا", PV_TEXT_NAME, "محمد رضا");
    ACCEPTS("\u200c", PV_TEXT_NAME, "");
}

Test(text, whitespace_trimmed_and_collapsed)
{
    ACCEPTS("   علی    رضایی  ", PV_TEXT_NAME, "علی رضایی");
    ACCEPTS("\u00a0خیابان\u00a0\u00a0 آزادی\u2003", PV_TEXT_LINE, "خیابان آزادی");
    ACCEPTS("", PV_TEXT_NAME, "");
    ACCEPTS("   ", PV_TEXT_LINE, "");
    cr_assert_eq(pv_text_normalize(NULL, PV_TEXT_LINE, "address", out, sizeof out, NULL), PV_OK);
    cr_assert_str_eq(out, "");
}

Test(text, bidi_controls_bom_and_marks_stripped)
{
    ACCEPTS("\u202eعلی\u202c", PV_TEXT_NAME, "علی");
    ACCEPTS("\ufeffآدرس \u2067x\u2069 \u200fy\u200e", PV_TEXT_LINE, "آدرس x y");
    ACCEPTS("a\u202a\u202b\u202c\u202d\u202eb\u2066\u2068c", PV_TEXT_LINE, "abc");
}

Test(text, controls_rejected)
{
    REJECTS("علی\x1b[31m", PV_TEXT_LINE, "control character");
    REJECTS("a\x7f", PV_TEXT_LINE, "control character");
    REJECTS("a\xc2\x85", PV_TEXT_LINE, "control character"); /* C1 NEL */
    REJECTS("a\xc2\x9b" "31m", PV_TEXT_LINE, "control character"); /* C1 CSI */
    REJECTS("a\x01", PV_TEXT_NOTE, "control character");
    REJECTS("a\tb", PV_TEXT_LINE, "control character");
    REJECTS("a\x1b", PV_TEXT_NOTE, "control character");
}

Test(text, newline_only_in_notes)
{
    REJECTS("خط\nدوم", PV_TEXT_LINE, "single line");
    REJECTS("علی\r", PV_TEXT_NAME, "single line");
    ACCEPTS("خط اول  \r\n  خط دوم", PV_TEXT_NOTE, "خط اول\nخط دوم");
    ACCEPTS("\n\nیک\n\n\n\n\nدو\n\n", PV_TEXT_NOTE, "یک\n\nدو");
    REJECTS("a\rb", PV_TEXT_NOTE, "control character");
}

Test(text, malformed_utf8_rejected)
{
    REJECTS("a\xff", PV_TEXT_LINE, "not valid UTF-8");
    REJECTS("\xc0\xaf", PV_TEXT_LINE, "not valid UTF-8");         /* overlong '/' */
    REJECTS("\xe0\x80\xaf", PV_TEXT_LINE, "not valid UTF-8");     /* overlong, 3 bytes */
    REJECTS("\xf0\x80\x80\xaf", PV_TEXT_LINE, "not valid UTF-8"); /* overlong, 4 bytes */
    REJECTS("\xed\xa0\x80", PV_TEXT_LINE, "not valid UTF-8");     /* surrogate */
    REJECTS("\xf4\x90\x80\x80", PV_TEXT_LINE, "not valid UTF-8"); /* > U+10FFFF */
    REJECTS("\xd8", PV_TEXT_NAME, "not valid UTF-8");             /* cut short */
    REJECTS("\x80", PV_TEXT_NAME, "not valid UTF-8");
}

Test(text, names_take_letters_of_any_script)
{
    ACCEPTS("O'Brien-Smith Jr.", PV_TEXT_NAME, "O'Brien-Smith Jr.");
    ACCEPTS("Zoë Çelik", PV_TEXT_NAME, "Zoë Çelik");
    ACCEPTS("Ольга", PV_TEXT_NAME, "Ольга");
    ACCEPTS("مُحَمَّد", PV_TEXT_NAME, "مُحَمَّد");
    REJECTS("علی۲", PV_TEXT_NAME, "may contain only letters");
    REJECTS("Ali2", PV_TEXT_NAME, "may contain only letters");
    REJECTS("علی،", PV_TEXT_NAME, "may contain only letters");
    REJECTS("a@b", PV_TEXT_NAME, "may contain only letters");
    REJECTS("x\U0001F600", PV_TEXT_NAME, "may contain only letters");
    REJECTS("--", PV_TEXT_NAME, "must contain a letter");
}

Test(text, length_limits_count_characters)
{
    char in[PV_NAME_SZ * 8];
    in[0] = '\0';
    for (int i = 0; i < PV_NAME_CHARS; i++) /* 50 two-byte letters: 100 bytes */
        strcat(in, "ب");
    ACCEPTS(in, PV_TEXT_NAME, in);
    strcat(in, "ب");
    REJECTS(in, PV_TEXT_NAME, "is longer than 50 characters");

    /* spaces collapsed before counting */
    char spaced[PV_NAME_SZ * 8] = "   ";
    for (int i = 0; i < PV_NAME_CHARS; i++)
        strcat(spaced, "a  ");
    cr_assert_eq(norm(spaced, PV_TEXT_NAME), PV_EINVAL); /* 99 characters */

    static char addr[PV_ADDR_CHARS * 2 + 8];
    memset(addr, 'x', PV_ADDR_CHARS);
    addr[PV_ADDR_CHARS] = '\0';
    ACCEPTS(addr, PV_TEXT_LINE, addr);
    addr[PV_ADDR_CHARS] = 'x';
    addr[PV_ADDR_CHARS + 1] = '\0';
    REJECTS(addr, PV_TEXT_LINE, "is longer than 300 characters");
}

Test(text, output_buffer_size_is_respected)
{
    char small[8];
    pv_error e = PV_ERROR_INIT;
    cr_assert_eq(pv_text_normalize("علی رضا", PV_TEXT_NAME, "first_name", small, sizeof small, &e),
                 PV_EINVAL);
    cr_assert_str_eq(small, "");
    cr_assert(strstr(e.message, "at most 7 bytes"), "%s", e.message);
    pv_error_clear(&e);
    cr_assert_eq(pv_text_normalize("علی", PV_TEXT_NAME, "first_name", small, sizeof small, &e),
                 PV_OK);
    cr_assert_str_eq(small, "علی");
}

/* ---- folding ------------------------------------------------------------- */

static bool fold_eq(const char *a, const char *b)
{
    char fa[256], fb[256];
    pv_text_fold(a, fa, sizeof fa);
    pv_text_fold(b, fb, sizeof fb);
    return strcmp(fa, fb) == 0;
}

Test(text, fold_joins_space_zwnj_and_nothing)
{
    cr_assert(fold_eq("محمدرضا", "محمد رضا"));
    cr_assert(fold_eq("محمدرضا", "محمد\u200cرضا"));
    cr_assert(fold_eq("محمد  رضا", "محمد\u00a0\u200dرضا"));
    char f[64];
    pv_text_fold("  محمد\u200c رضا ", f, sizeof f);
    cr_assert_str_eq(f, "محمدرضا");
}

Test(text, fold_letter_variants)
{
    cr_assert(fold_eq("علي", "علی"));
    cr_assert(fold_eq("على", "علی"));
    cr_assert(fold_eq("كاظم", "کاظم"));
    cr_assert(fold_eq("أحمد", "احمد"));
    cr_assert(fold_eq("إسماعيل", "اسماعیل"));
    cr_assert(fold_eq("آرش", "ارش"));
    cr_assert(fold_eq("فاطمة", "فاطمه"));
    cr_assert(fold_eq("مؤمن", "مومن"));
    cr_assert(fold_eq("رئیسی", "رییسی"));
    cr_assert(!fold_eq("علی", "علا"));
}

Test(text, fold_ignores_harakat_and_tatweel)
{
    cr_assert(fold_eq("مُحَمَّد", "محمد"));
    cr_assert(fold_eq("محـــمد", "محمد"));
    cr_assert(fold_eq("عَلِیٌّ", "علی"));
    cr_assert(fold_eq("رحمٰن", "رحمن"));
}

Test(text, fold_digits_and_latin)
{
    char f[64];
    pv_text_fold("Ali KARIMI ۱۲٣", f, sizeof f);
    cr_assert_str_eq(f, "alikarimi123");
    pv_text_fold("\u202eZOË", f, sizeof f);
    cr_assert_str_eq(f, "zoë");
}

Test(text, fold_drops_controls_and_truncates_on_a_boundary)
{
    char f[64];
    pv_text_fold("a\x1b\x7f\xff" "b", f, sizeof f);
    cr_assert_str_eq(f, "ab");
    char tiny[4]; /* room for one Persian letter (2 bytes), not two */
    pv_text_fold("علی", tiny, sizeof tiny);
    cr_assert_str_eq(tiny, "ع");
    pv_text_fold(NULL, f, sizeof f);
    cr_assert_str_eq(f, "");
}

/* ---- digits --------------------------------------------------------------- */

Test(text, digits_ascii)
{
    char d[16];
    cr_assert(pv_digits_ascii("۰۹۱۲", false, d, sizeof d));
    cr_assert_str_eq(d, "0912");
    cr_assert(pv_digits_ascii("٠١٢٣٤٥٦٧٨٩", false, d, sizeof d));
    cr_assert_str_eq(d, "0123456789");
    cr_assert(!pv_digits_ascii("12 34", false, d, sizeof d));
    cr_assert_str_eq(d, "");
    cr_assert(pv_digits_ascii(" ۱۲-۳۴/5 ", true, d, sizeof d));
    cr_assert_str_eq(d, "12345");
    cr_assert(!pv_digits_ascii("12a", true, d, sizeof d));
    cr_assert(!pv_digits_ascii("1234567890123456", false, d, sizeof d)); /* does not fit */
    cr_assert(pv_digits_ascii("123456789012345", false, d, sizeof d));
}

Test(text, digits_persian)
{
    char d[64];
    pv_digits_persian("1403/01/05", d, sizeof d);
    cr_assert_str_eq(d, "۱۴۰۳/۰۱/۰۵");
    pv_digits_persian("پلاک 12", d, sizeof d);
    cr_assert_str_eq(d, "پلاک ۱۲");
    char small[5];
    pv_digits_persian("123", small, sizeof small); /* two Persian digits fit, not three */
    cr_assert_str_eq(small, "۱۲");
}

/* ---- display -------------------------------------------------------------- */

Test(text, sanitize_neutralises_escapes_and_overrides)
{
    char s[128];
    pv_text_sanitize("a\x1b[2Jb", false, s, sizeof s);
    cr_assert_str_eq(s, "a\ufffd[2Jb");
    cr_assert_null(strchr(s, 0x1b));
    pv_text_sanitize("x\u202ey\u2066z", false, s, sizeof s);
    cr_assert_str_eq(s, "x\ufffdy\ufffdz");
    pv_text_sanitize("a\x7f\xc2\x9b\xff", false, s, sizeof s);
    cr_assert_str_eq(s, "a\ufffd\ufffd\ufffd");
    pv_text_sanitize("1\n2\t3\r\n4", false, s, sizeof s);
    cr_assert_str_eq(s, "1 2 3 4");
    pv_text_sanitize("1\n2\t3\r\n4", true, s, sizeof s);
    cr_assert_str_eq(s, "1\n2\t3\n4");
    pv_text_sanitize("محمد\u200cرضا", false, s, sizeof s);
    cr_assert_str_eq(s, "محمد\u200cرضا");
}

Test(text, sanitize_truncates_on_a_boundary)
{
    char s[6];
    pv_text_sanitize("ab\x1b" "cd", false, s, sizeof s); /* a b FFFD = 5 bytes */
    cr_assert_str_eq(s, "ab\ufffd");
    pv_text_sanitize("علی", false, s, sizeof s);
    cr_assert_str_eq(s, "عل");
}

/* ---- UTF-8 ------------------------------------------------------------------ */

Test(text, utf8_round_trip)
{
    const uint32_t cps[] = {0x41, 0x7FF, 0x800, 0x6CC, 0xFFFD, 0x10000, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
        char b[4];
        uint32_t back = 0;
        size_t n = pv_utf8_encode(cps[i], b);
        cr_assert_eq(pv_utf8_decode(b, n, &back), n);
        cr_assert_eq(back, cps[i]);
        cr_assert_eq(pv_utf8_decode(b, n - 1, &back), 0u); /* one byte short */
    }
    char b[4];
    cr_assert_eq(pv_utf8_encode(0xD800, b), 3); /* a surrogate becomes U+FFFD */
    cr_assert_eq(memcmp(b, "\xef\xbf\xbd", 3), 0);
    cr_assert_eq(pv_utf8_length("محمد\u200cرضا"), 8);
    cr_assert_eq(pv_utf8_length("a\xc0\x80"), -1);
    cr_assert_eq(pv_utf8_length(""), 0);
}
