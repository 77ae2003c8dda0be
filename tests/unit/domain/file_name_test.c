/*
 * Tests for src/domain/file_name.c: paths stripped, control characters and
 * direction marks replaced, names refused (empty, dots only, not UTF-8),
 * long names cut on a character boundary keeping the extension, the
 * content-type allow-list, and the two forms of Content-Disposition.
 */
#include "domain/file_name.h"

#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/utf8.h"
#include "../test.h"

/* The cleaned name, or NULL when refused (the error's field checked to be "name"). */
static const char *clean_n(struct arena *arena, const char *name, size_t len)
{
    struct err err;
    const char *out = NULL;
    err_clear(&err);
    int rc = file_name_clean(arena, name, len, "name", &out, &err);
    if (rc < 0) {
        EXPECT_INT_EQ(rc, -ERR_VALIDATION);
        EXPECT_INT_EQ(err.n_fields, 1);
        EXPECT_STR_EQ(err.fields[0].field, "name");
        return NULL;
    }
    EXPECT(out != NULL);
    return out;
}

static const char *clean(struct arena *arena, const char *name)
{
    return clean_n(arena, name, strlen(name));
}

TEST(file_name_keeps_an_ordinary_name)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(clean(arena, "Offer 2026 (final).pdf"), "Offer 2026 (final).pdf");
    EXPECT_STR_EQ(clean(arena, "Angebot Müller – März.docx"), "Angebot Müller – März.docx");
    EXPECT_STR_EQ(clean(arena, ".profile"), ".profile");
    EXPECT_STR_EQ(clean(arena, "a..b.txt"), "a..b.txt");
    arena_free(arena);
}

TEST(file_name_strips_unix_and_windows_paths)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(clean(arena, "../../etc/passwd"), "passwd");
    EXPECT_STR_EQ(clean(arena, "C:\\Users\\ann\\report.xlsx"), "report.xlsx");
    EXPECT_STR_EQ(clean(arena, "..\\..\\boot.ini"), "boot.ini");
    EXPECT_STR_EQ(clean(arena, "/abs/dir/a/..\\b.txt"), "b.txt");
    arena_free(arena);
}

TEST(file_name_replaces_control_characters_and_direction_marks)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(clean(arena, "a\tb\r\nc\177d.txt"), "a_b__c_d.txt");
    EXPECT_STR_EQ(clean_n(arena, "nul\0.txt", 8), "nul_.txt");
    EXPECT_STR_EQ(clean(arena, "x\302\205y.txt"), "x_y.txt"); /* U+0085 */
    EXPECT_STR_EQ(clean(arena, "invoice\u202Efdp.exe"), "invoice_fdp.exe");
    EXPECT_STR_EQ(clean(arena, "a\u2066b\u200Fc"), "a_b_c");
    arena_free(arena);
}

TEST(file_name_trims_spaces_and_trailing_dots)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(clean(arena, "  notes.txt  "), "notes.txt");
    EXPECT_STR_EQ(clean(arena, "notes.txt..."), "notes.txt");
    EXPECT_STR_EQ(clean(arena, "dir/ x . "), "x");
    arena_free(arena);
}

TEST(file_name_refuses_names_with_nothing_left)
{
    struct arena *arena = arena_new();
    EXPECT(clean(arena, "") == NULL);
    EXPECT(clean(arena, "   ") == NULL);
    EXPECT(clean(arena, ".") == NULL);
    EXPECT(clean(arena, "..") == NULL);
    EXPECT(clean(arena, "...") == NULL);
    EXPECT(clean(arena, "dir/") == NULL);
    EXPECT(clean(arena, "a/b/..") == NULL);
    EXPECT(clean(arena, "C:\\") == NULL);
    arena_free(arena);
}

TEST(file_name_refuses_a_missing_name_and_invalid_utf8)
{
    struct arena *arena = arena_new();
    EXPECT(clean_n(arena, NULL, 0) == NULL);
    EXPECT(clean(arena, "bad\xff.txt") == NULL);
    EXPECT(clean(arena, "overlong\xc0\xaf.txt") == NULL);
    EXPECT(clean(arena, "surrogate\xed\xa0\x80.txt") == NULL);
    EXPECT(clean(arena, "cut\xe2\x82") == NULL);
    arena_free(arena);
}

