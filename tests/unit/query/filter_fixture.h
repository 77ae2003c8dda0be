/*
 * Shared fixture for the filter tests: a contacts schema with custom fields
 * and two relations to companies, five contacts and three companies as the
 * API shows them, a fixed "now" (Wednesday 2026-03-18T12:00:00Z) and helpers
 * to parse and to compile.
 */
#ifndef CRM_TESTS_UNIT_QUERY_FILTER_FIXTURE_H
#define CRM_TESTS_UNIT_QUERY_FILTER_FIXTURE_H

#include <jansson.h>

#include "query/filter.h"

#define FIXTURE_NOW_MS INT64_C(1773835200000)
#define FIXTURE_USER_ID 7

extern const struct schema fixture_contacts;
extern const struct schema fixture_companies;

/* JSON arrays of the records as the API shows them (relations nested in contacts). */
extern const char fixture_contacts_json[];
extern const char fixture_companies_json[];

/*
 * Filters and the ids of the contacts they must select, in ascending order
 * ("1,4"; "" for none). Both the SQLite run and filter_eval() must agree.
 */
struct fixture_case {
    const char *filter;
    const char *ids;
};
extern const struct fixture_case fixture_cases[];
extern const size_t fixture_n_cases;

struct filter_context fixture_context(void);

/* Parses text, failing the test (with the error detail) when it does not parse. */
struct filter_node *fixture_parse(struct arena *arena, const char *text);
/* Parses text that must fail; returns the error detail. */
const char *fixture_parse_error(struct arena *arena, const char *text);
/* Compiles text for dialect as seen by user FIXTURE_USER_ID at FIXTURE_NOW_MS. */
const char *fixture_sql(struct arena *arena, const char *text, enum sql_dialect dialect,
                        struct sql_builder *sql);

#endif
