/* parvande — referral commands: `referral new|show|receive|close|return|
 * follow-up|slip`, `referrals` (lists, overdue per caseworker or centre),
 * `centres`, `centre-add`, `referral-days`. Human output follows the
 * language (Persian digits, Jalali dates); --tsv is for scripts. The slip
 * is plain logical-order UTF-8 for an 80-column printer (README). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "parvande/branch.h"
#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/referrals.h"
#include "parvande/text.h"

typedef struct ropts {
    const char *pos[4];
    int n_pos;
    bool tsv, open, overdue;
    const char *date, *centre, *urgency, *reason, *service, *follow_up, *answer, *outcome,
        *by, *county, *phone, *group, *follow_up_reason, *assessment;
} ropts;

/* Options from argv[from]; between min_pos and max_pos other words. */
static int ref_parse(pv_cli *cli, int from, ropts *o, int min_pos, int max_pos)
{
    *o = (ropts){0};
    const pv_cli_opt table[] = {
        PV_CLI_FLAG("--tsv", &o->tsv),           PV_CLI_FLAG("--open", &o->open),
        PV_CLI_FLAG("--overdue", &o->overdue),   PV_CLI_VALUE("--date", &o->date),
        PV_CLI_VALUE("--centre", &o->centre),    PV_CLI_VALUE("--urgency", &o->urgency),
        PV_CLI_VALUE("--reason", &o->reason),    PV_CLI_VALUE("--service", &o->service),
        PV_CLI_VALUE("--follow-up", &o->follow_up), PV_CLI_VALUE("--answer", &o->answer),
        PV_CLI_VALUE("--outcome", &o->outcome),  PV_CLI_VALUE("--by", &o->by),
        PV_CLI_VALUE("--county", &o->county),    PV_CLI_VALUE("--phone", &o->phone),
        PV_CLI_VALUE("--group", &o->group),
        PV_CLI_VALUE("--follow-up-reason", &o->follow_up_reason),
        PV_CLI_VALUE("--assessment", &o->assessment), PV_CLI_END,
    };
    o->n_pos = pv_cli_parse_between(cli, from, table, o->pos, 4, min_pos, max_pos);
    if (o->n_pos < 0)
        return pv_cli_usage_self(cli);
    return 0;
}

static int ref_parse_open(pv_cli *cli, int from, ropts *o, int min_pos, int max_pos)
{
    int rc = ref_parse(cli, from, o, min_pos, max_pos);
    return rc ? rc : pv_cli_open(cli);
}

static void put_label(const char *label)
{
    fputs(label, stdout);
    fputs(": ", stdout);
}

/* ---- one referral ---- */

static void print_referral(const pv_cli *cli, const pv_referral *r)
{
    char today[PV_DATE_SZ];
    pv_today(today);
    put_label(_("Referral"));
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)r->id);
    pv_cli_put_digits(cli, stdout, num);
    printf("  [%s]", pv_ref_status_label(r->status));
    if (pv_referral_is_overdue(r, today))
        printf("  %s", _("OVERDUE"));
    putchar('\n');
    printf("  ");
    put_label(_("Person"));
    pv_cli_put(stdout, r->first_name);
    putchar(' ');
    pv_cli_put(stdout, r->last_name);
    fputs("  ", stdout);
    pv_cli_put_digits(cli, stdout, r->national_id);
    printf("\n  ");
    put_label(_("Centre"));
    pv_cli_put(stdout, r->centre_id ? r->centre : _("(not named: recorded before referrals)"));
    if (r->centre_county[0]) {
        fputs(", ", stdout);
        pv_cli_put(stdout, r->centre_county);
    }
    if (r->centre_phone[0]) {
        fputs(", ", stdout);
        pv_cli_put_digits(cli, stdout, r->centre_phone);
    }
    printf("\n  ");
    if (r->service[0]) {
        put_label(_("From the service"));
        pv_cli_put_digits(cli, stdout, r->service);
        if (r->target[0]) {
            fputs(" → ", stdout);
            pv_cli_put(stdout, r->target);
        }
        printf("\n  ");
    }
    if (r->assessment_id) {
        put_label(_("From the assessment of"));
        pv_cli_put_date(cli, stdout, r->assessment_date);
        printf("\n  ");
    }
    put_label(_("Urgency"));
    printf("%s\n  ", pv_urgency_label(r->urgency));
    put_label(_("Reason"));
    pv_cli_put(stdout, r->reason);
    printf("\n  ");
    put_label(_("Referred by"));
    pv_cli_put(stdout, r->referred_by);
    printf("\n  ");
    put_label(_("Sent"));
    pv_cli_put_date(cli, stdout, r->sent_on);
    printf("\n  ");
    put_label(_("Follow-up"));
    pv_cli_put_date(cli, stdout, r->follow_up);
    if (r->follow_up_reason[0]) {
        fputs(" — ", stdout);
        pv_cli_put(stdout, r->follow_up_reason);
    }
    putchar('\n');
    if (r->received_on[0]) {
        printf("  ");
        put_label(_("Received"));
        pv_cli_put_date(cli, stdout, r->received_on);
        putchar('\n');
    }
    if (r->answer[0]) {
        printf("  ");
        put_label(_("The centre's answer"));
        pv_cli_put(stdout, r->answer);
        putchar('\n');
    }
    if (r->closed_on[0]) {
        printf("  ");
        put_label(r->status == PV_REF_RETURNED ? _("Returned") : _("Closed"));
        pv_cli_put_date(cli, stdout, r->closed_on);
        putchar('\n');
    }
    if (r->outcome[0]) {
        printf("  ");
        put_label(_("Outcome"));
        pv_cli_put(stdout, r->outcome);
        putchar('\n');
    }
}

