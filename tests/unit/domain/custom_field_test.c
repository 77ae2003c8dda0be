/*
 * Tests for src/domain/custom_field.c: the type table, definition checks on
 * create and on update, and single value checks (the record-level use of
 * custom values is in record_test.c).
 */
#include "domain/custom_field.h"

#include <stdio.h>

#include "domain_fixture.h"
#include "../test.h"

static int define(const char *body_text, const char *existing_type, json_t **clean, struct err *err)
{
    json_t *body = fixture_json(body_text);
    const struct custom_type *type = existing_type ? custom_type_find(existing_type) : NULL;
    if (existing_type != NULL)
        EXPECT(type != NULL);
    err_clear(err);
    int rc = custom_field_validate_definition(body, type, clean, err);
    json_decref(body);
    if (rc == 0)
        EXPECT(*clean != NULL);
    else
        EXPECT(*clean == NULL);
    return rc;
}

/* Expects the definition to fail with an error on `field` containing `part`. */
static void expect_definition_error(const char *body, const char *existing_type, const char *field,
                                    const char *part)
{
    json_t *clean;
    struct err err;
    int rc = define(body, existing_type, &clean, &err);
    const char *message = fixture_field_message(&err, field);
    if (rc != -ERR_VALIDATION || message == NULL || strstr(message, part) == NULL)
        test_fail(__FILE__, __LINE__, "%s: rc %d, error on %s \"%s\", wanted \"%s\"", body, rc,
                  field, message ? message : "(none)", part);
}

TEST(custom_type_table_holds_the_13_types)
{
    static const char *const names[] = {"text",  "textarea", "number", "integer", "money",
                                        "date",  "datetime", "bool",   "enum",    "multi_enum",
                                        "email", "phone",    "url"};
    EXPECT_INT_EQ(custom_type_count(), 13);
    for (size_t i = 0; i < 13; i++) {
        const struct custom_type *type = custom_type_find(names[i]);
        EXPECT(type != NULL);
        EXPECT(custom_type_at(i) == type);
        EXPECT_STR_EQ(type->name, names[i]);
    }
    EXPECT(custom_type_at(13) == NULL);
    EXPECT(custom_type_find("varchar") == NULL);
    EXPECT(custom_type_find("Text") == NULL);
    EXPECT_INT_EQ(custom_type_find("multi_enum")->type, FIELD_MULTI_ENUM);
    EXPECT_INT_EQ(custom_type_find("textarea")->type, FIELD_TEXT);
}

TEST(custom_fields_find_looks_up_by_name)
{
    const struct custom_field items[] = {
        {1, "companies", "region", "Region", custom_type_find("text"), NULL, false},
        {2, "companies", "tier", "Tier", custom_type_find("text"), NULL, false},
    };
    const struct custom_fields fields = {items, 2};
    EXPECT(custom_fields_find(&fields, "tier") == &items[1]);
    EXPECT(custom_fields_find(&fields, "Tier") == NULL);
    EXPECT(custom_fields_find(NULL, "tier") == NULL);
}

/* ---- definitions on create ---- */

TEST(custom_field_definition_on_create_defaults_the_label_to_the_name)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(
        define("{'entity': 'companies', 'name': 'region', 'type': 'text'}", NULL, &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{'entity': 'companies', 'name': 'region', 'type': 'text',"
                          " 'label': 'region'}");
    json_decref(clean);
}

TEST(custom_field_definition_on_create_keeps_every_writable_key)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(define("{'entity': 'contacts', 'name': 'tier_2', 'type': 'multi_enum',"
                         " 'label': 'Уровень', 'options': ['a', 'b'], 'required': true,"
                         " 'position': 3}",
                         NULL, &clean, &err),
                  0);
    EXPECT_JSON_EQ(clean, "{'entity': 'contacts', 'name': 'tier_2', 'type': 'multi_enum',"
                          " 'label': 'Уровень', 'options': ['a', 'b'], 'required': true,"
                          " 'position': 3}");
    json_decref(clean);
}

TEST(custom_field_definition_requires_entity_name_and_type_on_create)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(define("{}", NULL, &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "entity", "is required");
    EXPECT_FIELD_ERROR(&err, "name", "is required");
    EXPECT_FIELD_ERROR(&err, "type", "is required");
    EXPECT_INT_EQ(err.n_fields, 3);
}

