#!/usr/bin/env bash
# A step that needs another agency's confirmed inquiry (card 004's [gate]):
# in the enrollment screen F6 is refused with a reason naming the missing
# inquiry, in Persian and in English; a pending inquiry does not do; once it
# is answered "confirmed", F6 passes the step. The command line checks the
# database and the inquiry lists (overdue on a given date, in both languages).
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

open_enrollment() { # NATID HOUSEHOLD STEP: from the home screen the file, then its open
  tui_type "$1"          # enrollment of L-004 (the line showing STEP), then Enter
  tui_wait "$1"
  tui_keys Enter
  tui_wait "$2"
  tui_tab_to "$3"
  tui_keys Enter
  tui_wait_gone "$2"     # the enrollment's screen, not the file's
}

# ---- Persian, 80x24: refused, naming the missing inquiry ----
tui_start fa 80 24
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_login sara sarapass11
tui_wait "sara"
open_enrollment "۰۰۳۴۵۶۷۸۹۵" "ﺭﺍﻮﻧﺎﺧ" "۵ ﺯﺍ ۲ ﻪٔﻠﺣﺮﻣ"
tui_wait "۵ ﺯﺍ ۲ ﻪٔﻠﺣﺮﻣ"                      # «در جریان، مرحلهٔ ۲ از ۵»
tui_keys F6                                   # asks in a box, F2 confirms
tui_wait "ﻮﻐﻟ :Esc"                           # «Esc: لغو»
tui_keys F2
tui_wait "ﺎﻫﯼﺭﺎﯿﻫﺩ ﻥﺎﻣﺯﺎﺳ ﻡﺎﻠﻌﺘﺳﺍ"             # «… استعلام سازمان دهیاری‌ها …»
[ "$(step)" = 2 ] || tui_fail "the step passed without the inquiry"
tui_keys F10
tui_wait_exit

# a pending inquiry is not a confirmation
Q=$(pv_as sara sarapass11 inquiry add 0034567895 L-004 village_admin --date 1403/10/01 --tsv) \
  || tui_fail "inquiry add"
pv_as sara sarapass11 advance "$E" 2>"$TMPDIR/err" && tui_fail "a pending inquiry passed the gate"
grep -q "Organization of Village Administrations" "$TMPDIR/err" || tui_fail "reason: $(cat "$TMPDIR/err")"
# overdue lists on given dates, in both languages
pv_as sara sarapass11 inquiry list --overdue --date 1403/10/15 --tsv | grep -q . \
  && tui_fail "14 days old is not overdue yet"
pv_as sara sarapass11 inquiry list --overdue --date 1403/10/16 --tsv | grep -q "^$Q	0034567895	0	L-004	village_admin	pending	2024-12-21	" \
  || tui_fail "15 days old is overdue"
"$PARVANDE" --db "$TUI_DB" --lang fa --user sara --password-fd 3 inquiry list --overdue --caseworker sara \
  --date ۱۴۰۳/۱۰/۲۶ 3<<<sarapass11 | grep -q "۲۵ روز" || tui_fail "the Persian list shows no age in Persian digits"
pv_as sara sarapass11 inquiry answer "$Q" confirmed --ref "1403/ص/77" --date 1403/10/20 >/dev/null \
  || tui_fail "answer"
pv_as sara sarapass11 inquiry list --tsv | grep -q "^$Q	.*	confirmed	2024-12-21	2025-01-09	1403/ص/77	" \
  || tui_fail "the answer is not recorded"

# ---- English, 100x30: now the step passes ----
tui_start en 100 30
tui_wait "Log in"
tui_login sara sarapass11
tui_wait "Find a file"
open_enrollment "0034567895" "Household (" "step 2 of 5"
tui_wait "in progress, step 2 of 5"
tui_keys F6
tui_wait "Esc: cancel"
tui_keys F2
tui_wait "Done: the step is recorded."
tui_wait "in progress, step 3 of 5"
[ "$(step)" = 3 ] || tui_fail "the database is not at step 3"
tui_keys F10
tui_wait_exit

# and in English the refusal reads the card's English reason (a behvarz, another agency)
pv_as sara sarapass11 fact 0012345679 local_facilitator >/dev/null || tui_fail "fact"
pv_as sara sarapass11 fact 0012345679 facilitator_role behvarz >/dev/null || tui_fail "fact"
pv_as boss bosspass11 credit L-004 تهران 1403 100000000 >/dev/null || tui_fail "credit"
E2=$(pv_as sara sarapass11 enroll 0012345679 L-004 --tsv | cut -f1) || tui_fail "enroll 2"
pv_as reza rezapass11 approve "$E2" >/dev/null || tui_fail "approve 2"
pv_as sara sarapass11 advance "$E2" >/dev/null || tui_fail "step 1 of 2"
tui_start en 100 30
tui_wait "Log in"
tui_login sara sarapass11
tui_wait "Find a file"
open_enrollment "0012345679" "Household (" "step 2 of"
tui_keys F6
tui_wait "Esc: cancel"
tui_keys F2
tui_wait "Refused by the gate of step 2: a rural health worker (behvarz) needs the confirmed"
tui_keys F10
tui_wait_exit
echo "ok: a step gated by an inquiry (Persian and English)"