static void tsv_referral(const pv_referral *r)
{
    /* ID NATIONAL_ID FIRST LAST CENTRE URGENCY STATUS SENT FOLLOW_UP REFERRED_BY REASON SERVICE
     * ASSESSMENT_DATE */
    pv_cli_tsv_num(stdout, r->id, false);
    pv_cli_tsv(stdout, r->national_id, false);
    pv_cli_tsv(stdout, r->first_name, false);
    pv_cli_tsv(stdout, r->last_name, false);
    pv_cli_tsv(stdout, r->centre, false);
    pv_cli_tsv(stdout, pv_urgency_code(r->urgency), false);
    pv_cli_tsv(stdout, pv_ref_status_code(r->status), false);
    pv_cli_tsv(stdout, r->sent_on, false);
    pv_cli_tsv(stdout, r->follow_up, false);
    pv_cli_tsv(stdout, r->referred_by, false);
    pv_cli_tsv(stdout, r->reason, false);
    pv_cli_tsv(stdout, r->service, false);
    pv_cli_tsv(stdout, r->assessment_date, true);
}

static int get_referral(pv_cli *cli, const char *text, pv_referral *r)
{
    pv_error err = PV_ERROR_INIT;
    pv_id id;
    if (pv_referral_parse_id(text, &id, &err) != PV_OK
        || pv_referral_get(cli->ctx, id, r, &err) != PV_OK)
        return pv_cli_fail(&err);
    return 0;
}

static int sub_new(pv_cli *cli)
{
    ropts o;
    int rc = ref_parse_open(cli, 2, &o, 1, 1);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_urgency u = PV_URG_ROUTINE;
    if (o.urgency && !pv_urgency_parse(o.urgency, &u)) {
        pv_error_set(&err, PV_EINVAL, "urgency", _("%s: %s"), _("Urgency"),
                     _("routine, urgent or emergency"));
        return pv_cli_fail(&err);
    }
    pv_referral_new n = {.national_id = o.pos[0], .centre = o.centre, .service = o.service,
                         .urgency = u, .reason = o.reason, .date = o.date,
                         .follow_up = o.follow_up, .follow_up_reason = o.follow_up_reason,
                         .assessment = o.assessment};
    pv_id id;
    if (pv_referral_create(cli->ctx, &n, &id, &err) != PV_OK)
        return pv_cli_fail(&err);
    pv_referral *r = malloc(sizeof *r);
    if (!r || pv_referral_get(cli->ctx, id, r, &err) != PV_OK) {
        free(r);
        return pv_cli_fail(&err);
    }
    if (o.tsv) {
        tsv_referral(r);
    } else {
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)id);
        printf("%s ", _("referral"));
        pv_cli_put_digits(cli, stdout, num);
        printf(", %s ", _("follow-up"));
        pv_cli_put_date(cli, stdout, r->follow_up);
        putchar('\n');
    }
    free(r);
    return PV_EXIT_OK;
}

