#!/usr/bin/env bash
# kill -9 during a large import: the database stays consistent
# (PRAGMA integrity_check is ok) and no household is half-imported — every
# household in the database has exactly the members the file gives it, and
# its case file. Twice: a file of adjacent households (committed in
# batches), and one where a household's rows lie at both ends of the file
# (so no commit may fall inside it). Then the import run to the end brings
# everything in.
set -u
# A process killed while the leak checker of a sanitized build runs at its
# exit makes the checker report a lost thread; leaks are every other test's.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
rows=${KILL_TEST_ROWS:-60000}
gen=$BUILD/bench-gen
if [ ! -x "$gen" ]; then
  gen=$TMPDIR/gen
  cc -O2 -o "$gen" bench/gen.c || fail "cannot build the generator"
fi
"$gen" "$rows" 7 >"$TMPDIR/big.csv" || fail "generator"
# file 2: the first household's first row moved to the end
{ head -1 "$TMPDIR/big.csv"; sed -n '3,$p' "$TMPDIR/big.csv"; sed -n 2p "$TMPDIR/big.csv"; } >"$TMPDIR/split.csv"

# households and their sizes according to a CSV (the key is the first column)
csv_sizes() { awk -F, 'NR > 1 { n[$1]++ } END { for (k in n) print k "," n[k] }' "$1" | sort; }
db_sizes() {
  sqlite3 -separator , "$1" "SELECT h.external_key, count(p.id) FROM household h
                               LEFT JOIN person p ON p.household_id = h.id GROUP BY h.id" | sort
}
check_consistent() { # db csv label
  [ "$(sqlite3 "$1" "PRAGMA integrity_check")" = ok ] || fail "$3: integrity_check"
  [ "$(sqlite3 "$1" "PRAGMA foreign_key_check" | wc -l)" -eq 0 ] || fail "$3: foreign keys"
  csv_sizes "$2" >"$TMPDIR/want"
  db_sizes "$1" >"$TMPDIR/have"
  local bad
  bad=$(join -t, "$TMPDIR/have" "$TMPDIR/want" | awk -F, '$2 != $3' | head -3)
  [ -z "$bad" ] || fail "$3: half-imported households (key,in db,in file): $bad"
  [ "$(join -t, -v1 "$TMPDIR/have" "$TMPDIR/want" | wc -l)" -eq 0 ] || fail "$3: households not in the file"
  [ "$(sqlite3 "$1" "SELECT count(*) FROM household h WHERE NOT EXISTS
        (SELECT 1 FROM casefile c WHERE c.household_id = h.id)")" -eq 0 ] || fail "$3: household without case file"
}
# Starts an import and kills it with SIGKILL once the database holds more
# than `after` persons (or after `secs` seconds when after is -1), so the
# kill lands in the middle of the work on a fast machine as on a slow one.
kill_during_import() { # db csv after secs
  "$PARVANDE" --db "$1" import "$2" >/dev/null 2>&1 &
  local pid=$! t=0 n
  while kill -0 "$pid" 2>/dev/null && [ "$t" -lt 600 ]; do
    sleep 0.1; t=$((t + 1))
    if [ "$3" -ge 0 ]; then
      n=$(sqlite3 "$1" "SELECT count(*) FROM person" 2>/dev/null || echo 0)
      [ "${n:-0}" -gt "$3" ] && break
    elif [ "$t" -ge $(( $4 * 10 )) ]; then
      break
    fi
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  status=$? # 137 when SIGKILL ended it, not the import's own exit
  true
}

