/*
 * multipart/form-data over a body in memory. A cursor walks the body from
 * one delimiter line ("--boundary" at the start of a line) to the next: the
 * header block after it, then the data up to the line break before the next
 * delimiter, until the close delimiter ("--boundary--"). Parameters of
 * Content-Type and Content-Disposition are read by one small tokenizer.
 */
#include "http/multipart.h"

#include <stdbool.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"

struct multipart_param {
    struct str name;
    struct str value; /* a quoted string's contents, still escaped */
    bool quoted;
};

static bool multipart_is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 9110 tchar: the characters of a token. */
static bool multipart_is_tchar(char c)
{
    return multipart_is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 2046 bchars: the characters of a boundary (space only inside it). */
static bool multipart_is_bchar(char c)
{
    return multipart_is_alnum(c) || (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

static struct str multipart_skip(struct str s, size_t n)
{
    return (struct str){s.ptr + n, s.len - n};
}

static struct str multipart_skip_ows(struct str s)
{
    while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t'))
        s = multipart_skip(s, 1);
    return s;
}

/* Whether a backslash at i of s escapes the next character (only '"' and '\'). */
static bool multipart_is_escape(struct str s, size_t i)
{
    return s.ptr[i] == '\\' && i + 1 < s.len && (s.ptr[i + 1] == '"' || s.ptr[i + 1] == '\\');
}

/*
 * Reads the next "; name=value" of a header value from *rest: 1 with *param
 * filled, 0 at the end (a trailing ';' included), -1 when malformed.
 */
static int multipart_param_next(struct str *rest, struct multipart_param *param)
{
    struct str s = multipart_skip_ows(*rest);
    if (s.len == 0)
        return 0;
    if (s.ptr[0] != ';')
        return -1;
    s = multipart_skip_ows(multipart_skip(s, 1));
    if (s.len == 0) {
        *rest = s;
        return 0;
    }
    size_t n = 0;
    while (n < s.len && multipart_is_tchar(s.ptr[n]))
        n++;
    if (n == 0)
        return -1;
    param->name = (struct str){s.ptr, n};
    s = multipart_skip_ows(multipart_skip(s, n));
    if (s.len == 0 || s.ptr[0] != '=')
        return -1;
    s = multipart_skip_ows(multipart_skip(s, 1));
    if (s.len > 0 && s.ptr[0] == '"') {
        size_t end = 1;
        while (end < s.len && s.ptr[end] != '"')
            end += multipart_is_escape(s, end) ? 2 : 1;
        if (end >= s.len)
            return -1;
        param->value = (struct str){s.ptr + 1, end - 1};
        param->quoted = true;
        s = multipart_skip(s, end + 1);
    } else {
        size_t end = 0;
        while (end < s.len && s.ptr[end] != ';')
            end++;
        param->value = str_trim((struct str){s.ptr, end});
        param->quoted = false;
        s = multipart_skip(s, end);
    }
    *rest = s;
    return 1;
}

/* The parameter's value, unescaped, NUL-terminated, in the arena. */
static char *multipart_param_value(struct arena *arena, const struct multipart_param *param)
{
    struct str v = param->value;
    char *out = arena_alloc(arena, v.len + 1);
    size_t n = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (param->quoted && multipart_is_escape(v, i))
            i++;
        out[n++] = v.ptr[i];
    }
    out[n] = '\0';
    return out;
}

/* The media type before the first ';' of a header value, trimmed; *rest from the ';' on. */
static struct str multipart_media_type(struct str value, struct str *rest)
{
    const char *semi = value.len > 0 ? memchr(value.ptr, ';', value.len) : NULL;
    size_t at = semi != NULL ? (size_t)(semi - value.ptr) : value.len;
    *rest = multipart_skip(value, at);
    return str_trim((struct str){value.ptr, at});
}

int multipart_boundary(const char *content_type, struct str *boundary, struct err *err)
{
    struct str rest;
    struct str type = multipart_media_type(str_from_cstr(content_type), &rest);
    if (!str_eq_nocase(type, "multipart/form-data"))
        return err_set(err, ERR_UNSUPPORTED_MEDIA_TYPE, "expected a multipart/form-data body");

    struct multipart_param param;
    struct str found = {NULL, 0};
    int rc;
    while ((rc = multipart_param_next(&rest, &param)) == 1) {
        if (!str_eq_nocase(param.name, "boundary"))
            continue;
        if (found.ptr != NULL)
            return err_set(err, ERR_BAD_REQUEST, "Content-Type: boundary given twice");
        found = param.value;
    }
    if (rc < 0)
        return err_set(err, ERR_BAD_REQUEST, "Content-Type: malformed parameter");
    if (found.ptr == NULL)
        return err_set(err, ERR_BAD_REQUEST,
                       "Content-Type: multipart/form-data without a boundary");
    if (found.len == 0 || found.len > MULTIPART_MAX_BOUNDARY_BYTES)
        return err_set(err, ERR_BAD_REQUEST,
                       "Content-Type: the boundary must have 1 to %d characters",
                       MULTIPART_MAX_BOUNDARY_BYTES);
    for (size_t i = 0; i < found.len; i++) {
        if (!multipart_is_bchar(found.ptr[i]))
            return err_set(err, ERR_BAD_REQUEST,
                           "Content-Type: the boundary has a character RFC 2046 does not allow");
    }
    if (found.ptr[found.len - 1] == ' ')
        return err_set(err, ERR_BAD_REQUEST, "Content-Type: the boundary ends in a space");
    *boundary = found;
    return 0;
}

static int multipart_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * An RFC 5987 ext-value (charset'language'percent-encoded) decoded to UTF-8
 * in the arena; NULL when malformed, of another charset, or when it decodes
 * to a control character (as in a header line, a tab is allowed) or text
 * that is not UTF-8.
 */
static const char *multipart_ext_value(struct arena *arena, const char *v)
{
    struct str charset, rest, language, encoded;
    if (!str_split(str_from_cstr(v), '\'', &charset, &rest) ||
        !str_split(rest, '\'', &language, &encoded))
        return NULL;
    bool latin1 = str_eq_nocase(charset, "ISO-8859-1");
    if (!latin1 && !str_eq_nocase(charset, "UTF-8"))
        return NULL;
    /* Percent-decoding only shrinks; ISO-8859-1 at most doubles. */
    char *out = arena_alloc(arena, 2 * encoded.len + 1);
    size_t n = 0;
    for (size_t i = 0; i < encoded.len; i++) {
        unsigned char c = (unsigned char)encoded.ptr[i];
        if (c == '%') {
            int hi = i + 2 < encoded.len ? multipart_hex_value(encoded.ptr[i + 1]) : -1;
            int lo = i + 2 < encoded.len ? multipart_hex_value(encoded.ptr[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return NULL;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return NULL;
        if (latin1 && c >= 0x80) {
            out[n++] = (char)(0xc0 | (c >> 6));
            out[n++] = (char)(0x80 | (c & 0x3f));
        } else {
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
    return utf8_valid(out, n) ? out : NULL;
}

/* Content-Disposition: form-data; name="field"; filename="a.csv"; filename*=UTF-8''a.csv */
static int multipart_disposition(struct arena *arena, struct str value, size_t index,
                                 struct multipart_part *part, struct err *err)
{
    struct str rest;
    if (!str_eq_nocase(multipart_media_type(value, &rest), "form-data"))
        return err_set(err, ERR_BAD_REQUEST,
                       "multipart part %zu: Content-Disposition is not form-data", index);

    const char *filename = NULL, *ext = NULL;
    struct multipart_param param;
    int rc;
    while ((rc = multipart_param_next(&rest, &param)) == 1) {
        const char **slot;
        if (str_eq_nocase(param.name, "name"))
            slot = &part->name;
        else if (str_eq_nocase(param.name, "filename"))
            slot = &filename;
        else if (str_eq_nocase(param.name, "filename*"))
            slot = &ext;
        else
            continue;
        if (*slot != NULL)
            return err_set(err, ERR_BAD_REQUEST,
                           "multipart part %zu: Content-Disposition repeats a parameter", index);
        *slot = multipart_param_value(arena, &param);
        if (slot == &ext) {
            ext = multipart_ext_value(arena, ext);
            if (ext == NULL)
                return err_set(err, ERR_BAD_REQUEST,
                               "multipart part %zu: malformed filename* (RFC 5987, UTF-8)", index);
        }
    }
    if (rc < 0)
        return err_set(err, ERR_BAD_REQUEST,
                       "multipart part %zu: malformed Content-Disposition parameter", index);
    if (part->name == NULL || part->name[0] == '\0')
        return err_set(err, ERR_BAD_REQUEST,
                       "multipart part %zu: Content-Disposition without a name", index);
    if (!utf8_valid(part->name, strlen(part->name)))
        return err_set(err, ERR_BAD_REQUEST, "multipart part %zu: the name is not UTF-8", index);
    if (filename != NULL && !utf8_valid(filename, strlen(filename)))
        return err_set(err, ERR_BAD_REQUEST, "multipart part %zu: the filename is not UTF-8",
                       index);
    part->filename = ext != NULL ? ext : filename;
    return 0;
}

/* One header line (its line break removed) of part number index. */
static int multipart_header(struct arena *arena, struct str line, size_t index,
                            struct multipart_part *part, bool *have_disposition, struct err *err)
{
    for (size_t i = 0; i < line.len; i++) {
        unsigned char c = (unsigned char)line.ptr[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return err_set(err, ERR_BAD_REQUEST,
                           "multipart part %zu: control character in a header", index);
    }
    if (line.ptr[0] == ' ' || line.ptr[0] == '\t')
        return err_set(err, ERR_BAD_REQUEST,
                       "multipart part %zu: folded header lines are not supported", index);
    struct str name, value;
    bool has_colon = str_split(line, ':', &name, &value);
    name = str_trim(name);
    for (size_t i = 0; i < name.len; i++) {
        if (!multipart_is_tchar(name.ptr[i]))
            has_colon = false;
    }
    if (!has_colon || name.len == 0)
        return err_set(err, ERR_BAD_REQUEST, "multipart part %zu: malformed header line", index);
    value = str_trim(value);

    if (str_eq_nocase(name, "Content-Disposition")) {
        if (*have_disposition)
            return err_set(err, ERR_BAD_REQUEST,
                           "multipart part %zu: two Content-Disposition headers", index);
        *have_disposition = true;
        return multipart_disposition(arena, value, index, part, err);
    }
    if (str_eq_nocase(name, "Content-Type")) {
        if (part->content_type != NULL)
            return err_set(err, ERR_BAD_REQUEST, "multipart part %zu: two Content-Type headers",
                           index);
        if (value.len == 0 || !utf8_valid(value.ptr, value.len))
            return err_set(err, ERR_BAD_REQUEST, "multipart part %zu: malformed Content-Type",
                           index);
        part->content_type = arena_strndup(arena, value.ptr, value.len);
    }
    return 0;
}

/*
 * The header block of part number index, from start up to and including its
 * blank line; *data_start is just after it.
 */
static int multipart_headers(struct arena *arena, const char *body, size_t len, size_t start,
                             size_t index, struct multipart_part *part, size_t *data_start,
                             struct err *err)
{
    size_t end =
        len - start > MULTIPART_MAX_HEADER_BYTES ? start + MULTIPART_MAX_HEADER_BYTES : len;
    bool have_disposition = false;
    size_t p = start;
    for (;;) {
        const char *nl = memchr(body + p, '\n', end - p);
        if (nl == NULL && end < len)
            return err_set(err, ERR_TOO_LARGE, "multipart part %zu: headers over %d bytes", index,
                           MULTIPART_MAX_HEADER_BYTES);
        if (nl == NULL)
            return err_set(err, ERR_BAD_REQUEST,
                           "multipart part %zu: the body ends inside its headers", index);
        struct str line = {body + p, (size_t)(nl - (body + p))};
        if (line.len > 0 && line.ptr[line.len - 1] == '\r')
            line.len--;
        p = (size_t)(nl - body) + 1;
        if (line.len == 0)
            break;
        if (p < end && (body[p] == ' ' || body[p] == '\t'))
            return err_set(err, ERR_BAD_REQUEST,
                           "multipart part %zu: folded header lines are not supported", index);
        int rc = multipart_header(arena, line, index, part, &have_disposition, err);
        if (rc < 0)
            return rc;
    }
    if (!have_disposition)
        return err_set(err, ERR_BAD_REQUEST, "multipart part %zu: no Content-Disposition", index);
    *data_start = p;
    return 0;
}

static bool multipart_delimiter_at(const char *body, size_t len, size_t p, struct str boundary)
{
    return len - p >= boundary.len + 2 && body[p] == '-' && body[p + 1] == '-' &&
           memcmp(body + p + 2, boundary.ptr, boundary.len) == 0;
}

/*
 * The first position at or after from that starts a line (the body's start
 * or just after a '\n') with "--boundary"; len when there is none.
 */
static size_t multipart_find_delimiter(const char *body, size_t len, size_t from,
                                       struct str boundary)
{
    if (from < len && (from == 0 || body[from - 1] == '\n') &&
        multipart_delimiter_at(body, len, from, boundary))
        return from;
    size_t p = from;
    while (p < len) {
        const char *nl = memchr(body + p, '\n', len - p);
        if (nl == NULL)
            break;
        p = (size_t)(nl - body) + 1;
        if (multipart_delimiter_at(body, len, p, boundary))
            return p;
    }
    return len;
}

int multipart_parse(struct arena *arena, const char *body, size_t len, struct str boundary,
                    struct multipart_part **parts, size_t *n_parts, struct err *err)
{
    if (boundary.len == 0 || boundary.len > MULTIPART_MAX_BOUNDARY_BYTES)
        return err_set(err, ERR_BAD_REQUEST, "multipart body: invalid boundary");
    size_t p = len > 0 ? multipart_find_delimiter(body, len, 0, boundary) : len;
    if (p == len)
        return err_set(err, ERR_BAD_REQUEST, "multipart body: no boundary line");

    struct multipart_part *out = arena_alloc_array(arena, MULTIPART_MAX_PARTS, sizeof(*out));
    size_t n = 0;
    for (;;) {
        size_t q = p + 2 + boundary.len;
        if (len - q >= 2 && body[q] == '-' && body[q + 1] == '-')
            break;
        while (q < len && (body[q] == ' ' || body[q] == '\t'))
            q++;
        if (q < len && body[q] == '\r')
            q++;
        if (q == len)
            return err_set(err, ERR_BAD_REQUEST, "multipart body: no closing boundary");
        if (body[q] != '\n')
            return err_set(err, ERR_BAD_REQUEST,
                           "multipart body: text after a boundary on its line");
        if (n == MULTIPART_MAX_PARTS)
            return err_set(err, ERR_TOO_LARGE, "multipart body: more than %d parts",
                           MULTIPART_MAX_PARTS);

        struct multipart_part *part = &out[n];
        size_t data_start = 0;
        int rc = multipart_headers(arena, body, len, q + 1, n + 1, part, &data_start, err);
        if (rc < 0)
            return rc;
        size_t next = multipart_find_delimiter(body, len, data_start, boundary);
        if (next == len)
            return err_set(err, ERR_BAD_REQUEST, "multipart body: no closing boundary");
        /* The line break before a delimiter belongs to the delimiter. */
        size_t data_end = next;
        if (data_end > data_start && body[data_end - 1] == '\n')
            data_end--;
        if (data_end > data_start && body[data_end - 1] == '\r')
            data_end--;
        part->data = body + data_start;
        part->len = data_end - data_start;
        n++;
        p = next;
    }
    *parts = out;
    *n_parts = n;
    return 0;
}

const struct multipart_part *multipart_find(const struct multipart_part *parts, size_t n_parts,
                                            const char *name)
{
    for (size_t i = 0; i < n_parts; i++) {
        if (strcmp(parts[i].name, name) == 0)
            return &parts[i];
    }
    return NULL;
}
