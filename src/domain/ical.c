/*
 * iCalendar export and import on libical.
 *
 * Export builds the VCALENDAR with libical's component API and has libical
 * serialise it (escaping, folding, CRLF).
 *
 * DESIGN (import): libical's parser never fails — it drops what it cannot
 * read and leaves X-LIC-ERROR properties behind — and knows no line
 * numbers. So the text is first scanned line by line here (unfolding,
 * NAME;PARAM=...:value shape, BEGIN/END nesting, where each VEVENT starts,
 * the caps), and only then is each VCALENDAR handed to libical. Its
 * X-LIC-ERRORs are then read per event: one about DTSTART refuses the file,
 * one about DTEND, DURATION, RRULE or RECURRENCE-ID leaves the event out,
 * one about EXDATE or RDATE drops that value; the others (an empty
 * DESCRIPTION) do not matter. Events are read in two passes: the series
 * and single events, then the changed occurrences (RECURRENCE-ID), which
 * may come before their series in the file.
 */
#include "domain/ical.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libical/ical.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/utf8.h"
#include "domain/recurrence.h"
#include "domain/zone.h"

#define MS_PER_SECOND INT64_C(1000)
#define MS_PER_DAY INT64_C(86400000)
#define SCAN_MAX_DEPTH 8
/* libical writes years up to 3000; a day is left for local times ahead of UTC. */
#define ICAL_MIN_MS (INT64_C(-62135596800000) + MS_PER_DAY) /* 0001-01-02 */
#define ICAL_MAX_MS INT64_C(32503593600000)                 /* 2999-12-31 */

/* Seconds since the epoch of ms, rounded down. */
static int64_t floor_seconds(int64_t ms)
{
    int64_t s = ms / MS_PER_SECOND;
    return ms % MS_PER_SECOND < 0 ? s - 1 : s;
}

static int64_t floor_days(int64_t ms)
{
    return clock_day_of_ms(ms);
}

/* ======================================================================== */
/* Export                                                                   */
/* ======================================================================== */

/* How an event's times are written: whole days, UTC, or wall-clock time in a zone. */
struct export_form {
    bool all_day;
    const char *zone; /* NULL: UTC */
};

struct export_writer {
    struct arena *arena;
    icalcomponent *holder; /* the events, until the zones they use are known */
    const char **zones;
    size_t n_zones;
    size_t cap_zones;
};

static struct icaltimetype export_utc(int64_t ms)
{
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    struct icaltimetype t = icaltime_from_timet_with_zone((time_t)floor_seconds(ms), 0, utc);
    t.zone = utc;
    return t;
}

static struct icaltimetype export_time(const struct export_form *form, int64_t ms)
{
    if (form->all_day) {
        int year;
        unsigned month, day;
        clock_civil_from_days(floor_days(ms), &year, &month, &day);
        struct icaltimetype d = icaltime_null_date();
        d.year = year;
        d.month = (int)month;
        d.day = (int)day;
        d.is_date = 1;
        return d;
    }
    struct zone_time local;
    struct err ignored;
    err_clear(&ignored);
    if (form->zone == NULL || zone_to_local(form->zone, ms, &local, &ignored) < 0)
        return export_utc(ms);
    struct icaltimetype t = icaltime_null_time();
    t.year = local.year;
    t.month = local.month;
    t.day = local.day;
    t.hour = local.hour;
    t.minute = local.minute;
    t.second = local.second;
    return t;
}

/* A time property in the event's form: TZID for local times (and the zone noted). */
static icalproperty *export_time_property(struct export_writer *w, icalproperty *p,
                                          const struct export_form *form)
{
    if (form->all_day || form->zone == NULL)
        return p;
    icalproperty_add_parameter(p, icalparameter_new_tzid(form->zone));
    for (size_t i = 0; i < w->n_zones; i++) {
        if (strcmp(w->zones[i], form->zone) == 0)
            return p;
    }
    if (w->n_zones == w->cap_zones) {
        size_t grown = w->cap_zones != 0 ? w->cap_zones * 2 : 4;
        w->zones = arena_grow(w->arena, w->zones, w->cap_zones * sizeof(*w->zones),
                              grown * sizeof(*w->zones));
        w->cap_zones = grown;
    }
    w->zones[w->n_zones++] = form->zone;
    return p;
}

static const char *text_of(const json_t *record, const char *key)
{
    const char *s = json_string_value(json_object_get(record, key));
    return s != NULL && *s != '\0' ? s : NULL;
}

static bool in_range(int64_t ms)
{
    return ms >= ICAL_MIN_MS && ms < ICAL_MAX_MS;
}

/* A datetime field as milliseconds; false when absent, not one, or out of libical's years. */
static bool time_of(const json_t *record, const char *key, int64_t *ms)
{
    const char *s = text_of(record, key);
    return s != NULL && clock_parse_datetime(s, strlen(s), ms) == 0 && in_range(*ms);
}

/* UID, stamps, sequence, title, text and category: what every event carries. */
static void export_common(icalcomponent *ev, const char *uid, const json_t *record,
                          const char *summary, const char *description, const char *location,
                          const char *category, bool busy)
{
    int64_t created = 0, updated = 0;
    icalcomponent_add_property(ev, icalproperty_new_uid(uid));
    if (!time_of(record, "updated_at", &updated))
        updated = 0;
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(export_utc(updated)));
    if (time_of(record, "created_at", &created))
        icalcomponent_add_property(ev, icalproperty_new_created(export_utc(created)));
    icalcomponent_add_property(ev, icalproperty_new_lastmodified(export_utc(updated)));
    json_int_t version = json_integer_value(json_object_get(record, "version"));
    icalcomponent_add_property(ev, icalproperty_new_sequence(version > 1 ? (int)(version - 1) : 0));
    icalcomponent_add_property(ev, icalproperty_new_summary(summary));
    if (description != NULL)
        icalcomponent_add_property(ev, icalproperty_new_description(description));
    if (location != NULL)
        icalcomponent_add_property(ev, icalproperty_new_location(location));
    icalcomponent_add_property(ev, icalproperty_new_categories(category));
    icalcomponent_add_property(
        ev, icalproperty_new_transp(busy ? ICAL_TRANSP_OPAQUE : ICAL_TRANSP_TRANSPARENT));
}

