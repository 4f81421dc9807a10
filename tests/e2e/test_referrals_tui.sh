#!/usr/bin/env bash
# Referrals in the interface, in English and in Persian: a caseworker refers
# a person from the file (F3), the file shows the open referral at the top;
# a week later (PARVANDE_TODAY) the home screen shows the overdue count, F6
# lists it marked overdue, the referral is closed from its screen and the
# count goes. The database is checked with the command line each time.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
pv_as boss bosspass11 centre-add "Rey crisis centre" --county Rey --phone 02133334444 \
  >/dev/null || tui_fail "centre-add"
refs() { pv_as sara sarapass11 referrals --tsv; }

# --- English: refer from the file ---
tui_start en 80 24
tui_wait "1403/10/26"
tui_login sara sarapass11
tui_wait "Find a file"
tui_type 0012345679
tui_wait "0012345679"
tui_keys Enter
tui_wait "File —"
tui_keys F3
tui_wait "New referral"
tui_wait "Rey crisis centre"           # the branch's first centre, chosen already
tui_keys Tab                           # urgency
tui_keys Space                         # routine -> urgent
tui_wait "urgent"
tui_keys Tab
tui_type "acute family crisis"
tui_keys F2
tui_wait "Saved."
tui_wait "Open referrals"
tui_wait "Rey crisis centre · urgent · sent · follow-up 1403/10/29"
refs >"$TMPDIR/refs" || tui_fail "referrals --tsv"
IFS=$'\t' read -r id nid first last centre urg status sent follow by reason svc <"$TMPDIR/refs"
[ "$nid" = 0012345679 ] && [ "$urg" = urgent ] && [ "$status" = sent ] \
  && [ "$sent" = 2025-01-15 ] && [ "$follow" = 2025-01-18 ] && [ "$by" = sara ] \
  && [ "$reason" = "acute family crisis" ] || tui_fail "stored referral: $(cat "$TMPDIR/refs")"
tui_keys Escape
tui_wait "Find a file"
tui_poll "Overdue referrals" 1 && tui_fail "nothing is overdue today"
tui_keys F10
tui_wait_exit

# --- a week later: overdue on the home screen ---
export PARVANDE_TODAY=2025-01-22
tui_start en 80 24
tui_wait "1403/11/03"
tui_login sara sarapass11
tui_wait "Overdue referrals: 1 (F6)"
tui_keys F6
tui_wait "Your overdue referrals: 1"
tui_wait "OVERDUE"
tui_wait "by follow-up date"
tui_keys F4                            # per centre, then per caseworker
tui_wait "by centre"
tui_keys F4
tui_wait "by caseworker"
tui_wait "OVERDUE"
tui_keys Enter
tui_wait "Referral —"
tui_wait "1403/10/29 — OVERDUE"
tui_keys F4
tui_wait "Close the referral"
tui_keys F2                            # the outcome is required
tui_wait "Outcome"
tui_wait "required"                    # and the cursor is on it
tui_type "seen by the psychologist, stable"
tui_keys F2
tui_wait "Saved."
tui_wait "closed"
[ "$(refs | cut -f7)" = closed ] || tui_fail "not closed in the database"
pv_as sara sarapass11 referral show "$id" --tsv >/dev/null || tui_fail "show"
tui_keys Escape
tui_wait "No open referral."
tui_keys Escape
tui_wait "Find a file"
tui_wait_gone "Overdue referrals"
tui_keys F10
tui_wait_exit

# --- Persian: the same overdue count and list, Persian digits ---
pv_as sara sarapass11 referral new 0023456787 --centre "Rey crisis centre" \
  --reason "school absence" --urgency emergency --date 2025-01-20 >/dev/null \
  || tui_fail "referral new"
tui_start fa 80 24
tui_wait "۱۴۰۳/۱۱/۰۳"
tui_login sara sarapass11
tui_wait "F6"
tui_screen | grep "F6" | grep -q "۱" || tui_fail "the overdue count in Persian digits"
tui_keys F6
tui_wait "۰۰۲۳۴۵۶۷۸۷"                  # the national ID, Persian digits, left to right
tui_wait "۱۴۰۳/۱۱/۰۱"                  # emergency: follow-up the same day (2025-01-20)
tui_keys Enter
tui_wait "۰۲۱۳۳۳۳۴۴۴۴"                 # the centre's phone
tui_keys Escape
tui_keys Escape
tui_keys F10
tui_wait_exit
echo "ok: referrals in the interface"
