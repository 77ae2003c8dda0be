/*
 * Parsed roles kept per process, one slot per role id (a small direct-mapped
 * table: a process sees few roles, and a collision only costs a parse).
 * Each entry owns an arena holding the role and counts its holders: the
 * table itself and every request using it. A superseded entry is freed
 * when its last request ends.
 */
#include "api/role_cache.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>

#include "base/arena.h"

#define ROLE_CACHE_SLOTS 64

struct role_entry {
    struct role_cache *cache;
    struct arena *arena;
    struct role role;
    int64_t version;
    int holders;
};

struct role_cache {
    pthread_mutex_t lock;
    struct role_entry *slots[ROLE_CACHE_SLOTS];
};

struct role_cache *role_cache_new(void)
{
    struct role_cache *cache = calloc(1, sizeof(*cache));
    if (cache == NULL)
        abort();
    pthread_mutex_init(&cache->lock, NULL);
    return cache;
}

/* Drops one holder; the caller has the lock. */
static void entry_release_locked(struct role_entry *entry)
{
    if (--entry->holders == 0)
        arena_free(entry->arena); /* the entry lives in it */
}

void role_cache_free(struct role_cache *cache)
{
    if (cache == NULL)
        return;
    for (size_t i = 0; i < ROLE_CACHE_SLOTS; i++) {
        if (cache->slots[i] != NULL)
            entry_release_locked(cache->slots[i]);
    }
    pthread_mutex_destroy(&cache->lock);
    free(cache);
}

static void entry_release(void *arg)
{
    struct role_entry *entry = arg;
    struct role_cache *cache = entry->cache;
    pthread_mutex_lock(&cache->lock);
    entry_release_locked(entry);
    pthread_mutex_unlock(&cache->lock);
}

static int role_text_parse(struct arena *arena, const struct role_text *text, struct role *out,
                           struct err *err)
{
    json_error_t jerr;
    json_t *permissions = json_loads(text->permissions ? text->permissions : "{}", 0, &jerr);
    json_t *fields = json_loads(text->fields ? text->fields : "{}", 0, &jerr);
    int rc = -ERR_INTERNAL;
    if (permissions != NULL && fields != NULL)
        rc = role_parse(arena, permissions, fields, text->is_admin, out, err);
    json_decref(permissions);
    json_decref(fields);
    if (rc < 0) {
        err_clear(err);
        return err_set(err, ERR_INTERNAL, "role %s (%lld) is malformed", text->name,
                       (long long)text->id);
    }
    out->id = text->id;
    out->name = arena_strdup(arena, text->name);
    return 0;
}

int role_cache_get(struct role_cache *cache, struct arena *arena, const struct role_text *text,
                   const struct role **out, struct err *err)
{
    if (cache == NULL) {
        struct role *role = arena_alloc(arena, sizeof(*role));
        int rc = role_text_parse(arena, text, role, err);
        *out = role;
        return rc;
    }
    size_t slot = (size_t)text->id % ROLE_CACHE_SLOTS;
    pthread_mutex_lock(&cache->lock);
    struct role_entry *entry = cache->slots[slot];
    bool hit = entry != NULL && entry->role.id == text->id && entry->version == text->version;
    if (hit)
        entry->holders++;
    pthread_mutex_unlock(&cache->lock);

    if (!hit) {
        struct arena *entry_arena = arena_new();
        entry = arena_alloc(entry_arena, sizeof(*entry));
        entry->cache = cache;
        entry->arena = entry_arena;
        entry->version = text->version;
        int rc = role_text_parse(entry_arena, text, &entry->role, err);
        if (rc < 0) {
            arena_free(entry_arena);
            return rc;
        }
        entry->holders = 2; /* the table and this request */
        pthread_mutex_lock(&cache->lock);
        struct role_entry *old = cache->slots[slot];
        cache->slots[slot] = entry;
        if (old != NULL)
            entry_release_locked(old);
        pthread_mutex_unlock(&cache->lock);
    }
    arena_defer(arena, entry_release, entry);
    *out = &entry->role;
    return 0;
}