/* The rule, when the server can expand it; an unreadable one is left out (the first time stays). */
static void export_rule(icalcomponent *ev, const char *rrule)
{
    struct err ignored;
    err_clear(&ignored);
    if (rrule == NULL || recurrence_check(rrule, &ignored) < 0)
        return;
    icalerror_clear_errno();
    struct icalrecurrencetype rule = icalrecurrencetype_from_string(rrule);
    if (icalerrno == ICAL_NO_ERROR && rule.freq != ICAL_NO_RECURRENCE)
        icalcomponent_add_property(ev, icalproperty_new_rrule(rule));
    icalerror_clear_errno();
}

/* The zone a recurring record is written in: its own, else the given one; NULL for UTC. */
static const char *export_zone(const char *own, const char *fallback)
{
    const char *zone = own != NULL && zone_valid(own) ? own : fallback;
    if (zone == NULL || !zone_valid(zone) || strcmp(zone, "UTC") == 0)
        return NULL;
    return zone;
}

static const char *activity_default_title(const char *type)
{
    static const char *const titles[][2] = {
        {"call", "Call"},   {"meeting", "Meeting"}, {"email", "E-mail"}, {"note", "Note"},
        {"claim", "Claim"}, {"order", "Order"},     {"sms", "SMS"},      {"chat", "Chat"},
    };
    for (size_t i = 0; type != NULL && i < sizeof(titles) / sizeof(titles[0]); i++) {
        if (strcmp(titles[i][0], type) == 0)
            return titles[i][1];
    }
    return "Activity";
}

static int export_activity(struct export_writer *w, const struct ical_source *src,
                           icalcomponent *ev, struct err *err)
{
    const json_t *r = src->record;
    int64_t at, end;
    if (!time_of(r, "at", &at)) {
        err_set(err, ERR_VALIDATION, "the activity has no time a calendar can show");
        return err_field(err, "at", "must be a time between the years 1 and 2999");
    }
    const char *rrule = text_of(r, "rrule");
    const char *type = text_of(r, "type");
    struct export_form form = {
        .all_day = json_is_true(json_object_get(r, "all_day")),
        .zone = rrule != NULL ? export_zone(text_of(r, "time_zone"), src->zone) : NULL,
    };
    char *uid =
        arena_printf(w->arena, "activities-%lld@%s",
                     (long long)json_integer_value(json_object_get(r, "id")), ICAL_UID_HOST);
    const char *subject = text_of(r, "subject");
    bool busy = type != NULL && (strcmp(type, "meeting") == 0 || strcmp(type, "call") == 0);
    export_common(ev, uid, r, subject != NULL ? subject : activity_default_title(type),
                  text_of(r, "body"), text_of(r, "place"), activity_default_title(type), busy);
    icalcomponent_add_property(
        ev, export_time_property(w, icalproperty_new_dtstart(export_time(&form, at)), &form));
    const json_t *duration = json_object_get(r, "duration_s");
    if (time_of(r, "end_at", &end)) {
        if (form.all_day && floor_days(end) <= floor_days(at))
            end = (floor_days(at) + 1) * MS_PER_DAY;
        icalcomponent_add_property(
            ev, export_time_property(w, icalproperty_new_dtend(export_time(&form, end)), &form));
    } else if (json_is_integer(duration) && json_integer_value(duration) >= 0) {
        icalcomponent_add_property(ev, icalproperty_new_duration(icaldurationtype_from_int(
                                           (int)json_integer_value(duration))));
    } else if (form.all_day) {
        int64_t next = (floor_days(at) + 1) * MS_PER_DAY;
        icalcomponent_add_property(ev, icalproperty_new_dtend(export_time(&form, next)));
    }
    export_rule(ev, rrule);
    size_t i;
    const json_t *item;
    json_array_foreach(json_object_get(r, "exdates"), i, item)
    {
        int64_t ms;
        const char *s = json_string_value(item);
        if (rrule == NULL || s == NULL || clock_parse_datetime(s, strlen(s), &ms) < 0 ||
            !in_range(ms))
            continue;
        icalcomponent_add_property(
            ev, export_time_property(w, icalproperty_new_exdate(export_time(&form, ms)), &form));
    }
    return 0;
}

static int export_task(struct export_writer *w, const struct ical_source *src, icalcomponent *ev,
                       struct err *err)
{
    const json_t *r = src->record;
    int64_t due;
    const char *rrule = text_of(r, "rrule");
    bool series = src->series && rrule != NULL;
    if (!(series && time_of(r, "recurrence_start", &due)) && !time_of(r, "due_at", &due)) {
        err_set(err, ERR_VALIDATION, "the task has no due time a calendar can show");
        return err_field(err, "due_at", "must be a time between the years 1 and 2999");
    }
    struct export_form form = {.all_day = false,
                               .zone = series ? export_zone(NULL, src->zone) : NULL};
    json_int_t id = json_integer_value(json_object_get(r, series ? "series_id" : "id"));
    if (id <= 0)
        id = json_integer_value(json_object_get(r, "id"));
    char *uid = arena_printf(w->arena, "tasks-%s%lld@%s", series ? "series-" : "", (long long)id,
                             ICAL_UID_HOST);
    const char *title = text_of(r, "title");
    char *summary = arena_printf(w->arena, "Task: %s", title != NULL ? title : "");
    export_common(ev, uid, r, summary, text_of(r, "description"), NULL, "Task", false);
    icalcomponent_add_property(
        ev, export_time_property(w, icalproperty_new_dtstart(export_time(&form, due)), &form));
    icalcomponent_add_property(
        ev, icalproperty_new_duration(icaldurationtype_from_int(ICAL_TASK_MINUTES * 60)));
    if (series)
        export_rule(ev, rrule);
    return 0;
}

/* The VTIMEZONE of libical's zone, under the plain IANA name the events use. */
static icalcomponent *export_vtimezone(const char *zone)
{
    icaltimezone *z = zone_find(zone);
    icalcomponent *builtin = z != NULL ? icaltimezone_get_component(z) : NULL;
    if (builtin == NULL)
        return NULL;
    icalcomponent *vtz = icalcomponent_new_clone(builtin);
    icalproperty *tzid = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
    if (tzid != NULL)
        icalproperty_set_tzid(tzid, zone);
    return vtz;
}

