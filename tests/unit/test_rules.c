/* The eligibility rule language: parsing, the whitelist, typing, evaluation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "parvande/rules.h"

typedef struct kv { const char *k, *v; } kv;

static const char *lookup(void *user, const char *key)
{
    for (const kv *p = user; p->k; p++)
        if (strcmp(p->k, key) == 0)
            return p->v;
    return NULL;
}

static kv no_facts[] = {{NULL, NULL}};

static pv_rule_facts base(void)
{
    pv_rule_facts f;
    memset(&f, 0, sizeof f);
    f.age = 30;
    f.gender = PV_GENDER_FEMALE;
    f.relation = PV_REL_HEAD;
    f.area = PV_AREA_URBAN;
    f.province = "تهران";
    f.county = "";
    f.has_household = true;
    f.household_size = 3;
    f.is_female_head = true;
    f.has_file = true;
    f.file_active = true;
    f.covered = true;
    f.assessments = 2;
    f.fact = lookup;
    f.fact_user = no_facts;
    return f;
}

static bool eval(const char *src, const pv_rule_facts *f)
{
    pv_rule *r = NULL;
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_rule_compile(src, &r, &err);
    cr_assert_eq(st, PV_OK, "compile «%s»: %s", src, err.message ? err.message : "?");
    bool v = pv_rule_eval(r, f);
    pv_rule_free(r);
    return v;
}

/* Compiles a rule that must be refused; returns the message (static copy). */
static const char *refused(const char *src)
{
    static char msg[512];
    pv_rule *r = NULL;
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_rule_compile(src, &r, &err);
    cr_assert_eq(st, PV_EINVAL, "«%s» was accepted", src);
    cr_assert_null(r);
    cr_assert_not_null(err.message);
    snprintf(msg, sizeof msg, "%s", err.message);
    pv_error_clear(&err);
    return msg;
}

Test(svc_rules, booleans_and_precedence)
{
    pv_rule_facts f = base();
    cr_assert(eval("covered", &f));
    cr_assert(eval("covered and file_active", &f));
    cr_assert_not(eval("not covered", &f));
    cr_assert(eval("false or covered and true", &f)); /* and binds tighter */
    cr_assert_not(eval("(false or covered) and false", &f));
    cr_assert(eval("not not covered", &f));
    f.covered = false;
    cr_assert_not(eval("covered and file_active", &f));
    cr_assert(eval("covered or file_active", &f));
    cr_assert(eval("covered = false", &f));
}

Test(svc_rules, numbers_and_comparisons)
{
    pv_rule_facts f = base();
    f.age = 17;
    cr_assert(eval("age < 18", &f));
    cr_assert(eval("age <= 17 and age >= 17 and age = 17 and age != 16", &f));
    cr_assert_not(eval("age > 17", &f));
    f.age = 18;
    cr_assert_not(eval("age < 18", &f));
    cr_assert(eval("assessments > 0", &f));
    cr_assert(eval("household_size in (2, 3, 4)", &f));
    cr_assert(eval("household_size not in (1, 2)", &f));
    f.age = -1; /* unknown birth date */
    cr_assert_not(eval("age >= 0 and age < 18", &f));
}

Test(svc_rules, enumerations_and_text)
{
    pv_rule_facts f = base();
    cr_assert(eval("gender = 'female'", &f));
    cr_assert(eval("gender != \"male\"", &f));
    cr_assert(eval("relation = 'head' and area in ('urban', 'informal')", &f));
    f.guardianship = PV_GUARD_POOR;
    cr_assert(eval("guardianship in ('orphan', 'poorly_supervised')", &f));
    cr_assert(eval("province = 'تهران'", &f));
    cr_assert_not(eval("province = 'فارس'", &f));
}

