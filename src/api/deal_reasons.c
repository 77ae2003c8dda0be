/*
 * /api/v1/deal-reasons: the lists a user picks from when a deal is won or
 * lost, kept by administrators (kind won|lost, name, position, active).
 * Anyone signed in reads them, optionally one kind (?kind=lost). A reason
 * that deals name cannot be deleted; it is made inactive instead. Each
 * change is one transaction with a security audit entry
 * (api/admin_resource.c).
 */
#include "api/api.h"

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

static int check_reason(struct http_request *req, struct store_conn *conn, const json_t *body,
                        const json_t *current, json_t **clean)
{
    return deal_reason_validate(body, current, clean, &req->err);
}

static const char *const reason_names[] = {"kind", "name"};

static const struct admin_resource deal_reasons = {
    .path = "/api/v1/deal-reasons",
    .table = "deal_reasons",
    .name = "deal_reason",
    .keys = reason_keys,
    .n_keys = COUNT(reason_keys),
    .deleted_keys = reason_names,
    .n_deleted_keys = COUNT(reason_names),
    .check = check_reason,
    .get = store_deal_reason_get,
    .insert = store_deal_reason_insert,
    .update = store_deal_reason_update,
    .remove = store_deal_reason_delete,
};

int deal_reasons_get(struct http_request *req, struct http_response *res)
{
    return admin_resource_get(req, res, &deal_reasons);
}

int deal_reasons_create(struct http_request *req, struct http_response *res)
{
    return admin_resource_create(req, res, &deal_reasons);
}

int deal_reasons_update(struct http_request *req, struct http_response *res)
{
    return admin_resource_update(req, res, &deal_reasons);
}

int deal_reasons_delete(struct http_request *req, struct http_response *res)
{
    return admin_resource_delete(req, res, &deal_reasons);
}
