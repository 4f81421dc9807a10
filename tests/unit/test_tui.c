/* Unit tests of the interface's pieces that need no terminal: text editing
 * at grapheme boundaries, the key tables (the F-key bar and the help screen
 * come from the same bindings), text preparation for drawing (Persian
 * digits, sanitising), money, and the terminal warnings. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "keys.h"
#include "term.h"
#include "ui.h"
#include "widget.h"

/* ---- editing ------------------------------------------------------------- */

static char *dup(const char *s)
{
    char *d = strdup(s);
    cr_assert_not_null(d);
    return d;
}

Test(tui_edit, insert_at_code_point_positions)
{
    char *s = dup("سلام");
    size_t cur = 2;
    cr_assert(pv_edit_insert(&s, &cur, "X"));
    cr_assert_str_eq(s, "سلXام");
    cr_assert_eq(cur, 3);
    cur = 5;
    cr_assert(pv_edit_insert(&s, &cur, "ZW\xe2\x80\x8c"));
    cr_assert_str_eq(s, "سلXامZW\xe2\x80\x8c");
    cr_assert_eq(cur, 8);
    free(s);
}

Test(tui_edit, byte_offsets)
{
    cr_assert_eq(pv_edit_byte_at("ab", 1), 1);
    cr_assert_eq(pv_edit_byte_at("سلام", 2), 4);
    cr_assert_eq(pv_edit_byte_at("سلام", 9), 8); /* past the end: the length */
}

Test(tui_edit, backspace_deletes_a_whole_letter)
{
    char *s = dup("کتاب");
    size_t cur = 4;
    pv_edit_delete(s, &cur, true);
    cr_assert_str_eq(s, "کتا");
    cr_assert_eq(cur, 3);
    free(s);
}

Test(tui_edit, backspace_takes_a_trailing_haraka_alone)
{
    char *s = dup("ب\xd9\x8e"); /* beh + fatha */
    size_t cur = 2;
    pv_edit_delete(s, &cur, true);
    cr_assert_str_eq(s, "ب");
    cr_assert_eq(cur, 1);
    free(s);
}

Test(tui_edit, backspace_takes_a_trailing_zwnj_alone)
{
    char *s = dup("می\xe2\x80\x8c");
    size_t cur = 3;
    pv_edit_delete(s, &cur, true);
    cr_assert_str_eq(s, "می");
    cr_assert_eq(cur, 2);
    free(s);
}

Test(tui_edit, delete_takes_the_letter_with_its_marks)
{
    char *s = dup("ب\xd9\x8e" "ا"); /* beh, fatha, alef */
    size_t cur = 0;
    pv_edit_delete(s, &cur, false);
    cr_assert_str_eq(s, "ا");
    cr_assert_eq(cur, 0);
    free(s);
}

Test(tui_edit, nothing_to_delete_at_the_edges)
{
    char *s = dup("ab");
    size_t cur = 0;
    pv_edit_delete(s, &cur, true);
    cr_assert_str_eq(s, "ab");
    cur = 2;
    pv_edit_delete(s, &cur, false);
    cr_assert_str_eq(s, "ab");
    free(s);
}

/* ---- keys ---------------------------------------------------------------- */

static const pv_screen *const screens[] = {
    &pv_screen_home, &pv_screen_file, &pv_screen_form, &pv_screen_help, &pv_screen_catalog,
    &pv_screen_card, &pv_screen_enrollment, &pv_screen_login,
};

Test(tui_keys, every_bar_label_is_on_the_help_screen)
{
    for (size_t s = 0; s < sizeof screens / sizeof *screens; s++) {
        const pv_binding *all[128];
        size_t n = pv_keys_collect(screens[s]->keys, all, 128);
        for (int f = 1; f <= 10; f++) {
            const pv_binding *b = pv_keys_fkey(screens[s]->keys, f);
            if (!b || !b->bar)
                continue;
            /* the binding itself, or another binding of the same action, has help */
            bool found = false;
            for (size_t i = 0; i < n; i++)
                if (all[i]->action == b->action)
                    found = true;
            cr_assert(found, "screen %s: F%d (%s) is not on the help screen", screens[s]->name,
                      f, b->bar);
        }
    }
}

