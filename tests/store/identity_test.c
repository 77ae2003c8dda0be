/*
 * The store contract for identity: users, teams, roles, sessions, API
 * tokens, recovery codes, sign-in failure counts and the audit log, against
 * SQLite and, when CRM_TEST_PG_URL is set, PostgreSQL (store_fixture.h).
 */
#include "store/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "base/arena.h"
#include "domain/access.h"

#include "store_fixture.h"

/* ---- helpers ---- */

static int64_t role_ok(struct fixture *fx, const char *role_text)
{
    int64_t id = 0;
    err_clear(&fx->err);
    if (store_role_insert(fx->conn, fx->arena, keep(fx, json_of(role_text)), &id, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "role %s: %s", role_text, fx->err.detail);
    return id;
}

static int64_t team_ok(struct fixture *fx, const char *name)
{
    int64_t id = 0;
    err_clear(&fx->err);
    if (store_team_insert(fx->conn, fx->arena, name, &id, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "team %s: %s", name, fx->err.detail);
    return id;
}

static int user_insert(struct fixture *fx, const char *email, const char *name, int64_t role_id,
                       int64_t team_id, int64_t *id)
{
    json_t *fields = keep(fx, json_pack("{s:s,s:s,s:I,s:s}", "email", email, "name", name,
                                        "role_id", (json_int_t)role_id, "password_hash",
                                        "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA"));
    if (team_id != 0)
        json_object_set_new(fields, "team_id", json_integer((json_int_t)team_id));
    err_clear(&fx->err);
    return store_user_insert(fx->conn, fx->arena, fields, id, &fx->err);
}

static int64_t user_ok(struct fixture *fx, const char *email, const char *name, int64_t role_id,
                       int64_t team_id)
{
    int64_t id = 0;
    if (user_insert(fx, email, name, role_id, team_id, &id) < 0)
        test_fail(__FILE__, __LINE__, "user %s: %s", email, fx->err.detail);
    return id;
}

static int user_update(struct fixture *fx, int64_t id, const char *fields_text)
{
    err_clear(&fx->err);
    return store_user_update(fx->conn, fx->arena, id, keep(fx, json_of(fields_text)), &fx->err);
}

static json_t *user_json(struct fixture *fx, int64_t id)
{
    json_t *user = NULL;
    err_clear(&fx->err);
    if (store_user_get(fx->conn, fx->arena, id, &user, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "user %lld: %s", (long long)id, fx->err.detail);
    return keep(fx, user);
}

/* The values of one member of every object of an array, as "a,b,c". */
static const char *column_of(struct fixture *fx, const json_t *list, const char *key)
{
    char *text = arena_strdup(fx->arena, "");
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        const json_t *v = json_object_get(item, key);
        char *one = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        text = arena_printf(fx->arena, "%s%s%s", text, i ? "," : "", one ? one : "?");
        free(one);
    }
    return text;
}

#define SALES_ROLE                                                                                 \
    "{\"name\":\"sales_rep\",\"label\":\"Sales rep\",\"builtin\":true,"                            \
    "\"permissions\":{\"contacts\":{\"read\":\"own\"}},"                                           \
    "\"fields\":{\"contacts\":{\"birthday\":\"hidden\"}}}"

/* ---- users ---- */

TEST(users_are_found_by_e_mail_in_any_case_and_a_taken_e_mail_is_a_conflict)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t role = role_ok(&fx, SALES_ROLE);
    int64_t team = team_ok(&fx, "North");
    int64_t anna = user_ok(&fx, "Anna.K@Example.COM", "Anna Kowalska", role, team);

    struct auth_user user;
    EXPECT_OK(store_user_find_by_email(fx.conn, fx.arena, "anna.k@EXAMPLE.com", &user, &fx.err));
    EXPECT_INT_EQ(user.id, anna);
    EXPECT_STR_EQ(user.email, "anna.k@example.com");
    EXPECT_STR_EQ(user.name, "Anna Kowalska");
    EXPECT_STR_EQ(user.password_hash, "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA");
    EXPECT_INT_EQ(user.role_id, role);
    EXPECT_INT_EQ(user.team_id, team);
    EXPECT(!user.disabled);
    EXPECT(!user.password_must_change);
    EXPECT(!user.totp_enabled);
    EXPECT(user.totp_secret == NULL);
    EXPECT_STR_EQ(user.role_name, "sales_rep");
    EXPECT(!user.role_is_admin);
    EXPECT_JSON(keep(&fx, json_loads(user.role_permissions, 0, NULL)),
                "{\"contacts\":{\"read\":\"own\"}}");
    EXPECT_JSON(keep(&fx, json_loads(user.role_fields, 0, NULL)),
                "{\"contacts\":{\"birthday\":\"hidden\"}}");
    EXPECT_INT_EQ(user.role_version, 1);

    EXPECT_OK(store_user_find_by_id(fx.conn, fx.arena, anna, &user, &fx.err));
    EXPECT_STR_EQ(user.email, "anna.k@example.com");

    int64_t other = 0;
    EXPECT_INT_EQ(user_insert(&fx, "ANNA.K@example.com", "Another", role, 0, &other),
                  -ERR_CONFLICT);
    EXPECT_STR_EQ(field_of(&fx), "email");

    err_clear(&fx.err);
    EXPECT_INT_EQ(store_user_find_by_email(fx.conn, fx.arena, "nobody@example.com", &user, &fx.err),
                  -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_user_find_by_id(fx.conn, fx.arena, 987654, &user, &fx.err), -ERR_NOT_FOUND);

    int64_t n = -1;
    EXPECT_OK(store_user_count(fx.conn, fx.arena, &n, &fx.err));
    EXPECT_INT_EQ(n, 1);

    /* A field the store does not know is the caller's mistake, never passed through. */
    err_clear(&fx.err);
    int64_t id = 0;
    json_t *odd = keep(&fx, json_pack("{s:s,s:s,s:I,s:b}", "email", "x@example.com", "name", "X",
                                      "role_id", (json_int_t)role, "is_admin", 1));
    EXPECT_INT_EQ(store_user_insert(fx.conn, fx.arena, odd, &id, &fx.err), -ERR_INTERNAL);
    /* An unknown role or team is a validation error from the foreign key. */
    EXPECT_INT_EQ(user_insert(&fx, "y@example.com", "Y", 424242, 0, &id), -ERR_VALIDATION);
    EXPECT_INT_EQ(user_insert(&fx, "y@example.com", "Y", role, 424242, &id), -ERR_VALIDATION);
    fixture_close(&fx);
}

TEST(user_json_has_the_role_name_and_disabled_and_never_a_secret)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t role = role_ok(&fx, SALES_ROLE);
    int64_t anna = user_ok(&fx, "anna@example.com", "Anna", role, 0);
    EXPECT_OK(user_update(&fx, anna, "{\"totp_secret\":\"JBSWY3DPEHPK3PXP\"}"));

    json_t *user = user_json(&fx, anna);
    json_t *shape = keep(&fx, json_deep_copy(user));
    EXPECT(text_at(user, "created_at") != NULL && text_at(user, "updated_at") != NULL);
    json_object_del(shape, "created_at");
    json_object_del(shape, "updated_at");
    char *expected = arena_printf(
        fx.arena,
        "{\"id\":%lld,\"email\":\"anna@example.com\",\"name\":\"Anna\",\"role\":\"sales_rep\","
        "\"role_id\":%lld,\"team_id\":null,\"disabled\":false,\"totp_enabled\":false,"
        "\"password_must_change\":false,\"last_sign_in_at\":null,\"version\":2,"
        "\"time_zone\":\"UTC\"}",
        (long long)anna, (long long)role);
    EXPECT_JSON(shape, expected);
    char *dump = json_dumps(user, JSON_COMPACT);
    EXPECT(strstr(dump, "argon2") == NULL);
    EXPECT(strstr(dump, "JBSWY3DPEHPK3PXP") == NULL);
    free(dump);

    err_clear(&fx.err);
    json_t *none = NULL;
    EXPECT_INT_EQ(store_user_get(fx.conn, fx.arena, 987654, &none, &fx.err), -ERR_NOT_FOUND);
    fixture_close(&fx);
}

