/*
 * Tests for filter_parse(): the tree it builds (operators, precedence,
 * values, names), the types it accepts, and the position and wording of its
 * errors.
 */
#include "query/filter.h"

#include <string.h>

#include "base/arena.h"
#include "filter_fixture.h"
#include "query/filter_ast.h"
#include "../test.h"

static struct arena *arena;

__attribute__((constructor)) static void parser_test_arena(void)
{
    /* Each test runs in its own forked child; the memory goes with it. */
    arena = arena_new();
}

static const struct filter_node *cond(const char *text, enum filter_op op)
{
    const struct filter_node *node = fixture_parse(arena, text);
    EXPECT_INT_EQ(node->kind, FILTER_COMPARE);
    EXPECT_INT_EQ(node->op, op);
    return node;
}

TEST(filter_parser_reads_every_comparison_operator)
{
    EXPECT_INT_EQ(cond("score = 1", FILTER_OP_EQ)->values[0].i, 1);
    cond("score != 1", FILTER_OP_NE);
    cond("score <> 1", FILTER_OP_NE);
    cond("score < 1", FILTER_OP_LT);
    cond("score <= 1", FILTER_OP_LE);
    cond("score > 1", FILTER_OP_GT);
    cond("score >= 1", FILTER_OP_GE);
    cond("score>=1", FILTER_OP_GE);
    EXPECT_INT_EQ(cond("stage in (\"a\", \"b\")", FILTER_OP_IN)->n_values, 2);
    EXPECT_INT_EQ(cond("stage not in ('a')", FILTER_OP_NOT_IN)->n_values, 1);
    cond("name contains \"ann\"", FILTER_OP_CONTAINS);
    cond("name starts with \"an\"", FILTER_OP_STARTS_WITH);
    EXPECT_INT_EQ(cond("name is null", FILTER_OP_IS_NULL)->n_values, 0);
    cond("name is not null", FILTER_OP_IS_NOT_NULL);
    cond("created_at within last 3 hours", FILTER_OP_EQ);
}

TEST(filter_parser_keywords_ignore_case)
{
    const struct filter_node *node =
        fixture_parse(arena, "NOT name IS NOT NULL AND stage NOT IN ('x') Or name STARTS With 'a'");
    EXPECT_INT_EQ(node->kind, FILTER_OR);
    EXPECT_INT_EQ(node->children[0]->kind, FILTER_AND);
    EXPECT_INT_EQ(node->children[0]->children[0]->kind, FILTER_NOT);
    cond("birthday WITHIN Last 2 Weeks", FILTER_OP_EQ);
    EXPECT(cond("active = TRUE", FILTER_OP_EQ)->values[0].b);
    EXPECT_INT_EQ(cond("owner_id = ME()", FILTER_OP_EQ)->values[0].kind, FILTER_VALUE_ME);
}

TEST(filter_parser_gives_not_precedence_over_and_over_or)
{
    /* a or b and not c  ==  a or (b and (not c)) */
    const struct filter_node *n =
        fixture_parse(arena, "name = 'a' or name = 'b' and not name = 'c'");
    EXPECT_INT_EQ(n->kind, FILTER_OR);
    EXPECT_INT_EQ(n->n_children, 2);
    EXPECT_INT_EQ(n->children[0]->kind, FILTER_COMPARE);
    EXPECT_STR_EQ(n->children[0]->values[0].text, "a");
    EXPECT_INT_EQ(n->children[1]->kind, FILTER_AND);
    EXPECT_INT_EQ(n->children[1]->children[1]->kind, FILTER_NOT);
    EXPECT_STR_EQ(n->children[1]->children[1]->child->values[0].text, "c");

    /* not a and b  ==  (not a) and b */
    n = fixture_parse(arena, "not name = 'a' and name = 'b'");
    EXPECT_INT_EQ(n->kind, FILTER_AND);
    EXPECT_INT_EQ(n->children[0]->kind, FILTER_NOT);
}

