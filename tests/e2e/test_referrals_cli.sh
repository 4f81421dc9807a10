#!/usr/bin/env bash
# Referrals and the insurance year on the command line, in English and in
# Persian: centres and follow-up days, a referral through its statuses
# (a closed one cannot be received), overdue per caseworker and per centre
# on a later date, the slip (content, 80 columns, right-to-left lines in
# Persian), and the insurance cycle: freeze, shortfall, contract, export
# (CSV with BOM, TSV), a reply with mismatches (nothing applied, each line
# reported), apply-matching with a rejects file, the same reply again.
set -u
fail() { echo "FAIL: $*"; exit 1; }
export PARVANDE_TODAY=2025-01-15   # 1403/10/26
db=$TMPDIR/ref.db
P() { "$PARVANDE" --lang en --db "$db" "$@"; }
F() { "$PARVANDE" --lang fa --db "$db" "$@"; }
expect_rc() { # expect_rc WANT command...
  local want=$1; shift
  "$@" >"$TMPDIR/out" 2>"$TMPDIR/err"; local rc=$?
  [ "$rc" -eq "$want" ] || { cat "$TMPDIR/out" "$TMPDIR/err"; fail "'$*': exit $rc, wanted $want"; }
}

expect_rc 0 P init --branch 12 --province تهران --county ری --office "دفتر مرکزی"
cat >"$TMPDIR/people.csv" <<'CSV'
national_id,first_name,last_name,father_name,gender,birth_date,province,county,household,relation,guardianship,judicial_order,covered,file_status
0012345679,زهرا,احمدی,علی,female,1360/05/12,تهران,ری,H1,head,none,no,yes,active
0023456787,مریم,احمدی,رضا,female,1395/02/01,تهران,ری,H1,child,orphan,yes,yes,active
0045678911,Ali,Rezaei,Hossein,male,1395/07/15,اصفهان,کاشان,H3,head,orphan,yes,yes,active
CSV
expect_rc 0 P import "$TMPDIR/people.csv"

# --- centres and days ---
expect_rc 0 P centre-add "مرکز مداخله در بحران ری" --county ری --phone 02133334444
expect_rc 3 P centre-add "مرکز مداخله در بحران ری"              # the name is taken
grep -q "already on the list" "$TMPDIR/err" || fail "duplicate centre message"
expect_rc 3 P centre-add "x" --phone 12ab
expect_rc 0 P centres --tsv
[ "$(cut -f2 "$TMPDIR/out")" = "مرکز مداخله در بحران ری" ] || fail "centres: $(cat "$TMPDIR/out")"
expect_rc 0 P referral-days urgent 5 --tsv
grep -qx "urgent	5" "$TMPDIR/out" || fail "referral-days: $(cat "$TMPDIR/out")"
expect_rc 3 P referral-days urgent 400

# --- a referral through its statuses ---
C="مرکز مداخله در بحران ری"
expect_rc 3 P referral new 0012345679 --centre "$C"               # no reason
grep -q "Reason: it is required" "$TMPDIR/err" || fail "reason message: $(cat "$TMPDIR/err")"
expect_rc 3 P referral new 0012345679 --centre "$C" --reason r --urgency soon
expect_rc 5 P referral new 0012345679 --centre "nowhere" --reason r
expect_rc 0 P referral new 0012345679 --centre "$C" --reason "بحران حاد" --urgency urgent \
  --service 19071053115 --tsv
IFS=$'\t' read -r A nid _ _ centre urg status sent follow by reason svc <"$TMPDIR/out"
[ "$urg" = urgent ] && [ "$follow" = 2025-01-20 ] && [ "$svc" = 19071053115 ] \
  || fail "new: $(cat "$TMPDIR/out")"
# card 003 reads the open referral
expect_rc 0 P fact 0012345679 doc.identity
expect_rc 0 P check 0012345679 19071053115 --tsv
[ "$(cut -f2 "$TMPDIR/out")" = 1 ] || fail "card 003 should pass with an open referral"
expect_rc 3 P fact 0012345679 referral_open                       # no longer a fact
expect_rc 0 P referral receive "$A" --answer "admitted" --date 2025-01-16
expect_rc 3 P referral receive "$A"
grep -q "already received" "$TMPDIR/err" || fail "received twice"
expect_rc 0 P referral close "$A" --outcome "stable" --date 2025-01-17
expect_rc 3 F referral receive "$A"
grep -q "ارجاع بسته‌شده را نمی‌توان پذیرفت" "$TMPDIR/err" || fail "Persian refusal: $(cat "$TMPDIR/err")"
expect_rc 0 P check 0012345679 19071053115 --tsv
[ "$(cut -f2 "$TMPDIR/out")" = 0 ] || fail "a closed referral is not open"

