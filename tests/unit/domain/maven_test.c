/*
 * Tests for src/domain/maven.c: the Maven sales dataset read from small
 * inline CSV texts (CRLF, as the dataset ships), names resolved exactly or
 * after folding, repairs counted as notes, and every kind of problem
 * refused with its file and line.
 */
#include "domain/maven.h"

#include "base/arena.h"
#include "base/err.h"
#include "../test.h"

#define ACCOUNTS_HEADER                                                                            \
    "account,sector,year_established,revenue,employees,office_location,subsidiary_of\r\n"
#define PRODUCTS_HEADER "product,series,sales_price\r\n"
#define TEAMS_HEADER "sales_agent,manager,regional_office\r\n"
#define PIPELINE_HEADER                                                                            \
    "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\r\n"

static const char accounts_ok[] =
    ACCOUNTS_HEADER "Kestrel Group,technolgy,1993,812.50,2100,United States,Orion Holdings\r\n"
                    "Orion Holdings,technolgy,1996,640.10,1900,United States,\r\n"
                    "Lumen City,retail,2001,95.00,9,Philipines,\r\n";
static const char products_ok[] = PRODUCTS_HEADER "GTX Basic,GTX,550\r\n"
                                                  "GTX Pro,GTX,4821\r\n";
static const char teams_ok[] = TEAMS_HEADER "Ada Stone,Max Field,Central\r\n"
                                            "Bo Lind,Max Field,Central\r\n"
                                            "Mary-Jo Moreau,Dee Hart,East\r\n";
static const char pipeline_ok[] =
    PIPELINE_HEADER "T0000001,Bo Lind,GTX Basic,Lumen City,Won,2016-10-20,2017-03-01,1054\r\n"
                    "T0000002,Ada Stone,GTXPro,Kestrel Group,Lost,2016-10-25,2017-03-11,0\r\n"
                    "T0000003,Bo Lind,GTX Pro,,Engaging,2016-10-25,,\r\n"
                    "T0000004,Ada Stone,GTX Basic,,Prospecting,,,\r\n"
                    "T0000005,Bo Lind,GTX Basic,Lumen City,Won,2016-10-25,2017-03-07,50\r\n";

struct texts {
    const char *accounts;
    const char *products;
    const char *teams;
    const char *pipeline;
};

static const struct texts good = {accounts_ok, products_ok, teams_ok, pipeline_ok};

static int read_texts(struct arena *arena, struct texts t, struct maven_data *data, struct err *err)
{
    struct maven_files files = {str_from_cstr(t.accounts), str_from_cstr(t.products),
                                str_from_cstr(t.teams), str_from_cstr(t.pipeline)};
    err_clear(err);
    return maven_read(arena, &files, data, err);
}

/* "detail | field: message | ..." of a refused dataset; "read" when it was read. */
static const char *problems_of(struct arena *arena, struct texts t)
{
    struct maven_data data;
    struct err err;
    if (read_texts(arena, t, &data, &err) == 0)
        return "read";
    char *out = arena_printf(arena, "%s %s", err_slug(err.code), err.detail);
    for (size_t i = 0; i < err.n_fields; i++)
        out = arena_printf(arena, "%s | %s: %s", out, err.fields[i].field, err.fields[i].message);
    return out;
}

/* The note whose text is what, or NULL. */
static const struct maven_note *note_of(const struct maven_data *data, const char *what)
{
    for (size_t i = 0; i < data->n_notes; i++) {
        if (strcmp(data->notes[i].what, what) == 0)
            return &data->notes[i];
    }
    return NULL;
}

static size_t product_named(const struct maven_data *data, const char *name)
{
    for (size_t i = 0; i < data->n_products; i++) {
        if (strcmp(data->products[i].name, name) == 0)
            return i;
    }
    return MAVEN_NONE;
}

static size_t account_named(const struct maven_data *data, const char *name)
{
    for (size_t i = 0; i < data->n_accounts; i++) {
        if (strcmp(data->accounts[i].name, name) == 0)
            return i;
    }
    return MAVEN_NONE;
}

/* ---- what is read ---- */

