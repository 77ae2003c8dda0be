/*
 * crm import maven DIR: the Maven sales dataset (domain/maven.h) written
 * into the CRM in one transaction, all or nothing: a team per manager,
 * users for managers and agents, companies, products, the pipeline "Maven
 * sales" with its won and lost reasons, and a deal per opportunity with its
 * stage history. A database that already has that pipeline is refused, so
 * that a second run duplicates nothing. See docs/import-maven.md.
 */
#ifndef CRM_API_MAVEN_IMPORT_H
#define CRM_API_MAVEN_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/currency.h"
#include "domain/maven.h"

struct arena;
struct store;

#define MAVEN_PIPELINE_NAME "Maven sales"
/* The largest dataset file read (sales_pipeline.csv is 640 kB). */
#define MAVEN_FILE_MAX_BYTES ((size_t)64 * 1024 * 1024)

struct maven_import_result {
    size_t n_teams;
    size_t n_users;
    size_t n_companies;
    size_t n_products;
    size_t n_deals;
    size_t n_history; /* stage history rows */
    size_t n_stage[MAVEN_N_STAGES];
    int64_t pipeline_id;
    char base_currency[CURRENCY_CODE_LEN + 1];
    size_t n_unconverted; /* deals whose USD amount has no rate into the base currency */
    /* The data notes (what was repaired or left out), then the import's own; in the arena. */
    const struct maven_note *notes;
    size_t n_notes;
};

/*
 * Reads accounts.csv, products.csv, sales_teams.csv and sales_pipeline.csv
 * of dir into the arena. -ERR_NOT_FOUND naming the file when one cannot be
 * read, -ERR_TOO_LARGE past MAVEN_FILE_MAX_BYTES.
 */
int maven_import_read_dir(struct arena *arena, const char *dir, struct maven_files *out,
                          struct err *err);

/*
 * Reads dir, checks the whole dataset (nothing is written when it has a
 * problem: -ERR_VALIDATION with the lines, as maven_read()), then writes
 * it in one transaction. The roles "manager" and "sales_rep" must exist
 * (operators_setup() makes them). -ERR_CONFLICT when the pipeline "Maven
 * sales" exists, or a team, user e-mail or product SKU the import would
 * make is taken; a record the store refuses is an error naming its file
 * and line. Users get a random password they must change, never shown.
 */
int maven_import(struct store *store, struct arena *arena, const char *dir,
                 struct maven_import_result *out, struct err *err);

#endif
