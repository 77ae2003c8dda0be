/*
 * Tests for src/domain/product.c: option definitions (codes, names, flags,
 * price deltas in the product's currency, limits, duplicates, unknown keys)
 * and configured prices (deltas added, required and exclusive groups,
 * unknown and repeated choices, prices below zero or too large).
 */
#include "domain/product.h"

#include "base/arena.h"
#include "base/err.h"
#include "../test.h"

static struct arena *test_arena;
static struct err test_err;
static struct product_options test_options;

/* Parses options JSON text in currency; the result stays in test_options / test_err. */
static int options_parse(const char *text, const char *currency)
{
    json_error_t jerr;
    json_t *json = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (json == NULL)
        test_fail(__FILE__, __LINE__, "bad test JSON: %s", jerr.text);
    arena_free(test_arena);
    test_arena = arena_new();
    err_clear(&test_err);
    int rc = product_options_parse(test_arena, json, currency, &test_options, &test_err);
    json_decref(json);
    return rc;
}

static const char *field_message(const char *field)
{
    for (size_t i = 0; i < test_err.n_fields; i++) {
        if (strcmp(test_err.fields[i].field, field) == 0)
            return test_err.fields[i].message;
    }
    return "";
}

/* The message on field after parsing text in EUR. */
static const char *options_problem(const char *text, const char *field)
{
    if (options_parse(text, "EUR") == 0)
        return "";
    return field_message(field);
}

/* A single group with one choice; group_extra and choice_extra are spliced in. */
static const char *group_problem(const char *group_extra, const char *choice_extra,
                                 const char *field)
{
    static char text[1024];
    snprintf(text, sizeof(text),
             "[{\"code\":\"size\",\"name\":\"Size\",%s\"choices\":[{\"code\":\"xl\","
             "\"name\":\"XL\"%s}]}]",
             group_extra, choice_extra);
    return options_problem(text, field);
}

static const char *const desk_options =
    "[{\"code\":\"size\",\"name\":\"Size\",\"required\":true,\"exclusive\":true,\"choices\":["
    "{\"code\":\"s\",\"name\":\"Small\",\"price_delta\":\"-20.00\"},"
    "{\"code\":\"m\",\"name\":\"Medium\"},"
    "{\"code\":\"xl\",\"name\":\"XL\",\"price_delta\":\"10.00\"}]},"
    "{\"code\":\"extras\",\"name\":\"Extras\",\"choices\":["
    "{\"code\":\"drawer\",\"name\":\"Drawer\",\"price_delta\":\"15.50\"},"
    "{\"code\":\"cable-tray\",\"name\":\"Cable tray\",\"price_delta\":\"4.99\"}]},"
    "{\"code\":\"finish\",\"name\":\"Finish\",\"exclusive\":true,\"choices\":["
    "{\"code\":\"oak\",\"name\":\"Oak\",\"price_delta\":\"30\"},"
    "{\"code\":\"white_ash\",\"name\":\"White ash\",\"price_delta\":\"0.00\"}]}]";

/* The configured price of chosen (JSON text) from base, or -1 with test_err set. */
static int64_t configure(const char *chosen_text, int64_t base)
{
    json_error_t jerr;
    json_t *chosen = json_loads(chosen_text, JSON_DECODE_ANY, &jerr);
    if (chosen == NULL)
        test_fail(__FILE__, __LINE__, "bad test JSON: %s", jerr.text);
    int64_t price = -1;
    err_clear(&test_err);
    int rc = product_configure(&test_options, chosen, base, &price, &test_err, "lines[3].options");
    json_decref(chosen);
    if (rc != 0) {
        EXPECT_INT_EQ(rc, -ERR_VALIDATION);
        EXPECT_INT_EQ(price, -1);
        return -1;
    }
    return price;
}