# --- the slip ---
expect_rc 0 P referral slip "$A"
grep -q "^REFERRAL SLIP" <(sed 's/^ *//' "$TMPDIR/out") || fail "slip title"
grep -q "^National ID: 0012345679$" "$TMPDIR/out" || fail "slip ID"
grep -q "^Referred to: $C$" "$TMPDIR/out" || fail "slip centre"
grep -q "^Referring caseworker: system$" "$TMPDIR/out" || fail "slip caseworker"
grep -q "^Date: 1403/10/26$" "$TMPDIR/out" || fail "slip date"
expect_rc 0 F referral slip "$A"
cp "$TMPDIR/out" "$TMPDIR/slip.fa"
grep -q "^‏کد ملی: ۰۰۱۲۳۴۵۶۷۹$" "$TMPDIR/slip.fa" || fail "Persian slip ID: $(cat "$TMPDIR/slip.fa")"
grep -q "^‏دلیل: بحران حاد$" "$TMPDIR/slip.fa" || fail "Persian slip reason"
grep -q "^‏تاریخ: ۱۴۰۳/۱۰/۲۶$" "$TMPDIR/slip.fa" || fail "Persian slip date"
# every line a right-to-left paragraph (U+200F first), none wider than 80 columns
grep -vc "^‏" "$TMPDIR/slip.fa" | grep -qx 0 || fail "a Persian line without U+200F"
python3 - "$TMPDIR/slip.fa" <<'PY' || fail "slip wider than 80 columns"
import sys, unicodedata
for line in open(sys.argv[1], encoding="utf-8"):
    w = sum(0 if unicodedata.category(c) in ("Mn", "Cf") else 1 for c in line.rstrip("\n"))
    if w > 80:
        sys.exit(1)
PY
# a long reason wraps at a word boundary
long=$(printf 'word%.0s ' $(seq 1 40))
expect_rc 0 P referral new 0012345679 --centre "$C" --reason "$long" --tsv
expect_rc 0 P referral slip "$(cut -f1 "$TMPDIR/out")"
awk 'length($0) > 80 { exit 1 }' "$TMPDIR/out" || fail "long reason not wrapped"
[ "$(grep -c "word" "$TMPDIR/out")" -ge 3 ] || fail "long reason: $(cat "$TMPDIR/out")"

# --- the insurance year ---
I() { P insurance "$@"; }
expect_rc 0 I freeze 1404 تهران --date 2025-06-01
grep -q "frozen: 1 children listed" "$TMPDIR/out" || fail "freeze: $(cat "$TMPDIR/out")"
grep -q "credit shortfall: 3,600,000 rials" "$TMPDIR/out" || fail "shortfall: $(cat "$TMPDIR/out")"
expect_rc 3 I freeze 1404 تهران                                   # frozen once
expect_rc 3 I export 1404 تهران                                   # no contract yet
expect_rc 0 P credit 19041060106 تهران 1404 1000000
expect_rc 0 I status 1404 تهران --tsv
[ "$(cut -f11 "$TMPDIR/out")" = 2600000 ] || fail "shortfall after credit: $(cat "$TMPDIR/out")"
expect_rc 0 I contract 1404 تهران --insurer "بیمه ایران" --number C-1404-7 --start 1404/01/01 \
  --end 1404/12/29 --premium 3600000
expect_rc 0 I export 1404 تهران --output "$TMPDIR/list.csv"
head -c 3 "$TMPDIR/list.csv" | od -An -tx1 | grep -q "ef bb bf" || fail "BOM"
grep -q "^0023456787,مریم,احمدی,رضا,1395/02/01,2016-04-20,female,orphan,تهران,ری,C-1404-7$" \
  "$TMPDIR/list.csv" || fail "csv row: $(cat "$TMPDIR/list.csv")"
expect_rc 0 I export 1404 تهران --tsv
head -1 "$TMPDIR/out" | grep -q "^national_id	first_name	last_name	father_name	birth_date_jalali	birth_date	gender	guardianship	province	county	contract_no$" \
  || fail "tsv header"
# the list is frozen: a later edit of the file does not change it
printf 'national_id,first_name,last_name,gender,birth_date\n0023456787,مریم,کریمی,female,1395/02/01\n' >"$TMPDIR/edit.csv"
expect_rc 0 P import "$TMPDIR/edit.csv"
expect_rc 0 I list 1404 تهران --tsv
[ "$(cut -f3 "$TMPDIR/out")" = احمدی ] || fail "the frozen list changed"
# a reply with mismatches: nothing applied, each line reported
printf 'national_id,policy_number,start,end\n0023456787,P-1,1404/01/01,1404/12/29\n0045678911,P-2,1404/01/01,1404/12/29\n0012345679,P-3,1404/01/01,1404/12/29\n0023456787,P-4,bad,1404/12/29\n' >"$TMPDIR/reply.csv"
expect_rc 3 I policies 1404 تهران "$TMPDIR/reply.csv"
grep -q "line 3: another province: 0045678911 is a child of another province (اصفهان)" "$TMPDIR/err" \
  || fail "other province: $(cat "$TMPDIR/err")"
