/*
 * Browser sessions on the API side: the cookie (its name, setting and
 * clearing it) and starting a session at sign-in. The session itself is a
 * row in the store holding only the hash of the cookie's value.
 */
#ifndef CRM_API_SESSION_H
#define CRM_API_SESSION_H

#include <stdint.h>

#include "auth/token.h"
#include "http/http.h"

struct store_conn;

/* Minutes a password-checked sign-in may wait for its second factor. */
#define SESSION_CHALLENGE_MS (5 * 60 * 1000)

/* The session cookie's value; NULL when none was sent. */
const char *session_cookie(struct http_request *req);
void session_clear_cookie(struct http_request *req, struct http_response *res);

/*
 * Signs user_id in: ends the session the request came with (a new id at
 * every sign-in, so a planted cookie is worth nothing), stores a new one
 * and sets its cookie; csrf_out gets the session's CSRF token.
 */
int session_start(struct http_request *req, struct http_response *res, struct store_conn *conn,
                  int64_t user_id, char csrf_out[TOKEN_TEXT_MAX]);
/* A second-factor challenge for user_id: a short-lived pending session, no cookie. */
int session_start_challenge(struct http_request *req, struct store_conn *conn, int64_t user_id,
                            char challenge_out[TOKEN_TEXT_MAX]);

#endif
