/*
 * Fuzz target for the CSV reader and writer (src/formats/csv.c) and the
 * rate import on top of them (src/domain/rate_import.c). The first byte
 * picks the options: bits 0-1 the separator (detected, ',', ';', TAB), bit
 * 2 a field limit of 8 bytes, bit 3 a limit of 4 columns, bits 4-5 the
 * encoding (auto, UTF-8, Windows-1251, auto), bit 6 a row limit of 64
 * bytes, bit 7 a source that gives 1 to 3 bytes a read; the rest is the
 * text. Rows must respect the limits and be UTF-8 without NUL; reading again
 * from any row's next_offset must give the same rows; the rows written back
 * (csv_write_row) must read back the same; neutralised cells must not start
 * a formula. The rate import must accept only real rates, or refuse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/money.h"
#include "base/utf8.h"
#include "domain/rate_import.h"
#include "formats/csv.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define FUZZ_MAX_OUT_BYTES ((size_t)16 << 20)
#define FUZZ_MAX_RESUMES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A source over text that gives 1 to 3 bytes a read. */
struct fuzz_trickle {
    const char *data;
    size_t len;
    size_t pos;
    size_t calls;
};

static int fuzz_trickle_read(void *ctx, char *buf, size_t cap, size_t *n_read, struct err *err)
{
    struct fuzz_trickle *t = ctx;
    size_t n = 1 + t->calls++ % 3;
    if (n > cap)
        n = cap;
    if (n > t->len - t->pos)
        n = t->len - t->pos;
    memcpy(buf, t->data + t->pos, n);
    t->pos += n;
    *n_read = n;
    return 0;
}

/* What a whole read gave: each row as one canonical line in `rows`, the end code. */
struct fuzz_read {
    struct buf rows;    /* every row's positions, error and fields, one after the other */
    struct buf written; /* the rows as csv_write_row writes them */
    size_t n_rows;
    size_t next_offsets[FUZZ_MAX_RESUMES];
    size_t next_lines[FUZZ_MAX_RESUMES];
    size_t row_starts[FUZZ_MAX_RESUMES]; /* where the row after each resume point starts in rows */
    int rc;
    char separator;
    enum csv_encoding encoding;
};

static void fuzz_check_row(const struct csv_row *row, const struct csv_options *o, size_t *last)
{
    size_t max_columns = o->max_columns != 0 ? o->max_columns : CSV_DEFAULT_MAX_COLUMNS;
    size_t max_field = o->max_field_bytes != 0 ? o->max_field_bytes : CSV_DEFAULT_MAX_FIELD_BYTES;
    FUZZ_CHECK(row->n_fields >= 1 && row->n_fields <= max_columns);
    FUZZ_CHECK(row->line > last[0] && row->next_line >= row->line);
    FUZZ_CHECK(row->offset >= last[1] && row->next_offset > row->offset);
    last[0] = row->line;
    last[1] = row->next_offset;
    for (size_t i = 0; i < row->n_fields; i++) {
        const struct str *f = &row->fields[i];
        /* Windows-1251 triples at most; UTF-8 keeps its length. */
        FUZZ_CHECK(f->len <= 3 * max_field);
        FUZZ_CHECK(f->len == 0 || memchr(f->ptr, '\0', f->len) == NULL);
        FUZZ_CHECK(utf8_valid(f->ptr, f->len));
    }
    FUZZ_CHECK(row->error == NULL || strncmp(row->error, "line ", 5) == 0);
}

