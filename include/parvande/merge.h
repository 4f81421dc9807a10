/* parvande — saving an edit made from an older copy of a record, without
 * overwriting what another terminal saved in the meantime.
 *
 * An interface form loads a person (the base), the user edits a copy
 * (mine), and by the time they save, someone else may have saved the same
 * file (theirs, in the database). Each field is merged on its own: a field
 * only one side changed takes that side's value; a field both changed to
 * the same value is no conflict; a field both changed differently is a
 * conflict, and then nothing is saved.
 */
#ifndef PARVANDE_MERGE_H
#define PARVANDE_MERGE_H

#include <stddef.h>
#include "parvande/records.h"

/* One field both sides changed: the values as pv_person_get_field shows them. */
typedef struct pv_field_conflict {
    const char *field;      /* machine name, from the static field table */
    char base[PV_ADDR_SZ];  /* when the edit started */
    char mine[PV_ADDR_SZ];  /* what this user typed */
    char theirs[PV_ADDR_SZ];/* what the database holds now */
} pv_field_conflict;

/* Saves `mine` (an edit of `base`, both with base's id) merged field by
 * field over the person as the database holds it now, in one transaction
 * (or inside the caller's). On PV_OK, *mine receives the saved, merged
 * record. On PV_ECONFLICT nothing is saved: *conf (if not NULL) receives a
 * malloc'd array of *n_conf conflicts the caller frees with free(), *base
 * becomes the database's current record and *mine that record with this
 * user's changes on it (so that saving again consciously puts this user's
 * values over theirs and changes nothing else), and the message of `err`
 * names the fields. A record that vanished or moved out of reach
 * meanwhile is PV_ENOTFOUND. Other failures as pv_person_save. */
pv_status pv_person_save_merged(pv_ctx *ctx, pv_person *base, pv_person *mine,
                                pv_field_conflict **conf, size_t *n_conf, pv_error *err);

#endif
