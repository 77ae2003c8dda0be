/*
 * CSRF header checks: Fetch Metadata (Sec-Fetch-Site) first, then the Origin
 * header compared with Host for browsers that send no Fetch Metadata.
 */
#include "auth/csrf.h"

#include <string.h>
#include <strings.h>

#include "base/str.h"

/* A host[:port] split into its name and port; the name of an IPv6 literal keeps its brackets. */
struct csrf_authority {
    struct str name;
    struct str port;
};

/* Splits host[:port]; false when malformed (empty name, empty or non-digit port). */
static bool csrf_authority_parse(struct str s, struct csrf_authority *out)
{
    size_t name_end = s.len;
    if (s.len > 0 && s.ptr[0] == '[') {
        const char *close = memchr(s.ptr, ']', s.len);
        if (close == NULL)
            return false;
        name_end = (size_t)(close - s.ptr) + 1;
    } else {
        const char *colon = memchr(s.ptr, ':', s.len);
        if (colon != NULL)
            name_end = (size_t)(colon - s.ptr);
    }
    out->name = (struct str){s.ptr, name_end};
    out->port = (struct str){s.ptr + name_end, 0};
    if (name_end == 0)
        return false;
    if (name_end < s.len) {
        if (s.ptr[name_end] != ':' || name_end + 1 == s.len)
            return false;
        out->port = (struct str){s.ptr + name_end + 1, s.len - name_end - 1};
    }
    for (size_t i = 0; i < out->port.len; i++) {
        if (out->port.ptr[i] < '0' || out->port.ptr[i] > '9')
            return false;
    }
    return true;
}

static bool csrf_name_eq(struct str a, struct str b)
{
    return a.len == b.len && strncasecmp(a.ptr, b.ptr, a.len) == 0;
}

static bool csrf_origin_matches_host(const char *origin, const char *host)
{
    struct str o = str_from_cstr(origin);
    const char *default_port;
    struct csrf_authority oa, ha;

    if (host == NULL)
        return false;
    if (o.len > 8 && strncasecmp(o.ptr, "https://", 8) == 0) {
        o = (struct str){o.ptr + 8, o.len - 8};
        default_port = "443";
    } else if (o.len > 7 && strncasecmp(o.ptr, "http://", 7) == 0) {
        o = (struct str){o.ptr + 7, o.len - 7};
        default_port = "80";
    } else {
        return false; /* "null" (an opaque origin) and other schemes */
    }
    if (!csrf_authority_parse(o, &oa) || !csrf_authority_parse(str_from_cstr(host), &ha))
        return false;
    if (!csrf_name_eq(oa.name, ha.name))
        return false;
    struct str op = oa.port.len > 0 ? oa.port : str_from_cstr(default_port);
    struct str hp = ha.port.len > 0 ? ha.port : str_from_cstr(default_port);
    return str_eq(op, hp);
}

bool csrf_origin_allowed(const char *origin, const char *sec_fetch_site, const char *host)
{
    if (sec_fetch_site != NULL) {
        if (strcmp(sec_fetch_site, "cross-site") == 0)
            return false;
        if (strcmp(sec_fetch_site, "same-origin") == 0 ||
            strcmp(sec_fetch_site, "same-site") == 0 || strcmp(sec_fetch_site, "none") == 0)
            return true;
    }
    if (origin == NULL || origin[0] == '\0')
        return true;
    return csrf_origin_matches_host(origin, host);
}

bool csrf_safe_method(const char *method)
{
    if (method == NULL)
        return false;
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
           strcmp(method, "OPTIONS") == 0;
}
