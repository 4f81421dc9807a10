#!/usr/bin/env bash
# A good terminal citizen: 80x24 in both languages (whole screens compared
# with goldens), a resize redraws, the explicit bidi mode is set on start and
# restored on every way out — F10, SIGTERM, and a crash signal (SIGSEGV),
# after which the terminal is back in its normal modes.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db

# --- 80x24, Persian then English, compared whole ---------------------------
for lang in fa en; do
  tui_start $lang 80 24
  if [ $lang = fa ]; then tui_wait "۱۴۰۳/۱۰/۲۶"; else tui_wait "1403/10/26"; fi
  tui_golden "tui_login_${lang}_80x24"
  tui_login_ok sara sarapass11
  tui_type "احمد"
  if [ $lang = fa ]; then tui_wait "۱۳۹۰/۰۲/۰۱"; else tui_wait "2 found"; fi
  tui_golden "tui_search_${lang}_80x24"
  tui_keys Enter
  # the household's heading: only the file shows it (the search lists the IDs too)
  if [ $lang = fa ]; then tui_wait "(ﺮﻔﻧ ۲) ﺭﺍﻮﻧﺎﺧ"; else tui_wait "Household (2)"; fi
  tui_golden "tui_file_${lang}_80x24"
  tui_keys F1
  tui_wait "PgDn"                       # a key only the help names (the bar has F10 too)
  tui_golden "tui_help_${lang}_80x24"
  tui_keys Escape
  tui_wait_gone "PgDn"
  tui_keys F4                           # the form: labels on the start side, values beside
  if [ $lang = fa ]; then tui_wait "ﺩﺮﻓ ﺕﺎﺼﺨﺸﻣ ﺶﯾﺍﺮﯾﻭ"; else tui_wait "Edit the person"; fi
  tui_golden "tui_form_${lang}_80x24"
  tui_keys F10
  tui_wait_exit
done

# --- F9 switches the language at run time, keeping what is typed ----------
tui_start fa 100 30
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_login_ok sara sarapass11
tui_type "Rezaei"
tui_wait "۱۳۹۵/۰۷/۱۵"
tui_keys F9
tui_wait "Find a file"
tui_wait "1395/07/15"                  # digits follow the language
tui_screen | grep -q "^ *Search *Rezaei" || tui_fail "the search box lost its text or side"
tui_keys F9
tui_wait "ﻩﺪﻧﻭﺮﭘ ﯼﻮﺟﻭﺖﺴﺟ"               # «جست‌وجوی پرونده», mirrored again
tui_wait "۱۳۹۵/۰۷/۱۵"
tui_keys F10
tui_wait_exit

# --- colours, NO_COLOR, monochrome, and the one-time warning on Konsole ------
has_colour() { tmux -L "$TUI_SOCK" capture-pane -p -e | grep -qE $'\e\\[([34][0-7]|[34]8;)'; }
has_reverse() { tmux -L "$TUI_SOCK" capture-pane -p -e | grep -qE $'\e\\[([0-9;]*;)?7m'; }
tui_start en 100 30
tui_wait "Log in"
has_colour || tui_fail "no colour on a colour terminal"
tui_keys F10; tui_wait_exit
NO_COLOR=1 tui_start en 100 30
tui_wait "Log in"
has_colour && tui_fail "colour despite NO_COLOR"
has_reverse || tui_fail "NO_COLOR: the bar should still be in reverse video"
tui_keys F10; tui_wait_exit
TUI_TERM=xterm-mono tui_start en 100 30  # a monochrome terminal
tui_wait "Log in"
has_colour && tui_fail "colour on a monochrome terminal"
has_reverse || tui_fail "monochrome: the bar should be in reverse video"
tui_keys F10; tui_wait_exit
KONSOLE_VERSION=230804 tui_start en 100 30
tui_wait "Edit Current Profile > Advanced"
tui_keys Space                          # any key: shown once, then gone
tui_wait_gone "Edit Current Profile > Advanced"
tui_wait "Log in"
tui_keys F10; tui_wait_exit

# --- resize: the bar follows the bottom edge, the list the width -----------
tui_start en 80 24
tui_wait "Log in"
tui_login_ok sara sarapass11
tmux -L "$TUI_SOCK" resize-window -x 120 -y 40
i=0
until [ "$(tui_screen | sed -n 40p | grep -c '10Quit')" = 1 ] &&
      [ "$(tui_screen | sed -n 1p | awk '{print length($0)}')" -ge 110 ]; do
  i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "no redraw after the resize"
  sleep 0.05
done
tmux -L "$TUI_SOCK" resize-window -x 80 -y 24
i=0
until [ "$(tui_screen | sed -n 24p | grep -c '10Quit')" = 1 ]; do
  i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "no redraw after shrinking"
  sleep 0.05
done
tui_keys F10
tui_wait_exit

# --- the bidi modes, seen in the program's raw output ------------------------
# The program waits for a line before starting, so pipe-pane records all.
raw_start() {
  tui_new_server
  rm -f "$TMPDIR/raw" "$TMPDIR/after"
  printf 'set -g remain-on-exit on\nset -g status off\n' >"$TMPDIR/tmux.conf"
  tmux -L "$TUI_SOCK" -f "$TMPDIR/tmux.conf" new-session -d -x 80 -y 24 \
    "read go; echo \$\$ >'$TMPDIR/tui.pid'; '$PARVANDE' --db '$TUI_DB' --lang en; echo \$? >'$TMPDIR/after'; stty -a >>'$TMPDIR/after'"
  tmux -L "$TUI_SOCK" pipe-pane -o "cat >>'$TMPDIR/raw'"
  tui_keys Enter
  tui_wait "Log in"
}
# The shell's pid is the program's parent; the program is its only child.
prog_pid() { pgrep -P "$(cat "$TMPDIR/tui.pid")" | head -1; }
wait_after() {
  local i=0
  until [ -s "$TMPDIR/after" ] && grep -q speed "$TMPDIR/after"; do
    i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "the program did not end"
    sleep 0.05
  done
}
check_restored() { # $1: what ended it, $2: the exit status expected
  local enter leave
  enter=$(grep -c $'\e\\[8l\e\\[1 k\e\\[?1243l' "$TMPDIR/raw")
  leave=$(grep -c $'\e\\[8h\e\\[0 k\e\\[?1243h' "$TMPDIR/raw")
  [ "$enter" -ge 1 ] || tui_fail "$1: explicit bidi mode never set"
  [ "$leave" -ge 1 ] || tui_fail "$1: bidi mode not restored"
  # restored after it was set: the last mode sequence is the restoring one
  tr -d '\n' <"$TMPDIR/raw" | grep -o $'\e\\[8[hl]' | tail -1 | grep -q 'h' \
    || tui_fail "$1: the last bidi sequence is not the restore"
  [ "$(head -1 "$TMPDIR/after")" = "$2" ] || tui_fail "$1: status $(head -1 "$TMPDIR/after"), want $2"
  grep -q -- ' icanon' "$TMPDIR/after" && grep -q -- ' echo ' "$TMPDIR/after" \
    || tui_fail "$1: the terminal was left raw: $(cat "$TMPDIR/after")"
}

raw_start
tui_keys F10
wait_after
check_restored F10 0

raw_start
kill -TERM "$(prog_pid)"
wait_after
check_restored SIGTERM 143

raw_start
kill -SEGV "$(prog_pid)"
wait_after
check_restored SIGSEGV 139
echo "ok: terminal"
