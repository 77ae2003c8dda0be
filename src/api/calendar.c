/*
 * The calendar: a range of a user's (or the team's) meetings, calls and
 * tasks with the occurrences of recurring ones expanded (GET /calendar);
 * one activity or task as an .ics file; the import of .ics files as
 * meetings (POST /calendar/import); and a secret feed URL that calendar
 * apps subscribe to (POST/GET/DELETE /me/calendar-feed, the public
 * GET /users/{id}/ical?token=).
 *
 * Records are read through the store with the caller's read access, so the
 * calendar shows what the lists show and nothing more; the import writes
 * through the generic record create (validation, the activity hooks, the
 * audit log) in one transaction, all or nothing.
 *
 * The feed's token is 32 random bytes shown once; calendar_feeds keeps its
 * hash. The access log writes paths without their query string, so the
 * token never reaches the logs.
 */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/role_cache.h"
#include "auth/token.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/access.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/ical.h"
#include "domain/record.h"
#include "domain/recurrence.h"
#include "domain/zone.h"
#include "query/sql.h"
#include "store/store.h"

#define MS_PER_DAY INT64_C(86400000)
#define CALENDAR_MAX_DAYS 93
#define CALENDAR_MAX_ITEMS 5000
#define CALENDAR_PAGE 500
#define CALENDAR_MAX_RECORDS 5000 /* of each query */
#define FEED_DAYS_BACK 60
#define FEED_DAYS_AHEAD 365
#define NO_END INT64_MIN

/* ---- Reading records ---- */

/* The owners' time zones met so far in a request. */
struct zone_cache {
    int64_t owner[64];
    const char *zone[64];
    size_t n;
};

/* The zone a record of owner recurs in when it names none: the owner's, else UTC. */
static int owner_zone(struct http_request *req, struct store_conn *conn, struct zone_cache *cache,
                      int64_t owner, const char **zone)
{
    for (size_t i = 0; i < cache->n; i++) {
        if (cache->owner[i] == owner) {
            *zone = cache->zone[i];
            return 0;
        }
    }
    *zone = "UTC";
    if (owner <= 0)
        return 0;
    int rc = store_user_time_zone(conn, req->arena, owner, zone, &req->err);
    if (rc < 0)
        return rc;
    if (*zone == NULL || !zone_valid(*zone))
        *zone = "UTC";
    if (cache->n < sizeof(cache->owner) / sizeof(cache->owner[0])) {
        cache->owner[cache->n] = owner;
        cache->zone[cache->n++] = *zone;
    }
    return 0;
}

/* Whose records a calendar shows: the owner's (owner > 0), or the team's. */
struct calendar_scope {
    int64_t owner;
    bool team;
};

/*
 * Appends to out the records of entity matching filter (text of the filter
 * language, without the owner condition, which is added here) within the
 * caller's read access, at most CALENDAR_MAX_RECORDS, with the fields the
 * caller's role hides left out. *truncated is set when there were more.
 */
static int calendar_records(struct http_request *req, struct store_conn *conn,
                            const struct entity *entity, const struct calendar_scope *scope,
                            const char *filter, const char *sort, json_t *out, bool *truncated)
{
    struct list_request lr;
    const char *full = scope->owner > 0 ? arena_printf(req->arena, "(%s) and owner_id = %lld",
                                                       filter, (long long)scope->owner)
                                        : filter;
    int rc = api_list_prepare(req, conn, entity, full, sort, NULL, &lr);
    if (rc < 0)
        return rc;
    if (scope->team && lr.access.scope == SCOPE_ALL)
        lr.access.scope = SCOPE_TEAM;
    lr.query.limit = CALENDAR_PAGE;
    for (;;) {
        struct list_page page;
        rc = store_record_list(conn, req->arena, entity, &lr.access, &lr.query, &page, &req->err);
        if (rc < 0)
            return rc;
        api_keep(req, page.data);
        actor_hide_fields(api_actor(req), entity, page.data);
        json_array_extend(out, page.data);
        if (page.last_keys == NULL)
            return 0;
        lr.query.after = api_keep(req, page.last_keys);
        if (json_array_size(out) >= CALENDAR_MAX_RECORDS) {
            *truncated = true;
            return 0;
        }
    }
}

static int64_t int_of(const json_t *record, const char *key)
{
    return json_integer_value(json_object_get(record, key));
}

static const char *text_of(const json_t *record, const char *key)
{
    const char *s = json_string_value(json_object_get(record, key));
    return s != NULL && *s != '\0' ? s : NULL;
}

static bool time_of(const json_t *record, const char *key, int64_t *ms)
{
    const char *s = text_of(record, key);
    return s != NULL && clock_parse_datetime(s, strlen(s), ms) == 0;
}

