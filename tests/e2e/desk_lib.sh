# Shared by the desk tests (test_desk_*.sh): the interface's fixture plus a
# household of five whose head has two enrollments (one in progress, one
# requested), services she is refused with long reasons, and a supervisor.
. "$(dirname "${BASH_SOURCE[0]}")/tui_lib.sh"

pv_sup() { pv_as sup suppass1111 "$@"; }

desk_make_db() {
  # tui_make_db's four people first (the import is the system's, before
  # any user), then the household of five
  rm -f "$TUI_DB" "$TUI_DB"-*
  cat >"$TMPDIR/desk.csv" <<'CSV'
national_id,first_name,last_name,father_name,gender,birth_date,phone,province,county,address,household,relation,guardianship,judicial_order,covered,file_status,area
0012345679,زهرا,احمدی,علی,female,1360/05/12,09123456789,تهران,ری,خیابان بهار,H1,head,none,no,yes,active,informal
0023456787,مریم,احمدی,رضا,female,1390/02/01,,تهران,ری,خیابان بهار,H1,child,none,no,yes,active,informal
0034567895,حسن,کریمی,محمد,male,1355/11/30,02155667788,اصفهان,کاشان,کوچه گل,H2,head,none,no,no,active,urban
0045678911,Ali,Rezaei,Hossein,male,1395/07/15,,اصفهان,کاشان,,H3,head,orphan,yes,yes,active,urban
0071000011,فاطمه,موسوی,حسین,female,1365/03/10,09121234567,تهران,ری,کوچه یاس پلاک ۱۲,H9,head,none,no,yes,active,informal
0071000021,علی,موسوی,رضا,male,1362/01/05,,تهران,ری,کوچه یاس پلاک ۱۲,H9,spouse,none,no,yes,active,informal
0071000038,زینب,موسوی,علی,female,1392/07/20,,تهران,ری,کوچه یاس پلاک ۱۲,H9,child,none,no,yes,active,informal
0071000046,محمد,موسوی,علی,male,1395/11/02,,تهران,ری,کوچه یاس پلاک ۱۲,H9,child,none,no,yes,active,informal
0071000054,سارا,موسوی,علی,female,1399/04/15,,تهران,ری,کوچه یاس پلاک ۱۲,H9,child,none,no,yes,active,informal
CSV
  pv init >/dev/null || tui_fail "init"
  pv catalog-sync >/dev/null || tui_fail "catalog-sync"
  pv import "$TMPDIR/desk.csv" >/dev/null || tui_fail "import"
  pv user add boss --role admin --password-fd 3 3<<<"bosspass11" >/dev/null || tui_fail "admin"
  pv_as boss bosspass11 user add sara --role caseworker --password-fd 4 4<<<"sarapass11" \
    >/dev/null || tui_fail "caseworker"
  pv_as boss bosspass11 user add sup --role supervisor --password-fd 4 4<<<"suppass1111" \
    >/dev/null || tui_fail "supervisor"
  # two enrollments of the head: social support (no approval: in progress)
  # and, by a supervisor's override, the community social work (in progress
  # too); the head is refused the others with several long reasons
  pv_as boss bosspass11 credit 19041060106 تهران 1403 100000000 >/dev/null || tui_fail "credit"
  pv_as sara sarapass11 enroll 0071000011 19072703102 >/dev/null || tui_fail "enroll 102"
  pv_sup enroll 0071000011 19071053115 --override "lives at the edge of an informal settlement, visited" \
    >/dev/null || tui_fail "override 115"
}
