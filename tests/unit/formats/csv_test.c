/*
 * Tests for src/formats/csv.c: RFC 4180 quoting, line ends, the byte order
 * mark, separator and encoding detection, Windows-1251, row offsets and
 * resuming, limits with bounded memory, errors of a row and of the file,
 * and the writer with its CSV injection guard.
 */
#include "formats/csv.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "../test.h"

/* ---- helpers ---- */

/* A source that hands out a buffer 1 to 3 bytes at a time. */
struct trickle {
    const char *data;
    size_t len;
    size_t pos;
    size_t calls;
};

static int trickle_read(void *ctx, char *buf, size_t cap, size_t *n_read, struct err *err)
{
    struct trickle *t = ctx;
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

/* How render() shows rows: with their positions, joined by RS (0x1E) instead of LF. */
enum { SHOW_POSITIONS = 1, SHOW_JOINED_BY_RS = 2 };

/*
 * Renders the rows of reader as "line:a|b|c" lines ("line@offset-next_offset
 * /next_line:a|b|c" with SHOW_POSITIONS, "!error" after a bad row), then
 * "error: ..." if it stopped on one.
 */
static const char *render(struct arena *arena, struct csv_reader *reader, int show)
{
    const char *joiner = (show & SHOW_JOINED_BY_RS) != 0 ? "\x1E" : "\n";
    struct csv_row row;
    struct err err;
    err_clear(&err);
    char *out = arena_strdup(arena, "");
    int rc;
    while ((rc = csv_reader_next(reader, &row, &err)) == 1) {
        const char *sep = out[0] != '\0' ? joiner : "";
        if ((show & SHOW_POSITIONS) != 0)
            out = arena_printf(arena, "%s%s%zu@%zu-%zu/%zu:", out, sep, row.line, row.offset,
                               row.next_offset, row.next_line);
        else
            out = arena_printf(arena, "%s%s%zu:", out, sep, row.line);
        for (size_t i = 0; i < row.n_fields; i++)
            out = arena_printf(arena, "%s%s%.*s", out, i > 0 ? "|" : "", (int)row.fields[i].len,
                               row.fields[i].ptr);
        if (row.error != NULL)
            out = arena_printf(arena, "%s !%s", out, row.error);
    }
    if (rc < 0) {
        out = arena_printf(arena, "%s%serror: %s", out, out[0] != '\0' ? joiner : "", err.detail);
        EXPECT_INT_EQ(rc, -(int)err.code);
        EXPECT_INT_EQ(csv_reader_next(reader, &row, &err), 0);
    }
    return out;
}

/* Reads text whole and in a trickle, which must agree; returns the rendering. */
static const char *rows_of(struct arena *arena, const char *text, size_t len,
                           const struct csv_options *options, int show)
{
    const char *whole = render(arena, csv_reader_open_buffer(arena, text, len, options), show);
    struct trickle *t = arena_alloc(arena, sizeof(*t));
    *t = (struct trickle){text, len, options != NULL ? options->start_offset : 0, 0};
    const char *trickled =
        render(arena, csv_reader_new(arena, (struct csv_source){trickle_read, t}, options), show);
    EXPECT_STR_EQ(trickled, whole);
    return whole;
}

static const char *rows(struct arena *arena, const char *text)
{
    return rows_of(arena, text, strlen(text), NULL, 0);
}

static const char *rows_with(struct arena *arena, const char *text,
                             const struct csv_options *options)
{
    return rows_of(arena, text, strlen(text), options, 0);
}

/* ---- reading ---- */

TEST(csv_reads_plain_rows_with_lf_crlf_and_cr_line_ends)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "date,currency,rate\n2026-01-02,USD,92.5\n"),
                  "1:date|currency|rate\n2:2026-01-02|USD|92.5");
    EXPECT_STR_EQ(rows(a, "a,b\r\nc,d\r\n"), "1:a|b\n2:c|d");
    EXPECT_STR_EQ(rows(a, "a,b\rc,d"), "1:a|b\n2:c|d");
    EXPECT_STR_EQ(rows(a, "a,b\nc,d"), "1:a|b\n2:c|d");
    arena_free(a);
}

