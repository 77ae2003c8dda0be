-- Competitors and deals. A deal's amount is three columns: amount_minor
-- (integer minor units of amount_currency) and amount_base_minor, the same
-- amount in minor units of the base currency at the rate of the deal's date
-- (NULL when no rate is known: such a deal is counted, never summed raw).
-- contact_links is the deal's copy of its contact links (as
-- contacts.company_links). deal_stage_history keeps every stage a deal
-- entered, from its creation on, for time in stage and conversion.

CREATE TABLE competitors (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    website TEXT,
    notes TEXT,
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
CREATE INDEX competitors_name ON competitors (name, id);
CREATE INDEX competitors_created ON competitors (created_at, id);
CREATE INDEX competitors_updated ON competitors (updated_at, id);

CREATE TABLE deals (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    pipeline_id BIGINT NOT NULL REFERENCES pipelines (id),
    stage_id BIGINT NOT NULL REFERENCES pipeline_stages (id),
    amount_minor BIGINT,
    amount_currency TEXT,
    amount_base_minor BIGINT,
    expected_close TEXT,
    company_id BIGINT REFERENCES companies (id),
    contact_links TEXT,
    source TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    probability BIGINT,
    stage_entered_at TEXT NOT NULL,
    closed_at TEXT,
    reason_id BIGINT REFERENCES deal_reasons (id),
    competitor_id BIGINT REFERENCES competitors (id),
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
    deal_id BIGINT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    role TEXT,
    PRIMARY KEY (deal_id, contact_id)
);
CREATE INDEX deal_contacts_contact ON deal_contacts (contact_id, deal_id);

CREATE TABLE deal_stage_history (
    id BIGSERIAL PRIMARY KEY,
    deal_id BIGINT NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    from_pipeline_id BIGINT,
    from_stage_id BIGINT,
    to_pipeline_id BIGINT NOT NULL,
    to_stage_id BIGINT NOT NULL,
    at TEXT NOT NULL,
    user_id BIGINT,
    seconds_in_from BIGINT
);
CREATE INDEX deal_stage_history_deal ON deal_stage_history (deal_id, id);
CREATE INDEX deal_stage_history_to ON deal_stage_history (to_stage_id, at);

CREATE INDEX competitors_search ON competitors USING gin (search_vector);
CREATE INDEX deals_search ON deals USING gin (search_vector);
