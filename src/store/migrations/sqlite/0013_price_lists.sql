-- Named price lists, each in one currency with a price per product (items:
-- JSON [{product_id, price}]), and the price list a quote takes its prices
-- from. A list's name is unique among live lists.

CREATE TABLE price_lists (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    notes TEXT,
    items TEXT NOT NULL DEFAULT '[]',
    custom TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
);
CREATE UNIQUE INDEX price_lists_live_name ON price_lists (name) WHERE deleted_at IS NULL;
CREATE INDEX price_lists_name ON price_lists (name, id);

ALTER TABLE quotes ADD COLUMN price_list_id INTEGER REFERENCES price_lists (id);

CREATE VIRTUAL TABLE price_lists_fts USING fts5 (
    search_text, content = 'price_lists', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER price_lists_fts_insert AFTER INSERT ON price_lists BEGIN
    INSERT INTO price_lists_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER price_lists_fts_delete AFTER DELETE ON price_lists BEGIN
    INSERT INTO price_lists_fts (price_lists_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER price_lists_fts_update AFTER UPDATE OF search_text ON price_lists
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO price_lists_fts (price_lists_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO price_lists_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
