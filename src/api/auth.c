/*
 * /api/v1/auth: signing in (password, then a one-time code when two-factor
 * sign-in is on), out, who am I, changing one's password and turning
 * two-factor sign-in on and off.
 *
 * DESIGN: a sign-in attempt first asks the throttle (auth/throttle.h)
 * whether it may be evaluated at all, from the failures recorded for the
 * e-mail and for the client address; a refused attempt costs no password
 * hash. An unknown e-mail is checked against a dummy hash, and answers
 * exactly as a wrong password does, so neither the answer nor its timing
 * tells whether an account exists. Every outcome goes to the security log,
 * also a body refused before any credential is checked (malformed JSON, a
 * password too long or with NUL, a body too large for the server): that
 * counts as a failure of the client address, never of the account.
 */
#include "api/api.h"

#include <string.h>

#include "api/body.h"
#include "api/session.h"
#include "auth/password.h"
#include "auth/throttle.h"
#include "auth/token.h"
#include "auth/totp.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "store/store.h"

#define EMAIL_MAX_BYTES 254
#define RECOVERY_CODE_COUNT 10
#define TOTP_ISSUER "CRM"

/* The string member name of body, or a field error; *out NULL when absent and optional. */
static int body_string(struct http_request *req, const json_t *body, const char *name,
                       size_t max_bytes, bool required, const char **out)
{
    const json_t *v = json_object_get(body, name);
    *out = NULL;
    if (v == NULL && !required)
        return 0;
    if (!json_is_string(v))
        return err_field(&req->err, name, "must be a string");
    if (json_string_length(v) > max_bytes)
        return err_field(&req->err, name, "must be at most %zu bytes", max_bytes);
    if (strlen(json_string_value(v)) != json_string_length(v))
        return err_field(&req->err, name, "must not contain NUL characters");
    *out = json_string_value(v);
    return 0;
}

/* Reads a JSON body with only the allowed keys; unknown ones become field errors. */
static int read_body(struct http_request *req, const char *const *allowed, size_t n_allowed,
                     json_t **body)
{
    int rc = http_request_json(req, body);
    if (rc == 0)
        rc = body_check_keys(req, *body, allowed, n_allowed);
    return rc;
}

/* 422 (or the error already set) when a check above recorded a problem. */
static int fail_if_field_errors(struct http_request *req)
{
    return body_failed(req) ? -(int)req->err.code : 0;
}

static void lower_ascii(char *s)
{
    for (; *s != '\0'; s++) {
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
    }
}

/* Logs sign_in_throttled (account NULL: not known); answers the wait in whole seconds. */
static int64_t throttled_event(struct http_request *req, const char *account, int64_t wait_ms)
{
    int64_t wait_s = (wait_ms + 999) / 1000;
    json_t *detail = api_keep(req, json_pack("{s:I}", "wait_s", (json_int_t)wait_s));
    if (account != NULL)
        json_object_set_new(detail, "email", json_string(account));
    api_security_event(req, "sign_in_throttled", 0, detail);
    return wait_s;
}

/* Answers 429 with Retry-After when the throttle says wait. */
static int respond_throttled(struct http_request *req, struct http_response *res,
                             const char *account, int64_t wait_ms)
{
    int64_t wait_s = throttled_event(req, account, wait_ms);
    err_set(&req->err, ERR_THROTTLED, "too many failed sign-ins; try again in %lld s",
            (long long)wait_s);
    http_respond_problem(res, &req->err);
    http_response_header(res, "Retry-After", arena_printf(req->arena, "%lld", (long long)wait_s));
    return 0;
}

/* How long this account and client must still wait before an attempt is evaluated. */
static int throttle_wait(struct http_request *req, struct store_conn *conn, const char *account,
                         int64_t *wait_ms)
{
    struct sign_in_failures f;
    int64_t now_ms = clock_now_ms();
    int rc = store_sign_in_failures_count(conn, req->arena, account, api_client(req),
                                          now_ms - SIGN_IN_WINDOW_MS, now_ms, &f, &req->err);
    if (rc < 0)
        return rc;
    struct sign_in_counts counts = {f.account, f.account_last_ms, f.account_hour, f.client,
                                    f.client_last_ms};
    *wait_ms = sign_in_wait_ms(&counts, now_ms);
    return 0;
}

