/*
 * Tests for src/base/clock.c: civil date arithmetic, leap years, strict ISO
 * 8601 parsing with offsets, formatting and round trips.
 */
#include "base/clock.h"

#include "base/err.h"
#include "../test.h"

static int64_t parse_date(const char *s)
{
    int64_t days = -999999999;
    EXPECT_INT_EQ(clock_parse_date(s, strlen(s), &days), 0);
    return days;
}

static int64_t parse_datetime(const char *s)
{
    int64_t ms = -999999999;
    EXPECT_INT_EQ(clock_parse_datetime(s, strlen(s), &ms), 0);
    return ms;
}

static int date_rejected(const char *s)
{
    int64_t days = 0;
    return clock_parse_date(s, strlen(s), &days) == -ERR_BAD_REQUEST;
}

static int datetime_rejected(const char *s)
{
    int64_t ms = 0;
    return clock_parse_datetime(s, strlen(s), &ms) == -ERR_BAD_REQUEST;
}

TEST(clock_counts_days_from_the_epoch)
{
    EXPECT_INT_EQ(clock_days_from_civil(1970, 1, 1), 0);
    EXPECT_INT_EQ(clock_days_from_civil(1970, 1, 2), 1);
    EXPECT_INT_EQ(clock_days_from_civil(1969, 12, 31), -1);
    EXPECT_INT_EQ(clock_days_from_civil(2000, 3, 1), 11017);
    EXPECT_INT_EQ(clock_days_from_civil(2026, 11, 23), 20780);
}

TEST(clock_civil_from_days_inverts_days_from_civil_over_centuries)
{
    for (int64_t d = -800000; d <= 3000000; d += 13) {
        int y;
        unsigned m, day;
        clock_civil_from_days(d, &y, &m, &day);
        EXPECT(m >= 1 && m <= 12 && day >= 1 && day <= 31);
        EXPECT_INT_EQ(clock_days_from_civil(y, m, day), d);
    }
}

TEST(clock_knows_2000_and_2024_are_leap_years_and_1900_is_not)
{
    EXPECT_INT_EQ(parse_date("2000-02-29"), clock_days_from_civil(2000, 3, 1) - 1);
    EXPECT_INT_EQ(parse_date("2024-02-29"), clock_days_from_civil(2024, 3, 1) - 1);
    EXPECT(date_rejected("1900-02-29"));
    EXPECT(date_rejected("2026-02-29"));
    EXPECT_INT_EQ(clock_days_from_civil(2000, 12, 31) - clock_days_from_civil(2000, 1, 1), 365);
    EXPECT_INT_EQ(clock_days_from_civil(1900, 12, 31) - clock_days_from_civil(1900, 1, 1), 364);
}

TEST(clock_parse_date_rejects_invalid_dates)
{
    EXPECT(date_rejected("2026-13-01"));
    EXPECT(date_rejected("2026-00-10"));
    EXPECT(date_rejected("2026-04-31"));
    EXPECT(date_rejected("2026-01-00"));
    EXPECT(date_rejected("2026-01-32"));
    EXPECT(date_rejected("2026-1-01"));
    EXPECT(date_rejected("2026/01/01"));
    EXPECT(date_rejected("2026-01-01 "));
    EXPECT(date_rejected("+026-01-01"));
    EXPECT(date_rejected("20260101"));
    EXPECT(date_rejected(""));
}

TEST(clock_formats_dates_and_datetimes)
{
    char date[CLOCK_DATE_LEN + 1], dt[CLOCK_DATETIME_LEN + 1];
    clock_format_date(0, date);
    EXPECT_STR_EQ(date, "1970-01-01");
    clock_format_date(20780, date);
    EXPECT_STR_EQ(date, "2026-11-23");
    clock_format_datetime(0, dt);
    EXPECT_STR_EQ(dt, "1970-01-01T00:00:00.000Z");
    clock_format_datetime(-1, dt);
    EXPECT_STR_EQ(dt, "1969-12-31T23:59:59.999Z");
    clock_format_datetime(INT64_C(20780) * 86400000 + 36900123, dt);
    EXPECT_STR_EQ(dt, "2026-11-23T10:15:00.123Z");
}

TEST(clock_handles_far_dates)
{
    char date[CLOCK_DATE_LEN + 1], dt[CLOCK_DATETIME_LEN + 1];
    EXPECT_INT_EQ(parse_date("0000-01-01"), -719528);
    EXPECT_INT_EQ(parse_date("9999-12-31"), 2932896);
    EXPECT_INT_EQ(parse_date("1600-02-29"), clock_days_from_civil(1600, 3, 1) - 1);
    clock_format_date(-719528, date);
    EXPECT_STR_EQ(date, "0000-01-01");
    clock_format_datetime(parse_datetime("9999-12-31T23:59:59.999Z"), dt);
    EXPECT_STR_EQ(dt, "9999-12-31T23:59:59.999Z");
    /* Out of the four-digit range: clamped, never longer than the fixed width. */
    clock_format_date(INT64_C(10000000), date);
    EXPECT_STR_EQ(date, "9999-12-31");
    clock_format_datetime(INT64_MIN, dt);
    EXPECT_STR_EQ(dt, "0000-01-01T00:00:00.000Z");
}

