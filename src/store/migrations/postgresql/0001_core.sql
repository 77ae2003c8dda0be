-- Companies, contacts, their links and custom field definitions.
-- Times are ISO 8601 UTC text ("2026-11-23T10:15:00.000Z"); lists and custom
-- values are JSON text (the same SQL serves SQLite). search_text is kept by
-- the store; search_vector indexes it with the 'simple' configuration,
-- accents removed by unaccent when the extension can be created.

DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'unaccent is not available; search keeps accents';
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
        EXECUTE $f$CREATE FUNCTION crm_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
                   AS 'SELECT lower(public.unaccent(''public.unaccent''::regdictionary, t))'$f$;
    ELSE
        EXECUTE $f$CREATE FUNCTION crm_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
                   AS 'SELECT lower(t)'$f$;
    END IF;
END
$$;

CREATE TABLE companies (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    industry TEXT,
    size TEXT,
    website TEXT,
    phones TEXT NOT NULL DEFAULT '[]',
    emails TEXT NOT NULL DEFAULT '[]',
    address TEXT,
    parent_id BIGINT REFERENCES companies (id),
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
CREATE INDEX companies_name ON companies (name, id);
CREATE INDEX companies_parent ON companies (parent_id);
CREATE INDEX companies_created ON companies (created_at, id);
CREATE INDEX companies_updated ON companies (updated_at, id);
CREATE INDEX companies_industry ON companies (industry, id);
CREATE INDEX companies_search ON companies USING gin (search_vector);

CREATE TABLE contacts (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    first_name TEXT,
    last_name TEXT,
    emails TEXT NOT NULL DEFAULT '[]',
    phones TEXT NOT NULL DEFAULT '[]',
    birthday TEXT,
    position TEXT,
    interests TEXT NOT NULL DEFAULT '[]',
    skills TEXT NOT NULL DEFAULT '[]',
    social TEXT NOT NULL DEFAULT '{}',
    photo_url TEXT,
    source TEXT,
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
CREATE INDEX contacts_name ON contacts (name, id);
CREATE INDEX contacts_last_name ON contacts (last_name, id);
CREATE INDEX contacts_first_name ON contacts (first_name, id);
CREATE INDEX contacts_created ON contacts (created_at, id);
CREATE INDEX contacts_updated ON contacts (updated_at, id);
CREATE INDEX contacts_birthday ON contacts (birthday);
CREATE INDEX contacts_search ON contacts USING gin (search_vector);

CREATE TABLE contact_companies (
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    role TEXT,
    PRIMARY KEY (contact_id, company_id)
);
CREATE INDEX contact_companies_company ON contact_companies (company_id, contact_id);

CREATE TABLE field_defs (
    id BIGSERIAL PRIMARY KEY,
    entity TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    type TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '[]',
    required INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (entity, name)
);
