/*
 * The working day of a user: GET /me/day (the day plan: overdue and due
 * tasks, meetings and calls of one local day), the timer on tasks, time
 * entries, and the reports on tasks (effectiveness per day and ISO week,
 * the task report of a day, week or month). Days are local days of the user
 * concerned, in their users.time_zone (domain/zone.h); the arithmetic is
 * domain/effectiveness.h, the queries store/day.h. A user other than the
 * caller is reachable only within the caller's read scope over tasks, and
 * is a 404 otherwise, whether or not the user exists.
 */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "api/body.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "domain/effectiveness.h"
#include "domain/entity.h"
#include "domain/list_cursor.h"
#include "domain/recurrence.h"
#include "domain/zone.h"
#include "store/day.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define MS_PER_DAY (24 * 3600 * (int64_t)1000)
#define DATE_ABSENT INT64_MIN     /* query_date's default for "no date given" */
#define DAY_LIST_MAX 200          /* records in one list of the day plan */
#define REPORT_DONE_TASKS_MAX 200 /* done_tasks of the task report */
#define ENTRIES_DEFAULT_LIMIT 100
#define ENTRIES_MAX_LIMIT 500
#define DAY_MAX_EXDATES 500     /* as many as an activity may hold */
#define DAY_MAX_OCCURRENCES 48  /* occurrences of one meeting within a day */
#define ENTRIES_SORT "started_at" /* what the entries' cursors are made for */
#define ENTRY_NOTE_MAX_CHARS 1000
#define ENTRY_MAX_SECONDS 86400

/* ---- days in a user's time zone ---- */

/*
 * The UTC bounds of the local date in zone. A zone is checked where it is
 * written, so one that libical does not know here falls back to UTC (logged).
 */
static void day_bounds(const char *zone, int64_t date, int64_t *from_ms, int64_t *to_ms)
{
    char text[CLOCK_DATE_LEN + 1];
    struct err err;
    err_clear(&err);
    clock_format_date(date, text);
    if (zone_day_bounds(zone, text, from_ms, to_ms, &err) == 0)
        return;
    char quoted[2 * ZONE_NAME_MAX];
    log_warn("day_zone_unknown", "zone=%s date=%s", log_quote(quoted, sizeof(quoted), zone), text);
    *from_ms = date * MS_PER_DAY;
    *to_ms = *from_ms + MS_PER_DAY;
}

/* Today's date in zone (UTC's when the zone is unknown). */
static int64_t day_today(const char *zone)
{
    char text[CLOCK_DATE_LEN + 1];
    struct err err;
    int64_t now_ms = clock_now_ms(), date;
    err_clear(&err);
    if (zone_local_date(zone, now_ms, text, &err) == 0 &&
        clock_parse_date(text, CLOCK_DATE_LEN, &date) == 0)
        return date;
    char quoted[2 * ZONE_NAME_MAX];
    log_warn("day_zone_unknown", "zone=%s", log_quote(quoted, sizeof(quoted), zone));
    return clock_day_of_ms(now_ms);
}

/* A date query parameter ("YYYY-MM-DD"): def when absent; 400 naming it when malformed. */
static int query_date(struct http_request *req, const char *name, int64_t def, int64_t *date)
{
    const char *text = http_query(req, name);
    *date = def;
    if (text == NULL || *text == '\0')
        return 0;
    if (clock_parse_date(text, strlen(text), date) == 0)
        return 0;
    err_set(&req->err, ERR_BAD_REQUEST, "%s must be a date like 2026-03-10", name);
    return err_field(&req->err, name, "must be a date like 2026-03-10");
}

static const char *date_text(struct http_request *req, int64_t date)
{
    char *text = arena_alloc(req->arena, CLOCK_DATE_LEN + 1);
    clock_format_date(date, text);
    return text;
}

static const char *datetime_text(struct http_request *req, int64_t ms)
{
    char *text = arena_alloc(req->arena, CLOCK_DATETIME_LEN + 1);
    clock_format_datetime(ms, text);
    return text;
}

/* ---- whose day ---- */

static int caller_user(struct http_request *req, struct store_conn *conn, struct day_user *user)
{
    return store_day_user(conn, req->arena, api_actor(req)->user_id, user, &req->err);
}

/*
 * The user named by the query parameter `name` (absent: the caller); 404
 * when there is no such user or they are outside the caller's read scope
 * over tasks.
 */
