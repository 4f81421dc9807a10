/* parvande — fuzz target: the exchange package reader (what a USB stick
 * from another office, or an attacker, hands to `exchange import`). A
 * branch office with its keys is made once; every input is offered to it.
 * Nothing random can carry a trusted office's signature, so every input
 * must be refused — with a message, nothing applied, and never a crash. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "parvande/context.h"
#include "parvande/exchange.h"
#include "parvande/i18n.h"

#define PASSPHRASE "fuzz-passphrase-1"

static pv_ctx *ctx;
static char dir[] = "/tmp/pv-fuzz-package-XXXXXX", path[64];

/* The office's files go when the fuzzer ends. */
static void remove_office(void)
{
    pv_ctx_close(ctx);
    const char *const tails[] = {"", "-wal", "-shm", ".audit-head"};
    char f[96];
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        snprintf(f, sizeof f, "%s%s", path, tails[i]);
        unlink(f);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/office.db", dir);
    setenv("PARVANDE_TODAY", "2025-06-01", 1);
    pv_error err = PV_ERROR_INIT;
    if (pv_ctx_open(path, PV_LANG_EN, &ctx, &err) != PV_OK ||
        pv_office_init(ctx, PV_OFFICE_BRANCH, 100, PASSPHRASE, &err) != PV_OK) {
        fprintf(stderr, "fuzz-package: %s\n", err.message ? err.message : "set-up failed");
        abort();
    }
    atexit(remove_office);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_exchange_report rep;
    pv_error err = PV_ERROR_INIT;
    pv_status rc = pv_exchange_import(ctx, data, size, PASSPHRASE, &rep, &err);
    if (rc == PV_OK)
        abort(); /* an unsigned package was applied */
    if (!err.message || !*err.message)
        abort(); /* a refusal must say why */
    pv_error_clear(&err);
    return 0;
}
