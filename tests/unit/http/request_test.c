/*
 * Tests for src/http/request.c: the JSON nesting pre-scan, JSON bodies
 * (content type, emptiness, depth, syntax, duplicate keys), percent-decoding
 * and the accessors outside a server.
 */
#include "http/http.h"

#include "base/arena.h"
#include "../test.h"

static struct http_request request_with_body(const char *body, size_t max_json_depth)
{
    struct http_request req;
    memset(&req, 0, sizeof(req));
    req.arena = arena_new();
    req.method = "POST";
    req.path = "/api/v1/things";
    req.body = body;
    req.body_len = strlen(body);
    req.max_json_depth = max_json_depth;
    err_clear(&req.err);
    return req;
}

static size_t depth_of(const char *json)
{
    return http_json_depth(json, strlen(json));
}

TEST(json_depth_counts_nesting_of_arrays_and_objects)
{
    EXPECT_INT_EQ(depth_of(""), 0);
    EXPECT_INT_EQ(depth_of("42"), 0);
    EXPECT_INT_EQ(depth_of("[]"), 1);
    EXPECT_INT_EQ(depth_of("{\"a\":[1,{\"b\":[]}]}"), 4);
    EXPECT_INT_EQ(depth_of("[[],[],[[]]]"), 3);
    EXPECT_INT_EQ(depth_of("[[[[[[[[[[]]]]]]]]]]"), 10);
}

TEST(json_depth_ignores_brackets_inside_strings)
{
    EXPECT_INT_EQ(depth_of("[\"[[[{{{\"]"), 1);
    EXPECT_INT_EQ(depth_of("{\"a\\\"[[[\":\"\\\\\"}"), 1);
    EXPECT_INT_EQ(depth_of("[\"\\\\\",[\"]\"]]"), 2);
}

TEST(json_depth_survives_unbalanced_input)
{
    EXPECT_INT_EQ(depth_of("]]]]["), 1);
    EXPECT_INT_EQ(depth_of("[[[\""), 3);
    EXPECT_INT_EQ(http_json_depth("[[\0[[", 5), 4);
}

TEST(request_json_parses_an_object_and_frees_it_with_the_arena)
{
    struct http_request req = request_with_body("{\"name\":\"Acme\",\"tags\":[\"a\"]}", 8);
    json_t *value = NULL;
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/json", &value), 0);
    EXPECT(json_is_object(value));
    EXPECT_STR_EQ(json_string_value(json_object_get(value, "name")), "Acme");
    arena_free(req.arena);
}

TEST(request_json_accepts_the_type_in_any_case_and_with_parameters)
{
    struct http_request req = request_with_body("[1]", 8);
    json_t *value = NULL;
    EXPECT_INT_EQ(http_request_parse_json(&req, "Application/JSON", &value), 0);
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/json; charset=utf-8", &value), 0);
    EXPECT_INT_EQ(http_request_parse_json(&req, " application/json;charset=UTF-8", &value), 0);
    arena_free(req.arena);
}

TEST(request_json_answers_415_for_other_content_types)
{
    struct http_request req = request_with_body("{}", 8);
    json_t *value = NULL;
    EXPECT_INT_EQ(http_request_parse_json(&req, "text/plain", &value), -ERR_UNSUPPORTED_MEDIA_TYPE);
    EXPECT(value == NULL);
    EXPECT_INT_EQ(err_http_status(req.err.code), 415);
    EXPECT_INT_EQ(http_request_parse_json(&req, NULL, &value), -ERR_UNSUPPORTED_MEDIA_TYPE);
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/jsonp", &value),
                  -ERR_UNSUPPORTED_MEDIA_TYPE);
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/x-www-form-urlencoded", &value),
                  -ERR_UNSUPPORTED_MEDIA_TYPE);
    arena_free(req.arena);
}

TEST(request_json_answers_400_for_an_empty_body)
{
    struct http_request req = request_with_body("", 8);
    json_t *value = NULL;
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/json", &value), -ERR_BAD_JSON);
    EXPECT_INT_EQ(err_http_status(req.err.code), 400);
    EXPECT_CONTAINS(req.err.detail, "empty");
    arena_free(req.arena);
}

TEST(request_json_answers_400_for_nesting_past_the_limit)
{
    struct http_request req = request_with_body("{\"a\":[[{\"b\":[]}]]}", 4);
    json_t *value = NULL;
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/json", &value), -ERR_BAD_JSON);
    EXPECT_CONTAINS(req.err.detail, "deeper than 4");
    req.max_json_depth = 5;
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/json", &value), 0);
    arena_free(req.arena);
}

