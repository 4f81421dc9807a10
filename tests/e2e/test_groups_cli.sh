#!/usr/bin/env bash
# Groups, courses and inquiries on the command line: exit statuses, --tsv
# columns, Persian digits and Jalali dates in Persian, --help; a woman in two
# groups, the group cap, legal-ID check digits, the exit event of step 5 on
# every member's file, the yearly number of courses, a full course, the
# credit charged and released. Runs as the system actor (no users yet).
set -u
. "$(dirname "$0")/cli_lib.sh"
export PARVANDE_TODAY=2025-01-01
db=$TMPDIR/groups.db
rm -f "$db" "$db"-*
P() { "$PARVANDE" --lang en --db "$db" "$@"; }
Pfa() { "$PARVANDE" --lang fa --db "$db" "$@"; }
A=$(natid 200000001) B=$(natid 200000002) C=$(natid 200000003) T1=$(natid 200000004)
T2=$(natid 200000005) T3=$(natid 200000006)
expect_rc 0 P init
cat >"$TMPDIR/people.csv" <<CSV
household,national_id,first_name,last_name,father_name,gender,birth_date,province,area,relation,guardianship,judicial_order,covered,file_status
h1,$A,Zahra,Ahmadi,Ali,F,1360/01/01,تهران,urban,head,none,no,yes,active
h2,$B,Maryam,Karimi,Reza,F,1362/01/01,تهران,urban,head,none,no,yes,active
h3,$C,Sara,Nouri,Hasan,F,1365/01/01,تهران,urban,head,none,no,yes,active
h4,$T1,Ali,Rezaei,Karim,M,1370/01/01,تهران,rural,head,none,no,yes,active
h5,$T2,Reza,Moradi,Karim,M,1371/01/01,تهران,rural,head,none,no,yes,active
h6,$T3,Hasan,Jafari,Karim,M,1372/01/01,تهران,rural,head,none,no,yes,active
CSV
expect_rc 0 P import "$TMPDIR/people.csv"

# --- usage and help ---
expect_rc 2 P group
expect_rc 2 P group fly
expect_rc 2 P course add L-004
expect_rc 2 P inquiry answer 1 maybe
expect_rc 0 P --help
grep -q "^  group add|list|show|member|register|enroll|advance|pay" "$TMPDIR/out" || fail "--help lacks group"
grep -q "^  inquiry add|answer|list" "$TMPDIR/out" || fail "--help lacks inquiry"

# --- groups ---
expect_rc 0 P group add "Sunrise" --activity "bakery" --date 1403/01/15 --tsv
G=$(cat "$TMPDIR/out")
expect_rc 0 P group add "Moon" --tsv
G2=$(cat "$TMPDIR/out")
expect_rc 3 P group add "sunrise"                      # the name is taken (any case)
grep -q "already exists" "$TMPDIR/err" || fail "duplicate name: $(cat "$TMPDIR/err")"
expect_rc 0 P group member Sunrise "$A"
expect_rc 0 P group member "$G" "$B" --date 1403/02/01
expect_rc 3 P group member Moon "$A"                    # one active group a woman
grep -q "one-group rule" "$TMPDIR/err" || fail "second group: $(cat "$TMPDIR/err")"
expect_rc 5 P group member Nowhere "$A"
expect_rc 5 P group member Moon 0000000000
expect_rc 3 P group register Sunrise 10380284791        # wrong check digit
grep -q "check digit" "$TMPDIR/err" || fail "legal id: $(cat "$TMPDIR/err")"
expect_rc 0 P group register Sunrise ۱۰۳۸۰۲۸۴۷۹۰ --date 1403/03/01
expect_rc 3 P group pay Sunrise 1000                    # not enrolled yet
expect_rc 0 P group enroll Sunrise 19071059100 --date 1403/03/02
expect_rc 0 P group pay Sunrise 250000000 --date 1403/04/01 --note "seed money"
expect_rc 3 P group pay Sunrise 50000001
grep -q "group cap rule" "$TMPDIR/err" || fail "cap: $(cat "$TMPDIR/err")"
expect_rc 0 P group pay Sunrise 50000000 --tsv
for i in 1 2 3 4 5; do expect_rc 0 P group advance Sunrise --date 1403/0$((i + 4))/01 --note "step $i"; done
expect_rc 0 P group show Sunrise --tsv
grep -q "^group	$G	Sunrise	bakery	2024-04-03	system	10380284790	2024-05-21	1	19071059100	5	6	300000000	300000000	2$" "$TMPDIR/out" \
  || fail "group row: $(head -1 "$TMPDIR/out")"
