/* The service catalog: the five cards as data, loading, syncing without
 * overwriting an administrator's edit, refusing bad cards and rules, and a
 * sixth service added purely as data. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svc_helpers.h"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* A scratch directory holding copies of the five cards. */
static void copy_cards(char dir[64])
{
    snprintf(dir, 64, "/tmp/pv-cards-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    const char *names[] = {"000-justice-shares.card", "001-skills-job-readiness.card",
                           "002-future-insurance.card", "003-community-social-work.card",
                           "004-facilitator-training.card"};
    for (int i = 0; i < 5; i++) {
        char src[256];
        snprintf(src, sizeof src, "data/services/%s", names[i]);
        svc_write(dir, names[i], read_all(src));
    }
}

static void remove_dir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(svc_catalog, five_cards_loaded)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_service_info *list;
    size_t n;
    cr_assert_eq(pv_service_list(ctx, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 5);
    const struct { const char *code; bool local; size_t steps, crit; } want[] = {
        {"19041060106", false, 4, 5}, {"19071053115", false, 3, 2},
        {"19071059100", false, 6, 5}, {"19072703102", false, 3, 2}, {"L-004", true, 5, 3}};
    for (size_t i = 0; i < 5; i++) {
        cr_assert_str_eq(list[i].code, want[i].code);
        cr_assert_eq(list[i].local_code, want[i].local);
        cr_assert_eq(list[i].n_steps, want[i].steps, "%s steps", want[i].code);
        cr_assert_eq(list[i].n_criteria, want[i].crit, "%s criteria", want[i].code);
        cr_assert_str_neq(list[i].title_fa, "");
        cr_assert_str_neq(list[i].title_en, "");
        cr_assert_str_eq(list[i].title, list[i].title_en); /* the test context is English */
        cr_assert_not(list[i].edited);
    }
    /* Limits from the cards. */
    cr_assert_eq(list[0].frequency, PV_FREQ_YEAR);
    cr_assert_eq(list[0].per_capita, 3600000);
    cr_assert(list[0].approval);
    cr_assert_eq(list[2].group_cap, 300000000);
    cr_assert_str_eq(list[2].group_fact, "group");
    cr_assert_eq(list[4].frequency, PV_FREQ_YEAR);
    cr_assert_eq(list[4].freq_count, 2);
    cr_assert_eq(list[4].per_capita, 6000000);
    cr_assert_eq(list[3].frequency, PV_FREQ_NONE);
    free(list);
    pv_test_db_close(ctx);
}

Test(svc_catalog, card_sections_in_both_languages)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_card *card;
    cr_assert_eq(pv_service_card(ctx, "19071053115", &card, &err), PV_OK);
    const char *want[] = {"§1", "§2", "§3", "§4", "§5", "§6", "§7", "§10", "§11"};
    for (size_t w = 0; w < sizeof want / sizeof *want; w++) {
        bool found = false;
        for (size_t i = 0; i < card->n_sections; i++)
            found |= strncmp(card->sections[i].title, want[w], strlen(want[w])) == 0;
        cr_assert(found, "section %s missing", want[w]);
    }
    bool referral = false, step = false, crit = false;
    for (size_t i = 0; i < card->n_sections; i++)
        for (size_t j = 0; j < card->sections[i].n_rows; j++) {
            const pv_card_row *r = &card->sections[i].rows[j];
            referral |= strcmp(r->label, "Referral") == 0
                        && strstr(r->value, "crisis-intervention") != NULL;
            step |= strstr(r->value, "social-services base") != NULL;
            crit |= strstr(r->value, "doc.identity") != NULL;
        }
    cr_assert(referral && step && crit);
    pv_card_free(card);
    /* Persian: values from the card, labels from the catalog. */
    pv_ctx_set_lang(ctx, PV_LANG_FA);
    cr_assert_eq(pv_service_card(ctx, "۱۹۰۷۱۰۵۳۱۱۵", &card, &err), PV_OK); /* Persian digits */
    bool fa_step = false;
    for (size_t i = 0; i < card->n_sections; i++)
        for (size_t j = 0; j < card->sections[i].n_rows; j++)
            fa_step |= strstr(card->sections[i].rows[j].value, "تشکیل پرونده") != NULL;
    cr_assert(fa_step);
    pv_card_free(card);
    /* 004 says its code is local. */
    pv_ctx_set_lang(ctx, PV_LANG_EN);
    cr_assert_eq(pv_service_card(ctx, "L-004", &card, &err), PV_OK);
    cr_assert(card->info.local_code);
    bool local = false;
    for (size_t j = 0; j < card->sections[1].n_rows; j++)
        local |= strstr(card->sections[1].rows[j].value, "local code") != NULL;
    cr_assert(local);
    pv_card_free(card);
    cr_assert_eq(pv_service_card(ctx, "99999999999", &card, &err), PV_ENOTFOUND);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

