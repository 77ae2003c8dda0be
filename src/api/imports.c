/*
 * Imports, the requests: POST /imports takes a file (multipart: file,
 * entity, settings), checks it whole and keeps it with its columns, a
 * preview and a suggested mapping; PATCH sets the settings; /run queues a
 * dry run or the import itself as jobs (api/import_run.c does the rows);
 * /cancel, /undo; /errors lists the rows that failed, as JSON or CSV.
 *
 * An import is its creator's: others get 404, administrators see all.
 * The rights are the creator's role's: the import right on the entity to
 * upload and run, and then, row by row, the same create and update rights
 * and field rights as the API's own writes (the job acts as the creator).
 *
 * DESIGN: the file is read whole at upload (bounded by --max-import-bytes)
 * so that a file that cannot be read to its end is refused before anything
 * is written, and the row count makes the progress bar honest. An XLSX
 * file is kept as the CSV text of its first sheet: the job then reads
 * every format but vCard as CSV, from a byte offset, which is what lets a
 * batch start where the last committed one stopped.
 */
#include "api/api.h"
#include "api/import_run.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "domain/entity.h"
#include "domain/import.h"
#include "formats/csv.h"
#include "formats/vcard.h"
#include "formats/xlsx.h"
#include "http/multipart.h"
#include "jobs/queue.h"
#include "store/files.h"
#include "store/imports.h"

#define IMPORTS_PAGE_MAX 100
#define IMPORT_ERRORS_PAGE_MAX 1000
#define IMPORT_FILE_NAME_MAX 200

/* What reading a whole file at upload found. */
struct import_scan {
    enum import_format format;
    const char **columns;
    size_t n_columns;
    json_t *preview; /* [[cells], ...] of the first rows */
    int64_t rows;
    size_t data_offset; /* where the first data row starts in the kept file */
    size_t data_line;
    char separator;
    enum csv_encoding encoding;
};

/* ---- the import as the API shows it ---- */

json_t *api_import_view(const json_t *row)
{
    const json_t *preview = json_object_get(row, "preview");
    const json_t *counts = json_object_get(row, "counts");
    int64_t total = json_integer_value(json_object_get(row, "total_rows"));
    int64_t done = json_integer_value(json_object_get(row, "rows_done"));
    int64_t run_ms = json_integer_value(json_object_get(row, "run_ms"));
    double per_s = run_ms > 0 ? (double)done * 1000.0 / (double)run_ms : 0.0;
    json_t *progress = json_pack("{s:I,s:I}", "total", (json_int_t)total, "done", (json_int_t)done);
    static const char *const count_names[] = {"errors",     "created", "updated", "skipped",
                                              "duplicates", "merged",  "undone",  "kept"};
    for (size_t i = 0; i < sizeof(count_names) / sizeof(count_names[0]); i++) {
        json_t *n = json_object_get(counts, count_names[i]);
        json_object_set_new(progress, count_names[i],
                            json_integer(n != NULL ? json_integer_value(n) : 0));
    }
    json_object_set_new(progress, "rows_per_s", json_integer((json_int_t)(per_s + 0.5)));
    json_object_set_new(progress, "eta_s",
                        per_s > 0 && total > done
                            ? json_integer((json_int_t)((double)(total - done) / per_s + 0.5))
                            : json_null());
    json_t *view = json_object();
    static const char *const copied[] = {
        "id",      "entity", "format",     "file_name",  "status",     "dry_run",     "settings",
        "columns", "error",  "created_by", "created_at", "started_at", "finished_at", "version"};
    for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
        json_object_set(view, copied[i], json_object_get(row, copied[i]));
    json_object_set(view, "preview", json_object_get(preview, "rows"));
    json_object_set(view, "suggested_mapping", json_object_get(preview, "suggested_mapping"));
    json_object_set(view, "mapping_source", json_object_get(preview, "mapping_source"));
    json_object_set_new(view, "progress", progress);
    return view;
}

/* The path's import, which must be the caller's (or the caller an administrator); 404 else. */
static int import_find(struct http_request *req, struct store_conn *conn, bool for_update,
                       json_t **row)
{
    int64_t id;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = store_import_get(conn, req->arena, id, for_update, row, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, *row);
    const struct actor *actor = api_actor(req);
    if (!actor_is_admin(actor) &&
        json_integer_value(json_object_get(*row, "created_by")) != actor->user_id)
        return err_set(&req->err, ERR_NOT_FOUND, "no import with id %lld", (long long)id);
    return 0;
}

