/*
 * What activities and tasks add to the generic record writes: an activity
 * or task logged on a contact or a deal also names its company (so the
 * company's timeline shows it); a recurring meeting keeps the time zone it
 * recurs in; a task keeps when it was done, forgets a reminder already
 * given when its time moves, starts a series when it recurs, has its
 * successor made when it is closed, and tells its new assignee.
 */
#include "api/api.h"

#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/entity.h"
#include "domain/recurrence.h"
#include "domain/zone.h"
#include "store/notifications.h"
#include "store/tasks.h"

static bool changed(const json_t *changes, const char *key)
{
    return json_object_get(changes, key) != NULL;
}

static int64_t id_of(const json_t *record, const char *key)
{
    return json_integer_value(json_object_get(record, key));
}

/*
 * A contact or deal named without a company brings its company: the
 * contact's first, the deal's own. Records the caller may not read give
 * nothing.
 */
static int complete_company(struct http_request *req, struct store_conn *conn, json_t *changes,
                            json_t *merged)
{
    if (id_of(merged, "company_id") > 0 || changed(changes, "company_id"))
        return 0;
    const struct entity *from = NULL;
    const char *key = NULL;
    if (changed(changes, "contact_id") && id_of(merged, "contact_id") > 0) {
        from = &entity_contacts;
        key = "contact_id";
    } else if (changed(changes, "deal_id") && id_of(merged, "deal_id") > 0) {
        from = &entity_deals;
        key = "deal_id";
    } else {
        return 0;
    }
    struct access read = actor_access(api_actor(req), from, ACCESS_READ);
    json_t *linked = NULL;
    int rc = store_record_get(conn, req->arena, from, &read, id_of(merged, key), RECORD_LIVE,
                              &linked, &req->err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return 0; /* the store refuses the reference itself, naming the field */
    }
    if (rc < 0)
        return rc;
    api_keep(req, linked);
    const json_t *companies = json_object_get(linked, "company_ids");
    int64_t company = from == &entity_contacts ? json_integer_value(json_array_get(companies, 0))
                                               : id_of(linked, "company_id");
    if (company > 0)
        api_record_set_kept(changes, merged, "company_id", json_integer(company));
    return 0;
}

/* An rrule must be one the server can expand; field error otherwise. */
static int check_rrule(struct http_request *req, const json_t *changes)
{
    const char *rrule = json_string_value(json_object_get(changes, "rrule"));
    if (rrule == NULL)
        return 0;
    struct err rule_err;
    err_clear(&rule_err);
    if (recurrence_check(rrule, &rule_err) == 0)
        return 0;
    err_set(&req->err, ERR_VALIDATION, "rrule: %s", rule_err.detail);
    return err_field(&req->err, "rrule", "%s", rule_err.detail);
}

/* The owner's time zone: the body's owner, else the current one, else the caller. */
static int owner_zone(struct http_request *req, struct store_conn *conn, const json_t *merged,
                      const char **zone)
{
    int64_t owner = id_of(merged, "owner_id");
    return store_user_time_zone(conn, req->arena, owner > 0 ? owner : api_actor(req)->user_id,
                                zone, &req->err);
}

static int activity_before_write(struct http_request *req, struct store_conn *conn,
                                 const json_t *current, json_t *changes, json_t *merged)
{
    (void)current;
    int rc = check_rrule(req, changes);
    const char *zone = json_string_value(json_object_get(merged, "time_zone"));
    if (rc == 0 && zone != NULL && changed(changes, "time_zone") && !zone_valid(zone)) {
        err_set(&req->err, ERR_VALIDATION, "time_zone: unknown time zone");
        return err_field(&req->err, "time_zone", "is not a known time zone (e.g. Europe/Berlin)");
    }
    /* A recurring meeting recurs in the local time of its owner unless it says otherwise. */
    if (rc == 0 && zone == NULL && json_is_string(json_object_get(merged, "rrule"))) {
        rc = owner_zone(req, conn, merged, &zone);
        if (rc == 0)
            api_record_set_kept(changes, merged, "time_zone", json_string(zone));
    }
    return rc < 0 ? rc : complete_company(req, conn, changes, merged);
}

