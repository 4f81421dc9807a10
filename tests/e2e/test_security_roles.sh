#!/usr/bin/env bash
# Who may import: a supervisor, not a caseworker, not an administrator
# (separation of duties), and the role table (doc/security.md), the man page and
# --help say the same as the core does.
set -u
fail() { echo "FAIL: $*"; exit 1; }
db=$TMPDIR/roles.db
P() { "$PARVANDE" --lang en --db "$db" "$@"; }
as() { local u=$1; shift; P --user "$u" --password-fd 3 "$@" 3<<<"$u-password-1"; }
P init --admin boss --password-fd 3 3<<<"boss-password-1" >/dev/null || fail init
as boss user add sara --role caseworker --password-fd 4 4<<<"sara-password-1" >/dev/null || fail sara
as boss user add reza --role supervisor --password-fd 4 4<<<"reza-password-1" >/dev/null || fail reza
printf 'national_id,first_name,last_name,gender,birth_date\n0499370899,علی,محمدی,M,1360/01/15\n' \
  >"$TMPDIR/in.csv"
for u in boss sara; do
  as $u import "$TMPDIR/in.csv" >"$TMPDIR/out" 2>&1
  rc=$?
  [ $rc -eq 6 ] || fail "$u imported (exit $rc): $(cat "$TMPDIR/out")"
done
[ "$(sqlite3 "$db" 'SELECT count(*) FROM person')" -eq 0 ] || fail "a refused import wrote"
as reza import "$TMPDIR/in.csv" >"$TMPDIR/out" 2>&1 || fail "the supervisor could not import"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM person')" -eq 1 ] || fail "the supervisor's import missing"
# The documents agree with what was just seen.
row=$(grep '^| import a CSV |' doc/security.md) || fail "doc/security.md has no import row"
[ "$row" = "| import a CSV | | ✓ | |" ] || fail "the role table (doc/security.md) says: $row"
"$PARVANDE" --lang en --help | grep -A1 '^  import ' | grep -q '(supervisors)' \
  || fail "--help does not say who imports"
grep -q 'as a supervisor: not a caseworker' doc/parvande.1 || fail "the man page does not say who imports"
echo ok
