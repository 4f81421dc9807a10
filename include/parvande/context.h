/* parvande — the context handle: the database, who is acting, their branch
 * and the language travel together in a pv_ctx, never in globals.
 *
 * A pv_ctx is opaque, created by pv_ctx_open() and released by
 * pv_ctx_close(). It is not thread-safe: one context per thread.
 */
#ifndef PARVANDE_CONTEXT_H
#define PARVANDE_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>
#include "parvande/error.h"

typedef int64_t pv_id; /* record id: branch code << 40 | sequence, unique across branches */

typedef struct pv_ctx pv_ctx;

typedef enum pv_lang { PV_LANG_FA = 0, PV_LANG_EN = 1 } pv_lang;

typedef enum pv_role {
    PV_ROLE_NONE = 0,
    PV_ROLE_CASEWORKER,
    PV_ROLE_SUPERVISOR,
    PV_ROLE_ADMIN,
    PV_ROLE_SYSTEM /* the program itself: init, migrations, bulk import by the operator */
} pv_role;

typedef struct pv_actor {
    pv_id user_id;       /* 0 for the system actor */
    char name[64];       /* login name, for history and audit */
    pv_role role;
    int64_t branch_code; /* the user's branch (see pv_branch in records.h) */
} pv_actor;

/* Opens (creating with mode 0600 if needed) and migrates the database at
 * `path`; NULL means the default path (pv_default_db_path). On success *out
 * owns the connection; the actor starts as the system actor of the
 * database's own branch. Returns PV_OK or PV_EFAIL with a message. */
pv_status pv_ctx_open(const char *path, pv_lang lang, pv_ctx **out, pv_error *err);

/* True when the database was opened read-only (read-only media, or no
 * permission to write the file or its directory): reading works, every
 * change fails with PV_EFAIL and a message saying why, and the audit
 * entries of the session (its login) are kept in a side file of the user's
 * (see core/storage.c). */
bool pv_ctx_readonly(const pv_ctx *ctx);

/* Where a read-only session's audit entries are kept (malloc'd; NULL when
 * HOME is not set). */
char *pv_unrecorded_audit_path(void);

/* Closes the database and frees the context. NULL is allowed. */
void pv_ctx_close(pv_ctx *ctx);

/* The default database path: $PARVANDE_DB, else
 * $XDG_DATA_HOME/parvande/parvande.db, else ~/.local/share/parvande/parvande.db.
 * Returns a newly allocated string the caller frees, or NULL on failure. */
char *pv_default_db_path(void);

/* Language of messages produced by the core (and by gettext in general:
 * this sets LANGUAGE for the process). */
void pv_ctx_set_lang(pv_ctx *ctx, pv_lang lang);
pv_lang pv_ctx_lang(const pv_ctx *ctx);

/* Who is acting. The pointer stays owned by the context. */
const pv_actor *pv_ctx_actor(const pv_ctx *ctx);
void pv_ctx_set_actor(pv_ctx *ctx, const pv_actor *actor);

/* This database's own branch code (set at init). */
int64_t pv_ctx_branch(const pv_ctx *ctx);

/* Several changes as one all-or-nothing unit: pv_ctx_begin(), the calls
 * (core functions join the open transaction instead of starting their
 * own), then pv_ctx_commit() — or pv_ctx_rollback() after any failure, which
 * undoes them all. The write lock is held in between, so never wait for a
 * person inside. Begin fails with PV_EUSAGE if a transaction is already
 * open, PV_EFAIL if the database is busy. Rollback is safe to call when
 * nothing is open. */
pv_status pv_ctx_begin(pv_ctx *ctx, pv_error *err);
pv_status pv_ctx_commit(pv_ctx *ctx, pv_error *err);
void pv_ctx_rollback(pv_ctx *ctx);

/* Today as ISO date "YYYY-MM-DD" in `out` (11 bytes). Honours
 * $PARVANDE_TODAY (ISO) so tests can fix the date. */
void pv_today(char out[11]);

#endif
