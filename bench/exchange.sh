#!/usr/bin/env bash
# make bench, the exchange step: a branch sends about 100,000 changes to
# its province in one package (new households, their case files and
# persons), then 10,000 changed files; each export and import timed, with
# the package's size. Run by bench/run.sh; works alone too:
#   BUILD=build bench/exchange.sh
# Environment: BUILD, BENCH_DIR (as run.sh), EXCHANGE_ROWS (default 61500
# rows, which the generator's households of one to seven make ~100,000
# changes).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DIR=${BENCH_DIR:-$BUILD/bench}/exchange
ROWS=${EXCHANGE_ROWS:-61500}
export PARVANDE_LOCALEDIR=$PWD/$BUILD/locale PARVANDE_DATADIR=$PWD/data
P=$PWD/$BUILD/parvande
rm -rf "$DIR"
mkdir -p "$DIR"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
now() { date +%s.%N; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB (%d bytes)", b / 1048576, b }'; }
X() { local db=$1; shift; "$P" --lang en --db "$DIR/$db.db" "$@" --passphrase-fd 3 3<<<"bench-passphrase-$db"; }
"$P" --db "$DIR/a.db" init --branch 11 >/dev/null
"$P" --db "$DIR/p.db" init --branch 100 >/dev/null
X a office init --level branch --parent 100 >/dev/null
X p office init --level province --parent 1000 >/dev/null
"$P" --db "$DIR/a.db" office key --out "$DIR/a.key"
"$P" --db "$DIR/p.db" office key --out "$DIR/p.key"
"$P" --db "$DIR/a.db" office trust "$DIR/p.key" >/dev/null
"$P" --db "$DIR/p.db" office trust "$DIR/a.key" >/dev/null
"$BUILD/bench-gen" "$ROWS" 7 >"$DIR/a.csv"
"$P" --db "$DIR/a.db" import "$DIR/a.csv" >/dev/null
# the first package carries the catalog's first exchange too: send that first
X p exchange export --to 11 --out "$DIR/down.pvx" >/dev/null
X a exchange import "$DIR/down.pvx" >/dev/null

# timed NAME DB ARGS...: runs, prints "NAME: S s (CPU C s)" and leaves the
# --tsv line in $DIR/out. The CPU time is the process's own (user + system):
# on a shared machine the wall time includes waiting for a core. Both
# include unlocking the office's keys (Argon2id, about 0.1 s of CPU).
timed() {
  local name=$1 db=$2; shift 2
  local t0 t1 cpu
  t0=$(now)
  ( "$P" --lang en --db "$DIR/$db.db" "$@" --tsv --passphrase-fd 3 3<<<"bench-passphrase-$db" >"$DIR/out"
    times >"$DIR/times" )
  t1=$(now)
  # the subshell's children: the second line of `times`, "XmY.YYYs XmZ.ZZZs"
  cpu=$(sed -n 2p "$DIR/times" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/);
    n += t[1] * 60 + t[2] } printf "%.2f", n }')
  awk -v n="$name" -v a="$t0" -v b="$t1" -v c="$cpu" 'BEGIN { printf "%s: %.2f s (CPU %s s)\n", n, b - a, c }'
}
timed "export of the first package" a exchange export --to 100 --out "$DIR/1.pvx"
changes=$(cut -f7 "$DIR/out")
echo "changes in it: $changes ($ROWS persons with their households and case files)"
echo "package size: $(mb "$(stat -c %s "$DIR/1.pvx")")"
timed "import at the province" p exchange import "$DIR/1.pvx"
awk -v c="$changes" -v f="$(cut -f7 "$DIR/out")" 'BEGIN { if (c != f) { print "changes applied differ: " f; exit 1 } }'

# 10,000 files changed at the branch: a new phone for the head of each
awk -F, 'NR == 1 { print; next } $13 == "head" && n < 10000 { $8 = "0912" sprintf("%07d", n++); print }' OFS=, \
  "$DIR/a.csv" >"$DIR/changed.csv"
"$P" --db "$DIR/a.db" import "$DIR/changed.csv" >/dev/null
timed "export of 10,000 changed files" a exchange export --to 100 --out "$DIR/2.pvx"
echo "changes in it: $(cut -f7 "$DIR/out") (the first package, not yet acknowledged, travels again)"
echo "package size: $(mb "$(stat -c %s "$DIR/2.pvx")")"
# the acknowledgement comes down, and the next package carries only the change
X p exchange import "$DIR/2.pvx" >/dev/null
X p exchange export --to 11 --out "$DIR/ack.pvx" >/dev/null
X a exchange import "$DIR/ack.pvx" >/dev/null
"$P" --db "$DIR/a.db" import "$DIR/changed.csv" >/dev/null # (nothing changes: same values)
awk -F, 'NR == 1 { print; next } $13 == "head" && n < 10000 { $8 = "0935" sprintf("%07d", n++); print }' OFS=, \
  "$DIR/a.csv" >"$DIR/changed2.csv"
"$P" --db "$DIR/a.db" import "$DIR/changed2.csv" >/dev/null
timed "export of 10,000 changed files, acknowledged before" a exchange export --to 100 --out "$DIR/3.pvx"
echo "changes in it: $(cut -f7 "$DIR/out")"
echo "package size: $(mb "$(stat -c %s "$DIR/3.pvx")")"
timed "import of it at the province" p exchange import "$DIR/3.pvx"
[ -n "${BENCH_KEEP:-}" ] || rm -rf "$DIR"
