/*
 * Filter evaluation on a JSON record shaped as the API shows it, with the
 * same meaning as the SQL that filter_to_sql() writes: a missing or null
 * value matches "!=", "not in" and "is null" and nothing else; text
 * "contains" and "starts with" ignore ASCII case; lists match by element;
 * numbers compare numerically whether they arrive as JSON numbers, decimal
 * strings or money objects; a relation matches when any live related record
 * (deleted_at null) does.
 */
#include "query/filter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "query/filter_ast.h"
#include "query/filter_period.h"

/* How a record value stands against a filter value. */
enum filter_cmp { CMP_ABSENT, CMP_MISMATCH, CMP_OK };

struct filter_number {
    bool is_int;
    int64_t i;
    double d;
};

static bool filter_eval_is_list(enum field_type type)
{
    return type == FIELD_TEXT_LIST || type == FIELD_MULTI_ENUM;
}

static int filter_bytes_cmp(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t n = a_len < b_len ? a_len : b_len;
    int r = n > 0 ? memcmp(a, b, n) : 0;
    if (r != 0)
        return r < 0 ? -1 : 1;
    return a_len < b_len ? -1 : a_len > b_len ? 1 : 0;
}

static char filter_ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool filter_prefix_nocase(const char *s, size_t s_len, const char *prefix, size_t p_len)
{
    if (p_len > s_len)
        return false;
    for (size_t i = 0; i < p_len; i++) {
        if (filter_ascii_lower(s[i]) != filter_ascii_lower(prefix[i]))
            return false;
    }
    return true;
}

static bool filter_contains_nocase(const char *s, size_t s_len, const char *needle, size_t n_len)
{
    if (n_len == 0)
        return true;
    for (size_t i = 0; i + n_len <= s_len; i++) {
        if (filter_prefix_nocase(s + i, s_len - i, needle, n_len))
            return true;
    }
    return false;
}

/* A strict decimal string: -?digits(.digits)?, as the API writes numbers and money. */
static bool filter_parse_decimal(const char *s, size_t len, struct filter_number *out)
{
    char copy[64];
    size_t i = 0, digits = 0;

    if (len == 0 || len >= sizeof(copy))
        return false;
    if (s[i] == '-')
        i++;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
        digits++;
    }
    bool fraction = i < len && s[i] == '.';
    if (fraction) {
        i++;
        size_t start = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return false;
    }
    if (digits == 0 || i != len)
        return false;
    memcpy(copy, s, len);
    copy[len] = '\0';
    out->d = strtod(copy, NULL);
    out->is_int = false;
    if (!fraction && str_to_int64((struct str){copy, len}, &out->i) == 0)
        out->is_int = true;
    return true;
}

static bool filter_json_number(const json_t *v, struct filter_number *out)
{
    if (json_is_integer(v)) {
        out->is_int = true;
        out->i = (int64_t)json_integer_value(v);
        out->d = (double)out->i;
        return true;
    }
    if (json_is_real(v)) {
        out->is_int = false;
        out->d = json_real_value(v);
        return true;
    }
    if (json_is_string(v))
        return filter_parse_decimal(json_string_value(v), json_string_length(v), out);
    if (json_is_object(v)) /* money: {"amount": "10.50", "currency": "EUR"} */
        return filter_json_number(json_object_get(v, "amount"), out);
    return false;
}

/* An integer against a double, exactly (as SQLite compares them), without rounding i. */
static int filter_int_double_cmp(int64_t i, double d)
{
    if (isnan(d))
        return 1;
    if (d < -9223372036854775808.0)
        return 1;
    if (d >= 9223372036854775808.0)
        return -1;
    int64_t whole = (int64_t)d; /* truncated toward zero */
    if (i != whole)
        return i < whole ? -1 : 1;
    double fraction = d - (double)whole;
    return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
}

static int filter_number_cmp(const struct filter_number *a, const struct filter_number *b)
{
    if (a->is_int && b->is_int)
        return a->i < b->i ? -1 : a->i > b->i ? 1 : 0;
    if (a->is_int)
        return filter_int_double_cmp(a->i, b->d);
    if (b->is_int)
        return -filter_int_double_cmp(b->i, a->d);
    return a->d < b->d ? -1 : a->d > b->d ? 1 : 0;
}

/*
 * The record's text for a text or date field; date-times are normalised to
 * the stored form. buf holds a normalised copy when one is made.
 */
