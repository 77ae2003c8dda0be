-- Competitors and deals. A deal's amount is three columns: amount_minor
-- (integer minor units of amount_currency) and amount_base_minor, the same
-- amount in minor units of the base currency at the rate of the deal's date
-- (NULL when no rate is known: such a deal is counted, never summed raw).
-- contact_links is the deal's copy of its contact links (as
-- contacts.company_links). deal_stage_history keeps every stage a deal
-- entered, from its creation on, for time in stage and conversion.

CREATE TABLE competitors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    website TEXT,
    notes TEXT,
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
CREATE INDEX competitors_name ON competitors (name, id);
CREATE INDEX competitors_created ON competitors (created_at, id);
CREATE INDEX competitors_updated ON competitors (updated_at, id);

CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines (id),
    stage_id INTEGER NOT NULL REFERENCES pipeline_stages (id),
    amount_minor INTEGER,
    amount_currency TEXT,
    amount_base_minor INTEGER,
    expected_close TEXT,
    company_id INTEGER REFERENCES companies (id),
    contact_links TEXT,
    source TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    probability INTEGER,
    stage_entered_at TEXT NOT NULL,
    closed_at TEXT,
    reason_id INTEGER REFERENCES deal_reasons (id),
    competitor_id INTEGER REFERENCES competitors (id),
    custom TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
);
-- The board's per-stage counts and sums read this index alone.
CREATE INDEX deals_board ON deals (pipeline_id, deleted_at, stage_id, amount_currency,
                                   amount_minor, amount_base_minor, owner_id);
CREATE INDEX deals_stage ON deals (stage_id, id);
CREATE INDEX deals_title ON deals (title, id);
CREATE INDEX deals_amount ON deals (amount_base_minor, id);
CREATE INDEX deals_expected_close ON deals (expected_close, id);
CREATE INDEX deals_company ON deals (company_id);
CREATE INDEX deals_owner ON deals (owner_id, id);
CREATE INDEX deals_created ON deals (created_at, id);
CREATE INDEX deals_updated ON deals (updated_at, id);
CREATE INDEX deals_reason ON deals (reason_id);
CREATE INDEX deals_competitor ON deals (competitor_id);

CREATE TABLE deal_contacts (
    deal_id INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    role TEXT,
    PRIMARY KEY (deal_id, contact_id)
);
CREATE INDEX deal_contacts_contact ON deal_contacts (contact_id, deal_id);

CREATE TABLE deal_stage_history (
    id INTEGER PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    from_pipeline_id INTEGER,
    from_stage_id INTEGER,
    to_pipeline_id INTEGER NOT NULL,
    to_stage_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    user_id INTEGER,
    seconds_in_from INTEGER
);
CREATE INDEX deal_stage_history_deal ON deal_stage_history (deal_id, id);
CREATE INDEX deal_stage_history_to ON deal_stage_history (to_stage_id, at);

CREATE VIRTUAL TABLE competitors_fts USING fts5 (
    search_text, content = 'competitors', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER competitors_fts_insert AFTER INSERT ON competitors BEGIN
    INSERT INTO competitors_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER competitors_fts_delete AFTER DELETE ON competitors BEGIN
    INSERT INTO competitors_fts (competitors_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER competitors_fts_update AFTER UPDATE OF search_text ON competitors BEGIN
    INSERT INTO competitors_fts (competitors_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO competitors_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE VIRTUAL TABLE deals_fts USING fts5 (
    search_text, content = 'deals', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER deals_fts_insert AFTER INSERT ON deals BEGIN
    INSERT INTO deals_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER deals_fts_delete AFTER DELETE ON deals BEGIN
    INSERT INTO deals_fts (deals_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER deals_fts_update AFTER UPDATE OF search_text ON deals BEGIN
    INSERT INTO deals_fts (deals_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO deals_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
