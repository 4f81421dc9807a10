/* parvande — the person table's definition, shared by migration 1 (which
 * made it with the national ID's uniqueness inline) and migration 13 (which
 * makes it again with the uniqueness as a separate index, core/sql_import2.c).
 * `name` is the table's name, `natid_unique` " UNIQUE" or "". */
#ifndef PARVANDE_SQL_PERSON_H
#define PARVANDE_SQL_PERSON_H

#define PV_SQL_PERSON_TABLE(name, natid_unique) \
    "CREATE TABLE " name " (\n"                                                                       \
    "  id INTEGER PRIMARY KEY,\n"                                                                     \
    "  household_id INTEGER REFERENCES household(id),\n"                                              \
    "  relation TEXT NOT NULL DEFAULT 'head'\n"                                                       \
    "    CHECK (relation = 'head' OR relation = 'spouse' OR relation = 'child'\n"                     \
    "      OR relation = 'parent' OR relation = 'sibling' OR relation = 'other'),\n"                  \
    "  national_id TEXT NOT NULL" natid_unique "\n"                                                   \
    "    CHECK (length(national_id) = 10 AND national_id NOT GLOB '*[^0-9]*'),\n"                     \
    "  first_name TEXT NOT NULL,\n"                                                                   \
    "  last_name TEXT NOT NULL,\n"                                                                    \
    "  father_name TEXT NOT NULL DEFAULT '',\n"                                                       \
    "  gender TEXT NOT NULL DEFAULT 'unknown'\n"                                                      \
    "    CHECK (gender = 'unknown' OR gender = 'female' OR gender = 'male'),\n"                       \
    "  birth_date TEXT NOT NULL DEFAULT ''\n"                                                         \
    "    CHECK (birth_date = '' OR birth_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),\n"    \
    "  phone TEXT NOT NULL DEFAULT '' CHECK (phone NOT GLOB '*[^0-9]*'),\n"                           \
    "  province TEXT NOT NULL DEFAULT '',\n"                                                          \
    "  county TEXT NOT NULL DEFAULT '',\n"                                                            \
    "  address TEXT NOT NULL DEFAULT '',\n"                                                           \
    "  area TEXT NOT NULL DEFAULT 'unknown'\n"                                                        \
    "    CHECK (area = 'unknown' OR area = 'urban' OR area = 'rural' OR area = 'informal'),\n"        \
    "  disability TEXT NOT NULL DEFAULT 'none'\n"                                                     \
    "    CHECK (disability = 'none' OR disability = 'mild' OR disability = 'moderate'\n"              \
    "      OR disability = 'severe' OR disability = 'very_severe'),\n"                                \
    "  guardianship TEXT NOT NULL DEFAULT 'none'\n"                                                   \
    "    CHECK (guardianship = 'none' OR guardianship = 'orphan'\n"                                   \
    "      OR guardianship = 'poorly_supervised'),\n"                                                 \
    "  judicial_order INTEGER NOT NULL DEFAULT 0 CHECK (judicial_order = 0 OR judicial_order = 1),\n" \
    "  branch_code INTEGER NOT NULL CHECK (branch_code BETWEEN 1 AND 8388607),\n"                     \
    /* search keys: pv_text_fold of the names (no spaces, no ZWNJ, folded letters) */                 \
    "  fold_first TEXT NOT NULL,\n"                                                                   \
    "  fold_last TEXT NOT NULL,\n"                                                                    \
    "  fold_father TEXT NOT NULL DEFAULT '',\n"                                                       \
    "  created_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"                                              \
    "  created_by TEXT NOT NULL DEFAULT '',\n"                                                        \
    "  updated_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"                                              \
    "  updated_by TEXT NOT NULL DEFAULT ''\n"                                                         \
    ");\n"

#endif
