/*
 * CSV for imports and exports. The reader streams: it pulls bytes from a
 * source callback, hands rows back one at a time as UTF-8 slices, and keeps
 * its memory bounded by max_row_bytes whatever the input. Each row carries
 * the byte offsets around it so an import can resume at the next unread
 * row. The writer quotes only what needs quoting and can neutralise cells
 * that a spreadsheet would run as formulas (OWASP CSV injection).
 */
#ifndef CRM_FORMATS_CSV_H
#define CRM_FORMATS_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/str.h"

struct arena;
struct buf;

#define CSV_DEFAULT_MAX_FIELD_BYTES ((size_t)64 * 1024)
#define CSV_DEFAULT_MAX_COLUMNS ((size_t)1024)
#define CSV_DEFAULT_MAX_ROW_BYTES ((size_t)1024 * 1024)
/* How much of the start of the input the encoding and the separator are detected from. */
#define CSV_SAMPLE_BYTES ((size_t)64 * 1024)

enum csv_encoding {
    CSV_ENCODING_AUTO, /* detected from the first CSV_SAMPLE_BYTES */
    CSV_ENCODING_UTF8,
    CSV_ENCODING_WINDOWS_1251,
};

/*
 * Where the bytes come from: read() fills buf with up to cap bytes and sets
 * *n_read (0 only at the end of the input). It returns 0, or a negated
 * code with err filled, which stops the reader with that code.
 */
struct csv_source {
    int (*read)(void *ctx, char *buf, size_t cap, size_t *n_read, struct err *err);
    void *ctx;
};

/* Zeroed options are the defaults. */
struct csv_options {
    char separator; /* any byte but '"', CR and LF; 0: detected (csv_separator_detect) */
    enum csv_encoding encoding; /* of the input; rows are always UTF-8 */
    size_t max_field_bytes;     /* 0: CSV_DEFAULT_MAX_FIELD_BYTES */
    size_t max_columns;         /* 0: CSV_DEFAULT_MAX_COLUMNS */
    size_t max_row_bytes;       /* 0: CSV_DEFAULT_MAX_ROW_BYTES */
    /*
     * Resuming: the source delivers the input from start_offset (a row's
     * next_offset), which is on line start_line (its next_line; 0 means 1).
     * Give the separator and encoding found the first time
     * (csv_reader_separator/encoding), or they are detected again from
     * what follows the offset. A byte order mark is skipped at offset 0 only.
     */
    size_t start_offset;
    size_t start_line;
};

struct csv_row {
    const struct str *fields; /* UTF-8, no NUL bytes; valid until the next csv_reader_next() */
    size_t n_fields;          /* at least 1 */
    size_t line;              /* the line the row starts on, 1-based */
    size_t next_line;         /* the line next_offset is on */
    size_t offset;            /* byte offset of the row's first byte in the input */
    size_t next_offset;       /* byte offset just past the row and its line break */
    /*
     * NULL, or what is wrong with this row alone ("line 4: invalid UTF-8 in
     * column 2"); the rows after it read normally. The fields are still
     * given: past max_columns they are dropped, a field past
     * max_field_bytes is empty, bytes that are not text in the encoding
     * (and NUL) are U+FFFD.
     */
    const char *error;
};

struct csv_reader;

/*
 * A reader over source, freed with arena (its heap buffers are released
 * then too). options NULL: all defaults. Nothing is read before the first
 * csv_reader_next().
 */
struct csv_reader *csv_reader_new(struct arena *arena, struct csv_source source,
                                  const struct csv_options *options);

/* The state of a source over a buffer (csv_buffer_source_read). */
struct csv_buffer_source {
    const char *data;
    size_t len;
    size_t pos;
};
int csv_buffer_source_read(void *ctx, char *buf, size_t cap, size_t *n_read, struct err *err);

/*
 * A reader over the whole input data[0..len) (not copied: it must outlive
 * the reader), starting at options->start_offset when resuming.
 */