static bool filter_json_text(const json_t *v, enum field_type type, char *buf, const char **text,
                             size_t *len)
{
    if (!json_is_string(v))
        return false;
    *text = json_string_value(v);
    *len = json_string_length(v);
    int64_t ms;
    if (type == FIELD_DATETIME && clock_parse_datetime(*text, *len, &ms) == 0) {
        clock_format_datetime(ms, buf);
        *text = buf;
        *len = CLOCK_DATETIME_LEN;
    }
    return true;
}

/* Compares a scalar record value with one (non-period) filter value. */
static enum filter_cmp filter_eval_cmp(const struct schema_field *field, const json_t *jv,
                                       const struct filter_value *value,
                                       const struct filter_context *ctx, int *order)
{
    char buf[FILTER_BOUND_SIZE];
    const char *text;
    size_t len;
    struct filter_number a, b;

    if (jv == NULL || json_is_null(jv))
        return CMP_ABSENT;
    switch (value->kind) {
    case FILTER_VALUE_STRING:
        if (!filter_json_text(jv, field->type, buf, &text, &len))
            return CMP_MISMATCH;
        *order = filter_bytes_cmp(text, len, value->text, value->len);
        return CMP_OK;
    case FILTER_VALUE_NUMBER:
    case FILTER_VALUE_ME:
        if (!filter_json_number(jv, &a))
            return CMP_MISMATCH;
        b.is_int = value->kind == FILTER_VALUE_ME || value->is_int;
        b.i = value->kind == FILTER_VALUE_ME ? ctx->user_id : value->i;
        b.d = value->kind == FILTER_VALUE_ME ? (double)ctx->user_id : value->d;
        *order = filter_number_cmp(&a, &b);
        return CMP_OK;
    case FILTER_VALUE_BOOL: {
        bool have;
        if (json_is_boolean(jv))
            have = json_is_true(jv);
        else if (json_is_integer(jv))
            have = json_integer_value(jv) != 0;
        else
            return CMP_MISMATCH;
        *order = have == value->b ? 0 : have ? 1 : -1;
        return CMP_OK;
    }
    case FILTER_VALUE_PERIOD:
        break;
    }
    return CMP_MISMATCH;
}

/* A date or date-time against a period, by the [lo, hi) bounds the SQL uses. */
static bool filter_eval_period(const struct schema_field *field, const json_t *jv,
                               enum filter_op op, const struct filter_period *period,
                               const struct filter_context *ctx)
{
    char buf[FILTER_BOUND_SIZE], lo[FILTER_BOUND_SIZE], hi[FILTER_BOUND_SIZE];
    const char *text;
    size_t len;

    /* No value, or not a text: only "!=" holds, as in the SQL. */
    if (!filter_json_text(jv, field->type, buf, &text, &len))
        return op == FILTER_OP_NE;
    filter_period_bounds(period, field->type, ctx->now_ms, lo, hi);
    bool after_lo = filter_bytes_cmp(text, len, lo, strlen(lo)) >= 0;
    bool before_hi = filter_bytes_cmp(text, len, hi, strlen(hi)) < 0;
    switch (op) {
    case FILTER_OP_NE:
        return !(after_lo && before_hi);
    case FILTER_OP_LT:
        return !after_lo;
    case FILTER_OP_LE:
        return before_hi;
    case FILTER_OP_GT:
        return !before_hi;
    case FILTER_OP_GE:
        return after_lo;
    default:
        return after_lo && before_hi;
    }
}

/* field op value for one value, on a scalar field. */
static bool filter_eval_single(const struct schema_field *field, const json_t *jv,
                               enum filter_op op, const struct filter_value *value,
                               const struct filter_context *ctx)
{
    int order = 0;

    if (value->kind == FILTER_VALUE_PERIOD)
        return filter_eval_period(field, jv, op, &value->period, ctx);
    if (value->kind == FILTER_VALUE_ME && ctx->user_id == 0)
        return op == FILTER_OP_NE;

    if (op == FILTER_OP_CONTAINS || op == FILTER_OP_STARTS_WITH) {
        if (!json_is_string(jv))
            return false;
        const char *s = json_string_value(jv);
        size_t len = json_string_length(jv);
        if (op == FILTER_OP_CONTAINS)
            return filter_contains_nocase(s, len, value->text, value->len);
        return filter_prefix_nocase(s, len, value->text, value->len);
    }

    enum filter_cmp cmp = filter_eval_cmp(field, jv, value, ctx, &order);
    if (op == FILTER_OP_NE)
        return cmp != CMP_OK || order != 0;
    if (cmp != CMP_OK)
        return false;
    switch (op) {
    case FILTER_OP_LT:
        return order < 0;
    case FILTER_OP_LE:
        return order <= 0;
    case FILTER_OP_GT:
        return order > 0;
    case FILTER_OP_GE:
        return order >= 0;
    default:
        return order == 0;
    }
}