/* The value of the row whose label begins with `label`, or NULL. */
static const char *card_value(const pv_card *card, const char *label)
{
    for (size_t i = 0; i < card->n_sections; i++)
        for (size_t j = 0; j < card->sections[i].n_rows; j++)
            if (strncmp(card->sections[i].rows[j].label, label, strlen(label)) == 0)
                return card->sections[i].rows[j].value;
    return NULL;
}

/* Money on a card reads as everywhere else: grouped, Persian digits and
 * separator in Persian (it once read 3600000 under "3,600,000 rials"). */
Test(svc_catalog, card_money_grouped)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_card *card;
    cr_assert_eq(pv_service_card(ctx, "19041060106", &card, &err), PV_OK);
    const char *v = card_value(card, "Per-capita cost");
    cr_assert_not_null(v);
    cr_expect_str_eq(v, "3,600,000 rials");
    pv_card_free(card);
    pv_ctx_set_lang(ctx, PV_LANG_FA);
    cr_assert_eq(pv_service_card(ctx, "19071059100", &card, &err), PV_OK);
    v = card_value(card, "سقف");
    cr_assert_not_null(v, "no row of the group cap");
    cr_expect_str_eq(v, "۳۰۰٬۰۰۰٬۰۰۰ ریال");
    pv_card_free(card);
    pv_test_db_close(ctx);
}

Test(svc_catalog, steps_documents_criteria)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_step_info *steps;
    size_t n;
    cr_assert_eq(pv_service_steps(ctx, "19071059100", &steps, &n, &err), PV_OK);
    cr_assert_eq(n, 6);
    cr_assert_eq(steps[0].number, 1);
    cr_assert_str_eq(steps[5].title, "monitoring and evaluation");
    free(steps);
    pv_document_info *docs;
    cr_assert_eq(pv_service_documents(ctx, "19041060106", &docs, &n, &err), PV_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(docs[0].key, "judicial_order");
    free(docs);
    pv_criterion_info *crit;
    cr_assert_eq(pv_service_criteria(ctx, "19072703102", &crit, &n, &err), PV_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(crit[0].reason, "the case file is not active");
    cr_assert_str_eq(crit[0].rule, "file_active");
    free(crit);
    pv_ctx_set_lang(ctx, PV_LANG_FA);
    cr_assert_eq(pv_service_criteria(ctx, "19072703102", &crit, &n, &err), PV_OK);
    cr_assert_str_eq(crit[0].reason, "پرونده فعال نیست");
    free(crit);
    pv_test_db_close(ctx);
}

Test(svc_catalog, sync_keeps_unchanged_and_updates_changed)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    char dir[64];
    copy_cards(dir);
    pv_catalog_report rep;
    cr_assert_eq(pv_catalog_sync(ctx, dir, &rep, &err), PV_OK);
    cr_assert_eq(rep.added, 0);
    cr_assert_eq(rep.updated, 0);
    cr_assert_eq(rep.kept, 5);
    /* An upgrade changes a rule in the data: no recompiling, the new rule applies. */
    char path[128];
    snprintf(path, sizeof path, "%s/000-justice-shares.card", dir);
    char *text = strdup(read_all(path));
    char *r = strstr(text, "rule: covered");
    cr_assert_not_null(r);
    text[r - text] = '\0';
    char changed[1 << 16];
    snprintf(changed, sizeof changed, "%srule: covered and household_size >= 2\n", text);
    free(text);
    svc_write(dir, "000-justice-shares.card", changed);
    cr_assert_eq(pv_catalog_sync(ctx, dir, &rep, &err), PV_OK);
    cr_assert_eq(rep.updated, 1);
    cr_assert_eq(rep.kept, 4);
    pv_criterion_info *crit;
    size_t n;
    cr_assert_eq(pv_service_criteria(ctx, "19072703102", &crit, &n, &err), PV_OK);
    cr_assert_str_eq(crit[1].rule, "covered and household_size >= 2");
    free(crit);
    remove_dir(dir);
    pv_test_db_close(ctx);
}

