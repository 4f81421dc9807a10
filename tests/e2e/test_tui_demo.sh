#!/usr/bin/env bash
# What `make run` gives a new user: the demo database (a few hundred
# synthetic households), the login screen naming the demo caseworker, and
# after logging in as that caseworker, real files to find and open.
. "$(dirname "$0")/tui_lib.sh"

TUI_DB="$TMPDIR/demo.db"
DEMO_DB="$TUI_DB" tests/demo-db.sh "$BUILD" >/dev/null || tui_fail "demo database not built"
households=$(sqlite3 "$TUI_DB" "SELECT count(*) FROM household")
[ "$households" -ge 200 ] || tui_fail "only $households households in the demo"
[ "$(sqlite3 "$TUI_DB" "SELECT role FROM user WHERE name = 'demo'")" = caseworker ] ||
  tui_fail "the demo account is not a caseworker"
# The catalog is there: init loaded it.
[ "$(pv_as demo parvande-demo services --tsv | wc -l)" -eq 5 ] || tui_fail "the demo has no service catalog"

export PARVANDE_DEMO_LOGIN="demo / parvande-demo"
tui_start fa 100 30
tui_wait "parvande-demo"                 # the screen shows the demo account
tui_login_ok demo parvande-demo
# Any national ID of the demo, typed in Persian digits, finds its file.
id=$(sqlite3 "$TUI_DB" "SELECT national_id FROM person ORDER BY id LIMIT 1")
fa=$(printf '%s' "$id" | sed 'y/0123456789/۰۱۲۳۴۵۶۷۸۹/')
tui_type "$fa"
tui_wait "$fa"
tui_keys Enter
tui_wait "ﺭﺍﻮﻧﺎﺧ"                          # the file's household section («خانوار», shaped)
tui_keys F10
tui_wait_exit
[ "$(tui_exit_status)" = 0 ] || tui_fail "exit status $(tui_exit_status)"
echo "ok: demo"
