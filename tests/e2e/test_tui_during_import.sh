#!/usr/bin/env bash
# The interface stays responsive while another terminal imports a large
# file into the same database: a search typed during the import shows its
# result within a few seconds, and the import was still running then.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
pv_as boss bosspass11 user add mina --role supervisor --password-fd 4 4<<<"minapass11" >/dev/null \
  || tui_fail "supervisor"
gen=$BUILD/bench-gen
[ -x "$gen" ] || { gen=$TMPDIR/gen; cc -O2 -o "$gen" bench/gen.c || tui_fail "generator"; }
"$gen" "${IMPORT_ROWS:-80000}" 13 2>/dev/null >"$TMPDIR/big.csv"

tui_start en 100 30
tui_wait "Log in"
tui_login_ok sara sarapass11

"$PARVANDE" --db "$TUI_DB" --lang en --user mina --password-fd 3 import "$TMPDIR/big.csv" \
  3<<<"minapass11" >/dev/null 2>&1 &
imp=$!
# wait until the import is writing (persons beyond the fixture's four)
for _ in $(seq 200); do
  [ "$(sqlite3 "$TUI_DB" 'SELECT count(*) FROM person' 2>/dev/null || echo 0)" -gt 4 ] && break
  sleep 0.1
done
# each person's birth date: only that search's result shows it
for pair in 0012345679:1360/05/12 0034567895:1355/11/30 0045678911:1395/07/15; do
  q=${pair%%:*} born=${pair#*:}
  start=$(date +%s%N)
  tui_keys C-u
  tui_type "$q"
  tui_wait "$born" 5
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  kill -0 "$imp" 2>/dev/null || { echo "the import ended before search $q"; break; }
  echo "search $q during the import: ${ms} ms"
  [ "$ms" -lt 5000 ] || tui_fail "a search took ${ms} ms while another terminal imported"
  seen=$((${seen:-0} + 1))
done
[ "${seen:-0}" -ge 1 ] || tui_fail "no search landed while the import ran (make IMPORT_ROWS larger)"
wait "$imp" || tui_fail "the import failed"
tui_keys C-u
tui_type "0012345679"
tui_wait "1 found"
echo "the interface answered during the import"
