#!/usr/bin/env bash
# Services on the command line: the catalog (services, service), eligibility
# with reasons (check, in both languages and TSV), the batch list (eligible),
# enrollment through the steps (enroll, advance, document, enrollments,
# enrollment), refusals with exit 4, override, credits, facts and catalog
# sync. Runs as the system actor (no users yet).
set -u
. "$(dirname "$0")/cli_lib.sh"
export PARVANDE_TODAY=2025-01-01
db=$TMPDIR/svc.db
P() { "$PARVANDE" --lang en --db "$db" "$@"; }
A=$(natid 100000001) B=$(natid 100000002) C=$(natid 100000003) M=$(natid 100000004)
F=$(natid 100000005) D=$(natid 100000006)

expect_rc 0 P init
cat >"$TMPDIR/people.csv" <<CSV
household,national_id,first_name,last_name,father_name,gender,birth_date,province,area,relation,guardianship,judicial_order,covered,file_status
h1,$A,Ali,Ahmadi,Reza,M,1350/01/01,تهران,urban,head,none,no,yes,active
h2,$B,Zahra,Karimi,Hasan,F,1360/01/01,تهران,urban,head,none,no,no,active
h3,$M,Maryam,Rahimi,Ahmad,F,1345/01/01,تهران,urban,head,none,no,yes,active
h3,$C,Sara,Rahimi,Ahmad,F,1391/01/01,تهران,urban,child,orphan,yes,yes,active
h4,$F,Fatemeh,Nouri,Karim,F,1365/01/01,تهران,informal,head,none,no,no,active
h5,$D,Davood,Nouri,Karim,M,1320/01/01,تهران,urban,head,none,no,yes,closed
CSV
expect_rc 0 P import "$TMPDIR/people.csv"

# --- the catalog ---
expect_rc 0 P services --tsv
[ "$(wc -l <"$TMPDIR/out")" -eq 5 ] || fail "services --tsv: $(cat "$TMPDIR/out")"
grep -q "^19072703102	" "$TMPDIR/out" || fail "000 missing"
grep -q "^L-004	.*	1	1	2/year	6000000	0	0$" "$TMPDIR/out" || fail "004 not local or limits wrong: $(grep L-004 "$TMPDIR/out")"
expect_rc 0 P service 19041060106
for s in "§1 Title" "§2 Service code" "§3 Provider" "§4 Characteristics" "§5 Details" "§10 Process steps" "issue the policy" "1 per Jalali year"; do
  grep -q "$s" "$TMPDIR/out" || fail "service card lacks '$s'"
done
expect_rc 0 "$PARVANDE" --lang fa --db "$db" service 19041060106
grep -q "۱۰- عناوین فرایندهای خدمت" "$TMPDIR/out" || fail "Persian card labels"
grep -q "صدور بیمه‌نامه" "$TMPDIR/out" || fail "Persian step titles"
expect_rc 5 P service 12345678901

# --- eligibility with reasons ---
expect_rc 0 P check "$A" --tsv
[ "$(wc -l <"$TMPDIR/out")" -eq 5 ] || fail "check --tsv lines"
grep -q "^19072703102	1		$" "$TMPDIR/out" || fail "A eligible for 000: $(cat "$TMPDIR/out")"
expect_rc 0 P check "$B" 19072703102 --tsv
grep -q "^19072703102	0	covered	the household is not covered$" "$TMPDIR/out" || fail "B's reason: $(cat "$TMPDIR/out")"
expect_rc 0 P check "$D" 19072703102 --tsv
grep -q "^19072703102	0	active_file	the case file is not active$" "$TMPDIR/out" || fail "D's reason: $(cat "$TMPDIR/out")"
expect_rc 0 "$PARVANDE" --lang fa --db "$db" check "$D" 19072703102
grep -q "پرونده فعال نیست" "$TMPDIR/out" || fail "Persian reason"
grep -q "واجد شرایط نیست" "$TMPDIR/out" || fail "Persian verdict"
expect_rc 0 P check "$C" 19041060106 --tsv
grep -q "^19041060106	1	" "$TMPDIR/out" || fail "the orphan child is eligible for 002: $(cat "$TMPDIR/out")"
expect_rc 3 P check 0000000001            # a wrong check digit: said so, as the interface does
grep -q "check digit is wrong" "$TMPDIR/err" || fail "the wrong check digit is not named"
expect_rc 5 P check 0000000019            # a valid ID nobody has: not found
expect_rc 0 P check  # without a person: the database's own check (integrity, audit)

