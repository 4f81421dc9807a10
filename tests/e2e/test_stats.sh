#!/usr/bin/env bash
# Statistics end to end: `stats` in Persian (Jalali month names, Persian
# digits) and as TSV and CSV, `stats money`, `stats work`, `report month`
# in both forms, a bad date named, and the statistics screen (home F8) in
# both languages with its bars and sparkline, also under NO_COLOR.
# The enrollments are made through the commands, with past dates.
. "$(dirname "$0")/tui_lib.sh"

tui_make_db
S002=19041060106
pv_as boss bosspass11 user add sup --role supervisor --password-fd 4 4<<<"suppass111" >/dev/null
pv_as boss bosspass11 user add sup2 --role supervisor --password-fd 4 4<<<"suppass222" >/dev/null
pv_as boss bosspass11 credit $S002 تهران 1403 36000000 >/dev/null || tui_fail "credit"
pv_as boss bosspass11 credit $S002 اصفهان 1403 36000000 >/dev/null || tui_fail "credit"
sup() { pv_as sup suppass111 "$@"; }
J="named by the provincial office for this year's list"
enr() { sup enroll "$1" $S002 --date "$2" --override "$J" --tsv | cut -f1; }
# Zahra: Azar 1403, running; Hasan: 1 Dey 1403, completed 16 Dey; Maryam:
# rejected (not counted).
a=$(enr 0012345679 1403/09/11) && b=$(enr 0034567895 1403/10/01) && c=$(enr 0023456787 1403/10/02) \
  || tui_fail "enroll"
for e in "$a" "$b"; do pv_as sup2 suppass222 approve "$e" >/dev/null || tui_fail "approve"; done
pv_as sup2 suppass222 reject "$c" >/dev/null || tui_fail "reject"
sup document "$b" judicial_order >/dev/null && sup document "$b" birth_certificate >/dev/null \
  || tui_fail "documents"
for i in 1 2 3 4; do sup advance "$b" --date 1403/10/16 >/dev/null || tui_fail "advance $i"; done

sara() { "$PARVANDE" --db "$TUI_DB" --user sara --password-fd 3 "$@" 3<<<"sarapass11"; }

# --- the table in Persian
out=$(sara --lang fa stats $S002 --period month --from 1403/09/01 --to 1403/10/30) \
  || tui_fail "stats: $out"
echo "$out" | grep "آذر ۱۴۰۳" | grep -q " ۱ *۱ *۰$" || tui_fail "Azar row: $out"
echo "$out" | grep "دی ۱۴۰۳" | grep -q " ۱ *۲ *۱$" || tui_fail "Dey row: $out"

# --- TSV: ISO periods, ASCII digits; the total counts each person once
tsv=$(sara --lang fa stats $S002 --period month --from 1403/09/01 --to 1403/10/30 --tsv)
want=$(printf '%s\t2024-11-21\t2024-12-20\t\t1\t1\t0\n%s\t2024-12-21\t2025-01-19\t\t1\t2\t1\n%s\ttotal\t\t\t2\t2\t1' \
  $S002 $S002 $S002)
[ "$tsv" = "$want" ] || tui_fail "tsv: got
$tsv
wanted
$want"

# --- CSV by gender, a season that holds both months
csv=$(sara stats $S002 --period season --by gender --from 1403/07/01 --to 1403/12/30 --csv)
[ "$(echo "$csv" | head -1)" = "service,period_first,period_last,group,started,active,completed" ] \
  || tui_fail "csv header: $csv"
echo "$csv" | grep -qx "$S002,2024-09-22,2024-12-20,female,1,1,0" || tui_fail "csv autumn: $csv"
echo "$csv" | grep -qx "$S002,2024-12-21,2025-03-20,male,1,1,1" || tui_fail "csv winter: $csv"

# --- money and work
sara stats money $S002 --year 1403 --tsv | grep -qx "$S002	تهران	1403	36000000	3600000	0	32400000" \
  && sara stats money $S002 --year 1403 --tsv | grep -qx "$S002	اصفهان	1403	36000000	0	3600000	32400000" \
  || tui_fail "money: $(sara stats money $S002 --year 1403 --tsv)"
sara stats work --from 1403/09/01 --to 1403/10/30 --tsv | grep -qx "sup	0	0	0	3	2	1	0	0	0	0	0" \
  || tui_fail "work: $(sara stats work --from 1403/09/01 --to 1403/10/30 --tsv)"
