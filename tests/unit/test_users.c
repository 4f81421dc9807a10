/* Tests of users and login: the first administrator, adding users, the
 * same refusal for a wrong name and a wrong password, lockout after five
 * wrong passwords (surviving a restart, ending after 15 minutes by an
 * injected clock), disabled accounts, password changes, branch-scoped
 * lists, the idle-lock check, and no password anywhere in the database. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/audit.h"
#include "parvande/users.h"

typedef struct fake_clock {
    int64_t now;
} fake_clock;

static int64_t fake_now(void *arg)
{
    return ((fake_clock *)arg)->now;
}

static pv_ctx *open_with_admin(fake_clock *clock)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    if (clock)
        cr_assert_eq(pv_security_set_clock(ctx, fake_now, clock, &err), PV_OK);
    cr_assert_eq(pv_first_admin(ctx, "admin", "correct horse", 0, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    return ctx;
}

static pv_status login(pv_ctx *ctx, const char *name, const char *pw, pv_error *err)
{
    pv_error_clear(err);
    return pv_login(ctx, name, pw, err);
}

static int64_t count_where(pv_ctx *ctx, const char *sql)
{
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

Test(security_users, the_first_administrator_only_once)
{
    pv_ctx *ctx = pv_test_db();
    pv_error err = PV_ERROR_INIT;
    bool any = true;
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    cr_assert_eq(pv_users_exist(ctx, &any, &err), PV_OK);
    cr_assert_not(any);
    cr_assert_eq(pv_first_admin(ctx, "Admin", "short", 0, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "password");
    cr_assert_eq(pv_first_admin(ctx, "9admin", "long enough pw", 0, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "user");
    cr_assert_eq(pv_first_admin(ctx, "Admin", "long enough pw", 0, &err), PV_OK);
    const pv_actor *a = pv_ctx_actor(ctx);
    cr_assert_str_eq(a->name, "admin", "names are folded to lower case");
    cr_assert_eq(a->role, PV_ROLE_ADMIN);
    cr_assert_eq(a->branch_code, pv_ctx_branch(ctx));
    cr_assert_eq(pv_users_exist(ctx, &any, &err), PV_OK);
    cr_assert(any);
    pv_test_actor(ctx, "system", PV_ROLE_SYSTEM, 1);
    cr_assert_eq(pv_first_admin(ctx, "second", "long enough pw", 0, &err), PV_ECONFLICT);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(security_users, login_and_the_same_refusal_for_a_wrong_name_or_password)
{
    pv_ctx *ctx = open_with_admin(NULL);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_user_add(ctx, "sara", "sara's password", PV_ROLE_CASEWORKER, 0, &err), PV_OK,
                 "%s", err.message ? err.message : "");
    pv_logout(ctx);
    cr_assert_eq(pv_ctx_actor(ctx)->role, PV_ROLE_NONE);

    cr_assert_eq(login(ctx, "sara", "wrong password", &err), PV_EDENIED);
    char *wrong_pw = strdup(err.message);
    cr_assert_eq(login(ctx, "nosuchuser", "wrong password", &err), PV_EDENIED);
    cr_assert_str_eq(err.message, wrong_pw, "the same message for an unknown name");
    free(wrong_pw);
    cr_assert_eq(pv_ctx_actor(ctx)->role, PV_ROLE_NONE, "no actor after a failed login");

    cr_assert_eq(login(ctx, "SARA", "sara's password", &err), PV_OK, "%s",
                 err.message ? err.message : "");
    cr_assert_str_eq(pv_ctx_actor(ctx)->name, "sara");
    cr_assert_eq(pv_ctx_actor(ctx)->role, PV_ROLE_CASEWORKER);
    cr_assert_neq(pv_ctx_actor(ctx)->user_id, 0);
    /* the typed unknown name is not recorded (it may be a password) */
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE instr(coalesce(new_values, '')"
                                  " || actor || coalesce(reason, ''), 'nosuchuser') > 0"), 0);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE action = 'login'"
                                  " AND outcome = 'done' AND actor = 'sara'"), 1);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE action = 'login'"
                                  " AND outcome = 'refused'"), 2);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(security_users, five_wrong_passwords_lock_for_fifteen_minutes_across_restarts)
{
    fake_clock clock = {1700000000};
    pv_ctx *ctx = open_with_admin(&clock);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_user_add(ctx, "reza", "reza's password", PV_ROLE_SUPERVISOR, 0, &err), PV_OK);
    for (int i = 1; i <= 4; i++)
        cr_assert_eq(login(ctx, "reza", "guess", &err), PV_EDENIED, "attempt %d", i);
    cr_assert_eq(login(ctx, "reza", "guess", &err), PV_ELOCKED, "the fifth locks");
    cr_assert_not_null(strstr(err.message, "15"), "%s", err.message);
    cr_assert_eq(login(ctx, "reza", "reza's password", &err), PV_ELOCKED,
                 "locked: even the right password is refused");

    /* the lock is in the database: a new program sees it */
    char path[600];
    snprintf(path, sizeof path, "%s", pv_test_db_path());
    pv_ctx_close(ctx);
    cr_assert_eq(pv_ctx_open(path, PV_LANG_EN, &ctx, &err), PV_OK);
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    cr_assert_eq(pv_security_set_clock(ctx, fake_now, &clock, &err), PV_OK);
    clock.now += 14 * 60;
    cr_assert_eq(login(ctx, "reza", "reza's password", &err), PV_ELOCKED);
    cr_assert_not_null(strstr(err.message, " 1 "), "one minute left: %s", err.message);
    clock.now += 60;
    cr_assert_eq(login(ctx, "reza", "reza's password", &err), PV_OK, "%s",
                 err.message ? err.message : "");
    /* the count starts again after the lock */
    for (int i = 1; i <= 4; i++)
        cr_assert_eq(login(ctx, "reza", "guess", &err), PV_EDENIED);
    cr_assert_eq(login(ctx, "reza", "reza's password", &err), PV_OK, "a good login resets");
    cr_assert_eq(login(ctx, "reza", "guess", &err), PV_EDENIED, "one wrong after the reset");
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(security_users, unknown_names_lock_too_so_locks_reveal_nothing)
{
    fake_clock clock = {1700000000};
    pv_ctx *ctx = open_with_admin(&clock);
    pv_error err = PV_ERROR_INIT;
    for (int i = 1; i <= 4; i++)
        cr_assert_eq(login(ctx, "ghost", "guess", &err), PV_EDENIED);
    cr_assert_eq(login(ctx, "ghost", "guess", &err), PV_ELOCKED);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(security_users, disabled_accounts_cannot_log_in_and_admins_cannot_disable_themselves)
{
    pv_ctx *ctx = open_with_admin(NULL);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_user_add(ctx, "mina", "mina's password", PV_ROLE_CASEWORKER, 0, &err), PV_OK);
    cr_assert_eq(pv_user_add(ctx, "mina", "other password", PV_ROLE_CASEWORKER, 0, &err),
                 PV_ECONFLICT);
    cr_assert_eq(pv_user_disable(ctx, "admin", &err), PV_ECONFLICT);
    cr_assert_eq(pv_user_disable(ctx, "mina", &err), PV_OK);
    cr_assert_eq(pv_user_disable(ctx, "nobody", &err), PV_ENOTFOUND);
    cr_assert_eq(login(ctx, "mina", "mina's password", &err), PV_EDENIED);
    cr_assert_not_null(strstr(err.message, "disabled"), "%s", err.message);
    cr_assert_eq(login(ctx, "admin", "correct horse", &err), PV_OK);
    cr_assert_eq(pv_user_enable(ctx, "mina", &err), PV_OK);
    cr_assert_eq(login(ctx, "mina", "mina's password", &err), PV_OK);
    /* the change is in the audit trail, by the trigger of the user table */
    cr_assert_geq(count_where(ctx, "SELECT count(*) FROM audit WHERE tbl = 'user' AND action ="
                                   " 'update' AND actor = 'admin' AND new_values LIKE"
                                   " '%\"disabled\":1%'"), 1);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(security_users, passwords_change_by_the_user_or_an_admin_and_never_appear_in_the_database)
{
    pv_ctx *ctx = open_with_admin(NULL);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_user_add(ctx, "sara", "first-Secret-1", PV_ROLE_CASEWORKER, 0, &err), PV_OK);
    cr_assert_eq(pv_user_add(ctx, "hasan", "hasan-Secret-2", PV_ROLE_CASEWORKER, 0, &err), PV_OK);
    cr_assert_eq(login(ctx, "sara", "first-Secret-1", &err), PV_OK);
    cr_assert_eq(pv_user_passwd(ctx, "sara", "second-Secret-3", &err), PV_OK, "%s",
                 err.message ? err.message : "");
    cr_assert_eq(pv_user_passwd(ctx, "hasan", "sara-chose-this", &err), PV_EDENIED,
                 "a caseworker may not set another's password");
    cr_assert_eq(pv_user_passwd(ctx, "ghost", "sara-chose-this", &err), PV_EDENIED,
                 "nor learn who exists");
    cr_assert_eq(login(ctx, "sara", "first-Secret-1", &err), PV_EDENIED);
    cr_assert_eq(login(ctx, "sara", "second-Secret-3", &err), PV_OK);
    cr_assert_eq(login(ctx, "admin", "correct horse", &err), PV_OK);
    cr_assert_eq(pv_user_passwd(ctx, "sara", "third-Secret-4", &err), PV_OK);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE action = 'password-changed'"),
                 2);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM user WHERE pwhash GLOB '$argon2id$*'"), 3);
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit WHERE instr(coalesce(old_values,'')"
                                  " || coalesce(new_values,''), 'argon2') > 0"), 0,
                 "no hash in the audit trail");
    pv_error_clear(&err);
    cr_assert_eq(sqlite3_exec(ctx->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                 SQLITE_OK);
    /* no password in clear anywhere in the file */
    FILE *f = fopen(pv_test_db_path(), "rb");
    cr_assert_not_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const char *secrets[] = {"first-Secret-1", "second-Secret-3", "hasan-Secret-2",
                             "third-Secret-4", "correct horse"};
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        cr_assert_null(memmem(buf, n, secrets[i], strlen(secrets[i])), "%s in the file",
                       secrets[i]);
    pv_test_db_close(ctx);
}

