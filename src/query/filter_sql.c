/*
 * Filter -> SQL. Compiles a parsed filter into one parameterised boolean
 * expression for SQLite or PostgreSQL. Only schema names and constants become
 * SQL text; every value (and every JSON path) is a parameter.
 *
 * DESIGN: SQL's three-valued logic is hidden from users. Each condition is
 * true or false, never NULL: "!=" and "not in" also match rows without a
 * value, and a condition under NOT is guarded with "x IS NOT NULL AND ..."
 * so that NOT flips exactly what filter_eval() flips. Custom fields are read
 * from the record's JSON text column (json_extract / ->>), list fields are
 * JSON arrays (json_each / jsonb ?), and a condition on a relation becomes an
 * EXISTS sub-select over live (not deleted) related records that the caller
 * may read (filter_context.relation_visible).
 */
#include "query/filter.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "query/filter_ast.h"
#include "query/filter_period.h"

struct filter_compiler {
    const struct filter_context *ctx;
    struct sql_builder *sql;
    struct err *err;
    bool pg;
    int n_aliases;
    const char *root_alias;
};

/* Where a condition's field lives: which record (alias) of which schema. */
struct filter_target {
    const struct schema *schema;
    const char *alias;
    const struct schema_field *field;
};

static bool filter_sql_is_name(const char *s)
{
    if (s == NULL || *s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    }
    return true;
}

/* A JSON key fit for the path '$."key"': no quote, backslash or control byte. */
static bool filter_sql_is_json_key(const char *s)
{
    if (s == NULL || *s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
            return false;
    }
    return true;
}

static bool filter_is_list(enum field_type type)
{
    return type == FIELD_TEXT_LIST || type == FIELD_MULTI_ENUM;
}

static bool filter_is_numeric(enum field_type type)
{
    return type == FIELD_NUMBER || type == FIELD_INTEGER || type == FIELD_MONEY;
}

/* alias."column", or +alias."column" for the root table's columns under ctx->unindexed. */
static void filter_sql_column(struct filter_compiler *c, const char *alias, const char *column)
{
    const struct filter_context *ctx = c->ctx;
    if (ctx != NULL && ctx->unindexed && !c->pg && c->root_alias != NULL &&
        strcmp(alias, c->root_alias) == 0 &&
        (ctx->keep_column == NULL || strcmp(column, ctx->keep_column) != 0))
        sql_add(c->sql, "+");
    sql_add(c->sql, alias);
    sql_add(c->sql, ".");
    sql_ident(c->sql, column);
}

/*
 * The path parameter for a custom key: '$."key"' for SQLite, the bare key
 * for PostgreSQL. A money value {"amount","currency"} is reached at its
 * amount (SQLite: '$."key".amount'; PostgreSQL callers add ->> 'amount').
 */
static void filter_sql_custom_key(struct filter_compiler *c, const char *key, bool money)
{
    if (c->pg) {
        sql_param_cstr(c->sql, key);
        sql_add(c->sql, "::text");
        return;
    }
    const char *path = arena_printf(c->sql->arena, "$.\"%s\"%s", key, money ? ".amount" : "");
    sql_param_cstr(c->sql, path);
}

/* The scalar value of the field, cast to a number for numeric custom fields. */
static void filter_sql_scalar(struct filter_compiler *c, const struct filter_target *t)
{
    const struct schema_field *f = t->field;
    if (f->storage == FIELD_IN_COLUMN) {
        filter_sql_column(c, t->alias, f->column);
        return;
    }
    bool numeric = filter_is_numeric(f->type);
    bool money = f->type == FIELD_MONEY;
    if (c->pg) {
        sql_add(c->sql, numeric ? "((" : "(");
        filter_sql_column(c, t->alias, t->schema->custom_column);
        sql_add(c->sql, money ? "::jsonb -> " : "::jsonb ->> ");
        filter_sql_custom_key(c, f->column, money);
        if (money)
            sql_add(c->sql, " ->> 'amount'");
        sql_add(c->sql, numeric ? ")::numeric)" : ")");
        return;
    }
    sql_add(c->sql, numeric ? "CAST(json_extract(" : "json_extract(");
    filter_sql_column(c, t->alias, t->schema->custom_column);
    sql_add(c->sql, ", ");
    filter_sql_custom_key(c, f->column, money);
    sql_add(c->sql, numeric ? ") AS REAL)" : ")");
}

