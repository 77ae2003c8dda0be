/*
 * Tests for src/domain/pipeline.c: pipeline bodies on create and update
 * (names, stage lists kept, added and removed by id, the kinds and their
 * probabilities, rot days, unknown and read-only keys) and deal reasons.
 */
#include "domain/pipeline.h"

#include "domain_fixture.h"
#include "../test.h"

/* The stages of a valid pipeline, as JSON text (single quotes). */
#define STAGES_OK                                                                                  \
    "[{'name':'Qualification','probability':10,'kind':'open','rot_days':14},"                      \
    "{'name':'Proposal','probability':50,'kind':'open'},"                                          \
    "{'name':'Won','kind':'won'},{'name':'Lost','kind':'lost'}]"

/* A pipeline as the store answers it. */
#define CURRENT                                                                                    \
    "{'id':1,'name':'Sales','position':0,'version':3,'stages':["                                   \
    "{'id':11,'name':'Qualification','probability':10,'kind':'open','position':0,'rot_days':14},"  \
    "{'id':12,'name':'Proposal','probability':50,'kind':'open','position':1,'rot_days':null},"     \
    "{'id':13,'name':'Won','probability':100,'kind':'won','position':2,'rot_days':null},"          \
    "{'id':14,'name':'Lost','probability':0,'kind':'lost','position':3,'rot_days':null}]}"

static int validate(const char *body_text, const char *current_text, json_t **clean,
                    struct err *err)
{
    json_t *body = fixture_json(body_text);
    json_t *current = current_text ? fixture_json(current_text) : NULL;
    err_clear(err);
    int rc = pipeline_validate(body, current, clean, err);
    json_decref(body);
    json_decref(current);
    EXPECT(rc == 0 ? *clean != NULL : *clean == NULL);
    return rc;
}

/* Expects the body to fail with an error on `field` containing `part`. */
static void expect_error(const char *body, const char *current, const char *field, const char *part)
{
    json_t *clean;
    struct err err;
    int rc = validate(body, current, &clean, &err);
    const char *message = fixture_field_message(&err, field);
    if (rc != -ERR_VALIDATION || message == NULL || strstr(message, part) == NULL)
        test_fail(__FILE__, __LINE__, "%s: rc %d, error on %s \"%s\", wanted \"%s\"", body, rc,
                  field, message ? message : "(none)", part);
}

TEST(pipeline_stage_kinds_have_names_and_parse_back)
{
    enum stage_kind kind;
    EXPECT_STR_EQ(stage_kind_name(STAGE_OPEN), "open");
    EXPECT_STR_EQ(stage_kind_name(STAGE_WON), "won");
    EXPECT_STR_EQ(stage_kind_name(STAGE_LOST), "lost");
    EXPECT(stage_kind_parse("lost", &kind));
    EXPECT_INT_EQ(kind, STAGE_LOST);
    EXPECT(!stage_kind_parse("Won", &kind));
    EXPECT(!stage_kind_parse(NULL, &kind));
}

TEST(pipeline_create_trims_names_numbers_stages_and_fills_terminal_probabilities)
{
    fixture_count_json_allocations();
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate("{'name':'  Sales  ','stages':" STAGES_OK "}", NULL, &clean, &err), 0);
    EXPECT_JSON_EQ(
        clean, "{'name':'Sales','stages':["
               "{'name':'Qualification','probability':10,'kind':'open','rot_days':14,"
               "'position':0},"
               "{'name':'Proposal','probability':50,'kind':'open','rot_days':null,'position':1},"
               "{'name':'Won','probability':100,'kind':'won','rot_days':null,'position':2},"
               "{'name':'Lost','probability':0,'kind':'lost','rot_days':null,'position':3}]}");
    json_decref(clean);
    EXPECT_INT_EQ(fixture_live_json_allocations(), 0);
}

