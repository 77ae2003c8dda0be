/*
 * Tests for src/domain/recurrence.c: a weekly 09:00 meeting in Berlin stays
 * at 09:00 local time across both changes of the clocks, COUNT and UNTIL
 * end a series (UNTIL inclusive, in UTC), a rule without an end is expanded
 * only within the range asked for, exdates are left out, the checks of a
 * rule's text (SECONDLY and MINUTELY refused), and that jumping into a long
 * series gives the same occurrences as walking it from its start.
 */
#include "domain/recurrence.h"

#include "base/clock.h"
#include "base/err.h"
#include "domain/zone.h"
#include "../test.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MS_PER_DAY INT64_C(86400000)

static int64_t ms_of(const char *text)
{
    int64_t ms = 0;
    EXPECT_INT_EQ(clock_parse_datetime(text, strlen(text), &ms), 0);
    return ms;
}

static const char *text_of(int64_t ms)
{
    static char out[4][CLOCK_DATETIME_LEN + 1];
    static int next;
    char *s = out[next++ % 4];
    clock_format_datetime(ms, s);
    return s;
}

/* The field message of a refused rule, or "" when it was accepted. */
static const char *refusal(const char *rrule)
{
    static struct err err;
    err_clear(&err);
    if (recurrence_check(rrule, &err) == 0)
        return "";
    EXPECT_INT_EQ(err.code, ERR_VALIDATION);
    EXPECT_STR_EQ(err.fields[0].field, "rrule");
    return err.fields[0].message;
}

TEST(recurrence_weekly_at_nine_stays_at_nine_berlin_time_across_both_clock_changes)
{
    struct err err;
    int64_t out[40];
    size_t n = 0;
    err_clear(&err);
    /* Monday 2026-03-16 09:00 CET; the clocks move on 2026-03-29 and 2026-10-25. */
    int64_t start = ms_of("2026-03-16T09:00:00+01:00");
    EXPECT_INT_EQ(recurrence_between("FREQ=WEEKLY", start, "Europe/Berlin", NULL, 0, start,
                                     ms_of("2026-11-10T00:00:00Z"), out, COUNT(out), &n, &err),
                  0);
    EXPECT_INT_EQ(n, 35);
    EXPECT_STR_EQ(text_of(out[1]), "2026-03-23T08:00:00.000Z");  /* 09:00 CET */
    EXPECT_STR_EQ(text_of(out[2]), "2026-03-30T07:00:00.000Z");  /* 09:00 CEST */
    EXPECT_STR_EQ(text_of(out[32]), "2026-10-26T08:00:00.000Z"); /* 09:00 CET again */
    for (size_t i = 0; i < n; i++) {
        struct zone_time local;
        EXPECT_INT_EQ(zone_to_local("Europe/Berlin", out[i], &local, &err), 0);
        EXPECT_INT_EQ(local.hour, 9);
        EXPECT_INT_EQ(local.minute, 0);
        if (i > 0)
            EXPECT(out[i] - out[i - 1] >= 7 * MS_PER_DAY - 3600000 &&
                   out[i] - out[i - 1] <= 7 * MS_PER_DAY + 3600000);
    }
}

TEST(recurrence_count_ends_the_series)
{
    struct err err;
    int64_t out[10];
    size_t n = 0;
    err_clear(&err);
    int64_t start = ms_of("2026-01-05T10:00:00Z");
    EXPECT_INT_EQ(recurrence_between("FREQ=DAILY;COUNT=3", start, "UTC", NULL, 0, start,
                                     start + 30 * MS_PER_DAY, out, COUNT(out), &n, &err),
                  0);
    EXPECT_INT_EQ(n, 3);
    EXPECT_STR_EQ(text_of(out[2]), "2026-01-07T10:00:00.000Z");
}

TEST(recurrence_until_is_inclusive_and_in_utc)
{
    struct err err;
    int64_t out[10];
    size_t n = 0;
    err_clear(&err);
    int64_t start = ms_of("2026-03-16T09:00:00+01:00");
    /* 2026-04-06 09:00 CEST is 07:00 UTC: the last occurrence. */
    EXPECT_INT_EQ(recurrence_between("FREQ=WEEKLY;UNTIL=20260406T070000Z", start, "Europe/Berlin",
                                     NULL, 0, start, start + 100 * MS_PER_DAY, out, COUNT(out), &n,
                                     &err),
                  0);
    EXPECT_INT_EQ(n, 4);
    EXPECT_STR_EQ(text_of(out[3]), "2026-04-06T07:00:00.000Z");
    EXPECT_INT_EQ(recurrence_between("FREQ=WEEKLY;UNTIL=20260406T065959Z", start, "Europe/Berlin",
                                     NULL, 0, start, start + 100 * MS_PER_DAY, out, COUNT(out), &n,
                                     &err),
                  0);
    EXPECT_INT_EQ(n, 3);
}

