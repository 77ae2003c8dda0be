/*
 * Tests for src/domain/commission.c: rule bodies (names, pipeline and
 * series, tiers with their order, money and percents, unknown and
 * read-only keys, updates keeping only changes), the tier reached and the
 * commission on a whole volume, the first matching rule, one person's
 * quarter across rules, and quarters.
 */
#include "domain/commission.h"

#include "base/arena.h"
#include "base/clock.h"
#include "domain_fixture.h"
#include "../test.h"

#define TIERS_OK "[{'from':'0','percent':'3'},{'from':'10000','percent':'4.5'}]"

/* A rule as the store answers it. */
#define CURRENT                                                                                    \
    "{'id':4,'name':'GTX','pipeline_id':2,'series':'GTX','position':0,'active':true,"              \
    "'tiers':[{'from':'0.00','percent':'3'},{'from':'10000.00','percent':'4.5'}],"                 \
    "'created_at':'2026-01-01T00:00:00.000Z','updated_at':'2026-01-01T00:00:00.000Z',"             \
    "'version':2}"

static int validate(const char *body_text, const char *current_text, const char *currency,
                    json_t **clean, struct err *err)
{
    json_t *body = fixture_json(body_text);
    json_t *current = current_text ? fixture_json(current_text) : NULL;
    err_clear(err);
    int rc = commission_rule_validate(body, current, currency, clean, err);
    json_decref(body);
    json_decref(current);
    EXPECT(rc == 0 ? *clean != NULL : *clean == NULL);
    return rc;
}

/* Expects the body to fail with an error on `field` containing `part`. */
static void expect_error_at(int line, const char *body, const char *field, const char *part)
{
    json_t *clean;
    struct err err;
    int rc = validate(body, NULL, "EUR", &clean, &err);
    const char *message = fixture_field_message(&err, field);
    if (rc != -ERR_VALIDATION || message == NULL || strstr(message, part) == NULL)
        test_fail(__FILE__, line, "%s: rc %d, error on %s \"%s\", wanted \"%s\"", body, rc, field,
                  message ? message : "(none)", part);
}
#define expect_error(body, field, part) expect_error_at(__LINE__, body, field, part)

/* Tiers from text, as the store keeps them. */
static size_t tiers_of(const char *text, const char *currency, struct commission_tier *out)
{
    json_t *tiers = fixture_json(text);
    size_t n = 0;
    EXPECT_INT_EQ(commission_tiers_read(tiers, currency, out, &n), 0);
    json_decref(tiers);
    return n;
}

TEST(commission_rule_body_becomes_canonical)
{
    json_t *clean;
    struct err err;
    int rc = validate("{'name':'  GTX bonus ','pipeline_id':2,'series':' GTX ','tiers':"
                      "[{'from':'0','percent':'3.50'},{'from':10000,'percent':5},"
                      "{'from':'25000.5','percent':'0.0125'}],'position':3,'active':false}",
                      NULL, "EUR", &clean, &err);
    EXPECT_INT_EQ(rc, 0);
    EXPECT_JSON_EQ(clean, "{'name':'GTX bonus','pipeline_id':2,'series':'GTX','tiers':"
                          "[{'from':'0.00','percent':'3.5'},{'from':'10000.00','percent':'5'},"
                          "{'from':'25000.50','percent':'0.0125'}],'position':3,'active':false}");
    json_decref(clean);
}

TEST(commission_rule_needs_a_name_and_tiers_and_takes_null_for_any)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate("{}", NULL, "EUR", &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "name", "is required");
    EXPECT_FIELD_ERROR(&err, "tiers", "is required");
    EXPECT_INT_EQ(validate("{'name':'Any','pipeline_id':null,'series':'  ','tiers':" TIERS_OK "}",
                           NULL, "EUR", &clean, &err),
                  0);
    EXPECT(json_is_null(json_object_get(clean, "pipeline_id")));
    EXPECT(json_is_null(json_object_get(clean, "series")));
    json_decref(clean);
}