grep -q "line 4: not on the list: 0012345679" "$TMPDIR/err" || fail "not listed"
grep -q "line 5: malformed row: Policy start: is not a date" "$TMPDIR/err" \
  || fail "malformed: $(cat "$TMPDIR/err")"
grep -q "nothing changed" "$TMPDIR/err" || fail "all or nothing message"
expect_rc 0 I list 1404 تهران --tsv
[ -z "$(cut -f8 "$TMPDIR/out")" ] || fail "a policy applied from a refused reply"
expect_rc 3 F insurance policies 1404 تهران "$TMPDIR/reply.csv"
grep -q "سطر ۳" "$TMPDIR/err" || fail "Persian line numbers: $(cat "$TMPDIR/err")"
# the matching rows, the rest kept
expect_rc 3 I policies 1404 تهران "$TMPDIR/reply.csv" --apply-matching --rejects "$TMPDIR/rej.csv"
grep -q "policies applied 1, unchanged 0, rows rejected 3" "$TMPDIR/out" || fail "$(cat "$TMPDIR/out")"
[ "$(wc -l <"$TMPDIR/rej.csv")" -eq 4 ] && head -1 "$TMPDIR/rej.csv" | grep -q ",error$" \
  || fail "rejects: $(cat "$TMPDIR/rej.csv")"
# the good part again: unchanged
printf 'national_id,policy_number,start,end\n0023456787,P-1,1404/01/01,1404/12/29\n' >"$TMPDIR/good.csv"
expect_rc 0 I policies 1404 تهران "$TMPDIR/good.csv"
grep -q "policies applied 0, unchanged 1, rows rejected 0" "$TMPDIR/out" || fail "idempotent"
expect_rc 0 I claim 1404 0023456787 --note "hospital, 2 days" --date 1404/05/01
expect_rc 0 I compare 1404 --tsv
[ "$(cut -f2-7 "$TMPDIR/out")" = "1	1	1	0	0	0" ] || fail "compare: $(cat "$TMPDIR/out")"
expect_rc 0 F insurance status 1404 تهران
grep -q "۱ از ۱" "$TMPDIR/out" || fail "Persian status: $(cat "$TMPDIR/out")"
# --- overdue per caseworker and per centre, later (users from here on) ---
expect_rc 0 P user add boss --role admin --password-fd 3 3<<<"bosspass11"
As() { local u=$1 pw=$2; shift 2; "$PARVANDE" --lang en --db "$db" --user "$u" --password-fd 3 "$@" 3<<<"$pw"; }
As boss bosspass11 user add reza --role caseworker --password-fd 4 4<<<"rezapass11" >/dev/null || fail "reza"
As boss bosspass11 user add sara --role caseworker --password-fd 4 4<<<"sarapass11" >/dev/null || fail "sara"
As reza rezapass11 referral new 0012345679 --centre "$C" --reason "one" --urgency emergency >/dev/null || fail "r1"
As sara sarapass11 referral new 0023456787 --centre "$C" --reason "two" >/dev/null || fail "r2"
As reza rezapass11 centre-add "another" >/dev/null 2>&1 && fail "a caseworker added a centre"
PARVANDE_TODAY=2025-01-16 As reza rezapass11 referrals --overdue --tsv >"$TMPDIR/out" || fail "overdue"
[ "$(wc -l <"$TMPDIR/out")" -eq 1 ] && [ "$(cut -f10 "$TMPDIR/out")" = reza ] \
  || fail "overdue next day: $(cat "$TMPDIR/out")"
PARVANDE_TODAY=2025-02-01 As reza rezapass11 referrals --overdue --group caseworker >"$TMPDIR/out" \
  || fail "grouped"
grep -q "^reza (1)$" "$TMPDIR/out" && grep -q "^sara (1)$" "$TMPDIR/out" \
  || fail "per caseworker: $(cat "$TMPDIR/out")"
PARVANDE_TODAY=2025-02-01 As reza rezapass11 referrals --overdue --group centre >"$TMPDIR/out" \
  || fail "grouped"
grep -q "^$C (3)$" "$TMPDIR/out" || fail "per centre: $(cat "$TMPDIR/out")"
PARVANDE_TODAY=2025-02-01 As reza rezapass11 referrals --overdue --by reza --tsv | grep -q . \
  || fail "--by"
R2=$(As sara sarapass11 referrals 0023456787 --tsv | cut -f1)
As sara sarapass11 referral follow-up "$R2" 1403/12/01 >/dev/null 2>&1 && fail "follow-up without a reason"
As sara sarapass11 referral follow-up "$R2" 1403/12/01 --reason "the centre is full" >/dev/null \
  || fail "follow-up"
[ "$(As sara sarapass11 referrals 0023456787 --tsv | cut -f9)" = 2025-02-19 ] || fail "moved date"

echo "ok: referrals and the insurance year on the command line"
