/* The person's fields: parsing English and Persian words and digits, the
 * rejections naming their field in both languages, whole-record checks. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "parvande/i18n.h"
#include "parvande/records.h"
#include "parvande/text.h"

static pv_error err;
static pv_person p;

static void init(void)
{
    pv_i18n_init();
    pv_i18n_set_lang("en");
    setenv("PARVANDE_TODAY", "2025-03-21", 1);
    memset(&p, 0, sizeof p);
}

static void fini(void)
{
    pv_error_clear(&err);
}

TestSuite(records, .init = init, .fini = fini);

static void set_ok(const char *field, const char *text)
{
    pv_status rc = pv_person_set_field(&p, field, text, &err);
    cr_assert_eq(rc, PV_OK, "%s = «%s»: %s", field, text, err.message ? err.message : "?");
}

/* A rejection: status, the field named, p unchanged. */
static void set_rejected(const char *field, const char *text)
{
    pv_person before = p;
    pv_status rc = pv_person_set_field(&p, field, text, &err);
    cr_assert_eq(rc, PV_EINVAL, "%s = «%s» accepted", field, text);
    cr_assert_str_eq(err.field, field);
    cr_assert(memcmp(&before, &p, sizeof p) == 0, "%s changed on rejection", field);
}

Test(records, field_table_lists_every_person_field)
{
    size_t n;
    const pv_field_info *f = pv_person_fields(&n);
    const char *want[] = {"national_id", "first_name", "last_name", "father_name", "gender",
                          "birth_date", "phone", "province", "county", "address", "area",
                          "disability", "guardianship", "judicial_order", "relation"};
    cr_assert_eq(n, sizeof want / sizeof *want);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(f[i].name, want[i]);
        cr_assert(f[i].label && *f[i].label);
    }
    cr_assert(f[0].required && f[0].ltr, "national ID is required and left-to-right");
    cr_assert(!f[3].required, "father's name is optional");
}

Test(records, gender_in_english_and_persian)
{
    const char *female[] = {"F", "f", "female", "Female", " FEMALE ", "زن", "خانم", "مؤنث"};
    const char *male[] = {"M", "male", "Male", "مرد", "آقا", "مذکر"};
    for (size_t i = 0; i < sizeof female / sizeof *female; i++) {
        p.gender = PV_GENDER_UNKNOWN;
        set_ok("gender", female[i]);
        cr_assert_eq(p.gender, PV_GENDER_FEMALE, "«%s»", female[i]);
    }
    for (size_t i = 0; i < sizeof male / sizeof *male; i++) {
        p.gender = PV_GENDER_UNKNOWN;
        set_ok("gender", male[i]);
        cr_assert_eq(p.gender, PV_GENDER_MALE, "«%s»", male[i]);
    }
    set_rejected("gender", "x");
}

Test(records, enum_words_with_spaces_zwnj_and_underscores)
{
    /* ZWNJ, a space or nothing between the parts of a Persian word */
    const char *orphan[] = {"orphan", "بی‌سرپرست", "بی سرپرست", "بیسرپرست"};
    for (size_t i = 0; i < sizeof orphan / sizeof *orphan; i++) {
        p.guardianship = PV_GUARD_NONE;
        set_ok("guardianship", orphan[i]);
        cr_assert_eq(p.guardianship, PV_GUARD_ORPHAN, "«%s»", orphan[i]);
    }
    const char *poor[] = {"poorly supervised", "poorly_supervised", "بدسرپرست", "بد سرپرست"};
    for (size_t i = 0; i < sizeof poor / sizeof *poor; i++) {
        p.guardianship = PV_GUARD_NONE;
        set_ok("guardianship", poor[i]);
        cr_assert_eq(p.guardianship, PV_GUARD_POOR, "«%s»", poor[i]);
    }
    set_ok("disability", "very severe");
    cr_assert_eq(p.disability, PV_DIS_VERY_SEVERE);
    p.disability = PV_DIS_NONE;
    set_ok("disability", "very_severe");
    cr_assert_eq(p.disability, PV_DIS_VERY_SEVERE);
    set_ok("disability", "خفیف");
    cr_assert_eq(p.disability, PV_DIS_MILD);
    set_ok("disability", "خیلی شدید");
    cr_assert_eq(p.disability, PV_DIS_VERY_SEVERE);
    set_ok("disability", "");
    cr_assert_eq(p.disability, PV_DIS_NONE, "blank clears an optional field");
    set_ok("area", "informal");
    cr_assert_eq(p.area, PV_AREA_INFORMAL);
    set_ok("area", "روستایی");
    cr_assert_eq(p.area, PV_AREA_RURAL);
    set_ok("area", "حاشیه‌نشین");
    cr_assert_eq(p.area, PV_AREA_INFORMAL);
    set_ok("area", "urban");
    cr_assert_eq(p.area, PV_AREA_URBAN);
    set_ok("relation", "سرپرست");
    cr_assert_eq(p.relation, PV_REL_HEAD);
    set_ok("relation", "فرزند");
    cr_assert_eq(p.relation, PV_REL_CHILD);
    set_ok("relation", "spouse");
    cr_assert_eq(p.relation, PV_REL_SPOUSE);
    set_ok("relation", "خواهر");
    cr_assert_eq(p.relation, PV_REL_SIBLING);
    set_rejected("relation", "cousin");
    set_rejected("area", "suburb");
    set_rejected("disability", "some");
}

