/*
 * Tests for src/domain/zone.c: which names are zones (and that paths are
 * not), the UTC bounds of local days including the 23- and 25-hour days
 * when the clocks move, local dates of instants, and RFC 5545's reading of
 * local times the clocks skip or show twice.
 */
#include "domain/zone.h"

#include "base/clock.h"
#include "base/err.h"
#include "../test.h"

/* Milliseconds of an ISO 8601 text with its zone. */
static int64_t ms_of(const char *text)
{
    int64_t ms = 0;
    EXPECT_INT_EQ(clock_parse_datetime(text, strlen(text), &ms), 0);
    return ms;
}

static const char *text_of(int64_t ms)
{
    static char out[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(ms, out);
    return out;
}

TEST(zone_valid_knows_iana_names_and_utc)
{
    EXPECT(zone_valid("Europe/Berlin"));
    EXPECT(zone_valid("America/Los_Angeles"));
    EXPECT(zone_valid("America/Argentina/Buenos_Aires"));
    EXPECT(zone_valid("Etc/GMT+5"));
    EXPECT(zone_valid("UTC"));
}

TEST(zone_valid_refuses_unknown_names_and_paths)
{
    EXPECT(!zone_valid(""));
    EXPECT(!zone_valid(NULL));
    EXPECT(!zone_valid("Moon/Base"));
    EXPECT(!zone_valid("europe/berlin"));
    EXPECT(!zone_valid("../../etc/passwd"));
    EXPECT(!zone_valid("/etc/localtime"));
    EXPECT(!zone_valid("Europe//Berlin"));
    EXPECT(!zone_valid("Europe/Berlin/"));
    EXPECT(!zone_valid("Europe/Berlin "));
    EXPECT(!zone_valid("zone.tab"));
    EXPECT(!zone_valid("Europe/Berlin_with_a_name_far_too_long_to_be_any_zone_of_the_database_x"));
}

TEST(zone_day_bounds_of_an_ordinary_day_are_24_hours_at_local_midnight)
{
    struct err err;
    int64_t from = 0, to = 0;
    err_clear(&err);
    EXPECT_INT_EQ(zone_day_bounds("Europe/Berlin", "2026-01-15", &from, &to, &err), 0);
    EXPECT_STR_EQ(text_of(from), "2026-01-14T23:00:00.000Z");
    EXPECT_STR_EQ(text_of(to), "2026-01-15T23:00:00.000Z");
}

TEST(zone_day_bounds_of_the_spring_forward_day_are_23_hours)
{
    struct err err;
    int64_t from = 0, to = 0;
    err_clear(&err);
    EXPECT_INT_EQ(zone_day_bounds("Europe/Berlin", "2026-03-29", &from, &to, &err), 0);
    EXPECT_STR_EQ(text_of(from), "2026-03-28T23:00:00.000Z");
    EXPECT_STR_EQ(text_of(to), "2026-03-29T22:00:00.000Z");
    EXPECT_INT_EQ((to - from) / 3600000, 23);
}

TEST(zone_day_bounds_of_the_fall_back_day_are_25_hours)
{
    struct err err;
    int64_t from = 0, to = 0;
    err_clear(&err);
    EXPECT_INT_EQ(zone_day_bounds("America/Los_Angeles", "2026-11-01", &from, &to, &err), 0);
    EXPECT_STR_EQ(text_of(from), "2026-11-01T07:00:00.000Z");
    EXPECT_INT_EQ((to - from) / 3600000, 25);
}

TEST(zone_day_bounds_refuses_a_bad_date_or_zone_naming_the_field)
{
    struct err err;
    int64_t from = 0, to = 0;
    err_clear(&err);
    EXPECT_INT_EQ(zone_day_bounds("Europe/Berlin", "2026-02-30", &from, &to, &err),
                  -ERR_VALIDATION);
    EXPECT_STR_EQ(err.fields[0].field, "date");
    err_clear(&err);
    EXPECT_INT_EQ(zone_day_bounds("Mars/Olympus", "2026-02-03", &from, &to, &err), -ERR_VALIDATION);
    EXPECT_STR_EQ(err.fields[0].field, "time_zone");
}

TEST(zone_local_date_is_the_date_the_zone_shows)
{
    struct err err;
    char date[CLOCK_DATE_LEN + 1];
    err_clear(&err);
    EXPECT_INT_EQ(zone_local_date("Asia/Tokyo", ms_of("2026-06-30T20:00:00Z"), date, &err), 0);
    EXPECT_STR_EQ(date, "2026-07-01");
    EXPECT_INT_EQ(zone_local_date("America/New_York", ms_of("2026-07-01T03:59:59Z"), date, &err),
                  0);
    EXPECT_STR_EQ(date, "2026-06-30");
    EXPECT_INT_EQ(zone_local_date("UTC", ms_of("2026-07-01T00:00:00Z"), date, &err), 0);
    EXPECT_STR_EQ(date, "2026-07-01");
}

TEST(zone_to_local_and_back_round_trip_through_a_year_of_hours)
{
    struct err err;
    err_clear(&err);
    int64_t start = ms_of("2026-01-01T00:00:00Z");
    for (int64_t h = 0; h < 366 * 24; h++) {
        int64_t t = start + h * 3600000, back = 0;
        struct zone_time local;
        EXPECT_INT_EQ(zone_to_local("Europe/Berlin", t, &local, &err), 0);
        EXPECT_INT_EQ(zone_to_utc("Europe/Berlin", &local, &back, &err), 0);
        /* 02:00-03:00 on the fall-back night is shown twice: it reads as the first instant. */
        if (back != t)
            EXPECT_INT_EQ(back, t - 3600000);
    }
}

TEST(zone_to_utc_reads_a_skipped_time_with_the_offset_before_the_change)
{
    struct err err;
    struct zone_time skipped = {2026, 3, 29, 2, 30, 0};
    int64_t ms = 0;
    err_clear(&err);
    EXPECT_INT_EQ(zone_to_utc("Europe/Berlin", &skipped, &ms, &err), 0);
    EXPECT_STR_EQ(text_of(ms), "2026-03-29T01:30:00.000Z"); /* 03:30 summer time */
}

TEST(zone_to_utc_reads_a_time_shown_twice_as_its_first_instant)
{
    struct err err;
    struct zone_time twice = {2026, 10, 25, 2, 30, 0};
    int64_t ms = 0;
    err_clear(&err);
    EXPECT_INT_EQ(zone_to_utc("Europe/Berlin", &twice, &ms, &err), 0);
    EXPECT_STR_EQ(text_of(ms), "2026-10-25T00:30:00.000Z"); /* 02:30 summer time */
}

TEST(zone_to_utc_refuses_a_date_that_does_not_exist)
{
    struct err err;
    struct zone_time bad = {2026, 2, 29, 9, 0, 0};
    int64_t ms = 0;
    err_clear(&err);
    EXPECT_INT_EQ(zone_to_utc("Europe/Berlin", &bad, &ms, &err), -ERR_VALIDATION);
}
