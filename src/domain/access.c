/*
 * Roles, scopes and field rights. A role is a table of scopes indexed by
 * entity (its position in entity_at()) and action, plus a short list of
 * field rules; the built-in roles are rows of a table below. An actor's
 * scope is the role's, narrowed by the scopes of the API token it signed in
 * with; the store turns the resulting struct access into SQL.
 */
#include "domain/access.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "domain/entity.h"
#include "query/filter.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define CUSTOM_PREFIX "custom."
#define CUSTOM_PREFIX_LEN (sizeof(CUSTOM_PREFIX) - 1)
#define CUSTOM_NAME_MAX 63

#define FOUR_ALL SCOPE_ALL, SCOPE_ALL, SCOPE_ALL, SCOPE_ALL
_Static_assert(ACCESS_MAX_ENTITIES == 24, "access_system names every entity's read scope");
const struct access access_system = {
    SCOPE_ALL, 0, 0, {FOUR_ALL, FOUR_ALL, FOUR_ALL, FOUR_ALL, FOUR_ALL, FOUR_ALL}};

static const char *const action_names[ACCESS_N_ACTIONS] = {
    [ACCESS_READ] = "read",     [ACCESS_CREATE] = "create", [ACCESS_UPDATE] = "update",
    [ACCESS_DELETE] = "delete", [ACCESS_EXPORT] = "export", [ACCESS_IMPORT] = "import",
    [ACCESS_MERGE] = "merge",   [ACCESS_REASSIGN] = "reassign",
};

static const char *const scope_names[] = {
    [SCOPE_NONE] = "none", [SCOPE_OWN] = "own", [SCOPE_TEAM] = "team", [SCOPE_ALL] = "all"};

static const char *const right_names[] = {
    [FIELD_RIGHT_FULL] = "full", [FIELD_RIGHT_READ_ONLY] = "read_only",
    [FIELD_RIGHT_HIDDEN] = "hidden"};

/* Fields every answer needs to make sense of a record; they may be read-only, never hidden. */
static const char *const unhideable_fields[] = {"id",         "version",    "created_at",
                                                "updated_at", "deleted_at", "owner_id"};

/*
 * The built-in roles. Each names a scope per action for the entities it
 * lists and a default row for every other entity, including entities added
 * later:
 *   - admin: all everywhere (is_admin);
 *   - manager: team for every action on every entity, except that the
 *     shared lists (products, price lists, competitors, lead rules, forms) are read and
 *     exported whoever made them;
 *   - sales_rep: contacts own for every action but reassign (none);
 *     companies read team, create/update/delete/export own, the rest none;
 *     products (the catalogue) read and export all, the rest none; lead
 *     scoring and assignment rules and forms (configuration) read all;
 *     price lists read and export all;
 *     competitors (a shared list) read and export all, create/update/delete
 *     own, the rest none;
 *     any entity not named: own for every action but import and reassign
 *     (none);
 *   - read_only: read all, everything else none.
 */
struct builtin_grant {
    const char *entity;
    enum access_scope scopes[ACCESS_N_ACTIONS];
};

struct builtin_role {
    const char *name;
    const char *label;
    bool is_admin;
    enum access_scope defaults[ACCESS_N_ACTIONS];
    const struct builtin_grant *grants;
    size_t n_grants;
};

#define ALL_ACTIONS(scope) {scope, scope, scope, scope, scope, scope, scope, scope}