/*
 * Records a failed attempt (account NULL: the client address only) and its
 * security event, in one transaction of their own; a failure to write them
 * is logged. Leaves req->err clear.
 */
static void failure_record(struct http_request *req, struct store_conn *conn, const char *account,
                           int64_t user_id, const char *action, const json_t *detail)
{
    err_clear(&req->err);
    int rc = store_begin(conn, &req->err);
    if (rc == 0)
        rc = store_sign_in_failure_add(conn, req->arena, account, api_client(req),
                                       clock_now_ms(), &req->err);
    if (rc == 0)
        rc = api_audit_security(req, conn, action, user_id, detail);
    if (api_commit(req, conn, rc) < 0)
        log_error("sign_in_failure_lost", "rid=%s action=%s slug=%s", req->request_id, action,
                  err_slug(req->err.code));
    err_clear(&req->err);
}

/* Records a failed attempt with sign_in_failed and answers 401. */
static int sign_in_failed(struct http_request *req, struct store_conn *conn, const char *account,
                          int64_t user_id, const char *reason, const char *answer)
{
    json_t *detail = api_keep(req, json_pack("{s:s,s:s}", "email", account, "reason", reason));
    failure_record(req, conn, account, user_id, "sign_in_failed", detail);
    return err_set(&req->err, ERR_UNAUTHORIZED, "%s", answer);
}

/*
 * The e-mail of a refused sign-in body, lower-cased, when it looks like an
 * address (printable, with an @, not too long); NULL otherwise, so that a
 * password typed into the wrong box is not logged.
 */
static const char *email_for_log(struct http_request *req, const char *email)
{
    if (email == NULL || strlen(email) > EMAIL_MAX_BYTES || strchr(email, '@') == NULL)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)email; *p != '\0'; p++) {
        if (*p <= ' ' || *p == 0x7f)
            return NULL;
    }
    char *account = arena_strdup(req->arena, email);
    lower_ascii(account);
    return account;
}

/*
 * A sign-in body refused before any credential is checked (req->err holds
 * why). Unless the client address must already wait (then 429 as for any
 * throttled attempt, or with res NULL only the event), it counts as a
 * failure of the client address, not of the e-mail, and is logged as
 * sign_in_rejected with the problem and field errors, never a value.
 * Answers the refusal (req->err) itself.
 */
static int sign_in_rejected(struct http_request *req, struct http_response *res,
                            const char *email)
{
    struct err refused = req->err;
    json_t *detail = api_refusal_detail(req, &refused);
    struct store_conn *conn;
    int64_t wait_ms = 0;
    if (email != NULL)
        json_object_set_new(detail, "email", json_string(email));
    err_clear(&req->err);
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = throttle_wait(req, conn, NULL, &wait_ms);
    if (rc == 0 && wait_ms > 0 && res != NULL)
        return respond_throttled(req, res, email, wait_ms);
    if (rc == 0 && wait_ms > 0)
        throttled_event(req, email, wait_ms);
    else if (rc == 0)
        failure_record(req, conn, NULL, 0, "sign_in_rejected", detail);
    else
        log_error("sign_in_failure_lost", "rid=%s action=sign_in_rejected slug=%s",
                  req->request_id, err_slug(req->err.code));
    req->err = refused;
    return -(int)refused.code;
}

void auth_refused(struct http_request *req)
{
    if (strcmp(req->method, "POST") != 0)
        return;
    if (strcmp(req->path, "/api/v1/auth/login") == 0 || strcmp(req->path, "/api/v1/auth/totp") == 0)
        sign_in_rejected(req, NULL, NULL);
}

/*
 * A body with a password refused before the password is checked, from a
 * signed-in caller: logged as password_rejected with the route, the
 * problem and the field errors. Not a failed sign-in: the caller holds a
 * session already. Answers the refusal.
 */
