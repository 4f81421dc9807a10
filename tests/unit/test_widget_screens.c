/* What the list and form widgets give the screens built on them: the
 * shared actions passed on to the main loop, one-field forms, the focus
 * put on the field an error names, and a form screen's input and reload. */
#include <criterion/criterion.h>
#include <string.h>

#include "keys.h"
#include "ui.h"
#include "widget.h"

Test(widget_screens, a_list_passes_the_shared_actions_on)
{
    pv_list l = {.page = 3};
    pv_list_set_count(&l, 3);
    cr_assert_eq(pv_list_action_or_pass(&l, PV_A_DOWN), PV_CH_DRAW);
    cr_assert_eq(l.sel, 1);
    cr_assert_eq(pv_list_action_or_pass(&l, PV_A_HELP), PV_CH_PASS, "a shared action");
    pv_list_action_or_pass(&l, PV_A_LAST);
    cr_assert_eq(pv_list_action_or_pass(&l, PV_A_DOWN), PV_CH_NONE, "the list's, not passed");
}

typedef struct form_screen {
    pv_form form; /* first, as pv_form_screen_input wants */
    int other;
} form_screen;

Test(widget_screens, a_form_screen_types_into_its_form_and_passes_shared_actions)
{
    pv_ui ui;
    memset(&ui, 0, sizeof ui);
    form_screen s = {.other = 7};
    cr_assert(pv_form_init_one(&s.form, &s, "query", "Search", false));
    cr_assert_eq(s.form.n, 1);
    cr_assert_eq(s.form.user, &s);
    cr_assert_neq(pv_form_screen_input(&ui, &s, 'a') & PV_CH_DRAW, 0);
    pv_form_screen_input(&ui, &s, 'b');
    cr_assert_str_eq(pv_form_value(&s.form, "query"), "ab");
    cr_assert_eq(pv_form_action_or_pass(&ui, &s.form, PV_A_LANG), PV_CH_PASS);
    pv_form_action_or_pass(&ui, &s.form, PV_A_BACKSPACE);
    cr_assert_str_eq(pv_form_value(&s.form, "query"), "a");
    cr_assert_eq(pv_form_screen_reload(&ui, &s), PV_CH_DRAW);
    cr_assert_str_eq(pv_form_value(&s.form, "query"), "a", "a reload keeps what was typed");
    pv_form_free(&s.form);
}

Test(widget_screens, the_field_an_error_names_gets_the_focus)
{
    pv_form f;
    pv_form_init(&f, NULL, NULL);
    pv_form_add(&f, "date", "Date", true, true, PV_FK_TEXT, "");
    pv_form_add(&f, "reason", "Reason", false, false, PV_FK_TEXT, "");
    pv_form_add(&f, "note", "Note", false, false, PV_FK_TEXT, "");
    pv_form_focus_named(&f, "reason");
    cr_assert_eq(f.focus, 1);
    pv_form_focus_named(&f, NULL);
    cr_assert_eq(f.focus, 1, "no field named: the focus stays");
    pv_form_focus_named(&f, "no_such_field");
    cr_assert_eq(f.focus, 1);
    pv_form_focus_named(&f, "note");
    cr_assert_eq(f.focus, 2);
    pv_form_free(&f);
}
