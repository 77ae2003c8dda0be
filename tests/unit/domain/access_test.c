/*
 * Tests for src/domain/access.c: the built-in roles, role parsing and its
 * field errors, scopes narrowed by token scopes, the access handed to the
 * store, owner checks, and field rights applied to records, filter schemas
 * and request bodies.
 */
#include "domain/access.h"

#include <string.h>

#include "base/arena.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/record.h"
#include "domain_fixture.h"
#include "../test.h"

enum { ADMIN, MANAGER, SALES_REP, READ_ONLY };

static struct role builtin(size_t i)
{
    struct role role;
    role_builtin(i, NULL, NULL, &role);
    return role;
}

static struct actor actor_with(const struct role *role, unsigned token_scopes)
{
    return (struct actor){.user_id = 7, .team_id = 3, .role = role, .token_scopes = token_scopes};
}

/* Parses a role from literal JSON (single quotes allowed); fails the test on an error. */
static struct role parsed(struct arena *arena, const char *permissions, const char *fields)
{
    json_t *p = permissions ? fixture_json(permissions) : NULL;
    json_t *f = fields ? fixture_json(fields) : NULL;
    struct role role = {0};
    struct err err;
    err_clear(&err);
    int rc = role_parse(arena, p, f, false, &role, &err);
    if (rc != 0)
        test_fail(__FILE__, __LINE__, "role_parse failed: %s %s",
                  err.n_fields ? err.fields[0].field : "",
                  err.n_fields ? err.fields[0].message : err.detail);
    json_decref(p);
    json_decref(f);
    return role;
}

/* role_parse's return code and err for literal JSON. */
static int parse_error(const char *permissions, const char *fields, struct err *err)
{
    struct arena *arena = arena_new();
    json_t *p = permissions ? fixture_json(permissions) : NULL;
    json_t *f = fields ? fixture_json(fields) : NULL;
    struct role role = {0};
    err_clear(err);
    int rc = role_parse(arena, p, f, false, &role, err);
    json_decref(p);
    json_decref(f);
    arena_free(arena);
    return rc;
}

TEST(action_and_scope_names_round_trip)
{
    for (int a = 0; a < ACCESS_N_ACTIONS; a++)
        EXPECT_INT_EQ(access_action_parse(access_action_name((enum access_action)a)), a);
    for (int s = SCOPE_NONE; s <= SCOPE_ALL; s++)
        EXPECT_INT_EQ(access_scope_parse(access_scope_name((enum access_scope)s)), s);
    EXPECT_STR_EQ(access_action_name(ACCESS_REASSIGN), "reassign");
    EXPECT_STR_EQ(access_scope_name(SCOPE_TEAM), "team");
    EXPECT_INT_EQ(access_action_parse("Read"), -1);
    EXPECT_INT_EQ(access_action_parse(""), -1);
    EXPECT_INT_EQ(access_scope_parse("everyone"), -1);
    EXPECT_INT_EQ(access_scope_parse(NULL), -1);
}

TEST(the_builtin_roles_are_admin_manager_sales_rep_and_read_only)
{
    static const char *const names[] = {"admin", "manager", "sales_rep", "read_only"};
    static const char *const labels[] = {"Administrator", "Manager", "Sales rep", "Read only"};
    EXPECT_INT_EQ(role_builtin_count(), 4);
    for (size_t i = 0; i < role_builtin_count(); i++) {
        const char *name, *label;
        struct role role;
        role_builtin(i, &name, &label, &role);
        EXPECT_STR_EQ(name, names[i]);
        EXPECT_STR_EQ(label, labels[i]);
        EXPECT_STR_EQ(role.name, names[i]);
        EXPECT(role.is_admin == (i == ADMIN));
        EXPECT_INT_EQ(role.n_field_rules, 0);
    }
}

TEST(a_manager_has_team_scope_everywhere_but_reads_the_shared_lists_whole)
{
    static const char *const shared[] = {"products",           "competitors",
                                         "lead-scoring-rules", "lead-assignment-rules",
                                         "forms",              "price-lists"};
    struct role role = builtin(MANAGER);
    for (size_t e = 0; e < entity_count(); e++) {
        bool is_shared = false;
        for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
            is_shared |= strcmp(entity_at(e)->name, shared[i]) == 0;
        for (size_t a = 0; a < ACCESS_N_ACTIONS; a++) {
            bool whole = is_shared && (a == ACCESS_READ || a == ACCESS_EXPORT);
            EXPECT_INT_EQ(role.scopes[e][a], whole ? SCOPE_ALL : SCOPE_TEAM);
        }
    }
}

