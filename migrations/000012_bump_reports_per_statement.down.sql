DROP TRIGGER dashboard_generation ON quarterly_report;
DROP TRIGGER dashboard_generation_update ON quarterly_report;
DROP TRIGGER dashboard_generation_delete ON quarterly_report;
DROP FUNCTION dashboard_bump_reports();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE ON quarterly_report
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_cell();

-- The one unit's walk as 000009 made it.
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
    RETURN QUERY
    WITH RECURSIVE heir (id) AS (
        SELECT unit
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
    SELECT id FROM up;
END
$$;
DROP FUNCTION dashboard_units_above_all(bigint[]);