static int target_user(struct http_request *req, struct store_conn *conn, const char *name,
                       struct day_user *user)
{
    const struct actor *actor = api_actor(req);
    int64_t id;
    int rc = api_query_id(req, name, &id);
    if (rc < 0)
        return rc;
    if (id == 0 || id == actor->user_id)
        return caller_user(req, conn, user);
    struct access access = actor_access(actor, &entity_tasks, ACCESS_READ);
    rc = store_day_user(conn, req->arena, id, user, &req->err);
    if (rc < 0 && rc != -ERR_NOT_FOUND)
        return rc;
    if (rc == 0 && access_allows_owner(&access, user->id, user->team_id))
        return 0;
    err_clear(&req->err);
    return err_set(&req->err, ERR_NOT_FOUND, "no user with id %lld", (long long)id);
}

/* The members of a team the caller's read scope over tasks covers whole; 404 otherwise. */
static int team_users(struct http_request *req, struct store_conn *conn, int64_t team_id,
                      struct day_user **users, size_t *n_users)
{
    struct access access = actor_access(api_actor(req), &entity_tasks, ACCESS_READ);
    bool allowed =
        access.scope == SCOPE_ALL || (access.scope == SCOPE_TEAM && access.team_id == team_id);
    json_t *team = NULL;
    int rc = allowed ? store_team_get(conn, req->arena, team_id, &team, &req->err) : -ERR_NOT_FOUND;
    json_decref(team);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_set(&req->err, ERR_NOT_FOUND, "no team with id %lld", (long long)team_id);
    }
    if (rc < 0)
        return rc;
    return store_day_team_users(conn, req->arena, team_id, users, n_users, &req->err);
}

/* ---- GET /me/day ---- */

/* One list of the day plan: the records matching filter by sort, as the caller may see them. */
static int day_list(struct http_request *req, struct store_conn *conn, const struct entity *entity,
                    const char *filter, const char *sort, json_t *body, const char *key)
{
    struct list_request lr;
    struct list_page page;
    if (actor_scope(api_actor(req), entity, ACCESS_READ) == SCOPE_NONE) {
        /* A role that reads none of them has an empty list rather than no day at all. */
        json_object_set_new(body, key, json_array());
        return 0;
    }
    int rc = api_list_prepare(req, conn, entity, filter, sort, NULL, &lr);
    if (rc < 0)
        return rc;
    lr.query.limit = DAY_LIST_MAX;
    rc = store_record_list(conn, req->arena, entity, &lr.access, &lr.query, &page, &req->err);
    if (rc < 0)
        return rc;
    json_decref(page.last_keys);
    actor_hide_fields(api_actor(req), entity, page.data);
    json_object_set_new(body, key, page.data);
    return 0;
}

/* The occurrences of one recurring meeting within [from_ms, to_ms), its own start left out. */
static int meeting_occurrences(struct http_request *req, const json_t *meeting, const char *zone,
                               int64_t from_ms, int64_t to_ms, json_t *out)
{
    const char *rrule = json_string_value(json_object_get(meeting, "rrule"));
    const char *at = json_string_value(json_object_get(meeting, "at"));
    const char *own_zone = json_string_value(json_object_get(meeting, "time_zone"));
    int64_t start_ms, end_ms = 0, exdates[DAY_MAX_EXDATES], starts[DAY_MAX_OCCURRENCES];
    size_t n_exdates = 0, n = 0, i;
    json_t *item;
    if (rrule == NULL || at == NULL || clock_parse_datetime(at, strlen(at), &start_ms) < 0)
        return 0;
    const char *end = json_string_value(json_object_get(meeting, "end_at"));
    if (end != NULL && clock_parse_datetime(end, strlen(end), &end_ms) < 0)
        end_ms = 0;
    json_array_foreach(json_object_get(meeting, "exdates"), i, item)
    {
        const char *text = json_string_value(item);
        if (n_exdates < DAY_MAX_EXDATES && text != NULL &&
            clock_parse_datetime(text, strlen(text), &exdates[n_exdates]) == 0)
            n_exdates++;
    }
    int rc = recurrence_between(rrule, start_ms, own_zone != NULL ? own_zone : zone, exdates,
                                n_exdates, from_ms, to_ms, starts, DAY_MAX_OCCURRENCES, &n,
                                &req->err);
    for (size_t k = 0; rc == 0 && k < n; k++) {
        if (starts[k] == start_ms)
            continue;
        json_t *copy = json_deep_copy(meeting);
        json_object_set_new(copy, "at", json_string(datetime_text(req, starts[k])));
        if (end_ms > start_ms)
            json_object_set_new(copy, "end_at",
                                json_string(datetime_text(req, starts[k] + end_ms - start_ms)));
        json_object_set_new(copy, "occurrence_of", json_string(at));
        json_array_append_new(out, copy);
    }
    return rc;
}

