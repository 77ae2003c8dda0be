/*
 * Tests for src/config/config.c: defaults, CRM_* environment variables over
 * defaults, flags over both, the two flag forms, bad values, --help and the
 * listen address split.
 */
#include "config/config.h"

#include <stdio.h>

#include "../test.h"

static const char *const env_names[] = {
    "CRM_DB",
    "CRM_LISTEN",
    "CRM_STATIC_DIR",
    "CRM_THREADS",
    "CRM_POOL_SIZE",
    "CRM_MAX_BODY_BYTES",
    "CRM_MAX_HEADER_BYTES",
    "CRM_MAX_JSON_DEPTH",
    "CRM_REQUEST_TIMEOUT",
    "CRM_SHUTDOWN_GRACE_MS",
    "CRM_LOG_LEVEL",
    "CRM_DEMO",
    "CRM_BASE_CURRENCY",
    "CRM_DEMO_MAVEN",
};

/* Each test runs in its own process, so changing the environment is safe. */
static void clear_env(void)
{
    for (size_t i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++)
        unsetenv(env_names[i]);
}

#define LOAD(config, err, ...)                                                                     \
    load((config), (err), (char *[]){__VA_ARGS__, NULL},                                           \
         (int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)))

static int load(struct config *config, struct err *err, char **argv, int argc)
{
    err_clear(err);
    return config_load(config, argc, argv, err);
}

static int load_no_args(struct config *config, struct err *err)
{
    char *argv[] = {NULL};
    err_clear(err);
    return config_load(config, 0, argv, err);
}

TEST(config_load_fills_every_option_with_its_default)
{
    clear_env();
    struct config c;
    struct err err;
    EXPECT_INT_EQ(load_no_args(&c, &err), 0);
    EXPECT_STR_EQ(c.db, "var/crm.db");
    EXPECT_STR_EQ(c.listen, "127.0.0.1:8080");
    EXPECT_STR_EQ(c.static_dir, "web/dist");
    EXPECT_INT_EQ(c.threads, 0);
    EXPECT_INT_EQ(c.pool_size, 0);
    EXPECT_INT_EQ(c.max_body_bytes, 1048576);
    EXPECT_INT_EQ(c.max_header_bytes, 16384);
    EXPECT_INT_EQ(c.max_json_depth, 32);
    EXPECT_INT_EQ(c.request_timeout_s, 30);
    EXPECT_INT_EQ(c.shutdown_grace_ms, 10000);
    EXPECT_STR_EQ(c.log_level, "info");
    EXPECT(!c.demo);
    EXPECT_STR_EQ(c.base_currency, "EUR");
}

TEST(config_load_takes_crm_environment_variables_over_defaults)
{
    clear_env();
    setenv("CRM_DB", "postgresql://crm@localhost/crm", 1);
    setenv("CRM_THREADS", "4", 1);
    setenv("CRM_MAX_BODY_BYTES", "5000000000", 1);
    setenv("CRM_LOG_LEVEL", "debug", 1);
    setenv("CRM_DEMO", "true", 1);
    struct config c;
    struct err err;
    EXPECT_INT_EQ(load_no_args(&c, &err), 0);
    EXPECT_STR_EQ(c.db, "postgresql://crm@localhost/crm");
    EXPECT_INT_EQ(c.threads, 4);
    EXPECT_INT_EQ(c.max_body_bytes, 5000000000LL);
    EXPECT_STR_EQ(c.log_level, "debug");
    EXPECT(c.demo);
    EXPECT_STR_EQ(c.listen, "127.0.0.1:8080");
}

TEST(config_load_ignores_empty_environment_variables)
{
    clear_env();
    setenv("CRM_DB", "", 1);
    setenv("CRM_THREADS", "", 1);
    struct config c;
    struct err err;
    EXPECT_INT_EQ(load_no_args(&c, &err), 0);
    EXPECT_STR_EQ(c.db, "var/crm.db");
    EXPECT_INT_EQ(c.threads, 0);
}

