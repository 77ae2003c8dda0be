/*
 * XLSX (Office Open XML spreadsheets) for imports and exports. The reader
 * streams the first worksheet of an in-memory file row by row, every cell as
 * UTF-8 text, within hard limits on what the file may unpack to. The writer
 * streams rows to a file on disk through libxlsxwriter in constant-memory
 * mode, dates as real Excel dates.
 */
#ifndef CRM_FORMATS_XLSX_H
#define CRM_FORMATS_XLSX_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/str.h"

struct arena;

/* Reading. */

#define XLSX_DEFAULT_MAX_UNPACKED_BYTES ((uint64_t)1 << 30)
#define XLSX_DEFAULT_MAX_SHARED_STRINGS_BYTES ((size_t)256 << 20)
#define XLSX_DEFAULT_MAX_COLUMNS ((size_t)16384)    /* A..XFD, Excel's own limit */
#define XLSX_DEFAULT_MAX_CELL_CHARS ((size_t)32767) /* Excel's own limit */
#define XLSX_DEFAULT_MAX_ROW_BYTES ((size_t)16 << 20)
#define XLSX_DEFAULT_MAX_ROWS ((size_t)1048576) /* Excel's own limit */

/* Every field 0 means its default. */
struct xlsx_limits {
    uint64_t max_unpacked_bytes;     /* all XML parts inflated together, counted as read */
    size_t max_shared_strings_bytes; /* the shared string table, text and index */
    size_t max_columns;              /* highest column a cell may name */
    size_t max_cell_chars;           /* code points in one cell */
    size_t max_row_bytes;            /* the text of one row, all cells together */
    size_t max_rows;                 /* highest row number */
};

struct xlsx_row {
    /*
     * Cells by column (cells[0] is column A), valid until the next call on
     * the reader. Columns missing from the sheet are empty slices; empty
     * cells after the last non-empty one are not counted in n_cells.
     */
    const struct str *cells;
    size_t n_cells;
    size_t number; /* the sheet's row number, 1-based */
};

struct xlsx_reader;

/*
 * Opens the XLSX file in data (not copied: it must outlive the reader) and
 * reads its workbook, relationships, styles and shared strings, ready to
 * stream the first worksheet. Everything the reader holds is released by
 * xlsx_reader_close() or, at the latest, when arena is freed. limits NULL:
 * all defaults.
 * Errors: -ERR_UNSUPPORTED_MEDIA_TYPE "not an XLSX file[: why]" (not a
 * zip or a truncated one, an old .xls or a password-protected workbook, no
 * workbook, no worksheet); -ERR_TOO_LARGE when a limit is passed ("the file
 * unpacks to more than N bytes"); -ERR_BAD_REQUEST for a damaged entry or
 * malformed XML ("sharedStrings.xml line N: ...").
 */
int xlsx_reader_open(struct arena *arena, const void *data, size_t len,
                     const struct xlsx_limits *limits, struct xlsx_reader **out, struct err *err);

/*
 * Reads the next row: 1 with *row filled, 0 at the end of the sheet, or a
 * negated code as for xlsx_reader_open with err's detail naming the part and
 * line ("sheet1.xml line N: ..."). Rows come out numbered 1, 2, 3...
 * without gaps: rows the sheet leaves out (before its first row or between
 * two) are returned as empty rows with their numbers. Cell values:
 *   shared, inline and formula-result strings as written (rich text runs
 *     joined, phonetic runs left out, _xHHHH_ escapes decoded);
 *   numbers as the shortest text that reads back as the same double
 *     ("42", "0.1", "1e+21");
 *   numbers in a date or time style as "YYYY-MM-DD" (a date style and no
 *     time of day), "YYYY-MM-DDTHH:MM:SS" (to the nearest second) or
 *     "HH:MM:SS" (a time style and a value under one day); the 1900 date
 *     system counts Excel's phantom 1900-02-29 (serial 60, returned as that
 *     text), the 1904 system is used when the workbook says so;
 *   booleans as "true" / "false"; errors as their text ("#N/A").
 * After an error every further call returns the same error.
 */
int xlsx_reader_next(struct xlsx_reader *reader, struct xlsx_row *row, struct err *err);

/*
 * Reads and drops rows so that the next xlsx_reader_next() returns row
 * number row_number (or the end of the sheet). A zip entry is a stream, so
 * resuming an import after a crash means opening the file again and
 * skipping: the skipped rows are parsed again, but not kept.
 */
int xlsx_reader_skip_to(struct xlsx_reader *reader, size_t row_number, struct err *err);

/* Releases libzip, expat and the heap buffers. NULL, or a second call: no-op. */
void xlsx_reader_close(struct xlsx_reader *reader);

/* Writing. */

#define XLSX_MAX_ROWS ((size_t)1048576)
#define XLSX_MAX_COLUMNS ((size_t)16384)

enum xlsx_cell_kind {
    XLSX_BLANK,
    XLSX_TEXT,     /* text: UTF-8, at most 32767 characters, never a formula */
    XLSX_NUMBER,   /* number: finite */
    XLSX_BOOL,     /* number: 0 false, anything else true */
    XLSX_DATE,     /* text: "YYYY-MM-DD" */
    XLSX_DATETIME, /* text: "YYYY-MM-DD[T ]HH:MM[:SS[.fff]]"; a zone suffix is ignored */
};

struct xlsx_cell {
    enum xlsx_cell_kind kind;
    const char *text; /* NULL: as XLSX_BLANK for TEXT, DATE and DATETIME */
    double number;
};

struct xlsx_writer;

/*
 * Starts a workbook at path with one sheet (sheet_name NULL: "Sheet1").
 * Rows go to a temporary file as they are written; the file at path is
 * written by xlsx_writer_close(). -ERR_VALIDATION for a sheet name Excel
 * refuses, -ERR_INTERNAL when the workbook cannot be created.
 */
int xlsx_writer_open(const char *path, const char *sheet_name, struct xlsx_writer **out,
                     struct err *err);

/* Writes names[] as a bold header row and freezes it; only before any other row. */
int xlsx_writer_header(struct xlsx_writer *writer, const char *const *names, size_t n,
                       struct err *err);

/*
 * Writes the next row. Text is always a string cell (the caller neutralises
 * formula-like text when it wants to). DATE and DATETIME become Excel dates
 * with a date format; a value Excel cannot hold as a date (before 1900, or
 * not a valid date) is written as its text. Errors: -ERR_VALIDATION for
 * text that is not UTF-8 or is too long for a cell, or a number that is not
 * finite; -ERR_TOO_LARGE past XLSX_MAX_ROWS rows or XLSX_MAX_COLUMNS cells;
 * -ERR_INTERNAL when the temporary file cannot be written.
 */
int xlsx_writer_row(struct xlsx_writer *writer, const struct xlsx_cell *cells, size_t n,
                    struct err *err);

/*
 * Writes the file and frees the writer, also after an error (the file may
 * then be incomplete: remove it). NULL: no-op, 0. -ERR_INTERNAL when the
 * file cannot be written.
 */
int xlsx_writer_close(struct xlsx_writer *writer, struct err *err);

#endif
