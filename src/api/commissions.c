/*
 * GET /api/v1/commissions?quarter=2017-Q1[&user_id=N]: what each
 * salesperson earned in a quarter under the commission rules. The won
 * deals the caller may read (their read scope over deals: their own, their
 * team's or everyone's) are summed by owner, pipeline and product series
 * in one statement; here each group goes to the first active rule that
 * matches it and each rule's tier applies to its whole volume
 * (domain/commission.h). One row per owner with won deals, by name.
 */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/money.h"
#include "base/str.h"
#include "domain/commission.h"
#include "domain/currency.h"
#include "domain/entity.h"
#include "store/store.h"

/* A row of the answer with what it is ordered by. */
struct report_row {
    const char *user_name;
    int64_t user_id;
    json_t *json;
};

static json_t *id_or_null(int64_t id)
{
    return id > 0 ? json_integer((json_int_t)id) : json_null();
}

/* The quarter asked for (default: the current one); 400 naming quarter when malformed. */
static int quarter_read(struct http_request *req, struct commission_quarter *quarter)
{
    const char *text = http_query(req, "quarter");
    if (text == NULL || *text == '\0') {
        commission_quarter_of_day(clock_day_of_ms(clock_now_ms()), quarter);
        return 0;
    }
    if (commission_quarter_parse(text, quarter) == 0)
        return 0;
    err_set(&req->err, ERR_BAD_REQUEST, "quarter must be a year and a quarter, like 2017-Q1");
    return err_field(&req->err, "quarter", "must be like 2017-Q1 (quarters 1 to 4)");
}

/*
 * The caller's read access over deals: 403 without any, or when their role
 * hides deal amounts (commissions would reveal them).
 */
static int report_access(struct http_request *req, struct access *access)
{
    const struct actor *actor = api_actor(req);
    *access = actor_access(actor, &entity_deals, ACCESS_READ);
    if (access->scope == SCOPE_NONE)
        return err_set(&req->err, ERR_FORBIDDEN, "your role may not read deals");
    if (actor_field_right(actor, &entity_deals, "amount") == FIELD_RIGHT_HIDDEN)
        return err_set(&req->err, ERR_FORBIDDEN, "your role hides the amounts of deals");
    return 0;
}

/* The user asked for: 404 when absent or out of the caller's scope (never revealing which). */
static int user_in_scope(struct http_request *req, struct store_conn *conn,
                         const struct access *access, int64_t user_id, struct auth_user *user)
{
    int rc = store_user_find_by_id(conn, req->arena, user_id, user, &req->err);
    if (rc < 0 && rc != -ERR_NOT_FOUND)
        return rc;
    if (rc == 0 && access_allows_owner(access, user->id, user->team_id))
        return 0;
    err_clear(&req->err);
    return err_set(&req->err, ERR_NOT_FOUND, "no user with id %lld", (long long)user_id);
}

/*
 * The active rules in priority order, with rules_json[i] the API form of
 * rules[i]. ERR_INTERNAL when stored tiers cannot be read.
 */
static int rules_load(struct http_request *req, struct store_conn *conn, const char *base,
                      struct commission_rule **rules_out, json_t ***json_out, size_t *n_out)
{
    json_t *list = NULL;
    int rc = store_commission_rules_list(conn, req->arena, &list, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, list);
    size_t n = 0;
    struct commission_rule *rules =
        arena_alloc_array(req->arena, json_array_size(list) + 1, sizeof(*rules));
    json_t **rules_json =
        arena_alloc_array(req->arena, json_array_size(list) + 1, sizeof(*rules_json));
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (!json_is_true(json_object_get(item, "active")))
            continue;
        struct commission_rule *rule = &rules[n];
        *rule = (struct commission_rule){
            .id = json_integer_value(json_object_get(item, "id")),
            .name = json_string_value(json_object_get(item, "name")),
            .pipeline_id = json_integer_value(json_object_get(item, "pipeline_id")),
            .series = json_string_value(json_object_get(item, "series")),
            .active = true,
        };
        if (commission_tiers_read(json_object_get(item, "tiers"), base, rule->tiers,
                                  &rule->n_tiers) < 0)
            return err_set(&req->err, ERR_INTERNAL, "commission rule %lld has unreadable tiers",
                           (long long)rule->id);
        rules_json[n++] = item;
    }
    *rules_out = rules;
    *json_out = rules_json;
    *n_out = n;
    return 0;
}