TEST(user_update_sets_only_the_named_fields_and_bumps_the_version)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t role = role_ok(&fx, SALES_ROLE);
    int64_t admin = role_ok(&fx, "{\"name\":\"admin\",\"label\":\"Admin\",\"is_admin\":true}");
    int64_t team = team_ok(&fx, "North");
    int64_t anna = user_ok(&fx, "anna@example.com", "Anna", role, team);
    int64_t bob = user_ok(&fx, "bob@example.com", "Bob", role, 0);

    EXPECT_OK(user_update(&fx, anna,
                          "{\"name\":\"Anna K\",\"email\":\"Anna.K@Example.com\",\"team_id\":null,"
                          "\"password_must_change\":true,\"totp_enabled\":true,"
                          "\"totp_secret\":\"JBSWY3DPEHPK3PXP\",\"totp_last_step\":57000000,"
                          "\"last_sign_in_at\":\"2026-01-02T03:04:05.000Z\"}"));
    struct auth_user user;
    EXPECT_OK(store_user_find_by_email(fx.conn, fx.arena, "anna.k@example.com", &user, &fx.err));
    EXPECT_STR_EQ(user.name, "Anna K");
    EXPECT_INT_EQ(user.team_id, 0);
    EXPECT(user.password_must_change);
    EXPECT(user.totp_enabled);
    EXPECT_STR_EQ(user.totp_secret, "JBSWY3DPEHPK3PXP");
    EXPECT_INT_EQ(user.totp_last_step, 57000000);
    EXPECT_STR_EQ(user.password_hash, "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA");
    json_t *json = user_json(&fx, anna);
    EXPECT_STR_EQ(text_at(json, "last_sign_in_at"), "2026-01-02T03:04:05.000Z");
    EXPECT_INT_EQ(json_integer_value(json_object_get(json, "version")), 2);

    /* Role and team move; a password hash can be cleared. */
    EXPECT_OK(user_update(&fx, anna,
                          arena_printf(fx.arena,
                                       "{\"role_id\":%lld,\"team_id\":%lld,"
                                       "\"password_hash\":null,\"totp_secret\":null}",
                                       (long long)admin, (long long)team)));
    EXPECT_OK(store_user_find_by_id(fx.conn, fx.arena, anna, &user, &fx.err));
    EXPECT_STR_EQ(user.role_name, "admin");
    EXPECT(user.role_is_admin);
    EXPECT_INT_EQ(user.team_id, team);
    EXPECT(user.password_hash == NULL);
    EXPECT(user.totp_secret == NULL);

    /* Disabling, twice, then enabling. */
    EXPECT_OK(user_update(&fx, bob, "{\"disabled\":true}"));
    EXPECT_OK(store_user_find_by_id(fx.conn, fx.arena, bob, &user, &fx.err));
    EXPECT(user.disabled);
    EXPECT(json_is_true(json_object_get(user_json(&fx, bob), "disabled")));
    EXPECT_OK(user_update(&fx, bob, "{\"disabled\":true}"));
    EXPECT(json_is_true(json_object_get(user_json(&fx, bob), "disabled")));
    EXPECT_OK(user_update(&fx, bob, "{\"disabled\":false}"));
    EXPECT_OK(store_user_find_by_id(fx.conn, fx.arena, bob, &user, &fx.err));
    EXPECT(!user.disabled);
    EXPECT_INT_EQ(json_integer_value(json_object_get(user_json(&fx, bob), "version")), 4);

    /* Taking someone else's e-mail, in another case, is a conflict. */
    EXPECT_INT_EQ(user_update(&fx, bob, "{\"email\":\"ANNA.K@example.com\"}"), -ERR_CONFLICT);
    EXPECT_STR_EQ(field_of(&fx), "email");
    EXPECT_INT_EQ(user_update(&fx, 987654, "{\"name\":\"Ghost\"}"), -ERR_NOT_FOUND);
    EXPECT_INT_EQ(user_update(&fx, bob, "{\"disabled_at\":\"2026-01-01\"}"), -ERR_INTERNAL);
    EXPECT_INT_EQ(user_update(&fx, bob, "{\"disabled\":\"yes\"}"), -ERR_INTERNAL);
    fixture_close(&fx);
}