TEST(product_options_parse_groups_choices_and_deltas)
{
    EXPECT_INT_EQ(options_parse(desk_options, "EUR"), 0);
    EXPECT_STR_EQ(test_options.currency, "EUR");
    EXPECT_INT_EQ(test_options.n_groups, 3);
    const struct product_option_group *size = &test_options.groups[0];
    EXPECT_STR_EQ(size->code, "size");
    EXPECT_STR_EQ(size->name, "Size");
    EXPECT(size->required && size->exclusive);
    EXPECT_INT_EQ(size->n_choices, 3);
    EXPECT_INT_EQ(size->choices[0].price_delta_minor, -2000);
    EXPECT_INT_EQ(size->choices[1].price_delta_minor, 0);
    EXPECT_INT_EQ(size->choices[2].price_delta_minor, 1000);
    EXPECT(!test_options.groups[1].required && !test_options.groups[1].exclusive);
    EXPECT_STR_EQ(test_options.groups[1].choices[1].code, "cable-tray");
    EXPECT_INT_EQ(test_options.groups[2].choices[0].price_delta_minor, 3000);
}

TEST(product_options_may_be_absent_and_deltas_follow_the_currency)
{
    EXPECT_INT_EQ(options_parse("null", "EUR"), 0);
    EXPECT_INT_EQ(test_options.n_groups, 0);
    EXPECT_INT_EQ(options_parse("[]", "EUR"), 0);
    EXPECT_INT_EQ(test_options.n_groups, 0);
    EXPECT_INT_EQ(options_parse("[{\"code\":\"c\",\"name\":\" Colour \",\"choices\":[{\"code\":"
                                "\"red\",\"name\":\"Red\",\"price_delta\":\"-1050\"}]}]",
                                "JPY"),
                  0);
    EXPECT_STR_EQ(test_options.groups[0].name, "Colour");
    EXPECT_INT_EQ(test_options.groups[0].choices[0].price_delta_minor, -1050);
    EXPECT_INT_EQ(options_parse("[{\"code\":\"c\",\"name\":\"C\",\"choices\":[{\"code\":"
                                "\"red\",\"name\":\"Red\",\"price_delta\":\"1.5\"}]}]",
                                "KWD"),
                  0);
    EXPECT_INT_EQ(test_options.groups[0].choices[0].price_delta_minor, 1500);
}

TEST(product_option_price_deltas_are_decimal_strings_in_the_currency)
{
    EXPECT_STR_EQ(
        group_problem("", ",\"price_delta\":\"10.001\"", "options[0].choices[0].price_delta"),
        "must have at most 2 decimal places for EUR");
    EXPECT_CONTAINS(
        group_problem("", ",\"price_delta\":\"10,00\"", "options[0].choices[0].price_delta"),
        "must be a decimal number like 10.50");
    EXPECT_STR_EQ(group_problem("", ",\"price_delta\":10", "options[0].choices[0].price_delta"),
                  "must be a decimal string like \"-10.50\"");
    EXPECT_STR_EQ(group_problem("", ",\"price_delta\":\"\"", "options[0].choices[0].price_delta"),
                  "is required");
    EXPECT_STR_EQ(
        group_problem("", ",\"price_delta\":\"-0.01\"", "options[0].choices[0].price_delta"), "");
}