TEST(pipeline_create_requires_a_name_and_stages)
{
    expect_error("{'stages':" STAGES_OK "}", NULL, "name", "is required");
    expect_error("{'name':'Sales'}", NULL, "stages", "is required");
    expect_error("{'name':'   ','stages':" STAGES_OK "}", NULL, "name", "must not be empty");
    expect_error("{'name':7,'stages':" STAGES_OK "}", NULL, "name", "must be a string");
    expect_error("{'name':'Sales','stages':[]}", NULL, "stages", "1 to 50");
    expect_error("{'name':'Sales','stages':{}}", NULL, "stages", "1 to 50");
}

TEST(pipeline_names_are_at_most_100_characters_counted_as_characters)
{
    char body[1024];
    char name[201];
    for (int i = 0; i < 100; i++)
        memcpy(name + 2 * i, "я", 2); /* two bytes each: 100 characters */
    name[200] = '\0';
    snprintf(body, sizeof(body), "{'name':'%s','stages':%s}", name, STAGES_OK);
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate(body, NULL, &clean, &err), 0);
    json_decref(clean);
    snprintf(body, sizeof(body), "{'name':'%sx','stages':%s}", name, STAGES_OK);
    expect_error(body, NULL, "name", "at most 100 characters");
    expect_error("{'name':'Sa\\u0007les','stages':" STAGES_OK "}", NULL, "name",
                 "control characters");
}

TEST(pipeline_body_refuses_unknown_and_read_only_keys)
{
    expect_error("{'name':'Sales','stages':" STAGES_OK ",'colour':'red'}", NULL, "colour",
                 "unknown field");
    expect_error("{'name':'Sales','stages':" STAGES_OK ",'version':2}", NULL, "version",
                 "read-only");
    expect_error("{'name':'Sales','stages':[{'name':'A','probability':1,'kind':'open',"
                 "'position':4},{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0].position", "read-only");
    expect_error("{'name':'Sales','stages':[{'name':'A','probability':1,'kind':'open',"
                 "'colour':1},{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0].colour", "unknown field");
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate("[1]", NULL, &clean, &err), -ERR_BAD_REQUEST);
}

TEST(pipeline_stage_fields_are_checked_and_named_by_their_place)
{
    expect_error("{'name':'S','stages':[{'name':'A','probability':101,'kind':'open'},"
                 "{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0].probability", "from 0 to 100");
    expect_error("{'name':'S','stages':[{'name':'A','probability':10,'kind':'open'},"
                 "{'name':'B','probability':2.5,'kind':'open'},"
                 "{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[1].probability", "from 0 to 100");
    expect_error("{'name':'S','stages':[{'name':'A','kind':'open'},"
                 "{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0].probability", "is required");
    expect_error("{'name':'S','stages':[{'name':'A','probability':1,'kind':'closed'},"
                 "{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0].kind", "open, won or lost");
    expect_error("{'name':'S','stages':[{'name':'A','probability':1},"
                 "{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0].kind", "is required");
    expect_error("{'name':'S','stages':[{'probability':1,'kind':'open'},"
                 "{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0].name", "is required");
    expect_error("{'name':'S','stages':[{'name':'A','probability':1,'kind':'open',"
                 "'rot_days':0},{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0].rot_days", "from 1 to 3650");
    expect_error("{'name':'S','stages':[{'name':'A','probability':1,'kind':'open',"
                 "'rot_days':3651},{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0].rot_days", "from 1 to 3650");
    expect_error("{'name':'S','stages':['A',{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0]", "must be an object");
}

TEST(pipeline_needs_an_open_a_won_and_a_lost_stage)
{
    expect_error("{'name':'S','stages':[{'name':'A','probability':1,'kind':'open'},"
                 "{'name':'L','kind':'lost'}]}",
                 NULL, "stages", "at least one won stage");
    expect_error("{'name':'S','stages':[{'name':'A','probability':1,'kind':'open'},"
                 "{'name':'W','kind':'won'}]}",
                 NULL, "stages", "at least one lost stage");
    expect_error("{'name':'S','stages':[{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages", "at least one open stage");
}

