/*
 * Helpers shared by the domain tests: JSON from literal text, lookups in a
 * struct err's field list, and a count of live jansson allocations so a
 * test can check that validation frees everything it made.
 */
#ifndef CRM_TESTS_UNIT_DOMAIN_DOMAIN_FIXTURE_H
#define CRM_TESTS_UNIT_DOMAIN_DOMAIN_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"

/* Parses JSON text (single quotes allowed for readability); fails the test on bad JSON. */
json_t *fixture_json(const char *text);
/* The message of the first error on `field`, or NULL when the field has none. */
const char *fixture_field_message(const struct err *err, const char *field);
/* Makes jansson count its live allocations; call before any JSON is made. */
void fixture_count_json_allocations(void);
long fixture_live_json_allocations(void);
/* True when a and b are equal JSON values. */
bool fixture_json_equal(const json_t *a, const char *b_text);

#define EXPECT_FIELD_ERROR(err, field, message_part)                                               \
    EXPECT_CONTAINS(fixture_field_message((err), (field)), (message_part))

#define EXPECT_NO_FIELD_ERROR(err, field) EXPECT(fixture_field_message((err), (field)) == NULL)

#define EXPECT_JSON_EQ(actual, expected_text)                                                      \
    do {                                                                                           \
        const json_t *ja_ = (actual);                                                              \
        if (!fixture_json_equal(ja_, (expected_text))) {                                           \
            char *text_ =                                                                          \
                ja_ ? json_dumps(ja_, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;     \
            test_fail(__FILE__, __LINE__, "%s == %s\n    actual:   %s", #actual, expected_text,    \
                      text_ ? text_ : "(null)");                                                   \
        }                                                                                          \
    } while (0)

#endif
