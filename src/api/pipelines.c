/*
 * /api/v1/pipelines: sales pipelines and their ordered stages. Anyone
 * signed in lists and reads them (deal forms and boards need them);
 * administrators create, change and delete them. The rules on names and
 * stages are domain/pipeline.h's: a PATCH's stages are the whole ordered
 * list, where a stage with an id is kept, one without is new and one left
 * out is deleted. Each change is one transaction with a security audit
 * entry holding what changed (api/admin_resource.c).
 */
#include "api/api.h"

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

/* domain/pipeline.h's rules; nothing to look up. */
static int check_pipeline(struct http_request *req, struct store_conn *conn, const json_t *body,
                          const json_t *current, json_t **clean)
{
    return pipeline_validate(body, current, clean, &req->err);
}

static const char *const pipeline_names[] = {"name"};

static const struct admin_resource pipelines = {
    .path = "/api/v1/pipelines",
    .table = "pipelines",
    .name = "pipeline",
    .keys = pipeline_keys,
    .n_keys = COUNT(pipeline_keys),
    .deleted_keys = pipeline_names,
    .n_deleted_keys = COUNT(pipeline_names),
    .check = check_pipeline,
    .get = store_pipeline_get,
    .insert = store_pipeline_insert,
    .update = store_pipeline_update,
    .remove = store_pipeline_delete,
};

int pipelines_get(struct http_request *req, struct http_response *res)
{
    return admin_resource_get(req, res, &pipelines);
}

int pipelines_create(struct http_request *req, struct http_response *res)
{
    return admin_resource_create(req, res, &pipelines);
}

int pipelines_update(struct http_request *req, struct http_response *res)
{
    return admin_resource_update(req, res, &pipelines);
}

int pipelines_delete(struct http_request *req, struct http_response *res)
{
    return admin_resource_delete(req, res, &pipelines);
}
