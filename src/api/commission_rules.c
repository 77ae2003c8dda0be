/*
 * /api/v1/commission-rules: the rules commissions are computed by, kept by
 * administrators (name, pipeline_id and series, null for any; tiers of
 * {from, percent}; position; active). Anyone signed in reads them. Tier
 * amounts are in the base currency. Each change is one transaction with a
 * security audit entry (api/admin_resource.c).
 */
#include "api/api.h"

#include "domain/commission.h"
#include "domain/currency.h"
#include "store/store.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* What the audit log compares. */
static const char *const rule_keys[] = {"name",  "pipeline_id", "series",
                                        "tiers", "position",    "active"};

int commission_rules_list(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *list = NULL;
    int rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_commission_rules_list(conn, req->arena, &list, &req->err);
    if (rc < 0)
        return rc;
    return api_respond_page(req, res, list, 0);
}

/*
 * Checks a body against current (NULL: a new rule) into *clean: the
 * domain's rules with the base currency, and a pipeline_id that names a
 * live pipeline.
 */
static int check_rule(struct http_request *req, struct store_conn *conn, const json_t *body,
                      const json_t *current, json_t **clean)
{
    char base[CURRENCY_CODE_LEN + 1];
    int rc = store_base_currency(conn, req->arena, base, &req->err);
    if (rc == 0)
        rc = commission_rule_validate(body, current, base, clean, &req->err);
    if (rc < 0)
        return rc;
    const json_t *pipeline_id = json_object_get(*clean, "pipeline_id");
    if (!json_is_integer(pipeline_id))
        return 0;
    json_t *pipeline = NULL;
    rc =
        store_pipeline_get(conn, req->arena, json_integer_value(pipeline_id), &pipeline, &req->err);
    json_decref(pipeline);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_field(&req->err, "pipeline_id", "no pipeline with id %lld",
                         (long long)json_integer_value(pipeline_id));
    }
    return rc;
}

static const char *const rule_names[] = {"name"};

static const struct admin_resource commission_rules = {
    .path = "/api/v1/commission-rules",
    .table = "commission_rules",
    .name = "commission_rule",
    .keys = rule_keys,
    .n_keys = COUNT(rule_keys),
    .deleted_keys = rule_names,
    .n_deleted_keys = COUNT(rule_names),
    .check = check_rule,
    .get = store_commission_rule_get,
    .insert = store_commission_rule_insert,
    .update = store_commission_rule_update,
    .remove = store_commission_rule_delete,
};

int commission_rules_get(struct http_request *req, struct http_response *res)
{
    return admin_resource_get(req, res, &commission_rules);
}

int commission_rules_create(struct http_request *req, struct http_response *res)
{
    return admin_resource_create(req, res, &commission_rules);
}

int commission_rules_update(struct http_request *req, struct http_response *res)
{
    return admin_resource_update(req, res, &commission_rules);
}

int commission_rules_delete(struct http_request *req, struct http_response *res)
{
    return admin_resource_delete(req, res, &commission_rules);
}
