/*
 * Tests for src/domain/ical.c. Export: meetings, all-day and recurring
 * ones (local time with TZID and a VTIMEZONE, RRULE, EXDATE) and tasks
 * (VEVENTs at the due time; a series with its rule) read back through
 * libical's parser with the import; text escaping. Import: the refusals
 * with their line numbers, events left out with a warning (FREQ=SECONDLY),
 * floating times and zone names, date-only EXDATEs, changed and cancelled
 * occurrences, RDATEs, repeated UIDs, the caps.
 */
#include "domain/ical.h"

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "../test.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *iso(int64_t ms)
{
    static char out[8][CLOCK_DATETIME_LEN + 1];
    static int next;
    char *s = out[next++ % 8];
    clock_format_datetime(ms, s);
    return s;
}

/* Parses text (a C string) with Europe/Berlin as the importing user's zone. */
static int parse(struct arena *arena, const char *text, struct ical_import *out, struct err *err)
{
    err_clear(err);
    return ical_import_parse(arena, text, strlen(text), "Europe/Berlin", out, err);
}

/* A calendar around the given VEVENT lines. */
static const char *calendar(struct arena *arena, const char *events)
{
    return arena_printf(arena,
                        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n%s"
                        "END:VCALENDAR\r\n",
                        events);
}

static bool has_warning(const struct ical_import *im, const char *needle)
{
    for (size_t i = 0; i < im->n_warnings; i++) {
        if (strstr(im->warnings[i].message, needle) != NULL)
            return true;
    }
    return false;
}

static const char *export_one(struct arena *arena, const char *entity, const char *json,
                              const char *zone, bool series)
{
    json_error_t jerr;
    json_t *record = json_loads(json, 0, &jerr);
    EXPECT(record != NULL);
    struct ical_source src = {entity, record, zone, series};
    struct err err;
    char *text = NULL;
    size_t len = 0;
    err_clear(&err);
    EXPECT_INT_EQ(ical_export(arena, &src, 1, "My CRM", &text, &len, &err), 0);
    json_decref(record);
    EXPECT_INT_EQ(strlen(text ? text : ""), len);
    return text;
}

static const char *const meeting_json =
    "{\"id\": 7, \"type\": \"meeting\", \"subject\": \"Review, plan; next\", "
    "\"body\": \"Line one\\nLine two: ümlauts\", \"place\": \"Room 4\", "
    "\"at\": \"2026-03-16T08:00:00.000Z\", \"end_at\": \"2026-03-16T09:30:00.000Z\", "
    "\"all_day\": false, \"rrule\": \"FREQ=WEEKLY;COUNT=10\", "
    "\"exdates\": [\"2026-03-30T07:00:00.000Z\"], \"time_zone\": \"Europe/Berlin\", "
    "\"created_at\": \"2026-03-01T10:00:00.000Z\", \"updated_at\": \"2026-03-02T11:00:00.000Z\", "
    "\"version\": 3}";

TEST(ical_export_writes_a_recurring_meeting_in_its_local_time_with_its_zone)
{
    struct arena *arena = arena_new();
    const char *text = export_one(arena, "activities", meeting_json, "UTC", false);
    EXPECT_CONTAINS(text, "BEGIN:VCALENDAR\r\n");
    EXPECT_CONTAINS(text, "PRODID:" ICAL_PRODID "\r\n");
    EXPECT_CONTAINS(text, "VERSION:2.0\r\n");
    EXPECT_CONTAINS(text, "X-WR-CALNAME:My CRM\r\n");
    EXPECT_CONTAINS(text, "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n");
    EXPECT_CONTAINS(text, "UID:activities-7@crm.invalid\r\n");
    EXPECT_CONTAINS(text, "DTSTART;TZID=Europe/Berlin:20260316T090000\r\n");
    EXPECT_CONTAINS(text, "DTEND;TZID=Europe/Berlin:20260316T103000\r\n");
    EXPECT_CONTAINS(text, "RRULE:FREQ=WEEKLY;COUNT=10\r\n");
    EXPECT_CONTAINS(text, "EXDATE;TZID=Europe/Berlin:20260330T090000\r\n");
    EXPECT_CONTAINS(text, "SUMMARY:Review\\, plan\\; next\r\n");
    EXPECT_CONTAINS(text, "LOCATION:Room 4\r\n");
    EXPECT_CONTAINS(text, "LAST-MODIFIED:20260302T110000Z\r\n");
    EXPECT_CONTAINS(text, "SEQUENCE:2\r\n");
    EXPECT_CONTAINS(text, "TRANSP:OPAQUE\r\n");
    arena_free(arena);
}

