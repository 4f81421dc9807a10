/* parvande — fuzz target: Persian normalisation, search folding, digit
 * conversion and the terminal sanitizer. The sanitizer's output must hold
 * no control character (no escape can reach a terminal through it), and
 * folding must be idempotent (a folded key folds to itself). */
#include "fuzz.h"
#include "parvande/error.h"
#include "parvande/text.h"

static void check_sanitized(const char *in)
{
    char out[4096];
    pv_text_sanitize(in, false, out, sizeof out);
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            abort(); /* a control byte survived */
    /* C1 controls (U+0080-U+009F, UTF-8 C2 80..C2 9F) are escapes too. */
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            abort();
}

static void check_fold(const char *in)
{
    char once[1024], twice[1024];
    pv_text_fold(in, once, sizeof once);
    pv_text_fold(once, twice, sizeof twice);
    if (strcmp(once, twice) != 0)
        abort(); /* folding is not idempotent */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    if (!s)
        return 0;
    char out[1024];
    pv_error err = PV_ERROR_INIT;
    for (int kind = 0; kind < 3; kind++) {
        if (pv_text_normalize(s, (pv_text_kind)kind, "first_name", out, sizeof out, &err) != PV_OK &&
            !err.message)
            abort();
        pv_error_clear(&err);
    }
    check_fold(s);
    check_sanitized(s);
    pv_digits_ascii(s, true, out, sizeof out);
    pv_digits_persian(s, out, sizeof out);
    (void)pv_utf8_length(s);
    free(s);
    return 0;
}
