/* parvande — what every fuzz target shares: the input as a NUL-terminated
 * string (the parsers take C strings; an embedded NUL simply ends it, as it
 * does for every caller), and the entry point libFuzzer calls. */
#ifndef PARVANDE_FUZZ_H
#define PARVANDE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A copy of the input with a terminating NUL; the caller frees it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s) {
        memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

#endif