TEST(commission_rule_refuses_bad_names_pipelines_series_and_flags)
{
    expect_error("{'name':'  ','tiers':" TIERS_OK "}", "name", "must not be empty");
    expect_error("{'name':7,'tiers':" TIERS_OK "}", "name", "must be a string");
    expect_error("{'name':'"
                 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                 "xxxxxxxxxxxxxxxxxxxxx','tiers':" TIERS_OK "}",
                 "name", "at most 100");
    expect_error("{'name':'a','pipeline_id':0,'tiers':" TIERS_OK "}", "pipeline_id", "pipeline id");
    expect_error("{'name':'a','pipeline_id':'2','tiers':" TIERS_OK "}", "pipeline_id",
                 "pipeline id");
    expect_error("{'name':'a','series':5,'tiers':" TIERS_OK "}", "series", "must be a string");
    expect_error("{'name':'a','active':1,'tiers':" TIERS_OK "}", "active", "true or false");
    expect_error("{'name':'a','position':10001,'tiers':" TIERS_OK "}", "position", "0 to 10000");
    expect_error("{'name':'a','tiers':" TIERS_OK ",'rate':1}", "rate", "unknown field");
    expect_error("{'name':'a','tiers':" TIERS_OK ",'version':1}", "version", "read-only");
}

TEST(commission_tiers_start_at_zero_and_rise_strictly)
{
    expect_error("{'name':'a','tiers':[]}", "tiers", "1 to 10");
    expect_error("{'name':'a','tiers':{}}", "tiers", "1 to 10");
    expect_error("{'name':'a','tiers':[{'from':'0','percent':'1'},{'from':'1','percent':'1'},"
                 "{'from':'2','percent':'1'},{'from':'3','percent':'1'},{'from':'4','percent':'1'},"
                 "{'from':'5','percent':'1'},{'from':'6','percent':'1'},{'from':'7','percent':'1'},"
                 "{'from':'8','percent':'1'},{'from':'9','percent':'1'},"
                 "{'from':'10','percent':'1'}]}",
                 "tiers", "1 to 10");
    expect_error("{'name':'a','tiers':[{'from':'100','percent':'3'}]}", "tiers[0].from",
                 "must be 0");
    expect_error("{'name':'a','tiers':[{'from':'0','percent':'3'},{'from':'500','percent':'4'},"
                 "{'from':'500','percent':'5'}]}",
                 "tiers[2].from", "greater than");
    expect_error("{'name':'a','tiers':[{'from':'0','percent':'3'},{'from':'500','percent':'4'},"
                 "{'from':'200','percent':'5'}]}",
                 "tiers[2].from", "greater than");
    expect_error("{'name':'a','tiers':[7]}", "tiers[0]", "from");
    expect_error("{'name':'a','tiers':[{'from':'0'}]}", "tiers[0].percent", "is required");
    expect_error("{'name':'a','tiers':[{'percent':'3'}]}", "tiers[0].from", "is required");
    expect_error("{'name':'a','tiers':[{'from':'0','percent':'3','to':'5'}]}", "tiers[0].to",
                 "unknown field");
}

TEST(commission_tier_money_and_percents_are_checked)
{
    expect_error("{'name':'a','tiers':[{'from':'0','percent':'3'},"
                 "{'from':'10.555','percent':'4'}]}",
                 "tiers[1].from", "at most 2 decimal places for EUR");
    expect_error("{'name':'a','tiers':[{'from':'0','percent':'3'},{'from':'1,5','percent':'4'}]}",
                 "tiers[1].from", "");
    expect_error("{'name':'a','tiers':[{'from':'-1','percent':'3'}]}", "tiers[0].from", "");
    expect_error("{'name':'a','tiers':[{'from':0.5,'percent':'3'}]}", "tiers[0].from",
                 "decimal string");
    expect_error("{'name':'a','tiers':[{'from':'0','percent':'100.5'}]}", "tiers[0].percent",
                 "0 to 100");
    expect_error("{'name':'a','tiers':[{'from':'0','percent':'-1'}]}", "tiers[0].percent",
                 "0 to 100");
    expect_error("{'name':'a','tiers':[{'from':'0','percent':'1.23456'}]}", "tiers[0].percent",
                 "4 decimal places");
    expect_error("{'name':'a','tiers':[{'from':'0','percent':'abc'}]}", "tiers[0].percent",
                 "0 to 100");
    /* JPY has no minor unit. */
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate("{'name':'a','tiers':[{'from':'0','percent':'1'},{'from':'10.5',"
                           "'percent':'2'}]}",
                           NULL, "JPY", &clean, &err),
                  -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "tiers[1].from", "whole number");
    EXPECT_INT_EQ(validate("{'name':'a','tiers':[{'from':'0','percent':'100'},{'from':'1050',"
                           "'percent':'0'}]}",
                           NULL, "JPY", &clean, &err),
                  0);
    EXPECT_JSON_EQ(json_object_get(clean, "tiers"),
                   "[{'from':'0','percent':'100'},{'from':'1050','percent':'0'}]");
    json_decref(clean);
}