int ical_export(struct arena *arena, const struct ical_source *sources, size_t n_sources,
                const char *name, char **out, size_t *out_len, struct err *err)
{
    struct export_writer w = {.arena = arena};
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    char *text = NULL;
    int rc = 0;
    w.holder = icalcomponent_new(ICAL_XROOT_COMPONENT);
    icalcomponent_add_property(cal, icalproperty_new_prodid(ICAL_PRODID));
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    if (name != NULL) {
        icalproperty *calname = icalproperty_new_x(name);
        icalproperty_set_x_name(calname, "X-WR-CALNAME");
        icalcomponent_add_property(cal, calname);
    }
    for (size_t i = 0; i < n_sources && rc == 0; i++) {
        icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
        icalcomponent_add_component(w.holder, ev);
        rc = strcmp(sources[i].entity, "tasks") == 0 ? export_task(&w, &sources[i], ev, err)
                                                     : export_activity(&w, &sources[i], ev, err);
    }
    if (rc < 0)
        goto out;
    for (size_t i = 0; i < w.n_zones; i++) {
        icalcomponent *vtz = export_vtimezone(w.zones[i]);
        if (vtz != NULL)
            icalcomponent_add_component(cal, vtz);
    }
    icalcomponent *ev;
    while ((ev = icalcomponent_get_first_component(w.holder, ICAL_VEVENT_COMPONENT)) != NULL) {
        icalcomponent_remove_component(w.holder, ev);
        icalcomponent_add_component(cal, ev);
    }
    text = icalcomponent_as_ical_string_r(cal);
    if (text == NULL) {
        rc = err_set(err, ERR_INTERNAL, "the calendar could not be written");
        goto out;
    }
    *out_len = strlen(text);
    *out = arena_memdup(arena, text, *out_len + 1);
out:
    free(text);
    icalcomponent_free(w.holder);
    icalcomponent_free(cal);
    return rc;
}

/* ======================================================================== */
/* Import: the scan                                                         */
/* ======================================================================== */

/* One VCALENDAR of the stream: where it lies in the text. */
struct scan_block {
    size_t offset;
    size_t len;
};

struct scan_frame {
    char name[32];
    size_t line;
};

struct ical_scan {
    struct arena *arena;
    struct err *err;
    struct scan_block *blocks;
    size_t n_blocks, cap_blocks;
    size_t *event_lines; /* the line of each VEVENT of the calendars, in order */
    size_t n_events, cap_events;
    size_t n_other; /* VTODO, VJOURNAL, VFREEBUSY: not imported */
    struct scan_frame stack[SCAN_MAX_DEPTH];
    size_t depth;
    size_t block_offset;
};

__attribute__((format(printf, 4, 5))) static int scan_fail(struct err *err, enum err_code code,
                                                           size_t line, const char *fmt, ...)
{
    char message[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    if (line > 0)
        return err_set(err, code, "line %zu: %s", line, message);
    return err_set(err, code, "%s", message);
}

static bool scan_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static size_t scan_name(const char *s, size_t len, size_t i)
{
    while (i < len && scan_name_char(s[i]))
        i++;
    return i;
}

/* Checks NAME *(;PARAM=value*(,value)) ":" and sets *value to what follows the colon. */
static int scan_shape(const char *s, size_t len, size_t line, size_t *name_len, size_t *value,
                      struct err *err)
{
    size_t i = scan_name(s, len, 0);
    *name_len = i;
    if (i == 0 || (i < len && s[i] != ';' && s[i] != ':'))
        return scan_fail(err, ERR_BAD_REQUEST, line,
                         "expected a line like NAME:value, found \"%.30s\"", s);
    while (i < len && s[i] == ';') {
        size_t start = i + 1;
        i = scan_name(s, len, start);
        if (i == start || i >= len || s[i] != '=')
            return scan_fail(err, ERR_BAD_REQUEST, line,
                             "a parameter must be NAME=value (after \"%.*s\")", (int)*name_len, s);
        do {
            i++;
            if (i < len && s[i] == '"') {
                const char *close = memchr(s + i + 1, '"', len - i - 1);
                if (close == NULL)
                    return scan_fail(err, ERR_BAD_REQUEST, line,
                                     "a quoted parameter is not closed");
                i = (size_t)(close - s) + 1;
            } else {
                while (i < len && s[i] != ';' && s[i] != ':' && s[i] != ',' && s[i] != '"')
                    i++;
            }
        } while (i < len && s[i] == ',');
    }
    if (i >= len || s[i] != ':')
        return scan_fail(err, ERR_BAD_REQUEST, line, "expected ':' after the name of \"%.*s\"",
                         (int)*name_len, s);
    *value = i + 1;
    return 0;
}

static bool scan_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

static void scan_add_line(struct ical_scan *scan, size_t line)
{
    if (scan->n_events == scan->cap_events) {
        size_t grown = scan->cap_events != 0 ? scan->cap_events * 2 : 64;
        scan->event_lines = arena_grow(scan->arena, scan->event_lines,
                                       scan->cap_events * sizeof(size_t), grown * sizeof(size_t));
        scan->cap_events = grown;
    }
    scan->event_lines[scan->n_events++] = line;
}

static void scan_add_block(struct ical_scan *scan, size_t offset, size_t len)
{
    if (scan->n_blocks == scan->cap_blocks) {
        size_t grown = scan->cap_blocks != 0 ? scan->cap_blocks * 2 : 4;
        scan->blocks =
            arena_grow(scan->arena, scan->blocks, scan->cap_blocks * sizeof(*scan->blocks),
                       grown * sizeof(*scan->blocks));
        scan->cap_blocks = grown;
    }
    scan->blocks[scan->n_blocks++] = (struct scan_block){offset, len};
}

/* BEGIN:name: opens a component (a VCALENDAR at the top, nothing else). */
static int scan_begin(struct ical_scan *scan, const char *name, size_t name_len, size_t line,
                      size_t offset)
{
    if (name_len == 0 || scan_name(name, name_len, 0) != name_len || name_len >= 32)
        return scan_fail(scan->err, ERR_BAD_REQUEST, line, "BEGIN needs a component name");
    if (scan->depth == 0 && !scan_is(name, name_len, "VCALENDAR"))
        return scan_fail(scan->err, ERR_BAD_REQUEST, line,
                         "expected BEGIN:VCALENDAR, found BEGIN:%.*s", (int)name_len, name);
    if (scan->depth == SCAN_MAX_DEPTH)
        return scan_fail(scan->err, ERR_BAD_REQUEST, line, "components nested too deeply");
    if (scan->depth == 0)
        scan->block_offset = offset;
    if (scan->depth == 1 && scan_is(name, name_len, "VEVENT")) {
        if (scan->n_events == ICAL_MAX_EVENTS)
            return scan_fail(scan->err, ERR_TOO_LARGE, line, "more than %d events; split the file",
                             ICAL_MAX_EVENTS);
        scan_add_line(scan, line);
    } else if (scan->depth == 1 &&
               (scan_is(name, name_len, "VTODO") || scan_is(name, name_len, "VJOURNAL") ||
                scan_is(name, name_len, "VFREEBUSY"))) {
        scan->n_other++;
    }
    struct scan_frame *f = &scan->stack[scan->depth++];
    snprintf(f->name, sizeof(f->name), "%.*s", (int)name_len, name);
    f->line = line;
    return 0;
}

/* END:name: closes the innermost component, which must have that name. */
static int scan_end(struct ical_scan *scan, const char *name, size_t name_len, size_t line,
                    size_t end_offset)
{
    if (scan->depth == 0)
        return scan_fail(scan->err, ERR_BAD_REQUEST, line, "END:%.*s without its BEGIN",
                         (int)(name_len < 32 ? name_len : 32), name);
    struct scan_frame *f = &scan->stack[scan->depth - 1];
    if (!scan_is(name, name_len, f->name))
        return scan_fail(scan->err, ERR_BAD_REQUEST, line,
                         "END:%.*s does not close BEGIN:%s of line %zu",
                         (int)(name_len < 32 ? name_len : 32), name, f->name, f->line);
    scan->depth--;
    if (scan->depth == 0)
        scan_add_block(scan, scan->block_offset, end_offset - scan->block_offset);
    return 0;
}

/* One unfolded line, which started at offset and ends before end_offset. */
static int scan_logical(struct ical_scan *scan, const char *s, size_t len, size_t line,
                        size_t offset, size_t end_offset)
{
    size_t name_len = 0, value = 0;
    /* Checked unfolded: a careless writer may fold inside a character. */
    if (!utf8_valid(s, len))
        return scan_fail(scan->err, ERR_BAD_REQUEST, line, "not UTF-8 text");
    int rc = scan_shape(s, len, line, &name_len, &value, scan->err);
    if (rc < 0)
        return rc;
    if (scan_is(s, name_len, "BEGIN"))
        return scan_begin(scan, s + value, len - value, line, offset);
    if (scan_is(s, name_len, "END"))
        return scan_end(scan, s + value, len - value, line, end_offset);
    if (scan->depth == 0)
        return scan_fail(scan->err, ERR_BAD_REQUEST, line,
                         scan->n_blocks == 0 ? "no VCALENDAR: the file must start with "
                                               "BEGIN:VCALENDAR"
                                             : "text after END:VCALENDAR");
    return 0;
}

static bool scan_has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return true;
    }
    return false;
}

