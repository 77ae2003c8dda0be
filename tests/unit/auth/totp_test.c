/*
 * Tests for src/auth/totp.c: RFC 4648 base32, RFC 6238 codes, the replay and
 * clock-drift rules of verification, the otpauth URL and recovery codes.
 */
#include "auth/totp.h"

#include "base/arena.h"
#include "../test.h"

/* Base32 of the RFC 6238 SHA1 test secret "12345678901234567890". */
#define RFC_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

TEST(base32_encodes_rfc4648_vectors_without_padding)
{
    static const struct {
        const char *in, *out;
    } vectors[] = {
        {"", ""},
        {"f", "MY"},
        {"fo", "MZXQ"},
        {"foo", "MZXW6"},
        {"foob", "MZXW6YQ"},
        {"fooba", "MZXW6YTB"},
        {"foobar", "MZXW6YTBOI"},
    };
    char out[32];
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        int n = base32_encode((const unsigned char *)vectors[i].in, strlen(vectors[i].in), out,
                              sizeof(out));
        EXPECT_INT_EQ(n, strlen(vectors[i].out));
        EXPECT_STR_EQ(out, vectors[i].out);
    }
    EXPECT_INT_EQ(base32_encode((const unsigned char *)"foobar", 6, out, 10), -1);
    EXPECT_INT_EQ(base32_encode((const unsigned char *)"foobar", 6, out, 11), 10);
}

TEST(base32_decodes_rfc4648_vectors_with_or_without_padding)
{
    static const struct {
        const char *in, *out;
    } vectors[] = {
        {"", ""},
        {"MY======", "f"},
        {"MZXQ====", "fo"},
        {"MZXW6===", "foo"},
        {"MZXW6YQ=", "foob"},
        {"MZXW6YTB", "fooba"},
        {"MZXW6YTBOI======", "foobar"},
        {"mzxw6ytboi", "foobar"},
        {"mzxw 6ytb oi", "foobar"},
    };
    unsigned char out[16];
    size_t len;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        len = 99;
        EXPECT_INT_EQ(base32_decode(vectors[i].in, out, sizeof(out), &len), 0);
        EXPECT_INT_EQ(len, strlen(vectors[i].out));
        EXPECT(memcmp(out, vectors[i].out, len) == 0);
    }
}

TEST(base32_decode_refuses_bad_characters_lengths_and_overflow)
{
    unsigned char out[16];
    size_t len;
    EXPECT_INT_EQ(base32_decode("MZXW1YTB", out, sizeof(out), &len), -1);
    EXPECT_INT_EQ(base32_decode("MZXW-YTB", out, sizeof(out), &len), -1);
    EXPECT_INT_EQ(base32_decode("M", out, sizeof(out), &len), -1);
    EXPECT_INT_EQ(base32_decode("MZX", out, sizeof(out), &len), -1);
    EXPECT_INT_EQ(base32_decode("MZXW6Y", out, sizeof(out), &len), -1);
    EXPECT_INT_EQ(base32_decode("MZXW6YTBOI", out, 5, &len), -1);
}

TEST(totp_matches_rfc6238_vectors)
{
    static const struct {
        int64_t t;
        const char *code8;
    } vectors[] = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"},
    };
    char code[TOTP_DIGITS + 1];
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        EXPECT_INT_EQ(totp_code(RFC_SECRET, vectors[i].t / 30, code), 0);
        EXPECT_STR_EQ(code, vectors[i].code8 + 2);
    }
}

TEST(totp_code_refuses_a_malformed_or_short_secret)
{
    char code[TOTP_DIGITS + 1];
    EXPECT_INT_EQ(totp_code("not base32!", 1, code), -1);
    EXPECT_INT_EQ(totp_code("MZXW6YTBOI", 1, code), -1); /* 6 bytes: too short */
    EXPECT_INT_EQ(totp_code("", 1, code), -1);
    EXPECT_INT_EQ(totp_code(RFC_SECRET, -1, code), -1);
    EXPECT_INT_EQ(totp_code(NULL, 1, code), -1);
}

TEST(totp_verify_accepts_the_current_step_and_one_either_side)
{
    int64_t step = -1;
    /* 1111111109 / 30 = 37037036; its code is 081804. */
    EXPECT(totp_verify(RFC_SECRET, "081804", 1111111109, 0, &step));
    EXPECT_INT_EQ(step, 37037036);
    EXPECT(totp_verify(RFC_SECRET, "081804", 1111111109 + 30, 0, &step));
    EXPECT_INT_EQ(step, 37037036);
    EXPECT(totp_verify(RFC_SECRET, "081804", 1111111109 - 30, 0, &step));
    EXPECT(!totp_verify(RFC_SECRET, "081804", 1111111109 + 60, 0, &step));
    EXPECT(!totp_verify(RFC_SECRET, "081804", 1111111109 - 60, 0, &step));
    EXPECT(!totp_verify(RFC_SECRET, "081805", 1111111109, 0, &step));
}