/* One person's row of the answer. */
static json_t *person_json(const struct commission_person *person, const char *user_name,
                           int64_t team_id, json_t *const *rules_json, const char *base)
{
    json_t *lines = json_array();
    for (size_t i = 0; i < person->n_lines; i++) {
        const struct commission_line *line = &person->lines[i];
        const json_t *rule = rules_json[line->rule];
        json_t *tier = json_array_get(json_object_get(rule, "tiers"), line->tier);
        json_array_append_new(
            lines, json_pack("{s:O,s:O,s:I,s:o,s:I,s:O,s:o}", "rule_id",
                             json_object_get(rule, "id"), "name", json_object_get(rule, "name"),
                             "won_count", (json_int_t)line->won_count, "volume",
                             currency_money_json(line->volume_minor, base), "unconverted_count",
                             (json_int_t)line->unconverted_count, "tier", tier, "commission",
                             currency_money_json(line->commission_minor, base)));
    }
    return json_pack("{s:I,s:s,s:o,s:I,s:o,s:o,s:o,s:I,s:o,s:I}", "user_id",
                     (json_int_t)person->user_id, "user_name", user_name, "team_id",
                     id_or_null(team_id), "won_count", (json_int_t)person->won_count, "volume",
                     currency_money_json(person->volume_minor, base), "rules", lines, "commission",
                     currency_money_json(person->commission_minor, base), "uncovered_count",
                     (json_int_t)person->uncovered_count, "uncovered_volume",
                     currency_money_json(person->uncovered_volume_minor, base), "unconverted_count",
                     (json_int_t)person->unconverted_count);
}

/* By name as stored (byte order, the same on every database), then id. */
static int report_row_compare(const void *a, const void *b)
{
    const struct report_row *x = a, *y = b;
    int c = strcmp(x->user_name, y->user_name);
    if (c != 0)
        return c;
    return (x->user_id > y->user_id) - (x->user_id < y->user_id);
}

/*
 * The rows of the answer from the volumes (ordered by owner): one per
 * owner, in rows (room for n_volumes + 1), *n_rows counting them.
 */
static int report_rows(struct http_request *req, const struct commission_rule *rules,
                       json_t *const *rules_json, size_t n_rules,
                       const struct commission_volume *volumes, size_t n_volumes, const char *base,
                       struct report_row *rows, size_t *n_rows)
{
    struct commission_group *groups = arena_alloc_array(req->arena, n_volumes + 1, sizeof(*groups));
    *n_rows = 0;
    for (size_t start = 0; start < n_volumes;) {
        size_t end = start;
        for (; end < n_volumes && volumes[end].user_id == volumes[start].user_id; end++) {
            const struct commission_volume *v = &volumes[end];
            groups[end - start] = (struct commission_group){
                .user_id = v->user_id,
                .pipeline_id = v->pipeline_id,
                .series = v->series,
                .won_count = v->won_count,
                .volume_minor = v->volume_minor,
                .unconverted_count = v->unconverted_count,
            };
        }
        struct commission_person person;
        int rc = commission_person_compute(req->arena, rules, n_rules, groups, end - start, &person,
                                           &req->err);
        if (rc < 0) {
            char detail[sizeof(req->err.detail)];
            memcpy(detail, req->err.detail, sizeof(detail));
            err_clear(&req->err);
            return err_set(&req->err, ERR_INTERNAL, "%s", detail);
        }
        rows[*n_rows] = (struct report_row){
            .user_name = volumes[start].user_name,
            .user_id = volumes[start].user_id,
            .json = person_json(&person, volumes[start].user_name, volumes[start].team_id,
                                rules_json, base),
        };
        api_keep(req, rows[*n_rows].json);
        (*n_rows)++;
        start = end;
    }
    return 0;
}

int commissions_report(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct access access;
    struct commission_quarter quarter;
    struct auth_user user = {0};
    struct commission_rule *rules = NULL;
    json_t **rules_json = NULL;
    struct commission_volume *volumes = NULL;
    size_t n_rules = 0, n_volumes = 0;
    int64_t user_id = 0;
    char base[CURRENCY_CODE_LEN + 1];
    int rc = report_access(req, &access);
    if (rc == 0)
        rc = quarter_read(req, &quarter);
    if (rc == 0)
        rc = api_query_id(req, "user_id", &user_id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0 && user_id > 0)
        rc = user_in_scope(req, conn, &access, user_id, &user);
    if (rc == 0)
        rc = store_base_currency(conn, req->arena, base, &req->err);
    if (rc == 0)
        rc = rules_load(req, conn, base, &rules, &rules_json, &n_rules);
    if (rc == 0)
        rc = store_commission_volumes(conn, req->arena, &access, quarter.first, quarter.next,
                                      user_id, &volumes, &n_volumes, &req->err);
    if (rc < 0)
        return rc;
    struct report_row *rows = arena_alloc_array(req->arena, n_volumes + 1, sizeof(*rows));
    size_t n_rows = 0;
    rc = report_rows(req, rules, rules_json, n_rules, volumes, n_volumes, base, rows, &n_rows);
    if (rc < 0)
        return rc;
    if (n_rows == 0 && user_id > 0) {
        /* The person asked for won nothing: a row of zeros rather than no row. */
        struct commission_person nobody = {.user_id = user.id};
        rows[n_rows++] = (struct report_row){
            .user_name = user.name,
            .user_id = user.id,
            .json = api_keep(req, person_json(&nobody, user.name, user.team_id, rules_json, base)),
        };
    }
    qsort(rows, n_rows, sizeof(*rows), report_row_compare);
    json_t *data = json_array();
    for (size_t i = 0; i < n_rows; i++)
        json_array_append(data, rows[i].json);
    json_t *body = api_keep(req, json_pack("{s:s,s:s,s:s,s:s,s:o}", "quarter", quarter.label,
                                           "from", quarter.first, "to", quarter.last,
                                           "base_currency", base, "data", data));
    return http_respond_json(res, 200, body);
}