TEST(users_list_matches_q_in_name_or_e_mail_and_pages_by_id)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t role = role_ok(&fx, SALES_ROLE);
    int64_t anna = user_ok(&fx, "anna@example.com", "Anna Kowalska", role, 0);
    int64_t bob = user_ok(&fx, "bob@hannover.example", "Bob 007", role, 0);
    int64_t carl = user_ok(&fx, "carl@example.com", "Carl 100% Sure", role, 0);
    int64_t dora = user_ok(&fx, "dora@example.com", "Dora_Kim", role, 0);

    json_t *list = NULL;
    EXPECT_OK(store_users_list(fx.conn, fx.arena, NULL, 0, 0, &list, &fx.err));
    keep(&fx, list);
    EXPECT_INT_EQ(json_array_size(list), 4);
    EXPECT_STR_EQ(text_at(json_array_get(list, 0), "role"), "sales_rep");
    EXPECT(json_object_get(json_array_get(list, 0), "password_hash") == NULL);

    /* q matches the name in any case, or the e-mail. */
    EXPECT_OK(store_users_list(fx.conn, fx.arena, "ANN", 0, 0, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(column_of(&fx, list, "id"),
                  arena_printf(fx.arena, "%lld,%lld", (long long)anna, (long long)bob));
    /* Wildcards in q are literal characters. */
    EXPECT_OK(store_users_list(fx.conn, fx.arena, "0%", 0, 0, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(column_of(&fx, list, "id"), arena_printf(fx.arena, "%lld", (long long)carl));
    EXPECT_OK(store_users_list(fx.conn, fx.arena, "a_k", 0, 0, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(column_of(&fx, list, "id"), arena_printf(fx.arena, "%lld", (long long)dora));

    /* Pages by id: limit, then after the last id. */
    EXPECT_OK(store_users_list(fx.conn, fx.arena, NULL, 0, 2, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(column_of(&fx, list, "id"),
                  arena_printf(fx.arena, "%lld,%lld", (long long)anna, (long long)bob));
    EXPECT_OK(store_users_list(fx.conn, fx.arena, NULL, bob, 2, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(column_of(&fx, list, "id"),
                  arena_printf(fx.arena, "%lld,%lld", (long long)carl, (long long)dora));
    EXPECT_OK(store_users_list(fx.conn, fx.arena, "ann", anna, 1, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(column_of(&fx, list, "id"), arena_printf(fx.arena, "%lld", (long long)bob));
    EXPECT_OK(store_users_list(fx.conn, fx.arena, NULL, dora, 2, &list, &fx.err));
    keep(&fx, list);
    EXPECT_INT_EQ(json_array_size(list), 0);
    fixture_close(&fx);
}

/* ---- teams ---- */

TEST(teams_count_their_members_and_a_team_with_members_cannot_be_deleted)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t role = role_ok(&fx, SALES_ROLE);
    int64_t north = team_ok(&fx, "North");
    int64_t east = team_ok(&fx, "East");
    int64_t anna = user_ok(&fx, "anna@example.com", "Anna", role, north);
    user_ok(&fx, "bob@example.com", "Bob", role, north);
    user_ok(&fx, "carl@example.com", "Carl", role, 0);

    json_t *list = NULL;
    EXPECT_OK(store_teams_list(fx.conn, fx.arena, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(column_of(&fx, list, "name"), "\"East\",\"North\"");
    EXPECT_STR_EQ(column_of(&fx, list, "members"), "0,2");

    json_t *team = NULL;
    EXPECT_OK(store_team_get(fx.conn, fx.arena, north, &team, &fx.err));
    keep(&fx, team);
    json_t *shape = keep(&fx, json_deep_copy(team));
    EXPECT(text_at(team, "created_at") != NULL && text_at(team, "updated_at") != NULL);
    json_object_del(shape, "created_at");
    json_object_del(shape, "updated_at");
    EXPECT_JSON(shape, arena_printf(fx.arena,
                                    "{\"id\":%lld,\"name\":\"North\",\"version\":1,\"members\":2}",
                                    (long long)north));

    int64_t id = 0;
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_team_insert(fx.conn, fx.arena, "North", &id, &fx.err), -ERR_CONFLICT);
    EXPECT_STR_EQ(field_of(&fx), "name");
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_team_update(fx.conn, fx.arena, east, "North", &fx.err), -ERR_CONFLICT);
    EXPECT_OK(store_team_update(fx.conn, fx.arena, east, "West", &fx.err));
    EXPECT_OK(store_team_get(fx.conn, fx.arena, east, &team, &fx.err));
    keep(&fx, team);
    EXPECT_STR_EQ(text_at(team, "name"), "West");
    EXPECT_INT_EQ(json_integer_value(json_object_get(team, "version")), 2);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_team_update(fx.conn, fx.arena, 987654, "Nowhere", &fx.err), -ERR_NOT_FOUND);

    err_clear(&fx.err);
    EXPECT_INT_EQ(store_team_delete(fx.conn, fx.arena, north, &fx.err), -ERR_CONFLICT);
    EXPECT_CONTAINS(fx.err.detail, "2 members");
    EXPECT_OK(store_team_delete(fx.conn, fx.arena, east, &fx.err));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_team_get(fx.conn, fx.arena, east, &team, &fx.err), -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_team_delete(fx.conn, fx.arena, east, &fx.err), -ERR_NOT_FOUND);

    /* Once its members have moved away the team goes. */
    EXPECT_OK(user_update(&fx, anna, "{\"team_id\":null}"));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_team_delete(fx.conn, fx.arena, north, &fx.err), -ERR_CONFLICT);
    EXPECT_CONTAINS(fx.err.detail, "1 member");
    fixture_close(&fx);
}

/* ---- roles ---- */

TEST(roles_round_trip_their_permissions_and_a_role_in_use_cannot_be_deleted)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t sales = role_ok(&fx, SALES_ROLE);
    int64_t auditor = role_ok(&fx, "{\"name\":\"auditor\",\"label\":\"Auditor\","
                                   "\"permissions\":{\"companies\":{\"read\":\"all\"}}}");

    json_t *role = NULL;
    EXPECT_OK(store_role_get(fx.conn, fx.arena, sales, &role, &fx.err));
    keep(&fx, role);
    json_t *shape = keep(&fx, json_deep_copy(role));
    EXPECT(text_at(role, "created_at") != NULL && text_at(role, "updated_at") != NULL);
    json_object_del(shape, "created_at");
    json_object_del(shape, "updated_at");
    EXPECT_JSON(shape, arena_printf(fx.arena,
                                    "{\"id\":%lld,\"name\":\"sales_rep\",\"label\":\"Sales rep\","
                                    "\"builtin\":true,\"is_admin\":false,"
                                    "\"permissions\":{\"contacts\":{\"read\":\"own\"}},"
                                    "\"fields\":{\"contacts\":{\"birthday\":\"hidden\"}},"
                                    "\"version\":1}",
                                    (long long)sales));

    EXPECT_OK(store_role_find_by_name(fx.conn, fx.arena, "auditor", &role, &fx.err));
    keep(&fx, role);
    EXPECT_INT_EQ(json_integer_value(json_object_get(role, "id")), auditor);
    EXPECT_JSON(json_object_get(role, "fields"), "{}");
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_role_find_by_name(fx.conn, fx.arena, "nobody", &role, &fx.err),
                  -ERR_NOT_FOUND);

    json_t *list = NULL;
    EXPECT_OK(store_roles_list(fx.conn, fx.arena, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(column_of(&fx, list, "name"), "\"sales_rep\",\"auditor\"");

    int64_t id = 0;
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_role_insert(fx.conn, fx.arena,
                                    keep(&fx, json_of("{\"name\":\"auditor\",\"label\":\"X\"}")),
                                    &id, &fx.err),
                  -ERR_CONFLICT);
    EXPECT_STR_EQ(field_of(&fx), "name");

    /* Update sets what it is given and nothing else. */
    EXPECT_OK(store_role_update(
        fx.conn, fx.arena, auditor,
        keep(&fx, json_of("{\"permissions\":{\"companies\":{\"read\":\"team\"}}}")), &fx.err));
    EXPECT_OK(store_role_get(fx.conn, fx.arena, auditor, &role, &fx.err));
    keep(&fx, role);
    EXPECT_STR_EQ(text_at(role, "label"), "Auditor");
    EXPECT_JSON(json_object_get(role, "permissions"), "{\"companies\":{\"read\":\"team\"}}");
    EXPECT_INT_EQ(json_integer_value(json_object_get(role, "version")), 2);
    EXPECT_OK(store_role_update(fx.conn, fx.arena, auditor,
                                keep(&fx, json_of("{\"label\":\"Auditors\",\"fields\":"
                                                  "{\"contacts\":{\"source\":\"read_only\"}}}")),
                                &fx.err));
    EXPECT_OK(store_role_get(fx.conn, fx.arena, auditor, &role, &fx.err));
    keep(&fx, role);
    EXPECT_STR_EQ(text_at(role, "label"), "Auditors");
    EXPECT_JSON(json_object_get(role, "permissions"), "{\"companies\":{\"read\":\"team\"}}");
    EXPECT_JSON(json_object_get(role, "fields"), "{\"contacts\":{\"source\":\"read_only\"}}");
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_role_update(fx.conn, fx.arena, 987654,
                                    keep(&fx, json_of("{\"label\":\"X\"}")), &fx.err),
                  -ERR_NOT_FOUND);

    /* In use: refused; built in: refused; otherwise gone. */
    int64_t anna = user_ok(&fx, "anna@example.com", "Anna", auditor, 0);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_role_delete(fx.conn, fx.arena, auditor, &fx.err), -ERR_CONFLICT);
    EXPECT_CONTAINS(fx.err.detail, "1 user");
    EXPECT_OK(
        user_update(&fx, anna, arena_printf(fx.arena, "{\"role_id\":%lld}", (long long)sales)));
    EXPECT_OK(store_role_delete(fx.conn, fx.arena, auditor, &fx.err));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_role_get(fx.conn, fx.arena, auditor, &role, &fx.err), -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_role_delete(fx.conn, fx.arena, auditor, &fx.err), -ERR_NOT_FOUND);
    int64_t spare =
        role_ok(&fx, "{\"name\":\"read_only\",\"label\":\"Read only\",\"builtin\":true}");
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_role_delete(fx.conn, fx.arena, spare, &fx.err), -ERR_CONFLICT);
    EXPECT_CONTAINS(fx.err.detail, "built-in");
    fixture_close(&fx);
}

/* ---- sessions ---- */

TEST(sessions_are_found_by_hash_touched_and_deleted_one_or_all_but_one)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t role = role_ok(&fx, SALES_ROLE);
    int64_t anna = user_ok(&fx, "anna@example.com", "Anna", role, 0);
    int64_t bob = user_ok(&fx, "bob@example.com", "Bob", role, 0);

    /* A user agent is cut to 200 bytes on a character boundary (é takes two). */
    char agent[400];
    memset(agent, 'a', 199);
    for (size_t i = 199; i + 2 < sizeof(agent); i += 2)
        memcpy(agent + i, "\xc3\xa9", 2);
    agent[sizeof(agent) - 1] = '\0';
    struct session_row row = {.token_hash = "aa11",
                              .user_id = anna,
                              .pending_totp = true,
                              .created_at_ms = 1700000000000,
                              .last_seen_at_ms = 1700000000001,
                              .expires_at_ms = 1700086400000,
                              .client = "192.0.2.7",
                              .user_agent = agent};
    int64_t first = 0, second = 0, third = 0, bobs = 0;
    EXPECT_OK(store_session_insert(fx.conn, fx.arena, &row, &first, &fx.err));
    row.token_hash = "bb22";
    row.pending_totp = false;
    row.user_agent = NULL;
    row.client = NULL;
    EXPECT_OK(store_session_insert(fx.conn, fx.arena, &row, &second, &fx.err));
    row.token_hash = "cc33";
    EXPECT_OK(store_session_insert(fx.conn, fx.arena, &row, &third, &fx.err));
    row.token_hash = "dd44";
    row.user_id = bob;
    EXPECT_OK(store_session_insert(fx.conn, fx.arena, &row, &bobs, &fx.err));
    row.user_id = anna;
    err_clear(&fx.err);
    int64_t dup = 0;
    EXPECT_INT_EQ(store_session_insert(fx.conn, fx.arena, &row, &dup, &fx.err), -ERR_CONFLICT);

    struct session_row found;
    struct auth_user owner;
    EXPECT_OK(store_session_find_with_user(fx.conn, fx.arena, "aa11", &found, &owner, &fx.err));
    EXPECT_INT_EQ(found.id, first);
    EXPECT_STR_EQ(found.token_hash, "aa11");
    EXPECT_INT_EQ(found.user_id, anna);
    EXPECT_INT_EQ(owner.id, anna);
    EXPECT_STR_EQ(owner.role_name, "sales_rep");
    EXPECT(found.pending_totp);
    EXPECT_INT_EQ(found.created_at_ms, 1700000000000);
    EXPECT_INT_EQ(found.last_seen_at_ms, 1700000000001);
    EXPECT_INT_EQ(found.expires_at_ms, 1700086400000);
    EXPECT_STR_EQ(found.client, "192.0.2.7");
    EXPECT_INT_EQ(strlen(found.user_agent), 199);
    EXPECT(strncmp(found.user_agent, agent, 199) == 0);
    EXPECT_OK(store_session_find_with_user(fx.conn, fx.arena, "bb22", &found, &owner, &fx.err));
    EXPECT(!found.pending_totp);
    EXPECT(found.client == NULL && found.user_agent == NULL);

    EXPECT_OK(store_session_touch(fx.conn, fx.arena, second, 1700000500000, &fx.err));
    EXPECT_OK(store_session_find_with_user(fx.conn, fx.arena, "bb22", &found, &owner, &fx.err));
    EXPECT_INT_EQ(found.last_seen_at_ms, 1700000500000);
    EXPECT_INT_EQ(found.created_at_ms, 1700000000000);

    EXPECT_OK(store_session_delete(fx.conn, fx.arena, first, &fx.err));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_session_find_with_user(fx.conn, fx.arena, "aa11", &found, &owner, &fx.err), -ERR_NOT_FOUND);
    /* Deleting and touching a session that is gone is harmless. */
    EXPECT_OK(store_session_delete(fx.conn, fx.arena, first, &fx.err));
    EXPECT_OK(store_session_touch(fx.conn, fx.arena, first, 1700000600000, &fx.err));

    /* All but the current one, then all. Other users' sessions stay. */
    EXPECT_OK(store_sessions_delete_for_user(fx.conn, fx.arena, anna, third, &fx.err));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_session_find_with_user(fx.conn, fx.arena, "bb22", &found, &owner, &fx.err), -ERR_NOT_FOUND);
    EXPECT_OK(store_session_find_with_user(fx.conn, fx.arena, "cc33", &found, &owner, &fx.err));
    EXPECT_OK(store_sessions_delete_for_user(fx.conn, fx.arena, anna, 0, &fx.err));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_session_find_with_user(fx.conn, fx.arena, "cc33", &found, &owner, &fx.err), -ERR_NOT_FOUND);
    EXPECT_OK(store_session_find_with_user(fx.conn, fx.arena, "dd44", &found, &owner, &fx.err));
    EXPECT_INT_EQ(found.id, bobs);
    fixture_close(&fx);
}

