/*
 * Exchange rates from a CSV file: a header naming the columns date,
 * currency and rate (in any order and case; ',', ';' or TAB between them,
 * detected from the header), then one rate per row. All or nothing: every
 * row is checked and every problem reported, as a field error on
 * rows[i].currency, rows[i].date, rows[i].rate or rows[i] (i counts the
 * data rows from 0, blank ones left out; each message starts with the
 * file's line number), before the caller writes anything.
 */
#ifndef CRM_DOMAIN_RATE_IMPORT_H
#define CRM_DOMAIN_RATE_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/currency.h"

struct arena;

#define RATE_IMPORT_MAX_FIELD_BYTES 256
#define RATE_IMPORT_MAX_COLUMNS 16

struct rate_import_row {
    char currency[CURRENCY_CODE_LEN + 1];
    char date[CLOCK_DATE_LEN + 1];
    char rate[CURRENCY_RATE_TEXT_MAX]; /* canonical text */
    int64_t rate_scaled;
    size_t index; /* i of rows[i] */
    size_t line;  /* the line of the file the row starts on */
};

struct rate_import {
    struct rate_import_row *rows; /* in file order, in the arena */
    size_t n_rows;
    const char **currencies; /* the distinct currencies, sorted */
    size_t n_currencies;
};

/*
 * Reads text (the whole file) into out. base is the base currency, which
 * may not have a rate. Lines whose fields are all blank are skipped.
 * Errors: -ERR_BAD_REQUEST when the text is not UTF-8 or not well-formed
 * CSV (the detail names the line); -ERR_VALIDATION with field errors on
 * "header" (empty file, unknown, repeated or missing column), "rows" (no
 * data rows), rows[i] (wrong number of columns) and rows[i].<column> (bad
 * value, the base currency, a currency and date given twice), and a
 * detail counting the rows with problems.
 */
int rate_import_read(struct arena *arena, const char *text, size_t len, const char *base,
                     struct rate_import *out, struct err *err);

#endif