Test(svc_catalog, administrator_edit_is_never_overwritten)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    char *text = strdup(read_all("data/services/003-community-social-work.card"));
    char *at = strstr(text, "rule: doc.identity");
    cr_assert_not_null(at);
    *at = '\0';
    char edited[1 << 16];
    snprintf(edited, sizeof edited, "%srule: doc.identity or fact.identity_checked\n", text);
    free(text);
    /* A caseworker may not change the catalog. */
    pv_test_actor(ctx, "maryam", PV_ROLE_CASEWORKER, 1);
    cr_assert_eq(pv_catalog_load_card(ctx, edited, "edit", &err), PV_EDENIED);
    pv_error_clear(&err);
    pv_test_actor(ctx, "admin", PV_ROLE_ADMIN, 1);
    cr_assert_eq(pv_catalog_load_card(ctx, edited, "edit", &err), PV_OK, "%s",
                 err.message ? err.message : "");
    pv_service_info info;
    cr_assert_eq(pv_service_get(ctx, "19071053115", &info, &err), PV_OK);
    cr_assert(info.edited);
    /* A sync of the shipped cards (an upgrade) leaves it alone. */
    pv_catalog_report rep;
    cr_assert_eq(pv_catalog_sync(ctx, "data/services", &rep, &err), PV_OK);
    cr_assert_eq(rep.kept, 5);
    cr_assert_eq(rep.edited_skipped, 1);
    pv_criterion_info *crit;
    size_t n;
    cr_assert_eq(pv_service_criteria(ctx, "19071053115", &crit, &n, &err), PV_OK);
    cr_assert_str_eq(crit[1].rule, "doc.identity or fact.identity_checked");
    free(crit);
    pv_test_db_close(ctx);
}

/* Loads one card text into a fresh database; returns the status and the message. */
static pv_status load_bad(const char *text, char *msg, size_t size)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_status st = pv_catalog_load_card(ctx, text, "bad.card", &err);
    snprintf(msg, size, "%s", err.message ? err.message : "");
    pv_error_clear(&err);
    pv_service_info *list;
    size_t n;
    cr_assert_eq(pv_service_list(ctx, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 5, "a refused card must change nothing");
    free(list);
    pv_test_db_close(ctx);
    return st;
}

#define CARD_HEAD "code: 90000000001\ntitle.fa: خدمت آزمایشی\n[step]\nfa: گام یک\n"

Test(svc_catalog, rule_errors_name_service_and_criterion)
{
    char msg[512];
    cr_assert_eq(load_bad(CARD_HEAD "[criterion reach]\nlabel.fa: x\nreason.fa: y\n"
                                    "rule: person.national_id = '1'\n",
                          msg, sizeof msg),
                 PV_EINVAL);
    cr_assert_not_null(strstr(msg, "90000000001"), "%s", msg);
    cr_assert_not_null(strstr(msg, "reach"), "%s", msg);
    cr_assert_not_null(strstr(msg, "person.national_id"), "%s", msg);
    cr_assert_eq(load_bad(CARD_HEAD "[criterion broken]\nlabel.fa: x\nreason.fa: y\n"
                                    "rule: covered and (age < 18\n",
                          msg, sizeof msg),
                 PV_EINVAL);
    cr_assert_not_null(strstr(msg, "broken"), "%s", msg);
    cr_assert_not_null(strstr(msg, "line 8"), "%s", msg);
    cr_assert_eq(load_bad(CARD_HEAD "[criterion enum]\nlabel.fa: x\nreason.fa: y\n"
                                    "rule: gender = 'woman'\n",
                          msg, sizeof msg),
                 PV_EINVAL);
    cr_assert_not_null(strstr(msg, "enum"), "%s", msg);
}

