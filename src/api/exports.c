/*
 * Exports: POST /exports checks a list request as GET /{entity} would run
 * it (the caller's read scope narrowed to their export scope, field rights,
 * filter, q, sort) and queues an export job for it; GET /exports and
 * /exports/{id} show exports to whoever asked for them (administrators see
 * all); /exports/{id}/file streams the finished file from the store a
 * chunk at a time. The job that writes the file is jobs/export.c, which
 * prepares the same request again with api_export_prepare() as the user.
 */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/file_name.h"
#include "domain/record.h"
#include "jobs/queue.h"
#include "store/exports.h"
#include "store/files.h"
#include "store/store.h"

#define EXPORTS_DEFAULT_LIMIT 20
#define EXPORTS_MAX_LIMIT 100
#define EXPORT_FILTER_MAX_BYTES 4000

/* The formats and the entities each serves (NULL: every entity). */
static const struct {
    const char *format;
    const char *entities[3];
} export_formats[] = {
    {"csv", {NULL}},
    {"xlsx", {NULL}},
    {"vcf", {"contacts", NULL}},
    {"ics", {"activities", "tasks", NULL}},
};

static bool export_format_serves(const char *format, const char *entity, bool *known)
{
    *known = false;
    for (size_t i = 0; i < sizeof(export_formats) / sizeof(export_formats[0]); i++) {
        if (strcmp(export_formats[i].format, format) != 0)
            continue;
        *known = true;
        if (export_formats[i].entities[0] == NULL)
            return true;
        for (size_t k = 0; export_formats[i].entities[k] != NULL; k++) {
            if (strcmp(export_formats[i].entities[k], entity) == 0)
                return true;
        }
    }
    return false;
}

static bool format_has_columns(const char *format)
{
    return strcmp(format, "csv") == 0 || strcmp(format, "xlsx") == 0;
}

static const char *text_of(const json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

/* Whether the caller's role hides field (a name as the role's field rules give it). */
static bool hidden(const struct actor *actor, const struct entity *entity, const char *field)
{
    return actor_field_right(actor, entity, field) == FIELD_RIGHT_HIDDEN;
}

/*
 * The column name, or NULL when it names nothing the records of entity
 * hold: a field of the entity (the owner under its other name, when it
 * has one), the expanded links ("companies"), or "custom.<name>" of a
 * defined custom field. *right_name is the name the role's field rules use.
 */
static bool column_of(struct arena *arena, const struct entity *entity,
                      const struct custom_fields *custom, const char *name,
                      struct export_column *out, const char **right_name)
{
    const struct entity_links *links = entity->links;
    *out = (struct export_column){.name = name, .key = name, .type = FIELD_TEXT};
    *right_name = name;
    if (strncmp(name, "custom.", 7) == 0) {
        const struct custom_field *f = custom_fields_find(custom, name + 7);
        if (f == NULL)
            return false;
        out->key = arena_strdup(arena, name + 7);
        out->custom = true;
        out->type = f->type->type;
        return true;
    }
    if (links != NULL && strcmp(name, links->expanded) == 0) {
        *right_name = links->field;
        return true;
    }
    if (entity->owner_alias != NULL && strcmp(name, entity->owner_alias) == 0) {
        *right_name = "owner_id";
        out->type = FIELD_INTEGER;
        return true;
    }
    const struct entity_field *f = entity_field_find(entity, name);
    if (f == NULL || (entity->owner_alias != NULL && strcmp(name, "owner_id") == 0))
        return false;
    out->type = f->type;
    return true;
}

/* Every column the caller may read, in the entity's order, then the custom fields. */
static void default_columns(struct arena *arena, const struct actor *actor,
                            const struct entity *entity, const struct custom_fields *custom,
                            struct export_plan *plan)
{
    size_t cap = entity->n_fields + custom->n + 2, n = 0;
    struct export_column *columns = arena_alloc_array(arena, cap, sizeof(*columns));
    const char *right;
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        const char *name = f->name;
        if (strcmp(name, "deleted_at") == 0 || hidden(actor, entity, name))
            continue;
        if (strcmp(name, "owner_id") == 0 && entity->owner_alias != NULL)
            name = entity->owner_alias;
        if (column_of(arena, entity, custom, name, &columns[n], &right))
            n++;
        if (f->kind == FIELD_KIND_LINKS && entity->links != NULL &&
            column_of(arena, entity, custom, entity->links->expanded, &columns[n], &right))
            n++;
    }
    for (size_t i = 0; i < custom->n; i++) {
        const char *name = arena_printf(arena, "custom.%s", custom->items[i].name);
        if (!hidden(actor, entity, name) &&
            column_of(arena, entity, custom, name, &columns[n], &right))
            n++;
    }
    plan->columns = columns;
    plan->n_columns = n;
}