TEST(filter_parser_makes_chains_n_ary_and_parentheses_group)
{
    const struct filter_node *n =
        fixture_parse(arena, "score = 1 and score = 2 and score = 3 and score = 4");
    EXPECT_INT_EQ(n->kind, FILTER_AND);
    EXPECT_INT_EQ(n->n_children, 4);
    EXPECT_INT_EQ(n->children[3]->values[0].i, 4);

    n = fixture_parse(arena, "(score = 1 or score = 2) and score = 3");
    EXPECT_INT_EQ(n->kind, FILTER_AND);
    EXPECT_INT_EQ(n->children[0]->kind, FILTER_OR);
    n = fixture_parse(arena, "not (score = 1 or score = 2)");
    EXPECT_INT_EQ(n->kind, FILTER_NOT);
    EXPECT_INT_EQ(n->child->kind, FILTER_OR);
    n = fixture_parse(arena, "((((score = 1))))");
    EXPECT_INT_EQ(n->kind, FILTER_COMPARE);
}

TEST(filter_parser_parses_the_design_example)
{
    const struct filter_node *n = fixture_parse(
        arena, "stage in (\"proposal\", \"negotiation\") and amount >= 1000 and owner_id = me()\n"
               "and birthday within last 30 days and company.industry = \"retail\"");
    EXPECT_INT_EQ(n->kind, FILTER_AND);
    EXPECT_INT_EQ(n->n_children, 5);
    EXPECT(n->children[4]->ref.relation != NULL);
    EXPECT_STR_EQ(n->children[4]->ref.relation->name, "company");
    EXPECT_STR_EQ(n->children[4]->ref.field->name, "industry");
}

TEST(filter_parser_unescapes_strings_in_either_quote)
{
    EXPECT_STR_EQ(cond("name = \"say \\\"hi\\\" \\\\o/\"", FILTER_OP_EQ)->values[0].text,
                  "say \"hi\" \\o/");
    EXPECT_STR_EQ(cond("name = 'o\\'neil \"x\"'", FILTER_OP_EQ)->values[0].text, "o'neil \"x\"");
    const struct filter_node *n = cond("name = \"Борис\"", FILTER_OP_EQ);
    EXPECT_STR_EQ(n->values[0].text, "Борис");
    EXPECT_INT_EQ(n->values[0].len, strlen("Борис"));
    EXPECT_INT_EQ(cond("name = ''", FILTER_OP_EQ)->values[0].len, 0);
}

TEST(filter_parser_reads_integers_decimals_and_negatives)
{
    const struct filter_value *v = &cond("score = -12", FILTER_OP_EQ)->values[0];
    EXPECT(v->is_int);
    EXPECT_INT_EQ(v->i, -12);
    v = &cond("amount >= 10.50", FILTER_OP_GE)->values[0];
    EXPECT(!v->is_int);
    EXPECT(v->d == 10.5);
    EXPECT_STR_EQ(v->text, "10.50");
    v = &cond("score = 9223372036854775807", FILTER_OP_EQ)->values[0];
    EXPECT_INT_EQ(v->i, INT64_MAX);
    v = &cond("custom.rating < -0.5", FILTER_OP_LT)->values[0];
    EXPECT(v->d == -0.5);
}

TEST(filter_parser_resolves_custom_fields_and_relations)
{
    const struct filter_node *n = cond("custom.region = 'north'", FILTER_OP_EQ);
    EXPECT(n->ref.relation == NULL);
    EXPECT_INT_EQ(n->ref.field->storage, FIELD_IN_CUSTOM);
    EXPECT_STR_EQ(n->ref.field->column, "region");

    n = cond("companies.custom.tier = 'gold'", FILTER_OP_EQ);
    EXPECT_STR_EQ(n->ref.relation->name, "companies");
    EXPECT_STR_EQ(n->ref.field->name, "custom.tier");

    n = cond("company.name starts with 'Ac'", FILTER_OP_STARTS_WITH);
    EXPECT(n->ref.relation->target == &fixture_companies);
}

