-- The board's per-stage counts and sums, kept by a trigger so that a board
-- without a filter reads a few rows instead of every deal of its pipeline:
-- one row per pipeline, stage, owner (0: none) and currency ('': no
-- amount) over the live deals. Rows that fall to zero deals stay.

CREATE TABLE deal_stage_totals (
    pipeline_id BIGINT NOT NULL,
    stage_id BIGINT NOT NULL,
    owner_key BIGINT NOT NULL,
    currency TEXT NOT NULL,
    n BIGINT NOT NULL,
    sum_minor BIGINT NOT NULL,
    sum_base_minor BIGINT NOT NULL,
    n_converted BIGINT NOT NULL,
    PRIMARY KEY (pipeline_id, stage_id, owner_key, currency)
);

INSERT INTO deal_stage_totals
SELECT pipeline_id, stage_id, COALESCE(owner_id, 0), COALESCE(amount_currency, ''), count(*),
       COALESCE(sum(amount_minor), 0), COALESCE(sum(amount_base_minor), 0),
       count(amount_base_minor)
FROM deals WHERE deleted_at IS NULL
GROUP BY pipeline_id, stage_id, COALESCE(owner_id, 0), COALESCE(amount_currency, '');

CREATE FUNCTION deal_stage_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
        UPDATE deal_stage_totals SET n = n - 1,
            sum_minor = sum_minor - COALESCE(OLD.amount_minor, 0),
            sum_base_minor = sum_base_minor - COALESCE(OLD.amount_base_minor, 0),
            n_converted = n_converted - (OLD.amount_base_minor IS NOT NULL)::int
        WHERE pipeline_id = OLD.pipeline_id AND stage_id = OLD.stage_id
            AND owner_key = COALESCE(OLD.owner_id, 0)
            AND currency = COALESCE(OLD.amount_currency, '');
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.deleted_at IS NULL THEN
        INSERT INTO deal_stage_totals VALUES (NEW.pipeline_id, NEW.stage_id,
            COALESCE(NEW.owner_id, 0), COALESCE(NEW.amount_currency, ''), 1,
            COALESCE(NEW.amount_minor, 0), COALESCE(NEW.amount_base_minor, 0),
            (NEW.amount_base_minor IS NOT NULL)::int)
        ON CONFLICT (pipeline_id, stage_id, owner_key, currency) DO UPDATE SET
            n = deal_stage_totals.n + 1,
            sum_minor = deal_stage_totals.sum_minor + excluded.sum_minor,
            sum_base_minor = deal_stage_totals.sum_base_minor + excluded.sum_base_minor,
            n_converted = deal_stage_totals.n_converted + excluded.n_converted;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER deal_stage_totals_insert AFTER INSERT OR DELETE ON deals
    FOR EACH ROW EXECUTE FUNCTION deal_stage_totals_apply();
CREATE TRIGGER deal_stage_totals_update AFTER UPDATE OF pipeline_id, stage_id, owner_id,
    amount_minor, amount_currency, amount_base_minor, deleted_at ON deals
    FOR EACH ROW EXECUTE FUNCTION deal_stage_totals_apply();
