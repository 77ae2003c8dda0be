/*
 * Session cookies and starting sessions. The cookie is HttpOnly and
 * SameSite=Lax, and over TLS (as a trusted proxy reports it) Secure with
 * the __Host- prefix, which browsers only accept from a secure origin for
 * the whole site. Its value is 256 random bits; the store keeps its hash.
 */
#include "api/session.h"

#include <string.h>

#include "api/api.h"
#include "base/arena.h"
#include "base/clock.h"
#include "store/store.h"

#define COOKIE_NAME "crm_session"
#define COOKIE_NAME_TLS "__Host-crm_session"
#define USER_AGENT_MAX_BYTES 200

const char *session_cookie(struct http_request *req)
{
    const char *value = http_cookie(req, api_request_is_tls(req) ? COOKIE_NAME_TLS : COOKIE_NAME);
    return value != NULL && *value != '\0' ? value : NULL;
}

static void set_cookie(struct http_request *req, struct http_response *res, const char *value,
                       int64_t max_age_s)
{
    bool tls = api_request_is_tls(req);
    http_response_header(res, "Set-Cookie",
                         arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; "
                                                  "SameSite=Lax%s",
                                      tls ? COOKIE_NAME_TLS : COOKIE_NAME, value,
                                      (long long)max_age_s, tls ? "; Secure" : ""));
}

void session_clear_cookie(struct http_request *req, struct http_response *res)
{
    set_cookie(req, res, "", 0);
}

static int insert_session(struct http_request *req, struct store_conn *conn, int64_t user_id,
                          bool pending, int64_t lifetime_ms, char token_out[TOKEN_TEXT_MAX])
{
    char hash[TOKEN_HASH_HEX_BYTES];
    int64_t now_ms = clock_now_ms();
    const char *agent = http_header(req, "User-Agent");
    token_generate("", token_out, TOKEN_TEXT_MAX);
    token_hash(token_out, strlen(token_out), hash);
    struct session_row row = {
        .token_hash = hash,
        .user_id = user_id,
        .pending_totp = pending,
        .created_at_ms = now_ms,
        .last_seen_at_ms = now_ms,
        .expires_at_ms = now_ms + lifetime_ms,
        .client = api_client(req),
        .user_agent = agent ? arena_strndup(req->arena, agent, strnlen(agent, USER_AGENT_MAX_BYTES))
                            : NULL,
    };
    int64_t id;
    return store_session_insert(conn, req->arena, &row, &id, &req->err);
}

int session_start(struct http_request *req, struct http_response *res, struct store_conn *conn,
                  int64_t user_id, char csrf_out[TOKEN_TEXT_MAX])
{
    struct app *app = req->app;
    const struct actor *actor = api_actor(req);
    char token[TOKEN_TEXT_MAX];
    int rc = 0;
    if (actor != NULL && actor->session_id > 0)
        rc = store_session_delete(conn, req->arena, actor->session_id, &req->err);
    if (rc == 0)
        rc = insert_session(req, conn, user_id, false, app->session_max_ms, token);
    if (rc < 0)
        return rc;
    set_cookie(req, res, arena_strdup(req->arena, token), app->session_max_ms / 1000);
    token_csrf(token, csrf_out);
    return 0;
}

int session_start_challenge(struct http_request *req, struct store_conn *conn, int64_t user_id,
                            char challenge_out[TOKEN_TEXT_MAX])
{
    return insert_session(req, conn, user_id, true, SESSION_CHALLENGE_MS, challenge_out);
}