static int respond_import(struct http_request *req, struct http_response *res, int status,
                          const json_t *row)
{
    json_t *view = api_keep(req, api_import_view(row));
    return http_respond_json(res, status, view);
}

static int64_t import_id_of(const json_t *row)
{
    return json_integer_value(json_object_get(row, "id"));
}

/* Reads the import back in conn's transaction, commits rc's outcome and answers the import. */
static int commit_and_respond(struct http_request *req, struct http_response *res,
                              struct store_conn *conn, int rc, int64_t id, int status)
{
    json_t *row = NULL;
    if (rc == 0)
        rc = store_import_get(conn, req->arena, id, false, &row, &req->err);
    if (row != NULL)
        api_keep(req, row);
    rc = api_commit(req, conn, rc);
    return rc < 0 ? rc : respond_import(req, res, status, row);
}

/* 403 unless the caller may import into entity (404 for an entity that takes no imports). */
static int import_entity_check(struct http_request *req, const char *name,
                               const struct entity **entity)
{
    *entity = name != NULL ? entity_find(name) : NULL;
    if (*entity == NULL || !import_entity_allowed(*entity)) {
        err_set(&req->err, ERR_VALIDATION,
                "entity must be one of companies, contacts, leads, "
                "deals, products, activities");
        return err_field(&req->err, "entity", "is not an entity that takes imports");
    }
    if (actor_scope(api_actor(req), *entity, ACCESS_IMPORT) == SCOPE_NONE)
        return err_set(&req->err, ERR_FORBIDDEN, "your role may not import %s", (*entity)->name);
    return 0;
}

/* ---- reading the file at upload ---- */

/* Header cells as column names: trimmed, "Column N" when empty, "Name (2)" when repeated. */
static const char **column_names(struct arena *arena, const struct str *cells, size_t n)
{
    const char **names = arena_alloc_array(arena, n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        struct str t = str_trim(cells[i]);
        const char *name =
            t.len > 0 ? str_to_cstr(arena, t) : arena_printf(arena, "Column %zu", i + 1);
        const char *unique = name;
        for (int k = 2;; k++) {
            bool taken = false;
            for (size_t j = 0; j < i && !taken; j++)
                taken = strcmp(names[j], unique) == 0;
            if (!taken)
                break;
            unique = arena_printf(arena, "%s (%d)", name, k);
        }
        names[i] = unique;
    }
    return names;
}

static json_t *preview_row(const struct str *cells, size_t n)
{
    json_t *row = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(row, json_stringn(cells[i].ptr, cells[i].len));
    return row;
}

/*
 * 422 for a file that cannot be read to its end, saying why: detail, or
 * (NULL) the reader's own error, which this replaces.
 */
static int unreadable(struct http_request *req, const char *detail)
{
    if (detail == NULL)
        detail = arena_strdup(req->arena, req->err.detail);
    err_clear(&req->err);
    return err_set(&req->err, ERR_VALIDATION, "the file cannot be read: %s", detail);
}

/* Reads CSV text whole: header, row count, preview; a file-level error is 422 naming the line. */
static int scan_csv_text(struct http_request *req, const char *data, size_t len,
                         const struct csv_options *options, struct import_scan *scan)
{
    struct csv_reader *reader = csv_reader_open_buffer(req->arena, data, len, options);
    struct csv_row row;
    struct err *err = &req->err;
    int rc = csv_reader_next(reader, &row, err);
    if (rc == 0)
        return err_set(err, ERR_VALIDATION, "the file is empty: it needs a header row");
    if (rc < 0 || row.error != NULL)
        return unreadable(req, rc < 0 ? NULL : row.error);
    scan->columns = column_names(req->arena, row.fields, row.n_fields);
    scan->n_columns = row.n_fields;
    scan->data_offset = row.next_offset;
    scan->data_line = row.next_line;
    scan->separator = csv_reader_separator(reader);
    scan->encoding = csv_reader_encoding(reader);
    scan->preview = api_keep(req, json_array());
    while ((rc = csv_reader_next(reader, &row, err)) == 1) {
        if (scan->rows++ < IMPORT_PREVIEW_ROWS)
            json_array_append_new(scan->preview, preview_row(row.fields, row.n_fields));
    }
    if (rc < 0)
        return unreadable(req, NULL);
    return 0;
}

