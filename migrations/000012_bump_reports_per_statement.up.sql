-- A report change bumps the dashboards once per statement, not once per row: an import of
-- 100.000 reports in a few statements then walks up from all its cells at once (internal/report
-- ImportFigures; docs/performance.md). The units bumped are those the row trigger bumped: the
-- units above every cell whose report changed, drafts left out as before (a draft counts
-- nowhere). A trigger with transition tables fires on one event only, hence three; the one on
-- insert keeps the name dashboard_generation, which a bulk load (internal/gen) disables.

-- dashboard_units_above for many units at once: one walk for all of them, each step looked up
-- by key as the one unit's walk does (OFFSET 0: see 000009), the units met twice walked once.
CREATE FUNCTION dashboard_units_above_all(units bigint[]) RETURNS SETOF bigint
LANGUAGE sql AS $$
    WITH RECURSIVE heir (id) AS (
        SELECT DISTINCT u FROM unnest(units) u WHERE u IS NOT NULL
        UNION
        SELECT s.successor_id FROM heir
        CROSS JOIN LATERAL (SELECT successor_id FROM party_unit_succession s WHERE s.predecessor_id = heir.id OFFSET 0) s
    ),
    up (id) AS (
        SELECT id FROM heir
        UNION
        SELECT v.parent_id FROM up
        CROSS JOIN LATERAL (SELECT parent_id FROM party_unit_version v WHERE v.unit_id = up.id AND v.parent_id IS NOT NULL OFFSET 0) v
    )
    SELECT id FROM up
$$;

-- The one unit's walk is now the many units' walk with one unit.
CREATE OR REPLACE FUNCTION dashboard_units_above(unit bigint) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
BEGIN
    IF unit IS NULL THEN
        RETURN;
    END IF;
    IF to_regclass('pg_temp.dashboard_bumped') IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM pg_temp.dashboard_bumped b WHERE b.unit_id = unit) THEN
            RETURN;
        END IF;
    END IF;
    RETURN QUERY SELECT dashboard_units_above_all(ARRAY[unit]);
END
$$;

CREATE FUNCTION dashboard_bump_reports() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dashboard_bump(ARRAY(SELECT dashboard_units_above_all(ARRAY(
            SELECT cell_id FROM new_rows WHERE state <> 'draft'))));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM dashboard_bump(ARRAY(SELECT dashboard_units_above_all(ARRAY(
            SELECT cell_id FROM old_rows WHERE state <> 'draft'))));
    ELSE
        PERFORM dashboard_bump(ARRAY(SELECT dashboard_units_above_all(ARRAY(
            SELECT o.cell_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE NOT (o.state = 'draft' AND n.state = 'draft')
            UNION
            SELECT n.cell_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE NOT (o.state = 'draft' AND n.state = 'draft')))));
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER dashboard_generation ON quarterly_report;
CREATE TRIGGER dashboard_generation AFTER INSERT ON quarterly_report
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_reports();
CREATE TRIGGER dashboard_generation_update AFTER UPDATE ON quarterly_report
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_reports();
CREATE TRIGGER dashboard_generation_delete AFTER DELETE ON quarterly_report
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_reports();
