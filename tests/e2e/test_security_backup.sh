#!/usr/bin/env bash
# parvande backup: a consistent copy while another program imports (the
# copy passes every check: integrity, foreign keys, the audit chain and the
# records against it, whole households only), 0600, never over the
# database or an existing file unless --force, administrators only.
# parvande check: one report, exit 0 when all holds, 1 naming what does not.
set -u
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
db=$TMPDIR/b.db
as() { local u=$1; shift; "$PARVANDE" --lang en --db "$db" --user "$u" --password-fd 3 "$@" 3<<<"$u-password-1"; }
gen=$BUILD/bench-gen
if [ ! -x "$gen" ]; then gen=$TMPDIR/gen; cc -O2 -o "$gen" bench/gen.c || fail "generator"; fi
"$gen" 30000 4 >"$TMPDIR/big.csv"
"$PARVANDE" --db "$db" init --admin boss --password-fd 3 3<<<"boss-password-1" >/dev/null 2>&1 || fail init
as boss user add reza --role supervisor --password-fd 4 4<<<"reza-password-1" >/dev/null || fail "user"

# A backup taken while an import writes.
as reza import "$TMPDIR/big.csv" >/dev/null 2>&1 &
pid=$!
t=0
until [ "$(sqlite3 "$db" "SELECT count(*) FROM person" 2>/dev/null || echo 0)" -gt 0 ] || [ $t -gt 3000 ]; do
  sleep 0.01; t=$((t + 1))
done
as boss backup "$TMPDIR/copy.db" >"$TMPDIR/out" 2>"$TMPDIR/err" || fail "backup: $(cat "$TMPDIR/err")"
wait $pid || fail "the import beside the backup failed"
[ "$(stat -c %a "$TMPDIR/copy.db")" = 600 ] || fail "backup mode $(stat -c %a "$TMPDIR/copy.db")"
n=$(sqlite3 "$TMPDIR/copy.db" "SELECT count(*) FROM person")
echo "backup during the import: $n of 30000 persons"
[ "$(sqlite3 "$TMPDIR/copy.db" "PRAGMA integrity_check")" = ok ] || fail "the copy's integrity"
"$PARVANDE" --lang en --db "$TMPDIR/copy.db" --user boss --password-fd 3 check 3<<<"boss-password-1" \
  >"$TMPDIR/out" 2>"$TMPDIR/err" || fail "the copy does not pass check: $(cat "$TMPDIR/err")"
[ "$(sqlite3 "$TMPDIR/copy.db" "SELECT count(*) FROM household h WHERE NOT EXISTS
      (SELECT 1 FROM casefile c WHERE c.household_id = h.id)")" -eq 0 ] || fail "half a household copied"

# Refusals: an existing file, the database itself, a supervisor.
echo precious >"$TMPDIR/old.db"
as boss backup "$TMPDIR/old.db" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "an existing file: exit $rc"
[ "$(cat "$TMPDIR/old.db")" = precious ] || fail "an existing file was replaced"
as boss backup "$TMPDIR/old.db" --force >/dev/null 2>&1 || fail "--force"
[ "$(sqlite3 "$TMPDIR/old.db" "SELECT count(*) FROM person")" -eq 30000 ] || fail "--force copy"
as boss backup "$db" --force >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "over the database itself: exit $rc"
as reza backup "$TMPDIR/r.db" >/dev/null 2>&1; rc=$?
[ $rc -eq 6 ] || fail "a supervisor made a backup: exit $rc"
[ -e "$TMPDIR/r.db" ] && fail "a refused backup left a file"
ls "$TMPDIR" | grep -q '\.db\.[A-Za-z0-9]\{6\}$' && fail "a temporary file was left: $(ls "$TMPDIR")"

# check: all holds, then a name changed behind the program's back.
as reza check >"$TMPDIR/out" 2>"$TMPDIR/err" || fail "check on a sound database: $(cat "$TMPDIR/err")"
grep -q "Integrity: ok" "$TMPDIR/out" || fail "check output: $(cat "$TMPDIR/out")"
grep -q "Foreign keys: 0 broken" "$TMPDIR/out" || fail "check output: $(cat "$TMPDIR/out")"
grep -q "audit trail is intact" "$TMPDIR/out" || fail "check output: $(cat "$TMPDIR/out")"
id=$(sqlite3 "$db" "SELECT id FROM person LIMIT 1 OFFSET 77")
sqlite3 "$db" "DROP TRIGGER pv_audit_person_update; DROP TRIGGER person_keep_update;
               UPDATE person SET first_name = 'Changed', address = 'elsewhere' WHERE id = $id;" \
  || fail "tampering"
as reza check >"$TMPDIR/out" 2>"$TMPDIR/err"; rc=$?
[ $rc -eq 1 ] || fail "check after tampering: exit $rc"
grep -q "person $id: its values differ" "$TMPDIR/err" || fail "the changed person not named: $(cat "$TMPDIR/err")"
as reza audit verify >"$TMPDIR/out" 2>"$TMPDIR/err"; rc=$?
[ $rc -eq 1 ] || fail "audit verify after tampering: exit $rc"
grep -q "person $id: its values differ" "$TMPDIR/err" || fail "audit verify does not name it"
echo ok
