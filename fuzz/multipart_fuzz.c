/*
 * Fuzz target for multipart/form-data (src/http/multipart.c). The first line
 * of the input is the request's Content-Type, the rest its body. The body is
 * refused with 400 or 413 and a detail, or gives at most MULTIPART_MAX_PARTS
 * parts whose data lie inside the body and whose names are UTF-8 without
 * control characters. The parts are then written again as a body with the
 * same boundary, which must read back as the same parts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/utf8.h"
#include "http/multipart.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_text(const char *s, int allow_empty)
{
    if (s == NULL)
        return;
    size_t len = strlen(s);
    FUZZ_CHECK(allow_empty || len > 0);
    FUZZ_CHECK(utf8_valid(s, len));
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        FUZZ_CHECK((c >= 0x20 || c == '\t') && c != 0x7f);
    }
}

/* Appends s as a quoted string, escaping '"' and '\'. */
static void fuzz_put_quoted(struct buf *b, const char *s)
{
    FUZZ_CHECK(buf_putc(b, '"') == 0);
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            FUZZ_CHECK(buf_putc(b, '\\') == 0);
        FUZZ_CHECK(buf_putc(b, *s) == 0);
    }
    FUZZ_CHECK(buf_putc(b, '"') == 0);
}

/* Writes the parts again; false when a header block would pass the limit. */
static int fuzz_write(struct buf *b, struct str boundary, const struct multipart_part *parts,
                      size_t n_parts)
{
    for (size_t i = 0; i < n_parts; i++) {
        FUZZ_CHECK(buf_printf(b, "--%.*s\r\n", (int)boundary.len, boundary.ptr) == 0);
        size_t header_start = b->len;
        FUZZ_CHECK(buf_append_str(b, "Content-Disposition: form-data; name=") == 0);
        fuzz_put_quoted(b, parts[i].name);
        if (parts[i].filename != NULL) {
            FUZZ_CHECK(buf_append_str(b, "; filename*=UTF-8''") == 0);
            for (const unsigned char *s = (const unsigned char *)parts[i].filename; *s; s++)
                FUZZ_CHECK(buf_printf(b, "%%%02X", *s) == 0);
        }
        FUZZ_CHECK(buf_append_str(b, "\r\n") == 0);
        if (parts[i].content_type != NULL)
            FUZZ_CHECK(buf_printf(b, "Content-Type: %s\r\n", parts[i].content_type) == 0);
        FUZZ_CHECK(buf_append_str(b, "\r\n") == 0);
        if (b->len - header_start > MULTIPART_MAX_HEADER_BYTES)
            return 0;
        FUZZ_CHECK(buf_append(b, parts[i].data, parts[i].len) == 0);
        FUZZ_CHECK(buf_append_str(b, "\r\n") == 0);
    }
    FUZZ_CHECK(buf_printf(b, "--%.*s--\r\n", (int)boundary.len, boundary.ptr) == 0);
    return 1;
}

static void fuzz_round_trip(struct arena *arena, struct str boundary,
                            const struct multipart_part *parts, size_t n_parts)
{
    struct buf b;
    buf_init(&b, SIZE_MAX);
    if (fuzz_write(&b, boundary, parts, n_parts)) {
        struct multipart_part *again = NULL;
        size_t n_again = 0;
        struct err err;
        err_clear(&err);
        int rc = multipart_parse(arena, b.data, b.len, boundary, &again, &n_again, &err);
        if (rc != 0)
            fprintf(stderr, "re-read failed: %s\n", err.detail);
        FUZZ_CHECK(rc == 0);
        FUZZ_CHECK(n_again == n_parts);
        for (size_t i = 0; i < n_parts; i++) {
            FUZZ_CHECK(strcmp(again[i].name, parts[i].name) == 0);
            FUZZ_CHECK((again[i].filename == NULL) == (parts[i].filename == NULL));
            FUZZ_CHECK(parts[i].filename == NULL ||
                       strcmp(again[i].filename, parts[i].filename) == 0);
            FUZZ_CHECK((again[i].content_type == NULL) == (parts[i].content_type == NULL));
            FUZZ_CHECK(parts[i].content_type == NULL ||
                       strcmp(again[i].content_type, parts[i].content_type) == 0);
            FUZZ_CHECK(again[i].len == parts[i].len);
            FUZZ_CHECK(parts[i].len == 0 ||
                       memcmp(again[i].data, parts[i].data, parts[i].len) == 0);
        }
    }
    buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = size > 0 ? memchr(text, '\n', size) : NULL;
    size_t type_len = nl != NULL ? (size_t)(nl - text) : size;
    const char *body = nl != NULL ? nl + 1 : text + size;
    size_t body_len = size - (size_t)(body - text);

    struct arena *arena = arena_new();
    char *content_type = arena_strndup(arena, text, type_len);
    struct str boundary = {NULL, 0};
    struct err err;
    err_clear(&err);
    int rc = multipart_boundary(content_type, &boundary, &err);
    if (rc < 0) {
        FUZZ_CHECK(rc == -ERR_BAD_REQUEST || rc == -ERR_UNSUPPORTED_MEDIA_TYPE);
        FUZZ_CHECK(err.detail[0] != '\0');
        goto out;
    }
    FUZZ_CHECK(boundary.len >= 1 && boundary.len <= MULTIPART_MAX_BOUNDARY_BYTES);
    FUZZ_CHECK(boundary.ptr >= content_type &&
               boundary.ptr + boundary.len <= content_type + type_len);

    /* A copy of exactly body_len bytes, so that a read past the end is caught. */
    char *copy = malloc(body_len > 0 ? body_len : 1);
    FUZZ_CHECK(copy != NULL);
    if (body_len > 0)
        memcpy(copy, body, body_len);
    struct multipart_part *parts = NULL;
    size_t n_parts = 0;
    err_clear(&err);
    rc = multipart_parse(arena, copy, body_len, boundary, &parts, &n_parts, &err);
    if (rc < 0) {
        FUZZ_CHECK(rc == -ERR_BAD_REQUEST || rc == -ERR_TOO_LARGE);
        FUZZ_CHECK(err.detail[0] != '\0');
    } else {
        FUZZ_CHECK(n_parts <= MULTIPART_MAX_PARTS);
        for (size_t i = 0; i < n_parts; i++) {
            const struct multipart_part *p = &parts[i];
            FUZZ_CHECK(p->data >= copy && p->data + p->len <= copy + body_len);
            FUZZ_CHECK(i == 0 || p->data >= parts[i - 1].data + parts[i - 1].len);
            fuzz_check_text(p->name, 0);
            fuzz_check_text(p->filename, 1);
            fuzz_check_text(p->content_type, 0);
            const struct multipart_part *found = multipart_find(parts, n_parts, p->name);
            FUZZ_CHECK(found != NULL && found <= p && strcmp(found->name, p->name) == 0);
        }
        fuzz_round_trip(arena, boundary, parts, n_parts);
    }
    free(copy);
out:
    arena_free(arena);
    return 0;
}