TEST(clock_day_of_ms_floors_negative_times)
{
    EXPECT_INT_EQ(clock_day_of_ms(0), 0);
    EXPECT_INT_EQ(clock_day_of_ms(86399999), 0);
    EXPECT_INT_EQ(clock_day_of_ms(86400000), 1);
    EXPECT_INT_EQ(clock_day_of_ms(-1), -1);
    EXPECT_INT_EQ(clock_day_of_ms(-86400000), -1);
    EXPECT_INT_EQ(clock_day_of_ms(-86400001), -2);
}

TEST(clock_parses_datetimes_in_every_accepted_form)
{
    int64_t base = INT64_C(20780) * 86400000; /* 2026-11-23 */
    EXPECT_INT_EQ(parse_datetime("2026-11-23"), base);
    EXPECT_INT_EQ(parse_datetime("2026-11-23T10:15Z"), base + 36900000);
    EXPECT_INT_EQ(parse_datetime("2026-11-23T10:15:07Z"), base + 36907000);
    EXPECT_INT_EQ(parse_datetime("2026-11-23T10:15:07.250Z"), base + 36907250);
    EXPECT_INT_EQ(parse_datetime("2026-11-23T10:15:07.5Z"), base + 36907500);
}

TEST(clock_applies_utc_offsets)
{
    int64_t utc = parse_datetime("2026-11-23T10:00:00Z");
    EXPECT_INT_EQ(parse_datetime("2026-11-23T13:00:00+03:00"), utc);
    EXPECT_INT_EQ(parse_datetime("2026-11-23T05:30:00-04:30"), utc);
    EXPECT_INT_EQ(parse_datetime("2026-11-23T10:00+00:00"), utc);
    /* An offset can move the instant to another UTC day. */
    char dt[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(parse_datetime("2026-01-01T01:00:00+05:00"), dt);
    EXPECT_STR_EQ(dt, "2025-12-31T20:00:00.000Z");
}

TEST(clock_parse_datetime_rejects_malformed_input)
{
    EXPECT(datetime_rejected("2026-11-23T10:15"));
    EXPECT(datetime_rejected("2026-11-23 10:15Z"));
    EXPECT(datetime_rejected("2026-11-23t10:15Z"));
    EXPECT(datetime_rejected("2026-11-23T10:15z"));
    EXPECT(datetime_rejected("2026-11-23T24:00Z"));
    EXPECT(datetime_rejected("2026-11-23T10:60Z"));
    EXPECT(datetime_rejected("2026-11-23T10:15:60Z"));
    EXPECT(datetime_rejected("2026-11-23T10:15:00.Z"));
    EXPECT(datetime_rejected("2026-11-23T10:15:00.1234Z"));
    EXPECT(datetime_rejected("2026-11-23T10:15:00+0300"));
    EXPECT(datetime_rejected("2026-11-23T10:15:00+03"));
    EXPECT(datetime_rejected("2026-11-23T10:15:00+24:00"));
    EXPECT(datetime_rejected("2026-11-23T10:15:00Z "));
    EXPECT(datetime_rejected("2026-11-23T1:15Z"));
    EXPECT(datetime_rejected("2026-02-29T10:15Z"));
    EXPECT(datetime_rejected("2026-11-23T"));
    EXPECT(datetime_rejected(""));
}

TEST(clock_format_and_parse_round_trip)
{
    const int64_t samples[] = {
        0, 1, -1, 951782400000, 1798000000123, -2208988800000, 253402300799999};
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        char dt[CLOCK_DATETIME_LEN + 1];
        clock_format_datetime(samples[i], dt);
        EXPECT_INT_EQ(strlen(dt), CLOCK_DATETIME_LEN);
        EXPECT_INT_EQ(parse_datetime(dt), samples[i]);
    }
    for (int64_t d = -719528; d <= 2932896; d += 997) {
        char date[CLOCK_DATE_LEN + 1];
        clock_format_date(d, date);
        EXPECT_INT_EQ(parse_date(date), d);
    }
}

TEST(clock_reads_realtime_and_monotonic_clocks)
{
    int64_t now = clock_now_ms();
    EXPECT(now > INT64_C(1700000000000));
    int64_t a = clock_monotonic_ms();
    int64_t b = clock_monotonic_ms();
    EXPECT(b >= a);
}