Test(records, yes_and_no_in_both_languages_and_digits)
{
    const char *yes[] = {"1", "۱", "yes", "Y", "true", "بله", "آری"};
    const char *no[] = {"0", "۰", "no", "N", "false", "خیر", "نه"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        p.judicial_order = false;
        set_ok("judicial_order", yes[i]);
        cr_assert(p.judicial_order, "«%s»", yes[i]);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        p.judicial_order = true;
        set_ok("judicial_order", no[i]);
        cr_assert(!p.judicial_order, "«%s»", no[i]);
    }
    set_rejected("judicial_order", "maybe");
}

Test(records, persian_digits_in_ids_dates_and_phones)
{
    char id[11], fa_id[64];
    pv_test_natid(4242, id);
    pv_digits_persian(id, fa_id, sizeof fa_id);
    set_ok("national_id", fa_id);
    cr_assert_str_eq(p.national_id, id);
    set_ok("birth_date", "۱۴۰۳/۰۱/۰۱");
    cr_assert_str_eq(p.birth_date, "2024-03-20");
    set_ok("birth_date", "1370-05-12");
    cr_assert_str_eq(p.birth_date, "1991-08-03");
    set_ok("birth_date", "1985-02-03");
    cr_assert_str_eq(p.birth_date, "1985-02-03");
    set_ok("phone", "۰۹۱۲ ۳۴۵ ۶۷۸۹");
    cr_assert_str_eq(p.phone, "09123456789");
}

Test(records, names_are_normalised)
{
    set_ok("first_name", "  علي  ");
    cr_assert_str_eq(p.first_name, "علی", "Arabic yeh stored as Persian, spaces trimmed");
    set_ok("last_name", "كريمي   نژاد");
    cr_assert_str_eq(p.last_name, "کریمی نژاد");
    set_ok("father_name", "محمد‌رضا");
    cr_assert_str_eq(p.father_name, "محمد‌رضا", "ZWNJ kept");
    set_rejected("first_name", "Ali\x1b[31m");
}

Test(records, rejections_name_the_field_in_english)
{
    char id[11];
    pv_test_natid(77, id);
    id[9] = id[9] == '9' ? '0' : (char)(id[9] + 1); /* wrong check digit */
    set_rejected("national_id", id);
    cr_assert(strstr(err.message, "National ID"), "%s", err.message);
    set_rejected("birth_date", "1403/07/31");
    cr_assert(strstr(err.message, "Birth date"), "%s", err.message);
    set_rejected("birth_date", "1404/02/01"); /* after "today", 2025-03-21 */
    cr_assert(strstr(err.message, "Birth date") && strstr(err.message, "future"), "%s",
              err.message);
    set_rejected("gender", "unknown-word");
    cr_assert(strstr(err.message, "Gender") && strstr(err.message, "female"), "%s", err.message);
    cr_assert_eq(pv_person_set_field(&p, "shoe_size", "42", &err), PV_EUSAGE);
}

Test(records, rejections_name_the_field_in_persian)
{
    pv_i18n_set_lang("fa");
    char id[11];
    pv_test_natid(78, id);
    id[9] = id[9] == '9' ? '0' : (char)(id[9] + 1);
    set_rejected("national_id", id);
    cr_assert(strstr(err.message, "کد ملی"), "%s", err.message);
    set_rejected("gender", "blue");
    cr_assert(strstr(err.message, "جنسیت") && strstr(err.message, "زن"), "%s", err.message);
    set_rejected("birth_date", "1404/02/01");
    cr_assert(strstr(err.message, "تاریخ تولد") && strstr(err.message, "آینده"), "%s",
              err.message);
    set_rejected("judicial_order", "شاید");
    cr_assert(strstr(err.message, "حکم قضایی") && strstr(err.message, "بله"), "%s", err.message);
}

