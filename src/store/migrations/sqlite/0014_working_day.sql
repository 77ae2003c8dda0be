-- The working day: activities logged on clients, tasks (recurring ones made
-- one instance at a time), notifications, time entries, attachments, the
-- client timeline (one row per item, indexed per linked record), secret
-- calendar feeds, the durable job queue, and each user's time zone.

ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'queued',
    run_at_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    last_error TEXT,
    idempotency_key TEXT UNIQUE,
    locked_by TEXT,
    locked_until_ms INTEGER,
    created_at_ms INTEGER NOT NULL,
    finished_at_ms INTEGER
);
CREATE INDEX jobs_due ON jobs (run_at_ms, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (locked_until_ms, id) WHERE state = 'running';
CREATE INDEX jobs_finished ON jobs (finished_at_ms) WHERE state IN ('done', 'failed');

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    subject TEXT,
    body TEXT,
    at TEXT NOT NULL,
    end_at TEXT,
    all_day INTEGER NOT NULL DEFAULT 0,
    duration_s INTEGER,
    direction TEXT,
    outcome TEXT,
    place TEXT,
    participants TEXT NOT NULL DEFAULT '[]',
    order_number TEXT,
    amount_minor INTEGER,
    amount_currency TEXT,
    amount_base_minor INTEGER,
    status TEXT,
    rrule TEXT,
    exdates TEXT NOT NULL DEFAULT '[]',
    time_zone TEXT,
    ical_uid TEXT,
    contact_id INTEGER REFERENCES contacts (id),
    company_id INTEGER REFERENCES companies (id),
    deal_id INTEGER REFERENCES deals (id),
    lead_id INTEGER REFERENCES leads (id),
    tags TEXT NOT NULL DEFAULT '[]',
    custom TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
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
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    due_at TEXT,
    remind_at TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    priority TEXT NOT NULL DEFAULT 'normal',
    rrule TEXT,
    series_id INTEGER REFERENCES tasks (id),
    recurrence_start TEXT,
    next_created INTEGER NOT NULL DEFAULT 0,
    checklist TEXT NOT NULL DEFAULT '[]',
    estimate_s INTEGER,
    time_spent_s INTEGER NOT NULL DEFAULT 0,
    done_at TEXT,
    reminded_at TEXT,
    contact_id INTEGER REFERENCES contacts (id),
    company_id INTEGER REFERENCES companies (id),
    deal_id INTEGER REFERENCES deals (id),
    lead_id INTEGER REFERENCES leads (id),
    tags TEXT NOT NULL DEFAULT '[]',
    custom TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
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
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    read_at TEXT,
    summary TEXT NOT NULL,
    entity TEXT,
    record_id INTEGER,
    source_key TEXT NOT NULL UNIQUE
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;

CREATE TABLE time_entries (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    task_id INTEGER REFERENCES tasks (id),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    seconds INTEGER,
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX time_entries_user ON time_entries (user_id, started_at, id);
CREATE INDEX time_entries_task ON time_entries (task_id, id);
CREATE UNIQUE INDEX time_entries_running ON time_entries (user_id) WHERE ended_at IS NULL;

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX attachments_record ON attachments (entity, record_id, id);

CREATE TABLE timeline_items (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    entity TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    summary TEXT NOT NULL,
    detail TEXT,
    contact_id INTEGER,
    company_id INTEGER,
    deal_id INTEGER,
    lead_id INTEGER,
    owner_id INTEGER,
    user_id INTEGER
);
CREATE INDEX timeline_contact ON timeline_items (contact_id, at, id) WHERE contact_id IS NOT NULL;
CREATE INDEX timeline_company ON timeline_items (company_id, at, id) WHERE company_id IS NOT NULL;
CREATE INDEX timeline_company_own ON timeline_items (company_id, at, id)
    WHERE company_id IS NOT NULL AND contact_id IS NULL;
CREATE INDEX timeline_deal ON timeline_items (deal_id, at, id) WHERE deal_id IS NOT NULL;
CREATE INDEX timeline_lead ON timeline_items (lead_id, at, id) WHERE lead_id IS NOT NULL;
CREATE INDEX timeline_source ON timeline_items (entity, record_id);

CREATE TABLE calendar_feeds (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE VIRTUAL TABLE activities_fts USING fts5 (
    search_text, content = 'activities', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER activities_fts_insert AFTER INSERT ON activities BEGIN
    INSERT INTO activities_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER activities_fts_delete AFTER DELETE ON activities BEGIN
    INSERT INTO activities_fts (activities_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER activities_fts_update AFTER UPDATE OF search_text ON activities
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO activities_fts (activities_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO activities_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE VIRTUAL TABLE tasks_fts USING fts5 (
    search_text, content = 'tasks', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER tasks_fts_update AFTER UPDATE OF search_text ON tasks
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO tasks_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
