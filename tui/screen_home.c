/* parvande — the home screen: one search box; typing a national ID (Persian
 * or ASCII digits) or names narrows the list as one types; arrows move,
 * Enter opens the file. */
#include <stdlib.h>
#include <string.h>

#include "parvande/calendar.h"
#include "parvande/groups.h"
#include "parvande/i18n.h"
#include "parvande/records.h"
#include "parvande/text.h"
#include "widget.h"
#include "screen_referral.h" /* referrals: F6, F7, the overdue count */

/* Hits asked of the core: a screenful (a caseworker types on rather than
 * pages), within these bounds. The cost of a name search grows with it. */
#define HOME_LIMIT_MIN 20
#define HOME_LIMIT_MAX 100

enum { A_OPEN = PV_A_SCREEN, A_NEW_HOUSEHOLD, A_CATALOG, A_GROUPS, A_STATS, A_CONFLICTS };
enum { A_REFERRALS = PV_A_SCREEN + 60, A_INSURANCE }; /* referrals, the insurance year */

static const pv_binding home_own[] = {
    {'\r', A_OPEN, NULL, N_("Open the selected file")},
    {PV_KEY(KEY_ENTER), A_OPEN, NULL, NULL},
    {PV_KEY(KEY_F(3)), A_NEW_HOUSEHOLD, N_("New"), N_("Register a new household")},
    {PV_KEY(KEY_F(4)), A_CATALOG, N_("Catalog"), N_("Browse the catalog of services")},
    {PV_KEY(KEY_F(5)), A_GROUPS, N_("Groups"), N_("Mutual-aid groups, courses and inquiries")},
    {PV_KEY(KEY_F(6)), A_REFERRALS, N_("Refs"), N_("Open referrals; the overdue ones marked")},
    {PV_KEY(KEY_F(7)), A_INSURANCE, N_("Insure"), N_("The insurance year of a province")},
    {PV_KEY(KEY_F(8)), A_STATS, N_("Stats"), N_("Statistics: recipients per service and period")},
    {PV_KEY(KEY_F(11)), A_CONFLICTS, N_("Review"),
     N_("Review the conflicts found in exchange packages")},
    {0, 0, NULL, NULL},
};
static pv_keymap home_keys = {home_own, pv_keys_list, pv_keys_edit, NULL};

typedef struct home {
    pv_form box;          /* the search box: one field */
    pv_list list;
    pv_search_hit *hits;
    size_t n_hits;
    char last_query[512];
    bool stale;           /* the query changed since the list was made */
    size_t limit;         /* hits asked for: the list's height at the last draw */
    bool too_short;       /* a lone letter: not searched */
    int overdue;          /* the user's overdue inquiries (read on open and reload) */
    int overdue_refs;     /* referrals: the user's overdue ones, -1 unknown */
} home;

/* The logged-in user's pending inquiries older than the branch's limit. */
static void count_overdue(pv_ui *ui, home *h)
{
    pv_error err = PV_ERROR_INIT;
    int days = PV_INQUIRY_OVERDUE_DAYS;
    if (pv_inquiry_overdue_days(ui->ctx, &days, &err) != PV_OK
        || pv_inquiry_overdue_count(ui->ctx, pv_ctx_actor(ui->ctx)->name, days, NULL,
                                    &h->overdue, &err) != PV_OK)
        h->overdue = 0;
    pv_error_clear(&err);
}

static void hit_row(pv_ui *ui, void *user, size_t i, int y, bool selected)
{
    home *h = user;
    const pv_search_hit *hit = &h->hits[i];
    const pv_person *p = &hit->person;
    pv_style st = selected ? PV_ST_SELECTED : PV_ST_TEXT;
    int cols = ui->draw.cols;
    int w_id = 12, w_birth = 11, w_status = 10;
    int w_rest = cols - 2 - w_id - w_birth - w_status - 3;
    int w_name = w_rest * 3 / 5, w_father = w_rest - w_name;
    char name[2 * PV_NAME_SZ + 2], birth[16];
    snprintf(name, sizeof name, "%s %s", p->first_name, p->last_name);
    pv_draw_date(p->birth_date, birth, sizeof birth);
    const char *status = !hit->has_file ? "" :
                         hit->file_status == PV_FILE_ACTIVE ? _("active") : _("closed");
    pv_draw_fill(&ui->draw, y, 0, cols, st);
    int x = 1;
    pv_draw_text(&ui->draw, y, x, w_id, p->national_id, PV_T_DATA | PV_T_LTR, st);
    x += w_id + 1;
    pv_draw_text(&ui->draw, y, x, w_name, name, PV_T_DATA, st);
    x += w_name + 1;
    pv_draw_text(&ui->draw, y, x, w_father, p->father_name, PV_T_DATA, st);
    x += w_father + 1;
    pv_draw_text(&ui->draw, y, x, w_birth, birth, PV_T_LTR, st);
    x += w_birth;
    pv_draw_text(&ui->draw, y, x, w_status, status, 0, st);
}

