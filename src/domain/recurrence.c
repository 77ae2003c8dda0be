/*
 * Recurrence rules on libical's iterator. The rule's text is checked part
 * by part before libical reads it (libical takes "COUNT=3x" as 3 and cuts
 * large numbers), then the iterator walks the local wall-clock times of
 * the series from its start in the zone, each turned into a UTC instant
 * (zone.h), so the local time of day holds across changes of the clocks.
 *
 * DESIGN: a series that started long ago is not walked from its start when
 * it has no COUNT: the iterator is moved (icalrecur_iterator_set_start) to
 * a margin of a few periods before the range, and the occurrences before
 * the range are skipped. With COUNT the walk starts at the beginning, at
 * most RECURRENCE_MAX_COUNT occurrences. Every walk stops after
 * RECURRENCE_MAX_STEPS steps.
 */
#include "domain/recurrence.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "domain/zone.h"

#define FIELD "rrule"
#define MS_PER_SECOND INT64_C(1000)
#define MS_PER_HOUR INT64_C(3600000)
#define MS_PER_DAY INT64_C(86400000)

static const char *const rule_part_names[] = {
    "FREQ",  "UNTIL",      "COUNT",     "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR",
    "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH",  "BYSETPOS", "WKST",
};
#define RULE_N_PARTS (sizeof(rule_part_names) / sizeof(rule_part_names[0]))

static const char *const rule_frequencies[] = {"HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"};
static const char *const rule_weekdays[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

__attribute__((format(printf, 2, 3))) static int rule_refuse(struct err *err, const char *fmt, ...)
{
    char message[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    err_set(err, ERR_VALIDATION, "%s", message);
    return err_field(err, FIELD, "%s", message);
}

/* A whole number of digits only, within lo..hi. */
static bool rule_number(const char *s, size_t len, long lo, long hi)
{
    if (len == 0 || len > 6)
        return false;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    return v >= lo && v <= hi;
}

static bool rule_weekday(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof(rule_weekdays) / sizeof(rule_weekdays[0]); i++) {
        if (len == 2 && strncasecmp(s, rule_weekdays[i], 2) == 0)
            return true;
    }
    return false;
}

/*
 * One item of a BY list: a signed number of 1..3 digits, or for BYDAY an
 * optional signed ordinal of 1..2 digits before a weekday ("-1FR").
 */
static bool rule_list_item(const char *s, size_t len, bool weekdays)
{
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t digits = 0;
    while (i + digits < len && isdigit((unsigned char)s[i + digits]))
        digits++;
    if (!weekdays)
        return digits >= 1 && digits <= 3 && i + digits == len;
    if (digits > 2 || (digits == 0 && i > 0))
        return false;
    return rule_weekday(s + i + digits, len - i - digits);
}

/* A comma-separated BY list; *n_items counts its items. */
static bool rule_list(const char *s, size_t len, bool weekdays, size_t *n_items)
{
    *n_items = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ',')
            continue;
        if (!rule_list_item(s + start, i - start, weekdays))
            return false;
        (*n_items)++;
        start = i + 1;
    }
    return true;
}

/* "YYYYMMDD" or "YYYYMMDDTHHMMSS" with an optional "Z" (libical checks the values). */
static bool rule_until(const char *s, size_t len)
{
    if (len != 8 && len != 15 && len != 16)
        return false;
    for (size_t i = 0; i < len; i++) {
        bool digit = isdigit((unsigned char)s[i]) != 0;
        if ((i == 8 && s[i] != 'T') || (i == 15 && s[i] != 'Z') || (i != 8 && i != 15 && !digit))
            return false;
    }
    return true;
}

static int rule_part_index(const char *name, size_t len)
{
    for (size_t i = 0; i < RULE_N_PARTS; i++) {
        if (strlen(rule_part_names[i]) == len && strncasecmp(name, rule_part_names[i], len) == 0)
            return (int)i;
    }
    return -1;
}

