/*
 * Tests for the SQL text builder: placeholders per dialect, parameters,
 * identifier quoting and the size cap.
 */
#include "query/sql.h"

#include <sys/wait.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "../test.h"

TEST(sql_writes_question_marks_for_sqlite)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    sql_init(&sql, arena, SQL_SQLITE);
    sql_add(&sql, "SELECT * FROM ");
    sql_ident(&sql, "contacts");
    sql_add(&sql, " WHERE a = ");
    sql_param_int(&sql, 42);
    sql_add(&sql, " AND b = ");
    sql_param_cstr(&sql, "x");
    EXPECT_INT_EQ(sql_finish(&sql), 0);
    EXPECT_STR_EQ(sql_text(&sql), "SELECT * FROM \"contacts\" WHERE a = ? AND b = ?");
    EXPECT_INT_EQ(sql.n_params, 2);
    arena_free(arena);
}

TEST(sql_numbers_postgres_placeholders_by_parameter_index)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    sql_init(&sql, arena, SQL_POSTGRES);
    for (int i = 0; i < 12; i++) {
        sql_add(&sql, i == 0 ? "" : ",");
        sql_param_int(&sql, i);
    }
    EXPECT_INT_EQ(sql_finish(&sql), 0);
    EXPECT_STR_EQ(sql_text(&sql), "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12");
    EXPECT_INT_EQ(sql.n_params, 12);
    EXPECT_INT_EQ(sql.params[11].i, 11);
    arena_free(arena);
}

TEST(sql_records_each_parameter_type_and_copies_text)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    char text[] = "hello world";
    sql_init(&sql, arena, SQL_SQLITE);
    sql_param_null(&sql);
    sql_param_int(&sql, -5);
    sql_param_real(&sql, 2.5);
    sql_param_text(&sql, text, 5);
    text[0] = 'J';
    EXPECT_INT_EQ(sql.n_params, 4);
    EXPECT_INT_EQ(sql.params[0].type, SQL_PARAM_NULL);
    EXPECT_INT_EQ(sql.params[1].type, SQL_PARAM_INT);
    EXPECT_INT_EQ(sql.params[1].i, -5);
    EXPECT_INT_EQ(sql.params[2].type, SQL_PARAM_REAL);
    EXPECT(sql.params[2].r == 2.5);
    EXPECT_INT_EQ(sql.params[3].type, SQL_PARAM_TEXT);
    EXPECT_INT_EQ(sql.params[3].len, 5);
    EXPECT_STR_EQ(sql.params[3].text, "hello");
    EXPECT_STR_EQ(sql_text(&sql), "????");
    arena_free(arena);
}

TEST(sql_addf_formats_and_text_is_empty_before_anything_is_added)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    sql_init(&sql, arena, SQL_SQLITE);
    EXPECT_STR_EQ(sql_text(&sql), "");
    sql_addf(&sql, "LIMIT %d OFFSET %s", 50, "10");
    EXPECT_STR_EQ(sql_text(&sql), "LIMIT 50 OFFSET 10");
    arena_free(arena);
}

TEST(sql_grows_across_many_appends)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    sql_init(&sql, arena, SQL_POSTGRES);
    for (int i = 0; i < 5000; i++) {
        sql_add(&sql, " OR x = ");
        sql_param_int(&sql, i);
    }
    EXPECT_INT_EQ(sql_finish(&sql), 0);
    EXPECT_INT_EQ(sql.n_params, 5000);
    EXPECT_INT_EQ(sql.params[4999].i, 4999);
    EXPECT_CONTAINS(sql_text(&sql), " OR x = $5000");
    EXPECT_INT_EQ(strlen(sql_text(&sql)), sql.text.len);
    arena_free(arena);
}

TEST(sql_fails_sticky_when_text_outgrows_one_mebibyte)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    static char chunk[4097];
    memset(chunk, 'x', sizeof(chunk) - 1);
    sql_init(&sql, arena, SQL_SQLITE);
    for (int i = 0; i < 256; i++)
        sql_add(&sql, chunk);
    EXPECT_INT_EQ(sql_finish(&sql), 0);
    EXPECT_INT_EQ(sql.text.len, 1024 * 1024);
    sql_add(&sql, "y");
    EXPECT_INT_EQ(sql_finish(&sql), -ERR_TOO_LARGE);
    /* Nothing more is written once the builder has failed. */
    sql_param_int(&sql, 1);
    sql_addf(&sql, "%s", "z");
    EXPECT_INT_EQ(sql.n_params, 0);
    EXPECT_INT_EQ(sql.text.len, 1024 * 1024);
    EXPECT_INT_EQ(sql_finish(&sql), -ERR_TOO_LARGE);
    arena_free(arena);
}

TEST(sql_ident_double_quotes_schema_names)
{
    struct arena *arena = arena_new();
    struct sql_builder sql;
    sql_init(&sql, arena, SQL_SQLITE);
    sql_ident(&sql, "contact_companies");
    sql_add(&sql, ".");
    sql_ident(&sql, "col2");
    EXPECT_STR_EQ(sql_text(&sql), "\"contact_companies\".\"col2\"");
    arena_free(arena);
}

TEST(sql_ident_rejects_a_name_with_a_quote)
{
    /* An assertion: the child process must die. */
    struct arena *arena = arena_new();
    struct sql_builder sql;
    sql_init(&sql, arena, SQL_SQLITE);
    pid_t pid = fork();
    if (pid == 0) {
        fclose(stderr);
        sql_ident(&sql, "bad\"name");
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT(WIFSIGNALED(status));
    arena_free(arena);
}
