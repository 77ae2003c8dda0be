/*
 * Request bodies the handlers share (identity resources, sign-in, fields):
 * an allow-list of keys, trimmed text, e-mail addresses and optional ids,
 * each problem added to the request's error as a field error so that all
 * of them are reported at once; and the {"field":[old,new]} changes the
 * audit log keeps for these resources.
 */
#ifndef CRM_API_BODY_H
#define CRM_API_BODY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http_request;

/*
 * 400 unless body is a JSON object; a field error "unknown field" for each
 * key not in allowed (then still 0: the caller checks body_failed()).
 */
int body_check_keys(struct http_request *req, const json_t *body, const char *const *allowed,
                    size_t n_allowed);

/* Whether a field error (or any error) was recorded on the request. */
bool body_failed(const struct http_request *req);

/*
 * A string value, trimmed, 1..max_chars characters, without control
 * characters; NULL with a field error on `field` otherwise (value NULL:
 * "is required").
 */
const char *body_text(struct http_request *req, const json_t *value, const char *field,
                      size_t max_chars);

/* An e-mail address, trimmed and lower-cased; NULL with a field error otherwise. */
const char *body_email(struct http_request *req, const json_t *value, const char *field);

/*
 * A positive integer id or null (*id = 0); false with a field error
 * otherwise.
 */
bool body_id_or_null(struct http_request *req, const json_t *value, const char *field, int64_t *id);

/*
 * {"key":[old,new]} for each of keys whose value differs between before
 * (NULL: nothing, as on a create) and after; an absent key counts as null
 * and a key null on both sides is left out. NULL when nothing differs.
 * New reference.
 */
json_t *body_changes(const json_t *before, const json_t *after, const char *const *keys,
                     size_t n_keys);

#endif