TEST(maven_reads_a_small_dataset_with_crlf_line_ends)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    EXPECT_INT_EQ(read_texts(arena, good, &d, &err), 0);
    EXPECT_INT_EQ(d.n_products, 2);
    EXPECT_INT_EQ(d.n_accounts, 3);
    EXPECT_INT_EQ(d.n_teams, 2);
    EXPECT_INT_EQ(d.n_agents, 3);
    EXPECT_INT_EQ(d.n_deals, 5);
    EXPECT_INT_EQ(d.n_stage[MAVEN_PROSPECTING], 1);
    EXPECT_INT_EQ(d.n_stage[MAVEN_ENGAGING], 1);
    EXPECT_INT_EQ(d.n_stage[MAVEN_WON], 2);
    EXPECT_INT_EQ(d.n_stage[MAVEN_LOST], 1);
    const struct maven_deal *won = &d.deals[0];
    EXPECT_STR_EQ(won->opportunity_id, "T0000001");
    EXPECT_INT_EQ(won->stage, MAVEN_WON);
    EXPECT_STR_EQ(d.agents[won->agent].name, "Bo Lind");
    EXPECT_STR_EQ(d.products[won->product].name, "GTX Basic");
    EXPECT_STR_EQ(d.accounts[won->account].name, "Lumen City");
    EXPECT_STR_EQ(won->engage_date, "2016-10-20");
    EXPECT_STR_EQ(won->close_date, "2017-03-01");
    EXPECT_INT_EQ(won->close_value_usd, 1054);
    EXPECT_INT_EQ(won->line, 2);
    const struct maven_deal *prospect = &d.deals[3];
    EXPECT_INT_EQ(prospect->stage, MAVEN_PROSPECTING);
    EXPECT_STR_EQ(prospect->engage_date, "");
    EXPECT_STR_EQ(prospect->close_date, "");
    EXPECT_INT_EQ(prospect->close_value_usd, -1);
    arena_free(arena);
}

TEST(maven_products_get_a_sku_from_their_name_and_a_whole_dollar_price)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    struct texts t = good;
    t.products = PRODUCTS_HEADER "GTX Basic,GTX,550\r\n"
                                 "GTX Pro,GTX,4821\r\n"
                                 "GTX Plus  Pro!,,5482\r\n";
    EXPECT_INT_EQ(read_texts(arena, t, &d, &err), 0);
    EXPECT_STR_EQ(d.products[1].sku, "GTX-PRO");
    EXPECT_INT_EQ(d.products[1].price_usd, 4821);
    EXPECT_STR_EQ(d.products[1].series, "GTX");
    EXPECT_STR_EQ(d.products[2].sku, "GTX-PLUS-PRO");
    EXPECT(d.products[2].series == NULL);
    EXPECT_INT_EQ(d.products[0].n_deals, 3);
    EXPECT_INT_EQ(d.products[1].n_deals, 2);
    arena_free(arena);
}

TEST(maven_matches_a_product_name_after_folding_spaces_and_case_and_notes_it)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    EXPECT_INT_EQ(read_texts(arena, good, &d, &err), 0);
    EXPECT_INT_EQ(d.deals[1].product, product_named(&d, "GTX Pro"));
    EXPECT_INT_EQ(d.deals[2].product, product_named(&d, "GTX Pro"));
    const struct maven_note *n =
        note_of(&d, "sales_pipeline.csv: product \"GTXPro\" read as \"GTX Pro\" (products.csv)");
    EXPECT(n != NULL);
    if (n != NULL) {
        EXPECT_INT_EQ(n->rows, 1);
        EXPECT_STR_EQ(n->example, "line 3 (T0000002)");
    }
    arena_free(arena);
}

