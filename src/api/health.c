/*
 * GET /healthz: 200 once the database answers a trivial query.
 */
#include "api/api.h"

#include "base/arena.h"
#include "store/store.h"

int health_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int rc = api_conn(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_exec(conn, req->arena, "SELECT 1", &req->err);
    if (rc < 0)
        return err_set(&req->err, ERR_UNAVAILABLE, "the database does not answer");
    json_t *body = api_keep(req, json_pack("{s:s}", "status", "ok"));
    return http_respond_json(res, 200, body);
}
