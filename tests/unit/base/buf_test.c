/*
 * Tests for src/base/buf.c: growth, the hard cap, NUL termination and
 * detaching.
 */
#include "base/buf.h"

#include "base/arena.h"
#include "base/err.h"
#include "../test.h"

TEST(buf_starts_empty_and_gives_an_empty_string)
{
    struct buf b;
    buf_init(&b, 100);
    EXPECT_STR_EQ(buf_cstr(&b), "");
    EXPECT_INT_EQ(b.len, 0);
    buf_release(&b);
}

TEST(buf_appends_and_stays_nul_terminated)
{
    struct buf b;
    buf_init(&b, 1000);
    EXPECT_INT_EQ(buf_append(&b, "abc", 3), 0);
    EXPECT_INT_EQ(buf_putc(&b, '-'), 0);
    EXPECT_INT_EQ(buf_append_str(&b, "def"), 0);
    EXPECT_INT_EQ(buf_printf(&b, "|%d|%s", 42, "x"), 0);
    EXPECT_STR_EQ(buf_cstr(&b), "abc-def|42|x");
    EXPECT_INT_EQ(b.len, 12);
    EXPECT_INT_EQ(b.data[b.len], '\0');
    buf_release(&b);
}

TEST(buf_grows_across_many_appends)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 10000; i++)
        EXPECT_INT_EQ(buf_putc(&b, (char)('a' + i % 26)), 0);
    EXPECT_INT_EQ(b.len, 10000);
    EXPECT_INT_EQ(strlen(buf_cstr(&b)), 10000);
    EXPECT_INT_EQ(b.data[9999], 'a' + 9999 % 26);
    buf_release(&b);
}

TEST(buf_accepts_exactly_max_bytes)
{
    struct buf b;
    buf_init(&b, 5);
    EXPECT_INT_EQ(buf_append_str(&b, "12345"), 0);
    EXPECT_STR_EQ(buf_cstr(&b), "12345");
    EXPECT_INT_EQ(buf_putc(&b, '6'), -ERR_TOO_LARGE);
    buf_release(&b);
}

TEST(buf_rejects_growth_past_the_cap_and_leaves_contents_unchanged)
{
    struct buf b;
    buf_init(&b, 8);
    EXPECT_INT_EQ(buf_append_str(&b, "hello"), 0);
    EXPECT_INT_EQ(buf_append_str(&b, "world"), -ERR_TOO_LARGE);
    EXPECT_INT_EQ(buf_printf(&b, "%s", "world"), -ERR_TOO_LARGE);
    EXPECT_STR_EQ(buf_cstr(&b), "hello");
    EXPECT_INT_EQ(b.len, 5);
    EXPECT_INT_EQ(buf_append_str(&b, "abc"), 0);
    EXPECT_STR_EQ(buf_cstr(&b), "helloabc");
    buf_release(&b);
}

TEST(buf_with_zero_max_bytes_has_no_room)
{
    struct buf b;
    buf_init(&b, 0);
    EXPECT_INT_EQ(buf_append(&b, "", 0), 0);
    EXPECT_INT_EQ(buf_putc(&b, 'x'), -ERR_TOO_LARGE);
    EXPECT_STR_EQ(buf_cstr(&b), "");
    buf_release(&b);
}

TEST(buf_reset_empties_but_keeps_the_cap)
{
    struct buf b;
    buf_init(&b, 4);
    EXPECT_INT_EQ(buf_append_str(&b, "abcd"), 0);
    buf_reset(&b);
    EXPECT_STR_EQ(buf_cstr(&b), "");
    EXPECT_INT_EQ(buf_append_str(&b, "wxyz"), 0);
    EXPECT_INT_EQ(buf_putc(&b, '!'), -ERR_TOO_LARGE);
    buf_release(&b);
}

TEST(buf_detach_hands_memory_to_the_caller_and_resets)
{
    struct buf b;
    size_t len = 0;
    buf_init(&b, 100);
    EXPECT_INT_EQ(buf_append_str(&b, "owned"), 0);
    char *s = buf_detach(&b, &len);
    EXPECT_STR_EQ(s, "owned");
    EXPECT_INT_EQ(len, 5);
    EXPECT_STR_EQ(buf_cstr(&b), "");
    free(s);
    char *empty = buf_detach(&b, &len);
    EXPECT_STR_EQ(empty, "");
    EXPECT_INT_EQ(len, 0);
    free(empty);
    buf_release(&b);
}

TEST(buf_release_can_be_deferred_to_an_arena)
{
    struct arena *arena = arena_new();
    struct buf *b = arena_alloc(arena, sizeof(*b));
    buf_init(b, 100);
    arena_defer(arena, buf_release_cb, b);
    EXPECT_INT_EQ(buf_append_str(b, "freed by the arena"), 0);
    arena_free(arena);
}