static int by_at(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "at"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "at"));
    return strcmp(x != NULL ? x : "", y != NULL ? y : "");
}

/*
 * Adds to body.meetings the occurrences within the day of the caller's
 * recurring meetings that started before it (each a copy of the meeting
 * with at/end_at of the occurrence and occurrence_of its first start), by at.
 */
static int day_recurring_meetings(struct http_request *req, struct store_conn *conn,
                                  const char *zone, int64_t from_ms, int64_t to_ms, json_t *body)
{
    json_t *found = api_keep(req, json_object());
    int rc = day_list(req, conn, &entity_activities,
                      arena_printf(req->arena,
                                   "owner_id = me() and type = \"meeting\" and rrule is not null "
                                   "and at < \"%s\"",
                                   datetime_text(req, to_ms)),
                      "at", found, "series");
    json_t *meetings = json_object_get(body, "meetings");
    size_t i;
    json_t *meeting;
    json_array_foreach(json_object_get(found, "series"), i, meeting)
    {
        if (rc == 0)
            rc = meeting_occurrences(req, meeting, zone, from_ms, to_ms, meetings);
    }
    size_t n = json_array_size(meetings);
    if (rc < 0 || n < 2)
        return rc;
    json_t **items = arena_alloc_array(req->arena, n, sizeof(*items));
    for (i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(meetings, i));
    qsort(items, n, sizeof(*items), by_at);
    json_array_clear(meetings);
    for (i = 0; i < n; i++)
        json_array_append_new(meetings, items[i]);
    return 0;
}

static json_t *running_json(const json_t *entry)
{
    if (entry == NULL)
        return json_null();
    return json_pack("{s:O,s:O,s:O}", "id", json_object_get(entry, "id"), "task_id",
                     json_object_get(entry, "task_id"), "started_at",
                     json_object_get(entry, "started_at"));
}

int day_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct day_user me;
    json_t *running = NULL;
    int64_t date = 0, from_ms, to_ms, logged_s = 0;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = caller_user(req, conn, &me);
    if (rc == 0)
        rc = query_date(req, "date", DATE_ABSENT, &date);
    if (rc < 0)
        return rc;
    if (date == DATE_ABSENT)
        date = day_today(me.time_zone);
    day_bounds(me.time_zone, date, &from_ms, &to_ms);
    const char *from = datetime_text(req, from_ms), *to = datetime_text(req, to_ms);
    json_t *body = api_keep(
        req, json_pack("{s:s,s:s}", "date", date_text(req, date), "time_zone", me.time_zone));
    rc = day_list(
        req, conn, &entity_tasks,
        arena_printf(req->arena, "owner_id = me() and status = \"open\" and due_at < \"%s\"", from),
        "due_at", body, "overdue");
    if (rc == 0)
        rc = day_list(req, conn, &entity_tasks,
                      arena_printf(req->arena,
                                   "owner_id = me() and status != \"cancelled\" and "
                                   "due_at >= \"%s\" and due_at < \"%s\"",
                                   from, to),
                      "due_at", body, "today");
    if (rc == 0)
        rc = day_list(req, conn, &entity_activities,
                      arena_printf(req->arena,
                                   "owner_id = me() and type = \"meeting\" and at >= \"%s\" and "
                                   "at < \"%s\"",
                                   from, to),
                      "at", body, "meetings");
    if (rc == 0)
        rc = day_recurring_meetings(req, conn, me.time_zone, from_ms, to_ms, body);
    if (rc == 0)
        rc = day_list(req, conn, &entity_activities,
                      arena_printf(req->arena,
                                   "owner_id = me() and type = \"call\" and at >= \"%s\" and "
                                   "at < \"%s\"",
                                   from, to),
                      "at", body, "calls");
    if (rc == 0)
        rc = store_time_logged(conn, req->arena, me.id, from, to, &logged_s, &req->err);
    if (rc == 0)
        rc = store_time_entry_running(conn, req->arena, me.id, &running, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, running);
    json_object_set_new(body, "time_logged_s", json_integer((json_int_t)logged_s));
    json_object_set_new(body, "running_timer", running_json(running));
    return http_respond_json(res, 200, body);
}

