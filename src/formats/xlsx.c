/*
 * XLSX reader (libzip + expat) and writer (libxlsxwriter).
 *
 * Why our own reader: Debian 12 packages no maintained C library that reads
 * XLSX (libxlsxwriter only writes, libxls reads the old binary .xls), and
 * the format needs little: a zip archive of XML parts. So the reader stands
 * on two small libraries Debian maintains and patches: libzip opens the
 * archive from memory and inflates one entry at a time, expat parses XML as
 * a stream.
 *
 * DESIGN. Opening reads the small parts whole: xl/workbook.xml (the sheet
 * order, date1904), xl/_rels/workbook.xml.rels (which part is the first
 * worksheet, the shared strings and the styles), xl/styles.xml (which cell
 * styles show dates) and xl/sharedStrings.xml (kept in memory, as cells
 * refer to it by index, within its own limit). The worksheet is then
 * inflated in 64 KiB pieces fed to expat, which is suspended at every
 * </row>: a row is returned before the next piece is read, so memory
 * follows the longest row and not the sheet. Every inflated byte counts
 * against max_unpacked_bytes (a zip bomb stops as soon as it passes it), an
 * entry that declares more than is left is refused before it is opened,
 * expat allocates from a fixed budget (so one huge tag cannot grow its
 * buffer without bound) and a DOCTYPE is refused. Heap memory (buffers,
 * libzip, expat) is released by xlsx_reader_close() or the arena's cleanup.
 */
#include "formats/xlsx.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/utf8.h"

#define XLSX_CHUNK_BYTES 65536
#define XLSX_XML_MAX_MEMORY_BYTES ((size_t)32 << 20)
#define XLSX_MAX_SHEETS 1024     /* <sheet> entries remembered from workbook.xml */
#define XLSX_MAX_NAME_BYTES 1024 /* relationship ids and targets */
#define XLSX_MAX_STYLES 65536    /* cellXfs entries (Excel allows 64000) */
#define XLSX_MAX_NUM_FMTS 4096   /* custom number formats (Excel allows about 250) */
#define XLSX_NS_SEPARATOR ' '    /* between namespace URI and local name; in neither */
/* Raw text of one value before _xHHHH_ escapes are decoded: 14 bytes may make one character. */
#define XLSX_RAW_BYTES_PER_CHAR 14
#define XLSX_SERIAL_MAX 2958466.0 /* 10000-01-01 in the 1900 system */

static const char XLSX_NOT_XLSX[] = "not an XLSX file";

/* Memory for expat, from a budget per reader. */

struct xlsx_mem_budget {
    size_t used;
    size_t max;
};

/* The budget of the reader whose public function is running on this thread. */
static _Thread_local struct xlsx_mem_budget *xlsx_mem_current;

union xlsx_mem_head {
    struct {
        struct xlsx_mem_budget *budget;
        size_t size;
    } h;
    max_align_t align;
};

static void *xlsx_mem_malloc(size_t size)
{
    struct xlsx_mem_budget *budget = xlsx_mem_current;
    if (budget == NULL || size > budget->max - budget->used)
        return NULL;
    union xlsx_mem_head *head = malloc(sizeof(*head) + size);
    if (head == NULL)
        return NULL;
    head->h.budget = budget;
    head->h.size = size;
    budget->used += size;
    return head + 1;
}

static void *xlsx_mem_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return xlsx_mem_malloc(size);
    union xlsx_mem_head *head = (union xlsx_mem_head *)ptr - 1;
    struct xlsx_mem_budget *budget = head->h.budget;
    size_t old = head->h.size;
    if (size > old && size - old > budget->max - budget->used)
        return NULL;
    union xlsx_mem_head *grown = realloc(head, sizeof(*grown) + size);
    if (grown == NULL)
        return NULL;
    budget->used = budget->used - old + size;
    grown->h.size = size;
    return grown + 1;
}

static void xlsx_mem_free(void *ptr)
{
    if (ptr == NULL)
        return;
    union xlsx_mem_head *head = (union xlsx_mem_head *)ptr - 1;
    head->h.budget->used -= head->h.size;
    free(head);
}

static const XML_Memory_Handling_Suite xlsx_mem_suite = {xlsx_mem_malloc, xlsx_mem_realloc,
                                                         xlsx_mem_free};

/* Heap arrays owned by the reader; running out of memory is fatal, as in the arena. */
static void *xlsx_realloc_array(void *ptr, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        abort();
    void *grown = realloc(ptr, count * size);
    if (grown == NULL && count * size != 0) {
        fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", count * size);
        abort();
    }
    return grown;
}

/* The reader. */

enum xlsx_style {
    XLSX_STYLE_NUMBER,
    XLSX_STYLE_DATE,     /* days, months or years only */
    XLSX_STYLE_TIME,     /* hours, minutes or seconds only */
    XLSX_STYLE_DATETIME, /* both */
};

enum xlsx_value_type {
    XLSX_VALUE_NUMBER, /* t="n" or none */
    XLSX_VALUE_SHARED, /* t="s" */
    XLSX_VALUE_INLINE, /* t="inlineStr" */
    XLSX_VALUE_STRING, /* t="str", a formula's text result */
    XLSX_VALUE_BOOL,   /* t="b" */
    XLSX_VALUE_ERROR,  /* t="e" */
    XLSX_VALUE_ISO,    /* t="d", ISO 8601 text (strict OOXML) */
};

struct xlsx_span {
    size_t off;
    size_t len;
};

/* One XML part of the archive being parsed. */
struct xlsx_part {
    const char *name;       /* path in the zip */
    const char *short_name; /* its last component, for messages */
    zip_file_t *file;
    XML_Parser parser;
};

struct xlsx_num_fmt {
    unsigned id;
    enum xlsx_style style;
};

struct xlsx_reader {
    struct arena *arena;
    struct xlsx_limits limits;
    zip_t *zip;
    struct xlsx_mem_budget xml_mem;
    uint64_t unpacked_bytes;
    struct err *err;         /* of the public call in progress */
    struct xlsx_part *part;  /* being parsed, for handlers' messages */
    enum err_code fail_code; /* set by a handler that stopped the parser */
    bool closed;

    /* Element nesting of the part being parsed; the *_depth fields are 0 outside. */
    size_t depth;
    size_t collect_depth; /* character data goes to text while this element is open */
    size_t item_depth;    /* <si> in shared strings, <is> in a cell */
    size_t phonetic_depth;
    struct buf text;

    /* Workbook and relationships. */
    bool date1904;
    char **sheet_ids;
    size_t n_sheet_ids;
    size_t n_relationships;
    size_t sheet_rank; /* of sheet_path: its place among <sheet>s, or after them */
    char *sheet_path;
    char *shared_strings_path;
    char *styles_path;

    /* Styles. */
    bool in_num_fmts;
    bool in_cell_xfs;
    struct xlsx_num_fmt *num_fmts;
    size_t n_num_fmts;
    size_t cap_num_fmts;
    unsigned *xf_fmt_ids;
    size_t n_xfs;
    size_t cap_xfs;
    unsigned char *xf_styles; /* enum xlsx_style by cell style index */

    /* Shared strings. */
    struct buf sst_text;
    struct xlsx_span *sst;
    size_t n_sst;
    size_t cap_sst;

