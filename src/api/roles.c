/*
 * /api/v1/roles: what each role may do per entity and action, and which
 * fields it sees or may not write. Anyone signed in may list and read
 * roles; administrators create, change and delete them. Permissions and
 * field rights are checked by role_parse and stored in its normalised form
 * (every entity with all its actions). Built-in roles cannot be deleted and
 * the admin role cannot be changed. Each change is one transaction with its
 * security audit entry; a refused body is logged as role_rejected.
 */
#include "api/api.h"

#include <string.h>

#include "api/body.h"
#include "base/arena.h"
#include "domain/access.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define ROLE_NAME_MIN_CHARS 2
#define ROLE_NAME_MAX_CHARS 40
#define ROLE_LABEL_MAX_CHARS 100
#define ROLE_ADMIN_NAME "admin"

/* The keys a body may hold; also what the audit log compares. */
static const char *const role_keys[] = {"name", "label", "permissions", "fields"};

int roles_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *list = NULL;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_roles_list(conn, req->arena, &list, &req->err);
    if (rc < 0)
        return rc;
    return api_respond_page(req, res, list, 0);
}

/* Reads a role, kept until the request ends. */
static int get_role(struct http_request *req, struct store_conn *conn, int64_t id, json_t **role)
{
    int rc = store_role_get(conn, req->arena, id, role, &req->err);
    if (rc == 0)
        api_keep(req, *role);
    return rc;
}

int roles_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int64_t id;
    json_t *role = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = get_role(req, conn, id, &role);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, role);
}

/* [a-z][a-z0-9_]{1,39} */
static bool role_name_valid(const char *name)
{
    size_t len = strlen(name);
    if (len < ROLE_NAME_MIN_CHARS || len > ROLE_NAME_MAX_CHARS || name[0] < 'a' || name[0] > 'z')
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

/* The name of a body; NULL with a field error when missing or malformed. */
static const char *read_name(struct http_request *req, const json_t *value)
{
    if (value == NULL) {
        err_field(&req->err, "name", "is required");
        return NULL;
    }
    const char *name = json_string_value(value);
    if (name == NULL || !role_name_valid(name)) {
        err_field(&req->err, "name",
                  "must be %d to %d lower-case letters, digits or _, starting with a letter",
                  ROLE_NAME_MIN_CHARS, ROLE_NAME_MAX_CHARS);
        return NULL;
    }
    return name;
}

/*
 * Checks permissions and field rights with role_parse and sets their
 * normalised form on out; problems are field errors on the request.
 */
static void normalise_rights(struct http_request *req, const json_t *permissions,
                             const json_t *fields, bool is_admin, json_t *out)
{
    struct role role;
    if (role_parse(req->arena, permissions, fields, is_admin, &role, &req->err) < 0)
        return;
    json_object_set_new(out, "permissions", role_permissions_json(&role));
    json_object_set_new(out, "fields", role_fields_json(&role));
}

/* Writes a security entry about role id with what changed, if anything did. */
static int audit_role(struct http_request *req, struct store_conn *conn, const char *action,
                      int64_t id, const json_t *before, const json_t *after)
{
    json_t *changes = body_changes(before, after, role_keys, COUNT(role_keys));
    if (changes == NULL)
        return 0;
    int rc = api_audit(req, conn, "security", action, "roles", id, changes, NULL);
    json_decref(changes);
    return rc;
}

/*
 * Logs a refused role body as role_rejected, with the role's id (0: a new
 * role), its name when known and the field errors; answers the refusal.
 */
static int role_rejected(struct http_request *req, int64_t id, const char *name)
{
    json_t *detail = api_refusal_detail(req, &req->err);
    if (id > 0)
        json_object_set_new(detail, "id", json_integer(id));
    if (name != NULL)
        json_object_set_new(detail, "name", json_string(name));
    api_security_event(req, "role_rejected", 0, detail);
    return -(int)req->err.code;
}

int roles_create(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *role = NULL;
    int64_t id = 0;
    int rc = api_require_admin(req);
    if (rc < 0)
        return rc;
    rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, role_keys, COUNT(role_keys));
    if (rc < 0)
        return role_rejected(req, 0, NULL);
    const char *name = read_name(req, json_object_get(body, "name"));
    const char *label =
        body_text(req, json_object_get(body, "label"), "label", ROLE_LABEL_MAX_CHARS);
    json_t *clean = api_keep(req, json_object());
    normalise_rights(req, json_object_get(body, "permissions"), json_object_get(body, "fields"),
                     false, clean);
    if (body_failed(req))
        return role_rejected(req, 0, name);
    json_object_set_new(clean, "name", json_string(name));
    json_object_set_new(clean, "label", json_string(label));
    json_object_set_new(clean, "builtin", json_false());
    json_object_set_new(clean, "is_admin", json_false());
    rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_role_insert(conn, req->arena, clean, &id, &req->err);
    if (rc == 0)
        rc = get_role(req, conn, id, &role);
    if (rc == 0)
        rc = audit_role(req, conn, "role_created", id, NULL, role);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/roles/%lld", (long long)id));
    return api_respond_record(req, res, 201, role);
}