TEST(csv_reads_mixed_line_ends_in_one_file_counting_each_once)
{
    struct arena *a = arena_new();
    /* LF then CR is two line breaks, so line 5 is blank. */
    EXPECT_STR_EQ(rows(a, "a\r\nb\nc\rd\n\re\r\n\"f\r\ng\"\rh"),
                  "1:a\n2:b\n3:c\n4:d\n6:e\n7:f\r\ng\n9:h");
    arena_free(a);
}

TEST(csv_keeps_empty_fields_and_a_trailing_empty_field)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "a,,c\n,\nx,y,\n"), "1:a||c\n2:|\n3:x|y|");
    arena_free(a);
}

TEST(csv_trims_spaces_around_unquoted_fields_and_around_quotes)
{
    struct arena *a = arena_new();
    struct csv_options comma = {.separator = ','};
    EXPECT_STR_EQ(rows_with(a, " a , b\t,\" c \" ,in side\n\"x\", \"y\"\t\n", &comma),
                  "1:a|b| c |in side\n2:x|y");
    /* A line of spaces is blank. */
    EXPECT_STR_EQ(rows(a, "a\n \t \r\nb\n"), "1:a\n3:b");
    /* A TAB separator is not trimmed away. */
    struct csv_options tab = {.separator = '\t'};
    EXPECT_STR_EQ(rows_with(a, "\ta \t b\t\n", &tab), "1:|a|b|");
    arena_free(a);
}

TEST(csv_unquotes_fields_and_unescapes_doubled_quotes)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "\"a,b\",\"say \"\"hi\"\"\",\"\"\n"), "1:a,b|say \"hi\"|");
    EXPECT_STR_EQ(rows(a, "\"\"\"\"\n"), "1:\"");
    arena_free(a);
}

TEST(csv_keeps_line_breaks_inside_quotes_and_counts_their_lines)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "id,note\n1,\"two\nlines\"\n2,\"crlf\r\ninside\"\n3,x\n"),
                  "1:id|note\n2:1|two\nlines\n4:2|crlf\r\ninside\n6:3|x");
    arena_free(a);
}

TEST(csv_skips_blank_lines_and_a_missing_final_line_break)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "\n\na,b\n\n\r\nc,d"), "3:a|b\n6:c|d");
    EXPECT_STR_EQ(rows(a, ""), "");
    EXPECT_STR_EQ(rows(a, "\r\n\n"), "");
    arena_free(a);
}

TEST(csv_skips_a_utf8_byte_order_mark_and_counts_it_in_offsets)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows_of(a,
                          "\xEF\xBB\xBF"
                          "date;rate\r\n2026-01-02;92.5\r\n",
                          31, NULL, SHOW_POSITIONS),
                  "1@3-14/2:date|rate\n2@14-31/3:2026-01-02|92.5");
    /* Only at the very start: elsewhere it is data. */
    EXPECT_STR_EQ(rows(a, "a\n\xEF\xBB\xBF"
                          "b\n"),
                  "1:a\n2:\xEF\xBB\xBF"
                  "b");
    EXPECT_STR_EQ(rows(a, "\xEF\xBB\xBF"), "");
    arena_free(a);
}

TEST(csv_refuses_utf16_text)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows_of(a,
                          "\xFF\xFE"
                          "d\0a\0",
                          6, NULL, 0),
                  "error: line 1: the file is UTF-16 text; save it as CSV in UTF-8");
    arena_free(a);
}

TEST(csv_gives_row_offsets_and_the_line_after_each_row)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows_of(a, "a,b\r\n\r\n\"x\ny\",z\n\nlast", 20, NULL, SHOW_POSITIONS),
                  "1@0-5/2:a|b\n3@7-15/5:x\ny|z\n6@16-20/6:last");
    arena_free(a);
}

/* ---- separators ---- */

