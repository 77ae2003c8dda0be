/*
 * Filter parser: recursive descent over the lexer's tokens, building the AST
 * of filter_ast.h in the caller's arena. Every name is resolved against the
 * schema and every value checked against its field's type here, so the SQL
 * compiler and the evaluator only see well-formed trees. Limits (text
 * length, nesting depth, list length, node count) keep hostile input cheap.
 *
 *     filter    := or
 *     or        := and ("or" and)*
 *     and       := not ("and" not)*
 *     not       := "not" not | primary
 *     primary   := "(" or ")" | condition
 *     condition := name (cmp value | ["not"] "in" "(" value ("," value)* ")"
 *                        | "contains" value | "starts" "with" value
 *                        | "is" ["not"] "null" | "within" period)
 */
#include "query/filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/str.h"
#include "base/utf8.h"
#include "query/filter_ast.h"
#include "query/filter_lexer.h"

#define FILTER_MAX_PERIOD_COUNT 10000
#define FILTER_QUOTE_BYTES 40

struct filter_parser {
    struct arena *arena;
    const struct schema *schema;
    const char *src;
    size_t len;
    struct filter_lexer lexer;
    struct filter_token tok;
    struct err *err;
    size_t n_nodes;
};

enum filter_class { CLASS_TEXT, CLASS_NUMBER, CLASS_DATE, CLASS_BOOL, CLASS_LIST };

const struct schema_field *schema_find_field(const struct schema *schema, const char *name,
                                             size_t name_len)
{
    for (size_t i = 0; i < schema->n_fields; i++) {
        const char *field = schema->fields[i].name;
        if (strlen(field) == name_len && memcmp(field, name, name_len) == 0)
            return &schema->fields[i];
    }
    return NULL;
}

static enum filter_class filter_class_of(enum field_type type)
{
    switch (type) {
    case FIELD_NUMBER:
    case FIELD_INTEGER:
    case FIELD_MONEY:
        return CLASS_NUMBER;
    case FIELD_DATE:
    case FIELD_DATETIME:
        return CLASS_DATE;
    case FIELD_BOOL:
        return CLASS_BOOL;
    case FIELD_MULTI_ENUM:
    case FIELD_TEXT_LIST:
        return CLASS_LIST;
    case FIELD_TEXT:
    case FIELD_ENUM:
    case FIELD_EMAIL:
    case FIELD_PHONE:
    case FIELD_URL:
        break;
    }
    return CLASS_TEXT;
}

static const char *filter_type_name(enum field_type type)
{
    switch (type) {
    case FIELD_TEXT:
        return "a text";
    case FIELD_NUMBER:
        return "a number";
    case FIELD_INTEGER:
        return "an integer";
    case FIELD_MONEY:
        return "a money";
    case FIELD_DATE:
        return "a date";
    case FIELD_DATETIME:
        return "a date-time";
    case FIELD_BOOL:
        return "a true/false";
    case FIELD_ENUM:
        return "a choice";
    case FIELD_MULTI_ENUM:
        return "a multiple-choice";
    case FIELD_EMAIL:
        return "an e-mail";
    case FIELD_PHONE:
        return "a phone";
    case FIELD_URL:
        return "a URL";
    case FIELD_TEXT_LIST:
        return "a list";
    }
    return "a";
}

static const char *filter_op_name(enum filter_op op)
{
    static const char *const names[] = {
        [FILTER_OP_EQ] = "=",
        [FILTER_OP_NE] = "!=",
        [FILTER_OP_LT] = "<",
        [FILTER_OP_LE] = "<=",
        [FILTER_OP_GT] = ">",
        [FILTER_OP_GE] = ">=",
        [FILTER_OP_IN] = "in",
        [FILTER_OP_NOT_IN] = "not in",
        [FILTER_OP_CONTAINS] = "contains",
        [FILTER_OP_STARTS_WITH] = "starts with",
        [FILTER_OP_IS_NULL] = "is null",
        [FILTER_OP_IS_NOT_NULL] = "is not null",
    };
    return names[op];
}

