/*
 * multipart/form-data (RFC 7578 over RFC 2046) read from a whole request
 * body already in memory. The parts' bytes are slices of the body, never
 * copied; their names and headers are copied into the arena. Lines may end
 * in CRLF or a bare LF; a preamble before the first boundary and an
 * epilogue after the closing one are ignored.
 */
#ifndef CRM_HTTP_MULTIPART_H
#define CRM_HTTP_MULTIPART_H

#include <stddef.h>

#include "base/err.h"
#include "base/str.h"

struct arena;

#define MULTIPART_MAX_PARTS 64
#define MULTIPART_MAX_HEADER_BYTES 8192 /* one part's header block, blank line included */
#define MULTIPART_MAX_BOUNDARY_BYTES 70

struct multipart_part {
    const char *name;         /* the form field: never NULL nor "", UTF-8 */
    const char *filename;     /* NULL for a plain field; "" when a file input was left empty */
    const char *content_type; /* the part's Content-Type as sent; NULL when absent */
    const char *data;         /* slice of the body; not NUL-terminated */
    size_t len;
};

/*
 * The boundary of a Content-Type "multipart/form-data; boundary=..." (type
 * and parameter names in any case, the value a token or a quoted string of
 * 1 to 70 RFC 2046 characters). *boundary is a slice of content_type.
 * -ERR_UNSUPPORTED_MEDIA_TYPE when the type is absent or another one;
 * -ERR_BAD_REQUEST when the boundary is missing, repeated or malformed.
 */
int multipart_boundary(const char *content_type, struct str *boundary, struct err *err);

/*
 * Splits body into its parts. Each part needs a Content-Disposition of
 * form-data with a name; its filename is filename*= (RFC 5987, UTF-8 or
 * ISO-8859-1, converted to UTF-8) when given, else filename=, exactly as
 * the client sent it: it may hold a path and must be cleaned before use
 * (see domain/file_name.h). Other headers are ignored; folded header lines
 * are refused. *parts is in the arena, in body order, and
 * (*parts)[i].data points into body, which must outlive them.
 * -ERR_BAD_REQUEST with a detail naming the part for a malformed body
 * ("multipart body: no closing boundary"); -ERR_TOO_LARGE past
 * MULTIPART_MAX_PARTS parts or a header block over MULTIPART_MAX_HEADER_BYTES.
 */
int multipart_parse(struct arena *arena, const char *body, size_t len, struct str boundary,
                    struct multipart_part **parts, size_t *n_parts, struct err *err);

/* The first part named name, or NULL. */
const struct multipart_part *multipart_find(const struct multipart_part *parts, size_t n_parts,
                                            const char *name);

#endif
