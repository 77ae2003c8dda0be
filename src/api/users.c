/*
 * /api/v1/users: the people who sign in. Anyone signed in may list and read
 * users; administrators create them, change their name, e-mail, role, team
 * or disabled state, and reset their passwords. A user's JSON never holds a
 * hash or a secret; a generated password is answered once.
 *
 * Each change is one transaction with its security audit entries; ending
 * the user's sessions (role change, disabling, password reset) is part of
 * it, so a rejected request changes nothing.
 */
#include "api/api.h"

#include <string.h>

#include "api/body.h"
#include "auth/password.h"
#include "base/arena.h"
#include "domain/zone.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define USERS_DEFAULT_LIMIT 50
#define USERS_MAX_LIMIT 200
#define USER_NAME_MAX_CHARS 200
#define ROLE_NAME_MAX_CHARS 40

static const char *const create_keys[] = {"email", "name", "role", "team_id", "password"};
static const char *const update_keys[] = {"name", "email", "role", "team_id", "disabled",
                                           "time_zone"};
static const char *const own_keys[] = {"time_zone"};
static const char *const reset_keys[] = {"password"};

/* What the audit log compares between two versions of a user. */
static const char *const audit_keys[] = {"email", "name", "role", "team_id", "time_zone"};
static const char *const disabled_key[] = {"disabled"};

int users_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    size_t limit = 0;
    int64_t after_id = 0;
    json_t *list = NULL;
    int rc = api_parse_limit(req, USERS_DEFAULT_LIMIT, USERS_MAX_LIMIT, &limit);
    if (rc == 0)
        rc = api_query_id(req, "cursor", &after_id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    /* One more than asked says whether another page follows. */
    if (rc == 0)
        rc = store_users_list(conn, req->arena, http_query(req, "q"), after_id, limit + 1, &list,
                              &req->err);
    if (rc < 0)
        return rc;
    int64_t next_after_id = 0;
    if (json_array_size(list) > limit) {
        json_array_remove(list, limit);
        next_after_id = json_integer_value(json_object_get(json_array_get(list, limit - 1), "id"));
    }
    return api_respond_page(req, res, list, next_after_id);
}

/* Reads a user, kept until the request ends. */
static int get_user(struct http_request *req, struct store_conn *conn, int64_t id, json_t **user)
{
    int rc = store_user_get(conn, req->arena, id, user, &req->err);
    if (rc == 0)
        api_keep(req, *user);
    return rc;
}

int users_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int64_t id;
    json_t *user = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = get_user(req, conn, id, &user);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, user);
}

/*
 * The id of the role named name. An unknown role is a field error on the
 * request (see body_failed), not a failure; failures are the store's.
 */
static int find_role(struct http_request *req, struct store_conn *conn, const char *name,
                     int64_t *role_id)
{
    struct err lookup;
    json_t *role = NULL;
    err_clear(&lookup);
    int rc = store_role_find_by_name(conn, req->arena, name, &role, &lookup);
    if (rc == -ERR_NOT_FOUND) {
        err_field(&req->err, "role", "no role named '%.40s'", name);
        return 0;
    }
    if (rc < 0) {
        req->err = lookup;
        return rc;
    }
    *role_id = json_integer_value(json_object_get(role, "id"));
    json_decref(role);
    return 0;
}

/* Checks that team_id (0: none) names a team; a field error otherwise, as find_role. */
static int check_team(struct http_request *req, struct store_conn *conn, int64_t team_id)
{
    struct err lookup;
    json_t *team = NULL;
    if (team_id == 0)
        return 0;
    err_clear(&lookup);
    int rc = store_team_get(conn, req->arena, team_id, &team, &lookup);
    if (rc == -ERR_NOT_FOUND) {
        err_field(&req->err, "team_id", "no team with id %lld", (long long)team_id);
        return 0;
    }
    if (rc < 0) {
        req->err = lookup;
        return rc;
    }
    json_decref(team);
    return 0;
}

/* Checks a new password given in a body; adds a field error "password" when it is refused. */
static void check_password(struct http_request *req, const json_t *value)
{
    if (!json_is_string(value)) {
        err_field(&req->err, "password", "must be a string");
        return;
    }
    /* A refusal is recorded on req->err like the other field errors. */
    password_check_new(json_string_value(value), json_string_length(value), "password", &req->err);
}

/*
 * Hashes the password given (a checked JSON string) or, when given is NULL,
 * a generated one-time password written to generated ("" otherwise).
 */
static int hash_password(struct http_request *req, const json_t *given,
                         char generated[PASSWORD_GENERATED_CHARS + 1],
                         char hash[PASSWORD_HASH_BYTES])
{
    generated[0] = '\0';
    if (given != NULL)
        return password_hash(json_string_value(given), json_string_length(given), hash, &req->err);
    password_generate(generated, PASSWORD_GENERATED_CHARS + 1);
    return password_hash(generated, strlen(generated), hash, &req->err);
}

/* The password key of a body: NULL when absent or null (a password is then generated). */
static const json_t *body_password(const json_t *body)
{
    const json_t *value = json_object_get(body, "password");
    return json_is_null(value) ? NULL : value;
}

