/*
 * Tests for src/domain/effectiveness.c: the percentage (none when nothing
 * was planned, rounded half up), a day's planned, done, carried-over and
 * time figures, a 23-hour day when the clocks go forward, ISO weeks across
 * years, and the task report's periods.
 */
#include "domain/effectiveness.h"

#include "base/clock.h"
#include "domain/zone.h"
#include "../test.h"

#define HOUR_MS (3600 * (int64_t)1000)

static int64_t at(const char *text)
{
    int64_t ms = 0;
    EXPECT_INT_EQ(clock_parse_datetime(text, strlen(text), &ms), 0);
    return ms;
}

static int64_t date_of(const char *text)
{
    int64_t days = 0;
    EXPECT_INT_EQ(clock_parse_date(text, strlen(text), &days), 0);
    return days;
}

/* A UTC day: [date 00:00Z, next date 00:00Z). */
static struct effectiveness_day utc_day(const char *date)
{
    int64_t days = date_of(date);
    return (struct effectiveness_day){
        .date = days, .from_ms = days * 24 * HOUR_MS, .to_ms = (days + 1) * 24 * HOUR_MS};
}

TEST(effectiveness_is_none_when_nothing_was_planned)
{
    EXPECT_INT_EQ(effectiveness_percent(0, 0), EFFECTIVENESS_NONE);
    EXPECT_INT_EQ(effectiveness_percent(0, 3), 0);
    EXPECT_INT_EQ(effectiveness_percent(3, 3), 100);
}

TEST(effectiveness_rounds_half_up_to_an_integer)
{
    EXPECT_INT_EQ(effectiveness_percent(1, 8), 13);  /* 12.5 */
    EXPECT_INT_EQ(effectiveness_percent(3, 8), 38);  /* 37.5 */
    EXPECT_INT_EQ(effectiveness_percent(5, 8), 63);  /* 62.5 */
    EXPECT_INT_EQ(effectiveness_percent(1, 3), 33);  /* 33.33 */
    EXPECT_INT_EQ(effectiveness_percent(2, 3), 67);  /* 66.67 */
    EXPECT_INT_EQ(effectiveness_percent(1, 200), 1); /* 0.5 */
    EXPECT_INT_EQ(effectiveness_percent(1, 201), 0); /* 0.497 */
}

TEST(a_day_counts_tasks_due_within_it_and_those_done_before_its_end)
{
    struct effectiveness_day day = utc_day("2026-03-10");
    const struct effectiveness_task tasks[] = {
        /* Due that day, done that day. */
        {at("2026-03-10T09:00:00Z"), at("2026-03-10T17:00:00Z"), 1800},
        /* Due that day, done the day before (early). */
        {at("2026-03-10T12:00:00Z"), at("2026-03-09T08:00:00Z"), 0},
        /* Due that day, done the next day: planned, not done, carried over. */
        {at("2026-03-10T23:59:59Z"), at("2026-03-11T08:00:00Z"), 3600},
        /* Due that day, never done. */
        {at("2026-03-10T00:00:00Z"), EFFECTIVENESS_NOT_DONE, 0},
        /* Due the next day: not planned, not carried. */
        {at("2026-03-11T00:00:00Z"), EFFECTIVENESS_NOT_DONE, 600},
        /* Done with no time known: done. */
        {at("2026-03-10T10:00:00Z"), INT64_MIN, 0},
    };
    effectiveness_day_compute(&day, tasks, sizeof(tasks) / sizeof(tasks[0]), 0, NULL, 0);
    EXPECT_INT_EQ(day.planned, 5);
    EXPECT_INT_EQ(day.done, 3);
    EXPECT_INT_EQ(day.overdue_carried, 2);
    EXPECT_INT_EQ(day.time_planned_s, 1800 + 3600);
    EXPECT_INT_EQ(day.effectiveness, 60);
}

