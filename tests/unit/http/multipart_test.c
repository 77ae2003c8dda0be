/*
 * Tests for src/http/multipart.c: the boundary parameter of the request's
 * Content-Type, and bodies as browsers and other clients send them (CRLF or
 * LF, preamble, epilogue, RFC 5987 file names), with the limits and the
 * errors a malformed body gets.
 */
#include "http/multipart.h"

#include "base/arena.h"
#include "base/buf.h"
#include "../test.h"

/* Parses a body (a C string) with boundary "XyZ"; returns the parse result. */
static int parse(struct arena *arena, const char *body, struct multipart_part **parts, size_t *n,
                 struct err *err)
{
    err_clear(err);
    *parts = NULL;
    *n = 0;
    return multipart_parse(arena, body, strlen(body), STR_LIT("XyZ"), parts, n, err);
}

static int boundary_of(const char *content_type, char *out, size_t out_size, struct err *err)
{
    struct str b = {NULL, 0};
    err_clear(err);
    int rc = multipart_boundary(content_type, &b, err);
    snprintf(out, out_size, "%.*s", (int)b.len, b.ptr != NULL ? b.ptr : "");
    return rc;
}

static void expect_data(const struct multipart_part *part, const char *expected)
{
    EXPECT_INT_EQ(part->len, strlen(expected));
    EXPECT(memcmp(part->data, expected, part->len) == 0);
}

TEST(multipart_boundary_reads_a_token_value)
{
    struct err err;
    char b[80];
    EXPECT_INT_EQ(boundary_of("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk", b,
                              sizeof(b), &err),
                  0);
    EXPECT_STR_EQ(b, "----WebKitFormBoundary7MA4YWxk");
}

TEST(multipart_boundary_reads_a_quoted_value_in_any_case)
{
    struct err err;
    char b[80];
    EXPECT_INT_EQ(boundary_of("Multipart/Form-Data ;BOUNDARY=\"a b:c=d?\"", b, sizeof(b), &err), 0);
    EXPECT_STR_EQ(b, "a b:c=d?");
}

TEST(multipart_boundary_skips_other_parameters)
{
    struct err err;
    char b[80];
    EXPECT_INT_EQ(boundary_of("multipart/form-data; charset=\"utf-8; boundary=no\"; boundary=yes;",
                              b, sizeof(b), &err),
                  0);
    EXPECT_STR_EQ(b, "yes");
}

TEST(multipart_boundary_refuses_other_media_types_with_415)
{
    struct err err;
    char b[80];
    EXPECT_INT_EQ(boundary_of("application/json", b, sizeof(b), &err), -ERR_UNSUPPORTED_MEDIA_TYPE);
    EXPECT_INT_EQ(boundary_of("multipart/mixed; boundary=x", b, sizeof(b), &err),
                  -ERR_UNSUPPORTED_MEDIA_TYPE);
    EXPECT_INT_EQ(boundary_of(NULL, b, sizeof(b), &err), -ERR_UNSUPPORTED_MEDIA_TYPE);
}