grep -q "^member	$B	Maryam Karimi	2024-04-20	$" "$TMPDIR/out" || fail "member row"
grep -q "^step	5	empowerment and exit from direct support	2024-11-21	system	step 5$" "$TMPDIR/out" || fail "step 5 row"
grep -q "^payment	[0-9]*	2024-06-21	250000000	system	seed money$" "$TMPDIR/out" || fail "payment row"
# step 5 wrote the exit event on both members' files, not on the third woman's
for w in "$A" "$B"; do
  expect_rc 0 P facts "$w" --tsv
  grep -q "^event.exit_direct_support	2024-11-21	" "$TMPDIR/out" || fail "no exit event on $w"
done
expect_rc 0 P facts "$C" --tsv
grep -q "^event\." "$TMPDIR/out" && fail "an exit event on a non-member"
# the list: by name, by a member's national ID, by legal ID; Persian digits in Persian
expect_rc 0 P group list "$B" --tsv
[ "$(cut -f2 "$TMPDIR/out")" = Sunrise ] || fail "search by member: $(cat "$TMPDIR/out")"
expect_rc 0 P group list 10380284790 --tsv
[ "$(wc -l <"$TMPDIR/out")" -eq 1 ] || fail "search by legal id"
expect_rc 5 P group list nothing-like-it
expect_rc 0 Pfa group show Sunrise
grep -q "۱۰۳۸۰۲۸۴۷۹۰" "$TMPDIR/out" || fail "Persian: the legal ID in Persian digits"
grep -q "۱۴۰۳/۰۱/۱۵" "$TMPDIR/out" || fail "Persian: the founding date in Jalali"
grep -q "۳۰۰٬۰۰۰٬۰۰۰ از سقف ۳۰۰٬۰۰۰٬۰۰۰ ریال" "$TMPDIR/out" \
  || fail "Persian: the money with separators: $(grep -F 'سقف' "$TMPDIR/out")"
expect_rc 0 P group show Sunrise
grep -q "Paid: *300,000,000 of the cap 300,000,000 rials" "$TMPDIR/out" \
  || fail "the money with separators: $(grep -F cap "$TMPDIR/out")"
expect_rc 0 P group member Sunrise "$A" --remove --date 1403/10/01
expect_rc 0 P group member Moon "$A"                    # she left: the other group may take her

