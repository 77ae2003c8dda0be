/*
 * What leads add to the record collection: every write scores the lead by
 * the active scoring rules (filters in the language, each adding its
 * points); assignment rules give a lead an owner, a user or the next member
 * of a team in turn; a conversion makes one contact, one company and one
 * deal of a lead, finding the contact by e-mail and the company by domain
 * or name before making new ones; and a public form turns a submission
 * into a lead, taking only the fields it declares, with its UTM parameters
 * and referrer, a honeypot for robots and a limit per address and per form.
 */
#include "api/api.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/body.h"
#include "auth/token.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/custom_field.h"
#include "domain/entity.h"
#include "domain/record.h"
#include "query/filter.h"

/* Submissions one address may make to one form in an hour, and a form from everyone. */
#define FORM_MAX_PER_ADDRESS_HOUR 20
#define FORM_MAX_PER_FORM_HOUR 1000
#define FORM_KEY_BYTES 64

/* The leads' filter schema with their custom fields. */
static int lead_schema(struct http_request *req, struct store_conn *conn,
                       const struct schema **schema)
{
    struct custom_fields custom;
    int rc = store_fields_load(conn, req->arena, entity_leads.name, &custom, &req->err);
    if (rc == 0)
        *schema = record_filter_schema(req->arena, &entity_leads, &custom);
    return rc;
}

/*
 * Whether a rule's filter matches the lead. A filter that no longer parses
 * (a custom field it named was removed) matches nothing and is logged.
 */
static bool rule_matches(struct http_request *req, const struct schema *schema, const json_t *rule,
                         const json_t *lead)
{
    const char *text = json_string_value(json_object_get(rule, "filter"));
    if (text == NULL || *text == '\0')
        return true;
    struct err err;
    err_clear(&err);
    struct filter_node *node = filter_parse(req->arena, schema, text, strlen(text), &err);
    const struct actor *actor = api_actor(req);
    struct filter_context ctx = {.user_id = actor ? actor->user_id : 0, .now_ms = clock_now_ms()};
    bool result = false;
    if (node == NULL || filter_eval(node, schema, lead, &ctx, &result, &err) < 0) {
        log_warn("lead_rule_skipped", "rule=%lld reason=\"%s\"",
                 (long long)json_integer_value(json_object_get(rule, "id")), err.detail);
        return false;
    }
    return result;
}

/* The sum of the points of the active scoring rules the lead matches. */
static int lead_score(struct http_request *req, struct store_conn *conn, const json_t *lead,
                      int64_t *score)
{
    const struct schema *schema = NULL;
    json_t *rules = NULL;
    *score = 0;
    int rc = lead_schema(req, conn, &schema);
    if (rc == 0)
        rc = store_lead_scoring_rules(conn, req->arena, &rules, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, rules);
    size_t i;
    const json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        if (rule_matches(req, schema, rule, lead))
            *score += json_integer_value(json_object_get(rule, "points"));
    }
    return 0;
}

static const char *status_of(const json_t *lead)
{
    const char *status = json_string_value(json_object_get(lead, "status"));
    return status ? status : "new";
}

static int lead_before_write(struct http_request *req, struct store_conn *conn,
                             const json_t *current, json_t *changes, json_t *merged)
{
    if (current != NULL && strcmp(status_of(current), "converted") == 0)
        return err_set(&req->err, ERR_CONFLICT, "a converted lead cannot change");
    const char *status = json_string_value(json_object_get(changes, "status"));
    if (status != NULL && strcmp(status, "converted") == 0)
        return err_field(&req->err, "status",
                         "a lead is converted with POST /api/v1/leads/{id}/convert");
    int64_t score;
    int rc = lead_score(req, conn, merged, &score);
    if (rc == 0)
        api_record_set_kept(changes, merged, "score", json_integer(score));
    return rc;
}

const struct record_hooks lead_hooks = {
    .entity = &entity_leads,
    .before_write = lead_before_write,
    .after_create = NULL,
};

/*
 * After a scoring rule changes, every lead not yet converted is scored
 * again, in the same transaction (each lead read as the server sees it).
 */
static int leads_rescore(struct http_request *req, struct store_conn *conn)
{
    int64_t *ids, *scores;
    size_t n;
    int rc = store_leads_scored(conn, req->arena, &ids, &scores, &n, &req->err);
    struct access all = actor_access(NULL, &entity_leads, ACCESS_READ);
    all.scope = SCOPE_ALL;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *lead = NULL;
        int64_t score = 0;
        rc = store_record_get(conn, req->arena, &entity_leads, &all, ids[i], RECORD_LIVE, &lead,
                              &req->err);
        if (rc == 0)
            rc = lead_score(req, conn, api_keep(req, lead), &score);
        if (rc == 0 && score != scores[i])
            rc = store_lead_set_score(conn, req->arena, ids[i], score, &req->err);
    }
    return rc;
}

