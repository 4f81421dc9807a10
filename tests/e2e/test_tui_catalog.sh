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
tui_screen | sed -n 2p | grep -q "§۱" || tui_fail "the card does not open on §1"
# (the card's labels come from the services module's catalog: no golden here)
tui_keys Tab Tab                        # §2, §3: its heading on top
i=0
until tui_screen | sed -n 2p | grep -q "§۳"; do
  i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "Tab does not move section by section"
  sleep 0.05
done
tui_keys BTab
i=0
until tui_screen | sed -n 2p | grep -q "§۲"; do
  i=$((i + 1)); [ "$i" -lt 200 ] || tui_fail "Shift-Tab does not go back a section"
  sleep 0.05
done
tui_keys Escape
tui_wait "(۵)"
tui_keys Escape
tui_wait "ﻩﺪﻧﻭﺮﭘ ﯼﻮﺟﻭﺖﺴﺟ"
tui_keys F10
tui_wait_exit
echo "ok: catalog"