Test(security_users, admins_manage_only_their_branch)
{
    pv_ctx *ctx = open_with_admin(NULL);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_user_add(ctx, "sara", "sara's password", PV_ROLE_CASEWORKER, 0, &err), PV_OK);
    cr_assert_eq(pv_user_add(ctx, "far", "far's password", PV_ROLE_CASEWORKER, 2, &err), PV_EDENIED,
                 "another branch");
    pv_test_actor(ctx, "system", PV_ROLE_SYSTEM, 1);
    cr_assert_eq(pv_user_add(ctx, "far", "far's password", PV_ROLE_ADMIN, 2, &err), PV_OK);
    cr_assert_eq(pv_user_add(ctx, "bad", "bad's password", PV_ROLE_SYSTEM, 0, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "role");
    pv_user *u = NULL;
    size_t n = 0;
    cr_assert_eq(pv_user_list(ctx, &u, &n, &err), PV_OK);
    cr_assert_eq(n, 3, "the system actor sees all");
    free(u);
    cr_assert_eq(login(ctx, "admin", "correct horse", &err), PV_OK);
    cr_assert_eq(pv_user_list(ctx, &u, &n, &err), PV_OK);
    cr_assert_eq(n, 2, "admin of branch 1 sees its own");
    cr_assert_str_eq(u[0].name, "admin");
    cr_assert_str_eq(u[1].name, "sara");
    cr_assert_eq(u[1].role, PV_ROLE_CASEWORKER);
    cr_assert_str_eq(u[0].last_login[0] ? "set" : "", "set");
    free(u);
    cr_assert_eq(pv_user_disable(ctx, "far", &err), PV_EDENIED);
    cr_assert_eq(login(ctx, "sara", "sara's password", &err), PV_OK);
    cr_assert_eq(pv_user_list(ctx, &u, &n, &err), PV_EDENIED, "caseworkers may not list users");
    cr_assert_eq(pv_user_add(ctx, "new", "new's password", PV_ROLE_CASEWORKER, 0, &err), PV_EDENIED);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(security_users, the_idle_lock_checks_the_password_and_counts_failures)
{
    fake_clock clock = {1700000000};
    pv_ctx *ctx = open_with_admin(&clock);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_user_verify_password(ctx, "correct horse", &err), PV_OK);
    cr_assert_eq(pv_user_verify_password(ctx, "wrong", &err), PV_EDENIED);
    cr_assert_str_eq(pv_ctx_actor(ctx)->name, "admin", "the actor stays");
    for (int i = 2; i <= 4; i++)
        cr_assert_eq(pv_user_verify_password(ctx, "wrong", &err), PV_EDENIED);
    cr_assert_eq(pv_user_verify_password(ctx, "wrong", &err), PV_ELOCKED);
    cr_assert_eq(pv_user_verify_password(ctx, "correct horse", &err), PV_ELOCKED);
    pv_logout(ctx);
    cr_assert_eq(pv_user_verify_password(ctx, "correct horse", &err), PV_EUSAGE);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}