TEST(ical_export_round_trips_through_libicals_parser)
{
    struct arena *arena = arena_new();
    const char *text = export_one(arena, "activities", meeting_json, "UTC", false);
    struct ical_import im;
    struct err err;
    EXPECT_INT_EQ(parse(arena, text, &im, &err), 0);
    EXPECT_INT_EQ(im.n_events, 1);
    EXPECT_INT_EQ(im.n_warnings, 0);
    const struct ical_event *ev = &im.events[0];
    EXPECT_STR_EQ(ev->uid, "activities-7@crm.invalid");
    EXPECT_STR_EQ(ev->summary, "Review, plan; next");
    EXPECT_STR_EQ(ev->description, "Line one\nLine two: ümlauts");
    EXPECT_STR_EQ(ev->location, "Room 4");
    EXPECT_STR_EQ(iso(ev->start_ms), "2026-03-16T08:00:00.000Z");
    EXPECT_STR_EQ(iso(ev->end_ms), "2026-03-16T09:30:00.000Z");
    EXPECT(!ev->all_day);
    EXPECT_STR_EQ(ev->rrule, "FREQ=WEEKLY;COUNT=10");
    EXPECT_STR_EQ(ev->time_zone, "Europe/Berlin");
    EXPECT_INT_EQ(ev->n_exdates, 1);
    EXPECT_STR_EQ(iso(ev->exdates[0]), "2026-03-30T07:00:00.000Z");
    arena_free(arena);
}

TEST(ical_export_writes_one_off_events_in_utc_and_whole_days_as_dates)
{
    struct arena *arena = arena_new();
    const char *call = export_one(arena, "activities",
                                  "{\"id\": 3, \"type\": \"call\", \"at\": "
                                  "\"2026-05-04T12:00:00.000Z\", \"duration_s\": 600, "
                                  "\"time_zone\": \"Europe/Berlin\", \"version\": 1}",
                                  "Europe/Berlin", false);
    EXPECT_CONTAINS(call, "DTSTART:20260504T120000Z\r\n");
    EXPECT_CONTAINS(call, "DURATION:PT10M\r\n");
    EXPECT_CONTAINS(call, "SUMMARY:Call\r\n");
    EXPECT(strstr(call, "VTIMEZONE") == NULL);
    const char *day = export_one(arena, "activities",
                                 "{\"id\": 4, \"type\": \"meeting\", \"subject\": \"Fair\", "
                                 "\"at\": \"2026-05-04T00:00:00.000Z\", \"all_day\": true, "
                                 "\"version\": 1}",
                                 NULL, false);
    EXPECT_CONTAINS(day, "DTSTART;VALUE=DATE:20260504\r\n");
    EXPECT_CONTAINS(day, "DTEND;VALUE=DATE:20260505\r\n");
    struct ical_import im;
    struct err err;
    EXPECT_INT_EQ(parse(arena, day, &im, &err), 0);
    EXPECT(im.events[0].all_day);
    EXPECT_STR_EQ(iso(im.events[0].end_ms), "2026-05-05T00:00:00.000Z");
    arena_free(arena);
}

TEST(ical_export_writes_a_task_as_a_free_event_at_its_due_time)
{
    struct arena *arena = arena_new();
    const char *task = export_one(arena, "tasks",
                                  "{\"id\": 9, \"title\": \"Send offer\", \"due_at\": "
                                  "\"2026-06-01T15:00:00.000Z\", \"rrule\": null, \"version\": 1}",
                                  "Europe/Berlin", false);
    EXPECT_CONTAINS(task, "BEGIN:VEVENT\r\n");
    EXPECT(strstr(task, "VTODO") == NULL);
    EXPECT_CONTAINS(task, "UID:tasks-9@crm.invalid\r\n");
    EXPECT_CONTAINS(task, "SUMMARY:Task: Send offer\r\n");
    EXPECT_CONTAINS(task, "DTSTART:20260601T150000Z\r\n");
    EXPECT_CONTAINS(task, "DURATION:PT15M\r\n");
    EXPECT_CONTAINS(task, "TRANSP:TRANSPARENT\r\n");
    EXPECT_CONTAINS(task, "CATEGORIES:Task\r\n");
    arena_free(arena);
}

