/*
 * The client timeline: what each record write adds to it (called from the
 * generic audit of records, so no entity can forget it) and the card's
 * GET /{contacts|companies|deals|leads}/{id}/timeline, newest first, by
 * cursor, filtered by kind, with each item checked against the caller's
 * read scope and field rights.
 */
#include "api/api.h"

#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/audit.h"
#include "domain/entity.h"
#include "domain/list_cursor.h"
#include "store/timeline.h"

#define TIMELINE_DEFAULT_LIMIT 50
#define TIMELINE_MAX_LIMIT 200
#define TIMELINE_CURSOR_SORT "timeline"

static const char *const timeline_kinds[] = {"call",  "meeting", "email", "note",   "claim",
                                             "order", "sms",     "chat",  "task",   "stage",
                                             "quote", "change",  "created"};

static bool is_entity(const struct entity *entity, const char *name)
{
    return strcmp(entity->name, name) == 0;
}

static int64_t id_of(const json_t *record, const char *key)
{
    return json_integer_value(json_object_get(record, key));
}

static int64_t first_id(const json_t *record, const char *key)
{
    return json_integer_value(json_array_get(json_object_get(record, key), 0));
}

/*
 * The contact, company, deal and lead the events of a record concern
 * (activities and tasks name theirs themselves: store_timeline_mirror).
 */
static int subjects_of(struct http_request *req, struct store_conn *conn,
                       const struct entity *entity, const json_t *record,
                       struct timeline_subjects *out)
{
    *out = (struct timeline_subjects){0};
    int64_t id = id_of(record, "id");
    if (is_entity(entity, "contacts")) {
        *out = (struct timeline_subjects){.contact_id = id,
                                          .company_id = first_id(record, "company_ids")};
    } else if (is_entity(entity, "companies")) {
        out->company_id = id;
    } else if (is_entity(entity, "leads")) {
        out->lead_id = id;
    } else if (is_entity(entity, "deals")) {
        *out = (struct timeline_subjects){.contact_id = first_id(record, "contact_ids"),
                                          .company_id = id_of(record, "company_id"),
                                          .deal_id = id};
    } else if (is_entity(entity, "quotes")) {
        json_t *deal = NULL;
        int rc = store_record_get(conn, req->arena, &entity_deals, &access_system,
                                  id_of(record, "deal_id"), RECORD_ANY, &deal, &req->err);
        if (rc == -ERR_NOT_FOUND) {
            err_clear(&req->err);
            out->deal_id = id_of(record, "deal_id");
            return 0;
        }
        if (rc < 0)
            return rc;
        api_keep(req, deal);
        return subjects_of(req, conn, &entity_deals, deal, out);
    }
    return 0;
}

static const char *text_of(const json_t *record, const char *key)
{
    const char *text = json_string_value(json_object_get(record, key));
    return text != NULL ? text : "";
}

/* "Stage: Qualified → Proposal" for a deal that moved. */
static int stage_item(struct http_request *req, struct store_conn *conn, const json_t *changes,
                      struct timeline_item *item)
{
    const json_t *pair = json_object_get(changes, "stage_id");
    int64_t from = json_integer_value(json_array_get(pair, 0));
    int64_t to = json_integer_value(json_array_get(pair, 1));
    struct pipeline_stage from_stage = {.name = "?"}, to_stage = {.name = "?"};
    int rc = from > 0 ? store_pipeline_stage_get(conn, req->arena, from, &from_stage, &req->err)
                      : 0;
    if (rc == 0)
        rc = store_pipeline_stage_get(conn, req->arena, to, &to_stage, &req->err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        rc = 0;
    }
    if (rc < 0)
        return rc;
    item->kind = "stage";
    item->summary = arena_printf(req->arena, "%s \u2192 %s", from_stage.name, to_stage.name);
    item->detail = api_keep(req, json_pack("{s:I,s:I,s:s,s:s}", "from_stage_id", (json_int_t)from,
                                           "to_stage_id", (json_int_t)to, "from", from_stage.name,
                                           "to", to_stage.name));
    return 0;
}