TEST(pipeline_won_and_lost_stages_are_terminal)
{
    /* They come after every open stage, */
    expect_error("{'name':'S','stages':[{'name':'W','kind':'won'},"
                 "{'name':'A','probability':1,'kind':'open'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[1].kind", "open stages come before");
    /* are certain, */
    expect_error("{'name':'S','stages':[{'name':'A','probability':1,'kind':'open'},"
                 "{'name':'W','probability':90,'kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[1].probability", "must be 100 for a won stage");
    expect_error("{'name':'S','stages':[{'name':'A','probability':1,'kind':'open'},"
                 "{'name':'W','kind':'won'},{'name':'L','probability':5,'kind':'lost'}]}",
                 NULL, "stages[2].probability", "must be 0 for a lost stage");
    /* and do not rot. */
    expect_error("{'name':'S','stages':[{'name':'A','probability':1,'kind':'open'},"
                 "{'name':'W','kind':'won','rot_days':3},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[1].rot_days", "must be null for a won or lost stage");
    /* Several of each are fine (won with or without a discount, lost to price or to silence). */
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate("{'name':'S','stages':[{'name':'A','probability':1,'kind':'open'},"
                           "{'name':'W1','kind':'won'},{'name':'W2','kind':'won'},"
                           "{'name':'L1','kind':'lost'},{'name':'L2','kind':'lost'}]}",
                           NULL, &clean, &err),
                  0);
    json_decref(clean);
}

TEST(pipeline_stage_names_are_unique_within_the_pipeline_ignoring_case)
{
    expect_error("{'name':'S','stages':[{'name':'Demo','probability':1,'kind':'open'},"
                 "{'name':' demo ','probability':2,'kind':'open'},"
                 "{'name':'W','kind':'won'},{'name':'L','kind':'lost'}]}",
                 NULL, "stages[1].name", "another stage");
}

TEST(pipeline_update_keeps_only_what_changes)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate("{'name':'Sales','position':0}", CURRENT, &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{}");
    json_decref(clean);
    EXPECT_INT_EQ(validate("{'name':'Renewals','position':2}", CURRENT, &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{'name':'Renewals','position':2}");
    json_decref(clean);
    /* The same stages by id alone: nothing changes. */
    EXPECT_INT_EQ(
        validate("{'stages':[{'id':11},{'id':12},{'id':13},{'id':14}]}", CURRENT, &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{}");
    json_decref(clean);
    expect_error("{'position':-1}", CURRENT, "position", "from 0 to 10000");
    expect_error("{'name':''}", CURRENT, "name", "must not be empty");
}

TEST(pipeline_update_renames_reorders_adds_and_drops_stages_by_id)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate("{'stages':[{'id':12,'name':'Offer'},{'id':11,'probability':20},"
                           "{'name':'Negotiation','probability':75,'kind':'open','rot_days':7},"
                           "{'id':13},{'id':14}]}",
                           CURRENT, &clean, &err),
                  0);
    EXPECT_JSON_EQ(clean,
                   "{'stages':["
                   "{'id':12,'name':'Offer','probability':50,'kind':'open','rot_days':null,"
                   "'position':0},"
                   "{'id':11,'name':'Qualification','probability':20,'kind':'open','rot_days':14,"
                   "'position':1},"
                   "{'name':'Negotiation','probability':75,'kind':'open','rot_days':7,"
                   "'position':2},"
                   "{'id':13,'name':'Won','probability':100,'kind':'won','rot_days':null,"
                   "'position':3},"
                   "{'id':14,'name':'Lost','probability':0,'kind':'lost','rot_days':null,"
                   "'position':4}]}");
    json_decref(clean);
    /* Proposal (12) is left out: the list without it is the new list. */
    EXPECT_INT_EQ(validate("{'stages':[{'id':11},{'id':13},{'id':14}]}", CURRENT, &clean, &err), 0);
    EXPECT_INT_EQ(json_array_size(json_object_get(clean, "stages")), 3);
    json_decref(clean);
}

TEST(pipeline_update_turning_a_stage_won_makes_it_certain_and_stop_rotting)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate("{'stages':[{'id':12},{'id':11,'kind':'won'},{'id':13},{'id':14}]}",
                           CURRENT, &clean, &err),
                  0);
    EXPECT_JSON_EQ(json_array_get(json_object_get(clean, "stages"), 1),
                   "{'id':11,'name':'Qualification','probability':100,'kind':'won',"
                   "'rot_days':null,'position':1}");
    json_decref(clean);
}

