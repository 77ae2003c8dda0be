/*
 * Request accessors and the JSON body. Queries and headers come from the
 * exchange behind req->connection (NULL outside the server); path params
 * were filled by the router. A JSON body is checked for its content type,
 * emptiness and nesting depth before jansson parses it, and the parsed value
 * is released with the request's arena.
 */
#include "http/http.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "http/server.h"

#define JSON_MEDIA_TYPE "application/json"

const char *http_query(const struct http_request *req, const char *name)
{
    if (req->connection == NULL)
        return NULL;
    return http_exchange_query(req->connection, name);
}

const char *http_header(const struct http_request *req, const char *name)
{
    if (req->connection == NULL)
        return NULL;
    return http_exchange_header(req->connection, name);
}

const char *http_cookie(const struct http_request *req, const char *name)
{
    if (req->connection == NULL)
        return NULL;
    return http_exchange_cookie(req->connection, name);
}

const char *http_path_param(const struct http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_params; i++) {
        if (strcmp(req->params[i].name, name) == 0)
            return req->params[i].value;
    }
    return NULL;
}

const struct route *http_request_route(const struct http_request *req)
{
    if (req->connection == NULL)
        return NULL;
    return ((const struct http_exchange *)req->connection)->route;
}

size_t http_json_depth(const char *json, size_t len)
{
    size_t depth = 0;
    size_t max_depth = 0;
    bool in_string = false;
    bool escaped = false;

    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
        case '"':
            in_string = true;
            break;
        case '[':
        case '{':
            depth++;
            if (depth > max_depth)
                max_depth = depth;
            break;
        case ']':
        case '}':
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
    }
    return max_depth;
}

static int url_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t http_url_decode(char *s)
{
    size_t out = 0;
    size_t i = 0;

    while (s[i] != '\0') {
        if (s[i] == '%' && s[i + 1] != '\0' && s[i + 2] != '\0') {
            int hi = url_hex_value(s[i + 1]);
            int lo = url_hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0 && (hi | lo) != 0) {
                s[out++] = (char)(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        s[out++] = s[i++];
    }
    s[out] = '\0';
    return out;
}

int http_form_parse(const char *text, size_t len, json_t **out)
{
    *out = NULL;
    json_t *form = json_object();
    size_t start = 0, n_fields = 0;
    while (start < len) {
        size_t end = start;
        while (end < len && text[end] != '&')
            end++;
        if (end > start) {
            if (++n_fields > HTTP_FORM_MAX_FIELDS)
                goto fail;
            char *pair = malloc(end - start + 1);
            if (pair == NULL)
                goto fail;
            memcpy(pair, text + start, end - start);
            pair[end - start] = '\0';
            for (char *p = pair; *p != '\0'; p++) {
                if (*p == '+')
                    *p = ' ';
            }
            char *eq = strchr(pair, '=');
            const char *value = "";
            if (eq != NULL) {
                *eq = '\0';
                value = eq + 1;
                http_url_decode(eq + 1);
            }
            size_t key_len = http_url_decode(pair);
            bool ok = key_len > 0 && utf8_valid(pair, key_len) &&
                      utf8_valid(value, strlen(value)) && json_object_get(form, pair) == NULL;
            if (ok)
                json_object_set_new(form, pair, json_string(value));
            free(pair);
            if (!ok)
                goto fail;
        }
        start = end + 1;
    }
    *out = form;
    return 0;
fail:
    json_decref(form);
    return -ERR_BAD_REQUEST;
}

/* "application/json", in any case, optionally followed by parameters. */
static bool request_is_json_type(const char *content_type)
{
    if (content_type == NULL)
        return false;
    while (*content_type == ' ' || *content_type == '\t')
        content_type++;
    size_t n = strlen(JSON_MEDIA_TYPE);
    if (strncasecmp(content_type, JSON_MEDIA_TYPE, n) != 0)
        return false;
    char next = content_type[n];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

static void request_json_decref(void *value)
{
    json_decref(value);
}

int http_request_parse_json(struct http_request *req, const char *content_type, json_t **out)
{
    *out = NULL;
    if (!request_is_json_type(content_type))
        return err_set(&req->err, ERR_UNSUPPORTED_MEDIA_TYPE,
                       "The body must be sent as Content-Type: application/json");
    if (req->body == NULL || req->body_len == 0)
        return err_set(&req->err, ERR_BAD_JSON, "The request body is empty");
    if (req->max_json_depth > 0 && http_json_depth(req->body, req->body_len) > req->max_json_depth)
        return err_set(&req->err, ERR_BAD_JSON, "The JSON is nested deeper than %zu levels",
                       req->max_json_depth);

    json_error_t jerr;
    json_t *value = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (value == NULL)
        return err_set(&req->err, ERR_BAD_JSON, "line %d column %d: %s", jerr.line, jerr.column,
                       jerr.text);
    arena_defer(req->arena, request_json_decref, value);
    *out = value;
    return 0;
}

int http_request_json(struct http_request *req, json_t **out)
{
    return http_request_parse_json(req, http_header(req, "Content-Type"), out);
}
