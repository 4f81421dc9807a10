#!/usr/bin/env bash
# Full disk, read-only media, damaged files: a clear message in the user's
# language (never SQLite's own text), exit status 1, and the database
# unharmed. Reading works on read-only media, the login's audit entry kept
# in the user's side file. The disk fills through RLIMIT_FSIZE; read-only
# media is a tmpfs remounted read-only when the test may mount, else
# permissions (which do not bind root).
set -u
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
db=$TMPDIR/s.db
P() { "$PARVANDE" --lang en --db "$db" --user reza --password-fd 3 "$@" 3<<<"reza-password-1"; }
raw() { grep -qiE "database error|disk I/O error|readonly database|unable to open|file is not a database" "$@"; }
gen=$BUILD/bench-gen
if [ ! -x "$gen" ]; then gen=$TMPDIR/gen; cc -O2 -o "$gen" bench/gen.c || fail "generator"; fi
"$gen" 1500 1 >"$TMPDIR/a.csv"
"$gen" 20000 2 >"$TMPDIR/b.csv"
"$PARVANDE" --db "$db" init --admin boss --password-fd 3 3<<<"boss-password-1" >/dev/null 2>&1 \
  || fail init
"$PARVANDE" --db "$db" --user boss --password-fd 3 user add reza --role supervisor --password-fd 4 \
  3<<<"boss-password-1" 4<<<"reza-password-1" >/dev/null || fail "user add"
P import "$TMPDIR/a.csv" >/dev/null || fail "first import"
before=$(sqlite3 "$db" "SELECT count(*) FROM person")

# --- a full disk: the file may not grow past its size plus a little ---
size_kb=$(( $(stat -c %s "$db") / 1024 ))
( ulimit -f $(( (size_kb + 200) * 2 )); P import "$TMPDIR/b.csv" ) >"$TMPDIR/out" 2>"$TMPDIR/err"
rc=$?
[ $rc -eq 1 ] || fail "full disk: exit $rc: $(cat "$TMPDIR/err")"
grep -q "disk" "$TMPDIR/err" || fail "full disk: no word of the disk: $(cat "$TMPDIR/err")"
raw "$TMPDIR/err" && fail "full disk: SQLite's text shown: $(cat "$TMPDIR/err")"
[ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] || fail "full disk: integrity"
[ "$(sqlite3 "$db" "SELECT count(*) FROM person")" -eq "$before" ] || fail "full disk: rows changed"
P audit verify >"$TMPDIR/out" 2>&1 || fail "full disk: audit verify: $(cat "$TMPDIR/out")"
( ulimit -f $(( (size_kb + 200) * 2 )); "$PARVANDE" --db "$db" --user reza --password-fd 3 \
  import "$TMPDIR/b.csv" 3<<<"reza-password-1" ) >"$TMPDIR/out" 2>"$TMPDIR/err"
grep -q "دیسک" "$TMPDIR/err" || fail "full disk in Persian: $(cat "$TMPDIR/err")"
# and it works again once there is room
P import "$TMPDIR/b.csv" >/dev/null || fail "import after the disk was freed"

# --- read-only media ---
nid=$(sed -n 2p "$TMPDIR/a.csv" | cut -d, -f2)
ro=$TMPDIR/ro
mkdir -p "$ro"
mounted=0
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64m tmpfs "$ro" 2>/dev/null; then
  mounted=1
  cp "$db" "$db.audit-head" "$ro/" && mount -o remount,ro "$ro" || { umount "$ro"; fail "remount"; }
  trap 'umount "$ro" 2>/dev/null' EXIT
elif [ "$(id -u)" -ne 0 ]; then
  cp "$db" "$db.audit-head" "$ro/" && chmod 0400 "$ro/s.db" && chmod 0500 "$ro"
else
  echo "skipped read-only media: root without mount"; echo ok; exit 0
fi
R() { "$PARVANDE" --lang en --db "$ro/s.db" --user reza --password-fd 3 "$@" 3<<<"reza-password-1"; }
R show "$nid" --tsv >"$TMPDIR/out" 2>"$TMPDIR/err" || fail "read-only: show: $(cat "$TMPDIR/err")"
grep -q "^person	$nid	" "$TMPDIR/out" || fail "read-only: show printed $(head -2 "$TMPDIR/out")"
grep -q "read-only" "$TMPDIR/err" || fail "read-only: the user is not told"
R search "$nid" >/dev/null 2>&1 || fail "read-only: search"
R fact "$nid" request >"$TMPDIR/out" 2>"$TMPDIR/err"
rc=$?
[ $rc -eq 1 ] || fail "read-only: a change exited $rc"
grep -q "is read-only" "$TMPDIR/err" || fail "read-only: the refusal says $(cat "$TMPDIR/err")"
raw "$TMPDIR/err" && fail "read-only: SQLite's text shown: $(cat "$TMPDIR/err")"
R audit verify >"$TMPDIR/out" 2>&1 || fail "read-only: audit verify: $(cat "$TMPDIR/out")"
[ "$mounted" -eq 1 ] && umount "$ro"
[ "$mounted" -eq 0 ] && chmod 0700 "$ro"

# a session's entries on read-only media go to the user's side file
grep -q '"actor":"reza","action":"login"' "${XDG_STATE_HOME:-$HOME/.local/state}/parvande/unrecorded-audit.log" \
  || fail "the read-only session's login is not kept in the side file"

# --- damaged files ---
printf 'just some text, not a database\n%.0s' $(seq 200) >"$TMPDIR/text.db"
"$PARVANDE" --lang en --db "$TMPDIR/text.db" --user reza search x >"$TMPDIR/out" 2>"$TMPDIR/err"
[ $? -eq 1 ] || fail "a text file as database: exit $?"
grep -q "not a parvande database" "$TMPDIR/err" || fail "text file: $(cat "$TMPDIR/err")"
raw "$TMPDIR/err" && fail "text file: SQLite's text shown"
head -c 20000 "$db" >"$TMPDIR/cut.db"
"$PARVANDE" --lang en --db "$TMPDIR/cut.db" --user reza search x >"$TMPDIR/out" 2>"$TMPDIR/err"
[ $? -eq 1 ] || fail "a truncated database: exit $?"
grep -qi "damaged\|not a parvande" "$TMPDIR/err" || fail "truncated: $(cat "$TMPDIR/err")"
raw "$TMPDIR/err" && fail "truncated: SQLite's text shown: $(cat "$TMPDIR/err")"
cp "$db" "$TMPDIR/new.db"
sqlite3 "$TMPDIR/new.db" "PRAGMA user_version = 99"
"$PARVANDE" --lang en --db "$TMPDIR/new.db" --user reza search x >"$TMPDIR/out" 2>"$TMPDIR/err"
[ $? -eq 1 ] || fail "a newer database: exit $?"
grep -q "newer parvande" "$TMPDIR/err" || fail "newer: $(cat "$TMPDIR/err")"
[ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] || fail "the database at the end"
echo ok
