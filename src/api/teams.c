/*
 * /api/v1/teams: groups of users that "team" scopes reach. Anyone signed in
 * may list and read teams; administrators create, rename and delete them
 * (not while they have members). Each change is one transaction with its
 * security audit entry.
 */
#include "api/api.h"

#include <string.h>

#include "api/body.h"
#include "base/arena.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define TEAM_NAME_MAX_CHARS 100

static const char *const team_keys[] = {"name"};

int teams_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *list = NULL;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_teams_list(conn, req->arena, &list, &req->err);
    if (rc < 0)
        return rc;
    return api_respond_page(req, res, list, 0);
}

/* Reads a team, kept until the request ends. */
static int get_team(struct http_request *req, struct store_conn *conn, int64_t id, json_t **team)
{
    int rc = store_team_get(conn, req->arena, id, team, &req->err);
    if (rc == 0)
        api_keep(req, *team);
    return rc;
}

int teams_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int64_t id;
    json_t *team = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = get_team(req, conn, id, &team);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, team);
}

/* Writes a security entry about team id with its changed name, if it changed. */
static int audit_team(struct http_request *req, struct store_conn *conn, const char *action,
                      int64_t id, const json_t *before, const json_t *after)
{
    json_t *changes = body_changes(before, after, team_keys, COUNT(team_keys));
    if (changes == NULL)
        return 0;
    int rc = api_audit(req, conn, "security", action, "teams", id, changes, NULL);
    json_decref(changes);
    return rc;
}

/* Checks the body and returns its name (NULL when absent and not required). */
static int read_body(struct http_request *req, bool required, const char **name)
{
    json_t *body;
    int rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, team_keys, COUNT(team_keys));
    if (rc < 0)
        return rc;
    const json_t *value = json_object_get(body, "name");
    *name = NULL;
    if (value != NULL || required)
        *name = body_text(req, value, "name", TEAM_NAME_MAX_CHARS);
    return body_failed(req) ? -req->err.code : 0;
}

int teams_create(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *team = NULL;
    const char *name = NULL;
    int64_t id = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = read_body(req, true, &name);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_team_insert(conn, req->arena, name, &id, &req->err);
    if (rc == 0)
        rc = get_team(req, conn, id, &team);
    if (rc == 0)
        rc = audit_team(req, conn, "team_created", id, NULL, team);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/teams/%lld", (long long)id));
    return api_respond_record(req, res, 201, team);
}

int teams_update(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *current = NULL, *team = NULL;
    const char *name = NULL;
    int64_t id, expected;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = read_body(req, false, &name);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_team(req, conn, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    team = current;
    if (rc == 0 && name != NULL &&
        strcmp(name, json_string_value(json_object_get(current, "name"))) != 0) {
        rc = store_team_update(conn, req->arena, id, name, &req->err);
        if (rc == 0)
            rc = get_team(req, conn, id, &team);
        if (rc == 0)
            rc = audit_team(req, conn, "team_updated", id, current, team);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, team);
}

int teams_delete(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *current = NULL;
    int64_t id;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_team(req, conn, id, &current);
    if (rc == 0)
        rc = store_team_delete(conn, req->arena, id, &req->err);
    if (rc == 0) {
        json_t *detail =
            api_keep(req, json_pack("{s:O}", "name", json_object_get(current, "name")));
        rc = api_audit(req, conn, "security", "team_deleted", "teams", id, NULL, detail);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}