    /* The worksheet. */
    struct xlsx_part sheet;
    bool sheet_ended;
    size_t sheet_data_depth;
    size_t row_depth;
    size_t cell_depth;
    size_t row_number;      /* of the row being parsed or ready */
    size_t last_row_number; /* the highest row number so far */
    bool row_ready;
    size_t col;      /* 0-based column of the cell being parsed */
    size_t next_col; /* column after the previous cell of the row */
    enum xlsx_value_type value_type;
    size_t style;
    struct buf row_text;
    struct xlsx_span *spans; /* cells of the row, into row_text */
    struct str *cells;
    size_t n_cells;
    size_t cap_cells;
    size_t next_number; /* the number of the row the next call returns */

    int failed_rc; /* after an error: its negated code, repeated by every later call */
    char failed_detail[sizeof(((struct err *)0)->detail)];
};

static const char *xlsx_local_name(const XML_Char *name)
{
    const char *sep = strrchr(name, XLSX_NS_SEPARATOR);
    return sep != NULL ? sep + 1 : name;
}

static bool xlsx_is(const XML_Char *name, const char *local)
{
    return strcmp(xlsx_local_name(name), local) == 0;
}

/* The value of the attribute without a namespace called name, or NULL. */
static const char *xlsx_attr(const XML_Char **attrs, const char *name)
{
    for (size_t i = 0; attrs[i] != NULL; i += 2) {
        if (strcmp(attrs[i], name) == 0)
            return attrs[i + 1];
    }
    return NULL;
}

/* The value of a namespaced attribute with this local name (r:id), or NULL. */
static const char *xlsx_attr_ns(const XML_Char **attrs, const char *local)
{
    for (size_t i = 0; attrs[i] != NULL; i += 2) {
        if (strchr(attrs[i], XLSX_NS_SEPARATOR) != NULL && xlsx_is(attrs[i], local))
            return attrs[i + 1];
    }
    return NULL;
}

static bool xlsx_ends_with(const char *s, const char *suffix)
{
    size_t len = strlen(s), n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* A decimal number of at most 9 digits, with no sign. */
static bool xlsx_parse_index(const char *s, size_t len, size_t *out)
{
    size_t value = 0;
    if (len == 0 || len > 9)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        value = value * 10 + (size_t)(s[i] - '0');
    }
    *out = value;
    return true;
}

