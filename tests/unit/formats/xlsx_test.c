/*
 * Tests for src/formats/xlsx.c: files written by the writer read back
 * exactly; hand-made sheets (built here with libzip, no binary files) for
 * gaps, shared and inline strings, styles and date systems; and damaged,
 * oversized and hostile files failing cleanly within their limits.
 */
#include "formats/xlsx.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include <zip.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "test.h"

struct test_entry {
    const char *name;
    const char *data;
    size_t len; /* 0: strlen(data) */
};

/* A zip of the entries, in memory (malloc'd). */
static unsigned char *test_zip(const struct test_entry *entries, size_t n, size_t *len_out)
{
    zip_error_t zip_err;
    zip_error_init(&zip_err);
    zip_source_t *source = zip_source_buffer_create(NULL, 0, 0, &zip_err);
    EXPECT(source != NULL);
    zip_t *zip = zip_open_from_source(source, ZIP_TRUNCATE, &zip_err);
    EXPECT(zip != NULL);
    zip_source_keep(source);
    for (size_t i = 0; i < n; i++) {
        size_t len = entries[i].len != 0 ? entries[i].len : strlen(entries[i].data);
        zip_source_t *file = zip_source_buffer(zip, entries[i].data, len, 0);
        EXPECT(file != NULL);
        EXPECT(zip_file_add(zip, entries[i].name, file, ZIP_FL_OVERWRITE) >= 0);
    }
    EXPECT_INT_EQ(zip_close(zip), 0);
    zip_stat_t st;
    EXPECT_INT_EQ(zip_source_open(source), 0);
    EXPECT_INT_EQ(zip_source_stat(source, &st), 0);
    unsigned char *data = malloc(st.size + 1);
    EXPECT(data != NULL);
    EXPECT_INT_EQ(zip_source_read(source, data, st.size), (long long)st.size);
    zip_source_close(source);
    zip_source_free(source);
    zip_error_fini(&zip_err);
    *len_out = st.size;
    return data;
}

#define TEST_MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define TEST_REL_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

/* A workbook of one sheet, with optional shared strings and styles. */
static unsigned char *test_xlsx(const char *sheet, const char *shared_strings, const char *styles,
                                bool date1904, size_t *len_out)
{
    static char workbook[512];
    snprintf(workbook, sizeof(workbook),
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<workbook xmlns=\"" TEST_MAIN_NS "\" xmlns:r=\"" TEST_REL_NS "\">"
             "<workbookPr%s/><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
             "</workbook>",
             date1904 ? " date1904=\"1\"" : "");
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" TEST_REL_NS "/worksheet\" "
        "Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"" TEST_REL_NS "/sharedStrings\" "
        "Target=\"sharedStrings.xml\"/>"
        "<Relationship Id=\"rId3\" Type=\"" TEST_REL_NS "/styles\" Target=\"/xl/styles.xml\"/>"
        "</Relationships>";
    struct test_entry entries[5] = {
        {"xl/workbook.xml", workbook, 0},
        {"xl/_rels/workbook.xml.rels", rels, 0},
        {"xl/worksheets/sheet1.xml", sheet, 0},
    };
    size_t n = 3;
    if (shared_strings != NULL)
        entries[n++] = (struct test_entry){"xl/sharedStrings.xml", shared_strings, 0};
    if (styles != NULL)
        entries[n++] = (struct test_entry){"xl/styles.xml", styles, 0};
    return test_zip(entries, n, len_out);
}

/* A sheet document around the rows given. */
static char *test_sheet(const char *rows)
{
    static char sheet[8192];
    snprintf(sheet, sizeof(sheet),
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=\"" TEST_MAIN_NS
             "\">\n<sheetData>%s</sheetData></worksheet>",
             rows);
    return sheet;
}

/*
 * Reads every row into text: "number:cell|cell\n" per row; on an error the
 * last line is "error N: detail".
 */
static char *test_dump(struct arena *arena, const unsigned char *data, size_t len,
                       const struct xlsx_limits *limits)
{
    struct xlsx_reader *reader;
    struct xlsx_row row;
    struct err err;
    struct buf out;
    int rc;
    buf_init(&out, (size_t)64 << 20);
    err_clear(&err);
    rc = xlsx_reader_open(arena, data, len, limits, &reader, &err);
    while (rc == 0 && (rc = xlsx_reader_next(reader, &row, &err)) > 0) {
        EXPECT(buf_printf(&out, "%zu:", row.number) == 0);
        for (size_t i = 0; i < row.n_cells; i++)
            EXPECT(buf_printf(&out, "%s%.*s", i > 0 ? "|" : "", (int)row.cells[i].len,
                              row.cells[i].ptr) == 0);
        EXPECT(buf_putc(&out, '\n') == 0);
        rc = 0;
    }
    if (rc < 0)
        EXPECT(buf_printf(&out, "error %s: %s", err_slug((enum err_code)(-rc)), err.detail) == 0);
    char *text = arena_strdup(arena, buf_cstr(&out));
    buf_release(&out);
    xlsx_reader_close(reader);
    return text;
}

