/* parvande — exchange packages: export and import (see doc/exchange.md).
 *
 * A package is
 *   "PVX1" | u32 header length | header | u32 sealed length | sealed | signature
 * with big-endian lengths. The header is "key value" lines in clear (format,
 * from, to, first, seq, ack, schema, changes, created) so that a package
 * meant for another office, or replayed, is told without opening it. The
 * sealed part is crypto_box_seal to the recipient's X25519 key of the
 * compressed sections: u64 sequence | u32 length | changeset, one per
 * export not yet acknowledged. The signature is Ed25519 by the sender over everything
 * before it, checked before anything else is believed.
 *
 * Order: each export is one section with the next sequence number, and a
 * package carries every section the recipient has not acknowledged, so a
 * lost package's changes come again in the next one. The recipient applies
 * sections strictly in sequence and skips those it already applied. A
 * package that starts beyond the next section expected (its sender was
 * told by mistake, e.g. a restored backup here, that the others had come)
 * is held, signed and sealed as it came, and applied after the package
 * that fills the gap, in the same transaction (core/exchange_held.c).
 * Acknowledgements ride on the packages going the other way. The sections
 * are compressed (zlib) before they are sealed (core/exchange_pack.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange_internal.h"
#include "exchange_base.h"
#include "parvande/audit.h"

#define MAGIC "PVX1"
/* 2: the sections are compressed before they are sealed (1: not). */
#define FORMAT 2

typedef struct header {
    int format;
    int64_t from, to, first, seq, ack;
    int schema;
    long changes;
    char created[32];
    /* "acked": the digest of the recipient's section `ack` as applied by
     * the sender, so that a recipient back from a backup, which made
     * another section of that number since, tells them apart */
    bool has_acked;
    unsigned char acked[32];
} header;

typedef struct section {
    int64_t seq;
    const unsigned char *cs;
    uint32_t n;
} section;

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static pv_status no_memory(pv_error *err)
{
    return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
}

static int schema_version(pv_ctx *ctx)
{
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(ctx->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

/* Which tables travel from `self` to `peer`: up to its parent, down to a
 * child; 0 when the two are neither. */
static unsigned direction(const pv_office *self, const pv_office *peer)
{
    if (self->parent != 0 && self->parent == peer->code)
        return PV_XUP;
    if (peer->parent == self->code)
        return PV_XDOWN;
    return 0;
}

static pv_status exec1(pv_ctx *ctx, const char *sql, int64_t a, int64_t b, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, sql, &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

/* ---- export ---- */

/* Records the new section and reads every unacknowledged one into a
 * payload (malloc'ed). */
static pv_status store_and_collect(pv_ctx *ctx, const pv_office *peer, const void *cs, int n,
                                   long changes, unsigned char **payload, size_t *plen,
                                   pv_exchange_report *rep, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "INSERT INTO exchange_sent (peer, seq, changes, changeset)"
                                " VALUES (?1, ?2, ?3, ?4)", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer->code);
    sqlite3_bind_int64(st, 2, peer->out_seq + 1);
    sqlite3_bind_int64(st, 3, changes);
    sqlite3_bind_blob(st, 4, n ? cs : "", n, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if ((rc = exec1(ctx, "UPDATE office SET out_seq = ?2 WHERE code = ?1", peer->code,
                    peer->out_seq + 1, err)) != PV_OK)
        return rc;
    if ((rc = pv_stmt(ctx, "SELECT seq, changes, changeset FROM exchange_sent WHERE peer = ?1"
                           " AND seq > ?2 ORDER BY seq", &st, err)) != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, peer->code);
    sqlite3_bind_int64(st, 2, peer->out_acked);
    unsigned char *buf = NULL;
    size_t len = 0;
    rep->first_seq = 0;
    rep->changes = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        int bytes = sqlite3_column_bytes(st, 2);
        const void *blob = sqlite3_column_blob(st, 2);
        unsigned char *m = realloc(buf, len + 12 + (size_t)bytes);
        if (!m) {
            rc = no_memory(err);
            break;
        }
        buf = m;
        put_u32(buf + len, (uint32_t)((uint64_t)seq >> 32));
        put_u32(buf + len + 4, (uint32_t)seq);
        put_u32(buf + len + 8, (uint32_t)bytes);
        if (bytes)
            memcpy(buf + len + 12, blob, (size_t)bytes);
        len += 12 + (size_t)bytes;
        if (!rep->first_seq)
            rep->first_seq = seq;
        rep->changes += sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (rc == PV_OK && s != SQLITE_DONE)
        rc = pv_db_error(ctx, err);
    if (rc != PV_OK) {
        free(buf);
        return rc;
    }
    *payload = buf;
    *plen = len;
    return PV_OK;
}

static pv_status seal_and_sign(const header *h, const unsigned char *payload, size_t plen,
                               const unsigned char box_pk[32], const pv_office_keys *k,
                               unsigned char **pkg, size_t *len, pv_error *err)
{
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "format %d\nfrom %lld\nto %lld\nfirst %lld\nseq %lld\nack %lld\nschema %d\n"
                      "changes %ld\ncreated %s\n",
                      h->format, (long long)h->from, (long long)h->to, (long long)h->first,
                      (long long)h->seq, (long long)h->ack, h->schema, h->changes, h->created);
    if (h->has_acked) {
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, h->acked, sizeof h->acked);
        hl += snprintf(head + hl, sizeof head - (size_t)hl, "acked %s\n", hex);
    }
    unsigned char *z = NULL;
    size_t zl = 0;
    pv_status rc = pv_xpack_deflate(payload, plen, &z, &zl, err);
    if (rc != PV_OK)
        return rc;
    size_t sealed = zl + crypto_box_SEALBYTES;
    if (sealed > UINT32_MAX) {
        free(z);
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("The package would exceed 4 GB."));
    }
    size_t total = 4 + 4 + (size_t)hl + 4 + sealed + crypto_sign_BYTES;
    unsigned char *p = malloc(total);
    if (!p) {
        free(z);
        return no_memory(err);
    }
    memcpy(p, MAGIC, 4);
    put_u32(p + 4, (uint32_t)hl);
    memcpy(p + 8, head, (size_t)hl);
    put_u32(p + 8 + hl, (uint32_t)sealed);
    unsigned char *c = p + 12 + hl;
    int sealed_ok = crypto_box_seal(c, z, zl, box_pk);
    free(z);
    if (sealed_ok != 0) {
        free(p);
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("The package could not be encrypted."));
    }
    crypto_sign_detached(c + sealed, NULL, p, total - crypto_sign_BYTES, k->sign_sk);
    *pkg = p;
    *len = total;
    return PV_OK;
}

