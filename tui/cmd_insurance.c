/* parvande — the yearly insurance cycle on the command line:
 * `insurance status|freeze|list|add|remove|contract|export|policies|claim|
 * compare`. The service is the catalog's yearly insured one (card 002)
 * unless --service names another. Human output follows the language;
 * --tsv is for scripts. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parvande/i18n.h"
#include "parvande/insurance.h"
#include "parvande/text.h"

typedef struct iopts {
    const char *pos[4];
    int n_pos;
    bool tsv, apply_matching;
    const char *service, *date, *reason, *insurer, *number, *start, *end, *premium, *output,
        *rejects, *note;
    char code[PV_CODE_SZ];
    int year;
} iopts;

/* Options from argv[2]; min..max other words, the first the year; then
 * the database and the service. */
static int ins_open(pv_cli *cli, iopts *o, int min_pos, int max_pos)
{
    memset(o, 0, sizeof *o);
    const pv_cli_opt table[] = {
        PV_CLI_FLAG("--tsv", &o->tsv),         PV_CLI_FLAG("--apply-matching", &o->apply_matching),
        PV_CLI_VALUE("--service", &o->service), PV_CLI_VALUE("--date", &o->date),
        PV_CLI_VALUE("--reason", &o->reason),   PV_CLI_VALUE("--insurer", &o->insurer),
        PV_CLI_VALUE("--number", &o->number),   PV_CLI_VALUE("--start", &o->start),
        PV_CLI_VALUE("--end", &o->end),         PV_CLI_VALUE("--premium", &o->premium),
        PV_CLI_VALUE("--output", &o->output),   PV_CLI_VALUE("--rejects", &o->rejects),
        PV_CLI_VALUE("--note", &o->note),       PV_CLI_END,
    };
    o->n_pos = pv_cli_parse_between(cli, 2, table, o->pos, 4, min_pos, max_pos);
    if (o->n_pos < 0)
        return pv_cli_usage_self(cli);
    pv_error err = PV_ERROR_INIT;
    if (pv_ins_parse_year(o->pos[0], &o->year, &err) != PV_OK)
        return pv_cli_fail(&err);
    int rc = pv_cli_open(cli);
    if (rc)
        return rc;
    if (o->service) {
        snprintf(o->code, sizeof o->code, "%s", o->service);
        return 0;
    }
    return pv_ins_default_service(cli->ctx, o->code, &err) == PV_OK ? 0 : pv_cli_fail(&err);
}

static void put_money(const pv_cli *cli, long long v)
{
    pv_cli_put_money(cli, stdout, v);
    printf(" %s", _("rials"));
}

static void line_num(const pv_cli *cli, const char *label, long long v)
{
    printf("  %s: ", label);
    pv_cli_put_num(cli, stdout, v);
    putchar('\n');
}

/* ---- status ---- */

static void print_year(const pv_cli *cli, const pv_ins_year *y)
{
    pv_cli_put(stdout, y->province);
    printf(" — ");
    pv_cli_put_num(cli, stdout, y->year);
    putchar('\n');
    printf("  1. %s: ", _("List"));
    if (y->frozen) {
        printf("%s ", _("frozen on"));
        pv_cli_put_date(cli, stdout, y->frozen_on);
        fputs(" (", stdout);
        pv_cli_put(stdout, y->frozen_by);
        fputs(")\n", stdout);
    } else {
        printf("%s\n", _("not frozen yet"));
    }
    line_num(cli, _("listed"), y->listed);
    line_num(cli, _("added after freezing"), y->added);
    line_num(cli, _("taken off"), y->removed);
    printf("  2. %s: ", _("Credit"));
    if (y->has_credit)
        put_money(cli, y->credit);
    else
        printf("%s", _("none allotted"));
    printf("; %s ", _("needed"));
    put_money(cli, y->needed);
    if (y->shortfall) {
        printf("; %s ", _("SHORTFALL"));
        put_money(cli, y->shortfall);
    }
    putchar('\n');
    printf("  3. %s: ", _("Contract"));
    if (y->contract_no[0]) {
        pv_cli_put(stdout, y->insurer);
        fputs(", ", stdout);
        pv_cli_put(stdout, y->contract_no);
        fputs(", ", stdout);
        pv_cli_put_date(cli, stdout, y->contract_start);
        fputs(" – ", stdout);
        pv_cli_put_date(cli, stdout, y->contract_end);
        fputs(", ", stdout);
        put_money(cli, y->premium);
        putchar('\n');
    } else {
        printf("%s\n", _("not recorded yet"));
    }
    printf("  4. %s: ", _("Export"));
    if (y->exported_on[0])
        pv_cli_put_date(cli, stdout, y->exported_on);
    else
        fputs(_("not exported yet"), stdout);
    printf("\n  5. %s: ", _("Policies"));
    pv_cli_put_num(cli, stdout, y->insured);
    printf(" %s ", _("of"));
    pv_cli_put_num(cli, stdout, y->listed);
    if (y->policies_on[0]) {
        fputs(" (", stdout);
        pv_cli_put_date(cli, stdout, y->policies_on);
        fputs(")", stdout);
    }
    printf("\n  6. %s: ", _("Claims noted"));
    pv_cli_put_num(cli, stdout, y->claims);
    putchar('\n');
}

