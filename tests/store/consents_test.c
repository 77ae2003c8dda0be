/*
 * The store contract for the consent ledger (consents.c): rows listed
 * newest given first, a withdrawal made once, and store_consent_active()
 * as mailings use it (the latest consent given for a purpose decides);
 * and what an erasure (gdpr.c) leaves of the ledger. Against SQLite and,
 * when CRM_TEST_PG_URL is set, PostgreSQL.
 */
#include "store/consents.h"

#include <jansson.h>
#include <string.h>

#include "base/arena.h"
#include "domain/access.h"
#include "domain/entity.h"
#include "store/gdpr.h"
#include "store/store.h"

#include "store_fixture.h"

static int64_t make_contact(struct fixture *fx)
{
    json_t *changes =
        keep(fx, json_of("{\"first_name\": \"Ada\", \"emails\": [\"ada@example.com\"]}"));
    int64_t id = 0;
    err_clear(&fx->err);
    if (store_record_insert(fx->conn, fx->arena, &entity_contacts, &access_system, changes, changes,
                            &id, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "insert contact: %s", fx->err.detail);
    return id;
}

static int64_t give(struct fixture *fx, int64_t contact_id, const char *purpose, const char *source,
                    const char *given_at)
{
    struct consent_new c = {
        .contact_id = contact_id,
        .purpose = purpose,
        .text_version = "v1",
        .source = source,
        .given_at = given_at,
        .created_at = "2026-11-23T10:00:00.000Z",
    };
    int64_t id = 0;
    err_clear(&fx->err);
    if (store_consent_insert(fx->conn, fx->arena, &c, &id, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "insert consent: %s", fx->err.detail);
    return id;
}

static bool active(struct fixture *fx, int64_t contact_id, const char *purpose)
{
    bool on = true;
    err_clear(&fx->err);
    if (store_consent_active(fx->conn, fx->arena, contact_id, purpose, &on, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "store_consent_active: %s", fx->err.detail);
    return on;
}

TEST(consent_active_follows_the_latest_consent_given_for_the_purpose)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t contact = make_contact(&fx);
    EXPECT(!active(&fx, contact, "newsletter"));
    int64_t first = give(&fx, contact, "newsletter", "form", "2026-01-01T00:00:00.000Z");
    EXPECT(active(&fx, contact, "newsletter"));
    EXPECT(!active(&fx, contact, "sms"));
    EXPECT_OK(
        store_consent_withdraw(fx.conn, fx.arena, first, "2026-02-01T00:00:00.000Z", &fx.err));
    EXPECT(!active(&fx, contact, "newsletter"));
    /* Given again later: in force again; an older consent entered afterwards changes nothing. */
    give(&fx, contact, "newsletter", "phone", "2026-03-01T00:00:00.000Z");
    EXPECT(active(&fx, contact, "newsletter"));
    int64_t older = give(&fx, contact, "newsletter", "import", "2025-06-01T00:00:00.000Z");
    EXPECT_OK(
        store_consent_withdraw(fx.conn, fx.arena, older, "2026-04-01T00:00:00.000Z", &fx.err));
    EXPECT(active(&fx, contact, "newsletter"));
    fixture_close(&fx);
}

TEST(consents_are_withdrawn_once_and_listed_newest_first)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t contact = make_contact(&fx);
    int64_t a = give(&fx, contact, "newsletter", "form", "2026-01-01T00:00:00.000Z");
    int64_t b = give(&fx, contact, "sms", "api", "2026-05-01T00:00:00.000Z");
    EXPECT_OK(store_consent_withdraw(fx.conn, fx.arena, a, "2026-02-01T00:00:00.000Z", &fx.err));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_consent_withdraw(fx.conn, fx.arena, a, "2026-03-01T00:00:00.000Z", &fx.err),
                  -ERR_CONFLICT);
    err_clear(&fx.err);
    EXPECT_INT_EQ(
        store_consent_withdraw(fx.conn, fx.arena, 999999, "2026-03-01T00:00:00.000Z", &fx.err),
        -ERR_NOT_FOUND);
    json_t *list = NULL;
    EXPECT_OK(store_consents_list(fx.conn, fx.arena, contact, &list, &fx.err));
    keep(&fx, list);
    EXPECT_INT_EQ(json_array_size(list), 2);
    EXPECT_INT_EQ(json_integer_value(json_object_get(json_array_get(list, 0), "id")), b);
    EXPECT_STR_EQ(text_at(json_array_get(list, 1), "withdrawn_at"), "2026-02-01T00:00:00.000Z");
    EXPECT(json_is_false(json_object_get(json_array_get(list, 1), "active")));
    fixture_close(&fx);
}

TEST(an_erasure_keeps_the_ledger_withdrawn_with_its_purposes)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t contact = make_contact(&fx);
    give(&fx, contact, "newsletter", "form", "2026-01-01T00:00:00.000Z");
    give(&fx, contact, "sms", "a call with Ada's husband", "2026-01-02T00:00:00.000Z");
    struct gdpr_erasure erased;
    EXPECT_OK(store_begin(fx.conn, &fx.err));
    EXPECT_OK(
        store_gdpr_erase(fx.conn, fx.arena, contact, "2026-11-23T12:00:00.000Z", &erased, &fx.err));
    EXPECT_OK(store_commit(fx.conn, &fx.err));
    EXPECT_INT_EQ(erased.consents_withdrawn, 2);
    EXPECT(!active(&fx, contact, "newsletter"));
    json_t *list = NULL;
    EXPECT_OK(store_consents_list(fx.conn, fx.arena, contact, &list, &fx.err));
    keep(&fx, list);
    EXPECT_STR_EQ(text_at(json_array_get(list, 0), "purpose"), "sms");
    EXPECT_STR_EQ(text_at(json_array_get(list, 0), "source"), GDPR_ERASED_TEXT);
    EXPECT_STR_EQ(text_at(json_array_get(list, 1), "source"), "form");

    json_t *record = NULL;
    EXPECT_OK(store_record_get(fx.conn, fx.arena, &entity_contacts, &access_system, contact,
                               RECORD_ANY, &record, &fx.err));
    keep(&fx, record);
    EXPECT_STR_EQ(text_at(record, "name"),
                  arena_printf(fx.arena, "Erased #%lld", (long long)contact));
    EXPECT_INT_EQ(json_array_size(json_object_get(record, "emails")), 0);
    err_clear(&fx.err);
    EXPECT_INT_EQ(
        store_gdpr_erase(fx.conn, fx.arena, 999999, "2026-11-23T12:00:00.000Z", &erased, &fx.err),
        -ERR_NOT_FOUND);
    fixture_close(&fx);
}
