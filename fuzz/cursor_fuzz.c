/*
 * Fuzz target for list cursors (the cursor= query parameter): decoding must
 * reject anything malformed without crashing, and a cursor it accepts must
 * re-encode to one that decodes to the same values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "domain/list_cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const sorts[] = {"name", "-created_at,name", "custom.region"};
    struct err err;
    for (size_t s = 0; s < 3; s++) {
        for (size_t n_keys = 1; n_keys <= 3; n_keys++) {
            json_t *values = NULL;
            err_clear(&err);
            if (list_cursor_decode((const char *)data, size, sorts[s], n_keys, &values, &err) < 0)
                continue;
            struct arena *arena = arena_new();
            char *again = list_cursor_encode(arena, sorts[s], values);
            json_t *values2 = NULL;
            if (again == NULL ||
                list_cursor_decode(again, strlen(again), sorts[s], n_keys, &values2, &err) < 0 ||
                !json_equal(values, values2))
                abort();
            json_decref(values2);
            json_decref(values);
            arena_free(arena);
        }
    }
    return 0;
}