static int password_rejected(struct http_request *req)
{
    json_t *detail = api_refusal_detail(req, &req->err);
    json_object_set_new(detail, "path", json_string(req->path));
    api_security_event(req, "password_rejected", 0, detail);
    return -(int)req->err.code;
}

/* Answers a completed sign-in: the user, its CSRF token and the cookie. */
static int finish_sign_in(struct http_request *req, struct http_response *res,
                          struct store_conn *conn, const struct auth_user *user, const char *how)
{
    char csrf[TOKEN_TEXT_MAX];
    char now[CLOCK_DATETIME_LEN + 1];
    json_t *user_json = NULL;
    clock_format_datetime(clock_now_ms(), now);
    json_t *seen = api_keep(req, json_pack("{s:s}", "last_sign_in_at", now));
    int rc = store_begin(conn, &req->err);
    if (rc < 0)
        return rc;
    rc = session_start(req, res, conn, user->id, csrf);
    if (rc == 0)
        rc = store_user_update(conn, req->arena, user->id, seen, &req->err);
    if (rc == 0)
        rc = store_sign_in_failures_clear(conn, req->arena, user->email, &req->err);
    if (rc == 0)
        rc = api_audit_security(req, conn, "sign_in", user->id,
                                api_keep(req, json_pack("{s:s}", "method", how)));
    if (rc == 0)
        rc = store_user_get(conn, req->arena, user->id, &user_json, &req->err);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    json_t *body = api_keep(req, json_pack("{s:o,s:s}", "user", user_json, "csrf_token", csrf));
    return http_respond_json(res, 200, body);
}

int auth_login(struct http_request *req, struct http_response *res)
{
    static const char *const allowed[] = {"email", "password"};
    struct store_conn *conn;
    struct auth_user user;
    json_t *body;
    const char *email = NULL, *password = NULL;
    int64_t wait_ms = 0;
    int rc = read_body(req, allowed, sizeof(allowed) / sizeof(allowed[0]), &body);
    if (rc == 0) {
        body_string(req, body, "email", EMAIL_MAX_BYTES, true, &email);
        body_string(req, body, "password", PASSWORD_MAX_BYTES, true, &password);
        rc = fail_if_field_errors(req);
    }
    if (rc < 0)
        return sign_in_rejected(req, res, email_for_log(req, email));
    rc = api_conn(req, &conn);
    if (rc < 0)
        return rc;
    char *account = arena_strdup(req->arena, email);
    lower_ascii(account);
    rc = throttle_wait(req, conn, account, &wait_ms);
    if (rc < 0)
        return rc;
    if (wait_ms > 0)
        return respond_throttled(req, res, account, wait_ms);
    rc = store_user_find_by_email(conn, req->arena, account, &user, &req->err);
    if (rc < 0 && rc != -ERR_NOT_FOUND)
        return rc;
    bool known = rc == 0;
    bool password_ok = password_verify(known ? user.password_hash : NULL, password,
                                       strlen(password));
    const char *answer = "wrong e-mail or password";
    if (!known)
        return sign_in_failed(req, conn, account, 0, "unknown e-mail", answer);
    if (!password_ok)
        return sign_in_failed(req, conn, account, user.id, "wrong password", answer);
    if (user.disabled)
        return sign_in_failed(req, conn, account, user.id, "disabled user", answer);
    if (!user.totp_enabled)
        return finish_sign_in(req, res, conn, &user, "password");
    char challenge[TOKEN_TEXT_MAX];
    rc = store_begin(conn, &req->err);
    if (rc == 0)
        rc = api_commit(req, conn, session_start_challenge(req, conn, user.id, challenge));
    if (rc < 0)
        return rc;
    json_t *answer_body =
        api_keep(req, json_pack("{s:b,s:s}", "totp_required", 1, "challenge", challenge));
    return http_respond_json(res, 200, answer_body);
}

