/*
 * The record collections (/api/v1/companies, /api/v1/contacts): list with
 * search, filter, sort, keyset cursor and projection; create; get; partial
 * update with If-Match; trash and restore. Which entity is meant comes from
 * the path, so one set of handlers serves every collection.
 *
 * Each change runs in one transaction: read the current record, check the
 * caller's rights, validate the body against it, write, read back, append
 * the change to the audit log, commit. A rejected request writes nothing.
 *
 * Rights: what the caller may not read is absent (404) everywhere; what
 * they may read but not change is a 403; fields their role hides are left
 * out of answers and filters, and writing them, or fields it makes
 * read-only, is a 422. owner_id is set to the caller on create; naming
 * another owner takes the reassign right.
 */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/money.h"
#include "base/str.h"
#include "domain/currency.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/currency.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/list_cursor.h"
#include "domain/record.h"
#include "query/filter.h"
#include "store/store.h"

#define LIST_DEFAULT_LIMIT 50
#define LIST_MAX_LIMIT 500

static bool query_flag(struct http_request *req, const char *name)
{
    const char *v = http_query(req, name);
    return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* Keeps only the requested keys (id always) in each record. */
static void project(json_t *data, const char **names, size_t n_names)
{
    size_t i;
    json_t *record;
    json_array_foreach(data, i, record)
    {
        const char *key;
        json_t *value;
        void *tmp;
        json_object_foreach_safe(record, tmp, key, value)
        {
            bool keep = strcmp(key, "id") == 0;
            for (size_t k = 0; k < n_names && !keep; k++)
                keep = strcmp(names[k], key) == 0;
            if (!keep)
                json_object_del(record, key);
        }
    }
}

/* The caller's access for an action on the whole collection: 403 when the role grants none. */
static int collection_access(struct http_request *req, const struct entity *entity,
                             enum access_action action, struct access *access)
{
    *access = actor_access(api_actor(req), entity, action);
    if (access->scope == SCOPE_NONE)
        return err_set(&req->err, ERR_FORBIDDEN, "your role may not %s %s",
                       access_action_name(action), entity->name);
    return 0;
}

int api_record_access(struct http_request *req, struct store_conn *conn,
                      const struct entity *entity, enum access_action action, int64_t id,
                      struct access *access)
{
    bool in_scope = false;
    *access = actor_access(api_actor(req), entity, action);
    int rc = store_record_in_scope(conn, req->arena, entity, access, id, &in_scope, &req->err);
    if (rc == 0 && !in_scope)
        rc = err_set(&req->err, ERR_FORBIDDEN, "your role may not %s this %s",
                     access_action_name(action), entity->singular);
    return rc;
}

/*
 * Whether the caller's role hides a field the full-text index holds: the
 * index is one text per record, so a search would find records by the
 * hidden value.
 */
static bool hides_searched_field(const struct actor *actor, const struct entity *entity)
{
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if ((f->flags & FIELD_SEARCHED) != 0 &&
            actor_field_right(actor, entity, f->name) == FIELD_RIGHT_HIDDEN)
            return true;
    }
    return false;
}

int api_list_filter(struct http_request *req, struct list_request *lr, const char *filter)
{
    struct list_query *q = &lr->query;
    q->filter = NULL;
    if (filter == NULL || *filter == '\0')
        return 0;
    q->filter = filter_parse(req->arena, q->schema, filter, strlen(filter), &req->err);
    return q->filter != NULL ? 0 : -req->err.code;
}

