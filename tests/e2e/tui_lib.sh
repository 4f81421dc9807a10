# Shared by the interface's end-to-end tests (tests/e2e/test_tui_*.sh):
# a fixed small database, and driving the real program in a private tmux
# server. tmux does no bidi, so a captured screen is exactly the cells the
# program wrote, in visual order (Persian letters in presentation forms).
# Waits poll the screen until a pattern shows (never fixed sleeps).

set -u
: "${PARVANDE:?PARVANDE must name the binary}"
export PARVANDE_TODAY=2025-01-15 # 1403/10/26: titles and dates are fixed
unset KONSOLE_VERSION MLTERM NO_COLOR PARVANDE_DB
TUI_N=0
TUI_SOCK="parvande-test-$$-0"
TUI_DB="$TMPDIR/tui.db"
TUI_LOG="$TMPDIR/tui-screen.log"
# the idle lock keeps its ten minutes unless a test shortens it

tui_cleanup() { tmux -L "$TUI_SOCK" kill-server 2>/dev/null || true; }

# Ends the current tmux server and names a fresh one: a server that is still
# shutting down never meets the next session on the same socket.
tui_new_server() {
  tui_cleanup
  TUI_N=$((TUI_N + 1))
  TUI_SOCK="parvande-test-$$-$TUI_N"
}
trap tui_cleanup EXIT

tui_fail() {
  echo "FAIL: $*" >&2
  echo "---- screen ----" >&2
  tmux -L "$TUI_SOCK" capture-pane -p >&2 2>/dev/null || true
  echo "----------------" >&2
  exit 1
}

pv() { "$PARVANDE" --db "$TUI_DB" --lang en "$@"; }
pv_as() { # pv_as USER PASSWORD ARGS...: a command as that user
  local user=$1 pass=$2; shift 2
  "$PARVANDE" --db "$TUI_DB" --lang en --user "$user" --password-fd 3 "$@" 3<<<"$pass"
}

# The fixture: four people in three households, the catalog, a caseworker.
tui_make_db() {
  rm -f "$TUI_DB" "$TUI_DB"-*
  cat >"$TMPDIR/fixture.csv" <<'EOF'
national_id,first_name,last_name,father_name,gender,birth_date,phone,province,county,address,household,relation,guardianship,judicial_order,covered,file_status,area
0012345679,زهرا,احمدی,علی,female,1360/05/12,09123456789,تهران,ری,خیابان بهار,H1,head,none,no,yes,active,informal
0023456787,مریم,احمدی,رضا,female,1390/02/01,,تهران,ری,خیابان بهار,H1,child,none,no,yes,active,informal
0034567895,حسن,کریمی,محمد,male,1355/11/30,02155667788,اصفهان,کاشان,کوچه گل,H2,head,none,no,no,active,urban
0045678911,Ali,Rezaei,Hossein,male,1395/07/15,,اصفهان,کاشان,,H3,head,orphan,yes,yes,active,urban
EOF
  pv init >/dev/null || tui_fail "init"
  pv catalog-sync >/dev/null || tui_fail "catalog-sync"
  pv import "$TMPDIR/fixture.csv" >/dev/null || tui_fail "import"
  pv user add boss --role admin --password-fd 3 3<<<"bosspass11" >/dev/null || tui_fail "admin"
  pv_as boss bosspass11 user add sara --role caseworker --password-fd 4 4<<<"sarapass11" \
    >/dev/null || tui_fail "caseworker"
}

# tui_start LANG [COLS ROWS]: the program in a fresh tmux server. A shell
# runs it and writes its exit status to $TMPDIR/tui.status (tmux itself is
# sometimes late to reap a pane's process, so its pane_dead_status is not
# relied on).
tui_start() {
  local lang=$1 cols=${2:-100} rows=${3:-30}
  TUI_LANG=$lang
  tui_new_server
  rm -f "$TMPDIR/tui.status"
  printf 'set -g remain-on-exit on\nset -g status off\n' >"$TMPDIR/tmux.conf"
  # The program's $TERM is tmux's default-terminal (TUI_TERM: another one).
  [ -n "${TUI_TERM:-}" ] && printf 'set -g default-terminal %s\n' "$TUI_TERM" >>"$TMPDIR/tmux.conf"
  tmux -L "$TUI_SOCK" -f "$TMPDIR/tmux.conf" new-session -d -x "$cols" -y "$rows" \
    "echo \$\$ >'$TMPDIR/tui.pid'; '$PARVANDE' --db '$TUI_DB' --lang $lang 2>'$TMPDIR/tui.err'; echo \$? >'$TMPDIR/tui.status.new'; mv '$TMPDIR/tui.status.new' '$TMPDIR/tui.status'" \
    || tui_fail "tmux did not start"
}

