/* parvande — a consistent copy of the database, and its health in one
 * report.
 *
 * Errors as in error.h: PV_EDENIED when the actor may not, PV_EUSAGE for a
 * target that exists (without force) or is the database itself, PV_EFAIL
 * for the disk or the database (the message says what to do). */
#ifndef PARVANDE_BACKUP_H
#define PARVANDE_BACKUP_H

#include <stdbool.h>
#include <stdint.h>
#include "parvande/context.h"

/* Copies the whole database to `path` with SQLite's online backup API, in
 * one step under one read transaction: the copy is the database as it was
 * at one moment, even while other programs write (WAL readers do not stop
 * writers). Written to a temporary file beside `path` (mode 0600), checked
 * (PRAGMA quick_check) and renamed over it only then, so a failure leaves
 * nothing half-written. An existing `path` is replaced only when `force`.
 * Administrators (and the program) only: the copy holds every file.
 * *pages (may be NULL) gets the number of pages copied. */
pv_status pv_backup(pv_ctx *ctx, const char *path, bool force, int64_t *pages, pv_error *err);

/* The database's own checks: PRAGMA integrity_check (its first problem
 * into `integrity`, "ok" when none) and the rows PRAGMA foreign_key_check
 * reports. Needs PV_ACT_AUDIT_READ. */
typedef struct pv_db_health {
    char integrity[256];
    int64_t fk_problems;
} pv_db_health;
pv_status pv_db_health_check(pv_ctx *ctx, pv_db_health *out, pv_error *err);

#endif
