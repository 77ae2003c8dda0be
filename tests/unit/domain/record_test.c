/*
 * Tests for src/domain/record.c: record_validate on company and contact
 * bodies (normalisation, every error path, custom values), the filter
 * schema, sort keys, projections and the e-mail / phone / URL validators.
 */
#include "domain/record.h"

#include <stdio.h>

#include "base/arena.h"
#include "domain_fixture.h"
#include "../test.h"

/* One custom field of each of the 13 types, none required. */
static struct custom_field all_types[13];
static struct custom_fields all_custom = {all_types, 13};

static void custom_setup(void)
{
    static const char *const defs[][2] = {
        {"region", "text"},         {"notes", "textarea"},      {"score", "number"},
        {"employees", "integer"},   {"budget", "money"},        {"founded", "date"},
        {"last_call", "datetime"},  {"active", "bool"},         {"tier", "enum"},
        {"channels", "multi_enum"}, {"billing_email", "email"}, {"hotline", "phone"},
        {"portal", "url"},
    };
    for (size_t i = 0; i < 13; i++) {
        const struct custom_type *type = custom_type_find(defs[i][1]);
        EXPECT(type != NULL);
        json_t *options = NULL;
        if (strcmp(defs[i][1], "enum") == 0)
            options = fixture_json("['gold','silver']");
        else if (strcmp(defs[i][1], "multi_enum") == 0)
            options = fixture_json("['email','phone','web']");
        all_types[i] = (struct custom_field){.id = (int64_t)i + 1,
                                             .entity = "companies",
                                             .name = defs[i][0],
                                             .label = defs[i][0],
                                             .type = type,
                                             .options = options};
    }
}

static void custom_teardown(void)
{
    for (size_t i = 0; i < 13; i++)
        json_decref(all_types[i].options);
}

/* A single required text field "region". */
static const struct custom_field required_region_items[] = {
    {1, "companies", "region", "Region", NULL, NULL, true},
};

static struct custom_fields required_region(struct custom_field *copy)
{
    *copy = required_region_items[0];
    copy->type = custom_type_find("text");
    return (struct custom_fields){copy, 1};
}

/* record_validate on JSON bodies; existing may be NULL (create). */
static int validate_json(const struct entity *entity, const struct custom_fields *custom,
                         const json_t *body, const char *existing_text, json_t **changes,
                         struct err *err)
{
    struct arena *arena = arena_new();
    json_t *existing = existing_text ? fixture_json(existing_text) : NULL;
    err_clear(err);
    int rc = record_validate(arena, entity, custom, body, existing, changes, err);
    json_decref(existing);
    arena_free(arena);
    if (rc == 0)
        EXPECT(*changes != NULL);
    else
        EXPECT(*changes == NULL);
    return rc;
}

static int validate(const struct entity *entity, const struct custom_fields *custom,
                    const char *body_text, const char *existing_text, json_t **changes,
                    struct err *err)
{
    json_t *body = fixture_json(body_text);
    int rc = validate_json(entity, custom, body, existing_text, changes, err);
    json_decref(body);
    return rc;
}

/* Expects a company body to fail with one error on `field` whose message contains `part`. */
static void expect_company_error(const char *body, const char *field, const char *part)
{
    json_t *changes;
    struct err err;
    int rc = validate(&entity_companies, NULL, body, NULL, &changes, &err);
    if (rc != -ERR_VALIDATION)
        test_fail(__FILE__, __LINE__, "%s: rc %d, wanted a validation error", body, rc);
    const char *message = fixture_field_message(&err, field);
    if (message == NULL || strstr(message, part) == NULL)
        test_fail(__FILE__, __LINE__,
                  "%s: error on %s is \"%s\", wanted \"%s\" (%zu errors, first %s)", body, field,
                  message ? message : "(none)", part, err.n_fields,
                  err.n_fields ? err.fields[0].field : "-");
}

static void expect_contact_error(const char *body, const char *field, const char *part)
{
    json_t *changes;
    struct err err;
    int rc = validate(&entity_contacts, NULL, body, NULL, &changes, &err);
    if (rc != -ERR_VALIDATION)
        test_fail(__FILE__, __LINE__, "%s: rc %d, wanted a validation error", body, rc);
    const char *message = fixture_field_message(&err, field);
    if (message == NULL || strstr(message, part) == NULL)
        test_fail(__FILE__, __LINE__, "%s: error on %s is \"%s\", wanted \"%s\"", body, field,
                  message ? message : "(none)", part);
}

/* ---- valid bodies and normalisation ---- */

TEST(record_validate_normalises_a_company_with_every_field_valid)
{
    json_t *changes;
    struct err err;
    int rc =
        validate(&entity_companies, NULL,
                 "{'name': '  Acme  ', 'industry': ' Software ', 'size': '11-50',"
                 " 'website': 'acme.com', 'phones': ['+7 495 123-45-67', ' +7 495 123-45-67 '],"
                 " 'emails': ['Info@Acme.com', 'info@acme.com', 'sales@acme.com'],"
                 " 'address': 'Moscow,\\nTverskaya 1', 'parent_id': 3,"
                 " 'tags': ['VIP', 'vip', ' b2b ']}",
                 NULL, &changes, &err);
    EXPECT_INT_EQ(rc, 0);
    EXPECT_JSON_EQ(changes, "{'name': 'Acme', 'industry': 'Software', 'size': '11-50',"
                            " 'website': 'https://acme.com', 'phones': ['+7 495 123-45-67'],"
                            " 'emails': ['Info@Acme.com', 'sales@acme.com'],"
                            " 'address': 'Moscow,\\nTverskaya 1', 'parent_id': 3,"
                            " 'tags': ['VIP', 'b2b']}");
    json_decref(changes);
}

TEST(record_validate_normalises_a_contact_with_every_field_valid)
{
    json_t *changes;
    struct err err;
    int rc = validate(&entity_contacts, NULL,
                      "{'first_name': ' Иван ', 'last_name': 'Петров', 'emails': ['ivan@mail.ru'],"
                      " 'phones': ['+7 (916) 000-00-00'], 'birthday': '1990-02-28',"
                      " 'position': ' CTO ', 'company_ids': [1, 2, 2],"
                      " 'interests': ['chess'], 'skills': ['C', 'c', 'SQL'],"
                      " 'social': {'telegram': ' @ivan ', 'vk': ''},"
                      " 'photo_url': 'https://cdn.example.com/p.jpg', 'source': '', 'tags': []}",
                      NULL, &changes, &err);
    EXPECT_INT_EQ(rc, 0);
    EXPECT_JSON_EQ(changes, "{'first_name': 'Иван', 'last_name': 'Петров',"
                            " 'emails': ['ivan@mail.ru'], 'phones': ['+7 (916) 000-00-00'],"
                            " 'birthday': '1990-02-28', 'position': 'CTO',"
                            " 'company_ids': [{'id': 1, 'role': null}, {'id': 2, 'role': null}],"
                            " 'interests': ['chess'], 'skills': ['C', 'SQL'],"
                            " 'social': {'telegram': '@ivan'},"
                            " 'photo_url': 'https://cdn.example.com/p.jpg', 'source': null,"
                            " 'tags': []}");
    json_decref(changes);
}

