#!/usr/bin/env bash
# make bench — a benchmark, not a test: figures for the README.
#
# Each module adds its own step below, in its own clearly marked block, and
# prints its figures as "name: value" lines. Environment:
#   BUILD        build directory (default build)
#   BENCH_ROWS   beneficiaries to generate (default 1000000)
#   BENCH_DIR    where the CSV and the database go (default $BUILD/bench)
#   BENCH_KEEP=1 keep the CSV and the database afterwards
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ROWS=${BENCH_ROWS:-1000000}
DIR=${BENCH_DIR:-$BUILD/bench}
export PARVANDE_LOCALEDIR=$PWD/$BUILD/locale PARVANDE_DATADIR=$PWD/data
P=$BUILD/parvande
CSV=$DIR/beneficiaries.csv
DB=$DIR/bench.db
mkdir -p "$DIR"
step() { printf '\n== %s\n' "$*"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
echo "parvande bench: $ROWS beneficiaries, $(nproc) cores, $(uname -m)"

# ---------------------------------------------------------------------------
# step 1 (files): generate the beneficiaries as CSV
step "generate $ROWS beneficiaries"
"$BUILD/bench-gen" "$ROWS" 1 >"$CSV"
echo "csv: $(mb "$(stat -c %s "$CSV")"), $(($(wc -l <"$CSV") - 1)) rows"

# ---------------------------------------------------------------------------
# step 2 (files): import into a fresh database, timed, with its peak RSS
step "import"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$P" --db "$DB" init >/dev/null
"$BUILD/bench-rss" "$DIR/import.rss" "$P" --lang en --db "$DB" import "$CSV" >"$DIR/import.out" 2>"$DIR/import.err" \
  || { echo "import failed:"; tail -5 "$DIR/import.err"; exit 1; }
read -r secs peak_kb <"$DIR/import.rss"
cat "$DIR/import.out"
awk -v n="$ROWS" -v s="$secs" 'BEGIN { printf "import: %d rows in %.1f s = %.0f rows/s\n", n, s, n / s }'
echo "import peak RSS: $(mb $((peak_kb * 1024)))"
size=$(($(stat -c %s "$DB") + $(stat -c %s "$DB-wal" 2>/dev/null || echo 0)))
echo "database size: $(mb "$size")"

# ---------------------------------------------------------------------------
# step 2b (files): the storage engine's own floor for the same rows
# What SQLite alone needs to store what the import stored, with none of
# parvande's work: the households, case files and persons copied from the
# imported database by the sqlite3 shell into the same schema, in one
# transaction, with no audit triggers, no foreign-key checks, no parsing or
# validation; then the four name indexes built as the import builds them.
# ("WHERE id > 0" keeps SQLite from copying the stored records whole, which
# it does for a plain INSERT INTO t SELECT * FROM u.) The import cannot be
# faster than this on the same machine.
step "the storage engine's floor (sqlite3 shell, same rows and schema)"
FLOOR=$DIR/floor.db
rm -f "$FLOOR" "$FLOOR-wal" "$FLOOR-shm"
"$P" --db "$FLOOR" init >/dev/null
sqlite3 "$FLOOR" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'
  AND tbl_name IN ('household', 'casefile', 'person');
  SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
  AND tbl_name = 'person' AND name <> 'person_household';" | sqlite3 "$FLOOR"
indexes=$(sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index'
  AND tbl_name = 'person' AND sql IS NOT NULL AND name <> 'person_household'")
now() { date +%s.%N; }
t0=$(now)
sqlite3 "$FLOOR" "PRAGMA cache_size = -24576; ATTACH '$DB' AS src; BEGIN;
  INSERT INTO household SELECT * FROM src.household WHERE id > 0;
  INSERT INTO casefile SELECT * FROM src.casefile WHERE id > 0;
  INSERT INTO person SELECT * FROM src.person WHERE id > 0; COMMIT;"
t1=$(now)
sqlite3 "$FLOOR" "PRAGMA cache_size = -8192; PRAGMA temp_store = FILE; PRAGMA threads = 1;
  $indexes" >/dev/null
t2=$(now)
awk -v n="$ROWS" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  printf "floor: rows %.1f s + name indexes %.1f s = %.1f s = %.0f rows/s\n", b - a, c - b,
    c - a, n / (c - a) }'
[ -n "${BENCH_KEEP:-}" ] || rm -f "$FLOOR" "$FLOOR-wal" "$FLOOR-shm"

# ---------------------------------------------------------------------------
# step 3 (files): national-ID lookups and name searches through the core API
step "lookups"
"$BUILD/bench-lookup" "$DB" "$CSV" 5000

# ---------------------------------------------------------------------------
# step 4 (services): eligibility of the whole database in a batch
# --- begin services step (owned by the services module) ---
# `parvande eligible CODE` over every beneficiary, once per service, stdout to
# a file. The synthetic data records no facts (requests, documents...), so
# 001, 003 and 004 list nobody, but every beneficiary is still read and
# checked against every criterion.
step "eligibility batch (parvande eligible)"
"$P" --db "$DB" services >/dev/null # the first service command loads the catalog
total=$(sqlite3 "$DB" "SELECT count(*) FROM person")
for code in 19072703102 19071059100 19041060106 19071053115 L-004; do
  "$BUILD/bench-rss" "$DIR/eligible.rss" "$P" --lang en --db "$DB" eligible "$code" --tsv \
    --date 2025-01-01 >"$DIR/eligible.tsv" || { echo "eligible $code failed"; exit 1; }
  read -r secs peak_kb <"$DIR/eligible.rss"
  awk -v c="$code" -v n="$(wc -l <"$DIR/eligible.tsv")" -v t="$total" -v s="$secs" \
    -v m="$(mb $((peak_kb * 1024)))" \
    'BEGIN { printf "eligible %s: %d of %d beneficiaries in %.2f s, peak RSS %s\n", c, n, t, s, m }'
done
rm -f "$DIR/eligible.tsv" "$DIR/eligible.rss"
# --- end services step ---

# ---------------------------------------------------------------------------
# step 5 (interface): start-up and keystrokes through a pseudo-terminal
# --- begin interface step (owned by the interface module) ---
# The Persian interface on the million-row database: time
# from start to the login screen, then every keystroke of national IDs (in
# Persian digits) and last names typed into the search box, each timed to the
# last byte of the refreshed screen. Logs in as an administrator it creates
# (the first user of the database: the step is skipped if users exist).
step "interface (through a pseudo-terminal)"
if "$P" --db "$DB" --lang en init --admin bench-tui --password-fd 3 3<<<"bench-tui-pass" >/dev/null 2>&1; then
  "$BUILD/bench-tui" "$P" "$DB" "$CSV" bench-tui bench-tui-pass 10
else
  echo "interface: skipped (the database already has users)"
fi
# --- end interface step ---

# ---------------------------------------------------------------------------
# step 6 (exchange): a package of ~100,000 changes from a branch to its
# province, and of 10,000 changed files (bench/exchange.sh)
# --- begin exchange step ---
step "exchange packages (branch to province)"
BUILD=$BUILD BENCH_DIR=$DIR bench/exchange.sh
# --- end exchange step ---

# ---------------------------------------------------------------------------
if [ "${BENCH_KEEP:-0}" != 1 ]; then
  rm -f "$CSV" "$DB" "$DB-wal" "$DB-shm"
fi
