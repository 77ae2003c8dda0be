/*
 * The filter language (see docs/filter-language.md):
 *
 *     stage in ("proposal", "negotiation") and amount >= 1000 and owner_id = me()
 *     and close_date within last 30 days and company.industry = "retail"
 *
 * filter_parse() turns text into an AST, checking every name against a
 * schema of declared fields (nothing the caller writes ever becomes SQL
 * text). filter_to_sql() compiles the AST to a parameterised predicate for
 * one dialect; filter_eval() evaluates it on a JSON record, for workflow
 * conditions. Errors carry the byte position.
 */
#ifndef CRM_QUERY_FILTER_H
#define CRM_QUERY_FILTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "query/sql.h"

struct arena;

enum field_type {
    FIELD_TEXT,
    FIELD_NUMBER,   /* decimal; JSON number in the API */
    FIELD_INTEGER,  /* ids, counts */
    FIELD_MONEY,    /* {"amount","currency"} */
    FIELD_DATE,     /* "YYYY-MM-DD" stored as text */
    FIELD_DATETIME, /* "YYYY-MM-DDTHH:MM:SS.sssZ" stored as text */
    FIELD_BOOL,
    FIELD_ENUM,
    FIELD_MULTI_ENUM, /* JSON array of strings */
    FIELD_EMAIL,
    FIELD_PHONE,
    FIELD_URL,
    FIELD_TEXT_LIST, /* JSON array of strings: emails[], phones[], tags[] */
};

enum field_storage {
    FIELD_IN_COLUMN, /* its own column; JSON array text for list types */
    FIELD_IN_CUSTOM, /* a key of the record's "custom" JSON column */
};

struct schema;

struct schema_field {
    const char *name;   /* as written in filters and the API: "industry", "custom.region" */
    const char *column; /* column name (FIELD_IN_COLUMN) or JSON key (FIELD_IN_CUSTOM) */
    enum field_type type;
    enum field_storage storage;
    bool sortable;
};

enum relation_kind {
    RELATION_FOREIGN_KEY, /* this.local_column = target.id */
    RELATION_LINK_TABLE,  /* link_table(link_this_column = this.id, link_target_column = target.id) */
};

struct schema_relation {
    const char *name; /* "company", "parent" */
    enum relation_kind kind;
    const char *local_column;
    const char *link_table;
    const char *link_this_column;
    const char *link_target_column;
    const struct schema *target;
};

struct schema {
    const char *table;       /* "contacts" */
    const char *custom_column; /* "custom", or NULL */
    const struct schema_field *fields;
    size_t n_fields;
    const struct schema_relation *relations;
    size_t n_relations;
};

const struct schema_field *schema_find_field(const struct schema *schema, const char *name,
                                             size_t name_len);

/*
 * What me(), today and "now" mean for one evaluation, and which related
 * records a condition on a relation may look at. relation_visible, when
 * set, is called inside the sub-select over a relation's target table
 * (whose rows are named alias) and appends " AND <predicate>" keeping the
 * rows the caller may read; the store sets it, so this layer knows nothing
 * of roles. NULL: every live related record counts.
 */
struct filter_context {
    int64_t user_id; /* 0: nobody is signed in; me() matches nothing */
    int64_t now_ms;
    void (*relation_visible)(struct sql_builder *sql, const char *table, const char *alias,
                             const void *arg);
    const void *relation_visible_arg;
    /*
     * SQLite only: write the root table's columns as +alias."column". The
     * unary plus changes no value (the parser's type checks leave no
     * comparison that depends on a column's affinity) but keeps the planner
     * from reading rows through an index on the column, so that the store
     * can make it walk a sort order's index instead (store/records.c,
     * list_read()). keep_column, when set, stays bare: a range on the first
     * sort key still bounds that walk.
     */
    bool unindexed;
    const char *keep_column;
    /*
     * A money column (FIELD_MONEY stored FIELD_IN_COLUMN) holds minor units
     * of the base currency: numbers compared with it are multiplied by
     * 10^money_scale, the base currency's exponent.
     */
    int money_scale;
};

struct filter_node; /* the AST; see filter_ast.h for its shape */

/*
 * Parses text against schema. On error returns NULL and fills err with
 * ERR_BAD_FILTER and a detail such as "at 17: unknown field 'stagee'".
 */
struct filter_node *filter_parse(struct arena *arena, const struct schema *schema,
                                 const char *text, size_t len, struct err *err);

/*
 * Appends a boolean SQL expression for node to sql. Columns of the root table
 * are qualified with root_alias ("t"); relations use sub-selects.
 */
int filter_to_sql(const struct filter_node *node, const struct schema *schema,
                  const char *root_alias, const struct filter_context *ctx,
                  struct sql_builder *sql, struct err *err);

/*
 * Appends the value of one root field as filters compare it (custom values
 * extracted and, when numeric, cast); the store sorts and pages by it.
 */
void filter_sql_field_value(struct sql_builder *sql, const struct schema *schema,
                            const struct schema_field *field, const char *alias);

/*
 * Evaluates node on a record shaped as the API shows it (custom values under
 * "custom", a relation as a nested object or array of objects under its name).
 */
int filter_eval(const struct filter_node *node, const struct schema *schema, const json_t *record,
                const struct filter_context *ctx, bool *result, struct err *err);

#endif
