-- Dashboards remember the rows they computed (internal/dashboard Cache). A row stays good while
-- the generations it was computed at stand: the unit's own, bumped in the same transaction as
-- any change to a report or rating of a cell that is, was or succeeded into a unit below it,
-- and the structure's (unit_id 0), bumped by any change to the trees, their links and events,
-- or the rating rule. The targets they judge progress by have their own (unit_id -1). Every
-- server reads them at each request, so a change made through one server shows on the next
-- request to any other.
CREATE TABLE dashboard_generation (
    unit_id bigint PRIMARY KEY,
    gen     bigint NOT NULL
);
COMMENT ON TABLE dashboard_generation IS 'version of the figures under a Party unit (0: of the structure), for the dashboards'' cache';
INSERT INTO dashboard_generation VALUES (0, 1), (-1, 1);

-- The units whose figures a change to cell's data may alter: the cell, the units that succeeded
-- it, and every unit that was ever above one of them.
CREATE FUNCTION dashboard_units_above(cell bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE heir (id) AS (
        SELECT cell
        UNION
        SELECT s.successor_id FROM heir JOIN party_unit_succession s ON s.predecessor_id = heir.id
    ),
    up (id) AS (
        SELECT id FROM heir
        UNION
        SELECT v.parent_id FROM up JOIN party_unit_version v ON v.unit_id = up.id WHERE v.parent_id IS NOT NULL
    )
    SELECT id FROM up
$$;

CREATE FUNCTION dashboard_bump_cell() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Drafts count nowhere: a draft saved as its secretary types changes no dashboard.
    IF TG_TABLE_NAME = 'quarterly_report' THEN
        IF (TG_OP = 'INSERT' OR OLD.state = 'draft') AND (TG_OP = 'DELETE' OR NEW.state = 'draft') THEN
            RETURN NULL;
        END IF;
    END IF;
    -- In id order, so that two reports saved at once never wait on each other crosswise.
    INSERT INTO dashboard_generation (unit_id, gen)
    SELECT id, 1 FROM (
        SELECT dashboard_units_above(NEW.cell_id) AS id WHERE TG_OP <> 'DELETE'
        UNION
        SELECT dashboard_units_above(OLD.cell_id) WHERE TG_OP <> 'INSERT'
    ) units ORDER BY id
    ON CONFLICT (unit_id) DO UPDATE SET gen = dashboard_generation.gen + 1;
    RETURN NULL;
END
$$;

CREATE FUNCTION dashboard_bump_structure() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dashboard_generation SET gen = gen + 1 WHERE unit_id = 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION dashboard_bump_targets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dashboard_generation SET gen = gen + 1 WHERE unit_id = -1;
    RETURN NULL;
END
$$;

CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE ON quarterly_report
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_cell();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE ON quality_rating
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_cell();

CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON party_unit
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON party_unit_version
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON party_unit_succession
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_unit
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_unit_version
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON hamlet_cell_link
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reorg_event
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON quality_rule
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();

CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admission_target
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_targets();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_setting
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_targets();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_year
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_targets();