/* Does the list value hold the string? A lone string counts as a one-element list. */
static bool filter_list_has(const json_t *jv, const char *text, size_t len)
{
    if (json_is_string(jv))
        return filter_bytes_cmp(json_string_value(jv), json_string_length(jv), text, len) == 0;
    if (!json_is_array(jv))
        return false;
    for (size_t i = 0; i < json_array_size(jv); i++) {
        const json_t *e = json_array_get(jv, i);
        if (json_is_string(e) &&
            filter_bytes_cmp(json_string_value(e), json_string_length(e), text, len) == 0)
            return true;
    }
    return false;
}

static bool filter_list_is_empty(const json_t *jv)
{
    if (jv == NULL || json_is_null(jv))
        return true;
    if (!json_is_array(jv))
        return false;
    for (size_t i = 0; i < json_array_size(jv); i++) {
        if (!json_is_null(json_array_get(jv, i)))
            return false;
    }
    return true;
}

static bool filter_eval_list(const struct filter_node *node, const json_t *jv)
{
    bool any = false;

    switch (node->op) {
    case FILTER_OP_IS_NULL:
        return filter_list_is_empty(jv);
    case FILTER_OP_IS_NOT_NULL:
        return !filter_list_is_empty(jv);
    default:
        break;
    }
    for (size_t i = 0; i < node->n_values && !any; i++)
        any = filter_list_has(jv, node->values[i].text, node->values[i].len);
    if (node->op == FILTER_OP_NE || node->op == FILTER_OP_NOT_IN)
        return !any;
    return any;
}

/* One condition on one record (the root, or a related record). */
static bool filter_eval_condition(const struct filter_node *node, const json_t *record,
                                  const struct filter_context *ctx)
{
    const struct schema_field *field = node->ref.field;
    const json_t *jv;

    if (field->storage == FIELD_IN_CUSTOM)
        jv = json_object_get(json_object_get(record, "custom"), field->column);
    else
        jv = json_object_get(record, field->name);

    if (filter_eval_is_list(field->type))
        return filter_eval_list(node, jv);

    bool absent = jv == NULL || json_is_null(jv);
    bool any = false;
    switch (node->op) {
    case FILTER_OP_IS_NULL:
        return absent;
    case FILTER_OP_IS_NOT_NULL:
        return !absent;
    case FILTER_OP_IN:
        for (size_t i = 0; i < node->n_values && !any; i++)
            any = filter_eval_single(field, jv, FILTER_OP_EQ, &node->values[i], ctx);
        return any;
    case FILTER_OP_NOT_IN:
        for (size_t i = 0; i < node->n_values; i++) {
            if (!filter_eval_single(field, jv, FILTER_OP_NE, &node->values[i], ctx))
                return false;
        }
        return true;
    default:
        return filter_eval_single(field, jv, node->op, &node->values[0], ctx);
    }
}

static bool filter_eval_related(const json_t *related, const struct filter_node *node,
                                const struct filter_context *ctx)
{
    if (!json_is_object(related))
        return false;
    const json_t *deleted = json_object_get(related, "deleted_at");
    if (deleted != NULL && !json_is_null(deleted))
        return false;
    return filter_eval_condition(node, related, ctx);
}

static bool filter_eval_node(const struct filter_node *node, const json_t *record,
                             const struct filter_context *ctx)
{
    switch (node->kind) {
    case FILTER_AND:
        for (size_t i = 0; i < node->n_children; i++) {
            if (!filter_eval_node(node->children[i], record, ctx))
                return false;
        }
        return true;
    case FILTER_OR:
        for (size_t i = 0; i < node->n_children; i++) {
            if (filter_eval_node(node->children[i], record, ctx))
                return true;
        }
        return false;
    case FILTER_NOT:
        return !filter_eval_node(node->child, record, ctx);
    case FILTER_COMPARE:
        break;
    }
    if (node->ref.relation == NULL)
        return filter_eval_condition(node, record, ctx);

    const json_t *related = json_object_get(record, node->ref.relation->name);
    if (!json_is_array(related))
        return filter_eval_related(related, node, ctx);
    for (size_t i = 0; i < json_array_size(related); i++) {
        if (filter_eval_related(json_array_get(related, i), node, ctx))
            return true;
    }
    return false;
}

int filter_eval(const struct filter_node *node, const struct schema *schema, const json_t *record,
                const struct filter_context *ctx, bool *result, struct err *err)
{
    (void)schema;
    (void)err;
    *result = filter_eval_node(node, record, ctx);
    return 0;
}
