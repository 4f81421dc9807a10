#!/usr/bin/env bash
# Two edits of one file: a caseworker edits a person in the interface while
# another terminal saves the same person. A field only the other changed is
# kept (no silent overwrite); the same field changed by both is a conflict:
# nothing is saved, the form names the field and the other's value, and a
# second F2 puts this user's value over it, consciously.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
pv_as boss bosspass11 user add mina --role supervisor --password-fd 4 4<<<"minapass11" >/dev/null \
  || tui_fail "supervisor"
tui_start en 100 30
tui_wait "Log in"
tui_login_ok sara sarapass11
tui_type "0045678911"
tui_wait "1 found"
tui_keys Enter
tui_wait "File — Ali Rezaei"
tui_keys F4
tui_wait "Edit the person"
tui_keys Tab Tab Tab Tab Tab Tab C-u   # the phone
tui_type "09121110000"
tui_keys Tab

# Meanwhile another terminal saves a new phone and a new county.
cat >"$TMPDIR/other.csv" <<'CSV'
national_id,first_name,last_name,gender,birth_date,phone,county
0045678911,Ali,Rezaei,male,1395/07/15,09352220000,نطنز
CSV
pv_as mina minapass11 import "$TMPDIR/other.csv" >/dev/null || tui_fail "the other terminal's save"

tui_keys F2
tui_wait "Changed meanwhile by someone else: Phone «09352220000»"
[ "$(pv_as mina minapass11 show 0045678911 --tsv | awk -F'\t' '$1 == "person" { print $8 }')" = 09352220000 ] \
  || tui_fail "the conflicting save changed the database"
tui_keys F2                                # again: mine, consciously
tui_wait "Saved."
row=$(pv_as mina minapass11 show 0045678911 --tsv | awk -F'\t' '$1 == "person"')
[ "$(echo "$row" | cut -f8)" = 09121110000 ] || tui_fail "my phone was not saved: $row"
[ "$(echo "$row" | cut -f10)" = "نطنز" ] || tui_fail "their county was overwritten: $row"
echo "concurrent edit: merged field by field, the conflict named, nothing lost"
