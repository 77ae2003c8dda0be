/*
 * Tests for src/base/utf8.c: strict validation, counting, decoding and
 * encoding.
 */
#include "base/utf8.h"

#include "../test.h"

static int valid(const char *s)
{
    return utf8_valid(s, strlen(s));
}

TEST(utf8_accepts_ascii_cyrillic_and_four_byte_emoji)
{
    EXPECT(valid(""));
    EXPECT(valid("plain ascii"));
    EXPECT(valid("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82")); /* "Привет" */
    EXPECT(valid("\xf0\x9f\x98\x80"));                                 /* U+1F600 */
    EXPECT(valid("\xe2\x82\xac"));                                     /* U+20AC euro */
    EXPECT(valid("\xf4\x8f\xbf\xbf"));                                 /* U+10FFFF */
    EXPECT(valid("\xed\x9f\xbf"));                                     /* U+D7FF */
    EXPECT(valid("\xee\x80\x80"));                                     /* U+E000 */
}

TEST(utf8_rejects_overlong_encodings)
{
    EXPECT(!valid("\xc0\xaf")); /* '/' in two bytes */
    EXPECT(!valid("\xc1\xbf"));
    EXPECT(!valid("\xe0\x80\xaf"));     /* '/' in three bytes */
    EXPECT(!valid("\xe0\x9f\xbf"));     /* U+07FF in three bytes */
    EXPECT(!valid("\xf0\x80\x80\xaf")); /* '/' in four bytes */
    EXPECT(!valid("\xf0\x8f\xbf\xbf")); /* U+FFFF in four bytes */
    EXPECT(!utf8_valid("\xc0\x80", 2)); /* overlong NUL */
}

TEST(utf8_rejects_surrogates)
{
    EXPECT(!valid("\xed\xa0\x80"));             /* U+D800 */
    EXPECT(!valid("\xed\xbf\xbf"));             /* U+DFFF */
    EXPECT(!valid("\xed\xa0\xbd\xed\xb8\x80")); /* CESU-8 pair */
}

TEST(utf8_rejects_code_points_past_10ffff_and_bad_lead_bytes)
{
    EXPECT(!valid("\xf4\x90\x80\x80")); /* U+110000 */
    EXPECT(!valid("\xf5\x80\x80\x80"));
    EXPECT(!valid("\xff"));
    EXPECT(!valid("\xfe"));
    EXPECT(!valid("\x80")); /* lone continuation */
    EXPECT(!valid("a\277b"));
}

TEST(utf8_rejects_truncated_sequences)
{
    EXPECT(!valid("\xd0"));
    EXPECT(!valid("\xe2\x82"));
    EXPECT(!valid("\xf0\x9f\x98"));
    EXPECT(!valid("abc\xf0\x9f"));
    EXPECT(!valid("\342\202a")); /* continuation replaced by ASCII */
    /* A valid sequence cut by the length argument is truncated too. */
    EXPECT(!utf8_valid("\xf0\x9f\x98\x80", 3));
}

TEST(utf8_validates_embedded_nul_by_length)
{
    EXPECT(utf8_valid("a\0b", 3));
}

TEST(utf8_counts_code_points)
{
    EXPECT_INT_EQ(utf8_count("", 0), 0);
    EXPECT_INT_EQ(utf8_count("abc", 3), 3);
    EXPECT_INT_EQ(utf8_count("\xd0\x9f\xd1\x80\xd0\xb8", 6), 3);
    EXPECT_INT_EQ(utf8_count("a\xf0\x9f\x98\x80z", 6), 3);
}

TEST(utf8_decodes_one_code_point_with_its_length)
{
    uint32_t cp = 0;
    EXPECT_INT_EQ(utf8_decode("A", 1, &cp), 1);
    EXPECT_INT_EQ(cp, 0x41);
    EXPECT_INT_EQ(utf8_decode("\xd0\x96", 2, &cp), 2);
    EXPECT_INT_EQ(cp, 0x416);
    EXPECT_INT_EQ(utf8_decode("\xe2\x82\xac", 3, &cp), 3);
    EXPECT_INT_EQ(cp, 0x20AC);
    EXPECT_INT_EQ(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
    EXPECT_INT_EQ(cp, 0x1F600);
    EXPECT_INT_EQ(utf8_decode("\xf0\x9f\x98\x80", 2, &cp), 0);
    EXPECT_INT_EQ(utf8_decode("\xed\xa0\x80", 3, &cp), 0);
    EXPECT_INT_EQ(utf8_decode("", 0, &cp), 0);
}

TEST(utf8_encodes_and_decodes_round_trip)
{
    const uint32_t samples[] = {0,      0x7F,   0x80,   0x7FF,   0x800,   0x41F,
                                0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        char out[4];
        uint32_t cp = 0xFFFFFFFF;
        size_t n = utf8_encode(samples[i], out);
        EXPECT(n >= 1 && n <= 4);
        EXPECT_INT_EQ(utf8_decode(out, n, &cp), n);
        EXPECT_INT_EQ(cp, samples[i]);
    }
}

TEST(utf8_encode_refuses_surrogates_and_out_of_range)
{
    char out[4];
    EXPECT_INT_EQ(utf8_encode(0xD800, out), 0);
    EXPECT_INT_EQ(utf8_encode(0xDFFF, out), 0);
    EXPECT_INT_EQ(utf8_encode(0x110000, out), 0);
}

TEST(a_prefix_of_code_points_never_cuts_a_character)
{
    EXPECT_INT_EQ(utf8_prefix_bytes("abc", 2), 2);
    EXPECT_INT_EQ(utf8_prefix_bytes("abc", 10), 3);
    /* "Жук" is six bytes: two per letter. */
    EXPECT_INT_EQ(utf8_prefix_bytes("\xd0\x96\xd1\x83\xd0\xba", 2), 4);
    EXPECT_INT_EQ(utf8_prefix_bytes("\xf0\x9f\x98\x80x", 1), 4);
    EXPECT_INT_EQ(utf8_prefix_bytes("", 5), 0);
}
