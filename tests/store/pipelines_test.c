/*
 * The store contract for sales configuration: pipelines with their ordered
 * stages and deal reasons, against SQLite and, when CRM_TEST_PG_URL is set,
 * PostgreSQL (store_fixture.h). Bodies go through pipeline_validate and
 * deal_reason_validate as the API handlers send them.
 */
#include "store/store.h"

#include <jansson.h>
#include <stdbool.h>

#include "base/arena.h"
#include "domain/pipeline.h"

#include "store_fixture.h"

#define SALES_BODY                                                                                 \
    "{\"name\":\"Sales\",\"stages\":["                                                             \
    "{\"name\":\"Qualification\",\"probability\":10,\"kind\":\"open\",\"rot_days\":14},"           \
    "{\"name\":\"Proposal\",\"probability\":50,\"kind\":\"open\"},"                                \
    "{\"name\":\"Won\",\"kind\":\"won\"},{\"name\":\"Lost\",\"kind\":\"lost\"}]}"

/* ---- helpers ---- */

static int pipeline_insert(struct fixture *fx, const char *body_text, int64_t *id)
{
    json_t *clean = NULL;
    err_clear(&fx->err);
    int rc = pipeline_validate(keep(fx, json_of(body_text)), NULL, &clean, &fx->err);
    if (rc < 0)
        test_fail(__FILE__, __LINE__, "pipeline body %s: %s", body_text, fx->err.detail);
    return store_pipeline_insert(fx->conn, fx->arena, keep(fx, clean), id, &fx->err);
}

static int64_t pipeline_ok(struct fixture *fx, const char *body_text)
{
    int64_t id = 0;
    if (pipeline_insert(fx, body_text, &id) < 0)
        test_fail(__FILE__, __LINE__, "pipeline %s: %s", body_text, fx->err.detail);
    return id;
}

static json_t *pipeline_json(struct fixture *fx, int64_t id)
{
    json_t *pipeline = NULL;
    err_clear(&fx->err);
    if (store_pipeline_get(fx->conn, fx->arena, id, &pipeline, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "pipeline %lld: %s", (long long)id, fx->err.detail);
    return keep(fx, pipeline);
}

/* Validates body_text against the stored pipeline and applies it at the given version. */
static int pipeline_change(struct fixture *fx, int64_t id, int64_t version, const char *body_text)
{
    json_t *current = pipeline_json(fx, id);
    json_t *clean = NULL;
    err_clear(&fx->err);
    int rc = pipeline_validate(keep(fx, json_of(body_text)), current, &clean, &fx->err);
    if (rc < 0)
        test_fail(__FILE__, __LINE__, "pipeline change %s: %s", body_text, fx->err.detail);
    return store_pipeline_update(fx->conn, fx->arena, id, version, keep(fx, clean), &fx->err);
}

/* The values of one member of every stage, as "a,b,c". */
static const char *stages_column(struct fixture *fx, const json_t *pipeline, const char *key)
{
    char *text = arena_strdup(fx->arena, "");
    size_t i;
    const json_t *stage;
    json_array_foreach(json_object_get(pipeline, "stages"), i, stage)
    {
        char *one = json_dumps(json_object_get(stage, key), JSON_ENCODE_ANY | JSON_COMPACT);
        text = arena_printf(fx->arena, "%s%s%s", text, i ? "," : "", one ? one : "?");
        free(one);
    }
    return text;
}

static int64_t stage_id_at(const json_t *pipeline, size_t index)
{
    return json_integer_value(
        json_object_get(json_array_get(json_object_get(pipeline, "stages"), index), "id"));
}

static int64_t int_at(const json_t *object, const char *key)
{
    return json_integer_value(json_object_get(object, key));
}

/* ---- pipelines ---- */

TEST(a_pipeline_round_trips_with_its_stages_in_order)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = pipeline_ok(&fx, SALES_BODY);
    json_t *p = pipeline_json(&fx, id);
    EXPECT_STR_EQ(text_at(p, "name"), "Sales");
    EXPECT_INT_EQ(int_at(p, "position"), 0);
    EXPECT_INT_EQ(int_at(p, "version"), 1);
    EXPECT(text_at(p, "created_at") != NULL);
    EXPECT(text_at(p, "updated_at") != NULL);
    EXPECT_STR_EQ(stages_column(&fx, p, "name"), "\"Qualification\",\"Proposal\",\"Won\",\"Lost\"");
    EXPECT_STR_EQ(stages_column(&fx, p, "probability"), "10,50,100,0");
    EXPECT_STR_EQ(stages_column(&fx, p, "kind"), "\"open\",\"open\",\"won\",\"lost\"");
    EXPECT_STR_EQ(stages_column(&fx, p, "position"), "0,1,2,3");
    EXPECT_STR_EQ(stages_column(&fx, p, "rot_days"), "14,null,null,null");
    EXPECT(stage_id_at(p, 0) > 0);
    fixture_close(&fx);
}