# --- the batch list ---
expect_rc 0 P eligible 19072703102 --tsv
[ "$(cut -f1 "$TMPDIR/out" | sort | tr '\n' ' ')" = "$(printf '%s\n' "$A" "$C" "$M" | sort | tr '\n' ' ')" ] \
  || fail "eligible 000: $(cat "$TMPDIR/out")"
expect_rc 0 P eligible 19041060106 --tsv
[ "$(cut -f1 "$TMPDIR/out")" = "$C" ] || fail "eligible 002 (the list for the insurer): $(cat "$TMPDIR/out")"
expect_rc 0 P eligible 19071053115 --tsv
[ -s "$TMPDIR/out" ] && fail "nobody has shown identity documents yet"
expect_rc 0 P fact "$F" doc.identity
expect_rc 0 P eligible 19071053115 --tsv
[ "$(cut -f1 "$TMPDIR/out")" = "$F" ] || fail "003 after the documents: $(cat "$TMPDIR/out")"
expect_rc 0 P facts "$F" --tsv
grep -q "^doc.identity	yes	2025-01-01	" "$TMPDIR/out" || fail "facts --tsv: $(cat "$TMPDIR/out")"
expect_rc 3 P fact "$F" "Bad Key"

# --- enrollment: refusal, steps, completion ---
expect_rc 4 P enroll "$B" 19072703102
grep -q "the household is not covered" "$TMPDIR/err" || fail "the refusal names the failed criterion: $(cat "$TMPDIR/err")"
expect_rc 0 P enroll "$A" 19072703102 --note "first visit" --tsv
read -r eid status <"$TMPDIR/out"
[ "$status" = in_progress ] || fail "000 needs no approval: $(cat "$TMPDIR/out")"
expect_rc 0 P advance "$eid" --note "file reviewed"
grep -q "step 2 of 3: review by the caseworker" "$TMPDIR/out" || fail "advance shows the step: $(cat "$TMPDIR/out")"
expect_rc 0 P advance "$eid"
expect_rc 0 P advance "$eid"
grep -q "completed" "$TMPDIR/out" || fail "completed: $(cat "$TMPDIR/out")"
expect_rc 3 P advance "$eid"
expect_rc 0 P enrollments "$A" --tsv
grep -q "^$eid	$A	19072703102	completed	3	3	2025-01-01	" "$TMPDIR/out" || fail "enrollments --tsv: $(cat "$TMPDIR/out")"
expect_rc 0 P enrollment "$eid"
grep -q "file reviewed" "$TMPDIR/out" || fail "the step's note is in the history"

# --- override with a justification, kept and shown ---
expect_rc 0 P enroll "$B" 19072703102 --override "coverage decision pending, urgent need" --tsv
read -r oid status <"$TMPDIR/out"
expect_rc 0 P enrollments --service 19072703102
grep -q "coverage decision pending, urgent need" "$TMPDIR/out" || fail "override justification not shown"
expect_rc 0 P enrollments --service 19072703102 --tsv
grep -q "^$oid	$B	19072703102	in_progress	.*	coverage decision pending, urgent need$" "$TMPDIR/out" || fail "override in TSV: $(cat "$TMPDIR/out")"

# --- credits, approval, documents ---
expect_rc 3 P enroll "$C" 19041060106
grep -q "no credit is set" "$TMPDIR/err" || fail "credit refusal: $(cat "$TMPDIR/err")"
expect_rc 0 P credit 19041060106 تهران 1403 3600000
expect_rc 0 P enroll "$C" 19041060106 --tsv
read -r cid status <"$TMPDIR/out"
[ "$status" = requested ] || fail "002 waits for approval: $status"
expect_rc 0 P credits --tsv
grep -q "^19041060106	تهران	1403	3600000	3600000$" "$TMPDIR/out" || fail "credit committed: $(cat "$TMPDIR/out")"
expect_rc 6 P approve "$cid"
grep -q "maker-checker" "$TMPDIR/err" || fail "maker-checker: $(cat "$TMPDIR/err")"
expect_rc 0 P withdraw "$cid" --note "family moved"
expect_rc 0 P credits --tsv
grep -q "^19041060106	تهران	1403	3600000	0$" "$TMPDIR/out" || fail "credit released: $(cat "$TMPDIR/out")"
expect_rc 3 P document "$cid" judicial_order

# --- catalog sync: nothing changed ---
expect_rc 0 P catalog-sync
grep -q "unchanged: 5" "$TMPDIR/out" || fail "catalog-sync: $(cat "$TMPDIR/out")"
expect_rc 2 P enroll "$A"
echo "services cli: ok"
