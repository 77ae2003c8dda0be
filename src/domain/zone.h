/*
 * IANA time zones ("Europe/Berlin") through libical's built-in zone database
 * (the system's tzdata): whether a name is one, the UTC instants of a local
 * day, and conversions between UTC instants and local wall-clock times.
 * Users' zones (users.time_zone) and recurring meetings' zones are checked
 * with zone_valid() before they are stored.
 */
#ifndef CRM_DOMAIN_ZONE_H
#define CRM_DOMAIN_ZONE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/clock.h"
#include "base/err.h"

#define ZONE_NAME_MAX 64

/* A local wall-clock time (no zone), as the zone's clocks show it. */
struct zone_time {
    int year;
    int month;  /* 1..12 */
    int day;    /* 1..31 */
    int hour;   /* 0..23 */
    int minute; /* 0..59 */
    int second; /* 0..59 */
};

/* libical's zone (icaltimezone), for recurrence.c and ical.c. */
struct _icaltimezone;

/* Whether name is a zone of the database: "Europe/Berlin", "UTC", "America/Los_Angeles". */
bool zone_valid(const char *name);

/* The libical zone of a valid name; NULL when zone_valid(name) is false. */
struct _icaltimezone *zone_find(const char *name);

/*
 * The UTC instants [*from_ms, *to_ms) of the local calendar day date
 * ("YYYY-MM-DD") in zone: 23 or 25 hours long on the days the clocks move.
 * ERR_VALIDATION (field "date" or "time_zone") when either is not valid.
 */
int zone_day_bounds(const char *zone, const char *date, int64_t *from_ms, int64_t *to_ms,
                    struct err *err);

/* The local date (YYYY-MM-DD) of a UTC instant in zone. */
int zone_local_date(const char *zone, int64_t utc_ms, char out[CLOCK_DATE_LEN + 1],
                    struct err *err);

/* The wall-clock time zone shows at the UTC instant utc_ms (milliseconds dropped). */
int zone_to_local(const char *zone, int64_t utc_ms, struct zone_time *out, struct err *err);

/*
 * The UTC instant of a local time in zone, as RFC 5545 reads it: a time the
 * clocks skip (02:30 on the spring-forward night) takes the offset before
 * the change, so it lands an hour later (03:30 summer time); a time they
 * show twice is its first instant.
 */
int zone_to_utc(const char *zone, const struct zone_time *local, int64_t *utc_ms, struct err *err);

#endif
