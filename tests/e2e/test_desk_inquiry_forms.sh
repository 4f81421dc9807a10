#!/usr/bin/env bash
# Courses and inquiries written in the interface (F5 on the home screen):
# in Persian at 80x24 a new course (a wrong start date refused naming the
# field), its evaluation from the attendance grid (a score past 100 refused),
# a new inquiry about a person; with the branch's overdue limit at 60 days
# it is not overdue. In English at 100x30, the limit now 30 days, the home
# screen counts it overdue; its answer is recorded with the answer's
# reference number and date (a date before it was sent refused), and the
# step the inquiry gated passes. Inquiries about a person from her
# enrollment (F2, its service first) and about a group from its page (F2). The command line checks every
# change in the database.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
pv_as boss bosspass11 user add reza --role supervisor --password-fd 4 4<<<"rezapass11" >/dev/null \
  || tui_fail "supervisor"
pv_as boss bosspass11 credit L-004 اصفهان 1403 100000000 >/dev/null || tui_fail "credit"
pv_as sara sarapass11 fact 0034567895 self_help_member >/dev/null || tui_fail "fact"
pv_as sara sarapass11 fact 0034567895 facilitator_role dehyar >/dev/null || tui_fail "fact"
E=$(pv_as sara sarapass11 enroll 0034567895 L-004 --tsv | cut -f1) || tui_fail "enroll"
pv_as reza rezapass11 approve "$E" >/dev/null || tui_fail "approve"
pv_as sara sarapass11 advance "$E" >/dev/null || tui_fail "step 1"
step() { pv_as sara sarapass11 enrollments 0034567895 --tsv | awk -F'\t' -v e="$E" '$1 == e { print $5 }'; }
[ "$(step)" = 2 ] || tui_fail "not at step 2"
pv_as sara sarapass11 inquiry days 60 2>/dev/null && tui_fail "a caseworker set the branch's limit"
pv_as boss bosspass11 inquiry days 60 >/dev/null || tui_fail "inquiry days 60"
[ "$(pv_as sara sarapass11 inquiry days --tsv)" = 60 ] || tui_fail "the limit is not 60"

wait_db() { # wait_db COMMAND...: until it succeeds (the program writes as the keys arrive)
  local i=0
  until "$@"; do
    i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "the database never showed: $*"
    sleep 0.05
  done
}
courses() { pv_as sara sarapass11 course list --tsv; }
course_is() { courses | grep -q "	L-004	کارگاه یک	2025-01-20	1403	12	12	سالن	25		0$"; }
evaluated() { pv_as sara sarapass11 course show "$C" --tsv | grep -q "^evaluation	2025-02-03	85	sara	خوب بود$"; }
inquiries() { pv_as sara sarapass11 inquiry list --tsv; }
inquiry_of() { inquiries | awk -F'\t' -v n="$1" -v g="$2" '$2 == n && $3 == g'; }
pending_one() { inquiry_of 0034567895 0 | grep -q "	L-004	village_admin	pending	2024-11-21			manual	agency	"; }
file_inquiry() { inquiry_of 0034567895 0 | grep -q "	L-004	health_network	pending	2025-01-15			online	visitor	"; }
group_inquiry() { inquiry_of "" "$G" | grep -q "	19071059100	companies_registration	pending	"; }

