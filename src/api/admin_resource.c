/*
 * The configuration that administrators keep and everyone reads, as one
 * set of handlers over a table of what differs (struct admin_resource):
 * get one; create, change (If-Match, only what changed) and delete
 * (If-Match), each in one transaction with a security audit entry that
 * holds what changed, or what the deleted row was called.
 */
#include "api/api.h"

#include "api/body.h"
#include "base/arena.h"

/* Reads a row, kept until the request ends. */
static int admin_get(struct http_request *req, struct store_conn *conn,
                     const struct admin_resource *r, int64_t id, json_t **row)
{
    int rc = r->get(conn, req->arena, id, row, &req->err);
    if (rc == 0)
        api_keep(req, *row);
    return rc;
}

/* Writes a security entry "<name>_<what>" about row id with what changed, if anything did. */
static int admin_audit(struct http_request *req, struct store_conn *conn,
                       const struct admin_resource *r, const char *what, int64_t id,
                       const json_t *before, const json_t *after)
{
    json_t *changes = body_changes(before, after, r->keys, r->n_keys);
    if (changes == NULL)
        return 0;
    const char *action = arena_printf(req->arena, "%s_%s", r->name, what);
    int rc = api_audit(req, conn, "security", action, r->table, id, changes, NULL);
    json_decref(changes);
    return rc;
}

/* The clean form of body (current NULL: a new row), kept until the request ends. */
static int admin_check(struct http_request *req, struct store_conn *conn,
                       const struct admin_resource *r, const json_t *body, const json_t *current,
                       json_t **clean)
{
    *clean = NULL;
    int rc = r->check(req, conn, body, current, clean);
    if (*clean != NULL)
        api_keep(req, *clean);
    return rc;
}

int admin_resource_get(struct http_request *req, struct http_response *res,
                       const struct admin_resource *r)
{
    struct store_conn *conn;
    int64_t id;
    json_t *row = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = admin_get(req, conn, r, id, &row);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, row);
}

int admin_resource_create(struct http_request *req, struct http_response *res,
                          const struct admin_resource *r)
{
    struct store_conn *conn;
    json_t *body, *clean = NULL, *row = NULL;
    int64_t id = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = admin_check(req, conn, r, body, NULL, &clean);
    if (rc == 0)
        rc = r->insert(conn, req->arena, clean, &id, &req->err);
    if (rc == 0)
        rc = admin_get(req, conn, r, id, &row);
    if (rc == 0)
        rc = admin_audit(req, conn, r, "created", id, NULL, row);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "%s/%lld", r->path, (long long)id));
    return api_respond_record(req, res, 201, row);
}

int admin_resource_update(struct http_request *req, struct http_response *res,
                          const struct admin_resource *r)
{
    struct store_conn *conn;
    json_t *body, *clean = NULL, *current = NULL, *row = NULL;
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
    rc = admin_get(req, conn, r, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = admin_check(req, conn, r, body, current, &clean);
    row = current;
    if (rc == 0 && json_object_size(clean) > 0) {
        int64_t version = json_integer_value(json_object_get(current, "version"));
        rc = r->update(conn, req->arena, id, version, clean, &req->err);
        if (rc == 0)
            rc = admin_get(req, conn, r, id, &row);
        if (rc == 0)
            rc = admin_audit(req, conn, r, "updated", id, current, row);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, row);
}

int admin_resource_delete(struct http_request *req, struct http_response *res,
                          const struct admin_resource *r)
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
    rc = admin_get(req, conn, r, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = r->remove(conn, req->arena, id, &req->err);
    if (rc == 0) {
        /* What it was called: its deleted_keys. */
        json_t *detail = api_keep(req, json_object());
        for (size_t i = 0; i < r->n_deleted_keys; i++)
            json_object_set(detail, r->deleted_keys[i],
                            json_object_get(current, r->deleted_keys[i]));
        const char *action = arena_printf(req->arena, "%s_deleted", r->name);
        rc = api_audit(req, conn, "security", action, r->table, id, NULL, detail);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}