TEST(filter_parser_reads_every_period)
{
    static const struct {
        const char *text;
        enum filter_period_kind kind;
        enum filter_unit unit;
        int64_t offset;
    } cases[] = {
        {"today", FILTER_PERIOD_CALENDAR, FILTER_UNIT_DAY, 0},
        {"yesterday", FILTER_PERIOD_CALENDAR, FILTER_UNIT_DAY, -1},
        {"tomorrow", FILTER_PERIOD_CALENDAR, FILTER_UNIT_DAY, 1},
        {"this week", FILTER_PERIOD_CALENDAR, FILTER_UNIT_WEEK, 0},
        {"this month", FILTER_PERIOD_CALENDAR, FILTER_UNIT_MONTH, 0},
        {"this quarter", FILTER_PERIOD_CALENDAR, FILTER_UNIT_QUARTER, 0},
        {"this year", FILTER_PERIOD_CALENDAR, FILTER_UNIT_YEAR, 0},
        {"last week", FILTER_PERIOD_CALENDAR, FILTER_UNIT_WEEK, -1},
        {"last month", FILTER_PERIOD_CALENDAR, FILTER_UNIT_MONTH, -1},
        {"last quarter", FILTER_PERIOD_CALENDAR, FILTER_UNIT_QUARTER, -1},
        {"last year", FILTER_PERIOD_CALENDAR, FILTER_UNIT_YEAR, -1},
        {"next week", FILTER_PERIOD_CALENDAR, FILTER_UNIT_WEEK, 1},
        {"next month", FILTER_PERIOD_CALENDAR, FILTER_UNIT_MONTH, 1},
        {"next year", FILTER_PERIOD_CALENDAR, FILTER_UNIT_YEAR, 1},
        {"last 30 days", FILTER_PERIOD_ROLLING, FILTER_UNIT_DAY, -30},
        {"last 1 day", FILTER_PERIOD_ROLLING, FILTER_UNIT_DAY, -1},
        {"last 2 weeks", FILTER_PERIOD_ROLLING, FILTER_UNIT_WEEK, -2},
        {"last 6 months", FILTER_PERIOD_ROLLING, FILTER_UNIT_MONTH, -6},
        {"last 12 hours", FILTER_PERIOD_ROLLING, FILTER_UNIT_HOUR, -12},
        {"next 7 days", FILTER_PERIOD_ROLLING, FILTER_UNIT_DAY, 7},
        {"next 3 months", FILTER_PERIOD_ROLLING, FILTER_UNIT_MONTH, 3},
        {"next 1 hour", FILTER_PERIOD_ROLLING, FILTER_UNIT_HOUR, 1},
    };
    char text[96];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), "birthday = %s", cases[i].text);
        const struct filter_value *v = &cond(text, FILTER_OP_EQ)->values[0];
        EXPECT_INT_EQ(v->kind, FILTER_VALUE_PERIOD);
        EXPECT_INT_EQ(v->period.kind, cases[i].kind);
        EXPECT_INT_EQ(v->period.unit, cases[i].unit);
        EXPECT_INT_EQ(v->period.offset, cases[i].offset);
        snprintf(text, sizeof(text), "created_at within %s", cases[i].text);
        EXPECT_INT_EQ(cond(text, FILTER_OP_EQ)->values[0].period.offset, cases[i].offset);
    }
    cond("created_at < this month", FILTER_OP_LT);
    cond("birthday >= last year", FILTER_OP_GE);
}

TEST(filter_parser_checks_and_normalises_dates)
{
    const struct filter_value *v = &cond("birthday = \"2024-02-29\"", FILTER_OP_EQ)->values[0];
    EXPECT_INT_EQ(v->kind, FILTER_VALUE_STRING);
    EXPECT_STR_EQ(v->text, "2024-02-29");

    /* A date on a date-time field means that whole day. */
    v = &cond("created_at = '2026-01-31'", FILTER_OP_EQ)->values[0];
    EXPECT_INT_EQ(v->kind, FILTER_VALUE_PERIOD);
    EXPECT_INT_EQ(v->period.kind, FILTER_PERIOD_DAY);

    /* A date-time with an offset becomes the stored UTC form. */
    v = &cond("created_at >= '2026-01-31T10:15+03:00'", FILTER_OP_GE)->values[0];
    EXPECT_STR_EQ(v->text, "2026-01-31T07:15:00.000Z");
}