/* ---- the timer ---- */

/* Each change of logged time goes to the audit log: the entry's task, start and seconds. */
static int audit_entry(struct http_request *req, struct store_conn *conn, const char *action,
                       int64_t id, const json_t *entry)
{
    json_t *detail = NULL;
    if (entry != NULL) {
        detail = api_keep(req, json_object());
        static const char *const keys[] = {"task_id", "started_at", "ended_at", "seconds"};
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            json_t *v = json_object_get(entry, keys[i]);
            if (v != NULL)
                json_object_set(detail, keys[i], v);
        }
        id = json_integer_value(json_object_get(entry, "id"));
    }
    return api_audit(req, conn, "record", action, "time_entries", id, NULL, detail);
}

int timer_start(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *task = NULL, *entry = NULL;
    int64_t task_id;
    int rc = api_path_id(req, &task_id);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = api_record_visible(req, conn, &entity_tasks, task_id, &task);
    if (rc == 0)
        rc = store_time_entry_start(conn, req->arena, api_actor(req)->user_id, task_id,
                                    clock_now_ms(), NULL, &entry, &req->err);
    api_keep(req, entry);
    if (rc == 0)
        rc = audit_entry(req, conn, "timer_started", 0, entry);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 201, entry);
}

int timer_stop(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *entry = NULL;
    int rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_time_entry_stop(conn, req->arena, api_actor(req)->user_id, clock_now_ms(), &entry,
                               &req->err);
    if (rc == 0 && entry == NULL)
        rc = err_set(&req->err, ERR_CONFLICT, "no timer is running");
    api_keep(req, entry);
    if (rc == 0)
        rc = audit_entry(req, conn, "timer_stopped", 0, entry);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 200, entry);
}

int timer_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *entry = NULL;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_time_entry_running(conn, req->arena, api_actor(req)->user_id, &entry, &req->err);
    if (rc < 0)
        return rc;
    if (entry == NULL) {
        http_respond_empty(res, 204);
        return 0;
    }
    api_keep(req, entry);
    return http_respond_json(res, 200, entry);
}

/* ---- time entries ---- */

/* The cursor parameter as (started_at, id); q->after_at stays NULL without one. */
static int entries_cursor(struct http_request *req, struct time_entry_query *q)
{
    const char *text = http_query(req, "cursor");
    json_t *values = NULL;
    int64_t ms;
    if (text == NULL || *text == '\0')
        return 0;
    int rc = list_cursor_decode(text, strlen(text), ENTRIES_SORT, 2, &values, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, values);
    const char *at = json_string_value(json_array_get(values, 0));
    json_int_t id = json_integer_value(json_array_get(values, 1));
    if (at == NULL || clock_parse_datetime(at, strlen(at), &ms) < 0 || id <= 0)
        return err_set(&req->err, ERR_BAD_CURSOR, "the cursor is malformed");
    q->after_at = at;
    q->after_id = id;
    return 0;
}

/* The local dates from and to (inclusive) of user as UTC bounds of q; 400 when to < from. */
static int entries_range(struct http_request *req, const struct day_user *user,
                         struct time_entry_query *q)
{
    int64_t first, last, from_ms, to_ms, unused;
    int rc = query_date(req, "from", DATE_ABSENT, &first);
    if (rc == 0)
        rc = query_date(req, "to", DATE_ABSENT, &last);
    if (rc < 0)
        return rc;
    if (first != DATE_ABSENT && last != DATE_ABSENT && last < first) {
        err_set(&req->err, ERR_BAD_REQUEST, "to must not be before from");
        return err_field(&req->err, "to", "must not be before from");
    }
    if (first != DATE_ABSENT) {
        day_bounds(user->time_zone, first, &from_ms, &unused);
        q->from = datetime_text(req, from_ms);
    }
    if (last != DATE_ABSENT) {
        day_bounds(user->time_zone, last, &unused, &to_ms);
        q->to = datetime_text(req, to_ms);
    }
    return 0;
}

