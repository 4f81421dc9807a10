/* parvande — the insurance year screen (home F7): for a Jalali year and a
 * province, the six steps of the cycle with their state and numbers (list,
 * credit and shortfall, contract, export, policies, claims, and last year's
 * counts), and the actions: freeze the list (twice), export for the
 * insurer (CSV with BOM, or TSV), take the policies back (all or nothing,
 * or the matching rows with a rejects file). */
#include <stdlib.h>
#include <string.h>

#include "parvande/branch.h"
#include "parvande/calendar.h"
#include "parvande/i18n.h"
#include "parvande/insurance.h"
#include "parvande/text.h"
#include "screen_referral.h"
#include "widget.h"

enum { A_FREEZE = PV_A_SCREEN, A_EXPORT_CSV, A_EXPORT_TSV, A_POLICIES, A_MATCHING, A_CONTRACT,
       A_CHILD };

static const pv_binding ins_own[] = {
    {PV_KEY(KEY_F(2)), A_CONTRACT, N_("Insurer"),
     N_("Record the contract: insurer, number, start, end, premium (administrators)")},
    {PV_KEY(KEY_F(3)), A_FREEZE, N_("Freeze"),
     N_("Freeze the year's list of eligible children (supervisors; press twice)")},
    {PV_KEY(KEY_F(4)), A_EXPORT_CSV, N_("CSV"),
     N_("Export the list for the insurer to the file named (CSV with a byte-order mark)")},
    {PV_KEY(KEY_F(5)), A_EXPORT_TSV, N_("TSV"), N_("Export the list as TSV to the file named")},
    {PV_KEY(KEY_F(6)), A_POLICIES, N_("Reply"),
     N_("Take the insurer's reply from the file named: all of it or nothing")},
    {PV_KEY(KEY_F(7)), A_CHILD, N_("Child"),
     N_("One child of the frozen list: add, take off (with a reason), note a claim")},
    {PV_KEY(KEY_F(8)), A_MATCHING, N_("Match"),
     N_("Take only the reply's matching rows; the others go to FILE.rejects.csv")},
    {0, 0, NULL, NULL},
};
static pv_keymap ins_keys = {ins_own, pv_keys_form, pv_keys_edit, NULL};

#define MAX_LINES 12

typedef struct ins {
    pv_form form;        /* year, province, file */
    char code[PV_CODE_SZ];
    pv_ins_year y, last;
    bool loaded;
    char key[PV_NAME_SZ + 16]; /* year and province the numbers are for */
    bool pending_freeze;
    char *report[MAX_LINES];   /* the last reply's mismatches */
    size_t n_report;
} ins;

static void report_clear(ins *s)
{
    for (size_t i = 0; i < s->n_report; i++)
        free(s->report[i]);
    s->n_report = 0;
}