static const struct builtin_grant sales_rep_grants[] = {
    {"contacts",
     {[ACCESS_READ] = SCOPE_OWN, [ACCESS_CREATE] = SCOPE_OWN, [ACCESS_UPDATE] = SCOPE_OWN,
      [ACCESS_DELETE] = SCOPE_OWN, [ACCESS_EXPORT] = SCOPE_OWN, [ACCESS_IMPORT] = SCOPE_OWN,
      [ACCESS_MERGE] = SCOPE_OWN, [ACCESS_REASSIGN] = SCOPE_NONE}},
    {"companies",
     {[ACCESS_READ] = SCOPE_TEAM, [ACCESS_CREATE] = SCOPE_OWN, [ACCESS_UPDATE] = SCOPE_OWN,
      [ACCESS_DELETE] = SCOPE_OWN, [ACCESS_EXPORT] = SCOPE_OWN, [ACCESS_IMPORT] = SCOPE_NONE,
      [ACCESS_MERGE] = SCOPE_NONE, [ACCESS_REASSIGN] = SCOPE_NONE}},
    {"products", {[ACCESS_READ] = SCOPE_ALL, [ACCESS_EXPORT] = SCOPE_ALL}},
    {"lead-scoring-rules", {[ACCESS_READ] = SCOPE_ALL}},
    {"lead-assignment-rules", {[ACCESS_READ] = SCOPE_ALL}},
    {"forms", {[ACCESS_READ] = SCOPE_ALL}},
    {"price-lists", {[ACCESS_READ] = SCOPE_ALL, [ACCESS_EXPORT] = SCOPE_ALL}},
    {"competitors",
     {[ACCESS_READ] = SCOPE_ALL, [ACCESS_CREATE] = SCOPE_OWN, [ACCESS_UPDATE] = SCOPE_OWN,
      [ACCESS_DELETE] = SCOPE_OWN, [ACCESS_EXPORT] = SCOPE_ALL, [ACCESS_IMPORT] = SCOPE_NONE,
      [ACCESS_MERGE] = SCOPE_NONE, [ACCESS_REASSIGN] = SCOPE_NONE}},
};

/* What everyone shares whoever made it: read by all of a manager's team and beyond. */
#define SHARED_MANAGED                                                                             \
    {[ACCESS_READ] = SCOPE_ALL, [ACCESS_CREATE] = SCOPE_TEAM, [ACCESS_UPDATE] = SCOPE_TEAM,      \
     [ACCESS_DELETE] = SCOPE_TEAM, [ACCESS_EXPORT] = SCOPE_ALL, [ACCESS_IMPORT] = SCOPE_TEAM,     \
     [ACCESS_MERGE] = SCOPE_TEAM, [ACCESS_REASSIGN] = SCOPE_TEAM}

static const struct builtin_grant manager_grants[] = {
    {"products", SHARED_MANAGED},           {"competitors", SHARED_MANAGED},
    {"lead-scoring-rules", SHARED_MANAGED}, {"lead-assignment-rules", SHARED_MANAGED},
    {"forms", SHARED_MANAGED},              {"price-lists", SHARED_MANAGED},
};

static const struct builtin_role builtin_roles[] = {
    {"admin", "Administrator", true, ALL_ACTIONS(SCOPE_ALL), NULL, 0},
    {"manager", "Manager", false, ALL_ACTIONS(SCOPE_TEAM), manager_grants,
     COUNT(manager_grants)},
    {"sales_rep", "Sales rep", false,
     {[ACCESS_READ] = SCOPE_OWN, [ACCESS_CREATE] = SCOPE_OWN, [ACCESS_UPDATE] = SCOPE_OWN,
      [ACCESS_DELETE] = SCOPE_OWN, [ACCESS_EXPORT] = SCOPE_OWN, [ACCESS_IMPORT] = SCOPE_NONE,
      [ACCESS_MERGE] = SCOPE_OWN, [ACCESS_REASSIGN] = SCOPE_NONE},
     sales_rep_grants, COUNT(sales_rep_grants)},
    {"read_only", "Read only", false, {[ACCESS_READ] = SCOPE_ALL}, NULL, 0},
};

const char *access_action_name(enum access_action action)
{
    assert((unsigned)action < ACCESS_N_ACTIONS);
    return action_names[action];
}

static int name_index(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name != NULL && i < n; i++) {
        if (strcmp(names[i], name) == 0)
            return (int)i;
    }
    return -1;
}

int access_action_parse(const char *name)
{
    return name_index(action_names, COUNT(action_names), name);
}

const char *access_scope_name(enum access_scope scope)
{
    assert((unsigned)scope < COUNT(scope_names));
    return scope_names[scope];
}

int access_scope_parse(const char *name)
{
    return name_index(scope_names, COUNT(scope_names), name);
}

