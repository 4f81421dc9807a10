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

# The story: every card has eligible people (and ineligible ones), the
# enrollments are in every state, the credits of this year are set.
for code in 19041060106 19071053115 19071059100 19072703102 L-004; do
  n=$(pv_as supervisor parvande-supervisor eligible "$code" --tsv | wc -l)
  [ "$n" -ge 2 ] || tui_fail "the demo has $n people eligible for $code"
  [ "$n" -lt "$(sqlite3 "$TUI_DB" "SELECT count(*) FROM person")" ] || tui_fail "everyone is eligible for $code"
done
states=$(pv_as supervisor parvande-supervisor enrollments --tsv | cut -f4 | sort -u | tr '\n' ' ')
for st in requested in_progress completed rejected withdrawn; do
  case " $states" in *" $st "*) ;; *) tui_fail "no $st enrollment in the demo (only: $states)";; esac
done
year=$(pv date "$PARVANDE_TODAY" | cut -c1-4)
[ "$(pv_as supervisor parvande-supervisor credits 19041060106 --tsv | grep -c $'\t'"$year"$'\t')" -ge 20 ] \
  || tui_fail "the demo has no credits of $year for the children's insurance"
# the walk-through child: eligible for 002 and not enrolled in it
kid=$(pv_as supervisor parvande-supervisor eligible 19041060106 --tsv | head -1 | cut -f1)
pv_as supervisor parvande-supervisor enrollments "$kid" --tsv | grep -q $'\t19041060106\t' \
  && tui_fail "the walk-through child is already enrolled"

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