/* Both offices, the direction between them and, optionally, the keys. */
static pv_status endpoints(pv_ctx *ctx, int64_t other, pv_office *self, pv_office *peer,
                           unsigned char sign_pk[32], unsigned char box_pk[32], unsigned *dir,
                           pv_error *err)
{
    pv_status rc = pv_office_self(ctx, self, err);
    if (rc == PV_OK)
        rc = pv_office_get(ctx, other, peer, sign_pk, box_pk, err);
    if (rc != PV_OK)
        return rc;
    *dir = peer->self ? 0 : direction(self, peer);
    if (!*dir)
        return pv_error_set(err, PV_EINVAL, NULL,
                            _("Office %lld is neither this office's parent nor one of its "
                              "children: packages go only between the two."),
                            (long long)other);
    return PV_OK;
}

/* Going up, the section carries this office's new audit entries too;
 * *whole (sqlite3_free) is the diff `cs` with them, or NULL when it is
 * the diff alone. */
static pv_status add_trail(pv_ctx *ctx, const pv_office *peer, unsigned dir, const void *cs,
                           int n, void **whole, int *wn, pv_error *err)
{
    *whole = NULL;
    *wn = 0;
    if (dir != PV_XUP)
        return PV_OK;
    void *acs = NULL;
    int an = 0;
    pv_status rc = pv_xaudit_changeset(ctx, ctx->branch_code, peer->code, &acs, &an, err);
    if (rc == PV_OK && an > 0 &&
        sqlite3changeset_concat(n, (void *)cs, an, acs, wn, whole) != SQLITE_OK)
        rc = pv_db_error(ctx, err);
    sqlite3_free(acs);
    return rc;
}