TEST(csv_detects_the_separator_giving_the_most_fields_consistently)
{
    EXPECT_INT_EQ(csv_separator_detect("date;currency;rate\n", 19), ';');
    EXPECT_INT_EQ(csv_separator_detect("date\tcurrency\trate", 18), '\t');
    EXPECT_INT_EQ(csv_separator_detect("id|name|e-mail\n1|A|a@x\n", 24), '|');
    /* More fields in the first line, but not in the next ones: the consistent one wins. */
    const char *text = "name, first, last;note\n12;x\n13;y\n";
    EXPECT_INT_EQ(csv_separator_detect(text, strlen(text)), ';');
    /* None consistent: the most fields in the first line. */
    EXPECT_INT_EQ(csv_separator_detect("a,b,c\n1;2;3;4;5\n", 16), ',');
    /* Separators inside quotes do not count; a line cut by the sample end is left out. */
    EXPECT_INT_EQ(csv_separator_detect("\"a,b,c\";d\n", 10), ';');
    EXPECT_INT_EQ(csv_separator_detect("a;b;c\n1;2;3\n4", 13), ';');
    /* Ties go to the comma, none at all too. */
    EXPECT_INT_EQ(csv_separator_detect("a;b,c\n", 6), ',');
    EXPECT_INT_EQ(csv_separator_detect("single\n", 7), ',');
    EXPECT_INT_EQ(csv_separator_detect("", 0), ',');
    EXPECT_INT_EQ(csv_separator_detect("\n\na|b", 5), '|');
}

TEST(csv_reader_detects_the_separator_after_the_byte_order_mark)
{
    struct arena *a = arena_new();
    const char *text = "\xEF\xBB\xBF"
                       "a;b\n1;2\n";
    struct csv_reader *r = csv_reader_open_buffer(a, text, strlen(text), NULL);
    EXPECT_STR_EQ(render(a, r, 0), "1:a|b\n2:1|2");
    EXPECT_INT_EQ(csv_reader_separator(r), ';');
    EXPECT_INT_EQ(csv_reader_encoding(r), CSV_ENCODING_UTF8);
    arena_free(a);
}

TEST(csv_uses_a_given_separator_even_when_another_is_more_frequent)
{
    struct arena *a = arena_new();
    struct csv_options tab = {.separator = '\t'};
    EXPECT_STR_EQ(rows_with(a, "a,b\tc\n", &tab), "1:a,b|c");
    struct csv_options semicolon = {.separator = ';'};
    EXPECT_STR_EQ(rows_with(a, "amount;note\n12,5;\"x;y\"\n", &semicolon),
                  "1:amount|note\n2:12,5|x;y");
    arena_free(a);
}

/* ---- encodings ---- */

TEST(csv_detects_utf8_and_windows_1251)
{
    EXPECT_INT_EQ(csv_encoding_detect("plain ascii", 11), CSV_ENCODING_UTF8);
    EXPECT_INT_EQ(csv_encoding_detect("\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD\xD0\xBE\xD0\xB2", 12),
                  CSV_ENCODING_UTF8);
    /* A sequence cut at the end of the sample is fine; one broken before it is not. */
    EXPECT_INT_EQ(csv_encoding_detect("ab\xD0", 3), CSV_ENCODING_UTF8);
    EXPECT_INT_EQ(csv_encoding_detect("ab\xE2\x82", 4), CSV_ENCODING_UTF8);
    EXPECT_INT_EQ(csv_encoding_detect("ab\xD0x", 4), CSV_ENCODING_WINDOWS_1251);
    EXPECT_INT_EQ(csv_encoding_detect("\xC8\xE2\xE0\xED\xEE\xE2", 6), CSV_ENCODING_WINDOWS_1251);
    EXPECT_STR_EQ(csv_encoding_name(CSV_ENCODING_WINDOWS_1251), "windows-1251");
}

TEST(csv_only_looks_at_the_first_64_kib_to_detect_the_encoding)
{
    struct arena *a = arena_new();
    size_t len = CSV_SAMPLE_BYTES + 100;
    char *text = arena_alloc(a, len);
    memset(text, 'x', len);
    text[0] = 'h';
    text[1] = ',';
    text[2] = 'v';
    text[3] = '\n';
    text[CSV_SAMPLE_BYTES - 1] = '\xD0'; /* cut by the sample end, completed after it */
    text[CSV_SAMPLE_BYTES] = '\x98';
    EXPECT_INT_EQ(csv_encoding_detect(text, len), CSV_ENCODING_UTF8);
    /* Bytes past the sample that are not UTF-8 spoil their row only. */
    memcpy(text + len - 9, "\n1,\xFF\n2,3\n", 9);
    struct csv_options options = {.max_field_bytes = 2 * CSV_SAMPLE_BYTES};
    struct csv_reader *r = csv_reader_open_buffer(a, text, len, &options);
    struct csv_row row;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 1);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 1);
    EXPECT(row.error == NULL);
    EXPECT_INT_EQ(csv_reader_encoding(r), CSV_ENCODING_UTF8);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 1);
    EXPECT_STR_EQ(row.error, "line 3: invalid UTF-8 in column 2");
    EXPECT(str_eq_cstr(row.fields[1], "\xEF\xBF\xBD"));
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 1);
    EXPECT(row.error == NULL && str_eq_cstr(row.fields[1], "3"));
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 0);
    arena_free(a);
}

