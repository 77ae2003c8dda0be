/*
 * The HTTP server on libmicrohttpd (MHD): daemon start and stop, the access
 * handler that gathers a request, routes it and queues its response, and
 * the completion callback that logs it and frees its arena.
 *
 * DESIGN. MHD runs a pool of `threads` epoll loops (MHD_USE_EPOLL with an
 * internal polling thread per pool member); the access handler and the
 * route handlers run on those threads, one request at a time per thread.
 * MHD calls the access handler first with the headers (the exchange and its
 * arena are made then, and oversized headers or a Content-Length past
 * max_body_bytes are refused at once), then with each piece of the body
 * (gathered into a buf capped at max_body_bytes), then once with nothing,
 * when the response is produced and queued. The completion callback logs
 * the access line and frees the arena with everything the request made.
 * A streamed body (http_respond_stream) is handed to MHD as a content
 * reader: MHD pulls it HTTP_STREAM_BLOCK_BYTES at a time on the request's
 * thread while it sends, and releases the stream when done.
 *
 * Limits as libmicrohttpd 0.9.75 enforces them:
 *   - Headers: our check answers 431 problem+json past max_header_bytes
 *     (request line, query and headers counted); MHD's per-connection
 *     memory pool is max_header_bytes + HTTP_POOL_SLACK_BYTES, and headers
 *     that do not fit it at all get MHD's own 431 with an HTML body and a
 *     closed connection (0.9.75 cannot customise that answer).
 *   - Bodies: the cap is max_body_bytes, or max_upload_bytes for a route
 *     flagged ROUTE_UPLOAD (matched on the headers, before any body is
 *     read). A Content-Length past the cap gets 413 before any body is
 *     read when the client sent "Expect: 100-continue" or the length is past
 *     HTTP_DRAIN_MAX_BYTES (MHD closes the connection); otherwise the body is
 *     read and dropped and 413 answered at its end. A chunked body that grows past
 *     the cap cannot be answered early (0.9.75 refuses to queue a response
 *     mid-body), so the rest is read and dropped, up to HTTP_DRAIN_MAX_BYTES
 *     more before the connection is cut, and 413 is answered at its end.
 *   - These refusals (413, 431) are told to the config's `refused` hook
 *     first, so that the API can log a refused sign-in.
 *
 * Stopping: quiesce (stop accepting), wait until the count of requests in
 * flight reaches zero or the grace period ends, then stop the daemon. Once
 * stopping, responses carry "Connection: close".
 */
#include "http/server.h"

#include <inttypes.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "http/router.h"
#include "http/static_files.h"

#define HTTP_DEFAULT_HOST "127.0.0.1"
#define HTTP_DEFAULT_MAX_BODY_BYTES ((size_t)1 << 20)
#define HTTP_DEFAULT_MAX_UPLOAD_BYTES ((size_t)10 << 20)
#define HTTP_DEFAULT_MAX_IMPORT_BYTES ((size_t)256 << 20)
#define HTTP_DEFAULT_MAX_HEADER_BYTES ((size_t)16 << 10)
#define HTTP_POOL_SLACK_BYTES ((size_t)16 << 10)
#define HTTP_DRAIN_MAX_BYTES ((size_t)32 * 1024 * 1024)
#define HTTP_STOP_POLL_MS 10
/* How much of a streamed body MHD asks for at a time. */
#define HTTP_STREAM_BLOCK_BYTES ((size_t)64 << 10)
#define HTTP_CSP "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"

struct http_server {
    struct MHD_Daemon *daemon;
    const struct route *routes;
    size_t n_routes;
    void *app;
    http_handler *guard;
    void (*refused)(struct http_request *req); /* told of 413 and 431 refusals */
    struct static_files *static_files; /* NULL: no web UI */
    size_t max_body_bytes;
    size_t max_upload_bytes; /* for ROUTE_UPLOAD routes */
    size_t max_import_bytes; /* for ROUTE_IMPORT routes */
    size_t max_header_bytes;
    size_t max_json_depth;
    unsigned port;
    uint64_t request_seed;
    atomic_uint_least64_t request_counter;
    atomic_size_t in_flight;
    atomic_bool stopping;
};

/* --- request ids --- */

/* splitmix64's finaliser: a bijection, so distinct counters give distinct ids. */
static uint64_t server_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

