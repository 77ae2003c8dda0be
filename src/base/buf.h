/*
 * Growable byte buffer with a hard cap. Appending past max_bytes fails with
 * -ERR_TOO_LARGE and leaves the buffer unchanged, so input can never grow a
 * buffer without bound. The contents are always NUL-terminated. Memory is on
 * the heap; buf_release() frees it (register it on an arena with
 * arena_defer(arena, buf_release_cb, buf) when the arena owns the buffer).
 */
#ifndef CRM_BASE_BUF_H
#define CRM_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max_bytes;
};

void buf_init(struct buf *buf, size_t max_bytes);
void buf_release(struct buf *buf);
void buf_release_cb(void *buf);
void buf_reset(struct buf *buf);

__attribute__((warn_unused_result)) int buf_append(struct buf *buf, const void *data, size_t len);
__attribute__((warn_unused_result)) int buf_append_str(struct buf *buf, const char *s);
__attribute__((warn_unused_result)) int buf_putc(struct buf *buf, char c);
__attribute__((warn_unused_result, format(printf, 2, 3))) int buf_printf(struct buf *buf,
                                                                         const char *fmt, ...);
__attribute__((warn_unused_result, format(printf, 2, 0))) int
buf_vprintf(struct buf *buf, const char *fmt, va_list ap);

/* Never NULL: an empty buffer gives "". */
const char *buf_cstr(const struct buf *buf);

/* Hands the heap memory to the caller (who frees it) and resets the buffer. */
char *buf_detach(struct buf *buf, size_t *len_out);

#endif