/* "A" for column 0, "XFD" for 16383; larger columns are never named. */
static void xlsx_column_name(size_t col, char out[8])
{
    char rev[8];
    size_t n = 0;
    col++;
    while (col > 0 && n < 7) {
        rev[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
}

/* Stops the parser on an error found by a handler; the message names the part and line. */
__attribute__((format(printf, 3, 4))) static void
xlsx_fail(struct xlsx_reader *r, enum err_code code, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    err_set(r->err, code, "%s line %lu: %s", r->part->short_name,
            (unsigned long)XML_GetCurrentLineNumber(r->part->parser), what);
    r->fail_code = code;
    XML_StopParser(r->part->parser, XML_FALSE);
}

static void XMLCALL xlsx_on_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
                                    const XML_Char *pubid, int has_internal_subset)
{
    xlsx_fail(data, ERR_BAD_REQUEST, "a DOCTYPE is not allowed");
}

static void XMLCALL xlsx_on_text(void *data, const XML_Char *s, int len)
{
    struct xlsx_reader *r = data;
    if (r->collect_depth == 0 || r->fail_code != ERR_OK)
        return;
    if (buf_append(&r->text, s, (size_t)len) < 0) {
        char ref[8];
        xlsx_column_name(r->col, ref);
        if (r->cell_depth != 0)
            xlsx_fail(r, ERR_TOO_LARGE, "cell %s%zu is longer than %zu characters", ref,
                      r->row_number, r->limits.max_cell_chars);
        else
            xlsx_fail(r, ERR_TOO_LARGE, "string %zu is longer than %zu characters", r->n_sst,
                      r->limits.max_cell_chars);
    }
}

/*
 * The escape _xHHHH_ at s (four hex digits, either case), by which OOXML
 * writes characters XML cannot hold; false when s does not start with one.
 */
static bool xlsx_escape_at(const char *s, size_t len, uint32_t *cp)
{
    uint32_t value = 0;
    if (len < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
        return false;
    for (size_t i = 2; i < 6; i++) {
        char c = s[i];
        uint32_t digit;
        if (c >= '0' && c <= '9')
            digit = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = (uint32_t)(c - 'A' + 10);
        else
            return false;
        value = value * 16 + digit;
    }
    *cp = value;
    return true;
}

/*
 * Decodes the _xHHHH_ escapes of s in place (a decoded character is never
 * longer than its escape) and returns the new length. Surrogate pairs
 * combine; a lone surrogate or NUL becomes U+FFFD.
 */
static size_t xlsx_unescape(char *s, size_t len)
{
    size_t in = 0, out = 0;
    if (len < 7 || memchr(s, '_', len) == NULL)
        return len;
    while (in < len) {
        uint32_t cp, low;
        if (!xlsx_escape_at(s + in, len - in, &cp)) {
            s[out++] = s[in++];
            continue;
        }
        in += 7;
        if (cp >= 0xD800 && cp <= 0xDBFF && xlsx_escape_at(s + in, len - in, &low) &&
            low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            in += 7;
        } else if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
            cp = 0xFFFD;
        }
        size_t n = utf8_encode(cp, s + out);
        if (n == 0)
            n = utf8_encode(0xFFFD, s + out);
        out += n;
    }
    return out;
}

/* Code points in valid UTF-8. */
static size_t xlsx_count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Reading one part. */

static int xlsx_too_large(struct xlsx_reader *r, struct err *err)
{
    return err_set(err, ERR_TOO_LARGE, "the file unpacks to more than %llu bytes",
                   (unsigned long long)r->limits.max_unpacked_bytes);
}

static zip_int64_t xlsx_locate(const struct xlsx_reader *r, const char *name)
{
    return zip_name_locate(r->zip, name, ZIP_FL_NOCASE);
}

static void xlsx_part_close(struct xlsx_part *part)
{
    if (part->parser != NULL)
        XML_ParserFree(part->parser);
    if (part->file != NULL)
        zip_fclose(part->file);
    part->parser = NULL;
    part->file = NULL;
}

static int xlsx_part_open(struct xlsx_reader *r, struct xlsx_part *part, const char *name,
                          XML_StartElementHandler on_start, XML_EndElementHandler on_end,
                          struct err *err)
{
    const char *slash = strrchr(name, '/');
    *part = (struct xlsx_part){name, slash != NULL ? slash + 1 : name, NULL, NULL};
    zip_int64_t index = xlsx_locate(r, name);
    if (index < 0)
        return err_set(err, ERR_UNSUPPORTED_MEDIA_TYPE, "%s: %s is missing", XLSX_NOT_XLSX, name);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(r->zip, (zip_uint64_t)index, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
        st.size > r->limits.max_unpacked_bytes - r->unpacked_bytes)
        return xlsx_too_large(r, err);
    part->file = zip_fopen_index(r->zip, (zip_uint64_t)index, 0);
    if (part->file == NULL)
        return err_set(err, ERR_BAD_REQUEST, "%s: cannot be read (%s)", name, zip_strerror(r->zip));
    const XML_Char separator = XLSX_NS_SEPARATOR;
    part->parser = XML_ParserCreate_MM(NULL, &xlsx_mem_suite, &separator);
    if (part->parser == NULL) {
        xlsx_part_close(part);
        return err_set(err, ERR_INTERNAL, "%s: cannot create an XML parser", name);
    }
    XML_SetUserData(part->parser, r);
    XML_SetElementHandler(part->parser, on_start, on_end);
    XML_SetCharacterDataHandler(part->parser, xlsx_on_text);
    XML_SetStartDoctypeDeclHandler(part->parser, xlsx_on_doctype);
    r->part = part;
    r->depth = r->collect_depth = r->item_depth = r->phonetic_depth = 0;
    r->fail_code = ERR_OK;
    buf_reset(&r->text);
    return 0;
}

/* The error of a parse that returned XML_STATUS_ERROR. */
static int xlsx_part_error(struct xlsx_reader *r, struct xlsx_part *part, struct err *err)
{
    enum XML_Error code = XML_GetErrorCode(part->parser);
    unsigned long line = (unsigned long)XML_GetCurrentLineNumber(part->parser);
    if (code == XML_ERROR_ABORTED && r->fail_code != ERR_OK)
        return -(int)r->fail_code; /* err was filled by xlsx_fail */
    if (code == XML_ERROR_NO_MEMORY)
        return err_set(err, ERR_TOO_LARGE, "%s line %lu: an XML element is larger than %zu bytes",
                       part->short_name, line, XLSX_XML_MAX_MEMORY_BYTES);
    return err_set(err, ERR_BAD_REQUEST, "%s line %lu: %s", part->short_name, line,
                   XML_ErrorString(code));
}

/*
 * Parses on: resumes a suspended parser, or inflates the next piece and
 * parses it. 1 while there is more, 0 when the part is parsed (or a handler
 * stopped it without an error), or a negated code.
 */
static int xlsx_part_step(struct xlsx_reader *r, struct xlsx_part *part, struct err *err)
{
    XML_ParsingStatus status;
    enum XML_Status rc;
    XML_GetParsingStatus(part->parser, &status);
    if (status.parsing == XML_FINISHED)
        return 0;
    if (status.parsing == XML_SUSPENDED) {
        rc = XML_ResumeParser(part->parser);
    } else {
        void *piece = XML_GetBuffer(part->parser, XLSX_CHUNK_BYTES);
        if (piece == NULL)
            return xlsx_part_error(r, part, err);
        zip_int64_t n = zip_fread(part->file, piece, XLSX_CHUNK_BYTES);
        if (n < 0)
            return err_set(err, ERR_BAD_REQUEST, "%s: the file is damaged (%s)", part->name,
                           zip_file_strerror(part->file));
        if ((uint64_t)n > r->limits.max_unpacked_bytes - r->unpacked_bytes)
            return xlsx_too_large(r, err);
        r->unpacked_bytes += (uint64_t)n;
        rc = XML_ParseBuffer(part->parser, (int)n, n == 0);
    }
    if (rc == XML_STATUS_ERROR) {
        if (XML_GetErrorCode(part->parser) == XML_ERROR_ABORTED && r->fail_code == ERR_OK)
            return 0;
        return xlsx_part_error(r, part, err);
    }
    XML_GetParsingStatus(part->parser, &status);
    return status.parsing == XML_FINISHED ? 0 : 1;
}

/* Parses a whole part with the given handlers. */
static int xlsx_part_read(struct xlsx_reader *r, const char *name, XML_StartElementHandler on_start,
                          XML_EndElementHandler on_end, struct err *err)
{
    struct xlsx_part part;
    int rc = xlsx_part_open(r, &part, name, on_start, on_end, err);
    if (rc < 0)
        goto out;
    do {
        rc = xlsx_part_step(r, &part, err);
    } while (rc > 0);
out:
    xlsx_part_close(&part);
    r->part = NULL;
    return rc;
}

/* Workbook and relationships. */

static void XMLCALL xlsx_workbook_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct xlsx_reader *r = data;
    if (xlsx_is(name, "workbookPr")) {
        const char *v = xlsx_attr(attrs, "date1904");
        r->date1904 = v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (xlsx_is(name, "sheet") && r->n_sheet_ids < XLSX_MAX_SHEETS) {
        const char *id = xlsx_attr_ns(attrs, "id");
        if (id != NULL && strlen(id) <= XLSX_MAX_NAME_BYTES)
            r->sheet_ids[r->n_sheet_ids++] = arena_strdup(r->arena, id);
    }
}

static void XMLCALL xlsx_ignore_end(void *data, const XML_Char *name)
{
}

/* The zip path of a relationship target of xl/workbook.xml, "." and ".." resolved. */
static char *xlsx_resolve_target(struct arena *arena, const char *target)
{
    char *joined =
        target[0] == '/' ? arena_strdup(arena, target + 1) : arena_printf(arena, "xl/%s", target);
    char *out = arena_alloc(arena, strlen(joined) + 1);
    size_t len = 0;
    char *segment = joined;
    for (;;) {
        char *slash = strchr(segment, '/');
        size_t n = slash != NULL ? (size_t)(slash - segment) : strlen(segment);
        if (n == 2 && memcmp(segment, "..", 2) == 0) {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--; /* the slash before the dropped segment */
            while (len > 0 && out[len - 1] != '/')
                len--;
        } else if (n > 0 && !(n == 1 && segment[0] == '.')) {
            memcpy(out + len, segment, n);
            len += n;
            if (slash != NULL)
                out[len++] = '/';
        }
        if (slash == NULL)
            break;
        segment = slash + 1;
    }
    out[len] = '\0';
    return out;
}

static void XMLCALL xlsx_rels_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct xlsx_reader *r = data;
    if (!xlsx_is(name, "Relationship"))
        return;
    const char *id = xlsx_attr(attrs, "Id"), *type = xlsx_attr(attrs, "Type");
    const char *target = xlsx_attr(attrs, "Target"), *mode = xlsx_attr(attrs, "TargetMode");
    if (id == NULL || type == NULL || target == NULL || strlen(target) > XLSX_MAX_NAME_BYTES ||
        (mode != NULL && strcmp(mode, "External") == 0))
        return;
    if (xlsx_ends_with(type, "/worksheet")) {
        /* Sheets listed in the workbook come in its order; any other after them. */
        size_t rank = XLSX_MAX_SHEETS + r->n_relationships++;
        for (size_t i = 0; i < r->n_sheet_ids; i++) {
            if (strcmp(r->sheet_ids[i], id) == 0) {
                rank = i;
                break;
            }
        }
        if (r->sheet_path == NULL || rank < r->sheet_rank) {
            r->sheet_path = xlsx_resolve_target(r->arena, target);
            r->sheet_rank = rank;
        }
    } else if (xlsx_ends_with(type, "/sharedStrings") && r->shared_strings_path == NULL) {
        r->shared_strings_path = xlsx_resolve_target(r->arena, target);
    } else if (xlsx_ends_with(type, "/styles") && r->styles_path == NULL) {
        r->styles_path = xlsx_resolve_target(r->arena, target);
    }
}

/* Styles. */

/*
 * What a number format code shows, from its first section: d and y are
 * dates, h and s times, m either (a minute next to h or s, else a month).
 * Text in quotes, escaped (\x) and spacing (_x, *x) characters and
 * [bracketed] colours, conditions and locales do not count; [h], [mm] and
 * [ss] (elapsed time) do.
 */
