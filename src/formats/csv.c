/*
 * The CSV reader over libcsv, and the writer.
 *
 * DESIGN. The reader keeps a CSV_SAMPLE_BYTES input window filled from the
 * source; the first fill is also the sample the encoding and the separator
 * are detected from. It feeds libcsv one piece at a time, each piece
 * ending at a line break (CRLF kept together) or at the end of the window,
 * so a row libcsv ends during a csv_parse() call ends at that piece's last
 * byte: that byte's offset is the row's next_offset, and counting line
 * breaks per piece gives the lines. Before a piece is fed the row's length
 * is checked against max_row_bytes, so libcsv's field buffer and our row
 * text never grow past it. libcsv runs in strict mode only to learn of
 * quotes out of place: on such an error the offending byte is fed again
 * leniently. A quote inside an unquoted field is then text; text after a
 * closing quote marks the row, and the field goes on as an unquoted one
 * (libcsv alone would stay inside the quotes, and one stray quote would
 * swallow the rest of the file).
 * Fields are decoded into one capped buffer as they end (libcsv's callback)
 * and become slices when the row ends.
 */
#include "formats/csv.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <csv.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/utf8.h"

#define CSV_BOM "\xEF\xBB\xBF"
#define CSV_BOM_LEN 3
#define CSV_PARSER_BLOCK_BYTES ((size_t)16 * 1024) /* libcsv's field buffer grows by this */
#define CSV_PARSER_OPTIONS (CSV_STRICT | CSV_STRICT_FINI)
#define CSV_DETECT_MAX_LINES 10
#define CSV_ROW_ERROR_MAX 160
#define CSV_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define CSV_UTF8_MAX_PER_BYTE 3        /* a byte decodes to at most 3 bytes of UTF-8 */

struct csv_reader {
    struct arena *arena;
    struct csv_source source;
    struct csv_parser parser;
    bool parser_ready;
    int (*is_space)(unsigned char c);
    char separator;
    enum csv_encoding encoding;
    size_t max_field_bytes;
    size_t max_columns;
    size_t max_row_bytes;

    /* The input window: in[pos..end) is unread; in[0] is at input offset in_offset. */
    char *in;
    size_t pos;
    size_t end;
    size_t in_offset;
    size_t line; /* the line in[pos] is on */
    bool started;
    bool eof;
    bool done; /* the end was reached or an error stopped the reader */

    /* The row being read. */
    bool in_row;
    bool row_ended; /* libcsv ended the row (its row callback ran) */
    size_t row_offset;
    size_t row_line;
    size_t row_bytes;   /* bytes of the row fed so far */
    size_t n_columns;   /* fields libcsv has given, kept or not */
    struct str *fields; /* ptr NULL until the row ends: text.data moves as it grows */
    size_t *starts;     /* where each field starts in text */
    size_t cap_fields;
    struct buf text; /* the decoded fields, back to back */
    bool has_error;
    char error[CSV_ROW_ERROR_MAX];
};

/* ---- encodings ---- */

/* Windows-1251 bytes 0x80-0xFF as Unicode code points (0x98 is undefined: U+FFFD). */
static const uint16_t cp1251_high[128] = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, /* 0x80 */
    0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F, /* 0x88 */
    0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 0x90 */
    0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, /* 0x98 */
    0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, /* 0xA0 */
    0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407, /* 0xA8 */
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, /* 0xB0 */
    0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457, /* 0xB8 */
    0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417, /* 0xC0: А-Я */
    0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F, /* 0xC8 */
    0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427, /* 0xD0 */
    0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F, /* 0xD8 */
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, /* 0xE0: а-я */
    0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F, /* 0xE8 */
    0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447, /* 0xF0 */
    0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F, /* 0xF8 */
};

const char *csv_encoding_name(enum csv_encoding encoding)
{
    switch (encoding) {
    case CSV_ENCODING_UTF8:
        return "utf-8";
    case CSV_ENCODING_WINDOWS_1251:
        return "windows-1251";
    case CSV_ENCODING_AUTO:
        break;
    }
    return "auto";
}