int timeline_record_audited(struct http_request *req, struct store_conn *conn,
                            const struct entity *entity, const char *action, const json_t *after,
                            const json_t *changes)
{
    if (!store_timeline_shows(entity->name))
        return 0;
    bool created = strcmp(action, "create") == 0;
    int64_t id = id_of(after, "id");
    int64_t owner = id_of(after, "owner_id");
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    struct timeline_item item = {.at = now, .entity = entity->name, .record_id = id,
                                 .owner_id = owner, .user_id = api_actor(req)->user_id};
    int rc = 0;
    if (is_entity(entity, "activities") || is_entity(entity, "tasks"))
        return store_timeline_mirror(conn, req->arena, entity, after, item.user_id, &req->err);
    if (!created && json_object_get(changes, "owner_id") != NULL) {
        rc = store_timeline_reown(conn, req->arena, entity->name, id, owner, &req->err);
        if (rc < 0)
            return rc;
    }
    if (is_entity(entity, "quotes")) {
        /* A quote shows when it is made and when its status changes, not for each edit. */
        if (!created && json_object_get(changes, "status") == NULL)
            return 0;
        item.kind = "quote";
        item.summary = arena_printf(req->arena, "#%lld %s",
                                    (long long)id_of(after, "number"), text_of(after, "status"));
        item.detail = api_keep(req, store_timeline_pick(
                                        after, (const char *const[]){"number", "status", "total"},
                                        3));
    } else if (created) {
        item.kind = "created";
        const char *name = text_of(after, is_entity(entity, "deals") ? "title" : "name");
        item.summary = *name != '\0' ? name : entity->singular;
    } else if (is_entity(entity, "deals") && json_object_get(changes, "stage_id") != NULL) {
        rc = stage_item(req, conn, changes, &item);
    } else {
        if (changes == NULL || json_object_size(changes) == 0)
            return 0;
        item.kind = "change";
        item.summary = "";
        item.detail = api_keep(req, json_pack("{s:O}", "changes", changes));
    }
    /* Who the item concerns is read only for an item that is written (a quote's deal). */
    if (rc == 0)
        rc = subjects_of(req, conn, entity, after, &item.subjects);
    return rc < 0 ? rc : store_timeline_append(conn, req->arena, &item, &req->err);
}

int timeline_record_trashed(struct http_request *req, struct store_conn *conn,
                            const struct entity *entity, const json_t *record, bool trashed)
{
    if (!is_entity(entity, "activities") && !is_entity(entity, "tasks"))
        return 0;
    if (trashed)
        return store_timeline_remove(conn, req->arena, entity->name, id_of(record, "id"),
                                     &req->err);
    return timeline_record_audited(req, conn, entity, "restore", record, NULL);
}

/* The subject column of the card's entity. */
static const char *subject_column(const struct entity *entity)
{
    if (is_entity(entity, "contacts"))
        return "contact_id";
    if (is_entity(entity, "companies"))
        return "company_id";
    if (is_entity(entity, "deals"))
        return "deal_id";
    return "lead_id";
}

/* kind=call,note: each a known kind; 400 naming the parameter otherwise. */
static int parse_kinds(struct http_request *req, struct timeline_query *q)
{
    const char *text = http_query(req, "kind");
    if (text == NULL || *text == '\0')
        return 0;
    size_t max = sizeof(timeline_kinds) / sizeof(timeline_kinds[0]);
    const char **kinds = arena_alloc_array(req->arena, max, sizeof(*kinds));
    size_t n = 0;
    for (const char *p = text; *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *found = NULL;
        for (size_t i = 0; i < max; i++) {
            if (strlen(timeline_kinds[i]) == len && memcmp(timeline_kinds[i], p, len) == 0)
                found = timeline_kinds[i];
        }
        if (found == NULL) {
            err_set(&req->err, ERR_BAD_REQUEST, "kind: unknown kind \"%.*s\"", (int)len, p);
            return err_field(&req->err, "kind", "unknown kind \"%.*s\"", (int)len, p);
        }
        if (n < max)
            kinds[n++] = found;
        p += len + (comma ? 1 : 0);
    }
    q->kinds = kinds;
    q->n_kinds = n;
    return 0;
}