static enum xlsx_style xlsx_style_of_code(const char *code)
{
    bool date = false, time = false, month_or_minute = false;
    for (const char *p = code; *p != '\0' && *p != ';'; p++) {
        char c = *p;
        if (c == '"') {
            while (p[1] != '\0' && p[1] != '"')
                p++;
            if (p[1] == '"')
                p++;
            continue;
        }
        if (c == '[') {
            const char *end = strchr(p, ']');
            if (end == NULL)
                break;
            size_t n = (size_t)(end - p - 1);
            if (n > 0 && strspn(p + 1, "hHmMsS") == n)
                time = true;
            p = end;
            continue;
        }
        if (c == '\\' || c == '_' || c == '*') {
            if (p[1] != '\0')
                p++;
            continue;
        }
        switch (c) {
        case 'd':
        case 'D':
        case 'y':
        case 'Y':
            date = true;
            break;
        case 'h':
        case 'H':
        case 's':
        case 'S':
            time = true;
            break;
        case 'm':
        case 'M':
            month_or_minute = true;
            break;
        default:
            break;
        }
    }
    if (date && time)
        return XLSX_STYLE_DATETIME;
    if (date || (month_or_minute && !time))
        return XLSX_STYLE_DATE;
    return time ? XLSX_STYLE_TIME : XLSX_STYLE_NUMBER;
}

/*
 * Built-in formats: 14-17 dates, 18-21 times, 22 date and time, 45-47
 * times; 27-36 and 50-58 are dates and times in the East Asian locales,
 * the only ones that write them.
 */
static enum xlsx_style xlsx_style_of_builtin(unsigned id)
{
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58))
        return XLSX_STYLE_DATE;
    if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47))
        return XLSX_STYLE_TIME;
    return id == 22 ? XLSX_STYLE_DATETIME : XLSX_STYLE_NUMBER;
}

/* Room for one more item in an arena array of n items, doubling its capacity when full. */
static void *xlsx_arena_reserve(struct arena *arena, void *items, size_t n, size_t *cap,
                                size_t size)
{
    if (n < *cap)
        return items;
    size_t grown = *cap != 0 ? *cap * 2 : 16;
    items = items != NULL ? arena_grow(arena, items, *cap * size, grown * size)
                          : arena_alloc_array(arena, grown, size);
    *cap = grown;
    return items;
}

static void XMLCALL xlsx_styles_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct xlsx_reader *r = data;
    const char *local = xlsx_local_name(name);
    size_t id;
    if (strcmp(local, "numFmts") == 0) {
        r->in_num_fmts = true;
    } else if (strcmp(local, "cellXfs") == 0) {
        r->in_cell_xfs = true;
    } else if (strcmp(local, "numFmt") == 0 && r->in_num_fmts) {
        const char *fmt_id = xlsx_attr(attrs, "numFmtId"), *code = xlsx_attr(attrs, "formatCode");
        if (fmt_id == NULL || code == NULL || !xlsx_parse_index(fmt_id, strlen(fmt_id), &id) ||
            r->n_num_fmts == XLSX_MAX_NUM_FMTS)
            return;
        r->num_fmts = xlsx_arena_reserve(r->arena, r->num_fmts, r->n_num_fmts, &r->cap_num_fmts,
                                         sizeof(*r->num_fmts));
        r->num_fmts[r->n_num_fmts++] =
            (struct xlsx_num_fmt){(unsigned)id, xlsx_style_of_code(code)};
    } else if (strcmp(local, "xf") == 0 && r->in_cell_xfs && r->n_xfs < XLSX_MAX_STYLES) {
        const char *fmt_id = xlsx_attr(attrs, "numFmtId");
        if (fmt_id == NULL || !xlsx_parse_index(fmt_id, strlen(fmt_id), &id))
            id = 0;
        r->xf_fmt_ids = xlsx_arena_reserve(r->arena, r->xf_fmt_ids, r->n_xfs, &r->cap_xfs,
                                           sizeof(*r->xf_fmt_ids));
        r->xf_fmt_ids[r->n_xfs++] = (unsigned)id;
    }
}

static void XMLCALL xlsx_styles_end(void *data, const XML_Char *name)
{
    struct xlsx_reader *r = data;
    if (xlsx_is(name, "numFmts"))
        r->in_num_fmts = false;
    else if (xlsx_is(name, "cellXfs"))
        r->in_cell_xfs = false;
}

/* The style of each cell style index; a custom format overrides a built-in one. */
static void xlsx_styles_resolve(struct xlsx_reader *r)
{
    r->xf_styles = arena_alloc(r->arena, r->n_xfs + 1);
    for (size_t i = 0; i < r->n_xfs; i++) {
        enum xlsx_style style = xlsx_style_of_builtin(r->xf_fmt_ids[i]);
        for (size_t k = 0; k < r->n_num_fmts; k++) {
            if (r->num_fmts[k].id == r->xf_fmt_ids[i]) {
                style = r->num_fmts[k].style;
                break;
            }
        }
        r->xf_styles[i] = (unsigned char)style;
    }
}

/* Shared strings. */

static void XMLCALL xlsx_sst_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct xlsx_reader *r = data;
    const char *local = xlsx_local_name(name);
    if (r->fail_code != ERR_OK)
        return;
    r->depth++;
    if (strcmp(local, "si") == 0 && r->item_depth == 0) {
        r->item_depth = r->depth;
        buf_reset(&r->text);
    } else if (strcmp(local, "rPh") == 0 && r->item_depth != 0 && r->phonetic_depth == 0) {
        r->phonetic_depth = r->depth;
    } else if (strcmp(local, "t") == 0 && r->item_depth != 0 && r->phonetic_depth == 0) {
        r->collect_depth = r->depth;
    }
}

static void xlsx_sst_add(struct xlsx_reader *r)
{
    size_t len = xlsx_unescape(r->text.data != NULL ? r->text.data : "", r->text.len);
    if (xlsx_count_chars(buf_cstr(&r->text), len) > r->limits.max_cell_chars) {
        xlsx_fail(r, ERR_TOO_LARGE, "string %zu is longer than %zu characters", r->n_sst,
                  r->limits.max_cell_chars);
        return;
    }
    size_t index_bytes = (r->n_sst + 1) * sizeof(struct xlsx_span);
    if (index_bytes > r->limits.max_shared_strings_bytes - r->sst_text.len ||
        buf_append(&r->sst_text, buf_cstr(&r->text), len) < 0 ||
        index_bytes > r->limits.max_shared_strings_bytes - r->sst_text.len) {
        xlsx_fail(r, ERR_TOO_LARGE, "the shared strings take more than %zu bytes",
                  r->limits.max_shared_strings_bytes);
        return;
    }
    if (r->n_sst == r->cap_sst) {
        r->cap_sst = r->cap_sst != 0 ? r->cap_sst * 2 : 256;
        r->sst = xlsx_realloc_array(r->sst, r->cap_sst, sizeof(*r->sst));
    }
    r->sst[r->n_sst++] = (struct xlsx_span){r->sst_text.len - len, len};
}

static void XMLCALL xlsx_sst_end(void *data, const XML_Char *name)
{
    struct xlsx_reader *r = data;
    if (r->fail_code != ERR_OK)
        return;
    if (r->depth == r->collect_depth)
        r->collect_depth = 0;
    if (r->depth == r->phonetic_depth)
        r->phonetic_depth = 0;
    if (r->depth == r->item_depth) {
        r->item_depth = 0;
        xlsx_sst_add(r);
    }
    r->depth--;
}

/* Values. */

/* The shortest text that reads back as the same double; integers without a fraction. */
static void xlsx_format_number(double value, char out[32])
{
    if (value == 0) {
        memcpy(out, "0", 2);
        return;
    }
    if (value == trunc(value) && fabs(value) < 1e17) {
        snprintf(out, 32, "%.0f", value);
        return;
    }
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(out, 32, "%.*g", precision, value);
        if (strtod(out, NULL) == value)
            return;
    }
}