TEST(commission_rule_update_keeps_only_what_changes)
{
    json_t *clean;
    struct err err;
    EXPECT_INT_EQ(validate("{'name':'GTX','series':'GTX','tiers':[{'from':'0','percent':'3.0'},"
                           "{'from':'10000','percent':'4.5'}]}",
                           CURRENT, "EUR", &clean, &err),
                  0);
    EXPECT_JSON_EQ(clean, "{}");
    json_decref(clean);
    EXPECT_INT_EQ(validate("{'pipeline_id':null,'active':false}", CURRENT, "EUR", &clean, &err), 0);
    EXPECT_JSON_EQ(clean, "{'pipeline_id':null,'active':false}");
    json_decref(clean);
    EXPECT_INT_EQ(validate("{'id':4}", CURRENT, "EUR", &clean, &err), -ERR_VALIDATION);
    EXPECT_FIELD_ERROR(&err, "id", "read-only");
}

TEST(commission_rule_validation_frees_what_it_made)
{
    fixture_count_json_allocations();
    json_t *clean;
    struct err err;
    validate("{'name':'a','tiers':[{'from':'0','percent':'3'},{'from':'x','percent':'y'}]}", NULL,
             "EUR", &clean, &err);
    validate("{'name':'a','tiers':" TIERS_OK "}", CURRENT, "EUR", &clean, &err);
    json_decref(clean);
    EXPECT_INT_EQ(fixture_live_json_allocations(), 0);
}

TEST(commission_tier_reached_is_the_last_whose_from_is_not_above_the_volume)
{
    struct commission_tier tiers[COMMISSION_TIERS_MAX];
    size_t n = tiers_of("[{'from':'0.00','percent':'3'},{'from':'10000.00','percent':'4.5'},"
                        "{'from':'25000.00','percent':'6'}]",
                        "EUR", tiers);
    EXPECT_INT_EQ(n, 3);
    EXPECT_INT_EQ(tiers[1].from_minor, 1000000);
    EXPECT_INT_EQ(tiers[1].percent, 45000);
    EXPECT_INT_EQ(commission_tier_reached(tiers, n, 0), 0);
    EXPECT_INT_EQ(commission_tier_reached(tiers, n, 999999), 0);
    EXPECT_INT_EQ(commission_tier_reached(tiers, n, 1000000), 1);
    EXPECT_INT_EQ(commission_tier_reached(tiers, n, 2499999), 1);
    EXPECT_INT_EQ(commission_tier_reached(tiers, n, 2500000), 2);
}

