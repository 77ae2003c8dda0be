/*
 * Files the server keeps for a while: uploaded imports and generated
 * exports. A file is a row of metadata and its bytes in chunks of
 * FILE_CHUNK_BYTES, so that it is written and read a chunk at a time and
 * never needs to sit in memory whole, on either backend.
 */
#ifndef CRM_STORE_FILES_H
#define CRM_STORE_FILES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct arena;
struct store_conn;

#define FILE_CHUNK_BYTES ((size_t)1 << 20)

struct file_new {
    const char *name;
    const char *content_type;
    const char *purpose; /* "import", "export" */
    int64_t created_by;  /* 0: nobody */
    const char *created_at;
};

int store_file_create(struct store_conn *conn, struct arena *arena, const struct file_new *file,
                      int64_t *id_out, struct err *err);
/* {id, name, content_type, size, purpose, created_by, created_at} (new reference). */
int store_file_get(struct store_conn *conn, struct arena *arena, int64_t id, json_t **out,
                   struct err *err);
/* Chunk seq (0-based) of the file, in arena; *len 0 past the end. */
int store_file_chunk(struct store_conn *conn, struct arena *arena, int64_t id, int64_t seq,
                     const char **data, size_t *len, struct err *err);
/* Removes the file and its chunks. */
int store_file_delete(struct store_conn *conn, struct arena *arena, int64_t id, struct err *err);

/*
 * Writes a file's bytes in order, a chunk at a time, in conn's open
 * transaction: file_writer_write() as often as needed, then
 * file_writer_finish() (which writes the last chunk and the size).
 */
struct file_writer {
    struct store_conn *conn;
    struct arena *arena;
    int64_t file_id;
    int64_t seq;
    uint64_t size;
    struct buf pending; /* less than one chunk */
};

void file_writer_init(struct file_writer *w, struct store_conn *conn, struct arena *arena,
                      int64_t file_id);
int file_writer_write(struct file_writer *w, const void *data, size_t len, struct err *err);
int file_writer_finish(struct file_writer *w, struct err *err);
/* Frees the pending bytes (after finish, or instead of it on failure). */
void file_writer_release(struct file_writer *w);

/*
 * Reads a file's bytes in order from a byte offset, as a byte source of the
 * format readers: file_reader_read() has their read callback's shape. Each
 * chunk is read with a scratch arena of its own, so a long read stays small.
 */
struct file_reader {
    struct store_conn *conn;
    int64_t file_id;
    uint64_t offset; /* of the next byte to hand out */
    char *chunk;     /* the chunk holding offset, malloc'd; NULL before the first read */
    size_t chunk_len;
    int64_t chunk_seq;
};

void file_reader_init(struct file_reader *r, struct store_conn *conn, int64_t file_id,
                      uint64_t offset);
int file_reader_read(void *reader, char *buf, size_t cap, size_t *n_read, struct err *err);
void file_reader_release(struct file_reader *r);
/* The whole file into arena (for formats read whole: XLSX, vCard); at most max bytes. */
int store_file_read_all(struct store_conn *conn, struct arena *arena, int64_t id, size_t max,
                        const char **data, size_t *len, struct err *err);

#endif
