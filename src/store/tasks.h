/*
 * Tasks in the store beyond the generic record operations: the successor of
 * a recurring task, made once whoever asks first (the scheduler when the
 * task falls due, the request that completes it).
 */
#ifndef CRM_STORE_TASKS_H
#define CRM_STORE_TASKS_H

#include <stdint.h>

#include "base/err.h"

struct arena;
struct store_conn;

/*
 * Makes the successor of recurring task id in the caller's transaction:
 * *made_id is the new task's id, 0 when the series ended, the task does not
 * recur or its successor exists already. Marks the task next_created.
 */
/* Makes task id the first of its series (series_id = its id), unless it is in one already. */
int store_task_series_start(struct store_conn *conn, struct arena *arena, int64_t id,
                            struct err *err);

int store_task_make_next(struct store_conn *conn, struct arena *arena, int64_t id,
                         int64_t *made_id, struct err *err);

#endif
