/* parvande — the forms of the office work of cards 001 and 004
 * (screen_groups_form.c): a new course, a new inquiry about a person or a
 * group, an inquiry's answer, a course's evaluation. */
#ifndef PARVANDE_TUI_SCREEN_GROUPS_FORM_H
#define PARVANDE_TUI_SCREEN_GROUPS_FORM_H

#include "parvande/groups.h"
#include "ui.h"

typedef enum pv_gform_kind {
    PV_GFORM_COURSE = 0, /* a new course of the branch */
    PV_GFORM_INQUIRY,    /* a new inquiry: about national_id, or group, or typed in */
    PV_GFORM_ANSWER,     /* the answer of inquiry `id` */
    PV_GFORM_EVALUATION  /* the evaluation of course `id` */
} pv_gform_kind;

typedef struct pv_gform_request {
    pv_gform_kind kind;
    const char *subject; /* PV_GFORM_INQUIRY: a national ID or a group's name, or NULL
                            (typed in the form); copied */
    pv_id id;            /* PV_GFORM_ANSWER: the inquiry; PV_GFORM_EVALUATION: the course */
    const char *about;   /* a translated line saying what the form is about, or NULL;
                            copied, drawn as given: stored text goes in through
                            pv_dialog_quote */
    const char *code;    /* PV_GFORM_INQUIRY: the service offered first, or NULL; copied */
} pv_gform_request;

/* arg: a pv_gform_request. F2 saves all of it or nothing and closes the
 * form; a refused field keeps the form open with the cursor on it. */
extern const pv_screen pv_screen_groups_form;

#endif