/* Checks one NAME=VALUE part; seen[] marks the parts met so far. */
static int rule_check_part(const char *part, size_t len, bool *seen, struct err *err)
{
    const char *eq = memchr(part, '=', len);
    if (eq == NULL || eq == part || eq == part + len - 1)
        return rule_refuse(err, "every part of the rule is NAME=VALUE");
    size_t name_len = (size_t)(eq - part);
    const char *value = eq + 1;
    size_t value_len = len - name_len - 1;
    char name[16];
    snprintf(name, sizeof(name), "%.*s", (int)(name_len < 15 ? name_len : 15), part);
    int index = rule_part_index(part, name_len);
    if (index < 0)
        return rule_refuse(err, "unknown part %s", name);
    if (seen[index])
        return rule_refuse(err, "%s is given twice", rule_part_names[index]);
    seen[index] = true;
    const char *what = rule_part_names[index];
    size_t n_items = 0;
    if (strcmp(what, "FREQ") == 0) {
        if (value_len == 8 &&
            (strncasecmp(value, "SECONDLY", 8) == 0 || strncasecmp(value, "MINUTELY", 8) == 0))
            return rule_refuse(err, "FREQ=%.8s is not supported: at most HOURLY", value);
        for (size_t i = 0; i < sizeof(rule_frequencies) / sizeof(rule_frequencies[0]); i++) {
            if (strlen(rule_frequencies[i]) == value_len &&
                strncasecmp(value, rule_frequencies[i], value_len) == 0)
                return 0;
        }
        return rule_refuse(err, "FREQ must be HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY");
    }
    if (strcmp(what, "COUNT") == 0)
        return rule_number(value, value_len, 1, RECURRENCE_MAX_COUNT)
                   ? 0
                   : rule_refuse(err, "COUNT must be a number from 1 to %d", RECURRENCE_MAX_COUNT);
    if (strcmp(what, "INTERVAL") == 0)
        return rule_number(value, value_len, 1, RECURRENCE_MAX_INTERVAL)
                   ? 0
                   : rule_refuse(err, "INTERVAL must be a number from 1 to %d",
                                 RECURRENCE_MAX_INTERVAL);
    if (strcmp(what, "UNTIL") == 0)
        return rule_until(value, value_len)
                   ? 0
                   : rule_refuse(err, "UNTIL must be a date (20261231) or a UTC time "
                                      "(20261231T235959Z)");
    if (strcmp(what, "WKST") == 0)
        return rule_weekday(value, value_len) ? 0 : rule_refuse(err, "WKST must be a weekday (MO)");
    if (strcmp(what, "BYSECOND") == 0)
        return rule_refuse(err, "BYSECOND is not supported");
    if (!rule_list(value, value_len, strcmp(what, "BYDAY") == 0, &n_items))
        return rule_refuse(err, "%s has a value that is not valid", what);
    if (strcmp(what, "BYMINUTE") == 0 && n_items > 1)
        return rule_refuse(err, "BYMINUTE takes one value: at most one occurrence an hour");
    return 0;
}

/* Checks the text, then has libical read it into *rule. */
static int rule_parse(const char *rrule, struct icalrecurrencetype *rule, struct err *err)
{
    if (rrule == NULL || *rrule == '\0')
        return rule_refuse(err, "the rule is empty");
    size_t len = strlen(rrule);
    if (len > RECURRENCE_RULE_MAX_CHARS)
        return rule_refuse(err, "the rule is longer than %d characters", RECURRENCE_RULE_MAX_CHARS);
    if (strncasecmp(rrule, "RRULE:", 6) == 0)
        return rule_refuse(err, "write the rule without the RRULE: prefix");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)rrule[i];
        if (c <= ' ' || c >= 0x7f)
            return rule_refuse(err, "the rule may hold no spaces or special characters");
    }
    bool seen[RULE_N_PARTS] = {false};
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && rrule[i] != ';')
            continue;
        int rc = rule_check_part(rrule + start, i - start, seen, err);
        if (rc < 0)
            return rc;
        start = i + 1;
    }
    if (!seen[0])
        return rule_refuse(err, "FREQ is required (e.g. FREQ=WEEKLY)");
    if (seen[1] && seen[2])
        return rule_refuse(err, "COUNT and UNTIL may not be given together");
    icalerror_clear_errno();
    *rule = icalrecurrencetype_from_string(rrule);
    bool failed = icalerrno != ICAL_NO_ERROR || rule->freq == ICAL_NO_RECURRENCE;
    icalerror_clear_errno();
    if (failed)
        return rule_refuse(err, "not a valid recurrence rule");
    return 0;
}

int recurrence_check(const char *rrule, struct err *err)
{
    struct icalrecurrencetype rule;
    int rc = rule_parse(rrule, &rule, err);
    if (rc < 0)
        return rc;
    /* Some rules read but cannot be walked (BYSETPOS without another BY part). */
    struct icaltimetype start = icaltime_null_time();
    start.year = 2000;
    start.month = 1;
    start.day = 3;
    icalrecur_iterator *it = icalrecur_iterator_new(rule, start);
    icalerror_clear_errno();
    if (it == NULL)
        return rule_refuse(err, "not a rule the server can expand (BYSETPOS needs another BY "
                                "part)");
    icalrecur_iterator_free(it);
    return 0;
}

/* An iterator over the series' local times, with the zone to read them in. */
struct recurrence_walk {
    icalrecur_iterator *it;
    const char *zone;
    size_t steps;
};

/* The local time of utc_ms in zone as a libical time carrying the zone. */
static int walk_local(const char *zone, icaltimezone *z, int64_t utc_ms, struct icaltimetype *out,
                      struct err *err)
{
    struct zone_time t;
    int rc = zone_to_local(zone, utc_ms, &t, err);
    if (rc < 0)
        return rc;
    *out = icaltime_null_time();
    out->year = t.year;
    out->month = t.month;
    out->day = t.day;
    out->hour = t.hour;
    out->minute = t.minute;
    out->second = t.second;
    out->is_date = 0;
    out->zone = z;
    return 0;
}

