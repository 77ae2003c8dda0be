/*
 * Tests for src/domain/audit.c: field-level diffs of record versions (for
 * updates and creates, custom values and links), hiding fields from a
 * diff, and scrubbing secrets out of audit details.
 */
#include "domain/audit.h"

#include "base/arena.h"
#include "domain/access.h"
#include "domain/entity.h"
#include "domain_fixture.h"
#include "../test.h"

/* audit_diff over literal JSON; before_text NULL is a create. */
static json_t *diff(const struct entity *entity, const char *before_text, const char *after_text)
{
    json_t *before = before_text ? fixture_json(before_text) : NULL;
    json_t *after = fixture_json(after_text);
    json_t *changes = audit_diff(entity, before, after);
    json_decref(before);
    json_decref(after);
    return changes;
}

TEST(audit_diff_lists_changed_fields_only)
{
    json_t *changes = diff(&entity_companies,
                           "{'id': 1, 'name': 'Acme', 'industry': 'retail', 'size': '1-10',"
                           " 'tags': ['a'], 'owner_id': 7}",
                           "{'id': 1, 'name': 'Acme Ltd', 'industry': 'retail', 'size': null,"
                           " 'tags': ['a', 'b'], 'owner_id': 8}");
    EXPECT_JSON_EQ(changes, "{'name': ['Acme', 'Acme Ltd'], 'size': ['1-10', null],"
                            " 'tags': [['a'], ['a', 'b']], 'owner_id': [7, 8]}");
    json_decref(changes);
}

TEST(audit_diff_leaves_out_the_servers_bookkeeping)
{
    json_t *changes = diff(&entity_companies,
                           "{'id': 1, 'name': 'Acme', 'version': 1, 'created_at': 'a',"
                           " 'updated_at': 'a', 'deleted_at': null, 'created_by': 1}",
                           "{'id': 2, 'name': 'Acme', 'version': 2, 'created_at': 'b',"
                           " 'updated_at': 'b', 'deleted_at': 'b', 'created_by': 2,"
                           " 'company_links': 'x', 'unknown': 1}");
    EXPECT(changes == NULL);
}

TEST(audit_diff_is_null_when_nothing_changed)
{
    const char *record = "{'id': 1, 'name': 'Acme', 'tags': ['a'], 'custom': {'region': 'n'}}";
    EXPECT(diff(&entity_companies, record, record) == NULL);
}

TEST(audit_diff_skips_a_derived_contact_name)
{
    json_t *changes = diff(&entity_contacts, "{'name': 'Ivan Petrov', 'first_name': 'Ivan'}",
                           "{'name': 'Ivan S Petrov', 'first_name': 'Ivan S'}");
    EXPECT_JSON_EQ(changes, "{'first_name': ['Ivan', 'Ivan S']}");
    json_decref(changes);
}

TEST(audit_diff_compares_custom_values_key_by_key)
{
    json_t *changes = diff(&entity_contacts,
                           "{'custom': {'region': 'north', 'vip': 1, 'same': [1], 'gone': true}}",
                           "{'custom': {'region': 'south', 'vip': 1, 'same': [1], 'new': 'x',"
                           " 'empty': null}}");
    EXPECT_JSON_EQ(changes, "{'custom.region': ['north', 'south'], 'custom.new': [null, 'x'],"
                            " 'custom.gone': [true, null]}");
    json_decref(changes);
    changes =
        diff(&entity_contacts, "{'first_name': 'I'}", "{'first_name': 'I', 'custom': {'a': 1}}");
    EXPECT_JSON_EQ(changes, "{'custom.a': [null, 1]}");
    json_decref(changes);
}

TEST(audit_diff_compares_links_by_their_id_lists)
{
    json_t *changes = diff(&entity_contacts,
                           "{'company_ids': [1, 2], 'companies': [{'id': 1, 'role': 'a'},"
                           " {'id': 2, 'role': null}], 'company_links': '[]'}",
                           "{'company_ids': [1, 3], 'companies': [{'id': 1, 'role': 'b'},"
                           " {'id': 3, 'role': null}], 'company_links': '[1]'}");
    EXPECT_JSON_EQ(changes, "{'company_ids': [[1, 2], [1, 3]]}");
    json_decref(changes);
    /* A changed role on the same companies is not a change of the links. */
    changes = diff(&entity_contacts, "{'company_ids': [1], 'companies': [{'id': 1, 'role': 'a'}]}",
                   "{'company_ids': [1], 'companies': [{'id': 1, 'role': 'b'}]}");
    EXPECT(changes == NULL);
    /* Only the expanded form present: the ids are taken from it. */
    changes = diff(&entity_contacts, "{'companies': [{'id': 1}]}",
                   "{'companies': [{'id': 1}, {'id': 5}]}");
    EXPECT_JSON_EQ(changes, "{'company_ids': [[1], [1, 5]]}");
    json_decref(changes);
}