static const char *iso_of(struct http_request *req, int64_t ms)
{
    char *out = arena_alloc(req->arena, CLOCK_DATETIME_LEN + 1);
    clock_format_datetime(ms, out);
    return out;
}

/* A filter literal: the text in double quotes, its quotes and backslashes escaped. */
static const char *quoted(struct http_request *req, const char *text)
{
    size_t len = strlen(text), n = 0;
    char *out = arena_alloc(req->arena, 2 * len + 3);
    out[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '"' || text[i] == '\\')
            out[n++] = '\\';
        out[n++] = text[i];
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}

/* ---- GET /calendar ---- */

struct calendar_item {
    int64_t start;
    int64_t end; /* NO_END: none */
    const char *kind;
    const struct entity *entity;
    int64_t id;
    const char *title;
    bool all_day;
    int64_t owner_id;
    bool recurring;
    bool expanded;
};

struct calendar_items {
    struct calendar_item *items;
    size_t n, cap;
    bool truncated;
};

static struct calendar_item *items_add(struct http_request *req, struct calendar_items *list)
{
    if (list->n == CALENDAR_MAX_ITEMS) {
        list->truncated = true;
        return NULL;
    }
    if (list->n == list->cap) {
        size_t grown = list->cap != 0 ? list->cap * 2 : 64;
        list->items = arena_grow(req->arena, list->items, list->cap * sizeof(*list->items),
                                 grown * sizeof(*list->items));
        list->cap = grown;
    }
    struct calendar_item *item = &list->items[list->n++];
    *item = (struct calendar_item){0};
    return item;
}

static const char *activity_title(const json_t *record)
{
    const char *subject = text_of(record, "subject");
    const char *type = text_of(record, "type");
    if (subject != NULL)
        return subject;
    return type != NULL && strcmp(type, "call") == 0 ? "Call" : "Meeting";
}

/* The span of an activity: its end, or its start plus its duration; NO_END when it has neither. */
static int64_t activity_length(const json_t *record, int64_t at)
{
    int64_t end;
    const json_t *duration = json_object_get(record, "duration_s");
    if (time_of(record, "end_at", &end) && end >= at)
        return end - at;
    if (json_is_integer(duration) && json_integer_value(duration) >= 0)
        return json_integer_value(duration) * 1000;
    return NO_END;
}

/* The exdates of a record as milliseconds (in the arena). */
static int64_t *exdates_of(struct http_request *req, const json_t *record, size_t *n)
{
    const json_t *list = json_object_get(record, "exdates");
    int64_t *out = arena_alloc_array(req->arena, json_array_size(list) + 1, sizeof(int64_t));
    size_t i;
    const json_t *item;
    *n = 0;
    json_array_foreach(list, i, item)
    {
        const char *s = json_string_value(item);
        if (s != NULL && clock_parse_datetime(s, strlen(s), &out[*n]) == 0)
            (*n)++;
    }
    return out;
}

/* A one-off activity as an item. */
static void calendar_activity(struct http_request *req, struct calendar_items *list,
                              const json_t *record)
{
    int64_t at;
    struct calendar_item *item;
    if (!time_of(record, "at", &at) || (item = items_add(req, list)) == NULL)
        return;
    int64_t length = activity_length(record, at);
    *item = (struct calendar_item){
        .start = at,
        .end = length == NO_END ? NO_END : at + length,
        .kind = text_of(record, "type"),
        .entity = &entity_activities,
        .id = int_of(record, "id"),
        .title = activity_title(record),
        .all_day = json_is_true(json_object_get(record, "all_day")),
        .owner_id = int_of(record, "owner_id"),
    };
}

/*
 * The occurrences of a series within [from, to): those that start in it,
 * and those that started before it and still run (length > 0). first_after
 * (> start) leaves out the occurrences before it.
 */