static uint64_t server_random_seed(void)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
        seed = (uint64_t)clock_now_ms() ^ ((uint64_t)getpid() << 32);
    return seed;
}

static void server_request_id(struct http_server *server, char *out, size_t out_size)
{
    uint64_t n = atomic_fetch_add(&server->request_counter, 1);
    snprintf(out, out_size, "%016" PRIx64, server_mix64(server->request_seed + n));
}

/* --- lookups for request.c --- */

const char *http_exchange_header(const struct http_exchange *ex, const char *name)
{
    return MHD_lookup_connection_value(ex->connection, MHD_HEADER_KIND, name);
}

const char *http_exchange_cookie(const struct http_exchange *ex, const char *name)
{
    return MHD_lookup_connection_value(ex->connection, MHD_COOKIE_KIND, name);
}

/* The connecting address as text ("" when MHD cannot tell). */
static void server_peer_addr(struct MHD_Connection *connection, char *out, size_t out_size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (info == NULL || info->client_addr == NULL)
        return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)out_size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)out_size);
}

const char *http_exchange_query(const struct http_exchange *ex, const char *name)
{
    const char *value = NULL;
    size_t len = 0;
    if (MHD_lookup_connection_value_n(ex->connection, MHD_GET_ARGUMENT_KIND, name, strlen(name),
                                      &value, &len) != MHD_YES)
        return NULL;
    return value != NULL ? value : "";
}

/* --- responses --- */

static bool server_is_api_path(const char *path)
{
    return strncmp(path, "/api", 4) == 0 && (path[4] == '\0' || path[4] == '/');
}

static bool server_has_header(const struct http_response *res, const char *name)
{
    for (size_t i = 0; i < res->n_headers; i++) {
        if (strcasecmp(res->headers[i].name, name) == 0)
            return true;
    }
    return false;
}

static void server_add_header(struct http_exchange *ex, struct MHD_Response *response,
                              const char *name, const char *value)
{
    if (MHD_add_response_header(response, name, value) != MHD_YES) {
        char quoted[96];
        log_warn("http_header_refused", "rid=%s name=%s", ex->req.request_id,
                 log_quote(quoted, sizeof(quoted), name));
    }
}

/* Adds the headers every response carries, queues it and lets go of it. */
static enum MHD_Result server_send(struct http_exchange *ex, struct MHD_Response *response)
{
    struct http_response *res = &ex->res;
    const char *type = res->content_type;

    for (size_t i = 0; i < res->n_headers; i++)
        server_add_header(ex, response, res->headers[i].name, res->headers[i].value);
    if (type != NULL)
        server_add_header(ex, response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    server_add_header(ex, response, "X-Content-Type-Options", "nosniff");
    server_add_header(ex, response, "Referrer-Policy", "same-origin");
    server_add_header(ex, response, "X-Frame-Options", "DENY");
    if (type != NULL && strncasecmp(type, "text/html", 9) == 0)
        server_add_header(ex, response, "Content-Security-Policy", HTTP_CSP);
    if (server_is_api_path(ex->req.path) && !server_has_header(res, "Cache-Control"))
        server_add_header(ex, response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    server_add_header(ex, response, "X-Request-Id", ex->req.request_id);
    if (atomic_load(&ex->server->stopping))
        server_add_header(ex, response, MHD_HTTP_HEADER_CONNECTION, "close");

    int status = res->status >= 100 && res->status <= 599 ? res->status : 500;
    enum MHD_Result ret = MHD_queue_response(ex->connection, (unsigned)status, response);
    MHD_destroy_response(response);
    ex->answered = true;
    ex->status = status;
    if (strcmp(ex->req.method, "HEAD") == 0)
        ex->response_bytes = 0;
    return ret;
}

/* Queues res with its buffered body, whose memory passes to MHD. */
static enum MHD_Result server_send_buffered(struct http_exchange *ex)
{
    size_t len = 0;
    char *body = buf_detach(&ex->res.body, &len);
    struct MHD_Response *response =
        MHD_create_response_from_buffer_with_free_callback(len, body, free);
    if (response == NULL) {
        free(body);
        return MHD_NO;
    }
    ex->response_bytes = len;
    return server_send(ex, response);
}

static enum MHD_Result server_send_problem(struct http_exchange *ex, enum err_code code,
                                           const char *detail);

/* MHD's reader of a streamed body: the stream's read() at MHD's position. */
static ssize_t server_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct http_stream *stream = cls;
    size_t n = 0;
    if (stream->read(stream->ctx, pos, buf, max, &n) < 0)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)n;
}

