#!/usr/bin/env bash
# Three offices on the command line: branches 11 and 12 and their province
# 100, each its own database. Keys are made and trusted with the
# fingerprint, files go up, the catalog and the acknowledgements come down,
# a package replayed, altered by one byte, cut short, taken to the wrong
# office or signed by an office nobody trusts is refused with nothing
# changed, a field changed on both sides waits in the review queue until a
# decision that then travels to the branch, and the audit trail verifies at
# every office. Passphrases only travel on file descriptors.
set -u
fail() { echo "FAIL: $*"; exit 1; }
cd "$TMPDIR"
P() { local db=$1; shift; "$PARVANDE" --lang en --db "$TMPDIR/$db.db" "$@"; }
expect_rc() { # expect_rc WANT DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" >"$TMPDIR/out" 2>"$TMPDIR/err"; local rc=$?
  [ "$rc" -eq "$want" ] || { cat "$TMPDIR/out" "$TMPDIR/err"; fail "$what: exit $rc, wanted $want"; }
}
pass_of() { echo "passphrase-of-$1"; }
X() { local db=$1; shift; P "$db" "$@" --passphrase-fd 3 3<<<"$(pass_of "$db")"; }
count() { sqlite3 "$TMPDIR/$1.db" "$2"; }

# a makes its keys at init; b and p later, as a database made before would
expect_rc 0 "init a with its keys" -- X a init --branch 11 --level branch --parent 100
grep -q "office 11 (branch, parent 100)" out && grep -q "fingerprint" out || { cat out; fail "init shows the new office"; }
[ "$(count a "SELECT code || ' ' || level || ' ' || parent FROM office WHERE is_self")" = "11 branch 100" ] ||
  fail "init made a's office"
expect_rc 0 "init a again" -- P a init
grep -q "Office keys not made" out && fail "a has its keys: no notice"
expect_rc 0 "init b" -- P b init --branch 12
grep -q "Office keys not made yet" out || { cat out; fail "init tells how to make the keys"; }
expect_rc 0 "init p" -- P p init --branch 100 --no-office-keys
grep -q "Office keys" out && fail "--no-office-keys: no notice"
[ "$(count p "SELECT count(*) FROM office")" = 0 ] || fail "no keys with --no-office-keys"
expect_rc 0 "office b" -- X b office init --level branch --parent 100
expect_rc 0 "office p" -- X p office init --level province --parent 1000
expect_rc 3 "a second office init" -- X a office init --level branch --parent 100
expect_rc 0 "init c" -- P c init --branch 13
P c office init --level branch --parent 100 --passphrase-fd 3 3<<<"short" >out 2>err
[ $? -eq 3 ] && grep -q "passphrase" err || fail "a short passphrase is refused naming it"
# the secret keys are not in the database in clear: only the sealed box
count a "SELECT length(sealed) FROM office_secret" | grep -qx 112 || fail "sealed keys"

for o in a b p; do P "$o" office key --out "$o.key" || fail "key $o"; done
fp_p=$(P p office show --tsv | cut -f5)
expect_rc 3 "a wrong fingerprint" -- P a office trust p.key --fingerprint "0000 0000 0000 0000 0000 0000 0000 0000"
grep -qi "fingerprint" err || fail "the refusal names the fingerprint"
expect_rc 0 "a trusts p" -- P a office trust p.key --fingerprint "$fp_p"
grep -qF "$fp_p" out || fail "trust shows the fingerprint"
expect_rc 0 "b trusts p" -- P b office trust p.key
expect_rc 0 "p trusts a" -- P p office trust a.key
expect_rc 0 "p trusts b" -- P p office trust b.key
expect_rc 0 "office list" -- P p office list --tsv
[ "$(wc -l <out)" -eq 3 ] || { cat out; fail "p knows three offices"; }

