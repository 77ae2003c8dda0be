/*
 * Tokens of the filter language, each with its byte offset in the text.
 * Words (field names, dotted paths and keywords alike) are NAME tokens; the
 * parser tells keywords apart, case-insensitively, by where they stand.
 */
#ifndef CRM_QUERY_FILTER_LEXER_H
#define CRM_QUERY_FILTER_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct arena;

enum filter_token_kind {
    FILTER_TOK_END,
    FILTER_TOK_NAME,   /* industry, custom.region, company.name, and, within, ... */
    FILTER_TOK_STRING, /* "..." or '...' */
    FILTER_TOK_NUMBER, /* 12, -3, 10.50 */
    FILTER_TOK_LPAREN,
    FILTER_TOK_RPAREN,
    FILTER_TOK_COMMA,
    FILTER_TOK_EQ, /* = */
    FILTER_TOK_NE, /* != or <> */
    FILTER_TOK_LT,
    FILTER_TOK_LE,
    FILTER_TOK_GT,
    FILTER_TOK_GE,
};

struct filter_token {
    enum filter_token_kind kind;
    size_t pos; /* byte offset of the first byte */
    size_t len; /* bytes of source text */
    /* NAME, NUMBER: the source bytes; STRING: the unescaped value (arena, NUL-terminated). */
    const char *text;
    size_t text_len;
};

struct filter_lexer {
    struct arena *arena;
    const char *src;
    size_t len;
    size_t pos;
};

void filter_lexer_init(struct filter_lexer *lexer, struct arena *arena, const char *text,
                       size_t len);
/* Reads the next token: 0, or -ERR_BAD_FILTER with "at N: ..." in err. */
int filter_lexer_next(struct filter_lexer *lexer, struct filter_token *token, struct err *err);
/* True when token is a NAME spelling keyword (ASCII, any case). */
bool filter_token_is(const struct filter_token *token, const char *keyword);

#endif
