/*
 * Checks shared by the identity handlers: the keys a body may hold, text,
 * e-mail and id values, and the changes written to the audit log.
 */
#include "api/body.h"

#include <ctype.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/utf8.h"
#include "domain/record.h"
#include "http/http.h"

int body_check_keys(struct http_request *req, const json_t *body, const char *const *allowed,
                    size_t n_allowed)
{
    if (!json_is_object(body))
        return err_set(&req->err, ERR_BAD_REQUEST, "the body must be a JSON object");
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)body, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < n_allowed && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (!known)
            err_field(&req->err, key, "unknown field");
    }
    return 0;
}

bool body_failed(const struct http_request *req)
{
    return req->err.code != ERR_OK;
}

const char *body_text(struct http_request *req, const json_t *value, const char *field,
                      size_t max_chars)
{
    if (value == NULL) {
        err_field(&req->err, field, "is required");
        return NULL;
    }
    if (!json_is_string(value)) {
        err_field(&req->err, field, "must be a string");
        return NULL;
    }
    const char *s = json_string_value(value);
    size_t len = json_string_length(value);
    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0) {
        err_field(&req->err, field, "must not be empty");
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            err_field(&req->err, field, "must not contain control characters");
            return NULL;
        }
    }
    if (utf8_count(s, len) > max_chars) {
        err_field(&req->err, field, "must be at most %zu characters", max_chars);
        return NULL;
    }
    return arena_strndup(req->arena, s, len);
}

/* Long enough for any address record_email_valid accepts. */
#define BODY_EMAIL_MAX_CHARS 254

const char *body_email(struct http_request *req, const json_t *value, const char *field)
{
    const char *s = body_text(req, value, field, BODY_EMAIL_MAX_CHARS);
    if (s == NULL)
        return NULL;
    char *lower = arena_strdup(req->arena, s);
    for (char *p = lower; *p != '\0'; p++)
        *p = (char)tolower((unsigned char)*p);
    if (!record_email_valid(lower)) {
        err_field(&req->err, field, "is not a valid e-mail address");
        return NULL;
    }
    return lower;
}

bool body_id_or_null(struct http_request *req, const json_t *value, const char *field, int64_t *id)
{
    *id = 0;
    if (json_is_null(value))
        return true;
    if (!json_is_integer(value) || json_integer_value(value) <= 0) {
        err_field(&req->err, field, "must be a positive integer or null");
        return false;
    }
    *id = json_integer_value(value);
    return true;
}

json_t *body_changes(const json_t *before, const json_t *after, const char *const *keys,
                     size_t n_keys)
{
    json_t *changes = json_object();
    for (size_t i = 0; i < n_keys; i++) {
        json_t *old = before ? json_object_get(before, keys[i]) : NULL;
        json_t *now = json_object_get(after, keys[i]);
        bool old_null = old == NULL || json_is_null(old);
        bool new_null = now == NULL || json_is_null(now);
        if (old_null && new_null)
            continue;
        if (!old_null && !new_null && json_equal(old, now))
            continue;
        json_object_set_new(
            changes, keys[i],
            json_pack("[OO]", old_null ? json_null() : old, new_null ? json_null() : now));
    }
    if (json_object_size(changes) == 0) {
        json_decref(changes);
        return NULL;
    }
    return changes;
}
