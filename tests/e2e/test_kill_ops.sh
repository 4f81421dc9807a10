#!/usr/bin/env bash
# SIGKILL of the program's own process at random moments of everyday work:
# enrollments, step advances, approvals, credits, facts, catalog syncs, small
# imports, and (with users) account changes. Afterwards: integrity_check and
# the foreign keys are fine, `audit verify` passes, every operation that
# reported success is there, and none is half-written (every enrollment has
# its request event; every credit change its audit entry), and the next run
# works without a manual step. At least KILLS kills land (default 50).
set -u
# A process killed while the leak checker of a sanitized build runs at its
# exit makes the checker report a lost thread; leaks are every other test's.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
want_kills=${KILLS:-50}
db=$TMPDIR/kill-ops.db
P() { "$PARVANDE" --db "$db" --lang en "$@"; }
q() { sqlite3 "$db" "$1"; }
ms() { date +%s%3N; }
SVC=19072703102   # card 000: an active, covered file; no approval, no credit

P init >/dev/null || fail init
P catalog-sync >/dev/null || fail catalog-sync
gen=$BUILD/bench-gen
[ -x "$gen" ] || { gen=$TMPDIR/gen; cc -O2 -o "$gen" bench/gen.c || fail "generator"; }
"$gen" 400 11 2>/dev/null | sed 's/,no,active$/,yes,active/' >"$TMPDIR/people.csv"
P import "$TMPDIR/people.csv" >/dev/null || fail "import"
mapfile -t ids < <(sed -n '2,$p' "$TMPDIR/people.csv" | cut -d, -f2)
# A mutual-aid group of card 001 to pay (its cap is the card's group_cap).
gid=$(P group add "گروه نور" --tsv | cut -f1)
[ -n "$gid" ] && P group member "$gid" "${ids[0]}" >/dev/null \
  && P group enroll "$gid" 19071059100 >/dev/null || fail "the group ($gid)"
# Small files for imports that are killed: new people, then updates.
"$gen" 3000 23 2>/dev/null >"$TMPDIR/more.csv"

# The median time of one operation, so the kills spread over its run on a
# fast machine as on a slow (sanitized) one.
t0=$(ms); for i in 1 2 3 4 5; do P enroll "${ids[$i]}" "$SVC" --note "warm$i" >/dev/null || fail "warm-up enroll"; done
span=$(( ($(ms) - t0) / 5 * 3 / 2 )); [ "$span" -gt 5 ] || span=5

: >"$TMPDIR/ok"      # one line per operation that reported success
kills=0 tries=0
# op N: the command line of operation number N.
op() {
  local n=$1
  local id=${ids[$(( (n * 7) % ${#ids[@]} ))]}
  case $((n % 8)) in
    0|1) echo "enroll $id $SVC --note kill$n" ;;
    2) echo "group pay $gid 2000000 --note pay$n" ;;
    3) local e; e=$(q "SELECT id FROM enrollment WHERE status = 'in_progress' ORDER BY random() LIMIT 1")
       echo "advance ${e:-0} --note adv$n" ;;
    4) echo "credit $SVC یزد 1404 $((1000000 + n))" ;;
    5) echo "fact $id request yes" ;;
    6) echo "catalog-sync" ;;
    7) echo "import $TMPDIR/more.csv" ;;
  esac
}
while [ "$kills" -lt "$want_kills" ] && [ "$tries" -lt $((want_kills * 4)) ]; do
  tries=$((tries + 1))
  read -ra cmd <<<"$(op "$tries")"
  "$PARVANDE" --db "$db" --lang en "${cmd[@]}" >/dev/null 2>"$TMPDIR/err" &
  pid=$!
  delay=$(( RANDOM % span ))
  sleep "$(printf '0.%03d' "$delay")"
  kill -9 "$pid" 2>/dev/null
  wait "$pid"; rc=$?
  if [ "$rc" -eq 137 ]; then
    kills=$((kills + 1))
  elif [ "$rc" -eq 0 ]; then
    echo "$tries ${cmd[*]}" >>"$TMPDIR/ok"
  elif grep -qiE 'sqlite|locked|constraint' "$TMPDIR/err"; then
    fail "after a kill, '${cmd[*]}' showed SQLite's text: $(cat "$TMPDIR/err")"
  fi
  # The next run works without a manual step after every kill.
  [ $((tries % 10)) -eq 0 ] && { [ "$(q 'PRAGMA quick_check')" = ok ] || fail "quick_check after $tries"; }
