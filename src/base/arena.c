/*
 * Arena allocator: bump allocation from a chain of heap blocks, all freed at
 * once. Requests larger than a quarter of the default block get a block of
 * their own so that they do not waste the tail of the current one. Deferred
 * cleanups live in the arena itself as a singly linked stack, so they run in
 * reverse order of registration.
 */
#include "base/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_BYTES (16 * 1024)
#define ARENA_ALIGN (alignof(max_align_t))

struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

struct arena_cleanup {
    struct arena_cleanup *next;
    void (*fn)(void *arg);
    void *arg;
};

struct arena {
    struct arena_block *head; /* current block; older blocks follow */
    struct arena_cleanup *cleanups;
    size_t used_bytes;
    /* The most recent allocation, which arena_grow() may extend in place. */
    void *last;
    size_t last_size;
};

static _Noreturn void arena_oom(size_t size)
{
    fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", size);
    abort();
}

static size_t arena_round_up(size_t size)
{
    if (size > SIZE_MAX - (ARENA_ALIGN - 1))
        arena_oom(size);
    return (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

static struct arena_block *arena_block_new(size_t size)
{
    if (size > SIZE_MAX - sizeof(struct arena_block))
        arena_oom(size);
    /* Not zeroed here: arena_alloc zeroes what it hands out, usually a small part. */
    struct arena_block *block = malloc(sizeof(*block) + size);
    if (block == NULL)
        arena_oom(size);
    block->next = NULL;
    block->size = size;
    block->used = 0;
    return block;
}

struct arena *arena_new(void)
{
    struct arena *arena = calloc(1, sizeof(*arena));
    if (arena == NULL)
        arena_oom(sizeof(*arena));
    arena->head = arena_block_new(ARENA_BLOCK_BYTES);
    return arena;
}

void arena_free(struct arena *arena)
{
    if (arena == NULL)
        return;
    /* Cleanups are popped one at a time so a cleanup may still use the arena's memory. */
    while (arena->cleanups != NULL) {
        struct arena_cleanup *c = arena->cleanups;
        arena->cleanups = c->next;
        c->fn(c->arg);
    }
    struct arena_block *block = arena->head;
    while (block != NULL) {
        struct arena_block *next = block->next;
        free(block);
        block = next;
    }
    free(arena);
}

void *arena_alloc(struct arena *arena, size_t size)
{
    size_t rounded = arena_round_up(size == 0 ? 1 : size);
    struct arena_block *block = arena->head;
    void *p;

    if (block->size - block->used >= rounded) {
        p = block->data + block->used;
        block->used += rounded;
    } else if (rounded > ARENA_BLOCK_BYTES / 4) {
        /* A dedicated block, linked behind the current one so its tail stays usable. */
        struct arena_block *big = arena_block_new(rounded);
        big->used = rounded;
        big->next = block->next;
        block->next = big;
        p = big->data;
    } else {
        struct arena_block *fresh = arena_block_new(ARENA_BLOCK_BYTES);
        fresh->next = block;
        arena->head = fresh;
        fresh->used = rounded;
        p = fresh->data;
    }
    memset(p, 0, rounded);
    arena->used_bytes += rounded;
    arena->last = p;
    arena->last_size = rounded;
    return p;
}

void *arena_alloc_array(struct arena *arena, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        arena_oom(SIZE_MAX);
    return arena_alloc(arena, count * size);
}

void *arena_grow(struct arena *arena, void *old, size_t old_size, size_t new_size)
{
    if (old == NULL)
        return arena_alloc(arena, new_size);
    if (new_size <= old_size)
        return old;
    /* Extend in place when old is the latest allocation in the current block. */
    struct arena_block *block = arena->head;
    unsigned char *end = block->data + block->used;
    if (old == arena->last && (unsigned char *)old + arena->last_size == end) {
        size_t rounded = arena_round_up(new_size);
        size_t extra = rounded - arena->last_size;
        if (rounded > arena->last_size && block->size - block->used >= extra) {
            /* Bytes past old_size inside the old rounded size were zeroed and never written. */
            memset(end, 0, extra);
            block->used += extra;
            arena->used_bytes += extra;
            arena->last_size = rounded;
            return old;
        }
        if (rounded <= arena->last_size)
            return old;
    }
    void *p = arena_alloc(arena, new_size);
    memcpy(p, old, old_size);
    return p;
}

char *arena_strdup(struct arena *arena, const char *s)
{
    return arena_strndup(arena, s, strlen(s));
}

char *arena_strndup(struct arena *arena, const char *s, size_t len)
{
    char *p = arena_alloc(arena, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void *arena_memdup(struct arena *arena, const void *p, size_t len)
{
    void *q = arena_alloc(arena, len);
    if (len > 0)
        memcpy(q, p, len);
    return q;
}

char *arena_printf(struct arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(arena, fmt, ap);
    va_end(ap);
    return s;
}

char *arena_vprintf(struct arena *arena, const char *fmt, va_list ap)
{
    va_list copy;
    char probe[1];
    va_copy(copy, ap);
    int n = vsnprintf(probe, sizeof(probe), fmt, copy);
    va_end(copy);
    if (n < 0)
        return arena_strdup(arena, "");
    char *s = arena_alloc(arena, (size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

void arena_defer(struct arena *arena, void (*fn)(void *arg), void *arg)
{
    struct arena_cleanup *c = arena_alloc(arena, sizeof(*c));
    c->fn = fn;
    c->arg = arg;
    c->next = arena->cleanups;
    arena->cleanups = c;
}

size_t arena_used_bytes(const struct arena *arena)
{
    return arena->used_bytes;
}