/* The columns fields[] names: 422 on fields[i] for unknown, hidden or repeated ones. */
static int named_columns(struct http_request *req, const struct entity *entity,
                         const struct custom_fields *custom, const json_t *fields,
                         struct export_plan *plan)
{
    const struct actor *actor = api_actor(req);
    size_t n = json_array_size(fields);
    struct export_column *columns = arena_alloc_array(req->arena, n + 1, sizeof(*columns));
    const json_t *item;
    size_t i;
    json_array_foreach(fields, i, item)
    {
        const char *path = arena_printf(req->arena, "fields[%zu]", i);
        const char *name = json_string_value(item), *right;
        if (name == NULL) {
            err_field(&req->err, path, "must be a field name");
            continue;
        }
        if (!column_of(req->arena, entity, custom, name, &columns[i], &right)) {
            err_field(&req->err, path, "%s have no field '%.64s'", entity->name, name);
            continue;
        }
        if (hidden(actor, entity, right)) {
            err_field(&req->err, path, "your role hides this field");
            continue;
        }
        for (size_t k = 0; k < i; k++) {
            if (strcmp(columns[k].name, name) == 0) {
                err_field(&req->err, path, "named twice");
                break;
            }
        }
    }
    if (req->err.n_fields > 0)
        return -req->err.code;
    plan->columns = columns;
    plan->n_columns = n;
    return 0;
}

/*
 * ics: only what a calendar shows, as the filter's last condition
 * (meetings; tasks with a due time).
 */
static int calendar_filter(struct http_request *req, struct export_plan *plan, const char *filter)
{
    const char *only =
        strcmp(plan->entity->name, "activities") == 0 ? "type = \"meeting\"" : "due_at is not null";
    const char *text = filter != NULL && *filter != '\0'
                           ? arena_printf(req->arena, "(%s) and %s", filter, only)
                           : only;
    return api_list_filter(req, &plan->lr, text);
}

int api_export_prepare(struct http_request *req, struct store_conn *conn, const char *entity_name,
                       const char *format, const json_t *request, bool in_job,
                       struct export_plan *plan)
{
    const struct actor *actor = api_actor(req);
    const struct entity *entity = entity_find(entity_name);
    struct custom_fields custom;
    bool known = false;
    *plan = (struct export_plan){.entity = entity, .format = format};
    if (entity == NULL) {
        err_set(&req->err, ERR_VALIDATION, "there are no %.64s to export", entity_name);
        return err_field(&req->err, "entity", "unknown");
    }
    if (!export_format_serves(format, entity->name, &known)) {
        err_set(&req->err, ERR_VALIDATION,
                known ? "%s cannot be exported as %.16s"
                      : "%s cannot be exported as %.16s: the format must be csv, xlsx, vcf or ics",
                entity->name, format);
        return err_field(&req->err, "format",
                         known ? "vcf is for contacts, ics for activities and tasks"
                               : "must be csv, xlsx, vcf or ics");
    }
    enum access_scope export_scope = actor_scope(actor, entity, ACCESS_EXPORT);
    if (export_scope == SCOPE_NONE)
        return err_set(&req->err, ERR_FORBIDDEN, "your role may not export %s", entity->name);
    plan->raw = json_is_true(json_object_get(request, "raw"));
    bool admin = in_job ? actor->role != NULL && actor->role->is_admin : actor_is_admin(actor);
    if (plan->raw && !admin)
        return err_set(&req->err, ERR_FORBIDDEN,
                       "only administrators may export raw cells (raw: true)");
    const char *filter = text_of(request, "filter");
    int rc = api_list_prepare(req, conn, entity, filter, text_of(request, "sort"),
                              text_of(request, "q"), &plan->lr);
    if (rc < 0)
        return rc;
    /* What the role lets the caller read, and of that what it lets them export. */
    if (export_scope < plan->lr.access.scope)
        plan->lr.access.scope = export_scope;
    if (strcmp(format, "ics") == 0) {
        rc = calendar_filter(req, plan, filter);
        if (rc < 0)
            return rc;
    }
    if (!format_has_columns(format))
        return 0;
    rc = store_fields_load(conn, req->arena, entity->name, &custom, &req->err);
    if (rc < 0)
        return rc;
    const json_t *fields = json_object_get(request, "fields");
    if (json_is_array(fields))
        return named_columns(req, entity, &custom, fields, plan);
    default_columns(req->arena, actor, entity, &custom, plan);
    return 0;
}