TEST(custom_field_definition_rejects_a_body_that_is_not_an_object)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(define("'region'", NULL, &clean, &err), -ERR_BAD_REQUEST);
}

TEST(custom_field_definition_checks_the_name_pattern)
{
    static const char *const bad[] = {"",        "Region",  "1region", "_region",
                                      "re-gion", "re gion", "регион",  "region!"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char body[160];
        snprintf(body, sizeof(body), "{'entity': 'companies', 'name': '%s', 'type': 'text'}",
                 bad[i]);
        expect_definition_error(body, NULL, "name", "must start with a-z");
    }
    expect_definition_error("{'entity': 'companies', 'name': 5, 'type': 'text'}", NULL, "name",
                            "must start with a-z");

    char name[64];
    memset(name, 'a', CUSTOM_FIELD_NAME_MAX);
    name[CUSTOM_FIELD_NAME_MAX] = '\0';
    char body[160];
    snprintf(body, sizeof(body), "{'entity': 'companies', 'name': '%s', 'type': 'text'}", name);
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(define(body, NULL, &clean, &err), 0);
    json_decref(clean);
    snprintf(body, sizeof(body), "{'entity': 'companies', 'name': '%sa', 'type': 'text'}", name);
    expect_definition_error(body, NULL, "name", "at most 40 characters");
    EXPECT_INT_EQ(
        define("{'entity': 'companies', 'name': 'a_1_b', 'type': 'text'}", NULL, &clean, &err), 0);
    json_decref(clean);
}

TEST(custom_field_definition_accepts_only_companies_or_contacts)
{
    expect_definition_error("{'entity': 'deals', 'name': 'x', 'type': 'text'}", NULL, "entity",
                            "companies or contacts");
    expect_definition_error("{'entity': 'Companies', 'name': 'x', 'type': 'text'}", NULL, "entity",
                            "companies or contacts");
    expect_definition_error("{'entity': null, 'name': 'x', 'type': 'text'}", NULL, "entity",
                            "companies or contacts");
}

TEST(custom_field_definition_accepts_only_listed_types)
{
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'varchar'}", NULL, "type",
                            "must be one of text, textarea");
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 3}", NULL, "type",
                            "must be one of");
    for (size_t i = 0; i < custom_type_count(); i++) {
        const char *type = custom_type_at(i)->name;
        char body[200];
        bool is_enum = strcmp(type, "enum") == 0 || strcmp(type, "multi_enum") == 0;
        snprintf(body, sizeof(body), "{'entity': 'companies', 'name': 'x', 'type': '%s'%s}", type,
                 is_enum ? ", 'options': ['a']" : "");
        json_t *clean;
        struct err err;
        if (define(body, NULL, &clean, &err) != 0)
            test_fail(__FILE__, __LINE__, "type %s was rejected", type);
        EXPECT_STR_EQ(json_string_value(json_object_get(clean, "type")), type);
        json_decref(clean);
    }
}

TEST(custom_field_definition_requires_options_for_enum_types)
{
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'enum'}", NULL, "options",
                            "is required for enum fields");
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'multi_enum'}", NULL,
                            "options", "is required for enum fields");
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'enum', 'options': []}",
                            NULL, "options", "1 to 200 strings");
    expect_definition_error(
        "{'entity': 'companies', 'name': 'x', 'type': 'enum', 'options': 'a,b'}", NULL, "options",
        "1 to 200 strings");
}

TEST(custom_field_definition_forbids_options_for_other_types)
{
    expect_definition_error(
        "{'entity': 'companies', 'name': 'x', 'type': 'text', 'options': ['a']}", NULL, "options",
        "only enum and multi_enum");
    /* An empty list is the same as none. */
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(define("{'entity': 'companies', 'name': 'x', 'type': 'text', 'options': []}",
                         NULL, &clean, &err),
                  0);
    EXPECT(json_object_get(clean, "options") == NULL);
    json_decref(clean);
}

TEST(custom_field_definition_rejects_bad_and_duplicate_options)
{
    expect_definition_error(
        "{'entity': 'companies', 'name': 'x', 'type': 'enum', 'options': ['a', 'b', 'a']}", NULL,
        "options[2]", "listed twice");
    expect_definition_error(
        "{'entity': 'companies', 'name': 'x', 'type': 'enum', 'options': ['a', '']}", NULL,
        "options[1]", "non-empty string");
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'enum', 'options': [1]}",
                            NULL, "options[0]", "non-empty string");
    /* Options are case-sensitive: "A" and "a" are two values. */
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(define("{'entity': 'companies', 'name': 'x', 'type': 'enum',"
                         " 'options': ['A', 'a']}",
                         NULL, &clean, &err),
                  0);
    json_decref(clean);
}

