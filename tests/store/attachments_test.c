/*
 * The store contract for attachments (attachments.c) and binary parameters
 * (SQL_PARAM_BLOB): every byte value, NULs included, written and read back
 * unchanged; an empty file; metadata and lists without the bytes; soft
 * deletion; against SQLite and, when CRM_TEST_PG_URL is set, PostgreSQL.
 */
#include "store/attachments.h"

#include <jansson.h>
#include <string.h>

#include "base/arena.h"
#include "store/store.h"

#include "store_fixture.h"

#define SHA_OF_NOTHING "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static int64_t attach(struct fixture *fx, const char *entity, int64_t record_id, const char *name,
                      const void *data, size_t size)
{
    struct attachment_new a = {
        .entity = entity,
        .record_id = record_id,
        .file_name = name,
        .content_type = "application/octet-stream",
        .data = data,
        .size = size,
        .sha256 = SHA_OF_NOTHING,
        .created_by = 0,
        .created_at = "2026-11-23T10:00:00.000Z",
    };
    int64_t id = 0;
    err_clear(&fx->err);
    if (store_attachment_insert(fx->conn, fx->arena, &a, &id, &fx->err) < 0)
        test_fail(__FILE__, __LINE__, "insert %s: %s", name, fx->err.detail);
    return id;
}

TEST(attachments_keep_every_byte_value)
{
    struct fixture fx;
    fixture_open(&fx, true);
    unsigned char bytes[512];
    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = (unsigned char)(i % 256);
    int64_t id = attach(&fx, "contacts", 7, "all.bin", bytes, sizeof(bytes));
    EXPECT(id > 0);

    const char *data = NULL;
    size_t len = 0;
    EXPECT_OK(store_attachment_content(fx.conn, fx.arena, id, &data, &len, &fx.err));
    EXPECT_INT_EQ(len, sizeof(bytes));
    EXPECT(memcmp(data, bytes, sizeof(bytes)) == 0);
    fixture_close(&fx);
}

TEST(attachments_may_be_empty)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = attach(&fx, "deals", 3, "empty.txt", "", 0);
    const char *data = NULL;
    size_t len = 99;
    EXPECT_OK(store_attachment_content(fx.conn, fx.arena, id, &data, &len, &fx.err));
    EXPECT_INT_EQ(len, 0);
    EXPECT(data != NULL);
    fixture_close(&fx);
}

TEST(attachments_metadata_and_lists_leave_the_bytes_out)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t a = attach(&fx, "contacts", 7, "a.txt", "abc", 3);
    int64_t b = attach(&fx, "contacts", 7, "b.txt", "de", 2);
    attach(&fx, "contacts", 8, "other.txt", "x", 1);
    attach(&fx, "companies", 7, "company.txt", "y", 1);

    json_t *one = NULL;
    EXPECT_OK(store_attachment_get(fx.conn, fx.arena, a, &one, &fx.err));
    keep(&fx, one);
    EXPECT_STR_EQ(text_at(one, "file_name"), "a.txt");
    EXPECT_STR_EQ(text_at(one, "entity"), "contacts");
    EXPECT_INT_EQ(json_integer_value(json_object_get(one, "record_id")), 7);
    EXPECT_INT_EQ(json_integer_value(json_object_get(one, "size")), 3);
    EXPECT_STR_EQ(text_at(one, "sha256"), SHA_OF_NOTHING);
    EXPECT(json_is_null(json_object_get(one, "created_by")));
    EXPECT(json_object_get(one, "data") == NULL);

    json_t *list = NULL;
    EXPECT_OK(store_attachments_list(fx.conn, fx.arena, "contacts", 7, &list, &fx.err));
    keep(&fx, list);
    EXPECT_INT_EQ(json_array_size(list), 2);
    EXPECT_INT_EQ(json_integer_value(json_object_get(json_array_get(list, 0), "id")), a);
    EXPECT_INT_EQ(json_integer_value(json_object_get(json_array_get(list, 1), "id")), b);
    fixture_close(&fx);
}

TEST(attachments_deleted_are_gone_everywhere)
{
    struct fixture fx;
    fixture_open(&fx, true);
    int64_t id = attach(&fx, "contacts", 7, "a.txt", "abc", 3);
    EXPECT_OK(store_attachment_delete(fx.conn, fx.arena, id, "2026-11-24T10:00:00.000Z", &fx.err));

    json_t *one = NULL;
    const char *data = NULL;
    size_t len = 0;
    json_t *list = NULL;
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_attachment_get(fx.conn, fx.arena, id, &one, &fx.err), -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(store_attachment_content(fx.conn, fx.arena, id, &data, &len, &fx.err),
                  -ERR_NOT_FOUND);
    err_clear(&fx.err);
    EXPECT_INT_EQ(
        store_attachment_delete(fx.conn, fx.arena, id, "2026-11-25T10:00:00.000Z", &fx.err),
        -ERR_NOT_FOUND);
    EXPECT_OK(store_attachments_list(fx.conn, fx.arena, "contacts", 7, &list, &fx.err));
    keep(&fx, list);
    EXPECT_INT_EQ(json_array_size(list), 0);
    fixture_close(&fx);
}
