/* parvande — the eligibility rule language.
 *
 * A criterion's rule is a boolean expression over a FIXED whitelist of one
 * beneficiary's facts — nothing else can be named, so a rule cannot reach
 * another person, the database or the system. Grammar:
 *
 *   expr    := or
 *   or      := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | cmp
 *   cmp     := operand [("=" | "!=" | "<" | "<=" | ">" | ">=") operand]
 *            | operand ["not"] "in" "(" literal ("," literal)* ")"
 *   operand := NAME | NUMBER | 'text' | "text" | true | false | "(" expr ")"
 *
 * A NAME alone is a test: true when the fact is true, non-zero, or (for a
 * recorded fact) present and not "no"/"0"/"false". Names (see
 * pv_rule_names()):
 *   age                      whole years on the date of the check (-1 unknown)
 *   gender                   'female' | 'male' | 'unknown'
 *   relation                 'head' | 'spouse' | 'child' | 'parent' | 'sibling' | 'other'
 *   area                     'urban' | 'rural' | 'informal' | 'unknown'
 *   disability               'none' | 'mild' | 'moderate' | 'severe' | 'very_severe'
 *   guardianship             'none' | 'orphan' | 'poorly_supervised'
 *   judicial_order           true/false
 *   province, county         text
 *   has_household, household_size, is_female_head, is_daughter_of_female_head
 *   has_file, file_active, covered       the household's case file
 *   assessments              number of caseworker assessments on the file
 *   enrolled_ever, enrolled_year, enrolled_season, enrolled_month
 *                            live enrollments of the SAME service by the
 *                            person (all but rejected/withdrawn), ever or in
 *                            the Jalali year/season/month of the check date
 *   open_referrals           the person's open referrals (sent or received,
 *                            include/parvande/referrals.h)
 *   fact.KEY                 a recorded fact of the person (pv_fact_set), text
 *   doc.KEY                  a document the person presented (fact "doc.KEY")
 *   group.KEY, event.KEY, inquiry.KEY, course.KEY
 *                            facts the records imply (include/parvande/groups.h):
 *                            her active mutual-aid group, a dated event on her
 *                            file, the best answer of an agency's inquiries,
 *                            courses she is admitted to; read like fact.KEY
 * Enumerations are checked at compile time: `gender = 'femal'` is refused.
 *
 * Rules are compiled once (pv_rule_compile) into a small tree and then
 * evaluated many times (pv_rule_eval), fast, with no allocation.
 */
#ifndef PARVANDE_RULES_H
#define PARVANDE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include "parvande/error.h"
#include "parvande/records.h"

typedef struct pv_rule pv_rule; /* a compiled rule; opaque */

/* The facts a rule may read, for one person on one date. The caller fills
 * it (core/facts.c does, from the file and the database). `fact` looks up a
 * recorded fact by key ("request", "doc.identity"): returns its value or
 * NULL when the person has none; `fact_user` is passed back to it. */
typedef struct pv_rule_facts {
    int age;
    pv_gender gender;
    pv_relation relation;
    pv_area area;
    pv_disability disability;
    pv_guardianship guardianship;
    bool judicial_order;
    const char *province;   /* never NULL: "" when unknown */
    const char *county;
    bool has_household;
    int household_size;
    bool is_female_head;
    bool is_daughter_of_female_head;
    bool has_file;
    bool file_active;
    bool covered;
    int assessments;
    int enrolled_ever, enrolled_year, enrolled_season, enrolled_month;
    int open_referrals;     /* referrals sent or received, not closed or returned */
    const char *(*fact)(void *fact_user, const char *key);
    void *fact_user;
} pv_rule_facts;

/* Compiles `src`. On PV_OK *out owns the rule (free with pv_rule_free). On a
 * malformed rule or a name outside the whitelist: PV_EINVAL with a
 * translated message saying what is wrong and where (field "rule"); the
 * caller prefixes the service and criterion. */
pv_status pv_rule_compile(const char *src, pv_rule **out, pv_error *err);
void pv_rule_free(pv_rule *r); /* NULL is allowed */

/* Evaluates a compiled rule. Pure; thread-safe for distinct facts. */
bool pv_rule_eval(const pv_rule *r, const pv_rule_facts *f);

/* Which families of facts a rule reads, so a caller can skip work. */
enum {
    PV_RULE_USES_FACTS = 1u << 0,      /* fact.* or doc.* */
    PV_RULE_USES_ENROLLMENTS = 1u << 1,/* enrolled_* */
    PV_RULE_USES_HOUSEHOLD = 1u << 2,  /* household_size, is_*_head */
    PV_RULE_USES_ASSESSMENTS = 1u << 3,
    PV_RULE_USES_AGE = 1u << 4,        /* age (needs the date of the check) */
    PV_RULE_USES_REFERRALS = 1u << 5   /* open_referrals */
};
unsigned pv_rule_uses(const pv_rule *r);

/* The recorded-fact keys a rule reads ("request", "doc.identity"), in
 * order of first use, pointers into the rule (valid while it lives). */
size_t pv_rule_fact_keys(const pv_rule *r, const char **keys, size_t max);

/* The whitelist of names (without the fact./doc. families), a static
 * NULL-terminated array. */
const char *const *pv_rule_names(void);

#endif
