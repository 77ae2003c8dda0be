/*
 * Tests for src/base/log.c: line format, level filtering and value quoting.
 */
#include "base/log.h"

#include <unistd.h>

#include "../test.h"

/* Logs through a pipe and returns what one read gives back. */
static void read_pipe(int fd, char *out, size_t out_size)
{
    ssize_t n = read(fd, out, out_size - 1);
    out[n > 0 ? n : 0] = '\0';
}

TEST(log_writes_one_key_value_line_per_event)
{
    int fds[2];
    char line[512];
    EXPECT_INT_EQ(pipe(fds), 0);
    log_set_fd(fds[1]);
    log_set_level(LOG_INFO);
    log_info("contact.created", "id=%d user=%s", 7, "ann");
    read_pipe(fds[0], line, sizeof(line));
    EXPECT(strncmp(line, "ts=", 3) == 0);
    EXPECT_INT_EQ(strlen(line), strlen("ts=2026-11-23T10:00:00.000Z level=info "
                                       "event=contact.created id=7 user=ann\n"));
    EXPECT_CONTAINS(line, "Z level=info event=contact.created id=7 user=ann\n");
    EXPECT_INT_EQ(line[26], 'Z');
}

TEST(log_drops_events_below_the_level)
{
    int fds[2];
    char line[512];
    EXPECT_INT_EQ(pipe(fds), 0);
    log_set_fd(fds[1]);
    log_set_level(LOG_WARN);
    log_info("hidden", "x=1");
    log_error("shown", "%s", "");
    read_pipe(fds[0], line, sizeof(line));
    EXPECT_CONTAINS(line, "level=error event=shown\n");
    EXPECT(strstr(line, "hidden") == NULL);
}

TEST(log_cuts_overlong_lines_but_keeps_the_newline)
{
    int fds[2];
    static char big[8000], line[8192];
    EXPECT_INT_EQ(pipe(fds), 0);
    memset(big, 'v', sizeof(big) - 1);
    log_set_fd(fds[1]);
    log_set_level(LOG_DEBUG);
    log_debug("big", "v=%s", big);
    read_pipe(fds[0], line, sizeof(line));
    size_t len = strlen(line);
    EXPECT(len < 4100);
    EXPECT(strcmp(line + len - 4, "...\n") == 0);
}

TEST(log_level_parse_knows_the_four_names)
{
    EXPECT_INT_EQ(log_level_parse("debug"), LOG_DEBUG);
    EXPECT_INT_EQ(log_level_parse("info"), LOG_INFO);
    EXPECT_INT_EQ(log_level_parse("warn"), LOG_WARN);
    EXPECT_INT_EQ(log_level_parse("error"), LOG_ERROR);
    EXPECT_INT_EQ(log_level_parse("verbose"), -1);
}

TEST(log_quote_escapes_quotes_backslashes_and_control_characters)
{
    char out[64];
    EXPECT_STR_EQ(log_quote(out, sizeof(out), "plain"), "\"plain\"");
    EXPECT_STR_EQ(log_quote(out, sizeof(out), "say \"hi\""), "\"say \\\"hi\\\"\"");
    EXPECT_STR_EQ(log_quote(out, sizeof(out), "a\\b"), "\"a\\\\b\"");
    EXPECT_STR_EQ(log_quote(out, sizeof(out), "l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
    EXPECT_STR_EQ(log_quote(out, sizeof(out), "\x01\x7f"), "\"\\x01\\x7f\"");
    EXPECT_STR_EQ(log_quote(out, sizeof(out), ""), "\"\"");
}

TEST(log_quote_truncates_without_splitting_an_escape)
{
    char out[6];
    EXPECT_STR_EQ(log_quote(out, sizeof(out), "abcdef"), "\"abc\"");
    EXPECT_STR_EQ(log_quote(out, sizeof(out), "ab\"c"), "\"ab\"");
    char tiny[2];
    EXPECT_STR_EQ(log_quote(tiny, sizeof(tiny), "x"), "");
}