static pv_status export_changes(pv_ctx *ctx, const pv_office *peer, unsigned dir,
                                const char *base, unsigned char **payload, size_t *plen,
                                void **cs, int *n, pv_exchange_report *rep, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "ATTACH ?1 AS pv_base", &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_text(st, 1, base, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    if (dir == PV_XUP && (rc = pv_xaudit_attach(ctx, err)) != PV_OK) {
        pv_exec(ctx, "DETACH pv_base", NULL);
        return rc;
    }
    void *whole = NULL;
    int wn = 0;
    if ((rc = pv_tx_begin(ctx, err)) == PV_OK &&
        (rc = pv_xbase_diff(ctx, dir, peer->code, cs, n, err)) == PV_OK &&
        (rc = add_trail(ctx, peer, dir, *cs, *n, &whole, &wn, err)) == PV_OK) {
        long changes = pv_changeset_count(*cs, *n);
        rc = store_and_collect(ctx, peer, whole ? whole : *cs, whole ? wn : *n, changes, payload,
                               plen, rep, err);
        char detail[128];
        snprintf(detail, sizeof detail, "{\"to\":%lld,\"seq\":%lld,\"changes\":%ld}",
                 (long long)peer->code, (long long)peer->out_seq + 1, changes);
        if (rc == PV_OK)
            rc = pv_audit_append(ctx, "exchange-export", "office", peer->code, detail, NULL, err);
        if (rc == PV_OK)
            rc = pv_tx_commit(ctx, err);
    }
    if (rc != PV_OK) {
        pv_tx_rollback(ctx);
        if (*payload) {
            free(*payload);
            *payload = NULL;
        }
    }
    sqlite3_free(whole);
    if (dir == PV_XUP)
        pv_xaudit_detach(ctx);
    pv_exec(ctx, "DETACH pv_base", NULL);
    return rc;
}

pv_status pv_exchange_export(pv_ctx *ctx, int64_t to, const char *passphrase,
                             unsigned char **pkg, size_t *len, pv_exchange_report *rep,
                             pv_error *err)
{
    *pkg = NULL;
    *len = 0;
    memset(rep, 0, sizeof *rep);
    pv_office self, peer;
    unsigned char sign_pk[32], box_pk[32];
    unsigned dir;
    pv_status rc = pv_exchange_require(ctx, false, "exchange", err);
    if (rc == PV_OK)
        rc = endpoints(ctx, to, &self, &peer, sign_pk, box_pk, &dir, err);
    if (rc != PV_OK)
        return rc;
    pv_office_keys k;
    if ((rc = pv_office_unlock(ctx, passphrase, &k, err)) != PV_OK)
        return rc;
    char *base = pv_xbase_path(ctx, to);
    unsigned char *payload = NULL;
    size_t plen = 0;
    void *cs = NULL;
    int n = 0;
    if (!base)
        rc = pv_error_set(err, PV_EFAIL, NULL, "%s",
                          _("Packages need a database file (not one in memory)."));
    if (rc == PV_OK)
        rc = pv_xbase_prepare(ctx, base, dir, err);
    if (rc == PV_OK)
        rc = export_changes(ctx, &peer, dir, base, &payload, &plen, &cs, &n, rep, err);
    if (rc == PV_OK) /* the section is stored: a failure now only delays it */
        rc = pv_xbase_advance(base, cs, n, err);
    if (rc == PV_OK) {
        header h = {.format = FORMAT, .from = self.code, .to = to, .first = rep->first_seq,
                    .seq = peer.out_seq + 1, .ack = peer.in_seq, .schema = schema_version(ctx),
                    .changes = rep->changes};
        pv_now_stamp(h.created);
        rc = pv_xreceived_digest(ctx, to, h.ack, h.acked, &h.has_acked, err);
        if (rc == PV_OK)
            rc = seal_and_sign(&h, payload, plen, box_pk, &k, pkg, len, err);
        rep->from = h.from;
        rep->to = h.to;
        rep->seq = h.seq;
        rep->ack = h.ack;
        rep->bytes = *len;
    }
    sodium_memzero(&k, sizeof k);
    sqlite3_free(cs);
    sqlite3_free(base);
    free(payload);
    return rc;
}

/* ---- import ---- */

static pv_status not_a_package(pv_error *err)
{
    return pv_xpack_damaged(err);
}

static bool header_num(const char *h, size_t hl, const char *key, int64_t *out)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl + 1 < hl;) {
        if ((i == 0 || h[i - 1] == '\n') && strncmp(h + i, key, kl) == 0 && h[i + kl] == ' ') {
            char *end;
            long long v = strtoll(h + i + kl + 1, &end, 10);
            if (end == h + i + kl + 1 || *end != '\n' || v < 0)
                return false;
            *out = v;
            return true;
        }
        const char *nl = memchr(h + i, '\n', hl - i);
        if (!nl)
            break;
        i = (size_t)(nl - h) + 1;
    }
    return false;
}