/* Scans the whole text: every line's shape, the nesting, the calendars and their events. */
static int scan_text(struct ical_scan *scan, const char *text, size_t len)
{
    struct buf logical;
    size_t pos = 0, line = 0, logical_line = 0, logical_offset = 0, blank = 0;
    bool have = false;
    int rc = 0;
    buf_init(&logical, ICAL_MAX_BYTES);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a byte order mark */
    while (pos < len && rc == 0) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        size_t next = nl != NULL ? end + 1 : len;
        size_t n = end - pos;
        const char *s = text + pos;
        line++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (n == 0) {
            if (blank == 0)
                blank = line;
            pos = next;
            continue;
        }
        if (blank != 0) {
            rc = scan_fail(scan->err, ERR_BAD_REQUEST, blank, "an empty line inside the calendar");
            break;
        }
        if (scan_has_control(s, n)) {
            rc = scan_fail(scan->err, ERR_BAD_REQUEST, line, "a control character");
            break;
        }
        if (s[0] == ' ' || s[0] == '\t') {
            if (!have) {
                rc = scan_fail(scan->err, ERR_BAD_REQUEST, line,
                               "a folded line (starting with a space) with no line before it");
                break;
            }
            rc = buf_append(&logical, s + 1, n - 1);
        } else {
            if (have)
                rc = scan_logical(scan, buf_cstr(&logical), logical.len, logical_line,
                                  logical_offset, pos);
            buf_reset(&logical);
            if (rc == 0)
                rc = buf_append(&logical, s, n);
            logical_line = line;
            logical_offset = pos;
            have = true;
        }
        pos = next;
    }
    if (rc == 0 && have)
        rc = scan_logical(scan, buf_cstr(&logical), logical.len, logical_line, logical_offset, len);
    if (rc == 0 && scan->depth > 0) {
        struct scan_frame *f = &scan->stack[scan->depth - 1];
        rc = scan_fail(scan->err, ERR_BAD_REQUEST, line, "BEGIN:%s of line %zu is never closed",
                       f->name, f->line);
    }
    if (rc == 0 && scan->n_blocks == 0)
        rc =
            scan_fail(scan->err, ERR_BAD_REQUEST, 0, "no VCALENDAR: this is not an iCalendar file");
    if (rc == -ERR_TOO_LARGE && scan->err->code != ERR_TOO_LARGE)
        rc = err_set(scan->err, ERR_TOO_LARGE, "a line is too long");
    buf_release(&logical);
    return rc;
}

/* ======================================================================== */
/* Import: events                                                           */
/* ======================================================================== */

/* A time read from the file: an instant (or a date) and the IANA zone it was given in. */
struct read_time {
    int64_t ms;
    bool is_date;
    const char *zone; /* NULL: a date, or a zone the file defines under another name */
    struct icaltimetype local;
};

/* One VEVENT as read, before series and their changed occurrences are put together. */
struct raw_event {
    struct ical_event ev;
    bool is_override;
    bool cancelled;
    bool dropped;
    int64_t recurrence_ms;
    int64_t *rdates; /* starts ... */
    int64_t *rdate_ends;
    size_t n_rdates;
};

struct ical_reader {
    struct arena *arena;
    struct err *err;
    const char *default_zone;
    struct ical_import *out;
    size_t cap_events, cap_warnings;
    struct raw_event *raw;
    size_t n_raw, cap_raw;
    icalcomponent *root; /* the VCALENDAR being read */
    size_t line;         /* of the VEVENT being read */
    const char *uid;     /* of the VEVENT being read */
};