/* The error of reading data to the end: its code, and its detail in *detail. */
static int test_read_error(struct arena *arena, const unsigned char *data, size_t len,
                           const struct xlsx_limits *limits, char **detail)
{
    struct xlsx_reader *reader = NULL;
    struct xlsx_row row;
    struct err err;
    err_clear(&err);
    int rc = xlsx_reader_open(arena, data, len, limits, &reader, &err);
    while (rc == 0 && (rc = xlsx_reader_next(reader, &row, &err)) > 0)
        rc = 0;
    *detail = arena_strdup(arena, err.detail);
    xlsx_reader_close(reader);
    return rc;
}

static unsigned char *test_read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    EXPECT(f != NULL);
    EXPECT_INT_EQ(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    EXPECT(size > 0);
    rewind(f);
    unsigned char *data = malloc((size_t)size);
    EXPECT(data != NULL);
    EXPECT_INT_EQ(fread(data, 1, (size_t)size, f), size);
    fclose(f);
    *len_out = (size_t)size;
    return data;
}

/* A fresh path for a written file, in a fresh directory. */
static char *test_path(struct arena *arena)
{
    char dir[] = "/tmp/xlsx_test_XXXXXX";
    EXPECT(mkdtemp(dir) != NULL);
    return arena_printf(arena, "%s/out.xlsx", dir);
}

static void test_remove(const char *path)
{
    unlink(path);
    char *dir = strdup(path);
    *strrchr(dir, '/') = '\0';
    rmdir(dir);
    free(dir);
}

/* One entry of an XLSX file in memory, as text. */
static char *test_entry_text(struct arena *arena, const unsigned char *data, size_t len,
                             const char *name)
{
    zip_error_t zip_err;
    zip_error_init(&zip_err);
    zip_source_t *source = zip_source_buffer_create(data, len, 0, &zip_err);
    zip_t *zip = zip_open_from_source(source, ZIP_RDONLY, &zip_err);
    EXPECT(zip != NULL);
    zip_stat_t st;
    EXPECT_INT_EQ(zip_stat(zip, name, 0, &st), 0);
    char *text = arena_alloc(arena, st.size + 1);
    zip_file_t *file = zip_fopen(zip, name, 0);
    EXPECT(file != NULL);
    EXPECT_INT_EQ(zip_fread(file, text, st.size), (long long)st.size);
    zip_fclose(file);
    zip_discard(zip);
    return text;
}

#define TEST_ROWS 1000

TEST(xlsx_writer_output_reads_back_exactly)
{
    struct arena *arena = arena_new();
    struct err err;
    struct xlsx_writer *writer;
    char *path = test_path(arena);
    const char *header[] = {"Имя", "Amount", "Born", "Met at", "", "Active", "Note"};
    int64_t first_day = clock_days_from_civil(1950, 1, 1);

    err_clear(&err);
    EXPECT_INT_EQ(xlsx_writer_open(path, "Контакты", &writer, &err), 0);
    EXPECT_INT_EQ(xlsx_writer_header(writer, header, 7, &err), 0);
    for (int i = 0; i < TEST_ROWS; i++) {
        char name[64], date[16], datetime[32];
        snprintf(name, sizeof(name), "Иванов Иван №%d", i);
        clock_format_date(first_day + i * 29, date);
        snprintf(datetime, sizeof(datetime), "%sT%02d:%02d:%02d", date, i % 24, i % 60, i % 59);
        const char *notes[] = {" leading and trailing ", "line\nbreak\ttab",
                               "_x0041_ stays",          "=1+2",
                               "a & b < c > \"d\"",      "emoji 😀 ok"};
        struct xlsx_cell cells[7] = {
            {XLSX_TEXT, name, 0},         {XLSX_NUMBER, NULL, i * 1.5 - 100},
            {XLSX_DATE, date, 0},         {XLSX_DATETIME, datetime, 0},
            {XLSX_BLANK, NULL, 0},        {XLSX_BOOL, NULL, i % 2},
            {XLSX_TEXT, notes[i % 6], 0},
        };
        EXPECT_INT_EQ(xlsx_writer_row(writer, cells, 7, &err), 0);
    }
    EXPECT_INT_EQ(xlsx_writer_close(writer, &err), 0);

    size_t len;
    unsigned char *data = test_read_file(path, &len);
    struct xlsx_reader *reader;
    struct xlsx_row row;
    EXPECT_INT_EQ(xlsx_reader_open(arena, data, len, NULL, &reader, &err), 0);
    EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), 1);
    EXPECT_INT_EQ(row.number, 1);
    EXPECT_INT_EQ(row.n_cells, 7);
    EXPECT_STR_EQ(str_to_cstr(arena, row.cells[0]), "Имя");
    EXPECT_INT_EQ(row.cells[4].len, 0);
    EXPECT_STR_EQ(str_to_cstr(arena, row.cells[6]), "Note");
    for (int i = 0; i < TEST_ROWS; i++) {
        char expected[7][64], date[16];
        clock_format_date(first_day + i * 29, date);
        snprintf(expected[0], 64, "Иванов Иван №%d", i);
        snprintf(expected[1], 64, "%g", i * 1.5 - 100);
        snprintf(expected[2], 64, "%s", date);
        snprintf(expected[3], 64, "%sT%02d:%02d:%02d", date, i % 24, i % 60, i % 59);
        snprintf(expected[4], 64, "%s", "");
        snprintf(expected[5], 64, "%s", i % 2 ? "true" : "false");
        const char *notes[] = {" leading and trailing ", "line\nbreak\ttab",
                               "_x0041_ stays",          "=1+2",
                               "a & b < c > \"d\"",      "emoji 😀 ok"};
        snprintf(expected[6], 64, "%s", notes[i % 6]);
        EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), 1);
        EXPECT_INT_EQ(row.number, i + 2);
        EXPECT_INT_EQ(row.n_cells, 7);
        for (size_t k = 0; k < 7; k++)
            EXPECT_STR_EQ(str_to_cstr(arena, row.cells[k]), expected[k]);
    }
    EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), 0);
    EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), 0);

    /* Text is never a formula; the header is bold. */
    EXPECT(strstr(test_entry_text(arena, data, len, "xl/worksheets/sheet1.xml"), "<f>") == NULL);
    EXPECT_CONTAINS(test_entry_text(arena, data, len, "xl/styles.xml"), "<b/>");
    xlsx_reader_close(reader);
    xlsx_reader_close(reader);
    free(data);
    test_remove(path);
    arena_free(arena);
}