const struct record_hooks lead_scoring_rule_hooks = {
    .entity = &entity_lead_scoring_rules,
    .before_write = NULL,
    .after_create = NULL,
    .after_change = leads_rescore,
};

/* A new form gets its public key. */
static int form_before_write(struct http_request *req, struct store_conn *conn,
                             const json_t *current, json_t *changes, json_t *merged)
{
    if (current != NULL)
        return 0;
    char key[FORM_KEY_BYTES];
    token_generate("", key, sizeof(key));
    api_record_set_kept(changes, merged, "key", json_string(key));
    return 0;
}

const struct record_hooks form_hooks = {
    .entity = &entity_forms,
    .before_write = form_before_write,
    .after_create = NULL,
};

/* ---- assignment ---- */

/*
 * The owner the first matching assignment rule gives the lead: its user,
 * or the next enabled member of its team after the one it gave last (the
 * rule remembers). 0 when no rule matches or the team has no one.
 */
static int lead_assignee(struct http_request *req, struct store_conn *conn, const json_t *lead,
                         int64_t *owner)
{
    const struct schema *schema = NULL;
    json_t *rules = NULL;
    *owner = 0;
    int rc = lead_schema(req, conn, &schema);
    if (rc == 0)
        rc = store_lead_assignment_rules(conn, req->arena, &rules, &req->err);
    if (rc < 0)
        return rc;
    api_keep(req, rules);
    size_t i;
    const json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        if (!rule_matches(req, schema, rule, lead))
            continue;
        int64_t user = json_integer_value(json_object_get(rule, "user_id"));
        int64_t team = json_integer_value(json_object_get(rule, "team_id"));
        if (user > 0) {
            *owner = user;
            return 0;
        }
        rc = store_team_next_member(conn, req->arena, team,
                                    json_integer_value(json_object_get(rule, "last_user_id")),
                                    owner, &req->err);
        if (rc == 0 && *owner > 0)
            rc = store_lead_assignment_rule_turn(conn, req->arena,
                                                 json_integer_value(json_object_get(rule, "id")),
                                                 *owner, &req->err);
        if (rc < 0 || *owner > 0)
            return rc;
    }
    return 0;
}

/* Gives the lead its owner, with the record's history; current is the lead as read. */
static int lead_set_owner(struct http_request *req, struct store_conn *conn, const json_t *current,
                          int64_t owner, json_t **record)
{
    int64_t id = json_integer_value(json_object_get(current, "id"));
    struct access all = actor_access(api_actor(req), &entity_leads, ACCESS_UPDATE);
    all.scope = SCOPE_ALL;
    json_t *changes = api_keep(req, json_pack("{s:I}", "owner_id", (json_int_t)owner));
    json_t *merged = api_keep(req, json_deep_copy(current));
    json_object_update(merged, changes);
    int rc =
        store_record_update(conn, req->arena, &entity_leads, &all, id, changes, merged, &req->err);
    if (rc == 0)
        rc = api_record_written(req, conn, &entity_leads, id, RECORD_LIVE, record);
    if (rc == 0)
        rc = api_record_audit(req, conn, &entity_leads, "update", current, *record);
    return rc;
}

int leads_assign(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct access access;
    json_t *current = NULL, *record = NULL;
    int64_t id, owner = 0;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = api_record_visible(req, conn, &entity_leads, id, &current);
    if (rc == 0)
        rc = api_record_access(req, conn, &entity_leads, ACCESS_REASSIGN, id, &access);
    if (rc == 0 && strcmp(status_of(current), "converted") == 0)
        rc = err_set(&req->err, ERR_CONFLICT, "a converted lead cannot change");
    if (rc == 0)
        rc = lead_assignee(req, conn, current, &owner);
    if (rc == 0 && owner == 0)
        rc = err_set(&req->err, ERR_CONFLICT, "no assignment rule gives this lead an owner");
    if (rc == 0)
        rc = lead_set_owner(req, conn, current, owner, &record);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    return api_record_respond(req, res, 200, &entity_leads, record);
}

/* ---- conversion ---- */