/* ---- API tokens ---- */

TEST(tokens_are_found_by_hash_listed_without_it_and_revoked)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t role = role_ok(&fx, SALES_ROLE);
    int64_t anna = user_ok(&fx, "anna@example.com", "Anna", role, 0);
    int64_t bob = user_ok(&fx, "bob@example.com", "Bob", role, 0);

    struct token_row row = {.user_id = anna,
                            .name = "CI",
                            .token_hash = "hash-ci",
                            .prefix = "crm_AbCd",
                            .scopes = TOKEN_SCOPE_READ | TOKEN_SCOPE_ADMIN,
                            .expires_at = "2027-01-01T00:00:00.000Z"};
    int64_t ci = 0, sync = 0, bobs = 0;
    EXPECT_OK(store_token_insert(fx.conn, fx.arena, &row, &ci, &fx.err));
    row = (struct token_row){.user_id = anna,
                             .name = "Sync",
                             .token_hash = "hash-sync",
                             .prefix = "crm_EfGh",
                             .scopes = TOKEN_SCOPE_READ | TOKEN_SCOPE_WRITE};
    EXPECT_OK(store_token_insert(fx.conn, fx.arena, &row, &sync, &fx.err));
    row = (struct token_row){.user_id = bob,
                             .name = "Bob's",
                             .token_hash = "hash-bob",
                             .prefix = "crm_IjKl",
                             .scopes = TOKEN_SCOPE_ALL};
    EXPECT_OK(store_token_insert(fx.conn, fx.arena, &row, &bobs, &fx.err));

    struct token_row found;
    struct auth_user owner;
    EXPECT_OK(store_token_find_with_user(fx.conn, fx.arena, "hash-ci", &found, &owner, &fx.err));
    EXPECT_INT_EQ(found.id, ci);
    EXPECT_INT_EQ(found.user_id, anna);
    EXPECT_STR_EQ(found.name, "CI");
    EXPECT_INT_EQ(owner.id, anna);
    EXPECT(owner.role_permissions != NULL && owner.role_version >= 1);
    EXPECT_STR_EQ(found.token_hash, "hash-ci");
    EXPECT_STR_EQ(found.prefix, "crm_AbCd");
    EXPECT_INT_EQ(found.scopes, TOKEN_SCOPE_READ | TOKEN_SCOPE_ADMIN);
    EXPECT_STR_EQ(found.expires_at, "2027-01-01T00:00:00.000Z");
    EXPECT(found.last_used_at == NULL && found.revoked_at == NULL);
    EXPECT(found.created_at != NULL);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_token_find_with_user(fx.conn, fx.arena, "hash-none", &found, &owner, &fx.err),
                  -ERR_NOT_FOUND);

    EXPECT_OK(store_token_touch(fx.conn, fx.arena, ci, "2026-05-06T07:08:09.000Z", &fx.err));
    EXPECT_OK(store_token_find_with_user(fx.conn, fx.arena, "hash-ci", &found, &owner, &fx.err));
    EXPECT_STR_EQ(found.last_used_at, "2026-05-06T07:08:09.000Z");

    json_t *list = NULL;
    EXPECT_OK(store_tokens_list(fx.conn, fx.arena, anna, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(column_of(&fx, list, "name"), "\"Sync\",\"CI\"");
    EXPECT_OK(store_tokens_list(fx.conn, fx.arena, 0, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(column_of(&fx, list, "name"), "\"Bob's\",\"Sync\",\"CI\"");
    EXPECT_STR_EQ(column_of(&fx, list, "scopes"),
                  "[\"read\",\"write\",\"admin\"],[\"read\",\"write\"],[\"read\",\"admin\"]");

    json_t *token = NULL;
    EXPECT_OK(store_token_get(fx.conn, fx.arena, ci, &token, &fx.err));
    keep(&fx, token);
    json_t *shape = keep(&fx, json_deep_copy(token));
    EXPECT(text_at(token, "created_at") != NULL);
    json_object_del(shape, "created_at");
    EXPECT_JSON(shape, arena_printf(fx.arena,
                                    "{\"id\":%lld,\"name\":\"CI\",\"scopes\":[\"read\",\"admin\"],"
                                    "\"prefix\":\"crm_AbCd\","
                                    "\"expires_at\":\"2027-01-01T00:00:00.000Z\","
                                    "\"last_used_at\":\"2026-05-06T07:08:09.000Z\","
                                    "\"revoked_at\":null,\"user_id\":%lld}",
                                    (long long)ci, (long long)anna));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_token_get(fx.conn, fx.arena, 987654, &token, &fx.err), -ERR_NOT_FOUND);

    /* Revoked once; found still, so the caller can tell why it is refused. */
    EXPECT_OK(store_token_revoke(fx.conn, fx.arena, ci, &fx.err));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_token_revoke(fx.conn, fx.arena, ci, &fx.err), -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_token_revoke(fx.conn, fx.arena, 987654, &fx.err), -ERR_NOT_FOUND);
    EXPECT_OK(store_token_find_with_user(fx.conn, fx.arena, "hash-ci", &found, &owner, &fx.err));
    EXPECT(found.revoked_at != NULL);
    const char *revoked_at = found.revoked_at;

    EXPECT_OK(store_tokens_revoke_for_user(fx.conn, fx.arena, anna, &fx.err));
    EXPECT_OK(store_token_find_with_user(fx.conn, fx.arena, "hash-sync", &found, &owner, &fx.err));
    EXPECT(found.revoked_at != NULL);
    EXPECT_OK(store_token_find_with_user(fx.conn, fx.arena, "hash-ci", &found, &owner, &fx.err));
    EXPECT_STR_EQ(found.revoked_at, revoked_at);
    EXPECT_OK(store_token_find_with_user(fx.conn, fx.arena, "hash-bob", &found, &owner, &fx.err));
    EXPECT(found.revoked_at == NULL);
    EXPECT_OK(store_tokens_list(fx.conn, fx.arena, anna, &list, &fx.err));
    keep(&fx, list);
    EXPECT(json_is_string(json_object_get(json_array_get(list, 0), "revoked_at")));
    fixture_close(&fx);
}

/* ---- recovery codes ---- */

TEST(a_recovery_code_works_once_and_replacing_the_codes_forgets_the_old_ones)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t role = role_ok(&fx, SALES_ROLE);
    int64_t anna = user_ok(&fx, "anna@example.com", "Anna", role, 0);
    int64_t bob = user_ok(&fx, "bob@example.com", "Bob", role, 0);
    const char *const first[] = {"h1", "h2", "h3"};
    const char *const second[] = {"h4", "h5"};
    const char *const bobs[] = {"h1"};
    EXPECT_OK(store_recovery_codes_replace(fx.conn, fx.arena, anna, first, 3, &fx.err));
    EXPECT_OK(store_recovery_codes_replace(fx.conn, fx.arena, bob, bobs, 1, &fx.err));

    bool used = false;
    EXPECT_OK(store_recovery_code_use(fx.conn, fx.arena, anna, "h2", &used, &fx.err));
    EXPECT(used);
    EXPECT_OK(store_recovery_code_use(fx.conn, fx.arena, anna, "h2", &used, &fx.err));
    EXPECT(!used);
    EXPECT_OK(store_recovery_code_use(fx.conn, fx.arena, anna, "h9", &used, &fx.err));
    EXPECT(!used);
    /* Another user's code is not this user's. */
    EXPECT_OK(store_recovery_code_use(fx.conn, fx.arena, bob, "h3", &used, &fx.err));
    EXPECT(!used);

    EXPECT_OK(store_recovery_codes_replace(fx.conn, fx.arena, anna, second, 2, &fx.err));
    EXPECT_OK(store_recovery_code_use(fx.conn, fx.arena, anna, "h1", &used, &fx.err));
    EXPECT(!used);
    EXPECT_OK(store_recovery_code_use(fx.conn, fx.arena, anna, "h5", &used, &fx.err));
    EXPECT(used);
    EXPECT_OK(store_recovery_code_use(fx.conn, fx.arena, bob, "h1", &used, &fx.err));
    EXPECT(used);
    /* No codes at all. */
    EXPECT_OK(store_recovery_codes_replace(fx.conn, fx.arena, anna, NULL, 0, &fx.err));
    EXPECT_OK(store_recovery_code_use(fx.conn, fx.arena, anna, "h4", &used, &fx.err));
    EXPECT(!used);
    fixture_close(&fx);
}

