/*
 * Tests for src/auth/password.c: argon2id hashing and verification, the rules
 * for new passwords, generated passwords and the bound on concurrent hashes.
 * Each hash costs tens of milliseconds, so the hashing tests are few.
 */
#include "auth/password.h"

#include <pthread.h>

#include "base/err.h"
#include "../test.h"

TEST(password_verify_accepts_the_hashed_password_and_refuses_others)
{
    char hash[PASSWORD_HASH_BYTES];
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(password_hash("correct horse", 13, hash, &err), 0);
    EXPECT(strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
    EXPECT(password_verify(hash, "correct horse", 13));
    EXPECT(!password_verify(hash, "correct hors", 12));
    EXPECT(!password_verify(hash, "correct horse!", 14));
    EXPECT(!password_needs_rehash(hash));
}

TEST(password_verify_refuses_a_missing_or_malformed_hash)
{
    EXPECT(!password_verify(NULL, "anything at all", 15));
    EXPECT(!password_verify("", "anything at all", 15));
    EXPECT(!password_verify("$argon2id$v=19$m=19456,t=2,p=1$garbage", "anything at all", 15));
    EXPECT(!password_verify("plain text", "plain text", 10));
}

TEST(password_needs_rehash_for_weaker_or_foreign_hashes)
{
    /* An argon2id hash at the libsodium interactive cost (t=2, m=64 MiB) differs from ours. */
    EXPECT(password_needs_rehash("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                 "ZnNEyXNtkY4CFtfIHWLhoX7jwUVpqdTmW+sT0QrrP8M"));
    EXPECT(password_needs_rehash("$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                 "ZnNEyXNtkY4CFtfIHWLhoX7jwUVpqdTmW+sT0QrrP8M"));
    EXPECT(password_needs_rehash("$2b$12$abcdefghijklmnopqrstuv"));
    EXPECT(password_needs_rehash(NULL));
}

TEST(password_check_new_enforces_length_nul_and_utf8)
{
    struct err err;
    static char long_password[PASSWORD_MAX_BYTES + 1];
    memset(long_password, 'a', sizeof(long_password));

    err_clear(&err);
    EXPECT_INT_EQ(password_check_new("0123456789", 10, "new_password", &err), 0);
    EXPECT_INT_EQ(password_check_new("h\xc3\xa9llo w\xc3\xb6rld", 13, "new_password", &err), 0);
    EXPECT_INT_EQ(password_check_new(long_password, PASSWORD_MAX_BYTES, "new_password", &err), 0);
    EXPECT_INT_EQ(err.code, ERR_OK);

    EXPECT_INT_EQ(password_check_new("012345678", 9, "new_password", &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(err.fields[0].field, "new_password");
    EXPECT_CONTAINS(err.fields[0].message, "at least 10");

    err_clear(&err);
    EXPECT_INT_EQ(password_check_new(long_password, sizeof(long_password), "password", &err),
                  -ERR_VALIDATION);
    EXPECT_CONTAINS(err.fields[0].message, "at most 1024");

    err_clear(&err);
    static const char with_nul[] = {'0', '1', '2', '3', '4', '\0', '5', '6', '7', '8', '9'};
    EXPECT_INT_EQ(password_check_new(with_nul, sizeof(with_nul), "password", &err),
                  -ERR_VALIDATION);
    EXPECT_CONTAINS(err.fields[0].message, "NUL");

    err_clear(&err);
    EXPECT_INT_EQ(password_check_new("0123456789\xff", 11, "password", &err), -ERR_VALIDATION);
    EXPECT_CONTAINS(err.fields[0].message, "UTF-8");
}

TEST(password_hash_refuses_a_password_over_the_maximum)
{
    static char long_password[PASSWORD_MAX_BYTES + 1];
    char hash[PASSWORD_HASH_BYTES];
    struct err err;
    err_clear(&err);
    memset(long_password, 'a', sizeof(long_password));
    EXPECT_INT_EQ(password_hash(long_password, sizeof(long_password), hash, &err), -ERR_VALIDATION);
}

TEST(password_generate_makes_twenty_unambiguous_characters)
{
    char a[PASSWORD_GENERATED_CHARS + 1], b[PASSWORD_GENERATED_CHARS + 1];
    password_generate(a, sizeof(a));
    password_generate(b, sizeof(b));
    EXPECT_INT_EQ(strlen(a), 20);
    EXPECT(strcmp(a, b) != 0);
    for (int i = 0; i < 200; i++) {
        password_generate(a, sizeof(a));
        EXPECT(strpbrk(a, "0Oo1lI") == NULL);
        for (size_t j = 0; j < 20; j++) {
            char c = a[j];
            EXPECT((c >= '2' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
        }
    }
}

static void *password_test_hash_thread(void *arg)
{
    int *rc = arg;
    char hash[PASSWORD_HASH_BYTES];
    struct err err;
    err_clear(&err);
    *rc = password_hash("concurrency test", 16, hash, &err);
    return NULL;
}

TEST(password_hashing_runs_at_most_max_concurrent_hashes_at_once)
{
    pthread_t threads[6];
    int rcs[6];

    password_hashing_init(2);
    for (int i = 0; i < 6; i++) {
        rcs[i] = -1;
        EXPECT_INT_EQ(pthread_create(&threads[i], NULL, password_test_hash_thread, &rcs[i]), 0);
    }
    for (int i = 0; i < 6; i++)
        EXPECT_INT_EQ(pthread_join(threads[i], NULL), 0);
    for (int i = 0; i < 6; i++)
        EXPECT_INT_EQ(rcs[i], 0);
    EXPECT_INT_EQ(password_hashing_peak(), 2);
}
