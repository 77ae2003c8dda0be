/*
 * Client-given file names and types made safe: path and control characters
 * out, a UTF-8-safe length cap, an allow-list of content types served as
 * themselves, and the two-form Content-Disposition of a download.
 */
#include "domain/file_name.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/utf8.h"

#define FILE_NAME_MAX_EXT_BYTES 16
#define FILE_NAME_REPLACEMENT '_'

/* Types that browsers and viewers show without running script in the server's origin. */
static const char *const safe_types[] = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/tiff",
    "image/heic",
    "application/pdf",
    "text/plain",
    "text/csv",
    "text/calendar",
    "text/vcard",
    "application/rtf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/zip",
    "application/gzip",
    "application/x-7z-compressed",
    "application/x-tar",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "video/mp4",
    "video/webm",
    "video/quicktime",
};

/* Characters that are replaced: C0 and C1 controls, DEL, and invisible direction marks. */
static bool file_name_char_unsafe(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
           cp == 0x2029;
}

/* The length of the longest prefix of s[0..len) that is at most max bytes and whole characters. */
static size_t file_name_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Cuts name (longer than the cap) keeping a short extension. */
static size_t file_name_shorten(char *name, size_t len)
{
    const char *dot = NULL;
    for (size_t i = len; i > 1; i--) {
        if (name[i - 1] == '.') {
            dot = name + i - 1;
            break;
        }
    }
    size_t ext_len = dot != NULL ? len - (size_t)(dot - name) : 0;
    if (ext_len > FILE_NAME_MAX_EXT_BYTES)
        ext_len = 0;
    size_t stem_len = file_name_cut(name, len - ext_len, FILE_NAME_MAX_BYTES - ext_len);
    memmove(name + stem_len, name + len - ext_len, ext_len);
    return stem_len + ext_len;
}

int file_name_clean(struct arena *arena, const char *name, size_t len, const char *field,
                    const char **out, struct err *err)
{
    *out = NULL;
    if (name == NULL)
        return err_field(err, field, "is required");
    if (!utf8_valid(name, len))
        return err_field(err, field, "must be UTF-8 text");

    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '/' || name[i] == '\\')
            start = i + 1;
    }
    char *clean = arena_alloc(arena, len - start + 1);
    size_t n = 0;
    for (size_t i = start; i < len;) {
        uint32_t cp = 0;
        size_t step = utf8_decode(name + i, len - i, &cp);
        if (file_name_char_unsafe(cp)) {
            clean[n++] = FILE_NAME_REPLACEMENT;
        } else {
            memcpy(clean + n, name + i, step);
            n += step;
        }
        i += step;
    }

    size_t first = 0;
    while (first < n && clean[first] == ' ')
        first++;
    while (n > first && (clean[n - 1] == ' ' || clean[n - 1] == '.'))
        n--;
    n -= first;
    memmove(clean, clean + first, n);
    if (n == 0)
        return err_field(err, field, "must name a file");
    if (n > FILE_NAME_MAX_BYTES)
        n = file_name_shorten(clean, n);
    clean[n] = '\0';
    *out = clean;
    return 0;
}

const char *file_name_safe_type(const char *given)
{
    if (given == NULL)
        return FILE_NAME_FALLBACK_TYPE;
    while (*given == ' ' || *given == '\t')
        given++;
    size_t len = strcspn(given, "; \t");
    for (size_t i = 0; i < sizeof(safe_types) / sizeof(safe_types[0]); i++) {
        if (strlen(safe_types[i]) == len && strncasecmp(safe_types[i], given, len) == 0)
            return safe_types[i];
    }
    return FILE_NAME_FALLBACK_TYPE;
}

/* RFC 5987 attr-char: what filename*= may carry without percent-encoding. */
static bool file_name_attr_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$&+-.^_`|~", c) != NULL);
}

const char *file_name_disposition(struct arena *arena, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    static const char head[] = "attachment; filename=\"";
    static const char middle[] = "\"; filename*=UTF-8''";
    size_t len = strlen(name);
    /* Each byte is at most one fallback byte and three encoded ones. */
    char *out = arena_alloc(arena, sizeof(head) + sizeof(middle) + len * 4 + 1);
    size_t n = 0;

    memcpy(out, head, sizeof(head) - 1);
    n += sizeof(head) - 1;
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t step = utf8_decode(name + i, len - i, &cp);
        if (step == 0)
            step = 1;
        bool plain = step == 1 && cp >= 0x20 && cp < 0x7F && cp != '"' && cp != '\\' && cp != '%';
        out[n++] = plain ? (char)cp : FILE_NAME_REPLACEMENT;
        i += step;
    }
    memcpy(out + n, middle, sizeof(middle) - 1);
    n += sizeof(middle) - 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (file_name_attr_char(c)) {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 0x0F];
        }
    }
    out[n] = '\0';
    return out;
}
