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
    RECORD_ROUTES("deals"),
    {"POST", "/api/v1/deals/{id}/move", deals_move,
     "Move a deal to another stage (a reason to win or lose it)", "deals", 0},
    {"GET", "/api/v1/deals/{id}/history", deals_history, "The stages a deal entered, oldest first",
     "deals", 0},
    RECORD_ROUTES("competitors"),
    RECORD_ROUTES("products"),
    RECORD_ROUTES("quotes"),
    {"POST", "/api/v1/quotes/{id}/send", quotes_send, "Send a draft quote (keeps this version)",
     "quotes", 0},
    {"POST", "/api/v1/quotes/{id}/revise", quotes_revise,
     "Make a new draft version of a sent, declined or expired quote", "quotes", 0},
    {"POST", "/api/v1/quotes/{id}/accept", quotes_accept,
     "Accept a sent quote (and by default make its total the deal's amount)", "quotes", 0},
    {"POST", "/api/v1/quotes/{id}/decline", quotes_decline, "Decline a sent quote", "quotes", 0},
    {"GET", "/api/v1/quotes/{id}/versions", quotes_versions,
     "The versions of the quote as they were sent, newest first", "quotes", 0},
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
    {"GET", "/api/v1/settings", settings_get, "The organisation's settings (base currency)",
     "settings", 0},
    {"PATCH", "/api/v1/settings", settings_update,
     "Change the base currency (administrators; not while exchange rates exist)", "settings", 0},
    {"GET", "/api/v1/currencies", currencies_list,
     "The currencies the server knows, with their decimal places, and the base currency",
     "currencies", 0},
    {"GET", "/api/v1/exchange-rates", exchange_rates_list,
     "List exchange rates by currency and date", "exchange-rates", 0},
    {"POST", "/api/v1/exchange-rates", exchange_rates_create,
     "Add the rate of a currency on a date (administrators)", "exchange-rates", 0},
    {"POST", "/api/v1/exchange-rates/import", exchange_rates_import,
     "Import exchange rates from a CSV file, all or nothing (administrators)", "exchange-rates",
     0},
    {"GET", "/api/v1/exchange-rates/convert", exchange_rates_convert,
     "Convert an amount into the base currency at the rate of a date", "exchange-rates", 0},
    {"GET", "/api/v1/exchange-rates/{currency}/{date}", exchange_rates_get,
     "Get the rate of a currency on a date", "exchange-rates", 0},
    {"PATCH", "/api/v1/exchange-rates/{currency}/{date}", exchange_rates_update,
     "Change a rate (administrators)", "exchange-rates", 0},
    {"DELETE", "/api/v1/exchange-rates/{currency}/{date}", exchange_rates_delete,
     "Delete a rate (administrators)", "exchange-rates", 0},
    {"GET", "/api/v1/pipelines", pipelines_list, "List sales pipelines with their stages",
     "pipelines", 0},
    {"POST", "/api/v1/pipelines", pipelines_create, "Create a pipeline (administrators)",
     "pipelines", 0},
    {"GET", "/api/v1/pipelines/{id}", pipelines_get, "Get one pipeline", "pipelines", 0},
    {"PATCH", "/api/v1/pipelines/{id}", pipelines_update,
     "Rename, move or restage a pipeline (administrators)", "pipelines", 0},
    {"DELETE", "/api/v1/pipelines/{id}", pipelines_delete,
     "Delete a pipeline without deals (administrators)", "pipelines", 0},
    {"GET", "/api/v1/pipelines/{id}/board", pipelines_board,
     "The pipeline's deals by stage: counts, sums and the first cards", "pipelines", 0},
    {"GET", "/api/v1/deal-reasons", deal_reasons_list, "List the reasons deals are won or lost",
     "deal-reasons", 0},
    {"POST", "/api/v1/deal-reasons", deal_reasons_create, "Add a won or lost reason "
                                                           "(administrators)", "deal-reasons", 0},
    {"GET", "/api/v1/deal-reasons/{id}", deal_reasons_get, "Get one deal reason", "deal-reasons",
     0},
    {"PATCH", "/api/v1/deal-reasons/{id}", deal_reasons_update,
     "Rename, reorder or deactivate a deal reason (administrators)", "deal-reasons", 0},
    {"DELETE", "/api/v1/deal-reasons/{id}", deal_reasons_delete,
     "Delete an unused deal reason (administrators)", "deal-reasons", 0},
};

const struct route *api_routes(size_t *n_routes)
{
    *n_routes = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
