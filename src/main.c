/*
 * crm: arguments -> config -> wire the modules -> run. Each subcommand is a
 * row of the table below and one function.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/maven_import.h"
#include "api/role_cache.h"
#include "auth/password.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "config/config.h"
#include "domain/currency.h"
#include "http/http.h"
#include "jobs/runner.h"
#include "store/demo_data.h"
#include "store/store.h"

#ifndef CRM_VERSION
#define CRM_VERSION "0.0.0"
#endif

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static int fail(const char *what, const struct err *err)
{
    fprintf(stderr, "crm: %s: %s\n", what, err->detail[0] ? err->detail : err_title(err->code));
    for (size_t i = 0; i < err->n_fields; i++)
        fprintf(stderr, "crm: %s: %s\n", err->fields[i].field, err->fields[i].message);
    return 1;
}

static int load_config(struct config *config, int argc, char **argv)
{
    struct err err;
    err_clear(&err);
    if (config_load(config, argc, argv, &err) < 0)
        return fail("configuration", &err);
    int level = log_level_parse(config->log_level);
    if (level < 0) {
        fprintf(stderr, "crm: --log-level must be debug, info, warn or error\n");
        return 1;
    }
    log_set_level((enum log_level)level);
    return 0;
}

static struct store *open_and_migrate(const struct config *config, struct err *err)
{
    struct store_options options = {config->db, config->pool_size};
    struct store *store = store_open(&options, err);
    if (store == NULL)
        return NULL;
    int applied = 0;
    if (store_migrate(store, &applied, err) < 0) {
        store_close(store);
        return NULL;
    }
    return store;
}

static int cmd_migrate(int argc, char **argv)
{
    struct config config;
    struct err err;
    err_clear(&err);
    if (load_config(&config, argc, argv) != 0)
        return 1;
    struct store *store = open_and_migrate(&config, &err);
    if (store == NULL)
        return fail("migrate", &err);
    printf("database at schema version %d (%s)\n", store_schema_version_known(),
           store_backend_name(store));
    store_close(store);
    return 0;
}

/* What an import wrote and the data notes, on standard output. */
static void print_maven_import(const struct maven_import_result *r)
{
    printf("imported the Maven dataset into the pipeline \"%s\" (id %lld):\n", MAVEN_PIPELINE_NAME,
           (long long)r->pipeline_id);
    printf("  %zu teams, %zu users, %zu companies, %zu products\n", r->n_teams, r->n_users,
           r->n_companies, r->n_products);
    printf("  %zu deals:", r->n_deals);
    for (size_t s = 0; s < MAVEN_N_STAGES; s++)
        printf("%s %s %zu", s > 0 ? "," : "", maven_stage_name((enum maven_stage)s), r->n_stage[s]);
    printf("; %zu stage history rows\n", r->n_history);
    printf("  users sign in only after an administrator sets their password "
           "(crm user reset-password --email E)\n");
    printf("data notes:\n");
    for (size_t i = 0; i < r->n_notes; i++) {
        const struct maven_note *n = &r->notes[i];
        printf("  - %s: %zu row%s%s%s\n", n->what, n->rows, n->rows == 1 ? "" : "s",
               n->example[0] != '\0' ? ", e.g. " : "", n->example);
    }
}

/* Imports the Maven dataset of dir; prints what was written, or the error. */
static int run_maven_import(struct store *store, const char *dir)
{
    struct arena *arena = arena_new();
    struct maven_import_result result;
    struct err err;
    err_clear(&err);
    int64_t started_ms = clock_monotonic_ms();
    int rc = maven_import(store, arena, dir, &result, &err);
    if (rc == 0) {
        print_maven_import(&result);
        log_info("maven_imported", "deals=%zu ms=%lld", result.n_deals,
                 (long long)(clock_monotonic_ms() - started_ms));
    } else {
        fail("import maven", &err);
    }
    arena_free(arena);
    return rc;
}

/* The job runner on store as configured, with threads of its own (0: none, NULL). */
static int start_job_runner(const struct config *config, struct store *store, unsigned threads,
                            struct job_runner **runner, struct err *err)
{
    struct job_runner_options options = {
        .store = store,
        .threads = threads,
        .tick_ms = config->job_tick_ms,
        .lease_ms = config->job_lease_ms,
        .settings = {.session_idle_ms = (int64_t)config->session_idle_minutes * 60 * 1000},
    };
    *runner = NULL;
    if (threads == 0)
        return 0;
    *runner = job_runner_start(&options, err);
    return *runner != NULL ? 0 : -err->code;
}