TEST(pipelines_are_listed_by_position_each_new_one_last_with_only_its_own_stages)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t sales = pipeline_ok(&fx, SALES_BODY);
    int64_t renewals =
        pipeline_ok(&fx, "{\"name\":\"Renewals\",\"stages\":[{\"name\":\"Due\",\"probability\":80,"
                         "\"kind\":\"open\"},{\"name\":\"Renewed\",\"kind\":\"won\"},"
                         "{\"name\":\"Churned\",\"kind\":\"lost\"}]}");
    int64_t first = pipeline_ok(
        &fx, "{\"name\":\"Partners\",\"position\":0,\"stages\":[{\"name\":\"Intro\","
             "\"probability\":5,\"kind\":\"open\"},{\"name\":\"Signed\",\"kind\":\"won\"},"
             "{\"name\":\"Dropped\",\"kind\":\"lost\"}]}");
    EXPECT_INT_EQ(int_at(pipeline_json(&fx, renewals), "position"), 1);
    json_t *list = NULL;
    EXPECT_OK(store_pipelines_list(fx.conn, fx.arena, &list, &fx.err));
    keep(&fx, list);
    EXPECT_INT_EQ(json_array_size(list), 3);
    /* Partners (position 0, made last) sorts before Renewals and after Sales by id. */
    EXPECT_INT_EQ(int_at(json_array_get(list, 0), "id"), sales);
    EXPECT_INT_EQ(int_at(json_array_get(list, 1), "id"), first);
    EXPECT_INT_EQ(int_at(json_array_get(list, 2), "id"), renewals);
    EXPECT_STR_EQ(stages_column(&fx, json_array_get(list, 2), "name"),
                  "\"Due\",\"Renewed\",\"Churned\"");
    EXPECT_INT_EQ(json_array_size(json_object_get(json_array_get(list, 0), "stages")), 4);
    fixture_close(&fx);
}

TEST(a_pipeline_name_in_use_is_a_conflict_until_that_pipeline_is_deleted)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = pipeline_ok(&fx, SALES_BODY);
    int64_t again = 0;
    EXPECT_INT_EQ(pipeline_insert(&fx, SALES_BODY, &again), -ERR_CONFLICT);
    EXPECT_STR_EQ(field_of(&fx), "name");
    EXPECT_OK(store_pipeline_delete(fx.conn, fx.arena, id, &fx.err));
    EXPECT_INT_EQ(pipeline_insert(&fx, SALES_BODY, &again), 0);
    EXPECT(again != id);
    fixture_close(&fx);
}

TEST(a_deleted_pipeline_is_gone_from_reads_lists_updates_and_a_second_delete)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = pipeline_ok(&fx, SALES_BODY);
    EXPECT_OK(store_pipeline_delete(fx.conn, fx.arena, id, &fx.err));
    json_t *out = NULL;
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_pipeline_get(fx.conn, fx.arena, id, &out, &fx.err), -ERR_NOT_FOUND);
    json_t *list = NULL;
    EXPECT_OK(store_pipelines_list(fx.conn, fx.arena, &list, &fx.err));
    EXPECT_INT_EQ(json_array_size(keep(&fx, list)), 0);
    err_clear(&fx.err);
    EXPECT_INT_EQ(
        store_pipeline_update(fx.conn, fx.arena, id, 2, keep(&fx, json_of("{}")), &fx.err),
        -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_pipeline_delete(fx.conn, fx.arena, id, &fx.err), -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_pipeline_delete(fx.conn, fx.arena, 987654, &fx.err), -ERR_NOT_FOUND);
    fixture_close(&fx);
}

TEST(a_pipeline_update_renames_and_bumps_the_version_and_a_stale_one_changes_nothing)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = pipeline_ok(&fx, SALES_BODY);
    EXPECT_OK(pipeline_change(&fx, id, 1, "{\"name\":\"New business\",\"position\":3}"));
    json_t *p = pipeline_json(&fx, id);
    EXPECT_STR_EQ(text_at(p, "name"), "New business");
    EXPECT_INT_EQ(int_at(p, "position"), 3);
    EXPECT_INT_EQ(int_at(p, "version"), 2);
    /* Written against version 1 while the pipeline is at 2. */
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_pipeline_update(fx.conn, fx.arena, id, 1,
                                        keep(&fx, json_of("{\"name\":\"Stale\"}")), &fx.err),
                  -ERR_STALE_VERSION);
    EXPECT_STR_EQ(text_at(pipeline_json(&fx, id), "name"), "New business");
    fixture_close(&fx);
}