Test(tui_keys, help_lists_each_key_once_and_only_live_bindings)
{
    for (size_t s = 0; s < sizeof screens / sizeof *screens; s++) {
        const pv_binding *all[128];
        size_t n = pv_keys_collect(screens[s]->keys, all, 128);
        cr_assert_gt(n, 0);
        for (size_t i = 0; i < n; i++) {
            /* what the help says a key does is what the key does */
            cr_assert_eq(pv_keys_lookup(screens[s]->keys, all[i]->key), all[i],
                         "screen %s: a help line for a shadowed key", screens[s]->name);
            for (size_t j = i + 1; j < n; j++)
                cr_assert_neq(all[i]->key, all[j]->key, "screen %s lists a key twice",
                              screens[s]->name);
        }
    }
}

Test(tui_keys, a_screen_binding_wins_over_the_global_one)
{
    /* Esc is "back" everywhere, but "cancel" in a form */
    const pv_binding *home = pv_keys_lookup(pv_screen_home.keys, PV_KEY_ESC);
    const pv_binding *form = pv_keys_lookup(pv_screen_form.keys, PV_KEY_ESC);
    cr_assert_not_null(home);
    cr_assert_not_null(form);
    cr_assert_eq(home->action, PV_A_BACK);
    cr_assert_neq(form->action, PV_A_BACK);
    /* F1 help and F10 quit everywhere */
    for (size_t s = 0; s < sizeof screens / sizeof *screens; s++) {
        cr_assert_eq(pv_keys_fkey(screens[s]->keys, 1)->action, PV_A_HELP);
        cr_assert_eq(pv_keys_fkey(screens[s]->keys, 10)->action, PV_A_QUIT);
    }
}

Test(tui_keys, zwnj_has_a_key_that_always_works)
{
    const pv_binding *b = pv_keys_lookup(pv_screen_form.keys, PV_KEY_CTRL('n'));
    cr_assert_not_null(b);
    cr_assert_eq(b->action, PV_A_ZWNJ);
    b = pv_keys_lookup(pv_screen_form.keys, PV_KEY_SHIFT_SPACE);
    cr_assert_not_null(b);
    cr_assert_eq(b->action, PV_A_ZWNJ);
    cr_assert_eq(pv_keys_lookup(pv_screen_home.keys, PV_KEY_CTRL('n'))->action, PV_A_ZWNJ);
}

Test(tui_keys, key_names)
{
    char buf[32];
    pv_keys_name(PV_KEY(KEY_F(10)), buf, sizeof buf);
    cr_assert_str_eq(buf, "F10");
    pv_keys_name(PV_KEY_CTRL('n'), buf, sizeof buf);
    cr_assert_str_eq(buf, "Ctrl-N");
}

/* ---- drawing without a terminal ----------------------------------------------- */

Test(tui_draw, persian_digits_but_key_names_stay)
{
    pv_draw fa = {.rtl = true}, en = {.rtl = false};
    char *t = pv_draw_prepare(&fa, "F7 123 F10x 9", 0);
    cr_assert_str_eq(t, "F7 ۱۲۳ F10x ۹");
    free(t);
    t = pv_draw_prepare(&fa, "OFF5", 0); /* not a key name: inside a word */
    cr_assert_str_eq(t, "OFF۵");
    free(t);
    t = pv_draw_prepare(&en, "F7 123", 0);
    cr_assert_str_eq(t, "F7 123");
    free(t);
    t = pv_draw_prepare(&fa, "123", PV_T_ASCII);
    cr_assert_str_eq(t, "123");
    free(t);
}

Test(tui_draw, database_text_is_sanitised)
{
    pv_draw en = {.rtl = false};
    /* a stored RLO would reverse what follows; ESC would reach the terminal */
    char *t = pv_draw_prepare(&en, "a\xe2\x80\xae" "b\x1b[2Jc", PV_T_DATA);
    cr_assert_null(strstr(t, "\xe2\x80\xae"));
    cr_assert_null(strchr(t, 0x1b));
    free(t);
}

