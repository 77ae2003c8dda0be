-- The product catalogue. price is money (three columns, as deals' amount),
-- prices the price in other currencies as JSON text, options the choices
-- that configure the product as JSON text (domain/product.h), tax_rate a
-- percentage. A SKU is unique among live products. Deals name their main
-- product.

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    series TEXT,
    unit TEXT,
    description TEXT,
    price_minor INTEGER,
    price_currency TEXT,
    price_base_minor INTEGER,
    prices TEXT,
    cost_minor INTEGER,
    cost_currency TEXT,
    cost_base_minor INTEGER,
    tax_rate REAL,
    active INTEGER NOT NULL DEFAULT 1,
    options TEXT,
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
CREATE UNIQUE INDEX products_live_sku ON products (sku) WHERE deleted_at IS NULL;
CREATE INDEX products_sku ON products (sku, id);
CREATE INDEX products_name ON products (name, id);
CREATE INDEX products_series ON products (series, id);
CREATE INDEX products_created ON products (created_at, id);
CREATE INDEX products_updated ON products (updated_at, id);

CREATE VIRTUAL TABLE products_fts USING fts5 (
    search_text, content = 'products', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF search_text ON products
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO products_fts (products_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO products_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

-- A deal's main product (the deal's lines come with its quotes).
ALTER TABLE deals ADD COLUMN product_id INTEGER REFERENCES products (id);
CREATE INDEX deals_product ON deals (product_id);