TEST(a_read_only_role_reads_everything_and_changes_nothing)
{
    struct role role = builtin(READ_ONLY);
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    for (size_t e = 0; e < entity_count(); e++) {
        EXPECT_INT_EQ(actor_scope(&actor, entity_at(e), ACCESS_READ), SCOPE_ALL);
        for (size_t a = ACCESS_CREATE; a < ACCESS_N_ACTIONS; a++)
            EXPECT_INT_EQ(actor_scope(&actor, entity_at(e), (enum access_action)a), SCOPE_NONE);
    }
}

TEST(a_sales_rep_owns_contacts_and_reads_team_companies)
{
    struct role role = builtin(SALES_REP);
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    const struct entity *contacts = &entity_contacts, *companies = &entity_companies;
    EXPECT_INT_EQ(actor_scope(&actor, contacts, ACCESS_READ), SCOPE_OWN);
    EXPECT_INT_EQ(actor_scope(&actor, contacts, ACCESS_CREATE), SCOPE_OWN);
    EXPECT_INT_EQ(actor_scope(&actor, contacts, ACCESS_MERGE), SCOPE_OWN);
    EXPECT_INT_EQ(actor_scope(&actor, contacts, ACCESS_IMPORT), SCOPE_OWN);
    EXPECT_INT_EQ(actor_scope(&actor, contacts, ACCESS_REASSIGN), SCOPE_NONE);
    EXPECT_INT_EQ(actor_scope(&actor, companies, ACCESS_READ), SCOPE_TEAM);
    EXPECT_INT_EQ(actor_scope(&actor, companies, ACCESS_UPDATE), SCOPE_OWN);
    EXPECT_INT_EQ(actor_scope(&actor, companies, ACCESS_EXPORT), SCOPE_OWN);
    EXPECT_INT_EQ(actor_scope(&actor, companies, ACCESS_IMPORT), SCOPE_NONE);
    EXPECT_INT_EQ(actor_scope(&actor, companies, ACCESS_MERGE), SCOPE_NONE);
    EXPECT_INT_EQ(actor_scope(&actor, companies, ACCESS_REASSIGN), SCOPE_NONE);
}

TEST(a_sales_rep_cannot_read_another_owners_contact)
{
    struct role role = builtin(SALES_REP);
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    struct access access = actor_access(&actor, &entity_contacts, ACCESS_READ);
    EXPECT_INT_EQ(access.scope, SCOPE_OWN);
    EXPECT(access_allows_owner(&access, 7, 3));
    EXPECT(!access_allows_owner(&access, 8, 3));
    EXPECT(!access_allows_owner(&access, 0, 0));
}

TEST(an_admin_has_all_everywhere_but_admin_rights_only_with_an_admin_token)
{
    struct role role = builtin(ADMIN);
    struct actor session = actor_with(&role, TOKEN_SCOPE_ALL);
    for (size_t e = 0; e < entity_count(); e++) {
        for (size_t a = 0; a < ACCESS_N_ACTIONS; a++)
            EXPECT_INT_EQ(actor_scope(&session, entity_at(e), (enum access_action)a), SCOPE_ALL);
    }
    EXPECT(actor_is_admin(&session));
    struct actor writer = actor_with(&role, TOKEN_SCOPE_READ | TOKEN_SCOPE_WRITE);
    EXPECT(!actor_is_admin(&writer));
    EXPECT_INT_EQ(actor_scope(&writer, &entity_contacts, ACCESS_DELETE), SCOPE_ALL);
    struct actor reader = actor_with(&role, TOKEN_SCOPE_READ);
    EXPECT_INT_EQ(actor_scope(&reader, &entity_contacts, ACCESS_READ), SCOPE_ALL);
    EXPECT_INT_EQ(actor_scope(&reader, &entity_contacts, ACCESS_UPDATE), SCOPE_NONE);
    struct role manager = builtin(MANAGER);
    struct actor not_admin = actor_with(&manager, TOKEN_SCOPE_ALL);
    EXPECT(!actor_is_admin(&not_admin));
    EXPECT(!actor_is_admin(NULL));
}

TEST(a_read_token_grants_no_update)
{
    struct role role = builtin(MANAGER);
    struct actor actor = actor_with(&role, TOKEN_SCOPE_READ);
    EXPECT_INT_EQ(actor_scope(&actor, &entity_contacts, ACCESS_READ), SCOPE_TEAM);
    for (size_t a = ACCESS_CREATE; a < ACCESS_N_ACTIONS; a++)
        EXPECT_INT_EQ(actor_scope(&actor, &entity_contacts, (enum access_action)a), SCOPE_NONE);
    struct access access = actor_access(&actor, &entity_companies, ACCESS_UPDATE);
    EXPECT_INT_EQ(access.scope, SCOPE_NONE);
    EXPECT(!access_allows_owner(&access, 7, 3));
}

