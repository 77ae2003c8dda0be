-- The product catalogue. price is money (three columns, as deals' amount),
-- prices the price in other currencies as JSON text, options the choices
-- that configure the product as JSON text (domain/product.h), tax_rate a
-- percentage. A SKU is unique among live products. Deals name their main
-- product.

CREATE TABLE products (
    id BIGSERIAL PRIMARY KEY,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    series TEXT,
    unit TEXT,
    description TEXT,
    price_minor BIGINT,
    price_currency TEXT,
    price_base_minor BIGINT,
    prices TEXT,
    cost_minor BIGINT,
    cost_currency TEXT,
    cost_base_minor BIGINT,
    tax_rate NUMERIC(9, 4),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    options TEXT,
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
CREATE UNIQUE INDEX products_live_sku ON products (sku) WHERE deleted_at IS NULL;
CREATE INDEX products_sku ON products (sku, id);
CREATE INDEX products_name ON products (name, id);
CREATE INDEX products_series ON products (series, id);
CREATE INDEX products_created ON products (created_at, id);
CREATE INDEX products_updated ON products (updated_at, id);
CREATE INDEX products_search ON products USING gin (search_vector);

-- A deal's main product (the deal's lines come with its quotes).
ALTER TABLE deals ADD COLUMN product_id BIGINT REFERENCES products (id);
CREATE INDEX deals_product ON deals (product_id);
