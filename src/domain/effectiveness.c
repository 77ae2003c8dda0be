/*
 * The arithmetic of the day plan and its reports (definitions in
 * effectiveness.h): one user's figures for a local day from their tasks and
 * time entries, ISO weeks, the rounded percentage and the task report's
 * periods. Pure functions: no time zones (the caller gives each day's
 * bounds), no store, no clock.
 */
#include "domain/effectiveness.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"

int effectiveness_percent(int64_t done, int64_t planned)
{
    assert(done >= 0 && planned >= 0);
    if (planned == 0)
        return EFFECTIVENESS_NONE;
    /* floor(100 * done / planned + 1/2), in integers. */
    return (int)((200 * done + planned) / (2 * planned));
}

void effectiveness_day_compute(struct effectiveness_day *day,
                               const struct effectiveness_task *tasks, size_t n_tasks,
                               int64_t carried_before, const struct effectiveness_entry *entries,
                               size_t n_entries)
{
    day->planned = 0;
    day->done = 0;
    day->overdue_carried = carried_before;
    day->time_planned_s = 0;
    day->time_logged_s = 0;
    for (size_t i = 0; i < n_tasks; i++) {
        const struct effectiveness_task *t = &tasks[i];
        bool done_by_end = t->done_ms < day->to_ms;
        if (t->due_ms >= day->from_ms && t->due_ms < day->to_ms) {
            day->planned++;
            day->time_planned_s += t->estimate_s > 0 ? t->estimate_s : 0;
            if (done_by_end)
                day->done++;
        }
        if (t->due_ms < day->to_ms && !done_by_end)
            day->overdue_carried++;
    }
    for (size_t i = 0; i < n_entries; i++) {
        const struct effectiveness_entry *e = &entries[i];
        if (e->started_ms >= day->from_ms && e->started_ms < day->to_ms && e->seconds > 0)
            day->time_logged_s += e->seconds;
    }
    day->effectiveness = effectiveness_percent(day->done, day->planned);
}

int effectiveness_weekday(int64_t date)
{
    /* 1970-01-01 was a Thursday (3 with Monday 0); the remainder kept non-negative. */
    int64_t r = (date + 3) % 7;
    return (int)(r < 0 ? r + 7 : r);
}

/* The Monday of date's week. */
static int64_t week_monday(int64_t date)
{
    return date - effectiveness_weekday(date);
}

void effectiveness_iso_week(int64_t date, char out[EFFECTIVENESS_WEEK_LEN + 1])
{
    int64_t thursday = week_monday(date) + 3;
    int year;
    unsigned month, day;
    clock_civil_from_days(thursday, &year, &month, &day);
    int64_t week = (thursday - clock_days_from_civil(year, 1, 1)) / 7 + 1;
    /* Dates come from "YYYY-MM-DD": the year has four digits at most, the week two. */
    unsigned y = (unsigned)(year < 0 ? 0 : year), w = (unsigned)week;
    snprintf(out, EFFECTIVENESS_WEEK_LEN + 1, "%04u-W%02u", y % 10000u, w % 100u);
}

size_t effectiveness_week_count(int64_t first, int64_t last)
{
    assert(first <= last);
    return effectiveness_week_index(first, last) + 1;
}

size_t effectiveness_week_index(int64_t first, int64_t date)
{
    assert(first <= date);
    return (size_t)((week_monday(date) - week_monday(first)) / 7);
}

void effectiveness_week_init(struct effectiveness_week *week, int64_t date)
{
    memset(week, 0, sizeof(*week));
    effectiveness_iso_week(date, week->label);
}

void effectiveness_week_add(struct effectiveness_week *week, const struct effectiveness_day *day)
{
    week->planned += day->planned;
    week->done += day->done;
    week->time_planned_s += day->time_planned_s;
    week->time_logged_s += day->time_logged_s;
}

static const char *const period_names[] = {
    [EFFECTIVENESS_PERIOD_DAY] = "day",
    [EFFECTIVENESS_PERIOD_WEEK] = "week",
    [EFFECTIVENESS_PERIOD_MONTH] = "month",
};

int effectiveness_period_parse(const char *name)
{
    for (size_t i = 0; i < sizeof(period_names) / sizeof(period_names[0]); i++) {
        if (name != NULL && strcmp(name, period_names[i]) == 0)
            return (int)i;
    }
    return -1;
}

const char *effectiveness_period_name(enum effectiveness_period period)
{
    return period_names[period];
}

void effectiveness_period_range(enum effectiveness_period period, int64_t date, int64_t *first,
                                int64_t *last)
{
    int year;
    unsigned month, day;
    switch (period) {
    case EFFECTIVENESS_PERIOD_WEEK:
        *first = week_monday(date);
        *last = *first + 6;
        return;
    case EFFECTIVENESS_PERIOD_MONTH:
        clock_civil_from_days(date, &year, &month, &day);
        *first = clock_days_from_civil(year, month, 1);
        *last = month == 12 ? clock_days_from_civil(year + 1, 1, 1) - 1
                            : clock_days_from_civil(year, month + 1, 1) - 1;
        return;
    case EFFECTIVENESS_PERIOD_DAY:
    default:
        *first = date;
        *last = date;
        return;
    }
}
