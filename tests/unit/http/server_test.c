/*
 * Integration tests for src/http/server.c: the real server on 127.0.0.1
 * with an ephemeral port, a tiny route table and a temporary web UI
 * directory, spoken to over plain sockets by the small HTTP/1.1 client
 * below. Covers answers, problems and limits, static files, and a graceful
 * stop while a slow request is in flight.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "../test.h"

/* --- a small HTTP/1.1 client --- */

#define REPLY_MAX (256 * 1024)

struct reply {
    int status;
    char raw[REPLY_MAX + 1];
    size_t raw_len;
    const char *body; /* into raw */
    size_t body_len;
};

static int client_connect(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool client_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* Reads until the server closes (requests say "Connection: close") and parses the status. */
static void client_read_reply(int fd, struct reply *out)
{
    out->raw_len = 0;
    for (;;) {
        ssize_t n = recv(fd, out->raw + out->raw_len, REPLY_MAX - out->raw_len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        out->raw_len += (size_t)n;
        if (out->raw_len == REPLY_MAX)
            break;
    }
    out->raw[out->raw_len] = '\0';
    out->status = 0;
    if (out->raw_len > 12 && strncmp(out->raw, "HTTP/1.", 7) == 0)
        out->status = (int)strtol(out->raw + 9, NULL, 10);
    char *end = strstr(out->raw, "\r\n\r\n");
    out->body = end != NULL ? end + 4 : out->raw + out->raw_len;
    out->body_len = (size_t)(out->raw + out->raw_len - out->body);
}

/* Sends request bytes as given and reads the whole reply. */
static void client_raw(unsigned port, const char *request, size_t len, struct reply *out)
{
    int fd = client_connect(port);
    if (fd < 0)
        test_fail(__FILE__, __LINE__, "cannot connect to port %u", port);
    if (!client_write_all(fd, request, len))
        test_fail(__FILE__, __LINE__, "cannot send the request");
    client_read_reply(fd, out);
    close(fd);
}

static struct reply *client_request(unsigned port, const char *method, const char *target,
                                    const char *extra_headers, const char *body)
{
    static struct reply reply;
    size_t body_len = body != NULL ? strlen(body) : 0;
    struct buf request;
    buf_init(&request, 1 << 20);
    if (buf_printf(&request,
                   "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s"
                   "Content-Length: %zu\r\n\r\n",
                   method, target, extra_headers != NULL ? extra_headers : "", body_len) < 0 ||
        buf_append(&request, body, body_len) < 0)
        test_fail(__FILE__, __LINE__, "request too long");
    client_raw(port, request.data, request.len, &reply);
    buf_release(&request);
    return &reply;
}

/* The value of a response header (case-insensitive name), copied into a static buffer. */
static const char *reply_header(const struct reply *r, const char *name)
{
    static char value[1024];
    size_t name_len = strlen(name);
    const char *p = strstr(r->raw, "\r\n");
    while (p != NULL && p < r->body - 2) {
        p += 2;
        if (strncasecmp(p, name, name_len) == 0 && p[name_len] == ':') {
            const char *v = p + name_len + 1;
            while (*v == ' ')
                v++;
            size_t len = strcspn(v, "\r");
            snprintf(value, sizeof(value), "%.*s", (int)len, v);
            return value;
        }
        p = strstr(p, "\r\n");
    }
    return NULL;
}

/* --- the server under test --- */

static int handle_ping(struct http_request *req, struct http_response *res)
{
    (void)req;
    json_t *value = json_pack("{s:b}", "pong", 1);
    int rc = http_respond_json(res, 200, value);
    json_decref(value);
    return rc;
}

static int handle_echo(struct http_request *req, struct http_response *res)
{
    json_t *body = NULL;
    int rc = http_request_json(req, &body);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200, body);
}

static int handle_thing(struct http_request *req, struct http_response *res)
{
    const char *x = http_query(req, "x");
    const char *flag = http_query(req, "flag");
    const char *agent = http_header(req, "user-agent");
    const struct route *route = http_request_route(req);
    json_t *value =
        json_pack("{s:s, s:s?, s:s?, s:s?, s:s}", "id", http_path_param(req, "id"), "x", x, "flag",
                  flag, "agent", agent, "summary", route != NULL ? route->summary : "");
    int rc = http_respond_json(res, 200, value);
    json_decref(value);
    return rc;
}

static int handle_delete(struct http_request *req, struct http_response *res)
{
    (void)req;
    http_respond_empty(res, 204);
    return 0;
}

static int handle_invalid(struct http_request *req, struct http_response *res)
{
    (void)res;
    err_set(&req->err, ERR_VALIDATION, "1 field is invalid");
    return err_field(&req->err, "email", "is required");
}

static int handle_slow(struct http_request *req, struct http_response *res)
{
    (void)req;
    struct timespec pause = {0, 300 * 1000000L};
    nanosleep(&pause, NULL);
    json_t *value = json_pack("{s:b}", "slow", 1);
    int rc = http_respond_json(res, 200, value);
    json_decref(value);
    return rc;
}

static int handle_health(struct http_request *req, struct http_response *res)
{
    (void)req;
    json_t *value = json_pack("{s:s}", "status", "ok");
    int rc = http_respond_json(res, 200, value);
    json_decref(value);
    return rc;
}

/* --- streamed bodies: STREAM_BYTES of a known pattern, and counts of what happened --- */

#define STREAM_BYTES ((size_t)150000)

static atomic_int stream_releases;
static atomic_int stream_reads;

static char stream_byte(uint64_t pos)
{
    return (char)('a' + (char)(pos % 26));
}

/* ctx: the byte past which reading fails (0: never). */
static int stream_read(void *ctx, uint64_t pos, char *buf, size_t cap, size_t *n_read)
{
    size_t fail_at = *(size_t *)ctx;
    atomic_fetch_add(&stream_reads, 1);
    if (fail_at > 0 && pos >= fail_at)
        return -1;
    size_t n = pos >= STREAM_BYTES ? 0 : STREAM_BYTES - (size_t)pos;
    if (n > cap)
        n = cap;
    for (size_t i = 0; i < n; i++)
        buf[i] = stream_byte(pos + i);
    *n_read = n;
    return 0;
}

static void stream_release(void *ctx)
{
    free(ctx);
    atomic_fetch_add(&stream_releases, 1);
}

static void stream_start(struct http_response *res, size_t fail_at, int64_t size)
{
    size_t *ctx = malloc(sizeof(*ctx));
    *ctx = fail_at;
    struct http_stream stream = {stream_read, stream_release, ctx, size};
    http_respond_stream(res, 200, "text/csv; charset=utf-8", &stream);
}

static int handle_stream(struct http_request *req, struct http_response *res)
{
    const char *fail = http_query(req, "fail_at");
    const char *chunked = http_query(req, "chunked");
    stream_start(res, fail != NULL ? (size_t)strtoul(fail, NULL, 10) : 0,
                 chunked != NULL ? -1 : (int64_t)STREAM_BYTES);
    http_response_header(res, "Content-Disposition", "attachment; filename=\"x.csv\"");
    return 0;
}

/* Starts a stream, then fails: the problem replaces it and the stream is released unread. */
static int handle_stream_then_fail(struct http_request *req, struct http_response *res)
{
    stream_start(res, 0, (int64_t)STREAM_BYTES);
    return err_set(&req->err, ERR_CONFLICT, "not ready");
}

/* Waits up to a second for the server to release n streams. */
static int stream_releases_after_wait(int n)
{
    for (int i = 0; i < 100 && atomic_load(&stream_releases) < n; i++) {
        struct timespec pause = {0, 10 * 1000000L};
        nanosleep(&pause, NULL);
    }
    return atomic_load(&stream_releases);
}

static bool stream_body_is_whole(const struct reply *r)
{
    if (r->body_len != STREAM_BYTES)
        return false;
    for (size_t i = 0; i < STREAM_BYTES; i++) {
        if (r->body[i] != stream_byte(i))
            return false;
    }
    return true;
}

static const struct route server_routes[] = {
    {"GET", "/api/v1/ping", handle_ping, "ping", "test", ROUTE_PUBLIC},
    {"POST", "/api/v1/echo", handle_echo, "echo", "test", 0},
    {"GET", "/api/v1/things/{id}", handle_thing, "get a thing", "test", 0},
    {"DELETE", "/api/v1/things/{id}", handle_delete, "delete a thing", "test", 0},
    {"GET", "/api/v1/invalid", handle_invalid, "invalid", "test", 0},
    {"GET", "/api/v1/slow", handle_slow, "slow", "test", 0},
    {"GET", "/healthz", handle_health, "health", "test", ROUTE_PUBLIC},
    {"GET", "/api/v1/stream", handle_stream, "stream", "test", 0},
    {"GET", "/api/v1/stream-fails", handle_stream_then_fail, "stream then fail", "test", 0},
};

#define TEST_MAX_BODY 1024
#define TEST_MAX_HEADER 4096

static char web_root[128];
static char web_dir[160];

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        test_fail(__FILE__, __LINE__, "cannot write %s", path);
}