/* An XLSX file's first sheet as CSV text (kept instead of the file), then read as CSV. */
static int scan_xlsx(struct http_request *req, const char *data, size_t len, struct buf *csv,
                     struct import_scan *scan)
{
    struct xlsx_reader *reader;
    struct xlsx_row row;
    int rc = xlsx_reader_open(req->arena, data, len, NULL, &reader, &req->err);
    if (rc < 0)
        return unreadable(req, NULL);
    while ((rc = xlsx_reader_next(reader, &row, &req->err)) == 1) {
        if (row.n_cells == 0)
            continue;
        if (csv_write_row(csv, row.cells, row.n_cells, ',', false) < 0) {
            xlsx_reader_close(reader);
            return err_set(&req->err, ERR_TOO_LARGE, "the sheet is larger than the import limit");
        }
    }
    xlsx_reader_close(reader);
    if (rc < 0)
        return unreadable(req, NULL);
    struct csv_options options = {.separator = ',', .encoding = CSV_ENCODING_UTF8};
    return scan_csv_text(req, csv->data != NULL ? csv->data : "", csv->len, &options, scan);
}

/* vCards: the cards counted, the first ones previewed; only unreadable text fails the file. */
static int scan_vcf(struct http_request *req, const char *data, size_t len,
                    struct import_scan *scan)
{
    struct vcard_reader *reader;
    struct vcard card;
    int rc = vcard_reader_open(req->arena, data, len, NULL, &reader);
    scan->columns = (const char **)import_vcard_columns;
    scan->n_columns = import_vcard_n_columns;
    scan->preview = api_keep(req, json_array());
    while (rc == 0 && (rc = vcard_reader_next(reader, req->arena, &card, &req->err)) == 1) {
        if (scan->rows++ < IMPORT_PREVIEW_ROWS) {
            const char **cells = arena_alloc_array(req->arena, scan->n_columns, sizeof(char *));
            import_vcard_cells(req->arena, &card, cells);
            json_t *row = json_array();
            for (size_t i = 0; i < scan->n_columns; i++)
                json_array_append_new(row, json_string(cells[i]));
            json_array_append_new(scan->preview, row);
        }
        rc = 0;
    }
    if (rc < 0)
        return unreadable(req, NULL);
    if (scan->rows == 0)
        return err_set(&req->err, ERR_VALIDATION, "the file holds no vCard");
    return 0;
}

/*
 * Reads the uploaded file whole (scan) and writes what the import keeps
 * (the file, or an XLSX sheet's CSV) into file_id's chunks.
 */
static int scan_and_keep(struct http_request *req, struct store_conn *conn, int64_t file_id,
                         const char *data, size_t len, const struct import_settings *settings,
                         struct import_scan *scan)
{
    struct buf csv;
    buf_init(&csv, (size_t)512 << 20);
    int rc;
    const char *kept = data;
    size_t kept_len = len;
    if (scan->format == IMPORT_XLSX) {
        rc = scan_xlsx(req, data, len, &csv, scan);
        kept = csv.data != NULL ? csv.data : "";
        kept_len = csv.len;
    } else if (scan->format == IMPORT_VCF) {
        rc = scan_vcf(req, data, len, scan);
    } else {
        struct csv_options options = {.separator = settings->separator,
                                      .encoding = settings->encoding};
        rc = scan_csv_text(req, data, len, &options, scan);
    }
    if (rc == 0) {
        struct file_writer writer;
        file_writer_init(&writer, conn, req->arena, file_id);
        rc = file_writer_write(&writer, kept, kept_len, &req->err);
        if (rc == 0)
            rc = file_writer_finish(&writer, &req->err);
        file_writer_release(&writer);
    }
    buf_release(&csv);
    return rc;
}