/* Sets every action on every entity of the table; rows past entity_count() stay as they are. */
static void role_grant_all(struct role *role, enum access_scope scope)
{
    for (size_t e = 0; e < entity_count(); e++) {
        for (size_t a = 0; a < ACCESS_N_ACTIONS; a++)
            role->scopes[e][a] = scope;
    }
}

static bool custom_name_valid(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > CUSTOM_NAME_MAX || !(name[0] >= 'a' && name[0] <= 'z'))
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

static bool field_unhideable(const char *name)
{
    return name_index(unhideable_fields, COUNT(unhideable_fields), name) >= 0;
}

static void role_parse_permissions(const json_t *permissions, struct role *out, struct err *err)
{
    if (permissions == NULL)
        return;
    if (!json_is_object(permissions)) {
        err_field(err, "permissions", "must be an object of entities");
        return;
    }
    const char *entity_name;
    const json_t *actions;
    json_object_foreach((json_t *)permissions, entity_name, actions)
    {
        char path[96];
        snprintf(path, sizeof(path), "permissions.%.64s", entity_name);
        const struct entity *entity = entity_find(entity_name);
        if (entity == NULL) {
            err_field(err, path, "unknown entity");
            continue;
        }
        size_t e = entity_index(entity);
        if (!json_is_object(actions)) {
            err_field(err, path, "must be an object of actions");
            continue;
        }
        const char *action_name;
        const json_t *scope;
        json_object_foreach((json_t *)actions, action_name, scope)
        {
            char action_path[192];
            snprintf(action_path, sizeof(action_path), "%s.%.64s", path, action_name);
            int a = access_action_parse(action_name);
            if (a < 0) {
                err_field(err, action_path, "unknown action");
                continue;
            }
            int s = access_scope_parse(json_string_value(scope));
            if (s < 0) {
                err_field(err, action_path, "must be none, own, team or all");
                continue;
            }
            out->scopes[e][a] = (enum access_scope)s;
        }
    }
}

/* Checks one field rule; returns the field's name to keep (arena copy or static), or NULL. */
static const char *role_check_field(struct arena *arena, const struct entity *entity,
                                    const char *field, enum field_right right, const char *path,
                                    struct err *err)
{
    if (strncmp(field, CUSTOM_PREFIX, CUSTOM_PREFIX_LEN) == 0) {
        if (!custom_name_valid(field + CUSTOM_PREFIX_LEN)) {
            err_field(err, path, "is not a valid custom field name");
            return NULL;
        }
        return arena_strdup(arena, field);
    }
    const struct entity_field *f = entity_field_find(entity, field);
    if (f == NULL) {
        err_field(err, path, "unknown field");
        return NULL;
    }
    if (right == FIELD_RIGHT_HIDDEN && field_unhideable(field)) {
        err_field(err, path, "cannot be hidden");
        return NULL;
    }
    return f->name;
}

static void role_parse_fields(struct arena *arena, const json_t *fields, struct role *out,
                              struct err *err)
{
    if (fields == NULL)
        return;
    if (!json_is_object(fields)) {
        err_field(err, "fields", "must be an object of entities");
        return;
    }
    size_t cap = 0;
    const char *entity_name;
    const json_t *rules;
    json_object_foreach((json_t *)fields, entity_name, rules)
    {
        cap += json_object_size(rules);
    }
    struct field_rule *items = cap ? arena_alloc_array(arena, cap, sizeof(*items)) : NULL;
    size_t n = 0;
    json_object_foreach((json_t *)fields, entity_name, rules)
    {
        char path[96];
        snprintf(path, sizeof(path), "fields.%.64s", entity_name);
        const struct entity *entity = entity_find(entity_name);
        if (entity == NULL) {
            err_field(err, path, "unknown entity");
            continue;
        }
        if (!json_is_object(rules)) {
            err_field(err, path, "must be an object of fields");
            continue;
        }
        const char *field;
        const json_t *value;
        json_object_foreach((json_t *)rules, field, value)
        {
            char field_path[192];
            snprintf(field_path, sizeof(field_path), "%s.%.64s", path, field);
            int right = name_index(right_names, COUNT(right_names), json_string_value(value));
            if (right < 0) {
                err_field(err, field_path, "must be hidden, read_only or full");
                continue;
            }
            const char *name = role_check_field(arena, entity, field, (enum field_right)right,
                                                field_path, err);
            /* "full" is what every field has without a rule; nothing to keep. */
            if (name == NULL || right == FIELD_RIGHT_FULL)
                continue;
            assert(n < cap);
            items[n++] = (struct field_rule){entity->name, name, (enum field_right)right};
        }
    }
    out->field_rules = items;
    out->n_field_rules = n;
}

