#!/usr/bin/env bash
# The command line's basics: init creates a private database and is safe to
# run again, sets the branch, honours XDG_DATA_HOME; dates convert both
# ways with ASCII or Persian digits; Persian messages have Persian digits;
# usage errors exit 2.
set -u
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
db=$TMPDIR/basics.db
P() { "$PARVANDE" --db "$db" "$@"; }
expect_rc() { # expected-status command...
  local want=$1; shift
  "$@" >"$TMPDIR/out" 2>"$TMPDIR/err"; local got=$?
  [ "$got" -eq "$want" ] || fail "'$*' exited $got, wanted $want: $(cat "$TMPDIR/err")"
}

# --- init: idempotent, private, branch ---
expect_rc 0 P --lang en init
grep -q "Database ready" "$TMPDIR/out" || fail "init says nothing"
[ "$(stat -c %a "$db")" = 600 ] || fail "database mode is $(stat -c %a "$db"), not 600"
v1=$(sqlite3 "$db" "PRAGMA user_version")
[ "$v1" -ge 1 ] || fail "no schema version"
expect_rc 0 P --lang en init
[ "$(sqlite3 "$db" "PRAGMA user_version")" = "$v1" ] || fail "second init changed the schema version"
[ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity after init"
expect_rc 0 P --lang en init --branch 42 --province تهران --county ری --office "دفتر مرکزی"
grep -q "42" "$TMPDIR/out" || fail "branch not shown: $(cat "$TMPDIR/out")"
[ "$(sqlite3 "$db" "SELECT code || '|' || province || '|' || office FROM branch")" = "42|تهران|دفتر مرکزی" ] \
  || fail "branch not stored"
expect_rc 0 P --lang fa init
grep -q "۴۲" "$TMPDIR/out" || fail "Persian init does not show the branch in Persian digits"
expect_rc 2 P init --branch
expect_rc 2 P init --branch abc
expect_rc 2 P init --colour blue

# default path under XDG_DATA_HOME, created private
XDG_DATA_HOME=$TMPDIR/xdg "$PARVANDE" --lang en init >/dev/null || fail "init at the default path"
[ -f "$TMPDIR/xdg/parvande/parvande.db" ] || fail "no database under XDG_DATA_HOME"
[ "$(stat -c %a "$TMPDIR/xdg/parvande/parvande.db")" = 600 ] || fail "default database not private"
PARVANDE_DB=$TMPDIR/env.db "$PARVANDE" --lang en init >/dev/null || fail "init at PARVANDE_DB"
[ -f "$TMPDIR/env.db" ] || fail "PARVANDE_DB not honoured"

# --- date ---
[ "$("$PARVANDE" date 1403/12/30)" = 2025-03-20 ] || fail "1403/12/30"
[ "$("$PARVANDE" date 2025-03-21)" = 1404/01/01 ] || fail "2025-03-21"
[ "$("$PARVANDE" date ۱۴۰۳/۱۲/۳۰)" = 2025-03-20 ] || fail "Persian digits, Jalali"
[ "$("$PARVANDE" date ۲۰۲۵-۰۳-۲۱)" = 1404/01/01 ] || fail "Persian digits, Gregorian"
[ "$("$PARVANDE" date 1403/01/01)" = 2024-03-20 ] || fail "1403/01/01"
[ "$("$PARVANDE" --lang en date 1403-01-01)" = 2024-03-20 ] || fail "Jalali with dashes"
expect_rc 3 "$PARVANDE" --lang en date 1403/07/31
grep -q "Date" "$TMPDIR/err" || fail "a bad date's message names the field: $(cat "$TMPDIR/err")"
# the Persian interface writes a message's numbers with Persian digits, a
# path's digits as they were typed
expect_rc 3 "$PARVANDE" --lang fa date 1403/07/31
grep -q "۳۱" "$TMPDIR/err" && grep -q "۱۴۰۳" "$TMPDIR/err" && ! grep -q "[0-9]" "$TMPDIR/err" \
  || fail "Persian message with ASCII digits: $(cat "$TMPDIR/err")"
expect_rc 1 "$PARVANDE" --lang fa --db "$TMPDIR/no-dir-2/db1.db" init
grep -q "$TMPDIR/no-dir-2/db1.db" "$TMPDIR/err" || fail "a path's digits changed: $(cat "$TMPDIR/err")"
expect_rc 3 "$PARVANDE" --lang en date 1403/13/01
expect_rc 3 "$PARVANDE" --lang en date yesterday

# --- usage errors ---
expect_rc 2 "$PARVANDE" frobnicate
expect_rc 2 "$PARVANDE" --lang de date 1403/01/01
expect_rc 2 P date
expect_rc 2 P date 1403/01/01 1403/01/02
expect_rc 2 P import
expect_rc 2 P import a.csv b.csv
expect_rc 2 P import a.csv --reject x.csv
expect_rc 2 P show
expect_rc 2 P show 0499370899 --bogus
expect_rc 2 P search
expect_rc 2 P search علی --limit
expect_rc 2 P search علی --limit abc
expect_rc 2 P search علی --limit 0
grep -q "search" "$TMPDIR/err" || fail "usage error does not show the usage"

# --- help and version ---
expect_rc 0 "$PARVANDE" --lang en --help
for w in init import show search date "Exit status" "--tsv"; do
  grep -q -- "$w" "$TMPDIR/out" || fail "--help does not mention $w"
done
grep -q "NATIONAL_ID FIRST LAST FATHER BIRTH GENDER FILE_STATUS" "$TMPDIR/out" || fail "--help lacks the search TSV columns"
# a command's own --help: its usage on stdout, status 0, no database needed
expect_rc 0 "$PARVANDE" --lang en --db "$TMPDIR/none/x.db" enroll --help
grep -q "^usage: parvande enroll NATIONAL_ID CODE" "$TMPDIR/out" || fail "enroll --help: $(cat "$TMPDIR/out")"
[ -e "$TMPDIR/none" ] && fail "--help made a database"
expect_rc 0 "$PARVANDE" --lang en group add -h
grep -q "^usage: parvande group add" "$TMPDIR/out" || fail "group add -h: $(cat "$TMPDIR/out")"
expect_rc 0 "$PARVANDE" show --help
grep -q "^کاربرد: parvande show" "$TMPDIR/out" || fail "show --help in Persian: $(cat "$TMPDIR/out")"
grep -q "man parvande" "$TMPDIR/out" || fail "show --help does not point to the manual"
expect_rc 0 "$PARVANDE" --version
grep -q "parvande" "$TMPDIR/out" || fail "--version"
echo "basics: ok"