TEST(product_option_codes_are_short_lowercase_words)
{
    EXPECT_STR_EQ(options_problem("[{\"code\":\"Size\",\"name\":\"Size\",\"choices\":[{\"code\":"
                                  "\"xl\",\"name\":\"XL\"}]}]",
                                  "options[0].code"),
                  "must be 1 to 40 characters of a-z, 0-9, _ and -");
    EXPECT_STR_EQ(options_problem("[{\"code\":\"\",\"name\":\"Size\",\"choices\":[{\"code\":"
                                  "\"x l\",\"name\":\"XL\"}]}]",
                                  "options[0].choices[0].code"),
                  "must be 1 to 40 characters of a-z, 0-9, _ and -");
    EXPECT_STR_EQ(field_message("options[0].code"),
                  "must be 1 to 40 characters of a-z, 0-9, _ and -");
    EXPECT_STR_EQ(options_problem("[{\"code\":\"a23456789012345678901234567890123456789012\","
                                  "\"name\":\"Size\",\"choices\":[{\"code\":\"xl\",\"name\":\"XL\"}"
                                  "]}]",
                                  "options[0].code"),
                  "must be 1 to 40 characters of a-z, 0-9, _ and -");
    EXPECT_STR_EQ(options_problem("[{\"code\":\"a234567890123456789012345678901234567890\","
                                  "\"name\":\"Size\",\"choices\":[{\"code\":\"x_l-2\",\"name\":"
                                  "\"XL\"}]}]",
                                  "options[0].code"),
                  "");
    EXPECT_STR_EQ(
        options_problem("[{\"code\":7,\"name\":\"Size\",\"choices\":[{\"name\":\"XL\"}]}]",
                        "options[0].code"),
        "must be 1 to 40 characters of a-z, 0-9, _ and -");
    EXPECT_STR_EQ(field_message("options[0].choices[0].code"), "is required");
}

TEST(product_option_codes_are_unique_within_their_scope)
{
    EXPECT_STR_EQ(options_problem("[{\"code\":\"size\",\"name\":\"Size\",\"choices\":["
                                  "{\"code\":\"xl\",\"name\":\"XL\"},{\"code\":\"xl\",\"name\":"
                                  "\"XL again\"}]},"
                                  "{\"code\":\"size\",\"name\":\"Size 2\",\"choices\":[{\"code\":"
                                  "\"xl\",\"name\":\"XL\"}]}]",
                                  "options[0].choices[1].code"),
                  "is already the code of choice 0 of this option");
    EXPECT_STR_EQ(field_message("options[1].code"), "is already the code of options[0]");
    /* The same choice code in two groups is fine. */
    EXPECT_STR_EQ(field_message("options[1].choices[0].code"), "");
    EXPECT_INT_EQ(test_err.n_fields, 2);
}

TEST(product_option_names_are_one_to_two_hundred_characters)
{
    char text[1024], long_name[512];
    EXPECT_STR_EQ(options_problem("[{\"code\":\"size\",\"name\":\"  \",\"choices\":[{\"code\":"
                                  "\"xl\",\"name\":\"X\\u0001L\"}]}]",
                                  "options[0].name"),
                  "must not be empty");
    EXPECT_STR_EQ(field_message("options[0].choices[0].name"),
                  "must not contain control characters");
    EXPECT_STR_EQ(
        options_problem("[{\"code\":\"size\",\"choices\":[{\"code\":\"xl\",\"name\":5}]}]",
                        "options[0].name"),
        "is required");
    EXPECT_STR_EQ(field_message("options[0].choices[0].name"), "must be a string");
    /* 200 two-byte characters are fine, 201 are not. */
    for (int i = 0; i < 200; i++)
        memcpy(long_name + 2 * i, "\xc3\xa9", 2);
    long_name[400] = '\0';
    snprintf(
        text, sizeof(text),
        "[{\"code\":\"size\",\"name\":\"%s\",\"choices\":[{\"code\":\"xl\",\"name\":\"XL\"}]}]",
        long_name);
    EXPECT_STR_EQ(options_problem(text, "options[0].name"), "");
    snprintf(
        text, sizeof(text),
        "[{\"code\":\"size\",\"name\":\"%se\",\"choices\":[{\"code\":\"xl\",\"name\":\"XL\"}]}]",
        long_name);
    EXPECT_STR_EQ(options_problem(text, "options[0].name"), "must be at most 200 characters");
}