TEST(xlsx_writer_keeps_trailing_blanks_out_and_dates_excel_cannot_hold_as_text)
{
    struct arena *arena = arena_new();
    struct err err;
    struct xlsx_writer *writer;
    char *path = test_path(arena);
    struct xlsx_cell cells[] = {
        {XLSX_DATE, "1899-12-31", 0},
        {XLSX_DATE, "2024-02-30", 0},
        {XLSX_DATETIME, "2024-03-05", 0},
        {XLSX_DATETIME, "2024-03-05 07:08Z", 0},
        {XLSX_DATE, "1900-01-01", 0},
        {XLSX_DATE, "1900-03-01", 0},
        {XLSX_NUMBER, NULL, 0.1},
        {XLSX_TEXT, NULL, 0},
        {XLSX_BLANK, NULL, 0},
    };
    err_clear(&err);
    EXPECT_INT_EQ(xlsx_writer_open(path, NULL, &writer, &err), 0);
    EXPECT_INT_EQ(xlsx_writer_row(writer, cells, 9, &err), 0);
    EXPECT_INT_EQ(xlsx_writer_row(writer, NULL, 0, &err), 0);
    EXPECT_INT_EQ(xlsx_writer_row(writer, cells + 6, 1, &err), 0);
    EXPECT_INT_EQ(xlsx_writer_close(writer, &err), 0);
    size_t len;
    unsigned char *data = test_read_file(path, &len);
    EXPECT_STR_EQ(test_dump(arena, data, len, NULL),
                  "1:1899-12-31|2024-02-30|2024-03-05T00:00:00|2024-03-05T07:08:00|1900-01-01|"
                  "1900-03-01|0.1\n2:\n3:0.1\n");
    free(data);
    test_remove(path);
    arena_free(arena);
}

TEST(xlsx_writer_refuses_bad_text_numbers_and_sheet_names)
{
    struct arena *arena = arena_new();
    struct err err;
    struct xlsx_writer *writer;
    char *path = test_path(arena);
    err_clear(&err);
    EXPECT_INT_EQ(xlsx_writer_open(path, "a/b", &writer, &err), -ERR_VALIDATION);
    EXPECT(writer == NULL);
    EXPECT_CONTAINS(err.detail, "sheet name");
    EXPECT_INT_EQ(xlsx_writer_open(path, "Data", &writer, &err), 0);
    struct xlsx_cell bad_text = {XLSX_TEXT, "caf\xe9", 0};
    EXPECT_INT_EQ(xlsx_writer_row(writer, &bad_text, 1, &err), -ERR_VALIDATION);
    EXPECT_CONTAINS(err.detail, "cell A1: the text is not UTF-8");
    struct xlsx_cell bad_number[2] = {{XLSX_BLANK, NULL, 0}, {XLSX_NUMBER, NULL, NAN}};
    EXPECT_INT_EQ(xlsx_writer_row(writer, bad_number, 2, &err), -ERR_VALIDATION);
    EXPECT_CONTAINS(err.detail, "cell B2: not a finite number");
    char *long_text = malloc(40000);
    memset(long_text, 'x', 39999);
    long_text[39999] = '\0';
    struct xlsx_cell too_long = {XLSX_TEXT, long_text, 0};
    EXPECT_INT_EQ(xlsx_writer_row(writer, &too_long, 1, &err), -ERR_VALIDATION);
    EXPECT_CONTAINS(err.detail, "A3");
    free(long_text);
    EXPECT_INT_EQ(xlsx_writer_row(writer, NULL, XLSX_MAX_COLUMNS + 1, &err), -ERR_TOO_LARGE);
    EXPECT_INT_EQ(xlsx_writer_close(writer, &err), 0);
    EXPECT_INT_EQ(xlsx_writer_close(NULL, &err), 0);
    test_remove(path);
    arena_free(arena);
}

