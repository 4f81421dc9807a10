#!/usr/bin/env bash
# parvande batch: commands read from stdin after one login, each with the
# output and exit status it has alone, a summary at the end; a wrong
# password runs nothing; --stop-on-error stops at the first failure.
set -u
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
db=$TMPDIR/batch.db
"$PARVANDE" --db "$db" init >/dev/null || fail "init"
cat >"$TMPDIR/in.csv" <<'CSV'
national_id,first_name,last_name,father_name,gender,birth_date,household,relation
0499370899,مریم,کریمی,حسن,F,1360/01/15,H1,head
0790419904,محمدرضا,کریمی,علی,M,1385/05/20,H1,child
CSV
"$PARVANDE" --db "$db" import "$TMPDIR/in.csv" >/dev/null 2>&1 || fail "import"
echo "batch-pass-1234" >"$TMPDIR/pw"
"$PARVANDE" --db "$db" init --admin boss --password-fd 3 3<"$TMPDIR/pw" >/dev/null || fail "admin"
"$PARVANDE" --db "$db" --user boss --password-fd 3 user add sara --role caseworker --password-fd 4 \
  3<"$TMPDIR/pw" 4<"$TMPDIR/pw" >/dev/null || fail "caseworker"
# The password file holds one line: a second login would find nothing to read.
B() { "$PARVANDE" --db "$db" --user sara --password-fd 3 "$@" 3<"$TMPDIR/pw"; }

# --- each line as it is alone ---
B --lang en show 0499370899 --tsv >"$TMPDIR/alone1" || fail "show alone"
B --lang en search "کریمی" --tsv >"$TMPDIR/alone2" || fail "search alone"
B --lang en show 0790419904 >"$TMPDIR/alone3" || fail "show alone (human)"
cat "$TMPDIR/alone1" "$TMPDIR/alone2" "$TMPDIR/alone3" >"$TMPDIR/want"
printf '%s\n' "show 0499370899 --tsv" "" "# a comment" "search 'کریمی' --tsv" \
  "  show \"0790419904\"  " | B --lang en batch >"$TMPDIR/out" 2>"$TMPDIR/err"
rc=$?
[ "$rc" -eq 0 ] || fail "batch of good lines exited $rc: $(cat "$TMPDIR/err")"
cmp -s "$TMPDIR/out" "$TMPDIR/want" || fail "batch output differs from the commands alone:
$(diff "$TMPDIR/want" "$TMPDIR/out")"
grep -qx "batch: 3 commands, all succeeded" "$TMPDIR/err" || fail "summary: $(cat "$TMPDIR/err")"

# --- a failing line: its message and status, the others still run ---
printf '%s\n' "show 1234567891" "frobnicate" "show 0499370899 --tsv" "init" "show 'open" |
  B --lang en batch >"$TMPDIR/out" 2>"$TMPDIR/err"
rc=$?
[ "$rc" -eq 5 ] || fail "batch exit should be the first failure's (5, not found), got $rc"
cmp -s "$TMPDIR/out" "$TMPDIR/alone1" || fail "the good line's output: $(cat "$TMPDIR/out")"
for want in "line 2: unknown command: frobnicate" "line 4: this command does not run in a batch: init" \
            "line 5: a quote is not closed" \
            "batch: 5 commands, 1 succeeded, 4 failed (the first on line 1)"; do
  grep -qF "$want" "$TMPDIR/err" || fail "stderr lacks '$want': $(cat "$TMPDIR/err")"
done

# --- a write in a batch is stored ---
printf '%s\n' "fact 0499370899 monthly_income 4500000" | B --lang en batch >/dev/null 2>"$TMPDIR/err" \
  || fail "fact in a batch: $(cat "$TMPDIR/err")"
B --lang en facts 0499370899 --tsv | grep -q "monthly_income.*4500000" || fail "the fact was not stored"

# --- --stop-on-error ---
printf '%s\n' "show 1234567891" "show 0499370899 --tsv" | B --lang en batch --stop-on-error \
  >"$TMPDIR/out" 2>"$TMPDIR/err"
[ $? -eq 5 ] || fail "--stop-on-error status"
[ ! -s "$TMPDIR/out" ] || fail "--stop-on-error ran the line after the failure"
grep -qF "batch: 1 commands, 0 succeeded, 1 failed" "$TMPDIR/err" || fail "stop summary: $(cat "$TMPDIR/err")"

# --- Persian: digits of the summary ---
printf '%s\n' "show 0499370899 --tsv" | B --lang fa batch >/dev/null 2>"$TMPDIR/err"
grep -qF "دسته: ۱ فرمان، همه موفق" "$TMPDIR/err" || fail "Persian summary: $(cat "$TMPDIR/err")"

# --- a wrong password runs nothing ---
echo "wrong-password-1" >"$TMPDIR/bad"
printf '%s\n' "fact 0499370899 monthly_income 1" | "$PARVANDE" --db "$db" --lang en --user sara \
  --password-fd 3 batch 3<"$TMPDIR/bad" >"$TMPDIR/out" 2>"$TMPDIR/err"
[ $? -eq 6 ] || fail "wrong password should exit 6"
B --lang en facts 0499370899 --tsv | grep -q "monthly_income.*4500000" || fail "a refused batch changed a fact"
! grep -q "^batch:" "$TMPDIR/err" || fail "a refused batch ran commands"
echo ok