TEST(filter_parser_reports_unknown_fields_at_their_position)
{
    EXPECT_STR_EQ(fixture_parse_error(arena, "stagee = 'x'"), "at 0: unknown field 'stagee'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = 'a' and  foo.bar = 1"),
                  "at 16: unknown field 'foo.bar'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "company.nope = 1"),
                  "at 0: unknown field 'company.nope'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "custom.nope = 1"),
                  "at 0: unknown field 'custom.nope'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "Name = 'x'"), "at 0: unknown field 'Name'");
    EXPECT_CONTAINS(fixture_parse_error(arena, "company = 'x'"), "at 0: 'company' is a relation");
    /* Relations go one level deep. */
    EXPECT_STR_EQ(fixture_parse_error(arena, "company.company.name = 'x'"),
                  "at 0: unknown field 'company.company.name'");
}

TEST(filter_parser_reports_unterminated_strings_at_the_opening_quote)
{
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = \"abc"), "at 7: unterminated string");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = 'abc\\'"), "at 7: unterminated string");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = \"a\\"), "at 7: unterminated string");
    EXPECT_CONTAINS(fixture_parse_error(arena, "name = \"a\\n\""), "at 9: unknown escape");
}

TEST(filter_parser_reports_missing_values_and_operators)
{
    EXPECT_STR_EQ(fixture_parse_error(arena, "name ="), "at 6: expected a value after '='");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = and"),
                  "at 7: expected a value, got 'and' (text goes in quotes)");
    EXPECT_STR_EQ(fixture_parse_error(arena, "stage in ()"), "at 10: expected a value, got ')'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "stage in ('a',"),
                  "at 14: expected a value after '('");
    EXPECT_STR_EQ(fixture_parse_error(arena, "stage in ('a' 'b')"),
                  "at 14: expected ',' or ')' in the list, got 'b'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "stage in 'a'"),
                  "at 9: expected '(' after 'in', got 'a'");
    EXPECT_CONTAINS(fixture_parse_error(arena, "name"), "at 4: expected an operator");
    EXPECT_CONTAINS(fixture_parse_error(arena, "name 'x'"), "at 5: expected an operator");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name is 'x'"),
                  "at 8: expected 'null' after 'is', got 'x'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name starts 'x'"),
                  "at 12: expected 'with' after 'starts', got 'x'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "stage not ('x')"),
                  "at 10: expected 'in' after 'not', got '('");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = null"),
                  "at 7: write 'is null' or 'is not null' to test for no value");
    EXPECT_STR_EQ(fixture_parse_error(arena, ""), "at 0: expected a condition");
    EXPECT_STR_EQ(fixture_parse_error(arena, "   "), "at 3: expected a condition");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = 'a' and"), "at 14: expected a condition");
    EXPECT_STR_EQ(fixture_parse_error(arena, "and name = 'a'"),
                  "at 0: expected a condition, got 'and'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "owner_id = me("), "at 14: expected ')' after me(");
}

TEST(filter_parser_reports_bad_dates)
{
    EXPECT_STR_EQ(fixture_parse_error(arena, "birthday = '2026-02-30'"),
                  "at 11: '2026-02-30' is not a valid date (YYYY-MM-DD)");
    EXPECT_STR_EQ(fixture_parse_error(arena, "birthday > '2026-1-5'"),
                  "at 11: '2026-1-5' is not a valid date (YYYY-MM-DD)");
    EXPECT_CONTAINS(fixture_parse_error(arena, "created_at > 'yesterday'"),
                    "at 13: 'yesterday' is not a valid date (YYYY-MM-DD) or date-time");
    EXPECT_STR_EQ(fixture_parse_error(arena, "birthday = 20260101"),
                  "at 11: 'birthday' is a date field: write the date in quotes, as \"2026-01-31\"");
    EXPECT_CONTAINS(fixture_parse_error(arena, "birthday within last 0 days"),
                    "at 21: expected a whole number from 1 to 10000");
    EXPECT_CONTAINS(fixture_parse_error(arena, "birthday within last 5 fortnights"),
                    "at 23: expected hours, days, weeks");
    EXPECT_CONTAINS(fixture_parse_error(arena, "birthday = this day"),
                    "at 16: expected week, month, quarter or year");
    EXPECT_CONTAINS(fixture_parse_error(arena, "birthday within 'x'"),
                    "at 16: expected a period after 'within'");
    EXPECT_CONTAINS(fixture_parse_error(arena, "birthday in (today)"),
                    "at 13: periods do not go in a list");
}

TEST(filter_parser_reports_trailing_garbage)
{
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = 'a' name = 'b'"),
                  "at 11: expected 'and', 'or' or the end of the filter, got 'name'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = 'a')"), "at 10: ')' without a matching '('");
    EXPECT_STR_EQ(fixture_parse_error(arena, "(name = 'a'"),
                  "at 11: expected ')' to close the '(' at 0, got the end of the filter");
    EXPECT_STR_EQ(fixture_parse_error(arena, "score = 12abc"),
                  "at 10: expected 'and', 'or' or the end of the filter, got 'abc'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = 'a' ; drop table"),
                  "at 11: unexpected character ';'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = Москва"), "at 7: unexpected character 'М'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "score = 1."), "at 10: expected digits after '.'");
    EXPECT_STR_EQ(fixture_parse_error(arena, "score = 1 !"), "at 10: unexpected character '!'");
}