int time_entries_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct day_user user;
    struct time_entry_query q = {0};
    json_t *list = NULL;
    bool more = false;
    int64_t total_s = 0;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = target_user(req, conn, "user", &user);
    if (rc == 0)
        rc = api_query_id(req, "task_id", &q.task_id);
    if (rc == 0)
        rc = api_parse_limit(req, ENTRIES_DEFAULT_LIMIT, ENTRIES_MAX_LIMIT, &q.limit);
    if (rc == 0)
        rc = entries_range(req, &user, &q);
    if (rc == 0)
        rc = entries_cursor(req, &q);
    if (rc < 0)
        return rc;
    q.user_id = user.id;
    rc = store_time_entries_list(conn, req->arena, &q, &list, &more, &total_s, &req->err);
    if (rc < 0)
        return rc;
    json_t *body =
        api_keep(req, json_pack("{s:o,s:I}", "data", list, "total_s", (json_int_t)total_s));
    json_t *next = json_null();
    json_t *last = json_array_get(list, json_array_size(list) - 1);
    if (more && last != NULL) {
        json_t *keys =
            json_pack("[O,O]", json_object_get(last, "started_at"), json_object_get(last, "id"));
        const char *cursor = list_cursor_encode(req->arena, ENTRIES_SORT, keys);
        json_decref(keys);
        if (cursor != NULL)
            next = json_string(cursor);
    }
    json_object_set_new(body, "next_cursor", next);
    return http_respond_json(res, 200, body);
}

/* A time logged by hand, checked; field errors on req->err. */
struct entry_body {
    int64_t task_id;
    int64_t started_ms;
    int64_t seconds;
    const char *note;
};

static const char *const entry_keys[] = {"task_id", "started_at", "seconds", "note"};

static int entry_body_read(struct http_request *req, struct entry_body *out)
{
    json_t *body;
    *out = (struct entry_body){0};
    int rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, entry_keys, COUNT(entry_keys));
    if (rc < 0)
        return rc;
    const json_t *task = json_object_get(body, "task_id");
    if (task != NULL)
        body_id_or_null(req, task, "task_id", &out->task_id);
    const char *started = json_string_value(json_object_get(body, "started_at"));
    if (json_object_get(body, "started_at") == NULL)
        err_field(&req->err, "started_at", "is required");
    else if (started == NULL || strlen(started) <= CLOCK_DATE_LEN ||
             clock_parse_datetime(started, strlen(started), &out->started_ms) < 0)
        err_field(&req->err, "started_at",
                  "must be a date-time with its zone, like 2026-03-10T09:00:00Z");
    else if (out->started_ms > clock_now_ms())
        err_field(&req->err, "started_at", "must not be in the future");
    const json_t *seconds = json_object_get(body, "seconds");
    if (seconds == NULL)
        err_field(&req->err, "seconds", "is required");
    else if (!json_is_integer(seconds) || json_integer_value(seconds) < 1 ||
             json_integer_value(seconds) > ENTRY_MAX_SECONDS)
        err_field(&req->err, "seconds", "must be an integer from 1 to %d", ENTRY_MAX_SECONDS);
    else
        out->seconds = json_integer_value(seconds);
    const json_t *note = json_object_get(body, "note");
    if (note != NULL && !json_is_null(note))
        out->note = body_text(req, note, "note", ENTRY_NOTE_MAX_CHARS);
    return body_failed(req) ? -req->err.code : 0;
}

int time_entries_create(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct entry_body in;
    json_t *task = NULL, *entry = NULL;
    int rc = entry_body_read(req, &in);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    if (in.task_id > 0) {
        rc = api_record_visible(req, conn, &entity_tasks, in.task_id, &task);
        if (rc == -ERR_NOT_FOUND) {
            err_clear(&req->err);
            rc = err_field(&req->err, "task_id", "no such task");
        }
    }
    if (rc == 0)
        rc = store_time_entry_insert(conn, req->arena, api_actor(req)->user_id, in.task_id,
                                     in.started_ms, in.seconds, in.note, &entry, &req->err);
    api_keep(req, entry);
    if (rc == 0)
        rc = audit_entry(req, conn, "create", 0, entry);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return http_respond_json(res, 201, entry);
}

int time_entries_delete(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int64_t id;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = store_time_entry_delete(conn, req->arena, api_actor(req)->user_id, id, &req->err);
    if (rc == 0)
        rc = audit_entry(req, conn, "delete", id, NULL);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}

