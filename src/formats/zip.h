/*
 * ZIP archives written with libzip, for exports made of several files (the
 * GDPR export: one JSON document and the person's attachments). Entries are
 * deflated. The archive goes to a file the caller names and is complete only
 * once zip_writer_close() returned 0; the caller then streams and removes it.
 *
 * Memory: zip_writer_add() copies the bytes, so the caller may free or reuse
 * them at once; libzip writes everything at close, so the writer holds the
 * sum of the entries' sizes until then.
 */
#ifndef CRM_FORMATS_ZIP_H
#define CRM_FORMATS_ZIP_H

#include <stddef.h>

#include "base/err.h"

#define ZIP_WRITER_MAX_NAME_BYTES 1024

struct zip_writer;

/*
 * Starts an archive to be written to path (created, or replaced, at close).
 * NULL with err set (ERR_INTERNAL) when libzip refuses the path.
 */
struct zip_writer *zip_writer_open(const char *path, struct err *err);

/*
 * Adds an entry of len bytes (copied) under a cleaned name: backslashes
 * become '/', empty, "." and ".." segments are dropped (so no leading '/'
 * and no way out of the folder the archive is unpacked into), ':', control
 * characters and bytes that are not UTF-8 become '_', and a name with
 * nothing left becomes "file". A name already in the archive (ignoring
 * ASCII case) gets a number before its extension: "a.jpg", "a (2).jpg",
 * "a (3).jpg". The name used is zip_writer_last_name(w).
 * -ERR_VALIDATION when the cleaned name is over ZIP_WRITER_MAX_NAME_BYTES;
 * -ERR_INTERNAL when libzip fails.
 */
int zip_writer_add(struct zip_writer *w, const char *name, const void *data, size_t len,
                   struct err *err);

/* The name the last successful zip_writer_add() stored; "" before any. Valid until the next add. */
const char *zip_writer_last_name(const struct zip_writer *w);

/*
 * Compresses and writes the archive (an empty archive is a valid 22-byte
 * ZIP file), then frees w whatever the outcome. -ERR_INTERNAL when writing
 * fails (libzip writes a temporary file beside path and renames it, so no
 * half-written archive is left at path).
 */
int zip_writer_close(struct zip_writer *w, struct err *err);

/* Abandons an archive without writing anything; zip_writer_free(NULL) is a no-op. */
void zip_writer_free(struct zip_writer *w);

#endif
