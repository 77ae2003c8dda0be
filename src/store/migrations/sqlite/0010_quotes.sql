-- Quotes of deals. lines is the JSON list of lines with what the server
-- computed for each; the totals are money (three columns each, as deals'
-- amount). status and number (the version) change by the quote's actions;
-- quote_versions keeps each version as it was sent.

CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deals (id),
    title TEXT,
    currency TEXT NOT NULL,
    prices_include_tax INTEGER NOT NULL DEFAULT 0,
    rounding TEXT NOT NULL DEFAULT 'line',
    discount_percent REAL,
    discount_amount TEXT,
    lines TEXT NOT NULL DEFAULT '[]',
    valid_until TEXT,
    notes TEXT,
    status TEXT NOT NULL DEFAULT 'draft',
    number INTEGER NOT NULL DEFAULT 1,
    subtotal_minor INTEGER,
    subtotal_currency TEXT,
    subtotal_base_minor INTEGER,
    quote_discount_minor INTEGER,
    quote_discount_currency TEXT,
    quote_discount_base_minor INTEGER,
    discount_total_minor INTEGER,
    discount_total_currency TEXT,
    discount_total_base_minor INTEGER,
    tax_total_minor INTEGER,
    tax_total_currency TEXT,
    tax_total_base_minor INTEGER,
    total_minor INTEGER,
    total_currency TEXT,
    total_base_minor INTEGER,
    sent_at TEXT,
    decided_at TEXT,
    custom TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
);
CREATE INDEX quotes_deal ON quotes (deal_id, id);
CREATE INDEX quotes_status ON quotes (status, id);
CREATE INDEX quotes_created ON quotes (created_at, id);
CREATE INDEX quotes_updated ON quotes (updated_at, id);
CREATE INDEX quotes_total ON quotes (total_base_minor, id);

CREATE TABLE quote_versions (
    id INTEGER PRIMARY KEY,
    quote_id INTEGER NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    quote TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    sent_by INTEGER,
    UNIQUE (quote_id, number)
);

CREATE VIRTUAL TABLE quotes_fts USING fts5 (
    search_text, content = 'quotes', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER quotes_fts_update AFTER UPDATE OF search_text ON quotes
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO quotes_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