int api_list_prepare(struct http_request *req, struct store_conn *conn, const struct entity *entity,
                     const char *filter, const char *sort, const char *search,
                     struct list_request *lr)
{
    const struct actor *actor = api_actor(req);
    struct custom_fields custom;
    char base[CURRENCY_CODE_LEN + 1];
    *lr = (struct list_request){.ctx = {.user_id = actor->user_id, .now_ms = clock_now_ms()}};
    int rc = collection_access(req, entity, ACCESS_READ, &lr->access);
    if (rc == 0)
        rc = store_fields_load(conn, req->arena, entity->name, &custom, &req->err);
    if (rc == 0 && entity_has_money(entity)) {
        rc = store_base_currency(conn, req->arena, base, &req->err);
        lr->ctx.money_scale = rc == 0 ? currency_exponent(str_from_cstr(base)) : 0;
    }
    if (rc < 0)
        return rc;
    struct list_query *q = &lr->query;
    q->schema = actor_filter_schema(req->arena, actor, entity,
                                    record_filter_schema(req->arena, entity, &custom));
    q->ctx = &lr->ctx;
    rc = api_list_filter(req, lr, filter);
    if (rc < 0)
        return rc;
    lr->sort = sort != NULL && *sort != '\0' ? sort : entity->default_sort;
    rc = record_parse_sort(req->arena, q->schema, lr->sort, lr->keys, &q->n_keys, &req->err);
    if (rc < 0)
        return rc;
    q->keys = lr->keys;
    q->search = search;
    if (search != NULL && *search != '\0' && hides_searched_field(actor, entity)) {
        err_set(&req->err, ERR_BAD_REQUEST,
                "your role hides fields that search reads, so %s cannot be searched with q",
                entity->name);
        return err_field(&req->err, "q", "not available to your role; use filter instead");
    }
    return 0;
}

json_t *api_totals_json(int64_t group, const struct record_total *totals, size_t n,
                        const char *base)
{
    json_t *sums = json_array();
    int64_t count = 0, base_minor = 0, unconverted = 0;
    bool overflow = false;
    for (size_t i = 0; i < n; i++) {
        const struct record_total *t = &totals[i];
        if (t->group != group)
            continue;
        count += t->count;
        if (t->currency == NULL)
            continue;
        json_array_append_new(sums, currency_money_json(t->sum_minor, t->currency));
        if (money_add(base_minor, t->sum_base_minor, &base_minor) < 0)
            overflow = true;
        unconverted += t->count - t->n_converted;
    }
    return json_pack("{s:I,s:o,s:o,s:I}", "count", (json_int_t)count, "sums", sums, "total_base",
                     overflow ? json_null() : currency_money_json(base_minor, base), "unconverted",
                     (json_int_t)unconverted);
}

/* The first money field an entity's own columns hold (deals: amount); NULL when none. */
static const char *first_money_field(const struct entity *entity)
{
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (f->type == FIELD_MONEY && f->kind == FIELD_KIND_COLUMN)
            return f->name;
    }
    return NULL;
}

/* totals=true: the sums of the whole list's first money field, per currency and converted. */
static int list_totals(struct http_request *req, struct store_conn *conn,
                       const struct entity *entity, const struct list_request *lr, json_t *body)
{
    const char *field = first_money_field(entity);
    if (field == NULL)
        return err_set(&req->err, ERR_BAD_REQUEST, "totals: %s have no amount to add up",
                       entity->name);
    struct record_total *totals = NULL;
    size_t n = 0;
    char base[CURRENCY_CODE_LEN + 1];
    int rc = store_record_totals(conn, req->arena, entity, &lr->access, &lr->query, NULL, field,
                                 &totals, &n, &req->err);
    if (rc == 0)
        rc = store_base_currency(conn, req->arena, base, &req->err);
    if (rc == 0) {
        json_t *t = api_totals_json(0, totals, n, base);
        json_object_set_new(t, "field", json_string(field));
        json_object_set_new(body, "totals", t);
    }
    return rc;
}

