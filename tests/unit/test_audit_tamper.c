/* Tests of the audit trail under concurrent use and tampering: four
 * processes appending at once (every entry numbered once, none refused),
 * the tail of the trail deleted behind the program's back (found even
 * after new entries, and after the head row was moved back too), and a
 * head written down elsewhere (--expect). */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "parvande/audit.h"
#include "parvande/records.h"

#define DROP_PROTECTION "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"

static int other_tool(const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(pv_test_db_path(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
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

static pv_audit_report verify(pv_ctx *ctx)
{
    pv_audit_report rep;
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_verify(ctx, &rep, &err), PV_OK, "verify: %s",
                 err.message ? err.message : "");
    return rep;
}

static void append(pv_ctx *ctx, int n)
{
    pv_error err = PV_ERROR_INIT;
    for (int i = 0; i < n; i++)
        cr_assert_eq(pv_audit_append(ctx, "test", NULL, 0, NULL, NULL, &err), PV_OK, "%s",
                     err.message ? err.message : "");
}

#define WRITERS 4
#define EACH 150

/* One writer process: EACH entries, each in a transaction of its own (as
 * logins are); exits with the number that failed. */
static void writer(void)
{
    pv_ctx *ctx = NULL;
    pv_error err = PV_ERROR_INIT;
    if (pv_ctx_open(pv_test_db_path(), PV_LANG_EN, &ctx, &err) != PV_OK)
        _exit(100);
    int failed = 0;
    for (int i = 0; i < EACH; i++) {
        if (pv_audit_append(ctx, "login", "user", 0, NULL, NULL, &err) != PV_OK) {
            if (failed++ == 0)
                fprintf(stderr, "writer: %s\n", err.message ? err.message : "?");
            pv_error_clear(&err);
        }
    }
    pv_ctx_close(ctx);
    _exit(failed > 99 ? 99 : failed);
}

Test(audit_tamper, four_processes_appending_at_once_all_succeed_and_chain)
{
    pv_ctx *ctx = pv_test_db();
    int64_t before = count_where(ctx, "SELECT count(*) FROM audit");
    pid_t pids[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        pids[i] = fork();
        cr_assert_geq(pids[i], 0);
        if (pids[i] == 0)
            writer();
    }
    for (int i = 0; i < WRITERS; i++) {
        int status = 0;
        cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
        cr_assert(WIFEXITED(status));
        cr_assert_eq(WEXITSTATUS(status), 0, "writer %d: %d appends failed", i,
                     WEXITSTATUS(status));
    }
    cr_assert_eq(count_where(ctx, "SELECT count(*) FROM audit"), before + WRITERS * EACH);
    pv_audit_report rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT, "problem %d at %lld", rep.problem,
                 (long long)rep.seq);
    cr_assert_eq(rep.last_seq, before + WRITERS * EACH);
    pv_test_db_close(ctx);
}

Test(audit_tamper, the_tail_deleted_stays_found_after_new_entries)
{
    pv_ctx *ctx = pv_test_db();
    append(ctx, 10);
    int64_t last = count_where(ctx, "SELECT max(seq) FROM audit");
    cr_assert_eq(other_tool(DROP_PROTECTION "DELETE FROM audit WHERE seq > 7;"
                                            "DELETE FROM sqlite_sequence WHERE name = 'audit';"),
                 SQLITE_OK);
    append(ctx, 5); /* the next logins, the verifier's own among them */
    cr_assert_gt(count_where(ctx, "SELECT min(seq) FROM audit WHERE seq > 7"), last,
                 "new entries are numbered after the head, not after what is left");
    pv_audit_report rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_REMOVED, "problem %d", rep.problem);
    cr_assert_eq(rep.seq, 8);
    pv_test_db_close(ctx);
}

Test(audit_tamper, the_tail_and_the_head_row_rewound_are_found_by_the_copy_beside)
{
    pv_ctx *ctx = pv_test_db();
    append(ctx, 10);
    cr_assert_eq(verify(ctx).problem, PV_AUDIT_INTACT); /* writes the head beside */
    cr_assert_eq(other_tool(DROP_PROTECTION "DROP TRIGGER audit_head_forward;"
                                            "DELETE FROM audit WHERE seq > 7;"
                                            "DELETE FROM sqlite_sequence WHERE name = 'audit';"
                                            "UPDATE audit_head SET seq = 7,"
                                            " hash = (SELECT hash FROM audit WHERE seq = 7);"),
                 SQLITE_OK);
    pv_audit_report rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_REMOVED, "problem %d", rep.problem);
    cr_assert_eq(rep.seq, 8);
    pv_test_db_close(ctx);
}

Test(audit_tamper, the_head_cannot_move_back_through_sql)
{
    pv_ctx *ctx = pv_test_db();
    append(ctx, 3);
    cr_assert_neq(other_tool("UPDATE audit_head SET seq = 1"), SQLITE_OK);
    cr_assert_neq(other_tool("DELETE FROM audit_head"), SQLITE_OK);
    cr_assert_eq(count_where(ctx, "SELECT seq FROM audit_head"),
                 count_where(ctx, "SELECT max(seq) FROM audit"));
    pv_test_db_close(ctx);
}

Test(audit_tamper, expect_checks_a_head_written_down_elsewhere)
{
    pv_ctx *ctx = pv_test_db();
    append(ctx, 6);
    pv_audit_report rep = verify(ctx);
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT);
    char head[65];
    snprintf(head, sizeof head, "%s", rep.head_hash);
    pv_error err = PV_ERROR_INIT;
    cr_assert_eq(pv_audit_expect(ctx, head, &rep, &err), PV_OK);
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT);
    cr_assert_eq(pv_audit_expect(ctx, "6", &rep, &err), PV_OK);
    cr_assert_eq(rep.problem, PV_AUDIT_INTACT);
    cr_assert_eq(pv_audit_expect(ctx, "7", &rep, &err), PV_OK);
    cr_assert_eq(rep.problem, PV_AUDIT_REMOVED);
    rep = verify(ctx);
    char other[65];
    memset(other, 'a', 64);
    other[64] = '\0';
    cr_assert_eq(pv_audit_expect(ctx, other, &rep, &err), PV_OK);
    cr_assert_eq(rep.problem, PV_AUDIT_HEAD_MISSING);
    cr_assert_eq(pv_audit_expect(ctx, "12ab", &rep, &err), PV_EINVAL);
    cr_assert_str_eq(err.field, "expect");
    pv_error_clear(&err);
    pv_test_db_close(ctx);
}
