/* parvande — the context: opening the database (mode 0600, pragmas,
 * migrations), the acting user, the language, transactions, record ids and
 * the per-context statement cache. It knows no module above it: what the
 * audit trail must hear of (the connection opened and closing, a
 * transaction over, a refusal) goes through the hooks that core/open.c
 * gives it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* ---- paths ---- */

char *pv_default_db_path(void)
{
    const char *env = getenv("PARVANDE_DB");
    char *path = NULL;
    if (env && *env)
        return strdup(env);
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg) {
        if (asprintf(&path, "%s/parvande/parvande.db", xdg) < 0)
            return NULL;
        return path;
    }
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    if (asprintf(&path, "%s/.local/share/parvande/parvande.db", home) < 0)
        return NULL;
    return path;
}

/* mkdir -p of the directories above `path`, private (0700) when created. */
static int make_parents(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            free(dir);
            return -1;
        }
        *p = '/';
    }
    free(dir);
    return 0;
}

/* Creates the file with mode 0600 before SQLite opens it: SQLite gives its
 * -wal and -shm files the database file's permissions, so they are private
 * too. An existing file is left as it is. */
static int create_private(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno == EEXIST ? 0 : -1;
    int rc = fchmod(fd, 0600); /* whatever the umask said */
    close(fd);
    return rc;
}

/* ---- time ---- */

static char *put_num(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + width;
}

/* Formatted by hand: the store stamps every row it writes, and a bulk
 * import writes a hundred thousand a second. */
void pv_now_stamp(char out[32])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char *p = put_num(out, (tm.tm_year + 1900) % 10000, 4);
    *p++ = '-';
    p = put_num(p, tm.tm_mon + 1, 2);
    *p++ = '-';
    p = put_num(p, tm.tm_mday, 2);
    *p++ = 'T';
    p = put_num(p, tm.tm_hour, 2);
    *p++ = ':';
    p = put_num(p, tm.tm_min, 2);
    *p++ = ':';
    p = put_num(p, tm.tm_sec % 60, 2);
    *p++ = '.';
    p = put_num(p, (int)(ts.tv_nsec / 1000000), 3);
    *p++ = 'Z';
    *p = '\0';
}

/* The page cache of every connection, in KiB (negative, as PRAGMA
 * cache_size takes it); see configure(). */
#define CACHE_KB "-24576"

/* ---- errors and statements ---- */

pv_status pv_db_error(pv_ctx *ctx, pv_error *err)
{
    int code = ctx && ctx->db ? sqlite3_extended_errcode(ctx->db) : SQLITE_ERROR;
    const char *msg = ctx && ctx->db ? sqlite3_errmsg(ctx->db) : "no database";
    if (pv_storage_error(ctx, code, err) != PV_OK)
        return PV_EFAIL; /* a full disk, read-only media...: what to do about it */
    /* Busy after the busy timeout is a failure to retry later, not a
     * rejection of the input (exit 1, not 3). */
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
        return pv_error_set(err, PV_EFAIL, NULL, "%s",
                            _("The database is busy: another program is writing to it; "
                              "try again."));
    /* the guard of a first import (core/import_index.c) */
    if (code == SQLITE_CONSTRAINT_TRIGGER && strstr(msg, PV_IMPORT_GUARD))
        return pv_error_set(err, PV_ECONFLICT, "national_id", "%s",
                            _("A first import is filling this database: new persons and "
                              "national IDs can be recorded when it has ended."));
    /* TRANSLATORS: %s is SQLite's own (English) description of the problem. */
    return pv_error_set(err, PV_EFAIL, NULL, _("Database error: %s"), msg);
}

