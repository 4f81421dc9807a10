/* parvande — migration 10: the branch's overdue limit for inquiries, and
 * the old agency_confirmation facts made into inquiries.
 *
 * inquiry_setting holds, per branch, the days after which a pending
 * inquiry is overdue (none: PV_INQUIRY_OVERDUE_DAYS, 14). It is the
 * branch's own setting and stays in its office (not exchanged).
 *
 * Before migration 6 card 004 read "a facilitator named by another agency
 * has that agency's confirmation" from a free-text fact agency_confirmation.
 * The fact never said which agency. Each fact whose value counts as true
 * for the rules (not "", "no", "0", "false") becomes one confirmed inquiry
 * about the person, sent and answered on the day the fact was recorded, by
 * who recorded it, with a note saying it was migrated and the fact's text.
 * The agency is taken from the catalog's cards, the services the person is
 * enrolled in first:
 *   1. the fact's value is the key of a [link] block ("key: KEY" line);
 *   2. else the person's facilitator_role names a [gate] whose rule reads
 *      "fact.facilitator_role != 'ROLE' or inquiry.KEY" (004: dehyar ->
 *      village_admin, behvarz -> health_network) and KEY is a [link] key;
 *   3. else agency "unknown", its name the fact's text, the service the
 *      first card of the person's enrollments with a [link] (else none).
 * The agency's names are the agency.fa / agency.en lines of that [link]
 * block after its key line. Every agency_confirmation fact is then removed
 * (person_fact_history keeps it): no card reads it any more. */
#include "internal.h"

#define NL "char(10)"
/* The text of a card's [link] block from its "key: K" line to the next block. */
#define LINK_BLOCK(card, key)                                                              \
    "substr(substr(" card ", instr(" card ", " NL " || 'key: ' || " key " || " NL ") + 1), "   \
    "1, instr(substr(" card ", instr(" card ", " NL " || 'key: ' || " key " || " NL ") + 1) "   \
    "|| " NL " || '[', " NL " || '['))"
/* The rest of the line after "NAME: " in a block, '' when it has none. */
#define LINE_VALUE(blk, name)                                                              \
    "CASE WHEN instr(" blk ", " NL " || '" name ": ') = 0 THEN '' ELSE "                   \
    "substr(substr(" blk ", instr(" blk ", " NL " || '" name ": ') + length('" name "') + 3), "   \
    "1, instr(substr(" blk ", instr(" blk ", " NL " || '" name ": ') + length('" name "') + 3) " \
    "|| " NL ", " NL ") - 1) END"
#define GATE_PATTERN "'fact.facilitator_role != ''' || o.role || ''' or inquiry.'"

const char pv_sql_desk[] =
    "CREATE TABLE inquiry_setting (\n"
    "  branch_code INTEGER PRIMARY KEY,\n"
    "  overdue_days INTEGER NOT NULL CHECK (overdue_days BETWEEN 1 AND 365)\n"
    ");\n"

    "CREATE TEMP TABLE desk_old AS\n"
    "  SELECT f.person_id AS pid, p.branch_code AS branch, trim(f.value) AS value,\n"
    "         lower(trim(f.value)) AS lvalue,\n"
    "         CASE WHEN substr(f.set_on, 1, 10) GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'\n"
    "              THEN substr(f.set_on, 1, 10) ELSE date('now') END AS day,\n"
    "         coalesce(nullif(f.set_by, ''), 'migration') AS who,\n"
    "         coalesce((SELECT lower(trim(r.value)) FROM person_fact r\n"
    "                    WHERE r.person_id = f.person_id AND r.key = 'facilitator_role'), '')\n"
    "           AS role\n"
    "    FROM person_fact f JOIN person p ON p.id = f.person_id\n"
    "   WHERE f.key = 'agency_confirmation'\n"
    "     AND lower(trim(f.value)) NOT IN ('', 'no', '0', 'false');\n"

    /* every card with a [link], ranked: the person's enrollments first */
    "CREATE TEMP TABLE desk_pick AS\n"
    "  WITH cand AS (\n"
    "    SELECT o.pid, s.code, s.card,\n"
    "           NOT EXISTS (SELECT 1 FROM enrollment e WHERE e.person_id = o.pid\n"
    "                         AND e.code = s.code) AS rank,\n"
    "           CASE WHEN instr(s.card, " NL " || 'key: ' || o.lvalue || " NL ") > 0\n"
    "                THEN o.lvalue END AS by_value,\n"
    "           CASE WHEN o.role <> '' AND instr(s.card, " GATE_PATTERN ") > 0\n"
    "                THEN substr(s.card, instr(s.card, " GATE_PATTERN ") + length(" GATE_PATTERN
    ")) END AS gate_rest\n"
    "      FROM desk_old o JOIN service s ON instr(s.card, '[link]') > 0),\n"
    "  keyed AS (\n"
    "    SELECT pid, code, card, rank,\n"
    "           coalesce(by_value, CASE WHEN gate_rest IS NOT NULL AND instr(card, " NL
    " || 'key: ' || substr(gate_rest, 1, instr(gate_rest || ' ', ' ') - 1) || " NL ") > 0\n"
    "                               THEN substr(gate_rest, 1, instr(gate_rest || ' ', ' ') - 1)\n"
    "                               END) AS key\n"
    "      FROM cand)\n"
    "  SELECT pid, code, key, rank,\n"
    "         CASE WHEN key IS NULL THEN '' ELSE " LINK_BLOCK("card", "key") " END AS blk\n"
    "    FROM (SELECT *, row_number() OVER (PARTITION BY pid ORDER BY key IS NULL, rank, code)\n"
    "                      AS n FROM keyed)\n"
    "   WHERE n = 1;\n"

    "INSERT INTO inquiry (id, branch_code, person_id, code, agency_key, agency_fa, agency_en,\n"
    "                     how, by_whom, status, sent_on, answered_on, note, caseworker)\n"
    "  SELECT (o.branch << 40)\n"
    "         | (coalesce((SELECT max(i.id & 1099511627775) FROM inquiry i\n"
    "                       WHERE (i.id >> 40) = o.branch), 0)\n"
    "            + row_number() OVER (PARTITION BY o.branch ORDER BY o.pid)),\n"
    "         o.branch, o.pid, CASE WHEN k.key IS NULL AND k.rank THEN '' ELSE coalesce(k.code, '')\n"
    "                          END, coalesce(k.key, 'unknown'),\n"
    "         CASE WHEN k.key IS NULL THEN o.value\n"
    "              ELSE coalesce(nullif(" LINE_VALUE("k.blk", "agency.fa") ", ''), k.key) END,\n"
    "         CASE WHEN k.key IS NULL THEN o.value\n"
    "              ELSE coalesce(nullif(" LINE_VALUE("k.blk", "agency.en") ", ''), k.key) END,\n"
    "         'manual', 'agency', 'confirmed', o.day, o.day,\n"
    "         'migration 10: fact agency_confirmation = ' || o.value, o.who\n"
    "    FROM desk_old o LEFT JOIN desk_pick k ON k.pid = o.pid;\n"

    "DROP TABLE desk_old;\n"
    "DROP TABLE desk_pick;\n"
    "DELETE FROM person_fact WHERE key = 'agency_confirmation';\n";