/* Mail services whose domain says nothing of the sender's company. */
static bool free_mail_domain(const char *domain)
{
    static const char *const domains[] = {
        "gmail.com",  "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com",    "live.com",
        "icloud.com", "me.com",         "aol.com",   "proton.me",   "protonmail.com", "gmx.de",
        "gmx.net",    "web.de",         "mail.ru",   "yandex.ru",   "ya.ru",          "rambler.ru",
        "bk.ru",      "list.ru",        "inbox.ru",  "ukr.net",
    };
    for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
        if (strcmp(domains[i], domain) == 0)
            return true;
    }
    return false;
}

/* The lower-case domain of an e-mail address when it names a company; NULL otherwise. */
static const char *company_domain(struct arena *arena, const char *email)
{
    const char *at = email ? strrchr(email, '@') : NULL;
    if (at == NULL)
        return NULL;
    char *domain = arena_strdup(arena, at + 1);
    for (char *p = domain; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return free_mail_domain(domain) ? NULL : domain;
}

static const char *text_of(const json_t *record, const char *key)
{
    const char *s = json_string_value(json_object_get(record, key));
    return s != NULL && *s != '\0' ? s : NULL;
}

/* The contact a lead becomes: found by its e-mail address, else made. */
static int convert_contact(struct http_request *req, struct store_conn *conn, const json_t *lead,
                           int64_t owner, int64_t company_id, int64_t *id, bool *created)
{
    *created = false;
    const char *email = text_of(lead, "email");
    struct access read = actor_access(api_actor(req), &entity_contacts, ACCESS_READ);
    *id = 0;
    if (email != NULL) {
        char *lower = arena_strdup(req->arena, email);
        for (char *p = lower; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        int rc = store_contact_by_email(conn, req->arena, &read, lower, id, &req->err);
        if (rc < 0 || *id > 0)
            return rc;
    }
    struct access create = actor_access(api_actor(req), &entity_contacts, ACCESS_CREATE);
    if (create.scope == SCOPE_NONE)
        return err_set(&req->err, ERR_FORBIDDEN, "your role may not create contacts");
    /* "Anna Maria Petrova": the last word is the last name. */
    const char *name = text_of(lead, "name");
    const char *space = name ? strrchr(name, ' ') : NULL;
    json_t *body = api_keep(req, json_object());
    if (space != NULL) {
        json_object_set_new(body, "first_name", json_stringn(name, (size_t)(space - name)));
        json_object_set_new(body, "last_name", json_string(space + 1));
    } else {
        json_object_set_new(body, "last_name",
                            json_string(name                     ? name
                                        : email                  ? email
                                        : text_of(lead, "phone") ? text_of(lead, "phone")
                                                                 : "Unknown"));
    }
    if (email != NULL)
        json_object_set_new(body, "emails", json_pack("[s]", email));
    if (text_of(lead, "phone") != NULL)
        json_object_set_new(body, "phones", json_pack("[s]", text_of(lead, "phone")));
    if (text_of(lead, "source") != NULL)
        json_object_set_new(body, "source", json_string(text_of(lead, "source")));
    if (company_id > 0)
        json_object_set_new(body, "company_ids", json_pack("[I]", (json_int_t)company_id));
    json_t *record = NULL;
    int rc = api_record_create(req, conn, &entity_contacts, &create, body, owner, NULL, &record);
    if (rc == 0)
        *id = json_integer_value(json_object_get(record, "id"));
    *created = rc == 0;
    return rc;
}

/* The company a lead becomes: found by its e-mail domain or its name, else made from the name. */
static int convert_company(struct http_request *req, struct store_conn *conn, const json_t *lead,
                           int64_t owner, int64_t *id, bool *created)
{
    *created = false;
    const char *domain = company_domain(req->arena, text_of(lead, "email"));
    const char *name = text_of(lead, "company_name");
    struct access read = actor_access(api_actor(req), &entity_companies, ACCESS_READ);
    int rc = store_company_by_domain_or_name(conn, req->arena, &read, domain, name, id, &req->err);
    if (rc < 0 || *id > 0 || name == NULL)
        return rc;
    struct access create = actor_access(api_actor(req), &entity_companies, ACCESS_CREATE);
    if (create.scope == SCOPE_NONE)
        return err_set(&req->err, ERR_FORBIDDEN, "your role may not create companies");
    json_t *body = api_keep(req, json_pack("{s:s}", "name", name));
    if (domain != NULL)
        json_object_set_new(body, "website", json_string(domain));
    json_t *record = NULL;
    rc = api_record_create(req, conn, &entity_companies, &create, body, owner, NULL, &record);
    if (rc == 0)
        *id = json_integer_value(json_object_get(record, "id"));
    *created = rc == 0;
    return rc;
}

static const char *const convert_keys[] = {"create_deal", "pipeline_id", "stage_id", "title",
                                           "amount"};

/* The deal a lead becomes, in the pipeline (the first one unless named) and stage asked for. */
static int convert_deal(struct http_request *req, struct store_conn *conn, const json_t *lead,
                        const json_t *options, int64_t owner, int64_t company_id,
                        int64_t contact_id, int64_t *id)
{
    struct access create = actor_access(api_actor(req), &entity_deals, ACCESS_CREATE);
    if (create.scope == SCOPE_NONE)
        return err_set(&req->err, ERR_FORBIDDEN, "your role may not create deals");
    json_t *body = api_keep(req, json_object());
    const json_t *pipeline = json_object_get(options, "pipeline_id");
    if (pipeline == NULL || json_is_null(pipeline)) {
        json_t *pipelines = NULL;
        int rc = store_pipelines_list(conn, req->arena, &pipelines, &req->err);
        if (rc < 0)
            return rc;
        api_keep(req, pipelines);
        if (json_array_size(pipelines) == 0)
            return err_field(&req->err, "pipeline_id", "there is no pipeline to put the deal in");
        pipeline = json_object_get(json_array_get(pipelines, 0), "id");
    }
    json_object_set(body, "pipeline_id", (json_t *)pipeline);
    if (json_object_get(options, "stage_id") != NULL)
        json_object_set(body, "stage_id", json_object_get(options, "stage_id"));
    if (json_object_get(options, "amount") != NULL)
        json_object_set(body, "amount", json_object_get(options, "amount"));
    const char *title = text_of(options, "title");
    if (title == NULL)
        title = text_of(lead, "title");
    if (title == NULL)
        title = arena_printf(req->arena, "%s",
                             text_of(lead, "company_name") ? text_of(lead, "company_name")
                             : text_of(lead, "name")       ? text_of(lead, "name")
                                                           : "New deal");
    json_object_set_new(body, "title", json_string(title));
    if (text_of(lead, "source") != NULL)
        json_object_set_new(body, "source", json_string(text_of(lead, "source")));
    if (company_id > 0)
        json_object_set_new(body, "company_id", json_integer(company_id));
    if (contact_id > 0)
        json_object_set_new(body, "contact_ids", json_pack("[I]", (json_int_t)contact_id));
    json_t *record = NULL;
    int rc = api_record_create(req, conn, &entity_deals, &create, body, owner, NULL, &record);
    if (rc == 0)
        *id = json_integer_value(json_object_get(record, "id"));
    return rc;
}

int leads_convert(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    struct access access;
    json_t *current = NULL, *record = NULL, *options = NULL;
    int64_t id, expected, contact_id = 0, company_id = 0, deal_id = 0;
    bool contact_created = false, company_created = false;
    int rc = api_path_id(req, &id);
    if (rc == 0)
        rc = api_if_match(req, &expected);
    if (rc == 0 && req->body_len > 0) {
        rc = http_request_json(req, &options);
        if (rc == 0)
            rc = body_check_keys(req, options, convert_keys,
                                 sizeof(convert_keys) / sizeof(convert_keys[0]));
        if (rc == 0 && body_failed(req))
            rc = -req->err.code;
    }
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    rc = api_record_visible(req, conn, &entity_leads, id, &current);
    if (rc == 0)
        rc = api_record_access(req, conn, &entity_leads, ACCESS_UPDATE, id, &access);
    if (rc == 0)
        rc = api_check_version(req, current, expected);
    if (rc == 0 && (strcmp(status_of(current), "converted") == 0 ||
                    strcmp(status_of(current), "disqualified") == 0))
        rc = err_set(&req->err, ERR_CONFLICT, "a %s lead cannot be converted", status_of(current));
    int64_t owner = json_integer_value(json_object_get(current, "owner_id"));
    if (owner <= 0)
        owner = api_actor(req)->user_id;
    if (rc == 0)
        rc = convert_company(req, conn, current, owner, &company_id, &company_created);
    if (rc == 0)
        rc = convert_contact(req, conn, current, owner, company_id, &contact_id, &contact_created);
    if (rc == 0 && !json_is_false(json_object_get(options, "create_deal")))
        rc = convert_deal(req, conn, current, options, owner, company_id, contact_id, &deal_id);
    char now[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(clock_now_ms(), now);
    json_t *changes =
        api_keep(req, json_pack("{s:s,s:s}", "status", "converted", "converted_at", now));
    json_object_set_new(changes, "converted_contact_id",
                        contact_id ? json_integer(contact_id) : json_null());
    json_object_set_new(changes, "converted_company_id",
                        company_id ? json_integer(company_id) : json_null());
    json_object_set_new(changes, "converted_deal_id",
                        deal_id ? json_integer(deal_id) : json_null());
    json_t *merged = api_keep(req, json_deep_copy(current));
    json_object_update(merged, changes);
    if (rc == 0)
        rc = store_record_update(conn, req->arena, &entity_leads, &access, id, changes, merged,
                                 &req->err);
    if (rc == 0)
        rc = api_record_written(req, conn, &entity_leads, id, RECORD_LIVE, &record);
    if (rc == 0)
        rc = api_record_audit(req, conn, &entity_leads, "update", current, record);
    rc = api_commit(req, conn, rc);
    if (rc < 0)
        return rc;
    json_t *body =
        api_keep(req, json_pack("{s:o,s:o,s:o,s:O}", "contact_id",
                                contact_id ? json_integer(contact_id) : json_null(), "company_id",
                                company_id ? json_integer(company_id) : json_null(), "deal_id",
                                deal_id ? json_integer(deal_id) : json_null(), "lead", record));
    json_object_set_new(body, "contact_created", json_boolean(contact_created));
    json_object_set_new(body, "company_created", json_boolean(company_created));
    return http_respond_json(res, 200, body);
}

/* ---- the public form ---- */

static const char *const utm_keys[] = {"utm_source", "utm_medium", "utm_campaign", "utm_term",
                                       "utm_content"};

static bool form_declares(const json_t *form, const char *key)
{
    size_t i;
    const json_t *name;
    json_array_foreach(json_object_get(form, "fields"), i, name)
    {
        if (strcmp(json_string_value(name), key) == 0)
            return true;
    }
    return false;
}

/* The submission as a JSON object: a JSON body or an HTML form's urlencoded one. */
static int submission_read(struct http_request *req, json_t **out, bool *from_html)
{
    const char *type = http_header(req, "Content-Type");
    *from_html = type != NULL && strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0;
    if (!*from_html) {
        int rc = http_request_json(req, out);
        if (rc == 0 && !json_is_object(*out))
            rc = err_set(&req->err, ERR_BAD_REQUEST, "the body must be a JSON object");
        return rc;
    }
    int rc = http_form_parse(req->body, req->body_len, out);
    if (rc < 0)
        return err_set(&req->err, ERR_BAD_REQUEST,
                       "the form body is malformed (a field without a name, given twice, or not "
                       "UTF-8)");
    api_keep(req, *out);
    return 0;
}

/*
 * The lead a submission makes: the declared fields as sent, the form's
 * source, the UTM parameters and the referrer; any other field is a 422.
 */
static int submission_lead(struct http_request *req, const json_t *form, const json_t *sent,
                           json_t **lead)
{
    const char *honeypot = text_of(form, "honeypot");
    json_t *out = api_keep(req, json_object());
    json_t *utm = json_object();
    json_object_set_new(out, "utm", utm);
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)sent, key, value)
    {
        bool is_utm = false;
        for (size_t i = 0; i < sizeof(utm_keys) / sizeof(utm_keys[0]); i++) {
            if (strcmp(key, utm_keys[i]) != 0)
                continue;
            is_utm = true; /* an empty one is left out */
            if (json_is_string(value) && json_string_length(value) > 0)
                json_object_set(utm, key + 4, value);
            else if (!json_is_string(value) && !json_is_null(value))
                err_field(&req->err, key, "must be text");
        }
        if (is_utm || (honeypot != NULL && strcmp(key, honeypot) == 0))
            continue;
        if (strcmp(key, "referrer") == 0) {
            json_object_set(out, "referrer", value);
            continue;
        }
        if (!form_declares(form, key)) {
            err_field(&req->err, key, "is not a field of this form");
            continue;
        }
        json_object_set(out, key, value);
    }
    const char *referer = http_header(req, "Referer");
    if (json_object_get(out, "referrer") == NULL && referer != NULL)
        json_object_set_new(out, "referrer", json_string(referer));
    if (text_of(form, "source") != NULL)
        json_object_set_new(out, "source", json_string(text_of(form, "source")));
    *lead = out;
    return body_failed(req) ? -req->err.code : 0;
}

/*
 * Counts the submission against the limits: per address and per form, each
 * by the hour; ERR_THROTTLED past either.
 */
static int submission_allowed(struct http_request *req, struct store_conn *conn, int64_t form_id)
{
    int64_t now_ms = clock_now_ms();
    char at[CLOCK_DATETIME_LEN + 1];
    clock_format_datetime(now_ms, at);
    at[13] = '\0'; /* "2026-11-23T10" */
    int64_t from_address = 0, from_all = 0;
    int rc = store_form_submission_count(conn, req->arena, form_id, api_client(req), at,
                                         &from_address, &req->err);
    if (rc == 0)
        rc = store_form_submission_count(conn, req->arena, form_id, "*", at, &from_all, &req->err);
    if (rc < 0)
        return rc;
    if (from_address <= FORM_MAX_PER_ADDRESS_HOUR && from_all <= FORM_MAX_PER_FORM_HOUR)
        return 0;
    return err_set(&req->err, ERR_THROTTLED, "too many submissions; try again later");
}

/* The actor a public submission writes as: nobody, with every right the form needs. */
static void submission_actor(struct http_request *req)
{
    struct api_context *ctx = api_context(req);
    struct role *admin = arena_alloc(req->arena, sizeof(*admin));
    const char *name, *label;
    role_builtin(0, &name, &label, admin);
    ctx->actor = (struct actor){
        .user_id = 0, .role = admin, .token_scopes = TOKEN_SCOPE_READ | TOKEN_SCOPE_WRITE};
    ctx->signed_in = true;
}

int forms_submit(struct http_request *req, struct http_response *res)
{
    struct store_conn *conn;
    json_t *sent = NULL, *form = NULL, *lead = NULL, *record = NULL;
    int64_t form_id = 0, owner = 0;
    bool from_html = false;
    const char *key = http_path_param(req, "key");
    int rc = submission_read(req, &sent, &from_html);
    if (rc == 0)
        rc = api_begin(req, &conn);
    if (rc < 0)
        return rc;
    submission_actor(req);
    /* First the count, in a transaction of its own: it holds whatever becomes of the lead. */
    rc = store_form_by_key(conn, req->arena, key ? key : "", &form_id, &req->err);
    if (rc == 0)
        rc = api_record_visible(req, conn, &entity_forms, form_id, &form);
    if (rc == 0)
        rc = submission_allowed(req, conn, form_id);
    if (rc == -ERR_THROTTLED) {
        struct err refused = req->err;
        err_clear(&req->err);
        rc = api_commit(req, conn, 0);
        if (rc < 0)
            return rc;
        /* Retry-After: the start of the next hour, when the counts begin again. */
        http_respond_problem(res, &refused);
        http_response_header(
            res, "Retry-After",
            arena_printf(req->arena, "%lld", (long long)(3600 - (clock_now_ms() / 1000) % 3600)));
        return 0;
    }
    rc = api_commit(req, conn, rc);
    if (rc == -ERR_NOT_FOUND) {
        err_clear(&req->err);
        return err_set(&req->err, ERR_NOT_FOUND, "no such form");
    }
    if (rc < 0)
        return rc;
    const char *honeypot = text_of(form, "honeypot");
    /* A robot that filled the hidden field is thanked like anyone, and nothing is kept. */
    bool robot = honeypot != NULL && text_of(sent, honeypot) != NULL;
    if (!robot) {
        rc = submission_lead(req, form, sent, &lead);
        if (rc == 0)
            rc = api_begin(req, &conn);
        if (rc < 0)
            return rc;
        rc = lead_assignee(req, conn, lead, &owner);
        if (rc == 0 && owner == 0)
            owner = json_integer_value(json_object_get(form, "owner_id"));
        struct access all = actor_access(api_actor(req), &entity_leads, ACCESS_CREATE);
        json_t *kept = api_keep(req, json_pack("{s:I}", "form_id", (json_int_t)form_id));
        if (rc == 0)
            rc = api_record_create(req, conn, &entity_leads, &all, lead, owner, kept, &record);
        rc = api_commit(req, conn, rc);
        if (rc < 0)
            return rc;
    }
    const char *redirect = text_of(form, "redirect_url");
    if (from_html && redirect != NULL) {
        http_response_header(res, "Location", redirect);
        http_respond_empty(res, 303);
        return 0;
    }
    return http_respond_json(res, 201, api_keep(req, json_pack("{s:s}", "status", "received")));
}
