#!/usr/bin/env bash
# Four terminals on one database file for DURATION seconds (30 here, 600 in
# make stress): three enroll the same forty eligible children in card 002
# (a yearly credit for ten, once a Jalali year each) and advance card-000
# enrollments, the fourth imports small files that update the same people
# and searches. No command may fail for the database being busy or show
# SQLite's text; afterwards the credit is not overspent, no child is
# enrolled twice in the year, and every success is in the database.
set -u
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
duration=${DURATION:-30}
db=$TMPDIR/four.db
P() { "$PARVANDE" --db "$db" --lang en "$@"; }
q() { sqlite3 "$db" "$1"; }
INS=19041060106 SUP=19072703102 COST=3600000

P init >/dev/null && P catalog-sync >/dev/null || fail "init"
# natid N: a valid national ID made from the number N (its check digit).
natid() {
  local b s=0 i
  b=$(printf '%09d' "$1")
  for i in 0 1 2 3 4 5 6 7 8; do s=$(( s + ${b:$i:1} * (10 - i) )); done
  local r=$(( s % 11 ))
  [ "$r" -lt 2 ] && echo "$b$r" || echo "$b$(( 11 - r ))"
}
HDR="national_id,first_name,last_name,gender,birth_date,phone,household,relation,guardianship,judicial_order,covered,file_status,province"
person() { # N birth guardianship judicial phone household relation
  echo "$(natid "$1"),رضا,کریمی,M,$2,$5,$6,$7,$3,$4,yes,active,یزد"
}
# Sixty covered adults (card 000) and forty orphaned children with a
# judicial order (card 002), each child in an adult's household.
mapfile -t adults < <(for n in $(seq 1000 1059); do natid "$n"; done)
mapfile -t children < <(for n in $(seq 2000 2039); do natid "$n"; done)
{ echo "$HDR"
  for n in $(seq 1000 1059); do person "$n" 1360/01/01 none no 09120000000 "H$n" head; done
  for n in $(seq 2000 2039); do person "$n" 1396/02/02 orphan yes "" "H$((n - 1000))" child; done
} >"$TMPDIR/people.csv"
P import "$TMPDIR/people.csv" >/dev/null || fail "import: $(P import "$TMPDIR/people.csv" 2>&1 | head -3)"
for a in "${adults[@]}"; do P enroll "$a" "$SUP" >/dev/null || fail "enroll $a"; done
P credit "$INS" یزد 1404 $((10 * COST)) >/dev/null || fail "credit"
# From here on every command logs in (each login writes an audit entry).
P user add chief --role admin --password-fd 3 3<<<"chiefpass11" >/dev/null || fail "admin"
U() { "$PARVANDE" --db "$db" --lang en --user "$1" --password-fd 3 "${@:3}" 3<<<"$2"; }
U chief chiefpass11 user add sara --role caseworker --password-fd 4 4<<<"sarapass11" >/dev/null || fail "caseworker"
U chief chiefpass11 user add mina --role supervisor --password-fd 4 4<<<"minapass11" >/dev/null || fail "supervisor"
P() { U sara sarapass11 "$@"; }
S() { U mina minapass11 "$@"; }
P check "${children[0]}" "$INS" >/dev/null || fail "the children are not eligible: $(P check "${children[0]}" "$INS")"

end=$(( $(date +%s) + duration ))
worker() { # n: enrolls children, advances enrollments, until the end
  local n=$1 i=0 rc
  while [ "$(date +%s)" -lt "$end" ]; do
    i=$((i + 1))
    local c=${children[$(( (RANDOM + n) % ${#children[@]} ))]}
    P enroll "$c" "$INS" >"$TMPDIR/w$n.out" 2>"$TMPDIR/w$n.err"; rc=$?
    [ "$rc" -eq 0 ] && echo "$c" >>"$TMPDIR/enrolled.$n"
    check_rc "$n" "$rc" "enroll $c"
    local e; e=$(q "SELECT id FROM enrollment WHERE code = '$SUP' AND status = 'in_progress' ORDER BY random() LIMIT 1" 2>/dev/null)
    [ -n "$e" ] && { P advance "$e" >/dev/null 2>"$TMPDIR/w$n.err"; check_rc "$n" $? "advance $e"; }
  done
}
importer() {
  local i=0 rc
  while [ "$(date +%s)" -lt "$end" ]; do
    i=$((i + 1))
    { echo "$HDR"; for n in $(seq 1000 1029); do person "$n" 1360/01/01 none no "$(printf '0912%07d' "$i")" "H$n" head; done; } >"$TMPDIR/upd.csv"
    S import "$TMPDIR/upd.csv" >/dev/null 2>"$TMPDIR/w4.err"; rc=$?
    check_rc 4 "$rc" "import $i"
    [ "$rc" -eq 0 ] && echo "$i" >"$TMPDIR/last_import"
    P search "${adults[5]}" >/dev/null 2>"$TMPDIR/w4.err"; check_rc 4 $? "search"
  done
}
# A command may be refused (3 input, 4 not eligible, 7 a limit); it may not
# fail (1) or show the database's own words.
check_rc() { # worker rc what
  local err=$TMPDIR/w$1.err
  if [ "$2" -eq 1 ] || [ "$2" -ge 128 ] || grep -qiE 'sqlite|locked|busy|constraint' "$err"; then
    echo "worker $1: $3 exited $2: $(head -2 "$err")" >>"$TMPDIR/failures"
  fi
}
: >"$TMPDIR/failures"
worker 1 & worker 2 & worker 3 & importer &
wait
[ -s "$TMPDIR/failures" ] && fail "$(wc -l <"$TMPDIR/failures") commands failed under four writers: $(head -3 "$TMPDIR/failures")"

committed=$(q "SELECT coalesce(sum(amount), 0) FROM enrollment WHERE code = '$INS' AND charged_credit = 1")
n_ins=$(q "SELECT count(*) FROM enrollment WHERE code = '$INS' AND status NOT IN ('rejected','withdrawn')")
[ "$committed" -le $((10 * COST)) ] || fail "credit overspent: $committed"
[ "$n_ins" -le 10 ] || fail "$n_ins insured on a credit for ten"
[ "$n_ins" -ge 1 ] || fail "nobody was enrolled at all"
twice=$(q "SELECT count(*) FROM (SELECT person_id FROM enrollment WHERE code = '$INS'
           AND status NOT IN ('rejected','withdrawn') GROUP BY person_id, jyear HAVING count(*) > 1)")
[ "$twice" -eq 0 ] || fail "$twice children enrolled twice in one Jalali year"
reported=$(cat "$TMPDIR"/enrolled.* 2>/dev/null | sort -u | wc -l)
[ "$reported" -eq "$n_ins" ] || fail "$reported enrollments reported success, $n_ins in the database"
i=$(cat "$TMPDIR/last_import" 2>/dev/null || echo 0)
[ "$i" -gt 0 ] || fail "no import went through"
[ "$(q "SELECT phone FROM person WHERE national_id = '${adults[0]}'")" = "$(printf '0912%07d' "$i")" ] \
  || fail "the last successful import is not what the database holds"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
U chief chiefpass11 audit verify >"$TMPDIR/verify" 2>&1 || fail "audit verify: $(tail -5 "$TMPDIR/verify")"
echo "four terminals: ${duration}s, $n_ins of 10 insured, $(q "SELECT count(*) FROM enrollment_event") events, no failure"