/* Reads the whole of reader, filling out. */
static void fuzz_read_all(struct csv_reader *reader, const struct csv_options *options,
                          size_t first_line, struct fuzz_read *out)
{
    struct csv_row row;
    struct err err;
    size_t last[2] = {first_line - 1, options->start_offset};
    err_clear(&err);
    buf_init(&out->rows, FUZZ_MAX_OUT_BYTES);
    buf_init(&out->written, FUZZ_MAX_OUT_BYTES);
    out->n_rows = 0;
    while ((out->rc = csv_reader_next(reader, &row, &err)) == 1) {
        fuzz_check_row(&row, options, last);
        if (out->n_rows < FUZZ_MAX_RESUMES) {
            out->next_offsets[out->n_rows] = row.next_offset;
            out->next_lines[out->n_rows] = row.next_line;
        }
        FUZZ_CHECK(buf_printf(&out->rows, "%zu %zu %zu %zu %zu %s\n", row.line, row.next_line,
                              row.offset, row.next_offset, row.n_fields,
                              row.error != NULL ? row.error : "-") == 0);
        for (size_t i = 0; i < row.n_fields; i++) {
            FUZZ_CHECK(buf_printf(&out->rows, "%zu:", row.fields[i].len) == 0);
            FUZZ_CHECK(buf_append(&out->rows, row.fields[i].ptr, row.fields[i].len) == 0);
        }
        FUZZ_CHECK(buf_putc(&out->rows, '\n') == 0);
        if (out->n_rows < FUZZ_MAX_RESUMES)
            out->row_starts[out->n_rows] = out->rows.len;
        FUZZ_CHECK(csv_write_row(&out->written, row.fields, row.n_fields,
                                 csv_reader_separator(reader), false) == 0);
        out->n_rows++;
    }
    if (out->rc < 0) {
        FUZZ_CHECK(strncmp(err.detail, "line ", 5) == 0);
        FUZZ_CHECK(out->rc == -ERR_BAD_REQUEST || out->rc == -ERR_TOO_LARGE);
        FUZZ_CHECK(csv_reader_next(reader, &row, &err) == 0);
        FUZZ_CHECK(buf_printf(&out->rows, "error %s\n", err.detail) == 0);
    }
    out->separator = csv_reader_separator(reader);
    out->encoding = csv_reader_encoding(reader);
}

static void fuzz_read_release(struct fuzz_read *r)
{
    buf_release(&r->rows);
    buf_release(&r->written);
}

/* Reading from the row after row i must give the tail of the whole reading. */
static void fuzz_resume(struct arena *arena, const char *text, size_t len,
                        const struct csv_options *options, const struct fuzz_read *whole, size_t i)
{
    struct csv_options resume = *options;
    resume.separator = whole->separator;
    resume.encoding = whole->encoding;
    resume.start_offset = whole->next_offsets[i];
    resume.start_line = whole->next_lines[i];
    struct fuzz_read again;
    fuzz_read_all(csv_reader_open_buffer(arena, text, len, &resume), &resume, whole->next_lines[i],
                  &again);
    size_t from = whole->row_starts[i];
    FUZZ_CHECK(again.rows.len == whole->rows.len - from);
    FUZZ_CHECK(again.rows.len == 0 ||
               memcmp(again.rows.data, whole->rows.data + from, again.rows.len) == 0);
    fuzz_read_release(&again);
}

/* The rows written back read back as the same fields, and write the same again. */
static void fuzz_round_trip(struct arena *arena, const struct fuzz_read *whole)
{
    struct csv_options options = {
        .separator = whole->separator,
        .encoding = CSV_ENCODING_UTF8,
        .max_field_bytes = FUZZ_MAX_OUT_BYTES,
        .max_row_bytes = FUZZ_MAX_OUT_BYTES,
    };
    struct csv_reader *reader =
        csv_reader_open_buffer(arena, whole->written.data != NULL ? whole->written.data : "",
                               whole->written.len, &options);
    struct buf again;
    buf_init(&again, FUZZ_MAX_OUT_BYTES);
    struct csv_row row;
    struct err err;
    size_t n = 0;
    int rc;
    err_clear(&err);
    while ((rc = csv_reader_next(reader, &row, &err)) == 1) {
        FUZZ_CHECK(row.error == NULL);
        FUZZ_CHECK(csv_write_row(&again, row.fields, row.n_fields, whole->separator, false) == 0);
        n++;
    }
    FUZZ_CHECK(rc == 0 && n == whole->n_rows);
    FUZZ_CHECK(again.len == whole->written.len &&
               (again.len == 0 || memcmp(again.data, whole->written.data, again.len) == 0));
    buf_release(&again);
}