TEST(totp_verify_refuses_a_step_already_used)
{
    int64_t step = 0;
    EXPECT(!totp_verify(RFC_SECRET, "081804", 1111111109, 37037036, &step));
    EXPECT(!totp_verify(RFC_SECRET, "081804", 1111111109, 37037037, &step));
    EXPECT(totp_verify(RFC_SECRET, "081804", 1111111109, 37037035, &step));
    EXPECT_INT_EQ(step, 37037036);
}

TEST(totp_verify_wants_exactly_six_digits_but_tolerates_spaces)
{
    EXPECT(totp_verify(RFC_SECRET, "081 804", 1111111109, 0, NULL));
    EXPECT(totp_verify(RFC_SECRET, " 08 18 04 ", 1111111109, 0, NULL));
    EXPECT(!totp_verify(RFC_SECRET, "81804", 1111111109, 0, NULL));
    EXPECT(!totp_verify(RFC_SECRET, "0818040", 1111111109, 0, NULL));
    EXPECT(!totp_verify(RFC_SECRET, "07081804", 1111111109, 0, NULL));
    EXPECT(!totp_verify(RFC_SECRET, "081-804", 1111111109, 0, NULL));
    EXPECT(!totp_verify(RFC_SECRET, "", 1111111109, 0, NULL));
    EXPECT(!totp_verify(RFC_SECRET, NULL, 1111111109, 0, NULL));
    EXPECT(!totp_verify("bad!", "081804", 1111111109, 0, NULL));
}

TEST(totp_secret_generate_makes_32_base32_characters_of_20_bytes)
{
    char a[TOTP_SECRET_BASE32_BYTES], b[TOTP_SECRET_BASE32_BYTES];
    unsigned char raw[32];
    size_t len = 0;
    totp_secret_generate(a);
    totp_secret_generate(b);
    EXPECT_INT_EQ(strlen(a), 32);
    EXPECT(strcmp(a, b) != 0);
    EXPECT_INT_EQ(base32_decode(a, raw, sizeof(raw), &len), 0);
    EXPECT_INT_EQ(len, 20);
    char code[TOTP_DIGITS + 1];
    EXPECT_INT_EQ(totp_code(a, 1, code), 0);
}

TEST(totp_otpauth_url_percent_encodes_issuer_and_account)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(totp_otpauth_url(arena, "CRM", "ann@example.com", RFC_SECRET),
                  "otpauth://totp/CRM:ann@example.com?secret=" RFC_SECRET
                  "&issuer=CRM&algorithm=SHA1&digits=6&period=30");
    EXPECT_STR_EQ(totp_otpauth_url(arena, "Acme CRM", "a:b&c?d", "ABC"),
                  "otpauth://totp/Acme%20CRM:a%3Ab%26c%3Fd?secret=ABC"
                  "&issuer=Acme%20CRM&algorithm=SHA1&digits=6&period=30");
    arena_free(arena);
}

TEST(recovery_code_generate_makes_two_groups_of_four_unambiguous_letters)
{
    char a[RECOVERY_CODE_BYTES], b[RECOVERY_CODE_BYTES], n[RECOVERY_CODE_BYTES];
    recovery_code_generate(b);
    for (int i = 0; i < 200; i++) {
        recovery_code_generate(a);
        EXPECT_INT_EQ(strlen(a), 9);
        EXPECT(a[4] == '-');
        EXPECT(strpbrk(a, "0o1liABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL);
        EXPECT_INT_EQ(recovery_code_normalise(a, n), 0);
        EXPECT_STR_EQ(n, a);
    }
    EXPECT(strcmp(a, b) != 0);
}

TEST(recovery_code_normalise_accepts_case_dash_and_spaces)
{
    char out[RECOVERY_CODE_BYTES];
    EXPECT_INT_EQ(recovery_code_normalise("abcd-efgh", out), 0);
    EXPECT_STR_EQ(out, "abcd-efgh");
    EXPECT_INT_EQ(recovery_code_normalise("ABCDEFGH", out), 0);
    EXPECT_STR_EQ(out, "abcd-efgh");
    EXPECT_INT_EQ(recovery_code_normalise("  AbCd-eFgH ", out), 0);
    EXPECT_STR_EQ(out, "abcd-efgh");
    EXPECT_INT_EQ(recovery_code_normalise("abcd-efg", out), -1);
    EXPECT_INT_EQ(recovery_code_normalise("abcd-efghj", out), -1);
    EXPECT_INT_EQ(recovery_code_normalise("abc-defgh", out), -1);
    EXPECT_INT_EQ(recovery_code_normalise("abcd--efgh", out), -1);
    EXPECT_INT_EQ(recovery_code_normalise("abcd-efg0", out), -1);
    EXPECT_INT_EQ(recovery_code_normalise("abcd efgh", out), -1);
    EXPECT_INT_EQ(recovery_code_normalise("", out), -1);
    EXPECT_INT_EQ(recovery_code_normalise(NULL, out), -1);
}