/* web_root/secret.txt lies outside web_root/web, which holds the built UI. */
static void make_web_dir(void)
{
    snprintf(web_root, sizeof(web_root), "/tmp/crm-http-test-XXXXXX");
    if (mkdtemp(web_root) == NULL)
        test_fail(__FILE__, __LINE__, "mkdtemp failed");
    snprintf(web_dir, sizeof(web_dir), "%s/web", web_root);
    char assets[200];
    snprintf(assets, sizeof(assets), "%s/assets", web_dir);
    if (mkdir(web_dir, 0700) != 0 || mkdir(assets, 0700) != 0)
        test_fail(__FILE__, __LINE__, "mkdir failed");
    write_file(web_root, "secret.txt", "TOP-SECRET");
    write_file(web_dir, "index.html", "<!doctype html><title>CRM</title>");
    write_file(web_dir, "robots.txt", "User-agent: *");
    write_file(web_dir, ".env", "TOP-SECRET");
    write_file(assets, "app-1a2b3c.js", "console.log('crm');");
    char link[256];
    snprintf(link, sizeof(link), "%s/leak.txt", web_dir);
    if (symlink("../secret.txt", link) != 0)
        test_fail(__FILE__, __LINE__, "symlink failed");
}

static struct http_server *server_start(void)
{
    struct err err;
    err_clear(&err);
    log_set_level(LOG_ERROR);
    make_web_dir();
    struct http_server_config config = {
        .listen_host = "127.0.0.1",
        .listen_port = 0,
        .threads = 2,
        .max_body_bytes = TEST_MAX_BODY,
        .max_header_bytes = TEST_MAX_HEADER,
        .max_json_depth = 8,
        .request_timeout_s = 5,
        .static_dir = web_dir,
    };
    struct http_server *server = http_server_start(
        &config, server_routes, sizeof(server_routes) / sizeof(server_routes[0]), NULL, &err);
    if (server == NULL)
        test_fail(__FILE__, __LINE__, "server did not start: %s", err.detail);
    return server;
}