TEST(commission_applies_the_tier_to_the_whole_volume_rounding_half_up)
{
    struct commission_tier tiers[COMMISSION_TIERS_MAX];
    size_t n = tiers_of("[{'from':'0.00','percent':'3'},{'from':'10000.00','percent':'4.5'}]",
                        "EUR", tiers);
    size_t tier;
    int64_t commission;
    /* 9999.99 at 3 %: 299.9997 -> 300.00. */
    EXPECT_INT_EQ(commission_compute(tiers, n, 999999, &tier, &commission), 0);
    EXPECT_INT_EQ(tier, 0);
    EXPECT_INT_EQ(commission, 30000);
    /* 12000.00 at 4.5 % on the whole volume, not 3 % of the first 10000: 540.00. */
    EXPECT_INT_EQ(commission_compute(tiers, n, 1200000, &tier, &commission), 0);
    EXPECT_INT_EQ(tier, 1);
    EXPECT_INT_EQ(commission, 54000);
    /* 0.50 at 3 % is 0.015 -> 0.02 (half up). */
    EXPECT_INT_EQ(commission_compute(tiers, n, 50, &tier, &commission), 0);
    EXPECT_INT_EQ(commission, 2);
    EXPECT_INT_EQ(commission_compute(tiers, 0, 50, &tier, &commission), -ERR_VALIDATION);
}

TEST(commission_tiers_follow_a_changed_base_currency)
{
    struct commission_tier tiers[COMMISSION_TIERS_MAX];
    size_t n =
        tiers_of("[{'from':'0.00','percent':'1'},{'from':'10.50','percent':'2'}]", "JPY", tiers);
    EXPECT_INT_EQ(n, 2);
    EXPECT_INT_EQ(tiers[1].from_minor, 11);
    json_t *bad = fixture_json("[{'from':'x','percent':'1'}]");
    EXPECT_INT_EQ(commission_tiers_read(bad, "EUR", tiers, &n), -ERR_VALIDATION);
    json_decref(bad);
}

TEST(commission_deal_counts_for_the_first_active_rule_that_matches)
{
    struct commission_rule rules[] = {
        {.id = 1, .pipeline_id = 7, .series = "GTX", .active = true},
        {.id = 2, .series = "RTX", .active = false},
        {.id = 3, .series = "rtx", .active = true},
        {.id = 4, .pipeline_id = 7, .active = true},
        {.id = 5, .active = true},
    };
    EXPECT_INT_EQ(commission_rule_pick(rules, 5, 7, "GTX"), 0);
    EXPECT_INT_EQ(commission_rule_pick(rules, 5, 7, "gtx"), 0);
    EXPECT_INT_EQ(commission_rule_pick(rules, 5, 8, "GTX"), 4);
    EXPECT_INT_EQ(commission_rule_pick(rules, 5, 8, "RTX"), 2);
    EXPECT_INT_EQ(commission_rule_pick(rules, 5, 7, NULL), 3);
    EXPECT_INT_EQ(commission_rule_pick(rules, 4, 8, NULL), -1);
    EXPECT(!commission_rule_matches(&rules[0], 7, "GTX 2"));
}

TEST(commission_person_sums_rules_and_uncovered_deals_apart)
{
    struct commission_rule rules[2] = {
        {.id = 10, .series = "GTX", .active = true},
        {.id = 11, .pipeline_id = 1, .active = true},
    };
    rules[0].n_tiers = tiers_of("[{'from':'0.00','percent':'5'},{'from':'1000.00','percent':'10'}]",
                                "EUR", rules[0].tiers);
    rules[1].n_tiers = tiers_of("[{'from':'0.00','percent':'2'}]", "EUR", rules[1].tiers);
    struct commission_group groups[] = {
        {.user_id = 3, .pipeline_id = 1, .series = "GTX", .won_count = 2, .volume_minor = 60000},
        {.user_id = 3,
         .pipeline_id = 2,
         .series = "GTX",
         .won_count = 1,
         .volume_minor = 50000,
         .unconverted_count = 1},
        {.user_id = 3, .pipeline_id = 1, .series = NULL, .won_count = 1, .volume_minor = 10000},
        {.user_id = 3,
         .pipeline_id = 2,
         .series = "RTX",
         .won_count = 4,
         .volume_minor = 7000,
         .unconverted_count = 2},
    };
    struct arena *arena = arena_new();
    struct commission_person person;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(commission_person_compute(arena, rules, 2, groups, 4, &person, &err), 0);
    EXPECT_INT_EQ(person.user_id, 3);
    EXPECT_INT_EQ(person.won_count, 8);
    EXPECT_INT_EQ(person.volume_minor, 127000);
    EXPECT_INT_EQ(person.unconverted_count, 3);
    EXPECT_INT_EQ(person.uncovered_count, 4);
    EXPECT_INT_EQ(person.uncovered_volume_minor, 7000);
    EXPECT_INT_EQ(person.n_lines, 2);
    /* GTX: 1100.00 reaches the 10 % tier on all of it. */
    EXPECT_INT_EQ(person.lines[0].rule, 0);
    EXPECT_INT_EQ(person.lines[0].won_count, 3);
    EXPECT_INT_EQ(person.lines[0].volume_minor, 110000);
    EXPECT_INT_EQ(person.lines[0].unconverted_count, 1);
    EXPECT_INT_EQ(person.lines[0].tier, 1);
    EXPECT_INT_EQ(person.lines[0].commission_minor, 11000);
    EXPECT_INT_EQ(person.lines[1].rule, 1);
    EXPECT_INT_EQ(person.lines[1].volume_minor, 10000);
    EXPECT_INT_EQ(person.lines[1].commission_minor, 200);
    EXPECT_INT_EQ(person.commission_minor, 11200);
    arena_free(arena);
}