done
echo "kill-ops: $kills kills landed in $tries operations, $(wc -l <"$TMPDIR/ok") reported success"
[ "$kills" -ge "$want_kills" ] || fail "only $kills kills landed inside an operation"
for verb in enroll "group pay" advance credit; do  # each kind went through at least once
  grep -q "^[0-9]* $verb " "$TMPDIR/ok" || fail "no '$verb' ever reported success"
done
paid=$(q "SELECT coalesce(sum(amount), 0) FROM group_payment")
[ "$paid" -le 300000000 ] || fail "the group cap was passed: $paid"

[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
[ "$(q 'PRAGMA foreign_key_check' | wc -l)" -eq 0 ] || fail "foreign keys"
P audit verify >"$TMPDIR/verify" 2>&1 || fail "audit verify: $(cat "$TMPDIR/verify")"
# Every success is there.
while read -r n verb a b c; do
  case $verb in
    enroll) [ "$(q "SELECT count(*) FROM enrollment_event WHERE note = 'kill$n'")" -ge 1 ] \
              || fail "enrollment $n reported success but is not there" ;;
    advance) [ "$(q "SELECT count(*) FROM enrollment_event WHERE note = 'adv$n'")" -ge 1 ] \
              || fail "advance $n reported success but is not there" ;;
    group) [ "$(q "SELECT count(*) FROM group_payment WHERE note = 'pay$n'")" -eq 1 ] \
              || fail "payment $n reported success but is not there once" ;;
  esac
done <"$TMPDIR/ok"
last_credit=$(awk '$2 == "credit" { v = $6 } END { print v }' "$TMPDIR/ok")
# None half-written: no enrollment without its request event.
[ "$(q "SELECT count(*) FROM enrollment e WHERE NOT EXISTS
        (SELECT 1 FROM enrollment_event v WHERE v.enrollment_id = e.id)")" -eq 0 ] \
  || fail "an enrollment without any event"
# Every household in the database has a case file (imports are whole).
[ "$(q "SELECT count(*) FROM household h WHERE NOT EXISTS
        (SELECT 1 FROM casefile c WHERE c.household_id = h.id)")" -eq 0 ] || fail "household without case file"
# And the work goes on.
P enroll "${ids[3]}" "$SVC" --note after >/dev/null || fail "the next enrollment after the kills"
P import "$TMPDIR/more.csv" >/dev/null || fail "the next import after the kills"
[ "$(q "SELECT count(*) FROM person")" -ge $((400 + 3000)) ] || fail "the import after the kills is not whole"

# Account changes, killed during their login or their write.
P user add chief --role admin --password-fd 3 3<<<"chiefpass11" >/dev/null || fail "admin"
A() { "$PARVANDE" --db "$db" --lang en --user chief --password-fd 3 "$@" 3<<<"chiefpass11"; }
t0=$(ms); A audit verify >/dev/null 2>&1; span=$(( ($(ms) - t0) * 3 / 2 )); [ "$span" -gt 5 ] || span=5
ukills=0 utries=0; : >"$TMPDIR/uok"
while [ "$ukills" -lt 10 ] && [ "$utries" -lt 60 ]; do
  utries=$((utries + 1))
  "$PARVANDE" --db "$db" --lang en --user chief --password-fd 3 user add "u$utries" --role caseworker \
    --password-fd 4 3<<<"chiefpass11" 4<<<"userpass$utries" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '0.%03d' $(( RANDOM % span % 1000 )))"
  kill -9 "$pid" 2>/dev/null; wait "$pid"; rc=$?
  [ "$rc" -eq 137 ] && ukills=$((ukills + 1))
  [ "$rc" -eq 0 ] && echo "u$utries" >>"$TMPDIR/uok"
done
while read -r u; do
  [ "$(q "SELECT count(*) FROM user WHERE name = '$u'")" -eq 1 ] \
    || fail "user $u reported added but is not there"
done <"$TMPDIR/uok"
A audit verify >"$TMPDIR/verify" 2>&1 || fail "audit verify after the account kills: $(cat "$TMPDIR/verify")"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after the account kills"
echo "kill-ops: $((kills + ukills)) kills in all, nothing lost"
