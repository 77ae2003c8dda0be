-- Leads, the rules that score and assign them, and the public forms that
-- capture them. A lead's score and its conversion are kept by the server;
-- form_submissions counts a form's submissions per address and hour for
-- the rate limit of the public endpoint.

CREATE TABLE forms (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    fields TEXT NOT NULL DEFAULT '[]',
    honeypot TEXT,
    source TEXT,
    redirect_url TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    key TEXT NOT NULL,
    custom TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
);
CREATE UNIQUE INDEX forms_key ON forms (key);
CREATE INDEX forms_name ON forms (name, id);

CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
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
    score INTEGER NOT NULL DEFAULT 0,
    form_id INTEGER REFERENCES forms (id),
    converted_contact_id INTEGER REFERENCES contacts (id),
    converted_company_id INTEGER REFERENCES companies (id),
    converted_deal_id INTEGER REFERENCES deals (id),
    converted_at TEXT,
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
CREATE INDEX leads_status ON leads (status, id);
CREATE INDEX leads_score ON leads (score, id);
CREATE INDEX leads_email ON leads (email);
CREATE INDEX leads_owner ON leads (owner_id, id);
CREATE INDEX leads_created ON leads (created_at, id);
CREATE INDEX leads_updated ON leads (updated_at, id);
CREATE INDEX leads_name ON leads (name, id);

CREATE TABLE lead_scoring_rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    filter TEXT NOT NULL,
    points INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    custom TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
);

CREATE TABLE lead_assignment_rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    filter TEXT,
    user_id INTEGER REFERENCES users (id),
    team_id INTEGER REFERENCES teams (id),
    position INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    last_user_id INTEGER,
    custom TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at TEXT
);

CREATE TABLE form_submissions (
    form_id INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    hour TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (form_id, address, hour)
);

CREATE VIRTUAL TABLE forms_fts USING fts5 (
    search_text, content = 'forms', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER forms_fts_insert AFTER INSERT ON forms BEGIN
    INSERT INTO forms_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER forms_fts_delete AFTER DELETE ON forms BEGIN
    INSERT INTO forms_fts (forms_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER forms_fts_update AFTER UPDATE OF search_text ON forms
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO forms_fts (forms_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO forms_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE VIRTUAL TABLE leads_fts USING fts5 (
    search_text, content = 'leads', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER leads_fts_insert AFTER INSERT ON leads BEGIN
    INSERT INTO leads_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN
    INSERT INTO leads_fts (leads_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER leads_fts_update AFTER UPDATE OF search_text ON leads
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO leads_fts (leads_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO leads_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE VIRTUAL TABLE lead_scoring_rules_fts USING fts5 (
    search_text, content = 'lead_scoring_rules', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER lead_scoring_rules_fts_insert AFTER INSERT ON lead_scoring_rules BEGIN
    INSERT INTO lead_scoring_rules_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER lead_scoring_rules_fts_delete AFTER DELETE ON lead_scoring_rules BEGIN
    INSERT INTO lead_scoring_rules_fts (lead_scoring_rules_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER lead_scoring_rules_fts_update AFTER UPDATE OF search_text ON lead_scoring_rules
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO lead_scoring_rules_fts (lead_scoring_rules_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO lead_scoring_rules_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE VIRTUAL TABLE lead_assignment_rules_fts USING fts5 (
    search_text, content = 'lead_assignment_rules', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TRIGGER lead_assignment_rules_fts_insert AFTER INSERT ON lead_assignment_rules BEGIN
    INSERT INTO lead_assignment_rules_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER lead_assignment_rules_fts_delete AFTER DELETE ON lead_assignment_rules BEGIN
    INSERT INTO lead_assignment_rules_fts (lead_assignment_rules_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER lead_assignment_rules_fts_update AFTER UPDATE OF search_text ON lead_assignment_rules
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO lead_assignment_rules_fts (lead_assignment_rules_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO lead_assignment_rules_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