/* ---- GET /reports/effectiveness ---- */

static json_t *percent_json(int64_t done, int64_t planned)
{
    int percent = effectiveness_percent(done, planned);
    return percent == EFFECTIVENESS_NONE ? json_null() : json_integer(percent);
}

static json_t *day_json(struct http_request *req, const struct effectiveness_day *day)
{
    return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o}", "date", date_text(req, day->date), "planned",
                     (json_int_t)day->planned, "done", (json_int_t)day->done, "overdue_carried",
                     (json_int_t)day->overdue_carried, "time_logged_s",
                     (json_int_t)day->time_logged_s, "time_planned_s",
                     (json_int_t)day->time_planned_s, "effectiveness",
                     percent_json(day->done, day->planned));
}

static json_t *week_json(const struct effectiveness_week *week)
{
    return json_pack("{s:s,s:I,s:I,s:o,s:I,s:I}", "week", week->label, "planned",
                     (json_int_t)week->planned, "done", (json_int_t)week->done, "effectiveness",
                     percent_json(week->done, week->planned), "time_logged_s",
                     (json_int_t)week->time_logged_s, "time_planned_s",
                     (json_int_t)week->time_planned_s);
}

/* One user's days first .. first + n_days - 1 appended to data and added to weeks. */
static int user_days(struct http_request *req, struct store_conn *conn, const struct day_user *user,
                     int64_t first, size_t n_days, struct effectiveness_week *weeks, json_t *data)
{
    struct effectiveness_day *days = arena_alloc_array(req->arena, n_days, sizeof(*days));
    struct effectiveness_input in;
    for (size_t i = 0; i < n_days; i++) {
        days[i].date = first + (int64_t)i;
        day_bounds(user->time_zone, days[i].date, &days[i].from_ms, &days[i].to_ms);
    }
    int rc = store_effectiveness_load(conn, req->arena, user->id, days[0].from_ms,
                                      days[n_days - 1].to_ms, &in, &req->err);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < n_days; i++) {
        effectiveness_day_compute(&days[i], in.tasks, in.n_tasks, in.carried_before, in.entries,
                                  in.n_entries);
        effectiveness_week_add(&weeks[effectiveness_week_index(first, days[i].date)], &days[i]);
        json_array_append_new(list, day_json(req, &days[i]));
    }
    json_array_append_new(data, json_pack("{s:I,s:s,s:s,s:o}", "user_id", (json_int_t)user->id,
                                          "user_name", user->name, "time_zone", user->time_zone,
                                          "days", list));
    return 0;
}

/*
 * The report's dates: from and to (inclusive), by default the current ISO
 * week in the caller's zone (one given: the week from or up to it); 400
 * when to is before from or the range is longer than EFFECTIVENESS_MAX_DAYS.
 */
static int report_range(struct http_request *req, const struct day_user *me, int64_t *first,
                        int64_t *last)
{
    int rc = query_date(req, "from", DATE_ABSENT, first);
    if (rc == 0)
        rc = query_date(req, "to", DATE_ABSENT, last);
    if (rc < 0)
        return rc;
    if (*first == DATE_ABSENT && *last == DATE_ABSENT) {
        int64_t today = day_today(me->time_zone);
        *first = today - effectiveness_weekday(today);
    }
    if (*first == DATE_ABSENT)
        *first = *last - 6;
    if (*last == DATE_ABSENT)
        *last = *first + 6;
    if (*last < *first) {
        err_set(&req->err, ERR_BAD_REQUEST, "to must not be before from");
        return err_field(&req->err, "to", "must not be before from");
    }
    if (*last - *first + 1 > EFFECTIVENESS_MAX_DAYS) {
        err_set(&req->err, ERR_BAD_REQUEST, "a report covers at most %d days",
                EFFECTIVENESS_MAX_DAYS);
        return err_field(&req->err, "to", "at most %d days from from", EFFECTIVENESS_MAX_DAYS);
    }
    return 0;
}

