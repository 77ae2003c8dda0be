/*
 * Tests for src/http/response.c: JSON bodies, headers, RFC 9457 problem
 * details with and without field errors, and who releases a streamed body.
 */
#include "http/http.h"

#include "../test.h"

static json_t *body_json(const struct http_response *res)
{
    json_error_t jerr;
    json_t *value = json_loadb(res->body.data, res->body.len, 0, &jerr);
    if (value == NULL)
        test_fail(__FILE__, __LINE__, "body is not JSON: %s (%s)", jerr.text, buf_cstr(&res->body));
    return value;
}

TEST(problem_lists_field_errors_with_type_title_status_and_detail)
{
    struct http_response res;
    struct err err;
    http_response_init(&res);
    err_clear(&err);
    err_set(&err, ERR_VALIDATION, "2 fields are invalid");
    err_field(&err, "email", "is not an e-mail address");
    err_field(&err, "amount.currency", "unknown currency \"XXX\"");

    http_respond_problem(&res, &err);
    EXPECT_INT_EQ(res.status, 422);
    EXPECT_STR_EQ(res.content_type, "application/problem+json");
    json_t *problem = body_json(&res);
    EXPECT_STR_EQ(json_string_value(json_object_get(problem, "type")), "/problems/validation");
    EXPECT_STR_EQ(json_string_value(json_object_get(problem, "title")), err_title(ERR_VALIDATION));
    EXPECT_INT_EQ(json_integer_value(json_object_get(problem, "status")), 422);
    EXPECT_STR_EQ(json_string_value(json_object_get(problem, "detail")), "2 fields are invalid");
    json_t *errors = json_object_get(problem, "errors");
    EXPECT_INT_EQ(json_array_size(errors), 2);
    EXPECT_STR_EQ(json_string_value(json_object_get(json_array_get(errors, 1), "field")),
                  "amount.currency");
    EXPECT_STR_EQ(json_string_value(json_object_get(json_array_get(errors, 1), "message")),
                  "unknown currency \"XXX\"");
    json_decref(problem);
    http_response_release(&res);
}

TEST(problem_without_fields_has_no_errors_member)
{
    struct http_response res;
    struct err err;
    http_response_init(&res);
    err_clear(&err);
    err_set(&err, ERR_NOT_FOUND, "No company 7");
    http_respond_problem(&res, &err);
    EXPECT_INT_EQ(res.status, 404);
    EXPECT_STR_EQ(buf_cstr(&res.body), "{\"type\":\"/problems/not-found\",\"title\":\"Not found\","
                                       "\"status\":404,\"detail\":\"No company 7\"}");
    http_response_release(&res);
}

TEST(problem_without_detail_has_no_detail_member)
{
    struct http_response res;
    struct err err;
    http_response_init(&res);
    err_clear(&err);
    err.code = ERR_FORBIDDEN;
    http_respond_problem(&res, &err);
    EXPECT_INT_EQ(res.status, 403);
    EXPECT(strstr(buf_cstr(&res.body), "detail") == NULL);
    http_response_release(&res);
}

TEST(problem_for_err_ok_is_an_internal_error)
{
    struct http_response res;
    struct err err;
    http_response_init(&res);
    err_clear(&err);
    http_respond_problem(&res, &err);
    EXPECT_INT_EQ(res.status, 500);
    EXPECT_CONTAINS(buf_cstr(&res.body), "\"type\":\"/problems/internal\"");
    http_response_release(&res);
}

TEST(problem_replaces_invalid_utf8_in_the_detail)
{
    struct http_response res;
    struct err err;
    http_response_init(&res);
    err_clear(&err);
    err_set(&err, ERR_BAD_REQUEST, "bad \xff name \xd0\x98");
    http_respond_problem(&res, &err);
    EXPECT_INT_EQ(res.status, 400);
    json_t *problem = body_json(&res);
    EXPECT_STR_EQ(json_string_value(json_object_get(problem, "detail")), "bad ? name \xd0\x98");
    json_decref(problem);
    http_response_release(&res);
}

TEST(respond_json_writes_compact_json_with_the_status)
{
    struct http_response res;
    http_response_init(&res);
    json_t *value = json_pack("{s:i, s:[s]}", "id", 7, "tags", "vip");
    EXPECT_INT_EQ(http_respond_json(&res, 201, value), 0);
    EXPECT_INT_EQ(res.status, 201);
    EXPECT_STR_EQ(res.content_type, "application/json");
    EXPECT_STR_EQ(buf_cstr(&res.body), "{\"id\":7,\"tags\":[\"vip\"]}");
    json_decref(value);
    http_response_release(&res);
}

TEST(respond_json_fails_past_the_body_cap)
{
    struct http_response res;
    http_response_init(&res);
    res.body.max_bytes = 8;
    json_t *value = json_pack("{s:s}", "name", "longer than eight bytes");
    EXPECT_INT_EQ(http_respond_json(&res, 200, value), -ERR_INTERNAL);
    EXPECT_INT_EQ(res.body.len, 0);
    json_decref(value);
    http_response_release(&res);
}

TEST(response_headers_and_empty_bodies)
{
    struct http_response res;
    http_response_init(&res);
    EXPECT_INT_EQ(res.status, 200);
    http_response_header(&res, "Location", "/api/v1/companies/7");
    EXPECT_INT_EQ(res.n_headers, 1);
    EXPECT_STR_EQ(res.headers[0].name, "Location");
    EXPECT_INT_EQ(buf_append_str(&res.body, "x"), 0);
    http_respond_empty(&res, 204);
    EXPECT_INT_EQ(res.status, 204);
    EXPECT_INT_EQ(res.body.len, 0);
    EXPECT(res.content_type == NULL);
    http_response_release(&res);
}

static int released_streams;

static int never_read(void *ctx, uint64_t pos, char *buf, size_t cap, size_t *n_read)
{
    (void)ctx;
    (void)pos;
    (void)buf;
    (void)cap;
    *n_read = 0;
    return 0;
}

static void count_release(void *ctx)
{
    (void)ctx;
    released_streams++;
}

TEST(stream_response_keeps_the_stream_until_released_once)
{
    struct http_response res;
    http_response_init(&res);
    released_streams = 0;
    struct http_stream stream = {never_read, count_release, NULL, 10};
    http_respond_stream(&res, 200, "text/csv", &stream);
    EXPECT_INT_EQ(res.status, 200);
    EXPECT_STR_EQ(res.content_type, "text/csv");
    EXPECT(res.stream.read == never_read);
    EXPECT_INT_EQ(released_streams, 0);
    http_response_release(&res);
    EXPECT_INT_EQ(released_streams, 1);
    EXPECT(res.stream.read == NULL);
    http_response_release(&res);
    EXPECT_INT_EQ(released_streams, 1);
}

TEST(stream_response_gives_way_to_a_json_answer_and_releases_the_stream)
{
    struct http_response res;
    struct err err;
    http_response_init(&res);
    err_clear(&err);
    released_streams = 0;
    struct http_stream stream = {never_read, count_release, NULL, -1};
    http_respond_stream(&res, 200, "text/csv", &stream);
    err_set(&err, ERR_CONFLICT, "not ready");
    http_respond_problem(&res, &err);
    EXPECT_INT_EQ(released_streams, 1);
    EXPECT(res.stream.read == NULL);
    EXPECT_INT_EQ(res.status, 409);
    http_response_release(&res);
    EXPECT_INT_EQ(released_streams, 1);
}