TEST(config_load_takes_flags_over_the_environment)
{
    clear_env();
    setenv("CRM_THREADS", "4", 1);
    setenv("CRM_LISTEN", "0.0.0.0:80", 1);
    setenv("CRM_DEMO", "1", 1);
    struct config c;
    struct err err;
    EXPECT_INT_EQ(LOAD(&c, &err, "--threads=8", "--listen", "[::1]:9000", "--demo=no"), 0);
    EXPECT_INT_EQ(c.threads, 8);
    EXPECT_STR_EQ(c.listen, "[::1]:9000");
    EXPECT(!c.demo);
}

TEST(config_load_reads_both_flag_forms)
{
    clear_env();
    struct config c;
    struct err err;
    EXPECT_INT_EQ(LOAD(&c, &err, "--db=/tmp/a.db", "--static-dir", "/srv/web", "--pool-size", "6",
                       "--max-json-depth=64", "--log-level=warn", "--request-timeout", "5"),
                  0);
    EXPECT_STR_EQ(c.db, "/tmp/a.db");
    EXPECT_STR_EQ(c.static_dir, "/srv/web");
    EXPECT_INT_EQ(c.pool_size, 6);
    EXPECT_INT_EQ(c.max_json_depth, 64);
    EXPECT_STR_EQ(c.log_level, "warn");
    EXPECT_INT_EQ(c.request_timeout_s, 5);
}

TEST(config_load_keeps_everything_after_the_first_equals_sign)
{
    clear_env();
    struct config c;
    struct err err;
    EXPECT_INT_EQ(LOAD(&c, &err, "--db=postgresql://u:p@h/crm?sslmode=require"), 0);
    EXPECT_STR_EQ(c.db, "postgresql://u:p@h/crm?sslmode=require");
}

TEST(config_load_lets_the_last_flag_win)
{
    clear_env();
    struct config c;
    struct err err;
    EXPECT_INT_EQ(LOAD(&c, &err, "--threads=2", "--threads", "3"), 0);
    EXPECT_INT_EQ(c.threads, 3);
}

TEST(config_load_sets_demo_from_a_bare_flag)
{
    clear_env();
    struct config c;
    struct err err;
    EXPECT_INT_EQ(LOAD(&c, &err, "--demo", "--threads", "1"), 0);
    EXPECT(c.demo);
    EXPECT_INT_EQ(c.threads, 1);
    EXPECT_INT_EQ(LOAD(&c, &err, "--demo=yes"), 0);
    EXPECT(c.demo);
    EXPECT_INT_EQ(LOAD(&c, &err, "--demo=0"), 0);
    EXPECT(!c.demo);
}

TEST(config_load_rejects_bad_numbers)
{
    static const char *const bad[] = {
        "--threads=abc",        "--threads=-1",
        "--threads=",           "--threads=4x",
        "--threads=1000001",    "--pool-size=1.5",
        "--max-body-bytes=-5",  "--max-body-bytes=99999999999999999999",
        "--request-timeout=ten"};
    clear_env();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct config c;
        struct err err;
        char *argv[] = {(char *)bad[i], NULL};
        err_clear(&err);
        if (config_load(&c, 1, argv, &err) != -ERR_BAD_REQUEST)
            test_fail(__FILE__, __LINE__, "%s was accepted", bad[i]);
        EXPECT_CONTAINS(err.detail, "is not a valid number");
    }
}

TEST(config_load_rejects_a_bad_number_in_the_environment)
{
    clear_env();
    setenv("CRM_MAX_BODY_BYTES", "1MB", 1);
    struct config c;
    struct err err;
    EXPECT_INT_EQ(load_no_args(&c, &err), -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "--max-body-bytes: '1MB' is not a valid number");
}

TEST(config_load_rejects_an_unknown_option)
{
    clear_env();
    struct config c;
    struct err err;
    EXPECT_INT_EQ(LOAD(&c, &err, "--thread=2"), -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "unknown option '--thread=2'");
    EXPECT_INT_EQ(LOAD(&c, &err, "--db", "x.db", "serve"), -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "unknown option 'serve'");
    EXPECT_INT_EQ(LOAD(&c, &err, "-db=x"), -ERR_BAD_REQUEST);
    EXPECT_INT_EQ(LOAD(&c, &err, "--"), -ERR_BAD_REQUEST);
}