TEST(csv_decodes_windows_1251_to_utf8)
{
    struct arena *a = arena_new();
    /* "Фамилия;Имя\nИванов;Иван\n" in Windows-1251. */
    const char *text = "\xD4\xE0\xEC\xE8\xEB\xE8\xFF;\xC8\xEC\xFF\n"
                       "\xC8\xE2\xE0\xED\xEE\xE2;\xC8\xE2\xE0\xED\n";
    struct csv_reader *r = csv_reader_open_buffer(a, text, strlen(text), NULL);
    EXPECT_STR_EQ(render(a, r, 0), "1:Фамилия|Имя\n2:Иванов|Иван");
    EXPECT_INT_EQ(csv_reader_encoding(r), CSV_ENCODING_WINDOWS_1251);
    EXPECT_INT_EQ(csv_reader_separator(r), ';');
    /* Given rather than detected; the letters and signs outside А-я too. */
    struct csv_options cp1251 = {.encoding = CSV_ENCODING_WINDOWS_1251};
    EXPECT_STR_EQ(
        rows_with(a, "\xA8\xB8,\xB9 5,\x88,\x96,\xAB\xBB,\xA5\xB4,\xB2\xB3,\x98\n", &cp1251),
        "1:Ёё|№ 5|€|–|«»|Ґґ|Іі|\xEF\xBF\xBD");
    arena_free(a);
}

TEST(csv_decodes_every_windows_1251_byte_to_valid_utf8)
{
    struct arena *a = arena_new();
    char text[128];
    for (int i = 0; i < 128; i++)
        text[i] = (char)(0x80 + i);
    struct csv_options options = {.encoding = CSV_ENCODING_WINDOWS_1251, .separator = ','};
    struct csv_reader *r = csv_reader_open_buffer(a, text, sizeof(text), &options);
    struct csv_row row;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 1);
    EXPECT(row.error == NULL);
    EXPECT_INT_EQ(row.n_fields, 1);
    /* 0xA0-0xBF hold Latin-1 signs of 2 bytes, the rest 2-byte Cyrillic or 3-byte punctuation. */
    EXPECT(row.fields[0].len >= 256 && row.fields[0].len <= 384);
    arena_free(a);
}

TEST(csv_marks_a_row_with_invalid_utf8_and_reads_on)
{
    struct arena *a = arena_new();
    struct csv_options utf8 = {.encoding = CSV_ENCODING_UTF8};
    EXPECT_STR_EQ(rows_with(a, "a,b\n1,x\xC3(\n\xED\xA0\x80,2\n3,4\n", &utf8),
                  "1:a|b\n2:1|x\xEF\xBF\xBD( !line 2: invalid UTF-8 in column 2\n"
                  "3:\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|2 !line 3: invalid UTF-8 in column 1\n"
                  "4:3|4");
    arena_free(a);
}

TEST(csv_marks_a_row_holding_a_nul_byte_and_reads_on)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows_of(a, "a\nb\0c\nd\n", 8, NULL, 0),
                  "1:a\n2:b\xEF\xBF\xBD"
                  "c !line 2: the text holds a NUL byte\n3:d");
    arena_free(a);
}

/* ---- quotes out of place ---- */

TEST(csv_keeps_a_quote_inside_an_unquoted_field_as_text)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "a,b\n1,5\" screen\n"), "1:a|b\n2:1|5\" screen");
    arena_free(a);
}

TEST(csv_marks_a_row_with_text_after_a_closing_quote)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "a,b\nx,y\n\"quoted\"tail,2\nz,3\n"),
                  "1:a|b\n2:x|y\n3:quoted\"tail|2 !line 3: text after the closing quote in "
                  "column 1\n4:z|3");
    arena_free(a);
}

