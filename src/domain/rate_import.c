/*
 * The rate import's checks: encoding, CSV shape (formats/csv.h), the header,
 * each row's values (domain/currency.h) and repeats, found by sorting a
 * copy of the rows by currency and date.
 */
#include "domain/rate_import.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "formats/csv.h"

#define FIELD_NAME_MAX 64
#define SHOWN_NAME_MAX_BYTES 40

enum rate_column { COLUMN_DATE, COLUMN_CURRENCY, COLUMN_RATE, N_COLUMNS };

static const char *const column_names[N_COLUMNS] = {"date", "currency", "rate"};

/* Where each column is, from the header row; field errors on "header". */
static void rate_import_header(const struct csv_row *header, size_t columns[N_COLUMNS],
                               struct err *err)
{
    for (size_t c = 0; c < N_COLUMNS; c++)
        columns[c] = SIZE_MAX;
    for (size_t i = 0; i < header->n_fields; i++) {
        struct str name = str_trim(header->fields[i]);
        size_t c = 0;
        while (c < N_COLUMNS && !str_eq_nocase(name, column_names[c]))
            c++;
        if (c == N_COLUMNS)
            err_field(err, "header",
                      "unknown column \"%.*s\" (the columns are date, currency "
                      "and rate)",
                      (int)(name.len > SHOWN_NAME_MAX_BYTES ? SHOWN_NAME_MAX_BYTES : name.len),
                      name.ptr);
        else if (columns[c] != SIZE_MAX)
            err_field(err, "header", "the column %s appears twice", column_names[c]);
        else
            columns[c] = i;
    }
    for (size_t c = 0; c < N_COLUMNS; c++) {
        if (columns[c] == SIZE_MAX)
            err_field(err, "header", "needs a column named %s", column_names[c]);
    }
}

/* Prefixes the field errors added since `from` with the line they are about (cut to fit). */
static void rate_import_mark_line(struct err *err, size_t from, size_t line)
{
    char prefix[32];
    int n = snprintf(prefix, sizeof(prefix), "line %zu: ", line);
    size_t prefix_len = n > 0 ? (size_t)n : 0;
    for (size_t i = from; i < err->n_fields; i++) {
        char *message = err->fields[i].message;
        size_t cap = sizeof(err->fields[i].message);
        size_t len = strlen(message);
        if (prefix_len + len >= cap)
            len = cap - 1 - prefix_len;
        memmove(message + prefix_len, message, len);
        memcpy(message, prefix, prefix_len);
        message[prefix_len + len] = '\0';
    }
}

/* Whether every field of row is blank (a spreadsheet's ",,," line). */
static bool rate_import_blank(const struct csv_row *row)
{
    for (size_t i = 0; i < row->n_fields; i++) {
        if (str_trim(row->fields[i]).len > 0)
            return false;
    }
    return true;
}

/* Checks data row i; true with *out filled when it is good. */
static bool rate_import_row(const struct csv_row *row, size_t i, const size_t columns[N_COLUMNS],
                            size_t n_columns, const char *base, struct rate_import_row *out,
                            struct err *err)
{
    char field[FIELD_NAME_MAX];
    size_t errors_before = err->n_fields;
    bool ok = true;
    *out = (struct rate_import_row){.index = i, .line = row->line};
    if (row->n_fields != n_columns) {
        snprintf(field, sizeof(field), "rows[%zu]", i);
        err_field(err, field, "has %zu column%s; the header has %zu", row->n_fields,
                  row->n_fields == 1 ? "" : "s", n_columns);
        rate_import_mark_line(err, errors_before, row->line);
        return false;
    }
    snprintf(field, sizeof(field), "rows[%zu].currency", i);
    if (currency_code_parse(row->fields[columns[COLUMN_CURRENCY]], out->currency, field, err) < 0)
        ok = false;
    else if (strcmp(out->currency, base) == 0) {
        err_field(err, field, "is the base currency; its rate is always 1");
        ok = false;
    }
    snprintf(field, sizeof(field), "rows[%zu].date", i);
    if (currency_date_parse(row->fields[columns[COLUMN_DATE]], out->date, field, err) < 0)
        ok = false;
    snprintf(field, sizeof(field), "rows[%zu].rate", i);
    if (currency_rate_parse(row->fields[columns[COLUMN_RATE]], &out->rate_scaled, field, err) < 0)
        ok = false;
    if (!ok) {
        rate_import_mark_line(err, errors_before, row->line);
        return false;
    }
    currency_rate_format(out->rate_scaled, out->rate);
    return true;
}