TEST(record_validate_adds_https_to_a_bare_website_only)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, NULL, "{'website': 'acme.com/about?x=1'}", "{}",
                           &changes, &err),
                  0);
    EXPECT_JSON_EQ(changes, "{'website': 'https://acme.com/about?x=1'}");
    json_decref(changes);
    EXPECT_INT_EQ(
        validate(&entity_companies, NULL, "{'website': ' http://acme.com '}", "{}", &changes, &err),
        0);
    EXPECT_JSON_EQ(changes, "{'website': 'http://acme.com'}");
    json_decref(changes);
}

TEST(record_validate_turns_empty_and_blank_text_into_null)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, NULL,
                           "{'industry': '', 'address': '   ', 'website': '', 'size': null,"
                           " 'parent_id': null, 'tags': null}",
                           "{'name': 'Acme'}", &changes, &err),
                  0);
    EXPECT_JSON_EQ(changes, "{'industry': null, 'address': null, 'website': null, 'size': null,"
                            " 'parent_id': null, 'tags': []}");
    json_decref(changes);
}

TEST(record_validate_removes_duplicate_list_items_ignoring_case)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(
        validate(&entity_contacts, NULL,
                 "{'first_name': 'A', 'emails': ['A@X.RU', 'a@x.ru', ' a@x.ru', 'b@x.ru'],"
                 " 'tags': ['Ёж', 'ёж', 'VIP', 'Vip']}",
                 NULL, &changes, &err),
        0);
    /* strcasecmp folds ASCII only: Cyrillic case variants stay apart. */
    EXPECT_JSON_EQ(json_object_get(changes, "emails"), "['A@X.RU', 'b@x.ru']");
    EXPECT_JSON_EQ(json_object_get(changes, "tags"), "['Ёж', 'ёж', 'VIP']");
    json_decref(changes);
}

TEST(record_validate_canonicalises_a_custom_datetime_to_utc)
{
    custom_setup();
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, &all_custom,
                           "{'name': 'Acme', 'custom': {'last_call': '2026-11-23T10:00:00+03:00'}}",
                           NULL, &changes, &err),
                  0);
    EXPECT_JSON_EQ(json_object_get(changes, "custom"), "{'last_call': '2026-11-23T07:00:00.000Z'}");
    json_decref(changes);
    custom_teardown();
}

TEST(record_validate_keeps_links_given_as_objects_with_trimmed_roles)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_contacts, NULL,
                           "{'companies': [{'id': 1, 'role': ' Buyer '},"
                           " {'id': 2, 'name': 'Acme', 'role': null}, {'id': 1}]}",
                           "{'first_name': 'Ivan'}", &changes, &err),
                  0);
    EXPECT_JSON_EQ(changes, "{'companies': [{'id': 1, 'role': 'Buyer'}, {'id': 2, 'role': null}]}");
    json_decref(changes);
}

TEST(record_validate_accepts_an_update_that_leaves_out_the_required_name)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, NULL, "{'industry': 'Retail'}",
                           "{'name': 'Acme', 'industry': null}", &changes, &err),
                  0);
    EXPECT_JSON_EQ(changes, "{'industry': 'Retail'}");
    json_decref(changes);
}

TEST(record_validate_accepts_lists_of_exactly_50_items)
{
    json_t *body = json_pack("{s:s}", "name", "Acme");
    json_t *tags = json_array();
    for (int i = 0; i < ENTITY_LIST_MAX_ITEMS; i++) {
        char tag[16];
        snprintf(tag, sizeof(tag), "t%d", i);
        json_array_append_new(tags, json_string(tag));
    }
    json_object_set_new(body, "tags", tags);
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate_json(&entity_companies, NULL, body, NULL, &changes, &err), 0);
    EXPECT_INT_EQ(json_array_size(json_object_get(changes, "tags")), ENTITY_LIST_MAX_ITEMS);
    json_decref(changes);
    json_decref(body);
}

/* ---- error paths, each naming its field ---- */

TEST(record_validate_rejects_a_body_that_is_not_an_object)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, NULL, "['name']", NULL, &changes, &err),
                  -ERR_BAD_REQUEST);
}

TEST(record_validate_rejects_an_unknown_field)
{
    expect_company_error("{'name': 'Acme', 'nmae': 'x'}", "nmae", "unknown field");
    expect_company_error("{'name': 'Acme', 'first_name': 'x'}", "first_name", "unknown field");
    expect_contact_error("{'first_name': 'A', 'industry': 'x'}", "industry", "unknown field");
    /* Companies have no links, so the expanded key is unknown too. */
    expect_company_error("{'name': 'Acme', 'companies': []}", "companies", "unknown field");
}

TEST(record_validate_rejects_read_only_fields)
{
    static const char *const fields[] = {"id",         "version",  "created_at", "updated_at",
                                         "deleted_at", "owner_id", "created_by"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        char body[128];
        snprintf(body, sizeof(body), "{'name': 'Acme', '%s': 1}", fields[i]);
        expect_company_error(body, fields[i], "read-only");
    }
}

TEST(record_validate_rejects_name_on_contacts_as_read_only)
{
    expect_contact_error("{'first_name': 'Ivan', 'name': 'Ivan Petrov'}", "name", "read-only");
}

TEST(record_validate_rejects_values_of_the_wrong_type)
{
    expect_company_error("{'name': 5}", "name", "must be a string");
    expect_company_error("{'name': 'Acme', 'industry': ['x']}", "industry", "must be a string");
    expect_company_error("{'name': 'Acme', 'tags': 'vip'}", "tags", "list of strings");
    expect_company_error("{'name': 'Acme', 'emails': {'a': 'b'}}", "emails", "list of strings");
    expect_company_error("{'name': 'Acme', 'tags': ['ok', 7]}", "tags[1]", "must be a string");
    expect_company_error("{'name': 'Acme', 'size': 10}", "size", "allowed values");
    expect_company_error("{'name': 'Acme', 'parent_id': '3'}", "parent_id", "positive integer");
    expect_company_error("{'name': 'Acme', 'parent_id': 3.5}", "parent_id", "positive integer");
    expect_company_error("{'name': 'Acme', 'website': true}", "website", "must be a string");
    expect_company_error("{'name': 'Acme', 'custom': []}", "custom", "must be an object");
    expect_contact_error("{'first_name': 'A', 'social': 'ivan'}", "social", "object of strings");
    expect_contact_error("{'first_name': 'A', 'social': {'vk': 1}}", "social.vk",
                         "must be a string");
    expect_contact_error("{'first_name': 'A', 'company_ids': 1}", "company_ids", "list");
    expect_contact_error("{'first_name': 'A', 'companies': [1]}", "companies[0]", "object");
}

