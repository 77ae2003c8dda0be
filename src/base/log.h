/*
 * Logging: one line per event, key=value pairs, written with a single
 * write() so lines from different threads never interleave. Values that may
 * contain spaces or quotes go through log_quote(). Never log passwords,
 * tokens or message bodies.
 */
#ifndef CRM_BASE_LOG_H
#define CRM_BASE_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
/* Parses "debug", "info", "warn", "error"; -1 when unknown. */
int log_level_parse(const char *name);
void log_set_fd(int fd);

/* Writes "ts=... level=info event=<event> <fmt...>\n". */
void log_event(enum log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_debug(event, ...) log_event(LOG_DEBUG, event, __VA_ARGS__)
#define log_info(event, ...) log_event(LOG_INFO, event, __VA_ARGS__)
#define log_warn(event, ...) log_event(LOG_WARN, event, __VA_ARGS__)
#define log_error(event, ...) log_event(LOG_ERROR, event, __VA_ARGS__)

/* Writes value as a double-quoted, escaped token into out (always terminated). */
const char *log_quote(char *out, size_t out_size, const char *value);

#endif
