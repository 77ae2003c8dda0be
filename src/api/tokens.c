/*
 * /api/v1/tokens: API tokens for scripts and integrations. Callers list,
 * create and revoke their own tokens; administrators may list anyone's
 * (?user_id=) and revoke anyone's. Only a hash of the secret is stored: the
 * secret is answered once, on creation. Scopes never exceed the caller's,
 * and only administrators may hold the admin scope.
 */
#include "api/api.h"

#include <string.h>

#include "api/body.h"
#include "auth/token.h"
#include "base/arena.h"
#include "base/clock.h"
#include "domain/access.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define TOKEN_NAME_MAX_CHARS 100
#define TOKEN_SECRET_PREFIX "crm_"
#define TOKEN_PREFIX_CHARS 8 /* shown in lists: "crm_AbCd" */

static const char *const token_keys[] = {"name", "scopes", "expires_at"};

static const struct {
    unsigned bit;
    const char *name;
} scope_names[] = {
    {TOKEN_SCOPE_READ, "read"},
    {TOKEN_SCOPE_WRITE, "write"},
    {TOKEN_SCOPE_ADMIN, "admin"},
};

/* The caller; 401 when nobody is signed in. */
static int require_actor(struct http_request *req, const struct actor **actor)
{
    *actor = api_actor(req);
    if (*actor == NULL)
        return err_set(&req->err, ERR_UNAUTHORIZED, "sign in first");
    return 0;
}

int tokens_list(struct http_request *req, struct http_response *res)
{
    const struct actor *actor;
    struct store_conn *conn;
    json_t *list = NULL;
    int64_t user_id = 0;
    int rc = require_actor(req, &actor);
    if (rc == 0)
        rc = api_query_id(req, "user_id", &user_id);
    if (rc < 0)
        return rc;
    if (user_id == 0)
        user_id = actor->user_id;
    if (user_id != actor->user_id && !actor_is_admin(actor))
        return err_set(&req->err, ERR_FORBIDDEN, "only administrators may list others' tokens");
    rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_tokens_list(conn, req->arena, user_id, &list, &req->err);
    if (rc < 0)
        return rc;
    return api_respond_page(req, res, list, 0);
}

/* The scopes of a body as enum token_scope bits; problems are field errors. */
static unsigned read_scopes(struct http_request *req, const struct actor *actor,
                            const json_t *value)
{
    unsigned scopes = 0;
    if (!json_is_array(value) || json_array_size(value) == 0) {
        err_field(&req->err, "scopes", "must be a non-empty list of read, write and admin");
        return 0;
    }
    size_t i;
    const json_t *item;
    json_array_foreach(value, i, item)
    {
        const char *name = json_string_value(item);
        unsigned bit = 0;
        for (size_t k = 0; k < COUNT(scope_names) && name != NULL && bit == 0; k++) {
            if (strcmp(scope_names[k].name, name) == 0)
                bit = scope_names[k].bit;
        }
        if (bit == 0) {
            err_field(&req->err, "scopes", "must hold only read, write and admin");
            return 0;
        }
        scopes |= bit;
    }
    if ((scopes & TOKEN_SCOPE_ADMIN) != 0 && !actor_is_admin(actor)) {
        err_field(&req->err, "scopes", "only administrators may give a token the admin scope");
        return 0;
    }
    /* A token cannot reach further than the credential that made it. */
    if ((scopes & ~actor->token_scopes) != 0) {
        err_field(&req->err, "scopes", "may not exceed the scopes of the credential in use");
        return 0;
    }
    return scopes;
}

/*
 * The expiry of a body: absent or null is never (false); a date or
 * date-time in the future is written to out as UTC text, whole seconds.
 * Problems are field errors.
 */