int reports_effectiveness(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct day_user me, one, *users = &one;
    size_t n_users = 1;
    int64_t team_id = 0, user_id = 0, first = 0, last = 0;
    int rc = api_query_id(req, "team", &team_id);
    if (rc == 0)
        rc = api_query_id(req, "user", &user_id);
    if (rc == 0 && team_id > 0 && user_id > 0) {
        err_set(&req->err, ERR_BAD_REQUEST, "give user or team, not both");
        rc = err_field(&req->err, "team", "give user or team, not both");
    }
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = caller_user(req, conn, &me);
    if (rc == 0)
        rc = report_range(req, &me, &first, &last);
    if (rc == 0 && team_id > 0)
        rc = team_users(req, conn, team_id, &users, &n_users);
    else if (rc == 0)
        rc = target_user(req, conn, "user", &one);
    if (rc < 0)
        return rc;

    size_t n_days = (size_t)(last - first + 1);
    size_t n_weeks = effectiveness_week_count(first, last);
    struct effectiveness_week *weeks = arena_alloc_array(req->arena, n_weeks, sizeof(*weeks));
    for (int64_t date = first; date <= last; date++) {
        struct effectiveness_week *week = &weeks[effectiveness_week_index(first, date)];
        if (week->label[0] == '\0')
            effectiveness_week_init(week, date);
    }
    json_t *data = json_array();
    json_t *body = api_keep(req, json_pack("{s:s,s:s,s:o}", "from", date_text(req, first), "to",
                                           date_text(req, last), "data", data));
    if (team_id > 0)
        json_object_set_new(body, "team_id", json_integer((json_int_t)team_id));
    for (size_t i = 0; i < n_users; i++) {
        rc = user_days(req, conn, &users[i], first, n_days, weeks, data);
        if (rc < 0)
            return rc;
    }
    json_t *weeks_json = json_array();
    for (size_t i = 0; i < n_weeks; i++)
        json_array_append_new(weeks_json, week_json(&weeks[i]));
    json_object_set_new(body, "weeks", weeks_json);
    return http_respond_json(res, 200, body);
}

/* ---- GET /reports/tasks ---- */

/* Leaves out of done_tasks the fields the caller's role hides on tasks. */
static void done_tasks_hide(struct http_request *req, json_t *done_tasks)
{
    static const char *const keys[] = {"title", "done_at", "time_spent_s"};
    const struct actor *actor = api_actor(req);
    for (size_t k = 0; k < COUNT(keys); k++) {
        if (actor_field_right(actor, &entity_tasks, keys[k]) != FIELD_RIGHT_HIDDEN)
            continue;
        size_t i;
        json_t *task;
        json_array_foreach(done_tasks, i, task) json_object_del(task, keys[k]);
    }
}

int reports_tasks(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct day_user user;
    struct task_report report;
    int64_t date = 0, first, last, from_ms, to_ms, unused;
    const char *period_text = http_query(req, "period");
    int period = period_text == NULL || *period_text == '\0'
                     ? EFFECTIVENESS_PERIOD_DAY
                     : effectiveness_period_parse(period_text);
    if (period < 0) {
        err_set(&req->err, ERR_BAD_REQUEST, "period must be day, week or month");
        return err_field(&req->err, "period", "must be day, week or month");
    }
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = target_user(req, conn, "user", &user);
    if (rc == 0)
        rc = query_date(req, "date", DATE_ABSENT, &date);
    if (rc < 0)
        return rc;
    if (date == DATE_ABSENT)
        date = day_today(user.time_zone);
    effectiveness_period_range((enum effectiveness_period)period, date, &first, &last);
    day_bounds(user.time_zone, first, &from_ms, &unused);
    day_bounds(user.time_zone, last, &unused, &to_ms);
    int64_t now_ms = clock_now_ms();
    rc = store_task_report(conn, req->arena, user.id, datetime_text(req, from_ms),
                           datetime_text(req, to_ms),
                           datetime_text(req, to_ms < now_ms ? to_ms : now_ms),
                           REPORT_DONE_TASKS_MAX, &report, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, report.done_tasks);
    done_tasks_hide(req, report.done_tasks);
    json_t *body = api_keep(
        req, json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:O}", "period",
                       effectiveness_period_name((enum effectiveness_period)period), "from",
                       date_text(req, first), "to", date_text(req, last), "time_zone",
                       user.time_zone, "user_id", (json_int_t)user.id, "created",
                       (json_int_t)report.created, "done", (json_int_t)report.done, "done_on_time",
                       (json_int_t)report.done_on_time, "overdue", (json_int_t)report.overdue,
                       "cancelled", (json_int_t)report.cancelled, "time_logged_s",
                       (json_int_t)report.time_logged_s, "done_tasks", report.done_tasks));
    return http_respond_json(res, 200, body);
}