TEST(xlsx_reader_fills_missing_rows_and_columns_with_empty_cells)
{
    struct arena *arena = arena_new();
    size_t len;
    unsigned char *data = test_xlsx(
        test_sheet("<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"C2\"><v>3</v></c>"
                   "<c r=\"D2\" s=\"0\"/></row>\n"
                   "<row r=\"5\" spans=\"1:2\"><c r=\"B5\" t=\"str\"><f>X</f><v>b</v></c></row>"
                   "<row><c><v>7</v></c><c><v>8</v></c></row>"),
        NULL, NULL, false, &len);
    EXPECT_STR_EQ(test_dump(arena, data, len, NULL), "1:\n2:1||3\n3:\n4:\n5:|b\n6:7|8\n");
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_skips_to_a_row_by_reading_from_the_start)
{
    struct arena *arena = arena_new();
    struct buf rows;
    struct err err;
    buf_init(&rows, 1 << 20);
    for (int i = 1; i <= 50; i++)
        EXPECT(buf_printf(&rows, "<row r=\"%d\"><c r=\"A%d\"><v>%d</v></c></row>", i * 2, i * 2,
                          i * 2) == 0);
    size_t len;
    char *sheet = arena_printf(arena,
                               "<worksheet xmlns=\"" TEST_MAIN_NS "\"><sheetData>%s</sheetData>"
                               "</worksheet>",
                               buf_cstr(&rows));
    unsigned char *data = test_xlsx(sheet, NULL, NULL, false, &len);
    struct xlsx_reader *reader;
    struct xlsx_row row;
    err_clear(&err);
    EXPECT_INT_EQ(xlsx_reader_open(arena, data, len, NULL, &reader, &err), 0);
    EXPECT_INT_EQ(xlsx_reader_skip_to(reader, 40, &err), 0);
    EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), 1);
    EXPECT_INT_EQ(row.number, 40);
    EXPECT_STR_EQ(str_to_cstr(arena, row.cells[0]), "40");
    EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), 1);
    EXPECT_INT_EQ(row.number, 41);
    EXPECT_INT_EQ(row.n_cells, 0);
    EXPECT_INT_EQ(xlsx_reader_skip_to(reader, 1000, &err), 0);
    EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), 0);
    buf_release(&rows);
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_joins_rich_text_and_decodes_escapes_in_shared_and_inline_strings)
{
    struct arena *arena = arena_new();
    static const char sst[] =
        "<sst xmlns=\"" TEST_MAIN_NS "\" count=\"5\" uniqueCount=\"5\">"
        "<si><t>plain</t></si>"
        "<si><r><rPr><b/></rPr><t>Bold</t></r><r><t xml:space=\"preserve\"> and more </t></r>"
        "<rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>"
        "<si><t>tab_x0009_cr_x000D_ under_x005F_x0041_ A=_x0041_ pair=_xD83D__xDE00_</t></si>"
        "<si><t/></si>"
        "<si>\n  <t>Привет &amp; &#1087;ока</t>\n</si>"
        "</sst>";
    size_t len;
    unsigned char *data = test_xlsx(
        test_sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                   "<c r=\"C1\" t=\"s\"><v> 2 </v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
                   "<c r=\"E1\" t=\"s\"><v>4</v></c></row>"
                   "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><r><t>in</t></r><r><t>line</t>"
                   "</r></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>x_x0031_</t></is></c>"
                   "<c r=\"C2\" t=\"b\"><v>1</v></c><c r=\"D2\" t=\"b\"><v>0</v></c>"
                   "<c r=\"E2\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
                   "<c r=\"F2\" t=\"d\"><v>2024-01-02T03:04:05</v></c></row>"),
        sst, NULL, false, &len);
    EXPECT_STR_EQ(test_dump(arena, data, len, NULL),
                  "1:plain|Bold and more |tab\tcr\r under_x0041_ A=A pair=😀||Привет & пока\n"
                  "2:inline|x1|true|false|#DIV/0!|2024-01-02T03:04:05\n");
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_writes_numbers_as_the_shortest_text_that_reads_back)
{
    struct arena *arena = arena_new();
    size_t len;
    unsigned char *data =
        test_xlsx(test_sheet("<row r=\"1\"><c><v>3.0</v></c><c><v>0.30000000000000004</v></c>"
                             "<c><v>1E+21</v></c><c><v>-0</v></c><c><v>1.5E-7</v></c>"
                             "<c><v>123456789012345</v></c><c><v>not a number</v></c>"
                             "<c><v>0.1000000000000000055511151231257827</v></c></row>"),
                  NULL, NULL, false, &len);
    EXPECT_STR_EQ(test_dump(arena, data, len, NULL),
                  "1:3|0.30000000000000004|1e+21|0|1.5e-07|123456789012345|not a number|0.1\n");
    free(data);
    arena_free(arena);
}

