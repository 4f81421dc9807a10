#!/usr/bin/env bash
# Groups in the interface, in Persian and in English: the home screen's count
# of overdue inquiries, F5 to the groups list, a search by a member's national
# ID typed in Persian digits, the group's page: a member added by national ID,
# a payment, one refused above the card's cap, a step recorded; a new group
# written in the form. The command line confirms every change.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
pv_as sara sarapass11 group add "همیار نور" --activity خیاطی --date 1403/01/10 >/dev/null \
  || tui_fail "group add"
pv_as sara sarapass11 group member "همیار نور" 0012345679 >/dev/null || tui_fail "member"
pv_as sara sarapass11 group enroll "همیار نور" 19071059100 >/dev/null || tui_fail "enroll"
pv_as sara sarapass11 group pay "همیار نور" 120000000 >/dev/null || tui_fail "pay"
# sent 1403/09/01, 55 days before the fixed today: overdue
pv_as sara sarapass11 inquiry add 0034567895 L-004 village_admin --date 1403/09/01 >/dev/null \
  || tui_fail "inquiry"
G=$(pv_as sara sarapass11 group list --tsv | cut -f1)

paid() { pv_as sara sarapass11 group show "$G" --tsv | awk -F'\t' '$1 == "group" { print $13 }'; }
wait_db() { # wait_db COMMAND...: until it succeeds (the program writes as the keys arrive)
  local i=0
  until "$@"; do
    i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "the database never showed: $*"
    sleep 0.05
  done
}
members_has() { pv_as sara sarapass11 group show "$G" --tsv | grep -q "^member	$1	"; }
paid_is() { [ "$(paid)" = "$1" ]; }
step_is() { [ "$(pv_as sara sarapass11 group show "$G" --tsv | awk -F'\t' '$1 == "group" { print $11 }')" = "$1" ]; }

# ---- Persian, 80x24 ----
tui_start fa 80 24
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_login sara sarapass11
tui_wait "sara"
tui_wait "(F5)"                              # «۱ استعلام شما دیر کرده است (F5)»
tui_screen | grep -q "(F5) .* ۱$" || tui_fail "the overdue count is not 1"
tui_keys F5
tui_wait "ﺭﻮﻧ ﺭﺎﯿﻤﻫ"                         # the group, in visual order
tui_type "۰۰۱۲۳۴۵۶۷۹"                         # a member's national ID, Persian digits
tui_wait "ﺭﻮﻧ ﺭﺎﯿﻤﻫ"
tui_type "۹"                                  # no member has that ID: nothing matches
tui_wait_gone "ﺭﻮﻧ ﺭﺎﯿﻤﻫ"
tui_keys BSpace
tui_wait "ﺭﻮﻧ ﺭﺎﯿﻤﻫ"
tui_keys Enter
tui_wait "۱۲۰٬۰۰۰٬۰۰۰"                       # the payments bar: paid of the cap
tui_wait "۳۰۰٬۰۰۰٬۰۰۰"
# F3: a member by her national ID
tui_keys F3
tui_type "۰۰۲۳۴۵۶۷۸۷"
tui_keys Enter
wait_db members_has 0023456787
tui_wait "۰۰۲۳۴۵۶۷۸۷"
# F7: 200,000,000 more would pass the cap: refused, nothing paid
tui_keys F7
tui_type "۲۰۰۰۰۰۰۰۰"
tui_keys Enter
tui_wait "ﻒﻘﺳ ﻩٔﺪﻋﺎﻗ ﻢﮑﺣ ﻪﺑ"                   # «به حکم قاعدهٔ سقف گروه …»
[ "$(paid)" = 120000000 ] || tui_fail "a refused payment was recorded: $(paid)"
tui_keys F7
tui_type "۱۸۰۰۰۰۰۰۰"
tui_keys Enter
wait_db paid_is 300000000
tui_wait "۳۰۰٬۰۰۰٬۰۰۰ ﺯﺍ ۳۰۰٬۰۰۰٬۰۰۰"          # «۳۰۰٬۰۰۰٬۰۰۰ از ۳۰۰٬۰۰۰٬۰۰۰ ریال»
# F6 twice: the first step
tui_keys F6
tui_wait "F6"
tui_keys F6
wait_db step_is 1
tui_keys F10
tui_wait_exit

# ---- English, 100x30 ----
tui_start en 100 30
tui_wait "Log in"
tui_login sara sarapass11
tui_wait "1 of your inquiries are overdue (F5)"
tui_keys F5
tui_wait "Groups (1)"
tui_wait "2 members"
tui_wait "step 1 of 6"
tui_keys Tab
tui_wait "Groups, courses and inquiries — Courses"
tui_keys Tab
tui_wait "1 overdue"
tui_wait "55 days"
tui_keys F6                                   # the agency answered: confirmed
tui_wait "Press F6 again"
tui_keys F6
tui_wait "Answer recorded."
tui_wait_gone "1 overdue"
pv_as sara sarapass11 inquiry list --tsv | grep -q "	village_admin	confirmed	2024-11-21	2025-01-15	" \
  || tui_fail "the answer is not in the database"
tui_keys Tab                                  # back to the groups
tui_wait "Groups, courses and inquiries — Groups"
tui_keys F3
tui_wait "A new mutual-aid group"
tui_type "Sunrise"
tui_keys Tab
tui_type "bakery"
tui_keys Tab
tui_type "1403/10/01"
tui_keys F2
tui_wait "Mutual-aid group — Sunrise"
tui_wait "Steps: not enrolled in a service (F5)"
sunrise() { pv_as sara sarapass11 group show Sunrise --tsv 2>/dev/null | grep -q "^group	[0-9]*	Sunrise	bakery	2024-12-21	sara	"; }
wait_db sunrise
# enrolling needs a service code; a wrong one is named
tui_keys F5
tui_type "X-1"
tui_keys Enter
tui_wait "no such service"
tui_keys F5
tui_type "19071059100"
tui_keys Enter
tui_wait "Steps of 19071059100: 0 of 6 done"
# F4: a legal ID with a wrong check digit is refused, the right one recorded
tui_keys F4
tui_type "10380284791"
tui_keys Enter
tui_wait "check digit"
tui_keys F4
tui_type "10380284790"
tui_keys Enter
tui_wait "Registration recorded."
pv_as sara sarapass11 group show Sunrise --tsv | grep -q "	10380284790	2025-01-15	1	19071059100	" \
  || tui_fail "the legal ID is not recorded"
tui_keys Escape
tui_wait "Groups (2)"
# a member's file shows her group and the steps it has done
tui_keys Escape
tui_wait "Find a file"
tui_type "0023456787"
tui_wait "1 found"
tui_keys Enter
tui_wait "File — "
tui_keys Home                                   # the notices, at the top of the file
tui_wait "Mutual-aid group: ﺭﻮﻧ ﺭﺎﯿﻤﻫ"            # «همیار نور», in visual order
tui_wait "Group's steps done: 1"
tui_keys F10
tui_wait_exit
echo "ok: groups in the interface (Persian and English)"
