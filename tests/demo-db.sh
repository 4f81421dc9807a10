#!/usr/bin/env bash
# Builds BUILD/demo.db for `make run`: a branch office with a few hundred
# synthetic households (bench/gen.c, a fixed seed), so a new user sees real
# files at once. Idempotent and quick: an existing demo database is kept.
#   tests/demo-db.sh [BUILD]
# Its three accounts exist only in this synthetic database, and their
# passwords are printed here on purpose (make run shows the first on the
# login screen through PARVANDE_DEMO_LOGIN): the caseworker "demo"
# (password parvande-demo), the supervisor "supervisor"
# (parvande-supervisor, for approvals) and the administrator "admin"
# (parvande-admin).
# A real database starts with no user and no default password.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${BUILD:-build}}
DB=${DEMO_DB:-$BUILD/demo.db}   # DEMO_DB: elsewhere (the end-to-end test)
P=$BUILD/parvande
export PARVANDE_LOCALEDIR=${PARVANDE_LOCALEDIR:-$PWD/$BUILD/locale}
if [ -s "$DB" ] && [ "$(sqlite3 "$DB" "SELECT count(*) FROM person" 2>/dev/null || echo 0)" -gt 0 ]; then
  echo "demo database: $DB (kept)"
  exit 0
fi
gen=$BUILD/bench-gen
if [ ! -x "$gen" ]; then
  gen=$BUILD/demo-gen
  [ -x "$gen" ] && [ "$gen" -nt bench/gen.c ] || cc -O2 -o "$gen" bench/gen.c
fi
tmp=$DB.new
rm -f "$tmp" "$tmp-wal" "$tmp-shm" "$BUILD/demo.csv"
"$gen" 1000 11 >"$BUILD/demo.csv"
"$P" --db "$tmp" --lang en init --branch 1 --province تهران --county تهران --office "دفتر نمونه" >/dev/null
"$P" --db "$tmp" --lang en import "$BUILD/demo.csv" >/dev/null
"$P" --db "$tmp" --lang en init --admin admin --password-fd 3 3<<<"parvande-admin" >/dev/null
add_user() { # add_user NAME ROLE PASSWORD
  "$P" --db "$tmp" --lang en --user admin --password-fd 3 user add "$1" --role "$2" \
    --password-fd 4 3<<<"parvande-admin" 4<<<"$3" >/dev/null
}
add_user demo caseworker parvande-demo
add_user supervisor supervisor parvande-supervisor
rm -f "$BUILD/demo.csv" "$tmp-wal" "$tmp-shm"
mv "$tmp" "$DB"
echo "demo database: $DB ($(sqlite3 "$DB" "SELECT count(*) FROM household") households)"