/* MHD is done with the response (sent, or the connection closed): the stream is released. */
static void server_stream_free(void *cls)
{
    struct http_stream *stream = cls;
    if (stream->release != NULL)
        stream->release(stream->ctx);
    free(stream);
}

/*
 * Queues res with its streamed body. The stream passes to MHD on a heap
 * copy, since MHD may release it after the request's arena is gone (a
 * connection that closes early is reported complete first).
 */
static enum MHD_Result server_send_stream(struct http_exchange *ex)
{
    struct http_stream *stream = malloc(sizeof(*stream));
    if (stream == NULL) {
        fprintf(stderr, "fatal: out of memory\n");
        abort();
    }
    *stream = ex->res.stream;
    memset(&ex->res.stream, 0, sizeof(ex->res.stream));
    uint64_t size = stream->size >= 0 ? (uint64_t)stream->size : MHD_SIZE_UNKNOWN;
    struct MHD_Response *response = MHD_create_response_from_callback(
        size, HTTP_STREAM_BLOCK_BYTES, server_stream_read, stream, server_stream_free);
    if (response == NULL) {
        server_stream_free(stream);
        ex->res.n_headers = 0;
        ex->res.content_type = NULL;
        return server_send_problem(ex, ERR_INTERNAL, "The file could not be sent");
    }
    ex->response_bytes = stream->size >= 0 ? (size_t)stream->size : 0;
    return server_send(ex, response);
}

static enum MHD_Result server_send_problem(struct http_exchange *ex, enum err_code code,
                                           const char *detail)
{
    err_set(&ex->req.err, code, "%s", detail);
    http_respond_problem(&ex->res, &ex->req.err);
    return server_send_buffered(ex);
}

/* A refusal before routing: tells the refused hook, then answers the problem. */
static enum MHD_Result server_refuse(struct http_exchange *ex, enum err_code code,
                                     const char *detail)
{
    if (ex->server->refused != NULL) {
        err_set(&ex->req.err, code, "%s", detail);
        ex->server->refused(&ex->req);
    }
    return server_send_problem(ex, code, detail);
}

static enum MHD_Result server_send_static(struct http_exchange *ex)
{
    struct http_request *req = &ex->req;
    struct http_response *res = &ex->res;
    struct static_file file;

    int rc = static_files_open(ex->server->static_files, req->path,
                               http_exchange_header(ex, MHD_HTTP_HEADER_IF_NONE_MATCH), &file,
                               &req->err);
    if (rc < 0) {
        http_respond_problem(res, &req->err);
        return server_send_buffered(ex);
    }
    http_response_header(res, MHD_HTTP_HEADER_ETAG, arena_strdup(req->arena, file.etag));
    http_response_header(res, MHD_HTTP_HEADER_CACHE_CONTROL, file.cache_control);
    res->status = file.status;
    if (file.status == MHD_HTTP_NOT_MODIFIED)
        return server_send_buffered(ex);

    res->content_type = file.content_type;
    struct MHD_Response *response = MHD_create_response_from_fd64(file.size, file.fd);
    if (response == NULL) {
        close(file.fd);
        res->n_headers = 0;
        res->content_type = NULL;
        return server_send_problem(ex, ERR_INTERNAL, "The file could not be sent");
    }
    ex->response_bytes = (size_t)file.size;
    return server_send(ex, response);
}

/* --- the request's life --- */

static enum MHD_Result server_count_bytes(void *cls, enum MHD_ValueKind kind, const char *key,
                                          const char *value)
{
    size_t *total = cls;
    (void)kind;
    *total += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;
    return MHD_YES;
}

/* The response's body and, when it was never handed to MHD, its stream. */
static void server_response_release_cb(void *res)
{
    http_response_release(res);
}

