#!/usr/bin/env bash
# The insurance year screen (home F7), in English then Persian: a supervisor
# freezes the list (F3 twice), the credit shortfall shows, the list is
# exported for the insurer (CSV with a byte-order mark), a reply with a
# mismatch changes nothing, the good reply is applied, and the steps show
# each state. The database and files are checked each time.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
pv_as boss bosspass11 user add sup --role supervisor --password-fd 4 4<<<"suppass111" \
  >/dev/null || tui_fail "supervisor"
pv_as boss bosspass11 credit 19041060106 اصفهان 1403 1000000 >/dev/null || tui_fail "credit"
ins() { pv_as sup suppass111 insurance "$@"; }
OUT=$TMPDIR/list.csv
REPLY=$TMPDIR/reply.csv

tui_start en 80 24
tui_wait "1403/10/26"
tui_login sup suppass111
tui_wait "Find a file"
tui_keys F7
tui_wait "The insurance year"
tui_wait "1403"                        # this Jalali year, typed in already
tui_keys Tab
tui_type "اصفهان"
tui_keys Tab
tui_type "$OUT"
tui_wait "1. List: not frozen yet"
tui_keys F3
tui_wait "Press F3 again"
ins status 1403 اصفهان --tsv | cut -f3 | grep -q . && tui_fail "frozen after one press"
tui_keys F3
tui_wait "Frozen: 1 children listed."
tui_wait "1 listed (0 added, 0 taken off)"
tui_wait "SHORTFALL 2,600,000"         # 1 x 3,600,000 against 1,000,000
[ "$(ins list 1403 اصفهان --tsv | cut -f1)" = 0045678911 ] || tui_fail "the frozen list"
tui_keys F4                            # no contract yet: refused, no file
tui_wait "not recorded yet"
[ -e "$OUT" ] && tui_fail "an export without a contract"
pv_as boss bosspass11 insurance contract 1403 اصفهان --insurer "Iran Insurance" --number C-7 \
  --start 1403/01/01 --end 1403/12/30 --premium 3600000 >/dev/null || tui_fail "contract"
tui_keys F4
tui_wait "Exported 1 children to"
tui_wait "Iran Insurance, contract C-7"
head -c 3 "$OUT" | od -An -tx1 | grep -q "ef bb bf" || tui_fail "no byte-order mark"
grep -q "^0045678911,Ali,Rezaei,Hossein,1395/07/15,2016-10-06,male,orphan,اصفهان,کاشان,C-7$" \
  "$OUT" || tui_fail "export row: $(cat "$OUT")"
# a reply naming someone not on the list: nothing applied, the line shown
printf 'national_id,policy_number,start,end\n0045678911,P-1,1403/01/01,1403/12/30\n0012345679,P-2,1403/01/01,1403/12/30\n' >"$REPLY"
tui_keys C-u
tui_type "$REPLY"
tui_keys F6
tui_wait "line 3: 0012345679 is a child of another province"
tui_wait "0 of 1 insured"
[ -z "$(ins list 1403 اصفهان --tsv | cut -f8)" ] || tui_fail "half applied"
printf 'national_id,policy_number,start,end\n0045678911,P-1,1403/01/01,1403/12/30\n' >"$REPLY"
tui_keys F6
tui_wait "Policies applied 1, unchanged 0, rows rejected 0."
tui_wait "1 of 1 insured"
[ "$(ins list 1403 اصفهان --tsv | cut -f8)" = P-1 ] || tui_fail "policy not stored"
tui_keys F6                            # the same reply again changes nothing
tui_wait "Policies applied 0, unchanged 1, rows rejected 0."
# one child of the list (F7): taken off and back with a reason, a claim
tui_keys F7
tui_wait "A child of the list"
tui_type 0045678911
tui_keys F3                            # no reason: refused, nothing changed
tui_wait "required"                    # and the cursor is on the reason
tui_type "moved away"
tui_keys F3
tui_wait "Taken off the list."
tui_wait "0 listed (0 added, 1 taken off)"
[ "$(ins list 1403 اصفهان --tsv | cut -f6,12)" = "0	moved away" ] || tui_fail "not taken off"
tui_keys F7
tui_wait "A child of the list"
tui_type 0045678911
tui_keys Tab
tui_type "came back"
tui_keys F2
tui_wait "Added to the list."
tui_wait "1 listed (0 added, 0 taken off)"
tui_keys F7
tui_wait "A child of the list"
tui_type 0045678911
tui_keys Tab
tui_type "hospital, two days"
tui_keys F4
tui_wait "Claim noted."
tui_wait "6. Follow-up: 1 claims noted"
# the contract is an administrator's: refused to a supervisor
tui_keys F2
tui_wait "The contract"
tui_type "Asia"
tui_keys Tab
tui_type C-8
tui_keys Tab
tui_type 1403/01/01
tui_keys Tab
tui_type 1403/12/30
tui_keys F2
tui_wait "Not permitted"
tui_keys Escape
tui_wait "Iran Insurance, contract C-7"
tui_keys Escape
tui_wait "Find a file"
tui_keys F10
tui_wait_exit

# --- the administrator records a new contract from the screen ---
tui_start en 80 24
tui_wait "1403/10/26"
tui_login boss bosspass11
tui_wait "Find a file"
tui_keys F7
tui_wait "The insurance year"
tui_keys Tab
tui_type "اصفهان"
tui_wait "Iran Insurance, contract C-7"
tui_keys F2
tui_wait "The contract"
tui_type "Asia Insurance"
tui_keys Tab
tui_type C-8
tui_keys Tab
tui_type 1403/01/01
tui_keys Tab
tui_type 1402/12/29                    # the end before the start: refused
tui_keys Tab
tui_type 3700000
tui_keys F2
tui_wait "Contract end: it is before the start"
tui_keys C-u                           # the cursor is on the end date
tui_type 1403/12/30
tui_keys F2
tui_wait "Contract saved."
tui_wait "Asia Insurance, contract C-8, 1403/01/01 – 1403/12/30, 3,700,0"
[ "$(ins status 1403 اصفهان --tsv | cut -f12)" = C-8 ] || tui_fail "contract not stored"
tui_keys Escape
tui_keys F10
tui_wait_exit

# --- Persian: the same year, Persian digits and money ---
tui_start fa 80 24
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_login sup suppass111
tui_wait "sup"
tui_keys F7
tui_wait "۱۴۰۳"
tui_keys Tab
tui_type "اصفهان"
tui_wait "۲٬۶۰۰٬۰۰۰"                   # the shortfall, Arabic thousands separator
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_wait "C-۸"
# visual order (tmux does no bidi): «… به دست sup — ۱ در فهرست» reads right to left
tui_screen | grep -q "۱ — sup ﺖﺳﺩ ﻪﺑ" || tui_fail "the supervisor's name out of its place"
tui_keys Escape
tui_keys F10
tui_wait_exit
echo "ok: the insurance year screen"