TEST(record_validate_counts_text_length_in_code_points_not_bytes)
{
    /* 200 Cyrillic letters are 400 bytes and fit the 200-character company name. */
    char name[1024];
    size_t n = 0;
    for (int i = 0; i < 200; i++) {
        memcpy(name + n, "Ж", 2);
        n += 2;
    }
    name[n] = '\0';
    json_t *body = json_pack("{s:s}", "name", name);
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate_json(&entity_companies, NULL, body, NULL, &changes, &err), 0);
    EXPECT_STR_EQ(json_string_value(json_object_get(changes, "name")), name);
    json_decref(changes);
    json_decref(body);

    memcpy(name + n, "Ж", 3); /* with its terminating NUL */
    body = json_pack("{s:s}", "name", name);
    EXPECT_INT_EQ(validate_json(&entity_companies, NULL, body, NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "name", "at most 200 characters");
    json_decref(body);
}

TEST(record_validate_checks_length_after_trimming)
{
    char name[256];
    memset(name, 'a', 200);
    name[200] = '\0';
    char padded[300];
    snprintf(padded, sizeof(padded), "   %s   ", name);
    json_t *body = json_pack("{s:s}", "name", padded);
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate_json(&entity_companies, NULL, body, NULL, &changes, &err), 0);
    json_decref(changes);
    json_decref(body);
}

TEST(record_validate_rejects_control_characters)
{
    expect_company_error("{'name': 'Acme\\u0001'}", "name", "control characters");
    expect_company_error("{'name': 'Acme', 'industry': 'IT\\u007f'}", "industry",
                         "control characters");
    expect_company_error("{'name': 'Acme', 'tags': ['a\\nb']}", "tags[0]", "control characters");
    expect_company_error("{'name': 'Acme', 'website': 'https://a.com/\\u001b'}", "website",
                         "control characters");
    expect_contact_error("{'first_name': 'A', 'social': {'vk': 'a\\u0002'}}", "social.vk",
                         "control characters");
}

TEST(record_validate_rejects_a_bad_email_phone_url_or_date)
{
    expect_company_error("{'name': 'Acme', 'emails': ['ok@acme.com', 'not-an-email']}", "emails[1]",
                         "e-mail");
    expect_company_error("{'name': 'Acme', 'phones': ['call me']}", "phones[0]", "phone");
    expect_company_error("{'name': 'Acme', 'website': 'ftp://acme.com'}", "website", "URL");
    expect_company_error("{'name': 'Acme', 'website': 'not a url'}", "website", "URL");
    expect_company_error("{'name': 'Acme', 'website': 'localhost'}", "website", "URL");
    expect_contact_error("{'first_name': 'A', 'photo_url': 'javascript:alert(1)'}", "photo_url",
                         "URL");
    expect_contact_error("{'first_name': 'A', 'birthday': '1990-02-30'}", "birthday", "date");
    expect_contact_error("{'first_name': 'A', 'birthday': '28.02.1990'}", "birthday", "date");
}

TEST(record_validate_rejects_a_list_of_more_than_50_items)
{
    json_t *body = json_pack("{s:s}", "name", "Acme");
    json_t *phones = json_array();
    for (int i = 0; i <= ENTITY_LIST_MAX_ITEMS; i++) {
        char phone[32];
        snprintf(phone, sizeof(phone), "+7 900 000-%04d", i);
        json_array_append_new(phones, json_string(phone));
    }
    json_object_set_new(body, "phones", phones);
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate_json(&entity_companies, NULL, body, NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "phones", "at most 50 items");
    json_decref(body);
}

TEST(record_validate_rejects_an_empty_list_item)
{
    expect_company_error("{'name': 'Acme', 'tags': ['a', '']}", "tags[1]", "must not be empty");
    expect_company_error("{'name': 'Acme', 'emails': ['  ']}", "emails[0]", "must not be empty");
}

TEST(record_validate_rejects_a_value_outside_the_enum)
{
    expect_company_error("{'name': 'Acme', 'size': 'huge'}", "size", "allowed values");
    expect_company_error("{'name': 'Acme', 'size': '1-10 '}", "size", "allowed values");
}

TEST(record_validate_rejects_links_given_both_as_ids_and_as_objects)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_contacts, NULL,
                           "{'first_name': 'A', 'company_ids': [1], 'companies': [{'id': 2}]}",
                           NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "companies", "not both");
}

TEST(record_validate_rejects_link_objects_with_unknown_keys)
{
    expect_contact_error("{'first_name': 'A', 'companies': [{'id': 1, 'since': 2020}]}",
                         "companies[0]", "unknown key 'since'");
}

TEST(record_validate_rejects_a_link_role_that_is_too_long)
{
    char body[512];
    char role[128];
    memset(role, 'r', 101);
    role[101] = '\0';
    snprintf(body, sizeof(body), "{'first_name': 'A', 'companies': [{'id': 1, 'role': '%s'}]}",
             role);
    expect_contact_error(body, "companies[0]", "at most 100 characters");
}

TEST(record_validate_rejects_ids_that_are_not_positive)
{
    expect_company_error("{'name': 'Acme', 'parent_id': 0}", "parent_id", "positive integer");
    expect_company_error("{'name': 'Acme', 'parent_id': -4}", "parent_id", "positive integer");
    expect_contact_error("{'first_name': 'A', 'company_ids': [1, 0]}", "company_ids[1]",
                         "positive integer");
    expect_contact_error("{'first_name': 'A', 'company_ids': [-2]}", "company_ids[0]",
                         "positive integer");
    expect_contact_error("{'first_name': 'A', 'company_ids': ['3']}", "company_ids[0]",
                         "positive integer");
    expect_contact_error("{'first_name': 'A', 'companies': [{'role': 'x'}]}", "companies[0]",
                         "positive integer");
    expect_contact_error("{'first_name': 'A', 'companies': [{'id': 0}]}", "companies[0]",
                         "positive integer");
}

TEST(record_validate_requires_a_name_to_create_a_company)
{
    expect_company_error("{}", "name", "is required");
    expect_company_error("{'industry': 'IT'}", "name", "is required");
    expect_company_error("{'name': ''}", "name", "is required");
    expect_company_error("{'name': '   '}", "name", "is required");
    expect_company_error("{'name': null}", "name", "is required");
}