/* Whether s[0..len) is the start of a UTF-8 sequence that the end of the sample cut short. */
static bool csv_utf8_cut_short(const unsigned char *s, size_t len)
{
    size_t need = s[0] >= 0xC2 && s[0] <= 0xDF   ? 2
                  : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
                  : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                                 : 0;
    if (need == 0 || len >= need)
        return false;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return false;
    }
    return true;
}

enum csv_encoding csv_encoding_detect(const char *sample, size_t len)
{
    if (len > CSV_SAMPLE_BYTES)
        len = CSV_SAMPLE_BYTES;
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)sample[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(sample + i, len - i, &cp);
        if (n == 0)
            return csv_utf8_cut_short((const unsigned char *)sample + i, len - i)
                       ? CSV_ENCODING_UTF8
                       : CSV_ENCODING_WINDOWS_1251;
        i += n;
    }
    return CSV_ENCODING_UTF8;
}

/* ---- separator detection ---- */

/*
 * Field counts of the first lines of sample split at sep (quotes honoured,
 * blank lines skipped); a last line without its line break only when it
 * is the first. Returns how many lines were counted.
 */
static size_t csv_count_fields(const char *sample, size_t len, char sep,
                               size_t counts[CSV_DETECT_MAX_LINES])
{
    size_t n_lines = 0, fields = 1;
    bool quoted = false, blank = true;
    for (size_t i = 0; i < len && n_lines < CSV_DETECT_MAX_LINES; i++) {
        char c = sample[i];
        if (c == '"') {
            quoted = !quoted; /* "" inside quotes toggles twice: no change */
            blank = false;
        } else if (quoted) {
            continue;
        } else if (c == '\n' || c == '\r') {
            if (!blank)
                counts[n_lines++] = fields;
            fields = 1;
            blank = true;
        } else {
            fields += c == sep;
            blank = false;
        }
    }
    if (n_lines == 0 && !blank)
        counts[n_lines++] = fields;
    return n_lines;
}

char csv_separator_detect(const char *sample, size_t len)
{
    static const char candidates[] = {',', ';', '\t', '|'};
    size_t best_consistent = 0, best_any = 0;
    char sep_consistent = 0, sep_any = ',';
    for (size_t k = 0; k < sizeof(candidates); k++) {
        size_t counts[CSV_DETECT_MAX_LINES];
        size_t n = csv_count_fields(sample, len, candidates[k], counts);
        if (n == 0 || counts[0] < 2)
            continue;
        bool consistent = true;
        for (size_t i = 1; i < n; i++)
            consistent = consistent && counts[i] == counts[0];
        if (consistent && counts[0] > best_consistent) {
            best_consistent = counts[0];
            sep_consistent = candidates[k];
        }
        if (counts[0] > best_any) {
            best_any = counts[0];
            sep_any = candidates[k];
        }
    }
    return sep_consistent != 0 ? sep_consistent : sep_any;
}

/* ---- the reader's row ---- */

/* "1 MiB", "64 KiB" or "100 bytes". */
static void csv_size_text(size_t bytes, char *out, size_t cap)
{
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
        snprintf(out, cap, "%zu MiB", bytes / (1024 * 1024));
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(out, cap, "%zu KiB", bytes / 1024);
    else
        snprintf(out, cap, "%zu bytes", bytes);
}

/* Marks the row being read with its first problem. */
__attribute__((format(printf, 2, 3))) static void csv_row_error(struct csv_reader *r,
                                                                const char *fmt, ...)
{
    if (r->has_error)
        return;
    int n = snprintf(r->error, sizeof(r->error), "line %zu: ", r->row_line);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof(r->error))
        vsnprintf(r->error + n, sizeof(r->error) - (size_t)n, fmt, ap);
    va_end(ap);
    r->has_error = true;
}

/* Stops the reader with an error; returns -code. */
__attribute__((format(printf, 4, 5))) static int csv_fail(struct csv_reader *r, struct err *err,
                                                          enum err_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = err_setv(err, code, fmt, ap);
    va_end(ap);
    r->done = true;
    return rc;
}

static void csv_text_append(struct csv_reader *r, const void *s, size_t len)
{
    int rc = buf_append(&r->text, s, len);
    assert(rc == 0 && "the row text has room for a whole row decoded");
    (void)rc;
}

