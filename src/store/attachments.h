/*
 * Files attached to records: their bytes live in attachments.data (BLOB on
 * SQLite, BYTEA on PostgreSQL) beside their metadata. Deleting one sets
 * deleted_at; a deleted attachment is absent to every function here.
 * Access to the parent record is the caller's to check.
 */
#ifndef CRM_STORE_ATTACHMENTS_H
#define CRM_STORE_ATTACHMENTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct store_conn;

/* What an upload writes; strings and bytes are borrowed for the call. */
struct attachment_new {
    const char *entity; /* the parent's collection: "contacts" */
    int64_t record_id;
    const char *file_name;    /* as file_name_clean made it */
    const char *content_type; /* as file_name_safe_type chose it */
    const void *data;
    size_t size;
    const char *sha256;     /* 64 lower-case hex digits */
    int64_t created_by;     /* 0: nobody */
    const char *created_at; /* canonical date-time text */
};

/*
 * An attachment's metadata as the API shows it: {id, entity, record_id,
 * file_name, content_type, size, sha256, created_at, created_by}.
 */
int store_attachment_insert(struct store_conn *conn, struct arena *arena,
                            const struct attachment_new *a, int64_t *id_out, struct err *err);
/* The metadata; ERR_NOT_FOUND when absent or deleted. */
int store_attachment_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                         struct err *err);
/* The record's attachments, oldest first, without their bytes. */
int store_attachments_list(struct store_conn *conn, struct arena *arena, const char *entity,
                           int64_t record_id, json_t **out, struct err *err);
/* The bytes (*data in the arena, NUL-terminated after *len bytes); ERR_NOT_FOUND as get. */
int store_attachment_content(struct store_conn *conn, struct arena *arena, int64_t id,
                             const char **data, size_t *len, struct err *err);
/* Sets deleted_at = at; ERR_NOT_FOUND when absent or already deleted. */
int store_attachment_delete(struct store_conn *conn, struct arena *arena, int64_t id,
                            const char *at, struct err *err);

#endif
