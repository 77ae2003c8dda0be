/*
 * Filter lexer: a cursor over the text that yields one token at a time.
 * Strings are unescaped into the arena (only \", \' and \\ are escapes);
 * numbers are kept as their source text for the parser to convert.
 */
#include "query/filter_lexer.h"

#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/utf8.h"

#define FILTER_MAX_NUMBER_BYTES 32

void filter_lexer_init(struct filter_lexer *lexer, struct arena *arena, const char *text,
                       size_t len)
{
    lexer->arena = arena;
    lexer->src = text;
    lexer->len = len;
    lexer->pos = 0;
}

bool filter_token_is(const struct filter_token *token, const char *keyword)
{
    return token->kind == FILTER_TOK_NAME &&
           str_eq_nocase((struct str){token->text, token->text_len}, keyword);
}

static bool filter_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool filter_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool filter_is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool filter_is_name_char(char c)
{
    return filter_is_name_start(c) || filter_is_digit(c);
}

static int filter_lex_unexpected(const struct filter_lexer *lexer, struct err *err)
{
    const char *p = lexer->src + lexer->pos;
    uint32_t cp;
    size_t n = utf8_decode(p, lexer->len - lexer->pos, &cp);
    if (n > 0 && cp >= 0x20 && cp != 0x7f)
        return err_set(err, ERR_BAD_FILTER, "at %zu: unexpected character '%.*s'", lexer->pos,
                       (int)n, p);
    return err_set(err, ERR_BAD_FILTER, "at %zu: unexpected byte 0x%02x", lexer->pos,
                   (unsigned)(unsigned char)*p);
}

static int filter_lex_string(struct filter_lexer *lexer, struct filter_token *token,
                             struct err *err)
{
    const char *src = lexer->src;
    char quote = src[lexer->pos];
    size_t start = lexer->pos;
    size_t i = start + 1;
    size_t n = 0;

    /* First pass: find the closing quote, check escapes and measure the value. */
    for (;;) {
        if (i >= lexer->len)
            return err_set(err, ERR_BAD_FILTER, "at %zu: unterminated string", start);
        char c = src[i];
        if (c == quote)
            break;
        if (c == '\0')
            return err_set(err, ERR_BAD_FILTER, "at %zu: NUL byte in string", i);
        if (c == '\\') {
            if (i + 1 >= lexer->len)
                return err_set(err, ERR_BAD_FILTER, "at %zu: unterminated string", start);
            char e = src[i + 1];
            if (e != '"' && e != '\'' && e != '\\')
                return err_set(err, ERR_BAD_FILTER,
                               "at %zu: unknown escape; only \\\", \\' and \\\\ are allowed", i);
            i++;
        }
        n++;
        i++;
    }
    size_t end = i;

    char *out = arena_alloc(lexer->arena, n + 1);
    n = 0;
    for (i = start + 1; i < end; i++) {
        if (src[i] == '\\')
            i++;
        out[n++] = src[i];
    }
    out[n] = '\0';
    token->kind = FILTER_TOK_STRING;
    token->text = out;
    token->text_len = n;
    lexer->pos = end + 1;
    return 0;
}

static int filter_lex_number(struct filter_lexer *lexer, struct filter_token *token,
                             struct err *err)
{
    const char *src = lexer->src;
    size_t start = lexer->pos;
    size_t i = start;

    if (src[i] == '-')
        i++;
    while (i < lexer->len && filter_is_digit(src[i]))
        i++;
    if (i < lexer->len && src[i] == '.') {
        i++;
        if (i >= lexer->len || !filter_is_digit(src[i]))
            return err_set(err, ERR_BAD_FILTER, "at %zu: expected digits after '.'", i);
        while (i < lexer->len && filter_is_digit(src[i]))
            i++;
    }
    if (i - start > FILTER_MAX_NUMBER_BYTES)
        return err_set(err, ERR_BAD_FILTER, "at %zu: number longer than %d characters", start,
                       FILTER_MAX_NUMBER_BYTES);
    token->kind = FILTER_TOK_NUMBER;
    token->text = src + start;
    token->text_len = i - start;
    lexer->pos = i;
    return 0;
}

static int filter_lex_name(struct filter_lexer *lexer, struct filter_token *token)
{
    const char *src = lexer->src;
    size_t start = lexer->pos;
    size_t i = start;

    for (;;) {
        while (i < lexer->len && filter_is_name_char(src[i]))
            i++;
        /* A dot continues the name only when another word follows it. */
        if (i + 1 < lexer->len && src[i] == '.' && filter_is_name_start(src[i + 1]))
            i++;
        else
            break;
    }
    token->kind = FILTER_TOK_NAME;
    token->text = src + start;
    token->text_len = i - start;
    lexer->pos = i;
    return 0;
}

int filter_lexer_next(struct filter_lexer *lexer, struct filter_token *token, struct err *err)
{
    const char *src = lexer->src;
    int rc;

    while (lexer->pos < lexer->len && filter_is_space(src[lexer->pos]))
        lexer->pos++;
    memset(token, 0, sizeof(*token));
    token->pos = lexer->pos;
    if (lexer->pos >= lexer->len) {
        token->kind = FILTER_TOK_END;
        return 0;
    }

    char c = src[lexer->pos];
    char next = lexer->pos + 1 < lexer->len ? src[lexer->pos + 1] : '\0';
    size_t width = 1;
    if (c == '"' || c == '\'') {
        rc = filter_lex_string(lexer, token, err);
    } else if (filter_is_digit(c) || (c == '-' && filter_is_digit(next))) {
        rc = filter_lex_number(lexer, token, err);
    } else if (filter_is_name_start(c)) {
        rc = filter_lex_name(lexer, token);
    } else {
        rc = 0;
        switch (c) {
        case '(':
            token->kind = FILTER_TOK_LPAREN;
            break;
        case ')':
            token->kind = FILTER_TOK_RPAREN;
            break;
        case ',':
            token->kind = FILTER_TOK_COMMA;
            break;
        case '=':
            token->kind = FILTER_TOK_EQ;
            break;
        case '!':
            if (next != '=')
                return filter_lex_unexpected(lexer, err);
            token->kind = FILTER_TOK_NE;
            width = 2;
            break;
        case '<':
            token->kind = next == '=' ? FILTER_TOK_LE : next == '>' ? FILTER_TOK_NE : FILTER_TOK_LT;
            width = next == '=' || next == '>' ? 2 : 1;
            break;
        case '>':
            token->kind = next == '=' ? FILTER_TOK_GE : FILTER_TOK_GT;
            width = next == '=' ? 2 : 1;
            break;
        default:
            return filter_lex_unexpected(lexer, err);
        }
        token->text = src + lexer->pos;
        token->text_len = width;
        lexer->pos += width;
    }
    if (rc < 0)
        return rc;
    token->len = lexer->pos - token->pos;
    return 0;
}
