/* parvande — translation. All text shown to a person goes through gettext
 * with the "parvande" domain; English is the msgid language and
 * the Persian catalogs are locale/fa/<module>.po. */
#ifndef PARVANDE_I18N_H
#define PARVANDE_I18N_H

#include <libintl.h>

#define PV_DOMAIN "parvande"
#define _(s) dgettext(PV_DOMAIN, s)
#define N_(s) (s)

/* Makes sure the process runs in a UTF-8 locale (falling back to C.UTF-8),
 * and binds the catalogs: $PARVANDE_LOCALEDIR, else <program dir>/locale
 * when it exists (a build tree), else the installed locale directory.
 * Safe to call more than once. */
void pv_i18n_init(void);

/* Interface language for gettext from now on ("fa" or "en"). */
void pv_i18n_set_lang(const char *code);

#endif
