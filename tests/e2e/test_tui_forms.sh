#!/usr/bin/env bash
# Forms: a new household whose head looks like an existing person (the
# duplicates are shown field by field before saving), a new member, an
# assessment of several lines, the case file; a required field left empty
# is refused by name. Then the command line sees all of it.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
tui_start en 100 30
tui_wait "Log in"
tui_login_ok sara sarapass11

tui_keys F3
tui_wait "New household: its head"
# Save with nothing typed: the first required field is named.
tui_keys F2
tui_wait "National ID: this field is required"
tui_type "0056789122"; tui_keys Tab
tui_type "زهرا"; tui_keys Tab
tui_type "احمدی"; tui_keys Tab
tui_type "علی"; tui_keys Tab
tui_keys Space Tab                     # gender: the first choice, female
tui_wait "female"
tui_type "۱۳۶۰/۰۵/۱۲"; tui_keys Tab     # a Jalali date in Persian digits
tui_wait "1360/05/12"                  # checked and shown normalised
tui_keys F2
# Same name, father's name and birth date as 0012345679: shown side by side.
tui_wait "Likely duplicates of the new entry"
tui_wait "Existing file 1"
tui_screen | grep -q "National ID *0056789122 *0012345679" || tui_fail "IDs not side by side"
tui_screen | grep -q "Phone  *09123456789" || tui_fail "the existing file's phone is not shown"
tui_keys F2                            # save anyway
tui_wait "File — "
tui_wait "0056789122"
tui_wait "Saved."

# A member of the new household.
tui_keys F5
tui_wait "New member of the household"
tui_type "0067891233"; tui_keys Tab
tui_type "Sara"; tui_keys Tab
tui_type "Ahmadi"; tui_keys Tab Tab
tui_keys Space Tab
tui_type "1400/01/01"; tui_keys Tab
tui_keys Tab Tab Tab Tab Tab Tab Tab Tab   # to the relation
tui_keys Space Space                   # head, then spouse
tui_wait "spouse"
tui_keys F2
tui_wait "Sara Ahmadi"

# An assessment of two lines (Enter breaks a line in a note).
tui_keys F6
tui_wait "New assessment"
tui_type "First visit: the family lives in one room."
tui_keys Enter
tui_type "Second line."
tui_keys F2
tui_wait "Saved."
sqlite3 "$TUI_DB" "SELECT text FROM assessment" | grep -q "First visit: the family lives in one room." \
  || tui_fail "the assessment was not saved"

# The case file: covered.
tui_keys F8
tui_wait "Covered *"
tui_keys Space                         # no -> yes
tui_keys F2
tui_wait "Saved."

# A national ID already recorded: shown as a duplicate, and never saved
# (nor an empty household created for it).
households_before=$(sqlite3 "$TUI_DB" "SELECT count(*) FROM household")
tui_keys Escape
tui_wait "Find a file"
tui_keys F3
tui_wait "New household: its head"
tui_type "0034567895"; tui_keys Tab
tui_type "Hasan"; tui_keys Tab
tui_type "Karimi"; tui_keys Tab Tab
tui_keys Space Space Tab                # male
tui_type "1355/11/30"
tui_keys F2
tui_wait "Existing file 1"
tui_keys F2
tui_wait "already recorded in another file"
tui_keys Escape                         # back to the form
tui_wait "New household: its head"
tui_keys Escape
tui_wait "press Esc again"
tui_keys Escape
tui_wait "Cancelled; nothing was saved."
[ "$(sqlite3 "$TUI_DB" "SELECT count(*) FROM household")" = "$households_before" ] \
  || tui_fail "a household was created for a refused person"

tui_keys F10
tui_wait_exit
show=$(pv_as sara sarapass11 show 0056789122 --tsv) || tui_fail "show failed"
echo "$show" | grep -q $'^person\t0056789122\tزهرا\tاحمدی\tعلی\tfemale\t1981-08-03' \
  || tui_fail "head not saved: $show"
echo "$show" | grep -q $'^member\t0067891233\tSara\tAhmadi\tspouse' || tui_fail "member: $show"
echo "$show" | grep -q $'^file\tactive\t1\t' || tui_fail "case file not covered: $show"
echo "$show" | grep -q $'^assessment\t2025-01-15\tsara\tFirst visit' || tui_fail "assessment: $show"
echo "ok: forms"
