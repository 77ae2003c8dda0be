/*
 * The Maven Analytics "CRM + Sales + Opportunities" dataset (accounts,
 * products, sales teams, opportunities: four CSV files) read into
 * normalised structs for the importer (api/maven_import.c). Pure: texts in,
 * structs out, nothing written anywhere.
 *
 * DESIGN: names that refer to another file (an opportunity's agent, product
 * and account, an account's parent) are matched exactly, else after folding
 * case and removing spaces ("GTXPro" finds the product "GTX Pro"); known
 * misspellings ("technolgy") are corrected. Every such repair, and every
 * other thing the data does that the import must work around (opportunities
 * without an account, columns with no home), is counted as a data note with
 * an example, so that the command shows it instead of hiding it. Anything
 * else wrong (an unknown name, a bad date or amount, a duplicate id) is an
 * error naming the file and line, and nothing may be imported: all or
 * nothing.
 */
#ifndef CRM_DOMAIN_MAVEN_H
#define CRM_DOMAIN_MAVEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"

struct arena;

/* No index: an opportunity without an account, an account without a parent. */
#define MAVEN_NONE SIZE_MAX
#define MAVEN_MAX_FIELD_BYTES 1024
#define MAVEN_MAX_COLUMNS 32
/* The longest name kept (an account, product, agent, opportunity id). */
#define MAVEN_NAME_MAX_BYTES 150

/* The dataset's own stage names, in pipeline order. */
enum maven_stage { MAVEN_PROSPECTING, MAVEN_ENGAGING, MAVEN_WON, MAVEN_LOST, MAVEN_N_STAGES };

/* "Prospecting", "Engaging", "Won", "Lost". */
const char *maven_stage_name(enum maven_stage stage);

/* The four files as read from disk (any line ends; the texts are not copied). */
struct maven_files {
    struct str accounts;       /* accounts.csv */
    struct str products;       /* products.csv */
    struct str sales_teams;    /* sales_teams.csv */
    struct str sales_pipeline; /* sales_pipeline.csv */
};

struct maven_product {
    const char *name;   /* as products.csv writes it */
    const char *sku;    /* from the name: "GTX Pro" -> "GTX-PRO" */
    const char *series; /* NULL: none */
    int64_t price_usd;  /* sales_price, whole US dollars */
    size_t n_deals;
    size_t line;
};

struct maven_account {
    const char *name;
    const char *sector;          /* misspellings corrected; NULL: none */
    const char *office_location; /* misspellings corrected; NULL: none */
    const char *size;            /* the companies' size band of employees; NULL: unknown */
    size_t parent;               /* subsidiary_of as an index into accounts; MAVEN_NONE: none */
    size_t owner;                /* the agent with the most opportunities at it; MAVEN_NONE */
    size_t n_deals;
    size_t line;
};

/* One per manager: the manager and the agents who report to them. */
struct maven_team {
    const char *name;    /* "Central (Dustin Brinkmann)" */
    const char *manager; /* the manager's name */
    const char *email;   /* "dustin.brinkmann@maven.example" */
    const char *office;  /* regional_office */
    size_t line;         /* the first line naming the manager */
};

struct maven_agent {
    const char *name;
    const char *email;
    size_t team; /* index into teams */
    size_t n_deals;
    size_t line;
};

struct maven_deal {
    const char *opportunity_id;
    enum maven_stage stage;
    size_t agent;
    size_t product;
    size_t account;                       /* MAVEN_NONE: the row names no account */
    char engage_date[CLOCK_DATE_LEN + 1]; /* "": none */
    char close_date[CLOCK_DATE_LEN + 1];  /* "": none */
    int64_t close_value_usd;              /* whole US dollars; -1: none */
    size_t line;
};

/* Something the data does that the import repaired or worked around. */
struct maven_note {
    const char *what;    /* "sales_pipeline.csv: product \"GTXPro\" read as \"GTX Pro\"" */
    size_t rows;         /* how many rows it concerns */
    const char *example; /* "line 3 (Z063OYW0)" */
};

#define MAVEN_MAX_NOTES 64

struct maven_data {
    struct maven_product *products;
    size_t n_products;
    struct maven_account *accounts; /* in file order */
    size_t n_accounts;
    size_t *account_order; /* the accounts, each after its parent: the order to write them */
    struct maven_team *teams;
    size_t n_teams;
    struct maven_agent *agents;
    size_t n_agents;
    struct maven_deal *deals; /* in file order */
    size_t n_deals;
    size_t n_stage[MAVEN_N_STAGES];
    struct maven_note notes[MAVEN_MAX_NOTES];
    size_t n_notes;
};

/*
 * Reads the four texts into out (in the arena). On -ERR_VALIDATION every
 * problem found is a field error named after its file ("sales_pipeline.csv")
 * whose message starts with the line ("line 12: product \"GTX Mega\" is not
 * in products.csv"), the detail counts them (past ERR_MAX_FIELDS they are
 * counted but not listed), and out must not be used.
 */
int maven_read(struct arena *arena, const struct maven_files *files, struct maven_data *out,
               struct err *err);

/*
 * Adds a note (what and example are copied into the arena); the count of a
 * note with the same text grows instead. False when the list is full.
 */
bool maven_note_add(struct arena *arena, struct maven_data *data, const char *what, size_t rows,
                    const char *example);

#endif
