/* parvande — the audit trail's head kept in a second place: a small file
 * beside the database ("DB.audit-head", mode 0600), holding the database's
 * id and the highest entry (seq and hash) this computer has seen committed.
 * Deleting the tail of the trail, and the audit_head row with it, is then
 * still seen by the next verification on this computer; the verifier's
 * `--expect` checks a head written down anywhere else.
 *
 * The file is written when a context that appended entries closes, and
 * after a verification found the trail intact; never moved back (under an
 * exclusive lock, so two programs closing at once keep the higher head).
 * Writing it is best effort: on read-only media it is not written. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "audit_internal.h"
#include "parvande/audit.h"
#include "security.h"

typedef struct side_head {
    char db_id[40];
    int64_t seq;
    char hash[65];
} side_head;

static char *side_path(pv_ctx *ctx)
{
    const char *db = sqlite3_db_filename(ctx->db, "main");
    char *p = NULL;
    if (!db || !*db || asprintf(&p, "%s.audit-head", db) < 0)
        return NULL;
    return p;
}

static bool parse_side(const char *text, side_head *h)
{
    memset(h, 0, sizeof *h);
    long long seq;
    return sscanf(text, "parvande-audit-head %39s %lld %64s", h->db_id, &seq, h->hash) == 3 &&
           (h->seq = seq) >= 0;
}

static bool read_fd(int fd, side_head *h)
{
    char buf[256];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return parse_side(buf, h);
}

pv_status pv_audit_db_head(pv_ctx *ctx, char db_id[40], int64_t *seq, char hash[65],
                           pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT db_id, seq, hash FROM audit_head WHERE id = 1", &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    int rc = sqlite3_step(st);
    db_id[0] = hash[0] = '\0';
    *seq = 0;
    if (rc == SQLITE_ROW) {
        snprintf(db_id, 40, "%s", (const char *)sqlite3_column_text(st, 0));
        *seq = sqlite3_column_int64(st, 1);
        snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

void pv_audit_side_store(pv_ctx *ctx, int64_t seq, const char *hash)
{
    side_head now = {.seq = seq};
    int64_t ignored;
    char ignored_hash[65];
    if (pv_audit_db_head(ctx, now.db_id, &ignored, ignored_hash, NULL) != PV_OK || !now.db_id[0])
        return;
    snprintf(now.hash, sizeof now.hash, "%s", hash);
    char *path = side_path(ctx);
    if (!path)
        return;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    free(path);
    if (fd < 0)
        return;
    side_head old;
    if (flock(fd, LOCK_EX) == 0 &&
        (!read_fd(fd, &old) || strcmp(old.db_id, now.db_id) != 0 || old.seq < now.seq)) {
        char line[160];
        int n = snprintf(line, sizeof line, "parvande-audit-head %s %" PRId64 " %s\n", now.db_id,
                         now.seq, now.hash);
        if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)n, 0) == n)
            fsync(fd);
    }
    close(fd); /* releases the lock */
}

void pv_audit_keep_head(pv_ctx *ctx)
{
    struct pv_security *s = pv_sec(ctx);
    if (!s || !s->appended || !ctx->db || !sqlite3_get_autocommit(ctx->db))
        return;
    char db_id[40], hash[65];
    int64_t seq;
    if (pv_audit_db_head(ctx, db_id, &seq, hash, NULL) == PV_OK && seq > 0)
        pv_audit_side_store(ctx, seq, hash);
}

bool pv_audit_side_load(pv_ctx *ctx, const char *db_id, int64_t *seq, char hash[65])
{
    char *path = side_path(ctx);
    if (!path)
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(path);
    if (fd < 0)
        return false;
    side_head h;
    bool ok = flock(fd, LOCK_SH) == 0 && read_fd(fd, &h) && strcmp(h.db_id, db_id) == 0;
    close(fd);
    if (ok) {
        *seq = h.seq;
        snprintf(hash, 65, "%s", h.hash);
    }
    return ok;
}

/* The hash of entry `seq`, "" when there is none. */
static void hash_at(pv_ctx *ctx, int64_t seq, char out[65])
{
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(ctx->db, "SELECT hash FROM audit WHERE seq = ?1", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int64(st, 1, seq);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(out, 65, "%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
}

/* Whether the chain that was walked (rep) reaches a head known elsewhere:
 * seq and hash; sets the report's problem when it does not. */
void pv_audit_check_head(pv_ctx *ctx, int64_t seq, const char *hash, pv_audit_report *rep)
{
    if (rep->problem != PV_AUDIT_INTACT || seq <= 0)
        return;
    if (seq > rep->last_seq) {
        rep->problem = PV_AUDIT_REMOVED; /* the end was cut off */
        rep->seq = rep->last_seq + 1;
        return;
    }
    char have[65];
    hash_at(ctx, seq, have);
    if (hash && *hash && strcmp(have, hash) != 0) {
        rep->problem = PV_AUDIT_CHANGED; /* rewritten from there on */
        rep->seq = seq;
    }
}

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
            return false;
    return true;
}

pv_status pv_audit_expect(pv_ctx *ctx, const char *expect, pv_audit_report *rep, pv_error *err)
{
    char *end;
    errno = 0;
    long long seq = strtoll(expect, &end, 10);
    if (*expect && !*end && errno == 0 && seq > 0) {
        pv_audit_check_head(ctx, seq, NULL, rep);
        return PV_OK;
    }
    if (!is_hex64(expect))
        return pv_error_field(err, "expect",
                              _("the expected head is an entry number or a hash of 64 hex digits"));
    if (rep->problem != PV_AUDIT_INTACT)
        return PV_OK;
    char lower[65];
    for (int i = 0; i < 65; i++)
        lower[i] = (char)(expect[i] >= 'A' && expect[i] <= 'F' ? expect[i] + 32 : expect[i]);
    sqlite3_stmt *st = NULL;
    int64_t at = 0;
    if (sqlite3_prepare_v2(ctx->db, "SELECT seq FROM audit WHERE hash = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return pv_db_error(ctx, err);
    sqlite3_bind_text(st, 1, lower, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        at = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (at == 0) {
        rep->problem = PV_AUDIT_HEAD_MISSING;
        rep->seq = 0;
    }
    return PV_OK;
}
