/*
 * Bounds of relative periods (today, this quarter, last 30 days, ...) in
 * UTC, computed from filter_context.now_ms and written in the stored text
 * form of the field: "YYYY-MM-DD" for FIELD_DATE, "YYYY-MM-DDTHH:MM:SS.sssZ"
 * for FIELD_DATETIME, so that string comparison orders them correctly.
 */
#ifndef CRM_QUERY_FILTER_PERIOD_H
#define CRM_QUERY_FILTER_PERIOD_H

#include <stdint.h>

#include "base/clock.h"
#include "query/filter_ast.h"

#define FILTER_BOUND_SIZE (CLOCK_DATETIME_LEN + 1)

/*
 * The half-open range [lo, hi) of period for a field of type (FIELD_DATE or
 * FIELD_DATETIME). Weeks start on Monday (ISO); "last 30 days" runs from
 * now minus 30 days up to and including now.
 */
void filter_period_bounds(const struct filter_period *period, enum field_type type, int64_t now_ms,
                          char lo[FILTER_BOUND_SIZE], char hi[FILTER_BOUND_SIZE]);

#endif