Test(security_users, the_database_and_its_wal_files_are_private_whatever_the_umask)
{
    char dir[] = "/tmp/pv-perm-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[128], p[160];
    snprintf(path, sizeof path, "%s/sub/new.db", dir);
    setenv("PARVANDE_DB", path, 1); /* the default path: its directory is made too */
    mode_t old = umask(0);
    pv_ctx *ctx = NULL;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_ctx_open(NULL, PV_LANG_EN, &ctx, &err), PV_OK, "%s",
                 err.message ? err.message : "");
    cr_assert_eq(pv_audit_install(ctx, &err), PV_OK);
    cr_assert_eq(pv_first_admin(ctx, "admin", "correct horse", 0, &err), PV_OK);
    umask(old);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) { /* the connection is open: -wal and -shm exist */
        struct stat st;
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        cr_assert_eq(stat(p, &st), 0, "%s exists", p);
        cr_assert_eq(st.st_mode & 0777, 0600, "%s mode %o", p, st.st_mode & 0777);
    }
    struct stat st;
    snprintf(p, sizeof p, "%s/sub", dir);
    cr_assert_eq(stat(p, &st), 0);
    cr_assert_eq(st.st_mode & 0077, 0, "the directory made for it is private: %o", st.st_mode & 0777);
    pv_ctx_close(ctx);
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/sub", dir);
    rmdir(p);
    rmdir(dir);
}