static int cmd_serve(int argc, char **argv)
{
    struct config config;
    struct err err;
    err_clear(&err);
    if (load_config(&config, argc, argv) != 0)
        return 1;
    char host[256];
    unsigned port;
    if (config_split_listen(config.listen, host, &port, &err) < 0)
        return fail("configuration", &err);
    char base_currency[CURRENCY_CODE_LEN + 1];
    if (currency_code_parse(str_from_cstr(config.base_currency), base_currency, "--base-currency",
                            &err) < 0)
        return fail("configuration", &err);

    /* Block the stop signals before any thread starts, so only sigwait below sees them. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    password_hashing_init(config.password_hash_concurrency);
    struct store *store = open_and_migrate(&config, &err);
    if (store == NULL)
        return fail("database", &err);
    char password[PASSWORD_GENERATED_CHARS + 1];
    bool created = false;
    if (operators_setup(store, config.admin_email, base_currency, password, sizeof(password),
                        &created, &err) <
        0) {
        store_close(store);
        return fail("first start", &err);
    }
    if (config.demo) {
        int seeded = 0;
        if (demo_data_seed(store, &seeded, &err) < 0) {
            store_close(store);
            return fail("demo data", &err);
        }
        if (seeded > 0)
            log_info("demo_data_seeded", "records=%d", seeded);
        /* The dataset goes with the demo data, into a new database only. */
        if (seeded > 0 && config.demo_maven[0] != '\0' &&
            run_maven_import(store, config.demo_maven) < 0) {
            store_close(store);
            return 1;
        }
    } else if (config.demo_maven[0] != '\0') {
        store_close(store);
        fprintf(stderr, "crm: --demo-maven needs --demo\n");
        return 1;
    }
    struct app app = {
        .store = store,
        .session_idle_ms = (int64_t)config.session_idle_minutes * 60 * 1000,
        .session_max_ms = (int64_t)config.session_max_hours * 3600 * 1000,
        .trusted_proxies = config.trusted_proxies,
        .roles = role_cache_new(),
        .base_currency = base_currency,
    };
    size_t n_routes;
    const struct route *routes = api_routes(&n_routes);
    struct http_server_config http = {
        .listen_host = host,
        .listen_port = port,
        .threads = config.threads,
        .max_body_bytes = config.max_body_bytes,
        .max_upload_bytes = config.max_upload_bytes,
        .max_import_bytes = config.max_import_bytes,
        .max_header_bytes = config.max_header_bytes,
        .max_json_depth = config.max_json_depth,
        .request_timeout_s = config.request_timeout_s,
        .static_dir = config.static_dir,
        .guard = api_guard,
        .refused = auth_refused,
    };
    struct http_server *server = http_server_start(&http, routes, n_routes, &app, &err);
    if (server == NULL) {
        role_cache_free(app.roles);
        store_close(store);
        return fail("listen", &err);
    }
    struct job_runner *runner = NULL;
    if (start_job_runner(&config, store, config.job_threads, &runner, &err) < 0) {
        http_server_stop(server, 0);
        role_cache_free(app.roles);
        store_close(store);
        return fail("job runner", &err);
    }
    const char *shown_host = strchr(host, ':') ? "[::1]" : host;
    log_info("listening", "url=http://%s:%u db=%s", shown_host, http_server_port(server),
             store_backend_name(store));
    printf("CRM is running at http://%s:%u (%s database; Ctrl-C stops it)\n", shown_host,
           http_server_port(server), store_backend_name(store));
    if (created)
        printf("First sign-in: %s, one-time password: %s\n", config.admin_email, password);
    fflush(stdout);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_info("stopping", "signal=%d", sig);
    http_server_stop(server, config.shutdown_grace_ms);
    job_runner_stop(runner);
    role_cache_free(app.roles);
    store_close(store);
    log_info("stopped", "status=0");
    return 0;
}

/* crm worker: the job runner alone (at least one thread), until SIGTERM or SIGINT. */
static int cmd_worker(int argc, char **argv)
{
    struct config config;
    struct err err;
    err_clear(&err);
    if (load_config(&config, argc, argv) != 0)
        return 1;
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct store *store = open_and_migrate(&config, &err);
    if (store == NULL)
        return fail("database", &err);
    struct job_runner *runner = NULL;
    unsigned threads = config.job_threads > 0 ? config.job_threads : 1;
    if (start_job_runner(&config, store, threads, &runner, &err) < 0) {
        store_close(store);
        return fail("job runner", &err);
    }
    log_info("worker_started", "threads=%u db=%s", threads, store_backend_name(store));
    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_info("stopping", "signal=%d", sig);
    job_runner_stop(runner);
    store_close(store);
    log_info("stopped", "status=0");
    return 0;
}

/* Reads one line (a password) from standard input without its line break. */
static int read_password_line(char *out, size_t size)
{
    if (fgets(out, (int)size, stdin) == NULL) {
        out[0] = '\0';
        return feof(stdin) ? 0 : -1;
    }
    size_t len = strlen(out);
    if (len == size - 1 && out[len - 1] != '\n')
        return -1;
    while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = '\0';
    return 0;
}

/*
 * Takes "--email E", "--name N" and "--role R" out of argv (the rest is
 * configuration) into the values array, in that order.
 */
static int take_user_flags(int *argc, char **argv, const char **values)
{
    static const char *const flags[] = {"--email", "--name", "--role"};
    int kept = 0;
    for (int i = 0; i < *argc; i++) {
        size_t f = 0;
        while (f < 3 && strcmp(argv[i], flags[f]) != 0)
            f++;
        if (f == 3) {
            argv[kept++] = argv[i];
            continue;
        }
        if (i + 1 == *argc) {
            fprintf(stderr, "crm user: %s needs a value\n", flags[f]);
            return -1;
        }
        values[f] = argv[++i];
    }
    *argc = kept;
    return 0;
}