TEST(csv_stops_at_a_quoted_field_left_open_naming_the_line_of_its_row)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "a,b\n1,\"open\n\nstill open"),
                  "1:a|b\nerror: line 2: a quoted field is not closed");
    struct err err;
    struct csv_row row;
    err_clear(&err);
    struct csv_reader *r = csv_reader_open_buffer(a, "\"", 1, NULL);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 0);
    arena_free(a);
}

/* ---- limits ---- */

TEST(csv_marks_a_row_with_a_field_longer_than_the_limit_and_reads_on)
{
    struct arena *a = arena_new();
    struct csv_options small = {.max_field_bytes = 4};
    EXPECT_STR_EQ(rows_with(a, "abcd,efgh\n\"ab\"\"c\"\n", &small), "1:abcd|efgh\n2:ab\"c");
    EXPECT_STR_EQ(rows_with(a, "abcd\nx,abcde\n\"abc\ne\"\nok\n", &small),
                  "1:abcd\n2:x| !line 2: a field longer than 4 bytes in column 2\n"
                  "3: !line 3: a field longer than 4 bytes in column 1\n5:ok");
    arena_free(a);
}

TEST(csv_marks_a_row_with_more_columns_than_the_limit_and_reads_on)
{
    struct arena *a = arena_new();
    struct csv_options three = {.max_columns = 3};
    EXPECT_STR_EQ(rows_with(a, "a,b,c\n1,2,3,4\nx,y\n", &three),
                  "1:a|b|c\n2:1|2|3 !line 2: more than 3 columns\n3:x|y");
    arena_free(a);
}

TEST(csv_stops_at_a_row_longer_than_the_limit)
{
    struct arena *a = arena_new();
    struct csv_options small = {.max_row_bytes = 8};
    EXPECT_STR_EQ(rows_with(a, "12345678\nabcd,efgh\nlater\n", &small),
                  "1:12345678\nerror: line 2: a row longer than 8 bytes");
    /* Line breaks inside quotes count. */
    EXPECT_STR_EQ(rows_with(a, "\"1\n2\n3\n4\n5\"\n", &small),
                  "error: line 1: a row longer than 8 bytes");
    struct err err;
    struct csv_row row;
    err_clear(&err);
    struct csv_reader *r = csv_reader_open_buffer(a, "123456789", 9, &small);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), -ERR_TOO_LARGE);
    arena_free(a);
}

TEST(csv_names_its_default_limits)
{
    struct arena *a = arena_new();
    size_t len = CSV_DEFAULT_MAX_FIELD_BYTES + 1;
    char *text = arena_alloc(a, len + 1);
    memset(text, 'x', len);
    struct csv_reader *r = csv_reader_open_buffer(a, text, len, NULL);
    EXPECT_STR_EQ(render(a, r, 0), "1: !line 1: a field longer than 64 KiB in column 1");
    arena_free(a);
}

/* A source of size bytes of one line: `pattern` over and over, then LF; counts what it gave. */
struct endless {
    const char *pattern;
    size_t pattern_len;
    size_t size;
    size_t given;
};

static int endless_read(void *ctx, char *buf, size_t cap, size_t *n_read, struct err *err)
{
    struct endless *e = ctx;
    size_t n = 0;
    while (n < cap && e->given < e->size) {
        buf[n++] = e->given + 1 == e->size ? '\n' : e->pattern[e->given % e->pattern_len];
        e->given++;
    }
    *n_read = n;
    return 0;
}

TEST(csv_stops_a_100_mb_line_at_the_row_limit_with_bounded_memory)
{
    static const char *const patterns[] = {"x", "ab,", "\"quoted, \"\"text\"\"\",", "\xD0\x98"};
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
        struct arena *a = arena_new();
        struct endless e = {patterns[i], strlen(patterns[i]), (size_t)100 << 20, 0};
        struct csv_reader *r = csv_reader_new(a, (struct csv_source){endless_read, &e}, NULL);
        struct csv_row row;
        struct err err;
        err_clear(&err);
        EXPECT_INT_EQ(csv_reader_next(r, &row, &err), -ERR_TOO_LARGE);
        EXPECT_STR_EQ(err.detail, "line 1: a row longer than 1 MiB");
        /* It read a little past the limit, not the 100 MB. */
        EXPECT(e.given <= CSV_DEFAULT_MAX_ROW_BYTES + 2 * CSV_SAMPLE_BYTES);
        EXPECT(csv_reader_memory_bytes(r) <= 6 * CSV_DEFAULT_MAX_ROW_BYTES);
        EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 0);
        arena_free(a);
    }
}

