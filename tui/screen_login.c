/* parvande — the login screen, the first administrator's set-up, and the
 * idle lock. The lock sits on top of the screens that were open, so what
 * was being typed is still there once the password is given again; it
 * draws nothing of them. Passwords are wiped as soon as they are used. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/users.h"
#include "widget.h"

enum { A_SUBMIT = PV_A_SCREEN };

static const pv_binding login_own[] = {
    {PV_KEY(KEY_F(2)), A_SUBMIT, N_("Log in"), N_("Log in with this name and password")},
    {'\r', PV_A_NEWLINE, NULL, N_("Next field; on the last field, log in")},
    {0, 0, NULL, NULL},
};
static pv_keymap login_keys = {login_own, pv_keys_form, pv_keys_edit, NULL};

typedef struct login {
    pv_login_mode mode;
    pv_form form;
} login;

static void wipe_form(pv_form *f)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->fields[i].kind == PV_FK_SECRET)
            sodium_memzero(f->fields[i].value, strlen(f->fields[i].value));
}

static bool build(login *l, const pv_ctx *ctx)
{
    pv_form_init(&l->form, NULL, l);
    switch (l->mode) {
    case PV_LOGIN_SETUP:
        return pv_form_add(&l->form, "user", N_("User name"), true, true, PV_FK_TEXT, "") >= 0 &&
               pv_form_add(&l->form, "password", N_("Password"), true, true, PV_FK_SECRET, "") >=
                   0 &&
               pv_form_add(&l->form, "password2", N_("Password again"), true, true, PV_FK_SECRET,
                           "") >= 0;
    case PV_LOGIN_LOCK:
        return pv_form_add(&l->form, "user", N_("User name"), false, true, PV_FK_TEXT,
                           pv_ctx_actor(ctx)->name) >= 0 &&
               pv_form_add(&l->form, "password", N_("Password"), true, true, PV_FK_SECRET, "") >=
                   0 &&
               ((l->form.focus = 1), true);
    default:
        return pv_form_add(&l->form, "user", N_("User name"), true, true, PV_FK_TEXT, "") >= 0 &&
               pv_form_add(&l->form, "password", N_("Password"), true, true, PV_FK_SECRET, "") >=
                   0;
    }
}

static void *login_open(pv_ui *ui, const void *arg)
{
    login *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->mode = *(const pv_login_mode *)arg;
    if (!build(l, ui->ctx)) {
        pv_form_free(&l->form);
        free(l);
        return NULL;
    }
    return l;
}

static void login_close(pv_ui *ui, void *st)
{
    (void)ui;
    login *l = st;
    wipe_form(&l->form);
    pv_form_free(&l->form);
    free(l);
}

static void login_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    login *l = st;
    snprintf(out, size, "%s — %s", _("parvande"),
             l->mode == PV_LOGIN_SETUP  ? _("First run: create the administrator")
             : l->mode == PV_LOGIN_LOCK ? _("Locked")
                                        : _("Log in"));
}

static void login_draw(pv_ui *ui, void *st, int top, int rows)
{
    login *l = st;
    const char *intro = l->mode == PV_LOGIN_SETUP
        ? _("This database has no users yet. Choose the administrator's name and password "
            "(at least 8 characters); there is no default password.")
        : l->mode == PV_LOGIN_LOCK
        ? _("The screen locked itself after a while without a key. Give your password to go "
            "on where you were.")
        : _("Give your user name and password.");
    int used = pv_draw_wrapped(&ui->draw, top + 1, 2, ui->draw.cols - 4, 3, intro, 0,
                               PV_ST_TEXT, NULL);
    const char *hint = getenv("PARVANDE_DEMO_LOGIN");
    if (l->mode == PV_LOGIN_NORMAL && hint && *hint) {
        char line[256];
        snprintf(line, sizeof line, _("Demo database: log in as %s"), hint);
        pv_draw_text(&ui->draw, top + 2 + used, 2, ui->draw.cols - 4, line, PV_T_DATA,
                     PV_ST_OK);
        used++;
    }
    pv_form_draw(ui, &l->form, top + 3 + used, rows - 3 - used, 18);
}

static unsigned submit(pv_ui *ui, login *l)
{
    if (!pv_form_check_all(ui, &l->form))
        return PV_CH_DRAW;
    const char *name = pv_form_value(&l->form, "user");
    const char *pw = pv_form_value(&l->form, "password");
    pv_error err = PV_ERROR_INIT;
    pv_status s;
    if (l->mode == PV_LOGIN_SETUP) {
        if (strcmp(pw, pv_form_value(&l->form, "password2")) != 0) {
            wipe_form(&l->form);
            pv_form_set(&l->form, 1, "");
            pv_form_set(&l->form, 2, "");
            l->form.focus = 1;
            pv_ui_status(ui, PV_MSG_ERROR, "%s", _("The two passwords differ; type them again."));
            return PV_CH_DRAW;
        }
        s = pv_first_admin(ui->ctx, name, pw, 0, &err);
    } else if (l->mode == PV_LOGIN_LOCK) {
        s = pv_user_verify_password(ui->ctx, pw, &err);
    } else {
        s = pv_login(ui->ctx, name, pw, &err);
    }
    wipe_form(&l->form);
    for (size_t i = 0; i < l->form.n; i++)
        if (l->form.fields[i].kind == PV_FK_SECRET)
            pv_form_set(&l->form, i, "");
    if (s == PV_ELOCKED && l->mode == PV_LOGIN_LOCK) {
        pv_ui_error(ui, &err);
        return pv_ui_logout(ui);
    }
    if (s != PV_OK) {
        l->form.focus = l->mode == PV_LOGIN_LOCK ? 1 : l->form.focus;
        pv_ui_error(ui, &err);
        return PV_CH_DRAW;
    }
    return pv_ui_logged_in(ui, l->mode == PV_LOGIN_LOCK);
}

static unsigned login_action(pv_ui *ui, void *st, int action)
{
    login *l = st;
    switch (action) {
    case A_SUBMIT:
        return submit(ui, l);
    case PV_A_NEWLINE:
        if (l->form.focus + 1 == l->form.n)
            return submit(ui, l);
        return pv_form_action(ui, &l->form, action, NULL);
    case PV_A_BACK:
        return PV_CH_NONE; /* nothing is under a login, and a lock must stay */
    case PV_A_HELP: /* the help would do, but a lock lets nothing else show */
        return l->mode == PV_LOGIN_LOCK ? PV_CH_NONE : PV_CH_PASS;
    default:
        if (action < PV_A_UP)
            return PV_CH_PASS;
        return pv_form_action(ui, &l->form, action, NULL);
    }
}

static unsigned login_input(pv_ui *ui, void *st, int key)
{
    login *l = st;
    return pv_form_input(ui, &l->form, key, NULL);
}

const pv_screen pv_screen_login = {
    .name = "login",
    .keys = login_keys,
    .open = login_open,
    .close = login_close,
    .title = login_title,
    .draw = login_draw,
    .action = login_action,
    .input = login_input,
    .reload = NULL,
};
