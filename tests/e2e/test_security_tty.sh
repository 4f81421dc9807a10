#!/usr/bin/env bash
# Passwords typed on a terminal: a command with --user and no --password-fd
# asks on the terminal with echo off (the password never appears on the
# screen), and `user passwd` asks twice and refuses two different entries.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db

# tty_run 'ARGS...': the program with these arguments on a fresh tmux
# pane, its exit status written to $TMPDIR/rc (tmux's own pane_dead_status
# is sometimes never filled in).
runs=0
tty_run() { # a new tmux server each time: restarting one on the same socket races
  tui_cleanup
  runs=$((runs + 1))
  TUI_SOCK="parvande-tty-$$-$runs"
  rm -f "$TMPDIR/rc"
  printf 'set -g remain-on-exit on\nset -g status off\n' >"$TMPDIR/tmux.conf"
  tmux -L "$TUI_SOCK" -f "$TMPDIR/tmux.conf" new-session -d -x 100 -y 20 \
    "'$PARVANDE' --db '$TUI_DB' --lang en $1; echo \$? >'$TMPDIR/rc.new'; mv '$TMPDIR/rc.new' '$TMPDIR/rc'" \
    || tui_fail "tmux did not start"
}

# Waits for the program to end and prints its exit status.
tty_status() {
  local i=0
  while [ "$i" -lt 200 ]; do
    if [ -s "$TMPDIR/rc" ]; then cat "$TMPDIR/rc"; return 0; fi
    sleep 0.05
    i=$((i + 1))
  done
  tui_fail "the program did not exit"
}

tty_run "--user sara search 0012345679"
tui_wait "Password:"
tui_type "sarapass11"
tui_keys Enter
tui_wait "0012345679"
st=$(tty_status); [ "$st" = 0 ] || tui_fail "exit status $st"
tui_screen | grep -qF "sarapass11" && tui_fail "the password was echoed"

tty_run "--user sara search 0012345679"
tui_wait "Password:"
tui_type "wrong-password"
tui_keys Enter
tui_wait "Wrong user name or password"
st=$(tty_status); [ "$st" = 6 ] || tui_fail "wrong password: exit $st"
tui_screen | grep -qF "wrong-password" && tui_fail "the wrong password was echoed"

# user passwd: the login password, then the new one twice (differing).
tty_run "--user boss user passwd sara"
tui_wait "Password:"
tui_type "bosspass11"
tui_keys Enter
tui_wait "New password:"
tui_type "first-new-pass"
tui_keys Enter
tui_wait "The new password again:"
tui_type "other-new-pass"
tui_keys Enter
tui_wait "The two passwords differ"
st=$(tty_status); [ "$st" = 3 ] || tui_fail "differing passwords: exit $st"
tui_screen | grep -qE "first-new-pass|other-new-pass" && tui_fail "a new password was echoed"
pv_as sara sarapass11 search 0012345679 >/dev/null || tui_fail "sara's password was changed anyway"
echo "security tty: ok"
