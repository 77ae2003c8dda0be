/*
 * The shape of a parsed filter, shared by the parser, the SQL compiler and
 * the evaluator (internal to src/query). A filter is a tree of AND / OR
 * (n-ary), NOT and comparisons; every comparison names a resolved schema field
 * (through at most one relation) and carries values already checked against
 * the field's type. Relative periods stay symbolic until compile or eval time,
 * when filter_context.now_ms gives them bounds.
 */
#ifndef CRM_QUERY_FILTER_AST_H
#define CRM_QUERY_FILTER_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query/filter.h"

#define FILTER_MAX_TEXT_BYTES 4096
#define FILTER_MAX_DEPTH 32
#define FILTER_MAX_IN_VALUES 64
#define FILTER_MAX_NODES 256

enum filter_node_kind {
    FILTER_AND,
    FILTER_OR,
    FILTER_NOT,
    FILTER_COMPARE,
};

enum filter_op {
    FILTER_OP_EQ, /* also `within`: a period value means "inside [start, end)" */
    FILTER_OP_NE,
    FILTER_OP_LT,
    FILTER_OP_LE,
    FILTER_OP_GT,
    FILTER_OP_GE,
    FILTER_OP_IN,
    FILTER_OP_NOT_IN,
    FILTER_OP_CONTAINS,
    FILTER_OP_STARTS_WITH,
    FILTER_OP_IS_NULL,
    FILTER_OP_IS_NOT_NULL,
};

enum filter_period_kind {
    FILTER_PERIOD_CALENDAR, /* today, this week, last month, next year: unit + offset */
    FILTER_PERIOD_ROLLING,  /* last / next N units, counted from now */
    FILTER_PERIOD_DAY,      /* one calendar day: a date literal on a datetime field */
};

enum filter_unit {
    FILTER_UNIT_HOUR,
    FILTER_UNIT_DAY,
    FILTER_UNIT_WEEK,
    FILTER_UNIT_MONTH,
    FILTER_UNIT_QUARTER,
    FILTER_UNIT_YEAR,
};

struct filter_period {
    enum filter_period_kind kind;
    enum filter_unit unit;
    /* CALENDAR: -1 last, 0 this, +1 next; ROLLING: -N (last N) or +N (next N). */
    int64_t offset;
    int64_t day; /* DAY: days since 1970-01-01 */
};

enum filter_value_kind {
    FILTER_VALUE_STRING, /* also dates, and datetimes normalised to the stored form */
    FILTER_VALUE_NUMBER,
    FILTER_VALUE_BOOL,
    FILTER_VALUE_ME,
    FILTER_VALUE_PERIOD,
};

struct filter_value {
    enum filter_value_kind kind;
    size_t pos;       /* byte offset in the filter text */
    const char *text; /* STRING: unescaped, NUL-terminated; NUMBER: the literal */
    size_t len;
    bool is_int; /* NUMBER: fits int64 and has no fraction */
    int64_t i;
    double d;
    bool b;
    struct filter_period period;
};

/* A field of the root record, or of the records reached through one relation. */
struct filter_field_ref {
    const struct schema_relation *relation; /* NULL: the root record */
    const struct schema_field *field;
};

struct filter_node {
    enum filter_node_kind kind;
    size_t pos;
    /* AND, OR */
    struct filter_node **children;
    size_t n_children;
    /* NOT */
    struct filter_node *child;
    /* COMPARE */
    struct filter_field_ref ref;
    enum filter_op op;
    struct filter_value *values; /* 0 for IS [NOT] NULL, n for [NOT] IN, else 1 */
    size_t n_values;
};

#endif
