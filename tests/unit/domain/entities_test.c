/*
 * Tests for src/domain/entities.c: entity and field lookups, the tables'
 * invariants, the full-text index text, contact names and the contact rule
 * that a first or last name is required.
 */
#include "domain/entity.h"

#include "base/arena.h"
#include "domain_fixture.h"
#include "../test.h"

TEST(entity_find_looks_up_entities_by_collection_name)
{
    EXPECT(entity_find("companies") == &entity_companies);
    EXPECT(entity_find("contacts") == &entity_contacts);
    EXPECT(entity_find("company") == NULL);
    EXPECT(entity_find("deals") == &entity_deals);
    EXPECT(entity_find("competitors") == &entity_competitors);
    EXPECT(entity_find("deal") == NULL);
    EXPECT(entity_find("") == NULL);
    EXPECT(entity_find("products") == &entity_products);
    EXPECT(entity_find("quotes") == &entity_quotes);
    EXPECT(entity_find("lead-scoring-rules") == &entity_lead_scoring_rules);
    EXPECT_STR_EQ(entity_table(&entity_lead_scoring_rules), "lead_scoring_rules");
    EXPECT_STR_EQ(entity_table(&entity_leads), "leads");
    EXPECT_STR_EQ(entity_table(&entity_price_lists), "price_lists");
    EXPECT_INT_EQ(entity_count(), 13);
    EXPECT(entity_find("tasks") == &entity_tasks);
    EXPECT(entity_find("activities") == &entity_activities);
    EXPECT(entity_at(0) == &entity_companies);
    EXPECT(entity_at(1) == &entity_contacts);
    EXPECT(entity_at(13) == NULL);
    EXPECT_STR_EQ(entity_companies.singular, "company");
    EXPECT_STR_EQ(entity_contacts.singular, "contact");
}

TEST(entity_field_find_looks_up_fields_by_api_name)
{
    const struct entity_field *size = entity_field_find(&entity_companies, "size");
    EXPECT(size != NULL);
    EXPECT_INT_EQ(size->type, FIELD_ENUM);
    EXPECT_STR_EQ(size->options[0], "1-10");
    EXPECT(entity_field_find(&entity_companies, "first_name") == NULL);
    EXPECT(entity_field_find(&entity_companies, "Name") == NULL);
    const struct entity_field *links = entity_field_find(&entity_contacts, "company_ids");
    EXPECT(links != NULL && links->kind == FIELD_KIND_LINKS);
    EXPECT_STR_EQ(links->references, "companies");
    EXPECT_INT_EQ(entity_field_find(&entity_contacts, "name")->kind, FIELD_KIND_SYSTEM);
    EXPECT_INT_EQ(entity_field_find(&entity_companies, "name")->kind, FIELD_KIND_COLUMN);
}

TEST(entity_tables_hold_the_system_fields_and_unique_names)
{
    static const char *const system[] = {"id",         "owner_id", "created_by", "created_at",
                                         "updated_at", "version",  "deleted_at"};
    for (size_t e = 0; e < entity_count(); e++) {
        const struct entity *entity = entity_at(e);
        for (size_t i = 0; i < sizeof(system) / sizeof(system[0]); i++) {
            const struct entity_field *f = entity_field_find(entity, system[i]);
            if (f == NULL || f->kind != FIELD_KIND_SYSTEM)
                test_fail(__FILE__, __LINE__, "%s.%s is not a system field", entity->name,
                          system[i]);
        }
        for (size_t i = 0; i < entity->n_fields; i++) {
            const struct entity_field *f = &entity->fields[i];
            EXPECT(entity_field_find(entity, f->name) == f);
            if (f->type == FIELD_TEXT_LIST)
                EXPECT(f->item_type == FIELD_TEXT || f->item_type == FIELD_EMAIL ||
                       f->item_type == FIELD_PHONE);
            if (f->type == FIELD_ENUM)
                EXPECT(f->options != NULL && f->options[0] != NULL);
        }
        EXPECT(entity->search_text != NULL);
        EXPECT(entity->default_sort != NULL);
    }
}

TEST(entity_links_describe_the_contact_company_table)
{
    EXPECT(entity_companies.links == NULL);
    const struct entity_links *links = entity_contacts.links;
    EXPECT(links != NULL);
    EXPECT_STR_EQ(links->field, "company_ids");
    EXPECT_STR_EQ(links->expanded, "companies");
    EXPECT_STR_EQ(links->table, "contact_companies");
    EXPECT(entity_field_find(&entity_contacts, links->field) != NULL);
}

TEST(entity_relations_point_at_the_company_schema)
{
    EXPECT_INT_EQ(entity_contacts.n_relations, 1);
    const struct schema_relation *company = &entity_contacts.relations[0];
    EXPECT_STR_EQ(company->name, "company");
    const struct schema *target = company->target;
    EXPECT_STR_EQ(target->table, "companies");
    /* Filled by the constructor from the company table's columns. */
    EXPECT(target->n_fields > 0);
    EXPECT(schema_find_field(target, "name", 4) != NULL);
    EXPECT(schema_find_field(target, "industry", 8) != NULL);
    EXPECT(schema_find_field(target, "tags", 4) != NULL);
    EXPECT_INT_EQ(entity_companies.n_relations, 1);
    EXPECT_STR_EQ(entity_companies.relations[0].name, "parent");
    EXPECT(entity_companies.relations[0].target == target);
}