TEST(a_stage_list_keeps_stages_by_id_adds_new_ones_and_deletes_those_left_out)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = pipeline_ok(&fx, SALES_BODY);
    json_t *before = pipeline_json(&fx, id);
    int64_t qualification = stage_id_at(before, 0), proposal = stage_id_at(before, 1);
    int64_t won = stage_id_at(before, 2), lost = stage_id_at(before, 3);
    const char *body = arena_printf(
        fx.arena,
        "{\"stages\":[{\"id\":%lld,\"name\":\"Offer\",\"probability\":40},"
        "{\"name\":\"Negotiation\",\"probability\":75,\"kind\":\"open\",\"rot_days\":7},"
        "{\"id\":%lld},{\"id\":%lld}]}",
        (long long)proposal, (long long)won, (long long)lost);
    EXPECT_OK(pipeline_change(&fx, id, 1, body));
    json_t *after = pipeline_json(&fx, id);
    EXPECT_INT_EQ(int_at(after, "version"), 2);
    EXPECT_STR_EQ(stages_column(&fx, after, "name"), "\"Offer\",\"Negotiation\",\"Won\",\"Lost\"");
    EXPECT_STR_EQ(stages_column(&fx, after, "probability"), "40,75,100,0");
    EXPECT_STR_EQ(stages_column(&fx, after, "position"), "0,1,2,3");
    EXPECT_STR_EQ(stages_column(&fx, after, "rot_days"), "null,7,null,null");
    EXPECT_INT_EQ(stage_id_at(after, 0), proposal);
    EXPECT(stage_id_at(after, 1) > lost);
    EXPECT_INT_EQ(stage_id_at(after, 2), won);
    EXPECT_INT_EQ(stage_id_at(after, 3), lost);
    /* Qualification is gone for good: naming it again is naming a stranger. */
    json_t *clean = NULL;
    err_clear(&fx.err);
    const char *again =
        arena_printf(fx.arena, "{\"stages\":[{\"id\":%lld},{\"id\":%lld},{\"id\":%lld}]}",
                     (long long)qualification, (long long)won, (long long)lost);
    EXPECT_INT_EQ(pipeline_validate(keep(&fx, json_of(again)), after, &clean, &fx.err),
                  -ERR_VALIDATION);
    EXPECT_STR_EQ(field_of(&fx), "stages[0].id");
    fixture_close(&fx);
}

TEST(a_stage_list_can_reorder_stages_and_swap_their_names)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = pipeline_ok(&fx, SALES_BODY);
    json_t *before = pipeline_json(&fx, id);
    const char *body =
        arena_printf(fx.arena,
                     "{\"stages\":[{\"id\":%lld,\"name\":\"Qualification\"},{\"id\":%lld,\"name\":"
                     "\"Proposal\"},{\"id\":%lld},{\"id\":%lld}]}",
                     (long long)stage_id_at(before, 1), (long long)stage_id_at(before, 0),
                     (long long)stage_id_at(before, 2), (long long)stage_id_at(before, 3));
    EXPECT_OK(pipeline_change(&fx, id, 1, body));
    json_t *after = pipeline_json(&fx, id);
    EXPECT_STR_EQ(stages_column(&fx, after, "name"),
                  "\"Qualification\",\"Proposal\",\"Won\",\"Lost\"");
    EXPECT_STR_EQ(stages_column(&fx, after, "probability"), "50,10,100,0");
    EXPECT_INT_EQ(stage_id_at(after, 0), stage_id_at(before, 1));
    fixture_close(&fx);
}

TEST(nothing_refers_to_pipelines_stages_or_reasons_yet)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = pipeline_ok(&fx, SALES_BODY);
    bool in_use = true;
    EXPECT_OK(store_pipeline_in_use(fx.conn, fx.arena, id, &in_use, &fx.err));
    EXPECT(!in_use);
    in_use = true;
    EXPECT_OK(store_pipeline_stage_in_use(fx.conn, fx.arena, stage_id_at(pipeline_json(&fx, id), 0),
                                          &in_use, &fx.err));
    EXPECT(!in_use);
    in_use = true;
    EXPECT_OK(store_deal_reason_in_use(fx.conn, fx.arena, 1, &in_use, &fx.err));
    EXPECT(!in_use);
    fixture_close(&fx);
}

/* ---- deal reasons ---- */

