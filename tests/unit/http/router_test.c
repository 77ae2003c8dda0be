/*
 * Tests for src/http/router.c: pattern matching with "{name}" segments,
 * the route lookup (first match wins, HEAD served by GET, 405 with Allow)
 * and dispatch, which turns handler errors into problem+json.
 */
#include "http/router.h"

#include "base/arena.h"
#include "base/log.h"
#include "http/http.h"
#include "../test.h"

static int handler_ok(struct http_request *req, struct http_response *res)
{
    (void)req;
    http_respond_empty(res, 204);
    return 0;
}

static int handler_conflict(struct http_request *req, struct http_response *res)
{
    http_response_header(res, "ETag", "\"3\"");
    return err_set(&req->err, ERR_CONFLICT, "name already taken");
}

static int handler_silent_failure(struct http_request *req, struct http_response *res)
{
    (void)req;
    (void)res;
    return -1;
}

static int handler_internal(struct http_request *req, struct http_response *res)
{
    (void)res;
    return err_set(&req->err, ERR_INTERNAL, "SQLITE_CORRUPT in table secrets");
}

static const struct route test_routes[] = {
    {"GET", "/api/v1/companies", handler_ok, "list", "companies", 0},
    {"POST", "/api/v1/companies", handler_ok, "create", "companies", 0},
    {"GET", "/api/v1/companies/export", handler_conflict, "export", "companies", 0},
    {"GET", "/api/v1/companies/{id}", handler_ok, "get", "companies", 0},
    {"DELETE", "/api/v1/companies/{id}", handler_ok, "delete", "companies", 0},
    {"POST", "/api/v1/companies/{id}/restore", handler_ok, "restore", "companies", 0},
    {"GET", "/api/v1/silent", handler_silent_failure, "fails", "test", 0},
    {"GET", "/api/v1/internal", handler_internal, "fails", "test", 0},
};
#define N_TEST_ROUTES (sizeof(test_routes) / sizeof(test_routes[0]))

static struct http_request request_new(const char *method, const char *path)
{
    struct http_request req;
    memset(&req, 0, sizeof(req));
    req.arena = arena_new();
    req.method = method;
    req.path = path;
    snprintf(req.request_id, sizeof(req.request_id), "00000000000000ab");
    err_clear(&req.err);
    return req;
}

TEST(route_match_fills_a_param_for_each_braced_segment)
{
    struct http_request req = request_new("GET", "/x");
    EXPECT(
        http_route_match("/api/v1/companies/{id}/restore", "/api/v1/companies/42/restore", &req));
    EXPECT_INT_EQ(req.n_params, 1);
    EXPECT_STR_EQ(req.params[0].name, "id");
    EXPECT_STR_EQ(req.params[0].value, "42");
    EXPECT_STR_EQ(http_path_param(&req, "id"), "42");
    EXPECT(http_path_param(&req, "other") == NULL);

    EXPECT(http_route_match("/a/{x}/b/{y}", "/a/1/b/two", &req));
    EXPECT_INT_EQ(req.n_params, 2);
    EXPECT_STR_EQ(http_path_param(&req, "x"), "1");
    EXPECT_STR_EQ(http_path_param(&req, "y"), "two");
    arena_free(req.arena);
}

TEST(route_match_requires_literal_segments_to_be_equal)
{
    EXPECT(http_route_match("/api/v1/companies", "/api/v1/companies", NULL));
    EXPECT(!http_route_match("/api/v1/companies", "/api/v1/company", NULL));
    EXPECT(!http_route_match("/api/v1/companies", "/api/v1/companiesx", NULL));
    EXPECT(!http_route_match("/api/v1/companies", "/api/v1/Companies", NULL));
    EXPECT(!http_route_match("/api/v1/companies", "/api/v1", NULL));
    EXPECT(!http_route_match("/api/v1", "/api/v1/companies", NULL));
    EXPECT(http_route_match("/", "/", NULL));
    EXPECT(!http_route_match("/", "", NULL));
    EXPECT(!http_route_match("/a", "a", NULL));
}

TEST(route_match_does_not_match_a_trailing_slash)
{
    EXPECT(!http_route_match("/api/v1/companies", "/api/v1/companies/", NULL));
    EXPECT(!http_route_match("/api/v1/companies/{id}", "/api/v1/companies/7/", NULL));
}

TEST(route_match_params_take_one_non_empty_segment)
{
    EXPECT(!http_route_match("/a/{id}", "/a/", NULL));
    EXPECT(!http_route_match("/a/{id}/b", "/a//b", NULL));
    EXPECT(!http_route_match("/a/{id}", "/a/1/2", NULL));
    EXPECT(http_route_match("/a/{id}", "/a/1.2-x", NULL));
}

TEST(route_match_refuses_more_params_than_a_request_holds)
{
    EXPECT(http_route_match("/{a}/{b}/{c}/{d}", "/1/2/3/4", NULL));
    EXPECT(!http_route_match("/{a}/{b}/{c}/{d}/{e}", "/1/2/3/4/5", NULL));
}

TEST(route_match_leaves_params_alone_when_it_fails)
{
    struct http_request req = request_new("GET", "/x");
    EXPECT(!http_route_match("/a/{id}/b", "/a/1/c", &req));
    EXPECT_INT_EQ(req.n_params, 0);
    arena_free(req.arena);
}

