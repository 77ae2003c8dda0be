-- Settings (key/value pairs; base_currency for now) and exchange rates by
-- date. A rate of currency X on a date means 1 X = rate units of the base
-- currency: rate is its canonical decimal text ("92.5"), rate_scaled the
-- same value times 10^8, which conversions use. Dates are 'YYYY-MM-DD'
-- text; the unique (currency, rate_date) index serves both the keyset
-- pages and "the latest rate on or before a date".

CREATE TABLE settings (
    "key" TEXT PRIMARY KEY,
    "value" TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE exchange_rates (
    id BIGSERIAL PRIMARY KEY,
    currency TEXT NOT NULL,
    rate_date TEXT NOT NULL,
    rate TEXT NOT NULL,
    rate_scaled BIGINT NOT NULL CHECK (rate_scaled > 0),
    created_at TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (currency, rate_date)
);
