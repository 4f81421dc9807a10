/* parvande — fuzz target: the service-card loader and the rule compiler
 * (what an administrator's card file or another office's catalog can hold).
 * A card is validated without a database; every line that looks like a rule
 * is compiled on its own too. A refusal must come with a message. */
#include "fuzz.h"
#include "parvande/rules.h"
#include "parvande/services.h"

static void compile_rule(const char *src)
{
    pv_rule *r = NULL;
    pv_error err = PV_ERROR_INIT;
    pv_status rc = pv_rule_compile(src, &r, &err);
    if (rc != PV_OK && !err.message)
        abort();
    pv_rule_free(r);
    pv_error_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    if (!s)
        return 0;
    char code[PV_CODE_SZ];
    pv_error err = PV_ERROR_INIT;
    pv_status rc = pv_catalog_validate_card(s, "fuzz.card", code, &err);
    if (rc != PV_OK && !err.message)
        abort();
    pv_error_clear(&err);
    compile_rule(s);
    free(s);
    return 0;
}
