-- The Party units whose rows a change to a hamlet may alter through the cells that serve or
-- served it: those cells and the units above them.
CREATE FUNCTION dashboard_servers_of(hamlet bigint) RETURNS SETOF bigint
LANGUAGE sql AS $$
    SELECT dashboard_units_above(l.cell_id)
    FROM (SELECT DISTINCT cell_id FROM hamlet_cell_link WHERE hamlet_id = hamlet) l
$$;

-- A hamlet cell's dashboard row counts the hamlets it serves (internal/dashboard coverage): a
-- change to a hamlet link, or to a hamlet a cell serves, bumps the units above the cell too,
-- not only those leading the hamlet's territory.
CREATE OR REPLACE FUNCTION dashboard_bump_admin() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    units bigint[];
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'admin_unit' THEN
        units := ARRAY(
            SELECT dashboard_leaders_above(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)
            UNION SELECT dashboard_servers_of(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END));
    WHEN 'admin_unit_version' THEN
        units := ARRAY(
            SELECT dashboard_leaders_above(NEW.unit_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_leaders_above(NEW.parent_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_servers_of(NEW.unit_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_leaders_above(OLD.unit_id) WHERE TG_OP <> 'INSERT'
            UNION SELECT dashboard_leaders_above(OLD.parent_id) WHERE TG_OP <> 'INSERT'
            UNION SELECT dashboard_servers_of(OLD.unit_id) WHERE TG_OP <> 'INSERT');
    WHEN 'hamlet_cell_link' THEN
        units := ARRAY(
            SELECT dashboard_leaders_above(NEW.hamlet_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_units_above(NEW.cell_id) WHERE TG_OP <> 'DELETE'
            UNION SELECT dashboard_leaders_above(OLD.hamlet_id) WHERE TG_OP <> 'INSERT'
            UNION SELECT dashboard_units_above(OLD.cell_id) WHERE TG_OP <> 'INSERT');
    END CASE;
    PERFORM dashboard_bump(units);
    RETURN NULL;
END
$$;