void filter_sql_field_value(struct sql_builder *sql, const struct schema *schema,
                            const struct schema_field *field, const char *alias)
{
    struct filter_compiler c = {NULL, sql, NULL, sql->dialect == SQL_POSTGRES, 0, NULL};
    struct filter_target t = {schema, alias, field};
    filter_sql_scalar(&c, &t);
}

/* SQLite: the json_each() source of a list field's elements. */
static void filter_sql_each(struct filter_compiler *c, const struct filter_target *t)
{
    sql_add(c->sql, "json_each(");
    if (t->field->storage == FIELD_IN_COLUMN) {
        filter_sql_column(c, t->alias, t->field->column);
    } else {
        filter_sql_column(c, t->alias, t->schema->custom_column);
        sql_add(c->sql, ", ");
        filter_sql_custom_key(c, t->field->column, false);
    }
    sql_add(c->sql, ")");
}

/* PostgreSQL: a list field as jsonb, '[]' when absent. */
static void filter_sql_jsonb_list(struct filter_compiler *c, const struct filter_target *t)
{
    sql_add(c->sql, "COALESCE(");
    if (t->field->storage == FIELD_IN_COLUMN) {
        filter_sql_column(c, t->alias, t->field->column);
        sql_add(c->sql, "::jsonb");
    } else {
        sql_add(c->sql, "(");
        filter_sql_column(c, t->alias, t->schema->custom_column);
        sql_add(c->sql, "::jsonb -> ");
        filter_sql_custom_key(c, t->field->column, false);
        sql_add(c->sql, ")");
    }
    sql_add(c->sql, ", '[]'::jsonb)");
}

static void filter_sql_value(struct filter_compiler *c, const struct filter_target *t,
                             const struct filter_value *v)
{
    switch (v->kind) {
    case FILTER_VALUE_STRING:
        sql_param_text(c->sql, v->text, v->len);
        break;
    case FILTER_VALUE_NUMBER: {
        int64_t scale = 1;
        if (t->field->type == FIELD_MONEY && t->field->storage == FIELD_IN_COLUMN &&
            c->ctx != NULL)
            for (int i = 0; i < c->ctx->money_scale; i++)
                scale *= 10;
        if (v->is_int && (v->i >= 0 ? v->i <= INT64_MAX / scale : v->i >= INT64_MIN / scale)) {
            sql_param_int(c->sql, v->i * scale);
        } else {
            sql_param_real(c->sql, (v->is_int ? (double)v->i : v->d) * (double)scale);
            if (c->pg)
                sql_add(c->sql, "::numeric");
        }
        break;
    }
    case FILTER_VALUE_ME:
        sql_param_int(c->sql, c->ctx->user_id);
        break;
    case FILTER_VALUE_BOOL:
        if (!c->pg)
            sql_add(c->sql, v->b ? "1" : "0");
        else if (t->field->storage == FIELD_IN_CUSTOM)
            sql_add(c->sql, v->b ? "'true'" : "'false'");
        else
            sql_add(c->sql, v->b ? "TRUE" : "FALSE");
        break;
    case FILTER_VALUE_PERIOD:
        /* Periods are expanded by the callers; never a single value. */
        sql_add(c->sql, "NULL");
        break;
    }
}

/* Opens "(x IS NOT NULL AND " when the condition sits under a NOT. */
static void filter_sql_guard_open(struct filter_compiler *c, const struct filter_target *t,
                                  bool guard)
{
    if (!guard)
        return;
    sql_add(c->sql, "(");
    filter_sql_scalar(c, t);
    sql_add(c->sql, " IS NOT NULL AND ");
}

static void filter_sql_guard_close(struct filter_compiler *c, bool guard)
{
    if (guard)
        sql_add(c->sql, ")");
}