/* One letter (not a digit) and nothing else but spaces. */
static bool is_lone_letter(const char *q)
{
    q += strspn(q, " ");
    uint32_t cp;
    size_t len = pv_utf8_decode(q, strlen(q), &cp);
    if (len == 0)
        return false;
    bool digit = (cp >= '0' && cp <= '9') || (cp >= 0x06F0 && cp <= 0x06F9) ||
                 (cp >= 0x0660 && cp <= 0x0669);
    return !digit && q[len + strspn(q + len, " ")] == '\0';
}

/* Runs the query when it changed (or `again`: a file may have changed). */
static void run_search(pv_ui *ui, home *h, bool again)
{
    const char *q = h->box.fields[0].value;
    if (!again && strcmp(q, h->last_query) == 0)
        return;
    if (!again)
        h->list.sel = h->list.top = 0;
    snprintf(h->last_query, sizeof h->last_query, "%s", q);
    free(h->hits);
    h->hits = NULL;
    h->n_hits = 0;
    h->too_short = is_lone_letter(q);
    /* Blank (or only spaces): nothing asked yet; a lone letter would match a
     * good part of a million names: wait for the second one. */
    if (q[strspn(q, " ")] != '\0' && !h->too_short) {
        pv_error err = PV_ERROR_INIT;
        if (pv_search(ui->ctx, q, h->limit, &h->hits, &h->n_hits, &err) != PV_OK) {
            h->hits = NULL;
            h->n_hits = 0;
            pv_ui_error(ui, &err);
        } else if (ui->status_kind == PV_MSG_ERROR) {
            ui->status[0] = '\0';
        }
    }
    pv_list_set_count(&h->list, h->n_hits);
}

static void *home_open(pv_ui *ui, const void *arg)
{
    (void)arg;
    home *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    if (!pv_form_init_one(&h->box, h, "query", N_("Search"), false)) {
        free(h);
        return NULL;
    }
    h->list.draw_row = hit_row;
    h->list.user = h;
    h->limit = HOME_LIMIT_MIN;
    count_overdue(ui, h);
    h->overdue_refs = pv_ui_overdue_count(ui);
    return h;
}

static void home_close(pv_ui *ui, void *st)
{
    (void)ui;
    home *h = st;
    pv_form_free(&h->box);
    free(h->hits);
    free(h);
}

static void home_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    (void)st;
    snprintf(out, size, "%s — %s", _("parvande"), _("Find a file"));
}

static void column_heads(pv_ui *ui, int y)
{
    int cols = ui->draw.cols;
    int w_id = 12, w_birth = 11, w_status = 10;
    int w_rest = cols - 2 - w_id - w_birth - w_status - 3;
    int w_name = w_rest * 3 / 5, w_father = w_rest - w_name;
    int x = 1;
    pv_draw_fill(&ui->draw, y, 0, cols, PV_ST_HEADING);
    pv_draw_text(&ui->draw, y, x, w_id, _("National ID"), 0, PV_ST_HEADING);
    x += w_id + 1;
    pv_draw_text(&ui->draw, y, x, w_name, _("Name"), 0, PV_ST_HEADING);
    x += w_name + 1;
    pv_draw_text(&ui->draw, y, x, w_father, _("Father's name"), 0, PV_ST_HEADING);
    x += w_father + 1;
    pv_draw_text(&ui->draw, y, x, w_birth, _("Birth date"), 0, PV_ST_HEADING);
    x += w_birth;
    pv_draw_text(&ui->draw, y, x, w_status, _("File"), 0, PV_ST_HEADING);
}