TEST(entity_search_text_splits_addresses_and_adds_phone_digits)
{
    struct arena *arena = arena_new();
    json_t *record =
        fixture_json("{'name': 'Acme', 'industry': null, 'website': 'https://acme.com',"
                     " 'emails': ['sales@acme.com'], 'phones': ['+7 (495) 123-45-67'],"
                     " 'tags': ['VIP', 'b2b'], 'size': '11-50', 'parent_id': 3}");
    const char *text = entity_companies.search_text(arena, record);
    EXPECT_CONTAINS(text, "Acme ");
    EXPECT_CONTAINS(text, "sales@acme.com sales acme com ");
    EXPECT_CONTAINS(text, "https://acme.com ");
    EXPECT_CONTAINS(text, "74951234567");
    EXPECT_CONTAINS(text, "VIP b2b");
    /* Only searched fields go in: size is not one. */
    EXPECT(strstr(text, "11-50") == NULL);
    json_decref(record);
    arena_free(arena);
}

TEST(entity_search_text_of_a_contact_holds_names_and_cyrillic_text)
{
    struct arena *arena = arena_new();
    json_t *record = fixture_json("{'first_name': 'Иван', 'last_name': 'Петров',"
                                  " 'position': 'Директор', 'skills': ['secret-skill']}");
    const char *text = entity_contacts.search_text(arena, record);
    EXPECT_CONTAINS(text, "Иван");
    EXPECT_CONTAINS(text, "Петров");
    EXPECT_CONTAINS(text, "Директор");
    EXPECT(strstr(text, "secret") == NULL);
    json_decref(record);
    arena_free(arena);
}

TEST(entity_search_text_of_an_empty_record_is_empty)
{
    struct arena *arena = arena_new();
    json_t *record = json_object();
    EXPECT_STR_EQ(entity_companies.search_text(arena, record), "");
    json_decref(record);
    arena_free(arena);
}

TEST(entity_contact_name_joins_first_and_last_names)
{
    static const char *const cases[][2] = {
        {"{'first_name': 'Ivan', 'last_name': 'Petrov'}", "Ivan Petrov"},
        {"{'first_name': 'Ivan', 'last_name': null}", "Ivan"},
        {"{'last_name': 'Petrov'}", "Petrov"},
        {"{'first_name': 'Анна', 'last_name': 'Ким'}", "Анна Ким"},
        {"{}", ""},
    };
    EXPECT(entity_companies.derived_name == NULL);
    struct arena *arena = arena_new();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *record = fixture_json(cases[i][0]);
        EXPECT_STR_EQ(entity_contacts.derived_name(arena, record), cases[i][1]);
        json_decref(record);
    }
    arena_free(arena);
}

TEST(entity_contact_rule_requires_a_first_or_last_name)
{
    static const char *const bad[] = {"{}", "{'first_name': '', 'last_name': null}",
                                      "{'first_name': 5}"};
    static const char *const good[] = {"{'first_name': 'Ivan'}", "{'last_name': 'Petrov'}"};
    EXPECT(entity_companies.validate_record == NULL);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *record = fixture_json(bad[i]);
        struct err err;
        err_clear(&err);
        entity_contacts.validate_record(NULL, record, &err);
        EXPECT_INT_EQ(err.code, ERR_VALIDATION);
        EXPECT_FIELD_ERROR(&err, "last_name", "first or last name");
        json_decref(record);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        json_t *record = fixture_json(good[i]);
        struct err err;
        err_clear(&err);
        entity_contacts.validate_record(NULL, record, &err);
        EXPECT_INT_EQ(err.code, ERR_OK);
        json_decref(record);
    }
}

TEST(entity_money_date_takes_the_first_dated_field_then_the_creation_date)
{
    char date[CLOCK_DATE_LEN + 1];
    json_t *deal = json_pack("{s:s,s:s,s:n}", "created_at", "2026-01-05T10:00:00.000Z",
                             "expected_close", "2026-03-31", "closed_at");
    entity_money_date(&entity_deals, deal, date);
    EXPECT_STR_EQ(date, "2026-03-31");
    json_object_set_new(deal, "closed_at", json_string("2026-02-14T09:30:00.000Z"));
    entity_money_date(&entity_deals, deal, date);
    EXPECT_STR_EQ(date, "2026-02-14");
    json_object_del(deal, "closed_at");
    json_object_del(deal, "expected_close");
    entity_money_date(&entity_deals, deal, date);
    EXPECT_STR_EQ(date, "2026-01-05");
    json_decref(deal);
    EXPECT(entity_has_money(&entity_deals));
    EXPECT(!entity_has_money(&entity_contacts));
}
