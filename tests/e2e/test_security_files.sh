#!/usr/bin/env bash
# Files a user names: `import --rejects` never destroys the input (the same
# file, or a hard link to it, is refused) nor an existing file unless
# --force, writes through a temporary file renamed at the end, mode 0600;
# a huge file whose first line is over the record limit is refused at once
# (not after the whole file was read for its hash).
set -u
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
db=$TMPDIR/files.db
P() { "$PARVANDE" --lang en --db "$db" "$@"; }
q() { sqlite3 "$db" "$1"; }
P init >/dev/null || fail "init"
umask 022

cat >"$TMPDIR/in.csv" <<'CSV'
national_id,first_name,last_name,gender,birth_date
0499370899,علی,محمدی,M,1360/01/15
0084575948,زهرا,رضایی,F,1370/13/01
CSV
sum_before=$(sha256sum <"$TMPDIR/in.csv")

# The input as its own rejects file: refused before anything is read or written.
P import "$TMPDIR/in.csv" --rejects "$TMPDIR/in.csv" >"$TMPDIR/out" 2>"$TMPDIR/err"
rc=$?
[ $rc -eq 2 ] || fail "same file: exit $rc"
grep -q "being imported" "$TMPDIR/err" || fail "same file: message $(cat "$TMPDIR/err")"
[ "$(sha256sum <"$TMPDIR/in.csv")" = "$sum_before" ] || fail "the input was changed"
[ "$(q 'SELECT count(*) FROM person')" -eq 0 ] || fail "imported although refused"
# The same inode under another name, even with --force.
ln "$TMPDIR/in.csv" "$TMPDIR/link.csv"
P import "$TMPDIR/in.csv" --rejects "$TMPDIR/link.csv" --force >"$TMPDIR/out" 2>&1
[ $? -eq 2 ] || fail "hard link accepted: $(cat "$TMPDIR/out")"
[ "$(sha256sum <"$TMPDIR/in.csv")" = "$sum_before" ] || fail "the input was changed through a link"

# An existing file: kept unless --force.
echo "precious" >"$TMPDIR/old.csv"
P import "$TMPDIR/in.csv" --rejects "$TMPDIR/old.csv" >"$TMPDIR/out" 2>"$TMPDIR/err"
[ $? -eq 2 ] || fail "existing file overwritten without --force"
grep -q -- "--force" "$TMPDIR/err" || fail "no hint at --force: $(cat "$TMPDIR/err")"
[ "$(cat "$TMPDIR/old.csv")" = precious ] || fail "existing file changed"
P import "$TMPDIR/in.csv" --rejects "$TMPDIR/old.csv" --force >"$TMPDIR/out" 2>"$TMPDIR/err"
[ $? -eq 3 ] || fail "--force import: exit $?"
grep -q "^0084575948,زهرا,رضایی" "$TMPDIR/old.csv" || fail "rejected row not written with --force"
[ "$(stat -c %a "$TMPDIR/old.csv")" = 600 ] || fail "rejects mode $(stat -c %a "$TMPDIR/old.csv")"

# A new file: 0600 whatever the umask, no temporary file left beside it.
P import "$TMPDIR/in.csv" --rejects "$TMPDIR/new.csv" >"$TMPDIR/out" 2>"$TMPDIR/err"
[ -f "$TMPDIR/new.csv" ] || fail "no rejects file"
[ "$(stat -c %a "$TMPDIR/new.csv")" = 600 ] || fail "new rejects mode $(stat -c %a "$TMPDIR/new.csv")"
head -1 "$TMPDIR/new.csv" | grep -q "error" || fail "rejects header: $(head -1 "$TMPDIR/new.csv")"
ls "$TMPDIR" | grep -q '\.csv\.' && fail "temporary file left: $(ls "$TMPDIR")"
# A header error: the rejects file is not created (nothing to correct there).
printf 'bogus,first_name\n1,2\n' >"$TMPDIR/bad.csv"
P import "$TMPDIR/bad.csv" --rejects "$TMPDIR/none.csv" >/dev/null 2>&1
[ -e "$TMPDIR/none.csv" ] && fail "rejects file made for a refused header"
ls "$TMPDIR" | grep -q '\.csv\.' && fail "temporary file left after a header error"

# A 3 GB file (sparse) whose first line is 2 MB long: refused at once.
head -c 2000000 /dev/zero | tr '\0' a >"$TMPDIR/huge.csv"
truncate -s 3G "$TMPDIR/huge.csv" || fail "truncate"
t0=$(date +%s%N)
P import "$TMPDIR/huge.csv" >"$TMPDIR/out" 2>"$TMPDIR/err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
rm -f "$TMPDIR/huge.csv"
[ $rc -eq 3 ] || fail "huge first line: exit $rc: $(cat "$TMPDIR/err")"
grep -q "line 1: a record is longer than" "$TMPDIR/err" || fail "message: $(cat "$TMPDIR/err")"
[ $ms -lt 3000 ] || fail "the huge file took $ms ms to refuse"
echo "ok (huge first line refused in $ms ms)"