/* Writes a security entry about user id with the changes among keys, if any. */
static int audit_user(struct http_request *req, struct store_conn *conn, const char *action,
                      int64_t id, const json_t *before, const json_t *after,
                      const char *const *keys, size_t n_keys)
{
    json_t *changes = body_changes(before, after, keys, n_keys);
    if (changes == NULL)
        return 0;
    int rc = api_audit(req, conn, "security", action, "users", id, changes, NULL);
    json_decref(changes);
    return rc;
}

int users_create(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *user = NULL;
    char generated[PASSWORD_GENERATED_CHARS + 1];
    char hash[PASSWORD_HASH_BYTES];
    int64_t id = 0, role_id = 0, team_id = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, create_keys, COUNT(create_keys));
    if (rc < 0)
        return rc;
    const char *email = body_email(req, json_object_get(body, "email"), "email");
    const char *name = body_text(req, json_object_get(body, "name"), "name", USER_NAME_MAX_CHARS);
    const char *role = body_text(req, json_object_get(body, "role"), "role", ROLE_NAME_MAX_CHARS);
    const json_t *team = json_object_get(body, "team_id");
    if (team != NULL)
        body_id_or_null(req, team, "team_id", &team_id);
    const json_t *password = body_password(body);
    if (password != NULL)
        check_password(req, password);
    if (body_failed(req))
        return -req->err.code;
    /* Hashing takes a while: before the transaction, not inside it. */
    rc = hash_password(req, password, generated, hash);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = find_role(req, conn, role, &role_id);
    if (rc == 0)
        rc = check_team(req, conn, team_id);
    if (rc == 0 && body_failed(req))
        rc = -req->err.code;
    if (rc == 0) {
        json_t *fields =
            api_keep(req, json_pack("{s:s,s:s,s:I,s:s,s:b}", "email", email, "name", name,
                                    "role_id", (json_int_t)role_id, "password_hash", hash,
                                    "password_must_change", generated[0] != '\0'));
        if (team_id > 0)
            json_object_set_new(fields, "team_id", json_integer(team_id));
        rc = store_user_insert(conn, req->arena, fields, &id, &req->err);
    }
    if (rc == 0)
        rc = get_user(req, conn, id, &user);
    if (rc == 0)
        rc = audit_user(req, conn, "user_created", id, NULL, user, audit_keys, COUNT(audit_keys));
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    if (generated[0] != '\0')
        json_object_set_new(user, "password", json_string(generated));
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/users/%lld", (long long)id));
    return api_respond_record(req, res, 201, user);
}

/* time_zone: an IANA name the server knows (dates, days and recurrences are reckoned in it). */
static void read_time_zone(struct http_request *req, const json_t *body, json_t *fields)
{
    const json_t *value = json_object_get(body, "time_zone");
    if (value == NULL)
        return;
    if (!json_is_string(value) || !zone_valid(json_string_value(value)))
        err_field(&req->err, "time_zone", "is not a known time zone (e.g. Europe/Moscow, UTC)");
    else
        json_object_set(fields, "time_zone", (json_t *)value);
}

/*
 * Reads an update body into fields as the store takes them (name, email,
 * team_id, disabled); *role gets the role name when one is given.
 * Problems are field errors on the request.
 */
static void read_update(struct http_request *req, const json_t *body, json_t *fields,
                        const char **role)
{
    const json_t *value = json_object_get(body, "name");
    if (value != NULL) {
        const char *name = body_text(req, value, "name", USER_NAME_MAX_CHARS);
        if (name != NULL)
            json_object_set_new(fields, "name", json_string(name));
    }
    value = json_object_get(body, "email");
    if (value != NULL) {
        const char *email = body_email(req, value, "email");
        if (email != NULL)
            json_object_set_new(fields, "email", json_string(email));
    }
    value = json_object_get(body, "role");
    *role = value != NULL ? body_text(req, value, "role", ROLE_NAME_MAX_CHARS) : NULL;
    value = json_object_get(body, "team_id");
    int64_t team_id;
    if (value != NULL && body_id_or_null(req, value, "team_id", &team_id))
        json_object_set_new(fields, "team_id", team_id > 0 ? json_integer(team_id) : json_null());
    read_time_zone(req, body, fields);
    value = json_object_get(body, "disabled");
    if (value != NULL && !json_is_boolean(value))
        err_field(&req->err, "disabled", "must be true or false");
    else if (value != NULL)
        json_object_set(fields, "disabled", (json_t *)value);
}

/* Removes from fields the values the user already has. */
static void drop_unchanged(json_t *fields, const json_t *current)
{
    const char *key;
    json_t *value;
    void *tmp;
    json_object_foreach_safe(fields, tmp, key, value)
    {
        const json_t *now = json_object_get(current, key);
        if (now != NULL && json_equal(value, now))
            json_object_del(fields, key);
    }
}

