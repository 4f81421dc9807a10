/* parvande — the import's tables: household keys of pass 1, the national
 * IDs of this file, and Bloom filters of what was recorded before. Open
 * addressing, no per-entry allocation. */
#include <stdlib.h>

#include "import_internal.h"

uint64_t imp_hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a, then a finalizer for the low bits */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static bool hh_grow(hh_map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 4096;
    hh_slot *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->s[i].hash)
            continue;
        size_t j = m->s[i].hash & (ncap - 1);
        while (ns[j].hash)
            j = (j + 1) & (ncap - 1);
        ns[j] = m->s[i];
    }
    free(m->s);
    m->s = ns;
    m->cap = ncap;
    return true;
}

bool imp_hh_put(hh_map *m, uint64_t h, uint32_t row)
{
    if ((m->n + 1) * 10 > m->cap * 7 && !hh_grow(m))
        return false;
    size_t j = h & (m->cap - 1);
    while (m->s[j].hash && m->s[j].hash != h)
        j = (j + 1) & (m->cap - 1);
    if (!m->s[j].hash) {
        m->n++;
        m->s[j] = (hh_slot){h, row, row};
    }
    m->s[j].last = row;
    return true;
}

/* The slot of a key's hash; NULL when pass 1 did not see it (the file
 * changed between the passes: then no commit happens inside it, and its
 * rows go the slow way). */
const hh_slot *imp_hh_find(const hh_map *m, uint64_t h)
{
    if (!m->cap)
        return NULL;
    for (size_t j = h & (m->cap - 1); m->s[j].hash; j = (j + 1) & (m->cap - 1))
        if (m->s[j].hash == h)
            return &m->s[j];
    return NULL;
}

bool imp_ids_init(id_set *s, unsigned long rows)
{
    size_t cap = 1024;
    while (cap < rows * 2)
        cap *= 2;
    s->s = calloc(cap, sizeof *s->s);
    s->cap = cap;
    return s->s != NULL;
}

/* The slot of a national ID: where it is, or the empty slot where it goes. */
static id_slot *ids_slot(const id_set *s, const char *natid)
{
    uint32_t body = 0;
    for (int i = 0; i < 9; i++)
        body = body * 10 + (uint32_t)(natid[i] - '0');
    size_t j = (body * 2654435761u) & (s->cap - 1);
    while (s->s[j].body && s->s[j].body != body)
        j = (j + 1) & (s->cap - 1);
    return &s->s[j];
}

/* The line of the row that imported this national ID, or 0. */
long imp_ids_line(const id_set *s, const char *natid)
{
    const id_slot *slot = ids_slot(s, natid);
    return slot->body ? (long)slot->line : 0;
}

void imp_ids_add(id_set *s, const char *natid, long line)
{
    id_slot *slot = ids_slot(s, natid);
    if (slot->body && slot->line)
        return;
    uint32_t body = 0;
    for (int i = 0; i < 9; i++)
        body = body * 10 + (uint32_t)(natid[i] - '0');
    *slot = (id_slot){body, (uint32_t)line};
}

/* Takes back ids_add (the row was not imported after all): the slot stays
 * occupied, for the probing of other IDs, with no line. */
void imp_ids_forget(id_set *s, const char *natid)
{
    id_slot *slot = ids_slot(s, natid);
    if (slot->body)
        slot->line = 0;
}

uint64_t imp_natid_body(const char *natid)
{
    uint64_t body = 0;
    for (int i = 0; i < 9; i++)
        body = body * 10 + (uint64_t)(natid[i] - '0');
    return body;
}

static uint64_t bloom_probe(uint64_t h, int k)
{
    h ^= (uint64_t)k * 0x9E3779B97F4A7C15ULL;
    h *= 0xBF58476D1CE4E5B9ULL; /* splitmix64 finaliser */
    h ^= h >> 31;
    h *= 0x94D049BB133111EBULL;
    return h ^ (h >> 29);
}

/* A household key's 64 bits for the filter of recorded keys. */
uint64_t imp_key_hash64(const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *key; key++) {
        h ^= (unsigned char)*key;
        h *= 1099511628211ULL;
    }
    return h;
}

void imp_bloom_add(id_bloom *b, uint64_t body)
{
    for (int k = 0; k < 3; k++) {
        uint64_t bit = bloom_probe(body, k) & b->mask;
        b->bits[bit >> 6] |= 1ULL << (bit & 63);
    }
}

/* Whether the ID (or key) may have been recorded; true without a filter. */
bool imp_bloom_maybe(const id_bloom *b, uint64_t body)
{
    if (!b->bits)
        return true;
    for (int k = 0; k < 3; k++) {
        uint64_t bit = bloom_probe(body, k) & b->mask;
        if (!(b->bits[bit >> 6] & (1ULL << (bit & 63))))
            return false;
    }
    return true;
}