# --- day 1: families at both branches go up ---
printf 'national_id,first_name,last_name,gender,birth_date,household\n0499370899,Zahra,Ahmadi,F,1370/01/01,h1\n0012345679,Ali,Ahmadi,M,1365/05/05,h1\n' >a1.csv
printf 'national_id,first_name,last_name,gender,birth_date,household\n1234567891,Sara,Karimi,F,1380/02/02,k1\n' >b1.csv
expect_rc 0 "import at a" -- P a import a1.csv
expect_rc 0 "import at b" -- P b import b1.csv
expect_rc 0 "export a" -- X a exchange export --to 100 --out a1.pvx
grep -q "changes: 4" out || { cat out; fail "a's first package: 1 household, 1 file, 2 persons"; }
expect_rc 0 "export b" -- X b exchange export --to 100 --out b1.pvx
expect_rc 0 "import a1 at p" -- X p exchange import a1.pvx
expect_rc 0 "import b1 at p" -- X p exchange import b1.pvx
[ "$(count p 'SELECT count(*) FROM person')" = 3 ] || fail "three persons at the province"
expect_rc 0 "show at p" -- P p show 1234567891 --tsv
grep -q $'^person\t1234567891\tSara\tKarimi' out || { cat out; fail "b's person at p"; }

# --- refusals change nothing ---
expect_rc 0 "p exports down to a" -- X p exchange export --to 11 --out p-a1.pvx
before=$(count p "SELECT count(*) FROM audit")
expect_rc 3 "replayed" -- X p exchange import a1.pvx
grep -q "already applied" err || fail "replay message"
cp a1.pvx bad.pvx
printf '\x01' | dd of=bad.pvx bs=1 seek=200 conv=notrunc 2>/dev/null
expect_rc 6 "altered by one byte" -- X p exchange import bad.pvx
grep -q "altered" err || { cat err; fail "altered message"; }
head -c 150 a1.pvx >cut.pvx
expect_rc 3 "cut short" -- X p exchange import cut.pvx
grep -q "incomplete" err || fail "truncated message"
expect_rc 3 "taken to the wrong office" -- X b exchange import p-a1.pvx
grep -q "meant for office 11" err || { cat err; fail "misaddressed message"; }
expect_rc 0 "office c keys" -- X c office init --level branch --parent 100
expect_rc 0 "c trusts p" -- P c office trust p.key
printf 'national_id,first_name,last_name,gender,birth_date\n0067749828,Nima,Rahimi,M,1370/01/01\n' >c1.csv
expect_rc 0 "import at c" -- P c import c1.csv
expect_rc 0 "export c" -- X c exchange export --to 100 --out c1.pvx
expect_rc 6 "an office p does not trust" -- X p exchange import c1.pvx
grep -q "does not trust" err || fail "untrusted message"
expect_rc 3 "the wrong passphrase" -- P a exchange export --to 100 --passphrase-fd 3 3<<<"not-the-passphrase"
grep -q "wrong passphrase" err || fail "wrong passphrase message"
[ "$(count a 'SELECT out_seq FROM office WHERE code = 100')" = 1 ] || fail "no package made"
[ "$(count p 'SELECT count(*) FROM person')" = 3 ] || fail "refusals added nothing"
[ "$(count p 'SELECT count(*) FROM audit')" = "$before" ] || fail "refusals wrote nothing"

# --- down: the acknowledgement and the catalog ---
expect_rc 0 "a imports p's package" -- X a exchange import p-a1.pvx
expect_rc 0 "a exports again" -- X a exchange export --to 100 --out a2.pvx --tsv
[ "$(cut -f4,5 out)" = $'2\t2' ] || { cat out; fail "acknowledged section 1 is not sent again"; }
expect_rc 0 "import a2 at p" -- X p exchange import a2.pvx