/* Checks a six-digit code or an unused recovery code; *how says which matched. */
static int check_second_factor(struct http_request *req, struct store_conn *conn,
                               const struct auth_user *user, const char *code, bool *ok,
                               const char **how)
{
    int64_t step = 0;
    *ok = false;
    *how = "totp";
    if (user->totp_secret != NULL &&
        totp_verify(user->totp_secret, code, clock_now_ms() / 1000, user->totp_last_step,
                    &step)) {
        *ok = true;
        json_t *fields = api_keep(req, json_pack("{s:I}", "totp_last_step", (json_int_t)step));
        return store_user_update(conn, req->arena, user->id, fields, &req->err);
    }
    char normal[RECOVERY_CODE_BYTES];
    char hash[TOKEN_HASH_HEX_BYTES];
    if (recovery_code_normalise(code, normal) < 0)
        return 0;
    token_hash(normal, strlen(normal), hash);
    *how = "recovery_code";
    return store_recovery_code_use(conn, req->arena, user->id, hash, ok, &req->err);
}

int auth_totp(struct http_request *req, struct http_response *res)
{
    static const char *const allowed[] = {"challenge", "code"};
    struct store_conn *conn;
    struct session_row pending;
    struct auth_user user;
    json_t *body;
    const char *challenge, *code;
    char hash[TOKEN_HASH_HEX_BYTES];
    int64_t wait_ms = 0;
    int rc = read_body(req, allowed, sizeof(allowed) / sizeof(allowed[0]), &body);
    if (rc == 0) {
        body_string(req, body, "challenge", TOKEN_TEXT_MAX, true, &challenge);
        body_string(req, body, "code", 32, true, &code);
        rc = fail_if_field_errors(req);
    }
    if (rc < 0)
        return sign_in_rejected(req, res, NULL);
    rc = api_conn(req, &conn);
    if (rc < 0)
        return rc;
    token_hash(challenge, strlen(challenge), hash);
    rc = store_session_find_with_user(conn, req->arena, hash, &pending, &user, &req->err);
    if (rc == 0 && (!pending.pending_totp || clock_now_ms() > pending.expires_at_ms))
        rc = err_set(&req->err, ERR_NOT_FOUND, "no such challenge");
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_set(&req->err, ERR_UNAUTHORIZED,
                       "the sign-in has expired; enter your e-mail and password again");
    }
    if (rc == 0)
        rc = throttle_wait(req, conn, user.email, &wait_ms);
    if (rc < 0)
        return rc;
    if (wait_ms > 0)
        return respond_throttled(req, res, user.email, wait_ms);
    bool ok = false;
    const char *how = "totp";
    rc = store_begin(conn, &req->err);
    if (rc == 0)
        rc = check_second_factor(req, conn, &user, code, &ok, &how);
    if (rc == 0 && ok)
        rc = store_session_delete(conn, req->arena, pending.id, &req->err);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    if (!ok || user.disabled)
        return sign_in_failed(req, conn, user.email, user.id, ok ? "disabled user" : "wrong code",
                              "wrong code");
    if (strcmp(how, "recovery_code") == 0)
        api_security_event(req, "recovery_code_used", user.id, NULL);
    return finish_sign_in(req, res, conn, &user, how);
}

int auth_logout(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    int rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    if (actor->session_id > 0)
        rc = store_session_delete(conn, req->arena, actor->session_id, &req->err);
    if (rc == 0)
        rc = api_audit(req, conn, "security", "sign_out", NULL, 0, NULL, NULL);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    session_clear_cookie(req, res);
    http_respond_empty(res, 204);
    return 0;
}

int auth_me(struct http_request *req, struct http_response *res)
{
    struct api_context *ctx = api_context(req);
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    json_t *user = NULL;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_user_get(conn, req->arena, actor->user_id, &user, &req->err);
    if (rc < 0)
        return rc;
    json_t *body = api_keep(req, json_object());
    json_object_set_new(body, "user", user);
    if (ctx->session_token != NULL) {
        char csrf[TOKEN_TEXT_MAX];
        token_csrf(ctx->session_token, csrf);
        json_object_set_new(body, "csrf_token", json_string(csrf));
    } else {
        json_object_set_new(body, "csrf_token", json_null());
    }
    json_object_set_new(body, "is_admin", json_boolean(actor_is_admin(actor)));
    json_object_set_new(body, "permissions", role_permissions_json(actor->role));
    json_object_set_new(body, "fields", role_fields_json(actor->role));
    return http_respond_json(res, 200, body);
}