TEST(maven_counts_each_folded_spelling_once_with_its_first_example)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    struct texts t = good;
    t.pipeline = PIPELINE_HEADER "A1,Bo Lind,GTXPro,,Engaging,2016-10-25,,\r\n"
                                 "A2,Bo Lind,gtx pro,,Engaging,2016-10-25,,\r\n"
                                 "A3,bo lind,GTXPro,,Engaging,2016-10-25,,\r\n";
    EXPECT_INT_EQ(read_texts(arena, t, &d, &err), 0);
    const struct maven_note *n =
        note_of(&d, "sales_pipeline.csv: product \"GTXPro\" read as \"GTX Pro\" (products.csv)");
    EXPECT(n != NULL && n->rows == 2);
    EXPECT(n != NULL && strcmp(n->example, "line 2 (A1)") == 0);
    EXPECT(note_of(&d, "sales_pipeline.csv: product \"gtx pro\" read as \"GTX Pro\" "
                       "(products.csv)") != NULL);
    n = note_of(&d, "sales_pipeline.csv: sales_agent \"bo lind\" read as \"Bo Lind\" "
                    "(sales_teams.csv)");
    EXPECT(n != NULL && n->rows == 1);
    arena_free(arena);
}

TEST(maven_corrects_known_misspellings_and_notes_each_with_its_count)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    EXPECT_INT_EQ(read_texts(arena, good, &d, &err), 0);
    EXPECT_STR_EQ(d.accounts[account_named(&d, "Orion Holdings")].sector, "technology");
    EXPECT_STR_EQ(d.accounts[account_named(&d, "Lumen City")].sector, "retail");
    EXPECT_STR_EQ(d.accounts[account_named(&d, "Lumen City")].office_location, "Philippines");
    const struct maven_note *n =
        note_of(&d, "accounts.csv: sector \"technolgy\" read as \"technology\"");
    EXPECT(n != NULL && n->rows == 2);
    EXPECT(n != NULL && strcmp(n->example, "line 2 (Kestrel Group)") == 0);
    n = note_of(&d, "accounts.csv: office_location \"Philipines\" read as \"Philippines\"");
    EXPECT(n != NULL && n->rows == 1);
    arena_free(arena);
}

TEST(maven_allows_an_opportunity_without_account_and_notes_how_many)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    EXPECT_INT_EQ(read_texts(arena, good, &d, &err), 0);
    EXPECT_INT_EQ(d.deals[2].account, MAVEN_NONE);
    const struct maven_note *n =
        note_of(&d, "sales_pipeline.csv: no account: imported as a deal without a company");
    EXPECT(n != NULL && n->rows == 2);
    EXPECT(n != NULL && strcmp(n->example, "line 4 (T0000003)") == 0);
    arena_free(arena);
}

TEST(maven_notes_open_opportunities_without_dates_and_lost_ones_worth_nothing)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    EXPECT_INT_EQ(read_texts(arena, good, &d, &err), 0);
    const struct maven_note *n = note_of(
        &d, "sales_pipeline.csv: Prospecting without engage_date: enters the stage at the time of "
            "the import");
    EXPECT(n != NULL && n->rows == 1);
    n = note_of(&d, "sales_pipeline.csv: open (Prospecting, Engaging) without close_date: no "
                    "expected close");
    EXPECT(n != NULL && n->rows == 2);
    n = note_of(&d, "sales_pipeline.csv: Lost with close_value 0: amount 0 USD kept");
    EXPECT(n != NULL && n->rows == 1);
    EXPECT(n != NULL && strcmp(n->example, "line 3 (T0000002)") == 0);
    arena_free(arena);
}

TEST(maven_resolves_subsidiary_of_and_orders_parents_before_children)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    EXPECT_INT_EQ(read_texts(arena, good, &d, &err), 0);
    size_t acme = account_named(&d, "Orion Holdings");
    size_t bluth = account_named(&d, "Kestrel Group");
    EXPECT_INT_EQ(d.accounts[bluth].parent, acme);
    EXPECT_INT_EQ(d.accounts[acme].parent, MAVEN_NONE);
    size_t acme_at = 0, bluth_at = 0;
    for (size_t i = 0; i < d.n_accounts; i++) {
        if (d.account_order[i] == acme)
            acme_at = i;
        if (d.account_order[i] == bluth)
            bluth_at = i;
    }
    EXPECT(acme_at < bluth_at);
    const struct maven_note *n =
        note_of(&d, "accounts.csv: subsidiary_of kept as the parent company");
    EXPECT(n != NULL && n->rows == 1);
    EXPECT(n != NULL && strcmp(n->example, "line 2 (Kestrel Group -> Orion Holdings)") == 0);
    arena_free(arena);
}

