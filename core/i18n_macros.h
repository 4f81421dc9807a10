/* parvande — the translation marks of the program's own sources (core,
 * interface, tests, benches): _() translates, N_() marks a string that is
 * translated later (in a static table). Kept out of the public headers,
 * where names this short would clash with a user's. The build includes
 * this header in every compile (-include, see the Makefile), so sources
 * use the marks without naming it; xgettext finds them by -k_ -kN_. */
#ifndef PARVANDE_I18N_MACROS_H
#define PARVANDE_I18N_MACROS_H

#include "parvande/i18n.h"

#define _(s) pv_tr(s)
#define N_(s) (s)

#endif
