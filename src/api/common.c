/*
 * Helpers every handler uses: the request's context (its one borrowed
 * connection and its caller), path and query parameters, record and page
 * responses, and the audit log.
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/log.h"
#include "base/str.h"
#include "base/utf8.h"
#include "domain/entity.h"
#include "store/store.h"

struct api_context *api_context(struct http_request *req)
{
    if (req->context == NULL)
        req->context = arena_alloc(req->arena, sizeof(struct api_context));
    return req->context;
}

static void release_conn(void *conn)
{
    store_release(conn);
}

int api_conn(struct http_request *req, struct store_conn **conn)
{
    struct api_context *ctx = api_context(req);
    if (ctx->conn == NULL) {
        struct app *app = req->app;
        ctx->conn = store_acquire(app->store, &req->err);
        if (ctx->conn == NULL)
            return -req->err.code;
        arena_defer(req->arena, release_conn, ctx->conn);
    }
    *conn = ctx->conn;
    return 0;
}

const struct actor *api_actor(struct http_request *req)
{
    struct api_context *ctx = api_context(req);
    return ctx->signed_in ? &ctx->actor : NULL;
}

int api_require_admin(struct http_request *req)
{
    const struct actor *actor = api_actor(req);
    if (actor == NULL || !actor_is_admin(actor))
        return err_set(&req->err, ERR_FORBIDDEN, "only administrators may do this");
    return 0;
}

int api_audit(struct http_request *req, struct store_conn *conn, const char *kind,
              const char *action, const char *entity, int64_t record_id, const json_t *changes,
              const json_t *detail)
{
    const struct actor *actor = api_actor(req);
    struct audit_entry entry = {
        .kind = kind,
        .action = action,
        .user_id = actor ? actor->user_id : 0,
        .token_id = actor ? actor->token_id : 0,
        .entity = entity,
        .record_id = record_id,
        .changes = changes,
        .detail = detail,
        .client = api_client(req),
        .request_id = req->request_id,
    };
    return store_audit_append(conn, req->arena, &entry, &req->err);
}

int api_audit_security(struct http_request *req, struct store_conn *conn, const char *action,
                       int64_t user_id, const json_t *detail)
{
    const struct actor *actor = api_actor(req);
    struct audit_entry entry = {
        .kind = "security",
        .action = action,
        .user_id = user_id > 0 ? user_id : (actor ? actor->user_id : 0),
        .token_id = actor ? actor->token_id : 0,
        .detail = detail,
        .client = api_client(req),
        .request_id = req->request_id,
    };
    return store_audit_append(conn, req->arena, &entry, &req->err);
}

void api_security_event(struct http_request *req, const char *action, int64_t user_id,
                        const json_t *detail)
{
    struct store_conn *conn;
    struct err saved = req->err;
    err_clear(&req->err);
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_begin(conn, &req->err);
    if (rc == 0)
        rc = api_commit(req, conn, api_audit_security(req, conn, action, user_id, detail));
    if (rc < 0)
        log_error("security_event_lost", "rid=%s action=%s slug=%s", req->request_id, action,
                  err_slug(req->err.code));
    req->err = saved;
}

/* A JSON string of text; bytes that are not UTF-8 (a name cut short) become '?'. */
static json_t *safe_string(struct arena *arena, const char *text)
{
    size_t len = strlen(text);
    if (utf8_valid(text, len))
        return json_stringn(text, len);
    char *clean = arena_alloc(arena, len + 1);
    size_t i = 0, out = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(text + i, len - i, &cp);
        if (n == 0) {
            clean[out++] = '?';
            n = 1;
        } else {
            memcpy(clean + out, text + i, n);
            out += n;
        }
        i += n;
    }
    return json_stringn(clean, out);
}

