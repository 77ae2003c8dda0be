-- Quotes of deals. lines is the JSON list of lines with what the server
-- computed for each; the totals are money (three columns each, as deals'
-- amount). status and number (the version) change by the quote's actions;
-- quote_versions keeps each version as it was sent.

CREATE TABLE quotes (
    id BIGSERIAL PRIMARY KEY,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    title TEXT,
    currency TEXT NOT NULL,
    prices_include_tax BOOLEAN NOT NULL DEFAULT FALSE,
    rounding TEXT NOT NULL DEFAULT 'line',
    discount_percent NUMERIC(9, 4),
    discount_amount TEXT,
    lines TEXT NOT NULL DEFAULT '[]',
    valid_until TEXT,
    notes TEXT,
    status TEXT NOT NULL DEFAULT 'draft',
    number BIGINT NOT NULL DEFAULT 1,
    subtotal_minor BIGINT,
    subtotal_currency TEXT,
    subtotal_base_minor BIGINT,
    quote_discount_minor BIGINT,
    quote_discount_currency TEXT,
    quote_discount_base_minor BIGINT,
    discount_total_minor BIGINT,
    discount_total_currency TEXT,
    discount_total_base_minor BIGINT,
    tax_total_minor BIGINT,
    tax_total_currency TEXT,
    tax_total_base_minor BIGINT,
    total_minor BIGINT,
    total_currency TEXT,
    total_base_minor BIGINT,
    sent_at TEXT,
    decided_at TEXT,
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
CREATE INDEX quotes_deal ON quotes (deal_id, id);
CREATE INDEX quotes_status ON quotes (status, id);
CREATE INDEX quotes_created ON quotes (created_at, id);
CREATE INDEX quotes_updated ON quotes (updated_at, id);
CREATE INDEX quotes_total ON quotes (total_base_minor, id);

CREATE TABLE quote_versions (
    id BIGSERIAL PRIMARY KEY,
    quote_id BIGINT NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    quote TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    sent_by BIGINT,
    UNIQUE (quote_id, number)
);
CREATE INDEX quotes_search ON quotes USING gin (search_vector);
