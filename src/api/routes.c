/*
 * The route table: every endpoint is one row. The OpenAPI document and the
 * route-walking tests are generated from these rows.
 */
#include "api/api.h"

#define RECORD_ROUTES(plural)                                                                      \
    {"GET", "/api/v1/" plural, records_list, "List " plural, plural, 0},                           \
        {"POST", "/api/v1/" plural, records_create, "Create a record", plural, 0},                 \
        {"GET", "/api/v1/" plural "/{id}", records_get, "Get one record", plural, 0},              \
        {"PATCH", "/api/v1/" plural "/{id}", records_update, "Update a record", plural, 0},        \
        {"DELETE", "/api/v1/" plural "/{id}", records_delete, "Move a record to the trash",        \
         plural, 0},                                                                               \
        {"POST", "/api/v1/" plural "/{id}/restore", records_restore,                               \
         "Restore a record from the trash", plural, 0}

static const struct route routes[] = {
    {"GET", "/healthz", health_get, "Liveness and database check", "system", ROUTE_PUBLIC},
    {"GET", "/api/v1/openapi.json", openapi_get, "This API description", "system", ROUTE_PUBLIC},
    RECORD_ROUTES("companies"),
    RECORD_ROUTES("contacts"),
    {"GET", "/api/v1/fields", fields_list, "List custom field definitions", "fields", 0},
    {"POST", "/api/v1/fields", fields_create, "Define a custom field", "fields", 0},
    {"GET", "/api/v1/fields/{id}", fields_get, "Get a custom field definition", "fields", 0},
    {"PATCH", "/api/v1/fields/{id}", fields_update, "Change a custom field's label, options or "
                                                     "required flag", "fields", 0},
    {"DELETE", "/api/v1/fields/{id}", fields_delete, "Remove a custom field definition", "fields",
     0},
    {"POST", "/api/v1/auth/login", auth_login, "Sign in with e-mail and password", "auth",
     ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/totp", auth_totp, "Finish signing in with a one-time code", "auth",
     ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/logout", auth_logout, "Sign out", "auth", 0},
    {"GET", "/api/v1/auth/me", auth_me, "The signed-in user and their rights", "auth", 0},
    {"POST", "/api/v1/auth/password", auth_password, "Change one's password", "auth", 0},
    {"POST", "/api/v1/auth/totp/setup", auth_totp_setup, "Start setting up two-factor sign-in",
     "auth", 0},
    {"POST", "/api/v1/auth/totp/enable", auth_totp_enable,
     "Turn two-factor sign-in on; answers recovery codes", "auth", 0},
    {"POST", "/api/v1/auth/totp/disable", auth_totp_disable, "Turn two-factor sign-in off",
     "auth", 0},
    {"GET", "/api/v1/users", users_list, "List users", "users", 0},
    {"POST", "/api/v1/users", users_create, "Create a user (administrators)", "users", 0},
    {"GET", "/api/v1/users/{id}", users_get, "Get one user", "users", 0},
    {"PATCH", "/api/v1/users/{id}", users_update, "Change a user (administrators)", "users", 0},
    {"POST", "/api/v1/users/{id}/password", users_reset_password,
     "Reset a user's password (administrators)", "users", 0},
    {"GET", "/api/v1/teams", teams_list, "List teams", "teams", 0},
    {"POST", "/api/v1/teams", teams_create, "Create a team (administrators)", "teams", 0},
    {"GET", "/api/v1/teams/{id}", teams_get, "Get one team", "teams", 0},
    {"PATCH", "/api/v1/teams/{id}", teams_update, "Rename a team (administrators)", "teams", 0},
    {"DELETE", "/api/v1/teams/{id}", teams_delete, "Delete a team without members "
                                                    "(administrators)", "teams", 0},
    {"GET", "/api/v1/roles", roles_list, "List roles", "roles", 0},
    {"POST", "/api/v1/roles", roles_create, "Create a role (administrators)", "roles", 0},
    {"GET", "/api/v1/roles/{id}", roles_get, "Get one role", "roles", 0},
    {"PATCH", "/api/v1/roles/{id}", roles_update, "Change a role's rights (administrators)",
     "roles", 0},
    {"DELETE", "/api/v1/roles/{id}", roles_delete, "Delete an unused role (administrators)",
     "roles", 0},
    {"GET", "/api/v1/tokens", tokens_list, "List one's API tokens", "tokens", 0},
    {"POST", "/api/v1/tokens", tokens_create, "Make an API token; answers it once", "tokens", 0},
    {"DELETE", "/api/v1/tokens/{id}", tokens_delete, "Revoke an API token", "tokens", 0},
    {"GET", "/api/v1/audit", audit_list, "A record's change history", "audit", 0},
    {"GET", "/api/v1/audit/security", audit_security_list,
     "The security log (administrators)", "audit", 0},
};

const struct route *api_routes(size_t *n_routes)
{
    *n_routes = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
