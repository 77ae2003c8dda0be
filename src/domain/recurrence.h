/*
 * Recurrence rules (RFC 5545 RRULE, "FREQ=WEEKLY;BYDAY=MO;COUNT=10") on
 * libical: a strict check of a rule's text, and its occurrences expanded
 * in the local time of an IANA zone, so that a meeting at 09:00 stays at
 * 09:00 when the clocks move. Expansion is always bounded: by a range, a
 * maximum number of results and a maximum number of iterator steps, so a
 * rule without COUNT or UNTIL is never materialised.
 */
#ifndef CRM_DOMAIN_RECURRENCE_H
#define CRM_DOMAIN_RECURRENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define RECURRENCE_RULE_MAX_CHARS 500
#define RECURRENCE_MAX_COUNT 1000
#define RECURRENCE_MAX_INTERVAL 1000
/* Iterator steps one expansion may take before it stops (as if the series had ended). */
#define RECURRENCE_MAX_STEPS 100000

/*
 * Checks an RRULE value (without the "RRULE:" prefix); ERR_VALIDATION with
 * a field error on "rrule" saying what is wrong: unparsable, an unknown or
 * repeated part, FREQ=SECONDLY or MINUTELY (refused, as are BYSECOND and
 * more than one BYMINUTE, their equivalents), INTERVAL outside 1..1000,
 * COUNT outside 1..1000, COUNT with UNTIL. A rule with neither COUNT nor
 * UNTIL is fine.
 */
int recurrence_check(const char *rrule, struct err *err);

/*
 * The first occurrence strictly after after_ms of the series that starts
 * at start_ms, expanded in the local time of zone. *found is false when
 * the series has ended (COUNT or UNTIL) before that.
 */
int recurrence_next(const char *rrule, int64_t start_ms, const char *zone, int64_t after_ms,
                    int64_t *next_ms, bool *found, struct err *err);

/*
 * The occurrences in [from_ms, to_ms), in order, at most max of them,
 * leaving out those equal (to the second) to one of exdates (UTC
 * milliseconds, any order).
 */
int recurrence_between(const char *rrule, int64_t start_ms, const char *zone,
                       const int64_t *exdates, size_t n_exdates, int64_t from_ms, int64_t to_ms,
                       int64_t *out, size_t max, size_t *n_out, struct err *err);

#endif