TEST(multipart_boundary_refuses_missing_repeated_or_malformed_values)
{
    struct err err;
    char b[80];
    EXPECT_INT_EQ(boundary_of("multipart/form-data", b, sizeof(b), &err), -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "without a boundary");
    EXPECT_INT_EQ(boundary_of("multipart/form-data; boundary=", b, sizeof(b), &err),
                  -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(boundary_of("multipart/form-data; boundary=a; boundary=b", b, sizeof(b), &err),
                  -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "twice");
    EXPECT_INT_EQ(boundary_of("multipart/form-data; boundary=a@b", b, sizeof(b), &err),
                  -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(boundary_of("multipart/form-data; boundary=\"ab \"", b, sizeof(b), &err),
                  -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(boundary_of("multipart/form-data; boundary=\"ab", b, sizeof(b), &err),
                  -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(boundary_of("multipart/form-data; boundary", b, sizeof(b), &err),
                  -ERR_BAD_REQUEST);
}

TEST(multipart_boundary_takes_1_to_70_characters)
{
    struct err err;
    char b[80], ct[128];
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%070d", 7);
    EXPECT_INT_EQ(boundary_of(ct, b, sizeof(b), &err), 0);
    EXPECT_INT_EQ(strlen(b), 70);
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%071d", 7);
    EXPECT_INT_EQ(boundary_of(ct, b, sizeof(b), &err), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(boundary_of("multipart/form-data; boundary=1", b, sizeof(b), &err), 0);
}

TEST(multipart_parse_reads_fields_and_a_file_as_a_browser_sends_them)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    const char *body = "--XyZ\r\n"
                       "Content-Disposition: form-data; name=\"entity\"\r\n"
                       "\r\n"
                       "contacts\r\n"
                       "--XyZ\r\n"
                       "Content-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n"
                       "Content-Type: text/csv\r\n"
                       "\r\n"
                       "name,email\r\nAnna,anna@example.com\r\n"
                       "\r\n"
                       "--XyZ--\r\n";
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), 0);
    EXPECT_INT_EQ(n, 2);
    EXPECT_STR_EQ(parts[0].name, "entity");
    EXPECT(parts[0].filename == NULL);
    EXPECT(parts[0].content_type == NULL);
    expect_data(&parts[0], "contacts");
    EXPECT_STR_EQ(parts[1].name, "file");
    EXPECT_STR_EQ(parts[1].filename, "people.csv");
    EXPECT_STR_EQ(parts[1].content_type, "text/csv");
    expect_data(&parts[1], "name,email\r\nAnna,anna@example.com\r\n");
    /* The data is a slice of the body, not a copy. */
    EXPECT(parts[1].data > body && parts[1].data < body + strlen(body));
    arena_free(arena);
}

TEST(multipart_parse_tolerates_lf_only_lines)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    const char *body = "--XyZ\n"
                       "content-disposition: FORM-DATA; NAME=a\n"
                       "\n"
                       "one\ntwo\n"
                       "--XyZ\n"
                       "Content-Disposition: form-data; name=b\n"
                       "\n"
                       "\n"
                       "--XyZ--";
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), 0);
    EXPECT_INT_EQ(n, 2);
    EXPECT_STR_EQ(parts[0].name, "a");
    expect_data(&parts[0], "one\ntwo");
    EXPECT_STR_EQ(parts[1].name, "b");
    expect_data(&parts[1], "");
    arena_free(arena);
}

TEST(multipart_parse_ignores_preamble_epilogue_padding_and_other_headers)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    const char *body = "This is the preamble.\r\n--XyZ is not it\r\n"
                       "--XyZ \t\r\n"
                       "Content-Transfer-Encoding: 8bit\r\n"
                       "Content-Disposition: form-data; name=\"note\"; size=3\r\n"
                       "\r\n"
                       "abc\r\n"
                       "--XyZ--  and the epilogue\r\n--XyZ\r\n";
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "text after a boundary");

    body = "This is the preamble.\r\nline two --XyZ\r\n"
           "--XyZ \t\r\n"
           "Content-Transfer-Encoding: 8bit\r\n"
           "Content-Disposition: form-data; name=\"note\"; size=3\r\n"
           "\r\n"
           "abc\r\n"
           "--XyZ--  and the epilogue\r\n--XyZ\r\n";
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), 0);
    EXPECT_INT_EQ(n, 1);
    EXPECT_STR_EQ(parts[0].name, "note");
    expect_data(&parts[0], "abc");
    arena_free(arena);
}

TEST(multipart_parse_keeps_data_that_only_looks_like_a_boundary)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    const char *body = "--XyZ\r\n"
                       "Content-Disposition: form-data; name=\"f\"\r\n"
                       "\r\n"
                       "x--XyZ\r\n-XyZ\r\n--Xy\r\n\r\n\r"
                       "\r\n--XyZ--";
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), 0);
    EXPECT_INT_EQ(n, 1);
    expect_data(&parts[0], "x--XyZ\r\n-XyZ\r\n--Xy\r\n\r\n\r");
    arena_free(arena);
}

TEST(multipart_parse_keeps_binary_data_with_nul_bytes)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    static const char body[] =
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"bin\"; filename=\"a.bin\"\r\n"
        "Content-Type: application/octet-stream\r\n"
        "\r\n"
        "\0\xff\r\n\0"
        "\r\n--XyZ--\r\n";
    err_clear(&err);
    EXPECT_INT_EQ(multipart_parse(arena, body, sizeof(body) - 1, STR_LIT("XyZ"), &parts, &n, &err),
                  0);
    EXPECT_INT_EQ(n, 1);
    EXPECT_INT_EQ(parts[0].len, 5);
    EXPECT(memcmp(parts[0].data, "\0\xff\r\n\0", 5) == 0);
    arena_free(arena);
}