static int sub_show(pv_cli *cli)
{
    ropts o;
    int rc = ref_parse_open(cli, 2, &o, 1, 1);
    if (rc)
        return rc;
    pv_referral *r = malloc(sizeof *r);
    if (!r)
        return PV_EXIT_FAIL;
    if ((rc = get_referral(cli, o.pos[0], r)) == 0) {
        if (o.tsv)
            tsv_referral(r);
        else
            print_referral(cli, r);
    }
    free(r);
    return rc ? rc : PV_EXIT_OK;
}

/* receive, close, return: ID [--date D] [--answer T | --outcome T]. */
static int sub_change(pv_cli *cli, const char *what)
{
    ropts o;
    int rc = ref_parse_open(cli, 2, &o, 1, 1);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_id id;
    if (pv_referral_parse_id(o.pos[0], &id, &err) != PV_OK)
        return pv_cli_fail(&err);
    pv_status st;
    if (strcmp(what, "receive") == 0)
        st = pv_referral_receive(cli->ctx, id, o.date, o.answer, &err);
    else if (strcmp(what, "close") == 0)
        st = pv_referral_close(cli->ctx, id, o.date, o.outcome, &err);
    else
        st = pv_referral_return(cli->ctx, id, o.date, o.answer, &err);
    if (st != PV_OK)
        return pv_cli_fail(&err);
    pv_referral r;
    if (pv_referral_get(cli->ctx, id, &r, &err) != PV_OK)
        return pv_cli_fail(&err);
    printf("%s\n", pv_ref_status_label(r.status));
    return PV_EXIT_OK;
}

static int sub_follow_up(pv_cli *cli)
{
    ropts o;
    int rc = ref_parse_open(cli, 2, &o, 2, 2);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_id id;
    if (pv_referral_parse_id(o.pos[0], &id, &err) != PV_OK
        || pv_referral_set_follow_up(cli->ctx, id, o.pos[1], o.reason, &err) != PV_OK)
        return pv_cli_fail(&err);
    pv_referral r;
    if (pv_referral_get(cli->ctx, id, &r, &err) != PV_OK)
        return pv_cli_fail(&err);
    printf("%s ", _("follow-up"));
    pv_cli_put_date(cli, stdout, r.follow_up);
    putchar('\n');
    return PV_EXIT_OK;
}

/* ---- the slip ---- */

#define SLIP_WIDTH 80
#define RLM "\xE2\x80\x8F" /* U+200F: the line is a right-to-left paragraph */

/* Display columns of sanitised text: characters, less the zero-width
 * ones (ZWNJ, harakat). */
static int text_cols(const char *s)
{
    int cols = 0;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = pv_utf8_decode(s + i, n - i, &cp);
        if (!k)
            break;
        i += k;
        bool zero = cp == 0x200C || cp == 0x200D || cp == 0x200F || cp == 0x200E
                    || (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670;
        cols += !zero;
    }
    return cols;
}

/* Digits of ASCII text made Persian when the slip is Persian. */
static void slip_digits(const pv_cli *cli, const char *in, char *out, size_t size)
{
    if (cli->lang == PV_LANG_FA)
        pv_digits_persian(in, out, size);
    else
        snprintf(out, size, "%s", in);
}

typedef struct slip {
    const pv_cli *cli;
    FILE *f;
} slip;

static void slip_line(const slip *s, const char *text)
{
    if (s->cli->lang == PV_LANG_FA)
        fputs(RLM, s->f);
    fputs(text, s->f);
    fputc('\n', s->f);
}

/* "label: value", the value (database text) sanitised and wrapped at
 * word boundaries so no line is wider than the printer; continuation
 * lines indented under the value. */