# --- courses ---
expect_rc 0 P credit L-004 تهران 1403 12000000
expect_rc 0 P course add L-004 "Esfand A" --capacity 2 --date 1403/12/29 --tsv
K=$(cat "$TMPDIR/out")
expect_rc 0 P course add L-004 "Esfand B" --capacity 2 --date 1403/12/30
expect_rc 3 P course add L-004 "Esfand C" --capacity 2 --date 1403/12/30
grep -q "yearly courses rule" "$TMPDIR/err" || fail "yearly: $(cat "$TMPDIR/err")"
expect_rc 0 P course add L-004 "Farvardin" --capacity 2 --date 1404/01/01
expect_rc 3 P course add 19071059100 "no workshops" --capacity 2
expect_rc 4 P course admit "$K" "$T1"                   # not a facilitator yet
for t in "$T1" "$T2" "$T3"; do expect_rc 0 P fact "$t" local_facilitator; done
expect_rc 0 P course admit "$K" "$T1" --date 1403/12/01
expect_rc 0 P course admit "$K" "$T2" --date 1403/12/01
expect_rc 3 P course admit "$K" "$T3"                   # full
grep -q "capacity rule" "$TMPDIR/err" || fail "full: $(cat "$TMPDIR/err")"
expect_rc 0 P credits L-004 --tsv
grep -q "	1403	12000000	12000000$" "$TMPDIR/out" || fail "credit not charged: $(cat "$TMPDIR/out")"
expect_rc 0 P course withdraw "$K" "$T2" --date 1403/12/28   # before the first day: released
expect_rc 0 P credits L-004 --tsv
grep -q "	1403	12000000	6000000$" "$TMPDIR/out" || fail "credit not released: $(cat "$TMPDIR/out")"
expect_rc 0 P course admit "$K" "$T3" --date 1403/12/28
expect_rc 0 P course attend "$K" "$T1" 1
expect_rc 0 P course attend "$K" "$T1" ۲
expect_rc 3 P course attend "$K" "$T1" 13
expect_rc 5 P course attend "$K" "$T2" 1                # withdrawn
expect_rc 0 P course evaluate "$K" 85 --date 1404/01/20 --note "good"
expect_rc 3 P course evaluate "$K" 101
expect_rc 0 P course show "$K" --tsv
grep -q "^course	$K	L-004	Esfand A	2025-03-19	1403	12	12		2		2$" "$TMPDIR/out" || fail "course row: $(head -1 "$TMPDIR/out")"
grep -q "^trainee	$T1	Ali Rezaei	admitted	2025-02-19	6000000	2	0	110000000000$" "$TMPDIR/out" || fail "trainee row"
grep -q "^trainee	$T2	Reza Moradi	withdrawn	2025-02-19	0	0	0	000000000000$" "$TMPDIR/out" || fail "withdrawn row"
grep -q "^evaluation	2025-04-09	85	system	good$" "$TMPDIR/out" || fail "evaluation row"
expect_rc 0 Pfa course show "$K"
grep -q "■■··········  ۲" "$TMPDIR/out" || fail "Persian: the attendance line"

# --- inquiries ---
expect_rc 3 P inquiry add "$T1" L-004 police
grep -q "names no agency" "$TMPDIR/err" || fail "unknown agency"
expect_rc 2 P inquiry add "$T1" --group Sunrise 19071059100 companies_registration
expect_rc 0 P inquiry add "$T1" L-004 village_admin --date 1403/09/01 --how manual --by visitor --tsv
Q=$(cat "$TMPDIR/out")
expect_rc 0 P inquiry add --group Sunrise 19071059100 "Companies Registration Office" --date 1403/10/10
expect_rc 0 P inquiry list --overdue --date 1403/09/15 --tsv
[ ! -s "$TMPDIR/out" ] || fail "14 days is not overdue"
expect_rc 0 P inquiry list --overdue --date 1403/09/16 --tsv
grep -q "^$Q	$T1	0	L-004	village_admin	pending	2024-11-21		" "$TMPDIR/out" || fail "overdue row: $(cat "$TMPDIR/out")"
expect_rc 0 P inquiry list --overdue --days 30 --tsv     # today 1403/10/12: 41 and 2 days old
[ "$(wc -l <"$TMPDIR/out")" -eq 1 ] || fail "--days 30"
expect_rc 0 P inquiry list --agency companies_registration --tsv
grep -q "	companies_registration	pending	2024-12-30	" "$TMPDIR/out" || fail "group inquiry"
expect_rc 0 P inquiry list --person "$B" --tsv             # a member sees her group's inquiry
[ "$(wc -l <"$TMPDIR/out")" -eq 1 ] || fail "--person of a member"
expect_rc 0 P inquiry answer "$Q" confirmed --ref "A-12" --date 1403/09/20
expect_rc 3 P inquiry answer "$Q" refused
expect_rc 0 P facts "$T1" --tsv
grep -q "^inquiry.village_admin	confirmed	" "$TMPDIR/out" || fail "the rules do not see the inquiry"
expect_rc 0 Pfa inquiry list
grep -q "تأییدشده" "$TMPDIR/out" || fail "Persian status"
grep -q "۱۴۰۳/۰۹/۰۱" "$TMPDIR/out" || fail "Persian date"
echo "ok: groups, courses and inquiries on the command line"
