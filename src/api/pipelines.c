/*
 * /api/v1/pipelines: sales pipelines and their ordered stages. Anyone
 * signed in lists and reads them (deal forms and boards need them);
 * administrators create, change and delete them. The rules on names and
 * stages are domain/pipeline.h's: a PATCH's stages are the whole ordered
 * list, where a stage with an id is kept, one without is new and one left
 * out is deleted. Each change is one transaction with a security audit
 * entry holding what changed, as for teams and roles.
 */
#include "api/api.h"

#include "api/body.h"
#include "base/arena.h"
#include "domain/pipeline.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* What the audit log compares. */
static const char *const pipeline_keys[] = {"name", "position", "stages"};

int pipelines_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *list = NULL;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_pipelines_list(conn, req->arena, &list, &req->err);
    if (rc < 0)
        return rc;
    return api_respond_page(req, res, list, 0);
}

/* Reads a pipeline, kept until the request ends. */
static int get_pipeline(struct http_request *req, struct store_conn *conn, int64_t id,
                        json_t **pipeline)
{
    int rc = store_pipeline_get(conn, req->arena, id, pipeline, &req->err);
    if (rc == 0)
        api_keep(req, *pipeline);
    return rc;
}

int pipelines_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int64_t id;
    json_t *pipeline = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = get_pipeline(req, conn, id, &pipeline);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, pipeline);
}

/* Writes a security entry about pipeline id with what changed, if anything did. */
static int audit_pipeline(struct http_request *req, struct store_conn *conn, const char *action,
                          int64_t id, const json_t *before, const json_t *after)
{
    json_t *changes = body_changes(before, after, pipeline_keys, COUNT(pipeline_keys));
    if (changes == NULL)
        return 0;
    int rc = api_audit(req, conn, "security", action, "pipelines", id, changes, NULL);
    json_decref(changes);
    return rc;
}

int pipelines_create(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *clean = NULL, *pipeline = NULL;
    int64_t id = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = pipeline_validate(body, NULL, &clean, &req->err);
    if (rc == 0) {
        api_keep(req, clean);
        rc = api_begin(req, &conn);
    }
    if (rc < 0)
        return rc;
    rc = store_pipeline_insert(conn, req->arena, clean, &id, &req->err);
    if (rc == 0)
        rc = get_pipeline(req, conn, id, &pipeline);
    if (rc == 0)
        rc = audit_pipeline(req, conn, "pipeline_created", id, NULL, pipeline);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/pipelines/%lld", (long long)id));
    return api_respond_record(req, res, 201, pipeline);
}

int pipelines_update(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *clean = NULL, *current = NULL, *pipeline = NULL;
    int64_t id, expected;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_pipeline(req, conn, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = pipeline_validate(body, current, &clean, &req->err);
    if (rc == 0)
        api_keep(req, clean);
    pipeline = current;
    if (rc == 0 && json_object_size(clean) > 0) {
        int64_t version = json_integer_value(json_object_get(current, "version"));
        rc = store_pipeline_update(conn, req->arena, id, version, clean, &req->err);
        if (rc == 0)
            rc = get_pipeline(req, conn, id, &pipeline);
        if (rc == 0)
            rc = audit_pipeline(req, conn, "pipeline_updated", id, current, pipeline);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, pipeline);
}

int pipelines_delete(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *current = NULL;
    int64_t id, expected;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_pipeline(req, conn, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = store_pipeline_delete(conn, req->arena, id, &req->err);
    if (rc == 0) {
        json_t *detail =
            api_keep(req, json_pack("{s:O}", "name", json_object_get(current, "name")));
        rc = api_audit(req, conn, "security", "pipeline_deleted", "pipelines", id, NULL, detail);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}