/* 409 when the caller would change their own role or disable themself. */
static int check_self(struct http_request *req, int64_t id, const json_t *fields)
{
    const struct actor *actor = api_actor(req);
    if (actor == NULL || actor->user_id != id)
        return 0;
    if (json_object_get(fields, "role_id") != NULL ||
        json_is_true(json_object_get(fields, "disabled")))
        return err_set(&req->err, ERR_CONFLICT,
                       "you cannot change your own role or disable yourself: keep at least one "
                       "administrator");
    return 0;
}

/* Writes the changed fields, ends sessions when access shrinks, audits, reads the result. */
static int apply_update(struct http_request *req, struct store_conn *conn, int64_t id,
                        const json_t *fields, const json_t *current, json_t **user)
{
    const json_t *disabled = json_object_get(fields, "disabled");
    bool end_sessions = json_object_get(fields, "role_id") != NULL || json_is_true(disabled);
    int rc = store_user_update(conn, req->arena, id, fields, &req->err);
    if (rc == 0 && end_sessions)
        rc = store_sessions_delete_for_user(conn, req->arena, id, 0, &req->err);
    /* A disabled user's tokens end for good: enabling the user again does not revive them. */
    if (rc == 0 && json_is_true(disabled))
        rc = store_tokens_revoke_for_user(conn, req->arena, id, &req->err);
    if (rc == 0)
        rc = get_user(req, conn, id, user);
    if (rc == 0)
        rc = audit_user(req, conn, "user_updated", id, current, *user, audit_keys,
                        COUNT(audit_keys));
    if (rc == 0 && disabled != NULL)
        rc = audit_user(req, conn, json_is_true(disabled) ? "user_disabled" : "user_enabled", id,
                        current, *user, disabled_key, COUNT(disabled_key));
    return rc;
}

int users_update(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *current = NULL, *user = NULL;
    const char *role = NULL;
    int64_t id, expected, role_id = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, update_keys, COUNT(update_keys));
    if (rc < 0)
        return rc;
    json_t *fields = api_keep(req, json_object());
    read_update(req, body, fields, &role);
    if (body_failed(req))
        return -req->err.code;
    rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_user(req, conn, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0 && role != NULL)
        rc = find_role(req, conn, role, &role_id);
    if (rc == 0)
        rc = check_team(req, conn, json_integer_value(json_object_get(fields, "team_id")));
    if (rc == 0 && body_failed(req))
        rc = -req->err.code;
    if (rc == 0) {
        if (role != NULL)
            json_object_set_new(fields, "role_id", json_integer(role_id));
        drop_unchanged(fields, current);
        rc = check_self(req, id, fields);
    }
    user = current;
    if (rc == 0 && json_object_size(fields) > 0)
        rc = apply_update(req, conn, id, fields, current, &user);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, user);
}

int users_reset_password(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body = NULL, *current = NULL;
    const json_t *password = NULL;
    char generated[PASSWORD_GENERATED_CHARS + 1];
    char hash[PASSWORD_HASH_BYTES];
    int64_t id;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_path_id(req, &id);
    /* The body is optional: none (or no password in it) asks for a generated password. */
    if (rc == 0 && req->body_len > 0) {
        rc = http_request_json(req, &body);
        if (rc == 0)
            rc = body_check_keys(req, body, reset_keys, COUNT(reset_keys));
        if (rc == 0)
            password = body_password(body);
    }
    if (rc == 0 && password != NULL)
        check_password(req, password);
    if (rc == 0 && body_failed(req))
        rc = -req->err.code;
    if (rc == 0)
        rc = hash_password(req, password, generated, hash);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_user(req, conn, id, &current);
    if (rc == 0) {
        json_t *fields =
            api_keep(req, json_pack("{s:s,s:b}", "password_hash", hash, "password_must_change", 1));
        rc = store_user_update(conn, req->arena, id, fields, &req->err);
    }
    if (rc == 0)
        rc = store_tokens_revoke_for_user(conn, req->arena, id, &req->err);
    if (rc == 0)
        rc = store_sessions_delete_for_user(conn, req->arena, id, 0, &req->err);
    if (rc == 0) {
        json_t *detail = api_keep(req, json_pack("{s:b}", "generated", generated[0] != '\0'));
        rc = api_audit(req, conn, "security", "password_reset", "users", id, NULL, detail);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    if (generated[0] == '\0') {
        http_respond_empty(res, 204);
        return 0;
    }
    json_t *answer = api_keep(req, json_pack("{s:s}", "password", generated));
    return http_respond_json(res, 200, answer);
}

/* PATCH /auth/me: what users set for themselves (their time zone). */
int users_update_own(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *current = NULL, *user = NULL;
    int64_t id = api_actor(req)->user_id;
    int rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, own_keys, COUNT(own_keys));
    if (rc < 0)
        return rc;
    json_t *fields = api_keep(req, json_object());
    read_time_zone(req, body, fields);
    if (body_failed(req))
        return -req->err.code;
    rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_user(req, conn, id, &current);
    if (rc == 0)
        drop_unchanged(fields, current);
    user = current;
    if (rc == 0 && json_object_size(fields) > 0)
        rc = apply_update(req, conn, id, fields, current, &user);
    rc = api_commit(req, conn, rc);
    return rc < 0 ? rc : api_respond_record(req, res, 200, user);
}