int records_list(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = api_path_entity(req);
    const struct actor *actor = api_actor(req);
    struct store_conn *conn;
    struct list_request lr;
    struct list_page page;
    const char **names = NULL;
    size_t n_names = 0, limit = 0;
    int rc = api_parse_limit(req, LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, &limit);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = api_list_prepare(req, conn, entity, http_query(req, "filter"), http_query(req, "sort"),
                              http_query(req, "q"), &lr);
    if (rc < 0)
        return rc;
    struct list_query *query = &lr.query;
    query->limit = limit;
    const char *cursor = http_query(req, "cursor");
    json_t *after = NULL;
    if (cursor != NULL && *cursor != '\0') {
        rc = list_cursor_decode(cursor, strlen(cursor), lr.sort, query->n_keys, &after, &req->err);
        if (rc < 0)
            return rc;
        query->after = api_keep(req, after);
    }
    rc = record_parse_projection(req->arena, entity, http_query(req, "fields"), &names, &n_names,
                                 &req->err);
    if (rc < 0)
        return rc;
    query->trash = query_flag(req, "trash");
    query->count = query_flag(req, "count");
    rc = store_record_list(conn, req->arena, entity, &lr.access, query, &page, &req->err);
    if (rc < 0)
        return rc;
    actor_hide_fields(actor, entity, page.data);
    if (names != NULL)
        project(page.data, names, n_names);
    json_t *body = api_keep(req, json_object());
    json_object_set_new(body, "data", page.data);
    json_object_set_new(body, "next_cursor", api_list_next_cursor(req, lr.sort, &page));
    if (page.total >= 0)
        json_object_set_new(body, "total", json_integer(page.total));
    if (query_flag(req, "totals")) {
        rc = list_totals(req, conn, entity, &lr, body);
        if (rc < 0)
            return rc;
    }
    return http_respond_json(res, 200, body);
}

json_t *api_list_next_cursor(struct http_request *req, const char *sort, struct list_page *page)
{
    if (page->last_keys == NULL)
        return json_null();
    const char *next = list_cursor_encode(req->arena, sort, page->last_keys);
    json_decref(page->last_keys);
    page->last_keys = NULL;
    return next ? json_string(next) : json_null();
}

/* Reads a record within access, kept until the request ends. */
static int get_kept(struct http_request *req, struct store_conn *conn, const struct entity *entity,
                    const struct access *access, int64_t id, enum record_state state,
                    json_t **record)
{
    int rc = store_record_get(conn, req->arena, entity, access, id, state, record, &req->err);
    if (rc == 0)
        api_keep(req, *record);
    return rc;
}

int api_record_visible(struct http_request *req, struct store_conn *conn,
                       const struct entity *entity, int64_t id, json_t **record)
{
    struct access access = actor_access(api_actor(req), entity, ACCESS_READ);
    return get_kept(req, conn, entity, &access, id, RECORD_LIVE, record);
}

int api_record_written(struct http_request *req, struct store_conn *conn,
                       const struct entity *entity, int64_t id, enum record_state state,
                       json_t **record)
{
    struct access access = actor_access(api_actor(req), entity, ACCESS_READ);
    access.scope = SCOPE_ALL;
    return get_kept(req, conn, entity, &access, id, state, record);
}

int api_record_respond(struct http_request *req, struct http_response *res, int status,
                       const struct entity *entity, json_t *record)
{
    const struct actor *actor = api_actor(req);
    if (!actor_hides_any(actor, entity))
        return api_respond_record(req, res, status, record);
    json_t *shown = api_keep(req, json_deep_copy(record));
    actor_hide_fields(actor, entity, shown);
    return api_respond_record(req, res, status, shown);
}

int records_get(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = api_path_entity(req);
    struct store_conn *conn;
    int64_t id;
    json_t *record = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = api_record_visible(req, conn, entity, id, &record);
    if (rc < 0)
        return rc;
    return api_record_respond(req, res, 200, entity, record);
}

int api_record_audit(struct http_request *req, struct store_conn *conn, const struct entity *entity,
                     const char *action, const json_t *before, const json_t *after)
{
    json_t *changes = api_keep(req, audit_diff(entity, before, after));
    if (changes == NULL && strcmp(action, "update") == 0)
        return 0;
    int rc = api_audit(req, conn, "record", action, entity->name,
                       json_integer_value(json_object_get(after, "id")), changes, NULL);
    return rc < 0 ? rc : timeline_record_audited(req, conn, entity, action, after, changes);
}