/* The multipart form's parts: file (required), entity, settings (JSON text). */
static int read_form(struct http_request *req, const struct multipart_part **file,
                     const char **entity, json_t **settings)
{
    struct str boundary;
    struct multipart_part *parts;
    size_t n_parts;
    const char *type = http_header(req, "Content-Type");
    int rc = multipart_boundary(type != NULL ? type : "", &boundary, &req->err);
    if (rc == 0)
        rc = multipart_parse(req->arena, req->body, req->body_len, boundary, &parts, &n_parts,
                             &req->err);
    if (rc < 0)
        return rc;
    *file = multipart_find(parts, n_parts, "file");
    const struct multipart_part *e = multipart_find(parts, n_parts, "entity");
    const struct multipart_part *s = multipart_find(parts, n_parts, "settings");
    if (*file == NULL || (*file)->filename == NULL) {
        err_set(&req->err, ERR_VALIDATION, "the form needs a file");
        return err_field(&req->err, "file", "is required");
    }
    *entity = e != NULL ? arena_strndup(req->arena, e->data, e->len) : NULL;
    *settings = NULL;
    if (s != NULL && s->len > 0) {
        json_error_t error;
        *settings = api_keep(req, json_loadb(s->data, s->len, 0, &error));
        if (*settings == NULL || !json_is_object(*settings)) {
            err_set(&req->err, ERR_VALIDATION, "settings must be a JSON object");
            return err_field(&req->err, "settings", "must be a JSON object");
        }
    }
    return 0;
}

/* The mapping to start from: remembered for this header row, else suggested. */
static int mapping_start(struct http_request *req, struct store_conn *conn,
                         const struct entity *entity, const struct custom_fields *custom,
                         const struct import_scan *scan, const char *source_key, json_t **mapping,
                         const char **source)
{
    json_t *remembered = NULL;
    int rc = scan->format == IMPORT_VCF
                 ? 0
                 : store_import_mapping_get(conn, req->arena, entity->name, source_key, &remembered,
                                            &req->err);
    if (rc < 0)
        return rc;
    if (remembered != NULL) {
        *mapping = api_keep(req, remembered);
        *source = "remembered";
        return 0;
    }
    if (scan->format == IMPORT_VCF) {
        *mapping = api_keep(req, json_object());
        *source = "vcard";
        return 0;
    }
    *mapping = api_keep(
        req, import_mapping_suggest(entity, custom, scan->columns, scan->n_columns, source));
    return 0;
}

int imports_create(struct http_request *req, struct http_response *res)
{
    const struct multipart_part *file = NULL;
    const char *entity_name = NULL;
    const struct entity *entity = NULL;
    json_t *given = NULL;
    struct store_conn *conn;
    struct custom_fields custom;
    struct import_settings settings = {0};
    int rc = read_form(req, &file, &entity_name, &given);
    if (rc == 0)
        rc = import_entity_check(req, entity_name, &entity);
    if (rc < 0)
        return rc;
    const char *file_name =
        arena_strndup(req->arena, file->filename, strnlen(file->filename, IMPORT_FILE_NAME_MAX));
    int format = import_format_detect(file_name, file->data, file->len);
    if (format < 0) {
        err_set(&req->err, ERR_VALIDATION, "the file is not CSV, XLSX or vCard");
        return err_field(&req->err, "file", "is not CSV, XLSX or vCard (save .xls files as .xlsx)");
    }
    if (format == IMPORT_VCF && entity != &entity_contacts) {
        err_set(&req->err, ERR_VALIDATION, "vCards import into contacts");
        return err_field(&req->err, "entity", "vCards import into contacts");
    }
    rc = api_begin(req, &conn);
    if (rc == 0)
        rc = store_fields_load(conn, req->arena, entity->name, &custom, &req->err);
    /* Settings without a mapping first: the file's columns are not known yet. */
    json_t *early = api_keep(req, given != NULL ? json_deep_copy(given) : json_object());
    json_object_del(early, "mapping");
    if (rc == 0)
        rc = import_settings_parse(entity, &custom, early, NULL, 0, &settings, &req->err);
    import_settings_release(&settings);
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    int64_t user_id = api_actor(req)->user_id, file_id = 0, id = 0;
    struct file_new meta = {.name = file_name,
                            .content_type = "application/octet-stream",
                            .purpose = "import",
                            .created_by = user_id,
                            .created_at = now};
    if (rc == 0)
        rc = store_file_create(conn, req->arena, &meta, &file_id, &req->err);
    struct import_scan scan = {.format = (enum import_format)format};
    if (rc == 0)
        rc = scan_and_keep(req, conn, file_id, file->data, file->len, &settings, &scan);
    const char *source_key = NULL, *source = NULL;
    json_t *mapping = NULL;
    if (rc == 0) {
        source_key = import_source_key(req->arena, scan.columns, scan.n_columns);
        rc = mapping_start(req, conn, entity, &custom, &scan, source_key, &mapping, &source);
    }
    /* The settings kept: the given ones (mapping checked against the columns) or defaults. */
    json_t *wanted = api_keep(req, given != NULL ? json_deep_copy(given) : json_object());
    if (json_object_get(wanted, "mapping") == NULL)
        json_object_set(wanted, "mapping", mapping);
    if (rc == 0)
        rc = import_settings_parse(entity, &custom, wanted, scan.columns, scan.n_columns, &settings,
                                   &req->err);
    if (rc == 0) {
        settings.separator = scan.format == IMPORT_CSV ? scan.separator : ',';
        settings.encoding = scan.format == IMPORT_CSV ? scan.encoding : CSV_ENCODING_UTF8;
        json_t *columns = json_array();
        for (size_t i = 0; i < scan.n_columns; i++)
            json_array_append_new(columns, json_string(scan.columns[i]));
        json_t *preview =
            json_pack("{s:O,s:O,s:s,s:I,s:I}", "rows", scan.preview, "suggested_mapping", mapping,
                      "mapping_source", source, "data_offset", (json_int_t)scan.data_offset,
                      "data_line", (json_int_t)scan.data_line);
        json_t *values = api_keep(
            req,
            json_pack(
                "{s:s,s:s,s:I,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:s,s:s}", "entity",
                entity->name, "format", import_format_name(scan.format), "file_id",
                (json_int_t)file_id, "file_name", file_name, "status", "draft", "dry_run", 0,
                "settings",
                store_json_text(req->arena, api_keep(req, import_settings_json(&settings)), "{}"),
                "columns", store_json_text(req->arena, api_keep(req, columns), "[]"), "preview",
                store_json_text(req->arena, api_keep(req, preview), "{}"), "source_key", source_key,
                "total_rows", (json_int_t)scan.rows, "next_offset", (json_int_t)scan.data_offset,
                "next_line", (json_int_t)scan.data_line, "created_by", (json_int_t)user_id,
                "created_at", now, "updated_at", now));
        import_settings_release(&settings);
        rc = store_import_insert(conn, req->arena, values, &id, &req->err);
    }
    if (rc == 0)
        http_response_header(res, "Location",
                             arena_printf(req->arena, "/api/v1/imports/%lld", (long long)id));
    return commit_and_respond(req, res, conn, rc, id, 201);
}