static const char test_styles[] =
    "<styleSheet xmlns=\"" TEST_MAIN_NS "\"><numFmts count=\"4\">"
    "<numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"[h]:mm\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"[Red]0.00;&quot;days&quot; 0\"/>"
    "<numFmt numFmtId=\"167\" formatCode=\"0.0\\d_m\"/>"
    "</numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"8\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"22\"/>"
    "<xf numFmtId=\"20\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/>"
    "<xf numFmtId=\"167\"/></cellXfs></styleSheet>";

TEST(xlsx_reader_turns_date_styled_numbers_into_iso_dates)
{
    struct arena *arena = arena_new();
    size_t len;
    unsigned char *data = test_xlsx(
        test_sheet("<row r=\"1\"><c s=\"1\"><v>45356</v></c><c s=\"2\"><v>45356.5</v></c>"
                   "<c s=\"3\"><v>0.75</v></c><c s=\"4\"><v>1</v></c><c s=\"5\"><v>1.25</v></c>"
                   "<c s=\"6\"><v>45356</v></c><c s=\"7\"><v>2</v></c><c s=\"0\"><v>45356</v></c>"
                   "<c s=\"99\"><v>5</v></c></row>"
                   "<row r=\"2\"><c s=\"1\"><v>59</v></c><c s=\"1\"><v>60</v></c>"
                   "<c s=\"1\"><v>61</v></c><c s=\"1\"><v>45356.99999999</v></c>"
                   "<c s=\"2\"><v>45356</v></c><c s=\"1\"><v>-1</v></c>"
                   "<c s=\"1\"><v>3000000</v></c><c s=\"1\"><v>45356.25</v></c></row>"),
        NULL, test_styles, false, &len);
    EXPECT_STR_EQ(test_dump(arena, data, len, NULL),
                  "1:2024-03-05|2024-03-05T12:00:00|18:00:00|1900-01-01|1900-01-01T06:00:00|"
                  "45356|2|45356|5\n"
                  "2:1900-02-28|1900-02-29|1900-03-01|2024-03-06|2024-03-05T00:00:00|-1|3000000|"
                  "2024-03-05T06:00:00\n");
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_counts_dates_from_1904_when_the_workbook_says_so)
{
    struct arena *arena = arena_new();
    size_t len;
    unsigned char *data =
        test_xlsx(test_sheet("<row r=\"1\"><c s=\"1\"><v>0</v></c><c s=\"1\"><v>43894</v></c>"
                             "<c s=\"2\"><v>1.5</v></c></row>"),
                  NULL, test_styles, true, &len);
    EXPECT_STR_EQ(test_dump(arena, data, len, NULL),
                  "1:1904-01-01|2024-03-05|1904-01-02T12:00:00\n");
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_follows_the_workbook_to_its_first_sheet_and_reads_prefixed_names)
{
    struct arena *arena = arena_new();
    static const char workbook[] =
        "<x:workbook xmlns:x=\"" TEST_MAIN_NS "\" xmlns:r=\"" TEST_REL_NS "\"><x:sheets>"
        "<x:sheet name=\"First\" sheetId=\"2\" r:id=\"rId7\"/>"
        "<x:sheet name=\"Second\" sheetId=\"1\" r:id=\"rId1\"/></x:sheets></x:workbook>";
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" TEST_REL_NS "/worksheet\" "
        "Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId7\" Type=\"" TEST_REL_NS "/worksheet\" "
        "Target=\"./worksheets/../worksheets/data.xml\"/></Relationships>";
    static const char first[] =
        "<x:worksheet xmlns:x=\"" TEST_MAIN_NS "\"><x:sheetData><x:row x:r=\"1\" r=\"1\">"
        "<x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>first</x:t></x:is></x:c></x:row>"
        "</x:sheetData></x:worksheet>";
    struct test_entry entries[] = {
        {"xl/workbook.xml", workbook, 0},
        {"xl/_rels/workbook.xml.rels", rels, 0},
        {"xl/worksheets/sheet1.xml", test_sheet("<row r=\"1\"><c><v>2</v></c></row>"), 0},
        {"xl/worksheets/data.xml", first, 0},
    };
    size_t len;
    unsigned char *data = test_zip(entries, 4, &len);
    EXPECT_STR_EQ(test_dump(arena, data, len, NULL), "1:first\n");
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_falls_back_to_sheet1_without_relationships)
{
    struct arena *arena = arena_new();
    struct test_entry entries[] = {
        {"xl/workbook.xml", "<workbook/>", 0},
        {"xl/worksheets/sheet1.xml", test_sheet("<row r=\"1\"><c><v>1</v></c></row>"), 0},
    };
    size_t len;
    unsigned char *data = test_zip(entries, 2, &len);
    EXPECT_STR_EQ(test_dump(arena, data, len, NULL), "1:1\n");
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_refuses_what_is_not_an_xlsx_file)
{
    struct arena *arena = arena_new();
    char *detail;
    size_t len;
    static const unsigned char garbage[] = "PK\x03\x04 this is not really a zip at all";
    EXPECT_INT_EQ(test_read_error(arena, garbage, sizeof(garbage), NULL, &detail),
                  -ERR_UNSUPPORTED_MEDIA_TYPE);
    EXPECT_STR_EQ(detail, "not an XLSX file: the zip is damaged or incomplete");
    static const unsigned char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and so on";
    EXPECT_INT_EQ(test_read_error(arena, xls, sizeof(xls), NULL, &detail),
                  -ERR_UNSUPPORTED_MEDIA_TYPE);
    EXPECT_STR_EQ(detail, "not an XLSX file: an old .xls file or a password-protected workbook");
    EXPECT_INT_EQ(test_read_error(arena, NULL, 0, NULL, &detail), -ERR_UNSUPPORTED_MEDIA_TYPE);
    EXPECT_STR_EQ(detail, "not an XLSX file");
    EXPECT_INT_EQ(test_read_error(arena, (const unsigned char *)"a,b\n1,2\n", 8, NULL, &detail),
                  -ERR_UNSUPPORTED_MEDIA_TYPE);

    struct test_entry docx[] = {{"word/document.xml", "<document/>", 0}};
    unsigned char *data = test_zip(docx, 1, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, NULL, &detail), -ERR_UNSUPPORTED_MEDIA_TYPE);
    EXPECT_STR_EQ(detail, "not an XLSX file");
    free(data);

    struct test_entry no_sheet[] = {{"xl/workbook.xml", "<workbook/>", 0}};
    data = test_zip(no_sheet, 1, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, NULL, &detail), -ERR_UNSUPPORTED_MEDIA_TYPE);
    EXPECT_CONTAINS(detail, "no worksheet");
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_fails_cleanly_on_every_truncation_of_a_file)
{
    struct arena *arena = arena_new();
    size_t len;
    unsigned char *data = test_xlsx(test_sheet("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"),
                                    "<sst><si><t>x</t></si></sst>", test_styles, false, &len);
    for (size_t cut = 0; cut < len; cut += 7) {
        struct arena *scratch = arena_new();
        unsigned char *copy = malloc(cut + 1);
        memcpy(copy, data, cut);
        char *detail;
        EXPECT(test_read_error(scratch, copy, cut, NULL, &detail) < 0);
        free(copy);
        arena_free(scratch);
    }
    /* Bytes flipped inside the entries: an error or rows, never a crash. */
    for (size_t at = 0; at < len; at += 3) {
        struct arena *scratch = arena_new();
        unsigned char *copy = malloc(len);
        memcpy(copy, data, len);
        copy[at] ^= 0x5a;
        test_dump(scratch, copy, len, NULL);
        free(copy);
        arena_free(scratch);
    }
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_names_the_part_and_line_of_malformed_xml)
{
    struct arena *arena = arena_new();
    char *detail;
    size_t len;
    unsigned char *data = test_xlsx(test_sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\n"
                                               "<row r=\"2\"><c r=\"A2\"><v>1</v></row>"),
                                    NULL, NULL, false, &len);
    EXPECT_STR_EQ(test_dump(arena, data, len, NULL),
                  "1:1\nerror bad-request: sheet1.xml line 4: mismatched tag");
    struct xlsx_reader *reader;
    struct xlsx_row row;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(xlsx_reader_open(arena, data, len, NULL, &reader, &err), 0);
    EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), 1);
    EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), -ERR_BAD_REQUEST);
    err_clear(&err);
    EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), -ERR_BAD_REQUEST);
    EXPECT_STR_EQ(err.detail, "sheet1.xml line 4: mismatched tag");
    free(data);

    data = test_xlsx(test_sheet("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"), "<sst><si><t>x</si>",
                     NULL, false, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, NULL, &detail), -ERR_BAD_REQUEST);
    EXPECT_STR_EQ(detail, "sharedStrings.xml line 1: mismatched tag");
    free(data);

    data = test_xlsx(test_sheet("<row r=\"1\"><c t=\"s\"><v>1</v></c></row>"),
                     "<sst><si><t>x</t></si></sst>", NULL, false, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, NULL, &detail), -ERR_BAD_REQUEST);
    EXPECT_STR_EQ(detail, "sheet1.xml line 3: cell A1 refers to shared string 1 of 1");
    free(data);

    data = test_xlsx(test_sheet("<row r=\"3\"/><row r=\"2\"/>"), NULL, NULL, false, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, NULL, &detail), -ERR_BAD_REQUEST);
    EXPECT_STR_EQ(detail, "sheet1.xml line 3: row 2 comes after row 3");
    free(data);

    data = test_xlsx(test_sheet("<row r=\"1\"><c r=\"C1\"/><c r=\"B1\"/></row>"), NULL, NULL, false,
                     &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, NULL, &detail), -ERR_BAD_REQUEST);
    EXPECT_STR_EQ(detail, "sheet1.xml line 3: cell B1 is out of order");
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_refuses_a_doctype)
{
    struct arena *arena = arena_new();
    char *detail;
    size_t len;
    unsigned char *data =
        test_xlsx("<!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;\">]>"
                  "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row>"
                  "</sheetData></worksheet>",
                  NULL, NULL, false, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, NULL, &detail), -ERR_BAD_REQUEST);
    EXPECT_STR_EQ(detail, "sheet1.xml line 1: a DOCTYPE is not allowed");
    free(data);
    arena_free(arena);
}