int role_parse(struct arena *arena, const json_t *permissions, const json_t *fields,
               bool is_admin, struct role *out, struct err *err)
{
    assert(entity_count() <= ACCESS_MAX_ENTITIES);
    out->is_admin = is_admin;
    memset(out->scopes, 0, sizeof(out->scopes)); /* SCOPE_NONE */
    out->field_rules = NULL;
    out->n_field_rules = 0;
    role_parse_permissions(permissions, out, err);
    role_parse_fields(arena, fields, out, err);
    if (is_admin)
        role_grant_all(out, SCOPE_ALL);
    if (err->code != ERR_OK)
        return -err->code;
    return 0;
}

json_t *role_permissions_json(const struct role *role)
{
    json_t *result = json_object();
    for (size_t e = 0; e < entity_count(); e++) {
        json_t *actions = json_object();
        for (size_t a = 0; a < ACCESS_N_ACTIONS; a++)
            json_object_set_new(actions, action_names[a],
                                json_string(access_scope_name(role->scopes[e][a])));
        json_object_set_new(result, entity_at(e)->name, actions);
    }
    return result;
}

json_t *role_fields_json(const struct role *role)
{
    json_t *result = json_object();
    for (size_t i = 0; i < role->n_field_rules; i++) {
        const struct field_rule *rule = &role->field_rules[i];
        json_t *rules = json_object_get(result, rule->entity);
        if (rules == NULL) {
            rules = json_object();
            json_object_set_new(result, rule->entity, rules);
        }
        json_object_set_new(rules, rule->field, json_string(right_names[rule->right]));
    }
    return result;
}

size_t role_builtin_count(void)
{
    return COUNT(builtin_roles);
}

void role_builtin(size_t i, const char **name, const char **label, struct role *out)
{
    assert(i < COUNT(builtin_roles));
    assert(entity_count() <= ACCESS_MAX_ENTITIES);
    const struct builtin_role *b = &builtin_roles[i];
    memset(out, 0, sizeof(*out));
    out->name = b->name;
    out->is_admin = b->is_admin;
    for (size_t e = 0; e < entity_count(); e++) {
        const enum access_scope *row = b->defaults;
        for (size_t g = 0; g < b->n_grants; g++) {
            if (strcmp(b->grants[g].entity, entity_at(e)->name) == 0)
                row = b->grants[g].scopes;
        }
        memcpy(out->scopes[e], row, sizeof(out->scopes[e]));
    }
    if (name != NULL)
        *name = b->name;
    if (label != NULL)
        *label = b->label;
}

enum access_scope actor_scope(const struct actor *actor, const struct entity *entity,
                              enum access_action action)
{
    assert((unsigned)action < ACCESS_N_ACTIONS);
    if (actor == NULL || actor->role == NULL)
        return SCOPE_NONE;
    if (!(actor->token_scopes & TOKEN_SCOPE_READ))
        return SCOPE_NONE;
    if (action != ACCESS_READ && !(actor->token_scopes & TOKEN_SCOPE_WRITE))
        return SCOPE_NONE;
    if (actor->role->is_admin)
        return SCOPE_ALL;
    assert(entity_count() <= ACCESS_MAX_ENTITIES);
    return actor->role->scopes[entity_index(entity)][action];
}

struct access actor_access(const struct actor *actor, const struct entity *entity,
                           enum access_action action)
{
    assert(entity_count() <= ACCESS_MAX_ENTITIES);
    struct access access = {.scope = actor_scope(actor, entity, action)};
    if (actor != NULL) {
        access.user_id = actor->user_id;
        access.team_id = actor->team_id;
    }
    for (size_t e = 0; e < entity_count(); e++)
        access.read_scope[e] = actor_scope(actor, entity_at(e), ACCESS_READ);
    return access;
}