TEST(ical_export_writes_a_task_series_from_its_first_due_time_in_the_owners_zone)
{
    struct arena *arena = arena_new();
    const char *task = export_one(arena, "tasks",
                                  "{\"id\": 12, \"series_id\": 10, \"title\": \"Report\", "
                                  "\"due_at\": \"2026-06-15T07:00:00.000Z\", "
                                  "\"recurrence_start\": \"2026-06-01T07:00:00.000Z\", "
                                  "\"rrule\": \"FREQ=WEEKLY\", \"version\": 1}",
                                  "Europe/Berlin", true);
    EXPECT_CONTAINS(task, "UID:tasks-series-10@crm.invalid\r\n");
    EXPECT_CONTAINS(task, "DTSTART;TZID=Europe/Berlin:20260601T090000\r\n");
    EXPECT_CONTAINS(task, "RRULE:FREQ=WEEKLY\r\n");
    arena_free(arena);
}

TEST(ical_export_refuses_a_task_without_a_due_time)
{
    struct arena *arena = arena_new();
    json_t *record = json_pack("{s:i,s:s}", "id", 1, "title", "Someday");
    struct ical_source src = {"tasks", record, NULL, false};
    struct err err;
    char *text = NULL;
    size_t len = 0;
    err_clear(&err);
    EXPECT_INT_EQ(ical_export(arena, &src, 1, NULL, &text, &len, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(err.fields[0].field, "due_at");
    json_decref(record);
    arena_free(arena);
}

/* ---- import: refusals ---- */

static void expect_refused(const char *text, int code, const char *detail)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    EXPECT_INT_EQ(parse(arena, text, &im, &err), -code);
    EXPECT_CONTAINS(err.detail, detail);
    arena_free(arena);
}

TEST(ical_import_refuses_text_that_is_not_a_calendar)
{
    expect_refused("", ERR_BAD_REQUEST, "no VCALENDAR");
    expect_refused("\r\n\r\n", ERR_BAD_REQUEST, "no VCALENDAR");
    expect_refused("hello world\n", ERR_BAD_REQUEST, "line 1: expected a line like NAME:value");
    expect_refused("BEGIN:VCARD\r\nEND:VCARD\r\n", ERR_BAD_REQUEST,
                   "line 1: expected BEGIN:VCALENDAR");
    expect_refused("VERSION:2.0\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", ERR_BAD_REQUEST,
                   "line 1: no VCALENDAR");
}

TEST(ical_import_refuses_broken_lines_with_their_line_number)
{
    expect_refused("BEGIN:VCALENDAR\r\nCOMMENT:x\r\n\r\nEND:VCALENDAR\r\n", ERR_BAD_REQUEST,
                   "line 3: an empty line inside the calendar");
    expect_refused(" BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", ERR_BAD_REQUEST,
                   "line 1: a folded line");
    expect_refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe/Berlin\r\n"
                   "END:VEVENT\r\nEND:VCALENDAR\r\n",
                   ERR_BAD_REQUEST, "line 3: expected ':'");
    expect_refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nATTENDEE;CN=\"Open:mailto:a@b\r\n"
                   "END:VEVENT\r\nEND:VCALENDAR\r\n",
                   ERR_BAD_REQUEST, "line 3: a quoted parameter is not closed");
    expect_refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:a\x01z\r\nEND:VEVENT\r\n"
                   "END:VCALENDAR\r\n",
                   ERR_BAD_REQUEST, "line 3: a control character");
    expect_refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:caf\xe9\r\nEND:VEVENT\r\n"
                   "END:VCALENDAR\r\n",
                   ERR_BAD_REQUEST, "line 3: not UTF-8");
}

