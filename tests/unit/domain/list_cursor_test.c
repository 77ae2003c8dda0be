/*
 * Tests for src/domain/list_cursor.c: cursors round-trip their sort keys and
 * decoding rejects anything not made by list_cursor_encode for the same sort.
 */
#include "domain/list_cursor.h"

#include <sodium.h>

#include "base/arena.h"
#include "domain_fixture.h"
#include "../test.h"

/* Encodes values for sort, decodes the result and expects the same values back. */
static void expect_round_trip(const char *sort, const char *values_text)
{
    struct arena *arena = arena_new();
    json_t *values = fixture_json(values_text);
    char *text = list_cursor_encode(arena, sort, values);
    EXPECT(text != NULL);
    for (const char *p = text; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            test_fail(__FILE__, __LINE__, "cursor %s is not URL-safe base64", text);
    }
    json_t *decoded = NULL;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(
        list_cursor_decode(text, strlen(text), sort, json_array_size(values), &decoded, &err), 0);
    EXPECT_JSON_EQ(decoded, values_text);
    json_decref(decoded);
    json_decref(values);
    arena_free(arena);
}

/* base64url (no padding) of raw text, in the arena: a hand-made cursor. */
static char *raw_cursor(struct arena *arena, const char *raw)
{
    size_t len = strlen(raw);
    size_t out_len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(arena, out_len);
    sodium_bin2base64(out, out_len, (const unsigned char *)raw, len,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

static int decode(const char *text, const char *sort, size_t n_keys, struct err *err)
{
    json_t *values = (json_t *)1;
    err_clear(err);
    int rc = list_cursor_decode(text, strlen(text), sort, n_keys, &values, err);
    if (rc == 0)
        json_decref(values);
    else
        EXPECT(values == NULL);
    return rc;
}

static int decode_raw(const char *raw, const char *sort, size_t n_keys, struct err *err)
{
    struct arena *arena = arena_new();
    int rc = decode(raw_cursor(arena, raw), sort, n_keys, err);
    arena_free(arena);
    return rc;
}

TEST(list_cursor_round_trips_strings_integers_reals_and_null)
{
    expect_round_trip("-name,id", "['Acme', 42]");
    expect_round_trip("-amount,id", "[1234.5, 7]");
    expect_round_trip("industry,id", "[null, 9007199254740993]");
    expect_round_trip("id", "[1]");
    expect_round_trip("a,b,c,id", "['x', -3, 0.25, 5]");
    expect_round_trip("name,id", "['', 1]");
}

TEST(list_cursor_round_trips_cyrillic_and_special_characters)
{
    expect_round_trip("-name,id", "['Ромашка «ООО» — Москва', 3]");
    expect_round_trip("name,id", "['a\\\"b\\\\c/d?e&f=g,h', 4]");
    expect_round_trip("custom.region,id", "['日本 🎌', 5]");
}

TEST(list_cursor_decode_rejects_a_cursor_made_for_another_sort)
{
    struct arena *arena = arena_new();
    json_t *values = fixture_json("['Acme', 42]");
    char *text = list_cursor_encode(arena, "-name,id", values);
    struct err err;
    EXPECT_INT_EQ(decode(text, "name,id", 2, &err), -ERR_BAD_CURSOR);
    EXPECT_INT_EQ(err.code, ERR_BAD_CURSOR);
    EXPECT_CONTAINS(err.detail, "another sort");
    EXPECT_INT_EQ(decode(text, "-name", 2, &err), -ERR_BAD_CURSOR);
    json_decref(values);
    arena_free(arena);
}

TEST(list_cursor_decode_rejects_the_wrong_number_of_keys)
{
    struct arena *arena = arena_new();
    json_t *values = fixture_json("['Acme', 42]");
    char *text = list_cursor_encode(arena, "-name", values);
    struct err err;
    EXPECT_INT_EQ(decode(text, "-name", 1, &err), -ERR_BAD_CURSOR);
    EXPECT_INT_EQ(decode(text, "-name", 3, &err), -ERR_BAD_CURSOR);
    EXPECT_INT_EQ(decode(text, "-name", 2, &err), 0);
    json_decref(values);
    arena_free(arena);
}

TEST(list_cursor_decode_rejects_text_that_is_not_base64url)
{
    struct err err;
    EXPECT_INT_EQ(decode("!!!not base64!!!", "id", 1, &err), -ERR_BAD_CURSOR);
    EXPECT_CONTAINS(err.detail, "base64url");
    /* The standard alphabet's + and / and padding are not base64url without padding. */
    EXPECT_INT_EQ(decode("eyJzIjoiaWQiLCJrIjpbMV19+/", "id", 1, &err), -ERR_BAD_CURSOR);
    EXPECT_INT_EQ(decode("eyJzIjoiaWQiLCJrIjpbMV19==", "id", 1, &err), -ERR_BAD_CURSOR);
    EXPECT_INT_EQ(decode("eyJzIjoiaWQiLCJrIjpbMV19 ", "id", 1, &err), -ERR_BAD_CURSOR);
}

TEST(list_cursor_decode_rejects_base64_of_anything_but_a_cursor_object)
{
    static const char *const raws[] = {
        "hello",
        "[1]",
        "{\"k\": [1]}",
        "{\"s\": \"id\"}",
        "{\"s\": 5, \"k\": [1]}",
        "{\"s\": \"id\", \"k\": 1}",
        "{\"s\": \"id\", \"k\": [1]",
        "{\"s\": \"id\", \"k\": [1], \"s\": \"name\"}",
        "\"id\"",
    };
    struct err err;
    for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
        if (decode_raw(raws[i], "id", 1, &err) != -ERR_BAD_CURSOR)
            test_fail(__FILE__, __LINE__, "accepted %s", raws[i]);
    }
    EXPECT_INT_EQ(decode_raw("{\"s\": \"id\", \"k\": [1]}", "id", 1, &err), 0);
}

TEST(list_cursor_decode_rejects_values_that_are_not_scalars)
{
    struct err err;
    EXPECT_INT_EQ(decode_raw("{\"s\": \"a,id\", \"k\": [[1], 2]}", "a,id", 2, &err),
                  -ERR_BAD_CURSOR);
    EXPECT_CONTAINS(err.detail, "malformed");
    EXPECT_INT_EQ(decode_raw("{\"s\": \"a,id\", \"k\": [{\"x\": 1}, 2]}", "a,id", 2, &err),
                  -ERR_BAD_CURSOR);
    EXPECT_INT_EQ(decode_raw("{\"s\": \"a,id\", \"k\": [\"x\", []]}", "a,id", 2, &err),
                  -ERR_BAD_CURSOR);
}

TEST(list_cursor_decode_rejects_empty_and_too_long_text)
{
    struct err err;
    EXPECT_INT_EQ(decode("", "id", 1, &err), -ERR_BAD_CURSOR);
    EXPECT_CONTAINS(err.detail, "empty or too long");

    /* A well-formed cursor just over the limit is refused by its length alone. */
    struct arena *arena = arena_new();
    char name[2048];
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    json_t *values = json_pack("[s,i]", name, 1);
    char *text = list_cursor_encode(arena, "name,id", values);
    EXPECT(strlen(text) > LIST_CURSOR_MAX_CHARS);
    EXPECT_INT_EQ(decode(text, "name,id", 2, &err), -ERR_BAD_CURSOR);
    EXPECT_CONTAINS(err.detail, "empty or too long");
    json_decref(values);

    /* One at the limit decodes. */
    size_t overhead = strlen("{\"s\":\"name,id\",\"k\":[\"\",1]}");
    size_t fill = LIST_CURSOR_MAX_CHARS / 4 * 3 - overhead;
    name[fill] = '\0';
    values = json_pack("[s,i]", name, 1);
    text = list_cursor_encode(arena, "name,id", values);
    EXPECT_INT_EQ(strlen(text), LIST_CURSOR_MAX_CHARS);
    EXPECT_INT_EQ(decode(text, "name,id", 2, &err), 0);
    json_decref(values);
    arena_free(arena);
}

TEST(list_cursor_decode_reads_only_the_given_length)
{
    struct arena *arena = arena_new();
    json_t *values = fixture_json("[7]");
    char *text = list_cursor_encode(arena, "id", values);
    char *padded = arena_printf(arena, "%sXYZ", text);
    json_t *decoded = NULL;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(list_cursor_decode(padded, strlen(text), "id", 1, &decoded, &err), 0);
    EXPECT_JSON_EQ(decoded, "[7]");
    json_decref(decoded);
    json_decref(values);
    arena_free(arena);
}
