/*
 * Tests for src/base/arena.c: alignment, zeroing, large allocations, growth
 * and the order of deferred cleanups.
 */
#include "base/arena.h"

#include <stdalign.h>
#include <stdint.h>

#include "../test.h"

TEST(arena_returns_zeroed_memory_aligned_for_any_type)
{
    struct arena *arena = arena_new();
    for (size_t size = 1; size < 200; size += 7) {
        unsigned char *p = arena_alloc(arena, size);
        EXPECT_INT_EQ((uintptr_t)p % alignof(max_align_t), 0);
        for (size_t i = 0; i < size; i++)
            EXPECT_INT_EQ(p[i], 0);
        memset(p, 0xAB, size);
    }
    arena_free(arena);
}

TEST(arena_serves_allocations_larger_than_a_block)
{
    struct arena *arena = arena_new();
    size_t size = 1024 * 1024;
    unsigned char *big = arena_alloc(arena, size);
    EXPECT_INT_EQ(big[0], 0);
    EXPECT_INT_EQ(big[size - 1], 0);
    memset(big, 1, size);
    char *small = arena_strdup(arena, "still works");
    EXPECT_STR_EQ(small, "still works");
    EXPECT(arena_used_bytes(arena) >= size);
    arena_free(arena);
}

TEST(arena_survives_many_blocks_of_small_allocations)
{
    struct arena *arena = arena_new();
    char *first = arena_strdup(arena, "first");
    for (int i = 0; i < 10000; i++) {
        int *p = arena_alloc(arena, sizeof(int) * 3);
        p[2] = i;
    }
    EXPECT_STR_EQ(first, "first");
    arena_free(arena);
}

TEST(arena_grow_keeps_old_bytes_and_zeroes_the_rest)
{
    struct arena *arena = arena_new();
    char *p = arena_alloc(arena, 4);
    memcpy(p, "abcd", 4);
    char *q = arena_grow(arena, p, 4, 100);
    EXPECT(memcmp(q, "abcd", 4) == 0);
    for (size_t i = 4; i < 100; i++)
        EXPECT_INT_EQ(q[i], 0);
    /* Growing something that is not the latest allocation copies it. */
    char *other = arena_alloc(arena, 8);
    other[0] = 'x';
    char *r = arena_grow(arena, q, 100, 50000);
    EXPECT(r != q);
    EXPECT(memcmp(r, "abcd", 4) == 0);
    EXPECT_INT_EQ(r[49999], 0);
    EXPECT_INT_EQ(other[0], 'x');
    arena_free(arena);
}

TEST(arena_copies_strings_and_memory)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(arena_strndup(arena, "hello world", 5), "hello");
    EXPECT_STR_EQ(arena_strdup(arena, ""), "");
    const int nums[3] = {1, 2, 3};
    int *copy = arena_memdup(arena, nums, sizeof(nums));
    EXPECT_INT_EQ(copy[2], 3);
    EXPECT_STR_EQ(arena_printf(arena, "%s=%d", "n", 42), "n=42");
    int *array = arena_alloc_array(arena, 10, sizeof(int));
    EXPECT_INT_EQ(array[9], 0);
    arena_free(arena);
}

TEST(arena_printf_handles_output_longer_than_a_block)
{
    struct arena *arena = arena_new();
    char *s = arena_printf(arena, "%40000d|", 7);
    EXPECT_INT_EQ(strlen(s), 40001);
    EXPECT_INT_EQ(s[39999], '7');
    arena_free(arena);
}

static char cleanup_log[16];
static size_t cleanup_len;

static void cleanup_record(void *arg)
{
    cleanup_log[cleanup_len++] = *(const char *)arg;
}

TEST(arena_runs_deferred_cleanups_last_registered_first)
{
    static const char a = 'a', b = 'b', c = 'c';
    struct arena *arena = arena_new();
    arena_defer(arena, cleanup_record, (void *)&a);
    arena_defer(arena, cleanup_record, (void *)&b);
    arena_defer(arena, cleanup_record, (void *)&c);
    EXPECT_INT_EQ(cleanup_len, 0);
    arena_free(arena);
    cleanup_log[cleanup_len] = '\0';
    EXPECT_STR_EQ(cleanup_log, "cba");
}

TEST(arena_free_of_null_is_a_no_op)
{
    arena_free(NULL);
}

TEST(arena_counts_bytes_handed_out)
{
    struct arena *arena = arena_new();
    EXPECT_INT_EQ(arena_used_bytes(arena), 0);
    (void)arena_alloc(arena, 10);
    EXPECT(arena_used_bytes(arena) >= 10);
    arena_free(arena);
}
