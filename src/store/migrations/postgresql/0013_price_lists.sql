-- Named price lists, each in one currency with a price per product (items:
-- JSON [{product_id, price}]), and the price list a quote takes its prices
-- from. A list's name is unique among live lists.

CREATE TABLE price_lists (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    notes TEXT,
    items TEXT NOT NULL DEFAULT '[]',
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
CREATE UNIQUE INDEX price_lists_live_name ON price_lists (name) WHERE deleted_at IS NULL;
CREATE INDEX price_lists_name ON price_lists (name, id);

ALTER TABLE quotes ADD COLUMN price_list_id BIGINT REFERENCES price_lists (id);
CREATE INDEX price_lists_search ON price_lists USING gin (search_vector);