/* ---- sign-in failures ---- */

TEST(sign_in_failures_are_counted_per_account_and_client_in_their_windows_and_cleared)
{
    struct fixture fx;
    fixture_open(&fx, true);
    const int64_t now = 1700000000000;
    const int64_t minute = 60 * 1000, hour = 60 * minute, day = 24 * hour;
    EXPECT_OK(store_sign_in_failure_add(fx.conn, fx.arena, "anna@example.com", "192.0.2.1",
                                        now - 2 * hour, &fx.err));
    EXPECT_OK(store_sign_in_failure_add(fx.conn, fx.arena, "Anna@Example.com", "192.0.2.1",
                                        now - 30 * minute, &fx.err));
    EXPECT_OK(store_sign_in_failure_add(fx.conn, fx.arena, "anna@example.com", "192.0.2.2",
                                        now - 5 * minute, &fx.err));
    EXPECT_OK(store_sign_in_failure_add(fx.conn, fx.arena, "bob@example.com", "192.0.2.1",
                                        now - 1 * minute, &fx.err));

    struct sign_in_failures counts;
    EXPECT_OK(store_sign_in_failures_count(fx.conn, fx.arena, "ANNA@example.com", "192.0.2.1",
                                           now - 15 * minute, now, &counts, &fx.err));
    EXPECT_INT_EQ(counts.account, 1);
    EXPECT_INT_EQ(counts.account_last_ms, now - 5 * minute);
    EXPECT_INT_EQ(counts.account_hour, 2);
    EXPECT_INT_EQ(counts.client, 1);
    EXPECT_INT_EQ(counts.client_last_ms, now - 1 * minute);

    /* since_ms is inclusive. */
    EXPECT_OK(store_sign_in_failures_count(fx.conn, fx.arena, "anna@example.com", "192.0.2.1",
                                           now - 2 * hour, now, &counts, &fx.err));
    EXPECT_INT_EQ(counts.account, 3);
    EXPECT_INT_EQ(counts.account_hour, 2);
    EXPECT_INT_EQ(counts.client, 3);

    EXPECT_OK(store_sign_in_failures_count(fx.conn, fx.arena, "carl@example.com", "198.51.100.9",
                                           now - day, now, &counts, &fx.err));
    EXPECT_INT_EQ(counts.account, 0);
    EXPECT_INT_EQ(counts.account_last_ms, 0);
    EXPECT_INT_EQ(counts.account_hour, 0);
    EXPECT_INT_EQ(counts.client, 0);
    EXPECT_INT_EQ(counts.client_last_ms, 0);

    /* Clearing forgets the account's failures; the client's others stay. */
    EXPECT_OK(store_sign_in_failures_clear(fx.conn, fx.arena, "ANNA@example.com", &fx.err));
    EXPECT_OK(store_sign_in_failures_count(fx.conn, fx.arena, "anna@example.com", "192.0.2.1",
                                           now - day, now, &counts, &fx.err));
    EXPECT_INT_EQ(counts.account, 0);
    EXPECT_INT_EQ(counts.client, 1);

    /* A failure more than a day later forgets those older than a day. */
    EXPECT_OK(store_sign_in_failure_add(fx.conn, fx.arena, "bob@example.com", "192.0.2.9",
                                        now + day + hour, &fx.err));
    EXPECT_OK(store_sign_in_failures_count(fx.conn, fx.arena, "bob@example.com", "192.0.2.1", 0,
                                           now + day + hour, &counts, &fx.err));
    EXPECT_INT_EQ(counts.account, 1);
    EXPECT_INT_EQ(counts.client, 0);
    fixture_close(&fx);
}

