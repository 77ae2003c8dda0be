/*
 * Route matching and dispatch. Patterns are literal segments and "{name}"
 * segments, each of which matches one non-empty path segment; a trailing
 * slash is never matched. The table is scanned in order and the first route
 * whose pattern and method both match wins; HEAD is served by GET routes.
 */
#include "http/router.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/log.h"

#define ROUTER_MAX_ALLOWED 8

struct param_span {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

bool http_route_match(const char *pattern, const char *path, struct http_request *req)
{
    struct param_span spans[HTTP_MAX_PATH_PARAMS];
    size_t n_spans = 0;
    const char *p = pattern;
    const char *s = path;

    if (p[0] != '/' || s[0] != '/')
        return false;
    while (*p == '/' && *s == '/') {
        p++;
        s++;
        size_t p_len = strcspn(p, "/");
        size_t s_len = strcspn(s, "/");
        if (p_len >= 2 && p[0] == '{' && p[p_len - 1] == '}') {
            if (s_len == 0 || n_spans == HTTP_MAX_PATH_PARAMS)
                return false;
            spans[n_spans++] = (struct param_span){p + 1, p_len - 2, s, s_len};
        } else if (p_len != s_len || memcmp(p, s, p_len) != 0) {
            return false;
        }
        p += p_len;
        s += s_len;
    }
    if (*p != '\0' || *s != '\0')
        return false;

    if (req != NULL) {
        assert(req->arena != NULL);
        for (size_t i = 0; i < n_spans; i++) {
            req->params[i].name = arena_strndup(req->arena, spans[i].name, spans[i].name_len);
            req->params[i].value = arena_strndup(req->arena, spans[i].value, spans[i].value_len);
        }
        req->n_params = n_spans;
    }
    return true;
}

static bool router_method_matches(const char *route_method, const char *method)
{
    if (strcmp(route_method, method) == 0)
        return true;
    return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

/* Adds method to the list unless it is there already or the list is full. */
static void router_allow_add(const char **allowed, size_t *n_allowed, const char *method)
{
    for (size_t i = 0; i < *n_allowed; i++) {
        if (strcmp(allowed[i], method) == 0)
            return;
    }
    if (*n_allowed < ROUTER_MAX_ALLOWED)
        allowed[(*n_allowed)++] = method;
}

static void router_allow_format(const char **allowed, size_t n_allowed, char *out, size_t out_size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n_allowed; i++) {
        int n = snprintf(out + used, out_size - used, "%s%s", i > 0 ? ", " : "", allowed[i]);
        if (n < 0 || (size_t)n >= out_size - used) {
            out[used] = '\0';
            return;
        }
        used += (size_t)n;
    }
}

void http_router_find(const struct route *routes, size_t n_routes, struct http_request *req,
                      struct route_lookup *out)
{
    const char *allowed[ROUTER_MAX_ALLOWED];
    size_t n_allowed = 0;

    out->route = NULL;
    out->rc = -ERR_NOT_FOUND;
    out->allow[0] = '\0';
    req->n_params = 0;
    for (size_t i = 0; i < n_routes; i++) {
        const struct route *r = &routes[i];
        if (!http_route_match(r->pattern, req->path, NULL))
            continue;
        if (router_method_matches(r->method, req->method)) {
            http_route_match(r->pattern, req->path, req);
            out->route = r;
            out->rc = 0;
            return;
        }
        router_allow_add(allowed, &n_allowed, r->method);
        if (strcmp(r->method, "GET") == 0)
            router_allow_add(allowed, &n_allowed, "HEAD");
    }
    if (n_allowed > 0) {
        out->rc = -ERR_METHOD_NOT_ALLOWED;
        router_allow_format(allowed, n_allowed, out->allow, sizeof(out->allow));
    }
}

/* Logs a server-side failure and keeps its detail out of the answer. */
static void router_report_failure(struct http_request *req)
{
    char path[300];
    char detail[300];
    log_error("http_handler_failed", "rid=%s path=%s slug=%s detail=%s", req->request_id,
              log_quote(path, sizeof(path), req->path), err_slug(req->err.code),
              log_quote(detail, sizeof(detail), req->err.detail));
    if (req->err.code == ERR_INTERNAL) {
        err_set(&req->err, ERR_INTERNAL, "Internal error; the server log has request id %s",
                req->request_id);
    }
}

void http_router_dispatch(const struct route_lookup *lookup, http_handler *guard,
                          struct http_request *req, struct http_response *res)
{
    if (lookup->route == NULL) {
        if (lookup->rc == -ERR_METHOD_NOT_ALLOWED) {
            err_set(&req->err, ERR_METHOD_NOT_ALLOWED, "%s is not allowed here; allowed: %s",
                    req->method, lookup->allow);
            http_respond_problem(res, &req->err);
            http_response_header(res, "Allow", arena_strdup(req->arena, lookup->allow));
        } else {
            err_set(&req->err, ERR_NOT_FOUND, "No resource at %s", req->path);
            http_respond_problem(res, &req->err);
        }
        return;
    }

    int rc = guard != NULL ? guard(req, res) : 0;
    if (rc < 0) {
        /* The guard's headers (a cleared cookie) go with its problem. */
        http_respond_problem(res, &req->err);
        return;
    }
    rc = lookup->route->handler(req, res);
    if (rc >= 0)
        return;
    if (req->err.code == ERR_OK)
        err_set(&req->err, ERR_INTERNAL, "the handler returned %d without an error", rc);
    if (err_http_status(req->err.code) >= 500)
        router_report_failure(req);
    /* Whatever the handler had put together gives way to the problem. */
    buf_reset(&res->body);
    http_response_drop_stream(res);
    res->n_headers = 0;
    http_respond_problem(res, &req->err);
}
