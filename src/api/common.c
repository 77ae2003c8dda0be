/*
 * Helpers every handler uses: a connection borrowed for the request, path
 * parameters, and record responses with their ETag.
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "domain/entity.h"
#include "store/store.h"

static void release_conn(void *conn)
{
    store_release(conn);
}

int api_conn(struct http_request *req, struct store_conn **conn)
{
    struct app *app = req->app;
    *conn = store_acquire(app->store, &req->err);
    if (*conn == NULL)
        return -req->err.code;
    arena_defer(req->arena, release_conn, *conn);
    return 0;
}

int api_begin(struct http_request *req, struct store_conn **conn)
{
    int rc = api_conn(req, conn);
    if (rc == 0)
        rc = store_begin(*conn, &req->err);
    return rc;
}

int api_commit(struct http_request *req, struct store_conn *conn, int rc)
{
    if (rc == 0)
        rc = store_commit(conn, &req->err);
    if (rc < 0)
        store_rollback(conn);
    return rc;
}

int api_if_match(struct http_request *req, int64_t *version)
{
    const char *v = http_header(req, "If-Match");
    *version = -1;
    if (v == NULL || strcmp(v, "*") == 0)
        return 0;
    if (strncmp(v, "W/", 2) == 0)
        v += 2;
    size_t len = strlen(v);
    if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
        v++;
        len -= 2;
    }
    struct str s = {v, len};
    if (str_to_int64(s, version) < 0 || *version < 1)
        return err_set(&req->err, ERR_BAD_REQUEST, "If-Match must be an ETag such as \"3\"");
    return 0;
}

int api_check_version(struct http_request *req, const json_t *current, int64_t expected)
{
    int64_t version = json_integer_value(json_object_get(current, "version"));
    if (expected > 0 && expected != version)
        return err_set(&req->err, ERR_STALE_VERSION,
                       "the record is at version %lld, not %lld; reload it and try again",
                       (long long)version, (long long)expected);
    return 0;
}

int api_path_id(struct http_request *req, int64_t *id)
{
    const char *text = http_path_param(req, "id");
    if (text == NULL || str_to_int64(str_from_cstr(text), id) < 0 || *id <= 0)
        return err_set(&req->err, ERR_NOT_FOUND, "no record with id '%.40s'", text ? text : "");
    return 0;
}

const struct entity *api_path_entity(const struct http_request *req)
{
    static const char prefix[] = "/api/v1/";
    if (strncmp(req->path, prefix, sizeof(prefix) - 1) != 0)
        return NULL;
    const char *name = req->path + sizeof(prefix) - 1;
    const char *slash = strchr(name, '/');
    char collection[64];
    size_t len = slash ? (size_t)(slash - name) : strlen(name);
    if (len >= sizeof(collection))
        return NULL;
    memcpy(collection, name, len);
    collection[len] = '\0';
    return entity_find(collection);
}

static void decref_cb(void *value)
{
    json_decref(value);
}

json_t *api_keep(struct http_request *req, json_t *value)
{
    if (value != NULL)
        arena_defer(req->arena, decref_cb, value);
    return value;
}

int api_respond_record(struct http_request *req, struct http_response *res, int status,
                       const json_t *record)
{
    const char *etag = arena_printf(req->arena, "\"%lld\"",
                                    (long long)json_integer_value(json_object_get(record, "version")));
    int rc = http_respond_json(res, status, record);
    http_response_header(res, "ETag", etag);
    return rc;
}
