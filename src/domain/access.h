/*
 * Who may do what: roles, scopes and field rights, and the caller they are
 * checked for. A role grants each entity and action a scope (none, own,
 * team, all) and may mark fields hidden or read-only. The store turns an
 * access (a scope for one caller) into the visibility predicate of every
 * query, so no entity can forget it; this file holds the rules alone.
 */
#ifndef CRM_DOMAIN_ACCESS_H
#define CRM_DOMAIN_ACCESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct entity;
struct schema;

enum access_action {
    ACCESS_READ,
    ACCESS_CREATE,
    ACCESS_UPDATE,
    ACCESS_DELETE,
    ACCESS_EXPORT,
    ACCESS_IMPORT,
    ACCESS_MERGE,
    ACCESS_REASSIGN,
    ACCESS_N_ACTIONS
};

enum access_scope { SCOPE_NONE, SCOPE_OWN, SCOPE_TEAM, SCOPE_ALL };

enum field_right { FIELD_RIGHT_FULL, FIELD_RIGHT_READ_ONLY, FIELD_RIGHT_HIDDEN };

/* API token scopes; a browser session holds all of them. */
enum token_scope {
    TOKEN_SCOPE_READ = 1 << 0,
    TOKEN_SCOPE_WRITE = 1 << 1,
    TOKEN_SCOPE_ADMIN = 1 << 2,
    TOKEN_SCOPE_ALL = TOKEN_SCOPE_READ | TOKEN_SCOPE_WRITE | TOKEN_SCOPE_ADMIN,
};

#define ACCESS_MAX_ENTITIES 24

struct field_rule {
    const char *entity; /* "contacts" */
    const char *field;  /* "birthday" or "custom.vip_level" */
    enum field_right right;
};

struct role {
    int64_t id;
    const char *name; /* "sales_rep" */
    bool is_admin;
    /* Indexed by the entity's position in entity_at() and by action. */
    enum access_scope scopes[ACCESS_MAX_ENTITIES][ACCESS_N_ACTIONS];
    const struct field_rule *field_rules;
    size_t n_field_rules;
};

/* The signed-in caller of a request (or a job acting for a user). */
struct actor {
    int64_t user_id;
    int64_t team_id; /* 0: no team */
    const struct role *role;
    unsigned token_scopes; /* enum token_scope bits */
    int64_t session_id;    /* 0 unless signed in with a cookie */
    int64_t token_id;      /* 0 unless signed in with an API token */
};

/*
 * What the store needs to limit a query to what one caller may reach: the
 * scope, and whose records "own" and "team" mean. read_scope holds the
 * caller's read scope over every entity (indexed as entity_at()), so that
 * references and links to records the caller may not see are left out of
 * answers and refused as new references.
 */
struct access {
    enum access_scope scope;
    int64_t user_id;
    int64_t team_id;
    enum access_scope read_scope[ACCESS_MAX_ENTITIES];
};

/* Everything, for the server's own work (demo data, operators' commands). */
extern const struct access access_system;

const char *access_action_name(enum access_action action);
/* -1 when unknown. */
int access_action_parse(const char *name);
const char *access_scope_name(enum access_scope scope);
int access_scope_parse(const char *name);

/*
 * Parses a role's permissions ({"contacts":{"read":"own",...}}) and field
 * rights ({"contacts":{"birthday":"hidden"}}) into out; name and id are the
 * caller's to fill. Unknown entities, actions, scopes, fields and rights
 * are field errors (ERR_VALIDATION) named "permissions.<entity>[.<action>]"
 * or "fields.<entity>.<field>". Actions left out get SCOPE_NONE. Custom
 * fields ("custom.<name>") are accepted by name alone.
 */
int role_parse(struct arena *arena, const json_t *permissions, const json_t *fields,
               bool is_admin, struct role *out, struct err *err);
/* The role as API JSON parts: every entity with all its actions; the field rules. */
json_t *role_permissions_json(const struct role *role);
json_t *role_fields_json(const struct role *role);

/* The built-in roles, in order: admin, manager, sales_rep, read_only. */
size_t role_builtin_count(void);
/* Fills out with built-in role i; *label gets its display name. */
void role_builtin(size_t i, const char **name, const char **label, struct role *out);

/*
 * The caller's scope for an action on an entity: the role's, then limited
 * by the token: without TOKEN_SCOPE_WRITE only ACCESS_READ is granted.
 */
enum access_scope actor_scope(const struct actor *actor, const struct entity *entity,
                              enum access_action action);
/* The access the store applies for the caller's action on entity (read_scope filled for all). */
struct access actor_access(const struct actor *actor, const struct entity *entity,
                           enum access_action action);
bool actor_is_admin(const struct actor *actor);
enum field_right actor_field_right(const struct actor *actor, const struct entity *entity,
                                   const char *field);

/* Whether a record owned by owner_id (whose team is owner_team_id) is in scope. */
bool access_allows_owner(const struct access *access, int64_t owner_id, int64_t owner_team_id);

/* Whether any rule of the actor's role hides a field of entity. */
bool actor_hides_any(const struct actor *actor, const struct entity *entity);
/* Removes hidden fields (and hidden custom values) from a record or an array of them. */
void actor_hide_fields(const struct actor *actor, const struct entity *entity, json_t *records);
/*
 * A copy of schema without the hidden fields (so they cannot be filtered or
 * sorted on), without the relations through hidden fields or to entities
 * the caller reads none of, and with each relation's target schema stripped
 * of the fields the role hides on the target entity. Relations to records
 * the caller reads only some of stay: the store limits them to those.
 */
const struct schema *actor_filter_schema(struct arena *arena, const struct actor *actor,
                                         const struct entity *entity,
                                         const struct schema *schema);
/*
 * Checks a create or update body for fields the caller may not write:
 * hidden or read-only fields, custom values included, are field errors
 * (ERR_VALIDATION). owner_id is left to the caller (reassign).
 */
int actor_check_writable(const struct actor *actor, const struct entity *entity,
                         const json_t *body, struct err *err);

#endif
