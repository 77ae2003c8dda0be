/*
 * /api/v1/audit: the history of one record (GET /audit?entity=&id=), for a
 * caller who may read the record, live or trashed, with the fields hidden
 * from them left out of each change; and the security log
 * (GET /audit/security), for administrators. Both newest first, continued
 * by the id of the last entry shown.
 */
#include "api/api.h"

#include <string.h>

#include "base/arena.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/entity.h"
#include "store/store.h"

#define AUDIT_DEFAULT_LIMIT 50
#define AUDIT_MAX_LIMIT 100
#define AUDIT_ACTION_MAX_CHARS 40

int audit_list(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    struct audit_query q = {0};
    json_t *list = NULL;
    int64_t id = 0, next_before_id = 0;
    bool in_scope = false;
    if (actor == NULL)
        return err_set(&req->err, ERR_UNAUTHORIZED, "sign in first");
    const char *name = http_query(req, "entity");
    const struct entity *entity = name != NULL ? entity_find(name) : NULL;
    if (entity == NULL) {
        err_set(&req->err, ERR_BAD_REQUEST, "entity must name a collection such as contacts");
        return err_field(&req->err, "entity", "must name a collection such as contacts");
    }
    int rc = api_query_id(req, "id", &id);
    if (rc == 0 && id == 0) {
        err_set(&req->err, ERR_BAD_REQUEST, "id is required");
        rc = err_field(&req->err, "id", "is required");
    }
    if (rc == 0)
        rc = api_parse_limit(req, AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT, &q.limit);
    if (rc == 0)
        rc = api_query_id(req, "cursor", &q.before_id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc < 0)
        return rc;
    struct access access = actor_access(actor, entity, ACCESS_READ);
    rc = store_record_in_scope(conn, req->arena, entity, &access, id, &in_scope, &req->err);
    if (rc < 0)
        return rc;
    if (!in_scope)
        return err_set(&req->err, ERR_NOT_FOUND, "no %s with id %lld", entity->singular,
                       (long long)id);
    q.entity = entity->name;
    q.record_id = id;
    rc = store_audit_list(conn, req->arena, &q, &list, &next_before_id, &req->err);
    if (rc < 0)
        return rc;
    size_t i;
    json_t *entry;
    json_array_foreach(list, i, entry)
    {
        audit_hide_fields(actor, entity, json_object_get(entry, "changes"));
    }
    return api_respond_page(req, res, list, next_before_id);
}

/* Action names are lower-case words joined by '_'. */
static bool action_valid(const char *action)
{
    size_t len = strlen(action);
    if (len == 0 || len > AUDIT_ACTION_MAX_CHARS)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!((action[i] >= 'a' && action[i] <= 'z') || action[i] == '_'))
            return false;
    }
    return true;
}

int audit_security_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct audit_query q = {.kind = "security"};
    json_t *list = NULL;
    int64_t next_before_id = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_parse_limit(req, AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT, &q.limit);
    if (rc == 0)
        rc = api_query_id(req, "cursor", &q.before_id);
    if (rc == 0)
        rc = api_query_id(req, "user_id", &q.user_id);
    if (rc < 0)
        return rc;
    const char *action = http_query(req, "action");
    if (action != NULL && *action != '\0') {
        if (!action_valid(action)) {
            err_set(&req->err, ERR_BAD_REQUEST, "action must be an action name such as sign_in");
            return err_field(&req->err, "action", "must be an action name such as sign_in");
        }
        q.action = action;
    }
    rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_audit_list(conn, req->arena, &q, &list, &next_before_id, &req->err);
    if (rc < 0)
        return rc;
    return api_respond_page(req, res, list, next_before_id);
}