struct csv_reader *csv_reader_open_buffer(struct arena *arena, const char *data, size_t len,
                                          const struct csv_options *options);

/*
 * Reads the next row: 1 with *row filled (row->error says whether the row
 * itself is bad), 0 at the end of the input, or a negated code with err's
 * detail naming the line when the rest of the input cannot be read:
 * -ERR_BAD_REQUEST for a quoted field still open at the end ("line 12: a
 * quoted field is not closed") or UTF-16 text, -ERR_TOO_LARGE for a row
 * longer than max_row_bytes ("line 9: a row longer than 1 MiB"), the
 * source's own code when it fails. After an error, later calls return 0.
 *
 * The input: quoted fields with "" for a quote and line breaks inside;
 * CRLF, LF and CR line ends, mixed; blank lines skipped; a UTF-8 byte order
 * mark skipped (and counted in the offsets). Spaces and TABs (unless one is
 * the separator) around unquoted fields and around quotes are dropped, as
 * libcsv does: quote a field to keep them (csv_write_field does). A quote
 * inside an unquoted field is kept as text; text after a closing quote
 * ("quoted"tail,2 gives quoted"tail and 2) is kept too but marks the row.
 */
int csv_reader_next(struct csv_reader *reader, struct csv_row *row, struct err *err);

/* The separator and encoding in use (detected ones known after the first csv_reader_next). */
char csv_reader_separator(const struct csv_reader *reader);
enum csv_encoding csv_reader_encoding(const struct csv_reader *reader);

/* Heap and arena bytes the reader holds now (for tests of its bounds). */
size_t csv_reader_memory_bytes(const struct csv_reader *reader);

/*
 * The separator of sample, the start of a file (after any byte order
 * mark): whichever of ',', ';', TAB and '|' splits the first line into the
 * most fields while the next complete lines (up to 10) have as many; when
 * none is consistent, the one giving the first line the most fields; ','
 * on a tie or when none splits the first line. Quotes are honoured.
 */
char csv_separator_detect(const char *sample, size_t len);

/*
 * CSV_ENCODING_UTF8 when the first CSV_SAMPLE_BYTES of sample are valid
 * UTF-8 (a sequence cut at the end of the sample counts as valid), else
 * CSV_ENCODING_WINDOWS_1251.
 */
enum csv_encoding csv_encoding_detect(const char *sample, size_t len);

/* "utf-8", "windows-1251" or "auto". */
const char *csv_encoding_name(enum csv_encoding encoding);

/*
 * Appends one field. It is quoted (with "" for a quote) when it holds the
 * separator, a quote, CR or LF, starts or ends with a space or TAB, or
 * starts with U+FEFF (which a reader would skip as a byte order mark).
 * neutralise: a field starting with '=', '+', '-', '@', TAB or CR gets a
 * leading apostrophe so spreadsheets show it as text instead of running it
 * (OWASP CSV injection). Every such field is prefixed, numbers like "-12.5"
 * and phone numbers like "+7 916 123-45-67" too: it is simple and safe, and
 * a spreadsheet still shows the value. Writes nothing between fields: put
 * the separator in yourself, or use csv_write_row(). 0 or -ERR_TOO_LARGE
 * when out is full (out may then hold part of the field).
 */
__attribute__((warn_unused_result)) int
csv_write_field(struct buf *out, const char *text, size_t len, char separator, bool neutralise);

/* Ends a row with CRLF. 0 or -ERR_TOO_LARGE. */
__attribute__((warn_unused_result)) int csv_write_row_end(struct buf *out);

/*
 * Appends fields as one row ending in CRLF. A row of one empty field is
 * written as "" so that it does not read back as a blank line.
 * 0 or -ERR_TOO_LARGE.
 */
__attribute__((warn_unused_result)) int csv_write_row(struct buf *out, const struct str *fields,
                                                      size_t n_fields, char separator,
                                                      bool neutralise);

#endif