TEST(record_validate_rejects_an_update_that_empties_the_company_name)
{
    static const char *const bodies[] = {"{'name': ''}", "{'name': '  '}", "{'name': null}"};
    for (size_t i = 0; i < 3; i++) {
        json_t *changes;
        struct err err;
        EXPECT_INT_EQ(
            validate(&entity_companies, NULL, bodies[i], "{'name': 'Acme'}", &changes, &err),
            -ERR_VALIDATION);
        EXPECT_FIELD_ERROR(&err, "name", "is required");
        EXPECT_INT_EQ(err.n_fields, 1);
    }
}

TEST(record_validate_requires_a_first_or_last_name_for_a_contact)
{
    expect_contact_error("{}", "last_name", "first or last name");
    expect_contact_error("{'first_name': '', 'last_name': '  '}", "last_name",
                         "first or last name");
    expect_contact_error("{'first_name': null, 'position': 'CTO'}", "last_name",
                         "first or last name");
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_contacts, NULL, "{'last_name': 'Petrov'}", NULL, &changes, &err),
                  0);
    json_decref(changes);
}

TEST(record_validate_rejects_a_contact_update_that_clears_the_only_name)
{
    static const char *const bodies[] = {"{'first_name': ''}", "{'first_name': null}",
                                         "{'first_name': ' '}"};
    for (size_t i = 0; i < 3; i++) {
        json_t *changes;
        struct err err;
        EXPECT_INT_EQ(validate(&entity_contacts, NULL, bodies[i],
                               "{'first_name': 'Ivan', 'last_name': null}", &changes, &err),
                      -ERR_VALIDATION);
        EXPECT_FIELD_ERROR(&err, "last_name", "first or last name");
    }
}

TEST(record_validate_accepts_a_contact_update_that_keeps_one_name)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_contacts, NULL, "{'first_name': ''}",
                           "{'first_name': 'Ivan', 'last_name': 'Petrov'}", &changes, &err),
                  0);
    EXPECT_JSON_EQ(changes, "{'first_name': null}");
    json_decref(changes);
}

TEST(record_validate_reports_every_error_at_once)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(
        validate(&entity_companies, NULL,
                 "{'id': 4, 'size': 'huge', 'website': 'x y', 'emails': ['a', 'b@c.d', 'e'],"
                 " 'colour': 'red'}",
                 NULL, &changes, &err),
        -ERR_VALIDATION);
    EXPECT_INT_EQ(err.code, ERR_VALIDATION);
    EXPECT_INT_EQ(err.n_fields, 7);
    EXPECT_FIELD_ERROR(&err, "id", "read-only");
    EXPECT_FIELD_ERROR(&err, "size", "allowed values");
    EXPECT_FIELD_ERROR(&err, "website", "URL");
    EXPECT_FIELD_ERROR(&err, "emails[0]", "e-mail");
    EXPECT_NO_FIELD_ERROR(&err, "emails[1]");
    EXPECT_FIELD_ERROR(&err, "emails[2]", "e-mail");
    EXPECT_FIELD_ERROR(&err, "colour", "unknown field");
    EXPECT_FIELD_ERROR(&err, "name", "is required");
}

/* ---- custom values ---- */

TEST(record_validate_rejects_an_unknown_custom_field)
{
    custom_setup();
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, &all_custom,
                           "{'name': 'Acme', 'custom': {'regoin': 'north'}}", NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "custom.regoin", "unknown field");
    /* Without any definitions every custom key is unknown. */
    EXPECT_INT_EQ(validate(&entity_companies, NULL, "{'name': 'Acme', 'custom': {'region': 'n'}}",
                           NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "custom.region", "unknown field");
    custom_teardown();
}

TEST(record_validate_accepts_a_good_value_of_each_custom_type)
{
    custom_setup();
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(
        validate(&entity_companies, &all_custom,
                 "{'name': 'Acme', 'custom': {'region': 'Север', 'notes': 'line 1\\nline 2',"
                 " 'score': 4.5, 'employees': 120,"
                 " 'budget': {'amount': '10.5', 'currency': 'EUR'},"
                 " 'founded': '2020-02-29', 'last_call': '2026-11-23T10:00Z',"
                 " 'active': false, 'tier': 'gold', 'channels': ['web', 'email', 'web'],"
                 " 'billing_email': 'billing@acme.com', 'hotline': '+7 800 555-35-35',"
                 " 'portal': 'https://portal.acme.com'}}",
                 NULL, &changes, &err),
        0);
    EXPECT_JSON_EQ(json_object_get(changes, "custom"),
                   "{'region': 'Север', 'notes': 'line 1\\nline 2', 'score': 4.5,"
                   " 'employees': 120, 'budget': {'amount': '10.50', 'currency': 'EUR'},"
                   " 'founded': '2020-02-29', 'last_call': '2026-11-23T10:00:00.000Z',"
                   " 'active': false, 'tier': 'gold', 'channels': ['web', 'email'],"
                   " 'billing_email': 'billing@acme.com', 'hotline': '+7 800 555-35-35',"
                   " 'portal': 'https://portal.acme.com'}");
    json_decref(changes);
    custom_teardown();
}

TEST(record_validate_rejects_a_bad_value_of_each_custom_type)
{
    static const char *const cases[][3] = {
        {"region", "7", "must be a string"},
        {"region", "'a\\u0001b'", "control characters"},
        {"notes", "'a\\u0001b'", "control characters"},
        {"score", "'4.5'", "must be a number"},
        {"employees", "2.5", "must be an integer"},
        {"employees", "'10'", "must be an integer"},
        {"budget", "'10 EUR'", "amount"},
        {"budget", "{'amount': 10, 'currency': 'EUR'}", "amount"},
        {"budget", "{'amount': '10', 'currency': 'EUR', 'note': 'x'}", "amount"},
        {"budget", "{'amount': '10', 'currency': 'ZZZ'}", "not a currency"},
        {"budget", "{'amount': '1.234', 'currency': 'EUR'}", "decimal places"},
        {"budget", "{'amount': '1,50', 'currency': 'EUR'}", "decimal"},
        {"founded", "'2021-02-29'", "date like"},
        {"founded", "'2020-02-01T00:00:00Z'", "date like"},
        {"last_call", "'2026-11-23'", "date-time"},
        {"last_call", "'yesterday'", "date-time"},
        {"active", "'true'", "true or false"},
        {"active", "1", "true or false"},
        {"tier", "'bronze'", "allowed values"},
        {"tier", "1", "must be a string"},
        {"channels", "'web'", "list of allowed values"},
        {"channels", "['web', 'fax']", "only allowed values"},
        {"channels", "[1]", "only allowed values"},
        {"billing_email", "'billing'", "e-mail"},
        {"hotline", "'call us'", "phone"},
        {"portal", "'ftp://portal.acme.com'", "URL"},
    };
    custom_setup();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char body[256], path[64];
        snprintf(body, sizeof(body), "{'name': 'Acme', 'custom': {'%s': %s}}", cases[i][0],
                 cases[i][1]);
        snprintf(path, sizeof(path), "custom.%s", cases[i][0]);
        json_t *changes;
        struct err err;
        int rc = validate(&entity_companies, &all_custom, body, NULL, &changes, &err);
        const char *message = fixture_field_message(&err, path);
        if (rc != -ERR_VALIDATION || message == NULL || strstr(message, cases[i][2]) == NULL)
            test_fail(__FILE__, __LINE__, "%s: rc %d, error \"%s\", wanted \"%s\"", body, rc,
                      message ? message : "(none)", cases[i][2]);
    }
    custom_teardown();
}

