/* parvande — the two widgets every screen reuses: a list (search results,
 * a file's sections, the catalog, a card, the help) and a form (the search
 * box, person forms, an assessment, the login). */
#ifndef PARVANDE_TUI_WIDGET_H
#define PARVANDE_TUI_WIDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "parvande/error.h"
#include "ui.h"

/* ---- list ---------------------------------------------------------------- */

typedef struct pv_list {
    size_t n;        /* rows */
    size_t sel;      /* selected row (meaningless when n == 0) */
    size_t top;      /* first row shown */
    int page;        /* rows shown at the last draw */
    /* Draws row i on screen row y across the full width; `selected` asks
     * for the selection's style. */
    void (*draw_row)(pv_ui *ui, void *user, size_t i, int y, bool selected);
    /* Whether row i can be selected (headings cannot); NULL: every row. */
    bool (*selectable)(void *user, size_t i);
    void *user;
    /* The logical box the list is drawn in: columns x..x+w-1 (w == 0: the
     * whole width). draw_row reads them to lay a row out in a pane. */
    int x, w;
} pv_list;

/* Sets the row count, keeping the selection in range and on a selectable row. */
void pv_list_set_count(pv_list *l, size_t n);

/* Draws rows top..top+rows-1, scrolled so the selection shows; an empty
 * list shows `empty` (translated, may be NULL) instead. */
void pv_list_draw(pv_ui *ui, pv_list *l, int top, int rows, const char *empty);

/* The list's keys (PV_A_UP ... PV_A_LAST). Returns PV_CH_DRAW when it moved,
 * PV_CH_NONE otherwise (also for an action that is not the list's). */
unsigned pv_list_action(pv_list *l, int action);
/* pv_list_action for a list screen: PV_CH_PASS for a shared action
 * (below PV_A_UP) the list did not take, so the main loop does it. */
unsigned pv_list_action_or_pass(pv_list *l, int action);

/* Tab / Shift-Tab in a list of sections: the first selectable row after
 * the next (dir +1) or previous (-1) heading (a row that cannot be
 * selected), the heading on top. PV_CH_DRAW when it moved. */
unsigned pv_list_jump(pv_list *l, int dir);

/* True when the list has a selected row. */
bool pv_list_has_sel(const pv_list *l);

/* The list's box: its start column and width (the whole screen when w == 0). */
int pv_list_x(const pv_list *l);
int pv_list_w(const pv_list *l, const pv_ui *ui);

/* ---- rows: what a screen's list shows ------------------------------------ */

/* One row of a screen's list. A screen builds its rows when it loads its
 * data (and again when the width changes), then its draw_row reads them.
 * `kind`, `section` and `idx` are the screen's own numbers. */
typedef struct pv_row {
    int kind;
    int section;
    size_t idx;          /* into the screen's data */
    const char *field;   /* a machine name with static storage, or NULL */
    char *label;         /* owned, translated (may be NULL) */
    char *value;         /* owned (may be NULL) */
    unsigned flags;      /* PV_T_* of the value */
    int mark;            /* the screen's mark (✓, ✗, ...), 0 none */
} pv_row;

typedef struct pv_rows {
    pv_row *v;
    size_t n, cap;
} pv_rows;

/* Appends a row (label and value copied; either may be NULL). Returns it,
 * NULL when out of memory (the row is then missing, nothing else). The
 * pointer is valid until the next add. */
pv_row *pv_rows_add(pv_rows *r, int kind, const char *label, const char *value);
/* Appends `text` wrapped to `width` columns, one row per line, each with
 * the paragraph's direction added to `flags`. Returns the rows added. */
size_t pv_rows_add_wrapped(pv_rows *r, int kind, const char *text, int width, unsigned flags);
/* Empties (keeps the array) / frees everything. */
void pv_rows_clear(pv_rows *r);
void pv_rows_free(pv_rows *r);

/* Draws a "label  value" row in the logical box [x, x+w): the label
 * label_w columns wide in the label style (unless selected). */
void pv_rows_draw_pair(pv_ui *ui, int y, int x, int w, int label_w, const pv_row *r,
                       bool selected);

/* ---- dialog: a question over the screen ---------------------------------- */

/* A small box over the current screen with a question, optionally one line
 * of text to write (a justification, a note). F2 confirms, Esc cancels;
 * Enter alone never confirms (it is what a hand presses by habit). */
typedef struct pv_dialog_request {
    const char *title;        /* translated; copied */
    const char *body;         /* translated; copied; wrapped in the box in the
                                 interface's direction, drawn as given: stored
                                 text goes in through pv_dialog_quote */
    const char *field_label;  /* msgid of the text field, NULL: no field */
    bool field_required;      /* refuse an empty text (the label names it) */
    const char *ok_label;     /* msgid of F2 in the key bar ("Enroll") */
    /* Does it: PV_OK closes the dialog; otherwise the dialog stays (the
     * handler said why on the status line). `text` is "" without a field. */
    pv_status (*on_ok)(pv_ui *ui, void *user, const char *text);
    void *user;               /* the screen below's state: valid while it is open */
} pv_dialog_request;

/* Stored text (a name, a title) made safe to quote in a dialog's body:
 * sanitised and in an isolate, so its script cannot reorder the sentence.
 * Newly allocated, caller frees; NULL when out of memory. */
char *pv_dialog_quote(const char *stored);

