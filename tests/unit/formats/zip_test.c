/*
 * Tests for src/formats/zip.c: archives written to a temporary folder are
 * read back with libzip (names, bytes, compression); unsafe names are
 * cleaned, repeated ones numbered, and an empty archive is still a ZIP file.
 */
#include "formats/zip.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "../test.h"

struct zip_fixture {
    char dir[64];
    char path[128];
};

static void fixture_init(struct zip_fixture *f)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/crm-zip-test-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        abort();
    snprintf(f->path, sizeof(f->path), "%s/export.zip", f->dir);
}

static void fixture_release(struct zip_fixture *f)
{
    unlink(f->path);
    rmdir(f->dir);
}

/* Writes entries given as (name, text) pairs; returns the close result. */
static int write_texts(const char *path, const char *const *pairs, size_t n_pairs, struct err *err)
{
    err_clear(err);
    struct zip_writer *w = zip_writer_open(path, err);
    EXPECT(w != NULL);
    for (size_t i = 0; i < n_pairs; i++) {
        const char *text = pairs[2 * i + 1];
        EXPECT_INT_EQ(zip_writer_add(w, pairs[2 * i], text, strlen(text), err), 0);
    }
    return zip_writer_close(w, err);
}

/* The bytes of entry index (malloc'd, NUL-terminated) and its size. */
static char *read_entry(zip_t *archive, zip_uint64_t index, size_t *len)
{
    zip_stat_t st;
    EXPECT_INT_EQ(zip_stat_index(archive, index, 0, &st), 0);
    char *data = malloc(st.size + 1);
    zip_file_t *file = zip_fopen_index(archive, index, 0);
    EXPECT(data != NULL && file != NULL);
    EXPECT_INT_EQ(zip_fread(file, data, st.size), (long long)st.size);
    zip_fclose(file);
    data[st.size] = '\0';
    *len = st.size;
    return data;
}

static zip_t *open_read(const char *path)
{
    int code = 0;
    zip_t *archive = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    EXPECT(archive != NULL);
    return archive;
}

TEST(zip_writer_writes_entries_that_read_back_equal)
{
    struct zip_fixture f;
    struct err err;
    fixture_init(&f);
    size_t big_len = 200000;
    unsigned char *big = malloc(big_len);
    for (size_t i = 0; i < big_len; i++)
        big[i] = (unsigned char)(i * 7 + i / 1000);
    const char *json = "{\"contact\":{\"name\":\"Анна\",\"emails\":[\"anna@example.com\"]}}";

    err_clear(&err);
    struct zip_writer *w = zip_writer_open(f.path, &err);
    EXPECT(w != NULL);
    EXPECT_INT_EQ(zip_writer_add(w, "export.json", json, strlen(json), &err), 0);
    EXPECT_INT_EQ(zip_writer_add(w, "attachments/фото.jpg", big, big_len, &err), 0);
    EXPECT_STR_EQ(zip_writer_last_name(w), "attachments/фото.jpg");
    EXPECT_INT_EQ(zip_writer_add(w, "attachments/empty.txt", NULL, 0, &err), 0);
    EXPECT_INT_EQ(zip_writer_close(w, &err), 0);

    zip_t *archive = open_read(f.path);
    EXPECT_INT_EQ(zip_get_num_entries(archive, 0), 3);
    EXPECT_STR_EQ(zip_get_name(archive, 0, 0), "export.json");
    EXPECT_STR_EQ(zip_get_name(archive, 1, 0), "attachments/фото.jpg");
    EXPECT_STR_EQ(zip_get_name(archive, 2, 0), "attachments/empty.txt");
    size_t len = 0;
    char *data = read_entry(archive, 0, &len);
    EXPECT_STR_EQ(data, json);
    free(data);
    data = read_entry(archive, 1, &len);
    EXPECT_INT_EQ(len, big_len);
    EXPECT(memcmp(data, big, big_len) == 0);
    free(data);
    data = read_entry(archive, 2, &len);
    EXPECT_INT_EQ(len, 0);
    free(data);
    zip_stat_t st;
    EXPECT_INT_EQ(zip_stat_index(archive, 0, 0, &st), 0);
    EXPECT_INT_EQ(st.comp_method, ZIP_CM_DEFLATE);
    zip_discard(archive);
    free(big);
    fixture_release(&f);
}

TEST(zip_writer_copies_the_bytes_so_the_caller_may_reuse_them)
{
    struct zip_fixture f;
    struct err err;
    fixture_init(&f);
    char buffer[] = "first";
    err_clear(&err);
    struct zip_writer *w = zip_writer_open(f.path, &err);
    EXPECT_INT_EQ(zip_writer_add(w, "a.txt", buffer, 5, &err), 0);
    memcpy(buffer, "XXXXX", 5);
    EXPECT_INT_EQ(zip_writer_close(w, &err), 0);

    zip_t *archive = open_read(f.path);
    size_t len = 0;
    char *data = read_entry(archive, 0, &len);
    EXPECT_STR_EQ(data, "first");
    free(data);
    zip_discard(archive);
    fixture_release(&f);
}

