#!/usr/bin/env bash
# Runs the end-to-end test scripts given, else every one in tests/e2e (each
# one a real use of the program: the command line, or the interface driven
# through tmux). `make e2e` runs them one by one through this, so that
# `make -j2` runs two at a time.
# Each script gets PARVANDE (the binary), BUILD, and a scratch TMPDIR; it
# exits 0 when it passed.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
export PARVANDE="$PWD/$BUILD/parvande" PARVANDE_LOCALEDIR="$PWD/$BUILD/locale" BUILD
export PARVANDE_DATADIR="$PWD/data"
pass=0 fail=0 failed=()
if [ "$#" -gt 0 ]; then scripts=("$@"); else scripts=(tests/e2e/test_*.sh); fi
for t in "${scripts[@]}"; do
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
[ "${#scripts[@]}" -gt 1 ] && echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