TEST(record_validate_checks_custom_text_length_in_code_points)
{
    custom_setup();
    char region[1024];
    size_t n = 0;
    for (int i = 0; i < 255; i++) {
        memcpy(region + n, "ю", 2);
        n += 2;
    }
    region[n] = '\0';
    json_t *body = json_pack("{s:s,s:{s:s}}", "name", "Acme", "custom", "region", region);
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate_json(&entity_companies, &all_custom, body, NULL, &changes, &err), 0);
    json_decref(changes);
    json_decref(body);
    memcpy(region + n, "ю", 3);
    body = json_pack("{s:s,s:{s:s}}", "name", "Acme", "custom", "region", region);
    EXPECT_INT_EQ(validate_json(&entity_companies, &all_custom, body, NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "custom.region", "at most 255 characters");
    json_decref(body);
    custom_teardown();
}

TEST(record_validate_requires_a_required_custom_field_on_create)
{
    struct custom_field def;
    struct custom_fields custom = required_region(&def);
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, &custom, "{'name': 'Acme'}", NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "custom.region", "is required");
    EXPECT_INT_EQ(validate(&entity_companies, &custom, "{'name': 'Acme', 'custom': {}}", NULL,
                           &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "custom.region", "is required");
    EXPECT_INT_EQ(validate(&entity_companies, &custom,
                           "{'name': 'Acme', 'custom': {'region': 'north'}}", NULL, &changes, &err),
                  0);
    EXPECT_JSON_EQ(changes, "{'name': 'Acme', 'custom': {'region': 'north'}}");
    json_decref(changes);
}

TEST(record_validate_reports_a_required_custom_field_given_as_null_once)
{
    struct custom_field def;
    struct custom_fields custom = required_region(&def);
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, &custom,
                           "{'name': 'Acme', 'custom': {'region': null}}", NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "custom.region", "is required");
    EXPECT_INT_EQ(err.n_fields, 1);
}

TEST(record_validate_rejects_clearing_a_required_custom_field_on_update)
{
    struct custom_field def;
    struct custom_fields custom = required_region(&def);
    static const char *const bodies[] = {"{'custom': {'region': null}}",
                                         "{'custom': {'region': ''}}",
                                         "{'custom': {'region': '   '}}"};
    for (size_t i = 0; i < 3; i++) {
        json_t *changes;
        struct err err;
        EXPECT_INT_EQ(validate(&entity_companies, &custom, bodies[i],
                               "{'name': 'Acme', 'custom': {'region': 'north'}}", &changes, &err),
                      -ERR_VALIDATION);
        EXPECT_FIELD_ERROR(&err, "custom.region", "is required");
    }
}

TEST(record_validate_rejects_empty_text_for_a_required_custom_field_on_create)
{
    struct custom_field def;
    struct custom_fields custom = required_region(&def);
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, &custom, "{'name': 'Acme', 'custom': {'region': ''}}",
                           NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "custom.region", "is required");
    EXPECT_INT_EQ(err.n_fields, 1);
}

TEST(record_validate_rejects_an_empty_list_for_a_required_multi_enum)
{
    json_t *options = fixture_json("['a', 'b']");
    const struct custom_field def = {
        1, "companies", "channels", "Channels", custom_type_find("multi_enum"), options, true};
    const struct custom_fields custom = {&def, 1};
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, &custom, "{'custom': {'channels': []}}",
                           "{'name': 'Acme', 'custom': {'channels': ['a']}}", &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "custom.channels", "is required");
    EXPECT_INT_EQ(validate(&entity_companies, &custom, "{'custom': {'channels': ['b', 'b']}}",
                           "{'name': 'Acme', 'custom': {'channels': ['a']}}", &changes, &err),
                  0);
    EXPECT_JSON_EQ(changes, "{'custom': {'channels': ['b']}}");
    json_decref(changes);
    json_decref(options);
}

TEST(record_validate_does_not_ask_for_a_required_custom_field_on_other_updates)
{
    struct custom_field def;
    struct custom_fields custom = required_region(&def);
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, &custom, "{'industry': 'IT'}", "{'name': 'Acme'}",
                           &changes, &err),
                  0);
    json_decref(changes);
}

TEST(record_validate_clears_a_custom_value_given_as_null_and_keeps_the_others)
{
    custom_setup();
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(
        validate(&entity_companies, &all_custom, "{'custom': {'region': null, 'tier': 'silver'}}",
                 "{'name': 'Acme', 'custom': {'region': 'north', 'score': 5}}", &changes, &err),
        0);
    EXPECT_JSON_EQ(changes, "{'custom': {'score': 5, 'tier': 'silver'}}");
    json_decref(changes);
    custom_teardown();
}

