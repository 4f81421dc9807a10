/* parvande — what the core's modules share and the outside does not see. */
#ifndef PARVANDE_INTERNAL_H
#define PARVANDE_INTERNAL_H

#include <sqlite3.h>
#include "parvande/context.h"
#include "parvande/i18n.h"

struct pv_ctx {
    sqlite3 *db;
    pv_lang lang;
    pv_actor actor;
    int64_t branch_code; /* this database's branch */
};

/* A schema migration: applied in order, each in its own transaction, when
 * PRAGMA user_version is below `version`. Each module owns its SQL. */
typedef struct pv_migration {
    int version;
    const char *name;
    const char *sql;
} pv_migration;

/* Module schemas, in the order they are applied (core/schema.c lists them). */
extern const char pv_sql_files[];    /* persons, households, case files, history */
extern const char pv_sql_services[]; /* catalog, rules, enrollments, credits */
extern const char pv_sql_security[]; /* users, audit trail */

extern const pv_migration pv_migrations[];
extern const int pv_migrations_count;

/* Records a database error as PV_EFAIL with sqlite's message. */
pv_status pv_db_error(pv_ctx *ctx, pv_error *err);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
pv_status pv_tx_begin(pv_ctx *ctx, pv_error *err);
pv_status pv_tx_commit(pv_ctx *ctx, pv_error *err);
void pv_tx_rollback(pv_ctx *ctx);

/* A fresh record id at this database's branch for `table`
 * (branch_code << 40 | next sequence of that table). */
pv_status pv_next_id(pv_ctx *ctx, const char *table, pv_id *out, pv_error *err);

#endif
