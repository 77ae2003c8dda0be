/*
 * Tests for src/auth/csrf.c: Fetch Metadata, the Origin/Host comparison and
 * the safe methods.
 */
#include "auth/csrf.h"

#include "../test.h"

TEST(csrf_refuses_a_cross_site_fetch_whatever_the_origin)
{
    EXPECT(!csrf_origin_allowed(NULL, "cross-site", "crm.example.com"));
    EXPECT(!csrf_origin_allowed("https://crm.example.com", "cross-site", "crm.example.com"));
}

TEST(csrf_allows_same_origin_same_site_and_user_initiated_fetches)
{
    EXPECT(csrf_origin_allowed(NULL, "same-origin", "crm.example.com"));
    EXPECT(csrf_origin_allowed("https://evil.example", "same-origin", "crm.example.com"));
    EXPECT(csrf_origin_allowed(NULL, "same-site", "crm.example.com"));
    EXPECT(csrf_origin_allowed(NULL, "none", "crm.example.com"));
}

TEST(csrf_allows_a_request_without_origin_or_fetch_metadata)
{
    EXPECT(csrf_origin_allowed(NULL, NULL, "crm.example.com"));
    EXPECT(csrf_origin_allowed(NULL, NULL, NULL));
}

TEST(csrf_without_fetch_metadata_wants_the_origin_to_match_host)
{
    EXPECT(csrf_origin_allowed("https://crm.example.com", NULL, "crm.example.com"));
    EXPECT(csrf_origin_allowed("http://crm.example.com", NULL, "crm.example.com"));
    EXPECT(csrf_origin_allowed("HTTPS://CRM.Example.com", NULL, "crm.example.COM"));
    EXPECT(csrf_origin_allowed("http://127.0.0.1:8080", NULL, "127.0.0.1:8080"));
    EXPECT(csrf_origin_allowed("http://[::1]:8080", NULL, "[::1]:8080"));
    EXPECT(csrf_origin_allowed("https://crm.example.com", NULL, "crm.example.com:443"));
    EXPECT(csrf_origin_allowed("https://crm.example.com:443", NULL, "crm.example.com"));
    EXPECT(csrf_origin_allowed("http://127.0.0.1:8080", "unknown-value", "127.0.0.1:8080"));

    EXPECT(!csrf_origin_allowed("https://evil.example", NULL, "crm.example.com"));
    EXPECT(!csrf_origin_allowed("https://crm.example.com.evil.example", NULL, "crm.example.com"));
    EXPECT(!csrf_origin_allowed("http://127.0.0.1:8081", NULL, "127.0.0.1:8080"));
    EXPECT(!csrf_origin_allowed("http://127.0.0.1", NULL, "127.0.0.1:8080"));
    EXPECT(!csrf_origin_allowed("http://[::1]:8081", NULL, "[::1]:8080"));
    EXPECT(!csrf_origin_allowed("null", NULL, "crm.example.com"));
    EXPECT(!csrf_origin_allowed("ftp://crm.example.com", NULL, "crm.example.com"));
    EXPECT(!csrf_origin_allowed("https://crm.example.com/path", NULL, "crm.example.com"));
    EXPECT(!csrf_origin_allowed("https://crm.example.com:", NULL, "crm.example.com"));
    EXPECT(!csrf_origin_allowed("https://", NULL, "crm.example.com"));
    EXPECT(!csrf_origin_allowed("https://crm.example.com", NULL, NULL));
    EXPECT(!csrf_origin_allowed("http://127.0.0.1:8080", "unknown-value", "127.0.0.1:9090"));
}

TEST(csrf_safe_methods_are_get_head_and_options)
{
    EXPECT(csrf_safe_method("GET"));
    EXPECT(csrf_safe_method("HEAD"));
    EXPECT(csrf_safe_method("OPTIONS"));
    EXPECT(!csrf_safe_method("POST"));
    EXPECT(!csrf_safe_method("PATCH"));
    EXPECT(!csrf_safe_method("PUT"));
    EXPECT(!csrf_safe_method("DELETE"));
    EXPECT(!csrf_safe_method("get"));
    EXPECT(!csrf_safe_method(NULL));
}