/* An optional key of 32 bytes in hexadecimal; false when absent. */
static bool header_hex(const char *h, size_t hl, const char *key, unsigned char out[32])
{
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl + 66 <= hl;) {
        if ((i == 0 || h[i - 1] == '\n') && strncmp(h + i, key, kl) == 0 && h[i + kl] == ' ' &&
            h[i + kl + 65] == '\n') {
            size_t n = 0;
            return sodium_hex2bin(out, 32, h + i + kl + 1, 64, NULL, &n, NULL) == 0 && n == 32;
        }
        const char *nl = memchr(h + i, '\n', hl - i);
        if (!nl)
            break;
        i = (size_t)(nl - h) + 1;
    }
    return false;
}

static pv_status parse_package(const unsigned char *pkg, size_t len, header *h,
                               const unsigned char **sealed, size_t *slen, pv_error *err)
{
    if (len < 12 + crypto_sign_BYTES || memcmp(pkg, MAGIC, 4) != 0)
        return not_a_package(err);
    size_t hl = get_u32(pkg + 4);
    if (hl > 4096 || 12 + hl > len)
        return not_a_package(err);
    size_t sl = get_u32(pkg + 8 + hl);
    if (12 + hl + sl + crypto_sign_BYTES != len || sl < crypto_box_SEALBYTES)
        return not_a_package(err);
    const char *t = (const char *)pkg + 8;
    int64_t v[8];
    const char *keys[] = {"format", "from", "to", "first", "seq", "ack", "schema", "changes"};
    for (int i = 0; i < 8; i++)
        if (!header_num(t, hl, keys[i], &v[i]))
            return not_a_package(err);
    memset(h, 0, sizeof *h);
    h->format = (int)v[0];
    h->from = v[1];
    h->to = v[2];
    h->first = v[3];
    h->seq = v[4];
    h->ack = v[5];
    h->schema = (int)v[6];
    h->changes = (long)v[7];
    h->has_acked = header_hex(t, hl, "acked", h->acked);
    *sealed = pkg + 12 + hl;
    *slen = sl;
    return PV_OK;
}

/* Who sent it, whether it is really theirs, and whether it is ours. */
static pv_status check_envelope(pv_ctx *ctx, const unsigned char *pkg, size_t len,
                                const header *h, pv_office *self, pv_office *peer,
                                unsigned *dir, pv_error *err)
{
    unsigned char sign_pk[32];
    pv_status rc = pv_office_self(ctx, self, err);
    if (rc != PV_OK)
        return rc;
    if (h->format < FORMAT)
        return pv_error_set(err, PV_EINVAL, NULL,
                            _("Refused: this package is of format %d, made by an older version of "
                              "parvande, which this version no longer reads; the sending office "
                              "updates parvande and exports again (nothing is lost: it sends "
                              "every change not acknowledged)."), h->format);
    if (h->format != FORMAT)
        return pv_error_set(err, PV_EINVAL, NULL,
                            _("This package is of format %d, which this version does not read."),
                            h->format);
    if (h->from == self->code || pv_office_get(ctx, h->from, peer, sign_pk, NULL, NULL) != PV_OK)
        return pv_error_set(err, PV_EDENIED, NULL,
                            _("Refused: the package says it comes from office %lld, which this "
                              "office does not trust."), (long long)h->from);
    if (crypto_sign_verify_detached(pkg + len - crypto_sign_BYTES, pkg, len - crypto_sign_BYTES,
                                    sign_pk) != 0)
        return pv_error_set(err, PV_EDENIED, NULL,
                            _("Refused: the package was altered, or not signed by office %lld."),
                            (long long)h->from);
    if (h->to != self->code)
        return pv_error_set(err, PV_EINVAL, NULL,
                            _("Refused: the package is meant for office %lld, and this is office "
                              "%lld."), (long long)h->to, (long long)self->code);
    if (h->schema > schema_version(ctx))
        return pv_error_set(err, PV_EINVAL, NULL, "%s",
                            _("Refused: the package was made by a newer version of parvande; "
                              "update this one first."));
    /* what comes from `peer` is what `peer` sends to us */
    *dir = direction(peer, self);
    if (!*dir)
        return pv_error_set(err, PV_EDENIED, NULL,
                            _("Refused: office %lld is neither this office's parent nor one of "
                              "its children."), (long long)h->from);
    return PV_OK;
}

