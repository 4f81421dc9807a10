/* parvande — offices: this office's identity and keys, and the offices it
 * trusts (see include/parvande/exchange.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange_internal.h"
#include "parvande/audit.h"

#define SECRET_LEN (crypto_sign_SECRETKEYBYTES + crypto_box_SECRETKEYBYTES)

static const char *const level_codes[] = {"branch", "province", "hq"};

const char *pv_office_level_code(pv_office_level level)
{
    return (unsigned)level < 3 ? level_codes[level] : "?";
}

bool pv_office_level_parse(const char *s, pv_office_level *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, level_codes[i]) == 0) {
            *out = (pv_office_level)i;
            return true;
        }
    return false;
}

static void fingerprint_of(const unsigned char sign_pk[32], const unsigned char box_pk[32],
                           char out[PV_FINGERPRINT_SZ])
{
    unsigned char both[64], h[16];
    memcpy(both, sign_pk, 32);
    memcpy(both + 32, box_pk, 32);
    crypto_generichash(h, sizeof h, both, sizeof both, NULL, 0);
    char *p = out;
    for (int i = 0; i < 16; i++) {
        p += sprintf(p, "%02x", h[i]);
        if (i % 2 == 1 && i < 15)
            *p++ = ' ';
    }
    *p = '\0';
}

/* "<label>: <reason>" for the fields of this module, which the shared
 * field table does not know. */
static pv_status field_error(pv_error *err, const char *field, const char *reason)
{
    const char *label = strcmp(field, "passphrase") == 0 ? _("Office passphrase")
                        : strcmp(field, "parent") == 0   ? _("Parent office")
                                                         : _("Fingerprint");
    return pv_error_set(err, PV_EINVAL, field, _("%s: %s"), label, reason);
}

pv_status pv_exchange_require(pv_ctx *ctx, bool supervisor, const char *action, pv_error *err)
{
    pv_role r = ctx->actor.role;
    if (r == PV_ROLE_SYSTEM || r == (supervisor ? PV_ROLE_SUPERVISOR : PV_ROLE_ADMIN))
        return PV_OK;
    pv_audit_refused(ctx, action, NULL, "not permitted for this role");
    return pv_error_set(err, PV_EDENIED, NULL, "%s",
                        supervisor ? _("Not permitted: only a supervisor may resolve conflicts.")
                                   : _("Not permitted: only an administrator may manage offices "
                                       "and exchange packages."));
}

static void office_from_row(sqlite3_stmt *st, pv_office *o, unsigned char sign_pk[32],
                            unsigned char box_pk[32])
{
    memset(o, 0, sizeof *o);
    o->code = sqlite3_column_int64(st, 0);
    pv_office_level_parse((const char *)sqlite3_column_text(st, 1), &o->level);
    o->parent = sqlite3_column_int64(st, 2);
    const char *sp = (const char *)sqlite3_column_text(st, 3);
    const char *bp = (const char *)sqlite3_column_text(st, 4);
    unsigned char s[32] = {0}, b[32] = {0};
    sodium_hex2bin(s, 32, sp ? sp : "", sp ? strlen(sp) : 0, NULL, NULL, NULL);
    sodium_hex2bin(b, 32, bp ? bp : "", bp ? strlen(bp) : 0, NULL, NULL, NULL);
    fingerprint_of(s, b, o->fingerprint);
    if (sign_pk)
        memcpy(sign_pk, s, 32);
    if (box_pk)
        memcpy(box_pk, b, 32);
    o->self = sqlite3_column_int(st, 5) != 0;
    snprintf(o->trusted_at, sizeof o->trusted_at, "%s", (const char *)sqlite3_column_text(st, 6));
    snprintf(o->trusted_by, sizeof o->trusted_by, "%s", (const char *)sqlite3_column_text(st, 7));
    o->out_seq = sqlite3_column_int64(st, 8);
    o->out_acked = sqlite3_column_int64(st, 9);
    o->in_seq = sqlite3_column_int64(st, 10);
}

#define OFFICE_COLS "code, level, parent, sign_pk, box_pk, is_self, trusted_at, trusted_by, " \
                    "out_seq, out_acked, in_seq"

pv_status pv_office_get(pv_ctx *ctx, int64_t code, pv_office *out, unsigned char sign_pk[32],
                        unsigned char box_pk[32], pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT " OFFICE_COLS " FROM office WHERE code = ?1", &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    sqlite3_bind_int64(st, 1, code);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        office_from_row(st, out, sign_pk, box_pk);
    sqlite3_reset(st);
    if (s == SQLITE_ROW)
        return PV_OK;
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    return pv_error_set(err, PV_ENOTFOUND, NULL, _("Office %lld is not known here: trust it "
                                                   "first (office trust FILE)."), (long long)code);
}

