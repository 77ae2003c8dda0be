/*
 * The rules of pipelines, their stages and deal reasons (see pipeline.h):
 * bodies are checked key by key into a clean object, every problem is a
 * field error naming its place ("stages[2].probability"), and an update
 * keeps only what differs from the current configuration.
 */
#include "domain/pipeline.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"
#include "domain/record.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define WON_PROBABILITY 100
#define LOST_PROBABILITY 0

static const char *const kind_names[] = {"open", "won", "lost"};

/* Keys the API shows that no body may write: "read-only" rather than "unknown" in errors. */
static const char *const read_only_keys[] = {"id", "version", "created_at", "updated_at"};
static const char *const stage_read_only_keys[] = {"position", "created_at", "updated_at"};

const char *stage_kind_name(enum stage_kind kind)
{
    return (size_t)kind < COUNT(kind_names) ? kind_names[kind] : "open";
}

bool stage_kind_parse(const char *text, enum stage_kind *out)
{
    for (size_t i = 0; text != NULL && i < COUNT(kind_names); i++) {
        if (strcmp(kind_names[i], text) == 0) {
            *out = (enum stage_kind)i;
            return true;
        }
    }
    return false;
}

bool deal_reason_kind_valid(const char *text)
{
    return text != NULL && (strcmp(text, "won") == 0 || strcmp(text, "lost") == 0);
}

/*
 * A name: trimmed, 1..max_chars characters, no control characters; a new
 * JSON string, or NULL with a field error on path.
 */
static json_t *name_check(const json_t *value, const char *path, size_t max_chars, struct err *err)
{
    if (!json_is_string(value)) {
        err_field(err, path, "must be a string");
        return NULL;
    }
    const char *s = json_string_value(value);
    size_t len = json_string_length(value);
    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0) {
        err_field(err, path, "must not be empty");
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            err_field(err, path, "must not contain control characters");
            return NULL;
        }
    }
    if (utf8_count(s, len) > max_chars) {
        err_field(err, path, "must be at most %zu characters", max_chars);
        return NULL;
    }
    return json_stringn(s, len);
}

/* An integer from min to max, else a field error on path. */
static bool int_check(const json_t *value, const char *path, json_int_t min, json_int_t max,
                      struct err *err)
{
    if (json_is_integer(value) && json_integer_value(value) >= min &&
        json_integer_value(value) <= max)
        return true;
    err_field(err, path, "must be an integer from %lld to %lld", (long long)min, (long long)max);
    return false;
}

/* Whether two names are the same but for ASCII case. */
static bool same_name(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    }
    return *a == *b;
}

/* The stage of the current list with this id, or NULL. */
static const json_t *stage_by_id(const json_t *current_stages, const json_t *id)
{
    size_t i;
    const json_t *stage;
    if (!json_is_integer(id))
        return NULL;
    json_array_foreach(current_stages, i, stage)
    {
        if (json_integer_value(json_object_get(stage, "id")) == json_integer_value(id))
            return stage;
    }
    return NULL;
}

/*
 * One stage of a body's list, complete: what the body gives, else what the
 * kept stage (base) had, else the kind's default. NULL after field errors.
 */
static json_t *stage_check(const json_t *item, size_t index, const json_t *current_stages,
                           struct err *err)
{
    static const char *const allowed[] = {"id", "name", "probability", "kind", "rot_days"};
    char prefix[32], path[64];
    snprintf(prefix, sizeof(prefix), "stages[%zu]", index);
    if (!json_is_object(item)) {
        err_field(err, prefix, "must be an object");
        return NULL;
    }
    snprintf(path, sizeof(path), "%s.", prefix);
    bool ok = record_keys_check(item, path, allowed, COUNT(allowed), stage_read_only_keys,
                                COUNT(stage_read_only_keys), err);
    json_t *out = json_object();

    const json_t *base = NULL;
    const json_t *value = json_object_get(item, "id");
    if (value != NULL) {
        base = stage_by_id(current_stages, value);
        if (base == NULL) {
            snprintf(path, sizeof(path), "%s.id", prefix);
            err_field(err, path, "is not a stage of this pipeline");
            ok = false;
        } else {
            json_object_set(out, "id", json_object_get(base, "id"));
        }
    }

    enum stage_kind kind = STAGE_OPEN;
    bool kind_known = false;
    snprintf(path, sizeof(path), "%s.kind", prefix);
    value = json_object_get(item, "kind");
    if (value == NULL && base != NULL)
        value = json_object_get(base, "kind");
    if (value == NULL) {
        err_field(err, path, "is required");
        ok = false;
    } else if (!stage_kind_parse(json_string_value(value), &kind)) {
        err_field(err, path, "must be open, won or lost");
        ok = false;
    } else {
        kind_known = true;
        json_object_set_new(out, "kind", json_string(stage_kind_name(kind)));
    }
    bool terminal = kind_known && kind != STAGE_OPEN;

