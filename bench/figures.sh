#!/usr/bin/env bash
# bench/figures.sh LOG — the figures of a `make bench` run as one Markdown
# table, for doc/figures.md. Every step of bench/run.sh prints its figures
# as "name: value" lines; each becomes a row, under the heading of its step
# ("== step" lines), in the order they were printed.
set -euo pipefail
log=${1:?usage: bench/figures.sh BENCH-LOG}
head -n 1 "$log"
echo
echo "| step | figure | measured |"
echo "|---|---|---|"
awk '
  NR == 1 { next }
  /^== / { step = substr($0, 4); next }
  /^[A-Za-z][^:|]*: / {
    i = index($0, ": ")
    if (i > 61) next
    name = substr($0, 1, i - 1); value = substr($0, i + 2)
    gsub(/^ +| +$/, "", value); gsub(/\|/, "\\|", value)
    printf "| %s | %s | %s |\n", step, name, value
  }' "$log"
