/*
 * Capped growable buffer. Capacity doubles up to max_bytes + 1 (the NUL);
 * an append that would take len past max_bytes fails with -ERR_TOO_LARGE
 * before touching the buffer. max_bytes == 0 means the buffer has no room:
 * only empty appends succeed. Heap exhaustion aborts, as in the arena.
 */
#include "base/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

#define BUF_MIN_CAP 1024 /* one allocation for most JSON records and SQL texts */

void buf_init(struct buf *buf, size_t max_bytes)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->max_bytes = max_bytes;
}

void buf_release(struct buf *buf)
{
    if (buf == NULL)
        return;
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void buf_release_cb(void *buf)
{
    buf_release(buf);
}

void buf_reset(struct buf *buf)
{
    buf->len = 0;
    if (buf->data != NULL)
        buf->data[0] = '\0';
}

/* Makes room for `extra` more bytes plus the NUL; 0 or -ERR_TOO_LARGE. */
static int buf_reserve(struct buf *buf, size_t extra)
{
    if (extra > buf->max_bytes || buf->len > buf->max_bytes - extra)
        return -ERR_TOO_LARGE;
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return 0;
    size_t limit = buf->max_bytes == SIZE_MAX ? SIZE_MAX : buf->max_bytes + 1;
    size_t cap = buf->cap < BUF_MIN_CAP ? BUF_MIN_CAP : buf->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    if (cap > limit)
        cap = limit;
    char *data = realloc(buf->data, cap);
    if (data == NULL) {
        fprintf(stderr, "fatal: out of memory growing a buffer to %zu bytes\n", cap);
        abort();
    }
    buf->data = data;
    buf->cap = cap;
    return 0;
}

int buf_append(struct buf *buf, const void *data, size_t len)
{
    if (len == 0)
        return 0;
    int rc = buf_reserve(buf, len);
    if (rc < 0)
        return rc;
    memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return 0;
}

int buf_append_str(struct buf *buf, const char *s)
{
    return buf_append(buf, s, strlen(s));
}

int buf_putc(struct buf *buf, char c)
{
    return buf_append(buf, &c, 1);
}

int buf_printf(struct buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(buf, fmt, ap);
    va_end(ap);
    return rc;
}

int buf_vprintf(struct buf *buf, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return -ERR_INTERNAL;
    if (n == 0)
        return 0;
    int rc = buf_reserve(buf, (size_t)n);
    if (rc < 0)
        return rc;
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
    return 0;
}

const char *buf_cstr(const struct buf *buf)
{
    return buf->data != NULL ? buf->data : "";
}

char *buf_detach(struct buf *buf, size_t *len_out)
{
    char *data = buf->data;
    size_t len = buf->len;
    if (data == NULL) {
        data = calloc(1, 1);
        if (data == NULL) {
            fprintf(stderr, "fatal: out of memory\n");
            abort();
        }
    }
    if (len_out != NULL)
        *len_out = len;
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    return data;
}