static bool read_expiry(struct http_request *req, const json_t *value,
                        char out[CLOCK_DATETIME_LEN + 1])
{
    int64_t ms;
    if (value == NULL || json_is_null(value))
        return false;
    if (!json_is_string(value) ||
        clock_parse_datetime(json_string_value(value), json_string_length(value), &ms) < 0) {
        err_field(&req->err, "expires_at",
                  "must be a date or date-time such as 2026-12-31 or 2026-12-31T18:00:00Z");
        return false;
    }
    if (ms <= clock_now_ms()) {
        err_field(&req->err, "expires_at", "must be in the future");
        return false;
    }
    clock_format_datetime(ms - ms % 1000, out);
    return true;
}

/* Reads a token, kept until the request ends. */
static int get_token(struct http_request *req, struct store_conn *conn, int64_t id, json_t **token)
{
    int rc = store_token_get(conn, req->arena, id, token, &req->err);
    if (rc == 0)
        api_keep(req, *token);
    return rc;
}

/* What the audit log keeps of a token (never its secret or hash). */
static json_t *token_detail(struct http_request *req, const json_t *token)
{
    return api_keep(req, json_pack("{s:O,s:O,s:O,s:O,s:O}", "name", json_object_get(token, "name"),
                                   "prefix", json_object_get(token, "prefix"), "scopes",
                                   json_object_get(token, "scopes"), "expires_at",
                                   json_object_get(token, "expires_at"), "user_id",
                                   json_object_get(token, "user_id")));
}

int tokens_create(struct http_request *req, struct http_response *res)
{
    const struct actor *actor;
    struct store_conn *conn;
    json_t *body, *token = NULL;
    char expires_at[CLOCK_DATETIME_LEN + 1];
    char secret[TOKEN_TEXT_MAX];
    char hash[TOKEN_HASH_HEX_BYTES];
    int64_t id = 0;
    int rc = require_actor(req, &actor);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, token_keys, COUNT(token_keys));
    if (rc < 0)
        return rc;
    const char *name = body_text(req, json_object_get(body, "name"), "name", TOKEN_NAME_MAX_CHARS);
    unsigned scopes = read_scopes(req, actor, json_object_get(body, "scopes"));
    bool expires = read_expiry(req, json_object_get(body, "expires_at"), expires_at);
    if (body_failed(req))
        return -req->err.code;
    token_generate(TOKEN_SECRET_PREFIX, secret, sizeof(secret));
    token_hash(secret, strlen(secret), hash);
    struct token_row row = {
        .user_id = actor->user_id,
        .name = name,
        .token_hash = hash,
        .prefix = arena_strndup(req->arena, secret, TOKEN_PREFIX_CHARS),
        .scopes = scopes,
        .expires_at = expires ? expires_at : NULL,
    };
    rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_token_insert(conn, req->arena, &row, &id, &req->err);
    if (rc == 0)
        rc = get_token(req, conn, id, &token);
    if (rc == 0)
        rc = api_audit(req, conn, "security", "token_created", "tokens", id, NULL,
                       token_detail(req, token));
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    json_t *answer = api_keep(req, json_deep_copy(token));
    json_object_set_new(answer, "token", json_string(secret));
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/tokens/%lld", (long long)id));
    return http_respond_json(res, 201, answer);
}

int tokens_delete(struct http_request *req, struct http_response *res)
{
    const struct actor *actor;
    struct store_conn *conn;
    json_t *token = NULL;
    int64_t id;
    int rc = require_actor(req, &actor);
    if (rc == 0)
        rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_token(req, conn, id, &token);
    /* Someone else's token is not there for a caller who is not an administrator. */
    if (rc == 0 && json_integer_value(json_object_get(token, "user_id")) != actor->user_id &&
        !actor_is_admin(actor))
        rc = err_set(&req->err, ERR_NOT_FOUND, "no token with id %lld", (long long)id);
    if (rc == 0)
        rc = store_token_revoke(conn, req->arena, id, &req->err);
    if (rc == 0)
        rc = api_audit(req, conn, "security", "token_revoked", "tokens", id, NULL,
                       token_detail(req, token));
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}
