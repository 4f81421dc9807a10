/* parvande — a package's sections compressed before they are sealed.
 *
 * Changesets repeat table and column names and values row after row, so
 * they compress well (zlib's deflate, a library every Debian system has).
 * Compression must come before encryption: sealed bytes look random. The
 * compressed payload is
 *   u64 length of the sections (big-endian) | deflate stream (zlib format)
 * and the length is checked against what inflating gives, so a package
 * that lies about it is refused as damaged. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "exchange_internal.h"

/* No package carries more than this once opened (the sealed part is
 * limited to 4 GB too). */
#define MAX_PLAIN ((uint64_t)UINT32_MAX)

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

pv_status pv_xpack_deflate(const unsigned char *in, size_t n, unsigned char **out, size_t *len,
                           pv_error *err)
{
    if ((uint64_t)n > MAX_PLAIN)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("The package would exceed 4 GB."));
    uLongf room = compressBound((uLong)n);
    unsigned char *p = malloc(8 + (size_t)room);
    if (!p)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    put_u64(p, n);
    if (compress2(p + 8, &room, n ? in : (const unsigned char *)"", (uLong)n, 6) != Z_OK) {
        free(p);
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("The package could not be compressed."));
    }
    *out = p;
    *len = 8 + (size_t)room;
    return PV_OK;
}

pv_status pv_xpack_inflate(const unsigned char *in, size_t n, unsigned char **out, size_t *len,
                           pv_error *err)
{
    uint64_t want = n >= 8 ? get_u64(in) : MAX_PLAIN + 1;
    if (want > MAX_PLAIN)
        return pv_xpack_damaged(err);
    unsigned char *p = malloc(want ? (size_t)want : 1);
    if (!p)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    uLongf got = (uLongf)want;
    int z = uncompress(p, &got, in + 8, (uLong)(n - 8));
    if (z != Z_OK || got != want) {
        free(p);
        return pv_xpack_damaged(err);
    }
    *out = p;
    *len = (size_t)want;
    return PV_OK;
}

pv_status pv_xpack_damaged(pv_error *err)
{
    return pv_error_set(err, PV_EINVAL, NULL, "%s",
                        _("This is not an exchange package, or it is incomplete (cut short "
                          "or damaged)."));
}