/* Appends s[0..len) to the row text as UTF-8; false when it was not text in the encoding. */
static bool csv_decode(struct csv_reader *r, const unsigned char *s, size_t len, bool *nul)
{
    bool ok = true;
    size_t i = 0;
    while (i < len) {
        /* The longest run of bytes copied as they are. */
        size_t run = i;
        while (run < len && s[run] < 0x80 && s[run] != 0)
            run++;
        if (run > i)
            csv_text_append(r, s + i, run - i);
        i = run;
        if (i == len)
            break;
        char utf8[4];
        size_t n_in = 1, n_out;
        if (s[i] == 0) {
            *nul = true;
            memcpy(utf8, CSV_REPLACEMENT, 3);
            n_out = 3;
        } else if (r->encoding == CSV_ENCODING_WINDOWS_1251) {
            n_out = utf8_encode(cp1251_high[s[i] - 0x80], utf8);
        } else {
            uint32_t cp;
            n_in = utf8_decode((const char *)s + i, len - i, &cp);
            if (n_in == 0) {
                ok = false;
                n_in = 1;
                memcpy(utf8, CSV_REPLACEMENT, 3);
                n_out = 3;
            } else {
                memcpy(utf8, s + i, n_in);
                n_out = n_in;
            }
        }
        csv_text_append(r, utf8, n_out);
        i += n_in;
    }
    return ok;
}

/* libcsv's field callback: keeps the field (decoded) or notes why not. */
static void csv_on_field(void *data, size_t len, void *ctx)
{
    struct csv_reader *r = ctx;
    size_t column = ++r->n_columns;
    if (column > r->max_columns) {
        csv_row_error(r, "more than %zu columns", r->max_columns);
        return;
    }
    if (column > r->cap_fields) {
        size_t cap = r->cap_fields != 0 ? r->cap_fields * 2 : 16;
        if (cap > r->max_columns)
            cap = r->max_columns;
        r->fields = arena_grow(r->arena, r->fields, r->cap_fields * sizeof(*r->fields),
                               cap * sizeof(*r->fields));
        r->starts = arena_grow(r->arena, r->starts, r->cap_fields * sizeof(*r->starts),
                               cap * sizeof(*r->starts));
        r->cap_fields = cap;
    }
    size_t start = r->text.len;
    if (len > r->max_field_bytes) {
        char size[32];
        csv_size_text(r->max_field_bytes, size, sizeof(size));
        csv_row_error(r, "a field longer than %s in column %zu", size, column);
    } else {
        bool nul = false;
        if (!csv_decode(r, data, len, &nul))
            csv_row_error(r, "invalid UTF-8 in column %zu", column);
        if (nul)
            csv_row_error(r, "the text holds a NUL byte");
    }
    r->starts[column - 1] = start;
    r->fields[column - 1] = (struct str){NULL, r->text.len - start};
}

/* libcsv's row callback. */
static void csv_on_row(int c, void *ctx)
{
    struct csv_reader *r = ctx;
    r->row_ended = true;
}

static void csv_row_reset(struct csv_reader *r)
{
    r->in_row = false;
    r->row_ended = false;
    r->row_bytes = 0;
    r->n_columns = 0;
    r->has_error = false;
    buf_reset(&r->text);
}

/* Hands the row libcsv ended to the caller. */
static int csv_row_take(struct csv_reader *r, struct csv_row *row)
{
    size_t n = r->n_columns < r->max_columns ? r->n_columns : r->max_columns;
    for (size_t i = 0; i < n; i++)
        r->fields[i].ptr = r->text.data != NULL ? r->text.data + r->starts[i] : "";
    *row = (struct csv_row){
        .fields = r->fields,
        .n_fields = n,
        .line = r->row_line,
        .next_line = r->line,
        .offset = r->row_offset,
        .next_offset = r->in_offset + r->pos,
        .error = r->has_error ? r->error : NULL,
    };
    r->in_row = false;
    return 1;
}

/* ---- the reader's input ---- */

int csv_buffer_source_read(void *ctx, char *buf, size_t cap, size_t *n_read, struct err *err)
{
    struct csv_buffer_source *s = ctx;
    size_t n = s->len - s->pos < cap ? s->len - s->pos : cap;
    if (n > 0)
        memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    *n_read = n;
    return 0;
}