static void slip_field(const slip *s, const char *label, const char *value)
{
    size_t vn = strlen(value) + 1;
    char *clean = malloc(vn * 3 + 16), *line = malloc(vn * 3 + 2 * SLIP_WIDTH + 16);
    if (!clean || !line) {
        free(clean);
        free(line);
        return;
    }
    pv_text_sanitize(value, false, clean, vn * 3 + 16);
    int indent = text_cols(label) + 2;
    snprintf(line, 2 * SLIP_WIDTH, "%s: ", label);
    int cols = indent;
    char *save = NULL;
    bool any = false;
    for (char *w = strtok_r(clean, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        int wc = text_cols(w);
        if (any && cols + 1 + wc > SLIP_WIDTH) {
            slip_line(s, line);
            snprintf(line, 2 * SLIP_WIDTH, "%*s", indent, "");
            cols = indent;
            any = false;
        }
        if (any) {
            strcat(line, " ");
            cols++;
        }
        strcat(line, w);
        cols += wc;
        any = true;
    }
    slip_line(s, line);
    free(clean);
    free(line);
}

static void slip_centred(const slip *s, const char *text)
{
    int pad = (SLIP_WIDTH - text_cols(text)) / 2;
    char line[512];
    snprintf(line, sizeof line, "%*s%s", pad > 0 ? pad : 0, "", text);
    slip_line(s, line);
}

static void slip_rule(const slip *s)
{
    char line[SLIP_WIDTH + 1];
    memset(line, '-', SLIP_WIDTH);
    line[SLIP_WIDTH] = '\0';
    slip_line(s, line);
}

static void slip_date(const pv_cli *cli, const char *iso, char *out, size_t size)
{
    char j[11];
    if (!pv_date_to_jalali_text(iso, j))
        snprintf(j, sizeof j, "-");
    slip_digits(cli, j, out, size);
}

/* "office, county" of this branch, sanitised; "" when unknown. */
static void slip_office(const pv_cli *cli, char *out, size_t size)
{
    pv_branch b;
    pv_error err = PV_ERROR_INIT;
    out[0] = '\0';
    if (pv_branch_get(cli->ctx, &b, &err) != PV_OK) {
        pv_error_clear(&err);
        return;
    }
    char raw[PV_NAME_SZ * 3];
    snprintf(raw, sizeof raw, "%s%s%s", b.office, b.office[0] && b.county[0] ? "، " : "",
             b.county);
    pv_text_sanitize(raw, false, out, size);
}

/* The slip for the family to carry, in the language of the command. */
static void write_slip(const pv_cli *cli, FILE *f, const pv_referral *r)
{
    slip s = {cli, f};
    char buf[PV_NAME_SZ * 3], num[64], d[32];
    slip_office(cli, buf, sizeof buf);
    if (buf[0])
        slip_centred(&s, buf);
    slip_centred(&s, _("REFERRAL SLIP"));
    slip_rule(&s);
    snprintf(num, sizeof num, "%lld", (long long)r->id);
    slip_digits(cli, num, buf, sizeof buf);
    slip_field(&s, _("Referral number"), buf);
    slip_date(cli, r->sent_on, d, sizeof d);
    slip_field(&s, _("Date"), d);
    snprintf(buf, sizeof buf, "%s %s", r->first_name, r->last_name);
    slip_field(&s, _("Name"), buf);
    if (r->father_name[0])
        slip_field(&s, _("Father's name"), r->father_name);
    slip_digits(cli, r->national_id, buf, sizeof buf);
    slip_field(&s, _("National ID"), buf);
    slip_rule(&s);
    slip_field(&s, _("Referred to"),
               r->centre_id ? r->centre : _("(not named: recorded before referrals)"));
    if (r->centre_county[0])
        slip_field(&s, _("County"), r->centre_county);
    if (r->centre_phone[0]) {
        slip_digits(cli, r->centre_phone, buf, sizeof buf);
        slip_field(&s, _("Phone"), buf);
    }
    if (r->target[0])
        slip_field(&s, _("Service"), r->target);
    slip_field(&s, _("Urgency"), pv_urgency_label(r->urgency));
    slip_field(&s, _("Reason"), r->reason[0] ? r->reason : "-");
    slip_field(&s, _("Referring caseworker"), r->referred_by);
    slip_rule(&s);
    slip_line(&s, _("The receiving centre's signature and stamp:"));
    slip_line(&s, "");
    slip_line(&s, "");
}

static int sub_slip(pv_cli *cli)
{
    ropts o;
    int rc = ref_parse_open(cli, 2, &o, 1, 1);
    if (rc)
        return rc;
    pv_referral *r = malloc(sizeof *r);
    if (!r)
        return PV_EXIT_FAIL;
    if ((rc = get_referral(cli, o.pos[0], r)) == 0)
        write_slip(cli, stdout, r);
    free(r);
    return rc ? rc : PV_EXIT_OK;
}

/* ---- dispatch of `referral SUB` ---- */

static int cmd_referral(pv_cli *cli)
{
    const char *sub = cli->argc > 1 ? cli->argv[1] : "";
    if (strcmp(sub, "new") == 0)
        return sub_new(cli);
    if (strcmp(sub, "show") == 0)
        return sub_show(cli);
    if (strcmp(sub, "receive") == 0 || strcmp(sub, "close") == 0 || strcmp(sub, "return") == 0)
        return sub_change(cli, sub);
    if (strcmp(sub, "follow-up") == 0)
        return sub_follow_up(cli);
    if (strcmp(sub, "slip") == 0)
        return sub_slip(cli);
    return pv_cli_usage_self(cli);
}

/* ---- lists ---- */

static void print_row(const pv_cli *cli, const pv_referral *r, const char *on)
{
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)r->id);
    fputs("  ", stdout);
    pv_cli_put_digits(cli, stdout, num);
    fputs("  ", stdout);
    pv_cli_put_digits(cli, stdout, r->national_id);
    fputs("  ", stdout);
    pv_cli_put(stdout, r->first_name);
    putchar(' ');
    pv_cli_put(stdout, r->last_name);
    fputs("  ", stdout);
    pv_cli_put(stdout, r->centre_id ? r->centre : "-");
    printf("  %s  %s  ", pv_urgency_label(r->urgency), pv_ref_status_label(r->status));
    pv_cli_put_date(cli, stdout, r->follow_up);
    if (pv_referral_is_overdue(r, on))
        printf("  %s", _("OVERDUE"));
    putchar('\n');
}