TEST(recurrence_without_an_end_is_expanded_only_within_the_range)
{
    struct err err;
    int64_t out[20];
    size_t n = 0;
    err_clear(&err);
    int64_t start = ms_of("2001-02-03T08:30:00Z");
    int64_t from = ms_of("2026-05-01T00:00:00Z");
    EXPECT_INT_EQ(recurrence_between("FREQ=DAILY", start, "UTC", NULL, 0, from,
                                     from + 7 * MS_PER_DAY, out, COUNT(out), &n, &err),
                  0);
    EXPECT_INT_EQ(n, 7);
    EXPECT_STR_EQ(text_of(out[0]), "2026-05-01T08:30:00.000Z");
    EXPECT_STR_EQ(text_of(out[6]), "2026-05-07T08:30:00.000Z");
    /* At most max of them. */
    EXPECT_INT_EQ(recurrence_between("FREQ=HOURLY", start, "UTC", NULL, 0, from,
                                     from + 365 * MS_PER_DAY, out, 5, &n, &err),
                  0);
    EXPECT_INT_EQ(n, 5);
    EXPECT_STR_EQ(text_of(out[4]), "2026-05-01T04:30:00.000Z");
}

TEST(recurrence_between_leaves_out_exdates)
{
    struct err err;
    int64_t out[10];
    size_t n = 0;
    err_clear(&err);
    int64_t start = ms_of("2026-02-09T06:00:00Z");
    int64_t exdates[] = {ms_of("2026-02-11T06:00:00Z"), ms_of("2026-02-28T06:00:00Z")};
    EXPECT_INT_EQ(recurrence_between("FREQ=DAILY;COUNT=4", start, "UTC", exdates, COUNT(exdates),
                                     start, start + 10 * MS_PER_DAY, out, COUNT(out), &n, &err),
                  0);
    EXPECT_INT_EQ(n, 3);
    EXPECT_STR_EQ(text_of(out[0]), "2026-02-09T06:00:00.000Z");
    EXPECT_STR_EQ(text_of(out[1]), "2026-02-10T06:00:00.000Z");
    EXPECT_STR_EQ(text_of(out[2]), "2026-02-12T06:00:00.000Z");
}

TEST(recurrence_next_is_strictly_after_and_ends_with_the_series)
{
    struct err err;
    int64_t next = 0;
    bool found = false;
    err_clear(&err);
    int64_t start = ms_of("2026-03-16T09:00:00+01:00");
    EXPECT_INT_EQ(
        recurrence_next("FREQ=WEEKLY;COUNT=3", start, "Europe/Berlin", start, &next, &found, &err),
        0);
    EXPECT(found);
    EXPECT_STR_EQ(text_of(next), "2026-03-23T08:00:00.000Z");
    EXPECT_INT_EQ(
        recurrence_next("FREQ=WEEKLY;COUNT=3", start, "Europe/Berlin", next, &next, &found, &err),
        0);
    EXPECT(found);
    EXPECT_STR_EQ(text_of(next), "2026-03-30T07:00:00.000Z");
    EXPECT_INT_EQ(
        recurrence_next("FREQ=WEEKLY;COUNT=3", start, "Europe/Berlin", next, &next, &found, &err),
        0);
    EXPECT(!found);
    /* Years into a series without an end. */
    EXPECT_INT_EQ(recurrence_next("FREQ=MONTHLY;BYDAY=1TU", ms_of("2012-10-02T10:00:00-07:00"),
                                  "America/Los_Angeles", ms_of("2026-05-06T00:00:00Z"), &next,
                                  &found, &err),
                  0);
    EXPECT(found);
    EXPECT_STR_EQ(text_of(next), "2026-06-02T17:00:00.000Z"); /* 10:00 PDT */
}

TEST(recurrence_check_refuses_secondly_and_minutely)
{
    EXPECT_CONTAINS(refusal("FREQ=SECONDLY"), "SECONDLY is not supported");
    EXPECT_CONTAINS(refusal("FREQ=MINUTELY;INTERVAL=15"), "MINUTELY is not supported");
    EXPECT_CONTAINS(refusal("FREQ=HOURLY;BYMINUTE=0,15,30,45"), "BYMINUTE takes one value");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;BYSECOND=5"), "BYSECOND");
}