/*
 * An Excel serial date as ISO 8601 text (see xlsx_reader_next); false when
 * the serial is outside the dates Excel shows.
 */
static bool xlsx_format_serial(double serial, enum xlsx_style style, bool date1904, char out[32])
{
    if (!(serial >= 0 && serial < XLSX_SERIAL_MAX))
        return false;
    int64_t whole = (int64_t)serial;
    int64_t seconds = llround((serial - (double)whole) * 86400.0);
    if (seconds >= 86400) {
        whole++;
        seconds -= 86400;
    }
    int hh = (int)(seconds / 3600), mm = (int)(seconds / 60 % 60), ss = (int)(seconds % 60);
    if (style == XLSX_STYLE_TIME && whole == 0) {
        snprintf(out, 32, "%02d:%02d:%02d", hh, mm, ss);
        return true;
    }
    int year = 1900;
    unsigned month = 2, day = 29; /* serial 60 of the 1900 system, a day that never was */
    if (date1904) {
        clock_civil_from_days(clock_days_from_civil(1904, 1, 1) + whole, &year, &month, &day);
    } else if (whole < 60) {
        clock_civil_from_days(clock_days_from_civil(1899, 12, 31) + whole, &year, &month, &day);
    } else if (whole > 60) {
        clock_civil_from_days(clock_days_from_civil(1899, 12, 30) + whole, &year, &month, &day);
    }
    if (style == XLSX_STYLE_DATE && seconds == 0)
        snprintf(out, 32, "%04d-%02u-%02u", year, month, day);
    else
        snprintf(out, 32, "%04d-%02u-%02uT%02d:%02d:%02d", year, month, day, hh, mm, ss);
    return true;
}

static struct str xlsx_trim(const char *s, size_t len)
{
    return str_trim((struct str){s, len});
}

/* The text of the cell just parsed (r->text, value_type, style); false after an error. */
static bool xlsx_cell_value(struct xlsx_reader *r, struct str *value, char scratch[32])
{
    char *raw = r->text.data != NULL ? r->text.data : scratch;
    size_t len = r->text.len;
    struct str trimmed = xlsx_trim(raw, len);
    size_t index;
    char ref[8];
    scratch[0] = '\0';
    *value = (struct str){raw, len};
    switch (r->value_type) {
    case XLSX_VALUE_SHARED:
        if (trimmed.len == 0) {
            value->len = 0;
            return true;
        }
        if (!xlsx_parse_index(trimmed.ptr, trimmed.len, &index) || index >= r->n_sst) {
            xlsx_column_name(r->col, ref);
            xlsx_fail(r, ERR_BAD_REQUEST, "cell %s%zu refers to shared string %.*s of %zu", ref,
                      r->row_number, (int)(trimmed.len < 20 ? trimmed.len : 20), trimmed.ptr,
                      r->n_sst);
            return false;
        }
        *value = (struct str){buf_cstr(&r->sst_text) + r->sst[index].off, r->sst[index].len};
        return true;
    case XLSX_VALUE_INLINE:
    case XLSX_VALUE_STRING:
        value->len = xlsx_unescape(raw, len);
        if (xlsx_count_chars(raw, value->len) > r->limits.max_cell_chars) {
            xlsx_column_name(r->col, ref);
            xlsx_fail(r, ERR_TOO_LARGE, "cell %s%zu is longer than %zu characters", ref,
                      r->row_number, r->limits.max_cell_chars);
            return false;
        }
        return true;
    case XLSX_VALUE_BOOL:
        if (str_eq_cstr(trimmed, "1") || str_eq_cstr(trimmed, "0"))
            *value = str_eq_cstr(trimmed, "1") ? STR_LIT("true") : STR_LIT("false");
        return true;
    case XLSX_VALUE_ERROR:
    case XLSX_VALUE_ISO:
        *value = trimmed;
        return true;
    case XLSX_VALUE_NUMBER:
        break;
    }
    *value = trimmed;
    if (trimmed.len == 0 || trimmed.len > 64)
        return true;
    char number[65], *end;
    memcpy(number, trimmed.ptr, trimmed.len);
    number[trimmed.len] = '\0';
    double v = strtod(number, &end);
    if (*end != '\0' || !isfinite(v))
        return true; /* not a number after all: the text as it is */
    enum xlsx_style style =
        r->style < r->n_xfs ? (enum xlsx_style)r->xf_styles[r->style] : XLSX_STYLE_NUMBER;
    if (style == XLSX_STYLE_NUMBER || !xlsx_format_serial(v, style, r->date1904, scratch))
        xlsx_format_number(v, scratch);
    *value = str_from_cstr(scratch);
    return true;
}

/* The worksheet. */

static void xlsx_row_start(struct xlsx_reader *r, const XML_Char **attrs)
{
    const char *number = xlsx_attr(attrs, "r");
    size_t n = r->last_row_number + 1;
    if (number != NULL && !xlsx_parse_index(number, strlen(number), &n)) {
        xlsx_fail(r, ERR_BAD_REQUEST, "bad row number \"%.20s\"", number);
        return;
    }
    if (n <= r->last_row_number) {
        xlsx_fail(r, ERR_BAD_REQUEST, "row %zu comes after row %zu", n, r->last_row_number);
        return;
    }
    if (n > r->limits.max_rows) {
        xlsx_fail(r, ERR_TOO_LARGE, "the sheet has more than %zu rows", r->limits.max_rows);
        return;
    }
    r->row_depth = r->depth;
    r->row_number = r->last_row_number = n;
    r->n_cells = 0;
    r->next_col = 0;
    buf_reset(&r->row_text);
}

/* "B5" -> column 1 (huge names saturate); the row part is not checked. false without letters. */
static bool xlsx_parse_column(const char *ref, size_t *col)
{
    size_t value = 0, n = 0;
    for (;; n++) {
        char c = ref[n];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            break;
        if (value > SIZE_MAX / 64)
            value = SIZE_MAX / 64;
        value = value * 26 + (size_t)(c - 'A' + 1);
    }
    if (n == 0)
        return false;
    *col = value - 1;
    return true;
}

static void xlsx_cell_start(struct xlsx_reader *r, const XML_Char **attrs)
{
    static const struct {
        const char *name;
        enum xlsx_value_type type;
    } types[] = {
        {"n", XLSX_VALUE_NUMBER},   {"s", XLSX_VALUE_SHARED}, {"inlineStr", XLSX_VALUE_INLINE},
        {"str", XLSX_VALUE_STRING}, {"b", XLSX_VALUE_BOOL},   {"e", XLSX_VALUE_ERROR},
        {"d", XLSX_VALUE_ISO},
    };
    const char *ref = xlsx_attr(attrs, "r"), *type = xlsx_attr(attrs, "t");
    const char *style = xlsx_attr(attrs, "s");
    size_t col = r->next_col;
    if (ref != NULL && !xlsx_parse_column(ref, &col)) {
        xlsx_fail(r, ERR_BAD_REQUEST, "bad cell reference \"%.20s\"", ref);
        return;
    }
    if (col >= r->limits.max_columns) {
        xlsx_fail(r, ERR_TOO_LARGE, "row %zu has more than %zu columns", r->row_number,
                  r->limits.max_columns);
        return;
    }
    if (col < r->next_col) {
        char name[8];
        xlsx_column_name(col, name);
        xlsx_fail(r, ERR_BAD_REQUEST, "cell %s%zu is out of order", name, r->row_number);
        return;
    }
    r->value_type = XLSX_VALUE_NUMBER;
    for (size_t i = 0; type != NULL && i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(type, types[i].name) == 0)
            r->value_type = types[i].type;
    }
    if (style == NULL || !xlsx_parse_index(style, strlen(style), &r->style))
        r->style = 0; /* the default style, as Excel reads it */
    r->col = col;
    r->next_col = col + 1;
    r->cell_depth = r->depth;
    buf_reset(&r->text);
}