TEST(maven_keeps_employees_as_a_size_band_and_notes_the_columns_left_out)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    struct texts t = good;
    t.accounts = ACCOUNTS_HEADER "A,retail,,,9,,\r\n"
                                 "B,retail,,,1900,,\r\n"
                                 "C,retail,,,5000,,\r\n"
                                 "D,retail,,,5001,,\r\n"
                                 "E,retail,1999,4.5,,,\r\n"
                                 "F,retail,,,0,,\r\n"
                                 "Lumen City,retail,,,,,\r\n"
                                 "Kestrel Group,,,,,,\r\n";
    EXPECT_INT_EQ(read_texts(arena, t, &d, &err), 0);
    EXPECT_STR_EQ(d.accounts[0].size, "1-10");
    EXPECT_STR_EQ(d.accounts[1].size, "1001-5000");
    EXPECT_STR_EQ(d.accounts[2].size, "1001-5000");
    EXPECT_STR_EQ(d.accounts[3].size, "5000+");
    EXPECT(d.accounts[4].size == NULL);
    EXPECT(d.accounts[5].size == NULL);
    EXPECT(d.accounts[7].sector == NULL);
    const struct maven_note *n = note_of(
        &d, "accounts.csv: year_established and revenue (USD millions) not imported: companies "
            "have no such fields");
    EXPECT(n != NULL && n->rows == 1);
    EXPECT(n != NULL && strcmp(n->example, "line 6 (E: 1999, 4.5)") == 0);
    n = note_of(&d, "accounts.csv: employees kept as the company size band");
    EXPECT(n != NULL && n->rows == 4);
    EXPECT(n != NULL && strcmp(n->example, "line 2 (A: 9 -> 1-10)") == 0);
    arena_free(arena);
}

TEST(maven_makes_a_team_per_manager_and_e_mails_from_names)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    EXPECT_INT_EQ(read_texts(arena, good, &d, &err), 0);
    EXPECT_STR_EQ(d.teams[0].name, "Central (Max Field)");
    EXPECT_STR_EQ(d.teams[0].manager, "Max Field");
    EXPECT_STR_EQ(d.teams[0].email, "max.field@maven.example");
    EXPECT_STR_EQ(d.teams[1].name, "East (Dee Hart)");
    EXPECT_INT_EQ(d.agents[1].team, 0);
    EXPECT_INT_EQ(d.agents[2].team, 1);
    EXPECT_STR_EQ(d.agents[2].email, "mary-jo.moreau@maven.example");
    const struct maven_note *n =
        note_of(&d, "sales_teams.csv: agent with no opportunity: imported as a user all the same");
    EXPECT(n != NULL && n->rows == 1);
    EXPECT(n != NULL && strcmp(n->example, "line 4 (Mary-Jo Moreau)") == 0);
    arena_free(arena);
}

TEST(maven_gives_an_account_to_the_agent_with_most_opportunities_there)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    EXPECT_INT_EQ(read_texts(arena, good, &d, &err), 0);
    EXPECT_STR_EQ(d.agents[d.accounts[account_named(&d, "Lumen City")].owner].name, "Bo Lind");
    EXPECT_STR_EQ(d.agents[d.accounts[account_named(&d, "Kestrel Group")].owner].name,
                  "Ada Stone");
    EXPECT_INT_EQ(d.accounts[account_named(&d, "Orion Holdings")].owner, MAVEN_NONE);
    EXPECT(note_of(&d, "accounts.csv: account without opportunities: a company without owner") !=
           NULL);
    arena_free(arena);
}

TEST(maven_stage_names_are_the_datasets)
{
    EXPECT_STR_EQ(maven_stage_name(MAVEN_PROSPECTING), "Prospecting");
    EXPECT_STR_EQ(maven_stage_name(MAVEN_ENGAGING), "Engaging");
    EXPECT_STR_EQ(maven_stage_name(MAVEN_WON), "Won");
    EXPECT_STR_EQ(maven_stage_name(MAVEN_LOST), "Lost");
}

