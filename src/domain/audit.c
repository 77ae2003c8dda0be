/*
 * The audit log's view of a change: audit_diff() compares two versions of
 * a record field by field (declared fields from the entity's table, custom
 * values key by key, links by their id lists), audit_hide_fields() narrows
 * a diff to what one caller may see, and audit_scrub() strips secrets from
 * any JSON before it is stored.
 */
#include "domain/audit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "domain/access.h"
#include "domain/entity.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The server's bookkeeping: it changes on every write and says nothing about the change. */
static const char *const bookkeeping_fields[] = {"id",         "version",    "created_at",
                                                 "updated_at", "deleted_at", "created_by"};

/* Keys whose values never reach the audit log, at any depth. */
static const char *const secret_keys[] = {
    "password", "current_password", "new_password", "password_hash",  "token",     "token_hash",
    "secret",   "totp_secret",      "code",         "recovery_codes", "csrf_token", "challenge",
};

static bool name_listed(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0)
            return true;
    }
    return false;
}

/* Whether a value is worth listing for a new record: not null, not an empty list or object. */
static bool has_value(const json_t *value)
{
    if (value == NULL || json_is_null(value))
        return false;
    if (json_is_array(value))
        return json_array_size(value) > 0;
    if (json_is_object(value))
        return json_object_size(value) > 0;
    return true;
}

/*
 * The id list of a record's links: the links field itself ([1, 2]) or,
 * when only the expanded form is present, the ids taken from it. A new
 * reference; json null when the record has neither.
 */
static json_t *links_ids(const struct entity_links *links, const json_t *record)
{
    const json_t *ids = json_object_get(record, links->field);
    if (ids != NULL)
        return json_incref((json_t *)ids);
    const json_t *expanded = json_object_get(record, links->expanded);
    if (!json_is_array(expanded))
        return json_null();
    json_t *result = json_array();
    size_t i;
    const json_t *item;
    json_array_foreach(expanded, i, item)
    {
        const json_t *id = json_object_get(item, "id");
        json_array_append_new(result, id ? json_incref((json_t *)id) : json_null());
    }
    return result;
}

/* Adds [old, new] under key when the values differ (and, for a create, new has a value). */
static void diff_add(json_t *changes, const char *key, const json_t *old_value,
                     const json_t *new_value, bool creating)
{
    json_t *null = json_null();
    if (old_value == NULL)
        old_value = null;
    if (new_value == NULL)
        new_value = null;
    bool differs = creating ? has_value(new_value) : !json_equal(old_value, new_value);
    if (differs)
        json_object_set_new(changes, key,
                            json_pack("[OO]", (json_t *)old_value, (json_t *)new_value));
    json_decref(null);
}

static void diff_custom(json_t *changes, const json_t *before, const json_t *after,
                        bool creating)
{
    const json_t *old_custom = json_object_get(before, "custom");
    const json_t *new_custom = json_object_get(after, "custom");
    const char *key;
    const json_t *value;
    char path[256];
    if (json_is_object(new_custom)) {
        json_object_foreach((json_t *)new_custom, key, value)
        {
            snprintf(path, sizeof(path), "custom.%.240s", key);
            diff_add(changes, path, json_object_get(old_custom, key), value, creating);
        }
    }
    if (json_is_object(old_custom)) {
        json_object_foreach((json_t *)old_custom, key, value)
        {
            if (json_is_object(new_custom) && json_object_get(new_custom, key) != NULL)
                continue;
            snprintf(path, sizeof(path), "custom.%.240s", key);
            diff_add(changes, path, value, NULL, creating);
        }
    }
}

json_t *audit_diff(const struct entity *entity, const json_t *before, const json_t *after)
{
    bool creating = before == NULL;
    json_t *changes = json_object();
    for (size_t i = 0; i < entity->n_fields; i++) {
        const struct entity_field *f = &entity->fields[i];
        if (name_listed(bookkeeping_fields, COUNT(bookkeeping_fields), f->name))
            continue;
        /* A derived name follows the fields it is made of, which are listed themselves. */
        if (entity->derived_name != NULL && strcmp(f->name, "name") == 0)
            continue;
        if (f->kind == FIELD_KIND_LINKS && entity->links != NULL) {
            json_t *old_ids = creating ? json_null() : links_ids(entity->links, before);
            json_t *new_ids = links_ids(entity->links, after);
            diff_add(changes, f->name, old_ids, new_ids, creating);
            json_decref(old_ids);
            json_decref(new_ids);
            continue;
        }
        diff_add(changes, f->name, creating ? NULL : json_object_get(before, f->name),
                 json_object_get(after, f->name), creating);
    }
    diff_custom(changes, before, after, creating);
    if (json_object_size(changes) == 0) {
        json_decref(changes);
        return NULL;
    }
    return changes;
}

void audit_hide_fields(const struct actor *actor, const struct entity *entity, json_t *changes)
{
    if (!json_is_object(changes))
        return;
    const char *key;
    json_t *value;
    void *tmp;
    json_object_foreach_safe(changes, tmp, key, value)
    {
        if (actor_field_right(actor, entity, key) == FIELD_RIGHT_HIDDEN)
            json_object_del(changes, key);
    }
}

void audit_scrub(json_t *value)
{
    if (json_is_array(value)) {
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item)
        {
            audit_scrub(item);
        }
        return;
    }
    if (!json_is_object(value))
        return;
    const char *key;
    json_t *item;
    void *tmp;
    json_object_foreach_safe(value, tmp, key, item)
    {
        if (name_listed(secret_keys, COUNT(secret_keys), key))
            json_object_del(value, key);
        else
            audit_scrub(item);
    }
}
