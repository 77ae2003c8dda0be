/*
 * Tests for src/api/body.c: the allow-list of body keys, text, e-mail and
 * id checks that report every problem as a field error, and the
 * {"field":[old,new]} changes kept by the audit log.
 */
#include "api/body.h"

#include <string.h>

#include "base/arena.h"
#include "http/http.h"
#include "../test.h"

static struct http_request request_new(void)
{
    struct http_request req;
    memset(&req, 0, sizeof(req));
    req.arena = arena_new();
    err_clear(&req.err);
    return req;
}

static json_t *json(const char *text)
{
    json_t *value = json_loads(text, JSON_DECODE_ANY, NULL);
    EXPECT(value != NULL);
    return value;
}

static const char *const keys[] = {"name", "email"};

TEST(body_check_keys_names_each_unknown_key)
{
    struct http_request req = request_new();
    json_t *body = json("{\"name\": \"A\", \"role\": \"x\", \"admin\": true}");
    EXPECT_INT_EQ(body_check_keys(&req, body, keys, 2), 0);
    EXPECT(body_failed(&req));
    EXPECT_INT_EQ(req.err.code, ERR_VALIDATION);
    EXPECT_INT_EQ(req.err.n_fields, 2);
    EXPECT(strcmp(req.err.fields[0].field, "role") == 0 ||
           strcmp(req.err.fields[1].field, "role") == 0);
    json_decref(body);
    arena_free(req.arena);
}

TEST(body_check_keys_refuses_a_body_that_is_not_an_object)
{
    struct http_request req = request_new();
    json_t *body = json("[1]");
    EXPECT_INT_EQ(body_check_keys(&req, body, keys, 2), -ERR_BAD_REQUEST);
    json_decref(body);
    arena_free(req.arena);
}

TEST(body_check_keys_accepts_listed_keys)
{
    struct http_request req = request_new();
    json_t *body = json("{\"name\": \"A\", \"email\": \"a@b.c\"}");
    EXPECT_INT_EQ(body_check_keys(&req, body, keys, 2), 0);
    EXPECT(!body_failed(&req));
    json_decref(body);
    arena_free(req.arena);
}

TEST(body_text_trims_and_counts_characters_not_bytes)
{
    struct http_request req = request_new();
    json_t *value = json("\"  \xc3\xa9t\xc3\xa9  \"");
    EXPECT_STR_EQ(body_text(&req, value, "name", 3), "\xc3\xa9t\xc3\xa9");
    EXPECT(!body_failed(&req));
    EXPECT(body_text(&req, value, "name", 2) == NULL);
    EXPECT_STR_EQ(req.err.fields[0].field, "name");
    EXPECT_CONTAINS(req.err.fields[0].message, "at most 2");
    json_decref(value);
    arena_free(req.arena);
}

TEST(body_text_refuses_missing_empty_non_string_and_control_characters)
{
    struct http_request req = request_new();
    json_t *blank = json("\"   \"");
    json_t *number = json("3");
    json_t *tab = json("\"a\\tb\"");
    EXPECT(body_text(&req, NULL, "a", 10) == NULL);
    EXPECT(body_text(&req, blank, "b", 10) == NULL);
    EXPECT(body_text(&req, number, "c", 10) == NULL);
    EXPECT(body_text(&req, tab, "d", 10) == NULL);
    EXPECT_INT_EQ(req.err.n_fields, 4);
    EXPECT_CONTAINS(req.err.fields[0].message, "required");
    EXPECT_CONTAINS(req.err.fields[1].message, "empty");
    EXPECT_CONTAINS(req.err.fields[2].message, "string");
    EXPECT_CONTAINS(req.err.fields[3].message, "control");
    json_decref(blank);
    json_decref(number);
    json_decref(tab);
    arena_free(req.arena);
}

TEST(body_email_lower_cases_and_checks_the_address)
{
    struct http_request req = request_new();
    json_t *good = json("\" Ann.Lee@Example.COM \"");
    json_t *bad = json("\"not an address\"");
    EXPECT_STR_EQ(body_email(&req, good, "email"), "ann.lee@example.com");
    EXPECT(!body_failed(&req));
    EXPECT(body_email(&req, bad, "email") == NULL);
    EXPECT_STR_EQ(req.err.fields[0].field, "email");
    json_decref(good);
    json_decref(bad);
    arena_free(req.arena);
}

TEST(body_id_or_null_takes_positive_integers_and_null)
{
    struct http_request req = request_new();
    json_t *seven = json("7");
    json_t *zero = json("0");
    json_t *text = json("\"7\"");
    int64_t id = -1;
    EXPECT(body_id_or_null(&req, seven, "team_id", &id));
    EXPECT_INT_EQ(id, 7);
    EXPECT(body_id_or_null(&req, json_null(), "team_id", &id));
    EXPECT_INT_EQ(id, 0);
    EXPECT(!body_failed(&req));
    EXPECT(!body_id_or_null(&req, zero, "team_id", &id));
    EXPECT(!body_id_or_null(&req, text, "team_id", &id));
    EXPECT_INT_EQ(req.err.n_fields, 2);
    json_decref(seven);
    json_decref(zero);
    json_decref(text);
    arena_free(req.arena);
}

static const char *const user_keys[] = {"email", "name", "role", "team_id"};

TEST(body_changes_lists_fields_that_differ_as_old_and_new)
{
    json_t *before = json("{\"email\": \"a@b.c\", \"name\": \"A\", \"role\": \"manager\","
                          " \"team_id\": null, \"version\": 1}");
    json_t *after = json("{\"email\": \"a@b.c\", \"name\": \"B\", \"role\": \"manager\","
                         " \"team_id\": 3, \"version\": 2}");
    json_t *changes = body_changes(before, after, user_keys, 4);
    char *text = json_dumps(changes, JSON_SORT_KEYS | JSON_COMPACT);
    EXPECT_STR_EQ(text, "{\"name\":[\"A\",\"B\"],\"team_id\":[null,3]}");
    free(text);
    json_decref(changes);
    EXPECT(body_changes(after, after, user_keys, 4) == NULL);
    json_decref(before);
    json_decref(after);
}

TEST(body_changes_of_a_create_leaves_out_null_values)
{
    json_t *after = json("{\"email\": \"a@b.c\", \"name\": \"A\", \"role\": \"admin\","
                         " \"team_id\": null}");
    json_t *changes = body_changes(NULL, after, user_keys, 4);
    char *text = json_dumps(changes, JSON_SORT_KEYS | JSON_COMPACT);
    EXPECT_STR_EQ(text,
                  "{\"email\":[null,\"a@b.c\"],\"name\":[null,\"A\"],\"role\":[null,\"admin\"]}");
    free(text);
    json_decref(changes);
    json_decref(after);
}