Test(records, persian_words_accepted_in_english_interface_and_back)
{
    pv_i18n_set_lang("en");
    set_ok("gender", "زن");
    cr_assert_eq(p.gender, PV_GENDER_FEMALE);
    pv_i18n_set_lang("fa");
    set_ok("gender", "male");
    cr_assert_eq(p.gender, PV_GENDER_MALE);
}

Test(records, get_field_for_display)
{
    char buf[256];
    set_ok("birth_date", "2024-03-20");
    pv_person_get_field(&p, "birth_date", buf, sizeof buf);
    cr_assert_str_eq(buf, "1403/01/01");
    p.gender = PV_GENDER_FEMALE;
    p.guardianship = PV_GUARD_ORPHAN;
    pv_person_get_field(&p, "gender", buf, sizeof buf);
    cr_assert_str_eq(buf, "female");
    pv_i18n_set_lang("fa");
    pv_person_get_field(&p, "gender", buf, sizeof buf);
    cr_assert_str_eq(buf, "زن");
    pv_person_get_field(&p, "guardianship", buf, sizeof buf);
    cr_assert_str_eq(buf, "بی‌سرپرست");
    /* what get_field writes, set_field reads back */
    pv_person q = p;
    q.gender = PV_GENDER_UNKNOWN;
    pv_person_get_field(&p, "gender", buf, sizeof buf);
    cr_assert_eq(pv_person_set_field(&q, "gender", buf, &err), PV_OK);
    cr_assert_eq(q.gender, PV_GENDER_FEMALE);
}

Test(records, validate_whole_record)
{
    p = pv_test_person(5, "زهرا", "احمدی", NULL, PV_GENDER_FEMALE);
    cr_assert_eq(pv_person_validate(&p, &err), PV_OK, "%s", err.message ? err.message : "");
    pv_person q = p;
    q.first_name[0] = '\0';
    cr_assert_eq(pv_person_validate(&q, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "first_name");
    q = p;
    q.gender = PV_GENDER_UNKNOWN;
    cr_assert_eq(pv_person_validate(&q, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "gender");
    q = p;
    q.birth_date[0] = '\0';
    cr_assert_eq(pv_person_validate(&q, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "birth_date");
    q = p;
    strcpy(q.birth_date, "2030-01-01");
    cr_assert_eq(pv_person_validate(&q, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "birth_date");
    q = p;
    q.judicial_order = true;
    cr_assert_eq(pv_person_validate(&q, &err), PV_EINVAL, "a judicial order needs guardianship");
    cr_assert_str_eq(err.field, "judicial_order");
    q.guardianship = PV_GUARD_POOR;
    cr_assert_eq(pv_person_validate(&q, &err), PV_OK);
    q = p;
    strcpy(q.national_id, "1111111111");
    cr_assert_eq(pv_person_validate(&q, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "national_id");
}

Test(records, casefile_fields)
{
    pv_casefile f;
    memset(&f, 0, sizeof f);
    cr_assert_eq(pv_casefile_set_field(&f, "covered", "بله", &err), PV_OK);
    cr_assert(f.covered);
    cr_assert_eq(pv_casefile_set_field(&f, "file_status", "بسته", &err), PV_OK);
    cr_assert_eq(f.status, PV_FILE_CLOSED);
    cr_assert_eq(pv_casefile_set_field(&f, "file_status", "active", &err), PV_OK);
    cr_assert_eq(f.status, PV_FILE_ACTIVE);
    cr_assert_eq(pv_casefile_set_field(&f, "file_status", "pending", &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "file_status");
    cr_assert_eq(pv_casefile_set_field(&f, "covered", "perhaps", &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "covered");
    cr_assert_eq(pv_casefile_set_field(&f, "opened_on", "۱۴۰۳/۰۱/۰۱", &err), PV_OK);
    cr_assert_str_eq(f.opened_on, "2024-03-20");
}

Test(records, enum_codes_are_readable)
{
    cr_assert_str_eq(pv_gender_code(PV_GENDER_FEMALE), "female");
    cr_assert_str_eq(pv_area_code(PV_AREA_INFORMAL), "informal");
    cr_assert_str_eq(pv_disability_code(PV_DIS_VERY_SEVERE), "very_severe");
    cr_assert_str_eq(pv_guardianship_code(PV_GUARD_POOR), "poorly_supervised");
    cr_assert_str_eq(pv_relation_code(PV_REL_CHILD), "child");
    cr_assert_str_eq(pv_file_status_code(PV_FILE_CLOSED), "closed");
}
