/*
 * Notifications: what the bell shows a user (a task's reminder, a
 * birthday, a task given to them). Each has a source key naming the event
 * it tells of, unique, so an event is told once however often it is seen.
 */
#ifndef CRM_STORE_NOTIFICATIONS_H
#define CRM_STORE_NOTIFICATIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct store_conn;

struct notification {
    int64_t user_id;
    const char *kind;    /* task_reminder, birthday, task_assigned */
    const char *summary; /* one line */
    const char *entity;  /* the record it is about, or NULL */
    int64_t record_id;
    const char *source_key; /* "task_reminder:12:2026-11-23T09:00:00.000Z" */
};

/* Adds the notification unless one with its source key exists (*created says which). */
int store_notification_add(struct store_conn *conn, struct arena *arena,
                           const struct notification *n, bool *created, struct err *err);

/*
 * The user's notifications newest first, before before_id (0: from the
 * newest), as API JSON {id, kind, at, read, summary, record:{entity,id}|null};
 * *more says whether older ones follow.
 */
int store_notifications_list(struct store_conn *conn, struct arena *arena, int64_t user_id,
                             bool unread_only, int64_t before_id, size_t limit, json_t **out,
                             bool *more, struct err *err);
int store_notifications_unread(struct store_conn *conn, struct arena *arena, int64_t user_id,
                               int64_t *n_out, struct err *err);
/* Marks one of the user's notifications read: ERR_NOT_FOUND when the user has no such one. */
int store_notification_read(struct store_conn *conn, struct arena *arena, int64_t user_id,
                            int64_t id, struct err *err);
/* Marks all the user's notifications read; *n_out counts those that were unread. */
int store_notifications_read_all(struct store_conn *conn, struct arena *arena, int64_t user_id,
                                 int64_t *n_out, struct err *err);

#endif
