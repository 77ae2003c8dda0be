-- Leads, the rules that score and assign them, and the public forms that
-- capture them. A lead's score and its conversion are kept by the server;
-- form_submissions counts a form's submissions per address and hour for
-- the rate limit of the public endpoint.

CREATE TABLE forms (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    fields TEXT NOT NULL DEFAULT '[]',
    honeypot TEXT,
    source TEXT,
    redirect_url TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    key TEXT NOT NULL,
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
CREATE UNIQUE INDEX forms_key ON forms (key);
CREATE INDEX forms_name ON forms (name, id);

CREATE TABLE leads (
    id BIGSERIAL PRIMARY KEY,
    title TEXT,
    name TEXT,
    email TEXT,
    phone TEXT,
    company_name TEXT,
    source TEXT,
    region TEXT,
    utm TEXT NOT NULL DEFAULT '{}',
    referrer TEXT,
    status TEXT NOT NULL DEFAULT 'new',
    disqualify_reason TEXT,
    notes TEXT,
    score BIGINT NOT NULL DEFAULT 0,
    form_id BIGINT REFERENCES forms (id),
    converted_contact_id BIGINT REFERENCES contacts (id),
    converted_company_id BIGINT REFERENCES companies (id),
    converted_deal_id BIGINT REFERENCES deals (id),
    converted_at TEXT,
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
CREATE INDEX leads_status ON leads (status, id);
CREATE INDEX leads_score ON leads (score, id);
CREATE INDEX leads_email ON leads (email);
CREATE INDEX leads_owner ON leads (owner_id, id);
CREATE INDEX leads_created ON leads (created_at, id);
CREATE INDEX leads_updated ON leads (updated_at, id);
CREATE INDEX leads_name ON leads (name, id);

CREATE TABLE lead_scoring_rules (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    filter TEXT NOT NULL,
    points BIGINT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
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

CREATE TABLE lead_assignment_rules (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    filter TEXT,
    user_id BIGINT REFERENCES users (id),
    team_id BIGINT REFERENCES teams (id),
    position BIGINT NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    last_user_id BIGINT,
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

CREATE TABLE form_submissions (
    form_id BIGINT NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    hour TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (form_id, address, hour)
);
CREATE INDEX forms_search ON forms USING gin (search_vector);
CREATE INDEX leads_search ON leads USING gin (search_vector);
CREATE INDEX lead_scoring_rules_search ON lead_scoring_rules USING gin (search_vector);
CREATE INDEX lead_assignment_rules_search ON lead_assignment_rules USING gin (search_vector);