/* x <op> bound, for one end of a period range. */
static void filter_sql_bound(struct filter_compiler *c, const struct filter_target *t,
                             const char *op, const char *bound)
{
    filter_sql_scalar(c, t);
    sql_addf(c->sql, " %s ", op);
    sql_param_cstr(c->sql, bound);
}

static void filter_sql_period(struct filter_compiler *c, const struct filter_target *t,
                              enum filter_op op, const struct filter_period *period, bool guard)
{
    char lo[FILTER_BOUND_SIZE], hi[FILTER_BOUND_SIZE];
    filter_period_bounds(period, t->field->type, c->ctx->now_ms, lo, hi);

    switch (op) {
    case FILTER_OP_NE:
        sql_add(c->sql, "(");
        filter_sql_scalar(c, t);
        sql_add(c->sql, " IS NULL OR ");
        filter_sql_bound(c, t, "<", lo);
        sql_add(c->sql, " OR ");
        filter_sql_bound(c, t, ">=", hi);
        sql_add(c->sql, ")");
        return;
    case FILTER_OP_LT:
    case FILTER_OP_LE:
    case FILTER_OP_GT:
    case FILTER_OP_GE:
        filter_sql_guard_open(c, t, guard);
        if (op == FILTER_OP_LT || op == FILTER_OP_LE)
            filter_sql_bound(c, t, "<", op == FILTER_OP_LT ? lo : hi);
        else
            filter_sql_bound(c, t, ">=", op == FILTER_OP_GT ? hi : lo);
        filter_sql_guard_close(c, guard);
        return;
    default:
        filter_sql_guard_open(c, t, guard);
        sql_add(c->sql, "(");
        filter_sql_bound(c, t, ">=", lo);
        sql_add(c->sql, " AND ");
        filter_sql_bound(c, t, "<", hi);
        sql_add(c->sql, ")");
        filter_sql_guard_close(c, guard);
        return;
    }
}

/* A list field: has the element, has any of the elements, or has none. */
static void filter_sql_list(struct filter_compiler *c, const struct filter_target *t,
                            const struct filter_node *node)
{
    bool negate =
        node->op == FILTER_OP_NE || node->op == FILTER_OP_NOT_IN || node->op == FILTER_OP_IS_NULL;
    bool nulls = node->op == FILTER_OP_IS_NULL || node->op == FILTER_OP_IS_NOT_NULL;

    if (c->pg) {
        if (nulls) {
            sql_add(c->sql, node->op == FILTER_OP_IS_NULL ? "(" : "(NOT (");
            filter_sql_jsonb_list(c, t);
            sql_add(c->sql, " IN ('[]'::jsonb, 'null'::jsonb)");
            sql_add(c->sql, node->op == FILTER_OP_IS_NULL ? ")" : "))");
            return;
        }
        sql_add(c->sql, negate ? "(NOT (" : "(");
        filter_sql_jsonb_list(c, t);
        if (node->n_values == 1) {
            sql_add(c->sql, " ? ");
            sql_param_text(c->sql, node->values[0].text, node->values[0].len);
            sql_add(c->sql, "::text");
        } else {
            sql_add(c->sql, " ?| ARRAY[");
            for (size_t i = 0; i < node->n_values; i++) {
                if (i > 0)
                    sql_add(c->sql, ", ");
                sql_param_text(c->sql, node->values[i].text, node->values[i].len);
            }
            sql_add(c->sql, "]::text[]");
        }
        sql_add(c->sql, negate ? "))" : ")");
        return;
    }

    sql_add(c->sql, negate ? "NOT EXISTS (SELECT 1 FROM " : "EXISTS (SELECT 1 FROM ");
    filter_sql_each(c, t);
    if (nulls) {
        sql_add(c->sql, " WHERE value IS NOT NULL)");
        return;
    }
    if (node->n_values == 1) {
        sql_add(c->sql, " WHERE value = ");
        sql_param_text(c->sql, node->values[0].text, node->values[0].len);
    } else {
        sql_add(c->sql, " WHERE value IN (");
        for (size_t i = 0; i < node->n_values; i++) {
            if (i > 0)
                sql_add(c->sql, ", ");
            sql_param_text(c->sql, node->values[i].text, node->values[i].len);
        }
        sql_add(c->sql, ")");
    }
    sql_add(c->sql, ")");
}

