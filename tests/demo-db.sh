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
# The records of cards 001 and 004 are there too (F5): a mutual-aid group
# part way through its steps with a first payment, a workshop with its
# trainees, an inquiry overdue on the home screen; and a referral (F6).
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
# A mutual-aid group (001) of the four women who asked for one, enrolled as
# a group: two of its six steps walked, a first payment under the card's cap.
g=$(cw group add "گروه همیار مهر" --activity "خیاطی و فروش پوشاک" --tsv)
for id in $(pick "SELECT national_id FROM person WHERE gender = 'female' AND relation = 'head'
                  ORDER BY id LIMIT 4"); do
  cw group member "$g" "$id" >/dev/null
done
cw group enroll "$g" 19071059100 >/dev/null
cw group advance "$g" --note "جلسهٔ آشنایی با همهٔ اعضا" >/dev/null
cw group advance "$g" >/dev/null
cw group pay "$g" 50000000 --note "سرمایهٔ آغاز کار" >/dev/null
# Community work (003) in progress, life skills (001) approved.
set -- $(eligible 19071053115 | head -1); [ $# -ge 1 ] && enroll "$1" 19071053115 >/dev/null
set -- $(eligible 19071059100 | head -1)
if [ $# -ge 1 ]; then e=$(enroll "$1" 19071059100); sv approve "$e" >/dev/null; fi
# A workshop (004) for the three facilitators, its first day attended; an
# inquiry to the village administrations about one of them, sent weeks ago
# and still unanswered (overdue on the home screen); a referral of another.
set -- $(pick "SELECT p.national_id FROM person p JOIN person_fact f ON f.person_id = p.id
               WHERE f.key = 'local_facilitator' ORDER BY p.id")
if [ $# -ge 2 ]; then
  k=$(cw course add L-004 "کارگاه تسهیلگری" --capacity 20 --place "سالن اجتماعات" \
        --trainer "خانم رحیمی" --tsv)
  for id in "$@"; do
    cw enroll "$id" L-004 >/dev/null
    cw course admit "$k" "$id" >/dev/null
    cw course attend "$k" "$id" 1 >/dev/null
  done
  sent=$(date -d "${PARVANDE_TODAY:-$(date +%F)} - 30 days" +%F)
  cw inquiry add "$1" L-004 village_admin --asked "تأیید دهیار بودن" --date "$sent" >/dev/null
  as_user admin parvande-admin centre-add "مرکز مشاورهٔ خانواده" >/dev/null
  cw referral new "$2" --centre "مرکز مشاورهٔ خانواده" --reason "مشاورهٔ خانواده" >/dev/null
fi
rm -f "$BUILD/demo.csv" "$tmp-wal" "$tmp-shm"
mv "$tmp" "$DB"
echo "demo database: $DB ($(sqlite3 "$DB" "SELECT count(*) FROM household") households)"