Test(svc_catalog, card_errors_are_refused)
{
    char msg[512];
    cr_assert_eq(load_bad("title.fa: بی‌کد\n[step]\nfa: x\n", msg, sizeof msg), PV_EINVAL);
    cr_assert_eq(load_bad("code: 90000000001\n[step]\nfa: x\n", msg, sizeof msg), PV_EINVAL);
    cr_assert_not_null(strstr(msg, "title.fa"), "%s", msg);
    cr_assert_eq(load_bad(CARD_HEAD "colour: blue\n", msg, sizeof msg), PV_EINVAL);
    cr_assert_not_null(strstr(msg, "colour"), "%s", msg);
    cr_assert_eq(load_bad(CARD_HEAD "[criterion a]\nlabel.fa: x\nreason.fa: y\n", msg, sizeof msg),
                 PV_EINVAL);
    cr_assert_not_null(strstr(msg, "rule"), "%s", msg);
    cr_assert_eq(load_bad("code: 90000000001\ntitle.fa: x\ntype: G2X\n[step]\nfa: x\n", msg,
                          sizeof msg),
                 PV_EINVAL);
    cr_assert_eq(load_bad("code: 90000000001\ntitle.fa: x\nfrequency: 3/decade\n[step]\nfa: x\n",
                          msg, sizeof msg),
                 PV_EINVAL);
    cr_assert_eq(load_bad("code: 90000000001\ntitle.fa: x\nper_capita: lots\n[step]\nfa: x\n",
                          msg, sizeof msg),
                 PV_EINVAL);
    cr_assert_eq(load_bad("code: 90000000001\ntitle.fa: x\n", msg, sizeof msg), PV_EINVAL);
    cr_assert_eq(load_bad(CARD_HEAD "[unknown]\nfa: x\n", msg, sizeof msg), PV_EINVAL);
    cr_assert_eq(load_bad("code: 9000 0001\ntitle.fa: x\n[step]\nfa: x\n", msg, sizeof msg),
                 PV_EINVAL);
    cr_assert_eq(load_bad(CARD_HEAD "[criterion a]\nlabel.fa: x\nreason.fa: y\nrule: covered\n"
                                    "[criterion a]\nlabel.fa: x\nreason.fa: y\nrule: covered\n",
                          msg, sizeof msg),
                 PV_EINVAL);
    cr_assert_eq(load_bad("code: 90000000001\ntitle.fa: \xff\xfe\n[step]\nfa: x\n", msg, sizeof msg),
                 PV_EINVAL);
}

Test(svc_catalog, a_bad_file_refuses_the_whole_sync)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    char dir[64];
    copy_cards(dir);
    /* Two files with one code. */
    svc_write(dir, "008-copy.card", read_all("data/services/000-justice-shares.card"));
    cr_assert_eq(pv_catalog_sync(ctx, dir, NULL, &err), PV_EINVAL);
    cr_assert_not_null(strstr(err.message, "19072703102"), "%s", err.message);
    pv_error_clear(&err);
    char gone[128];
    snprintf(gone, sizeof gone, "%s/008-copy.card", dir);
    unlink(gone);
    svc_write(dir, "009-bad.card", CARD_HEAD "[criterion x]\nlabel.fa: a\nreason.fa: b\n"
                                             "rule: password = 'x'\n");
    cr_assert_eq(pv_catalog_sync(ctx, dir, NULL, &err), PV_EINVAL);
    cr_assert_not_null(strstr(err.message, "009-bad.card"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "90000000001"), "%s", err.message);
    pv_error_clear(&err);
    pv_service_info *list;
    size_t n;
    cr_assert_eq(pv_service_list(ctx, &list, &n, &err), PV_OK);
    cr_assert_eq(n, 0);
    free(list);
    remove_dir(dir);
    pv_test_db_close(ctx);
}