const struct record_hooks activity_hooks = {
    .entity = &entity_activities,
    .before_write = activity_before_write,
};

static bool is_closed(const char *status)
{
    return status != NULL && (strcmp(status, "done") == 0 || strcmp(status, "cancelled") == 0);
}

static int task_before_write(struct http_request *req, struct store_conn *conn,
                             const json_t *current, json_t *changes, json_t *merged)
{
    int rc = check_rrule(req, changes);
    if (rc < 0)
        return rc;
    const char *status = json_string_value(json_object_get(merged, "status"));
    const char *was = json_string_value(json_object_get(current, "status"));
    if (status == NULL) {
        status = "open";
        json_object_set_new(changes, "status", json_string(status));
        json_object_set_new(merged, "status", json_string(status));
    }
    bool done = strcmp(status, "done") == 0;
    if (done && (was == NULL || strcmp(was, "done") != 0)) {
        char now[CLOCK_DATETIME_LEN + 1];
        clock_format_datetime(clock_now_ms(), now);
        api_record_set_kept(changes, merged, "done_at", json_string(now));
    } else if (!done && was != NULL && strcmp(was, "done") == 0) {
        api_record_set_kept(changes, merged, "done_at", json_null());
    }
    /* A reminder follows its time: moved, it is given again at the new time. */
    if (current != NULL && (changed(changes, "remind_at") || changed(changes, "due_at")))
        api_record_set_kept(changes, merged, "reminded_at", json_null());
    /* A rule given anew counts from this task's due time. */
    if (changed(changes, "rrule") || (current != NULL && changed(changes, "due_at") &&
                                      json_is_string(json_object_get(merged, "rrule"))))
        api_record_set_kept(changes, merged, "recurrence_start",
                            json_incref(json_object_get(merged, "due_at")));
    return complete_company(req, conn, changes, merged);
}

/* Tells the assignee of a task someone else gave them. */
static int tell_assignee(struct http_request *req, struct store_conn *conn, const json_t *task)
{
    int64_t owner = id_of(task, "owner_id");
    if (owner <= 0 || owner == api_actor(req)->user_id)
        return 0;
    const char *title = json_string_value(json_object_get(task, "title"));
    struct notification n = {
        .user_id = owner,
        .kind = "task_assigned",
        .summary = arena_printf(req->arena, "New task: %s", title != NULL ? title : ""),
        .entity = "tasks",
        .record_id = id_of(task, "id"),
        .source_key = arena_printf(req->arena, "task_assigned:%lld:%lld:%lld",
                                   (long long)id_of(task, "id"), (long long)owner,
                                   (long long)id_of(task, "version")),
    };
    return store_notification_add(conn, req->arena, &n, NULL, &req->err);
}

static int task_after_create(struct http_request *req, struct store_conn *conn, json_t *record)
{
    int rc = 0;
    if (json_is_string(json_object_get(record, "rrule"))) {
        rc = store_task_series_start(conn, req->arena, id_of(record, "id"), &req->err);
        if (rc == 0)
            json_object_set(record, "series_id", json_object_get(record, "id"));
    }
    return rc < 0 ? rc : tell_assignee(req, conn, record);
}

static int task_after_update(struct http_request *req, struct store_conn *conn,
                             const json_t *before, json_t *record)
{
    int rc = 0;
    const char *status = json_string_value(json_object_get(record, "status"));
    const char *was = json_string_value(json_object_get(before, "status"));
    if (json_is_string(json_object_get(record, "rrule")) &&
        json_is_null(json_object_get(record, "series_id")))
        rc = store_task_series_start(conn, req->arena, id_of(record, "id"), &req->err);
    /* A closed instance of a series makes its successor now rather than at its due time. */
    if (rc == 0 && is_closed(status) && !is_closed(was)) {
        int64_t made = 0;
        rc = store_task_make_next(conn, req->arena, id_of(record, "id"), &made, &req->err);
    }
    if (rc == 0 && id_of(record, "owner_id") != id_of(before, "owner_id"))
        rc = tell_assignee(req, conn, record);
    return rc;
}

const struct record_hooks task_hooks = {
    .entity = &entity_tasks,
    .before_write = task_before_write,
    .after_create = task_after_create,
    .after_update = task_after_update,
};