TEST(csv_marks_a_row_of_a_million_columns_at_the_column_limit_with_bounded_memory)
{
    struct arena *a = arena_new();
    /* A million empty fields fit the 1 MiB row limit: the column limit catches them. */
    size_t columns = 1000000;
    struct endless e = {",", 1, columns, 0};
    struct csv_reader *r = csv_reader_new(a, (struct csv_source){endless_read, &e}, NULL);
    struct csv_row row;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 1);
    EXPECT_STR_EQ(row.error, "line 1: more than 1024 columns");
    EXPECT_INT_EQ(row.n_fields, CSV_DEFAULT_MAX_COLUMNS);
    EXPECT_INT_EQ(row.next_offset, columns);
    EXPECT(csv_reader_memory_bytes(r) <= 512 * 1024);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 0);
    /* A million one-letter fields do not: the row limit stops the file. */
    struct endless wide = {"a,", 2, 2 * columns, 0};
    r = csv_reader_new(a, (struct csv_source){endless_read, &wide}, NULL);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), -ERR_TOO_LARGE);
    EXPECT_STR_EQ(err.detail, "line 1: a row longer than 1 MiB");
    arena_free(a);
}

TEST(csv_grows_its_field_array_for_wide_rows)
{
    struct arena *a = arena_new();
    char text[200];
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%d", i > 0 ? ";" : "", i % 10);
    struct csv_reader *r = csv_reader_open_buffer(a, text, n, NULL);
    struct csv_row row;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 1);
    EXPECT_INT_EQ(row.n_fields, 40);
    EXPECT(str_eq_cstr(row.fields[39], "9"));
    EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 0);
    arena_free(a);
}

/* ---- streaming and resuming ---- */

TEST(csv_keeps_a_crlf_split_by_the_input_window_together)
{
    struct arena *a = arena_new();
    /* The CR is the window's last byte, its LF the first of the next fill. */
    size_t len = CSV_SAMPLE_BYTES + 8;
    char *text = arena_alloc(a, len);
    memset(text, 'y', len);
    text[CSV_SAMPLE_BYTES - 1] = '\r';
    memcpy(text + CSV_SAMPLE_BYTES, "\nb\r\nc\r\nd", 8);
    struct csv_options options = {.separator = ','};
    const char *out = rows_of(a, text, len, &options, SHOW_POSITIONS);
    EXPECT_CONTAINS(out, "\n2@65537-65540/3:b\n3@65540-65543/4:c\n4@65543-65544/4:d");
    arena_free(a);
}

/* Reads text from each row's next_offset again: the rows that follow must be the same. */
static void expect_resumes_everywhere(struct arena *a, const char *text, size_t len)
{
    struct csv_reader *r = csv_reader_open_buffer(a, text, len, NULL);
    struct csv_row row;
    struct err err;
    err_clear(&err);
    size_t offsets[64], lines[64], n = 0;
    while (csv_reader_next(r, &row, &err) == 1 && n < 64) {
        offsets[n] = row.next_offset;
        lines[n++] = row.next_line;
    }
    int show = SHOW_POSITIONS | SHOW_JOINED_BY_RS;
    const char *all = render(a, csv_reader_open_buffer(a, text, len, NULL), show);
    for (size_t i = 0; i < n; i++) {
        struct csv_options resume = {.separator = csv_reader_separator(r),
                                     .encoding = csv_reader_encoding(r),
                                     .start_offset = offsets[i],
                                     .start_line = lines[i]};
        const char *rest = rows_of(a, text, len, &resume, show);
        /* The rendering of the rows after row i is the tail of the whole one. */
        const char *tail = all;
        for (size_t k = 0; k <= i && tail != NULL; k++) {
            tail = strchr(tail, '\x1E');
            tail = tail != NULL ? tail + 1 : NULL;
        }
        EXPECT_STR_EQ(rest, tail != NULL ? tail : "");
    }
}

