/*
 * Tests for filter_eval(): every fixture case on the fixture records (the
 * same cases the SQLite test runs, so eval and SQL agree), and the record
 * shapes the API produces: numbers as decimal strings, money objects,
 * relations as an object or an array, missing keys.
 */
#include "query/filter.h"

#include <string.h>

#include "../test.h"
#include "base/arena.h"
#include "base/buf.h"
#include "filter_fixture.h"

static bool eval_on(struct arena *arena, const char *filter, const char *record_json,
                    const struct filter_context *ctx)
{
    json_error_t jerr;
    struct err err;
    bool result = false;

    json_t *record = json_loads(record_json, JSON_DECODE_ANY, &jerr);
    if (record == NULL)
        test_fail(__FILE__, __LINE__, "record JSON: %s", jerr.text);
    struct filter_node *node = fixture_parse(arena, filter);
    EXPECT_INT_EQ(filter_eval(node, &fixture_contacts, record, ctx, &result, &err), 0);
    json_decref(record);
    return result;
}

static bool eval(struct arena *arena, const char *filter, const char *record_json)
{
    struct filter_context ctx = fixture_context();
    return eval_on(arena, filter, record_json, &ctx);
}

static const char *eval_ids(struct arena *arena, const json_t *records, const char *filter,
                            const struct filter_context *ctx)
{
    struct err err;
    struct buf ids;
    struct filter_node *node = fixture_parse(arena, filter);

    buf_init(&ids, 4096);
    for (size_t i = 0; i < json_array_size(records); i++) {
        const json_t *record = json_array_get(records, i);
        bool result = false;
        EXPECT_INT_EQ(filter_eval(node, &fixture_contacts, record, ctx, &result, &err), 0);
        if (!result)
            continue;
        if (ids.len > 0)
            EXPECT_INT_EQ(buf_putc(&ids, ','), 0);
        EXPECT_INT_EQ(
            buf_printf(&ids, "%lld", (long long)json_integer_value(json_object_get(record, "id"))),
            0);
    }
    const char *out = arena_strdup(arena, buf_cstr(&ids));
    buf_release(&ids);
    return out;
}

TEST(filter_eval_selects_the_same_records_as_the_sql)
{
    struct arena *arena = arena_new();
    struct filter_context ctx = fixture_context();
    json_error_t jerr;
    int failures = 0;

    json_t *records = json_loads(fixture_contacts_json, 0, &jerr);
    if (records == NULL)
        test_fail(__FILE__, __LINE__, "contacts JSON: %s", jerr.text);
    for (size_t i = 0; i < fixture_n_cases; i++) {
        const char *got = eval_ids(arena, records, fixture_cases[i].filter, &ctx);
        if (strcmp(got, fixture_cases[i].ids) != 0) {
            fprintf(stderr, "  %s\n    got:  \"%s\"\n    want: \"%s\"\n", fixture_cases[i].filter,
                    got, fixture_cases[i].ids);
            failures++;
        }
    }
    EXPECT_INT_EQ(failures, 0);

    /* me() when nobody is signed in, as in the SQL test. */
    ctx.user_id = 0;
    EXPECT_STR_EQ(eval_ids(arena, records, "owner_id = me()", &ctx), "");
    EXPECT_STR_EQ(eval_ids(arena, records, "owner_id != me()", &ctx), "1,2,3,4,5");
    EXPECT_STR_EQ(eval_ids(arena, records, "owner_id in (me(), 8)", &ctx), "2");
    EXPECT_STR_EQ(eval_ids(arena, records, "owner_id not in (me(), 8)", &ctx), "1,3,4,5");
    json_decref(records);
    arena_free(arena);
}

TEST(filter_eval_compares_numbers_in_any_api_shape)
{
    struct arena *arena = arena_new();
    EXPECT(eval(arena, "amount >= 10.5",
                "{\"amount\": {\"amount\": \"10.50\", \"currency\": \"EUR\"}}"));
    EXPECT(!eval(arena, "amount > 10.5", "{\"amount\": {\"amount\": \"10.50\"}}"));
    EXPECT(eval(arena, "amount = 10.5", "{\"amount\": \"10.50\"}"));
    EXPECT(eval(arena, "amount = 10", "{\"amount\": 10.0}"));
    EXPECT(eval(arena, "score < 0", "{\"score\": \"-0.01\"}"));
    EXPECT(eval(arena, "id = 9007199254740993", "{\"id\": 9007199254740993}"));
    EXPECT(!eval(arena, "id = 9007199254740992", "{\"id\": 9007199254740993}"));
    EXPECT(eval(arena, "custom.rating >= 2", "{\"custom\": {\"rating\": \"2\"}}"));
    /* Not a number: only "!=" holds. */
    EXPECT(!eval(arena, "score = 1", "{\"score\": \"1e3\"}"));
    EXPECT(!eval(arena, "score < 1", "{\"score\": \"abc\"}"));
    EXPECT(eval(arena, "score != 1", "{\"score\": \"abc\"}"));
    EXPECT(!eval(arena, "score > 1", "{\"score\": \".5\"}"));
    arena_free(arena);
}