pv_status pv_office_self(pv_ctx *ctx, pv_office *out, pv_error *err)
{
    sqlite3_stmt *st;
    if (pv_stmt(ctx, "SELECT " OFFICE_COLS " FROM office WHERE is_self = 1", &st, err) != PV_OK)
        return err ? err->status : PV_EFAIL;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        office_from_row(st, out, NULL, NULL);
    sqlite3_reset(st);
    if (s == SQLITE_ROW)
        return PV_OK;
    if (s != SQLITE_DONE)
        return pv_db_error(ctx, err);
    return pv_error_set(err, PV_ENOTFOUND, NULL, "%s",
                        _("This office has no identity yet: run office init first."));
}

static pv_status check_passphrase(const char *passphrase, pv_error *err)
{
    if (!passphrase || strlen(passphrase) < 8)
        return field_error(err, "passphrase", _("at least 8 characters"));
    return PV_OK;
}

/* The key that seals the secret keys, from the passphrase. */
static pv_status derive_key(const char *passphrase, const unsigned char *salt,
                            unsigned long long ops, size_t mem,
                            unsigned char key[crypto_secretbox_KEYBYTES], pv_error *err)
{
    if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, passphrase, strlen(passphrase), salt, ops,
                      mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return pv_error_set(err, PV_EFAIL, NULL, "%s",
                            _("Not enough memory to derive the key from the passphrase."));
    return PV_OK;
}

static pv_status store_secret(pv_ctx *ctx, const pv_office_keys *k, const char *passphrase,
                              pv_error *err)
{
    unsigned char salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
    unsigned char key[crypto_secretbox_KEYBYTES], plain[SECRET_LEN];
    unsigned char sealed[SECRET_LEN + crypto_secretbox_MACBYTES];
    unsigned long long ops = 4; /* 4 passes over 32 MiB, as a password: doc/security.md */
    size_t mem = (size_t)32 << 20;
    randombytes_buf(salt, sizeof salt);
    randombytes_buf(nonce, sizeof nonce);
    pv_status rc = derive_key(passphrase, salt, ops, mem, key, err);
    if (rc != PV_OK)
        return rc;
    memcpy(plain, k->sign_sk, crypto_sign_SECRETKEYBYTES);
    memcpy(plain + crypto_sign_SECRETKEYBYTES, k->box_sk, crypto_box_SECRETKEYBYTES);
    crypto_secretbox_easy(sealed, plain, sizeof plain, nonce, key);
    sodium_memzero(plain, sizeof plain);
    sodium_memzero(key, sizeof key);
    sqlite3_stmt *st;
    if ((rc = pv_stmt(ctx, "INSERT INTO office_secret (id, salt, nonce, sealed, opslimit, memlimit)"
                           " VALUES (1, ?1, ?2, ?3, ?4, ?5)", &st, err)) != PV_OK)
        return rc;
    sqlite3_bind_blob(st, 1, salt, sizeof salt, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 2, nonce, sizeof nonce, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 3, sealed, sizeof sealed, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)ops);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)mem);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status insert_office(pv_ctx *ctx, const pv_office *o, const unsigned char *sign_pk,
                               const unsigned char *box_pk, pv_error *err)
{
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "INSERT INTO office (code, level, parent, sign_pk, box_pk, "
                                "is_self, trusted_at, trusted_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                           &st, err);
    if (rc != PV_OK)
        return rc;
    sqlite3_bind_int64(st, 1, o->code);
    sqlite3_bind_text(st, 2, pv_office_level_code(o->level), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, o->parent);
    char sh[65], bh[65];
    sodium_bin2hex(sh, sizeof sh, sign_pk, 32);
    sodium_bin2hex(bh, sizeof bh, box_pk, 32);
    sqlite3_bind_text(st, 4, sh, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, bh, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, o->self);
    sqlite3_bind_text(st, 7, o->trusted_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, o->trusted_by, -1, SQLITE_TRANSIENT);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? PV_OK : pv_db_error(ctx, err);
}

static pv_status check_parent(int64_t code, pv_office_level level, int64_t parent,
                              pv_error *err)
{
    if (level == PV_OFFICE_HQ ? parent != 0 : (parent < 1 || parent > 8388607 || parent == code))
        return field_error(err, "parent",
                              level == PV_OFFICE_HQ
                                  ? _("the headquarters has no parent office")
                                  : _("a branch or province needs its parent office's code "
                                      "(1 to 8388607, not its own)"));
    return PV_OK;
}