TEST(csv_resumes_at_next_offset_with_the_same_rows)
{
    struct arena *a = arena_new();
    const char *text = "\xEF\xBB\xBF"
                       "id;note\r\n1;\"two\r\nlines\"\r\n\r\n2;plain\n"
                       "3;\"x\"\"y\"\r4;\xFF\n5;last";
    expect_resumes_everywhere(a, text, strlen(text));
    /* Windows-1251 and an error at the end. */
    text = "\xC8\xEC\xFF,\xD4\xE0\xEC\xE8\xEB\xE8\xFF\n\xC8\xE2\xE0\xED,\xC8\xE2\xE0\xED\xEE\xE2\n"
           "x,\"open";
    expect_resumes_everywhere(a, text, strlen(text));
    arena_free(a);
}

/* A source that gives "a,b\n" and then fails. */
static int failing_read(void *ctx, char *buf, size_t cap, size_t *n_read, struct err *err)
{
    int *calls = ctx;
    if ((*calls)++ > 0)
        return err_set(err, ERR_UNAVAILABLE, "the upload was cut off");
    memcpy(buf, "a,b\n", 4);
    *n_read = 4;
    return 0;
}

TEST(csv_passes_on_the_error_of_its_source)
{
    struct arena *a = arena_new();
    int calls = 0;
    struct csv_reader *r = csv_reader_new(a, (struct csv_source){failing_read, &calls}, NULL);
    EXPECT_STR_EQ(render(a, r, 0), "error: the upload was cut off");
    arena_free(a);
}

TEST(csv_reads_excerpts_of_real_exports)
{
    struct arena *a = arena_new();
    /* uci-online-retail: quoted descriptions holding the separator and a doubled quote. */
    EXPECT_STR_EQ(rows(a, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,"
                          "CustomerID,Country\n"
                          "536381,82567,\"AIRLINE LOUNGE,METAL SIGN\",2,2010-12-01 09:41:00,2.1,"
                          "15311.0,United Kingdom\n"
                          "536477,22041,\"RECORD FRAME 7\"\" SINGLE SIZE \",48,2010-12-01 12:27:00,"
                          "2.1,16210.0,United Kingdom\n"),
                  "1:InvoiceNo|StockCode|Description|Quantity|InvoiceDate|UnitPrice|CustomerID|"
                  "Country\n"
                  "2:536381|82567|AIRLINE LOUNGE,METAL SIGN|2|2010-12-01 09:41:00|2.1|15311.0|"
                  "United Kingdom\n"
                  "3:536477|22041|RECORD FRAME 7\" SINGLE SIZE |48|2010-12-01 12:27:00|2.1|"
                  "16210.0|United Kingdom");
    /* maven-crm-sales-opportunities: CRLF line ends and an empty last column. */
    EXPECT_STR_EQ(rows(a, "account,sector,subsidiary_of\r\nOrion Holdings,technolgy,\r\n"),
                  "1:account|sector|subsidiary_of\n2:Orion Holdings|technolgy|");
    arena_free(a);
}

/* ---- writing ---- */

static const char *written(struct arena *a, const char *text, char separator, bool neutralise)
{
    struct buf out;
    buf_init(&out, 1024);
    EXPECT_INT_EQ(csv_write_field(&out, text, strlen(text), separator, neutralise), 0);
    const char *s = arena_strdup(a, buf_cstr(&out));
    buf_release(&out);
    return s;
}

TEST(csv_writer_quotes_only_what_needs_quoting)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(written(a, "plain text", ',', false), "plain text");
    EXPECT_STR_EQ(written(a, "", ',', false), "");
    EXPECT_STR_EQ(written(a, "a,b", ',', false), "\"a,b\"");
    EXPECT_STR_EQ(written(a, "a,b", ';', false), "a,b");
    EXPECT_STR_EQ(written(a, "a;b", ';', false), "\"a;b\"");
    EXPECT_STR_EQ(written(a, "say \"hi\"", ',', false), "\"say \"\"hi\"\"\"");
    EXPECT_STR_EQ(written(a, "two\nlines", ',', false), "\"two\nlines\"");
    EXPECT_STR_EQ(written(a, "cr\rhere", ',', false), "\"cr\rhere\"");
    EXPECT_STR_EQ(written(a, " lead", ',', false), "\" lead\"");
    EXPECT_STR_EQ(written(a, "trail ", ',', false), "\"trail \"");
    EXPECT_STR_EQ(written(a, "Иванов", ',', false), "Иванов");
    EXPECT_STR_EQ(written(a,
                          "\xEF\xBB\xBF"
                          "bom",
                          ',', false),
                  "\"\xEF\xBB\xBF"
                  "bom\"");
    arena_free(a);
}

