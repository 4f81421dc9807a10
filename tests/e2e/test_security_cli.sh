#!/usr/bin/env bash
# Users, login and the audit trail on the command line: init --admin with
# --password-fd, set-up mode, user add/list/disable, exit 6 for a missing
# user or a wrong password, lockout, audit show, and audit verify detecting
# an entry changed with the sqlite3 shell. Passwords only ever travel on
# file descriptors, never in arguments or the environment.
set -u
fail() { echo "FAIL: $*"; exit 1; }
db="$TMPDIR/sec.db"
P() { "$PARVANDE" --lang en --db "$db" "$@"; }
expect_rc() { # expect_rc WANT DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" >"$TMPDIR/out" 2>"$TMPDIR/err"; local rc=$?
  [ "$rc" -eq "$want" ] || { cat "$TMPDIR/out" "$TMPDIR/err"; fail "$what: exit $rc, wanted $want"; }
}

# --- set-up mode and the first administrator ---
expect_rc 0 "init as the system actor" -- P init
expect_rc 0 "init --admin" -- P init --admin Boss --password-fd 3 3<<<"boss-password-1"
grep -q "boss" "$TMPDIR/out" || fail "init --admin says who was created"
mode=$(stat -c %a "$db"); [ "$mode" = 600 ] || fail "database mode $mode, wanted 600"
for f in "$db-wal" "$db-shm"; do
  [ -e "$f" ] || continue
  m=$(stat -c %a "$f"); [ "$m" = 600 ] || fail "$f mode $m, wanted 600"
done
expect_rc 3 "a second first administrator" -- P --user boss --password-fd 3 init --admin other --password-fd 4 3<<<"boss-password-1" 4<<<"other-password-1"

printf 'national_id,first_name,last_name,gender,birth_date,household\n0499370899,Zahra,Ahmadi,F,1370/01/01,h1\n' >"$TMPDIR/p.csv"

# --- once a user exists, commands authenticate ---
expect_rc 6 "no --user" -- P search Zahra
grep -q -- "--user" "$TMPDIR/err" || fail "the refusal says to give --user"
expect_rc 6 "no password (stdin not a terminal)" -- P --user boss search Zahra </dev/null
expect_rc 6 "wrong password" -- P --user boss --password-fd 3 search Zahra 3<<<"not-the-password"
grep -q "Wrong user name or password" "$TMPDIR/err" || fail "wrong password message"
expect_rc 6 "unknown user" -- P --user ghost --password-fd 3 search Zahra 3<<<"not-the-password"
grep -q "Wrong user name or password" "$TMPDIR/err" || fail "the same message for an unknown user"
expect_rc 2 "no password option in arguments" -- P --user boss --password boss-password-1 search Zahra

# --- user administration ---
B() { P --user boss --password-fd 3 "$@" 3<<<"boss-password-1"; }
expect_rc 0 "add a caseworker" -- B user add sara --role caseworker --password-fd 4 4<<<"sara-password-1"
expect_rc 0 "add a supervisor" -- B user add reza --role supervisor --password-fd 4 4<<<"reza-password-1"
expect_rc 0 "import as the supervisor" -- P --user reza --password-fd 3 import "$TMPDIR/p.csv" 3<<<"reza-password-1"
expect_rc 3 "a short password" -- B user add weak --role caseworker --password-fd 4 4<<<"short"
expect_rc 3 "an unknown role" -- B user add odd --role boss --password-fd 4 4<<<"odd-password-1"
expect_rc 0 "user list" -- B user list --tsv
grep -q $'^sara\tcaseworker\t1\tactive' "$TMPDIR/out" || { cat "$TMPDIR/out"; fail "sara listed"; }
grep -q $'^reza\tsupervisor\t1\tactive' "$TMPDIR/out" || fail "reza listed"
expect_rc 6 "a caseworker may not list users" -- P --user sara --password-fd 3 user list 3<<<"sara-password-1"
# one descriptor can carry the login and the new password, line by line
expect_rc 0 "passwd on one fd" -- P --user sara --password-fd 3 user passwd sara --password-fd 3 3< <(printf 'sara-password-1\nsara-password-2\n')
expect_rc 0 "the new password works" -- P --user sara --password-fd 3 search Zahra 3<<<"sara-password-2"
expect_rc 0 "disable" -- B user disable sara
expect_rc 6 "a disabled user" -- P --user sara --password-fd 3 search Zahra 3<<<"sara-password-2"
grep -q "disabled" "$TMPDIR/err" || fail "the disabled message"

# --- lockout: five wrong passwords lock for 15 minutes ---
for i in 1 2 3 4; do
  expect_rc 6 "wrong password $i" -- P --user reza --password-fd 3 search Zahra 3<<<"guess-$i"
done
expect_rc 6 "the fifth locks" -- P --user reza --password-fd 3 search Zahra 3<<<"guess-5"
grep -q "locked" "$TMPDIR/err" || fail "the lock is announced"
expect_rc 6 "locked even with the right password" -- P --user reza --password-fd 3 search Zahra 3<<<"reza-password-1"
grep -q "15 minutes" "$TMPDIR/err" || { cat "$TMPDIR/err"; fail "minutes left"; }
expect_rc 0 "list shows the lock" -- B user list --tsv
grep -q $'^reza\tsupervisor\t1\tlocked\t15' "$TMPDIR/out" || { cat "$TMPDIR/out"; fail "reza locked"; }
expect_rc 0 "an administrator's passwd clears the lock" -- B user passwd reza --password-fd 4 4<<<"reza-password-2"
expect_rc 0 "reza again" -- P --user reza --password-fd 3 search Zahra 3<<<"reza-password-2"

# --- a file's history ---
expect_rc 0 "audit show" -- P --user reza --password-fd 3 audit show 0499370899 --tsv 3<<<"reza-password-2"
grep -q $'\treza\timport\t' "$TMPDIR/out" || { cat "$TMPDIR/out"; fail "the import batch, by reza, is in the history"; }
expect_rc 0 "enable sara" -- B user enable sara
expect_rc 6 "a caseworker may not read the trail" -- P --user sara --password-fd 3 audit show 0499370899 3<<<"sara-password-2"

# --- the chain ---
expect_rc 0 "verify" -- B audit verify
grep -q "intact" "$TMPDIR/out" || fail "intact"
# no password anywhere in the file
sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
for pw in boss-password-1 sara-password-2 reza-password-2; do
  grep -qa -- "$pw" "$db" && fail "$pw stored in clear"
done
# the program refuses to edit the trail, so the attacker drops the protection
sqlite3 "$db" "UPDATE audit SET actor = 'x' WHERE seq = 3;" 2>/dev/null && fail "audit row edited with its protection on"
sqlite3 "$db" "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'nobody' WHERE seq = 3;" || fail "sqlite3 tamper"
expect_rc 1 "verify detects the change" -- B audit verify
grep -q "entry 3 was changed" "$TMPDIR/err" || { cat "$TMPDIR/err"; fail "the changed entry is named"; }
echo "security cli: ok"
