#!/usr/bin/env bash
# Hostile input against every command-line input path (tests/hostile/, made
# by tests/hostile/generate.py): each CSV file imported, each argument given
# to search/show/check/date, each card loaded. For every one: no crash (a
# signal, a sanitizer report), a refusal comes with a message, nothing the
# program prints holds a terminal escape or a bidi override it did not mean
# to send, and what was saved before is still there, unchanged. Then text
# written straight into the database by another tool: every listing prints
# it defanged.
set -u
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
H=tests/hostile
db=$TMPDIR/hostile.db
P() { "$PARVANDE" --db "$db" "$@"; }
q() { sqlite3 "$db" "$1"; }
# Bytes no output may hold: C0 controls but tab and newline, DEL, C1
# controls (UTF-8 C2 80-9F), bidi embeddings/overrides (U+202A-E).
dirty() { LC_ALL=C grep -aqP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]' "$@"; }
tried=0

P init >/dev/null || fail "init"
# What is saved before the hostile files: a sentinel household of two.
cat >"$TMPDIR/base.csv" <<'CSV'
national_id,first_name,last_name,father_name,gender,birth_date,household,relation,address
0790419904,فاطمه,محمدی,رضا,F,1365/05/20,S1,head,"تهران، خیابان آزادی"
0067749828,زهرا,محمدی,مهدی,F,1390/01/02,S1,child,
CSV
P import "$TMPDIR/base.csv" >/dev/null || fail "base import"
snapshot() { q "SELECT national_id, first_name, last_name, father_name, birth_date, address FROM person WHERE national_id IN ('0790419904','0067749828') ORDER BY 1"; }
before=$(snapshot)
[ -n "$before" ] || fail "sentinel not imported"

# run_one LABEL CMD...: runs a command, checks status, message and bytes.
run_one() {
  local label=$1; shift
  "$@" >"$TMPDIR/out" 2>"$TMPDIR/err"
  local rc=$?
  tried=$((tried+1))
  [ "$rc" -lt 128 ] || fail "$label: killed by signal $((rc-128))"
  [ "$rc" -ne 0 ] && [ ! -s "$TMPDIR/err" ] && fail "$label: exit $rc without a message"
  dirty "$TMPDIR/out" && fail "$label: raw control bytes on stdout: $(od -c "$TMPDIR/out" | head -5)"
  dirty "$TMPDIR/err" && fail "$label: raw control bytes on stderr: $(od -c "$TMPDIR/err" | head -5)"
  grep -qiE 'sqlite|constraint failed|database is locked|no such (table|column)' "$TMPDIR/out" "$TMPDIR/err" \
    && fail "$label: SQLite's own text reached the user: $(cat "$TMPDIR/err")"
  return 0
}

for f in "$H"/csv/*.csv; do
  for lang in fa en; do
    run_one "import $f ($lang)" P --lang "$lang" import "$f"
    rc=$?
  done
  # A refused row names its line; a refused file names the file or the header.
  if grep -q . "$TMPDIR/err" && ! grep -qE '(line|header|column|file|empty|row|CSV|[0-9])' "$TMPDIR/err"; then
    fail "import $f: message names neither line nor column: $(head -3 "$TMPDIR/err")"
  fi
done
[ "$(snapshot)" = "$before" ] || fail "the sentinel household changed: $(snapshot)"

for f in "$H"/args/*.txt; do
  v=$(cat "$f")
  for cmd in search show check date; do
    run_one "$cmd $f" P --lang en "$cmd" "$v"
  done
  run_one "search $f (fa)" P search "$v"
  run_one "--limit $f" P search زهرا --limit "$v"
  run_one "--db $f" "$PARVANDE" --db "$TMPDIR/x/$v" show 0499370899
done

for f in "$H"/cards/*.card; do
  run_one "catalog-load $f" P --lang en catalog-load "$f"
done
[ "$(P services --tsv | wc -l)" -ge 5 ] || fail "the shipped services are gone after the hostile cards"

# Text another tool wrote straight into the database (the triggers dropped,
# as an attacker holding the file would): every listing defangs it.
q "UPDATE person SET first_name = char(27) || '[2J' || char(27) || ']0;evil' || char(7) || 'x',
                     last_name = 'a' || char(8238) || 'b' || char(155) || '31m',
                     address = char(13) || 'over' || char(27) || 'P' || char(0x202d)
   WHERE national_id = '0790419904'" 2>/dev/null \
  || { sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type='trigger'" | while read -r t; do q "DROP TRIGGER \"$t\""; done;
       q "UPDATE person SET first_name = char(27) || '[2J' || char(27) || ']0;evil' || char(7) || 'x',
                            last_name = 'a' || char(8238) || 'b' || char(155) || '31m',
                            address = char(13) || 'over' || char(27) || 'P' || char(0x202d)
          WHERE national_id = '0790419904'" || fail "could not write behind the program's back"; }
[ "$(q "SELECT instr(first_name, char(27)) > 0 FROM person WHERE national_id = '0790419904'")" = 1 ] \
  || fail "the escape was not written into the database"
for lang in fa en; do
  run_one "show ($lang)" P --lang "$lang" show 0790419904
  grep -q . "$TMPDIR/out" || fail "show printed nothing"
  run_one "show --tsv ($lang)" P --lang "$lang" show 0790419904 --tsv
  run_one "search ($lang)" P --lang "$lang" search محمدی
  run_one "search --tsv ($lang)" P --lang "$lang" search محمدی --tsv
  run_one "facts ($lang)" P --lang "$lang" facts 0790419904
  run_one "check ($lang)" P --lang "$lang" check 0790419904
  run_one "enrollments ($lang)" P --lang "$lang" enrollments 0790419904
done
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
echo "hostile inputs: $tried runs, nothing crashed, nothing raw reached the terminal"
