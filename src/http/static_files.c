/*
 * Static files for the web UI. A request path is checked segment by segment
 * ("..", "%00" and NUL refused; dot-files hidden), joined to the root and
 * resolved with realpath(), and the result must still lie under the root,
 * so a symlink cannot lead out of it. The only state is the root's real
 * path, set once, so any number of threads may serve files at the same time.
 */
#include "http/static_files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATIC_INDEX "index.html"
#define STATIC_ASSETS_PREFIX "/assets/"
#define STATIC_CACHE_IMMUTABLE "public, max-age=31536000, immutable"
#define STATIC_CACHE_REVALIDATE "no-cache"

struct static_files {
    char *root; /* real path, no trailing slash */
    size_t root_len;
};

static const struct {
    const char *ext;
    const char *type;
} static_mime_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"ico", "image/x-icon"},
    {"json", "application/json"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"txt", "text/plain; charset=utf-8"},
    {"map", "application/json"},
    {"webmanifest", "application/manifest+json"},
};

struct static_files *static_files_new(const char *dir, struct err *err)
{
    struct stat st;
    char *root = realpath(dir, NULL);
    if (root == NULL) {
        err_set(err, ERR_UNAVAILABLE, "static files: %s: %s", dir, strerror(errno));
        return NULL;
    }
    if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode) || strcmp(root, "/") == 0) {
        err_set(err, ERR_UNAVAILABLE, "static files: %s is not a usable directory", dir);
        free(root);
        return NULL;
    }
    struct static_files *files = calloc(1, sizeof(*files));
    if (files == NULL) {
        fprintf(stderr, "fatal: out of memory\n");
        abort();
    }
    files->root = root;
    files->root_len = strlen(root);
    return files;
}

void static_files_free(struct static_files *files)
{
    if (files == NULL)
        return;
    free(files->root);
    free(files);
}

/* The part of name after its last dot, or NULL when the last segment has none. */
static const char *static_extension(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash != NULL ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    return dot != NULL && dot[1] != '\0' ? dot + 1 : NULL;
}

const char *static_files_mime_type(const char *name)
{
    const char *ext = static_extension(name);
    if (ext != NULL) {
        for (size_t i = 0; i < sizeof(static_mime_types) / sizeof(static_mime_types[0]); i++) {
            if (strcasecmp(ext, static_mime_types[i].ext) == 0)
                return static_mime_types[i].type;
        }
    }
    return "application/octet-stream";
}

/* -ERR_BAD_REQUEST for "..", "%00" or a control byte; -ERR_NOT_FOUND for dot-files. */
static int static_check_path(const char *path)
{
    if (path[0] != '/' || strstr(path, "%00") != NULL)
        return -ERR_BAD_REQUEST;
    for (const char *p = path; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == '\\')
            return -ERR_BAD_REQUEST;
    }
    const char *seg = path + 1;
    for (;;) {
        size_t len = strcspn(seg, "/");
        if (len == 2 && seg[0] == '.' && seg[1] == '.')
            return -ERR_BAD_REQUEST;
        if (len > 0 && seg[0] == '.')
            return -ERR_NOT_FOUND;
        if (seg[len] == '\0')
            return 0;
        seg += len + 1;
    }
}

/* Opens full if it resolves to a regular file under the root. */
static int static_open_under_root(const struct static_files *files, const char *full, int *fd_out,
                                  struct stat *st)
{
    char *real = realpath(full, NULL);
    if (real == NULL)
        return -ERR_NOT_FOUND;
    if (strncmp(real, files->root, files->root_len) != 0 || real[files->root_len] != '/') {
        free(real);
        return -ERR_NOT_FOUND;
    }
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    free(real);
    if (fd < 0)
        return -ERR_NOT_FOUND;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -ERR_NOT_FOUND;
    }
    *fd_out = fd;
    return 0;
}

/* If-None-Match: "*" or a comma-separated list of (possibly weak) tags. */
static bool static_etag_listed(const char *list, const char *etag)
{
    size_t etag_len = strlen(etag);
    const char *p = list;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        size_t trimmed = len;
        while (trimmed > 0 && (p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t'))
            trimmed--;
        if (trimmed == 1 && p[0] == '*')
            return true;
        const char *tag = p;
        if (trimmed > 2 && tag[0] == 'W' && tag[1] == '/') {
            tag += 2;
            trimmed -= 2;
        }
        if (trimmed == etag_len && memcmp(tag, etag, etag_len) == 0)
            return true;
        p += len;
    }
    return false;
}

int static_files_open(const struct static_files *files, const char *path, const char *if_none_match,
                      struct static_file *out, struct err *err)
{
    char full[PATH_MAX];
    struct stat st;
    int fd = -1;
    bool fallback = false;

    memset(out, 0, sizeof(*out));
    out->fd = -1;
    int rc = static_check_path(path);
    if (rc == -ERR_BAD_REQUEST)
        return err_set(err, ERR_BAD_REQUEST, "The path is not allowed");
    if (rc == 0) {
        size_t path_len = strlen(path);
        const char *index = path[path_len - 1] == '/' ? STATIC_INDEX : "";
        int n = snprintf(full, sizeof(full), "%s%s%s", files->root, path, index);
        rc = n < 0 || (size_t)n >= sizeof(full) ? -ERR_NOT_FOUND
                                                : static_open_under_root(files, full, &fd, &st);
        if (rc < 0 && static_extension(path) == NULL) {
            snprintf(full, sizeof(full), "%s/" STATIC_INDEX, files->root);
            rc = static_open_under_root(files, full, &fd, &st);
            fallback = true;
        }
    }
    if (rc < 0)
        return err_set(err, ERR_NOT_FOUND, "No file at %s", path);

    out->size = (uint64_t)st.st_size;
    out->content_type = static_files_mime_type(full);
    bool hashed =
        !fallback && strncmp(path, STATIC_ASSETS_PREFIX, strlen(STATIC_ASSETS_PREFIX)) == 0;
    out->cache_control = hashed ? STATIC_CACHE_IMMUTABLE : STATIC_CACHE_REVALIDATE;
    snprintf(out->etag, sizeof(out->etag), "\"%llx-%llx.%lx\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtim.tv_sec, (unsigned long)st.st_mtim.tv_nsec);
    if (if_none_match != NULL && static_etag_listed(if_none_match, out->etag)) {
        close(fd);
        out->status = 304;
        return 0;
    }
    out->status = 200;
    out->fd = fd;
    return 0;
}