static int parse_cursor(struct http_request *req, struct timeline_query *q)
{
    const char *text = http_query(req, "cursor");
    if (text == NULL || *text == '\0')
        return 0;
    json_t *values = NULL;
    int rc = list_cursor_decode(text, strlen(text), TIMELINE_CURSOR_SORT, 2, &values, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, values);
    const json_t *at = json_array_get(values, 0), *id = json_array_get(values, 1);
    if (!json_is_string(at) || !json_is_integer(id))
        return err_set(&req->err, ERR_BAD_CURSOR, "the cursor is not one of this list");
    q->before_at = json_string_value(at);
    q->before_id = json_integer_value(id);
    return 0;
}

/* Field rights on what an item shows: hidden fields leave its detail (and its summary). */
static void hide_item_fields(const struct actor *actor, json_t *item)
{
    const struct entity *source = entity_find(json_string_value(json_object_get(item, "entity")));
    json_t *detail = json_object_get(item, "detail");
    if (source == NULL || !json_is_object(detail) || !actor_hides_any(actor, source))
        return;
    const char *kind = json_string_value(json_object_get(item, "kind"));
    if (strcmp(kind, "change") == 0) {
        audit_hide_fields(actor, source, json_object_get(detail, "changes"));
        return;
    }
    actor_hide_fields(actor, source, detail);
    const char *title_key = strcmp(source->name, "tasks") == 0 ? "title" : "subject";
    if (strcmp(source->name, "activities") == 0 || strcmp(source->name, "tasks") == 0) {
        json_t *title = json_object_get(detail, title_key);
        json_object_set_new(item, "summary", title != NULL ? json_copy(title) : json_string(""));
    }
}

int timeline_list(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = api_path_entity(req);
    struct timeline_query q = {.subject_column = subject_column(entity)};
    struct store_conn *conn;
    json_t *record, *items = NULL;
    bool more = false;
    int rc = api_path_id(req, &q.subject_id);
    if (rc == 0)
        rc = api_parse_limit(req, TIMELINE_DEFAULT_LIMIT, TIMELINE_MAX_LIMIT, &q.limit);
    if (rc == 0)
        rc = parse_kinds(req, &q);
    if (rc == 0)
        rc = parse_cursor(req, &q);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = api_record_visible(req, conn, entity, q.subject_id, &record);
    if (rc < 0)
        return rc;
    /* A contact's timeline also holds what concerns its companies themselves. */
    json_t *companies = json_object_get(record, "company_ids");
    if (is_entity(entity, "contacts") && json_array_size(companies) > 0) {
        size_t n = json_array_size(companies);
        int64_t *ids = arena_alloc_array(req->arena, n, sizeof(*ids));
        for (size_t i = 0; i < n; i++)
            ids[i] = json_integer_value(json_array_get(companies, i));
        q.company_ids = ids;
        q.n_company_ids = n;
    }
    const struct actor *actor = api_actor(req);
    struct access access = actor_access(actor, entity, ACCESS_READ);
    rc = store_timeline_list(conn, req->arena, &access, &q, &items, &more, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, items);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        hide_item_fields(actor, item);
    }
    json_t *next = json_null();
    json_t *last = json_array_get(items, json_array_size(items) - 1);
    if (more && last != NULL) {
        json_t *keys = api_keep(req, json_pack("[O,O]", json_object_get(last, "at"),
                                               json_object_get(last, "id")));
        next = json_string(list_cursor_encode(req->arena, TIMELINE_CURSOR_SORT, keys));
    }
    json_t *body = api_keep(req, json_pack("{s:O,s:o}", "data", items, "next_cursor", next));
    return http_respond_json(res, 200, body);
}
