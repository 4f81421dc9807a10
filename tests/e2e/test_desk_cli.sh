#!/usr/bin/env bash
# The command line's messages: an unknown command or option is named with
# one usage line (not the whole help), a bad --limit says why, an unknown
# --lang is refused, a national ID with a wrong check digit is told apart
# from one nobody has (exit 3), a fact no rule reads is refused without
# --force, Persian output has Persian digits in free text and money with
# separators, empty credits say so, an assessment can be written, and the
# history's labels are the core's.
. "$(dirname "$0")/desk_lib.sh"

desk_make_db
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { # run WANT_RC ARGS...: the program, out and err kept
  local want=$1; shift
  "$PARVANDE" --db "$TUI_DB" "$@" >"$TMPDIR/out" 2>"$TMPDIR/err" 3<<<"sarapass11"
  local rc=$?
  [ "$rc" = "$want" ] || { cat "$TMPDIR/out" "$TMPDIR/err" >&2; fail "'$*': exit $rc, wanted $want"; }
}
S=(--user sara --password-fd 3)

run 2 --lang en frobnicate
grep -q "^parvande: unknown command: frobnicate$" "$TMPDIR/err" || fail "the unknown command is not named"
[ "$(grep -c "usage:" "$TMPDIR/err")" = 1 ] || fail "not one usage line"
[ "$(wc -l <"$TMPDIR/err")" -le 3 ] || fail "the whole help was printed: $(wc -l <"$TMPDIR/err") lines"
run 2 --lang en --frob
grep -q "unknown option: --frob" "$TMPDIR/err" || fail "the unknown global option is not named"
run 2 --lang en "${S[@]}" search Ali --frob
grep -q "unknown option: --frob" "$TMPDIR/err" || fail "the unknown command option is not named"
grep -q "^usage: parvande search" "$TMPDIR/err" || fail "no usage line of search"
run 2 --lang en "${S[@]}" search Ali --limit abc
grep -q -- "--limit: a whole number from 1 to" "$TMPDIR/err" || fail "--limit does not say why"
run 2 --lang fa "${S[@]}" search Ali --limit 0
grep -q -- "--limit: عددی صحیح از ۱ تا" "$TMPDIR/err" || fail "--limit's reason in Persian"
run 2 --lang xx services
grep -q -- "--lang takes fa or en" "$TMPDIR/err" || fail "--lang xx not refused by name"

run 3 --lang en "${S[@]}" check 0071000012
grep -q "check digit is wrong" "$TMPDIR/err" || fail "check: the check digit is not named"
run 3 --lang en "${S[@]}" show 0071000012
run 5 --lang en "${S[@]}" check 0000000019

run 3 --lang en "${S[@]}" fact 0071000011 requst
grep -q "no rule of the catalog reads «requst»" "$TMPDIR/err" || fail "a typo of a fact key is not refused"
run 0 --lang en "${S[@]}" facts 0071000011 --tsv
grep -q requst "$TMPDIR/out" && fail "the typo was stored"
run 0 --lang en "${S[@]}" fact 0071000011 request
run 0 --lang en "${S[@]}" fact 0071000011 group G-7          # a card's group fact
run 0 --lang en "${S[@]}" fact 0071000011 my_note --force
run 0 --lang en "${S[@]}" facts 0071000011 --tsv
grep -q "^my_note" "$TMPDIR/out" || fail "--force did not record it"

run 0 --lang fa "${S[@]}" show 0071000011
grep -q "نشانی: کوچه یاس پلاک ۱۲" "$TMPDIR/out" || fail "Persian digits in the address: $(grep نشانی "$TMPDIR/out")"
run 0 --lang en "${S[@]}" credits
grep -q "credit 100,000,000  committed 0" "$TMPDIR/out" || fail "money without separators: $(cat "$TMPDIR/out")"
run 0 --lang fa "${S[@]}" credits
grep -q "۱۰۰٬۰۰۰٬۰۰۰" "$TMPDIR/out" || fail "Persian money without separators: $(cat "$TMPDIR/out")"
run 0 --lang en "${S[@]}" credits L-004
grep -q "No credit is set." "$TMPDIR/out" || fail "empty credits say nothing"

run 0 --lang en "${S[@]}" assess 0071000011 "Visited at home; five live in two rooms."
run 0 --lang en "${S[@]}" show 0071000011 --tsv
grep -q $'^assessment\t.*\tsara\tVisited at home; five live in two rooms.$' "$TMPDIR/out" \
  || fail "the assessment was not written"
run 3 --lang en "${S[@]}" assess 0071000012 "x"

enr=$(pv_as sara sarapass11 enrollments 0071000011 --tsv | grep $'\t19071053115\t' | cut -f1)
run 0 --lang en "${S[@]}" enrollment "$enr"
grep -q "overridden by a supervisor" "$TMPDIR/out" || fail "the history's override label is not the core's"
run 0 --lang en "${S[@]}" document "$enr" identity
run 0 --lang en "${S[@]}" enrollment "$enr"
grep -q "document ticked — identity documents$" "$TMPDIR/out" \
  || fail "the history names the document by its key: $(grep "document ticked" "$TMPDIR/out")"
echo "ok: the command line's messages"
