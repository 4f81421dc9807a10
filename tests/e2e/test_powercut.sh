#!/usr/bin/env bash
# What a power cut leaves: the database file, its WAL and its shared-memory
# index copied at the moment the program is frozen mid-write (SIGSTOP, copy,
# then SIGKILL), several times during an import and a stream of
# enrollments. Each copy opened alone must pass integrity_check, hold whole
# households only, and let the next command work. (A copy holds what the
# operating system had been given; a real power cut can also lose what was
# given but not yet on the disk: with synchronous = NORMAL in WAL mode that
# is at most the last commits, never a damaged database — see the
# reliability section of the documentation.)
set -u
# A process killed while the leak checker of a sanitized build runs at its
# exit makes the checker report a lost thread; leaks are every other test's.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
db=$TMPDIR/pc.db
P() { "$PARVANDE" --db "$1" --lang en "${@:2}"; }
gen=$BUILD/bench-gen
[ -x "$gen" ] || { gen=$TMPDIR/gen; cc -O2 -o "$gen" bench/gen.c || fail "generator"; }
"$gen" "${POWERCUT_ROWS:-30000}" 5 2>/dev/null | sed 's/,no,active$/,yes,active/' >"$TMPDIR/big.csv"
P "$db" init >/dev/null || fail init
P "$db" catalog-sync >/dev/null || fail catalog-sync

cut_and_check() { # label pid
  kill -STOP "$2" 2>/dev/null || return 1
  local d=$TMPDIR/cut$cuts; mkdir -p "$d"
  for f in "$db" "$db-wal" "$db-shm"; do [ -e "$f" ] && cp "$f" "$d/"; done
  kill -9 "$2" 2>/dev/null; kill -CONT "$2" 2>/dev/null; wait "$2" 2>/dev/null
  local c=$d/pc.db
  [ "$(sqlite3 "$c" 'PRAGMA integrity_check')" = ok ] || fail "$1: the copy fails integrity_check"
  [ "$(sqlite3 "$c" "SELECT count(*) FROM household h WHERE NOT EXISTS
        (SELECT 1 FROM casefile f WHERE f.household_id = h.id)")" -eq 0 ] || fail "$1: a household without its file"
  [ "$(sqlite3 "$c" "SELECT count(*) FROM enrollment e WHERE NOT EXISTS
        (SELECT 1 FROM enrollment_event v WHERE v.enrollment_id = e.id)")" -eq 0 ] || fail "$1: an enrollment half-written"
  P "$c" search "محمد" --limit 1 >/dev/null 2>&1; local rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || fail "$1: the next command on the copy exited $rc"
  cuts=$((cuts + 1))
}

cuts=0
for delay in 0.3 0.8 1.5 2.5; do
  # the program itself in the background, so that $! is the process frozen
  # and killed (P & would be a subshell, and the import would run on)
  "$PARVANDE" --db "$db" --lang en import "$TMPDIR/big.csv" >/dev/null 2>&1 &
  sleep "$delay"
  cut_and_check "import at ${delay}s" $! || true
done
P "$db" import "$TMPDIR/big.csv" >/dev/null 2>&1 || [ $? -eq 3 ] || fail "the import to the end"
mapfile -t ids < <(sed -n '2,200p' "$TMPDIR/big.csv" | cut -d, -f2)
for i in $(seq 1 8); do
  ( for id in "${ids[@]}"; do P "$db" enroll "$id" 19072703102 >/dev/null 2>&1; done ) &
  sub=$!
  sleep "0.$((RANDOM % 9 + 1))"
  # the enrolling process of the moment (the subshell's child)
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pid=$(pgrep -P "$sub" | head -1)
    [ -n "$pid" ] && cut_and_check "enrollments, cut $i" "$pid" && break
  done
  kill "$sub" 2>/dev/null; wait "$sub" 2>/dev/null
done
[ "$cuts" -ge 8 ] || fail "only $cuts cuts landed"
echo "power cuts: $cuts copies taken mid-write, every one consistent"