/* Reads the numbers for the year and province typed, when they changed. */
static void load(pv_ui *ui, ins *s, bool force)
{
    const char *year_text = pv_form_value(&s->form, "year");
    const char *prov = pv_form_value(&s->form, "province");
    char key[sizeof s->key];
    snprintf(key, sizeof key, "%s|%s", year_text, prov);
    if (!force && strcmp(key, s->key) == 0)
        return;
    snprintf(s->key, sizeof s->key, "%s", key);
    s->loaded = false;
    int year;
    pv_error err = PV_ERROR_INIT;
    if (!prov[0] || pv_ins_parse_year(year_text, &year, &err) != PV_OK) {
        pv_error_clear(&err);
        return;
    }
    if (pv_ins_get(ui->ctx, s->code, year, prov, &s->y, &err) != PV_OK
        || pv_ins_get(ui->ctx, s->code, year - 1, prov, &s->last, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return;
    }
    s->loaded = true;
}

static void *ins_open(pv_ui *ui, const void *arg)
{
    (void)arg;
    ins *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pv_error err = PV_ERROR_INIT;
    if (pv_ins_default_service(ui->ctx, s->code, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        free(s);
        return NULL;
    }
    char today[PV_DATE_SZ], jalali[PV_DATE_SZ] = "1400";
    pv_today(today);
    pv_date_to_jalali_text(today, jalali);
    jalali[4] = '\0';
    pv_branch b = {0};
    if (pv_branch_get(ui->ctx, &b, &err) != PV_OK)
        pv_error_clear(&err);
    pv_form_init(&s->form, NULL, s);
    if (pv_form_add(&s->form, "year", N_("Jalali year"), true, true, PV_FK_TEXT, jalali) < 0
        || pv_form_add(&s->form, "province", N_("Province"), true, false, PV_FK_TEXT,
                       b.province) < 0
        || pv_form_add(&s->form, "file", N_("File (export, reply)"), false, true, PV_FK_TEXT,
                       "") < 0) {
        pv_form_free(&s->form);
        free(s);
        return NULL;
    }
    load(ui, s, true);
    return s;
}

static void ins_close(pv_ui *ui, void *st)
{
    (void)ui;
    ins *s = st;
    report_clear(s);
    pv_form_free(&s->form);
    free(s);
}

static void ins_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    (void)st;
    snprintf(out, size, "%s — %s", _("parvande"), _("The insurance year"));
}

/* One step's line: "n. label: state". */
static void step_styled(pv_ui *ui, int y, int n, const char *label, const char *state,
                        pv_style st)
{
    char line[3000];
    snprintf(line, sizeof line, "%d. %s: %s", n, label, state);
    /* the stored text in it is sanitised and isolated by the caller */
    pv_draw_text(&ui->draw, y, 2, ui->draw.cols - 4, line, PV_T_UI, st);
}

static void step(pv_ui *ui, int y, int n, const char *label, const char *state, bool done)
{
    step_styled(ui, y, n, label, state, done ? PV_ST_OK : PV_ST_TEXT);
}

static void money(pv_ui *ui, int64_t v, char *out, size_t size)
{
    char m[64];
    pv_draw_money(&ui->draw, v, m, sizeof m);
    snprintf(out, size, _("%s rials"), m);
}

/* A fragment of stored text kept in its own order inside a sentence of the
 * other direction (a Latin user name in Persian). */
static void isolated(const char *text, char *out, size_t size)
{
    char clean[PV_NAME_SZ * 3];
    pv_text_sanitize(text, false, clean, sizeof clean); /* drawn without PV_T_DATA */
    char *iso = pv_bidi_isolate_dir(clean, PV_DIR_AUTO);
    snprintf(out, size, "%s", iso ? iso : clean);
    free(iso);
}

static void draw_steps(pv_ui *ui, ins *s, int y)
{
    const pv_ins_year *v = &s->y;
    char buf[2600], a[800], b[96], c[96];
    char d1[16], d2[16];
    if (v->frozen) {
        pv_draw_date(v->frozen_on, d1, sizeof d1);
        isolated(v->frozen_by, a, sizeof a);
        snprintf(buf, sizeof buf, _("frozen on %s by %s — %d listed (%d added, %d taken off)"),
                 d1, a, v->listed, v->added, v->removed);
    } else {
        snprintf(buf, sizeof buf, "%s", _("not frozen yet"));
    }
    step(ui, y++, 1, _("List"), buf, v->frozen);
    money(ui, v->credit, a, sizeof a);
    pv_draw_money(&ui->draw, v->needed, b, sizeof b);
    pv_draw_money(&ui->draw, v->shortfall, c, sizeof c);
    if (!v->has_credit)
        snprintf(buf, sizeof buf, _("none allotted; needed %s"), b);
    else if (v->shortfall)
        snprintf(buf, sizeof buf, _("%s; needed %s; SHORTFALL %s"), a, b, c);
    else
        snprintf(buf, sizeof buf, _("%s; needed %s; enough"), a, b);
    step_styled(ui, y++, 2, _("Credit"), buf,
                v->shortfall ? PV_ST_ERROR : v->has_credit ? PV_ST_OK : PV_ST_TEXT);
    if (v->contract_no[0]) {
        pv_draw_date(v->contract_start, d1, sizeof d1);
        pv_draw_date(v->contract_end, d2, sizeof d2);
        char insurer[800], number[800];
        isolated(v->insurer, insurer, sizeof insurer);
        isolated(v->contract_no, number, sizeof number);
        money(ui, v->premium, a, sizeof a);
        snprintf(buf, sizeof buf, _("%s, contract %s, %s – %s, %s each"), insurer, number,
                 d1, d2, a);
    } else {
        snprintf(buf, sizeof buf, "%s", _("not recorded yet (parvande insurance contract)"));
    }
    step(ui, y++, 3, _("Contract"), buf, v->contract_no[0] != '\0');
    pv_draw_date(v->exported_on, d1, sizeof d1);
    snprintf(buf, sizeof buf, "%s", v->exported_on[0] ? d1 : _("not exported yet"));
    step(ui, y++, 4, _("Export"), buf, v->exported_on[0] != '\0');
    snprintf(buf, sizeof buf, _("%d of %d insured"), v->insured, v->listed);
    step(ui, y++, 5, _("Policies"), buf, v->listed && v->insured == v->listed);
    snprintf(buf, sizeof buf, _("%d claims noted"), v->claims);
    step(ui, y++, 6, _("Follow-up"), buf, false);
    snprintf(buf, sizeof buf, _("last year: %d listed, %d insured, %d claims"), s->last.listed,
             s->last.insured, s->last.claims);
    pv_draw_text(&ui->draw, y + 1, 5, ui->draw.cols - 7, buf, PV_T_UI, PV_ST_DIM);
}

static void ins_draw(pv_ui *ui, void *st, int top, int rows)
{
    ins *s = st;
    load(ui, s, false);
    int label_w = ui->draw.cols >= 100 ? 26 : 22;
    pv_form_draw(ui, &s->form, top + 1, 3, label_w);
    int y = top + 5;
    if (!s->loaded) {
        pv_draw_text(&ui->draw, y, 2, ui->draw.cols - 4,
                     _("Type a Jalali year and a province."), 0, PV_ST_DIM);
        return;
    }
    draw_steps(ui, s, y);
    y += 9;
    for (size_t i = 0; i < s->n_report && y < top + rows; i++, y++)
        pv_draw_text(&ui->draw, y, 2, ui->draw.cols - 4, s->report[i], PV_T_DATA | PV_T_UI,
                     PV_ST_ERROR);
}

static bool year_of(pv_ui *ui, ins *s, int *year)
{
    pv_error err = PV_ERROR_INIT;
    if (pv_ins_parse_year(pv_form_value(&s->form, "year"), year, &err) != PV_OK) {
        pv_ui_error(ui, &err);
        return false;
    }
    return true;
}

static const char *file_or_complain(pv_ui *ui, ins *s)
{
    const char *path = pv_form_value(&s->form, "file");
    if (!path[0])
        pv_ui_status(ui, PV_MSG_ERROR, "%s: %s", _("File (export, reply)"), _("it is required"));
    return path[0] ? path : NULL;
}

static unsigned do_freeze(pv_ui *ui, ins *s, int year)
{
    if (!s->pending_freeze) {
        s->pending_freeze = true;
        pv_ui_status(ui, PV_MSG_INFO, "%s",
                     _("Press F3 again to freeze the list: later edits of files will not "
                       "change it."));
        return PV_CH_DRAW;
    }
    s->pending_freeze = false;
    pv_error err = PV_ERROR_INIT;
    size_t n;
    if (pv_ins_freeze(ui->ctx, s->code, year, pv_form_value(&s->form, "province"), NULL, &n,
                      &err) != PV_OK)
        pv_ui_error(ui, &err);
    else
        pv_ui_status(ui, PV_MSG_OK, _("Frozen: %zu children listed."), n);
    load(ui, s, true);
    return PV_CH_DRAW;
}

static unsigned do_export(pv_ui *ui, ins *s, int year, pv_ins_format fmt)
{
    const char *path = file_or_complain(ui, s);
    if (!path)
        return PV_CH_DRAW;
    FILE *f = fopen(path, "wb");
    pv_error err = PV_ERROR_INIT;
    size_t n = 0;
    pv_status st = f ? pv_ins_export(ui->ctx, s->code, year, pv_form_value(&s->form, "province"),
                                     fmt, f, &n, &err)
                     : pv_error_set(&err, PV_EFAIL, "file", _("cannot write %s"), path);
    if (f && fclose(f) != 0 && st == PV_OK)
        st = pv_error_set(&err, PV_EFAIL, "file", _("cannot write %s"), path);
    if (st != PV_OK) {
        if (f)
            remove(path);
        pv_ui_error(ui, &err);
    } else {
        pv_ui_status(ui, PV_MSG_OK, _("Exported %zu children to %s."), n, path);
    }
    load(ui, s, true);
    return PV_CH_DRAW;
}

static unsigned do_policies(pv_ui *ui, ins *s, int year, bool matching)
{
    const char *path = file_or_complain(ui, s);
    if (!path)
        return PV_CH_DRAW;
    char rejects[1100];
    snprintf(rejects, sizeof rejects, "%s.rejects.csv", path);
    pv_error err = PV_ERROR_INIT;
    pv_ins_report rep;
    pv_status st = pv_ins_import(ui->ctx, s->code, year, pv_form_value(&s->form, "province"),
                                 path, matching, matching ? rejects : NULL, &rep, &err);
    report_clear(s);
    for (size_t i = 0; i < rep.n_items && s->n_report < MAX_LINES; i++) {
        char line[700];
        if (rep.items[i].line)
            snprintf(line, sizeof line, _("line %ld: %s"), rep.items[i].line,
                     rep.items[i].message);
        else
            snprintf(line, sizeof line, "%s", rep.items[i].message);
        if ((s->report[s->n_report] = strdup(line)))
            s->n_report++;
    }
    if (st != PV_OK)
        pv_ui_error(ui, &err);
    else
        pv_ui_status(ui, rep.n_items ? PV_MSG_ERROR : PV_MSG_OK,
                     _("Policies applied %zu, unchanged %zu, rows rejected %zu."), rep.applied,
                     rep.unchanged, rep.rejected);
    pv_ins_report_free(&rep);
    load(ui, s, true);
    return PV_CH_DRAW;
}

static unsigned ins_action(pv_ui *ui, void *st, int action)
{
    ins *s = st;
    if (action != A_FREEZE)
        s->pending_freeze = false;
    int year;
    switch (action) {
    case A_FREEZE:
        return year_of(ui, s, &year) ? do_freeze(ui, s, year) : PV_CH_DRAW;
    case A_EXPORT_CSV:
    case A_EXPORT_TSV:
        return year_of(ui, s, &year)
                   ? do_export(ui, s, year, action == A_EXPORT_CSV ? PV_INS_CSV : PV_INS_TSV)
                   : PV_CH_DRAW;
    case A_POLICIES:
    case A_MATCHING:
        return year_of(ui, s, &year) ? do_policies(ui, s, year, action == A_MATCHING)
                                     : PV_CH_DRAW;
    case A_CONTRACT:
    case A_CHILD: {
        const char *prov = pv_form_value(&s->form, "province");
        if (!year_of(ui, s, &year))
            return PV_CH_DRAW;
        if (!prov[0]) {
            pv_ui_status(ui, PV_MSG_ERROR, "%s: %s", _("Province"), _("it is required"));
            return PV_CH_DRAW;
        }
        pv_ins_form_request req = {action == A_CHILD ? PV_INS_FORM_CHILD : PV_INS_FORM_CONTRACT,
                                   s->code, prov, year};
        return pv_ui_push(ui, action == A_CHILD ? &pv_screen_ins_child : &pv_screen_ins_contract,
                          &req);
    }
    default:
        if (action < PV_A_UP)
            return PV_CH_PASS;
        return pv_form_action(ui, &s->form, action, NULL);
    }
}

static unsigned ins_input(pv_ui *ui, void *st, int key)
{
    ins *s = st;
    s->pending_freeze = false;
    return pv_form_input(ui, &s->form, key, NULL);
}

static unsigned ins_reload(pv_ui *ui, void *st)
{
    load(ui, st, true);
    return PV_CH_DRAW;
}

const pv_screen pv_screen_insurance = {
    .name = "insurance",
    .keys = ins_keys,
    .open = ins_open,
    .close = ins_close,
    .title = ins_title,
    .draw = ins_draw,
    .action = ins_action,
    .input = ins_input,
    .reload = ins_reload,
};
