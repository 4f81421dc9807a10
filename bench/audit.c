/* bench-audit — the cost of the audit trail.
 *
 *   bench-audit FILE.csv [DIR]
 *
 * 1. Imports FILE.csv into fresh databases under DIR (default $TMPDIR or
 *    /tmp) with the audit triggers dropped, then with them in place (the
 *    importer runs in bulk mode: one entry per batch), and prints rows/s.
 * 2. Saves the same number of persons one by one through pv_person_save
 *    (batches of 10,000 per transaction), without and with the triggers,
 *    which write a full entry per row: the cost of an entry.
 * 3. Times `audit verify` over the entries written by 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "parvande/audit.h"
#include "parvande/import.h"
#include "parvande/records.h"

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

static int die(const char *what, pv_error *err)
{
    fprintf(stderr, "bench-audit: %s: %s\n", what, err->message ? err->message : "?");
    return 1;
}

static pv_ctx *open_db(const char *db, int audited, pv_error *err)
{
    remove_db(db);
    pv_ctx *ctx = NULL;
    if (pv_ctx_open(db, PV_LANG_EN, &ctx, err) != PV_OK || pv_audit_install(ctx, err) != PV_OK ||
        (!audited && pv_audit_drop_triggers(ctx, err) != PV_OK)) {
        pv_ctx_close(ctx);
        return NULL;
    }
    return ctx;
}

static int import(const char *csv, const char *db, int audited, unsigned long *rows)
{
    pv_error err = PV_ERROR_INIT;
    pv_ctx *ctx = open_db(db, audited, &err);
    if (!ctx)
        return die("open", &err);
    pv_import_stats st;
    double t0 = now_s();
    if (pv_import_csv(ctx, csv, NULL, &st, &err) != PV_OK)
        return die("import", &err);
    double t = now_s() - t0;
    *rows = st.rows;
    printf("import, %-26s %8lu rows in %6.2f s = %8.0f rows/s\n",
           audited ? "audit in bulk mode:" : "audit triggers dropped:", st.rows, t,
           (double)st.rows / t);
    pv_ctx_close(ctx);
    remove_db(db);
    return 0;
}

/* A valid national ID from n (weights 10..2, mod 11). */
static void natid(unsigned long n, char out[11])
{
    snprintf(out, 11, "%09lu", 100000000UL + n);
    int sum = 0;
    for (int i = 0; i < 9; i++)
        sum += (out[i] - '0') * (10 - i);
    int r = sum % 11;
    out[9] = (char)('0' + (r < 2 ? r : 11 - r));
    out[10] = '\0';
}

static int one_by_one(const char *db, int audited, unsigned long rows)
{
    pv_error err = PV_ERROR_INIT;
    pv_ctx *ctx = open_db(db, audited, &err);
    if (!ctx)
        return die("open", &err);
    double t0 = now_s();
    for (unsigned long i = 0; i < rows; i++) {
        if (i % 10000 == 0 && (i == 0 || pv_tx_commit(ctx, &err) == PV_OK) &&
            pv_tx_begin(ctx, &err) != PV_OK)
            return die("begin", &err);
        pv_person p;
        memset(&p, 0, sizeof p);
        natid(i, p.national_id);
        if (pv_person_set_field(&p, "first_name", "زهرا", &err) != PV_OK ||
            pv_person_set_field(&p, "last_name", "احمدی", &err) != PV_OK ||
            pv_person_set_field(&p, "father_name", "علی", &err) != PV_OK ||
            pv_person_set_field(&p, "address", "تهران، خیابان آزادی، کوچهٔ ۱۲", &err) != PV_OK)
            return die("field", &err);
        p.gender = PV_GENDER_FEMALE;
        snprintf(p.birth_date, sizeof p.birth_date, "1990-01-01");
        if (pv_person_save(ctx, &p, &err) != PV_OK)
            return die("save", &err);
    }
    if (pv_tx_commit(ctx, &err) != PV_OK)
        return die("commit", &err);
    double t = now_s() - t0;
    printf("save one by one, %-17s %8lu rows in %6.2f s = %8.0f rows/s\n",
           audited ? "entry per row:" : "triggers dropped:", rows, t, (double)rows / t);
    if (audited) {
        pv_audit_report rep;
        t0 = now_s();
        if (pv_audit_verify(ctx, &rep, &err) != PV_OK)
            return die("verify", &err);
        t = now_s() - t0;
        printf("audit verify: %lld entries in %.2f s (%s)\n", (long long)rep.entries, t,
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
    unsigned long rows = 0;
    if (import(argv[1], db, 0, &rows) || import(argv[1], db, 1, &rows))
        return 1;
    return one_by_one(db, 0, rows) || one_by_one(db, 1, rows);
}
