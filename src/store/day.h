/*
 * The day plan, time tracking and task reports in the store: users with
 * their time zones, time entries (the running timer is the user's one entry
 * without ended_at) and what the effectiveness and task reports count.
 * Times given and returned are the stored ISO 8601 UTC text
 * ("2026-03-10T09:00:00.000Z") unless named _ms.
 */
#ifndef CRM_STORE_DAY_H
#define CRM_STORE_DAY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/effectiveness.h"

struct arena;
struct store_conn;

/* A user as the day plan and reports need them; strings in the arena. */
struct day_user {
    int64_t id;
    const char *name;
    int64_t team_id;       /* 0: none */
    const char *time_zone; /* IANA name ("Europe/Moscow") */
};

/* ERR_NOT_FOUND when there is no such user. */
int store_day_user(struct store_conn *conn, struct arena *arena, int64_t id, struct day_user *out,
                   struct err *err);
/* The members of a team who are not disabled, by name then id. */
int store_day_team_users(struct store_conn *conn, struct arena *arena, int64_t team_id,
                         struct day_user **out, size_t *n_out, struct err *err);

/*
 * Time entries as the API shows them: {id, user_id, task_id, started_at,
 * ended_at, seconds, note, created_at}; a running one has ended_at and
 * seconds null. The writes below run in the caller's transaction; stopping
 * or logging time adds its seconds to the task's time_spent_s and deleting
 * an entry takes them off (never below 0), with a plain UPDATE of that
 * column alone (the task's version and updated_at stay).
 */

/* The user's running entry; *out NULL when none runs. */
int store_time_entry_running(struct store_conn *conn, struct arena *arena, int64_t user_id,
                             json_t **out, struct err *err);
/*
 * Stops the user's running entry at now_ms (seconds: whole seconds since it
 * started, at least 0); *out is the stopped entry, NULL when none ran.
 */
int store_time_entry_stop(struct store_conn *conn, struct arena *arena, int64_t user_id,
                          int64_t now_ms, json_t **out, struct err *err);
/*
 * Starts a running entry on task_id at now_ms, stopping the user's running
 * one first; *stopped (stopped may be NULL) is the entry stopped, NULL when
 * none ran, set only on success.
 */
int store_time_entry_start(struct store_conn *conn, struct arena *arena, int64_t user_id,
                           int64_t task_id, int64_t now_ms, json_t **stopped, json_t **out,
                           struct err *err);
/* Time logged by hand: ended_at = started_ms + seconds; task_id 0 and note NULL: none. */
int store_time_entry_insert(struct store_conn *conn, struct arena *arena, int64_t user_id,
                            int64_t task_id, int64_t started_ms, int64_t seconds, const char *note,
                            json_t **out, struct err *err);
/* Deletes the user's entry id; ERR_NOT_FOUND when the user has no such entry. */
int store_time_entry_delete(struct store_conn *conn, struct arena *arena, int64_t user_id,
                            int64_t id, struct err *err);

/* What store_time_entries_list selects, ordered by started_at then id. */
struct time_entry_query {
    int64_t user_id;
    const char *from;     /* started at or after; NULL: no bound */
    const char *to;       /* started before; NULL: no bound */
    int64_t task_id;      /* 0: any */
    const char *after_at; /* the cursor: after (after_at, after_id); NULL: the first page */
    int64_t after_id;
    size_t limit;
};

/*
 * One page of entries (*more when others follow) and *total_s, the seconds
 * of all the entries the query selects (whatever the page).
 */
int store_time_entries_list(struct store_conn *conn, struct arena *arena,
                            const struct time_entry_query *q, json_t **out, bool *more,
                            int64_t *total_s, struct err *err);
/* The seconds of the user's finished entries started in [from, to). */
int store_time_logged(struct store_conn *conn, struct arena *arena, int64_t user_id,
                      const char *from, const char *to, int64_t *seconds, struct err *err);

/* What the effectiveness of a user's days in [from_ms, to_ms) is computed from. */
struct effectiveness_input {
    /* Not cancelled, due before to_ms, and due within the range or done within it or later. */
    struct effectiveness_task *tasks;
    size_t n_tasks;
    /* Due before from_ms and never done: carried over every day of the range. */
    int64_t carried_before;
    /* Finished entries started within the range. */
    struct effectiveness_entry *entries;
    size_t n_entries;
};

/*
 * The user's live tasks that a day of the range may count (due within it,
 * or due before it and done within it or later), the count of those due
 * before it and not done, and the user's time entries started within it.
 */
int store_effectiveness_load(struct store_conn *conn, struct arena *arena, int64_t user_id,
                             int64_t from_ms, int64_t to_ms, struct effectiveness_input *out,
                             struct err *err);

/* The task report of a user over [from, to) (see docs/api/day.md). */
struct task_report {
    int64_t created;      /* their tasks created within */
    int64_t done;         /* done within */
    int64_t done_on_time; /* of those, done by their due time or without one */
    int64_t overdue;      /* due before overdue_at and not done by then, not cancelled */
    int64_t cancelled;    /* cancelled, due within (created within when without a due time) */
    int64_t time_logged_s;
    json_t *done_tasks; /* [{id, title, done_at, time_spent_s}] by done_at, at most max_done */
};

int store_task_report(struct store_conn *conn, struct arena *arena, int64_t user_id,
                      const char *from, const char *to, const char *overdue_at, size_t max_done,
                      struct task_report *out, struct err *err);

#endif