/* Removes what make_web_dir() made. */
static void remove_web_dir(void)
{
    const char *names[] = {
        "web/assets/app-1a2b3c.js", "web/assets", "web/leak.txt", "web/.env", "web/robots.txt",
        "web/index.html",           "web",        "secret.txt",   ""};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", web_root, names[i]);
        if (remove(path) != 0)
            test_fail(__FILE__, __LINE__, "cannot remove %s", path);
    }
}

static void server_finish(struct http_server *server)
{
    http_server_stop(server, 1000);
    remove_web_dir();
}

static unsigned port_of(struct http_server *server)
{
    unsigned port = http_server_port(server);
    EXPECT(port > 0);
    return port;
}

/* --- tests --- */

TEST(server_reports_the_ephemeral_port_it_bound)
{
    struct http_server *server = server_start();
    unsigned port = port_of(server);
    int fd = client_connect(port);
    EXPECT(fd >= 0);
    close(fd);
    server_finish(server);
}

TEST(server_refuses_an_address_it_cannot_bind)
{
    struct err err;
    err_clear(&err);
    log_set_level(LOG_ERROR + 1);
    struct http_server *first = server_start();
    struct http_server_config config = {.listen_host = "127.0.0.1",
                                        .listen_port = http_server_port(first)};
    EXPECT(http_server_start(&config, server_routes, 1, NULL, &err) == NULL);
    EXPECT_INT_EQ(err.code, ERR_UNAVAILABLE);
    config.listen_host = "not an address";
    EXPECT(http_server_start(&config, server_routes, 1, NULL, &err) == NULL);
    server_finish(first);
}

