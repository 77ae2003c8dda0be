/*
 * Files in chunks (store/files.h): a row in files and its bytes in
 * file_chunks, FILE_CHUNK_BYTES per row, numbered from 0.
 */
#include "store/files.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "store/store.h"

int store_file_create(struct store_conn *conn, struct arena *arena, const struct file_new *file,
                      int64_t *id_out, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "INSERT INTO \"files\" (\"name\", \"content_type\", \"purpose\", \"created_by\", "
                  "\"created_at\") VALUES (");
    sql_param_cstr(&sql, file->name);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, file->content_type);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, file->purpose);
    sql_add(&sql, ", ");
    sql_param_id_or_null(&sql, file->created_by);
    sql_add(&sql, ", ");
    sql_param_cstr(&sql, file->created_at);
    sql_add(&sql, ") RETURNING \"id\"");
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows != 1)
        return err_set(err, ERR_INTERNAL, "the file was not written");
    *id_out = store_value_int(store_rows_at(&rows, 0, 0));
    return 0;
}

int store_file_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                   struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"id\", \"name\", \"content_type\", \"size_bytes\", \"purpose\", "
                  "\"created_by\", \"created_at\" FROM \"files\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    if (rows.n_rows == 0)
        return err_set(err, ERR_NOT_FOUND, "no file with id %lld", (long long)id);
    *out = json_pack(
        "{s:o,s:s,s:s,s:o,s:s,s:o,s:s}", "id", store_value_int_json(store_rows_at(&rows, 0, 0)),
        "name", store_rows_at(&rows, 0, 1)->text, "content_type", store_rows_at(&rows, 0, 2)->text,
        "size", store_value_int_json(store_rows_at(&rows, 0, 3)), "purpose",
        store_rows_at(&rows, 0, 4)->text, "created_by",
        store_value_int_json(store_rows_at(&rows, 0, 5)), "created_at",
        store_rows_at(&rows, 0, 6)->text);
    return 0;
}

int store_file_chunk(struct store_conn *conn, struct arena *arena, int64_t id, int64_t seq,
                     const char **data, size_t *len, struct err *err)
{
    struct sql_builder sql;
    struct store_rows rows;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "SELECT \"data\" FROM \"file_chunks\" WHERE \"file_id\" = ");
    sql_param_int(&sql, id);
    sql_add(&sql, " AND \"seq\" = ");
    sql_param_int(&sql, seq);
    int rc = store_query(conn, arena, &sql, &rows, err);
    if (rc < 0)
        return rc;
    *data = rows.n_rows > 0 ? store_rows_at(&rows, 0, 0)->text : "";
    *len = rows.n_rows > 0 ? store_rows_at(&rows, 0, 0)->len : 0;
    return 0;
}

int store_file_delete(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err)
{
    struct sql_builder sql;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"file_chunks\" WHERE \"file_id\" = ");
    sql_param_int(&sql, id);
    int rc = store_query(conn, arena, &sql, NULL, err);
    if (rc < 0)
        return rc;
    sql_init(&sql, arena, store_conn_dialect(conn));
    sql_add(&sql, "DELETE FROM \"files\" WHERE \"id\" = ");
    sql_param_int(&sql, id);
    return store_query(conn, arena, &sql, NULL, err);
}

void file_writer_init(struct file_writer *w, struct store_conn *conn, struct arena *arena,
                      int64_t file_id)
{
    *w = (struct file_writer){.conn = conn, .arena = arena, .file_id = file_id};
    buf_init(&w->pending, FILE_CHUNK_BYTES);
}

/* Writes the pending bytes as the next chunk, with a scratch arena of its own. */
static int file_writer_flush(struct file_writer *w, struct err *err)
{
    if (w->pending.len == 0)
        return 0;
    struct arena *scratch = arena_new();
    struct sql_builder sql;
    sql_init(&sql, scratch, store_conn_dialect(w->conn));
    sql_add(&sql, "INSERT INTO \"file_chunks\" (\"file_id\", \"seq\", \"data\") VALUES (");
    sql_param_int(&sql, w->file_id);
    sql_add(&sql, ", ");
    sql_param_int(&sql, w->seq);
    sql_add(&sql, ", ");
    sql_param_blob(&sql, w->pending.data, w->pending.len);
    sql_add(&sql, ")");
    int rc = store_query(w->conn, scratch, &sql, NULL, err);
    arena_free(scratch);
    if (rc < 0)
        return rc;
    w->seq++;
    buf_reset(&w->pending);
    return 0;
}

