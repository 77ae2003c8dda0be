/*
 * The CSV reader: a cursor that walks the buffer once. An unquoted field is
 * a slice of the buffer; a quoted one is too unless it holds "" escapes,
 * in which case its unescaped copy goes to the arena. Line numbers count
 * every line break, including those inside quoted fields, so an error
 * points at the line an editor shows.
 */
#include "base/csv.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"

#define CSV_BOM "\xEF\xBB\xBF"
#define CSV_BOM_LEN 3

static size_t csv_bom_len(const char *data, size_t len)
{
    return len >= CSV_BOM_LEN && memcmp(data, CSV_BOM, CSV_BOM_LEN) == 0 ? CSV_BOM_LEN : 0;
}

char csv_separator_detect(const char *data, size_t len)
{
    static const char candidates[] = {',', ';', '\t'};
    size_t counts[sizeof(candidates)] = {0};
    bool quoted = false;
    for (size_t i = csv_bom_len(data, len); i < len; i++) {
        char c = data[i];
        if (c == '"') {
            quoted = !quoted; /* "" inside quotes toggles twice: no change */
            continue;
        }
        if (quoted)
            continue;
        if (c == '\n' || c == '\r')
            break;
        for (size_t k = 0; k < sizeof(candidates); k++)
            counts[k] += c == candidates[k];
    }
    size_t best = 0;
    for (size_t k = 1; k < sizeof(candidates); k++) {
        if (counts[k] > counts[best])
            best = k;
    }
    return candidates[best];
}

void csv_reader_init(struct csv_reader *reader, struct arena *arena, const char *data, size_t len,
                     const struct csv_options *options)
{
    static const struct csv_options defaults = {0};
    if (options == NULL)
        options = &defaults;
    assert(options->separator != '"' && options->separator != '\n' && options->separator != '\r');
    *reader = (struct csv_reader){
        .arena = arena,
        .data = data,
        .len = len,
        .pos = csv_bom_len(data, len),
        .line = 1,
        .separator = options->separator != 0 ? options->separator : csv_separator_detect(data, len),
        .max_field_bytes =
            options->max_field_bytes != 0 ? options->max_field_bytes : CSV_DEFAULT_MAX_FIELD_BYTES,
        .max_columns = options->max_columns != 0 ? options->max_columns : CSV_DEFAULT_MAX_COLUMNS,
    };
}

/* Stops the reader with an error on line; returns -ERR_BAD_REQUEST. */
__attribute__((format(printf, 4, 5))) static int
csv_fail(struct csv_reader *reader, struct err *err, size_t line, const char *fmt, ...)
{
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    reader->error_line = line;
    reader->pos = reader->len;
    return err_set(err, ERR_BAD_REQUEST, "line %zu: %s", line, what);
}

static int csv_too_long(struct csv_reader *reader, struct err *err)
{
    return csv_fail(reader, err, reader->line, "a field is longer than %zu bytes",
                    reader->max_field_bytes);
}

/* Steps over one line break at pos (CRLF, LF or CR), if there is one. */
static void csv_skip_line_break(struct csv_reader *reader)
{
    if (reader->pos < reader->len && reader->data[reader->pos] == '\r') {
        reader->pos++;
        if (reader->pos < reader->len && reader->data[reader->pos] == '\n')
            reader->pos++;
        reader->line++;
    } else if (reader->pos < reader->len && reader->data[reader->pos] == '\n') {
        reader->pos++;
        reader->line++;
    }
}

/* A field in quotes; pos is on the opening quote. */
static int csv_quoted_field(struct csv_reader *reader, struct str *out, struct err *err)
{
    const char *data = reader->data;
    size_t opened_on = reader->line;
    size_t start = reader->pos + 1, i = start, escapes = 0;
    for (;;) {
        if (i >= reader->len)
            return csv_fail(reader, err, opened_on, "%s", "a quoted field is not closed");
        char c = data[i];
        if (c == '"') {
            if (i + 1 < reader->len && data[i + 1] == '"') {
                escapes++;
                i += 2;
                continue;
            }
            break;
        }
        if (c == '\0')
            return csv_fail(reader, err, reader->line, "%s", "the text holds a NUL byte");
        /* A CR LF pair counts once, at its LF. */
        if (c == '\n' || (c == '\r' && (i + 1 >= reader->len || data[i + 1] != '\n')))
            reader->line++;
        i++;
        if (i - start - escapes > reader->max_field_bytes)
            return csv_too_long(reader, err);
    }
    size_t raw_len = i - start;
    if (escapes == 0) {
        *out = (struct str){data + start, raw_len};
    } else {
        char *copy = arena_alloc(reader->arena, raw_len - escapes + 1);
        size_t n = 0;
        for (size_t k = start; k < i; k++) {
            copy[n++] = data[k];
            if (data[k] == '"')
                k++; /* the second quote of the pair */
        }
        *out = (struct str){copy, n};
    }
    reader->pos = i + 1;
    if (reader->pos < reader->len) {
        char next = data[reader->pos];
        if (next != reader->separator && next != '\n' && next != '\r')
            return csv_fail(reader, err, reader->line, "%s",
                            "a closing quote must end the field (write a quote inside a quoted "
                            "field as \"\")");
    }
    return 0;
}

/* A field without quotes: up to the separator, a line break or the end. */
static int csv_plain_field(struct csv_reader *reader, struct str *out, struct err *err)
{
    const char *data = reader->data;
    size_t i = reader->pos;
    while (i < reader->len) {
        char c = data[i];
        if (c == reader->separator || c == '\n' || c == '\r')
            break;
        if (c == '"')
            return csv_fail(reader, err, reader->line, "%s",
                            "a quote inside a field without quotes (put the field in quotes and "
                            "write the quote as \"\")");
        if (c == '\0')
            return csv_fail(reader, err, reader->line, "%s", "the text holds a NUL byte");
        i++;
        if (i - reader->pos > reader->max_field_bytes)
            return csv_too_long(reader, err);
    }
    *out = (struct str){data + reader->pos, i - reader->pos};
    reader->pos = i;
    return 0;
}

int csv_reader_next(struct csv_reader *reader, struct csv_row *row, struct err *err)
{
    const char *data = reader->data;
    while (reader->pos < reader->len && (data[reader->pos] == '\n' || data[reader->pos] == '\r'))
        csv_skip_line_break(reader);
    if (reader->pos >= reader->len)
        return 0;
    size_t n = 0;
    row->line = reader->line;
    for (;;) {
        if (n == reader->max_columns)
            return csv_fail(reader, err, reader->line, "a row has more than %zu columns",
                            reader->max_columns);
        if (n == reader->cap_fields) {
            size_t cap = reader->cap_fields != 0 ? reader->cap_fields * 2 : 16;
            reader->fields =
                arena_grow(reader->arena, reader->fields, reader->cap_fields * sizeof(struct str),
                           cap * sizeof(struct str));
            reader->cap_fields = cap;
        }
        struct str field;
        int rc = reader->pos < reader->len && data[reader->pos] == '"'
                     ? csv_quoted_field(reader, &field, err)
                     : csv_plain_field(reader, &field, err);
        if (rc < 0)
            return rc;
        reader->fields[n++] = field;
        if (reader->pos < reader->len && data[reader->pos] == reader->separator) {
            reader->pos++;
            continue;
        }
        csv_skip_line_break(reader);
        break;
    }
    row->fields = reader->fields;
    row->n_fields = n;
    return 1;
}