/* Every field of text written neutralised reads back without a formula start. */
static void fuzz_neutralise(struct arena *arena, const char *text, size_t len)
{
    struct buf out;
    buf_init(&out, FUZZ_MAX_OUT_BYTES);
    /* A header first, so that text starting like UTF-16 is not taken for a UTF-16 file. */
    FUZZ_CHECK(buf_append(&out, "h\r\n", 3) == 0);
    FUZZ_CHECK(csv_write_field(&out, text, len, ',', true) == 0);
    FUZZ_CHECK(csv_write_row_end(&out) == 0);
    struct csv_options options = {.separator = ',',
                                  .encoding = CSV_ENCODING_WINDOWS_1251,
                                  .max_field_bytes = FUZZ_MAX_OUT_BYTES,
                                  .max_row_bytes = FUZZ_MAX_OUT_BYTES};
    struct csv_reader *reader = csv_reader_open_buffer(arena, out.data, out.len, &options);
    struct csv_row row;
    struct err err;
    err_clear(&err);
    int rc;
    while ((rc = csv_reader_next(reader, &row, &err)) == 1) {
        FUZZ_CHECK(row.n_fields == 1);
        if (row.fields[0].len > 0)
            FUZZ_CHECK(strchr("=+-@\t\r", row.fields[0].ptr[0]) == NULL);
    }
    FUZZ_CHECK(rc == 0);
    buf_release(&out);
}

/* The rate import of text: whole and valid, or refused as malformed or invalid. */
static void fuzz_rate_import(struct arena *arena, const char *text, size_t len)
{
    struct rate_import import;
    struct err err;
    err_clear(&err);
    int rc = rate_import_read(arena, text, len, "EUR", &import, &err);
    if (rc < 0) {
        FUZZ_CHECK(rc == -ERR_BAD_REQUEST || rc == -ERR_VALIDATION || rc == -ERR_TOO_LARGE);
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
    static const enum csv_encoding encodings[] = {CSV_ENCODING_AUTO, CSV_ENCODING_UTF8,
                                                  CSV_ENCODING_WINDOWS_1251, CSV_ENCODING_AUTO};
    if (size == 0)
        return 0;
    struct csv_options options = {
        .separator = separators[data[0] & 3],
        .max_field_bytes = (data[0] & 4) != 0 ? 8 : 0,
        .max_columns = (data[0] & 8) != 0 ? 4 : 0,
        .encoding = encodings[(data[0] >> 4) & 3],
        .max_row_bytes = (data[0] & 64) != 0 ? 64 : 0,
    };
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct arena *arena = arena_new();

    struct fuzz_read whole;
    fuzz_read_all(csv_reader_open_buffer(arena, text, len, &options), &options, 1, &whole);
    if ((data[0] & 128) != 0) {
        struct fuzz_trickle t = {text, len, 0, 0};
        struct fuzz_read trickled;
        fuzz_read_all(csv_reader_new(arena, (struct csv_source){fuzz_trickle_read, &t}, &options),
                      &options, 1, &trickled);
        FUZZ_CHECK(trickled.rows.len == whole.rows.len &&
                   (whole.rows.len == 0 ||
                    memcmp(trickled.rows.data, whole.rows.data, whole.rows.len) == 0));
        fuzz_read_release(&trickled);
    }
    for (size_t i = 0; i < whole.n_rows && i < FUZZ_MAX_RESUMES; i++)
        fuzz_resume(arena, text, len, &options, &whole, i);
    if (whole.rc == 0)
        fuzz_round_trip(arena, &whole);
    fuzz_neutralise(arena, text, len);
    fuzz_rate_import(arena, text, len);
    fuzz_read_release(&whole);
    arena_free(arena);
    return 0;
}
