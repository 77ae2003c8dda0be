/*
 * What deals add to the record collection: a new deal starts in an open
 * stage of its pipeline (the first one unless named); POST
 * /deals/{id}/move changes the stage, asking for a reason when it closes
 * the deal (and naming the competitor that won when it is lost); every
 * stage a deal enters is kept (GET /deals/{id}/history); and the board of a
 * pipeline gives per stage the count, the sums per currency and in the base
 * currency, and the first cards, each flagged when it has sat in its stage
 * longer than the stage allows (rotting).
 */
#include "api/api.h"

#include <string.h>

#include "api/body.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/money.h"
#include "base/str.h"
#include "domain/currency.h"
#include "domain/entity.h"

#define BOARD_DEFAULT_CARDS 20
#define BOARD_MAX_CARDS 100
#define MS_PER_DAY INT64_C(86400000)

static bool stage_closes(const struct pipeline_stage *stage)
{
    return strcmp(stage->kind, "open") != 0;
}

static void enter_stage(json_t *changes, json_t *merged, const struct pipeline_stage *stage,
                        const char *now)
{
    api_record_set_kept(changes, merged, "pipeline_id", json_integer(stage->pipeline_id));
    api_record_set_kept(changes, merged, "stage_id", json_integer(stage->id));
    api_record_set_kept(changes, merged, "probability", json_integer(stage->probability));
    api_record_set_kept(changes, merged, "stage_entered_at", json_string(now));
    api_record_set_kept(changes, merged, "closed_at",
                        stage_closes(stage) ? json_string(now) : json_null());
}

/* The stage a new deal starts in: the one named (open, of its pipeline) or the first open one. */
static int deal_before_write(struct http_request *req, struct store_conn *conn,
                             const json_t *current, json_t *changes, json_t *merged)
{
    if (current != NULL)
        return 0; /* the stage changes only by a move */
    int64_t pipeline_id = json_integer_value(json_object_get(merged, "pipeline_id"));
    const json_t *given = json_object_get(changes, "stage_id");
    struct pipeline_stage stage;
    int rc;
    if (json_is_integer(given)) {
        int64_t stage_id = json_integer_value(given);
        rc = store_pipeline_stage_get(conn, req->arena, stage_id, &stage, &req->err);
        if (rc == -ERR_NOT_FOUND) {
            err_clear(&req->err);
            return err_field(&req->err, "stage_id", "no stage with id %lld", (long long)stage_id);
        }
        if (rc < 0)
            return rc;
        if (stage.pipeline_id != pipeline_id)
            return err_field(&req->err, "stage_id", "belongs to another pipeline");
        if (stage_closes(&stage))
            return err_field(&req->err, "stage_id",
                             "a new deal starts in an open stage; move it to close it");
    } else {
        rc = store_pipeline_first_open_stage(conn, req->arena, pipeline_id, &stage, &req->err);
        if (rc == -ERR_NOT_FOUND) {
            err_clear(&req->err);
            return err_field(&req->err, "pipeline_id", "no pipeline with id %lld",
                             (long long)pipeline_id);
        }
        if (rc < 0)
            return rc;
    }
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    enter_stage(changes, merged, &stage, now);
    api_record_set_kept(changes, merged, "reason_id", json_null());
    api_record_set_kept(changes, merged, "competitor_id", json_null());
    return 0;
}

static int deal_after_create(struct http_request *req, struct store_conn *conn, json_t *record)
{
    struct deal_stage_change change = {
        .deal_id = json_integer_value(json_object_get(record, "id")),
        .to_pipeline_id = json_integer_value(json_object_get(record, "pipeline_id")),
        .to_stage_id = json_integer_value(json_object_get(record, "stage_id")),
        .at = json_string_value(json_object_get(record, "stage_entered_at")),
        .user_id = api_actor(req)->user_id,
    };
    return store_deal_history_add(conn, req->arena, &change, &req->err);
}