static struct http_exchange *server_exchange_new(struct http_server *server,
                                                 struct MHD_Connection *connection, const char *url,
                                                 const char *method)
{
    struct arena *arena = arena_new();
    struct http_exchange *ex = arena_alloc(arena, sizeof(*ex));
    struct http_request *req = &ex->req;

    atomic_fetch_add(&server->in_flight, 1);
    ex->server = server;
    ex->connection = connection;
    buf_init(&ex->body, server->max_body_bytes);
    arena_defer(arena, buf_release_cb, &ex->body);
    http_response_init(&ex->res);
    arena_defer(arena, server_response_release_cb, &ex->res);

    req->arena = arena;
    req->method = arena_strdup(arena, method);
    req->path = arena_strdup(arena, url);
    req->body = "";
    req->started_ms = clock_monotonic_ms();
    server_request_id(server, req->request_id, sizeof(req->request_id));
    req->app = server->app;
    req->connection = ex;
    server_peer_addr(connection, req->peer_addr, sizeof(req->peer_addr));
    req->max_json_depth = server->max_json_depth;
    err_clear(&req->err);
    return ex;
}

/*
 * The body cap of a request: max_upload_bytes for a ROUTE_UPLOAD route,
 * max_import_bytes for a ROUTE_IMPORT one.
 */
static size_t server_body_cap(const struct http_server *server, const struct http_request *req)
{
    for (size_t i = 0; i < server->n_routes; i++) {
        const struct route *route = &server->routes[i];
        if ((route->flags & (ROUTE_UPLOAD | ROUTE_IMPORT)) != 0 &&
            strcmp(route->method, req->method) == 0 &&
            http_route_match(route->pattern, req->path, NULL))
            return (route->flags & ROUTE_IMPORT) != 0 ? server->max_import_bytes
                                                      : server->max_upload_bytes;
    }
    return server->max_body_bytes;
}

/* First call: only the headers are in. Refuses what is too large to read. */
static enum MHD_Result server_on_headers(struct http_exchange *ex)
{
    struct http_server *server = ex->server;
    size_t max_body_bytes = server_body_cap(server, &ex->req);
    ex->body.max_bytes = max_body_bytes;
    size_t header_bytes = strlen(ex->req.method) + strlen(ex->req.path) + 16;
    MHD_get_connection_values(ex->connection, MHD_HEADER_KIND, server_count_bytes, &header_bytes);
    MHD_get_connection_values(ex->connection, MHD_GET_ARGUMENT_KIND, server_count_bytes,
                              &header_bytes);
    if (header_bytes > server->max_header_bytes)
        return server_refuse(ex, ERR_HEADERS_TOO_LARGE,
                             "The request line and headers are too large");

    const char *length = http_exchange_header(ex, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length != NULL) {
        char *end = NULL;
        unsigned long long n = strtoull(length, &end, 10);
        if (end != length && n > max_body_bytes) {
            /*
             * Answer at once when the client waits for "100 Continue" or the
             * body is too big to drain; otherwise read and drop it first, so
             * the client is not cut off mid-upload before it reads the 413.
             */
            const char *expect = http_exchange_header(ex, MHD_HTTP_HEADER_EXPECT);
            if ((expect != NULL && strcasecmp(expect, "100-continue") == 0) ||
                n > HTTP_DRAIN_MAX_BYTES)
                return server_refuse(ex, ERR_TOO_LARGE, "The request body is too large");
            ex->body_too_large = true;
            buf_release(&ex->body);
        }
    }
    return MHD_YES;
}

static enum MHD_Result server_on_body(struct http_exchange *ex, const char *data, size_t len)
{
    if (!ex->body_too_large) {
        if (buf_append(&ex->body, data, len) == 0)
            return MHD_YES;
        ex->body_too_large = true;
        buf_release(&ex->body);
    }
    ex->discarded_bytes += len;
    if (ex->discarded_bytes > HTTP_DRAIN_MAX_BYTES) {
        log_warn("http_body_cut", "rid=%s discarded_bytes=%zu", ex->req.request_id,
                 ex->discarded_bytes);
        return MHD_NO;
    }
    return MHD_YES;
}

static bool server_wants_static(const struct http_exchange *ex)
{
    const struct http_request *req = &ex->req;
    if (ex->server->static_files == NULL)
        return false;
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
        return false;
    return !server_is_api_path(req->path) && strcmp(req->path, "/healthz") != 0;
}

/* Last call: the whole request is in. */
static enum MHD_Result server_on_request_end(struct http_exchange *ex)
{
    struct http_server *server = ex->server;
    struct http_request *req = &ex->req;
    struct route_lookup lookup;