TEST(multipart_parse_prefers_an_rfc_5987_filename)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    const char *body = "--XyZ\r\n"
                       "Content-Disposition: form-data; name=\"a\"; filename=\"fallback.csv\"; "
                       "filename*=UTF-8''%D0%BA%D0%BB%D0%B8%D0%B5%D0%BD%D1%82%D1%8B.csv\r\n"
                       "\r\n"
                       "1\r\n"
                       "--XyZ\r\n"
                       "Content-Disposition: form-data; filename*=iso-8859-1'de'M%FCller.txt; "
                       "name=b\r\n"
                       "\r\n"
                       "2\r\n"
                       "--XyZ--\r\n";
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), 0);
    EXPECT_INT_EQ(n, 2);
    EXPECT_STR_EQ(parts[0].filename, "клиенты.csv");
    EXPECT_STR_EQ(parts[1].name, "b");
    EXPECT_STR_EQ(parts[1].filename, "Müller.txt");
    arena_free(arena);
}

TEST(multipart_parse_refuses_malformed_rfc_5987_filenames)
{
    static const char *const values[] = {
        "UTF-8''%zz.csv", "UTF-8''%0",  "UTF-8''a%00b", "UTF-8''a%0Ab",
        "KOI8-R''%EB",    "UTF-8''%FF", "no-quotes",
    };
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char *body =
            arena_printf(arena,
                         "--XyZ\r\nContent-Disposition: form-data; name=f; filename*=%s\r\n"
                         "\r\nx\r\n--XyZ--\r\n",
                         values[i]);
        EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), -ERR_BAD_REQUEST);
        EXPECT_CONTAINS(err.detail, "part 1: malformed filename*");
    }
    arena_free(arena);
}

TEST(multipart_parse_unescapes_quoted_strings_and_keeps_other_backslashes)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    const char *body = "--XyZ\r\n"
                       "Content-Disposition: form-data; name=\"say \\\"hi\\\"; \\\\\"; "
                       "filename=\"C:\\dir\\a.csv\"\r\n"
                       "\r\n"
                       "\r\n"
                       "--XyZ--\r\n";
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), 0);
    EXPECT_INT_EQ(n, 1);
    EXPECT_STR_EQ(parts[0].name, "say \"hi\"; \\");
    EXPECT_STR_EQ(parts[0].filename, "C:\\dir\\a.csv");
    arena_free(arena);
}

TEST(multipart_parse_keeps_an_empty_filename_of_an_unused_file_input)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    const char *body = "--XyZ\r\n"
                       "Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
                       "Content-Type: application/octet-stream\r\n"
                       "\r\n"
                       "\r\n"
                       "--XyZ--\r\n";
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), 0);
    EXPECT_INT_EQ(n, 1);
    EXPECT_STR_EQ(parts[0].filename, "");
    EXPECT_INT_EQ(parts[0].len, 0);
    arena_free(arena);
}

TEST(multipart_parse_refuses_a_body_without_closing_boundary)
{
    static const char *const bodies[] = {
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\ndata",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\ndata\r\n--XyZ",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\ndata\r\n--XyZ\r\n",
        "--XyZ",
    };
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        int rc = parse(arena, bodies[i], &parts, &n, &err);
        EXPECT_INT_EQ(rc, -ERR_BAD_REQUEST);
        if (i < 2 || i == 3)
            EXPECT_STR_EQ(err.detail, "multipart body: no closing boundary");
        else
            EXPECT_CONTAINS(err.detail, "the body ends inside its headers");
    }
    arena_free(arena);
}

TEST(multipart_parse_refuses_a_body_without_any_boundary)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    EXPECT_INT_EQ(parse(arena, "", &parts, &n, &err), -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "no boundary line");
    EXPECT_INT_EQ(parse(arena, "name=value&x=y", &parts, &n, &err), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(parse(arena, "--XyA\r\n", &parts, &n, &err), -ERR_BAD_REQUEST);
    arena_free(arena);
}