TEST(router_find_takes_the_first_route_that_matches_path_and_method)
{
    struct http_request req = request_new("GET", "/api/v1/companies/export");
    struct route_lookup lookup;
    http_router_find(test_routes, N_TEST_ROUTES, &req, &lookup);
    EXPECT_INT_EQ(lookup.rc, 0);
    EXPECT(lookup.route == &test_routes[2]);
    EXPECT_INT_EQ(req.n_params, 0);

    req.path = "/api/v1/companies/9";
    http_router_find(test_routes, N_TEST_ROUTES, &req, &lookup);
    EXPECT(lookup.route == &test_routes[3]);
    EXPECT_STR_EQ(http_path_param(&req, "id"), "9");
    arena_free(req.arena);
}

TEST(router_find_serves_head_with_get_routes)
{
    struct http_request req = request_new("HEAD", "/api/v1/companies");
    struct route_lookup lookup;
    http_router_find(test_routes, N_TEST_ROUTES, &req, &lookup);
    EXPECT_INT_EQ(lookup.rc, 0);
    EXPECT(lookup.route == &test_routes[0]);
    arena_free(req.arena);
}

TEST(router_find_answers_405_with_the_allowed_methods)
{
    struct http_request req = request_new("PATCH", "/api/v1/companies/9");
    struct route_lookup lookup;
    http_router_find(test_routes, N_TEST_ROUTES, &req, &lookup);
    EXPECT_INT_EQ(lookup.rc, -ERR_METHOD_NOT_ALLOWED);
    EXPECT(lookup.route == NULL);
    EXPECT_STR_EQ(lookup.allow, "GET, HEAD, DELETE");

    req.method = "GET";
    req.path = "/api/v1/companies/9/restore";
    http_router_find(test_routes, N_TEST_ROUTES, &req, &lookup);
    EXPECT_INT_EQ(lookup.rc, -ERR_METHOD_NOT_ALLOWED);
    EXPECT_STR_EQ(lookup.allow, "POST");
    arena_free(req.arena);
}

TEST(router_find_answers_404_when_no_pattern_matches)
{
    struct http_request req = request_new("GET", "/api/v1/nothing");
    struct route_lookup lookup;
    http_router_find(test_routes, N_TEST_ROUTES, &req, &lookup);
    EXPECT_INT_EQ(lookup.rc, -ERR_NOT_FOUND);
    EXPECT(lookup.route == NULL);
    EXPECT_STR_EQ(lookup.allow, "");
    arena_free(req.arena);
}

static const char *response_header(const struct http_response *res, const char *name)
{
    for (size_t i = 0; i < res->n_headers; i++) {
        if (strcmp(res->headers[i].name, name) == 0)
            return res->headers[i].value;
    }
    return NULL;
}

static void dispatch(const char *method, const char *path, struct http_request *req,
                     struct http_response *res)
{
    struct route_lookup lookup;
    *req = request_new(method, path);
    http_response_init(res);
    http_router_find(test_routes, N_TEST_ROUTES, req, &lookup);
    http_router_dispatch(&lookup, NULL, req, res);
}

static void dispatch_done(struct http_request *req, struct http_response *res)
{
    http_response_release(res);
    arena_free(req->arena);
}

TEST(router_dispatch_answers_405_problem_with_an_allow_header)
{
    struct http_request req;
    struct http_response res;
    dispatch("PUT", "/api/v1/companies", &req, &res);
    EXPECT_INT_EQ(res.status, 405);
    EXPECT_STR_EQ(res.content_type, "application/problem+json");
    EXPECT_STR_EQ(response_header(&res, "Allow"), "GET, HEAD, POST");
    EXPECT_CONTAINS(buf_cstr(&res.body), "\"type\":\"/problems/method-not-allowed\"");
    dispatch_done(&req, &res);
}

TEST(router_dispatch_answers_404_problem_for_an_unknown_path)
{
    struct http_request req;
    struct http_response res;
    dispatch("GET", "/api/v1/nope", &req, &res);
    EXPECT_INT_EQ(res.status, 404);
    EXPECT_CONTAINS(buf_cstr(&res.body), "\"status\":404");
    EXPECT_CONTAINS(buf_cstr(&res.body), "/api/v1/nope");
    dispatch_done(&req, &res);
}

TEST(router_dispatch_runs_the_handler)
{
    struct http_request req;
    struct http_response res;
    dispatch("DELETE", "/api/v1/companies/5", &req, &res);
    EXPECT_INT_EQ(res.status, 204);
    EXPECT_INT_EQ(res.body.len, 0);
    dispatch_done(&req, &res);
}

TEST(router_dispatch_renders_a_handler_error_and_drops_its_headers)
{
    struct http_request req;
    struct http_response res;
    dispatch("GET", "/api/v1/companies/export", &req, &res);
    EXPECT_INT_EQ(res.status, 409);
    EXPECT_INT_EQ(res.n_headers, 0);
    EXPECT_CONTAINS(buf_cstr(&res.body), "\"detail\":\"name already taken\"");
    dispatch_done(&req, &res);
}

TEST(router_dispatch_turns_an_unexplained_failure_into_500)
{
    struct http_request req;
    struct http_response res;
    log_set_level(LOG_ERROR + 1);
    dispatch("GET", "/api/v1/silent", &req, &res);
    EXPECT_INT_EQ(res.status, 500);
    EXPECT_CONTAINS(buf_cstr(&res.body), "/problems/internal");
    dispatch_done(&req, &res);
}

TEST(router_dispatch_keeps_internal_details_out_of_the_answer)
{
    struct http_request req;
    struct http_response res;
    log_set_level(LOG_ERROR + 1);
    dispatch("GET", "/api/v1/internal", &req, &res);
    EXPECT_INT_EQ(res.status, 500);
    EXPECT(strstr(buf_cstr(&res.body), "SQLITE") == NULL);
    EXPECT_CONTAINS(buf_cstr(&res.body), "00000000000000ab");
    dispatch_done(&req, &res);
}
