/*
 * Tests for src/base/err.c: the ERR_MAP lookups, err_set and field errors.
 */
#include "base/err.h"

#include "../test.h"

TEST(err_maps_codes_to_status_slug_and_title)
{
    EXPECT_INT_EQ(err_http_status(ERR_OK), 200);
    EXPECT_INT_EQ(err_http_status(ERR_NOT_FOUND), 404);
    EXPECT_INT_EQ(err_http_status(ERR_VALIDATION), 422);
    EXPECT_INT_EQ(err_http_status(ERR_TIMEOUT), 503);
    EXPECT_STR_EQ(err_slug(ERR_STALE_VERSION), "stale-version");
    EXPECT_STR_EQ(err_title(ERR_TOO_LARGE), "Request too large");
}

TEST(err_treats_unknown_codes_as_internal)
{
    EXPECT_INT_EQ(err_http_status((enum err_code)ERR_COUNT), 500);
    EXPECT_STR_EQ(err_slug((enum err_code)9999), "internal");
}

TEST(err_set_fills_the_detail_and_returns_the_negated_code)
{
    struct err e;
    err_clear(&e);
    EXPECT_INT_EQ(err_set(&e, ERR_NOT_FOUND, "contact %d not found", 12), -ERR_NOT_FOUND);
    EXPECT_INT_EQ(e.code, ERR_NOT_FOUND);
    EXPECT_STR_EQ(e.detail, "contact 12 not found");
    err_clear(&e);
    EXPECT_INT_EQ(e.code, ERR_OK);
    EXPECT_STR_EQ(e.detail, "");
    EXPECT_INT_EQ(e.n_fields, 0);
}

TEST(err_set_truncates_a_long_detail)
{
    struct err e;
    char long_text[1000];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    err_clear(&e);
    err_set(&e, ERR_BAD_REQUEST, "%s", long_text);
    EXPECT_INT_EQ(strlen(e.detail), sizeof(e.detail) - 1);
}

TEST(err_field_adds_a_field_and_sets_validation)
{
    struct err e;
    err_clear(&e);
    EXPECT_INT_EQ(err_field(&e, "email", "must contain %c", '@'), -ERR_VALIDATION);
    EXPECT_INT_EQ(err_field(&e, "name", "is required"), -ERR_VALIDATION);
    EXPECT_INT_EQ(e.code, ERR_VALIDATION);
    EXPECT_INT_EQ(e.n_fields, 2);
    EXPECT_STR_EQ(e.fields[0].field, "email");
    EXPECT_STR_EQ(e.fields[0].message, "must contain @");
    EXPECT_STR_EQ(e.fields[1].field, "name");
}

TEST(err_field_keeps_a_code_already_set)
{
    struct err e;
    err_clear(&e);
    err_set(&e, ERR_CONFLICT, "duplicate");
    EXPECT_INT_EQ(err_field(&e, "email", "already used"), -ERR_CONFLICT);
    EXPECT_INT_EQ(e.code, ERR_CONFLICT);
    EXPECT_INT_EQ(e.n_fields, 1);
}

TEST(err_field_truncates_long_names_and_messages)
{
    struct err e;
    char name[200], msg[500];
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    memset(msg, 'm', sizeof(msg) - 1);
    msg[sizeof(msg) - 1] = '\0';
    err_clear(&e);
    err_field(&e, name, "%s", msg);
    EXPECT_INT_EQ(strlen(e.fields[0].field), sizeof(e.fields[0].field) - 1);
    EXPECT_INT_EQ(strlen(e.fields[0].message), sizeof(e.fields[0].message) - 1);
}

TEST(err_field_counts_fields_past_the_limit_in_the_detail)
{
    struct err e;
    err_clear(&e);
    for (int i = 0; i < ERR_MAX_FIELDS + 3; i++)
        err_field(&e, "f", "bad %d", i);
    EXPECT_INT_EQ(e.n_fields, ERR_MAX_FIELDS);
    EXPECT_STR_EQ(e.fields[ERR_MAX_FIELDS - 1].message, "bad 15");
    EXPECT_CONTAINS(e.detail, "3");
}
