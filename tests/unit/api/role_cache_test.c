/*
 * Tests for src/api/role_cache.c: a role is parsed once per id and version,
 * a new version is parsed again while requests holding the old one keep it,
 * and a damaged role is an internal error.
 */
#include "api/role_cache.h"

#include <string.h>

#include "base/arena.h"
#include "domain/entity.h"
#include "../test.h"

static const struct role_text sales_v1 = {
    .id = 3,
    .version = 1,
    .name = "sales_rep",
    .permissions = "{\"contacts\":{\"read\":\"own\"}}",
    .fields = "{\"contacts\":{\"birthday\":\"hidden\"}}",
};

static enum access_scope contacts_read(const struct role *role)
{
    return role->scopes[entity_index(entity_find("contacts"))][ACCESS_READ];
}

TEST(role_cache_parses_a_role_once_per_version)
{
    struct role_cache *cache = role_cache_new();
    struct arena *first = arena_new(), *second = arena_new();
    struct err err;
    err_clear(&err);
    const struct role *a = NULL, *b = NULL;
    EXPECT_INT_EQ(role_cache_get(cache, first, &sales_v1, &a, &err), 0);
    EXPECT_INT_EQ(role_cache_get(cache, second, &sales_v1, &b, &err), 0);
    EXPECT(a == b);
    EXPECT_INT_EQ(a->id, 3);
    EXPECT_STR_EQ(a->name, "sales_rep");
    EXPECT_INT_EQ(contacts_read(a), SCOPE_OWN);
    EXPECT_INT_EQ(a->n_field_rules, 1);
    arena_free(first);
    arena_free(second);
    role_cache_free(cache);
}

TEST(role_cache_parses_a_new_version_and_keeps_the_old_one_for_its_holders)
{
    struct role_cache *cache = role_cache_new();
    struct arena *old_request = arena_new(), *new_request = arena_new();
    struct err err;
    err_clear(&err);
    const struct role *old_role = NULL, *new_role = NULL;
    EXPECT_INT_EQ(role_cache_get(cache, old_request, &sales_v1, &old_role, &err), 0);
    struct role_text v2 = sales_v1;
    v2.version = 2;
    v2.permissions = "{\"contacts\":{\"read\":\"all\"}}";
    v2.fields = "{}";
    EXPECT_INT_EQ(role_cache_get(cache, new_request, &v2, &new_role, &err), 0);
    EXPECT(old_role != new_role);
    EXPECT_INT_EQ(contacts_read(new_role), SCOPE_ALL);
    EXPECT_INT_EQ(new_role->n_field_rules, 0);
    /* The request that began before the edit still reads its role intact. */
    EXPECT_INT_EQ(contacts_read(old_role), SCOPE_OWN);
    EXPECT_STR_EQ(old_role->name, "sales_rep");
    arena_free(old_request);
    EXPECT_INT_EQ(contacts_read(new_role), SCOPE_ALL);
    arena_free(new_request);
    role_cache_free(cache);
}

TEST(role_cache_outlives_no_request_and_parses_without_a_cache)
{
    struct arena *arena = arena_new();
    struct err err;
    err_clear(&err);
    const struct role *role = NULL;
    struct role_cache *cache = role_cache_new();
    EXPECT_INT_EQ(role_cache_get(cache, arena, &sales_v1, &role, &err), 0);
    role_cache_free(cache); /* the request's hold keeps the entry */
    EXPECT_INT_EQ(contacts_read(role), SCOPE_OWN);
    arena_free(arena);

    arena = arena_new();
    EXPECT_INT_EQ(role_cache_get(NULL, arena, &sales_v1, &role, &err), 0);
    EXPECT_INT_EQ(contacts_read(role), SCOPE_OWN);
    arena_free(arena);
}

TEST(role_cache_refuses_a_damaged_role_as_an_internal_error)
{
    struct role_cache *cache = role_cache_new();
    struct arena *arena = arena_new();
    struct err err;
    err_clear(&err);
    const struct role *role = NULL;
    struct role_text broken = sales_v1;
    broken.permissions = "{\"contacts\":";
    EXPECT_INT_EQ(role_cache_get(cache, arena, &broken, &role, &err), -ERR_INTERNAL);
    EXPECT_CONTAINS(err.detail, "sales_rep");
    err_clear(&err);
    broken.permissions = "{\"planets\":{\"read\":\"all\"}}";
    EXPECT_INT_EQ(role_cache_get(cache, arena, &broken, &role, &err), -ERR_INTERNAL);
    arena_free(arena);
    role_cache_free(cache);
}
