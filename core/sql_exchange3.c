/* parvande — exchange, third part (migration 15).
 *
 * exchange_received: a digest (BLAKE2b) of every section applied here,
 * by its sender and number. An office that went back to a backup after
 * its packages were applied here numbers its next sections again from
 * where the backup left it: the same numbers, other changes. Skipping
 * such a section as "already applied" would lose its changes, so a
 * section whose number was applied here with another digest refuses the
 * package, and a section the sender renumbered past those applied here
 * (core/exchange.c, when it learns of the restore) is skipped if its
 * digest shows it applied already under its old number. */
#include "internal.h"

const char pv_sql_exchange3[] =
    "CREATE TABLE exchange_received (\n"
    "  peer INTEGER NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"
    "  digest BLOB NOT NULL,\n"
    "  PRIMARY KEY (peer, seq)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX exchange_received_digest ON exchange_received (peer, digest);\n";