# --- day 2: the same field changed at the province and at the branch ---
printf 'national_id,first_name,last_name,gender,birth_date\n0499370899,Zahra-Sadat,Ahmadi,F,1370/01/01\n' >p1.csv
expect_rc 0 "the province corrects the name" -- P p import p1.csv
printf 'national_id,first_name,last_name,gender,birth_date,phone\n0499370899,Zari,Ahmadi,F,1370/01/01,09121234567\n' >a2.csv
expect_rc 0 "a changes the name and the phone" -- P a import a2.csv
expect_rc 0 "export a3" -- X a exchange export --to 100 --out a3.pvx
expect_rc 0 "import a3 at p" -- X p exchange import a3.pvx
grep -q "new conflicts: 1" out || { cat out; fail "one conflict"; }
expect_rc 0 "show at p" -- P p show 0499370899 --tsv
grep -q $'^person\t0499370899\tZahra-Sadat\tAhmadi\t.*\t09121234567\t' out || { cat out; fail "the name kept, the phone merged"; }
expect_rc 0 "conflicts list" -- P p conflicts list --tsv
grep -q $'\tfield\t11\tperson\t.*\tfirst_name\tZahra-Sadat\tZari\tsystem\t' out || { cat out; fail "the conflict with both values"; }
id=$(cut -f1 out)
expect_rc 0 "conflicts list (human)" -- P p conflicts list
grep -q "Zahra-Sadat" out && grep -q "Zari" out || fail "both values shown"
expect_rc 2 "resolve needs a choice" -- P p conflicts resolve "$id"
expect_rc 0 "resolve with a third value" -- P p conflicts resolve "$id" --value Zahra
expect_rc 0 "list after" -- P p conflicts list
grep -q "No conflicts" out || fail "the queue is empty"
expect_rc 0 "search by the decided name at p" -- P p search Zahra --tsv
grep -q "^0499370899" out || { cat out; fail "the search key follows the decided name"; }
expect_rc 0 "p exports to a" -- X p exchange export --to 11 --out p-a2.pvx
expect_rc 0 "a imports the decision" -- X a exchange import p-a2.pvx
expect_rc 0 "show at a" -- P a show 0499370899 --tsv
grep -q $'^person\t0499370899\tZahra\tAhmadi' out || { cat out; fail "the decision reached the branch"; }
expect_rc 0 "search at a" -- P a search Zahra --tsv
grep -q "^0499370899" out || { cat out; fail "the branch's search key follows"; }
expect_rc 0 "a sends its next package" -- X a exchange export --to 100 --out a4.pvx
expect_rc 0 "p applies it" -- X p exchange import a4.pvx
grep -q "new conflicts: 0" out || { cat out; fail "the decision does not come back as a conflict"; }

# --- a family moves from branch 11 to branch 12, through the province ---
expect_rc 5 "transfer of an unknown file" -- P p file transfer 1111111111 --to 12
expect_rc 3 "transfer to an office that is not p's branch" -- P p file transfer 0499370899 --to 13
expect_rc 0 "transfer" -- P p file transfer 0499370899 --to 12
expect_rc 0 "p exports to b" -- X p exchange export --to 12 --out p-b1.pvx
expect_rc 0 "b imports the file" -- X b exchange import p-b1.pvx
expect_rc 0 "show at b" -- P b show 0012345679 --tsv
grep -q $'^member\t0499370899\tZahra' out || { cat out; fail "the whole household at b"; }
[ "$(count b "SELECT count(*) FROM person WHERE branch_code = 12")" = 3 ] || fail "b's three persons"
# the file's past at a came with it: a's import batches that wrote it, marked with office 11
expect_rc 0 "the moved file's history at b" -- P b audit show 0499370899
grep -q "import.*(at office 11)" out || { cat out; fail "a's entries about the file at b"; }
expect_rc 0 "tsv" -- P b audit show 0499370899 --tsv
[ "$(awk -F'\t' '$11 == 11 && $4 == "import"' out | wc -l)" -ge 2 ] || { cat out; fail "a's imports, origin 11"; }
expect_rc 0 "a's entries at b are parts of a's chain" -- P b office trail 11
grep -q "intact" out || { cat out; fail "a's entries at b verify"; }
expect_rc 0 "p exports to a" -- X p exchange export --to 11 --out p-a3.pvx
expect_rc 0 "a imports the move" -- X a exchange import p-a3.pvx
[ "$(count a "SELECT to_branch || ' ' || national_id FROM file_transfer")" = "12 0499370899" ] ||
  fail "a knows where the file went"
