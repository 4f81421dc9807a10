#!/usr/bin/env bash
# The catalog browser in Persian: every service listed, a card read section
# by section (Tab / Shift-Tab jump between sections); the list against a golden.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
tui_start fa 100 30
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_login sara sarapass11
tui_wait "sara"
tui_keys F4
tui_wait "(۵)"                          # five services
tui_wait "L-۰۰۴"                        # the local code of card 004
tui_golden tui_catalog_fa
tui_keys Down Down Down Enter           # the fourth: 000, Justice Shares
tui_wait "۱۹۰۷۲۷۰۳۱۰۲"
# The section headings come from the services module's catalog, so the
# test follows them by position: Tab twice puts §3's heading on top, a
# heading that the first screen showed lower down; Shift-Tab puts §2's,
# which the first screen showed between the two.
tui_screen >"$TMPDIR/card.1"
row_in_first() { grep -nxF -- "$1" "$TMPDIR/card.1" | head -1 | cut -d: -f1; }
top_row() { tui_screen | sed -n 2p; }
first_top=$(sed -n 2p "$TMPDIR/card.1")
tui_keys Tab Tab
i=0
until [ "$(top_row)" != "$first_top" ] && [ -n "$(row_in_first "$(top_row)")" ]; do
  i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "Tab does not move section by section"
  sleep 0.05
done
s3=$(row_in_first "$(top_row)")
third=$(top_row)
tui_keys BTab
i=0
until [ "$(top_row)" != "$third" ]; do
  i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "Shift-Tab does not go back a section"
  sleep 0.05
done
s2=$(row_in_first "$(top_row)")
[ -n "$s2" ] && [ "$s2" -gt 2 ] && [ "$s2" -lt "$s3" ] \
  || tui_fail "sections out of order: §2 at row $s2, §3 at row $s3"
tui_keys Escape
tui_wait "(۵)"
tui_keys Escape
tui_wait "ﻩﺪﻧﻭﺮﭘ ﯼﻮﺟﻭﺖﺴﺟ"
tui_keys F10
tui_wait_exit
echo "ok: catalog"