Test(tui_draw, money)
{
    pv_draw fa = {.rtl = true}, en = {.rtl = false};
    char buf[64];
    pv_draw_money(&en, 3600000, buf, sizeof buf);
    cr_assert_str_eq(buf, "3,600,000");
    pv_draw_money(&fa, 3600000, buf, sizeof buf);
    cr_assert_str_eq(buf, "۳٬۶۰۰٬۰۰۰");
    pv_draw_money(&en, 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "0");
    pv_draw_money(&en, -1500, buf, sizeof buf);
    cr_assert_str_eq(buf, "-1,500");
}

Test(tui_draw, jalali_dates)
{
    char buf[16];
    pv_draw_date("2025-01-15", buf, sizeof buf);
    cr_assert_str_eq(buf, "1403/10/26");
    pv_draw_date("", buf, sizeof buf);
    cr_assert_str_eq(buf, "");
}

Test(tui_draw, logical_columns_are_mirrored_in_persian)
{
    pv_draw fa = {.rtl = true, .cols = 80}, en = {.rtl = false, .cols = 80};
    cr_assert_eq(pv_draw_col(&en, 0, 10), 0);
    cr_assert_eq(pv_draw_col(&fa, 0, 10), 70); /* the start edge is the right */
    cr_assert_eq(pv_draw_col(&fa, 70, 10), 0);
}

/* ---- terminal ------------------------------------------------------------ */

Test(tui_term, konsole_and_mlterm_are_warned)
{
    cr_assert_not_null(pv_term_bidi_warning("230804", NULL));
    cr_assert_not_null(pv_term_bidi_warning(NULL, "3.9.3"));
    cr_assert_null(pv_term_bidi_warning(NULL, NULL));
    cr_assert_null(pv_term_bidi_warning("", ""));
    cr_assert_neq(pv_term_bidi_warning("1", NULL), pv_term_bidi_warning(NULL, "1"));
}

/* ---- the list widget (moving needs no terminal) ---------------------------- */

static bool not_heading(void *user, size_t i)
{
    const bool *heading = user;
    return !heading[i];
}

Test(tui_list, moves_skip_headings_and_stop_at_the_ends)
{
    bool heading[] = {true, false, false, true, false};
    pv_list l = {.selectable = not_heading, .user = heading, .page = 3};
    pv_list_set_count(&l, 5);
    cr_assert_eq(l.sel, 1); /* never on a heading */
    cr_assert_eq(pv_list_action(&l, PV_A_DOWN), PV_CH_DRAW);
    cr_assert_eq(l.sel, 2);
    pv_list_action(&l, PV_A_DOWN);
    cr_assert_eq(l.sel, 4); /* over the heading at 3 */
    cr_assert_eq(pv_list_action(&l, PV_A_DOWN), PV_CH_NONE);
    pv_list_action(&l, PV_A_FIRST);
    cr_assert_eq(l.sel, 1);
    pv_list_action(&l, PV_A_LAST);
    cr_assert_eq(l.sel, 4);
    pv_list_set_count(&l, 2); /* the data shrank */
    cr_assert_eq(l.sel, 1);
    pv_list_set_count(&l, 0);
    cr_assert(!pv_list_has_sel(&l));
    cr_assert_eq(pv_list_action(&l, PV_A_DOWN), PV_CH_NONE);
}

/* ---- the form widget (the status line is plain memory) ---------------------- */

static pv_status refuse_x(void *user, const char *field, const char *text, char *norm,
                          size_t size, pv_error *err)
{
    (void)user;
    if (strchr(text, 'x'))
        return pv_error_field(err, field, "has an x");
    snprintf(norm, size, "%s!", text); /* normalised when accepted */
    return PV_OK;
}

static bool two_choices(void *user, const char *field, const char *cur, int dir, char *out,
                        size_t size)
{
    (void)user;
    (void)field;
    (void)dir;
    snprintf(out, size, "%s", strcmp(cur, "one") == 0 ? "two" : "one");
    return true;
}

