#!/usr/bin/env bash
# parvande show and search, in Persian and in English: Persian digits and
# Jalali dates on screen in Persian, ASCII and ISO in --tsv; search by a
# national ID in Persian digits and by names with Persian folding; not
# found exits 5; database text never reaches the terminal raw.
set -u
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-06-01
db=$TMPDIR/show.db
P() { "$PARVANDE" --db "$db" "$@"; }
"$PARVANDE" --db "$db" init >/dev/null || fail "init"
cat >"$TMPDIR/in.csv" <<'CSV'
national_id,first_name,last_name,father_name,gender,birth_date,household,relation,covered,file_status,phone,guardianship,judicial_order
0499370899,مریم,کریمی,حسن,F,1360/01/15,H1,head,yes,active,09121234567,,
0790419904,محمدرضا,کریمی,علی,M,1385/05/20,H1,child,yes,active,,,
0084575948,زهرا,کريمي,علی,F,1395/05/20,H1,child,yes,active,,بی‌سرپرست,بله
CSV
P import "$TMPDIR/in.csv" >/dev/null 2>"$TMPDIR/err" || fail "import: $(cat "$TMPDIR/err")"

# --- show, English ---
P --lang en show 0499370899 >"$TMPDIR/out" || fail "show en exited $?"
for want in "National ID: 0499370899" "First name: مریم" "Birth date: 1360/01/15" "Phone: 09121234567" \
            "Household (H1):" "female head of household" "daughter of a female head" "File status: active" \
            "Covered: yes"; do
  grep -qF "$want" "$TMPDIR/out" || fail "show en lacks '$want':
$(cat "$TMPDIR/out")"
done
[ "$(grep -c "^  [0-9]\{10\}  " "$TMPDIR/out")" -eq 3 ] || fail "show en should list three members"

# --- show, Persian: Persian digits, Jalali dates, Persian labels ---
P --lang fa show ۰۴۹۹۳۷۰۸۹۹ >"$TMPDIR/out" || fail "show fa with Persian digits exited $?"
for want in "کد ملی: ۰۴۹۹۳۷۰۸۹۹" "۱۳۶۰/۰۱/۱۵" "۰۹۱۲۱۲۳۴۵۶۷" "(H1)"; do
  grep -qF "$want" "$TMPDIR/out" || fail "show fa lacks '$want':
$(cat "$TMPDIR/out")"
done
! grep -q "0499370899" "$TMPDIR/out" || fail "show fa has ASCII digits in the ID"

# --- show --tsv: ASCII digits, ISO dates, codes; same in both languages ---
P --lang fa show 0084575948 --tsv >"$TMPDIR/tsv" || fail "show --tsv exited $?"
P --lang en show 0084575948 --tsv >"$TMPDIR/tsv.en" || fail "show --tsv en"
cmp -s "$TMPDIR/tsv" "$TMPDIR/tsv.en" || fail "--tsv differs between languages"
head -1 "$TMPDIR/tsv" | grep -qP "^person\t0084575948\tزهرا\tکریمی\tعلی\tfemale\t2016-08-10\t\t\t\t\tunknown\tnone\torphan\t1\tchild\tH1$" \
  || fail "person TSV line: $(head -1 "$TMPDIR/tsv" | cat -A)"
[ "$(grep -c "^member" "$TMPDIR/tsv")" -eq 3 ] || fail "member lines"
grep -qP "^file\tactive\t1\t2025-06-01\t\t$" "$TMPDIR/tsv" || fail "file TSV line: $(grep ^file "$TMPDIR/tsv" | cat -A)"
! grep -qP '[\x{06F0}-\x{06F9}]' "$TMPDIR/tsv" || fail "Persian digits in --tsv"

# --- search ---
P --lang en search ۰۷۹۰۴۱۹۹۰۴ --tsv >"$TMPDIR/out" || fail "search by Persian-digit ID exited $?"
[ "$(cut -f1 "$TMPDIR/out")" = 0790419904 ] || fail "search by Persian-digit ID: $(cat "$TMPDIR/out")"
P search "كريمي" --tsv >"$TMPDIR/out" || fail "search with Arabic yeh/kaf"
[ "$(wc -l <"$TMPDIR/out")" -eq 3 ] || fail "Arabic yeh/kaf should find all three"
for q in "محمد رضا" "محمد‌رضا" "محمدرضا" "کریمی محمد"; do
  P search "$q" --tsv >"$TMPDIR/out" || fail "search '$q' exited $?"
  [ "$(cut -f1 "$TMPDIR/out")" = 0790419904 ] || fail "search '$q': $(cat "$TMPDIR/out")"
done
P search کریمی --limit 2 --tsv >"$TMPDIR/out" || fail "search --limit"
[ "$(wc -l <"$TMPDIR/out")" -eq 2 ] || fail "--limit 2 gave $(wc -l <"$TMPDIR/out") lines"
P search کریمی --limit ۱ --tsv >"$TMPDIR/out" || fail "search --limit in Persian digits"
[ "$(wc -l <"$TMPDIR/out")" -eq 1 ] || fail "--limit ۱"
P --lang fa search زهرا >"$TMPDIR/out" || fail "search fa"
grep -qF "۰۰۸۴۵۷۵۹۴۸" "$TMPDIR/out" || fail "search fa shows Persian digits: $(cat "$TMPDIR/out")"
grep -qF "۱۳۹۵/۰۵/۲۰" "$TMPDIR/out" || fail "search fa shows the Jalali birth date"

# --- not found: 5 ---
P --lang en search ناموجود >/dev/null 2>&1; [ $? -eq 5 ] || fail "search for nothing should exit 5"
P --lang en show 1234567891 >/dev/null 2>&1; [ $? -eq 5 ] || fail "show of an absent ID should exit 5"
P --lang en show 1234567890 >/dev/null 2>&1; [ $? -eq 3 ] || fail "show of an invalid ID should exit 3"

# --- hostile text from the database never reaches the terminal raw ---
# (written with the sqlite3 shell, which first needs the audit triggers out
# of the way: they call functions only the program has; it recreates them)
for t in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'person' AND sql LIKE '%pv\_%' ESCAPE '\\'"); do
  sqlite3 "$db" "DROP TRIGGER \"$t\""
done
sqlite3 "$db" "UPDATE person SET address = 'a' || char(27) || '[2J' || char(8238) || 'b' || char(7) WHERE national_id = '0499370899'" \
  || fail "could not plant hostile text"
P --lang en show 0499370899 >"$TMPDIR/out" || fail "show of hostile text"
grep -q "Address: a" "$TMPDIR/out" || fail "address not shown"
! grep -q $'\e' "$TMPDIR/out" || fail "ESC reached the output"
! grep -q $'\a' "$TMPDIR/out" || fail "BEL reached the output"
! grep -q $'\u202e' "$TMPDIR/out" || fail "a bidi override reached the output"
P --lang en show 0499370899 --tsv >"$TMPDIR/out" || fail "show --tsv of hostile text"
! grep -q $'\e' "$TMPDIR/out" || fail "ESC reached the TSV output"
echo "show/search: ok"
