#!/usr/bin/env bash
# Runs every end-to-end test script in tests/e2e (each one a real use of the
# program: the command line, or the interface driven through tmux).
# Each script gets PARVANDE (the binary), BUILD, and a scratch TMPDIR; it
# exits 0 when it passed.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export PARVANDE="$PWD/$BUILD/parvande" PARVANDE_LOCALEDIR="$PWD/$BUILD/locale" BUILD
export PARVANDE_DATADIR="$PWD/data"
pass=0 fail=0 failed=()
for t in tests/e2e/test_*.sh; do
  [ -e "$t" ] || continue
  scratch=$(mktemp -d)
  if TMPDIR="$scratch" HOME="$scratch" bash "$t" >"$scratch/log" 2>&1; then
    pass=$((pass+1)); echo "ok   $t"
  else
    fail=$((fail+1)); failed+=("$t"); echo "FAIL $t"; sed 's/^/     /' "$scratch/log" | tail -40
  fi
  rm -rf "$scratch"
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