/* n bytes of XML filler (an attribute-free element repeated), which deflates to almost nothing. */
static char *test_filler(size_t n)
{
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = "<x/>"[i % 4];
    s[n] = '\0';
    return s;
}

/*
 * Overwrites the uncompressed size the zip declares for the entry name (in
 * its local header and the central directory), as a zip bomb would.
 */
static void test_zip_lie_about_size(unsigned char *data, size_t len, const char *name,
                                    uint32_t size)
{
    size_t name_len = strlen(name);
    int patched = 0;
    for (size_t i = 0; i + 46 + name_len <= len; i++) {
        if (memcmp(data + i, "PK\x03\x04", 4) == 0 && memcmp(data + i + 30, name, name_len) == 0) {
            memcpy(data + i + 22, &size, 4); /* little-endian hosts only, as the tests run */
            patched++;
        }
        if (memcmp(data + i, "PK\x01\x02", 4) == 0 && memcmp(data + i + 46, name, name_len) == 0) {
            memcpy(data + i + 24, &size, 4);
            patched++;
        }
    }
    EXPECT_INT_EQ(patched, 2);
}

TEST(xlsx_reader_stops_a_zip_bomb_at_the_unpacked_limit)
{
    struct arena *arena = arena_new();
    struct xlsx_limits limits = {.max_unpacked_bytes = 1 << 20};
    char *detail;
    size_t len;
    char *filler = test_filler((size_t)8 << 20);
    char *sheet = arena_printf(arena,
                               "<worksheet><sheetData><row><c><v>1</v></c>%s</row></sheetData>"
                               "</worksheet>",
                               filler);
    unsigned char *data = test_xlsx(sheet, NULL, NULL, false, &len);
    EXPECT(len < 100000);

    /* The size the zip declares is refused before anything is inflated. */
    EXPECT_INT_EQ(test_read_error(arena, data, len, &limits, &detail), -ERR_TOO_LARGE);
    EXPECT_STR_EQ(detail, "the file unpacks to more than 1048576 bytes");

    /* A zip that lies about the size is stopped as it inflates. */
    test_zip_lie_about_size(data, len, "xl/worksheets/sheet1.xml", 1000);
    EXPECT_INT_EQ(test_read_error(arena, data, len, &limits, &detail), -ERR_TOO_LARGE);
    EXPECT_STR_EQ(detail, "the file unpacks to more than 1048576 bytes");
    free(data);
    free(filler);
    arena_free(arena);
}

