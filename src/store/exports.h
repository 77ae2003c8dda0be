/*
 * Exports in the store: one row per export asked for (entity, format, the
 * list request it repeats as JSON text, who asked), which the export job
 * finishes with its row count and file, or with an error. The status a
 * client sees also reads the export's job (idempotency key "export-<id>"):
 * "running" while a worker holds it, "failed" with the job's last error
 * once the queue gave up on it.
 */
#ifndef CRM_STORE_EXPORTS_H
#define CRM_STORE_EXPORTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct store_conn;

/* The job of export id is queued with this idempotency key ("export-12"). */
#define EXPORT_JOB_KEY_PREFIX "export-"

/* What POST /exports writes; strings borrowed for the call. */
struct export_new {
    const char *entity;  /* "contacts" */
    const char *format;  /* "csv", "xlsx", "vcf", "ics" */
    const char *request; /* {filter, q, sort, fields, raw} as JSON text */
    int64_t created_by;
    const char *created_at;
};

/* Inserts a queued export. */
int store_export_insert(struct store_conn *conn, struct arena *arena, const struct export_new *e,
                        int64_t *id_out, struct err *err);

/*
 * One export (new reference): {id, entity, format, request (object),
 * status, rows, file_id, error, created_by, created_at, finished_at}, the
 * status and error completed from its job as above. ERR_NOT_FOUND when
 * absent.
 */
int store_export_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                     struct err *err);

/*
 * Exports newest first (new reference to an array of what store_export_get
 * gives), those of created_by only unless it is 0, with ids below before_id
 * (0: from the newest); *next_before_id is the last id when more follow,
 * else 0.
 */
int store_exports_list(struct store_conn *conn, struct arena *arena, int64_t created_by,
                       int64_t before_id, size_t limit, json_t **out, int64_t *next_before_id,
                       struct err *err);

/*
 * Ends an export: status "done" (file_id > 0, rows written) or "failed"
 * (error), at finished_at.
 */
int store_export_finish(struct store_conn *conn, struct arena *arena, int64_t id,
                        const char *status, int64_t rows, int64_t file_id, const char *error,
                        const char *finished_at, struct err *err);

/*
 * Holds the running job job_id for the rest of the caller's transaction,
 * so that no other worker takes it over when its lease runs out during a
 * long export. PostgreSQL: the row is locked (FOR UPDATE), and claims skip
 * locked rows; SQLite: the job's transaction holds the write lock already,
 * nothing to do.
 */
int store_export_job_hold(struct store_conn *conn, struct arena *arena, int64_t job_id,
                          struct err *err);

#endif
