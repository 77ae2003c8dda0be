/*
 * Job kind export {export_id}: writes the file of an export asked for at
 * POST /exports, as the user who asked (api_job_request), so that it holds
 * exactly what their GET /{entity} would list: the same filter, search and
 * sort, their read scope narrowed to their export scope, their field
 * rights.
 *
 * DESIGN. The list is read in keyset pages of EXPORT_PAGE_ROWS with a
 * scratch arena each, and each page is written out before the next is
 * read, through a file_writer into the store's file chunks: memory stays at
 * about one page and one chunk whatever the number of rows. A format is a
 * row of formats[] (begin, page, finish):
 *   csv  UTF-8 with a byte order mark (so that spreadsheets read it as
 *        UTF-8), a header row of field names, CRLF rows (formats/csv.h);
 *   xlsx one sheet with a bold header row, streamed by libxlsxwriter into
 *        a temporary file under /tmp which is then copied into the chunks;
 *   vcf  vCard 4.0 per contact (formats/vcard.h);
 *   ics  one VCALENDAR with a VEVENT per meeting or task as the calendar
 *        feed writes them (domain/ical.h), time zones written once.
 * CSV and XLSX cells: lists joined with ", " (addresses, each "street,
 * locality, ...", joined with "; "; linked records by name), money as one
 * cell "12.50 EUR", other objects as compact JSON; unless raw, text that
 * starts with = + - @ TAB or CR gets a leading apostrophe (OWASP CSV
 * injection). XLSX keeps numbers, dates and booleans as such.
 *
 * The whole export is one run of the job, in the job's one transaction,
 * which also marks the export done with its row count and file (or failed,
 * for what no retry mends: a user since disabled, a filter that no longer
 * parses, more rows than XLSX holds). The job's row is held for that
 * transaction (store_export_job_hold), so that a run longer than the lease
 * is not taken over by another worker. On SQLite the transaction holds the
 * database's write lock for as long as the export runs.
 */
#include "jobs/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/entity.h"
#include "domain/ical.h"
#include "formats/csv.h"
#include "formats/vcard.h"
#include "formats/xlsx.h"
#include "store/attachments.h"
#include "store/exports.h"
#include "store/files.h"
#include "store/jobs.h"
#include "store/store.h"

#define EXPORT_PAGE_ROWS 1000
/* Bytes gathered from a page before they go to the file writer. */
#define EXPORT_FLUSH_BYTES ((size_t)64 << 10)
/* The most one page's output may take (a page of 1000 long rows). */
#define EXPORT_PAGE_MAX_BYTES ((size_t)64 << 20)
#define EXPORT_MAX_ZONES 64

/* One export's run. */
struct export_run {
    struct job_context *job;
    struct http_request *req;
    struct export_plan *plan;
    int64_t export_id;
    struct file_writer file;
    struct buf out; /* what a page wrote, not yet given to the file writer */
    int64_t rows;
    int64_t skipped; /* ics: records that have nothing a calendar can show */
    struct err *err;
    struct xlsx_writer *xlsx;
    const char *xlsx_path;
    const char *zones[EXPORT_MAX_ZONES]; /* ics: the TZIDs written */
    size_t n_zones;
    bool header_written;
};

struct export_format {
    const char *name;
    const char *extension;
    const char *content_type;
    int (*begin)(struct export_run *run);
    int (*page)(struct export_run *run, struct arena *scratch, const json_t *records);
    int (*finish)(struct export_run *run);
};

/* Gives run->out to the file writer once it holds at least min bytes. */
static int export_flush(struct export_run *run, size_t min)
{
    if (run->out.len == 0 || run->out.len < min)
        return 0;
    int rc = file_writer_write(&run->file, run->out.data, run->out.len, run->err);
    buf_reset(&run->out);
    return rc;
}

static int export_out_full(struct export_run *run)
{
    return err_set(run->err, ERR_TOO_LARGE, "a page of the export is larger than %zu bytes",
                   EXPORT_PAGE_MAX_BYTES);
}