static const pv_form_ops test_ops = {refuse_x, two_choices};

Test(tui_form, a_field_is_checked_when_left_and_named_on_the_status_line)
{
    pv_ui ui;
    memset(&ui, 0, sizeof ui);
    pv_form f;
    pv_form_init(&f, &test_ops, NULL);
    cr_assert_geq(pv_form_add(&f, "phone", "Phone", true, true, PV_FK_TEXT, ""), 0);
    cr_assert_geq(pv_form_add(&f, "gender", "Gender", false, false, PV_FK_CHOICE, ""), 0);
    pv_form_input(&ui, &f, 'a', NULL);
    pv_form_input(&ui, &f, 'x', NULL);
    cr_assert_eq(pv_form_action(&ui, &f, PV_A_NEXT_FIELD, NULL), PV_CH_DRAW);
    cr_assert_eq(f.focus, 1); /* one may move on... */
    cr_assert(f.fields[0].invalid);
    cr_assert_not_null(strstr(ui.status, "has an x"), "status: %s", ui.status);
    cr_assert(!pv_form_check_all(&ui, &f)); /* ...but Save checks again */
    cr_assert_eq(f.focus, 0);
    pv_form_action(&ui, &f, PV_A_BACKSPACE, NULL);
    cr_assert(pv_form_check_all(&ui, &f));
    cr_assert_str_eq(pv_form_value(&f, "phone"), "a!");
    pv_form_free(&f);
}

Test(tui_form, required_empty_is_refused_on_save_only)
{
    pv_ui ui;
    memset(&ui, 0, sizeof ui);
    pv_form f;
    pv_form_init(&f, NULL, NULL);
    pv_form_add(&f, "first_name", "First name", true, false, PV_FK_TEXT, "");
    pv_form_add(&f, "father_name", "Father's name", false, false, PV_FK_TEXT, "");
    pv_form_action(&ui, &f, PV_A_NEXT_FIELD, NULL);
    cr_assert_eq(ui.status[0], '\0'); /* tabbing through an empty field is fine */
    cr_assert(!pv_form_check_all(&ui, &f));
    cr_assert_not_null(strstr(ui.status, "First name"));
    pv_form_free(&f);
}

Test(tui_form, choices_zwnj_and_moving_in_a_right_to_left_field)
{
    pv_ui ui;
    memset(&ui, 0, sizeof ui);
    pv_form f;
    pv_form_init(&f, &test_ops, NULL);
    pv_form_add(&f, "gender", "Gender", false, false, PV_FK_CHOICE, "one");
    pv_form_add(&f, "last_name", "Last name", false, false, PV_FK_TEXT, "می");
    bool changed = false;
    pv_form_action(&ui, &f, PV_A_CHOICE_NEXT, &changed);
    cr_assert(changed);
    cr_assert_str_eq(pv_form_value(&f, "gender"), "two");
    f.focus = 1; /* cursor at the end of «می» */
    pv_form_action(&ui, &f, PV_A_ZWNJ, NULL);
    pv_form_input(&ui, &f, 0x0631, NULL); /* ر */
    cr_assert_str_eq(pv_form_value(&f, "last_name"), "می\xe2\x80\x8cر");
    /* right to left: Right goes back in the text, Left forward */
    cr_assert_eq(f.fields[1].cursor, 4);
    pv_form_action(&ui, &f, PV_A_RIGHT, NULL);
    cr_assert_eq(f.fields[1].cursor, 3); /* before «ر» */
    pv_form_action(&ui, &f, PV_A_RIGHT, NULL);
    cr_assert_eq(f.fields[1].cursor, 1); /* before «ی‌»: the ZWNJ belongs to the yeh */
    pv_form_action(&ui, &f, PV_A_LEFT, NULL);
    cr_assert_eq(f.fields[1].cursor, 3);
    /* Space in a text field is a space */
    pv_form_action(&ui, &f, PV_A_CHOICE_NEXT, NULL);
    cr_assert_str_eq(pv_form_value(&f, "last_name"), "می\xe2\x80\x8c ر");
    pv_form_free(&f);
}