const struct record_hooks deal_hooks = {
    .entity = &entity_deals,
    .before_write = deal_before_write,
    .after_create = deal_after_create,
};

/* ---- moves ---- */

static const char *const move_keys[] = {"stage_id", "reason_id", "lost_reason", "competitor_id"};

struct move {
    int64_t stage_id;
    int64_t reason_id; /* 0: none */
    int64_t competitor_id;
};

/* The body of a move; lost_reason is another name for reason_id (API.md). */
static int move_read(struct http_request *req, struct move *move)
{
    json_t *body;
    int rc = http_request_json(req, &body);
    if (rc == 0)
        rc = body_check_keys(req, body, move_keys, sizeof(move_keys) / sizeof(move_keys[0]));
    if (rc < 0)
        return rc;
    *move = (struct move){0};
    const json_t *stage = json_object_get(body, "stage_id");
    if (!json_is_integer(stage) || json_integer_value(stage) <= 0)
        err_field(&req->err, "stage_id", "must be a stage id");
    else
        move->stage_id = json_integer_value(stage);
    const char *reason_key = json_object_get(body, "reason_id") ? "reason_id" : "lost_reason";
    if (json_object_get(body, "reason_id") && json_object_get(body, "lost_reason"))
        err_field(&req->err, "lost_reason", "send either reason_id or lost_reason, not both");
    const json_t *reason = json_object_get(body, reason_key);
    const json_t *competitor = json_object_get(body, "competitor_id");
    if (reason != NULL)
        body_id_or_null(req, reason, reason_key, &move->reason_id);
    if (competitor != NULL)
        body_id_or_null(req, competitor, "competitor_id", &move->competitor_id);
    return body_failed(req) ? -req->err.code : 0;
}

/* A closing move's reason: an active deal reason of the stage's kind. */
static int check_reason(struct http_request *req, struct store_conn *conn,
                        const struct pipeline_stage *stage, int64_t reason_id)
{
    json_t *reason = NULL;
    if (reason_id == 0)
        return err_field(&req->err, "reason_id", "is required to mark a deal %s", stage->kind);
    int rc = store_deal_reason_get(conn, req->arena, reason_id, &reason, &req->err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_field(&req->err, "reason_id", "no deal reason with id %lld",
                         (long long)reason_id);
    }
    if (rc < 0)
        return rc;
    api_keep(req, reason);
    if (strcmp(json_string_value(json_object_get(reason, "kind")), stage->kind) != 0)
        return err_field(&req->err, "reason_id", "is not a reason for %s deals", stage->kind);
    if (!json_is_true(json_object_get(reason, "active")))
        return err_field(&req->err, "reason_id", "is no longer in use");
    return 0;
}

/* The competitor that won a lost deal: a live competitor the caller may see. */
static int check_competitor(struct http_request *req, struct store_conn *conn, int64_t id)
{
    json_t *competitor = NULL;
    int rc = api_record_visible(req, conn, &entity_competitors, id, &competitor);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_field(&req->err, "competitor_id", "no competitor with id %lld", (long long)id);
    }
    return rc;
}

/* What the move needs besides the stage; the stage itself must exist. */
static int check_move(struct http_request *req, struct store_conn *conn, const struct move *move,
                      struct pipeline_stage *stage)
{
    int rc = store_pipeline_stage_get(conn, req->arena, move->stage_id, stage, &req->err);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_field(&req->err, "stage_id", "no stage with id %lld", (long long)move->stage_id);
    }
    if (rc < 0)
        return rc;
    if (!stage_closes(stage)) {
        if (move->reason_id != 0)
            err_field(&req->err, "reason_id", "only a move to a won or lost stage takes a reason");
        if (move->competitor_id != 0)
            err_field(&req->err, "competitor_id", "only a lost deal names a competitor");
        return body_failed(req) ? -req->err.code : 0;
    }
    rc = check_reason(req, conn, stage, move->reason_id);
    if (rc == 0 && move->competitor_id != 0) {
        if (strcmp(stage->kind, "lost") != 0)
            return err_field(&req->err, "competitor_id", "only a lost deal names a competitor");
        rc = check_competitor(req, conn, move->competitor_id);
    }
    return rc;
}

