/*
 * Fuzz target for the XLSX reader (src/formats/xlsx.c). The input is the
 * file, read to the end under small limits. Opening is refused with 400,
 * 413 or 415, or gives rows numbered 1, 2, 3... within the limits, whose
 * cells are valid UTF-8 without NUL bytes, the last one never empty. An
 * error ends the sheet, and every later call repeats it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/utf8.h"
#include "formats/xlsx.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct xlsx_limits fuzz_limits = {
    .max_unpacked_bytes = (uint64_t)4 << 20,
    .max_shared_strings_bytes = (size_t)256 << 10,
    .max_columns = 64,
    .max_cell_chars = 256,
    .max_row_bytes = 4096,
    .max_rows = 5000,
};

static bool fuzz_refusal(int rc)
{
    return rc == -ERR_BAD_REQUEST || rc == -ERR_TOO_LARGE || rc == -ERR_UNSUPPORTED_MEDIA_TYPE;
}

static void fuzz_check_row(const struct xlsx_row *row, size_t number)
{
    size_t row_bytes = 0;
    FUZZ_CHECK(row->number == number);
    FUZZ_CHECK(row->number <= fuzz_limits.max_rows);
    FUZZ_CHECK(row->n_cells <= fuzz_limits.max_columns);
    FUZZ_CHECK(row->n_cells == 0 || row->cells[row->n_cells - 1].len > 0);
    for (size_t i = 0; i < row->n_cells; i++) {
        struct str cell = row->cells[i];
        FUZZ_CHECK(cell.ptr != NULL);
        FUZZ_CHECK(utf8_valid(cell.ptr, cell.len));
        FUZZ_CHECK(memchr(cell.ptr, '\0', cell.len) == NULL);
        FUZZ_CHECK(utf8_count(cell.ptr, cell.len) <= fuzz_limits.max_cell_chars);
        row_bytes += cell.len;
    }
    FUZZ_CHECK(row_bytes <= fuzz_limits.max_row_bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *arena = arena_new();
    struct xlsx_reader *reader = NULL;
    struct xlsx_row row;
    struct err err;
    size_t number = 0;
    int rc;

    err_clear(&err);
    rc = xlsx_reader_open(arena, data, size, &fuzz_limits, &reader, &err);
    if (rc < 0) {
        FUZZ_CHECK(fuzz_refusal(rc) && reader == NULL && err.detail[0] != '\0');
        goto out;
    }
    while ((rc = xlsx_reader_next(reader, &row, &err)) == 1)
        fuzz_check_row(&row, ++number);
    if (rc < 0) {
        FUZZ_CHECK(fuzz_refusal(rc) && err.detail[0] != '\0');
        err_clear(&err);
        FUZZ_CHECK(xlsx_reader_next(reader, &row, &err) == rc && err.detail[0] != '\0');
    } else {
        FUZZ_CHECK(rc == 0);
        FUZZ_CHECK(xlsx_reader_next(reader, &row, &err) == 0);
    }
    xlsx_reader_close(reader);
out:
    /* A second close (the arena's cleanup) must be harmless. */
    arena_free(arena);
    return 0;
}