static int calendar_expand(struct http_request *req, struct calendar_items *list,
                           const struct calendar_item *proto, const char *rrule, int64_t start,
                           const char *zone, const int64_t *exdates, size_t n_exdates, int64_t from,
                           int64_t to, int64_t first_after)
{
    int64_t length = proto->end == NO_END ? 0 : proto->end - proto->start;
    int64_t lo = from - length;
    if (lo < first_after)
        lo = first_after;
    size_t room = CALENDAR_MAX_ITEMS - list->n;
    if (room == 0) {
        list->truncated = true;
        return 0;
    }
    int64_t *found = arena_alloc_array(req->arena, room, sizeof(int64_t));
    size_t n = 0;
    struct err rule_err;
    err_clear(&rule_err);
    /* A rule or zone the server cannot expand shows the first time only (it was stored before). */
    if (recurrence_between(rrule, start, zone, exdates, n_exdates, lo, to, found, room, &n,
                           &rule_err) < 0) {
        if (start >= lo && start < to && (start + length > from || start >= from)) {
            found[0] = start;
            n = 1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (found[i] < from && found[i] + length <= from)
            continue;
        struct calendar_item *item = items_add(req, list);
        if (item == NULL)
            return 0;
        *item = *proto;
        item->start = found[i];
        item->end = proto->end == NO_END ? NO_END : found[i] + length;
        item->recurring = true;
        item->expanded = true;
    }
    return 0;
}

static int calendar_series(struct http_request *req, struct store_conn *conn,
                           struct zone_cache *zones, struct calendar_items *list,
                           const json_t *record, int64_t from, int64_t to)
{
    int64_t at;
    if (!time_of(record, "at", &at))
        return 0;
    bool all_day = json_is_true(json_object_get(record, "all_day"));
    const char *zone = text_of(record, "time_zone");
    int rc = 0;
    if (all_day)
        zone = "UTC"; /* whole days are UTC midnights: they recur as dates */
    else if (zone == NULL || !zone_valid(zone))
        rc = owner_zone(req, conn, zones, int_of(record, "owner_id"), &zone);
    if (rc < 0)
        return rc;
    int64_t length = activity_length(record, at);
    struct calendar_item proto = {
        .start = at,
        .end = length == NO_END ? NO_END : at + length,
        .kind = text_of(record, "type"),
        .entity = &entity_activities,
        .id = int_of(record, "id"),
        .title = activity_title(record),
        .all_day = all_day,
        .owner_id = int_of(record, "owner_id"),
    };
    size_t n_exdates = 0;
    int64_t *exdates = exdates_of(req, record, &n_exdates);
    return calendar_expand(req, list, &proto, text_of(record, "rrule"), at, zone, exdates,
                           n_exdates, from, to, at);
}

static struct calendar_item task_item(const json_t *record, int64_t due)
{
    const char *title = text_of(record, "title");
    return (struct calendar_item){
        .start = due,
        .end = NO_END,
        .kind = "task",
        .entity = &entity_tasks,
        .id = int_of(record, "id"),
        .title = title != NULL ? title : "Task",
        .owner_id = int_of(record, "owner_id"),
        .recurring = text_of(record, "rrule") != NULL,
    };
}

/*
 * Of the open recurring tasks read in series order (series_id, due_at,
 * id), the latest instance of each series: the last one of its series.
 * Its successors are not made yet.
 */
static bool task_is_latest(const json_t *tasks, size_t index)
{
    int64_t series = int_of(json_array_get(tasks, index), "series_id");
    const json_t *next = json_array_get(tasks, index + 1);
    return series <= 0 || next == NULL || int_of(next, "series_id") != series;
}

/* Tasks: every instance due in the range; each series expanded beyond its latest instance. */
static int calendar_tasks(struct http_request *req, struct store_conn *conn,
                          struct zone_cache *zones, const struct calendar_scope *scope,
                          struct calendar_items *list, int64_t from, int64_t to)
{
    json_t *due = api_keep(req, json_array());
    json_t *series = api_keep(req, json_array());
    const char *lo = quoted(req, iso_of(req, from)), *hi = quoted(req, iso_of(req, to));
    int rc = calendar_records(req, conn, &entity_tasks, scope,
                              arena_printf(req->arena,
                                           "due_at >= %s and due_at < %s and status != "
                                           "\"cancelled\"",
                                           lo, hi),
                              "due_at", due, &list->truncated);
    if (rc == 0)
        rc = calendar_records(req, conn, &entity_tasks, scope,
                              arena_printf(req->arena,
                                           "rrule is not null and status = \"open\" and due_at "
                                           "< %s",
                                           hi),
                              "series_id,due_at", series, &list->truncated);
    if (rc < 0)
        return rc;
    size_t i;
    const json_t *task;
    json_array_foreach(due, i, task)
    {
        int64_t at;
        struct calendar_item *item;
        if (time_of(task, "due_at", &at) && (item = items_add(req, list)) != NULL)
            *item = task_item(task, at);
    }
    json_array_foreach(series, i, task)
    {
        int64_t at, start;
        const char *zone;
        if (!task_is_latest(series, i) || !time_of(task, "due_at", &at))
            continue;
        if (!time_of(task, "recurrence_start", &start))
            start = at;
        rc = owner_zone(req, conn, zones, int_of(task, "owner_id"), &zone);
        if (rc < 0)
            return rc;
        struct calendar_item proto = task_item(task, at);
        rc = calendar_expand(req, list, &proto, text_of(task, "rrule"), start, zone, NULL, 0, from,
                             to, at + 1);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int calendar_activities(struct http_request *req, struct store_conn *conn,
                               struct zone_cache *zones, const struct calendar_scope *scope,
                               struct calendar_items *list, int64_t from, int64_t to)
{
    json_t *once = api_keep(req, json_array());
    json_t *series = api_keep(req, json_array());
    const char *lo = quoted(req, iso_of(req, from)), *hi = quoted(req, iso_of(req, to));
    int rc = calendar_records(
        req, conn, &entity_activities, scope,
        arena_printf(req->arena,
                     "type in (\"meeting\", \"call\") and rrule is null and at < %s and "
                     "(at >= %s or end_at > %s)",
                     hi, lo, lo),
        "at", once, &list->truncated);
    if (rc == 0)
        rc = calendar_records(req, conn, &entity_activities, scope,
                              arena_printf(req->arena,
                                           "type in (\"meeting\", \"call\") and rrule is not "
                                           "null and at < %s",
                                           hi),
                              "at", series, &list->truncated);
    if (rc < 0)
        return rc;
    size_t i;
    const json_t *record;
    json_array_foreach(once, i, record)
    {
        calendar_activity(req, list, record);
    }
    json_array_foreach(series, i, record)
    {
        rc = calendar_series(req, conn, zones, list, record, from, to);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int item_compare(const void *a, const void *b)
{
    const struct calendar_item *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    int by_entity = strcmp(x->entity->name, y->entity->name);
    if (by_entity != 0)
        return by_entity;
    return x->id < y->id ? -1 : x->id > y->id;
}

static json_t *item_json(struct http_request *req, const struct calendar_item *item)
{
    return json_pack(
        "{s:s,s:s,s:I,s:s,s:s,s:o,s:b,s:I,s:b,s:o}", "kind",
        item->kind != NULL ? item->kind : "meeting", "entity", item->entity->name, "id",
        (json_int_t)item->id, "title", item->title, "start", iso_of(req, item->start), "end",
        item->end == NO_END ? json_null() : json_string(iso_of(req, item->end)), "all_day",
        item->all_day, "owner_id", (json_int_t)item->owner_id, "recurring", item->recurring,
        "occurrence", item->expanded ? json_string(iso_of(req, item->start)) : json_null());
}

/* A datetime query parameter with its zone; 400 naming it otherwise. */
static int query_time(struct http_request *req, const char *name, int64_t *ms)
{
    const char *value = http_query(req, name);
    if (value != NULL && clock_parse_datetime(value, strlen(value), ms) == 0)
        return 0;
    err_set(&req->err, ERR_BAD_REQUEST, "%s: a UTC time is needed, like 2026-03-01T00:00:00Z",
            name);
    return err_field(&req->err, name,
                     value == NULL ? "is required"
                                   : "must be an ISO 8601 time with Z or an offset (a time "
                                     "without a zone is refused)");
}

/*
 * Whose calendar: user=<id> (someone the caller may see records of: 404
 * otherwise), user=team (the caller's team), or by default the caller's.
 */
static int calendar_whose(struct http_request *req, struct store_conn *conn,
                          struct calendar_scope *scope)
{
    const struct actor *actor = api_actor(req);
    const char *user = http_query(req, "user");
    *scope = (struct calendar_scope){.owner = actor->user_id};
    if (user == NULL || *user == '\0' || strcmp(user, "me") == 0)
        return 0;
    if (strcmp(user, "team") == 0) {
        *scope = (struct calendar_scope){.team = true};
        return 0;
    }
    int64_t id = 0;
    struct auth_user found;
    if (str_to_int64(str_from_cstr(user), &id) < 0 || id <= 0) {
        err_set(&req->err, ERR_BAD_REQUEST, "user: a user id, \"team\" or \"me\"");
        return err_field(&req->err, "user", "must be a user id, \"team\" or \"me\"");
    }
    int rc = store_user_find_by_id(conn, req->arena, id, &found, &req->err);
    if (rc == -ERR_NOT_FOUND)
        return err_set(&req->err, ERR_NOT_FOUND, "no user with id %lld", (long long)id);
    if (rc < 0)
        return rc;
    struct access a = actor_access(actor, &entity_activities, ACCESS_READ);
    struct access t = actor_access(actor, &entity_tasks, ACCESS_READ);
    if (!access_allows_owner(&a, id, found.team_id) && !access_allows_owner(&t, id, found.team_id))
        return err_set(&req->err, ERR_NOT_FOUND, "no user with id %lld", (long long)id);
    scope->owner = id;
    return 0;
}

int calendar_get(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    struct calendar_items list = {0};
    struct zone_cache zones = {.n = 0};
    struct calendar_scope scope;
    struct store_conn *conn;
    int64_t from = 0, to = 0;
    int rc = query_time(req, "from", &from);
    if (rc == 0)
        rc = query_time(req, "to", &to);
    if (rc == 0 && to <= from) {
        err_set(&req->err, ERR_BAD_REQUEST, "to must be after from");
        rc = err_field(&req->err, "to", "must be after from");
    } else if (rc == 0 && to - from > CALENDAR_MAX_DAYS * MS_PER_DAY) {
        err_set(&req->err, ERR_BAD_REQUEST, "the range is longer than %d days", CALENDAR_MAX_DAYS);
        rc = err_field(&req->err, "to", "must be at most %d days after from", CALENDAR_MAX_DAYS);
    }
    bool activities = actor_scope(actor, &entity_activities, ACCESS_READ) != SCOPE_NONE;
    bool tasks = actor_scope(actor, &entity_tasks, ACCESS_READ) != SCOPE_NONE;
    if (rc == 0 && !activities && !tasks)
        rc = err_set(&req->err, ERR_FORBIDDEN, "your role may read neither activities nor tasks");
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = calendar_whose(req, conn, &scope);
    if (rc == 0 && activities)
        rc = calendar_activities(req, conn, &zones, &scope, &list, from, to);
    if (rc == 0 && tasks)
        rc = calendar_tasks(req, conn, &zones, &scope, &list, from, to);
    if (rc < 0)
        return rc;
    qsort(list.items, list.n, sizeof(*list.items), item_compare);
    json_t *data = json_array();
    for (size_t i = 0; i < list.n; i++)
        json_array_append_new(data, item_json(req, &list.items[i]));
    json_t *body =
        api_keep(req, json_pack("{s:o,s:s,s:s,s:b}", "data", data, "from", iso_of(req, from), "to",
                                iso_of(req, to), "truncated", list.truncated));
    return http_respond_json(res, 200, body);
}

/* ---- One record as .ics ---- */

static int respond_calendar(struct http_request *req, struct http_response *res,
                            const struct ical_source *sources, size_t n, const char *name,
                            const char *file_name)
{
    char *text = NULL;
    size_t len = 0;
    int rc = ical_export(req->arena, sources, n, name, &text, &len, &req->err);
    if (rc < 0)
        return rc;
    if (file_name != NULL)
        http_response_header(res, "Content-Disposition",
                             arena_printf(req->arena, "attachment; filename=\"%s\"", file_name));
    http_response_header(res, "Cache-Control", "private, no-store");
    if (http_respond_bytes(res, 200, "text/calendar; charset=utf-8", text, len) < 0)
        return err_set(&req->err, ERR_TOO_LARGE, "the calendar is too large to send");
    return 0;
}

static int record_ics(struct http_request *req, struct http_response *res,
                      const struct entity *entity)
{
    struct store_conn *conn;
    struct zone_cache zones = {.n = 0};
    json_t *record = NULL;
    const char *zone = NULL;
    int64_t id;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = api_record_visible(req, conn, entity, id, &record);
    if (rc == 0)
        rc = owner_zone(req, conn, &zones, int_of(record, "owner_id"), &zone);
    if (rc < 0)
        return rc;
    json_t *shown = api_keep(req, json_deep_copy(record));
    actor_hide_fields(api_actor(req), entity, shown);
    struct ical_source src = {entity->name, shown, zone, false};
    return respond_calendar(
        req, res, &src, 1, NULL,
        arena_printf(req->arena, "%s-%lld.ics", entity->singular, (long long)id));
}

int calendar_activity_ics(struct http_request *req, struct http_response *res)
{
    return record_ics(req, res, &entity_activities);
}

int calendar_task_ics(struct http_request *req, struct http_response *res)
{
    return record_ics(req, res, &entity_tasks);
}

/* ---- POST /calendar/import ---- */

/* The body must be sent as text/calendar (or text/plain), UTF-8 when a charset is named. */
static int import_check_type(struct http_request *req)
{
    static const char *const types[] = {"text/calendar", "text/plain", NULL};
    return api_text_body_type(req, types, "send the .ics file as Content-Type: text/calendar");
}

/* The activity an event becomes (or the changes to the one with its UID). */
static json_t *import_body(struct http_request *req, const struct ical_event *ev, bool create)
{
    json_t *exdates = json_array();
    for (size_t i = 0; i < ev->n_exdates && ev->rrule != NULL; i++)
        json_array_append_new(exdates, json_string(iso_of(req, ev->exdates[i])));
    json_t *body =
        json_pack("{s:s?,s:s?,s:s?,s:s,s:o,s:b,s:s?,s:o,s:s?}", "subject", ev->summary, "body",
                  ev->description, "place", ev->location, "at", iso_of(req, ev->start_ms), "end_at",
                  ev->end_ms > ev->start_ms ? json_string(iso_of(req, ev->end_ms)) : json_null(),
                  "all_day", ev->all_day, "rrule", ev->rrule, "exdates", exdates, "time_zone",
                  ev->rrule != NULL ? ev->time_zone : NULL);
    if (!create)
        return body;
    json_object_set_new(body, "type", json_string("meeting"));
    if (ev->uid != NULL)
        json_object_set_new(body, "ical_uid", json_string(ev->uid));
    return body;
}

/* The caller's live activity imported with this UID; 0 when none. */
static int import_find(struct http_request *req, struct store_conn *conn, const char *uid,
                       int64_t *id)
{
    struct list_request lr;
    struct list_page page;
    *id = 0;
    if (uid == NULL)
        return 0;
    const char *filter =
        arena_printf(req->arena, "ical_uid = %s and owner_id = me()", quoted(req, uid));
    int rc = api_list_prepare(req, conn, &entity_activities, filter, "id", NULL, &lr);
    if (rc < 0)
        return rc;
    lr.query.limit = 1;
    rc = store_record_list(conn, req->arena, &entity_activities, &lr.access, &lr.query, &page,
                           &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, page.data);
    if (page.last_keys != NULL)
        json_decref(page.last_keys);
    *id = int_of(json_array_get(page.data, 0), "id");
    return 0;
}

/*
 * Updates the activity id with body as PATCH /activities/{id} does in the
 * caller's transaction: the caller's update access, writable fields,
 * validation, the activity hooks, the audit entry.
 */
static int import_update(struct http_request *req, struct store_conn *conn, int64_t id,
                         json_t *body)
{
    json_t *record = NULL;
    return api_record_update(req, conn, &entity_activities, id, body, -1, &record);
}

/* Names the event in a refusal: "line 25: ..." and fields "events[3].subject". */
static void import_blame(struct http_request *req, size_t index, const struct ical_event *ev)
{
    struct err *err = &req->err;
    char detail[sizeof(err->detail)];
    snprintf(detail, sizeof(detail), "line %zu: %.200s", ev->line, err->detail);
    memcpy(err->detail, detail, sizeof(err->detail));
    for (size_t i = 0; i < err->n_fields && i < ERR_MAX_FIELDS; i++) {
        char field[sizeof(err->fields[i].field) + 32];
        size_t room = sizeof(err->fields[i].field) - 1;
        snprintf(field, sizeof(field), "events[%zu].%s", index, err->fields[i].field);
        size_t len = strlen(field) < room ? strlen(field) : room;
        memcpy(err->fields[i].field, field, len);
        err->fields[i].field[len] = '\0';
    }
}

int calendar_import(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    struct access access = actor_access(actor, &entity_activities, ACCESS_CREATE);
    struct ical_import im;
    struct store_conn *conn;
    const char *zone = "UTC";
    size_t imported = 0, updated = 0;
    int rc = import_check_type(req);
    if (rc == 0 && access.scope == SCOPE_NONE)
        rc = err_set(&req->err, ERR_FORBIDDEN, "your role may not create activities");
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_user_time_zone(conn, req->arena, actor->user_id, &zone, &req->err);
    if (rc == 0)
        rc = ical_import_parse(req->arena, req->body != NULL ? req->body : "", req->body_len, zone,
                               &im, &req->err);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    json_t *ids = api_keep(req, json_array());
    for (size_t i = 0; i < im.n_events && rc == 0; i++) {
        const struct ical_event *ev = &im.events[i];
        int64_t id = 0;
        json_t *record = NULL;
        rc = import_find(req, conn, ev->uid, &id);
        if (rc == 0 && id > 0) {
            rc = import_update(req, conn, id, api_keep(req, import_body(req, ev, false)));
            updated++;
        } else if (rc == 0) {
            rc = api_record_create(req, conn, &entity_activities, &access,
                                   api_keep(req, import_body(req, ev, true)), actor->user_id, NULL,
                                   &record);
            id = int_of(record, "id");
            imported++;
        }
        if (rc < 0)
            import_blame(req, i, ev);
        json_array_append_new(ids, json_integer(id));
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    json_t *warnings = json_array();
    for (size_t i = 0; i < im.n_warnings; i++) {
        const struct ical_warning *w = &im.warnings[i];
        json_array_append_new(
            warnings, json_pack("{s:o,s:s?,s:s}", "line",
                                w->line > 0 ? json_integer((json_int_t)w->line) : json_null(),
                                "uid", w->uid, "message", w->message));
    }
    json_t *body =
        api_keep(req, json_pack("{s:I,s:I,s:O,s:o}", "imported", (json_int_t)imported, "updated",
                                (json_int_t)updated, "activity_ids", ids, "warnings", warnings));
    return http_respond_json(res, 200, body);
}

/* ---- The feed: /me/calendar-feed and /users/{id}/ical ---- */

/* The stored hash and creation time of a user's feed token; *found false when none. */
static int feed_read(struct http_request *req, struct store_conn *conn, int64_t user_id,
                     const char **hash, const char **created_at, bool *found)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, req->arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"token_hash\", \"created_at\" FROM \"calendar_feeds\" WHERE "
                  "\"user_id\" = ");
    sql_param_int(&sql, user_id);
    int rc = store_query(conn, req->arena, &sql, &rows, &req->err);
    *found = rc == 0 && rows.n_rows == 1;
    if (*found) {
        *hash = store_rows_at(&rows, 0, 0)->text;
        *created_at = store_rows_at(&rows, 0, 1)->text;
    }
    return rc;
}

static int feed_delete(struct http_request *req, struct store_conn *conn, int64_t user_id)
{
    struct sql_builder sql;
    sql_init(&sql, req->arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"calendar_feeds\" WHERE \"user_id\" = ");
    sql_param_int(&sql, user_id);
    return store_query(conn, req->arena, &sql, NULL, &req->err);
}

static int feed_insert(struct http_request *req, struct store_conn *conn, int64_t user_id,
                       const char *hash, const char *created_at)
{
    struct sql_builder sql;
    sql_init(&sql, req->arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"calendar_feeds\" (\"user_id\", \"token_hash\", \"created_at\") "
                  "VALUES (");
    sql_param_int(&sql, user_id);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, hash);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, created_at);
    sql_add(&sql, ")");
    return store_query(conn, req->arena, &sql, NULL, &req->err);
}

/* The address the client reached: scheme and Host, when the Host header looks like one. */
static const char *feed_origin(struct http_request *req)
{
    const char *host = http_header(req, "Host");
    if (host == NULL || *host == '\0' || strlen(host) > 255)
        return "";
    for (const char *p = host; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
        if (!ok)
            return "";
    }
    return arena_printf(req->arena, "%s://%s", api_request_is_tls(req) ? "https" : "http", host);
}

int calendar_feed_create(struct http_request *req, struct http_response *res)
{
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    char token[TOKEN_TEXT_MAX], hash[TOKEN_HASH_HEX_BYTES], now[CLOCK_DATETIME_LEN + 1];
    bool replaced = false;
    const char *old_hash, *old_created;
    token_generate("", token, sizeof(token));
    token_hash(token, strlen(token), hash);
    clock_format_datetime(clock_now_ms(), now);
    int rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = feed_read(req, conn, actor->user_id, &old_hash, &old_created, &replaced);
    if (rc == 0)
        rc = feed_delete(req, conn, actor->user_id);
    if (rc == 0)
        rc = feed_insert(req, conn, actor->user_id, hash, now);
    if (rc == 0)
        rc = api_audit_security(
            req, conn, replaced ? "calendar_feed_replaced" : "calendar_feed_created", 0, NULL);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    const char *url = arena_printf(req->arena, "%s/api/v1/users/%lld/ical?token=%s",
                                   feed_origin(req), (long long)actor->user_id, token);
    json_t *body = api_keep(req, json_pack("{s:s,s:s,s:b,s:s}", "url", url, "token", token,
                                           "active", 1, "created_at", now));
    http_response_header(res, "Cache-Control", "no-store");
    return http_respond_json(res, 201, body);
}

int calendar_feed_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    const char *hash = NULL, *created_at = NULL;
    bool found = false;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = feed_read(req, conn, api_actor(req)->user_id, &hash, &created_at, &found);
    if (rc < 0)
        return rc;
    json_t *body = api_keep(
        req, json_pack("{s:b,s:s?}", "active", found, "created_at", found ? created_at : NULL));
    return http_respond_json(res, 200, body);
}

int calendar_feed_delete(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    const char *hash = NULL, *created_at = NULL;
    bool found = false;
    int64_t user_id = api_actor(req)->user_id;
    int rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = feed_read(req, conn, user_id, &hash, &created_at, &found);
    if (rc == 0 && found)
        rc = feed_delete(req, conn, user_id);
    if (rc == 0 && found)
        rc = api_audit_security(req, conn, "calendar_feed_revoked", 0, NULL);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}

/* Signs the request in as the feed's owner, reading only (their role's read rights). */
static int feed_sign_in(struct http_request *req, const struct auth_user *user)
{
    return api_act_as(req, user, TOKEN_SCOPE_READ);
}

/* Whether a recurring activity has an occurrence in [from, to). */
static bool feed_series_shows(struct http_request *req, struct store_conn *conn,
                              struct zone_cache *zones, const json_t *record, int64_t from,
                              int64_t to)
{
    int64_t at, found = 0;
    size_t n = 0, n_exdates = 0;
    const char *zone = text_of(record, "time_zone");
    struct err ignored;
    if (!time_of(record, "at", &at))
        return false;
    if (json_is_true(json_object_get(record, "all_day")))
        zone = "UTC";
    else if ((zone == NULL || !zone_valid(zone)) &&
             owner_zone(req, conn, zones, int_of(record, "owner_id"), &zone) < 0)
        return true;
    int64_t *exdates = exdates_of(req, record, &n_exdates);
    err_clear(&ignored);
    return recurrence_between(text_of(record, "rrule"), at, zone, exdates, n_exdates, from, to,
                              &found, 1, &n, &ignored) < 0 ||
           n > 0;
}

/* The feed's events: the owner's meetings, calls and tasks from 60 days back to a year ahead. */
static int feed_sources(struct http_request *req, struct store_conn *conn, int64_t user_id,
                        struct ical_source **out, size_t *n_out, bool *truncated)
{
    struct calendar_scope scope = {.owner = user_id};
    struct zone_cache zones = {.n = 0};
    const struct actor *actor = api_actor(req);
    int64_t now = clock_now_ms();
    int64_t from = now - FEED_DAYS_BACK * MS_PER_DAY, to = now + FEED_DAYS_AHEAD * MS_PER_DAY;
    const char *lo = quoted(req, iso_of(req, from)), *hi = quoted(req, iso_of(req, to));
    json_t *activities = api_keep(req, json_array()), *tasks = api_keep(req, json_array());
    const char *zone = "UTC";
    int rc = owner_zone(req, conn, &zones, user_id, &zone);
    if (rc == 0 && actor_scope(actor, &entity_activities, ACCESS_READ) != SCOPE_NONE)
        rc = calendar_records(
            req, conn, &entity_activities, &scope,
            arena_printf(req->arena,
                         "type in (\"meeting\", \"call\") and at < %s and (at >= %s or rrule is "
                         "not null)",
                         hi, lo),
            "at", activities, truncated);
    if (rc == 0 && actor_scope(actor, &entity_tasks, ACCESS_READ) != SCOPE_NONE)
        rc = calendar_records(req, conn, &entity_tasks, &scope,
                              arena_printf(req->arena,
                                           "due_at >= %s and due_at < %s and status != "
                                           "\"cancelled\" and (rrule is null or status = "
                                           "\"open\")",
                                           lo, hi),
                              "due_at", tasks, truncated);
    if (rc < 0)
        return rc;
    size_t cap = json_array_size(activities) + json_array_size(tasks) + 1, n = 0, i;
    struct ical_source *sources = arena_alloc_array(req->arena, cap, sizeof(*sources));
    const json_t *record;
    json_array_foreach(activities, i, record)
    {
        if (text_of(record, "rrule") != NULL &&
            !feed_series_shows(req, conn, &zones, record, from, to))
            continue;
        sources[n++] = (struct ical_source){"activities", record, zone, false};
    }
    json_array_foreach(tasks, i, record)
    {
        /* A series is written once, with its rule, by its latest instance. */
        if (text_of(record, "rrule") != NULL && !task_is_latest(tasks, i))
            continue;
        sources[n++] = (struct ical_source){"tasks", record, zone, true};
    }
    *out = sources;
    *n_out = n;
    return 0;
}

int calendar_feed_ical(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct auth_user user;
    struct ical_source *sources = NULL;
    const char *stored = NULL, *created_at = NULL;
    const char *token = http_query(req, "token");
    char hash[TOKEN_HASH_HEX_BYTES];
    bool found = false, truncated = false;
    size_t n = 0;
    int64_t id = 0;
    int rc = api_path_id(req, &id);
    if (rc == 0 && (token == NULL || !token_well_formed(token, TOKEN_TEXT_MAX)))
        rc = err_set(&req->err, ERR_NOT_FOUND, "no such calendar");
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = feed_read(req, conn, id, &stored, &created_at, &found);
    if (rc < 0)
        return rc;
    token_hash(token, strlen(token), hash);
    if (!found || !token_equal(stored, hash))
        return err_set(&req->err, ERR_NOT_FOUND, "no such calendar");
    rc = store_user_find_by_id(conn, req->arena, id, &user, &req->err);
    if (rc == 0 && user.disabled)
        rc = err_set(&req->err, ERR_NOT_FOUND, "no such calendar");
    if (rc == 0)
        rc = feed_sign_in(req, &user);
    if (rc == 0)
        rc = feed_sources(req, conn, id, &sources, &n, &truncated);
    if (rc < 0)
        return rc;
    /* The URL is the secret: no referrer carries it, no search engine keeps it. */
    http_response_header(res, "Referrer-Policy", "no-referrer");
    http_response_header(res, "X-Robots-Tag", "noindex");
    return respond_calendar(req, res, sources, n,
                            arena_printf(req->arena, "CRM: %s", user.name ? user.name : ""), NULL);
}
