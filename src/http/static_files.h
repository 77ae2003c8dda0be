/*
 * The built web UI served from a directory: a request path is mapped to a
 * regular file under the root (no "..", no NUL, no symlink escaping it), a
 * path without an extension that names no file falls back to index.html for
 * the single-page app, and every answer carries a strong ETag and a
 * Cache-Control fitting Vite's output (hashed /assets/ are immutable).
 * Nothing is cached in memory but the root's real path, so it is thread-safe.
 */
#ifndef CRM_HTTP_STATIC_FILES_H
#define CRM_HTTP_STATIC_FILES_H

#include <stdint.h>

#include "base/err.h"

#define STATIC_ETAG_MAX 64

struct static_files;

/* What to answer; the caller turns it into a response and owns fd. */
struct static_file {
    int status; /* 200 or 304 */
    int fd;     /* open for reading when status is 200, else -1 */
    uint64_t size;
    const char *content_type;
    const char *cache_control;
    char etag[STATIC_ETAG_MAX]; /* with its quotes: "\"5a3-65f1c2d3.1c9c380\"" */
};

/* NULL with err filled when dir is not a readable directory. */
struct static_files *static_files_new(const char *dir, struct err *err);
void static_files_free(struct static_files *files);

/*
 * Resolves a decoded request path. 0 with out filled (304 when if_none_match,
 * which may be NULL, lists the current ETag); -ERR_BAD_REQUEST for "..", NUL
 * or "%00"; -ERR_NOT_FOUND when there is no such file.
 */
int static_files_open(const struct static_files *files, const char *path, const char *if_none_match,
                      struct static_file *out, struct err *err);

/* The MIME type for a file name by its extension; "application/octet-stream" when unknown. */
const char *static_files_mime_type(const char *name);

#endif
