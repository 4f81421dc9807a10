/* parvande — the referral screens (screen_referral.c, screen_referral_form.c)
 * and the insurance year (screen_insurance.c), with what the home and file
 * screens show of them. */
#ifndef PARVANDE_TUI_SCREEN_REFERRAL_H
#define PARVANDE_TUI_SCREEN_REFERRAL_H

#include <stddef.h>
#include "ui.h"

/* The open referrals of the branch (home F6); no argument. */
extern const pv_screen pv_screen_referrals;
/* One referral: arg points to its pv_id. */
extern const pv_screen pv_screen_referral;

/* What the referral form does: a new referral of a person, or a change of
 * one referral. */
typedef enum pv_ref_form_kind {
    PV_REF_FORM_NEW = 0, PV_REF_FORM_RECEIVE, PV_REF_FORM_CLOSE, PV_REF_FORM_RETURN,
    PV_REF_FORM_FOLLOW_UP
} pv_ref_form_kind;
typedef struct pv_ref_form_request {
    pv_ref_form_kind kind;
    const char *national_id; /* PV_REF_FORM_NEW */
    pv_id referral;          /* the others */
} pv_ref_form_request;
extern const pv_screen pv_screen_referral_form;

/* The insurance year of a province (home F7); no argument. */
extern const pv_screen pv_screen_insurance;

/* Its two forms (screen_insurance_form.c): the contract, and one child of
 * the frozen list (add, take off, note a claim). arg: a request. */
typedef enum pv_ins_form_kind { PV_INS_FORM_CONTRACT = 0, PV_INS_FORM_CHILD } pv_ins_form_kind;
typedef struct pv_ins_form_request {
    pv_ins_form_kind kind;
    const char *code, *province; /* copied by the form */
    int year;
} pv_ins_form_request;
extern const pv_screen pv_screen_ins_contract;
extern const pv_screen pv_screen_ins_child;

/* The logged-in user's overdue referrals today; -1 when it cannot be read. */
int pv_ui_overdue_count(pv_ui *ui);

/* One line per open referral of the person ("→ centre · urgency · follow-up
 * date [overdue]"), translated, for the top of the file screen. Returns how
 * many lines were written into lines[0..max) (each malloc'd; the caller
 * frees them). */
size_t pv_ui_open_referral_lines(pv_ui *ui, const char *national_id, char **lines, size_t max);

#endif
