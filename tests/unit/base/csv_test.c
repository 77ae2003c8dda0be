/*
 * Tests for src/base/csv.c: RFC 4180 quoting, line ends, the byte order
 * mark, separator detection, limits, and errors that name their line.
 */
#include "base/csv.h"

#include "base/arena.h"
#include "base/err.h"
#include "../test.h"

/* Reads all of text and renders its rows as "line:a|b|c" lines joined by "\n". */
static const char *rows_of(struct arena *arena, const char *text, size_t len,
                           const struct csv_options *options)
{
    struct csv_reader reader;
    struct csv_row row;
    struct err err;
    err_clear(&err);
    csv_reader_init(&reader, arena, text, len, options);
    char *out = arena_strdup(arena, "");
    int rc;
    while ((rc = csv_reader_next(&reader, &row, &err)) == 1) {
        out = arena_printf(arena, "%s%s%zu:", out, out[0] != '\0' ? "\n" : "", row.line);
        for (size_t i = 0; i < row.n_fields; i++)
            out = arena_printf(arena, "%s%s%.*s", out, i > 0 ? "|" : "", (int)row.fields[i].len,
                               row.fields[i].ptr);
    }
    if (rc < 0)
        out = arena_printf(arena, "%s\nerror: %s", out, err.detail);
    return out;
}

static const char *rows(struct arena *arena, const char *text)
{
    return rows_of(arena, text, strlen(text), NULL);
}

/* The error detail reading text stops with ("" when it reads to the end). */
static const char *error_of(struct arena *arena, const char *text, size_t len,
                            const struct csv_options *options, size_t *line)
{
    struct csv_reader reader;
    struct csv_row row;
    struct err err;
    err_clear(&err);
    csv_reader_init(&reader, arena, text, len, options);
    int rc;
    while ((rc = csv_reader_next(&reader, &row, &err)) == 1)
        ;
    if (line != NULL)
        *line = reader.error_line;
    if (rc == 0)
        return "";
    EXPECT_INT_EQ(rc, -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(csv_reader_next(&reader, &row, &err), 0);
    return arena_strdup(arena, err.detail);
}

TEST(csv_reads_plain_rows_with_lf_and_crlf_line_ends)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "date,currency,rate\n2026-01-02,USD,92.5\n"),
                  "1:date|currency|rate\n2:2026-01-02|USD|92.5");
    EXPECT_STR_EQ(rows(a, "a,b\r\nc,d\r\n"), "1:a|b\n2:c|d");
    EXPECT_STR_EQ(rows(a, "a,b\rc,d"), "1:a|b\n2:c|d");
    EXPECT_STR_EQ(rows(a, "a,b\nc,d"), "1:a|b\n2:c|d");
    arena_free(a);
}

TEST(csv_keeps_empty_fields_and_a_trailing_empty_field)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "a,,c\n,\nx,y,\n"), "1:a||c\n2:|\n3:x|y|");
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

TEST(csv_skips_empty_lines_and_a_missing_final_line_break)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "\n\na,b\n\n\r\nc,d"), "3:a|b\n6:c|d");
    EXPECT_STR_EQ(rows(a, ""), "");
    EXPECT_STR_EQ(rows(a, "\r\n\n"), "");
    arena_free(a);
}

TEST(csv_skips_a_utf8_byte_order_mark)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(rows(a, "\xEF\xBB\xBF"
                          "date;rate\n2026-01-02;92.5\n"),
                  "1:date|rate\n2:2026-01-02|92.5");
    /* Only at the very start: elsewhere it is data. */
    EXPECT_STR_EQ(rows(a, "a\n\xEF\xBB\xBF"
                          "b\n"),
                  "1:a\n2:\xEF\xBB\xBF"
                  "b");
    arena_free(a);
}

TEST(csv_detects_the_separator_from_the_header_line)
{
    EXPECT_INT_EQ(csv_separator_detect("a,b,c\n1;2;3;4;5\n", 16), ',');
    EXPECT_INT_EQ(csv_separator_detect("date;currency;rate\n", 19), ';');
    EXPECT_INT_EQ(csv_separator_detect("date\tcurrency\trate", 18), '\t');
    /* Separators inside quotes do not count; ties go to the comma, none at all too. */
    EXPECT_INT_EQ(csv_separator_detect("\"a,b,c\";d\n", 10), ';');
    EXPECT_INT_EQ(csv_separator_detect("a;b,c\n", 6), ',');
    EXPECT_INT_EQ(csv_separator_detect("single\n", 7), ',');
    EXPECT_INT_EQ(csv_separator_detect("", 0), ',');
    EXPECT_INT_EQ(csv_separator_detect("\xEF\xBB\xBF"
                                       "a;b",
                                       6),
                  ';');
}