static const char *filter_sql_cmp(enum filter_op op)
{
    switch (op) {
    case FILTER_OP_LT:
        return "<";
    case FILTER_OP_LE:
        return "<=";
    case FILTER_OP_GT:
        return ">";
    case FILTER_OP_GE:
        return ">=";
    default:
        return "=";
    }
}

/*
 * SQLite: whether `starts with` on this value is a plain byte-prefix match.
 * lower() there folds ASCII letters only, so a prefix without any (Cyrillic,
 * digits) matches exactly the values that begin with those very bytes.
 */
static bool filter_sql_prefix_is_exact(const struct filter_compiler *c,
                                       const struct filter_target *t, const struct filter_value *v)
{
    if (c->pg || t->field->storage != FIELD_IN_COLUMN || v->kind != FILTER_VALUE_STRING ||
        v->len == 0)
        return false;
    for (size_t i = 0; i < v->len; i++) {
        char ch = v->text[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
            return false;
    }
    return true;
}

/* One scalar condition "field op value" (no lists of values). */
static void filter_sql_single(struct filter_compiler *c, const struct filter_target *t,
                              enum filter_op op, const struct filter_value *v, bool guard)
{
    if (v->kind == FILTER_VALUE_PERIOD) {
        filter_sql_period(c, t, op, &v->period, guard);
        return;
    }
    if (v->kind == FILTER_VALUE_ME && c->ctx->user_id == 0) {
        /* Nobody is signed in: nothing equals me(), everything differs from it. */
        sql_add(c->sql, op == FILTER_OP_NE ? "1 = 1" : "1 = 0");
        return;
    }
    switch (op) {
    case FILTER_OP_NE:
        sql_add(c->sql, "(");
        filter_sql_scalar(c, t);
        sql_add(c->sql, " IS NULL OR ");
        filter_sql_scalar(c, t);
        sql_add(c->sql, " <> ");
        filter_sql_value(c, t, v);
        sql_add(c->sql, ")");
        return;
    case FILTER_OP_CONTAINS:
        /* Case-insensitive substring; SQLite's lower() folds ASCII letters only. */
        filter_sql_guard_open(c, t, guard);
        sql_add(c->sql, c->pg ? "strpos(lower(" : "instr(lower(");
        filter_sql_scalar(c, t);
        sql_add(c->sql, "), lower(");
        filter_sql_value(c, t, v);
        sql_add(c->sql, c->pg ? "::text)) > 0" : ")) > 0");
        filter_sql_guard_close(c, guard);
        return;
    case FILTER_OP_STARTS_WITH:
        filter_sql_guard_open(c, t, guard);
        if (filter_sql_prefix_is_exact(c, t, v)) {
            /* The same rows, as a range an index on the column can serve. */
            filter_sql_scalar(c, t);
            sql_add(c->sql, " >= ");
            filter_sql_value(c, t, v);
            sql_add(c->sql, " AND ");
            filter_sql_scalar(c, t);
            sql_add(c->sql, " < ");
            filter_sql_value(c, t, v);
            sql_add(c->sql, " || char(1114111) AND ");
        }
        sql_add(c->sql, c->pg ? "lower(left(" : "lower(substr(");
        filter_sql_scalar(c, t);
        sql_add(c->sql, c->pg ? ", length(" : ", 1, length(");
        filter_sql_value(c, t, v);
        sql_add(c->sql, c->pg ? "::text))) = lower(" : "))) = lower(");
        filter_sql_value(c, t, v);
        sql_add(c->sql, c->pg ? "::text)" : ")");
        filter_sql_guard_close(c, guard);
        return;
    default:
        filter_sql_guard_open(c, t, guard);
        filter_sql_scalar(c, t);
        sql_addf(c->sql, " %s ", filter_sql_cmp(op));
        filter_sql_value(c, t, v);
        filter_sql_guard_close(c, guard);
        return;
    }
}

/* field [not] in (...) on a scalar field. */
static void filter_sql_in(struct filter_compiler *c, const struct filter_target *t,
                          const struct filter_node *node, bool guard)
{
    bool not_in = node->op == FILTER_OP_NOT_IN;
    bool expand = false;
    for (size_t i = 0; i < node->n_values; i++) {
        const struct filter_value *v = &node->values[i];
        if (v->kind == FILTER_VALUE_PERIOD || (v->kind == FILTER_VALUE_ME && c->ctx->user_id == 0))
            expand = true;
    }
    if (expand) {
        /* Whole days and an absent me() do not fit IN (...): spell it out. */
        sql_add(c->sql, "(");
        for (size_t i = 0; i < node->n_values; i++) {
            if (i > 0)
                sql_add(c->sql, not_in ? " AND " : " OR ");
            filter_sql_single(c, t, not_in ? FILTER_OP_NE : FILTER_OP_EQ, &node->values[i], guard);
        }
        sql_add(c->sql, ")");
        return;
    }
    if (not_in) {
        sql_add(c->sql, "(");
        filter_sql_scalar(c, t);
        sql_add(c->sql, " IS NULL OR ");
    } else {
        filter_sql_guard_open(c, t, guard);
    }
    filter_sql_scalar(c, t);
    sql_add(c->sql, not_in ? " NOT IN (" : " IN (");
    for (size_t i = 0; i < node->n_values; i++) {
        if (i > 0)
            sql_add(c->sql, ", ");
        filter_sql_value(c, t, &node->values[i]);
    }
    sql_add(c->sql, ")");
    if (not_in)
        sql_add(c->sql, ")");
    else
        filter_sql_guard_close(c, guard);
}

static int filter_sql_condition(struct filter_compiler *c, const struct filter_target *t,
                                const struct filter_node *node, bool guard)
{
    const struct schema_field *f = t->field;

    if (f->storage == FIELD_IN_CUSTOM &&
        (!filter_sql_is_name(t->schema->custom_column) || !filter_sql_is_json_key(f->column)))
        return err_set(c->err, ERR_INTERNAL, "schema '%s': bad custom field '%s'", t->schema->table,
                       f->name);
    if (f->storage == FIELD_IN_COLUMN && !filter_sql_is_name(f->column))
        return err_set(c->err, ERR_INTERNAL, "schema '%s': bad column for '%s'", t->schema->table,
                       f->name);

    if (filter_is_list(f->type)) {
        filter_sql_list(c, t, node);
        return 0;
    }
    switch (node->op) {
    case FILTER_OP_IS_NULL:
    case FILTER_OP_IS_NOT_NULL:
        filter_sql_scalar(c, t);
        sql_add(c->sql, node->op == FILTER_OP_IS_NULL ? " IS NULL" : " IS NOT NULL");
        return 0;
    case FILTER_OP_IN:
    case FILTER_OP_NOT_IN:
        filter_sql_in(c, t, node, guard);
        return 0;
    default:
        filter_sql_single(c, t, node->op, &node->values[0], guard);
        return 0;
    }
}

/*
 * EXISTS (SELECT 1 FROM <related> rN WHERE <joined to alias> AND <live>
 * [AND <visible to the caller>] AND <condition>)
 */
static int filter_sql_relation(struct filter_compiler *c, const struct schema *schema,
                               const char *alias, const struct filter_node *node)
{
    const struct schema_relation *rel = node->ref.relation;
    const struct schema *target = rel->target;
    char r_alias[16], l_alias[16];
    int n = ++c->n_aliases;

    snprintf(r_alias, sizeof(r_alias), "r%d", n);
    snprintf(l_alias, sizeof(l_alias), "l%d", n);
    if (!filter_sql_is_name(target->table) ||
        (rel->kind == RELATION_FOREIGN_KEY && !filter_sql_is_name(rel->local_column)) ||
        (rel->kind == RELATION_LINK_TABLE &&
         (!filter_sql_is_name(rel->link_table) || !filter_sql_is_name(rel->link_this_column) ||
          !filter_sql_is_name(rel->link_target_column))))
        return err_set(c->err, ERR_INTERNAL, "schema '%s': bad relation '%s'", schema->table,
                       rel->name);

    sql_add(c->sql, "EXISTS (SELECT 1 FROM ");
    if (rel->kind == RELATION_FOREIGN_KEY) {
        sql_ident(c->sql, target->table);
        sql_addf(c->sql, " %s WHERE ", r_alias);
        filter_sql_column(c, r_alias, "id");
        sql_add(c->sql, " = ");
        filter_sql_column(c, alias, rel->local_column);
    } else {
        sql_ident(c->sql, rel->link_table);
        sql_addf(c->sql, " %s JOIN ", l_alias);
        sql_ident(c->sql, target->table);
        sql_addf(c->sql, " %s ON ", r_alias);
        filter_sql_column(c, r_alias, "id");
        sql_add(c->sql, " = ");
        filter_sql_column(c, l_alias, rel->link_target_column);
        sql_add(c->sql, " WHERE ");
        filter_sql_column(c, l_alias, rel->link_this_column);
        sql_add(c->sql, " = ");
        filter_sql_column(c, alias, "id");
    }
    sql_add(c->sql, " AND ");
    filter_sql_column(c, r_alias, "deleted_at");
    sql_add(c->sql, " IS NULL");
    if (c->ctx->relation_visible != NULL)
        c->ctx->relation_visible(c->sql, target->table, r_alias, c->ctx->relation_visible_arg);
    sql_add(c->sql, " AND ");
    /* Inside EXISTS a NULL condition simply drops the row, so no guard is needed. */
    struct filter_target t = {.schema = target, .alias = r_alias, .field = node->ref.field};
    int rc = filter_sql_condition(c, &t, node, false);
    if (rc < 0)
        return rc;
    sql_add(c->sql, ")");
    return 0;
}

static int filter_sql_node(struct filter_compiler *c, const struct filter_node *node,
                           const struct schema *schema, const char *alias, bool under_not)
{
    int rc;

    switch (node->kind) {
    case FILTER_AND:
    case FILTER_OR:
        sql_add(c->sql, "(");
        for (size_t i = 0; i < node->n_children; i++) {
            if (i > 0)
                sql_add(c->sql, node->kind == FILTER_AND ? " AND " : " OR ");
            rc = filter_sql_node(c, node->children[i], schema, alias, under_not);
            if (rc < 0)
                return rc;
        }
        sql_add(c->sql, ")");
        return 0;
    case FILTER_NOT:
        sql_add(c->sql, "NOT (");
        rc = filter_sql_node(c, node->child, schema, alias, true);
        if (rc < 0)
            return rc;
        sql_add(c->sql, ")");
        return 0;
    case FILTER_COMPARE:
        if (node->ref.relation != NULL)
            return filter_sql_relation(c, schema, alias, node);
        struct filter_target t = {.schema = schema, .alias = alias, .field = node->ref.field};
        return filter_sql_condition(c, &t, node, under_not);
    }
    return err_set(c->err, ERR_INTERNAL, "bad filter node");
}

int filter_to_sql(const struct filter_node *node, const struct schema *schema,
                  const char *root_alias, const struct filter_context *ctx, struct sql_builder *sql,
                  struct err *err)
{
    struct filter_compiler c = {.ctx = ctx,
                                .sql = sql,
                                .err = err,
                                .pg = sql->dialect == SQL_POSTGRES,
                                .root_alias = root_alias};

    if (!filter_sql_is_name(root_alias))
        return err_set(err, ERR_INTERNAL, "bad table alias");
    int rc = filter_sql_node(&c, node, schema, root_alias, false);
    if (rc < 0)
        return rc;
    if (sql->failed)
        return err_set(err, ERR_TOO_LARGE, "the filter makes an SQL text over the size limit");
    return 0;
}