int file_writer_write(struct file_writer *w, const void *data, size_t len, struct err *err)
{
    const char *p = data;
    while (len > 0) {
        size_t room = FILE_CHUNK_BYTES - w->pending.len;
        size_t n = len < room ? len : room;
        if (buf_append(&w->pending, p, n) < 0)
            return err_set(err, ERR_INTERNAL, "out of memory");
        p += n;
        len -= n;
        w->size += n;
        if (w->pending.len == FILE_CHUNK_BYTES) {
            int rc = file_writer_flush(w, err);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

int file_writer_finish(struct file_writer *w, struct err *err)
{
    int rc = file_writer_flush(w, err);
    if (rc < 0)
        return rc;
    struct sql_builder sql;
    sql_init(&sql, w->arena, store_conn_dialect(w->conn));
    sql_add(&sql, "UPDATE \"files\" SET \"size_bytes\" = ");
    sql_param_int(&sql, (int64_t)w->size);
    sql_add(&sql, " WHERE \"id\" = ");
    sql_param_int(&sql, w->file_id);
    return store_query(w->conn, w->arena, &sql, NULL, err);
}

void file_writer_release(struct file_writer *w)
{
    buf_release(&w->pending);
}

void file_reader_init(struct file_reader *r, struct store_conn *conn, int64_t file_id,
                      uint64_t offset)
{
    *r = (struct file_reader){.conn = conn, .file_id = file_id, .offset = offset, .chunk_seq = -1};
}

/* Makes r->chunk the chunk holding r->offset (empty past the end). */
static int file_reader_load(struct file_reader *r, int64_t seq, struct err *err)
{
    struct arena *scratch = arena_new();
    const char *data;
    size_t len;
    int rc = store_file_chunk(r->conn, scratch, r->file_id, seq, &data, &len, err);
    if (rc == 0) {
        char *copy = len > 0 ? malloc(len) : NULL;
        if (len > 0 && copy == NULL)
            rc = err_set(err, ERR_INTERNAL, "out of memory");
        if (rc == 0) {
            if (len > 0)
                memcpy(copy, data, len);
            free(r->chunk);
            r->chunk = copy;
            r->chunk_len = len;
            r->chunk_seq = seq;
        }
    }
    arena_free(scratch);
    return rc;
}

int file_reader_read(void *reader, char *buf, size_t cap, size_t *n_read, struct err *err)
{
    struct file_reader *r = reader;
    int64_t seq = (int64_t)(r->offset / FILE_CHUNK_BYTES);
    size_t at = (size_t)(r->offset % FILE_CHUNK_BYTES);
    *n_read = 0;
    if (seq != r->chunk_seq) {
        int rc = file_reader_load(r, seq, err);
        if (rc < 0)
            return rc;
    }
    if (at >= r->chunk_len)
        return 0;
    size_t n = r->chunk_len - at < cap ? r->chunk_len - at : cap;
    memcpy(buf, r->chunk + at, n);
    r->offset += n;
    *n_read = n;
    return 0;
}

void file_reader_release(struct file_reader *r)
{
    free(r->chunk);
    r->chunk = NULL;
}

int store_file_read_all(struct store_conn *conn, struct arena *arena, int64_t id, size_t max,
                        const char **data, size_t *len, struct err *err)
{
    json_t *file = NULL;
    int rc = store_file_get(conn, arena, id, &file, err);
    if (rc < 0)
        return rc;
    size_t size = (size_t)json_integer_value(json_object_get(file, "size"));
    json_decref(file);
    if (size > max)
        return err_set(err, ERR_TOO_LARGE, "the file is larger than %zu bytes", max);
    char *all = arena_alloc(arena, size + 1);
    size_t got = 0;
    struct file_reader reader;
    file_reader_init(&reader, conn, id, 0);
    while (rc == 0 && got < size) {
        size_t n;
        rc = file_reader_read(&reader, all + got, size - got, &n, err);
        if (rc == 0 && n == 0)
            rc = err_set(err, ERR_INTERNAL, "file %lld is shorter than its size", (long long)id);
        got += n;
    }
    file_reader_release(&reader);
    all[got] = '\0';
    *data = all;
    *len = got;
    return rc;
}