TEST(record_validate_frees_everything_it_allocates)
{
    fixture_count_json_allocations();
    custom_setup();
    long before = fixture_live_json_allocations();
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_contacts, &all_custom,
                           "{'first_name': 'Ivan', 'emails': ['a@b.ru', 'A@B.RU'],"
                           " 'companies': [{'id': 1, 'role': 'x'}, {'id': 1, 'role': 'y'}],"
                           " 'social': {'vk': 'ivan'},"
                           " 'custom': {'channels': ['web', 'web'], 'region': null,"
                           "            'budget': {'amount': '1', 'currency': 'RUB'}}}",
                           "{'first_name': 'I', 'custom': {'region': 'n'}}", &changes, &err),
                  0);
    json_decref(changes);
    EXPECT_INT_EQ(fixture_live_json_allocations(), before);
    EXPECT_INT_EQ(validate(&entity_contacts, &all_custom,
                           "{'name': 'x', 'emails': ['bad', 'a@b.ru'], 'tags': [1, ''],"
                           " 'companies': [{'id': 1, 'x': 1}, 5], 'company_ids': [1],"
                           " 'social': {'vk': 1, 'ok': 'fine'},"
                           " 'custom': {'channels': ['web', 'fax'], 'nope': 1, 'tier': 'gold'}}",
                           "{'first_name': 'I'}", &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_INT_EQ(fixture_live_json_allocations(), before);
    custom_teardown();
    EXPECT_INT_EQ(fixture_live_json_allocations(), 0);
}

/* ---- filter schema, sort and projection ---- */

static const struct schema_field *schema_field(const struct schema *schema, const char *name)
{
    return schema_find_field(schema, name, strlen(name));
}

TEST(record_filter_schema_lists_declared_fields_and_custom_fields)
{
    custom_setup();
    struct arena *arena = arena_new();
    const struct schema *schema = record_filter_schema(arena, &entity_companies, &all_custom);
    EXPECT_STR_EQ(schema->table, "companies");
    EXPECT_STR_EQ(schema->custom_column, "custom");
    EXPECT_INT_EQ(schema->n_fields, entity_companies.n_fields + 13);
    const struct schema_field *name = schema_field(schema, "name");
    EXPECT(name != NULL && name->sortable && name->storage == FIELD_IN_COLUMN);
    const struct schema_field *region = schema_field(schema, "custom.region");
    EXPECT(region != NULL);
    EXPECT_STR_EQ(region->column, "region");
    EXPECT_INT_EQ(region->storage, FIELD_IN_CUSTOM);
    EXPECT_INT_EQ(region->type, FIELD_TEXT);
    EXPECT(region->sortable);
    const struct schema_field *channels = schema_field(schema, "custom.channels");
    EXPECT(channels != NULL && channels->type == FIELD_MULTI_ENUM && !channels->sortable);
    EXPECT_INT_EQ(schema_field(schema, "custom.budget")->type, FIELD_MONEY);
    EXPECT(schema_field(schema, "region") == NULL);
    EXPECT_INT_EQ(schema->n_relations, 1);
    arena_free(arena);
    custom_teardown();
}

TEST(record_filter_schema_leaves_out_links_string_objects_and_json_fields)
{
    struct arena *arena = arena_new();
    const struct schema *schema = record_filter_schema(arena, &entity_contacts, NULL);
    EXPECT(schema_field(schema, "company_ids") == NULL);
    EXPECT(schema_field(schema, "social") == NULL);
    EXPECT(schema_field(schema, "addresses") == NULL);
    EXPECT(schema_field(schema, "external_id") != NULL);
    EXPECT(schema_field(schema, "first_name") != NULL);
    EXPECT(schema_field(schema, "name") != NULL);
    EXPECT(schema_field(schema, "created_at") != NULL);
    EXPECT_INT_EQ(schema->n_fields, entity_contacts.n_fields - 3);
    arena_free(arena);
}

struct sort_fixture {
    struct arena *arena;
    const struct schema *schema;
    struct sort_key keys[RECORD_SORT_MAX_KEYS + 1];
    size_t n_keys;
    struct err err;
};

static int sort_parse(struct sort_fixture *s, const char *text)
{
    err_clear(&s->err);
    s->n_keys = 99;
    return record_parse_sort(s->arena, s->schema, text, s->keys, &s->n_keys, &s->err);
}

static void sort_setup(struct sort_fixture *s)
{
    custom_setup();
    s->arena = arena_new();
    s->schema = record_filter_schema(s->arena, &entity_companies, &all_custom);
}

static void sort_teardown(struct sort_fixture *s)
{
    arena_free(s->arena);
    custom_teardown();
}

TEST(record_parse_sort_reads_descending_and_ascending_keys)
{
    struct sort_fixture s;
    sort_setup(&s);
    EXPECT_INT_EQ(sort_parse(&s, "-name,industry"), 0);
    EXPECT_INT_EQ(s.n_keys, 3);
    EXPECT_STR_EQ(s.keys[0].field->name, "name");
    EXPECT(s.keys[0].descending);
    EXPECT_STR_EQ(s.keys[1].field->name, "industry");
    EXPECT(!s.keys[1].descending);
    EXPECT_STR_EQ(s.keys[2].field->name, "id");
    EXPECT(!s.keys[2].descending);
    sort_teardown(&s);
}

TEST(record_parse_sort_appends_id_with_the_direction_of_the_last_key)
{
    struct sort_fixture s;
    sort_setup(&s);
    EXPECT_INT_EQ(sort_parse(&s, "industry,-name"), 0);
    EXPECT_INT_EQ(s.n_keys, 3);
    EXPECT_STR_EQ(s.keys[2].field->name, "id");
    EXPECT(s.keys[2].descending);
    EXPECT_INT_EQ(sort_parse(&s, "custom.region"), 0);
    EXPECT_INT_EQ(s.n_keys, 2);
    EXPECT_STR_EQ(s.keys[0].field->name, "custom.region");
    EXPECT_STR_EQ(s.keys[1].field->name, "id");
    EXPECT(!s.keys[1].descending);
    /* Three keys of the client's plus the tie-breaker. */
    EXPECT_INT_EQ(sort_parse(&s, "size,-industry,name"), 0);
    EXPECT_INT_EQ(s.n_keys, 4);
    EXPECT_STR_EQ(s.keys[3].field->name, "id");
    sort_teardown(&s);
}

TEST(record_parse_sort_does_not_append_id_when_it_is_a_key)
{
    struct sort_fixture s;
    sort_setup(&s);
    EXPECT_INT_EQ(sort_parse(&s, "-id"), 0);
    EXPECT_INT_EQ(s.n_keys, 1);
    EXPECT(s.keys[0].descending);
    EXPECT_INT_EQ(sort_parse(&s, "id,name"), 0);
    EXPECT_INT_EQ(s.n_keys, 2);
    EXPECT_STR_EQ(s.keys[1].field->name, "name");
    sort_teardown(&s);
}

TEST(record_parse_sort_falls_back_to_id_descending_without_keys)
{
    struct sort_fixture s;
    sort_setup(&s);
    EXPECT_INT_EQ(sort_parse(&s, NULL), 0);
    EXPECT_INT_EQ(s.n_keys, 1);
    EXPECT_STR_EQ(s.keys[0].field->name, "id");
    EXPECT(s.keys[0].descending);
    sort_teardown(&s);
}

TEST(record_parse_sort_rejects_unknown_and_unsortable_fields)
{
    static const char *const texts[] = {"nope",         "-nope",           "tags",
                                        "version",      "custom.channels", "custom.nope",
                                        "name,-emails", "parent.name"};
    struct sort_fixture s;
    sort_setup(&s);
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        if (sort_parse(&s, texts[i]) != -ERR_BAD_REQUEST)
            test_fail(__FILE__, __LINE__, "sort %s was accepted", texts[i]);
        EXPECT_CONTAINS(s.err.detail, "is not a sortable field");
    }
    sort_teardown(&s);
}