static void xlsx_cell_end(struct xlsx_reader *r)
{
    struct str value;
    char scratch[32];
    r->cell_depth = 0;
    if (!xlsx_cell_value(r, &value, scratch) || value.len == 0)
        return;
    if (buf_append(&r->row_text, value.ptr, value.len) < 0) {
        xlsx_fail(r, ERR_TOO_LARGE, "row %zu is larger than %zu bytes", r->row_number,
                  r->limits.max_row_bytes);
        return;
    }
    if (r->col >= r->cap_cells) {
        size_t cap = r->cap_cells != 0 ? r->cap_cells : 16;
        while (cap <= r->col)
            cap *= 2;
        if (cap > r->limits.max_columns)
            cap = r->limits.max_columns;
        r->spans = xlsx_realloc_array(r->spans, cap, sizeof(*r->spans));
        r->cells = xlsx_realloc_array(r->cells, cap, sizeof(*r->cells));
        r->cap_cells = cap;
    }
    for (size_t i = r->n_cells; i < r->col; i++)
        r->spans[i] = (struct xlsx_span){0, 0};
    r->spans[r->col] = (struct xlsx_span){r->row_text.len - value.len, value.len};
    r->n_cells = r->col + 1;
}

static void XMLCALL xlsx_sheet_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct xlsx_reader *r = data;
    const char *local = xlsx_local_name(name);
    if (r->fail_code != ERR_OK)
        return;
    r->depth++;
    if (r->sheet_data_depth == 0) {
        if (strcmp(local, "sheetData") == 0)
            r->sheet_data_depth = r->depth;
    } else if (r->row_depth == 0) {
        if (strcmp(local, "row") == 0 && r->depth == r->sheet_data_depth + 1)
            xlsx_row_start(r, attrs);
    } else if (r->cell_depth == 0) {
        if (strcmp(local, "c") == 0 && r->depth == r->row_depth + 1)
            xlsx_cell_start(r, attrs);
    } else if (r->depth == r->cell_depth + 1) {
        if (strcmp(local, "v") == 0)
            r->collect_depth = r->depth;
        else if (strcmp(local, "is") == 0)
            r->item_depth = r->depth;
    } else if (r->item_depth != 0 && r->phonetic_depth == 0) {
        if (strcmp(local, "rPh") == 0)
            r->phonetic_depth = r->depth;
        else if (strcmp(local, "t") == 0)
            r->collect_depth = r->depth;
    }
}

static void XMLCALL xlsx_sheet_end(void *data, const XML_Char *name)
{
    struct xlsx_reader *r = data;
    if (r->fail_code != ERR_OK)
        return;
    size_t depth = r->depth--;
    if (depth == r->collect_depth)
        r->collect_depth = 0;
    else if (depth == r->phonetic_depth)
        r->phonetic_depth = 0;
    else if (depth == r->item_depth)
        r->item_depth = 0;
    else if (depth == r->cell_depth)
        xlsx_cell_end(r);
    else if (depth == r->row_depth) {
        r->row_depth = 0;
        r->row_ready = true;
        XML_StopParser(r->sheet.parser, XML_TRUE);
    } else if (depth == r->sheet_data_depth) {
        /* Nothing after the cells matters: stop without parsing the rest. */
        r->sheet_ended = true;
        XML_StopParser(r->sheet.parser, XML_FALSE);
    }
}

/* Opening and closing. */

static void xlsx_reader_close_cb(void *reader)
{
    xlsx_reader_close(reader);
}

static void xlsx_limits_fill(struct xlsx_limits *out, const struct xlsx_limits *limits)
{
    static const struct xlsx_limits none;
    const struct xlsx_limits *in = limits != NULL ? limits : &none;
    out->max_unpacked_bytes =
        in->max_unpacked_bytes != 0 ? in->max_unpacked_bytes : XLSX_DEFAULT_MAX_UNPACKED_BYTES;
    out->max_shared_strings_bytes = in->max_shared_strings_bytes != 0
                                        ? in->max_shared_strings_bytes
                                        : XLSX_DEFAULT_MAX_SHARED_STRINGS_BYTES;
    out->max_columns = in->max_columns != 0 ? in->max_columns : XLSX_DEFAULT_MAX_COLUMNS;
    out->max_cell_chars =
        in->max_cell_chars != 0 ? in->max_cell_chars : XLSX_DEFAULT_MAX_CELL_CHARS;
    out->max_row_bytes = in->max_row_bytes != 0 ? in->max_row_bytes : XLSX_DEFAULT_MAX_ROW_BYTES;
    out->max_rows = in->max_rows != 0 ? in->max_rows : XLSX_DEFAULT_MAX_ROWS;
    if (out->max_columns > XLSX_DEFAULT_MAX_COLUMNS * 64)
        out->max_columns = XLSX_DEFAULT_MAX_COLUMNS * 64; /* column names stay within 4 letters */
    if (out->max_cell_chars > SIZE_MAX / XLSX_RAW_BYTES_PER_CHAR / 2)
        out->max_cell_chars = SIZE_MAX / XLSX_RAW_BYTES_PER_CHAR / 2;
}

