/*
 * Relative period arithmetic for the filter language. Calendar periods
 * (today, this week, next quarter) are whole UTC days; rolling windows
 * (last 12 hours, next 3 months) run from or to "now" to the millisecond and
 * are widened to whole days for date fields.
 */
#include "query/filter_period.h"

#include "base/clock.h"

#define MS_PER_HOUR INT64_C(3600000)
#define MS_PER_DAY INT64_C(86400000)
/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: keeps the calendar maths in range. */
#define FILTER_MIN_MS INT64_C(-62167219200000)
#define FILTER_MAX_MS INT64_C(253402300799999)

/* Monday is 0; 1970-01-01 was a Thursday. */
static int64_t filter_weekday(int64_t days)
{
    int64_t w = (days + 3) % 7;
    return w < 0 ? w + 7 : w;
}

static int64_t filter_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* The first day of the month months_offset months away from the month holding days. */
static int64_t filter_month_start(int64_t days, int64_t months_offset)
{
    int year;
    unsigned month, day;
    clock_civil_from_days(days, &year, &month, &day);
    int64_t total = (int64_t)year * 12 + (int64_t)month - 1 + months_offset;
    int64_t y = filter_floor_div(total, 12);
    return clock_days_from_civil((int)y, (unsigned)(total - y * 12 + 1), 1);
}

/* ms moved by months calendar months, the day clamped to the target month's length. */
static int64_t filter_shift_months(int64_t ms, int64_t months)
{
    int64_t days = clock_day_of_ms(ms);
    int64_t time_ms = ms - days * MS_PER_DAY;
    int year;
    unsigned month, day;
    clock_civil_from_days(days, &year, &month, &day);
    int64_t first = filter_month_start(days, months);
    int64_t length = filter_month_start(first, 1) - first;
    int64_t d = (int64_t)day <= length ? (int64_t)day : length;
    return (first + d - 1) * MS_PER_DAY + time_ms;
}

static int64_t filter_clamp_ms(int64_t ms)
{
    if (ms < FILTER_MIN_MS)
        return FILTER_MIN_MS;
    if (ms > FILTER_MAX_MS)
        return FILTER_MAX_MS;
    return ms;
}

/* Calendar periods as whole days [*lo, *hi). */
static void filter_calendar_days(const struct filter_period *period, int64_t today, int64_t *lo,
                                 int64_t *hi)
{
    int64_t off = period->offset;
    int year;
    unsigned month, day;
    clock_civil_from_days(today, &year, &month, &day);

    switch (period->unit) {
    case FILTER_UNIT_HOUR:
    case FILTER_UNIT_DAY:
        *lo = today + off;
        *hi = *lo + 1;
        break;
    case FILTER_UNIT_WEEK:
        *lo = today - filter_weekday(today) + 7 * off;
        *hi = *lo + 7;
        break;
    case FILTER_UNIT_MONTH:
        *lo = filter_month_start(today, off);
        *hi = filter_month_start(today, off + 1);
        break;
    case FILTER_UNIT_QUARTER: {
        int64_t back = ((int64_t)month - 1) % 3;
        *lo = filter_month_start(today, 3 * off - back);
        *hi = filter_month_start(today, 3 * off - back + 3);
        break;
    }
    case FILTER_UNIT_YEAR:
        *lo = clock_days_from_civil((int)(year + off), 1, 1);
        *hi = clock_days_from_civil((int)(year + off + 1), 1, 1);
        break;
    }
}

/* Rolling windows as milliseconds [*lo, *hi], both ends included. */
static void filter_rolling_ms(const struct filter_period *period, int64_t now_ms, int64_t *lo,
                              int64_t *hi)
{
    int64_t n = period->offset < 0 ? -period->offset : period->offset;
    int64_t other = now_ms;
    int64_t sign = period->offset < 0 ? -1 : 1;

    switch (period->unit) {
    case FILTER_UNIT_HOUR:
        other = now_ms + sign * n * MS_PER_HOUR;
        break;
    case FILTER_UNIT_DAY:
        other = now_ms + sign * n * MS_PER_DAY;
        break;
    case FILTER_UNIT_WEEK:
        other = now_ms + sign * n * 7 * MS_PER_DAY;
        break;
    case FILTER_UNIT_MONTH:
        other = filter_shift_months(now_ms, sign * n);
        break;
    case FILTER_UNIT_QUARTER:
        other = filter_shift_months(now_ms, sign * n * 3);
        break;
    case FILTER_UNIT_YEAR:
        other = filter_shift_months(now_ms, sign * n * 12);
        break;
    }
    other = filter_clamp_ms(other);
    *lo = sign < 0 ? other : now_ms;
    *hi = sign < 0 ? now_ms : other;
}

void filter_period_bounds(const struct filter_period *period, enum field_type type, int64_t now_ms,
                          char lo[FILTER_BOUND_SIZE], char hi[FILTER_BOUND_SIZE])
{
    bool as_date = type == FIELD_DATE;
    int64_t lo_day = 0, hi_day = 0, lo_ms, hi_ms;

    now_ms = filter_clamp_ms(now_ms);
    switch (period->kind) {
    case FILTER_PERIOD_CALENDAR:
        filter_calendar_days(period, clock_day_of_ms(now_ms), &lo_day, &hi_day);
        break;
    case FILTER_PERIOD_DAY:
        lo_day = period->day;
        hi_day = period->day + 1;
        break;
    case FILTER_PERIOD_ROLLING:
        filter_rolling_ms(period, now_ms, &lo_ms, &hi_ms);
        if (!as_date) {
            clock_format_datetime(lo_ms, lo);
            clock_format_datetime(hi_ms + 1, hi);
            return;
        }
        lo_day = clock_day_of_ms(lo_ms);
        hi_day = clock_day_of_ms(hi_ms) + 1;
        break;
    }
    if (as_date) {
        clock_format_date(lo_day, lo);
        clock_format_date(hi_day, hi);
    } else {
        clock_format_datetime(lo_day * MS_PER_DAY, lo);
        clock_format_datetime(hi_day * MS_PER_DAY, hi);
    }
}
