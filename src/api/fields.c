/*
 * /api/v1/fields: custom field definitions. A definition names its entity,
 * a machine name, a label, one of 13 types, options for enums and whether
 * a value is required; the values live in each record's "custom" object.
 * Anyone signed in reads the definitions; administrators change them, and
 * each change goes to the audit log.
 */
#include "api/api.h"
#include "api/body.h"

#include <string.h>

#include "base/arena.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "store/store.h"

int fields_list(struct http_request *req, struct http_response *res)
{
    const char *entity = http_query(req, "entity");
    struct store_conn *conn;
    json_t *list = NULL;
    if (entity != NULL && entity_find(entity) == NULL) {
        err_set(&req->err, ERR_BAD_REQUEST, "entity must be companies or contacts");
        return err_field(&req->err, "entity", "must be companies or contacts");
    }
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_fields_list(conn, req->arena, entity, &list, &req->err);
    if (rc < 0)
        return rc;
    json_t *body = api_keep(req, json_pack("{s:o}", "data", list));
    return http_respond_json(res, 200, body);
}

/* Reads a definition, kept until the request ends. */
static int get_field(struct http_request *req, struct store_conn *conn, int64_t id, json_t **field)
{
    int rc = store_field_get(conn, req->arena, id, field, &req->err);
    if (rc == 0)
        api_keep(req, *field);
    return rc;
}

/* Appends a definition's change ({"key":[old,new]}) to the audit log. */
static int audit_field(struct http_request *req, struct store_conn *conn, const char *action,
                       int64_t id, const json_t *before, const json_t *after)
{
    static const char *const keys[] = {"entity", "name", "label", "type",
                                       "options", "required", "position"};
    json_t *changes =
        api_keep(req, body_changes(before, after, keys, sizeof(keys) / sizeof(keys[0])));
    return api_audit(req, conn, "record", action, "fields", id, changes, NULL);
}

int fields_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int64_t id;
    json_t *field = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = get_field(req, conn, id, &field);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, field);
}

int fields_create(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *clean = NULL, *field = NULL;
    int64_t id = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = custom_field_validate_definition(body, NULL, &clean, &req->err);
    if (rc == 0) {
        api_keep(req, clean);
        rc = api_begin(req, &conn);
    }
    if (rc < 0)
        return rc;
    rc = store_field_insert(conn, req->arena, clean, &id, &req->err);
    if (rc == 0)
        rc = get_field(req, conn, id, &field);
    if (rc == 0)
        rc = audit_field(req, conn, "create", id, NULL, field);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/fields/%lld", (long long)id));
    return api_respond_record(req, res, 201, field);
}

int fields_update(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *clean = NULL, *current = NULL, *field = NULL;
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
    rc = get_field(req, conn, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0) {
        const struct custom_type *type =
            custom_type_find(json_string_value(json_object_get(current, "type")));
        rc = custom_field_validate_definition(body, type, &clean, &req->err);
    }
    if (rc == 0) {
        api_keep(req, clean);
        rc = store_field_update(conn, req->arena, id, clean, &req->err);
    }
    if (rc == 0)
        rc = get_field(req, conn, id, &field);
    if (rc == 0)
        rc = audit_field(req, conn, "update", id, current, field);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, field);
}

int fields_delete(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *current = NULL;
    int64_t id;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_field(req, conn, id, &current);
    if (rc == 0)
        rc = store_field_delete(conn, req->arena, id, &req->err);
    if (rc == 0)
        rc = audit_field(req, conn, "delete", id, current, NULL);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}
