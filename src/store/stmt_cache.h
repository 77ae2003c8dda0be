/*
 * A per-connection cache of prepared statements keyed by their SQL text,
 * shared by both backends: the handle is a sqlite3_stmt for SQLite and the
 * server-side statement name for PostgreSQL. A small open-addressed table;
 * a full neighbourhood evicts its least recently used entry.
 */
#ifndef CRM_STORE_STMT_CACHE_H
#define CRM_STORE_STMT_CACHE_H

#include <stdint.h>

#define STMT_CACHE_SLOTS 128

struct stmt_cache_slot {
    char *sql;
    void *handle;
    uint64_t last_used;
};

struct stmt_cache {
    struct stmt_cache_slot slots[STMT_CACHE_SLOTS];
    uint64_t uses;
};

/* The handle cached for sql, or NULL. */
void *stmt_cache_get(struct stmt_cache *cache, const char *sql);

/*
 * Caches handle for sql. *evicted receives the handle it replaced (NULL if
 * none) for the caller to drop. -ERR_INTERNAL when out of memory (nothing
 * changed; the caller still owns handle).
 */
int stmt_cache_put(struct stmt_cache *cache, const char *sql, void *handle, void **evicted);

/* Empties the cache, handing every handle to drop(handle, ctx). */
void stmt_cache_clear(struct stmt_cache *cache, void (*drop)(void *handle, void *ctx), void *ctx);

#endif
