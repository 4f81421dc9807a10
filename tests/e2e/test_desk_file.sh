#!/usr/bin/env bash
# The file screen as the caseworker's desk: a head of a household of five
# with two enrollments and services refused with long reasons. At 80x24
# the top shows without scrolling who, the five members (relation, age,
# national ID), the case file, the open enrollments with their step and
# one line per service; at 160x45 two panes side by side, mirrored in
# Persian. Whole screens against goldens in both languages, and the
# reasons are never cut with "…".
. "$(dirname "$0")/desk_lib.sh"

desk_make_db

open_head() { # open_head LANG COLS ROWS: logged in, the head's file open
  tui_start "$1" "$2" "$3"
  if [ "$1" = fa ]; then tui_wait "۱۴۰۳/۱۰/۲۶"; else tui_wait "Log in"; fi
  tui_login sara sarapass11
  if [ "$1" = fa ]; then tui_wait "۱۴۰۳/۱۰/۲۶"; else tui_wait "Find a file"; fi
  tui_type "0071000011"
  if [ "$1" = fa ]; then tui_wait "۱۳۶۵/۰۳/۱۰"; else tui_wait "1 found"; fi
  tui_keys Enter
  # the youngest member's ID: the household shows (a search row has no such thing)
  if [ "$1" = fa ]; then tui_wait "۰۰۷۱۰۰۰۰۵۴"; else tui_wait "0071000054"; fi
}

# --- 80x24: everything at the top, without scrolling ----------------------
open_head en 80 24
scr=$(tui_screen)
for id in 0071000011 0071000021 0071000038 0071000046 0071000054; do
  echo "$scr" | grep -q "$id" || tui_fail "member $id is not on the first screen"
done
echo "$scr" | grep -q "38 years old, female, guardianship: none" || tui_fail "who: age, gender, guardianship"
echo "$scr" | grep -q "^ *spouse .* 41 0071000021" || tui_fail "a member's relation, age and ID on one line"
echo "$scr" | grep -q "Case file  active, covered" || tui_fail "the case file in one line"
[ "$(echo "$scr" | grep -c "in progress, step 1 of 3")" = 2 ] || tui_fail "two open enrollments with their step"
for code in 19041060106 19071053115 19071059100 19072703102 L-004; do
  echo "$scr" | grep -q "[✓✗●] $code" || tui_fail "service $code has no line of its own"
done
# a service she is enrolled in shows so, not as ✗ by the frequency rule
echo "$scr" | grep -q "● 19072703102  \[enrolled: step 1 of 3\]" || tui_fail "enrolled service not shown as enrolled"
tui_golden tui_desk_en_80x24
# Every failed criterion of 003, wrapped, never cut: Tab five times from
# the top reaches the reasons (household, case file, enrollments,
# services, reasons), its heading on top.
tui_keys Home Tab Tab Tab Tab Tab
tui_wait "Why not eligible"
tui_wait "group is recorded"
for why in "no request from the recipient is recorded" "no caseworker assessment is recorded on the file" \
           "no willingness to join a mutual-aid group is recorded" \
           "not a local facilitator, a self-help group member or an NGO member"; do
  tui_screen | tr -s ' \n' ' ' | grep -qF "$why" || tui_fail "failed criterion not shown whole: $why"
done
tui_screen | grep "^      " | grep -q "…" && tui_fail "a reason is cut with …"
tui_keys F10; tui_wait_exit

open_head fa 80 24
tui_golden tui_desk_fa_80x24
tui_keys F10; tui_wait_exit

# --- 160x45: two panes, the reasons whole ---------------------------------
open_head en 160 45
tui_wait "│ Open enrollments"                       # the services side beside the person
tui_screen | grep -q "Household (5) .*│ .*in progress" || tui_fail "not two panes side by side"
tui_screen | grep "│      " | grep -q "…" && tui_fail "a reason is cut with …"
tui_golden tui_desk_en_160x45
tui_keys F10; tui_wait_exit

open_head fa 160 45
tui_golden tui_desk_fa_160x45
# mirrored: the person's side is on the right, the services on the left
tui_screen | grep -q "│.*(ﺮﻔﻧ ۵) ﺭﺍﻮﻧﺎﺧ" || tui_fail "Persian: the household is not on the right side"
tui_keys F10; tui_wait_exit
echo "ok: the file screen as a desk"