# ---- Persian, 80x24 ----
tui_start fa 80 24
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_login sara sarapass11
tui_wait "sara"
tui_keys F5
tui_wait "(۰) ﺎﻫﻡﺎﻠﻌﺘﺳﺍ"                     # «استعلام‌ها (۰)»
tui_keys Tab
tui_wait "(۰) ﺎﻫﻩﺭﻭﺩ"
tui_keys F3                                   # a new course
tui_wait "ﻩﺯﺎﺗ ﻩٔﺭﻭﺩ"                        # «دورهٔ تازه»
tui_wait "L-۰۰۴"                              # the one card with workshop days
tui_keys Tab
tui_type "کارگاه یک"
tui_keys Tab
tui_type "۱۴۰۳/۱۳/۰۱"                         # no 13th month
tui_keys Tab
tui_wait "ﺪﺷﺎﺑ ۱۲ ﺎﺗ ۱ ﺯﺍ ﺪﯾﺎﺑ ﻩﺎﻣ :ﺯﺎﻏﺁ ﺦﯾﺭﺎﺗ"  # «تاریخ آغاز: ماه باید از ۱ تا ۱۲ باشد»
tui_keys F2
tui_wait "ﺖﯿﻓﺮﻇ :ﺪﯿﻨﮐ ﺡﺎﻠﺻﺍ ﻢﻫ ﺍﺭ ﺎﻫﻦﯾﺍ"       # «… اینها را هم اصلاح کنید: ظرفیت» (required)
courses | grep -q . && tui_fail "a refused course was saved"
tui_keys C-u                                  # the cursor is back on the start date
tui_type "۱۴۰۳/۱۱/۰۱"
tui_keys Tab
tui_type "۲۵"
tui_keys Tab
tui_type "سالن"
tui_keys F2
tui_wait ".ﺪﺷ ﻩﺮﯿﺧﺫ ﻩﺭﻭﺩ"                     # «دوره ذخیره شد.»
wait_db course_is
C=$(courses | cut -f1)
tui_keys Enter                                # its attendance grid; F7 the evaluation
tui_wait "ﺏﺎﯿﻏ ﻭ ﺭﻮﻀﺣ"
tui_keys F7
tui_wait "ﻩﺭﻭﺩ ﯽﺑﺎﯿﺷﺯﺭﺍ"
tui_type "۱۲۰"
tui_keys Tab
tui_wait "۱۰۰ ﺎﺗ ۰ ﺯﺍ ﺖﺳﺭﺩ ﯼﺩﺪﻋ :ﺯﺎﯿﺘﻣﺍ"       # «امتیاز: عددی درست از ۰ تا ۱۰۰»
tui_keys BTab
tui_keys C-u
tui_type "۸۵"
tui_keys Tab
tui_type "۱۴۰۳/۱۱/۱۵"
tui_keys Tab
tui_type "خوب بود"
tui_keys F2
tui_wait "ﺩﻮﺑ ﺏﻮﺧ — ۸۵ ﺯﺎﯿﺘﻣﺍ :۱۴۰۳/۱۱/۱۵ ﯽﺑﺎﯿﺷﺯﺭﺍ"  # the grid shows it
wait_db evaluated
tui_keys Escape
tui_wait "(۱) ﺎﻫﻩﺭﻭﺩ"
tui_keys Tab                                  # the inquiries; F3 a new one
tui_keys F3
tui_wait "ﻩﺯﺎﺗ ﻡﺎﻠﻌﺘﺳﺍ"                      # «استعلام تازه»
tui_type "۰۰۳۴۵۶۷۸۹۵"
tui_keys Tab
tui_wait "۱۹۰۷۱۰۵۹۱۰۰"                        # the first card with agencies: 001
tui_keys Space                                # the next: L-004, its first agency
tui_wait "L-۰۰۴"
tui_wait "ﺎﻫﯼﺭﺍﺩﺮﻬﺷ ﻭ ﺎﻫﯼﺭﺎﯿﻫﺩ ﻥﺎﻣﺯﺎﺳ"         # «سازمان دهیاری‌ها و شهرداری‌ها»
tui_keys Tab Tab Tab Tab Tab                  # past how and by (the card's), what is asked
tui_type "۱۴۰۳/۰۹/۰۱"
tui_keys F2
tui_wait ".ﺪﺷ ﻩﺮﯿﺧﺫ ﻡﺎﻠﻌﺘﺳﺍ"                   # «استعلام ذخیره شد.»
wait_db pending_one
tui_wait "(۱) ﺎﻫﻡﺎﻠﻌﺘﺳﺍ"
tui_wait "ﺯﻭﺭ ۵۵"                             # 55 days old, within the branch's 60
tui_screen | grep -q "ﻩﺩﺮﮐﺮﯾﺩ" && tui_fail "overdue within the branch's 60 days"
tui_keys F10
tui_wait_exit