TEST(filter_parser_reports_type_errors)
{
    EXPECT_STR_EQ(fixture_parse_error(arena, "amount contains '1'"),
                  "at 7: 'contains' does not apply to 'amount', a money field");
    EXPECT_STR_EQ(fixture_parse_error(arena, "active = 'yes'"),
                  "at 9: 'active' is a true/false field: write true or false");
    EXPECT_STR_EQ(fixture_parse_error(arena, "active > true"),
                  "at 7: '>' does not apply to 'active', a true/false field");
    EXPECT_STR_EQ(fixture_parse_error(arena, "active in (true)"),
                  "at 7: 'in' does not apply to 'active', a true/false field");
    EXPECT_STR_EQ(fixture_parse_error(arena, "score = '5'"),
                  "at 8: 'score' is a number field: write the number without quotes");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = 5"),
                  "at 7: 'name' is a text field: put the value in quotes");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = true"),
                  "at 7: 'name' is a text field, not true/false");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name = me()"),
                  "at 7: me() compares with user ids; 'name' is a text field");
    EXPECT_STR_EQ(fixture_parse_error(arena, "score = me()"),
                  "at 8: me() compares with user ids; 'score' is a number field");
    EXPECT_STR_EQ(fixture_parse_error(arena, "owner_id > me()"),
                  "at 11: me() works with =, !=, in and not in");
    EXPECT_STR_EQ(fixture_parse_error(arena, "tags starts with 'v'"),
                  "at 5: 'starts with' does not apply to 'tags', a list field");
    EXPECT_STR_EQ(fixture_parse_error(arena, "tags < 'v'"),
                  "at 5: '<' does not apply to 'tags', a list field");
    EXPECT_STR_EQ(fixture_parse_error(arena, "name within last 3 days"),
                  "at 5: 'within' needs a date field; 'name' is a text field");
    EXPECT_STR_EQ(fixture_parse_error(arena, "score = today"),
                  "at 8: 'score' is a number field, not a date");
    EXPECT_STR_EQ(fixture_parse_error(arena, "score = 99999999999999999999"),
                  "at 8: number out of range");
}

