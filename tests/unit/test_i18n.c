/* The language of messages: read from the Persian catalog, chosen per
 * thread through the context, never through the environment. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "parvande/context.h"
#include "parvande/i18n.h"

#define MSG "Out of memory."
#define MSG_FA "حافظه کافی نیست."

static void init(void)
{
    pv_i18n_init();
}

TestSuite(i18n, .init = init);

Test(i18n, persian_from_the_catalog_english_as_written)
{
    pv_i18n_set_lang("fa");
    cr_assert_str_eq(_(MSG), MSG_FA);
    cr_assert_str_eq(_("a string no catalog has"), "a string no catalog has");
    pv_i18n_set_lang("en");
    cr_assert_str_eq(_(MSG), MSG);
}

Test(i18n, the_environment_is_left_alone)
{
    unsetenv("LANGUAGE");
    pv_i18n_set_lang("fa");
    cr_assert_null(getenv("LANGUAGE"), "no process-wide LANGUAGE");
    cr_assert_str_eq(_(MSG), MSG_FA);
}

static void *in_english(void *arg)
{
    pv_i18n_set_lang("en");
    *(const char **)arg = _(MSG);
    return NULL;
}

static void *unset(void *arg)
{
    *(const char **)arg = _(MSG);
    return NULL;
}

Test(i18n, each_thread_its_own_language)
{
    pv_i18n_set_lang("fa");
    const char *there = NULL;
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, in_english, &there), 0);
    pthread_join(t, NULL);
    cr_assert_str_eq(there, MSG, "the other thread chose English");
    cr_assert_str_eq(_(MSG), MSG_FA, "this thread kept Persian");
    cr_assert_eq(pthread_create(&t, NULL, unset, &there), 0);
    pthread_join(t, NULL);
    cr_assert_str_eq(there, MSG, "a thread that chose none: the language set last, anywhere");
}

Test(i18n, the_context_language_is_the_message_language)
{
    pv_ctx *ctx = pv_test_db(); /* opened in English */
    cr_assert_eq(pv_ctx_lang(ctx), PV_LANG_EN);
    cr_assert_str_eq(_(MSG), MSG);
    pv_ctx_set_lang(ctx, PV_LANG_FA);
    cr_assert_eq(pv_ctx_lang(ctx), PV_LANG_FA);
    cr_assert_str_eq(_(MSG), MSG_FA);
    pv_test_db_close(ctx);
}