    if (ex->body_too_large)
        return server_refuse(ex, ERR_TOO_LARGE, "The request body is too large");
    req->body = buf_cstr(&ex->body);
    req->body_len = ex->body.len;

    http_router_find(server->routes, server->n_routes, req, &lookup);
    if (lookup.rc == -ERR_NOT_FOUND && server_wants_static(ex))
        return server_send_static(ex);
    ex->route = lookup.route;
    http_router_dispatch(&lookup, server->guard, req, &ex->res);
    if (ex->res.stream.read != NULL)
        return server_send_stream(ex);
    return server_send_buffered(ex);
}

static enum MHD_Result server_on_request(void *cls, struct MHD_Connection *connection,
                                         const char *url, const char *method, const char *version,
                                         const char *upload_data, size_t *upload_data_size,
                                         void **con_cls)
{
    struct http_exchange *ex = *con_cls;
    (void)version;

    if (ex == NULL) {
        ex = server_exchange_new(cls, connection, url, method);
        *con_cls = ex;
        return server_on_headers(ex);
    }
    if (*upload_data_size > 0) {
        size_t len = *upload_data_size;
        *upload_data_size = 0;
        return server_on_body(ex, upload_data, len);
    }
    if (ex->answered)
        return MHD_YES;
    return server_on_request_end(ex);
}

static const char *server_outcome(enum MHD_RequestTerminationCode toe)
{
    switch (toe) {
    case MHD_REQUEST_TERMINATED_COMPLETED_OK:
        return "ok";
    case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
        return "timeout";
    case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
        return "shutdown";
    case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
        return "client_abort";
    case MHD_REQUEST_TERMINATED_READ_ERROR:
        return "read_error";
    default:
        return "error";
    }
}

/* A method for the log: token characters only, anything else becomes '?'. */
static void server_log_method(const char *method, char *out, size_t out_size)
{
    size_t i = 0;
    for (; method[i] != '\0' && i + 1 < out_size; i++) {
        char c = method[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        out[i] = ok ? c : '?';
    }
    out[i] = '\0';
}

static void server_on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                                enum MHD_RequestTerminationCode toe)
{
    struct http_server *server = cls;
    struct http_exchange *ex = *con_cls;
    (void)connection;

    if (ex == NULL)
        return;
    *con_cls = NULL;

    char method[24];
    char path[512];
    server_log_method(ex->req.method, method, sizeof(method));
    log_quote(path, sizeof(path), ex->req.path);
    int64_t ms = clock_monotonic_ms() - ex->req.started_ms;
    log_info("http", "method=%s path=%s status=%d bytes=%zu ms=%" PRId64 " rid=%s%s%s", method,
             path, ex->status, ex->response_bytes, ms, ex->req.request_id,
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " outcome=",
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : server_outcome(toe));
    arena_free(ex->req.arena);
    atomic_fetch_sub(&server->in_flight, 1);
}

/* --- daemon --- */

__attribute__((format(printf, 2, 0))) static void server_mhd_log(void *cls, const char *fmt,
                                                                 va_list ap)
{
    char message[400];
    char quoted[512];
    (void)cls;
    vsnprintf(message, sizeof(message), fmt, ap);
    size_t len = strlen(message);
    while (len > 0 && (message[len - 1] == '\n' || message[len - 1] == '\r'))
        message[--len] = '\0';
    log_warn("http_mhd", "message=%s", log_quote(quoted, sizeof(quoted), message));
}

static size_t server_unescape(void *cls, struct MHD_Connection *connection, char *s)
{
    (void)cls;
    (void)connection;
    return http_url_decode(s);
}

static unsigned server_thread_count(unsigned configured)
{
    if (configured > 0)
        return configured;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (unsigned)cores : 1;
}

/* Copies host into out without the brackets of "[::1]". */
static void server_host_unbracket(const char *host, char *out, size_t out_size)
{
    size_t len = strlen(host);
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
        snprintf(out, out_size, "%.*s", (int)(len - 2), host + 1);
    else
        snprintf(out, out_size, "%s", host);
}

struct http_server *http_server_start(const struct http_server_config *config,
                                      const struct route *routes, size_t n_routes, void *app,
                                      struct err *err)
{
    struct http_server *server = NULL;
    struct addrinfo *addrs = NULL;
    struct addrinfo hints;
    char host[256];
    char port_text[16];