/* 409 for the admin role, which always has every right. */
static int check_changeable(struct http_request *req, const json_t *current)
{
    const char *name = json_string_value(json_object_get(current, "name"));
    if (name != NULL && strcmp(name, ROLE_ADMIN_NAME) == 0)
        return err_set(&req->err, ERR_CONFLICT, "the admin role cannot be changed");
    return 0;
}

/*
 * Reads an update body against the current role into clean (label,
 * permissions, fields, only what differs). The name cannot change; sending
 * the current one is allowed. Permissions and fields each replace the whole
 * stored value. Problems are field errors on the request.
 */
static void read_update(struct http_request *req, const json_t *body, const json_t *current,
                        json_t *clean)
{
    const json_t *value = json_object_get(body, "name");
    if (value != NULL && !json_equal(value, json_object_get(current, "name")))
        err_field(&req->err, "name", "cannot be changed");
    value = json_object_get(body, "label");
    if (value != NULL) {
        const char *label = body_text(req, value, "label", ROLE_LABEL_MAX_CHARS);
        if (label != NULL)
            json_object_set_new(clean, "label", json_string(label));
    }
    const json_t *permissions = json_object_get(body, "permissions");
    const json_t *fields = json_object_get(body, "fields");
    if (permissions != NULL || fields != NULL)
        normalise_rights(req, permissions ? permissions : json_object_get(current, "permissions"),
                         fields ? fields : json_object_get(current, "fields"),
                         json_is_true(json_object_get(current, "is_admin")), clean);
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(clean, tmp, key, v)
    {
        if (json_equal(v, json_object_get(current, key)))
            json_object_del(clean, key);
    }
}

int roles_update(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *current = NULL, *role = NULL;
    int64_t id, expected;
    bool refused = false;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc < 0)
        return rc;
    rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, role_keys, COUNT(role_keys));
    if (rc == 0 && body_failed(req))
        rc = -req->err.code;
    if (rc < 0)
        return role_rejected(req, id, NULL);
    rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    json_t *clean = api_keep(req, json_object());
    rc = get_role(req, conn, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = check_changeable(req, current);
    if (rc == 0) {
        read_update(req, body, current, clean);
        refused = body_failed(req);
        if (refused)
            rc = -req->err.code;
    }
    role = current;
    if (rc == 0 && json_object_size(clean) > 0) {
        rc = store_role_update(conn, req->arena, id, clean, &req->err);
        if (rc == 0)
            rc = get_role(req, conn, id, &role);
        if (rc == 0)
            rc = audit_role(req, conn, "role_updated", id, current, role);
    }
    rc = api_commit(req, conn, rc);
    if (refused)
        return role_rejected(req, id, json_string_value(json_object_get(current, "name")));
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, role);
}

int roles_delete(struct http_request *req, struct http_response *res)
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
    rc = get_role(req, conn, id, &current);
    if (rc == 0 && json_is_true(json_object_get(current, "builtin")))
        rc = err_set(&req->err, ERR_CONFLICT, "a built-in role cannot be deleted");
    if (rc == 0)
        rc = store_role_delete(conn, req->arena, id, &req->err);
    if (rc == 0) {
        json_t *detail =
            api_keep(req, json_pack("{s:O}", "name", json_object_get(current, "name")));
        rc = api_audit(req, conn, "security", "role_deleted", "roles", id, NULL, detail);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}