TEST(maven_note_add_merges_notes_of_the_same_text)
{
    struct arena *arena = arena_new();
    struct maven_data d = {0};
    EXPECT(maven_note_add(arena, &d, "x", 2, "line 1"));
    EXPECT(maven_note_add(arena, &d, "x", 3, "line 9"));
    EXPECT(maven_note_add(arena, &d, "y", 1, NULL));
    EXPECT_INT_EQ(d.n_notes, 2);
    EXPECT_INT_EQ(d.notes[0].rows, 5);
    EXPECT_STR_EQ(d.notes[0].example, "line 1");
    EXPECT_STR_EQ(d.notes[1].example, "");
    arena_free(arena);
}

/* ---- what is refused ---- */

TEST(maven_refuses_an_opportunity_naming_an_unknown_product_agent_or_account)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.pipeline =
        PIPELINE_HEADER "T0000001,Bo Lind,GTX Mega,Lumen City,Won,2016-10-20,2017-03-01,1\r\n"
                        "T0000002,Nobody Here,GTX Pro,Lumen City,Won,2016-10-20,2017-03-01,1\r\n"
                        "T0000012,Bo Lind,GTX Pro,Nowhere Inc,Won,2016-10-20,2017-03-01,1\r\n";
    const char *p = problems_of(arena, t);
    EXPECT_CONTAINS(p, "validation the dataset has 3 problems; nothing was imported");
    EXPECT_CONTAINS(p, "sales_pipeline.csv: line 2: product \"GTX Mega\" is not in products.csv");
    EXPECT_CONTAINS(p, "sales_pipeline.csv: line 3: sales_agent \"Nobody Here\" is not in "
                       "sales_teams.csv");
    EXPECT_CONTAINS(p,
                    "sales_pipeline.csv: line 4: account \"Nowhere Inc\" is not in accounts.csv");
    arena_free(arena);
}

TEST(maven_refuses_an_unknown_stage_a_bad_date_and_a_value_in_cents)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.pipeline =
        PIPELINE_HEADER "A1,Bo Lind,GTX Pro,Lumen City,Closing,2016-10-20,2017-03-01,1\r\n"
                        "A2,Bo Lind,GTX Pro,Lumen City,Won,2016-10-20,2017-02-30,1\r\n"
                        "A3,Bo Lind,GTX Pro,Lumen City,Won,2016-10-20,2017-03-01,12.5\r\n"
                        "A4,Bo Lind,GTX Pro,Lumen City,Won,2016-10-20,2017-03-01,-3\r\n";
    const char *p = problems_of(arena, t);
    EXPECT_CONTAINS(p, "line 2: deal_stage \"Closing\" is none of Prospecting, Engaging, Won and "
                       "Lost");
    EXPECT_CONTAINS(p, "line 3: close_date \"2017-02-30\" is not a date (YYYY-MM-DD)");
    EXPECT_CONTAINS(p, "line 4: close_value \"12.5\" is not a whole number of dollars");
    EXPECT_CONTAINS(p, "line 5: close_value \"-3\" is not a whole number of dollars");
    arena_free(arena);
}

TEST(maven_refuses_a_closed_opportunity_without_its_dates_or_value)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.pipeline = PIPELINE_HEADER "A1,Bo Lind,GTX Pro,Lumen City,Won,2016-10-20,,1\r\n"
                                 "A2,Bo Lind,GTX Pro,Lumen City,Lost,2016-10-20,2017-03-01,\r\n"
                                 "A3,Bo Lind,GTX Pro,Lumen City,Engaging,,,\r\n"
                                 "A4,Bo Lind,GTX Pro,Lumen City,Won,2017-10-20,2017-03-01,5\r\n";
    const char *p = problems_of(arena, t);
    EXPECT_CONTAINS(p, "line 2: Won needs a close_date");
    EXPECT_CONTAINS(p, "line 3: Lost needs a close_value");
    EXPECT_CONTAINS(p, "line 4: Engaging needs an engage_date");
    EXPECT_CONTAINS(p, "line 5: close_date 2017-03-01 is before engage_date 2017-10-20");
    arena_free(arena);
}

TEST(maven_refuses_an_opportunity_id_given_twice)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.pipeline = PIPELINE_HEADER "A1,Bo Lind,GTX Pro,,Prospecting,,,\r\n"
                                 "B2,Bo Lind,GTX Pro,,Prospecting,,,\r\n"
                                 "A1,Ada Stone,GTX Pro,,Prospecting,,,\r\n";
    EXPECT_STR_EQ(problems_of(arena, t),
                  "validation the dataset has 1 problem; nothing was imported | "
                  "sales_pipeline.csv: line 4: opportunity_id A1 repeats line 2");
    arena_free(arena);
}

