-- Commission rules: a percent of the won amount, by pipeline and/or product
-- series (NULL: any), in tiers by quarterly volume. tiers is JSON text,
-- [{"from": "0.00", "percent": "3"}, ...], checked by the domain
-- (src/domain/commission.c). Rules are configuration: deleted outright.
-- The commission report reads the won deals of a quarter by closed_at.

CREATE TABLE commission_rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    pipeline_id INTEGER REFERENCES pipelines (id),
    series TEXT,
    tiers TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX commission_rules_name ON commission_rules (name);
CREATE INDEX commission_rules_position ON commission_rules (position, id);

CREATE INDEX deals_closed_at ON deals (closed_at) WHERE deleted_at IS NULL;