TEST(audit_diff_of_a_create_lists_fields_with_values)
{
    json_t *changes = diff(&entity_contacts, NULL,
                           "{'id': 5, 'version': 1, 'name': 'Ivan', 'first_name': 'Ivan',"
                           " 'last_name': null, 'emails': [], 'social': {}, 'tags': ['x'],"
                           " 'owner_id': 7, 'company_ids': [2], 'companies': [{'id': 2}],"
                           " 'custom': {'region': 'n', 'none': null, 'list': []}}");
    EXPECT_JSON_EQ(changes, "{'first_name': [null, 'Ivan'], 'tags': [null, ['x']],"
                            " 'owner_id': [null, 7], 'company_ids': [null, [2]],"
                            " 'custom.region': [null, 'n']}");
    json_decref(changes);
    EXPECT(diff(&entity_contacts, NULL, "{'id': 5, 'emails': [], 'custom': {}}") == NULL);
}

TEST(audit_diff_frees_everything_it_does_not_return)
{
    fixture_count_json_allocations();
    long before = fixture_live_json_allocations();
    json_t *changes = diff(&entity_contacts, "{'company_ids': [1], 'custom': {'a': 1}}",
                           "{'company_ids': [2], 'custom': {'b': 2}, 'first_name': 'x'}");
    EXPECT(changes != NULL);
    json_decref(changes);
    EXPECT(diff(&entity_contacts, "{'companies': [{'id': 1}]}", "{'companies': [{'id': 1}]}") ==
           NULL);
    EXPECT_INT_EQ(fixture_live_json_allocations(), before);
}

TEST(audit_hide_fields_removes_changes_the_caller_may_not_see)
{
    struct arena *arena = arena_new();
    json_t *fields = fixture_json("{'contacts': {'birthday': 'hidden', 'custom.vip': 'hidden',"
                                  " 'source': 'read_only', 'company_ids': 'hidden'}}");
    struct role role = {0};
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(role_parse(arena, NULL, fields, false, &role, &err), 0);
    struct actor actor = {.user_id = 7, .role = &role, .token_scopes = TOKEN_SCOPE_ALL};
    json_t *changes = fixture_json("{'birthday': [null, '1990-01-01'], 'source': ['a', 'b'],"
                                   " 'custom.vip': [1, 2], 'custom.region': ['n', 's'],"
                                   " 'company_ids': [[1], [2]]}");
    audit_hide_fields(&actor, &entity_contacts, changes);
    EXPECT_JSON_EQ(changes, "{'source': ['a', 'b'], 'custom.region': ['n', 's']}");
    audit_hide_fields(&actor, &entity_contacts, NULL);
    json_decref(changes);
    json_decref(fields);
    arena_free(arena);
}

TEST(audit_scrub_removes_nested_passwords)
{
    json_t *detail = fixture_json(
        "{'email': 'a@b.ru', 'password': 'x', 'user': {'name': 'A', 'password_hash': 'h',"
        " 'totp_secret': 's'}, 'tokens': [{'token': 't', 'token_hash': 'th', 'id': 1}],"
        " 'request': {'current_password': 'c', 'new_password': 'n', 'code': '123456',"
        " 'recovery_codes': ['a'], 'csrf_token': 'c', 'challenge': 'ch', 'secret': 'S'}}");
    audit_scrub(detail);
    EXPECT_JSON_EQ(detail, "{'email': 'a@b.ru', 'user': {'name': 'A'}, 'tokens': [{'id': 1}],"
                           " 'request': {}}");
    json_decref(detail);
}

TEST(audit_scrub_leaves_other_values_alone)
{
    json_t *value = fixture_json("[1, 'password', {'passwords_ok': true, 'list': [[{'a': 1}]]}]");
    audit_scrub(value);
    EXPECT_JSON_EQ(value, "[1, 'password', {'passwords_ok': true, 'list': [[{'a': 1}]]}]");
    json_decref(value);
    audit_scrub(NULL);
}