/*
 * The owner a create or update asks for (body's owner_id, which is taken
 * out of it) checked against the caller's rights: the user must exist and
 * be enabled; another owner than the current one (the caller on create)
 * takes the reassign right, and scope (the create scope on create, the
 * reassign scope on update) must cover the new owner. Field errors are
 * 422s on owner_id.
 */
static int resolve_owner(struct http_request *req, struct store_conn *conn,
                         const struct entity *entity, json_t *body, int64_t current_owner,
                         const struct access *scope, int64_t *owner)
{
    const struct actor *actor = api_actor(req);
    json_t *given = json_object_get(body, "owner_id");
    *owner = current_owner;
    if (given == NULL)
        return 0;
    if (!json_is_integer(given) || json_integer_value(given) <= 0) {
        err_set(&req->err, ERR_VALIDATION, "owner_id must be a user id");
        return err_field(&req->err, "owner_id", "must be a user id");
    }
    int64_t wanted = json_integer_value(given);
    json_object_del(body, "owner_id");
    if (wanted == current_owner)
        return 0;
    struct auth_user user;
    int rc = store_user_find_by_id(conn, req->arena, wanted, &user, &req->err);
    if (rc == -ERR_NOT_FOUND || (rc == 0 && user.disabled)) {
        err_clear(&req->err);
        err_set(&req->err, ERR_VALIDATION, "no active user with id %lld", (long long)wanted);
        return err_field(&req->err, "owner_id", "no active user with id %lld", (long long)wanted);
    }
    if (rc < 0)
        return rc;
    enum access_scope reassign = actor_scope(actor, entity, ACCESS_REASSIGN);
    if (reassign == SCOPE_NONE || !access_allows_owner(scope, wanted, user.team_id)) {
        err_set(&req->err, ERR_VALIDATION, "your role may not give this %s to that user",
                entity->singular);
        return err_field(&req->err, "owner_id", "your role may not assign records to that user");
    }
    *owner = wanted;
    return 0;
}

/*
 * Validates body against current (NULL on create) and the caller's field
 * rights; fills *changes and *merged, with owner_id set to owner when it
 * changes.
 */
static int validate(struct http_request *req, struct store_conn *conn, const struct entity *entity,
                    const json_t *body, const json_t *current, int64_t owner, json_t **changes,
                    json_t **merged)
{
    struct custom_fields custom;
    const struct actor *actor = api_actor(req);
    int rc = actor != NULL ? actor_check_writable(actor, entity, body, &req->err) : 0;
    if (rc == 0)
        rc = store_fields_load(conn, req->arena, entity->name, &custom, &req->err);
    if (rc < 0)
        return rc;
    rc = record_validate(req->arena, entity, &custom, body, current, changes, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, *changes);
    if (current == NULL) {
        json_object_set_new(*changes, "owner_id", owner > 0 ? json_integer(owner) : json_null());
        json_object_set_new(*changes, "created_by",
                            actor != NULL && actor->user_id > 0 ? json_integer(actor->user_id)
                                                                : json_null());
    } else if (owner != json_integer_value(json_object_get(current, "owner_id"))) {
        json_object_set_new(*changes, "owner_id", json_integer(owner));
    }
    *merged = api_keep(req, current ? json_deep_copy(current) : json_object());
    json_object_update(*merged, *changes);
    return 0;
}

/* The request body as a copy the handler may change (owner_id is taken out of it). */
/* The body as a JSON object of its own, with the entity's other name of owner_id made owner_id. */
static int read_body(struct http_request *req, const struct entity *entity, json_t **body)
{
    json_t *parsed;
    int rc = http_request_json(req, &parsed);
    if (rc == 0 && !json_is_object(parsed))
        rc = err_set(&req->err, ERR_BAD_REQUEST, "the body must be a JSON object");
    if (rc < 0)
        return rc;
    *body = api_keep(req, json_deep_copy(parsed));
    const char *alias = entity->owner_alias;
    json_t *aliased = alias != NULL ? json_object_get(*body, alias) : NULL;
    if (aliased == NULL)
        return 0;
    json_t *owner = json_object_get(*body, "owner_id");
    if (owner != NULL && !json_equal(owner, aliased)) {
        err_set(&req->err, ERR_VALIDATION, "%s and owner_id name the same user", alias);
        return err_field(&req->err, alias, "differs from owner_id");
    }
    json_object_set(*body, "owner_id", aliased);
    json_object_del(*body, alias);
    return 0;
}