pv_status pv_stmt(pv_ctx *ctx, const char *sql, sqlite3_stmt **out, pv_error *err)
{
    for (size_t i = 0; i < ctx->n_stmts; i++) {
        if (ctx->stmts[i].sql == sql) {
            sqlite3_reset(ctx->stmts[i].stmt);
            sqlite3_clear_bindings(ctx->stmts[i].stmt);
            *out = ctx->stmts[i].stmt;
            return PV_OK;
        }
    }
    if (ctx->n_stmts == ctx->cap_stmts) {
        size_t cap = ctx->cap_stmts ? ctx->cap_stmts * 2 : 32;
        pv_stmt_slot *s = realloc(ctx->stmts, cap * sizeof *s);
        if (!s)
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
        ctx->stmts = s;
        ctx->cap_stmts = cap;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(ctx->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    ctx->stmts[ctx->n_stmts++] = (pv_stmt_slot){sql, st};
    *out = st;
    return PV_OK;
}

pv_status pv_exec(pv_ctx *ctx, const char *sql, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, sql, &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* ---- transactions ---- */

/* Another program may hold the write lock for a whole import batch, longer
 * than the busy timeout on a slow machine: a writer waits up to a minute
 * (BUSY_TRIES times the connection's 5 s busy timeout) rather than fail. */
#define BUSY_TRIES 12

pv_status pv_tx_begin(pv_ctx *ctx, pv_error *err)
{
    if (ctx->readonly) /* refused before anything is done, whatever SQLite would allow */
        return pv_storage_error(ctx, SQLITE_READONLY, err);
    pv_status rc;
    for (int tries = 1;; tries++) {
        rc = pv_exec(ctx, "BEGIN IMMEDIATE", err);
        if (rc == PV_OK || tries >= BUSY_TRIES || (sqlite3_errcode(ctx->db) & 0xff) != SQLITE_BUSY)
            return rc;
        pv_error_clear(err);
    }
}

pv_status pv_tx_commit(pv_ctx *ctx, pv_error *err)
{
    pv_status rc = pv_exec(ctx, "COMMIT", err);
    if (rc == PV_OK)
        pv_ctx_settled(ctx); /* refusals held during the transaction */
    return rc;
}

void pv_tx_rollback(pv_ctx *ctx)
{
    if (!sqlite3_get_autocommit(ctx->db))
        pv_exec(ctx, "ROLLBACK", NULL);
    pv_ctx_settled(ctx); /* refusals must outlive the rollback */
}

/* The id cache is trusted only until the transaction ends: another
 * connection may insert as soon as we let go of the write lock. */
static int on_commit(void *arg)
{
    ((pv_ctx *)arg)->n_ids = 0;
    return 0;
}

static void on_rollback(void *arg)
{
    pv_ctx *ctx = arg;
    ctx->n_ids = 0;
    ctx->hh_cache_id = 0; /* the household may have been rolled back */
}

static int valid_table_name(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n >= sizeof ((pv_id_slot *)0)->table)
        return 0;
    for (; *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || *t == '_' || (*t >= '0' && *t <= '9')))
            return 0;
    return 1;
}

static pv_status max_seq(pv_ctx *ctx, const char *table, int64_t *seq, pv_error *err)
{
    char *sql = sqlite3_mprintf("SELECT max(id) FROM \"%w\" WHERE id >= ?1 AND id < ?2", table);
    sqlite3_stmt *st = NULL;
    pv_status rc = PV_OK;
    if (!sql)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = pv_db_error(ctx, err);
    } else {
        pv_id lo = (pv_id)ctx->branch_code << 40;
        sqlite3_bind_int64(st, 1, lo);
        sqlite3_bind_int64(st, 2, lo + ((pv_id)1 << 40));
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW)
            *seq = sqlite3_column_type(st, 0) == SQLITE_NULL
                       ? 0 : (sqlite3_column_int64(st, 0) & (((pv_id)1 << 40) - 1));
        else
            rc = pv_db_error(ctx, err);
    }
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return rc;
}

pv_status pv_next_id(pv_ctx *ctx, const char *table, pv_id *out, pv_error *err)
{
    if (!valid_table_name(table))
        return pv_error_set(err, PV_EUSAGE, NULL, "pv_next_id: bad table name");
    bool in_tx = !sqlite3_get_autocommit(ctx->db);
    pv_id_slot *slot = NULL;
    for (size_t i = 0; in_tx && i < ctx->n_ids; i++)
        if (strcmp(ctx->ids[i].table, table) == 0)
            slot = &ctx->ids[i];
    if (!slot) {
        int64_t seq = 0;
        pv_status rc = max_seq(ctx, table, &seq, err);
        if (rc != PV_OK)
            return rc;
        if (seq + 1 >= ((pv_id)1 << 40))
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("No record ids left for this branch."));
        if (!in_tx) { /* nothing to cache outside a transaction */
            *out = ((pv_id)ctx->branch_code << 40) | (seq + 1);
            return PV_OK;
        }
        if (ctx->n_ids == sizeof ctx->ids / sizeof *ctx->ids)
            ctx->n_ids = 0;
        slot = &ctx->ids[ctx->n_ids++];
        snprintf(slot->table, sizeof slot->table, "%s", table);
        slot->next = seq + 1;
    }
    if (slot->next >= ((pv_id)1 << 40))
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("No record ids left for this branch."));
    *out = ((pv_id)ctx->branch_code << 40) | slot->next++;
    return PV_OK;
}

/* ---- opening ---- */