static pv_status open_sections(const unsigned char *sealed, size_t slen,
                               const pv_office_keys *k, unsigned char **plain, section **secs,
                               size_t *nsec, pv_error *err)
{
    size_t zl = slen - crypto_box_SEALBYTES, plen = 0;
    unsigned char *z = malloc(zl ? zl : 1), *p = NULL;
    if (!z)
        return no_memory(err);
    if (crypto_box_seal_open(z, sealed, slen, k->box_pk, k->box_sk) != 0) {
        free(z);
        return pv_error_set(err, PV_EDENIED, NULL, "%s",
                            _("Refused: the package cannot be opened with this office's key."));
    }
    pv_status rc = pv_xpack_inflate(z, zl, &p, &plen, err);
    free(z);
    if (rc != PV_OK)
        return rc;
    section *s = NULL;
    size_t n = 0;
    for (size_t i = 0; i < plen;) {
        if (plen - i < 12 || get_u32(p + i + 8) > plen - i - 12) {
            free(s);
            free(p);
            return not_a_package(err);
        }
        section *m = realloc(s, (n + 1) * sizeof *s);
        if (!m) {
            free(s);
            free(p);
            return no_memory(err);
        }
        s = m;
        s[n].seq = (int64_t)((uint64_t)get_u32(p + i) << 32 | get_u32(p + i + 4));
        s[n].n = get_u32(p + i + 8);
        s[n].cs = p + i + 12;
        i += 12 + s[n].n;
        n++;
    }
    *plain = p;
    *secs = s;
    *nsec = n;
    return PV_OK;
}

/* The other office acknowledges packages of this one beyond the last it
 * made: this office went back to a backup after they were sent, and its
 * packages since then reuse their numbers. Its sections not acknowledged
 * are numbered again after `ack` (negated first: the key is unique), so
 * the next export sends them where the other office expects them; one
 * the other applied already under its old number is known there by its
 * digest and skipped (core/sql_exchange3.c). */
static pv_status renumber(pv_ctx *ctx, const pv_office *peer, int64_t ack,
                          pv_exchange_report *rep, pv_error *err)
{
    int64_t shift = ack - peer->out_acked;
    pv_status rc = exec1(ctx, "UPDATE exchange_sent SET seq = -seq WHERE peer = ?1 AND seq > ?2",
                         peer->code, peer->out_acked, err);
    if (rc == PV_OK)
        rc = exec1(ctx, "UPDATE exchange_sent SET seq = ?2 - seq WHERE peer = ?1 AND seq < 0",
                   peer->code, shift, err);
    if (rc == PV_OK)
        rc = exec1(ctx, "UPDATE office SET out_seq = out_seq + ?2, out_acked = out_acked + ?2"
                        " WHERE code = ?1", peer->code, shift, err);
    if (rc != PV_OK)
        return rc;
    rep->renumbered_past = ack;
    rep->renumbered = (long)(peer->out_seq - peer->out_acked);
    char detail[160];
    snprintf(detail, sizeof detail, "{\"to\":%lld,\"past\":%lld,\"sections\":%ld}",
             (long long)peer->code, (long long)ack, rep->renumbered);
    return pv_audit_append(ctx, "exchange-renumber", "office", peer->code, detail, NULL, err);
}

/* Did the other office apply, as its section `ack`, another section
 * than the one of that number kept here (this office went back to a
 * backup and made another one since)? `acked`: its digest there, or NULL. */
static pv_status ack_is_foreign(pv_ctx *ctx, const pv_office *peer, int64_t ack,
                                const unsigned char *acked, bool *foreign, pv_error *err)
{
    *foreign = ack > peer->out_seq;
    if (*foreign || !acked || ack <= peer->out_acked)
        return PV_OK;
    unsigned char d[32];
    bool found = false;
    pv_status rc = pv_xsent_digest(ctx, peer->code, ack, d, &found, err);
    *foreign = rc == PV_OK && found && sodium_memcmp(d, acked, 32) != 0;
    return rc;
}

