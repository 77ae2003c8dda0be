/*
 * Files attached to records: POST /{entity}/{id}/attachments?name= takes
 * the raw body as the file, GET /{entity}/{id}/attachments lists them,
 * /attachments/{id} is one's metadata, /attachments/{id}/content its bytes
 * (always a download, as a safe type), and DELETE marks it deleted.
 *
 * An attachment is as visible as its parent record: where the caller may
 * not see the parent (or it is in the trash), its attachments are 404.
 * Adding and deleting need the right to update the parent, and each is
 * audited on the parent with the file's name, size and hash.
 */
#include "api/api.h"

#include <sodium.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/entity.h"
#include "domain/file_name.h"
#include "store/attachments.h"

#define ATTACHMENT_SHA256_HEX_BYTES (crypto_hash_sha256_BYTES * 2 + 1)

/* The collections whose records may have attachments. */
static const char *const attachment_parents[] = {
    "contacts", "companies", "deals", "leads", "activities", "tasks", "quotes",
};

static const struct entity *attachment_parent_entity(const char *name)
{
    for (size_t i = 0; i < sizeof(attachment_parents) / sizeof(attachment_parents[0]); i++) {
        if (name != NULL && strcmp(name, attachment_parents[i]) == 0)
            return entity_find(name);
    }
    return NULL;
}

/* The path's parent record, which the caller must see (404 otherwise). */
static int attachment_path_parent(struct http_request *req, struct store_conn *conn,
                                  const struct entity **entity, int64_t *id)
{
    json_t *record = NULL;
    const struct entity *path_entity = api_path_entity(req);
    *entity = path_entity != NULL ? attachment_parent_entity(path_entity->name) : NULL;
    if (*entity == NULL)
        return err_set(&req->err, ERR_NOT_FOUND, "records of this kind have no attachments");
    int rc = api_path_id(req, id);
    if (rc == 0)
        rc = api_record_visible(req, conn, *entity, *id, &record);
    return rc;
}

/*
 * The attachment of the path's {id} (metadata, kept until the request
 * ends) and its parent, which the caller must see: 404 alike when the
 * attachment is absent, deleted, or under a record hidden from the caller.
 */
static int attachment_find(struct http_request *req, struct store_conn *conn, json_t **attachment,
                           const struct entity **parent)
{
    int64_t id = 0;
    json_t *record = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = store_attachment_get(conn, req->arena, id, attachment, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, *attachment);
    *parent = attachment_parent_entity(json_string_value(json_object_get(*attachment, "entity")));
    int64_t record_id = json_integer_value(json_object_get(*attachment, "record_id"));
    rc = *parent != NULL ? api_record_visible(req, conn, *parent, record_id, &record)
                         : -ERR_NOT_FOUND;
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_set(&req->err, ERR_NOT_FOUND, "no attachment with id %lld", (long long)id);
    }
    return rc;
}

/* What an audit entry tells of the file: never its bytes. */
static json_t *attachment_audit_detail(struct http_request *req, const json_t *attachment)
{
    return api_keep(req, json_pack("{s:O,s:O,s:O,s:O,s:O}", "attachment_id",
                                   json_object_get(attachment, "id"), "file_name",
                                   json_object_get(attachment, "file_name"), "content_type",
                                   json_object_get(attachment, "content_type"), "size",
                                   json_object_get(attachment, "size"), "sha256",
                                   json_object_get(attachment, "sha256")));
}

