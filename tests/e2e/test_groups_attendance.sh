#!/usr/bin/env bash
# A course's attendance grid from the keyboard, in Persian and in English:
# arrows move (in Persian day 1 is on the right and Left goes to the next
# day), Space toggles, the count of days follows; the command line confirms
# each day in the database.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
pv_as boss bosspass11 credit L-004 تهران 1403 100000000 >/dev/null || tui_fail "credit"
pv_as boss bosspass11 credit L-004 اصفهان 1403 100000000 >/dev/null || tui_fail "credit"
pv_as sara sarapass11 fact 0012345679 local_facilitator >/dev/null || tui_fail "fact"
pv_as sara sarapass11 fact 0034567895 self_help_member >/dev/null || tui_fail "fact"
C=$(pv_as sara sarapass11 course add L-004 "Rehab workshop" --capacity 2 --date 1403/11/01 --tsv) \
  || tui_fail "course add"
pv_as sara sarapass11 course admit "$C" 0012345679 >/dev/null || tui_fail "admit"
pv_as sara sarapass11 course admit "$C" 0034567895 >/dev/null || tui_fail "admit"
# full: the course has room for two
pv_as sara sarapass11 course admit "$C" 0045678911 2>/dev/null && tui_fail "a full course admitted a third"

days_of() { # the trainee's 12 days as 0/1
  pv_as sara sarapass11 course show "$C" --tsv | awk -F'\t' -v n="$1" '$1 == "trainee" && $2 == n { print $9 }'
}
wait_days() { # wait_days NATIONAL_ID 0/1-STRING
  local i=0
  until [ "$(days_of "$1")" = "$2" ]; do
    i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "days of $1 are $(days_of "$1"), not $2"
    sleep 0.05
  done
}

# ---- Persian, 80x24 ----
tui_start fa 80 24
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_login sara sarapass11
tui_wait "sara"
tui_keys F5
tui_wait "(۰) ﺎﻫﻩﻭﺮﮔ"
tui_keys Tab                                 # the courses
tui_wait "Rehab workshop"
tui_keys Enter
tui_wait "۱۲ ۱۱ ۱۰"                          # the days' heads, day 1 on the right
tui_keys Space                               # day 1 of the first trainee
wait_days 0012345679 100000000000
tui_keys Left Left Space                     # Left is the next day in Persian: day 3
wait_days 0012345679 101000000000
tui_keys Down Space                          # the second trainee, day 3
wait_days 0034567895 001000000000
tui_keys Space                               # toggled back
wait_days 0034567895 000000000000
tui_wait ".ﺐﯾﺎﻏ :۳ ﺯﻭﺭ"                       # «روز ۳: غایب.»
tui_keys Up Right Space                      # back to day 2 of the first
wait_days 0012345679 111000000000
tui_keys F10
tui_wait_exit

# ---- English, 100x30 ----
tui_start en 100 30
tui_wait "Log in"
tui_login sara sarapass11
tui_wait "Find a file"
tui_keys F5
tui_wait "Groups (0)"
tui_keys Tab
tui_wait "2 of 2 trainees"
tui_keys Enter
tui_wait "Attendance — Rehab workshop"
tui_wait "12 days attended complete the course"
for _ in 1 2 3; do tui_keys Right; done       # day 4
tui_keys Space
wait_days 0012345679 111100000000
tui_wait "Day 4: present."
# every day for the second trainee: the count reaches 12 and completes
tui_keys Down Home
for d in 1 2 3 4 5 6 7 8 9 10 11 12; do
  tui_keys Space
  [ "$d" -lt 12 ] && tui_keys Right
done
wait_days 0034567895 111111111111
tui_wait "12 ✓"
pv_as sara sarapass11 course show "$C" --tsv | grep -q "^trainee	0034567895	.*	12	1	111111111111$" \
  || tui_fail "the second trainee did not complete"
# F3: the course is full; F8 twice: the second trainee withdraws before the
# first day (her money goes back to the credit); F3 admits another in her place
pv_as sara sarapass11 fact 0045678911 local_facilitator >/dev/null || tui_fail "fact"
tui_keys F3
tui_type "0045678911"
tui_keys Enter
tui_wait "Refused by the capacity rule"
tui_keys F8
tui_wait "Press F8 again"
tui_keys F8
tui_wait "Trainee withdrawn."
tui_wait "withdrawn"
pv_as sara sarapass11 course show "$C" --tsv | grep -q "^trainee	0034567895	.*	withdrawn	.*	0	" \
  || tui_fail "the withdrawal is not recorded with its money released"
tui_keys F3
tui_type "۰۰۴۵۶۷۸۹۱۱"
tui_keys Enter
tui_wait "Trainee admitted."
tui_wait "Ali Rezaei"
pv_as sara sarapass11 credits L-004 --tsv | grep -q "^L-004	اصفهان	1403	100000000	6000000$" \
  || tui_fail "Esfahan's credit: $(pv_as sara sarapass11 credits L-004 --tsv)"
tui_keys F10
tui_wait_exit
echo "ok: the attendance grid (Persian and English)"
