#!/usr/bin/env bash
# Statistics over the services' own records: a course of 004 made through
# the commands shows its trainees and money in `stats courses` and in the
# monthly report (text in Persian, and CSV); `stats groups` lists a group;
# `stats work` carries the referral and inquiry columns.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
pv_as boss bosspass11 credit L-004 تهران 1403 100000000 >/dev/null || tui_fail "credit"
pv_as boss bosspass11 credit L-004 اصفهان 1403 100000000 >/dev/null || tui_fail "credit"
pv_as sara sarapass11 fact 0012345679 local_facilitator >/dev/null || tui_fail "fact"
pv_as sara sarapass11 fact 0034567895 self_help_member >/dev/null || tui_fail "fact"
C=$(pv_as sara sarapass11 course add L-004 "Rehab workshop" --capacity 5 --date 1403/11/01 --tsv) \
  || tui_fail "course add"
pv_as sara sarapass11 course admit "$C" 0012345679 >/dev/null || tui_fail "admit"
pv_as sara sarapass11 course admit "$C" 0034567895 >/dev/null || tui_fail "admit"
pv_as sara sarapass11 course withdraw "$C" 0034567895 >/dev/null || tui_fail "withdraw"

sara() { pv_as sara sarapass11 "$@"; }
tsv=$(sara stats courses L-004 --year 1403 --tsv) || tui_fail "stats courses: $tsv"
echo "$tsv" | grep -q "^L-004	Rehab workshop	2025-01-20	1	1	5	[0-9]*$" || tui_fail "courses tsv: $tsv"
csv=$(sara stats courses --year 1403 --csv)
[ "$(echo "$csv" | head -1)" = "service,course,start,trainees,withdrawn,capacity,money" ] \
  || tui_fail "courses csv header: $csv"
sara stats courses --year 1402 | grep -q "No course in this year." || tui_fail "no course 1402"
fa=$("$PARVANDE" --db "$TUI_DB" --lang fa --user sara --password-fd 3 stats courses --year ۱۴۰۳ 3<<<"sarapass11")
echo "$fa" | grep -q "Rehab workshop" && echo "$fa" | grep -q "۱۴۰۳/۱۱/۰۱ .* ظرفیت ۵" || tui_fail "courses fa: $fa"

rep=$(sara report month 1403/11 --csv) || tui_fail "report csv: $rep"
echo "$rep" | grep -q "^L-004,.*,course_trainees,course,Rehab workshop,1$" || tui_fail "report course: $rep"
echo "$rep" | grep -q "^L-004,.*,course_withdrawn,course,Rehab workshop,1$" || tui_fail "report withdrawn"
page=$("$PARVANDE" --db "$TUI_DB" --lang fa --user sara --password-fd 3 report month 1403/11 3<<<"sarapass11")
echo "$page" | grep -q "دوره‌های سال" || tui_fail "report page lacks the courses: $page"

sara group add "Sunrise" --tsv >/dev/null || tui_fail "group add"
sara group member Sunrise 0012345679 --date 1403/02/01 >/dev/null || tui_fail "member"
sara group register Sunrise 10380284790 --date 1403/03/01 >/dev/null || tui_fail "register"
sara group enroll Sunrise 19071059100 --date 1403/03/02 >/dev/null || tui_fail "group enroll"
sara group pay Sunrise 250000000 --date 1403/04/01 >/dev/null || tui_fail "pay"
sara stats groups --tsv | grep -qx "19071059100	Sunrise	1	250000000	300000000	50000000" \
  || tui_fail "groups: $(sara stats groups --tsv)"
[ "$(sara stats work --csv | head -1)" = \
  "user,new_files,closed_files,assessments,requested,approved,rejected,referrals_sent,referrals_closed,referrals_overdue,inquiries_pending,inquiries_overdue" ] \
  || tui_fail "work csv header: $(sara stats work --csv | head -1)"
# --- the screen shows them too: F6 goes through the figures (80x24, English)
tui_start en 80 24
tui_wait "1403/10/26"
tui_login sara sarapass11
tui_wait "sara"
tui_keys F8
tui_wait "last 12 months"
tui_keys F6
tui_wait "mutual-aid groups"
tui_screen | grep "Sunrise" | grep -q " 1  *250,000,000  *300,000,000  *50,000,000 *$" \
  || tui_fail "groups on the screen: $(tui_screen)"
tui_keys F6
tui_wait "Rehab workshop"
tui_screen | grep "Rehab workshop" | grep -q "1403/11/01.* 1  *1  *5 " \
  || tui_fail "courses on the screen: $(tui_screen)"
tui_keys F6 F6
tui_wait "referrals and inquiries"
tui_screen | grep -q "ref. sent" || tui_fail "work heading: $(tui_screen)"
wide=$(tui_screen | LC_ALL=C.UTF-8 grep -E '^.{81,}')
[ -z "$wide" ] || tui_fail "wider than 80: $wide"
tui_keys F6
tui_wait "Breakdown: All"
tui_keys F10
tui_wait_exit
# Persian, wide, NO_COLOR: the courses' row, Persian digits
NO_COLOR=1 tui_start fa 120 30
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_login sara sarapass11
tui_wait "sara"
tui_keys F8
tui_wait "ﻩﺎﻣ ۱۲"
tui_keys F6 F6
tui_wait "Rehab workshop"
tui_screen | grep "Rehab workshop" | grep -q "۵" || tui_fail "Persian courses row: $(tui_screen)"
tui_keys F10
tui_wait_exit
echo "stats records: ok"