TEST(maven_refuses_an_unknown_parent_and_a_cycle_of_subsidiaries)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.accounts = ACCOUNTS_HEADER "Lumen City,retail,,,,,Nowhere Inc\r\n"
                                 "Kestrel Group,retail,,,,,Orion Holdings\r\n"
                                 "Orion Holdings,retail,,,,,Kestrel Group\r\n"
                                 "Self,retail,,,,,Self\r\n";
    const char *p = problems_of(arena, t);
    EXPECT_CONTAINS(p,
                    "accounts.csv: line 2: subsidiary_of \"Nowhere Inc\" is not in accounts.csv");
    EXPECT_CONTAINS(p, "accounts.csv: line 3: subsidiary_of makes \"Kestrel Group\" a subsidiary "
                       "of itself (a cycle)");
    EXPECT_CONTAINS(p, "accounts.csv: line 4: subsidiary_of makes \"Orion Holdings\"");
    EXPECT_CONTAINS(p, "accounts.csv: line 5: \"Self\" is a subsidiary of itself");
    arena_free(arena);
}

TEST(maven_refuses_names_that_differ_only_in_case_or_spaces_within_a_file)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.products = PRODUCTS_HEADER "GTX Pro,GTX,1\r\n"
                                 "GTXPro,GTX,2\r\n"
                                 "GTX Pro,GTX,3\r\n";
    const char *p = problems_of(arena, t);
    EXPECT_CONTAINS(p,
                    "products.csv: line 3: product \"GTXPro\" differs from \"GTX Pro\" of line 2 "
                    "only in case or spaces");
    EXPECT_CONTAINS(p, "products.csv: line 4: product \"GTX Pro\" repeats line 2");
    EXPECT_CONTAINS(p, "products.csv: line 4: product \"GTX Pro\" gives the SKU GTX-PRO of line 2");
    t = good;
    t.accounts = ACCOUNTS_HEADER "Lumen City,retail,,,,,\r\n"
                                 "lumen city,retail,,,,,\r\n";
    EXPECT_CONTAINS(problems_of(arena, t), "accounts.csv: line 3: account \"lumen city\" differs from "
                                           "\"Lumen City\" of line 2 only in case or spaces");
    arena_free(arena);
}

TEST(maven_refuses_a_manager_in_two_offices_and_two_people_with_one_e_mail)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.teams = TEAMS_HEADER "Ada Stone,Max Field,Central\r\n"
                           "Bo Lind,Max Field,West\r\n"
                           "Anna O'Neil,Dee Hart,East\r\n"
                           "Anna ONeil,Dee Hart,East\r\n";
    const char *p = problems_of(arena, t);
    EXPECT_CONTAINS(p, "sales_teams.csv: line 3: manager \"Max Field\" is in the Central "
                       "office at line 2, here in West");
    EXPECT_CONTAINS(p, "sales_teams.csv: line 5: \"Anna ONeil\" would have the e-mail "
                       "anna.oneil@maven.example of \"Anna O'Neil\" (line 4)");
    arena_free(arena);
}

TEST(maven_refuses_a_header_with_a_missing_or_unknown_column)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.products = "product,series,price,colour\r\nGTX Pro,GTX,1,red\r\n";
    const char *p = problems_of(arena, t);
    EXPECT_CONTAINS(p, "products.csv: line 1: unknown column \"price\"");
    EXPECT_CONTAINS(p, "products.csv: line 1: unknown column \"colour\"");
    EXPECT_CONTAINS(p, "products.csv: line 1: has no column sales_price");
    t = good;
    t.teams = "manager,sales_agent,regional_office,manager\r\n";
    EXPECT_CONTAINS(problems_of(arena, t), "sales_teams.csv: line 1: the column manager appears "
                                           "twice");
    arena_free(arena);
}

