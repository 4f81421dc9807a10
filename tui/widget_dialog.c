/* parvande — a question in a box over the screen that asked it: enrolling,
 * an override's justification, an approval's note, unticking a document.
 * F2 confirms and Esc cancels; Enter never confirms, so the Enter a hand
 * presses by habit after F7 does nothing it did not mean. */
#include <stdlib.h>
#include <string.h>

#include "parvande/i18n.h"
#include "parvande/text.h"
#include "widget.h"

enum { D_OK = PV_A_SCREEN, D_CANCEL, D_ENTER };

static const pv_binding dialog_own[] = {
    {PV_KEY(KEY_F(2)), D_OK, N_("Confirm"), N_("Confirm: do what the box says")},
    {PV_KEY_ESC, D_CANCEL, NULL, N_("Cancel: close the box, nothing is done")},
    {PV_KEY(KEY_F(3)), D_CANCEL, N_("Cancel"), NULL},
    {'\r', D_ENTER, NULL, N_("Enter does not confirm (F2 does)")},
    {PV_KEY(KEY_ENTER), D_ENTER, NULL, NULL},
    {'\t', D_ENTER, NULL, NULL},
    {0, 0, NULL, NULL},
};
static pv_keymap dialog_keys = {dialog_own, pv_keys_edit, NULL};

typedef struct dialog {
    pv_dialog_request req;   /* the strings below are owned copies */
    char *title, *body;
    bool has_field;
    pv_form form;
} dialog;

static void dialog_close(pv_ui *ui, void *st)
{
    (void)ui;
    dialog *d = st;
    pv_form_free(&d->form);
    free(d->title);
    free(d->body);
    free(d);
}

static void *dialog_open(pv_ui *ui, const void *arg)
{
    const pv_dialog_request *req = arg;
    dialog *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->req = *req;
    d->title = strdup(req->title ? req->title : "");
    d->body = strdup(req->body ? req->body : "");
    pv_form_init(&d->form, NULL, NULL);
    d->has_field = req->field_label != NULL;
    if (!d->title || !d->body
        || (d->has_field
            && !pv_form_init_one(&d->form, NULL, "text", req->field_label, req->field_required))) {
        dialog_close(ui, d);
        return NULL;
    }
    return d;
}

static void dialog_title(pv_ui *ui, void *st, char *out, size_t size)
{
    (void)ui;
    snprintf(out, size, "%s", ((dialog *)st)->title);
}

/* The screen below first, then the box in the middle of it. */
static void dialog_draw(pv_ui *ui, void *st, int top, int rows)
{
    dialog *d = st;
    if (ui->depth >= 2) {
        const pv_screen *below = ui->stack[ui->depth - 2].s;
        below->draw(ui, ui->stack[ui->depth - 2].st, top, rows);
    }
    ui->cur_y = ui->cur_x = -1;
    int w = ui->draw.cols - 4;
    if (w > 72)
        w = 72;
    int x = (ui->draw.cols - w) / 2, inner = w - 4;
    char hint[256];
    snprintf(hint, sizeof hint, _("F2: %s    Esc: cancel"),
             _(d->req.ok_label ? d->req.ok_label : N_("Confirm")));
    int body_rows = pv_draw_wrapped_rows(&ui->draw, inner, d->body, PV_T_UI);
    int h = body_rows + 4 + (d->has_field ? 3 : 0);
    if (h > rows)
        h = rows;
    int y = top + (rows - h) / 2;
    for (int r = 0; r < h; r++)
        pv_draw_fill(&ui->draw, y + r, x, w, PV_ST_TEXT);
    pv_draw_box(&ui->draw, y, x, h, w, d->title);
    int max_body = h - 4 - (d->has_field ? 3 : 0);
    int used = pv_draw_wrapped(&ui->draw, y + 1, x + 2, inner, max_body > 0 ? max_body : 1,
                               d->body, PV_T_UI, PV_ST_TEXT, NULL);
    int fy = y + 1 + used + 1;
    if (d->has_field) {
        pv_form_field *fl = &d->form.fields[0];
        pv_draw_text(&ui->draw, fy, x + 2, inner, _(fl->label), 0, PV_ST_LABEL);
        int cy = -1, cx = -1;
        pv_draw_edit(&ui->draw, fy + 1, x + 2, inner, fl->value, fl->cursor, 0, PV_ST_FOCUS, 0,
                     &cy, &cx);
        if (cy >= 0)
            pv_ui_cursor(ui, cy, cx);
        fy += 3;
    }
    pv_draw_text(&ui->draw, y + h - 2, x + 2, inner, hint, PV_T_UI, PV_ST_DIM);
}

static unsigned confirm(pv_ui *ui, dialog *d)
{
    const char *text = d->has_field ? d->form.fields[0].value : "";
    if (d->has_field && d->req.field_required && !text[0]) {
        pv_ui_status(ui, PV_MSG_ERROR, "%s: %s", _(d->req.field_label),
                     _("this field is required"));
        return PV_CH_DRAW;
    }
    /* The handler may set the status line; the screen below reloads
     * when the box closes, its message kept. */
    char *copy = strdup(text);
    if (!copy)
        return PV_CH_DRAW;
    pv_status s = d->req.on_ok(ui, d->req.user, copy);
    free(copy);
    if (s != PV_OK)
        return PV_CH_DRAW;
    char status[sizeof ui->status];
    pv_msg_kind kind = ui->status_kind;
    memcpy(status, ui->status, sizeof status);
    unsigned ch = pv_ui_pop(ui);
    memcpy(ui->status, status, sizeof status);
    ui->status_kind = kind;
    return ch | PV_CH_DRAW;
}

static unsigned dialog_action(pv_ui *ui, void *st, int action)
{
    dialog *d = st;
    switch (action) {
    case D_OK:
        return confirm(ui, d);
    case D_CANCEL: {
        unsigned ch = pv_ui_pop(ui);
        pv_ui_status(ui, PV_MSG_INFO, "%s", _("Cancelled; nothing was done."));
        return ch;
    }
    case D_ENTER:
        pv_ui_status(ui, PV_MSG_INFO, "%s", _("F2 confirms, Esc cancels."));
        return PV_CH_DRAW;
    default:
        if (d->has_field && action >= PV_A_NEXT_FIELD && action < PV_A_SCREEN)
            return pv_form_action(ui, &d->form, action, NULL);
        return action < PV_A_UP ? PV_CH_PASS : PV_CH_NONE;
    }
}

static unsigned dialog_input(pv_ui *ui, void *st, int key)
{
    dialog *d = st;
    return d->has_field ? pv_form_input(ui, &d->form, key, NULL) : PV_CH_NONE;
}

static const pv_screen dialog_screen = {
    .name = "dialog",
    .keys = dialog_keys,
    .open = dialog_open,
    .close = dialog_close,
    .title = dialog_title,
    .draw = dialog_draw,
    .action = dialog_action,
    .input = dialog_input,
    .reload = NULL,
};

char *pv_dialog_quote(const char *stored)
{
    size_t size = (stored ? strlen(stored) : 0) * 3 + 4;
    char *clean = malloc(size);
    if (!clean)
        return NULL;
    pv_text_sanitize(stored ? stored : "", false, clean, size);
    char *q = pv_bidi_isolate_dir(clean, PV_DIR_AUTO);
    free(clean);
    return q;
}

unsigned pv_dialog_open(pv_ui *ui, const pv_dialog_request *req)
{
    return pv_ui_push(ui, &dialog_screen, req);
}