pv_status pv_office_init(pv_ctx *ctx, pv_office_level level, int64_t parent,
                         const char *passphrase, pv_error *err)
{
    pv_status rc = pv_exchange_require(ctx, false, "office-admin", err);
    if (rc == PV_OK)
        rc = check_passphrase(passphrase, err);
    if (rc == PV_OK)
        rc = check_parent(ctx->branch_code, level, parent, err);
    if (rc != PV_OK)
        return rc;
    pv_office_keys k;
    crypto_sign_keypair(k.sign_pk, k.sign_sk);
    crypto_box_keypair(k.box_pk, k.box_sk);
    pv_office o = {.code = ctx->branch_code, .level = level, .parent = parent, .self = true};
    pv_now_stamp(o.trusted_at);
    snprintf(o.trusted_by, sizeof o.trusted_by, "%s", ctx->actor.name);
    if ((rc = pv_tx_begin(ctx, err)) != PV_OK)
        goto out;
    pv_office existing;
    if (pv_office_self(ctx, &existing, NULL) == PV_OK) {
        rc = pv_error_set(err, PV_ECONFLICT, NULL, "%s",
                          _("This office already has its keys; they are never replaced."));
    } else if (pv_office_get(ctx, o.code, &existing, NULL, NULL, NULL) == PV_OK) {
        rc = pv_error_set(err, PV_ECONFLICT, NULL,
                          _("Code %lld is already another trusted office's."), (long long)o.code);
    } else if ((rc = insert_office(ctx, &o, k.sign_pk, k.box_pk, err)) == PV_OK &&
               (rc = store_secret(ctx, &k, passphrase, err)) == PV_OK) {
        char detail[96];
        snprintf(detail, sizeof detail, "{\"code\":%lld,\"level\":\"%s\",\"parent\":%lld}",
                 (long long)o.code, pv_office_level_code(level), (long long)parent);
        rc = pv_audit_append(ctx, "office-init", "office", o.code, detail, NULL, err);
    }
    if (rc == PV_OK)
        rc = pv_tx_commit(ctx, err);
    if (rc != PV_OK)
        pv_tx_rollback(ctx);
out:
    sodium_memzero(&k, sizeof k);
    return rc;
}

pv_status pv_office_unlock(pv_ctx *ctx, const char *passphrase, pv_office_keys *keys,
                           pv_error *err)
{
    if (!passphrase)
        return field_error(err, "passphrase", _("missing"));
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "SELECT salt, nonce, sealed, opslimit, memlimit FROM "
                                "office_secret WHERE id = 1", &st, err);
    if (rc != PV_OK)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return pv_error_set(err, PV_ENOTFOUND, NULL, "%s",
                            _("This office has no identity yet: run office init first."));
    }
    unsigned char salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
    unsigned char sealed[SECRET_LEN + crypto_secretbox_MACBYTES];
    bool sizes = sqlite3_column_bytes(st, 0) == sizeof salt &&
                 sqlite3_column_bytes(st, 1) == sizeof nonce &&
                 sqlite3_column_bytes(st, 2) == sizeof sealed;
    if (sizes) {
        memcpy(salt, sqlite3_column_blob(st, 0), sizeof salt);
        memcpy(nonce, sqlite3_column_blob(st, 1), sizeof nonce);
        memcpy(sealed, sqlite3_column_blob(st, 2), sizeof sealed);
    }
    unsigned long long ops = (unsigned long long)sqlite3_column_int64(st, 3);
    size_t mem = (size_t)sqlite3_column_int64(st, 4);
    sqlite3_reset(st);
    if (!sizes)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("This office's sealed keys are damaged."));
    unsigned char key[crypto_secretbox_KEYBYTES], plain[SECRET_LEN];
    if ((rc = derive_key(passphrase, salt, ops, mem, key, err)) != PV_OK)
        return rc;
    int bad = crypto_secretbox_open_easy(plain, sealed, sizeof sealed, nonce, key);
    sodium_memzero(key, sizeof key);
    if (bad)
        return field_error(err, "passphrase", _("wrong passphrase"));
    memcpy(keys->sign_sk, plain, crypto_sign_SECRETKEYBYTES);
    memcpy(keys->box_sk, plain + crypto_sign_SECRETKEYBYTES, crypto_box_SECRETKEYBYTES);
    sodium_memzero(plain, sizeof plain);
    crypto_sign_ed25519_sk_to_pk(keys->sign_pk, keys->sign_sk);
    crypto_scalarmult_base(keys->box_pk, keys->box_sk);
    return PV_OK;
}

static void hex_of(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

pv_status pv_office_public(pv_ctx *ctx, char **out, pv_error *err)
{
    pv_office self;
    unsigned char sp[32], bp[32];
    pv_status rc = pv_office_self(ctx, &self, err);
    if (rc == PV_OK)
        rc = pv_office_get(ctx, self.code, &self, sp, bp, err);
    if (rc != PV_OK)
        return rc;
    char sh[65], bh[65];
    hex_of(sp, 32, sh);
    hex_of(bp, 32, bh);
    if (asprintf(out, "parvande-office 1\ncode %lld\nlevel %s\nparent %lld\nsign %s\nbox %s\n",
                 (long long)self.code, pv_office_level_code(self.level), (long long)self.parent,
                 sh, bh) < 0) {
        *out = NULL;
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    }
    return PV_OK;
}

/* One "key value" line of an identity text; false when absent. */
static bool text_value(const char *text, const char *key, char *out, size_t size)
{
    size_t kl = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
            const char *v = p + kl + 1;
            size_t n = strcspn(v, "\r\n");
            if (n >= size)
                return false;
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
    }
    return false;
}