/* The signed-in user's row, with a throttled check of their current password. */
static int check_current_password(struct http_request *req, struct http_response *res,
                                  struct store_conn *conn, const char *password,
                                  struct auth_user *user, bool *answered)
{
    const struct actor *actor = api_actor(req);
    int64_t wait_ms = 0;
    *answered = false;
    int rc = store_user_find_by_id(conn, req->arena, actor->user_id, user, &req->err);
    if (rc == 0)
        rc = throttle_wait(req, conn, user->email, &wait_ms);
    if (rc < 0)
        return rc;
    if (wait_ms > 0) {
        *answered = true;
        return respond_throttled(req, res, user->email, wait_ms);
    }
    if (!password_verify(user->password_hash, password, strlen(password))) {
        sign_in_failed(req, conn, user->email, user->id, "wrong password", "");
        err_clear(&req->err);
        err_set(&req->err, ERR_VALIDATION, "the current password is wrong");
        return err_field(&req->err, "current_password", "is wrong");
    }
    return 0;
}

int auth_password(struct http_request *req, struct http_response *res)
{
    static const char *const allowed[] = {"current_password", "new_password"};
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    struct auth_user user;
    json_t *body;
    const char *current, *fresh;
    bool answered;
    int rc = read_body(req, allowed, sizeof(allowed) / sizeof(allowed[0]), &body);
    if (rc == 0) {
        body_string(req, body, "current_password", PASSWORD_MAX_BYTES, true, &current);
        body_string(req, body, "new_password", PASSWORD_MAX_BYTES + 1, true, &fresh);
        if (fresh != NULL)
            password_check_new(fresh, strlen(fresh), "new_password", &req->err);
        rc = fail_if_field_errors(req);
    }
    if (rc < 0)
        return password_rejected(req);
    rc = api_conn(req, &conn);
    if (rc == 0)
        rc = check_current_password(req, res, conn, current, &user, &answered);
    if (rc < 0 || answered)
        return rc;
    char hash[PASSWORD_HASH_BYTES];
    rc = password_hash(fresh, strlen(fresh), hash, &req->err);
    if (rc < 0)
        return rc;
    json_t *fields = api_keep(req, json_pack("{s:s,s:b}", "password_hash", hash,
                                             "password_must_change", 0));
    char csrf[TOKEN_TEXT_MAX] = "";
    rc = store_begin(conn, &req->err);
    if (rc == 0)
        rc = store_user_update(conn, req->arena, user.id, fields, &req->err);
    /* Every session and token of the user ends; this browser gets a new session. */
    if (rc == 0)
        rc = store_sessions_delete_for_user(conn, req->arena, user.id, 0, &req->err);
    if (rc == 0)
        rc = store_tokens_revoke_for_user(conn, req->arena, user.id, &req->err);
    if (rc == 0)
        rc = api_audit(req, conn, "security", "password_changed", "users", user.id, NULL, NULL);
    if (rc == 0 && actor->session_id > 0) {
        api_context(req)->actor.session_id = 0; /* already deleted above */
        rc = session_start(req, res, conn, user.id, csrf);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    json_t *answer = api_keep(req, json_object());
    json_object_set_new(answer, "csrf_token", csrf[0] ? json_string(csrf) : json_null());
    return http_respond_json(res, 200, answer);
}

int auth_totp_setup(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    struct auth_user user;
    char secret[TOTP_SECRET_BASE32_BYTES];
    int rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_user_find_by_id(conn, req->arena, actor->user_id, &user, &req->err);
    if (rc == 0 && user.totp_enabled)
        rc = err_set(&req->err, ERR_CONFLICT, "two-factor sign-in is already on; turn it off first");
    totp_secret_generate(secret);
    json_t *fields = api_keep(req, json_pack("{s:s}", "totp_secret", secret));
    if (rc == 0)
        rc = store_user_update(conn, req->arena, user.id, fields, &req->err);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    json_t *body = api_keep(req, json_pack("{s:s,s:s}", "secret", secret, "otpauth_url",
                                           totp_otpauth_url(req->arena, TOTP_ISSUER, user.email,
                                                            secret)));
    return http_respond_json(res, 200, body);
}

int auth_totp_enable(struct http_request *req, struct http_response *res)
{
    static const char *const allowed[] = {"code"};
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    struct auth_user user;
    json_t *body;
    const char *code;
    int64_t step = 0;
    int rc = read_body(req, allowed, sizeof(allowed) / sizeof(allowed[0]), &body);
    if (rc < 0)
        return rc;
    body_string(req, body, "code", 32, true, &code);
    rc = fail_if_field_errors(req);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_user_find_by_id(conn, req->arena, actor->user_id, &user, &req->err);
    if (rc == 0 && user.totp_enabled)
        rc = err_set(&req->err, ERR_CONFLICT, "two-factor sign-in is already on");
    if (rc == 0 && user.totp_secret == NULL)
        rc = err_set(&req->err, ERR_CONFLICT, "start with POST /api/v1/auth/totp/setup");
    if (rc == 0 && !totp_verify(user.totp_secret, code, clock_now_ms() / 1000, 0, &step)) {
        err_set(&req->err, ERR_VALIDATION, "the code does not match; check the device's clock");
        rc = err_field(&req->err, "code", "does not match");
    }
    json_t *codes = api_keep(req, json_array());
    const char *hashes[RECOVERY_CODE_COUNT];
    for (size_t i = 0; i < RECOVERY_CODE_COUNT; i++) {
        char text[RECOVERY_CODE_BYTES];
        char *hash = arena_alloc(req->arena, TOKEN_HASH_HEX_BYTES);
        recovery_code_generate(text);
        token_hash(text, strlen(text), hash);
        hashes[i] = hash;
        json_array_append_new(codes, json_string(text));
    }
    json_t *fields = api_keep(req, json_pack("{s:b,s:I}", "totp_enabled", 1, "totp_last_step",
                                             (json_int_t)step));
    if (rc == 0)
        rc = store_user_update(conn, req->arena, user.id, fields, &req->err);
    if (rc == 0)
        rc = store_recovery_codes_replace(conn, req->arena, user.id, hashes, RECOVERY_CODE_COUNT,
                                          &req->err);
    if (rc == 0)
        rc = api_audit(req, conn, "security", "totp_enabled", "users", user.id, NULL, NULL);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200, api_keep(req, json_pack("{s:O}", "recovery_codes", codes)));
}