# ---- English, 100x30: the limit 30 days, the answer, the step ----
pv_as boss bosspass11 inquiry days 30 >/dev/null || tui_fail "inquiry days 30"
pv_as sara sarapass11 inquiry list --overdue --tsv | grep -q "	0034567895	0	L-004	village_admin	pending	" \
  || tui_fail "--overdue does not read the branch's 30 days"
tui_start en 100 30
tui_wait "Log in"
tui_login sara sarapass11
tui_wait "1 of your inquiries are overdue (F5)"
tui_keys F5
tui_wait "1 overdue (over 30 days)"
tui_keys Tab
tui_keys Tab
tui_wait "55 days"
tui_keys Enter                                # the answer's form
tui_wait "The inquiry's answer"
tui_wait "sent 1403/09/01:"
tui_keys Space                                # refused, and back: confirmed
tui_wait "refused"
tui_keys Space
tui_keys F9                                   # the answer's label follows the language
tui_wait "ﻩﺪﺷﺪﯿﯾﺄﺗ"                          # «تأییدشده»
tui_keys F9
tui_wait "The inquiry's answer"
tui_wait "confirmed"
tui_keys Tab
tui_type "R-77/1403"
tui_keys Tab
tui_type "1403/08/01"
tui_keys F2
tui_wait "Date answered: an answer cannot come before the inquiry was sent"
pending_one || tui_fail "a refused answer was saved"
tui_keys C-u
tui_type "1403/10/20"
tui_keys F2
tui_wait "Answer recorded."
tui_wait "confirmed R-77/1403"
inquiry_of 0034567895 0 | grep -q "	village_admin	confirmed	2024-11-21	2025-01-09	R-77/1403	" \
  || tui_fail "the answer is not recorded: $(inquiries)"
tui_keys Escape
tui_wait "Find a file"
# the step the inquiry gated passes now
tui_type "0034567895"
tui_wait "0034567895"
tui_keys Enter
tui_wait "Household ("
tui_tab_to "step 2 of 5"
tui_keys Enter
tui_wait "in progress, step 2 of 5"
tui_keys F6
tui_wait "Esc: cancel"
tui_keys F2
tui_wait "in progress, step 3 of 5"
[ "$(step)" = 3 ] || tui_fail "the database is not at step 3"
tui_keys F2                                   # in her enrollment: an inquiry about her
tui_wait "New inquiry"
tui_wait "0034567895"
tui_wait "L-004"                              # the enrollment's service, its first agency
tui_wait "Organization of Village Administrations and Municipalities"
tui_keys Tab
tui_keys Tab
tui_keys Space
tui_wait "the primary health care network"
tui_keys Tab                                  # how and by: the card's, each may change
tui_wait "not electronic"
tui_keys Space
tui_wait "electronic, online"
tui_keys Tab
tui_wait "by the agency"
tui_keys Space
tui_wait "by the visitor"
tui_keys F2
tui_wait "Inquiry saved."
wait_db file_inquiry
tui_keys F10
tui_wait_exit

# ---- a group's page, English 80x24: F2, an inquiry about the group ----
pv_as sara sarapass11 group add "همیار نور" --date 1403/01/10 >/dev/null || tui_fail "group add"
G=$(pv_as sara sarapass11 group list --tsv | cut -f1)
tui_start en 80 24
tui_wait "Log in"
tui_login sara sarapass11
tui_wait "Find a file"
tui_keys F5
tui_wait "ﺭﻮﻧ ﺭﺎﯿﻤﻫ"
tui_keys Enter
tui_wait "Facilitator"
tui_keys F2
tui_wait "New inquiry"
tui_wait "ﺭﻮﻧ ﺭﺎﯿﻤﻫ"                           # about the group, by its name
tui_keys Tab
tui_keys Tab
tui_keys Space                                # 001's second agency
tui_wait "Companies Registration Office"
tui_keys F2
tui_wait "Inquiry saved."
wait_db group_inquiry
tui_wait "Inquiries about the group (1)"         # back on the group's page, listed there
tui_wait "pending"
tui_screen | grep -q "  Companies Registration Office  *pending" \
  || tui_fail "the group's page does not list its inquiry"
tui_keys F10
tui_wait_exit
echo "ok: courses, evaluations, inquiries and answers written in the interface (Persian and English)"
