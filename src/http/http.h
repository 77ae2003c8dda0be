/*
 * The HTTP server: libmicrohttpd with a thread pool sized to the cores and
 * epoll, a route table, a per-request arena, capped bodies and headers,
 * problem+json errors, static files for the web UI, and a graceful stop.
 * Knows nothing of the CRM: handlers and routes come from the caller.
 *
 * The life of a request: MHD calls the access handler for the headers, the
 * body is gathered into a capped buffer (413 past max_body_bytes), the
 * router matches method and path against the table, the handler fills a
 * struct http_response from the request's arena, and the response is queued.
 * The arena is freed when MHD reports the request complete.
 */
#ifndef CRM_HTTP_HTTP_H
#define CRM_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct arena;

#define HTTP_MAX_PATH_PARAMS 4
#define HTTP_MAX_RESPONSE_HEADERS 12

struct http_path_param {
    const char *name;  /* "id" for a pattern segment "{id}" */
    const char *value; /* the decoded segment */
};

struct http_request {
    struct arena *arena;
    const char *method; /* "GET" */
    const char *path;   /* decoded path without the query string */
    const char *body;   /* NUL-terminated; body_len excludes the NUL */
    size_t body_len;
    struct http_path_param params[HTTP_MAX_PATH_PARAMS];
    size_t n_params;
    int64_t started_ms; /* monotonic */
    char request_id[24];
    char peer_addr[48]; /* the connecting address ("127.0.0.1", "::1"); "" outside the server */
    void *app;        /* the caller's context given to http_server_start() */
    void *context;    /* the application's per-request state (who is calling, ...) */
    void *connection; /* opaque; used by the accessors below */
    size_t max_json_depth;
    struct err err; /* filled by a handler that returns an error */
};

struct http_header {
    const char *name;
    const char *value;
};

/*
 * A body made while it is sent, a piece at a time (a file read from the
 * store chunk by chunk), so that a large download never sits in memory
 * whole. read() copies up to cap bytes of the body from byte pos into buf
 * and sets *n_read (0: the end); a negative return cuts the connection (the
 * client sees a short body). release() runs exactly once when the server is
 * done with the stream, sent or not; it may run after the request's arena
 * is freed, so ctx must be the stream's own (heap) memory. read() runs on
 * the request's thread before the request completes, so it may use what
 * the request holds until then (its database connection).
 */
struct http_stream {
    int (*read)(void *ctx, uint64_t pos, char *buf, size_t cap, size_t *n_read);
    void (*release)(void *ctx); /* NULL: nothing to release */
    void *ctx;
    int64_t size; /* the body's bytes (Content-Length); -1: unknown (chunked) */
};

struct http_response {
    int status;
    const char *content_type;
    struct buf body;
    struct http_header headers[HTTP_MAX_RESPONSE_HEADERS];
    size_t n_headers;
    struct http_stream stream; /* read NULL: the body is in body */
};

/*
 * A handler fills res and returns 0, or returns a negated error code with
 * req->err filled; the server then answers application/problem+json.
 */
typedef int http_handler(struct http_request *req, struct http_response *res);

enum route_flags {
    ROUTE_PUBLIC = 1 << 0, /* reachable without signing in */
    ROUTE_ANONYMOUS = 1 << 1, /* public, for pages of other sites: credentials are not looked at */
    ROUTE_UPLOAD = 1 << 2,    /* takes a file: its body may grow to max_upload_bytes */
    ROUTE_IMPORT = 1 << 3,    /* takes a file to import: its body may grow to max_import_bytes */
};

struct route {
    const char *method;  /* "GET", "POST", "PATCH", "PUT", "DELETE" */
    const char *pattern; /* "/api/v1/companies/{id}/restore" */
    http_handler *handler;
    const char *summary; /* one line for the OpenAPI document */
    const char *tag;     /* OpenAPI tag: "companies" */
    unsigned flags;
};

struct http_server_config {
    const char *listen_host; /* "127.0.0.1" */
    unsigned listen_port;
    unsigned threads;           /* 0: number of cores */
    size_t max_body_bytes;      /* 413 beyond */
    size_t max_upload_bytes;    /* the same for ROUTE_UPLOAD routes; 0: 10 MiB */
    size_t max_import_bytes;    /* the same for ROUTE_IMPORT routes; 0: 256 MiB */
    size_t max_header_bytes;    /* 431 beyond */
    size_t max_json_depth;      /* 400 beyond */
    unsigned request_timeout_s; /* idle connection timeout */
    const char *static_dir;     /* web UI files; NULL: none */
    /*
     * Runs before the handler of every matched route (sign-in checks); an
     * error it returns is answered instead of running the handler, and
     * headers it set (a cleared cookie) are kept. NULL: none.
     */
    http_handler *guard;
    /*
     * Told of a request the server refuses itself before routing it (a body
     * past max_body_bytes: 413; headers too large: 431), with req->err set,
     * just before the problem is sent. It may log; it cannot change the
     * answer. NULL: none.
     */
    void (*refused)(struct http_request *req);
};

