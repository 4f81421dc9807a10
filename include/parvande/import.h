/* parvande — bulk import of beneficiaries from a CSV file.
 *
 * The contract (README "Importing CSV"): a header row names the columns in
 * any order; national_id, first_name, last_name, gender and birth_date are
 * required, father_name, phone, province, county, address, household,
 * relation, guardianship, judicial_order, disability, covered, file_status
 * and area optional; any other column is an error naming it. Every value
 * goes through the same field table as the forms (pv_person_set_field,
 * pv_casefile_set_field), so a value is accepted or refused alike
 * everywhere.
 *
 * - A person whose national ID is already recorded is updated (its old
 *   version kept in the history), not duplicated; empty cells and absent
 *   columns leave the stored value as it is.
 * - The same national ID twice in one file: the later row is rejected
 *   (unless the earlier row was itself rejected).
 * - Rows with the same `household` key form one household (with its case
 *   file, whose covered / file_status come from the rows: where rows of one
 *   household disagree, the last one wins). A household key already in the
 *   database adds the rows to that household. A new person without a key
 *   gets a household of their own.
 * - A bad row is rejected (line, field, reason) and every good row is
 *   imported.
 *
 * Atomicity: the file is read twice. The first pass counts the rows and
 * notes, for every household key, the last row that uses it. The second
 * pass imports inside one transaction that is committed only when at least
 * `batch_rows` rows have been written AND every household seen so far has
 * had its last row, so a commit never splits a household, however its rows
 * are spread through the file. (A file whose households all interleave is
 * imported in one transaction.) Killed at any moment, the database holds
 * whole committed batches and nothing of the batch in progress.
 */
#ifndef PARVANDE_IMPORT_H
#define PARVANDE_IMPORT_H

#include <stdio.h>
#include "parvande/context.h"

typedef struct pv_import_stats {
    unsigned long total;    /* data rows in the file (known after the first pass) */
    unsigned long rows;     /* data rows handled so far */
    unsigned long imported; /* new persons */
    unsigned long updated;  /* persons already recorded, updated */
    unsigned long rejected;
    unsigned long commits;  /* transactions committed */
} pv_import_stats;

typedef struct pv_import_opts {
    /* When not NULL, every rejected row is written here as CSV: the header
     * of the input plus an "error" column, then each rejected row's values
     * followed by the reason. The FILE stays the caller's. */
    FILE *rejects;
    /* Called for every rejected row with its physical line, the field's
     * machine name (NULL when the whole row is at fault) and the translated
     * message naming the field and the reason. */
    void (*on_reject)(void *arg, long line, const char *field, const char *message);
    /* Called about every 1,000 rows, and once at the end. */
    void (*on_progress)(void *arg, const pv_import_stats *stats);
    void *arg;
    /* Rows per transaction at least (0: 10,000); see Atomicity above. */
    unsigned long batch_rows;
    /* A file of at least this many rows (0: 50,000) that is also at least a
     * quarter of the persons already recorded is imported without the
     * three name indexes, which are built again at the end (sorting beats a
     * million scattered index inserts). Meanwhile name searches still work,
     * slowly, and an import killed half way leaves them to be re-created by
     * the next pv_ctx_open. */
    unsigned long rebuild_min_rows;
} pv_import_opts;

/* Imports the CSV file at `path` (a regular file: it is read twice) into the
 * context's database as its actor (who must be allowed PV_ACT_IMPORT).
 * `opts` may be NULL; `stats` (may be NULL) receives the counts.
 *
 * Returns PV_OK when the file was read to the end, whether or not rows were
 * rejected (see stats->rejected). Errors of the whole file: PV_EINVAL for a
 * bad header (unknown, repeated or missing column; err names it) or a file
 * that is not CSV; PV_EFAIL when it cannot be opened; PV_EUSAGE when it is
 * not a regular file; PV_EDENIED; PV_EFAIL for a database failure, after
 * which the batches already committed stay and the batch in progress is
 * rolled back (stats say how far it went). */
pv_status pv_import_csv(pv_ctx *ctx, const char *path, const pv_import_opts *opts,
                        pv_import_stats *stats, pv_error *err);

#endif