    snprintf(path, sizeof(path), "%s.name", prefix);
    value = json_object_get(item, "name");
    if (value != NULL) {
        json_t *name = name_check(value, path, PIPELINE_NAME_MAX_CHARS, err);
        if (name == NULL)
            ok = false;
        else
            json_object_set_new(out, "name", name);
    } else if (base != NULL) {
        json_object_set(out, "name", json_object_get(base, "name"));
    } else {
        err_field(err, path, "is required");
        ok = false;
    }

    snprintf(path, sizeof(path), "%s.probability", prefix);
    value = json_object_get(item, "probability");
    if (value != NULL) {
        if (int_check(value, path, 0, 100, err))
            json_object_set(out, "probability", (json_t *)value);
        else
            ok = false;
    } else if (terminal) {
        json_object_set_new(out, "probability",
                            json_integer(kind == STAGE_WON ? WON_PROBABILITY : LOST_PROBABILITY));
    } else if (base != NULL) {
        json_object_set(out, "probability", json_object_get(base, "probability"));
    } else if (kind_known) {
        err_field(err, path, "is required");
        ok = false;
    }
    value = json_object_get(out, "probability");
    if (terminal && value != NULL) {
        json_int_t want = kind == STAGE_WON ? WON_PROBABILITY : LOST_PROBABILITY;
        if (json_integer_value(value) != want) {
            err_field(err, path, "must be %lld for a %s stage", (long long)want,
                      stage_kind_name(kind));
            ok = false;
        }
    }

    snprintf(path, sizeof(path), "%s.rot_days", prefix);
    value = json_object_get(item, "rot_days");
    if (value == NULL && base != NULL && !terminal)
        value = json_object_get(base, "rot_days");
    if (value == NULL || json_is_null(value)) {
        json_object_set_new(out, "rot_days", json_null());
    } else if (!json_is_integer(value) || json_integer_value(value) < 1 ||
               json_integer_value(value) > STAGE_ROT_DAYS_MAX) {
        err_field(err, path, "must be null or an integer from 1 to %d", STAGE_ROT_DAYS_MAX);
        ok = false;
    } else if (terminal) {
        err_field(err, path, "must be null for a won or lost stage: closed deals do not rot");
        ok = false;
    } else {
        json_object_set(out, "rot_days", (json_t *)value);
    }

