/*
 * The guard in front of every route: who is calling. An API token
 * (Authorization: Bearer) or the session cookie is looked up by its hash;
 * a revoked or expired credential, an ended session or a disabled user is
 * a 401 and a security event. Cookie requests that change something must
 * carry the session's CSRF token and come from the same site. A token
 * without the write scope may only read.
 *
 * Sessions end after session_idle_ms without use or session_max_ms after
 * sign-in. Their last-use time (and a token's) is written at most once a
 * minute, so reads do not turn into writes.
 */
#include "api/api.h"

#include <string.h>
#include <strings.h>

#include "api/role_cache.h"
#include "api/session.h"
#include "auth/csrf.h"
#include "auth/token.h"
#include "base/arena.h"
#include "base/clock.h"
#include "domain/access.h"
#include "store/store.h"

#define TOUCH_EVERY_MS (60 * 1000)
#define BEARER_PREFIX "Bearer "

/* Refuses the request: 401 with a security event saying why. */
static int reject(struct http_request *req, const char *reason)
{
    json_t *detail = api_keep(req, json_pack("{s:s}", "reason", reason));
    api_security_event(req, "auth_rejected", 0, detail);
    return err_set(&req->err, ERR_UNAUTHORIZED, "sign in again: %s", reason);
}

/* Fills the context's actor from a user row; 401 when the user may not sign in. */
static int sign_in_as(struct http_request *req, const struct auth_user *user, unsigned scopes)
{
    if (user->disabled)
        return reject(req, "the user is disabled");
    return api_act_as(req, user, scopes);
}

static int sign_in_with_token(struct http_request *req, struct store_conn *conn,
                              const char *token)
{
    struct token_row row;
    struct auth_user user;
    char hash[TOKEN_HASH_HEX_BYTES];
    char now[CLOCK_DATETIME_LEN + 1];
    int64_t now_ms = clock_now_ms();
    if (!token_well_formed(token, TOKEN_TEXT_MAX))
        return reject(req, "malformed API token");
    token_hash(token, strlen(token), hash);
    int rc = store_token_find_with_user(conn, req->arena, hash, &row, &user, &req->err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return reject(req, "unknown API token");
    }
    if (rc < 0)
        return rc;
    clock_format_datetime(now_ms, now);
    if (row.revoked_at != NULL)
        return reject(req, "the API token was revoked");
    if (row.expires_at != NULL && strcmp(row.expires_at, now) <= 0)
        return reject(req, "the API token has expired");
    api_context(req)->actor.token_id = row.id;
    rc = sign_in_as(req, &user, row.scopes);
    if (rc < 0)
        return rc;
    int64_t last_ms = 0;
    if (row.last_used_at == NULL ||
        clock_parse_datetime(row.last_used_at, strlen(row.last_used_at), &last_ms) < 0 ||
        now_ms - last_ms > TOUCH_EVERY_MS)
        rc = store_token_touch(conn, req->arena, row.id, now, &req->err);
    return rc;
}

/* A cookie that no longer signs anyone in is cleared, unless res is NULL (a sign-in sets it anew). */
static void forget_cookie(struct http_request *req, struct http_response *res)
{
    if (res != NULL)
        session_clear_cookie(req, res);
}

static int sign_in_with_cookie(struct http_request *req, struct http_response *res,
                               struct store_conn *conn, const char *cookie)
{
    struct app *app = req->app;
    struct session_row session;
    struct auth_user user;
    char hash[TOKEN_HASH_HEX_BYTES];
    int64_t now_ms = clock_now_ms();
    if (!token_well_formed(cookie, TOKEN_TEXT_MAX)) {
        forget_cookie(req, res);
        return reject(req, "malformed session cookie");
    }
    token_hash(cookie, strlen(cookie), hash);
    int rc = store_session_find_with_user(conn, req->arena, hash, &session, &user, &req->err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        forget_cookie(req, res);
        return reject(req, "the session has ended");
    }
    if (rc < 0)
        return rc;
    if (session.pending_totp || now_ms - session.last_seen_at_ms > app->session_idle_ms ||
        now_ms > session.expires_at_ms) {
        rc = store_session_delete(conn, req->arena, session.id, &req->err);
        forget_cookie(req, res);
        return rc < 0 ? rc : reject(req, "the session has ended");
    }
    struct api_context *ctx = api_context(req);
    ctx->actor.session_id = session.id;
    ctx->session_token = arena_strdup(req->arena, cookie);
    rc = sign_in_as(req, &user, TOKEN_SCOPE_ALL);
    if (rc < 0)
        return rc;
    if (now_ms - session.last_seen_at_ms > TOUCH_EVERY_MS)
        rc = store_session_touch(conn, req->arena, session.id, now_ms, &req->err);
    if (rc == 0 && user.password_must_change && strncmp(req->path, "/api/v1/auth/", 13) != 0)
        return err_set(&req->err, ERR_FORBIDDEN, "change your password first");
    return rc;
}

