#!/usr/bin/env bash
# The idle lock: after the idle time the screen locks and shows nothing of
# the file; the right password brings back the form exactly as it was being
# typed; the language key works on the lock; five wrong passwords log out.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
export PARVANDE_IDLE_LOCK=2            # seconds, instead of ten minutes
tui_start en 100 30
tui_wait "Log in"
tui_login_ok sara sarapass11
tui_type "0012345679"
tui_wait "1 found"
tui_keys Enter
tui_wait "0023456787"                  # the file: her daughter in the household
tui_keys F6
tui_wait "New assessment"
tui_type "Half-typed note"
tui_wait "Half-typed note"

# Idle: the lock comes and hides the form.
tui_wait "Locked" 10
tui_screen | grep -q "Half-typed" && tui_fail "the lock shows what is under it"
tui_screen | grep -q "0023456787" && tui_fail "the lock shows the file"
tui_keys Escape F1                     # neither back nor help get past it
tui_poll "Half-typed" 1 && tui_fail "Esc or F1 left the lock"

# A wrong password is refused; the right one brings the form back as it was.
tui_type "wrongpass1"; tui_keys Enter
tui_wait "Locked"
tui_type "sarapass11"; tui_keys Enter
tui_wait "Half-typed note"
tui_wait "New assessment"
tui_type " and the rest."
tui_keys F2
tui_wait "Saved."
sqlite3 "$TUI_DB" "SELECT text FROM assessment" | grep -q "Half-typed note and the rest." \
  || tui_fail "the assessment typed before the lock was not saved whole"

# Locked again; five wrong passwords lock the account and log out.
tui_wait "Locked" 10
for n in 1 2 3 4 5; do
  tui_type "wrongpass$n"; tui_keys Enter
  sleep 0.3
done
tui_wait "Give your user name and password."   # back at the login
tui_wait_gone "First visit"
tui_keys F10
tui_wait_exit
pv_as sara sarapass11 show 0012345679 --tsv >/dev/null 2>&1 \
  && tui_fail "the account should be locked after five wrong passwords"
pv_as boss bosspass11 show 0012345679 --tsv | grep -q $'^assessment\t2025-01-15\tsara\tHalf-typed note and the rest.' \
  || tui_fail "the assessment typed across the lock was not saved"
echo "ok: idle lock"
