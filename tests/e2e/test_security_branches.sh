#!/usr/bin/env bash
# Another branch's records answer exactly as records that do not exist:
# for a caseworker of branch 2, every command about a branch-1 person or
# enrollment prints the same message and exits with the same status (5) as
# for an unrecorded national ID or enrollment number; lists leave them out.
set -u
. "$(dirname "$0")/cli_lib.sh"
export PARVANDE_TODAY=2025-01-01
db=$TMPDIR/branches.db
P() { "$PARVANDE" --lang en --db "$db" "$@"; }
M=$(natid 200000004) U=$(natid 200000005)
S=19041060106

expect_rc 0 P init --admin boss --password-fd 3 3<<<"boss-password-1"
expect_rc 0 as boss user add sara --role caseworker --password-fd 4 4<<<"sara-password-1"
expect_rc 0 as boss user add reza --role supervisor --password-fd 4 4<<<"reza-password-1"
expect_rc 0 as boss user add ali --role caseworker --password-fd 4 4<<<"ali-password-1"
# A branch-2 caseworker on this branch's database: only another branch's
# administrator could make one, so the test moves ali there behind the
# program's back (the next open re-creates the trigger it drops).
sqlite3 "$db" "DROP TRIGGER pv_audit_user_update; UPDATE user SET branch_code = 2 WHERE name = 'ali';" \
  || fail "cannot move ali to branch 2"
cat >"$TMPDIR/p.csv" <<CSV
household,national_id,first_name,last_name,gender,birth_date,province,relation,covered,file_status
h1,$M,Maryam,Rahimi,F,1345/01/01,تهران,head,yes,active
CSV
expect_rc 0 as reza import "$TMPDIR/p.csv"
expect_rc 0 as sara fact "$M" request
expect_rc 0 as boss credit $S تهران 1403 36000000
expect_rc 0 as reza enroll "$M" $S --override "a written justification of some words" --tsv
read -r E _ <"$TMPDIR/out"
[ -n "$E" ] || fail "no enrollment made"
N=$((E + 1000))

# same_answer "ARGS with @ID@ and @E@": the answer for branch 1's records
# must be, byte for byte, the answer for records nobody recorded.
same_answer() {
  local args=${1//@E@/$E} a b rca rcb
  # shellcheck disable=SC2086
  as ali ${args//@ID@/$M} >"$TMPDIR/a" 2>&1; rca=$?
  args=${1//@E@/$N}
  # shellcheck disable=SC2086
  as ali ${args//@ID@/$U} >"$TMPDIR/b" 2>&1; rcb=$?
  a=$(sed "s/$M/ID/g; s/$E/E/g" "$TMPDIR/a"); b=$(sed "s/$U/ID/g; s/$N/E/g" "$TMPDIR/b")
  [ "$rca" -eq 5 ] || fail "'$1' for another branch: exit $rca (wanted 5): $a"
  [ "$rca" -eq "$rcb" ] || fail "'$1': exit $rca for another branch, $rcb for nobody"
  [ "$a" = "$b" ] || fail "'$1' tells another branch's record from none: '$a' vs '$b'"
}
for cmd in "show @ID@" "check @ID@" "check @ID@ $S" "facts @ID@" "fact @ID@ request" \
           "fact @ID@ request --clear" "enroll @ID@ $S" "enrollment @E@" "advance @E@" \
           "withdraw @E@" "document @E@ doc.identity"; do
  same_answer "$cmd"
done
# Lists: nothing of branch 1.
expect_rc 0 as ali enrollments --tsv
[ -s "$TMPDIR/out" ] && fail "another branch's enrollments listed: $(cat "$TMPDIR/out")"
as ali search Rahimi --tsv >"$TMPDIR/out" 2>&1
grep -q "$M" "$TMPDIR/out" && fail "another branch's person found by search"
# Branch 1 itself still sees everything, and nothing was changed by branch 2.
expect_rc 0 as sara facts "$M" --tsv
grep -q '^request' "$TMPDIR/out" || fail "the fact was cleared by another branch"
expect_rc 0 as sara enrollment "$E"
# The attempts are in the audit trail as refusals.
[ "$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE actor = 'ali' AND outcome = 'refused'
                    AND reason = 'record of another branch'")" -ge 5 ] \
  || fail "the refusals are not in the audit trail"
echo ok