TEST(product_option_groups_refuse_bad_flags_choices_and_unknown_keys)
{
    EXPECT_STR_EQ(group_problem("\"required\":\"yes\",", "", "options[0].required"),
                  "must be true or false");
    EXPECT_STR_EQ(group_problem("\"exclusive\":1,", "", "options[0].exclusive"),
                  "must be true or false");
    EXPECT_STR_EQ(group_problem("\"required\":null,", "", "options[0].required"), "");
    EXPECT_STR_EQ(group_problem("\"price\":\"1.00\",", "", "options[0].price"), "unknown field");
    EXPECT_STR_EQ(group_problem("", ",\"sku\":\"A-1\"", "options[0].choices[0].sku"),
                  "unknown field");
    EXPECT_STR_EQ(options_problem("[{\"code\":\"size\",\"name\":\"Size\"}]", "options[0].choices"),
                  "is required");
    EXPECT_STR_EQ(options_problem("[{\"code\":\"size\",\"name\":\"Size\",\"choices\":[]}]",
                                  "options[0].choices"),
                  "must have 1 to 50 choices");
    EXPECT_STR_EQ(options_problem("[{\"code\":\"size\",\"name\":\"Size\",\"choices\":{}}]",
                                  "options[0].choices"),
                  "must be an array");
    EXPECT_STR_EQ(options_problem("[{\"code\":\"size\",\"name\":\"Size\",\"choices\":[1]}]",
                                  "options[0].choices[0]"),
                  "must be an object");
    EXPECT_STR_EQ(options_problem("[\"size\"]", "options[0]"), "must be an object");
    EXPECT_STR_EQ(options_problem("{}", "options"), "must be an array");
}

TEST(product_options_have_at_most_twenty_groups_of_fifty_choices)
{
    json_t *groups = json_array();
    for (int g = 0; g < PRODUCT_OPTION_GROUPS_MAX + 1; g++) {
        json_t *choices = json_array();
        for (int c = 0; c < PRODUCT_OPTION_CHOICES_MAX + (g == 0 ? 1 : 0); c++) {
            char code[16];
            snprintf(code, sizeof(code), "c%d", c);
            json_array_append_new(choices, json_pack("{s:s, s:s, s:s}", "code", code, "name", code,
                                                     "price_delta", "1.00"));
        }
        char code[16];
        snprintf(code, sizeof(code), "g%d", g);
        json_array_append_new(
            groups, json_pack("{s:s, s:s, s:o}", "code", code, "name", code, "choices", choices));
    }
    struct arena *arena = arena_new();
    struct product_options options;
    err_clear(&test_err);
    EXPECT_INT_EQ(product_options_parse(arena, groups, "EUR", &options, &test_err),
                  -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message("options"), "must have at most 20 option groups");
    json_array_remove(groups, PRODUCT_OPTION_GROUPS_MAX);
    err_clear(&test_err);
    EXPECT_INT_EQ(product_options_parse(arena, groups, "EUR", &options, &test_err),
                  -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message("options[0].choices"), "must have 1 to 50 choices");
    json_array_remove(json_object_get(json_array_get(groups, 0), "choices"), 0);
    err_clear(&test_err);
    EXPECT_INT_EQ(product_options_parse(arena, groups, "EUR", &options, &test_err), 0);
    EXPECT_INT_EQ(options.n_groups, 20);
    EXPECT_INT_EQ(options.groups[19].n_choices, 50);
    arena_free(arena);
    json_decref(groups);
}

TEST(product_options_need_a_known_currency)
{
    EXPECT_INT_EQ(options_parse("[]", "XYZ"), -ERR_VALIDATION);
    EXPECT_STR_EQ(field_message("currency"), "is not a currency this server knows (XYZ)");
    EXPECT_INT_EQ(options_parse("[]", "EURO"), -ERR_VALIDATION);
}

TEST(product_configured_price_is_base_plus_the_chosen_deltas)
{
    EXPECT_INT_EQ(options_parse(desk_options, "EUR"), 0);
    EXPECT_INT_EQ(configure("[{\"option\":\"size\",\"choice\":\"m\"}]", 20000), 20000);
    EXPECT_INT_EQ(configure("[{\"option\":\"size\",\"choice\":\"xl\"},"
                            "{\"option\":\"extras\",\"choice\":\"drawer\"},"
                            "{\"option\":\"extras\",\"choice\":\"cable-tray\"},"
                            "{\"option\":\"finish\",\"choice\":\"oak\"}]",
                            20000),
                  20000 + 1000 + 1550 + 499 + 3000);
    EXPECT_INT_EQ(configure("[{\"option\":\"size\",\"choice\":\"s\"}]", 20000), 18000);
    EXPECT_INT_EQ(configure("[{\"option\":\"size\",\"choice\":\"s\"}]", 2000), 0);
}