static int rate_import_compare(const void *a, const void *b)
{
    const struct rate_import_row *x = a, *y = b;
    int c = strcmp(x->currency, y->currency);
    if (c == 0)
        c = strcmp(x->date, y->date);
    if (c == 0)
        c = x->line < y->line ? -1 : x->line > y->line;
    return c;
}

/*
 * Refuses a currency and date given twice, naming the later row; answers
 * how many rows repeat an earlier one. Fills the distinct currencies.
 */
static size_t rate_import_repeats(struct arena *arena, struct rate_import *import, struct err *err)
{
    size_t n = import->n_rows, repeats = 0;
    if (n == 0)
        return 0;
    struct rate_import_row *sorted = arena_memdup(arena, import->rows, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), rate_import_compare);
    import->currencies = arena_alloc_array(arena, n, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const struct rate_import_row *r = &sorted[i];
        if (i == 0 || strcmp(r->currency, sorted[i - 1].currency) != 0) {
            import->currencies[import->n_currencies++] = arena_strdup(arena, r->currency);
            continue;
        }
        if (strcmp(r->date, sorted[i - 1].date) != 0)
            continue;
        char field[FIELD_NAME_MAX];
        snprintf(field, sizeof(field), "rows[%zu].date", r->index);
        err_field(err, field, "line %zu: repeats the %s rate for %s of line %zu", r->line,
                  r->currency, r->date, sorted[i - 1].line);
        repeats++;
    }
    return repeats;
}

int rate_import_read(struct arena *arena, const char *text, size_t len, const char *base,
                     struct rate_import *out, struct err *err)
{
    struct csv_row row;
    size_t columns[N_COLUMNS];
    *out = (struct rate_import){0};
    if (!utf8_valid(text, len))
        return err_set(err, ERR_BAD_REQUEST,
                       "the file is not UTF-8 text; save it as CSV in UTF-8 and try again");
    struct csv_options options = {.encoding = CSV_ENCODING_UTF8,
                                  .max_field_bytes = RATE_IMPORT_MAX_FIELD_BYTES,
                                  .max_columns = RATE_IMPORT_MAX_COLUMNS};
    struct csv_reader *reader = csv_reader_open_buffer(arena, text, len, &options);
    int rc = csv_reader_next(reader, &row, err);
    if (rc < 0)
        return rc;
    /* A row the reader found bad (a NUL byte, too many columns): the file is not a rate list. */
    if (rc == 1 && row.error != NULL)
        return err_set(err, ERR_BAD_REQUEST, "%s", row.error);
    if (rc == 0)
        return err_field(err, "header",
                         "the file is empty; its first line must name the columns date, "
                         "currency and rate");
    size_t n_columns = row.n_fields;
    rate_import_header(&row, columns, err);
    if (err->code != ERR_OK)
        return -err->code;

    size_t cap = 0, n_bad = 0;
    while ((rc = csv_reader_next(reader, &row, err)) == 1) {
        if (row.error != NULL)
            return err_set(err, ERR_BAD_REQUEST, "%s", row.error);
        if (rate_import_blank(&row))
            continue;
        if (out->n_rows == cap) {
            size_t grown = cap != 0 ? cap * 2 : 64;
            out->rows =
                arena_grow(arena, out->rows, cap * sizeof(*out->rows), grown * sizeof(*out->rows));
            cap = grown;
        }
        size_t index = out->n_rows + n_bad;
        if (rate_import_row(&row, index, columns, n_columns, base, &out->rows[out->n_rows], err))
            out->n_rows++;
        else
            n_bad++;
    }
    if (rc < 0)
        return rc;
    size_t n_total = out->n_rows + n_bad;
    if (n_total == 0)
        return err_field(err, "rows", "the file has no rates under its header");
    if (n_bad == 0)
        n_bad = rate_import_repeats(arena, out, err);
    if (err->code != ERR_OK) {
        err_set(err, ERR_VALIDATION, "%zu of %zu rows have problems%s; nothing was imported", n_bad,
                n_total, err->n_fields == ERR_MAX_FIELDS ? " (the first ones are listed)" : "");
        return -ERR_VALIDATION;
    }
    return 0;
}
