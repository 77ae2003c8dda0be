/*
 * String slices: comparison, trimming, splitting and integer conversion over
 * (pointer, length) pairs without copying.
 */
#include "base/str.h"

#include <string.h>

#include "base/arena.h"
#include "base/err.h"

struct str str_from_cstr(const char *s)
{
    return (struct str){s, s != NULL ? strlen(s) : 0};
}

bool str_eq(struct str a, struct str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool str_eq_cstr(struct str a, const char *b)
{
    return str_eq(a, str_from_cstr(b));
}

static char str_ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool str_eq_nocase(struct str a, const char *b)
{
    size_t blen = strlen(b);
    if (a.len != blen)
        return false;
    for (size_t i = 0; i < blen; i++) {
        if (str_ascii_lower(a.ptr[i]) != str_ascii_lower(b[i]))
            return false;
    }
    return true;
}

bool str_starts_with(struct str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && (n == 0 || memcmp(s.ptr, prefix, n) == 0);
}

static bool str_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

struct str str_trim(struct str s)
{
    while (s.len > 0 && str_is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len > 0 && str_is_space(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

bool str_split(struct str s, char sep, struct str *head, struct str *rest)
{
    const char *p = s.len > 0 ? memchr(s.ptr, sep, s.len) : NULL;
    if (p == NULL) {
        *head = s;
        if (rest != NULL)
            *rest = (struct str){s.ptr != NULL ? s.ptr + s.len : NULL, 0};
        return false;
    }
    size_t at = (size_t)(p - s.ptr);
    *head = (struct str){s.ptr, at};
    if (rest != NULL)
        *rest = (struct str){p + 1, s.len - at - 1};
    return true;
}

char *str_to_cstr(struct arena *arena, struct str s)
{
    return arena_strndup(arena, s.len > 0 ? s.ptr : "", s.len);
}

int str_to_int64(struct str s, int64_t *out)
{
    size_t i = 0;
    bool negative = false;
    if (s.len > 0 && s.ptr[0] == '-') {
        negative = true;
        i = 1;
    }
    if (i == s.len)
        return -ERR_BAD_REQUEST;
    /*
     * No '+', spaces or other junk. Accumulate as a negative number so that
     * INT64_MIN is representable.
     */
    int64_t value = 0;
    for (; i < s.len; i++) {
        char c = s.ptr[i];
        if (c < '0' || c > '9')
            return -ERR_BAD_REQUEST;
        int digit = c - '0';
        if (value < (INT64_MIN + digit) / 10)
            return -ERR_BAD_REQUEST;
        value = value * 10 - digit;
    }
    if (!negative) {
        if (value == INT64_MIN)
            return -ERR_BAD_REQUEST;
        value = -value;
    }
    *out = value;
    return 0;
}