int auth_totp_disable(struct http_request *req, struct http_response *res)
{
    static const char *const allowed[] = {"password"};
    struct store_conn *conn;
    struct auth_user user;
    json_t *body;
    const char *password;
    bool answered;
    int rc = read_body(req, allowed, sizeof(allowed) / sizeof(allowed[0]), &body);
    if (rc == 0) {
        body_string(req, body, "password", PASSWORD_MAX_BYTES, true, &password);
        rc = fail_if_field_errors(req);
    }
    if (rc < 0)
        return password_rejected(req);
    rc = api_conn(req, &conn);
    if (rc == 0)
        rc = check_current_password(req, res, conn, password, &user, &answered);
    if (rc < 0 || answered) {
        /* The field that was wrong here is password. */
        if (rc < 0 && req->err.n_fields == 1)
            snprintf(req->err.fields[0].field, sizeof(req->err.fields[0].field), "password");
        return rc;
    }
    json_t *fields = api_keep(req, json_pack("{s:n,s:b,s:I}", "totp_secret", "totp_enabled", 0,
                                             "totp_last_step", (json_int_t)0));
    rc = store_begin(conn, &req->err);
    if (rc == 0)
        rc = store_user_update(conn, req->arena, user.id, fields, &req->err);
    if (rc == 0)
        rc = store_recovery_codes_replace(conn, req->arena, user.id, NULL, 0, &req->err);
    if (rc == 0)
        rc = api_audit(req, conn, "security", "totp_disabled", "users", user.id, NULL, NULL);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}