TEST(server_answers_json_with_security_headers_and_a_request_id)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "GET", "/api/v1/ping", NULL, NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_STR_EQ(r->body, "{\"pong\":true}");
    EXPECT_STR_EQ(reply_header(r, "Content-Type"), "application/json");
    EXPECT_STR_EQ(reply_header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_STR_EQ(reply_header(r, "Referrer-Policy"), "same-origin");
    EXPECT_STR_EQ(reply_header(r, "X-Frame-Options"), "DENY");
    EXPECT_STR_EQ(reply_header(r, "Cache-Control"), "no-store");
    EXPECT(reply_header(r, "Content-Security-Policy") == NULL);
    const char *rid = reply_header(r, "X-Request-Id");
    EXPECT(rid != NULL && strlen(rid) == 16 && strspn(rid, "0123456789abcdef") == 16);
    char first_rid[32];
    snprintf(first_rid, sizeof(first_rid), "%s", rid);
    r = client_request(port_of(server), "GET", "/api/v1/ping", NULL, NULL);
    EXPECT(strcmp(reply_header(r, "X-Request-Id"), first_rid) != 0);
    server_finish(server);
}

TEST(server_gives_handlers_params_queries_headers_and_the_route)
{
    struct http_server *server = server_start();
    struct reply *r =
        client_request(port_of(server), "GET", "/api/v1/things/a%20b?x=1+2%2B3&flag&zero=%00",
                       "User-Agent: tester/1\r\n", NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_STR_EQ(r->body, "{\"id\":\"a b\",\"x\":\"1 2+3\",\"flag\":\"\",\"agent\":\"tester/1\","
                           "\"summary\":\"get a thing\"}");
    server_finish(server);
}

TEST(server_answers_head_on_a_get_route_without_a_body)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "HEAD", "/api/v1/ping", NULL, NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_INT_EQ(r->body_len, 0);
    server_finish(server);
}

TEST(server_answers_404_problem_for_an_unknown_api_path)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "GET", "/api/v1/nothing", NULL, NULL);
    EXPECT_INT_EQ(r->status, 404);
    EXPECT_STR_EQ(reply_header(r, "Content-Type"), "application/problem+json");
    EXPECT_STR_EQ(reply_header(r, "Cache-Control"), "no-store");
    EXPECT_CONTAINS(r->body, "\"type\":\"/problems/not-found\"");
    EXPECT_CONTAINS(r->body, "\"status\":404");
    server_finish(server);
}

TEST(server_answers_405_with_an_allow_header)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "PATCH", "/api/v1/things/3", NULL, "{}");
    EXPECT_INT_EQ(r->status, 405);
    EXPECT_STR_EQ(reply_header(r, "Allow"), "GET, HEAD, DELETE");
    EXPECT_CONTAINS(r->body, "/problems/method-not-allowed");
    r = client_request(port_of(server), "DELETE", "/api/v1/things/3", NULL, NULL);
    EXPECT_INT_EQ(r->status, 204);
    server_finish(server);
}

