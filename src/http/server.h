/*
 * Internal to src/http: the state of one request/response exchange, which
 * http_request.connection points to, and the lookups the request accessors
 * need from libmicrohttpd. Only server.c includes microhttpd.h.
 */
#ifndef CRM_HTTP_SERVER_H
#define CRM_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "http/http.h"

struct MHD_Connection;
struct http_server;

/* Allocated in the request's own arena on the first access-handler call. */
struct http_exchange {
    struct http_server *server;
    struct MHD_Connection *connection;
    const struct route *route; /* set once the router has matched */
    struct http_request req;
    struct http_response res;
    struct buf body;        /* capped at max_body_bytes */
    bool body_too_large;    /* the cap was hit: the rest is discarded, then 413 */
    size_t discarded_bytes; /* read and dropped after the cap was hit */
    bool answered;          /* a response has been queued */
    int status;             /* as queued, for the access log */
    size_t response_bytes;
};

/* Header and query lookups for the accessors in request.c; NULL when absent. */
const char *http_exchange_header(const struct http_exchange *ex, const char *name);
const char *http_exchange_query(const struct http_exchange *ex, const char *name);
const char *http_exchange_cookie(const struct http_exchange *ex, const char *name);

#endif