TEST(zip_writer_cleans_unsafe_names)
{
    static const char *const cases[][2] = {
        {"/etc/passwd", "etc/passwd"},
        {"../../outside.txt", "outside.txt"},
        {"a\\b\\..\\c.txt", "a/b/c.txt"},
        {"dir/./x//y", "dir/x/y"},
        {"C:\\Users\\me\\cv.pdf", "C_/Users/me/cv.pdf"},
        {"line\nbreak\x7f.txt", "line_break_.txt"},
        {"bad\xff\xc3utf8.txt", "bad__utf8.txt"},
        {"..", "file"},
        {"", "file (2)"},
        {"...", "..."},
        {"Müller.txt", "Müller.txt"},
    };
    struct zip_fixture f;
    struct err err;
    fixture_init(&f);
    err_clear(&err);
    struct zip_writer *w = zip_writer_open(f.path, &err);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        EXPECT_INT_EQ(zip_writer_add(w, cases[i][0], "x", 1, &err), 0);
        EXPECT_STR_EQ(zip_writer_last_name(w), cases[i][1]);
    }
    EXPECT_INT_EQ(zip_writer_close(w, &err), 0);

    zip_t *archive = open_read(f.path);
    EXPECT_INT_EQ(zip_get_num_entries(archive, 0), sizeof(cases) / sizeof(cases[0]));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        EXPECT_STR_EQ(zip_get_name(archive, i, 0), cases[i][1]);
    zip_discard(archive);
    fixture_release(&f);
}

TEST(zip_writer_numbers_repeated_names_before_the_extension)
{
    static const char *const cases[][2] = {
        {"a.jpg", "a.jpg"},           {"a.jpg", "a (2).jpg"},
        {"/a.jpg", "a (3).jpg"},      {"A.JPG", "A (4).JPG"},
        {"README", "README"},         {"README", "README (2)"},
        {".profile", ".profile"},     {".profile", ".profile (2)"},
        {"v1.0/notes", "v1.0/notes"}, {"v1.0/notes", "v1.0/notes (2)"},
        {"x.tar.gz", "x.tar.gz"},     {"x.tar.gz", "x.tar (2).gz"},
    };
    struct zip_fixture f;
    struct err err;
    fixture_init(&f);
    err_clear(&err);
    struct zip_writer *w = zip_writer_open(f.path, &err);
    EXPECT_STR_EQ(zip_writer_last_name(w), "");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        EXPECT_INT_EQ(zip_writer_add(w, cases[i][0], "x", 1, &err), 0);
        EXPECT_STR_EQ(zip_writer_last_name(w), cases[i][1]);
    }
    EXPECT_INT_EQ(zip_writer_close(w, &err), 0);
    zip_t *archive = open_read(f.path);
    EXPECT_INT_EQ(zip_get_num_entries(archive, 0), sizeof(cases) / sizeof(cases[0]));
    zip_discard(archive);
    fixture_release(&f);
}

TEST(zip_writer_refuses_names_over_the_limit)
{
    struct zip_fixture f;
    struct err err;
    char name[ZIP_WRITER_MAX_NAME_BYTES + 2];
    fixture_init(&f);
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    err_clear(&err);
    struct zip_writer *w = zip_writer_open(f.path, &err);
    EXPECT_INT_EQ(zip_writer_add(w, name, "x", 1, &err), -ERR_VALIDATION);
    EXPECT_CONTAINS(err.detail, "over 1024 bytes");
    name[ZIP_WRITER_MAX_NAME_BYTES] = '\0';
    EXPECT_INT_EQ(zip_writer_add(w, name, "x", 1, &err), 0);
    EXPECT_INT_EQ(zip_writer_close(w, &err), 0);
    fixture_release(&f);
}

TEST(zip_writer_writes_an_empty_archive_as_a_valid_zip_file)
{
    struct zip_fixture f;
    struct err err;
    fixture_init(&f);
    EXPECT_INT_EQ(write_texts(f.path, NULL, 0, &err), 0);
    struct stat st;
    EXPECT_INT_EQ(stat(f.path, &st), 0);
    EXPECT_INT_EQ(st.st_size, 22);
    zip_t *archive = open_read(f.path);
    EXPECT_INT_EQ(zip_get_num_entries(archive, 0), 0);
    zip_discard(archive);
    fixture_release(&f);
}

TEST(zip_writer_replaces_a_file_already_at_the_path)
{
    static const char *const first[] = {"old.txt", "old"};
    static const char *const second[] = {"new.txt", "new"};
    struct zip_fixture f;
    struct err err;
    fixture_init(&f);
    EXPECT_INT_EQ(write_texts(f.path, first, 1, &err), 0);
    EXPECT_INT_EQ(write_texts(f.path, second, 1, &err), 0);
    zip_t *archive = open_read(f.path);
    EXPECT_INT_EQ(zip_get_num_entries(archive, 0), 1);
    EXPECT_STR_EQ(zip_get_name(archive, 0, 0), "new.txt");
    zip_discard(archive);
    fixture_release(&f);
}

TEST(zip_writer_reports_a_path_it_cannot_write)
{
    static const char *const pairs[] = {"a.txt", "a"};
    struct err err;
    err_clear(&err);
    struct zip_writer *w = zip_writer_open("/nonexistent-crm-dir/export.zip", &err);
    if (w == NULL) {
        EXPECT_INT_EQ(err.code, ERR_INTERNAL);
        return;
    }
    EXPECT_INT_EQ(zip_writer_add(w, pairs[0], pairs[1], 1, &err), 0);
    EXPECT_INT_EQ(zip_writer_close(w, &err), -ERR_INTERNAL);
    EXPECT_CONTAINS(err.detail, "zip: cannot write /nonexistent-crm-dir/export.zip");
}

TEST(zip_writer_free_abandons_the_archive_without_writing)
{
    struct zip_fixture f;
    struct err err;
    fixture_init(&f);
    err_clear(&err);
    struct zip_writer *w = zip_writer_open(f.path, &err);
    EXPECT_INT_EQ(zip_writer_add(w, "a.txt", "a", 1, &err), 0);
    zip_writer_free(w);
    zip_writer_free(NULL);
    EXPECT(access(f.path, F_OK) != 0);
    fixture_release(&f);
}