TEST(product_configuration_refuses_what_the_options_do_not_allow)
{
    EXPECT_INT_EQ(options_parse(desk_options, "EUR"), 0);
    EXPECT_INT_EQ(configure("[]", 20000), -1);
    EXPECT_STR_EQ(field_message("lines[3].options"), "must include a choice of option size");
    EXPECT_INT_EQ(configure("null", 20000), -1);
    EXPECT_STR_EQ(field_message("lines[3].options"), "must include a choice of option size");
    EXPECT_INT_EQ(configure("{}", 20000), -1);
    EXPECT_STR_EQ(field_message("lines[3].options"), "must be an array");

    EXPECT_INT_EQ(configure("[{\"option\":\"size\",\"choice\":\"m\"},"
                            "{\"option\":\"colour\",\"choice\":\"red\"},"
                            "{\"option\":\"size\",\"choice\":\"xxl\"},"
                            "{\"option\":\"extras\",\"choice\":\"drawer\"},"
                            "{\"option\":\"extras\",\"choice\":\"drawer\"},"
                            "{\"option\":\"size\",\"choice\":\"xl\"},"
                            "{\"option\":\"size\"},"
                            "\"size:xl\","
                            "{\"option\":\"finish\",\"choice\":\"oak\",\"qty\":2}]",
                            20000),
                  -1);
    EXPECT_STR_EQ(field_message("lines[3].options[1]"), "names an unknown option \"colour\"");
    EXPECT_STR_EQ(field_message("lines[3].options[2]"),
                  "names an unknown choice \"xxl\" of option size");
    EXPECT_STR_EQ(field_message("lines[3].options[4]"),
                  "repeats the choice drawer of option extras");
    EXPECT_STR_EQ(field_message("lines[3].options[5]"),
                  "is a second choice of option size, which allows only one");
    EXPECT_STR_EQ(field_message("lines[3].options[6]"),
                  "must be an object like {\"option\":\"size\",\"choice\":\"xl\"}");
    EXPECT_STR_EQ(field_message("lines[3].options[7]"),
                  "must be an object like {\"option\":\"size\",\"choice\":\"xl\"}");
    EXPECT_STR_EQ(field_message("lines[3].options[8].qty"), "unknown field");
    EXPECT_INT_EQ(test_err.n_fields, 7);
}

TEST(product_configured_price_may_not_go_below_zero_or_overflow)
{
    EXPECT_INT_EQ(options_parse(desk_options, "EUR"), 0);
    EXPECT_INT_EQ(configure("[{\"option\":\"size\",\"choice\":\"s\"}]", 1999), -1);
    EXPECT_STR_EQ(field_message("lines[3].options"), "must not bring the price below zero (-0.01)");
    EXPECT_INT_EQ(configure("[{\"option\":\"size\",\"choice\":\"xl\"}]", INT64_MAX - 999), -1);
    EXPECT_STR_EQ(field_message("lines[3].options"), "would make the price too large");
    EXPECT_INT_EQ(configure("[{\"option\":\"size\",\"choice\":\"xl\"}]", INT64_MAX - 1000),
                  INT64_MAX);
    /* A product without options takes an empty configuration at its base price. */
    EXPECT_INT_EQ(options_parse("[]", "EUR"), 0);
    EXPECT_INT_EQ(configure("[]", 1234), 1234);
    EXPECT_INT_EQ(configure("[{\"option\":\"size\",\"choice\":\"xl\"}]", 1234), -1);
}