TEST(tasks_due_earlier_are_carried_over_until_the_day_they_are_done)
{
    const struct effectiveness_task tasks[] = {
        /* Overdue from the week before, done on the 12th. */
        {at("2026-03-02T09:00:00Z"), at("2026-03-12T10:00:00Z"), 0},
        /* Due on the 10th, never done. */
        {at("2026-03-10T09:00:00Z"), EFFECTIVENESS_NOT_DONE, 0},
        /* Due on the 9th, done on the 9th: never carried. */
        {at("2026-03-09T09:00:00Z"), at("2026-03-09T10:00:00Z"), 0},
    };
    const char *dates[] = {"2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12"};
    const int64_t carried[] = {1 + 4, 2 + 4, 2 + 4, 1 + 4};
    for (size_t i = 0; i < 4; i++) {
        struct effectiveness_day day = utc_day(dates[i]);
        /* 4 tasks due before the range and never done count every day. */
        effectiveness_day_compute(&day, tasks, 3, 4, NULL, 0);
        EXPECT_INT_EQ(day.overdue_carried, carried[i]);
    }
}

TEST(a_day_with_nothing_planned_has_no_effectiveness_but_keeps_its_time)
{
    struct effectiveness_day day = utc_day("2026-03-10");
    const struct effectiveness_entry entries[] = {
        {at("2026-03-10T08:00:00Z"), 1200},
        {at("2026-03-10T23:59:59.999Z"), 60},
        {at("2026-03-11T00:00:00Z"), 5000}, /* the next day */
        {at("2026-03-09T23:00:00Z"), 7200}, /* the day before, though it ran into this one */
    };
    effectiveness_day_compute(&day, NULL, 0, 0, entries, 4);
    EXPECT_INT_EQ(day.planned, 0);
    EXPECT_INT_EQ(day.effectiveness, EFFECTIVENESS_NONE);
    EXPECT_INT_EQ(day.time_logged_s, 1260);
}

TEST(a_day_of_23_hours_when_the_clocks_go_forward_has_its_own_bounds)
{
    /*
     * Europe/Berlin, 2026-03-29: midnight is 23:00Z the day before (UTC+1), the
     * next midnight 22:00Z (UTC+2), 23 hours later.
     */
    struct effectiveness_day day = {.date = date_of("2026-03-29"),
                                    .from_ms = at("2026-03-28T23:00:00Z"),
                                    .to_ms = at("2026-03-29T22:00:00Z")};
    EXPECT_INT_EQ(day.to_ms - day.from_ms, 23 * HOUR_MS);
    int64_t from_ms = 0, to_ms = 0;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(zone_day_bounds("Europe/Berlin", "2026-03-29", &from_ms, &to_ms, &err), 0);
    EXPECT_INT_EQ(from_ms, day.from_ms);
    EXPECT_INT_EQ(to_ms, day.to_ms);
    const struct effectiveness_task tasks[] = {
        /* 00:30 local on the 29th, 23:30Z on the 28th: that day. */
        {at("2026-03-28T23:30:00Z"), at("2026-03-29T21:59:59Z"), 0},
        /* 23:30 local on the 29th (UTC+2): that day, done 00:10 local on the 30th. */
        {at("2026-03-29T21:30:00Z"), at("2026-03-29T22:10:00Z"), 0},
        /* 00:30 local on the 30th: the next day. */
        {at("2026-03-29T22:30:00Z"), EFFECTIVENESS_NOT_DONE, 0},
        /* 23:30 local on the 28th (UTC+1): the day before, carried. */
        {at("2026-03-28T22:30:00Z"), EFFECTIVENESS_NOT_DONE, 0},
    };
    const struct effectiveness_entry entries[] = {
        {at("2026-03-28T23:00:00Z"), 100}, /* 00:00 local: in */
        {at("2026-03-29T22:00:00Z"), 200}, /* 00:00 local the next day: out */
    };
    effectiveness_day_compute(&day, tasks, 4, 0, entries, 2);
    EXPECT_INT_EQ(day.planned, 2);
    EXPECT_INT_EQ(day.done, 1);
    EXPECT_INT_EQ(day.overdue_carried, 2);
    EXPECT_INT_EQ(day.effectiveness, 50);
    EXPECT_INT_EQ(day.time_logged_s, 100);
}

TEST(weekdays_start_on_monday)
{
    EXPECT_INT_EQ(effectiveness_weekday(date_of("1970-01-01")), 3);
    EXPECT_INT_EQ(effectiveness_weekday(date_of("2026-03-09")), 0);
    EXPECT_INT_EQ(effectiveness_weekday(date_of("2026-03-15")), 6);
    EXPECT_INT_EQ(effectiveness_weekday(date_of("1969-12-29")), 0);
}

