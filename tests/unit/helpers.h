/* Helpers for unit tests that need a database: a fresh temporary database
 * per test, valid national IDs, and a person ready to save. */
#ifndef PARVANDE_TEST_HELPERS_H
#define PARVANDE_TEST_HELPERS_H

#include "parvande/context.h"
#include "parvande/records.h"

/* Opens a new database in a new temporary directory (under $TMPDIR or
 * /tmp) as the system actor, in English. Fails the test on error. Release
 * with pv_test_db_close, which removes the files. */
pv_ctx *pv_test_db(void);
/* The path of the database pv_test_db opened last (valid until closed). */
const char *pv_test_db_path(void);
void pv_test_db_close(pv_ctx *ctx);

/* A valid national ID (correct check digit, not all one digit) made from
 * n: distinct n below 8 * 10^8 give distinct IDs (but for 11111111 ...). */
void pv_test_natid(unsigned long n, char out[11]);

/* A valid person (not yet saved): national ID from n, the names as given
 * (through pv_person_set_field, so normalised), born 1990-01-01. */
pv_person pv_test_person(unsigned long n, const char *first, const char *last,
                         const char *father, pv_gender gender);

/* Sets the context's actor: role and branch, named `name`. */
void pv_test_actor(pv_ctx *ctx, const char *name, pv_role role, int64_t branch);

/* Takes the database at `path` (closed) back to schema version `version`,
 * as an older program left it: every table, view, trigger and index a later
 * migration made is dropped, every column a later migration added removed,
 * and user_version set. The later objects are found by applying the
 * migrations to a scratch database with SQLite alone, so a new migration
 * needs nothing here. Then a test writes what the old program stored and
 * opens the file, which migrates it again. Fails the test on error. */
void pv_test_rewind(const char *path, int version);

#endif
