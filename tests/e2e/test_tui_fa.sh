#!/usr/bin/env bash
# The interface in Persian, end to end: log in, search by a national ID typed
# in Persian digits, open the file, edit two fields (one with ZWNJs typed
# with Ctrl-N and as a CSI-u Shift+Space), save, enroll in a service, record
# a step, leave; then the command line
# confirms that the changes are in the database.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
tui_start fa 100 30
tui_wait "۱۴۰۳/۱۰/۲۶"                 # the title's Jalali date, Persian digits
tui_login_ok sara sarapass11                # the home screen, the user in its title

# Search: Persian digits narrow the list to the one file.
tui_type "۰۰۱۲۳۴۵۶۷۹"
tui_wait "۱۳۶۰/۰۵/۱۲"                 # her birth date in the result row
tui_keys Enter
tui_wait "۰۰۲۳۴۵۶۷۸۷"                # the file's household shows her daughter's ID

# The file lists her household with its relations: her daughter is there.
tui_screen | grep -qF "ﻢﯾﺮﻣ" || tui_fail "the household member مریم is not shown"

# Edit the phone: F4 opens every field; the phone is the 7th.
tui_keys F4
tui_wait "ﺩﺮﻓ ﺕﺎﺼﺨﺸﻣ ﺶﯾﺍﺮﯾﻭ"          # «ویرایش مشخصات فرد»
tui_keys Tab Tab Tab Tab Tab Tab
tui_keys C-u
tui_type "۰۹۱۲۱۱۱۲۲۳۳"
# Then the address, three fields on, with a half-space typed as Ctrl-N.
tui_keys Tab Tab Tab C-u
tui_type "کوچه نیم"
tui_keys C-n
tui_type "فاصله"
# Shift+Space as terminals with the CSI-u protocol send it (ESC [ 32 ; 2 u):
# another half-space.
tmux -L "$TUI_SOCK" send-keys -H 1b 5b 33 32 3b 32 75
tui_type "ها"
tui_keys F2
i=0
until pv_as sara sarapass11 show 0012345679 --tsv 2>/dev/null | grep -q $'\t09121112233\t'; do
  i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "the new phone never reached the database"
  sleep 0.05
done

# Enroll: F7 goes to the first service she is eligible for and asks in a
# box; Enter (a hand's habit) does nothing, F2 enrolls.
tui_keys F7
tui_wait "F2"                          # the box names the key that confirms
tui_keys Enter
tui_wait "F2"
pv_as sara sarapass11 enrollments 0012345679 --tsv | grep -q $'\t19072703102\t' \
  && tui_fail "Enter enrolled without the confirmation"
tui_keys F2
i=0
until pv_as sara sarapass11 enrollments 0012345679 --tsv 2>/dev/null | grep -q $'\t19072703102\t'; do
  i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "the enrollment never reached the database"
  sleep 0.05
done

# Tab walks the file section by section: from the top, the household, the
# case file, the open enrollments: open it and record its first step as
# done (F6 asks in a box, F2 confirms).
tui_keys Home Tab Tab Tab Enter
tui_wait "ﻞﺣﺍﺮﻣ"                        # «مراحل», the steps of the enrollment
tui_keys F6
tui_wait "F2"                          # asked in a box
tui_keys F2
i=0
until pv_as sara sarapass11 enrollments 0012345679 --tsv 2>/dev/null | grep -q $'\t19072703102\tin_progress\t2\t'; do
  i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "the step was not recorded: $(pv_as sara sarapass11 enrollments 0012345679 --tsv)"
  sleep 0.05
done
tui_keys Escape

# Leave.
tui_keys F10
tui_wait_exit
[ "$(tui_exit_status)" = 0 ] || tui_fail "exit status $(tui_exit_status)"

# The command line sees every change.
show=$(pv_as sara sarapass11 show 0012345679 --tsv) || tui_fail "show failed"
echo "$show" | grep -q $'\t09121112233\t' || tui_fail "phone not saved: $show"
echo "$show" | grep -qF "کوچه نیم"$'\xe2\x80\x8c'"فاصله"$'\xe2\x80\x8c'"ها" \
  || tui_fail "address with ZWNJs not saved: $show"
pv_as sara sarapass11 enrollments 0012345679 --tsv | grep -q $'\t19072703102\tin_progress' \
  || tui_fail "enrollment not in progress"
echo "ok: Persian interface"