TEST(maven_reads_columns_in_any_order_and_skips_blank_rows)
{
    struct arena *arena = arena_new();
    struct maven_data d;
    struct err err;
    struct texts t = good;
    t.products = "SALES_PRICE,product,series\n550,GTX Basic,GTX\n,,\n\n4821,GTX Pro,GTX\n";
    EXPECT_INT_EQ(read_texts(arena, t, &d, &err), 0);
    EXPECT_INT_EQ(d.n_products, 2);
    EXPECT_STR_EQ(d.products[1].name, "GTX Pro");
    EXPECT_INT_EQ(d.products[1].price_usd, 4821);
    EXPECT_INT_EQ(d.products[1].line, 5);
    arena_free(arena);
}

TEST(maven_refuses_a_row_of_another_width_bad_csv_and_text_that_is_not_utf8)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.products = PRODUCTS_HEADER "GTX Basic,GTX\r\nGTX Pro,GTX,4821\r\n";
    EXPECT_CONTAINS(problems_of(arena, t), "products.csv: line 2: has 2 fields; the header has 3");
    t = good;
    t.products = PRODUCTS_HEADER "\"GTX Basic,GTX,550\r\n";
    EXPECT_CONTAINS(problems_of(arena, t), "products.csv: line 2: ");
    t = good;
    t.accounts = ACCOUNTS_HEADER "Caf\xE9,retail,,,,,\r\n";
    EXPECT_CONTAINS(problems_of(arena, t), "accounts.csv: is not UTF-8 text");
    t = good;
    t.teams = "";
    EXPECT_CONTAINS(problems_of(arena, t), "sales_teams.csv: is empty; its first line must name "
                                           "the columns");
    arena_free(arena);
}

TEST(maven_refuses_a_price_that_is_not_whole_dollars_and_an_empty_name)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.products = PRODUCTS_HEADER "GTX Basic,GTX,550.50\r\n,GTX,3\r\nGTX Pro,GTX,4821\r\n";
    const char *p = problems_of(arena, t);
    EXPECT_CONTAINS(p, "products.csv: line 2: sales_price \"550.50\" is not a whole number of "
                       "dollars");
    EXPECT_CONTAINS(p, "products.csv: line 3: product is empty");
    arena_free(arena);
}

TEST(maven_reads_opportunities_only_once_the_files_they_refer_to_are_whole)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.accounts = ACCOUNTS_HEADER "Lumen City,retail,,,many,,\r\n";
    t.pipeline = PIPELINE_HEADER "A1,Nobody,GTX Pro,,Prospecting,,,\r\n";
    EXPECT_STR_EQ(problems_of(arena, t),
                  "validation the dataset has 1 problem; nothing was imported | "
                  "accounts.csv: line 2: employees \"many\" is not a whole number");
    arena_free(arena);
}

TEST(maven_counts_every_problem_and_lists_the_first_ones)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    char *pipeline = arena_strdup(arena, PIPELINE_HEADER);
    for (int i = 0; i < 20; i++)
        pipeline =
            arena_printf(arena, "%sX%d,Bo Lind,GTX Mega,,Prospecting,,,\r\n", pipeline, i);
    t.pipeline = pipeline;
    struct maven_data d;
    struct err err;
    EXPECT_INT_EQ(read_texts(arena, t, &d, &err), -ERR_VALIDATION);
    EXPECT_INT_EQ(err.n_fields, ERR_MAX_FIELDS);
    EXPECT_STR_EQ(err.detail, "the dataset has 20 problems (the first 16 listed); nothing was "
                              "imported");
    arena_free(arena);
}

TEST(maven_refuses_files_with_a_header_and_no_rows)
{
    struct arena *arena = arena_new();
    struct texts t = good;
    t.products = PRODUCTS_HEADER;
    t.teams = TEAMS_HEADER;
    const char *p = problems_of(arena, t);
    EXPECT_CONTAINS(p, "products.csv: has no products");
    EXPECT_CONTAINS(p, "sales_teams.csv: has no sales agents");
    t = good;
    t.pipeline = PIPELINE_HEADER "\r\n";
    EXPECT_STR_EQ(problems_of(arena, t), "validation the dataset has 1 problem; nothing was "
                                         "imported | sales_pipeline.csv: has no opportunities");
    arena_free(arena);
}