db=$TMPDIR/kill.db
"$PARVANDE" --db "$db" init >/dev/null || fail "init"
kill_during_import "$db" "$TMPDIR/big.csv" 0 0
n=$(sqlite3 "$db" "SELECT count(*) FROM person")
echo "adjacent households: $n of $rows rows in after kill -9 once the first batch was in"
[ "$n" -gt 0 ] && [ "$n" -lt "$rows" ] || fail "the kill did not land inside the import ($n rows)"
check_consistent "$db" "$TMPDIR/big.csv" "after kill (adjacent)"
# a file this large is imported without the name indexes (built again at
# its end): the kill left them missing, and the next command builds them
name_indexes() { sqlite3 "$1" "SELECT count(*) FROM sqlite_master WHERE type = 'index'
                                AND name IN ('person_fold_first', 'person_fold_last', 'person_fold_father')"; }
[ "$(name_indexes "$db")" -eq 0 ] || fail "the name indexes were not dropped during the import"
[ "$(sqlite3 "$db" "SELECT count(*) FROM bulk_import")" -eq 1 ] || fail "bulk_import row"
"$PARVANDE" --lang en --db "$db" search "محمد" --limit 3 >/dev/null 2>&1
[ "$(name_indexes "$db")" -eq 3 ] || fail "the next open did not build the name indexes again"
[ "$(sqlite3 "$db" "SELECT count(*) FROM bulk_import")" -eq 0 ] || fail "bulk_import not cleared"
[ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after healing"
kill_during_import "$db" "$TMPDIR/big.csv" "$n" 0
n=$(sqlite3 "$db" "SELECT count(*) FROM person")
echo "adjacent households: $n rows in after a second kill -9"
check_consistent "$db" "$TMPDIR/big.csv" "after a second kill (adjacent)"

db2=$TMPDIR/split.db
"$PARVANDE" --db "$db2" init >/dev/null || fail "init 2"
# Killed as soon as the second pass has begun (it commits the bulk_import
# row, before dropping the name indexes): the kill must be what ended the
# import (status 137, not an import already done), and then nothing of the
# file's one transaction may be in. A kill that came too late (the import
# was over) proves nothing, so it is tried again on a fresh database.
landed=0
for attempt in 1 2 3; do
  rm -f "$db2" "$db2-wal" "$db2-shm" "$db2.audit-head"
  "$PARVANDE" --db "$db2" init >/dev/null || fail "init 2"
  "$PARVANDE" --db "$db2" import "$TMPDIR/split.csv" >/dev/null 2>&1 &
  pid=$! t=0
  while kill -0 "$pid" 2>/dev/null && [ "$t" -lt 6000 ]; do
    [ "$(sqlite3 "$db2" "SELECT count(*) FROM bulk_import" 2>/dev/null)" = 1 ] && break
    sleep 0.01; t=$((t + 1))
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  status=$?
  n2=$(sqlite3 "$db2" "SELECT count(*) FROM person")
  echo "split household, attempt $attempt: exit $status, $n2 of $rows rows in after kill -9"
  if [ "$status" -eq 137 ] && [ "$(sqlite3 "$db2" "SELECT count(*) FROM bulk_import")" -eq 1 ]; then
    landed=1
    break
  fi
done
[ "$landed" -eq 1 ] || fail "the kill never landed inside the split import"
[ "$n2" -eq 0 ] || fail "a household spanning the file must keep the import in one transaction ($n2 rows)"
check_consistent "$db2" "$TMPDIR/split.csv" "after kill (split)"

# to the end
"$PARVANDE" --lang en --db "$db" import "$TMPDIR/big.csv" >"$TMPDIR/out" 2>"$TMPDIR/err" \
  || fail "the full import exited $?: $(head -3 "$TMPDIR/err")"
read -r imported updated < <(sed -n 's/^imported \([0-9]*\), updated \([0-9]*\), rejected 0$/\1 \2/p' "$TMPDIR/out")
[ $((imported + updated)) -eq "$rows" ] || fail "summary: $(cat "$TMPDIR/out")"
[ "$(sqlite3 "$db" "SELECT count(*) FROM person")" -eq "$rows" ] || fail "not every row is in"
check_consistent "$db" "$TMPDIR/big.csv" "after the full import"
echo "kill: ok"
