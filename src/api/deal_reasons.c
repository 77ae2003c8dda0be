/*
 * /api/v1/deal-reasons: the lists a user picks from when a deal is won or
 * lost, kept by administrators (kind won|lost, name, position, active).
 * Anyone signed in reads them, optionally one kind (?kind=lost). A reason
 * that deals name cannot be deleted; it is made inactive instead. Each
 * change is one transaction with a security audit entry, as for pipelines.
 */
#include "api/api.h"

#include "api/body.h"
#include "base/arena.h"
#include "domain/pipeline.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* What the audit log compares. */
static const char *const reason_keys[] = {"kind", "name", "position", "active"};

int deal_reasons_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *list = NULL;
    const char *kind = http_query(req, "kind");
    if (kind != NULL && *kind == '\0')
        kind = NULL;
    if (kind != NULL && !deal_reason_kind_valid(kind)) {
        err_set(&req->err, ERR_BAD_REQUEST, "kind must be won or lost");
        return err_field(&req->err, "kind", "must be won or lost");
    }
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_deal_reasons_list(conn, req->arena, kind, &list, &req->err);
    if (rc < 0)
        return rc;
    return api_respond_page(req, res, list, 0);
}

/* Reads a reason, kept until the request ends. */
static int get_reason(struct http_request *req, struct store_conn *conn, int64_t id,
                      json_t **reason)
{
    int rc = store_deal_reason_get(conn, req->arena, id, reason, &req->err);
    if (rc == 0)
        api_keep(req, *reason);
    return rc;
}

int deal_reasons_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int64_t id;
    json_t *reason = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = get_reason(req, conn, id, &reason);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, reason);
}

/* Writes a security entry about reason id with what changed, if anything did. */
static int audit_reason(struct http_request *req, struct store_conn *conn, const char *action,
                        int64_t id, const json_t *before, const json_t *after)
{
    json_t *changes = body_changes(before, after, reason_keys, COUNT(reason_keys));
    if (changes == NULL)
        return 0;
    int rc = api_audit(req, conn, "security", action, "deal_reasons", id, changes, NULL);
    json_decref(changes);
    return rc;
}

int deal_reasons_create(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *clean = NULL, *reason = NULL;
    int64_t id = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = deal_reason_validate(body, NULL, &clean, &req->err);
    if (rc == 0) {
        api_keep(req, clean);
        rc = api_begin(req, &conn);
    }
    if (rc < 0)
        return rc;
    rc = store_deal_reason_insert(conn, req->arena, clean, &id, &req->err);
    if (rc == 0)
        rc = get_reason(req, conn, id, &reason);
    if (rc == 0)
        rc = audit_reason(req, conn, "deal_reason_created", id, NULL, reason);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/deal-reasons/%lld", (long long)id));
    return api_respond_record(req, res, 201, reason);
}

int deal_reasons_update(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *clean = NULL, *current = NULL, *reason = NULL;
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
    rc = get_reason(req, conn, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = deal_reason_validate(body, current, &clean, &req->err);
    if (rc == 0)
        api_keep(req, clean);
    reason = current;
    if (rc == 0 && json_object_size(clean) > 0) {
        int64_t version = json_integer_value(json_object_get(current, "version"));
        rc = store_deal_reason_update(conn, req->arena, id, version, clean, &req->err);
        if (rc == 0)
            rc = get_reason(req, conn, id, &reason);
        if (rc == 0)
            rc = audit_reason(req, conn, "deal_reason_updated", id, current, reason);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, reason);
}

int deal_reasons_delete(struct http_request *req, struct http_response *res)
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
    rc = get_reason(req, conn, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = store_deal_reason_delete(conn, req->arena, id, &req->err);
    if (rc == 0) {
        json_t *detail =
            api_keep(req, json_pack("{s:O,s:O}", "kind", json_object_get(current, "kind"), "name",
                                    json_object_get(current, "name")));
        rc = api_audit(req, conn, "security", "deal_reason_deleted", "deal_reasons", id, NULL,
                       detail);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}