int imports_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *row;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = import_find(req, conn, false, &row);
    return rc < 0 ? rc : respond_import(req, res, 200, row);
}

int imports_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *rows;
    size_t limit;
    int64_t before;
    int rc = api_parse_limit(req, 20, IMPORTS_PAGE_MAX, &limit);
    if (rc == 0)
        rc = api_query_id(req, "before", &before);
    if (rc == 0)
        rc = api_conn(req, &conn);
    const struct actor *actor = api_actor(req);
    if (rc == 0)
        rc = store_imports_list(conn, req->arena, actor_is_admin(actor) ? 0 : actor->user_id,
                                before, limit, &rows, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, rows);
    json_t *data = api_keep(req, json_array());
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append_new(data, api_import_view(row));
    json_t *answer = api_keep(req, json_pack("{s:O}", "data", data));
    return http_respond_json(res, 200, answer);
}

int imports_fields(struct http_request *req, struct http_response *res)
{
    const struct entity *entity;
    struct store_conn *conn;
    struct custom_fields custom;
    int rc = import_entity_check(req, http_query(req, "entity"), &entity);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_fields_load(conn, req->arena, entity->name, &custom, &req->err);
    if (rc < 0)
        return rc;
    json_t *targets = api_keep(req, import_targets(entity, &custom));
    /* Fields the caller's role may not write are not offered. */
    json_t *shown = api_keep(req, json_array());
    size_t i;
    json_t *t;
    json_array_foreach(targets, i, t)
    {
        const char *name = json_string_value(json_object_get(t, "name"));
        json_t *probe = json_pack("{s:s}", name, "");
        struct err scratch;
        err_clear(&scratch);
        if (strchr(name, '.') != NULL ||
            actor_check_writable(api_actor(req), entity, probe, &scratch) == 0)
            json_array_append(shown, t);
        json_decref(probe);
    }
    json_t *answer = api_keep(req, json_pack("{s:O}", "data", shown));
    return http_respond_json(res, 200, answer);
}

/* The columns an import row keeps, as an array of C strings in the arena. */
static const char **row_columns(struct http_request *req, const json_t *row, size_t *n)
{
    const json_t *columns = json_object_get(row, "columns");
    *n = json_array_size(columns);
    const char **names = arena_alloc_array(req->arena, *n + 1, sizeof(char *));
    for (size_t i = 0; i < *n; i++)
        names[i] = json_string_value(json_array_get(columns, i));
    return names;
}

