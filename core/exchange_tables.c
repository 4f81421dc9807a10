/* parvande — the tables exchange packages carry, and which way.
 *
 * Up (branch → province → headquarters): the beneficiaries' files and
 * what was done for them. Down: the catalog, the credits and the users.
 * Decisions on conflicts travel both ways. A table not listed here stays
 * in its office (history tables are filled by triggers where the change
 * is applied, the audit trail is each office's own chain, login state is
 * local). A module that adds a table adds one line here; its table needs
 * a PRIMARY KEY whose values are unique across branches (ids made by
 * pv_next_id are).
 *
 * enrollment_event is not listed: its ids are a plain per-database
 * sequence, so two branches' events would clash at the province. */
#include <string.h>

#include "exchange_internal.h"

const pv_xtable pv_exchange_tables[] = {
    {"household", PV_XUP, NULL},
    {"person", PV_XUP, NULL},
    {"casefile", PV_XUP, NULL},
    {"assessment", PV_XUP, NULL},
    {"person_fact", PV_XUP, NULL},
    {"enrollment", PV_XUP, NULL},
    {"enrollment_document", PV_XUP, NULL},
    {"service", PV_XDOWN, NULL},
    {"service_criterion", PV_XDOWN, NULL},
    {"service_step", PV_XDOWN, NULL},
    {"service_document", PV_XDOWN, NULL},
    /* the money a branch committed is its own bookkeeping */
    {"credit", PV_XDOWN, "committed"},
    /* a password changed at the branch stays the branch's */
    {"user", PV_XDOWN, "pwhash"},
    {"exchange_decision", PV_XBOTH, NULL},
    {NULL, 0, NULL},
};

const pv_xtable *pv_xtable_find(const char *name)
{
    for (const pv_xtable *t = pv_exchange_tables; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

bool pv_xtable_local_col(const pv_xtable *t, const char *col)
{
    if (!t || !t->local_cols)
        return false;
    size_t n = strlen(col);
    for (const char *p = t->local_cols; *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, col, n) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}