TEST(recurrence_check_refuses_what_is_not_a_rule)
{
    EXPECT_CONTAINS(refusal(""), "empty");
    EXPECT_CONTAINS(refusal("RRULE:FREQ=DAILY"), "without the RRULE: prefix");
    EXPECT_CONTAINS(refusal("COUNT=3"), "FREQ is required");
    EXPECT_CONTAINS(refusal("FREQ=FORTNIGHTLY"), "FREQ must be");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;FREQ=WEEKLY"), "FREQ is given twice");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;X-NAME=1"), "unknown part X-NAME");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;COUNT"), "NAME=VALUE");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;;COUNT=2"), "NAME=VALUE");
    EXPECT_CONTAINS(refusal("FREQ=DAILY; COUNT=2"), "no spaces");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;INTERVAL=0"), "INTERVAL must be a number from 1 to 1000");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;INTERVAL=-2"), "INTERVAL");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;COUNT=1001"), "COUNT must be a number from 1 to 1000");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;COUNT=3x"), "COUNT");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;COUNT=99999999999"), "COUNT");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;COUNT=2;UNTIL=20260101T000000Z"), "not be given together");
    EXPECT_CONTAINS(refusal("FREQ=DAILY;UNTIL=tomorrow"), "UNTIL must be");
    EXPECT_CONTAINS(refusal("FREQ=WEEKLY;BYDAY=XX"), "BYDAY");
    EXPECT_CONTAINS(refusal("FREQ=MONTHLY;BYMONTHDAY=5x"), "BYMONTHDAY");
    EXPECT_CONTAINS(refusal("FREQ=WEEKLY;WKST=XY"), "WKST");
    EXPECT_CONTAINS(refusal("FREQ=MONTHLY;BYSETPOS=-2"), "BYSETPOS needs another BY part");
}

TEST(recurrence_check_accepts_ordinary_rules)
{
    EXPECT_STR_EQ(refusal("FREQ=WEEKLY;COUNT=3"), "");
    EXPECT_STR_EQ(refusal("FREQ=WEEKLY;BYDAY=MO,WE,FR;INTERVAL=2"), "");
    EXPECT_STR_EQ(refusal("FREQ=MONTHLY;BYDAY=-1FR"), "");
    EXPECT_STR_EQ(refusal("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"), "");
    EXPECT_STR_EQ(refusal("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"), "");
    EXPECT_STR_EQ(refusal("freq=daily;until=20261231"), "");
    EXPECT_STR_EQ(refusal("FREQ=DAILY;UNTIL=20261231T235959Z"), "");
    EXPECT_STR_EQ(refusal("FREQ=HOURLY;INTERVAL=4;BYMINUTE=30"), "");
    EXPECT_STR_EQ(refusal("FREQ=DAILY;COUNT=1000"), "");
}

TEST(recurrence_between_refuses_an_unknown_zone)
{
    struct err err;
    int64_t out[2];
    size_t n = 0;
    err_clear(&err);
    EXPECT_INT_EQ(recurrence_between("FREQ=DAILY", 0, "Moon/Base", NULL, 0, 0, MS_PER_DAY, out,
                                     COUNT(out), &n, &err),
                  -ERR_VALIDATION);
    EXPECT_STR_EQ(err.fields[0].field, "time_zone");
}

/* Jumping into a long series finds what walking it from its start finds. */
TEST(recurrence_between_late_in_a_series_matches_a_walk_from_its_start)
{
    static const char *const rules[] = {
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=3",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE",
        "FREQ=WEEKLY;BYDAY=SU",
        "FREQ=MONTHLY;BYDAY=1TU",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYMONTHDAY=31",
        "FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=15",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=YEARLY;INTERVAL=2",
        "FREQ=HOURLY;INTERVAL=7",
        "FREQ=DAILY;UNTIL=20250101T000000Z",
    };
    static int64_t all[20000], late[2000];
    struct err err;
    err_clear(&err);
    int64_t start = ms_of("2016-02-29T09:15:00+01:00");
    int64_t from = ms_of("2024-03-20T00:00:00Z"), to = ms_of("2025-06-01T00:00:00Z");
    for (size_t r = 0; r < COUNT(rules); r++) {
        size_t n_all = 0, n_late = 0, k = 0;
        EXPECT_INT_EQ(recurrence_between(rules[r], start, "Europe/Berlin", NULL, 0, start, to, all,
                                         COUNT(all), &n_all, &err),
                      0);
        EXPECT_INT_EQ(recurrence_between(rules[r], start, "Europe/Berlin", NULL, 0, from, to, late,
                                         COUNT(late), &n_late, &err),
                      0);
        while (k < n_all && all[k] < from)
            k++;
        EXPECT_INT_EQ(n_all - k, n_late);
        for (size_t i = 0; i < n_late && k + i < n_all; i++) {
            if (all[k + i] != late[i]) {
                test_fail(__FILE__, __LINE__, "%s: occurrence %zu is %s, walked %s", rules[r], i,
                          text_of(late[i]), text_of(all[k + i]));
                break;
            }
        }
    }
}
