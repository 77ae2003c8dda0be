/*
 * /api/v1/commission-rules: the rules commissions are computed by, kept by
 * administrators (name, pipeline_id and series, null for any; tiers of
 * {from, percent}; position; active). Anyone signed in reads them. Tier
 * amounts are in the base currency. Each change is one transaction with a
 * security audit entry, as for deal reasons.
 */
#include "api/api.h"

#include "api/body.h"
#include "base/arena.h"
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

/* Reads a rule, kept until the request ends. */
static int get_rule(struct http_request *req, struct store_conn *conn, int64_t id, json_t **rule)
{
    int rc = store_commission_rule_get(conn, req->arena, id, rule, &req->err);
    if (rc == 0)
        api_keep(req, *rule);
    return rc;
}

int commission_rules_get(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    int64_t id;
    json_t *rule = NULL;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = get_rule(req, conn, id, &rule);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, rule);
}

/*
 * Checks a body against current (NULL: a new rule) into *clean, kept until
 * the request ends: the domain's rules with the base currency, and a
 * pipeline_id that names a live pipeline.
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
    api_keep(req, *clean);
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

/* Writes a security entry about rule id with what changed, if anything did. */
static int audit_rule(struct http_request *req, struct store_conn *conn, const char *action,
                      int64_t id, const json_t *before, const json_t *after)
{
    json_t *changes = body_changes(before, after, rule_keys, COUNT(rule_keys));
    if (changes == NULL)
        return 0;
    int rc = api_audit(req, conn, "security", action, "commission_rules", id, changes, NULL);
    json_decref(changes);
    return rc;
}

int commission_rules_create(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *clean = NULL, *rule = NULL;
    int64_t id = 0;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = check_rule(req, conn, body, NULL, &clean);
    if (rc == 0)
        rc = store_commission_rule_insert(conn, req->arena, clean, &id, &req->err);
    if (rc == 0)
        rc = get_rule(req, conn, id, &rule);
    if (rc == 0)
        rc = audit_rule(req, conn, "commission_rule_created", id, NULL, rule);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_response_header(res, "Location",
                         arena_printf(req->arena, "/api/v1/commission-rules/%lld", (long long)id));
    return api_respond_record(req, res, 201, rule);
}

int commission_rules_update(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *body, *clean = NULL, *current = NULL, *rule = NULL;
    int64_t id, expected;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = http_request_json(req, &body);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_rule(req, conn, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = check_rule(req, conn, body, current, &clean);
    rule = current;
    if (rc == 0 && json_object_size(clean) > 0) {
        int64_t version = json_integer_value(json_object_get(current, "version"));
        rc = store_commission_rule_update(conn, req->arena, id, version, clean, &req->err);
        if (rc == 0)
            rc = get_rule(req, conn, id, &rule);
        if (rc == 0)
            rc = audit_rule(req, conn, "commission_rule_updated", id, current, rule);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_respond_record(req, res, 200, rule);
}

int commission_rules_delete(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *current = NULL;
    int64_t id, expected;
    int rc = api_require_admin(req);
    if (rc == 0)
        rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = get_rule(req, conn, id, &current);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = store_commission_rule_delete(conn, req->arena, id, &req->err);
    if (rc == 0) {
        json_t *detail =
            api_keep(req, json_pack("{s:O}", "name", json_object_get(current, "name")));
        rc = api_audit(req, conn, "security", "commission_rule_deleted", "commission_rules", id,
                       NULL, detail);
    }
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    http_respond_empty(res, 204);
    return 0;
}