/* ---- POST /exports ---- */

static const char *const export_keys[] = {"entity", "format", "filter", "q",
                                          "sort",   "fields", "raw"};

/* A key that must be a string or null (absent: null); NULL and a field error otherwise. */
static bool optional_text(struct http_request *req, const json_t *body, const char *key,
                          size_t max_bytes)
{
    const json_t *v = json_object_get(body, key);
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        err_field(&req->err, key, "must be a string");
        return false;
    }
    if (json_string_length(v) > max_bytes) {
        err_field(&req->err, key, "must be at most %zu bytes", max_bytes);
        return false;
    }
    return true;
}

/*
 * The body's types: entity and format strings, filter, q and sort strings
 * or null, fields an array of strings (not for vcf and ics, whose layout is
 * fixed), raw a boolean; nothing else. *request gets {filter, q, sort,
 * fields, raw} as kept with the export.
 */
static int export_body_check(struct http_request *req, const json_t *body, json_t **request)
{
    if (!record_keys_check(body, "", export_keys, sizeof(export_keys) / sizeof(export_keys[0]),
                           NULL, 0, &req->err))
        return -req->err.code;
    const char *entity = text_of(body, "entity"), *format = text_of(body, "format");
    if (entity == NULL)
        err_field(&req->err, "entity", "must be the name of a collection, such as contacts");
    if (format == NULL)
        err_field(&req->err, "format", "must be csv, xlsx, vcf or ics");
    optional_text(req, body, "filter", EXPORT_FILTER_MAX_BYTES);
    optional_text(req, body, "q", 200);
    optional_text(req, body, "sort", 200);
    const json_t *fields = json_object_get(body, "fields"), *raw = json_object_get(body, "raw");
    if (fields != NULL && !json_is_null(fields)) {
        if (!json_is_array(fields) || json_array_size(fields) == 0)
            err_field(&req->err, "fields", "must be a list of field names");
        else if (format != NULL && !format_has_columns(format))
            err_field(&req->err, "fields", "only csv and xlsx exports choose their columns");
    }
    if (raw != NULL && !json_is_boolean(raw))
        err_field(&req->err, "raw", "must be true or false");
    if (req->err.n_fields > 0)
        return -req->err.code;
    *request = api_keep(req, json_object());
    static const char *const kept[] = {"filter", "q", "sort", "fields"};
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        const json_t *v = json_object_get(body, kept[i]);
        json_object_set_new(*request, kept[i], v != NULL ? json_deep_copy(v) : json_null());
    }
    json_object_set_new(*request, "raw", json_boolean(json_is_true(raw)));
    return 0;
}

/* The export as the API shows it: the file's name, size and type once it is done. */
static int export_answer(struct http_request *req, struct store_conn *conn, json_t *export,
                         json_t **out)
{
    int64_t file_id = json_integer_value(json_object_get(export, "file_id"));
    json_object_del(export, "file_id");
    if (file_id > 0 && strcmp(text_of(export, "status"), "done") == 0) {
        json_t *file = NULL;
        int rc = store_file_get(conn, req->arena, file_id, &file, &req->err);
        if (rc < 0)
            return rc;
        json_object_set_new(export, "file",
                            json_pack("{s:O,s:O,s:O}", "name", json_object_get(file, "name"),
                                      "size", json_object_get(file, "size"), "content_type",
                                      json_object_get(file, "content_type")));
        json_decref(file);
    } else {
        json_object_set_new(export, "file", json_null());
    }
    *out = export;
    return 0;
}

int exports_create(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    struct export_plan plan;
    json_t *body, *request = NULL, *export = NULL;
    int64_t id = 0;
    bool created = false;
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    int rc = http_request_json(req, &body);
    if (rc == 0 && !json_is_object(body))
        rc = err_set(&req->err, ERR_BAD_REQUEST, "the body must be a JSON object");
    if (rc == 0)
        rc = export_body_check(req, body, &request);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    const char *entity = text_of(body, "entity"), *format = text_of(body, "format");
    rc = api_export_prepare(req, conn, entity, format, request, false, &plan);
    if (rc == 0) {
        struct export_new e = {
            .entity = entity,
            .format = format,
            .request = store_json_text(req->arena, request, "{}"),
            .created_by = actor->user_id,
            .created_at = now,
        };
        rc = store_export_insert(conn, req->arena, &e, &id, &req->err);
    }
    if (rc == 0) {
        json_t *payload = api_keep(req, json_pack("{s:I}", "export_id", (json_int_t)id));
        rc = jobs_enqueue(conn, req->arena, "export", payload, clock_now_ms(),
                          arena_printf(req->arena, EXPORT_JOB_KEY_PREFIX "%lld", (long long)id),
                          &created, &req->err);
    }
    if (rc == 0) {
        json_t *detail = api_keep(req, json_pack("{s:I,s:s,s:s}", "export_id", (json_int_t)id,
                                                 "entity", entity, "format", format));
        json_object_update(detail, request);
        rc = api_audit_security(req, conn, "export", 0, detail);
    }
    if (rc == 0)
        rc = store_export_get(conn, req->arena, id, &export, &req->err);
    if (rc == 0)
        rc = export_answer(req, conn, api_keep(req, export), &export);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/exports/%lld", (long long)id));
    return http_respond_json(res, 202, export);
}