TEST(iso_weeks_belong_to_the_year_of_their_thursday)
{
    char week[EFFECTIVENESS_WEEK_LEN + 1];
    effectiveness_iso_week(date_of("2026-03-10"), week);
    EXPECT_STR_EQ(week, "2026-W11");
    effectiveness_iso_week(date_of("2021-01-03"), week); /* a Sunday of 2020's last week */
    EXPECT_STR_EQ(week, "2020-W53");
    effectiveness_iso_week(date_of("2024-12-30"), week); /* a Monday of 2025's first week */
    EXPECT_STR_EQ(week, "2025-W01");
    effectiveness_iso_week(date_of("2026-01-01"), week);
    EXPECT_STR_EQ(week, "2026-W01");
    effectiveness_iso_week(date_of("2027-01-01"), week); /* a Friday: 2026's last week */
    EXPECT_STR_EQ(week, "2026-W53");
}

TEST(weeks_sum_their_days_and_are_counted_from_the_first_date)
{
    int64_t first = date_of("2026-03-08"); /* a Sunday */
    EXPECT_INT_EQ(effectiveness_week_count(first, first), 1);
    EXPECT_INT_EQ(effectiveness_week_count(first, date_of("2026-03-09")), 2);
    EXPECT_INT_EQ(effectiveness_week_count(first, date_of("2026-03-22")), 3);
    EXPECT_INT_EQ(effectiveness_week_index(first, date_of("2026-03-15")), 1);
    EXPECT_INT_EQ(effectiveness_week_index(first, date_of("2026-03-16")), 2);

    struct effectiveness_week week;
    effectiveness_week_init(&week, date_of("2026-03-09"));
    EXPECT_STR_EQ(week.label, "2026-W11");
    struct effectiveness_day a = {
        .planned = 3, .done = 1, .time_planned_s = 60, .time_logged_s = 5};
    struct effectiveness_day b = {.planned = 5, .done = 4, .time_planned_s = 0, .time_logged_s = 7};
    effectiveness_week_add(&week, &a);
    effectiveness_week_add(&week, &b);
    EXPECT_INT_EQ(week.planned, 8);
    EXPECT_INT_EQ(week.done, 5);
    EXPECT_INT_EQ(week.time_planned_s, 60);
    EXPECT_INT_EQ(week.time_logged_s, 12);
    EXPECT_INT_EQ(effectiveness_percent(week.done, week.planned), 63);
}

TEST(report_periods_are_a_day_an_iso_week_or_a_calendar_month)
{
    int64_t first, last;
    EXPECT_INT_EQ(effectiveness_period_parse("day"), EFFECTIVENESS_PERIOD_DAY);
    EXPECT_INT_EQ(effectiveness_period_parse("week"), EFFECTIVENESS_PERIOD_WEEK);
    EXPECT_INT_EQ(effectiveness_period_parse("month"), EFFECTIVENESS_PERIOD_MONTH);
    EXPECT_INT_EQ(effectiveness_period_parse("year"), -1);
    EXPECT_INT_EQ(effectiveness_period_parse(NULL), -1);
    EXPECT_STR_EQ(effectiveness_period_name(EFFECTIVENESS_PERIOD_WEEK), "week");

    effectiveness_period_range(EFFECTIVENESS_PERIOD_DAY, date_of("2026-03-11"), &first, &last);
    EXPECT_INT_EQ(first, date_of("2026-03-11"));
    EXPECT_INT_EQ(last, date_of("2026-03-11"));
    effectiveness_period_range(EFFECTIVENESS_PERIOD_WEEK, date_of("2026-03-11"), &first, &last);
    EXPECT_INT_EQ(first, date_of("2026-03-09"));
    EXPECT_INT_EQ(last, date_of("2026-03-15"));
    effectiveness_period_range(EFFECTIVENESS_PERIOD_WEEK, date_of("2026-03-15"), &first, &last);
    EXPECT_INT_EQ(first, date_of("2026-03-09"));
    effectiveness_period_range(EFFECTIVENESS_PERIOD_MONTH, date_of("2024-02-10"), &first, &last);
    EXPECT_INT_EQ(first, date_of("2024-02-01"));
    EXPECT_INT_EQ(last, date_of("2024-02-29"));
    effectiveness_period_range(EFFECTIVENESS_PERIOD_MONTH, date_of("2026-12-31"), &first, &last);
    EXPECT_INT_EQ(first, date_of("2026-12-01"));
    EXPECT_INT_EQ(last, date_of("2026-12-31"));
}
