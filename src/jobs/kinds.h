/*
 * The handlers of the built-in job kinds, one file each; queue.c lists them
 * with their attempts in its table of kinds.
 */
#ifndef CRM_JOBS_KINDS_H
#define CRM_JOBS_KINDS_H

#include <jansson.h>

#include "base/err.h"
#include "jobs/queue.h"

/* {task_id, remind_at}: the task_reminder notification to the owner of a still open task. */
int task_reminder_run(struct job_context *ctx, const json_t *payload, struct err *err);
/* {task_id}: the successor of a recurring task that fell due. */
int task_recurrence_run(struct job_context *ctx, const json_t *payload, struct err *err);
/* {date}: birthday notifications for the birthdays birthday_reminder_days after date. */
int birthdays_run(struct job_context *ctx, const json_t *payload, struct err *err);
/* {}: deletes ended sessions and the jobs done more than a week ago. */
int sessions_sweep_run(struct job_context *ctx, const json_t *payload, struct err *err);
/* {}: sent quotes past their valid_until become expired. */
int quotes_expire_run(struct job_context *ctx, const json_t *payload, struct err *err);
/* The pause after an import batch, for requests to write in between (job_kind.pause_ms). */
#define IMPORT_PAUSE_MS 50
/* {import_id}: the next batch of an import's rows; then the batch after it is queued. */
int import_run(struct job_context *ctx, const json_t *payload, struct err *err);
/* {import_id}: reverts the next batch of an import's changes (an undo or a cancel). */
int import_undo_run(struct job_context *ctx, const json_t *payload, struct err *err);
/* {export_id}: writes the file of an export as the user who asked for it (export.c). */
int export_run(struct job_context *ctx, const json_t *payload, struct err *err);

#endif
