/*
 * Running imports: one batch of rows per job (kind "import") and one batch
 * of reverted changes per job (kind "import_undo"), each in the job's own
 * transaction together with the import's new position, so that a server
 * killed mid-way resumes at the first row it had not committed, and no row
 * is written twice.
 */
#ifndef CRM_API_IMPORT_RUN_H
#define CRM_API_IMPORT_RUN_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct job_context;
struct store_conn;

/* Rows one job writes at most, and about how long it may take. */
#define IMPORT_BATCH_ROWS 1000
#define IMPORT_BATCH_MS 150

/* Does the next batch of the import; queues the one after it unless the import is finished. */
int api_import_batch(struct job_context *ctx, int64_t import_id, struct err *err);
/* Reverts the next batch of the import's changes, newest first. */
int api_import_undo_batch(struct job_context *ctx, int64_t import_id, struct err *err);

/* The import's next job of kind ("import", "import_undo"), unique per (import, step). */
int api_import_enqueue(struct store_conn *conn, struct arena *arena, const char *kind,
                       int64_t id, int64_t step, struct err *err);
/* An import row of the store as the API shows it (new reference). */
json_t *api_import_view(const json_t *row);

#endif