Test(svc_rules, recorded_facts_and_documents)
{
    kv facts[] = {{"doc.identity", "yes"}, {"request", "yes"}, {"children", "3"},
                  {"group_willing", "no"}, {"group", "G-7"}, {NULL, NULL}};
    pv_rule_facts f = base();
    f.fact_user = facts;
    cr_assert(eval("fact.request", &f));
    cr_assert(eval("doc.identity", &f));
    cr_assert_not(eval("fact.group_willing", &f)); /* "no" is false */
    cr_assert_not(eval("fact.absent", &f));
    cr_assert(eval("not fact.absent", &f));
    cr_assert(eval("fact.children >= 3 and fact.children < 4", &f));
    cr_assert(eval("fact.group = 'G-7'", &f));
    cr_assert(eval("fact.absent != 'x'", &f));
    cr_assert_not(eval("fact.absent = 'x'", &f));
    cr_assert(eval("fact.request = true and fact.absent = false", &f));
}

Test(svc_rules, enrollment_counts)
{
    pv_rule_facts f = base();
    f.enrolled_year = 1;
    f.enrolled_ever = 2;
    cr_assert_not(eval("enrolled_year = 0", &f));
    cr_assert(eval("enrolled_ever < 3 and enrolled_month = 0 and enrolled_season = 0", &f));
}

Test(svc_rules, names_outside_the_whitelist_are_refused)
{
    cr_assert_not_null(strstr(refused("national_id = '0012345678'"), "national_id"));
    cr_assert_not_null(strstr(refused("sqlite_master"), "sqlite_master"));
    cr_assert_not_null(strstr(refused("person.age < 18"), "person.age"));
    refused("system('rm')");
    refused("fact.Upper");      /* fact names are lowercase */
    refused("fact.");
    refused("doc.a-b");
}

Test(svc_rules, malformed_rules_are_refused)
{
    refused("");
    refused("   ");
    refused("covered and");
    refused("(covered");
    refused("covered)");
    refused("covered file_active");
    refused("age <");
    refused("age < < 3");
    refused("'unterminated");
    refused("age in 1, 2");
    refused("age in (1,");
    refused("covered ; drop");
    refused("age not 3");
}

Test(svc_rules, types_are_checked_at_load)
{
    cr_assert_not_null(strstr(refused("gender = 'femal'"), "female"));
    refused("gender < 'female'");
    refused("age = 'young'");
    refused("covered = 'yes'");
    refused("covered > true");
    refused("gender");            /* an enumeration is not a condition */
    refused("province");
    refused("province < 'x'");
    refused("3");
    refused("'text'");
    refused("3 = age");           /* the fact goes on the left */
    refused("age = covered");     /* two facts */
    refused("fact.x < 'a'");
}

Test(svc_rules, uses_and_keys)
{
    pv_rule *r = NULL;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_rule_compile("fact.request and doc.identity and fact.request and "
                                 "assessments > 0 and is_female_head and enrolled_year = 0",
                                 &r, &err),
                 PV_OK);
    unsigned u = pv_rule_uses(r);
    cr_assert(u & PV_RULE_USES_FACTS);
    cr_assert(u & PV_RULE_USES_ASSESSMENTS);
    cr_assert(u & PV_RULE_USES_HOUSEHOLD);
    cr_assert(u & PV_RULE_USES_ENROLLMENTS);
    cr_assert_not(u & PV_RULE_USES_AGE);
    const char *keys[8];
    size_t n = pv_rule_fact_keys(r, keys, 8);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(keys[0], "request");
    cr_assert_str_eq(keys[1], "doc.identity");
    pv_rule_free(r);
    cr_assert_eq(pv_rule_compile("covered", &r, &err), PV_OK);
    cr_assert_eq(pv_rule_uses(r), 0);
    pv_rule_free(r);
    cr_assert_eq(pv_rule_compile("age < 18", &r, &err), PV_OK);
    cr_assert_eq(pv_rule_uses(r), PV_RULE_USES_AGE);
    pv_rule_free(r);
    const char *const *names = pv_rule_names();
    bool age = false;
    for (size_t i = 0; names[i]; i++)
        age |= strcmp(names[i], "age") == 0;
    cr_assert(age);
}