json_t *api_refusal_detail(struct http_request *req, const struct err *err)
{
    json_t *errors = json_array();
    for (size_t i = 0; i < err->n_fields && i < ERR_MAX_FIELDS; i++)
        json_array_append_new(errors,
                              json_pack("{s:o,s:o}", "field",
                                        safe_string(req->arena, err->fields[i].field), "message",
                                        safe_string(req->arena, err->fields[i].message)));
    return api_keep(req, json_pack("{s:s,s:o}", "problem", err_slug(err->code), "errors", errors));
}

/* Whether addr is one of the comma-separated addresses in list. */
static bool address_listed(const char *list, const char *addr, size_t addr_len)
{
    const char *p = list;
    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ", ");
        if (len > 0 && len == addr_len && strncmp(p, addr, len) == 0)
            return true;
        p += len;
    }
    return false;
}

static bool peer_is_trusted_proxy(struct http_request *req)
{
    struct app *app = req->app;
    return app->trusted_proxies != NULL &&
           address_listed(app->trusted_proxies, req->peer_addr, strlen(req->peer_addr));
}

const char *api_client(struct http_request *req)
{
    struct api_context *ctx = api_context(req);
    if (ctx->client != NULL)
        return ctx->client;
    ctx->client = req->peer_addr;
    const char *forwarded = peer_is_trusted_proxy(req) ? http_header(req, "X-Forwarded-For") : NULL;
    struct app *app = req->app;
    /* Walk from the right: the first hop that is not a trusted proxy is the client. */
    size_t end = forwarded ? strlen(forwarded) : 0;
    while (end > 0) {
        size_t start = end;
        while (start > 0 && forwarded[start - 1] != ',')
            start--;
        size_t a = start, b = end;
        while (a < b && forwarded[a] == ' ')
            a++;
        while (b > a && forwarded[b - 1] == ' ')
            b--;
        if (b > a && b - a < 64) {
            ctx->client = arena_strndup(req->arena, forwarded + a, b - a);
            if (!address_listed(app->trusted_proxies, forwarded + a, b - a))
                break;
        }
        end = start > 0 ? start - 1 : 0;
    }
    return ctx->client;
}

bool api_request_is_tls(struct http_request *req)
{
    const char *proto = http_header(req, "X-Forwarded-Proto");
    return proto != NULL && strcmp(proto, "https") == 0 && peer_is_trusted_proxy(req);
}

int api_begin(struct http_request *req, struct store_conn **conn)
{
    int rc = api_conn(req, conn);
    if (rc == 0)
        rc = store_begin(*conn, &req->err);
    return rc;
}

int api_commit(struct http_request *req, struct store_conn *conn, int rc)
{
    if (rc == 0)
        rc = store_commit(conn, &req->err);
    if (rc < 0)
        store_rollback(conn);
    return rc;
}

int api_if_match(struct http_request *req, int64_t *version)
{
    const char *v = http_header(req, "If-Match");
    *version = -1;
    if (v == NULL || strcmp(v, "*") == 0)
        return 0;
    if (strncmp(v, "W/", 2) == 0)
        v += 2;
    size_t len = strlen(v);
    if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
        v++;
        len -= 2;
    }
    struct str s = {v, len};
    if (str_to_int64(s, version) < 0 || *version < 1)
        return err_set(&req->err, ERR_BAD_REQUEST, "If-Match must be an ETag such as \"3\"");
    return 0;
}

int api_check_version(struct http_request *req, const json_t *current, int64_t expected)
{
    int64_t version = json_integer_value(json_object_get(current, "version"));
    if (expected > 0 && expected != version)
        return err_set(&req->err, ERR_STALE_VERSION,
                       "the record is at version %lld, not %lld; reload it and try again",
                       (long long)version, (long long)expected);
    return 0;
}

int api_path_id(struct http_request *req, int64_t *id)
{
    const char *text = http_path_param(req, "id");
    if (text == NULL || str_to_int64(str_from_cstr(text), id) < 0 || *id <= 0)
        return err_set(&req->err, ERR_NOT_FOUND, "no record with id '%.40s'", text ? text : "");
    return 0;
}

