/*
 * Fuzz target for the CSV reader (src/base/csv.c) and the rate import on
 * top of it (src/domain/rate_import.c). The first byte picks the reader's
 * options: bits 0-1 the separator (detected, ',', ';', TAB), bit 2 a field
 * limit of 8 bytes, bit 3 a limit of 4 columns; the rest is the text. Every
 * row must respect the limits and hold no NUL byte, and a text read to the
 * end must read back the same after being written again with every field
 * quoted. The rate import must accept only rows of known currencies, real
 * dates and positive rates, and refuse with 400 or 422 otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/money.h"
#include "domain/rate_import.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define FUZZ_MAX_OUT_BYTES ((size_t)16 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Appends a row with every field quoted and its quotes doubled. */
static void fuzz_write_row(struct buf *out, const struct csv_row *row, char separator)
{
    for (size_t i = 0; i < row->n_fields; i++) {
        if (i > 0)
            FUZZ_CHECK(buf_putc(out, separator) == 0);
        FUZZ_CHECK(buf_putc(out, '"') == 0);
        for (size_t k = 0; k < row->fields[i].len; k++) {
            char c = row->fields[i].ptr[k];
            if (c == '"')
                FUZZ_CHECK(buf_putc(out, '"') == 0);
            FUZZ_CHECK(buf_putc(out, c) == 0);
        }
        FUZZ_CHECK(buf_putc(out, '"') == 0);
    }
    FUZZ_CHECK(buf_append(out, "\r\n", 2) == 0);
}

/* Reads text to the end, checking each row; writes the rows to out when it is not NULL. */
static int fuzz_read_all(struct arena *arena, const char *text, size_t len,
                         const struct csv_options *options, struct buf *out, size_t *n_rows,
                         char *separator)
{
    struct csv_reader reader;
    struct csv_row row;
    struct err err;
    size_t last_line = 0;
    int rc;
    err_clear(&err);
    csv_reader_init(&reader, arena, text, len, options);
    *separator = reader.separator;
    *n_rows = 0;
    while ((rc = csv_reader_next(&reader, &row, &err)) == 1) {
        FUZZ_CHECK(row.n_fields >= 1 && row.n_fields <= reader.max_columns);
        FUZZ_CHECK(row.line > last_line);
        last_line = row.line;
        for (size_t i = 0; i < row.n_fields; i++) {
            FUZZ_CHECK(row.fields[i].len <= reader.max_field_bytes);
            FUZZ_CHECK(row.fields[i].len == 0 ||
                       memchr(row.fields[i].ptr, '\0', row.fields[i].len) == NULL);
        }
        (*n_rows)++;
        FUZZ_CHECK(*n_rows <= len);
        if (out != NULL)
            fuzz_write_row(out, &row, reader.separator);
    }
    if (rc < 0) {
        FUZZ_CHECK(reader.error_line >= 1 && strncmp(err.detail, "line ", 5) == 0);
        FUZZ_CHECK(csv_reader_next(&reader, &row, &err) == 0);
    }
    return rc;
}

/* The rate import of text: whole and valid, or refused as malformed or invalid. */
static void fuzz_rate_import(struct arena *arena, const char *text, size_t len)
{
    struct rate_import import;
    struct err err;
    err_clear(&err);
    int rc = rate_import_read(arena, text, len, "EUR", &import, &err);
    if (rc < 0) {
        FUZZ_CHECK(rc == -ERR_BAD_REQUEST || rc == -ERR_VALIDATION);
        return;
    }
    FUZZ_CHECK(import.n_rows >= 1 && import.n_currencies >= 1);
    for (size_t i = 0; i < import.n_rows; i++) {
        const struct rate_import_row *r = &import.rows[i];
        int64_t days;
        FUZZ_CHECK(currency_exponent(str_from_cstr(r->currency)) >= 0);
        FUZZ_CHECK(strcmp(r->currency, "EUR") != 0);
        FUZZ_CHECK(clock_parse_date(r->date, strlen(r->date), &days) == 0);
        FUZZ_CHECK(r->rate_scaled > 0 && r->index == i);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char separators[] = {0, ',', ';', '\t'};
    if (size == 0)
        return 0;
    struct csv_options options = {
        .separator = separators[data[0] & 3],
        .max_field_bytes = (data[0] & 4) != 0 ? 8 : 0,
        .max_columns = (data[0] & 8) != 0 ? 4 : 0,
    };
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct arena *arena = arena_new();
    struct buf written;
    buf_init(&written, FUZZ_MAX_OUT_BYTES);
    size_t n_rows = 0, n_again = 0;
    char separator = 0, separator_again = 0;
    if (fuzz_read_all(arena, text, len, &options, &written, &n_rows, &separator) == 0) {
        /* The same rows again, read with the separator found the first time. */
        struct csv_options again = options;
        again.separator = separator;
        struct buf rewritten;
        buf_init(&rewritten, FUZZ_MAX_OUT_BYTES);
        FUZZ_CHECK(fuzz_read_all(arena, written.data != NULL ? written.data : "", written.len,
                                 &again, &rewritten, &n_again, &separator_again) == 0);
        FUZZ_CHECK(n_again == n_rows);
        FUZZ_CHECK(rewritten.len == written.len &&
                   (written.len == 0 || memcmp(rewritten.data, written.data, written.len) == 0));
        buf_release(&rewritten);
    }
    fuzz_rate_import(arena, text, len);
    buf_release(&written);
    arena_free(arena);
    return 0;
}
