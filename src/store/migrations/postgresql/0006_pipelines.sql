-- Sales pipelines with their ordered stages, and the reasons a deal is won
-- or lost. A deleted pipeline is kept (deleted_at) and frees its name; the
-- rules on stages (kinds, probabilities, order) are the domain's
-- (src/domain/pipeline.c), the checks here only guard the stored values.

CREATE TABLE pipelines (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    deleted_at TEXT
);
CREATE UNIQUE INDEX pipelines_live_name ON pipelines (name) WHERE deleted_at IS NULL;

CREATE TABLE pipeline_stages (
    id BIGSERIAL PRIMARY KEY,
    pipeline_id BIGINT NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position BIGINT NOT NULL,
    probability BIGINT NOT NULL CHECK (probability BETWEEN 0 AND 100),
    kind TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
    rot_days BIGINT CHECK (rot_days IS NULL OR rot_days BETWEEN 1 AND 3650),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX pipeline_stages_pipeline ON pipeline_stages (pipeline_id, position);

CREATE TABLE deal_reasons (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('won', 'lost')),
    name TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX deal_reasons_kind_name ON deal_reasons (kind, name);