/* The referrals listed under one heading per caseworker or per centre. */
static void print_grouped(const pv_cli *cli, pv_referral *list, size_t n, bool by_centre,
                          const char *on)
{
    bool *done = calloc(n ? n : 1, sizeof *done);
    if (!done)
        return;
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        const char *key = by_centre ? list[i].centre : list[i].referred_by;
        size_t count = 0;
        for (size_t j = i; j < n; j++)
            count += strcmp(by_centre ? list[j].centre : list[j].referred_by, key) == 0;
        pv_cli_put(stdout, *key ? key : "-");
        fputs(" (", stdout);
        pv_cli_put_num(cli, stdout, (long long)count);
        fputs(")\n", stdout);
        for (size_t j = i; j < n; j++)
            if (!done[j] && strcmp(by_centre ? list[j].centre : list[j].referred_by, key) == 0) {
                print_row(cli, &list[j], on);
                done[j] = true;
            }
    }
    free(done);
}

static int cmd_referrals(pv_cli *cli)
{
    ropts o;
    int rc = ref_parse_open(cli, 1, &o, 0, 1);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    char on[PV_DATE_SZ];
    pv_today(on);
    if (o.date && pv_date_parse(o.date, "date", on, &err) != PV_OK)
        return pv_cli_fail(&err);
    pv_referral_filter f = {.national_id = o.n_pos ? o.pos[0] : NULL, .referred_by = o.by,
                            .open_only = o.open, .overdue_on = o.overdue ? on : NULL};
    pv_centre c;
    if (o.centre) {
        if (pv_centre_find(cli->ctx, o.centre, &c, &err) != PV_OK)
            return pv_cli_fail(&err);
        f.centre_id = c.id;
    }
    if (o.group && strcmp(o.group, "caseworker") != 0 && strcmp(o.group, "centre") != 0)
        return pv_cli_usage_self(cli);
    pv_referral *list;
    size_t n;
    if (pv_referral_list(cli->ctx, &f, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    if (o.tsv)
        for (size_t i = 0; i < n; i++)
            tsv_referral(&list[i]);
    else if (o.group)
        print_grouped(cli, list, n, strcmp(o.group, "centre") == 0, on);
    else
        for (size_t i = 0; i < n; i++)
            print_row(cli, &list[i], on);
    free(list);
    return n || o.tsv ? PV_EXIT_OK : PV_EXIT_NOTFOUND;
}

/* ---- centres and days ---- */

static int cmd_centre_add(pv_cli *cli)
{
    ropts o;
    int rc = ref_parse_open(cli, 1, &o, 1, 1);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_id id;
    if (pv_centre_add(cli->ctx, o.pos[0], o.county, o.phone, &id, &err) != PV_OK)
        return pv_cli_fail(&err);
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)id);
    printf("%s ", _("centre"));
    pv_cli_put_digits(cli, stdout, num);
    putchar('\n');
    return PV_EXIT_OK;
}

