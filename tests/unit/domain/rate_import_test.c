/*
 * Tests for src/domain/rate_import.c: a rate file read whole or refused
 * whole, with each problem named as rows[i].column and its line.
 */
#include "domain/rate_import.h"

#include "base/arena.h"
#include "base/err.h"
#include "../test.h"

/* The rows read as "CUR date rate@line,..." or, on failure, "error: <detail> | field: message ...".
 */
static const char *import_of(struct arena *arena, const char *text, size_t len)
{
    struct rate_import import;
    struct err err;
    err_clear(&err);
    if (rate_import_read(arena, text, len, "RUB", &import, &err) < 0) {
        char *out = arena_printf(arena, "error %s: %s", err_slug(err.code), err.detail);
        for (size_t i = 0; i < err.n_fields; i++)
            out =
                arena_printf(arena, "%s | %s: %s", out, err.fields[i].field, err.fields[i].message);
        return out;
    }
    char *out = arena_strdup(arena, "");
    for (size_t i = 0; i < import.n_rows; i++) {
        const struct rate_import_row *r = &import.rows[i];
        out = arena_printf(arena, "%s%s%s %s %s@%zu#%zu", out, i > 0 ? "," : "", r->currency,
                           r->date, r->rate, r->line, r->index);
    }
    for (size_t i = 0; i < import.n_currencies; i++)
        out = arena_printf(arena, "%s%s%s", out, i == 0 ? " ; " : " ", import.currencies[i]);
    return out;
}

static const char *import_text(struct arena *arena, const char *text)
{
    return import_of(arena, text, strlen(text));
}

TEST(rate_import_reads_a_comma_file_in_canonical_form)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(import_text(a, "date,currency,rate\n2026-02-28,usd,92.50\n2026-02-28,JPY,0.61\n"),
                  "USD 2026-02-28 92.5@2#0,JPY 2026-02-28 0.61@3#1 ; JPY USD");
    arena_free(a);
}

TEST(rate_import_reads_semicolons_a_bom_crlf_quotes_any_column_order_and_skips_blank_rows)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(import_text(a, "\xEF\xBB\xBF"
                                 "Rate; Currency ;DATE\r\n\"301.12345678\";KWD;2026-02-28\r\n"
                                 ";;\r\n\r\n 0.376 ;\"bhd\";2026-02-28\r\n"),
                  "KWD 2026-02-28 301.12345678@2#0,BHD 2026-02-28 0.376@5#1 ; BHD KWD");
    EXPECT_STR_EQ(import_text(a, "currency\tdate\trate\nCNY\t2026-02-28\t12.7\n"),
                  "CNY 2026-02-28 12.7@2#0 ; CNY");
    arena_free(a);
}

TEST(rate_import_names_each_bad_value_by_row_and_line_and_keeps_nothing)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(import_text(a,
                              "date,currency,rate\n2026-03-01,USD,93\n2026-03-01,CNY,12,7\n"
                              "2026-03-02,USD,9.123456789\n2026-03-02,XYZ,0\n2026-03-04,RUB,1\n"),
                  "error validation: 4 of 5 rows have problems; nothing was imported"
                  " | rows[1]: line 3: has 4 columns; the header has 3"
                  " | rows[2].rate: line 4: must have at most 8 decimal places"
                  " | rows[3].currency: line 5: is not a currency this server knows (XYZ)"
                  " | rows[3].rate: line 5: must be greater than zero"
                  " | rows[4].currency: line 6: is the base currency; its rate is always 1");
    arena_free(a);
}

TEST(rate_import_refuses_a_decimal_comma_in_a_semicolon_file)
{
    struct arena *a = arena_new();
    EXPECT_CONTAINS(
        import_text(a, "date;currency;rate\n2026-03-01;USD;93,5\n"),
        "rows[0].rate: line 2: must be a decimal number like 92.5 (a point, not a comma");
    arena_free(a);
}

TEST(rate_import_refuses_a_currency_and_date_given_twice)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(import_text(a, "date,currency,rate\n2026-03-01,USD,93\n2026-03-01,CNY,12\n"
                                 "2026-03-01,usd,95\n"),
                  "error validation: 1 of 3 rows have problems; nothing was imported"
                  " | rows[2].date: line 4: repeats the USD rate for 2026-03-01 of line 2");
    arena_free(a);
}

TEST(rate_import_checks_the_header)
{
    struct arena *a = arena_new();
    EXPECT_STR_EQ(
        import_text(a, "date,currency,value,date\n"),
        "error validation:  | header: unknown column \"value\" (the columns are date, currency and "
        "rate) | header: the column date appears twice | header: needs a column named rate");
    EXPECT_CONTAINS(import_text(a, ""), "header: the file is empty");
    EXPECT_CONTAINS(import_text(a, "\xEF\xBB\xBF\r\n"), "header: the file is empty");
    EXPECT_STR_EQ(import_text(a, "date,currency,rate\n,,\n"),
                  "error validation:  | rows: the file has no rates under its header");
    arena_free(a);
}

TEST(rate_import_refuses_text_that_is_not_utf8_or_not_csv)
{
    struct arena *a = arena_new();
    EXPECT_CONTAINS(import_text(a, "date,currency,rate\n2026-03-01,USD,93\xFF\n"),
                    "error bad-request: the file is not UTF-8 text");
    EXPECT_STR_EQ(import_text(a, "date,currency,rate\n2026-03-01,USD,\"93\n"),
                  "error bad-request: line 2: a quoted field is not closed");
    EXPECT_STR_EQ(import_of(a, "date,currency,rate\n2026-03-01,USD\0,93\n", 36),
                  "error bad-request: line 2: the text holds a NUL byte");
    arena_free(a);
}

TEST(rate_import_lists_the_first_problems_when_there_are_many)
{
    struct arena *a = arena_new();
    char *text = arena_strdup(a, "date,currency,rate\n");
    for (int i = 0; i < 20; i++)
        text = arena_printf(a, "%s2026-03-%02d,USD,1,5\n", text, i + 1);
    const char *out = import_text(a, text);
    EXPECT_CONTAINS(out,
                    "error validation: 20 of 20 rows have problems (the first ones are listed); "
                    "nothing was imported");
    EXPECT_CONTAINS(out, "rows[15]: line 17:");
    EXPECT(strstr(out, "rows[16]") == NULL);
    arena_free(a);
}