TEST(csv_writer_neutralises_every_cell_a_spreadsheet_would_run)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(written(a, "=1+2", ',', true), "'=1+2");
    EXPECT_STR_EQ(written(a, "+7 916 123-45-67", ',', true), "'+7 916 123-45-67");
    EXPECT_STR_EQ(written(a, "-12.5", ',', true), "'-12.5");
    EXPECT_STR_EQ(written(a, "@SUM(A1)", ',', true), "'@SUM(A1)");
    EXPECT_STR_EQ(written(a, "\t=cmd", ',', true), "\"'\t=cmd\"");
    EXPECT_STR_EQ(written(a, "\r=cmd", ',', true), "\"'\r=cmd\"");
    EXPECT_STR_EQ(written(a, "=HYPERLINK(\"x\",\"y\")", ',', true),
                  "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    /* Safe starts and raw output stay as they are. */
    EXPECT_STR_EQ(written(a, "12.5", ',', true), "12.5");
    EXPECT_STR_EQ(written(a, "a=b", ',', true), "a=b");
    EXPECT_STR_EQ(written(a, "=1+2", ',', false), "=1+2");
    arena_free(a);
}

TEST(csv_writer_ends_rows_with_crlf_and_keeps_a_lone_empty_field)
{
    struct arena *a = arena_new();
    struct buf out;
    buf_init(&out, 1024);
    struct str fields[] = {STR_LIT("a"), STR_LIT("b,c"), STR_LIT("")};
    EXPECT_INT_EQ(csv_write_row(&out, fields, 3, ',', false), 0);
    EXPECT_INT_EQ(csv_write_row(&out, fields + 2, 1, ',', false), 0);
    EXPECT_INT_EQ(csv_write_field(&out, "x", 1, ',', false), 0);
    EXPECT_INT_EQ(csv_write_row_end(&out), 0);
    EXPECT_STR_EQ(buf_cstr(&out), "a,\"b,c\",\r\n\"\"\r\nx\r\n");
    EXPECT_STR_EQ(rows_of(a, out.data, out.len, NULL, 0), "1:a|b,c|\n2:\n3:x");
    buf_release(&out);
    arena_free(a);
}

TEST(csv_writer_reports_a_full_buffer)
{
    struct buf out;
    buf_init(&out, 4);
    EXPECT_INT_EQ(csv_write_field(&out, "abcdef", 6, ',', false), -ERR_TOO_LARGE);
    buf_reset(&out);
    EXPECT_INT_EQ(csv_write_field(&out, "a\"b", 3, ',', false), -ERR_TOO_LARGE);
    buf_release(&out);
}

TEST(csv_reads_back_what_it_wrote)
{
    struct arena *a = arena_new();
    static const char *const values[] = {
        "plain",  "",   " spaced ", "a,b;c\td|e", "\"", "\"\"", "multi\r\nline\rcr\nlf",
        "Иванов", "=1", "-2",       "'",
    };
    size_t n = sizeof(values) / sizeof(values[0]);
    static const char separators[] = {',', ';', '\t', '|'};
    for (size_t s = 0; s < sizeof(separators); s++) {
        struct buf out;
        buf_init(&out, 4096);
        struct str fields[16];
        for (size_t i = 0; i < n; i++)
            fields[i] = str_from_cstr(values[i]);
        EXPECT_INT_EQ(csv_write_row(&out, fields, n, separators[s], false), 0);
        EXPECT_INT_EQ(csv_write_row(&out, fields, n, separators[s], false), 0);
        struct csv_options options = {.separator = separators[s]};
        struct csv_reader *r = csv_reader_open_buffer(a, out.data, out.len, &options);
        struct csv_row row;
        struct err err;
        err_clear(&err);
        for (int k = 0; k < 2; k++) {
            EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 1);
            EXPECT(row.error == NULL);
            EXPECT_INT_EQ(row.n_fields, n);
            for (size_t i = 0; i < n && i < row.n_fields; i++)
                EXPECT(str_eq_cstr(row.fields[i], values[i]));
        }
        EXPECT_INT_EQ(csv_reader_next(r, &row, &err), 0);
        buf_release(&out);
    }
    arena_free(a);
}
