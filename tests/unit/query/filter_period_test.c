/*
 * Tests for filter_period_bounds(): every relative period at a fixed "now",
 * for date and date-time fields, and the calendar edges (week starts,
 * year ends, short months).
 */
#include "query/filter_period.h"

#include "../test.h"

/* Wednesday 2026-03-18T12:00:00.000Z */
#define NOW_MS INT64_C(1773835200000)
#define DAY_MS INT64_C(86400000)

static struct filter_period calendar(enum filter_unit unit, int64_t offset)
{
    return (struct filter_period){.kind = FILTER_PERIOD_CALENDAR, .unit = unit, .offset = offset};
}

static struct filter_period rolling(enum filter_unit unit, int64_t offset)
{
    return (struct filter_period){.kind = FILTER_PERIOD_ROLLING, .unit = unit, .offset = offset};
}

static void expect_bounds(struct filter_period p, enum field_type type, int64_t now_ms,
                          const char *lo, const char *hi)
{
    char got_lo[FILTER_BOUND_SIZE], got_hi[FILTER_BOUND_SIZE];
    filter_period_bounds(&p, type, now_ms, got_lo, got_hi);
    EXPECT_STR_EQ(got_lo, lo);
    EXPECT_STR_EQ(got_hi, hi);
}

TEST(filter_period_gives_calendar_days_for_date_fields)
{
    static const struct {
        enum filter_unit unit;
        int offset;
        const char *lo, *hi;
    } cases[] = {
        {FILTER_UNIT_DAY, 0, "2026-03-18", "2026-03-19"},     /* today */
        {FILTER_UNIT_DAY, -1, "2026-03-17", "2026-03-18"},    /* yesterday */
        {FILTER_UNIT_DAY, 1, "2026-03-19", "2026-03-20"},     /* tomorrow */
        {FILTER_UNIT_WEEK, 0, "2026-03-16", "2026-03-23"},    /* this week, from Monday */
        {FILTER_UNIT_WEEK, -1, "2026-03-09", "2026-03-16"},   /* last week */
        {FILTER_UNIT_WEEK, 1, "2026-03-23", "2026-03-30"},    /* next week */
        {FILTER_UNIT_MONTH, 0, "2026-03-01", "2026-04-01"},   /* this month */
        {FILTER_UNIT_MONTH, -1, "2026-02-01", "2026-03-01"},  /* last month */
        {FILTER_UNIT_MONTH, 1, "2026-04-01", "2026-05-01"},   /* next month */
        {FILTER_UNIT_QUARTER, 0, "2026-01-01", "2026-04-01"}, /* this quarter */
        {FILTER_UNIT_QUARTER, -1, "2025-10-01", "2026-01-01"},
        {FILTER_UNIT_QUARTER, 1, "2026-04-01", "2026-07-01"},
        {FILTER_UNIT_YEAR, 0, "2026-01-01", "2027-01-01"}, /* this year */
        {FILTER_UNIT_YEAR, -1, "2025-01-01", "2026-01-01"},
        {FILTER_UNIT_YEAR, 1, "2027-01-01", "2028-01-01"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_bounds(calendar(cases[i].unit, cases[i].offset), FIELD_DATE, NOW_MS, cases[i].lo,
                      cases[i].hi);
}

TEST(filter_period_gives_midnights_for_date_time_fields)
{
    expect_bounds(calendar(FILTER_UNIT_DAY, 0), FIELD_DATETIME, NOW_MS, "2026-03-18T00:00:00.000Z",
                  "2026-03-19T00:00:00.000Z");
    expect_bounds(calendar(FILTER_UNIT_WEEK, -1), FIELD_DATETIME, NOW_MS,
                  "2026-03-09T00:00:00.000Z", "2026-03-16T00:00:00.000Z");
    expect_bounds(calendar(FILTER_UNIT_MONTH, 1), FIELD_DATETIME, NOW_MS,
                  "2026-04-01T00:00:00.000Z", "2026-05-01T00:00:00.000Z");
    struct filter_period day = {.kind = FILTER_PERIOD_DAY, .day = 20484}; /* 2026-01-31 */
    expect_bounds(day, FIELD_DATETIME, NOW_MS, "2026-01-31T00:00:00.000Z",
                  "2026-02-01T00:00:00.000Z");
}

TEST(filter_period_rolls_from_now_including_now)
{
    expect_bounds(rolling(FILTER_UNIT_DAY, -30), FIELD_DATETIME, NOW_MS, "2026-02-16T12:00:00.000Z",
                  "2026-03-18T12:00:00.001Z");
    expect_bounds(rolling(FILTER_UNIT_DAY, -30), FIELD_DATE, NOW_MS, "2026-02-16", "2026-03-19");
    expect_bounds(rolling(FILTER_UNIT_DAY, 7), FIELD_DATETIME, NOW_MS, "2026-03-18T12:00:00.000Z",
                  "2026-03-25T12:00:00.001Z");
    expect_bounds(rolling(FILTER_UNIT_DAY, 7), FIELD_DATE, NOW_MS, "2026-03-18", "2026-03-26");
    expect_bounds(rolling(FILTER_UNIT_HOUR, -12), FIELD_DATETIME, NOW_MS,
                  "2026-03-18T00:00:00.000Z", "2026-03-18T12:00:00.001Z");
    expect_bounds(rolling(FILTER_UNIT_HOUR, -13), FIELD_DATE, NOW_MS, "2026-03-17", "2026-03-19");
    expect_bounds(rolling(FILTER_UNIT_WEEK, -2), FIELD_DATETIME, NOW_MS, "2026-03-04T12:00:00.000Z",
                  "2026-03-18T12:00:00.001Z");
    expect_bounds(rolling(FILTER_UNIT_MONTH, 3), FIELD_DATE, NOW_MS, "2026-03-18", "2026-06-19");
    expect_bounds(rolling(FILTER_UNIT_MONTH, -14), FIELD_DATETIME, NOW_MS,
                  "2025-01-18T12:00:00.000Z", "2026-03-18T12:00:00.001Z");
    expect_bounds(rolling(FILTER_UNIT_YEAR, -1), FIELD_DATE, NOW_MS, "2025-03-18", "2026-03-19");
    expect_bounds(rolling(FILTER_UNIT_QUARTER, 1), FIELD_DATE, NOW_MS, "2026-03-18", "2026-06-19");
}

TEST(filter_period_clamps_month_ends)
{
    /* 2026-03-31T08:00Z minus one month is the last day of February. */
    int64_t march_31 = NOW_MS + 13 * DAY_MS - 4 * 3600000;
    expect_bounds(rolling(FILTER_UNIT_MONTH, -1), FIELD_DATETIME, march_31,
                  "2026-02-28T08:00:00.000Z", "2026-03-31T08:00:00.001Z");
    /* 2024 is a leap year. */
    int64_t march_31_2024 = march_31 - 730 * DAY_MS;
    expect_bounds(rolling(FILTER_UNIT_MONTH, -1), FIELD_DATE, march_31_2024, "2024-02-29",
                  "2024-04-01");
}

TEST(filter_period_handles_week_and_year_edges)
{
    /* Sunday 2026-03-22T23:00Z still belongs to the week that began on Monday the 16th. */
    int64_t sunday = NOW_MS + 4 * DAY_MS + 11 * 3600000;
    expect_bounds(calendar(FILTER_UNIT_WEEK, 0), FIELD_DATE, sunday, "2026-03-16", "2026-03-23");
    /* Monday 2026-03-16T00:00Z starts it. */
    int64_t monday = NOW_MS - 2 * DAY_MS - 12 * 3600000;
    expect_bounds(calendar(FILTER_UNIT_WEEK, 0), FIELD_DATE, monday, "2026-03-16", "2026-03-23");
    /* Thursday 2026-01-01: the ISO week began in the old year. */
    int64_t new_year = NOW_MS - 76 * DAY_MS;
    expect_bounds(calendar(FILTER_UNIT_WEEK, 0), FIELD_DATE, new_year, "2025-12-29", "2026-01-05");
    expect_bounds(calendar(FILTER_UNIT_MONTH, -1), FIELD_DATE, new_year, "2025-12-01",
                  "2026-01-01");
    expect_bounds(calendar(FILTER_UNIT_QUARTER, -1), FIELD_DATE, new_year, "2025-10-01",
                  "2026-01-01");
    expect_bounds(calendar(FILTER_UNIT_DAY, -1), FIELD_DATE, new_year, "2025-12-31", "2026-01-01");
    /* December: next month is in the next year. */
    expect_bounds(calendar(FILTER_UNIT_MONTH, 1), FIELD_DATE, new_year - DAY_MS, "2026-01-01",
                  "2026-02-01");
    /* Before 1970 the weekday arithmetic still holds (1969-12-31 was a Wednesday). */
    expect_bounds(calendar(FILTER_UNIT_WEEK, 0), FIELD_DATE, -DAY_MS, "1969-12-29", "1970-01-05");
}

TEST(filter_period_stays_in_range_for_extreme_clocks)
{
    expect_bounds(rolling(FILTER_UNIT_YEAR, -10000), FIELD_DATE, NOW_MS, "0000-01-01",
                  "2026-03-19");
    expect_bounds(calendar(FILTER_UNIT_YEAR, 1), FIELD_DATETIME, INT64_MAX,
                  "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z");
    expect_bounds(calendar(FILTER_UNIT_DAY, 0), FIELD_DATE, INT64_MIN, "0000-01-01", "0000-01-02");
}