[ "$(count a "SELECT count(*) FROM person WHERE branch_code = 11")" = 0 ] || fail "a's records are b's now"

# --- a package that comes after a gap is held, then applied in order ---
# p applies a5 and acknowledges it, then goes back to a backup from before
printf 'national_id,first_name,last_name,gender,birth_date,household\n1234500019,Mina,Rahimi,F,1375/03/03,m1\n' >a5.csv
expect_rc 0 "import at a" -- P a import a5.csv
expect_rc 0 "export a5" -- X a exchange export --to 100 --out a5.pvx
mkdir -p backup && cp p.db* backup/ || fail "backup of p"
expect_rc 0 "a5 at p" -- X p exchange import a5.pvx
expect_rc 0 "p acknowledges" -- X p exchange export --to 11 --out p-a5.pvx
expect_rc 0 "a takes the acknowledgement" -- X a exchange import p-a5.pvx
rm -f p.db* && cp backup/p.db* . || fail "restore of p"
printf 'national_id,first_name,last_name,gender,birth_date,household\n1234500027,Nima,Rahimi,M,1372/04/04,m1\n' >a6.csv
expect_rc 0 "import at a" -- P a import a6.csv
expect_rc 0 "export a6" -- X a exchange export --to 100 --out a6.pvx
persons_p=$(count p 'SELECT count(*) FROM person')
expect_rc 0 "a6 at p is held" -- X p exchange import a6.pvx
grep -q "held: it waits for package" out || { cat out; fail "the held package is reported"; }
[ "$(count p 'SELECT count(*) FROM person')" = "$persons_p" ] || fail "a held package changes nothing yet"
expect_rc 3 "a6 again" -- X p exchange import a6.pvx
grep -q "already held" err || { cat err; fail "held twice is refused"; }
expect_rc 0 "a5 again fills the gap" -- X p exchange import a5.pvx
grep -q "applied after it in order: 1" out || { cat out; fail "the held one follows"; }
[ "$(count p 'SELECT count(*) FROM person')" = $((persons_p + 2)) ] || fail "both packages' persons at p"
expect_rc 3 "a6 once more" -- X p exchange import a6.pvx
grep -q "already applied" err || { cat err; fail "applied is refused"; }

for o in a b p; do
  expect_rc 0 "audit verify $o" -- P "$o" audit verify
  grep -q "intact" out || fail "audit intact at $o"
done
grep -rq "passphrase-of" ./*.db 2>/dev/null && fail "a passphrase in a database"
# the branches' trails came up with their packages: p walks each as that branch's chain
for o in 11 12; do
  expect_rc 0 "trail of $o at p" -- P p office trail "$o"
  grep -q "intact" out || { cat out; fail "the trail of $o verifies at p"; }
done
# the head p holds of b's trail is an entry of b's own chain
head_b=$(P p office trail 12 | sed -n 's/.*hash: //p')
[ "$(count b "SELECT count(*) FROM audit WHERE hash = '$head_b'")" = 1 ] || fail "b's head at p is b's"
[ "$(count p "SELECT max(seq) FROM audit_remote WHERE origin = 12")" -gt 5 ] || fail "b's entries at p"
sqlite3 "$TMPDIR/p.db" "UPDATE audit_remote SET actor = 'x' WHERE origin = 11 AND seq = 3" || fail "sqlite3"
expect_rc 1 "an altered entry of a's trail" -- P p office trail 11
grep -q "3" err || { cat err; fail "the altered entry is named"; }
expect_rc 0 "b's trail still" -- P p office trail 12
echo "exchange cli: ok"
