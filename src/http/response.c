/*
 * Response helpers: extra headers, JSON bodies, RFC 9457 problem details and
 * streamed bodies. Bodies are serialised straight into the response's capped
 * buffer; text from an error that is not valid UTF-8 is made safe before it
 * becomes JSON. A streamed body is only described here; server.c sends it.
 */
#include "http/http.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"

#define PROBLEM_TYPE_PREFIX "/problems/"

void http_response_init(struct http_response *res)
{
    memset(res, 0, sizeof(*res));
    res->status = 200;
    buf_init(&res->body, HTTP_MAX_RESPONSE_BYTES);
}

void http_response_release(struct http_response *res)
{
    buf_release(&res->body);
    http_response_drop_stream(res);
}

void http_respond_stream(struct http_response *res, int status, const char *content_type,
                         const struct http_stream *stream)
{
    http_response_drop_stream(res);
    buf_reset(&res->body);
    res->status = status;
    res->content_type = content_type;
    res->stream = *stream;
}

void http_response_drop_stream(struct http_response *res)
{
    struct http_stream stream = res->stream;
    memset(&res->stream, 0, sizeof(res->stream));
    if (stream.read != NULL && stream.release != NULL)
        stream.release(stream.ctx);
}

void http_response_header(struct http_response *res, const char *name, const char *value)
{
    assert(res->n_headers < HTTP_MAX_RESPONSE_HEADERS);
    if (res->n_headers == HTTP_MAX_RESPONSE_HEADERS)
        return;
    res->headers[res->n_headers++] = (struct http_header){name, value};
}

static int response_dump_cb(const char *chunk, size_t size, void *data)
{
    return buf_append(data, chunk, size) < 0 ? -1 : 0;
}

int http_respond_json(struct http_response *res, int status, const json_t *value)
{
    http_response_drop_stream(res);
    buf_reset(&res->body);
    if (value == NULL || json_dump_callback(value, response_dump_cb, &res->body,
                                            JSON_COMPACT | JSON_ENCODE_ANY) != 0) {
        buf_reset(&res->body);
        return -ERR_INTERNAL;
    }
    res->status = status;
    res->content_type = "application/json";
    return 0;
}

/* A JSON string for text that should be UTF-8; other bytes become '?'. */
static json_t *response_safe_string(const char *text)
{
    size_t len = strlen(text);
    if (utf8_valid(text, len))
        return json_stringn(text, len);

    struct buf clean;
    buf_init(&clean, len);
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(text + i, len - i, &cp);
        int rc = n == 0 ? buf_putc(&clean, '?') : buf_append(&clean, text + i, n);
        (void)rc; /* clean holds at most len bytes: it cannot overflow */
        i += n == 0 ? 1 : n;
    }
    json_t *value = json_stringn(buf_cstr(&clean), clean.len);
    buf_release(&clean);
    return value;
}

void http_respond_problem(struct http_response *res, const struct err *err)
{
    enum err_code code = err->code == ERR_OK ? ERR_INTERNAL : err->code;
    int status = err_http_status(code);
    char type[96];
    snprintf(type, sizeof(type), PROBLEM_TYPE_PREFIX "%s", err_slug(code));

    json_t *problem = json_object();
    json_object_set_new(problem, "type", json_string(type));
    json_object_set_new(problem, "title", json_string(err_title(code)));
    json_object_set_new(problem, "status", json_integer(status));
    if (err->detail[0] != '\0') {
        json_object_set_new(problem, "detail", response_safe_string(err->detail));
    } else if (err->n_fields > 0) {
        /* A one-line summary for clients that show only the detail. */
        char detail[256];
        int len = snprintf(detail, sizeof(detail), "%s", err->fields[0].field);
        for (size_t i = 1; i < err->n_fields && i < 4 && len > 0 && (size_t)len < sizeof(detail);
             i++)
            len += snprintf(detail + len, sizeof(detail) - (size_t)len, ", %s",
                            err->fields[i].field);
        if (len > 0 && (size_t)len < sizeof(detail) && err->n_fields > 4)
            snprintf(detail + len, sizeof(detail) - (size_t)len, " and %zu more",
                     err->n_fields - 4);
        char summary[300];
        snprintf(summary, sizeof(summary), "Check %s: %s",
                 err->n_fields == 1 ? "this field" : "these fields", detail);
        json_object_set_new(problem, "detail", response_safe_string(summary));
    }
    if (err->n_fields > 0) {
        json_t *errors = json_array();
        size_t n = err->n_fields < ERR_MAX_FIELDS ? err->n_fields : ERR_MAX_FIELDS;
        for (size_t i = 0; i < n; i++) {
            json_t *item = json_object();
            json_object_set_new(item, "field", response_safe_string(err->fields[i].field));
            json_object_set_new(item, "message", response_safe_string(err->fields[i].message));
            json_array_append_new(errors, item);
        }
        json_object_set_new(problem, "errors", errors);
    }

    if (http_respond_json(res, status, problem) < 0) {
        /* Only an exhausted heap gets here; answer a bare problem. */
        buf_reset(&res->body);
        res->status = status;
    }
    res->content_type = "application/problem+json";
    json_decref(problem);
}

int http_respond_bytes(struct http_response *res, int status, const char *content_type,
                       const void *data, size_t len)
{
    http_response_drop_stream(res);
    buf_reset(&res->body);
    if (len > 0 && buf_append(&res->body, data, len) < 0)
        return -ERR_TOO_LARGE;
    res->status = status;
    res->content_type = content_type;
    return 0;
}

void http_respond_empty(struct http_response *res, int status)
{
    http_response_drop_stream(res);
    buf_reset(&res->body);
    res->status = status;
    res->content_type = NULL;
}