    server_host_unbracket(config->listen_host != NULL && config->listen_host[0] != '\0'
                              ? config->listen_host
                              : HTTP_DEFAULT_HOST,
                          host, sizeof(host));
    if (config->listen_port > 65535) {
        err_set(err, ERR_UNAVAILABLE, "listen port %u is out of range", config->listen_port);
        goto out;
    }
    snprintf(port_text, sizeof(port_text), "%u", config->listen_port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(host, port_text, &hints, &addrs);
    if (rc != 0) {
        err_set(err, ERR_UNAVAILABLE, "cannot resolve listen address %s: %s", host,
                gai_strerror(rc));
        goto out;
    }

    server = calloc(1, sizeof(*server));
    if (server == NULL) {
        fprintf(stderr, "fatal: out of memory\n");
        abort();
    }
    server->routes = routes;
    server->n_routes = n_routes;
    server->app = app;
    server->guard = config->guard;
    server->refused = config->refused;
    server->max_body_bytes =
        config->max_body_bytes > 0 ? config->max_body_bytes : HTTP_DEFAULT_MAX_BODY_BYTES;
    server->max_upload_bytes =
        config->max_upload_bytes > 0 ? config->max_upload_bytes : HTTP_DEFAULT_MAX_UPLOAD_BYTES;
    server->max_import_bytes =
        config->max_import_bytes > 0 ? config->max_import_bytes : HTTP_DEFAULT_MAX_IMPORT_BYTES;
    server->max_header_bytes =
        config->max_header_bytes > 0 ? config->max_header_bytes : HTTP_DEFAULT_MAX_HEADER_BYTES;
    server->max_json_depth = config->max_json_depth;
    server->request_seed = server_random_seed();
    atomic_init(&server->request_counter, 0);
    atomic_init(&server->in_flight, 0);
    atomic_init(&server->stopping, false);
    if (config->static_dir != NULL && config->static_dir[0] != '\0') {
        struct err static_err;
        err_clear(&static_err);
        server->static_files = static_files_new(config->static_dir, &static_err);
        if (server->static_files == NULL) {
            char quoted[300];
            log_warn("http_static_missing", "detail=%s",
                     log_quote(quoted, sizeof(quoted), static_err.detail));
        }
    }

    unsigned threads = server_thread_count(config->threads);
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (addrs->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    server->daemon = MHD_start_daemon(
        flags, (uint16_t)config->listen_port, NULL, NULL, server_on_request, server,
        MHD_OPTION_EXTERNAL_LOGGER, server_mhd_log, server, MHD_OPTION_SOCK_ADDR, addrs->ai_addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT,
        config->request_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        server->max_header_bytes + HTTP_POOL_SLACK_BYTES, MHD_OPTION_NOTIFY_COMPLETED,
        server_on_completed, server, MHD_OPTION_UNESCAPE_CALLBACK, server_unescape, NULL,
        MHD_OPTION_END);
    if (server->daemon == NULL) {
        err_set(err, ERR_UNAVAILABLE, "cannot listen on %s port %u", host, config->listen_port);
        static_files_free(server->static_files);
        free(server);
        server = NULL;
        goto out;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    server->port = info != NULL ? info->port : config->listen_port;
    log_info("http_listen", "host=%s port=%u threads=%u static=%s", host, server->port, threads,
             server->static_files != NULL ? "yes" : "no");
out:
    if (addrs != NULL)
        freeaddrinfo(addrs);
    return server;
}

unsigned http_server_port(const struct http_server *server)
{
    return server->port;
}

void http_server_stop(struct http_server *server, unsigned grace_ms)
{
    if (server == NULL)
        return;
    atomic_store(&server->stopping, true);
    MHD_socket listen_fd = MHD_quiesce_daemon(server->daemon);
    int64_t deadline = clock_monotonic_ms() + grace_ms;
    while (atomic_load(&server->in_flight) > 0 && clock_monotonic_ms() < deadline) {
        struct timespec pause = {0, HTTP_STOP_POLL_MS * 1000000L};
        nanosleep(&pause, NULL);
    }
    size_t abandoned = atomic_load(&server->in_flight);
    MHD_stop_daemon(server->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    log_info("http_stopped", "abandoned=%zu", abandoned);
    static_files_free(server->static_files);
    free(server);
}
