-- The board's per-stage counts and sums, kept by triggers so that a board
-- without a filter reads a few rows instead of every deal of its pipeline:
-- one row per pipeline, stage, owner (0: none) and currency ('': no
-- amount) over the live deals. Rows that fall to zero deals stay.
-- Also: a deal's full-text entry is rewritten only when its text changes
-- (a move rewrites the same text).

CREATE TABLE deal_stage_totals (
    pipeline_id INTEGER NOT NULL,
    stage_id INTEGER NOT NULL,
    owner_key INTEGER NOT NULL,
    currency TEXT NOT NULL,
    n INTEGER NOT NULL,
    sum_minor INTEGER NOT NULL,
    sum_base_minor INTEGER NOT NULL,
    n_converted INTEGER NOT NULL,
    PRIMARY KEY (pipeline_id, stage_id, owner_key, currency)
);

INSERT INTO deal_stage_totals
SELECT pipeline_id, stage_id, COALESCE(owner_id, 0), COALESCE(amount_currency, ''), count(*),
       COALESCE(sum(amount_minor), 0), COALESCE(sum(amount_base_minor), 0),
       count(amount_base_minor)
FROM deals WHERE deleted_at IS NULL
GROUP BY pipeline_id, stage_id, COALESCE(owner_id, 0), COALESCE(amount_currency, '');

CREATE TRIGGER deal_stage_totals_insert AFTER INSERT ON deals WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO deal_stage_totals VALUES (new.pipeline_id, new.stage_id,
        COALESCE(new.owner_id, 0), COALESCE(new.amount_currency, ''), 1,
        COALESCE(new.amount_minor, 0), COALESCE(new.amount_base_minor, 0),
        new.amount_base_minor IS NOT NULL)
    ON CONFLICT (pipeline_id, stage_id, owner_key, currency) DO UPDATE SET
        n = n + 1, sum_minor = sum_minor + excluded.sum_minor,
        sum_base_minor = sum_base_minor + excluded.sum_base_minor,
        n_converted = n_converted + excluded.n_converted;
END;

CREATE TRIGGER deal_stage_totals_delete AFTER DELETE ON deals WHEN old.deleted_at IS NULL BEGIN
    UPDATE deal_stage_totals SET n = n - 1,
        sum_minor = sum_minor - COALESCE(old.amount_minor, 0),
        sum_base_minor = sum_base_minor - COALESCE(old.amount_base_minor, 0),
        n_converted = n_converted - (old.amount_base_minor IS NOT NULL)
    WHERE pipeline_id = old.pipeline_id AND stage_id = old.stage_id
        AND owner_key = COALESCE(old.owner_id, 0) AND currency = COALESCE(old.amount_currency, '');
END;

CREATE TRIGGER deal_stage_totals_update AFTER UPDATE OF pipeline_id, stage_id, owner_id,
    amount_minor, amount_currency, amount_base_minor, deleted_at ON deals BEGIN
    UPDATE deal_stage_totals SET n = n - 1,
        sum_minor = sum_minor - COALESCE(old.amount_minor, 0),
        sum_base_minor = sum_base_minor - COALESCE(old.amount_base_minor, 0),
        n_converted = n_converted - (old.amount_base_minor IS NOT NULL)
    WHERE old.deleted_at IS NULL AND pipeline_id = old.pipeline_id AND stage_id = old.stage_id
        AND owner_key = COALESCE(old.owner_id, 0) AND currency = COALESCE(old.amount_currency, '');
    INSERT INTO deal_stage_totals SELECT new.pipeline_id, new.stage_id,
        COALESCE(new.owner_id, 0), COALESCE(new.amount_currency, ''), 1,
        COALESCE(new.amount_minor, 0), COALESCE(new.amount_base_minor, 0),
        new.amount_base_minor IS NOT NULL
    WHERE new.deleted_at IS NULL
    ON CONFLICT (pipeline_id, stage_id, owner_key, currency) DO UPDATE SET
        n = n + 1, sum_minor = sum_minor + excluded.sum_minor,
        sum_base_minor = sum_base_minor + excluded.sum_base_minor,
        n_converted = n_converted + excluded.n_converted;
END;

DROP TRIGGER deals_fts_update;
CREATE TRIGGER deals_fts_update AFTER UPDATE OF search_text ON deals
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO deals_fts (deals_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO deals_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