/*
 * What an entity adds to the generic writes (deals: the stage; quotes: lines
 * and totals; leads: their score; scoring rules: the scores of the leads).
 */
static const struct record_hooks *const all_hooks[] = {&deal_hooks,       &quote_hooks,
                                                       &price_list_hooks, &lead_hooks,
                                                       &form_hooks,       &lead_scoring_rule_hooks,
                                                       &activity_hooks,   &task_hooks};

static const struct record_hooks *hooks_of(const struct entity *entity)
{
    for (size_t i = 0; i < sizeof(all_hooks) / sizeof(all_hooks[0]); i++) {
        if (all_hooks[i]->entity == entity)
            return all_hooks[i];
    }
    return NULL;
}

void api_record_set_kept(json_t *changes, json_t *merged, const char *key, json_t *value)
{
    json_object_set(changes, key, value);
    json_object_set_new(merged, key, value);
}

static int after_change(struct http_request *req, struct store_conn *conn,
                        const struct entity *entity)
{
    const struct record_hooks *hooks = hooks_of(entity);
    return hooks != NULL && hooks->after_change != NULL ? hooks->after_change(req, conn) : 0;
}

int api_record_create(struct http_request *req, struct store_conn *conn,
                      const struct entity *entity, const struct access *access, json_t *body,
                      int64_t owner, const json_t *kept, json_t **record)
{
    const struct record_hooks *hooks = hooks_of(entity);
    json_t *changes, *merged;
    int64_t id = 0;
    int rc = validate(req, conn, entity, body, NULL, owner, &changes, &merged);
    if (rc == 0 && kept != NULL) {
        json_object_update(changes, (json_t *)kept);
        json_object_update(merged, (json_t *)kept);
    }
    if (rc == 0 && hooks != NULL && hooks->before_write != NULL)
        rc = hooks->before_write(req, conn, NULL, changes, merged);
    if (rc == 0)
        rc = store_record_insert(conn, req->arena, entity, access, changes, merged, &id, &req->err);
    if (rc == 0)
        rc = api_record_written(req, conn, entity, id, RECORD_LIVE, record);
    if (rc == 0 && hooks != NULL && hooks->after_create != NULL)
        rc = hooks->after_create(req, conn, *record);
    if (rc == 0)
        rc = api_record_audit(req, conn, entity, "create", NULL, *record);
    return rc == 0 ? after_change(req, conn, entity) : rc;
}

int records_create(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = api_path_entity(req);
    struct store_conn *conn;
    struct access access;
    json_t *body, *record = NULL;
    int64_t owner = 0;
    int rc = collection_access(req, entity, ACCESS_CREATE, &access);
    if (rc == 0)
        rc = read_body(req, entity, &body);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = resolve_owner(req, conn, entity, body, api_actor(req)->user_id, &access, &owner);
    if (rc == 0)
        rc = api_record_create(req, conn, entity, &access, body, owner, NULL, &record);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    int64_t id = json_integer_value(json_object_get(record, "id"));
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/%s/%lld", entity->name, (long long)id));
    return api_record_respond(req, res, 201, entity, record);
}

