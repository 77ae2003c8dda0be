/*
 * Errors, defined once. Each row of ERR_MAP names an error code, the HTTP
 * status it becomes at the API edge, the problem type slug and its title.
 * Functions return 0 on success or a negated code (-ERR_NOT_FOUND) and fill
 * a struct err with the detail and, for validation, the failing fields.
 * Backends translate their own codes (SQLITE_BUSY, SQLSTATE 23505) into
 * these at the store boundary.
 */
#ifndef CRM_BASE_ERR_H
#define CRM_BASE_ERR_H

#include <stdarg.h>
#include <stddef.h>

#define ERR_MAP(X)                                                                   \
    X(OK, 200, "ok", "OK")                                                           \
    X(BAD_REQUEST, 400, "bad-request", "Malformed request")                          \
    X(BAD_JSON, 400, "bad-json", "Malformed JSON body")                              \
    X(BAD_FILTER, 400, "bad-filter", "Invalid filter")                               \
    X(BAD_CURSOR, 400, "bad-cursor", "Invalid cursor")                               \
    X(UNAUTHORIZED, 401, "unauthorized", "Not signed in")                            \
    X(FORBIDDEN, 403, "forbidden", "Not allowed")                                    \
    X(NOT_FOUND, 404, "not-found", "Not found")                                      \
    X(METHOD_NOT_ALLOWED, 405, "method-not-allowed", "Method not allowed")           \
    X(CONFLICT, 409, "conflict", "Conflict")                                         \
    X(STALE_VERSION, 412, "stale-version", "The record was changed by someone else") \
    X(TOO_LARGE, 413, "too-large", "Request too large")                              \
    X(UNSUPPORTED_MEDIA_TYPE, 415, "unsupported-media-type", "Unsupported media type") \
    X(VALIDATION, 422, "validation", "Validation failed")                            \
    X(PRECONDITION_REQUIRED, 428, "precondition-required", "If-Match required")      \
    X(THROTTLED, 429, "throttled", "Too many requests")                              \
    X(HEADERS_TOO_LARGE, 431, "headers-too-large", "Request headers too large")      \
    X(INTERNAL, 500, "internal", "Internal error")                                   \
    X(UNAVAILABLE, 503, "unavailable", "Service unavailable")                        \
    X(TIMEOUT, 503, "timeout", "The request took too long")

enum err_code {
#define ERR_ENUM_ROW(name, status, slug, title) ERR_##name,
    ERR_MAP(ERR_ENUM_ROW)
#undef ERR_ENUM_ROW
    ERR_COUNT
};

#define ERR_MAX_FIELDS 16

struct field_error {
    char field[64];
    char message[160];
};

struct err {
    enum err_code code;
    char detail[256];
    size_t n_fields;
    struct field_error fields[ERR_MAX_FIELDS];
};

/* Resets an error to ERR_OK with no detail and no fields. */
void err_clear(struct err *err);

/* Sets code and detail; returns -code so callers can `return err_set(...)`. */
int err_set(struct err *err, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int err_setv(struct err *err, enum err_code code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/*
 * Adds a field error and sets the code to ERR_VALIDATION unless another code
 * is already set; returns -err->code. Extra fields past ERR_MAX_FIELDS are
 * counted in the detail but not listed.
 */
int err_field(struct err *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int err_http_status(enum err_code code);
const char *err_slug(enum err_code code);
const char *err_title(enum err_code code);

#endif
