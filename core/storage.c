/* parvande — a database on media that cannot be written, and storage
 * errors in words a user can act on.
 *
 * A database on a read-only mount, in a directory the user may not write,
 * or a file without write permission is opened read-only (SQLite's
 * mode=ro; when even its -shm file cannot be made and no -wal file holds
 * anything, as immutable, which is safe since nothing can write there):
 * reading works, every change is refused with a message saying why, and
 * the entries a session would have appended to the audit trail (its
 * login, its refusals) go to a side file of the user's instead
 * ($XDG_STATE_HOME/parvande/unrecorded-audit.log, else
 * ~/.local/state/parvande/...), one JSON object a line, naming the
 * database by its audit head's id. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

bool pv_path_writable(const char *path)
{
    if (access(path, W_OK) != 0)
        return false;
    char *copy = strdup(path);
    if (!copy)
        return false;
    bool ok = access(dirname(copy), W_OK) == 0; /* for the -wal and -shm files */
    free(copy);
    return ok;
}

/* "file:" URI of path with `query`, the path's special characters escaped. */
static char *file_uri(const char *path, const char *query)
{
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendall(s, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x21)
            sqlite3_str_appendf(s, "%%%02X", *p);
        else
            sqlite3_str_appendchar(s, 1, (char)*p);
    }
    sqlite3_str_appendf(s, "?%s", query);
    return sqlite3_str_finish(s);
}

static bool wal_empty(const char *path)
{
    char wal[4200];
    struct stat st;
    snprintf(wal, sizeof wal, "%s-wal", path);
    return stat(wal, &st) != 0 || st.st_size == 0;
}

static bool readable(sqlite3 *db)
{
    return sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) == SQLITE_OK;
}

int pv_open_readonly(const char *path, sqlite3 **db)
{
    static const char *const queries[] = {"mode=ro", "mode=ro&immutable=1"};
    int rc = SQLITE_CANTOPEN;
    for (int i = 0; i < 2; i++) {
        if (i == 1 && !wal_empty(path))
            break; /* an immutable open would not see what the WAL holds */
        char *uri = file_uri(path, queries[i]);
        if (!uri)
            return SQLITE_NOMEM;
        rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                             NULL);
        sqlite3_free(uri);
        if (rc == SQLITE_OK && readable(*db))
            return SQLITE_OK;
        if (rc == SQLITE_OK)
            rc = sqlite3_extended_errcode(*db);
        sqlite3_close_v2(*db);
        *db = NULL;
    }
    return rc;
}

bool pv_ctx_readonly(const pv_ctx *ctx)
{
    return ctx && ctx->readonly;
}

/* ---- the side file of unrecorded audit entries ---- */

char *pv_unrecorded_path(void)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char *p = NULL;
    if (state && *state) {
        if (asprintf(&p, "%s/parvande/unrecorded-audit.log", state) < 0)
            p = NULL;
    } else if (home && *home) {
        if (asprintf(&p, "%s/.local/state/parvande/unrecorded-audit.log", home) < 0)
            p = NULL;
    }
    return p;
}

static void mkdirs(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(dir, 0700);
        *p = '/';
    }
    free(dir);
}

pv_status pv_unrecorded_append(pv_ctx *ctx, const char *at, const char *actor, const char *action,
                               const char *table, pv_id record_id, const char *detail,
                               const char *reason, pv_error *err)
{
    char db_id[40] = "";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "SELECT db_id FROM audit_head WHERE id = 1", -1, &st, NULL) ==
            SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        snprintf(db_id, sizeof db_id, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    char *path = pv_unrecorded_path();
    if (!path)
        return pv_error_set(err, PV_EFAIL, NULL, "%s",
                            _("The database is read-only and there is no place to keep this "
                              "session's audit entries (HOME is not set)."));
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendall(s, "{\"db\":");
    pv_json_string(s, db_id);
    sqlite3_str_appendall(s, ",\"path\":");
    pv_json_string(s, sqlite3_db_filename(ctx->db, "main"));
    sqlite3_str_appendall(s, ",\"at\":");
    pv_json_string(s, at);
    sqlite3_str_appendall(s, ",\"actor\":");
    pv_json_string(s, actor);
    sqlite3_str_appendall(s, ",\"action\":");
    pv_json_string(s, action);
    sqlite3_str_appendall(s, ",\"tbl\":");
    pv_json_string(s, table ? table : "");
    sqlite3_str_appendf(s, ",\"record_id\":%" PRId64 ",\"detail\":", (int64_t)record_id);
    pv_json_string(s, detail);
    sqlite3_str_appendall(s, ",\"reason\":");
    pv_json_string(s, reason);
    sqlite3_str_appendall(s, "}\n");
    char *line = sqlite3_str_finish(s);
    mkdirs(path);
    int fd = line ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
    bool ok = fd >= 0 && flock(fd, LOCK_EX) == 0 &&
              write(fd, line, strlen(line)) == (ssize_t)strlen(line);
    if (fd >= 0)
        close(fd);
    sqlite3_free(line);
    pv_status rc = ok ? PV_OK
                      : pv_error_set(err, PV_EFAIL, NULL,
                                     _("The database is read-only and this session's audit "
                                       "entries cannot be kept in %s either: %s"),
                                     path, strerror(errno));
    free(path);
    return rc;
}

char *pv_unrecorded_audit_path(void)
{
    return pv_unrecorded_path();
}

/* ---- storage errors ---- */

pv_status pv_storage_error(pv_ctx *ctx, int code, pv_error *err)
{
    const char *path = ctx && ctx->db ? sqlite3_db_filename(ctx->db, "main") : NULL;
    if (!path || !*path)
        path = "?";
    switch (code & 0xff) {
    case SQLITE_FULL:
        return pv_error_set(err, PV_EFAIL, NULL,
                            _("The disk is full: nothing of this change was saved. Free some "
                              "space on the disk of %s and try again."), path);
    case SQLITE_READONLY:
        return pv_error_set(err, PV_EFAIL, NULL,
                            _("The database %s is read-only (read-only media, or no write "
                              "permission): it can be read, not changed. Check the permissions "
                              "of the file and its directory."), path);
    case SQLITE_IOERR:
        if (code == SQLITE_IOERR_SHORT_READ)
            break;
        return pv_error_set(err, PV_EFAIL, NULL,
                            _("The database %s could not be written or read (a disk error, "
                              "or the disk is full): nothing of this change was saved. Check "
                              "the disk and the free space, and try again."), path);
    case SQLITE_CANTOPEN:
        return pv_error_set(err, PV_EFAIL, NULL,
                            _("The database %s cannot be opened: check that it exists and the "
                              "permissions of the file and its directory."), path);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return pv_error_set(err, PV_EFAIL, NULL,
                            _("%s is not a parvande database, or it is damaged: restore it "
                              "from a backup (parvande backup makes one)."), path);
    default:
        break;
    }
    return PV_OK; /* not a storage error */
}