static pv_status take_ack(pv_ctx *ctx, const pv_office *peer, int64_t ack,
                          const unsigned char *acked, pv_exchange_report *rep, pv_error *err)
{
    bool foreign;
    pv_status rc = ack_is_foreign(ctx, peer, ack, acked, &foreign, err);
    if (rc != PV_OK || foreign)
        return rc != PV_OK ? rc : renumber(ctx, peer, ack, rep, err);
    if (ack <= peer->out_acked)
        return PV_OK;
    /* max(): a held package applied after a newer one carries an older ack */
    rc = exec1(ctx, "UPDATE office SET out_acked = max(out_acked, ?2) WHERE code = ?1",
                         peer->code, ack, err);
    if (rc == PV_OK)
        rc = exec1(ctx, "DELETE FROM exchange_sent WHERE peer = ?1 AND seq <= ?2", peer->code, ack,
                   err);
    return rc;
}

/* One package's sections, opened; `after` is the sender's last section
 * applied here before it. */
typedef struct opened {
    unsigned char *plain;
    section *secs;
    size_t n;
    int64_t after;
} opened;

static void opened_free(opened *o, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(o[i].secs);
        free(o[i].plain);
    }
    free(o);
}

/* A section numbered as one applied here but with other changes: its
 * sender went back to a backup. Skipping it would lose its changes. */
static pv_status reused_number(const pv_office *peer, int64_t seq, pv_error *err)
{
    return pv_error_set(err, PV_ECONFLICT, NULL,
                        _("Refused: office %lld sent package %lld again with other changes (it "
                          "went back to a backup after this office applied it); nothing was "
                          "changed. Send office %lld a package from here: its import numbers "
                          "its packages past those applied here, and its next package brings "
                          "what is missing."), (long long)peer->code, (long long)seq,
                        (long long)peer->code);
}

/* Section `s`, at or before *at: applied already, unless its number was
 * used for other changes. */
static pv_status check_skipped(pv_ctx *ctx, const pv_office *peer, const section *s,
                               const unsigned char d[32], pv_error *err)
{
    bool found, same;
    pv_status rc = pv_xreceived(ctx, peer->code, s->seq, d, &found, &same, err);
    if (rc == PV_OK && found && !same)
        rc = reused_number(peer, s->seq, err);
    return rc;
}

/* Applies the sections after *at, strictly in order, moving *at on. A
 * section applied before under another number (renumbered by its sender
 * after a restore) is skipped. */
static pv_status apply_sections(pv_ctx *ctx, const pv_office *peer, unsigned dir,
                                const opened *o, int64_t *at, pv_exchange_report *rep,
                                pv_error *err)
{
    pv_status rc = PV_OK;
    for (size_t i = 0; rc == PV_OK && i < o->n; i++) {
        const section *s = &o->secs[i];
        unsigned char d[32];
        pv_xdigest(s->cs, s->n, d);
        if (s->seq <= *at) {
            rc = check_skipped(ctx, peer, s, d, err);
            rep->skipped_sections++;
            continue;
        }
        if (s->seq > *at + 1)
            return pv_error_set(err, PV_ECONFLICT, NULL,
                                _("Refused: package %lld of office %lld has not arrived yet; "
                                  "import it first (this one is kept unapplied)."),
                                (long long)(*at + 1), (long long)peer->code);
        bool found = false, same;
        if (s->n > 0)
            rc = pv_xreceived(ctx, peer->code, 0, d, &found, &same, err);
        if (rc == PV_OK && !found)
            rc = pv_exchange_apply(ctx, peer->code, dir, s->cs, (int)s->n, &rep->changes,
                                   &rep->merged, &rep->conflicts, err);
        if (rc == PV_OK)
            rc = pv_xreceived_note(ctx, peer->code, s->seq, d, err);
        *at = s->seq;
        if (found)
            rep->skipped_sections++;
        else
            rep->applied_sections++;
    }
    return rc;
}

/* Keeps `o` in the list of packages applied by this import (taking its
 * buffers), for note_parent_rows after the commit. */
static pv_status keep_opened(opened **list, size_t *n, opened *o, pv_error *err)
{
    opened *m = realloc(*list, (*n + 1) * sizeof *m);
    if (!m) {
        free(o->secs);
        free(o->plain);
        return no_memory(err);
    }
    m[(*n)++] = *o;
    *list = m;
    return PV_OK;
}

/* The held packages of `peer` that follow what is applied now, each
 * opened and applied in turn; then the ones applied are forgotten. */