/* Bytes of s to show in a message: at most FILTER_QUOTE_BYTES, cut at a UTF-8 boundary. */
static int filter_quote_len(const char *s, size_t len)
{
    size_t n = len < FILTER_QUOTE_BYTES ? len : FILTER_QUOTE_BYTES;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

__attribute__((format(printf, 3, 4))) static int filter_fail(struct filter_parser *p, size_t pos,
                                                             const char *fmt, ...)
{
    char message[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    return err_set(p->err, ERR_BAD_FILTER, "at %zu: %s", pos, message);
}

/* "'source text'" of the current token, or "the end of the filter". */
static const char *filter_describe(struct filter_parser *p, char *out, size_t out_size)
{
    const struct filter_token *t = &p->tok;
    if (t->kind == FILTER_TOK_END)
        return "the end of the filter";
    /* A string shows in its own quotes. */
    const char *quote = t->kind == FILTER_TOK_STRING ? "" : "'";
    snprintf(out, out_size, "%s%.*s%s", quote, filter_quote_len(p->src + t->pos, t->len),
             p->src + t->pos, quote);
    return out;
}

static int filter_advance(struct filter_parser *p)
{
    return filter_lexer_next(&p->lexer, &p->tok, p->err);
}

static int filter_new_node(struct filter_parser *p, enum filter_node_kind kind, size_t pos,
                           struct filter_node **out)
{
    if (++p->n_nodes > FILTER_MAX_NODES)
        return filter_fail(p, pos, "the filter has more than %d conditions", FILTER_MAX_NODES);
    struct filter_node *node = arena_alloc(p->arena, sizeof(*node));
    node->kind = kind;
    node->pos = pos;
    *out = node;
    return 0;
}

/* Resolves "field", "custom.key" or "relation.field" at the current NAME token. */
static int filter_resolve(struct filter_parser *p, struct filter_field_ref *ref)
{
    const struct filter_token *t = &p->tok;
    const char *name = t->text;
    size_t len = t->text_len;

    ref->relation = NULL;
    ref->field = schema_find_field(p->schema, name, len);
    if (ref->field != NULL)
        return 0;

    const char *dot = memchr(name, '.', len);
    size_t head_len = dot != NULL ? (size_t)(dot - name) : len;
    for (size_t i = 0; i < p->schema->n_relations; i++) {
        const struct schema_relation *rel = &p->schema->relations[i];
        if (strlen(rel->name) != head_len || memcmp(rel->name, name, head_len) != 0 ||
            rel->target == NULL)
            continue;
        if (dot == NULL)
            return filter_fail(p, t->pos,
                               "'%s' is a relation; name one of its fields, as in %s.name",
                               rel->name, rel->name);
        ref->field = schema_find_field(rel->target, dot + 1, len - head_len - 1);
        if (ref->field != NULL) {
            ref->relation = rel;
            return 0;
        }
        break;
    }
    return filter_fail(p, t->pos, "unknown field '%.*s'", filter_quote_len(name, len), name);
}

/* Checks that op applies to the field's type; pos is the operator's position. */
static int filter_check_op(struct filter_parser *p, const struct schema_field *field,
                           enum filter_op op, size_t pos)
{
    enum filter_class cls = filter_class_of(field->type);
    bool ok = true;

    switch (op) {
    case FILTER_OP_EQ:
    case FILTER_OP_NE:
    case FILTER_OP_IS_NULL:
    case FILTER_OP_IS_NOT_NULL:
        break;
    case FILTER_OP_LT:
    case FILTER_OP_LE:
    case FILTER_OP_GT:
    case FILTER_OP_GE:
        ok = cls == CLASS_TEXT || cls == CLASS_NUMBER || cls == CLASS_DATE;
        break;
    case FILTER_OP_IN:
    case FILTER_OP_NOT_IN:
        ok = cls != CLASS_BOOL;
        break;
    case FILTER_OP_CONTAINS:
        ok = cls == CLASS_TEXT || cls == CLASS_LIST;
        break;
    case FILTER_OP_STARTS_WITH:
        ok = cls == CLASS_TEXT;
        break;
    }
    if (!ok)
        return filter_fail(p, pos, "'%s' does not apply to '%s', %s field", filter_op_name(op),
                           field->name, filter_type_name(field->type));
    return 0;
}

/* "30" in "last 30 days": a whole number from 1 to FILTER_MAX_PERIOD_COUNT. */
static int filter_parse_count(struct filter_parser *p, int64_t *out)
{
    const struct filter_token *t = &p->tok;
    int64_t n = 0;
    if (str_to_int64((struct str){t->text, t->text_len}, &n) < 0 || n < 1 ||
        n > FILTER_MAX_PERIOD_COUNT)
        return filter_fail(p, t->pos, "expected a whole number from 1 to %d",
                           FILTER_MAX_PERIOD_COUNT);
    *out = n;
    return filter_advance(p);
}

static bool filter_unit_word(const struct filter_token *t, bool plural_ok, enum filter_unit *unit)
{
    static const struct {
        const char *one, *many;
        enum filter_unit unit;
    } words[] = {
        {"hour", "hours", FILTER_UNIT_HOUR},          {"day", "days", FILTER_UNIT_DAY},
        {"week", "weeks", FILTER_UNIT_WEEK},          {"month", "months", FILTER_UNIT_MONTH},
        {"quarter", "quarters", FILTER_UNIT_QUARTER}, {"year", "years", FILTER_UNIT_YEAR},
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (filter_token_is(t, words[i].one) || (plural_ok && filter_token_is(t, words[i].many))) {
            *unit = words[i].unit;
            return true;
        }
    }
    return false;
}

static bool filter_is_period_start(const struct filter_token *t)
{
    return filter_token_is(t, "today") || filter_token_is(t, "yesterday") ||
           filter_token_is(t, "tomorrow") || filter_token_is(t, "this") ||
           filter_token_is(t, "last") || filter_token_is(t, "next");
}

/*
 * today | yesterday | tomorrow | this week|month|quarter|year
 * | (last|next) (week|month|quarter|year) | (last|next) N hours|days|weeks|months|quarters|years
 */
static int filter_parse_period(struct filter_parser *p, struct filter_period *period)
{
    const struct filter_token *t = &p->tok;
    char what[64];
    int rc;

    memset(period, 0, sizeof(*period));
    period->kind = FILTER_PERIOD_CALENDAR;
    period->unit = FILTER_UNIT_DAY;
    if (filter_token_is(t, "today") || filter_token_is(t, "yesterday") ||
        filter_token_is(t, "tomorrow")) {
        period->offset = filter_token_is(t, "today") ? 0 : filter_token_is(t, "yesterday") ? -1 : 1;
        return filter_advance(p);
    }
    if (!filter_token_is(t, "this") && !filter_token_is(t, "last") && !filter_token_is(t, "next"))
        return filter_fail(p, t->pos,
                           "expected a period (today, this month, last 30 days, ...), got %s",
                           filter_describe(p, what, sizeof(what)));

    int64_t sign = filter_token_is(t, "this") ? 0 : filter_token_is(t, "last") ? -1 : 1;
    rc = filter_advance(p);
    if (rc < 0)
        return rc;
    if (sign != 0 && t->kind == FILTER_TOK_NUMBER) {
        int64_t n = 0;
        rc = filter_parse_count(p, &n);
        if (rc < 0)
            return rc;
        if (!filter_unit_word(t, true, &period->unit))
            return filter_fail(p, t->pos,
                               "expected hours, days, weeks, months, quarters or years, got %s",
                               filter_describe(p, what, sizeof(what)));
        period->kind = FILTER_PERIOD_ROLLING;
        period->offset = sign * n;
        return filter_advance(p);
    }
    if (!filter_unit_word(t, false, &period->unit) || period->unit == FILTER_UNIT_HOUR ||
        period->unit == FILTER_UNIT_DAY)
        return filter_fail(p, t->pos, "expected week, month, quarter or year%s, got %s",
                           sign != 0 ? " or a number of days" : "",
                           filter_describe(p, what, sizeof(what)));
    period->offset = sign;
    return filter_advance(p);
}

/* A quoted date or date-time for a date field; v already holds the string. */
static int filter_check_date(struct filter_parser *p, const struct schema_field *field,
                             struct filter_value *v)
{
    int64_t days, ms;
    int n = filter_quote_len(v->text, v->len);

    if (field->type == FIELD_DATE) {
        if (clock_parse_date(v->text, v->len, &days) < 0)
            return filter_fail(p, v->pos, "'%.*s' is not a valid date (YYYY-MM-DD)", n, v->text);
        return 0;
    }
    if (v->len == CLOCK_DATE_LEN && clock_parse_date(v->text, v->len, &days) == 0) {
        /* A whole day on a date-time field. */
        v->kind = FILTER_VALUE_PERIOD;
        memset(&v->period, 0, sizeof(v->period));
        v->period.kind = FILTER_PERIOD_DAY;
        v->period.day = days;
        return 0;
    }
    if (clock_parse_datetime(v->text, v->len, &ms) < 0)
        return filter_fail(p, v->pos,
                           "'%.*s' is not a valid date (YYYY-MM-DD) or date-time "
                           "(YYYY-MM-DDTHH:MM:SSZ)",
                           n, v->text);
    /* Normalised to the stored form so that text comparison orders it correctly. */
    char *stored = arena_alloc(p->arena, CLOCK_DATETIME_LEN + 1);
    clock_format_datetime(ms, stored);
    v->text = stored;
    v->len = CLOCK_DATETIME_LEN;
    return 0;
}

static int filter_parse_number(struct filter_parser *p, struct filter_value *v)
{
    const struct filter_token *t = &p->tok;
    char *copy = arena_strndup(p->arena, t->text, t->text_len);

    v->kind = FILTER_VALUE_NUMBER;
    v->text = copy;
    v->len = t->text_len;
    if (memchr(copy, '.', t->text_len) == NULL) {
        if (str_to_int64((struct str){copy, t->text_len}, &v->i) < 0)
            return filter_fail(p, t->pos, "number out of range");
        v->is_int = true;
        v->d = (double)v->i;
    } else {
        v->d = strtod(copy, NULL);
    }
    return 0;
}

/* One value for field under op; leaves the cursor after it. */
static int filter_parse_value(struct filter_parser *p, const struct schema_field *field,
                              enum filter_op op, const char *after, struct filter_value *v)
{
    const struct filter_token *t = &p->tok;
    enum filter_class cls = filter_class_of(field->type);
    bool in_list = op == FILTER_OP_IN || op == FILTER_OP_NOT_IN;
    char what[64];
    int rc;

    memset(v, 0, sizeof(*v));
    v->pos = t->pos;
    switch (t->kind) {
    case FILTER_TOK_STRING:
        if (cls == CLASS_NUMBER)
            return filter_fail(p, t->pos, "'%s' is %s field: write the number without quotes",
                               field->name, filter_type_name(field->type));
        if (cls == CLASS_BOOL)
            return filter_fail(p, t->pos, "'%s' is a true/false field: write true or false",
                               field->name);
        v->kind = FILTER_VALUE_STRING;
        v->text = t->text;
        v->len = t->text_len;
        if (cls == CLASS_DATE) {
            rc = filter_check_date(p, field, v);
            if (rc < 0)
                return rc;
        }
        return filter_advance(p);
    case FILTER_TOK_NUMBER:
        if (cls != CLASS_NUMBER)
            return filter_fail(p, t->pos, "'%s' is %s field: %s", field->name,
                               filter_type_name(field->type),
                               cls == CLASS_BOOL   ? "write true or false"
                               : cls == CLASS_DATE ? "write the date in quotes, as \"2026-01-31\""
                                                   : "put the value in quotes");
        rc = filter_parse_number(p, v);
        if (rc < 0)
            return rc;
        return filter_advance(p);
    case FILTER_TOK_NAME:
        if (filter_token_is(t, "true") || filter_token_is(t, "false")) {
            if (cls != CLASS_BOOL)
                return filter_fail(p, t->pos, "'%s' is %s field, not true/false", field->name,
                                   filter_type_name(field->type));
            v->kind = FILTER_VALUE_BOOL;
            v->b = filter_token_is(t, "true");
            return filter_advance(p);
        }
        if (filter_token_is(t, "me")) {
            if (field->type != FIELD_INTEGER)
                return filter_fail(p, t->pos, "me() compares with user ids; '%s' is %s field",
                                   field->name, filter_type_name(field->type));
            if (op != FILTER_OP_EQ && op != FILTER_OP_NE && !in_list)
                return filter_fail(p, t->pos, "me() works with =, !=, in and not in");
            v->kind = FILTER_VALUE_ME;
            rc = filter_advance(p);
            if (rc == 0 && t->kind != FILTER_TOK_LPAREN)
                rc = filter_fail(p, t->pos, "expected '(' after me");
            if (rc == 0)
                rc = filter_advance(p);
            if (rc == 0 && t->kind != FILTER_TOK_RPAREN)
                rc = filter_fail(p, t->pos, "expected ')' after me(");
            if (rc == 0)
                rc = filter_advance(p);
            return rc;
        }
        if (filter_token_is(t, "null"))
            return filter_fail(p, t->pos, "write 'is null' or 'is not null' to test for no value");
        if (filter_is_period_start(t)) {
            if (cls != CLASS_DATE)
                return filter_fail(p, t->pos, "'%s' is %s field, not a date", field->name,
                                   filter_type_name(field->type));
            if (in_list)
                return filter_fail(p, t->pos, "periods do not go in a list; use = or 'or'");
            v->kind = FILTER_VALUE_PERIOD;
            return filter_parse_period(p, &v->period);
        }
        return filter_fail(p, t->pos, "expected a value, got %s (text goes in quotes)",
                           filter_describe(p, what, sizeof(what)));
    case FILTER_TOK_END:
        return filter_fail(p, t->pos, "expected a value after %s", after);
    default:
        return filter_fail(p, t->pos, "expected a value, got %s",
                           filter_describe(p, what, sizeof(what)));
    }
}

static int filter_parse_list(struct filter_parser *p, struct filter_node *node)
{
    const struct filter_token *t = &p->tok;
    size_t cap = 0;
    char what[64];
    int rc;

    if (t->kind != FILTER_TOK_LPAREN)
        return filter_fail(p, t->pos, "expected '(' after '%s', got %s", filter_op_name(node->op),
                           filter_describe(p, what, sizeof(what)));
    rc = filter_advance(p);
    if (rc < 0)
        return rc;
    for (;;) {
        if (node->n_values == FILTER_MAX_IN_VALUES)
            return filter_fail(p, t->pos, "a list holds at most %d values", FILTER_MAX_IN_VALUES);
        if (node->n_values == cap) {
            size_t size = sizeof(struct filter_value);
            size_t grown = cap == 0 ? 4 : cap * 2;
            node->values = cap == 0 ? arena_alloc_array(p->arena, grown, size)
                                    : arena_grow(p->arena, node->values, cap * size, grown * size);
            cap = grown;
        }
        rc = filter_parse_value(p, node->ref.field, node->op, "'('", &node->values[node->n_values]);
        if (rc < 0)
            return rc;
        node->n_values++;
        if (t->kind == FILTER_TOK_RPAREN)
            return filter_advance(p);
        if (t->kind != FILTER_TOK_COMMA)
            return filter_fail(p, t->pos, "expected ',' or ')' in the list, got %s",
                               filter_describe(p, what, sizeof(what)));
        rc = filter_advance(p);
        if (rc < 0)
            return rc;
    }
}

/* Reads the operator after a field name into node->op (within becomes FILTER_OP_EQ). */
static int filter_parse_operator(struct filter_parser *p, struct filter_node *node)
{
    const struct filter_token *t = &p->tok;
    char what[64];
    int rc;

    switch (t->kind) {
    case FILTER_TOK_EQ:
        node->op = FILTER_OP_EQ;
        return filter_advance(p);
    case FILTER_TOK_NE:
        node->op = FILTER_OP_NE;
        return filter_advance(p);
    case FILTER_TOK_LT:
        node->op = FILTER_OP_LT;
        return filter_advance(p);
    case FILTER_TOK_LE:
        node->op = FILTER_OP_LE;
        return filter_advance(p);
    case FILTER_TOK_GT:
        node->op = FILTER_OP_GT;
        return filter_advance(p);
    case FILTER_TOK_GE:
        node->op = FILTER_OP_GE;
        return filter_advance(p);
    default:
        break;
    }

    const char *second = NULL;
    if (filter_token_is(t, "in")) {
        node->op = FILTER_OP_IN;
    } else if (filter_token_is(t, "contains")) {
        node->op = FILTER_OP_CONTAINS;
    } else if (filter_token_is(t, "within")) {
        node->op = FILTER_OP_EQ;
    } else if (filter_token_is(t, "not")) {
        node->op = FILTER_OP_NOT_IN;
        second = "in";
    } else if (filter_token_is(t, "starts")) {
        node->op = FILTER_OP_STARTS_WITH;
        second = "with";
    } else if (filter_token_is(t, "is")) {
        rc = filter_advance(p);
        if (rc < 0)
            return rc;
        node->op = FILTER_OP_IS_NULL;
        if (filter_token_is(t, "not")) {
            node->op = FILTER_OP_IS_NOT_NULL;
            rc = filter_advance(p);
            if (rc < 0)
                return rc;
        }
        if (!filter_token_is(t, "null"))
            return filter_fail(p, t->pos, "expected 'null' after 'is', got %s",
                               filter_describe(p, what, sizeof(what)));
        return filter_advance(p);
    } else {
        return filter_fail(p, t->pos,
                           "expected an operator (=, !=, <, <=, >, >=, in, not in, contains, "
                           "starts with, is null, within) after '%s', got %s",
                           node->ref.field->name, filter_describe(p, what, sizeof(what)));
    }
    rc = filter_advance(p);
    if (rc < 0)
        return rc;
    if (second != NULL) {
        if (!filter_token_is(t, second))
            return filter_fail(p, t->pos, "expected '%s' after '%s', got %s", second,
                               node->op == FILTER_OP_NOT_IN ? "not" : "starts",
                               filter_describe(p, what, sizeof(what)));
        rc = filter_advance(p);
    }
    return rc;
}

static int filter_parse_condition(struct filter_parser *p, struct filter_node **out)
{
    const struct filter_token *t = &p->tok;
    struct filter_node *node = NULL;
    int rc;

    rc = filter_new_node(p, FILTER_COMPARE, t->pos, &node);
    if (rc < 0)
        return rc;
    rc = filter_resolve(p, &node->ref);
    if (rc < 0)
        return rc;
    char after[80];
    snprintf(after, sizeof(after), "'%s'", node->ref.field->name);
    rc = filter_advance(p);
    if (rc < 0)
        return rc;

    size_t op_pos = t->pos;
    bool within = filter_token_is(t, "within");
    rc = filter_parse_operator(p, node);
    if (rc < 0)
        return rc;
    if (within && filter_class_of(node->ref.field->type) != CLASS_DATE)
        return filter_fail(p, op_pos, "'within' needs a date field; '%s' is %s field",
                           node->ref.field->name, filter_type_name(node->ref.field->type));
    rc = filter_check_op(p, node->ref.field, node->op, op_pos);
    if (rc < 0)
        return rc;

    *out = node;
    switch (node->op) {
    case FILTER_OP_IS_NULL:
    case FILTER_OP_IS_NOT_NULL:
        return 0;
    case FILTER_OP_IN:
    case FILTER_OP_NOT_IN:
        return filter_parse_list(p, node);
    default:
        break;
    }
    node->values = arena_alloc(p->arena, sizeof(struct filter_value));
    node->n_values = 1;
    if (within) {
        if (!filter_is_period_start(t))
            return filter_fail(p, t->pos, "expected a period after 'within', as in 'last 30 days'");
        node->values[0].kind = FILTER_VALUE_PERIOD;
        node->values[0].pos = t->pos;
        return filter_parse_period(p, &node->values[0].period);
    }
    snprintf(after, sizeof(after), "'%s'", filter_op_name(node->op));
    return filter_parse_value(p, node->ref.field, node->op, after, &node->values[0]);
}

static int filter_parse_or(struct filter_parser *p, int depth, struct filter_node **out);

static int filter_parse_primary(struct filter_parser *p, int depth, struct filter_node **out)
{
    const struct filter_token *t = &p->tok;
    char what[64];
    int rc;

    if (t->kind == FILTER_TOK_LPAREN) {
        size_t open_pos = t->pos;
        if (depth >= FILTER_MAX_DEPTH)
            return filter_fail(p, t->pos, "nested deeper than %d levels", FILTER_MAX_DEPTH);
        rc = filter_advance(p);
        if (rc < 0)
            return rc;
        rc = filter_parse_or(p, depth + 1, out);
        if (rc < 0)
            return rc;
        if (t->kind != FILTER_TOK_RPAREN)
            return filter_fail(p, t->pos, "expected ')' to close the '(' at %zu, got %s", open_pos,
                               filter_describe(p, what, sizeof(what)));
        return filter_advance(p);
    }
    if (t->kind == FILTER_TOK_NAME && !filter_token_is(t, "and") && !filter_token_is(t, "or"))
        return filter_parse_condition(p, out);
    if (t->kind == FILTER_TOK_END)
        return filter_fail(p, t->pos, "expected a condition");
    return filter_fail(p, t->pos, "expected a condition, got %s",
                       filter_describe(p, what, sizeof(what)));
}

static int filter_parse_not(struct filter_parser *p, int depth, struct filter_node **out)
{
    const struct filter_token *t = &p->tok;
    struct filter_node *node = NULL;
    int rc;

    if (!filter_token_is(t, "not"))
        return filter_parse_primary(p, depth, out);
    if (depth >= FILTER_MAX_DEPTH)
        return filter_fail(p, t->pos, "nested deeper than %d levels", FILTER_MAX_DEPTH);
    rc = filter_new_node(p, FILTER_NOT, t->pos, &node);
    if (rc < 0)
        return rc;
    rc = filter_advance(p);
    if (rc < 0)
        return rc;
    rc = filter_parse_not(p, depth + 1, &node->child);
    if (rc < 0)
        return rc;
    *out = node;
    return 0;
}

/* and := not ("and" not)*  and  or := and ("or" and)*, as n-ary nodes. */
static int filter_parse_chain(struct filter_parser *p, int depth, enum filter_node_kind kind,
                              struct filter_node **out)
{
    const struct filter_token *t = &p->tok;
    const char *word = kind == FILTER_AND ? "and" : "or";
    struct filter_node *first = NULL, *node = NULL;
    size_t cap = 0;
    int rc;

    rc = kind == FILTER_AND ? filter_parse_not(p, depth, &first)
                            : filter_parse_chain(p, depth, FILTER_AND, &first);
    if (rc < 0)
        return rc;
    while (filter_token_is(t, word)) {
        if (node == NULL) {
            rc = filter_new_node(p, kind, first->pos, &node);
            if (rc < 0)
                return rc;
            cap = 4;
            node->children = arena_alloc_array(p->arena, cap, sizeof(*node->children));
            node->children[node->n_children++] = first;
        }
        rc = filter_advance(p);
        if (rc < 0)
            return rc;
        if (node->n_children == cap) {
            size_t size = sizeof(*node->children);
            node->children = arena_grow(p->arena, node->children, cap * size, cap * 2 * size);
            cap *= 2;
        }
        struct filter_node **slot = &node->children[node->n_children];
        rc = kind == FILTER_AND ? filter_parse_not(p, depth, slot)
                                : filter_parse_chain(p, depth, FILTER_AND, slot);
        if (rc < 0)
            return rc;
        node->n_children++;
    }
    *out = node != NULL ? node : first;
    return 0;
}

static int filter_parse_or(struct filter_parser *p, int depth, struct filter_node **out)
{
    return filter_parse_chain(p, depth, FILTER_OR, out);
}

/* Offset of the first byte that is not valid UTF-8, or len. */
static size_t filter_bad_utf8_at(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

struct filter_node *filter_parse(struct arena *arena, const struct schema *schema, const char *text,
                                 size_t len, struct err *err)
{
    struct filter_parser p = {
        .arena = arena, .schema = schema, .src = text, .len = len, .err = err};
    struct filter_node *root = NULL;
    char what[64];
    int rc;

    if (text == NULL)
        p.src = text = "";
    if (len > FILTER_MAX_TEXT_BYTES) {
        filter_fail(&p, FILTER_MAX_TEXT_BYTES, "the filter is longer than %d bytes",
                    FILTER_MAX_TEXT_BYTES);
        return NULL;
    }
    size_t bad = filter_bad_utf8_at(text, len);
    if (bad < len) {
        filter_fail(&p, bad, "invalid UTF-8");
        return NULL;
    }
    filter_lexer_init(&p.lexer, arena, text, len);
    rc = filter_advance(&p);
    if (rc == 0)
        rc = filter_parse_or(&p, 0, &root);
    if (rc == 0 && p.tok.kind != FILTER_TOK_END) {
        if (p.tok.kind == FILTER_TOK_RPAREN)
            rc = filter_fail(&p, p.tok.pos, "')' without a matching '('");
        else
            rc = filter_fail(&p, p.tok.pos, "expected 'and', 'or' or the end of the filter, got %s",
                             filter_describe(&p, what, sizeof(what)));
    }
    return rc == 0 ? root : NULL;
}
