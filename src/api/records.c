/*
 * The record collections (/api/v1/companies, /api/v1/contacts): list with
 * search, filter, sort, keyset cursor and projection; create; get; partial
 * update with If-Match; trash and restore. Which entity is meant comes from
 * the path, so one set of handlers serves every collection.
 *
 * Each change runs in one transaction: read the current record, validate the
 * body against it, write, read back, commit. A rejected request writes
 * nothing.
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/list_cursor.h"
#include "domain/record.h"
#include "query/filter.h"
#include "store/store.h"

#define LIST_DEFAULT_LIMIT 50
#define LIST_MAX_LIMIT 500

static int parse_limit(struct http_request *req, size_t *limit)
{
    const char *text = http_query(req, "limit");
    int64_t n = LIST_DEFAULT_LIMIT;
    if (text != NULL && (str_to_int64(str_from_cstr(text), &n) < 0 || n < 1 || n > LIST_MAX_LIMIT)) {
        err_set(&req->err, ERR_BAD_REQUEST, "limit must be an integer from 1 to %d",
                LIST_MAX_LIMIT);
        return err_field(&req->err, "limit", "must be an integer from 1 to %d", LIST_MAX_LIMIT);
    }
    *limit = (size_t)n;
    return 0;
}

static bool query_flag(struct http_request *req, const char *name)
{
    const char *v = http_query(req, name);
    return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* Keeps only the requested keys (id always) in each record. */
static void project(json_t *data, const char **names, size_t n_names)
{
    size_t i;
    json_t *record;
    json_array_foreach(data, i, record)
    {
        const char *key;
        json_t *value;
        void *tmp;
        json_object_foreach_safe(record, tmp, key, value)
        {
            bool keep = strcmp(key, "id") == 0;
            for (size_t k = 0; k < n_names && !keep; k++)
                keep = strcmp(names[k], key) == 0;
            if (!keep)
                json_object_del(record, key);
        }
    }
}

int records_list(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = api_path_entity(req);
    struct store_conn *conn;
    struct custom_fields custom;
    struct sort_key keys[RECORD_SORT_MAX_KEYS + 1];
    struct filter_context ctx = {0, clock_now_ms()};
    struct list_query query = {0};
    struct list_page page;
    const char **names = NULL;
    size_t n_names = 0;
    int rc = parse_limit(req, &query.limit);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_fields_load(conn, req->arena, entity->name, &custom, &req->err);
    if (rc < 0)
        return rc;
    query.schema = record_filter_schema(req->arena, entity, &custom);
    query.ctx = &ctx;
    const char *filter = http_query(req, "filter");
    if (filter != NULL && *filter != '\0') {
        query.filter = filter_parse(req->arena, query.schema, filter, strlen(filter), &req->err);
        if (query.filter == NULL)
            return -req->err.code;
    }
    const char *sort = http_query(req, "sort");
    if (sort == NULL || *sort == '\0')
        sort = entity->default_sort;
    rc = record_parse_sort(req->arena, query.schema, sort, keys, &query.n_keys, &req->err);
    if (rc < 0)
        return rc;
    query.keys = keys;
    const char *cursor = http_query(req, "cursor");
    json_t *after = NULL;
    if (cursor != NULL && *cursor != '\0') {
        rc = list_cursor_decode(cursor, strlen(cursor), sort, query.n_keys, &after, &req->err);
        if (rc < 0)
            return rc;
        query.after = api_keep(req, after);
    }
    rc = record_parse_projection(req->arena, entity, http_query(req, "fields"), &names, &n_names,
                                 &req->err);
    if (rc < 0)
        return rc;
    query.search = http_query(req, "q");
    query.trash = query_flag(req, "trash");
    query.count = query_flag(req, "count");
    rc = store_record_list(conn, req->arena, entity, &query, &page, &req->err);
    if (rc < 0)
        return rc;
    if (names != NULL)
        project(page.data, names, n_names);
    json_t *body = api_keep(req, json_object());
    json_object_set_new(body, "data", page.data);
    if (page.last_keys != NULL) {
        const char *next = list_cursor_encode(req->arena, sort, page.last_keys);
        json_object_set_new(body, "next_cursor", next ? json_string(next) : json_null());
        json_decref(page.last_keys);
    } else {
        json_object_set_new(body, "next_cursor", json_null());
    }
    if (page.total >= 0)
        json_object_set_new(body, "total", json_integer(page.total));
    return http_respond_json(res, 200, body);
}

/* Reads a live record, kept until the request ends. */
static int get_live(struct http_request *req, struct store_conn *conn, const struct entity *entity,
                    int64_t id, json_t **record)
{
    int rc = store_record_get(conn, req->arena, entity, id, RECORD_LIVE, record, &req->err);
    if (rc == 0)
        api_keep(req, *record);
    return rc;
}

int records_get(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = api_path_entity(req);
    struct store_conn *conn;
    int64_t id;
    json_t *record = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = get_live(req, conn, entity, id, &record);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, record);
}

/* Validates body against current (NULL on create); fills *changes and *merged. */
static int validate(struct http_request *req, struct store_conn *conn, const struct entity *entity,
                    const json_t *body, const json_t *current, json_t **changes, json_t **merged)
{
    struct custom_fields custom;
    int rc = store_fields_load(conn, req->arena, entity->name, &custom, &req->err);
    if (rc < 0)
        return rc;
    rc = record_validate(req->arena, entity, &custom, body, current, changes, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, *changes);
    *merged = api_keep(req, current ? json_deep_copy(current) : json_object());
    json_object_update(*merged, *changes);
    return 0;
}

int records_create(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = api_path_entity(req);
    struct store_conn *conn;
    json_t *body, *changes, *merged, *record = NULL;
    int64_t id = 0;
    int rc = http_request_json(req, &body);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = validate(req, conn, entity, body, NULL, &changes, &merged);
    if (rc == 0)
        rc = store_record_insert(conn, req->arena, entity, changes, merged, &id, &req->err);
    if (rc == 0)
        rc = get_live(req, conn, entity, id, &record);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/%s/%lld", entity->name, (long long)id));
    return api_respond_record(req, res, 201, record);
}

int records_update(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = api_path_entity(req);
    struct store_conn *conn;
    json_t *body, *changes, *merged, *current = NULL, *record = NULL;
    int64_t id, expected;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_live(req, conn, entity, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = validate(req, conn, entity, body, current, &changes, &merged);
    if (rc == 0)
        rc = store_record_update(conn, req->arena, entity, id, changes, merged, &req->err);
    if (rc == 0)
        rc = get_live(req, conn, entity, id, &record);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, record);
}

static int set_trashed(struct http_request *req, struct http_response *res, bool trashed)
{
    const struct entity *entity = api_path_entity(req);
    struct store_conn *conn;
    json_t *record = NULL;
    int64_t id;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_record_set_trashed(conn, req->arena, entity, id, trashed, &req->err);
    if (rc == 0 && !trashed)
        rc = get_live(req, conn, entity, id, &record);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    if (trashed) {
        http_respond_empty(res, 204);
        return 0;
    }
    return api_respond_record(req, res, 200, record);
}

int records_delete(struct http_request *req, struct http_response *res)
{
    return set_trashed(req, res, true);
}

int records_restore(struct http_request *req, struct http_response *res)
{
    return set_trashed(req, res, false);
}