TEST(request_json_reports_the_position_of_a_syntax_error)
{
    struct http_request req = request_with_body("{\n  \"a\": 1,\n  \"b\": }", 8);
    json_t *value = NULL;
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/json", &value), -ERR_BAD_JSON);
    EXPECT_CONTAINS(req.err.detail, "line 3 column ");
    EXPECT(value == NULL);
    arena_free(req.arena);
}

TEST(request_json_rejects_duplicate_keys_scalars_and_bad_utf8)
{
    json_t *value = NULL;
    struct http_request req = request_with_body("{\"a\":1,\"a\":2}", 8);
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/json", &value), -ERR_BAD_JSON);
    EXPECT_CONTAINS(req.err.detail, "duplicate");
    arena_free(req.arena);

    req = request_with_body("42", 8);
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/json", &value), -ERR_BAD_JSON);
    arena_free(req.arena);

    req = request_with_body("[\"\xc3\x28\"]", 8);
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/json", &value), -ERR_BAD_JSON);
    arena_free(req.arena);

    req = request_with_body("[1] [2]", 8);
    EXPECT_INT_EQ(http_request_parse_json(&req, "application/json", &value), -ERR_BAD_JSON);
    arena_free(req.arena);
}

TEST(request_accessors_outside_a_server_find_nothing)
{
    struct http_request req = request_with_body("{}", 8);
    json_t *value = NULL;
    EXPECT(http_query(&req, "q") == NULL);
    EXPECT(http_header(&req, "Content-Type") == NULL);
    EXPECT(http_request_route(&req) == NULL);
    EXPECT_INT_EQ(http_request_json(&req, &value), -ERR_UNSUPPORTED_MEDIA_TYPE);
    arena_free(req.arena);
}

static const char *decoded(char *s)
{
    size_t len = http_url_decode(s);
    EXPECT_INT_EQ(len, strlen(s));
    return s;
}

TEST(url_decode_decodes_escapes_and_keeps_nul_and_malformed_ones)
{
    char a[] = "/a%20b%2Fc%41";
    EXPECT_STR_EQ(decoded(a), "/a b/cA");
    char b[] = "x%00y";
    EXPECT_STR_EQ(decoded(b), "x%00y");
    char c[] = "%zz%4%";
    EXPECT_STR_EQ(decoded(c), "%zz%4%");
    char d[] = "a+b%e2%82%ac";
    EXPECT_STR_EQ(decoded(d), "a+b\xe2\x82\xac");
    char e[] = "";
    EXPECT_STR_EQ(decoded(e), "");
}

TEST(http_form_parse_reads_an_html_form_body_into_strings)
{
    json_t *form = NULL;
    const char *body = "name=Anna+Maria&email=anna%40example.com&city=%D0%9C%D0%BE%D1%81%D0%BA"
                       "%D0%B2%D0%B0&empty=&flag";
    EXPECT_INT_EQ(http_form_parse(body, strlen(body), &form), 0);
    EXPECT_STR_EQ(json_string_value(json_object_get(form, "name")), "Anna Maria");
    EXPECT_STR_EQ(json_string_value(json_object_get(form, "email")), "anna@example.com");
    EXPECT_STR_EQ(json_string_value(json_object_get(form, "city")), "Москва");
    EXPECT_STR_EQ(json_string_value(json_object_get(form, "empty")), "");
    EXPECT_STR_EQ(json_string_value(json_object_get(form, "flag")), "");
    json_decref(form);
    EXPECT_INT_EQ(http_form_parse("", 0, &form), 0);
    EXPECT_INT_EQ(json_object_size(form), 0);
    json_decref(form);
}

TEST(http_form_parse_refuses_twice_given_empty_and_non_utf8_names)
{
    json_t *form = (json_t *)1;
    EXPECT_INT_EQ(http_form_parse("a=1&a=2", 7, &form), -ERR_BAD_REQUEST);
    EXPECT(form == NULL);
    EXPECT_INT_EQ(http_form_parse("=1", 2, &form), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(http_form_parse("a=%FF", 5, &form), -ERR_BAD_REQUEST);
    char many[HTTP_FORM_MAX_FIELDS * 8];
    size_t len = 0;
    for (int i = 0; i <= HTTP_FORM_MAX_FIELDS; i++)
        len += (size_t)snprintf(many + len, sizeof(many) - len, "f%d=&", i);
    EXPECT_INT_EQ(http_form_parse(many, len, &form), -ERR_BAD_REQUEST);
}
