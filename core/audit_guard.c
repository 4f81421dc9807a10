/* parvande — the schema's own triggers, re-created when missing.
 *
 * The migrations create triggers the program relies on besides the audit
 * triggers: the *_history keepers (an import that updates a person counts
 * on its old version being kept), a file moving its household along, the
 * protection of the trail. Someone with the file can drop them; the audit
 * triggers were re-created on every open, these were not, so an import
 * after a DROP TRIGGER silently stopped writing history. Now every open of
 * a writable database compares each of them with what the migrations say
 * (the text between CREATE TRIGGER and END) and re-creates those missing
 * or changed. A later migration that drops a trigger drops it from this
 * list too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_internal.h"

typedef struct wanted {
    char name[64];
    const char *sql; /* into the migration's text */
    size_t len;
} wanted;

#define MAX_WANTED 64

static void forget(wanted *w, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(w[i].name, name) == 0) {
            w[i] = w[--*n];
            return;
        }
}

static void read_name(const char *p, char out[64])
{
    while (*p == ' ')
        p++;
    if (strncmp(p, "IF EXISTS ", 10) == 0 || strncmp(p, "IF NOT EXISTS ", 14) == 0)
        p += p[3] == 'E' ? 10 : 14;
    size_t n = strcspn(p, " \n(;");
    snprintf(out, 64, "%.*s", (int)(n < 63 ? n : 63), p);
}

/* The triggers the migrations up to version `upto` leave, in the order they
 * make them. */
static size_t triggers_wanted(wanted *w, int upto)
{
    size_t n = 0;
    for (int m = 0; m < pv_migrations_count && pv_migrations[m].version <= upto; m++) {
        const char *sql = pv_migrations[m].sql;
        for (const char *p = sql; (p = strstr(p, "TRIGGER ")); p += 8) {
            bool create = p - sql >= 7 && strncmp(p - 7, "CREATE ", 7) == 0;
            bool drop = p - sql >= 5 && strncmp(p - 5, "DROP ", 5) == 0;
            if (!create && !drop)
                continue;
            char name[64];
            read_name(p + 8, name);
            forget(w, &n, name);
            const char *end = create ? strstr(p, "\nEND") : NULL;
            if (create && end && n < MAX_WANTED) {
                snprintf(w[n].name, sizeof w[n].name, "%s", name);
                w[n].sql = p - 7;
                w[n].len = (size_t)(end + 4 - w[n].sql);
                n++;
            }
        }
    }
    return n;
}

/* 1 when the trigger is there as the migration made it. */
static int in_place(pv_ctx *ctx, const wanted *w)
{
    sqlite3_stmt *st = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(ctx->db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND"
                                    " name = ?1", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *have = (const char *)sqlite3_column_text(st, 0);
        ok = have && strlen(have) == w->len && memcmp(have, w->sql, w->len) == 0;
    }
    sqlite3_finalize(st);
    return ok;
}

pv_status pv_audit_restore_triggers(pv_ctx *ctx, int upto, int *restored, pv_error *err)
{
    wanted w[MAX_WANTED];
    size_t n = triggers_wanted(w, upto);
    *restored = 0;
    for (size_t i = 0; i < n; i++) {
        int ok = in_place(ctx, &w[i]);
        if (ok < 0)
            return pv_db_error(ctx, err);
        if (ok)
            continue;
        char *sql = sqlite3_mprintf("DROP TRIGGER IF EXISTS \"%w\"; %.*s;", w[i].name,
                                    (int)w[i].len, w[i].sql);
        char *msg = NULL;
        if (!sql)
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        int rc = sqlite3_exec(ctx->db, sql, NULL, NULL, &msg);
        sqlite3_free(sql);
        if (rc != SQLITE_OK) {
            pv_status st = pv_db_error(ctx, err);
            sqlite3_free(msg);
            return st;
        }
        (*restored)++;
    }
    return PV_OK;
}
