/*
 * Time zones through libical: names are looked up in its built-in zone
 * database, which reads the system's tzdata (/usr/share/zoneinfo) once per
 * zone and keeps it for the life of the process (libical guards that cache
 * with its own lock). A name is checked for its shape before libical sees
 * it, as libical would otherwise try it as a file path.
 */
#include "domain/zone.h"

#include <string.h>
#include <time.h>

#include <libical/ical.h>

#define MS_PER_SECOND INT64_C(1000)
#define MIN_YEAR 1
#define MAX_YEAR 9999

/* Letters, digits, '_', '-', '+' in segments split by '/'; no empty segment, no dots. */
static bool zone_name_shaped(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > ZONE_NAME_MAX || name[0] == '/' || name[len - 1] == '/')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '+' || c == '/';
        if (!ok || (c == '/' && name[i + 1] == '/'))
            return false;
    }
    return true;
}

struct _icaltimezone *zone_find(const char *name)
{
    if (name == NULL || !zone_name_shaped(name))
        return NULL;
    if (strcmp(name, "UTC") == 0)
        return icaltimezone_get_utc_timezone();
    return icaltimezone_get_builtin_timezone(name);
}

bool zone_valid(const char *name)
{
    return zone_find(name) != NULL;
}

static int zone_unknown(struct err *err)
{
    err_set(err, ERR_VALIDATION, "unknown time zone");
    return err_field(err, "time_zone", "is not a known time zone (e.g. Europe/Berlin)");
}

/* Seconds since the epoch of ms, rounded down. */
static int64_t zone_floor_seconds(int64_t ms)
{
    int64_t s = ms / MS_PER_SECOND;
    return ms % MS_PER_SECOND < 0 ? s - 1 : s;
}

int zone_to_local(const char *zone, int64_t utc_ms, struct zone_time *out, struct err *err)
{
    icaltimezone *z = zone_find(zone);
    if (z == NULL)
        return zone_unknown(err);
    struct icaltimetype t = icaltime_from_timet_with_zone((time_t)zone_floor_seconds(utc_ms), 0, z);
    if (t.year < MIN_YEAR || t.year > MAX_YEAR)
        return err_set(err, ERR_VALIDATION, "time out of range");
    *out = (struct zone_time){t.year, t.month, t.day, t.hour, t.minute, t.second};
    return 0;
}

/* Whether local names a real date and time of years 1..9999. */
static bool zone_time_valid(const struct zone_time *local)
{
    if (local->year < MIN_YEAR || local->year > MAX_YEAR || local->month < 1 || local->month > 12 ||
        local->day < 1 || local->hour < 0 || local->hour > 23 || local->minute < 0 ||
        local->minute > 59 || local->second < 0 || local->second > 59)
        return false;
    return local->day <= icaltime_days_in_month(local->month, local->year);
}

/* Seconds since the epoch of a wall-clock time read as if it were UTC. */
static int64_t zone_civil_seconds(const struct zone_time *t)
{
    int64_t days = clock_days_from_civil(t->year, (unsigned)t->month, (unsigned)t->day);
    return days * 86400 + t->hour * 3600 + t->minute * 60 + t->second;
}

/* The zone's offset from UTC, in seconds, at the instant utc_s. */
static int64_t zone_offset_at(icaltimezone *z, int64_t utc_s)
{
    struct icaltimetype t = icaltime_from_timet_with_zone((time_t)utc_s, 0, z);
    struct zone_time local = {t.year, t.month, t.day, t.hour, t.minute, t.second};
    return zone_civil_seconds(&local) - utc_s;
}

/*
 * RFC 5545's reading of a local time: of the offsets in force a day before
 * and a day after, the ones that give back this wall-clock time; the
 * earlier instant when both do (the hour shown twice), the offset before
 * the change when neither does (the hour skipped).
 */
int zone_to_utc(const char *zone, const struct zone_time *local, int64_t *utc_ms, struct err *err)
{
    icaltimezone *z = zone_find(zone);
    if (z == NULL)
        return zone_unknown(err);
    if (!zone_time_valid(local))
        return err_set(err, ERR_VALIDATION, "not a valid local time");
    int64_t wall = zone_civil_seconds(local);
    int64_t before = zone_offset_at(z, wall - 86400);
    int64_t after = zone_offset_at(z, wall + 86400);
    int64_t first = wall - before, second = wall - after;
    bool first_ok = zone_offset_at(z, first) == before;
    bool second_ok = zone_offset_at(z, second) == after;
    int64_t utc_s = first;
    if (first_ok && second_ok)
        utc_s = first < second ? first : second;
    else if (second_ok)
        utc_s = second;
    *utc_ms = utc_s * MS_PER_SECOND;
    return 0;
}

int zone_day_bounds(const char *zone, const char *date, int64_t *from_ms, int64_t *to_ms,
                    struct err *err)
{
    int64_t days;
    int year;
    unsigned month, day;
    if (date == NULL || clock_parse_date(date, strlen(date), &days) < 0) {
        err_set(err, ERR_VALIDATION, "date: not a date");
        return err_field(err, "date", "must be a date like 2026-03-29");
    }
    if (!zone_valid(zone))
        return zone_unknown(err);
    clock_civil_from_days(days, &year, &month, &day);
    struct zone_time start = {year, (int)month, (int)day, 0, 0, 0};
    clock_civil_from_days(days + 1, &year, &month, &day);
    struct zone_time next = {year, (int)month, (int)day, 0, 0, 0};
    int rc = zone_to_utc(zone, &start, from_ms, err);
    if (rc == 0)
        rc = zone_to_utc(zone, &next, to_ms, err);
    return rc;
}

int zone_local_date(const char *zone, int64_t utc_ms, char out[CLOCK_DATE_LEN + 1], struct err *err)
{
    struct zone_time t;
    int rc = zone_to_local(zone, utc_ms, &t, err);
    if (rc < 0)
        return rc;
    clock_format_date(clock_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day), out);
    return 0;
}