static bool status_is(const json_t *row, const char *a, const char *b)
{
    const char *status = json_string_value(json_object_get(row, "status"));
    return strcmp(status, a) == 0 || (b != NULL && strcmp(status, b) == 0);
}

int imports_update(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *row, *body;
    struct custom_fields custom;
    struct import_settings settings;
    int rc = http_request_json(req, &body);
    if (rc == 0 && (!json_is_object(body) || json_object_get(body, "settings") == NULL)) {
        err_set(&req->err, ERR_VALIDATION, "the body is {\"settings\": {...}}");
        rc = err_field(&req->err, "settings", "is required");
    }
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = import_find(req, conn, true, &row);
    if (rc == 0 && !status_is(row, "draft", "checked"))
        rc = err_set(&req->err, ERR_CONFLICT, "the import has started: its settings are fixed");
    const struct entity *entity =
        rc == 0 ? entity_find(json_string_value(json_object_get(row, "entity"))) : NULL;
    if (rc == 0)
        rc = store_fields_load(conn, req->arena, entity->name, &custom, &req->err);
    size_t n_columns = 0;
    const char **columns = rc == 0 ? row_columns(req, row, &n_columns) : NULL;
    /* Unset keys keep their values; the separator and encoding found at upload stay. */
    json_t *merged = api_keep(req, json_deep_copy(json_object_get(row, "settings")));
    if (rc == 0) {
        json_object_update(merged, json_object_get(body, "settings"));
        json_object_set(merged, "separator",
                        json_object_get(json_object_get(row, "settings"), "separator"));
        json_object_set(merged, "encoding",
                        json_object_get(json_object_get(row, "settings"), "encoding"));
        rc = import_settings_parse(entity, &custom, merged, columns, n_columns, &settings,
                                   &req->err);
    }
    if (rc == 0) {
        char now[CLOCK_DATETIME_LEN + 1];
        clock_format_datetime(clock_now_ms(), now);
        json_t *text = api_keep(req, import_settings_json(&settings));
        import_settings_release(&settings);
        json_t *values = api_keep(req, json_pack("{s:s,s:s,s:s}", "settings",
                                                 store_json_text(req->arena, text, "{}"), "status",
                                                 "draft", "updated_at", now));
        rc = store_import_update(conn, req->arena, import_id_of(row), values, &req->err);
    }
    return commit_and_respond(req, res, conn, rc, rc == 0 ? import_id_of(row) : 0, 200);
}

/* Queues the import's next job of kind in conn's transaction. */
int api_import_enqueue(struct store_conn *conn, struct arena *arena, const char *kind, int64_t id,
                       int64_t version, struct err *err)
{
    json_t *payload = json_pack("{s:I}", "import_id", (json_int_t)id);
    const char *key = arena_printf(arena, "%s:%lld:%lld", kind, (long long)id, (long long)version);
    bool created;
    int rc = jobs_enqueue(conn, arena, kind, payload, clock_now_ms(), key, &created, err);
    json_decref(payload);
    return rc;
}

