/*
 * Fuzz target for the Maven sales dataset reader (src/domain/maven.c). The
 * input is the four CSV texts separated by NUL bytes (accounts, products,
 * sales teams, opportunities); a missing part is empty. The reader must
 * either refuse with field errors naming a file, or give data whose every
 * opportunity names a product, an agent and, when it has one, an account
 * that it read, with stage counts that add up to the opportunities.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/maven.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next part up to a NUL byte (or the end). */
static struct str fuzz_part(const uint8_t **data, size_t *size)
{
    const uint8_t *end = memchr(*data, '\0', *size);
    size_t len = end != NULL ? (size_t)(end - *data) : *size;
    struct str part = {(const char *)*data, len};
    *data += end != NULL ? len + 1 : len;
    *size -= end != NULL ? len + 1 : len;
    return part;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct maven_files files;
    files.accounts = fuzz_part(&data, &size);
    files.products = fuzz_part(&data, &size);
    files.sales_teams = fuzz_part(&data, &size);
    files.sales_pipeline = fuzz_part(&data, &size);
    struct arena *arena = arena_new();
    struct maven_data out;
    struct err err;
    err_clear(&err);
    int rc = maven_read(arena, &files, &out, &err);
    if (rc < 0) {
        FUZZ_CHECK(rc == -ERR_VALIDATION || rc == -ERR_BAD_REQUEST);
        FUZZ_CHECK(err.code != ERR_OK);
    } else {
        size_t total = 0;
        for (size_t s = 0; s < MAVEN_N_STAGES; s++)
            total += out.n_stage[s];
        FUZZ_CHECK(total == out.n_deals);
        FUZZ_CHECK(out.n_notes <= MAVEN_MAX_NOTES);
        for (size_t i = 0; i < out.n_deals; i++) {
            const struct maven_deal *d = &out.deals[i];
            FUZZ_CHECK(d->product < out.n_products);
            FUZZ_CHECK(d->agent < out.n_agents);
            FUZZ_CHECK(d->account == MAVEN_NONE || d->account < out.n_accounts);
        }
    }
    arena_free(arena);
    return 0;
}
