#!/usr/bin/env bash
# parvande import: bad rows rejected with line, field and reason on stderr
# and in --rejects; every good row imported; the summary line; exit 3 when
# something was rejected and 0 when not; existing national IDs updated, not
# duplicated; an unknown column named; piped, no progress output.
set -u
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
db=$TMPDIR/import.db
P() { "$PARVANDE" --db "$db" "$@"; }
q() { sqlite3 "$db" "$1"; }
"$PARVANDE" --db "$db" init >/dev/null || fail "init"

cat >"$TMPDIR/in.csv" <<'CSV'
national_id,first_name,last_name,father_name,gender,birth_date,household,relation,covered,file_status,phone,area,address
0499370899,علی,محمدی,حسن,M,1360/01/15,H1,head,yes,active,09121234567,urban,
0790419904,فاطمه,محمدی,رضا,F,۱۳۶۵/۰۵/۲۰,H1,spouse,yes,active,,urban,
0499370898,رضا,کریمی,علی,M,1360/01/15,H2,head,no,active,,rural,
0084575948,زهرا,رضایی,مهدی,زن,1370/13/01,H3,سرپرست,بله,فعال,,informal,
0790419904,فاطمه,احمدی,رضا,F,1365/05/20,H1,spouse,yes,active,,urban,
0067749828,"نرگس",رضایی,مهدی,F,1399/12/30,H3,head,بله,فعال,,حاشیه,"تهران، خیابان ""آزادی"", پلاک ۳"
CSV
P --lang en import "$TMPDIR/in.csv" --rejects "$TMPDIR/rej.csv" >"$TMPDIR/out" 2>"$TMPDIR/err"
rc=$?
[ $rc -eq 3 ] || fail "import with bad rows exited $rc, wanted 3"
grep -qx "imported 3, updated 0, rejected 3" "$TMPDIR/out" || fail "summary: $(cat "$TMPDIR/out")"
grep -q "line 4: National ID" "$TMPDIR/err" || fail "no rejection of line 4: $(cat "$TMPDIR/err")"
grep -q "line 5: Birth date" "$TMPDIR/err" || fail "no rejection of line 5"
grep -q "line 6: National ID.*line 3" "$TMPDIR/err" || fail "duplicate not rejected with the first line"
[ "$(grep -c "^parvande: line" "$TMPDIR/err")" -eq 3 ] || fail "three rejections expected"
! grep -q $'\r' "$TMPDIR/err" || fail "progress output while piped"

# the rejects file: header plus error, then the rejected rows as they were
head -1 "$TMPDIR/rej.csv" | grep -qx "national_id,first_name,last_name,father_name,gender,birth_date,household,relation,covered,file_status,phone,area,address,error" \
  || fail "rejects header: $(head -1 "$TMPDIR/rej.csv")"
[ "$(wc -l <"$TMPDIR/rej.csv")" -eq 4 ] || fail "rejects file has $(wc -l <"$TMPDIR/rej.csv") lines"
grep -q "^0499370898,رضا,کریمی" "$TMPDIR/rej.csv" || fail "rejected row missing from rejects file"
grep -q "^0084575948,.*,\"\?Birth date" "$TMPDIR/rej.csv" || fail "rejects file lacks the reason"

# what went in
[ "$(q "SELECT count(*) FROM person")" = 3 ] || fail "persons: $(q "SELECT count(*) FROM person")"
[ "$(q "SELECT count(*) FROM person p JOIN household h ON h.id = p.household_id WHERE h.external_key = 'H1'")" = 2 ] \
  || fail "household H1 should have two members"
[ "$(q "SELECT address FROM person WHERE national_id = '0067749828'")" = 'تهران، خیابان "آزادی", پلاک 3' ] \
  || fail "quoted address: $(q "SELECT address FROM person WHERE national_id = '0067749828'")"
[ "$(q "SELECT area FROM person WHERE national_id = '0067749828'")" = informal ] || fail "Persian area word"
[ "$(q "SELECT birth_date FROM person WHERE national_id = '0790419904'")" = 1986-08-11 ] || fail "Persian digits date"
[ "$(q "SELECT c.covered || c.status FROM casefile c JOIN household h ON h.id = c.household_id WHERE h.external_key = 'H3'")" = 1active ] \
  || fail "case file of H3"

# the same good rows again: updated, not duplicated; exit 0
grep -v -e '^0499370898' -e '^0084575948' -e '^0790419904,فاطمه,احمدی' "$TMPDIR/in.csv" >"$TMPDIR/good.csv"
sed -i 's/^0499370899,علی,محمدی,حسن/0499370899,علی,محمدی‌پور,حسن/' "$TMPDIR/good.csv"
P --lang en import "$TMPDIR/good.csv" >"$TMPDIR/out" 2>"$TMPDIR/err" || fail "clean import exited $?: $(cat "$TMPDIR/err")"
grep -qx "imported 0, updated 3, rejected 0" "$TMPDIR/out" || fail "re-import summary: $(cat "$TMPDIR/out")"
[ "$(q "SELECT count(*) FROM person")" = 3 ] || fail "re-import duplicated persons"
[ "$(q "SELECT last_name FROM person WHERE national_id = '0499370899'")" = "محمدی‌پور" ] || fail "update not applied"
[ "$(q "SELECT count(*) FROM person_history WHERE national_id = '0499370899'")" -ge 1 ] || fail "old version not kept"

# in Persian
P --lang fa import "$TMPDIR/in.csv" >"$TMPDIR/out" 2>"$TMPDIR/err"
[ $? -eq 3 ] || fail "Persian import status"
grep -q "ردشده ۳" "$TMPDIR/out" || fail "Persian summary: $(cat "$TMPDIR/out")"
grep -q "سطر ۴" "$TMPDIR/err" || fail "Persian rejection line: $(cat "$TMPDIR/err")"

# whole-file errors
printf 'national_id,first_name,last_name,gender,birth_date,shoe_size\n' >"$TMPDIR/unknown.csv"
P --lang en import "$TMPDIR/unknown.csv" >"$TMPDIR/out" 2>"$TMPDIR/err"
[ $? -eq 3 ] || fail "unknown column status"
grep -q "shoe_size" "$TMPDIR/err" || fail "unknown column not named: $(cat "$TMPDIR/err")"
printf 'national_id,first_name,gender,birth_date\n' >"$TMPDIR/missing.csv"
P --lang en import "$TMPDIR/missing.csv" >/dev/null 2>"$TMPDIR/err"
[ $? -eq 3 ] || fail "missing column status"
grep -q "last_name" "$TMPDIR/err" || fail "missing column not named"
P --lang en import "$TMPDIR/nonexistent.csv" >/dev/null 2>&1
[ $? -eq 1 ] || fail "a missing file is a failure (1)"
[ "$(q "PRAGMA integrity_check")" = ok ] || fail "integrity"
echo "import: ok"
