/*
 * The arithmetic of the day plan and its reports, as pure functions over
 * numbers: a user's figures for one local day, the ISO weeks that sum them,
 * the percentage, and the calendar periods of the task report. The store
 * loads the tasks and time entries; the API finds each day's UTC bounds in
 * the user's time zone (domain/zone.h) and shapes the answer.
 *
 * Definitions, for user U and local day D = [from_ms, to_ms) in U's time
 * zone (a day of 23 or 25 hours when the clocks change):
 *   planned          U's tasks due within D, not cancelled;
 *   done             those of them done (status done, done_at) before D's end;
 *   overdue_carried  U's tasks due before D's end that were still not done
 *                    at D's end, not cancelled (D's own unfinished tasks too);
 *   time_planned_s   the sum of estimate_s over planned (no estimate: 0);
 *   time_logged_s    the seconds of U's finished time entries started within D;
 *   effectiveness    done / planned as a percentage rounded half up to an
 *                    integer; none (null) when nothing was planned.
 * Trashed tasks count nowhere. A week's figures are the sums of its days,
 * its effectiveness the percentage of the summed done and planned.
 */
#ifndef CRM_DOMAIN_EFFECTIVENESS_H
#define CRM_DOMAIN_EFFECTIVENESS_H

#include <stddef.h>
#include <stdint.h>

/* done_ms of a task that is not done; a done task without done_at has INT64_MIN. */
#define EFFECTIVENESS_NOT_DONE INT64_MAX
/* The effectiveness of a day (or week) with nothing planned. */
#define EFFECTIVENESS_NONE (-1)
/* The longest range a report covers, in days. */
#define EFFECTIVENESS_MAX_DAYS 93
#define EFFECTIVENESS_WEEK_LEN 8 /* "2026-W05" */

/* One task of U as the arithmetic sees it (cancelled tasks are left out by the caller). */
struct effectiveness_task {
    int64_t due_ms;
    int64_t done_ms; /* EFFECTIVENESS_NOT_DONE unless its status is done */
    int64_t estimate_s;
};

/* One finished time entry of U. */
struct effectiveness_entry {
    int64_t started_ms;
    int64_t seconds;
};

/* One local day of U: the bounds are the caller's, the figures effectiveness_day_compute's. */
struct effectiveness_day {
    int64_t date; /* the local date, in days since 1970-01-01 */
    int64_t from_ms;
    int64_t to_ms;
    int64_t planned;
    int64_t done;
    int64_t overdue_carried;
    int64_t time_planned_s;
    int64_t time_logged_s;
    int effectiveness; /* percent, or EFFECTIVENESS_NONE */
};

/* The sums of the days of one ISO week (of one user or of several). */
struct effectiveness_week {
    char label[EFFECTIVENESS_WEEK_LEN + 1]; /* "2026-W05" */
    int64_t planned;
    int64_t done;
    int64_t time_planned_s;
    int64_t time_logged_s;
};

/* done / planned in percent rounded half up; EFFECTIVENESS_NONE when planned is 0. */
int effectiveness_percent(int64_t done, int64_t planned);

/*
 * Fills the figures of day (whose date and bounds are set) from tasks and
 * entries, which may reach outside the day. carried_before counts tasks the
 * caller left out of tasks because they are carried over every day of its
 * range (due before the range and never done).
 */
void effectiveness_day_compute(struct effectiveness_day *day,
                               const struct effectiveness_task *tasks, size_t n_tasks,
                               int64_t carried_before, const struct effectiveness_entry *entries,
                               size_t n_entries);

/* The day of the week of a date (days since 1970-01-01): 0 Monday .. 6 Sunday. */
int effectiveness_weekday(int64_t date);
/* The ISO 8601 week of a date as "YYYY-Www" (the year the week's Thursday is in). */
void effectiveness_iso_week(int64_t date, char out[EFFECTIVENESS_WEEK_LEN + 1]);
/* How many ISO weeks the dates first..last (first <= last) touch. */
size_t effectiveness_week_count(int64_t first, int64_t last);
/* The position of date's week among the weeks from first's week on. */
size_t effectiveness_week_index(int64_t first, int64_t date);
/* Starts the week of date (label set, sums zero). */
void effectiveness_week_init(struct effectiveness_week *week, int64_t date);
/* Adds a day's figures to its week. */
void effectiveness_week_add(struct effectiveness_week *week, const struct effectiveness_day *day);

/* The periods of the task report. */
enum effectiveness_period {
    EFFECTIVENESS_PERIOD_DAY,
    EFFECTIVENESS_PERIOD_WEEK,  /* ISO week, Monday to Sunday */
    EFFECTIVENESS_PERIOD_MONTH, /* calendar month */
};

/* "day", "week" or "month"; -1 for anything else. */
int effectiveness_period_parse(const char *name);
const char *effectiveness_period_name(enum effectiveness_period period);
/* The first and last dates (inclusive) of the period holding date. */
void effectiveness_period_range(enum effectiveness_period period, int64_t date, int64_t *first,
                                int64_t *last);

#endif