/* Opens the dialog over the current screen (PV_CH_DRAW). */
unsigned pv_dialog_open(pv_ui *ui, const pv_dialog_request *req);

/* ---- form ---------------------------------------------------------------- */

typedef enum pv_field_kind {
    PV_FK_TEXT = 0,  /* one line */
    PV_FK_CHOICE,    /* a fixed set of values: Space and the arrows cycle, a letter
                        picks the next value starting with it; no free typing */
    PV_FK_NOTE,      /* several lines, Enter breaks a line */
    PV_FK_SECRET     /* a password: masked */
} pv_field_kind;

typedef struct pv_form_field {
    const char *name;     /* machine name, handed to the form's validate */
    const char *label;    /* msgid, translated when drawn (the language may switch) */
    bool required;
    bool ltr;             /* IDs, dates, phones */
    pv_field_kind kind;
    char *value;          /* owned by the form, UTF-8 */
    size_t cursor;        /* logical position in code points, at a grapheme boundary */
    bool invalid;         /* the last check refused it */
    char *error;          /* owned: why (named), shown while the field stays wrong */
} pv_form_field;

typedef struct pv_form_ops {
    /* Checks (and may normalise into `norm`, size bytes; leave it "" to
     * keep the text) a field's text when it is left. NULL: no check. */
    pv_status (*validate)(void *user, const char *field, const char *text, char *norm,
                          size_t size, pv_error *err);
    /* The value after `current` in a choice field (dir +1 or -1), into out.
     * Returns false when the field has no choices. */
    bool (*cycle)(void *user, const char *field, const char *current, int dir, char *out,
                  size_t size);
} pv_form_ops;

typedef struct pv_form {
    pv_form_field *fields;
    size_t n, cap;
    size_t focus;
    size_t top;           /* first field shown */
    const pv_form_ops *ops;
    void *user;
    bool changed;         /* edited since created */
} pv_form;

/* An empty form. */
void pv_form_init(pv_form *f, const pv_form_ops *ops, void *user);
/* A form of one text field (a search box, a dialog's answer): false when
 * out of memory, the form then freed. */
bool pv_form_init_one(pv_form *f, void *user, const char *name, const char *label,
                      bool required);
/* Frees the fields' values. */
void pv_form_free(pv_form *f);
/* Adds a field with an initial value (copied; NULL = ""); `label` is a
 * msgid with static storage. Returns its index, or -1 when out of memory. */
int pv_form_add(pv_form *f, const char *name, const char *label, bool required, bool ltr,
                pv_field_kind kind, const char *value);
/* The current text of a field by name (NULL if no such field). */
const char *pv_form_value(const pv_form *f, const char *name);
/* Focuses the field called `name` (an error's field); NULL or no such
 * field leaves the focus where it is. */
void pv_form_focus_named(pv_form *f, const char *name);
/* Replaces a field's text (cursor to the end). */
void pv_form_set(pv_form *f, size_t i, const char *text);

/* Draws the fields from row top, labels `label_w` columns wide on the
 * interface's start side, values beside them; places the cursor in the
 * focused field. With label_w == 0 (a lone search box) no label is drawn. */
void pv_form_draw(pv_ui *ui, pv_form *f, int top, int rows, int label_w);
/* Rows the form takes. */
int pv_form_rows(const pv_form *f);

/* A form or editing action (pv_keys_form, pv_keys_edit). Moving off a field
 * checks it; a refusal stays on the status line, naming the field and the
 * reason (the caseworker may still move on, Save checks everything again);
 * it shows again whenever the cursor is back on the field while it is
 * still wrong.
 * Returns what changed; *changed_text (may be NULL) is set when the text
 * of the focused field changed. */
unsigned pv_form_action(pv_ui *ui, pv_form *f, int action, bool *changed_text);
/* pv_form_action for a form screen: PV_CH_PASS for a shared action (below
 * PV_A_UP: help, language, back), so the main loop does it. */
unsigned pv_form_action_or_pass(pv_ui *ui, pv_form *f, int action);
/* A typed character. */
unsigned pv_form_input(pv_ui *ui, pv_form *f, int key, bool *changed_text);
/* A form screen's input and reload, for a screen whose state begins with
 * its pv_form. Typed characters go to the form; a reload only redraws:
 * labels are translated when drawn and what was typed stays (the language
 * is all that can change under a form). */
unsigned pv_form_screen_input(pv_ui *ui, void *st, int key);
unsigned pv_form_screen_reload(pv_ui *ui, void *st);
/* Checks every field; when some are refused, focuses the first, shows its
 * reason and names the others on the status line, and returns false. */
bool pv_form_check_all(pv_ui *ui, pv_form *f);

/* ---- text editing (the form's fields; exposed for tests) ---------------- */

/* Inserts UTF-8 text at code-point position *cursor of a malloc'd string
 * (*s may be reallocated); the cursor moves past it. Returns false when out
 * of memory. */
bool pv_edit_insert(char **s, size_t *cursor, const char *text);
/* Byte offset of code-point position pos in s (the length when past it). */
size_t pv_edit_byte_at(const char *s, size_t pos);
/* Deletes the grapheme before (backward) or at the cursor; backward, a
 * trailing haraka, ZWNJ or ZWJ goes alone. */
void pv_edit_delete(char *s, size_t *cursor, bool backward);

#endif