static void home_draw(pv_ui *ui, void *st, int top, int rows)
{
    home *h = st;
    /* The search runs when the list is shown, not on every key: keys typed
     * ahead (a fast typist, a paste) are all in before one search. */
    size_t want = rows > 4 ? (size_t)(rows - 4) : HOME_LIMIT_MIN;
    want = want < HOME_LIMIT_MIN ? HOME_LIMIT_MIN : want > HOME_LIMIT_MAX ? HOME_LIMIT_MAX : want;
    if (want != h->limit) { /* first draw, or a resize */
        h->limit = want;
        h->stale = h->stale || h->last_query[0];
        if (!h->stale)
            h->last_query[0] = '\0';
    }
    if (h->stale) {
        bool again = strcmp(h->box.fields[0].value, h->last_query) == 0;
        h->stale = false;
        run_search(ui, h, again);
    }
    int label_w = 12;
    if (h->overdue > 0) {
        char over[160];
        snprintf(over, sizeof over, _("%d of your inquiries are overdue (F5)"), h->overdue);
        pv_draw_text(&ui->draw, top, 1, ui->draw.cols - 2, over, PV_T_END, PV_ST_ERROR);
    }
    pv_form_draw(ui, &h->box, top + 1, 1, label_w);
    char count[128] = "";
    if (h->last_query[0] && !h->too_short) {
        snprintf(count, sizeof count,
                 h->n_hits >= h->limit ? _("first %zu matches; type more to narrow")
                                       : _("%zu found"),
                 h->n_hits);
        pv_draw_text(&ui->draw, top + 2, label_w + 2, ui->draw.cols - label_w - 3, count, 0,
                     PV_ST_DIM);
    }
    if (h->overdue_refs > 0) { /* referrals: on the far side of the count */
        char late[128];
        snprintf(late, sizeof late, _("Overdue referrals: %d (F6)"), h->overdue_refs);
        pv_draw_text(&ui->draw, top + 2, ui->draw.cols / 2, ui->draw.cols / 2 - 1, late,
                     PV_T_END, PV_ST_ERROR);
    }
    column_heads(ui, top + 3);
    const char *empty = h->too_short     ? _("Type at least two letters of a name.")
                        : h->last_query[0] ? _("No file matches.")
                                         : _("Type a national ID (Persian or Latin digits) or "
                                             "a name; the list narrows as you type.");
    pv_list_draw(ui, &h->list, top + 4, rows - 4, empty);
}

static unsigned home_action(pv_ui *ui, void *st, int action)
{
    home *h = st;
    bool changed = false;
    unsigned ch;
    switch (action) {
    case A_OPEN:
        if (h->stale) /* Enter typed ahead of the list: open what the query finds */
            run_search(ui, h, false), h->stale = false;
        if (!pv_list_has_sel(&h->list))
            return PV_CH_NONE;
        return pv_ui_push(ui, &pv_screen_file, h->hits[h->list.sel].person.national_id);
    case A_NEW_HOUSEHOLD:
        return pv_ui_push(ui, &pv_screen_form, &(pv_form_request){PV_FORM_NEW_HOUSEHOLD, "", NULL});
    case A_CATALOG:
        return pv_ui_push(ui, &pv_screen_catalog, NULL);
    case A_GROUPS:
        return pv_ui_push(ui, &pv_screen_groups, NULL);
    case A_REFERRALS:
        return pv_ui_push(ui, &pv_screen_referrals, NULL);
    case A_INSURANCE:
        return pv_ui_push(ui, &pv_screen_insurance, NULL);
    case A_STATS:
        return pv_ui_push(ui, &pv_screen_stats, NULL);
    case A_CONFLICTS:
        return pv_ui_push(ui, &pv_screen_conflicts, NULL);
    case PV_A_BACK:
        if (h->box.fields[0].value[0] == '\0')
            return PV_CH_NONE;
        action = PV_A_CLEAR;
        break;
    default:
        break;
    }
    ch = pv_list_action(&h->list, action);
    if (ch != PV_CH_NONE)
        return ch;
    ch = pv_form_action(ui, &h->box, action, &changed);
    if (changed)
        h->stale = true;
    if (ch == PV_CH_NONE && action < PV_A_SCREEN && action != PV_A_CLEAR)
        return PV_CH_PASS;
    return ch;
}

static unsigned home_input(pv_ui *ui, void *st, int key)
{
    home *h = st;
    bool changed = false;
    unsigned ch = pv_form_input(ui, &h->box, key, &changed);
    if (changed)
        h->stale = true;
    return ch;
}

static unsigned home_reload(pv_ui *ui, void *st)
{
    home *h = st;
    count_overdue(ui, h);
    h->overdue_refs = pv_ui_overdue_count(ui);
    run_search(ui, h, true); /* a file may have changed: ask again */
    return PV_CH_DRAW;
}

const pv_screen pv_screen_home = {
    .name = "home",
    .keys = home_keys,
    .open = home_open,
    .close = home_close,
    .title = home_title,
    .draw = home_draw,
    .action = home_action,
    .input = home_input,
    .reload = home_reload,
};