int imports_run(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *row, *body = NULL;
    struct custom_fields custom;
    struct import_settings settings;
    int rc = req->body_len > 0 ? http_request_json(req, &body) : 0;
    const json_t *dry = json_object_get(body, "dry_run");
    if (rc == 0 && dry != NULL && !json_is_boolean(dry)) {
        err_set(&req->err, ERR_VALIDATION, "dry_run must be true or false");
        rc = err_field(&req->err, "dry_run", "must be true or false");
    }
    bool dry_run = json_is_true(dry);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = import_find(req, conn, true, &row);
    if (rc == 0 && !status_is(row, "draft", "checked"))
        rc = err_set(&req->err, ERR_CONFLICT, "the import has run already");
    const struct entity *entity =
        rc == 0 ? entity_find(json_string_value(json_object_get(row, "entity"))) : NULL;
    if (rc == 0 && actor_scope(api_actor(req), entity, ACCESS_IMPORT) == SCOPE_NONE)
        rc = err_set(&req->err, ERR_FORBIDDEN, "your role may not import %s", entity->name);
    if (rc == 0)
        rc = store_fields_load(conn, req->arena, entity->name, &custom, &req->err);
    size_t n_columns = 0;
    const char **columns = rc == 0 ? row_columns(req, row, &n_columns) : NULL;
    if (rc == 0)
        rc = import_settings_parse(entity, &custom, json_object_get(row, "settings"), columns,
                                   n_columns, &settings, &req->err);
    bool vcf = rc == 0 && strcmp(json_string_value(json_object_get(row, "format")), "vcf") == 0;
    if (rc == 0 && !vcf && json_object_size(settings.mapping) == 0) {
        err_set(&req->err, ERR_VALIDATION, "no column is mapped to a field");
        rc = err_field(&req->err, "settings.mapping", "map at least one column to a field");
    }
    int64_t id = json_integer_value(json_object_get(row, "id"));
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    if (rc == 0 && !dry_run && !vcf)
        rc = store_import_mapping_put(conn, req->arena, entity->name,
                                      json_string_value(json_object_get(row, "source_key")),
                                      settings.mapping, api_actor(req)->user_id, now, &req->err);
    if (rc == 0)
        import_settings_release(&settings);
    if (rc == 0)
        rc = store_import_errors_clear(conn, req->arena, id, dry_run, &req->err);
    if (rc == 0) {
        const json_t *preview = json_object_get(row, "preview");
        json_t *values =
            api_keep(req, json_pack("{s:s,s:i,s:i,s:s,s:O,s:O,s:i,s:s,s:n,s:n,s:s}", "status",
                                    dry_run ? "checking" : "queued", "dry_run", dry_run ? 1 : 0,
                                    "rows_done", 0, "counts", "{}", "next_offset",
                                    json_object_get(preview, "data_offset"), "next_line",
                                    json_object_get(preview, "data_line"), "run_ms", 0,
                                    "started_at", now, "finished_at", "error", "updated_at", now));
        rc = store_import_update(conn, req->arena, id, values, &req->err);
    }
    if (rc == 0)
        rc = api_import_enqueue(conn, req->arena, "import", id,
                                json_integer_value(json_object_get(row, "version")), &req->err);
    if (rc == 0 && !dry_run) {
        json_t *detail =
            api_keep(req, json_pack("{s:I,s:s,s:O}", "import_id", (json_int_t)id, "file_name",
                                    json_string_value(json_object_get(row, "file_name")), "rows",
                                    json_object_get(row, "total_rows")));
        rc = api_audit(req, conn, "security", "import_started", entity->name, 0, NULL, detail);
    }
    return commit_and_respond(req, res, conn, rc, id, 202);
}

/* Cancel (stop, then revert what was written) or undo (revert a finished import). */
static int import_revert(struct http_request *req, struct http_response *res, bool cancel)
{
    struct store_conn *conn;
    json_t *row;
    int rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = import_find(req, conn, true, &row);
    bool running = rc == 0 && status_is(row, "queued", "running");
    bool checking = rc == 0 && status_is(row, "checking", NULL);
    if (rc == 0 && cancel && !running && !checking)
        rc = err_set(&req->err, ERR_CONFLICT, "only a queued or running import can be cancelled");
    if (rc == 0 && !cancel && !status_is(row, "done", "failed"))
        rc = err_set(&req->err, ERR_CONFLICT, "only a finished import can be undone");
    int64_t id = json_integer_value(json_object_get(row, "id"));
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    if (rc == 0 && checking) { /* a dry run writes nothing: it just stops */
        json_t *values = api_keep(req, json_pack("{s:s,s:s,s:s}", "status", "draft", "finished_at",
                                                 now, "updated_at", now));
        rc = store_import_update(conn, req->arena, id, values, &req->err);
    } else if (rc == 0 && cancel) {
        /* The running batch sees the request and hands over to the undo. */
        json_t *values =
            api_keep(req, json_pack("{s:i,s:s}", "cancel_requested", 1, "updated_at", now));
        rc = store_import_update(conn, req->arena, id, values, &req->err);
    } else if (rc == 0) {
        json_t *values =
            api_keep(req, json_pack("{s:s,s:s}", "status", "undoing", "updated_at", now));
        rc = store_import_update(conn, req->arena, id, values, &req->err);
        if (rc == 0)
            rc = api_import_enqueue(conn, req->arena, "import_undo", id,
                                    json_integer_value(json_object_get(row, "version")), &req->err);
    }
    if (rc == 0 && !checking) {
        json_t *detail = api_keep(req, json_pack("{s:I}", "import_id", (json_int_t)id));
        rc = api_audit(req, conn, "security", cancel ? "import_cancelled" : "import_undone",
                       json_string_value(json_object_get(row, "entity")), 0, NULL, detail);
    }
    return commit_and_respond(req, res, conn, rc, id, 202);
}