TEST(ical_import_refuses_components_that_do_not_nest)
{
    expect_refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
                   ERR_BAD_REQUEST, "line 3: END:VTODO does not close BEGIN:VEVENT of line 2");
    expect_refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101T100000Z\r\n",
                   ERR_BAD_REQUEST, "BEGIN:VEVENT of line 2 is never closed");
    expect_refused("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nSUMMARY:stray\r\n", ERR_BAD_REQUEST,
                   "line 3: text after END:VCALENDAR");
    expect_refused("END:VCALENDAR\r\n", ERR_BAD_REQUEST, "line 1: END:VCALENDAR without its BEGIN");
}

TEST(ical_import_refuses_an_event_without_dtstart_naming_its_line)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    const char *text = calendar(arena, "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\n"
                                       "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nSUMMARY:x\r\n"
                                       "END:VEVENT\r\n");
    EXPECT_INT_EQ(parse(arena, text, &im, &err), -ERR_VALIDATION);
    EXPECT_CONTAINS(err.detail, "line 8: a VEVENT without DTSTART (UID b)");
    EXPECT_STR_EQ(err.fields[0].field, "body");
    text = calendar(arena, "BEGIN:VEVENT\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\n");
    EXPECT_INT_EQ(parse(arena, text, &im, &err), -ERR_VALIDATION);
    EXPECT_CONTAINS(err.detail, "line 4: the event's DTSTART cannot be read");
    arena_free(arena);
}

TEST(ical_import_refuses_more_than_the_caps)
{
    struct arena *arena = arena_new();
    struct buf text;
    struct ical_import im;
    struct err err;
    buf_init(&text, (size_t)8 << 20);
    EXPECT_INT_EQ(buf_append_str(&text, "BEGIN:VCALENDAR\r\n"), 0);
    for (int i = 0; i <= ICAL_MAX_EVENTS; i++)
        EXPECT_INT_EQ(buf_printf(&text,
                                 "BEGIN:VEVENT\r\nUID:%d\r\nDTSTART:20260101T100000Z\r\n"
                                 "END:VEVENT\r\n",
                                 i),
                      0);
    EXPECT_INT_EQ(buf_append_str(&text, "END:VCALENDAR\r\n"), 0);
    EXPECT_INT_EQ(parse(arena, buf_cstr(&text), &im, &err), -ERR_TOO_LARGE);
    EXPECT_CONTAINS(err.detail, "more than 5000 events");
    err_clear(&err);
    EXPECT_INT_EQ(ical_import_parse(arena, buf_cstr(&text), ICAL_MAX_BYTES + 1, "UTC", &im, &err),
                  -ERR_TOO_LARGE);
    buf_release(&text);
    arena_free(arena);
}

/* ---- import: events ---- */

TEST(ical_import_leaves_out_a_secondly_rule_with_a_warning_and_keeps_the_rest)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    const char *text = calendar(arena, "BEGIN:VEVENT\r\nUID:fast\r\nDTSTART:20260101T100000Z\r\n"
                                       "RRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n"
                                       "BEGIN:VEVENT\r\nUID:ok\r\nDTSTART:20260101T100000Z\r\n"
                                       "RRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\n");
    EXPECT_INT_EQ(parse(arena, text, &im, &err), 0);
    EXPECT_INT_EQ(im.n_events, 1);
    EXPECT_STR_EQ(im.events[0].uid, "ok");
    EXPECT_INT_EQ(im.n_warnings, 1);
    EXPECT_INT_EQ(im.warnings[0].line, 4);
    EXPECT_STR_EQ(im.warnings[0].uid, "fast");
    EXPECT_CONTAINS(im.warnings[0].message, "FREQ=SECONDLY is not supported");
    arena_free(arena);
}

TEST(ical_import_reads_floating_times_in_the_users_zone_and_zone_names_with_prefixes)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    const char *text = calendar(
        arena, "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260701T090000\r\nEND:VEVENT\r\n"
               "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;TZID=/mozilla.org/20050126_1/America/New_York:"
               "20260701T090000\r\nDTEND;TZID=/mozilla.org/20050126_1/America/New_York:"
               "20260701T093000\r\nEND:VEVENT\r\n"
               "BEGIN:VEVENT\r\nUID:c\r\nDTSTART;TZID=Moon/Base:20260701T090000\r\nEND:VEVENT\r\n");
    EXPECT_INT_EQ(parse(arena, text, &im, &err), 0);
    EXPECT_INT_EQ(im.n_events, 3);
    EXPECT_STR_EQ(iso(im.events[0].start_ms), "2026-07-01T07:00:00.000Z");
    EXPECT_STR_EQ(im.events[0].time_zone, "Europe/Berlin");
    EXPECT_STR_EQ(iso(im.events[1].start_ms), "2026-07-01T13:00:00.000Z");
    EXPECT_STR_EQ(iso(im.events[1].end_ms), "2026-07-01T13:30:00.000Z");
    EXPECT_STR_EQ(im.events[1].time_zone, "America/New_York");
    EXPECT_STR_EQ(iso(im.events[2].start_ms), "2026-07-01T07:00:00.000Z");
    EXPECT(has_warning(&im, "unknown time zone \"Moon/Base\""));
    arena_free(arena);
}

