/*
 * Logging: each event is formatted into a stack buffer and written with a
 * single write(2), so concurrent lines never interleave. The level and the
 * descriptor are atomics, settable from any thread. Lines longer than the
 * buffer are cut and end in "...".
 */
#include "base/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

#define LOG_LINE_MAX 4096

static atomic_int log_min_level = LOG_INFO;
static atomic_int log_fd = STDERR_FILENO;

static const char *const log_level_names[] = {
    [LOG_DEBUG] = "debug",
    [LOG_INFO] = "info",
    [LOG_WARN] = "warn",
    [LOG_ERROR] = "error",
};

void log_set_level(enum log_level level)
{
    atomic_store(&log_min_level, (int)level);
}

int log_level_parse(const char *name)
{
    for (size_t i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]); i++) {
        if (strcmp(name, log_level_names[i]) == 0)
            return (int)i;
    }
    return -1;
}

void log_set_fd(int fd)
{
    atomic_store(&log_fd, fd);
}

void log_event(enum log_level level, const char *event, const char *fmt, ...)
{
    if ((int)level < atomic_load(&log_min_level))
        return;
    if ((unsigned)level > LOG_ERROR)
        level = LOG_ERROR;

    char line[LOG_LINE_MAX];
    char ts[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), ts);
    int n =
        snprintf(line, sizeof(line), "ts=%s level=%s event=%s", ts, log_level_names[level], event);
    size_t len = n < 0 ? 0 : (size_t)n;
    if (len < sizeof(line) - 1 && fmt != NULL && fmt[0] != '\0') {
        va_list ap;
        line[len++] = ' ';
        va_start(ap, fmt);
        n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
        va_end(ap);
        if (n > 0)
            len += (size_t)n;
        else
            len--; /* nothing was formatted: drop the separator */
    }
    /* Keep room for the newline; mark a cut line. */
    if (len > sizeof(line) - 2) {
        len = sizeof(line) - 2;
        memcpy(line + len - 3, "...", 3);
    }
    line[len++] = '\n';

    ssize_t w;
    do {
        w = write(atomic_load(&log_fd), line, len);
    } while (w < 0 && errno == EINTR);
}

const char *log_quote(char *out, size_t out_size, const char *value)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (out_size < 3) {
        if (out_size > 0)
            out[0] = '\0';
        return out;
    }
    out[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)value; p != NULL && *p != '\0'; p++) {
        char esc[4];
        size_t n = 0;
        switch (*p) {
        case '"':
        case '\\':
            esc[n++] = '\\';
            esc[n++] = (char)*p;
            break;
        case '\n':
            esc[n++] = '\\';
            esc[n++] = 'n';
            break;
        case '\r':
            esc[n++] = '\\';
            esc[n++] = 'r';
            break;
        case '\t':
            esc[n++] = '\\';
            esc[n++] = 't';
            break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                esc[n++] = '\\';
                esc[n++] = 'x';
                esc[n++] = hex[*p >> 4];
                esc[n++] = hex[*p & 0xf];
            } else {
                esc[n++] = (char)*p;
            }
        }
        /* Room for the escape, the closing quote and the NUL; never split an escape. */
        if (o + n + 2 > out_size)
            break;
        memcpy(out + o, esc, n);
        o += n;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}