/* Another program holds the write lock longer than the busy timeout (an
 * import's batch on a slow machine): changes of the user tables wait for it
 * instead of failing half way with "the database is busy". */
typedef struct lock_holder {
    const char *path;
    int seconds;
    volatile int held;
} lock_holder;

static void *hold_write_lock(void *arg)
{
    lock_holder *h = arg;
    sqlite3 *db;
    if (sqlite3_open(h->path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        h->held = -1;
        sqlite3_close(db);
        return NULL;
    }
    h->held = 1;
    sleep((unsigned)h->seconds);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return NULL;
}

Test(security_users, user_changes_wait_out_a_lock_longer_than_the_busy_timeout, .timeout = 120)
{
    pv_ctx *ctx = open_with_admin(NULL);
    pv_error err = PV_ERROR_INIT;
    lock_holder h = {pv_test_db_path(), 7, 0};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, hold_write_lock, &h), 0);
    while (h.held == 0)
        usleep(10000);
    cr_assert_eq(h.held, 1, "the other connection took the lock");
    cr_expect_eq(pv_user_add(ctx, "sara", "sara's password", PV_ROLE_CASEWORKER, 0, &err), PV_OK,
                 "%s", err.message ? err.message : "");
    pthread_join(t, NULL);
    cr_expect_eq(count_where(ctx, "SELECT count(*) FROM user WHERE name = 'sara'"), 1);
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}
