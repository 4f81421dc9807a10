/* parvande — translation. Every text shown to a person is translated;
 * English is the msgid language and the Persian catalogs are
 * locale/fa/<module>.po (compiled to parvande.mo). The sources mark their
 * strings with _() and N_(), defined for the program's own compiles only
 * (core/i18n_macros.h), not here. */
#ifndef PARVANDE_I18N_H
#define PARVANDE_I18N_H

#define PV_DOMAIN "parvande"

/* Makes sure the process runs in a UTF-8 locale (falling back to C.UTF-8)
 * and reads the Persian catalog: from $PARVANDE_LOCALEDIR, else
 * <program dir>/locale when it exists (a build tree), else the installed
 * locale directory. Safe to call more than once, and from any thread. */
void pv_i18n_init(void);

/* The language of messages ("fa" or "en", anything else Persian) for the
 * calling thread from now on, and for threads that never set one.
 * pv_ctx_set_lang calls it with the context's language. */
void pv_i18n_set_lang(const char *code);

/* msgid in the calling thread's language: the catalog's string (static,
 * never freed), or msgid itself when English or untranslated. A printf
 * format keeps its checking through it (format_arg), as with gettext;
 * leaf: it calls back into no other module. */
const char *pv_tr(const char *msgid) __attribute__((format_arg(1), nothrow, leaf));

#endif
