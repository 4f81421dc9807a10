/* parvande — exchange, second part (migration 12).
 *
 * exchange_held: a package that arrived before one it follows (its first
 * section is beyond the next one expected from its sender), kept as it
 * came — signed and sealed — and applied, in order, by the import that
 * fills the gap. */
#include "internal.h"

const char pv_sql_exchange2[] =
    "CREATE TABLE exchange_held (\n"
    "  peer INTEGER NOT NULL REFERENCES office(code),\n"
    "  seq INTEGER NOT NULL,\n"
    "  first INTEGER NOT NULL,\n"
    "  package BLOB NOT NULL,\n"
    "  held_at TEXT NOT NULL DEFAULT (" PV_NOW "),\n"
    "  PRIMARY KEY (peer, seq)\n"
    ") WITHOUT ROWID;\n";