bool actor_is_admin(const struct actor *actor)
{
    return actor != NULL && actor->role != NULL && actor->role->is_admin &&
           (actor->token_scopes & TOKEN_SCOPE_ADMIN) != 0;
}

/*
 * A NULL actor (or one without a role) is the server's own work: no field
 * is hidden from it. Scopes are what keep records from such a caller.
 */
enum field_right actor_field_right(const struct actor *actor, const struct entity *entity,
                                   const char *field)
{
    if (actor == NULL || actor->role == NULL)
        return FIELD_RIGHT_FULL;
    const struct role *role = actor->role;
    for (size_t i = 0; i < role->n_field_rules; i++) {
        const struct field_rule *rule = &role->field_rules[i];
        if (strcmp(rule->entity, entity->name) == 0 && strcmp(rule->field, field) == 0)
            return rule->right;
    }
    return FIELD_RIGHT_FULL;
}

bool access_allows_owner(const struct access *access, int64_t owner_id, int64_t owner_team_id)
{
    switch (access->scope) {
    case SCOPE_ALL:
        return true;
    case SCOPE_OWN:
        return access->user_id != 0 && owner_id == access->user_id;
    case SCOPE_TEAM:
        if (access->user_id != 0 && owner_id == access->user_id)
            return true;
        return access->team_id != 0 && owner_team_id == access->team_id;
    case SCOPE_NONE:
        break;
    }
    return false;
}

bool actor_hides_any(const struct actor *actor, const struct entity *entity)
{
    if (actor == NULL || actor->role == NULL)
        return false;
    for (size_t i = 0; i < actor->role->n_field_rules; i++) {
        const struct field_rule *rule = &actor->role->field_rules[i];
        if (rule->right == FIELD_RIGHT_HIDDEN && strcmp(rule->entity, entity->name) == 0)
            return true;
    }
    return false;
}

static void record_hide_fields(const struct role *role, const struct entity *entity,
                               json_t *record)
{
    if (!json_is_object(record))
        return;
    for (size_t i = 0; i < role->n_field_rules; i++) {
        const struct field_rule *rule = &role->field_rules[i];
        if (rule->right != FIELD_RIGHT_HIDDEN || strcmp(rule->entity, entity->name) != 0)
            continue;
        if (strncmp(rule->field, CUSTOM_PREFIX, CUSTOM_PREFIX_LEN) == 0) {
            json_t *custom = json_object_get(record, "custom");
            if (json_is_object(custom))
                json_object_del(custom, rule->field + CUSTOM_PREFIX_LEN);
            continue;
        }
        json_object_del(record, rule->field);
        const struct entity_links *links = entity->links;
        if (links != NULL && strcmp(rule->field, links->field) == 0) {
            json_object_del(record, links->expanded);
            json_object_del(record, links->cache_column);
        }
    }
}

void actor_hide_fields(const struct actor *actor, const struct entity *entity, json_t *records)
{
    if (!actor_hides_any(actor, entity))
        return;
    if (json_is_array(records)) {
        size_t i;
        json_t *record;
        json_array_foreach(records, i, record)
        {
            record_hide_fields(actor->role, entity, record);
        }
        return;
    }
    record_hide_fields(actor->role, entity, records);
}

static bool field_hidden(const struct actor *actor, const struct entity *entity,
                         const char *field)
{
    return field != NULL && actor_field_right(actor, entity, field) == FIELD_RIGHT_HIDDEN;
}

/*
 * A relation is left out of the filter schema when the caller reads none of
 * the records it leads to, or when it would reveal a hidden field: a foreign
 * key relation through a hidden column ("parent" when parent_id is hidden),
 * or the link table relation when the links field is hidden. A caller who
 * reads some of the target (own or team) keeps the relation: the store
 * limits the related records a filter looks at to those the caller may read
 * (filter_context.relation_visible).
 */
static bool relation_hidden(const struct actor *actor, const struct entity *entity,
                            const struct schema_relation *relation)
{
    const struct entity *target = entity_find(relation->target->table);
    if (target != NULL && actor_scope(actor, target, ACCESS_READ) == SCOPE_NONE)
        return true;
    if (relation->kind == RELATION_FOREIGN_KEY)
        return field_hidden(actor, entity, relation->local_column);
    const struct entity_links *links = entity->links;
    return links != NULL && relation->link_table != NULL &&
           strcmp(relation->link_table, links->table) == 0 &&
           field_hidden(actor, entity, links->field);
}