/* A cookie request that changes something: same site, and the session's CSRF token. */
static int check_csrf(struct http_request *req)
{
    if (csrf_safe_method(req->method))
        return 0;
    if (!csrf_origin_allowed(http_header(req, "Origin"), http_header(req, "Sec-Fetch-Site"),
                             http_header(req, "Host"))) {
        api_security_event(req, "auth_rejected", 0,
                           api_keep(req, json_pack("{s:s}", "reason", "cross-site request")));
        return err_set(&req->err, ERR_FORBIDDEN, "cross-site requests may not change anything");
    }
    const char *sent = http_header(req, "X-CSRF-Token");
    char expected[TOKEN_TEXT_MAX];
    token_csrf(api_context(req)->session_token, expected);
    if (sent == NULL || !token_equal(sent, expected)) {
        api_security_event(req, "auth_rejected", 0,
                           api_keep(req, json_pack("{s:s}", "reason", "missing or wrong CSRF token")));
        return err_set(&req->err, ERR_FORBIDDEN,
                       "send the X-CSRF-Token header given at sign-in (or by /auth/me)");
    }
    return 0;
}

/* A token without the write scope may only read; without the read scope, nothing. */
static int check_token_scope(struct http_request *req)
{
    const struct actor *actor = api_actor(req);
    bool reading = csrf_safe_method(req->method);
    unsigned needed = reading ? TOKEN_SCOPE_READ : TOKEN_SCOPE_WRITE;
    if ((actor->token_scopes & needed) == 0)
        return err_set(&req->err, ERR_FORBIDDEN, "this API token lacks the %s scope",
                       reading ? "read" : "write");
    return 0;
}

int api_guard(struct http_request *req, struct http_response *res)
{
    const struct route *route = http_request_route(req);
    const char *authorization = http_header(req, "Authorization");
    const char *cookie = session_cookie(req);
    struct store_conn *conn;
    bool is_public = route != NULL && (route->flags & ROUTE_PUBLIC) != 0;
    /*
     * A lead-capture form is posted by pages of other sites: neither their
     * origin nor a cookie the browser may hold says anything of the caller.
     */
    if (route != NULL && (route->flags & ROUTE_ANONYMOUS) != 0)
        return 0;
    if (is_public && !csrf_safe_method(req->method) &&
        !csrf_origin_allowed(http_header(req, "Origin"), http_header(req, "Sec-Fetch-Site"),
                             http_header(req, "Host")))
        return err_set(&req->err, ERR_FORBIDDEN, "cross-site sign-in is refused");
    if (authorization == NULL && cookie == NULL) {
        if (is_public)
            return 0;
        return err_set(&req->err, ERR_UNAUTHORIZED, "sign in first");
    }
    int rc = api_conn(req, &conn);
    if (rc < 0)
        return rc;
    if (authorization != NULL) {
        if (strncasecmp(authorization, BEARER_PREFIX, strlen(BEARER_PREFIX)) != 0)
            return reject(req, "only Bearer API tokens are accepted");
        rc = sign_in_with_token(req, conn, authorization + strlen(BEARER_PREFIX));
        if (rc == 0)
            rc = check_token_scope(req);
        return rc;
    }
    rc = sign_in_with_cookie(req, is_public ? NULL : res, conn, cookie);
    /* A public route (signing in again) needs no session, nor its CSRF token. */
    if (is_public) {
        err_clear(&req->err);
        return 0;
    }
    if (rc == 0)
        rc = check_csrf(req);
    return rc;
}