TEST(server_renders_handler_validation_errors_as_problems)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "GET", "/api/v1/invalid", NULL, NULL);
    EXPECT_INT_EQ(r->status, 422);
    EXPECT_CONTAINS(r->body, "\"errors\":[{\"field\":\"email\",\"message\":\"is required\"}]");
    server_finish(server);
}

TEST(server_echoes_a_json_body)
{
    struct http_server *server = server_start();
    struct reply *r =
        client_request(port_of(server), "POST", "/api/v1/echo",
                       "Content-Type: application/json; charset=utf-8\r\n", "{\"a\": [1, 2]}");
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_STR_EQ(r->body, "{\"a\":[1,2]}");
    server_finish(server);
}

TEST(server_answers_415_for_a_body_that_is_not_json)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "POST", "/api/v1/echo",
                                     "Content-Type: text/plain\r\n", "{}");
    EXPECT_INT_EQ(r->status, 415);
    EXPECT_CONTAINS(r->body, "/problems/unsupported-media-type");
    server_finish(server);
}

TEST(server_answers_400_for_json_nested_too_deep)
{
    struct http_server *server = server_start();
    char body[64];
    snprintf(body, sizeof(body), "%.20s%.20s", "[[[[[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]]]]]");
    struct reply *r = client_request(port_of(server), "POST", "/api/v1/echo",
                                     "Content-Type: application/json\r\n", body);
    EXPECT_INT_EQ(r->status, 400);
    EXPECT_CONTAINS(r->body, "/problems/bad-json");
    EXPECT_CONTAINS(r->body, "deeper than 8");
    r = client_request(port_of(server), "POST", "/api/v1/echo",
                       "Content-Type: application/json\r\n", "{\"a\":}");
    EXPECT_INT_EQ(r->status, 400);
    EXPECT_CONTAINS(r->body, "line 1 column");
    server_finish(server);
}

TEST(server_answers_413_at_once_when_content_length_exceeds_the_cap_and_the_client_waits)
{
    struct http_server *server = server_start();
    char request[256];
    int n = snprintf(request, sizeof(request),
                     "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Expect: 100-continue\r\nContent-Length: %d\r\n\r\n",
                     TEST_MAX_BODY * 100);
    static struct reply r;
    client_raw(port_of(server), request, (size_t)n, &r);
    EXPECT_INT_EQ(r.status, 413);
    EXPECT_STR_EQ(reply_header(&r, "Content-Type"), "application/problem+json");
    EXPECT_CONTAINS(r.body, "/problems/too-large");
    server_finish(server);
}