__attribute__((format(printf, 2, 3))) static void reader_warn(struct ical_reader *r,
                                                              const char *fmt, ...)
{
    struct ical_import *out = r->out;
    if (out->n_warnings > ICAL_MAX_WARNINGS)
        return;
    if (out->n_warnings == r->cap_warnings) {
        size_t grown = r->cap_warnings != 0 ? r->cap_warnings * 2 : 16;
        out->warnings =
            arena_grow(r->arena, out->warnings, r->cap_warnings * sizeof(*out->warnings),
                       grown * sizeof(*out->warnings));
        r->cap_warnings = grown;
    }
    struct ical_warning *w = &out->warnings[out->n_warnings++];
    if (out->n_warnings > ICAL_MAX_WARNINGS) {
        *w = (struct ical_warning){0, NULL, "more warnings were left out"};
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    *w = (struct ical_warning){r->line, r->uid, arena_vprintf(r->arena, fmt, ap)};
    va_end(ap);
}

__attribute__((format(printf, 2, 3))) static int reader_fail(struct ical_reader *r, const char *fmt,
                                                             ...)
{
    char message[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    err_set(r->err, ERR_VALIDATION, "line %zu: %s", r->line, message);
    return err_field(r->err, "body", "line %zu: %s", r->line, message);
}

/*
 * Text as an activity keeps it: UTF-8 without control characters (line
 * breaks kept only when multiline), trimmed, at most max_chars code points.
 * NULL when nothing is left.
 */
static const char *reader_text(struct ical_reader *r, const char *s, bool multiline,
                               size_t max_chars, const char *what)
{
    if (s == NULL)
        return NULL;
    size_t len = strlen(s), n = 0, chars = 0;
    char *out = arena_alloc(r->arena, len + 1);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        bool space = c == '\r' || (c == '\n' && !multiline) || c == '\t';
        if (k == 0 || (!space && ((c < 0x20 && c != '\n') || c == 0x7f))) {
            i += k != 0 ? k : 1; /* dropped */
            continue;
        }
        if (chars == max_chars) {
            reader_warn(r, "the %s was cut to %zu characters", what, max_chars);
            break;
        }
        if (space) {
            out[n++] = ' ';
        } else {
            memcpy(out + n, s + i, k);
            n += k;
        }
        i += k;
        chars++;
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\n'))
        n--;
    size_t start = 0;
    while (start < n && (out[start] == ' ' || (multiline && out[start] == '\n')))
        start++;
    out[n] = '\0';
    return start < n ? out + start : NULL;
}

/* An IANA name for a TZID: itself, or what follows a prefix ("/mozilla.org/.../Europe/Berlin"). */
static const char *reader_iana(const char *tzid)
{
    if (tzid == NULL)
        return NULL;
    if (zone_valid(tzid))
        return tzid;
    for (const char *p = strchr(tzid, '/'); p != NULL; p = strchr(p + 1, '/')) {
        if (zone_valid(p + 1))
            return p + 1;
    }
    return NULL;
}

static const char *reader_tzid(icalproperty *p)
{
    icalparameter *param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    return param != NULL ? icalparameter_get_tzid(param) : NULL;
}

/*
 * The instant of a time value of property p: a date as its UTC midnight;
 * UTC as it is; a TZID that names an IANA zone through the zone database;
 * one the file defines under another name through its VTIMEZONE; floating
 * times and unknown zones in fallback. -1 when the value is out of range.
 */
static int reader_time(struct ical_reader *r, icalproperty *p, struct icaltimetype t,
                       const char *fallback, struct read_time *out)
{
    struct err ignored;
    *out = (struct read_time){.is_date = t.is_date != 0, .local = t};
    if (t.year < 1 || t.year > 2999 || t.month < 1 || t.month > 12 || t.day < 1 ||
        t.day > icaltime_days_in_month(t.month, t.year))
        return -1;
    if (t.is_date) {
        out->ms = clock_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day) * MS_PER_DAY;
        return in_range(out->ms) ? 0 : -1;
    }
    struct zone_time local = {t.year, t.month, t.day, t.hour, t.minute, t.second};
    err_clear(&ignored);
    if (icaltime_is_utc(t)) {
        out->zone = "UTC";
        return zone_to_utc("UTC", &local, &out->ms, &ignored) == 0 && in_range(out->ms) ? 0 : -1;
    }
    const char *tzid = reader_tzid(p);
    const char *iana = reader_iana(tzid);
    if (iana != NULL) {
        out->zone = arena_strdup(r->arena, iana);
        return zone_to_utc(iana, &local, &out->ms, &ignored) == 0 && in_range(out->ms) ? 0 : -1;
    }
    icaltimezone *z = tzid != NULL ? icalcomponent_get_timezone(r->root, tzid) : NULL;
    if (z != NULL) {
        t.zone = z;
        out->ms = (int64_t)icaltime_as_timet_with_zone(t, z) * MS_PER_SECOND;
        return in_range(out->ms) ? 0 : -1;
    }
    if (tzid != NULL)
        reader_warn(r, "unknown time zone \"%.64s\": read as %s time", tzid, fallback);
    out->zone = fallback;
    return zone_to_utc(fallback, &local, &out->ms, &ignored) == 0 && in_range(out->ms) ? 0 : -1;
}

/* "20121002T170000Z" (or "20121210" for a date): the occurrence part of a key. */
static const char *reader_stamp(struct ical_reader *r, int64_t ms, bool is_date)
{
    char iso[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(ms, iso);
    if (is_date)
        return arena_printf(r->arena, "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
    return arena_printf(r->arena, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11,
                        iso + 14, iso + 17);
}

/* What the X-LIC-ERRORs libical left in the event mean for it: 0, or skip (1), or fail (<0). */
static int reader_lic_errors(struct ical_reader *r, icalcomponent *e)
{
    static const char *const skipping[] = {"DTEND", "DURATION", "RRULE", "RECURRENCE-ID"};
    static const char *const dropping[] = {"EXDATE", "RDATE"};
    int verdict = 0;
    for (icalproperty *p = icalcomponent_get_first_property(e, ICAL_XLICERROR_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(e, ICAL_XLICERROR_PROPERTY)) {
        const char *text = icalproperty_get_xlicerror(p);
        char needle[32];
        if (text == NULL)
            continue;
        if (strstr(text, " DTSTART property") != NULL)
            return reader_fail(r, "the event's DTSTART cannot be read (%.80s)", text);
        for (size_t i = 0; i < sizeof(skipping) / sizeof(skipping[0]); i++) {
            snprintf(needle, sizeof(needle), " %s property", skipping[i]);
            if (strstr(text, needle) != NULL && verdict == 0) {
                reader_warn(r, "left out: its %s cannot be read", skipping[i]);
                verdict = 1;
            }
        }
        for (size_t i = 0; i < sizeof(dropping) / sizeof(dropping[0]); i++) {
            snprintf(needle, sizeof(needle), " %s property", dropping[i]);
            if (strstr(text, needle) != NULL)
                reader_warn(r, "an %s value that cannot be read was left out", dropping[i]);
        }
    }
    return verdict;
}

static void reader_add_exdate(struct ical_reader *r, struct ical_event *ev, size_t *cap, int64_t ms)
{
    for (size_t i = 0; i < ev->n_exdates; i++) {
        if (ev->exdates[i] == ms)
            return;
    }
    if (ev->n_exdates == ICAL_MAX_EXDATES) {
        reader_warn(r, "more than %d EXDATEs: the others were left out", ICAL_MAX_EXDATES);
        return;
    }
    if (ev->n_exdates == *cap) {
        size_t grown = *cap != 0 ? *cap * 2 : 8;
        ev->exdates =
            arena_grow(r->arena, ev->exdates, *cap * sizeof(int64_t), grown * sizeof(int64_t));
        *cap = grown;
    }
    ev->exdates[ev->n_exdates++] = ms;
}

/*
 * An EXDATE, RDATE or RECURRENCE-ID of the event that starts at start: a
 * date on an event with a time of day is that day at its local start time;
 * any value on a whole-day event is the date it names.
 */
static int64_t reader_on_day(const struct read_time *start, const struct read_time *day)
{
    if (start->is_date) /* a whole-day series: the date as written */
        return clock_days_from_civil(day->local.year, (unsigned)day->local.month,
                                     (unsigned)day->local.day) *
               MS_PER_DAY;
    if (!day->is_date)
        return day->ms;
    const struct icaltimetype *t = &start->local;
    struct zone_time local = {day->local.year, day->local.month, day->local.day,
                              t->hour,         t->minute,        t->second};
    struct err ignored;
    int64_t ms;
    err_clear(&ignored);
    if (start->zone != NULL && zone_to_utc(start->zone, &local, &ms, &ignored) == 0)
        return ms;
    return day->ms + (start->ms - floor_days(start->ms) * MS_PER_DAY);
}

/* The end of the event: DTEND, DTSTART + DURATION, or its start (a whole day for dates). */
static int reader_end(struct ical_reader *r, icalcomponent *e, const struct read_time *start,
                      int64_t *end_ms)
{
    icalproperty *p = icalcomponent_get_first_property(e, ICAL_DTEND_PROPERTY);
    icalproperty *d = icalcomponent_get_first_property(e, ICAL_DURATION_PROPERTY);
    if (p != NULL) {
        struct read_time end;
        const char *fallback = start->zone != NULL ? start->zone : r->default_zone;
        if (reader_time(r, p, icalproperty_get_dtend(p), fallback, &end) < 0) {
            reader_warn(r, "left out: its DTEND is out of range");
            return 1;
        }
        *end_ms = end.ms;
    } else if (d != NULL) {
        struct icaldurationtype dur = icalproperty_get_duration(d);
        int seconds = icaldurationtype_as_int(dur);
        *end_ms = start->ms + (int64_t)seconds * MS_PER_SECOND;
    } else {
        *end_ms = start->ms + (start->is_date ? MS_PER_DAY : 0);
    }
    if (*end_ms < start->ms) {
        reader_warn(r, "left out: it ends before it starts");
        return 1;
    }
    if (!in_range(*end_ms)) {
        reader_warn(r, "left out: it ends after the year 2999");
        return 1;
    }
    return 0;
}

/* The first RRULE, checked as the server expands rules; 1 when the event is left out. */
static int reader_rule(struct ical_reader *r, icalcomponent *e, const char **rrule)
{
    *rrule = NULL;
    icalproperty *p = icalcomponent_get_first_property(e, ICAL_RRULE_PROPERTY);
    if (p == NULL)
        return 0;
    if (icalcomponent_get_next_property(e, ICAL_RRULE_PROPERTY) != NULL)
        reader_warn(r, "more than one RRULE: only the first one is kept");
    if (icalcomponent_get_first_property(e, ICAL_EXRULE_PROPERTY) != NULL)
        reader_warn(r, "EXRULE is not supported: left out");
    struct icalrecurrencetype rule = icalproperty_get_rrule(p);
    char *text = icalrecurrencetype_as_string_r(&rule);
    struct err rule_err;
    err_clear(&rule_err);
    int rc = text != NULL ? recurrence_check(text, &rule_err) : -ERR_VALIDATION;
    if (rc == 0)
        *rrule = arena_strdup(r->arena, text);
    else if (text == NULL)
        reader_warn(r, "left out: its RRULE cannot be read");
    else
        reader_warn(r, "left out: RRULE:%.100s is not supported: %s", text,
                    rule_err.n_fields > 0 ? rule_err.fields[0].message : rule_err.detail);
    free(text);
    return rc == 0 ? 0 : 1;
}

/* Whether the series can be walked from its start, in the zone the calendar will use. */
static bool reader_walks(const struct ical_event *ev)
{
    const char *zone = ev->all_day || ev->time_zone == NULL ? "UTC" : ev->time_zone;
    struct err ignored;
    int64_t next;
    bool found;
    err_clear(&ignored);
    return recurrence_next(ev->rrule, ev->start_ms, zone, ev->start_ms, &next, &found, &ignored) ==
           0;
}

static struct raw_event *reader_new_raw(struct ical_reader *r)
{
    if (r->n_raw == r->cap_raw) {
        size_t grown = r->cap_raw != 0 ? r->cap_raw * 2 : 64;
        r->raw =
            arena_grow(r->arena, r->raw, r->cap_raw * sizeof(*r->raw), grown * sizeof(*r->raw));
        r->cap_raw = grown;
    }
    struct raw_event *raw = &r->raw[r->n_raw];
    *raw = (struct raw_event){0};
    return raw;
}

/* The RDATEs of a series: their starts (and ends, for periods), not excluded by its EXDATEs. */
static void reader_rdates(struct ical_reader *r, icalcomponent *e, const struct read_time *start,
                          struct raw_event *raw)
{
    int64_t length = raw->ev.end_ms - raw->ev.start_ms;
    size_t cap = 0;
    const char *fallback = start->zone != NULL ? start->zone : r->default_zone;
    for (icalproperty *p = icalcomponent_get_first_property(e, ICAL_RDATE_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(e, ICAL_RDATE_PROPERTY)) {
        struct icaldatetimeperiodtype v = icalproperty_get_rdate(p);
        struct read_time at, until;
        bool period = !icaltime_is_null_time(v.period.start);
        int64_t begin, end;
        if (reader_time(r, p, period ? v.period.start : v.time, fallback, &at) < 0) {
            reader_warn(r, "an RDATE out of range was left out");
            continue;
        }
        begin = reader_on_day(start, &at);
        end = begin + length;
        if (period && !icaltime_is_null_time(v.period.end) &&
            reader_time(r, p, v.period.end, fallback, &until) == 0 && until.ms >= begin)
            end = until.ms;
        else if (period && !icaldurationtype_is_null_duration(v.period.duration))
            end = begin + (int64_t)icaldurationtype_as_int(v.period.duration) * MS_PER_SECOND;
        bool excluded = begin == raw->ev.start_ms || !in_range(end);
        for (size_t i = 0; i < raw->ev.n_exdates && !excluded; i++)
            excluded = raw->ev.exdates[i] == begin;
        for (size_t i = 0; i < raw->n_rdates && !excluded; i++)
            excluded = raw->rdates[i] == begin;
        if (excluded)
            continue;
        if (raw->n_rdates == ICAL_MAX_RDATES) {
            reader_warn(r, "more than %d RDATEs: the others were left out", ICAL_MAX_RDATES);
            break;
        }
        if (raw->n_rdates == cap) {
            size_t grown = cap != 0 ? cap * 2 : 8;
            raw->rdates =
                arena_grow(r->arena, raw->rdates, cap * sizeof(int64_t), grown * sizeof(int64_t));
            raw->rdate_ends = arena_grow(r->arena, raw->rdate_ends, cap * sizeof(int64_t),
                                         grown * sizeof(int64_t));
            cap = grown;
        }
        raw->rdates[raw->n_rdates] = begin;
        raw->rdate_ends[raw->n_rdates++] = end;
    }
}

/* Reads one VEVENT into a raw event; left out (with a warning) or refused (< 0). */
static int reader_event(struct ical_reader *r, icalcomponent *e, size_t line)
{
    r->line = line;
    r->uid = NULL;
    const char *uid = icalcomponent_get_uid(e);
    if (uid != NULL && *uid != '\0') {
        r->uid = reader_text(r, uid, false, ICAL_UID_MAX_BYTES, "UID");
        if (r->uid != NULL && strlen(r->uid) > ICAL_UID_MAX_BYTES) {
            reader_warn(r, "the UID is longer than %d bytes: a later import makes it again",
                        ICAL_UID_MAX_BYTES);
            r->uid = NULL;
        }
    }
    int verdict = reader_lic_errors(r, e);
    if (verdict != 0)
        return verdict < 0 ? verdict : 0;
    icalproperty *dtstart = icalcomponent_get_first_property(e, ICAL_DTSTART_PROPERTY);
    if (dtstart == NULL)
        return reader_fail(r, "a VEVENT without DTSTART%s%.80s%s", r->uid ? " (UID " : "",
                           r->uid ? r->uid : "", r->uid ? ")" : "");
    struct read_time start;
    if (reader_time(r, dtstart, icalproperty_get_dtstart(dtstart), r->default_zone, &start) < 0) {
        reader_warn(r, "left out: its DTSTART is not between the years 1 and 2999");
        return 0;
    }
    struct raw_event *raw = reader_new_raw(r);
    struct ical_event *ev = &raw->ev;
    ev->line = line;
    ev->uid = r->uid;
    ev->start_ms = start.ms;
    ev->all_day = start.is_date;
    ev->time_zone = start.is_date ? NULL : start.zone;
    ev->summary =
        reader_text(r, icalcomponent_get_summary(e), false, ICAL_SUMMARY_MAX_CHARS, "SUMMARY");
    ev->location =
        reader_text(r, icalcomponent_get_location(e), false, ICAL_LOCATION_MAX_CHARS, "LOCATION");
    ev->description = reader_text(r, icalcomponent_get_description(e), true,
                                  ICAL_DESCRIPTION_MAX_CHARS, "DESCRIPTION");
    icalproperty *status = icalcomponent_get_first_property(e, ICAL_STATUS_PROPERTY);
    raw->cancelled = status != NULL && icalproperty_get_status(status) == ICAL_STATUS_CANCELLED;
    icalproperty *rid = icalcomponent_get_first_property(e, ICAL_RECURRENCEID_PROPERTY);
    if (rid != NULL) {
        struct read_time occurrence;
        const char *fallback = start.zone != NULL ? start.zone : r->default_zone;
        if (reader_time(r, rid, icalproperty_get_recurrenceid(rid), fallback, &occurrence) < 0) {
            reader_warn(r, "left out: its RECURRENCE-ID is out of range");
            return 0;
        }
        raw->is_override = true;
        raw->recurrence_ms = reader_on_day(&start, &occurrence);
        if (ev->uid != NULL)
            ev->uid = arena_printf(r->arena, "%s#%s", ev->uid,
                                   reader_stamp(r, raw->recurrence_ms, occurrence.is_date));
    }
    if (reader_end(r, e, &start, &ev->end_ms) != 0)
        return 0;
    if (!raw->is_override && reader_rule(r, e, &ev->rrule) != 0)
        return 0;
    if (ev->rrule != NULL && !reader_walks(ev)) {
        reader_warn(r, "left out: its series cannot be expanded from its start (years after "
                       "2582 are not)");
        return 0;
    }
    if (raw->cancelled && !raw->is_override) {
        reader_warn(r, "left out: the event is cancelled");
        return 0;
    }
    size_t cap = 0;
    const char *fallback = start.zone != NULL ? start.zone : r->default_zone;
    for (icalproperty *p = icalcomponent_get_first_property(e, ICAL_EXDATE_PROPERTY);
         p != NULL && ev->rrule != NULL;
         p = icalcomponent_get_next_property(e, ICAL_EXDATE_PROPERTY)) {
        struct read_time ex;
        if (reader_time(r, p, icalproperty_get_exdate(p), fallback, &ex) < 0) {
            reader_warn(r, "an EXDATE out of range was left out");
            continue;
        }
        reader_add_exdate(r, ev, &cap, reader_on_day(&start, &ex));
    }
    if (!raw->is_override)
        reader_rdates(r, e, &start, raw);
    r->n_raw++;
    return 0;
}

/* Reads the events of one VCALENDAR; event_lines holds their lines, in order. */
static int reader_block(struct ical_reader *r, const char *text, size_t len,
                        const size_t *event_lines, size_t n_lines, size_t *used)
{
    char *copy = arena_strndup(r->arena, text, len);
    icalerror_clear_errno();
    icalcomponent *root = icalparser_parse_string(copy);
    icalerror_clear_errno();
    int rc = 0;
    if (root == NULL || icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
        rc = err_set(r->err, ERR_BAD_REQUEST, "line %zu: the calendar cannot be read",
                     n_lines > *used ? event_lines[*used] : 0);
        goto out;
    }
    r->root = root;
    for (icalcomponent *e = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
         e != NULL && rc == 0; e = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
        size_t line = *used < n_lines ? event_lines[*used] : 0;
        (*used)++;
        rc = reader_event(r, e, line);
    }
out:
    r->root = NULL;
    if (root != NULL)
        icalcomponent_free(root);
    return rc;
}

static struct ical_event *reader_emit(struct ical_reader *r, const struct ical_event *ev)
{
    struct ical_import *out = r->out;
    if (out->n_events == ICAL_MAX_EVENTS) {
        err_set(r->err, ERR_TOO_LARGE, "more than %d events; split the file", ICAL_MAX_EVENTS);
        return NULL;
    }
    if (out->n_events == r->cap_events) {
        size_t grown = r->cap_events != 0 ? r->cap_events * 2 : 64;
        out->events = arena_grow(r->arena, out->events, r->cap_events * sizeof(*out->events),
                                 grown * sizeof(*out->events));
        r->cap_events = grown;
    }
    out->events[out->n_events] = *ev;
    return &out->events[out->n_events++];
}

/* The series in the file with this UID, if any. */
static struct raw_event *reader_series(struct ical_reader *r, const char *uid, size_t uid_len)
{
    for (size_t i = 0; i < r->n_raw; i++) {
        struct raw_event *m = &r->raw[i];
        if (!m->is_override && !m->dropped && m->ev.uid != NULL && strlen(m->ev.uid) == uid_len &&
            strncmp(m->ev.uid, uid, uid_len) == 0)
            return m;
    }
    return NULL;
}

/*
 * Puts series and their changed occurrences together: a later event with
 * the UID of an earlier one replaces it; a changed occurrence is left out
 * of its series (an EXDATE, or the RDATE it replaces).
 */
static void reader_merge(struct ical_reader *r)
{
    for (size_t i = 0; i < r->n_raw; i++) {
        struct raw_event *m = &r->raw[i];
        if (m->is_override || m->ev.uid == NULL)
            continue;
        struct raw_event *earlier = reader_series(r, m->ev.uid, strlen(m->ev.uid));
        if (earlier != NULL && earlier != m) {
            earlier->dropped = true;
            r->line = m->ev.line;
            r->uid = m->ev.uid;
            reader_warn(r, "the UID is also used by the event of line %zu: this one is kept",
                        earlier->ev.line);
        }
    }
    for (size_t i = 0; i < r->n_raw; i++) {
        struct raw_event *o = &r->raw[i];
        if (!o->is_override || o->ev.uid == NULL)
            continue;
        const char *hash = strrchr(o->ev.uid, '#');
        struct raw_event *m = reader_series(r, o->ev.uid, (size_t)(hash - o->ev.uid));
        if (m == NULL)
            continue;
        bool was_rdate = false;
        for (size_t k = 0; k < m->n_rdates; k++) {
            if (m->rdates[k] == o->recurrence_ms) {
                m->rdates[k] = m->rdates[--m->n_rdates];
                m->rdate_ends[k] = m->rdate_ends[m->n_rdates];
                was_rdate = true;
                break;
            }
        }
        if (!was_rdate && m->ev.rrule != NULL) {
            size_t cap = m->ev.n_exdates; /* grows from its exact size */
            r->line = m->ev.line;
            r->uid = m->ev.uid;
            reader_add_exdate(r, &m->ev, &cap, o->recurrence_ms);
        }
    }
}

static int reader_output(struct ical_reader *r)
{
    for (size_t i = 0; i < r->n_raw; i++) {
        struct raw_event *raw = &r->raw[i];
        if (raw->dropped || (raw->is_override && raw->cancelled))
            continue;
        if (reader_emit(r, &raw->ev) == NULL)
            return -r->err->code;
        for (size_t k = 0; k < raw->n_rdates; k++) {
            struct ical_event one = raw->ev;
            one.start_ms = raw->rdates[k];
            one.end_ms = raw->rdate_ends[k];
            one.rrule = NULL;
            one.exdates = NULL;
            one.n_exdates = 0;
            if (raw->ev.uid != NULL)
                one.uid = arena_printf(r->arena, "%s#%s", raw->ev.uid,
                                       reader_stamp(r, one.start_ms, raw->ev.all_day));
            if (reader_emit(r, &one) == NULL)
                return -r->err->code;
        }
    }
    return 0;
}

int ical_import_parse(struct arena *arena, const char *text, size_t len, const char *default_zone,
                      struct ical_import *out, struct err *err)
{
    struct ical_scan scan = {.arena = arena, .err = err};
    struct ical_reader r = {.arena = arena, .err = err, .out = out};
    *out = (struct ical_import){0};
    r.default_zone = default_zone != NULL && zone_valid(default_zone) ? default_zone : "UTC";
    if (len > ICAL_MAX_BYTES)
        return err_set(err, ERR_TOO_LARGE, "the file is larger than %zu MiB", ICAL_MAX_BYTES >> 20);
    int rc = scan_text(&scan, text, len);
    size_t used = 0;
    for (size_t i = 0; i < scan.n_blocks && rc == 0; i++)
        rc = reader_block(&r, text + scan.blocks[i].offset, scan.blocks[i].len, scan.event_lines,
                          scan.n_events, &used);
    if (rc < 0)
        return rc;
    reader_merge(&r);
    rc = reader_output(&r);
    if (rc == 0 && scan.n_other > 0) {
        r.line = 0;
        r.uid = NULL;
        reader_warn(&r, "%zu to-dos or journal entries were not imported: only events are",
                    scan.n_other);
    }
    return rc;
}