/* How far before a range the iterator is moved to: a few of the rule's periods. */
static int64_t walk_margin_ms(const struct icalrecurrencetype *rule)
{
    int64_t period;
    switch (rule->freq) {
    case ICAL_HOURLY_RECURRENCE:
        period = MS_PER_HOUR;
        break;
    case ICAL_DAILY_RECURRENCE:
        period = MS_PER_DAY;
        break;
    case ICAL_WEEKLY_RECURRENCE:
        period = 7 * MS_PER_DAY;
        break;
    case ICAL_MONTHLY_RECURRENCE:
        period = 31 * MS_PER_DAY;
        break;
    default:
        period = 366 * MS_PER_DAY;
        break;
    }
    return 2 * period * (rule->interval > 0 ? rule->interval : 1) + 8 * MS_PER_DAY;
}

/*
 * Starts a walk of rrule from start_ms in zone, moved close to target_ms
 * (the first instant wanted) when the rule allows it.
 */
static int walk_begin(struct recurrence_walk *walk, const char *rrule, int64_t start_ms,
                      const char *zone, int64_t target_ms, struct err *err)
{
    struct icalrecurrencetype rule;
    struct icaltimetype dtstart, jump;
    *walk = (struct recurrence_walk){.zone = zone};
    int rc = rule_parse(rrule, &rule, err);
    if (rc < 0)
        return rc;
    icaltimezone *z = zone_find(zone);
    if (z == NULL) {
        err_set(err, ERR_VALIDATION, "unknown time zone");
        return err_field(err, "time_zone", "is not a known time zone (e.g. Europe/Berlin)");
    }
    rc = walk_local(zone, z, start_ms, &dtstart, err);
    if (rc < 0)
        return rc;
    walk->it = icalrecur_iterator_new(rule, dtstart);
    if (walk->it == NULL) {
        icalerror_clear_errno();
        return rule_refuse(err, "not a valid recurrence rule");
    }
    int64_t margin = walk_margin_ms(&rule);
    if (rule.count == 0 && target_ms - start_ms > 2 * margin) {
        rc = walk_local(zone, z, target_ms - margin, &jump, err);
        if (rc == 0 && !icalrecur_iterator_set_start(walk->it, jump))
            icalerror_clear_errno(); /* the walk goes on from the start */
    }
    return rc;
}

/* The next occurrence as a UTC instant; false when the series (or the step budget) ended. */
static bool walk_next(struct recurrence_walk *walk, int64_t *utc_ms)
{
    if (walk->steps >= RECURRENCE_MAX_STEPS)
        return false;
    walk->steps++;
    struct icaltimetype t = icalrecur_iterator_next(walk->it);
    if (icaltime_is_null_time(t))
        return false;
    struct zone_time local = {t.year, t.month, t.day, t.hour, t.minute, t.second};
    struct err ignored;
    err_clear(&ignored);
    return zone_to_utc(walk->zone, &local, utc_ms, &ignored) == 0;
}

static void walk_end(struct recurrence_walk *walk)
{
    if (walk->it != NULL)
        icalrecur_iterator_free(walk->it);
    walk->it = NULL;
}

int recurrence_next(const char *rrule, int64_t start_ms, const char *zone, int64_t after_ms,
                    int64_t *next_ms, bool *found, struct err *err)
{
    struct recurrence_walk walk;
    int64_t t;
    *found = false;
    int rc = walk_begin(&walk, rrule, start_ms, zone, after_ms, err);
    if (rc < 0)
        goto out;
    while (walk_next(&walk, &t)) {
        if (t > after_ms) {
            *next_ms = t;
            *found = true;
            break;
        }
    }
out:
    walk_end(&walk);
    return rc;
}

static bool recurrence_excluded(int64_t t, const int64_t *exdates, size_t n_exdates)
{
    int64_t s = t / MS_PER_SECOND;
    for (size_t i = 0; i < n_exdates; i++) {
        if (exdates[i] / MS_PER_SECOND == s)
            return true;
    }
    return false;
}

int recurrence_between(const char *rrule, int64_t start_ms, const char *zone,
                       const int64_t *exdates, size_t n_exdates, int64_t from_ms, int64_t to_ms,
                       int64_t *out, size_t max, size_t *n_out, struct err *err)
{
    struct recurrence_walk walk;
    int64_t t;
    *n_out = 0;
    int rc = walk_begin(&walk, rrule, start_ms, zone, from_ms, err);
    if (rc < 0)
        goto out;
    while (*n_out < max && walk_next(&walk, &t)) {
        if (t >= to_ms)
            break;
        if (t < from_ms || recurrence_excluded(t, exdates, n_exdates))
            continue;
        out[(*n_out)++] = t;
    }
out:
    walk_end(&walk);
    return rc;
}