Test(svc_catalog, sixth_service_purely_as_data)
{
    pv_ctx *ctx = svc_test_db();
    pv_error err = PV_ERROR_INIT;
    char dir[64];
    copy_cards(dir);
    svc_write(dir, "005-rural-elderly-care.card",
              "# A sixth service, added without touching the program.\n"
              "code: L-005\n"
              "local: yes\n"
              "title.fa: مراقبت از سالمندان روستایی\n"
              "title.en: Care for rural elderly people\n"
              "provider.fa: سازمان بهزیستی کشور\n"
              "level: rural\n"
              "frequency: 1/season\n"
              "[step]\nfa: بازدید\nen: visit\n"
              "[step]\nfa: ارائه مراقبت\nen: care\n"
              "[criterion elderly]\n"
              "label.fa: ۶۰ سال یا بیشتر\nlabel.en: 60 or older\n"
              "reason.fa: کمتر از ۶۰ سال دارد\nreason.en: younger than 60\n"
              "rule: age >= 60\n"
              "[criterion rural]\n"
              "label.fa: ساکن روستا\nlabel.en: lives in a village\n"
              "reason.fa: ساکن روستا نیست\nreason.en: does not live in a village\n"
              "rule: area = 'rural' and covered\n");
    pv_catalog_report rep;
    cr_assert_eq(pv_catalog_sync(ctx, dir, &rep, &err), PV_OK, "%s", err.message ? err.message : "");
    cr_assert_eq(rep.added, 1);
    pv_id hh = svc_household(ctx, true, true);
    pv_person old = svc_person(ctx, hh, 501, PV_REL_HEAD, PV_GENDER_MALE, "1950-06-01");
    old.area = PV_AREA_RURAL;
    svc_save(ctx, &old);
    pv_person young = svc_person(ctx, hh, 502, PV_REL_CHILD, PV_GENDER_MALE, "1990-06-01");
    pv_eligibility *e = svc_check(ctx, old.national_id, "L-005", "2025-01-01");
    cr_assert(e->eligible);
    pv_eligibility_free(e);
    e = svc_check(ctx, young.national_id, "L-005", "2025-01-01");
    cr_assert_not(e->eligible);
    cr_assert(svc_failed(e, "elderly"));
    cr_assert(svc_failed(e, "rural"));
    cr_assert_str_eq(e->criteria[0].reason, "younger than 60");
    pv_eligibility_free(e);
    /* And it can be enrolled, with its own frequency limit. */
    pv_enroll_request req = PV_ENROLL_REQUEST_INIT;
    req.national_id = old.national_id;
    req.code = "L-005";
    req.date = "2025-01-01";
    pv_id id;
    cr_assert_eq(pv_enroll(ctx, &req, &id, NULL, &err), PV_OK, "%s", err.message ? err.message : "");
    cr_assert_eq(pv_enroll(ctx, &req, &id, NULL, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    remove_dir(dir);
    pv_test_db_close(ctx);
}

Test(svc_catalog, validate_without_database)
{
    char code[PV_CODE_SZ];
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_catalog_validate_card(read_all("data/services/004-facilitator-training.card"),
                                          "004", code, &err),
                 PV_OK);
    cr_assert_str_eq(code, "L-004");
    cr_assert_eq(pv_catalog_validate_card("code: X\n", "x", NULL, &err), PV_EINVAL);
    pv_error_clear(&err);
    /* An editor's byte-order mark and Windows line ends are fine. */
    cr_assert_eq(pv_catalog_validate_card("\xEF\xBB\xBF" "code: L-9\r\ntitle.fa: x\r\n[step]\r\n"
                                          "fa: y\r\n", "bom", code, &err),
                 PV_OK, "%s", err.message ? err.message : "");
    cr_assert_str_eq(code, "L-9");
    pv_error_clear(&err);
}

Test(svc_catalog, data_directory)
{
    char *saved = getenv("PARVANDE_DATADIR") ? strdup(getenv("PARVANDE_DATADIR")) : NULL;
    setenv("PARVANDE_DATADIR", "/opt/pv-data", 1);
    char *dir = pv_catalog_default_dir();
    cr_assert_str_eq(dir, "/opt/pv-data/services");
    free(dir);
    unsetenv("PARVANDE_DATADIR");
    dir = pv_catalog_default_dir(); /* a build tree, or the installed directory */
    cr_assert_not_null(dir);
    cr_assert_not_null(strstr(dir, "services"));
    free(dir);
    if (saved) {
        setenv("PARVANDE_DATADIR", saved, 1);
        free(saved);
    }
    /* The default directory of the tests is the repository's: sync with NULL. */
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    pv_catalog_report rep;
    cr_assert_eq(pv_catalog_sync(ctx, NULL, &rep, &err), PV_OK, "%s", err.message ? err.message : "");
    cr_assert_eq(rep.added, 5);
    cr_assert_eq(pv_catalog_sync(ctx, "/nonexistent/dir", &rep, &err), PV_EFAIL);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}
