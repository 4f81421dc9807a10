#!/usr/bin/env bash
# The review queue in the interface: a branch and its province exchange a
# file, both change the same first name, and the province's supervisor
# opens the queue with F11, sees the two values side by side, types a
# third and saves it with F4; the database then holds the decision. In
# English at 80x24 and in Persian wide.
. "$(dirname "$0")/tui_lib.sh"

A="$TMPDIR/branch.db"
pa() { "$PARVANDE" --db "$A" --lang en "$@"; }
xa() { pa "$@" --passphrase-fd 3 3<<<"branch-passphrase"; }
xp() { pv "$@" --passphrase-fd 3 3<<<"province-passphrase"; }

pa init --branch 11 >/dev/null || tui_fail "init branch"
pv init --branch 100 >/dev/null || tui_fail "init province"
xa office init --level branch --parent 100 >/dev/null || tui_fail "branch keys"
xp office init --level province --parent 1000 >/dev/null || tui_fail "province keys"
pa office key --out "$TMPDIR/a.key" && pv office key --out "$TMPDIR/p.key" || tui_fail "keys"
pa office trust "$TMPDIR/p.key" >/dev/null && pv office trust "$TMPDIR/a.key" >/dev/null ||
  tui_fail "trust"
printf 'national_id,first_name,last_name,gender,birth_date\n0499370899,Zahra,Ahmadi,F,1370/01/01\n' >"$TMPDIR/a1.csv"
pa import "$TMPDIR/a1.csv" >/dev/null || tui_fail "branch import"
xa exchange export --to 100 --out "$TMPDIR/1.pvx" >/dev/null || tui_fail "export 1"
xp exchange import "$TMPDIR/1.pvx" >/dev/null || tui_fail "import 1"
printf 'national_id,first_name,last_name,gender,birth_date,phone\n0499370899,Zahra-Sadat,Ahmadi,F,1370/01/01,09120000000\n' >"$TMPDIR/p1.csv"
pv import "$TMPDIR/p1.csv" >/dev/null || tui_fail "province edit"
printf 'national_id,first_name,last_name,gender,birth_date,phone\n0499370899,Zari,Ahmadi,F,1370/01/01,09121111111\n' >"$TMPDIR/a2.csv"
pa import "$TMPDIR/a2.csv" >/dev/null || tui_fail "branch edit"
xa exchange export --to 100 --out "$TMPDIR/2.pvx" >/dev/null || tui_fail "export 2"
xp exchange import "$TMPDIR/2.pvx" >/dev/null || tui_fail "import 2"
[ "$(pv conflicts list --tsv | wc -l)" -eq 2 ] || tui_fail "two conflicts queued: the name and the phone"
pv user add boss --role admin --password-fd 3 3<<<"bosspass11" >/dev/null || tui_fail "admin"
pv_as boss bosspass11 user add sup --role supervisor --password-fd 4 4<<<"suppass111" \
  >/dev/null || tui_fail "supervisor"
pv_as boss bosspass11 user add sara --role caseworker --password-fd 4 4<<<"sarapass11" \
  >/dev/null || tui_fail "caseworker"

# --- a caseworker sees the queue but may not decide ---
tui_start en 80 24
tui_wait "Password"
tui_login sara sarapass11
tui_wait "sara"
tui_keys F11
tui_wait "Conflicts to review (2)"
tui_wait "Zahra-Sadat"
tui_wait "Zari"
tui_wait "Office 11"
tui_keys F3
tui_wait "only a supervisor"
tui_keys F10
tui_wait_exit

# --- the supervisor types a third value ---
tui_start en 80 24
tui_wait "Password"
tui_login sup suppass111
tui_wait "sup"
tui_keys F1
tui_wait "Review the conflicts"
tui_keys Escape
tui_keys F11
tui_wait "the same field changed on both sides"
tui_type "Zahra"
tui_keys F4
tui_wait "decided"
tui_wait "Conflicts to review (1)"
tui_keys F10
tui_wait_exit
pv_as sup suppass111 conflicts list --all --tsv >"$TMPDIR/out" || tui_fail "list"
grep -q $'\tresolved\tZahra\tsup$' "$TMPDIR/out" || { cat "$TMPDIR/out"; tui_fail "the decision is stored"; }
# (the file is branch 11's: read from the database itself)
[ "$(sqlite3 "$TUI_DB" "SELECT first_name FROM person WHERE national_id = '0499370899'")" = Zahra ] ||
  tui_fail "the person has the decided name"

# --- Persian, wide: the phone, keeping the province's value
tui_start fa 120 30
tui_poll "Password" 2 || true
tui_login sup suppass111
tui_wait "sup"
tui_keys F11
tui_wait "۱۱"
tui_wait "۰۹۱۲۱۱۱۱۱۱۱"
tui_keys F2
tui_wait_gone "۰۹۱۲۱۱۱۱۱۱۱"
tui_keys F10
tui_wait_exit
[ "$(sqlite3 "$TUI_DB" "SELECT phone FROM person WHERE national_id = '0499370899'")" = 09120000000 ] ||
  tui_fail "kept the province's phone"
echo "exchange tui: ok"