TEST(filter_eval_treats_missing_and_null_values_alike)
{
    struct arena *arena = arena_new();
    EXPECT(eval(arena, "name is null", "{}"));
    EXPECT(eval(arena, "name is null", "{\"name\": null}"));
    EXPECT(!eval(arena, "name = 'x'", "{}"));
    EXPECT(eval(arena, "name != 'x'", "{}"));
    EXPECT(!eval(arena, "name contains ''", "{}"));
    EXPECT(eval(arena, "stage not in ('a')", "{}"));
    EXPECT(!eval(arena, "birthday = today", "{}"));
    EXPECT(eval(arena, "birthday != today", "{}"));
    EXPECT(eval(arena, "custom.region is null", "{\"custom\": null}"));
    EXPECT(eval(arena, "custom.region is null", "{\"custom\": \"oops\"}"));
    EXPECT(eval(arena, "tags is null", "{\"tags\": [null]}"));
    EXPECT(!eval(arena, "company.name is null", "{}"));
    /* A record that is not even an object has no fields. */
    EXPECT(eval(arena, "name is null", "[1, 2]"));
    EXPECT(!eval(arena, "company.name = 'x'", "\"text\""));
    arena_free(arena);
}

TEST(filter_eval_matches_text_ignoring_ascii_case_only)
{
    struct arena *arena = arena_new();
    EXPECT(eval(arena, "name contains 'SMI'", "{\"name\": \"Anna Smith\"}"));
    EXPECT(eval(arena, "name starts with 'anna s'", "{\"name\": \"Anna Smith\"}"));
    EXPECT(!eval(arena, "name starts with 'Anna Smith!'", "{\"name\": \"Anna Smith\"}"));
    EXPECT(eval(arena, "name = 'Anna Smith'", "{\"name\": \"Anna Smith\"}"));
    EXPECT(!eval(arena, "name = 'anna smith'", "{\"name\": \"Anna Smith\"}"));
    EXPECT(eval(arena, "name contains 'Петр'", "{\"name\": \"Борис Петров\"}"));
    /* Like SQLite's lower(), Cyrillic case is not folded. */
    EXPECT(!eval(arena, "name contains 'петр'", "{\"name\": \"Борис Петров\"}"));
    EXPECT(!eval(arena, "name contains 'x'", "{\"name\": 12}"));
    arena_free(arena);
}

TEST(filter_eval_normalises_date_times_before_comparing)
{
    struct arena *arena = arena_new();
    EXPECT(eval(arena, "created_at = today", "{\"created_at\": \"2026-03-18T23:30:00+00:00\"}"));
    EXPECT(!eval(arena, "created_at = today", "{\"created_at\": \"2026-03-18T23:30:00-01:00\"}"));
    EXPECT(eval(arena, "created_at = '2026-03-18T10:00:00Z'",
                "{\"created_at\": \"2026-03-18T13:00:00+03:00\"}"));
    EXPECT(eval(arena, "created_at > '2026-03-18T10:00Z'",
                "{\"created_at\": \"2026-03-18T10:00:00.001Z\"}"));
    arena_free(arena);
}

TEST(filter_eval_follows_relations_as_object_or_array)
{
    struct arena *arena = arena_new();
    EXPECT(eval(arena, "company.name = 'Acme'", "{\"company\": {\"name\": \"Acme\"}}"));
    EXPECT(!eval(arena, "company.name = 'Acme'",
                 "{\"company\": {\"name\": \"Acme\", \"deleted_at\": \"2026-01-01T00:00:00Z\"}}"));
    EXPECT(eval(arena, "companies.name = 'B'",
                "{\"companies\": [{\"name\": \"A\"}, 5, {\"name\": \"B\"}]}"));
    EXPECT(!eval(arena, "companies.name = 'C'", "{\"companies\": [{\"name\": \"A\"}]}"));
    EXPECT(!eval(arena, "companies.name != 'C'", "{\"companies\": []}"));
    EXPECT(eval(arena, "companies.custom.tier = 'gold'",
                "{\"companies\": [{\"custom\": {\"tier\": \"gold\"}}]}"));
    arena_free(arena);
}

TEST(filter_eval_reads_booleans_and_lists)
{
    struct arena *arena = arena_new();
    EXPECT(eval(arena, "active = true", "{\"active\": true}"));
    EXPECT(eval(arena, "active = true", "{\"active\": 1}"));
    EXPECT(!eval(arena, "active = true", "{\"active\": \"true\"}"));
    EXPECT(eval(arena, "active != true", "{\"active\": \"true\"}"));
    EXPECT(eval(arena, "custom.vip = false", "{\"custom\": {\"vip\": false}}"));
    EXPECT(eval(arena, "tags = 'a'", "{\"tags\": [1, \"a\"]}"));
    EXPECT(eval(arena, "tags = 'a'", "{\"tags\": \"a\"}"));
    EXPECT(!eval(arena, "tags = 'a'", "{\"tags\": {\"a\": 1}}"));
    EXPECT(eval(arena, "custom.hobbies in ('x', 'y')", "{\"custom\": {\"hobbies\": [\"y\"]}}"));
    arena_free(arena);
}
