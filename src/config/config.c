/*
 * The option table and its parser. Adding a setting is adding a row.
 */
#include "config/config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum option_kind { OPTION_STRING, OPTION_UNSIGNED, OPTION_SIZE, OPTION_FLAG };

struct option_row {
    const char *flag; /* "--db" */
    const char *env;  /* "CRM_DB" */
    enum option_kind kind;
    size_t offset;
    const char *default_value;
    const char *help;
};

#define AT(field) offsetof(struct config, field)

static const struct option_row options[] = {
    {"--db", "CRM_DB", OPTION_STRING, AT(db), "var/crm.db",
     "database: a SQLite file path or a postgresql:// URL"},
    {"--listen", "CRM_LISTEN", OPTION_STRING, AT(listen), "127.0.0.1:8080",
     "address to listen on, HOST:PORT (port 0 picks a free one)"},
    {"--static-dir", "CRM_STATIC_DIR", OPTION_STRING, AT(static_dir), "web/dist",
     "folder of the built web UI"},
    {"--threads", "CRM_THREADS", OPTION_UNSIGNED, AT(threads), "0",
     "HTTP worker threads (0: one per core)"},
    {"--pool-size", "CRM_POOL_SIZE", OPTION_UNSIGNED, AT(pool_size), "0",
     "database connections (0: cores + 2)"},
    {"--max-body-bytes", "CRM_MAX_BODY_BYTES", OPTION_SIZE, AT(max_body_bytes), "1048576",
     "largest request body accepted (413 beyond)"},
    {"--max-upload-bytes", "CRM_MAX_UPLOAD_BYTES", OPTION_SIZE, AT(max_upload_bytes), "10485760",
     "largest file accepted as an attachment (413 beyond)"},
    {"--max-import-bytes", "CRM_MAX_IMPORT_BYTES", OPTION_SIZE, AT(max_import_bytes), "268435456",
     "largest file accepted for an import (413 beyond)"},
    {"--max-header-bytes", "CRM_MAX_HEADER_BYTES", OPTION_SIZE, AT(max_header_bytes), "16384",
     "largest request head accepted"},
    {"--max-json-depth", "CRM_MAX_JSON_DEPTH", OPTION_SIZE, AT(max_json_depth), "32",
     "deepest JSON nesting accepted"},
    {"--request-timeout", "CRM_REQUEST_TIMEOUT", OPTION_UNSIGNED, AT(request_timeout_s), "30",
     "seconds a connection may stay idle"},
    {"--shutdown-grace-ms", "CRM_SHUTDOWN_GRACE_MS", OPTION_UNSIGNED, AT(shutdown_grace_ms),
     "10000", "on SIGTERM, how long requests in flight may take to finish"},
    {"--log-level", "CRM_LOG_LEVEL", OPTION_STRING, AT(log_level), "info",
     "debug, info, warn or error"},
    {"--demo", "CRM_DEMO", OPTION_FLAG, AT(demo), "0",
     "seed demo teams, users, companies and contacts into an empty database"},
    {"--demo-maven", "CRM_DEMO_MAVEN", OPTION_STRING, AT(demo_maven), "",
     "with --demo, also import the Maven sales dataset of this directory into a new database"},
    {"--admin-email", "CRM_ADMIN_EMAIL", OPTION_STRING, AT(admin_email), "admin@example.com",
     "e-mail of the administrator created on first start"},
    {"--session-idle-minutes", "CRM_SESSION_IDLE_MINUTES", OPTION_UNSIGNED,
     AT(session_idle_minutes), "480", "a browser session unused this long ends"},
    {"--session-max-hours", "CRM_SESSION_MAX_HOURS", OPTION_UNSIGNED, AT(session_max_hours),
     "168", "a browser session ends this long after sign-in, used or not"},
    {"--trusted-proxies", "CRM_TRUSTED_PROXIES", OPTION_STRING, AT(trusted_proxies), "",
     "comma-separated addresses whose X-Forwarded-For and X-Forwarded-Proto are believed"},
    {"--password-hash-concurrency", "CRM_PASSWORD_HASH_CONCURRENCY", OPTION_UNSIGNED,
     AT(password_hash_concurrency), "2",
     "password hashes computed at once (each takes 19 MiB for about 50 ms)"},
    {"--base-currency", "CRM_BASE_CURRENCY", OPTION_STRING, AT(base_currency), "EUR",
     "ISO 4217 code of the base currency of a new database (then the settings')"},
    {"--job-threads", "CRM_JOB_THREADS", OPTION_UNSIGNED, AT(job_threads), "1",
     "threads running background jobs in serve (0: none; `crm worker` runs them)"},
    {"--job-tick-ms", "CRM_JOB_TICK_MS", OPTION_UNSIGNED, AT(job_tick_ms), "1000",
     "how often the job scheduler looks for due reminders and other work"},
    {"--job-lease-ms", "CRM_JOB_LEASE_MS", OPTION_UNSIGNED, AT(job_lease_ms), "60000",
     "a job whose worker died is run again this long after it was claimed"},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static int set_value(struct config *config, const struct option_row *row, const char *value,
                     struct err *err)
{
    char *base = (char *)config + row->offset;
    char *end = NULL;
    unsigned long long n;
    switch (row->kind) {
    case OPTION_STRING:
        *(const char **)(void *)base = value;
        return 0;
    case OPTION_FLAG:
        *(bool *)(void *)base = strcmp(value, "1") == 0 || strcmp(value, "true") == 0 ||
                                strcmp(value, "yes") == 0;
        return 0;
    case OPTION_UNSIGNED:
    case OPTION_SIZE:
        errno = 0;
        n = strtoull(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || value[0] == '-' ||
            (row->kind == OPTION_UNSIGNED && n > 1000000))
            return err_set(err, ERR_BAD_REQUEST, "%s: '%s' is not a valid number", row->flag,
                           value);
        if (row->kind == OPTION_UNSIGNED)
            *(unsigned *)(void *)base = (unsigned)n;
        else
            *(size_t *)(void *)base = (size_t)n;
        return 0;
    }
    return 0;
}

int config_load(struct config *config, int argc, char **argv, struct err *err)
{
    memset(config, 0, sizeof(*config));
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const char *env = getenv(options[i].env);
        int rc = set_value(config, &options[i], options[i].default_value, err);
        if (rc == 0 && env != NULL && *env != '\0')
            rc = set_value(config, &options[i], env, err);
        if (rc < 0)
            return rc;
    }
    for (int a = 0; a < argc; a++) {
        const char *arg = argv[a];
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        const struct option_row *row = NULL;
        for (size_t i = 0; i < N_OPTIONS; i++) {
            if (strlen(options[i].flag) == name_len && strncmp(options[i].flag, arg, name_len) == 0)
                row = &options[i];
        }
        if (row == NULL)
            return err_set(err, ERR_BAD_REQUEST, "unknown option '%s' (see crm --help)", arg);
        const char *value;
        if (row->kind == OPTION_FLAG && eq == NULL) {
            value = "1";
        } else if (eq != NULL) {
            value = eq + 1;
        } else if (a + 1 < argc) {
            value = argv[++a];
        } else {
            return err_set(err, ERR_BAD_REQUEST, "option %s needs a value", row->flag);
        }
        int rc = set_value(config, row, value, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

void config_print_help(FILE *out)
{
    fprintf(out, "usage: crm <command> [options]\n\n"
                 "commands:\n"
                 "  serve     run the HTTP server (migrates the database first)\n"
                 "  migrate   apply pending database migrations and exit\n"
                 "  user      add|reset-password|disable --email E [--name N --role R]:\n"
                 "            manage a user; the password is read from standard input\n"
                 "  import    maven DIR: import the Maven sales dataset (docs/import-maven.md)\n"
                 "  worker    run only the background jobs (docs/jobs.md) until SIGTERM\n"
                 "  version   print the version\n"
                 "  help      print this text\n\n"
                 "options (flag, environment variable, default):\n");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_row *row = &options[i];
        fprintf(out, "  %-20s %-22s %s\n      %s\n", row->flag, row->env,
                row->kind == OPTION_FLAG ? "(flag)" : row->default_value, row->help);
    }
}

int config_split_listen(const char *listen, char *host_out, unsigned *port_out, struct err *err)
{
    const char *colon = strrchr(listen, ':');
    const char *host = listen;
    size_t host_len = colon ? (size_t)(colon - listen) : 0;
    if (colon == NULL || host_len == 0)
        return err_set(err, ERR_BAD_REQUEST, "--listen '%s' must be HOST:PORT", listen);
    if (host[0] == '[' && host_len >= 2 && host[host_len - 1] == ']') {
        host++;
        host_len -= 2;
    }
    if (host_len >= 256)
        return err_set(err, ERR_BAD_REQUEST, "--listen: host name too long");
    memcpy(host_out, host, host_len);
    host_out[host_len] = '\0';
    char *end = NULL;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (errno != 0 || end == colon + 1 || *end != '\0' || port > 65535)
        return err_set(err, ERR_BAD_REQUEST, "--listen '%s': bad port", listen);
    *port_out = (unsigned)port;
    return 0;
}
