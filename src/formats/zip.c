/*
 * The ZIP writer over libzip: each entry is a heap copy handed to libzip
 * (zip_source_buffer with freep = 1, so libzip frees it), its name cleaned
 * and made unique first, and the archive is written at zip_writer_close().
 * libzip writes no file at all for an archive without entries, so that case
 * is written here as a lone end-of-central-directory record.
 */
#include "formats/zip.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "base/utf8.h"

/* Room for a cleaned name and a " (N)" suffix. */
#define ZIP_WRITER_NAME_ROOM (ZIP_WRITER_MAX_NAME_BYTES + 32)

struct zip_writer {
    zip_t *archive;
    char *path;
    size_t n_entries;
    char last_name[ZIP_WRITER_NAME_ROOM];
};

struct zip_writer *zip_writer_open(const char *path, struct err *err)
{
    int code = 0;
    zip_t *archive = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (archive == NULL) {
        zip_error_t error;
        zip_error_init_with_code(&error, code);
        err_set(err, ERR_INTERNAL, "zip: cannot open %s: %s", path, zip_error_strerror(&error));
        zip_error_fini(&error);
        return NULL;
    }
    struct zip_writer *w = calloc(1, sizeof(*w));
    char *path_copy = strdup(path);
    if (w == NULL || path_copy == NULL) {
        zip_discard(archive);
        free(w);
        free(path_copy);
        err_set(err, ERR_INTERNAL, "zip: out of memory");
        return NULL;
    }
    w->archive = archive;
    w->path = path_copy;
    return w;
}

/* Appends one path segment of name[0..len) to out (which has room), cleaned. */
static size_t zip_writer_put_segment(char *out, size_t n, const char *seg, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)seg[i];
        uint32_t cp = 0;
        size_t step = c >= 0x80 ? utf8_decode(seg + i, len - i, &cp) : 1;
        if (step == 0 || c < 0x20 || c == 0x7f || c == ':') {
            out[n++] = '_';
            i++;
            continue;
        }
        memcpy(out + n, seg + i, step);
        n += step;
        i += step;
    }
    return n;
}

/*
 * The cleaned name in out (ZIP_WRITER_NAME_ROOM bytes): see zip_writer_add().
 * -1 when it is longer than ZIP_WRITER_MAX_NAME_BYTES.
 */
static int zip_writer_clean_name(const char *name, char *out)
{
    size_t n = 0;
    const char *p = name;
    while (*p != '\0') {
        size_t len = strcspn(p, "/\\");
        bool skip =
            len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.');
        if (!skip) {
            /* Each input byte gives at most one output byte. */
            if (n + (n > 0) + len > ZIP_WRITER_MAX_NAME_BYTES)
                return -1;
            if (n > 0)
                out[n++] = '/';
            n = zip_writer_put_segment(out, n, p, len);
        }
        p += len;
        if (*p != '\0')
            p++;
    }
    if (n == 0) {
        memcpy(out, "file", 4);
        n = 4;
    }
    out[n] = '\0';
    return 0;
}

static bool zip_writer_taken(struct zip_writer *w, const char *name)
{
    return zip_name_locate(w->archive, name, ZIP_FL_NOCASE) >= 0;
}

/*
 * Makes name (in a ZIP_WRITER_NAME_ROOM buffer) unique in the archive by
 * putting " (2)", " (3)"... before the extension of its last segment.
 */
static void zip_writer_unique_name(struct zip_writer *w, char *name)
{
    if (!zip_writer_taken(w, name))
        return;
    char stem[ZIP_WRITER_NAME_ROOM];
    size_t len = strlen(name);
    const char *last = strrchr(name, '/');
    last = last != NULL ? last + 1 : name;
    const char *dot = strrchr(last, '.');
    size_t stem_len = dot != NULL && dot > last ? (size_t)(dot - name) : len;
    memcpy(stem, name, len + 1);
    for (size_t k = 2;; k++) {
        snprintf(name, ZIP_WRITER_NAME_ROOM, "%.*s (%zu)%s", (int)stem_len, stem, k,
                 stem + stem_len);
        if (!zip_writer_taken(w, name))
            return;
    }
}

int zip_writer_add(struct zip_writer *w, const char *name, const void *data, size_t len,
                   struct err *err)
{
    assert(w != NULL && name != NULL && (data != NULL || len == 0));
    char clean[ZIP_WRITER_NAME_ROOM];
    if (zip_writer_clean_name(name, clean) < 0)
        return err_set(err, ERR_VALIDATION, "zip: an entry name is over %d bytes",
                       ZIP_WRITER_MAX_NAME_BYTES);
    zip_writer_unique_name(w, clean);

    void *copy = NULL;
    if (len > 0) {
        copy = malloc(len);
        if (copy == NULL)
            return err_set(err, ERR_INTERNAL, "zip: out of memory for %zu bytes", len);
        memcpy(copy, data, len);
    }
    /* From here libzip owns copy: freed with the source or the archive. */
    zip_source_t *source = zip_source_buffer(w->archive, copy, len, copy != NULL);
    if (source == NULL) {
        free(copy);
        return err_set(err, ERR_INTERNAL, "zip: %s", zip_strerror(w->archive));
    }
    zip_int64_t index = zip_file_add(w->archive, clean, source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
        zip_source_free(source);
        return err_set(err, ERR_INTERNAL, "zip: cannot add an entry: %s", zip_strerror(w->archive));
    }
    if (zip_set_file_compression(w->archive, (zip_uint64_t)index, ZIP_CM_DEFLATE, 0) < 0) {
        int rc = err_set(err, ERR_INTERNAL, "zip: %s", zip_strerror(w->archive));
        zip_delete(w->archive, (zip_uint64_t)index);
        return rc;
    }
    w->n_entries++;
    memcpy(w->last_name, clean, strlen(clean) + 1);
    return 0;
}

const char *zip_writer_last_name(const struct zip_writer *w)
{
    return w->last_name;
}

/* An archive without entries: the end-of-central-directory record alone. */
static int zip_writer_write_empty(const char *path, struct err *err)
{
    static const unsigned char eocd[22] = {'P', 'K', 5, 6};
    int rc = 0;
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return err_set(err, ERR_INTERNAL, "zip: cannot write %s", path);
    if (fwrite(eocd, 1, sizeof(eocd), f) != sizeof(eocd))
        rc = err_set(err, ERR_INTERNAL, "zip: cannot write %s", path);
    if (fclose(f) != 0 && rc == 0)
        rc = err_set(err, ERR_INTERNAL, "zip: cannot write %s", path);
    return rc;
}

int zip_writer_close(struct zip_writer *w, struct err *err)
{
    int rc = 0;
    if (zip_close(w->archive) < 0) {
        rc = err_set(err, ERR_INTERNAL, "zip: cannot write %s: %s", w->path,
                     zip_strerror(w->archive));
        zip_discard(w->archive);
        goto out;
    }
    if (w->n_entries == 0)
        rc = zip_writer_write_empty(w->path, err);
out:
    free(w->path);
    free(w);
    return rc;
}

void zip_writer_free(struct zip_writer *w)
{
    if (w == NULL)
        return;
    zip_discard(w->archive);
    free(w->path);
    free(w);
}