/* Moves the unread bytes to the front and reads more behind them (at the end: sets eof). */
static int csv_reader_fill(struct csv_reader *r, struct err *err)
{
    if (r->pos > 0) {
        memmove(r->in, r->in + r->pos, r->end - r->pos);
        r->in_offset += r->pos;
        r->end -= r->pos;
        r->pos = 0;
    }
    if (r->eof || r->end == CSV_SAMPLE_BYTES)
        return 0;
    size_t n = 0;
    int rc = r->source.read(r->source.ctx, r->in + r->end, CSV_SAMPLE_BYTES - r->end, &n, err);
    if (rc < 0) {
        r->done = true;
        return rc;
    }
    assert(n <= CSV_SAMPLE_BYTES - r->end);
    r->end += n;
    r->eof = n == 0;
    return 0;
}

/* What libcsv trims around unquoted fields and quotes: spaces and TABs, not the separator. */
static int csv_space_or_tab(unsigned char c)
{
    return c == ' ' || c == '\t';
}

static int csv_space(unsigned char c)
{
    return c == ' ';
}

static int csv_tab(unsigned char c)
{
    return c == '\t';
}

static void csv_reader_cleanup(void *reader)
{
    struct csv_reader *r = reader;
    if (r->parser_ready)
        csv_free(&r->parser);
    buf_release(&r->text);
}

/* The first read: the sample, the byte order mark, the encoding, the separator, the parser. */
static int csv_reader_start(struct csv_reader *r, struct err *err)
{
    r->started = true;
    while (!r->eof && r->end < CSV_SAMPLE_BYTES) {
        int rc = csv_reader_fill(r, err);
        if (rc < 0)
            return rc;
    }
    const unsigned char *s = (const unsigned char *)r->in;
    bool bom = false;
    if (r->in_offset == 0 && r->end >= CSV_BOM_LEN && memcmp(s, CSV_BOM, CSV_BOM_LEN) == 0) {
        r->pos = CSV_BOM_LEN;
        bom = true;
    }
    if (r->in_offset == 0 && r->end >= 4 &&
        ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)) &&
        (s[2] == 0 || s[3] == 0))
        return csv_fail(r, err, ERR_BAD_REQUEST,
                        "line 1: the file is UTF-16 text; save it as CSV in UTF-8");
    const char *sample = r->in + r->pos;
    size_t sample_len = r->end - r->pos;
    if (r->encoding == CSV_ENCODING_AUTO)
        r->encoding = bom ? CSV_ENCODING_UTF8 : csv_encoding_detect(sample, sample_len);
    if (r->separator == 0)
        r->separator = csv_separator_detect(sample, sample_len);
    if (csv_init(&r->parser, CSV_PARSER_OPTIONS) != 0) {
        r->done = true;
        return err_set(err, ERR_INTERNAL, "the CSV parser did not start");
    }
    r->parser_ready = true;
    csv_set_delim(&r->parser, (unsigned char)r->separator);
    r->is_space = r->separator == '\t'  ? csv_space
                  : r->separator == ' ' ? csv_tab
                                        : csv_space_or_tab;
    csv_set_space_func(&r->parser, r->is_space);
    csv_set_blk_size(&r->parser, CSV_PARSER_BLOCK_BYTES);
    return 0;
}

/*
 * Gives piece to libcsv. A strict-mode error stops csv_parse() before a
 * quote out of place or the text after a closing quote: that byte is fed
 * again leniently (the row marked in the second case) and parsing goes on.
 */
static int csv_reader_feed(struct csv_reader *r, const char *piece, size_t len, struct err *err)
{
    while (len > 0) {
        size_t n = csv_parse(&r->parser, piece, len, csv_on_field, csv_on_row, r);
        if (n == len)
            return 0;
        if (csv_error(&r->parser) != CSV_EPARSE)
            return csv_fail(r, err, ERR_INTERNAL, "line %zu: %s", r->row_line,
                            csv_strerror(csv_error(&r->parser)));
        if (r->parser.quoted) {
            /* The field goes on as if unquoted, so its separator or line break ends it. */
            csv_row_error(r, "text after the closing quote in column %zu", r->n_columns + 1);
            r->parser.quoted = 0;
        }
        csv_set_opts(&r->parser, CSV_PARSER_OPTIONS & ~CSV_STRICT);
        size_t one = csv_parse(&r->parser, piece + n, 1, csv_on_field, csv_on_row, r);
        csv_set_opts(&r->parser, CSV_PARSER_OPTIONS);
        if (one != 1)
            return csv_fail(r, err, ERR_INTERNAL, "line %zu: %s", r->row_line,
                            csv_strerror(csv_error(&r->parser)));
        piece += n + 1;
        len -= n + 1;
    }
    return 0;
}

