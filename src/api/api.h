/*
 * The REST API: the route table and what handlers share. Handlers are thin:
 * they read the request, call domain rules and the store, and shape the
 * answer; they never hold SQL.
 */
#ifndef CRM_API_API_H
#define CRM_API_API_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

struct store;
struct store_conn;
struct entity;

/* What every handler reaches through req->app. */
struct app {
    struct store *store;
};

const struct route *api_routes(size_t *n_routes);

/* Borrows a database connection for the rest of the request. */
int api_conn(struct http_request *req, struct store_conn **conn);
/* Borrows a connection and opens the request's one transaction. */
int api_begin(struct http_request *req, struct store_conn **conn);
/* Commits when rc is 0, rolls back otherwise; returns the outcome. */
int api_commit(struct http_request *req, struct store_conn *conn, int rc);
/* The If-Match version ("3", "\"3\"", W/"3"); -1 when absent or "*". */
int api_if_match(struct http_request *req, int64_t *version);
/* 412 when expected (> 0) is not the version of current. */
int api_check_version(struct http_request *req, const json_t *current, int64_t expected);
/* The {id} path parameter as a positive integer; 404 otherwise. */
int api_path_id(struct http_request *req, int64_t *id);
/* The entity named by the path's collection segment ("/api/v1/contacts/..."). */
const struct entity *api_path_entity(const struct http_request *req);
/* Releases the JSON value when the request's arena is freed. */
json_t *api_keep(struct http_request *req, json_t *value);
/* Answers a record with its ETag. */
int api_respond_record(struct http_request *req, struct http_response *res, int status,
                       const json_t *record);

/* Handlers, one group per resource file. */
http_handler health_get;
http_handler openapi_get;
http_handler records_list;
http_handler records_create;
http_handler records_get;
http_handler records_update;
http_handler records_delete;
http_handler records_restore;
http_handler fields_list;
http_handler fields_create;
http_handler fields_get;
http_handler fields_update;
http_handler fields_delete;

#endif