/* Seconds from the date-time text since to now (0 when it cannot be read). */
static int64_t seconds_since(const char *since, int64_t now_ms)
{
    int64_t ms;
    if (since == NULL || clock_parse_datetime(since, strlen(since), &ms) < 0 || ms > now_ms)
        return 0;
    return (now_ms - ms) / 1000;
}

int deals_move(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct access access;
    struct move move;
    struct pipeline_stage stage;
    json_t *current = NULL, *record = NULL;
    int64_t id, expected;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0)
        rc = move_read(req, &move);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = api_record_visible(req, conn, &entity_deals, id, &current);
    if (rc == 0)
        rc = api_record_access(req, conn, &entity_deals, ACCESS_UPDATE, id, &access);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0)
        rc = check_move(req, conn, &move, &stage);
    int64_t from_stage = json_integer_value(json_object_get(current, "stage_id"));
    if (rc == 0 && from_stage == stage.id) {
        /* Dropped where it was: nothing changes. */
        rc = api_commit(req, conn, rc);
        return rc < 0 ? rc : api_record_respond(req, res, 200, &entity_deals, current);
    }
    int64_t now_ms = clock_now_ms();
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(now_ms, now);
    json_t *changes = api_keep(req, json_object());
    json_t *merged = api_keep(req, json_deep_copy(current));
    if (rc == 0) {
        enter_stage(changes, merged, &stage, now);
        api_record_set_kept(changes, merged, "reason_id",
                            move.reason_id ? json_integer(move.reason_id) : json_null());
        api_record_set_kept(changes, merged, "competitor_id",
                            move.competitor_id ? json_integer(move.competitor_id) : json_null());
        rc = store_record_update(conn, req->arena, &entity_deals, &access, id, changes, merged,
                                 &req->err);
    }
    if (rc == 0) {
        struct deal_stage_change change = {
            .deal_id = id,
            .from_pipeline_id = json_integer_value(json_object_get(current, "pipeline_id")),
            .from_stage_id = from_stage,
            .to_pipeline_id = stage.pipeline_id,
            .to_stage_id = stage.id,
            .at = now,
            .user_id = api_actor(req)->user_id,
            .seconds_in_from = seconds_since(
                json_string_value(json_object_get(current, "stage_entered_at")), now_ms),
        };
        rc = store_deal_history_add(conn, req->arena, &change, &req->err);
    }
    if (rc == 0)
        rc = api_record_written(req, conn, &entity_deals, id, RECORD_LIVE, &record);
    if (rc == 0)
        rc = api_record_audit(req, conn, &entity_deals, "update", current, record);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_record_respond(req, res, 200, &entity_deals, record);
}

int deals_history(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *deal = NULL, *list = NULL;
    int64_t id;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = api_record_visible(req, conn, &entity_deals, id, &deal);
    if (rc == 0)
        rc = store_deal_history_list(conn, req->arena, id, &list, &req->err);
    if (rc < 0)
        return rc;
    json_t *body = api_keep(req, json_pack("{s:o}", "data", list));
    return http_respond_json(res, 200, body);
}

/* ---- the board ---- */

/* Whether an open deal has sat in its stage longer than the stage's limit. */
static bool deal_rotting(const json_t *deal, const json_t *stage, int64_t now_ms)
{
    int64_t rot_days = json_integer_value(json_object_get(stage, "rot_days"));
    const char *kind = json_string_value(json_object_get(stage, "kind"));
    if (rot_days <= 0 || kind == NULL || strcmp(kind, "open") != 0)
        return false;
    const char *entered = json_string_value(json_object_get(deal, "stage_entered_at"));
    return seconds_since(entered, now_ms) > rot_days * (MS_PER_DAY / 1000);
}