static pv_status release_held(pv_ctx *ctx, const pv_office *peer, unsigned dir,
                              const pv_office_keys *k, int64_t *at, opened **list, size_t *nlist,
                              pv_exchange_report *rep, pv_error *err)
{
    pv_status rc;
    for (;;) {
        unsigned char *b = NULL;
        size_t n = 0;
        if ((rc = pv_xheld_next(ctx, peer->code, *at, &b, &n, err)) != PV_OK)
            break;
        header h;
        const unsigned char *sealed = NULL;
        size_t slen = 0;
        opened o = {.after = *at};
        rc = parse_package(b, n, &h, &sealed, &slen, err);
        if (rc == PV_OK)
            rc = open_sections(sealed, slen, k, &o.plain, &o.secs, &o.n, err);
        free(b);
        if (rc == PV_OK)
            rc = keep_opened(list, nlist, &o, err);
        /* A gap usually means this office went back to a backup, and the
         * held package may acknowledge a package sent after that backup,
         * unknown here now: that acknowledgement is left aside (it only
         * lets copies be deleted; keeping them is harmless). */
        if (rc == PV_OK)
            rc = take_ack(ctx, peer, h.ack > peer->out_seq ? peer->out_seq : h.ack, NULL, rep, err);
        if (rc == PV_OK)
            rc = apply_sections(ctx, peer, dir, &(*list)[*nlist - 1], at, rep, err);
        if (rc != PV_OK)
            return rc;
        rep->released++;
    }
    if (rc != PV_ENOTFOUND)
        return rc;
    if ((rc = pv_xheld_drop(ctx, peer->code, *at, err)) == PV_OK)
        rc = pv_xheld_count(ctx, peer->code, &rep->still_held, err);
    return rc;
}

/* What came from the parent is what the parent has: rows of the up-going
 * tables in it (a file moved here, the decisions) go into the baseline
 * toward the parent, so they are not sent back as this office's own.
 * Done after the commit (the baseline is another file); lost, those rows
 * would travel up again and meet themselves there, which is a no-op. */
static void note_parent_rows(pv_ctx *ctx, const pv_office *peer, const opened *o, size_t n)
{
    char *base = pv_xbase_path(ctx, peer->code);
    if (base && pv_xbase_prepare(ctx, base, PV_XUP, NULL) == PV_OK)
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < o[j].n; i++)
                if (o[j].secs[i].seq > o[j].after)
                    pv_xbase_advance(base, o[j].secs[i].cs, (int)o[j].secs[i].n, NULL);
    sqlite3_free(base);
}

static pv_status import_audit(pv_ctx *ctx, const header *h, const pv_exchange_report *rep,
                              pv_error *err)
{
    char detail[240];
    snprintf(detail, sizeof detail,
             "{\"from\":%lld,\"first\":%lld,\"seq\":%lld,\"changes\":%ld,\"merged\":%ld,"
             "\"conflicts\":%ld,\"released\":%ld}", (long long)h->from, (long long)h->first,
             (long long)h->seq, rep->changes, rep->merged, rep->conflicts, rep->released);
    return pv_audit_append(ctx, "exchange-import", "office", h->from, detail, NULL, err);
}

/* Applies the package `o` and then the held ones it lets through, in one
 * transaction. Takes `o`'s buffers. */
static pv_status apply_package(pv_ctx *ctx, const pv_office *peer, unsigned dir, const header *h,
                               opened *o, const pv_office_keys *k, pv_exchange_report *rep,
                               pv_error *err)
{
    opened *list = NULL;
    size_t nlist = 0;
    int64_t at = peer->in_seq;
    pv_status rc = keep_opened(&list, &nlist, o, err);
    if (rc == PV_OK)
        rc = pv_tx_begin(ctx, err);
    if (rc != PV_OK) {
        opened_free(list, nlist);
        return rc;
    }
    rc = take_ack(ctx, peer, h->ack, h->has_acked ? h->acked : NULL, rep, err);
    if (rc == PV_OK)
        rc = apply_sections(ctx, peer, dir, &list[0], &at, rep, err);
    if (rc == PV_OK && at == peer->in_seq) /* a section skipped by its digest moves `at` too */
        rc = pv_error_set(err, PV_ECONFLICT, NULL,
                          _("Refused: package %lld of office %lld was already applied here; "
                            "nothing was changed."), (long long)rep->seq, (long long)peer->code);
    if (rc == PV_OK)
        rc = release_held(ctx, peer, dir, k, &at, &list, &nlist, rep, err);
    if (rc == PV_OK)
        rc = exec1(ctx, "UPDATE office SET in_seq = ?2 WHERE code = ?1", peer->code, at, err);
    if (rc == PV_OK && dir == PV_XUP)
        rc = pv_exchange_check_credits(ctx, peer->code, &rep->conflicts, err);
    if (rc == PV_OK)
        rc = import_audit(ctx, h, rep, err);
    if (rc == PV_OK && (rc = pv_tx_commit(ctx, err)) == PV_OK && dir == PV_XDOWN)
        note_parent_rows(ctx, peer, list, nlist);
    if (rc != PV_OK)
        pv_tx_rollback(ctx);
    opened_free(list, nlist);
    return rc;
}