int attachments_create(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = NULL;
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    struct access access;
    int64_t record_id = 0, id = 0;
    json_t *attachment = NULL;
    const char *file_name = NULL;
    const char *given = http_query(req, "name");

    int rc = file_name_clean(req->arena, given, given != NULL ? strlen(given) : 0, "name",
                             &file_name, &req->err);
    if (rc < 0)
        return rc;

    unsigned char digest[crypto_hash_sha256_BYTES];
    char sha256[ATTACHMENT_SHA256_HEX_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)req->body, req->body_len);
    sodium_bin2hex(sha256, sizeof(sha256), digest, sizeof(digest));
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);

    rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = attachment_path_parent(req, conn, &entity, &record_id);
    if (rc == 0)
        rc = api_record_access(req, conn, entity, ACCESS_UPDATE, record_id, &access);
    if (rc == 0) {
        struct attachment_new a = {
            .entity = entity->name,
            .record_id = record_id,
            .file_name = file_name,
            .content_type = file_name_safe_type(http_header(req, "Content-Type")),
            .data = req->body,
            .size = req->body_len,
            .sha256 = sha256,
            .created_by = actor != NULL ? actor->user_id : 0,
            .created_at = now,
        };
        rc = store_attachment_insert(conn, req->arena, &a, &id, &req->err);
    }
    if (rc == 0)
        rc = store_attachment_get(conn, req->arena, id, &attachment, &req->err);
    if (rc == 0) {
        api_keep(req, attachment);
        rc = api_audit(req, conn, "record", "attachment_added", entity->name, record_id, NULL,
                       attachment_audit_detail(req, attachment));
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/attachments/%lld", (long long)id));
    return http_respond_json(res, 201, attachment);
}

int attachments_list(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = NULL;
    struct store_conn *conn;
    int64_t record_id = 0;
    json_t *list = NULL;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = attachment_path_parent(req, conn, &entity, &record_id);
    if (rc == 0)
        rc = store_attachments_list(conn, req->arena, entity->name, record_id, &list, &req->err);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200, api_keep(req, json_pack("{s:o}", "data", list)));
}

int attachments_get(struct http_request *req, struct http_response *res)
{
    const struct entity *parent = NULL;
    struct store_conn *conn;
    json_t *attachment = NULL;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = attachment_find(req, conn, &attachment, &parent);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200, attachment);
}

/* Whether If-None-Match names etag (or is "*"). */
static bool attachment_not_modified(struct http_request *req, const char *etag)
{
    const char *given = http_header(req, "If-None-Match");
    if (given == NULL)
        return false;
    return strcmp(given, "*") == 0 || strstr(given, etag) != NULL;
}

int attachments_content(struct http_request *req, struct http_response *res)
{
    const struct entity *parent = NULL;
    struct store_conn *conn;
    json_t *attachment = NULL;
    const char *data = NULL;
    size_t len = 0;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = attachment_find(req, conn, &attachment, &parent);
    if (rc < 0)
        return rc;

    const char *sha256 = json_string_value(json_object_get(attachment, "sha256"));
    const char *etag = arena_printf(req->arena, "\"%s\"", sha256 != NULL ? sha256 : "");
    http_response_header(res, "ETag", etag);
    /* Private: never kept by a shared cache; asked again each time, 304 when unchanged. */
    http_response_header(res, "Cache-Control", "private, no-cache");
    if (attachment_not_modified(req, etag)) {
        http_respond_empty(res, 304);
        return 0;
    }

    int64_t id = json_integer_value(json_object_get(attachment, "id"));
    rc = store_attachment_content(conn, req->arena, id, &data, &len, &req->err);
    if (rc < 0)
        return rc;
    const char *type =
        file_name_safe_type(json_string_value(json_object_get(attachment, "content_type")));
    const char *name = json_string_value(json_object_get(attachment, "file_name"));
    http_response_header(res, "Content-Disposition",
                         file_name_disposition(req->arena, name != NULL ? name : "file"));
    /* Should a browser render it after all, it runs nothing and loads nothing. */
    http_response_header(res, "Content-Security-Policy", "default-src 'none'; sandbox");
    if (http_respond_bytes(res, 200, type, data, len) < 0)
        return err_set(&req->err, ERR_TOO_LARGE, "the file is too large to send");
    return 0;
}

int attachments_delete(struct http_request *req, struct http_response *res)
{
    const struct entity *parent = NULL;
    struct store_conn *conn;
    struct access access;
    json_t *attachment = NULL;
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);

    int rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = attachment_find(req, conn, &attachment, &parent);
    int64_t id = json_integer_value(json_object_get(attachment, "id"));
    int64_t record_id = json_integer_value(json_object_get(attachment, "record_id"));
    if (rc == 0)
        rc = api_record_access(req, conn, parent, ACCESS_UPDATE, record_id, &access);
    if (rc == 0)
        rc = store_attachment_delete(conn, req->arena, id, now, &req->err);
    if (rc == 0)
        rc = api_audit(req, conn, "record", "attachment_deleted", parent->name, record_id, NULL,
                       attachment_audit_detail(req, attachment));
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}
