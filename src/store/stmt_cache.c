/*
 * The prepared-statement cache: FNV-1a of the SQL text picks a home slot,
 * lookups probe a neighbourhood of four.
 */
#include "store/stmt_cache.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"

#define NEIGHBOURHOOD 4

static size_t home_slot(const char *sql)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *s = sql; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)(h % STMT_CACHE_SLOTS);
}

void *stmt_cache_get(struct stmt_cache *cache, const char *sql)
{
    size_t home = home_slot(sql);
    cache->uses++;
    for (size_t probe = 0; probe < NEIGHBOURHOOD; probe++) {
        struct stmt_cache_slot *slot = &cache->slots[(home + probe) % STMT_CACHE_SLOTS];
        if (slot->sql == NULL)
            return NULL;
        if (strcmp(slot->sql, sql) == 0) {
            slot->last_used = cache->uses;
            return slot->handle;
        }
    }
    return NULL;
}

int stmt_cache_put(struct stmt_cache *cache, const char *sql, void *handle, void **evicted)
{
    size_t home = home_slot(sql);
    struct stmt_cache_slot *victim = &cache->slots[home];
    for (size_t probe = 0; probe < NEIGHBOURHOOD; probe++) {
        struct stmt_cache_slot *slot = &cache->slots[(home + probe) % STMT_CACHE_SLOTS];
        if (slot->sql == NULL) {
            victim = slot;
            break;
        }
        if (slot->last_used < victim->last_used)
            victim = slot;
    }
    char *copy = strdup(sql);
    if (copy == NULL)
        return -ERR_INTERNAL;
    *evicted = victim->handle;
    free(victim->sql);
    victim->sql = copy;
    victim->handle = handle;
    victim->last_used = ++cache->uses;
    return 0;
}

void stmt_cache_clear(struct stmt_cache *cache, void (*drop)(void *handle, void *ctx), void *ctx)
{
    for (size_t i = 0; i < STMT_CACHE_SLOTS; i++) {
        struct stmt_cache_slot *slot = &cache->slots[i];
        if (slot->sql != NULL && drop != NULL)
            drop(slot->handle, ctx);
        free(slot->sql);
        *slot = (struct stmt_cache_slot){0};
    }
    cache->uses = 0;
}
