/*
 * Tests for src/auth/token.c: token shape and randomness, stored hashes, the
 * CSRF token derived from a session, comparison and the shape check.
 */
#include "auth/token.h"

#include "../test.h"

static bool token_test_b64url(const char *s)
{
    for (; *s != '\0'; s++) {
        char c = *s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

TEST(token_generate_writes_the_prefix_and_43_base64url_characters)
{
    char a[TOKEN_TEXT_MAX], b[TOKEN_TEXT_MAX];
    token_generate("crm_", a, sizeof(a));
    token_generate("crm_", b, sizeof(b));
    EXPECT_INT_EQ(strlen(a), 4 + 43);
    EXPECT(strncmp(a, "crm_", 4) == 0);
    EXPECT(token_test_b64url(a + 4));
    EXPECT(strcmp(a, b) != 0);
    EXPECT(token_well_formed(a, TOKEN_TEXT_MAX));

    token_generate("", a, 44);
    EXPECT_INT_EQ(strlen(a), 43);
    EXPECT(token_test_b64url(a));
}

TEST(token_hash_is_the_hex_of_blake2b_256)
{
    char hex[TOKEN_HASH_HEX_BYTES];
    /* BLAKE2b-256 of the empty string. */
    token_hash("", 0, hex);
    EXPECT_STR_EQ(hex, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    token_hash("abc", 3, hex);
    EXPECT_STR_EQ(hex, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(token_csrf_is_deterministic_per_session_and_differs_between_sessions)
{
    char a[TOKEN_TEXT_MAX], a2[TOKEN_TEXT_MAX], b[TOKEN_TEXT_MAX];
    char hex[TOKEN_HASH_HEX_BYTES];
    token_csrf("session-one-aaaaaaaaaaaaaaaaaaaa", a);
    token_csrf("session-one-aaaaaaaaaaaaaaaaaaaa", a2);
    token_csrf("session-two-aaaaaaaaaaaaaaaaaaaa", b);
    EXPECT_STR_EQ(a, a2);
    EXPECT(strcmp(a, b) != 0);
    EXPECT_INT_EQ(strlen(a), 43);
    EXPECT(token_test_b64url(a));
    /* Neither the session token nor its stored hash shows in the CSRF token. */
    token_hash("session-one-aaaaaaaaaaaaaaaaaaaa", 32, hex);
    EXPECT(strstr(a, "session") == NULL);
    EXPECT(strcmp(a, hex) != 0);
}

TEST(token_equal_compares_content_and_length)
{
    EXPECT(token_equal("abcdef", "abcdef"));
    EXPECT(token_equal("", ""));
    EXPECT(!token_equal("abcdef", "abcdeg"));
    EXPECT(!token_equal("abcdef", "abcde"));
    EXPECT(!token_equal("abcde", "abcdef"));
    EXPECT(!token_equal(NULL, "abc"));
    EXPECT(!token_equal("abc", NULL));
}

TEST(token_well_formed_accepts_only_base64url_of_bounded_length)
{
    EXPECT(token_well_formed("crm_abcdefghijklmnopqrstuvwxyz", 64));
    EXPECT(token_well_formed("abcdefghijklmnopqrs-_", 64));
    EXPECT(token_well_formed("abcdefghijklmnopqrst", 20));
    EXPECT(!token_well_formed("abcdefghijklmnopqrs", 64));
    EXPECT(!token_well_formed("abcdefghijklmnopqrstu", 20));
    EXPECT(!token_well_formed("crm_abcdefghijklmnop=", 64));
    EXPECT(!token_well_formed("crm_abcdefghijklmnop+/", 64));
    EXPECT(!token_well_formed("crm_abcdefghijklm nopq", 64));
    EXPECT(!token_well_formed("crm_abcdefghijklmnop\xc3\xa9", 64));
    EXPECT(!token_well_formed(NULL, 64));
    EXPECT(!token_well_formed("", 64));
}