TEST(csv_uses_a_given_separator_even_when_another_is_more_frequent)
{
    struct arena *a = arena_new();
    struct csv_options tab = {.separator = '\t'};
    const char *text = "a,b\tc\n";
    EXPECT_STR_EQ(rows_of(a, text, strlen(text), &tab), "1:a,b|c");
    struct csv_options semicolon = {.separator = ';'};
    text = "amount;note\n12,5;\"x;y\"\n";
    EXPECT_STR_EQ(rows_of(a, text, strlen(text), &semicolon), "1:amount|note\n2:12,5|x;y");
    arena_free(a);
}

TEST(csv_refuses_a_quoted_field_left_open_naming_the_line_it_opened_on)
{
    struct arena *a = arena_new();
    size_t line = 0;
    const char *text = "a,b\n1,\"open\n\nstill open";
    EXPECT_STR_EQ(error_of(a, text, strlen(text), NULL, &line),
                  "line 2: a quoted field is not closed");
    EXPECT_INT_EQ(line, 2);
    arena_free(a);
}

TEST(csv_refuses_stray_quotes)
{
    struct arena *a = arena_new();
    size_t line = 0;
    const char *text = "a,b\n1,ab\"c\n";
    EXPECT_CONTAINS(error_of(a, text, strlen(text), NULL, &line),
                    "line 2: a quote inside a field without quotes");
    EXPECT_INT_EQ(line, 2);
    text = "a,b\nx,y\n\"quoted\"tail,2\n";
    EXPECT_CONTAINS(error_of(a, text, strlen(text), NULL, &line),
                    "line 3: a closing quote must end the field");
    EXPECT_INT_EQ(line, 3);
    arena_free(a);
}

TEST(csv_refuses_nul_bytes)
{
    struct arena *a = arena_new();
    size_t line = 0;
    EXPECT_STR_EQ(error_of(a, "a\nb\0c\n", 6, NULL, &line), "line 2: the text holds a NUL byte");
    EXPECT_STR_EQ(error_of(a, "\"a\0\"\n", 5, NULL, &line), "line 1: the text holds a NUL byte");
    /* UTF-16 text is full of them. */
    EXPECT_STR_EQ(error_of(a,
                           "\xFF\xFE"
                           "d\0a\0",
                           6, NULL, &line),
                  "line 1: the text holds a NUL byte");
    arena_free(a);
}

TEST(csv_refuses_fields_longer_than_the_limit)
{
    struct arena *a = arena_new();
    struct csv_options small = {.max_field_bytes = 4};
    size_t line = 0;
    const char *fits = "abcd,efgh\n\"ab\"\"c\"\n";
    EXPECT_STR_EQ(error_of(a, fits, strlen(fits), &small, &line), "");
    EXPECT_STR_EQ(error_of(a, "abcd\nabcde\n", 11, &small, &line),
                  "line 2: a field is longer than 4 bytes");
    EXPECT_STR_EQ(error_of(a, "\"abcde\"\n", 8, &small, &line),
                  "line 1: a field is longer than 4 bytes");
    EXPECT_INT_EQ(line, 1);
    arena_free(a);
}

TEST(csv_refuses_rows_with_more_columns_than_the_limit)
{
    struct arena *a = arena_new();
    struct csv_options three = {.max_columns = 3};
    size_t line = 0;
    EXPECT_STR_EQ(error_of(a, "a,b,c\n1,2,3,4\n", 14, &three, &line),
                  "line 2: a row has more than 3 columns");
    EXPECT_INT_EQ(line, 2);
    arena_free(a);
}

TEST(csv_grows_its_field_array_for_wide_rows)
{
    struct arena *a = arena_new();
    char text[200];
    size_t n = 0;
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%d", i > 0 ? ";" : "", i % 10);
    struct csv_reader reader;
    struct csv_row row;
    struct err err;
    err_clear(&err);
    csv_reader_init(&reader, a, text, n, NULL);
    EXPECT_INT_EQ(csv_reader_next(&reader, &row, &err), 1);
    EXPECT_INT_EQ(row.n_fields, 40);
    EXPECT(str_eq_cstr(row.fields[39], "9"));
    EXPECT_INT_EQ(csv_reader_next(&reader, &row, &err), 0);
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
