/* bench-audit — the cost of the audit trail on a bulk import.
 *
 *   bench-audit FILE.csv [DIR]
 *
 * Imports FILE.csv three times into fresh databases under DIR (default
 * $TMPDIR or /tmp): with the audit triggers off (dropped after opening),
 * with an entry per changed row, and in bulk mode (one entry per batch,
 * see audit.h; the importer's batches are summed into one entry here), and
 * prints rows/s for each, the audit entries written, and the time
 * `audit verify` takes to walk them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parvande/audit.h"
#include "parvande/import.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void remove_db(const char *path)
{
    const char *suffix[] = {"", "-wal", "-shm"};
    char p[1100];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

enum { OFF, PER_ROW, BULK };

static int run(const char *csv, const char *db, int mode)
{
    remove_db(db);
    pv_ctx *ctx = NULL;
    pv_error err = PV_ERROR_INIT;
    if (pv_ctx_open(db, PV_LANG_EN, &ctx, &err) != PV_OK ||
        pv_audit_install(ctx, &err) != PV_OK ||
        (mode == OFF && pv_audit_drop_triggers(ctx, &err) != PV_OK) ||
        (mode == BULK && pv_audit_bulk_begin(ctx, csv, NULL, &err) != PV_OK)) {
        fprintf(stderr, "bench-audit: %s\n", err.message ? err.message : "?");
        return 1;
    }
    pv_import_stats st;
    double t0 = now_s();
    if (pv_import_csv(ctx, csv, NULL, &st, &err) != PV_OK) {
        fprintf(stderr, "bench-audit: import: %s\n", err.message ? err.message : "?");
        return 1;
    }
    if (mode == BULK && pv_audit_bulk_commit(ctx, &err) != PV_OK) {
        fprintf(stderr, "bench-audit: %s\n", err.message ? err.message : "?");
        return 1;
    }
    pv_audit_bulk_end(ctx);
    double t = now_s() - t0;
    static const char *const names[] = {"import, audit off:", "import, entry per row:",
                                        "import, bulk entries:"};
    printf("%-24s %8lu rows in %6.2f s = %8.0f rows/s\n", names[mode], st.rows, t,
           (double)st.rows / t);
    if (mode != OFF) {
        pv_audit_report rep;
        t0 = now_s();
        if (pv_audit_verify(ctx, &rep, &err) != PV_OK) {
            fprintf(stderr, "bench-audit: verify: %s\n", err.message ? err.message : "?");
            return 1;
        }
        t = now_s() - t0;
        printf("  audit entries:        %8lld, verify %.2f s (%s)\n", (long long)rep.entries, t,
               rep.problem == PV_AUDIT_INTACT ? "intact" : "BROKEN");
    }
    pv_ctx_close(ctx);
    remove_db(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench-audit FILE.csv [DIR]\n");
        return 2;
    }
    const char *dir = argc > 2 ? argv[2] : getenv("TMPDIR");
    char db[1024];
    snprintf(db, sizeof db, "%s/bench-audit.db", dir && *dir ? dir : "/tmp");
    return run(argv[1], db, OFF) || run(argv[1], db, PER_ROW) || run(argv[1], db, BULK);
}
