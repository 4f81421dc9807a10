#!/usr/bin/env bash
# Services with real users: a caseworker requests, the same person cannot
# approve, another supervisor approves; only a supervisor overrides, only an
# administrator sets credits or changes a card; an administrator's change
# survives a later catalog sync; a sixth service added as a card file only.
set -u
. "$(dirname "$0")/cli_lib.sh"
export PARVANDE_TODAY=2025-01-01
db=$TMPDIR/svcu.db
P() { "$PARVANDE" --lang en --db "$db" "$@"; }
C=$(natid 200000003) M=$(natid 200000004) O=$(natid 200000007)

expect_rc 0 P init
expect_rc 0 P init --admin boss --password-fd 3 3<<<"boss-password-1"
expect_rc 0 as boss user add sara --role caseworker --password-fd 4 4<<<"sara-password-1"
expect_rc 0 as boss user add reza --role supervisor --password-fd 4 4<<<"reza-password-1"
expect_rc 0 as boss user add nima --role supervisor --password-fd 4 4<<<"nima-password-1"
cat >"$TMPDIR/p.csv" <<CSV
household,national_id,first_name,last_name,gender,birth_date,province,relation,guardianship,judicial_order,covered,file_status
h1,$M,Maryam,Rahimi,F,1345/01/01,تهران,head,none,no,yes,active
h1,$C,Sara,Rahimi,F,1391/01/01,تهران,child,orphan,yes,yes,active
h2,$O,Omid,Karimi,M,1340/02/02,تهران,head,none,no,yes,active
CSV
expect_rc 0 as reza import "$TMPDIR/p.csv"
expect_rc 0 as boss services

# Credits: the administrator only.
expect_rc 6 as reza credit 19041060106 تهران 1403 3600000
expect_rc 0 as boss credit 19041060106 تهران 1403 3600000

# Maker-checker.
expect_rc 0 as sara enroll "$C" 19041060106 --tsv
read -r id status <"$TMPDIR/out"
[ "$status" = requested ] || fail "status $status"
expect_rc 6 as sara approve "$id"
expect_rc 0 as reza approve "$id" --note "checked"
expect_rc 0 as reza enrollments "$C" --tsv
grep -q "^$id	$C	19041060106	in_progress	1	4	2025-01-01	3600000	sara	reza	" "$TMPDIR/out" \
  || fail "approved by reza: $(cat "$TMPDIR/out")"
# A supervisor who requests cannot approve their own request either.
expect_rc 0 as boss credit 19041060106 تهران 1403 7200000
expect_rc 6 as boss fact "$M" local_facilitator  # an administrator does not edit files
expect_rc 0 as sara fact "$M" local_facilitator
expect_rc 0 as boss credit L-004 تهران 1403 6000000
expect_rc 0 as reza enroll "$M" L-004 --tsv
read -r id2 _ <"$TMPDIR/out"
expect_rc 6 as reza approve "$id2"
expect_rc 0 as nima approve "$id2"
# Steps through to the end, documents before completion (002 has two).
for i in 1 2 3; do expect_rc 0 as sara advance "$id"; done
expect_rc 3 as sara advance "$id"
grep -q "copy of the judicial order" "$TMPDIR/err" || fail "documents refusal: $(cat "$TMPDIR/err")"
expect_rc 0 as sara document "$id" judicial_order
expect_rc 0 as sara document "$id" "copy of the child's birth certificate"
expect_rc 0 as sara advance "$id" --note "policy issued"
grep -q completed "$TMPDIR/out" || fail "completion: $(cat "$TMPDIR/out")"

# Override: a caseworker may not, a supervisor may with a justification.
expect_rc 4 as sara enroll "$O" 19041060106
expect_rc 6 as sara enroll "$O" 19072703102 --override "needs help now, file review pending"
expect_rc 0 as sara fact "$O" doc.identity
expect_rc 4 as reza enroll "$O" 19071053115
grep -q "does not live in an informal settlement" "$TMPDIR/err" || fail "failed criteria listed: $(cat "$TMPDIR/err")"
expect_rc 0 as reza enroll "$O" 19071053115 --override "lives with relatives in the marginal area since last month"
expect_rc 0 as sara enrollments "$O"
grep -q "Override by reza: lives with relatives" "$TMPDIR/out" || fail "override shown: $(cat "$TMPDIR/out")"

# The catalog: an administrator's edit is kept over a sync.
sed 's/^rule: doc.identity$/rule: doc.identity or fact.identity_checked/' \
  "$PARVANDE_DATADIR/services/003-community-social-work.card" >"$TMPDIR/003.card"
expect_rc 6 as reza catalog-load "$TMPDIR/003.card"
expect_rc 0 as boss catalog-load "$TMPDIR/003.card"
expect_rc 0 as boss catalog-sync
grep -q "edited by an administrator, left alone: 1" "$TMPDIR/out" || fail "sync report: $(cat "$TMPDIR/out")"
expect_rc 0 as boss service 19071053115
grep -q "fact.identity_checked" "$TMPDIR/out" || fail "the edit was overwritten"
# A broken rule is refused, naming the service and the criterion.
sed 's/^rule: doc.identity$/rule: person.password = 1/' \
  "$PARVANDE_DATADIR/services/003-community-social-work.card" >"$TMPDIR/bad.card"
expect_rc 3 as boss catalog-load "$TMPDIR/bad.card"
grep -q "19071053115" "$TMPDIR/err" && grep -q "identity" "$TMPDIR/err" && grep -q "person.password" "$TMPDIR/err" \
  || fail "the refusal names service, criterion and name: $(cat "$TMPDIR/err")"

# A sixth service, as data only.
mkdir -p "$TMPDIR/data/services"
cp "$PARVANDE_DATADIR"/services/*.card "$TMPDIR/data/services/"
cat >"$TMPDIR/data/services/005-elderly.card" <<'CARD'
code: L-005
local: yes
title.fa: مراقبت از سالمندان
title.en: Care for elderly people
frequency: 1/season
[step]
fa: بازدید
en: visit
[criterion elderly]
label.fa: ۶۰ سال یا بیشتر
label.en: 60 or older
reason.fa: کمتر از ۶۰ سال دارد
reason.en: younger than 60
rule: age >= 60 and covered
CARD
PARVANDE_DATADIR=$TMPDIR/data expect_rc 0 as boss catalog-sync
grep -q "added: 1" "$TMPDIR/out" || fail "sixth service not added: $(cat "$TMPDIR/out")"
expect_rc 0 as sara check "$O" L-005 --tsv
grep -q "^L-005	1	" "$TMPDIR/out" || fail "O is 63: $(cat "$TMPDIR/out")"
expect_rc 0 as sara check "$C" L-005 --tsv
grep -q "^L-005	0	elderly	younger than 60$" "$TMPDIR/out" || fail "C is a child: $(cat "$TMPDIR/out")"
expect_rc 0 as sara enroll "$O" L-005
expect_rc 3 as sara enroll "$O" L-005
grep -q "frequency rule" "$TMPDIR/err" || fail "season limit: $(cat "$TMPDIR/err")"
echo "services users: ok"
