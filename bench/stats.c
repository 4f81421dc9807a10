/* bench-stats — enrollments for the statistics, then the statistics timed.
 *
 *   bench-stats DB [N [SEED]]
 *   bench-stats DB --facts
 *
 * Adds N (default 300000) enrollments to an imported database, spread over
 * the three Jalali years 1401-1403 among its beneficiaries and the
 * catalog's services, each with its history as the program writes it
 * (request, approval where the card asks for one, one event per step done,
 * then complete / reject / withdraw) and its money charged to the yearly
 * credit of the person's province, and sets those credits. 85 % run their
 * course (10 to 120 days: completed, or in progress when that reaches past
 * the end of 1403), the rest are rejected, withdrawn or, in the last days,
 * still requested. The rows are written directly, in one transaction, not
 * through pv_enroll (which checks eligibility, one person at a time): the
 * figures are of the statistics, not of enrolling. With N = 0 nothing is
 * added.
 *
 * With --facts, adds the facts the cards' rules read instead (add_facts) and
 * stops.
 *
 * Then times each statistics query of the core API (parvande/stats.h) once
 * cold and three times warm, and prints "stats NAME: best ms (cold ms)". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "parvande/audit.h"
#include "parvande/calendar.h"
#include "parvande/services.h"
#include "parvande/stats.h"
#include "parvande/text.h"

static double clock_ms(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double now_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

/* This process's CPU time: on a shared machine the wall time includes
 * waiting for a core; the CPU time does not. */
static double cpu_ms(void)
{
    return clock_ms(CLOCK_PROCESS_CPUTIME_ID);
}

static unsigned long long rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

typedef struct person {
    int64_t id, branch;
    char province[64], county[64], gender[8], birth[11], area[10], disability[12];
} person;
typedef struct service { char code[32]; int steps; bool approval; int64_t per_capita; } service;

static void die(pv_ctx *ctx, const char *what)
{
    fprintf(stderr, "bench-stats: %s: %s\n", what, sqlite3_errmsg(ctx->db));
    exit(1);
}

static person *load_persons(pv_ctx *ctx, size_t *n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ctx->db, "SELECT id, branch_code, province, county, gender, "
                           "birth_date, area, disability FROM person", -1, &st,
                           NULL) != SQLITE_OK)
        die(ctx, "persons");
    size_t cap = 1 << 16;
    person *p = malloc(cap * sizeof *p);
    *n = 0;
    while (p && sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap && !(p = realloc(p, (cap *= 2) * sizeof *p)))
            break;
        p[*n].id = sqlite3_column_int64(st, 0);
        p[*n].branch = sqlite3_column_int64(st, 1);
        person *q = &p[*n];
#define COL(i) (sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "")
        snprintf(q->province, sizeof q->province, "%s", COL(2));
        snprintf(q->county, sizeof q->county, "%s", COL(3));
        snprintf(q->gender, sizeof q->gender, "%s", COL(4));
        snprintf(q->birth, sizeof q->birth, "%s", COL(5));
        snprintf(q->area, sizeof q->area, "%s", COL(6));
        snprintf(q->disability, sizeof q->disability, "%s", COL(7));
#undef COL
        (*n)++;
    }
    sqlite3_finalize(st);
    if (!p) {
        fprintf(stderr, "bench-stats: out of memory\n");
        exit(1);
    }
    return p;
}

static const char *const users[] = {"sara", "reza", "maryam", "ali", "zahra", "hossein",
                                    "fateme", "mehdi"};

