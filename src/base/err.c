/*
 * Error codes: the HTTP status, slug and title of each code come from the
 * ERR_MAP table in err.h; this file expands it once and fills struct err.
 */
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR_MORE_PREFIX "Invalid fields not listed: "

struct err_info {
    int http_status;
    const char *slug;
    const char *title;
};

static const struct err_info err_table[ERR_COUNT] = {
#define ERR_INFO_ROW(name, status, slug, title) [ERR_##name] = {status, slug, title},
    ERR_MAP(ERR_INFO_ROW)
#undef ERR_INFO_ROW
};

static const struct err_info *err_info_of(enum err_code code)
{
    if ((unsigned)code >= ERR_COUNT)
        return &err_table[ERR_INTERNAL];
    return &err_table[code];
}

void err_clear(struct err *err)
{
    err->code = ERR_OK;
    err->detail[0] = '\0';
    err->n_fields = 0;
}

int err_set(struct err *err, enum err_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = err_setv(err, code, fmt, ap);
    va_end(ap);
    return rc;
}

int err_setv(struct err *err, enum err_code code, const char *fmt, va_list ap)
{
    err->code = code;
    if (fmt == NULL)
        err->detail[0] = '\0';
    else
        vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
    return -(int)code;
}

/* Copies src into a fixed array, truncating and always terminating. */
static void err_copy(char *dst, size_t dst_size, const char *src)
{
    size_t n = strlen(src);
    if (n >= dst_size)
        n = dst_size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int err_field(struct err *err, const char *field, const char *fmt, ...)
{
    if (err->code == ERR_OK)
        err->code = ERR_VALIDATION;
    if (err->n_fields < ERR_MAX_FIELDS) {
        struct field_error *fe = &err->fields[err->n_fields];
        va_list ap;
        err_copy(fe->field, sizeof(fe->field), field);
        va_start(ap, fmt);
        vsnprintf(fe->message, sizeof(fe->message), fmt, ap);
        va_end(ap);
        err->n_fields++;
        return -(int)err->code;
    }
    /* n_fields never exceeds the array; the overflow count lives in the detail. */
    unsigned long more = 1;
    if (strncmp(err->detail, ERR_MORE_PREFIX, strlen(ERR_MORE_PREFIX)) == 0)
        more = strtoul(err->detail + strlen(ERR_MORE_PREFIX), NULL, 10) + 1;
    snprintf(err->detail, sizeof(err->detail), ERR_MORE_PREFIX "%lu", more);
    return -(int)err->code;
}

int err_http_status(enum err_code code)
{
    return err_info_of(code)->http_status;
}

const char *err_slug(enum err_code code)
{
    return err_info_of(code)->slug;
}

const char *err_title(enum err_code code)
{
    return err_info_of(code)->title;
}