struct http_server;

/* Starts listening; NULL with err filled when the address cannot be bound. */
struct http_server *http_server_start(const struct http_server_config *config,
                                      const struct route *routes, size_t n_routes, void *app,
                                      struct err *err);
/* Stops accepting, lets requests in flight finish (up to grace_ms), then frees. */
void http_server_stop(struct http_server *server, unsigned grace_ms);
unsigned http_server_port(const struct http_server *server);

/* Request accessors; NULL when absent. Query values are URL-decoded. */
const char *http_query(const struct http_request *req, const char *name);
const char *http_header(const struct http_request *req, const char *name);
const char *http_path_param(const struct http_request *req, const char *name);
const char *http_cookie(const struct http_request *req, const char *name);

/*
 * Parses the body as a JSON object or array: 415 unless the content type is
 * JSON, 400 with the position for malformed JSON, invalid UTF-8 or nesting
 * deeper than max_json_depth. The value is released with the arena.
 */
int http_request_json(struct http_request *req, json_t **out);

/* Response helpers. Header names and values are borrowed: keep them in the arena. */
void http_response_header(struct http_response *res, const char *name, const char *value);
/* Serialises value (borrowed) with the given status as application/json. */
int http_respond_json(struct http_response *res, int status, const json_t *value);
/* Renders err as application/problem+json (RFC 9457) with its field errors. */
void http_respond_problem(struct http_response *res, const struct err *err);
void http_respond_empty(struct http_response *res, int status);
/*
 * Answers len bytes (copied) as they are, with the given content type
 * (borrowed); -ERR_TOO_LARGE past HTTP_MAX_RESPONSE_BYTES.
 */
int http_respond_bytes(struct http_response *res, int status, const char *content_type,
                       const void *data, size_t len);

/*
 * Answers a body read from stream as it is sent (content type borrowed).
 * The response owns the stream from here on: its release() runs once the
 * server is done with it, or when the response is released unsent (a
 * handler error that replaces it with a problem).
 */
void http_respond_stream(struct http_response *res, int status, const char *content_type,
                         const struct http_stream *stream);
/* Releases an unsent stream (release() called) and clears it; no stream: no-op. */
void http_response_drop_stream(struct http_response *res);

/* Matches path against pattern, filling params; exposed for tests. */
bool http_route_match(const char *pattern, const char *path, struct http_request *req);

/* The route that matched req; NULL outside the server (lets a guard read route->flags). */
const struct route *http_request_route(const struct http_request *req);

/*
 * http_request_json with the content type given instead of read from the
 * request's headers (unit tests, and bodies that arrive another way).
 */
int http_request_parse_json(struct http_request *req, const char *content_type, json_t **out);

/*
 * Sets up an empty 200 response whose body may grow to HTTP_MAX_RESPONSE_BYTES;
 * http_response_release() frees the body and an unsent stream (the server
 * registers it on the arena).
 */
#define HTTP_MAX_RESPONSE_BYTES ((size_t)64 << 20)
void http_response_init(struct http_response *res);
void http_response_release(struct http_response *res);

/*
 * Pure helpers over bytes, exposed for tests and fuzzing.
 * http_json_depth: the deepest nesting of [ and { outside strings (0 for a scalar).
 * http_url_decode: decodes %XX in place and returns the new length; "%00" and
 * malformed escapes are left as they are, so the result never holds a NUL.
 */
size_t http_json_depth(const char *json, size_t len);
size_t http_url_decode(char *s);
/*
 * http_form_parse: an application/x-www-form-urlencoded body ("a=1&b=x+y")
 * as a JSON object of strings ('+' is a space, %XX decoded). -ERR_BAD_REQUEST
 * for an empty name, a name given twice, text that is not UTF-8 once
 * decoded, or more than HTTP_FORM_MAX_FIELDS fields.
 */
#define HTTP_FORM_MAX_FIELDS 100
int http_form_parse(const char *text, size_t len, json_t **out);

#endif