TEST(record_parse_sort_rejects_more_than_three_keys)
{
    struct sort_fixture s;
    sort_setup(&s);
    EXPECT_INT_EQ(sort_parse(&s, "name,industry,size,created_at"), -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(s.err.detail, "at most 3 keys");
    EXPECT_INT_EQ(sort_parse(&s, "name,industry,size,id"), -ERR_BAD_REQUEST);
    sort_teardown(&s);
}

TEST(record_parse_sort_rejects_a_key_given_twice)
{
    struct sort_fixture s;
    sort_setup(&s);
    EXPECT_INT_EQ(sort_parse(&s, "name,-name"), -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(s.err.detail, "'name' given twice");
    EXPECT_INT_EQ(sort_parse(&s, "id,id"), -ERR_BAD_REQUEST);
    sort_teardown(&s);
}

TEST(record_parse_sort_rejects_an_empty_key)
{
    static const char *const texts[] = {",", "-", "name,,id", ",name", "name,", "name,-", "-,name"};
    struct sort_fixture s;
    sort_setup(&s);
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        if (sort_parse(&s, texts[i]) != -ERR_BAD_REQUEST)
            test_fail(__FILE__, __LINE__, "sort '%s' was accepted", texts[i]);
        EXPECT_CONTAINS(s.err.detail, "empty key");
    }
    sort_teardown(&s);
}

TEST(record_parse_projection_means_every_field_without_text)
{
    struct arena *arena = arena_new();
    const char **names = (const char **)1;
    size_t n = 99;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(record_parse_projection(arena, &entity_companies, NULL, &names, &n, &err), 0);
    EXPECT(names == NULL);
    EXPECT_INT_EQ(n, 0);
    arena_free(arena);
}

TEST(record_parse_projection_lists_declared_custom_and_expanded_names)
{
    struct arena *arena = arena_new();
    const char **names;
    size_t n;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(record_parse_projection(arena, &entity_contacts,
                                          "id,name,companies,custom,company_ids", &names, &n, &err),
                  0);
    EXPECT_INT_EQ(n, 5);
    EXPECT_STR_EQ(names[0], "id");
    EXPECT_STR_EQ(names[1], "name");
    EXPECT_STR_EQ(names[2], "companies");
    EXPECT_STR_EQ(names[3], "custom");
    EXPECT_STR_EQ(names[4], "company_ids");
    arena_free(arena);
}

TEST(record_parse_projection_rejects_unknown_names)
{
    struct arena *arena = arena_new();
    const char **names;
    size_t n;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(
        record_parse_projection(arena, &entity_companies, "id,first_name", &names, &n, &err),
        -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "unknown field 'first_name'");
    err_clear(&err);
    EXPECT_INT_EQ(
        record_parse_projection(arena, &entity_companies, "id,companies", &names, &n, &err),
        -ERR_BAD_REQUEST);
    err_clear(&err);
    EXPECT_INT_EQ(record_parse_projection(arena, &entity_companies, "id,,name", &names, &n, &err),
                  -ERR_BAD_REQUEST);
    arena_free(arena);
}

TEST(record_parse_projection_rejects_too_many_names)
{
    struct arena *arena = arena_new();
    char text[512] = "id";
    for (size_t i = 0; i < entity_companies.n_fields + 4; i++) {
        size_t len = strlen(text);
        snprintf(text + len, sizeof(text) - len, ",name");
    }
    const char **names;
    size_t n;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(record_parse_projection(arena, &entity_companies, text, &names, &n, &err),
                  -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "too many fields");
    arena_free(arena);
}

/* ---- validators ---- */

TEST(record_email_valid_accepts_ordinary_addresses)
{
    static const char *const good[] = {
        "ivan@mail.ru",
        "first.last+tag@sub.example.co.uk",
        "a@b.c",
        "иван@почта.рф",
        "o'brien@example.com",
        "x_y-z@my-host.example",
        "1234567890@example.com",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (!record_email_valid(good[i]))
            test_fail(__FILE__, __LINE__, "rejected %s", good[i]);
    }
}

TEST(record_email_valid_rejects_malformed_addresses)
{
    char long_local[80];
    memset(long_local, 'a', 65);
    snprintf(long_local + 65, sizeof(long_local) - 65, "@x.ru");
    static const char *const bad[] = {
        "",
        "plain",
        "@mail.ru",
        "ivan@",
        "ivan@mail",
        "ivan@.ru",
        "ivan@mail..ru",
        "ivan@mail.ru.",
        "iv an@mail.ru",
        "ivan@ma il.ru",
        "ivan@mail_ru.com",
        "a@b@c.com",
        "<ivan@mail.ru>",
        "ivan@mail.ru>",
        "ivan,p@mail.ru",
        "\"ivan\"@mail.ru",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (record_email_valid(bad[i]))
            test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
    }
    EXPECT(!record_email_valid(long_local));
}

TEST(record_phone_valid_accepts_common_notations)
{
    static const char *const good[] = {
        "+7 495 123-45-67", "(495) 123.45.67",  "112",  "+1 555 0100 x123",
        "8-800-555-35-35",  "+44/20/7946/0958", "*100#"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (!record_phone_valid(good[i]))
            test_fail(__FILE__, __LINE__, "rejected %s", good[i]);
    }
}

TEST(record_phone_valid_rejects_words_and_wrong_digit_counts)
{
    static const char *const bad[] = {"",
                                      "12",
                                      "phone",
                                      "+7 495 abc-45-67",
                                      "123;456",
                                      "+-() .",
                                      "12345678901234567890123",
                                      "+7 495 123\n45"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (record_phone_valid(bad[i]))
            test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
    }
    EXPECT(record_phone_valid("12345678901234567890"));
    EXPECT(!record_phone_valid("123456789012345678901"));
}

TEST(record_url_valid_accepts_http_and_https_urls)
{
    static const char *const good[] = {"https://acme.com", "http://acme.com/path?q=1#top",
                                       "https://пример.рф/", "https://10.0.0.1:8443/x",
                                       "https://user@acme.com"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (!record_url_valid(good[i]))
            test_fail(__FILE__, __LINE__, "rejected %s", good[i]);
    }
}

TEST(record_url_valid_rejects_other_schemes_and_broken_urls)
{
    static const char *const bad[] = {"",
                                      "acme.com",
                                      "ftp://acme.com",
                                      "javascript:alert(1)",
                                      "https://",
                                      "https:///path",
                                      "https://acme .com",
                                      "https://acme.com/\"x",
                                      "https://acme.com/<script>",
                                      "https:acme.com",
                                      "https://acme.com\\x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (record_url_valid(bad[i]))
            test_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
    }
}

TEST(record_datetime_normalise_gives_canonical_utc_text)
{
    char out[32];
    EXPECT_INT_EQ(record_datetime_normalise("2026-11-23T10:00:00+03:00", out), 0);
    EXPECT_STR_EQ(out, "2026-11-23T07:00:00.000Z");
    EXPECT_INT_EQ(record_datetime_normalise("2026-11-23T23:30:05.5-01:00", out), 0);
    EXPECT_STR_EQ(out, "2026-11-24T00:30:05.500Z");
    EXPECT_INT_EQ(record_datetime_normalise("2026-11-23", out), -ERR_VALIDATION);
    EXPECT_INT_EQ(record_datetime_normalise("2026-11-23T25:00:00Z", out), -ERR_VALIDATION);
}

TEST(record_validate_allows_line_breaks_only_in_multiline_fields)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_companies, NULL, "{'address': 'Main St 1\\nRotterdam'}", "{}",
                           &changes, &err),
                  0);
    EXPECT_JSON_EQ(changes, "{'address': 'Main St 1\\nRotterdam'}");
    json_decref(changes);
    EXPECT(validate(&entity_companies, NULL, "{'industry': 'Retail\\nFood'}", "{}", &changes,
                    &err) < 0);
    EXPECT_FIELD_ERROR(&err, "industry", "control characters");
}

