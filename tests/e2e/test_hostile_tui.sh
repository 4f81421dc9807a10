#!/usr/bin/env bash
# Hostile text in the interface: each input of tests/hostile/fields/ typed
# into the search box (escapes arrive as keys), and text another tool wrote
# straight into the database (escapes, overrides, C1 controls) shown in the
# search list and on the file screen. The program must keep running and
# keep its screen: a title sequence would rename the pane, a clear would
# wipe the chrome, a carriage return would overwrite it.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
# Behind the program's back: the protective triggers dropped, then a
# person's name and address changed in the file.
sqlite3 "$TUI_DB" "SELECT name FROM sqlite_master WHERE type='trigger'" |
  while read -r t; do sqlite3 "$TUI_DB" "DROP TRIGGER \"$t\""; done
sqlite3 "$TUI_DB" "UPDATE person SET
    first_name = 'حسن' || char(27) || ']0;pwned' || char(7) || char(27) || '[2J',
    last_name = 'کریمی' || char(8238) || 'x' || char(155) || '7m',
    address = char(13) || 'OVERWRITE' || char(27) || '[1;1H' || 'TOP'
  WHERE national_id = '0034567895'" || tui_fail "could not tamper"

title() { tmux -L "$TUI_SOCK" display -p '#{pane_title}'; }
alive() { [ ! -s "$TMPDIR/tui.status" ] || tui_fail "the program ended ($(tui_exit_status)) after $1"; }

digits() { if [ "$1" = fa ]; then printf '%s' "$2" | sed 'y/0123456789/۰۱۲۳۴۵۶۷۸۹/'; else printf '%s' "$2"; fi; }
for lang in en fa; do
  tui_start "$lang" 100 30
  tui_wait "$(digits "$lang" 1403)"       # the title's date: the login screen is up
  tui_login sara sarapass11
  # Only a successful login shows a search result.
  tui_type "0034567895"
  tui_wait "$(digits "$lang" 1355/11/30)"
  tui_keys C-u
  for f in tests/hostile/fields/*.txt; do
    tui_type "$(cat "$f")"
    tui_keys C-u
    alive "$f"
  done
  # The tampered person in the list and on the file screen.
  tui_type "0034567895"
  tui_wait "$(digits "$lang" 1355/11/30)"
  tui_keys Enter
  tui_wait "$(digits "$lang" 02155667788)"   # her phone: the file screen is up
  tui_screen | grep -qE "^OVERWRITE" && tui_fail "a carriage return from the database reached the screen raw"
  case "$(title)" in *pwned*) tui_fail "a title sequence from the database reached the terminal";; esac
  tui_screen | grep -qE "^TOP" && tui_fail "a cursor move from the database reached the terminal"
  alive "the tampered file"
  tui_keys F10
  tui_poll "F10" 2 >/dev/null; tui_keys Enter 2>/dev/null || true
  tui_cleanup
done
echo "hostile text in the interface: the program kept running and its screen"
