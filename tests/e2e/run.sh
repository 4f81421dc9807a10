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
# Arguments name some of the tests (test_x.sh); none means all of them.
tests=(tests/e2e/test_*.sh)
[ $# -gt 0 ] && tests=("${@/#/tests/e2e/}")
for t in "${tests[@]}"; do
  [ -e "$t" ] || { echo "no such test: $t"; exit 2; }
  scratch=$(mktemp -d)
  mkdir "$scratch/san"
  # A sanitized build writes any report to a file of its own, so a test fails
  # on a sanitizer finding even where its script ignored the exit status.
  san="log_path=$scratch/san/report"
  if ASAN_OPTIONS="$san" UBSAN_OPTIONS="$san:print_stacktrace=1" \
     TMPDIR="$scratch" HOME="$scratch" bash "$t" >"$scratch/log" 2>&1 &&
     [ -z "$(ls -A "$scratch/san")" ]; then
    pass=$((pass+1)); echo "ok   $t"
  else
    cat "$scratch"/san/* >>"$scratch/log" 2>/dev/null
    fail=$((fail+1)); failed+=("$t"); echo "FAIL $t"; sed 's/^/     /' "$scratch/log" | tail -40
  fi
  rm -rf "$scratch"
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
