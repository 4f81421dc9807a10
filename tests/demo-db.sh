#!/usr/bin/env bash
# Builds BUILD/demo.db for `make run`: a branch office with a few hundred
# synthetic households (bench/gen.c, a fixed seed), so a new user sees real
# files at once. Idempotent and quick: an existing demo database is kept.
#   tests/demo-db.sh [BUILD]
# It tells the whole story: credits of the current Jalali year in every
# province for the services that charge one, facts and assessments so that
# every card has eligible and ineligible people, and enrollments in every
# state (requested, in progress, completed, rejected, withdrawn). The first
# child eligible for the children's insurance (002) is left without one,
# for a new user to walk through its card from the interface (doc/desk.md).
# Its three accounts exist only in this synthetic database, and their
# passwords are printed here on purpose (make run shows the first on the
# login screen through PARVANDE_DEMO_LOGIN): the caseworker "demo"
# (password parvande-demo), the supervisor "supervisor"
# (parvande-supervisor, for approvals) and the administrator "admin"
# (parvande-admin).
# A real database starts with no user and no default password.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${BUILD:-build}}
DB=${DEMO_DB:-$BUILD/demo.db}   # DEMO_DB: elsewhere (the end-to-end test)
P=$BUILD/parvande
export PARVANDE_LOCALEDIR=${PARVANDE_LOCALEDIR:-$PWD/$BUILD/locale}
if [ -s "$DB" ] && [ "$(sqlite3 "$DB" "SELECT count(*) FROM person" 2>/dev/null || echo 0)" -gt 0 ]; then
  echo "demo database: $DB (kept)"
  exit 0
fi
gen=$BUILD/bench-gen
if [ ! -x "$gen" ]; then
  gen=$BUILD/demo-gen
  [ -x "$gen" ] && [ "$gen" -nt bench/gen.c ] || cc -O2 -o "$gen" bench/gen.c
fi
tmp=$DB.new
rm -f "$tmp" "$tmp-wal" "$tmp-shm" "$BUILD/demo.csv"
"$gen" 1000 11 >"$BUILD/demo.csv"
"$P" --db "$tmp" --lang en init --branch 1 --province تهران --county تهران --office "دفتر نمونه" >/dev/null
"$P" --db "$tmp" --lang en import "$BUILD/demo.csv" >/dev/null
"$P" --db "$tmp" --lang en init --admin admin --password-fd 3 3<<<"parvande-admin" >/dev/null
add_user() { # add_user NAME ROLE PASSWORD
  "$P" --db "$tmp" --lang en --user admin --password-fd 3 user add "$1" --role "$2" \
    --password-fd 4 3<<<"parvande-admin" 4<<<"$3" >/dev/null
}
add_user demo caseworker parvande-demo
add_user supervisor supervisor parvande-supervisor
as_user() { # as_user NAME PASSWORD ARGS...
  local name=$1 pass=$2; shift 2
  "$P" --db "$tmp" --lang en --user "$name" --password-fd 3 "$@" 3<<<"$pass"
}
cw() { as_user demo parvande-demo "$@"; }
sv() { as_user supervisor parvande-supervisor "$@"; }
pick() { # pick SQL: national IDs, one a line
  sqlite3 "$tmp" "$1"
}
# Credits of this Jalali year, every province, for the services that charge.
year=$("$P" --lang en date "${PARVANDE_TODAY:-$(date +%F)}" | cut -c1-4)
for code in 19041060106 L-004; do # the two at once (the program waits on a busy database)
  pick "SELECT DISTINCT province FROM person WHERE province <> '' ORDER BY 1" |
    while IFS= read -r prov; do
      as_user admin parvande-admin credit "$code" "$prov" "$year" 2000000000 >/dev/null
    done &
done
wait
# Facts and assessments: some people eligible for each card.
for id in $(pick "SELECT national_id FROM person WHERE gender = 'female' AND relation = 'head'
                  ORDER BY id LIMIT 4"); do                       # 001, life skills
  cw fact "$id" request >/dev/null
  cw fact "$id" group_willing >/dev/null
  cw fact "$id" group "G-$id" >/dev/null
  cw assess "$id" "Home visit: a female head of household, asks for training and a group." \
    >/dev/null || true
done
for id in $(pick "SELECT national_id FROM person WHERE area = 'informal' ORDER BY id LIMIT 4"); do
  cw fact "$id" doc.identity >/dev/null                           # 003, community work
done
for id in $(pick "SELECT national_id FROM person WHERE relation = 'head' ORDER BY id DESC LIMIT 3"); do
  cw fact "$id" local_facilitator >/dev/null                      # 004, facilitators
done
enroll() { cw enroll "$1" "$2" --tsv | cut -f1; }                 # prints the new id
eligible() { sv eligible "$1" --tsv | cut -f1; }
# The children's insurance (002, needs a supervisor): the first eligible
# child is left for the walk-through; then requested, in progress,
# completed, rejected.
set -- $(eligible 19041060106 | head -5)
if [ $# -ge 5 ]; then
  enroll "$2" 19041060106 >/dev/null                              # requested
  e=$(enroll "$3" 19041060106); sv approve "$e" --note "checked with the file" >/dev/null
  cw advance "$e" --note "report sent to the province" >/dev/null # in progress, step 2
  e=$(enroll "$4" 19041060106); sv approve "$e" >/dev/null
  cw document "$e" judicial_order >/dev/null; cw document "$e" birth_certificate >/dev/null
  for _ in 1 2 3 4; do cw advance "$e" >/dev/null; done          # completed
  e=$(enroll "$5" 19041060106)
  sv reject "$e" --note "the judicial order is being reviewed" >/dev/null   # rejected
fi
# Justice-shares support (000, no approval): in progress, completed, withdrawn.
set -- $(eligible 19072703102 | head -3)
if [ $# -ge 3 ]; then
  enroll "$1" 19072703102 >/dev/null
  e=$(enroll "$2" 19072703102); for _ in 1 2 3; do cw advance "$e" >/dev/null; done
  e=$(enroll "$3" 19072703102); cw withdraw "$e" --note "moved to another city" >/dev/null
fi
# Community work (003) in progress, life skills (001) approved.
set -- $(eligible 19071053115 | head -1); [ $# -ge 1 ] && enroll "$1" 19071053115 >/dev/null
set -- $(eligible 19071059100 | head -1)
if [ $# -ge 1 ]; then e=$(enroll "$1" 19071059100); sv approve "$e" >/dev/null; fi
rm -f "$BUILD/demo.csv" "$tmp-wal" "$tmp-shm"
mv "$tmp" "$DB"
echo "demo database: $DB ($(sqlite3 "$DB" "SELECT count(*) FROM household") households)"