TEST(server_answers_413_when_a_chunked_body_grows_past_the_cap)
{
    struct http_server *server = server_start();
    struct buf request;
    buf_init(&request, 1 << 20);
    EXPECT_INT_EQ(buf_append_str(&request,
                                 "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
                                 "Content-Type: application/json\r\n"
                                 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"),
                  0);
    for (int i = 0; i < 8; i++) {
        char chunk[300];
        memset(chunk, ' ', sizeof(chunk));
        EXPECT_INT_EQ(buf_printf(&request, "%zx\r\n", sizeof(chunk)), 0);
        EXPECT_INT_EQ(buf_append(&request, chunk, sizeof(chunk)), 0);
        EXPECT_INT_EQ(buf_append_str(&request, "\r\n"), 0);
    }
    EXPECT_INT_EQ(buf_append_str(&request, "0\r\n\r\n"), 0);
    static struct reply r;
    client_raw(port_of(server), request.data, request.len, &r);
    EXPECT_INT_EQ(r.status, 413);
    EXPECT_CONTAINS(r.body, "/problems/too-large");
    buf_release(&request);
    server_finish(server);
}

TEST(server_answers_431_for_headers_past_the_limit)
{
    struct http_server *server = server_start();
    static char headers[64 * 1024];
    /* Past max_header_bytes but within MHD's pool: our problem+json. */
    snprintf(headers, sizeof(headers), "X-Big: %0*d\r\n", TEST_MAX_HEADER, 0);
    struct reply *r = client_request(port_of(server), "GET", "/api/v1/ping", headers, NULL);
    EXPECT_INT_EQ(r->status, 431);
    EXPECT_CONTAINS(r->body, "/problems/headers-too-large");
    /* Past MHD's pool as well: MHD's own 431. */
    snprintf(headers, sizeof(headers), "X-Big: %0*d\r\n", TEST_MAX_HEADER + 20000, 0);
    r = client_request(port_of(server), "GET", "/api/v1/ping", headers, NULL);
    EXPECT_INT_EQ(r->status, 431);
    /* Just under the limit is fine. */
    snprintf(headers, sizeof(headers), "X-Big: %0*d\r\n", TEST_MAX_HEADER - 200, 0);
    r = client_request(port_of(server), "GET", "/api/v1/ping", headers, NULL);
    EXPECT_INT_EQ(r->status, 200);
    server_finish(server);
}

TEST(server_serves_static_files_with_an_etag_then_304)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "GET", "/assets/app-1a2b3c.js", NULL, NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_STR_EQ(r->body, "console.log('crm');");
    EXPECT_STR_EQ(reply_header(r, "Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_STR_EQ(reply_header(r, "Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_STR_EQ(reply_header(r, "X-Content-Type-Options"), "nosniff");
    char etag[128];
    snprintf(etag, sizeof(etag), "%s", reply_header(r, "ETag"));
    EXPECT(etag[0] == '"' && etag[strlen(etag) - 1] == '"');

    char if_none_match[200];
    snprintf(if_none_match, sizeof(if_none_match), "If-None-Match: \"other\", %s\r\n", etag);
    r = client_request(port_of(server), "GET", "/assets/app-1a2b3c.js", if_none_match, NULL);
    EXPECT_INT_EQ(r->status, 304);
    EXPECT_INT_EQ(r->body_len, 0);
    EXPECT_STR_EQ(reply_header(r, "ETag"), etag);

    r = client_request(port_of(server), "GET", "/robots.txt", NULL, NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_STR_EQ(reply_header(r, "Cache-Control"), "no-cache");
    EXPECT_STR_EQ(reply_header(r, "Content-Type"), "text/plain; charset=utf-8");
    server_finish(server);
}

TEST(server_falls_back_to_index_html_for_app_paths)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "GET", "/contacts/42", NULL, NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_STR_EQ(r->body, "<!doctype html><title>CRM</title>");
    EXPECT_STR_EQ(reply_header(r, "Content-Type"), "text/html; charset=utf-8");
    EXPECT_STR_EQ(reply_header(r, "Cache-Control"), "no-cache");
    EXPECT_CONTAINS(reply_header(r, "Content-Security-Policy"), "default-src 'self'");
    r = client_request(port_of(server), "GET", "/", NULL, NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_STR_EQ(r->body, "<!doctype html><title>CRM</title>");
    r = client_request(port_of(server), "GET", "/missing.js", NULL, NULL);
    EXPECT_INT_EQ(r->status, 404);
    r = client_request(port_of(server), "GET", "/healthz", NULL, NULL);
    EXPECT_STR_EQ(r->body, "{\"status\":\"ok\"}");
    r = client_request(port_of(server), "POST", "/contacts/42", NULL, "{}");
    EXPECT_INT_EQ(r->status, 404);
    server_finish(server);
}

TEST(server_refuses_paths_that_leave_the_static_dir)
{
    struct http_server *server = server_start();
    const char *paths[] = {
        "/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt", "/leak.txt",
        "/.env",          "/index.html%00.png", "/..%2fsecret.txt"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct reply *r = client_request(port_of(server), "GET", paths[i], NULL, NULL);
        if (r->status != 400 && r->status != 404)
            test_fail(__FILE__, __LINE__, "%s answered %d", paths[i], r->status);
        EXPECT(strstr(r->raw, "TOP-SECRET") == NULL);
    }
    server_finish(server);
}

struct slow_client {
    unsigned port;
    struct reply reply;
};

static void *slow_client_run(void *arg)
{
    struct slow_client *c = arg;
    const char *request = "GET /api/v1/slow HTTP/1.1\r\nHost: x\r\n\r\n";
    client_raw(c->port, request, strlen(request), &c->reply);
    return NULL;
}

TEST(server_stop_lets_a_request_in_flight_finish)
{
    struct http_server *server = server_start();
    static struct slow_client client;
    client.port = port_of(server);
    pthread_t thread;
    EXPECT_INT_EQ(pthread_create(&thread, NULL, slow_client_run, &client), 0);
    struct timespec pause = {0, 100 * 1000000L};
    nanosleep(&pause, NULL);

    int64_t started = clock_monotonic_ms();
    http_server_stop(server, 5000);
    int64_t took = clock_monotonic_ms() - started;
    EXPECT(took < 2000);
    EXPECT_INT_EQ(pthread_join(thread, NULL), 0);
    EXPECT_INT_EQ(client.reply.status, 200);
    EXPECT_STR_EQ(client.reply.body, "{\"slow\":true}");
    EXPECT_STR_EQ(reply_header(&client.reply, "Connection"), "close");
    EXPECT(client_connect(client.port) < 0);
    remove_web_dir();
}

TEST(server_streams_a_body_piece_by_piece_with_its_length_and_releases_it_once)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "GET", "/api/v1/stream", NULL, NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_STR_EQ(reply_header(r, "Content-Type"), "text/csv; charset=utf-8");
    EXPECT_STR_EQ(reply_header(r, "Content-Length"), "150000");
    EXPECT_STR_EQ(reply_header(r, "Content-Disposition"), "attachment; filename=\"x.csv\"");
    EXPECT_STR_EQ(reply_header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT(stream_body_is_whole(r));
    /* 150000 bytes in pieces of at most 64 KiB. */
    EXPECT(atomic_load(&stream_reads) >= 3);
    EXPECT_INT_EQ(stream_releases_after_wait(1), 1);
    server_finish(server);
    EXPECT_INT_EQ(atomic_load(&stream_releases), 1);
}

TEST(server_streams_a_body_of_unknown_length_chunked)
{
    struct http_server *server = server_start();
    struct reply *r =
        client_request(port_of(server), "GET", "/api/v1/stream?chunked=1", NULL, NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_STR_EQ(reply_header(r, "Transfer-Encoding"), "chunked");
    EXPECT(reply_header(r, "Content-Length") == NULL);
    EXPECT_INT_EQ(stream_releases_after_wait(1), 1);
    server_finish(server);
}

TEST(server_sends_no_body_for_head_on_a_streamed_route_and_still_releases_the_stream)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "HEAD", "/api/v1/stream", NULL, NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT_INT_EQ(r->body_len, 0);
    EXPECT_INT_EQ(stream_releases_after_wait(1), 1);
    server_finish(server);
}

TEST(server_cuts_the_connection_when_a_stream_fails_midway_and_releases_it)
{
    struct http_server *server = server_start();
    struct reply *r =
        client_request(port_of(server), "GET", "/api/v1/stream?fail_at=70000", NULL, NULL);
    EXPECT_INT_EQ(r->status, 200);
    EXPECT(r->body_len < STREAM_BYTES);
    EXPECT_INT_EQ(stream_releases_after_wait(1), 1);
    server_finish(server);
}

TEST(server_answers_the_problem_when_a_handler_fails_after_starting_a_stream)
{
    struct http_server *server = server_start();
    struct reply *r = client_request(port_of(server), "GET", "/api/v1/stream-fails", NULL, NULL);
    EXPECT_INT_EQ(r->status, 409);
    EXPECT_STR_EQ(reply_header(r, "Content-Type"), "application/problem+json");
    EXPECT_CONTAINS(r->body, "not ready");
    EXPECT_INT_EQ(stream_releases_after_wait(1), 1);
    EXPECT_INT_EQ(atomic_load(&stream_reads), 0);
    server_finish(server);
}
