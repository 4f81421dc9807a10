/* parvande — schema of referrals and of the yearly insurance cycle
 * (migration 7).
 *
 * A referral sends a person to a centre of the branch's list; its status
 * goes sent -> received -> closed, or sent/received -> returned. The
 * follow-up date comes from the urgency (referral_setting, days per urgency
 * and branch, with defaults when a branch set nothing). Every change of a
 * referral is also a referral_event, so its history is readable.
 *
 * Existing databases kept "has an open referral" as the recorded fact
 * referral_open: each such fact becomes an open routine referral (no
 * centre, the fact's value as its reason, sent on the day the fact was
 * recorded), and the fact is removed, because the rules now read the
 * referrals themselves (rule name open_referrals).
 *
 * The insurance year: per service, Jalali year and province, the frozen
 * list of children (a snapshot of the fields the insurer needs, so a later
 * edit of a file does not change it), the contract, and per child the
 * policy that came back and the claims noted. */
#include "internal.h"

#define PV_ISO_DATE(col) "(" col " GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]')"

const char pv_sql_referrals[] =
    "CREATE TABLE referral_centre (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  branch_code INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),\n"
    "  county TEXT NOT NULL DEFAULT '',\n"
    "  phone TEXT NOT NULL DEFAULT '' CHECK (phone NOT GLOB '*[^0-9]*'),\n"
    "  created_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"
    "  created_by TEXT NOT NULL DEFAULT '',\n"
    "  UNIQUE (branch_code, name)\n"
    ");\n"
    "CREATE TABLE referral_setting (\n"
    "  branch_code INTEGER NOT NULL,\n"
    "  urgency TEXT NOT NULL CHECK (urgency IN ('routine','urgent','emergency')),\n"
    "  days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 365),\n"
    "  PRIMARY KEY (branch_code, urgency)\n"
    ");\n"
    "CREATE TABLE referral (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  branch_code INTEGER NOT NULL,\n"
    "  person_id INTEGER NOT NULL REFERENCES person(id),\n"
    "  household_id INTEGER,\n"
    "  code TEXT NOT NULL DEFAULT '',\n"
    "  assessment_id INTEGER REFERENCES assessment(id),\n"
    "  centre_id INTEGER REFERENCES referral_centre(id),\n"
    "  urgency TEXT NOT NULL CHECK (urgency IN ('routine','urgent','emergency')),\n"
    "  reason TEXT NOT NULL DEFAULT '',\n"
    "  referred_by TEXT NOT NULL,\n"
    "  sent_on TEXT NOT NULL CHECK " PV_ISO_DATE("sent_on") ",\n"
    "  status TEXT NOT NULL DEFAULT 'sent'\n"
    "    CHECK (status IN ('sent','received','closed','returned')),\n"
    "  received_on TEXT NOT NULL DEFAULT '',\n"
    "  answer TEXT NOT NULL DEFAULT '',\n"
    "  follow_up TEXT NOT NULL CHECK " PV_ISO_DATE("follow_up") ",\n"
    "  follow_up_reason TEXT NOT NULL DEFAULT '',\n"
    "  closed_on TEXT NOT NULL DEFAULT '',\n"
    "  outcome TEXT NOT NULL DEFAULT '',\n"
    "  migrated INTEGER NOT NULL DEFAULT 0 CHECK (migrated IN (0, 1)),\n"
    "  created_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"
    "  updated_at TEXT NOT NULL DEFAULT (" PV_NOW ")\n"
    ");\n"
    "CREATE INDEX referral_person ON referral (person_id, status);\n"
    "CREATE INDEX referral_follow ON referral (follow_up) WHERE status IN ('sent','received');\n"
    "CREATE TABLE referral_event (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  referral_id INTEGER NOT NULL REFERENCES referral(id),\n"
    "  date TEXT NOT NULL,\n"
    "  user TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('send','receive','close','return','follow_up',"
    "'migrate')),\n"
    "  note TEXT NOT NULL DEFAULT ''\n"
    ");\n"
    "CREATE INDEX referral_event_ref ON referral_event (referral_id, id);\n"

    /* referral_open facts become referrals (ids: the person's branch, then
     * a sequence above any referral id, of which there is none yet). */
    "INSERT INTO referral (id, branch_code, person_id, household_id, urgency, reason,\n"
    "  referred_by, sent_on, follow_up, migrated)\n"
    "SELECT (p.branch_code << 40) + row_number() OVER (PARTITION BY p.branch_code\n"
    "    ORDER BY p.id), p.branch_code, p.id, p.household_id, 'routine',\n"
    "  CASE WHEN lower(f.value) IN ('yes', '1', 'true') THEN '' ELSE f.value END,\n"
    "  f.set_by, f.set_on, date(f.set_on, '+14 days'), 1\n"
    "FROM person_fact f JOIN person p ON p.id = f.person_id\n"
    "WHERE f.key = 'referral_open' AND lower(f.value) NOT IN ('no', '0', 'false')\n"
    "  AND " PV_ISO_DATE("f.set_on") ";\n"
    "INSERT INTO referral_event (referral_id, date, user, kind, note)\n"
    "SELECT id, sent_on, referred_by, 'migrate', 'fact referral_open' FROM referral;\n"
    "DELETE FROM person_fact WHERE key = 'referral_open';\n"

    /* The insurance year of a service in a province. */
    "CREATE TABLE insurance_year (\n"
    "  code TEXT NOT NULL,\n"
    "  year INTEGER NOT NULL CHECK (year BETWEEN 1300 AND 1500),\n"
    "  province_key TEXT NOT NULL,\n"
    "  province TEXT NOT NULL,\n"
    "  branch_code INTEGER NOT NULL,\n"
    "  frozen_on TEXT NOT NULL DEFAULT '',\n"
    "  frozen_by TEXT NOT NULL DEFAULT '',\n"
    "  insurer TEXT NOT NULL DEFAULT '',\n"
    "  contract_no TEXT NOT NULL DEFAULT '',\n"
    "  contract_start TEXT NOT NULL DEFAULT '',\n"
    "  contract_end TEXT NOT NULL DEFAULT '',\n"
    "  premium INTEGER NOT NULL DEFAULT 0 CHECK (premium >= 0),\n"
    "  exported_on TEXT NOT NULL DEFAULT '',\n"
    "  policies_on TEXT NOT NULL DEFAULT '',\n"
    "  PRIMARY KEY (code, year, province_key)\n"
    ");\n"
    "CREATE TABLE insurance_member (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL,\n"
    "  year INTEGER NOT NULL,\n"
    "  province_key TEXT NOT NULL,\n"
    "  person_id INTEGER NOT NULL REFERENCES person(id),\n"
    "  national_id TEXT NOT NULL,\n"
    "  first_name TEXT NOT NULL, last_name TEXT NOT NULL, father_name TEXT NOT NULL,\n"
    "  birth_date TEXT NOT NULL, gender TEXT NOT NULL, guardianship TEXT NOT NULL,\n"
    "  province TEXT NOT NULL, county TEXT NOT NULL,\n"
    "  listed INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1)),\n"
    "  late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),\n"
    "  change_reason TEXT NOT NULL DEFAULT '',\n"
    "  enrollment_id INTEGER,\n"
    "  policy_no TEXT NOT NULL DEFAULT '',\n"
    "  policy_start TEXT NOT NULL DEFAULT '',\n"
    "  policy_end TEXT NOT NULL DEFAULT '',\n"
    "  UNIQUE (code, year, province_key, person_id)\n"
    ");\n"
    "CREATE INDEX insurance_member_nid ON insurance_member (code, year, national_id);\n"
    "CREATE TABLE insurance_claim (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  member_id INTEGER NOT NULL REFERENCES insurance_member(id),\n"
    "  date TEXT NOT NULL CHECK " PV_ISO_DATE("date") ",\n"
    "  note TEXT NOT NULL,\n"
    "  noted_by TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX insurance_claim_member ON insurance_claim (member_id);\n";
