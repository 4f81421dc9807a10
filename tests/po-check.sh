#!/usr/bin/env bash
# Every msgid in the sources must have a Persian translation.
set -u
pot=$1 fa=$2
if ! out=$(msgcmp "$fa" "$pot" 2>&1); then
  echo "po-check: strings without a Persian translation (add them to locale/fa/*.po):"
  echo "$out" | grep -B1 -E 'this message' | grep -v '^--' | head -60
  exit 1
fi
echo "po-check: every string has a Persian translation"
