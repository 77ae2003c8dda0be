/*
 * Job kind birthdays {date}: daily, the owner of each live contact whose
 * birthday comes birthday_reminder_days (a setting, default 3) after date
 * gets a birthday notification, once per contact and year (source key
 * birthday:<contact id>:<year of the birthday>). A Feb 29 birthday counts
 * as Feb 28 in the years without one.
 */
#include "jobs/kinds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "store/jobs.h"
#include "store/notifications.h"
#include "store/store.h"

static bool year_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* The setting, or the default when it is absent or not a number of days. */
static int birthday_days(struct job_context *ctx, int64_t *days, struct err *err)
{
    struct setting_row row;
    *days = BIRTHDAY_DAYS_DEFAULT;
    int rc = store_setting_get(ctx->conn, ctx->arena, SETTING_BIRTHDAY_REMINDER_DAYS, &row, err);
    if (rc < 0 || row.value == NULL)
        return rc;
    char *end = NULL;
    errno = 0;
    long n = strtol(row.value, &end, 10);
    if (errno == 0 && end != row.value && *end == '\0' && n >= 0 && n <= BIRTHDAY_DAYS_MAX)
        *days = n;
    return 0;
}

int birthdays_run(struct job_context *ctx, const json_t *payload, struct err *err)
{
    const char *date = json_string_value(json_object_get(payload, "date"));
    int64_t day = 0, ahead = 0;
    if (date == NULL || clock_parse_date(date, strlen(date), &day) < 0)
        return err_set(err, ERR_INTERNAL, "the payload wants date (YYYY-MM-DD)");
    int rc = birthday_days(ctx, &ahead, err);
    if (rc < 0)
        return rc;
    int year;
    unsigned month, mday;
    clock_civil_from_days(day + ahead, &year, &month, &mday);
    char month_day[6];
    snprintf(month_day, sizeof(month_day), "%02u-%02u", month, mday);
    struct birthday_contact *contacts = NULL;
    size_t n = 0, n_made = 0;
    rc = store_contacts_with_birthday(ctx->conn, ctx->arena, month_day,
                                      month == 2 && mday == 28 && !year_is_leap(year), &contacts,
                                      &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *name = contacts[i].name[0] != '\0' ? contacts[i].name
                                                       : arena_printf(ctx->arena, "Contact %lld",
                                                                      (long long)contacts[i].id);
        struct notification note = {
            .user_id = contacts[i].owner_id,
            .kind = "birthday",
            .summary = arena_printf(ctx->arena, "%s's birthday on %s", name, month_day),
            .entity = "contacts",
            .record_id = contacts[i].id,
            .source_key =
                arena_printf(ctx->arena, "birthday:%lld:%d", (long long)contacts[i].id, year),
        };
        bool created = false;
        rc = store_notification_add(ctx->conn, ctx->arena, &note, &created, err);
        n_made += created ? 1 : 0;
    }
    if (rc == 0 && n_made > 0)
        log_info("birthdays_notified", "date=%s notifications=%zu", month_day, n_made);
    return rc;
}