/* The caller's filter narrowed to one column ("stage_id = 12") or the pipeline. */
static const char *board_filter(struct http_request *req, const char *column, int64_t id,
                                const char *filter)
{
    return filter != NULL && *filter != '\0'
               ? arena_printf(req->arena, "%s = %lld and (%s)", column, (long long)id, filter)
               : arena_printf(req->arena, "%s = %lld", column, (long long)id);
}

/* The first cards of one stage: the board's filter and stage_id = stage, newest first. */
static int stage_cards(struct http_request *req, struct store_conn *conn, struct list_request *lr,
                       const json_t *stage, const char *filter, json_t *column)
{
    struct list_page page;
    int rc = api_list_filter(
        req, lr,
        board_filter(req, "stage_id", json_integer_value(json_object_get(stage, "id")), filter));
    if (rc == 0)
        rc = store_record_list(conn, req->arena, &entity_deals, &lr->access, &lr->query, &page,
                               &req->err);
    if (rc < 0)
        return rc;
    actor_hide_fields(api_actor(req), &entity_deals, page.data);
    int64_t now_ms = clock_now_ms();
    size_t i;
    json_t *deal;
    json_array_foreach(page.data, i, deal)
        json_object_set_new(deal, "rotting", json_boolean(deal_rotting(deal, stage, now_ms)));
    json_object_set_new(column, "deals", page.data);
    json_object_set_new(column, "next_cursor", api_list_next_cursor(req, lr->sort, &page));
    return 0;
}

int pipelines_board(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct list_request lr;
    struct record_total *totals = NULL;
    size_t n_totals = 0, limit = 0;
    json_t *pipeline = NULL;
    char base[CURRENCY_CODE_LEN + 1];
    int64_t id;
    const char *filter = http_query(req, "filter");
    const char *search = http_query(req, "q");
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_parse_limit(req, BOARD_DEFAULT_CARDS, BOARD_MAX_CARDS, &limit);
    if (rc == 0)
        rc = api_conn(req, &conn);
    if (rc == 0)
        rc = store_pipeline_get(conn, req->arena, id, &pipeline, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, pipeline);
    /*
     * Prepared once with the filter alone, so that an error's position is the
     * one the caller wrote; then narrowed to the pipeline for the totals and
     * to each stage for its cards (newest first).
     */
    rc = api_list_prepare(req, conn, &entity_deals, filter, "-id", search, &lr);
    if (rc < 0)
        return rc;
    lr.query.limit = limit;
    rc = api_list_filter(req, &lr, board_filter(req, "pipeline_id", id, filter));
    /* Without a filter or search the totals the database keeps serve (no scan of the deals). */
    bool narrowed = (filter != NULL && *filter != '\0') || (search != NULL && *search != '\0');
    if (rc == 0 && narrowed)
        rc = store_record_totals(conn, req->arena, &entity_deals, &lr.access, &lr.query, "stage_id",
                                 "amount", &totals, &n_totals, &req->err);
    else if (rc == 0)
        rc = store_deal_board_totals(conn, req->arena, &lr.access, id, &totals, &n_totals,
                                     &req->err);
    if (rc == 0)
        rc = store_base_currency(conn, req->arena, base, &req->err);
    if (rc < 0)
        return rc;
    json_t *columns = json_array();
    json_t *body = api_keep(req, json_pack("{s:O,s:s,s:o}", "pipeline", pipeline, "base_currency",
                                           base, "stages", columns));
    size_t i;
    json_t *stage;
    json_array_foreach(json_object_get(pipeline, "stages"), i, stage)
    {
        json_t *column = api_totals_json(json_integer_value(json_object_get(stage, "id")), totals,
                                         n_totals, base);
        json_object_set(column, "stage", stage);
        json_array_append_new(columns, column);
        rc = stage_cards(req, conn, &lr, stage, filter, column);
        if (rc < 0)
            return rc;
    }
    return http_respond_json(res, 200, body);
}