/* ---- the audit log ---- */

static void audit_ok(struct fixture *fx, const struct audit_entry *entry)
{
    err_clear(&fx->err);
    if (store_audit_append(fx->conn, fx->arena, entry, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "audit %s: %s", entry->action, fx->err.detail);
}

static json_t *audit_page(struct fixture *fx, const struct audit_query *q, int64_t *next)
{
    json_t *list = NULL;
    err_clear(&fx->err);
    if (store_audit_list(fx->conn, fx->arena, q, &list, next, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "audit list: %s", fx->err.detail);
    return keep(fx, list);
}

TEST(audit_entries_are_listed_newest_first_by_record_kind_action_and_user_with_paging)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t role = role_ok(&fx, SALES_ROLE);
    int64_t anna = user_ok(&fx, "anna@example.com", "Anna", role, 0);

    json_t *changes = keep(&fx, json_of("{\"name\":[null,\"Acme\"]}"));
    struct audit_entry entry = {.kind = "record",
                                .action = "create",
                                .user_id = anna,
                                .entity = "companies",
                                .record_id = 7,
                                .changes = changes,
                                .client = "192.0.2.1",
                                .request_id = "req-1"};
    audit_ok(&fx, &entry);
    entry.action = "update";
    entry.changes = keep(&fx, json_of("{\"name\":[\"Acme\",\"Acme Ltd\"]}"));
    audit_ok(&fx, &entry);
    entry.record_id = 8;
    entry.action = "create";
    audit_ok(&fx, &entry);
    entry.entity = "contacts";
    entry.record_id = 7;
    audit_ok(&fx, &entry);
    struct audit_entry sign_in = {.kind = "security", .action = "sign_in", .user_id = anna};
    audit_ok(&fx, &sign_in);
    struct audit_entry failed = {.kind = "security",
                                 .action = "sign_in_failed",
                                 .detail = keep(&fx, json_of("{\"email\":\"x@example.com\"}")),
                                 .client = "198.51.100.9"};
    audit_ok(&fx, &failed);
    audit_ok(&fx, &sign_in);

    /* One record's history. */
    int64_t next = -1;
    struct audit_query q = {.entity = "companies", .record_id = 7};
    json_t *list = audit_page(&fx, &q, &next);
    EXPECT_STR_EQ(column_of(&fx, list, "action"), "\"update\",\"create\"");
    EXPECT_INT_EQ(next, 0);
    json_t *newest = json_deep_copy(json_array_get(list, 0));
    keep(&fx, newest);
    EXPECT(text_at(newest, "at") != NULL);
    json_object_del(newest, "at");
    json_object_del(newest, "id");
    EXPECT_JSON(newest,
                arena_printf(fx.arena,
                             "{\"user_id\":%lld,\"user_name\":\"Anna\",\"action\":\"update\","
                             "\"entity\":\"companies\",\"record_id\":7,"
                             "\"changes\":{\"name\":[\"Acme\",\"Acme Ltd\"]},"
                             "\"detail\":null,\"client\":\"192.0.2.1\"}",
                             (long long)anna));

    /* The security log, by action, by user. */
    q = (struct audit_query){.kind = "security"};
    list = audit_page(&fx, &q, &next);
    EXPECT_STR_EQ(column_of(&fx, list, "action"), "\"sign_in\",\"sign_in_failed\",\"sign_in\"");
    EXPECT_STR_EQ(column_of(&fx, list, "user_name"), "\"Anna\",null,\"Anna\"");
    EXPECT_STR_EQ(column_of(&fx, list, "user_id"),
                  arena_printf(fx.arena, "%lld,null,%lld", (long long)anna, (long long)anna));
    EXPECT_STR_EQ(column_of(&fx, list, "entity"), "null,null,null");
    EXPECT_JSON(json_object_get(json_array_get(list, 1), "detail"),
                "{\"email\":\"x@example.com\"}");
    q.action = "sign_in_failed";
    list = audit_page(&fx, &q, &next);
    EXPECT_INT_EQ(json_array_size(list), 1);
    EXPECT_STR_EQ(text_at(json_array_get(list, 0), "client"), "198.51.100.9");
    q = (struct audit_query){.kind = "record", .user_id = anna};
    list = audit_page(&fx, &q, &next);
    EXPECT_INT_EQ(json_array_size(list), 4);
    q.user_id = anna + 1000;
    list = audit_page(&fx, &q, &next);
    EXPECT_INT_EQ(json_array_size(list), 0);

    /* Pages of three over all seven, continuing before the last id. */
    q = (struct audit_query){.limit = 3};
    list = audit_page(&fx, &q, &next);
    EXPECT_STR_EQ(column_of(&fx, list, "action"), "\"sign_in\",\"sign_in_failed\",\"sign_in\"");
    EXPECT_INT_EQ(next, json_integer_value(json_object_get(json_array_get(list, 2), "id")));
    q.before_id = next;
    list = audit_page(&fx, &q, &next);
    EXPECT_STR_EQ(column_of(&fx, list, "action"), "\"create\",\"create\",\"update\"");
    EXPECT(next != 0);
    q.before_id = next;
    list = audit_page(&fx, &q, &next);
    EXPECT_STR_EQ(column_of(&fx, list, "action"), "\"create\"");
    EXPECT_INT_EQ(next, 0);
    /* Exactly a page left: no next page. */
    q = (struct audit_query){.kind = "security", .limit = 3};
    list = audit_page(&fx, &q, &next);
    EXPECT_INT_EQ(json_array_size(list), 3);
    EXPECT_INT_EQ(next, 0);
    fixture_close(&fx);
}

TEST(audit_details_are_scrubbed_of_secrets_before_they_are_written)
{
    struct fixture fx;
    fixture_open(&fx, true);
    json_t *detail = keep(&fx, json_of("{\"email\":\"anna@example.com\",\"password\":\"hunter2\","
                                       "\"nested\":{\"token\":\"crm_secret\",\"name\":\"CI\"}}"));
    struct audit_entry entry = {.kind = "security", .action = "password_changed", .detail = detail};
    audit_ok(&fx, &entry);
    /* The caller's detail is left as it was. */
    EXPECT_STR_EQ(text_at(detail, "password"), "hunter2");

    struct audit_query q = {.kind = "security"};
    int64_t next = 0;
    json_t *list = audit_page(&fx, &q, &next);
    const json_t *stored = json_object_get(json_array_get(list, 0), "detail");
    EXPECT_STR_EQ(text_at(stored, "email"), "anna@example.com");
    EXPECT(json_object_get(stored, "password") == NULL);
    EXPECT(json_object_get(json_object_get(stored, "nested"), "token") == NULL);
    EXPECT_STR_EQ(text_at(json_object_get(stored, "nested"), "name"), "CI");

    /* And nowhere in the table's text either. */
    struct store_rows rows;
    struct sql_builder sql;
    sql_init(&sql, fx.arena, store_conn_dialect(fx.conn));
    sql_add(&sql, "SELECT \"detail\" FROM \"audit_log\"");
    EXPECT_OK(store_query(fx.conn, fx.arena, &sql, &rows, &fx.err));
    EXPECT_INT_EQ(rows.n_rows, 1);
    EXPECT(strstr(store_rows_at(&rows, 0, 0)->text, "hunter2") == NULL);
    EXPECT(strstr(store_rows_at(&rows, 0, 0)->text, "crm_secret") == NULL);
    fixture_close(&fx);
}