TEST(pipeline_update_refuses_ids_of_other_pipelines_and_ids_listed_twice)
{
    expect_error("{'stages':[{'id':99},{'id':13},{'id':14},{'id':11}]}", CURRENT, "stages[0].id",
                 "not a stage of this pipeline");
    expect_error("{'stages':[{'id':11},{'id':11,'name':'Again'},{'id':13},{'id':14}]}", CURRENT,
                 "stages[1].id", "listed twice");
    expect_error("{'stages':[{'id':'11'},{'id':13},{'id':14}]}", CURRENT, "stages[0].id",
                 "not a stage of this pipeline");
    /* A new pipeline has no stages to name. */
    expect_error("{'name':'S','stages':[{'id':11},{'name':'W','kind':'won'},"
                 "{'name':'L','kind':'lost'}]}",
                 NULL, "stages[0].id", "not a stage of this pipeline");
}

TEST(pipeline_validation_reports_every_problem_at_once_and_frees_everything)
{
    fixture_count_json_allocations();
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate("{'name':'','x':1,'stages':[{'name':'A','probability':-1,"
                           "'kind':'open'},{'name':'W','kind':'won','rot_days':2}]}",
                           NULL, &clean, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "x", "unknown field");
    EXPECT_FIELD_ERROR(&err, "name", "must not be empty");
    EXPECT_FIELD_ERROR(&err, "stages[0].probability", "from 0 to 100");
    EXPECT_FIELD_ERROR(&err, "stages[1].rot_days", "must be null");
    EXPECT_INT_EQ(fixture_live_json_allocations(), 0);
}

/* ---- deal reasons ---- */

static int reason(const char *body_text, const char *current_text, json_t **clean, struct err *err)
{
    json_t *body = fixture_json(body_text);
    json_t *current = current_text ? fixture_json(current_text) : NULL;
    err_clear(err);
    int rc = deal_reason_validate(body, current, clean, err);
    json_decref(body);
    json_decref(current);
    return rc;
}

#define REASON "{'id':5,'kind':'lost','name':'Price','position':0,'active':true,'version':1}"

TEST(deal_reason_create_needs_a_kind_and_a_name)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(reason("{'kind':'lost','name':' Too expensive '}", NULL, &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{'kind':'lost','name':'Too expensive'}");
    json_decref(clean);
    EXPECT_INT_EQ(reason("{'name':'X'}", NULL, &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "kind", "is required");
    EXPECT_INT_EQ(reason("{'kind':'open','name':'X'}", NULL, &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "kind", "won or lost");
    EXPECT_INT_EQ(reason("{'kind':'won'}", NULL, &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "name", "is required");
    EXPECT_INT_EQ(reason("{'kind':'won','name':'X','active':'yes','id':3}", NULL, &clean, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "active", "true or false");
    EXPECT_FIELD_ERROR(&err, "id", "read-only");
}

TEST(deal_reason_update_keeps_its_kind_and_only_what_changes)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(reason("{'kind':'lost','name':'Price','active':false}", REASON, &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{'active':false}");
    json_decref(clean);
    EXPECT_INT_EQ(reason("{'kind':'won'}", REASON, &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "kind", "cannot be changed");
    EXPECT_INT_EQ(reason("{'position':10001}", REASON, &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "position", "from 0 to 10000");
}
