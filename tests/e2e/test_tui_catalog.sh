#!/usr/bin/env bash
# The catalog browser in Persian: every service listed, a card read section
# by section (Tab / Shift-Tab jump between sections); the list against a golden.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
tui_start fa 100 30
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_login_ok sara sarapass11
tui_keys F4
tui_wait "(۵)"                          # five services
tui_wait "L-۰۰۴"                        # the local code of card 004
tui_golden tui_catalog_fa
tui_keys Down Down Down Enter           # the fourth: 000, Justice Shares
tui_wait "ﺖﻣﺪﺧ ﻥﺍﻮﻨﻋ -۱"                 # the card's first heading («۱- عنوان خدمت»): the
tui_wait "۱۹۰۷۲۷۰۳۱۰۲"                  # code alone is in the catalog's list too
# The section headings come from the services module's catalog, so the
# test follows them by position: Tab puts the next section's heading on
# top, a heading the first screen showed lower down; a second Tab the one
# after; Shift-Tab goes back to the first of the two.
tui_screen >"$TMPDIR/card.1"
row_in_first() { grep -nxF -- "$1" "$TMPDIR/card.1" | head -1 | cut -d: -f1; }
top_row() { tui_screen | sed -n 2p; }
first_top=$(sed -n 2p "$TMPDIR/card.1")
# One key at a time, each waited for: the top row changes to a heading the
# first screen showed (waiting after two keys at once could see the first).
next_top() { # next_top KEY FROM: the new top row after KEY
  tui_keys "$1"
  local i=0
  until [ "$(top_row)" != "$2" ] && [ -n "$(row_in_first "$(top_row)")" ]; do
    i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "$1 does not move section by section"
    sleep 0.05
  done
  top_row
}
second=$(next_top Tab "$first_top")
third=$(next_top Tab "$second")
back=$(next_top BTab "$third")
s2=$(row_in_first "$second")
s3=$(row_in_first "$third")
[ "$back" = "$second" ] || tui_fail "Shift-Tab did not return to the previous section"
[ -n "$s2" ] && [ "$s2" -gt 2 ] && [ "$s2" -lt "$s3" ] \
  || tui_fail "sections out of order: §2 at row $s2, §3 at row $s3"
tui_keys Escape
tui_wait "(۵)"
tui_keys Escape
tui_wait "ﻩﺪﻧﻭﺮﭘ ﯼﻮﺟﻭﺖﺴﺟ"
tui_keys F10
tui_wait_exit
echo "ok: catalog"
