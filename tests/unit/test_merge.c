/* Saving an edit made from an older copy: fields changed on one side merge,
 * the same field changed differently on both sides is a conflict that saves
 * nothing, and saving again after the conflict puts this user's values. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "parvande/merge.h"

static pv_person saved_person(pv_ctx *ctx)
{
    pv_person p = pv_test_person(42, "زهرا", "کریمی", "علی", PV_GENDER_FEMALE);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_save(ctx, &p, &err), PV_OK, "%s", err.message);
    return p;
}

static void set(pv_person *p, const char *field, const char *text)
{
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_set_field(p, field, text, &err), PV_OK, "%s: %s", field, err.message);
}

static pv_person stored(pv_ctx *ctx, const char *natid)
{
    pv_person p;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_find(ctx, natid, &p, &err), PV_OK);
    return p;
}

Test(merge, one_side_each_both_land)
{
    pv_ctx *ctx = pv_test_db();
    pv_person base = saved_person(ctx);
    /* Another terminal saves a new phone... */
    pv_person theirs = base;
    set(&theirs, "phone", "09121112233");
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_save(ctx, &theirs, &err), PV_OK);
    /* ...while this user, from the old copy, changes the address. */
    pv_person mine = base;
    set(&mine, "address", "تهران، خیابان بهار");
    cr_assert_eq(pv_person_save_merged(ctx, &base, &mine, NULL, NULL, &err), PV_OK, "%s",
                 err.message);
    pv_person now = stored(ctx, base.national_id);
    cr_assert_str_eq(now.phone, "09121112233", "their phone was overwritten");
    cr_assert_str_eq(now.address, "تهران، خیابان بهار", "my address was lost");
    pv_test_db_close(ctx);
}

Test(merge, same_field_differently_is_a_conflict_that_saves_nothing)
{
    pv_ctx *ctx = pv_test_db();
    pv_person base = saved_person(ctx);
    pv_person theirs = base;
    set(&theirs, "phone", "09121112233");
    set(&theirs, "county", "ری");
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_save(ctx, &theirs, &err), PV_OK);
    pv_person mine = base;
    set(&mine, "phone", "09350000000");
    set(&mine, "address", "قم");
    pv_field_conflict *conf = NULL;
    size_t n = 0;
    cr_assert_eq(pv_person_save_merged(ctx, &base, &mine, &conf, &n, &err), PV_ECONFLICT);
    cr_assert_eq(n, 1, "only the phone was changed by both");
    cr_assert_str_eq(conf[0].field, "phone");
    cr_assert_str_eq(conf[0].mine, "09350000000");
    cr_assert_str_eq(conf[0].theirs, "09121112233");
    cr_assert(strstr(err.message, "Phone") != NULL, "the message names the field: %s", err.message);
    pv_person now = stored(ctx, base.national_id);
    cr_assert_str_eq(now.phone, "09121112233");
    cr_assert_str_eq(now.address, theirs.address, "half of my edit was saved");
    /* The base is now theirs: saving again is a conscious overwrite. */
    cr_assert_str_eq(base.phone, "09121112233");
    pv_error_clear(&err);
    cr_assert_eq(pv_person_save_merged(ctx, &base, &mine, NULL, NULL, &err), PV_OK, "%s",
                 err.message);
    now = stored(ctx, base.national_id);
    cr_assert_str_eq(now.phone, "09350000000");
    cr_assert_str_eq(now.county, "ری", "their county, changed by them only, is kept");
    free(conf);
    pv_test_db_close(ctx);
}

Test(merge, same_change_on_both_sides_is_no_conflict)
{
    pv_ctx *ctx = pv_test_db();
    pv_person base = saved_person(ctx);
    pv_person theirs = base, mine = base;
    set(&theirs, "phone", "09121112233");
    set(&mine, "phone", "09121112233");
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_person_save(ctx, &theirs, &err), PV_OK);
    cr_assert_eq(pv_person_save_merged(ctx, &base, &mine, NULL, NULL, &err), PV_OK);
    pv_test_db_close(ctx);
}
