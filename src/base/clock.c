/*
 * Clock readings and proleptic Gregorian calendar arithmetic in UTC. The
 * day <-> civil date conversions follow Howard Hinnant's era-based
 * algorithms (400-year eras of 146097 days, years starting in March so the
 * leap day falls at the end). Formatting covers years 0000-9999; values
 * outside are clamped so the output always has its fixed length.
 */
#include "base/clock.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "base/err.h"

#define MS_PER_DAY INT64_C(86400000)
/* 0000-01-01 .. 9999-12-31 in days since the epoch. */
#define CLOCK_MIN_DAYS INT64_C(-719528)
#define CLOCK_MAX_DAYS INT64_C(2932896)

static int64_t clock_read_ms(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_now_ms(void)
{
    return clock_read_ms(CLOCK_REALTIME);
}

int64_t clock_monotonic_ms(void)
{
    return clock_read_ms(CLOCK_MONOTONIC);
}

int64_t clock_days_from_civil(int year, unsigned month, unsigned day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                      /* [0, 399] */
    int64_t mp = month > 2 ? (int64_t)month - 3 : (int64_t)month + 9; /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)day - 1;              /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;              /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void clock_civil_from_days(int64_t days, int *year, unsigned *month, unsigned *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = m;
    *day = d;
}

int64_t clock_day_of_ms(int64_t ms)
{
    int64_t days = ms / MS_PER_DAY;
    if (ms % MS_PER_DAY < 0)
        days--;
    return days;
}

static bool clock_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static unsigned clock_days_in_month(int year, unsigned month)
{
    static const unsigned char lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && clock_is_leap(year) ? 29 : lengths[month - 1];
}

void clock_format_date(int64_t days, char *out)
{
    int year;
    unsigned month, day;
    if (days < CLOCK_MIN_DAYS)
        days = CLOCK_MIN_DAYS;
    if (days > CLOCK_MAX_DAYS)
        days = CLOCK_MAX_DAYS;
    clock_civil_from_days(days, &year, &month, &day);
    snprintf(out, CLOCK_DATE_LEN + 1, "%04d-%02u-%02u", year, month, day);
}

void clock_format_datetime(int64_t ms, char *out)
{
    int64_t days = clock_day_of_ms(ms);
    int64_t rem = ms % MS_PER_DAY;
    if (rem < 0)
        rem += MS_PER_DAY;
    if (days < CLOCK_MIN_DAYS) {
        days = CLOCK_MIN_DAYS;
        rem = 0;
    }
    if (days > CLOCK_MAX_DAYS) {
        days = CLOCK_MAX_DAYS;
        rem = MS_PER_DAY - 1;
    }
    int year;
    unsigned month, day;
    clock_civil_from_days(days, &year, &month, &day);
    unsigned hh = (unsigned)(rem / 3600000), mm = (unsigned)(rem / 60000 % 60);
    unsigned ss = (unsigned)(rem / 1000 % 60), fff = (unsigned)(rem % 1000);
    snprintf(out, CLOCK_DATETIME_LEN + 1, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", year, month, day,
             hh, mm, ss, fff);
}

/* Reads exactly n ASCII digits at s; false on anything else. */
static bool clock_digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

int clock_parse_date(const char *s, size_t len, int64_t *days_out)
{
    unsigned year, month, day;
    if (len != CLOCK_DATE_LEN || s[4] != '-' || s[7] != '-')
        return -ERR_BAD_REQUEST;
    if (!clock_digits(s, 4, &year) || !clock_digits(s + 5, 2, &month) ||
        !clock_digits(s + 8, 2, &day))
        return -ERR_BAD_REQUEST;
    if (month < 1 || month > 12 || day < 1 || day > clock_days_in_month((int)year, month))
        return -ERR_BAD_REQUEST;
    *days_out = clock_days_from_civil((int)year, month, day);
    return 0;
}

int clock_parse_datetime(const char *s, size_t len, int64_t *ms_out)
{
    int64_t days;
    unsigned hh, mm, ss = 0, ms = 0;
    size_t i;

    if (len < CLOCK_DATE_LEN || clock_parse_date(s, CLOCK_DATE_LEN, &days) < 0)
        return -ERR_BAD_REQUEST;
    if (len == CLOCK_DATE_LEN) {
        *ms_out = days * MS_PER_DAY;
        return 0;
    }
    /* "THH:MM" */
    if (len < 16 || s[10] != 'T' || s[13] != ':' || !clock_digits(s + 11, 2, &hh) ||
        !clock_digits(s + 14, 2, &mm) || hh > 23 || mm > 59)
        return -ERR_BAD_REQUEST;
    i = 16;
    if (i < len && s[i] == ':') {
        if (len - i < 3 || !clock_digits(s + i + 1, 2, &ss) || ss > 59)
            return -ERR_BAD_REQUEST;
        i += 3;
        if (i < len && s[i] == '.') {
            /* One to three fractional digits: ".5" is 500 ms. */
            size_t n = 0;
            i++;
            while (i + n < len && n < 4 && s[i + n] >= '0' && s[i + n] <= '9')
                n++;
            if (n == 0 || n > 3)
                return -ERR_BAD_REQUEST;
            clock_digits(s + i, n, &ms);
            for (size_t k = n; k < 3; k++)
                ms *= 10;
            i += n;
        }
    }
    int64_t offset_ms = 0;
    if (i < len && s[i] == 'Z') {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        unsigned oh, om;
        if (len - i < 6 || s[i + 3] != ':' || !clock_digits(s + i + 1, 2, &oh) ||
            !clock_digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
            return -ERR_BAD_REQUEST;
        offset_ms = ((int64_t)oh * 60 + om) * 60000;
        if (s[i] == '-')
            offset_ms = -offset_ms;
        i += 6;
    } else {
        return -ERR_BAD_REQUEST;
    }
    if (i != len)
        return -ERR_BAD_REQUEST;
    int64_t local = days * MS_PER_DAY + (((int64_t)hh * 60 + mm) * 60 + ss) * 1000 + ms;
    /* Local time = UTC + offset, so UTC = local - offset. */
    *ms_out = local - offset_ms;
    return 0;
}