TEST(custom_field_definition_rejects_more_than_200_options)
{
    json_t *body = json_pack("{s:s,s:s,s:s}", "entity", "companies", "name", "x", "type", "enum");
    json_t *options = json_array();
    for (int i = 0; i <= CUSTOM_FIELD_OPTIONS_MAX; i++) {
        char option[16];
        snprintf(option, sizeof(option), "o%d", i);
        json_array_append_new(options, json_string(option));
    }
    json_object_set_new(body, "options", options);
    json_t *clean;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(custom_field_validate_definition(body, NULL, &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "options", "1 to 200 strings");
    json_array_remove(options, 0);
    err_clear(&err);
    EXPECT_INT_EQ(custom_field_validate_definition(body, NULL, &clean, &err), 0);
    json_decref(clean);
    json_decref(body);
}

TEST(custom_field_definition_checks_label_required_and_position)
{
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'text', 'label': ''}",
                            NULL, "label", "non-empty string");
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'text', 'label': 4}",
                            NULL, "label", "non-empty string");
    expect_definition_error(
        "{'entity': 'companies', 'name': 'x', 'type': 'text', 'required': 'yes'}", NULL, "required",
        "true or false");
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'text', 'position': -1}",
                            NULL, "position", "0 to 10000");
    expect_definition_error(
        "{'entity': 'companies', 'name': 'x', 'type': 'text', 'position': 10001}", NULL, "position",
        "0 to 10000");

    /* A label of 100 Cyrillic letters (200 bytes) fits; 101 does not. */
    char label[512];
    size_t n = 0;
    for (int i = 0; i < 100; i++) {
        memcpy(label + n, "д", 2);
        n += 2;
    }
    label[n] = '\0';
    json_t *body = json_pack("{s:s,s:s,s:s,s:s}", "entity", "companies", "name", "x", "type",
                             "text", "label", label);
    json_t *clean;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(custom_field_validate_definition(body, NULL, &clean, &err), 0);
    json_decref(clean);
    json_decref(body);
    memcpy(label + n, "д", 3);
    body = json_pack("{s:s,s:s,s:s,s:s}", "entity", "companies", "name", "x", "type", "text",
                     "label", label);
    err_clear(&err);
    EXPECT_INT_EQ(custom_field_validate_definition(body, NULL, &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "label", "at most 100 characters");
    json_decref(body);
}

TEST(custom_field_definition_rejects_read_only_and_unknown_keys)
{
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'text', 'id': 5}", NULL,
                            "id", "read-only");
    expect_definition_error(
        "{'entity': 'companies', 'name': 'x', 'type': 'text', 'created_at': '2026-01-01'}", NULL,
        "created_at", "read-only");
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'text', 'version': 1}",
                            NULL, "version", "read-only");
    expect_definition_error("{'entity': 'companies', 'name': 'x', 'type': 'text', 'default': 'a'}",
                            NULL, "default", "unknown field");
}

/* ---- definitions on update ---- */

