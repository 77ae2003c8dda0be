/*
 * Internal to src/http: finding the route for a request and running it. A
 * path that matches no pattern is a 404; a path that matches only under
 * other methods is a 405 whose Allow header lists them.
 */
#ifndef CRM_HTTP_ROUTER_H
#define CRM_HTTP_ROUTER_H

#include <stddef.h>

#include "http/http.h"

struct route_lookup {
    const struct route *route; /* the match; NULL when none */
    int rc;                    /* 0, -ERR_NOT_FOUND or -ERR_METHOD_NOT_ALLOWED */
    char allow[64];            /* for 405: "GET, HEAD, POST" */
};

/* Finds the route for req->method and req->path, filling req->params on a match. */
void http_router_find(const struct route *routes, size_t n_routes, struct http_request *req,
                      struct route_lookup *out);

/*
 * Answers a lookup: runs the guard (when not NULL) and then the handler,
 * rendering an error as problem+json, or answers 404 / 405 (with Allow) when
 * nothing matched.
 */
void http_router_dispatch(const struct route_lookup *lookup, http_handler *guard,
                          struct http_request *req, struct http_response *res);

#endif
