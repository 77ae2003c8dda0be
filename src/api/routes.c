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
};

const struct route *api_routes(size_t *n_routes)
{
    *n_routes = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
