/*
 * CSV reader (RFC 4180) over a buffer: quoted fields with "" escapes, line
 * breaks inside quotes, CRLF, LF or CR line ends, a UTF-8 byte order mark
 * skipped, and the separator given or detected from the header line among
 * ',', ';' and TAB. Rows come back as string slices into the buffer (or into
 * the arena for fields that held "" escapes). Fields and columns have hard
 * limits; every error names the line it was found on. Bytes are not
 * decoded: checking the encoding is the caller's business.
 */
#ifndef CRM_BASE_CSV_H
#define CRM_BASE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/str.h"

struct arena;

#define CSV_DEFAULT_MAX_FIELD_BYTES ((size_t)64 * 1024)
#define CSV_DEFAULT_MAX_COLUMNS ((size_t)512)

struct csv_options {
    char separator;         /* ',', ';' or '\t'; 0: detected from the header line */
    size_t max_field_bytes; /* longest field accepted; 0: CSV_DEFAULT_MAX_FIELD_BYTES */
    size_t max_columns;     /* most fields in a row; 0: CSV_DEFAULT_MAX_COLUMNS */
};

struct csv_row {
    const struct str *fields; /* valid until the next csv_reader_next() */
    size_t n_fields;
    size_t line; /* the line the row starts on, 1-based */
};

/* A cursor over one buffer; fill it with csv_reader_init(). */
struct csv_reader {
    struct arena *arena;
    const char *data;
    size_t len;
    size_t pos;
    size_t line; /* the line pos is on, 1-based */
    char separator;
    size_t max_field_bytes;
    size_t max_columns;
    struct str *fields; /* reused from row to row */
    size_t cap_fields;
    size_t error_line; /* the line of the error that stopped the reader; 0: none */
};

/*
 * Starts reading data (not copied: it must outlive the rows). A leading
 * UTF-8 byte order mark is skipped. options NULL: all defaults.
 */
void csv_reader_init(struct csv_reader *reader, struct arena *arena, const char *data, size_t len,
                     const struct csv_options *options);

/*
 * Reads the next row: 1 with *row filled, 0 at the end of the input, or
 * -ERR_BAD_REQUEST with err's detail "line N: ..." (and reader->error_line
 * N) for a quote left open, a stray quote, a NUL byte, a field past
 * max_field_bytes or a row past max_columns. Empty lines are skipped. After
 * an error the reader stays at the end.
 */
int csv_reader_next(struct csv_reader *reader, struct csv_row *row, struct err *err);

/*
 * The separator of the first line (outside quotes, after a byte order
 * mark): whichever of ',', ';' and TAB occurs most, ',' on a tie or when
 * none does.
 */
char csv_separator_detect(const char *data, size_t len);

#endif
