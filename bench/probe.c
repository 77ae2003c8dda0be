/*
 * probe: the baseline for the single-record benchmark. A bare libmicrohttpd
 * server with the same daemon flags and thread pool as src/http/server.c
 * that answers GET /api/v1/contacts/{id} (or /contacts/{id}) with one
 * prepared SQLite primary-key lookup of the columns the real server reads
 * (every column of contacts but search_text, read from the schema at start,
 * the JSON list and object columns parsed), turned into JSON with jansson.
 * No router, arena, pool, logging or links: what is left is the least any
 * server on these libraries has to do.
 *
 *   probe --db PATH --listen HOST:PORT [--threads N]
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROBE_MAX_THREADS 64
#define PROBE_MEMORY_LIMIT_BYTES (32u * 1024u)
#define PROBE_TIMEOUT_S 30u
#define PROBE_SQL_BYTES 2048
#define PROBE_MAX_COLUMNS 64

/* One connection and statement per MHD worker thread, opened on first use. */
struct probe_conn {
    sqlite3 *db;
    sqlite3_stmt *stmt;
    bool json_column[PROBE_MAX_COLUMNS]; /* lists and objects: DEFAULT '[]' or '{}' */
};

static const char *probe_db_path;
static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static struct probe_conn probe_conns[PROBE_MAX_THREADS];
static size_t probe_n_conns;
static _Thread_local struct probe_conn *probe_thread_conn;

/* SELECT of every contacts column but search_text, as the server reads them; notes the JSON ones.
 */
static bool probe_select_sql(struct probe_conn *conn, char *sql, size_t size)
{
    sqlite3_stmt *info = NULL;
    size_t len = (size_t)snprintf(sql, size, "SELECT ");
    int n = 0;
    if (sqlite3_prepare_v2(conn->db, "SELECT name, dflt_value FROM pragma_table_info('contacts')",
                           -1, &info, NULL) != SQLITE_OK)
        return false;
    while (sqlite3_step(info) == SQLITE_ROW && n < PROBE_MAX_COLUMNS && len < size) {
        const char *name = (const char *)sqlite3_column_text(info, 0);
        const char *dflt = (const char *)sqlite3_column_text(info, 1);
        if (strcmp(name, "search_text") == 0)
            continue;
        conn->json_column[n++] =
            dflt != NULL && (strcmp(dflt, "'[]'") == 0 || strcmp(dflt, "'{}'") == 0);
        len += (size_t)snprintf(sql + len, size - len, "%s\"%s\"", n > 1 ? ", " : "", name);
    }
    sqlite3_finalize(info);
    if (len < size)
        len += (size_t)snprintf(sql + len, size - len,
                                " FROM contacts WHERE id = ? AND deleted_at IS NULL");
    return n > 0 && len < size;
}

