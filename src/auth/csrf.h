/*
 * Cross-site request checks on request headers, pure: whether the request may
 * come from where the browser says it comes from, and which methods are safe
 * (need no CSRF token).
 */
#ifndef CRM_AUTH_CSRF_H
#define CRM_AUTH_CSRF_H

#include <stdbool.h>

/*
 * Sec-Fetch-Site "cross-site": false; "same-origin", "same-site", "none": true.
 * Otherwise (absent or unknown): no Origin is a non-browser client, true; an
 * Origin's host[:port] (scheme http or https, default port implied) must
 * equal the Host header, case-insensitively. Any argument may be NULL.
 */
bool csrf_origin_allowed(const char *origin, const char *sec_fetch_site, const char *host);

/* GET, HEAD and OPTIONS (case-sensitive, as HTTP methods are). */
bool csrf_safe_method(const char *method);

#endif