TEST(xlsx_reader_bounds_one_huge_xml_tag)
{
    struct arena *arena = arena_new();
    char *detail;
    size_t len;
    size_t n = (size_t)34 << 20;
    char *sheet = malloc(n + 200);
    int head = snprintf(sheet, 200, "<worksheet><sheetData><row><c r=\"A1\" t=\"");
    memset(sheet + head, 'x', n);
    snprintf(sheet + head + n, 200 - (size_t)head, "\"/></row></sheetData></worksheet>");
    unsigned char *data = test_xlsx(sheet, NULL, NULL, false, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, NULL, &detail), -ERR_TOO_LARGE);
    EXPECT_CONTAINS(detail, "an XML element is larger than");
    free(sheet);
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_enforces_columns_cell_row_and_shared_string_limits)
{
    struct arena *arena = arena_new();
    char *detail;
    size_t len;
    unsigned char *data = test_xlsx(test_sheet("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"),
                                    NULL, NULL, false, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, NULL, &detail), -ERR_TOO_LARGE);
    EXPECT_STR_EQ(detail, "sheet1.xml line 3: row 1 has more than 16384 columns");
    free(data);

    struct xlsx_limits limits = {.max_columns = 3,
                                 .max_cell_chars = 5,
                                 .max_rows = 4,
                                 .max_row_bytes = 8,
                                 .max_shared_strings_bytes = 40};
    data = test_xlsx(test_sheet("<row r=\"1\"><c r=\"D1\"><v>1</v></c></row>"), NULL, NULL, false,
                     &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, &limits, &detail), -ERR_TOO_LARGE);
    EXPECT_CONTAINS(detail, "more than 3 columns");
    free(data);

    data = test_xlsx(test_sheet("<row r=\"1\"><c t=\"inlineStr\"><is><t>Жжжжж</t></is></c></row>"
                                "<row r=\"2\"><c t=\"inlineStr\"><is><t>ЖжжжжЖ</t></is></c></row>"),
                     NULL, NULL, false, &len);
    struct xlsx_limits short_cells = {.max_cell_chars = 5};
    EXPECT_STR_EQ(
        test_dump(arena, data, len, &short_cells),
        "1:Жжжжж\nerror too-large: sheet1.xml line 3: cell A2 is longer than 5 characters");
    free(data);

    data = test_xlsx(test_sheet("<row r=\"1\"><c><v>12345</v></c><c><v>6789</v></c></row>"), NULL,
                     NULL, false, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, &limits, &detail), -ERR_TOO_LARGE);
    EXPECT_STR_EQ(detail, "sheet1.xml line 3: row 1 is larger than 8 bytes");
    free(data);

    data = test_xlsx(test_sheet("<row r=\"5\"/>"), NULL, NULL, false, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, &limits, &detail), -ERR_TOO_LARGE);
    EXPECT_STR_EQ(detail, "sheet1.xml line 3: the sheet has more than 4 rows");
    free(data);

    data = test_xlsx(test_sheet("<row r=\"1\"/>"),
                     "<sst><si><t>abc</t></si><si><t>def</t></si><si><t>ghi</t></si></sst>", NULL,
                     false, &len);
    EXPECT_INT_EQ(test_read_error(arena, data, len, &limits, &detail), -ERR_TOO_LARGE);
    EXPECT_STR_EQ(detail, "sharedStrings.xml line 1: the shared strings take more than 40 bytes");
    free(data);
    arena_free(arena);
}

