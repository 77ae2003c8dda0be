-- Data in, data out, data clean: uploaded and generated files (kept in
-- chunks, so neither side ever holds a whole file), imports with their
-- settings, position, per-row errors and the changes an undo reverts, the
-- column mappings remembered per source, exports, the duplicate keys of
-- records (blocking keys of the matcher), merges with what their undo
-- needs, the consent ledger, and an external id on the imported entities.

CREATE TABLE files (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL DEFAULT 0,
    purpose TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX files_created ON files (created_at, id);

CREATE TABLE file_chunks (
    file_id BIGINT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (file_id, seq)
);

CREATE TABLE imports (
    id BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL,
    format TEXT NOT NULL,
    file_id BIGINT REFERENCES files (id),
    file_name TEXT NOT NULL,
    status TEXT NOT NULL,
    dry_run BIGINT NOT NULL DEFAULT 0,
    settings TEXT NOT NULL DEFAULT '{}',
    columns TEXT NOT NULL DEFAULT '[]',
    preview TEXT NOT NULL DEFAULT '[]',
    source_key TEXT NOT NULL DEFAULT '',
    total_rows BIGINT NOT NULL DEFAULT 0,
    rows_done BIGINT NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{}',
    next_offset BIGINT NOT NULL DEFAULT 0,
    next_line BIGINT NOT NULL DEFAULT 1,
    run_ms BIGINT NOT NULL DEFAULT 0,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    started_at TEXT,
    finished_at TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX imports_created_by ON imports (created_by, id);

CREATE TABLE import_errors (
    id BIGSERIAL PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row_no BIGINT NOT NULL,
    line BIGINT NOT NULL,
    column_name TEXT,
    message TEXT NOT NULL,
    dry_run BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX import_errors_import ON import_errors (import_id, dry_run, row_no, id);

CREATE TABLE import_changes (
    id BIGSERIAL PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row_no BIGINT NOT NULL,
    entity TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    version BIGINT NOT NULL,
    flagged_ids TEXT,
    undone BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX import_changes_import ON import_changes (import_id, id);

CREATE TABLE import_mappings (
    entity TEXT NOT NULL,
    source_key TEXT NOT NULL,
    mapping TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (entity, source_key)
);

CREATE TABLE exports (
    id BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL,
    format TEXT NOT NULL,
    request TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    rows_done BIGINT NOT NULL DEFAULT 0,
    file_id BIGINT REFERENCES files (id),
    error TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX exports_created_by ON exports (created_by, id);

CREATE TABLE dup_keys (
    entity TEXT NOT NULL,
    key TEXT NOT NULL,
    record_id BIGINT NOT NULL
);
CREATE INDEX dup_keys_key ON dup_keys (entity, key, record_id);
CREATE INDEX dup_keys_record ON dup_keys (entity, record_id);

CREATE TABLE merges (
    id BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL,
    survivor_id BIGINT NOT NULL,
    merged_ids TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL,
    undone_by BIGINT REFERENCES users (id),
    undone_at TEXT
);
CREATE INDEX merges_survivor ON merges (entity, survivor_id, id);

CREATE TABLE consents (
    id BIGSERIAL PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    purpose TEXT NOT NULL,
    text_version TEXT NOT NULL,
    source TEXT NOT NULL,
    given_at TEXT NOT NULL,
    withdrawn_at TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX consents_contact ON consents (contact_id, purpose, id);

ALTER TABLE contacts ADD COLUMN addresses TEXT NOT NULL DEFAULT '[]';
ALTER TABLE contacts ADD COLUMN photo_id BIGINT;
ALTER TABLE companies ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX companies_live_external_id ON companies (external_id)
    WHERE external_id IS NOT NULL AND deleted_at IS NULL;
ALTER TABLE contacts ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX contacts_live_external_id ON contacts (external_id)
    WHERE external_id IS NOT NULL AND deleted_at IS NULL;
ALTER TABLE leads ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX leads_live_external_id ON leads (external_id)
    WHERE external_id IS NOT NULL AND deleted_at IS NULL;
ALTER TABLE deals ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX deals_live_external_id ON deals (external_id)
    WHERE external_id IS NOT NULL AND deleted_at IS NULL;
ALTER TABLE products ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX products_live_external_id ON products (external_id)
    WHERE external_id IS NOT NULL AND deleted_at IS NULL;
ALTER TABLE activities ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX activities_live_external_id ON activities (external_id)
    WHERE external_id IS NOT NULL AND deleted_at IS NULL;
