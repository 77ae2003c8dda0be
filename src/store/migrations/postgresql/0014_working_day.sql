-- The working day: activities logged on clients, tasks (recurring ones made
-- one instance at a time), notifications, time entries, attachments, the
-- client timeline (one row per item, indexed per linked record), secret
-- calendar feeds, the durable job queue, and each user's time zone.

ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'queued',
    run_at_ms BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL DEFAULT 5,
    last_error TEXT,
    idempotency_key TEXT UNIQUE,
    locked_by TEXT,
    locked_until_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    finished_at_ms BIGINT
);
CREATE INDEX jobs_due ON jobs (run_at_ms, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (locked_until_ms, id) WHERE state = 'running';
CREATE INDEX jobs_finished ON jobs (finished_at_ms) WHERE state IN ('done', 'failed');

CREATE TABLE activities (
    id BIGSERIAL PRIMARY KEY,
    type TEXT NOT NULL,
    subject TEXT,
    body TEXT,
    at TEXT NOT NULL,
    end_at TEXT,
    all_day BOOLEAN NOT NULL DEFAULT FALSE,
    duration_s BIGINT,
    direction TEXT,
    outcome TEXT,
    place TEXT,
    participants TEXT NOT NULL DEFAULT '[]',
    order_number TEXT,
    amount_minor BIGINT,
    amount_currency TEXT,
    amount_base_minor BIGINT,
    status TEXT,
    rrule TEXT,
    exdates TEXT NOT NULL DEFAULT '[]',
    time_zone TEXT,
    ical_uid TEXT,
    contact_id BIGINT REFERENCES contacts (id),
    company_id BIGINT REFERENCES companies (id),
    deal_id BIGINT REFERENCES deals (id),
    lead_id BIGINT REFERENCES leads (id),
    tags TEXT NOT NULL DEFAULT '[]',
    custom TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', crm_fold(search_text))) STORED,
    owner_id BIGINT,
    created_by BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    deleted_at TEXT
);
CREATE INDEX activities_at ON activities (at, id);
CREATE INDEX activities_owner_at ON activities (owner_id, at, id);
CREATE INDEX activities_type ON activities (type, at, id);
CREATE INDEX activities_contact ON activities (contact_id, at, id);
CREATE INDEX activities_company ON activities (company_id, at, id);
CREATE INDEX activities_deal ON activities (deal_id, at, id);
CREATE INDEX activities_lead ON activities (lead_id, at, id);
CREATE INDEX activities_recurring ON activities (owner_id) WHERE rrule IS NOT NULL;
CREATE INDEX activities_ical_uid ON activities (owner_id, ical_uid) WHERE ical_uid IS NOT NULL;
CREATE INDEX activities_created ON activities (created_at, id);
CREATE INDEX activities_updated ON activities (updated_at, id);

CREATE TABLE tasks (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    due_at TEXT,
    remind_at TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    priority TEXT NOT NULL DEFAULT 'normal',
    rrule TEXT,
    series_id BIGINT REFERENCES tasks (id),
    recurrence_start TEXT,
    next_created BIGINT NOT NULL DEFAULT 0,
    checklist TEXT NOT NULL DEFAULT '[]',
    estimate_s BIGINT,
    time_spent_s BIGINT NOT NULL DEFAULT 0,
    done_at TEXT,
    reminded_at TEXT,
    contact_id BIGINT REFERENCES contacts (id),
    company_id BIGINT REFERENCES companies (id),
    deal_id BIGINT REFERENCES deals (id),
    lead_id BIGINT REFERENCES leads (id),
    tags TEXT NOT NULL DEFAULT '[]',
    custom TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', crm_fold(search_text))) STORED,
    owner_id BIGINT,
    created_by BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    deleted_at TEXT
);
CREATE INDEX tasks_reminders ON tasks (remind_at, id)
    WHERE reminded_at IS NULL AND remind_at IS NOT NULL AND status = 'open' AND deleted_at IS NULL;
CREATE INDEX tasks_recurrence ON tasks (due_at, id)
    WHERE rrule IS NOT NULL AND next_created = 0 AND deleted_at IS NULL;
CREATE UNIQUE INDEX tasks_series_due ON tasks (series_id, due_at) WHERE series_id IS NOT NULL;
CREATE INDEX tasks_owner_due ON tasks (owner_id, due_at, id);
CREATE INDEX tasks_due ON tasks (due_at, id);
CREATE INDEX tasks_status ON tasks (status, due_at, id);
CREATE INDEX tasks_contact ON tasks (contact_id);
CREATE INDEX tasks_company ON tasks (company_id);
CREATE INDEX tasks_deal ON tasks (deal_id);
CREATE INDEX tasks_lead ON tasks (lead_id);
CREATE INDEX tasks_created ON tasks (created_at, id);
CREATE INDEX tasks_updated ON tasks (updated_at, id);
CREATE INDEX tasks_title ON tasks (title, id);

CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    read_at TEXT,
    summary TEXT NOT NULL,
    entity TEXT,
    record_id BIGINT,
    source_key TEXT NOT NULL UNIQUE
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;

CREATE TABLE time_entries (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    task_id BIGINT REFERENCES tasks (id),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    seconds BIGINT,
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX time_entries_user ON time_entries (user_id, started_at, id);
CREATE INDEX time_entries_task ON time_entries (task_id, id);
CREATE UNIQUE INDEX time_entries_running ON time_entries (user_id) WHERE ended_at IS NULL;

CREATE TABLE attachments (
    id BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BYTEA NOT NULL,
    created_by BIGINT,
    created_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX attachments_record ON attachments (entity, record_id, id);

CREATE TABLE timeline_items (
    id BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    entity TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    summary TEXT NOT NULL,
    detail TEXT,
    contact_id BIGINT,
    company_id BIGINT,
    deal_id BIGINT,
    lead_id BIGINT,
    owner_id BIGINT,
    user_id BIGINT
);
CREATE INDEX timeline_contact ON timeline_items (contact_id, at, id) WHERE contact_id IS NOT NULL;
CREATE INDEX timeline_company ON timeline_items (company_id, at, id) WHERE company_id IS NOT NULL;
CREATE INDEX timeline_company_own ON timeline_items (company_id, at, id)
    WHERE company_id IS NOT NULL AND contact_id IS NULL;
CREATE INDEX timeline_deal ON timeline_items (deal_id, at, id) WHERE deal_id IS NOT NULL;
CREATE INDEX timeline_lead ON timeline_items (lead_id, at, id) WHERE lead_id IS NOT NULL;
CREATE INDEX timeline_source ON timeline_items (entity, record_id);

CREATE TABLE calendar_feeds (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE INDEX activities_search ON activities USING gin (search_vector);
CREATE INDEX tasks_search ON tasks USING gin (search_vector);