TEST(commission_person_without_rules_has_everything_uncovered)
{
    struct commission_group group = {
        .user_id = 9, .pipeline_id = 1, .won_count = 2, .volume_minor = 500};
    struct arena *arena = arena_new();
    struct commission_person person;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(commission_person_compute(arena, NULL, 0, &group, 1, &person, &err), 0);
    EXPECT_INT_EQ(person.n_lines, 0);
    EXPECT_INT_EQ(person.uncovered_count, 2);
    EXPECT_INT_EQ(person.commission_minor, 0);
    struct commission_group huge[] = {
        {.user_id = 9, .won_count = 1, .volume_minor = INT64_MAX},
        {.user_id = 9, .won_count = 1, .volume_minor = 1},
    };
    EXPECT_INT_EQ(commission_person_compute(arena, NULL, 0, huge, 2, &person, &err),
                  -ERR_VALIDATION);
    arena_free(arena);
}

TEST(commission_quarters_parse_and_have_their_dates)
{
    struct commission_quarter q;
    EXPECT_INT_EQ(commission_quarter_parse("2017-Q1", &q), 0);
    EXPECT_STR_EQ(q.label, "2017-Q1");
    EXPECT_STR_EQ(q.first, "2017-01-01");
    EXPECT_STR_EQ(q.last, "2017-03-31");
    EXPECT_STR_EQ(q.next, "2017-04-01");
    EXPECT_INT_EQ(commission_quarter_parse("2024-Q1", &q), 0);
    EXPECT_STR_EQ(q.last, "2024-03-31");
    EXPECT_INT_EQ(commission_quarter_parse("2016-Q4", &q), 0);
    EXPECT_STR_EQ(q.first, "2016-10-01");
    EXPECT_STR_EQ(q.last, "2016-12-31");
    EXPECT_STR_EQ(q.next, "2017-01-01");
    static const char *const bad[] = {"2017-Q5",  "2017Q1", "2017-Q0", "2017-q1", "17-Q1",
                                      "2017-Q12", "",       "0999-Q1", "2O17-Q1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (commission_quarter_parse(bad[i], &q) != -ERR_BAD_REQUEST)
            test_fail(__FILE__, __LINE__, "\"%s\" should be refused", bad[i]);
    }
    EXPECT_INT_EQ(commission_quarter_parse(NULL, &q), -ERR_BAD_REQUEST);
}

TEST(commission_quarter_of_a_day)
{
    struct commission_quarter q;
    commission_quarter_of_day(clock_days_from_civil(2026, 8, 15), &q);
    EXPECT_STR_EQ(q.label, "2026-Q3");
    EXPECT_STR_EQ(q.first, "2026-07-01");
    EXPECT_STR_EQ(q.last, "2026-09-30");
    commission_quarter_of_day(clock_days_from_civil(2026, 12, 31), &q);
    EXPECT_STR_EQ(q.label, "2026-Q4");
}
