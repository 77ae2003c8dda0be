/*
 * iCalendar (RFC 5545) on libical: VCALENDAR text made from activities and
 * tasks (one file for /activities/{id}/ics, a feed for calendar apps), and
 * .ics files read into a list of events for the import of meetings. Pure
 * functions over bytes and JSON records: no store, no HTTP.
 *
 * Export: meetings and calls (any activity) are VEVENTs at their time;
 * tasks are VEVENTs at their due time, 15 minutes long, free time
 * (TRANSP:TRANSPARENT), titled "Task: ..." — not VTODOs, which Google
 * Calendar and the phones' calendars do not show from a subscription.
 * Recurring ones carry their RRULE and EXDATEs in the local time of their
 * zone (DTSTART;TZID=Europe/Berlin with its VTIMEZONE), so every client
 * expands them across changes of the clocks as the server does.
 *
 * Import: see ical_import_parse().
 */
#ifndef CRM_DOMAIN_ICAL_H
#define CRM_DOMAIN_ICAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;

#define ICAL_PRODID "-//CRM//Calendar 1.0//EN"
/* UIDs of exported events: "activities-12@crm.invalid" (.invalid: a name no host has). */
#define ICAL_UID_HOST "crm.invalid"
/* Minutes a task takes in a calendar. */
#define ICAL_TASK_MINUTES 15

#define ICAL_MAX_BYTES ((size_t)4 << 20)
#define ICAL_MAX_EVENTS 5000
#define ICAL_MAX_EXDATES 500 /* per event, as an activity keeps */
#define ICAL_MAX_RDATES 100  /* per event */
#define ICAL_MAX_WARNINGS 100
#define ICAL_UID_MAX_BYTES 400
/* Text is cut to what an activity keeps (subject, place, body). */
#define ICAL_SUMMARY_MAX_CHARS 300
#define ICAL_LOCATION_MAX_CHARS 300
#define ICAL_DESCRIPTION_MAX_CHARS 20000

/* ---- Export ---- */

/* One record to write as an event. */
struct ical_source {
    const char *entity;   /* "activities" or "tasks" */
    const json_t *record; /* as the API shows it */
    /*
     * The zone a recurring record recurs in when it names none (activities
     * keep time_zone; tasks recur in their owner's): NULL means UTC.
     */
    const char *zone;
    /*
     * Tasks: write the whole series of a recurring task (its first due
     * time, recurrence_start, with the rule) rather than this instance.
     */
    bool series;
};

/*
 * A VCALENDAR (PRODID, VERSION 2.0, METHOD:PUBLISH, X-WR-CALNAME name when
 * not NULL) with one VEVENT per source and a VTIMEZONE per zone used, as
 * libical serialises it (CRLF, folded at 75 octets). UID
 * "<entity>-<id>@crm.invalid" (series of tasks: "tasks-series-<series_id>@..."),
 * DTSTAMP and LAST-MODIFIED from updated_at, SEQUENCE version - 1.
 * ERR_VALIDATION when a record has no time to show (a task without due_at)
 * or a rule or zone that cannot be written.
 */
int ical_export(struct arena *arena, const struct ical_source *sources, size_t n_sources,
                const char *name, char **out, size_t *out_len, struct err *err);

/* ---- Import ---- */

/* One event to keep, as a meeting. Strings in the arena. */
struct ical_event {
    size_t line; /* of its BEGIN:VEVENT */
    /*
     * What it is known by on a later import: its UID; for one occurrence
     * of a series made its own event (an RDATE, or a changed occurrence
     * with RECURRENCE-ID) "<UID>#<occurrence, 20121002T170000Z or
     * 20121210>". NULL when the event has no UID.
     */
    const char *uid;
    const char *summary; /* NULL when absent or empty */
    const char *description;
    const char *location;
    int64_t start_ms;
    int64_t end_ms; /* start_ms when it has neither DTEND nor DURATION */
    /* A whole day: start_ms and end_ms are UTC midnights (end exclusive). */
    bool all_day;
    const char *rrule; /* NULL: once */
    int64_t *exdates;  /* UTC instants of left-out occurrences */
    size_t n_exdates;
    /*
     * The IANA zone of its DTSTART: its TZID when that names one ("UTC" for
     * times in UTC, the default zone for floating times); NULL for whole
     * days and for zones the file defines under another name.
     */
    const char *time_zone;
};

/* Something the import changed or left out, for the answer to the user. */
struct ical_warning {
    size_t line;     /* of the event's BEGIN:VEVENT; 0: the whole file */
    const char *uid; /* NULL when none */
    const char *message;
};

struct ical_import {
    struct ical_event *events;
    size_t n_events;
    struct ical_warning *warnings;
    size_t n_warnings;
};

/*
 * Reads an iCalendar stream (one or more VCALENDARs) into events.
 *
 * Refused as a whole (nothing imported): text that is not iCalendar —
 * no VCALENDAR, a line that is not NAME[;PARAM=...]:value, a continuation
 * line with nothing to continue, an empty line inside the calendar (at the
 * end they are fine), control characters, text that is not UTF-8,
 * BEGIN/END that do not match — ERR_BAD_REQUEST, "line N: ..."; a VEVENT
 * without a readable DTSTART — ERR_VALIDATION (field "body"), "line N:
 * ..."; more than ICAL_MAX_BYTES or ICAL_MAX_EVENTS events —
 * ERR_TOO_LARGE.
 *
 * Left out with a warning, the rest imported: an event whose rule the
 * server does not expand (FREQ=SECONDLY or MINUTELY, COUNT over 1000, ...;
 * see recurrence_check; a series starting after 2582), whose DTEND or
 * DURATION cannot be read or ends before it starts, outside the years
 * 1-2999, or that is cancelled. Kept with a warning: a second
 * RRULE (the first one is kept), EXRULE (dropped), unreadable EXDATE or
 * RDATE values (dropped), text cut to the lengths above, an unknown TZID
 * (read in default_zone). To-dos and journal entries are not imported.
 *
 * Series: each RDATE becomes an event of its own (same text and length);
 * an event with RECURRENCE-ID (one changed occurrence) becomes an event of
 * its own and, when its series is in the file, an EXDATE of the series;
 * a cancelled occurrence is only the EXDATE. Floating times (no zone) are
 * read in default_zone (the importing user's). A UID seen twice: the
 * later event wins.
 */
int ical_import_parse(struct arena *arena, const char *text, size_t len, const char *default_zone,
                      struct ical_import *out, struct err *err);

#endif