/* ---- Cells ---- */

/* Whether a spreadsheet would run text as a formula (OWASP CSV injection). */
static bool formula_like(const char *text)
{
    return text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
           text[0] == '\t' || text[0] == '\r';
}

static const char *money_text(struct arena *arena, const json_t *value)
{
    const char *amount = json_string_value(json_object_get(value, "amount"));
    const char *currency = json_string_value(json_object_get(value, "currency"));
    if (json_object_size(value) != 2 || amount == NULL || currency == NULL)
        return NULL;
    return arena_printf(arena, "%s %s", amount, currency);
}

/* An address as one line: its parts that are given, in postal order. */
static const char *address_text(struct arena *arena, const json_t *value)
{
    static const char *const parts[] = {"street", "extended",    "po_box", "locality",
                                        "region", "postal_code", "country"};
    const char *text = NULL;
    bool address = false;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        const json_t *part = json_object_get(value, parts[i]);
        address = address || part != NULL;
        const char *s = json_string_value(part);
        if (s == NULL || *s == '\0')
            continue;
        text = text == NULL ? s : arena_printf(arena, "%s, %s", text, s);
    }
    if (!address)
        return NULL;
    return text != NULL ? text : "";
}

static const char *json_text(struct arena *arena, const json_t *value)
{
    char *dumped = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *text = arena_strdup(arena, dumped != NULL ? dumped : "");
    free(dumped);
    return text;
}

static const char *value_text(struct arena *arena, const json_t *value);

/* A list's items joined with ", " (addresses with "; "). */
static const char *list_text(struct arena *arena, const json_t *list)
{
    const char *text = NULL, *separator = ", ";
    const json_t *item;
    size_t i;
    json_array_foreach(list, i, item)
    {
        const char *s = value_text(arena, item);
        if (json_is_object(item) && address_text(arena, item) != NULL)
            separator = "; ";
        text = text == NULL ? s : arena_printf(arena, "%s%s%s", text, separator, s);
    }
    return text != NULL ? text : "";
}

/* A value as the text of one cell ("" for null). */
static const char *value_text(struct arena *arena, const json_t *value)
{
    const char *s;
    switch (json_typeof(value)) {
    case JSON_STRING:
        return json_string_value(value);
    case JSON_INTEGER:
        return arena_printf(arena, "%lld", (long long)json_integer_value(value));
    case JSON_REAL:
        return arena_printf(arena, "%.15g", json_real_value(value));
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_ARRAY:
        return list_text(arena, value);
    case JSON_OBJECT:
        if ((s = money_text(arena, value)) != NULL || (s = address_text(arena, value)) != NULL)
            return s;
        if ((s = json_string_value(json_object_get(value, "name"))) != NULL)
            return s;
        return json_text(arena, value);
    default:
        return "";
    }
}

static const json_t *column_value(const json_t *record, const struct export_column *column)
{
    const json_t *holder = column->custom ? json_object_get(record, "custom") : record;
    return json_object_get(holder, column->key);
}

/* ---- CSV ---- */

static int csv_begin(struct export_run *run)
{
    static const char bom[] = "\xEF\xBB\xBF";
    int rc = buf_append(&run->out, bom, sizeof(bom) - 1);
    for (size_t i = 0; rc == 0 && i < run->plan->n_columns; i++) {
        const char *name = run->plan->columns[i].name;
        if (i > 0)
            rc = buf_putc(&run->out, ',');
        if (rc == 0)
            rc = csv_write_field(&run->out, name, strlen(name), ',', !run->plan->raw);
    }
    if (rc == 0)
        rc = csv_write_row_end(&run->out);
    return rc < 0 ? export_out_full(run) : 0;
}