# the human table: one block a caseworker, every line within 80 columns
for lang in en fa; do
  w=$(sara --lang $lang stats work --from 1403/09/01 --to 1403/10/30) || tui_fail "work $lang"
  wide=$(echo "$w" | LC_ALL=C.UTF-8 grep -E '^.{81,}')
  [ -z "$wide" ] || tui_fail "work $lang wider than 80 columns: $wide"
done
w=$(sara --lang en stats work --from 1403/09/01 --to 1403/10/30)
echo "$w" | grep -qx "sup" && echo "$w" | grep -qx "  Assessments  *0  *Requested  *3" \
  || tui_fail "work text: $w"
sara --lang fa stats work --from 1403/09/01 --to 1403/10/30 | grep -q "۳" || tui_fail "work fa digits"

# --- a CSV cell with a comma and a quote is quoted whole (the Persian kept)
pv_as boss bosspass11 credit $S002 'تهران، "ری", شمال' 1404 1000 >/dev/null || tui_fail "credit 1404"
sara stats money $S002 --year 1404 --csv | grep -qx "$S002,\"تهران، \"\"ری\"\", شمال\",1404,1000,0,0,1000" \
  || tui_fail "csv quoting: $(sara stats money $S002 --year 1404 --csv)"

# --- the monthly report, a page per service, in Persian; and as CSV
rep=$(sara --lang fa report month ۱۴۰۳/۱۰) || tui_fail "report: $rep"
echo "$rep" | grep -q "گزارش ماهانه — دی ۱۴۰۳" || tui_fail "report title: $rep"
[ "$(echo "$rep" | grep -c "گزارش ماهانه")" = 5 ] || tui_fail "five pages: $rep"
echo "$rep" | grep -q "این ماه: آغاز ۱، فعال ۲، پایان یافت ۱" || tui_fail "report month: $rep"
rcsv=$(sara report month 1403/10 --csv)
echo "$rcsv" | grep -qx "$S002,1403/10,active,none,,2" || tui_fail "report csv: $rcsv"
echo "$rcsv" | grep -qx "$S002,1403/10,started,gender,male,1" || tui_fail "report csv gender: $rcsv"

# --- a bad date: exit 3, the field named in the user's language
set +e
err=$(sara --lang fa stats $S002 --from 1403/13/01 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" = 3 ] || tui_fail "bad date exit $rc"
echo "$err" | grep -q "از تاریخ" || tui_fail "bad date message: $err"

# --- the screen: Persian, 80x24, bars grow from the right, numbers beside
tui_start fa 80 24
tui_wait "۱۴۰۳/۱۰/۲۶"
tui_login sara sarapass11
tui_wait "sara"
tui_keys F8
tui_wait "ﻩﺎﻣ ۱۲"                  # "12 months" (the screen holds shaped letters)
tui_screen > "$TMPDIR/fa.screen"
row=$(tui_screen | grep "۱۴۰۳ ﯼﺩ") || tui_fail "no Dey row in Persian"
# the last cell of the row's bar is the rightmost-but-one of the bar box:
# in Persian the bar is on the left of the numbers and ends at their side
echo "$row" | grep -q "█ ۱ " || tui_fail "Persian bar not against its numbers: $row"
# with a breakdown the row still has its bar at 80 columns
tui_keys F5
tui_wait "ﻥﺎﺘﺳﺍ :ﮏﯿﮑﻔﺗ"            # "breakdown: province"
row=$(tui_screen | grep "۱۴۰۳ ﯼﺩ" | head -1) || tui_fail "no Dey row by province"
echo "$row" | grep -q "█ ۱ " || tui_fail "no Persian bar with a breakdown at 80: $row"
tui_keys F9
tui_wait "Statistics"
row=$(tui_screen | grep "Dey 1403" | head -1)
echo "$row" | grep -q " 1  *1  *1 █" || tui_fail "English row by province: $(tui_screen)"
tui_keys F5 F5 F5 F5 F5 F5 F5
tui_wait "Breakdown: All"
tui_screen | grep "Dey 1403" | grep -q " 1  *2  *1 █" || tui_fail "English row: $(tui_screen)"
tui_keys F10
tui_wait_exit

# --- NO_COLOR: the bars are characters, they still show
NO_COLOR=1 tui_start en 80 24
tui_wait "1403/10/26"
tui_login sara sarapass11
tui_wait "sara"
tui_keys F8
tui_wait "Dey 1403"
tui_screen | grep "Dey 1403" | grep -q "█" || tui_fail "no bar with NO_COLOR"
tui_keys F10
tui_wait_exit
echo "stats: ok"