static int reason_insert(struct fixture *fx, const char *body_text, int64_t *id)
{
    json_t *clean = NULL;
    err_clear(&fx->err);
    if (deal_reason_validate(keep(fx, json_of(body_text)), NULL, &clean, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "reason body %s: %s", body_text, fx->err.detail);
    return store_deal_reason_insert(fx->conn, fx->arena, keep(fx, clean), id, &fx->err);
}

static int64_t reason_ok(struct fixture *fx, const char *body_text)
{
    int64_t id = 0;
    if (reason_insert(fx, body_text, &id) < 0)
        test_fail(__FILE__, __LINE__, "reason %s: %s", body_text, fx->err.detail);
    return id;
}

static const char *reasons_column(struct fixture *fx, const char *kind, const char *key)
{
    json_t *list = NULL;
    err_clear(&fx->err);
    if (store_deal_reasons_list(fx->conn, fx->arena, kind, &list, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "reasons: %s", fx->err.detail);
    keep(fx, list);
    char *text = arena_strdup(fx->arena, "");
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        char *one = json_dumps(json_object_get(item, key), JSON_ENCODE_ANY | JSON_COMPACT);
        text = arena_printf(fx->arena, "%s%s%s", text, i ? "," : "", one ? one : "?");
        free(one);
    }
    return text;
}

TEST(deal_reasons_are_listed_won_first_then_by_position_each_new_one_last_of_its_kind)
{
    struct fixture fx;
    fixture_open(&fx, true);
    reason_ok(&fx, "{\"kind\":\"lost\",\"name\":\"Price\"}");
    reason_ok(&fx, "{\"kind\":\"won\",\"name\":\"Fit\"}");
    reason_ok(&fx, "{\"kind\":\"lost\",\"name\":\"Competitor\"}");
    reason_ok(&fx, "{\"kind\":\"lost\",\"name\":\"Timing\",\"position\":0,\"active\":false}");
    EXPECT_STR_EQ(reasons_column(&fx, NULL, "name"), "\"Fit\",\"Price\",\"Timing\",\"Competitor\"");
    EXPECT_STR_EQ(reasons_column(&fx, NULL, "position"), "0,0,0,1");
    EXPECT_STR_EQ(reasons_column(&fx, NULL, "active"), "true,true,false,true");
    EXPECT_STR_EQ(reasons_column(&fx, "lost", "name"), "\"Price\",\"Timing\",\"Competitor\"");
    EXPECT_STR_EQ(reasons_column(&fx, "won", "kind"), "\"won\"");
    fixture_close(&fx);
}

TEST(a_deal_reason_name_is_unique_within_its_kind)
{
    struct fixture fx;
    fixture_open(&fx, true);
    reason_ok(&fx, "{\"kind\":\"lost\",\"name\":\"Timing\"}");
    int64_t id = 0;
    EXPECT_INT_EQ(reason_insert(&fx, "{\"kind\":\"lost\",\"name\":\"Timing\"}", &id),
                  -ERR_CONFLICT);
    EXPECT_STR_EQ(field_of(&fx), "name");
    EXPECT_INT_EQ(reason_insert(&fx, "{\"kind\":\"won\",\"name\":\"Timing\"}", &id), 0);
    fixture_close(&fx);
}

TEST(a_deal_reason_update_checks_the_version_and_a_delete_removes_it)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = reason_ok(&fx, "{\"kind\":\"lost\",\"name\":\"Price\"}");
    EXPECT_OK(store_deal_reason_update(
        fx.conn, fx.arena, id, 1,
        keep(&fx, json_of("{\"name\":\"Too expensive\",\"active\":false,\"position\":5}")),
        &fx.err));
    json_t *reason = NULL;
    EXPECT_OK(store_deal_reason_get(fx.conn, fx.arena, id, &reason, &fx.err));
    keep(&fx, reason);
    EXPECT_STR_EQ(text_at(reason, "name"), "Too expensive");
    EXPECT(json_is_false(json_object_get(reason, "active")));
    EXPECT_INT_EQ(int_at(reason, "position"), 5);
    EXPECT_INT_EQ(int_at(reason, "version"), 2);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_deal_reason_update(fx.conn, fx.arena, id, 1,
                                           keep(&fx, json_of("{\"name\":\"Stale\"}")), &fx.err),
                  -ERR_STALE_VERSION);
    EXPECT_OK(store_deal_reason_delete(fx.conn, fx.arena, id, &fx.err));
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_deal_reason_get(fx.conn, fx.arena, id, &reason, &fx.err), -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_deal_reason_delete(fx.conn, fx.arena, id, &fx.err), -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_deal_reason_update(fx.conn, fx.arena, id, 2,
                                           keep(&fx, json_of("{\"name\":\"Gone\"}")), &fx.err),
                  -ERR_NOT_FOUND);
    fixture_close(&fx);
}