int api_parse_limit(struct http_request *req, size_t def, size_t max, size_t *limit)
{
    const char *text = http_query(req, "limit");
    int64_t n = (int64_t)def;
    if (text != NULL && (str_to_int64(str_from_cstr(text), &n) < 0 || n < 1 || (size_t)n > max)) {
        err_set(&req->err, ERR_BAD_REQUEST, "limit must be an integer from 1 to %zu", max);
        return err_field(&req->err, "limit", "must be an integer from 1 to %zu", max);
    }
    *limit = (size_t)n;
    return 0;
}

int api_query_id(struct http_request *req, const char *name, int64_t *id)
{
    const char *text = http_query(req, name);
    *id = 0;
    if (text == NULL || *text == '\0')
        return 0;
    if (str_to_int64(str_from_cstr(text), id) < 0 || *id <= 0) {
        err_set(&req->err, ERR_BAD_REQUEST, "%s must be a positive integer", name);
        return err_field(&req->err, name, "must be a positive integer");
    }
    return 0;
}

int api_respond_page(struct http_request *req, struct http_response *res, json_t *list,
                     int64_t next_after_id)
{
    json_t *body = api_keep(req, json_pack("{s:o}", "data", list));
    json_object_set_new(body, "next_cursor",
                        next_after_id > 0
                            ? json_string(arena_printf(req->arena, "%lld", (long long)next_after_id))
                            : json_null());
    return http_respond_json(res, 200, body);
}

const struct entity *api_path_entity(const struct http_request *req)
{
    static const char prefix[] = "/api/v1/";
    if (strncmp(req->path, prefix, sizeof(prefix) - 1) != 0)
        return NULL;
    const char *name = req->path + sizeof(prefix) - 1;
    const char *slash = strchr(name, '/');
    char collection[64];
    size_t len = slash ? (size_t)(slash - name) : strlen(name);
    if (len >= sizeof(collection))
        return NULL;
    memcpy(collection, name, len);
    collection[len] = '\0';
    return entity_find(collection);
}

static void decref_cb(void *value)
{
    json_decref(value);
}

json_t *api_keep(struct http_request *req, json_t *value)
{
    if (value != NULL)
        arena_defer(req->arena, decref_cb, value);
    return value;
}

int api_respond_record(struct http_request *req, struct http_response *res, int status,
                       const json_t *record)
{
    const char *etag = arena_printf(req->arena, "\"%lld\"",
                                    (long long)json_integer_value(json_object_get(record, "version")));
    int rc = http_respond_json(res, status, record);
    http_response_header(res, "ETag", etag);
    return rc;
}

int api_text_body_type(struct http_request *req, const char *const *types, const char *hint)
{
    const char *type = http_header(req, "Content-Type");
    if (type == NULL)
        type = "";
    struct str media = str_trim((struct str){type, strcspn(type, ";")});
    bool known = false;
    for (const char *const *t = types; *t != NULL && !known; t++)
        known = str_eq_nocase(media, *t);
    if (!known)
        return err_set(&req->err, ERR_UNSUPPORTED_MEDIA_TYPE, "%s", hint);
    for (const char *p = type + strcspn(type, ";"); *p == ';';) {
        struct str param = {p + 1, strcspn(p + 1, ";")};
        p = param.ptr + param.len;
        param = str_trim(param);
        if (param.len < 8 || strncasecmp(param.ptr, "charset=", 8) != 0)
            continue;
        struct str charset = {param.ptr + 8, param.len - 8};
        if (charset.len >= 2 && charset.ptr[0] == '"' && charset.ptr[charset.len - 1] == '"')
            charset = (struct str){charset.ptr + 1, charset.len - 2};
        if (!str_eq_nocase(charset, "utf-8") && !str_eq_nocase(charset, "utf8"))
            return err_set(&req->err, ERR_UNSUPPORTED_MEDIA_TYPE,
                           "the file must be UTF-8 text (charset=utf-8)");
    }
    return 0;
}
