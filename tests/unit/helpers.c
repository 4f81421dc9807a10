/* Helpers for unit tests that need a database (see helpers.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "parvande/i18n.h"

static char db_dir[512];
static char db_path[600];

pv_ctx *pv_test_db(void)
{
    pv_i18n_init(); /* as the program: a UTF-8 locale and the catalogs bound */
    const char *tmp = getenv("TMPDIR");
    snprintf(db_dir, sizeof db_dir, "%s/pv-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    cr_assert_not_null(mkdtemp(db_dir), "mkdtemp failed");
    snprintf(db_path, sizeof db_path, "%s/test.db", db_dir);
    pv_ctx *ctx = NULL;
    pv_error err = PV_ERROR_INIT;
    pv_status rc = pv_ctx_open(db_path, PV_LANG_EN, &ctx, &err);
    cr_assert_eq(rc, PV_OK, "pv_ctx_open: %s", err.message ? err.message : "?");
    pv_error_clear(&err);
    return ctx;
}

const char *pv_test_db_path(void)
{
    return db_path;
}

void pv_test_db_close(pv_ctx *ctx)
{
    pv_ctx_close(ctx);
    const char *suffix[] = {"", "-wal", "-shm", "-journal", ".audit-head"};
    char p[640];
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
        unlink(p);
    }
    rmdir(db_dir);
}

void pv_test_natid(unsigned long n, char out[11])
{
    unsigned long base = 100000000UL + n % 800000000UL;
    if (base % 111111111UL == 0) /* ddddddddd gives the refused dddddddddd */
        base++;
    snprintf(out, 11, "%09lu", base);
    int sum = 0;
    for (int i = 0; i < 9; i++)
        sum += (out[i] - '0') * (10 - i);
    int r = sum % 11;
    out[9] = (char)('0' + (r < 2 ? r : 11 - r));
    out[10] = '\0';
}

pv_person pv_test_person(unsigned long n, const char *first, const char *last,
                         const char *father, pv_gender gender)
{
    pv_person p;
    memset(&p, 0, sizeof p);
    pv_error err = PV_ERROR_INIT;
    char id[11];
    pv_test_natid(n, id);
    cr_assert_eq(pv_person_set_field(&p, "national_id", id, &err), PV_OK, "natid %s: %s", id,
                 err.message ? err.message : "");
    cr_assert_eq(pv_person_set_field(&p, "first_name", first, &err), PV_OK, "%s", first);
    cr_assert_eq(pv_person_set_field(&p, "last_name", last, &err), PV_OK, "%s", last);
    cr_assert_eq(pv_person_set_field(&p, "father_name", father ? father : "", &err), PV_OK);
    p.gender = gender;
    snprintf(p.birth_date, sizeof p.birth_date, "1990-01-01");
    pv_error_clear(&err);
    return p;
}

void pv_test_actor(pv_ctx *ctx, const char *name, pv_role role, int64_t branch)
{
    pv_actor a;
    memset(&a, 0, sizeof a);
    snprintf(a.name, sizeof a.name, "%s", name);
    a.role = role;
    a.branch_code = branch;
    a.user_id = 1;
    pv_ctx_set_actor(ctx, &a);
}
