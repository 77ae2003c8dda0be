/*
 * The notification bell: the caller's notifications newest first with the
 * count of unread ones, and marking them read. Nobody sees or marks
 * another user's notifications (404).
 */
#include "api/api.h"

#include <string.h>

#include "store/notifications.h"

#define NOTIFICATIONS_DEFAULT_LIMIT 20
#define NOTIFICATIONS_MAX_LIMIT 100

int notifications_list(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    size_t limit;
    int64_t before = 0, unread = 0;
    json_t *list = NULL;
    bool more = false;
    const char *unread_only = http_query(req, "unread");
    if (unread_only != NULL && strcmp(unread_only, "true") != 0 &&
        strcmp(unread_only, "false") != 0) {
        err_set(&req->err, ERR_BAD_REQUEST, "unread must be true or false");
        return err_field(&req->err, "unread", "must be true or false");
    }
    int rc = api_parse_limit(req, NOTIFICATIONS_DEFAULT_LIMIT, NOTIFICATIONS_MAX_LIMIT, &limit);
    if (rc == 0)
        rc = api_query_id(req, "cursor", &before);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_notifications_list(conn, req->arena, actor->user_id,
                                      unread_only != NULL && strcmp(unread_only, "true") == 0,
                                      before, limit, &list, &more, &req->err);
    if (list != NULL)
        api_keep(req, list);
    if (rc == 0)
        rc = store_notifications_unread(conn, req->arena, actor->user_id, &unread, &req->err);
    if (rc < 0)
        return rc;
    json_t *last = json_array_get(list, json_array_size(list) - 1);
    json_t *next = more && last != NULL
                       ? json_sprintf("%lld", (long long)json_integer_value(
                                                  json_object_get(last, "id")))
                       : json_null();
    json_t *body = api_keep(req, json_pack("{s:O,s:o,s:I}", "data", list, "next_cursor", next,
                                           "unread", (json_int_t)unread));
    return http_respond_json(res, 200, body);
}

/* Answers {"unread": n} after a change. */
static int respond_unread(struct http_request *req, struct http_response *res,
                          struct store_conn *conn)
{
    int64_t unread = 0;
    int rc = store_notifications_unread(conn, req->arena, api_actor(req)->user_id, &unread,
                                        &req->err);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200,
                             api_keep(req, json_pack("{s:I}", "unread", (json_int_t)unread)));
}

int notifications_read(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int64_t id;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_notification_read(conn, req->arena, api_actor(req)->user_id, id, &req->err);
    rc = api_commit(req, conn, rc);
    return rc < 0 ? rc : respond_unread(req, res, conn);
}

int notifications_read_all(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int64_t n = 0;
    int rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_notifications_read_all(conn, req->arena, api_actor(req)->user_id, &n, &req->err);
    rc = api_commit(req, conn, rc);
    return rc < 0 ? rc : respond_unread(req, res, conn);
}