/* At the end of the input: the last row if it has no line break, else the end. */
static int csv_reader_finish(struct csv_reader *r, struct csv_row *row, struct err *err)
{
    r->done = true;
    if (!r->in_row)
        return 0;
    if (csv_fini(&r->parser, csv_on_field, csv_on_row, r) != 0)
        return csv_fail(r, err, ERR_BAD_REQUEST, "line %zu: a quoted field is not closed",
                        r->row_line);
    assert(r->row_ended);
    return csv_row_take(r, row);
}

int csv_reader_next(struct csv_reader *r, struct csv_row *row, struct err *err)
{
    if (r->done)
        return 0;
    if (!r->started) {
        int rc = csv_reader_start(r, err);
        if (rc < 0)
            return rc;
    }
    csv_row_reset(r);
    for (;;) {
        if (r->pos == r->end) {
            if (r->eof)
                return csv_reader_finish(r, row, err);
            int rc = csv_reader_fill(r, err);
            if (rc < 0)
                return rc;
            continue;
        }
        /* The next piece: up to and with a line break, or to the end of the window. */
        const char *p = r->in + r->pos;
        size_t avail = r->end - r->pos, content = 0;
        while (content < avail && p[content] != '\n' && p[content] != '\r')
            content++;
        size_t brk = 0;
        if (content < avail) {
            brk = 1;
            if (p[content] == '\r' && content + 1 == avail && !r->eof) {
                /* A CR last in the window: whether an LF follows decides the piece. */
                if (r->pos > 0 || r->end < CSV_SAMPLE_BYTES) {
                    int rc = csv_reader_fill(r, err);
                    if (rc < 0)
                        return rc;
                    continue;
                }
                brk = 0; /* a full window: feed what is before the CR first */
            } else if (p[content] == '\r' && content + 1 < avail && p[content + 1] == '\n') {
                brk = 2;
            }
        }
        if (!r->in_row) {
            /* libcsv skips spaces before a row; a line of nothing else is blank. */
            size_t lead = 0;
            while (lead < content && r->is_space((unsigned char)p[lead]))
                lead++;
            r->pos += lead;
            p += lead;
            content -= lead;
            if (content == 0) {
                r->pos += brk;
                r->line += brk > 0;
                continue;
            }
            r->in_row = true;
            r->row_offset = r->in_offset + r->pos;
            r->row_line = r->line;
        }
        if (r->row_bytes > r->max_row_bytes || content > r->max_row_bytes - r->row_bytes) {
            char size[32];
            csv_size_text(r->max_row_bytes, size, sizeof(size));
            return csv_fail(r, err, ERR_TOO_LARGE, "line %zu: a row longer than %s", r->row_line,
                            size);
        }
        int rc = csv_reader_feed(r, p, content + brk, err);
        if (rc < 0)
            return rc;
        r->row_bytes += content + brk;
        r->pos += content + brk;
        if (brk > 0)
            r->line++;
        if (r->row_ended)
            return csv_row_take(r, row);
    }
}

struct csv_reader *csv_reader_new(struct arena *arena, struct csv_source source,
                                  const struct csv_options *options)
{
    static const struct csv_options defaults = {0};
    if (options == NULL)
        options = &defaults;
    assert(options->separator != '"' && options->separator != '\n' && options->separator != '\r');
    struct csv_reader *r = arena_alloc(arena, sizeof(*r));
    r->arena = arena;
    r->source = source;
    r->separator = options->separator;
    r->encoding = options->encoding;
    r->max_field_bytes =
        options->max_field_bytes != 0 ? options->max_field_bytes : CSV_DEFAULT_MAX_FIELD_BYTES;
    r->max_columns = options->max_columns != 0 ? options->max_columns : CSV_DEFAULT_MAX_COLUMNS;
    r->max_row_bytes =
        options->max_row_bytes != 0 ? options->max_row_bytes : CSV_DEFAULT_MAX_ROW_BYTES;
    r->in = arena_alloc(arena, CSV_SAMPLE_BYTES);
    r->in_offset = options->start_offset;
    r->line = options->start_line != 0 ? options->start_line : 1;
    /*
     * A row is fed up to max_row_bytes and the line break that may follow
     * inside quotes; every byte may grow to 3 when decoded.
     */
    if (r->max_row_bytes > SIZE_MAX / CSV_UTF8_MAX_PER_BYTE - 4)
        r->max_row_bytes = SIZE_MAX / CSV_UTF8_MAX_PER_BYTE - 4;
    buf_init(&r->text, (r->max_row_bytes + 2) * CSV_UTF8_MAX_PER_BYTE);
    arena_defer(arena, csv_reader_cleanup, r);
    return r;
}