static pv_status exec_script(pv_ctx *ctx, const char *sql, pv_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(ctx->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return PV_OK;
    if (pv_storage_error(ctx, sqlite3_extended_errcode(ctx->db), err) != PV_OK) {
        sqlite3_free(msg);
        return PV_EFAIL;
    }
    pv_status st = pv_error_set(err, PV_EFAIL, NULL, _("Database error: %s"),
                                msg ? msg : sqlite3_errmsg(ctx->db));
    sqlite3_free(msg);
    return st;
}

static pv_status user_version(pv_ctx *ctx, int *v, pv_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}

/* 1 when no migration after pv_migrations[i] has its `then` step (that one
 * would do it again, on what its SQL changed). */
static bool last_of_its_step(int i)
{
    for (int j = i + 1; j < pv_migrations_count; j++)
        if (pv_migrations[j].then == pv_migrations[i].then)
            return false;
    return true;
}

/* Applies migration i in its own transaction. The version is read again
 * under the write lock, so two programs opening a new file at once do not
 * both apply it. */
static pv_status apply_migration(pv_ctx *ctx, int i, pv_error *err)
{
    const pv_migration *m = &pv_migrations[i];
    int v;
    bool fk_off = strncmp(m->sql, PV_SQL_FOREIGN_KEYS_OFF, strlen(PV_SQL_FOREIGN_KEYS_OFF)) == 0;
    /* such a migration copies a whole table: with temporary files in
     * memory a million persons took 660 MB, on disk 60 MB */
    if (fk_off && exec_script(ctx, "PRAGMA foreign_keys = OFF; PRAGMA temp_store = FILE;"
                                   "PRAGMA cache_size = -8192;", err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    if (exec_script(ctx, "BEGIN IMMEDIATE", err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    pv_status rc = user_version(ctx, &v, err);
    if (rc == PV_OK && v < m->version) {
        char set[64];
        snprintf(set, sizeof set, "PRAGMA user_version = %d", m->version);
        rc = exec_script(ctx, m->sql, err);
        if (rc == PV_OK && m->then && last_of_its_step(i))
            rc = m->then(ctx, err);
        if (rc == PV_OK && fk_off)
            rc = pv_migration_rebuilt(ctx, m->version, err);
        if (rc == PV_OK)
            rc = exec_script(ctx, set, err);
    }
    if (rc == PV_OK)
        rc = exec_script(ctx, "COMMIT", err);
    else
        exec_script(ctx, "ROLLBACK", NULL);
    if (fk_off)
        exec_script(ctx, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
                         "PRAGMA cache_size = " CACHE_KB ";", NULL);
    return rc;
}

static pv_status migrate(pv_ctx *ctx, pv_error *err)
{
    int v;
    pv_status rc = user_version(ctx, &v, err);
    if (rc != PV_OK)
        return rc;
    int newest = pv_migrations[pv_migrations_count - 1].version;
    if (ctx->readonly && v < newest)
        return pv_error_set(err, PV_EFAIL, NULL, "%s",
                            _("The database is read-only and was written by an older parvande: "
                              "open it once where it can be written, to bring it up to date."));
    if (v > newest)
        return pv_error_set(err, PV_EFAIL, NULL,
                            _("The database was written by a newer parvande (schema %d; this "
                              "program knows up to %d)."), v, newest);
    for (int i = 0; i < pv_migrations_count; i++) {
        if (pv_migrations[i].version <= v)
            continue;
        rc = apply_migration(ctx, i, err);
        if (rc != PV_OK)
            return rc;
    }
    return PV_OK;
}

static pv_status load_branch(pv_ctx *ctx, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT code FROM branch WHERE id = 1", &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    int rc = sqlite3_step(st);
    ctx->branch_code = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 1;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status configure(pv_ctx *ctx, pv_error *err)
{
    if (ctx->readonly) { /* nothing to set that would write */
        sqlite3_busy_timeout(ctx->db, 5000);
        sqlite3_extended_result_codes(ctx->db, 1);
        return exec_script(ctx, "PRAGMA cache_size = " CACHE_KB "; PRAGMA temp_store = MEMORY;",
                           err);
    }
    sqlite3_busy_timeout(ctx->db, 5000);
    sqlite3_extended_result_codes(ctx->db, 1);
    sqlite3_commit_hook(ctx->db, on_commit, ctx);
    sqlite3_rollback_hook(ctx->db, on_rollback, ctx);
    /* WAL: readers never wait for the writer; NORMAL is durable in WAL mode
     * except for the last transactions before a power cut, and always
     * consistent. A 24 MB page cache holds most of the national-ID index
     * of a million persons, which a bulk import updates at random places
     * (32 MB imports a third faster than 16 MB, but a whole import must
     * stay inside 64 MB of memory). */
    return exec_script(ctx,
                       "PRAGMA journal_mode = WAL;"
                       "PRAGMA foreign_keys = ON;"
                       "PRAGMA synchronous = NORMAL;"
                       "PRAGMA cache_size = " CACHE_KB ";"
                       "PRAGMA temp_store = MEMORY;",
                       err);
}

/* ---- the name indexes (dropped by a large import, see core/import.c) ---- */

static pv_status index_exists(pv_ctx *ctx, const char *name, bool *yes, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1", &st,
                err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *yes = rc == SQLITE_ROW;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* The process of the import in progress (bulk_import), 0 when none. */
static long bulk_import_owner(pv_ctx *ctx)
{
    sqlite3_stmt *st = NULL;
    long pid = 0;
    if (sqlite3_prepare_v2(ctx->db, "SELECT pid FROM bulk_import WHERE id = 1", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        pid = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return pid;
}

static pv_status build_one(pv_ctx *ctx, int i, bool last, long pid, pv_error *err)
{
    pv_status rc = pv_tx_begin(ctx, err);
    if (rc != PV_OK)
        return rc;
    rc = exec_script(ctx, pv_sql_name_indexes[i], err);
    if (rc == PV_OK && last) {
        sqlite3_stmt *st;
        rc = pv_stmt(ctx, "DELETE FROM bulk_import WHERE ?1 = 0 OR pid = ?1", &st, err);
        if (rc == PV_OK) {
            sqlite3_bind_int64(st, 1, pid);
            int s = sqlite3_step(st);
            sqlite3_reset(st);
            if (s != SQLITE_DONE)
                rc = pv_db_error(ctx, err);
        }
    }
    if (rc == PV_OK)
        return pv_tx_commit(ctx, err);
    pv_tx_rollback(ctx);
    return rc;
}

pv_status pv_name_indexes_build(pv_ctx *ctx, long pid, pv_error *err)
{
    /* CREATE INDEX sorts the whole table: with the connection's 24 MB cache
     * and in-memory temporary files a million persons took 100 MB; an 8 MB
     * cache (which also bounds the sorter's run size) and a temporary file
     * keep it near 20 MB and cost no time. One helper thread sorts beside
     * the main one on a second core: 3.4 s instead of 3.9 s for a million
     * persons, 30 MB instead of 21 MB. */
    pv_status rc = exec_script(ctx, "PRAGMA cache_size = -8192; PRAGMA temp_store = FILE;"
                                    "PRAGMA threads = 1;", err);
    /* the national ID's first: its guard holds other programs' new persons
     * back; the name indexes are built even when it fails (then it is
     * tried again by the next open) */
    pv_status natid = rc == PV_OK ? pv_natid_index_build(ctx, err) : rc;
    for (int i = 0; rc == PV_OK && i < PV_NAME_INDEXES; i++)
        rc = build_one(ctx, i, i == PV_NAME_INDEXES - 1, pid, natid == PV_OK ? err : NULL);
    if (rc == PV_OK)
        rc = natid;
    exec_script(ctx, "PRAGMA cache_size = " CACHE_KB "; PRAGMA temp_store = MEMORY;"
                     "PRAGMA threads = 0;", NULL);
    return rc;
}

/* Re-creates name indexes an import killed half way left missing, unless
 * that import is still running (it builds them at its end). Best effort:
 * when it cannot (another program holds the write lock too long), the
 * database is consistent all the same, searches read the whole table, and
 * the next open tries again. */
static void heal_name_indexes(pv_ctx *ctx)
{
    bool all = true;
    for (int i = 0; i < PV_NAME_INDEXES && all; i++)
        if (index_exists(ctx, pv_name_index_names[i], &all, NULL) != PV_OK)
            return;
    if (all && index_exists(ctx, PV_NATID_INDEX, &all, NULL) != PV_OK)
        return;
    if (all)
        return;
    long owner = bulk_import_owner(ctx);
    if (owner > 0 && (kill((pid_t)owner, 0) == 0 || errno == EPERM))
        return; /* the import is alive (maybe in this process) and will build them */
    pv_name_indexes_build(ctx, 0, NULL);
}

/* SQLite's process-wide settings, before its first use. Memory
 * statistics (which nothing here reads) would take a global mutex on every
 * allocation: about a tenth of a bulk import's writing thread. */
static void configure_library(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

pv_status pv_ctx_connect(const char *path, pv_lang lang, const pv_ctx_hooks *hooks, pv_ctx **out,
                         pv_error *err)
{
    static pthread_once_t library_once = PTHREAD_ONCE_INIT;
    pthread_once(&library_once, configure_library);
    *out = NULL;
    char *owned = NULL;
    if (!path) {
        owned = pv_default_db_path();
        if (!owned || make_parents(owned) != 0) {
            pv_status st = pv_error_set(err, PV_EFAIL, NULL,
                                        _("Cannot create the database directory for %s: %s"),
                                        owned ? owned : "?", strerror(errno));
            free(owned);
            return st;
        }
        path = owned;
    }
    if (create_private(path) != 0) {
        pv_status st = pv_error_set(err, PV_EFAIL, NULL, _("Cannot create the database %s: %s"),
                                    path, strerror(errno));
        free(owned);
        return st;
    }
    pv_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        free(owned);
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    }
    ctx->lang = lang;
    ctx->branch_code = 1;
    ctx->hooks = hooks;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    pv_status rc = PV_OK;
    ctx->readonly = !pv_path_writable(path);
    int orc = ctx->readonly ? pv_open_readonly(path, &ctx->db)
                            : sqlite3_open_v2(path, &ctx->db, flags, NULL);
    if (orc != SQLITE_OK && pv_storage_error(ctx, orc, err) == PV_OK)
        rc = pv_error_set(err, PV_EFAIL, NULL, _("Cannot open the database %s: %s"), path,
                          sqlite3_errstr(orc));
    else if (orc != SQLITE_OK)
        rc = PV_EFAIL;
    free(owned);
    if (rc == PV_OK)
        rc = configure(ctx, err);
    if (rc == PV_OK && hooks && hooks->connected)
        rc = hooks->connected(ctx, err); /* before migrations: triggers call its functions */
    if (rc == PV_OK)
        rc = pv_import_register(ctx, err);
    if (rc == PV_OK)
        rc = migrate(ctx, err);
    if (rc == PV_OK)
        rc = load_branch(ctx, err);
    if (rc == PV_OK && hooks && hooks->migrated)
        rc = hooks->migrated(ctx, err); /* audit triggers of every data table */
    if (rc != PV_OK) {
        pv_ctx_close(ctx);
        return rc;
    }
    ctx->actor = (pv_actor){.user_id = 0, .role = PV_ROLE_SYSTEM, .branch_code = ctx->branch_code};
    snprintf(ctx->actor.name, sizeof ctx->actor.name, "%s", "system");
    pv_ctx_set_lang(ctx, lang);
    if (!ctx->readonly)
        heal_name_indexes(ctx); /* as the program itself */
    *out = ctx;
    return PV_OK;
}

void pv_ctx_close(pv_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->db && ctx->hooks && ctx->hooks->closing)
        ctx->hooks->closing(ctx);
    for (size_t i = 0; i < ctx->n_stmts; i++)
        sqlite3_finalize(ctx->stmts[i].stmt);
    free(ctx->stmts);
    if (ctx->db) {
        sqlite3_commit_hook(ctx->db, NULL, NULL);
        sqlite3_rollback_hook(ctx->db, NULL, NULL);
        sqlite3_close_v2(ctx->db);
    }
    free(ctx);
}

/* ---- the hooks (core/open.c sets them) ---- */

void pv_ctx_settled(pv_ctx *ctx)
{
    if (ctx->hooks && ctx->hooks->settled)
        ctx->hooks->settled(ctx);
}

void pv_ctx_refused(pv_ctx *ctx, const char *action, const char *detail, const char *reason)
{
    if (ctx->hooks && ctx->hooks->refused)
        ctx->hooks->refused(ctx, action, detail, reason);
}

/* ---- language, actor, branch (pv_today is in core/today.c) ---- */

void pv_ctx_set_lang(pv_ctx *ctx, pv_lang lang)
{
    ctx->lang = lang;
    pv_i18n_set_lang(lang == PV_LANG_EN ? "en" : "fa");
}

pv_lang pv_ctx_lang(const pv_ctx *ctx)
{
    return ctx->lang;
}

const pv_actor *pv_ctx_actor(const pv_ctx *ctx)
{
    return &ctx->actor;
}

void pv_ctx_set_actor(pv_ctx *ctx, const pv_actor *actor)
{
    ctx->actor = *actor;
    ctx->actor.name[sizeof ctx->actor.name - 1] = '\0';
}

int64_t pv_ctx_branch(const pv_ctx *ctx)
{
    return ctx->branch_code;
}