TEST(ical_import_reads_a_zone_the_file_defines_under_its_own_name)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    const char *text = calendar(arena, "BEGIN:VTIMEZONE\r\nTZID:Head Office\r\n"
                                       "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
                                       "TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\n"
                                       "END:VTIMEZONE\r\nBEGIN:VEVENT\r\n"
                                       "DTSTART;TZID=Head Office:20260512T143000\r\n"
                                       "END:VEVENT\r\n");
    EXPECT_INT_EQ(parse(arena, text, &im, &err), 0);
    EXPECT_INT_EQ(im.n_events, 1);
    EXPECT_STR_EQ(iso(im.events[0].start_ms), "2026-05-12T09:00:00.000Z");
    EXPECT(im.events[0].uid == NULL);
    EXPECT(im.events[0].time_zone == NULL);
    EXPECT_INT_EQ(im.n_warnings, 0);
    arena_free(arena);
}

TEST(ical_import_keeps_exdates_and_reads_a_date_exdate_at_the_events_time_of_day)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    const char *text = calendar(arena, "BEGIN:VEVENT\r\nUID:ex@test\r\nDTSTART;TZID=Europe/Berlin:"
                                       "20260323T090000\r\nRRULE:FREQ=WEEKLY;COUNT=5\r\n"
                                       "EXDATE;VALUE=DATE:20260330\r\n"
                                       "EXDATE:20260406T070000Z,20260413T070000Z\r\n"
                                       "END:VEVENT\r\n");
    EXPECT_INT_EQ(parse(arena, text, &im, &err), 0);
    const struct ical_event *ev = &im.events[0];
    EXPECT_STR_EQ(ev->rrule, "FREQ=WEEKLY;COUNT=5");
    EXPECT_INT_EQ(ev->n_exdates, 3);
    EXPECT_STR_EQ(iso(ev->exdates[0]), "2026-03-30T07:00:00.000Z"); /* 09:00 summer time */
    EXPECT_STR_EQ(iso(ev->exdates[1]), "2026-04-06T07:00:00.000Z");
    EXPECT_STR_EQ(iso(ev->exdates[2]), "2026-04-13T07:00:00.000Z");
    arena_free(arena);
}

TEST(ical_import_makes_changed_occurrences_and_rdates_events_of_their_own)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    /* The changed occurrence comes first; the cancelled one only leaves the series. */
    const char *text = calendar(
        arena, "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20260302T100000Z\r\n"
               "DTSTART:20260302T150000Z\r\nSUMMARY:moved\r\nEND:VEVENT\r\n"
               "BEGIN:VEVENT\r\nUID:s\r\nSUMMARY:weekly\r\nDTSTART:20260223T100000Z\r\n"
               "DURATION:PT1H\r\nRRULE:FREQ=WEEKLY\r\nRDATE:20260304T100000Z\r\nEND:VEVENT\r\n"
               "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20260309T100000Z\r\n"
               "DTSTART:20260309T100000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n");
    EXPECT_INT_EQ(parse(arena, text, &im, &err), 0);
    EXPECT_INT_EQ(im.n_events, 3);
    EXPECT_STR_EQ(im.events[0].uid, "s#20260302T100000Z");
    EXPECT_STR_EQ(im.events[0].summary, "moved");
    EXPECT(im.events[0].rrule == NULL);
    EXPECT_STR_EQ(im.events[1].uid, "s");
    EXPECT_INT_EQ(im.events[1].n_exdates, 2);
    EXPECT_STR_EQ(iso(im.events[1].exdates[0]), "2026-03-02T10:00:00.000Z");
    EXPECT_STR_EQ(iso(im.events[1].exdates[1]), "2026-03-09T10:00:00.000Z");
    EXPECT_STR_EQ(im.events[2].uid, "s#20260304T100000Z");
    EXPECT_STR_EQ(im.events[2].summary, "weekly");
    EXPECT_STR_EQ(iso(im.events[2].end_ms), "2026-03-04T11:00:00.000Z");
    arena_free(arena);
}