TEST(file_name_cuts_long_names_to_255_bytes_keeping_the_extension)
{
    struct arena *arena = arena_new();
    char name[600];
    memset(name, 'a', 300);
    memcpy(name + 300, ".pdf", 5);
    const char *out = clean(arena, name);
    EXPECT_INT_EQ(strlen(out), FILE_NAME_MAX_BYTES);
    EXPECT(strcmp(out + FILE_NAME_MAX_BYTES - 4, ".pdf") == 0);

    /* Exactly 255 bytes: kept as it is. */
    memset(name, 'b', 251);
    memcpy(name + 251, ".txt", 5);
    EXPECT_STR_EQ(clean(arena, name), name);

    /* An extension too long to be one is cut like the rest. */
    memset(name, 'c', 300);
    name[300] = '\0';
    name[100] = '.';
    out = clean(arena, name);
    EXPECT_INT_EQ(strlen(out), FILE_NAME_MAX_BYTES);
    arena_free(arena);
}

TEST(file_name_cut_never_splits_a_character)
{
    struct arena *arena = arena_new();
    char name[700];
    size_t n = 0;
    /* "é" (2 bytes) x 100, then "€" (3 bytes) x 100: 500 bytes, no extension. */
    for (int i = 0; i < 100; i++) {
        memcpy(name + n, "\xc3\xa9", 2);
        n += 2;
    }
    for (int i = 0; i < 100; i++) {
        memcpy(name + n, "\xe2\x82\xac", 3);
        n += 3;
    }
    name[n] = '\0';
    const char *out = clean(arena, name);
    EXPECT(strlen(out) <= FILE_NAME_MAX_BYTES);
    EXPECT(strlen(out) >= FILE_NAME_MAX_BYTES - 2);
    EXPECT(utf8_valid(out, strlen(out)));

    /* With an extension after multi-byte text. */
    n = 0;
    for (int i = 0; i < 150; i++) {
        memcpy(name + n, "\xe2\x82\xac", 3);
        n += 3;
    }
    memcpy(name + n, ".docx", 6);
    out = clean(arena, name);
    EXPECT(strlen(out) <= FILE_NAME_MAX_BYTES);
    EXPECT(utf8_valid(out, strlen(out)));
    EXPECT(strcmp(out + strlen(out) - 5, ".docx") == 0);
    arena_free(arena);
}

TEST(file_name_safe_type_serves_allowed_types_as_themselves)
{
    EXPECT_STR_EQ(file_name_safe_type("image/png"), "image/png");
    EXPECT_STR_EQ(file_name_safe_type("IMAGE/JPEG"), "image/jpeg");
    EXPECT_STR_EQ(file_name_safe_type("text/plain; charset=utf-8"), "text/plain");
    EXPECT_STR_EQ(file_name_safe_type(" text/csv ;charset=latin1"), "text/csv");
    EXPECT_STR_EQ(file_name_safe_type("application/pdf"), "application/pdf");
    EXPECT_STR_EQ(file_name_safe_type("application/zip"), "application/zip");
    EXPECT_STR_EQ(
        file_name_safe_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

TEST(file_name_safe_type_serves_everything_else_as_octet_stream)
{
    static const char *const unsafe[] = {
        "text/html",
        "TEXT/HTML; charset=utf-8",
        "image/svg+xml",
        "application/javascript",
        "text/javascript",
        "application/xhtml+xml",
        "text/xml",
        "application/xml",
        "multipart/form-data",
        "",
        "image/pngx",
        "image/png2",
        "image",
        "text/plain-ish",
        "application/x-shockwave-flash",
    };
    for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++)
        EXPECT_STR_EQ(file_name_safe_type(unsafe[i]), "application/octet-stream");
    EXPECT_STR_EQ(file_name_safe_type(NULL), "application/octet-stream");
}

TEST(file_name_disposition_gives_an_ascii_fallback_and_utf8)
{
    struct arena *arena = arena_new();
    EXPECT_STR_EQ(file_name_disposition(arena, "report.pdf"),
                  "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
    EXPECT_STR_EQ(file_name_disposition(arena, "Müller – März.txt"),
                  "attachment; filename=\"M_ller _ M_rz.txt\"; "
                  "filename*=UTF-8''M%C3%BCller%20%E2%80%93%20M%C3%A4rz.txt");
    EXPECT_STR_EQ(file_name_disposition(arena, "a\"b\\c%d;e'f.txt"),
                  "attachment; filename=\"a_b_c_d;e'f.txt\"; "
                  "filename*=UTF-8''a%22b%5Cc%25d%3Be%27f.txt");
    EXPECT_STR_EQ(file_name_disposition(arena, "\xf0\x9f\x93\x8e.png"),
                  "attachment; filename=\"_.png\"; filename*=UTF-8''%F0%9F%93%8E.png");
    arena_free(arena);
}