/* The fields of schema (entity's) not hidden from the caller, in the arena; *n counts them. */
static struct schema_field *visible_fields(struct arena *arena, const struct actor *actor,
                                           const struct entity *entity,
                                           const struct schema *schema, size_t *n)
{
    struct schema_field *fields =
        schema->n_fields ? arena_alloc_array(arena, schema->n_fields, sizeof(*fields)) : NULL;
    *n = 0;
    for (size_t i = 0; i < schema->n_fields; i++) {
        if (!field_hidden(actor, entity, schema->fields[i].name))
            fields[(*n)++] = schema->fields[i];
    }
    return fields;
}

/*
 * The schema a filter may use through a relation: the target's fields
 * without those the role hides on the target entity. The filter language
 * follows one relation, so the target's own relations are never offered.
 */
static const struct schema *relation_target_schema(struct arena *arena,
                                                   const struct actor *actor,
                                                   const struct schema *target)
{
    const struct entity *entity = entity_find(target->table);
    if (target->n_relations == 0 && (entity == NULL || !actor_hides_any(actor, entity)))
        return target;
    struct schema *copy = arena_alloc(arena, sizeof(*copy));
    *copy = *target;
    copy->relations = NULL;
    copy->n_relations = 0;
    if (entity != NULL)
        copy->fields = visible_fields(arena, actor, entity, target, &copy->n_fields);
    return copy;
}

const struct schema *actor_filter_schema(struct arena *arena, const struct actor *actor,
                                         const struct entity *entity,
                                         const struct schema *schema)
{
    if (!actor_hides_any(actor, entity) && schema->n_relations == 0)
        return schema;
    size_t n;
    struct schema_field *fields = visible_fields(arena, actor, entity, schema, &n);
    struct schema_relation *relations =
        schema->n_relations ? arena_alloc_array(arena, schema->n_relations, sizeof(*relations))
                            : NULL;
    size_t n_relations = 0;
    bool narrowed = n != schema->n_fields;
    for (size_t i = 0; i < schema->n_relations; i++) {
        const struct schema_relation *relation = &schema->relations[i];
        if (relation->target == NULL || relation_hidden(actor, entity, relation)) {
            narrowed = true;
            continue;
        }
        relations[n_relations] = *relation;
        relations[n_relations].target = relation_target_schema(arena, actor, relation->target);
        narrowed = narrowed || relations[n_relations].target != relation->target;
        n_relations++;
    }
    if (!narrowed)
        return schema;
    struct schema *copy = arena_alloc(arena, sizeof(*copy));
    *copy = *schema;
    copy->fields = fields;
    copy->n_fields = n;
    copy->relations = relations;
    copy->n_relations = n_relations;
    return copy;
}

int actor_check_writable(const struct actor *actor, const struct entity *entity,
                         const json_t *body, struct err *err)
{
    if (!json_is_object(body))
        return 0;
    bool refused = false;
    const struct entity_links *links = entity->links;
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)body, key, value)
    {
        if (strcmp(key, "owner_id") == 0)
            continue;
        if (strcmp(key, "custom") == 0 && json_is_object(value)) {
            const char *name;
            const json_t *item;
            json_object_foreach((json_t *)value, name, item)
            {
                char path[96];
                snprintf(path, sizeof(path), CUSTOM_PREFIX "%.80s", name);
                if (actor_field_right(actor, entity, path) != FIELD_RIGHT_FULL) {
                    err_field(err, path, "you may not change this field");
                    refused = true;
                }
            }
            continue;
        }
        /* The expanded links ("companies") carry the rights of the links field. */
        const char *field =
            links != NULL && strcmp(key, links->expanded) == 0 ? links->field : key;
        if (actor_field_right(actor, entity, field) != FIELD_RIGHT_FULL) {
            err_field(err, key, "you may not change this field");
            refused = true;
        }
    }
    return refused ? -ERR_VALIDATION : 0;
}
