#!/usr/bin/env bash
# The interface in English, end to end: log in, search by a national ID typed
# in Persian digits, open the file, edit a field, save, enroll in a service
# that charges a credit, open the enrollment and tick a document, leave;
# then the command line confirms the changes.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
pv_as boss bosspass11 credit 19041060106 اصفهان 1403 100000000 >/dev/null \
  || tui_fail "credit"
tui_start en 100 30
tui_wait "Log in"
tui_login_ok sara sarapass11

tui_type "۰۰۴۵۶۷۸۹۱۱"
tui_wait "1395/07/15"                  # English shows ASCII digits
tui_wait "1 found"
tui_keys Enter
tui_wait "File — Ali Rezaei"

# F4: every field of the person; the first name is the second field.
tui_keys F4
tui_wait "Edit the person"
tui_keys Tab C-u
tui_type "Aly"
tui_keys Tab                           # leaving the field checks it
tui_keys F2
tui_wait "File — Aly Rezaei"
tui_wait "Saved."

# A refused value is named on the status line, and nothing is saved.
tui_keys F4
tui_wait "Edit the person"
tui_keys Tab Tab Tab Tab Tab Tab C-u   # the phone
tui_type "12"
tui_keys Tab
tui_wait "Phone:"
tui_keys Escape
tui_wait "press Esc again"
tui_keys Escape
tui_wait "Cancelled; nothing was saved."

# Enroll in the future-provision insurance (002): F7 finds it and asks in
# a box that says it will wait for a supervisor; F2 enrolls.
tui_keys F7
tui_wait "F2: Enroll"
tui_wait "wait for a supervisor's approval"
tui_keys F2
tui_wait "Done: enrolled (requested"  # 002 waits for a supervisor's approval
i=0
until pv_as sara sarapass11 enrollments 0045678911 --tsv 2>/dev/null | grep -q $'\t19041060106\t'; do
  i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "the enrollment never reached the database"
  sleep 0.05
done

# The enrollment's own screen: Enter on the service, now enrolled, opens it.
tui_wait "[enrolled: requested]"
tui_keys Enter
tui_wait "Enrollment — Future-provision insurance for children"
tui_wait "Steps"
tui_wait "Documents"
# Tick the last document: End is the last row of the history, Up the
# document above its heading.
tui_keys End Up Enter
tui_wait "Done: the document is ticked."
tui_keys Escape
tui_wait "File — Aly Rezaei"

tui_keys F10
tui_wait_exit
[ "$(tui_exit_status)" = 0 ] || tui_fail "exit status $(tui_exit_status)"

enr=$(pv_as sara sarapass11 enrollments 0045678911 --tsv | cut -f1 | head -1)
pv_as sara sarapass11 enrollment "$enr" | grep -qF "[x] copy of the child's birth certificate" \
  || tui_fail "document not ticked: $(pv_as sara sarapass11 enrollment "$enr")"
show=$(pv_as sara sarapass11 show 0045678911 --tsv) || tui_fail "show failed"
echo "$show" | grep -q $'^person\t0045678911\tAly\tRezaei' || tui_fail "first name not saved: $show"
echo "$show" | grep -q $'\t09' && tui_fail "a refused phone was saved: $show"
pv_as sara sarapass11 enrollments 0045678911 --tsv | grep -q $'\t19041060106\trequested' \
  || tui_fail "enrollment not requested"
echo "ok: English interface"
