-- Dashboards remember the rows they computed (internal/dashboard Cache). A row of unit U stays
-- good while U's generation stands: it is bumped, in the same transaction as the change, by any
-- change to a report or rating of a cell that is, was or succeeded into a unit below U, and to
-- the trees below U: a unit's versions, its successions, the administrative units and hamlet
-- links of a territory led from below U. Changes at the top of the tree, and to the rating rule,
-- bump the structure's generation (unit_id 0), which every row depends on. The targets progress
-- is judged by have their own (unit_id -1). Every server reads them at each request, so a change
-- made through one server shows on the next request to any other.
CREATE TABLE dashboard_generation (
    unit_id bigint PRIMARY KEY,
    gen     bigint NOT NULL
);
COMMENT ON TABLE dashboard_generation IS 'version of the figures under a Party unit (0: of the whole structure, -1: of the targets), for the dashboards'' cache';
INSERT INTO dashboard_generation VALUES (0, 1), (-1, 1);

-- The units whose rows a change to unit's data may alter: the unit, the units that succeeded it,
-- and every unit that was ever above one of them; none when unit is NULL, or was bumped already
-- in this transaction (its units then were too, and any unit put above it since is bumped by
-- the change that put it there). The walks look each step up by key: OFFSET 0 keeps the
-- planner, which cannot tell how short they are, from joining whole tables.
CREATE FUNCTION dashboard_units_above(unit bigint) RETURNS SETOF bigint
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

CREATE INDEX party_unit_territory ON party_unit (territory_id) WHERE territory_id IS NOT NULL;

-- The Party units whose rows a change to an administrative unit may alter: those leading a
-- territory that is, or ever was, above it (or is it), and the units above them.
CREATE FUNCTION dashboard_leaders_above(admin bigint) RETURNS SETOF bigint
LANGUAGE sql AS $$
    WITH RECURSIVE up (id) AS (
        SELECT admin WHERE admin IS NOT NULL
        UNION
        SELECT v.parent_id FROM up
        CROSS JOIN LATERAL (SELECT parent_id FROM admin_unit_version v WHERE v.unit_id = up.id AND v.parent_id IS NOT NULL OFFSET 0) v
    )
    SELECT dashboard_units_above(p.id) FROM up
    CROSS JOIN LATERAL (SELECT id FROM party_unit p WHERE p.territory_id = up.id OFFSET 0) p
$$;

-- dashboard_bump bumps the generations of units, once per transaction each: a cache compares
-- generations for equality, so one bump tells all, and a long import that touches a province a
-- thousand times does not pile a thousand versions of its row. In id order, so that two
-- changes at once never wait on each other crosswise.
CREATE FUNCTION dashboard_bump(units bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.dashboard_bumped') IS NULL THEN
        CREATE TEMP TABLE dashboard_bumped (unit_id bigint PRIMARY KEY) ON COMMIT DELETE ROWS;
    END IF;
    WITH fresh AS (
        INSERT INTO dashboard_bumped SELECT DISTINCT id FROM unnest(units) id WHERE id IS NOT NULL
        ON CONFLICT DO NOTHING RETURNING unit_id
    )
    INSERT INTO dashboard_generation (unit_id, gen)
    SELECT unit_id, 1 FROM fresh ORDER BY unit_id
    ON CONFLICT (unit_id) DO UPDATE SET gen = dashboard_generation.gen + 1;
END
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
    PERFORM dashboard_bump(ARRAY(
        SELECT dashboard_units_above(NEW.cell_id) WHERE TG_OP <> 'DELETE'
        UNION
        SELECT dashboard_units_above(OLD.cell_id) WHERE TG_OP <> 'INSERT'));
    RETURN NULL;
END
$$;

CREATE FUNCTION dashboard_bump_party() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    units bigint[];
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'party_unit' THEN
        units := ARRAY(SELECT dashboard_units_above(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END));
    WHEN 'party_unit_version' THEN
        -- A change at the top of the tree changes the nation's list of units: everything.
        IF (TG_OP <> 'INSERT' AND OLD.parent_id IS NULL) OR (TG_OP <> 'DELETE' AND NEW.parent_id IS NULL) THEN
            UPDATE dashboard_generation SET gen = gen + 1 WHERE unit_id = 0;
            RETURN NULL;
        END IF;
        units := ARRAY(
            SELECT dashboard_units_above(NEW.unit_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_units_above(NEW.parent_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_units_above(OLD.unit_id) WHERE TG_OP <> 'INSERT'
            UNION SELECT dashboard_units_above(OLD.parent_id) WHERE TG_OP <> 'INSERT');
    WHEN 'party_unit_succession' THEN
        units := ARRAY(
            SELECT dashboard_units_above(NEW.predecessor_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_units_above(NEW.successor_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_units_above(OLD.predecessor_id) WHERE TG_OP <> 'INSERT'
            UNION SELECT dashboard_units_above(OLD.successor_id) WHERE TG_OP <> 'INSERT');
    WHEN 'reorg_event' THEN -- its date moves the successions it made
        units := ARRAY(SELECT dashboard_units_above(s.predecessor_id) FROM party_unit_succession s WHERE s.event_id = OLD.id);
    END CASE;
    PERFORM dashboard_bump(units);
    RETURN NULL;
END
$$;

CREATE FUNCTION dashboard_bump_admin() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    units bigint[];
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'admin_unit' THEN
        units := ARRAY(SELECT dashboard_leaders_above(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END));
    WHEN 'admin_unit_version' THEN
        units := ARRAY(
            SELECT dashboard_leaders_above(NEW.unit_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_leaders_above(NEW.parent_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_leaders_above(OLD.unit_id) WHERE TG_OP <> 'INSERT'
            UNION SELECT dashboard_leaders_above(OLD.parent_id) WHERE TG_OP <> 'INSERT');
    WHEN 'hamlet_cell_link' THEN
        units := ARRAY(
            SELECT dashboard_leaders_above(NEW.hamlet_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_leaders_above(OLD.hamlet_id) WHERE TG_OP <> 'INSERT');
    END CASE;
    PERFORM dashboard_bump(units);
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

CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE ON party_unit
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_party();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE ON party_unit_version
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_party();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE ON party_unit_succession
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_party();
CREATE TRIGGER dashboard_generation AFTER UPDATE OR DELETE ON reorg_event
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_party();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE ON admin_unit
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_admin();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE ON admin_unit_version
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_admin();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE ON hamlet_cell_link
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_admin();

-- Truncating the trees, and the rating rule, concern every row.
CREATE TRIGGER dashboard_generation_truncate AFTER TRUNCATE ON party_unit
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation_truncate AFTER TRUNCATE ON party_unit_version
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation_truncate AFTER TRUNCATE ON admin_unit_version
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation_truncate AFTER TRUNCATE ON hamlet_cell_link
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation_truncate AFTER TRUNCATE ON quarterly_report
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation_truncate AFTER TRUNCATE ON quality_rating
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON quality_rule
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_structure();

CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admission_target
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_targets();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_setting
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_targets();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_year
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_targets();