TEST(custom_field_definition_on_update_accepts_label_options_required_and_position)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(
        define("{'label': 'Регион', 'required': false, 'position': 0}", "text", &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{'label': 'Регион', 'required': false, 'position': 0}");
    json_decref(clean);
    EXPECT_INT_EQ(define("{'options': ['gold', 'silver', 'bronze']}", "enum", &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{'options': ['gold', 'silver', 'bronze']}");
    json_decref(clean);
    /* Options stay as they are when an update leaves them out. */
    EXPECT_INT_EQ(define("{'label': 'Tier'}", "enum", &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{'label': 'Tier'}");
    json_decref(clean);
    EXPECT_INT_EQ(define("{}", "text", &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{}");
    json_decref(clean);
}

TEST(custom_field_definition_on_update_cannot_change_entity_name_or_type)
{
    expect_definition_error("{'entity': 'contacts'}", "text", "entity", "cannot be changed");
    expect_definition_error("{'name': 'other'}", "text", "name", "cannot be changed");
    expect_definition_error("{'type': 'textarea'}", "text", "type", "cannot be changed");
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(define("{'type': 'text', 'name': 'x', 'label': 'X'}", "text", &clean, &err),
                  -ERR_VALIDATION);
    EXPECT_INT_EQ(err.n_fields, 2);
}

TEST(custom_field_definition_on_update_rejects_read_only_keys)
{
    expect_definition_error("{'id': 3, 'label': 'x'}", "text", "id", "read-only");
    expect_definition_error("{'updated_at': '2026-01-01T00:00:00Z'}", "text", "updated_at",
                            "read-only");
}

TEST(custom_field_definition_on_update_checks_options_against_the_existing_type)
{
    expect_definition_error("{'options': ['a']}", "text", "options", "only enum and multi_enum");
    expect_definition_error("{'options': ['a', 'a']}", "multi_enum", "options[1]", "listed twice");
    expect_definition_error("{'options': []}", "enum", "options", "1 to 200 strings");
}

TEST(custom_field_definition_frees_everything_it_allocates)
{
    fixture_count_json_allocations();
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(define("{'entity': 'companies', 'name': 'x', 'type': 'enum',"
                         " 'options': ['a', 'b'], 'required': true}",
                         NULL, &clean, &err),
                  0);
    json_decref(clean);
    EXPECT_INT_EQ(define("{'entity': 'x', 'name': 'X', 'type': 'enum', 'options': ['a', 'a', ''],"
                         " 'id': 1, 'label': ''}",
                         NULL, &clean, &err),
                  -ERR_VALIDATION);
    EXPECT_INT_EQ(fixture_live_json_allocations(), 0);
}

/* ---- single values ---- */

TEST(custom_value_validate_accepts_null_even_when_required)
{
    const struct custom_field field = {
        1, "companies", "region", "Region", custom_type_find("text"), NULL, true};
    json_t *value = json_null();
    json_t *clean;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(custom_value_validate(&field, value, "custom.region", &clean, &err), 0);
    EXPECT(json_is_null(clean));
    json_decref(clean);
}

TEST(custom_value_validate_names_the_path_it_is_given)
{
    const struct custom_field field = {
        1, "contacts", "score", "Score", custom_type_find("number"), NULL, false};
    json_t *value = json_string("high");
    json_t *clean = (json_t *)1;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(custom_value_validate(&field, value, "custom.score", &clean, &err),
                  -ERR_VALIDATION);
    EXPECT(clean == NULL);
    EXPECT_FIELD_ERROR(&err, "custom.score", "must be a number");
    json_decref(value);
}

TEST(custom_value_validate_formats_money_with_the_currency_exponent)
{
    static const char *const cases[][3] = {{"12", "JPY", "12"},
                                           {"12", "EUR", "12.00"},
                                           {"1.5", "KWD", "1.500"},
                                           {"-0.07", "RUB", "-0.07"}};
    const struct custom_field field = {
        1, "companies", "budget", "Budget", custom_type_find("money"), NULL, false};
    for (size_t i = 0; i < 4; i++) {
        json_t *value = json_pack("{s:s,s:s}", "amount", cases[i][0], "currency", cases[i][1]);
        json_t *clean;
        struct err err;
        err_clear(&err);
        EXPECT_INT_EQ(custom_value_validate(&field, value, "custom.budget", &clean, &err), 0);
        EXPECT_STR_EQ(json_string_value(json_object_get(clean, "amount")), cases[i][2]);
        EXPECT_STR_EQ(json_string_value(json_object_get(clean, "currency")), cases[i][1]);
        json_decref(clean);
        json_decref(value);
    }
}

TEST(custom_value_validate_allows_new_lines_in_textarea_but_not_in_text)
{
    const struct custom_field text = {1,    "companies", "a", "A", custom_type_find("text"),
                                      NULL, false};
    const struct custom_field textarea = {2,    "companies", "b", "B", custom_type_find("textarea"),
                                          NULL, false};
    json_t *value = json_string("line 1\nline 2\ttab");
    json_t *clean;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(custom_value_validate(&textarea, value, "custom.b", &clean, &err), 0);
    json_decref(clean);
    EXPECT_INT_EQ(custom_value_validate(&text, value, "custom.a", &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "custom.a", "control characters");
    json_decref(value);
}