TEST(a_token_without_the_read_scope_grants_nothing)
{
    struct role role = builtin(ADMIN);
    struct actor actor = actor_with(&role, TOKEN_SCOPE_WRITE | TOKEN_SCOPE_ADMIN);
    EXPECT_INT_EQ(actor_scope(&actor, &entity_contacts, ACCESS_READ), SCOPE_NONE);
    EXPECT_INT_EQ(actor_scope(&actor, &entity_contacts, ACCESS_UPDATE), SCOPE_NONE);
}

TEST(no_actor_means_no_scope)
{
    EXPECT_INT_EQ(actor_scope(NULL, &entity_contacts, ACCESS_READ), SCOPE_NONE);
    struct access access = actor_access(NULL, &entity_contacts, ACCESS_READ);
    EXPECT_INT_EQ(access.scope, SCOPE_NONE);
    EXPECT_INT_EQ(access.read_scope[entity_index(&entity_companies)], SCOPE_NONE);
    EXPECT_INT_EQ(access.user_id, 0);
    struct actor roleless = {.user_id = 7, .token_scopes = TOKEN_SCOPE_ALL};
    EXPECT_INT_EQ(actor_scope(&roleless, &entity_contacts, ACCESS_READ), SCOPE_NONE);
}

TEST(actor_access_carries_the_caller_and_its_read_scope_over_every_entity)
{
    struct role role = builtin(SALES_REP);
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    size_t companies = entity_index(&entity_companies), contacts = entity_index(&entity_contacts);
    struct access access = actor_access(&actor, &entity_contacts, ACCESS_UPDATE);
    EXPECT_INT_EQ(access.scope, SCOPE_OWN);
    EXPECT_INT_EQ(access.user_id, 7);
    EXPECT_INT_EQ(access.team_id, 3);
    EXPECT_INT_EQ(access.read_scope[companies], SCOPE_TEAM);
    EXPECT_INT_EQ(access.read_scope[contacts], SCOPE_OWN);
    access = actor_access(&actor, &entity_companies, ACCESS_IMPORT);
    EXPECT_INT_EQ(access.scope, SCOPE_NONE);
    EXPECT_INT_EQ(access.read_scope[companies], SCOPE_TEAM);
    struct actor reader = actor_with(&role, TOKEN_SCOPE_READ);
    access = actor_access(&reader, &entity_contacts, ACCESS_UPDATE);
    EXPECT_INT_EQ(access.scope, SCOPE_NONE);
    EXPECT_INT_EQ(access.read_scope[companies], SCOPE_TEAM);
}

TEST(access_system_reaches_every_record)
{
    EXPECT_INT_EQ(access_system.scope, SCOPE_ALL);
    for (size_t e = 0; e < ACCESS_MAX_ENTITIES; e++)
        EXPECT_INT_EQ(access_system.read_scope[e], SCOPE_ALL);
    EXPECT(access_allows_owner(&access_system, 0, 0));
    EXPECT(access_allows_owner(&access_system, 12345, 9));
}

TEST(team_scope_allows_the_caller_and_owners_in_the_callers_team)
{
    struct access team = {.scope = SCOPE_TEAM, .user_id = 7, .team_id = 3};
    EXPECT(access_allows_owner(&team, 7, 0));
    EXPECT(access_allows_owner(&team, 8, 3));
    EXPECT(!access_allows_owner(&team, 8, 4));
    EXPECT(!access_allows_owner(&team, 8, 0));
    struct access teamless = {.scope = SCOPE_TEAM, .user_id = 7, .team_id = 0};
    EXPECT(access_allows_owner(&teamless, 7, 0));
    EXPECT(!access_allows_owner(&teamless, 8, 0));
    struct access none = {.scope = SCOPE_NONE, .user_id = 7, .team_id = 3};
    EXPECT(!access_allows_owner(&none, 7, 3));
    struct access all = {.scope = SCOPE_ALL, .user_id = 7, .team_id = 3};
    EXPECT(access_allows_owner(&all, 99, 42));
}

TEST(role_parse_reads_scopes_and_leaves_actions_not_named_none)
{
    struct arena *arena = arena_new();
    struct role role = parsed(arena, "{'contacts': {'read': 'team', 'update': 'own'},"
                                     " 'companies': {'read': 'all'}}",
                              NULL);
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    EXPECT(!role.is_admin);
    EXPECT_INT_EQ(actor_scope(&actor, &entity_contacts, ACCESS_READ), SCOPE_TEAM);
    EXPECT_INT_EQ(actor_scope(&actor, &entity_contacts, ACCESS_UPDATE), SCOPE_OWN);
    EXPECT_INT_EQ(actor_scope(&actor, &entity_contacts, ACCESS_DELETE), SCOPE_NONE);
    EXPECT_INT_EQ(actor_scope(&actor, &entity_companies, ACCESS_READ), SCOPE_ALL);
    EXPECT_INT_EQ(actor_scope(&actor, &entity_companies, ACCESS_CREATE), SCOPE_NONE);
    EXPECT_INT_EQ(role.n_field_rules, 0);
    arena_free(arena);
}