TEST(multipart_parse_refuses_parts_that_are_not_named_form_data)
{
    static const char *const headers[] = {
        "Content-Type: text/plain",
        "Content-Disposition: attachment; name=a",
        "Content-Disposition: form-data",
        "Content-Disposition: form-data; name=\"\"",
        "Content-Disposition: form-data; name=a; name=b",
        "Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b",
        "Content-Disposition: form-data; name=\"a",
        "Content-Disposition: form-data; name=\"\xff\"",
        "Content-Disposition: form-data; name=a; filename=\"\xc3\"",
        "Content-Disposition: form-data; =a",
        "Content-Disposition: form-data; name=a\r\n continued",
        "Content-Disposition: form-data; name=a\r\nno colon here",
        "Content-Disposition: form-data; name=a\x01",
        "Content-Disposition: form-data; name=a\r\nContent-Type: a\r\nContent-Type: b",
    };
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
        char *body = arena_printf(arena,
                                  "--XyZ\r\nContent-Disposition: form-data; name=ok\r\n\r\n"
                                  "\r\n--XyZ\r\n%s\r\n\r\nx\r\n--XyZ--\r\n",
                                  headers[i]);
        EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), -ERR_BAD_REQUEST);
        EXPECT_CONTAINS(err.detail, "multipart part 2: ");
    }
    arena_free(arena);
}

/* A body of n_parts small fields named f1, f2, ... */
static char *many_parts(size_t n_parts)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    for (size_t i = 1; i <= n_parts; i++) {
        if (buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=f%zu\r\n\r\n%zu\r\n", i,
                       i) < 0)
            abort();
    }
    if (buf_append_str(&b, "--XyZ--\r\n") < 0)
        abort();
    return buf_detach(&b, NULL);
}

TEST(multipart_parse_takes_at_most_64_parts)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    char *body = many_parts(MULTIPART_MAX_PARTS);
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), 0);
    EXPECT_INT_EQ(n, MULTIPART_MAX_PARTS);
    expect_data(&parts[63], "64");
    free(body);
    body = many_parts(MULTIPART_MAX_PARTS + 1);
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), -ERR_TOO_LARGE);
    EXPECT_CONTAINS(err.detail, "more than 64 parts");
    free(body);
    arena_free(arena);
}

/* One part whose header block (blank line included) is header_bytes long. */
static char *part_with_header_bytes(size_t header_bytes)
{
    const char *disposition = "Content-Disposition: form-data; name=a\r\n";
    size_t filler = header_bytes - strlen(disposition) - strlen("X: \r\n") - 2;
    struct buf b;
    buf_init(&b, 1 << 20);
    if (buf_printf(&b, "--XyZ\r\n%sX: ", disposition) < 0)
        abort();
    for (size_t i = 0; i < filler; i++) {
        if (buf_putc(&b, 'x') < 0)
            abort();
    }
    if (buf_append_str(&b, "\r\n\r\ndata\r\n--XyZ--\r\n") < 0)
        abort();
    return buf_detach(&b, NULL);
}

TEST(multipart_parse_takes_header_blocks_up_to_8_kib)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    char *body = part_with_header_bytes(MULTIPART_MAX_HEADER_BYTES);
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), 0);
    expect_data(&parts[0], "data");
    free(body);
    body = part_with_header_bytes(MULTIPART_MAX_HEADER_BYTES + 1);
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), -ERR_TOO_LARGE);
    EXPECT_CONTAINS(err.detail, "multipart part 1: headers over 8192 bytes");
    free(body);
    arena_free(arena);
}

TEST(multipart_find_returns_the_first_part_of_that_name)
{
    struct arena *arena = arena_new();
    struct err err;
    struct multipart_part *parts;
    size_t n;
    const char *body = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
                       "--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n"
                       "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n3\r\n"
                       "--XyZ--\r\n";
    EXPECT_INT_EQ(parse(arena, body, &parts, &n, &err), 0);
    EXPECT_INT_EQ(n, 3);
    EXPECT(multipart_find(parts, n, "a") == &parts[0]);
    EXPECT(multipart_find(parts, n, "b") == &parts[1]);
    EXPECT(multipart_find(parts, n, "A") == NULL);
    EXPECT(multipart_find(parts, 0, "a") == NULL);
    arena_free(arena);
}