static int cmd_centres(pv_cli *cli)
{
    ropts o;
    int rc = ref_parse_open(cli, 1, &o, 0, 0);
    if (rc)
        return rc;
    pv_error err = PV_ERROR_INIT;
    pv_centre *list;
    size_t n;
    if (pv_centre_list(cli->ctx, &list, &n, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (size_t i = 0; i < n; i++) {
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)list[i].id);
        if (o.tsv) { /* ID NAME COUNTY PHONE */
            pv_cli_tsv(stdout, num, false);
            pv_cli_tsv(stdout, list[i].name, false);
            pv_cli_tsv(stdout, list[i].county, false);
            pv_cli_tsv(stdout, list[i].phone, true);
            continue;
        }
        pv_cli_put_digits(cli, stdout, num);
        fputs("  ", stdout);
        pv_cli_put(stdout, list[i].name);
        fputs("  ", stdout);
        pv_cli_put(stdout, list[i].county);
        fputs("  ", stdout);
        pv_cli_put_digits(cli, stdout, list[i].phone);
        putchar('\n');
    }
    free(list);
    return PV_EXIT_OK;
}

static int cmd_referral_days(pv_cli *cli)
{
    ropts o;
    int rc = ref_parse_open(cli, 1, &o, 0, 2);
    if (rc)
        return rc;
    if (o.n_pos == 1)
        return pv_cli_usage_self(cli);
    pv_error err = PV_ERROR_INIT;
    if (o.n_pos == 2) {
        pv_urgency u;
        char digits[8];
        if (!pv_urgency_parse(o.pos[0], &u)) {
            pv_error_set(&err, PV_EINVAL, "urgency", _("%s: %s"), _("Urgency"),
                         _("routine, urgent or emergency"));
            return pv_cli_fail(&err);
        }
        if (!pv_digits_ascii(o.pos[1], false, digits, sizeof digits) || !*digits) {
            pv_error_set(&err, PV_EINVAL, "days", _("%s: %s"), _("Days"),
                         _("between 0 and 365"));
            return pv_cli_fail(&err);
        }
        if (pv_referral_days_set(cli->ctx, u, atoi(digits), &err) != PV_OK)
            return pv_cli_fail(&err);
    }
    int days[PV_URG__COUNT];
    if (pv_referral_days(cli->ctx, days, &err) != PV_OK)
        return pv_cli_fail(&err);
    for (int i = 0; i < PV_URG__COUNT; i++) {
        if (o.tsv) {
            printf("%s\t%d\n", pv_urgency_code((pv_urgency)i), days[i]);
            continue;
        }
        printf("%s: ", pv_urgency_label((pv_urgency)i));
        pv_cli_put_num(cli, stdout, days[i]);
        printf(" %s\n", _("days"));
    }
    return PV_EXIT_OK;
}

const pv_command pv_cmds_referrals[] = {
    {"referral",
     N_("new NATIONAL_ID --centre C --reason T [--urgency routine|urgent|emergency] "
        "[--service CODE | --assessment DATE] [--date D] [--follow-up D --follow-up-reason T] [--tsv] | show ID [--tsv] | "
        "receive ID [--date D] [--answer T] | close ID --outcome T [--date D] | "
        "return ID [--date D] [--answer T] | follow-up ID DATE --reason T | slip ID"),
     N_("make a referral to a centre, follow it through, print its slip"), cmd_referral},
    {"referrals",
     N_("[NATIONAL_ID] [--open] [--overdue [--date D]] [--by USER] [--centre C] "
        "[--group caseworker|centre] [--tsv]"),
     N_("list referrals; overdue ones per caseworker or per centre"), cmd_referrals},
    {"centres", N_("[--tsv]"), N_("the branch's list of referral centres"), cmd_centres},
    {"centre-add", N_("NAME [--county C] [--phone P]"),
     N_("add a referral centre to the branch's list (administrators)"), cmd_centre_add},
    {"referral-days", N_("[URGENCY DAYS] [--tsv]"),
     N_("the branch's follow-up days per urgency; set one (administrators)"),
     cmd_referral_days},
    {NULL, NULL, NULL, NULL},
};