int imports_cancel(struct http_request *req, struct http_response *res)
{
    return import_revert(req, res, true);
}

int imports_undo(struct http_request *req, struct http_response *res)
{
    return import_revert(req, res, false);
}

/* The error report as CSV: row, line, column, message (neutralised: it holds file text). */
static int errors_csv(struct http_request *req, struct http_response *res, struct store_conn *conn,
                      const json_t *row, bool dry_run)
{
    struct buf out;
    buf_init(&out, HTTP_MAX_RESPONSE_BYTES);
    int64_t id = json_integer_value(json_object_get(row, "id")), after = 0;
    static const char *const header[] = {"row", "line", "column", "message"};
    int rc = 0;
    for (size_t i = 0; i < 4 && rc == 0; i++) {
        if (i > 0 && buf_putc(&out, ',') < 0)
            rc = -ERR_TOO_LARGE;
        if (rc == 0)
            rc = csv_write_field(&out, header[i], strlen(header[i]), ',', true);
    }
    if (rc == 0)
        rc = csv_write_row_end(&out);
    for (;;) {
        json_t *page = NULL;
        if (rc == 0)
            rc = store_import_errors_list(conn, req->arena, id, dry_run, after,
                                          IMPORT_ERRORS_PAGE_MAX, &page, &req->err);
        if (rc < 0 || json_array_size(page) == 0) {
            json_decref(page);
            break;
        }
        size_t i;
        json_t *e;
        json_array_foreach(page, i, e)
        {
            char numbers[64];
            snprintf(numbers, sizeof(numbers), "%lld,%lld,",
                     (long long)json_integer_value(json_object_get(e, "row")),
                     (long long)json_integer_value(json_object_get(e, "line")));
            const char *column = json_string_value(json_object_get(e, "column"));
            const char *message = json_string_value(json_object_get(e, "message"));
            if (rc == 0 && buf_append_str(&out, numbers) < 0)
                rc = -ERR_TOO_LARGE;
            if (rc == 0)
                rc = csv_write_field(&out, column ? column : "", column ? strlen(column) : 0, ',',
                                     true);
            if (rc == 0 && buf_putc(&out, ',') < 0)
                rc = -ERR_TOO_LARGE;
            if (rc == 0)
                rc = csv_write_field(&out, message, strlen(message), ',', true);
            if (rc == 0)
                rc = csv_write_row_end(&out);
            after = json_integer_value(json_object_get(e, "id"));
        }
        json_decref(page);
    }
    if (rc == -ERR_TOO_LARGE)
        rc = err_set(&req->err, ERR_TOO_LARGE, "the error report is too large to send");
    if (rc == 0) {
        rc = http_respond_bytes(res, 200, "text/csv; charset=utf-8", out.data, out.len);
        http_response_header(res, "Content-Disposition",
                             arena_printf(req->arena,
                                          "attachment; filename=\"import-%lld-errors.csv\"",
                                          (long long)id));
    }
    buf_release(&out);
    return rc;
}

int imports_errors(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *row, *page;
    size_t limit;
    int64_t after;
    const char *format = http_query(req, "format");
    int rc = api_parse_limit(req, 100, IMPORT_ERRORS_PAGE_MAX, &limit);
    if (rc == 0)
        rc = api_query_id(req, "cursor", &after);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = import_find(req, conn, false, &row);
    if (rc < 0)
        return rc;
    /* The dry run's errors until the import runs for real. */
    bool dry_run =
        json_is_true(json_object_get(row, "dry_run")) || status_is(row, "checked", "checking");
    if (format != NULL && strcmp(format, "csv") == 0)
        return errors_csv(req, res, conn, row, dry_run);
    if (format != NULL && strcmp(format, "json") != 0) {
        err_set(&req->err, ERR_VALIDATION, "format is csv or json");
        return err_field(&req->err, "format", "is csv or json");
    }
    rc = store_import_errors_list(conn, req->arena, json_integer_value(json_object_get(row, "id")),
                                  dry_run, after, limit, &page, &req->err);
    if (rc < 0)
        return rc;
    int64_t last = json_array_size(page) == limit
                       ? json_integer_value(json_object_get(json_array_get(page, limit - 1), "id"))
                       : 0;
    return api_respond_page(req, res, page, last);
}