/* A package beyond the next one expected (opened already, so it is
 * known to open): kept until the missing one arrives. */
static pv_status hold_package(pv_ctx *ctx, const pv_office *peer, const header *h,
                              const unsigned char *pkg, size_t len, pv_exchange_report *rep,
                              pv_error *err)
{
    pv_status rc = pv_tx_begin(ctx, err);
    if (rc != PV_OK)
        return rc;
    rc = pv_xheld_store(ctx, peer->code, h->seq, h->first, pkg, len, err);
    if (rc == PV_OK) {
        char detail[160];
        snprintf(detail, sizeof detail,
                 "{\"from\":%lld,\"first\":%lld,\"seq\":%lld,\"waiting_for\":%lld}",
                 (long long)h->from, (long long)h->first, (long long)h->seq,
                 (long long)(peer->in_seq + 1));
        rc = pv_audit_append(ctx, "exchange-held", "office", h->from, detail, NULL, err);
    }
    if (rc == PV_OK)
        rc = pv_xheld_count(ctx, peer->code, &rep->still_held, err);
    if (rc == PV_OK)
        rc = pv_tx_commit(ctx, err);
    if (rc != PV_OK) {
        pv_tx_rollback(ctx);
        return rc;
    }
    rep->waiting_for = peer->in_seq + 1;
    return PV_OK;
}

/* Refuses, before the passphrase is even needed, a package applied or
 * held already. */
static pv_status check_new(pv_ctx *ctx, const pv_office *peer, const header *h, pv_error *err)
{
    if (h->seq <= peer->in_seq)
        return pv_error_set(err, PV_ECONFLICT, NULL,
                            _("Refused: package %lld of office %lld was already applied here; "
                              "nothing was changed."), (long long)h->seq, (long long)h->from);
    bool held = false;
    pv_status rc = pv_xheld_find(ctx, peer->code, h->seq, &held, err);
    if (rc == PV_OK && held)
        rc = pv_error_set(err, PV_ECONFLICT, NULL,
                          _("Refused: package %lld of office %lld is already held here, waiting "
                            "for package %lld; nothing was changed."), (long long)h->seq,
                          (long long)h->from, (long long)(peer->in_seq + 1));
    return rc;
}

pv_status pv_exchange_import(pv_ctx *ctx, const unsigned char *pkg, size_t len,
                             const char *passphrase, pv_exchange_report *rep, pv_error *err)
{
    memset(rep, 0, sizeof *rep);
    rep->bytes = len;
    header h;
    const unsigned char *sealed = NULL;
    size_t slen = 0;
    pv_office self, peer;
    unsigned dir;
    pv_status rc = pv_exchange_require(ctx, false, "exchange", err);
    if (rc == PV_OK)
        rc = parse_package(pkg, len, &h, &sealed, &slen, err);
    if (rc == PV_OK)
        rc = check_envelope(ctx, pkg, len, &h, &self, &peer, &dir, err);
    if (rc != PV_OK)
        return rc;
    rep->from = h.from;
    rep->to = h.to;
    rep->first_seq = h.first;
    rep->seq = h.seq;
    rep->ack = h.ack;
    if ((rc = check_new(ctx, &peer, &h, err)) != PV_OK)
        return rc;
    pv_office_keys k;
    if ((rc = pv_office_unlock(ctx, passphrase, &k, err)) != PV_OK)
        return rc;
    opened o = {.after = peer.in_seq};
    rc = open_sections(sealed, slen, &k, &o.plain, &o.secs, &o.n, err);
    if (rc == PV_OK && h.first > peer.in_seq + 1) {
        rc = hold_package(ctx, &peer, &h, pkg, len, rep, err);
        free(o.secs);
        free(o.plain);
    } else if (rc == PV_OK) {
        rc = apply_package(ctx, &peer, dir, &h, &o, &k, rep, err);
    }
    sodium_memzero(&k, sizeof k);
    return rc;
}
