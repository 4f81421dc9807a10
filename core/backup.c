/* parvande — `backup` and the database's own checks (see
 * include/parvande/backup.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "parvande/audit.h"
#include "parvande/authz.h"
#include "parvande/backup.h"

static pv_status same_file(const char *a, const char *b, bool *same)
{
    struct stat x, y;
    *same = stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
    return PV_OK;
}

static pv_status copy_into(pv_ctx *ctx, sqlite3 *to, int64_t *pages, pv_error *err)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", ctx->db, "main");
    if (!b)
        return pv_storage_error(ctx, sqlite3_extended_errcode(to), err) != PV_OK
                   ? PV_EFAIL
                   : pv_error_set(err, PV_EFAIL, NULL, "%s", _("The backup could not start."));
    /* -1: every page in one step, one read transaction, one moment */
    int rc, tries = 0;
    while (((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
           tries++ < 200)
        sqlite3_sleep(50); /* at most 10 s: a recovery, a checkpoint */
    if (pages)
        *pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE)
        return PV_OK;
    pv_ctx tmp = {.db = to};
    if (pv_storage_error(&tmp, rc, err) != PV_OK)
        return PV_EFAIL;
    return pv_error_set(err, PV_EFAIL, NULL, _("The backup failed: %s"), sqlite3_errstr(rc));
}

static bool quick_ok(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    return ok;
}

pv_status pv_backup(pv_ctx *ctx, const char *path, bool force, int64_t *pages, pv_error *err)
{
    pv_status rc = pv_authz_check(ctx, PV_ACT_BACKUP, 0, err);
    if (rc != PV_OK)
        return rc;
    bool same = false;
    same_file(path, sqlite3_db_filename(ctx->db, "main"), &same);
    if (same)
        return pv_error_set(err, PV_EUSAGE, "backup", "%s",
                            _("The backup cannot be written over the database itself."));
    if (!force && access(path, F_OK) == 0)
        return pv_error_set(err, PV_EUSAGE, "backup",
                            _("%s exists; give --force to replace it."), path);
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("Out of memory."));
    int fd = mkstemp(tmp); /* 0600 */
    if (fd < 0) {
        rc = pv_error_set(err, PV_EFAIL, NULL, _("Cannot write %s: %s"), path, strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);
    sqlite3 *to = NULL;
    if (sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        rc = pv_error_set(err, PV_EFAIL, NULL, _("Cannot write %s: %s"), path,
                          sqlite3_errstr(sqlite3_errcode(to)));
    else
        rc = copy_into(ctx, to, pages, err);
    if (rc == PV_OK && !quick_ok(to))
        rc = pv_error_set(err, PV_EFAIL, NULL, "%s",
                          _("The copy did not pass its check; the backup was not kept."));
    sqlite3_close_v2(to);
    if (rc == PV_OK && rename(tmp, path) != 0)
        rc = pv_error_set(err, PV_EFAIL, NULL, _("Cannot write %s: %s"), path, strerror(errno));
    if (rc != PV_OK)
        unlink(tmp);
    free(tmp);
    if (rc == PV_OK)
        pv_audit_append(ctx, "backup", NULL, 0, NULL, NULL, NULL);
    return rc;
}

pv_status pv_db_health_check(pv_ctx *ctx, pv_db_health *out, pv_error *err)
{
    memset(out, 0, sizeof *out);
    pv_status rc = pv_authz_check(ctx, PV_ACT_AUDIT_READ, 0, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctx->db, "PRAGMA integrity_check(1)", -1, &st, NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        snprintf(out->integrity, sizeof out->integrity, "%s",
                 (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (s != SQLITE_ROW)
        return pv_db_error(ctx, err);
    if (sqlite3_prepare_v2(ctx->db, "SELECT count(*) FROM pragma_foreign_key_check", -1, &st,
                           NULL) != SQLITE_OK)
        return pv_db_error(ctx, err);
    if ((s = sqlite3_step(st)) == SQLITE_ROW)
        out->fk_problems = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return s == SQLITE_ROW ? PV_OK : pv_db_error(ctx, err);
}