/* ---- GET /exports, /exports/{id} ---- */

/* The path's export if the caller asked for it or is an administrator; 404 otherwise. */
static int export_find(struct http_request *req, struct store_conn *conn, json_t **export)
{
    const struct actor *actor = api_actor(req);
    int64_t id = 0;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = store_export_get(conn, req->arena, id, export, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, *export);
    int64_t owner = json_integer_value(json_object_get(*export, "created_by"));
    if (owner != actor->user_id && !actor_is_admin(actor)) {
        err_clear(&req->err);
        return err_set(&req->err, ERR_NOT_FOUND, "no export with id %lld", (long long)id);
    }
    return 0;
}

int exports_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *export = NULL;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = export_find(req, conn, &export);
    if (rc == 0)
        rc = export_answer(req, conn, export, &export);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200, export);
}

int exports_list(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    json_t *list = NULL, *export;
    int64_t before_id = 0, next_before_id = 0;
    size_t limit = 0, i;
    int rc = api_parse_limit(req, EXPORTS_DEFAULT_LIMIT, EXPORTS_MAX_LIMIT, &limit);
    if (rc == 0)
        rc = api_query_id(req, "cursor", &before_id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_exports_list(conn, req->arena, actor_is_admin(actor) ? 0 : actor->user_id,
                                before_id, limit, &list, &next_before_id, &req->err);
    if (rc < 0)
        return rc;
    json_array_foreach(list, i, export)
    {
        rc = export_answer(req, conn, export, &export);
        if (rc < 0) {
            json_decref(list);
            return rc;
        }
    }
    return api_respond_page(req, res, list, next_before_id);
}

/* ---- GET /exports/{id}/file ---- */

/* A download's state: the file read a chunk at a time through the request's connection. */
struct export_download {
    struct file_reader reader;
    int64_t export_id;
};

static int export_download_read(void *ctx, uint64_t pos, char *buf, size_t cap, size_t *n_read)
{
    struct export_download *d = ctx;
    struct err err;
    err_clear(&err);
    d->reader.offset = pos;
    int rc = file_reader_read(&d->reader, buf, cap, n_read, &err);
    if (rc < 0)
        log_error("export_download_failed", "export_id=%lld offset=%llu slug=%s",
                  (long long)d->export_id, (unsigned long long)pos, err_slug(err.code));
    return rc;
}

static void export_download_release(void *ctx)
{
    struct export_download *d = ctx;
    file_reader_release(&d->reader);
    free(d);
}

int exports_file(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *export = NULL, *file = NULL;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = export_find(req, conn, &export);
    if (rc < 0)
        return rc;
    const char *status = text_of(export, "status");
    int64_t id = json_integer_value(json_object_get(export, "id"));
    int64_t file_id = json_integer_value(json_object_get(export, "file_id"));
    if (strcmp(status, "done") != 0 || file_id <= 0)
        return err_set(&req->err, ERR_CONFLICT, "the export is %s, not done: no file yet", status);
    rc = store_file_get(conn, req->arena, file_id, &file, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, file);
    const char *name = text_of(file, "name");
    http_response_header(res, "Content-Disposition",
                         file_name_disposition(req->arena, name != NULL ? name : "export"));
    http_response_header(res, "Cache-Control", "private, no-store");
    http_response_header(res, "Content-Security-Policy", "default-src 'none'; sandbox");
    struct export_download *d = malloc(sizeof(*d));
    if (d == NULL)
        return err_set(&req->err, ERR_INTERNAL, "out of memory");
    d->export_id = id;
    file_reader_init(&d->reader, conn, file_id, 0);
    struct http_stream stream = {
        .read = export_download_read,
        .release = export_download_release,
        .ctx = d,
        .size = json_integer_value(json_object_get(file, "size")),
    };
    http_respond_stream(res, 200, arena_strdup(req->arena, text_of(file, "content_type")), &stream);
    return 0;
}
