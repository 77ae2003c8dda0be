/*
 * Fuzz target for the HTTP layer's pure parsers: percent-decoding of paths
 * and queries, route matching, the JSON nesting pre-scan and form bodies
 * (application/x-www-form-urlencoded). The input is "pattern\npath\njson";
 * each part is fed to its parser and the results are checked against
 * invariants (params are non-empty segments, the pre-scan agrees with the
 * depth of whatever jansson accepts, a parsed form is an object of at most
 * HTTP_FORM_MAX_FIELDS non-empty UTF-8 names with string values); the last
 * part is also read as a form body.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "http/http.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_patterns[] = {
    "/",
    "/healthz",
    "/api/v1/companies",
    "/api/v1/companies/{id}",
    "/api/v1/companies/{id}/restore",
    "/api/v1/{entity}/{id}/timeline",
    "/{a}/{b}/{c}/{d}",
};

/* The next part of the input up to '\n' (or the end), as a NUL-terminated copy. */
static char *fuzz_take(const uint8_t **data, size_t *size)
{
    const uint8_t *end = memchr(*data, '\n', *size);
    size_t len = end != NULL ? (size_t)(end - *data) : *size;
    char *part = malloc(len + 1);
    FUZZ_CHECK(part != NULL);
    memcpy(part, *data, len);
    part[len] = '\0';
    *data += end != NULL ? len + 1 : len;
    *size -= end != NULL ? len + 1 : len;
    return part;
}

static size_t fuzz_json_depth(const json_t *value)
{
    size_t deepest = 0;
    if (json_is_array(value)) {
        for (size_t i = 0; i < json_array_size(value); i++) {
            size_t d = fuzz_json_depth(json_array_get(value, i));
            deepest = d > deepest ? d : deepest;
        }
        return deepest + 1;
    }
    if (json_is_object(value)) {
        const char *key;
        json_t *member;
        json_object_foreach((json_t *)value, key, member)
        {
            size_t d = fuzz_json_depth(member);
            deepest = d > deepest ? d : deepest;
        }
        return deepest + 1;
    }
    return 0;
}

static void fuzz_route(const char *pattern, const char *path, struct arena *arena)
{
    struct http_request req;
    memset(&req, 0, sizeof(req));
    req.arena = arena;
    if (!http_route_match(pattern, path, &req)) {
        FUZZ_CHECK(req.n_params == 0);
        FUZZ_CHECK(!http_route_match(pattern, path, NULL));
        return;
    }
    FUZZ_CHECK(http_route_match(pattern, path, NULL));
    FUZZ_CHECK(req.n_params <= HTTP_MAX_PATH_PARAMS);
    for (size_t i = 0; i < req.n_params; i++) {
        FUZZ_CHECK(req.params[i].value[0] != '\0');
        FUZZ_CHECK(strchr(req.params[i].value, '/') == NULL);
        FUZZ_CHECK(strstr(path, req.params[i].value) != NULL);
        FUZZ_CHECK(http_path_param(&req, req.params[i].name) != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *pattern = fuzz_take(&data, &size);
    char *path = fuzz_take(&data, &size);
    const char *json = (const char *)data;
    size_t json_len = size;
    struct arena *arena = arena_new();

    size_t raw_len = strlen(path);
    size_t len = http_url_decode(path);
    FUZZ_CHECK(len == strlen(path));
    FUZZ_CHECK(len <= raw_len);

    fuzz_route(pattern, path, arena);
    for (size_t i = 0; i < sizeof(fuzz_patterns) / sizeof(fuzz_patterns[0]); i++)
        fuzz_route(fuzz_patterns[i], path, arena);

    size_t depth = http_json_depth(json, json_len);
    json_error_t jerr;
    json_t *value = json_loadb(json, json_len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    if (value != NULL) {
        FUZZ_CHECK(fuzz_json_depth(value) == depth);
        json_decref(value);
    }

    struct http_request req;
    memset(&req, 0, sizeof(req));
    req.arena = arena;
    req.body = json;
    req.body_len = json_len;
    req.max_json_depth = 16;
    json_t *body = NULL;
    if (http_request_parse_json(&req, "application/json", &body) == 0) {
        FUZZ_CHECK(body != NULL);
        FUZZ_CHECK(depth <= 16);
        FUZZ_CHECK(json_is_object(body) || json_is_array(body));
    } else {
        FUZZ_CHECK(body == NULL);
        FUZZ_CHECK(req.err.code == ERR_BAD_JSON);
    }

    json_t *form = NULL;
    if (http_form_parse(json, json_len, &form) == 0) {
        FUZZ_CHECK(json_is_object(form));
        FUZZ_CHECK(json_object_size(form) <= HTTP_FORM_MAX_FIELDS);
        const char *key;
        json_t *field;
        json_object_foreach(form, key, field)
        {
            FUZZ_CHECK(key[0] != '\0');
            FUZZ_CHECK(json_is_string(field));
        }
        json_decref(form);
    } else {
        FUZZ_CHECK(form == NULL);
    }

    arena_free(arena);
    free(path);
    free(pattern);
    return 0;
}