TEST(an_unknown_entity_in_a_role_is_a_field_error_naming_permissions_entity)
{
    struct err err;
    EXPECT_INT_EQ(parse_error("{'invoices': {'read': 'all'}}", NULL, &err), -ERR_VALIDATION);
    EXPECT_INT_EQ(err.code, ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "permissions.invoices", "unknown entity");
}

TEST(an_unknown_action_or_scope_is_a_field_error_naming_the_action)
{
    struct err err;
    EXPECT_INT_EQ(parse_error("{'contacts': {'read': 'everyone', 'archive': 'own',"
                              " 'update': 3, 'delete': 'own'}}",
                              NULL, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "permissions.contacts.read", "none, own, team or all");
    EXPECT_FIELD_ERROR(&err, "permissions.contacts.archive", "unknown action");
    EXPECT_FIELD_ERROR(&err, "permissions.contacts.update", "none, own, team or all");
    EXPECT_NO_FIELD_ERROR(&err, "permissions.contacts.delete");
}

TEST(permissions_that_are_not_objects_are_field_errors)
{
    struct err err;
    EXPECT_INT_EQ(parse_error("['contacts']", NULL, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "permissions", "must be an object");
    EXPECT_INT_EQ(parse_error("{'contacts': 'all'}", NULL, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "permissions.contacts", "must be an object");
    EXPECT_INT_EQ(parse_error("{}", "'hidden'", &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "fields", "must be an object");
    EXPECT_INT_EQ(parse_error("{}", "{'contacts': ['birthday']}", &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "fields.contacts", "must be an object");
}

TEST(role_parse_reports_every_error_at_once)
{
    struct err err;
    EXPECT_INT_EQ(parse_error("{'invoices': {}, 'contacts': {'raed': 'own'}}",
                              "{'contacts': {'birthdate': 'hidden', 'id': 'hidden'},"
                              " 'invoices': {'title': 'hidden'}}",
                              &err),
                  -ERR_VALIDATION);
    EXPECT_INT_EQ(err.n_fields, 5);
    EXPECT_FIELD_ERROR(&err, "permissions.invoices", "unknown entity");
    EXPECT_FIELD_ERROR(&err, "permissions.contacts.raed", "unknown action");
    EXPECT_FIELD_ERROR(&err, "fields.contacts.birthdate", "unknown field");
    EXPECT_FIELD_ERROR(&err, "fields.contacts.id", "cannot be hidden");
    EXPECT_FIELD_ERROR(&err, "fields.invoices", "unknown entity");
}

TEST(role_parse_keeps_hidden_and_read_only_field_rules)
{
    struct arena *arena = arena_new();
    struct role role = parsed(arena, "{}",
                              "{'contacts': {'birthday': 'hidden', 'source': 'read_only',"
                              " 'position': 'full', 'custom.vip_level': 'hidden',"
                              " 'owner_id': 'read_only'},"
                              " 'companies': {'industry': 'read_only'}}");
    EXPECT_INT_EQ(role.n_field_rules, 5);
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    EXPECT_INT_EQ(actor_field_right(&actor, &entity_contacts, "birthday"), FIELD_RIGHT_HIDDEN);
    EXPECT_INT_EQ(actor_field_right(&actor, &entity_contacts, "source"), FIELD_RIGHT_READ_ONLY);
    EXPECT_INT_EQ(actor_field_right(&actor, &entity_contacts, "position"), FIELD_RIGHT_FULL);
    EXPECT_INT_EQ(actor_field_right(&actor, &entity_contacts, "custom.vip_level"),
                  FIELD_RIGHT_HIDDEN);
    EXPECT_INT_EQ(actor_field_right(&actor, &entity_contacts, "owner_id"), FIELD_RIGHT_READ_ONLY);
    EXPECT_INT_EQ(actor_field_right(&actor, &entity_companies, "industry"),
                  FIELD_RIGHT_READ_ONLY);
    EXPECT_INT_EQ(actor_field_right(&actor, &entity_companies, "birthday"), FIELD_RIGHT_FULL);
    EXPECT_INT_EQ(actor_field_right(NULL, &entity_contacts, "birthday"), FIELD_RIGHT_FULL);
    arena_free(arena);
}

TEST(a_field_rule_needs_a_known_field_and_a_known_right)
{
    struct err err;
    EXPECT_INT_EQ(parse_error(NULL,
                              "{'contacts': {'birthday': 'secret', 'industry': 'hidden',"
                              " 'custom.Bad-Name': 'hidden', 'custom.': 'hidden',"
                              " 'owner_id': 'hidden', 'custom.ok_1': 'read_only'}}",
                              &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "fields.contacts.birthday", "hidden, read_only or full");
    EXPECT_FIELD_ERROR(&err, "fields.contacts.industry", "unknown field");
    EXPECT_FIELD_ERROR(&err, "fields.contacts.custom.Bad-Name", "custom field name");
    EXPECT_FIELD_ERROR(&err, "fields.contacts.custom.", "custom field name");
    EXPECT_FIELD_ERROR(&err, "fields.contacts.owner_id", "cannot be hidden");
    EXPECT_NO_FIELD_ERROR(&err, "fields.contacts.custom.ok_1");
}

TEST(an_admin_role_is_granted_all_whatever_its_permissions_say)
{
    struct arena *arena = arena_new();
    json_t *permissions = fixture_json("{'contacts': {'read': 'none'}}");
    struct role role = {0};
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(role_parse(arena, permissions, NULL, true, &role, &err), 0);
    EXPECT(role.is_admin);
    for (size_t e = 0; e < entity_count(); e++) {
        for (size_t a = 0; a < ACCESS_N_ACTIONS; a++)
            EXPECT_INT_EQ(role.scopes[e][a], SCOPE_ALL);
    }
    json_decref(permissions);
    arena_free(arena);
}

TEST(role_permissions_json_lists_every_entity_with_all_eight_actions)
{
    struct role role = builtin(SALES_REP);
    json_t *json = role_permissions_json(&role);
    EXPECT_JSON_EQ(json, "{'companies': {'read': 'team', 'create': 'own', 'update': 'own',"
                         " 'delete': 'own', 'export': 'own', 'import': 'none', 'merge': 'none',"
                         " 'reassign': 'none'},"
                         " 'contacts': {'read': 'own', 'create': 'own', 'update': 'own',"
                         " 'delete': 'own', 'export': 'own', 'import': 'own', 'merge': 'own',"
                         " 'reassign': 'none'},"
                         " 'deals': {'read': 'own', 'create': 'own', 'update': 'own',"
                         " 'delete': 'own', 'export': 'own', 'import': 'none', 'merge': 'own',"
                         " 'reassign': 'none'},"
                         " 'competitors': {'read': 'all', 'create': 'own', 'update': 'own',"
                         " 'delete': 'own', 'export': 'all', 'import': 'none', 'merge': 'none',"
                         " 'reassign': 'none'},"
                         " 'products': {'read': 'all', 'create': 'none', 'update': 'none',"
                         " 'delete': 'none', 'export': 'all', 'import': 'none', 'merge': 'none',"
                         " 'reassign': 'none'},"
                         " 'quotes': {'read': 'own', 'create': 'own', 'update': 'own',"
                         " 'delete': 'own', 'export': 'own', 'import': 'none', 'merge': 'own',"
                         " 'reassign': 'none'},"
                         " 'leads': {'read': 'own', 'create': 'own', 'update': 'own',"
                         " 'delete': 'own', 'export': 'own', 'import': 'none', 'merge': 'own',"
                         " 'reassign': 'none'},"
                         " 'lead-scoring-rules': {'read': 'all', 'create': 'none', 'update': 'none',"
                         " 'delete': 'none', 'export': 'none', 'import': 'none', 'merge': 'none',"
                         " 'reassign': 'none'},"
                         " 'lead-assignment-rules': {'read': 'all', 'create': 'none',"
                         " 'update': 'none', 'delete': 'none', 'export': 'none', 'import': 'none',"
                         " 'merge': 'none', 'reassign': 'none'},"
                         " 'forms': {'read': 'all', 'create': 'none', 'update': 'none',"
                         " 'delete': 'none', 'export': 'none', 'import': 'none', 'merge': 'none',"
                         " 'reassign': 'none'},"
                         " 'price-lists': {'read': 'all', 'create': 'none', 'update': 'none',"
                         " 'delete': 'none', 'export': 'all', 'import': 'none', 'merge': 'none',"
                         " 'reassign': 'none'},"
                         " 'activities': {'read': 'own', 'create': 'own', 'update': 'own',"
                         " 'delete': 'own', 'export': 'own', 'import': 'none', 'merge': 'own',"
                         " 'reassign': 'none'},"
                         " 'tasks': {'read': 'own', 'create': 'own', 'update': 'own',"
                         " 'delete': 'own', 'export': 'own', 'import': 'none', 'merge': 'own',"
                         " 'reassign': 'none'}}");
    json_decref(json);
}

TEST(role_permissions_json_parses_back_to_the_same_role)
{
    struct arena *arena = arena_new();
    for (size_t i = 0; i < role_builtin_count(); i++) {
        struct role role = builtin(i);
        json_t *json = role_permissions_json(&role);
        struct role again = {0};
        struct err err;
        err_clear(&err);
        EXPECT_INT_EQ(role_parse(arena, json, NULL, role.is_admin, &again, &err), 0);
        EXPECT(memcmp(again.scopes, role.scopes, sizeof(role.scopes)) == 0);
        json_decref(json);
    }
    arena_free(arena);
}

TEST(role_fields_json_lists_only_entities_with_rules)
{
    struct arena *arena = arena_new();
    struct role role = parsed(arena, NULL,
                              "{'contacts': {'birthday': 'hidden', 'custom.vip': 'read_only',"
                              " 'source': 'full'}, 'companies': {}}");
    json_t *json = role_fields_json(&role);
    EXPECT_JSON_EQ(json, "{'contacts': {'birthday': 'hidden', 'custom.vip': 'read_only'}}");
    json_decref(json);
    struct role plain = builtin(MANAGER);
    json = role_fields_json(&plain);
    EXPECT_JSON_EQ(json, "{}");
    json_decref(json);
    arena_free(arena);
}

TEST(hidden_fields_are_removed_from_a_record_and_from_a_list)
{
    struct arena *arena = arena_new();
    struct role role = parsed(arena, NULL,
                              "{'contacts': {'birthday': 'hidden', 'source': 'read_only'},"
                              " 'companies': {'industry': 'hidden'}}");
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    json_t *record = fixture_json("{'id': 1, 'birthday': '1990-01-02', 'source': 'web'}");
    actor_hide_fields(&actor, &entity_contacts, record);
    EXPECT_JSON_EQ(record, "{'id': 1, 'source': 'web'}");
    json_t *list = fixture_json("[{'id': 1, 'birthday': '1990-01-02'}, {'id': 2}, 5]");
    actor_hide_fields(&actor, &entity_contacts, list);
    EXPECT_JSON_EQ(list, "[{'id': 1}, {'id': 2}, 5]");
    json_t *company = fixture_json("{'id': 1, 'birthday': 'x', 'industry': 'retail'}");
    actor_hide_fields(&actor, &entity_companies, company);
    EXPECT_JSON_EQ(company, "{'id': 1, 'birthday': 'x'}");
    json_decref(record);
    json_decref(list);
    json_decref(company);
    arena_free(arena);
}

TEST(hidden_custom_field_removed)
{
    struct arena *arena = arena_new();
    struct role role = parsed(arena, NULL, "{'contacts': {'custom.vip_level': 'hidden'}}");
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    json_t *record =
        fixture_json("{'id': 1, 'vip_level': 'top', 'custom': {'vip_level': 3, 'region': 'n'}}");
    actor_hide_fields(&actor, &entity_contacts, record);
    EXPECT_JSON_EQ(record, "{'id': 1, 'vip_level': 'top', 'custom': {'region': 'n'}}");
    json_decref(record);
    arena_free(arena);
}

TEST(hidden_company_ids_also_remove_the_expanded_companies)
{
    struct arena *arena = arena_new();
    struct role role = parsed(arena, NULL, "{'contacts': {'company_ids': 'hidden'}}");
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    json_t *record = fixture_json("{'id': 1, 'company_ids': [4],"
                                  " 'companies': [{'id': 4, 'role': null, 'name': 'Acme'}]}");
    actor_hide_fields(&actor, &entity_contacts, record);
    EXPECT_JSON_EQ(record, "{'id': 1}");
    json_decref(record);
    arena_free(arena);
}

TEST(records_keep_every_field_when_nothing_is_hidden)
{
    struct role role = builtin(SALES_REP);
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    json_t *record = fixture_json("{'id': 1, 'birthday': '1990-01-02', 'custom': {'a': 1}}");
    actor_hide_fields(&actor, &entity_contacts, record);
    actor_hide_fields(NULL, &entity_contacts, record);
    EXPECT_JSON_EQ(record, "{'id': 1, 'birthday': '1990-01-02', 'custom': {'a': 1}}");
    json_decref(record);
}

static const struct custom_field contact_custom_items[] = {
    {1, "contacts", "vip_level", "VIP level", NULL, NULL, false},
    {2, "contacts", "region", "Region", NULL, NULL, false},
};

TEST(the_filter_schema_leaves_out_hidden_fields)
{
    struct arena *arena = arena_new();
    struct custom_field items[2] = {contact_custom_items[0], contact_custom_items[1]};
    items[0].type = custom_type_find("integer");
    items[1].type = custom_type_find("text");
    struct custom_fields custom = {items, 2};
    const struct schema *schema = record_filter_schema(arena, &entity_contacts, &custom);

    struct role plain = builtin(READ_ONLY);
    struct actor viewer = actor_with(&plain, TOKEN_SCOPE_ALL);
    EXPECT(actor_filter_schema(arena, &viewer, &entity_contacts, schema) == schema);

    struct role role = parsed(arena, NULL,
                              "{'contacts': {'birthday': 'hidden', 'custom.vip_level': 'hidden',"
                              " 'source': 'read_only'}}");
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    const struct schema *narrow = actor_filter_schema(arena, &actor, &entity_contacts, schema);
    EXPECT(narrow != schema);
    EXPECT_INT_EQ(narrow->n_fields, schema->n_fields - 2);
    EXPECT(schema_find_field(narrow, "birthday", 8) == NULL);
    EXPECT(schema_find_field(narrow, "custom.vip_level", 16) == NULL);
    EXPECT(schema_find_field(narrow, "custom.region", 13) != NULL);
    EXPECT(schema_find_field(narrow, "source", 6) != NULL);
    EXPECT(schema_find_field(schema, "birthday", 8) != NULL);
    EXPECT_STR_EQ(narrow->table, "contacts");
    /* This role reads no companies, so it cannot filter contacts by them either. */
    EXPECT_INT_EQ(narrow->n_relations, 0);
    arena_free(arena);
}

/* The relation of schema named name, or NULL. */
static const struct schema_relation *relation_named(const struct schema *schema, const char *name)
{
    for (size_t i = 0; i < schema->n_relations; i++) {
        if (strcmp(schema->relations[i].name, name) == 0)
            return &schema->relations[i];
    }
    return NULL;
}

TEST(a_filter_follows_relations_to_records_the_caller_reads_only_some_of)
{
    struct arena *arena = arena_new();
    struct custom_fields custom = {NULL, 0};
    const struct schema *schema = record_filter_schema(arena, &entity_contacts, &custom);
    /* A sales rep reads companies with team scope: the store limits the related rows. */
    struct role role = builtin(SALES_REP);
    struct actor rep = actor_with(&role, TOKEN_SCOPE_ALL);
    const struct schema *narrow = actor_filter_schema(arena, &rep, &entity_contacts, schema);
    EXPECT(schema->n_relations > 0);
    EXPECT(narrow == schema);
    EXPECT(relation_named(narrow, "company") != NULL);

    struct role own = parsed(arena, "{'contacts': {'read': 'all'}, 'companies': {'read': 'own'}}",
                             NULL);
    struct actor owner = actor_with(&own, TOKEN_SCOPE_ALL);
    narrow = actor_filter_schema(arena, &owner, &entity_contacts, schema);
    EXPECT_INT_EQ(narrow->n_relations, schema->n_relations);
    arena_free(arena);
}

TEST(a_filter_cannot_follow_relations_to_entities_the_caller_reads_none_of)
{
    struct arena *arena = arena_new();
    const struct schema *schema = record_filter_schema(arena, &entity_contacts, NULL);
    struct role role = parsed(arena, "{'contacts': {'read': 'all'}, 'companies': {'read': 'none'}}",
                              NULL);
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    const struct schema *narrow = actor_filter_schema(arena, &actor, &entity_contacts, schema);
    EXPECT(narrow != schema);
    EXPECT_INT_EQ(narrow->n_relations, 0);
    EXPECT_INT_EQ(narrow->n_fields, schema->n_fields);

    /* A token without the read scope reads nothing, so follows nothing. */
    struct role admin = builtin(ADMIN);
    struct actor writer = actor_with(&admin, TOKEN_SCOPE_WRITE);
    EXPECT_INT_EQ(actor_filter_schema(arena, &writer, &entity_contacts, schema)->n_relations, 0);
    arena_free(arena);
}

TEST(a_field_hidden_on_the_target_cannot_be_filtered_through_a_relation)
{
    struct arena *arena = arena_new();
    struct err err;
    const struct schema *contacts = record_filter_schema(arena, &entity_contacts, NULL);
    const struct schema *companies = record_filter_schema(arena, &entity_companies, NULL);
    struct role role = parsed(arena, "{'contacts': {'read': 'own'}, 'companies': {'read': 'team'}}",
                              "{'companies': {'industry': 'hidden', 'website': 'read_only'}}");
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);

    const struct schema *narrow = actor_filter_schema(arena, &actor, &entity_contacts, contacts);
    const struct schema_relation *company = relation_named(narrow, "company");
    EXPECT(company != NULL);
    EXPECT(company->target != relation_named(contacts, "company")->target);
    EXPECT(schema_find_field(company->target, "industry", 8) == NULL);
    EXPECT(schema_find_field(company->target, "name", 4) != NULL);
    EXPECT(schema_find_field(company->target, "website", 7) != NULL);
    EXPECT_STR_EQ(company->target->table, "companies");
    /* The shared target schema keeps the field for everyone else. */
    EXPECT(schema_find_field(relation_named(contacts, "company")->target, "industry", 8) != NULL);
    /* Contacts' own fields are all still there. */
    EXPECT_INT_EQ(narrow->n_fields, contacts->n_fields);

    err_clear(&err);
    static const char hidden[] = "company.industry = 'Retail'";
    EXPECT(filter_parse(arena, narrow, hidden, sizeof(hidden) - 1, &err) == NULL);
    EXPECT_INT_EQ(err.code, ERR_BAD_FILTER);
    EXPECT_CONTAINS(err.detail, "unknown field 'company.industry'");
    err_clear(&err);
    static const char shown[] = "company.name = 'Acme'";
    EXPECT(filter_parse(arena, narrow, shown, sizeof(shown) - 1, &err) != NULL);

    /* The same through a foreign key relation to the same entity. */
    narrow = actor_filter_schema(arena, &actor, &entity_companies, companies);
    const struct schema_relation *parent = relation_named(narrow, "parent");
    EXPECT(parent != NULL);
    EXPECT(schema_find_field(narrow, "industry", 8) == NULL);
    EXPECT(schema_find_field(parent->target, "industry", 8) == NULL);
    EXPECT(schema_find_field(parent->target, "name", 4) != NULL);
    arena_free(arena);
}

TEST(the_filter_schema_drops_relations_through_hidden_fields)
{
    struct arena *arena = arena_new();
    const struct schema *contacts = record_filter_schema(arena, &entity_contacts, NULL);
    const struct schema *companies = record_filter_schema(arena, &entity_companies, NULL);
    struct role role = parsed(arena, NULL,
                              "{'contacts': {'company_ids': 'hidden'},"
                              " 'companies': {'parent_id': 'hidden'}}");
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    const struct schema *narrow = actor_filter_schema(arena, &actor, &entity_contacts, contacts);
    EXPECT_INT_EQ(narrow->n_fields, contacts->n_fields);
    EXPECT_INT_EQ(narrow->n_relations, 0);
    narrow = actor_filter_schema(arena, &actor, &entity_companies, companies);
    EXPECT(schema_find_field(narrow, "parent_id", 9) == NULL);
    EXPECT_INT_EQ(narrow->n_relations, 0);
    arena_free(arena);
}

TEST(writing_hidden_or_read_only_fields_is_a_field_error)
{
    struct arena *arena = arena_new();
    struct role role = parsed(arena, NULL,
                              "{'contacts': {'birthday': 'hidden', 'source': 'read_only',"
                              " 'custom.vip_level': 'read_only', 'owner_id': 'read_only',"
                              " 'company_ids': 'read_only'}}");
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    json_t *body = fixture_json("{'first_name': 'Ivan', 'birthday': null, 'source': 'web',"
                                " 'owner_id': 9, 'companies': [{'id': 1}],"
                                " 'custom': {'vip_level': 2, 'region': 'n'}}");
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(actor_check_writable(&actor, &entity_contacts, body, &err), -ERR_VALIDATION);
    EXPECT_INT_EQ(err.code, ERR_VALIDATION);
    EXPECT_INT_EQ(err.n_fields, 4);
    EXPECT_FIELD_ERROR(&err, "birthday", "you may not change this field");
    EXPECT_FIELD_ERROR(&err, "source", "you may not change this field");
    EXPECT_FIELD_ERROR(&err, "companies", "you may not change this field");
    EXPECT_FIELD_ERROR(&err, "custom.vip_level", "you may not change this field");
    EXPECT_NO_FIELD_ERROR(&err, "owner_id");
    EXPECT_NO_FIELD_ERROR(&err, "custom.region");
    EXPECT_NO_FIELD_ERROR(&err, "first_name");
    json_decref(body);
    arena_free(arena);
}

TEST(a_body_of_writable_fields_passes)
{
    struct arena *arena = arena_new();
    struct role role = parsed(arena, NULL, "{'companies': {'industry': 'read_only'}}");
    struct actor actor = actor_with(&role, TOKEN_SCOPE_ALL);
    json_t *body = fixture_json("{'industry': 'retail', 'custom': {'vip_level': 2}}");
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(actor_check_writable(&actor, &entity_contacts, body, &err), 0);
    EXPECT_INT_EQ(err.code, ERR_OK);
    EXPECT_INT_EQ(actor_check_writable(&actor, &entity_companies, body, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "industry", "you may not change this field");
    json_decref(body);
    arena_free(arena);
}
