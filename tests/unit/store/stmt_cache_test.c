/*
 * The prepared-statement cache: hits, eviction of the least recently used
 * entry of a full neighbourhood, and clearing.
 */
#include "../test.h"

#include "store/stmt_cache.h"

static int drops;

static void count_drop(void *handle, void *ctx)
{
    (void)handle;
    (void)ctx;
    drops++;
}

TEST(stmt_cache_returns_what_was_put_for_the_same_sql_only)
{
    static struct stmt_cache cache;
    int a = 1, b = 2;
    void *evicted = &a;
    EXPECT(stmt_cache_get(&cache, "SELECT 1") == NULL);
    EXPECT_INT_EQ(stmt_cache_put(&cache, "SELECT 1", &a, &evicted), 0);
    EXPECT(evicted == NULL);
    EXPECT_INT_EQ(stmt_cache_put(&cache, "SELECT 2", &b, &evicted), 0);
    EXPECT(stmt_cache_get(&cache, "SELECT 1") == &a);
    EXPECT(stmt_cache_get(&cache, "SELECT 2") == &b);
    EXPECT(stmt_cache_get(&cache, "SELECT 3") == NULL);
    stmt_cache_clear(&cache, NULL, NULL);
}

TEST(stmt_cache_evicts_and_hands_back_handles_when_full)
{
    static struct stmt_cache cache;
    static int handles[1000];
    char sql[32];
    int evictions = 0;
    for (int i = 0; i < 1000; i++) {
        void *evicted = NULL;
        snprintf(sql, sizeof(sql), "SELECT %d", i);
        EXPECT_INT_EQ(stmt_cache_put(&cache, sql, &handles[i], &evicted), 0);
        if (evicted != NULL)
            evictions++;
        EXPECT(stmt_cache_get(&cache, sql) == &handles[i]);
    }
    EXPECT(evictions >= 1000 - STMT_CACHE_SLOTS);
    drops = 0;
    stmt_cache_clear(&cache, count_drop, NULL);
    EXPECT_INT_EQ(drops, 1000 - evictions);
    EXPECT(stmt_cache_get(&cache, "SELECT 999") == NULL);
}

TEST(stmt_cache_keeps_a_recently_used_statement_over_an_older_one)
{
    static struct stmt_cache cache;
    static int handles[2000];
    char sql[32];
    int keep = 7;
    void *evicted;
    EXPECT_INT_EQ(stmt_cache_put(&cache, "SELECT keep", &keep, &evicted), 0);
    for (int i = 0; i < 2000; i++) {
        snprintf(sql, sizeof(sql), "SELECT %d", i);
        EXPECT(stmt_cache_get(&cache, "SELECT keep") == &keep);
        EXPECT_INT_EQ(stmt_cache_put(&cache, sql, &handles[i], &evicted), 0);
    }
    EXPECT(stmt_cache_get(&cache, "SELECT keep") == &keep);
    stmt_cache_clear(&cache, NULL, NULL);
}