static int cmd_user(int argc, char **argv)
{
    static const char usage[] =
        "usage: crm user add --email E --name N --role R [--db DB]   (password on stdin)\n"
        "       crm user reset-password --email E [--db DB]   (password on stdin; none: made)\n"
        "       crm user disable --email E [--db DB]\n";
    const char *values[3] = {NULL, NULL, NULL};
    struct config config;
    struct err err;
    err_clear(&err);
    if (argc < 1 || take_user_flags(&argc, argv, values) < 0 || values[0] == NULL) {
        fputs(usage, stderr);
        return 2;
    }
    const char *action = argv[0];
    if (load_config(&config, argc - 1, argv + 1) != 0)
        return 1;
    password_hashing_init(1);
    char password[PASSWORD_MAX_BYTES + 2];
    char generated[PASSWORD_GENERATED_CHARS + 1];
    int rc = 0;
    struct store *store = NULL;
    if (strcmp(action, "add") == 0 && (values[1] == NULL || values[2] == NULL)) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(action, "disable") != 0 && read_password_line(password, sizeof(password)) < 0) {
        fprintf(stderr, "crm user: the password on standard input is too long\n");
        return 1;
    }
    store = open_and_migrate(&config, &err);
    if (store == NULL)
        return fail("database", &err);
    if (strcmp(action, "add") == 0) {
        rc = operators_user_add(store, values[0], values[1], values[2], password, &err);
    } else if (strcmp(action, "reset-password") == 0) {
        rc = operators_user_reset_password(store, values[0], password, generated,
                                           sizeof(generated), &err);
        if (rc == 0 && generated[0] != '\0')
            printf("one-time password for %s: %s\n", values[0], generated);
    } else if (strcmp(action, "disable") == 0) {
        rc = operators_user_disable(store, values[0], &err);
    } else {
        store_close(store);
        fputs(usage, stderr);
        return 2;
    }
    store_close(store);
    if (rc < 0)
        return fail(action, &err);
    if (strcmp(action, "reset-password") != 0 || generated[0] == '\0')
        printf("done: %s %s\n", action, values[0]);
    return 0;
}

/*
 * crm import maven [options] DIR: the directory comes right after "maven"
 * or last; the rest is configuration (--db ...).
 */
static int cmd_import(int argc, char **argv)
{
    static const char usage[] =
        "usage: crm import maven [--db DB] DIR\n"
        "       DIR holds accounts.csv, products.csv, sales_teams.csv and sales_pipeline.csv\n"
        "       (the Maven Analytics CRM + Sales + Opportunities dataset; see "
        "docs/import-maven.md)\n";
    struct config config;
    struct err err;
    err_clear(&err);
    if (argc < 2 || strcmp(argv[0], "maven") != 0) {
        fputs(usage, stderr);
        return 2;
    }
    int at = argv[1][0] != '-' ? 1 : argc - 1;
    const char *dir = argv[at];
    if (dir[0] == '-') {
        fputs(usage, stderr);
        return 2;
    }
    for (int i = at; i + 1 < argc; i++)
        argv[i] = argv[i + 1];
    if (load_config(&config, argc - 2, argv + 1) != 0) {
        fputs(usage, stderr);
        return 1;
    }
    char base_currency[CURRENCY_CODE_LEN + 1];
    if (currency_code_parse(str_from_cstr(config.base_currency), base_currency, "--base-currency",
                            &err) < 0)
        return fail("configuration", &err);
    password_hashing_init(1);
    struct store *store = open_and_migrate(&config, &err);
    if (store == NULL)
        return fail("database", &err);
    /* A new database gets its roles and first administrator, as on the server's first start. */
    char password[PASSWORD_GENERATED_CHARS + 1];
    bool created = false;
    if (operators_setup(store, config.admin_email, base_currency, password, sizeof(password),
                        &created, &err) < 0) {
        store_close(store);
        return fail("first start", &err);
    }
    if (created)
        printf("First sign-in: %s, one-time password: %s\n", config.admin_email, password);
    int rc = run_maven_import(store, dir);
    store_close(store);
    return rc < 0 ? 1 : 0;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("crm %s\n", CRM_VERSION);
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    config_print_help(stdout);
    return 0;
}

static const struct command commands[] = {
    {"serve", cmd_serve, "run the HTTP server"},
    {"migrate", cmd_migrate, "apply pending database migrations"},
    {"user", cmd_user, "add a user, reset a password or disable a user"},
    {"import", cmd_import, "import a dataset: crm import maven DIR"},
    {"worker", cmd_worker, "run only the background jobs until SIGTERM"},
    {"version", cmd_version, "print the version"},
    {"help", cmd_help, "print the options"},
    {"--help", cmd_help, "print the options"},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        config_print_help(stderr);
        return 2;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    }
    fprintf(stderr, "crm: unknown command '%s' (see crm help)\n", argv[1]);
    return 2;
}