static void tsv_year(const pv_ins_year *y)
{
    /* YEAR PROVINCE FROZEN LISTED ADDED REMOVED INSURED CLAIMS CREDIT NEEDED SHORTFALL
     * CONTRACT_NO EXPORTED POLICIES_ON */
    printf("%d\t", y->year);
    pv_cli_tsv(stdout, y->province, false);
    pv_cli_tsv(stdout, y->frozen_on, false);
    printf("%d\t%d\t%d\t%d\t%d\t%lld\t%lld\t%lld\t", y->listed, y->added, y->removed,
           y->insured, y->claims, (long long)y->credit, (long long)y->needed,
           (long long)y->shortfall);
    pv_cli_tsv(stdout, y->contract_no, false);
    pv_cli_tsv(stdout, y->exported_on, false);
    pv_cli_tsv(stdout, y->policies_on, true);
}

static int sub_status(pv_cli *cli)
{
    iopts o;
    int rc = ins_open(cli, &o, 1, 2);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    if (o.n_pos == 2) {
        pv_ins_year y;
        if (pv_ins_get(cli->ctx, o.code, o.year, o.pos[1], &y, &err) != PV_OK)
            return pv_cli_fail(&err);
        if (o.tsv)
            tsv_year(&y);
        else
            print_year(cli, &y);
        return PV_EXIT_OK;
    }
    pv_ins_year *list;
    size_t n;
    if (pv_ins_years(cli->ctx, o.code, o.year, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        if (o.tsv)
            tsv_year(&list[i]);
        else
            print_year(cli, &list[i]);
    }
    free(list);
    return n ? PV_EXIT_OK : PV_EXIT_NOTFOUND;
}

/* ---- the list ---- */

static int sub_freeze(pv_cli *cli)
{
    iopts o;
    int rc = ins_open(cli, &o, 2, 2);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    size_t n;
    if (pv_ins_freeze(cli->ctx, o.code, o.year, o.pos[1], o.date, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    pv_ins_year y;
    if (pv_ins_get(cli->ctx, o.code, o.year, o.pos[1], &y, &err) != PV_OK)
        return pv_cli_fail(&err);
    printf("%s ", _("frozen:"));
    pv_cli_put_num(cli, stdout, (long long)n);
    printf(" %s\n", _("children listed"));
    if (y.shortfall) {
        printf("%s ", _("credit shortfall:"));
        put_money(cli, y.shortfall);
        putchar('\n');
    }
    return PV_EXIT_OK;
}

static int sub_list(pv_cli *cli)
{
    iopts o;
    int rc = ins_open(cli, &o, 2, 2);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_ins_member *m;
    size_t n;
    if (pv_ins_members(cli->ctx, o.code, o.year, o.pos[1], &m, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        if (o.tsv) { /* NATIONAL_ID FIRST LAST FATHER BIRTH LISTED LATE POLICY START END CLAIMS REASON */
            pv_cli_tsv(stdout, m[i].national_id, false);
            pv_cli_tsv(stdout, m[i].first_name, false);
            pv_cli_tsv(stdout, m[i].last_name, false);
            pv_cli_tsv(stdout, m[i].father_name, false);
            pv_cli_tsv(stdout, m[i].birth_date, false);
            printf("%d\t%d\t", m[i].listed, m[i].late);
            pv_cli_tsv(stdout, m[i].policy_no, false);
            pv_cli_tsv(stdout, m[i].policy_start, false);
            pv_cli_tsv(stdout, m[i].policy_end, false);
            pv_cli_tsv_num(stdout, m[i].claims, false);
            pv_cli_tsv(stdout, m[i].change_reason, true);
            continue;
        }
        pv_cli_put_digits(cli, stdout, m[i].national_id);
        fputs("  ", stdout);
        pv_cli_put(stdout, m[i].first_name);
        putchar(' ');
        pv_cli_put(stdout, m[i].last_name);
        fputs("  ", stdout);
        pv_cli_put_date(cli, stdout, m[i].birth_date);
        if (m[i].policy_no[0]) {
            printf("  %s ", _("policy"));
            pv_cli_put(stdout, m[i].policy_no);
        }
        if (!m[i].listed || m[i].late) {
            printf("  [%s: ", m[i].listed ? _("added") : _("taken off"));
            pv_cli_put(stdout, m[i].change_reason);
            putchar(']');
        }
        putchar('\n');
    }
    free(m);
    return PV_EXIT_OK;
}

static int sub_change(pv_cli *cli, bool add)
{
    iopts o;
    int rc = ins_open(cli, &o, 3, 3);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_status st = add ? pv_ins_add(cli->ctx, o.code, o.year, o.pos[1], o.pos[2], o.reason, &err)
                       : pv_ins_remove(cli->ctx, o.code, o.year, o.pos[1], o.pos[2], o.reason,
                                       &err);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    printf("%s\n", add ? _("added to the list") : _("taken off the list"));
    return PV_EXIT_OK;
}

/* ---- contract, export, policies ---- */

static int sub_contract(pv_cli *cli)
{
    iopts o;
    int rc = ins_open(cli, &o, 2, 2);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    char digits[24] = "0";
    if (o.premium && (!pv_digits_ascii(o.premium, true, digits, sizeof digits) || !*digits)) {
        pv_error_set(&err, PV_EINVAL, "premium", _("%s: %s"), _("Premium"),
                     _("rials, digits only"));
        return pv_cli_fail(&err);
    }
    if (pv_ins_contract(cli->ctx, o.code, o.year, o.pos[1], o.insurer, o.number, o.start, o.end,
                        strtoll(digits, NULL, 10), &err) != PV_OK)
        return pv_cli_fail(&err);
    printf("%s\n", _("contract recorded"));
    return PV_EXIT_OK;
}

static int sub_export(pv_cli *cli)
{
    iopts o;
    int rc = ins_open(cli, &o, 2, 2);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    FILE *f = o.output ? fopen(o.output, "wb") : stdout;
    if (!f) {
        pv_error_set(&err, PV_EFAIL, "output", _("cannot write %s"), o.output);
        return pv_cli_fail(&err);
    }
    size_t n;
    pv_status st = pv_ins_export(cli->ctx, o.code, o.year, o.pos[1],
                                 o.tsv ? PV_INS_TSV : PV_INS_CSV, f, &n, &err);
    if (o.output && fclose(f) != 0 && st == PV_OK)
        st = pv_error_set(&err, PV_EFAIL, "output", _("cannot write %s"), o.output);
    if (st != PV_OK) {
        if (o.output)
            remove(o.output); /* no half-written list for the insurer */
        return pv_cli_fail(&err);
    }
    if (o.output) {
        printf("%s ", _("exported:"));
        pv_cli_put_num(cli, stdout, (long long)n);
        printf(" %s\n", _("children"));
    }
    return PV_EXIT_OK;
}

static const char *problem_label(pv_ins_problem k)
{
    switch (k) {
    case PV_INS_MALFORMED: return _("malformed row");
    case PV_INS_NOT_LISTED: return _("not on the list");
    case PV_INS_OTHER_PROVINCE: return _("another province");
    case PV_INS_DUPLICATE: return _("twice in the reply");
    case PV_INS_NO_POLICY: return _("no policy");
    }
    return "";
}

static void print_report(pv_cli *cli, const pv_ins_report *rep)
{
    for (size_t i = 0; i < rep->n_items; i++) {
        const pv_ins_mismatch *m = &rep->items[i];
        char head[128];
        if (m->line)
            snprintf(head, sizeof head, _("line %ld: %s: "), m->line, problem_label(m->kind));
        else
            snprintf(head, sizeof head, "%s: ", problem_label(m->kind));
        fputs("parvande: ", stderr);
        pv_cli_put_message(stderr, head);
        pv_cli_put_message(stderr, m->message);
        fputc('\n', stderr);
    }
    char sum[256];
    snprintf(sum, sizeof sum, _("policies applied %zu, unchanged %zu, rows rejected %zu"),
             rep->applied, rep->unchanged, rep->rejected);
    pv_cli_put_digits(cli, stdout, sum);
    putchar('\n');
}

static int sub_policies(pv_cli *cli)
{
    iopts o;
    int rc = ins_open(cli, &o, 3, 3);
    if (rc)
        return rc;
    if (o.rejects && !o.apply_matching)
        return pv_cli_usage_self(cli);
    pv_error err = PV_ERROR_INIT;
    pv_ins_report rep;
    pv_status st = pv_ins_import(cli->ctx, o.code, o.year, o.pos[1], o.pos[2], o.apply_matching,
                                 o.rejects, &rep, &err);
    print_report(cli, &rep);
    bool any = rep.n_items > 0;
    pv_ins_report_free(&rep);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    return any ? PV_EXIT_REJECTED : PV_EXIT_OK;
}

/* ---- follow-up ---- */

static int sub_claim(pv_cli *cli)
{
    iopts o;
    int rc = ins_open(cli, &o, 2, 2);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    if (pv_ins_claim(cli->ctx, o.code, o.year, o.pos[1], o.date, o.note, &err) != PV_OK)
        return pv_cli_fail(&err);
    printf("%s\n", _("claim noted"));
    return PV_EXIT_OK;
}

static const pv_ins_year *find_province(const pv_ins_year *list, size_t n, const char *prov)
{
    char a[PV_NAME_SZ], b[PV_NAME_SZ];
    pv_text_fold(prov, a, sizeof a);
    for (size_t i = 0; i < n; i++) {
        pv_text_fold(list[i].province, b, sizeof b);
        if (strcmp(a, b) == 0)
            return &list[i];
    }
    return NULL;
}

static int sub_compare(pv_cli *cli)
{
    iopts o;
    int rc = ins_open(cli, &o, 1, 1);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_ins_year *now, *last;
    size_t n_now, n_last;
    if (pv_ins_years(cli->ctx, o.code, o.year, &now, &n_now, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (pv_ins_years(cli->ctx, o.code, o.year - 1, &last, &n_last, &err) != PV_OK) {
        free(now);
        return pv_cli_fail(&err);
    }
    for (size_t i = 0; i < n_now; i++) {
        const pv_ins_year *y = &now[i], *p = find_province(last, n_last, y->province);
        pv_ins_year none = {0};
        if (!p)
            p = &none;
        if (o.tsv) { /* PROVINCE LISTED INSURED CLAIMS LAST_LISTED LAST_INSURED LAST_CLAIMS */
            pv_cli_tsv(stdout, y->province, false);
            printf("%d\t%d\t%d\t%d\t%d\t%d\n", y->listed, y->insured, y->claims, p->listed,
                   p->insured, p->claims);
            continue;
        }
        pv_cli_put(stdout, y->province);
        putchar('\n');
        const char *labels[] = {_("listed"), _("insured"), _("claims noted")};
        int a[] = {y->listed, y->insured, y->claims}, b[] = {p->listed, p->insured, p->claims};
        for (int k = 0; k < 3; k++) {
            printf("  %s: ", labels[k]);
            pv_cli_put_num(cli, stdout, a[k]);
            printf(" (%s ", _("last year"));
            pv_cli_put_num(cli, stdout, b[k]);
            printf(", ");
            char diff[32];
            snprintf(diff, sizeof diff, "%+d", a[k] - b[k]);
            pv_cli_put_digits(cli, stdout, diff);
            printf(")\n");
        }
    }
    free(now);
    free(last);
    return n_now ? PV_EXIT_OK : PV_EXIT_NOTFOUND;
}

static int cmd_insurance(pv_cli *cli)
{
    const char *sub = cli->argc > 1 ? cli->argv[1] : "";
    if (strcmp(sub, "status") == 0)
        return sub_status(cli);
    if (strcmp(sub, "freeze") == 0)
        return sub_freeze(cli);
    if (strcmp(sub, "list") == 0)
        return sub_list(cli);
    if (strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0)
        return sub_change(cli, strcmp(sub, "add") == 0);
    if (strcmp(sub, "contract") == 0)
        return sub_contract(cli);
    if (strcmp(sub, "export") == 0)
        return sub_export(cli);
    if (strcmp(sub, "policies") == 0)
        return sub_policies(cli);
    if (strcmp(sub, "claim") == 0)
        return sub_claim(cli);
    if (strcmp(sub, "compare") == 0)
        return sub_compare(cli);
    return pv_cli_usage_self(cli);
}

const pv_command pv_cmds_insurance[] = {
    {"insurance",
     N_("status YEAR [PROVINCE] | freeze YEAR PROVINCE [--date D] | list YEAR PROVINCE | "
        "add|remove YEAR PROVINCE NATIONAL_ID --reason T | contract YEAR PROVINCE --insurer N "
        "--number C --start D --end D [--premium RIALS] | export YEAR PROVINCE [--tsv] "
        "[--output FILE] | policies YEAR PROVINCE REPLY.csv [--apply-matching [--rejects "
        "OUT.csv]] | claim YEAR NATIONAL_ID --note T [--date D] | compare YEAR "
        "(each with [--service CODE] [--tsv])"),
     N_("the yearly insurance cycle: frozen list, credit, contract, export, policies, claims"),
     cmd_insurance},
    {NULL, NULL, NULL, NULL},
};