static void event(pv_ctx *ctx, sqlite3_stmt *ev, int64_t enr, const char *date, const char *user,
                  const char *kind, int step)
{
    sqlite3_bind_int64(ev, 1, enr);
    sqlite3_bind_text(ev, 2, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ev, 3, user, -1, SQLITE_STATIC);
    sqlite3_bind_text(ev, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int(ev, 5, step);
    if (sqlite3_step(ev) != SQLITE_DONE)
        die(ctx, "event");
    sqlite3_reset(ev);
}

static void day_after(const char *iso, long days, char out[11])
{
    pv_date g;
    pv_iso_parse(iso, &g);
    pv_iso_format(pv_gregorian_from_days(pv_days_from_gregorian(g) + days), out);
}

static void generate(pv_ctx *ctx, long n, const service *svc, size_t n_svc)
{
    size_t n_p;
    person *p = load_persons(ctx, &n_p);
    if (n_p == 0) {
        fprintf(stderr, "bench-stats: the database has no beneficiary\n");
        exit(1);
    }
    sqlite3_stmt *ins, *ev;
    if (sqlite3_prepare_v2(ctx->db,
                           "INSERT INTO enrollment (id, person_id, code, branch_code, status, "
                           "step, n_steps, date, jyear, jseason, jmonth, province, province_key, "
                           "amount, charged_credit, requested_by, approved_by, gender, birth_date, "
                           "area, disability, county) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                           "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(ctx->db,
                           "INSERT INTO enrollment_event (enrollment_id, date, user, kind, step) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &ev, NULL) != SQLITE_OK)
        die(ctx, "prepare");
    char first[11], today[11];
    pv_iso_format(pv_jalali_to_gregorian((pv_date){1401, 1, 1}), first);
    pv_iso_format(pv_jalali_to_gregorian((pv_date){1404, 1, 1}), today);
    pv_date g0;
    pv_iso_parse(first, &g0);
    long d0 = pv_days_from_gregorian(g0), span = 3 * 365 + 1;
    int64_t base = ctx->branch_code << 40 | (int64_t)1 << 36; /* clear of the program's ids */
    /* one audit entry for the whole batch, as an import writes */
    pv_error err = PV_ERROR_INIT;
    if (pv_audit_bulk_begin(ctx, "bench-stats", NULL, &err) != PV_OK) {
        fprintf(stderr, "bench-stats: %s\n", err.message ? err.message : "");
        exit(1);
    }
    /* The summary's triggers would count each row as it is written and again
     * as its events end it: counted once at the end instead (they are made
     * again at the next open). */
    if (sqlite3_exec(ctx->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(ctx->db,
                     "DROP TRIGGER stats_enrollment_insert_old; DROP TRIGGER stats_enrollment_insert;"
                     "DROP TRIGGER stats_enrollment_update_old; DROP TRIGGER stats_enrollment_update;"
                     "DROP TRIGGER stats_enrollment_delete_old; DROP TRIGGER stats_enrollment_delete;",
                     NULL, NULL, NULL) != SQLITE_OK)
        die(ctx, "begin");
    for (long i = 0; i < n; i++) {
        const person *who = &p[rnd((unsigned)n_p)];
        const service *s = &svc[rnd((unsigned)n_svc)];
        char date[11], end[11];
        pv_iso_format(pv_gregorian_from_days(d0 + rnd((unsigned)span)), date);
        /* most run their course: completed once their end (10 to 120 days
         * later) has passed, else still in progress; some are rejected or
         * withdrawn; the last few days' may still wait for approval */
        day_after(date, 10 + rnd(110), end);
        unsigned r = rnd(100);
        const char *status = r < 85 ? (strcmp(end, today) > 0 ? "in_progress" : "completed")
                             : r < 93 ? "rejected" : r < 98 ? "withdrawn" : "requested";
        char recent[11];
        day_after(today, -20, recent);
        if (!strcmp(status, "requested") && strcmp(date, recent) < 0)
            status = "rejected";
        if (strcmp(end, today) > 0 && strcmp(status, "in_progress") != 0 &&
            strcmp(status, "requested") != 0)
            memcpy(end, date, 11); /* rejected or withdrawn early */
        int steps = s->steps > 0 ? s->steps : 1;
        int step = !strcmp(status, "completed") ? steps : !strcmp(status, "requested") ? 0
                   : (int)rnd((unsigned)steps) + 1;
        if (step > steps)
            step = steps;
        bool charged = s->per_capita > 0 && strcmp(status, "rejected") != 0 &&
                       strcmp(status, "withdrawn") != 0;
        const char *by = users[rnd(sizeof users / sizeof *users)];
        const char *approver = s->approval && strcmp(status, "requested") ? "boss" : "";
        char key[64];
        pv_text_fold(who->province, key, sizeof key);
        int64_t id = base + i + 1;
        sqlite3_bind_int64(ins, 1, id);
        sqlite3_bind_int64(ins, 2, who->id);
        sqlite3_bind_text(ins, 3, s->code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 4, who->branch);
        sqlite3_bind_text(ins, 5, status, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 6, step);
        sqlite3_bind_int(ins, 7, steps);
        sqlite3_bind_text(ins, 8, date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 9, pv_jalali_period_key(date, PV_PERIOD_YEAR));
        sqlite3_bind_int64(ins, 10, pv_jalali_period_key(date, PV_PERIOD_SEASON));
        sqlite3_bind_int64(ins, 11, pv_jalali_period_key(date, PV_PERIOD_MONTH));
        sqlite3_bind_text(ins, 12, who->province, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 13, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 14, charged ? s->per_capita : 0);
        sqlite3_bind_int(ins, 15, charged);
        sqlite3_bind_text(ins, 16, by, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 17, approver, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 18, who->gender, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 19, who->birth, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 20, who->area, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 21, who->disability, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 22, who->county, -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            die(ctx, "enrollment");
        sqlite3_reset(ins);
        event(ctx, ev, id, date, by, "request", 0);
        if (approver[0])
            event(ctx, ev, id, date, "boss", "approve", 0);
        for (int k = 1; k < step; k++)
            event(ctx, ev, id, date, by, "step", k);
        if (!strcmp(status, "completed"))
            event(ctx, ev, id, end, by, "complete", steps);
        else if (!strcmp(status, "rejected"))
            event(ctx, ev, id, end, "boss", "reject", step);
        else if (!strcmp(status, "withdrawn"))
            event(ctx, ev, id, end, by, "withdraw", step);
    }
    /* Each charged service's credit in each province and year: what was
     * charged and a quarter more. */
    if (sqlite3_exec(ctx->db,
                     "INSERT OR REPLACE INTO credit (code, province_key, province, year, amount, "
                     "committed) SELECT code, province_key, max(province), jyear, "
                     "sum(amount) + sum(amount) / 4, sum(amount) FROM enrollment "
                     "WHERE charged_credit = 1 GROUP BY code, province_key, jyear",
                     NULL, NULL, NULL) != SQLITE_OK)
        die(ctx, "credits");
    double t0 = now_ms();
    if (pv_stats_summary_build(ctx, NULL) != PV_OK)
        die(ctx, "summary");
    printf("summary of recipients counted: %.1f s\n", (now_ms() - t0) / 1e3);
    if (pv_audit_bulk_commit(ctx, &err) != PV_OK ||
        sqlite3_exec(ctx->db, "COMMIT; ANALYZE", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench-stats: commit: %s\n", err.message ? err.message : sqlite3_errmsg(ctx->db));
        exit(1);
    }
    pv_audit_bulk_end(ctx);
    sqlite3_finalize(ins);
    sqlite3_finalize(ev);
    free(p);
}

/* The facts the cards read and the CSV cannot give, on a share of the
 * beneficiaries, so that each card's batch eligibility has a real answer:
 * 001 a request and the wish to join a group from one female head in
 * twenty, with a caseworker's assessment in her file; 003 identity
 * documents from one in ten in informal areas; 004 one head in a hundred a
 * local facilitator, one woman in a hundred a self-help group's member.
 * Written directly, in bulk mode (one audit entry), as the enrollments are. */
static const char facts_sql[] =
    "INSERT OR IGNORE INTO person_fact (person_id, key, value, set_on, set_by)\n"
    "  SELECT p.id, k.key, 'yes', '2024-06-01', 'bench' FROM person p\n"
    "  JOIN (SELECT 'request' AS key UNION ALL SELECT 'group_willing') k\n"
    "  WHERE p.gender = 'female' AND p.relation = 'head' AND p.id % 20 = 0;\n"
    "INSERT INTO assessment (id, file_id, date, author, text)\n"
    "  SELECT ?1 + row_number() OVER (ORDER BY f.id), f.id, '2024-06-01', 'bench',\n"
    "         'home visit: asks for training and a group' FROM casefile f\n"
    "  WHERE f.household_id IN (SELECT household_id FROM person WHERE gender = 'female'\n"
    "                           AND relation = 'head' AND id % 20 = 0);\n"
    "INSERT OR IGNORE INTO person_fact (person_id, key, value, set_on, set_by)\n"
    "  SELECT id, 'doc.identity', 'yes', '2024-06-01', 'bench' FROM person\n"
    "  WHERE area = 'informal' AND id % 10 = 0;\n"
    "INSERT OR IGNORE INTO person_fact (person_id, key, value, set_on, set_by)\n"
    "  SELECT id, 'local_facilitator', 'yes', '2024-06-01', 'bench' FROM person\n"
    "  WHERE relation = 'head' AND id % 100 = 1;\n"
    "INSERT OR IGNORE INTO person_fact (person_id, key, value, set_on, set_by)\n"
    "  SELECT id, 'self_help_member', 'yes', '2024-06-01', 'bench' FROM person\n"
    "  WHERE gender = 'female' AND id % 100 = 2;\n";

static void add_facts(pv_ctx *ctx)
{
    pv_error err = PV_ERROR_INIT;
    if (pv_audit_bulk_begin(ctx, "bench-facts", NULL, &err) != PV_OK) {
        fprintf(stderr, "bench-stats: %s\n", err.message ? err.message : "");
        exit(1);
    }
    if (sqlite3_exec(ctx->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        die(ctx, "begin");
    int64_t base = ctx->branch_code << 40 | (int64_t)1 << 37; /* clear of the program's ids */
    const char *sql = facts_sql;
    while (*sql) {
        sqlite3_stmt *st;
        const char *tail;
        if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, &tail) != SQLITE_OK)
            die(ctx, "facts");
        if (sqlite3_bind_parameter_count(st) > 0)
            sqlite3_bind_int64(st, 1, base);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            die(ctx, "facts");
        sql = tail;
        while (*sql == '\n' || *sql == ' ')
            sql++;
    }
    if (pv_audit_bulk_commit(ctx, &err) != PV_OK ||
        sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench-stats: facts: %s\n", err.message ? err.message : sqlite3_errmsg(ctx->db));
        exit(1);
    }
    pv_audit_bulk_end(ctx);
}

static service *load_services(pv_ctx *ctx, size_t *n)
{
    pv_service_info *info;
    pv_error err = PV_ERROR_INIT;
    if (pv_service_list(ctx, &info, n, &err) != PV_OK || *n == 0) {
        fprintf(stderr, "bench-stats: no catalog: %s\n", err.message ? err.message : "");
        exit(1);
    }
    service *s = calloc(*n, sizeof *s);
    for (size_t i = 0; s && i < *n; i++) {
        snprintf(s[i].code, sizeof s[i].code, "%s", info[i].code);
        s[i].steps = (int)info[i].n_steps;
        s[i].approval = info[i].approval;
        s[i].per_capita = info[i].per_capita;
    }
    free(info);
    return s;
}

typedef struct query {
    const char *name;
    pv_stats_query q;
} query;

static double time_query(pv_ctx *ctx, const query *q, int64_t *rows, double *cpu)
{
    double t0 = now_ms(), c0 = cpu_ms();
    pv_stats_table t;
    pv_error err = PV_ERROR_INIT;
    if (pv_stats_recipients(ctx, &q->q, &t, &err) != PV_OK) {
        fprintf(stderr, "bench-stats: %s: %s\n", q->name, err.message ? err.message : "");
        exit(1);
    }
    double ms = now_ms() - t0;
    *cpu = cpu_ms() - c0;
    *rows = (int64_t)t.n_rows;
    pv_stats_table_free(&t);
    return ms;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench-stats DB [N [SEED]]\n");
        return 2;
    }
    bool facts = argc > 2 && strcmp(argv[2], "--facts") == 0;
    long n = argc > 2 && !facts ? atol(argv[2]) : 300000;
    rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) : 14;
    pv_ctx *ctx;
    pv_error err = PV_ERROR_INIT;
    if (pv_ctx_open(argv[1], PV_LANG_EN, &ctx, &err) != PV_OK) {
        fprintf(stderr, "bench-stats: %s\n", err.message ? err.message : "");
        return 1;
    }
    if (facts) {
        double t0 = now_ms();
        add_facts(ctx);
        printf("facts added for the cards' eligibility in %.1f s\n", (now_ms() - t0) / 1e3);
        pv_ctx_close(ctx);
        return 0;
    }
    size_t n_svc;
    service *svc = load_services(ctx, &n_svc);
    if (n > 0) {
        double t0 = now_ms();
        generate(ctx, n, svc, n_svc);
        printf("enrollments added: %ld in %.1f s\n", n, (now_ms() - t0) / 1e3);
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ctx->db, "SELECT count(*), (SELECT count(*) FROM enrollment_event) "
                                    "FROM enrollment", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        printf("enrollments: %lld, events: %lld\n", sqlite3_column_int64(st, 0),
               sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    const char *y3a = "1403/01/01", *y3b = "1403/12/30", *y1 = "1401/01/01";
    const query queries[] = {
        {"every service by month, 1403", {"all", PV_STATS_MONTH, PV_BY_NONE, y3a, y3b}},
        {"002 by day, Esfand 1403", {svc[n_svc > 2 ? 2 : 0].code, PV_STATS_DAY, PV_BY_NONE,
                                      "1403/12/01", y3b}},
        {"every service by season and gender, 1401-1403",
         {"all", PV_STATS_SEASON, PV_BY_GENDER, y1, y3b}},
        {"every service by year and province, 1401-1403",
         {"all", PV_STATS_YEAR, PV_BY_PROVINCE, y1, y3b}},
        {"every service by month and age, 1403", {"all", PV_STATS_MONTH, PV_BY_AGE, y3a, y3b}},
        {"every service by month and county, 1403",
         {"all", PV_STATS_MONTH, PV_BY_COUNTY, y3a, y3b}},
        {"every service by month and area, 1403", {"all", PV_STATS_MONTH, PV_BY_AREA, y3a, y3b}},
        {"every service by month and disability, 1403",
         {"all", PV_STATS_MONTH, PV_BY_DISABILITY, y3a, y3b}},
        {"every service by month and caseworker, 1403",
         {"all", PV_STATS_MONTH, PV_BY_CASEWORKER, y3a, y3b}},
        {"one service, one month, by gender",
         {svc[0].code, PV_STATS_MONTH, PV_BY_GENDER, "1403/07/01", "1403/07/30"}},
    };
    double worst = 0, worst_cpu = 0;
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        int64_t rows;
        double cpu, best_cpu = 1e9;
        double cold = time_query(ctx, &queries[i], &rows, &cpu), best = 1e9;
        for (int r = 0; r < 3; r++) {
            double ms = time_query(ctx, &queries[i], &rows, &cpu);
            best = ms < best ? ms : best;
            best_cpu = cpu < best_cpu ? cpu : best_cpu;
        }
        worst = cold > worst ? cold : worst;
        worst_cpu = best_cpu > worst_cpu ? best_cpu : worst_cpu;
        printf("stats %s: %.1f ms, CPU %.1f ms (cold %.1f ms, %lld rows)\n", queries[i].name,
               best, best_cpu, cold, (long long)rows);
    }
    double t0 = now_ms();
    pv_stats_money *m;
    size_t nm;
    if (pv_stats_money_list(ctx, NULL, 1403, &m, &nm, &err) != PV_OK)
        return 1;
    free(m);
    printf("stats money 1403: %.1f ms (%zu rows)\n", now_ms() - t0, nm);
    /* the work table: its first call (its statements prepared, its pages
     * read) and the best of three after it */
    double work_ms[4];
    size_t nw = 0;
    for (int i = 0; i < 4; i++) {
        t0 = now_ms();
        pv_stats_work *w;
        if (pv_stats_work_list(ctx, y3a, y3b, &w, &nw, &err) != PV_OK)
            return 1;
        free(w);
        work_ms[i] = now_ms() - t0;
    }
    double work_best = work_ms[1];
    for (int i = 2; i < 4; i++)
        work_best = work_ms[i] < work_best ? work_ms[i] : work_best;
    printf("stats work 1403: first %.1f ms, then %.1f ms (%zu caseworkers)\n", work_ms[0],
           work_best, nw);
    /* the lists over the services' own records (as many as the bench has) */
    t0 = now_ms();
    pv_stats_group *g;
    size_t ng;
    if (pv_stats_group_list(ctx, NULL, &g, &ng, &err) != PV_OK)
        return 1;
    free(g);
    printf("stats groups: %.1f ms (%zu groups)\n", now_ms() - t0, ng);
    t0 = now_ms();
    pv_stats_course *c;
    size_t nc;
    if (pv_stats_course_list(ctx, NULL, 1403, &c, &nc, &err) != PV_OK)
        return 1;
    free(c);
    printf("stats courses 1403: %.1f ms (%zu courses)\n", now_ms() - t0, nc);
    t0 = now_ms();
    pv_stats_insurance *ins;
    size_t ni;
    if (pv_stats_insurance_list(ctx, NULL, 1403, &ins, &ni, &err) != PV_OK)
        return 1;
    free(ins);
    printf("stats insurance 1403: %.1f ms (%zu lists)\n", now_ms() - t0, ni);
    int64_t months[12];
    t0 = now_ms();
    if (pv_stats_months(ctx, NULL, "2025-03-20", months, 12, &err) != PV_OK)
        return 1;
    printf("stats sparkline, 12 months: %.1f ms\n", now_ms() - t0);
    printf("stats slowest recipients query: cold %.1f ms, warm CPU %.1f ms\n", worst, worst_cpu);
    free(svc);
    pv_ctx_close(ctx);
    return 0;
}