    json_object_set_new(out, "position", json_integer((json_int_t)index));
    if (!ok) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* Whether an earlier stage of list has the same id or name as stage; a field error if so. */
static bool stage_unique(const json_t *list, const json_t *stage, size_t index, struct err *err)
{
    size_t i;
    const json_t *other;
    char path[64];
    const json_t *id = json_object_get(stage, "id");
    const char *name = json_string_value(json_object_get(stage, "name"));
    bool ok = true;
    json_array_foreach(list, i, other)
    {
        const json_t *other_id = json_object_get(other, "id");
        if (id != NULL && other_id != NULL && json_equal(id, other_id)) {
            snprintf(path, sizeof(path), "stages[%zu].id", index);
            err_field(err, path, "is listed twice");
            ok = false;
        }
        if (same_name(name, json_string_value(json_object_get(other, "name")))) {
            snprintf(path, sizeof(path), "stages[%zu].name", index);
            err_field(err, path, "is the name of another stage");
            ok = false;
        }
    }
    return ok;
}

/* The kinds of a complete list: open stages first, at least one of each kind. */
static bool stage_kinds_check(const json_t *list, struct err *err)
{
    size_t counts[COUNT(kind_names)] = {0};
    size_t i;
    const json_t *stage;
    bool ok = true, terminal_seen = false;
    json_array_foreach(list, i, stage)
    {
        enum stage_kind kind = STAGE_OPEN;
        stage_kind_parse(json_string_value(json_object_get(stage, "kind")), &kind);
        counts[kind]++;
        if (kind != STAGE_OPEN) {
            terminal_seen = true;
        } else if (terminal_seen) {
            char path[64];
            snprintf(path, sizeof(path), "stages[%zu].kind", i);
            err_field(err, path, "open stages come before the won and lost stages");
            ok = false;
        }
    }
    for (size_t k = 0; k < COUNT(kind_names); k++) {
        if (counts[k] == 0) {
            err_field(err, "stages", "need at least one %s stage", kind_names[k]);
            ok = false;
        }
    }
    return ok;
}

/* A body's stage list, complete and checked; NULL after field errors. */
static json_t *stages_check(const json_t *value, const json_t *current_stages, struct err *err)
{
    if (!json_is_array(value) || json_array_size(value) == 0 ||
        json_array_size(value) > PIPELINE_STAGES_MAX) {
        err_field(err, "stages", "must be a list of 1 to %d stages", PIPELINE_STAGES_MAX);
        return NULL;
    }
    json_t *list = json_array();
    bool ok = true;
    size_t i;
    const json_t *item;
    json_array_foreach(value, i, item)
    {
        json_t *stage = stage_check(item, i, current_stages, err);
        if (stage == NULL) {
            ok = false;
            continue;
        }
        if (!stage_unique(list, stage, i, err))
            ok = false;
        json_array_append_new(list, stage);
    }
    if (ok)
        ok = stage_kinds_check(list, err);
    if (!ok) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* Drops the keys of clean whose value equals current's. */
static void keep_changes(json_t *clean, const json_t *current)
{
    const char *key;
    json_t *value;
    void *tmp;
    json_object_foreach_safe(clean, tmp, key, value)
    {
        if (json_equal(value, json_object_get(current, key)))
            json_object_del(clean, key);
    }
}

/* Answers clean, or drops it and answers the field errors. */
static int validate_finish(json_t *clean, const json_t *current, json_t **clean_out,
                           struct err *err)
{
    if (err->code != ERR_OK) {
        json_decref(clean);
        return -(int)err->code;
    }
    if (current != NULL)
        keep_changes(clean, current);
    *clean_out = clean;
    return 0;
}

int pipeline_validate(const json_t *body, const json_t *current, json_t **clean_out,
                      struct err *err)
{
    static const char *const allowed[] = {"name", "position", "stages"};
    *clean_out = NULL;
    if (!json_is_object(body))
        return err_set(err, ERR_BAD_REQUEST, "the body must be a JSON object");
    record_keys_check(body, "", allowed, COUNT(allowed), read_only_keys, COUNT(read_only_keys),
                      err);
    json_t *clean = json_object();
    const json_t *value = json_object_get(body, "name");
    if (value != NULL) {
        json_t *name = name_check(value, "name", PIPELINE_NAME_MAX_CHARS, err);
        if (name != NULL)
            json_object_set_new(clean, "name", name);
    } else if (current == NULL) {
        err_field(err, "name", "is required");
    }
    value = json_object_get(body, "position");
    if (value != NULL && int_check(value, "position", 0, PIPELINE_POSITION_MAX, err))
        json_object_set(clean, "position", (json_t *)value);
    value = json_object_get(body, "stages");
    if (value != NULL) {
        json_t *stages =
            stages_check(value, current ? json_object_get(current, "stages") : NULL, err);
        if (stages != NULL)
            json_object_set_new(clean, "stages", stages);
    } else if (current == NULL) {
        err_field(err, "stages", "is required");
    }
    return validate_finish(clean, current, clean_out, err);
}

int deal_reason_validate(const json_t *body, const json_t *current, json_t **clean_out,
                         struct err *err)
{
    static const char *const allowed[] = {"kind", "name", "position", "active"};
    *clean_out = NULL;
    if (!json_is_object(body))
        return err_set(err, ERR_BAD_REQUEST, "the body must be a JSON object");
    record_keys_check(body, "", allowed, COUNT(allowed), read_only_keys, COUNT(read_only_keys),
                      err);
    json_t *clean = json_object();
    const json_t *value = json_object_get(body, "kind");
    if (value == NULL) {
        if (current == NULL)
            err_field(err, "kind", "is required");
    } else if (!deal_reason_kind_valid(json_string_value(value))) {
        err_field(err, "kind", "must be won or lost");
    } else if (current != NULL && !json_equal(value, json_object_get(current, "kind"))) {
        err_field(err, "kind", "cannot be changed; add a reason of the other kind instead");
    } else {
        json_object_set(clean, "kind", (json_t *)value);
    }
    value = json_object_get(body, "name");
    if (value != NULL) {
        json_t *name = name_check(value, "name", DEAL_REASON_NAME_MAX_CHARS, err);
        if (name != NULL)
            json_object_set_new(clean, "name", name);
    } else if (current == NULL) {
        err_field(err, "name", "is required");
    }
    value = json_object_get(body, "position");
    if (value != NULL && int_check(value, "position", 0, PIPELINE_POSITION_MAX, err))
        json_object_set(clean, "position", (json_t *)value);
    value = json_object_get(body, "active");
    if (value != NULL) {
        if (json_is_boolean(value))
            json_object_set(clean, "active", (json_t *)value);
        else
            err_field(err, "active", "must be true or false");
    }
    return validate_finish(clean, current, clean_out, err);
}