TEST(xlsx_reader_memory_stays_flat_while_rows_stream)
{
    struct arena *arena = arena_new();
    struct err err;
    struct xlsx_writer *writer;
    char *path = test_path(arena);
    err_clear(&err);
    EXPECT_INT_EQ(xlsx_writer_open(path, NULL, &writer, &err), 0);
    for (int i = 0; i < 20000; i++) {
        char text[32];
        snprintf(text, sizeof(text), "row %d", i);
        struct xlsx_cell cells[3] = {{XLSX_TEXT, text, 0},
                                     {XLSX_NUMBER, NULL, i},
                                     {XLSX_TEXT, "the same words on every row of the sheet", 0}};
        EXPECT_INT_EQ(xlsx_writer_row(writer, cells, 3, &err), 0);
    }
    EXPECT_INT_EQ(xlsx_writer_close(writer, &err), 0);
    size_t len;
    unsigned char *data = test_read_file(path, &len);
    struct xlsx_reader *reader;
    struct xlsx_row row;
    EXPECT_INT_EQ(xlsx_reader_open(arena, data, len, NULL, &reader, &err), 0);
    EXPECT_INT_EQ(xlsx_reader_next(reader, &row, &err), 1);
    size_t used = arena_used_bytes(arena);
    size_t rows = 1;
    while (xlsx_reader_next(reader, &row, &err) == 1)
        rows++;
    EXPECT_INT_EQ(rows, 20000);
    EXPECT_INT_EQ(arena_used_bytes(arena), used);
    free(data);
    test_remove(path);
    arena_free(arena);
}

TEST(xlsx_reader_knows_the_style_of_every_cell_style_in_a_long_list)
{
    struct arena *arena = arena_new();
    struct buf styles;
    buf_init(&styles, 1 << 20);
    EXPECT(buf_append_str(&styles, "<styleSheet><numFmts>") == 0);
    for (int i = 0; i < 40; i++)
        EXPECT(buf_printf(&styles, "<numFmt numFmtId=\"%d\" formatCode=\"%s\"/>", 164 + i,
                          i == 39 ? "yyyy-mm-dd" : "0.00") == 0);
    EXPECT(buf_append_str(&styles, "</numFmts><cellXfs>") == 0);
    for (int i = 0; i < 100; i++)
        EXPECT(buf_printf(&styles, "<xf numFmtId=\"%d\"/>", i == 99 ? 203 : 164) == 0);
    EXPECT(buf_append_str(&styles, "</cellXfs></styleSheet>") == 0);
    size_t len;
    unsigned char *data = test_xlsx(
        test_sheet("<row r=\"1\"><c s=\"98\"><v>45356</v></c><c s=\"99\"><v>45356</v></c></row>"),
        NULL, buf_cstr(&styles), false, &len);
    EXPECT_STR_EQ(test_dump(arena, data, len, NULL), "1:45356|2024-03-05\n");
    buf_release(&styles);
    free(data);
    arena_free(arena);
}