struct csv_reader *csv_reader_open_buffer(struct arena *arena, const char *data, size_t len,
                                          const struct csv_options *options)
{
    struct csv_buffer_source *s = arena_alloc(arena, sizeof(*s));
    size_t start = options != NULL ? options->start_offset : 0;
    *s = (struct csv_buffer_source){data, len, start < len ? start : len};
    return csv_reader_new(arena, (struct csv_source){csv_buffer_source_read, s}, options);
}

char csv_reader_separator(const struct csv_reader *r)
{
    return r->separator;
}

enum csv_encoding csv_reader_encoding(const struct csv_reader *r)
{
    return r->encoding;
}

size_t csv_reader_memory_bytes(const struct csv_reader *r)
{
    size_t parser = r->parser_ready ? csv_get_buffer_size((struct csv_parser *)&r->parser) : 0;
    return sizeof(*r) + CSV_SAMPLE_BYTES + r->text.cap +
           r->cap_fields * (sizeof(*r->fields) + sizeof(*r->starts)) + parser;
}

/* ---- the writer ---- */

static bool csv_dangerous_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

static bool csv_blank(char c)
{
    return c == ' ' || c == '\t';
}

int csv_write_field(struct buf *out, const char *text, size_t len, char separator, bool neutralise)
{
    assert(separator != '"' && separator != '\n' && separator != '\r');
    bool prefix = neutralise && len > 0 && csv_dangerous_start(text[0]);
    /* A leading U+FEFF unquoted would read as the byte order mark at the start of a file. */
    bool quote = len > 0 && (csv_blank(text[0]) || csv_blank(text[len - 1]) ||
                             (len >= CSV_BOM_LEN && memcmp(text, CSV_BOM, CSV_BOM_LEN) == 0));
    for (size_t i = 0; i < len && !quote; i++) {
        char c = text[i];
        quote = c == separator || c == '"' || c == '\r' || c == '\n';
    }
    if (!quote) {
        if (prefix && buf_putc(out, '\'') < 0)
            return -ERR_TOO_LARGE;
        return buf_append(out, text, len);
    }
    if (buf_putc(out, '"') < 0 || (prefix && buf_putc(out, '\'') < 0))
        return -ERR_TOO_LARGE;
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '"')
            continue;
        /* Up to and with the quote, then the quote again. */
        if (buf_append(out, text + from, i + 1 - from) < 0 || buf_putc(out, '"') < 0)
            return -ERR_TOO_LARGE;
        from = i + 1;
    }
    if (buf_append(out, text + from, len - from) < 0 || buf_putc(out, '"') < 0)
        return -ERR_TOO_LARGE;
    return 0;
}

int csv_write_row_end(struct buf *out)
{
    return buf_append(out, "\r\n", 2);
}

int csv_write_row(struct buf *out, const struct str *fields, size_t n_fields, char separator,
                  bool neutralise)
{
    if (n_fields == 1 && fields[0].len == 0) {
        if (buf_append(out, "\"\"", 2) < 0)
            return -ERR_TOO_LARGE;
        return csv_write_row_end(out);
    }
    for (size_t i = 0; i < n_fields; i++) {
        if (i > 0 && buf_putc(out, separator) < 0)
            return -ERR_TOO_LARGE;
        int rc = csv_write_field(out, fields[i].ptr, fields[i].len, separator, neutralise);
        if (rc < 0)
            return rc;
    }
    return csv_write_row_end(out);
}