/* Why a file that is not a zip may have been sent, for the message. */
static const char *xlsx_not_zip_hint(const void *data, size_t len)
{
    static const unsigned char cfb[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (len >= sizeof(cfb) && memcmp(data, cfb, sizeof(cfb)) == 0)
        return ": an old .xls file or a password-protected workbook";
    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
        return ": the zip is damaged or incomplete";
    return "";
}

static bool xlsx_has(const struct xlsx_reader *r, const char *name)
{
    return name != NULL && xlsx_locate(r, name) >= 0;
}

/* The workbook, its relationships, styles and shared strings; then the sheet is opened. */
static int xlsx_reader_load(struct xlsx_reader *r, struct err *err)
{
    int rc;
    if (!xlsx_has(r, "xl/workbook.xml"))
        return err_set(err, ERR_UNSUPPORTED_MEDIA_TYPE, "%s", XLSX_NOT_XLSX);
    r->sheet_ids = arena_alloc_array(r->arena, XLSX_MAX_SHEETS, sizeof(*r->sheet_ids));
    rc = xlsx_part_read(r, "xl/workbook.xml", xlsx_workbook_start, xlsx_ignore_end, err);
    if (rc < 0)
        return rc;
    if (xlsx_has(r, "xl/_rels/workbook.xml.rels")) {
        rc = xlsx_part_read(r, "xl/_rels/workbook.xml.rels", xlsx_rels_start, xlsx_ignore_end, err);
        if (rc < 0)
            return rc;
    }
    if (!xlsx_has(r, r->sheet_path))
        r->sheet_path = "xl/worksheets/sheet1.xml";
    if (!xlsx_has(r, r->sheet_path))
        return err_set(err, ERR_UNSUPPORTED_MEDIA_TYPE, "%s: it has no worksheet", XLSX_NOT_XLSX);
    if (!xlsx_has(r, r->styles_path))
        r->styles_path = "xl/styles.xml";
    if (xlsx_has(r, r->styles_path)) {
        rc = xlsx_part_read(r, r->styles_path, xlsx_styles_start, xlsx_styles_end, err);
        if (rc < 0)
            return rc;
    }
    xlsx_styles_resolve(r);
    if (!xlsx_has(r, r->shared_strings_path))
        r->shared_strings_path = "xl/sharedStrings.xml";
    if (xlsx_has(r, r->shared_strings_path)) {
        rc = xlsx_part_read(r, r->shared_strings_path, xlsx_sst_start, xlsx_sst_end, err);
        if (rc < 0)
            return rc;
    }
    rc = xlsx_part_open(r, &r->sheet, r->sheet_path, xlsx_sheet_start, xlsx_sheet_end, err);
    r->part = &r->sheet;
    return rc;
}

int xlsx_reader_open(struct arena *arena, const void *data, size_t len,
                     const struct xlsx_limits *limits, struct xlsx_reader **out, struct err *err)
{
    zip_error_t zip_err;
    zip_source_t *source = NULL;
    struct xlsx_reader *r = arena_alloc(arena, sizeof(*r));
    int rc = 0;

    *out = NULL;
    zip_error_init(&zip_err);
    r->arena = arena;
    xlsx_limits_fill(&r->limits, limits);
    r->xml_mem.max = XLSX_XML_MAX_MEMORY_BYTES;
    r->next_number = 1;
    r->err = err;
    buf_init(&r->text, r->limits.max_cell_chars * XLSX_RAW_BYTES_PER_CHAR + 16);
    buf_init(&r->sst_text, r->limits.max_shared_strings_bytes);
    buf_init(&r->row_text, r->limits.max_row_bytes);
    arena_defer(arena, xlsx_reader_close_cb, r);
    xlsx_mem_current = &r->xml_mem;

    source = zip_source_buffer_create(len != 0 ? data : NULL, len, 0, &zip_err);
    if (source == NULL) {
        rc = err_set(err, ERR_INTERNAL, "cannot read the file (%s)", zip_error_strerror(&zip_err));
        goto out;
    }
    r->zip = zip_open_from_source(source, ZIP_RDONLY, &zip_err);
    if (r->zip == NULL) {
        zip_source_free(source);
        rc = err_set(err, ERR_UNSUPPORTED_MEDIA_TYPE, "%s%s", XLSX_NOT_XLSX,
                     xlsx_not_zip_hint(data, len));
        goto out;
    }
    rc = xlsx_reader_load(r, err);
out:
    zip_error_fini(&zip_err);
    if (rc < 0) {
        xlsx_reader_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

void xlsx_reader_close(struct xlsx_reader *reader)
{
    if (reader == NULL || reader->closed)
        return;
    reader->closed = true;
    xlsx_part_close(&reader->sheet);
    if (reader->zip != NULL)
        zip_discard(reader->zip);
    reader->zip = NULL;
    buf_release(&reader->text);
    buf_release(&reader->sst_text);
    buf_release(&reader->row_text);
    free(reader->sst);
    free(reader->spans);
    free(reader->cells);
    reader->sst = NULL;
    reader->spans = NULL;
    reader->cells = NULL;
}

/* Rows. */

static int xlsx_reader_fail(struct xlsx_reader *r, int rc, struct err *err)
{
    r->failed_rc = rc;
    snprintf(r->failed_detail, sizeof(r->failed_detail), "%s", err->detail);
    r->sheet_ended = true;
    xlsx_part_close(&r->sheet);
    return rc;
}

int xlsx_reader_next(struct xlsx_reader *reader, struct xlsx_row *row, struct err *err)
{
    struct xlsx_reader *r = reader;
    assert(!r->closed);
    *row = (struct xlsx_row){NULL, 0, r->next_number};
    if (r->failed_rc < 0)
        return err_set(err, (enum err_code) - r->failed_rc, "%s", r->failed_detail);
    r->err = err;
    xlsx_mem_current = &r->xml_mem;
    while (!r->row_ready) {
        if (r->sheet_ended) {
            xlsx_part_close(&r->sheet);
            return 0;
        }
        int rc = xlsx_part_step(r, &r->sheet, err);
        if (rc < 0)
            return xlsx_reader_fail(r, rc, err);
        if (rc == 0)
            r->sheet_ended = true;
    }
    if (r->row_number > r->next_number) {
        r->next_number++; /* a row the sheet leaves out */
        return 1;
    }
    for (size_t i = 0; i < r->n_cells; i++) {
        const char *ptr = r->spans[i].len != 0 ? r->row_text.data + r->spans[i].off : "";
        r->cells[i] = (struct str){ptr, r->spans[i].len};
    }
    *row = (struct xlsx_row){r->cells, r->n_cells, r->row_number};
    r->row_ready = false;
    r->next_number = r->row_number + 1;
    return 1;
}

int xlsx_reader_skip_to(struct xlsx_reader *reader, size_t row_number, struct err *err)
{
    struct xlsx_row row;
    while (reader->next_number < row_number) {
        int rc = xlsx_reader_next(reader, &row, err);
        if (rc <= 0)
            return rc;
    }
    return 0;
}

/* The writer. */

struct xlsx_writer {
    lxw_workbook *workbook;
    lxw_worksheet *sheet;
    lxw_format *bold;
    lxw_format *date;
    lxw_format *datetime;
    size_t n_rows;
    struct buf scratch; /* text with literal _xHHHH_ protected */
};

static int xlsx_writer_error(struct err *err, lxw_error error, const char *what)
{
    enum err_code code = ERR_INTERNAL;
    switch (error) {
    case LXW_ERROR_PARAMETER_VALIDATION:
    case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED:
    case LXW_ERROR_INVALID_SHEETNAME_CHARACTER:
    case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE:
    case LXW_ERROR_SHEETNAME_ALREADY_USED:
    case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
        code = ERR_VALIDATION;
        break;
    case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
        code = ERR_TOO_LARGE;
        break;
    default:
        break;
    }
    return err_set(err, code, "%s: %s", what, lxw_strerror(error));
}

int xlsx_writer_open(const char *path, const char *sheet_name, struct xlsx_writer **out,
                     struct err *err)
{
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    struct xlsx_writer *w = calloc(1, sizeof(*w));
    lxw_error error;
    int rc = 0;

    *out = NULL;
    if (w == NULL)
        return err_set(err, ERR_INTERNAL, "out of memory");
    buf_init(&w->scratch, (size_t)1 << 20);
    w->workbook = workbook_new_opt(path, &options);
    if (w->workbook == NULL) {
        rc = err_set(err, ERR_INTERNAL, "cannot create the workbook");
        goto out;
    }
    if (sheet_name == NULL)
        sheet_name = "Sheet1";
    error = workbook_validate_sheet_name(w->workbook, sheet_name);
    if (error != LXW_NO_ERROR) {
        rc = xlsx_writer_error(err, error, "sheet name");
        goto out;
    }
    w->sheet = workbook_add_worksheet(w->workbook, sheet_name);
    w->bold = workbook_add_format(w->workbook);
    w->date = workbook_add_format(w->workbook);
    w->datetime = workbook_add_format(w->workbook);
    if (w->sheet == NULL || w->bold == NULL || w->date == NULL || w->datetime == NULL) {
        rc = err_set(err, ERR_INTERNAL, "cannot create the worksheet");
        goto out;
    }
    format_set_bold(w->bold);
    format_set_num_format(w->date, "yyyy-mm-dd");
    format_set_num_format(w->datetime, "yyyy-mm-dd hh:mm:ss");
out:
    if (rc < 0) {
        if (w->workbook != NULL)
            lxw_workbook_free(w->workbook);
        buf_release(&w->scratch);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

/* Two decimal digits at s, at most max. */
static bool xlsx_two_digits(const char *s, int max, int *out)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    *out = (s[0] - '0') * 10 + (s[1] - '0');
    return *out <= max;
}

/*
 * The Excel serial of "YYYY-MM-DD" or, with_time, "YYYY-MM-DD[T ]HH:MM[:SS[.f...]]"
 * followed by anything (a zone, ignored); false when it is not one, or
 * before 1900 where Excel has no dates.
 */
static bool xlsx_serial_from_iso(const char *s, bool with_time, double *out)
{
    size_t len = strlen(s);
    int64_t days;
    int hh = 0, mm = 0, ss = 0;
    double fraction = 0;
    if (len < 10 || clock_parse_date(s, 10, &days) != 0)
        return false;
    if (!with_time && len != 10)
        return false;
    if (with_time && len > 10) {
        const char *t = s + 11;
        if ((s[10] != 'T' && s[10] != ' ') || len < 16 || !xlsx_two_digits(t, 23, &hh) ||
            t[2] != ':' || !xlsx_two_digits(t + 3, 59, &mm))
            return false;
        t += 5;
        if (t[0] == ':') {
            if (!xlsx_two_digits(t + 1, 59, &ss))
                return false;
            t += 3;
            if (t[0] == '.') {
                double scale = 0.1;
                for (t++; *t >= '0' && *t <= '9'; t++, scale /= 10)
                    fraction += (*t - '0') * scale;
            }
        }
    }
    int64_t first = clock_days_from_civil(1900, 1, 1);
    if (days < first)
        return false;
    double serial = (double)(days - clock_days_from_civil(1899, 12, 30));
    if (days < clock_days_from_civil(1900, 3, 1))
        serial -= 1; /* Excel's phantom 1900-02-29 comes after */
    *out = serial + (hh * 3600 + mm * 60 + ss + fraction) / 86400.0;
    return true;
}

/*
 * The text as Excel must receive it: a literal "_xHHHH_" would be read as
 * an escape, so its underscore is written as the escape _x005F_.
 */
static int xlsx_writer_text(struct xlsx_writer *w, const char *text, const char **out)
{
    size_t len = strlen(text);
    uint32_t cp;
    *out = text;
    if (strstr(text, "_x") == NULL)
        return 0;
    buf_reset(&w->scratch);
    for (size_t i = 0; i < len; i++) {
        int rc = xlsx_escape_at(text + i, len - i, &cp) ? buf_append_str(&w->scratch, "_x005F_")
                                                        : buf_putc(&w->scratch, text[i]);
        if (rc < 0)
            return rc;
    }
    *out = buf_cstr(&w->scratch);
    return 0;
}

/* "B5" for row 4, column 1. */
static const char *xlsx_cell_ref(lxw_row_t row, lxw_col_t col, char out[32])
{
    char name[8];
    xlsx_column_name(col, name);
    snprintf(out, 32, "%s%zu", name, (size_t)row + 1);
    return out;
}

/* A string cell; empty text writes nothing. */
static lxw_error xlsx_writer_string(struct xlsx_writer *w, lxw_row_t row, lxw_col_t col,
                                    const char *text, lxw_format *format, struct err *err, int *rc)
{
    char ref[32];
    *rc = 0;
    if (text == NULL || text[0] == '\0')
        return LXW_NO_ERROR;
    if (!utf8_valid(text, strlen(text))) {
        *rc = err_set(err, ERR_VALIDATION, "cell %s: the text is not UTF-8",
                      xlsx_cell_ref(row, col, ref));
        return LXW_NO_ERROR;
    }
    if (xlsx_writer_text(w, text, &text) < 0) {
        *rc = err_set(err, ERR_VALIDATION, "cell %s: the text is too long",
                      xlsx_cell_ref(row, col, ref));
        return LXW_NO_ERROR;
    }
    return worksheet_write_string(w->sheet, row, col, text, format);
}

static int xlsx_writer_cell(struct xlsx_writer *w, lxw_row_t row, lxw_col_t col,
                            const struct xlsx_cell *cell, lxw_format *format, struct err *err)
{
    lxw_error error = LXW_NO_ERROR;
    char ref[32];
    double serial;
    int rc = 0;
    switch (cell->kind) {
    case XLSX_BLANK:
        break;
    case XLSX_TEXT:
        error = xlsx_writer_string(w, row, col, cell->text, format, err, &rc);
        break;
    case XLSX_NUMBER:
        if (!isfinite(cell->number))
            return err_set(err, ERR_VALIDATION, "cell %s: not a finite number",
                           xlsx_cell_ref(row, col, ref));
        error = worksheet_write_number(w->sheet, row, col, cell->number, format);
        break;
    case XLSX_BOOL:
        error = worksheet_write_boolean(w->sheet, row, col, cell->number != 0, format);
        break;
    case XLSX_DATE:
    case XLSX_DATETIME:
        if (cell->text != NULL &&
            xlsx_serial_from_iso(cell->text, cell->kind == XLSX_DATETIME, &serial))
            error = worksheet_write_number(w->sheet, row, col, serial,
                                           cell->kind == XLSX_DATE ? w->date : w->datetime);
        else /* Excel cannot hold it as a date */
            error = xlsx_writer_string(w, row, col, cell->text, format, err, &rc);
        break;
    }
    if (rc < 0)
        return rc;
    if (error != LXW_NO_ERROR)
        return xlsx_writer_error(err, error, xlsx_cell_ref(row, col, ref));
    return 0;
}

/* Claims the next row for n cells. */
static int xlsx_writer_next_row(struct xlsx_writer *w, size_t n, lxw_row_t *row, struct err *err)
{
    if (w->n_rows >= XLSX_MAX_ROWS)
        return err_set(err, ERR_TOO_LARGE, "a sheet holds at most %zu rows", XLSX_MAX_ROWS);
    if (n > XLSX_MAX_COLUMNS)
        return err_set(err, ERR_TOO_LARGE, "a sheet holds at most %zu columns", XLSX_MAX_COLUMNS);
    *row = (lxw_row_t)w->n_rows++;
    return 0;
}

int xlsx_writer_header(struct xlsx_writer *writer, const char *const *names, size_t n,
                       struct err *err)
{
    lxw_row_t row = 0;
    assert(writer->n_rows == 0);
    int rc = xlsx_writer_next_row(writer, n, &row, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct xlsx_cell cell = {XLSX_TEXT, names[i], 0};
        rc = xlsx_writer_cell(writer, row, (lxw_col_t)i, &cell, writer->bold, err);
    }
    if (rc == 0)
        worksheet_freeze_panes(writer->sheet, 1, 0);
    return rc;
}

int xlsx_writer_row(struct xlsx_writer *writer, const struct xlsx_cell *cells, size_t n,
                    struct err *err)
{
    lxw_row_t row = 0;
    int rc = xlsx_writer_next_row(writer, n, &row, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = xlsx_writer_cell(writer, row, (lxw_col_t)i, &cells[i], NULL, err);
    return rc;
}

int xlsx_writer_close(struct xlsx_writer *writer, struct err *err)
{
    if (writer == NULL)
        return 0;
    lxw_error error = workbook_close(writer->workbook);
    buf_release(&writer->scratch);
    free(writer);
    if (error != LXW_NO_ERROR)
        return xlsx_writer_error(err, error, "cannot write the file");
    return 0;
}
