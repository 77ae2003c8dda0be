/*
 * File names and types given by clients, made safe to keep and to serve:
 * the name loses any path and control characters and is cut to 255 bytes;
 * the type is served as itself only when it is on an allow-list, otherwise
 * as application/octet-stream; and the Content-Disposition of a download
 * carries the name both as an ASCII fallback and as RFC 5987 UTF-8.
 */
#ifndef CRM_DOMAIN_FILE_NAME_H
#define CRM_DOMAIN_FILE_NAME_H

#include <stddef.h>

#include "base/err.h"

struct arena;

#define FILE_NAME_MAX_BYTES 255
#define FILE_NAME_FALLBACK_TYPE "application/octet-stream"

/*
 * The name to keep for a client-given file name of len bytes:
 *   - text after the last '/' or '\' only ("../../etc/passwd" -> "passwd");
 *   - control characters (U+0000-U+001F, U+007F-U+009F) and the invisible
 *     direction marks that can disguise an extension (U+200E, U+200F,
 *     U+202A-U+202E, U+2066-U+2069, U+2028, U+2029) each become '_';
 *   - white space around it and dots at its end are dropped;
 *   - past FILE_NAME_MAX_BYTES bytes it is cut on a character boundary,
 *     keeping an extension of up to 16 bytes ("long...name.pdf").
 * Refused with a field error on `field` (ERR_VALIDATION): NULL, text that is
 * not UTF-8, and names with nothing left ("", "dir/", "..", ". ").
 * *out is NUL-terminated, in the arena.
 */
int file_name_clean(struct arena *arena, const char *name, size_t len, const char *field,
                    const char **out, struct err *err);

/*
 * The Content-Type to keep and serve a file as, from the one the client
 * gave (parameters and case ignored; NULL: none): itself, lower case and
 * without parameters, when on the allow-list (images that cannot hold
 * script, PDF, plain text and CSV, office documents, archives, audio and
 * video); FILE_NAME_FALLBACK_TYPE for anything else (text/html,
 * image/svg+xml, JavaScript, XML...). Never NULL; a static string.
 */
const char *file_name_safe_type(const char *given);

/*
 * The Content-Disposition of a download of a file called name (UTF-8, as
 * file_name_clean made it): attachment; filename="<ASCII fallback>";
 * filename*=UTF-8''<percent-encoded> (RFC 6266, RFC 5987). In the fallback
 * every character outside printable ASCII, and '"', '\' and '%', is '_'.
 */
const char *file_name_disposition(struct arena *arena, const char *name);

#endif