TEST(ical_import_keeps_the_later_of_two_events_with_one_uid)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    const char *text = calendar(arena, "BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:old\r\n"
                                       "DTSTART:20260101T100000Z\r\nEND:VEVENT\r\n"
                                       "BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:new\r\n"
                                       "DTSTART:20260102T100000Z\r\nEND:VEVENT\r\n");
    EXPECT_INT_EQ(parse(arena, text, &im, &err), 0);
    EXPECT_INT_EQ(im.n_events, 1);
    EXPECT_STR_EQ(im.events[0].summary, "new");
    EXPECT(has_warning(&im, "also used by the event of line 4"));
    arena_free(arena);
}

TEST(ical_import_leaves_out_cancelled_and_backwards_events_and_to_dos)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    const char *text = calendar(arena, "BEGIN:VEVENT\r\nUID:c\r\nSTATUS:CANCELLED\r\n"
                                       "DTSTART:20260101T100000Z\r\nEND:VEVENT\r\n"
                                       "BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20260101T100000Z\r\n"
                                       "DTEND:20260101T090000Z\r\nEND:VEVENT\r\n"
                                       "BEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\n");
    EXPECT_INT_EQ(parse(arena, text, &im, &err), 0);
    EXPECT_INT_EQ(im.n_events, 0);
    EXPECT(has_warning(&im, "cancelled"));
    EXPECT(has_warning(&im, "ends before it starts"));
    EXPECT(has_warning(&im, "1 to-dos or journal entries were not imported"));
    arena_free(arena);
}

TEST(ical_import_reads_lf_lines_lower_case_folding_inside_a_character_a_bom_and_calendars)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    const char *text = "\xEF\xBB\xBF"
                       "begin:vcalendar\nbegin:vevent\nuid:one\n"
                       "dtstart:20260101T100000Z\nsummary:a long title that is fol\n"
                       " ded here \xc3\n \xa9\nATTENDEE;CN=\"Doe, J\n ane\":mailto:j@example.com\n"
                       "end:vevent\nend:vcalendar\n"
                       "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:two\r\n"
                       "DTSTART;VALUE=DATE:20260105\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n\r\n";
    EXPECT_INT_EQ(parse(arena, text, &im, &err), 0);
    EXPECT_INT_EQ(im.n_events, 2);
    EXPECT_STR_EQ(im.events[0].summary, "a long title that is folded here \xc3\xa9");
    EXPECT_STR_EQ(im.events[1].uid, "two");
    EXPECT_INT_EQ(im.events[1].line, 13);
    EXPECT(im.events[1].all_day);
    EXPECT_STR_EQ(iso(im.events[1].end_ms), "2026-01-06T00:00:00.000Z");
    arena_free(arena);
}

TEST(ical_import_cuts_long_text_and_drops_control_characters)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    struct buf text;
    buf_init(&text, (size_t)1 << 20);
    EXPECT_INT_EQ(buf_append_str(&text, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:l\r\n"
                                        "DTSTART:20260101T100000Z\r\nSUMMARY:"),
                  0);
    for (int i = 0; i < 400; i++)
        EXPECT_INT_EQ(buf_append_str(&text, "\xc3\xa9"), 0);
    EXPECT_INT_EQ(buf_append_str(&text, "\r\nLOCATION:Room\\n 5\\tB\r\nEND:VEVENT\r\n"
                                        "END:VCALENDAR\r\n"),
                  0);
    EXPECT_INT_EQ(parse(arena, buf_cstr(&text), &im, &err), 0);
    EXPECT_INT_EQ(strlen(im.events[0].summary), 2 * ICAL_SUMMARY_MAX_CHARS);
    EXPECT(has_warning(&im, "SUMMARY was cut to 300 characters"));
    EXPECT_STR_EQ(im.events[0].location, "Room  5 B"); /* a tab is a space */
    buf_release(&text);
    arena_free(arena);
}
