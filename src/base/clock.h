/*
 * Clock and calendar arithmetic in UTC, without gmtime/localtime: wall time
 * in milliseconds since the epoch, civil dates as days since 1970-01-01, and
 * the two ISO 8601 forms the API uses ("2026-11-23" and
 * "2026-11-23T10:15:00.000Z").
 */
#ifndef CRM_BASE_CLOCK_H
#define CRM_BASE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define CLOCK_DATE_LEN 10     /* "YYYY-MM-DD" */
#define CLOCK_DATETIME_LEN 24 /* "YYYY-MM-DDTHH:MM:SS.sssZ" */

int64_t clock_now_ms(void);
int64_t clock_monotonic_ms(void);

int64_t clock_days_from_civil(int year, unsigned month, unsigned day);
void clock_civil_from_days(int64_t days, int *year, unsigned *month, unsigned *day);
/* Days since the epoch of the UTC day containing ms. */
int64_t clock_day_of_ms(int64_t ms);

/* out must hold CLOCK_DATE_LEN + 1 / CLOCK_DATETIME_LEN + 1 bytes. */
void clock_format_date(int64_t days, char *out);
void clock_format_datetime(int64_t ms, char *out);

/* "YYYY-MM-DD", validated (month lengths, leap years); 0 or -ERR_BAD_REQUEST. */
int clock_parse_date(const char *s, size_t len, int64_t *days_out);
/*
 * "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+hh:mm|-hh:mm)"; a lone date is midnight UTC.
 * 0 or -ERR_BAD_REQUEST.
 */
int clock_parse_datetime(const char *s, size_t len, int64_t *ms_out);

#endif
