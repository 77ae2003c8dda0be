/*
 * Fuzz target for the iCalendar reader and writer (src/domain/ical.c) and
 * the recurrence rules it passes on (src/domain/recurrence.c). The input is
 * an .ics text read with Europe/Berlin as the importing user's zone. It is
 * refused with 400, 413 or 422, or gives at most ICAL_MAX_EVENTS events
 * whose ends are not before their starts, whose text is UTF-8 within the
 * caps and without control characters, and whose rules pass
 * recurrence_check and expand. The events are then written back as a
 * calendar, which must read again as as many events at the same instants
 * (within the hour a recurring one's local time may be shown twice).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/utf8.h"
#include "domain/ical.h"
#include "domain/recurrence.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define FUZZ_ZONE "Europe/Berlin"
#define FUZZ_EXPANDED_EVENTS 8
#define MS_PER_DAY INT64_C(86400000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_text(const char *s, size_t max_chars, bool multiline)
{
    if (s == NULL)
        return;
    size_t len = strlen(s);
    FUZZ_CHECK(len > 0 && utf8_valid(s, len));
    FUZZ_CHECK(utf8_count(s, len) <= max_chars);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        FUZZ_CHECK(c >= 0x20 || (multiline && c == '\n'));
        FUZZ_CHECK(c != 0x7f);
    }
}

static void fuzz_check_event(const struct ical_event *ev, size_t index)
{
    struct err err;
    FUZZ_CHECK(ev->end_ms >= ev->start_ms);
    FUZZ_CHECK(ev->n_exdates <= ICAL_MAX_EXDATES);
    FUZZ_CHECK(ev->line >= 1);
    fuzz_check_text(ev->summary, ICAL_SUMMARY_MAX_CHARS, false);
    fuzz_check_text(ev->location, ICAL_LOCATION_MAX_CHARS, false);
    fuzz_check_text(ev->description, ICAL_DESCRIPTION_MAX_CHARS, true);
    if (ev->uid != NULL)
        FUZZ_CHECK(strlen(ev->uid) <= ICAL_UID_MAX_BYTES + 1 + 16);
    if (ev->all_day)
        FUZZ_CHECK(ev->start_ms % MS_PER_DAY == 0);
    if (ev->rrule == NULL)
        return;
    err_clear(&err);
    FUZZ_CHECK(recurrence_check(ev->rrule, &err) == 0);
    if (index >= FUZZ_EXPANDED_EVENTS)
        return;
    int64_t out[50];
    size_t n = 0;
    const char *zone = ev->all_day || ev->time_zone == NULL ? "UTC" : ev->time_zone;
    int rc = recurrence_between(ev->rrule, ev->start_ms, zone, ev->exdates, ev->n_exdates,
                                ev->start_ms, ev->start_ms + 400 * MS_PER_DAY, out, 50, &n, &err);
    FUZZ_CHECK(rc == 0 && n <= 50);
    for (size_t i = 1; i < n; i++)
        FUZZ_CHECK(out[i] > out[i - 1]);
}

/* The event as the activity the import would make of it. */
static json_t *fuzz_activity(const struct ical_event *ev, size_t id)
{
    char at[CLOCK_DATETIME_LEN + 1], end[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(ev->start_ms, at);
    clock_format_datetime(ev->end_ms, end);
    json_t *exdates = json_array();
    for (size_t i = 0; i < ev->n_exdates; i++) {
        char ex[CLOCK_DATETIME_LEN + 1];
        clock_format_datetime(ev->exdates[i], ex);
        json_array_append_new(exdates, json_string(ex));
    }
    return json_pack("{s:I,s:s,s:s?,s:s?,s:s?,s:s,s:s,s:b,s:s?,s:o,s:s?,s:i}", "id", (json_int_t)id,
                     "type", "meeting", "subject", ev->summary, "body", ev->description, "place",
                     ev->location, "at", at, "end_at", end, "all_day", ev->all_day, "rrule",
                     ev->rrule, "exdates", exdates, "time_zone", ev->time_zone, "version", 1);
}

/* Writes the events as a calendar and reads it again. */
static void fuzz_round_trip(struct arena *arena, const struct ical_import *im)
{
    struct ical_source *sources = arena_alloc_array(arena, im->n_events + 1, sizeof(*sources));
    for (size_t i = 0; i < im->n_events; i++) {
        sources[i] = (struct ical_source){"activities", fuzz_activity(&im->events[i], i + 1),
                                          FUZZ_ZONE, false};
        FUZZ_CHECK(sources[i].record != NULL);
    }
    struct err err;
    char *text = NULL;
    size_t len = 0;
    err_clear(&err);
    FUZZ_CHECK(ical_export(arena, sources, im->n_events, "fuzz", &text, &len, &err) == 0);
    struct ical_import again;
    err_clear(&err);
    int rc = ical_import_parse(arena, text, len, FUZZ_ZONE, &again, &err);
    if (rc != 0)
        fprintf(stderr, "re-import failed: %s\n%s\n", err.detail, text);
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(again.n_events == im->n_events);
    for (size_t i = 0; i < im->n_events; i++) {
        const struct ical_event *a = &im->events[i], *b = &again.events[i];
        int64_t shift = b->start_ms - a->start_ms;
        FUZZ_CHECK(a->all_day == b->all_day);
        FUZZ_CHECK(shift == 0 || (a->rrule != NULL && shift >= -7200000 && shift <= 7200000));
        FUZZ_CHECK((a->rrule == NULL) == (b->rrule == NULL));
        json_decref((json_t *)sources[i].record);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *arena = arena_new();
    struct ical_import im;
    struct err err;
    err_clear(&err);
    int rc = ical_import_parse(arena, (const char *)data, size, FUZZ_ZONE, &im, &err);
    if (rc < 0) {
        FUZZ_CHECK(rc == -ERR_BAD_REQUEST || rc == -ERR_VALIDATION || rc == -ERR_TOO_LARGE);
        FUZZ_CHECK(err.detail[0] != '\0');
    } else {
        FUZZ_CHECK(im.n_events <= ICAL_MAX_EVENTS);
        FUZZ_CHECK(im.n_warnings <= ICAL_MAX_WARNINGS + 1);
        for (size_t i = 0; i < im.n_events; i++)
            fuzz_check_event(&im.events[i], i);
        fuzz_round_trip(arena, &im);
    }
    arena_free(arena);
    return 0;
}
