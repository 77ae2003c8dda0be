/*
 * Tests for src/base/str.c: comparisons, trimming, splitting and integer
 * conversion of slices.
 */
#include "base/str.h"

#include "base/arena.h"
#include "base/err.h"
#include "../test.h"

TEST(str_compares_slices_by_content)
{
    struct str a = {"hello world", 5};
    EXPECT(str_eq(a, STR_LIT("hello")));
    EXPECT(!str_eq(a, STR_LIT("hell")));
    EXPECT(str_eq_cstr(a, "hello"));
    EXPECT(!str_eq_cstr(a, "hello world"));
    EXPECT(str_eq(STR_LIT(""), (struct str){NULL, 0}));
    EXPECT(str_eq_nocase(STR_LIT("Content-Type"), "content-type"));
    EXPECT(!str_eq_nocase(STR_LIT("Content-Type"), "content-typ"));
    EXPECT(str_from_cstr("abc").len == 3);
}

TEST(str_checks_prefixes)
{
    EXPECT(str_starts_with(STR_LIT("/api/contacts"), "/api/"));
    EXPECT(str_starts_with(STR_LIT("abc"), ""));
    EXPECT(!str_starts_with(STR_LIT("/ap"), "/api"));
}

TEST(str_trim_removes_ascii_whitespace_at_both_ends)
{
    struct str t = str_trim(STR_LIT(" \t a b \r\n"));
    EXPECT(str_eq_cstr(t, "a b"));
    EXPECT_INT_EQ(str_trim(STR_LIT("   ")).len, 0);
}

TEST(str_split_cuts_at_the_first_separator)
{
    struct str head, rest;
    EXPECT(str_split(STR_LIT("a=b=c"), '=', &head, &rest));
    EXPECT(str_eq_cstr(head, "a"));
    EXPECT(str_eq_cstr(rest, "b=c"));
    EXPECT(!str_split(STR_LIT("abc"), '=', &head, &rest));
    EXPECT(str_eq_cstr(head, "abc"));
    EXPECT_INT_EQ(rest.len, 0);
    EXPECT(str_split(STR_LIT("k="), '=', &head, &rest));
    EXPECT(str_eq_cstr(head, "k"));
    EXPECT_INT_EQ(rest.len, 0);
}

TEST(str_to_cstr_copies_into_the_arena)
{
    struct arena *arena = arena_new();
    struct str s = {"abcdef", 3};
    EXPECT_STR_EQ(str_to_cstr(arena, s), "abc");
    EXPECT_STR_EQ(str_to_cstr(arena, (struct str){NULL, 0}), "");
    arena_free(arena);
}

TEST(str_to_int64_accepts_the_full_range)
{
    int64_t v = 0;
    EXPECT_INT_EQ(str_to_int64(STR_LIT("0"), &v), 0);
    EXPECT_INT_EQ(v, 0);
    EXPECT_INT_EQ(str_to_int64(STR_LIT("-42"), &v), 0);
    EXPECT_INT_EQ(v, -42);
    EXPECT_INT_EQ(str_to_int64(STR_LIT("9223372036854775807"), &v), 0);
    EXPECT(v == INT64_MAX);
    EXPECT_INT_EQ(str_to_int64(STR_LIT("-9223372036854775808"), &v), 0);
    EXPECT(v == INT64_MIN);
}

TEST(str_to_int64_rejects_overflow_and_junk)
{
    int64_t v = 7;
    EXPECT_INT_EQ(str_to_int64(STR_LIT("9223372036854775808"), &v), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(str_to_int64(STR_LIT("-9223372036854775809"), &v), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(str_to_int64(STR_LIT("99999999999999999999"), &v), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(str_to_int64(STR_LIT(""), &v), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(str_to_int64(STR_LIT("-"), &v), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(str_to_int64(STR_LIT("+1"), &v), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(str_to_int64(STR_LIT(" 1"), &v), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(str_to_int64(STR_LIT("1 "), &v), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(str_to_int64(STR_LIT("12a"), &v), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(str_to_int64(STR_LIT("1.0"), &v), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(v, 7);
}