TEST(filter_parser_enforces_its_limits)
{
    char text[8192];

    /* Nesting: 32 levels parse, the 33rd '(' is refused where it stands. */
    size_t n = 0;
    for (int i = 0; i < 32; i++)
        text[n++] = '(';
    n += (size_t)snprintf(text + n, sizeof(text) - n, "score = 1");
    for (int i = 0; i < 32; i++)
        text[n++] = ')';
    text[n] = '\0';
    fixture_parse(arena, text);
    memmove(text + 1, text, n + 1);
    text[0] = '(';
    text[n + 1] = ')';
    text[n + 2] = '\0';
    EXPECT_STR_EQ(fixture_parse_error(arena, text), "at 32: nested deeper than 32 levels");

    n = 0;
    for (int i = 0; i < 33; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "not ");
    snprintf(text + n, sizeof(text) - n, "score = 1");
    EXPECT_STR_EQ(fixture_parse_error(arena, text), "at 128: nested deeper than 32 levels");

    /* 64 values in a list, not 65. */
    n = (size_t)snprintf(text, sizeof(text), "score in (0");
    for (int i = 1; i < 64; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, ",%d", i);
    snprintf(text + n, sizeof(text) - n, ")");
    EXPECT_INT_EQ(fixture_parse(arena, text)->n_values, 64);
    snprintf(text + n, sizeof(text) - n, ",64)");
    EXPECT_STR_EQ(fixture_parse_error(arena, text),
                  arena_printf(arena, "at %zu: a list holds at most 64 values", n + 1));

    /* 256 nodes: 255 conditions under one AND, then one too many. */
    n = (size_t)snprintf(text, sizeof(text), "score=0");
    for (int i = 1; i < 255; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, " or score=%d", i % 10);
    fixture_parse(arena, text);
    size_t at = n + 4;
    snprintf(text + n, sizeof(text) - n, " or score=9");
    EXPECT_STR_EQ(fixture_parse_error(arena, text),
                  arena_printf(arena, "at %zu: the filter has more than 256 conditions", at));

    /* 4096 bytes of text, not 4097. */
    memset(text, ' ', 4096);
    memcpy(text, "score = 1", 9);
    text[4096] = '\0';
    fixture_parse(arena, text);
    text[4096] = ' ';
    text[4097] = '\0';
    EXPECT_STR_EQ(fixture_parse_error(arena, text),
                  "at 4096: the filter is longer than 4096 bytes");
}

TEST(filter_parser_rejects_invalid_utf8_and_nul_bytes)
{
    struct err err;
    const char bad[] = "name = \"ab\xff\"";
    EXPECT(filter_parse(arena, &fixture_contacts, bad, sizeof(bad) - 1, &err) == NULL);
    EXPECT_STR_EQ(err.detail, "at 10: invalid UTF-8");
    const char overlong[] = "name = \"\xc0\xaf\"";
    EXPECT(filter_parse(arena, &fixture_contacts, overlong, sizeof(overlong) - 1, &err) == NULL);
    EXPECT_STR_EQ(err.detail, "at 8: invalid UTF-8");
    const char nul[] = "name = \"a\0b\"";
    EXPECT(filter_parse(arena, &fixture_contacts, nul, sizeof(nul) - 1, &err) == NULL);
    EXPECT_STR_EQ(err.detail, "at 9: NUL byte in string");
    const char nul2[] = "name = 'a'\0";
    EXPECT(filter_parse(arena, &fixture_contacts, nul2, sizeof(nul2) - 1, &err) == NULL);
    EXPECT_STR_EQ(err.detail, "at 10: unexpected byte 0x00");
}

TEST(filter_parser_error_messages_clip_long_names)
{
    char text[600];
    memset(text, 'x', 500);
    snprintf(text + 500, sizeof(text) - 500, " = 1");
    const char *detail = fixture_parse_error(arena, text);
    EXPECT_CONTAINS(detail, "at 0: unknown field 'xxxxxxxx");
    EXPECT(strlen(detail) < 80);
}

TEST(schema_find_field_matches_whole_names_only)
{
    EXPECT(schema_find_field(&fixture_contacts, "name", 4) != NULL);
    EXPECT(schema_find_field(&fixture_contacts, "nam", 3) == NULL);
    EXPECT(schema_find_field(&fixture_contacts, "custom.region", 13) != NULL);
    EXPECT(schema_find_field(&fixture_contacts, "region", 6) == NULL);
    EXPECT(schema_find_field(&fixture_contacts, "names", 4) != NULL);
}