tui_screen() { tmux -L "$TUI_SOCK" capture-pane -p; }

# tui_poll FIXED-STRING [SECONDS]: 0 once the screen shows it, 1 on timeout.
tui_poll() {
  local want=$1 limit=${2:-10} i=0
  while [ "$i" -lt $((limit * 20)) ]; do
    if tui_screen | grep -qF -- "$want"; then return 0; fi
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}

# tui_wait FIXED-STRING [SECONDS]: until the screen shows it, else fail.
tui_wait() {
  tui_poll "$@" || tui_fail "screen never showed: $1"
}

# tui_wait_gone FIXED-STRING [SECONDS]: until the screen no longer shows it.
tui_wait_gone() {
  local want=$1 limit=${2:-10} i=0
  while [ "$i" -lt $((limit * 20)) ]; do
    if ! tui_screen | grep -qF -- "$want"; then return 0; fi
    sleep 0.05
    i=$((i + 1))
  done
  tui_fail "screen still shows: $want"
}

tui_keys() { tmux -L "$TUI_SOCK" send-keys "$@"; }
tui_type() { tmux -L "$TUI_SOCK" send-keys -l -- "$1"; }

# Waits up to 10 s for the program to end.
tui_wait_exit() {
  local i=0
  while [ "$i" -lt 200 ]; do
    [ -s "$TMPDIR/tui.status" ] && return 0
    sleep 0.05
    i=$((i + 1))
  done
  tui_fail "the program did not exit"
}

# Its exit status (128 + N for a signal N).
tui_exit_status() { cat "$TMPDIR/tui.status"; }

tui_login() { # tui_login USER PASSWORD
  tui_type "$1"
  tui_keys Tab
  tui_type "$2"
  tui_keys Enter
}

# The home screen's title as captured: Persian shaped, in visual order
# («پرونده — جستجوی پرونده», of which «جستجوی — پرونده» read right to left).
TUI_HOME_TITLE_fa='ﯼﻮﺟﻭﺖﺴﺟ — ﻩﺪﻧﻭﺮﭘ'
TUI_HOME_TITLE_en='Find a file'

# tui_wait_title FIXED-STRING [SECONDS]: until the title line (the screen's
# first) shows it, else fail.
tui_wait_title() {
  local want=$1 limit=${2:-10} i=0
  while [ "$i" -lt $((limit * 20)) ]; do
    if tui_screen | head -n 1 | grep -qF -- "$want"; then return 0; fi
    sleep 0.05
    i=$((i + 1))
  done
  tui_fail "the title line never showed: $want"
}

# tui_login_ok USER PASSWORD: logs in and waits for what only a successful
# login shows: the home screen's title, with the user's name on the title
# line. (The name alone proves nothing: it is on the login screen too, in
# its field, also after a wrong password.)
tui_login_ok() {
  local title_var="TUI_HOME_TITLE_${TUI_LANG:-en}"
  tui_login "$1" "$2"
  tui_wait_title "${!title_var}"
  tui_wait_title "$1"
}

# tui_golden NAME: the whole screen equals tests/golden/NAME.txt
# (UPDATE_GOLDEN=1 rewrites it).
tui_golden() {
  local golden
  golden="$(dirname "${BASH_SOURCE[0]}")/../golden/$1.txt"
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    tui_screen >"$golden"
    return 0
  fi
  if ! tui_screen | diff -u "$golden" - >"$TMPDIR/golden.diff"; then
    cat "$TMPDIR/golden.diff" >&2
    tui_fail "screen differs from golden $1"
  fi
}

# tui_selected: the text of the selected line(s) of a list (drawn with the
# selection's colours: bold white on blue, or reversed under NO_COLOR), the
# title line and the key bar left out.
tui_selected() {
  tmux -L "$TUI_SOCK" capture-pane -e -p | sed '1d;$d' |
    grep -a $'\e\\[[0-9;]*\\(44\\|7\\)m' | sed 's/\x1b\[[0-9;]*m//g'
}

# tui_tab_to FIXED-STRING: on the file screen, Tab from section to section
# (round and round) until the selected line shows it, else fail: sections
# come and go with what the file holds, so no fixed count of Tabs.
tui_tab_to() {
  local want=$1 n=0 before
  tui_poll_selected_changed ""
  while ! tui_selected | grep -qF -- "$want"; do
    n=$((n + 1)); [ "$n" -le 12 ] || tui_fail "no section's first line shows: $want"
    before=$(tui_selected)
    tui_keys Tab
    tui_poll_selected_changed "$before"
  done
}

# Waits (up to 5 s) for the selected line to differ from BEFORE.
tui_poll_selected_changed() {
  local i=0
  while [ "$i" -lt 100 ] && [ "$(tui_selected)" = "$1" ]; do
    sleep 0.05; i=$((i + 1))
  done
}
