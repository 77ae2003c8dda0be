/*
 * Configuration: one table of options. Each row gives the option's --flag,
 * its CRM_* environment variable, its default, its kind and its help line;
 * the parser, `crm --help` and docs/operations.md all come from it.
 * Precedence: flag over environment over default.
 */
#ifndef CRM_CONFIG_CONFIG_H
#define CRM_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

struct config {
    const char *db;
    const char *listen;
    const char *static_dir;
    unsigned threads;
    unsigned pool_size;
    size_t max_body_bytes;
    size_t max_upload_bytes;
    size_t max_import_bytes;
    size_t max_header_bytes;
    size_t max_json_depth;
    unsigned request_timeout_s;
    unsigned shutdown_grace_ms;
    const char *log_level;
    bool demo;
    const char *demo_maven; /* "": none */
    const char *admin_email;
    unsigned session_idle_minutes;
    unsigned session_max_hours;
    const char *trusted_proxies;
    unsigned password_hash_concurrency;
    const char *base_currency;
    unsigned job_threads;  /* in serve; 0: no runner (a `crm worker` runs the jobs) */
    unsigned job_tick_ms;  /* how often the scheduler looks for due work */
    unsigned job_lease_ms; /* how long a claimed job is its worker's */
};

/* Fills config from defaults, the environment and argv (after the subcommand). */
int config_load(struct config *config, int argc, char **argv, struct err *err);
void config_print_help(FILE *out);

/* Splits "host:port" or "[v6]:port"; host_out must hold 256 bytes. */
int config_split_listen(const char *listen, char *host_out, unsigned *port_out, struct err *err);

#endif