TEST(config_load_rejects_an_option_without_its_value)
{
    clear_env();
    struct config c;
    struct err err;
    EXPECT_INT_EQ(LOAD(&c, &err, "--threads", "2", "--db"), -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "option --db needs a value");
}

TEST(config_print_help_lists_every_flag_with_its_variable_and_default)
{
    char text[8192];
    FILE *out = fmemopen(text, sizeof(text), "w");
    EXPECT(out != NULL);
    config_print_help(out);
    fclose(out);
    EXPECT_CONTAINS(text, "usage: crm <command> [options]");
    EXPECT_CONTAINS(text, "--max-body-bytes");
    EXPECT_CONTAINS(text, "CRM_MAX_BODY_BYTES");
    EXPECT_CONTAINS(text, "1048576");
    EXPECT_CONTAINS(text, "--demo");
    EXPECT_CONTAINS(text, "(flag)");
    for (size_t i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++)
        EXPECT_CONTAINS(text, env_names[i]);
}

/* ---- listen addresses ---- */

TEST(config_split_listen_splits_an_ipv4_address)
{
    char host[256];
    unsigned port = 1;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(config_split_listen("127.0.0.1:8080", host, &port, &err), 0);
    EXPECT_STR_EQ(host, "127.0.0.1");
    EXPECT_INT_EQ(port, 8080);
    EXPECT_INT_EQ(config_split_listen("localhost:0", host, &port, &err), 0);
    EXPECT_STR_EQ(host, "localhost");
    EXPECT_INT_EQ(port, 0);
    EXPECT_INT_EQ(config_split_listen("0.0.0.0:65535", host, &port, &err), 0);
    EXPECT_INT_EQ(port, 65535);
}

TEST(config_split_listen_strips_the_brackets_of_an_ipv6_address)
{
    char host[256];
    unsigned port = 1;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(config_split_listen("[::1]:80", host, &port, &err), 0);
    EXPECT_STR_EQ(host, "::1");
    EXPECT_INT_EQ(port, 80);
    EXPECT_INT_EQ(config_split_listen("[fe80::1:2]:8443", host, &port, &err), 0);
    EXPECT_STR_EQ(host, "fe80::1:2");
    EXPECT_INT_EQ(port, 8443);
}

TEST(config_split_listen_rejects_a_missing_port_or_host)
{
    static const char *const bad[] = {"localhost", "127.0.0.1", ":8080", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char host[256];
        unsigned port;
        struct err err;
        err_clear(&err);
        if (config_split_listen(bad[i], host, &port, &err) != -ERR_BAD_REQUEST)
            test_fail(__FILE__, __LINE__, "'%s' was accepted", bad[i]);
        EXPECT_CONTAINS(err.detail, "must be HOST:PORT");
    }
}

TEST(config_split_listen_rejects_a_bad_port)
{
    static const char *const bad[] = {
        "127.0.0.1:",   "127.0.0.1:http", "127.0.0.1:65536", "127.0.0.1:80x",
        "127.0.0.1:-1", "[::1]:",         "[::1]",           "127.0.0.1:99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char host[256];
        unsigned port;
        struct err err;
        err_clear(&err);
        if (config_split_listen(bad[i], host, &port, &err) != -ERR_BAD_REQUEST)
            test_fail(__FILE__, __LINE__, "'%s' was accepted", bad[i]);
        EXPECT_CONTAINS(err.detail, "bad port");
    }
}

TEST(config_split_listen_rejects_a_host_name_too_long)
{
    char listen[400];
    memset(listen, 'h', 300);
    snprintf(listen + 300, sizeof(listen) - 300, ":80");
    char host[256];
    unsigned port;
    struct err err;
    err_clear(&err);
    EXPECT_INT_EQ(config_split_listen(listen, host, &port, &err), -ERR_BAD_REQUEST);
    EXPECT_CONTAINS(err.detail, "too long");
}