static bool parse_code(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 0 || v > 8388607)
        return false;
    *out = v;
    return true;
}

static pv_status parse_identity(const char *text, pv_office *o, unsigned char sp[32],
                                unsigned char bp[32], pv_error *err)
{
    char v[128], sh[80], bh[80];
    memset(o, 0, sizeof *o);
    size_t n1 = 0, n2 = 0;
    if (strncmp(text, "parvande-office 1\n", 18) != 0 || !text_value(text, "code", v, sizeof v) ||
        !parse_code(v, &o->code) || o->code == 0 || !text_value(text, "level", v, sizeof v) ||
        !pv_office_level_parse(v, &o->level) || !text_value(text, "parent", v, sizeof v) ||
        !parse_code(v, &o->parent) || !text_value(text, "sign", sh, sizeof sh) ||
        !text_value(text, "box", bh, sizeof bh) ||
        sodium_hex2bin(sp, 32, sh, strlen(sh), NULL, &n1, NULL) != 0 || n1 != 32 ||
        sodium_hex2bin(bp, 32, bh, strlen(bh), NULL, &n2, NULL) != 0 || n2 != 32)
        return pv_error_set(err, PV_EINVAL, NULL, "%s",
                            _("This is not an office's identity file (made by office key), or it "
                              "was damaged."));
    fingerprint_of(sp, bp, o->fingerprint);
    return PV_OK;
}

/* Fingerprints compared without spaces and case. */
static bool same_fingerprint(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '-')
            a++;
        while (*b == ' ' || *b == '-')
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a++) != tolower((unsigned char)*b++))
            return false;
    }
}

pv_status pv_office_trust(pv_ctx *ctx, const char *text, const char *expect_fp, pv_office *out,
                          pv_error *err)
{
    pv_status rc = pv_exchange_require(ctx, false, "office-admin", err);
    unsigned char sp[32], bp[32], osp[32], obp[32];
    if (rc == PV_OK)
        rc = parse_identity(text, out, sp, bp, err);
    if (rc != PV_OK)
        return rc;
    if (expect_fp && !same_fingerprint(expect_fp, out->fingerprint))
        return field_error(err, "fingerprint",
                              _("does not match the identity file: do not trust it"));
    if ((rc = pv_tx_begin(ctx, err)) != PV_OK)
        return rc;
    pv_office old;
    pv_status found = pv_office_get(ctx, out->code, &old, osp, obp, NULL);
    if (found == PV_OK && old.self) {
        rc = pv_error_set(err, PV_EINVAL, NULL, "%s",
                          _("This is this office's own identity."));
    } else if (found == PV_OK) {
        if (memcmp(osp, sp, 32) != 0 || memcmp(obp, bp, 32) != 0)
            rc = pv_error_set(err, PV_ECONFLICT, NULL,
                              _("Office %lld is already trusted with other keys; they are not "
                                "replaced."), (long long)out->code);
        *out = old;
    } else {
        pv_now_stamp(out->trusted_at);
        snprintf(out->trusted_by, sizeof out->trusted_by, "%s", ctx->actor.name);
        rc = insert_office(ctx, out, sp, bp, err);
        char detail[160];
        snprintf(detail, sizeof detail, "{\"code\":%lld,\"fingerprint\":\"%s\"}",
                 (long long)out->code, out->fingerprint);
        if (rc == PV_OK)
            rc = pv_audit_append(ctx, "office-trust", "office", out->code, detail, NULL, err);
    }
    if (rc == PV_OK)
        return pv_tx_commit(ctx, err);
    pv_tx_rollback(ctx);
    return rc;
}

pv_status pv_office_list(pv_ctx *ctx, pv_office **out, size_t *n, pv_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    pv_status rc = pv_stmt(ctx, "SELECT " OFFICE_COLS " FROM office ORDER BY is_self DESC, code",
                           &st, err);
    if (rc != PV_OK)
        return rc;
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            pv_office *m = realloc(*out, cap * sizeof **out);
            if (!m) {
                sqlite3_reset(st);
                free(*out);
                *out = NULL;
                *n = 0;
                return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
            }
            *out = m;
        }
        office_from_row(st, &(*out)[(*n)++], NULL, NULL);
    }
    sqlite3_reset(st);
    if (s != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return pv_db_error(ctx, err);
    }
    return PV_OK;
}