static int csv_page(struct export_run *run, struct arena *scratch, const json_t *records)
{
    const json_t *record;
    size_t r;
    json_array_foreach(records, r, record)
    {
        int rc = 0;
        for (size_t i = 0; rc == 0 && i < run->plan->n_columns; i++) {
            const json_t *value = column_value(record, &run->plan->columns[i]);
            const char *text = value != NULL ? value_text(scratch, value) : "";
            if (i > 0)
                rc = buf_putc(&run->out, ',');
            if (rc == 0)
                rc = csv_write_field(&run->out, text, strlen(text), ',', !run->plan->raw);
        }
        if (rc == 0)
            rc = csv_write_row_end(&run->out);
        if (rc < 0)
            return export_out_full(run);
        run->rows++;
        rc = export_flush(run, EXPORT_FLUSH_BYTES);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int csv_finish(struct export_run *run)
{
    (void)run;
    return 0;
}

/* ---- XLSX ---- */

static void xlsx_path_remove(void *path)
{
    unlink(path);
}

static int xlsx_begin(struct export_run *run)
{
    char path[] = "/tmp/crm-export-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return err_set(run->err, ERR_INTERNAL, "cannot make a temporary file for the workbook");
    close(fd);
    run->xlsx_path = arena_strdup(run->job->arena, path);
    arena_defer(run->job->arena, xlsx_path_remove, (void *)run->xlsx_path);
    int rc = xlsx_writer_open(run->xlsx_path, run->plan->entity->name, &run->xlsx, run->err);
    if (rc < 0)
        return rc;
    const char **names =
        arena_alloc_array(run->job->arena, run->plan->n_columns + 1, sizeof(*names));
    for (size_t i = 0; i < run->plan->n_columns; i++)
        names[i] = run->plan->columns[i].name;
    return xlsx_writer_header(run->xlsx, names, run->plan->n_columns, run->err);
}

/* One cell: numbers, dates and booleans as such, the rest as (neutralised) text. */
static struct xlsx_cell xlsx_cell_of(struct export_run *run, struct arena *scratch,
                                     const struct export_column *column, const json_t *value)
{
    if (value == NULL || json_is_null(value))
        return (struct xlsx_cell){.kind = XLSX_BLANK};
    switch (column->type) {
    case FIELD_INTEGER:
    case FIELD_NUMBER:
        if (json_is_number(value))
            return (struct xlsx_cell){.kind = XLSX_NUMBER, .number = json_number_value(value)};
        if (json_is_string(value)) {
            char *end = NULL;
            const char *s = json_string_value(value);
            double n = strtod(s, &end);
            if (end != s && *end == '\0')
                return (struct xlsx_cell){.kind = XLSX_NUMBER, .number = n};
        }
        break;
    case FIELD_BOOL:
        if (json_is_boolean(value))
            return (struct xlsx_cell){.kind = XLSX_BOOL, .number = json_is_true(value)};
        break;
    case FIELD_DATE:
        if (json_is_string(value))
            return (struct xlsx_cell){.kind = XLSX_DATE, .text = json_string_value(value)};
        break;
    case FIELD_DATETIME:
        if (json_is_string(value))
            return (struct xlsx_cell){.kind = XLSX_DATETIME, .text = json_string_value(value)};
        break;
    default:
        break;
    }
    const char *text = value_text(scratch, value);
    if (!run->plan->raw && formula_like(text))
        text = arena_printf(scratch, "'%s", text);
    return (struct xlsx_cell){.kind = XLSX_TEXT, .text = text};
}

static int xlsx_page(struct export_run *run, struct arena *scratch, const json_t *records)
{
    size_t n = run->plan->n_columns;
    struct xlsx_cell *cells = arena_alloc_array(scratch, n + 1, sizeof(*cells));
    const json_t *record;
    size_t r;
    json_array_foreach(records, r, record)
    {
        for (size_t i = 0; i < n; i++)
            cells[i] = xlsx_cell_of(run, scratch, &run->plan->columns[i],
                                    column_value(record, &run->plan->columns[i]));
        int rc = xlsx_writer_row(run->xlsx, cells, n, run->err);
        if (rc < 0)
            return rc;
        run->rows++;
    }
    return 0;
}

/* Writes the workbook and copies it into the file's chunks. */
static int xlsx_finish(struct export_run *run)
{
    int rc = xlsx_writer_close(run->xlsx, run->err);
    run->xlsx = NULL;
    if (rc < 0)
        return rc;
    FILE *f = fopen(run->xlsx_path, "rb");
    if (f == NULL)
        return err_set(run->err, ERR_INTERNAL, "cannot read the workbook back");
    char *piece = malloc(EXPORT_FLUSH_BYTES);
    if (piece == NULL) {
        fclose(f);
        return err_set(run->err, ERR_INTERNAL, "out of memory");
    }
    size_t n;
    while (rc == 0 && (n = fread(piece, 1, EXPORT_FLUSH_BYTES, f)) > 0)
        rc = file_writer_write(&run->file, piece, n, run->err);
    if (rc == 0 && ferror(f))
        rc = err_set(run->err, ERR_INTERNAL, "cannot read the workbook back");
    free(piece);
    fclose(f);
    return rc;
}

/* ---- vCard ---- */

static int vcf_begin(struct export_run *run)
{
    (void)run;
    return 0;
}

static struct vcard_value *vcard_values(struct arena *arena, const json_t *list, size_t *n)
{
    *n = 0;
    struct vcard_value *values =
        arena_alloc_array(arena, json_array_size(list) + 1, sizeof(*values));
    const json_t *item;
    size_t i;
    json_array_foreach(list, i, item)
    {
        const char *s = json_string_value(item);
        if (s != NULL && *s != '\0')
            values[(*n)++] = (struct vcard_value){.value = s};
    }
    return values;
}

static const char *string_or_null(const json_t *object, const char *key)
{
    const char *s = json_string_value(json_object_get(object, key));
    return s != NULL && *s != '\0' ? s : NULL;
}

static struct vcard_address *vcard_addresses(struct arena *arena, const json_t *list, size_t *n)
{
    *n = 0;
    struct vcard_address *out = arena_alloc_array(arena, json_array_size(list) + 1, sizeof(*out));
    const json_t *a;
    size_t i;
    json_array_foreach(list, i, a)
    {
        if (!json_is_object(a))
            continue;
        out[(*n)++] = (struct vcard_address){
            .type = string_or_null(a, "type"),
            .po_box = string_or_null(a, "po_box"),
            .extended = string_or_null(a, "extended"),
            .street = string_or_null(a, "street"),
            .locality = string_or_null(a, "locality"),
            .region = string_or_null(a, "region"),
            .postal_code = string_or_null(a, "postal_code"),
            .country = string_or_null(a, "country"),
        };
    }
    return out;
}

/* A text value escaped for a content line (RFC 6350 3.4): \\ \, \; and \n. */
static const char *vcard_escaped(struct arena *arena, const char *text)
{
    size_t len = strlen(text), n = 0;
    char *out = arena_alloc(arena, len * 2 + 1);
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\\' || c == ',' || c == ';')
            out[n++] = '\\';
        if (c == '\n') {
            out[n++] = '\\';
            c = 'n';
        }
        if (c != '\r')
            out[n++] = c;
    }
    out[n] = '\0';
    return out;
}

/* The contact's photo: the attachment it was imported with, when it still exists. */
static int vcard_photo(struct export_run *run, struct arena *scratch, const json_t *record,
                       struct vcard *card)
{
    int64_t photo_id = json_integer_value(json_object_get(record, "photo_id"));
    json_t *attachment = NULL;
    if (photo_id <= 0)
        return 0;
    int rc = store_attachment_get(run->job->conn, scratch, photo_id, &attachment, run->err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(run->err);
        return 0;
    }
    if (rc < 0)
        return rc;
    int64_t size = json_integer_value(json_object_get(attachment, "size"));
    const char *type = json_string_value(json_object_get(attachment, "content_type"));
    if (size > 0 && (size_t)size <= VCARD_MAX_PHOTO_BYTES && type != NULL &&
        strncmp(type, "image/", 6) == 0) {
        const char *data = NULL;
        size_t len = 0;
        card->photo_media_type = arena_strdup(scratch, type);
        rc = store_attachment_content(run->job->conn, scratch, photo_id, &data, &len, run->err);
        card->photo = (const uint8_t *)data;
        card->photo_len = rc == 0 ? len : 0;
    }
    json_decref(attachment);
    return rc;
}

/* A contact as a vCard: names, e-mails, phones, addresses, birthday, title, companies, tags. */
static int vcard_of(struct export_run *run, struct arena *scratch, const json_t *record,
                    struct vcard *card)
{
    *card = (struct vcard){
        .version = "4.0",
        .uid = string_or_null(record, "external_id"),
        .fn = string_or_null(record, "name"),
        .n = {.family = string_or_null(record, "last_name"),
              .given = string_or_null(record, "first_name")},
        .title = string_or_null(record, "position"),
        .bday = string_or_null(record, "birthday"),
        .photo_uri = string_or_null(record, "photo_url"),
    };
    card->emails = vcard_values(scratch, json_object_get(record, "emails"), &card->n_emails);
    card->phones = vcard_values(scratch, json_object_get(record, "phones"), &card->n_phones);
    card->addresses =
        vcard_addresses(scratch, json_object_get(record, "addresses"), &card->n_addresses);
    const json_t *tags = json_object_get(record, "tags"), *item;
    const json_t *companies = json_object_get(record, "companies");
    size_t i;
    card->categories = arena_alloc_array(scratch, json_array_size(tags) + 1, sizeof(char *));
    json_array_foreach(tags, i, item)
    {
        if (json_string_value(item) != NULL)
            card->categories[card->n_categories++] = json_string_value(item);
    }
    /* The first company is the ORG; further ones follow as ORG lines of their own. */
    card->extras =
        arena_alloc_array(scratch, json_array_size(companies) + 1, sizeof(*card->extras));
    json_array_foreach(companies, i, item)
    {
        const char *name = string_or_null(item, "name");
        if (name == NULL)
            continue;
        if (card->org == NULL)
            card->org = name;
        else
            card->extras[card->n_extras++] =
                (struct vcard_extra){.name = "ORG", .value = vcard_escaped(scratch, name)};
    }
    if (card->fn == NULL)
        card->fn = "";
    return vcard_photo(run, scratch, record, card);
}

static int vcf_page(struct export_run *run, struct arena *scratch, const json_t *records)
{
    const json_t *record;
    size_t r;
    json_array_foreach(records, r, record)
    {
        struct vcard card;
        int rc = vcard_of(run, scratch, record, &card);
        if (rc < 0)
            return rc;
        if (vcard_write(&run->out, &card) < 0)
            return export_out_full(run);
        run->rows++;
        rc = export_flush(run, EXPORT_FLUSH_BYTES);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int vcf_finish(struct export_run *run)
{
    (void)run;
    return 0;
}

/* ---- iCalendar ---- */

/* The next CRLF- (or LF-) ended line of text from *pos; false at the end. */
static bool ics_next_line(const char *text, size_t len, size_t *pos, struct str *line)
{
    if (*pos >= len)
        return false;
    const char *start = text + *pos;
    const char *nl = memchr(start, '\n', len - *pos);
    size_t n = nl != NULL ? (size_t)(nl - start) + 1 : len - *pos;
    *line = (struct str){start, n};
    *pos += n;
    return true;
}

static bool ics_line_is(struct str line, const char *prefix)
{
    size_t n = strlen(prefix);
    return line.len >= n && strncmp(line.ptr, prefix, n) == 0;
}

/* The TZID of a VTIMEZONE block (its own line, before any sub-component); NULL when none. */
static const char *ics_block_tzid(struct arena *arena, const char *block, size_t len)
{
    size_t pos = 0;
    struct str line;
    int depth = 0;
    while (ics_next_line(block, len, &pos, &line)) {
        if (ics_line_is(line, "BEGIN:"))
            depth++;
        else if (ics_line_is(line, "END:"))
            depth--;
        else if (depth == 1 && ics_line_is(line, "TZID:")) {
            size_t n = line.len - 5;
            while (n > 0 && (line.ptr[5 + n - 1] == '\r' || line.ptr[5 + n - 1] == '\n'))
                n--;
            return arena_strndup(arena, line.ptr + 5, n);
        }
    }
    return NULL;
}

/* Whether the VTIMEZONE block was written already (and notes it when it was not). */
static bool ics_zone_seen(struct export_run *run, const char *block, size_t len)
{
    const char *tzid = ics_block_tzid(run->job->arena, block, len);
    if (tzid == NULL)
        return false;
    for (size_t i = 0; i < run->n_zones; i++) {
        if (strcmp(run->zones[i], tzid) == 0)
            return true;
    }
    if (run->n_zones < EXPORT_MAX_ZONES)
        run->zones[run->n_zones++] = tzid;
    return false;
}

/*
 * Writes one VCALENDAR text's parts into the file's calendar: its header
 * the first time (the lines before its first component), then its
 * components, each time zone once; never its END:VCALENDAR (ics_finish).
 */
static int ics_splice(struct export_run *run, const char *text, size_t len)
{
    size_t pos = 0, block_start = 0;
    struct str line;
    int depth = 0, rc = 0;
    bool header = !run->header_written;
    while (rc == 0 && ics_next_line(text, len, &pos, &line)) {
        size_t line_start = pos - line.len;
        if (ics_line_is(line, "BEGIN:")) {
            depth++;
            if (depth == 2) {
                header = false;
                block_start = line_start;
            }
        } else if (ics_line_is(line, "END:")) {
            depth--;
            if (depth == 1) {
                const char *block = text + block_start;
                size_t n = pos - block_start;
                bool zone = ics_line_is(line, "END:VTIMEZONE");
                if (!zone || !ics_zone_seen(run, block, n))
                    rc = buf_append(&run->out, block, n);
            }
            continue;
        }
        if (header && depth == 1)
            rc = buf_append(&run->out, line.ptr, line.len);
    }
    run->header_written = true;
    return rc < 0 ? export_out_full(run) : 0;
}

static int ics_begin(struct export_run *run)
{
    struct arena *scratch = arena_new();
    char *text = NULL;
    size_t len = 0;
    int rc = ical_export(scratch, NULL, 0, NULL, &text, &len, run->err);
    if (rc == 0)
        rc = ics_splice(run, text, len);
    arena_free(scratch);
    return rc;
}

static int ics_page(struct export_run *run, struct arena *scratch, const json_t *records)
{
    size_t n = json_array_size(records), i;
    const char *entity = run->plan->entity->name;
    struct ical_source *sources = arena_alloc_array(scratch, n + 1, sizeof(*sources));
    const json_t *record;
    char *text = NULL;
    size_t len = 0;
    json_array_foreach(records, i, record)
    {
        sources[i] = (struct ical_source){entity, record, NULL, false};
    }
    int rc = ical_export(scratch, sources, n, NULL, &text, &len, run->err);
    if (rc == 0) {
        run->rows += (int64_t)n;
        rc = ics_splice(run, text, len);
        return rc < 0 ? rc : export_flush(run, 0);
    }
    if (rc != -ERR_VALIDATION)
        return rc;
    /* A record with nothing to show (a rule that cannot be written): one at a time, without it. */
    for (i = 0; i < n; i++) {
        err_clear(run->err);
        rc = ical_export(scratch, &sources[i], 1, NULL, &text, &len, run->err);
        if (rc == -ERR_VALIDATION) {
            run->skipped++;
            continue;
        }
        if (rc == 0)
            rc = ics_splice(run, text, len);
        if (rc < 0)
            return rc;
        run->rows++;
    }
    err_clear(run->err);
    return export_flush(run, 0);
}

static int ics_finish(struct export_run *run)
{
    return buf_append_str(&run->out, "END:VCALENDAR\r\n") < 0 ? export_out_full(run) : 0;
}

static const struct export_format formats[] = {
    {"csv", "csv", "text/csv; charset=utf-8", csv_begin, csv_page, csv_finish},
    {"xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     xlsx_begin, xlsx_page, xlsx_finish},
    {"vcf", "vcf", "text/vcard; charset=utf-8", vcf_begin, vcf_page, vcf_finish},
    {"ics", "ics", "text/calendar; charset=utf-8", ics_begin, ics_page, ics_finish},
};

static const struct export_format *export_format_find(const char *name)
{
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(formats[i].name, name) == 0)
            return &formats[i];
    }
    return NULL;
}

/* ---- The run ---- */

/* Reads the list page by page and hands each page to the format. */
static int export_pages(struct export_run *run, const struct export_format *format)
{
    const struct actor *actor = api_actor(run->req);
    const struct entity *entity = run->plan->entity;
    struct list_query *q = &run->plan->lr.query;
    json_t *after = NULL;
    int rc = 0;
    q->limit = EXPORT_PAGE_ROWS;
    q->trash = false;
    q->count = false;
    for (;;) {
        struct arena *scratch = arena_new();
        struct list_page page = {.data = NULL};
        q->after = after;
        rc = store_record_list(run->job->conn, scratch, entity, &run->plan->lr.access, q, &page,
                               run->err);
        json_decref(after);
        after = NULL;
        if (rc == 0) {
            after = page.last_keys;
            actor_hide_fields(actor, entity, page.data);
            rc = format->page(run, scratch, page.data);
        }
        if (rc == 0)
            rc = export_flush(run, 0);
        json_decref(page.data);
        arena_free(scratch);
        if (rc < 0 || after == NULL)
            break;
    }
    json_decref(after);
    return rc;
}

/* Errors no later attempt would mend: the export fails at once. */
static bool export_error_is_final(enum err_code code)
{
    return code == ERR_FORBIDDEN || code == ERR_NOT_FOUND || code == ERR_BAD_REQUEST ||
           code == ERR_BAD_FILTER || code == ERR_BAD_CURSOR || code == ERR_VALIDATION ||
           code == ERR_TOO_LARGE;
}

/* Writes the export's file; *file_id is the file made (0 before it is). */
static int export_write(struct export_run *run, const json_t *export, int64_t *file_id)
{
    struct job_context *ctx = run->job;
    const char *entity = json_string_value(json_object_get(export, "entity"));
    const char *format_name = json_string_value(json_object_get(export, "format"));
    const char *created_at = json_string_value(json_object_get(export, "created_at"));
    const struct export_format *format = export_format_find(format_name);
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(ctx->now_ms, now);
    if (format == NULL)
        return err_set(run->err, ERR_VALIDATION, "unknown export format '%s'", format_name);
    int rc = api_export_prepare(run->req, ctx->conn, entity, format_name,
                                json_object_get(export, "request"), true, run->plan);
    if (rc < 0) {
        *run->err = run->req->err;
        return rc;
    }
    struct file_new file = {
        .name = arena_printf(ctx->arena, "%s-%.10s.%s", entity, created_at, format->extension),
        .content_type = format->content_type,
        .purpose = "export",
        .created_by = json_integer_value(json_object_get(export, "created_by")),
        .created_at = now,
    };
    rc = store_file_create(ctx->conn, ctx->arena, &file, file_id, run->err);
    if (rc < 0)
        return rc;
    file_writer_init(&run->file, ctx->conn, ctx->arena, *file_id);
    rc = format->begin(run);
    if (rc == 0)
        rc = export_pages(run, format);
    if (rc == 0)
        rc = format->finish(run);
    if (rc == 0)
        rc = export_flush(run, 0);
    if (rc == 0)
        rc = file_writer_finish(&run->file, run->err);
    struct err ignored;
    err_clear(&ignored);
    (void)xlsx_writer_close(run->xlsx, &ignored); /* after a failure only: finish closed it */
    run->xlsx = NULL;
    file_writer_release(&run->file);
    return rc;
}

/* The security log's note of a finished export, by its user. */
static int export_audit_done(struct export_run *run, const json_t *export, int64_t file_id)
{
    json_t *detail =
        json_pack("{s:I,s:O,s:O,s:I,s:I}", "export_id", (json_int_t)run->export_id, "entity",
                  json_object_get(export, "entity"), "format", json_object_get(export, "format"),
                  "rows", (json_int_t)run->rows, "file_id", (json_int_t)file_id);
    int rc = api_audit_security(run->req, run->job->conn, "export_done", 0, detail);
    json_decref(detail);
    if (rc < 0)
        *run->err = run->req->err;
    return rc;
}

/* What the export's error tells: the detail, else the first field error, else the title. */
static const char *export_failure_text(struct arena *arena, const struct err *err)
{
    if (err->detail[0] != '\0')
        return arena_strdup(arena, err->detail);
    if (err->n_fields > 0)
        return arena_printf(arena, "%s: %s", err->fields[0].field, err->fields[0].message);
    return err_title(err->code);
}

int export_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    int64_t id = json_integer_value(json_object_get(payload, "export_id"));
    struct http_request req;
    struct export_plan plan;
    struct export_run run = {.job = ctx, .req = &req, .plan = &plan, .export_id = id, .err = err};
    json_t *export = NULL;
    int64_t file_id = 0;
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(ctx->now_ms, now);
    buf_init(&run.out, EXPORT_PAGE_MAX_BYTES);
    int rc = store_export_job_hold(ctx->conn, ctx->arena, ctx->job->id, err);
    if (rc == 0)
        rc = store_export_get(ctx->conn, ctx->arena, id, &export, err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(err);
        log_warn("export_gone", "export_id=%lld", (long long)id);
        goto out;
    }
    /* Done or failed already (a second run of the same job): nothing to do. */
    const char *status = rc == 0 ? json_string_value(json_object_get(export, "status")) : NULL;
    if (rc < 0 || strcmp(status, "done") == 0 || strcmp(status, "failed") == 0)
        goto out;
    const char *request_id = arena_printf(ctx->arena, EXPORT_JOB_KEY_PREFIX "%lld", (long long)id);
    rc = api_job_request(&req, ctx->arena, ctx->conn,
                         json_integer_value(json_object_get(export, "created_by")), request_id);
    if (rc < 0)
        *err = req.err;
    if (rc == 0)
        rc = export_write(&run, export, &file_id);
    if (rc == 0)
        rc = store_export_finish(ctx->conn, ctx->arena, id, "done", run.rows, file_id, NULL, now,
                                 err);
    if (rc == 0)
        rc = export_audit_done(&run, export, file_id);
    if (rc == 0) {
        log_info("export_done", "export_id=%lld rows=%lld skipped=%lld bytes=%llu", (long long)id,
                 (long long)run.rows, (long long)run.skipped, (unsigned long long)run.file.size);
        goto out;
    }
    if (!export_error_is_final(err->code))
        goto out;
    /* Kept as failed, with nothing of the file: retrying would fail the same way. */
    char quoted[300];
    log_warn("export_failed", "export_id=%lld slug=%s detail=%s", (long long)id,
             err_slug(err->code), log_quote(quoted, sizeof(quoted), err->detail));
    const char *message = export_failure_text(ctx->arena, err);
    err_clear(err);
    rc = file_id > 0 ? store_file_delete(ctx->conn, ctx->arena, file_id, err) : 0;
    if (rc == 0)
        rc = store_export_finish(ctx->conn, ctx->arena, id, "failed", 0, 0, message, now, err);
out:
    json_decref(export);
    buf_release(&run.out);
    return rc;
}