TEST(record_validate_takes_a_money_column_as_a_canonical_amount_and_currency)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_deals, NULL,
                           "{'title': 'Fleet', 'pipeline_id': 1, "
                           "'amount': {'amount': '1200.5', 'currency': 'usd'}}",
                           NULL, &changes, &err),
                  0);
    EXPECT_JSON_EQ(json_object_get(changes, "amount"), "{'amount': '1200.50', 'currency': 'USD'}");
    json_decref(changes);
    static const char *const bad[][2] = {
        {"{'amount': '12.345', 'currency': 'EUR'}", "at most 2 decimal places for EUR"},
        {"{'amount': '12,5', 'currency': 'EUR'}", "decimal"},
        {"{'amount': '-1', 'currency': 'EUR'}", "not be negative"},
        {"{'amount': '5', 'currency': 'ABC'}", "not a currency"},
        {"{'amount': '1.5', 'currency': 'JPY'}", "whole number"},
        {"{'amount': 10, 'currency': 'EUR'}", "decimal string"},
        {"'10 EUR'", "must be {"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char body[200];
        snprintf(body, sizeof(body), "{'title': 'x', 'pipeline_id': 1, 'amount': %s}", bad[i][0]);
        EXPECT_INT_EQ(validate(&entity_deals, NULL, body, NULL, &changes, &err),
                      -ERR_VALIDATION);
        EXPECT_CONTAINS(fixture_field_message(&err, "amount"), bad[i][1]);
    }
}

TEST(record_validate_lets_an_update_repeat_but_not_change_a_create_only_field)
{
    json_t *changes;
    struct err err;
    const char *existing = "{'id': 3, 'title': 'Fleet', 'pipeline_id': 1, 'stage_id': 2}";
    EXPECT_INT_EQ(validate(&entity_deals, NULL, "{'pipeline_id': 1, 'stage_id': 2}", existing,
                           &changes, &err),
                  0);
    json_decref(changes);
    EXPECT_INT_EQ(validate(&entity_deals, NULL, "{'stage_id': 5}", existing, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_CONTAINS(fixture_field_message(&err, "stage_id"), "cannot be changed");
    EXPECT_INT_EQ(validate(&entity_deals, NULL, "{'probability': 50}", existing, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_CONTAINS(fixture_field_message(&err, "probability"), "read-only");
}

TEST(record_filter_schema_filters_and_sorts_money_by_its_base_amount)
{
    struct arena *arena = arena_new();
    const struct schema *schema = record_filter_schema(arena, &entity_deals, NULL);
    const struct schema_field *amount = schema_find_field(schema, "amount", 6);
    EXPECT(amount != NULL);
    EXPECT_STR_EQ(amount->column, "amount_base_minor");
    EXPECT_INT_EQ(amount->type, FIELD_MONEY);
    EXPECT(amount->sortable);
    EXPECT(schema_find_field(schema, "contact_ids", 11) == NULL);
    arena_free(arena);
}

TEST(record_validate_checks_a_product_as_a_whole)
{
    json_t *changes;
    struct err err;
    EXPECT_INT_EQ(validate(&entity_products, NULL,
                           "{'sku': 'GTX-1', 'name': 'GTX Basic', 'tax_rate': '20.50',"
                           " 'active': false, 'price': {'amount': '550', 'currency': 'USD'},"
                           " 'prices': [{'amount': '500', 'currency': 'eur'}],"
                           " 'options': [{'code': 'size', 'name': 'Size', 'required': true,"
                           " 'exclusive': true, 'choices': [{'code': 'xl', 'name': 'XL',"
                           " 'price_delta': '10'}]}]}",
                           NULL, &changes, &err),
                  0);
    EXPECT_STR_EQ(json_string_value(json_object_get(changes, "tax_rate")), "20.5");
    EXPECT(json_is_false(json_object_get(changes, "active")));
    EXPECT_JSON_EQ(json_object_get(changes, "prices"), "[{'amount': '500.00', 'currency': 'EUR'}]");
    json_decref(changes);
    EXPECT_INT_EQ(validate(&entity_products, NULL,
                           "{'sku': 'x', 'name': 'x', 'tax_rate': '120', 'active': 'yes',"
                           " 'price': {'amount': '1', 'currency': 'USD'},"
                           " 'prices': [{'amount': '2', 'currency': 'USD'}],"
                           " 'options': [{'code': 'Bad Code', 'name': 'x', 'choices': []}]}",
                           NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_CONTAINS(fixture_field_message(&err, "active"), "true or false");
    EXPECT_INT_EQ(validate(&entity_products, NULL,
                           "{'sku': 'x', 'name': 'x', 'tax_rate': '120',"
                           " 'price': {'amount': '1', 'currency': 'USD'},"
                           " 'prices': [{'amount': '2', 'currency': 'USD'}],"
                           " 'options': [{'code': 'Bad Code', 'name': 'x', 'choices': []}]}",
                           NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_CONTAINS(fixture_field_message(&err, "tax_rate"), "0 to 100");
    EXPECT_CONTAINS(fixture_field_message(&err, "prices[0]"), "second price in USD");
    EXPECT(fixture_field_message(&err, "options[0].code") != NULL);
    EXPECT_INT_EQ(validate(&entity_products, NULL,
                           "{'sku': 'x', 'name': 'x', 'price': {'amount': '1', 'currency': 'USD'},"
                           " 'tax_rate': '7,5'}",
                           NULL, &changes, &err),
                  -ERR_VALIDATION);
    EXPECT_CONTAINS(fixture_field_message(&err, "tax_rate"), "decimal number");
}
