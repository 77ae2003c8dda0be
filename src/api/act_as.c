/*
 * Acting as a user: the actor of a request made by the server on a user's
 * behalf (the guard's sign-in, and the jobs that carry on a user's import
 * or export after the request that started it), so that a job meets the
 * very checks the user's own requests meet.
 */
#include "api/api.h"

#include "api/role_cache.h"
#include "base/arena.h"

int api_act_as(struct http_request *req, const struct auth_user *user, unsigned scopes)
{
    struct api_context *ctx = api_context(req);
    struct app *app = req->app;
    struct role_text role = {
        .id = user->role_id,
        .version = user->role_version,
        .name = user->role_name,
        .is_admin = user->role_is_admin,
        .permissions = user->role_permissions,
        .fields = user->role_fields,
    };
    int rc = role_cache_get(app != NULL ? app->roles : NULL, req->arena, &role, &ctx->actor.role,
                            &req->err);
    if (rc < 0)
        return rc;
    ctx->actor.user_id = user->id;
    ctx->actor.team_id = user->team_id;
    ctx->actor.token_scopes = scopes;
    ctx->signed_in = true;
    return 0;
}

int api_job_request(struct http_request *req, struct arena *arena, struct store_conn *conn,
                    int64_t user_id, const char *request_id)
{
    static struct app job_app; /* no store (the connection is given), roles parsed each time */
    *req = (struct http_request){
        .arena = arena, .method = "JOB", .path = "", .body = "", .app = &job_app};
    err_clear(&req->err);
    snprintf(req->request_id, sizeof(req->request_id), "%s", request_id);
    struct api_context *ctx = api_context(req);
    ctx->conn = conn;
    ctx->client = "job";
    struct auth_user user;
    int rc = store_user_find_by_id(conn, arena, user_id, &user, &req->err);
    if (rc < 0)
        return rc;
    if (user.disabled)
        return err_set(&req->err, ERR_FORBIDDEN, "the user who started this is disabled");
    return api_act_as(req, &user, TOKEN_SCOPE_READ | TOKEN_SCOPE_WRITE);
}
