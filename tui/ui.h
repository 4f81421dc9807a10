/* parvande — the interface's context handle and the screen interface.
 *
 * A screen is a small table of functions (pv_screen) with one table of key
 * bindings. Handlers never draw: they return what changed (PV_CH_*), and
 * the main loop in app.c redraws in one place. Screens sit on a stack;
 * opening one pushes it, Esc pops it and tells the one below to refresh its
 * data (a form may have saved something). */
#ifndef PARVANDE_TUI_UI_H
#define PARVANDE_TUI_UI_H

#include <stdbool.h>
#include <time.h>

#include "cli.h"
#include "draw.h"
#include "keys.h"
#include "parvande/context.h"
#include "parvande/error.h"
#include "term.h"

/* What a handler changed. */
enum {
    PV_CH_NONE = 0,        /* nothing to redraw */
    PV_CH_DRAW = 1u << 0,  /* redraw the screen */
    PV_CH_FULL = 1u << 1,  /* repaint every cell (resize, language, Ctrl-L) */
    PV_CH_QUIT = 1u << 2,  /* leave the program */
    PV_CH_PASS = 1u << 3,  /* the screen did not take the action: do the default */
};

typedef struct pv_ui pv_ui;

typedef struct pv_screen {
    const char *name;          /* for tests and messages */
    const pv_binding *const *keys; /* key map (keys.h): F-key bar, help */
    /* Creates the screen's state from `arg` (screen-specific); NULL refuses
     * (the screen set the status line saying why). */
    void *(*open)(pv_ui *ui, const void *arg);
    void (*close)(pv_ui *ui, void *st);
    /* The title shown on the top line (translated), written into out. */
    void (*title)(pv_ui *ui, void *st, char *out, size_t size);
    /* Draws the body: rows top..top+rows-1; may place the cursor with
     * pv_ui_cursor. */
    void (*draw)(pv_ui *ui, void *st, int top, int rows);
    /* A bound key's action; PV_CH_PASS leaves a shared action (help,
     * language, quit, back) to the main loop. */
    unsigned (*action)(pv_ui *ui, void *st, int action);
    /* A key no binding took (typing); may be NULL. */
    unsigned (*input)(pv_ui *ui, void *st, int key);
    /* Data may have changed (a child screen closed, the language
     * switched): reload. May be NULL. */
    unsigned (*reload)(pv_ui *ui, void *st);
} pv_screen;

typedef enum pv_msg_kind { PV_MSG_INFO = 0, PV_MSG_OK, PV_MSG_ERROR } pv_msg_kind;

#define PV_UI_DEPTH 12

struct pv_ui {
    pv_cli *cli;
    pv_ctx *ctx;
    pv_term term;
    pv_draw draw;              /* direction and size for drawing */
    struct {
        const pv_screen *s;
        void *st;
    } stack[PV_UI_DEPTH];
    int depth;
    char status[1024];         /* the status line (translated) */
    pv_msg_kind status_kind;
    int cur_y, cur_x;          /* where the terminal cursor goes, -1: hidden */
    time_t last_key;           /* for the idle lock */
    int idle_lock_s;           /* seconds before the lock; 0 = never */
    bool locked;
    const char *warning;       /* msgid shown in a box until a key is pressed */
};

/* Opens a screen on top of the stack. Returns PV_CH_DRAW, or PV_CH_NONE
 * when the screen refused to open (the status line says why). */
unsigned pv_ui_push(pv_ui *ui, const pv_screen *s, const void *arg);

/* Closes the top screen (never the last one) and refreshes the one below. */
unsigned pv_ui_pop(pv_ui *ui);

/* Sets the status line (already translated text; printf format). */
void pv_ui_status(pv_ui *ui, pv_msg_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Shows a core error on the status line and clears it. */
void pv_ui_error(pv_ui *ui, pv_error *err);

/* Places the terminal cursor (screen coordinates) after drawing. */
void pv_ui_cursor(pv_ui *ui, int y, int x);

/* Switches the interface language (gettext, the core's messages, the
 * mirroring) and asks every open screen to reload. */
unsigned pv_ui_set_lang(pv_ui *ui, pv_lang lang);

/* What the form screen (screen_form.c) is asked to do. */
typedef enum pv_form_kind {
    PV_FORM_NEW_HOUSEHOLD = 0, /* the head of a new household */
    PV_FORM_NEW_MEMBER,        /* a member joining the household of national_id */
    PV_FORM_EDIT_PERSON,       /* every field of national_id's person */
    PV_FORM_ASSESSMENT,        /* a caseworker's assessment on national_id's case file */
    PV_FORM_CASEFILE,          /* national_id's case file: covered, status, caseworker */
} pv_form_kind;

typedef struct pv_form_request {
    pv_form_kind kind;
    const char *national_id;   /* the file it is about ("" for a new household) */
    const char *field;         /* field to focus first, or NULL */
} pv_form_request;

/* What the login screen (screen_login.c) is for. */
typedef enum pv_login_mode {
    PV_LOGIN_NORMAL = 0, /* user name and password */
    PV_LOGIN_SETUP,      /* no user yet: create the first administrator */
    PV_LOGIN_LOCK        /* the idle lock: the current user's password again */
} pv_login_mode;

/* After a successful login (the home screen replaces every screen) or
 * unlock (the lock goes, the screens under it come back). */
unsigned pv_ui_logged_in(pv_ui *ui, bool unlock);
/* Logs out: every screen closes, nothing saved half-way, the login shows. */
unsigned pv_ui_logout(pv_ui *ui);

/* The screens. */
extern const pv_screen pv_screen_home;
extern const pv_screen pv_screen_file;
extern const pv_screen pv_screen_form;
extern const pv_screen pv_screen_help;
extern const pv_screen pv_screen_catalog;
extern const pv_screen pv_screen_card;
extern const pv_screen pv_screen_enrollment;
extern const pv_screen pv_screen_login;
/* Groups, courses and inquiries (F5 on the home screen): the lists
 * (arg: NULL, or an int: 0 groups, 1 courses, 2 inquiries), a group's page
 * and a course's attendance grid (arg: a pv_id). */
extern const pv_screen pv_screen_groups;
extern const pv_screen pv_screen_group;
extern const pv_screen pv_screen_course;
extern const pv_screen pv_screen_stats;   /* tui/screen_stats.c, home F8 */
extern const pv_screen pv_screen_conflicts; /* tui/screen_conflicts.c */
/* A fact implied by the records (group.*, event.*, inquiry.*, course.*) as
 * one translated line for a file ("Mutual-aid group: …"); false for a
 * recorded fact, which the file lists otherwise (tui/screen_groups.c). */
struct pv_fact;
bool pv_groups_fact_line(const struct pv_fact *f, char *out, size_t size);

#endif
