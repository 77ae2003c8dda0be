/*
 * Arena: one per request or job. Memory comes from large blocks and is freed
 * all at once by arena_free(), which first runs the deferred cleanups (closing
 * statements, removing temp files, freeing heap buffers) in reverse order of
 * registration. Allocation failure aborts the process: inputs are capped
 * before they reach an arena, so running out of memory is a fatal condition.
 */
#ifndef CRM_BASE_ARENA_H
#define CRM_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
/* Runs deferred cleanups, then frees every block. arena_free(NULL) is a no-op. */
void arena_free(struct arena *arena);

/* Zeroed memory aligned for any type. */
void *arena_alloc(struct arena *arena, size_t size);
void *arena_alloc_array(struct arena *arena, size_t count, size_t size);
/* Copies old_size bytes of old into a new allocation of new_size bytes. */
void *arena_grow(struct arena *arena, void *old, size_t old_size, size_t new_size);
char *arena_strdup(struct arena *arena, const char *s);
char *arena_strndup(struct arena *arena, const char *s, size_t len);
void *arena_memdup(struct arena *arena, const void *p, size_t len);
char *arena_printf(struct arena *arena, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *arena, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Registers fn(arg) to run when the arena is freed (last registered runs first). */
void arena_defer(struct arena *arena, void (*fn)(void *arg), void *arg);

/* Bytes handed out so far (for limits and tests). */
size_t arena_used_bytes(const struct arena *arena);

#endif