static struct probe_conn *probe_conn_get(void)
{
    if (probe_thread_conn != NULL)
        return probe_thread_conn;
    pthread_mutex_lock(&probe_lock);
    struct probe_conn *conn =
        probe_n_conns < PROBE_MAX_THREADS ? &probe_conns[probe_n_conns++] : NULL;
    pthread_mutex_unlock(&probe_lock);
    if (conn == NULL)
        return NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    char sql[PROBE_SQL_BYTES];
    if (sqlite3_open_v2(probe_db_path, &conn->db, flags, NULL) != SQLITE_OK ||
        sqlite3_exec(conn->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                     "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8000;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        !probe_select_sql(conn, sql, sizeof(sql)) ||
        sqlite3_prepare_v3(conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &conn->stmt, NULL) !=
            SQLITE_OK) {
        fprintf(stderr, "probe: cannot open %s: %s\n", probe_db_path, sqlite3_errmsg(conn->db));
        return NULL;
    }
    probe_thread_conn = conn;
    return conn;
}

/* The record as JSON text (malloc'd), NULL when absent; *status says which. */
static char *probe_lookup(long long id, unsigned *status)
{
    struct probe_conn *conn = probe_conn_get();
    char *text = NULL;
    *status = MHD_HTTP_INTERNAL_SERVER_ERROR;
    if (conn == NULL)
        return NULL;
    sqlite3_bind_int64(conn->stmt, 1, id);
    int rc = sqlite3_step(conn->stmt);
    if (rc == SQLITE_DONE)
        *status = MHD_HTTP_NOT_FOUND;
    if (rc != SQLITE_ROW)
        goto out;
    json_t *record = json_object();
    for (int c = 0; c < sqlite3_column_count(conn->stmt); c++) {
        const char *name = sqlite3_column_name(conn->stmt, c);
        json_t *value = NULL;
        switch (sqlite3_column_type(conn->stmt, c)) {
        case SQLITE_NULL:
            value = json_null();
            break;
        case SQLITE_INTEGER:
            value = json_integer(sqlite3_column_int64(conn->stmt, c));
            break;
        default: {
            const char *s = (const char *)sqlite3_column_text(conn->stmt, c);
            size_t len = (size_t)sqlite3_column_bytes(conn->stmt, c);
            if (conn->json_column[c])
                value = json_loadb(s, len, 0, NULL);
            if (value == NULL)
                value = json_stringn(s, len);
            break;
        }
        }
        json_object_set_new(record, name, value);
    }
    text = json_dumps(record, JSON_COMPACT);
    json_decref(record);
    *status = MHD_HTTP_OK;
out:
    sqlite3_reset(conn->stmt);
    return text;
}

static long long probe_path_id(const char *url)
{
    static const char *const prefixes[] = {"/api/v1/contacts/", "/contacts/"};
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t len = strlen(prefixes[i]);
        if (strncmp(url, prefixes[i], len) != 0)
            continue;
        char *end = NULL;
        long long id = strtoll(url + len, &end, 10);
        return end != url + len && *end == '\0' && id > 0 ? id : -1;
    }
    return -1;
}

static enum MHD_Result probe_on_request(void *cls, struct MHD_Connection *connection,
                                        const char *url, const char *method, const char *version,
                                        const char *upload_data, size_t *upload_data_size,
                                        void **con_cls)
{
    static int started;
    (void)cls;
    (void)version;
    (void)upload_data;
    if (*con_cls == NULL) {
        *con_cls = &started;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    unsigned status = MHD_HTTP_NOT_FOUND;
    char *body = NULL;
    long long id = probe_path_id(url);
    if (strcmp(method, "GET") == 0 && id > 0)
        body = probe_lookup(id, &status);
    if (body == NULL)
        body = strdup("{}");
    struct MHD_Response *response =
        MHD_create_response_from_buffer_with_free_callback(body ? strlen(body) : 0, body, free);
    if (response == NULL) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result ret = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return ret;
}

static int probe_usage(void)
{
    fprintf(stderr, "usage: probe --db PATH --listen HOST:PORT [--threads N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *listen = NULL;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            probe_db_path = argv[i + 1];
        else if (strcmp(argv[i], "--listen") == 0)
            listen = argv[i + 1];
        else if (strcmp(argv[i], "--threads") == 0)
            threads = strtol(argv[i + 1], NULL, 10);
        else
            return probe_usage();
    }
    if (argc % 2 == 0 || probe_db_path == NULL || listen == NULL || threads < 1 ||
        threads > PROBE_MAX_THREADS)
        return probe_usage();

    const char *colon = strrchr(listen, ':');
    char host[64];
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
        return probe_usage();
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    long port = strtol(colon + 1, NULL, 10);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1 || port < 1 || port > 65535)
        return probe_usage();
    addr.sin_port = htons((uint16_t)port);

    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* The flags and options of http_server_start(), minus the callbacks that log and clean up. */
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, probe_on_request, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_CONNECTION_TIMEOUT, PROBE_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)PROBE_MEMORY_LIMIT_BYTES, MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "probe: cannot listen on %s\n", listen);
        return 1;
    }
    fprintf(stderr, "listening url=http://%s threads=%ld\n", listen, threads);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    MHD_stop_daemon(daemon);
    for (size_t i = 0; i < probe_n_conns; i++) {
        sqlite3_finalize(probe_conns[i].stmt);
        sqlite3_close(probe_conns[i].db);
    }
    return 0;
}