int api_record_update(struct http_request *req, struct store_conn *conn,
                      const struct entity *entity, int64_t id, json_t *body, int64_t expected,
                      json_t **record)
{
    struct access access, reassign;
    json_t *changes, *merged, *current = NULL;
    int64_t owner = 0;
    int rc = api_record_visible(req, conn, entity, id, &current);
    if (rc == 0)
        rc = api_record_access(req, conn, entity, ACCESS_UPDATE, id, &access);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    int64_t current_owner = json_integer_value(json_object_get(current, "owner_id"));
    json_t *given_owner = json_object_get(body, "owner_id");
    /* A new owner: the record and the new owner must both be within the reassign scope. */
    reassign = actor_access(api_actor(req), entity, ACCESS_REASSIGN);
    if (rc == 0 && json_is_integer(given_owner) &&
        json_integer_value(given_owner) != current_owner) {
        bool may_reassign = false;
        rc = store_record_in_scope(conn, req->arena, entity, &reassign, id, &may_reassign,
                                   &req->err);
        if (rc == 0 && !may_reassign) {
            err_set(&req->err, ERR_VALIDATION, "your role may not reassign this %s",
                    entity->singular);
            rc = err_field(&req->err, "owner_id", "your role may not reassign this record");
        }
    }
    if (rc == 0)
        rc = resolve_owner(req, conn, entity, body, current_owner, &reassign, &owner);
    if (rc == 0)
        rc = validate(req, conn, entity, body, current, owner, &changes, &merged);
    const struct record_hooks *hooks = hooks_of(entity);
    if (rc == 0 && hooks != NULL && hooks->before_write != NULL)
        rc = hooks->before_write(req, conn, current, changes, merged);
    if (rc == 0)
        rc = store_record_update(conn, req->arena, entity, &access, id, changes, merged, &req->err);
    if (rc == 0)
        rc = api_record_written(req, conn, entity, id, RECORD_LIVE, record);
    if (rc == 0 && hooks != NULL && hooks->after_update != NULL)
        rc = hooks->after_update(req, conn, current, *record);
    if (rc == 0)
        rc = api_record_audit(req, conn, entity, "update", current, *record);
    return rc == 0 ? after_change(req, conn, entity) : rc;
}

int records_update(struct http_request *req, struct http_response *res)
{
    const struct entity *entity = api_path_entity(req);
    struct store_conn *conn;
    json_t *body, *record = NULL;
    int64_t id, expected;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = read_body(req, entity, &body);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = api_record_update(req, conn, entity, id, body, expected, &record);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_record_respond(req, res, 200, entity, record);
}

int api_record_set_trashed(struct http_request *req, struct store_conn *conn,
                           const struct entity *entity, int64_t id, bool trashed,
                           json_t **record)
{
    struct access read = actor_access(api_actor(req), entity, ACCESS_READ), access;
    bool visible = false;
    int rc = store_record_in_scope(conn, req->arena, entity, &read, id, &visible, &req->err);
    if (rc == 0 && !visible)
        rc = err_set(&req->err, ERR_NOT_FOUND, "no %s with id %lld", entity->singular,
                     (long long)id);
    if (rc == 0)
        rc = api_record_access(req, conn, entity, ACCESS_DELETE, id, &access);
    if (rc == 0)
        rc = store_record_set_trashed(conn, req->arena, entity, &access, id, trashed, &req->err);
    if (rc == 0)
        rc = api_record_written(req, conn, entity, id, RECORD_ANY, record);
    if (rc == 0) {
        rc = api_audit(req, conn, "record", trashed ? "delete" : "restore", entity->name, id, NULL,
                       NULL);
    }
    if (rc == 0)
        rc = timeline_record_trashed(req, conn, entity, *record, trashed);
    return rc == 0 ? after_change(req, conn, entity) : rc;
}

static int set_trashed(struct http_request *req, struct http_response *res, bool trashed)
{
    const struct entity *entity = api_path_entity(req);
    struct store_conn *conn;
    json_t *record = NULL;
    int64_t id;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = api_record_set_trashed(req, conn, entity, id, trashed, &record);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    if (trashed) {
        http_respond_empty(res, 204);
        return 0;
    }
    return api_record_respond(req, res, 200, entity, record);
}

int records_delete(struct http_request *req, struct http_response *res)
{
    return set_trashed(req, res, true);
}

int records_restore(struct http_request *req, struct http_response *res)
{
    return set_trashed(req, res, false);
}
